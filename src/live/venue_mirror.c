/* A live session's execution at a venue: every paper fill sent there as a
 * market order under a client id derived from the fill (so a restarted
 * session that replays its bars asks the venue, finds what it sent before
 * and sends nothing twice). See live.h, pr_venue_mirror. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"

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
};

void pr_venue_mirror_on_send(pr_venue_mirror *m, pr_venue_mirror_send_fn fn, void *user) {
    m->on_send = fn;
    m->on_send_user = user;
}

static int remember(pr_venue_mirror *m, size_t market, const pr_venue_order *o, const char *client_id, pr_err *err) {
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
    free(m->mk);
    free(m);
}

void pr_venue_mirror_get_stats(const pr_venue_mirror *m, pr_venue_mirror_stats *out) { *out = m->stats; }

int pr_venue_mirror_fill(void *user, const pr_fill *f, pr_err *err) {
    pr_venue_mirror *m = user;
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
    if ((rc = pr_venue_client_id(m->session, mk->symbol, f->ts, seq, q.client_id, sizeof q.client_id, err)) != PR_OK)
        return rc;
    double min_qty = r.min_qty > r.market_min_qty ? r.min_qty : r.market_min_qty;
    if (!(q.qty > 0) || q.qty < min_qty - 1e-12 ||
        (r.min_notional_market && r.min_notional > 0 && q.qty * f->price < r.min_notional)) {
        m->stats.too_small++;
        return PR_OK;
    }
    pr_venue_order o;
    pr_err qe;
    pr_err_clear(&qe);
    rc = pr_venue_query(m->v, q.symbol, q.client_id, &o, &qe);
    if (rc == PR_OK) {
        m->stats.found++;
        return remember(m, (size_t)f->instrument, &o, q.client_id, err);
    }
    if (rc != PR_ENOTFOUND) return *err = qe, rc;
    if (m->on_send && (rc = m->on_send(m->on_send_user, (size_t)f->instrument, q.client_id, err)) != PR_OK) return rc;
    if ((rc = pr_venue_place(m->v, &q, &o, err)) != PR_OK) return rc;
    m->stats.sent++;
    return remember(m, (size_t)f->instrument, &o, q.client_id, err);
}
