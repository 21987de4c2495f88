/* Part of risk.h: the `risk` configuration section, declared as rows of
 * signal's parameter table (pr_param_def) so one reader validates it with
 * full key paths ("risk.sizing.kelly_fraction: expected a number in
 * (0, 1]") and `proratio risk check` prints it. */
#ifndef PRORATIO_RISK_CONFIG_H
#define PRORATIO_RISK_CONFIG_H

#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/risk/sizing.h"
#include "proratio/risk/protect.h"
#include "proratio/risk/mult.h"
#include "proratio/risk/preset.h"
#include "proratio/risk/breakers.h"
#include "proratio/risk/exposure.h"
#include "proratio/risk/var.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `risk.stops`: the rules on an entry's protective stop. */
typedef struct pr_risk_stops {
    int required;            /* 1 (default): an entry without a stop (or trailing
                                stop) is rejected ("stop-loss always on")          */
    /* Placement by the stage (risk/stops.h); each applies to an entry that has
     * none of its own, or to every entry with `override`. */
    int mode;                /* pr_risk_stop_mode: signal (none placed), pct, atr, level */
    int override;            /* 1: replace what the signal set                    */
    double stop_pct;         /* pct: stop distance, fraction of the entry (0.02)  */
    int atr_period;          /* Wilder ATR of the stops and trailing (14)          */
    double atr_k;            /* atr: stop distance in ATRs (2)                    */
    int level_swing;         /* level: swing bars each side (5)                   */
    int level_window;        /* level: bars of swings considered (300)            */
    double level_strength;   /* level: weakest level used, [0, 1) (0.5)           */
    double level_max;        /* level: farthest stop, fraction of the entry (0.05) */
    double level_buffer;     /* level: beyond the level, fraction of it (0.002)   */
    int level_fallback;      /* level: pr_risk_stop_mode used when none fits (atr) */
    int trail;               /* pr_risk_trail_mode: off, pct, atr                 */
    double trail_pct;        /* pct trailing distance (0.03)                      */
    double trail_atr_k;      /* atr trailing distance in ATRs at entry (3)        */
    double breakeven;        /* stop to the entry once +this fraction (0: off)    */
    int max_bars;            /* time stop in bars (0: off)                        */
    int n_targets;           /* tiered take-profits (0: the signal's)             */
    double targets[PR_SIGNAL_MAX_TARGETS];       /* in target_unit, ascending      */
    double target_fracs[PR_SIGNAL_MAX_TARGETS];  /* of the entry size, sum <= 1    */
    int target_unit;         /* pr_risk_target_unit: r (stop distances) or pct    */
    double min_rr;           /* reward:risk refused below this (0: off; 2 suggested) */
    int rr_from;             /* pr_risk_rr_from: weighted or first target         */
    int no_target;           /* 1: refuse an entry without a target (0: pass)     */
    double min_target;       /* nearest target at least this far, fraction (0: off) */
    double round_trip_cost;  /* fees + spread + slippage in and out, fraction of the
                                entry; the nearest target must beat it (0: off)   */
    int cost_filter;         /* 1: the nearest target must beat the market's own
                                round trip (risk/costs.h) unless round_trip_cost
                                > 0 gives the figure (0: off)                     */
    int llm_levels;          /* level: 1 merges the signal's LLM levels with the
                                detected ones (risk/llm_levels.h) (0: off)       */
    double llm_level_strength;  /* level: the strength an LLM level counts with (1) */
} pr_risk_stops;

typedef struct pr_risk_config {
    pr_risk_sizing sizing;
    pr_risk_protections protections;
    pr_risk_stops stops;
    pr_risk_mult mult;       /* `risk.multipliers` */
    int preset;              /* `risk.preset`: pr_risk_preset                     */
    char state_key[PR_RISK_STATE_KEY_MAX];  /* `risk.state_key`: "" none           */
    pr_risk_breakers breakers;   /* risk.breakers and risk.kill_switch (risk/breakers.h) */
    pr_risk_exposure exposure;   /* risk.exposure and risk.sectors (risk/exposure.h) */
    pr_risk_var var;             /* risk.var (risk/var.h)                            */
} pr_risk_config;

/* The tables of `risk.sizing`, `risk.protections` and `risk.stops`. */
extern const pr_strategy_info pr_risk_sizing_info;
extern const pr_strategy_info pr_risk_protections_info;
extern const pr_strategy_info pr_risk_stops_info;

void pr_risk_config_defaults(pr_risk_config *c);
/* Reads the section at `path` ("risk") of cfg: unknown keys, types, ranges
 * and cross-key checks, each error naming its full path. */
int pr_risk_config_read(const pr_config *cfg, const char *path, pr_risk_config *out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
