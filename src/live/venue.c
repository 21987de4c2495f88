/* The venue table and what every venue shares: opening one by name, the
 * checks made before an order leaves (the instrument's rules), the
 * never-double rule for a send whose answer was lost, the deterministic
 * client order id and exact decimal text. A new venue is its own file
 * (venue_<name>.c) and one row of k_venues. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/hmac.h>

#include "proratio/live/venue.h"

extern const pr_venue_ops pr_venue_binance_spot;
extern const pr_venue_ops pr_venue_binance_futures;
extern const pr_venue_ops pr_venue_oanda;

static const pr_venue_ops *const k_venues[] = {
    &pr_venue_binance_spot,
    &pr_venue_binance_futures,
    &pr_venue_oanda,
};

const pr_venue_ops *const *pr_venue_list(size_t *n) {
    *n = sizeof k_venues / sizeof k_venues[0];
    return k_venues;
}

const pr_venue_ops *pr_venue_find(const char *name) {
    for (size_t i = 0; name && i < sizeof k_venues / sizeof k_venues[0]; i++)
        if (strcmp(k_venues[i]->name, name) == 0) return k_venues[i];
    return NULL;
}

int pr_venue_open(const char *name, const pr_venue_config *cfg, pr_venue *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    const pr_venue_ops *ops = pr_venue_find(name);
    if (!ops) {
        char known[256] = "";
        size_t n;
        const pr_venue_ops *const *all = pr_venue_list(&n);
        for (size_t i = 0; i < n; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", all[i]->name);
        return pr_err_set(err, PR_EINVAL, "unknown venue \"%s\" (known: %s)", name ? name : "", known);
    }
    pr_venue_config c = *cfg;
    if (!c.urls.rest[0]) pr_strlcpy(c.urls.rest, c.mainnet ? ops->rest_mainnet : ops->rest_testnet, sizeof c.urls.rest);
    if (!c.urls.ws[0]) pr_strlcpy(c.urls.ws, c.mainnet ? ops->ws_mainnet : ops->ws_testnet, sizeof c.urls.ws);
    if (!c.recv_window_ms) c.recv_window_ms = 5000;
    if (c.timeout_s <= 0) c.timeout_s = 10;
    if (c.max_wait_ms <= 0) c.max_wait_ms = 60000;
    int rc = ops->open(&c, &out->impl, err);
    if (rc != PR_OK) return rc;
    out->ops = ops;
    return PR_OK;
}

void pr_venue_close(pr_venue *v) {
    if (!v || !v->ops) return;
    v->ops->close(v->impl);
    v->ops = NULL;
    v->impl = NULL;
}

int pr_venue_server_time(pr_venue *v, int64_t *ms, pr_err *err) { return v->ops->server_time(v->impl, ms, err); }

int pr_venue_rules_of(pr_venue *v, const char *symbol, pr_venue_rules *out, pr_err *err) {
    return v->ops->rules(v->impl, symbol, out, err);
}

/* After a send that got no answer (PR_ETIMEOUT: timeout, dropped
 * connection, 5xx "status unknown"), whether the venue took the order
 * decides: taken -> that order is the answer; never received -> one more
 * send with the same client id; still unknown -> nothing more is sent. */
static int settle_unknown(pr_venue *v, const char *symbol, const char *client_id, pr_venue_order *out, int *resend,
                          const pr_err *send_err, pr_err *err) {
    pr_err qe;
    pr_err_clear(&qe);
    *resend = 0;
    int rc = v->ops->query(v->impl, symbol, client_id, out, &qe);
    if (rc == PR_OK) return PR_OK;
    if (rc == PR_ENOTFOUND) {
        *resend = 1;
        return PR_OK;
    }
    return pr_err_set(err, PR_ETIMEOUT, "order %s: the send got no answer (%.160s) and asking the venue for it failed "
                      "(%.160s): its status is unknown, so it is not sent again", client_id, send_err->msg, qe.msg);
}

