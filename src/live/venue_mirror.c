/* A live session's execution at a venue: every paper fill sent there as a
 * market order under a client id derived from the fill (so a restarted
 * session that replays its bars asks the venue, finds what it sent before
 * and sends nothing twice). See live.h, pr_venue_mirror. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"

/* An order sent whose fills are not all known yet (or were). */
typedef struct mirror_order {
    size_t market;
    char symbol[PR_VENUE_SYMBOL_MAX];
    char client_id[PR_VENUE_CLIENT_ID_MAX];
    int64_t venue_id;
    int64_t sent_ms;
    double filled;           /* quantity of the fills learned                */
    double executed;         /* the venue's executed quantity, -1 unknown     */
    int done;                /* terminal at the venue and every fill learned  */
    int64_t polled_ms;       /* last asked for (0: never)                     */
    int resting;             /* a protective order: rests until the market
                                reaches it, so settling does not wait for it */
} mirror_order;

typedef struct mirror_market {
    char symbol[PR_VENUE_SYMBOL_MAX];
    int64_t last_ts;         /* bar time of the last fill seen               */
    unsigned seq;            /* fills seen at that bar time                   */
} mirror_market;

/* An order the mirror sent or found (reconciliation tells the session's
 * orders and fills at the venue from others by these). */
typedef struct mirror_known {
    size_t market;
    int64_t venue_id;
    char client_id[PR_VENUE_CLIENT_ID_MAX];
} mirror_known;

struct pr_venue_mirror {
    pr_venue *v;
    char session[64];
    size_t n;
    mirror_market *mk;
    pr_venue_mirror_stats stats;
    mirror_known *known;
    size_t n_known, cap_known;
    pr_venue_mirror_send_fn on_send;
    void *on_send_user;
    pr_venue_stream *stream;  /* borrowed; NULL: polling only                */
    int64_t poll_after_ms;
    mirror_order *ord;        /* every order sent this session                */
    size_t n_ord, cap_ord, first_open; /* ord[0..first_open) are done        */
    int64_t *trades;          /* venue trade ids learned (symbol-independent:
                                 Binance's ids are per symbol, so the symbol's
                                 index is folded in, see trade_key)          */
    size_t n_trades, cap_trades;
    pr_venue_mirror_trade_fn on_trade; /* each trade learned (the venue broker books it) */
    void *on_trade_user;
    double attach_sl, attach_tp;  /* carried by the next order sent (0: none) */
};

static int remember(pr_venue_mirror *m, size_t market, const pr_venue_order *o, const char *symbol,
                    const char *client_id, pr_err *err);

void pr_venue_mirror_on_trade(pr_venue_mirror *m, pr_venue_mirror_trade_fn fn, void *user) {
    m->on_trade = fn;
    m->on_trade_user = user;
}

void pr_venue_mirror_on_send(pr_venue_mirror *m, pr_venue_mirror_send_fn fn, void *user) {
    m->on_send = fn;
    m->on_send_user = user;
}

static int remember_known(pr_venue_mirror *m, size_t market, const pr_venue_order *o, const char *client_id,
                          pr_err *err) {
    if (m->n_known == m->cap_known) {
        size_t cap = m->cap_known ? 2 * m->cap_known : 64;
        mirror_known *k = realloc(m->known, cap * sizeof *k);
        if (!k) return pr_err_set(err, PR_ENOMEM, "venue mirror: out of memory");
        m->known = k;
        m->cap_known = cap;
    }
    mirror_known *k = &m->known[m->n_known++];
    k->market = market;
    k->venue_id = o->venue_id;
    pr_strlcpy(k->client_id, client_id, sizeof k->client_id);
    return PR_OK;
}

int pr_venue_mirror_knows(const pr_venue_mirror *m, size_t i, int64_t venue_id, const char *client_id) {
    for (size_t k = 0; k < m->n_known; k++) {
        const mirror_known *o = &m->known[k];
        if (o->market != i) continue;
        if (venue_id >= 0 && o->venue_id == venue_id) return 1;
        if (client_id && strcmp(o->client_id, client_id) == 0) return 1;
    }
    return 0;
}

int pr_venue_mirror_new(pr_venue *v, const char *session, const char *const *symbols, size_t n,
                        pr_venue_mirror **out, pr_err *err) {
    *out = NULL;
    if (!v || !session || !*session || n == 0) return pr_err_set(err, PR_EINVAL, "venue mirror: no venue or session");
    pr_venue_mirror *m = calloc(1, sizeof *m);
    if (m) m->mk = calloc(n, sizeof *m->mk);
    if (!m || !m->mk) {
        free(m);
        return pr_err_set(err, PR_ENOMEM, "venue mirror: out of memory");
    }
    m->v = v;
    pr_strlcpy(m->session, session, sizeof m->session);
    m->n = n;
    m->poll_after_ms = 5000;
    for (size_t i = 0; i < n; i++) {
        pr_strlcpy(m->mk[i].symbol, symbols[i], sizeof m->mk[i].symbol);
        m->mk[i].last_ts = PR_TIME_NONE;
    }
    *out = m;
    return PR_OK;
}

