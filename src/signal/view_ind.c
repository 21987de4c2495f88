/* The market view's indicator cache: indicators declared from the ta table
 * are computed once per (instrument, timeframe, parameters) handle, in batch
 * over a complete decision series (backtest) or bar by bar as bars become
 * visible (higher timeframes, live); both give identical values and both
 * are read only up to the stream's visible length. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "view_internal.h"

enum { SRC_CLOSE = 0, SRC_OPEN, SRC_HIGH, SRC_LOW, SRC_VOLUME, SRC_HL2, SRC_HLC3, SRC_OHLC4 };

static double src_value(int src, double o, double h, double l, double c, double v) {
    switch (src) {
    case SRC_OPEN: return o;
    case SRC_HIGH: return h;
    case SRC_LOW: return l;
    case SRC_VOLUME: return v;
    case SRC_HL2: return (h + l) / 2.0;
    case SRC_HLC3: return (h + l + c) / 3.0;
    case SRC_OHLC4: return (o + h + l + c) / 4.0;
    default: return c;
    }
}

static int parse_source(const char *s, int *out) {
    static const char *const names[] = {"close", "open", "high", "low", "volume", "hl2", "hlc3", "ohlc4"};
    if (!s || !s[0]) { *out = SRC_CLOSE; return 0; }
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(s, names[i]) == 0) { *out = i; return 0; }
    return -1;
}

static void *big_alloc(pr_market_view *v, size_t bytes) { return v->alloc.alloc(v->alloc.ctx, bytes); }

static void big_release(pr_market_view *v, void *p) {
    if (p) v->alloc.release(v->alloc.ctx, p);
}

int pr_view_require_indicator(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                              const double *params, int n_params, int output,
                              const char *source, int *handle, pr_err *err) {
    if (!v || !name || !handle) return pr_err_set(err, PR_EINVAL, "view: NULL argument");
    if (v->prepared) return pr_err_set(err, PR_ESTATE, "view: declarations must precede the run");
    int rc;
    if (tf != PR_TF_NONE && (rc = pr_view_require_tf(v, inst, tf, err)) != 0) return rc;
    int si = view_find_stream(v, inst, tf);
    if (si < 0) return pr_err_set(err, PR_EINVAL, "view: no instrument %d", inst);
    const pr_ta_def *def = NULL;
    if (pr_ta_find(name, &def) != 0) return pr_err_set(err, PR_ENOTFOUND, "view: unknown indicator '%s'", name);
    if (output < 0 || output >= def->n_outputs)
        return pr_err_set(err, PR_EINVAL, "view: %s has no output %d", name, output);
    if (!def->run || !def->stream_new || !def->stream_update || !def->lookback)
        return pr_err_set(err, PR_EUNSUPPORTED, "view: indicator %s lacks a batch or streaming form", name);
    int src;
    if (parse_source(source, &src) != 0) return pr_err_set(err, PR_EINVAL, "view: unknown source '%s'", source);
    double full[PR_TA_MAX_PARAMS] = {0};
    if ((rc = pr_ta_check_params(def, params, n_params, full, err)) != 0) return rc;
    int lb = 0;
    if ((rc = def->lookback(full, &lb)) != 0) return pr_err_set(err, rc, "view: %s: bad parameters", name);
    if (v->n_inds == v->cap_inds) {
        size_t nc = v->cap_inds ? v->cap_inds * 2 : 8;
        vind *ni = realloc(v->inds, nc * sizeof *ni);
        if (!ni) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
        v->inds = ni;
        v->cap_inds = nc;
    }
    vind *d = &v->inds[v->n_inds];
    memset(d, 0, sizeof *d);
    d->stream = si;
    d->def = def;
    memcpy(d->params, full, sizeof full);
    d->output = output;
    d->source = src;
    d->lookback = lb;
    *handle = (int)v->n_inds++;
    /* History needed, counted in decision bars. */
    int64_t ratio = pr_tf_ms(v->streams[si].tf) / pr_tf_ms(v->streams[inst].tf);
    size_t per = (size_t)(ratio > 0 ? ratio : 1);
    pr_view_require_warmup(v, (size_t)(lb + 1) * per);
    size_t mem = 0;
    int bounded = 1;
    if (pr_ta_memory(def, full, PR_TA_SEED_TOL, &mem, &bounded) == 0) {
        size_t h = mem >= SIZE_MAX / per - 1 ? SIZE_MAX : (mem + 1) * per;
        if (h > v->history) v->history = h;
        if (!bounded && !v->unbounded) v->unbounded = def->name;
    }
    return PR_OK;
}

