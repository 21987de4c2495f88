/* The risk stage inside the decision pipeline: a scripted strategy on
 * hand-made hourly bars (no costs, 10,000 cash). Kelly sizes the second
 * entry from the first trade only once it has closed (causal), and a
 * refusal reaches the strategy as an event from stage "risk" with the
 * reason, and is counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"
#include "risk_run.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static const double k_rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 103, 99, 102},
                                   {102, 103, 101, 102}, {102, 103, 101, 102}, {100, 101, 99, 100},
                                   {100, 101, 99, 100}};

static char g_stage[32], g_reason[128];
static int g_rejects;

static int record(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_stage, sizeof g_stage, "%s", ev->stage ? ev->stage : "");
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

static void run(et_script *sc, const char *symbol, const pr_risk_config *rc, pr_risk_stage **rs,
                pr_backtest_result *r) {
    g_rejects = 0;
    rr_run(sc, k_rows, NROWS(k_rows), symbol, rc, record, rs, r);
}

/* Enter at bar 0, exit at bar 2, enter again at bar 4, without stops, sized
 * by `mode`. */
static void run_round_trip(int mode, pr_risk_config *rc, pr_risk_stage **rs, pr_backtest_result *r) {
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 0);
    rc->sizing.mode = mode;
    rc->stops.required = 0;   /* the script's entries have no stop */
    run(&sc, "BTCUSDT", rc, rs, r);
}

static void test_kelly_causal(void **state) {
    (void)state;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.kelly_min_trades = 1;
    rc.sizing.kelly_fallback = 0.1;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run_round_trip(PR_RISK_KELLY, &rc, &rs, &r);
    /* Entry 1 (decided at bar 0, no closed trade yet): the fallback, 10% of
     * 10,000 = 1,000 at bar 1's open 100 = 10 units. It exits at bar 3's
     * open 102: +20, a +2% return, the only closed trade. Entry 2 (bar 4):
     * one win and no loss, p = 1, f* = 1, quarter Kelly: 0.25 * equity
     * 10,020 = 2,505 at bar 5's open 100 = 25.05 units. */
    assert_int_equal((int)r.n_trades, 1);
    assert_true(fabs(r.trades[0].size - 10) < 1e-9);
    assert_int_equal((int)r.n_open, 1);
    assert_true(fabs(r.open_trades[0].size - 25.05) < 1e-9);
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->closed, 1);
    assert_int_equal((int)st->entries, 2);
    assert_int_equal((int)st->rejected, 0);
    assert_int_equal(g_rejects, 0);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

static void test_refusal_event(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_PIP;   /* BTCUSDT has no pip size */
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, "BTCUSDT", &rc, &rs, &r);
    assert_int_equal((int)(r.n_trades + r.n_open), 0);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_stage, "risk");
    assert_string_equal(g_reason, "the instrument has no pip size");
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->rejected, 1);
    assert_int_equal(st->n_counts, 1);
    assert_string_equal(st->counts[0].reason, "the instrument has no pip size");
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

static void test_protection_refuses(void **state) {
    (void)state;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.protections.max_trades_per_day = 1;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run_round_trip(PR_RISK_FIXED_FRACTION, &rc, &rs, &r);
    /* Both entries fall on 2024-01-01 (UTC): the first (10% = 1,000 at 100:
     * 10 units) trades, the second is refused by the one-a-day limit. */
    assert_int_equal((int)r.n_trades, 1);
    assert_int_equal((int)r.n_open, 0);
    assert_true(fabs(r.trades[0].size - 10) < 1e-9);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_stage, "risk");
    assert_string_equal(g_reason, "max trades per day");
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->trig[PR_PROT_TRADES_PER_DAY].count, 1);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

static void test_stop_required(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);                /* no stop: refused      */
    et_script_add(&sc, 3, PR_SIG_ENTER_LONG, 0)->trail_frac = 0.05;  /* trailing: a stop */
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);   /* stops.required is on by default */
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, "BTCUSDT", &rc, &rs, &r);
    /* Only the second entry trades: 10% of 10,000 at bar 4's open 102 =
     * 1,000 / 102 units, still open. */
    assert_int_equal((int)(r.n_trades + r.n_open), 1);
    assert_true(fabs(r.open_trades[0].size - 1000.0 / 102) < 1e-9);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "no stop-loss (risk.stops.required)");
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

static void test_atr_vol_from_view(void **state) {
    (void)state;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.atr_period = 2;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run_round_trip(PR_RISK_ATR, &rc, &rs, &r);
    /* TA-Lib's (Wilder) ATR(2): bar 0 has none yet (the first is at bar 2):
     * refused. True ranges from bar 1: 2, 4 (103 - 99), 2, 2, and at bar 5
     * 3 (|99 - 102|). ATR at bar 2 (2 + 4) / 2 = 3, bar 3 (3 + 2) / 2 = 2.5,
     * bar 4 (2.5 + 2) / 2 = 2.25: 1% of 10,000 over 2 ATRs = 100 / 4.5 =
     * 22.22 units (with bar 5, not yet closed, ATR 2.625 and 19.05 units;
     * the mean of the latest 2 true ranges, 2, would give 25). */
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "ATR not available yet");
    assert_int_equal((int)(r.n_trades + r.n_open), 1);
    assert_true(fabs(r.open_trades[0].size - 100 / 4.5) < 1e-9);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);

    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 5, PR_SIG_ENTER_LONG, 0);
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_VOL_TARGET;
    rc.sizing.atr_period = 2;
    rc.stops.required = 0;
    run(&sc, "BTCUSDT", &rc, &rs, &r);
    /* At bar 4 the closes 102, 102, 102 give returns 0, 0: no volatility,
     * refused (bar 5's close 100 would have given one). At bar 5 the returns
     * are ln(100/102) and 0: sample deviation |ln(100/102)| / sqrt(2),
     * annualised by sqrt(365.25 * 24) hourly bars; 15% target of 10,000
     * over it, at bar 6's open 100. */
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "volatility not available yet");
    assert_int_equal((int)(r.n_trades + r.n_open), 1);
    double vol = fabs(log(100.0 / 102)) / sqrt(2) * sqrt(365.25 * 24);
    assert_true(fabs(r.open_trades[0].size - 10000 * 0.15 / vol / 100) < 1e-9);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kelly_causal),
        cmocka_unit_test(test_protection_refuses),
        cmocka_unit_test(test_stop_required),
        cmocka_unit_test(test_refusal_event),
        cmocka_unit_test(test_atr_vol_from_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
