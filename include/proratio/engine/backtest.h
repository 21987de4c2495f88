/* Part of engine.h: the backtest loop. It merges the instruments' bars by
 * close time, feeds each bar to the simulated broker (fills), advances the
 * market view and calls the decision pipeline once per step, recording
 * trades and the equity curve. Same inputs give byte-identical results. */
#ifndef PRORATIO_ENGINE_BACKTEST_H
#define PRORATIO_ENGINE_BACKTEST_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/engine/broker.h"
#include "proratio/engine/pipeline.h"
#include "proratio/engine/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One instrument of a run: its settings and in-memory data (borrowed). */
typedef struct pr_bt_market {
    pr_market_spec spec;
    const pr_series *bars;   /* decision timeframe (tf set, or inferred)          */
    const pr_series *fine;   /* optional finer bars of the same instrument, used
                                to resolve what happened first inside a bar       */
    /* bars[0, checked) are known to pass pr_series_check (finite prices,
     * increasing times): whoever loaded the dataset checked them once, and
     * runs over it skip that check. 0: each run checks every bar. */
    size_t checked;
} pr_bt_market;

typedef struct pr_backtest_config {
    double start_cash;       /* 10,000 when 0                                   */
    char ccy[16];            /* account currency; "" -> quote of market 0        */
    size_t n_markets;
    const pr_bt_market *markets;
    /* Steps labelled before trade_from only warm the market view up (its
     * indicators see those bars): no orders, fills, equity points or
     * strategy calls; the run starts at the first step at or after it.
     * 0 or PR_TIME_NONE: every bar trades. */
    int64_t trade_from;
} pr_backtest_config;

#define PR_BT_REJECT_KINDS 8

/* The account's slow part after a step. Balance, cash and costs move only
 * with fills, funding, liquidations and conversion rates, so a result keeps
 * them as the steps at which any of them changed (bit for bit; always the
 * first step), not as three curves of n_steps: on 1M bars those were 24 MB
 * written and faulted in per run for some 40,000 changes. A step's values
 * are those of the last point at or before it (pr_backtest_account_at). */
typedef struct pr_bt_account_point {
    size_t step;
    double balance;          /* margin balance: start + realised - costs          */
    double cash;             /* balance - cost of positions bought outright       */
    double costs;            /* fees + spread + slippage + funding paid so far;
                                equity + costs is the curve without costs         */
} pr_bt_account_point;

typedef struct pr_backtest_result {
    char ccy[16];
    double start_cash;
    double final_equity;     /* open positions marked at their last close,
                                without exit costs                              */
    /* Closed trades in exit order, then positions still open at the end
     * (exit_ts = PR_TIME_NONE, exit_price = last close). */
    pr_trade *trades;
    size_t n_trades;
    pr_trade *open_trades;
    size_t n_open;
    pr_fill *fills;
    size_t n_fills;
    /* Equity curve: one point per step (each distinct bar close time), taken
     * after the step's fills, marked at the closes. */
    size_t n_steps;
    int64_t *ts;             /* open time of the run's finest bar closing at
                                this step (one timeframe: the bars' open time;
                                mixed: step close - shortest bar length)        */
    double *equity;
    double *margin_used;     /* initial margin of the open positions (at the
                                marks: it moves with every bar held)            */
    double *exposure;        /* gross exposure / equity                          */
    /* Balance, cash and costs where they changed (see
     * pr_bt_account_point), in step order; n_account >= 1 when n_steps > 0. */
    pr_bt_account_point *account;
    size_t n_account, cap_account_;
    size_t n_liquidations;
    pr_pipeline_stats stats;
    /* Every order rejected, at submission or when it came to fill (its
     * quantity rounded to nothing at the lot step, fell below the minimum
     * quantity or notional, no money left for the margin, ...), by reason
     * in order of first occurrence; reasons beyond PR_BT_REJECT_KINDS count
     * in n_rejected only. */
    size_t n_rejected;
    size_t n_reject_kinds;
    pr_reject_count rejects[PR_BT_REJECT_KINDS];
    size_t n_cancelled_with; /* bracket orders cancelled with a rejected entry */
    void *pool_;             /* internal: the context the arrays came from     */
    void *curves_;           /* internal: the block holding the per-step arrays */
} pr_backtest_result;

/* Runs `pipe` (its strategy declares its needs on a fresh view) over the
 * markets. `res` is overwritten; free it with pr_backtest_result_free. */
int pr_backtest_run(const pr_backtest_config *cfg, pr_pipeline *pipe, pr_backtest_result *res,
                    pr_err *err);
void pr_backtest_result_free(pr_backtest_result *res);
/* The account's slow part after step k (k < n_steps), its `step` set to k. */
int pr_backtest_account_at(const pr_backtest_result *res, size_t k, pr_bt_account_point *out);
/* Notes the account after step `p->step` (steps in increasing order): kept
 * when it is the first or differs from the last point kept. For runners
 * other than the backtest loop (paper, live) building a result. */
int pr_backtest_note_account(pr_backtest_result *res, const pr_bt_account_point *p);

/* The history (decision bars before the first traded one) the strategy
 * needs on these markets so that its indicators no longer depend
 * on where the data starts (pr_view_history; its init runs on a scratch
 * view of the markets). *unbounded (may be NULL) receives the name of a
 * declared indicator for which no history is enough, or NULL. */
int pr_backtest_history(const pr_backtest_config *cfg, pr_strategy *strat, size_t *bars, const char **unbounded,
                        pr_err *err);

/* A context for many runs (optimisation, walk-forward): it keeps the large
 * per-run buffers (equity curves, batch indicator values) between runs, so
 * a repeated run does not hand memory back to the system and fault it in
 * again. Results it produced borrow their per-step arrays from it: free them
 * (pr_backtest_result_free gives the arrays back) before the context. Runs
 * with a context give exactly the results of pr_backtest_run. A context
 * serves one run at a time: parallel runs each use their own. */
typedef struct pr_backtest pr_backtest;

int pr_backtest_new(pr_backtest **out, pr_err *err);
void pr_backtest_free(pr_backtest *bt);
int pr_backtest_exec(pr_backtest *bt, const pr_backtest_config *cfg, pr_pipeline *pipe,
                     pr_backtest_result *res, pr_err *err);

/* Counts into res (n_rejected, rejects, n_cancelled_with) every order b
 * rejected, by reason, and the brackets cancelled with a rejected entry: a
 * run whose orders all vanished must be able to say why. A runner other
 * than the backtest loop (live, paper) reports its session with it too. */
void pr_backtest_count_rejects(pr_broker *b, pr_backtest_result *res);

/* The run in the metrics module's terms (engine/metrics.h), which owns the
 * one trades and equity format (pr_write_trades_csv, pr_write_equity_csv,
 * pr_trades_fingerprint):
 *   trades: closed trades in exit order, then the ones still open (exit_ts
 *     PR_TIME_NONE); qty = size; slippage = spread + slippage costs;
 *     gross_pnl = P&L at reference prices, before any cost (pnl + fees +
 *     spread + slippage + funding); reason = "<exit role>: <why>" ("open"
 *     while open); symbol and class from the markets of `cfg`;
 *   equity: one point per step; equity_gross = equity + costs paid so far,
 *     cash, balance and margin_used as in the result.
 * *trades and *eq are malloc'd (free() them; NULL when the count is 0). */
int pr_backtest_records(const pr_backtest_config *cfg, const pr_backtest_result *res,
                        pr_trade_record **trades, size_t *n_trades, pr_equity_point **eq,
                        size_t *n_eq, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
