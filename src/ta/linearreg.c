/* LINEARREG, LINEARREG_SLOPE, LINEARREG_INTERCEPT, LINEARREG_ANGLE and TSF:
 * least-squares line through the last p values, refit from scratch on every
 * bar exactly as TA-Lib does (bit for bit). TA-Lib puts x = "bars ago"
 * (p-1 for the oldest value .. 0 for the newest) and sums oldest first:
 *   m = (p·Σxy − Σx·Σy) / (Σx² − p·Σx²_i)      slope per bar (forward in time)
 *   b = (Σy − m·Σx) / p                         line value at the oldest bar
 *   LINEARREG = b + m(p−1), TSF = b + m·p, ANGLE = atan(m)·180/π.
 * Σx and Σx² of 0..p-1 are computed in exact integer arithmetic (TA-Lib's int
 * expressions overflow for large p; the values agree wherever its are
 * defined). Because every bar is refit, a NaN input only affects the p bars
 * whose window contains it. */
#include "overlap_internal.h"

enum lr_kind { LR_VALUE, LR_SLOPE, LR_INTERCEPT, LR_ANGLE, LR_TSF };

typedef struct lr_const { double p, sumx, divisor; } lr_const;

static lr_const lr_consts(int period) {
    lr_const c;
    int64_t p = period;
    c.p = (double)period;
    c.sumx = (double)(p * (p - 1)) * 0.5;
    double sumxsqr = (double)(p * (p - 1) * (2 * p - 1) / 6);
    c.divisor = c.sumx * c.sumx - c.p * sumxsqr;
    return c;
}

/* Fits the window given as two segments (oldest first). */
static double lr_fit(const lr_const *c, int kind, const double *a, size_t na, const double *b2, size_t nb) {
    double sumxy = 0.0, sumy = 0.0;
    size_t i = na + nb;
    for (size_t k = 0; k < na; k++) {
        double v = a[k];
        i--;
        sumy += v;
        sumxy += (double)i * v;
    }
    for (size_t k = 0; k < nb; k++) {
        double v = b2[k];
        i--;
        sumy += v;
        sumxy += (double)i * v;
    }
    double m = (c->p * sumxy - c->sumx * sumy) / c->divisor;
    if (kind == LR_SLOPE) return m;
    if (kind == LR_ANGLE) return atan(m) * (180.0 / 3.14159265358979323846);
    double b = (sumy - m * c->sumx) / c->p;
    if (kind == LR_INTERCEPT) return b;
    if (kind == LR_TSF) return b + m * c->p;
    return b + m * (c->p - 1.0);
}

static int lr_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

static int lr_batch(size_t n, const double *in, int period, int kind, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    pr_ta_fill_nan(out, n < p ? n : p - 1);
    lr_const c = lr_consts(period);
    for (size_t t = p - 1; t < n; t++) out[t] = lr_fit(&c, kind, in + t + 1 - p, p, NULL, 0);
    return PR_OK;
}

typedef struct lr_impl {
    int kind;
    size_t p, count, pos;   /* pos: slot of the oldest value once full */
    lr_const c;
    double ring[];
} lr_impl;

static int lr_init(lr_impl **out, int period, int kind) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    lr_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->kind = kind;
    m->p = (size_t)period;
    m->count = m->pos = 0;
    m->c = lr_consts(period);
    *out = m;
    return PR_OK;
}

static int lr_update(lr_impl *m, double x, double *out) {
    if (!m || !out) return PR_EINVAL;
    if (m->count < m->p) {
        m->ring[m->count++] = x;
        *out = m->count == m->p ? lr_fit(&m->c, m->kind, m->ring, m->p, NULL, 0) : NAN;
        return PR_OK;
    }
    m->ring[m->pos] = x;
    if (++m->pos == m->p) m->pos = 0;
    *out = lr_fit(&m->c, m->kind, m->ring + m->pos, m->p - m->pos, m->ring, m->pos);
    return PR_OK;
}

/* The five public families share lr_impl: their opaque impl types are never
 * defined; the pointer is converted back to lr_impl * before every use. */
#define LR_PUBLIC(name, kind)                                                                 \
    int pr_ta_##name##_lookback(int period, int *out) { return lr_lookback(period, out); }    \
    int pr_ta_##name(size_t n, const double *in, int period, double *out) {                  \
        return lr_batch(n, in, period, kind, out);                                            \
    }                                                                                         \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period) {                           \
        if (!s) return PR_EINVAL;                                                             \
        lr_impl *m;                                                                           \
        int rc = lr_init(&m, period, kind);                                                   \
        if (rc == PR_OK) s->p = (struct pr_ta_##name##_impl *)(void *)m;                      \
        return rc;                                                                            \
    }                                                                                         \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out) {              \
        return s ? lr_update((lr_impl *)(void *)s->p, x, out) : PR_EINVAL;                    \
    }                                                                                         \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                                       \
        if (!s) return;                                                                       \
        free(s->p);                                                                           \
        s->p = NULL;                                                                          \
    }

LR_PUBLIC(linearreg, LR_VALUE)
LR_PUBLIC(linearreg_slope, LR_SLOPE)
LR_PUBLIC(linearreg_intercept, LR_INTERCEPT)
LR_PUBLIC(linearreg_angle, LR_ANGLE)
LR_PUBLIC(tsf, LR_TSF)