void pr_venue_mirror_free(pr_venue_mirror *m) {
    if (!m) return;
    free(m->known);
    free(m->ord);
    free(m->trades);
    free(m->mk);
    free(m);
}

void pr_venue_mirror_get_stats(const pr_venue_mirror *m, pr_venue_mirror_stats *out) { *out = m->stats; }

int pr_venue_mirror_fill(void *user, const pr_fill *f, pr_err *err) {
    char cid[PR_VENUE_CLIENT_ID_MAX];
    return pr_venue_mirror_send(user, f, cid, sizeof cid, err);
}

int pr_venue_mirror_send(pr_venue_mirror *m, const pr_fill *f, char *client_id, size_t cap, pr_err *err) {
    if (cap) client_id[0] = '\0';
    if (f->instrument < 0 || (size_t)f->instrument >= m->n)
        return pr_err_set(err, PR_EINVAL, "venue mirror: a fill of unknown instrument %d", f->instrument);
    mirror_market *mk = &m->mk[f->instrument];
    if (mk->last_ts != f->ts) {
        mk->last_ts = f->ts;
        mk->seq = 0;
    }
    unsigned seq = mk->seq++;
    pr_venue_rules r;
    int rc = pr_venue_rules_of(m->v, mk->symbol, &r, err);
    if (rc != PR_OK) return rc;
    pr_venue_order_req q;
    memset(&q, 0, sizeof q);
    pr_strlcpy(q.symbol, mk->symbol, sizeof q.symbol);
    q.side = f->side > 0 ? PR_VSIDE_BUY : PR_VSIDE_SELL;
    q.type = PR_VORDER_MARKET;
    q.qty = r.step > 0 ? floor(f->qty / r.step + 1e-9) * r.step : f->qty;
    q.ref_price = f->price;
    /* on a venue with positions an exit can only shrink one */
    q.reduce_only = m->v->ops->positions && f->role != PR_ROLE_ENTRY;
    q.stop_loss = m->attach_sl;
    q.take_profit = m->attach_tp;
    m->attach_sl = m->attach_tp = 0;
    if ((rc = pr_venue_client_id(m->session, mk->symbol, f->ts, seq, q.client_id, sizeof q.client_id, err)) != PR_OK)
        return rc;
    double min_qty = r.min_qty > r.market_min_qty ? r.min_qty : r.market_min_qty;
    if (!(q.qty > 0) || q.qty < min_qty - 1e-12 ||
        (r.min_notional_market && r.min_notional > 0 && q.qty * f->price < r.min_notional)) {
        m->stats.too_small++;
        return PR_OK;
    }
    pr_strlcpy(client_id, q.client_id, cap);
    pr_venue_order o;
    pr_err qe;
    pr_err_clear(&qe);
    rc = pr_venue_query(m->v, q.symbol, q.client_id, &o, &qe);
    if (rc == PR_OK) {
        m->stats.found++;
        rc = remember_known(m, (size_t)f->instrument, &o, q.client_id, err);
        /* its trades are the session's too when they are booked: they are
         * learned again (a restart's replay rebuilds the books from them) */
        if (rc == PR_OK && m->on_trade && (rc = remember(m, (size_t)f->instrument, &o, q.symbol, q.client_id, err)) == PR_OK)
            m->ord[m->n_ord - 1].sent_ms = 0; /* its trades are past: asked for now, not awaited on the stream */
        return rc == PR_OK && m->on_trade ? pr_venue_mirror_pump(m, 0, err) : rc;
    }
    if (rc != PR_ENOTFOUND) return *err = qe, rc;
    if (m->on_send && (rc = m->on_send(m->on_send_user, (size_t)f->instrument, q.client_id, err)) != PR_OK) return rc;
    if ((rc = pr_venue_place(m->v, &q, &o, err)) != PR_OK) return rc;
    m->stats.sent++;
    if ((rc = remember_known(m, (size_t)f->instrument, &o, q.client_id, err)) != PR_OK) return rc;
    if ((rc = remember(m, (size_t)f->instrument, &o, q.symbol, q.client_id, err)) != PR_OK) return rc;
    return pr_venue_mirror_pump(m, 0, err);
}

