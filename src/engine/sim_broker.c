/* The simulated broker: pr_broker over an order book (order_book.h), an
 * account ledger (ledger.h), fills (sim_exec.c) and the walk through a bar
 * (sim_walk.c), with the fee, fill, funding and margin models. This file is
 * its face: the vtable, order submission and queries, construction (with
 * each market's currency conversion) and the records. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim_internal.h"

static const pr_broker_vt k_sim_vt;

/* The type check of every entry point: a pr_broker is a sim only when it
 * carries the sim's vtable. */
sim *sim_of(pr_broker *b) { return b && b->vt == &k_sim_vt ? (sim *)b : NULL; }
const sim *sim_cof(const pr_broker *b) { return b && b->vt == &k_sim_vt ? (const sim *)b : NULL; }

static int sim_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades) {
    sim *s = sim_of(b);
    if (!s) return PR_EINVAL;
    if (pr_book_reserve(&s->book, orders) || pr_ledger_reserve(&s->led, fills, trades)) return PR_ENOMEM;
    return PR_OK;
}

static void sim_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades) {
    const sim *s = sim_cof(b);
    *orders = s ? s->book.n_hist : 0;
    *fills = s ? s->led.n_fills : 0;
    *trades = s ? s->led.n_trades : 0;
}

static void sim_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades) {
    sim *s = sim_of(b);
    *fills = s ? s->led.fills : NULL;
    *n_fills = s ? s->led.n_fills : 0;
    *trades = s ? s->led.trades : NULL;
    *n_trades = s ? s->led.n_trades : 0;
    if (!s) return;
    s->led.fills = NULL;
    s->led.trades = NULL;
    s->led.n_fills = s->led.cap_fills = s->led.n_trades = s->led.cap_trades = 0;
}

/* Reached only through k_sim_vt, so b is a sim: the vtable is the type
 * check here. The backtest loop calls sim_idle_bar_fast itself when its
 * broker is a sim. */
static int sim_idle_bar(pr_broker *b, int inst, double close, pr_broker_snapshot *after) {
    return sim_idle_bar_fast((sim *)b, inst, close, after);
}

static void sim_mark(pr_broker *b, int inst, double price) {
    sim *s = sim_of(b);
    if (!s || inst < 0 || (size_t)inst >= s->n) return;
    s->m[inst].pos.mark = price;
    s->m[inst].pos.has_mark = 1;
}

static void sim_snapshot_op(const pr_broker *b, pr_broker_snapshot *out) {
    const sim *s = sim_cof(b);
    if (s) sim_snapshot(s, out);
    else *out = (pr_broker_snapshot){NAN, NAN, NAN, NAN, NAN, NAN};
}

/* Kept small: most bars of a run only move the mark, and they should not
 * pay the walk's set-up (sim_walk.c). */
PR_HOT static int sim_process_bar(pr_broker *b, int inst, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                           size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err) {
    sim *s = sim_of(b);
    if (!s || !bar || inst < 0 || (size_t)inst >= s->n)
        return pr_err_set(err, PR_EINVAL, "pr_sim_process_bar: bad broker, bar or instrument");
    sim_mkt *m = &s->m[inst];
    if (s->book.n_live[inst] == 0 && (m->pos.qty == 0 || m->passive)) {
        m->pos.mark = bar->close;
        m->pos.has_mark = 1;
    } else {
        int rc = sim_walk_bar(s, inst, bar, bar_ms, fine, n_fine, fine_ms, err);
        if (rc != 0) return rc;
    }
    if (after) sim_snapshot(s, after);
    return PR_OK;
}

int pr_sim_process_bar(pr_broker *b, int inst, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                       size_t n_fine, int64_t fine_ms, pr_err *err) {
    return sim_process_bar(b, inst, bar, bar_ms, fine, n_fine, fine_ms, NULL, err);
}

