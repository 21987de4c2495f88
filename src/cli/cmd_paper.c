/* `proratio paper` and `proratio live`: a paper session runs a backtest's
 * configuration (same strategy, confirmation stages, risk stage, run logs
 * and output files: the command body is the backtest's, cmd_backtest.c)
 * through the live runner (live.h) against the paper broker, with bars
 * from a feed (the `live` section, paper_feed.c: the replay of the
 * configured data, or a venue's live bars after the stored ones), decided
 * at each bar's close or at the scan interval's boundaries. Ctrl-C (SIGINT) or SIGTERM finishes the current step, and the
 * session's summary and logs are written as at its end. `live` is the
 * same session with a venue (live_venue.c): each paper fill is also sent
 * to the venue (pr_venue_mirror). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_data.h"
#include "backtest_mode.h"
#include "paper_feed.h"
#include "paper_notify.h"
#include "paper_run.h"
#include "live_reconcile.h"
#include "live_venue.h"
#include "paper_state.h"
#include "proratio/data/store_paper.h"
#include "proratio/live.h"

static const char k_usage[] =
    "usage: proratio paper --config FILE [--from TIME] [--to TIME] [--strategy NAME]\n"
    "                      [--param KEY=VALUE ...] [--set PATH=VALUE ...] [--db URL]\n"
    "                      [--report FILE.html] [--out DIR] [--json] [--risk-state NAME]\n"
    "                      [--session NAME] [--fresh]\n"
    "Runs a backtest's configuration as a PAPER trading session: the same pipeline\n"
    "(strategy, confirmation stages, risk stage) decides at each bar's close, and\n"
    "the paper broker fills the orders on the feed's prices with the configured\n"
    "costs (market orders at the next bar's open, limit and stop orders when the\n"
    "market trades through them). The \"live\" section picks the feed:\n"
    "  \"live\": {\"feed\": \"replay\", \"speed\": 0}\n"
    "replays the configured datasets (data.datasets, data.from/to) bar by bar,\n"
    "speed N times real time (0: as fast as possible);\n"
    "  \"live\": {\"feed\": \"binance\", \"source\": \"binance\", \"ws_url\": URL, \"base_url\": URL}\n"
    "  \"live\": {\"feed\": \"poll\", \"source\": \"oanda\", \"base_url\": URL, \"poll_delay_ms\": 2000,\n"
    "           \"symbols\": {\"EURUSD\": \"EUR_USD\"}}\n"
    "warm up on the stored bars, then trade the venue's closed bars as they come\n"
    "(Binance WebSocket klines, or REST polling at each bar's close) until stopped;\n"
    "a market the feed cannot serve is skipped with one message. \"scan\": seconds\n"
    "(default 1800; 900, 3600, ...: any that divide a day) decides only at those\n"
    "UTC boundaries, on the bars closed by then; \"bar_close\": at every bar.\n"
    "Flags as for 'proratio backtest'; outputs (trades.csv, equity.csv,\n"
    "metrics.json, signals.jsonl, executions.jsonl, summary.jsonl,\n"
    "ai_decisions.jsonl) go to output.dir.\n"
    "Ctrl-C or SIGTERM: the current step is finished, nothing is cancelled, the\n"
    "session summary is printed and the logs are written; exit code 0.\n"
    "The session's state (account, positions, open orders, fills, risk state) is\n"
    "saved in the store (data.db / --db) after every step that ordered or filled:\n"
    "the same command after a stop or a crash resumes it (the bars up to the saved\n"
    "step are replayed and must rebuild that state exactly) and the outputs end as\n"
    "an uninterrupted session's. --session NAME names it (default: the output\n"
    "directory); --fresh discards a stored state and starts over (needed after the\n"
    "configuration changed).";

static const char k_live_usage[] =
    "usage: proratio live --config FILE [--venue-url URL] [the flags of 'proratio paper']\n"
    "Runs the configuration as 'proratio paper' does and sends each paper fill to a\n"
    "venue as a market order (client id from the session, symbol, bar and fill\n"
    "number: a restarted session finds the orders it sent and sends none twice);\n"
    "the session's fills, trades and equity are the venue's fills of those orders.\n"
    "The venue is the \"live\" section's:\n"
    "  \"live\": {\"feed\": \"replay\", \"venue\": {\"name\": \"binance_spot\",\n"
    "           \"rest\": URL, \"ws\": URL, \"user_data\": URL, \"mainnet\": false}}\n"
    "testnet by default (URLs empty: the venue's testnet); --venue-url sets the REST\n"

    "base. Keys: BINANCE_API_KEY and BINANCE_API_SECRET in the environment or ./.env.\n"    "The feed (\"feed\": \"binance\" or \"poll\" for a venue's live bars) and the\n"
    "scan interval (\"scan\") are those of 'proratio paper'.\n"
    "Mainnet (\"mainnet\": true) is refused unless the live section says\n"
    "\"i_understand_this_is_real_money\": true and the key cannot withdraw.\n"
    "At start the session reconciles with the venue (\"live\": {\"reconcile\":\n"
    "{\"unknown_orders\": \"cancel\"|\"adopt\"|\"leave\", \"cancel_foreign\": false,\n"
    "\"on_mismatch\": \"pause\"|\"continue\"}}): open orders it did not send, fills\n"
    "since the last trade id seen, each market's position or base balance. A\n"
    "mismatch pauses the market's entries until\n"
    "  proratio live confirm --db URL --session NAME --market SYMBOL";

/* The `live` section as a paper session reads it. */
typedef struct paper_ctx {
    double speed;            /* replay speed; 0: as fast as possible          */
    paper_feed feed;         /* live.feed and its settings, live.scan          */
    int64_t live_from;       /* a live feed's session: its first traded step
                                (kept in its state); PR_TIME_NONE otherwise   */
    int stopped;             /* a signal ended the session                     */
    int64_t stopped_at;      /* close of the last step decided                 */
    size_t traded_bars;      /* bars taken after the warm-up                   */
    size_t ignored;          /* bars the runner passed over (pr_runner_stats)  */
    size_t decided;          /* steps the pipeline decided (live.scan)          */
    const char *session_flag;   /* --session NAME (NULL: the output directory) */
    int fresh;               /* --fresh                                         */
    /* The durable state of the session being run. */
    pr_store *st;
    char session[PR_PAPER_SESSION_MAX];
    const char *digest;
    const pr_risk_stage *risk;
    const bt_stages *stages;
    const char *symbols[BT_MAX_MARKETS];
    size_t n;
    int64_t resume_at;       /* the stored step being replayed to; PR_TIME_NONE: none */
    char *stored;            /* its state                                      */
    size_t saved_orders, saved_fills, unsaved_steps;
    int64_t last_saved;      /* close of the last state written (PR_TIME_NONE) */
    /* Notifications (live.notify). */
    pr_notify_config ncfg;
    paper_notify pn;
    pr_notify_stats nstats[PR_NOTIFIER_N];
    /* The process record and heartbeat (proratio status / stop). */
    paper_run run;
    paper_status_src src;
    pr_timeframe tfs[BT_MAX_MARKETS];
    int64_t saved_at;        /* wall clock of the last save                     */
    pr_runlog_rotate rotate; /* live.log_rotation                               */
    int live;                /* `proratio live`: fills go to lv's venue too    */
    /* A live feed's session: every decision bar it ran on, per market (the
     * outputs' prices and benchmark), kept until the command ends. */
    pr_series ran[BT_MAX_MARKETS];
    pr_bt_market ran_mk[BT_MAX_MARKETS];
    size_t n_ran;
    live_venue lv;
    pr_venue_mirror_stats vstats;
    pr_venue_broker_stats bstats;  /* the venue's trades booked               */
    live_recon recon;        /* live.reconcile and its state                    */
    char out_dir[1024];      /* output.dir: the reconciliation's log lines      */
} paper_ctx;

