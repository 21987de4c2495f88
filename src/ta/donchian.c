/* Donchian channels: highest high, lowest low and their midpoint over the
 * last N bars including the current one. */
#include "extra_internal.h"

struct pr_ta_donchian_impl {
    pr_ta_ring hi, lo;
};

static int bad_period(int period) { return period < 1 || period > 100000; }

int pr_ta_donchian_lookback(int period, int *out) {
    if (!out || bad_period(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_donchian_init(pr_ta_donchian_state *s, int period) {
    if (!s || bad_period(period)) return PR_EINVAL;
    s->p = (struct pr_ta_donchian_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    if (pr_ta_ring_init(&s->p->hi, (size_t)period) != PR_OK ||
        pr_ta_ring_init(&s->p->lo, (size_t)period) != PR_OK) {
        pr_ta_donchian_free(s);
        return PR_ENOMEM;
    }
    return PR_OK;
}

int pr_ta_donchian_update(pr_ta_donchian_state *s, double high, double low,
                          double *upper, double *middle, double *lower) {
    if (!s || !s->p || !upper || !middle || !lower) return PR_EINVAL;
    struct pr_ta_donchian_impl *p = s->p;
    pr_ta_ring_push(&p->hi, high);
    pr_ta_ring_push(&p->lo, low);
    if (!pr_ta_ring_full(&p->hi)) {
        *upper = *middle = *lower = NAN;
        return PR_OK;
    }
    double hh = pr_ta_ring_at(&p->hi, 0), ll = pr_ta_ring_at(&p->lo, 0);
    int nan = isnan(hh) || isnan(ll);
    for (size_t i = 1; i < p->hi.len; i++) {
        double h = pr_ta_ring_at(&p->hi, i), l = pr_ta_ring_at(&p->lo, i);
        nan |= isnan(h) || isnan(l);
        if (h > hh) hh = h;
        if (l < ll) ll = l;
    }
    if (nan) {
        *upper = *middle = *lower = NAN;
        return PR_OK;
    }
    *upper = hh;
    *lower = ll;
    *middle = (hh + ll) / 2.0;
    return PR_OK;
}

void pr_ta_donchian_free(pr_ta_donchian_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->hi);
    pr_ta_ring_free(&s->p->lo);
    free(s->p);
    s->p = NULL;
}

int pr_ta_donchian(size_t n, const double *high, const double *low, int period,
                   double *upper, double *middle, double *lower) {
    PR_TA_PROLOGUE(!bad_period(period), n, high, low, upper, middle, lower);
    pr_ta_donchian_state s;
    int rc = pr_ta_donchian_init(&s, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_donchian_update(&s, high[i], low[i], &upper[i], &middle[i], &lower[i]);
    pr_ta_donchian_free(&s);
    return PR_OK;
}
