/* Internal to the momentum family (src/ta/ momentum, volume, volatility and
 * candlestick files): argument checks, TA-Lib's zero tests, the true range
 * and directional-movement rules, and the sliding-window extremes shared by
 * STOCH / STOCHF / STOCHRSI / WILLR. */
#ifndef PR_TA_MOMENTUM_INTERNAL_H
#define PR_TA_MOMENTUM_INTERNAL_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ta_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* TA-Lib's TA_IS_ZERO (absolute epsilon 1e-14). NaN is not zero, so NaN
 * flows into the division that follows. */
#define PR_MO_IS_ZERO(v) (((-0.00000000000001) < (v)) && ((v) < 0.00000000000001))

static inline int pr_mo_period_ok(int p, int lo) { return p >= lo && p <= PR_TA_PERIOD_MAX; }

/* Maximum / minimum as maxsd / minsd compute them: a when a > b (a < b),
 * else b. For numbers the result is the true extreme. */
static inline double pr_mo_max(double a, double b) { return a > b ? a : b; }
static inline double pr_mo_min(double a, double b) { return a < b ? a : b; }

/* True range in TA-Lib's order: start from high - low, replace by
 * |high - prevClose| then |low - prevClose| when strictly larger (a NaN
 * high or low therefore stays NaN, as in TA-Lib). TA-Lib would ignore a NaN
 * previous close; adding (pc - pc), which is +0 for any finite pc and leaves
 * the non-negative range unchanged bit for bit, makes it NaN too. */
static inline double pr_mo_true_range(double h, double l, double pc) {
    double tr = h - l;
    double a = fabs(h - pc);
    tr = a > tr ? a : tr;
    double b = fabs(l - pc);
    tr = b > tr ? b : tr;
    return tr + (pc - pc);
}

/* One-bar directional movement (Wilder, TA-Lib's rules): up = h - ph,
 * down = pl - l; -DM = down when down > 0 and up < down; +DM = up when up > 0
 * and up > down; both 0 otherwise (also when either difference is NaN).
 * Written with SSE2 selects where available: gcc otherwise turns the two
 * comparisons into data-dependent branches, which mispredict on price data. */
static inline double pr_mo_plus_dm(double up, double down) {
#if defined(__SSE2__)
    __m128d u = _mm_set_sd(up), d = _mm_set_sd(down);
    __m128d t = _mm_and_pd(_mm_cmpgt_sd(u, d), u);
    return _mm_cvtsd_f64(_mm_max_sd(t, _mm_setzero_pd()));
#else
    return (up > 0 && up > down) ? up : 0.0;
#endif
}
static inline double pr_mo_minus_dm(double up, double down) {
#if defined(__SSE2__)
    __m128d u = _mm_set_sd(up), d = _mm_set_sd(down);
    __m128d t = _mm_and_pd(_mm_cmplt_sd(u, d), d);
    return _mm_cvtsd_f64(_mm_max_sd(t, _mm_setzero_pd()));
#else
    return (down > 0 && up < down) ? down : 0.0;
#endif
}

/* Bitwise equality of doubles (distinguishes -0 from +0; NaN never equal to
 * a number, and treated as unequal to itself so a NaN state is recomputed). */
