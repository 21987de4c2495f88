/* What the Binance venues share (spot: venue_binance_spot.c, USD-M
 * futures: venue_binance_futures.c): signed requests (HMAC-SHA256 over the
 * query string, X-MBX-APIKEY header), the venue's clock offset (resynced
 * on -1021, and the request retried once), request weight, 429 and 418
 * through the downloader's session policy (one session per venue:
 * pr_dl_pace / pr_dl_count_weight), every venue error reported with its
 * HTTP status, code and meaning, and the readers of their common answers
 * (rules, orders, fills). A send whose outcome is unknown (no answer, 5xx)
 * is never retried here: that returns PR_ETIMEOUT and pr_venue_place asks
 * the venue first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "venue_binance.h"

/* What a Binance code means, for the message next to the venue's own. */
static const char *code_meaning(long code) {
    switch (code) {
    case -1003: return "request weight limit exceeded";
    case -1007: return "the venue timed out: execution status unknown";
    case -1013: return "the venue's instrument filters refused the order";
    case -1015: return "too many new orders: the order-count limit";
    case -1021: return "timestamp outside recvWindow: the clocks differ";
    case -1022: return "signature invalid: check the API secret";
    case -1100: case -1101: case -1102: case -1103: return "bad request parameters";
    case -1121: return "unknown symbol";
    case -2010: return "order rejected (e.g. insufficient balance)";
    case -2011: return "cancel rejected";
    case -2013: return "no such order";
    case -2014: case -2015: return "API key rejected (key, IP or permissions)";
    case -2019: return "margin is insufficient";
    case -2022: return "reduce-only order rejected: it would increase the position";
    case -4028: return "leverage not valid for this symbol";
    default: return "venue error";
    }
}

void bn_close(void *impl) {
    bn *b = impl;
    if (!b) return;
    pr_dl_session_free(&b->s);
    if (b->key) memset(b->key, 0, strlen(b->key));
    if (b->secret) memset(b->secret, 0, strlen(b->secret));
    free(b->key);
    free(b->secret);
    free(b);
}

int bn_open(const bn_api *api, const pr_venue_config *cfg, void **impl, pr_err *err) {
    bn *b = calloc(1, sizeof *b);
    if (b) b->api = api;
    if (!b) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", api->name);
    b->key = strdup(cfg->key ? cfg->key : "");
    b->secret = strdup(cfg->secret ? cfg->secret : "");
    b->recv_window = cfg->recv_window_ms;
    pr_dl_options o;
    pr_dl_options_init(&o);
    o.base_url = cfg->urls.rest;
    o.timeout_s = cfg->timeout_s;
    o.max_wait_ms = cfg->max_wait_ms;
    o.weight_limit = api->weight_limit; /* exchangeInfo's REQUEST_WEIGHT per minute */
    o.clock = cfg->clock;
    o.max_retries = 2;
    int rc = b->key && b->secret ? pr_dl_session_init(&b->s, &pr_dl_source_binance, &o, err)
                                 : pr_err_set(err, PR_ENOMEM, "%s: out of memory", api->name);
    if (rc != PR_OK) {
        bn_close(b);
        return rc;
    }
    *impl = b;
    return PR_OK;
}

/* ---- one request -------------------------------------------------------------- */
static int64_t venue_now(bn *b) { return pr_dl_now(&b->s) + b->offset_ms; }

