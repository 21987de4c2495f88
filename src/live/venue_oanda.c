/* OANDA v20 (REST) as a pr_venue: practice host by default, the live one
 * when mainnet. A bearer token (never shown) and an account id; market
 * (FOK) and limit (GTC) orders with units signed by side, the client id in
 * clientExtensions.id and optional stopLossOnFill / takeProfitOnFill
 * (their own client ids: the order's + "-sl" / "-tp"); cancel and query by
 * client id (`@id`), pending orders, the account summary (balance in the
 * home currency), open positions (long and short netted) and fills
 * (ORDER_FILL transactions since an id). Every refusal carries the HTTP
 * status and OANDA's errorCode (or the reject transaction's rejectReason)
 * with its errorMessage. 429 is waited out and retried for requests that
 * change nothing; an order POST is sent once: a lost answer, a 5xx or a 429
 * come back as PR_ETIMEOUT, and pr_venue_place asks for the client id
 * before anything is sent again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/live/venue.h"

#define OA_RULES_CACHE 16

typedef struct oa_rule {
    char asked[PR_VENUE_SYMBOL_MAX]; /* the symbol as the caller names it (EURUSD) */
    pr_venue_rules r;
} oa_rule;

typedef struct oa {
    pr_dl_session s;
    char *token;             /* owned copy, wiped on close                      */
    char account[64];
    char home[16];           /* the account's currency, once known             */
    oa_rule rules[OA_RULES_CACHE];
    size_t n_rules;
} oa;

enum { OA_SAFE = 0, OA_ONCE = 1 };

static void oa_close(void *impl) {
    oa *o = impl;
    if (!o) return;
    pr_dl_session_free(&o->s);
    if (o->token) memset(o->token, 0, strlen(o->token));
    free(o->token);
    free(o);
}

static int oa_open(const pr_venue_config *cfg, void **impl, pr_err *err) {
    if (!cfg->key || !*cfg->key) return pr_err_set(err, PR_EINVAL, "oanda: no API token (OANDA_API_TOKEN)");
    const char *acct = cfg->account ? cfg->account : "";
    size_t n = strlen(acct);
    if (n == 0) return pr_err_set(err, PR_EINVAL, "oanda: no account id (OANDA_ACCOUNT_ID or live.venue.account)");
    for (size_t i = 0; i < n; i++)
        if (!((acct[i] >= '0' && acct[i] <= '9') || (acct[i] >= 'a' && acct[i] <= 'z') ||
              (acct[i] >= 'A' && acct[i] <= 'Z') || acct[i] == '-') || n >= 64)
            return pr_err_set(err, PR_EINVAL, "oanda: account id \"%.64s\" is not one (digits and '-', as "
                              "101-004-1435156-001)", acct);
    oa *o = calloc(1, sizeof *o);
    if (o) o->token = strdup(cfg->key);
    if (!o || !o->token) {
        free(o);
        return pr_err_set(err, PR_ENOMEM, "oanda: out of memory");
    }
    pr_strlcpy(o->account, acct, sizeof o->account);
    pr_dl_options opt;
    pr_dl_options_init(&opt);
    opt.base_url = cfg->urls.rest;
    opt.timeout_s = cfg->timeout_s;
    opt.max_wait_ms = cfg->max_wait_ms;
    opt.clock = cfg->clock;
    opt.max_retries = 2;
    int rc = pr_dl_session_init(&o->s, &pr_dl_source_oanda, &opt, err);
    if (rc != PR_OK) {
        free(o->token);
        free(o);
        return rc;
    }
    *impl = o;
    return PR_OK;
}

/* ---- one request ---------------------------------------------------------------- */
/* What OANDA's answer says: errorCode, else the reject transaction's
 * rejectReason (an order's refusal may carry only that), and errorMessage. */
static void classify(const pr_dl_reply *rp, pr_dl_verdict *v) {
    if (v->kind == PR_DL_OK || !rp->body || rp->len == 0) return;
    json_t *j = json_loadb(rp->body, rp->len, 0, NULL);
    const char *code = json_string_value(json_object_get(j, "errorCode"));
    static const char *const rejects[] = {"orderRejectTransaction", "orderCancelRejectTransaction"};
    for (int i = 0; i < 2 && !code; i++)
        code = json_string_value(json_object_get(json_object_get(j, rejects[i]), "rejectReason"));
    const char *m = json_string_value(json_object_get(j, "errorMessage"));
    if (code) pr_strlcpy(v->code, code, sizeof v->code);
    if (m) snprintf(v->why, sizeof v->why, "%s", m);
    json_decref(j);
}

