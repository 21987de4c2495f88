/* Part of risk.h: the technical market-regime classifier (issue #11 §6).
 * Eight regimes from ADX, the slope of an EMA in ATRs per bar, the Hurst
 * exponent of the latest closes and the percentile of the ATR in its recent
 * window, all read at bar t from bars up to t only. The rules are in
 * pr_regime_rule (README "Portfolio, regimes and correlation"); the
 * thresholds are a parameter table (`pr_risk_regime_info`) so a config
 * section, `proratio risk regimes` and the README read one declaration. */
#ifndef PRORATIO_RISK_REGIME_H
#define PRORATIO_RISK_REGIME_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The same eight regimes, in the same order and with the same names, as
 * the `ai` module's LLM regime verdict (risk may not include ai; the CLI
 * converts by index). */
typedef enum pr_risk_regime {
    PR_RISK_REGIME_NONE = -1,          /* warming up: an input is not defined yet */
    PR_RISK_REGIME_STRONG_BULL = 0,
    PR_RISK_REGIME_WEAK_BULL,
    PR_RISK_REGIME_BULL_RANGE,
    PR_RISK_REGIME_BEAR_RANGE,
    PR_RISK_REGIME_WEAK_BEAR,
    PR_RISK_REGIME_STRONG_BEAR,
    PR_RISK_REGIME_HIGH_VOL_EXPANSION,
    PR_RISK_REGIME_LOW_VOL_COMPRESSION,
    PR_RISK_REGIME_COUNT
} pr_risk_regime;

/* "strong_bull" ... "low_vol_compression"; "none" for NONE. */
const char *pr_risk_regime_name(pr_risk_regime r);
/* The names in order, NULL-terminated (PR_RISK_REGIME_COUNT of them). */
extern const char *const pr_risk_regime_names[];

/* The classifier's settings (`regime` config keys). */
typedef struct pr_regime_params {
    int adx_period;          /* ADX (TA-Lib) period                                 */
    int ema_period;          /* EMA of the close whose slope gives the direction    */
    int slope_bars;          /* slope = (EMA[t] - EMA[t-k]) / (k * ATR[t])          */
    int atr_period;          /* ATR (TA-Lib, Wilder) period                         */
    int atr_window;          /* bars of the ATR percentile (t included)             */
    int hurst_window;        /* closes of the Hurst exponent (t included); 0: off   */
    double adx_trend;        /* ADX at or above: a trend (weak at least)            */
    double adx_strong;       /* ADX at or above: a strong trend                     */
    double slope_weak;       /* |slope| at or above: weak trend (ATRs per bar)      */
    double slope_strong;     /* |slope| at or above: strong trend                   */
    double hurst_min;        /* a trend needs H >= this (not mean-reverting)        */
    double vol_high;         /* ATR percentile at or above: high-vol expansion      */
    double vol_low;          /* ATR percentile at or below (and ADX < adx_trend):
                                low-vol compression                                 */
    double llm_weight;       /* the LLM regime verdict's weight against the technical
                                regime (pr_regime_combine with w = 1 - llm_weight);
                                0: off, the model is not asked                      */
} pr_regime_params;

extern const pr_strategy_info pr_risk_regime_info;
void pr_regime_params_default(pr_regime_params *p);

/* What the rule reads at bar t. */
typedef struct pr_regime_inputs {
    double adx;              /* ADX[t]                                              */
    double slope;            /* EMA slope in ATRs per bar                           */
    double hurst;            /* H of the hurst_window latest log closes; NaN: not
                                defined (constant increments) or off                */
    double atr_pct;          /* mid-rank percentile of ATR[t] among the atr_window
                                latest ATRs: (below + equal/2) / (window - 1), equal
                                not counting t itself; 0 the lowest, 1 the highest   */
} pr_regime_inputs;

/* The rule, in order (NaN ADX, slope or percentile: NONE):
 *   1. atr_pct >= vol_high                      -> high_vol_expansion
 *   2. atr_pct <= vol_low and adx < adx_trend   -> low_vol_compression
 *   3. direction: bull when slope >= 0, else bear; a trend needs H >=
 *      hurst_min (a NaN H does not object)
 *   4. adx >= adx_strong and |slope| >= slope_strong (and H) -> strong_<dir>
 *   5. adx >= adx_trend and |slope| >= slope_weak (and H)    -> weak_<dir>
 *   6. otherwise                                             -> <dir>_range */
pr_risk_regime pr_regime_rule(const pr_regime_params *p, const pr_regime_inputs *in);

/* Bars before the first defined regime (the longest input's lookback). */
size_t pr_regime_lookback(const pr_regime_params *p);

/* The inputs at index t of arrays over the same bars (adx, ema and atr as
 * TA-Lib computes them over bars 0..t, NaN while warming up); `logc` holds
 * the hurst_window log closes ending at t (NULL when hurst_window is 0).
 * Reads nothing after t. NONE-worthy inputs come out NaN. */
void pr_regime_inputs_at(const pr_regime_params *p, size_t t, const double *adx, const double *ema,
                         const double *atr, const double *logc, pr_regime_inputs *out);

/* The regime of every bar of a series, each from bars up to it only
 * (out[t] = PR_RISK_REGIME_NONE while warming up); `in` (may be NULL)
 * receives each bar's inputs. PR_EINVAL on bad parameters, PR_ENOMEM. */
int pr_regime_classify(const pr_regime_params *p, size_t n, const double *high, const double *low,
                       const double *close, pr_risk_regime *out, pr_regime_inputs *in, pr_err *err);

/* Hysteresis: the regime in force changes only once a new regime has been
 * classified on `confirm` consecutive bars (1: at once); the first regime
 * after the warm-up (from NONE) is taken at once. Initialise with
 * pr_regime_filter_init; feed every bar in order. */
typedef struct pr_regime_filter {
    pr_risk_regime current;            /* in force (NONE at first)             */
    pr_risk_regime cand;               /* waiting for confirmation             */
    int cand_n;
    int confirm;
} pr_regime_filter;

void pr_regime_filter_init(pr_regime_filter *f, int confirm);
/* Feeds bar t's classification; returns 1 when the regime in force changed. */
int pr_regime_filter_step(pr_regime_filter *f, pr_risk_regime r);

/* ---- the LLM verdict ------------------------------------------------------
 * Combines the technical regime with an LLM regime verdict given as its
 * eight probabilities (ai's pr_verdict_regime.prob, same order): each
 * regime r scores w * [r == technical] + (1 - w) * prob[r] and the highest
 * score wins, ties going to the technical regime. w = 1 ignores the model,
 * w = 0 takes its most probable regime; with w = 0.5 the model overrides
 * only when it gives another regime more probability than the technical
 * one plus 1 (that is: never), so useful values are below 0.5 (0.25: the
 * model wins when its favourite beats its probability of the technical
 * regime by more than 1/3). A NONE technical regime takes the model's. */
pr_risk_regime pr_regime_combine(pr_risk_regime technical, const double prob[PR_RISK_REGIME_COUNT], double w);

#ifdef __cplusplus
}
#endif
#endif
