/* The recording side of the strategy checks (check_internal.h): a wrapper
 * strategy that forwards everything to the strategy under test and, after
 * each of its on_bar calls, notes the view's clock, the visible bars, the
 * latest value of every declared indicator and the signals just emitted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_internal.h"

const char *const chk_sig_field[CHK_SIG_FIELDS] = {
    "entry_limit", "entry_stop", "stop", "n_targets", "target_price", "target_frac", "trail_frac",
    "trail_dist", "breakeven_gain", "max_bars", "size_hint", "exit_frac", "confidence"};

typedef struct wrap {
    pr_strategy base;
    pr_strategy *inner;
    chk_rec *rec;
    int started;
} wrap;

static int w_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    wrap *w = (wrap *)s;
    return w->inner->vt->init(w->inner, v, err);
}

/* The indicator's name as the reports show it: "sma(30) close on BTCUSDT 1h". */
static void describe_ind(const pr_market_view *v, const pr_view_ind_info *in, char *buf, size_t cap) {
    char ps[96] = "";
    size_t k = 0;
    for (int i = 0; i < in->n_params && k < sizeof ps; i++) {
        int n = snprintf(ps + k, sizeof ps - k, "%s%.10g", i ? "," : "", in->params[i]);
        if (n < 0) break;
        k += (size_t)n;
    }
    char src[32];
    if (in->of >= 0) snprintf(src, sizeof src, "of #%d", in->of);
    else snprintf(src, sizeof src, "%s", in->source);
    char out[16] = "";
    if (in->output > 0) snprintf(out, sizeof out, "[%d]", in->output);
    const pr_instrument *ins = pr_view_instrument(v, in->inst);
    snprintf(buf, cap, "%s(%s)%s %s on %s %s", in->name, ps, out, src, ins ? ins->symbol : "?", pr_tf_name(in->tf));
}

static int start(wrap *w, const pr_market_view *v, pr_err *err) {
    chk_rec *r = w->rec;
    r->n_ind = pr_view_n_indicators(v);
    r->n_inst = pr_view_n_instruments(v);
    r->ind_what = calloc(r->n_ind + 1, sizeof *r->ind_what);
    r->info = calloc(r->n_ind + 1, sizeof *r->info);
    r->sym = calloc(r->n_inst + 1, sizeof *r->sym);
    if (!r->ind_what || !r->info || !r->sym) return pr_err_set(err, PR_ENOMEM, "check: out of memory");
    for (size_t i = 0; i < r->n_ind; i++) {
        if (pr_view_indicator_info(v, (int)i, &r->info[i]) != PR_OK)
            return pr_err_set(err, PR_ESTATE, "check: indicator %zu of the view cannot be read", i);
        describe_ind(v, &r->info[i], r->ind_what[i], sizeof r->ind_what[i]);
    }
    for (size_t i = 0; i < r->n_inst; i++) {
        const pr_instrument *ins = pr_view_instrument(v, (int)i);
        snprintf(r->sym[i], sizeof r->sym[i], "%s", ins ? ins->symbol : "?");
    }
    w->started = 1;
    return PR_OK;
}

static int grow(chk_rec *r, pr_err *err) {
    size_t nc = r->cap ? r->cap * 2 : 1024;
    int64_t *now = realloc(r->now, nc * sizeof *now);
    if (now) r->now = now;
    double *vals = realloc(r->vals, nc * (r->n_ind ? r->n_ind : 1) * sizeof *vals);
    if (vals) r->vals = vals;
    size_t *lens = realloc(r->lens, nc * (r->n_inst ? r->n_inst : 1) * sizeof *lens);
    if (lens) r->lens = lens;
    size_t *sig0 = realloc(r->sig0, (nc + 1) * sizeof *sig0);
    if (sig0) r->sig0 = sig0;
    if (!now || !vals || !lens || !sig0) return pr_err_set(err, PR_ENOMEM, "check: out of memory");
    r->cap = nc;
    return PR_OK;
}

