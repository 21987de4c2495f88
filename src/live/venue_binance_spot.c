/* Binance spot (REST API v3) as a pr_venue: market, limit, stop-limit,
 * LIMIT_MAKER and OCO orders, the order-test endpoint, the account's
 * balances and the key's withdrawal permission; the rest is the Binance
 * venues' shared code (venue_binance.c). */
#include <stdio.h>
#include <string.h>

#include "venue_binance.h"

static const bn_api k_spot = {
    .name = "binance_spot", .time = "/api/v3/time", .info = "/api/v3/exchangeInfo", .order = "/api/v3/order",
    .open_orders = "/api/v3/openOrders", .trades = "/api/v3/myTrades", .weight_limit = 6000, .info_weight = 20,
    .listen = "/api/v3/userDataStream",
};

static int spot_open(const pr_venue_config *cfg, void **impl, pr_err *err) { return bn_open(&k_spot, cfg, impl, err); }

static int bn_place(void *impl, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    bn *b = impl;
    if (rq->reduce_only)
        return pr_err_set(err, PR_EUNSUPPORTED, "binance_spot: no reduce-only orders on spot (order %s)", rq->client_id);
    if (rq->type == PR_VORDER_STOP_MARKET || rq->type == PR_VORDER_TAKE_PROFIT_MARKET)
        return pr_err_set(err, PR_EUNSUPPORTED, "binance_spot: no %s orders here (order %s): use STOP_LOSS_LIMIT / "
                          "TAKE_PROFIT_LIMIT", pr_venue_otype_name(rq->type), rq->client_id);
    pr_venue_rules r;
    int rc = bn_rules(b, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    char p[600];
    size_t len = (size_t)snprintf(p, sizeof p, "symbol=%s&side=%s&type=%s", rq->symbol, pr_venue_side_name(rq->side),
                                  pr_venue_otype_name(rq->type));
    if (rq->type != PR_VORDER_MARKET && rq->type != PR_VORDER_LIMIT_MAKER)
        len += (size_t)snprintf(p + len, sizeof p - len, "&timeInForce=GTC");
    return bn_send_order(b, "/api/v3/order", &r, p, sizeof p, len, "", rq, out, err);
}

static int bn_place_oco(void *impl, const pr_venue_oco_req *rq, pr_venue_order legs[2], pr_err *err) {
    bn *b = impl;
    pr_venue_rules r;
    int rc = bn_rules(b, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    /* Selling out of a long: the take-profit above, the stop below; buying
     * back a short: the other way round. */
    int sell = rq->side == PR_VSIDE_SELL;
    const char *tp = sell ? "above" : "below", *sl = sell ? "below" : "above";
    char p[800];
    size_t len = (size_t)snprintf(p, sizeof p,
                                  "symbol=%s&side=%s&listClientOrderId=%s&aboveClientOrderId=%s-a"
                                  "&belowClientOrderId=%s-b&%sType=LIMIT_MAKER&%sType=STOP_LOSS_LIMIT"
                                  "&%sTimeInForce=GTC&newOrderRespType=RESULT",
                                  rq->symbol, pr_venue_side_name(rq->side), rq->list_client_id, rq->list_client_id,
                                  rq->list_client_id, tp, sl, sl);
    char name[32];
    if ((rc = bn_decimal_param(p, sizeof p, &len, "quantity", rq->qty, r.step, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sPrice", tp);
    if ((rc = bn_decimal_param(p, sizeof p, &len, name, rq->take_profit, r.tick, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sPrice", sl);
    if ((rc = bn_decimal_param(p, sizeof p, &len, name, rq->stop_limit, r.tick, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sStopPrice", sl);
    if ((rc = bn_decimal_param(p, sizeof p, &len, name, rq->stop_price, r.tick, err)) != PR_OK) return rc;
    bn_call c = {"POST", "/api/v3/orderList/oco", p, 1, 1, BN_SEND_ONCE, 2};
    json_t *j;
    if ((rc = bn_request(b, &c, &j, err)) != PR_OK) return rc;
    json_t *rep = json_object_get(j, "orderReports");
    for (size_t i = 0; i < 2; i++) bn_parse_order(json_array_get(rep, i), &legs[i]);
    json_decref(j);
    return PR_OK;
}

static int bn_balances(void *impl, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err) {
    bn_call c = {"GET", "/api/v3/account", "omitZeroBalances=true", 1, 20, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    json_t *bal = json_object_get(j, "balances");
    *n = json_array_size(bal);
    for (size_t i = 0; i < *n && i < cap; i++) {
        json_t *e = json_array_get(bal, i);
        memset(&out[i], 0, sizeof out[i]);
        pr_strlcpy(out[i].asset, bn_jstr(e, "asset"), sizeof out[i].asset);
        out[i].free = bn_jnum(e, "free");
        out[i].locked = bn_jnum(e, "locked");
    }
    json_decref(j);
    return PR_OK;
}

static int bn_withdrawals(void *impl, int *on, pr_err *err) {
    bn_call c = {"GET", "/sapi/v1/account/apiRestrictions", "", 1, 1, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    json_t *w = json_object_get(j, "enableWithdrawals");
    rc = json_is_boolean(w) ? PR_OK
                            : pr_err_set(err, PR_EPARSE, "binance_spot: apiRestrictions has no enableWithdrawals");
    *on = json_is_true(w);
    json_decref(j);
    return rc;
}

const pr_venue_ops pr_venue_binance_spot = {
    .name = "binance_spot",
    .rest_testnet = "https://testnet.binance.vision",
    .rest_mainnet = "https://api.binance.com",
    .ws_testnet = "wss://stream.testnet.binance.vision",
    .ws_mainnet = "wss://stream.binance.com:9443",
    .key_env = "BINANCE_API_KEY",
    .secret_env = "BINANCE_API_SECRET",
    .open = spot_open,
    .close = bn_close,
    .server_time = bn_server_time,
    .rules = bn_rules,
    .place = bn_place,
    .place_oco = bn_place_oco,
    .cancel = bn_cancel,
    .query = bn_query,
    .open_orders = bn_open_orders,
    .balances = bn_balances,
    .positions = NULL,
    .fills = bn_fills,
    .withdrawals_enabled = bn_withdrawals,
    .user_testnet = "wss://stream.testnet.binance.vision",
    .user_mainnet = "wss://stream.binance.com:9443",
    .order_fills = bn_order_fills,
    .listen_key = bn_listen_key,
    .stream_parse = bn_stream_parse,
    .protect = PR_VPROTECT_OCO,
};
