/* The `risk` configuration section as parameter-table rows (signal's
 * pr_param_def): one declaration gives validation with full key paths, the
 * defaults, `proratio risk check` and the README table. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk/config.h"
#include "proratio/risk/state.h"
#include "proratio/risk/stops.h"

#define P_(f) offsetof(pr_risk_sizing, f)

static const double k_score_level[] = {0, 5, 7, 9};
static const double k_score_prob[] = {0.3, 0.45, 0.55, 0.65};

static const pr_param_def k_sizing[] = {
    {.name = "mode", .type = PR_PARAM_CHOICE, .offset = P_(mode), .def = PR_RISK_FIXED_RISK,
     .choices = pr_risk_mode_names, .desc = "sizing rule"},
    {.name = "fraction", .type = PR_PARAM_NUMBER, .offset = P_(fraction), .def = 0.1, .min = 0, .max = 100,
     .open = 1, .desc = "fixed_fraction (and fixed_risk without a stop): notional as a fraction of equity"},
    {.name = "risk", .type = PR_PARAM_NUMBER, .offset = P_(risk), .def = 0.01, .min = 0, .max = 1, .open = 1,
     .desc = "fraction of equity lost at the stop (fixed_risk, atr, pip, contracts)"},
    {.name = "max_loss", .type = PR_PARAM_NUMBER, .offset = P_(max_loss), .def = 0.02, .min = 0, .max = 1,
     .open = 1, .desc = "hard cap on the loss at the stop, fraction of equity (every mode)"},
    {.name = "kelly_fraction", .type = PR_PARAM_NUMBER, .offset = P_(kelly_fraction), .def = 0.25, .min = 0.01,
     .max = 1, .desc = "fraction of full Kelly (0.25: quarter Kelly)"},
    {.name = "kelly_min_trades", .type = PR_PARAM_INT, .offset = P_(kelly_min_trades), .def = 30, .min = 1,
     .max = PR_RISK_WINDOW_MAX, .desc = "closed trades needed before kelly applies"},
    {.name = "kelly_window", .type = PR_PARAM_INT, .offset = P_(kelly_window), .def = 100, .min = 1,
     .max = PR_RISK_WINDOW_MAX, .desc = "latest closed trades the statistics use"},
    {.name = "kelly_fallback", .type = PR_PARAM_NUMBER, .offset = P_(kelly_fallback), .def = 0.02, .min = 0,
     .max = 1, .desc = "notional fraction below the minimum sample (0: no trade)"},
    {.name = "max_fraction", .type = PR_PARAM_NUMBER, .offset = P_(max_fraction), .def = 1, .min = 0, .max = 100,
     .open = 1, .desc = "cap on any position's notional, fraction of equity"},
    {.name = "score_levels", .type = PR_PARAM_LIST, .offset = P_(score_level), .aux_offset = P_(n_score),
     .cap = PR_RISK_SCORE_LEVELS, .min = 0, .max = 10, .def_list = k_score_level, .def_n = 4,
     .desc = "kelly_score: TA score thresholds, ascending"},
    {.name = "score_win_prob", .type = PR_PARAM_LIST, .offset = P_(score_prob), .aux_offset = P_(n_score),
     .cap = PR_RISK_SCORE_LEVELS, .min = 0, .max = 1, .def_list = k_score_prob, .def_n = 4, .pair = "score_levels",
     .desc = "kelly_score: win probability from each threshold"},
    {.name = "payoff", .type = PR_PARAM_NUMBER, .offset = P_(payoff), .def = 2, .min = 0, .max = 1000, .open = 1,
     .desc = "kelly_score: average win / average loss when the signal has no target"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 2, .max = 1000,
     .desc = "bars of the ATR (atr) and of the return volatility (vol_target)"},
    {.name = "atr_k", .type = PR_PARAM_NUMBER, .offset = P_(atr_k), .def = 2, .min = 0, .max = 100, .open = 1,
     .desc = "atr: the risk distance in ATRs"},
    {.name = "target_vol", .type = PR_PARAM_NUMBER, .offset = P_(target_vol), .def = 0.15, .min = 0, .max = 10,
     .open = 1, .desc = "vol_target: annualised volatility of the position, fraction of equity"},
    {.name = "lot_units", .type = PR_PARAM_NUMBER, .offset = P_(lot_units), .def = 1000, .min = 0, .max = 1e9,
     .open = 1, .desc = "pip: units are rounded down to a multiple of this (1000: micro lot)"},
    {.name = "by_confidence", .type = PR_PARAM_BOOL, .offset = P_(by_confidence), .def = 0,
     .desc = "multiply the size by the signal's confidence"},
};

#undef P_
#define P_(f) offsetof(pr_risk_protections, f)

static const pr_param_def k_protect[] = {
    {.name = "daily_loss", .type = PR_PARAM_NUMBER, .offset = P_(daily_loss), .def = 0, .min = 0, .max = 1,
     .desc = "no new entries for the rest of the UTC day once equity is this fraction below the day's start "
             "(0: off; 0.02 suggested)"},
    {.name = "weekly_loss", .type = PR_PARAM_NUMBER, .offset = P_(weekly_loss), .def = 0, .min = 0, .max = 1,
     .desc = "no new entries until Monday 00:00 UTC once equity is this fraction below the week's start "
             "(0: off; 0.05 suggested)"},
    {.name = "max_consecutive_losses", .type = PR_PARAM_INT, .offset = P_(max_consecutive_losses), .def = 0,
     .min = 0, .max = 1000, .desc = "losing round trips in a row that pause entries (0: off; 5 suggested)"},
    {.name = "loss_pause_hours", .type = PR_PARAM_NUMBER, .offset = P_(loss_pause_hours), .def = 24, .min = 0,
     .max = 1e6, .desc = "how long consecutive losses pause entries"},
    {.name = "max_trades_per_day", .type = PR_PARAM_INT, .offset = P_(max_trades_per_day), .def = 0, .min = 0,
     .max = 100000, .desc = "entries per UTC day (0: off; 10 suggested)"},
    {.name = "dd_warn", .type = PR_PARAM_NUMBER, .offset = P_(dd_warn), .def = 0, .min = 0, .max = 1,
     .desc = "drawdown from the equity peak that is reported (0: off; 0.10 suggested)"},
    {.name = "dd_stop", .type = PR_PARAM_NUMBER, .offset = P_(dd_stop), .def = 0, .min = 0, .max = 1,
     .desc = "drawdown at which new entries stop until it recovers (0: off; 0.15 suggested)"},
    {.name = "dd_halt", .type = PR_PARAM_NUMBER, .offset = P_(dd_halt), .def = 0, .min = 0, .max = 1,
     .desc = "drawdown that pauses entries for halt_days (0: off; 0.20 suggested)"},
    {.name = "halt_days", .type = PR_PARAM_NUMBER, .offset = P_(halt_days), .def = 7, .min = 0, .max = 3650,
     .desc = "how long dd_halt pauses entries"},
};

static int check_protect(const void *p, const char **what, char *msg, size_t cap) {
    const pr_risk_protections *c = p;
    if (c->dd_stop > 0 && c->dd_warn > c->dd_stop) {
        *what = "dd_warn";
        snprintf(msg, cap, "expected at most dd_stop (%g)", c->dd_stop);
        return -1;
    }
    if (c->dd_halt > 0 && c->dd_stop > c->dd_halt) {
        *what = "dd_stop";
        snprintf(msg, cap, "expected at most dd_halt (%g)", c->dd_halt);
        return -1;
    }
    if (c->dd_halt > 0 && c->dd_warn > c->dd_halt) {   /* dd_stop off */
        *what = "dd_warn";
        snprintf(msg, cap, "expected at most dd_halt (%g)", c->dd_halt);
        return -1;
    }
    return 0;
}