int pr_venue_place(pr_venue *v, const pr_venue_order_req *rq, pr_venue_order *out, pr_err *err) {
    if (!rq->client_id[0]) return pr_err_set(err, PR_EINVAL, "order on %s without a client order id", rq->symbol);
    pr_venue_rules r;
    int rc = v->ops->rules(v->impl, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    if ((rc = pr_venue_check(&r, rq, err)) != PR_OK) return rc;
    rc = v->ops->place(v->impl, rq, out, err);
    if (rc != PR_ETIMEOUT || rq->test) return rc;
    int resend;
    pr_err first = *err;
    if ((rc = settle_unknown(v, rq->symbol, rq->client_id, out, &resend, &first, err)) != PR_OK || !resend) return rc;
    pr_err_clear(err);
    rc = v->ops->place(v->impl, rq, out, err);
    if (rc != PR_ETIMEOUT) return rc;
    /* Twice without an answer: the second send may have landed; ask once
     * more, but never send a third time. */
    first = *err;
    if ((rc = settle_unknown(v, rq->symbol, rq->client_id, out, &resend, &first, err)) != PR_OK) return rc;
    if (resend)
        return pr_err_set(err, PR_ETIMEOUT, "order %s: two sends got no answer and the venue has neither; not sent a "
                          "third time (%.200s)", rq->client_id, first.msg);
    return PR_OK;
}

static int check_leg(const pr_venue_rules *r, const pr_venue_oco_req *o, pr_venue_otype t, double price, double stop,
                     pr_err *err) {
    pr_venue_order_req q;
    memset(&q, 0, sizeof q);
    pr_strlcpy(q.symbol, o->symbol, sizeof q.symbol);
    q.side = o->side;
    q.type = t;
    q.qty = o->qty;
    q.price = price;
    q.stop_price = stop;
    return pr_venue_check(r, &q, err);
}

int pr_venue_place_oco(pr_venue *v, const pr_venue_oco_req *rq, pr_venue_order legs[2], pr_err *err) {
    if (!v->ops->place_oco) return pr_err_set(err, PR_EUNSUPPORTED, "%s has no OCO orders", v->ops->name);
    if (!rq->list_client_id[0]) return pr_err_set(err, PR_EINVAL, "OCO on %s without a client id", rq->symbol);
    pr_venue_rules r;
    int rc = v->ops->rules(v->impl, rq->symbol, &r, err);
    if (rc != PR_OK) return rc;
    if ((rc = check_leg(&r, rq, PR_VORDER_LIMIT_MAKER, rq->take_profit, 0, err)) != PR_OK ||
        (rc = check_leg(&r, rq, PR_VORDER_STOP_LOSS_LIMIT, rq->stop_limit, rq->stop_price, err)) != PR_OK)
        return rc;
    rc = v->ops->place_oco(v->impl, rq, legs, err);
    if (rc != PR_ETIMEOUT) return rc;
    char leg_a[PR_VENUE_CLIENT_ID_MAX];
    snprintf(leg_a, sizeof leg_a, "%s-a", rq->list_client_id);
    int resend;
    pr_err first = *err;
    if ((rc = settle_unknown(v, rq->symbol, leg_a, &legs[0], &resend, &first, err)) != PR_OK) return rc;
    if (!resend) {
        char leg_b[PR_VENUE_CLIENT_ID_MAX];
        snprintf(leg_b, sizeof leg_b, "%s-b", rq->list_client_id);
        return v->ops->query(v->impl, rq->symbol, leg_b, &legs[1], err);
    }
    pr_err_clear(err);
    rc = v->ops->place_oco(v->impl, rq, legs, err);
    if (rc == PR_ETIMEOUT) {
        first = *err;
        return pr_err_set(err, PR_ETIMEOUT, "OCO %s: two sends got no answer; not sent a third time (%.200s)",
                          rq->list_client_id, first.msg);
    }
    return rc;
}

int pr_venue_cancel(pr_venue *v, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return v->ops->cancel(v->impl, symbol, client_id, out, err);
}

int pr_venue_query(pr_venue *v, const char *symbol, const char *client_id, pr_venue_order *out, pr_err *err) {
    return v->ops->query(v->impl, symbol, client_id, out, err);
}

int pr_venue_open_orders(pr_venue *v, const char *symbol, pr_venue_order *out, size_t cap, size_t *n, pr_err *err) {
    return v->ops->open_orders(v->impl, symbol, out, cap, n, err);
}

int pr_venue_balances(pr_venue *v, pr_venue_balance *out, size_t cap, size_t *n, pr_err *err) {
    return v->ops->balances(v->impl, out, cap, n, err);
}

int pr_venue_positions(pr_venue *v, pr_venue_position *out, size_t cap, size_t *n, pr_err *err) {
    *n = 0;
    return v->ops->positions ? v->ops->positions(v->impl, out, cap, n, err) : PR_OK;
}

int pr_venue_fills(pr_venue *v, const char *symbol, int64_t from_id, pr_venue_fill *out, size_t cap, size_t *n,
                   pr_err *err) {
    return v->ops->fills(v->impl, symbol, from_id, out, cap, n, err);
}

int pr_venue_order_fills(pr_venue *v, const char *symbol, int64_t order_id, pr_venue_fill *out, size_t cap, size_t *n,
                         pr_err *err) {
    if (v->ops->order_fills) return v->ops->order_fills(v->impl, symbol, order_id, out, cap, n, err);
    /* every page of the account's trades, from the first: an order's may
     * lie beyond the first page */
    pr_venue_fill page[64];
    int64_t from = 0;
    *n = 0;
    for (;;) {
        size_t all = 0;
        int rc = v->ops->fills(v->impl, symbol, from, page, 64, &all, err);
        if (rc != PR_OK) return rc;
        int64_t last = from - 1;
        for (size_t i = 0; i < all && i < 64; i++) {
            if (page[i].order_id == order_id && *n < cap) out[(*n)++] = page[i];
            if (page[i].trade_id > last) last = page[i].trade_id;
        }
        if (all < 64 || last < from) return PR_OK;
        from = last + 1;
    }
}

int pr_venue_withdrawals_enabled(pr_venue *v, int *on, pr_err *err) {
    if (!v->ops->withdrawals_enabled)
        return pr_err_set(err, PR_EUNSUPPORTED, "%s cannot tell whether the key may withdraw", v->ops->name);
    return v->ops->withdrawals_enabled(v->impl, on, err);
}

int pr_venue_set_leverage(pr_venue *v, const char *symbol, int leverage, pr_err *err) {
    if (!v->ops->set_leverage) return pr_err_set(err, PR_EUNSUPPORTED, "%s has no leverage", v->ops->name);
    if (leverage < 1) return pr_err_set(err, PR_EINVAL, "%s: leverage %d must be at least 1", symbol, leverage);
    return v->ops->set_leverage(v->impl, symbol, leverage, err);
}

int pr_venue_set_margin_type(pr_venue *v, const char *symbol, int isolated, pr_err *err) {
    if (!v->ops->set_margin_type) return pr_err_set(err, PR_EUNSUPPORTED, "%s has no margin type", v->ops->name);
    return v->ops->set_margin_type(v->impl, symbol, isolated, err);
}

int pr_venue_set_position_mode(pr_venue *v, int hedge, pr_err *err) {
    if (!v->ops->set_position_mode) return pr_err_set(err, PR_EUNSUPPORTED, "%s has no position mode", v->ops->name);
    return v->ops->set_position_mode(v->impl, hedge, err);
}

/* ---- helpers ------------------------------------------------------------------ */
static uint64_t fnv1a(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int pr_venue_client_id(const char *session, const char *market, int64_t step, unsigned seq, char *out, size_t cap,
                       pr_err *err) {
    if (!session || !market || step < 0) return pr_err_set(err, PR_EINVAL, "client id: no session, market or step");
    char b36[16], *p = b36 + sizeof b36;
    *--p = '\0';
    uint64_t s = (uint64_t)step;
    do {
        *--p = "0123456789abcdefghijklmnopqrstuvwxyz"[s % 36];
        s /= 36;
    } while (s);
    int n = snprintf(out, cap, "pr%08x%04x-%s-%u", (unsigned)(fnv1a(session) & 0xffffffffu),
                     (unsigned)(fnv1a(market) & 0xffffu), p, seq);
    if (n < 0 || (size_t)n >= cap || n > 36) return pr_err_set(err, PR_ERANGE, "client id longer than 36 characters");
    return PR_OK;
}

int pr_venue_decimals_of(const char *text) {
    const char *dot = strchr(text, '.');
    if (!dot) return 0;
    int last = 0;
    for (int i = 1; dot[i] >= '0' && dot[i] <= '9'; i++)
        if (dot[i] != '0') last = i;
    return last;
}

int pr_venue_decimal(double x, double unit, char *out, size_t cap, pr_err *err) {
    if (!isfinite(x) || x < 0) return pr_err_set(err, PR_EINVAL, "not a venue amount: %g", x);
    if (!(unit > 0)) unit = 1e-8;
    int k = 0;
    double scaled = unit;
    while (k < 12 && fabs(scaled - nearbyint(scaled)) > 1e-9 * scaled) scaled *= 10, k++;
    long long unit_int = llround(scaled);
    double units = nearbyint(x / unit);
    if (fabs(units * unit - x) > 1e-6 * unit)
        return pr_err_set(err, PR_EINVAL, "%.12g is not a multiple of %.12g", x, unit);
    if (units > 9e15 / (double)(unit_int ? unit_int : 1)) return pr_err_set(err, PR_ERANGE, "amount too large: %g", x);
    long long v = (long long)units * unit_int;
    long long p10 = 1;
    for (int i = 0; i < k; i++) p10 *= 10;
    int n = k ? snprintf(out, cap, "%lld.%0*lld", v / p10, k, v % p10) : snprintf(out, cap, "%lld", v);
    if (n < 0 || (size_t)n >= cap) return pr_err_set(err, PR_ERANGE, "amount text too long");
    return PR_OK;
}

static int on_grid(double x, double unit) {
    if (!(unit > 0)) return 1;
    double u = nearbyint(x / unit);
    return fabs(u * unit - x) <= 1e-6 * unit;
}

static int refuse(pr_err *err, const char *filter, const pr_venue_order_req *rq, const char *what) {
    pr_err_set(err, PR_EINVAL, "%s %s %s order %s refused before sending: filter %s: %s", rq->symbol,
               pr_venue_side_name(rq->side), pr_venue_otype_name(rq->type), rq->client_id, filter, what);
    pr_strlcpy(err->venue_code, filter, sizeof err->venue_code);
    return PR_EINVAL;
}

/* x against [lo, hi] (0: no bound) and the grid of unit, as filter `filter`
 * states them under the names given (NULL: that check is not made). */
static int check_range(pr_err *err, const pr_venue_order_req *rq, const char *filter, const char *what, double x,
                       double lo, double hi, double unit, const char *lo_name, const char *hi_name,
                       const char *unit_name) {
    char m[200];
    if (!(x > 0) || !isfinite(x)) {
        snprintf(m, sizeof m, "%s %.12g must be positive", what, x);
        return refuse(err, filter, rq, m);
    }
    if (lo > 0 && x < lo - 1e-12) {
        snprintf(m, sizeof m, "%s %.12g below %s %.12g", what, x, lo_name, lo);
        return refuse(err, filter, rq, m);
    }
    if (hi > 0 && x > hi + 1e-12) {
        snprintf(m, sizeof m, "%s %.12g above %s %.12g", what, x, hi_name, hi);
        return refuse(err, filter, rq, m);
    }
    if (!on_grid(x, unit)) {
        snprintf(m, sizeof m, "%s %.12g is not a multiple of %s %.12g", what, x, unit_name, unit);
        return refuse(err, filter, rq, m);
    }
    return PR_OK;
}

int pr_venue_check(const pr_venue_rules *r, const pr_venue_order_req *rq, pr_err *err) {
    /* the market-on-trigger types: their stop is the price they are checked at */
    int trigger = rq->type == PR_VORDER_STOP_MARKET || rq->type == PR_VORDER_TAKE_PROFIT_MARKET;
    int market = rq->type == PR_VORDER_MARKET || trigger;
    int rc;
    if ((rc = check_range(err, rq, "LOT_SIZE", "quantity", rq->qty, r->min_qty, r->max_qty, r->step, "minQty",
                          "maxQty", "stepSize")) != PR_OK)
        return rc;
    if (market && (rc = check_range(err, rq, "MARKET_LOT_SIZE", "quantity", rq->qty, r->market_min_qty,
                                    r->market_max_qty, r->market_step, "minQty", "maxQty", "stepSize")) != PR_OK)
        return rc;
    if (!market && (rc = check_range(err, rq, "PRICE_FILTER", "price", rq->price, r->min_price, r->max_price,
                                     r->tick, "minPrice", "maxPrice", "tickSize")) != PR_OK)
        return rc;
    if ((rq->type == PR_VORDER_STOP_LOSS_LIMIT || rq->type == PR_VORDER_TAKE_PROFIT_LIMIT || trigger) &&
        (rc = check_range(err, rq, "PRICE_FILTER", "stopPrice", rq->stop_price, r->min_price, r->max_price, r->tick,
                          "minPrice", "maxPrice", "tickSize")) != PR_OK)
        return rc;
    if (rq->stop_loss != 0 &&
        (rc = check_range(err, rq, "PRICE_FILTER", "stopLossOnFill price", rq->stop_loss, r->min_price, r->max_price,
                          r->tick, "minPrice", "maxPrice", "tick")) != PR_OK)
        return rc;
    if (rq->take_profit != 0 &&
        (rc = check_range(err, rq, "PRICE_FILTER", "takeProfitOnFill price", rq->take_profit, r->min_price,
                          r->max_price, r->tick, "minPrice", "maxPrice", "tick")) != PR_OK)
        return rc;
    double px = trigger ? rq->stop_price : market ? rq->ref_price : rq->price;
    const char *nf = r->notional_filter ? r->notional_filter : "NOTIONAL";
    char m[200];
    if (px > 0) {
        double notional = px * rq->qty;
        if (r->min_notional > 0 && (!market || r->min_notional_market) && notional < r->min_notional - 1e-9) {
            snprintf(m, sizeof m, "notional %.12g (price %.12g x quantity %.12g) below minNotional %.12g", notional,
                     px, rq->qty, r->min_notional);
            return refuse(err, nf, rq, m);
        }
        if (r->max_notional > 0 && (!market || r->max_notional_market) && notional > r->max_notional + 1e-9) {
            snprintf(m, sizeof m, "notional %.12g (price %.12g x quantity %.12g) above maxNotional %.12g", notional,
                     px, rq->qty, r->max_notional);
            return refuse(err, nf, rq, m);
        }
    }
    return PR_OK;
}

int pr_venue_hmac_sha256_hex(const char *key, const char *msg, char out[65], pr_err *err) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg, strlen(msg), md, &n) || n != 32)
        return pr_err_set(err, PR_EINVAL, "HMAC-SHA256 failed");
    for (unsigned i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
    return PR_OK;
}

const char *pr_venue_side_name(pr_venue_side s) { return s == PR_VSIDE_SELL ? "SELL" : "BUY"; }

const char *pr_venue_otype_name(pr_venue_otype t) {
    switch (t) {
    case PR_VORDER_MARKET: return "MARKET";
    case PR_VORDER_LIMIT: return "LIMIT";
    case PR_VORDER_STOP_LOSS_LIMIT: return "STOP_LOSS_LIMIT";
    case PR_VORDER_TAKE_PROFIT_LIMIT: return "TAKE_PROFIT_LIMIT";
    case PR_VORDER_LIMIT_MAKER: return "LIMIT_MAKER";
    case PR_VORDER_STOP_MARKET: return "STOP_MARKET";
    case PR_VORDER_TAKE_PROFIT_MARKET: return "TAKE_PROFIT_MARKET";
    }
    return "?";
}
