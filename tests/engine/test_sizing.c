/* Sizing and the remaining order and currency paths, by hand: fixed fraction
 * of equity, fixed risk from the stop distance (market, limit and stop
 * entries), the size hint, a sizer installed through the hook, stop-limit
 * orders (fill at the stop, gap then limit, rest as a limit), and a JPY
 * cross in a USD account converted through another market (USD/JPY). Hourly
 * bars from 2024-01-01 00:00 UTC, no costs, start cash 10,000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"
#include "pr_test.h"
#include "engine_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static const double k_rows[][4] = {{100, 100, 100, 100}, {100, 101, 98.5, 100}, {100, 103, 99, 102}, {102, 103, 101, 102}};

static double entered_size(et_script *sc, pr_size_mode mode, double fraction, double risk, pr_sizer *hook) {
    pr_series s;
    et_hourly(&s, T0, k_rows, NROWS(k_rows));
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = mode;
    pc.sizing.fraction = fraction;
    pc.sizing.risk = risk;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc->base, &p, &err), 0);
    if (hook) pr_pipeline_set_sizer(p, hook);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    double size = r.n_open ? r.open_trades[0].size : (r.n_trades ? r.trades[0].size : 0);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
    return size;
}

static void test_fixed_fraction(void **state) {
    (void)state;
    et_script sc;
    /* Half the equity, 5,000, at bar 1's open 100: 50 units. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_FRACTION, 0.5, 0.01, NULL) - 50) < 1e-9);
    /* A size hint of 0.5 halves it: 25 units. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->size_hint = 0.5;
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_FRACTION, 0.5, 0.01, NULL) - 25) < 1e-9);
}

static void test_fixed_risk(void **state) {
    (void)state;
    et_script sc;
    /* 1% of 10,000 = 100 at stake; entry 100, stop 95: 100 / 5 = 20 units. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_RISK, 0.1, 0.01, NULL) - 20) < 1e-9);
    /* A limit entry at 99 (bar 1's low 98.5 reaches it), stop 95: 100 / 4 = 25. */
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->entry_limit = 99;
    g->stop = 95;
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_RISK, 0.1, 0.01, NULL) - 25) < 1e-9);
    /* A stop entry at 102 (bar 2's high 103 trades it), stop 97: 100 / 5 = 20. */
    et_script_reset(&sc);
    g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->entry_stop = 102;
    g->stop = 97;
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_RISK, 0.1, 0.01, NULL) - 20) < 1e-9);
    /* No stop: falls back to the fraction, 10% of 10,000 at 100 = 10 units. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    assert_true(fabs(entered_size(&sc, PR_SIZE_FIXED_RISK, 0.1, 0.01, NULL) - 10) < 1e-9);
}

static int three_units(void *self, const pr_size_request *rq, pr_size *out, pr_err *err) {
    (void)err;
    (*(int *)self)++;
    assert_true(rq->account->equity == 10000);
    assert_true(rq->price == 100);   /* the decision bar's close */
    out->mode = PR_QTY_UNITS;
    out->value = 3;
    return 0;
}

static void test_sizer_hook(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    int *calls = calloc(1, sizeof *calls);
    pr_sizer hook = {.self = calls, .size = three_units, .destroy = NULL};
    assert_true(entered_size(&sc, PR_SIZE_FIXED_FRACTION, 0.5, 0.01, &hook) == 3);
    assert_int_equal(*calls, 1);
    free(calls);
}

/* The bracket hook: it sets a stop of 95 on an entry without one (the trade
 * then has 1 unit * (100 - 95) = 5 at stake), or refuses the entry. */
static int bracket_stop(void *self, const pr_size_request *rq, pr_signal *sig, const char **refuse, pr_err *err) {
    (void)err;
    assert_true(rq->sig == sig);
    if (*(int *)self) *refuse = "reward:risk below 2";
    else sig->stop = 95;
    return 0;
}
static int one_unit(void *self, const pr_size_request *rq, pr_size *out, pr_err *err) {
    (void)self, (void)rq, (void)err;
    out->mode = PR_QTY_UNITS;
    out->value = 1;
    return 0;
}

