/* `proratio optimize`'s trials: a worker owns a copy of the configuration
 * and a backtest context; a trial sets the point's values at their keys,
 * reads the settings again (so strategy, sizing and risk parameters are
 * validated exactly as `proratio backtest` validates them), builds the
 * strategy, pipeline and risk stage, runs them over a window of the loaded
 * markets (bars after the window are cut off: nothing later exists for the
 * run) and scores the metrics. Searches run batches of trials on threads;
 * a trial's point depends only on the trials of earlier batches, so the
 * results are the same on any number of threads. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "backtest_confirm.h"
#include "optimize.h"

struct opt_worker {
    const opt_ctx *ctx;
    pr_config *cfg;
    bt_settings *s;
    bt_errors *errs;
    pr_backtest *bt;
    pr_series win[BT_MAX_MARKETS], fine[BT_MAX_MARKETS];
    pr_bt_market mk[BT_MAX_MARKETS];
    /* The annualisation the metrics inferred on a window (the most common
     * bar step and bars a day, over every point): the same for every run
     * over it, so worked out once. 0: not known (or sampled daily). */
    size_t ann_from, ann_to;
    double ann_ppy;
};

int opt_worker_new(const opt_ctx *ctx, opt_worker **out, pr_err *err) {
    opt_worker *w = calloc(1, sizeof *w);
    if (!w) return pr_err_set(err, PR_ENOMEM, "optimize: out of memory");
    w->ctx = ctx;
    int rc = pr_config_parse(ctx->config_text, &w->cfg, err);
    if (rc == PR_OK && (!(w->s = calloc(1, sizeof *w->s)) || !(w->errs = calloc(1, sizeof *w->errs))))
        rc = pr_err_set(err, PR_ENOMEM, "optimize: out of memory");
    if (rc == PR_OK) rc = pr_backtest_new(&w->bt, err);
    if (rc != PR_OK) {
        opt_worker_free(w);
        return rc;
    }
    *out = w;
    return PR_OK;
}

void opt_worker_free(opt_worker *w) {
    if (!w) return;
    pr_backtest_free(w->bt);
    pr_config_free(w->cfg);
    free(w->s);
    free(w->errs);
    free(w);
}

/* The markets cut to the window: market 0's bars [0, to), the others' bars
 * and finer bars before market 0's bar `to` opens. */
static void cut(opt_worker *w, const opt_window *win, pr_backtest_config *bc) {
    const opt_ctx *c = w->ctx;
    const pr_series *b0 = c->mk[0].bars;
    int64_t end = win->to < b0->len ? b0->ts[win->to] : INT64_MAX;
    for (size_t i = 0; i < c->n_markets; i++) {
        w->mk[i] = c->mk[i];
        w->win[i] = *c->mk[i].bars;
        w->win[i].len = end == INT64_MAX ? w->win[i].len : pr_series_lower_bound(&w->win[i], end);
        w->mk[i].bars = &w->win[i];
        if (w->mk[i].checked > w->win[i].len) w->mk[i].checked = w->win[i].len;
        if (c->mk[i].fine) {
            w->fine[i] = *c->mk[i].fine;
            if (end != INT64_MAX) w->fine[i].len = pr_series_lower_bound(&w->fine[i], end);
            w->mk[i].fine = &w->fine[i];
        }
    }
    *bc = (pr_backtest_config){.start_cash = win->cash > 0 ? win->cash : c->s->cash, .n_markets = c->n_markets,
                               .markets = w->mk,
                               .trade_from = win->from < b0->len ? b0->ts[win->from] : PR_TIME_NONE};
    pr_strlcpy(bc->ccy, c->s->ccy, sizeof bc->ccy);
}

static void invalid(opt_trial *t, const char *msg) {
    t->score = -INFINITY;
    t->failed = 1;
    pr_strlcpy(t->why, msg, sizeof t->why);   /* cut to the column's width */
}

/* Strategy, pipeline, risk stage and confirmation stages for the worker's
 * current settings. The stages run as their ta_threshold gate only: a
 * trial asks no model (thousands of trials would), so a search tunes the
 * gate, not the models' answers. conf must outlive the pipeline. */
