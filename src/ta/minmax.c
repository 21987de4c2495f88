/* TA-Lib's MAX, MIN, MINMAX, MAXINDEX, MININDEX and MINMAXINDEX over the last
 * p bars (current bar included; lookback p-1). Like TA-Lib, each extreme is
 * kept with its bar index and the window is rescanned only when that bar
 * leaves it; the tie rule is TA-Lib's
 * (that is what the index outputs show): a new bar equal to the extreme
 * takes over (>=, <=), a rescan keeps the oldest of equal values (>, <).
 * Index outputs are absolute bar numbers (0 = the first bar given, for the
 * streaming form the first bar fed). A NaN input makes every output NaN
 * while it is in the window. Streaming runs TA-Lib's step as written; batch
 * the same rule with a branch-free rescan and update (same outputs, tested
 * against TA-Lib's loop in tests/ta/test_minmax_random.c). */
#include "overlap_internal.h"

typedef struct ext_impl {
    size_t p, count;
    size_t hi_i, lo_i;   /* bar of the current extremes (SIZE_MAX = none yet) */
    size_t nan_i;        /* bar of the last NaN input + 1 (0 = none)          */
    double hi, lo;
    double ring[];       /* streaming: the last p values by bar index mod p   */
} ext_impl;

/* The streaming step over bar t with AT(i) reading bar i from the ring:
 * advances the wanted extremes; 0 while a NaN is in the window. */
#define EXT_STEP_BODY(AT)                                                  \
    size_t start = t + 1 - m->p;                                           \
    double v = AT(t);                                                      \
    if (isnan(v)) m->nan_i = t + 1;                                        \
    if (hi_side) {                                                         \
        if (m->hi_i == SIZE_MAX || m->hi_i < start) {                      \
            m->hi_i = start;                                               \
            m->hi = AT(start);                                             \
            for (size_t i = start + 1; i <= t; i++) {                      \
                double y = AT(i);                                          \
                if (y > m->hi) { m->hi = y; m->hi_i = i; }                 \
            }                                                              \
        } else if (v >= m->hi) {                                           \
            m->hi = v;                                                     \
            m->hi_i = t;                                                   \
        }                                                                  \
    }                                                                      \
    if (lo_side) {                                                         \
        if (m->lo_i == SIZE_MAX || m->lo_i < start) {                      \
            m->lo_i = start;                                               \
            m->lo = AT(start);                                             \
            for (size_t i = start + 1; i <= t; i++) {                      \
                double y = AT(i);                                          \
                if (y < m->lo) { m->lo = y; m->lo_i = i; }                 \
            }                                                              \
        } else if (v <= m->lo) {                                           \
            m->lo = v;                                                     \
            m->lo_i = t;                                                   \
        }                                                                  \
    }                                                                      \
    return m->nan_i <= start;

static inline int ext_step_ring(ext_impl *m, size_t t, int hi_side, int lo_side) {
#define AT_RING(i) m->ring[(i) % m->p]
    EXT_STEP_BODY(AT_RING)
#undef AT_RING
}

static int ext_ok(int period) { return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX); }

static void ext_reset(ext_impl *m, int period) {
    m->p = (size_t)period;
    m->count = m->nan_i = 0;
    m->hi_i = m->lo_i = SIZE_MAX;
    m->hi = m->lo = NAN;
}

/* Which outputs a member writes: the max value/index, the min value/index. */
enum { EXT_MAX = 1, EXT_MIN = 2, EXT_MAXI = 4, EXT_MINI = 8 };

/* Writes the selected outputs of bar t in order (min before max for
 * MINMAX/MINMAXINDEX, as TA-Lib orders them). */
static inline void ext_emit(const ext_impl *m, int ok, int what, double *o1, double *o2) {
    double v[2];
    int k = 0;
    if (what & EXT_MIN) v[k++] = m->lo;
    if (what & EXT_MINI) v[k++] = (double)m->lo_i;
    if (what & EXT_MAX) v[k++] = m->hi;
    if (what & EXT_MAXI) v[k++] = (double)m->hi_i;
    *o1 = ok ? v[0] : NAN;
    if (o2) *o2 = ok ? v[1] : NAN;
}

static inline double ext_pick(double a, double b, int hi) {
    return hi ? pr_ta_pick_max(a, b) : pr_ta_pick_min(a, b);
}

