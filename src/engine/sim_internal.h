/* Internal to the simulated broker (src/engine/sim_broker.c, sim_exec.c,
 * sim_walk.c): its state and the calls between its parts. The order book
 * and the account ledger it owns have their own state and interfaces
 * (order_book.h, ledger.h: sim_book.c, sim_ledger.c), as do the fee, fill,
 * funding and margin models (fee_model.h, fill_model.h, funding_model.h,
 * margin_model.h), so a paper broker reuses them. Everything else reaches
 * the broker through pr_broker. */
#ifndef PR_SIM_INTERNAL_H
#define PR_SIM_INTERNAL_H
#include <math.h>
#include <stdint.h>
#include "proratio/engine.h"

enum { FX_FIXED = 0, FX_SELF_INV, FX_OTHER, FX_OTHER_INV };

typedef struct sim_mkt {
    pr_market_spec spec;
    double im;               /* initial margin rate = 1 / leverage            */
    int fx_mode, fx_other;
    double fx_fixed;
    int plain;               /* multiplier 1 and quoted in the account currency:
                                the snapshot skips multiplying by 1 (exact)    */
    int passive;             /* no funding, no liquidation: a bar without
                                orders only moves the mark                     */
    int outright;            /* bought with cash (spot crypto, stocks): a
                                position's cost is out of the cash; else (a
                                perpetual, futures, forex on margin) only its
                                margin is set aside                             */
    pr_ledger_pos pos;       /* the position and its open trade (ledger.h)     */
    pr_funding_clock fund;
} sim_mkt;

/* The simulated broker: an order book and a ledger (their own state,
 * order_book.h and ledger.h) and the markets it simulates. */
typedef struct sim {
    pr_broker base;
    size_t n;
    sim_mkt *m;
    /* The ledger's totals and the book's live counts next to m: every bar
     * reads them. */
    pr_ledger led;           /* balance, records, costs                        */
    pr_book book;            /* the orders                                     */
    char ccy[16];
    size_t n_liq;
    int64_t rec_ts;          /* time fills are recorded at while a bar is walked
                                in parts (PR_TIME_NONE: the part's own)          */
    int track_volume;        /* a market's fee schedule reads traded volume    */
    pr_fee_volume volume;    /* every fill's notional, for tiered fee schedules */
} sim;

/* The simulated broker behind b, or NULL when b is another broker. */
sim *sim_of(pr_broker *b);
const sim *sim_cof(const pr_broker *b);

static inline int sim_sgn(double x) { return (x > 0) - (x < 0); }

/* ---- currencies and the account at the marks ---- */
static inline double sim_fx_rate(const sim *s, const sim_mkt *m, double px) {
    switch (m->fx_mode) {
    case FX_SELF_INV: return 1.0 / px;
    case FX_OTHER: return s->m[m->fx_other].pos.has_mark ? s->m[m->fx_other].pos.mark : NAN;
    case FX_OTHER_INV: return s->m[m->fx_other].pos.has_mark ? 1.0 / s->m[m->fx_other].pos.mark : NAN;
    default: return m->fx_fixed;
    }
}
/* Inline: read on every fill and bar. */
static inline double sim_unrealized(const sim *s, const sim_mkt *m) {
    if (m->pos.qty == 0 || !m->pos.has_mark) return 0;
    return pr_ledger_unrealized(&m->pos, sim_fx_rate(s, m, m->pos.mark));
}

static inline double sim_equity(const sim *s) {
    double e = s->led.balance;
    for (size_t i = 0; i < s->n; i++) e += sim_unrealized(s, &s->m[i]);
    return e;
}

static inline double sim_used_margin(const sim *s) {
    double u = 0;
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        if (m->pos.qty != 0 && m->pos.has_mark)
            u += fabs(m->pos.qty) * m->pos.mark * m->pos.mult * sim_fx_rate(s, m, m->pos.mark) * m->im;
    }
    return u;
}

/* The account at the current marks (pr_broker_snapshot). Always inlined:
 * the backtest takes one after every bar, and as a call of its own it costs
 * a run of one market about a tenth of its speed. */
__attribute__((always_inline)) static inline void sim_snapshot(const sim *s, pr_broker_snapshot *out) {
    double e = s->led.balance, g = 0, c = s->led.balance, mu = 0;
    if (s->led.n_open) {
        for (size_t i = 0; i < s->n; i++) {
            const sim_mkt *m = &s->m[i];
            if (m->pos.qty == 0 || !m->pos.has_mark) continue;
            if (m->plain) {   /* the same sums without the factors of 1 (exact) */
                double value = fabs(m->pos.qty) * m->pos.mark;
                e += m->pos.qty * (m->pos.mark - m->pos.avg);
                g += value;
                mu += value * m->im;
                if (m->outright) c -= m->pos.qty * m->pos.avg;
                continue;
            }
            double k = sim_fx_rate(s, m, m->pos.mark);
            double value = fabs(m->pos.qty) * m->pos.mark * m->pos.mult * k;
            e += m->pos.qty * (m->pos.mark - m->pos.avg) * m->pos.mult * k;
            g += value;
            mu += value * m->im;
            if (m->outright) c -= m->pos.qty * m->pos.avg * m->pos.mult * k;
        }
    }
    out->equity = e;
    out->balance = s->led.balance;
    out->cash = c;
    out->margin_used = mu;
    out->gross = g;
    out->costs = s->led.costs;
}

/* A bar of inst that finds no working order, and no funding or liquidation
 * to check for the position, only moves the mark: 1 then (and the account
 * after it in *after when not NULL), else 0 and nothing changed. Inline:
 * the backtest loop of a sim calls it on every bar, where the call through
 * the vtable and its spills cost a one-market run about a tenth of its
 * speed. */
__attribute__((always_inline)) static inline int sim_idle_bar_fast(sim *s, int inst, double close,
                                                                   pr_broker_snapshot *after) {
    if ((size_t)inst >= s->n) return 0;
    sim_mkt *m = &s->m[inst];
    if (s->book.n_live[inst] != 0 || (m->pos.qty != 0 && !m->passive)) return 0;
    m->pos.mark = close;
    m->pos.has_mark = 1;
    if (after) sim_snapshot(s, after);
    return 1;
}

/* ---- executing a fill (sim_exec.c) ---- */
/* Fills working order `oi` at exec price px (ref: price before spread and
 * slippage: the mid, or with ref_quoted the price on the order's side of the
 * book). limits_from: when its children that are limits may first fill. */
int sim_do_fill(sim *s, size_t oi, double px, double ref, int maker, int ref_quoted, int64_t ts, int64_t limits_from,
                pr_err *err);
/* Liquidates inst when the margin model says so for the bar piece. */
int sim_check_liquidation(sim *s, int inst, int64_t ts, double o, double h, double l, pr_err *err);

/* ---- the walk through a bar (sim_walk.c) ---- */
/* A bar of inst that can trade (working orders, or funding or liquidation
 * to check): the caller has handled the bars that only move the mark. */
int sim_walk_bar(sim *s, int inst, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine, size_t n_fine,
                 int64_t fine_ms, pr_err *err);
#endif
