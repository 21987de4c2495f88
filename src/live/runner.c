/* The runner: takes closed bars from a feed, groups those closing at the
 * same time into one decision step, and at each step does what the
 * backtest loop does at its steps, in the same order: the bars go to the
 * broker first (orders from earlier steps fill now, at this bar's open or
 * inside it), then the market view advances (it shows bars up to this
 * close only), the account is recorded, and the decision pipeline decides
 * (its orders fill no earlier than the next bar). Nothing here decides a
 * trade: the pipeline is the backtest's, with its stages and sizer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proratio/live.h"

#define N_CURVES 7

/* A market's finer bars not yet used: bars[head, n). */
typedef struct fine_buf {
    pr_bar *bars;
    size_t head, n, cap;
    int64_t ms;              /* their length                                  */
    int64_t last_ts;         /* open of the last one taken (PR_TIME_NONE)     */
} fine_buf;

struct pr_runner {
    size_t n;
    pr_runner_market *mk;
    pr_series *series;           /* decision bars received, one per market     */
    const pr_series **sp;
    pr_market_view *v;
    pr_broker *b;
    pr_pipeline *pipe;
    int warm;                    /* trade_from is set                           */
    int64_t trade_from;
    int64_t finest;              /* shortest bar length, months aside           */
    int64_t step_wait_ms;
    int64_t scan_ms;             /* 0: decide at every step                     */
    int decided_once;            /* a traded step was decided                   */
    int (*on_step)(void *user, pr_runner *r, int64_t close, pr_err *err);
    int (*on_tick)(void *user, pr_runner *r, pr_err *err);
    void *on_step_user;
    double start_cash;
    char ccy[16];
    /* The step being received. */
    int64_t now;                 /* its close time; PR_TIME_NONE: none          */
    int64_t since;               /* wall clock when its first bar came          */
    unsigned char *closed;       /* market i has a bar in it                    */
    pr_bar *pend;
    fine_buf *fine;              /* per market (ms 0: none)                      */
    pr_bar *scratch;             /* a decision bar's finer bars                  */
    size_t max_fine;
    int64_t *last_ts;            /* open time of market i's last bar taken       */
    /* The equity curve, one point per traded step. */
    size_t n_steps, cap_steps;
    int64_t *c_ts;
    double *c[N_CURVES - 1];     /* equity, balance, exposure, costs, cash, margin */
    pr_runner_stats st;
};

void pr_runner_free(pr_runner *r) {
    if (!r) return;
    pr_pipeline_end(r->pipe, r->b);
    pr_view_free(r->v);
    pr_broker_free(r->b);
    for (size_t i = 0; r->series && i < r->n; i++) pr_series_free(&r->series[i]);
    free(r->series);
    free(r->sp);
    free(r->mk);
    free(r->closed);
    free(r->pend);
    for (size_t i = 0; r->fine && i < r->n; i++) free(r->fine[i].bars);
    free(r->fine);
    free(r->scratch);
    free(r->last_ts);
    free(r->c_ts);
    for (int k = 0; k < N_CURVES - 1; k++) free(r->c[k]);
    free(r);
}

/* The symbol the feed's events name market m by. */
static const char *feed_name(const pr_runner_market *m) {
    return m->feed_symbol[0] ? m->feed_symbol : m->spec.inst.symbol;
}

static int check_config(const pr_runner_config *cfg, pr_err *err) {
    if (!cfg || cfg->n_markets == 0 || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "runner: need at least one market");
    if (cfg->scan_ms < 0) return pr_err_set(err, PR_EINVAL, "runner: negative scan interval");
    for (size_t i = 0; i < cfg->n_markets; i++) {
        const pr_runner_market *m = &cfg->markets[i];
        if (m->tf <= PR_TF_NONE || m->tf >= PR_TF_COUNT)
            return pr_err_set(err, PR_EINVAL, "runner: market %zu (%s) has no timeframe", i, m->spec.inst.symbol);
        if (m->fine_tf != PR_TF_NONE &&
            (m->fine_tf < PR_TF_NONE || m->fine_tf >= PR_TF_COUNT || m->fine_tf == PR_TF_1MO ||
             m->fine_tf == m->tf || !pr_tf_divides(m->fine_tf, m->tf)))
            return pr_err_set(err, PR_EINVAL, "runner: %s finer bars (%s) do not divide %s", m->spec.inst.symbol,
                              pr_tf_name(m->fine_tf), pr_tf_name(m->tf));
        /* Feed events name their stream by symbol and timeframe only. */
        for (size_t j = 0; j < i; j++)
            if (cfg->markets[j].tf == m->tf && strcasecmp(feed_name(&cfg->markets[j]), feed_name(m)) == 0)
                return pr_err_set(err, PR_EINVAL, "runner: %s %s is traded twice; a feed could not tell the two "
                                  "apart", m->spec.inst.symbol, pr_tf_name(m->tf));
    }
    return PR_OK;
}

