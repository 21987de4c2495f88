/* The market view: what a strategy may see at a decision time. Decision
 * series are borrowed and exposed only up to their visible length; higher
 * timeframes are resampled here bar by bar as decision bars close, so a
 * forming higher-timeframe bar does not exist anywhere a strategy can read;
 * declared indicators come from the ta table, computed in batch up front
 * (complete series) or bar by bar, both exposing only closed bars. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal.h"
#include "proratio/ta.h"

enum { SRC_CLOSE = 0, SRC_OPEN, SRC_HIGH, SRC_LOW, SRC_VOLUME, SRC_HL2, SRC_HLC3, SRC_OHLC4 };

typedef struct vstream {
    int inst;
    pr_timeframe tf;
    const pr_series *base;   /* decision stream: borrowed series          */
    pr_series agg;           /* higher timeframe: closed bars only        */
    size_t len;              /* visible bars                               */
    int forming;             /* a bucket is being accumulated (invisible) */
    int64_t f_ts;
    double f_o, f_h, f_l, f_c, f_v;
} vstream;

typedef struct vind {
    const double *vals_ro;   /* == vals; read path                            */
    const size_t *lenp;      /* visible length of its stream                   */
    int stream;
    const pr_ta_def *def;
    double params[PR_TA_MAX_PARAMS];
    int output;
    int source;
    int lookback;
    int batch;               /* values precomputed over the whole series  */
    double *vals;
    size_t cap;
    void *state;             /* streaming state                            */
} vind;

struct pr_market_view {
    size_t n;
    pr_instrument *inst;
    const pr_series **series;
    int precompute;
    int prepared;
    int64_t now;
    unsigned char *updated;
    vstream *streams;        /* [0, n) are the decision streams            */
    size_t n_streams, cap_streams;
    vind *inds;
    size_t n_inds, cap_inds;
    size_t warmup;
    size_t history;          /* bars before which the start no longer counts */
    const char *unbounded;   /* an indicator that never forgets its start     */
    pr_allocator alloc;
    size_t n_big;            /* large arrays allocated (their stagger)         */
    int simple;              /* no higher timeframes, no streaming indicators */
    const pr_portfolio *portfolio;   /* the runner's, borrowed (NULL: flat)  */
};

/* Large arrays straight from malloc all start at the same offset within a
 * page, so a bar loop touching several of them at one index keeps hitting
 * the same cache sets; each is shifted by a different number of cache
 * lines, malloc's pointer kept just before it. */
static void *big_alloc(pr_market_view *v, size_t bytes) {
    if (v->alloc.alloc) return v->alloc.alloc(v->alloc.ctx, bytes);
    char *raw = malloc(bytes + 4096);
    if (!raw) return NULL;
    char *p = raw + 64 * (1 + (v->n_big++ * 11) % 61);
    memcpy(p - sizeof raw, &raw, sizeof raw);
    return p;
}

static void big_release(pr_market_view *v, void *p) {
    if (!p) return;
    if (v->alloc.release) {
        v->alloc.release(v->alloc.ctx, p);
        return;
    }
    char *raw;
    memcpy(&raw, (char *)p - sizeof raw, sizeof raw);
    free(raw);
}

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
    if (cfg->alloc && cfg->alloc->alloc && cfg->alloc->release) v->alloc = *cfg->alloc;
    v->now = PR_TIME_NONE;
    *out = v;
    return PR_OK;
}

void pr_view_free(pr_market_view *v) {
    if (!v) return;
    for (size_t k = 0; k < v->n_inds; k++) {
        vind *d = &v->inds[k];
        if (d->state && d->def && d->def->stream_free) d->def->stream_free(d->state);
        if (d->batch) big_release(v, d->vals);
        else free(d->vals);
    }
    for (size_t k = 0; k < v->n_streams; k++)
        if (!v->streams[k].base) pr_series_free(&v->streams[k].agg);
    free(v->inds);
    free(v->streams);
    free(v->updated);
    free(v->series);
    free(v->inst);
    free(v);
}

/* Stream of (inst, tf); -1 when not declared. */
static int find_stream(const pr_market_view *v, int inst, pr_timeframe tf) {
    if (inst < 0 || (size_t)inst >= v->n) return -1;
    if (tf == PR_TF_NONE || tf == v->streams[inst].tf) return inst;
    for (size_t k = v->n; k < v->n_streams; k++)
        if (v->streams[k].inst == inst && v->streams[k].tf == tf) return (int)k;
    return -1;
}