int pr_sim_mark(pr_broker *b, int inst, double price) {
    sim *s = sim_of(b);
    if (!s || inst < 0 || (size_t)inst >= s->n) return PR_EINVAL;
    s->m[inst].pos.mark = price;
    s->m[inst].pos.has_mark = 1;
    return PR_OK;
}

/* ---- vtable ------------------------------------------------------------------ */
PR_HOT static int sim_submit(pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    sim *s = sim_of(b);
    if (!s || !o) return pr_err_set(err, PR_EINVAL, "sim: NULL order");
    if (o->instrument < 0 || (size_t)o->instrument >= s->n)
        return pr_err_set(err, PR_EINVAL, "sim: order for unknown instrument %d", o->instrument);
    if (o->side != 1 && o->side != -1) return pr_err_set(err, PR_EINVAL, "sim: order side must be +1 or -1");
    sim_mkt *m = &s->m[o->instrument];
    const pr_instrument *in = &m->spec.inst;
    if ((o->type == PR_ORDER_LIMIT || o->type == PR_ORDER_STOP_LIMIT) && !(o->limit_price > 0))
        return pr_err_set(err, PR_EINVAL, "sim: %s order needs a positive limit price", pr_order_type_name(o->type));
    if ((o->type == PR_ORDER_STOP || o->type == PR_ORDER_STOP_LIMIT) && !(o->stop_price > 0))
        return pr_err_set(err, PR_EINVAL, "sim: %s order needs a positive stop price", pr_order_type_name(o->type));
    if (o->qty_mode == PR_QTY_RISK && !(o->stop_price > 0))
        return pr_err_set(err, PR_EINVAL, "sim: risk-sized order needs stop_price");
    if (o->qty_mode != PR_QTY_CLOSE && !(o->qty > 0) )
        return pr_err_set(err, PR_EINVAL, "sim: order quantity must be positive");
    if (o->qty_mode == PR_QTY_PARENT_FRAC && (o->parent == 0 || o->qty > 1))
        return pr_err_set(err, PR_EINVAL, "sim: a parent fraction needs a parent and a value in (0,1]");
    pr_book_compact(&s->book);
    /* Prices on the tick grid (a venue would refuse anything else). */
    if (in->tick_size > 0) {
        if (o->limit_price > 0) o->limit_price = pr_instrument_round_price(in, o->limit_price);
        if (o->stop_price > 0) o->stop_price = pr_instrument_round_price(in, o->stop_price);
    }
    o->id = pr_book_next_id(&s->book);
    o->submitted = now;
    o->filled_qty = 0;
    o->avg_price = 0;
    o->triggered = 0;
    o->reject = NULL;
    o->status = PR_OS_ACTIVE;
    if (o->qty_mode == PR_QTY_UNITS && in->lot_step > 0) o->qty = pr_instrument_round_qty(in, o->qty);
    if (o->qty_mode == PR_QTY_UNITS) {
        double ref = o->limit_price > 0 ? o->limit_price : o->stop_price > 0 ? o->stop_price : m->pos.mark;
        if (!(o->qty > 0) || (ref > 0 && !o->reduce_only && pr_instrument_check_order(in, ref, o->qty, NULL) != 0)) {
            o->status = PR_OS_REJECTED;
            o->reject = "quantity below the instrument's minimum (lot, quantity or notional)";
        }
    }
    if (o->status == PR_OS_ACTIVE && !o->reduce_only && o->side < 0 && m->spec.margin.no_short && m->pos.qty <= 0 &&
        o->parent == 0) {
        o->status = PR_OS_REJECTED;
        o->reject = "short selling not allowed";
    }
    if (o->status == PR_OS_ACTIVE && o->parent) {
        if (o->parent > s->book.n_hist) return pr_err_set(err, PR_EINVAL, "sim: unknown parent order %llu",
                                                      (unsigned long long)o->parent);
        pr_order_status ps = (pr_order_status)s->book.hist[o->parent - 1].status;
        if (ps == PR_OS_FILLED) {
            if (o->qty_mode == PR_QTY_PARENT_FRAC) {
                double cq = o->qty * s->book.hist[o->parent - 1].filled_qty;
                if (in->lot_step > 0) cq = pr_instrument_round_qty(in, cq);
                o->qty_mode = PR_QTY_UNITS;
                o->qty = cq;
            }
        } else if (pr_book_is_live(ps)) {
            o->status = PR_OS_WAITING;
        } else {
            o->status = PR_OS_CANCELLED;
        }
    }
    if (pr_book_add(&s->book, o, PR_TIME_NONE)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    return PR_OK;
}

static int sim_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    sim *s = sim_of(b);
    if (!s || id == 0 || id > s->book.n_hist)
        return pr_err_set(err, PR_ENOTFOUND, "sim: no order %llu", (unsigned long long)id);
    pr_book_order *so = pr_book_live(&s->book, id);
    if (so) pr_book_cancel(&s->book, so);
    return PR_OK;
}

