/* The WebSocket client of proratio/data/ws.h: one libwebsockets context
 * per connection, serviced by the caller (no thread), messages assembled
 * from their fragments and given whole. Used by the live module's
 * user-data streams; the kline feed (feed_binance_ws.c) shares the URL
 * reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/data/ws.h"

int pr_ws_split_url(const char *url, char *host, size_t host_cap, int *port, int *tls, char *path, size_t path_cap,
                    pr_err *err) {
    const char *p;
    *tls = 0;
    if (strncmp(url, "wss://", 6) == 0) {
        *tls = 1;
        *port = 443;
        p = url + 6;
    } else if (strncmp(url, "ws://", 5) == 0) {
        *port = 80;
        p = url + 5;
    } else {
        return pr_err_set(err, PR_EINVAL, "WebSocket URL '%s': expected ws://... or wss://...", url);
    }
    size_t h = strcspn(p, ":/");
    if (h == 0 || h >= host_cap) return pr_err_set(err, PR_EINVAL, "WebSocket URL '%s': no host", url);
    memcpy(host, p, h);
    host[h] = '\0';
    p += h;
    if (*p == ':') {
        char *end;
        long n = strtol(p + 1, &end, 10);
        if (end == p + 1 || n < 1 || n > 65535 || (*end && *end != '/'))
            return pr_err_set(err, PR_EINVAL, "WebSocket URL '%s': bad port", url);
        *port = (int)n;
        p = end;
    }
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/') n--;
    if (n >= path_cap) return pr_err_set(err, PR_EINVAL, "WebSocket URL '%s': path too long", url);
    memcpy(path, p, n);
    path[n] = '\0';
    return PR_OK;
}

#ifndef PR_HAVE_LWS
int pr_ws_open(const char *url, pr_ws **out, pr_err *err) {
    (void)url;
    *out = NULL;
    return pr_err_set(err, PR_EUNSUPPORTED, "WebSocket: built without libwebsockets (install libwebsockets-dev, "
                      "scripts/install-deps.sh, and rebuild)");
}
int pr_ws_service(pr_ws *w, int wait_ms, pr_ws_msg_fn fn, void *user, pr_err *err) {
    (void)w, (void)wait_ms, (void)fn, (void)user;
    return pr_err_set(err, PR_EUNSUPPORTED, "WebSocket: built without libwebsockets");
}
pr_ws_state pr_ws_get_state(const pr_ws *w, char *why, size_t cap) {
    (void)w;
    if (why && cap) pr_strlcpy(why, "built without libwebsockets", cap);
    return PR_WS_CLOSED;
}
void pr_ws_close(pr_ws *w) { (void)w; }
#else
#include "ws_internal.h"

struct lws_context *pr_ws_context_new(const struct lws_protocols *protocols, void *user, int tls) {
    lws_set_log_level(0, NULL);
    struct lws_context_creation_info ci;
    memset(&ci, 0, sizeof ci);
    ci.port = CONTEXT_PORT_NO_LISTEN;
    ci.protocols = protocols;
    ci.gid = -1;
    ci.uid = -1;
    ci.user = user;
    if (tls) ci.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    return lws_create_context(&ci);
}

/* Quiet connections are pinged after 30 s and dropped after 60 s: a
 * half-open TCP connection never reports itself. */
static const lws_retry_bo_t k_idle = {NULL, 0, 0, 30, 60, 0};

struct lws *pr_ws_connect(struct lws_context *ctx, const char *host, int port, const char *path, int tls) {
    struct lws_client_connect_info cc;
    memset(&cc, 0, sizeof cc);
    cc.context = ctx;
    cc.address = host;
    cc.port = port;
    cc.path = path;
    cc.host = host;
    cc.origin = host;
    cc.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
    cc.retry_and_idle_policy = &k_idle;
    return lws_client_connect_via_info(&cc);
}

void pr_ws_connect_error(char *why, size_t cap, const char *host, int port, const void *in, size_t len) {
    snprintf(why, cap, "connection to %s:%d failed: %.*s", host, port, in ? (int)len : 7,
             in ? (const char *)in : "unknown");
}

