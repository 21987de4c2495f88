/* Part of engine.h: the account ledger a broker keeps, independent of any
 * one broker: the balance in the account currency, each instrument's
 * position with its average price and open trade, the fill and trade
 * records, and the costs paid. The caller converts: every booking takes the
 * quote -> account rate (fx) it applies. The simulated broker owns one and a
 * paper broker owns another. */
#ifndef PRORATIO_ENGINE_LEDGER_H
#define PRORATIO_ENGINE_LEDGER_H

#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One instrument's position and its open trade. */
typedef struct pr_ledger_pos {
    double qty, avg, mark;   /* signed units, average entry, last market price */
    int has_mark;
    double mult;             /* contract multiplier (1 for spot)              */
    int tr_open;
    pr_trade tr;
    double tr_in_value, tr_out_value, tr_out_qty, tr_first_in, tr_last_out;
    int tr_in_fills, tr_out_fills;
} pr_ledger_pos;

typedef struct pr_ledger {
    double balance;          /* account currency: cash and realised P&L       */
    double costs;            /* fees, spread, slippage and funding paid so far */
    size_t n_open;           /* positions not flat                            */
    uint64_t version;        /* bumped by every fill and funding payment: what
                                changes the balance or a position            */
    pr_fill *fills;
    size_t n_fills, cap_fills;
    pr_trade *trades;
    size_t n_trades, cap_trades;
    pr_allocator alloc;      /* for the records (may be empty: malloc)        */
} pr_ledger;

/* One fill as the ledger books it (prices in the quote currency, money in
 * the account currency). */
typedef struct pr_ledger_entry {
    double qty, price;       /* units filled, at price (after spread, slippage) */
    double ref;              /* the market's price: the position's new mark   */
    double fee, spread_cost, slippage_cost;
    double fx;               /* quote -> account at this fill                 */
    int64_t at;              /* the record's time                             */
} pr_ledger_entry;

/* A ledger starting with `balance`; alloc may be NULL (malloc/free) and
 * must outlive it. */
void pr_ledger_init(pr_ledger *l, double balance, const pr_allocator *alloc);
void pr_ledger_free(pr_ledger *l);
/* A flat position of contract multiplier mult (<= 0: 1). */
void pr_ledger_pos_init(pr_ledger_pos *p, double mult);
/* Room for the records of a run that knows its size. */
int pr_ledger_reserve(pr_ledger *l, size_t fills, size_t trades);

/* Books fill e of order o on p: the closing part realises P&L (*realized,
 * account currency) and closes the trade when flat, the opening part opens
 * or adds to one; fees, spread and slippage split between them by quantity.
 * Does not record the fill (pr_ledger_record). PR_ENOMEM when out of memory. */
int pr_ledger_fill(pr_ledger *l, pr_ledger_pos *p, const pr_order *o, const pr_ledger_entry *e, double *realized);
/* Appends a fill record. */
int pr_ledger_record(pr_ledger *l, const pr_fill *f);
/* Pays funding at `rate` on p's position at price px (fx: quote -> account). */
void pr_ledger_funding(pr_ledger *l, pr_ledger_pos *p, double px, double rate, double fx);

/* p's P&L at its mark, in the account currency at rate fx (inline: read on
 * every fill and bar). */
static inline double pr_ledger_unrealized(const pr_ledger_pos *p, double fx) {
    if (p->qty == 0 || !p->has_mark) return 0;
    return p->qty * (p->mark - p->avg) * p->mult * fx;
}

#ifdef __cplusplus
}
#endif
#endif