static int sim_amend(pr_broker *b, uint64_t id, double limit_price, double stop_price,
                     const pr_order_role *role, const pr_reason *why, pr_err *err) {
    sim *s = sim_of(b);
    if (!s || id == 0 || id > s->book.n_hist)
        return pr_err_set(err, PR_ENOTFOUND, "sim: no order %llu", (unsigned long long)id);
    pr_book_order *so = pr_book_live(&s->book, id);
    if (!so || !pr_book_is_live(so->o.status))
        return pr_err_set(err, PR_ESTATE, "sim: order %llu is %s", (unsigned long long)id,
                          pr_order_status_name((pr_order_status)s->book.hist[id - 1].status));
    pr_order *o = &so->o;
    const pr_instrument *in = &s->m[o->instrument].spec.inst;
    if (limit_price > 0) o->limit_price = in->tick_size > 0 ? pr_instrument_round_price(in, limit_price) : limit_price;
    if (stop_price > 0) o->stop_price = in->tick_size > 0 ? pr_instrument_round_price(in, stop_price) : stop_price;
    if (role) {
        o->role = *role;
        s->book.hist[id - 1].role = (int8_t)*role;
    }
    if (why) o->why = *why;
    return PR_OK;
}

PR_HOT static int sim_get_order(pr_broker *b, uint64_t id, pr_order *out) {
    sim *s = sim_of(b);
    if (!s || id == 0 || id > s->book.n_hist || !out) return PR_ENOTFOUND;
    const pr_book_order *so = pr_book_live(&s->book, id);
    if (so) {
        *out = so->o;
        return PR_OK;
    }
    const pr_book_record *h = &s->book.hist[id - 1];
    pr_order_init(out, h->instrument, h->side, (pr_order_type)h->type, (pr_order_role)h->role);
    out->id = id;
    out->status = (pr_order_status)h->status;
    out->filled_qty = h->filled_qty;
    out->avg_price = h->avg_price;
    out->reject = h->reject;
    return PR_OK;
}

PR_HOT static int sim_get_position(pr_broker *b, int inst, pr_position *out) {
    sim *s = sim_of(b);
    if (!s || inst < 0 || (size_t)inst >= s->n || !out) return PR_EINVAL;
    const sim_mkt *m = &s->m[inst];
    out->instrument = inst;
    out->qty = m->pos.qty;
    out->avg_price = m->pos.avg;
    out->entry_ts = m->pos.tr_open ? m->pos.tr.entry_ts : PR_TIME_NONE;
    out->mark = m->pos.mark;
    out->unrealized = sim_unrealized(s, m);
    return PR_OK;
}

/* One pass over the markets (the risk stage reads the account at every
 * step): each sum is the one sim_unrealized, sim_snapshot and
 * sim_used_margin would make, term for term in market order; a flat market
 * adds nothing to any (its 0 leaves a sum as it was). */
