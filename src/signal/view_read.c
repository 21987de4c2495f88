/* The market view's read side: what strategies, ML features and runners
 * read at a decision time — instruments, closed bars per timeframe, closes.
 * Every read stops at the stream's visible length, so nothing beyond the
 * latest closed bar can be read. (Indicator reads: view_ind.c.) */
#include <math.h>
#include <string.h>
#include "view_internal.h"

int64_t pr_view_now(const pr_market_view *v) { return v->now; }
size_t pr_view_n_instruments(const pr_market_view *v) { return v->n; }
const pr_instrument *pr_view_instrument(const pr_market_view *v, int inst) {
    return inst >= 0 && (size_t)inst < v->n ? &v->inst[inst] : NULL;
}
pr_timeframe pr_view_tf(const pr_market_view *v, int inst) {
    return inst >= 0 && (size_t)inst < v->n ? v->streams[inst].tf : PR_TF_NONE;
}
size_t pr_view_warmup(const pr_market_view *v) { return v->warmup; }
size_t pr_view_history(const pr_market_view *v) { return v->history > v->warmup ? v->history : v->warmup; }
const char *pr_view_unbounded(const pr_market_view *v) { return v->unbounded; }
int pr_view_updated(const pr_market_view *v, int inst) {
    return inst >= 0 && (size_t)inst < v->n ? v->updated[inst] : 0;
}

size_t pr_view_len(const pr_market_view *v, int inst, pr_timeframe tf) {
    int si = view_find_stream(v, inst, tf);
    return si < 0 ? 0 : v->streams[si].len;
}

int pr_view_bar_at(const pr_market_view *v, int inst, pr_timeframe tf, size_t i, pr_bar *out) {
    int si = view_find_stream(v, inst, tf);
    if (si < 0) return PR_ENOTFOUND;
    const vstream *st = &v->streams[si];
    if (i >= st->len) return PR_ERANGE;
    const pr_series *s = st->base ? st->base : &st->agg;
    out->ts = s->ts[i];
    out->open = s->open[i];
    out->high = s->high[i];
    out->low = s->low[i];
    out->close = s->close[i];
    out->volume = s->volume[i];
    return PR_OK;
}

int pr_view_bar(const pr_market_view *v, int inst, pr_timeframe tf, size_t ago, pr_bar *out) {
    size_t len = pr_view_len(v, inst, tf);
    if (ago >= len) return PR_ERANGE;
    return pr_view_bar_at(v, inst, tf, len - 1 - ago, out);
}

PR_HOT double pr_view_close(const pr_market_view *v, int inst, size_t ago) {
    if (inst < 0 || (size_t)inst >= v->n) return NAN;
    const vstream *st = &v->streams[inst];
    return ago < st->len ? st->base->close[st->len - 1 - ago] : NAN;
}

int pr_view_close_ref_get(const pr_market_view *v, int inst, pr_view_ind_ref *out) {
    if (!v || !out || inst < 0 || (size_t)inst >= v->n) return PR_EINVAL;
    if (!v->prepared) return PR_ESTATE;
    /* The decision stream's series and visible length stay put once
     * prepared (the stream array no longer grows). */
    const vstream *st = &v->streams[inst];
    out->vals = (const double *const *)&st->base->close;
    out->len = &st->len;
    return PR_OK;
}

int pr_view_series_ref_get(const pr_market_view *v, int inst, pr_timeframe tf, const char *field,
                           pr_view_ind_ref *out) {
    if (!v || !out || !field) return PR_EINVAL;
    if (!v->prepared) return PR_ESTATE;
    int si = view_find_stream(v, inst, tf);
    if (si < 0) return PR_EINVAL;
    /* Streams no longer move once prepared; a higher timeframe's arrays may
     * grow, which the pointer-to-pointer follows. */
    const vstream *st = &v->streams[si];
    const pr_series *s = st->base ? st->base : &st->agg;
    double *const *f = strcmp(field, "open") == 0     ? &s->open
                       : strcmp(field, "high") == 0   ? &s->high
                       : strcmp(field, "low") == 0    ? &s->low
                       : strcmp(field, "close") == 0  ? &s->close
                       : strcmp(field, "volume") == 0 ? &s->volume
                                                      : NULL;
    if (!f) return PR_EINVAL;
    out->vals = (const double *const *)f;
    out->len = &st->len;
    return PR_OK;
}

const unsigned char *pr_view_updated_flags(const pr_market_view *v) { return v ? v->updated : NULL; }
const size_t *pr_view_step_count(const pr_market_view *v) { return v ? &v->steps : NULL; }
const int64_t *pr_view_clock(const pr_market_view *v) { return v ? &v->now : NULL; }

void pr_view_set_portfolio(pr_market_view *v, const pr_portfolio *pf) {
    if (v) v->portfolio = pf;
}
const pr_portfolio *pr_view_portfolio(const pr_market_view *v) { return v ? v->portfolio : NULL; }

int pr_view_funding(const pr_market_view *v, int inst, size_t ago, int64_t *ts, double *rate) {
    if (!v || !v->funding || inst < 0 || (size_t)inst >= v->n) return PR_ENOTFOUND;
    const pr_view_events *e = &v->funding[inst];
    /* the events stamped at or before now: [0, k) */
    size_t a = 0, b = e->n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (e->ts[m] <= v->now) a = m + 1;
        else b = m;
    }
    if (ago >= a) return PR_ENOTFOUND;
    if (ts) *ts = e->ts[a - 1 - ago];
    if (rate) *rate = e->val[a - 1 - ago];
    return PR_OK;
}
