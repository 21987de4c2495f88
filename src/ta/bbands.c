/* BBANDS with an SMA middle band, batch and streaming, in TA-Lib's operation
 * order (bit for bit).
 *
 * Summation: TA-Lib's SMA running sum Σx and, as in its
 * stddev_using_precalc_ma, a running Σx² ("add the new value, take the mean,
 * subtract the value that leaves"); variance = Σx²/p − middle², 0 below
 * 1e-14. Kept for exact agreement with TA-Lib; it loses digits when the mean
 * is large against the spread (see var_stddev.c), hence the 1e-8 tolerance
 * in its tests.
 *
 * Speed: TA-Lib runs the SMA, the deviation and the bands as three passes.
 * Here one pass advances both sums (two independent dependency chains) two
 * bars at a time and does the two bars' divisions and square roots as
 * two-lane SSE2 operations, which the CPU overlaps with the chains; the
 * divider's throughput is the limit. Every value is computed by the same
 * IEEE operations as in TA-Lib, so vectorising changes no bit. */
#include "overlap_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int bb_check(int period, double up, double dn) {
    return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX) && pr_ta_real_ok(up) && pr_ta_real_ok(dn);
}

/* Bands from the raw sums s1 (Σx incl. the current bar) and s2 (Σx²). */
static inline void bb_bands(double s1, double s2, double dp, double up, double dn, double *upper,
                            double *middle, double *lower) {
    double mid = s1 / dp;
    double m2 = s2 / dp;
    m2 -= mid * mid;
    double sd = !PR_TA_IS_ZERO_OR_NEG(m2) ? sqrt(m2) : 0.0;
    *middle = mid;
    *upper = mid + sd * up;
    *lower = mid - sd * dn;
}

int pr_ta_bbands_lookback(int period, double nbdevup, double nbdevdn, int *out) {
    if (!out || !bb_check(period, nbdevup, nbdevdn)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_bbands(size_t n, const double *in, int period, double nbdevup, double nbdevdn,
                 double *upper, double *middle, double *lower) {
    PR_TA_PROLOGUE(bb_check(period, nbdevup, nbdevdn), n, in, upper, middle, lower);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, upper, middle, lower);
    const double *restrict x = in;
    double *restrict ou = upper, *restrict om = middle, *restrict ol = lower;
    pr_ta_fill_nan(ou, p - 1);
    pr_ta_fill_nan(om, p - 1);
    pr_ta_fill_nan(ol, p - 1);
    double s1 = 0.0, s2 = 0.0, dp = (double)period;
    for (size_t i = 0; i + 1 < p; i++) {
        double v = x[i];
        s1 += v;
        s2 += v * v;
    }
    size_t i = p - 1;
#if defined(__SSE2__)
    const __m128d vp = _mm_set1_pd(dp), vu = _mm_set1_pd(nbdevup), vd = _mm_set1_pd(nbdevdn),
                  eps = _mm_set1_pd(0.00000000000001);
    for (; i + 2 <= n; i += 2) {
        double v0 = x[i], o0 = x[i + 1 - p], v1 = x[i + 1], o1 = x[i + 2 - p];
        s1 += v0;
        s2 += v0 * v0;
        double a1 = s1, a2 = s2;
        s1 -= o0;
        s2 -= o0 * o0;
        s1 += v1;
        s2 += v1 * v1;
        double b1 = s1, b2 = s2;
        s1 -= o1;
        s2 -= o1 * o1;
        __m128d mid = _mm_div_pd(_mm_set_pd(b1, a1), vp);
        __m128d m2 = _mm_div_pd(_mm_set_pd(b2, a2), vp);
        m2 = _mm_sub_pd(m2, _mm_mul_pd(mid, mid));
        /* lanes with m2 < 1e-14 become +0.0; NaN compares false and keeps sqrt(NaN) */
        __m128d sd = _mm_andnot_pd(_mm_cmplt_pd(m2, eps), _mm_sqrt_pd(m2));
        _mm_storeu_pd(om + i, mid);
        _mm_storeu_pd(ou + i, _mm_add_pd(mid, _mm_mul_pd(sd, vu)));
        _mm_storeu_pd(ol + i, _mm_sub_pd(mid, _mm_mul_pd(sd, vd)));
    }
#endif
    for (; i < n; i++) {
        double v = x[i], old = x[i + 1 - p];
        s1 += v;
        s2 += v * v;
        double t1 = s1, t2 = s2;
        s1 -= old;
        s2 -= old * old;
        bb_bands(t1, t2, dp, nbdevup, nbdevdn, &ou[i], &om[i], &ol[i]);
    }
    return PR_OK;
}

struct pr_ta_bbands_impl {
    double dp, up, dn, s1, s2;
    pr_ta_win w;
};

int pr_ta_bbands_init(pr_ta_bbands_state *s, int period, double nbdevup, double nbdevdn) {
    if (!s || !bb_check(period, nbdevup, nbdevdn)) return PR_EINVAL;
    struct pr_ta_bbands_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (pr_ta_win_init(&m->w, period) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    m->dp = (double)period;
    m->up = nbdevup;
    m->dn = nbdevdn;
    m->s1 = m->s2 = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_bbands_update(pr_ta_bbands_state *s, double x, double *upper, double *middle,
                        double *lower) {
    if (!s || !s->p || !upper || !middle || !lower) return PR_EINVAL;
    struct pr_ta_bbands_impl *m = s->p;
    double old;
    m->s1 += x;
    m->s2 += x * x;
    if (!pr_ta_win_push(&m->w, x, &old)) {
        *upper = *middle = *lower = NAN;
        return PR_OK;
    }
    double t1 = m->s1, t2 = m->s2;
    m->s1 -= old;
    m->s2 -= old * old;
    bb_bands(t1, t2, m->dp, m->up, m->dn, upper, middle, lower);
    return PR_OK;
}

void pr_ta_bbands_free(pr_ta_bbands_state *s) {
    if (!s || !s->p) return;
    pr_ta_win_free(&s->p->w);
    free(s->p);
    s->p = NULL;
}