PR_HOT static int sim_get_account(pr_broker *b, pr_account *out) {
    sim *s = sim_of(b);
    if (!s || !out) return PR_EINVAL;
    double bal = s->led.balance, u = 0, g = 0, c = bal, mu = 0;
    int open = s->led.n_open != 0;   /* the snapshot's cash reads positions only then */
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        if (m->pos.qty == 0 || !m->pos.has_mark) continue;
        double k = sim_fx_rate(s, m, m->pos.mark);
        u += pr_ledger_unrealized(&m->pos, k);
        double value = fabs(m->pos.qty) * m->pos.mark * m->pos.mult * k;
        g += value;
        mu += value * m->im;
        if (open && m->outright) c -= m->plain ? m->pos.qty * m->pos.avg : m->pos.qty * m->pos.avg * m->pos.mult * k;
    }
    *out = (pr_account){.balance = bal, .cash = c, .unrealized = u, .equity = bal + u, .used_margin = mu,
                        .available = bal + u - mu, .gross_exposure = g};
    memcpy(out->ccy, s->ccy, sizeof out->ccy);
    return PR_OK;
}

/* sim_get_account's equity alone: the same terms summed in the same order
 * (not sim_equity's, which adds each to the balance in turn). */
static double sim_account_equity(const pr_broker *b) {
    const sim *s = sim_cof(b);
    if (!s) return NAN;
    double u = 0;
    if (!s->led.n_open) return s->led.balance + u;   /* every term skipped, as sim_snapshot reads it */
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        if (m->pos.qty == 0 || !m->pos.has_mark) continue;
        u += pr_ledger_unrealized(&m->pos, sim_fx_rate(s, m, m->pos.mark));
    }
    return s->led.balance + u;
}

static const uint64_t *sim_changes(const pr_broker *b) {
    const sim *s = sim_cof(b);
    return s ? &s->book.changes : NULL;
}

static void sim_destroy(pr_broker *b) {
    sim *s = sim_of(b);
    if (!s) return;
    free(s->m);
    pr_book_free(&s->book);
    pr_ledger_free(&s->led);
    pr_fee_volume_free(&s->volume);
    free(s);
}

static const pr_costs *sim_costs(const pr_broker *b, int instrument) {
    const sim *s = sim_cof(b);
    return s && instrument >= 0 && (size_t)instrument < s->n ? &s->m[instrument].spec.costs : NULL;
}

/* sim_account_equity's band (pr_broker_vt.equity_band): flat, the equity
 * is the balance; with one position in a market whose quote converts at a
 * fixed rate, balance + qty (mark - avg) mult fx is a line in the mark,
 * solved for (lo, hi] and narrowed by tol, a million times the rounding of
 * the terms summed (their magnitudes times 2^-52, five operations). */
static int sim_equity_band(const pr_broker *b, double lo, double hi, pr_equity_band *out) {
    const sim *s = sim_cof(b);
    if (!s || !(lo < hi)) return 0;
    const double bal = s->led.balance;
    *out = (pr_equity_band){NULL, -INFINITY, INFINITY, &s->led.version, s->led.version};
    if (!s->led.n_open) return bal + 0.0 > lo && bal + 0.0 <= hi;
    const sim_mkt *m = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->m[i].pos.qty != 0) {
            if (m) return 0;
            m = &s->m[i];
        }
    if (!m || !m->pos.has_mark || m->fx_mode != FX_FIXED) return 0;
    const double k = m->pos.qty * m->pos.mult * m->fx_fixed, avg = m->pos.avg;
    if (!isfinite(k) || k == 0 || !isfinite(avg) || !isfinite(bal) || !(hi < INFINITY)) return 0;
    double mag = fabs(bal) + fabs(hi) + (lo > -INFINITY ? fabs(lo) : 0) + fabs(k * avg) + fabs(hi - bal);
    if (lo > -INFINITY) mag += fabs(lo - bal);
    const double tol = mag * 1e-9;
    double a = lo > -INFINITY ? avg + (lo + tol - bal) / k : (k > 0 ? -INFINITY : INFINITY);
    double z = avg + (hi - tol - bal) / k;
    if (k < 0) {
        double t = a;
        a = z;
        z = t;
    }
    if (!(a < z)) return 0;
    out->mark = &m->pos.mark;
    out->lo = a;
    out->hi = z;
    return 1;
}

