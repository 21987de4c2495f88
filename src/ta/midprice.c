/* MIDPRICE (highest high + lowest low)/2 and MIDPOINT (highest + lowest)/2
 * over the last p bars, batch and streaming. Max and min are exact, so the
 * values equal TA-Lib's bit for bit whatever the scan order; the extremes are
 * tracked by index and rescanned only when the current one leaves the window
 * (TA-Lib's MAX/MIN technique) instead of TA-Lib's full rescan per bar.
 * A NaN input makes the output NaN while it is inside the window. */
#include "overlap_internal.h"

typedef struct mm_impl {
    size_t p, count;
    size_t hi_i, lo_i;     /* absolute bar index of the current extremes   */
    size_t nan_i;          /* bar of the last NaN input + 1 (0 = none)      */
    double hi, lo;
    double ring[];         /* p (high, low) pairs by bar index mod p        */
} mm_impl;

/* Bars [t+1-p, t] of two series (hs for the highest, ls for the lowest). */
typedef struct mm_view {
    const double *hs, *ls;   /* batch arrays, or NULL when reading the ring */
    const double *ring;
    size_t p;
} mm_view;

static inline double mm_h(const mm_view *v, size_t i) { return v->hs ? v->hs[i] : v->ring[2 * (i % v->p)]; }
static inline double mm_l(const mm_view *v, size_t i) { return v->ls ? v->ls[i] : v->ring[2 * (i % v->p) + 1]; }

/* Advances the extremes to bar t (whose values are already readable) and
 * returns the mid value, or NaN while a NaN is in the window. */
static inline double mm_step(mm_impl *m, const mm_view *v, size_t t) {
    size_t start = t + 1 - m->p;
    double h = mm_h(v, t), l = mm_l(v, t);
    if (isnan(h) || isnan(l)) m->nan_i = t + 1;
    if (t + 1 == m->p || m->hi_i < start) {
        m->hi_i = start;
        m->hi = mm_h(v, start);
        for (size_t i = start + 1; i <= t; i++) {
            double x = mm_h(v, i);
            if (x >= m->hi) { m->hi = x; m->hi_i = i; }
        }
    } else if (h >= m->hi) {
        m->hi = h;
        m->hi_i = t;
    }
    if (t + 1 == m->p || m->lo_i < start) {
        m->lo_i = start;
        m->lo = mm_l(v, start);
        for (size_t i = start + 1; i <= t; i++) {
            double x = mm_l(v, i);
            if (x <= m->lo) { m->lo = x; m->lo_i = i; }
        }
    } else if (l <= m->lo) {
        m->lo = l;
        m->lo_i = t;
    }
    if (m->nan_i > start) return NAN;
    return (m->hi + m->lo) / 2.0;
}

static void mm_reset(mm_impl *m, int period) {
    m->p = (size_t)period;
    m->count = m->hi_i = m->lo_i = m->nan_i = 0;
    m->hi = m->lo = NAN;
}

static int mm_batch(size_t n, const double *hs, const double *ls, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX), n, hs, ls, out);
    mm_impl m;
    mm_reset(&m, period);
    mm_view v = {hs, ls, NULL, m.p};
    pr_ta_fill_nan(out, n < m.p ? n : m.p - 1);
    for (size_t t = 0; t + 1 < m.p && t < n; t++)
        if (isnan(hs[t]) || isnan(ls[t])) m.nan_i = t + 1;
    for (size_t t = m.p - 1; t < n; t++) out[t] = mm_step(&m, &v, t);
    return PR_OK;
}

static int mm_init(mm_impl **out, int period) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    mm_impl *m = malloc(sizeof *m + 2 * (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    mm_reset(m, period);
    *out = m;
    return PR_OK;
}

static int mm_update(mm_impl *m, double h, double l, double *out) {
    if (!m || !out) return PR_EINVAL;
    size_t t = m->count++;
    m->ring[2 * (t % m->p)] = h;
    m->ring[2 * (t % m->p) + 1] = l;
    if (t + 1 < m->p) {
        if (isnan(h) || isnan(l)) m->nan_i = t + 1;
        *out = NAN;
        return PR_OK;
    }
    mm_view v = {NULL, NULL, m->ring, m->p};
    *out = mm_step(m, &v, t);
    return PR_OK;
}

/* The opaque impl types of MIDPRICE and MIDPOINT are never defined; the
 * pointer is converted back to mm_impl * before every use. */

int pr_ta_midprice_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}
int pr_ta_midprice(size_t n, const double *high, const double *low, int period, double *out) {
    return mm_batch(n, high, low, period, out);
}
int pr_ta_midprice_init(pr_ta_midprice_state *s, int period) {
    if (!s) return PR_EINVAL;
    mm_impl *m;
    int rc = mm_init(&m, period);
    if (rc == PR_OK) s->p = (struct pr_ta_midprice_impl *)(void *)m;
    return rc;
}
int pr_ta_midprice_update(pr_ta_midprice_state *s, double high, double low, double *out) {
    return s ? mm_update((mm_impl *)(void *)s->p, high, low, out) : PR_EINVAL;
}
void pr_ta_midprice_free(pr_ta_midprice_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_midpoint_lookback(int period, int *out) { return pr_ta_midprice_lookback(period, out); }
int pr_ta_midpoint(size_t n, const double *in, int period, double *out) {
    return mm_batch(n, in, in, period, out);
}
int pr_ta_midpoint_init(pr_ta_midpoint_state *s, int period) {
    if (!s) return PR_EINVAL;
    mm_impl *m;
    int rc = mm_init(&m, period);
    if (rc == PR_OK) s->p = (struct pr_ta_midpoint_impl *)(void *)m;
    return rc;
}
int pr_ta_midpoint_update(pr_ta_midpoint_state *s, double x, double *out) {
    return s ? mm_update((mm_impl *)(void *)s->p, x, x, out) : PR_EINVAL;
}
void pr_ta_midpoint_free(pr_ta_midpoint_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
