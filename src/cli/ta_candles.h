/* `proratio ta`'s candlestick part: the --candle-setting flag and the
 * one-pass computation of the patterns asked for (ta_candles.c). */
#ifndef PR_CLI_TA_CANDLES_H
#define PR_CLI_TA_CANDLES_H
#include "proratio/ta.h"

/* Applies "Name=Range,Period,Factor" (TA-Lib's names, e.g.
 * "BodyDoji=HighLow,10,0.1") to cs; an exit code (usage error printed). */
int pr_cli_ta_candle_setting(const char *cmd, const char *text, pr_ta_candle_settings *cs);

/* Computes the candlestick patterns among defs[0..n) (params[j][0] = the
 * penetration of those that take one) into outs[j][0], over in's bars, in
 * one pass (pr_ta_cdl_all) with settings cs (NULL = defaults); done[j] is
 * set for each one computed. A pattern given twice (other penetration) is
 * computed separately. Returns a pr_status. */
int pr_cli_ta_patterns(int n, const pr_ta_def *const *defs, const double *const *params, double *const *outs,
                       const pr_ta_input *in, const pr_ta_candle_settings *cs, int *done);
#endif