static const char *meaning(long status, const char *code) {
    if (strcmp(code, "ORDER_DOESNT_EXIST") == 0) return "no such order";
    if (strcmp(code, "INSUFFICIENT_MARGIN") == 0 || strcmp(code, "MARGIN_CALL") == 0)
        return "not enough margin for the order";
    if (strstr(code, "PRECISION_EXCEEDED")) return "a price or units with more decimals than the instrument allows";
    if (strstr(code, "CLIENT_ORDER_ID")) return "the client id is refused (already used?)";
    switch (status) {
    case 400: return code[0] ? "order or request rejected" : "bad request (e.g. an unknown instrument)";
    case 401: return "the token was refused: check OANDA_API_TOKEN (a practice token is refused by the live host, "
                     "and the reverse)";
    case 403: return "the token may not act on this account";
    case 404: return "not found: check the account id";
    case 405: return "the account is locked or the request is not allowed";
    default: return "refused";
    }
}

/* Sends method path (the path under the host, query included), with a JSON
 * body when body is not NULL; *out the parsed 2xx answer, *status its HTTP
 * status, *server_ms its Date header (-1 absent; either may be NULL). */
static int request(oa *o, const char *method, const char *path, const char *body, int once, json_t **out,
                   long *status, int64_t *server_ms, pr_err *err) {
    *out = NULL;
    for (int attempt = 0;; attempt++) {
        pr_dl_request rq;
        memset(&rq, 0, sizeof rq);
        pr_strlcpy(rq.method, method, sizeof rq.method);
        int n = snprintf(rq.url, sizeof rq.url, "%s%s", o->s.base, path);
        if (n < 0 || (size_t)n >= sizeof rq.url) return pr_err_set(err, PR_ERANGE, "oanda: URL too long");
        snprintf(rq.shown, sizeof rq.shown, "%s %.400s", method, path);
        if ((size_t)snprintf(rq.headers[0], sizeof rq.headers[0], "Authorization: Bearer %s", o->token) >=
            sizeof rq.headers[0])
            return pr_err_set(err, PR_EINVAL, "oanda: token too long");
        snprintf(rq.headers[1], sizeof rq.headers[1], "Accept-Datetime-Format: RFC3339");
        rq.n_headers = 2;
        int rc = pr_dl_pace(&o->s, 0, NULL, err);
        if (rc != PR_OK) return rc;
        pr_dl_reply rp;
        if (body) pr_dl_http_post(o->s.own_http, &rq, body, o->s.o.timeout_s, &rp);
        else o->s.o.get(o->s.o.get_user, &rq, o->s.o.timeout_s, &rp);
        int64_t now = pr_dl_now(&o->s);
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, now, &v);
        classify(&rp, &v);
        if (status) *status = rp.status;
        if (server_ms) *server_ms = rp.server_ms;
        if (v.kind == PR_DL_OK) {
            json_error_t je;
            *out = json_loadb(rp.body, rp.len, 0, &je);
            pr_dl_reply_free(&rp);
            if (*out) return PR_OK;
            if (once) return pr_err_set(err, PR_ETIMEOUT, "oanda: %s: unreadable answer (%s): outcome unknown",
                                        rq.shown, je.text);
            v.kind = PR_DL_RETRY;
            snprintf(v.why, sizeof v.why, "unreadable answer (%.150s)", je.text);
        }
        err->http_status = (int)rp.status;
        pr_strlcpy(err->venue_code, v.code, sizeof err->venue_code);
        long st = rp.status;
        pr_dl_reply_free(&rp);
        int64_t wait = 0;
        if (v.kind == PR_DL_RETRY) {
            if (once)
                return pr_err_set(err, PR_ETIMEOUT, "oanda: %s: %s%s: outcome unknown", rq.shown,
                                  st ? "HTTP " : "no answer: ", v.why);
            wait = pr_dl_backoff_ms(&o->s, attempt);
        } else if (v.kind == PR_DL_WAIT) {
            wait = v.wait_ms >= 0 ? v.wait_ms : pr_dl_backoff_ms(&o->s, attempt);
            if (wait > o->s.o.max_wait_ms)
                return pr_err_set(err, PR_ELIMIT, "oanda: %s: rate limited (HTTP 429): OANDA asks to wait %lld s, "
                                  "longer than the %lld s accepted", rq.shown, (long long)(wait / 1000),
                                  (long long)(o->s.o.max_wait_ms / 1000));
            if (once) {
                /* refused before it was taken, but an order is only sent
                 * again after its client id was asked for */
                pr_dl_sleep(&o->s, wait, NULL);
                return pr_err_set(err, PR_ETIMEOUT, "oanda: %s: rate limited (HTTP 429): the order is sent again "
                                  "only after OANDA was asked for its client id", rq.shown);
            }
        } else {
            return pr_err_set(err, PR_EVENUE, "oanda: %s: HTTP %ld%s%s: %.160s (%s)", rq.shown, st,
                              v.code[0] ? " " : "", v.code, v.why[0] ? v.why : "no message", meaning(st, v.code));
        }
        if (attempt >= o->s.o.max_retries)
            return pr_err_set(err, v.kind == PR_DL_RETRY ? PR_ETIMEOUT : PR_ELIMIT,
                              "oanda: %s: gave up after %d attempts: %s%.200s", rq.shown, attempt + 1,
                              v.kind == PR_DL_WAIT ? "rate limited (HTTP 429) " : "", v.why);
        pr_dl_sleep(&o->s, wait, NULL);
    }
}

