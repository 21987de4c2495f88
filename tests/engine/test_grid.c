/* Scaling in and out (pr_signal.scale_in, partial exits) through
 * pr_backtest_run, the grid strategy built on them, and the rules
 * strategy's limit entries that expire, on hourly bars
 * written so every fill can be worked out by hand (the derivations are in
 * the comments). No costs: fills are at the next bar's open, or at a stop's
 * price when a bar trades through it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pr_test.h"
#include "engine_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }


/* Bars whose open is the previous close and whose high/low are the larger and
 * smaller of the two, from a list of closes. */
static void closes_series(pr_series *s, const double *c, size_t n) {
    pr_series_init(s, n + 1);
    s->tf = PR_TF_1H;
    for (size_t i = 0; i < n; i++) {
        double o = i ? c[i - 1] : c[0];
        pr_series_push(s, H((int)i), o, fmax(o, c[i]), fmin(o, c[i]), c[i], 1.0);
    }
}

/* Entries decided at the closes of bars 1, 3 (without scale_in: ignored)
 * and 4 (with it), half the units sold at bar 6 and the rest at bar 8; each
 * fills at the next bar's open, which is that close:
 *   buy 2 @ 100 (bar 2), buy 2 @ 104 (bar 5): 4 held at an average of 102;
 *   sell 2 @ 106 (bar 7): 2 x 4 = +8; sell 2 @ 104 (bar 9): 2 x 2 = +4.
 * One trade: size 4, entry 102, exit (106 + 104) / 2 = 105, P&L 12. */
static void test_scale_in_out(void **state) {
    (void)state;
    static const double c[] = {100, 100, 101, 102, 104, 105, 106, 107, 104, 104, 103};
    pr_series s;
    closes_series(&s, c, NROWS(c));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 3, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 0)->scale_in = 1;
    et_script_add(&sc, 6, PR_SIG_EXIT, 0)->exit_frac = 0.5;
    et_script_add(&sc, 8, PR_SIG_EXIT, 0);
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_sizing z = et_qty_sizing(2);
    pr_backtest_result r;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(et_run1(&sc, &m, &s, NULL, &z, 10000.0, &r, &err), 0);
    assert_int_equal(r.n_fills, 4);
    assert_true(r.fills[0].side == 1 && r.fills[0].qty == 2 && r.fills[0].price == 100 && r.fills[0].ts == H(2));
    assert_true(r.fills[1].side == 1 && r.fills[1].qty == 2 && r.fills[1].price == 104 && r.fills[1].ts == H(5));
    assert_true(r.fills[2].side == -1 && r.fills[2].qty == 2 && r.fills[2].price == 106 && r.fills[2].ts == H(7));
    assert_true(fabs(r.fills[2].realized - 8) < 1e-9);
    assert_true(r.fills[3].side == -1 && r.fills[3].qty == 2 && r.fills[3].price == 104 && r.fills[3].ts == H(9));
    assert_int_equal(r.n_trades, 1);
    const pr_trade *t = &r.trades[0];
    assert_true(t->size == 4 && t->entry_price == 102 && t->exit_price == 105);
    assert_true(fabs(t->pnl - 12) < 1e-9);
    assert_int_equal(t->entry_ts, H(2));
    assert_int_equal(t->exit_ts, H(9));
    pr_backtest_result_free(&r);

    /* An add keeps the first entry's trailing stop (5 below the best price):
     * 2 @ 100 (bar 2), 2 @ 104 (bar 5). The best high, 107 at bar 7, puts the
     * stop at 102 from that close; bar 8 (low 104) leaves it, bar 9 (open 104,
     * low 101) fills it at 102 for all 4 units: entry 102, exit 102, P&L 0.
     * Had the add dropped the plan, the stop would have stayed where it was
     * at the add's decision (the best high then, 104, less 5: 99) and bar 9
     * would not reach it. */
    static const double c2[] = {100, 100, 101, 102, 104, 105, 106, 107, 104, 101, 103};
    pr_series s2;
    closes_series(&s2, c2, NROWS(c2));
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0)->trail_dist = 5;
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 0)->scale_in = 1;
    assert_int_equal(et_run1(&sc, &m, &s2, NULL, &z, 10000.0, &r, &err), 0);
    assert_int_equal(r.n_trades, 1);
    t = &r.trades[0];
    assert_true(t->size == 4 && t->entry_price == 102 && t->exit_price == 102);
    assert_int_equal(t->exit_role, PR_ROLE_TRAIL);
    assert_int_equal(t->exit_ts, H(9));
    pr_backtest_result_free(&r);
    pr_series_free(&s2);
    pr_series_free(&s);
}

/* A backtest of a named strategy with params JSON on s (no costs, fixed qty,
 * shorts allowed). */
