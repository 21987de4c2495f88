/* HT_TRENDLINE: Ehlers' instantaneous trendline, TA-Lib's algorithm and
 * operation order (ta_HT_TRENDLINE.c), batch and streaming through the same
 * per-bar step.
 *
 * Price is smoothed by a 4-bar WMA (4,3,2,1)/10 kept as running sums. From
 * bar 37 a Hilbert transform (a = 0.0962, b = 0.5769, scaled by
 * 0.075·period + 0.54 of the previous period) runs with separate state for
 * even and odd bars (parity of the absolute bar index) and 3-slot circular
 * buffers; the in-phase/quadrature components give a cycle period, clamped
 * to 0.67–1.5× the previous one and to [6, 50], then smoothed twice. The
 * trendline is the plain mean of the raw price over int(smoothPeriod + 0.5)
 * bars, passed through a (4,3,2,1)/10 filter of successive means. Output from
 * bar 63. Once the period becomes NaN (a NaN input) every later output is NaN. */
#include "overlap_internal.h"

#define HT_LOOKBACK 63
#define HT_RING 64   /* >= 50 (longest mean) and > 3 (WMA trailing value) */

/* One Hilbert-transform filter: its output and the even/odd state. */
typedef struct ht_filter {
    double value;
    double odd[3], even[3];
    double prev_odd, prev_even, prev_in_odd, prev_in_even;
} ht_filter;

struct pr_ta_ht_trendline_impl {
    size_t today;
    double ring[HT_RING];
    double wma_sub, wma_sum, wma_trailing;
    ht_filter detrender, q1, ji, jq;
    int hilbert_idx;
    double period, smooth_period, prev_i2, prev_q2, re, im;
    double i1_odd2, i1_odd3, i1_even2, i1_even3;
    double itrend1, itrend2, itrend3;
    double rad2deg;
};

static void ht_setup(struct pr_ta_ht_trendline_impl *m) {
    memset(m, 0, sizeof *m);
    m->rad2deg = 45.0 / atan(1.0);
}

static inline void ht_transform(ht_filter *f, double input, int even, int idx, double adj) {
    const double a = 0.0962, b = 0.5769;
    double *buf = even ? f->even : f->odd;
    double *prev = even ? &f->prev_even : &f->prev_odd;
    double *prev_in = even ? &f->prev_in_even : &f->prev_in_odd;
    double t = a * input;
    double v = -buf[idx];
    buf[idx] = t;
    v += t;
    v -= *prev;
    *prev = b * *prev_in;
    v += *prev;
    *prev_in = input;
    v *= adj;
    f->value = v;
}

/* TA-Lib's DO_PRICE_WMA: returns the smoothed price for bar `today`. */
static inline double ht_wma(struct pr_ta_ht_trendline_impl *m, double x) {
    m->wma_sub += x;
    m->wma_sub -= m->wma_trailing;
    m->wma_sum += x * 4.0;
    m->wma_trailing = m->ring[(m->today - 3) % HT_RING];
    double smoothed = m->wma_sum * 0.1;
    m->wma_sum -= m->wma_sub;
    return smoothed;
}