static int batch_compute(pr_market_view *v, vind *d, pr_err *err) {
    const pr_series *s = v->streams[d->stream].base;
    size_t n = s->len;
    int rc = PR_OK;
    double *outs[PR_TA_MAX_OUTPUTS] = {0};
    double *src = NULL;
    for (int k = 0; k < d->def->n_outputs; k++) {
        outs[k] = big_alloc(v, (n ? n : 1) * sizeof(double));
        if (!outs[k]) { rc = pr_err_set(err, PR_ENOMEM, "view: out of memory"); goto done; }
    }
    const double *real0 = s->close;
    if (d->source != SRC_CLOSE) {
        src = malloc((n ? n : 1) * sizeof(double));
        if (!src) { rc = pr_err_set(err, PR_ENOMEM, "view: out of memory"); goto done; }
        for (size_t i = 0; i < n; i++)
            src[i] = src_value(d->source, s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i]);
        real0 = src;
    }
    pr_ta_input in = {.n = n, .ts = s->ts, .open = s->open, .high = s->high, .low = s->low,
                      .close = s->close, .volume = s->volume, .real0 = real0, .real1 = s->low};
    if (n > 0 && (rc = d->def->run(&in, d->params, outs)) != 0) {
        rc = pr_err_set(err, rc, "view: computing %s failed", d->def->name);
        goto done;
    }
    d->vals = outs[d->output];
    d->cap = n;
    outs[d->output] = NULL;
    d->batch = 1;
done:
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) big_release(v, outs[k]);
    free(src);
    return rc;
}

int view_inds_prepare(pr_market_view *v, pr_err *err) {
    for (size_t k = 0; k < v->n_inds; k++) {
        vind *d = &v->inds[k];
        vstream *st = &v->streams[d->stream];
        int rc;
        if (st->base && v->precompute) {
            if ((rc = batch_compute(v, d, err)) != 0) return rc;
        } else {
            if ((rc = d->def->stream_new(d->params, &d->state)) != 0)
                return pr_err_set(err, rc, "view: starting %s failed", d->def->name);
            size_t cap = st->base ? st->base->cap + 1 : st->agg.cap + 1;
            d->vals = malloc(cap * sizeof(double));
            if (!d->vals) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
            d->cap = cap;
        }
    }
    /* Read paths point straight at the values and the stream's length (the
     * stream array no longer moves once prepared). */
    for (size_t k = 0; k < v->n_inds; k++) {
        v->inds[k].vals_ro = v->inds[k].vals;
        v->inds[k].lenp = &v->streams[v->inds[k].stream].len;
    }
    return PR_OK;
}

int view_inds_update(pr_market_view *v, int si, pr_err *err) {
    vstream *st = &v->streams[si];
    size_t i = st->len - 1;
    const pr_series *s = st->base ? st->base : &st->agg;
    for (size_t k = 0; k < v->n_inds; k++) {
        vind *d = &v->inds[k];
        if (d->stream != si || d->batch) continue;
        if (i >= d->cap) {
            size_t nc = d->cap * 2 + 16;
            double *nv = realloc(d->vals, nc * sizeof *nv);
            if (!nv) return pr_err_set(err, PR_ENOMEM, "view: out of memory");
            d->vals = nv;
            d->vals_ro = nv;
            d->cap = nc;
        }
        pr_ta_bar b = {.ts = s->ts[i], .open = s->open[i], .high = s->high[i], .low = s->low[i],
                       .close = s->close[i], .volume = s->volume[i]};
        b.real0 = src_value(d->source, b.open, b.high, b.low, b.close, b.volume);
        b.real1 = b.low;
        double out[PR_TA_MAX_OUTPUTS];
        int rc = d->def->stream_update(d->state, &b, out);
        if (rc != 0) return pr_err_set(err, rc, "view: updating %s failed", d->def->name);
        d->vals[i] = out[d->output];
    }
    return PR_OK;
}

void view_inds_free(pr_market_view *v) {
    for (size_t k = 0; k < v->n_inds; k++) {
        vind *d = &v->inds[k];
        if (d->state && d->def && d->def->stream_free) d->def->stream_free(d->state);
        if (d->batch) big_release(v, d->vals);
        else free(d->vals);
    }
    free(v->inds);
}

double pr_view_ind(const pr_market_view *v, int handle, size_t ago) {
    if ((unsigned)handle >= v->n_inds || !v->prepared) return NAN;
    const vind *d = &v->inds[handle];
    size_t len = *d->lenp;
    return ago < len ? d->vals_ro[len - 1 - ago] : NAN;
}

int pr_view_ind_ref_get(const pr_market_view *v, int handle, pr_view_ind_ref *out) {
    if (!v || !out || handle < 0 || (size_t)handle >= v->n_inds) return PR_EINVAL;
    if (!v->prepared) return PR_ESTATE;
    /* Both fields stay put once prepared: declarations (which grow the
     * indicator and stream arrays) are refused from then on. */
    out->vals = &v->inds[handle].vals_ro;
    out->len = v->inds[handle].lenp;
    return PR_OK;
}
