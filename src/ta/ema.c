/* EMA: exponential moving average, k = 2/(p+1), seeded on bar p-1 with the
 * SMA of bars 0..p-1 (TA-Lib's default compatibility mode), batch and
 * streaming.
 *
 * TA-Lib's update ((x - e)*k) + e is three dependent operations per bar. The
 * recursion here is e = k*x + (1-k)*e, advanced two bars per step:
 *   bar t   (even offset from p): e_t   = k*x_t + c1*e_{t-1}
 *   bar t+1 (odd offset):         e_t+1 = (k*c1*x_t + k*x_t+1) + c2*e_{t-1}
 * with c1 = 1-k and c2 = c1*c1, so the dependency chain is one multiply and
 * one add per two bars. The seed equals TA-Lib's exactly; later values
 * differ from TA-Lib's by rounding only (the filter is contractive, so the
 * difference stays at a few ulps, ~1e-15 relative on the golden data).
 * Streaming repeats the same operations in the same order (pairs counted from
 * bar p), so batch and streaming agree bit for bit. DEMA/TEMA/TRIX/MACD/T3
 * keep TA-Lib's own update order (overlap_internal.h) and match it exactly. */
#include "overlap_internal.h"

#define EMA_MIN 2

typedef struct ema_coef { double k, c1, c2, kc1; } ema_coef;

static ema_coef ema_coefs(int period) {
    ema_coef c;
    c.k = pr_ta_per_to_k(period);
    c.c1 = 1.0 - c.k;
    c.c2 = c.c1 * c.c1;
    c.kc1 = c.k * c.c1;
    return c;
}

int pr_ta_ema_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, EMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_ema(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, EMA_MIN, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    const double *restrict x = in;
    double *restrict o = out;
    pr_ta_fill_nan(o, p - 1);
    ema_coef c = ema_coefs(period);
    double sum = 0.0;
    for (size_t i = 0; i < p; i++) sum += x[i];
    double e = sum / period;
    o[p - 1] = e;
    size_t i = p;
    for (; i + 2 <= n; i += 2) {
        double x0 = x[i], x1 = x[i + 1];
        o[i] = c.k * x0 + c.c1 * e;
        e = (c.kc1 * x0 + c.k * x1) + c.c2 * e;
        o[i + 1] = e;
    }
    if (i < n) o[i] = c.k * x[i] + c.c1 * e;
    return PR_OK;
}

struct pr_ta_ema_impl {
    int period;
    size_t count;   /* bars seen                              */
    ema_coef c;
    double sum;     /* seed sum while warming up              */
    double e;       /* EMA as of the last completed pair      */
    double xprev;   /* input of the first bar of an open pair */
};

int pr_ta_ema_init(pr_ta_ema_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, EMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_ema_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->count = 0;
    m->c = ema_coefs(period);
    m->sum = 0.0;
    m->e = NAN;
    m->xprev = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_ema_update(pr_ta_ema_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_ema_impl *m = s->p;
    size_t p = (size_t)m->period;
    if (m->count < p) {
        m->sum += x;
        m->count++;
        if (m->count == p) {
            m->e = m->sum / m->period;
            *out = m->e;
        } else {
            *out = NAN;
        }
        return PR_OK;
    }
    if (((m->count - p) & 1u) == 0) {
        m->xprev = x;
        *out = m->c.k * x + m->c.c1 * m->e;
    } else {
        m->e = (m->c.kc1 * m->xprev + m->c.k * x) + m->c.c2 * m->e;
        *out = m->e;
    }
    m->count++;
    return PR_OK;
}

void pr_ta_ema_free(pr_ta_ema_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
