/* The backtest's warm-up (pr_backtest_config.trade_from, pr_backtest_history)
 * and the rejected-order counts (pr_backtest_result.rejects). Every expected
 * number is worked out in the comments from the bars the test builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "engine_test.h"

/* n hourly bars from t0, flat at 100 (open = high = low = close). */
static void flat(pr_series *s, int64_t t0, size_t n, double px) {
    pr_series_init(s, n + 1);
    s->tf = PR_TF_1H;
    for (size_t i = 0; i < n; i++) pr_series_push(s, t0 + (int64_t)i * PR_MS_PER_HOUR, px, px, px, px, 1.0);
}

/* Markets BTCUSDT (a) and ETHUSDT (b), no costs. */
static void two_markets(pr_bt_market mk[2], const pr_series *a, const pr_series *b) {
    memset(mk, 0, 2 * sizeof *mk);
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    mk[0].bars = a;
    mk[1].bars = b;
}

static pr_pipeline *pipeline_for(et_script *sc, pr_size_mode mode, double fraction) {
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = mode;
    pc.sizing.fraction = fraction;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, &sc->base, &p, NULL), 0);
    return p;
}

/* One market, 10 bars, trading from bar 4: the strategy is first called at
 * bar 4's close (a signal scripted at bar 2 never comes), the curve has the
 * 6 steps of bars 4..9, and the entry at bar 5's close fills at bar 6's open. */
