/* The portfolio's LLM regime verdict (backtest_regime.h): an LLM stage of
 * question "regime" asked at each close of the regime market through the
 * response cache (record, then replay exactly), from the bars up to that
 * close only (the snapshot of the market view). */
#include <stdio.h>

#include "proratio/ai.h"
#include "proratio/risk.h"
#include "backtest_regime.h"

_Static_assert((int)PR_REGIME_COUNT == (int)PR_RISK_REGIME_COUNT, "ai's and risk's regimes are the same eight");

static int ask(void *ctx, const pr_market_view *v, int inst, double prob[PR_RISK_REGIME_COUNT], int *ok,
               pr_err *err) {
    return pr_llm_stage_regime(ctx, v, inst, prob, ok, err);
}

int bt_regime_llm_wanted(const pr_config *cfg, const char *path) {
    char k[160];
    double w = 0;
    pr_err e;
    snprintf(k, sizeof k, "%s.regime.llm_weight", path);
    return pr_config_number(cfg, k, 0, 0, 1, 0, &w, &e) == PR_OK && w > 0;
}

int bt_regime_llm_attach(pr_strategy *strat, const pr_config *cfg, const char *path, void *store, pr_log *log,
                         struct pr_llm_stage **out, pr_err *err) {
    *out = NULL;
    if (!strat || !bt_regime_llm_wanted(cfg, path)) return PR_OK;
    char k[160];
    snprintf(k, sizeof k, "%s.regime_llm", path);
    if (!pr_config_has(cfg, k))
        return pr_err_set(err, PR_EINVAL, "%s: regime.llm_weight > 0 asks an LLM for the regime; give its providers "
                          "here (the keys of an llm confirmation stage)", k);
    pr_llm_stage_config sc;
    pr_llm_config prov[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t n = 0;
    int rc = pr_llm_stage_config_load(cfg, k, &sc, prov, &n, err);
    if (rc != PR_OK) return rc;
    sc.question = PR_LLM_Q_REGIME;
    if ((rc = pr_llm_stage_new(&sc, prov, n, store, log, NULL, out, err)) != PR_OK) return rc;
    pr_multi_set_regime_llm(strat, ask, *out);
    return PR_OK;
}

void bt_regime_llm_free(struct pr_llm_stage *st) { pr_llm_stage_free(st); }
