/* The risk stage's state in the store under a name (`risk.state_key`,
 * `proratio risk state show`): read and checked (version, JSON) or written,
 * for the backtest and `proratio risk`. */
#ifndef PR_CLI_RISK_STATE_IO_H
#define PR_CLI_RISK_STATE_IO_H

#include "proratio/data/store.h"
#include "proratio/risk.h"

/* The stored text of state `key` (caller frees; *found 0 and NULL when
 * none); a stored state of another version is an error naming the key
 * (PR_EPARSE). updated_at may be NULL. */
int pr_cli_risk_state_text(pr_store *st, const char *key, char **text, int *found, int64_t *updated_at,
                           pr_err *err);
/* The error for a stored state `key` that does not read back (why). */
int pr_cli_risk_state_corrupt(const char *key, const pr_err *why, pr_err *err);
/* Writes the stage's state (its counters and VaR window) under key,
 * stamped with the wall clock. */
int pr_cli_risk_state_save(pr_store *st, const char *key, const pr_risk_stage *rs, pr_err *err);

#endif
