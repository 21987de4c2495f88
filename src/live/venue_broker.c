/* The venue broker: a live session's broker. The decisions and the orders'
 * life (sizing, when a market, stop or target order is due) stay the paper
 * broker's, which it owns and passes every order operation to (one
 * decision path); each paper fill is executed at the venue through the
 * mirror (pr_venue_mirror_send) and the session's books (positions,
 * account, fills, round trips, the equity curve) are the venue's trades of
 * those orders, booked in a ledger of its own with the venue's price,
 * quantity and commission. With `protect` set, a bracket's stop-loss and
 * take-profit also rest at the venue as its own orders (the guard below),
 * so the position stays protected while the session is down. See live.h,
 * pr_venue_broker_new. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"

/* A paper fill whose venue order's trades are being learned. */
typedef struct vb_pending {
    char client_id[PR_VENUE_CLIENT_ID_MAX];
    pr_fill f;
    int resting;               /* a guard's leg: fills whenever the venue's
                                  market reaches it                          */
} vb_pending;

/* A market's protective orders resting at the venue: one OCO list (stop and
 * target), or a lone stop-limit or take-profit-limit, standing for the
 * paper broker's working stop and target of the position. */
typedef struct vb_guard {
    int on;                    /* placed or adopted, not cancelled since     */
    int gone;                  /* adopted already done (an earlier run's):
                                  nothing to cancel, nothing to place again  */
    int refused;               /* the venue refused this version: the paper
                                  broker's simulation alone keeps it         */
    uint64_t stop_id, target_id;  /* the paper orders (0: none)              */
    unsigned placed;           /* the legs at the venue (1 stop, 2 target):
                                  a target refused after its stop was placed
                                  leaves the stop alone                      */
    int side;                  /* the guard's: -1 sells out of a long         */
    double qty, stop, target;  /* what was asked for                         */
    char id[PR_VENUE_CLIENT_ID_MAX - 3]; /* the order's or the list's       */
    char leg[2][PR_VENUE_CLIENT_ID_MAX]; /* the stop's and the target's      */
} vb_guard;