static int build(opt_worker *w, pr_strategy **st, pr_pipeline **pipe, pr_risk_stage **risk, bt_confirm *conf,
                 pr_err *err) {
    const bt_settings *s = w->s;
    int rc = bt_strategy_create(s->strategy, w->cfg, "strategy.params", st, err);
    if (rc != PR_OK) return rc;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = s->sizing;
    pc.no_short = s->margin.allow_short == 0;
    if ((rc = pr_pipeline_new(&pc, *st, pipe, err)) != PR_OK) return rc;
    if (s->has_risk) {
        pr_sizer sizer;
        if ((rc = pr_risk_stage_new(&s->risk, risk, err)) != PR_OK) return rc;
        pr_risk_stage_sizer(*risk, &sizer);
        pr_pipeline_set_sizer(*pipe, &sizer);
    }
    memset(w->errs, 0, sizeof *w->errs);
    if (bt_confirm_read(w->cfg, conf, w->errs)) return pr_err_set(err, PR_EINVAL, "%s", w->errs->msg[0]);
    bt_stages stages;
    return conf->n ? bt_confirm_attach(conf, NULL, NULL, 1, *pipe, &stages, err) : PR_OK;
}

static void summarise(const opt_settings *o, const pr_metrics *m, opt_trial *t) {
    t->sharpe = m->net.sharpe;
    t->sortino = m->net.sortino;
    t->calmar = m->net.calmar;
    t->ret = m->net.total_return;
    t->cagr = m->net.cagr;
    t->max_dd = m->net.max_drawdown;
    t->pf = m->trades.profit_factor;
    t->expectancy = m->trades.expectancy;
    t->sqn = m->trades.sqn;
    t->trades = m->trades.n_trades;
    for (size_t j = 0; j < o->obj.n; j++) t->value[j] = pr_objective_value(o->obj.obj[j], m, &o->obj);
    const char *why = NULL;
    t->score = pr_objective_score(&o->obj, m, &why);
    if (why) pr_strlcpy(t->why, why, sizeof t->why);
}

size_t opt_daily_returns(const pr_equity_point *eq, size_t n, double start, double *out, size_t stride, size_t cap) {
    size_t k = 0;
    double prev = start;
    for (size_t i = 0; i < n && k < cap; i++) {
        int last = i + 1 == n || eq[i + 1].ts / PR_MS_PER_DAY != eq[i].ts / PR_MS_PER_DAY;
        if (!last) continue;
        out[k++ * stride] = prev > 0 ? eq[i].equity / prev - 1 : 0;
        prev = eq[i].equity;
    }
    return k;
}

size_t opt_window_days(const opt_ctx *c, const opt_window *w) {
    const pr_series *b0 = c->mk[0].bars;
    if (w->from >= b0->len) return 0;
    int64_t t0 = b0->ts[w->from], t1 = w->to < b0->len ? b0->ts[w->to] : INT64_MAX;
    int64_t d0 = t0 / PR_MS_PER_DAY, d1 = (w->to < b0->len ? t1 : b0->ts[b0->len - 1]) / PR_MS_PER_DAY;
    for (size_t i = 1; i < c->n_markets; i++) {   /* the other markets may reach further */
        const pr_series *s = c->mk[i].bars;
        size_t j = pr_series_lower_bound(s, t1);
        if (j > 0 && s->ts[j - 1] / PR_MS_PER_DAY > d1) d1 = s->ts[j - 1] / PR_MS_PER_DAY;
    }
    size_t span = (size_t)(d1 - d0 + 1), days = 0;
    unsigned char *seen = calloc(span, 1);
    if (!seen) return 0;
    for (size_t i = 0; i < c->n_markets; i++) {
        const pr_series *s = c->mk[i].bars;
        for (size_t j = pr_series_lower_bound(s, t0); j < s->len && s->ts[j] < t1; j++) {
            int64_t d = s->ts[j] / PR_MS_PER_DAY - d0;
            if (d >= 0 && (size_t)d < span && !seen[d]) seen[d] = 1, days++;
        }
    }
    free(seen);
    return days;
}