static int build(bn *b, const bn_call *c, pr_dl_request *rq, pr_err *err) {
    memset(rq, 0, sizeof *rq);
    pr_strlcpy(rq->method, c->method, sizeof rq->method);
    char q[900];
    int n = snprintf(q, sizeof q, "%s", c->params);
    if (c->sign) {
        if (!b->key[0] || !b->secret[0])
            return pr_err_set(err, PR_EINVAL, "%s: %s %s needs an API key and secret", b->api->name, c->method, c->path);
        n = snprintf(q, sizeof q, "%s%srecvWindow=%d&timestamp=%lld", c->params, c->params[0] ? "&" : "",
                     b->recv_window, (long long)venue_now(b));
        if (n < 0 || (size_t)n >= sizeof q - 80) return pr_err_set(err, PR_ERANGE, "%s: request too long", b->api->name);
        char sig[65];
        int rc = pr_venue_hmac_sha256_hex(b->secret, q, sig, err);
        if (rc != PR_OK) return rc;
        n = snprintf(q + n, sizeof q - (size_t)n, "&signature=%s", sig) + n;
    }
    if (n < 0 || (size_t)n >= sizeof q) return pr_err_set(err, PR_ERANGE, "%s: request too long", b->api->name);
    n = snprintf(rq->url, sizeof rq->url, "%s%s%s%s", b->s.base, c->path, q[0] ? "?" : "", q);
    if (n < 0 || (size_t)n >= sizeof rq->url) return pr_err_set(err, PR_ERANGE, "%s: URL too long", b->api->name);
    snprintf(rq->shown, sizeof rq->shown, "%s %s%s%.400s", c->method, c->path, c->params[0] ? "?" : "", c->params);
    if (b->key[0]) {
        snprintf(rq->headers[0], sizeof rq->headers[0], "X-MBX-APIKEY: %s", b->key);
        rq->n_headers = 1;
    }
    rq->weight = c->weight;
    return PR_OK;
}

static int resync(bn *b, pr_err *err);

/* The order counts the venue reported with any answer. */
static void note_order_counts(bn *b, const pr_dl_reply *rp, int64_t now) {
    pr_venue_order_gate_seen(&b->gate, 10000, rp->order_count_10s, now);
    pr_venue_order_gate_seen(&b->gate, 60000, rp->order_count_1m, now);
    pr_venue_order_gate_seen(&b->gate, 86400000, rp->order_count_1d, now);
}

/* Waits until the order-count windows have room for c's orders. */
static int order_gate(bn *b, const bn_call *c, pr_err *err) {
    for (int i = 0; i < 8; i++) {
        int64_t wait;
        int rc = pr_venue_order_gate_check(&b->gate, pr_dl_now(&b->s) + c->new_orders - 1, b->s.o.max_wait_ms, &wait,
                                           err);
        if (rc != PR_OK) return pr_err_set(err, rc, "%s: %s %s: %s", b->api->name, c->method, c->path, err->msg);
        if (wait <= 0) return PR_OK;
        pr_dl_sleep(&b->s, wait, NULL);
    }
    return PR_OK;
}

/* Sends c; *out the parsed 2xx body. Waits out 429 / a short 418 ban and
 * sends again (the venue refused those requests: nothing happened);
 * resyncs the clock once on -1021; retries a lost answer only when
 * c->once is 0, else PR_ETIMEOUT. */