static const pr_broker_vt k_sim_vt = {
    .name = "sim",
    .submit = sim_submit,
    .cancel = sim_cancel,
    .amend = sim_amend,
    .get_order = sim_get_order,
    .get_position = sim_get_position,
    .get_account = sim_get_account,
    .equity = sim_account_equity,
    .equity_band = sim_equity_band,
    .destroy = sim_destroy,
    .changes = sim_changes,
    .process_bar = sim_process_bar,
    .idle_bar = sim_idle_bar,
    .mark = sim_mark,
    .snapshot = sim_snapshot_op,
    .reserve = sim_reserve,
    .record_counts = sim_record_counts,
    .take_records = sim_take_records,
    .open_trade = pr_sim_open_trade,
    .liquidations = pr_sim_liquidations,
    .costs = sim_costs,
};

/* How m's quote currency becomes the account currency (cfg: all markets). */
static int sim_fx_setup(sim *s, sim_mkt *m, const pr_sim_config *cfg, pr_err *err) {
    const pr_instrument *in = &m->spec.inst;
    if (strcmp(in->quote, s->ccy) == 0 || in->quote[0] == '\0') {
        m->fx_mode = FX_FIXED;
        m->fx_fixed = 1.0;
        return PR_OK;
    }
    if (m->spec.fx_rate > 0) {
        m->fx_mode = FX_FIXED;
        m->fx_fixed = m->spec.fx_rate;
        return PR_OK;
    }
    if (strcmp(in->base, s->ccy) == 0) {
        m->fx_mode = FX_SELF_INV;
        return PR_OK;
    }
    for (size_t j = 0; j < cfg->n_markets; j++) {
        const pr_instrument *x = &cfg->markets[j].inst;
        if (strcmp(x->base, in->quote) == 0 && strcmp(x->quote, s->ccy) == 0) {
            m->fx_mode = FX_OTHER;
            m->fx_other = (int)j;
            return PR_OK;
        }
        if (strcmp(x->base, s->ccy) == 0 && strcmp(x->quote, in->quote) == 0) {
            m->fx_mode = FX_OTHER_INV;
            m->fx_other = (int)j;
            return PR_OK;
        }
    }
    return pr_err_set(err, PR_EINVAL,
                      "sim: %s is quoted in %s but the account is in %s: add a %s%s or %s%s market or set fx_rate",
                      in->symbol, in->quote, s->ccy, in->quote, s->ccy, s->ccy, in->quote);
}

