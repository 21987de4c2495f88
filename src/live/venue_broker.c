/* The venue broker: a live session's broker. The decisions and the orders'
 * life (sizing, when a market, stop or target order is due) stay the paper
 * broker's, which it owns and passes every order operation to (one
 * decision path); each paper fill is executed at the venue through the
 * mirror (pr_venue_mirror_send) and the session's books (positions,
 * account, fills, round trips, the equity curve) are the venue's trades of
 * those orders, booked in a ledger of its own with the venue's price,
 * quantity and commission. See live.h, pr_venue_broker_new. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"

/* A paper fill whose venue order's trades are being learned. */
typedef struct vb_pending {
    char client_id[PR_VENUE_CLIENT_ID_MAX];
    pr_fill f;
} vb_pending;

typedef struct vb_market {
    pr_ledger_pos pos;
    char base[16], quote[16];  /* the venue's assets: a commission's unit */
    double fx;                 /* quote -> account, the last paper fill's  */
    double leverage;
    int outright;              /* bought with cash (spot): see pr_account.cash */
} vb_market;

typedef struct vbroker {
    pr_broker base;            /* first: a vbroker* is a pr_broker*          */
    pr_broker *paper;          /* owned: decisions and order state           */
    pr_venue_mirror *m;        /* borrowed                                   */
    int64_t settle_ms;
    char ccy[16];
    size_t n;
    vb_market *mk;
    pr_ledger led;
    vb_pending *pend;
    size_t n_pend, cap_pend;
    const vb_pending *cur;     /* the fill being sent (its trades may come
                                  before the send returns)                 */
    pr_venue_broker_stats stats;
} vbroker;

static vbroker *vb_of(pr_broker *b) { return (vbroker *)b; }
static const vbroker *vb_cof(const pr_broker *b) { return (const vbroker *)b; }

/* The commission in the account currency: paid in the quote (Binance's
 * sells, OANDA's home currency), in the base (Binance's buys: valued at the
 * trade's price) or in another asset (BNB: not valued, counted). */
static double fee_of(vbroker *vb, const vb_market *m, const pr_venue_fill *f) {
    if (!(f->commission > 0)) return 0;
    if (strcmp(f->commission_asset, vb->ccy) == 0) return f->commission;
    if (!f->commission_asset[0] || strcmp(f->commission_asset, m->quote) == 0) return f->commission * m->fx;
    if (strcmp(f->commission_asset, m->base) == 0) return f->commission * f->price * m->fx;
    vb->stats.fees_unvalued++;
    return 0;
}

static int vb_book(void *user, size_t market, const char *client_id, const pr_venue_fill *vf, pr_err *err) {
    vbroker *vb = user;
    const vb_pending *p = vb->cur && strcmp(vb->cur->client_id, client_id) == 0 ? vb->cur : NULL;
    for (size_t i = vb->n_pend; !p && i-- > 0;)
        if (strcmp(vb->pend[i].client_id, client_id) == 0) {
            p = &vb->pend[i];
            break;
        }
    if (!p || market >= vb->n || !(vf->qty > 0)) {
        vb->stats.unmatched++;
        return PR_OK;
    }
    vb_market *m = &vb->mk[market];
    pr_order o;
    if (vb->paper->vt->get_order(vb->paper, p->f.order_id, &o) != PR_OK)
        pr_order_init(&o, p->f.instrument, p->f.side, PR_ORDER_MARKET, p->f.role);
    o.side = vf->side == PR_VSIDE_BUY ? 1 : -1;
    pr_ledger_entry e = {.qty = vf->qty, .price = vf->price, .ref = vf->price, .fee = fee_of(vb, m, vf),
                         .fx = m->fx, .at = p->f.ts};
    double realized = 0;
    if (pr_ledger_fill(&vb->led, &m->pos, &o, &e, &realized) != PR_OK)
        return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
    pr_fill rec = p->f;
    rec.side = o.side;
    rec.qty = vf->qty;
    rec.price = vf->price;
    rec.fee = e.fee;
    rec.spread_cost = rec.slippage_cost = 0;
    rec.maker = vf->maker;
    rec.fx = m->fx;
    rec.realized = realized;
    if (pr_ledger_record(&vb->led, &rec) != PR_OK) return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
    vb->stats.booked++;
    return PR_OK;
}

