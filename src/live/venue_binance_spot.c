/* Binance spot (REST API v3) as a pr_venue: signed requests (HMAC-SHA256
 * over the query string, X-MBX-APIKEY header), the venue's clock offset
 * (resynced from /api/v3/time on -1021, and the request retried once),
 * request weight, 429 and 418 through the downloader's session policy (one
 * session per venue: pr_dl_pace / pr_dl_count_weight), and every venue
 * error reported with its HTTP status, code and meaning. An order send is
 * never retried here when its outcome is unknown (no answer, 5xx): that
 * returns PR_ETIMEOUT and pr_venue_place asks the venue first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/live/venue.h"

#define RULES_CACHE 16

typedef struct bn {
    pr_dl_session s;
    char *key, *secret;          /* owned copies, wiped on close             */
    int recv_window;
    int64_t offset_ms;           /* venue clock - ours                        */
    pr_venue_rules rules[RULES_CACHE];
    size_t n_rules;
} bn;

/* What a Binance code means, for the message next to the venue's own. */
static const char *code_meaning(long code) {
    switch (code) {
    case -1003: return "request weight limit exceeded";
    case -1007: return "the venue timed out: execution status unknown";
    case -1013: return "the venue's instrument filters refused the order";
    case -1021: return "timestamp outside recvWindow: the clocks differ";
    case -1022: return "signature invalid: check the API secret";
    case -1100: case -1101: case -1102: case -1103: return "bad request parameters";
    case -1121: return "unknown symbol";
    case -2010: return "order rejected (e.g. insufficient balance)";
    case -2011: return "cancel rejected";
    case -2013: return "no such order";
    case -2014: case -2015: return "API key rejected (key, IP or permissions)";
    default: return "venue error";
    }
}

static void bn_close(void *impl) {
    bn *b = impl;
    if (!b) return;
    pr_dl_session_free(&b->s);
    if (b->key) memset(b->key, 0, strlen(b->key));
    if (b->secret) memset(b->secret, 0, strlen(b->secret));
    free(b->key);
    free(b->secret);
    free(b);
}

static int bn_open(const pr_venue_config *cfg, void **impl, pr_err *err) {
    bn *b = calloc(1, sizeof *b);
    if (!b) return pr_err_set(err, PR_ENOMEM, "binance_spot: out of memory");
    b->key = strdup(cfg->key ? cfg->key : "");
    b->secret = strdup(cfg->secret ? cfg->secret : "");
    b->recv_window = cfg->recv_window_ms;
    pr_dl_options o;
    pr_dl_options_init(&o);
    o.base_url = cfg->urls.rest;
    o.timeout_s = cfg->timeout_s;
    o.max_wait_ms = cfg->max_wait_ms;
    o.weight_limit = 6000; /* exchangeInfo's REQUEST_WEIGHT per minute */
    o.clock = cfg->clock;
    o.max_retries = 2;
    int rc = b->key && b->secret ? pr_dl_session_init(&b->s, &pr_dl_source_binance, &o, err)
                                 : pr_err_set(err, PR_ENOMEM, "binance_spot: out of memory");
    if (rc != PR_OK) {
        bn_close(b);
        return rc;
    }
    *impl = b;
    return PR_OK;
}

/* ---- one request -------------------------------------------------------------- */
enum { GET_SAFE = 0, SEND_ONCE = 1 };

typedef struct call {
    const char *method, *path;
    const char *params;  /* "a=1&b=2" or "" */
    int sign, weight;
    int once;            /* SEND_ONCE: an unknown outcome is not retried */
} call;

static int64_t venue_now(bn *b) { return pr_dl_now(&b->s) + b->offset_ms; }