int pr_sim_new(const pr_sim_config *cfg, pr_broker **out, pr_err *err) {
    if (!cfg || !out || cfg->n_markets == 0 || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "sim: need at least one market");
    *out = NULL;
    if (!isfinite(cfg->start_cash) || cfg->start_cash < 0)
        return pr_err_set(err, PR_EINVAL, "sim: start cash must be a non-negative number");
    sim *s = calloc(1, sizeof *s);
    if (!s) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    s->base.vt = &k_sim_vt;
    s->n = cfg->n_markets;
    s->rec_ts = PR_TIME_NONE;
    pr_ledger_init(&s->led, cfg->start_cash, cfg->alloc);
    pr_strlcpy(s->ccy, cfg->ccy[0] ? cfg->ccy : cfg->markets[0].inst.quote, sizeof s->ccy);
    s->m = calloc(s->n, sizeof *s->m);
    if (!s->m || pr_book_init(&s->book, s->n, cfg->alloc) != PR_OK) {
        sim_destroy(&s->base);
        return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    }
    for (size_t i = 0; i < s->n; i++) {
        sim_mkt *m = &s->m[i];
        m->spec = cfg->markets[i];
        const pr_instrument *in = &m->spec.inst;
        const pr_margin *mg = &m->spec.margin;
        pr_ledger_pos_init(&m->pos, in->contract_multiplier);
        if (!(mg->leverage >= 1) || !(mg->maintenance >= 0) || mg->maintenance >= 1 || !(mg->liquidation_fee >= 0)) {
            sim_destroy(&s->base);
            return pr_err_set(err, PR_EINVAL, "sim: %s: leverage must be >= 1 and maintenance in [0,1)", in->symbol);
        }
        if (mg->maintenance * mg->leverage >= 1) {
            sim_destroy(&s->base);
            return pr_err_set(err, PR_EINVAL, "sim: %s: maintenance margin %g must be below the initial margin 1/%g",
                              in->symbol, mg->maintenance, mg->leverage);
        }
        m->im = 1.0 / mg->leverage;
        m->passive = !m->spec.funding.perpetual && !(mg->maintenance > 0);
        m->outright = !m->spec.funding.perpetual &&
                      (in->asset_class == PR_ASSET_CRYPTO || in->asset_class == PR_ASSET_STOCK);
        if (m->spec.funding.n > 0 && (!m->spec.funding.ts || !m->spec.funding.rate)) {
            sim_destroy(&s->base);
            return pr_err_set(err, PR_EINVAL, "sim: %s: funding series without data", in->symbol);
        }
        /* How this instrument's quote currency becomes the account currency. */
        int rc = sim_fx_setup(s, m, cfg, err);
        if (rc != 0) {
            sim_destroy(&s->base);
            return rc;
        }
        m->plain = m->pos.mult == 1.0 && m->fx_mode == FX_FIXED && m->fx_fixed == 1.0;
        if (pr_fee_model_window(&m->spec.costs) > 0) s->track_volume = 1;
    }
    *out = &s->base;
    return PR_OK;
}

/* ---- records ------------------------------------------------------------------- */
const pr_fill *pr_sim_fills(const pr_broker *b, size_t *n) {
    const sim *s = sim_cof(b);
    if (n) *n = s ? s->led.n_fills : 0;
    return s ? s->led.fills : NULL;
}

const pr_trade *pr_sim_trades(const pr_broker *b, size_t *n) {
    const sim *s = sim_cof(b);
    if (n) *n = s ? s->led.n_trades : 0;
    return s ? s->led.trades : NULL;
}

int pr_sim_open_trade(const pr_broker *b, int inst, pr_trade *out) {
    const sim *s = sim_cof(b);
    if (!s || inst < 0 || (size_t)inst >= s->n || !out) return PR_EINVAL;
    const sim_mkt *m = &s->m[inst];
    if (!m->pos.tr_open || m->pos.qty == 0) return PR_ENOTFOUND;
    *out = m->pos.tr;
    out->entry_price = m->pos.tr_in_fills == 1 ? m->pos.tr_first_in : m->pos.tr_in_value / m->pos.tr.size;
    out->exit_price = m->pos.mark;
    out->gross_pnl += sim_unrealized(s, m);
    out->pnl = out->gross_pnl - out->fees - out->funding;
    return PR_OK;
}

size_t pr_sim_liquidations(const pr_broker *b) {
    const sim *s = sim_cof(b);
    return s ? s->n_liq : 0;
}

void pr_sim_snapshot(const pr_broker *b, double *equity, double *balance, double *gross, double *costs) {
    const sim *s = sim_cof(b);
    pr_broker_snapshot z = {NAN, NAN, NAN, NAN, NAN, NAN};
    if (s) sim_snapshot(s, &z);
    if (equity) *equity = z.equity;
    if (balance) *balance = z.balance;
    if (gross) *gross = z.gross;
    if (costs) *costs = z.costs;
}

size_t pr_sim_open_orders(const pr_broker *b) {
    const sim *s = sim_cof(b);
    if (!s) return 0;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) k += s->book.n_live[i];
    return k;
}
