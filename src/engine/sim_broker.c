/* The simulated broker: keeps orders, fills them against bars with the
 * intrabar rules of DESIGN "No look-ahead" (next-open fills, stops gapped
 * through fill at the open, the worse of stop and target first unless finer
 * bars say otherwise), charges fees, spread, slippage and funding, checks
 * margin and liquidates, and keeps the account: balance in the account
 * currency, positions with average prices, P&L converted from each
 * instrument's quote currency at the current rate, and the trade records. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"
#include "engine_internal.h"

static const pr_broker_vt k_sim_vt;

static sim *as_sim(pr_broker *b) { return b && b->vt == &k_sim_vt ? (sim *)b : NULL; }
static const sim *as_csim(const pr_broker *b) { return b && b->vt == &k_sim_vt ? (const sim *)b : NULL; }

static int sgn(double x) { return (x > 0) - (x < 0); }

/* Doubling growth, through the run's allocator when there is one (a run
 * context keeps the blocks for the next run). */
static int grow_in(sim *s, void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *np;
    if (s->alloc.alloc) {
        np = s->alloc.alloc(s->alloc.ctx, nc * elem);
        if (!np) return -1;
        if (*p) {
            memcpy(np, *p, *cap * elem);
            s->alloc.release(s->alloc.ctx, *p);
        }
    } else {
        np = realloc(*p, nc * elem);
        if (!np) return -1;
    }
    *p = np;
    *cap = nc;
    return 0;
}
#define grow(p, cap, need, elem) grow_in(s, p, cap, need, elem)

static void release_in(sim *s, void *p) {
    if (!p) return;
    if (s->alloc.release) s->alloc.release(s->alloc.ctx, p);
    else free(p);
}

/* ---- prices, rates, account ------------------------------------------------ */
static double half_spread(const sim_mkt *m, double px) {
    const pr_costs *c = &m->spec.costs;
    double hs = 0;
    if (c->spread_pips > 0) hs += c->spread_pips * m->spec.inst.pip_size / 2.0;
    if (c->spread_frac > 0) hs += c->spread_frac * px / 2.0;
    return hs;
}

static double unrealized(const sim *s, const sim_mkt *m) {
    if (m->qty == 0 || !m->has_mark) return 0;
    return m->qty * (m->mark - m->avg) * m->mult * fx_rate(s, m, m->mark);
}

static double equity_of(const sim *s) {
    double e = s->balance;
    for (size_t i = 0; i < s->n; i++) e += unrealized(s, &s->m[i]);
    return e;
}

static double used_margin(const sim *s) {
    double u = 0;
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        if (m->qty != 0 && m->has_mark) u += fabs(m->qty) * m->mark * m->mult * fx_rate(s, m, m->mark) * m->im;
    }
    return u;
}

/* ---- order bookkeeping ----------------------------------------------------- */
static int is_live(pr_order_status st) { return st == PR_OS_ACTIVE || st == PR_OS_WAITING; }

static void set_status(sim *s, sim_ord *so, pr_order_status st) {
    int was = is_live(so->o.status), now = is_live(st);
    so->o.status = st;
    s->hist[so->o.id - 1].status = (int8_t)st;
    if (was && !now) {
        s->m[so->o.instrument].n_live--;
        s->n_dead++;
    }
}

static void compact(sim *s) {
    if (s->n_dead == 0) return;
    size_t k = 0;
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_hist *h = &s->hist[s->lv[j].o.id - 1];
        if (is_live(s->lv[j].o.status)) {
            if (k != j) s->lv[k] = s->lv[j];
            h->slot = (int32_t)k++;
        } else {
            h->slot = -1;
        }
    }
    s->n_lv = k;
    s->n_dead = 0;
}

static void cancel_children(sim *s, uint64_t parent) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.status == PR_OS_WAITING && c->o.parent == parent) {
            set_status(s, c, PR_OS_CANCELLED);
            cancel_children(s, c->o.id);
        }
    }
}

static void cancel_order(sim *s, sim_ord *so) {
    if (!is_live(so->o.status)) return;
    set_status(s, so, PR_OS_CANCELLED);
    cancel_children(s, so->o.id);
}

/* Set on the bracket orders that go with a rejected entry (cancelled, not
 * rejected themselves), so a run can say where its orders went. */
static const char k_with_rejected[] = "cancelled with its rejected parent order";

static void reject_order(sim *s, sim_ord *so, const char *why) {
    so->o.reject = why;
    s->hist[so->o.id - 1].reject = why;
    for (size_t j = 0; j < s->n_lv; j++)
        if (s->lv[j].o.status == PR_OS_WAITING && s->lv[j].o.parent == so->o.id)
            s->lv[j].o.reject = s->hist[s->lv[j].o.id - 1].reject = k_with_rejected;
    if (is_live(so->o.status)) {
        set_status(s, so, PR_OS_REJECTED);
        cancel_children(s, so->o.id);
    } else {
        so->o.status = PR_OS_REJECTED;
    }
}

/* Cancels the working reduce-only orders of an instrument that became flat
 * (the other legs of a bracket: one-cancels-the-rest by position). */
static void cancel_reduce_only(sim *s, int inst) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.instrument == inst && c->o.status == PR_OS_ACTIVE && c->o.reduce_only) cancel_order(s, c);
    }
}

static void cancel_all_of(sim *s, int inst) {
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.instrument == inst && is_live(c->o.status)) cancel_order(s, c);
    }
}

/* ---- fills ------------------------------------------------------------------ */
static double fee_of(const sim_mkt *m, int side, int maker, int liquidation, double q, double px, double fx) {
    const pr_costs *c = &m->spec.costs;
    double notional = q * px * m->mult;
    double fq;
    if (liquidation) {
        fq = m->spec.margin.liquidation_fee * notional;
    } else {
        fq = (maker ? c->maker_fee : c->taker_fee) * notional;
        if (c->commission_per_share > 0) {
            double cps = c->commission_per_share * q;
            fq += cps > c->commission_min ? cps : c->commission_min;
        }
        if (side < 0) {
            fq += c->sell_fee_rate * notional;
            double t = c->sell_fee_per_share * q;
            if (c->sell_fee_max > 0 && t > c->sell_fee_max) t = c->sell_fee_max;
            fq += t;
        }
    }
    double fee = fq * fx;
    if (!liquidation && c->commission_per_100k > 0) fee += c->commission_per_100k * q * m->mult / 100000.0;
    return fee;
}