typedef struct vb_market {
    pr_ledger_pos pos;
    char base[16], quote[16];  /* the venue's assets: a commission's unit */
    double fx;                 /* quote -> account, the last paper fill's  */
    double leverage;
    int outright;              /* bought with cash (spot): see pr_account.cash */
    vb_guard g;
    double venue_exited;       /* sold by the guard at the venue, not yet by
                                  the paper broker: its next exits send no
                                  order for that much                        */
    int exit_role;             /* the guard leg's role that sold it           */
    int64_t last_ts, bar_ms;   /* the last bar taken                          */
    int64_t exit_ts;           /* the paper exit being sent (PR_TIME_NONE:
                                  none): a guard's trade learned meanwhile
                                  is booked at its time                       */
    int64_t gstep;             /* guards placed at bar gstep: gseq            */
    unsigned gseq;
    double tick, step, min_qty;
    char symbol[PR_VENUE_SYMBOL_MAX]; /* the venue's                     */
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
    pr_venue *v;               /* borrowed                                   */
    int protect;               /* stops and targets rest at the venue        */
    pr_venue_protect style;    /* how the venue holds them                  */
    double stop_offset;        /* a stop-limit's limit beyond its stop        */
    uint64_t *watch;           /* the paper's protective orders, by id        */
    size_t n_watch, cap_watch;
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
    o.role = p->f.role;
    /* a guard's leg trades between bars: at the next bar's open */
    int64_t at = !p->resting ? p->f.ts : m->exit_ts != PR_TIME_NONE ? m->exit_ts : m->last_ts + m->bar_ms;
    if (p->resting) {
        m->venue_exited += vf->qty;
        m->exit_role = p->f.role;
        vb->stats.protect_filled++;
    }
    pr_ledger_entry e = {.qty = vf->qty, .price = vf->price, .ref = vf->price, .fee = fee_of(vb, m, vf),
                         .fx = m->fx, .at = at};
    double realized = 0;
    if (pr_ledger_fill(&vb->led, &m->pos, &o, &e, &realized) != PR_OK)
        return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
    pr_fill rec = p->f;
    rec.ts = at;
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

static int add_pending(vbroker *vb, const char *client_id, const pr_fill *f, int resting, vb_pending **out,
                       pr_err *err) {
    if (vb->n_pend == vb->cap_pend) {
        size_t cap = vb->cap_pend ? vb->cap_pend * 2 : 64;
        vb_pending *p = realloc(vb->pend, cap * sizeof *p);
        if (!p) return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
        vb->pend = p;
        vb->cap_pend = cap;
    }
    vb_pending *p = &vb->pend[vb->n_pend];
    memset(p, 0, sizeof *p);
    p->f = *f;
    p->resting = resting;
    if (client_id) {
        pr_strlcpy(p->client_id, client_id, sizeof p->client_id);
        vb->n_pend++;
    }
    if (out) *out = p;
    return PR_OK;
}

/* ---- the guard: a bracket's stop and target resting at the venue --------------- */
/* The client ids of the guard's legs in mask (1 the stop, 2 the target),
 * the stop's first; their number. */
static int legs_of(const vb_guard *g, unsigned mask, char ids[2][PR_VENUE_CLIENT_ID_MAX]) {
    int n = 0;
    if (mask & 1) memcpy(ids[n++], g->leg[0], PR_VENUE_CLIENT_ID_MAX);
    if (mask & 2) memcpy(ids[n++], g->leg[1], PR_VENUE_CLIENT_ID_MAX);
    return n;
}

/* A guard's leg ids from its id: the stop's "-b" and the target's "-a" (an
 * OCO list's legs), or the venue's on-fill orders' "-sl" and "-tp". */
static void name_legs(vb_guard *g, int on_fill) {
    snprintf(g->leg[0], sizeof g->leg[0], "%s%s", g->id, on_fill ? "-sl" : "-b");
    snprintf(g->leg[1], sizeof g->leg[1], "%s%s", g->id, on_fill ? "-tp" : "-a");
}

static unsigned wanted_legs(const vb_guard *g) { return (g->stop_id ? 1u : 0u) | (g->target_id ? 2u : 0u); }

/* Cancels m's guard: on spot one leg of the OCO list cancels the list; a
 * derivatives venue's two orders are cancelled one by one. A leg that
 * traded first (the cancel answers that the order is unknown, or comes
 * after a part filled) is a race, not an error: the legs are asked for at
 * once, so their trades are booked (venue_exited) before the caller sends
 * anything. A refusal that leaves the order working is an error: it still
 * holds what the exit would sell. */
static int guard_cancel(vbroker *vb, size_t i, pr_err *err) {
    vb_market *m = &vb->mk[i];
    if (!m->g.on) return PR_OK;
    char ids[2][PR_VENUE_CLIENT_ID_MAX];
    int n = legs_of(&m->g, m->g.placed, ids), rc = PR_OK;
    for (int k = 0; k < (vb->style == PR_VPROTECT_OCO ? 1 : n); k++) {
        pr_venue_order o;
        pr_err ce;
        pr_err_clear(&ce);
        rc = pr_venue_cancel(vb->v, m->symbol, ids[k], &o, &ce);
        if (rc == PR_OK && !(o.executed_qty > 0)) {
            vb->stats.protect_cancelled++;
            continue;
        }
        if (rc != PR_OK && rc != PR_EVENUE && rc != PR_ENOTFOUND) return *err = ce, rc;
        pr_venue_order q;
        pr_err qe;
        pr_err_clear(&qe);
        if (rc != PR_OK && pr_venue_query(vb->v, m->symbol, ids[k], &q, &qe) == PR_OK &&
            (q.status == PR_VSTATUS_NEW || q.status == PR_VSTATUS_PARTIALLY_FILLED))
            return pr_err_set(err, rc, "cancelling the resting protective order %s of %s: %.300s", ids[k], m->symbol,
                              ce.msg);
        if (m->venue_exited > 1e-12 && rc != PR_OK) continue; /* known to have traded: over at the venue */
        vb->stats.protect_races++;
        snprintf(vb->stats.race, sizeof vb->stats.race, "%.31s %.39s: %.180s", m->symbol, ids[k],
                 rc == PR_OK ? "part of it had filled before the cancel" : ce.msg);
    }
    m->g.on = 0;
    rc = PR_OK;
    for (int k = 0; rc == PR_OK && k < n; k++) rc = pr_venue_mirror_poll(vb->m, ids[k], err);
    return rc;
}

/* What the paper broker's working protective orders of market i ask the
 * venue to hold: its stop, and its target when there is exactly one and it
 * closes the whole position (tiers stay the paper broker's: each one
 * filled there cancels the guard, is sent at market and the guard is
 * placed again for the rest). On spot positions are long: the guard
 * sells; on a derivatives venue it closes either side. */
static void guard_wanted(vbroker *vb, size_t i, vb_guard *w) {
    memset(w, 0, sizeof *w);
    vb_market *m = &vb->mk[i];
    pr_position pp;
    if (vb->paper->vt->get_position(vb->paper, (int)i, &pp) != PR_OK || pp.qty == 0 ||
        (vb->style == PR_VPROTECT_OCO && !(pp.qty > 0)))
        return;
    int side = pp.qty > 0 ? -1 : 1; /* the guard's */
    double held = fabs(pp.qty), qty = held - m->venue_exited;
    if (m->step > 0) qty = floor(qty / m->step + 1e-9) * m->step;
    int n_targets = 0;
    double tqty = 0;
    size_t k = 0;
    for (size_t j = 0; j < vb->n_watch; j++) {
        pr_order o;
        if (vb->paper->vt->get_order(vb->paper, vb->watch[j], &o) != PR_OK ||
            (o.status != PR_OS_ACTIVE && o.status != PR_OS_WAITING))
            continue; /* done: forgotten */
        vb->watch[k++] = vb->watch[j];
        if ((size_t)o.instrument != i || o.status != PR_OS_ACTIVE || o.side != side) continue;
        if (o.type == PR_ORDER_STOP && !w->stop_id) {
            w->stop_id = o.id;
            w->stop = o.stop_price;
        } else if (o.type == PR_ORDER_LIMIT && o.role == PR_ROLE_TARGET) {
            n_targets++;
            w->target_id = o.id;
            w->target = o.limit_price;
            tqty = o.qty_mode == PR_QTY_CLOSE ? INFINITY : o.qty - o.filled_qty;
        }
    }
    vb->n_watch = k;
    if (n_targets != 1 || tqty < held - 1e-9) w->target_id = 0, w->target = 0;
    if (!(qty > 0) || qty < m->min_qty - 1e-12 || (!w->stop_id && !w->target_id)) {
        memset(w, 0, sizeof *w);
        return;
    }
    w->qty = qty;
    w->side = side;
}

static double on_tick(double x, double tick, int up) {
    if (!(tick > 0)) return x;
    double n = x / tick;
    return (up ? ceil(n - 1e-9) : floor(n + 1e-9)) * tick;
}

/* Places guard w (on the tick, each leg checked against the venue's
 * filters first): spot an OCO list or one order, derivatives one
 * reduce-only order per leg. PR_EINVAL / PR_EVENUE: refused (ve says
 * why); a target refused after its stop was placed leaves the stop alone
 * (*placed says which legs are at the venue). */
static int guard_send(vbroker *vb, size_t i, const vb_guard *w, char ids[2][PR_VENUE_CLIENT_ID_MAX],
                      pr_venue_order legs[2], unsigned *placed, pr_err *ve, pr_err *err) {
    vb_market *m = &vb->mk[i];
    int sell = w->side < 0, oco = vb->style == PR_VPROTECT_OCO;
    double stop = on_tick(w->stop, m->tick, !sell), target = on_tick(w->target, m->tick, sell);
    double limit = on_tick(w->stop * (1 + w->side * vb->stop_offset), m->tick, !sell);
    pr_venue_rules r;
    int rc = pr_venue_rules_of(vb->v, m->symbol, &r, err);
    if (rc != PR_OK) return rc;
    pr_venue_order_req q[2];
    int n = 0;
    memset(q, 0, sizeof q);
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? w->stop_id : w->target_id)) continue;
        pr_venue_order_req *x = &q[n];
        pr_strlcpy(x->symbol, m->symbol, sizeof x->symbol);
        x->side = sell ? PR_VSIDE_SELL : PR_VSIDE_BUY;
        x->qty = w->qty;
        x->reduce_only = !oco;
        if (k == 0) {
            x->type = oco ? PR_VORDER_STOP_LOSS_LIMIT : PR_VORDER_STOP_MARKET;
            x->stop_price = stop;
            x->price = oco ? limit : 0;
        } else {
            x->type = oco ? PR_VORDER_TAKE_PROFIT_LIMIT : PR_VORDER_TAKE_PROFIT_MARKET;
            x->stop_price = target;
            x->price = oco ? target : 0;
        }
        pr_strlcpy(x->client_id, ids[n], sizeof x->client_id);
        if ((rc = pr_venue_check(&r, x, ve)) != PR_OK) return rc;
        n++;
    }
    if (oco && n == 2) {
        pr_venue_oco_req oq = {.side = PR_VSIDE_SELL, .qty = w->qty, .take_profit = target, .stop_price = stop,
                               .stop_limit = limit};
        pr_strlcpy(oq.symbol, m->symbol, sizeof oq.symbol);
        pr_strlcpy(oq.list_client_id, w->id, sizeof oq.list_client_id);
        if ((rc = pr_venue_place_oco(vb->v, &oq, legs, ve)) == PR_OK && strcmp(legs[0].client_id, ids[0]) != 0) {
            pr_venue_order t = legs[0]; /* the stop leg first */
            legs[0] = legs[1];
            legs[1] = t;
        }
        if (rc == PR_OK) *placed = 3;
        return rc;
    }
    unsigned mask = wanted_legs(w);
    for (int k = 0; k < n; k++) {
        if ((rc = pr_venue_place(vb->v, &q[k], &legs[k], ve)) == PR_OK) continue;
        if (k == 0 || (rc != PR_EVENUE && rc != PR_EINVAL)) return rc;
        vb->stats.protect_refused++; /* the target: the stop stays */
        snprintf(vb->stats.refusal, sizeof vb->stats.refusal, "%.31s %.39s: %.180s", m->symbol, ids[k], ve->msg);
        mask &= 1u;
    }
    *placed = mask;
    return PR_OK;
}

