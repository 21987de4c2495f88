/* KAMA: Kaufman adaptive moving average, batch and streaming, in TA-Lib's
 * operation order (bit for bit). Fast/slow constants are fixed at 2/(2+1) and
 * 2/(30+1) for every period. The seed is close[p-1]; the first output is on
 * bar p. Efficiency ratio = |x[t] − x[t−p]| / (running sum of the p absolute
 * one-bar changes), taken as 1 when that sum is ~0 or ≤ the signed change. */
#include "overlap_internal.h"

#define KAMA_MIN 2

static const double kama_slow = 2.0 / (30.0 + 1.0);

static inline double kama_next(double prev, double x, double period_roc, double sum_roc1) {
    const double diff = 2.0 / (2.0 + 1.0) - kama_slow;
    double er;
    if ((sum_roc1 <= period_roc) || PR_TA_IS_ZERO(sum_roc1))
        er = 1.0;
    else
        er = fabs(period_roc / sum_roc1);
    double sc = (er * diff) + kama_slow;
    sc *= sc;
    return ((x - prev) * sc) + prev;
}

int pr_ta_kama_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, KAMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

int pr_ta_kama(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, KAMA_MIN, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n <= p, n, out);
    pr_ta_fill_nan(out, p);
    double sum = 0.0;
    for (size_t i = 0; i < p; i++) sum += fabs(in[i] - in[i + 1]);
    double k = kama_next(in[p - 1], in[p], in[p] - in[0], sum);
    out[p] = k;
    for (size_t t = p + 1; t < n; t++) {
        sum -= fabs(in[t - p - 1] - in[t - p]);
        sum += fabs(in[t] - in[t - 1]);
        k = kama_next(k, in[t], in[t] - in[t - p], sum);
        out[t] = k;
    }
    return PR_OK;
}

struct pr_ta_kama_impl {
    int period;
    size_t count, pos;   /* pos: ring slot of x[t-p-1] once full   */
    double sum, kama, last;
    double ring[];       /* the last p+1 inputs                    */
};

int pr_ta_kama_init(pr_ta_kama_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, KAMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_kama_impl *m = malloc(sizeof *m + ((size_t)period + 1) * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->count = 0;
    m->pos = 0;
    m->sum = 0.0;
    m->kama = NAN;
    m->last = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_kama_update(pr_ta_kama_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_kama_impl *m = s->p;
    size_t p = (size_t)m->period, w = p + 1;
    if (m->count <= p) {
        if (m->count > 0) m->sum += fabs(m->last - x);
        m->ring[m->count] = x;
        if (m->count == p) {
            m->kama = kama_next(m->ring[p - 1], x, x - m->ring[0], m->sum);
            *out = m->kama;
        } else {
            *out = NAN;
        }
        m->count++;
        m->last = x;
        return PR_OK;
    }
    size_t p1 = m->pos + 1 == w ? 0 : m->pos + 1; /* slot of x[t-p] */
    double old1 = m->ring[m->pos], old0 = m->ring[p1];
    m->sum -= fabs(old1 - old0);
    m->sum += fabs(x - m->last);
    m->kama = kama_next(m->kama, x, x - old0, m->sum);
    m->ring[m->pos] = x;
    m->pos = p1;
    m->last = x;
    m->count++;
    *out = m->kama;
    return PR_OK;
}

void pr_ta_kama_free(pr_ta_kama_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