int bn_request(bn *b, const bn_call *c, json_t **out, pr_err *err) {
    int resynced = 0;
    *out = NULL;
    for (int attempt = 0;; attempt++) {
        pr_dl_request rq;
        int rc = build(b, c, &rq, err);
        if (rc != PR_OK) return rc;
        if ((rc = pr_dl_pace(&b->s, rq.weight, NULL, err)) != PR_OK) return rc;
        if (c->new_orders && (rc = order_gate(b, c, err)) != PR_OK) return rc;
        pr_dl_reply rp;
        b->s.o.get(b->s.o.get_user, &rq, b->s.o.timeout_s, &rp);
        pr_dl_count_weight(&b->s, &rp, rq.weight, NULL);
        int64_t now = pr_dl_now(&b->s);
        for (int k = 0; k < c->new_orders; k++) pr_venue_order_gate_sent(&b->gate, now);
        note_order_counts(b, &rp, now);
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, now, &v);
        pr_dl_source_binance.classify(&rp, now, &v);
        long code = v.code[0] ? strtol(v.code, NULL, 10) : 0;
        if (code == -1015) {
            /* Too many new orders: refused, nothing happened. The window
             * that is full is not named: wait out the shortest limit's. */
            v.kind = PR_DL_WAIT;
            if (v.wait_ms < 0 && rp.retry_after_ms < 0 && b->gate.n) {
                int64_t shortest = 0;
                for (size_t k = 0; k < b->gate.n; k++)
                    if (b->gate.w[k].limit > 0 && (!shortest || b->gate.w[k].interval_ms < shortest))
                        shortest = b->gate.w[k].interval_ms;
                if (shortest) v.wait_ms = shortest - now % shortest;
            }
        }
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
                return pr_err_set(err, PR_ETIMEOUT, "%s: %s: %s%s%s: outcome unknown", b->api->name, rq.shown,
                                  rp.status ? "HTTP " : "no answer: ", rp.status ? v.why : "", rp.status ? "" : v.why);
            wait = pr_dl_backoff_ms(&b->s, attempt);
        } else if (v.kind == PR_DL_WAIT) {
            wait = v.wait_ms >= 0 ? v.wait_ms : pr_dl_backoff_ms(&b->s, attempt);
            if (wait > b->s.o.max_wait_ms)
                return pr_err_set(err, PR_ELIMIT, "%s: %s: rate limited (HTTP 429%s%s: %.160s): the venue "
                                  "asks to wait %lld s, longer than the %lld s accepted", b->api->name, rq.shown,
                                  v.code[0] ? ", code " : "", v.code, v.why, (long long)(wait / 1000),
                                  (long long)(b->s.o.max_wait_ms / 1000));
        } else if (v.kind == PR_DL_BAN) {
            b->s.ban_until = v.until_ms > now ? v.until_ms : now + b->s.o.max_wait_ms + 1;
            if (b->s.ban_until - now > b->s.o.max_wait_ms) {
                char t[PR_TIME_STR_MAX] = "an unknown time";
                if (v.until_ms > now) pr_time_format(v.until_ms, t, sizeof t);
                return pr_err_set(err, PR_ELIMIT, "%s: %s: the venue has banned this IP until %s (HTTP "
                                  "418%s%s): nothing is sent before then", b->api->name, rq.shown, t, v.code[0] ? ", code " : "",
                                  v.code);
            }
        } else {
            return pr_err_set(err, v.code[0] ? PR_EVENUE : PR_EHTTP, "%s: %s: HTTP %d%s%s: %.160s (%s)",
                              b->api->name, rq.shown, err->http_status, v.code[0] ? " code " : "", v.code, v.why,
                              v.code[0] ? code_meaning(code) : "refused");
        }
        if (attempt >= b->s.o.max_retries)
            return pr_err_set(err, v.kind == PR_DL_RETRY ? PR_ETIMEOUT : PR_ELIMIT,
                              "%s: %s: gave up after %d attempts: %.200s", b->api->name, rq.shown, attempt + 1, v.why);
        pr_dl_sleep(&b->s, wait, NULL);
    }
}

double bn_jnum(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    if (json_is_string(j)) return strtod(json_string_value(j), NULL);
    return json_is_number(j) ? json_number_value(j) : 0;
}

int64_t bn_jint(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    return json_is_integer(j) ? (int64_t)json_integer_value(j) : json_is_string(j) ? strtoll(json_string_value(j), NULL, 10) : 0;
}

const char *bn_jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int resync(bn *b, pr_err *err) {
    bn_call c = {"GET", b->api->time, "", 0, 1, BN_GET_SAFE, 0};
    json_t *j;
    int64_t t0 = pr_dl_now(&b->s);
    int rc = bn_request(b, &c, &j, err);
    if (rc != PR_OK) return rc;
    int64_t t1 = pr_dl_now(&b->s);
    int64_t st = bn_jint(j, "serverTime");
    json_decref(j);
    if (st <= 0) return pr_err_set(err, PR_EPARSE, "%s: %s has no serverTime", b->api->name, b->api->time);
    b->offset_ms = st - (t0 + t1) / 2;
    return PR_OK;
}

int bn_server_time(void *impl, int64_t *ms, pr_err *err) {
    bn *b = impl;
    int rc = resync(b, err);
    if (rc == PR_OK) *ms = venue_now(b);
    return rc;
}