/* The account's path + suffix into p. */
static int acct_path(const oa *o, char *p, size_t cap, const char *fmt, const char *arg, pr_err *err) {
    int n = snprintf(p, cap, "/v3/accounts/%s", o->account);
    int m = n >= 0 && (size_t)n < cap ? snprintf(p + n, cap - (size_t)n, fmt, arg ? arg : "") : -1;
    if (m < 0 || (size_t)(n + m) >= cap) return pr_err_set(err, PR_ERANGE, "oanda: request path too long");
    return PR_OK;
}

static int get_acct(oa *o, const char *fmt, const char *arg, json_t **out, int64_t *server_ms, pr_err *err) {
    char p[512];
    int rc = acct_path(o, p, sizeof p, fmt, arg, err);
    return rc == PR_OK ? request(o, "GET", p, NULL, OA_SAFE, out, NULL, server_ms, err) : rc;
}

/* ---- readers ---------------------------------------------------------------------- */
static double jnum(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    if (json_is_string(j)) return strtod(json_string_value(j), NULL);
    return json_is_number(j) ? json_number_value(j) : 0;
}

static const char *jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int64_t jid(const json_t *o, const char *k) {
    const json_t *j = json_object_get(o, k);
    return json_is_integer(j) ? (int64_t)json_integer_value(j) : strtoll(jstr(o, k), NULL, 10);
}

static int64_t jtime(const json_t *o, const char *k) {
    const char *t = jstr(o, k);
    int64_t ms = 0;
    pr_err e;
    return *t && pr_time_parse(t, strlen(t), &ms, &e) == PR_OK ? ms : 0;
}

static pr_venue_otype otype_of(const char *t) {
    if (strcmp(t, "MARKET") == 0) return PR_VORDER_MARKET;
    if (strcmp(t, "STOP_LOSS") == 0 || strcmp(t, "STOP") == 0 || strcmp(t, "GUARANTEED_STOP_LOSS") == 0)
        return PR_VORDER_STOP_LOSS_LIMIT;
    if (strcmp(t, "TAKE_PROFIT") == 0) return PR_VORDER_TAKE_PROFIT_LIMIT;
    return PR_VORDER_LIMIT;
}

static pr_venue_ostatus status_of(const char *s) {
    if (strcmp(s, "PENDING") == 0) return PR_VSTATUS_NEW;
    if (strcmp(s, "FILLED") == 0 || strcmp(s, "TRIGGERED") == 0) return PR_VSTATUS_FILLED;
    if (strcmp(s, "CANCELLED") == 0) return PR_VSTATUS_CANCELED;
    return PR_VSTATUS_UNKNOWN;
}

/* An Order (or an order-create transaction). A trade's stop-loss and
 * take-profit carry no units and close the trade: list_id is the trade. */
