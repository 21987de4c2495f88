/* Internal to the data module's WebSocket users (ws_client.c, the Binance
 * kline feed): the one way they make a libwebsockets client context. */
#ifndef PR_DATA_WS_INTERNAL_H
#define PR_DATA_WS_INTERNAL_H
#ifdef PR_HAVE_LWS
#include <libwebsockets.h>

/* A client context (no listening port) for `protocols`, its user pointer
 * `user`, with TLS set up when tls; lws's own logging off (a library never
 * prints). NULL when it cannot be made. */
struct lws_context *pr_ws_context_new(const struct lws_protocols *protocols, void *user, int tls);
#endif
#endif
