/* The account ledger (ledger.h): the balance in the account currency,
 * positions with average prices, the open trade of each instrument and the
 * fill and trade records, and funding paid. It knows no broker and no
 * currency rules: the simulated broker owns one and passes each booking's
 * rate, a paper broker does the same. */
#include <math.h>
#include <string.h>
#include "proratio/engine.h"

static int sgn(double x) { return (x > 0) - (x < 0); }

void pr_ledger_init(pr_ledger *l, double balance, const pr_allocator *alloc) {
    memset(l, 0, sizeof *l);
    l->balance = balance;
    if (alloc && alloc->alloc && alloc->release) l->alloc = *alloc;
}

void pr_ledger_free(pr_ledger *l) {
    pr_allocator_free(&l->alloc, l->fills);
    pr_allocator_free(&l->alloc, l->trades);
    memset(l, 0, sizeof *l);
}

void pr_ledger_pos_init(pr_ledger_pos *p, double mult) {
    memset(p, 0, sizeof *p);
    p->mult = mult > 0 ? mult : 1.0;
}

int pr_ledger_reserve(pr_ledger *l, size_t fills, size_t trades) {
    if (pr_allocator_grow(&l->alloc, (void **)&l->fills, &l->cap_fills, fills, sizeof *l->fills) ||
        pr_allocator_grow(&l->alloc, (void **)&l->trades, &l->cap_trades, trades, sizeof *l->trades))
        return PR_ENOMEM;
    return PR_OK;
}

PR_HOT int pr_ledger_record(pr_ledger *l, const pr_fill *f) {
    if (pr_allocator_grow(&l->alloc, (void **)&l->fills, &l->cap_fills, l->n_fills + 1, sizeof *l->fills))
        return PR_ENOMEM;
    l->fills[l->n_fills++] = *f;
    return PR_OK;
}

static int close_trade(pr_ledger *l, pr_ledger_pos *p, const pr_order *closer, int64_t ts) {
    pr_trade *t = &p->tr;
    t->exit_ts = ts;
    t->entry_price = t->n_fills > 0 && p->tr_in_fills == 1 ? p->tr_first_in : p->tr_in_value / t->size;
    t->exit_price = p->tr_out_fills == 1 ? p->tr_last_out : p->tr_out_value / p->tr_out_qty;
    t->pnl = t->gross_pnl - t->fees - t->funding;
    t->exit_role = closer->role;
    t->exit_why = closer->why;
    if (pr_allocator_grow(&l->alloc, (void **)&l->trades, &l->cap_trades, l->n_trades + 1, sizeof *l->trades))
        return -1;
    l->trades[l->n_trades++] = *t;
    p->tr_open = 0;
    return 0;
}

/* Zeroing by copy: a constant-size memset this large becomes `rep stos`,
 * slow to start for a record made at every entry. */
static const pr_trade k_no_trade;

static void open_trade(pr_ledger_pos *p, int inst, int side, const pr_order *opener, int64_t ts) {
    p->tr = k_no_trade;
    p->tr.instrument = inst;
    p->tr.side = side;
    p->tr.entry_ts = ts;
    p->tr.exit_ts = PR_TIME_NONE;
    memcpy(p->tr.tag, opener->tag, sizeof p->tr.tag);
    p->tr.entry_why = opener->why;
    p->tr_open = 1;
    p->tr_in_value = p->tr_out_value = p->tr_out_qty = 0;
    p->tr_in_fills = p->tr_out_fills = 0;
}

PR_HOT int pr_ledger_fill(pr_ledger *l, pr_ledger_pos *p, const pr_order *o, const pr_ledger_entry *e,
                   double *realized_out) {
    double q = e->qty, px = e->price, fee = e->fee, fx = e->fx;
    double pos = p->qty;
    double close_q = pos != 0 && sgn(pos) != o->side ? (q < fabs(pos) ? q : fabs(pos)) : 0;
    double open_q = q - close_q;
    double realized = 0;
    *realized_out = 0;
    l->version++;
    if (close_q > 0) {
        realized = close_q * (px - p->avg) * sgn(pos) * p->mult * fx;
        *realized_out = realized;
        double share = close_q / q;
        pr_trade *t = &p->tr;
        t->gross_pnl += realized;
        t->fees += fee * share;
        t->spread_cost += e->spread_cost * share;
        t->slippage_cost += e->slippage_cost * share;
        t->n_fills++;
        p->tr_out_value += close_q * px;
        p->tr_out_qty += close_q;
        p->tr_out_fills++;
        p->tr_last_out = px;
        p->qty = close_q == fabs(pos) ? 0.0 : pos + o->side * close_q;
        if (p->qty == 0) {
            p->avg = 0;
            l->balance += realized - fee * share;
            if (close_trade(l, p, o, e->at)) return PR_ENOMEM;
        } else {
            l->balance += realized - fee * share;
        }
    }
    if (open_q > 0) {
        double share = open_q / q;
        if (p->qty == 0) {
            open_trade(p, o->instrument, o->side, o, e->at);
            p->avg = px;
            p->qty = o->side * open_q;
        } else {
            double aq = fabs(p->qty);
            p->avg = (aq * p->avg + open_q * px) / (aq + open_q);
            p->qty += o->side * open_q;
        }
        pr_trade *t = &p->tr;
        t->size += open_q;
        t->fees += fee * share;
        t->spread_cost += e->spread_cost * share;
        t->slippage_cost += e->slippage_cost * share;
        t->entry_notional += open_q * px * p->mult * fx;
        t->n_fills++;
        p->tr_in_value += open_q * px;
        if (p->tr_in_fills++ == 0) p->tr_first_in = px;
        l->balance -= fee * share;
    }
    p->mark = e->ref;   /* the market's price, not ours after spread and slippage */
    p->has_mark = 1;
    l->costs += fee + e->spread_cost + e->slippage_cost;
    if ((pos == 0) != (p->qty == 0)) {
        if (p->qty == 0) l->n_open--;
        else l->n_open++;
    }
    return PR_OK;
}

void pr_ledger_funding(pr_ledger *l, pr_ledger_pos *p, double px, double rate, double fx) {
    double pay = p->qty * px * rate * p->mult * fx;
    l->version++;
    l->balance -= pay;
    l->costs += pay;
    if (p->tr_open) p->tr.funding += pay;
}
