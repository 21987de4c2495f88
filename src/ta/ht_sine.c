/* HT_SINE: Ehlers' sine wave, TA-Lib's algorithm and operation order
 * (ta_HT_SINE.c): sin(phase) and sin(phase + 45°) of the dominant cycle
 * phase of the shared Hilbert front end (ht_internal.h; Hilbert transform
 * from bar 37), output from bar 63. */
#include "ht_internal.h"

struct pr_ta_ht_sine_impl {
    ht_core c;
    ht_trig trig;
};

static void ht_sine_setup(struct pr_ta_ht_sine_impl *m) { ht_core_init_phase(&m->c, &m->trig); }

static void ht_sine_step(struct pr_ta_ht_sine_impl *m, double x, double *sine, double *leadsine) {
    *sine = *leadsine = NAN;
    if (ht_core_step(&m->c, x)) {
        double phase = ht_core_phase(&m->c), deg2rad = 1.0 / m->c.rad2deg;
        if (m->c.today >= 63) {
            *sine = sin(phase * deg2rad);
            *leadsine = sin((phase + 45) * deg2rad);
        }
    }
    m->c.today++;
}

HT_STEP_RUN_2(ht_sine)
HT_API_2(ht_sine, 63)