static void run_named(const char *name, const char *params, const pr_series *s, double qty, pr_asset_class cls,
                      pr_backtest_result *r) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    char json[1024];
    snprintf(json, sizeof json, "{\"p\": {%s}}", params);
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_strategy *st = NULL;
    if (pr_strategy_create(name, cfg, "p", &st, &err) != 0) fail_msg("%s: %s", name, err.msg);
    pr_config_free(cfg);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = et_qty_sizing(qty);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, st, &p, &err), 0);
    pr_bt_market mk = {.bars = s};
    et_spec_plain(&mk.spec, cls == PR_ASSET_FOREX ? "EURUSD" : "BTCUSDT", cls);
    mk.spec.margin.no_short = 0;
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    if (pr_backtest_run(&bc, p, r, &err) != 0) fail_msg("backtest: %s", err.msg);
    pr_pipeline_free(p);
    pr_strategy_free(st);
}

/* The grid on a configured range [90, 110], 2% steps of the middle 100 (lines
 * 98, 96, 94 below and 102, 104, 106 above; 5 fit, levels caps them at 3),
 * neutral, a lot = fixed_qty 3 / 3 lines = 1 unit, the stop one step beyond
 * the range (88 for longs, 112 for shorts). The grid is laid at bar 1 (the
 * warm-up is range_bars = 2). Closes and what they do (fills at the next
 * bar's open, which is that close):
 *   bar 2  97.9 <= 98: 1 lot long            -> buy 1 @ 97.9
 *   bar 3  95.5 <= 96: 2 lots (add 1)        -> buy 1 @ 95.5
 *   bar 4  96.5: neither 98 (sell) nor 94 (buy)
 *   bar 5  98.2 >= 98: 1 lot (half the units) -> sell 1 @ 98.2
 *   bar 6 100.5 >= 100: flat                  -> sell 1 @ 100.5
 *       trade 1: 2 units, entry 96.7, P&L (98.2 - 96.7) + (100.5 - 96.7) = 5.3
 *   bar 7 102.1 >= 102: 1 lot short           -> sell 1 @ 102.1
 *   bar 8  99.0 <= 100: flat                  -> buy 1 @ 99.0; trade 2: +3.1
 *   bar 9  93.9 <= 98, 96, 94: 3 lots at once -> buy 3 @ 93.9
 *   bar 10 85 (open 93.9, low 85): the stop at 88 fills all 3 within the
 *       bar; trade 3: 3 x (88 - 93.9) = -17.7. The grid then waits its
 *       cooldown (24 bars, longer than the rest): bars 11-12 trade nothing. */