/* Batch rescan of [start, t] with no NaN in it: the extreme's value first,
 * in independent running maxima (y > m ? y : m, no data-dependent branch;
 * two bars per SSE2 register where there is one), then the first bar holding
 * it, which is the bar the step's strict comparison keeps (the oldest of a
 * tie). The value is read back from that bar, so of -0 and +0 the step's
 * choice is kept too. */
static inline void ext_rescan(const double *x, size_t start, size_t t, int hi, double *ext, size_t *ext_i) {
    double m0 = x[start];
    size_t i = start + 1;
#if defined(__SSE2__)
    __m128d v0 = _mm_set1_pd(m0), v1 = v0;
    for (; i + 3 <= t; i += 4) {
        __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
        v0 = hi ? _mm_max_pd(a, v0) : _mm_min_pd(a, v0);
        v1 = hi ? _mm_max_pd(b, v1) : _mm_min_pd(b, v1);
    }
    v0 = hi ? _mm_max_pd(v1, v0) : _mm_min_pd(v1, v0);
    m0 = ext_pick(_mm_cvtsd_f64(_mm_unpackhi_pd(v0, v0)), _mm_cvtsd_f64(v0), hi);
    for (; i <= t; i++) m0 = ext_pick(x[i], m0, hi);
#else
    double m1 = m0, m2 = m0, m3 = m0;
    for (; i + 3 <= t; i += 4) {
        m0 = ext_pick(x[i], m0, hi);
        m1 = ext_pick(x[i + 1], m1, hi);
        m2 = ext_pick(x[i + 2], m2, hi);
        m3 = ext_pick(x[i + 3], m3, hi);
    }
    for (; i <= t; i++) m0 = ext_pick(x[i], m0, hi);
    m0 = ext_pick(m1, m0, hi);
    m2 = ext_pick(m3, m2, hi);
    m0 = ext_pick(m2, m0, hi);
#endif
    size_t j = start;
    while (!(x[j] == m0)) j++;
    *ext = x[j];
    *ext_i = j;
}

/* Rescan of [start, t] as the step does it, for a window holding a NaN
 * (where its result depends on where the NaN sits). */
static inline void ext_rescan_nan(const double *x, size_t start, size_t t, int hi, double *ext, size_t *ext_i) {
    double e = x[start];
    size_t ei = start;
    for (size_t i = start + 1; i <= t; i++) {
        double y = x[i];
        if (hi ? y > e : y < e) { e = y; ei = i; }
    }
    *ext = e;
    *ext_i = ei;
}

/* One side of batch bar t: the step's rule (rescan when the extreme's bar
 * has left, else a new bar equal or beyond takes over). With no NaN in the
 * window the update is branch-free (a mispredicted branch there cost more
 * than the whole update): neither v nor e is NaN then, and v >= e ? v : e
 * is e > v ? e : v, one maxsd. */
__attribute__((always_inline)) static inline void ext_side(const double *x, size_t t, size_t start, size_t nan_i, int hi, double *ext,
                            size_t *ext_i) {
    double v = x[t], e = *ext;
    size_t ei = *ext_i;
    if (__builtin_expect(ei < start, 0)) {
        if (nan_i <= start) ext_rescan(x, start, t, hi, ext, ext_i);
        else ext_rescan_nan(x, start, t, hi, ext, ext_i);
        return;
    }
    if (nan_i <= start) {
        ei += (t - ei) & (0 - (size_t)(hi ? v >= e : v <= e));
        e = ext_pick(e, v, hi);
    } else if (hi ? v >= e : v <= e) {
        e = v;
        ei = t;
    }
    *ext = e;
    *ext_i = ei;
}