const pr_strategy_info pr_risk_protections_info = {
    .name = "risk.protections",
    .summary = "protections that stop new entries",
    .params = k_protect,
    .n_params = sizeof k_protect / sizeof k_protect[0],
    .size = sizeof(pr_risk_protections),
    .check = check_protect,
};

#undef P_
#define P_(f) offsetof(pr_risk_stops, f)

static const pr_param_def k_stops[] = {
    {.name = "required", .type = PR_PARAM_BOOL, .offset = P_(required), .def = 1,
     .desc = "reject an entry that has no protective stop (nor a trailing stop)"},
    {.name = "mode", .type = PR_PARAM_CHOICE, .offset = P_(mode), .def = PR_STOP_SIGNAL,
     .choices = pr_risk_stop_mode_names, .desc = "stop placed on an entry without one (signal: none placed)"},
    {.name = "override", .type = PR_PARAM_BOOL, .offset = P_(override), .def = 0,
     .desc = "replace the signal's own stop, trailing, break-even, time stop and targets"},
    {.name = "stop_pct", .type = PR_PARAM_NUMBER, .offset = P_(stop_pct), .def = 0.02, .min = 0, .max = 1,
     .open = 1, .desc = "pct (and level fallback pct): stop distance, fraction of the entry"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 1000,
     .desc = "bars of the Wilder ATR of atr stops, atr trailing and the level tolerance"},
    {.name = "atr_k", .type = PR_PARAM_NUMBER, .offset = P_(atr_k), .def = 2, .min = 0, .max = 100, .open = 1,
     .desc = "atr: stop distance in ATRs"},
    {.name = "level_swing", .type = PR_PARAM_INT, .offset = P_(level_swing), .def = 5, .min = 1, .max = 100,
     .desc = "level: bars each side of a swing high/low"},
    {.name = "level_window", .type = PR_PARAM_INT, .offset = P_(level_window), .def = 300, .min = 10,
     .max = 100000, .desc = "level: latest bars whose swings make the levels"},
    {.name = "level_strength", .type = PR_PARAM_NUMBER, .offset = P_(level_strength), .def = 0.5, .min = 0,
     .max = 1, .desc = "level: weakest level strength used (ta levels, in [0, 1))"},
    {.name = "level_max", .type = PR_PARAM_NUMBER, .offset = P_(level_max), .def = 0.05, .min = 0, .max = 1,
     .open = 1, .desc = "level: farthest stop from the entry, fraction of the entry"},
    {.name = "level_buffer", .type = PR_PARAM_NUMBER, .offset = P_(level_buffer), .def = 0.002, .min = 0,
     .max = 0.5, .desc = "level: stop this fraction beyond the level's far edge"},
    {.name = "level_fallback", .type = PR_PARAM_CHOICE, .offset = P_(level_fallback), .def = 0,
     .choices = pr_risk_level_fallback_names, .desc = "level: the stop when no level fits (atr or pct)"},
    {.name = "trail", .type = PR_PARAM_CHOICE, .offset = P_(trail), .def = PR_TRAIL_OFF,
     .choices = pr_risk_trail_mode_names, .desc = "trailing stop from the best price since entry"},
    {.name = "trail_pct", .type = PR_PARAM_NUMBER, .offset = P_(trail_pct), .def = 0.03, .min = 0, .max = 1,
     .open = 1, .desc = "trail pct: distance, fraction of the best price"},
    {.name = "trail_atr_k", .type = PR_PARAM_NUMBER, .offset = P_(trail_atr_k), .def = 3, .min = 0, .max = 100,
     .open = 1, .desc = "trail atr: distance in ATRs at the entry decision"},
    {.name = "breakeven", .type = PR_PARAM_NUMBER, .offset = P_(breakeven), .def = 0, .min = 0, .max = 10,
     .desc = "move the stop to the entry once the best price is this fraction beyond it (0: off)"},
    {.name = "max_bars", .type = PR_PARAM_INT, .offset = P_(max_bars), .def = 0, .min = 0, .max = 1000000,
     .desc = "time stop: exit after this many closed bars (0: off)"},
    {.name = "targets", .type = PR_PARAM_LIST, .offset = P_(targets), .aux_offset = P_(n_targets), .min = 0,
     .max = 1000, .open = 1, .desc = "take-profits in target_unit, ascending (empty: the signal's)"},
    {.name = "target_fracs", .type = PR_PARAM_LIST, .offset = P_(target_fracs), .aux_offset = P_(n_targets),
     .min = 0, .max = 1, .pair = "targets", .desc = "fraction of the entry each target closes (sum <= 1)"},
    {.name = "target_unit", .type = PR_PARAM_CHOICE, .offset = P_(target_unit), .def = PR_TARGET_R,
     .choices = pr_risk_target_unit_names, .desc = "r: multiples of the stop distance; pct: fractions of the entry"},
    {.name = "min_rr", .type = PR_PARAM_NUMBER, .offset = P_(min_rr), .def = 0, .min = 0, .max = 1000,
     .desc = "refuse an entry whose reward:risk is below this (0: off; 2 suggested)"},
    {.name = "rr_from", .type = PR_PARAM_CHOICE, .offset = P_(rr_from), .def = PR_RR_WEIGHTED,
     .choices = pr_risk_rr_from_names, .desc = "reward of min_rr: the targets weighted by fraction, or the first"},
    {.name = "no_target", .type = PR_PARAM_CHOICE, .offset = P_(no_target), .def = 0,
     .choices = pr_risk_no_target_names, .desc = "an entry without a target: pass or refuse"},
    {.name = "min_target", .type = PR_PARAM_NUMBER, .offset = P_(min_target), .def = 0, .min = 0, .max = 10,
     .desc = "refuse an entry whose nearest target is nearer, fraction of the entry (0: off)"},
    {.name = "round_trip_cost", .type = PR_PARAM_NUMBER, .offset = P_(round_trip_cost), .def = 0, .min = 0,
     .max = 1, .desc = "fees + spread + slippage in and out, fraction of the entry; the nearest target must "
                       "exceed it (0: off)"},
    {.name = "cost_filter", .type = PR_PARAM_BOOL, .offset = P_(cost_filter), .def = 0,
     .desc = "the nearest target must exceed the market's own round trip (taker fee in and out, spread, "
             "slippage); round_trip_cost > 0 overrides the figure"},
    {.name = "llm_levels", .type = PR_PARAM_BOOL, .offset = P_(llm_levels), .def = 0,
     .desc = "level: merge the LLM levels verdict on the entry (confirm stage `levels`) with the detected levels"},
    {.name = "llm_level_strength", .type = PR_PARAM_NUMBER, .offset = P_(llm_level_strength), .def = 1, .min = 0,
     .max = 1, .desc = "level: the strength an LLM level counts with against level_strength"},
};

