/* Private helpers shared by the metrics, CSV, fingerprint and report files:
 * deterministic number text, the trades CSV emitted to any byte sink (a file
 * or a hash), and the metrics as a jansson tree. Not part of the public API. */
#ifndef PR_ENGINE_METRICS_INTERNAL_H
#define PR_ENGINE_METRICS_INTERNAL_H

#include <jansson.h>
#include "proratio/engine/metrics.h"

#define PR_MX_NUM_MAX 40

/* pr_dtoa: the shortest text that reads back to x; "nan", "inf", "-inf"
 * (the NaN text carries no sign, whatever the NaN's bits). */
size_t pr_mx_fmt_num(double x, char buf[PR_MX_NUM_MAX]);

/* Display text (terminal table, HTML): fixed decimals plus suffix, a
 * percentage of a fraction with 2 decimals, a duration "3d 04:05:06"; NaN is
 * "n/a", infinities "inf"/"-inf". Each returns b. */
const char *pr_mx_fnum(char *b, size_t cap, double x, int dec, const char *suffix);
const char *pr_mx_fpct(char *b, size_t cap, double x);
const char *pr_mx_fdur(char *b, size_t cap, int64_t ms);

/* Receives n bytes; returns 0 or a negative pr_status to stop. */
typedef int (*pr_mx_sink)(void *ctx, const char *s, size_t n);

int pr_mx_trades_csv(const pr_trade_record *tr, size_t n, pr_mx_sink sink, void *ctx);

/* A real, or "inf"/"-inf" strings, or null for NaN. */
json_t *pr_mx_json_num(double x);
/* The whole metrics document (as pr_metrics_to_json prints it); NULL when
 * out of memory. */
json_t *pr_mx_metrics_json(const pr_metrics *m);

#endif
