/* MAMA/FAMA: Ehlers' MESA adaptive moving average, TA-Lib's algorithm and
 * operation order (ta_MAMA.c), over the shared Hilbert front end
 * (ht_internal.h; Hilbert transform from bar 12), output from bar 32.
 * Δphase = previous phase − atan(Q/I) in degrees, floored at 1; alpha =
 * fastlimit/Δphase, not below slowlimit (fastlimit when Δphase ≤ 1); then
 * mama = alpha·price + (1 − alpha)·mama and fama = (alpha/2)·mama +
 * (1 − alpha/2)·fama, both starting at 0 on bar 12 as TA-Lib's do (the zero
 * start still shows in the first outputs). */
#include "ht_internal.h"
#include "ma_internal.h"

typedef struct mama_vals {
    double fast, slow, mama, fama, prev_phase;
} mama_vals;

struct pr_ta_mama_impl {
    ht_core c;
    mama_vals v;
};

static int mama_ok(double fast, double slow) { return fast >= 0.01 && fast <= 0.99 && slow >= 0.01 && slow <= 0.99; }

static void mama_setup(struct pr_ta_mama_impl *m, double fast, double slow) {
    memset(m, 0, sizeof *m);
    ht_core_init(&m->c, 12);
    m->v.fast = fast;
    m->v.slow = slow;
}

/* One bar's MAMA and FAMA from the front end's in-phase i1 and quadrature q. */
static inline void mama_advance(mama_vals *m, double i1, double q, double rad2deg, double x) {
    double phase = i1 != 0.0 ? atan(q / i1) * rad2deg : 0.0;
    double alpha = m->prev_phase - phase;
    m->prev_phase = phase;
    if (alpha < 1.0) alpha = 1.0;
    if (alpha > 1.0) {
        alpha = m->fast / alpha;
        if (alpha < m->slow) alpha = m->slow;
    } else {
        alpha = m->fast;
    }
    m->mama = (alpha * x) + ((1 - alpha) * m->mama);
    alpha *= 0.5;
    m->fama = (alpha * m->mama) + ((1 - alpha) * m->fama);
}

static void mama_step(struct pr_ta_mama_impl *m, double x, double *mama, double *fama) {
    *mama = *fama = NAN;
    ht_core *c = &m->c;
    if (ht_core_step(c, x)) {
        mama_advance(&m->v, c->i1, c->q, c->rad2deg, x);
        if (c->today >= 32) {
            *mama = m->v.mama;
            *fama = m->v.fama;
        }
    }
    c->today++;
}

/* One MAMA/FAMA bar of the batch form (the values in a local copy). */
static inline void mama_fast_emit(mama_vals *v, const ht_fast *s, double x, size_t t, double *mama,
                                  double *fama) {
    mama_advance(v, s->i1, s->q, s->rad2deg, x);
    mama[t] = t >= 32 ? v->mama : NAN;
    fama[t] = t >= 32 ? v->fama : NAN;
}

/* Batch: the warm-up bars through the step, the rest with the front end and
 * MAMA/FAMA in registers (HT_FAST_LOOP). */
static void mama_run(struct pr_ta_mama_impl *m, size_t n, const double *in, double *mama, double *fama) {
    size_t i = 0;
    for (; i < n && i < m->c.start; i++) mama_step(m, in[i], &mama[i], &fama[i]);
    mama_vals v = m->v;
    if (i < n) HT_FAST_LOOP(&m->c, n, in, s, t, mama_fast_emit(&v, &s, in[t], t, mama, fama));
}

int pr_ta_mama_lookback(double fast, double slow, int *out) {
    if (!out || !mama_ok(fast, slow)) return PR_EINVAL;
    *out = 32;
    return PR_OK;
}

int pr_ta_mama(size_t n, const double *in, double fast, double slow, double *mama, double *fama) {
    PR_TA_PROLOGUE(mama_ok(fast, slow), n, in, mama, fama);
    struct pr_ta_mama_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    mama_setup(m, fast, slow);
    mama_run(m, n, in, mama, fama);
    free(m);
    return PR_OK;
}

int pr_ta_mama_init(pr_ta_mama_state *s, double fast, double slow) {
    if (!s || !mama_ok(fast, slow)) return PR_EINVAL;
    struct pr_ta_mama_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    mama_setup(m, fast, slow);
    s->p = m;
    return PR_OK;
}

int pr_ta_mama_update(pr_ta_mama_state *s, double x, double *mama, double *fama) {
    if (!s || !s->p || !mama || !fama) return PR_EINVAL;
    mama_step(s->p, x, mama, fama);
    return PR_OK;
}

int pr_ta_mama_init_at(pr_ta_mama_state *s, double fast, double slow, size_t bar0) {
    int rc = pr_ta_mama_init(s, fast, slow);
    if (rc == PR_OK) s->p->c.bar0 = bar0;
    return rc;
}

void pr_ta_mama_free(pr_ta_mama_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
