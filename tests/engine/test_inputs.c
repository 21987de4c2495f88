/* Degenerate and bad market data through the whole backtest with every
 * built-in strategy (rules with a pair of rules): a one-bar series trades
 * nothing, a two-bar one nothing but for a strategy that needs no history,
 * and prices that are not finite numbers (a NaN close, an infinite high)
 * are a data error naming the bar, not a run with NaN equity. */
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

static int64_t T0;

/* The markets a strategy needs: most take any one; the multi-instrument
 * ones and those that check the asset class get theirs (all on the same
 * bars). */
static const struct {
    const char *name;
    size_t n;
    const char *sym[3];
    pr_asset_class cls;
} k_markets[] = {
    {"pairs", 2, {"ETH/USDT", "BTC/USDT"}, PR_ASSET_CRYPTO},
    {"triangular", 3, {"EURUSD", "USDJPY", "EURJPY"}, PR_ASSET_FOREX},
    {"gap_fade", 1, {"SPY"}, PR_ASSET_STOCK},
};

static int run_strategy(const char *name, const pr_series *s, pr_backtest_result *r, pr_err *err) {
    pr_strategy *st = NULL;
    /* The rules strategy has no default rules: it gets a pair that reads
     * back one bar and across indicators, so a tiny series reaches them. */
    pr_config *cfg = NULL;
    if (strcmp(name, "rules") == 0)
        assert_int_equal(pr_config_parse("{\"entry_long\": \"close > prev(close, 1) and rsi(close, 2) < 90\","
                                         " \"exit_long\": \"close < prev(close, 1)\", \"stop\": \"atr(2)\"}",
                                         &cfg, err),
                         0);
    int rc = pr_strategy_create(name, cfg, NULL, &st, err);
    pr_config_free(cfg);
    assert_int_equal(rc, 0);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(NULL, st, &p, err), 0);
    size_t n = 1;
    const char *const *sym = NULL;
    pr_asset_class cls = PR_ASSET_CRYPTO;
    for (size_t k = 0; k < sizeof k_markets / sizeof *k_markets; k++)
        if (strcmp(k_markets[k].name, name) == 0) n = k_markets[k].n, sym = k_markets[k].sym, cls = k_markets[k].cls;
    pr_bt_market mk[3] = {{.bars = s}, {.bars = s}, {.bars = s}};
    for (size_t i = 0; i < n; i++) et_spec_plain(&mk[i].spec, sym ? sym[i] : "BTCUSDT", cls);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = n, .markets = mk};
    rc = pr_backtest_run(&bc, p, r, err);
    pr_pipeline_free(p);
    pr_strategy_free(st);
    return rc;
}

/* n hourly bars on a gentle wave. */
static void wave(pr_series *s, size_t n) {
    pr_series_init(s, n + 1);
    s->tf = PR_TF_1H;
    for (size_t i = 0; i < n; i++) {
        double c = 100 + 10 * sin((double)i / 7.0);
        pr_series_push(s, T0 + (int64_t)i * PR_MS_PER_HOUR, c, c + 1, c - 1, c, 10 + (double)(i % 5));
    }
}

static void test_tiny_series(void **state) {
    (void)state;
    const char *const *names = pr_strategy_names();
    for (size_t n = 1; n <= 2; n++) {
        pr_series s;
        wave(&s, n);
        for (size_t k = 0; names[k]; k++) {
            pr_err err;
            pr_err_clear(&err);
            pr_backtest_result r;
            int rc = run_strategy(names[k], &s, &r, &err);
            if (rc) fprintf(stderr, "%s on %zu bars: %s\n", names[k], n, err.msg);
            assert_int_equal(rc, 0);
            assert_int_equal(r.n_steps, n);
            if (n == 1) {
                /* Nothing can fill: a decision at the last close has no next bar. */
                assert_int_equal(r.n_fills, 0);
                assert_true(r.final_equity == 1000);
            } else {
                /* A strategy that decides from one bar (triangular, on three
                 * markets given the same prices) may fill at the second. */
                assert_true(isfinite(r.final_equity) && (r.n_fills == 0 || strcmp(names[k], "triangular") == 0));
            }
            pr_backtest_result_free(&r);
        }
        pr_series_free(&s);
    }
}

static void test_bad_prices(void **state) {
    (void)state;
    const char *const *names = pr_strategy_names();
    /* Bar 150 of 300 broken in one column at a time. */
    for (int col = 0; col < 4; col++) {
        for (int kind = 0; kind < 3; kind++) {
            pr_series s;
            wave(&s, 300);
            double bad = kind == 0 ? NAN : kind == 1 ? INFINITY : -INFINITY;
            double *cols[4] = {s.open, s.high, s.low, s.close};
            cols[col][150] = bad;
            for (size_t k = 0; names[k]; k++) {
                pr_err err;
                pr_err_clear(&err);
                pr_backtest_result r;
                assert_int_equal(run_strategy(names[k], &s, &r, &err), PR_EDATA);
                assert_non_null(strstr(err.msg, "150"));
            }
            pr_series_free(&s);
        }
    }
}

