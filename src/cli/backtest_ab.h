/* Internal to the CLI: the A/B comparison of `proratio backtest --ab`, the
 * same configuration run without its confirmation stages (TA-only) and with
 * them (TA+AI), printed side by side with the ai module's pr_ab_* functions. */
#ifndef PR_BACKTEST_AB_H
#define PR_BACKTEST_AB_H
#include "backtest_output.h"

/* Prints the comparison of a (TA-only) and b (TA+AI, which made `calls`
 * provider calls costing `cost` USD): a side-by-side table, or with json one
 * JSON object on stdout. */
int bt_ab_print(const pr_metrics *a, const pr_metrics *b, size_t calls, double cost, int json, pr_err *err);

#endif
