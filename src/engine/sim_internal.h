/* Internal to the simulated broker (src/engine/sim_*.c): its state and the
 * calls between its parts. The order book (sim_book.c), the account ledger
 * (sim_ledger.c), the execution of a fill (sim_exec.c) and the walk through
 * a bar (sim_walk.c) share it; the fee, fill, funding and margin rules they
 * apply are the public models (fee_model.h, fill_model.h, funding_model.h,
 * margin_model.h). Everything else reaches the broker through pr_broker. */
#ifndef PR_SIM_INTERNAL_H
#define PR_SIM_INTERNAL_H
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
    int plain;               /* multiplier 1 and quoted in the account currency:
                                the snapshot skips multiplying by 1 (exact)    */
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
    pr_funding_clock fund;
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
    int track_volume;        /* a market's fee schedule reads traded volume    */
    pr_fee_volume volume;    /* every fill's notional, for tiered fee schedules */
} sim;

/* The simulated broker behind b, or NULL when b is another broker. */
sim *sim_of(pr_broker *b);
const sim *sim_cof(const pr_broker *b);

static inline int sim_sgn(double x) { return (x > 0) - (x < 0); }

/* ---- the order book and its lifecycle (sim_book.c) ---- */
static inline int sim_is_live(pr_order_status st) { return st == PR_OS_ACTIVE || st == PR_OS_WAITING; }
/* Doubling growth through the run's allocator when there is one (a run
 * context keeps the blocks for the next run). */
int sim_grow(sim *s, void **p, size_t *cap, size_t need, size_t elem);
void sim_release(sim *s, void *p);
void sim_set_status(sim *s, sim_ord *so, pr_order_status st);
void sim_compact(sim *s);
void sim_cancel_order(sim *s, sim_ord *so);
void sim_reject_order(sim *s, sim_ord *so, const char *why);
void sim_cancel_reduce_only(sim *s, int inst);
void sim_cancel_all_of(sim *s, int inst);
void sim_cancel_expired(sim *s, int inst, int64_t ts);
int sim_push_hist(sim *s, const pr_order *o, int32_t slot);
int sim_add_internal_order(sim *s, int inst, int side, pr_order_role role, int64_t now, size_t *oi);
sim_ord *sim_live_order(sim *s, uint64_t id);

/* ---- the account ledger (sim_ledger.c) ---- */
static inline double sim_fx_rate(const sim *s, const sim_mkt *m, double px) {
    switch (m->fx_mode) {
    case FX_SELF_INV: return 1.0 / px;
    case FX_OTHER: return s->m[m->fx_other].has_mark ? s->m[m->fx_other].mark : NAN;
    case FX_OTHER_INV: return s->m[m->fx_other].has_mark ? 1.0 / s->m[m->fx_other].mark : NAN;
    default: return m->fx_fixed;
    }
}
/* Inline: read on every fill and bar. */
static inline double sim_unrealized(const sim *s, const sim_mkt *m) {
    if (m->qty == 0 || !m->has_mark) return 0;
    return m->qty * (m->mark - m->avg) * m->mult * sim_fx_rate(s, m, m->mark);
}

static inline double sim_equity(const sim *s) {
    double e = s->balance;
    for (size_t i = 0; i < s->n; i++) e += sim_unrealized(s, &s->m[i]);
    return e;
}

static inline double sim_used_margin(const sim *s) {
    double u = 0;
    for (size_t i = 0; i < s->n; i++) {
        const sim_mkt *m = &s->m[i];
        if (m->qty != 0 && m->has_mark) u += fabs(m->qty) * m->mark * m->mult * sim_fx_rate(s, m, m->mark) * m->im;
    }
    return u;
}

static inline int sim_push_fill(sim *s, const pr_fill *f) {
    if (sim_grow(s, (void **)&s->fills, &s->cap_fills, s->n_fills + 1, sizeof *s->fills)) return -1;
    s->fills[s->n_fills++] = *f;
    return 0;
}

/* How m's quote currency becomes the account currency (cfg: all markets). */
int sim_fx_setup(sim *s, sim_mkt *m, const pr_sim_config *cfg, pr_err *err);
/* Books a fill of q units at px (ref: the market's price) on m's position,
 * balance and open trade; closes the trade when flat. */
int sim_ledger_fill(sim *s, sim_mkt *m, const pr_order *o, double q, double px, double ref, double fee,
                  double spread_cost, double slip_cost, double fx, int64_t at, double *realized);
/* Pays funding at `rate` on m's position at price px. */
void sim_pay_funding(sim *s, sim_mkt *m, double px, double rate);

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