static pr_backtest_result run_hooked(et_script *sc, pr_sizer *hook) {
    pr_series s;
    et_hourly(&s, T0, k_rows, NROWS(k_rows));
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc->base, &p, &err), 0);
    pr_pipeline_set_sizer(p, hook);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    pr_pipeline_free(p);
    pr_series_free(&s);
    return r;
}

static void test_bracket_hook(void **state) {
    (void)state;
    et_script sc;
    int refuse = 0;
    pr_sizer hook = {.self = &refuse, .size = one_unit, .bracket = bracket_stop, .name = "risk"};
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    pr_backtest_result r = run_hooked(&sc, &hook);
    assert_int_equal(r.n_open, 1);
    assert_true(fabs(r.open_trades[0].risk - 5) < 1e-9);
    pr_backtest_result_free(&r);
    refuse = 1;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    r = run_hooked(&sc, &hook);
    assert_int_equal(r.n_open + r.n_trades, 0);
    assert_int_equal(r.stats.ignored, 1);
    pr_backtest_result_free(&r);
}

/* The exits hook: at the third step (bar 2's close) it closes instrument 0;
 * the exit fills at bar 3's open, 102, past every confirmation stage. */
static int exit_at_third(void *self, const pr_market_view *v, const pr_portfolio *pf, pr_signal_list *out,
                         pr_err *err) {
    (void)v, (void)pf, (void)err;
    if (++*(int *)self == 3) {
        pr_signal *g = pr_signal_list_add(out, PR_SIG_EXIT, 0);
        pr_signal_tag(g, "risk:kill");
    }
    return 0;
}

static void test_exits_hook(void **state) {
    (void)state;
    et_script sc;
    int calls = 0;
    pr_sizer hook = {.self = &calls, .size = one_unit, .exits = exit_at_third, .name = "risk"};
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    pr_backtest_result r = run_hooked(&sc, &hook);
    assert_int_equal(calls, 4);
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.n_open, 0);
    assert_true(r.trades[0].entry_price == 100 && r.trades[0].exit_price == 102);
    assert_true(r.trades[0].exit_ts == H(3));
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_EXIT);
    pr_backtest_result_free(&r);
}

static double stop_limit_entry(const double (*rows)[4], size_t n, double stop, double limit, int64_t *ts) {
    pr_series s;
    et_hourly(&s, T0, rows, n);
    et_script sc;
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->entry_stop = stop;
    g->entry_limit = limit;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    double px = r.n_open ? r.open_trades[0].entry_price : 0;
    *ts = r.n_open ? r.open_trades[0].entry_ts : 0;
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
    return px;
}

static void test_stop_limit(void **state) {
    (void)state;
    int64_t ts;
    /* Buy stop 102 limit 103: bar 2 trades up through 102: filled at 102. */
    static const double a[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {101, 104, 100, 103}, {103, 103, 103, 103}};
    assert_true(stop_limit_entry(a, NROWS(a), 102, 103, &ts) == 102);
    assert_int_equal(ts, H(2));
    /* Bar 2 gaps to 105, above the limit: triggered but not filled at the
     * open; later in the bar the price comes back to 102.5 <= 103: filled at
     * the limit 103. */
    static const double b[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {105, 106, 102.5, 104}, {104, 104, 104, 104}};
    assert_true(stop_limit_entry(b, NROWS(b), 102, 103, &ts) == 103);
    assert_int_equal(ts, H(2));
    /* Limit below the stop (buy the pull-back after a breakout): bar 2
     * triggers at 102; whether it came back to 101.5 inside that bar is
     * unknown, so it rests and bar 3's low 101 fills it at 101.5. */
    static const double c[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {101, 103, 101, 102.5}, {102, 102, 101, 101.5}};
    assert_true(stop_limit_entry(c, NROWS(c), 102, 101.5, &ts) == 101.5);
    assert_int_equal(ts, H(3));
    /* Never triggered: no position. */
    static const double d[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 101.9, 99, 101}};
    assert_true(stop_limit_entry(d, NROWS(d), 102, 103, &ts) == 0);
}

