/* ULTOSC: Williams' ultimate oscillator, batch and streaming, in TA-Lib's
 * order. The three periods are sorted (shortest gets weight 4). Per bar:
 * buying pressure bp = close - min(low, prev close), true range tr; each of
 * the three running sums is primed with the p-1 bars before the first
 * output (summed oldest first), then per bar today's terms are added, the
 * value 100*((4*a1/b1 + 2*a2/b2 + a3/b3)/7) is formed (a term is skipped when
 * its TR sum is within 1e-14 of 0), and the leaving terms are subtracted. */
#include "momentum_internal.h"

struct pr_ta_ultosc_impl {
    int p[3];               /* sorted ascending */
    int64_t count;
    size_t pos;             /* ring slot of the next bar */
    double pc;
    double a[3], b[3];
    double *bp, *tr;        /* rings of p[2] terms */
};

static int ult_ok(int p1, int p2, int p3) {
    return pr_mo_period_ok(p1, 1) && pr_mo_period_ok(p2, 1) && pr_mo_period_ok(p3, 1);
}

static void ult_sort(int p1, int p2, int p3, int *s) {
    s[0] = p1; s[1] = p2; s[2] = p3;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2 - i; j++)
            if (s[j] > s[j + 1]) { int t = s[j]; s[j] = s[j + 1]; s[j + 1] = t; }
}

static inline void ult_terms(double h, double l, double c, double pc, double *bp, double *tr) {
    double true_low = l < pc ? l : pc;
    *bp = c - true_low;
    *tr = pr_mo_true_range(h, l, pc);
}

static inline double ult_value(const double *a, const double *b) {
    double o = 0.0;
    if (!PR_MO_IS_ZERO(b[0])) o += 4.0 * (a[0] / b[0]);
    if (!PR_MO_IS_ZERO(b[1])) o += 2.0 * (a[1] / b[1]);
    if (!PR_MO_IS_ZERO(b[2])) o += a[2] / b[2];
    return 100.0 * (o / 7.0);
}

static int ult_setup(struct pr_ta_ultosc_impl *m, int p1, int p2, int p3) {
    memset(m, 0, sizeof *m);
    ult_sort(p1, p2, p3, m->p);
    m->bp = malloc((size_t)m->p[2] * sizeof *m->bp);
    m->tr = malloc((size_t)m->p[2] * sizeof *m->tr);
    if (!m->bp || !m->tr) {
        free(m->bp); free(m->tr);
        m->bp = m->tr = NULL;
        return PR_ENOMEM;
    }
    return PR_OK;
}

static double ult_step(struct pr_ta_ultosc_impl *m, double h, double l, double c) {
    int64_t t = m->count++;
    double pc = m->pc;
    m->pc = c;
    if (t == 0) return NAN;
    size_t cap = (size_t)m->p[2];
    double bp, tr;
    ult_terms(h, l, c, pc, &bp, &tr);
    size_t cur = m->pos;
    m->bp[cur] = bp;
    m->tr[cur] = tr;
    if (++m->pos == cap) m->pos = 0;
    int64_t lb = m->p[2];
    if (t < lb) return NAN;
    /* ring slot of bar t - k (k < cap) */
#define ULT_SLOT(k) ((cur + cap - (size_t)(k)) % cap)
    if (t == lb) {
        for (int s = 0; s < 3; s++) {
            m->a[s] = 0.0;
            m->b[s] = 0.0;
            for (int k = m->p[s] - 1; k >= 1; k--) {
                m->a[s] += m->bp[ULT_SLOT(k)];
                m->b[s] += m->tr[ULT_SLOT(k)];
            }
        }
    }
    for (int s = 0; s < 3; s++) {
        m->a[s] += bp;
        m->b[s] += tr;
    }
    double out = ult_value(m->a, m->b);
    for (int s = 0; s < 3; s++) {
        size_t old = ULT_SLOT(m->p[s] - 1);
        m->a[s] -= m->bp[old];
        m->b[s] -= m->tr[old];
    }
#undef ULT_SLOT
    return out;
}

int pr_ta_ultosc_lookback(int p1, int p2, int p3, int *out) {
    if (!out || !ult_ok(p1, p2, p3)) return PR_EINVAL;
    int s[3];
    ult_sort(p1, p2, p3, s);
    *out = s[2];
    return PR_OK;
}

int pr_ta_ultosc(size_t n, const double *high, const double *low, const double *close, int p1,
                 int p2, int p3, double *out) {
    PR_TA_PROLOGUE(ult_ok(p1, p2, p3), n, high, low, close, out);
    struct pr_ta_ultosc_impl m;
    int rc = ult_setup(&m, p1, p2, p3);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) out[i] = ult_step(&m, high[i], low[i], close[i]);
    free(m.bp);
    free(m.tr);
    return PR_OK;
}

int pr_ta_ultosc_init(pr_ta_ultosc_state *s, int p1, int p2, int p3) {
    if (!s || !ult_ok(p1, p2, p3)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = ult_setup(s->p, p1, p2, p3);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
    }
    return rc;
}

int pr_ta_ultosc_update(pr_ta_ultosc_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = ult_step(s->p, high, low, close);
    return PR_OK;
}

void pr_ta_ultosc_free(pr_ta_ultosc_state *s) {
    if (!s || !s->p) return;
    free(s->p->bp);
    free(s->p->tr);
    free(s->p);
    s->p = NULL;
}
