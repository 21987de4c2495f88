/* Loading and saving the risk stage's state by name (risk_state_io.h): the
 * store keeps opaque JSON text; here it is checked and parsed, so a
 * corrupt row stops the command before anything is written over it. */
#include <stdlib.h>

#include "proratio/data/store_risk.h"
#include "risk_state_io.h"

int pr_cli_risk_state_text(pr_store *st, const char *key, char **text, int *found, int64_t *updated_at,
                           pr_err *err) {
    int ver = 0;
    *found = 0;
    *text = NULL;
    int rc = pr_store_risk_state_get(st, key, text, &ver, updated_at, err);
    if (rc == PR_ENOTFOUND) {
        pr_err_clear(err);
        return PR_OK;
    }
    if (rc != PR_OK) return rc;
    if (ver != PR_RISK_STATE_VERSION) {
        free(*text);
        *text = NULL;
        return pr_err_set(err, PR_EPARSE,
                          "risk state '%s' in the store has version %d; this program reads version %d "
                          "(nothing was changed)",
                          key, ver, PR_RISK_STATE_VERSION);
    }
    *found = 1;
    return PR_OK;
}

int pr_cli_risk_state_corrupt(const char *key, const pr_err *why, pr_err *err) {
    return pr_err_set(err, PR_EPARSE, "risk state '%s' in the store is corrupt: %s (nothing was changed)", key,
                      why->msg);
}

int pr_cli_risk_state_save(pr_store *st, const char *key, const pr_risk_stage *rs, pr_err *err) {
    char *js = NULL;
    int rc = pr_risk_stage_state_to_json(rs, &js, err);
    if (rc == PR_OK) rc = pr_store_risk_state_put(st, key, js, PR_RISK_STATE_VERSION, pr_time_now_ms(), err);
    free(js);
    return rc;
}
