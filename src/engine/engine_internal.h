/* Internal to the engine module: the simulated broker's state, shared with
 * the backtest loop so that its per-bar fast paths (a bar that only moves a
 * mark, the equity snapshot) compile inline instead of as calls. Nothing
 * outside src/engine sees these. */
#ifndef PR_ENGINE_INTERNAL_H
#define PR_ENGINE_INTERNAL_H
#include <math.h>
#include <stdint.h>
#include "proratio/engine.h"

enum { FX_FIXED = 0, FX_SELF_INV, FX_OTHER, FX_OTHER_INV };

typedef struct sim_mkt {
    pr_market_spec spec;
    double mult;             /* contract multiplier (1)                      */
    double im;               /* initial margin rate = 1 / leverage            */
    int fx_mode, fx_other;
    double fx_fixed;
    size_t n_live;           /* orders ACTIVE or WAITING                       */
    int passive;             /* no funding, no liquidation: a bar without
                                orders only moves the mark                     */
    int outright;            /* bought with cash (spot crypto, stocks): a
                                position's cost is out of the cash; else (a
                                perpetual, futures, forex on margin) only its
                                margin is set aside                             */
    /* position */
    double qty, avg, mark;
    int has_mark;
    /* open trade */
    int tr_open;
    pr_trade tr;
    double tr_in_value, tr_out_value, tr_out_qty, tr_first_in, tr_last_out;
    int tr_in_fills, tr_out_fills;
    size_t fund_idx;         /* next rate of a funding series not yet due      */
    int64_t fund_next;       /* next time of a configured rate not yet charged */
    int fund_started;        /* fund_next is set                               */
} sim_mkt;

typedef struct sim_ord {
    pr_order o;
    int64_t live_from;       /* a take-profit activated inside a bar waits for the next */
} sim_ord;

/* What is kept of every order, by id: enough for status queries after it
 * stopped working (the full record lives only while it works). */
typedef struct sim_hist {
    double filled_qty, avg_price;
    const char *reject;
    int32_t slot;            /* index in the working list, -1 when gone      */
    int32_t instrument;
    int8_t status, side, type, role;
} sim_hist;

typedef struct sim {
    pr_broker base;
    size_t n;
    sim_mkt *m;
    char ccy[16];
    double balance;
    sim_ord *lv;             /* working orders in id order (dead ones until compaction) */
    size_t n_lv, cap_lv;
    size_t n_dead;           /* entries of lv no longer working                  */
    sim_hist *hist;          /* every order ever submitted, id = index + 1     */
    size_t n_hist, cap_hist;
    pr_fill *fills;
    size_t n_fills, cap_fills;
    pr_trade *trades;
    size_t n_trades, cap_trades;
    size_t n_liq;
    size_t n_open;           /* instruments with a position                   */
    double costs;            /* fees, spread, slippage and funding paid so far */
    pr_allocator alloc;      /* for the growing record arrays (may be empty)   */
    int64_t rec_ts;          /* time fills are recorded at while a bar is walked
                                in parts (PR_TIME_NONE: the part's own)          */
} sim;

static inline double fx_rate(const sim *s, const sim_mkt *m, double px) {
    switch (m->fx_mode) {
    case FX_SELF_INV: return 1.0 / px;
    case FX_OTHER: return s->m[m->fx_other].has_mark ? s->m[m->fx_other].mark : NAN;
    case FX_OTHER_INV: return s->m[m->fx_other].has_mark ? 1.0 / s->m[m->fx_other].mark : NAN;
    default: return m->fx_fixed;
    }
}

/* 1 when a bar of inst can only move the mark: no working orders, and no
 * funding or liquidation to check for an open position. (b is a sim.) */
static inline int pr_sim_idle(const pr_broker *b, int inst) {
    const sim_mkt *m = &((const sim *)(const void *)b)->m[inst];
    return m->n_live == 0 && (m->qty == 0 || m->passive);
}

static inline void pr_sim_mark_fast(pr_broker *b, int inst, double px) {
    sim_mkt *m = &((sim *)(void *)b)->m[inst];
    m->mark = px;
    m->has_mark = 1;
}

/* The account at the current marks: equity (balance + open P&L), the
 * margin balance, cash (the balance less what positions bought outright
 * cost, plus what shorts sold outright brought in, converted at the current
 * rate as their P&L is), initial margin in use, gross exposure and the
 * costs paid so far. */
typedef struct sim_snap {
    double equity, balance, cash, margin_used, gross, costs;
} sim_snap;

static inline void pr_sim_snapshot_fast(const sim *s, sim_snap *out) {
    double e = s->balance, g = 0, c = s->balance, mu = 0;
    if (s->n_open) {
        for (size_t i = 0; i < s->n; i++) {
            const sim_mkt *m = &s->m[i];
            if (m->qty == 0 || !m->has_mark) continue;
            double k = fx_rate(s, m, m->mark);
            double value = fabs(m->qty) * m->mark * m->mult * k;
            e += m->qty * (m->mark - m->avg) * m->mult * k;
            g += value;
            mu += value * m->im;
            if (m->outright) c -= m->qty * m->avg * m->mult * k;
        }
    }
    out->equity = e;
    out->balance = s->balance;
    out->cash = c;
    out->margin_used = mu;
    out->gross = g;
    out->costs = s->costs;
}

/* Room for this many orders, fills and trades before the record arrays
 * grow (a run context passes its previous run's counts: the arrays are then
 * allocated once, at their final size, instead of doubling up to it). */
int pr_sim_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades);
void pr_sim_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades);

/* Hands the fill and trade records over to the caller (who releases them
 * through the allocator given in pr_sim_config, or frees them); the
 * broker's lists are empty afterwards. */
void pr_sim_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades);
#endif