static int push_fill(sim *s, const pr_fill *f) {
    if (grow((void **)&s->fills, &s->cap_fills, s->n_fills + 1, sizeof *s->fills)) return -1;
    s->fills[s->n_fills++] = *f;
    return 0;
}

static int close_trade(sim *s, sim_mkt *m, const pr_order *closer, int64_t ts) {
    pr_trade *t = &m->tr;
    t->exit_ts = ts;
    t->entry_price = t->n_fills > 0 && m->tr_in_fills == 1 ? m->tr_first_in : m->tr_in_value / t->size;
    t->exit_price = m->tr_out_fills == 1 ? m->tr_last_out : m->tr_out_value / m->tr_out_qty;
    t->pnl = t->gross_pnl - t->fees - t->funding;
    t->exit_role = closer->role;
    t->exit_why = closer->why;
    if (grow((void **)&s->trades, &s->cap_trades, s->n_trades + 1, sizeof *s->trades)) return -1;
    s->trades[s->n_trades++] = *t;
    m->tr_open = 0;
    return 0;
}

/* Zeroing by copy: a constant-size memset this large becomes `rep stos`,
 * slow to start for a record made at every entry. */
static const pr_trade k_no_trade;

static void open_trade(sim_mkt *m, int inst, int side, const pr_order *opener, int64_t ts) {
    m->tr = k_no_trade;
    m->tr.instrument = inst;
    m->tr.side = side;
    m->tr.entry_ts = ts;
    m->tr.exit_ts = PR_TIME_NONE;
    memcpy(m->tr.tag, opener->tag, sizeof m->tr.tag);
    m->tr.entry_why = opener->why;
    m->tr_open = 1;
    m->tr_in_value = m->tr_out_value = m->tr_out_qty = 0;
    m->tr_in_fills = m->tr_out_fills = 0;
}

/* Quantity an entry order asks for at fill price px, capped by margin
 * (*asked: before the cap). */
static double entry_qty(const sim *s, const sim_mkt *m, const pr_order *o, double px, double fx, int maker,
                        double *asked) {
    double unit = px * m->mult * fx;                       /* account money per unit */
    double fee_rate = maker ? m->spec.costs.maker_fee : m->spec.costs.taker_fee;
    double q;
    switch (o->qty_mode) {
    case PR_QTY_NOTIONAL: q = o->qty / unit; break;
    case PR_QTY_CASH: q = o->qty / (unit * (m->im + fee_rate)); break;
    case PR_QTY_RISK: {
        double dist = fabs(px - o->stop_price) * m->mult * fx;
        q = dist > 0 ? o->qty / dist : 0;
        break;
    }
    default: q = o->qty; break;
    }
    *asked = q;
    /* Never more than the available money covers (initial margin + fees). */
    double avail = equity_of(s) - used_margin(s);
    double cap = avail > 0 ? avail / (unit * (m->im + fee_rate)) : 0;
    if (m->qty != 0 && sgn(m->qty) != o->side) cap += fabs(m->qty);  /* the closing part frees margin */
    return q > cap ? cap : q;
}

/* Why an entry of `q` units (rounded to the lot; `capped` before rounding,
 * `asked` before the margin cap) cannot be placed at px, or NULL when it can.
 * Each cause has its own text: a run whose orders all vanish says which. */
static const char *entry_reject(const pr_instrument *in, double px, double asked, double capped, double q) {
    if (!(capped > 0)) return "no money left for the initial margin and fees";
    if (q > 0 && pr_instrument_check_order(in, px, q, NULL) == 0) return NULL;
    /* The margin is to blame only when the uncapped quantity would pass. */
    double qa = in->lot_step > 0 ? pr_instrument_round_qty(in, asked) : asked;
    int short_of_money = capped < asked && qa > 0 && pr_instrument_check_order(in, px, qa, NULL) == 0;
    if (!(q > 0))
        return short_of_money ? "the money left for the margin buys less than one lot"
                              : "quantity rounds to zero at the instrument's lot step (size below one lot)";
    if (q < in->min_qty * (1 - 1e-9))
        return short_of_money ? "the money left for the margin buys less than the minimum quantity"
                              : "quantity below the instrument's minimum quantity";
    return short_of_money ? "the money left for the margin buys less than the minimum notional"
                          : "order value below the instrument's minimum notional";
}

/* Fills order `oi` at exec price px (ref: price before spread and slippage:
 * the mid, or with ref_quoted the price on the order's side of the book, as
 * for a stop that triggers and fills where the bid or ask trades it).
 * limits_from: when the order's children that are limits may first fill. */
