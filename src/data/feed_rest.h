/* Internal to the feeds: the REST fetch shared by the WebSocket backfill
 * and the polling feed (src/data/feed_rest.c). */
#ifndef PR_FEED_REST_H
#define PR_FEED_REST_H

#include "feed_internal.h"

/* Fetches the closed bars of stream from from_ms (or after its last given
 * bar, whichever is later) to the feed's now, page by page, and queues the
 * new ones in time order; *given counts them. */
int feed_rest_fetch(pr_feed *f, pr_dl_session *s, int stream, int64_t from_ms, size_t *given, pr_err *err);

#endif
