/* The circuit breakers' part of the risk state's JSON (risk/breakers.h),
 * called from state_json.c: written under the key "breakers" and read back
 * with every field checked, so state_json.c stays one line each way. */
#ifndef PR_RISK_BREAKERS_JSON_H
#define PR_RISK_BREAKERS_JSON_H

#include <jansson.h>

#include "proratio/risk/state.h"

/* Adds "breakers" to root. */
int pr_risk_breakers_to_json(const pr_risk_state *st, json_t *root, pr_err *err);
/* Reads root's "breakers" into st->brk. */
int pr_risk_breakers_from_json(json_t *root, pr_risk_state *st, pr_err *err);

#endif
