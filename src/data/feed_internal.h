/* Internal to the feeds (feed*.c): the vtable behind pr_feed, the queue of
 * events a feed has ready, per-stream "last delivered" bookkeeping (which
 * makes every bar come once) and the clock helpers. */
#ifndef PR_FEED_INTERNAL_H
#define PR_FEED_INTERNAL_H

#include "proratio/data/feed.h"

typedef struct feed_vt {
    /* Produces events into f->q (waiting at most until deadline_ms on the
     * feed's clock; PR_TIME_NONE: no limit); 0 also when none came. */
    int (*pump)(pr_feed *f, int64_t deadline_ms, pr_err *err);
    void (*destroy)(pr_feed *f);
} feed_vt;

typedef struct feed_queue {
    pr_feed_event *ev;
    size_t head, len, cap;
} feed_queue;

struct pr_feed {
    const feed_vt *vt;
    feed_queue q;
    pr_feed_stream *streams;
    int64_t *last;           /* per stream: open time of the last bar given  */
    size_t n;
    pr_dl_clock clock;
    int64_t offset_ms;       /* venue clock - local clock                    */
    int ended;
};

/* Allocates a feed of `size` bytes (a struct starting with pr_feed) for
 * these streams. */
int feed_alloc(size_t size, const feed_vt *vt, const pr_feed_stream *streams, size_t n, const pr_dl_clock *clock,
               pr_feed **out, pr_err *err);
int feed_push(pr_feed *f, const pr_feed_event *ev);
/* Queues a status event (the detail printf-style). */
int feed_status(pr_feed *f, pr_feed_state st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Index of the stream (symbol case-insensitive, tf), or -1. */
int feed_stream_index(const pr_feed *f, const char *symbol, pr_timeframe tf);
/* Queues the bar when it is newer than the stream's last one (and notes
 * it); 1 queued, 0 dropped as already given, PR_ENOMEM. */
int feed_offer_bar(pr_feed *f, int stream, const pr_feed_event *bar);
/* Puts the bars queued since the queue held `mark` events in time order
 * (ties in the order they came: stream order), status events keeping their
 * places: a round that fetched several streams one after the other (a
 * backfill, a poll) still gives the bars of all streams in time order. */
int feed_order_since(pr_feed *f, size_t mark);
/* The feed's clock: local (injected or wall) + offset. */
int64_t feed_now(const pr_feed *f);
int64_t feed_local_now(const pr_feed *f);
void feed_sleep(const pr_feed *f, int64_t ms);

#endif
