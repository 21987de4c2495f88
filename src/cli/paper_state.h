/* A paper session's durable state as JSON text (what paper_state rows
 * hold): the account, positions, open orders with their client ids, the
 * order/fill/trade counts, the steps taken and the risk stage's state at
 * one step's close; and the field-by-field check of a stored state against
 * the state a replay rebuilt. */
#ifndef PR_CLI_PAPER_STATE_H
#define PR_CLI_PAPER_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/live.h"
#include "proratio/risk.h"

#define PAPER_STATE_VERSION 1

/* The runner's state now, after the step closing at `close` (malloc'd
 * text, caller frees). symbols[i] names market i; risk may be NULL. */
int paper_state_json(pr_runner *r, const char *const *symbols, size_t n_markets, const pr_risk_stage *risk,
                     int64_t close, char **out, pr_err *err);

/* Compares the stored text with the rebuilt one: PR_OK when equal; else an
 * error naming the first field that differs and both values (PR_ESTATE),
 * or saying the stored text does not read (PR_EPARSE). */
int paper_state_check(const char *stored, const char *rebuilt, pr_err *err);

#endif