/* ---- rules ---------------------------------------------------------------------- */
static int parse_rules(const json_t *sym, pr_venue_rules *r) {
    memset(r, 0, sizeof *r);
    pr_strlcpy(r->symbol, bn_jstr(sym, "symbol"), sizeof r->symbol);
    pr_strlcpy(r->base, bn_jstr(sym, "baseAsset"), sizeof r->base);
    pr_strlcpy(r->quote, bn_jstr(sym, "quoteAsset"), sizeof r->quote);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(sym, "filters"), i, f) {
        const char *t = bn_jstr(f, "filterType");
        if (strcmp(t, "PRICE_FILTER") == 0) {
            r->tick = bn_jnum(f, "tickSize");
            r->min_price = bn_jnum(f, "minPrice");
            r->max_price = bn_jnum(f, "maxPrice");
        } else if (strcmp(t, "LOT_SIZE") == 0) {
            r->step = bn_jnum(f, "stepSize");
            r->min_qty = bn_jnum(f, "minQty");
            r->max_qty = bn_jnum(f, "maxQty");
        } else if (strcmp(t, "MARKET_LOT_SIZE") == 0) {
            r->market_step = bn_jnum(f, "stepSize");
            r->market_min_qty = bn_jnum(f, "minQty");
            r->market_max_qty = bn_jnum(f, "maxQty");
        } else if (strcmp(t, "NOTIONAL") == 0) {
            r->notional_filter = "NOTIONAL";
            r->min_notional = bn_jnum(f, "minNotional");
            r->max_notional = bn_jnum(f, "maxNotional");
            r->min_notional_market = json_is_true(json_object_get(f, "applyMinToMarket"));
            r->max_notional_market = json_is_true(json_object_get(f, "applyMaxToMarket"));
        } else if (strcmp(t, "MIN_NOTIONAL") == 0) {
            r->notional_filter = "MIN_NOTIONAL";
            /* futures spell it "notional" and apply it to every order */
            int fut = json_object_get(f, "notional") != NULL;
            r->min_notional = bn_jnum(f, fut ? "notional" : "minNotional");
            r->min_notional_market = fut || json_is_true(json_object_get(f, "applyToMarket"));
        }
    }
    return r->symbol[0] ? PR_OK : PR_EPARSE;
}

int bn_rules(void *impl, const char *symbol, pr_venue_rules *out, pr_err *err) {
    bn *b = impl;
    for (size_t i = 0; i < b->n_rules; i++)
        if (strcmp(b->rules[i].symbol, symbol) == 0) return *out = b->rules[i], PR_OK;
    char p[64];
    snprintf(p, sizeof p, "symbol=%.40s", symbol);
    bn_call c = {"GET", b->api->info, p, 0, b->api->info_weight, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(b, &c, &j, err);
    if (rc != PR_OK) return rc;
    /* the ORDERS limits: {"rateLimitType": "ORDERS", "interval": "SECOND",
     * "intervalNum": 10, "limit": 50} */
    json_t *e0;
    size_t k;
    json_array_foreach(json_object_get(j, "rateLimits"), k, e0) {
        const char *iv = bn_jstr(e0, "interval");
        int64_t unit = strcmp(iv, "SECOND") == 0 ? 1000 : strcmp(iv, "MINUTE") == 0 ? 60000
                     : strcmp(iv, "DAY") == 0 ? 86400000 : 0;
        if (strcmp(bn_jstr(e0, "rateLimitType"), "ORDERS") == 0 && unit)
            pr_venue_order_gate_limit(&b->gate, unit * bn_jint(e0, "intervalNum"), bn_jint(e0, "limit"));
    }
    /* spot answers the one symbol asked, futures every symbol */
    json_t *sym = NULL, *e;
    size_t i;
    json_array_foreach(json_object_get(j, "symbols"), i, e) if (strcmp(bn_jstr(e, "symbol"), symbol) == 0) sym = e;
    rc = sym ? parse_rules(sym, out) : PR_ENOTFOUND;
    json_decref(j);
    if (rc != PR_OK) return pr_err_set(err, rc, "%s: exchangeInfo has no rules for %s", b->api->name, symbol);
    if (b->n_rules < BN_RULES_CACHE) b->rules[b->n_rules++] = *out;
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
    /* futures: STOP and TAKE_PROFIT are the limit variants */
    if (strcmp(s, "STOP") == 0) return PR_VORDER_STOP_LOSS_LIMIT;
    if (strcmp(s, "TAKE_PROFIT") == 0) return PR_VORDER_TAKE_PROFIT_LIMIT;
    for (int t = PR_VORDER_MARKET; t <= PR_VORDER_TAKE_PROFIT_MARKET; t++)
        if (strcmp(s, pr_venue_otype_name((pr_venue_otype)t)) == 0) return (pr_venue_otype)t;
    return PR_VORDER_MARKET;
}

void bn_parse_order(const json_t *o, pr_venue_order *out) {
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->symbol, bn_jstr(o, "symbol"), sizeof out->symbol);
    pr_strlcpy(out->client_id, bn_jstr(o, "clientOrderId"), sizeof out->client_id);
    out->venue_id = bn_jint(o, "orderId");
    out->list_id = json_object_get(o, "orderListId") ? bn_jint(o, "orderListId") : -1;
    out->side = strcmp(bn_jstr(o, "side"), "SELL") == 0 ? PR_VSIDE_SELL : PR_VSIDE_BUY;
    out->type = otype_of(bn_jstr(o, "type"));
    out->status = status_of(bn_jstr(o, "status"));
    out->qty = bn_jnum(o, "origQty");
    out->executed_qty = bn_jnum(o, "executedQty");
    out->cum_quote = bn_jnum(o, json_object_get(o, "cumQuote") ? "cumQuote" : "cummulativeQuoteQty");
    out->reduce_only = json_is_true(json_object_get(o, "reduceOnly"));
    out->price = bn_jnum(o, "price");
    out->stop_price = bn_jnum(o, "stopPrice");
    out->time_ms = json_object_get(o, "transactTime") ? bn_jint(o, "transactTime") : bn_jint(o, "time");
}