static int do_fill(sim *s, size_t oi, double px, double ref, int maker, int ref_quoted, int64_t ts,
                   int64_t limits_from, pr_err *err) {
    sim_ord *so = &s->lv[oi];
    pr_order *o = &so->o;
    sim_mkt *m = &s->m[o->instrument];
    const pr_instrument *in = &m->spec.inst;
    int liquidation = o->role == PR_ROLE_LIQUIDATION;
    int64_t at = s->rec_ts != PR_TIME_NONE ? s->rec_ts : ts;   /* the record's time */
    double fx = fx_rate(s, m, px);
    if (!(fx > 0) || !isfinite(fx)) { reject_order(s, so, "no conversion rate to the account currency yet"); return 0; }
    double pos = m->qty;
    double q;
    if (o->reduce_only || o->qty_mode == PR_QTY_CLOSE) {
        if (pos == 0 || sgn(pos) == o->side) { cancel_order(s, so); return 0; }
        q = o->qty_mode == PR_QTY_CLOSE ? fabs(pos) : (o->qty < fabs(pos) ? o->qty : fabs(pos));
    } else {
        double asked;
        q = entry_qty(s, m, o, px, fx, maker, &asked);
        if (m->spec.margin.no_short && o->side < 0) {
            double allowed = pos > 0 ? pos : 0;
            if (q > allowed) q = allowed;
            if (q <= 0) { reject_order(s, so, "short selling not allowed"); return 0; }
            if (asked > allowed) asked = allowed;
        }
        double capped = q;
        if (in->lot_step > 0) q = pr_instrument_round_qty(in, q);
        const char *why = entry_reject(in, px, asked, capped, q);
        if (why) {
            reject_order(s, so, why);
            return 0;
        }
    }
    double fee = fee_of(m, o->side, maker, liquidation, q, px, fx);
    double hs = liquidation ? 0 : half_spread(m, ref);
    double spread_cost = q * hs * m->mult * fx;
    double slip_cost =
        maker || liquidation ? 0 : q * fabs(px - (ref_quoted ? ref : ref + o->side * hs)) * m->mult * fx;

    double close_q = pos != 0 && sgn(pos) != o->side ? (q < fabs(pos) ? q : fabs(pos)) : 0;
    double open_q = q - close_q;
    double realized = 0;
    if (close_q > 0) {
        realized = close_q * (px - m->avg) * sgn(pos) * m->mult * fx;
        double share = close_q / q;
        pr_trade *t = &m->tr;
        t->gross_pnl += realized;
        t->fees += fee * share;
        t->spread_cost += spread_cost * share;
        t->slippage_cost += slip_cost * share;
        t->n_fills++;
        m->tr_out_value += close_q * px;
        m->tr_out_qty += close_q;
        m->tr_out_fills++;
        m->tr_last_out = px;
        m->qty = close_q == fabs(pos) ? 0.0 : pos + o->side * close_q;
        if (m->qty == 0) {
            m->avg = 0;
            s->balance += realized - fee * share;
            if (close_trade(s, m, o, at)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
        } else {
            s->balance += realized - fee * share;
        }
    }
    if (open_q > 0) {
        double share = open_q / q;
        if (m->qty == 0) {
            open_trade(m, o->instrument, o->side, o, at);
            m->avg = px;
            m->qty = o->side * open_q;
        } else {
            double aq = fabs(m->qty);
            m->avg = (aq * m->avg + open_q * px) / (aq + open_q);
            m->qty += o->side * open_q;
        }
        pr_trade *t = &m->tr;
        t->size += open_q;
        t->fees += fee * share;
        t->spread_cost += spread_cost * share;
        t->slippage_cost += slip_cost * share;
        t->entry_notional += open_q * px * m->mult * fx;
        t->n_fills++;
        m->tr_in_value += open_q * px;
        if (m->tr_in_fills++ == 0) m->tr_first_in = px;
        s->balance -= fee * share;
    }
    m->mark = ref;   /* the market's price, not ours after spread and slippage */
    m->has_mark = 1;
    s->costs += fee + spread_cost + slip_cost;
    if ((pos == 0) != (m->qty == 0)) {
        if (m->qty == 0) s->n_open--;
        else s->n_open++;
    }

    pr_fill f = {.order_id = o->id, .instrument = o->instrument, .side = o->side, .role = o->role,
                 .maker = maker, .ts = at, .qty = q, .price = px, .ref_price = ref, .fee = fee,
                 .spread_cost = spread_cost, .slippage_cost = slip_cost, .fx = fx, .realized = realized};
    if (push_fill(s, &f)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    o->filled_qty = q;
    o->avg_price = px;
    s->hist[o->id - 1].filled_qty = q;
    s->hist[o->id - 1].avg_price = px;
    set_status(s, so, PR_OS_FILLED);

    /* Children of this order start working. */
    for (size_t j = 0; j < s->n_lv; j++) {
        sim_ord *c = &s->lv[j];
        if (c->o.status != PR_OS_WAITING || c->o.parent != o->id) continue;
        if (c->o.qty_mode == PR_QTY_PARENT_FRAC) {
            double cq = c->o.qty * q;
            if (in->lot_step > 0) cq = pr_instrument_round_qty(in, cq);
            c->o.qty_mode = PR_QTY_UNITS;
            c->o.qty = cq;
            if (!(cq > 0)) { reject_order(s, c, "take-profit tier rounds to zero quantity"); continue; }
        }
        c->o.status = PR_OS_ACTIVE;
        c->o.submitted = o->submitted;
        if (c->o.type == PR_ORDER_STOP && m->tr_open && m->tr.risk == 0 && o->role == PR_ROLE_ENTRY)
            m->tr.risk = fabs(px - c->o.stop_price) * q * m->mult * fx;
        c->live_from = c->o.type == PR_ORDER_LIMIT ? limits_from : ts;
    }
    if (o->oco) {
        for (size_t j = 0; j < s->n_lv; j++) {
            sim_ord *c = &s->lv[j];
            if (c != so && c->o.oco == o->oco && is_live(c->o.status)) cancel_order(s, c);
        }
    }
    if (m->qty == 0) cancel_reduce_only(s, o->instrument);
    return PR_OK;
}

/* Taker execution price from a reference price: half the spread and the
 * slippage, both against the order. */
static double taker_px(const sim_mkt *m, int side, double ref) {
    double p = ref + side * half_spread(m, ref);
    return p * (1.0 + side * m->spec.costs.slippage);
}

/* Execution price of a stop traded inside a bar. It triggers when the price
 * on its side of the book (the ask for a buy, the bid for a sell) reaches
 * it, so it fills at the stop plus slippage: the spread is already in the
 * trigger and is not charged a second time. */
static double stop_px(const sim_mkt *m, int side, double stop) {
    return stop * (1.0 + side * m->spec.costs.slippage);
}

/* ---- funding and liquidation ------------------------------------------------- */
static void pay_funding(sim *s, sim_mkt *m, double px, double rate) {
    double pay = m->qty * px * rate * m->mult * fx_rate(s, m, px);
    s->balance -= pay;
    s->costs += pay;
    if (m->tr_open) m->tr.funding += pay;
}

/* The first multiple of iv at or after t. */
static int64_t ceil_to(int64_t t, int64_t iv) {
    return (t >= 0 ? (t + iv - 1) / iv : -((-t) / iv)) * iv;
}

static int64_t fund_iv(const pr_funding *fd) { return fd->interval_ms > 0 ? fd->interval_ms : 8 * PR_MS_PER_HOUR; }

/* A funding time of a series to the nearest minute: venues stamp the
 * settlement with a few milliseconds of jitter (08:00:00.001), which must
 * not put it inside the bar that opens at 08:00 instead of at its start. */
static int64_t fund_time(int64_t t) {
    int64_t q = t + PR_MS_PER_MIN / 2;
    int64_t r = q % PR_MS_PER_MIN;
    return q - (r < 0 ? r + PR_MS_PER_MIN : r);
}

/* Funding due before this bar's open that no earlier bar covered (the data
 * has a gap there). A position held across the gap still owes it, charged
 * at the first price after it, this bar's open; runs before the open's fills. */
static void charge_gap_funding(sim *s, sim_mkt *m, int64_t t0, double px) {
    const pr_funding *fd = &m->spec.funding;
    if (!fd->perpetual) return;
    if (fd->n > 0) {
        for (; m->fund_idx < fd->n && fund_time(fd->ts[m->fund_idx]) < t0; m->fund_idx++)
            if (m->qty != 0) pay_funding(s, m, px, fd->rate[m->fund_idx]);
        return;
    }
    if (m->qty == 0 || !m->fund_started) return;
    int64_t iv = fund_iv(fd);
    for (int64_t t = m->fund_next; t < t0; t += iv) pay_funding(s, m, px, fd->rate_default);
}

/* Funding due in [t0, t1), a piece of a bar during which the position does
 * not change (its start is the funding time: the piece's fills at the open
 * have happened), at px, the price at t0. */
static void charge_funding(sim *s, sim_mkt *m, int64_t t0, int64_t t1, double px) {
    const pr_funding *fd = &m->spec.funding;
    if (!fd->perpetual) return;
    if (fd->n > 0) {
        while (m->fund_idx < fd->n && fund_time(fd->ts[m->fund_idx]) < t0) m->fund_idx++;
        for (; m->fund_idx < fd->n && fund_time(fd->ts[m->fund_idx]) < t1; m->fund_idx++)
            if (m->qty != 0) pay_funding(s, m, px, fd->rate[m->fund_idx]);
        return;
    }
    int64_t iv = fund_iv(fd);
    for (int64_t t = ceil_to(t0, iv); t < t1 && m->qty != 0; t += iv) pay_funding(s, m, px, fd->rate_default);
    m->fund_next = ceil_to(t1, iv);
    m->fund_started = 1;
}

/* The first funding time after t and before end; INT64_MAX when none. */
static int64_t next_funding(const sim_mkt *m, int64_t t, int64_t end) {
    const pr_funding *fd = &m->spec.funding;
    if (!fd->perpetual) return INT64_MAX;
    if (fd->n > 0) {
        for (size_t i = m->fund_idx; i < fd->n; i++) {
            int64_t te = fund_time(fd->ts[i]);
            if (te >= end) break;
            if (te > t) return te;
        }
        return INT64_MAX;
    }
    int64_t g = ceil_to(t + 1, fund_iv(fd));
    return g < end ? g : INT64_MAX;
}

static int push_hist(sim *s, const pr_order *o, int32_t slot) {
    if (grow((void **)&s->hist, &s->cap_hist, s->n_hist + 1, sizeof *s->hist)) return -1;
    sim_hist *h = &s->hist[s->n_hist++];
    h->filled_qty = o->filled_qty;
    h->avg_price = o->avg_price;
    h->reject = o->reject;
    h->slot = slot;
    h->instrument = o->instrument;
    h->status = (int8_t)o->status;
    h->side = (int8_t)o->side;
    h->type = (int8_t)o->type;
    h->role = (int8_t)o->role;
    return 0;
}

static int add_internal_order(sim *s, int inst, int side, pr_order_role role, int64_t now, size_t *oi) {
    if (grow((void **)&s->lv, &s->cap_lv, s->n_lv + 1, sizeof *s->lv)) return -1;
    sim_ord *so = &s->lv[s->n_lv];
    memset(so, 0, sizeof *so);
    pr_order_init(&so->o, inst, side, PR_ORDER_MARKET, role);
    so->o.qty_mode = PR_QTY_CLOSE;
    so->o.reduce_only = 1;
    so->o.id = s->n_hist + 1;
    so->o.submitted = now;
    so->o.status = PR_OS_ACTIVE;
    so->live_from = now;
    if (push_hist(s, &so->o, (int32_t)s->n_lv)) return -1;
    s->m[inst].n_live++;
    *oi = s->n_lv++;
    return 0;
}

/* Cross margin: liquidates inst when equity at its adverse extreme falls
 * below the maintenance requirement, at the price where they meet (or the
 * open when the bar opened beyond it). */
static int check_liquidation(sim *s, int inst, int64_t ts, double o, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    double mm = m->spec.margin.maintenance;
    if (!(mm > 0) || m->qty == 0) return PR_OK;
    double q = m->qty, aq = fabs(q);
    double worst = q > 0 ? l : h;
    double uo = 0, mo = 0;
    for (size_t j = 0; j < s->n; j++) {
        if ((int)j == inst) continue;
        const sim_mkt *x = &s->m[j];
        uo += unrealized(s, x);
        if (x->qty != 0 && x->has_mark)
            mo += fabs(x->qty) * x->mark * x->mult * fx_rate(s, x, x->mark) * x->spec.margin.maintenance;
    }
    double k = fx_rate(s, m, o);
    double eq_w = s->balance + uo + q * (worst - m->avg) * m->mult * k;
    double mt_w = mo + aq * worst * m->mult * k * mm;
    if (eq_w >= mt_w) return PR_OK;
    double eq_o = s->balance + uo + q * (o - m->avg) * m->mult * k;
    double mt_o = mo + aq * o * m->mult * k * mm;
    double p;
    if (eq_o < mt_o) {
        p = o;
    } else {
        /* balance + uo + q (p - avg) mult k = mo + |q| p mult k mm, linear in p */
        p = (mo - uo - s->balance + q * m->avg * m->mult * k) / (m->mult * k * (q - aq * mm));
        if (p > h) p = h;
        if (p < l) p = l;
    }
    cancel_all_of(s, inst);
    size_t oi;
    if (add_internal_order(s, inst, q > 0 ? -1 : 1, PR_ROLE_LIQUIDATION, ts, &oi))
        return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    static const char *const liq_fmt = "liquidated: equity below maintenance margin at %.10g";
    s->lv[oi].o.why.fmt = liq_fmt;
    s->lv[oi].o.why.args[0] = p;
    s->n_liq++;
    return do_fill(s, oi, p, p, 0, 0, ts, ts, err);
}

/* ---- the intrabar walk --------------------------------------------------------- */
static int eligible(const sim_ord *so, int inst, int64_t ts) {
    return so->o.instrument == inst && so->o.status == PR_OS_ACTIVE && so->o.submitted <= ts && so->live_from <= ts;
}

/* At the open: market orders, and stops/limits the open already crossed. */
static int phase_open(sim *s, int inst, int64_t ts, double o, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    double hs = half_spread(m, o);
    int changed = 1, rc;
    while (changed) {
        changed = 0;
        for (size_t j = 0; j < s->n_lv; j++) {
            size_t oi = j;
            sim_ord *so = &s->lv[oi];
            if (!eligible(so, inst, ts)) continue;
            pr_order *od = &so->o;
            int side = od->side;
            double quote = o + side * hs;          /* ask for buys, bid for sells */
            int fill = 0, maker = 0;
            double px = 0, ref = o;
            switch (od->type) {
            case PR_ORDER_MARKET:
                fill = 1;
                break;
            case PR_ORDER_STOP:
                fill = side > 0 ? quote >= od->stop_price : quote <= od->stop_price;
                break;
            case PR_ORDER_STOP_LIMIT:
            case PR_ORDER_LIMIT:
                /* A stop-limit gapped through at the open becomes a limit. */
                if (od->type == PR_ORDER_STOP_LIMIT && !od->triggered)
                    od->triggered = side > 0 ? quote >= od->stop_price : quote <= od->stop_price;
                if (od->type == PR_ORDER_STOP_LIMIT && !od->triggered) break;
                if (side > 0 ? quote <= od->limit_price : quote >= od->limit_price) {
                    fill = 1;
                    maker = 1;
                    px = quote;
                }
                break;
            }
            if (!fill) continue;
            if (!maker) px = taker_px(m, side, ref);
            if ((rc = do_fill(s, oi, px, ref, maker, 0, ts, ts, err)) != 0) return rc;
            changed = 1;
        }
    }
    return PR_OK;
}

/* Protective stops of the open position against [l, h]: the worse case. */
static int phase_stops(sim *s, int inst, int64_t ts, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (;;) {
        int ps = sgn(m->qty);
        if (ps == 0) return PR_OK;
        size_t best = (size_t)-1;
        double best_stop = 0;
        for (size_t j = 0; j < s->n_lv; j++) {
            sim_ord *so = &s->lv[j];
            if (!eligible(so, inst, ts) || !so->o.reduce_only || so->o.side != -ps) continue;
            if (so->o.type != PR_ORDER_STOP && so->o.type != PR_ORDER_STOP_LIMIT) continue;
            double st = so->o.stop_price;
            double hs = half_spread(m, st);
            int hit = ps > 0 ? l - hs <= st : h + hs >= st;
            if (!hit) continue;
            /* The first one the price meets: highest sell stop, lowest buy stop. */
            if (best == (size_t)-1 || (ps > 0 ? st > best_stop : st < best_stop)) {
                best = j;
                best_stop = st;
            }
        }
        if (best == (size_t)-1) return PR_OK;
        pr_order *od = &s->lv[best].o;
        double px = stop_px(m, od->side, best_stop);
        if (od->type == PR_ORDER_STOP_LIMIT && (od->side > 0 ? px > od->limit_price : px < od->limit_price)) {
            od->triggered = 1;   /* limit not reachable now: rests as a limit */
            od->type = PR_ORDER_LIMIT;
            continue;
        }
        int rc = do_fill(s, best, px, best_stop, 0, 1, ts, ts, err);
        if (rc != 0) return rc;
    }
}

/* Take-profits (reduce-only limits) of the open position. */
static int phase_targets(sim *s, int inst, int64_t ts, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (;;) {
        int ps = sgn(m->qty);
        if (ps == 0) return PR_OK;
        size_t best = (size_t)-1;
        double best_px = 0;
        for (size_t j = 0; j < s->n_lv; j++) {
            sim_ord *so = &s->lv[j];
            if (!eligible(so, inst, ts) || !so->o.reduce_only || so->o.side != -ps) continue;
            if (so->o.type != PR_ORDER_LIMIT) continue;
            double lp = so->o.limit_price;
            double hs = half_spread(m, lp);
            int hit = ps > 0 ? h - hs >= lp : l + hs <= lp;
            if (!hit) continue;
            if (best == (size_t)-1 || (ps > 0 ? lp < best_px : lp > best_px)) {
                best = j;
                best_px = lp;
            }
        }
        if (best == (size_t)-1) return PR_OK;
        int rc = do_fill(s, best, best_px, best_px, 1, 0, ts, ts, err);
        if (rc != 0) return rc;
    }
}

/* Other working stops and limits (entries), in submission order. */
static int phase_entries(sim *s, int inst, int64_t ts, int64_t piece_ms, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (size_t j = 0; j < s->n_lv; j++) {
        size_t oi = j;
        sim_ord *so = &s->lv[oi];
        if (!eligible(so, inst, ts) || so->o.reduce_only) continue;
        pr_order *od = &so->o;
        int side = od->side;
        int fill = 0, maker = 0;
        double px = 0, ref = 0;
        if (od->type == PR_ORDER_STOP || (od->type == PR_ORDER_STOP_LIMIT && !od->triggered)) {
            double hs = half_spread(m, od->stop_price);
            int hit = side > 0 ? h + hs >= od->stop_price : l - hs <= od->stop_price;
            if (!hit) continue;
            ref = od->stop_price;
            px = stop_px(m, side, ref);
            if (od->type == PR_ORDER_STOP_LIMIT) {
                od->triggered = 1;
                /* Marketable at the trigger: fills there, never beyond the limit.
                 * Otherwise it rests as a limit from the next bar (we cannot
                 * know whether the price came back inside this one). */
                if (side > 0 ? od->limit_price < ref : od->limit_price > ref) {
                    so->live_from = ts + piece_ms;
                    continue;
                }
                if (side > 0 ? px > od->limit_price : px < od->limit_price) px = od->limit_price;
            }
            fill = 1;
        } else if (od->type == PR_ORDER_LIMIT || od->type == PR_ORDER_STOP_LIMIT) {
            double hs = half_spread(m, od->limit_price);
            int hit = side > 0 ? l + hs <= od->limit_price : h - hs >= od->limit_price;
            if (!hit) continue;
            fill = 1;
            maker = 1;
            px = ref = od->limit_price;
        }
        if (!fill) continue;
        int rc = do_fill(s, oi, px, ref, maker, !maker, ts, ts + piece_ms, err);
        if (rc != 0) return rc;
        /* A stop attached to this entry meets the rest of the bar: the worse case. */
        if ((rc = phase_stops(s, inst, ts, h, l, err)) != 0) return rc;
    }
    return PR_OK;
}

/* The open of a piece of a bar starting at ts: funding due in a gap of the
 * data before it (first piece only), the orders its open fills, then the
 * funding due in [ts, t1) on the position after them, at the open. */
static int piece_open(sim *s, int inst, int64_t ts, int64_t t1, double o, int first, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int rc;
    if (first) charge_gap_funding(s, m, ts, o);
    if (m->n_live && (rc = phase_open(s, inst, ts, o, err)) != 0) return rc;
    charge_funding(s, m, ts, t1, o);
    return PR_OK;
}

/* The rest of a piece: stops, targets, entries against [l, h], then
 * liquidation. Limits that become active inside it wait rest_ms (the end
 * of the bar or finer bar the piece belongs to). */
static int piece_rest(sim *s, int inst, int64_t ts, int64_t rest_ms, double o, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int rc;
    if (m->n_live) {
        if ((rc = phase_stops(s, inst, ts, h, l, err)) != 0) return rc;
        if ((rc = phase_targets(s, inst, ts, h, l, err)) != 0) return rc;
        if ((rc = phase_entries(s, inst, ts, rest_ms, h, l, err)) != 0) return rc;
    }
    return check_liquidation(s, inst, ts, o, h, l, err);
}

/* ---- the path inside a bar ------------------------------------------------------ */
/* A bar (or finer bar) with a funding time inside is cut there, so that the
 * funding meets the position held at that time. Without finer data the
 * prices inside follow an assumed path: from the open to the extreme
 * against the position held after the open's fills (low first for a long,
 * high first for a short: the worse case, as the stop-before-target rule
 * assumes; flat: low first on a rising bar, high first on a falling one),
 * then to the other extreme, then to the close, at constant speed. */
typedef struct bar_path {
    double p[4];             /* open, first extreme, second extreme, close */
    double d[4];             /* distance travelled when each is reached     */
} bar_path;

static void path_init(bar_path *bp, int side, double o, double h, double l, double c) {
    int low_first = side > 0 || (side == 0 && c >= o);
    bp->p[0] = o;
    bp->p[1] = low_first ? l : h;
    bp->p[2] = low_first ? h : l;
    bp->p[3] = c;
    bp->d[0] = 0;
    for (int k = 1; k < 4; k++) bp->d[k] = bp->d[k - 1] + fabs(bp->p[k] - bp->p[k - 1]);
}

/* The price at fraction u of the bar's time. */
static double path_at(const bar_path *bp, double u) {
    double x = u * bp->d[3];
    for (int k = 1; k < 4; k++) {
        if (x > bp->d[k] && k < 3) continue;
        double seg = bp->d[k] - bp->d[k - 1];
        if (!(seg > 0)) return bp->p[k];
        double f = (x - bp->d[k - 1]) / seg;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        return bp->p[k - 1] + (bp->p[k] - bp->p[k - 1]) * f;
    }
    return bp->p[3];
}

/* One bar or finer bar [ts, ts + ms), cut at the funding times inside it.
 * Fills in any of its parts are recorded at ts, the open time of the bar
 * they filled in. */
static int walk_piece(sim *s, int inst, int64_t ts, int64_t ms, double o, double h, double l, double c, int first,
                      pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int64_t end = ts + ms;
    int64_t g = next_funding(m, ts, end);
    int rc = piece_open(s, inst, ts, g == INT64_MAX ? end : g, o, first, err);
    if (rc != 0) return rc;
    if (g == INT64_MAX) return piece_rest(s, inst, ts, ms, o, h, l, err);
    bar_path bp;
    path_init(&bp, sgn(m->qty), o, h, l, c);
    s->rec_ts = ts;
    int64_t a = ts;
    double pa = o;
    for (;;) {
        int64_t b = g == INT64_MAX ? end : g;
        double ua = (double)(a - ts) / (double)ms, ub = (double)(b - ts) / (double)ms;
        double pb = b == end ? c : path_at(&bp, ub);
        double hi = pa > pb ? pa : pb, lo = pa < pb ? pa : pb;
        for (int k = 1; k < 3; k++) {
            double uk = bp.d[3] > 0 ? bp.d[k] / bp.d[3] : 0;
            if (uk < ua || uk > ub) continue;
            if (bp.p[k] > hi) hi = bp.p[k];
            if (bp.p[k] < lo) lo = bp.p[k];
        }
        if (a != ts && (rc = piece_open(s, inst, a, b, pa, 0, err)) != 0) break;
        if ((rc = piece_rest(s, inst, a, end - a, pa, hi, lo, err)) != 0) break;
        m->mark = pb;
        m->has_mark = 1;
        if (b == end) break;
        a = b;
        pa = pb;
        g = next_funding(m, a, end);
    }
    s->rec_ts = PR_TIME_NONE;
    return rc;
}

int pr_sim_process_bar(pr_broker *b, int inst, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                       size_t n_fine, int64_t fine_ms, pr_err *err) {
    sim *s = as_sim(b);
    if (!s || !bar || inst < 0 || (size_t)inst >= s->n)
        return pr_err_set(err, PR_EINVAL, "pr_sim_process_bar: bad broker, bar or instrument");
    sim_mkt *m = &s->m[inst];
    if (m->n_live == 0 && (m->qty == 0 || m->passive)) {
        m->mark = bar->close;
        m->has_mark = 1;
        return PR_OK;
    }
    int rc;
    /* Expired orders go before the bar starts. */
    if (m->n_live) {
        for (size_t j = 0; j < s->n_lv; j++) {
            sim_ord *so = &s->lv[j];
            if (so->o.instrument == inst && is_live(so->o.status) && so->o.expire && so->o.expire <= bar->ts)
                cancel_order(s, so);
        }
    }
    /* Finer bars settle the order of fills, and give a perpetual's price at
     * each funding time inside the bar. */
    int use_fine = 0;
    if (fine && n_fine > 0 && fine_ms > 0 && (m->n_live || m->spec.funding.perpetual) &&
        (int64_t)n_fine * fine_ms == bar_ms && fine[0].ts == bar->ts) {
        use_fine = 1;
        for (size_t k = 1; k < n_fine; k++)
            if (fine[k].ts != fine[k - 1].ts + fine_ms) { use_fine = 0; break; }
    }
    if (use_fine) {
        for (size_t k = 0; k < n_fine; k++) {
            const pr_bar *f = &fine[k];
            double o = k == 0 ? bar->open : f->open;
            if ((rc = walk_piece(s, inst, f->ts, fine_ms, o, f->high, f->low, f->close, k == 0, err)) != 0) return rc;
            m->mark = f->close;
            m->has_mark = 1;
        }
    } else {
        if ((rc = walk_piece(s, inst, bar->ts, bar_ms, bar->open, bar->high, bar->low, bar->close, 1, err)) != 0)
            return rc;
    }
    m->mark = bar->close;
    m->has_mark = 1;
    if (s->n_dead > 32 || (s->n_dead && s->n_dead * 2 > s->n_lv)) compact(s);
    return PR_OK;
}

int pr_sim_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades) {
    sim *s = as_sim(b);
    if (!s) return PR_EINVAL;
    if (grow((void **)&s->hist, &s->cap_hist, orders, sizeof *s->hist) ||
        grow((void **)&s->fills, &s->cap_fills, fills, sizeof *s->fills) ||
        grow((void **)&s->trades, &s->cap_trades, trades, sizeof *s->trades))
        return PR_ENOMEM;
    return PR_OK;
}

void pr_sim_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades) {
    const sim *s = as_csim(b);
    *orders = s ? s->n_hist : 0;
    *fills = s ? s->n_fills : 0;
    *trades = s ? s->n_trades : 0;
}

