/* Higher timeframes in the market view: each decision bar that closes is
 * folded into the forming bucket of every higher timeframe declared for its
 * instrument; a bucket joins the visible series only at the first step at
 * or after its close, so a forming higher-timeframe bar is never readable
 * (the classic multi-timeframe look-ahead). Streaming indicators are
 * updated as their stream's bars become visible. */
#include "view_internal.h"

static int close_bucket(pr_market_view *v, int si, pr_err *err) {
    vstream *st = &v->streams[si];
    if (pr_series_push(&st->agg, st->f_ts, st->f_o, st->f_h, st->f_l, st->f_c, st->f_v) != 0)
        return pr_err_set(err, PR_ENOMEM, "view: out of memory");
    st->forming = 0;
    st->len = st->agg.len;
    return v->n_inds ? view_inds_update(v, si, err) : PR_OK;
}

/* Out of line (and in its own file) so that the simple step (every step of
 * a backtest on precomputed indicators) does not pay for this one's frame
 * and saved registers. */
int view_step_full(pr_market_view *v, int64_t now, const unsigned char *closed, pr_err *err) {
    int rc;
    for (size_t i = 0; i < v->n; i++) {
        unsigned char c = closed ? closed[i] : 0;
        v->updated[i] = c;
        if (!c) continue;
        vstream *st = &v->streams[i];
        if (st->len >= st->base->len)
            return pr_err_set(err, PR_ESTATE, "view: %s has no bar %zu", v->inst[i].symbol, st->len);
        st->len++;
        if (v->n_inds && (rc = view_inds_update(v, (int)i, err)) != 0) return rc;
        if (v->n_streams == v->n) continue;
        size_t b = st->len - 1;
        const pr_series *s = st->base;
        for (size_t k = v->n; k < v->n_streams; k++) {
            vstream *h = &v->streams[k];
            if (h->inst != (int)i) continue;
            int64_t bucket = pr_tf_floor(h->tf, s->ts[b]);
            if (h->forming && bucket != h->f_ts && (rc = close_bucket(v, (int)k, err)) != 0) return rc;
            if (!h->forming) {
                h->forming = 1;
                h->f_ts = bucket;
                h->f_o = s->open[b];
                h->f_h = s->high[b];
                h->f_l = s->low[b];
                h->f_c = s->close[b];
                h->f_v = s->volume[b];
            } else {
                if (s->high[b] > h->f_h) h->f_h = s->high[b];
                if (s->low[b] < h->f_l) h->f_l = s->low[b];
                h->f_c = s->close[b];
                h->f_v += s->volume[b];
            }
        }
    }
    /* A bucket is visible from the first step at or after its close. */
    for (size_t k = v->n; k < v->n_streams; k++) {
        vstream *h = &v->streams[k];
        if (h->forming && pr_tf_next(h->tf, h->f_ts) <= now && (rc = close_bucket(v, (int)k, err)) != 0)
            return rc;
    }
    return PR_OK;
}
