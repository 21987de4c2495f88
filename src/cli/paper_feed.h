/* Internal to the CLI: the feed of a paper or live session (the `live`
 * section's feed settings and scan interval): read and validated with
 * their config paths, the markets a live feed cannot serve skipped with
 * one message each, and the live feed (Binance WebSocket klines or REST
 * polling) opened over the markets left. */
#ifndef PR_PAPER_FEED_H
#define PR_PAPER_FEED_H
#include <stdio.h>

#include "backtest_config.h"
#include "proratio/data/feed.h"
#include "proratio/live.h"

enum { PAPER_FEED_REPLAY = 0, PAPER_FEED_BINANCE, PAPER_FEED_POLL };

typedef struct paper_feed {
    int kind;                        /* PAPER_FEED_*                                */
    int64_t scan_ms;                 /* live.scan; 0: "bar_close" (every bar)        */
    char source[32];                 /* binance: binance / binance-futures; poll: a
                                        download source (binance, oanda, yahoo, ...) */
    char base_url[512];              /* REST base ("": the source's)                */
    char ws_url[512];                /* WebSocket base ("": Binance's)               */
    int64_t poll_delay_ms;           /* after each bar's close                       */
    size_t n_map;                    /* live.symbols: dataset symbol -> venue symbol  */
    char map_from[BT_MAX_MARKETS][PR_SYMBOL_MAX];
    char map_to[BT_MAX_MARKETS][PR_SYMBOL_MAX];
} paper_feed;

/* live.feed, live.scan, live.source, live.base_url, live.ws_url,
 * live.poll_delay_ms and live.symbols into pf; one message per problem
 * into errs (their number is returned). */
size_t paper_feed_read(paper_feed *pf, const pr_config *cfg, bt_errors *errs);

/* The scan interval against the markets' decision timeframes: longer than
 * a bar, it must be a whole number of them (a bar as long or longer is
 * decided at each of its closes). */
int paper_feed_check_scan(const paper_feed *pf, const pr_runner_market *mk, size_t n, pr_err *err);

/* Live feeds: each market's venue symbol (feed_symbol), and the markets
 * the feed cannot serve (a timeframe it lacks, a symbol the venue does not
 * know) marked no_feed with one line each on f; PR_ENOTFOUND when none is
 * left. */
int paper_feed_markets(const paper_feed *pf, pr_runner_market *mk, size_t n, FILE *f, pr_err *err);

/* The feed time now: the venue's clock for Binance (GET /time), the local
 * clock for polling. */
int paper_feed_now(const paper_feed *pf, int64_t *now_ms, pr_err *err);

/* Opens the live feed over the markets not skipped (their finer bars'
 * streams first), from since_ms on (the bars missed since are backfilled). */
int paper_feed_open(const paper_feed *pf, const pr_runner_market *mk, size_t n, int64_t since_ms, pr_feed **out,
                    pr_err *err);

/* One line for the startup banner: what feeds the session. */
void paper_feed_describe(const paper_feed *pf, double speed, FILE *f);

#endif