static void test_grid_by_hand(void **state) {
    (void)state;
    static const double c[] = {100, 99, 97.9, 95.5, 96.5, 98.2, 100.5, 102.1, 99.0, 93.9, 85, 99, 97};
    pr_series s;
    closes_series(&s, c, NROWS(c));
    pr_backtest_result r;
    run_named("grid", "\"range_low\": 90, \"range_high\": 110, \"step_pct\": 2, \"levels\": 3, \"range_bars\": 2, \"adx_max\": 0",
              &s, 3, PR_ASSET_FOREX, &r);
    static const struct { int side; double qty, price; int at; } want[] = {
        {1, 1, 97.9, 3}, {1, 1, 95.5, 4}, {-1, 1, 98.2, 6}, {-1, 1, 100.5, 7}, {-1, 1, 102.1, 8},
        {1, 1, 99.0, 9}, {1, 3, 93.9, 10}, {-1, 3, 88, 10}};
    assert_int_equal(r.n_fills, NROWS(want));
    for (size_t k = 0; k < NROWS(want); k++) {
        const pr_fill *f = &r.fills[k];
        if (f->side != want[k].side || fabs(f->qty - want[k].qty) > 1e-12 || fabs(f->price - want[k].price) > 1e-9 ||
            f->ts != H(want[k].at))
            fail_msg("fill %zu: side %d qty %g price %.10g at bar %lld; want %d %g %.10g at %d", k, f->side, f->qty,
                     f->price, (long long)((f->ts - T0) / PR_MS_PER_HOUR), want[k].side, want[k].qty, want[k].price,
                     want[k].at);
    }
    assert_int_equal(r.n_trades, 3);
    assert_true(fabs(r.trades[0].pnl - 5.3) < 1e-9 && r.trades[0].size == 2);
    assert_true(fabs(r.trades[1].pnl - 3.1) < 1e-9 && r.trades[1].side == -1);
    assert_true(fabs(r.trades[2].pnl + 17.7) < 1e-9 && r.trades[2].exit_role == PR_ROLE_STOP);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

/* The long-only grid never sells short above the middle, and an ATR grid
 * spaces its lines by ATR: with every bar's true range 2 (closes alternating
 * 99/101 for 20 bars), ATR(14) is 2 and atr_mult 1 puts lines every 2 around
 * the configured middle 100. The closes then fall to 97.9 (line 98: buy 1)
 * and rise to 103 (sell it at 100; above the middle nothing is shorted). */
static void test_grid_long_atr(void **state) {
    (void)state;
    double c[24];
    for (int i = 0; i < 20; i++) c[i] = i % 2 ? 101 : 99;
    c[20] = 99.9, c[21] = 97.9, c[22] = 103, c[23] = 103.5;
    pr_series s;
    closes_series(&s, c, NROWS(c));
    pr_backtest_result r;
    run_named("grid", "\"range_low\": 90, \"range_high\": 110, \"spacing\": \"atr\", \"atr_mult\": 1, \"mode\": \"long\", "
              "\"range_bars\": 2, \"adx_max\": 0", &s, 5, PR_ASSET_CRYPTO, &r);
    /* The ATR is first known at bar 14 (warm-up), when the close is 99 (at
     * line -0.5: no lot). Lines every 2, 5 levels: a lot is 1 unit. */
    assert_int_equal(r.n_fills, 2);
    assert_true(r.fills[0].side == 1 && fabs(r.fills[0].qty - 1) < 1e-12 && r.fills[0].price == 97.9 &&
                r.fills[0].ts == H(22));
    assert_true(r.fills[1].side == -1 && r.fills[1].price == 103 && r.fills[1].ts == H(23));
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

/* rules with a limit entry 1 below the close of a bar closing at or above 15:
 *   bar 5 (15): buy limit 14; bar 6 (open 15, low 15) does not reach it, so
 *     at its close (entry_expiry 1: one bar to fill) it is cancelled, and
 *     15.5 >= 15 places a new one at 14.5; bar 7 (open 15.5, low 14.2) fills
 *     it at 14.5 (a limit kept for two bars would still be at 14, unfilled).
 *   exit_long at close 17 (bar 9) sells at bar 10's open, 17: P&L +2.5.
 * With entry_expiry 0 the first limit (14) waits: bar 7's low 14.2 misses it,
 * bar 8 (open 14.2, low 13.5) fills it at 14: P&L +3. */
static void test_rules_entry_expiry(void **state) {
    (void)state;
    static const double c[] = {10, 11, 12, 13, 14, 15, 15.5, 14.2, 13.5, 17, 17};
    pr_series s;
    closes_series(&s, c, NROWS(c));
    const char *rules = "\"entry_long\": \"close >= 15\", \"entry_limit\": \"1\", \"exit_long\": \"close >= 17\"";
    char params[512];
    pr_backtest_result r;
    snprintf(params, sizeof params, "%s", rules);
    run_named("rules", params, &s, 1, PR_ASSET_CRYPTO, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].entry_price == 14.5 && r.trades[0].entry_ts == H(7) && r.trades[0].exit_price == 17);
    assert_true(fabs(r.trades[0].pnl - 2.5) < 1e-12);
    pr_backtest_result_free(&r);
    snprintf(params, sizeof params, "%s, \"entry_expiry\": 0", rules);
    run_named("rules", params, &s, 1, PR_ASSET_CRYPTO, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].entry_price == 14 && r.trades[0].entry_ts == H(8));
    assert_true(fabs(r.trades[0].pnl - 3) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_grid_config_errors(void **state) {
    (void)state;
    static const char *const bad[][2] = {
        {"{\"p\": {\"range_low\": 90}}", "p.range_low"},
        {"{\"p\": {\"range_low\": 110, \"range_high\": 90}}", "p.range_low"},
        {"{\"p\": {\"spacing\": \"fib\"}}", "p.spacing"},
        {"{\"p\": {\"levels\": 0}}", "p.levels"},
    };
    for (size_t k = 0; k < NROWS(bad); k++) {
        pr_config *cfg = NULL;
        pr_err err;
        pr_err_clear(&err);
        assert_int_equal(pr_config_parse(bad[k][0], &cfg, &err), 0);
        pr_strategy *st = NULL;
        assert_int_not_equal(pr_strategy_create("grid", cfg, "p", &st, &err), 0);
        if (!strstr(err.msg, bad[k][1])) fail_msg("%s: message '%s' lacks '%s'", bad[k][0], err.msg, bad[k][1]);
        pr_config_free(cfg);
    }
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_in_out),
        cmocka_unit_test(test_grid_by_hand),
        cmocka_unit_test(test_grid_long_atr),
        cmocka_unit_test(test_grid_config_errors),
        cmocka_unit_test(test_rules_entry_expiry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