/* Steps without orders or fills between two saves of the state: a resume
 * replays them anyway, the save only keeps the resume point near. */
#define PAPER_SAVE_EVERY 64

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

static size_t paper_read(void *user, const pr_config *cfg, bt_errors *errs) {
    static const char *const keys[] = {"feed", "speed", "scan", "notify", "log_rotation", "venue",
                                       "i_understand_this_is_real_money", "source", "base_url", "ws_url",
                                       "poll_delay_ms", "symbols", "reconcile", NULL};
    static const char *const rotations[] = {"daily", "none", NULL};
    paper_ctx *c = user;
    size_t n0 = errs->n + errs->dropped;
    pr_err e;
    pr_err_clear(&e);
    if (pr_config_check_keys(cfg, "live", keys, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    paper_feed_read(&c->feed, cfg, errs);
    if (pr_config_number(cfg, "live.speed", 0, 0, 1e9, 0, &c->speed, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    else if (c->speed > 0 && c->feed.kind != PAPER_FEED_REPLAY)
        bt_errors_add(errs, "live.speed: goes with live.feed \"replay\" (a live feed comes at the venue's pace)");
    int rot = 0;
    if (pr_config_enum(cfg, "live.log_rotation", "daily", rotations, &rot, &e) != PR_OK)
        bt_errors_add(errs, "%s", e.msg);
    /* The replay's days are its bars' (the decision clock); a live
     * session's will be the wall clock's. */
    c->rotate = rot == 0 ? PR_RUNLOG_ROTATE_DECISION : PR_RUNLOG_ROTATE_NONE;
    /* The notifiers' secrets come from the environment or .env. */
    if (pr_config_has(cfg, "live.notify")) {
        pr_err_clear(&e);
        int erc = pr_env_load(".env", &e);
        if (erc != PR_OK && erc != PR_ENOTFOUND) bt_errors_add(errs, ".env: %s", e.msg);
    }
    pr_err_clear(&e);
    if (pr_notify_config_read(cfg, "live.notify", &c->ncfg, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (c->live) live_venue_read(&c->lv, cfg, errs);
    if (c->live) live_recon_read(&c->recon, cfg, errs);
    else if (pr_config_has(cfg, "live.reconcile"))
        bt_errors_add(errs, "live.reconcile: goes with 'proratio live' (a paper session has no venue)");
    return errs->n + errs->dropped - n0;
}

static void print_start(const paper_ctx *c, const bt_settings *s, const pr_runner_market *mk, size_t n, FILE *f) {
    if (!c->live) fprintf(f, "mode         PAPER (simulated fills, no venue, no real money)\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "trading      %s %s (%s)%s%s\n", mk[i].spec.inst.symbol, pr_tf_name(mk[i].tf), s->markets[i].src.spec,
                mk[i].fine_tf ? ", finer bars " : "", mk[i].fine_tf ? pr_tf_name(mk[i].fine_tf) : "");
    paper_feed_describe(&c->feed, c->speed, f);
    for (int i = 0; i < PR_NOTIFIER_N; i++)
        if (c->ncfg.n[i].on)
            fprintf(f, "notify       %s (at most %g messages a minute, bursts of %g; delivered in the background)\n",
                    pr_notifier_get((pr_notifier_id)i)->name, c->ncfg.n[i].rate_per_min, c->ncfg.n[i].burst);
    fflush(f);
}

/* A loaded series' timeframe (inferred where the loader left it unset). */
static int series_tf(const pr_series *s, const char *symbol, pr_timeframe *tf, pr_err *err) {
    *tf = s->tf;
    if ((*tf <= PR_TF_NONE || *tf >= PR_TF_COUNT) && (pr_tf_infer(s->ts, s->len, tf) != 0 || *tf == PR_TF_NONE))
        return pr_err_set(err, PR_EINVAL, "paper: cannot tell the timeframe of %s", symbol);
    return PR_OK;
}

/* The markets as the runner takes them, in the backtest's order, and the
 * series the replay plays: each market's finer bars first (so the finer
 * bars closing with a decision bar come before it), then the decision
 * bars. copy[] are shallow copies named by the market's symbol. */
static int runner_markets(const pr_backtest_config *bc, pr_runner_market *mk, pr_series *copy, const pr_series **sp,
                          size_t *n_sp, pr_err *err) {
    size_t n = bc->n_markets, k = 0;
    int rc = PR_OK;
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; rc == PR_OK && i < n; i++) {
            const pr_bt_market *m = &bc->markets[i];
            const char *sym = m->spec.inst.symbol;
            const pr_series *s = pass == 0 ? m->fine : m->bars;
            if (!s) continue;
            pr_timeframe tf;
            if ((rc = series_tf(s, sym, &tf, err)) != PR_OK) break;
            if (pass == 0) {
                mk[i].fine_tf = tf;
            } else {
                mk[i].spec = m->spec;
                mk[i].tf = tf;
            }
            copy[k] = *s;   /* the feed copies the bars themselves */
            copy[k].tf = tf;
            pr_strlcpy(copy[k].symbol, sym, sizeof copy[k].symbol);
            sp[k] = &copy[k];
            k++;
        }
    *n_sp = k;
    return rc;
}

/* The store holds the state at `close` (written, or checked on resume). */
static void saved_at(paper_ctx *c, pr_runner *r, int64_t close) {
    size_t trades = 0;
    pr_broker_record_counts(pr_runner_broker(r), &c->saved_orders, &c->saved_fills, &trades);
    c->unsaved_steps = 0;
    c->last_saved = close;
    c->saved_at = pr_time_now_ms();
    c->src.saved_step = close;
    c->src.saved_at = c->saved_at;
}

/* The session's state: paper_state_json's, and for a live feed's session
 * when it started trading, which a restart needs to replay the same steps
 * (its "now" is another). */
static int session_state(const paper_ctx *c, pr_runner *r, int64_t close, char **js, pr_err *err) {
    int rc = paper_state_json(r, c->symbols, c->n, c->risk, close, js, err);
    if (rc != PR_OK || c->live_from == PR_TIME_NONE) return rc;
    json_t *root = json_loads(*js, 0, NULL);
    free(*js);
    *js = NULL;
    if (root) json_object_set_new(root, "live_trade_from", json_integer((json_int_t)c->live_from));
    if (root) *js = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    return *js ? PR_OK : pr_err_set(err, PR_ENOMEM, "paper state: out of memory");
}

/* The first traded step of the stored live session (PR_TIME_NONE: none). */
static int64_t stored_live_from(const paper_ctx *c) {
    json_t *root = c->stored ? json_loads(c->stored, 0, NULL) : NULL;
    json_t *v = json_object_get(root, "live_trade_from");
    int64_t t = json_is_integer(v) ? (int64_t)json_integer_value(v) : PR_TIME_NONE;
    json_decref(root);
    return t;
}

static int save_state(paper_ctx *c, pr_runner *r, int64_t close, pr_err *err) {
    char *js = NULL;
    int rc = session_state(c, r, close, &js, err);
    if (rc == PR_OK) rc = pr_store_paper_put(c->st, c->session, c->digest, close, js, pr_time_now_ms(), err);
    free(js);
    if (rc == PR_OK && c->live) rc = live_recon_saved(&c->recon, err);
    if (rc == PR_OK) saved_at(c, r, close);
    return rc;
}

static int refuse_resume(const paper_ctx *c, const char *why, pr_err *err) {
    char t[PR_TIME_STR_MAX];
    pr_time_format(c->resume_at, t, sizeof t);
    return pr_err_set(err, PR_ESTATE, "paper session '%s': the state stored at the close of %s does not match the "
                      "replay of the same bars (%s); refusing to resume: the stored state or the data changed. "
                      "--fresh discards the stored state and starts the session over", c->session, t, why);
}

/* A live session's reconciliation with its venue, once its resumed state
 * is rebuilt (first_new: the first decision time after it) or before a new
 * session's first step (PR_TIME_NONE). Orders the replay sent are those
 * the venue never received. */
static int reconcile(paper_ctx *c, int64_t first_new, pr_err *err) {
    pr_venue_mirror_stats ms;
    pr_venue_mirror_get_stats(c->lv.mirror, &ms);
    return live_recon_run(&c->recon, c->st, &c->lv, first_new, first_new == PR_TIME_NONE ? 0 : ms.sent, stderr,
                          err);
}

/* After each traded step: while replaying up to a stored step, nothing
 * (and at that step, the rebuilt state must equal the stored one); after
 * it, the state is saved when the step ordered or filled, or every
 * PAPER_SAVE_EVERY steps. */
static int on_step(void *user, pr_runner *r, int64_t close, pr_err *err) {
    paper_ctx *c = user;
    if (c->resume_at != PR_TIME_NONE) {
        /* Announced before the stop: followed, not sent again. */
        paper_notify_step(&c->pn, r, c->risk, close, 1);
        if (close < c->resume_at) return PR_OK;
        if (close > c->resume_at) return refuse_resume(c, "no step of the data closes at that time", err);
        char *js = NULL;
        pr_err why;
        pr_err_clear(&why);
        int rc = session_state(c, r, close, &js, err);
        if (rc == PR_OK && paper_state_check(c->stored, js, &why) != PR_OK) rc = refuse_resume(c, why.msg, err);
        free(js);
        if (rc != PR_OK) return rc;
        c->resume_at = PR_TIME_NONE;
        saved_at(c, r, close);
        return c->live ? reconcile(c, close + 1, err) : PR_OK;
    }
    paper_notify_step(&c->pn, r, c->risk, close, 0);
    size_t orders = 0, fills = 0, trades = 0;
    pr_broker_record_counts(pr_runner_broker(r), &orders, &fills, &trades);
    if (orders == c->saved_orders && fills == c->saved_fills && ++c->unsaved_steps < PAPER_SAVE_EVERY) return PR_OK;
    return save_state(c, r, close, err);
}

/* The session's name, its store and what it stored: a stored state of the
 * same configuration is resumed (resume_at set), one of another refused
 * unless --fresh discards it. */
static int open_session(void *user, const bt_settings *s, const bt_exec_env *env, pr_err *err) {
    paper_ctx *c = user;
    const char *name = c->session_flag ? c->session_flag : s->out_dir;
    if (!name[0] || strlen(name) >= sizeof c->session)
        return pr_err_set(err, PR_EINVAL, "paper: the session name '%.40s' must have 1 to %zu characters (--session "
                          "NAME)", name, sizeof c->session - 1);
    pr_strlcpy(c->session, name, sizeof c->session);
    c->digest = env->digest;
    c->risk = env->risk;
    c->stages = env->stages;
    void *st = NULL;
    int rc = bt_data_store(env->data, &st, err);
    if (rc != PR_OK) return rc;
    c->st = st;
    /* One process per session: a second one would overwrite the first's state. */
    if ((rc = paper_run_refuse_twice(c->st, c->session, err)) != PR_OK) return rc;
    if (c->fresh) return pr_store_paper_delete(c->st, c->session, err);
    pr_paper_row row;
    rc = pr_store_paper_get(c->st, c->session, &row, err);
    if (rc == PR_ENOTFOUND) {
        pr_err_clear(err);
        return PR_OK;
    }
    if (rc != PR_OK) return rc;
    if (strcmp(row.config_digest, c->digest) != 0) {
        free(row.state);
        return pr_err_set(err, PR_ESTATE, "paper session '%s' was started with another configuration (digest %.12s, "
                          "now %.12s): refusing to resume it with this one; run it with the configuration it was "
                          "started with, or add --fresh to discard its stored state and start over",
                          c->session, row.config_digest, c->digest);
    }
    if (s->has_risk && s->risk.state_key[0]) {
        free(row.state);
        return pr_err_set(err, PR_EINVAL, "paper session '%s' resumes its own risk state: risk.state_key "
                          "(--risk-state) would load another one on top of it; drop it or add --fresh", c->session);
    }
    c->resume_at = row.last_step;
    c->stored = row.state;
    return PR_OK;
}

/* Each turn of the runner's loop: the heartbeat, and a stop request. */
static int on_tick(void *user, pr_runner *r, pr_err *err) {
    (void)r;
    (void)err;
    paper_ctx *c = user;
    paper_run_tick(&c->run, &c->src, &g_stop);
    if (c->lv.mirror) {
        /* the stream's events and keep-alive between fills; a failed poll
         * is asked again at the next tick or the end */
        pr_err e;
        pr_err_clear(&e);
        pr_venue_mirror_pump(c->lv.mirror, 0, &e);
    }
    return PR_OK;
}

/* `live`: the session, then the venue (refusals before any output). */
static int open_live(void *user, const bt_settings *s, const bt_exec_env *env, pr_err *err) {
    paper_ctx *c = user;
    int rc = open_session(user, s, env, err);
    if (rc != PR_OK) return rc;
    const char *syms[BT_MAX_MARKETS];
    for (size_t i = 0; i < s->n_markets; i++) syms[i] = s->markets[i].src.symbol;
    pr_strlcpy(c->out_dir, s->out_dir, sizeof c->out_dir);
    if ((rc = live_venue_open(&c->lv, syms, s->n_markets, stderr, err)) != PR_OK) return rc;
    /* A new session (or --fresh) starts its reconciliation over too. */
    return live_recon_load(&c->recon, c->st, c->session, syms, s->n_markets, c->resume_at == PR_TIME_NONE, err);
}

/* Bars closing by `at` (a step's close) into lo, the rest into hi:
 * shallow views of the same arrays. */
static void split_at(const pr_series *s, int64_t at, pr_series *lo, pr_series *hi) {
    size_t k = 0;
    while (k < s->len && pr_tf_close(s->tf, s->ts[k]) <= at) k++;
    *lo = *s;
    lo->len = k;
    *hi = *s;
    hi->ts += k;
    hi->open += k;
    hi->high += k;
    hi->low += k;
    hi->close += k;
    hi->volume += k;
    hi->len = s->len - k;
}

/* Runs the feed over the series (those with bars) at the given speed. */
static int run_feed(pr_runner *r, pr_series *const *sp, size_t n, double speed, int *stopped, pr_err *err) {
    const pr_series *use[2 * BT_MAX_MARKETS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (sp[i]->len) use[k++] = sp[i];
    if (k == 0) return PR_OK;
    pr_feed *f = NULL;
    pr_feed_replay_options fo = {.speed = speed};
    int rc = pr_feed_replay_new(use, k, &fo, &f, err);
    if (rc == PR_OK) rc = pr_runner_run(r, f, &g_stop, stopped, err);
    pr_feed_free(f);
    return rc;
}

/* A live feed: the stored bars only warm the session up; it trades the
 * bars closing after it started (and after the stored ones), and the feed
 * starts at the first bar the store lacks, so the bars missed since are
 * backfilled (warm-up too). */
static int live_range(paper_ctx *c, const pr_backtest_config *bc, const pr_runner_market *mk, int64_t *since,
                      int64_t *trade_from, pr_err *err) {
    int64_t now = 0, first_live = INT64_MIN, finest = INT64_MAX;
    int rc = paper_feed_now(&c->feed, &now, err);
    if (rc != PR_OK) return rc;
    *since = PR_TIME_NONE;
    for (size_t i = 0; i < bc->n_markets; i++) {
        if (mk[i].tf != PR_TF_1MO && pr_tf_ms(mk[i].tf) < finest) finest = pr_tf_ms(mk[i].tf);
        if (mk[i].no_feed) continue;
        for (int pass = 0; pass < 2; pass++) {
            const pr_series *b = pass ? bc->markets[i].bars : bc->markets[i].fine;
            pr_timeframe tf = pass ? mk[i].tf : mk[i].fine_tf;
            if (!b || !b->len) continue;
            int64_t next = pr_tf_next(tf, b->ts[b->len - 1]);
            if (*since == PR_TIME_NONE || next < *since) *since = next;
            if (pass && next > first_live) first_live = next;
        }
    }
    /* Steps are labelled by the open of the finest bar closing then: a bar
     * closing after now opens after now - its length. A resumed session
     * trades from where it first did (the feed backfills the bars since). */
    int64_t t = finest != INT64_MAX ? now - finest + 1 : now;
    if (first_live > t) t = first_live;
    if (c->resume_at != PR_TIME_NONE && stored_live_from(c) != PR_TIME_NONE) t = stored_live_from(c);
    if (bc->trade_from != 0 && bc->trade_from != PR_TIME_NONE && bc->trade_from > t) t = bc->trade_from;
    *trade_from = t;
    c->live_from = t;
    return PR_OK;
}

/* A live session: the stored bars as fast as they go (the warm-up, and a
 * resumed session's replay), then the live feed until a stop. */
static int run_live(paper_ctx *c, pr_runner *r, pr_series *const *sp, size_t n_sp, const pr_runner_market *mk,
                    size_t n, int64_t since, pr_err *err) {
    int rc = run_feed(r, sp, n_sp, 0, &c->stopped, err);
    if (rc != PR_OK || c->stopped) return rc;
    pr_feed *f = NULL;
    if ((rc = paper_feed_open(&c->feed, mk, n, since, &f, err)) == PR_OK)
        rc = pr_runner_run(r, f, &g_stop, &c->stopped, err);
    pr_feed_free(f);
    return rc;
}

/* The outputs of a live feed's session see the bars it ran on (the stored
 * ones and those of the feed) and its start of trading. */
static int keep_bars(paper_ctx *c, pr_runner *r, pr_backtest_config *bc, int64_t trade_from, pr_err *err) {
    for (size_t i = 0; i < bc->n_markets; i++) {
        const pr_series *b = pr_runner_bars(r, i);
        if (pr_series_slice(b, 0, b->len, &c->ran[i]) != PR_OK) return pr_err_set(err, PR_ENOMEM, "out of memory");
        c->n_ran = i + 1;
        c->ran_mk[i] = bc->markets[i];
        c->ran_mk[i].bars = &c->ran[i];
        c->ran_mk[i].checked = 0;
    }
    bc->markets = c->ran_mk;
    bc->trade_from = trade_from;
    return PR_OK;
}

static void paper_free(paper_ctx *c) {
    for (size_t i = 0; i < c->n_ran; i++) pr_series_free(&c->ran[i]);
    c->n_ran = 0;
}

/* `live`: the runner's paper broker goes on deciding inside a venue broker,
 * which sends its fills to the venue and books the venue's. */
static int use_venue_broker(paper_ctx *c, pr_runner *r, const pr_backtest_config *bc, const pr_runner_market *mk,
                            pr_err *err) {
    pr_market_spec specs[BT_MAX_MARKETS];
    for (size_t i = 0; i < bc->n_markets; i++) specs[i] = mk[i].spec;
    pr_venue_broker_config vc = {.paper = pr_runner_broker(r), .mirror = c->lv.mirror, .venue = &c->lv.v,
                                 .n_markets = bc->n_markets, .markets = specs, .symbols = c->symbols,
                                 .start_cash = bc->start_cash > 0 ? bc->start_cash : 10000.0,
                                 .settle_ms = (int64_t)(c->lv.stream_wait_s * 1000), .protect = c->lv.protect,
                                 .stop_limit_offset = c->lv.stop_offset};
    pr_strlcpy(vc.ccy, bc->ccy[0] ? bc->ccy : mk[0].spec.inst.quote, sizeof vc.ccy);
    pr_broker *vb = NULL;
    int rc = pr_venue_broker_new(&vc, &vb, err);
    /* (use_broker refuses only after the first bar: never here) */
    return rc == PR_OK ? pr_runner_use_broker(r, vb, err) : rc;
}

static int paper_exec(void *user, const bt_settings *s, pr_backtest_config *bc, pr_pipeline *pipe,
                      pr_backtest_result *res, pr_err *err) {
    paper_ctx *c = user;
    size_t n = bc->n_markets;
    pr_runner_market mk[BT_MAX_MARKETS];
    pr_series copy[2 * BT_MAX_MARKETS];
    const pr_series *sp[2 * BT_MAX_MARKETS];
    size_t n_sp = 0;
    memset(mk, 0, sizeof mk);
    int rc = runner_markets(bc, mk, copy, sp, &n_sp, err);
    if (rc != PR_OK) return rc;
    c->n = n;
    for (size_t i = 0; i < n; i++) c->symbols[i] = bc->markets[i].spec.inst.symbol;
    int live_feed = c->feed.kind != PAPER_FEED_REPLAY;
    int64_t trade_from = bc->trade_from, since = PR_TIME_NONE;
    if ((rc = paper_feed_check_scan(&c->feed, mk, n, err)) != PR_OK) return rc;
    if (live_feed && ((rc = paper_feed_markets(&c->feed, mk, n, stderr, err)) != PR_OK ||
                      (rc = live_range(c, bc, mk, &since, &trade_from, err)) != PR_OK))
        return rc;
    pr_runner_config rcfg = {.n_markets = n, .markets = mk, .start_cash = bc->start_cash,
                             .trade_from = trade_from, .scan_ms = c->feed.scan_ms, .on_step = on_step,
                             .on_step_user = c, .on_tick = on_tick};
    pr_strlcpy(rcfg.ccy, bc->ccy, sizeof rcfg.ccy);
    pr_runner *r = NULL;
    if ((rc = pr_runner_new(&rcfg, pipe, &r, err)) != PR_OK) return rc;
    if (c->live && ((rc = pr_venue_mirror_new(&c->lv.v, c->session, c->symbols, n, &c->lv.mirror, err)) != PR_OK ||
                    (rc = pr_paper_entry_gate(pr_runner_broker(r), live_recon_gate, &c->recon, err)) != PR_OK ||
                    (rc = use_venue_broker(c, r, bc, mk, err)) != PR_OK ||
                    (live_recon_attach(&c->recon, c->st, c->lv.mirror),
                     pr_venue_mirror_on_send(c->lv.mirror, live_recon_note_send, &c->recon), 0) ||
                    (c->resume_at == PR_TIME_NONE && (rc = reconcile(c, PR_TIME_NONE, err)) != PR_OK))) {
        pr_runner_free(r);
        return rc;
    }
    if (c->live) live_venue_use_stream(&c->lv, stderr);
    pr_notify *nt = NULL;
    if (pr_notify_any(&c->ncfg) && (rc = pr_notify_new(&c->ncfg, NULL, NULL, &nt, err)) != PR_OK) {
        pr_runner_free(r);
        return rc;
    }
    const char *ccy = bc->ccy[0] ? bc->ccy : mk[0].spec.inst.quote;
    paper_notify_init(&c->pn, nt, c->session, ccy, bc->start_cash, c->symbols, n, c->stages);
    for (size_t i = 0; i < n; i++) c->tfs[i] = mk[i].tf;
    c->src = (paper_status_src){.r = r, .symbols = c->symbols, .tfs = c->tfs, .n = n, .risk = c->risk,
                                .start_cash = bc->start_cash > 0 ? bc->start_cash : 10000.0, .ccy = ccy,
                                .saved_step = c->last_saved, .saved_at = c->saved_at};
    if ((rc = paper_run_start(&c->run, c->st, c->session, err)) != PR_OK) {
        pr_notify_close(nt);
        pr_runner_free(r);
        return rc;
    }
    /* A resumed session replays the bars up to its stored step as fast as
     * it can, then goes on at the configured speed. */
    pr_series lo[2 * BT_MAX_MARKETS], hi[2 * BT_MAX_MARKETS];
    pr_series *plo[2 * BT_MAX_MARKETS], *phi[2 * BT_MAX_MARKETS];
    /* (A live feed's session replays every stored bar first: the feed
     * brings the bars after them, a resumed session's step among them.) */
    int64_t cut = c->resume_at != PR_TIME_NONE && !live_feed ? c->resume_at : INT64_MIN;
    for (size_t i = 0; i < n_sp; i++) {
        split_at(sp[i], cut, &lo[i], &hi[i]);
        plo[i] = &lo[i];
        phi[i] = &hi[i];
    }
    print_start(c, s, mk, n, stderr);
    if (c->resume_at != PR_TIME_NONE) {
        char t[PR_TIME_STR_MAX];
        pr_time_format(c->resume_at, t, sizeof t);
        fprintf(stderr, "resuming     session '%s' from its state at the close of %s (the bars up to it are "
                        "replayed and checked against it)\n", c->session, t);
    } else {
        fprintf(stderr, "session      '%s', its state saved in the store after each step that orders or fills\n", c->session);
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    if (live_feed) {
        rc = run_live(c, r, phi, n_sp, mk, n, since, err);
    } else {
        rc = run_feed(r, plo, n_sp, 0, &c->stopped, err);
        if (rc == PR_OK && !c->stopped && c->resume_at != PR_TIME_NONE)
            rc = refuse_resume(c, "the data replayed ends before that step", err);
        if (rc == PR_OK && !c->stopped) rc = run_feed(r, phi, n_sp, c->speed, &c->stopped, err);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (c->lv.mirror) {
        pr_err se;
        pr_err_clear(&se);
        if (live_venue_settle(&c->lv, &se) != PR_OK) fprintf(stderr, "venue        fills not all learned: %s\n", se.msg);
        pr_venue_mirror_get_stats(c->lv.mirror, &c->vstats);
        pr_venue_broker_get_stats(pr_runner_broker(r), &c->bstats);
    }
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    c->stopped_at = st.last_close;
    c->traded_bars = st.bars - st.warmup_bars;
    c->ignored = st.ignored;
    c->decided = st.decided;
    /* The resume point at the last step taken (not while a stopped resume
     * has not reached its stored step yet). */
    if (rc == PR_OK && c->resume_at == PR_TIME_NONE && st.steps > 0 && c->last_saved != st.last_close)
        rc = save_state(c, r, st.last_close, err);
    char outcome[256];
    if (rc != PR_OK) snprintf(outcome, sizeof outcome, "failed: %.240s", err->msg);
    else if (c->stopped && paper_run_stop_requested(&c->run)) pr_strlcpy(outcome, "stopped by 'proratio stop'", sizeof outcome);
    else pr_strlcpy(outcome, c->stopped ? "stopped by a signal" : "ended with the feed", sizeof outcome);
    /* Before the records are handed over to the outputs (the snapshot counts them). */
    paper_run_end(&c->run, &c->src, outcome);
    if (rc == PR_OK && live_feed) rc = keep_bars(c, r, bc, trade_from, err);
    if (rc == PR_OK) rc = pr_runner_result(r, res, err);
    if (rc != PR_OK) paper_notify_error(&c->pn, st.last_close, err);
    pr_notify_close_stats(nt, c->nstats);
    pr_runner_free(r);
    free(c->stored);
    c->stored = NULL;
    return rc;
}

static pr_runlog_rotate paper_rotate(void *user) { return ((const paper_ctx *)user)->rotate; }

/* A session the feed ended traded every bar loaded; a stopped one, those
 * it took. */
static size_t paper_bars(void *user, size_t loaded) {
    const paper_ctx *c = user;
    return c->stopped ? c->traded_bars : loaded;
}

/* The session summary: how it ended, trades, P&L and what is still held. */
static void paper_after(void *user, const pr_backtest_config *bc, const pr_backtest_result *res, FILE *f) {
    const paper_ctx *c = user;
    char t[PR_TIME_STR_MAX] = "-";
    if (c->stopped_at != PR_TIME_NONE) pr_time_format(c->stopped_at, t, sizeof t);
    fprintf(f, "session      %s %s at the close of %s: %zu steps, %zu trades closed, P&L %.2f %s\n",
            c->live ? (c->lv.mainnet ? "LIVE" : "TESTNET") : "PAPER",
            c->stopped ? (c->run.stop_asked ? "stopped by 'proratio stop'" : "stopped by a signal") : "ended with the feed",
            t, res->n_steps, res->n_trades, res->final_equity - res->start_cash, res->ccy);
    if (c->feed.scan_ms)
        fprintf(f, "decisions    %zu of the %zu steps, at the %lld s scan boundaries (and the first step)\n",
                c->decided, res->n_steps, (long long)(c->feed.scan_ms / 1000));
    if (c->rotate != PR_RUNLOG_ROTATE_NONE)
        fprintf(f, "logs         rotated daily by the decision clock: each earlier UTC day's signals and fills in "
                "signals-YYYY-MM-DD.jsonl and executions-YYYY-MM-DD.jsonl, the last day's in the plain names\n");
    if (c->live)
        fprintf(f, "venue        %s: %zu orders sent, %zu found there already (sent by an earlier run), %zu fills too "
                "small for its lot size or minimum notional\n", c->lv.name, c->vstats.sent, c->vstats.found,
                c->vstats.too_small);
    if (c->live) live_venue_fills_line(&c->lv, &c->vstats, f);
    if (c->live)
        fprintf(f, "books        %zu venue trades booked as the session's fills (the venue's prices, quantities and "
                "commissions)%s\n", c->bstats.booked,
                c->bstats.fees_unvalued ? "; some commissions were paid in a third asset (BNB) and are not counted" : "");
    if (c->live && c->lv.protect) {
        const pr_venue_broker_stats *b = &c->bstats;
        fprintf(f, "brackets     %zu protective orders placed at the venue, %zu adopted from an earlier run, %zu of "
                "their trades booked as exits, %zu cancelled, %zu cancels too late (already filled or gone), %zu "
                "refused (left to the paper broker), %zu paper exits already done by the venue\n",
                b->protect_placed, b->protect_adopted, b->protect_filled, b->protect_cancelled, b->protect_races,
                b->protect_refused, b->protect_absorbed);
        if (b->race[0]) fprintf(f, "brackets     last late cancel: %s\n", b->race);
        if (b->refusal[0]) fprintf(f, "brackets     last refusal: %s\n", b->refusal);
    }
    if (c->live) live_venue_positions(&((paper_ctx *)user)->lv, f);
    if (c->live) live_recon_write_log(&c->recon, c->out_dir);
    if (c->ignored)
        fprintf(f, "ignored      %zu bars of the feed: repeated, closing after their step was decided, or of no "
                "market of the session\n", c->ignored);
    if (res->n_open == 0) fprintf(f, "positions    none\n");
    for (int i = 0; i < PR_NOTIFIER_N; i++) {
        const pr_notify_stats *ns = &c->nstats[i];
        if (!c->ncfg.n[i].on) continue;
        fprintf(f, "notify       %s: %zu sent, %zu failed, %zu dropped by the rate limit, %zu dropped (queue full), "
                "%zu unsent at the end%s%s\n", pr_notifier_get((pr_notifier_id)i)->name, ns->sent, ns->failed,
                ns->rate_limited, ns->queue_full, ns->unsent, ns->last_error[0] ? "; last failure: " : "",
                ns->last_error);
    }
    for (size_t k = 0; k < res->n_open; k++) {
        const pr_trade *o = &res->open_trades[k];
        fprintf(f, "position     %s %s %.10g at %.10g, marked %.10g, open P&L %.2f %s\n",
                bc->markets[o->instrument].spec.inst.symbol, o->side > 0 ? "long" : "short", o->size,
                o->entry_price, o->exit_price, o->pnl, res->ccy);
    }
}

/* Both commands: the session's own flags, then the backtest's command. */
static int session_command(int argc, char **argv, paper_ctx *c, const bt_mode *md) {
    const char *cmd = md->cmd;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return PR_EXIT_FAIL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char **val = NULL;
        const char *name = argv[i];
        if (i > 0 && strcmp(argv[i], "--fresh") == 0) {
            c->fresh = 1;
            continue;
        }
        if (i > 0 && strncmp(argv[i], "--session", 9) == 0 && (argv[i][9] == '=' || !argv[i][9]))
            val = &c->session_flag, name = "--session";
        else if (i > 0 && c->live && strncmp(argv[i], "--venue-url", 11) == 0 && (argv[i][11] == '=' || !argv[i][11]))
            val = &c->lv.url_flag, name = "--venue-url";
        if (!val) {
            rest[n++] = argv[i];
            continue;
        }
        if (argv[i][strlen(name)] == '=') {
            *val = argv[i] + strlen(name) + 1;
        } else if (i + 1 < argc) {
            *val = argv[++i];
        } else {
            fprintf(stderr, "proratio %s: %s needs a value\n", cmd, name);
            free(rest);
            return PR_EXIT_USAGE;
        }
    }
    int rc = bt_command(n, rest, md);
    free(rest);
    return rc;
}

int pr_cli_paper(int argc, char **argv) {
    paper_ctx c = {.stopped_at = PR_TIME_NONE, .resume_at = PR_TIME_NONE, .last_saved = PR_TIME_NONE,
                   .live_from = PR_TIME_NONE};
    const bt_mode md = {.cmd = "paper", .usage = k_usage, .user = &c, .read = paper_read, .begin = open_session,
                        .exec = paper_exec, .bars = paper_bars, .after = paper_after, .rotate = paper_rotate};
    int rc = session_command(argc, argv, &c, &md);
    paper_free(&c);
    return rc;
}

int pr_cli_live(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "confirm") == 0) return live_recon_confirm_cmd(argc - 1, argv + 1);
    paper_ctx c = {.stopped_at = PR_TIME_NONE, .resume_at = PR_TIME_NONE, .last_saved = PR_TIME_NONE, .live = 1,
                   .live_from = PR_TIME_NONE};
    const bt_mode md = {.cmd = "live", .usage = k_live_usage, .user = &c, .read = paper_read, .begin = open_live,
                        .exec = paper_exec, .bars = paper_bars, .after = paper_after, .rotate = paper_rotate};
    int rc = session_command(argc, argv, &c, &md);
    live_venue_close(&c.lv);
    live_recon_free(&c.recon);
    paper_free(&c);
    return rc;
}