static int build(bn *b, const call *c, pr_dl_request *rq, pr_err *err) {
    memset(rq, 0, sizeof *rq);
    pr_strlcpy(rq->method, c->method, sizeof rq->method);
    char q[900];
    int n = snprintf(q, sizeof q, "%s", c->params);
    if (c->sign) {
        if (!b->key[0] || !b->secret[0])
            return pr_err_set(err, PR_EINVAL, "binance_spot: %s %s needs an API key and secret", c->method, c->path);
        n = snprintf(q, sizeof q, "%s%srecvWindow=%d&timestamp=%lld", c->params, c->params[0] ? "&" : "",
                     b->recv_window, (long long)venue_now(b));
        char sig[65];
        int rc = pr_venue_hmac_sha256_hex(b->secret, q, sig, err);
        if (rc != PR_OK) return rc;
        n = snprintf(q + n, sizeof q - (size_t)n, "&signature=%s", sig) + n;
    }
    if (n < 0 || (size_t)n >= sizeof q) return pr_err_set(err, PR_ERANGE, "binance_spot: request too long");
    n = snprintf(rq->url, sizeof rq->url, "%s%s%s%s", b->s.base, c->path, q[0] ? "?" : "", q);
    if (n < 0 || (size_t)n >= sizeof rq->url) return pr_err_set(err, PR_ERANGE, "binance_spot: URL too long");
    snprintf(rq->shown, sizeof rq->shown, "%s %s%s%.400s", c->method, c->path, c->params[0] ? "?" : "", c->params);
    if (b->key[0]) {
        snprintf(rq->headers[0], sizeof rq->headers[0], "X-MBX-APIKEY: %s", b->key);
        rq->n_headers = 1;
    }
    rq->weight = c->weight;
    return PR_OK;
}

static int resync(bn *b, pr_err *err);

/* Sends c; *out the parsed 2xx body. Waits out 429 / a short 418 ban and
 * sends again (the venue refused those requests: nothing happened);
 * resyncs the clock once on -1021; retries a lost answer only when
 * c->once is 0, else PR_ETIMEOUT. */
static int request(bn *b, const call *c, json_t **out, pr_err *err) {
    int resynced = 0;
    *out = NULL;
    for (int attempt = 0;; attempt++) {
        pr_dl_request rq;
        int rc = build(b, c, &rq, err);
        if (rc != PR_OK) return rc;
        if ((rc = pr_dl_pace(&b->s, rq.weight, NULL, err)) != PR_OK) return rc;
        pr_dl_reply rp;
        b->s.o.get(b->s.o.get_user, &rq, b->s.o.timeout_s, &rp);
        pr_dl_count_weight(&b->s, &rp, rq.weight, NULL);
        int64_t now = pr_dl_now(&b->s);
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, now, &v);
        pr_dl_source_binance.classify(&rp, now, &v);
        long code = v.code[0] ? strtol(v.code, NULL, 10) : 0;
        if (v.kind == PR_DL_OK) {
            json_error_t je;
            *out = json_loadb(rp.body, rp.len, 0, &je);
            pr_dl_reply_free(&rp);
            if (*out) return PR_OK;
            if (c->once) return pr_err_set(err, PR_ETIMEOUT, "%s: unreadable answer (%s): outcome unknown", rq.shown,
                                           je.text);
            v.kind = PR_DL_RETRY;
            snprintf(v.why, sizeof v.why, "unreadable answer (%.150s)", je.text);
        } else {
            err->http_status = (int)rp.status;
            pr_strlcpy(err->venue_code, v.code, sizeof err->venue_code);
            pr_dl_reply_free(&rp);
        }
        if (code == -1021 && !resynced) {
            resynced = 1;
            if ((rc = resync(b, err)) != PR_OK) return rc;
            continue;
        }
        int64_t wait = 0;
        if (v.kind == PR_DL_RETRY && code != -1021) {
            if (c->once)
                return pr_err_set(err, PR_ETIMEOUT, "binance_spot: %s: %s%s%s: outcome unknown", rq.shown,
                                  rp.status ? "HTTP " : "no answer: ", rp.status ? v.why : "", rp.status ? "" : v.why);
            wait = pr_dl_backoff_ms(&b->s, attempt);
        } else if (v.kind == PR_DL_WAIT) {
            wait = v.wait_ms >= 0 ? v.wait_ms : pr_dl_backoff_ms(&b->s, attempt);
            if (wait > b->s.o.max_wait_ms)
                return pr_err_set(err, PR_ELIMIT, "binance_spot: %s: rate limited (HTTP 429%s%s: %.160s): the venue "
                                  "asks to wait %lld s, longer than the %lld s accepted", rq.shown,
                                  v.code[0] ? ", code " : "", v.code, v.why, (long long)(wait / 1000),
                                  (long long)(b->s.o.max_wait_ms / 1000));
        } else if (v.kind == PR_DL_BAN) {
            b->s.ban_until = v.until_ms > now ? v.until_ms : now + b->s.o.max_wait_ms + 1;
            if (b->s.ban_until - now > b->s.o.max_wait_ms) {
                char t[PR_TIME_STR_MAX] = "an unknown time";
                if (v.until_ms > now) pr_time_format(v.until_ms, t, sizeof t);
                return pr_err_set(err, PR_ELIMIT, "binance_spot: %s: the venue has banned this IP until %s (HTTP "
                                  "418%s%s): nothing is sent before then", rq.shown, t, v.code[0] ? ", code " : "",
                                  v.code);
            }
        } else {
            return pr_err_set(err, v.code[0] ? PR_EVENUE : PR_EHTTP, "binance_spot: %s: HTTP %d%s%s: %.160s (%s)",
                              rq.shown, err->http_status, v.code[0] ? " code " : "", v.code, v.why,
                              v.code[0] ? code_meaning(code) : "refused");
        }
        if (attempt >= b->s.o.max_retries)
            return pr_err_set(err, v.kind == PR_DL_RETRY ? PR_ETIMEOUT : PR_ELIMIT,
                              "binance_spot: %s: gave up after %d attempts: %.200s", rq.shown, attempt + 1, v.why);
        pr_dl_sleep(&b->s, wait, NULL);
    }
}

