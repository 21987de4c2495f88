/* Part of risk.h: the risk stage as the pipeline sees it, an engine sizer
 * (pr_sizer) named "risk": it sizes each entry by the configured rule,
 * refuses with a reason the strategy hears as "rejected by risk: <reason>",
 * and follows fills for its closed-trade statistics. The same object serves
 * backtest, paper and live; its memory is a pr_risk_state. */
#ifndef PRORATIO_RISK_STAGE_H
#define PRORATIO_RISK_STAGE_H

#include "proratio/engine/pipeline.h"
#include "proratio/risk/config.h"
#include "proratio/risk/state.h"
#include "proratio/risk/watch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_risk_stage pr_risk_stage;

int pr_risk_stage_new(const pr_risk_config *cfg, pr_risk_stage **out, pr_err *err);
void pr_risk_stage_free(pr_risk_stage *rs);
/* A sizer that borrows rs (its destroy is NULL: free rs after the pipeline). */
void pr_risk_stage_sizer(pr_risk_stage *rs, pr_sizer *out);
/* Its state, to read the counters or persist it; replace it to resume. */
const pr_risk_state *pr_risk_stage_state(const pr_risk_stage *rs);
void pr_risk_stage_restore(pr_risk_stage *rs, const pr_risk_state *st);
/* Resumes its VaR returns window (pr_risk_watch_window_set); the whole
 * persisted state in one go: pr_risk_stage_restore_json (risk/var_window.h). */
int pr_risk_stage_restore_window(pr_risk_stage *rs, const pr_risk_var_window *w, pr_err *err);
/* Its exposure and VaR watch: the report's series (risk/watch.h). */
const pr_risk_watch *pr_risk_stage_watch(const pr_risk_stage *rs);
/* Keeps the series of every step (pr_risk_watch_record). */
void pr_risk_stage_record_series(pr_risk_stage *rs, int on);

#ifdef __cplusplus
}
#endif
#endif
