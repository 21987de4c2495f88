/* `proratio paper` and `proratio live`: a paper session runs a backtest's
 * configuration (same strategy, confirmation stages, risk stage, run logs
 * and output files: the command body is the backtest's, cmd_backtest.c)
 * through the live runner (live.h) against the paper broker, with bars
 * from a feed (the `live` section; the replay of the configured data for
 * now). Ctrl-C (SIGINT) or SIGTERM finishes the current step, and the
 * session's summary and logs are written as at its end. `live` refuses
 * until venue adapters exist. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "backtest_mode.h"
#include "proratio/live.h"

static const char k_usage[] =
    "usage: proratio paper --config FILE [--from TIME] [--to TIME] [--strategy NAME]\n"
    "                      [--param KEY=VALUE ...] [--set PATH=VALUE ...] [--db URL]\n"
    "                      [--report FILE.html] [--out DIR] [--json] [--risk-state NAME]\n"
    "Runs a backtest's configuration as a PAPER trading session: the same pipeline\n"
    "(strategy, confirmation stages, risk stage) decides at each bar's close, and\n"
    "the paper broker fills the orders on the feed's prices with the configured\n"
    "costs (market orders at the next bar's open, limit and stop orders when the\n"
    "market trades through them). The \"live\" section picks the feed:\n"
    "  \"live\": {\"feed\": \"replay\", \"speed\": 0}\n"
    "replays the configured datasets (data.datasets, data.from/to) bar by bar,\n"
    "speed N times real time (0: as fast as possible). Flags as for 'proratio\n"
    "backtest'; outputs (trades.csv, equity.csv, metrics.json, signals.jsonl,\n"
    "executions.jsonl, summary.jsonl, ai_decisions.jsonl) go to output.dir.\n"
    "Ctrl-C or SIGTERM: the current step is finished, nothing is cancelled, the\n"
    "session summary is printed and the logs are written; exit code 0.";

static const char k_live_usage[] =
    "usage: proratio live --config FILE\n"
    "Live trading against a venue (Binance, OANDA). Not available yet: this build\n"
    "has no venue adapter. 'proratio paper --config FILE' runs the same\n"
    "configuration against the paper broker.";

/* The `live` section as a paper session reads it. */
typedef struct paper_ctx {
    double speed;            /* replay speed; 0: as fast as possible          */
    int stopped;             /* a signal ended the session                     */
    int64_t stopped_at;      /* close of the last step decided                 */
    size_t traded_bars;      /* bars taken after the warm-up                   */
} paper_ctx;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

static size_t paper_read(void *user, const pr_config *cfg, bt_errors *errs) {
    static const char *const keys[] = {"feed", "speed", "scan", NULL};
    static const char *const feeds[] = {"replay", "binance", "poll", NULL};
    static const char *const scans[] = {"bar_close", NULL};
    paper_ctx *c = user;
    size_t n0 = errs->n + errs->dropped;
    pr_err e;
    pr_err_clear(&e);
    int feed = 0, scan = 0;
    if (pr_config_check_keys(cfg, "live", keys, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (pr_config_enum(cfg, "live.feed", "replay", feeds, &feed, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    else if (feed != 0)
        bt_errors_add(errs, "live.feed: \"%s\" is not available to paper sessions yet (it comes with the venue "
                      "adapters); use \"replay\"", feeds[feed]);
    if (pr_config_number(cfg, "live.speed", 0, 0, 1e9, 0, &c->speed, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    if (pr_config_enum(cfg, "live.scan", "bar_close", scans, &scan, &e) != PR_OK) bt_errors_add(errs, "%s", e.msg);
    return errs->n + errs->dropped - n0;
}

static void print_start(const paper_ctx *c, const bt_settings *s, const pr_runner_market *mk, size_t n, FILE *f) {
    fprintf(f, "mode         PAPER (simulated fills, no venue, no real money)\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "trading      %s %s (%s)%s%s\n", mk[i].spec.inst.symbol, pr_tf_name(mk[i].tf), s->markets[i].src.spec,
                mk[i].fine_tf ? ", finer bars " : "", mk[i].fine_tf ? pr_tf_name(mk[i].fine_tf) : "");
    if (c->speed > 0) fprintf(f, "feed         replay of the configured data at %g x real time\n", c->speed);
    else fprintf(f, "feed         replay of the configured data, as fast as possible\n");
    fprintf(f, "decisions    at each bar's close; Ctrl-C finishes the current step and writes the session\n");
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

static int paper_exec(void *user, const bt_settings *s, const pr_backtest_config *bc, pr_pipeline *pipe,
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
    pr_runner_config rcfg = {.n_markets = n, .markets = mk, .start_cash = bc->start_cash,
                             .trade_from = bc->trade_from};
    pr_strlcpy(rcfg.ccy, bc->ccy, sizeof rcfg.ccy);
    pr_runner *r = NULL;
    pr_feed *f = NULL;
    pr_feed_replay_options fo = {.speed = c->speed};
    if ((rc = pr_runner_new(&rcfg, pipe, &r, err)) != PR_OK) return rc;
    if ((rc = pr_feed_replay_new(sp, n_sp, &fo, &f, err)) != PR_OK) {
        pr_runner_free(r);
        return rc;
    }
    print_start(c, s, mk, n, stderr);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = pr_runner_run(r, f, &g_stop, &c->stopped, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    c->stopped_at = st.last_close;
    c->traded_bars = st.bars - st.warmup_bars;
    if (rc == PR_OK) rc = pr_runner_result(r, res, err);
    pr_feed_free(f);
    pr_runner_free(r);
    return rc;
}

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
    fprintf(f, "session      PAPER %s at the close of %s: %zu steps, %zu trades closed, P&L %.2f %s\n",
            c->stopped ? "stopped by a signal" : "ended with the feed", t, res->n_steps, res->n_trades,
            res->final_equity - res->start_cash, res->ccy);
    if (res->n_open == 0) fprintf(f, "positions    none\n");
    for (size_t k = 0; k < res->n_open; k++) {
        const pr_trade *o = &res->open_trades[k];
        fprintf(f, "position     %s %s %.10g at %.10g, marked %.10g, open P&L %.2f %s\n",
                bc->markets[o->instrument].spec.inst.symbol, o->side > 0 ? "long" : "short", o->size,
                o->entry_price, o->exit_price, o->pnl, res->ccy);
    }
}

int pr_cli_paper(int argc, char **argv) {
    paper_ctx c = {.stopped_at = PR_TIME_NONE};
    const bt_mode md = {.cmd = "paper", .usage = k_usage, .user = &c, .read = paper_read, .exec = paper_exec,
                        .bars = paper_bars, .after = paper_after};
    return bt_command(argc, argv, &md);
}

int pr_cli_live(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (pr_cli_is_help(argv[i])) {
            puts(k_live_usage);
            return PR_EXIT_OK;
        }
    fprintf(stderr, "proratio live: no venue adapter yet: live trading needs a venue (Binance, OANDA), which this "
                    "build does not have; nothing was sent anywhere. 'proratio paper --config FILE' runs the same "
                    "configuration against the paper broker\n");
    return PR_EXIT_FAIL;
}
