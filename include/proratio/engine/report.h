/* Part of engine.h: the self-contained HTML report of a run — one file with
 * inline CSS, inline JavaScript and the data as inline JSON, drawn on
 * <canvas>; it references nothing outside itself (no network, no CDN).
 * Sections: title and configuration summary, metrics table, equity (net,
 * without costs, buy and hold) and drawdown charts, each instrument's price
 * with every trade's entry and exit marked (tooltips on hover), monthly
 * returns (year x month), and the trade list. Identical inputs give
 * identical bytes (the report holds no time of its own). */
#ifndef PRORATIO_ENGINE_REPORT_H
#define PRORATIO_ENGINE_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include "proratio/core.h"
#include "proratio/engine/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One line of the configuration summary ("strategy", "sma_cross(10, 30)"). */
typedef struct pr_report_kv {
    const char *key;
    const char *value;
} pr_report_kv;

typedef struct pr_report_input {
    const char *title;               /* NULL or "": "Proratio backtest"            */
    const pr_report_kv *config;      /* shown in this order                         */
    size_t n_config;
    const pr_metrics *metrics;       /* required (pr_metrics_compute)               */
    const pr_equity_point *eq;       /* required, the curve the metrics came from    */
    size_t n_eq;
    const double *bench_equity;      /* optional, n_eq values (pr_benchmark_curve)   */
    const pr_trade_record *trades;   /* every trade; markers for all of them         */
    size_t n_trades;
    const pr_price_series *prices;   /* one price chart per series; its trades are
                                        those with the same `instrument`            */
    size_t n_prices;
    size_t max_points;               /* per chart line after downsampling; 0: 5000  */
    size_t max_trade_rows;           /* rows of the trade list; 0: 500              */
    const char *fingerprint;         /* optional: pr_trades_fingerprint of `trades`
                                        when the caller has it (NULL: worked out)   */
} pr_report_input;

/* Writes the report to `path` (created or truncated). */
int pr_report_write_html(const char *path, const pr_report_input *in, pr_err *err);
/* The same into an explicit sink. */
int pr_report_fwrite_html(FILE *f, const pr_report_input *in, pr_err *err);

/* Downsampling used for the charts, exposed for tests: indices (ascending,
 * into out_idx, which holds max_points) of the points kept from v[0..n):
 * all when n <= max_points, else the first, the last, and the minimum and
 * maximum of each of (max_points - 2) / 2 equal buckets. Returns the count
 * (<= max_points; max_points must be >= 4 when n > max_points). */
size_t pr_report_downsample(const double *v, size_t n, size_t max_points, size_t *out_idx);

#ifdef __cplusplus
}
#endif
#endif