static void parse_order(const json_t *j, pr_venue_order *out) {
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->symbol, jstr(j, "instrument"), sizeof out->symbol);
    pr_strlcpy(out->client_id, jstr(json_object_get(j, "clientExtensions"), "id"), sizeof out->client_id);
    out->venue_id = jid(j, "id");
    out->list_id = json_object_get(j, "tradeID") ? jid(j, "tradeID") : -1;
    double units = jnum(j, "units");
    out->side = units < 0 ? PR_VSIDE_SELL : PR_VSIDE_BUY;
    out->qty = fabs(units);
    out->type = otype_of(jstr(j, "type"));
    out->status = status_of(jstr(j, "state"));
    out->price = jnum(j, "price");
    out->reduce_only = strcmp(jstr(j, "positionFill"), "REDUCE_ONLY") == 0;
    out->time_ms = jtime(j, json_object_get(j, "createTime") ? "createTime" : "time");
}

/* What an ORDER_FILL transaction filled. */
static void apply_fill(const json_t *t, pr_venue_order *out) {
    double units = jnum(t, "units");
    out->status = PR_VSTATUS_FILLED;
    out->executed_qty = fabs(units);
    if (out->qty == 0) out->qty = fabs(units), out->side = units < 0 ? PR_VSIDE_SELL : PR_VSIDE_BUY;
    out->price = jnum(t, "price");
    out->cum_quote = out->executed_qty * out->price;
}

static int check_client_id(const char *cid, pr_err *err) {
    size_t n = strlen(cid);
    for (size_t i = 0; i < n; i++)
        if (!((cid[i] >= '0' && cid[i] <= '9') || (cid[i] >= 'a' && cid[i] <= 'z') || (cid[i] >= 'A' && cid[i] <= 'Z') ||
              cid[i] == '-' || cid[i] == '_'))
            return pr_err_set(err, PR_EINVAL, "oanda: client id \"%.40s\": letters, digits, '-' and '_' only", cid);
    return n ? PR_OK : pr_err_set(err, PR_EINVAL, "oanda: empty client id");
}

/* ---- the vtable --------------------------------------------------------------------- */
static int summary(oa *o, json_t **acct_obj, json_t **root, int64_t *server_ms, pr_err *err) {
    int rc = get_acct(o, "/summary", NULL, root, server_ms, err);
    if (rc != PR_OK) return rc;
    *acct_obj = json_object_get(*root, "account");
    if (!json_is_object(*acct_obj)) {
        json_decref(*root);
        return pr_err_set(err, PR_EPARSE, "oanda: the account summary has no account");
    }
    pr_strlcpy(o->home, jstr(*acct_obj, "currency"), sizeof o->home);
    return PR_OK;
}

/* The Date header of the account summary: OANDA has no clock endpoint, and
 * this one also proves the token and the account id at start. */
static int oa_server_time(void *impl, int64_t *ms, pr_err *err) {
    json_t *root, *a;
    int64_t t = -1;
    int rc = summary(impl, &a, &root, &t, err);
    if (rc != PR_OK) return rc;
    json_decref(root);
    if (t < 0) return pr_err_set(err, PR_EPARSE, "oanda: the answer has no Date header");
    *ms = t;
    return PR_OK;
}

static int oa_rules(void *impl, const char *symbol, pr_venue_rules *out, pr_err *err) {
    oa *o = impl;
    for (size_t i = 0; i < o->n_rules; i++)
        if (strcmp(o->rules[i].asked, symbol) == 0) return *out = o->rules[i].r, PR_OK;
    char ins[PR_VENUE_SYMBOL_MAX];
    int rc = pr_dl_oanda_instrument(symbol, ins, sizeof ins, err);
    if (rc != PR_OK) return rc;
    json_t *j, *e, *found = NULL;
    if ((rc = get_acct(o, "/instruments?instruments=%s", ins, &j, NULL, err)) != PR_OK) return rc;
    size_t i;
    json_array_foreach(json_object_get(j, "instruments"), i, e) if (strcmp(jstr(e, "name"), ins) == 0) found = e;
    if (!found) {
        json_decref(j);
        return pr_err_set(err, PR_ENOTFOUND, "oanda: the account cannot trade %s (not among its instruments)", ins);
    }
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->symbol, ins, sizeof out->symbol);
    const char *us = strchr(ins, '_');
    if (us) {
        snprintf(out->base, sizeof out->base, "%.*s", (int)(us - ins) < 15 ? (int)(us - ins) : 15, ins);
        pr_strlcpy(out->quote, us + 1, sizeof out->quote);
    }
    out->tick = pow(10.0, -(double)jid(found, "displayPrecision"));
    out->step = pow(10.0, -(double)jid(found, "tradeUnitsPrecision"));
    out->min_qty = jnum(found, "minimumTradeSize");
    out->max_qty = jnum(found, "maximumOrderUnits");
    json_decref(j);
    if (o->n_rules < OA_RULES_CACHE) {
        pr_strlcpy(o->rules[o->n_rules].asked, symbol, sizeof o->rules[o->n_rules].asked);
        o->rules[o->n_rules++].r = *out;
    }
    return PR_OK;
}