int pr_view_require_tf(pr_market_view *v, int inst, pr_timeframe tf, pr_err *err) {
    if (!v || inst < 0 || (size_t)inst >= v->n)
        return pr_err_set(err, PR_EINVAL, "view: no instrument %d", inst);
    if (v->prepared) return pr_err_set(err, PR_ESTATE, "view: declarations must precede the run");
    if (find_stream(v, inst, tf) >= 0) return PR_OK;
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

int pr_view_require_indicator(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                              const double *params, int n_params, int output,
                              const char *source, int *handle, pr_err *err) {
    if (!v || !name || !handle) return pr_err_set(err, PR_EINVAL, "view: NULL argument");
    if (v->prepared) return pr_err_set(err, PR_ESTATE, "view: declarations must precede the run");
    int rc;
    if (tf != PR_TF_NONE && (rc = pr_view_require_tf(v, inst, tf, err)) != 0) return rc;
    int si = find_stream(v, inst, tf);
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

int pr_view_prepare(pr_market_view *v, pr_err *err) {
    if (!v) return pr_err_set(err, PR_EINVAL, "view: NULL");
    if (v->prepared) return PR_OK;
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
    v->simple = v->n_streams == v->n;
    for (size_t k = 0; k < v->n_inds; k++)
        if (!v->inds[k].batch) v->simple = 0;
    v->prepared = 1;
    return PR_OK;
}

/* Streaming update of indicators on stream si for its newest visible bar. */
static int stream_inds(pr_market_view *v, int si, pr_err *err) {
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

static int close_bucket(pr_market_view *v, int si, pr_err *err) {
    vstream *st = &v->streams[si];
    if (pr_series_push(&st->agg, st->f_ts, st->f_o, st->f_h, st->f_l, st->f_c, st->f_v) != 0)
        return pr_err_set(err, PR_ENOMEM, "view: out of memory");
    st->forming = 0;
    st->len = st->agg.len;
    return v->n_inds ? stream_inds(v, si, err) : PR_OK;
}

/* A step with higher timeframes or streaming indicators. Out of line so
 * that the simple step (every step of a backtest on precomputed indicators)
 * does not pay for this one's frame and saved registers. */
__attribute__((noinline)) static int step_full(pr_market_view *v, int64_t now, const unsigned char *closed,
                                               pr_err *err) {
    int rc;
    for (size_t i = 0; i < v->n; i++) {
        unsigned char c = closed ? closed[i] : 0;
        v->updated[i] = c;
        if (!c) continue;
        vstream *st = &v->streams[i];
        if (st->len >= st->base->len)
            return pr_err_set(err, PR_ESTATE, "view: %s has no bar %zu", v->inst[i].symbol, st->len);
        st->len++;
        if (v->n_inds && (rc = stream_inds(v, (int)i, err)) != 0) return rc;
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

int pr_view_step(pr_market_view *v, int64_t now, const unsigned char *closed, pr_err *err) {
    if (!v->prepared) return pr_err_set(err, PR_ESTATE, "view: pr_view_prepare not called");
    v->now = now;
    if (!v->simple) return step_full(v, now, closed, err);
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
    int si = find_stream(v, inst, tf);
    return si < 0 ? 0 : v->streams[si].len;
}

int pr_view_bar_at(const pr_market_view *v, int inst, pr_timeframe tf, size_t i, pr_bar *out) {
    int si = find_stream(v, inst, tf);
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

double pr_view_close(const pr_market_view *v, int inst, size_t ago) {
    if (inst < 0 || (size_t)inst >= v->n) return NAN;
    const vstream *st = &v->streams[inst];
    return ago < st->len ? st->base->close[st->len - 1 - ago] : NAN;
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

const unsigned char *pr_view_updated_flags(const pr_market_view *v) { return v ? v->updated : NULL; }
void pr_view_set_portfolio(pr_market_view *v, const pr_portfolio *pf) {
    if (v) v->portfolio = pf;
}
const pr_portfolio *pr_view_portfolio(const pr_market_view *v) { return v ? v->portfolio : NULL; }
