/* ACCBANDS: acceleration bands (lookback p-1), as TA-Lib computes them: per
 * bar t = 4*(H - L)/(H + L) (t = 0, i.e. the plain H and L, when H + L is
 * within 1e-14 of 0), upper = SMA_p(H*(1 + t)), middle = SMA_p(C), lower =
 * SMA_p(L*(1 - t)), each SMA TA-Lib's running sum, so the values equal
 * TA-Lib's bit for bit. Batch and streaming share the streaming SMA steps. */
#include "overlap_internal.h"

static int acc_ok(int period) { return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX); }

struct pr_ta_accbands_impl {
    pr_ta_xsma up, mid, lo;
};

static inline void acc_band_inputs(double h, double l, double *bu, double *bl) {
    double s = h + l;
    if (!PR_TA_IS_ZERO(s)) {
        double t = 4 * (h - l) / s;
        *bu = h * (1 + t);
        *bl = l * (1 - t);
    } else {
        *bu = h;
        *bl = l;
    }
}

static void acc_free_parts(struct pr_ta_accbands_impl *m) {
    pr_ta_win_free(&m->up.w);
    pr_ta_win_free(&m->mid.w);
    pr_ta_win_free(&m->lo.w);
}

static int acc_setup(struct pr_ta_accbands_impl *m, int period) {
    memset(m, 0, sizeof *m);
    if (pr_ta_xsma_init(&m->up, period) != PR_OK || pr_ta_xsma_init(&m->mid, period) != PR_OK ||
        pr_ta_xsma_init(&m->lo, period) != PR_OK) {
        acc_free_parts(m);
        return PR_ENOMEM;
    }
    return PR_OK;
}

static inline void acc_step(struct pr_ta_accbands_impl *m, double h, double l, double c, double *u,
                            double *md, double *lw) {
    double bu, bl;
    acc_band_inputs(h, l, &bu, &bl);
    int ok = pr_ta_xsma_push(&m->up, bu);
    pr_ta_xsma_push(&m->mid, c);
    pr_ta_xsma_push(&m->lo, bl);
    *u = ok ? m->up.value : NAN;
    *md = ok ? m->mid.value : NAN;
    *lw = ok ? m->lo.value : NAN;
}

int pr_ta_accbands_lookback(int period, int *out) {
    if (!out || !acc_ok(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_accbands(size_t n, const double *high, const double *low, const double *close, int period,
                   double *upper, double *middle, double *lower) {
    PR_TA_PROLOGUE(acc_ok(period), n, high, low, close, upper, middle, lower);
    struct pr_ta_accbands_impl m;
    if (acc_setup(&m, period) != PR_OK) return PR_ENOMEM;
    for (size_t t = 0; t < n; t++) acc_step(&m, high[t], low[t], close[t], &upper[t], &middle[t], &lower[t]);
    acc_free_parts(&m);
    return PR_OK;
}

int pr_ta_accbands_init(pr_ta_accbands_state *s, int period) {
    if (!s || !acc_ok(period)) return PR_EINVAL;
    struct pr_ta_accbands_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (acc_setup(m, period) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    s->p = m;
    return PR_OK;
}

int pr_ta_accbands_update(pr_ta_accbands_state *s, double high, double low, double close, double *upper,
                          double *middle, double *lower) {
    if (!s || !s->p || !upper || !middle || !lower) return PR_EINVAL;
    acc_step(s->p, high, low, close, upper, middle, lower);
    return PR_OK;
}

void pr_ta_accbands_free(pr_ta_accbands_state *s) {
    if (!s) return;
    if (s->p) acc_free_parts(s->p);
    free(s->p);
    s->p = NULL;
}
