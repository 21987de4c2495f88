/* HT_DCPERIOD: Ehlers' dominant cycle period, TA-Lib's algorithm and
 * operation order (ta_HT_DCPERIOD.c): the smoothed period of the shared
 * Hilbert front end (ht_internal.h, Hilbert transform from bar 12), output
 * from bar 32. */
#include "ht_internal.h"

struct pr_ta_ht_dcperiod_impl { ht_core c; };

static void ht_dcperiod_setup(struct pr_ta_ht_dcperiod_impl *m) { ht_core_init(&m->c, 12); }

static void ht_dcperiod_step(struct pr_ta_ht_dcperiod_impl *m, double x, double *out) {
    *out = NAN;
    if (ht_core_step(&m->c, x) && m->c.today >= 32) *out = m->c.smooth_period;
    m->c.today++;
}

/* Batch: the warm-up bars through the step, the rest with the front end in
 * registers (HT_FAST_LOOP). */
static void ht_dcperiod_run(struct pr_ta_ht_dcperiod_impl *m, size_t n, const double *in, double *out) {
    size_t i = 0;
    for (; i < n && i < m->c.start; i++) ht_dcperiod_step(m, in[i], &out[i]);
    if (i < n) HT_FAST_LOOP(&m->c, n, in, s, t, out[t] = t >= 32 ? s.smooth_period : NAN);
}

HT_API_1(ht_dcperiod, 32)
