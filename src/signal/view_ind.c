/* The market view's indicator cache: indicators declared from the ta table
 * are computed once per (instrument, timeframe, parameters) handle, in batch
 * over a complete decision series (backtest) or bar by bar as bars become
 * visible (higher timeframes, live); both give identical values and both
 * are read only up to the stream's visible length. */
#include <math.h>
#include <stdio.h>
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

static const char *const k_src_names[] = {"close", "open", "high", "low", "volume", "hl2", "hlc3", "ohlc4"};

static int source_index(const char *s, size_t n) {
    for (int i = 0; i < (int)(sizeof k_src_names / sizeof k_src_names[0]); i++)
        if (strlen(k_src_names[i]) == n && strncmp(s, k_src_names[i], n) == 0) return i;
    return -1;
}

/* "close", or "close,volume" for real0 and real1 (real1 "low" when not given,
 * what every one-input function ignores). */
static int parse_source(const char *s, int *out, int *out2) {
    *out = SRC_CLOSE;
    *out2 = SRC_LOW;
    if (!s || !s[0]) return 0;
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    if ((*out = source_index(s, n)) < 0) return -1;
    if (comma && (*out2 = source_index(comma + 1, strlen(comma + 1))) < 0) return -1;
    return 0;
}

static void *big_alloc(pr_market_view *v, size_t bytes) { return v->alloc.alloc(v->alloc.ctx, bytes); }

static void big_release(pr_market_view *v, void *p) {
    if (p) v->alloc.release(v->alloc.ctx, p);
}

/* Declares an indicator fed by bar fields (src, src2) or by indicator `of`. */
static int require(pr_market_view *v, int inst, pr_timeframe tf, const char *name, const double *params,
                   int n_params, int output, int src, int src2, int of, int *handle, pr_err *err) {
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
    if (of >= 0 && ((size_t)of >= v->n_inds || v->inds[of].stream != si))
        return pr_err_set(err, PR_EINVAL, "view: %s over indicator %d: not one of this instrument and timeframe", name,
                          of);
    double full[PR_TA_MAX_PARAMS] = {0};
    if ((rc = pr_ta_check_params(def, params, n_params, full, err)) != 0) return rc;
    int lb = 0;
    if ((rc = def->lookback(full, &lb)) != 0) return pr_err_set(err, rc, "view: %s: bad parameters", name);
    if (of >= 0) lb += v->inds[of].lookback;
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
    d->source2 = src2;
    d->src_ind = of;
    d->lookback = lb;
    *handle = (int)v->n_inds++;
    /* History needed, counted in decision bars. */
    int64_t ratio = pr_tf_ms(v->streams[si].tf) / pr_tf_ms(v->streams[inst].tf);
    size_t per = (size_t)(ratio > 0 ? ratio : 1);
    pr_view_require_warmup(v, (size_t)(lb + 1) * per);
    size_t mem = 0;
    int bounded = 1;
    if (pr_ta_memory(def, full, PR_TA_SEED_TOL, &mem, &bounded) == 0) {
        if (of >= 0) mem += (size_t)v->inds[of].lookback;   /* what the inner one needs before its first value */
        size_t h = mem >= SIZE_MAX / per - 1 ? SIZE_MAX : (mem + 1) * per;
        if (h > v->history) v->history = h;
        if (!bounded && !v->unbounded) v->unbounded = def->name;
    }
    return PR_OK;
}

int pr_view_require_indicator(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                              const double *params, int n_params, int output,
                              const char *source, int *handle, pr_err *err) {
    int src, src2;
    if (parse_source(source, &src, &src2) != 0) return pr_err_set(err, PR_EINVAL, "view: unknown source '%s'", source);
    return require(v, inst, tf, name, params, n_params, output, src, src2, -1, handle, err);
}

int pr_view_require_indicator_of(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                                 const double *params, int n_params, int output, int of, int *handle,
                                 pr_err *err) {
    if (of < 0) return pr_err_set(err, PR_EINVAL, "view: %s over no indicator", name ? name : "?");
    return require(v, inst, tf, name, params, n_params, output, SRC_CLOSE, SRC_LOW, of, handle, err);
}

_Static_assert(sizeof(((pr_view_ind_info *)0)->params) == PR_TA_MAX_PARAMS * sizeof(double),
               "pr_view_ind_info.params must hold PR_TA_MAX_PARAMS");

