/* Internal to the CLI: the LLM regime verdict of the "portfolio" strategy
 * (strategy.params.regime.llm_weight > 0), asked through the ai module with
 * the providers of strategy.params.regime_llm and installed as the
 * portfolio's callback (risk/multi.h), so risk needs no ai header. */
#ifndef PR_BACKTEST_REGIME_H
#define PR_BACKTEST_REGIME_H
#include "proratio/core.h"
#include "proratio/signal.h"

struct pr_llm_stage;

/* When strat is the portfolio and `path`.regime.llm_weight > 0: creates
 * the regime LLM from `path`.regime_llm (an llm stage's keys, the question
 * is "regime"), store (a pr_store*, the response cache) and log (may be
 * NULL), and installs it; *out (NULL when none) is the caller's to free
 * with pr_llm_stage_free after the run. */
int bt_regime_llm_attach(pr_strategy *strat, const pr_config *cfg, const char *path, void *store, pr_log *log,
                         struct pr_llm_stage **out, pr_err *err);
/* 1 when the configuration asks for it (the run then needs the store). */
int bt_regime_llm_wanted(const pr_config *cfg, const char *path);
void bt_regime_llm_free(struct pr_llm_stage *st);

#endif
