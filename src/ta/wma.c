/* WMA: linearly weighted moving average (weights 1..p, newest p), batch and
 * streaming, in TA-Lib's operation order: a running weighted sum S and a
 * running plain sum U; per bar U += x, U -= x[t-p], S += x*p, output S/divider,
 * S -= U. Matches TA-Lib bit for bit. */
#include "overlap_internal.h"

#define WMA_MIN 2

/* p(p+1)/2, exact in double (TA-Lib computes it in int, which overflows for
 * p > 46340; the values agree wherever TA-Lib's is defined). */
static double wma_divider(int period) { return (double)period * (double)(period + 1) / 2.0; }

int pr_ta_wma_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, WMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_wma(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, WMA_MIN, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    pr_ta_fill_nan(out, p - 1);
    double divider = wma_divider(period);
    double sum = 0.0, sub = 0.0, trailing = 0.0;
    for (size_t i = 0; i + 1 < p; i++) {
        sub += in[i];
        sum += in[i] * (double)(i + 1);
    }
    for (size_t i = p - 1; i < n; i++) {
        double x = in[i];
        sub += x;
        sub -= trailing;
        sum += x * (double)period;
        trailing = in[i + 1 - p];
        out[i] = sum / divider;
        sum -= sub;
    }
    return PR_OK;
}

struct pr_ta_wma_impl {
    int period;
    size_t count, pos;
    double divider, sum, sub;
    double ring[];
};

int pr_ta_wma_init(pr_ta_wma_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, WMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_wma_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->count = 0;
    m->pos = 0;
    m->divider = wma_divider(period);
    m->sum = 0.0;
    m->sub = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_wma_update(pr_ta_wma_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_wma_impl *m = s->p;
    size_t p = (size_t)m->period;
    if (m->count + 1 < p) {
        m->ring[m->count] = x;
        m->sub += x;
        m->sum += x * (double)(m->count + 1);
        m->count++;
        *out = NAN;
        return PR_OK;
    }
    /* The value leaving the window: none on the first output bar (TA-Lib
     * subtracts 0.0 there, an exact no-op). */
    double trailing = m->count + 1 == p ? 0.0 : m->ring[m->pos];
    m->sub += x;
    m->sub -= trailing;
    m->sum += x * (double)m->period;
    if (m->count + 1 == p) {
        m->ring[p - 1] = x;
    } else {
        m->ring[m->pos] = x;
        if (++m->pos == p) m->pos = 0;
    }
    *out = m->sum / m->divider;
    m->sum -= m->sub;
    m->count++;
    return PR_OK;
}

void pr_ta_wma_free(pr_ta_wma_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
