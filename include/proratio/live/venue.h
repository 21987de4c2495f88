/* Venues: what the live module needs of an exchange or broker API, as one
 * vtable (pr_venue_ops) with one implementation per file under src/live/
 * (venue_<name>.c) and one row in the table of src/live/venue.c. The
 * helpers below are venue-independent: the deterministic client order id,
 * the instrument rules checked before anything is sent, exact decimal
 * text at a venue's precision, and request signing. Errors come back in a
 * pr_err: code (PR_EVENUE when the venue refused, PR_EINVAL when the rules
 * refused locally, PR_ELIMIT rate limit / ban, PR_ETIMEOUT no answer),
 * http_status, venue_code ("-2010", or the local filter's name) and a
 * message that says both. Secrets never appear in any message. */
#ifndef PRORATIO_LIVE_VENUE_H
#define PRORATIO_LIVE_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/download.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_VENUE_CLIENT_ID_MAX 40  /* Binance allows 36 characters          */
#define PR_VENUE_SYMBOL_MAX 32
#define PR_VENUE_URL_MAX 256

/* ---- configuration ------------------------------------------------------------ */
typedef struct pr_venue_urls {
    char rest[PR_VENUE_URL_MAX];      /* "" -> the venue's testnet (or mainnet) */
    char ws[PR_VENUE_URL_MAX];        /* market-data stream                      */
    char user_data[PR_VENUE_URL_MAX]; /* user-data stream                        */
} pr_venue_urls;

typedef struct pr_venue_config {
    pr_venue_urls urls;
    int mainnet;              /* 0: testnet defaults (the default)            */
    const char *key;          /* API key (secret: never shown)                 */
    const char *secret;       /* signing secret (never shown)                  */
    const char *account;      /* account id (OANDA v20; NULL elsewhere)         */
    int recv_window_ms;       /* 0 -> 5000                                     */
    double timeout_s;         /* per request; 0 -> 10                          */
    int64_t max_wait_ms;      /* longest rate-limit / ban wait; 0 -> 60000      */
    pr_dl_clock clock;        /* injectable clock (NULL members: real time)     */
} pr_venue_config;

/* ---- what goes to and comes from a venue ---------------------------------------- */
typedef enum pr_venue_side { PR_VSIDE_BUY = 0, PR_VSIDE_SELL = 1 } pr_venue_side;

typedef enum pr_venue_otype {
    PR_VORDER_MARKET = 0,
    PR_VORDER_LIMIT,
    PR_VORDER_STOP_LOSS_LIMIT,   /* rests until the stop trades, then a limit */
    PR_VORDER_TAKE_PROFIT_LIMIT,
    PR_VORDER_LIMIT_MAKER,
    PR_VORDER_STOP_MARKET,       /* derivatives: a market order once the stop trades */
    PR_VORDER_TAKE_PROFIT_MARKET /* likewise, at the take-profit                 */
} pr_venue_otype;

typedef enum pr_venue_ostatus {
    PR_VSTATUS_UNKNOWN = 0, PR_VSTATUS_NEW, PR_VSTATUS_PARTIALLY_FILLED, PR_VSTATUS_FILLED,
    PR_VSTATUS_CANCELED, PR_VSTATUS_REJECTED, PR_VSTATUS_EXPIRED
} pr_venue_ostatus;

/* An instrument's rules as the venue states them (0: no bound). */
typedef struct pr_venue_rules {
    char symbol[PR_VENUE_SYMBOL_MAX];
    char base[16], quote[16];
    double tick, min_price, max_price;          /* PRICE_FILTER              */
    double step, min_qty, max_qty;              /* LOT_SIZE                  */
    double market_step, market_min_qty, market_max_qty; /* MARKET_LOT_SIZE   */
    double min_notional, max_notional;          /* NOTIONAL / MIN_NOTIONAL   */
    int min_notional_market, max_notional_market; /* applied to market orders */
    const char *notional_filter;                /* "NOTIONAL", "MIN_NOTIONAL" */
} pr_venue_rules;