const pr_strategy_info pr_risk_stops_info = {
    .name = "risk.stops",
    .summary = "stops and targets placed by the risk stage, and the entry filters on them",
    .params = k_stops,
    .n_params = sizeof k_stops / sizeof k_stops[0],
    .size = sizeof(pr_risk_stops),
    .check = pr_risk_stops_check,
};

static int check_sizing(const void *p, const char **what, char *msg, size_t cap) {
    const pr_risk_sizing *s = p;
    for (int i = 1; i < s->n_score; i++)
        if (!(s->score_level[i] > s->score_level[i - 1])) {
            *what = "score_levels";
            snprintf(msg, cap, "expected ascending thresholds");
            return -1;
        }
    if (s->kelly_min_trades > s->kelly_window) {
        *what = "kelly_min_trades";
        snprintf(msg, cap, "expected at most kelly_window (%d)", s->kelly_window);
        return -1;
    }
    return 0;
}

const pr_strategy_info pr_risk_sizing_info = {
    .name = "risk.sizing",
    .summary = "position sizing of the risk stage",
    .params = k_sizing,
    .n_params = sizeof k_sizing / sizeof k_sizing[0],
    .size = sizeof(pr_risk_sizing),
    .check = check_sizing,
};

void pr_risk_sizing_defaults(pr_risk_sizing *s) {
    memset(s, 0, sizeof *s);
    pr_params_defaults(&pr_risk_sizing_info, s);
}

