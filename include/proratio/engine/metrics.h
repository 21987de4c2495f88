/* Part of engine.h: performance metrics of a run, computed by pure functions
 * over an equity curve and a trade list that the backtest loop (or the live
 * runner) fills in; the terminal table, JSON, CSV writers and the trade-list
 * fingerprint. Definitions of every number: docs/metrics.md.
 *
 * Units: times are int64 ms UTC (an equity point is labelled by the open time
 * of the bar after whose close it was taken); returns, drawdowns, rates and
 * exposures are fractions (0.1 = 10%); money is in the account currency. */
#ifndef PRORATIO_ENGINE_METRICS_H
#define PRORATIO_ENGINE_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

/* One point of the equity curve, taken after a step's fills, marked at the
 * closes. Points are in strictly increasing ts order. */
typedef struct pr_equity_point {
    int64_t ts;              /* bar open time of the step                        */
    double equity;           /* net: balance + open positions' P&L at the marks    */
    double equity_gross;     /* the same run with every cost (fees, spread,
                                slippage, funding) added back                      */
    double cash;             /* money not in positions: balance less the cost of
                                positions bought outright (spot, stocks)           */
    double exposure;         /* gross position value / equity; 0 when flat         */
    double balance;          /* margin balance: start + realised P&L - costs       */
    double margin_used;      /* initial margin of the open positions (for spot at
                                leverage 1: their value)                           */
} pr_equity_point;

#define PR_TRADE_TEXT_MAX 32
#define PR_TRADE_REASON_MAX 128

/* One round trip (flat to flat on one instrument). A trade still open at
 * the end of the run has exit_ts = PR_TIME_NONE (exit_price = last mark): it
 * is listed and its costs count as paid, but it is left out of the trade
 * statistics (win rate, profit factor, ...). */
typedef struct pr_trade_record {
    int64_t entry_ts, exit_ts;   /* first entry fill, last exit fill (ms)          */
    int instrument;              /* index of the instrument in the run             */
    char symbol[PR_TRADE_TEXT_MAX];
    pr_asset_class cls;
    int side;                    /* +1 long, -1 short                              */
    double qty;                  /* total quantity entered (base units, > 0)        */
    double entry_price, exit_price;  /* quantity-weighted fill prices             */
    double pnl;                  /* net P&L: gross_pnl - fees - slippage - funding  */
    double gross_pnl;            /* P&L before any cost (reference prices)          */
    double fees;                 /* commissions and exchange fees paid (>= 0)       */
    double slippage;             /* spread + slippage paid (>= 0)                   */
    double funding;              /* funding / swap paid (> 0), received (< 0)       */
    double risk;                 /* money lost at the initial stop (> 0), 0 unknown:
                                    gives the trade's R multiple pnl / risk          */
    char tag[PR_TRADE_TEXT_MAX];         /* strategy tag of the entry              */
    char reason[PR_TRADE_REASON_MAX];    /* exit reason                            */
} pr_trade_record;

/* Bars of one instrument, for the buy-and-hold benchmark and the report's
 * price charts (borrowed; ts strictly increasing). */
typedef struct pr_price_series {
    const char *symbol;
    int instrument;              /* index matching pr_trade_record.instrument       */
    pr_asset_class cls;
    const int64_t *ts;           /* bar open times                                 */
    const double *open;          /* may be NULL (then the benchmark buys at close)  */
    const double *close;
    size_t n;
} pr_price_series;

typedef struct pr_metrics_options {
    /* Annualisation class: the class of every instrument of the run. With
     * PR_ASSET_UNKNOWN it is inferred from the trades and benchmark series
     * when they all share one class; a run that mixes classes (or where none
     * is known) samples equity daily at UTC midnight and annualises with 365. */
    pr_asset_class cls;
    double periods_per_year;     /* > 0: use per-bar returns with this factor       */
    double risk_free;            /* annual risk-free rate (fraction), default 0     */
    /* Buy-and-hold benchmark: equal weight across the series, bought at each
     * series' first bar (its open when bench_at_open and open != NULL, else
     * its close) paying bench_fee (fraction of notional) once, then held. */
    const pr_price_series *bench;
    size_t n_bench;
    int bench_at_open;
    double bench_fee;
    double start_equity;         /* benchmark money; 0: eq[0].equity                */
    /* 1: the headline figures only — the net curve's statistics and the trade
     * statistics — as an optimiser scores thousands of runs: no curve
     * without costs (gross = net), benchmark, breakdowns by class or
     * instrument, or monthly and yearly returns (and, with periods_per_year
     * given, no bar step: bar_ms 0). */
    int headline;
} pr_metrics_options;

/* cls unknown (inferred), no override, risk-free 0, no benchmark. */
void pr_metrics_options_default(pr_metrics_options *o);

