/* Internal to the CLI: the A/B comparison of `proratio backtest --ab`, the
 * same configuration run with only its confirmation stages' ta_threshold rule
 * (TA-only) and with the stages (TA+AI), printed side by side with the ai
 * module's pr_ab_* functions, as one JSON document, and as an HTML page. */
#ifndef PR_BACKTEST_AB_H
#define PR_BACKTEST_AB_H
#include "backtest_confirm.h"
#include "backtest_output.h"

/* One finished side. */
typedef struct bt_ab_side {
    const char *name;             /* "TA-only", "TA+AI"                      */
    const bt_analysis *an;
    const bt_stages *stages;
    const char *out_dir;
    const char *report;           /* its HTML report, NULL when none          */
} bt_ab_side;

/* Prints the comparison of a and b: a side-by-side table, or with json one
 * JSON document on stdout {"ta_only": side, "ta_ai": side, "comparison":
 * pr_ab_json} with each side's metrics, fingerprint and files. With page
 * (NULL: none) also writes the side-by-side HTML page there. */
int bt_ab_print(const bt_ab_side *a, const bt_ab_side *b, int json, const char *page, pr_err *err);

#endif
