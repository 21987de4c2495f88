/* Internal to the CLI: what `proratio backtest` makes of a finished run —
 * the metrics (net, without costs, buy and hold), the terminal table, the
 * trades/equity/metrics files, the fingerprint and the HTML report. */
#ifndef PR_BACKTEST_OUTPUT_H
#define PR_BACKTEST_OUTPUT_H
#include <stdio.h>
#include <jansson.h>
#include "backtest_config.h"

typedef struct bt_equity_job bt_equity_job;

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
    bt_equity_job *equity;         /* equity.csv being written, or NULL        */
    const pr_risk_state *risk;     /* the risk stage's (borrowed), NULL: off   */
    const pr_risk_watch *watch;    /* its exposure/VaR series (borrowed), NULL: off */
} bt_analysis;

/* Index of market i's first traded bar (after the warm-up). */
size_t bt_first_traded(const pr_backtest_config *bc, size_t i);

/* Metrics of a run: records, buy-and-hold benchmark, fingerprint. With
 * equity_dir, equity_dir/equity.csv starts being written in the background
 * as soon as the curve is known (bt_equity_start). */
int bt_analyse(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
               const char *equity_dir, bt_analysis *out, pr_err *err);
/* Also abandons an equity.csv still being written (bt_equity_abandon). */
void bt_analysis_free(bt_analysis *a);

/* equity.csv in the background (backtest_equity.c): starts writing
 * out_dir/equity.csv.partial from a->eq (a must stay put until finished;
 * when no thread can be started, nothing happens and bt_equity_finish
 * writes in the foreground); finish waits for it and renames it to `path`
 * (or writes `path` itself when no job for it runs), with the error
 * pr_write_equity_csv would give; abandon waits and removes the partial
 * file. */
void bt_equity_start(bt_analysis *a, const char *out_dir);
int bt_equity_finish(bt_analysis *a, const char *path, pr_err *err);
void bt_equity_abandon(bt_analysis *a);

/* SHA-256 (hex) of the configuration as run (flags applied) without its
 * "output" section, which does not change results: compact JSON with sorted
 * keys, so key order and layout in the file do not matter. */
int bt_config_digest(const pr_config *cfg, char hex[PR_FINGERPRINT_HEX], pr_err *err);

/* mkdir -p. */
int bt_make_dirs(const char *dir, pr_err *err);

/* The run's description: strategy, each instrument with its data and costs,
 * account and sizing. */
void bt_print_header(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
                     const char *strategy, FILE *f);

/* The orders rejected, by reason, and when signals brought no fill, why. */
void bt_print_rejects(const pr_backtest_config *bc, const pr_backtest_result *res, FILE *f);

typedef enum bt_show {
    BT_SHOW_TABLE = 0,   /* pipeline counts and the metrics table on stdout        */
    BT_SHOW_JSON,        /* the metrics JSON on stdout, file lines on stderr       */
    BT_SHOW_FILES,       /* pipeline counts and file lines only (A/B sides)        */
    BT_SHOW_QUIET        /* nothing on stdout, those lines on stderr (A/B --json)  */
} bt_show;

/* Prints as `show` says and writes trades.csv, equity.csv, metrics.json
 * into out_dir, and the HTML report to `report` unless it is NULL or "".
 * `strategy` describes the strategy and its parameters; ai_note (NULL or
 * "": none) the AI stages' prompts or contamination, shown in the report. */
int bt_output(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
              bt_analysis *a, const char *strategy, const char *out_dir, const char *report,
              const char *ai_note, bt_show show, pr_err *err);

/* risk.csv, the "exposure"/"var95" summary under metrics.json's "risk"
 * (risk is that object) and the one-line summary of the terminal and the
 * HTML report (backtest_risk.c). */
int bt_risk_series_write(const char *path, const pr_risk_watch *w, pr_err *err);
void bt_risk_series_json(json_t *risk, const pr_risk_watch *w);
void bt_risk_series_text(const pr_risk_watch *w, char *buf, size_t cap);

#endif
