/* Volume-weighted average price: anchored to a session (reset at each UTC
 * day, US equity session, week or month) and rolling over N bars. Both use
 * the typical price (H+L+C)/3. */
#include "extra_internal.h"

static int valid_anchor(int anchor) { return anchor >= PR_TA_ANCHOR_DAY && anchor <= PR_TA_ANCHOR_MONTH; }

int pr_ta_vwap_lookback(int anchor, int *out) {
    if (!out || !valid_anchor(anchor)) return PR_EINVAL;
    *out = 0;
    return PR_OK;
}

struct pr_ta_vwap_impl {
    int anchor;
    int64_t prev_ts;     /* previous bar's time (PR_TIME_NONE: none)     */
    double pv, v;        /* running sum of tp*volume and of volume       */
};

int pr_ta_vwap_init(pr_ta_vwap_state *st, int anchor) {
    if (!st || !valid_anchor(anchor)) return PR_EINVAL;
    struct pr_ta_vwap_impl *s = (struct pr_ta_vwap_impl *)calloc(1, sizeof *s);
    if (!s) return PR_ENOMEM;
    s->anchor = anchor;
    s->prev_ts = PR_TIME_NONE;
    s->pv = 0.0;
    s->v = 0.0;
    st->p = s;
    return PR_OK;
}

int pr_ta_vwap_update(pr_ta_vwap_state *st, int64_t ts, double high, double low, double close,
                      double volume, double *out) {
    if (!st || !st->p || !out) return PR_EINVAL;
    struct pr_ta_vwap_impl *s = st->p;
    int fresh;
    int rc = pr_ta_anchor_new_period(s->anchor, s->prev_ts, ts, &fresh);
    if (rc != PR_OK) return rc;
    s->prev_ts = ts;
    if (fresh) {
        s->pv = 0.0;
        s->v = 0.0;
    }
    double tp = (high + low + close) / 3.0;
    s->pv += tp * volume;
    s->v += volume;
    *out = s->v != 0.0 ? s->pv / s->v : NAN;
    return PR_OK;
}

void pr_ta_vwap_free(pr_ta_vwap_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_vwap(size_t n, const int64_t *ts, const double *high, const double *low,
               const double *close, const double *volume, int anchor, double *out) {
    PR_TA_PROLOGUE(valid_anchor(anchor), n, ts, high, low, close, volume, out);
    pr_ta_vwap_state s;
    int rc = pr_ta_vwap_init(&s, anchor);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_vwap_update(&s, ts[i], high[i], low[i], close[i], volume[i], &out[i]);
    pr_ta_vwap_free(&s);
    return PR_OK;
}

/* ---- rolling VWAP ---- */

struct pr_ta_rvwap_impl {
    pr_ta_ring pv, v;
};

int pr_ta_rvwap_lookback(int period, int *out) {
    if (!out || period < 1 || period > 10000) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_rvwap_init(pr_ta_rvwap_state *s, int period) {
    if (!s || period < 1 || period > 10000) return PR_EINVAL;
    s->p = (struct pr_ta_rvwap_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    if (pr_ta_ring_init(&s->p->pv, (size_t)period) != PR_OK ||
        pr_ta_ring_init(&s->p->v, (size_t)period) != PR_OK) {
        pr_ta_rvwap_free(s);
        return PR_ENOMEM;
    }
    return PR_OK;
}

int pr_ta_rvwap_update(pr_ta_rvwap_state *s, double high, double low, double close, double volume,
                       double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_rvwap_impl *p = s->p;
    double tp = (high + low + close) / 3.0;
    pr_ta_ring_push(&p->pv, tp * volume);
    pr_ta_ring_push(&p->v, volume);
    if (!pr_ta_ring_full(&p->v)) {
        *out = NAN;
        return PR_OK;
    }
    double spv = 0.0, sv = 0.0;
    for (size_t i = 0; i < p->v.len; i++) {
        spv += pr_ta_ring_at(&p->pv, i);
        sv += pr_ta_ring_at(&p->v, i);
    }
    *out = sv != 0.0 ? spv / sv : NAN;
    return PR_OK;
}

void pr_ta_rvwap_free(pr_ta_rvwap_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->pv);
    pr_ta_ring_free(&s->p->v);
    free(s->p);
    s->p = NULL;
}

int pr_ta_rvwap(size_t n, const double *high, const double *low, const double *close,
                const double *volume, int period, double *out) {
    PR_TA_PROLOGUE(period >= 1 && period <= 10000, n, high, low, close, volume, out);
    pr_ta_rvwap_state s;
    int rc = pr_ta_rvwap_init(&s, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_rvwap_update(&s, high[i], low[i], close[i], volume[i], &out[i]);
    pr_ta_rvwap_free(&s);
    return PR_OK;
}
