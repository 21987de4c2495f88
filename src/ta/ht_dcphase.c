/* HT_DCPHASE: Ehlers' dominant cycle phase in degrees, TA-Lib's algorithm
 * and operation order (ta_HT_DCPHASE.c): the DFT phase of the shared Hilbert
 * front end (ht_internal.h, ht_core_phase; Hilbert transform from bar 37),
 * output from bar 63. */
#include "ht_internal.h"

struct pr_ta_ht_dcphase_impl {
    ht_core c;
    ht_trig trig;
};

static void ht_dcphase_setup(struct pr_ta_ht_dcphase_impl *m) { ht_core_init_phase(&m->c, &m->trig); }

static void ht_dcphase_step(struct pr_ta_ht_dcphase_impl *m, double x, double *out) {
    *out = NAN;
    if (ht_core_step(&m->c, x)) {
        double phase = ht_core_phase(&m->c);
        if (m->c.today >= 63) *out = phase;
    }
    m->c.today++;
}

HT_STEP_RUN_1(ht_dcphase)
HT_API_1(ht_dcphase, 63)
