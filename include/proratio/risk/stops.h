/* Part of risk.h: stops and targets placed by the risk stage through the
 * pipeline's `bracket` hook (risk.stops): the protective stop (a fixed
 * fraction, an ATR multiple or beyond the nearest strong support/resistance
 * level of ta's detector), trailing, break-even and time stops, tiered
 * take-profits in R multiples, and the entry filters on reward:risk and on
 * a target that beats round-trip costs. The placement itself is a pure
 * function of the entry price, the ATR and the levels known at the decision
 * bar; a pr_risk_stops_ctx reads those from the view, bar by bar as they
 * close, so each entry costs only the bars since the last one. */
#ifndef PRORATIO_RISK_STOPS_H
#define PRORATIO_RISK_STOPS_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/ta.h"
#include "proratio/risk/config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_risk_stop_mode {
    PR_STOP_SIGNAL = 0,      /* place none: the signal's own stop                 */
    PR_STOP_PCT,             /* stop_pct from the entry                           */
    PR_STOP_ATR,             /* atr_k x ATR(atr_period) from the entry             */
    PR_STOP_LEVEL            /* beyond the nearest strong level within level_max   */
} pr_risk_stop_mode;

typedef enum pr_risk_trail_mode { PR_TRAIL_OFF = 0, PR_TRAIL_PCT, PR_TRAIL_ATR } pr_risk_trail_mode;
typedef enum pr_risk_target_unit { PR_TARGET_R = 0, PR_TARGET_PCT } pr_risk_target_unit;
typedef enum pr_risk_rr_from { PR_RR_WEIGHTED = 0, PR_RR_FIRST } pr_risk_rr_from;

/* The names as the configuration spells them (NULL-terminated). */
extern const char *const pr_risk_stop_mode_names[];
extern const char *const pr_risk_level_fallback_names[];   /* "atr", "pct" */
extern const char *const pr_risk_trail_mode_names[];
extern const char *const pr_risk_target_unit_names[];
extern const char *const pr_risk_rr_from_names[];
extern const char *const pr_risk_no_target_names[];        /* "pass", "refuse" */

/* The cross-key checks of risk.stops (a pr_strategy_info check). */
int pr_risk_stops_check(const void *p, const char **what, char *msg, size_t cap);

/* What the placement knows at the decision bar. */
typedef struct pr_risk_bracket_in {
    int dir;                 /* +1 long, -1 short                                 */
    double price;            /* the expected entry: limit, stop trigger or last close */
    double atr;              /* Wilder ATR(atr_period) at the bar; NaN or 0: none  */
    const pr_ta_level *levels;   /* known at the bar, ascending by price          */
    size_t n_levels;
    double round_trip;       /* the market's round trip, fraction of price
                                (pr_risk_round_trip); 0: unknown               */
} pr_risk_bracket_in;

/* Sets the bracket of an entry in *sig as c says, then applies the filters
 * (stop required, target required, costs, reward:risk). Returns NULL, or
 * the static reason the entry is refused. Pure. The cost filter takes
 * c->round_trip_cost when positive, else in->round_trip when c->cost_filter
 * is on (an unknown round trip, 0, passes). */
const char *pr_risk_stops_apply(const pr_risk_stops *c, const pr_risk_bracket_in *in, pr_signal *sig);

/* The level a stop goes beyond (see pr_risk_stops_apply): the nearest level
 * of strength >= level_strength on the losing side of the entry whose stop
 * (its far edge, lo for a support or hi for a resistance, plus level_buffer)
 * lies within level_max of the entry; the stop price, or 0 when none fits. */
double pr_risk_level_stop(const pr_risk_stops *c, const pr_risk_bracket_in *in);

/* Reads ATR and levels from a view for the stage. */
typedef struct pr_risk_stops_ctx pr_risk_stops_ctx;

/* sizing_atr_period: the period of the second ATR the sizing rule reads. */
int pr_risk_stops_ctx_new(const pr_risk_stops *c, int sizing_atr_period, pr_risk_stops_ctx **out, pr_err *err);
void pr_risk_stops_ctx_free(pr_risk_stops_ctx *x);

enum { PR_RISK_ATR_STOPS = 0, PR_RISK_ATR_SIZING = 1 };
/* TA-Lib's ATR (Wilder) of inst's decision bars from the view's first bar to
 * its latest closed one, with the period of `which`; NaN while it has fewer
 * than period + 1 bars. */
int pr_risk_stops_atr(pr_risk_stops_ctx *x, int which, const pr_market_view *v, int inst, double *out,
                      pr_err *err);
/* The bracket hook's work: gathers the inputs for sig (an entry) from the
 * request's view and applies c; *refuse set when the entry is refused.
 * round_trip: the market's round trip (pr_risk_round_trip), 0 unknown. */
int pr_risk_stops_bracket(pr_risk_stops_ctx *x, const pr_risk_stops *c, const pr_market_view *v, double price,
                          double round_trip, pr_signal *sig, const char **refuse, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
