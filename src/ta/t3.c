/* T3 (Tillson): six chained EMAs, k = 2/(p+1), each seeded with the SMA of
 * the first p values of its own input and updated as k*x + (1-k)*prev (the
 * operation order TA-Lib uses in T3, unlike its EMA). Output
 * c1*e6 + c2*e5 + c3*e4 + c4*e3 with TA-Lib's coefficient formulas, bit for
 * bit. Batch and streaming share the per-bar step. */
#include "overlap_internal.h"

#define T3_MIN 2

struct pr_ta_t3_impl {
    int period;
    int n[6];          /* values seen per level, saturates at period */
    double sum[6], e[6];
    double k, omk, c1, c2, c3, c4;
};

static int t3_check(int period, double vfactor) {
    return pr_ta_period_ok(period, T3_MIN, PR_TA_PERIOD_MAX) && vfactor >= 0.0 && vfactor <= 1.0;
}

static void t3_setup(struct pr_ta_t3_impl *m, int period, double v) {
    m->period = period;
    for (int j = 0; j < 6; j++) {
        m->n[j] = 0;
        m->sum[j] = 0.0;
        m->e[j] = NAN;
    }
    m->k = 2.0 / (period + 1.0);
    m->omk = 1.0 - m->k;
    double v2 = v * v;
    m->c1 = -(v2 * v);
    m->c2 = 3.0 * (v2 - m->c1);
    m->c3 = -6.0 * v2 - 3.0 * (v - m->c1);
    m->c4 = 1.0 + 3.0 * v - m->c1 + 3.0 * v2;
}

static inline double t3_step(struct pr_ta_t3_impl *m, double x) {
    for (int j = 0; j < 6; j++) {
        if (m->n[j] < m->period) {
            m->sum[j] += x;
            if (++m->n[j] < m->period) return NAN;
            m->e[j] = m->sum[j] / m->period;
        } else {
            m->e[j] = (m->k * x) + (m->omk * m->e[j]);
        }
        x = m->e[j];
    }
    return m->c1 * m->e[5] + m->c2 * m->e[4] + m->c3 * m->e[3] + m->c4 * m->e[2];
}

int pr_ta_t3_lookback(int period, double vfactor, int *out) {
    if (!out || !t3_check(period, vfactor)) return PR_EINVAL;
    *out = 6 * (period - 1);
    return PR_OK;
}

int pr_ta_t3(size_t n, const double *in, int period, double vfactor, double *out) {
    PR_TA_PROLOGUE(t3_check(period, vfactor), n, in, out);
    struct pr_ta_t3_impl m;
    t3_setup(&m, period, vfactor);
    /* Warm-up through the shared step until the sixth level is seeded, then
     * the six EMAs in registers, same operations in the same order. */
    size_t warm = (size_t)6 * (size_t)(period - 1) + 1, i = 0;
    for (; i < n && i < warm; i++) out[i] = t3_step(&m, in[i]);
    double e1 = m.e[0], e2 = m.e[1], e3 = m.e[2], e4 = m.e[3], e5 = m.e[4], e6 = m.e[5];
    const double k = m.k, omk = m.omk, c1 = m.c1, c2 = m.c2, c3 = m.c3, c4 = m.c4;
    for (; i < n; i++) {
        e1 = (k * in[i]) + (omk * e1);
        e2 = (k * e1) + (omk * e2);
        e3 = (k * e2) + (omk * e3);
        e4 = (k * e3) + (omk * e4);
        e5 = (k * e4) + (omk * e5);
        e6 = (k * e5) + (omk * e6);
        out[i] = c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3;
    }
    return PR_OK;
}

int pr_ta_t3_init(pr_ta_t3_state *s, int period, double vfactor) {
    if (!s || !t3_check(period, vfactor)) return PR_EINVAL;
    struct pr_ta_t3_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    t3_setup(m, period, vfactor);
    s->p = m;
    return PR_OK;
}

int pr_ta_t3_update(pr_ta_t3_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = t3_step(s->p, x);
    return PR_OK;
}

void pr_ta_t3_free(pr_ta_t3_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