/* ------------------------------------------------------------------------ */
/* Results. Undefined ratios are NaN (shown as "n/a", JSON null); unbounded  */
/* ones are +-inf (shown as "inf", JSON string "inf").                       */
/* ------------------------------------------------------------------------ */

/* Return statistics of one equity curve (net, gross or benchmark). */
typedef struct pr_perf {
    double start, end;           /* first and last equity                          */
    double total_return;         /* end / start - 1                                */
    double cagr;                 /* (end/start)^(1/years) - 1, years = returns / ppy */
    double volatility;           /* sample stdev of returns (ddof 1) * sqrt(ppy)    */
    double sharpe;               /* (mean - rf_p) / stdev * sqrt(ppy)               */
    double sortino;              /* (mean - rf_p) / downside deviation * sqrt(ppy)   */
    double calmar;               /* cagr / max_drawdown                             */
    double max_drawdown;         /* largest peak-to-trough fall, fraction of peak    */
    size_t dd_peak, dd_trough, dd_end;  /* point indices of the max drawdown: its
                                    peak, trough, and recovery (first point back at
                                    the peak) or the last point when not recovered */
    int dd_recovered;
    int64_t dd_peak_ts, dd_trough_ts, dd_end_ts;
    int64_t dd_duration_ms;      /* dd_end_ts - dd_peak_ts                          */
    size_t dd_duration_bars;     /* dd_end - dd_peak                                */
    size_t dd_to_trough_bars;    /* dd_trough - dd_peak                             */
    int64_t longest_dd_ms;       /* longest time under water (any drawdown)         */
    size_t longest_dd_bars;
    size_t n_returns;            /* returns used for volatility / Sharpe / Sortino   */
    double years;                /* periods spanned / periods per year (for CAGR)    */
} pr_perf;

/* Statistics of a set of trades (closed trades only, except n_open and the
 * costs of open trades where stated). */
typedef struct pr_trade_stats {
    size_t n_trades;             /* closed trades                                   */
    size_t n_wins, n_losses;     /* pnl > 0, pnl < 0 (pnl == 0: neither)             */
    size_t n_open;               /* still open at the end                            */
    double win_rate;             /* n_wins / n_trades                               */
    double gross_wins;           /* sum of pnl > 0                                   */
    double gross_losses;         /* -sum of pnl < 0 (>= 0)                           */
    double profit_factor;        /* gross_wins / gross_losses; inf without losses    */
    double avg_win;              /* gross_wins / n_wins                             */
    double avg_loss;             /* -gross_losses / n_losses (<= 0)                  */
    double expectancy;           /* mean pnl per closed trade                        */
    double expectancy_r;         /* mean pnl / risk over trades with risk > 0         */
    double sqn;                  /* Van Tharp's System Quality Number: sqrt(n) x mean
                                    pnl / sample stdev of pnl (NaN below 2 trades)  */
    size_t n_r;                  /* trades that had a risk                           */
    double net_pnl, gross_pnl;   /* sums over closed trades                          */
    double fees, slippage, funding;  /* sums over closed trades                      */
    double best, worst;          /* largest and smallest pnl                         */
    int64_t avg_holding_ms;      /* mean exit_ts - entry_ts (rounded to ms)          */
    size_t max_consec_wins, max_consec_losses;  /* in exit order                     */
} pr_trade_stats;

typedef struct pr_instrument_stats {
    int instrument;
    char symbol[PR_TRADE_TEXT_MAX];
    pr_asset_class cls;
    pr_trade_stats t;
} pr_instrument_stats;

typedef struct pr_class_stats {
    pr_asset_class cls;
    pr_trade_stats t;
} pr_class_stats;

/* A calendar period's return: the equity at its end (the last point labelled
 * before the next period starts at UTC midnight) over the equity at the
 * previous period's end (the first point for the first period). */
typedef struct pr_period_return {
    int year;
    int month;                   /* 1..12; 0 for a whole year                       */
    double ret;
} pr_period_return;

typedef struct pr_metrics {
    size_t n_points;
    int64_t start_ts, end_ts;    /* first and last equity point                    */
    int64_t bar_ms;              /* most common step between points                 */
    int daily_sampled;           /* 1: returns are daily UTC-midnight samples        */
    double periods_per_year;     /* annualisation factor used                       */
    pr_asset_class ann_cls;      /* class used for annualisation (UNKNOWN: mixed)    */
    char ann_rule[96];           /* e.g. "per-bar, crypto: 365 d x 24 bars/d"        */
    double risk_free;

    pr_perf net;                 /* from equity                                     */
    pr_perf gross;               /* from equity_gross: results without costs         */
    int has_benchmark;
    pr_perf bench;               /* buy and hold; start, total return, CAGR and
                                    Calmar measured from the money before buying,
                                    so the entry fee (and, bought at the open, the
                                    first bar's open-to-close move) count          */

    pr_trade_stats trades;       /* all closed trades                               */
    double fees_paid, slippage_paid, funding_paid;  /* all trades, open included     */
    double cost_drag;            /* gross.end - net.end                              */
    double end_cash, end_balance, end_margin_used;  /* the last point's account   */
    double max_margin_used;      /* largest margin_used over the points              */
    double time_in_market;       /* fraction of points with exposure != 0            */
    double avg_exposure;         /* mean |exposure| over the points                   */

    pr_class_stats *by_class;    /* classes that traded, in enum order             */
    size_t n_class;
    pr_instrument_stats *by_instrument;  /* by instrument index                     */
    size_t n_instrument;
    pr_period_return *monthly;   /* chronological                                   */
    size_t n_monthly;
    pr_period_return *yearly;
    size_t n_yearly;
} pr_metrics;

