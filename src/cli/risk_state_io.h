/* The risk stage's state in the store under a name (`risk.state_key`,
 * `proratio risk state show`): read and checked (version, JSON) or written,
 * for the backtest and `proratio risk`. */
#ifndef PR_CLI_RISK_STATE_IO_H
#define PR_CLI_RISK_STATE_IO_H

#include "proratio/data/store.h"
#include "proratio/risk.h"

/* *found 0 (and *out untouched) when the store holds no state `key`; a
 * stored state of another version or that does not parse is an error
 * naming the key (PR_EPARSE). updated_at may be NULL. */
int pr_cli_risk_state_load(pr_store *st, const char *key, pr_risk_state *out, int *found, int64_t *updated_at,
                           pr_err *err);
/* Writes the state under key, stamped with the wall clock. */
int pr_cli_risk_state_save(pr_store *st, const char *key, const pr_risk_state *s, pr_err *err);

#endif
