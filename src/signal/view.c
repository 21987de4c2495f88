/* The market view: what a strategy may see at a decision time, and the data
 * engine every consumer shares (strategies, ML features, the backtest loop
 * and a live runner). This file builds it, takes the declarations (higher
 * timeframes, warm-up; indicators in view_ind.c) and advances it one
 * decision step at a time. Decision series are borrowed and exposed only up
 * to their visible length; higher timeframes are resampled bar by bar as
 * decision bars close (view_tf.c), so a forming higher-timeframe bar does
 * not exist anywhere a strategy can read; declared indicators are computed
 * once, in batch up front (complete series) or bar by bar, both exposing
 * only closed bars (view_ind.c). Reads are in view_read.c. */
#include <stdlib.h>
#include <string.h>
#include "view_internal.h"

int pr_view_new(const pr_view_config *cfg, pr_market_view **out, pr_err *err) {
    if (!cfg || !out || cfg->n_instruments == 0 || !cfg->instruments || !cfg->series)
        return pr_err_set(err, PR_EINVAL, "pr_view_new: need at least one instrument with a series");
    *out = NULL;
    for (size_t i = 0; i < cfg->n_instruments; i++) {
        const pr_series *s = cfg->series[i];
        if (!s) return pr_err_set(err, PR_EINVAL, "view: instrument %zu has no series", i);
        if (s->tf <= PR_TF_NONE || s->tf >= PR_TF_COUNT)
            return pr_err_set(err, PR_EINVAL, "view: series of instrument %zu (%s) has no timeframe", i,
                              cfg->instruments[i].symbol);
    }
    pr_market_view *v = calloc(1, sizeof *v);
    if (!v) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
    v->n = cfg->n_instruments;
    v->inst = calloc(v->n, sizeof *v->inst);
    v->series = calloc(v->n, sizeof *v->series);
    v->updated = calloc(v->n, 1);
    v->cap_streams = v->n + 4;
    v->streams = calloc(v->cap_streams, sizeof *v->streams);
    if (!v->inst || !v->series || !v->updated || !v->streams) {
        pr_view_free(v);
        return pr_err_set(err, PR_ENOMEM, "view: out of memory");
    }
    for (size_t i = 0; i < v->n; i++) {
        v->inst[i] = cfg->instruments[i];
        v->series[i] = cfg->series[i];
        vstream *st = &v->streams[i];
        st->inst = (int)i;
        st->tf = cfg->series[i]->tf;
        st->base = cfg->series[i];
    }
    v->n_streams = v->n;
    v->precompute = cfg->precompute;
    if (cfg->funding) {
        if (!(v->funding = calloc(v->n, sizeof *v->funding))) {
            pr_view_free(v);
            return pr_err_set(err, PR_ENOMEM, "view: out of memory");
        }
        memcpy(v->funding, cfg->funding, v->n * sizeof *v->funding);
    }
    if (cfg->alloc && cfg->alloc->alloc && cfg->alloc->release) {
        v->alloc = *cfg->alloc;
    } else {
        /* No runner's pool: one of the view's own that frees on release. */
        int rc = pr_pool_new(0, &v->own_pool, err);
        if (rc != 0) {
            pr_view_free(v);
            return rc;
        }
        v->alloc = pr_pool_allocator(v->own_pool);
    }
    v->now = PR_TIME_NONE;
    *out = v;
    return PR_OK;
}

void pr_view_free(pr_market_view *v) {
    if (!v) return;
    view_inds_free(v);
    for (size_t k = 0; k < v->n_streams; k++)
        if (!v->streams[k].base) pr_series_free(&v->streams[k].agg);
    free(v->streams);
    free(v->updated);
    free(v->series);
    free(v->inst);
    free(v->funding);
    pr_pool_free(v->own_pool);
    free(v);
}

int pr_view_require_tf(pr_market_view *v, int inst, pr_timeframe tf, pr_err *err) {
    if (!v || inst < 0 || (size_t)inst >= v->n)
        return pr_err_set(err, PR_EINVAL, "view: no instrument %d", inst);
    if (v->prepared) return pr_err_set(err, PR_ESTATE, "view: declarations must precede the run");
    if (view_find_stream(v, inst, tf) >= 0) return PR_OK;
    pr_timeframe base = v->streams[inst].tf;
    if (!pr_tf_divides(base, tf))
        return pr_err_set(err, PR_EINVAL, "view: timeframe %s is not a whole multiple of %s (%s)",
                          pr_tf_name(tf), pr_tf_name(base), v->inst[inst].symbol);
    if (v->n_streams == v->cap_streams) {
        size_t nc = v->cap_streams * 2;
        vstream *ns = realloc(v->streams, nc * sizeof *ns);
        if (!ns) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
        v->streams = ns;
        v->cap_streams = nc;
    }
    vstream *st = &v->streams[v->n_streams];
    memset(st, 0, sizeof *st);
    st->inst = inst;
    st->tf = tf;
    int64_t ratio = pr_tf_ms(tf) / pr_tf_ms(base);
    size_t cap = v->series[inst]->len / (size_t)(ratio > 0 ? ratio : 1) + 4;
    if (pr_series_init(&st->agg, cap) != 0) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
    st->agg.tf = tf;
    pr_strlcpy(st->agg.symbol, v->inst[inst].symbol, sizeof st->agg.symbol);
    v->n_streams++;
    return PR_OK;
}

void pr_view_require_warmup(pr_market_view *v, size_t bars) {
    if (v && bars > v->warmup) v->warmup = bars;
}

int pr_view_prepare(pr_market_view *v, pr_err *err) {
    if (!v) return pr_err_set(err, PR_EINVAL, "view: NULL");
    if (v->prepared) return PR_OK;
    int rc = view_inds_prepare(v, err);
    if (rc != 0) return rc;
    v->simple = v->n_streams == v->n;
    for (size_t k = 0; k < v->n_inds; k++)
        if (!v->inds[k].batch) v->simple = 0;
    v->prepared = 1;
    v->steps = 0;
    return PR_OK;
}

PR_HOT int pr_view_step(pr_market_view *v, int64_t now, const unsigned char *closed, pr_err *err) {
    if (!v->prepared) return pr_err_set(err, PR_ESTATE, "view: pr_view_prepare not called");
    v->now = now;
    v->steps++;
    if (!v->simple) return view_step_full(v, now, closed, err);
    /* Decision series only, indicators precomputed: every step of a
     * backtest that declared no higher timeframe. */
    for (size_t i = 0; i < v->n; i++) {
        unsigned char c = closed ? closed[i] : 0;
        v->updated[i] = c;
        if (!c) continue;
        if (v->streams[i].len >= v->streams[i].base->len)
            return pr_err_set(err, PR_ESTATE, "view: %s has no bar %zu", v->inst[i].symbol, v->streams[i].len);
        v->streams[i].len++;
    }
    return PR_OK;
}
