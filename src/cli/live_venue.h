/* Internal to the CLI: the venue of `proratio live` — the `live.venue`
 * section, the keys from the environment (or ./.env), the refusals before
 * anything is sent (mainnet without the real-money acknowledgement or with
 * a key that may withdraw) and the startup lines saying where and how. */
#ifndef PR_CLI_LIVE_VENUE_H
#define PR_CLI_LIVE_VENUE_H
#include <stdio.h>

#include "backtest_config.h"
#include "proratio/live.h"

typedef struct live_venue {
    char name[32];
    pr_venue_urls urls;
    char account[64];        /* live.venue.account ("": the venue's env variable) */
    int mainnet;
    int real_money;          /* live.i_understand_this_is_real_money           */
    long leverage;           /* derivatives: per symbol; 0 leaves the venue's   */
    int margin;              /* derivatives: -1 as the venue has it, 0 cross, 1 isolated */
    const char *url_flag;    /* --venue-url URL (REST base), or NULL            */
    int user_stream;         /* live.venue.user_stream (default: the venue has one) */
    double keepalive_s;      /* live.venue.keepalive_s: listen key keep-alive  */
    double stream_wait_s;    /* live.venue.stream_wait_s: an order's wait for the stream before it is polled */
    int protect;             /* live.venue.brackets "venue": stops and targets rest there */
    double stop_offset;      /* live.venue.stop_limit_offset                    */
    pr_venue v;
    int open;
    pr_venue_mirror *mirror;
    pr_venue_stream *stream;
    char stream_why[512];    /* why the session polls instead ("": it streams) */
} live_venue;

/* The live.venue section into lv; one message per problem into errs. */
size_t live_venue_read(live_venue *lv, const pr_config *cfg, bt_errors *errs);
/* Keys, refusals, connection and each symbol's rules; then the startup
 * lines to f. */
int live_venue_open(live_venue *lv, const char *const *symbols, size_t n, FILE *f, pr_err *err);
void live_venue_close(live_venue *lv);
/* After the mirror exists: opens the user-data stream (when configured and
 * the venue has one) and tells the mirror; a stream that cannot open is
 * not fatal: the fills are polled, and a line to f says why. */
void live_venue_use_stream(live_venue *lv, FILE *f);
/* At the end: the open orders' fills (stream, then polling) and the line
 * saying how they were learned. */
int live_venue_settle(live_venue *lv, pr_err *err);
void live_venue_fills_line(const live_venue *lv, const pr_venue_mirror_stats *st, FILE *f);
/* The venue's open positions (derivatives), one line each, to f. */
void live_venue_positions(live_venue *lv, FILE *f);
#endif