int pr_ws_rx_add(pr_ws_rx *rx, struct lws *wsi, const void *in, size_t len) {
    if (lws_is_first_fragment(wsi)) rx->len = 0, rx->bad = 0;
    if (rx->len + len + 1 > rx->cap) {
        size_t cap = (rx->len + len + 1) * 2;
        char *p = cap <= (1u << 24) ? realloc(rx->buf, cap) : NULL;
        if (!p) rx->bad = 1;
        else rx->buf = p, rx->cap = cap;
    }
    if (!rx->bad) {
        memcpy(rx->buf + rx->len, in, len);
        rx->len += len;
        rx->buf[rx->len] = '\0';
    }
    return lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;
}

struct pr_ws {
    struct lws_context *ctx;
    struct lws *wsi;
    lws_sorted_usec_list_t wake;
    char host[256], path[1024];
    int port, tls;
    pr_ws_state state;
    char why[480];
    pr_ws_msg_fn fn;         /* set while pr_ws_service runs                 */
    void *user;
    pr_ws_rx rx;
};

static void ended(pr_ws *w, const char *why) {
    if (w->state == PR_WS_CLOSED) return;
    w->state = PR_WS_CLOSED;
    w->wsi = NULL;
    pr_strlcpy(w->why, why, sizeof w->why);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    pr_ws *w = lws_context_user(lws_get_context(wsi));
    if (!w || (w->wsi && w->wsi != wsi)) return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        w->state = PR_WS_OPEN;
        w->rx.len = 0;
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        char why[480];
        pr_ws_connect_error(why, sizeof why, w->host, w->port, in, len);
        ended(w, why);
        break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        ended(w, "the server closed the connection");
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (pr_ws_rx_add(&w->rx, wsi, in, len) && !w->rx.bad && w->fn) w->fn(w->user, w->rx.buf, w->rx.len);
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols k_protocols[] = {
    {"proratio-ws", callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_wake(lws_sorted_usec_list_t *sul) { (void)sul; }

int pr_ws_open(const char *url, pr_ws **out, pr_err *err) {
    *out = NULL;
    pr_ws *w = calloc(1, sizeof *w);
    if (!w) return pr_err_set(err, PR_ENOMEM, "WebSocket: out of memory");
    int rc = pr_ws_split_url(url, w->host, sizeof w->host, &w->port, &w->tls, w->path, sizeof w->path, err);
    if (rc == PR_OK && !w->path[0]) pr_strlcpy(w->path, "/", sizeof w->path);
    if (rc == PR_OK) {
        w->ctx = pr_ws_context_new(k_protocols, w, w->tls);
        if (!w->ctx) rc = pr_err_set(err, PR_ENOMEM, "WebSocket: could not create the context");
    }
    if (rc != PR_OK) {
        pr_ws_close(w);
        return rc;
    }
    w->state = PR_WS_CONNECTING;
    struct lws *wsi = pr_ws_connect(w->ctx, w->host, w->port, w->path, w->tls);
    if (w->state == PR_WS_CONNECTING) w->wsi = wsi;
    if (!wsi) ended(w, "could not start the connection");
    *out = w;
    return PR_OK;
}

int pr_ws_service(pr_ws *w, int wait_ms, pr_ws_msg_fn fn, void *user, pr_err *err) {
    (void)err;
    if (w->state == PR_WS_CLOSED) return PR_OK;
    w->fn = fn;
    w->user = user;
    if (wait_ms <= 0) {
        /* a negative timeout: what is ready, no waiting */
        lws_service(w->ctx, -1);
    } else {
        lws_sul_schedule(w->ctx, 0, &w->wake, on_wake, (lws_usec_t)wait_ms * 1000);
        lws_service(w->ctx, 0);
        lws_sul_schedule(w->ctx, 0, &w->wake, on_wake, LWS_SET_TIMER_USEC_CANCEL);
    }
    w->fn = NULL;
    return PR_OK;
}

pr_ws_state pr_ws_get_state(const pr_ws *w, char *why, size_t cap) {
    if (why && cap) pr_strlcpy(why, w->state == PR_WS_CLOSED ? w->why : "", cap);
    return w->state;
}

void pr_ws_close(pr_ws *w) {
    if (!w) return;
    if (w->ctx) lws_context_destroy(w->ctx);
    free(w->rx.buf);
    free(w);
}
#endif
