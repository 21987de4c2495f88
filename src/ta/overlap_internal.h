/* Internal to the overlap family (src/ta/ overlap files): argument checks,
 * TA-Lib's zero tests, TA-Lib-order EMA/SMA steps and the sliding window
 * shared by the streaming forms. */
#ifndef PR_TA_OVERLAP_INTERNAL_H
#define PR_TA_OVERLAP_INTERNAL_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ta_internal.h"

/* TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG: absolute epsilon 1e-14. NaN is
 * neither, so NaN flows into the computation that follows. */
#define PR_TA_IS_ZERO(v) (((-0.00000000000001) < (v)) && ((v) < 0.00000000000001))
#define PR_TA_IS_ZERO_OR_NEG(v) ((v) < 0.00000000000001)

static inline int pr_ta_period_ok(int p, int lo, int hi) { return p >= lo && p <= hi; }

/* nbdev-style real parameter range used by TA-Lib (TA_REAL_MIN..MAX). */
static inline int pr_ta_real_ok(double v) { return v >= -3e37 && v <= 3e37; }

/* TA-Lib's PER_TO_K. */
static inline double pr_ta_per_to_k(int period) { return 2.0 / ((double)(period + 1)); }

/* One EMA step in TA-Lib's operation order: ((x - prev) * k) + prev. */
static inline double pr_ta_ema_step(double prev, double x, double k) { return ((x - prev) * k) + prev; }

/* Streaming seed accumulator for an EMA in TA-Lib order: the first `period`
 * values are summed in order, the SMA is the seed, then pr_ta_ema_step.
 * Used (embedded) by DEMA, TEMA, TRIX, MACD, APO/PPO(EMA). */
typedef struct pr_ta_xema {
    int period;
    int n;          /* values seen, saturates at period */
    double k, sum, value;
} pr_ta_xema;

static inline void pr_ta_xema_init(pr_ta_xema *e, int period) {
    e->period = period;
    e->n = 0;
    e->k = pr_ta_per_to_k(period);
    e->sum = 0.0;
    e->value = NAN;
}

/* Feeds one value; returns 1 and sets e->value once the EMA is defined. */
static inline int pr_ta_xema_push(pr_ta_xema *e, double x) {
    if (e->n < e->period) {
        e->sum += x;
        if (++e->n < e->period) return 0;
        e->value = e->sum / e->period;
        return 1;
    }
    e->value = pr_ta_ema_step(e->value, x, e->k);
    return 1;
}

/* Sliding window for streaming running sums in TA-Lib's order "add the new
 * value, use the sum, subtract the value that leaves": holds the p-1 most
 * recent values before the current bar. */
typedef struct pr_ta_win {
    size_t cap, count, pos;   /* cap = p-1                                  */
    double *ring;
} pr_ta_win;

static inline int pr_ta_win_init(pr_ta_win *w, int period) {
    w->cap = (size_t)period - 1;
    w->count = w->pos = 0;
    w->ring = malloc((w->cap ? w->cap : 1) * sizeof(double));
    return w->ring ? PR_OK : PR_ENOMEM;
}

static inline void pr_ta_win_free(pr_ta_win *w) {
    free(w->ring);
    w->ring = NULL;
}

/* Feeds x (bar t). Returns 0 while fewer than p values have been seen; else
 * returns 1 with *old = x[t-p+1], the window's oldest value, which leaves
 * after this bar. */
static inline int pr_ta_win_push(pr_ta_win *w, double x, double *old) {
    if (w->cap == 0) {
        *old = x;
        return 1;
    }
    if (w->count < w->cap) {
        w->ring[w->count++] = x;
        return 0;
    }
    *old = w->ring[w->pos];
    w->ring[w->pos] = x;
    if (++w->pos == w->cap) w->pos = 0;
    return 1;
}

/* Streaming SMA in TA-Lib's order (sum += x; value = sum/p; sum -= oldest),
 * bit-identical to TA-Lib's SMA; used where TA-Lib's exact SMA is part of
 * another indicator (APO, PPO). */
typedef struct pr_ta_xsma {
    int period;
    double sum, value;
    pr_ta_win w;
} pr_ta_xsma;

static inline int pr_ta_xsma_init(pr_ta_xsma *s, int period) {
    s->period = period;
    s->sum = 0.0;
    s->value = NAN;
    return pr_ta_win_init(&s->w, period);
}

static inline int pr_ta_xsma_push(pr_ta_xsma *s, double x) {
    double old;
    s->sum += x;
    if (!pr_ta_win_push(&s->w, x, &old)) return 0;
    double t = s->sum;
    s->sum -= old;
    s->value = t / s->period;
    return 1;
}

#endif