static int guard_track(vbroker *vb, size_t i, vb_guard *w, const pr_venue_order legs[2], int past, pr_err *err);

/* Adopts a guard an earlier run placed (the same client ids: a restart's
 * replay), or places it. */
static int guard_place(vbroker *vb, size_t i, vb_guard *w, pr_err *err) {
    vb_market *m = &vb->mk[i];
    if (m->gstep != m->last_ts) {
        m->gstep = m->last_ts;
        m->gseq = 0;
    }
    int rc = pr_venue_mirror_client_id(vb->m, i, m->last_ts, 500 + m->gseq++, w->id, sizeof w->id, err);
    if (rc != PR_OK) return rc;
    name_legs(w, 0);
    char ids[2][PR_VENUE_CLIENT_ID_MAX];
    int n = legs_of(w, wanted_legs(w), ids), past = 0;
    pr_venue_order legs[2];
    memset(legs, 0, sizeof legs);
    pr_err qe;
    pr_err_clear(&qe);
    rc = pr_venue_query(vb->v, m->symbol, ids[0], &legs[0], &qe);
    if (rc == PR_OK) {
        past = 1;
        w->placed = wanted_legs(w);
        if (n == 2 && (rc = pr_venue_query(vb->v, m->symbol, ids[1], &legs[1], &qe)) == PR_ENOTFOUND)
            w->placed &= 1u, n = 1; /* its target was refused */
        else if (rc != PR_OK)
            return *err = qe, rc;
        vb->stats.protect_adopted++;
    } else if (rc != PR_ENOTFOUND) {
        *err = qe;
        return rc;
    } else {
        pr_err ve;
        pr_err_clear(&ve);
        rc = guard_send(vb, i, w, ids, legs, &w->placed, &ve, err);
        /* refused (a stop the market is already through, a filter): the
         * paper broker's simulation keeps this version, sent at market
         * when it fires, as without a guard */
        if (rc == PR_EINVAL || rc == PR_EVENUE) {
            vb->stats.protect_refused++;
            snprintf(vb->stats.refusal, sizeof vb->stats.refusal, "%s %s: %.180s", m->symbol, w->id, ve.msg);
            w->refused = 1;
            m->g = *w;
            return PR_OK;
        }
        if (rc != PR_OK) return rc;
        vb->stats.protect_placed++;
        n = legs_of(w, w->placed, ids);
    }
    return guard_track(vb, i, w, legs, past, err);
}

