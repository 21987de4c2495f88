/* The Binance kline feed over a WebSocket (libwebsockets; Debian 12's
 * libcurl 7.88 is built without its experimental WebSocket support): raw
 * (`/ws/<sym>@kline_<tf>`) or combined (`/stream?streams=a/b`) streams, only
 * `x: true` bars given, pings answered by libwebsockets with the same
 * payload, reconnects with exponential backoff, and after each (re)connect
 * the clock checked against `/api/v3/time` and the bars missed while away
 * fetched by REST before any streamed bar is given, so the sequence has no
 * hole; the per-stream "last given" rule drops the duplicates. USD-M
 * futures (o->futures) are the same protocol on other hosts:
 * wss://fstream.binance.com, /fapi/v1/klines and /fapi/v1/time. No thread:
 * lws_service runs inside pr_feed_next. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed_rest.h"
#include "proratio/data/ws.h"

void pr_feed_binance_options_init(pr_feed_binance_options *o) {
    memset(o, 0, sizeof *o);
    o->combined = -1;
    o->since_ms = PR_TIME_NONE;
    o->sync_clock = 1;
}

#ifndef PR_HAVE_LWS
int pr_feed_binance_new(const pr_feed_stream *streams, size_t n, const pr_feed_binance_options *o, pr_feed **out,
                        pr_err *err) {
    (void)streams;
    (void)n;
    (void)o;
    *out = NULL;
    return pr_err_set(err, PR_EUNSUPPORTED, "binance feed: built without libwebsockets (install libwebsockets-dev, "
                      "scripts/install-deps.sh, and rebuild)");
}
#else
#include "ws_internal.h"

typedef struct ws_feed {
    pr_feed base;
    struct lws_context *ctx;
    struct lws *wsi;
    lws_sorted_usec_list_t wake;
    pr_dl_session rest;
    char host[256], path[1200];
    int port, tls;
    int64_t since_ms, backoff0, backoff_max, backoff;
    int64_t reconnect_at;    /* local ms; PR_TIME_NONE: connect now          */
    int connects;
    int attempt;             /* 1 while a connection is under way or open    */
    int connected, need_backfill, sync_clock, futures;
    feed_queue held;         /* closed bars received before the backfill ended */
    pr_ws_rx rx;             /* one message, assembled from its fragments    */
    pr_err fatal;            /* a failure inside a callback (out of memory)  */
} ws_feed;

static void deliver(ws_feed *w, const char *msg, size_t len) {
    pr_feed_event ev;
    int closed = 0;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_feed_binance_parse(msg, len, &ev, &closed, &e);
    if (rc < 0) {
        feed_status(&w->base, PR_FEED_ERROR, "%s (message ignored)", e.msg);
        return;
    }
    if (rc == 0 || !closed) return; /* not a kline, or the bar is still forming */
    int i = feed_stream_index(&w->base, ev.symbol, ev.tf);
    if (i < 0) return;
    if (w->need_backfill) {
        /* Held until the REST backfill has given what came before it. */
        pr_feed *h = &w->base;
        feed_queue q = h->q;
        h->q = w->held;
        if (feed_push(h, &ev) != PR_OK) pr_err_set(&w->fatal, PR_ENOMEM, "binance feed: out of memory");
        w->held = h->q;
        h->q = q;
        return;
    }
    if (feed_offer_bar(&w->base, i, &ev) < 0) pr_err_set(&w->fatal, PR_ENOMEM, "binance feed: out of memory");
    w->backoff = w->backoff0; /* a bar came: the connection works */
}

