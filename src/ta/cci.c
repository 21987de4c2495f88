/* CCI: commodity channel index, batch and streaming.
 *
 * TA-Lib keeps the last p typical prices (h+l+c)/3 in a ring whose slot of
 * bar i is i mod p (counting from the first bar) and, on every bar, sums the
 * ring from slot 0 to p-1 for the mean and again for the mean absolute
 * deviation. That slot order (not oldest-to-newest) fixes the rounding, so
 * both forms here sum the same ring the same way. O(p) per bar, like TA-Lib. */
#include "momentum_internal.h"

/* Value for the bar whose typical price `last` was just stored. */
static inline double cci_value(const double *ring, int p, double last) {
    double avg = 0.0;
    for (int j = 0; j < p; j++) avg += ring[j];
    avg /= p;
    double dev = 0.0;
    for (int j = 0; j < p; j++) dev += fabs(ring[j] - avg);
    double num = last - avg;
    if (num != 0.0 && dev != 0.0) return num / (0.015 * (dev / p));
    return 0.0;
}

int pr_ta_cci_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_cci(size_t n, const double *high, const double *low, const double *close, int period,
              double *out) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, close, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    double *ring = malloc(p * sizeof *ring);
    if (!ring) return PR_ENOMEM;
    pr_ta_fill_nan(out, p - 1);
    size_t slot = 0;
    for (size_t i = 0; i < n; i++) {
        double tp = (high[i] + low[i] + close[i]) / 3;
        ring[slot] = tp;
        if (++slot == p) slot = 0;
        if (i + 1 >= p) out[i] = cci_value(ring, period, tp);
    }
    free(ring);
    return PR_OK;
}

struct pr_ta_cci_impl {
    int period;
    int64_t count;
    size_t slot;
    double ring[];
};

int pr_ta_cci_init(pr_ta_cci_state *s, int period) {
    if (!s || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    struct pr_ta_cci_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->count = 0;
    m->slot = 0;
    s->p = m;
    return PR_OK;
}

int pr_ta_cci_update(pr_ta_cci_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_cci_impl *m = s->p;
    double tp = (high + low + close) / 3;
    m->ring[m->slot] = tp;
    if (++m->slot == (size_t)m->period) m->slot = 0;
    *out = ++m->count >= m->period ? cci_value(m->ring, m->period, tp) : NAN;
    return PR_OK;
}

void pr_ta_cci_free(pr_ta_cci_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