static inline int pr_mo_same(double a, double b) {
    if (a != a || b != b) return 0;
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- sliding-window extremes -------------------------------------------- */

/* Streaming monotonic deque over the last w values (indices are bar numbers).
 * NaN values are not stored; callers track NaN separately. The front is the
 * extreme; among equal extremes the most recent one is kept (as TA-Lib's
 * `>=` / `<=` tracking does). */
typedef struct pr_mo_deque {
    size_t cap, head, len;   /* ring of cap slots */
    int64_t *idx;
    double *val;
} pr_mo_deque;

static inline int pr_mo_deque_init(pr_mo_deque *d, size_t w) {
    d->cap = w + 1;
    d->head = d->len = 0;
    d->idx = malloc(d->cap * sizeof *d->idx);
    d->val = malloc(d->cap * sizeof *d->val);
    if (!d->idx || !d->val) {
        free(d->idx); free(d->val);
        d->idx = NULL; d->val = NULL;
        return PR_ENOMEM;
    }
    return PR_OK;
}

static inline void pr_mo_deque_free(pr_mo_deque *d) {
    free(d->idx); free(d->val);
    d->idx = NULL; d->val = NULL;
}

/* Pushes (i, v) into a max-deque (sign = +1) or min-deque (sign = -1) and
 * drops entries older than i - w + 1. */
static inline void pr_mo_deque_push(pr_mo_deque *d, int64_t i, double v, int64_t w, int sign) {
    if (v == v) {
        while (d->len > 0) {
            size_t b = (d->head + d->len - 1) % d->cap;
            int dominated = sign > 0 ? d->val[b] <= v : d->val[b] >= v;
            if (!dominated) break;
            d->len--;
        }
        size_t t = (d->head + d->len) % d->cap;
        d->idx[t] = i;
        d->val[t] = v;
        d->len++;
    }
    while (d->len > 0 && d->idx[d->head] <= i - w) {
        d->head = (d->head + 1) % d->cap;
        d->len--;
    }
}

/* Batch sliding max (sign +1) or min (sign -1) of x over windows of w bars:
 * out[i - (w-1)] = extreme of x[i-w+1 .. i] for i in [w-1, n). Van Herk /
 * Gil-Werman blocks of w: three branch-free comparisons per bar. `suf` is
 * scratch of w doubles. NaN handling is the caller's (the values are exact
 * extremes when the window holds no NaN). */
static inline void pr_mo_window_extreme(size_t n, const double *x, size_t w, int sign,
                                        double *suf, double *out) {
    if (n < w) return;
    if (w == 1) {
        for (size_t i = 0; i < n; i++) out[i] = x[i];
        return;
    }
    /* Block b covers [b, b + w). Windows starting in block b end at
     * i in [b + w - 1, b + 2w - 1): extreme(suffix of block b from the
     * window start, prefix of the next block up to i). */
    for (size_t b = 0; b + w - 1 < n; b += w) {
        double acc = x[b + w - 1];
        suf[w - 1] = acc;
        if (sign > 0) {
            for (size_t j = w - 1; j-- > 0;) { acc = pr_mo_max(x[b + j], acc); suf[j] = acc; }
        } else {
            for (size_t j = w - 1; j-- > 0;) { acc = pr_mo_min(x[b + j], acc); suf[j] = acc; }
        }
        out[b] = suf[0];
        size_t end = b + 2 * w - 1 < n ? b + 2 * w - 1 : n;
        if (b + w >= end) continue;
        double pre = x[b + w];
        if (sign > 0) {
            out[b + 1] = pr_mo_max(suf[1], pre);
            for (size_t i = b + w + 1; i < end; i++) {
                pre = pr_mo_max(pre, x[i]);
                out[i - w + 1] = pr_mo_max(suf[i - w + 1 - b], pre);
            }
        } else {
            out[b + 1] = pr_mo_min(suf[1], pre);
            for (size_t i = b + w + 1; i < end; i++) {
                pre = pr_mo_min(pre, x[i]);
                out[i - w + 1] = pr_mo_min(suf[i - w + 1 - b], pre);
            }
        }
    }
}

/* TA-Lib's simple moving average over a stream, in its operation order:
 * the first p-1 values are summed in order; then per value
 * total += x; out = total / p; total -= oldest. Ring of p values. */
typedef struct pr_mo_sma {
    int p;
    int64_t count;
    size_t pos;
    double total;
    double *ring;
} pr_mo_sma;

static inline int pr_mo_sma_init(pr_mo_sma *s, int p) {
    s->p = p;
    s->count = 0;
    s->pos = 0;
    s->total = 0.0;
    s->ring = malloc((size_t)p * sizeof *s->ring);
    return s->ring ? PR_OK : PR_ENOMEM;
}

static inline void pr_mo_sma_free(pr_mo_sma *s) { free(s->ring); s->ring = NULL; }

/* Returns 1 and sets *out once p values have been pushed. */
static inline int pr_mo_sma_push(pr_mo_sma *s, double x, double *out) {
    size_t p = (size_t)s->p;
    if (s->count < (int64_t)p - 1) {
        s->total += x;
        s->ring[s->pos] = x;
        if (++s->pos == p) s->pos = 0;
        s->count++;
        return 0;
    }
    s->total += x;
    double t = s->total;
    s->ring[s->pos] = x;
    if (++s->pos == p) s->pos = 0;
    s->total -= s->ring[s->pos];   /* oldest of the window just output */
    s->count++;
    *out = t / s->p;
    return 1;
}

/* Batch form of the same SMA over x[0..m): out[p-1..m) (others untouched).
 * x and out must not overlap. */
static inline void pr_mo_sma_batch(size_t m, const double *x, int p, double *out) {
    if (m < (size_t)p) return;
    double total = 0.0;
    size_t i = 0, trail = 0;
    for (; i + 1 < (size_t)p; i++) total += x[i];
    for (; i < m; i++) {
        total += x[i];
        double t = total;
        total -= x[trail++];
        out[i] = t / p;
    }
}
#endif