static int setup(pr_runner *r, const pr_runner_config *cfg, pr_err *err) {
    size_t n = r->n;
    r->mk = calloc(n, sizeof *r->mk);
    r->series = calloc(n, sizeof *r->series);
    r->sp = calloc(n, sizeof *r->sp);
    r->closed = calloc(n, 1);
    r->pend = calloc(n, sizeof *r->pend);
    r->last_ts = calloc(n, sizeof *r->last_ts);
    r->fine = calloc(n, sizeof *r->fine);
    pr_market_spec *specs = calloc(n, sizeof *specs);
    pr_instrument *insts = calloc(n, sizeof *insts);
    int rc = PR_OK;
    if (!r->mk || !r->series || !r->sp || !r->closed || !r->pend || !r->last_ts || !r->fine || !specs || !insts)
        rc = pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    for (size_t i = 0; rc == PR_OK && i < n; i++) {
        r->mk[i] = cfg->markets[i];
        specs[i] = r->mk[i].spec;
        insts[i] = specs[i].inst;
        r->last_ts[i] = PR_TIME_NONE;
        r->fine[i].last_ts = PR_TIME_NONE;
        if (r->mk[i].fine_tf != PR_TF_NONE) {
            r->fine[i].ms = pr_tf_ms(r->mk[i].fine_tf);
            size_t k = (size_t)(pr_tf_ms(r->mk[i].tf) / r->fine[i].ms);
            if (k > r->max_fine) r->max_fine = k;
        }
        if (pr_series_init(&r->series[i], 256) != PR_OK) rc = pr_err_set(err, PR_ENOMEM, "runner: out of memory");
        r->series[i].tf = r->mk[i].tf;
        pr_strlcpy(r->series[i].symbol, insts[i].symbol, sizeof r->series[i].symbol);
        r->sp[i] = &r->series[i];
        if (r->mk[i].tf != PR_TF_1MO && pr_tf_ms(r->mk[i].tf) < r->finest) r->finest = pr_tf_ms(r->mk[i].tf);
    }
    if (rc == PR_OK && r->max_fine && !(r->scratch = malloc(r->max_fine * sizeof *r->scratch)))
        rc = pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    if (rc == PR_OK) {
        pr_sim_config sc = {.start_cash = r->start_cash, .n_markets = n, .markets = specs};
        pr_strlcpy(sc.ccy, r->ccy, sizeof sc.ccy);
        rc = pr_paper_new(&sc, &r->b, err);
    }
    /* Bar by bar: the series grow as the feed delivers. */
    pr_view_events *fund = rc == PR_OK ? calloc(n, sizeof *fund) : NULL;
    if (rc == PR_OK && !fund) rc = pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    for (size_t i = 0; rc == PR_OK && i < n; i++) fund[i] = pr_market_funding_events(&specs[i]);
    pr_view_config vc = {.n_instruments = n, .instruments = insts, .series = r->sp, .precompute = 0, .funding = fund};
    if (rc == PR_OK) rc = pr_view_new(&vc, &r->v, err);
    free(fund);
    pr_strategy *strat = rc == PR_OK ? pr_pipeline_strategy(r->pipe) : NULL;
    if (rc == PR_OK && strat->vt->init) rc = strat->vt->init(strat, r->v, err);
    if (rc == PR_OK) rc = pr_view_prepare(r->v, err);
    if (rc == PR_OK) rc = pr_pipeline_reset(r->pipe, n, err);
    if (rc == PR_OK) pr_view_set_portfolio(r->v, pr_pipeline_portfolio(r->pipe));
    free(specs);
    free(insts);
    return rc;
}

