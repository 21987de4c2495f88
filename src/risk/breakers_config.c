/* The `risk.breakers` table (signal's pr_param_def rows: validation with
 * full key paths, defaults, `proratio risk check`) and `risk.kill_switch`,
 * whose one key is a path, a type the tables do not have. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk/breakers.h"

const char *const pr_risk_weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

#define P_(f) offsetof(pr_risk_breakers, f)
#define AVOID_(k, cls)                                                                                          \
    {.name = "avoid_hours_" cls, .type = PR_PARAM_LIST, .offset = P_(avoid_hours[k]), .aux_offset = P_(n_avoid[k]), \
     .cap = 24, .min = 0, .max = 23, .desc = "UTC hours (0-23) in which " cls " entries are refused"}

static const pr_param_def k_breakers[] = {
    {.name = "dd_stop_reduce", .type = PR_PARAM_NUMBER, .offset = P_(dd_stop_reduce), .def = 0, .min = 0, .max = 1,
     .desc = "fraction of every open position closed when the drawdown crosses risk.protections.dd_stop "
             "(0: off; 0.5 suggested)"},
    {.name = "dd_halt_close", .type = PR_PARAM_BOOL, .offset = P_(dd_halt_close), .def = 0,
     .desc = "close every open position when the drawdown crosses risk.protections.dd_halt"},
    {.name = "dd_release_days", .type = PR_PARAM_NUMBER, .offset = P_(dd_release_days), .def = 0, .min = 0,
     .max = 3650, .desc = "a drawdown stop or halt held this long (and past the halt's pause) resets the peak to "
                          "the equity then (0: held until the drawdown recovers; 7 suggested)"},
    {.name = "cooldown_bars", .type = PR_PARAM_INT, .offset = P_(cooldown_bars), .def = 0, .min = 0, .max = 100000,
     .desc = "bars of an instrument without entries after it is stopped out (0: off)"},
    {.name = "cooldown_hours", .type = PR_PARAM_NUMBER, .offset = P_(cooldown_hours), .def = 0, .min = 0,
     .max = 1e6, .desc = "hours without entries on an instrument after it is stopped out (0: off)"},
    {.name = "guard_stops", .type = PR_PARAM_INT, .offset = P_(guard_stops), .def = 0, .min = 0,
     .max = PR_RISK_RECENT, .desc = "stop-outs within guard_lookback_hours that lock trading (0: off; 4 suggested)"},
    {.name = "guard_lookback_hours", .type = PR_PARAM_NUMBER, .offset = P_(guard_lookback_hours), .def = 24,
     .min = 0, .max = 1e6, .open = 1, .desc = "stoploss guard: window the stop-outs are counted in"},
    {.name = "guard_lock_hours", .type = PR_PARAM_NUMBER, .offset = P_(guard_lock_hours), .def = 12, .min = 0,
     .max = 1e6, .open = 1, .desc = "stoploss guard: how long it locks"},
    {.name = "guard_per_instrument", .type = PR_PARAM_BOOL, .offset = P_(guard_per_instrument), .def = 0,
     .desc = "stoploss guard: count and lock each instrument alone (false: all together)"},
    {.name = "low_profit_trades", .type = PR_PARAM_INT, .offset = P_(low_profit_trades), .def = 0, .min = 0,
     .max = PR_RISK_RECENT, .desc = "closed trades of an instrument within the lookback needed to judge it (0: off)"},
    {.name = "low_profit_lookback_hours", .type = PR_PARAM_NUMBER, .offset = P_(low_profit_lookback_hours),
     .def = 72, .min = 0, .max = 1e6, .open = 1, .desc = "low-profit lock: window of the closed trades"},
    {.name = "low_profit_min", .type = PR_PARAM_NUMBER, .offset = P_(low_profit_min), .def = 0, .min = -1, .max = 10,
     .desc = "low-profit lock: the trades' returns must sum to at least this"},
    {.name = "low_profit_lock_hours", .type = PR_PARAM_NUMBER, .offset = P_(low_profit_lock_hours), .def = 24,
     .min = 0, .max = 1e6, .open = 1, .desc = "low-profit lock: how long it locks the instrument"},
    {.name = "vol_percentile", .type = PR_PARAM_NUMBER, .offset = P_(vol_percentile), .def = 0, .min = 0, .max = 1,
     .desc = "share of the vol_lookback ATRs before it that the latest ATR exceeds at which an instrument's "
             "entries halt (0: off; 0.95 suggested)"},
    {.name = "vol_lookback", .type = PR_PARAM_INT, .offset = P_(vol_lookback), .def = 100, .min = 2, .max = 1000,
     .desc = "volatility halt: earlier ATRs the latest is ranked against"},
    {.name = "vol_atr_period", .type = PR_PARAM_INT, .offset = P_(vol_atr_period), .def = 14, .min = 1, .max = 200,
     .desc = "volatility halt: bars of each ATR"},
    {.name = "weekend_size", .type = PR_PARAM_NUMBER, .offset = P_(weekend_size), .def = 1, .min = 0, .max = 1,
     .desc = "crypto size multiplier inside the weekend window (1: off; 0: no entries)"},
    {.name = "weekend_start_day", .type = PR_PARAM_CHOICE, .offset = P_(weekend_start_day), .def = 4,
     .choices = pr_risk_weekday_names, .desc = "weekend window: first day (UTC)"},
    {.name = "weekend_start_hour", .type = PR_PARAM_NUMBER, .offset = P_(weekend_start_hour), .def = 20, .min = 0,
     .max = 24, .open = 0, .desc = "weekend window: from this hour of the first day (UTC)"},
    {.name = "weekend_end_day", .type = PR_PARAM_CHOICE, .offset = P_(weekend_end_day), .def = 6,
     .choices = pr_risk_weekday_names, .desc = "weekend window: last day (UTC)"},
    {.name = "weekend_end_hour", .type = PR_PARAM_NUMBER, .offset = P_(weekend_end_hour), .def = 20, .min = 0,
     .max = 24, .desc = "weekend window: until this hour of the last day (UTC, excluded)"},
    AVOID_(0, "crypto"),
    AVOID_(1, "forex"),
    AVOID_(2, "stocks"),
    AVOID_(3, "futures"),
};

static int check_breakers(const void *p, const char **what, char *msg, size_t cap) {
    static const char *const avoid[] = {"avoid_hours_crypto", "avoid_hours_forex", "avoid_hours_stocks",
                                        "avoid_hours_futures"};
    const pr_risk_breakers *c = p;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < c->n_avoid[k]; i++)
            if (c->avoid_hours[k][i] != floor(c->avoid_hours[k][i])) {
                *what = avoid[k];
                snprintf(msg, cap, "expected whole hours, got %g", c->avoid_hours[k][i]);
                return -1;
            }
    if (c->weekend_size < 1 && c->weekend_start_day * 24 + c->weekend_start_hour ==
                                   c->weekend_end_day * 24 + c->weekend_end_hour) {
        *what = "weekend_end_hour";
        snprintf(msg, cap, "expected a window: the end equals the start");
        return -1;
    }
    return 0;
}

const pr_strategy_info pr_risk_breakers_info = {
    .name = "risk.breakers",
    .summary = "circuit breakers on positions, instruments and times",
    .params = k_breakers,
    .n_params = sizeof k_breakers / sizeof k_breakers[0],
    .size = sizeof(pr_risk_breakers),
    .check = check_breakers,
};

void pr_risk_breakers_defaults(pr_risk_breakers *c) { pr_params_defaults(&pr_risk_breakers_info, c); }

/* A drawdown action set while its tier (`<path>.protections.<tier>`, or
 * tier2) is off would never act: an error naming both keys. */
