/* Binance USD-M futures (REST /fapi) as a pr_venue: market, limit and
 * stop / take-profit limit orders with reduce-only, the order-test
 * endpoint, wallet balances, positions (amount, entry, mark and
 * liquidation price, leverage, margin type), leverage, margin type and
 * position mode; the rest is the Binance venues' shared code
 * (venue_binance.c). No OCO orders on futures. */
#include <stdio.h>
#include <string.h>

#include "venue_binance.h"

static const bn_api k_futures = {
    .name = "binance_futures", .time = "/fapi/v1/time", .info = "/fapi/v1/exchangeInfo", .order = "/fapi/v1/order",
    .open_orders = "/fapi/v1/openOrders", .trades = "/fapi/v1/userTrades", .weight_limit = 2400, .info_weight = 1,
    .listen = "/fapi/v1/listenKey",
};

static int fut_open(const pr_venue_config *cfg, void **impl, pr_err *err) {
    return bn_open(&k_futures, cfg, impl, err);
}

/* The futures API's names of the order types: the stop-limit types are
 * STOP and TAKE_PROFIT, a post-only limit is a LIMIT with GTX. */
static const char *fut_type(pr_venue_otype t) {
    switch (t) {
    case PR_VORDER_STOP_LOSS_LIMIT: return "STOP";
    case PR_VORDER_TAKE_PROFIT_LIMIT: return "TAKE_PROFIT";
    case PR_VORDER_LIMIT_MAKER: return "LIMIT";
    default: return pr_venue_otype_name(t);
    }
}

static int fut_place(void *impl, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    bn *b = impl;
    pr_venue_rules r;
    int rc = bn_rules(b, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    char p[600];
    size_t len = (size_t)snprintf(p, sizeof p, "symbol=%s&side=%s&type=%s", rq->symbol, pr_venue_side_name(rq->side),
                                  fut_type(rq->type));
    if (rq->type == PR_VORDER_STOP_MARKET || rq->type == PR_VORDER_TAKE_PROFIT_MARKET) {
        /* triggered by the last trade price: no limit, no time in force */
        len += (size_t)snprintf(p + len, sizeof p - len, "&workingType=CONTRACT_PRICE");
    } else if (rq->type != PR_VORDER_MARKET)
        len += (size_t)snprintf(p + len, sizeof p - len, "&timeInForce=%s",
                                rq->type == PR_VORDER_LIMIT_MAKER ? "GTX" : "GTC");
    return bn_send_order(b, "/fapi/v1/order", &r, p, sizeof p, len, rq->reduce_only ? "&reduceOnly=true" : "", rq, out, err);
}

static int fut_balances(void *impl, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err) {
    bn_call c = {"GET", "/fapi/v2/balance", "", 1, 5, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    *n = json_array_size(j);
    for (size_t i = 0; i < *n && i < cap; i++) {
        json_t *e = json_array_get(j, i);
        memset(&out[i], 0, sizeof out[i]);
        pr_strlcpy(out[i].asset, bn_jstr(e, "asset"), sizeof out[i].asset);
        out[i].free = bn_jnum(e, "availableBalance");
        out[i].locked = bn_jnum(e, "balance") - out[i].free;
    }
    json_decref(j);
    return PR_OK;
}

/* Open positions only (positionRisk lists every symbol, flat ones too). */
static int fut_positions(void *impl, pr_venue_position *out, size_t cap, size_t *n, pr_err *err) {
    bn_call c = {"GET", "/fapi/v2/positionRisk", "", 1, 5, BN_GET_SAFE, 0};
    json_t *j, *e;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    size_t i;
    *n = 0;
    json_array_foreach(j, i, e) {
        if (bn_jnum(e, "positionAmt") == 0) continue;
        if (*n < cap) {
            pr_venue_position *p = &out[*n];
            memset(p, 0, sizeof *p);
            pr_strlcpy(p->symbol, bn_jstr(e, "symbol"), sizeof p->symbol);
            p->qty = bn_jnum(e, "positionAmt");
            p->entry_price = bn_jnum(e, "entryPrice");
            p->mark_price = bn_jnum(e, "markPrice");
            p->liquidation_price = bn_jnum(e, "liquidationPrice");
            p->unrealized_pnl = bn_jnum(e, "unRealizedProfit");
            p->leverage = (int)bn_jnum(e, "leverage");
            p->isolated = strcmp(bn_jstr(e, "marginType"), "isolated") == 0;
        }
        (*n)++;
    }
    json_decref(j);
    return PR_OK;
}

/* A setting call; `same` is the venue's code for "already so" (not an error). */
static int setting(bn *b, const char *path, const char *params, const char *same, pr_err *err) {
    bn_call c = {"POST", path, params, 1, 1, BN_GET_SAFE, 0}; /* setting twice is harmless */
    json_t *j;
    int rc = bn_request(b, &c, &j, err);
    if (rc == PR_EVENUE && same && strcmp(err->venue_code, same) == 0) {
        pr_err_clear(err);
        return PR_OK;
    }
    if (rc == PR_OK) json_decref(j);
    return rc;
}

static int fut_set_leverage(void *impl, const char *symbol, int leverage, pr_err *err) {
    char p[96];
    snprintf(p, sizeof p, "symbol=%.40s&leverage=%d", symbol, leverage);
    return setting(impl, "/fapi/v1/leverage", p, NULL, err);
}

static int fut_set_margin_type(void *impl, const char *symbol, int isolated, pr_err *err) {
    char p[96];
    snprintf(p, sizeof p, "symbol=%.40s&marginType=%s", symbol, isolated ? "ISOLATED" : "CROSSED");
    return setting(impl, "/fapi/v1/marginType", p, "-4046", err);
}

static int fut_set_position_mode(void *impl, int hedge, pr_err *err) {
    return setting(impl, "/fapi/v1/positionSide/dual", hedge ? "dualSidePosition=true" : "dualSidePosition=false",
                   "-4059", err);
}

const pr_venue_ops pr_venue_binance_futures = {
    .name = "binance_futures",
    .rest_testnet = "https://testnet.binancefuture.com",
    .rest_mainnet = "https://fapi.binance.com",
    .ws_testnet = "wss://stream.binancefuture.com",
    .ws_mainnet = "wss://fstream.binance.com",
    .key_env = "BINANCE_FUTURES_API_KEY",
    .secret_env = "BINANCE_FUTURES_API_SECRET",
    .open = fut_open,
    .close = bn_close,
    .server_time = bn_server_time,
    .rules = bn_rules,
    .place = fut_place,
    .place_oco = NULL,
    .cancel = bn_cancel,
    .query = bn_query,
    .open_orders = bn_open_orders,
    .balances = fut_balances,
    .positions = fut_positions,
    .fills = bn_fills,
    .withdrawals_enabled = NULL,
    .set_leverage = fut_set_leverage,
    .set_margin_type = fut_set_margin_type,
    .set_position_mode = fut_set_position_mode,
    .user_testnet = "wss://stream.binancefuture.com",
    .user_mainnet = "wss://fstream.binance.com",
    .order_fills = bn_order_fills,
    .listen_key = bn_listen_key,
    .stream_parse = bn_stream_parse,
    .protect = PR_VPROTECT_TRIGGER,
};
