/* RSI and CMO: Wilder-smoothed average gain and loss, batch and streaming.
 *
 * TA-Lib's recurrence (kept operation for operation, so values match it bit
 * for bit): the first averages are the sums of the p gains / losses of bars
 * 1..p divided by p; then avg = (avg*(p-1) + x)/p, where x is the bar's gain
 * (or loss, or 0). Gains and losses are formed without branches: up =
 * max(0, d) and down = up - d, which equals TA-Lib's `loss -= d` exactly and
 * adds 0 (a no-op) to the other side.
 *
 * Speed: the recurrence is one multiply, one add and one divide per bar in a
 * chain (~20 cycles), which bounds a serial loop. The batch form therefore
 * splits the bars into LANES segments processed together, so the chains
 * overlap. Every segment after the first starts WARM bars early from a zero
 * state; Wilder smoothing forgets its start geometrically, and after enough
 * bars the rounded state coincides bit for bit with the true one, after
 * which the two are identical forever. That is not assumed: once all lanes
 * are done, each segment's warm-up end state is compared bitwise with the
 * true state its predecessor ended with, and any segment that does not match
 * is recomputed serially from the true state. The output is therefore always
 * exactly the serial recurrence's (and so the streaming form's). */
#include "momentum_internal.h"

#define RSI_LANES 4

/* Output of one bar. cmo selects CMO's formula. */
static inline double mo_osc(double g, double l, int cmo) {
    double s = g + l;
    if (PR_MO_IS_ZERO(s)) return 0.0;
    return cmo ? 100.0 * ((g - l) / s) : 100.0 * (g / s);
}

/* One Wilder step for bar i (reads x[i-1], x[i]). */
#define MO_STEP(G, L, i)                              \
    do {                                              \
        double d_ = x[i] - x[(i) - 1];                \
        double u_ = 0.0 > d_ ? 0.0 : d_;              \
        double v_ = u_ - d_;                          \
        (G) = ((G) * pm1 + u_) / dp;                  \
        (L) = ((L) * pm1 + v_) / dp;                  \
    } while (0)

/* Serial recurrence over bars [from, to), writing outputs. */
static void mo_serial(const double *restrict x, double *restrict out, size_t from, size_t to,
                      int p, int cmo, double *g, double *l) {
    double G = *g, L = *l, pm1 = (double)(p - 1), dp = (double)p;
    for (size_t i = from; i < to; i++) {
        MO_STEP(G, L, i);
        out[i] = mo_osc(G, L, cmo);
    }
    *g = G;
    *l = L;
}

static int mo_batch(size_t n, const double *in, int period, double *out, int cmo) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n <= p, n, out);
    const double *restrict x = in;
    pr_ta_fill_nan(out, p);
    double g = 0.0, l = 0.0;
    for (size_t i = 1; i <= p; i++) {
        double d = x[i] - x[i - 1];
        double u = 0.0 > d ? 0.0 : d;
        g += u;
        l += u - d;
    }
    g /= period;
    l /= period;
    out[p] = mo_osc(g, l, cmo);

    size_t a0 = p + 1;                 /* first bar of the recurrence */
    size_t total = n - a0;
    size_t warm = 48 * p + 64;         /* far more than the ~36p bars to forget the start */
    if (total < 16 * warm || total < 4096) {
        mo_serial(x, out, a0, n, period, cmo, &g, &l);
        return PR_OK;
    }
    size_t seg = (total - warm) / RSI_LANES;
    double pm1 = (double)(period - 1), dp = (double)period;
    /* lane k: warm-up bars [a0 + k*seg, a0 + k*seg + warm), outputs
     * [a0 + warm + k*seg, a0 + warm + (k+1)*seg); lane 0's warm-up bars are
     * real outputs (it starts from the true state). */
    double G0 = g, L0 = l, G1 = 0.0, L1 = 0.0, G2 = 0.0, L2 = 0.0, G3 = 0.0, L3 = 0.0;
    const size_t b1 = a0 + seg, b2 = a0 + 2 * seg, b3 = a0 + 3 * seg;
    for (size_t t = 0; t < warm; t++) {
        size_t i0 = a0 + t;
        MO_STEP(G0, L0, i0);
        MO_STEP(G1, L1, b1 + t);
        MO_STEP(G2, L2, b2 + t);
        MO_STEP(G3, L3, b3 + t);
        out[i0] = mo_osc(G0, L0, cmo);
    }
    double wg[RSI_LANES] = {0, G1, G2, G3}, wl[RSI_LANES] = {0, L1, L2, L3};
    for (size_t t = warm; t < warm + seg; t++) {
        size_t i0 = a0 + t, i1 = b1 + t, i2 = b2 + t, i3 = b3 + t;
        MO_STEP(G0, L0, i0);
        MO_STEP(G1, L1, i1);
        MO_STEP(G2, L2, i2);
        MO_STEP(G3, L3, i3);
        out[i0] = mo_osc(G0, L0, cmo);
        out[i1] = mo_osc(G1, L1, cmo);
        out[i2] = mo_osc(G2, L2, cmo);
        out[i3] = mo_osc(G3, L3, cmo);
    }
    double eg[RSI_LANES] = {G0, G1, G2, G3}, el[RSI_LANES] = {L0, L1, L2, L3};
    /* Verify each lane against its predecessor's true end state. */
    double tg = eg[0], tl = el[0];
    for (int k = 1; k < RSI_LANES; k++) {
        if (pr_mo_same(wg[k], tg) && pr_mo_same(wl[k], tl)) {
            tg = eg[k];
            tl = el[k];
        } else {
            size_t from = a0 + warm + (size_t)k * seg;
            mo_serial(x, out, from, from + seg, period, cmo, &tg, &tl);
        }
    }
    mo_serial(x, out, a0 + warm + RSI_LANES * seg, n, period, cmo, &tg, &tl);
    return PR_OK;
}