static void test_one_market(void **state) {
    (void)state;
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    pr_series s;
    flat(&s, t0, 10, 100);
    pr_market_spec spec;
    et_spec_plain(&spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 2, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 5, PR_SIG_ENTER_LONG, 0);
    pr_pipeline *p = pipeline_for(&sc, PR_SIZE_FIXED_FRACTION, 0.5);
    pr_bt_market mk = {.spec = spec, .bars = &s};
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 1, .markets = &mk,
                             .trade_from = t0 + 4 * PR_MS_PER_HOUR};
    pr_backtest_result res;
    pr_err err;
    if (pr_backtest_run(&bc, p, &res, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(sc.calls, 6);
    assert_int_equal(res.n_steps, 6);
    assert_true(res.ts[0] == t0 + 4 * PR_MS_PER_HOUR);
    assert_true(res.equity[0] == 1000);
    assert_int_equal(res.n_fills, 1);
    assert_true(res.fills[0].ts == t0 + 6 * PR_MS_PER_HOUR);
    /* 0.5 x 1000 at 100: 5 units. */
    assert_true(res.fills[0].qty == 5);
    pr_backtest_result_free(&res);
    /* Without trade_from the bar-2 signal trades: entry at bar 3's open. */
    bc.trade_from = 0;
    sc.calls = 0;
    if (pr_backtest_run(&bc, p, &res, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(sc.calls, 10);
    assert_int_equal(res.n_steps, 10);
    assert_true(res.fills[0].ts == t0 + 3 * PR_MS_PER_HOUR);
    pr_backtest_result_free(&res);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

/* Two markets: A has bars 0..9 from t0, B bars 2..9 (it starts 2 h later);
 * trading from t0 + 5 h leaves the 5 steps closing at 6 h .. 10 h, both
 * markets updated at each. */
static void test_two_markets(void **state) {
    (void)state;
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    pr_series a, b;
    flat(&a, t0, 10, 100);
    flat(&b, t0 + 2 * PR_MS_PER_HOUR, 8, 50);
    pr_bt_market mk[2];
    two_markets(mk, &a, &b);
    et_script sc;
    et_script_reset(&sc);
    /* B's bar index 4 is t0 + 6 h: a signal in the traded part. */
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 1);
    pr_pipeline *p = pipeline_for(&sc, PR_SIZE_FIXED_FRACTION, 0.5);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 2, .markets = mk, .trade_from = t0 + 5 * PR_MS_PER_HOUR};
    pr_backtest_result res;
    pr_err err;
    if (pr_backtest_run(&bc, p, &res, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(res.n_steps, 5);
    assert_int_equal(sc.calls, 5);
    assert_true(res.ts[0] == t0 + 5 * PR_MS_PER_HOUR);
    assert_true(res.ts[4] == t0 + 9 * PR_MS_PER_HOUR);
    /* Entry at B's next open, t0 + 7 h: 500 / 50 = 10 units. */
    assert_int_equal(res.n_fills, 1);
    assert_true(res.fills[0].ts == t0 + 7 * PR_MS_PER_HOUR);
    assert_true(res.fills[0].qty == 10);
    pr_backtest_result_free(&res);
    pr_pipeline_free(p);
    pr_series_free(&a);
    pr_series_free(&b);
}

/* A strategy declaring EMA(50) on the decision timeframe and EMA(20) on 4h. */
typedef struct ema_strat {
    pr_strategy base;
    int htf;
} ema_strat;

static int ema_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    ema_strat *e = (ema_strat *)s;
    int h;
    double p50 = 50, p20 = 20;
    int rc = pr_view_require_indicator(v, 0, PR_TF_NONE, "ema", &p50, 1, 0, NULL, &h, err);
    if (rc == 0 && e->htf) rc = pr_view_require_indicator(v, 0, PR_TF_4H, "ema", &p20, 1, 0, NULL, &h, err);
    return rc;
}
static int ema_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    (void)s; (void)v; (void)out; (void)err;
    return 0;
}
static const pr_strategy_vt ema_vt = {.name = "ema", .init = ema_init, .on_bar = ema_on_bar};

static void test_history(void **state) {
    (void)state;
    pr_series s;
    flat(&s, et_time(2024, 1, 1, 0, 0), 10, 100);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.n_markets = 1, .markets = &mk};
    ema_strat e = {{&ema_vt}, 0};
    size_t bars = 0;
    const char *unb = "x";
    /* EMA(50): lookback 49 + 691 bars (ln 1e-12 / ln(49/51) = 690.7) = 740
     * before a bar, plus that bar: 741. */
    assert_int_equal(pr_backtest_history(&bc, &e.base, &bars, &unb, NULL), 0);
    assert_int_equal(bars, 741);
    assert_null(unb);
    /* EMA(20) on 4h: 19 + 277 (ln 1e-12 / ln(19/21) = 276.08) = 296 4h bars,
     * +1, in hours: 297 x 4 = 1188 > 741. */
    e.htf = 1;
    assert_int_equal(pr_backtest_history(&bc, &e.base, &bars, NULL, NULL), 0);
    assert_int_equal(bars, 1188);
    pr_series_free(&s);
}

/* Entries that come to nothing are counted by reason, with the bracket
 * orders cancelled with them. 5% of 10,000 at a price of 1000 is 0.5 unit. */
static void check_reject(double lot, double min_qty, double min_notional, const char *want) {
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    pr_series s;
    flat(&s, t0, 6, 1000);
    pr_market_spec spec;
    et_spec_plain(&spec, "BTCUSDT", PR_ASSET_CRYPTO);
    spec.inst.lot_step = lot;
    spec.inst.min_qty = min_qty;
    spec.inst.min_notional = min_notional;
    et_script sc;
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    g->stop = 900;
    g->n_targets = 1;
    g->target_price[0] = 1100;
    g->target_frac[0] = 1;
    pr_pipeline *p = pipeline_for(&sc, PR_SIZE_FIXED_FRACTION, 0.05);
    pr_bt_market mk = {.spec = spec, .bars = &s};
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result res;
    pr_err err;
    if (pr_backtest_run(&bc, p, &res, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(res.n_fills, 0);
    assert_int_equal(res.stats.orders, 3);
    assert_int_equal(res.n_rejected, 1);
    assert_int_equal(res.n_reject_kinds, 1);
    assert_int_equal(res.rejects[0].n, 1);
    assert_string_equal(res.rejects[0].reason, want);
    assert_int_equal(res.n_cancelled_with, 2);
    pr_backtest_result_free(&res);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

static void test_rejects(void **state) {
    (void)state;
    check_reject(1, 0, 0, "quantity rounds to zero at the instrument's lot step (size below one lot)");
    check_reject(0, 1, 0, "quantity below the instrument's minimum quantity");
    check_reject(0, 0, 1000, "order value below the instrument's minimum notional");
}

/* All cash into A at bar 1 leaves nothing for B's entry at bar 3. */
static void test_reject_margin(void **state) {
    (void)state;
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    pr_series a, b;
    flat(&a, t0, 6, 100);
    flat(&b, t0, 6, 50);
    pr_bt_market mk[2];
    two_markets(mk, &a, &b);
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 3, PR_SIG_ENTER_LONG, 1);
    pr_pipeline *p = pipeline_for(&sc, PR_SIZE_ALL_CASH, 0.1);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 2, .markets = mk};
    pr_backtest_result res;
    pr_err err;
    if (pr_backtest_run(&bc, p, &res, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(res.n_fills, 1);
    assert_int_equal(res.n_rejected, 1);
    assert_string_equal(res.rejects[0].reason, "no money left for the initial margin and fees");
    pr_backtest_result_free(&res);
    pr_pipeline_free(p);
    pr_series_free(&a);
    pr_series_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_market),   cmocka_unit_test(test_two_markets), cmocka_unit_test(test_history),
        cmocka_unit_test(test_rejects),      cmocka_unit_test(test_reject_margin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
