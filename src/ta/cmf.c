/* Chaikin Money Flow: the window's money-flow volume over its volume. */
#include "extra_internal.h"

struct pr_ta_cmf_impl {
    pr_ta_ring mfv, v;
};

static int bad_period(int period) { return period < 1 || period > 100000; }

int pr_ta_cmf_lookback(int period, int *out) {
    if (!out || bad_period(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_cmf_init(pr_ta_cmf_state *s, int period) {
    if (!s || bad_period(period)) return PR_EINVAL;
    s->p = (struct pr_ta_cmf_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    if (pr_ta_ring_init(&s->p->mfv, (size_t)period) != PR_OK ||
        pr_ta_ring_init(&s->p->v, (size_t)period) != PR_OK) {
        pr_ta_cmf_free(s);
        return PR_ENOMEM;
    }
    return PR_OK;
}

int pr_ta_cmf_update(pr_ta_cmf_state *s, double high, double low, double close, double volume,
                     double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_cmf_impl *p = s->p;
    /* A bar with no range carries no money flow (TradingView does the same). */
    double mfm = high != low ? ((close - low) - (high - close)) / (high - low) : 0.0;
    if (isnan(high) || isnan(low) || isnan(close)) mfm = NAN;
    pr_ta_ring_push(&p->mfv, mfm * volume);
    pr_ta_ring_push(&p->v, volume);
    if (!pr_ta_ring_full(&p->v)) {
        *out = NAN;
        return PR_OK;
    }
    double smf = 0.0, sv = 0.0;
    for (size_t i = 0; i < p->v.len; i++) {
        smf += pr_ta_ring_at(&p->mfv, i);
        sv += pr_ta_ring_at(&p->v, i);
    }
    *out = sv != 0.0 ? smf / sv : (isnan(smf) ? NAN : 0.0);
    return PR_OK;
}

void pr_ta_cmf_free(pr_ta_cmf_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->mfv);
    pr_ta_ring_free(&s->p->v);
    free(s->p);
    s->p = NULL;
}

int pr_ta_cmf(size_t n, const double *high, const double *low, const double *close,
              const double *volume, int period, double *out) {
    PR_TA_PROLOGUE(!bad_period(period), n, high, low, close, volume, out);
    pr_ta_cmf_state s;
    int rc = pr_ta_cmf_init(&s, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_cmf_update(&s, high[i], low[i], close[i], volume[i], &out[i]);
    pr_ta_cmf_free(&s);
    return PR_OK;
}
