/* Public interface of the ta module: technical indicators (TA-Lib-compatible
 * values plus the ones strategies need that TA-Lib lacks), candlestick
 * patterns and statistics.
 *
 * Conventions shared by every indicator X:
 *   int pr_ta_X_lookback(params..., int *out)   bars with no output
 *   int pr_ta_X(size_t n, inputs..., params..., outputs...)
 *       batch form; every output array has n cells, aligned with the input;
 *       cells before the lookback (and any cell that cannot be defined) are
 *       NaN. Recursive indicators are seeded at bar 0 exactly as TA-Lib does.
 *   pr_ta_X_state + pr_ta_X_init(state, params...) / pr_ta_X_update(state,
 *       one bar's inputs..., outputs...) / pr_ta_X_free(state)
 *       streaming form; update writes NaN while warming up and afterwards
 *       exactly the value the batch form gives for that bar.
 * All return 0 or a negative pr_status (PR_EINVAL for a parameter outside
 * its documented range).
 *
 * Bad-input policy (documented in README, tested):
 *   - a period outside its range -> PR_EINVAL, outputs untouched;
 *   - n == 0 -> PR_OK, nothing written; n <= lookback -> all NaN, PR_OK;
 *   - NaN/inf inputs are not repaired: they propagate to every output whose
 *     computation uses them, and in indicators that carry running sums or
 *     recursive state (EMA family, Wilder smoothing, SAR, OBV...) to every
 *     later output as well. Clean data first (the data module rejects them);
 *   - high < low is not checked (TA-Lib does not either): range-based
 *     indicators compute with the negative range as given.
 */
#ifndef PRORATIO_TA_H
#define PRORATIO_TA_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the indicator table, for tools (CLI, strategies, feature builders) ---- */

/* One bar's inputs for the generic streaming interface. */
typedef struct pr_ta_bar {
    int64_t ts;
    double open, high, low, close, volume;
    double real0, real1;   /* generic real inputs (default: close / high, low) */
} pr_ta_bar;

/* Arrays for the generic batch interface; those an indicator does not use may be NULL. */
typedef struct pr_ta_input {
    size_t n;
    const int64_t *ts;
    const double *open, *high, *low, *close, *volume;
    const double *real0, *real1;
} pr_ta_input;

#define PR_TA_MAX_PARAMS 8
#define PR_TA_MAX_OUTPUTS 8
#define PR_TA_MAX_INPUTS 6

typedef struct pr_ta_param {
    const char *name;      /* "period", "nbdevup"                        */
    double def, min, max;  /* default and inclusive range                */
    int integer;           /* 1 when it must be a whole number          */
} pr_ta_param;

/* Input names: "open" "high" "low" "close" "volume" "time" "real0" "real1". */
typedef struct pr_ta_def {
    const char *name;            /* lower-case id used on the CLI: "bbands" */
    const char *group;           /* "overlap" "momentum" "volatility" "volume" "trend" "pattern" "stats" "levels" "price" "math" "cycle" */
    const char *desc;            /* one line                               */
    int talib;                   /* 1 when values match TA-Lib's function  */
    int n_inputs;
    const char *inputs[PR_TA_MAX_INPUTS];
    int n_params;
    pr_ta_param params[PR_TA_MAX_PARAMS];
    int n_outputs;
    const char *outputs[PR_TA_MAX_OUTPUTS];  /* "upper" "middle" "lower"  */
    int (*lookback)(const double *params, int *out);
    /* out[k] has in->n cells for every output k. */
    int (*run)(const pr_ta_input *in, const double *params, double *const *out);
    /* Generic streaming: new -> update per bar (writes n_outputs values) -> free. */
    int (*stream_new)(const double *params, void **state);
    int (*stream_update)(void *state, const pr_ta_bar *bar, double *out);
    void (*stream_free)(void *state);
} pr_ta_def;

size_t pr_ta_count(void);
const pr_ta_def *pr_ta_at(size_t i);
/* Case-insensitive lookup by name; PR_ENOTFOUND when unknown. */
int pr_ta_find(const char *name, const pr_ta_def **out);
/* Checks params against the definition (range, integer), filling defaults
 * for trailing params not given. `given` = number supplied. */
int pr_ta_check_params(const pr_ta_def *d, const double *params, int given,
                       double *full, pr_err *err);

/* Weight below which the start of the data no longer counts (see
 * pr_ta_memory): 1e-12, a thousand times below the 1e-9-of-the-price
 * margin the built-in strategies' comparisons treat as rounding noise. */
#define PR_TA_SEED_TOL 1e-12
/* Bars of history an indicator needs before a bar so that its value there
 * depends on earlier data with a weight below `tol`: the lookback for an
 * indicator over a window; for a recursive one (EMA family, Wilder
 * smoothing, KAMA, T3...) the lookback plus the bars after which its seed
 * weighs less than tol (EMA(50): 49 + 691 = 740 bars at 1e-12). `params` are complete
 * (pr_ta_check_params). *bounded (may be NULL) is 0 for indicators that
 * never forget their start (running totals: obv, ad; path-dependent: sar,
 * supertrend): no warm-up makes them independent of it, and *bars is only
 * what their smoothing needs. *bars is SIZE_MAX when no finite history
 * suffices. */
int pr_ta_memory(const pr_ta_def *d, const double *params, double tol, size_t *bars, int *bounded);

#ifdef __cplusplus
}
#endif

/* Indicator families (typed batch + streaming APIs). */
#include "proratio/ta/overlap.h"
#include "proratio/ta/momentum.h"
#include "proratio/ta/extra.h"
#include "proratio/ta/stats.h"
#include "proratio/ta/talib.h"

#endif
