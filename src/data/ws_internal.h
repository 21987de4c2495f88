/* Internal to the data module's WebSocket users (ws_client.c, the Binance
 * kline feed): the one way they make a libwebsockets client context, start
 * a connection, word a failed one, and assemble a message. */
#ifndef PR_DATA_WS_INTERNAL_H
#define PR_DATA_WS_INTERNAL_H
#ifdef PR_HAVE_LWS
#include <libwebsockets.h>

/* A client context (no listening port) for `protocols`, its user pointer
 * `user`, with TLS set up when tls; lws's own logging off (a library never
 * prints). NULL when it cannot be made. */
struct lws_context *pr_ws_context_new(const struct lws_protocols *protocols, void *user, int tls);

/* Starts a client connection of ctx to host:port/path (TLS when tls), with
 * the idle policy every user wants: a quiet connection is pinged after 30 s
 * and dropped after 60 s (a half-open TCP connection never reports itself).
 * NULL when it cannot start; callbacks may run before it returns. */
struct lws *pr_ws_connect(struct lws_context *ctx, const char *host, int port, const char *path, int tls);

/* The reason of LWS_CALLBACK_CLIENT_CONNECTION_ERROR (its `in`, len) as
 * "connection to host:port failed: ..." into why. */
void pr_ws_connect_error(char *why, size_t cap, const char *host, int port, const void *in, size_t len);

/* One message assembled from its fragments (at most 16 MiB). */
typedef struct pr_ws_rx {
    char *buf;
    size_t len, cap;
    int bad;                 /* too large, or out of memory: the message is dropped */
} pr_ws_rx;

/* A received fragment of wsi: 1 when it completes a message (buf[0..len)
 * NUL-terminated, unless bad), which the next fragment starts over;
 * 0 while more are to come. */
int pr_ws_rx_add(pr_ws_rx *rx, struct lws *wsi, const void *in, size_t len);
#endif
#endif