/* Guard w's legs at the venue (legs: the venue's view of each, the stop's
 * first; past: found, not just placed) become the market's guard: their
 * trades are learned and booked as exits of the paper orders they stand
 * for. */
static int guard_track(vbroker *vb, size_t i, vb_guard *w, const pr_venue_order legs[2], int past, pr_err *err) {
    vb_market *m = &vb->mk[i];
    char ids[2][PR_VENUE_CLIENT_ID_MAX];
    int n = legs_of(w, w->placed, ids), rc = PR_OK;
    pr_fill f = {.instrument = (int)i, .side = w->side, .ts = m->last_ts};
    int live = 0;
    for (int k = 0; k < n; k++) {
        int stop_leg = k == 0 && (w->placed & 1u);
        f.order_id = stop_leg ? w->stop_id : w->target_id;
        f.role = stop_leg ? PR_ROLE_STOP : PR_ROLE_TARGET;
        pr_order po;
        if (vb->paper->vt->get_order(vb->paper, f.order_id, &po) == PR_OK) f.role = po.role;
        if ((rc = add_pending(vb, ids[k], &f, 1, NULL, err)) != PR_OK ||
            (rc = pr_venue_mirror_track(vb->m, i, &legs[k], ids[k], past, err)) != PR_OK)
            return rc;
        live |= legs[k].status == PR_VSTATUS_NEW || legs[k].status == PR_VSTATUS_PARTIALLY_FILLED;
    }
    /* an earlier run's guard that is over (cancelled, or filled: its
     * trades are learned now) stays as it is */
    w->on = !past || live;
    w->gone = !w->on;
    m->g = *w;
    return past ? pr_venue_mirror_pump(vb->m, 0, err) : PR_OK;
}

