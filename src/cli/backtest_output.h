/* Internal to the CLI: what `proratio backtest` makes of a finished run —
 * the metrics (net, without costs, buy and hold), the terminal table, the
 * trades/equity/metrics files, the fingerprint and the HTML report. */
#ifndef PR_BACKTEST_OUTPUT_H
#define PR_BACKTEST_OUTPUT_H
#include "backtest_config.h"

typedef struct bt_analysis {
    pr_trade_record *trades;
    size_t n_trades;
    pr_equity_point *eq;
    size_t n_eq;
    pr_price_series *prices;       /* one per market, borrowing the bars      */
    double *bench;                 /* buy and hold at the curve's times, or NULL */
    pr_metrics m;
    int has_m;
    char fingerprint[PR_FINGERPRINT_HEX];
} bt_analysis;

/* Metrics of a run: records, buy-and-hold benchmark, fingerprint. */
int bt_analyse(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res, bt_analysis *out,
               pr_err *err);
void bt_analysis_free(bt_analysis *a);

/* Prints the summary, table and fingerprint (to stdout; with json, the
 * metrics JSON goes to stdout and the rest to stderr) and writes
 * trades.csv, equity.csv, metrics.json into s->out_dir and the report when
 * s->report is set. `strategy` describes the strategy and its parameters. */
int bt_output(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
              const bt_analysis *a, const char *strategy, int json, pr_err *err);

#endif
