/* A venue's user-data stream, venue-independent: the listen key from the
 * venue (ops->listen_key), kept alive every keepalive_ms of the given
 * clock, the WebSocket (proratio/data/ws.h) reconnected after a drop (the
 * key kept alive first; a new key when the venue says the old one is gone,
 * e.g. Binance -1125, or the stream says it expired) and the key deleted on
 * close. No thread: pr_venue_stream_poll runs the socket for at most the
 * time it is given and returns the events read meanwhile, parsed by the
 * venue (ops->stream_parse), so a caller polls it between its own work and
 * never waits on the venue longer than it chose. */
#ifndef PRORATIO_LIVE_VENUE_STREAM_H
#define PRORATIO_LIVE_VENUE_STREAM_H

#include "proratio/live/venue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_venue_stream_options {
    const char *url;          /* WebSocket base ("" / NULL: the venue's)     */
    int mainnet;              /* which default base                          */
    int64_t keepalive_ms;     /* 0 -> 30 minutes (Binance's keys live 60)    */
    int64_t retry_ms;         /* wait before reconnecting; 0 -> 1000         */
    pr_dl_clock clock;        /* NULL members: real time                     */
} pr_venue_stream_options;

typedef struct pr_venue_stream_stats {
    size_t connects;          /* connections opened                          */
    size_t drops;             /* connections lost                            */
    size_t keepalives;        /* keep-alives sent                            */
    size_t keys;              /* listen keys created                         */
    size_t events;            /* events read                                 */
    size_t unreadable;        /* messages that were not the venue's JSON     */
} pr_venue_stream_stats;

typedef struct pr_venue_stream pr_venue_stream;

/* PR_EUNSUPPORTED when the venue has no user-data stream (or the build has
 * no WebSocket client). v is borrowed and must outlive the stream. */
int pr_venue_stream_open(pr_venue *v, const pr_venue_stream_options *o, pr_venue_stream **out, pr_err *err);
/* Runs the stream for up to wait_ms (0: only what is ready), doing the
 * keep-alive or reconnect that is due, and returns up to cap events in out
 * (*n); events beyond cap stay for the next call. A failed keep-alive or
 * reconnect is not an error: the stream is down (pr_venue_stream_live 0)
 * and tries again retry_ms later; why says what happened (may be NULL). */
int pr_venue_stream_poll(pr_venue_stream *s, int wait_ms, pr_venue_event *out, size_t cap, size_t *n, pr_err *err);
/* 1 while the connection is open and nothing is known to be lost. */
int pr_venue_stream_live(const pr_venue_stream *s);
/* Why the stream is down ("" when live). */
const char *pr_venue_stream_why(const pr_venue_stream *s);
void pr_venue_stream_get_stats(const pr_venue_stream *s, pr_venue_stream_stats *out);
/* Closes the connection and deletes the listen key (best effort). */
void pr_venue_stream_close(pr_venue_stream *s);

#ifdef __cplusplus
}
#endif
#endif