void pr_sim_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades) {
    sim *s = as_sim(b);
    *fills = s ? s->fills : NULL;
    *n_fills = s ? s->n_fills : 0;
    *trades = s ? s->trades : NULL;
    *n_trades = s ? s->n_trades : 0;
    if (!s) return;
    s->fills = NULL;
    s->trades = NULL;
    s->n_fills = s->cap_fills = s->n_trades = s->cap_trades = 0;
}

int pr_sim_mark(pr_broker *b, int inst, double price) {
    sim *s = as_sim(b);
    if (!s || inst < 0 || (size_t)inst >= s->n) return PR_EINVAL;
    s->m[inst].mark = price;
    s->m[inst].has_mark = 1;
    return PR_OK;
}

/* ---- vtable ------------------------------------------------------------------ */
static int sim_submit(pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    sim *s = as_sim(b);
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
    compact(s);
    if (grow((void **)&s->lv, &s->cap_lv, s->n_lv + 1, sizeof *s->lv))
        return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    /* Prices on the tick grid (a venue would refuse anything else). */
    if (in->tick_size > 0) {
        if (o->limit_price > 0) o->limit_price = pr_instrument_round_price(in, o->limit_price);
        if (o->stop_price > 0) o->stop_price = pr_instrument_round_price(in, o->stop_price);
    }
    o->id = s->n_hist + 1;
    o->submitted = now;
    o->filled_qty = 0;
    o->avg_price = 0;
    o->triggered = 0;
    o->reject = NULL;
    o->status = PR_OS_ACTIVE;
    if (o->qty_mode == PR_QTY_UNITS && in->lot_step > 0) o->qty = pr_instrument_round_qty(in, o->qty);
    if (o->qty_mode == PR_QTY_UNITS) {
        double ref = o->limit_price > 0 ? o->limit_price : o->stop_price > 0 ? o->stop_price : m->mark;
        if (!(o->qty > 0) || (ref > 0 && !o->reduce_only && pr_instrument_check_order(in, ref, o->qty, NULL) != 0)) {
            o->status = PR_OS_REJECTED;
            o->reject = "quantity below the instrument's minimum (lot, quantity or notional)";
        }
    }
    if (o->status == PR_OS_ACTIVE && !o->reduce_only && o->side < 0 && m->spec.margin.no_short && m->qty <= 0 &&
        o->parent == 0) {
        o->status = PR_OS_REJECTED;
        o->reject = "short selling not allowed";
    }
    if (o->status == PR_OS_ACTIVE && o->parent) {
        if (o->parent > s->n_hist) return pr_err_set(err, PR_EINVAL, "sim: unknown parent order %llu",
                                                      (unsigned long long)o->parent);
        pr_order_status ps = (pr_order_status)s->hist[o->parent - 1].status;
        if (ps == PR_OS_FILLED) {
            if (o->qty_mode == PR_QTY_PARENT_FRAC) {
                double cq = o->qty * s->hist[o->parent - 1].filled_qty;
                if (in->lot_step > 0) cq = pr_instrument_round_qty(in, cq);
                o->qty_mode = PR_QTY_UNITS;
                o->qty = cq;
            }
        } else if (is_live(ps)) {
            o->status = PR_OS_WAITING;
        } else {
            o->status = PR_OS_CANCELLED;
        }
    }
    int live = is_live(o->status);
    if (push_hist(s, o, live ? (int32_t)s->n_lv : -1)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    if (live) {
        sim_ord *so = &s->lv[s->n_lv++];
        so->o = *o;
        so->live_from = PR_TIME_NONE;
        m->n_live++;
    }
    return PR_OK;
}

static sim_ord *live_order(sim *s, uint64_t id) {
    if (id == 0 || id > s->n_hist || s->hist[id - 1].slot < 0) return NULL;
    return &s->lv[s->hist[id - 1].slot];
}

static int sim_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    sim *s = as_sim(b);
    if (!s || id == 0 || id > s->n_hist) return pr_err_set(err, PR_ENOTFOUND, "sim: no order %llu", (unsigned long long)id);
    sim_ord *so = live_order(s, id);
    if (so) cancel_order(s, so);
    return PR_OK;
}