static int mo_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

/* Streaming state shared by RSI and CMO. */
typedef struct mo_impl {
    int period;
    int cmo;
    int64_t count;     /* bars seen */
    double prev, g, l;
} mo_impl;

static int mo_init(mo_impl **pp, int period, int cmo) {
    if (!pp || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    mo_impl *m = calloc(1, sizeof *m);
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->cmo = cmo;
    *pp = m;
    return PR_OK;
}

static int mo_update(mo_impl *m, double x, double *out) {
    if (!m || !out) return PR_EINVAL;
    int64_t t = m->count++;
    int64_t p = m->period;
    if (t == 0) {
        m->prev = x;
        *out = NAN;
        return PR_OK;
    }
    double d = x - m->prev;
    m->prev = x;
    double u = 0.0 > d ? 0.0 : d;
    if (t <= p) {
        m->g += u;
        m->l += u - d;
        if (t < p) {
            *out = NAN;
            return PR_OK;
        }
        m->g /= m->period;
        m->l /= m->period;
    } else {
        double pm1 = (double)(m->period - 1), dp = (double)m->period;
        m->g = (m->g * pm1 + u) / dp;
        m->l = (m->l * pm1 + (u - d)) / dp;
    }
    *out = mo_osc(m->g, m->l, m->cmo);
    return PR_OK;
}

struct pr_ta_rsi_impl { mo_impl m; };
struct pr_ta_cmo_impl { mo_impl m; };

int pr_ta_rsi_lookback(int period, int *out) { return mo_lookback(period, out); }
int pr_ta_rsi(size_t n, const double *close, int period, double *out) {
    return mo_batch(n, close, period, out, 0);
}
int pr_ta_rsi_init(pr_ta_rsi_state *s, int period) {
    if (!s) return PR_EINVAL;
    mo_impl *m = NULL;
    int rc = mo_init(&m, period, 0);
    s->p = (struct pr_ta_rsi_impl *)m;
    return rc;
}
int pr_ta_rsi_update(pr_ta_rsi_state *s, double x, double *out) {
    return s ? mo_update((mo_impl *)s->p, x, out) : PR_EINVAL;
}
void pr_ta_rsi_free(pr_ta_rsi_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_cmo_lookback(int period, int *out) { return mo_lookback(period, out); }
int pr_ta_cmo(size_t n, const double *close, int period, double *out) {
    return mo_batch(n, close, period, out, 1);
}
int pr_ta_cmo_init(pr_ta_cmo_state *s, int period) {
    if (!s) return PR_EINVAL;
    mo_impl *m = NULL;
    int rc = mo_init(&m, period, 1);
    s->p = (struct pr_ta_cmo_impl *)m;
    return rc;
}
int pr_ta_cmo_update(pr_ta_cmo_state *s, double x, double *out) {
    return s ? mo_update((mo_impl *)s->p, x, out) : PR_EINVAL;
}
void pr_ta_cmo_free(pr_ta_cmo_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