int pr_runner_new(const pr_runner_config *cfg, pr_pipeline *pipe, pr_runner **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "pr_runner_new: NULL output");
    *out = NULL;
    int rc = check_config(cfg, err);
    if (rc != PR_OK) return rc;
    if (!pipe) return pr_err_set(err, PR_EINVAL, "runner: no pipeline");
    pr_runner *r = calloc(1, sizeof *r);
    if (!r) return pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    r->n = cfg->n_markets;
    r->pipe = pipe;
    r->warm = cfg->trade_from != 0 && cfg->trade_from != PR_TIME_NONE;
    r->trade_from = cfg->trade_from;
    r->finest = INT64_MAX;
    r->step_wait_ms = cfg->step_wait_ms > 0 ? cfg->step_wait_ms : 5000;
    r->scan_ms = cfg->scan_ms;
    r->on_step = cfg->on_step;
    r->on_step_user = cfg->on_step_user;
    r->on_tick = cfg->on_tick;
    r->start_cash = cfg->start_cash > 0 ? cfg->start_cash : 10000.0;
    pr_strlcpy(r->ccy, cfg->ccy[0] ? cfg->ccy : cfg->markets[0].spec.inst.quote, sizeof r->ccy);
    r->now = PR_TIME_NONE;
    r->st.last_close = PR_TIME_NONE;
    if ((rc = setup(r, cfg, err)) != PR_OK) {
        pr_runner_free(r);
        return rc;
    }
    *out = r;
    return PR_OK;
}

void pr_runner_get_stats(const pr_runner *r, pr_runner_stats *out) { *out = r->st; }

pr_broker *pr_runner_broker(pr_runner *r) { return r ? r->b : NULL; }

int pr_runner_use_broker(pr_runner *r, pr_broker *b, pr_err *err) {
    if (!r || !b) return pr_err_set(err, PR_EINVAL, "pr_runner_use_broker: no runner or broker");
    if (r->st.bars) return pr_err_set(err, PR_ESTATE, "runner: the broker changes before the first bar only");
    r->b = b; /* b owns the broker it replaces */
    return PR_OK;
}

const pr_series *pr_runner_bars(const pr_runner *r, size_t i) { return r && i < r->n ? &r->series[i] : NULL; }

int64_t pr_runner_last_bar(const pr_runner *r, size_t i) { return r && i < r->n ? r->last_ts[i] : PR_TIME_NONE; }

static int grow_curves(pr_runner *r) {
    if (r->n_steps < r->cap_steps) return PR_OK;
    size_t nc = r->cap_steps ? r->cap_steps * 2 : 1024;
    int64_t *t = realloc(r->c_ts, nc * sizeof *t);
    if (!t) return PR_ENOMEM;
    r->c_ts = t;
    for (int k = 0; k < N_CURVES - 1; k++) {
        double *d = realloc(r->c[k], nc * sizeof *d);
        if (!d) return PR_ENOMEM;
        r->c[k] = d;
    }
    r->cap_steps = nc;
    return PR_OK;
}

/* Market i's finer bars inside its decision bar [bar->ts, now), into
 * scratch (as the backtest gathers them). */
static size_t gather_fine(pr_runner *r, size_t i, const pr_bar *bar, int64_t now) {
    fine_buf *fb = &r->fine[i];
    if (!fb->ms) return 0;
    while (fb->head < fb->n && fb->bars[fb->head].ts < bar->ts) fb->head++;
    size_t nf = 0;
    for (size_t j = fb->head; j < fb->n && fb->bars[j].ts < now && nf < r->max_fine; j++) r->scratch[nf++] = fb->bars[j];
    return nf;
}

/* Drops the finer bars of the decision bars closed at now (those opening
 * before it); a market whose longer bar is still open keeps them. */
static void drop_fine(pr_runner *r, int64_t now) {
    for (size_t i = 0; i < r->n; i++) {
        fine_buf *fb = &r->fine[i];
        if (!r->closed[i]) continue;
        while (fb->head < fb->n && fb->bars[fb->head].ts < now) fb->head++;
        if (fb->head == 0) continue;
        memmove(fb->bars, fb->bars + fb->head, (fb->n - fb->head) * sizeof *fb->bars);
        fb->n -= fb->head;
        fb->head = 0;
    }
}

static int add_fine(pr_runner *r, size_t i, const pr_bar *bar) {
    fine_buf *fb = &r->fine[i];
    if (fb->n == fb->cap) {
        size_t nc = fb->cap ? fb->cap * 2 : 2 * r->max_fine + 16;
        pr_bar *nb = realloc(fb->bars, nc * sizeof *nb);
        if (!nb) return PR_ENOMEM;
        fb->bars = nb;
        fb->cap = nc;
    }
    fb->bars[fb->n++] = *bar;
    fb->last_ts = bar->ts;
    return PR_OK;
}