static double jnum(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    if (json_is_string(j)) return strtod(json_string_value(j), NULL);
    return json_is_number(j) ? json_number_value(j) : 0;
}

static int64_t jint(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    return json_is_integer(j) ? (int64_t)json_integer_value(j) : json_is_string(j) ? strtoll(json_string_value(j), NULL, 10) : 0;
}

static const char *jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int resync(bn *b, pr_err *err) {
    call c = {"GET", "/api/v3/time", "", 0, 1, GET_SAFE};
    json_t *j;
    int64_t t0 = pr_dl_now(&b->s);
    int rc = request(b, &c, &j, err);
    if (rc != PR_OK) return rc;
    int64_t t1 = pr_dl_now(&b->s);
    int64_t st = jint(j, "serverTime");
    json_decref(j);
    if (st <= 0) return pr_err_set(err, PR_EPARSE, "binance_spot: /api/v3/time has no serverTime");
    b->offset_ms = st - (t0 + t1) / 2;
    return PR_OK;
}

static int bn_server_time(void *impl, int64_t *ms, pr_err *err) {
    bn *b = impl;
    int rc = resync(b, err);
    if (rc == PR_OK) *ms = venue_now(b);
    return rc;
}

/* ---- rules ---------------------------------------------------------------------- */
static int parse_rules(const json_t *sym, pr_venue_rules *r) {
    memset(r, 0, sizeof *r);
    pr_strlcpy(r->symbol, jstr(sym, "symbol"), sizeof r->symbol);
    pr_strlcpy(r->base, jstr(sym, "baseAsset"), sizeof r->base);
    pr_strlcpy(r->quote, jstr(sym, "quoteAsset"), sizeof r->quote);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(sym, "filters"), i, f) {
        const char *t = jstr(f, "filterType");
        if (strcmp(t, "PRICE_FILTER") == 0) {
            r->tick = jnum(f, "tickSize");
            r->min_price = jnum(f, "minPrice");
            r->max_price = jnum(f, "maxPrice");
        } else if (strcmp(t, "LOT_SIZE") == 0) {
            r->step = jnum(f, "stepSize");
            r->min_qty = jnum(f, "minQty");
            r->max_qty = jnum(f, "maxQty");
        } else if (strcmp(t, "MARKET_LOT_SIZE") == 0) {
            r->market_step = jnum(f, "stepSize");
            r->market_min_qty = jnum(f, "minQty");
            r->market_max_qty = jnum(f, "maxQty");
        } else if (strcmp(t, "NOTIONAL") == 0) {
            r->notional_filter = "NOTIONAL";
            r->min_notional = jnum(f, "minNotional");
            r->max_notional = jnum(f, "maxNotional");
            r->min_notional_market = json_is_true(json_object_get(f, "applyMinToMarket"));
            r->max_notional_market = json_is_true(json_object_get(f, "applyMaxToMarket"));
        } else if (strcmp(t, "MIN_NOTIONAL") == 0) {
            r->notional_filter = "MIN_NOTIONAL";
            r->min_notional = jnum(f, "minNotional");
            r->min_notional_market = json_is_true(json_object_get(f, "applyToMarket"));
        }
    }
    return r->symbol[0] ? PR_OK : PR_EPARSE;
}

