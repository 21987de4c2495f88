/* Part of risk.h: the multi-strategy portfolio (issue #11 §6), a composite
 * strategy (signal's pr_strategy vtable) named "portfolio" that runs
 * several built-in strategies ("sleeves") in one account, each on its own
 * instruments, and scales each sleeve's entries by its weight. The weights
 * come from a regime -> allocation table: the technical regime of one
 * configured market (risk/regime.h) picks the row. It lives in risk, which
 * may use signal (the strategies) and ta (the regime's indicators); signal's
 * registry cannot list it, so the CLI creates it by name (README "Portfolio,
 * regimes and correlation"). */
#ifndef PRORATIO_RISK_MULTI_H
#define PRORATIO_RISK_MULTI_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/risk/regime.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_MULTI_STRATEGY "portfolio"
#define PR_MULTI_MAX_SLEEVES 8
#define PR_MULTI_MAX_MARKETS 16        /* instruments of one sleeve */

typedef struct pr_multi_sleeve {
    char strategy[64];                 /* a built-in strategy's name           */
    size_t n_markets;
    char markets[PR_MULTI_MAX_MARKETS][PR_SYMBOL_MAX];   /* its instruments   */
} pr_multi_sleeve;

typedef struct pr_multi_config {
    char path[96];                     /* config path of the section           */
    size_t n_sleeves;
    pr_multi_sleeve sleeves[PR_MULTI_MAX_SLEEVES];
    char regime_market[PR_SYMBOL_MAX]; /* "": no regime, the default row always */
    pr_regime_params regime;
    int confirm_bars;                  /* a new regime must hold this many
                                          consecutive bars to switch (>= 1)     */
    double weight_default[PR_MULTI_MAX_SLEEVES];          /* "default" row      */
    int has_row[PR_RISK_REGIME_COUNT];
    double weight[PR_RISK_REGIME_COUNT][PR_MULTI_MAX_SLEEVES];
} pr_multi_config;

/* Reads the object at `path` (strategy.params):
 *   {"sleeves": [{"strategy": NAME, "params": {...}, "markets": [SYMBOL, ...]}, ...],
 *    "regime_market": SYMBOL, "regime": {classifier keys}, "confirm_bars": N,
 *    "allocation": {"default": [w1, ...], "strong_bull": [...], ...}}
 * Every error names its key's path. The sleeves' own parameters are
 * checked when pr_multi_new creates them. */
int pr_multi_config_read(const pr_config *cfg, const char *path, pr_multi_config *out, pr_err *err);

/* The weights in force for regime r (the default row for NONE or a regime
 * without a row of its own). */
const double *pr_multi_weights(const pr_multi_config *c, pr_risk_regime r);

/* Creates the composite: each sleeve from cfg at "<path>.sleeves.<i>.params"
 * (cfg may be NULL: defaults). Its init maps the sleeves' markets to the
 * view's instruments and refuses an unknown or shared market with the
 * key's path. */
int pr_multi_new(const pr_multi_config *c, const pr_config *cfg, pr_strategy **out, pr_err *err);

/* After (or during) a run: regime switches and sleeve closings so far. */
typedef struct pr_multi_stats {
    pr_risk_regime regime;             /* in force now                          */
    size_t switches;                   /* allocation changes by regime          */
    size_t closings;                   /* exits ordered as a weight fell to 0   */
    size_t dropped_entries;            /* entries of sleeves at weight 0        */
    size_t llm_asked;                  /* LLM regime verdicts asked for          */
    size_t llm_answered;               /* of which answered                      */
    size_t llm_changed;                /* bars whose regime the verdict changed  */
} pr_multi_stats;
void pr_multi_get_stats(const pr_strategy *s, pr_multi_stats *out);

/* The LLM regime verdict on the regime market `inst` at the view's step
 * (its bars up to now only): the eight probabilities in pr_risk_regime's
 * order into prob and *ok 1, or *ok 0 when there is none (the technical
 * regime stands). Non-zero only for an error that must stop the run. The
 * CLI implements it with the ai module (risk may not include ai). */
typedef int (*pr_multi_regime_llm)(void *ctx, const pr_market_view *v, int inst,
                                   double prob[PR_RISK_REGIME_COUNT], int *ok, pr_err *err);
/* Installs it (ctx borrowed): with regime.llm_weight > 0 the portfolio asks
 * it at each close of the regime market once the technical regime is
 * defined, and combines the two (pr_regime_combine) before confirm_bars. */
void pr_multi_set_regime_llm(pr_strategy *s, pr_multi_regime_llm fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
