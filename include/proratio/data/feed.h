/* Live feeds of closed bars (pr_feed): one pull interface for the runner
 * over a Binance WebSocket kline stream (with REST backfill after each
 * reconnect), REST polling (OANDA, Yahoo: at each bar's close plus a small
 * delay) and the replay of stored bars at any speed. A feed has no thread
 * of its own: pr_feed_next does the I/O (and the waiting) of the calling
 * thread, up to its timeout. Bars come in time order (their close time,
 * then the order the streams were given), each exactly once; the state
 * changes (connecting, disconnected, reconnecting, backfilling, live,
 * ended) come through the same call as status events with their context. */
#ifndef PRORATIO_DATA_FEED_H
#define PRORATIO_DATA_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/download.h"
#include "proratio/data/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_feed pr_feed;

/* One (instrument, timeframe) a feed delivers. */
typedef struct pr_feed_stream {
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
} pr_feed_stream;

typedef enum pr_feed_state {
    PR_FEED_CONNECTING = 0,  /* first connection under way                  */
    PR_FEED_LIVE,            /* receiving                                   */
    PR_FEED_DISCONNECTED,    /* the connection dropped (detail says why)    */
    PR_FEED_RECONNECTING,    /* a new connection after a backoff            */
    PR_FEED_BACKFILLING,     /* fetching the bars missed while away (REST)  */
    PR_FEED_ERROR,           /* a request failed; the feed goes on (retry)  */
    PR_FEED_ENDED            /* nothing more will come (replay finished)    */
} pr_feed_state;

/* "connecting", "live", ... */
const char *pr_feed_state_name(pr_feed_state s);

typedef enum pr_feed_event_kind { PR_FEED_EV_BAR = 1, PR_FEED_EV_STATUS = 2 } pr_feed_event_kind;

typedef struct pr_feed_event {
    pr_feed_event_kind kind;
    /* PR_FEED_EV_BAR: one closed bar (ts = its open time, UTC ms). */
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
    int64_t ts;
    double open, high, low, close, volume;
    /* PR_FEED_EV_STATUS */
    pr_feed_state state;
    int64_t at_ms;           /* when (the feed's clock, skew applied)       */
    char detail[256];        /* context: URL, error, range backfilled       */
} pr_feed_event;

/* Waits up to timeout_ms (0: only what is ready; negative: no limit) for
 * the next event. Returns 0 with *ev filled, PR_ETIMEOUT when nothing came
 * in time (not a failure), or a negative status for a failure the feed
 * cannot go on from (err says why). After PR_FEED_ENDED every call
 * returns that status event again. */
int pr_feed_next(pr_feed *f, int timeout_ms, pr_feed_event *ev, pr_err *err);
/* The offset (venue minus local clock, ms) the feed applies; 0 if none. */
int64_t pr_feed_clock_offset(const pr_feed *f);
void pr_feed_free(pr_feed *f);

/* ---- replay ------------------------------------------------------------------ */
typedef struct pr_feed_replay_options {
    double speed;            /* 0: as fast as possible; N: N x real time     */
    pr_dl_clock clock;       /* NULL members: the wall clock, nanosleep      */
} pr_feed_replay_options;

/* Plays the bars of series[0..n) (each with its tf and symbol set; the feed
 * copies them) merged by close time. */
int pr_feed_replay_new(const pr_series *const *series, size_t n, const pr_feed_replay_options *o, pr_feed **out,
                       pr_err *err);
/* The same over stored bars of (venue, stream) in [from_ms, to_ms)
 * (PR_TIME_NONE: unbounded). */
int pr_feed_replay_store(pr_store *st, const char *venue, const pr_feed_stream *streams, size_t n, int64_t from_ms,
                         int64_t to_ms, const pr_feed_replay_options *o, pr_feed **out, pr_err *err);

/* ---- clock skew ----------------------------------------------------------------- */
/* Asks Binance `GET /api/v3/time` at rest_url and returns the offset to add
 * to the local clock: serverTime - (local time half-way through the
 * request). get/clock as in pr_dl_options (NULL: libcurl, wall clock). */
