/* Part of risk.h: position sizing rules as pure functions of what the stage
 * knows at the decision time (equity, price, stop, closed-trade statistics,
 * ATR, volatility, the signal's confidence), so each is testable on numbers
 * worked out by hand. */
#ifndef PRORATIO_RISK_SIZING_H
#define PRORATIO_RISK_SIZING_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_SCORE_LEVELS 4   /* rows of the TA score -> win probability table */

typedef enum pr_risk_mode {
    PR_RISK_FIXED_FRACTION = 0,  /* notional = fraction * equity                     */
    PR_RISK_FIXED_RISK,      /* lose `risk` * equity at the stop (no stop: fraction)  */
    PR_RISK_KELLY,           /* notional = kelly_fraction * f* * equity, f* from the
                                strategy's rolling closed trades                      */
    PR_RISK_KELLY_SCORE,     /* the same with p from the TA score table, b = payoff  */
    PR_RISK_ATR,             /* units = risk * equity / (atr_k * ATR)                 */
    PR_RISK_VOL_TARGET,      /* notional = equity * target_vol / annualised vol       */
    PR_RISK_PIP,             /* units = risk $ / (stop pips * pip value), lot-rounded */
    PR_RISK_CONTRACTS,       /* whole contracts: risk $ / (stop ticks * tick value)   */
    PR_RISK_N_MODES
} pr_risk_mode;

/* The names of the modes as the configuration spells them (NULL-terminated). */
extern const char *const pr_risk_mode_names[];

/* `risk.sizing` (defaults in pr_risk_sizing_defaults). */
typedef struct pr_risk_sizing {
    int mode;                /* pr_risk_mode                                       */
    double fraction;         /* FIXED_FRACTION, and FIXED_RISK without a stop       */
    double risk;             /* fraction of equity risked per trade (0.01)          */
    double max_loss;         /* hard cap: loss at the stop <= max_loss * equity     */
    double kelly_fraction;   /* 0.25: quarter Kelly                                 */
    int kelly_min_trades;    /* closed trades needed before Kelly applies (30)      */
    int kelly_window;        /* rolling window of closed trades (100)               */
    double kelly_fallback;   /* notional fraction below the minimum sample (0.02)   */
    double max_fraction;     /* cap on any notional fraction of equity (1)          */
    double score_level[PR_RISK_SCORE_LEVELS];  /* TA score thresholds, ascending   */
    double score_prob[PR_RISK_SCORE_LEVELS];   /* win probability from that level  */
    int n_score;             /* rows of the table                                  */
    double payoff;           /* KELLY_SCORE: win/loss ratio b without targets (2)   */
    int atr_period;          /* ATR and volatility lookback in bars (14)            */
    double atr_k;            /* ATR multiple of the risk distance (2)               */
    double target_vol;       /* VOL_TARGET: annualised (0.15)                       */
    double lot_units;        /* PIP: units are rounded down to this (1000)          */
    int by_confidence;       /* 1: multiply by the signal's confidence              */
} pr_risk_sizing;

void pr_risk_sizing_defaults(pr_risk_sizing *s);

/* Closed-trade statistics over the rolling window (returns as fractions of
 * the entry notional). */
typedef struct pr_risk_trade_stats {
    int n, wins;
    double sum_win;          /* sum of winning returns (> 0)                      */
    double sum_loss;         /* sum of |losing returns|                           */
} pr_risk_trade_stats;

/* The Kelly fraction f* = p - (1 - p) / b of win probability p and payoff
 * b = average win / average loss (b <= 0 gives -1: no edge computable). */
double pr_risk_kelly(double p, double b);
/* p of a TA score from the table: the probability of the highest level not
 * above the score; below the first level 0. */
double pr_risk_score_prob(const pr_risk_sizing *s, double score);

/* What the stage knows for one entry. */
typedef struct pr_risk_inputs {
    double equity;           /* account currency                                  */
    double price;            /* the last close (the expected entry price)        */
    double stop;             /* protective stop, 0: none                          */
    double target;           /* first take-profit, 0: none                        */
    double confidence;       /* the signal's, [0,1]                               */
    double atr;              /* 0: not available                                  */
    double vol;              /* annualised volatility of returns, 0: n/a          */
    double fx;               /* account currency per unit of quote currency, 0: n/a */
    const pr_instrument *inst;
    pr_risk_trade_stats stats;
    double mult;             /* the confirmation multipliers' product (risk/mult.h) */
    const char *mult_why;    /* NULL: no multiplier below 1 (mult is ignored)      */
} pr_risk_inputs;

/* The decision: a size in one of the broker's modes, or a refusal. */
typedef struct pr_risk_decision {
    pr_qty_mode mode;
    double value;            /* 0: refused (reason says why)                      */
    int resized;             /* 1: the loss cap or a multiplier lowered it         */
    const char *reason;      /* static text: why refused or resized; NULL: neither */
} pr_risk_decision;

/* Sizes one entry (pure). Always returns 0 and fills *out. */
int pr_risk_size(const pr_risk_sizing *s, const pr_risk_inputs *in, pr_risk_decision *out);

#ifdef __cplusplus
}
#endif
#endif