/* A venue that attaches the bracket to the order opening the position
 * (PR_VPROTECT_ON_FILL): the entry just sent (or found) as client_id
 * carried w's stop-loss and take-profit; the orders the venue made of
 * them on its fill become the guard (one it did not make: that leg stays
 * the paper broker's). */
static int guard_on_fill(vbroker *vb, size_t i, vb_guard *w, const char *client_id, int found, pr_err *err) {
    vb_market *m = &vb->mk[i];
    pr_strlcpy(w->id, client_id, sizeof w->id);
    name_legs(w, 1);
    pr_venue_order legs[2];
    memset(legs, 0, sizeof legs);
    unsigned want = wanted_legs(w);
    w->placed = 0;
    for (int k = 0, n = 0; k < 2; k++) {
        if (!(want & (1u << k))) continue;
        pr_err qe;
        pr_err_clear(&qe);
        int rc = pr_venue_query(vb->v, m->symbol, w->leg[k], &legs[n], &qe);
        if (rc == PR_ENOTFOUND) continue;
        if (rc != PR_OK) return *err = qe, rc;
        w->placed |= 1u << k;
        n++;
    }
    if (!w->placed) {
        w->refused = 1;
        m->g = *w;
        return PR_OK;
    }
    if (found) vb->stats.protect_adopted++;
    else vb->stats.protect_placed++;
    return guard_track(vb, i, w, legs, 1, err);
}

/* Brings market i's guard in line with the paper broker's orders: after
 * the venue sold out of the position (a leg traded), the paper broker is
 * told to close too, at the next bar's open (a market order of the leg's
 * role; its fill sends nothing); a guard that no longer matches (a stop
 * moved by trailing or break-even, a target filled in part, the position
 * closed) is cancelled and the new one placed. */