static int sim_amend(pr_broker *b, uint64_t id, double limit_price, double stop_price,
                     const pr_order_role *role, const pr_reason *why, pr_err *err) {
    sim *s = as_sim(b);
    if (!s || id == 0 || id > s->n_hist) return pr_err_set(err, PR_ENOTFOUND, "sim: no order %llu", (unsigned long long)id);
    sim_ord *so = live_order(s, id);
    if (!so || !is_live(so->o.status))
        return pr_err_set(err, PR_ESTATE, "sim: order %llu is %s", (unsigned long long)id,
                          pr_order_status_name((pr_order_status)s->hist[id - 1].status));
    pr_order *o = &so->o;
    const pr_instrument *in = &s->m[o->instrument].spec.inst;
    if (limit_price > 0) o->limit_price = in->tick_size > 0 ? pr_instrument_round_price(in, limit_price) : limit_price;
    if (stop_price > 0) o->stop_price = in->tick_size > 0 ? pr_instrument_round_price(in, stop_price) : stop_price;
    if (role) {
        o->role = *role;
        s->hist[id - 1].role = (int8_t)*role;
    }
    if (why) o->why = *why;
    return PR_OK;
}

static int sim_get_order(pr_broker *b, uint64_t id, pr_order *out) {
    sim *s = as_sim(b);
    if (!s || id == 0 || id > s->n_hist || !out) return PR_ENOTFOUND;
    const sim_ord *so = live_order(s, id);
    if (so) {
        *out = so->o;
        return PR_OK;
    }
    const sim_hist *h = &s->hist[id - 1];
    pr_order_init(out, h->instrument, h->side, (pr_order_type)h->type, (pr_order_role)h->role);
    out->id = id;
    out->status = (pr_order_status)h->status;
    out->filled_qty = h->filled_qty;
    out->avg_price = h->avg_price;
    out->reject = h->reject;
    return PR_OK;
}

