/* Part of risk.h: `risk.preset` (sizing presets per asset class from the
 * seeds: stocks 1-2% risk per trade, crypto 0.5-1%, forex 1%) under the
 * keys a configuration gives explicitly, and `risk.state_key`, the name the
 * stage's state is stored and resumed under. Also says where each
 * effective value came from, for `proratio risk check`. */
#ifndef PRORATIO_RISK_PRESET_H
#define PRORATIO_RISK_PRESET_H

#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_STATE_KEY_MAX 128

typedef enum pr_risk_preset { PR_RISK_PRESET_NONE = 0, PR_RISK_PRESET_CRYPTO, PR_RISK_PRESET_STOCKS, PR_RISK_PRESET_FOREX } pr_risk_preset;

extern const char *const pr_risk_preset_names[];   /* "none" "crypto" "stocks" "forex", NULL */

struct pr_risk_config;

/* Reads `preset` and `state_key` of the section at path and applies the
 * preset to every key of it the configuration does not set. Called by
 * pr_risk_config_read after the sub-sections. */
int pr_risk_preset_read(const pr_config *cfg, const char *path, struct pr_risk_config *out, pr_err *err);

/* Where the effective value of `section.key` ("sizing", "risk") came from:
 * "config", "preset" or "default". */
const char *pr_risk_param_source(const pr_config *cfg, const char *path, int preset, const char *section,
                                 const char *key);

#ifdef __cplusplus
}
#endif
#endif