/* x on the grid of unit as a JSON string, negative when neg. */
static int dec(double x, double unit, int neg, json_t **out, pr_err *err) {
    char d[48];
    d[0] = '-';
    int rc = pr_venue_decimal(x, unit, d + 1, sizeof d - 1, err);
    if (rc != PR_OK) return rc;
    *out = json_string(neg ? d : d + 1);
    return PR_OK;
}

/* stopLossOnFill / takeProfitOnFill: GTC, with the order's client id and
 * a suffix, so the dependent order can be found by id too. */
static int on_fill(json_t *ord, const char *key, double price, double tick, const char *cid, const char *sfx,
                   pr_err *err) {
    if (price == 0) return PR_OK;
    json_t *p;
    int rc = dec(price, tick, 0, &p, err);
    if (rc != PR_OK) return rc;
    char id[PR_VENUE_CLIENT_ID_MAX + 4];
    snprintf(id, sizeof id, "%s%s", cid, sfx);
    json_object_set_new(ord, key, json_pack("{s:o, s:s, s:{s:s}}", "price", p, "timeInForce", "GTC",
                                            "clientExtensions", "id", id));
    return PR_OK;
}

static int oa_place(void *impl, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    oa *o = impl;
    if (rq->test) return pr_err_set(err, PR_EUNSUPPORTED, "oanda has no order-test endpoint (order %s)", rq->client_id);
    if (rq->type != PR_VORDER_MARKET && rq->type != PR_VORDER_LIMIT)
        return pr_err_set(err, PR_EUNSUPPORTED, "oanda: %s orders are not supported (MARKET and LIMIT, with a "
                          "stop-loss / take-profit on fill; order %s)", pr_venue_otype_name(rq->type), rq->client_id);
    int rc = check_client_id(rq->client_id, err);
    pr_venue_rules r;
    if (rc != PR_OK || (rc = oa_rules(o, rq->symbol, &r, err)) != PR_OK) return rc;
    int limit = rq->type == PR_VORDER_LIMIT;
    json_t *units, *ord = NULL;
    if ((rc = dec(rq->qty, r.step, rq->side == PR_VSIDE_SELL, &units, err)) != PR_OK) return rc;
    ord = json_pack("{s:s, s:s, s:o, s:s, s:s, s:{s:s}}", "type", limit ? "LIMIT" : "MARKET", "instrument", r.symbol,
                    "units", units, "timeInForce", limit ? "GTC" : "FOK", "positionFill",
                    rq->reduce_only ? "REDUCE_ONLY" : "DEFAULT", "clientExtensions", "id", rq->client_id);
    if (!ord) return pr_err_set(err, PR_ENOMEM, "oanda: out of memory");
    json_t *px;
    if (limit && (rc = dec(rq->price, r.tick, 0, &px, err)) == PR_OK) json_object_set_new(ord, "price", px);
    if (rc == PR_OK) rc = on_fill(ord, "stopLossOnFill", rq->stop_loss, r.tick, rq->client_id, "-sl", err);
    if (rc == PR_OK) rc = on_fill(ord, "takeProfitOnFill", rq->take_profit, r.tick, rq->client_id, "-tp", err);
    json_t *body = json_pack("{s:o}", "order", ord);
    char *text = rc == PR_OK && body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (rc != PR_OK) return rc;
    if (!text) return pr_err_set(err, PR_ENOMEM, "oanda: out of memory");
    char path[512];
    json_t *j = NULL;
    long st = 0;
    if ((rc = acct_path(o, path, sizeof path, "/orders", NULL, err)) == PR_OK)
        rc = request(o, "POST", path, text, OA_ONCE, &j, &st, NULL, err);
    free(text);
    if (rc != PR_OK) return rc;
    json_t *create = json_object_get(j, "orderCreateTransaction");
    json_t *fill = json_object_get(j, "orderFillTransaction"), *cancel = json_object_get(j, "orderCancelTransaction");
    if (!json_is_object(create)) {
        json_decref(j);
        return pr_err_set(err, PR_ETIMEOUT, "oanda: POST %s: HTTP %ld without orderCreateTransaction: outcome "
                          "unknown", path, st);
    }
    parse_order(create, out);
    pr_strlcpy(out->symbol, r.symbol, sizeof out->symbol);
    pr_strlcpy(out->client_id, rq->client_id, sizeof out->client_id);
    out->status = PR_VSTATUS_NEW;
    if (json_is_object(fill)) apply_fill(fill, out);
    if (json_is_object(cancel) && !json_is_object(fill)) {
        /* taken and cancelled at once (a FOK market order without margin,
         * say): the venue has the order, as CANCELLED */
        out->status = PR_VSTATUS_CANCELED;
        err->http_status = (int)st;
        pr_strlcpy(err->venue_code, jstr(cancel, "reason"), sizeof err->venue_code);
        rc = pr_err_set(err, PR_EVENUE, "oanda: POST %s: HTTP %ld: order %s was cancelled at once: %s (%s)", path, st,
                        rq->client_id, err->venue_code, meaning(st, err->venue_code));
    }
    json_decref(j);
    return rc;
}