__attribute__((always_inline)) static inline int ext_batch(size_t n, const double *in, int period, int what, double *o1, double *o2) {
    if (!ext_ok(period)) return PR_EINVAL;
    if (n == 0) return PR_OK;
    if (!in || !o1 || ((what == (EXT_MIN | EXT_MAX) || what == (EXT_MINI | EXT_MAXI)) && !o2))
        return PR_EINVAL;
    const size_t p = (size_t)period, lb = p - 1, pre = n < lb ? n : lb;
    pr_ta_fill_nan(o1, pre);
    if (o2) pr_ta_fill_nan(o2, pre);
    if (n <= lb) return PR_OK;
    size_t nan_i = 0;
    for (size_t t = 0; t < lb; t++)
        if (isnan(in[t])) nan_i = t + 1;
    const int hi_side = (what & (EXT_MAX | EXT_MAXI)) != 0, lo_side = (what & (EXT_MIN | EXT_MINI)) != 0;
    /* Bar lb starts from a rescan of the first window (the step's "none
     * yet"): with hi_i = lo_i = 0 < start = 1 the loop's test would miss it. */
    double hi = NAN, lo = NAN;
    size_t hi_i = 0, lo_i = 0;
    for (size_t t = lb; t < n; t++) {
        size_t start = t + 1 - p;
        double v = in[t];
        if (isnan(v)) nan_i = t + 1;
        if (t == lb) {
            if (hi_side) ext_rescan_nan(in, 0, t, 1, &hi, &hi_i);
            if (lo_side) ext_rescan_nan(in, 0, t, 0, &lo, &lo_i);
        } else {
            if (hi_side) ext_side(in, t, start, nan_i, 1, &hi, &hi_i);
            if (lo_side) ext_side(in, t, start, nan_i, 0, &lo, &lo_i);
        }
        int ok = nan_i <= start;
        double r1, r2 = NAN;
        switch (what) {
        case EXT_MAX: r1 = hi; break;
        case EXT_MIN: r1 = lo; break;
        case EXT_MAXI: r1 = (double)hi_i; break;
        case EXT_MINI: r1 = (double)lo_i; break;
        case EXT_MIN | EXT_MAX: r1 = lo; r2 = hi; break;
        default: r1 = (double)lo_i; r2 = (double)hi_i; break;
        }
        o1[t] = ok ? r1 : NAN;
        if (o2) o2[t] = ok ? r2 : NAN;
    }
    return PR_OK;
}

static int ext_init(void **out, int period) {
    if (!out || !ext_ok(period)) return PR_EINVAL;
    ext_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    ext_reset(m, period);
    *out = m;
    return PR_OK;
}

static int ext_update(ext_impl *m, double x, int what, double *o1, double *o2) {
    if (!m || !o1 || ((what == (EXT_MIN | EXT_MAX) || what == (EXT_MINI | EXT_MAXI)) && !o2))
        return PR_EINVAL;
    size_t t = m->count++;
    m->ring[t % m->p] = x;
    if (t + 1 < m->p) {
        if (isnan(x)) m->nan_i = t + 1;
        *o1 = NAN;
        if (o2) *o2 = NAN;
        return PR_OK;
    }
    int ok = ext_step_ring(m, t, (what & (EXT_MAX | EXT_MAXI)) != 0, (what & (EXT_MIN | EXT_MINI)) != 0);
    ext_emit(m, ok, what, o1, o2);
    return PR_OK;
}

/* The typed API of one member; the opaque impl pointer is an ext_impl. */
#define EXT_API_COMMON(name)                                                        \
    int pr_ta_##name##_lookback(int period, int *out) {                             \
        if (!out || !ext_ok(period)) return PR_EINVAL;                              \
        *out = period - 1;                                                          \
        return PR_OK;                                                               \
    }                                                                               \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period) {                  \
        if (!s) return PR_EINVAL;                                                   \
        void *m;                                                                    \
        int rc = ext_init(&m, period);                                              \
        if (rc == PR_OK) s->p = m;                                                  \
        return rc;                                                                  \
    }                                                                               \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                             \
        if (!s) return;                                                             \
        free(s->p);                                                                 \
        s->p = NULL;                                                                \
    }
#define EXT_API_1(name, what)                                                       \
    EXT_API_COMMON(name)                                                            \
    int pr_ta_##name(size_t n, const double *in, int period, double *out) {         \
        return ext_batch(n, in, period, what, out, NULL);                           \
    }                                                                               \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out) {     \
        return s ? ext_update((ext_impl *)(void *)s->p, x, what, out, NULL) : PR_EINVAL; \
    }
#define EXT_API_2(name, what)                                                                \
    EXT_API_COMMON(name)                                                                     \
    int pr_ta_##name(size_t n, const double *in, int period, double *out1, double *out2) {  \
        return ext_batch(n, in, period, what, out1, out2);                                   \
    }                                                                                        \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out1, double *out2) { \
        return s ? ext_update((ext_impl *)(void *)s->p, x, what, out1, out2) : PR_EINVAL;    \
    }

EXT_API_1(max, EXT_MAX)
EXT_API_1(min, EXT_MIN)
EXT_API_2(minmax, EXT_MIN | EXT_MAX)
EXT_API_1(maxindex, EXT_MAXI)
EXT_API_1(minindex, EXT_MINI)
EXT_API_2(minmaxindex, EXT_MINI | EXT_MAXI)