/* Computes everything. `eq` must hold at least one point with equity > 0 and
 * strictly increasing ts; `tr` may be empty; `opt` may be NULL (defaults).
 * `out` is overwritten (not freed first): release it with pr_metrics_free. */
int pr_metrics_compute(const pr_equity_point *eq, size_t n_eq, const pr_trade_record *tr,
                       size_t n_tr, const pr_metrics_options *opt, pr_metrics *out,
                       pr_err *err);
void pr_metrics_free(pr_metrics *m);

/* Building blocks, exposed for the report and for tests. */

/* Return statistics of values v[0..n) at times ts[0..n) with the given
 * annualisation (daily: sample at UTC midnight instead of per point). */
int pr_perf_compute(const int64_t *ts, const double *v, size_t n, double periods_per_year,
                    int daily, double risk_free, pr_perf *out, pr_err *err);
/* Trading days a year of an asset class as the metrics annualise (crypto
 * 365, forex 260, stocks and futures 252, unknown 365). */
double pr_metrics_days_per_year(pr_asset_class c);
/* Statistics of trades tr[0..n). */
void pr_trade_stats_compute(const pr_trade_record *tr, size_t n, pr_trade_stats *out);
/* Benchmark equity at each of the times ts[0..n) into out[0..n) (see
 * pr_metrics_options); before a series' first bar its share is held as cash. */
int pr_benchmark_curve(const pr_price_series *s, size_t n_s, double start_equity,
                       int at_open, double fee, const int64_t *ts, size_t n, double *out,
                       pr_err *err);
/* Monthly and yearly returns of the curve (malloc'd arrays, chronological;
 * free() them). */
int pr_period_returns(const int64_t *ts, const double *v, size_t n, pr_period_return **monthly,
                      size_t *n_monthly, pr_period_return **yearly, size_t *n_yearly,
                      pr_err *err);

/* ------------------------------------------------------------------------ */
/* Outputs (deterministic: identical inputs give identical bytes)           */
/* ------------------------------------------------------------------------ */

/* The metrics as a plain-text table for a terminal. Returns the length the
 * full text needs (like snprintf); writes at most cap-1 bytes + NUL. */
size_t pr_metrics_format_table(const pr_metrics *m, char *buf, size_t cap);
/* The same text written to an explicit sink (PR_EIO on a write error). */
int pr_metrics_write_table(const pr_metrics *m, FILE *f, pr_err *err);

/* The metrics as a JSON document (keys in a fixed order, reals with 17
 * significant digits, 2-space indent, trailing newline). *out is malloc'd:
 * free() it. */
int pr_metrics_to_json(const pr_metrics *m, char **out, pr_err *err);

/* CSV writers: header line, then one line per record; times ISO 8601 UTC,
 * numbers as pr_dtoa text (shortest round trip), text quoted when it holds a comma, quote or line break.
 * trades: entry_time,exit_time,instrument,symbol,asset_class,side,qty,
 *         entry_price,exit_price,gross_pnl,fees,slippage,funding,pnl,risk,
 *         tag,reason   (exit_time empty for a trade still open)
 * equity: time,equity,equity_gross,cash,balance,margin_used,exposure,drawdown */
int pr_write_trades_csv(const char *path, const pr_trade_record *tr, size_t n, pr_err *err);
int pr_write_equity_csv(const char *path, const pr_equity_point *eq, size_t n, pr_err *err);
int pr_fwrite_trades_csv(FILE *f, const pr_trade_record *tr, size_t n, pr_err *err);
int pr_fwrite_equity_csv(FILE *f, const pr_equity_point *eq, size_t n, pr_err *err);

/* Fingerprint of a run's behaviour: SHA-256 (lower-case hex, 64 chars + NUL)
 * of the canonical text of the trade list, which is exactly the trades CSV
 * above — so `sha256sum trades.csv` gives the same value. */
#define PR_FINGERPRINT_HEX 65
int pr_trades_fingerprint(const pr_trade_record *tr, size_t n, char hex[PR_FINGERPRINT_HEX],
                          pr_err *err);
/* SHA-256 of arbitrary bytes as hex. */
int pr_sha256_hex(const void *data, size_t len, char hex[PR_FINGERPRINT_HEX], pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