typedef struct pr_venue_order_req {
    char symbol[PR_VENUE_SYMBOL_MAX];
    pr_venue_side side;
    pr_venue_otype type;
    double qty;               /* base quantity                                 */
    double price;             /* limit price (limit types)                     */
    double stop_price;        /* trigger (stop/take-profit types)              */
    double ref_price;         /* the market's last price: checks a market
                                 order's notional (0: not checked)            */
    double stop_loss;         /* a stop-loss order the venue creates when this
                                 one fills, at this price (0: none; OANDA's
                                 stopLossOnFill; Binance refuses it: use OCO) */
    double take_profit;       /* likewise a take-profit (takeProfitOnFill)     */
    char client_id[PR_VENUE_CLIENT_ID_MAX]; /* required: pr_venue_client_id */
    int test;                 /* 1: the venue's order-test endpoint only        */
    int reduce_only;          /* derivatives: never increases the position      */
} pr_venue_order_req;

/* A one-cancels-the-other pair closing a position: a take-profit limit
 * (LIMIT_MAKER) and a stop-loss limit; the list and each leg carry client
 * ids derived from list_client_id (suffixes "-a" above, "-b" below). */
typedef struct pr_venue_oco_req {
    char symbol[PR_VENUE_SYMBOL_MAX];
    pr_venue_side side;
    double qty;
    double take_profit;       /* the limit leg's price                         */
    double stop_price;        /* the stop leg's trigger                        */
    double stop_limit;        /* the stop leg's limit price                    */
    char list_client_id[PR_VENUE_CLIENT_ID_MAX - 3];
} pr_venue_oco_req;

typedef struct pr_venue_order {
    char symbol[PR_VENUE_SYMBOL_MAX];
    char client_id[PR_VENUE_CLIENT_ID_MAX];
    int64_t venue_id;         /* the venue's order id                          */
    int64_t list_id;          /* OCO list id, -1 none                          */
    pr_venue_side side;
    pr_venue_otype type;
    pr_venue_ostatus status;
    double qty, executed_qty, cum_quote, price, stop_price;
    int reduce_only;
    int64_t time_ms;
} pr_venue_order;

typedef struct pr_venue_balance {
    char asset[16];
    double free, locked;
} pr_venue_balance;

/* Derivatives and margin accounts (a spot venue has none). */
typedef struct pr_venue_position {
    char symbol[PR_VENUE_SYMBOL_MAX];
    double qty;               /* signed: negative short                        */
    double entry_price, mark_price, liquidation_price, unrealized_pnl;
    int leverage;
    int isolated;             /* 1 isolated margin, 0 cross                     */
} pr_venue_position;

typedef struct pr_venue_fill {
    char symbol[PR_VENUE_SYMBOL_MAX];
    int64_t trade_id, order_id;
    pr_venue_side side;
    double price, qty, commission;
    char commission_asset[16];
    int maker;
    int64_t time_ms;
} pr_venue_fill;

/* One message of a user-data stream, as the venue-independent reader
 * (ops->stream_parse) understands it. */
typedef enum pr_venue_event_kind {
    PR_VEVENT_OTHER = 0,      /* nothing the session uses                      */
    PR_VEVENT_ORDER,          /* an order changed; fill set when it traded      */
    PR_VEVENT_ACCOUNT,        /* balances and / or positions changed            */
    PR_VEVENT_KEY_EXPIRED     /* the listen key expired: get a new one          */
} pr_venue_event_kind;

#define PR_VENUE_EVENT_BALANCES 8

typedef struct pr_venue_event {
    pr_venue_event_kind kind;
    int64_t time_ms;          /* the venue's event time                        */
    pr_venue_order order;     /* PR_VEVENT_ORDER                                */
    int has_fill;             /* 1: the event is a trade of the order: fill     */
    pr_venue_fill fill;
    pr_venue_balance balances[PR_VENUE_EVENT_BALANCES]; /* PR_VEVENT_ACCOUNT */
    size_t n_balances;
    pr_venue_position positions[PR_VENUE_EVENT_BALANCES];
    size_t n_positions;
} pr_venue_event;

/* How a bracket's stop-loss and take-profit can rest at a venue as its own
 * orders (the venue broker's `protect`). */
typedef enum pr_venue_protect {
    PR_VPROTECT_NONE = 0,     /* not at all: the paper broker simulates them   */
    PR_VPROTECT_OCO,          /* spot: an OCO list, or a lone STOP_LOSS_LIMIT /
                                 TAKE_PROFIT_LIMIT                            */
    PR_VPROTECT_TRIGGER,      /* derivatives: reduce-only STOP_MARKET and
                                 TAKE_PROFIT_MARKET orders                    */
    PR_VPROTECT_ON_FILL       /* attached to the order that opens the position
                                 (stop_loss / take_profit of the request): the
                                 venue creates them on its fill, client ids
                                 "<order's>-sl" and "-tp"                     */
} pr_venue_protect;