/* The paper broker's fill hook: the order goes to the venue; its trades
 * are booked as they are learned (vb_book). */
static int vb_on_fill(void *user, const pr_fill *f, pr_err *err) {
    vbroker *vb = user;
    if (vb->n_pend == vb->cap_pend) {
        size_t cap = vb->cap_pend ? vb->cap_pend * 2 : 64;
        vb_pending *p = realloc(vb->pend, cap * sizeof *p);
        if (!p) return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
        vb->pend = p;
        vb->cap_pend = cap;
    }
    vb_pending *p = &vb->pend[vb->n_pend];
    p->f = *f;
    if (f->instrument >= 0 && (size_t)f->instrument < vb->n && f->fx > 0) vb->mk[f->instrument].fx = f->fx;
    vb->cur = p;
    int rc = pr_venue_mirror_send(vb->m, f, p->client_id, sizeof p->client_id, err);
    vb->cur = NULL;
    if (rc == PR_OK && p->client_id[0]) vb->n_pend++;
    return rc;
}

static void vb_mark(pr_broker *b, int instrument, double price) {
    vbroker *vb = vb_of(b);
    pr_broker_mark(vb->paper, instrument, price);
    if (instrument >= 0 && (size_t)instrument < vb->n && isfinite(price)) {
        vb->mk[instrument].pos.mark = price;
        vb->mk[instrument].pos.has_mark = 1;
    }
}

static int vb_get_account(pr_broker *b, pr_account *out) {
    const vbroker *vb = vb_of(b);
    double bal = vb->led.balance, u = 0, g = 0, c = bal, mu = 0;
    for (size_t i = 0; i < vb->n; i++) {
        const vb_market *m = &vb->mk[i];
        if (m->pos.qty == 0 || !m->pos.has_mark) continue;
        u += pr_ledger_unrealized(&m->pos, m->fx);
        double value = fabs(m->pos.qty) * m->pos.mark * m->pos.mult * m->fx;
        g += value;
        mu += value / (m->leverage >= 1 ? m->leverage : 1);
        if (m->outright) c -= m->pos.qty * m->pos.avg * m->pos.mult * m->fx;
    }
    *out = (pr_account){.balance = bal, .cash = c, .unrealized = u, .equity = bal + u, .used_margin = mu,
                        .available = bal + u - mu, .gross_exposure = g};
    memcpy(out->ccy, vb->ccy, sizeof out->ccy);
    return PR_OK;
}

static void vb_snapshot(const pr_broker *b, pr_broker_snapshot *out) {
    pr_account a;
    vb_get_account((pr_broker *)b, &a);
    *out = (pr_broker_snapshot){a.equity, a.balance, a.cash, a.used_margin, a.gross_exposure, vb_cof(b)->led.costs};
}

/* The bar goes to the paper broker; the orders its fills sent are settled
 * before the bar is done (their trades booked), so the books a step ends
 * with are the same however the trades came and in a restart's replay. */
static int vb_process_bar(pr_broker *b, int instrument, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                          size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err) {
    vbroker *vb = vb_of(b);
    size_t before = vb->n_pend;
    int rc = pr_broker_process_bar(vb->paper, instrument, bar, bar_ms, fine, n_fine, fine_ms, NULL, err);
    if (rc == PR_OK && vb->n_pend > before) rc = pr_venue_mirror_settle(vb->m, vb->settle_ms, err);
    if (rc != PR_OK) return rc;
    vb_mark(b, instrument, bar->close);
    if (after) vb_snapshot(b, after);
    return PR_OK;
}

static int vb_idle_bar(pr_broker *b, int instrument, double close, pr_broker_snapshot *after) {
    vbroker *vb = vb_of(b);
    if (!pr_broker_idle_bar(vb->paper, instrument, close, NULL)) return 0;
    vb_mark(b, instrument, close);
    if (after) vb_snapshot(b, after);
    return 1;
}

