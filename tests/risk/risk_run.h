/* A scripted strategy run through the risk stage, shared by the risk tests:
 * hourly bars from 2024-01-01 00:00 UTC, one market without costs, 10,000
 * cash, the stage installed as the pipeline's sizer. Include <cmocka.h>
 * (with its prerequisites) and engine/engine_test.h first. */
#ifndef PR_RISK_RUN_H
#define PR_RISK_RUN_H
#include "proratio/engine.h"
#include "proratio/risk.h"

/* Runs sc over the bars s of the market mk_spec (copied) through the risk
 * stage of rc, with 10,000 cash; on_event (may be NULL) hears the
 * strategy's events (refusals among them). The caller frees *r and *rs. */
static inline void rr_run_spec(et_script *sc, const pr_series *s, const pr_market_spec *mk_spec,
                               const pr_risk_config *rc,
                               int (*on_event)(pr_strategy *, const pr_market_view *, const pr_strategy_event *,
                                               pr_err *),
                               pr_risk_stage **rs, pr_backtest_result *r) {
    static pr_strategy_vt vt;
    vt = et_script_vt;
    vt.on_event = on_event;
    sc->base.vt = &vt;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc->base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(rc, rs, &err), 0);
    pr_sizer sz;
    pr_risk_stage_sizer(*rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = s, .spec = *mk_spec};
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    assert_int_equal(pr_backtest_run(&bc, p, r, &err), 0);
    pr_pipeline_free(p);
}

/* Runs sc over rows {o, h, l, c} of `symbol`; on_event (may be NULL) hears
 * the strategy's events (refusals among them). The caller frees *r and *rs. */
static inline void rr_run(et_script *sc, const double (*rows)[4], size_t n, const char *symbol,
                          const pr_risk_config *rc,
                          int (*on_event)(pr_strategy *, const pr_market_view *, const pr_strategy_event *, pr_err *),
                          pr_risk_stage **rs, pr_backtest_result *r) {
    pr_series s;
    et_hourly(&s, et_time(2024, 1, 1, 0, 0), rows, n);
    pr_market_spec spec;
    et_spec_plain(&spec, symbol, PR_ASSET_CRYPTO);
    rr_run_spec(sc, &s, &spec, rc, on_event, rs, r);
    pr_series_free(&s);
}
#endif
