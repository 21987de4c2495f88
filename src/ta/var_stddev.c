/* VAR and STDDEV, batch and streaming, in TA-Lib's operation order (bit for
 * bit).
 *
 * Summation: population variance as E[x²] − E[x]² from two running raw sums
 * (Σx, Σx²), each updated as "add the new value, take the mean, subtract the
 * value that leaves" — TA-Lib's algorithm, kept for exact agreement. It loses
 * digits when the mean is large against the spread (a 40,000 price with a
 * spread of tens keeps ~8 significant digits of the variance), which is why
 * its tests use 1e-8; a two-pass or Welford form would be more accurate but
 * would no longer reproduce TA-Lib. STDDEV = sqrt(VAR)·nbdev, 0 when VAR <
 * 1e-14 (TA-Lib's zero-or-negative test). */
#include "overlap_internal.h"

/* One bar of the running sums; returns VAR for the window ending at x. */
static inline double var_step(double *t1, double *t2, double x, double old, double dp) {
    *t1 += x;
    *t2 += x * x;
    double m1 = *t1 / dp, m2 = *t2 / dp;
    *t1 -= old;
    *t2 -= old * old;
    return m2 - m1 * m1;
}

static inline double stddev_of(double v, double nbdev) {
    return !PR_TA_IS_ZERO_OR_NEG(v) ? sqrt(v) * nbdev : 0.0;
}

/* Batch VAR into out; p >= 1, n >= p. */
static void var_batch(size_t n, const double *in, int period, double *out) {
    size_t p = (size_t)period;
    double t1 = 0.0, t2 = 0.0, dp = (double)period;
    for (size_t i = 0; i + 1 < p; i++) {
        t1 += in[i];
        t2 += in[i] * in[i];
    }
    for (size_t i = p - 1; i < n; i++) out[i] = var_step(&t1, &t2, in[i], in[i + 1 - p], dp);
}

int pr_ta_var_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_var(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    pr_ta_fill_nan(out, n < p ? n : p - 1);
    if (n >= p) var_batch(n, in, period, out);
    return PR_OK;
}

int pr_ta_stddev_lookback(int period, double nbdev, int *out) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX) || !pr_ta_real_ok(nbdev)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_stddev(size_t n, const double *in, int period, double nbdev, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX) && pr_ta_real_ok(nbdev), n, in, out);
    size_t p = (size_t)period;
    pr_ta_fill_nan(out, n < p ? n : p - 1);
    if (n < p) return PR_OK;
    var_batch(n, in, period, out);
    for (size_t i = p - 1; i < n; i++) out[i] = stddev_of(out[i], nbdev);
    return PR_OK;
}

/* Shared streaming state. */
typedef struct var_stream {
    double dp, t1, t2;
    pr_ta_win w;
} var_stream;

static int var_stream_init(var_stream *v, int period) {
    v->dp = (double)period;
    v->t1 = v->t2 = 0.0;
    return pr_ta_win_init(&v->w, period);
}

/* Returns 1 with *var set once the window is full. */
static int var_stream_push(var_stream *v, double x, double *var) {
    double old;
    if (!pr_ta_win_push(&v->w, x, &old)) {
        v->t1 += x;
        v->t2 += x * x;
        return 0;
    }
    *var = var_step(&v->t1, &v->t2, x, old, v->dp);
    return 1;
}

struct pr_ta_var_impl { var_stream v; };
struct pr_ta_stddev_impl { var_stream v; double nbdev; };

int pr_ta_var_init(pr_ta_var_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_var_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (var_stream_init(&m->v, period) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    s->p = m;
    return PR_OK;
}

int pr_ta_var_update(pr_ta_var_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    double v;
    *out = var_stream_push(&s->p->v, x, &v) ? v : NAN;
    return PR_OK;
}

void pr_ta_var_free(pr_ta_var_state *s) {
    if (!s || !s->p) return;
    pr_ta_win_free(&s->p->v.w);
    free(s->p);
    s->p = NULL;
}

int pr_ta_stddev_init(pr_ta_stddev_state *s, int period, double nbdev) {
    if (!s || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX) || !pr_ta_real_ok(nbdev)) return PR_EINVAL;
    struct pr_ta_stddev_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (var_stream_init(&m->v, period) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    m->nbdev = nbdev;
    s->p = m;
    return PR_OK;
}

int pr_ta_stddev_update(pr_ta_stddev_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    double v;
    *out = var_stream_push(&s->p->v, x, &v) ? stddev_of(v, s->p->nbdev) : NAN;
    return PR_OK;
}

void pr_ta_stddev_free(pr_ta_stddev_state *s) {
    if (!s || !s->p) return;
    pr_ta_win_free(&s->p->v.w);
    free(s->p);
    s->p = NULL;
}