static int vb_submit(pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    pr_broker *p = vb_of(b)->paper;
    return p->vt->submit(p, o, now, err);
}

static int vb_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    pr_broker *p = vb_of(b)->paper;
    return p->vt->cancel(p, id, err);
}

static int vb_amend(pr_broker *b, uint64_t id, double limit_price, double stop_price, const pr_order_role *role,
                    const pr_reason *why, pr_err *err) {
    pr_broker *p = vb_of(b)->paper;
    return p->vt->amend(p, id, limit_price, stop_price, role, why, err);
}

static int vb_get_order(pr_broker *b, uint64_t id, pr_order *out) {
    pr_broker *p = vb_of(b)->paper;
    return p->vt->get_order(p, id, out);
}

static int vb_get_position(pr_broker *b, int instrument, pr_position *out) {
    vbroker *vb = vb_of(b);
    if (instrument < 0 || (size_t)instrument >= vb->n || !out) return PR_EINVAL;
    const vb_market *m = &vb->mk[instrument];
    *out = (pr_position){.instrument = instrument, .qty = m->pos.qty, .avg_price = m->pos.avg,
                         .entry_ts = m->pos.tr_open ? m->pos.tr.entry_ts : PR_TIME_NONE, .mark = m->pos.mark,
                         .unrealized = pr_ledger_unrealized(&m->pos, m->fx)};
    return PR_OK;
}

static void vb_destroy(pr_broker *b) {
    vbroker *vb = vb_of(b);
    if (!vb) return;
    pr_broker_free(vb->paper);
    pr_ledger_free(&vb->led);
    free(vb->mk);
    free(vb->pend);
    free(vb);
}

static const uint64_t *vb_changes(const pr_broker *b) {
    const pr_broker *p = vb_cof(b)->paper;
    return p->vt->changes ? p->vt->changes(p) : NULL;
}

static int vb_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades) {
    vbroker *vb = vb_of(b);
    int rc = pr_broker_reserve(vb->paper, orders, fills, trades);
    return rc == PR_OK ? pr_ledger_reserve(&vb->led, fills, trades) : rc;
}

static void vb_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades) {
    const vbroker *vb = vb_cof(b);
    size_t pf = 0, pt = 0;
    pr_broker_record_counts(vb->paper, orders, &pf, &pt);
    if (fills) *fills = vb->led.n_fills;
    if (trades) *trades = vb->led.n_trades;
}

static void vb_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades) {
    vbroker *vb = vb_of(b);
    *fills = vb->led.fills;
    *n_fills = vb->led.n_fills;
    *trades = vb->led.trades;
    *n_trades = vb->led.n_trades;
    vb->led.fills = NULL;
    vb->led.trades = NULL;
    vb->led.n_fills = vb->led.cap_fills = vb->led.n_trades = vb->led.cap_trades = 0;
}

static int vb_open_trade(const pr_broker *b, int instrument, pr_trade *out) {
    const vbroker *vb = vb_cof(b);
    if (instrument < 0 || (size_t)instrument >= vb->n || !out) return PR_EINVAL;
    const vb_market *m = &vb->mk[instrument];
    if (!m->pos.tr_open || m->pos.qty == 0) return PR_ENOTFOUND;
    *out = m->pos.tr;
    out->entry_price = m->pos.tr_in_fills == 1 ? m->pos.tr_first_in : m->pos.tr_in_value / m->pos.tr.size;
    out->exit_price = m->pos.mark;
    out->gross_pnl += pr_ledger_unrealized(&m->pos, m->fx);
    out->pnl = out->gross_pnl - out->fees - out->funding;
    return PR_OK;
}

static size_t vb_liquidations(const pr_broker *b) { return pr_broker_liquidations(vb_cof(b)->paper); }