int bn_decimal_param(char *p, size_t cap, size_t *len, const char *name, double x, double unit, pr_err *err) {
    char d[48];
    int rc = pr_venue_decimal(x, unit, d, sizeof d, err);
    if (rc != PR_OK) return rc;
    int n = snprintf(p + *len, cap - *len, "&%s=%s", name, d);
    if (n < 0 || (size_t)n >= cap - *len) return pr_err_set(err, PR_ERANGE, "order too long");
    *len += (size_t)n;
    return PR_OK;
}

static int one_order(bn *b, const char *method, const char *symbol, const char *client_id, int weight,
                     pr_venue_order *out, pr_err *err) {
    char p[128];
    snprintf(p, sizeof p, "symbol=%.31s&origClientOrderId=%.39s", symbol, client_id);
    bn_call c = {method, b->api->order, p, 1, weight, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(b, &c, &j, err);
    if (rc == PR_EVENUE && strcmp(err->venue_code, "-2013") == 0) {
        err->code = PR_ENOTFOUND; /* the message stays the venue's */
        return PR_ENOTFOUND;
    }
    if (rc != PR_OK) return rc;
    bn_parse_order(j, out);
    json_decref(j);
    return PR_OK;
}

int bn_query(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return one_order(impl, "GET", symbol, client_id, 4, out, err);
}

/* A cancel is safe to repeat: a second one finds the order gone (-2011). */
int bn_cancel(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return one_order(impl, "DELETE", symbol, client_id, 1, out, err);
}

int bn_open_orders(void *impl, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err) {
    char p[64] = "";
    if (symbol && *symbol) snprintf(p, sizeof p, "symbol=%.40s", symbol);
    bn_call c = {"GET", ((bn *)impl)->api->open_orders, p, 1, p[0] ? 6 : 80, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    *n = json_array_size(j);
    for (size_t i = 0; i < *n && i < cap; i++) bn_parse_order(json_array_get(j, i), &out[i]);
    json_decref(j);
    return PR_OK;
}

/* My trades of the query p ("symbol=S&fromId=N" or "symbol=S&orderId=N"). */
static int trades_of(void *impl, const char *p, pr_venue_fill *out, size_t cap, size_t *n, pr_err *err) {
    bn_call c = {"GET", ((bn *)impl)->api->trades, p, 1, 20, BN_GET_SAFE, 0};
    json_t *j;
    int rc = bn_request(impl, &c, &j, err);
    if (rc != PR_OK) return rc;
    *n = json_array_size(j);
    for (size_t i = 0; i < *n && i < cap; i++) {
        json_t *e = json_array_get(j, i);
        pr_venue_fill *f = &out[i];
        memset(f, 0, sizeof *f);
        pr_strlcpy(f->symbol, bn_jstr(e, "symbol"), sizeof f->symbol);
        f->trade_id = bn_jint(e, "id");
        f->order_id = bn_jint(e, "orderId");
        int buyer = json_object_get(e, "buyer") ? json_is_true(json_object_get(e, "buyer"))
                                                : json_is_true(json_object_get(e, "isBuyer"));
        f->side = buyer ? PR_VSIDE_BUY : PR_VSIDE_SELL;
        f->price = bn_jnum(e, "price");
        f->qty = bn_jnum(e, "qty");
        f->commission = bn_jnum(e, "commission");
        pr_strlcpy(f->commission_asset, bn_jstr(e, "commissionAsset"), sizeof f->commission_asset);
        f->maker = json_is_true(json_object_get(e, json_object_get(e, "maker") ? "maker" : "isMaker"));
        f->time_ms = bn_jint(e, "time");
    }
    json_decref(j);
    return PR_OK;
}

int bn_fills(void *impl, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
             pr_err *err) {
    char p[96];
    snprintf(p, sizeof p, "symbol=%.40s&fromId=%lld&limit=1000", symbol, (long long)(from_id > 0 ? from_id : 0));
    return trades_of(impl, p, out, cap, n, err);
}

int bn_order_fills(void *impl, const char *symbol, int64_t order_id, pr_venue_fill *out, size_t cap, size_t *n,
                   pr_err *err) {
    char p[96];
    snprintf(p, sizeof p, "symbol=%.40s&orderId=%lld", symbol, (long long)order_id);
    return trades_of(impl, p, out, cap, n, err);
}

int bn_send_order(bn *b, const char *path, const pr_venue_rules *r, char *p, size_t cap, size_t len, const char *extra,
                  const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    if (rq->stop_loss != 0 || rq->take_profit != 0)
        return pr_err_set(err, PR_EUNSUPPORTED, "%s has no stop-loss / take-profit on fill (order %s carries one): "
                          "nothing was sent; close with an OCO or a stop-limit order instead",
                          b->api->name, rq->client_id);
    int rc = bn_decimal_param(p, cap, &len, "quantity", rq->qty, r->step, err);
    int trigger = rq->type == PR_VORDER_STOP_MARKET || rq->type == PR_VORDER_TAKE_PROFIT_MARKET;
    if (rc == PR_OK && rq->type != PR_VORDER_MARKET && !trigger)
        rc = bn_decimal_param(p, cap, &len, "price", rq->price, r->tick, err);
    if (rc == PR_OK && (rq->type == PR_VORDER_STOP_LOSS_LIMIT || rq->type == PR_VORDER_TAKE_PROFIT_LIMIT || trigger))
        rc = bn_decimal_param(p, cap, &len, "stopPrice", rq->stop_price, r->tick, err);
    if (rc != PR_OK) return rc;
    snprintf(p + len, cap - len, "%s&newClientOrderId=%s&newOrderRespType=RESULT", extra, rq->client_id);
    char test[64];
    snprintf(test, sizeof test, "%s/test", path);
    bn_call c = {"POST", rq->test ? test : path, p, 1, 1, BN_SEND_ONCE, rq->test ? 0 : 1};
    json_t *j;
    if ((rc = bn_request(b, &c, &j, err)) != PR_OK) return rc;
    if (rq->test) {
        memset(out, 0, sizeof *out);
        pr_strlcpy(out->symbol, rq->symbol, sizeof out->symbol);
        pr_strlcpy(out->client_id, rq->client_id, sizeof out->client_id);
        out->side = rq->side;
        out->type = rq->type;
        out->qty = rq->qty;
        out->reduce_only = rq->reduce_only;
        out->list_id = -1;
    } else {
        bn_parse_order(j, out);
    }
    json_decref(j);
    return PR_OK;
}
