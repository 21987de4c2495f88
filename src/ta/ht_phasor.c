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

/* Batch: the warm-up bars through the step, the rest with the front end in
 * registers (HT_FAST_LOOP). */
static void ht_phasor_run(struct pr_ta_ht_phasor_impl *m, size_t n, const double *in, double *inphase,
                          double *quadrature) {
    size_t i = 0;
    for (; i < n && i < m->c.start; i++) ht_phasor_step(m, in[i], &inphase[i], &quadrature[i]);
    if (i < n)
        HT_FAST_LOOP(&m->c, n, in, s, t, inphase[t] = t >= 32 ? s.i1 : NAN, quadrature[t] = t >= 32 ? s.q : NAN);
}

HT_API_2(ht_phasor, 32)