/* ---- the vtable ---------------------------------------------------------------- */
typedef struct pr_venue_ops {
    const char *name;             /* config "venue": "binance_spot"            */
    const char *rest_testnet, *rest_mainnet;
    const char *ws_testnet, *ws_mainnet;
    const char *key_env, *secret_env;  /* environment variables of the keys
                                          (secret_env NULL: a token alone)   */
    const char *account_env;      /* environment variable of the account id, or
                                     NULL when the venue has none             */
    int (*open)(const pr_venue_config *cfg, void **impl, pr_err *err);
    void (*close)(void *impl);
    int (*server_time)(void *impl, int64_t *ms, pr_err *err);
    int (*rules)(void *impl, const char *symbol, pr_venue_rules *out, pr_err *err);
    int (*place)(void *impl, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err);
    int (*place_oco)(void *impl, const pr_venue_oco_req *rq, pr_venue_order legs[2], pr_err *err);
    int (*cancel)(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
    /* PR_ENOTFOUND when the venue has no order of that client id. */
    int (*query)(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
    int (*open_orders)(void *impl, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err);
    int (*balances)(void *impl, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err);
    /* NULL on a spot venue (no positions). */
    int (*positions)(void *impl, pr_venue_position *out, size_t cap, size_t *n, pr_err *err);
    /* My trades of symbol with trade id >= from_id. */
    int (*fills)(void *impl, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
                 pr_err *err);
    /* The trades of one order (by the venue's order id); NULL: the
     * caller looks through fills() instead. */
    int (*order_fills)(void *impl, const char *symbol, int64_t order_id, pr_venue_fill *out, size_t cap, size_t *n,
                       pr_err *err);
    /* 1 in *on when the key may withdraw (NULL: cannot tell; OANDA's
     * answers 0: a v20 token has no funds-transfer endpoint). */
    int (*withdrawals_enabled)(void *impl, int *on, pr_err *err);
    /* Derivatives (NULL on spot): leverage and margin type of a symbol,
     * one-way (hedge 0) or hedge position mode of the account. Setting
     * what is already set is not an error. */
    int (*set_leverage)(void *impl, const char *symbol, int leverage, pr_err *err);
    int (*set_margin_type)(void *impl, const char *symbol, int isolated, pr_err *err);
    int (*set_position_mode)(void *impl, int hedge, pr_err *err);
    /* The user-data stream (NULL: the venue has none): its default
     * WebSocket bases, and the listen key's life: op 0 creates one into
     * key, 1 keeps key alive, 2 deletes it. stream_parse reads one message
     * (PR_EPARSE when it is not the venue's JSON). */
    const char *user_testnet, *user_mainnet;
    int (*listen_key)(void *impl, int op, char *key, size_t cap, pr_err *err);
    int (*stream_parse)(const char *msg, size_t len, pr_venue_event *out, pr_err *err);
    pr_venue_protect protect;
} pr_venue_ops;

typedef struct pr_venue {
    const pr_venue_ops *ops;
    void *impl;
} pr_venue;

/* The venue called name, or NULL. */
const pr_venue_ops *pr_venue_find(const char *name);
/* Every venue, in table order (n set to their number). */
const pr_venue_ops *const *pr_venue_list(size_t *n);

/* Opens venue `name` with cfg (empty URLs: the testnet's, or the
 * mainnet's when cfg->mainnet). */
int pr_venue_open(const char *name, const pr_venue_config *cfg, pr_venue *out, pr_err *err);
void pr_venue_close(pr_venue *v);

int pr_venue_server_time(pr_venue *v, int64_t *ms, pr_err *err);
int pr_venue_rules_of(pr_venue *v, const char *symbol, pr_venue_rules *out, pr_err *err);
/* Sends the order once; a send whose answer is lost is settled by asking
 * the venue for the client id before anything is sent again, so the venue
 * never holds two orders of one client id. */
int pr_venue_place(pr_venue *v, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err);
int pr_venue_place_oco(pr_venue *v, const pr_venue_oco_req *rq, pr_venue_order legs[2], pr_err *err);
int pr_venue_cancel(pr_venue *v, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
int pr_venue_query(pr_venue *v, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err);
int pr_venue_open_orders(pr_venue *v, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err);
int pr_venue_balances(pr_venue *v, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err);
/* n = 0 on a spot venue. */
int pr_venue_positions(pr_venue *v, pr_venue_position *out, size_t cap, size_t *n, pr_err *err);
int pr_venue_fills(pr_venue *v, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
                   pr_err *err);
/* The trades of the order of venue id order_id (through fills() from the
 * first trade when the venue cannot ask for one order's). */
int pr_venue_order_fills(pr_venue *v, const char *symbol, int64_t order_id, pr_venue_fill *out, size_t cap, size_t *n,
                         pr_err *err);
int pr_venue_withdrawals_enabled(pr_venue *v, int *on, pr_err *err);
/* PR_EUNSUPPORTED on a venue without them (spot). */
int pr_venue_set_leverage(pr_venue *v, const char *symbol, int leverage, pr_err *err);
int pr_venue_set_margin_type(pr_venue *v, const char *symbol, int isolated, pr_err *err);
int pr_venue_set_position_mode(pr_venue *v, int hedge, pr_err *err);

/* ---- venue-independent helpers -------------------------------------------------- */
/* The client order id of order `seq` of decision step `step` (the step's
 * close time, ms) of `market` in session `session`: the same inputs give
 * the same id, so a resent order carries the id of the first send. Letters,
 * digits and '-' only, at most 36 characters:
 * "pr" + 8 hex of FNV-1a(session) + 4 hex of FNV-1a(market) + "-" + step
 * in base 36 + "-" + seq. */
int pr_venue_client_id(const char *session, const char *market, int64_t step, unsigned seq, char *out, size_t cap,
                       pr_err *err);

/* Checks rq against the rules before it is sent: PR_EINVAL naming the
 * filter (err->venue_code "PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE",
 * "NOTIONAL" / "MIN_NOTIONAL") and the value that breaks it. */
int pr_venue_check(const pr_venue_rules *r, const pr_venue_order_req *rq, pr_err *err);

/* x as exact decimal text on the grid of `unit` (a tick or step, "0.01" as
 * 0.01): the nearest multiple of unit, with unit's number of decimals
 * (105 steps of 0.00001 -> "0.00105"). PR_EINVAL when x is not within a
 * millionth of a unit of a multiple (the caller rounds first). */
int pr_venue_decimal(double x, double unit, char *out, size_t cap, pr_err *err);
/* The number of decimals of a venue's decimal text ("0.01000000" -> 2). */
int pr_venue_decimals_of(const char *text);

/* A venue's limits on new orders per fixed window (Binance: ORDERS in
 * exchangeInfo's rateLimits, 10 s and 1 day on spot, 10 s and 1 min on
 * futures; windows aligned to the epoch, so the day's restarts at 00:00
 * UTC), counted locally per order sent and corrected by the counts the
 * venue reports (X-MBX-ORDER-COUNT-10S / -1M / -1D). */
#define PR_VENUE_ORDER_WINDOWS 4

typedef struct pr_venue_order_window {
    int64_t interval_ms;      /* 10000, 60000, 86400000                       */
    int64_t limit;            /* 0: no limit known                            */
    int64_t count;            /* orders in the window starting at start_ms    */
    int64_t start_ms;
} pr_venue_order_window;

typedef struct pr_venue_order_gate {
    pr_venue_order_window w[PR_VENUE_ORDER_WINDOWS];
    size_t n;
} pr_venue_order_gate;

/* Sets the limit of the interval_ms window (added when new). */
void pr_venue_order_gate_limit(pr_venue_order_gate *g, int64_t interval_ms, int64_t limit);
/* The venue's count of the interval_ms window at now_ms (its header). */
void pr_venue_order_gate_seen(pr_venue_order_gate *g, int64_t interval_ms, int64_t count, int64_t now_ms);
/* One order sent at now_ms. */
void pr_venue_order_gate_sent(pr_venue_order_gate *g, int64_t now_ms);
/* Before an order at now_ms: *wait_ms 0 when it may go now, else the time
 * until the full window ends; PR_ELIMIT naming the limit (err->venue_code
 * "ORDERS_1d", the count and when the window ends) when that wait is longer
 * than max_wait_ms (a daily limit): nothing may be sent before then. */
int pr_venue_order_gate_check(pr_venue_order_gate *g, int64_t now_ms, int64_t max_wait_ms, int64_t *wait_ms,
                              pr_err *err);

/* Lower-case hex HMAC-SHA256 of msg with key (65 bytes of out). */
int pr_venue_hmac_sha256_hex(const char *key, const char *msg, char out[65], pr_err *err);

const char *pr_venue_side_name(pr_venue_side s);
const char *pr_venue_otype_name(pr_venue_otype t);

#ifdef __cplusplus
}
#endif
#endif