static int sim_get_position(pr_broker *b, int inst, pr_position *out) {
    sim *s = as_sim(b);
    if (!s || inst < 0 || (size_t)inst >= s->n || !out) return PR_EINVAL;
    const sim_mkt *m = &s->m[inst];
    out->instrument = inst;
    out->qty = m->qty;
    out->avg_price = m->avg;
    out->entry_ts = m->tr_open ? m->tr.entry_ts : PR_TIME_NONE;
    out->mark = m->mark;
    out->unrealized = unrealized(s, m);
    return PR_OK;
}

static int sim_get_account(pr_broker *b, pr_account *out) {
    sim *s = as_sim(b);
    if (!s || !out) return PR_EINVAL;
    memset(out, 0, sizeof *out);
    memcpy(out->ccy, s->ccy, sizeof out->ccy);
    out->balance = s->balance;
    double u = 0, g = 0;
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        u += unrealized(s, m);
        if (m->qty != 0 && m->has_mark) g += fabs(m->qty) * m->mark * m->mult * fx_rate(s, m, m->mark);
    }
    out->unrealized = u;
    out->equity = s->balance + u;
    sim_snap z;
    pr_sim_snapshot_fast(s, &z);
    out->cash = z.cash;
    out->used_margin = used_margin(s);
    out->available = out->equity - out->used_margin;
    out->gross_exposure = g;
    return PR_OK;
}