/* ---- learning the fills ---------------------------------------------------------- */
void pr_venue_mirror_use_stream(pr_venue_mirror *m, pr_venue_stream *s, int64_t poll_after_ms) {
    m->stream = s;
    m->poll_after_ms = poll_after_ms > 0 ? poll_after_ms : 5000;
}

static int remember(pr_venue_mirror *m, size_t market, const pr_venue_order *o, const char *symbol,
                    const char *client_id, pr_err *err) {
    if (m->n_ord == m->cap_ord) {
        size_t cap = m->cap_ord ? m->cap_ord * 2 : 64;
        mirror_order *p = realloc(m->ord, cap * sizeof *p);
        if (!p) return pr_err_set(err, PR_ENOMEM, "venue mirror: out of memory");
        m->ord = p;
        m->cap_ord = cap;
    }
    mirror_order *r = &m->ord[m->n_ord++];
    memset(r, 0, sizeof *r);
    r->market = market;
    pr_strlcpy(r->symbol, symbol, sizeof r->symbol);
    pr_strlcpy(r->client_id, client_id, sizeof r->client_id);
    r->venue_id = o->venue_id;
    r->sent_ms = pr_time_now_ms();
    r->executed = -1;
    return PR_OK;
}

static int64_t trade_key(const pr_venue_mirror *m, const char *symbol, int64_t trade_id) {
    size_t i = 0;
    while (i < m->n && strcmp(m->mk[i].symbol, symbol) != 0) i++;
    return trade_id * 64 + (int64_t)(i % 64);
}

/* 1 when the trade is new (and now known), 0 when it was learned before. */
static int learn_trade(pr_venue_mirror *m, const pr_venue_fill *f) {
    int64_t k = trade_key(m, f->symbol, f->trade_id);
    for (size_t i = 0; i < m->n_trades; i++)
        if (m->trades[i] == k) return 0;
    if (m->n_trades == m->cap_trades) {
        size_t cap = m->cap_trades ? m->cap_trades * 2 : 64;
        int64_t *p = realloc(m->trades, cap * sizeof *p);
        if (!p) return 0;
        m->trades = p;
        m->cap_trades = cap;
    }
    m->trades[m->n_trades++] = k;
    return 1;
}

static int terminal(pr_venue_ostatus s) {
    return s == PR_VSTATUS_FILLED || s == PR_VSTATUS_CANCELED || s == PR_VSTATUS_REJECTED ||
           s == PR_VSTATUS_EXPIRED;
}

/* What the venue said of order r (o) and one of its fills (f, or NULL);
 * polled: 1 when asked, 0 when streamed. */
static int learn(pr_venue_mirror *m, mirror_order *r, const pr_venue_order *o, const pr_venue_fill *f, int polled,
                 pr_err *err) {
    if (r->done) return PR_OK;
    if (!r->venue_id) r->venue_id = o ? o->venue_id : 0;
    if (f && learn_trade(m, f)) {
        r->filled += f->qty;
        if (polled) m->stats.fills_polled++;
        else m->stats.fills_streamed++;
        int rc = m->on_trade ? m->on_trade(m->on_trade_user, r->market, r->client_id, f, err) : PR_OK;
        if (rc != PR_OK) return rc;
    }
    if (o && o->executed_qty > r->executed) r->executed = o->executed_qty;
    /* asked, the venue's terminal status settles the order even when its
     * trades do not add up (a venue that lists them elsewhere): it is
     * never asked for again */
    if (o && terminal(o->status) && (polled || r->filled >= r->executed - 1e-12)) {
        r->done = 1;
        if (polled) m->stats.orders_polled++;
        else m->stats.orders_streamed++;
    }
    return PR_OK;
}

static mirror_order *order_of(pr_venue_mirror *m, const char *client_id) {
    for (size_t i = m->first_open; i < m->n_ord; i++)
        if (strcmp(m->ord[i].client_id, client_id) == 0) return &m->ord[i];
    return NULL;
}

/* Asks the venue for r: the order by its client id, then its trades. */
static int poll_order(pr_venue_mirror *m, mirror_order *r, pr_err *err) {
    pr_venue_order o;
    int rc = pr_venue_query(m->v, r->symbol, r->client_id, &o, err);
    if (rc != PR_OK) return rc;
    r->venue_id = o.venue_id;
    if (o.executed_qty > r->filled + 1e-12) {
        pr_venue_fill f[64];
        size_t n = 0;
        if ((rc = pr_venue_order_fills(m->v, r->symbol, o.venue_id, f, 64, &n, err)) != PR_OK) return rc;
        for (size_t i = 0; rc == PR_OK && i < n && i < 64; i++)
            if (f[i].order_id == o.venue_id) rc = learn(m, r, NULL, &f[i], 1, err);
        if (rc != PR_OK) return rc;
    }
    return learn(m, r, &o, NULL, 1, err);
}

