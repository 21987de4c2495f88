/* The Binance user-data stream's venue side (spot and USD-M futures): the
 * listen key's life (POST creates, PUT keeps alive for another 60 min,
 * DELETE closes; API key header, no signature) and the reader of the
 * stream's events: spot executionReport / outboundAccountPosition,
 * futures ORDER_TRADE_UPDATE / ACCOUNT_UPDATE, and listenKeyExpired. The
 * stream itself (connection, keep-alive timing, reconnects) is
 * venue-independent: venue_stream.c. */
#include <stdio.h>
#include <string.h>

#include "venue_binance.h"

int bn_listen_key(void *impl, int op, char *key, size_t cap, pr_err *err) {
    bn *b = impl;
    static const char *const methods[] = {"POST", "PUT", "DELETE"};
    if (op < 0 || op > 2) return pr_err_set(err, PR_EINVAL, "%s: listen key: no operation %d", b->api->name, op);
    if (!b->key[0]) return pr_err_set(err, PR_EINVAL, "%s: the user-data stream needs an API key", b->api->name);
    char p[160] = "";
    if (op > 0) snprintf(p, sizeof p, "listenKey=%.120s", key);
    /* the key is the account's: repeating any of these changes nothing */
    bn_call c = {methods[op], b->api->listen, p, 0, op == 0 ? 2 : 1, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(b, &c, &j, err);
    if (rc != PR_OK) return rc;
    if (op == 0) {
        const char *k = bn_jstr(j, "listenKey");
        if (!*k || strlen(k) >= cap) rc = pr_err_set(err, PR_EPARSE, "%s: POST %s answered no listen key",
                                                     b->api->name, b->api->listen);
        else pr_strlcpy(key, k, cap);
    }
    json_decref(j);
    return rc;
}

static const char *otype_name(const char *t) {
    /* futures: STOP and TAKE_PROFIT are the limit variants */
    if (strcmp(t, "STOP") == 0) return "STOP_LOSS_LIMIT";
    if (strcmp(t, "TAKE_PROFIT") == 0) return "TAKE_PROFIT_LIMIT";
    return t;
}

/* executionReport and ORDER_TRADE_UPDATE's "o" share their short names:
 * s symbol, c client id, S side, o type, q quantity, p price, P stop, X
 * status, x execution type, i order id, z executed, l / L last fill's
 * quantity / price, n / N commission, t trade id, m maker, T trade time. */
static void parse_order_event(const json_t *o, int futures, pr_venue_event *out) {
    json_t *v = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "symbol", bn_jstr(o, "s"),
                          "clientOrderId", bn_jstr(o, "c"), "orderId", (json_int_t)bn_jint(o, "i"), "side",
                          bn_jstr(o, "S"), "type", otype_name(bn_jstr(o, "o")), "status", bn_jstr(o, "X"), "origQty",
                          bn_jstr(o, "q"), "executedQty", bn_jstr(o, "z"), "price", bn_jstr(o, "p"), "stopPrice",
                          bn_jstr(o, "sp")[0] ? bn_jstr(o, "sp") : bn_jstr(o, "P"), "time", (json_int_t)bn_jint(o, "T"),
                          "reduceOnly", json_is_true(json_object_get(o, "R")));
    if (v) {
        json_object_set_new(v, futures ? "cumQuote" : "cummulativeQuoteQty",
                            json_string(futures ? "0" : bn_jstr(o, "Z")));
        bn_parse_order(v, &out->order);
        json_decref(v);
    }
    out->order.list_id = futures ? -1 : bn_jint(o, "g");
    if (futures) out->order.cum_quote = bn_jnum(o, "ap") * out->order.executed_qty;
    if (strcmp(bn_jstr(o, "x"), "TRADE") == 0 && bn_jnum(o, "l") > 0) {
        pr_venue_fill *f = &out->fill;
        out->has_fill = 1;
        pr_strlcpy(f->symbol, out->order.symbol, sizeof f->symbol);
        f->trade_id = bn_jint(o, "t");
        f->order_id = out->order.venue_id;
        f->side = out->order.side;
        f->price = bn_jnum(o, "L");
        f->qty = bn_jnum(o, "l");
        f->commission = bn_jnum(o, "n");
        pr_strlcpy(f->commission_asset, bn_jstr(o, "N"), sizeof f->commission_asset);
        f->maker = json_is_true(json_object_get(o, "m"));
        f->time_ms = bn_jint(o, "T");
    }
}

int bn_stream_parse(const char *msg, size_t len, pr_venue_event *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *j = json_loadb(msg, len, 0, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        return pr_err_set(err, PR_EPARSE, "binance user-data stream: unreadable message (%s): %.80s", je.text, msg);
    }
    /* a combined stream wraps the event: {"stream": ..., "data": {...}} */
    json_t *e = json_is_object(json_object_get(j, "data")) ? json_object_get(j, "data") : j;
    const char *type = bn_jstr(e, "e");
    out->time_ms = bn_jint(e, "E");
    size_t i;
    json_t *x;
    if (strcmp(type, "executionReport") == 0) {
        out->kind = PR_VEVENT_ORDER;
        parse_order_event(e, 0, out);
    } else if (strcmp(type, "ORDER_TRADE_UPDATE") == 0) {
        out->kind = PR_VEVENT_ORDER;
        parse_order_event(json_object_get(e, "o"), 1, out);
    } else if (strcmp(type, "outboundAccountPosition") == 0) {
        out->kind = PR_VEVENT_ACCOUNT;
        json_array_foreach(json_object_get(e, "B"), i, x) {
            if (out->n_balances == PR_VENUE_EVENT_BALANCES) break;
            pr_venue_balance *b = &out->balances[out->n_balances++];
            pr_strlcpy(b->asset, bn_jstr(x, "a"), sizeof b->asset);
            b->free = bn_jnum(x, "f");
            b->locked = bn_jnum(x, "l");
        }
    } else if (strcmp(type, "ACCOUNT_UPDATE") == 0) {
        out->kind = PR_VEVENT_ACCOUNT;
        json_t *a = json_object_get(e, "a");
        json_array_foreach(json_object_get(a, "B"), i, x) {
            if (out->n_balances == PR_VENUE_EVENT_BALANCES) break;
            pr_venue_balance *b = &out->balances[out->n_balances++];
            pr_strlcpy(b->asset, bn_jstr(x, "a"), sizeof b->asset);
            /* wallet balance and the cross wallet's part of it */
            b->free = bn_jnum(x, "cw");
            b->locked = bn_jnum(x, "wb") - b->free;
        }
        json_array_foreach(json_object_get(a, "P"), i, x) {
            if (out->n_positions == PR_VENUE_EVENT_BALANCES) break;
            pr_venue_position *p = &out->positions[out->n_positions++];
            pr_strlcpy(p->symbol, bn_jstr(x, "s"), sizeof p->symbol);
            p->qty = bn_jnum(x, "pa");
            p->entry_price = bn_jnum(x, "ep");
            p->unrealized_pnl = bn_jnum(x, "up");
            p->isolated = strcmp(bn_jstr(x, "mt"), "isolated") == 0;
        }
    } else if (strcmp(type, "listenKeyExpired") == 0) {
        out->kind = PR_VEVENT_KEY_EXPIRED;
    }
    json_decref(j);
    return PR_OK;
}