static int guard_sync(vbroker *vb, size_t i, pr_err *err) {
    vb_market *m = &vb->mk[i];
    int rc;
    if (m->venue_exited > 1e-12) {
        if (m->g.on && (rc = guard_cancel(vb, i, err)) != PR_OK) return rc;
        pr_position pp;
        if (vb->paper->vt->get_position(vb->paper, (int)i, &pp) == PR_OK && pp.qty != 0) {
            size_t n = 0;
            pr_order open[64];
            if ((rc = pr_paper_open_orders(vb->paper, open, 64, &n, err)) != PR_OK) return rc;
            for (size_t k = 0; k < n && k < 64; k++)
                if (open[k].instrument == (int)i && open[k].type == PR_ORDER_MARKET && open[k].reduce_only)
                    return PR_OK; /* already told */
            pr_order o;
            pr_order_init(&o, (int)i, pp.qty > 0 ? -1 : 1, PR_ORDER_MARKET, (pr_order_role)m->exit_role);
            o.reduce_only = 1;
            o.qty_mode = PR_QTY_UNITS;
            o.qty = m->venue_exited < fabs(pp.qty) ? m->venue_exited : fabs(pp.qty);
            static const char *const k_tp = "the venue's resting take-profit filled";
            static const char *const k_sl = "the venue's resting stop-loss filled";
            o.why = (pr_reason){m->exit_role == PR_ROLE_TARGET ? k_tp : k_sl, {0, 0, 0, 0}};
            return vb->paper->vt->submit(vb->paper, &o, m->last_ts + m->bar_ms, err);
        }
        m->venue_exited = 0; /* the paper broker is flat: nothing left to absorb */
    }
    vb_guard w;
    guard_wanted(vb, i, &w);
    vb_guard *g = &m->g;
    if ((g->on || g->refused || g->gone) && w.side == g->side && w.stop_id == g->stop_id && w.target_id == g->target_id && w.qty == g->qty &&
        w.stop == g->stop && w.target == g->target)
        return PR_OK;
    int was = g->on;
    if ((rc = guard_cancel(vb, i, err)) != PR_OK) return rc;
    memset(g, 0, sizeof *g);
    if (m->venue_exited > 1e-12) return guard_sync(vb, i, err); /* the cancel found it filled */
    if (!w.stop_id && !w.target_id) return PR_OK;
    if (vb->style == PR_VPROTECT_ON_FILL) {
        /* its orders come only with the entry's fill: a change after it (a
         * moved stop, a tier, an added entry) leaves the bracket to the
         * paper broker */
        w.refused = 1;
        *g = w;
        if (was) {
            vb->stats.protect_refused++;
            snprintf(vb->stats.refusal, sizeof vb->stats.refusal, "%s %s: the stop-loss / take-profit on fill "
                     "cannot follow a change of the bracket: cancelled, left to the paper broker", m->symbol, w.id);
        }
        return PR_OK;
    }
    return guard_place(vb, i, &w, err);
}

/* The paper broker's fill hook: the order goes to the venue; its trades
 * are booked as they are learned (vb_book). An exit first cancels the
 * guard (it holds the asset the exit sells), and sends only what the
 * venue has not already sold through it. */