int opt_run_trial(opt_worker *wk, const double *x, const opt_window *win, opt_trial *t, opt_keep *keep,
                  pr_err *err) {
    int want_records = keep && keep->records;
    const opt_ctx *c = wk->ctx;
    const pr_opt_space *sp = &c->o->space;
    memset(t, 0, sizeof *t);
    memcpy(t->x, x, sp->n * sizeof *x);
    t->score = -INFINITY;
    for (size_t j = 0; j < PR_OPT_MAX_OBJECTIVES; j++) t->value[j] = NAN;
    pr_err e;
    pr_err_clear(&e);
    for (size_t d = 0; d < sp->n; d++) {
        char text[64];
        pr_opt_value_text(sp, d, x[d], text, sizeof text);
        if (pr_config_set(wk->cfg, sp->dim[d].path, text, &e) != PR_OK) {
            invalid(t, e.msg);
            return PR_OK;
        }
    }
    memset(wk->errs, 0, sizeof *wk->errs);
    if (bt_settings_read(wk->cfg, wk->s, wk->errs)) {
        invalid(t, wk->errs->msg[0]);
        return PR_OK;
    }
    pr_strategy *st = NULL;
    pr_pipeline *pipe = NULL;
    pr_risk_stage *risk = NULL;
    pr_backtest_result res;
    bt_confirm conf;
    memset(&conf, 0, sizeof conf);
    int has_res = 0, rc = build(wk, &st, &pipe, &risk, &conf, &e);
    pr_backtest_config bc;
    cut(wk, win, &bc);
    if (rc == PR_OK && (rc = pr_backtest_exec(wk->bt, &bc, pipe, &res, &e)) == PR_OK) has_res = 1;
    pr_trade_record *tr = NULL;
    pr_equity_point *eq = NULL;
    size_t n_tr = 0, n_eq = 0;
    if (rc == PR_OK) rc = pr_backtest_records(&bc, &res, &tr, &n_tr, &eq, &n_eq, &e);
    if (rc == PR_OK && n_eq == 0) rc = pr_err_set(&e, PR_EDATA, "the window holds no bar to trade");
    if (rc == PR_OK) {
        pr_metrics_options mo;
        pr_metrics_options_default(&mo);
        mo.periods_per_year = c->s->periods_per_year;
        mo.risk_free = c->s->risk_free;
        mo.start_equity = res.start_cash;
        mo.headline = !want_records;   /* a search trial: the figures it is scored on */
        int cached = !(mo.periods_per_year > 0) && wk->ann_ppy > 0 && wk->ann_from == win->from && wk->ann_to == win->to;
        if (cached) mo.periods_per_year = wk->ann_ppy;
        pr_metrics m;
        if ((rc = pr_metrics_compute(eq, n_eq, tr, n_tr, &mo, &m, &e)) == PR_OK) {
            summarise(c->o, &m, t);
            if (!cached && !(c->s->periods_per_year > 0)) {
                wk->ann_from = win->from;
                wk->ann_to = win->to;
                wk->ann_ppy = m.daily_sampled ? 0 : m.periods_per_year;
            }
            pr_metrics_free(&m);
        }
    }
    if (has_res) pr_backtest_result_free(&res);
    pr_pipeline_free(pipe);
    bt_confirm_free(&conf);
    pr_risk_stage_free(risk);
    pr_strategy_free(st);
    if (rc == PR_ENOMEM) {
        free(tr);
        free(eq);
        return pr_err_set(err, rc, "optimize: out of memory");
    }
    if (rc != PR_OK) invalid(t, e.msg);
    if (keep && keep->daily && rc == PR_OK)
        keep->n_daily = opt_daily_returns(eq, n_eq, bc.start_cash, keep->daily, keep->daily_stride ? keep->daily_stride : 1,
                                      keep->daily_cap);
    if (want_records && rc == PR_OK) {
        keep->eq = eq;
        keep->n_eq = n_eq;
        keep->tr = tr;
        keep->n_tr = n_tr;
        return PR_OK;
    }
    free(tr);
    free(eq);
    return PR_OK;
}

/* ---- searches ---------------------------------------------------------------- */
typedef struct batch {
    opt_worker *w;
    const opt_ctx *ctx;
    const pr_sampler_config *sc;
    const opt_window *win;
    opt_trial *t;
    const pr_opt_done *done;
    opt_returns *ret;
    size_t known;            /* trials the sampler may read               */
    size_t lo, hi;
    size_t *next;            /* shared: the next trial to take            */
    pthread_mutex_t *mu;
    size_t past;             /* out: the first trial past a grid's end    */
    int rc;
    pr_err err;
} batch;

