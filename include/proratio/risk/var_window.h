/* Part of risk.h: the returns window behind the VaR check and the
 * correlation cap (the watch's ring of step returns, risk/watch.h) as part
 * of the stage's persisted state, so a paper/live runner restarted from the
 * store checks its first entries against the same VaR as a run that never
 * stopped. The state's JSON carries it under "var_window":
 * {"instruments": N, "rows": [[r_1 ... r_N], ...]}, one row per decision
 * step, oldest first (at most max(risk.var.window, corr_window) rows). */
#ifndef PRORATIO_RISK_VAR_WINDOW_H
#define PRORATIO_RISK_VAR_WINDOW_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/risk/state.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_risk_var_window {
    size_t n_inst;           /* instruments of a row (the view's)                 */
    size_t n_rows;           /* steps, oldest first                               */
    double *rows;            /* n_rows x n_inst returns (malloc'd; NULL: empty)   */
} pr_risk_var_window;

void pr_risk_var_window_free(pr_risk_var_window *w);

/* The "var_window" of a state's JSON text into *out (caller frees); a state
 * without the key has an empty window. A malformed window fails naming it. */
int pr_risk_var_window_from_json(const char *text, pr_risk_var_window *out, pr_err *err);

typedef struct pr_risk_stage pr_risk_stage;
/* The stage's whole persisted state: pr_risk_state_to_json's object with
 * "var_window" added (malloc'd text, caller frees). */
int pr_risk_stage_state_to_json(const pr_risk_stage *rs, char **out, pr_err *err);
/* Resumes a stage (before its first step) from such text: the state
 * (pr_risk_state_from_json, its checks and version) and the window. */
int pr_risk_stage_restore_json(pr_risk_stage *rs, const char *text, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