static int note_signal(chk_rec *r, const pr_signal *g, pr_err *err) {
    if (r->n_sigs == r->cap_sigs) {
        size_t nc = r->cap_sigs ? r->cap_sigs * 2 : 256;
        chk_sig *ns = realloc(r->sigs, nc * sizeof *ns);
        if (!ns) return pr_err_set(err, PR_ENOMEM, "check: out of memory");
        r->sigs = ns;
        r->cap_sigs = nc;
    }
    chk_sig *c = &r->sigs[r->n_sigs++];
    c->kind = (int)g->kind;
    c->inst = g->instrument;
    const double f[CHK_SIG_FIELDS] = {g->entry_limit,    g->entry_stop,  g->stop,          g->n_targets,
                                      g->n_targets ? g->target_price[0] : 0, g->n_targets ? g->target_frac[0] : 0,
                                      g->trail_frac,     g->trail_dist,  g->breakeven_gain, g->max_bars,
                                      g->size_hint,      g->exit_frac,   g->confidence};
    memcpy(c->f, f, sizeof f);
    memcpy(c->tag, g->tag, sizeof c->tag);
    return PR_OK;
}

static int w_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    wrap *w = (wrap *)s;
    chk_rec *r = w->rec;
    size_t n0 = out->n;
    int rc = w->inner->vt->on_bar(w->inner, v, out, err);
    if (rc != PR_OK) return rc;
    if (!w->started && (rc = start(w, v, err)) != PR_OK) return rc;
    if (r->steps == r->cap && (rc = grow(r, err)) != PR_OK) return rc;
    size_t k = r->steps++;
    r->now[k] = pr_view_now(v);
    for (size_t i = 0; i < r->n_ind; i++) r->vals[k * r->n_ind + i] = pr_view_ind(v, (int)i, 0);
    for (size_t i = 0; i < r->n_inst; i++) r->lens[k * r->n_inst + i] = pr_view_len(v, (int)i, PR_TF_NONE);
    r->sig0[k] = r->n_sigs;
    for (size_t j = n0; j < out->n; j++)
        if ((rc = note_signal(r, &out->items[j], err)) != PR_OK) return rc;
    r->sig0[k + 1] = r->n_sigs;
    return PR_OK;
}

static size_t w_describe(const pr_strategy *s, char *buf, size_t cap) {
    const wrap *w = (const wrap *)s;
    return w->inner->vt->describe(w->inner, buf, cap);
}

static size_t w_explain(const pr_strategy *s, char *buf, size_t cap) {
    const wrap *w = (const wrap *)s;
    if (w->inner->vt->explain) return w->inner->vt->explain(w->inner, buf, cap);
    if (cap) buf[0] = 0;
    return 0;
}

static int w_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    wrap *w = (wrap *)s;
    return w->inner->vt->on_event ? w->inner->vt->on_event(w->inner, v, ev, err) : PR_OK;
}

static void w_destroy(pr_strategy *s) {
    wrap *w = (wrap *)s;
    pr_strategy_free(w->inner);
    free(w);
}

static const pr_strategy_vt k_wrap_vt = {.name = "check",
                                         .init = w_init,
                                         .on_bar = w_on_bar,
                                         .describe = w_describe,
                                         .destroy = w_destroy,
                                         .explain = w_explain,
                                         .on_event = w_on_event};

void chk_rec_free(chk_rec *r) {
    if (!r) return;
    free(r->ind_what);
    free(r->info);
    free(r->sym);
    free(r->now);
    free(r->vals);
    free(r->lens);
    free(r->sig0);
    free(r->sigs);
    memset(r, 0, sizeof *r);
}

int chk_run(const pr_backtest_config *cfg, const pr_check_runner *r, chk_rec *rec, pr_err *err) {
    chk_rec_free(rec);
    pr_strategy *inner = NULL;
    int rc = r->strategy(r->ctx, &inner, err);
    if (rc != PR_OK) return rc;
    wrap *w = calloc(1, sizeof *w);
    if (!w) {
        pr_strategy_free(inner);
        return pr_err_set(err, PR_ENOMEM, "check: out of memory");
    }
    w->base.vt = &k_wrap_vt;
    w->inner = inner;
    w->rec = rec;
    pr_pipeline *pipe = NULL;
    void *aux = NULL;
    pr_backtest_result res;
    rc = r->pipeline(r->ctx, &w->base, &pipe, &aux, err);
    if (rc == PR_OK && (rc = pr_backtest_run(cfg, pipe, &res, err)) == PR_OK) pr_backtest_result_free(&res);
    pr_pipeline_free(pipe);
    if (r->release) r->release(r->ctx, aux);
    pr_strategy_free(&w->base);
    return rc;
}
