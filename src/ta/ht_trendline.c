/* HT_TRENDLINE: Ehlers' instantaneous trendline, TA-Lib's algorithm and
 * operation order (ta_HT_TRENDLINE.c), batch and streaming through the same
 * per-bar step over the shared Hilbert front end (ht_internal.h, Hilbert
 * transform from bar 37). The trendline is the plain mean of the raw price
 * over int(smoothPeriod + 0.5) bars, passed through a (4,3,2,1)/10 filter of
 * successive means. Output from bar 63. Once the period becomes NaN (a NaN
 * input) every later output is NaN. */
#include "ht_internal.h"

#define HT_LOOKBACK 63

struct pr_ta_ht_trendline_impl {
    ht_core c;
    double itrend1, itrend2, itrend3;
};

static void ht_trendline_setup(struct pr_ta_ht_trendline_impl *m) {
    memset(m, 0, sizeof *m);
    ht_core_init(&m->c, 37);
}

static void ht_trendline_step(struct pr_ta_ht_trendline_impl *m, double x, double *out) {
    *out = NAN;
    if (ht_core_step(&m->c, x)) {
        double mean = ht_core_mean(&m->c);
        double trend = (4.0 * mean + 3.0 * m->itrend1 + 2.0 * m->itrend2 + m->itrend3) / 10.0;
        m->itrend3 = m->itrend2;
        m->itrend2 = m->itrend1;
        m->itrend1 = mean;
        if (m->c.today >= HT_LOOKBACK) *out = trend;
    }
    m->c.today++;
}

HT_API_1(ht_trendline, HT_LOOKBACK)
