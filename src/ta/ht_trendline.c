/* HT_TRENDLINE: Ehlers' instantaneous trendline, TA-Lib's algorithm and
 * operation order (ta_HT_TRENDLINE.c), batch and streaming through the same
 * per-bar step over the shared Hilbert front end (ht_internal.h, Hilbert
 * transform from bar 37). The trendline is the plain mean of the raw price
 * over int(smoothPeriod + 0.5) bars, passed through a (4,3,2,1)/10 filter of
 * successive means. Output from bar 63. Once the period becomes NaN (a NaN
 * input) every later output is NaN. */
#include "ht_internal.h"

#define HT_LOOKBACK 63

typedef struct ht_itrend {
    double i1, i2, i3; /* the last three means, newest first */
} ht_itrend;

struct pr_ta_ht_trendline_impl {
    ht_core c;
    ht_itrend it;
};

static void ht_trendline_setup(struct pr_ta_ht_trendline_impl *m) {
    memset(m, 0, sizeof *m);
    ht_core_init(&m->c, 37);
}

/* The trendline from this bar's mean; NaN before the lookback. */
static inline double ht_trend_push(ht_itrend *it, double mean, size_t today) {
    double trend = (4.0 * mean + 3.0 * it->i1 + 2.0 * it->i2 + it->i3) / 10.0;
    it->i3 = it->i2;
    it->i2 = it->i1;
    it->i1 = mean;
    return today >= HT_LOOKBACK ? trend : NAN;
}

static void ht_trendline_step(struct pr_ta_ht_trendline_impl *m, double x, double *out) {
    *out = NAN;
    if (ht_core_step(&m->c, x)) *out = ht_trend_push(&m->it, ht_core_mean(&m->c), m->c.today);
    m->c.today++;
}

/* Batch: the warm-up bars through the step, the rest with the front end and
 * the means in registers (HT_FAST_LOOP), the mean read from the input. A
 * bar's mean is taken one bar late, after the next bar's front end: its loop
 * runs int(smoothPeriod + 0.5) times, which changes on about half the bars,
 * and a mispredicted end of that loop then throws away only work that
 * waits on the next bar's chain anyway (67 -> 45 ns a bar on bench_ta's 10M bars). */
static void ht_trendline_run(struct pr_ta_ht_trendline_impl *m, size_t n, const double *in, double *out) {
    size_t i = 0;
    for (; i < n && i < m->c.start; i++) ht_trendline_step(m, in[i], &out[i]);
    if (i == n) return;
    ht_itrend it = m->it;
    size_t first = i;
    double sp_prev = 0.0; /* the previous bar's smoothed period */
    HT_FAST_LOOP(&m->c, n, in, s, t, {
        if (t > first) out[t - 1] = ht_trend_push(&it, ht_mean_of(in, t - 1, SIZE_MAX, sp_prev), t - 1);
        sp_prev = s.smooth_period;
    });
    out[n - 1] = ht_trend_push(&it, ht_mean_of(in, n - 1, SIZE_MAX, sp_prev), n - 1);
}

HT_API_1(ht_trendline, HT_LOOKBACK)
