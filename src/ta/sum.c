/* SUM over the last p bars as TA-Lib's running sum (add the new value, take
 * the sum, subtract the value that leaves), so the values equal TA-Lib's bit
 * for bit; lookback p-1. A NaN input stays in the running sum. */
#include "overlap_internal.h"

static int sum_ok(int period) { return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX); }

int pr_ta_sum_lookback(int period, int *out) {
    if (!out || !sum_ok(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_sum(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(sum_ok(period), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    pr_ta_fill_nan(out, p - 1);
    double total = 0.0;
    for (size_t i = 0; i + 1 < p; i++) total += in[i];
    for (size_t t = p - 1; t < n; t++) {
        total += in[t];
        double v = total;
        total -= in[t + 1 - p];
        out[t] = v;
    }
    return PR_OK;
}

struct pr_ta_sum_impl {
    double total;
    pr_ta_win w;
};

int pr_ta_sum_init(pr_ta_sum_state *s, int period) {
    if (!s || !sum_ok(period)) return PR_EINVAL;
    struct pr_ta_sum_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    m->total = 0.0;
    if (pr_ta_win_init(&m->w, period) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    s->p = m;
    return PR_OK;
}

int pr_ta_sum_update(pr_ta_sum_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_sum_impl *m = s->p;
    double old;
    m->total += x;
    if (!pr_ta_win_push(&m->w, x, &old)) {
        *out = NAN;
        return PR_OK;
    }
    *out = m->total;
    m->total -= old;
    return PR_OK;
}

void pr_ta_sum_free(pr_ta_sum_state *s) {
    if (!s) return;
    if (s->p) pr_ta_win_free(&s->p->w);
    free(s->p);
    s->p = NULL;
}