static int needs_tier(const pr_config *cfg, const char *path, const char *key, int set, const char *tier,
                      const char *tier2, pr_err *err) {
    char prot[PR_ERR_PATH_MAX], t1[PR_ERR_PATH_MAX], t2[PR_ERR_PATH_MAX], k[PR_ERR_PATH_MAX];
    double v = 0, v2 = 0;
    if (!set) return PR_OK;
    pr_config_key(prot, sizeof prot, path, "protections");
    pr_config_key(t1, sizeof t1, prot, tier);
    pr_config_key(t2, sizeof t2, prot, tier2 ? tier2 : tier);
    /* Bad values there were named by the protections' own reader. */
    if (pr_config_number(cfg, t1, 0, 0, 1, 0, &v, NULL) != 0) v = 0;
    if (pr_config_number(cfg, t2, 0, 0, 1, 0, &v2, NULL) != 0) v2 = 0;
    if (v > 0 || v2 > 0) return PR_OK;
    pr_config_key(prot, sizeof prot, path, "breakers");
    pr_config_key(k, sizeof k, prot, key);
    pr_err_at(err, NULL, 0, 0, k);
    return pr_err_set(err, PR_EINVAL, "%s: acts at %s%s%s, which is off (0)", k, t1, tier2 ? " or " : "",
                      tier2 ? t2 : "");
}

int pr_risk_breakers_read(const pr_config *cfg, const char *path, pr_risk_breakers *out, pr_err *err) {
    static const char *const kill_keys[] = {"file", NULL};
    char k[PR_ERR_PATH_MAX];
    int rc;
    pr_risk_breakers_defaults(out);
    if (!cfg) return PR_OK;
    if ((rc = pr_params_read(&pr_risk_breakers_info, cfg, pr_config_key(k, sizeof k, path, "breakers"), out, err)) !=
        0)
        return rc;
    if ((rc = needs_tier(cfg, path, "dd_stop_reduce", out->dd_stop_reduce > 0, "dd_stop", NULL, err)) != 0 ||
        (rc = needs_tier(cfg, path, "dd_halt_close", out->dd_halt_close, "dd_halt", NULL, err)) != 0 ||
        (rc = needs_tier(cfg, path, "dd_release_days", out->dd_release_days > 0, "dd_stop", "dd_halt", err)) != 0)
        return rc;
    pr_config_key(k, sizeof k, path, "kill_switch");
    if (!pr_config_has(cfg, k)) return PR_OK;
    if ((rc = pr_config_check_keys(cfg, k, kill_keys, err)) != 0) return rc;
    char kf[PR_ERR_PATH_MAX];
    pr_config_key(kf, sizeof kf, k, "file");
    if ((rc = pr_config_string(cfg, kf, "", out->kill_file, sizeof out->kill_file, err)) != 0) return rc;
    if (pr_config_has(cfg, kf) && out->kill_file[0] == '\0') {
        pr_err_at(err, NULL, 0, 0, kf);
        return pr_err_set(err, PR_EINVAL, "%s: expected a file path, got an empty one", kf);
    }
    return PR_OK;
}

int pr_risk_breakers_exits_needed(const pr_risk_breakers *c) {
    return c->dd_stop_reduce > 0 || c->dd_halt_close || c->kill_file[0] != '\0';
}