void pr_risk_config_defaults(pr_risk_config *c) {
    memset(c, 0, sizeof *c);
    pr_risk_sizing_defaults(&c->sizing);
    pr_params_defaults(&pr_risk_protections_info, &c->protections);
    pr_params_defaults(&pr_risk_stops_info, &c->stops);
    pr_params_defaults(&pr_risk_mult_info, &c->mult);
    pr_risk_breakers_defaults(&c->breakers);
    pr_params_defaults(&pr_risk_exposure_info, &c->exposure);
    pr_params_defaults(&pr_risk_var_info, &c->var);
}

int pr_risk_config_read(const pr_config *cfg, const char *path, pr_risk_config *out, pr_err *err) {
    static const char *const keys[] = {"sizing", "protections", "stops", "multipliers", "preset", "state_key", "breakers", "kill_switch", "exposure", "var", "sectors", NULL};
    char k[PR_ERR_PATH_MAX];
    int rc;
    pr_risk_config_defaults(out);
    if (!cfg) return PR_OK;
    if ((rc = pr_config_check_keys(cfg, path, keys, err)) != 0) return rc;
    if ((rc = pr_params_read(&pr_risk_sizing_info, cfg, pr_config_key(k, sizeof k, path, "sizing"), &out->sizing,
                             err)) != 0)
        return rc;
    if ((rc = pr_params_read(&pr_risk_protections_info, cfg, pr_config_key(k, sizeof k, path, "protections"),
                             &out->protections, err)) != 0)
        return rc;
    if ((rc = pr_params_read(&pr_risk_stops_info, cfg, pr_config_key(k, sizeof k, path, "stops"), &out->stops,
                             err)) != 0)
        return rc;
    if ((rc = pr_params_read(&pr_risk_mult_info, cfg, pr_config_key(k, sizeof k, path, "multipliers"), &out->mult,
                             err)) != 0)
        return rc;
    if ((rc = pr_risk_breakers_read(cfg, path, &out->breakers, err)) != 0) return rc;
    if ((rc = pr_risk_exposure_read(cfg, path, &out->exposure, &out->var, err)) != 0) return rc;
    return pr_risk_preset_read(cfg, path, out, err);
}