/* The step's bars go to the broker exactly as the backtest loop feeds a
 * step's bars (pr_backtest_exec): one market, the bar alone, the account
 * coming with it; several, each closing market marked at its open first,
 * put back there after its own bar and moved to its close only once all
 * are done, so no fill reads another market's price from after its time. */
static int feed_broker(pr_runner *r, int64_t now, pr_broker_snapshot *z, pr_err *err) {
    pr_broker *b = r->b;
    int rc;
    if (r->n == 1) {
        const pr_bar *bar = &r->pend[0];
        if (pr_broker_idle_bar(b, 0, bar->close, z)) return PR_OK;
        pr_bar bb = {bar->ts, bar->open, bar->high, bar->low, bar->close, 0.0};
        size_t nf = gather_fine(r, 0, bar, now);
        return pr_broker_process_bar(b, 0, &bb, now - bar->ts, nf ? r->scratch : NULL, nf, r->fine[0].ms, z, err);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->closed[i]) pr_broker_mark(b, (int)i, r->pend[i].open);
    for (size_t i = 0; i < r->n; i++) {
        if (!r->closed[i]) continue;
        const pr_bar *bar = &r->pend[i];
        pr_bar bb = {bar->ts, bar->open, bar->high, bar->low, bar->close, 0.0};
        if (!pr_broker_idle_bar(b, (int)i, bb.close, NULL)) {
            size_t nf = gather_fine(r, i, bar, now);
            if ((rc = pr_broker_process_bar(b, (int)i, &bb, now - bb.ts, nf ? r->scratch : NULL, nf, r->fine[i].ms,
                                            NULL, err)) != PR_OK)
                return rc;
        }
        pr_broker_mark(b, (int)i, bb.open);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->closed[i]) pr_broker_mark(b, (int)i, r->pend[i].close);
    pr_broker_snapshot_get(b, z);
    return PR_OK;
}

/* The step closing at now is decided: every step without a scan interval,
 * the first one traded, and one that reaches a multiple of the interval
 * since the step before (prev) — there are floor(now/scan) -
 * floor(prev/scan) multiples in (prev, now]. */
static int scan_due(const pr_runner *r, int64_t prev, int64_t now) {
    if (r->scan_ms <= 0 || !r->decided_once || prev == PR_TIME_NONE) return 1;
    return now / r->scan_ms > prev / r->scan_ms;
}

int pr_runner_flush(pr_runner *r, pr_err *err) {
    if (!r) return pr_err_set(err, PR_EINVAL, "pr_runner_flush: NULL runner");
    if (r->now == PR_TIME_NONE) return PR_OK;
    int64_t now = r->now;
    r->now = PR_TIME_NONE;
    int64_t step_ts = INT64_MIN;
    size_t n_bars = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->closed[i]) continue;
        n_bars++;
        const pr_bar *bar = &r->pend[i];
        if (pr_series_push(&r->series[i], bar->ts, bar->open, bar->high, bar->low, bar->close, bar->volume) != PR_OK)
            return pr_err_set(err, PR_ENOMEM, "runner: out of memory");
        if (bar->ts > step_ts) step_ts = bar->ts;
    }
    /* Labelled as the backtest labels its steps: the open of the run's
     * finest bar closing now. */
    if (r->finest != INT64_MAX && now - r->finest > step_ts) step_ts = now - r->finest;
    int rc;
    int64_t prev = r->st.last_close;
    r->st.last_close = now;
    if (r->warm && step_ts < r->trade_from) {
        r->st.warmup_steps++;
        r->st.warmup_bars += n_bars;
        drop_fine(r, now);
        rc = pr_view_step(r->v, now, r->closed, err);
        memset(r->closed, 0, r->n);
        return rc;
    }
    pr_broker_snapshot z;
    if ((rc = feed_broker(r, now, &z, err)) != PR_OK) return rc;
    drop_fine(r, now);
    if ((rc = pr_view_step(r->v, now, r->closed, err)) != PR_OK) return rc;
    memset(r->closed, 0, r->n);
    if (grow_curves(r) != PR_OK) return pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    size_t j = r->n_steps++;
    r->c_ts[j] = step_ts;
    double vals[N_CURVES - 1] = {z.equity, z.balance, z.equity != 0 ? z.gross / z.equity : 0, z.costs, z.cash,
                                 z.margin_used};
    for (int k = 0; k < N_CURVES - 1; k++) r->c[k][j] = vals[k];
    r->st.steps++;
    if (scan_due(r, prev, now)) {
        r->decided_once = 1;
        r->st.decided++;
        if ((rc = pr_pipeline_on_bar(r->pipe, r->v, r->b, err)) != PR_OK) return rc;
    }
    return r->on_step ? r->on_step(r->on_step_user, r, now, err) : PR_OK;
}

