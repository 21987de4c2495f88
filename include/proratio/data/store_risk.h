/* The risk_state table of the store (migration 5): the risk stage's state
 * by name (a strategy or run id) as opaque JSON text with its layout
 * version and the time it was written, so a paper/live runner or a
 * resumed backtest picks it up. The data module never parses the text
 * (it may not include risk headers). */
#ifndef PRORATIO_DATA_STORE_RISK_H
#define PRORATIO_DATA_STORE_RISK_H

#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_STATE_NAME_MAX 128

/* Writes (or replaces) the row `name`. */
int pr_store_risk_state_put(pr_store *st, const char *name, const char *json, int version, int64_t updated_at,
                            pr_err *err);
/* Reads the row `name`: *json is malloc'd (caller frees); PR_ENOTFOUND
 * when there is none. version and updated_at may be NULL. */
int pr_store_risk_state_get(pr_store *st, const char *name, char **json, int *version, int64_t *updated_at,
                            pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