static void gone(ws_feed *w, const char *why) {
    if (!w->attempt) return; /* already noted */
    w->attempt = 0;
    w->wsi = NULL;
    w->connected = 0;
    w->reconnect_at = feed_local_now(&w->base) + w->backoff;
    feed_status(&w->base, PR_FEED_DISCONNECTED, "%.200s; reconnecting in %lld ms", why, (long long)w->backoff);
    w->backoff = w->backoff * 2 > w->backoff_max ? w->backoff_max : w->backoff * 2;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    ws_feed *w = lws_context_user(lws_get_context(wsi));
    if (!w) return 0;
    /* A connection given up on (failed backfill) may still report its end
     * after the next one started: only the current one counts. */
    if (w->wsi && w->wsi != wsi) return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        w->connected = 1;
        w->need_backfill = 1;
        w->rx.len = 0;
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        char why[480];
        pr_ws_connect_error(why, sizeof why, w->host, w->port, in, len);
        gone(w, why);
        break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        gone(w, "the server closed the connection");
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!pr_ws_rx_add(&w->rx, wsi, in, len)) break;
        if (w->rx.bad) feed_status(&w->base, PR_FEED_ERROR, "a message over 16 MiB was ignored");
        else deliver(w, w->rx.buf, w->rx.len);
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols k_protocols[] = {
    {"proratio-feed", callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_wake(lws_sorted_usec_list_t *sul) { (void)sul; }

/* ws[s]://host[:port][/prefix] -> host, port, tls and the path prefix. */
static int split_url(ws_feed *w, const char *url, char *prefix, size_t cap, pr_err *err) {
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_ws_split_url(url, w->host, sizeof w->host, &w->port, &w->tls, prefix, cap, &e);
    return rc == PR_OK ? PR_OK : pr_err_set(err, rc, "binance feed: %s", e.msg);
}

static int build_path(ws_feed *w, const char *prefix, int combined, pr_err *err) {
    const pr_feed *f = &w->base;
    if (!combined && f->n > 1)
        return pr_err_set(err, PR_EINVAL, "binance feed: a raw stream (/ws/...) carries one stream; %zu given", f->n);
    size_t at = (size_t)snprintf(w->path, sizeof w->path, "%s%s", prefix, combined ? "/stream?streams=" : "/ws/");
    for (size_t i = 0; i < f->n; i++) {
        char name[64];
        size_t k = 0;
        for (const char *s = f->streams[i].symbol; *s && k < 40; s++) name[k++] = (char)tolower((unsigned char)*s);
        name[k] = '\0';
        int m = snprintf(w->path + at, sizeof w->path - at, "%s%s@kline_%s", i ? "/" : "", name,
                         pr_tf_name(f->streams[i].tf));
        if (m < 0 || (size_t)m >= sizeof w->path - at)
            return pr_err_set(err, PR_EINVAL, "binance feed: too many streams for one URL");
        at += (size_t)m;
    }
    return PR_OK;
}

static int ws_connect(ws_feed *w) {
    w->connects++;
    w->reconnect_at = PR_TIME_NONE;
    w->attempt = 1;
    feed_status(&w->base, w->connects == 1 ? PR_FEED_CONNECTING : PR_FEED_RECONNECTING, "%s://%s:%d%s (attempt %d)",
                w->tls ? "wss" : "ws", w->host, w->port, w->path, w->connects);
    w->wsi = NULL;
    struct lws *wsi = pr_ws_connect(w->ctx, w->host, w->port, w->path, w->tls);
    if (w->attempt) w->wsi = wsi;
    if (!wsi) {
        gone(w, "could not start the connection");
    }
    return PR_OK;
}

/* After a (re)connect: the venue's clock, then each stream's bars from
 * after its last given one (or since_ms), then the bars held meanwhile. */
static int backfill(ws_feed *w, pr_err *err) {
    pr_feed *f = &w->base;
    w->need_backfill = 0;
    if (w->sync_clock) {
        int64_t off;
        pr_err e;
        pr_err_clear(&e);
        if ((w->futures ? pr_feed_binance_futures_clock_offset : pr_feed_binance_clock_offset)(
                w->rest.base, w->rest.o.get, w->rest.o.get_user, &f->clock, &off, &e) == PR_OK)
            f->offset_ms = off;
        else
            feed_status(f, PR_FEED_ERROR, "clock check failed (%s); the local clock is used", e.msg);
    }
    size_t mark = f->q.len;
    for (size_t i = 0; i < f->n; i++) {
        int64_t from = f->last[i] != PR_TIME_NONE ? pr_tf_next(f->streams[i].tf, f->last[i]) : w->since_ms;
        if (from == PR_TIME_NONE) continue;
        char a[PR_TIME_STR_MAX];
        pr_time_format(from, a, sizeof a);
        feed_status(f, PR_FEED_BACKFILLING, "%s %s from %s (REST %s)", f->streams[i].symbol,
                    pr_tf_name(f->streams[i].tf), a, w->rest.base);
        size_t given = 0;
        pr_err e;
        pr_err_clear(&e);
        int rc = feed_rest_fetch(f, &w->rest, (int)i, from, &given, &e);
        if (rc == PR_ENOMEM) return pr_err_set(err, rc, "%s", e.msg);
        if (rc != PR_OK) {
            /* Without the missed bars the stream would have a hole: drop
             * the connection and try the whole thing again later. */
            feed_status(f, PR_FEED_ERROR, "backfill of %s %s failed: %s", f->streams[i].symbol,
                        pr_tf_name(f->streams[i].tf), e.msg);
            w->held.len = 0;
            if (w->wsi) lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
            gone(w, "backfill failed");
            return PR_OK;
        }
    }
    for (size_t k = 0; k < w->held.len; k++) {
        const pr_feed_event *ev = &w->held.ev[(w->held.head + k) % w->held.cap];
        int i = feed_stream_index(f, ev->symbol, ev->tf);
        if (i >= 0 && feed_offer_bar(f, i, ev) < 0) return pr_err_set(err, PR_ENOMEM, "binance feed: out of memory");
    }
    w->held.len = w->held.head = 0;
    if (feed_order_since(f, mark) != PR_OK) return pr_err_set(err, PR_ENOMEM, "binance feed: out of memory");
    return feed_status(f, PR_FEED_LIVE, "streaming %zu stream(s)", f->n) == PR_OK
               ? PR_OK
               : pr_err_set(err, PR_ENOMEM, "binance feed: out of memory");
}

static int ws_pump(pr_feed *f, int64_t deadline, pr_err *err) {
    ws_feed *w = (ws_feed *)f;
    int64_t now = feed_local_now(f);
    if (!w->attempt) {
        if (w->reconnect_at == PR_TIME_NONE || now >= w->reconnect_at) return ws_connect(w);
        int64_t until = deadline != PR_TIME_NONE && deadline < w->reconnect_at ? deadline : w->reconnect_at;
        feed_sleep(f, until - now);
        return PR_OK;
    }
    if (w->connected && w->need_backfill) return backfill(w, err);
    int64_t wait = deadline == PR_TIME_NONE ? 250 : deadline - now;
    if (wait > 250) wait = 250;
    if (wait < 0) wait = 0;
    lws_sul_schedule(w->ctx, 0, &w->wake, on_wake, (lws_usec_t)wait * 1000);
    lws_service(w->ctx, 0);
    lws_sul_schedule(w->ctx, 0, &w->wake, on_wake, LWS_SET_TIMER_USEC_CANCEL);
    if (w->fatal.code) {
        *err = w->fatal;
        return w->fatal.code;
    }
    return PR_OK;
}

static void ws_destroy(pr_feed *f) {
    ws_feed *w = (ws_feed *)f;
    if (w->ctx) lws_context_destroy(w->ctx);
    pr_dl_session_free(&w->rest);
    free(w->held.ev);
    free(w->rx.buf);
}

static const feed_vt k_ws_vt = {ws_pump, ws_destroy};

int pr_feed_binance_new(const pr_feed_stream *streams, size_t n, const pr_feed_binance_options *o, pr_feed **out,
                        pr_err *err) {
    *out = NULL;
    pr_feed_binance_options d;
    pr_feed_binance_options_init(&d);
    if (!o) o = &d;
    for (size_t i = 0; streams && i < n; i++)
        if (!pr_dl_binance_has_tf(streams[i].tf, o->futures))
            return pr_err_set(err, PR_EUNSUPPORTED, "binance%s feed: no %s klines (intervals: %s)",
                              o->futures ? " futures" : "", pr_tf_name(streams[i].tf),
                              pr_dl_binance_intervals(o->futures));
    pr_feed *f;
    int rc = feed_alloc(sizeof(ws_feed), &k_ws_vt, streams, n, &o->clock, &f, err);
    if (rc != PR_OK) return rc;
    ws_feed *w = (ws_feed *)f;
    /* Binance's REST wants BTCUSDT, its stream names btcusdt: keep one. */
    for (size_t i = 0; i < n; i++)
        for (char *c = f->streams[i].symbol; *c; c++) *c = (char)toupper((unsigned char)*c);
    w->since_ms = o->since_ms;
    w->backoff0 = w->backoff = o->backoff_ms > 0 ? o->backoff_ms : 1000;
    w->backoff_max = o->max_backoff_ms > 0 ? o->max_backoff_ms : 60000;
    w->reconnect_at = PR_TIME_NONE;
    w->sync_clock = o->sync_clock;
    w->futures = o->futures;
    char prefix[512];
    const char *ws_default = o->futures ? "wss://fstream.binance.com" : "wss://stream.binance.com:9443";
    rc = split_url(w, o->ws_url && *o->ws_url ? o->ws_url : ws_default, prefix, sizeof prefix, err);
    if (rc == PR_OK) rc = build_path(w, prefix, o->combined < 0 ? n > 1 : o->combined, err);
    pr_dl_options r;
    pr_dl_options_init(&r);
    r.base_url = o->rest_url;
    r.get = o->get;
    r.get_user = o->get_user;
    r.clock = o->clock;
    r.timeout_s = o->timeout_s;
    r.max_retries = 3;
    if (rc == PR_OK)
        rc = pr_dl_session_init(&w->rest, o->futures ? &pr_dl_source_binance_futures : &pr_dl_source_binance, &r, err);
    if (rc == PR_OK) {
        w->ctx = pr_ws_context_new(k_protocols, w, w->tls);
        if (!w->ctx) rc = pr_err_set(err, PR_ENOMEM, "binance feed: could not create the WebSocket context");
    }
    if (rc != PR_OK) {
        pr_feed_free(f);
        return rc;
    }
    *out = f;
    return PR_OK;
}
#endif