static int bn_rules(void *impl, const char *symbol, pr_venue_rules *out, pr_err *err) {
    bn *b = impl;
    for (size_t i = 0; i < b->n_rules; i++)
        if (strcmp(b->rules[i].symbol, symbol) == 0) return *out = b->rules[i], PR_OK;
    char p[64];
    snprintf(p, sizeof p, "symbol=%.40s", symbol);
    call c = {"GET", "/api/v3/exchangeInfo", p, 0, 20, GET_SAFE};
    json_t *j;
    int rc = request(b, &c, &j, err);
    if (rc != PR_OK) return rc;
    json_t *sym = json_array_get(json_object_get(j, "symbols"), 0);
    rc = sym && strcmp(jstr(sym, "symbol"), symbol) == 0 ? parse_rules(sym, out) : PR_ENOTFOUND;
    json_decref(j);
    if (rc != PR_OK) return pr_err_set(err, rc, "binance_spot: exchangeInfo has no rules for %s", symbol);
    if (b->n_rules < RULES_CACHE) b->rules[b->n_rules++] = *out;
    return PR_OK;
}

/* ---- orders --------------------------------------------------------------------- */
static pr_venue_ostatus status_of(const char *s) {
    static const char *const names[] = {"", "NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED", "EXPIRED"};
    for (int i = 1; i < 7; i++)
        if (strcmp(s, names[i]) == 0) return (pr_venue_ostatus)i;
    return strcmp(s, "EXPIRED_IN_MATCH") == 0 ? PR_VSTATUS_EXPIRED : PR_VSTATUS_UNKNOWN;
}

static pr_venue_otype otype_of(const char *s) {
    for (int t = PR_VORDER_MARKET; t <= PR_VORDER_LIMIT_MAKER; t++)
        if (strcmp(s, pr_venue_otype_name((pr_venue_otype)t)) == 0) return (pr_venue_otype)t;
    return PR_VORDER_MARKET;
}

static void parse_order(const json_t *o, pr_venue_order *out) {
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->symbol, jstr(o, "symbol"), sizeof out->symbol);
    pr_strlcpy(out->client_id, jstr(o, "clientOrderId"), sizeof out->client_id);
    out->venue_id = jint(o, "orderId");
    out->list_id = json_object_get(o, "orderListId") ? jint(o, "orderListId") : -1;
    out->side = strcmp(jstr(o, "side"), "SELL") == 0 ? PR_VSIDE_SELL : PR_VSIDE_BUY;
    out->type = otype_of(jstr(o, "type"));
    out->status = status_of(jstr(o, "status"));
    out->qty = jnum(o, "origQty");
    out->executed_qty = jnum(o, "executedQty");
    out->cum_quote = jnum(o, "cummulativeQuoteQty");
    out->price = jnum(o, "price");
    out->stop_price = jnum(o, "stopPrice");
    out->time_ms = json_object_get(o, "transactTime") ? jint(o, "transactTime") : jint(o, "time");
}