static const pr_costs *vb_costs(const pr_broker *b, int instrument) {
    const pr_broker *p = vb_cof(b)->paper;
    return p->vt->costs ? p->vt->costs(p, instrument) : NULL;
}

static const pr_broker_vt k_venue_broker_vt = {
    .name = "venue",
    .submit = vb_submit,
    .cancel = vb_cancel,
    .amend = vb_amend,
    .get_order = vb_get_order,
    .get_position = vb_get_position,
    .get_account = vb_get_account,
    .destroy = vb_destroy,
    .changes = vb_changes,
    .process_bar = vb_process_bar,
    .idle_bar = vb_idle_bar,
    .mark = vb_mark,
    .snapshot = vb_snapshot,
    .reserve = vb_reserve,
    .record_counts = vb_record_counts,
    .take_records = vb_take_records,
    .open_trade = vb_open_trade,
    .liquidations = vb_liquidations,
    .costs = vb_costs,
};

int pr_venue_broker_new(const pr_venue_broker_config *cfg, pr_broker **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "venue broker: NULL output");
    *out = NULL;
    if (!cfg || !pr_paper_is(cfg->paper) || !cfg->mirror || !cfg->venue || cfg->n_markets == 0 || !cfg->markets ||
        !cfg->symbols)
        return pr_err_set(err, PR_EINVAL, "venue broker: needs a paper broker, a mirror, a venue and its markets");
    vbroker *vb = calloc(1, sizeof *vb);
    if (vb) vb->mk = calloc(cfg->n_markets, sizeof *vb->mk);
    if (!vb || !vb->mk) {
        free(vb);
        return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
    }
    vb->base.vt = &k_venue_broker_vt;
    vb->m = cfg->mirror;
    vb->n = cfg->n_markets;
    vb->settle_ms = cfg->settle_ms > 0 ? cfg->settle_ms : 5000;
    pr_strlcpy(vb->ccy, cfg->ccy, sizeof vb->ccy);
    pr_ledger_init(&vb->led, cfg->start_cash, NULL);
    int rc = PR_OK;
    for (size_t i = 0; rc == PR_OK && i < vb->n; i++) {
        const pr_market_spec *s = &cfg->markets[i];
        vb_market *m = &vb->mk[i];
        pr_ledger_pos_init(&m->pos, s->inst.contract_multiplier);
        m->fx = 1.0;
        m->leverage = s->margin.leverage;
        m->outright = !s->funding.perpetual &&
                      (s->inst.asset_class == PR_ASSET_CRYPTO || s->inst.asset_class == PR_ASSET_STOCK);
        pr_venue_rules r;
        if ((rc = pr_venue_rules_of(cfg->venue, cfg->symbols[i], &r, err)) == PR_OK) {
            pr_strlcpy(m->base, r.base, sizeof m->base);
            pr_strlcpy(m->quote, r.quote, sizeof m->quote);
        }
    }
    if (rc == PR_OK) rc = pr_paper_on_fill(cfg->paper, vb_on_fill, vb, err);
    if (rc != PR_OK) {
        pr_ledger_free(&vb->led);
        free(vb->mk);
        free(vb);
        return rc;
    }
    vb->paper = cfg->paper;
    pr_venue_mirror_on_trade(cfg->mirror, vb_book, vb);
    *out = &vb->base;
    return PR_OK;
}

int pr_venue_broker_is(const pr_broker *b) { return b && b->vt == &k_venue_broker_vt; }

pr_broker *pr_venue_broker_paper(pr_broker *b) { return pr_venue_broker_is(b) ? vb_of(b)->paper : NULL; }

const pr_trade *pr_venue_broker_trades(const pr_broker *b, size_t *n) {
    *n = 0;
    if (!pr_venue_broker_is(b)) return NULL;
    *n = vb_cof(b)->led.n_trades;
    return vb_cof(b)->led.trades;
}

void pr_venue_broker_get_stats(const pr_broker *b, pr_venue_broker_stats *out) {
    memset(out, 0, sizeof *out);
    if (pr_venue_broker_is(b)) *out = vb_cof(b)->stats;
}
