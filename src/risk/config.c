/* The `risk` configuration section as parameter-table rows (signal's
 * pr_param_def): one declaration gives validation with full key paths, the
 * defaults, `proratio risk check` and the README table. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk/config.h"
#include "proratio/risk/state.h"

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
};

const pr_strategy_info pr_risk_stops_info = {
    .name = "risk.stops",
    .summary = "rules on the protective stop",
    .params = k_stops,
    .n_params = sizeof k_stops / sizeof k_stops[0],
    .size = sizeof(pr_risk_stops),
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