/* Every market whose next bar closes by `now` has delivered it (a market
 * with no bar yet is waited for too: a later bar or the wait ends that). */
static int step_complete(const pr_runner *r) {
    for (size_t i = 0; i < r->n; i++) {
        if (r->closed[i] || r->mk[i].no_feed) continue;
        if (r->last_ts[i] == PR_TIME_NONE) return 0;
        pr_timeframe tf = r->mk[i].tf;
        if (pr_tf_close(tf, pr_tf_close(tf, r->last_ts[i])) <= r->now) return 0;
    }
    return 1;
}

static int bad_price(const pr_feed_event *ev, pr_err *err) {
    char t[PR_TIME_STR_MAX];
    pr_time_format(ev->ts, t, sizeof t);
    return pr_err_set(err, PR_EDATA, "runner: %s %s bar at %s has a price that is not a finite number", ev->symbol,
                      pr_tf_name(ev->tf), t);
}

static int finite_bar(const pr_feed_event *ev) {
    return isfinite(ev->open) && isfinite(ev->high) && isfinite(ev->low) && isfinite(ev->close);
}

/* A finer bar: kept for the decision bar it lies in. Its close after the
 * step being received says that step's time has passed. */
static int fine_event(pr_runner *r, size_t k, const pr_feed_event *ev, int64_t close, pr_err *err) {
    if (r->fine[k].last_ts != PR_TIME_NONE && ev->ts <= r->fine[k].last_ts) {
        r->st.ignored++;
        return PR_OK;
    }
    if (!finite_bar(ev)) return bad_price(ev, err);
    int rc;
    if (r->now != PR_TIME_NONE && close > r->now && (rc = pr_runner_flush(r, err)) != PR_OK) return rc;
    pr_bar b = {ev->ts, ev->open, ev->high, ev->low, ev->close, ev->volume};
    return add_fine(r, k, &b) == PR_OK ? PR_OK : pr_err_set(err, PR_ENOMEM, "runner: out of memory");
}

int pr_runner_event(pr_runner *r, const pr_feed_event *ev, pr_err *err) {
    if (!r || !ev) return pr_err_set(err, PR_EINVAL, "pr_runner_event: NULL argument");
    if (ev->kind != PR_FEED_EV_BAR) return PR_OK;
    size_t k = 0;
    int fine = 0;
    for (; k < r->n; k++) {
        if (strcasecmp(feed_name(&r->mk[k]), ev->symbol) != 0) continue;
        if (r->mk[k].tf == ev->tf) break;
        if (r->mk[k].fine_tf == ev->tf && ev->tf != PR_TF_NONE) {
            fine = 1;
            break;
        }
    }
    int64_t close = k < r->n ? pr_tf_close(ev->tf, ev->ts) : 0;
    if (fine) return fine_event(r, k, ev, close, err);
    /* Another stream's bar, one already taken, or one closing before the
     * step being received (its decision time has passed). */
    if (k == r->n || (r->last_ts[k] != PR_TIME_NONE && ev->ts <= r->last_ts[k]) ||
        (r->now != PR_TIME_NONE && close < r->now)) {
        r->st.ignored++;
        return PR_OK;
    }
    if (!finite_bar(ev)) return bad_price(ev, err);
    int rc;
    if (r->now != PR_TIME_NONE && close > r->now && (rc = pr_runner_flush(r, err)) != PR_OK) return rc;
    if (r->now == PR_TIME_NONE) {
        r->now = close;
        r->since = pr_time_now_ms();
    }
    r->pend[k] = (pr_bar){ev->ts, ev->open, ev->high, ev->low, ev->close, ev->volume};
    r->closed[k] = 1;
    r->last_ts[k] = ev->ts;
    r->st.bars++;
    return step_complete(r) ? pr_runner_flush(r, err) : PR_OK;
}

/* A stop finishes the step being received: the bars of its close time
 * that are ready join it (a replay has them at hand), then it is decided. */