int pr_feed_binance_clock_offset(const char *rest_url, pr_dl_get_fn get, void *get_user, const pr_dl_clock *clock,
                                 int64_t *offset_ms, pr_err *err);
/* The same for USD-M futures: `GET /fapi/v1/time` (rest_url NULL:
 * https://fapi.binance.com). */
int pr_feed_binance_futures_clock_offset(const char *rest_url, pr_dl_get_fn get, void *get_user,
                                         const pr_dl_clock *clock, int64_t *offset_ms, pr_err *err);

/* ---- Binance WebSocket kline stream ------------------------------------------------ */
typedef struct pr_feed_binance_options {
    const char *ws_url;      /* NULL: wss://stream.binance.com:9443          */
    const char *rest_url;    /* NULL: https://api.binance.com (backfill, time) */
    int combined;            /* 1: /stream?streams=a/b; 0: /ws/<stream> (one
                                stream only); -1 (default): combined when
                                more than one stream                         */
    int64_t since_ms;        /* first bar wanted (backfilled at the first
                                connect); PR_TIME_NONE: from the stream on    */
    int64_t backoff_ms;      /* first reconnect delay; 0 -> 1000 (doubles,
                                at most max_backoff_ms)                      */
    int64_t max_backoff_ms;  /* 0 -> 60000                                   */
    int sync_clock;          /* 1 (default): /api/v3/time at each connect    */
    double timeout_s;        /* REST requests; 0 -> 30                       */
    pr_dl_get_fn get;        /* REST transport; NULL: libcurl                */
    void *get_user;
    pr_dl_clock clock;
    int futures;             /* 1: USD-M futures: wss://fstream.binance.com,
                                backfill /fapi/v1/klines at
                                https://fapi.binance.com, time /fapi/v1/time */
} pr_feed_binance_options;

void pr_feed_binance_options_init(pr_feed_binance_options *o);
/* PR_EUNSUPPORTED when built without libwebsockets. */
int pr_feed_binance_new(const pr_feed_stream *streams, size_t n, const pr_feed_binance_options *o, pr_feed **out,
                        pr_err *err);

/* One kline message (raw `{"e":"kline",...}` or combined `{"stream",
 * "data"}`): returns 1 and fills the bar fields of *ev (kind BAR) when it
 * is a kline, *closed set from `x`; 0 when it is another message (e.g. a
 * subscription reply); PR_EPARSE when it is not what Binance sends. */
int pr_feed_binance_parse(const char *msg, size_t len, pr_feed_event *ev, int *closed, pr_err *err);

/* ---- REST polling ------------------------------------------------------------------ */
typedef struct pr_feed_poll_options {
    const char *source;      /* a pr_dl_source name: "oanda", "yahoo", ...  */
    const char *base_url;    /* NULL: the source's                           */
    const char *key;         /* the source's key (secret), or NULL           */
    int64_t delay_ms;        /* after each bar's close; 0 -> 2000            */
    int64_t since_ms;        /* first bar wanted; PR_TIME_NONE: the last bar
                                closed when the feed starts                  */
    double timeout_s;
    pr_dl_get_fn get;
    void *get_user;
    pr_dl_clock clock;
} pr_feed_poll_options;

int pr_feed_poll_new(const pr_feed_stream *streams, size_t n, const pr_feed_poll_options *o, pr_feed **out,
                     pr_err *err);

/* Asks the source (o: source, base_url, key, timeout_s, get, clock) once
 * for the stream's last few closed bars, so a session can tell before it
 * starts which of its markets a venue cannot serve: 0 when the venue
 * answers (with bars or none), otherwise the failure with the venue's
 * message (PR_EUNSUPPORTED: a timeframe the source lacks; an unknown
 * symbol: the venue's refusal, e.g. Binance -1121). Transient failures are
 * retried as a download retries them. */
int pr_feed_probe(const pr_feed_stream *stream, const pr_feed_poll_options *o, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
