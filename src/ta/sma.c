/* SMA: simple moving average, batch and streaming.
 *
 * Summation: a running window sum. TA-Lib updates it as (sum + new) - old,
 * two dependent additions per bar, which makes its loop latency-bound. Here
 * the window difference d = new - old is formed off the critical path and
 * the sum advances two bars per step: out[t] = sum + d[t], then
 * sum += (d[t] + d[t+1]), pairs counted from bar p (the first bar after the
 * seed). The seed (bars 0..p-1 summed in order) equals TA-Lib's first value
 * exactly; later values differ from TA-Lib's by rounding only (a few ulps,
 * ~1e-15 relative on the golden data). The divisions by p are off the
 * dependency chain, so the loop runs at the divider's throughput, close to
 * the memory bandwidth floor. The streaming form performs the same
 * operations in the same order, so batch and streaming agree bit for bit. */
#include "overlap_internal.h"

#define SMA_MIN 2

int pr_ta_sma_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, SMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_sma(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, SMA_MIN, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    const double *restrict x = in;
    double *restrict o = out;
    pr_ta_fill_nan(o, p - 1);
    double dp = (double)period, sum = 0.0;
    for (size_t i = 0; i < p; i++) sum += x[i];
    o[p - 1] = sum / dp;
    size_t i = p;
    for (; i + 2 <= n; i += 2) {
        double d0 = x[i] - x[i - p];
        double d1 = x[i + 1] - x[i + 1 - p];
        o[i] = (sum + d0) / dp;
        sum = sum + (d0 + d1);
        o[i + 1] = sum / dp;
    }
    if (i < n) o[i] = (sum + (x[i] - x[i - p])) / dp; /* an unpaired last bar */
    return PR_OK;
}

struct pr_ta_sma_impl {
    int period;
    size_t count;    /* bars seen                                  */
    size_t pos;      /* ring slot of the oldest value              */
    double sum;      /* window sum as of the last completed pair   */
    double pend;     /* d of the first bar of an open pair         */
    double ring[];   /* the last `period` inputs                   */
};

int pr_ta_sma_init(pr_ta_sma_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, SMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_sma_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->count = 0;
    m->pos = 0;
    m->sum = 0.0;
    m->pend = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_sma_update(pr_ta_sma_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_sma_impl *m = s->p;
    size_t p = (size_t)m->period;
    if (m->count < p) {
        m->ring[m->count] = x;
        m->sum += x;
        m->count++;
        *out = m->count == p ? m->sum / (double)m->period : NAN;
        return PR_OK;
    }
    double d = x - m->ring[m->pos];
    m->ring[m->pos] = x;
    if (++m->pos == p) m->pos = 0;
    if (((m->count - p) & 1u) == 0) {
        m->pend = d;
        *out = (m->sum + d) / (double)m->period;
    } else {
        m->sum = m->sum + (m->pend + d);
        *out = m->sum / (double)m->period;
    }
    m->count++;
    return PR_OK;
}

void pr_ta_sma_free(pr_ta_sma_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
