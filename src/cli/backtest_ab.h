/* Internal to the CLI: the LLM confirmation stage of `proratio backtest`
 * (the configuration's "ai" section, read by the ai module) and the A/B
 * comparison of the same run without it (TA-only) and with it (TA+AI).
 * Kept apart so the rest of the command does not depend on the ai headers. */
#ifndef PR_BACKTEST_AB_H
#define PR_BACKTEST_AB_H
#include "backtest_output.h"

struct pr_llm_stage;

/* 1 when the configuration has an "ai" section. */
int bt_ai_configured(const pr_config *cfg);
/* Validates the "ai" section without creating anything (messages name the
 * key's path). */
int bt_ai_check(const pr_config *cfg, pr_err *err);
/* Creates the stage from "ai" and adds it to pipe, which then owns it.
 * store (a pr_store*) holds the response cache; log gets the decisions.
 * Without any provider key the stage is disabled (every signal passes). */
int bt_ai_attach(const pr_config *cfg, void *store, pr_log *log, pr_pipeline *pipe, struct pr_llm_stage **st,
                 pr_err *err);
/* 1 when at least one provider has a key (else every signal passes). */
int bt_ai_enabled(const struct pr_llm_stage *st);
/* Provider calls made and their estimated cost (USD) so far; 0 without a stage. */
void bt_ai_usage(const struct pr_llm_stage *st, size_t *calls, double *cost);
/* Prints the comparison of a (TA-only) and b (TA+AI): a side-by-side table,
 * or with json one JSON object on stdout. */
int bt_ab_print(const pr_metrics *a, const pr_metrics *b, size_t calls, double cost, int json, pr_err *err);

#endif
