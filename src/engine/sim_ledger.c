/* The simulated broker's account ledger: the balance in the account
 * currency, positions with average prices, the open trade of each
 * instrument and the fill and trade records, P&L converted from each
 * instrument's quote currency at the current rate, and funding paid. */
#include <math.h>
#include <string.h>
#include "sim_internal.h"

int sim_fx_setup(sim *s, sim_mkt *m, const pr_sim_config *cfg, pr_err *err) {
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

static int close_trade(sim *s, sim_mkt *m, const pr_order *closer, int64_t ts) {
    pr_trade *t = &m->tr;
    t->exit_ts = ts;
    t->entry_price = t->n_fills > 0 && m->tr_in_fills == 1 ? m->tr_first_in : m->tr_in_value / t->size;
    t->exit_price = m->tr_out_fills == 1 ? m->tr_last_out : m->tr_out_value / m->tr_out_qty;
    t->pnl = t->gross_pnl - t->fees - t->funding;
    t->exit_role = closer->role;
    t->exit_why = closer->why;
    if (sim_grow(s, (void **)&s->trades, &s->cap_trades, s->n_trades + 1, sizeof *s->trades)) return -1;
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

int sim_ledger_fill(sim *s, sim_mkt *m, const pr_order *o, double q, double px, double ref, double fee,
                    double spread_cost, double slip_cost, double fx, int64_t at, double *realized_out) {
    double pos = m->qty;
    double close_q = pos != 0 && sim_sgn(pos) != o->side ? (q < fabs(pos) ? q : fabs(pos)) : 0;
    double open_q = q - close_q;
    double realized = 0;
    *realized_out = 0;
    if (close_q > 0) {
        realized = close_q * (px - m->avg) * sim_sgn(pos) * m->mult * fx;
        *realized_out = realized;
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
            if (close_trade(s, m, o, at)) return -1;
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
    return 0;
}

void sim_pay_funding(sim *s, sim_mkt *m, double px, double rate) {
    double pay = m->qty * px * rate * m->mult * sim_fx_rate(s, m, px);
    s->balance -= pay;
    s->costs += pay;
    if (m->tr_open) m->tr.funding += pay;
}