static void sim_destroy(pr_broker *b) {
    sim *s = as_sim(b);
    if (!s) return;
    free(s->m);
    release_in(s, s->lv);
    release_in(s, s->hist);
    release_in(s, s->fills);
    release_in(s, s->trades);
    free(s);
}

static const pr_broker_vt k_sim_vt = {
    .name = "sim",
    .submit = sim_submit,
    .cancel = sim_cancel,
    .amend = sim_amend,
    .get_order = sim_get_order,
    .get_position = sim_get_position,
    .get_account = sim_get_account,
    .destroy = sim_destroy,
};

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
    s->balance = cfg->start_cash;
    s->rec_ts = PR_TIME_NONE;
    if (cfg->alloc && cfg->alloc->alloc && cfg->alloc->release) s->alloc = *cfg->alloc;
    pr_strlcpy(s->ccy, cfg->ccy[0] ? cfg->ccy : cfg->markets[0].inst.quote, sizeof s->ccy);
    s->m = calloc(s->n, sizeof *s->m);
    if (!s->m) { free(s); return pr_err_set(err, PR_ENOMEM, "sim: out of memory"); }
    for (size_t i = 0; i < s->n; i++) {
        sim_mkt *m = &s->m[i];
        m->spec = cfg->markets[i];
        const pr_instrument *in = &m->spec.inst;
        const pr_margin *mg = &m->spec.margin;
        m->mult = in->contract_multiplier > 0 ? in->contract_multiplier : 1.0;
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
        if (strcmp(in->quote, s->ccy) == 0 || in->quote[0] == '\0') {
            m->fx_mode = FX_FIXED;
            m->fx_fixed = 1.0;
        } else if (m->spec.fx_rate > 0) {
            m->fx_mode = FX_FIXED;
            m->fx_fixed = m->spec.fx_rate;
        } else if (strcmp(in->base, s->ccy) == 0) {
            m->fx_mode = FX_SELF_INV;
        } else {
            int found = 0;
            for (size_t j = 0; j < cfg->n_markets && !found; j++) {
                const pr_instrument *x = &cfg->markets[j].inst;
                if (strcmp(x->base, in->quote) == 0 && strcmp(x->quote, s->ccy) == 0) {
                    m->fx_mode = FX_OTHER;
                    m->fx_other = (int)j;
                    found = 1;
                } else if (strcmp(x->base, s->ccy) == 0 && strcmp(x->quote, in->quote) == 0) {
                    m->fx_mode = FX_OTHER_INV;
                    m->fx_other = (int)j;
                    found = 1;
                }
            }
            if (!found) {
                pr_err_set(err, PR_EINVAL,
                           "sim: %s is quoted in %s but the account is in %s: add a %s%s or %s%s market or set fx_rate",
                           in->symbol, in->quote, s->ccy, in->quote, s->ccy, s->ccy, in->quote);
                sim_destroy(&s->base);
                return PR_EINVAL;
            }
        }
    }
    *out = &s->base;
    return PR_OK;
}

