/* Internal to the Binance venues (venue_binance*.c): the state of one
 * connection, the request loop and the readers of answers the spot and
 * futures APIs share. */
#ifndef PR_LIVE_VENUE_BINANCE_H
#define PR_LIVE_VENUE_BINANCE_H

#include <jansson.h>

#include "proratio/live/venue.h"

#define BN_RULES_CACHE 16

/* Where one Binance API keeps what the shared code asks for. */
typedef struct bn_api {
    const char *name;        /* the venue's name, in messages                */
    const char *time, *info, *order, *open_orders, *trades;
    int weight_limit;        /* REQUEST_WEIGHT per minute                     */
    int info_weight;         /* weight of exchangeInfo for one symbol          */
    const char *listen;      /* the user-data stream's listen key endpoint     */
} bn_api;

typedef struct bn {
    const bn_api *api;
    pr_dl_session s;
    char *key, *secret;      /* owned copies, wiped on close                  */
    int recv_window;
    int64_t offset_ms;       /* venue clock - ours                             */
    pr_venue_rules rules[BN_RULES_CACHE];
    size_t n_rules;
    pr_venue_order_gate gate;  /* new orders per window (exchangeInfo ORDERS) */
} bn;

enum { BN_GET_SAFE = 0, BN_SEND_ONCE = 1 };

typedef struct bn_call {
    const char *method, *path;
    const char *params;      /* "a=1&b=2" or ""                               */
    int sign, weight;
    int once;                /* BN_SEND_ONCE: an unknown outcome is not retried */
    int new_orders;          /* orders it creates (the order-count limits)    */
} bn_call;

int bn_open(const bn_api *api, const pr_venue_config *cfg, void **impl, pr_err *err);
void bn_close(void *impl);
/* Sends c; *out the parsed 2xx body (json_decref it). Waits out 429 / a
 * short 418 ban and sends again (the venue refused those: nothing
 * happened; so is -1015, too many new orders); before a call that creates
 * orders, waits for the order-count window that is full (or refuses,
 * PR_ELIMIT, when that is a day away); resyncs the clock once on -1021; retries a lost answer only
 * when c->once is BN_GET_SAFE, else PR_ETIMEOUT. */
int bn_request(bn *b, const bn_call *c, json_t **out, pr_err *err);

double bn_jnum(const json_t *o, const char *k);
int64_t bn_jint(const json_t *o, const char *k);
const char *bn_jstr(const json_t *o, const char *k);
void bn_parse_order(const json_t *o, pr_venue_order *out);
/* Appends "&name=<x on the unit's grid>" to p (len updated). */
int bn_decimal_param(char *p, size_t cap, size_t *len, const char *name, double x, double unit, pr_err *err);

/* Finishes and sends an order whose head (symbol, side, type, time in
 * force; p[0..len)) the API wrote: quantity, price and stop on the symbol's
 * step and tick, `extra` ("&reduceOnly=true" or ""), the client id; sent
 * once to `path` (or path/test, whose answer echoes the request). */
int bn_send_order(bn *b, const char *path, const pr_venue_rules *r, char *p, size_t cap, size_t len, const char *extra,
                  const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err);

/* pr_venue_ops members both APIs implement alike. */
int bn_order_fills(void *impl, const char *symbol, int64_t order_id, pr_venue_fill *out, size_t cap, size_t *n,
                   pr_err *err);
int bn_listen_key(void *impl, int op, char *key, size_t cap, pr_err *err);
int bn_stream_parse(const char *msg, size_t len, pr_venue_event *out, pr_err *err);
int bn_server_time(void *impl, int64_t *ms, pr_err *err);
int bn_rules(void *impl, const char *symbol, pr_venue_rules *out, pr_err *err);
int bn_query(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
int bn_cancel(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
int bn_open_orders(void *impl, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err);
int bn_fills(void *impl, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
             pr_err *err);
#endif