static void *run_batch(void *arg) {
    batch *b = arg;
    b->past = b->hi;
    for (;;) {
        pthread_mutex_lock(b->mu);
        size_t k = (*b->next)++;
        pthread_mutex_unlock(b->mu);
        if (k >= b->hi) break;
        if (b->t[k].stored) continue;   /* read back from the store */
        double x[PR_OPT_MAX_DIMS];
        int rc = pr_sampler_point(b->sc, &b->ctx->o->space, k, b->done, b->known, x, &b->err);
        if (rc == PR_ENOTFOUND) {   /* the grid ended: this and later trials do not exist */
            if (k < b->past) b->past = k;
            continue;
        }
        opt_keep keep = {0};
        if (b->ret && k < b->ret->cols)
            keep = (opt_keep){.daily = b->ret->m + k, .daily_stride = b->ret->cols, .daily_cap = b->ret->rows};
        if (rc == PR_OK) rc = opt_run_trial(b->w, x, b->win, &b->t[k], &keep, &b->err);
        if (rc == PR_OK && b->ret && k < b->ret->cols && keep.n_daily != b->ret->rows && isfinite(b->t[k].score))
            for (size_t d = keep.n_daily; d < b->ret->rows; d++) b->ret->m[d * b->ret->cols + k] = 0;
        if (rc != PR_OK) {
            b->rc = rc;
            break;
        }
    }
    return NULL;
}

int opt_search(opt_worker **workers, int jobs, const opt_ctx *ctx, const pr_sampler_config *sc, const opt_window *w,
               opt_trial *t, size_t *n, opt_returns *ret, opt_batch_fn on_batch, void *user, pr_err *err) {
    size_t total = *n;
    pr_opt_done *done = calloc(total ? total : 1, sizeof *done);
    batch *bs = calloc((size_t)jobs, sizeof *bs);
    pthread_t *th = calloc((size_t)jobs, sizeof *th);
    char *running = calloc((size_t)jobs, 1);
    if (!done || !bs || !th || !running) {
        free(done);
        free(bs);
        free(th);
        free(running);
        return pr_err_set(err, PR_ENOMEM, "optimize: out of memory");
    }
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    size_t step = sc->kind == PR_SAMPLER_TPE ? (sc->batch ? sc->batch : 16) : total;
    int rc = PR_OK, ranks = ctx->mpi && ctx->mpi->on && ctx->mpi->size > 1;
    if (ranks) opt_mpi_share(ctx->mpi, t, total, ret);   /* the trials rank 0 read back */
    for (size_t lo = 0; lo < total && rc == PR_OK; lo += step) {
        size_t hi = lo + step < total ? lo + step : total, next = lo, past = hi;
        if (ranks) {
            opt_mpi_batch mb = {.w = workers[0], .ctx = ctx, .sc = sc, .win = w, .t = t, .done = done, .known = lo,
                                .lo = lo, .hi = hi, .ret = ret};
            rc = opt_mpi_run_batch(ctx->mpi, &mb, &past, err);
            for (size_t k = lo; k < past; k++) done[k] = (pr_opt_done){t[k].x, t[k].score};
            if (past < hi) {
                total = past;
                break;
            }
            if (rc == PR_OK && on_batch) rc = on_batch(user, lo, hi, total, err);
            continue;
        }
        for (int j = 0; j < jobs; j++) {
            bs[j] = (batch){.w = workers[j], .ctx = ctx, .sc = sc, .win = w, .t = t, .done = done, .ret = ret,
                            .known = lo, .lo = lo, .hi = hi, .next = &next, .mu = &mu};
            pr_err_clear(&bs[j].err);
            /* a thread that does not start leaves its share to the others */
            running[j] = j > 0 && pthread_create(&th[j], NULL, run_batch, &bs[j]) == 0;
        }
        run_batch(&bs[0]);
        for (int j = 1; j < jobs; j++)
            if (running[j]) pthread_join(th[j], NULL);
        for (int j = 0; j < jobs; j++) {
            if (bs[j].rc != PR_OK && rc == PR_OK) {
                rc = bs[j].rc;
                *err = bs[j].err;
            }
            if (bs[j].past < past) past = bs[j].past;
        }
        for (size_t k = lo; k < past; k++) done[k] = (pr_opt_done){t[k].x, t[k].score};
        if (past < hi) {   /* a grid with fewer points than trials */
            total = past;
            break;
        }
        if (on_batch && (rc = on_batch(user, lo, hi, total, err)) != PR_OK) break;
    }
    pthread_mutex_destroy(&mu);
    free(done);
    free(bs);
    free(th);
    free(running);
    *n = total;
    return rc;
}
