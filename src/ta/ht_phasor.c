/* HT_PHASOR: Ehlers' phasor components, TA-Lib's algorithm and operation
 * order (ta_HT_PHASOR.c): the in-phase component (the detrended price 3
 * bars back) and the quadrature component of the shared Hilbert front end
 * (ht_internal.h, Hilbert transform from bar 12), output from bar 32. */
#include "ht_internal.h"

struct pr_ta_ht_phasor_impl { ht_core c; };

static void ht_phasor_setup(struct pr_ta_ht_phasor_impl *m) { ht_core_init(&m->c, 12); }

static void ht_phasor_step(struct pr_ta_ht_phasor_impl *m, double x, double *inphase, double *quadrature) {
    *inphase = *quadrature = NAN;
    if (ht_core_step(&m->c, x) && m->c.today >= 32) {
        *inphase = m->c.i1;
        *quadrature = m->c.q;
    }
    m->c.today++;
}

HT_API_2(ht_phasor, 32)
