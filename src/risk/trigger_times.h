/* Private to the risk module: the trigger-time rings of pr_risk_state as
 * the "trigger_times" member of its JSON (state_json.c). */
#ifndef PR_RISK_TRIGGER_TIMES_H
#define PR_RISK_TRIGGER_TIMES_H

#include <jansson.h>

#include "proratio/risk/state.h"

/* [[t, ...] per protection, oldest first] (a new reference). */
json_t *pr_risk_trigger_times_json(const pr_risk_state *st);
/* Reads it back into st, whose trigger counts are already read: each list
 * must hold min(count, PR_RISK_TRIGGER_TIMES) integers. */
int pr_risk_trigger_times_read(json_t *arr, pr_risk_state *st, pr_err *err);

#endif