static double ht_step(struct pr_ta_ht_trendline_impl *m, double x) {
    size_t t = m->today;
    m->ring[t % HT_RING] = x;
    double out = NAN;
    if (t < 3) {
        m->wma_sub += x;
        m->wma_sum += x * (double)(t + 1);
    } else if (t < 37) {
        ht_wma(m, x);
    } else {
        double adj = (0.075 * m->period) + 0.54;
        double smoothed = ht_wma(m, x);
        double q2, i2;
        if ((t % 2) == 0) {
            ht_transform(&m->detrender, smoothed, 1, m->hilbert_idx, adj);
            ht_transform(&m->q1, m->detrender.value, 1, m->hilbert_idx, adj);
            ht_transform(&m->ji, m->i1_even3, 1, m->hilbert_idx, adj);
            ht_transform(&m->jq, m->q1.value, 1, m->hilbert_idx, adj);
            if (++m->hilbert_idx == 3) m->hilbert_idx = 0;
            q2 = (0.2 * (m->q1.value + m->ji.value)) + (0.8 * m->prev_q2);
            i2 = (0.2 * (m->i1_even3 - m->jq.value)) + (0.8 * m->prev_i2);
            m->i1_odd3 = m->i1_odd2;
            m->i1_odd2 = m->detrender.value;
        } else {
            ht_transform(&m->detrender, smoothed, 0, m->hilbert_idx, adj);
            ht_transform(&m->q1, m->detrender.value, 0, m->hilbert_idx, adj);
            ht_transform(&m->ji, m->i1_odd3, 0, m->hilbert_idx, adj);
            ht_transform(&m->jq, m->q1.value, 0, m->hilbert_idx, adj);
            q2 = (0.2 * (m->q1.value + m->ji.value)) + (0.8 * m->prev_q2);
            i2 = (0.2 * (m->i1_odd3 - m->jq.value)) + (0.8 * m->prev_i2);
            m->i1_even3 = m->i1_even2;
            m->i1_even2 = m->detrender.value;
        }
        m->re = (0.2 * ((i2 * m->prev_i2) + (q2 * m->prev_q2))) + (0.8 * m->re);
        m->im = (0.2 * ((i2 * m->prev_q2) - (q2 * m->prev_i2))) + (0.8 * m->im);
        m->prev_q2 = q2;
        m->prev_i2 = i2;
        double prevp = m->period, period = m->period;
        if ((m->im != 0.0) && (m->re != 0.0)) period = 360.0 / (atan(m->im / m->re) * m->rad2deg);
        double lim = 1.5 * prevp;
        if (period > lim) period = lim;
        lim = 0.67 * prevp;
        if (period < lim) period = lim;
        if (period < 6)
            period = 6;
        else if (period > 50)
            period = 50;
        m->period = (0.2 * period) + (0.8 * prevp);
        m->smooth_period = (0.33 * m->period) + (0.67 * m->smooth_period);

        double dc = m->smooth_period + 0.5, mean;
        if (dc >= 0.0 && dc < (double)HT_RING) {
            int dci = (int)dc;
            if ((size_t)dci > t + 1) dci = (int)(t + 1); /* unreachable: the period starts near 0 at bar 37 */
            mean = 0.0;
            for (int i = 0; i < dci; i++) mean += m->ring[(t - (size_t)i) % HT_RING];
            if (dci > 0) mean = mean / (double)dci;
        } else {
            mean = NAN; /* only for a NaN period */
        }
        double trend = (4.0 * mean + 3.0 * m->itrend1 + 2.0 * m->itrend2 + m->itrend3) / 10.0;
        m->itrend3 = m->itrend2;
        m->itrend2 = m->itrend1;
        m->itrend1 = mean;
        if (t >= HT_LOOKBACK) out = trend;
    }
    m->today++;
    return out;
}

int pr_ta_ht_trendline_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = HT_LOOKBACK;
    return PR_OK;
}

int pr_ta_ht_trendline(size_t n, const double *in, double *out) {
    PR_TA_PROLOGUE(1, n, in, out);
    struct pr_ta_ht_trendline_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    ht_setup(m);
    for (size_t i = 0; i < n; i++) out[i] = ht_step(m, in[i]);
    free(m);
    return PR_OK;
}

int pr_ta_ht_trendline_init(pr_ta_ht_trendline_state *s) {
    if (!s) return PR_EINVAL;
    struct pr_ta_ht_trendline_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    ht_setup(m);
    s->p = m;
    return PR_OK;
}

int pr_ta_ht_trendline_update(pr_ta_ht_trendline_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = ht_step(s->p, x);
    return PR_OK;
}

void pr_ta_ht_trendline_free(pr_ta_ht_trendline_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