int pr_venue_mirror_pump(pr_venue_mirror *m, int wait_ms, pr_err *err) {
    if (m->stream) {
        pr_venue_event ev[32];
        size_t n;
        do {
            int rc = pr_venue_stream_poll(m->stream, wait_ms, ev, 32, &n, err);
            if (rc != PR_OK) return rc;
            for (size_t i = 0; i < n; i++) {
                mirror_order *r = ev[i].kind == PR_VEVENT_ORDER ? order_of(m, ev[i].order.client_id) : NULL;
                if (r && (rc = learn(m, r, &ev[i].order, ev[i].has_fill ? &ev[i].fill : NULL, 0, err)) != PR_OK)
                    return rc;
            }
            wait_ms = 0;
        } while (n == 32);
    }
    int live = m->stream && pr_venue_stream_live(m->stream);
    int64_t now = pr_time_now_ms();
    for (size_t i = m->first_open; i < m->n_ord; i++) {
        mirror_order *r = &m->ord[i];
        /* while the stream is down each order is asked for at most once
         * per poll_after_ms, so a slow fill costs no request per tick */
        if (!r->done && (!live || now - r->sent_ms >= m->poll_after_ms) &&
            (r->polled_ms == 0 || now - r->polled_ms >= m->poll_after_ms)) {
            r->polled_ms = now;
            int rc = poll_order(m, r, err);
            if (rc != PR_OK) return rc;
        }
    }
    while (m->first_open < m->n_ord && m->ord[m->first_open].done) m->first_open++;
    return PR_OK;
}

/* 1 while an order sent (not a resting one) has trades to learn. */
static int awaiting(const pr_venue_mirror *m) {
    for (size_t i = m->first_open; i < m->n_ord; i++)
        if (!m->ord[i].done && !m->ord[i].resting) return 1;
    return 0;
}

int pr_venue_mirror_settle(pr_venue_mirror *m, int64_t timeout_ms, pr_err *err) {
    int64_t end = pr_time_now_ms() + timeout_ms;
    int rc = PR_OK;
    while (rc == PR_OK && awaiting(m) && m->stream && pr_venue_stream_live(m->stream) &&
           pr_time_now_ms() < end)
        rc = pr_venue_mirror_pump(m, 100, err);
    int64_t keep = m->poll_after_ms;
    m->poll_after_ms = 0; /* whatever is left: ask */
    if (rc == PR_OK) rc = pr_venue_mirror_pump(m, 0, err);
    m->poll_after_ms = keep;
    m->stats.unsettled = m->n_ord - m->first_open;
    for (size_t i = m->first_open; i < m->n_ord; i++)
        if (m->ord[i].done || m->ord[i].resting) m->stats.unsettled--;
    return rc;
}

/* ---- protective orders resting at the venue -------------------------------------- */
int pr_venue_mirror_client_id(const pr_venue_mirror *m, size_t i, int64_t step, unsigned seq, char *out, size_t cap,
                              pr_err *err) {
    if (i >= m->n) return pr_err_set(err, PR_EINVAL, "venue mirror: no market %zu", i);
    return pr_venue_client_id(m->session, m->mk[i].symbol, step, seq, out, cap, err);
}

int pr_venue_mirror_track(pr_venue_mirror *m, size_t i, const pr_venue_order *o, const char *client_id, int past,
                          pr_err *err) {
    if (i >= m->n) return pr_err_set(err, PR_EINVAL, "venue mirror: no market %zu", i);
    int rc = remember_known(m, i, o, client_id, err);
    if (rc == PR_OK) rc = remember(m, i, o, m->mk[i].symbol, client_id, err);
    if (rc != PR_OK) return rc;
    m->ord[m->n_ord - 1].resting = 1;
    if (past) m->ord[m->n_ord - 1].sent_ms = 0; /* found: what it did is asked for now */
    return PR_OK;
}

void pr_venue_mirror_attach(pr_venue_mirror *m, double stop_loss, double take_profit) {
    m->attach_sl = stop_loss;
    m->attach_tp = take_profit;
}

int pr_venue_mirror_poll(pr_venue_mirror *m, const char *client_id, pr_err *err) {
    mirror_order *r = order_of(m, client_id);
    if (!r || r->done) return PR_OK;
    r->polled_ms = pr_time_now_ms();
    return poll_order(m, r, err);
}