size_t pr_view_n_indicators(const pr_market_view *v) { return v ? v->n_inds : 0; }

int pr_view_indicator_info(const pr_market_view *v, int handle, pr_view_ind_info *out) {
    if (!v || !out || handle < 0 || (size_t)handle >= v->n_inds) return PR_EINVAL;
    const vind *d = &v->inds[handle];
    memset(out, 0, sizeof *out);
    out->inst = v->streams[d->stream].inst;
    out->tf = v->streams[d->stream].tf;
    out->name = d->def->name;
    out->n_params = d->def->n_params;
    memcpy(out->params, d->params, sizeof out->params);
    out->output = d->output;
    out->of = d->src_ind;
    if (d->src_ind < 0) {
        /* real1 is "low" unless given: only a two-input function reads it */
        if (d->source2 != SRC_LOW)
            snprintf(out->source, sizeof out->source, "%s,%s", k_src_names[d->source], k_src_names[d->source2]);
        else
            snprintf(out->source, sizeof out->source, "%s", k_src_names[d->source]);
    }
    return PR_OK;
}

/* A bar field over the whole series: the series' own column, or one built
 * into *tmp (freed by the caller). */
static const double *field_column(const pr_series *s, int src, double **tmp) {
    switch (src) {
    case SRC_CLOSE: return s->close;
    case SRC_OPEN: return s->open;
    case SRC_HIGH: return s->high;
    case SRC_LOW: return s->low;
    case SRC_VOLUME: return s->volume;
    default: break;
    }
    size_t n = s->len;
    if (!(*tmp = malloc((n ? n : 1) * sizeof(double)))) return NULL;
    for (size_t i = 0; i < n; i++) (*tmp)[i] = src_value(src, s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i]);
    return *tmp;
}

static int batch_compute(pr_market_view *v, vind *d, pr_err *err) {
    const pr_series *s = v->streams[d->stream].base;
    size_t n = s->len;
    int rc = PR_OK;
    double *outs[PR_TA_MAX_OUTPUTS] = {0};
    double *tmp0 = NULL, *tmp1 = NULL;
    for (int k = 0; k < d->def->n_outputs; k++) {
        outs[k] = big_alloc(v, (n ? n : 1) * sizeof(double));
        if (!outs[k]) { rc = pr_err_set(err, PR_ENOMEM, "view: out of memory"); goto done; }
    }
    const double *real0, *real1 = field_column(s, d->source2, &tmp1);
    size_t from = 0;   /* over another indicator: from its first value */
    if (d->src_ind >= 0) {
        real0 = v->inds[d->src_ind].vals;
        while (from < n && isnan(real0[from])) from++;
    } else {
        real0 = field_column(s, d->source, &tmp0);
    }
    if (!real0 || !real1) { rc = pr_err_set(err, PR_ENOMEM, "view: out of memory"); goto done; }
    for (int k = 0; k < d->def->n_outputs; k++)
        for (size_t i = 0; i < from; i++) outs[k][i] = NAN;
    pr_ta_input in = {.n = n - from, .ts = s->ts + from, .open = s->open + from, .high = s->high + from,
                      .low = s->low + from, .close = s->close + from, .volume = s->volume + from,
                      .real0 = real0 + from, .real1 = real1 + from};
    double *at[PR_TA_MAX_OUTPUTS] = {0};
    for (int k = 0; k < d->def->n_outputs; k++) at[k] = outs[k] + from;
    if (n > from && (rc = d->def->run(&in, d->params, at)) != 0) {
        rc = pr_err_set(err, rc, "view: computing %s failed", d->def->name);
        goto done;
    }
    d->vals = outs[d->output];
    d->cap = n;
    outs[d->output] = NULL;
    d->batch = 1;
done:
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) big_release(v, outs[k]);
    free(tmp0);
    free(tmp1);
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
        if (d->src_ind >= 0) {
            /* declared after its source, so updated after it in this loop */
            b.real0 = v->inds[d->src_ind].vals[i];
            if (!d->started && isnan(b.real0)) {
                d->vals[i] = NAN;
                continue;
            }
            d->started = 1;
        } else {
            b.real0 = src_value(d->source, b.open, b.high, b.low, b.close, b.volume);
        }
        b.real1 = src_value(d->source2, b.open, b.high, b.low, b.close, b.volume);
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
