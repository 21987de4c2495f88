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
