/* Executing a fill in the simulated broker: the quantity an order gets
 * (sized by its mode, capped by the margin model, rounded to the lot, or
 * rejected with its cause), its fee (fee model), spread and slippage, the
 * ledger's booking and the fill record, then the order book's consequences
 * (children start working, OCO and reduce-only legs cancelled); and the
 * liquidation the margin model calls for. */
#include <math.h>
#include <string.h>
#include "sim_internal.h"

/* Quantity an entry order asks for at fill price px, capped by margin
 * (*asked: before the cap). */
static double entry_qty(const sim *s, const sim_mkt *m, const pr_order *o, double px, double fx, int maker,
                        double volume, double *asked) {
    double unit = px * m->pos.mult * fx;                       /* account money per unit */
    double fee_rate = pr_fee_model_reserve(&m->spec.costs, maker, volume);
    double q;
    switch (o->qty_mode) {
    case PR_QTY_NOTIONAL: q = o->qty / unit; break;
    case PR_QTY_CASH: q = o->qty / (unit * (m->im + fee_rate)); break;
    case PR_QTY_RISK: {
        double dist = fabs(px - o->stop_price) * m->pos.mult * fx;
        q = dist > 0 ? o->qty / dist : 0;
        break;
    }
    default: q = o->qty; break;
    }
    *asked = q;
    /* Never more than the available money covers (initial margin + fees). */
    double cap = pr_margin_entry_cap(sim_equity(s) - sim_used_margin(s), unit, m->im, fee_rate);
    if (m->pos.qty != 0 && sim_sgn(m->pos.qty) != o->side) cap += fabs(m->pos.qty);  /* the closing part frees margin */
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

PR_HOT int sim_do_fill(sim *s, size_t oi, double px, double ref, int maker, int ref_quoted, int64_t ts, int64_t limits_from,
                pr_err *err) {
    pr_book_order *so = &s->book.lv[oi];
    pr_order *o = &so->o;
    sim_mkt *m = &s->m[o->instrument];
    const pr_instrument *in = &m->spec.inst;
    const pr_costs *c = &m->spec.costs;
    int liquidation = o->role == PR_ROLE_LIQUIDATION;
    int64_t at = s->rec_ts != PR_TIME_NONE ? s->rec_ts : ts;   /* the record's time */
    double fx = sim_fx_rate(s, m, px);
    if (!(fx > 0) || !isfinite(fx)) {
        pr_book_reject(&s->book, so, "no conversion rate to the account currency yet");
        return 0;
    }
    /* What the account traded in the fee schedule's window before this fill
     * (tiered schedules only). */
    int64_t window = pr_fee_model_window(c);
    double volume = window > 0 ? pr_fee_volume_in(&s->volume, at, window) : 0;
    double pos = m->pos.qty;
    double q;
    if (o->reduce_only || o->qty_mode == PR_QTY_CLOSE) {
        if (pos == 0 || sim_sgn(pos) == o->side) {
            pr_book_cancel(&s->book, so);
            return 0;
        }
        q = o->qty_mode == PR_QTY_CLOSE ? fabs(pos) : (o->qty < fabs(pos) ? o->qty : fabs(pos));
    } else {
        double asked;
        q = entry_qty(s, m, o, px, fx, maker, volume, &asked);
        if (m->spec.margin.no_short && o->side < 0) {
            double allowed = pos > 0 ? pos : 0;
            if (q > allowed) q = allowed;
            if (q <= 0) {
                pr_book_reject(&s->book, so, "short selling not allowed");
                return 0;
            }
            if (asked > allowed) asked = allowed;
        }
        double capped = q;
        if (in->lot_step > 0) q = pr_instrument_round_qty(in, q);
        const char *why = entry_reject(in, px, asked, capped, q);
        if (why) {
            pr_book_reject(&s->book, so, why);
            return 0;
        }
    }
    pr_fee_fill ff = {.side = o->side, .maker = maker, .liquidation = liquidation, .qty = q, .price = px,
                      .mult = m->pos.mult, .fx = fx};
    double fee = pr_fee_model_charge(c, m->spec.margin.liquidation_fee, &ff, volume);
    double hs = liquidation ? 0 : pr_fill_half_spread(c, in->pip_size, ref);
    double spread_cost = q * hs * m->pos.mult * fx;
    double slip_cost =
        maker || liquidation ? 0 : q * fabs(px - (ref_quoted ? ref : ref + o->side * hs)) * m->pos.mult * fx;
    double realized;
    pr_ledger_entry le = {.qty = q, .price = px, .ref = ref, .fee = fee, .spread_cost = spread_cost,
                          .slippage_cost = slip_cost, .fx = fx, .at = at};
    if (pr_ledger_fill(&s->led, &m->pos, o, &le, &realized)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");

    pr_fill f = {.order_id = o->id, .instrument = o->instrument, .side = o->side, .role = o->role,
                 .maker = maker, .ts = at, .qty = q, .price = px, .ref_price = ref, .fee = fee,
                 .spread_cost = spread_cost, .slippage_cost = slip_cost, .fx = fx, .realized = realized};
    if (pr_ledger_record(&s->led, &f)) return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    if (s->track_volume && pr_fee_volume_add(&s->volume, at, q * px * m->pos.mult * fx))
        return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    pr_book_filled(&s->book, so, q, px);
    pr_book_start_children(&s->book, o, q, in, ts, limits_from);
    /* The trade's risk: the distance to the entry's first protective stop. */
    if (m->pos.tr_open && m->pos.tr.risk == 0 && o->role == PR_ROLE_ENTRY) {
        for (size_t j = 0; j < s->book.n_lv && m->pos.tr.risk == 0; j++) {
            const pr_book_order *ch = &s->book.lv[j];
            if (ch->o.parent == o->id && ch->o.status == PR_OS_ACTIVE && ch->o.type == PR_ORDER_STOP)
                m->pos.tr.risk = fabs(px - ch->o.stop_price) * q * m->pos.mult * fx;
        }
    }
    pr_book_cancel_oco(&s->book, so);
    if (m->pos.qty == 0) pr_book_cancel_reduce_only(&s->book, o->instrument);
    return PR_OK;
}

int sim_check_liquidation(sim *s, int inst, int64_t ts, double o, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    double mm = m->spec.margin.maintenance;
    if (!(mm > 0) || m->pos.qty == 0) return PR_OK;
    pr_margin_probe pp = {.balance = s->led.balance, .qty = m->pos.qty, .avg = m->pos.avg, .mult = m->pos.mult,
                          .fx = sim_fx_rate(s, m, o), .maintenance = mm};
    for (size_t j = 0; j < s->n; j++) {
        if ((int)j == inst) continue;
        const sim_mkt *x = &s->m[j];
        pp.others_unrealized += sim_unrealized(s, x);
        if (x->pos.qty != 0 && x->pos.has_mark)
            pp.others_maintenance +=
                fabs(x->pos.qty) * x->pos.mark * x->pos.mult * sim_fx_rate(s, x, x->pos.mark) *
                x->spec.margin.maintenance;
    }
    double p;
    if (!pr_margin_liquidation(&pp, o, h, l, &p)) return PR_OK;
    pr_book_cancel_all_of(&s->book, inst);
    size_t oi;
    if (pr_book_add_internal(&s->book, inst, m->pos.qty > 0 ? -1 : 1, PR_ROLE_LIQUIDATION, ts, &oi))
        return pr_err_set(err, PR_ENOMEM, "sim: out of memory");
    static const char *const liq_fmt = "liquidated: equity below maintenance margin at %.10g";
    s->book.lv[oi].o.why.fmt = liq_fmt;
    s->book.lv[oi].o.why.args[0] = p;
    s->n_liq++;
    return sim_do_fill(s, oi, p, p, 0, 0, ts, ts, err);
}