static int decimal_param(char *p, size_t cap, size_t *len, const char *name, double x, double unit, pr_err *err) {
    char d[48];
    int rc = pr_venue_decimal(x, unit, d, sizeof d, err);
    if (rc != PR_OK) return rc;
    int n = snprintf(p + *len, cap - *len, "&%s=%s", name, d);
    if (n < 0 || (size_t)n >= cap - *len) return pr_err_set(err, PR_ERANGE, "binance_spot: order too long");
    *len += (size_t)n;
    return PR_OK;
}

static int bn_place(void *impl, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    bn *b = impl;
    pr_venue_rules r;
    int rc = bn_rules(b, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    char p[600];
    size_t len = (size_t)snprintf(p, sizeof p, "symbol=%s&side=%s&type=%s", rq->symbol, pr_venue_side_name(rq->side),
                                  pr_venue_otype_name(rq->type));
    if (rq->type != PR_VORDER_MARKET && rq->type != PR_VORDER_LIMIT_MAKER)
        len += (size_t)snprintf(p + len, sizeof p - len, "&timeInForce=GTC");
    if ((rc = decimal_param(p, sizeof p, &len, "quantity", rq->qty, r.step, err)) != PR_OK) return rc;
    if (rq->type != PR_VORDER_MARKET && (rc = decimal_param(p, sizeof p, &len, "price", rq->price, r.tick, err)) != PR_OK)
        return rc;
    if ((rq->type == PR_VORDER_STOP_LOSS_LIMIT || rq->type == PR_VORDER_TAKE_PROFIT_LIMIT) &&
        (rc = decimal_param(p, sizeof p, &len, "stopPrice", rq->stop_price, r.tick, err)) != PR_OK)
        return rc;
    snprintf(p + len, sizeof p - len, "&newClientOrderId=%s&newOrderRespType=RESULT", rq->client_id);
    call c = {"POST", rq->test ? "/api/v3/order/test" : "/api/v3/order", p, 1, 1, SEND_ONCE};
    json_t *j;
    if ((rc = request(b, &c, &j, err)) != PR_OK) return rc;
    if (rq->test) {
        memset(out, 0, sizeof *out);
        pr_strlcpy(out->symbol, rq->symbol, sizeof out->symbol);
        pr_strlcpy(out->client_id, rq->client_id, sizeof out->client_id);
        out->side = rq->side;
        out->type = rq->type;
        out->qty = rq->qty;
        out->list_id = -1;
    } else {
        parse_order(j, out);
    }
    json_decref(j);
    return PR_OK;
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
    if ((rc = decimal_param(p, sizeof p, &len, "quantity", rq->qty, r.step, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sPrice", tp);
    if ((rc = decimal_param(p, sizeof p, &len, name, rq->take_profit, r.tick, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sPrice", sl);
    if ((rc = decimal_param(p, sizeof p, &len, name, rq->stop_limit, r.tick, err)) != PR_OK) return rc;
    snprintf(name, sizeof name, "%sStopPrice", sl);
    if ((rc = decimal_param(p, sizeof p, &len, name, rq->stop_price, r.tick, err)) != PR_OK) return rc;
    call c = {"POST", "/api/v3/orderList/oco", p, 1, 1, SEND_ONCE};
    json_t *j;
    if ((rc = request(b, &c, &j, err)) != PR_OK) return rc;
    json_t *rep = json_object_get(j, "orderReports");
    for (size_t i = 0; i < 2; i++) parse_order(json_array_get(rep, i), &legs[i]);
    json_decref(j);
    return PR_OK;
}

static int one_order(bn *b, const char *method, const char *symbol, const char *client_id, int weight,
                     pr_venue_order *out, pr_err *err) {
    char p[128];
    snprintf(p, sizeof p, "symbol=%.31s&origClientOrderId=%.39s", symbol, client_id);
    call c = {method, "/api/v3/order", p, 1, weight, GET_SAFE};
    json_t *j;
    int rc = request(b, &c, &j, err);
    if (rc == PR_EVENUE && strcmp(err->venue_code, "-2013") == 0) {
        err->code = PR_ENOTFOUND; /* the message stays the venue's */
        return PR_ENOTFOUND;
    }
    if (rc != PR_OK) return rc;
    parse_order(j, out);
    json_decref(j);
    return PR_OK;
}

static int bn_query(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return one_order(impl, "GET", symbol, client_id, 4, out, err);
}

/* A cancel is safe to repeat: a second one finds the order gone (-2011). */
static int bn_cancel(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return one_order(impl, "DELETE", symbol, client_id, 1, out, err);
}

static int bn_open_orders(void *impl, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err) {
    char p[64] = "";
    if (symbol && *symbol) snprintf(p, sizeof p, "symbol=%.40s", symbol);
    call c = {"GET", "/api/v3/openOrders", p, 1, p[0] ? 6 : 80, GET_SAFE};
    json_t *j;
    int rc = request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    *n = json_array_size(j);
    for (size_t i = 0; i < *n && i < cap; i++) parse_order(json_array_get(j, i), &out[i]);
    json_decref(j);
    return PR_OK;
}

static int bn_balances(void *impl, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err) {
    call c = {"GET", "/api/v3/account", "omitZeroBalances=true", 1, 20, GET_SAFE};
    json_t *j;
    int rc = request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    json_t *bal = json_object_get(j, "balances");
    *n = json_array_size(bal);
    for (size_t i = 0; i < *n && i < cap; i++) {
        json_t *e = json_array_get(bal, i);
        memset(&out[i], 0, sizeof out[i]);
        pr_strlcpy(out[i].asset, jstr(e, "asset"), sizeof out[i].asset);
        out[i].free = jnum(e, "free");
        out[i].locked = jnum(e, "locked");
    }
    json_decref(j);
    return PR_OK;
}

static int bn_fills(void *impl, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
                    pr_err *err) {
    char p[96];
    snprintf(p, sizeof p, "symbol=%.40s&fromId=%lld&limit=1000", symbol, (long long)(from_id > 0 ? from_id : 0));
    call c = {"GET", "/api/v3/myTrades", p, 1, 20, GET_SAFE};
    json_t *j;
    int rc = request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    *n = json_array_size(j);
    for (size_t i = 0; i < *n && i < cap; i++) {
        json_t *e = json_array_get(j, i);
        pr_venue_fill *f = &out[i];
        memset(f, 0, sizeof *f);
        pr_strlcpy(f->symbol, jstr(e, "symbol"), sizeof f->symbol);
        f->trade_id = jint(e, "id");
        f->order_id = jint(e, "orderId");
        f->side = json_is_true(json_object_get(e, "isBuyer")) ? PR_VSIDE_BUY : PR_VSIDE_SELL;
        f->price = jnum(e, "price");
        f->qty = jnum(e, "qty");
        f->commission = jnum(e, "commission");
        pr_strlcpy(f->commission_asset, jstr(e, "commissionAsset"), sizeof f->commission_asset);
        f->maker = json_is_true(json_object_get(e, "isMaker"));
        f->time_ms = jint(e, "time");
    }
    json_decref(j);
    return PR_OK;
}

static int bn_withdrawals(void *impl, int *on, pr_err *err) {
    call c = {"GET", "/sapi/v1/account/apiRestrictions", "", 1, 1, GET_SAFE};
    json_t *j;
    int rc = request(impl, &c, &j, err);
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
    .open = bn_open,
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
};