/* The bars are checked as the run reaches them, in every part of the loop:
 * inside the warm-up before trade_from, out-of-order times, and in a run
 * of two markets where only the second is broken. Each is the data error
 * naming the bar, with no result. */
static void test_bad_bars_everywhere(void **state) {
    (void)state;
    pr_err err;
    pr_backtest_result r;
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, &err), 0);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(NULL, st, &p, &err), 0);

    /* A NaN close at bar 150, inside the warm-up (trading from bar 200). */
    pr_series a;
    wave(&a, 300);
    a.close[150] = NAN;
    pr_bt_market mk = {.bars = &a};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 1, .markets = &mk, .trade_from = a.ts[200]};
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "bar 150 has a price"));

    /* Bar 220's time not after bar 219's. */
    pr_series_free(&a);
    wave(&a, 300);
    a.ts[220] = a.ts[219];
    bc.trade_from = 0;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "not strictly increasing at index 220"));
    pr_series_free(&a);

    /* Two markets; the second's high at bar 120 is infinite. */
    pr_series b;
    wave(&a, 300);
    wave(&b, 300);
    b.high[120] = INFINITY;
    pr_bt_market two[2] = {{.bars = &a}, {.bars = &b}};
    et_spec_plain(&two[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&two[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc2 = {.start_cash = 1000, .n_markets = 2, .markets = two};
    assert_int_equal(pr_backtest_run(&bc2, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "ETHUSDT bar 120"));
    /* The same in the two-market warm-up. */
    bc2.trade_from = a.ts[200];
    assert_int_equal(pr_backtest_run(&bc2, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "ETHUSDT bar 120"));
    pr_series_free(&a);
    pr_series_free(&b);
    pr_pipeline_free(p);
    pr_strategy_free(st);
}


/* pr_bt_market.checked: a dataset checked once at load (pr_series_check)
 * gives a run the same error at the same bar as an unchecked one, in the one-
 * and two-market loops and in the warm-up, since the check stops at the bad
 * bar and the run checks from there on; and the checked count is ignored
 * when it exceeds the bars (a stale count from a longer series). */
static void test_checked_at_load(void **state) {
    (void)state;
    pr_err err;
    pr_backtest_result r;
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, &err), 0);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(NULL, st, &p, &err), 0);
    pr_series a, b;
    wave(&a, 300);
    wave(&b, 300);
    a.low[180] = NAN;
    pr_bt_market mk = {.bars = &a, .checked = pr_series_check(&a, 0)};
    assert_int_equal(mk.checked, 180);
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 1, .markets = &mk};
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "bar 180 has a price"));
    bc.trade_from = a.ts[250];   /* bar 180 inside the warm-up */
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "bar 180 has a price"));
    mk.checked = 100000;   /* more than the bars: not trusted */
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "bar 180 has a price"));
    /* A good dataset checked whole runs as an unchecked one does. */
    a.low[180] = a.close[180] - 1;
    mk.checked = pr_series_check(&a, 0);
    assert_int_equal(mk.checked, 300);
    bc.trade_from = 0;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_OK);
    double eq_checked = r.final_equity;
    size_t n_checked = r.n_steps;
    pr_backtest_result_free(&r);
    mk.checked = 0;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_OK);
    assert_true(r.final_equity == eq_checked);
    assert_int_equal(r.n_steps, n_checked);
    pr_backtest_result_free(&r);
    /* Two markets: the second's times repeat at bar 90. */
    b.ts[90] = b.ts[89];
    pr_bt_market two[2] = {{.bars = &a, .checked = pr_series_check(&a, 0)},
                           {.bars = &b, .checked = pr_series_check(&b, 0)}};
    assert_int_equal(two[1].checked, 90);
    et_spec_plain(&two[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&two[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc2 = {.start_cash = 1000, .n_markets = 2, .markets = two};
    assert_int_equal(pr_backtest_run(&bc2, p, &r, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "ETHUSDT bars not strictly increasing at index 90"));
    pr_series_free(&a);
    pr_series_free(&b);
    pr_pipeline_free(p);
    pr_strategy_free(st);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_series),
        cmocka_unit_test(test_bad_prices),
        cmocka_unit_test(test_bad_bars_everywhere),
        cmocka_unit_test(test_checked_at_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