static int oa_query(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    (void)symbol;
    oa *o = impl;
    json_t *j, *t;
    int rc = check_client_id(client_id, err);
    if (rc == PR_OK) rc = get_acct(o, "/orders/@%s", client_id, &j, NULL, err);
    if (rc == PR_EVENUE && err->http_status == 404) return err->code = PR_ENOTFOUND;
    if (rc != PR_OK) return rc;
    parse_order(json_object_get(j, "order"), out);
    char fid[32];
    snprintf(fid, sizeof fid, "%.30s", jstr(json_object_get(j, "order"), "fillingTransactionID"));
    json_decref(j);
    if (out->status != PR_VSTATUS_FILLED || !fid[0]) return PR_OK;
    /* a filled order's price and units are its fill transaction's */
    if ((rc = get_acct(o, "/transactions/%s", fid, &t, NULL, err)) != PR_OK) return rc;
    apply_fill(json_object_get(t, "transaction"), out);
    json_decref(t);
    return PR_OK;
}

/* A cancel changes nothing the second time (404): safe to repeat. */
static int oa_cancel(void *impl, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    oa *o = impl;
    char path[512];
    json_t *j;
    int rc = check_client_id(client_id, err);
    if (rc == PR_OK) rc = acct_path(o, path, sizeof path, "/orders/@%s/cancel", client_id, err);
    if (rc == PR_OK) rc = request(o, "PUT", path, NULL, OA_SAFE, &j, NULL, NULL, err);
    if (rc == PR_EVENUE && err->http_status == 404) return err->code = PR_ENOTFOUND;
    if (rc != PR_OK) return rc;
    json_decref(j);
    return oa_query(o, symbol, client_id, out, err);
}

static int oa_open_orders(void *impl, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err) {
    oa *o = impl;
    char ins[PR_VENUE_SYMBOL_MAX] = "";
    json_t *j, *e;
    int rc = symbol && *symbol ? pr_dl_oanda_instrument(symbol, ins, sizeof ins, err) : PR_OK;
    if (rc == PR_OK) rc = get_acct(o, "/pendingOrders", NULL, &j, NULL, err);
    if (rc != PR_OK) return rc;
    size_t i;
    *n = 0;
    json_array_foreach(json_object_get(j, "orders"), i, e) {
        pr_venue_order x;
        parse_order(e, &x);
        /* a trade's stop-loss / take-profit names no instrument */
        if (ins[0] && x.symbol[0] && strcmp(x.symbol, ins) != 0) continue;
        if (*n < cap) out[*n] = x;
        (*n)++;
    }
    json_decref(j);
    return PR_OK;
}

/* One balance, in the home currency: the cash balance, of which the margin
 * used by open trades is locked. */
static int oa_balances(void *impl, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err) {
    json_t *root, *a;
    int rc = summary(impl, &a, &root, NULL, err);
    if (rc != PR_OK) return rc;
    *n = 1;
    if (cap > 0) {
        memset(out, 0, sizeof *out);
        pr_strlcpy(out->asset, jstr(a, "currency"), sizeof out->asset);
        out->locked = jnum(a, "marginUsed");
        out->free = jnum(a, "balance") - out->locked;
    }
    json_decref(root);
    return PR_OK;
}

