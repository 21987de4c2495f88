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

HT_API_1(ht_dcperiod, 32)
