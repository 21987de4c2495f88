/* Rolling percent rank as TradingView's ta.percentrank: the share of the
 * previous N values that are less than or equal to the current one. */
#include "extra_internal.h"

struct pr_ta_percentrank_impl {
    pr_ta_ring x; /* the current value and the N before it */
};

static int bad_period(int period) { return period < 1 || period > 100000; }

int pr_ta_percentrank_lookback(int period, int *out) {
    if (!out || bad_period(period)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

int pr_ta_percentrank_init(pr_ta_percentrank_state *s, int period) {
    if (!s || bad_period(period)) return PR_EINVAL;
    s->p = (struct pr_ta_percentrank_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    if (pr_ta_ring_init(&s->p->x, (size_t)period + 1) != PR_OK) {
        pr_ta_percentrank_free(s);
        return PR_ENOMEM;
    }
    return PR_OK;
}

int pr_ta_percentrank_update(pr_ta_percentrank_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    pr_ta_ring *r = &s->p->x;
    pr_ta_ring_push(r, x);
    if (!pr_ta_ring_full(r)) {
        *out = NAN;
        return PR_OK;
    }
    size_t prev = r->len - 1, count = 0;
    int nan = isnan(x);
    for (size_t i = 0; i < prev; i++) {
        double v = pr_ta_ring_at(r, i);
        nan |= isnan(v);
        count += v <= x;
    }
    *out = nan ? NAN : (double)count / (double)prev * 100.0;
    return PR_OK;
}

void pr_ta_percentrank_free(pr_ta_percentrank_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->x);
    free(s->p);
    s->p = NULL;
}

int pr_ta_percentrank(size_t n, const double *x, int period, double *out) {
    PR_TA_PROLOGUE(!bad_period(period), n, x, out);
    pr_ta_percentrank_state s;
    int rc = pr_ta_percentrank_init(&s, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_percentrank_update(&s, x[i], &out[i]);
    pr_ta_percentrank_free(&s);
    return PR_OK;
}