/* A USD account buys 10,000 EUR/JPY at bar 1's open (160.00) and sells at
 * bar 3's open (161.00), with JPY converted through a USD/JPY market; the
 * USD/JPY market is listed first or second. Returns the trade's P&L in USD
 * and the final equity. */
static void eurjpy_round_trip(const double (*uj)[4], int usdjpy_first, double *pnl, double *final_equity) {
    static const double ej[][4] = {{160, 160, 160, 160}, {160, 160.5, 159.5, 160.2}, {160.2, 161.2, 160, 161}, {161, 161, 161, 161}};
    pr_series se, su;
    et_hourly(&se, T0, ej, NROWS(ej));
    et_hourly(&su, T0, uj, NROWS(ej));
    int iej = usdjpy_first ? 1 : 0, iuj = 1 - iej;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, iej);
    et_script_add(&sc, 2, PR_SIG_EXIT, iej);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 10000;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_bt_market mk[2];
    memset(mk, 0, sizeof mk);
    mk[iej].bars = &se;
    mk[iuj].bars = &su;
    assert_int_equal(pr_market_spec_default("EURJPY", PR_ASSET_FOREX, &mk[iej].spec, &err), 0);
    assert_int_equal(pr_market_spec_default("USDJPY", PR_ASSET_FOREX, &mk[iuj].spec, &err), 0);
    memset(&mk[iej].spec.costs, 0, sizeof mk[iej].spec.costs);
    mk[iej].spec.margin.leverage = 30;
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 2, .markets = mk};
    pr_strlcpy(bc.ccy, "USD", sizeof bc.ccy);
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(r.n_trades, 1);
    *pnl = r.trades[0].pnl;
    *final_equity = r.final_equity;
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&se);
    pr_series_free(&su);
}

static void test_cross_currency_via_other_market(void **state) {
    (void)state;
    /* USD/JPY flat at 150: +1 JPY x 10,000 = 10,000 JPY = 10000 / 150 = 66.67 USD. */
    static const double uj[][4] = {{150, 150, 150, 150}, {150, 150, 150, 150}, {150, 150, 150, 150}, {150, 150, 150, 150}};
    double pnl, eq;
    eurjpy_round_trip(uj, 0, &pnl, &eq);
    assert_true(fabs(pnl - 10000.0 / 150.0) < 1e-9);
    assert_true(fabs(eq - (10000 + 10000.0 / 150.0)) < 1e-9);
}

static void test_cross_currency_rate_not_from_the_future(void **state) {
    (void)state;
    /* USD/JPY listed FIRST, so its bar of each step is processed before
     * EUR/JPY's. At bar 3 it opens at 150 and closes at 100. The EUR/JPY exit
     * fills at bar 3's open, when the rate known is 150 (the close of 100 is
     * an hour in the future): +10,000 JPY must book 10000 / 150 = 66.67 USD,
     * not 10000 / 100 = 100. The position is then flat, so equity = 10000 +
     * 66.67 whatever the close. */
    static const double uj[][4] = {{150, 150, 150, 150}, {150, 150, 150, 150}, {150, 150, 150, 150}, {150, 150, 100, 100}};
    double pnl, eq;
    eurjpy_round_trip(uj, 1, &pnl, &eq);
    assert_true(fabs(pnl - 10000.0 / 150.0) < 1e-9);
    assert_true(fabs(eq - (10000 + 10000.0 / 150.0)) < 1e-9);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_fraction),
        cmocka_unit_test(test_fixed_risk),
        cmocka_unit_test(test_sizer_hook),
        cmocka_unit_test(test_bracket_hook),
        cmocka_unit_test(test_exits_hook),
        cmocka_unit_test(test_stop_limit),
        cmocka_unit_test(test_cross_currency_via_other_market),
        cmocka_unit_test(test_cross_currency_rate_not_from_the_future),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