/* Each instrument's long and short units netted (a hedging account may
 * hold both); the entry price is the larger side's average. */
static int oa_positions(void *impl, pr_venue_position *out, size_t cap, size_t *n, pr_err *err) {
    json_t *j, *e;
    int rc = get_acct(impl, "/openPositions", NULL, &j, NULL, err);
    if (rc != PR_OK) return rc;
    size_t i;
    *n = 0;
    json_array_foreach(json_object_get(j, "positions"), i, e) {
        json_t *lg = json_object_get(e, "long"), *sh = json_object_get(e, "short");
        double l = jnum(lg, "units"), s = jnum(sh, "units");
        if (l == 0 && s == 0) continue;
        if (*n < cap) {
            pr_venue_position *p = &out[*n];
            memset(p, 0, sizeof *p);
            pr_strlcpy(p->symbol, jstr(e, "instrument"), sizeof p->symbol);
            p->qty = l + s;
            p->entry_price = jnum(l >= -s ? lg : sh, "averagePrice");
            p->unrealized_pnl = jnum(e, "unrealizedPL");
        }
        (*n)++;
    }
    json_decref(j);
    return PR_OK;
}

/* ORDER_FILL transactions of symbol with id >= from_id (at most 1000 a
 * call, as OANDA pages them); the commission is in the home currency. */
static int oa_fills(void *impl, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
                    pr_err *err) {
    oa *o = impl;
    char ins[PR_VENUE_SYMBOL_MAX], since[32];
    json_t *j, *e;
    int rc = pr_dl_oanda_instrument(symbol, ins, sizeof ins, err);
    if (rc == PR_OK && !o->home[0]) {
        json_t *root, *a;
        if ((rc = summary(o, &a, &root, NULL, err)) == PR_OK) json_decref(root);
    }
    snprintf(since, sizeof since, "%lld", (long long)(from_id > 1 ? from_id - 1 : 0));
    if (rc == PR_OK) rc = get_acct(o, "/transactions/sinceid?id=%s", since, &j, NULL, err);
    if (rc != PR_OK) return rc;
    size_t i;
    *n = 0;
    json_array_foreach(json_object_get(j, "transactions"), i, e) {
        if (strcmp(jstr(e, "type"), "ORDER_FILL") != 0 || strcmp(jstr(e, "instrument"), ins) != 0) continue;
        if (jid(e, "id") < from_id) continue;
        if (*n < cap) {
            pr_venue_fill *f = &out[*n];
            memset(f, 0, sizeof *f);
            pr_strlcpy(f->symbol, ins, sizeof f->symbol);
            f->trade_id = jid(e, "id");
            f->order_id = jid(e, "orderID");
            double units = jnum(e, "units");
            f->side = units < 0 ? PR_VSIDE_SELL : PR_VSIDE_BUY;
            f->qty = fabs(units);
            f->price = jnum(e, "price");
            f->commission = fabs(jnum(e, "commission"));
            pr_strlcpy(f->commission_asset, o->home, sizeof f->commission_asset);
            f->time_ms = jtime(e, "time");
        }
        (*n)++;
    }
    json_decref(j);
    return PR_OK;
}

/* A v20 token trades and reads; the REST API has no transfer of funds
 * out of the account, so no token can withdraw. */
static int oa_withdrawals(void *impl, int *on, pr_err *err) {
    (void)impl;
    (void)err;
    *on = 0;
    return PR_OK;
}

const pr_venue_ops pr_venue_oanda = {
    .name = "oanda",
    .rest_testnet = "https://api-fxpractice.oanda.com",
    .rest_mainnet = "https://api-fxtrade.oanda.com",
    .ws_testnet = "https://stream-fxpractice.oanda.com",
    .ws_mainnet = "https://stream-fxtrade.oanda.com",
    .key_env = "OANDA_API_TOKEN",
    .secret_env = NULL,
    .account_env = "OANDA_ACCOUNT_ID",
    .open = oa_open,
    .close = oa_close,
    .server_time = oa_server_time,
    .rules = oa_rules,
    .place = oa_place,
    .place_oco = NULL,
    .cancel = oa_cancel,
    .query = oa_query,
    .open_orders = oa_open_orders,
    .balances = oa_balances,
    .positions = oa_positions,
    .fills = oa_fills,
    .withdrawals_enabled = oa_withdrawals,
    .protect = PR_VPROTECT_ON_FILL,
};
