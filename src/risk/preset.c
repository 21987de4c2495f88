/* `risk.preset` and `risk.state_key` (risk/preset.h): the presets are rows
 * of a table (preset, key, value) laid over the defaults and under the
 * configuration's own keys. */
#include <stddef.h>
#include <string.h>

#include "proratio/risk/config.h"
#include "proratio/risk/preset.h"

const char *const pr_risk_preset_names[] = {"none", "crypto", "stocks", "forex", NULL};

/* Risk per trade and the hard cap on the loss at the stop, per asset class:
 * crypto 0.5% (cap 1%), stocks 1% (cap 2%), forex 1% (cap 1%). */
static const struct {
    pr_risk_preset preset;
    const char *section, *key;
    size_t offset;           /* into pr_risk_config */
    double value;
} k_rows[] = {
    {PR_RISK_PRESET_CRYPTO, "sizing", "risk", offsetof(pr_risk_config, sizing.risk), 0.005},
    {PR_RISK_PRESET_CRYPTO, "sizing", "max_loss", offsetof(pr_risk_config, sizing.max_loss), 0.01},
    {PR_RISK_PRESET_STOCKS, "sizing", "risk", offsetof(pr_risk_config, sizing.risk), 0.01},
    {PR_RISK_PRESET_STOCKS, "sizing", "max_loss", offsetof(pr_risk_config, sizing.max_loss), 0.02},
    {PR_RISK_PRESET_FOREX, "sizing", "risk", offsetof(pr_risk_config, sizing.risk), 0.01},
    {PR_RISK_PRESET_FOREX, "sizing", "max_loss", offsetof(pr_risk_config, sizing.max_loss), 0.01},
};
#define N_ROWS (sizeof k_rows / sizeof k_rows[0])

static int set_in(const pr_config *cfg, const char *path, const char *section, const char *key) {
    char a[PR_ERR_PATH_MAX], b[PR_ERR_PATH_MAX];
    return pr_config_has(cfg, pr_config_key(b, sizeof b, pr_config_key(a, sizeof a, path, section), key));
}

int pr_risk_preset_read(const pr_config *cfg, const char *path, pr_risk_config *out, pr_err *err) {
    char k[PR_ERR_PATH_MAX];
    int rc = pr_config_enum(cfg, pr_config_key(k, sizeof k, path, "preset"), "none", pr_risk_preset_names,
                            &out->preset, err);
    if (rc == PR_OK)
        rc = pr_config_string(cfg, pr_config_key(k, sizeof k, path, "state_key"), "", out->state_key,
                              sizeof out->state_key, err);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < N_ROWS; i++)
        if ((int)k_rows[i].preset == out->preset && !set_in(cfg, path, k_rows[i].section, k_rows[i].key))
            *(double *)((char *)out + k_rows[i].offset) = k_rows[i].value;
    return PR_OK;
}

const char *pr_risk_param_source(const pr_config *cfg, const char *path, int preset, const char *section,
                                 const char *key) {
    if (cfg && set_in(cfg, path, section, key)) return "config";
    for (size_t i = 0; i < N_ROWS; i++)
        if ((int)k_rows[i].preset == preset && strcmp(k_rows[i].section, section) == 0 &&
            strcmp(k_rows[i].key, key) == 0)
            return "preset";
    return "default";
}