static int finish_step(pr_runner *r, pr_feed *f, pr_err *err) {
    pr_feed_event ev;
    while (r->now != PR_TIME_NONE && pr_feed_next(f, 0, &ev, err) == PR_OK) {
        if (ev.kind != PR_FEED_EV_BAR) {
            if (ev.state == PR_FEED_ENDED) break;
            continue;
        }
        int64_t pending = r->now;
        if (pr_tf_close(ev.tf, ev.ts) > pending) break;
        int rc = pr_runner_event(r, &ev, err);
        if (rc != PR_OK) return rc;
    }
    return pr_runner_flush(r, err);
}

int pr_runner_run(pr_runner *r, pr_feed *f, const volatile sig_atomic_t *stop, int *stopped, pr_err *err) {
    if (!r || !f) return pr_err_set(err, PR_EINVAL, "pr_runner_run: NULL argument");
    if (stopped) *stopped = 0;
    for (;;) {
        if (r->on_tick) {
            int rc = r->on_tick(r->on_step_user, r, err);
            if (rc != PR_OK) return rc;
        }
        if (stop && *stop) {
            if (stopped) *stopped = 1;
            return finish_step(r, f, err);
        }
        /* Short waits, so a stop is seen promptly; a step still missing
         * bars waits at most step_wait_ms for them. */
        int timeout = 250;
        if (r->now != PR_TIME_NONE) {
            int64_t left = r->since + r->step_wait_ms - pr_time_now_ms();
            if (left <= 0) {
                int rc = pr_runner_flush(r, err);
                if (rc != PR_OK) return rc;
                continue;
            }
            if (left < timeout) timeout = (int)left;
        }
        pr_feed_event ev;
        int rc = pr_feed_next(f, timeout, &ev, err);
        if (rc == PR_ETIMEOUT) continue;
        if (rc != PR_OK) return rc;
        if (ev.kind == PR_FEED_EV_STATUS && ev.state == PR_FEED_ENDED) return pr_runner_flush(r, err);
        if ((rc = pr_runner_event(r, &ev, err)) != PR_OK) return rc;
    }
}

int pr_runner_result(pr_runner *r, pr_backtest_result *res, pr_err *err) {
    if (!r || !res) return pr_err_set(err, PR_EINVAL, "pr_runner_result: NULL argument");
    memset(res, 0, sizeof *res);
    pr_strlcpy(res->ccy, r->ccy, sizeof res->ccy);
    res->start_cash = r->start_cash;
    size_t n = r->n_steps;
    /* ts, equity, exposure and margin in use in one block, as pr_backtest_result_free
     * expects of a result made without a backtest context; the account's
     * slow part as the steps it changed at. */
    double *blk = malloc((n ? n : 1) * 4 * sizeof *blk);
    res->open_trades = calloc(r->n, sizeof *res->open_trades);
    if (!blk || !res->open_trades) {
        free(blk);
        free(res->open_trades);
        res->open_trades = NULL;
        return pr_err_set(err, PR_ENOMEM, "runner: out of memory");
    }
    res->curves_ = blk;
    res->ts = (int64_t *)(void *)blk;
    res->equity = blk + (n ? n : 1);
    res->exposure = blk + 2 * (n ? n : 1);
    res->margin_used = blk + 3 * (n ? n : 1);
    if (n) {
        memcpy(res->ts, r->c_ts, n * sizeof *res->ts);
        memcpy(res->equity, r->c[0], n * sizeof(double));
        memcpy(res->exposure, r->c[2], n * sizeof(double));
        memcpy(res->margin_used, r->c[5], n * sizeof(double));
    }
    res->n_steps = n;
    for (size_t j = 0; j < n; j++) {
        pr_bt_account_point p = {j, r->c[1][j], r->c[4][j], r->c[3][j]};
        if (pr_backtest_note_account(res, &p) != PR_OK) {
            pr_backtest_result_free(res);
            return pr_err_set(err, PR_ENOMEM, "runner: out of memory");
        }
    }
    res->final_equity = n ? res->equity[n - 1] : r->start_cash;
    pr_broker_take_records(r->b, &res->fills, &res->n_fills, &res->trades, &res->n_trades);
    for (size_t i = 0; i < r->n; i++)
        if (pr_broker_open_trade(r->b, (int)i, &res->open_trades[res->n_open]) == PR_OK) res->n_open++;
    res->n_liquidations = pr_broker_liquidations(r->b);
    pr_pipeline_get_stats(r->pipe, &res->stats);
    pr_backtest_count_rejects(r->b, res);
    return PR_OK;
}