static int vb_on_fill(void *user, const pr_fill *f, pr_err *err) {
    vbroker *vb = user;
    pr_fill x = *f;
    if (f->instrument >= 0 && (size_t)f->instrument < vb->n && f->fx > 0) vb->mk[f->instrument].fx = f->fx;
    if (vb->protect && f->role != PR_ROLE_ENTRY && f->instrument >= 0 && (size_t)f->instrument < vb->n) {
        vb_market *m = &vb->mk[f->instrument];
        m->exit_ts = f->ts;
        int rc = guard_cancel(vb, (size_t)f->instrument, err);
        m->exit_ts = PR_TIME_NONE;
        if (rc != PR_OK) return rc;
        double absorb = m->venue_exited < x.qty ? m->venue_exited : x.qty;
        if (absorb > 0) {
            m->venue_exited -= absorb;
            x.qty -= absorb;
            vb->stats.protect_absorbed++;
            if (!(x.qty > 1e-12)) return PR_OK;
        }
    }
    /* a venue attaching the bracket to the entry: the entry that opens the
     * position carries the paper broker's stop and target, now working */
    vb_guard w;
    int attach = 0;
    pr_venue_mirror_stats before;
    if (vb->protect && vb->style == PR_VPROTECT_ON_FILL && f->role == PR_ROLE_ENTRY && f->instrument >= 0 &&
        (size_t)f->instrument < vb->n && !vb->mk[f->instrument].g.on) {
        vb_market *m = &vb->mk[f->instrument];
        pr_position pp;
        guard_wanted(vb, (size_t)f->instrument, &w);
        if (vb->paper->vt->get_position(vb->paper, f->instrument, &pp) == PR_OK && fabs(pp.qty) <= f->qty + 1e-12 &&
            (w.stop_id || w.target_id)) {
            int sell = w.side < 0;
            pr_venue_mirror_attach(vb->m, w.stop_id ? on_tick(w.stop, m->tick, !sell) : 0,
                                   w.target_id ? on_tick(w.target, m->tick, sell) : 0);
            pr_venue_mirror_get_stats(vb->m, &before);
            attach = 1;
        }
    }
    vb_pending *p;
    int rc = add_pending(vb, NULL, &x, 0, &p, err);
    if (rc != PR_OK) return rc;
    vb->cur = p;
    rc = pr_venue_mirror_send(vb->m, &x, p->client_id, sizeof p->client_id, err);
    vb->cur = NULL;
    char cid[PR_VENUE_CLIENT_ID_MAX];
    pr_strlcpy(cid, p->client_id, sizeof cid);
    if (rc == PR_OK && p->client_id[0]) vb->n_pend++;
    if (attach) {
        pr_venue_mirror_attach(vb->m, 0, 0); /* not sent (too small): not kept for the next */
        pr_venue_mirror_stats after;
        pr_venue_mirror_get_stats(vb->m, &after);
        if (rc == PR_OK && cid[0]) rc = guard_on_fill(vb, (size_t)f->instrument, &w, cid, after.found > before.found, err);
    }
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
    if (instrument >= 0 && (size_t)instrument < vb->n) {
        vb->mk[instrument].last_ts = bar->ts;
        vb->mk[instrument].bar_ms = bar_ms;
    }
    int rc = pr_broker_process_bar(vb->paper, instrument, bar, bar_ms, fine, n_fine, fine_ms, NULL, err);
    if (rc == PR_OK && vb->n_pend > before) rc = pr_venue_mirror_settle(vb->m, vb->settle_ms, err);
    /* a guard's leg may have traded since the last bar (learned here) */
    else if (rc == PR_OK && vb->protect) rc = pr_venue_mirror_pump(vb->m, 0, err);
    if (rc == PR_OK && vb->protect && instrument >= 0 && (size_t)instrument < vb->n)
        rc = guard_sync(vb, (size_t)instrument, err);
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
    vbroker *vb = vb_of(b);
    pr_broker *p = vb->paper;
    int rc = p->vt->submit(p, o, now, err);
    /* a protective order to stand for at the venue once it works */
    if (rc == PR_OK && vb->protect && o->id && o->reduce_only && o->role != PR_ROLE_ENTRY &&
        (o->type == PR_ORDER_STOP || o->type == PR_ORDER_LIMIT)) {
        if (vb->n_watch == vb->cap_watch) {
            size_t cap = vb->cap_watch ? vb->cap_watch * 2 : 16;
            uint64_t *w = realloc(vb->watch, cap * sizeof *w);
            if (!w) return pr_err_set(err, PR_ENOMEM, "venue broker: out of memory");
            vb->watch = w;
            vb->cap_watch = cap;
        }
        vb->watch[vb->n_watch++] = o->id;
    }
    return rc;
}

static int vb_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    pr_broker *p = vb_of(b)->paper;
    return p->vt->cancel(p, id, err);
}

static int vb_amend(pr_broker *b, uint64_t id, double limit_price, double stop_price, const pr_order_role *role,
                    const pr_reason *why, pr_err *err) {
    vbroker *vb = vb_of(b);
    pr_broker *p = vb->paper;
    int rc = p->vt->amend(p, id, limit_price, stop_price, role, why, err);
    pr_order o;
    /* a stop moved (trailing, break-even): the venue's follows now */
    if (rc == PR_OK && vb->protect && p->vt->get_order(p, id, &o) == PR_OK && o.instrument >= 0 &&
        (size_t)o.instrument < vb->n)
        rc = guard_sync(vb, (size_t)o.instrument, err);
    return rc;
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
    free(vb->watch);
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
    vb->v = cfg->venue;
    vb->protect = cfg->protect;
    vb->style = cfg->venue->ops->protect;
    if (vb->protect && vb->style == PR_VPROTECT_NONE) {
        free(vb->mk);
        free(vb);
        return pr_err_set(err, PR_EUNSUPPORTED, "venue broker: %s cannot hold a bracket's orders", cfg->venue->ops->name);
    }
    vb->stop_offset = cfg->stop_limit_offset > 0 ? cfg->stop_limit_offset : 0.005;
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
            pr_strlcpy(m->symbol, cfg->symbols[i], sizeof m->symbol);
            m->tick = r.tick;
            m->step = r.step;
            m->min_qty = r.min_qty;
        }
        m->last_ts = m->exit_ts = PR_TIME_NONE;
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
