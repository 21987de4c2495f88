/* The LLM confirmation stage in `proratio backtest` and `--ab`: the same
 * configuration run TA-only and TA+AI, compared figure by figure with the
 * ai module's pr_ab_* functions. */
#include <stdio.h>
#include <stdlib.h>

#include "proratio/ai.h"
#include "backtest_ab.h"

int bt_ai_configured(const pr_config *cfg) { return pr_config_has(cfg, "ai"); }

static int load(const pr_config *cfg, pr_llm_stage_config *sc, pr_llm_config *prov, size_t *n, pr_err *err) {
    pr_llm_stage_config_default(sc);
    *n = 0;
    return pr_llm_stage_config_load(cfg, "ai", sc, prov, n, err);
}

int bt_ai_check(const pr_config *cfg, pr_err *err) {
    pr_llm_stage_config sc;
    pr_llm_config prov[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t n;
    return load(cfg, &sc, prov, &n, err);
}

int bt_ai_attach(const pr_config *cfg, void *store, pr_log *log, pr_pipeline *pipe, struct pr_llm_stage **st,
                 pr_err *err) {
    pr_llm_stage_config sc;
    pr_llm_config prov[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t n;
    *st = NULL;
    int rc = load(cfg, &sc, prov, &n, err);
    if (rc == PR_OK) rc = pr_llm_stage_new(&sc, prov, n, store, log, NULL, st, err);
    if (rc != PR_OK) return rc;
    pr_confirm_stage cs;
    rc = pr_llm_stage_as_confirm(*st, &cs, err);
    if (rc == PR_OK) rc = pr_pipeline_add_stage(pipe, &cs, err);
    if (rc != PR_OK) {
        pr_llm_stage_free(*st);
        *st = NULL;
    }
    return rc;
}

int bt_ai_enabled(const struct pr_llm_stage *st) { return st && pr_llm_stage_enabled(st); }

void bt_ai_usage(const struct pr_llm_stage *st, size_t *calls, double *cost) {
    *calls = 0;
    *cost = 0;
    if (!st) return;
    pr_llm_stage_stats s;
    pr_llm_stage_get_stats(st, &s);
    *calls = s.cache.calls;
    *cost = s.cache.cost;
}

int bt_ab_print(const pr_metrics *a, const pr_metrics *b, size_t calls, double cost, int json, pr_err *err) {
    pr_ab_side sa, sb;
    pr_ab_side_from_metrics("TA-only", a, 0, 0, &sa);
    pr_ab_side_from_metrics("TA+AI", b, calls, cost, &sb);
    pr_ab_result r;
    int rc = pr_ab_compare(&sa, &sb, &r, err);
    if (rc != PR_OK) return rc;
    if (json) {
        char *js = pr_ab_json(&r);
        if (!js) return pr_err_set(err, PR_ENOMEM, "out of memory");
        printf("%s\n", js);
        free(js);
        return PR_OK;
    }
    char buf[4096];
    pr_ab_format(&r, buf, sizeof buf);
    fputs(buf, stdout);
    return PR_OK;
}
