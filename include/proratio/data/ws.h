/* A minimal WebSocket client (libwebsockets) for text-message streams that
 * someone else interprets: the live module's user-data streams. One
 * connection, no thread: pr_ws_service runs the socket for at most the
 * given time and hands each complete text message to a callback. A drop
 * is reported, never retried here (the owner decides when and where to
 * reconnect, e.g. with a new listen key). Built without libwebsockets,
 * pr_ws_open answers PR_EUNSUPPORTED. */
#ifndef PRORATIO_DATA_WS_H
#define PRORATIO_DATA_WS_H

#include <stddef.h>

#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_ws_state { PR_WS_CONNECTING = 0, PR_WS_OPEN = 1, PR_WS_CLOSED = 2 } pr_ws_state;

typedef struct pr_ws pr_ws;
typedef void (*pr_ws_msg_fn)(void *user, const char *msg, size_t len);

/* Starts connecting to url (ws://host[:port]/path or wss://...). */
int pr_ws_open(const char *url, pr_ws **out, pr_err *err);
/* Runs the connection for up to wait_ms (0: what is ready now); complete
 * text messages go to fn. */
int pr_ws_service(pr_ws *w, int wait_ms, pr_ws_msg_fn fn, void *user, pr_err *err);
/* The connection's state; why (may be NULL) says how a closed one ended. */
pr_ws_state pr_ws_get_state(const pr_ws *w, char *why, size_t cap);
void pr_ws_close(pr_ws *w);

/* ws[s]://host[:port][/path] -> host, port (80 / 443 by default), tls and
 * the path (without a trailing '/'). */
int pr_ws_split_url(const char *url, char *host, size_t host_cap, int *port, int *tls, char *path, size_t path_cap,
                    pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