/* ---- records ------------------------------------------------------------------- */
const pr_fill *pr_sim_fills(const pr_broker *b, size_t *n) {
    const sim *s = as_csim(b);
    if (n) *n = s ? s->n_fills : 0;
    return s ? s->fills : NULL;
}

const pr_trade *pr_sim_trades(const pr_broker *b, size_t *n) {
    const sim *s = as_csim(b);
    if (n) *n = s ? s->n_trades : 0;
    return s ? s->trades : NULL;
}

int pr_sim_open_trade(const pr_broker *b, int inst, pr_trade *out) {
    const sim *s = as_csim(b);
    if (!s || inst < 0 || (size_t)inst >= s->n || !out) return PR_EINVAL;
    const sim_mkt *m = &s->m[inst];
    if (!m->tr_open || m->qty == 0) return PR_ENOTFOUND;
    *out = m->tr;
    out->entry_price = m->tr_in_fills == 1 ? m->tr_first_in : m->tr_in_value / m->tr.size;
    out->exit_price = m->mark;
    out->gross_pnl += unrealized(s, m);
    out->pnl = out->gross_pnl - out->fees - out->funding;
    return PR_OK;
}

size_t pr_sim_liquidations(const pr_broker *b) {
    const sim *s = as_csim(b);
    return s ? s->n_liq : 0;
}

void pr_sim_snapshot(const pr_broker *b, double *equity, double *balance, double *gross, double *costs) {
    const sim *s = as_csim(b);
    sim_snap z = {NAN, NAN, NAN, NAN, NAN, NAN};
    if (s) pr_sim_snapshot_fast(s, &z);
    if (equity) *equity = z.equity;
    if (balance) *balance = z.balance;
    if (gross) *gross = z.gross;
    if (costs) *costs = z.costs;
}

size_t pr_sim_open_orders(const pr_broker *b) {
    const sim *s = as_csim(b);
    if (!s) return 0;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) k += s->m[i].n_live;
    return k;
}
