/* HT_TRENDMODE: Ehlers' trend (1) versus cycle (0) mode, TA-Lib's algorithm
 * and operation order (ta_HT_TRENDMODE.c), over the shared Hilbert front
 * end (ht_internal.h; Hilbert transform from bar 37), output from bar 63.
 * Trend by default; cycle after a sine/leadsine crossing until 0.5 ×
 * smoothPeriod bars have passed, or while the phase advances by 0.67–1.5 ×
 * 360/smoothPeriod per bar; trend again whenever the smoothed price is at
 * least 1.5 % away from the instantaneous trendline. */
#include "ht_internal.h"

struct pr_ta_ht_trendmode_impl {
    ht_core c;
    ht_trig trig;
    double itrend1, itrend2, itrend3;
    double sine, leadsine;
    int days_in_trend;
};

static void ht_trendmode_setup(struct pr_ta_ht_trendmode_impl *m) {
    memset(m, 0, sizeof *m);
    ht_core_init_phase(&m->c, &m->trig);
}

static void ht_trendmode_step(struct pr_ta_ht_trendmode_impl *m, double x, double *out) {
    *out = NAN;
    ht_core *c = &m->c;
    if (ht_core_step(c, x)) {
        double prev_phase = c->dc_phase;
        double phase = ht_core_phase(c), deg2rad = 1.0 / c->rad2deg;
        double prev_sine = m->sine, prev_lead = m->leadsine;
        m->sine = sin(phase * deg2rad);
        m->leadsine = sin((phase + 45) * deg2rad);
        double mean = ht_core_mean(c);
        double trendline = (4.0 * mean + 3.0 * m->itrend1 + 2.0 * m->itrend2 + m->itrend3) / 10.0;
        m->itrend3 = m->itrend2;
        m->itrend2 = m->itrend1;
        m->itrend1 = mean;
        int trend = 1;
        if (((m->sine > m->leadsine) && (prev_sine <= prev_lead)) ||
            ((m->sine < m->leadsine) && (prev_sine >= prev_lead))) {
            m->days_in_trend = 0;
            trend = 0;
        }
        m->days_in_trend++;
        double sp = c->smooth_period;
        if (m->days_in_trend < (0.5 * sp)) trend = 0;
        double advance = phase - prev_phase;
        if ((sp != 0.0) && ((advance > (0.67 * 360.0 / sp)) && (advance < (1.5 * 360.0 / sp)))) trend = 0;
        if ((trendline != 0.0) && (fabs((c->smoothed - trendline) / trendline) >= 0.015)) trend = 1;
        if (c->today >= 63) *out = isnan(sp) ? NAN : (double)trend;
    }
    m->c.today++;
}

HT_STEP_RUN_1(ht_trendmode)
HT_API_1(ht_trendmode, 63)
