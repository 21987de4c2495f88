/* Stops and targets placed by the risk stage (risk.stops), on numbers worked
 * out by hand: the placement of each mode (pct, ATR, support/resistance
 * with its fallback, trailing, break-even, time stop, tiered targets in R
 * and in %), the reward:risk and cost filters, "stop-loss always on" after
 * placement, the stage's ATR against TA-Lib's (the golden file), and runs
 * through the pipeline in which an ATR or level stop is hit where the bars
 * say, decided from the bars up to the decision bar only. */
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
#include "ta/golden.h"
#include "risk_run.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1, fabs(b)); }

static pr_risk_stops defaults(void) {
    pr_risk_config c;
    pr_risk_config_defaults(&c);
    return c.stops;
}

static pr_signal entry(int kind) {
    pr_signal s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.confidence = 1;
    return s;
}

/* Levels as ta's detector lists them, ascending by price. */
static const pr_ta_level k_levels[] = {
    {.price = 90, .lo = 89, .hi = 91, .touches = 3, .strength = 0.8},
    {.price = 97, .lo = 96.8, .hi = 97.2, .touches = 2, .strength = 0.75},
    {.price = 98.5, .lo = 98.4, .hi = 98.6, .touches = 1, .strength = 0.3},   /* weak */
    {.price = 104, .lo = 103.6, .hi = 104.4, .touches = 3, .strength = 0.9},
};

static void test_defaults(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    assert_int_equal(c.required, 1);
    assert_int_equal(c.mode, PR_STOP_SIGNAL);
    assert_true(c.min_rr == 0);   /* off: 2 suggested */
    assert_int_equal(c.no_target, 0);
    assert_int_equal(c.n_targets, 0);
    assert_int_equal(c.trail, PR_TRAIL_OFF);
    /* With the defaults a signal's bracket is left as it is. */
    pr_signal s = entry(PR_SIG_ENTER_LONG), before;
    s.stop = 97;
    s.n_targets = 1;
    s.target_price[0] = 106;
    s.target_frac[0] = 1;
    before = s;
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = 2.5};
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_memory_equal(&s, &before, sizeof s);
}

/* A fresh long and a fresh short entry at in->price get the stops
 * want_long and want_short. */
static void expect_stops(const pr_risk_stops *c, pr_risk_bracket_in in, double want_long, double want_short) {
    pr_signal s = entry(PR_SIG_ENTER_LONG), sh = entry(PR_SIG_ENTER_SHORT);
    in.dir = 1;
    assert_null(pr_risk_stops_apply(c, &in, &s));
    if (!near(s.stop, want_long)) fail_msg("long: stop %.17g, want %.17g", s.stop, want_long);
    in.dir = -1;
    assert_null(pr_risk_stops_apply(c, &in, &sh));
    if (!near(sh.stop, want_short)) fail_msg("short: stop %.17g, want %.17g", sh.stop, want_short);
}

static void test_pct_and_atr(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = 2.5};
    /* pct: 2% of the entry 100 below it: 98; a short: 102. */
    c.mode = PR_STOP_PCT;
    expect_stops(&c, in, 98, 102);
    /* atr: 2 x ATR 2.5 = 5 from the entry: 95 long, 105 short. */
    c.mode = PR_STOP_ATR;
    expect_stops(&c, in, 95, 105);
    /* The signal's own stop stays unless override. */
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    s.stop = 99;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.stop == 99);
    c.override = 1;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(near(s.stop, 95));
    /* No ATR yet (warming up): refused, with the key that sets its period. */
    in.atr = NAN;
    s = entry(PR_SIG_ENTER_LONG);
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "no ATR yet for the stop (risk.stops.atr_period)");
    /* An ATR so large the stop would be at or below 0: 100 - 2 x 60 < 0. */
    in.atr = 60;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "placed stop not beyond the entry (risk.stops)");
}

static void test_level(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    c.mode = PR_STOP_LEVEL;   /* strength >= 0.5, within 5%, buffer 0.2% */
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = 2.5, .levels = k_levels, .n_levels = NROWS(k_levels)};
    /* Long at 100: the nearest level below is 98.5, too weak (0.3); the next,
     * 97 (0.75), has its low edge at 96.8: stop 96.8 x (1 - 0.002) =
     * 96.6064, 3.39% below the entry, within 5%. Short at 100: the nearest
     * above, 104 (0.9), high edge 104.4: stop 104.4 x 1.002 = 104.6088,
     * 4.61% above. */
    expect_stops(&c, in, 96.6064, 104.6088);
    /* Within 3% only: the long's level (3.39%) does not fit, and the 90
     * beyond it is farther still: the ATR fallback, 100 - 2 x 2.5 = 95; the
     * short's (4.61%) does not fit either: 105. The pct fallback: 98, 102. */
    c.level_max = 0.03;
    expect_stops(&c, in, 95, 105);
    c.level_fallback = 1;   /* pct */
    expect_stops(&c, in, 98, 102);
    /* Any strength: 98.5 is now the nearest: 98.4 x 0.998 = 98.2032. */
    c.level_strength = 0;
    assert_true(near(pr_risk_level_stop(&c, &in), 98.2032));
    /* No levels at all: none fits. */
    in.n_levels = 0;
    assert_true(pr_risk_level_stop(&c, &in) == 0);
}

static void test_management(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    c.required = 0;
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = 2.5};
    /* Trailing 3% from the best price, break-even after +1.5%, out after 24 bars. */
    c.trail = PR_TRAIL_PCT;
    c.breakeven = 0.015;
    c.max_bars = 24;
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.trail_frac == 0.03 && s.trail_dist == 0);
    assert_true(s.breakeven_gain == 0.015);
    assert_int_equal(s.max_bars, 24);
    /* Trailing 3 ATRs: a price distance of 3 x 2.5 = 7.5. */
    c.trail = PR_TRAIL_ATR;
    s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.trail_frac == 0 && near(s.trail_dist, 7.5));
    /* The signal's own values stay without override. */
    s = entry(PR_SIG_ENTER_LONG);
    s.trail_frac = 0.05;
    s.breakeven_gain = 0.02;
    s.max_bars = 5;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.trail_frac == 0.05 && s.trail_dist == 0 && s.breakeven_gain == 0.02 && s.max_bars == 5);
    c.override = 1;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.trail_frac == 0 && near(s.trail_dist, 7.5) && s.breakeven_gain == 0.015 && s.max_bars == 24);
}

static void test_tiered_targets(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    c.min_rr = 2;
    c.mode = PR_STOP_ATR;   /* stop 95: R = 5 */
    c.n_targets = 3;
    c.targets[0] = 2, c.targets[1] = 3, c.targets[2] = 4;
    c.target_fracs[0] = 0.7, c.target_fracs[1] = 0.2, c.target_fracs[2] = 0.1;
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = 2.5};
    /* 2R, 3R, 4R: 110, 115, 120 for 70/20/10%; reward:risk weighted
     * 0.7 x 2 + 0.2 x 3 + 0.1 x 4 = 2.4 >= 2. */
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_int_equal(s.n_targets, 3);
    assert_true(near(s.target_price[0], 110) && near(s.target_price[1], 115) && near(s.target_price[2], 120));
    assert_true(s.target_frac[0] == 0.7 && s.target_frac[1] == 0.2 && s.target_frac[2] == 0.1);
    /* A short mirrors it: stop 105, targets 90, 85, 80. */
    in.dir = -1;
    pr_signal sh = entry(PR_SIG_ENTER_SHORT);
    assert_null(pr_risk_stops_apply(&c, &in, &sh));
    assert_true(near(sh.stop, 105) && near(sh.target_price[0], 90) && near(sh.target_price[2], 80));
    /* 1R, 2R, 3R: weighted 0.7 + 0.4 + 0.3 = 1.4 < 2, refused; the first
     * target alone, 1R, too. With min_rr 1.4 it passes (exactly at it). */
    c.targets[0] = 1, c.targets[1] = 2, c.targets[2] = 3;
    in.dir = 1;
    s = entry(PR_SIG_ENTER_LONG);
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    assert_true(near(s.target_price[0], 105) && near(s.target_price[2], 115));
    c.min_rr = 1.4;
    s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    c.rr_from = PR_RR_FIRST;
    s = entry(PR_SIG_ENTER_LONG);
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    /* In % of the entry: 2% and 5%, half each: 102 and 105 (stop 95: the
     * weighted reward 3.5 over the risk 5 is 0.7). */
    c.min_rr = 0.7;
    c.rr_from = PR_RR_WEIGHTED;
    c.target_unit = PR_TARGET_PCT;
    c.n_targets = 2;
    c.targets[0] = 0.02, c.targets[1] = 0.05;
    c.target_fracs[0] = 0.5, c.target_fracs[1] = 0.5;
    s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_int_equal(s.n_targets, 2);
    assert_true(near(s.target_price[0], 102) && near(s.target_price[1], 105) && s.target_price[2] == 0);
    c.min_rr = 0.71;
    s = entry(PR_SIG_ENTER_LONG);
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    /* The signal's own targets stay without override. */
    c.min_rr = 0;
    s = entry(PR_SIG_ENTER_LONG);
    s.n_targets = 1;
    s.target_price[0] = 108;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(s.n_targets == 1 && s.target_price[0] == 108);
}

static void test_rr_filter(void **state) {
    (void)state;
    pr_risk_stops c = defaults();   /* the signal's bracket */
    c.min_rr = 2;
    pr_risk_bracket_in in = {.dir = 1, .price = 123.45, .atr = NAN};
    /* sma_cross's 3% stop and 6% target: exactly 2 (up to the rounding of
     * 123.45 x 0.97 and 123.45 x 1.06), passes. */
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    s.stop = 123.45 * (1 - 0.03);
    s.n_targets = 1;
    s.target_price[0] = 123.45 * (1 + 0.06);
    s.target_frac[0] = 1;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    /* A 5% target over the 3% stop: 1.67 < 2. */
    s.target_price[0] = 123.45 * 1.05;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    c.min_rr = 0;   /* off */
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    /* Two tiers with a fraction of 0 on the last (the rest, as the pipeline
     * places it): stop 97 (R 3), 50% at 103 (+3), the rest at 109 (+9):
     * weighted 6 / 3 = 2, passes; at 108, 5.5 / 3 < 2. */
    c.min_rr = 2;
    in.price = 100;
    s = entry(PR_SIG_ENTER_LONG);
    s.stop = 97;
    s.n_targets = 2;
    s.target_price[0] = 103, s.target_frac[0] = 0.5;
    s.target_price[1] = 109, s.target_frac[1] = 0;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    s.target_price[1] = 108;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    /* A trailing stop of 4% starts at 96: R 4, reward 5.5 < 8. */
    s.stop = 0;
    s.trail_frac = 0.04;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "reward:risk below risk.stops.min_rr");
    /* Without a target the entry passes, or is refused with no_target refuse. */
    s = entry(PR_SIG_ENTER_LONG);
    s.stop = 97;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    c.no_target = 1;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "no target (risk.stops.no_target)");
}

static void test_cost_filter(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    c.min_rr = 0;
    c.round_trip_cost = 0.004;   /* e.g. 0.1% fee + 0.1% slippage, in and out */
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = NAN};
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    s.stop = 99;
    s.n_targets = 2;
    s.target_price[0] = 100.3, s.target_frac[0] = 0.5;   /* +0.3%: eaten by the costs */
    s.target_price[1] = 103, s.target_frac[1] = 0.5;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s),
                        "target within round-trip costs (risk.stops.round_trip_cost)");
    s.target_price[0] = 100.5;   /* +0.5% > 0.4% */
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    c.min_target = 0.01;         /* at least 1%: 100.5 is nearer */
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "target nearer than risk.stops.min_target");
    s.target_price[0] = 101;     /* exactly 1% */
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    /* A short's target below: 99.7 is 0.3% away, refused. */
    in.dir = -1;
    pr_signal sh = entry(PR_SIG_ENTER_SHORT);
    sh.stop = 101;
    sh.n_targets = 1;
    sh.target_price[0] = 99.7;
    c.min_target = 0;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &sh),
                        "target within round-trip costs (risk.stops.round_trip_cost)");
}

static void test_required_after_placement(void **state) {
    (void)state;
    pr_risk_stops c = defaults();
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = NAN};
    pr_signal s = entry(PR_SIG_ENTER_LONG);
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s), "no stop-loss (risk.stops.required)");
    c.mode = PR_STOP_PCT;   /* placed first: 98, then the entry has a stop */
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    assert_true(near(s.stop, 98));
    c.mode = PR_STOP_SIGNAL;
    c.trail = PR_TRAIL_PCT;   /* a trailing stop counts as one */
    s = entry(PR_SIG_ENTER_LONG);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
}

static void expect_config_error(const char *json, const char *want) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_risk_config rc;
    assert_true(pr_risk_config_read(cfg, "risk", &rc, &err) != 0);
    if (!strstr(err.msg, want)) fail_msg("error %s, want %s", err.msg, want);
    pr_config_free(cfg);
}

static void test_config(void **state) {
    (void)state;
    const char *json = "{\"risk\": {\"stops\": {\"mode\": \"level\", \"targets\": [1, 2, 3], "
                       "\"target_fracs\": [0.7, 0.2, 0.1], \"trail\": \"atr\", \"no_target\": \"refuse\"}}}";
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_risk_config rc;
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_int_equal(rc.stops.mode, PR_STOP_LEVEL);
    assert_int_equal(rc.stops.trail, PR_TRAIL_ATR);
    assert_int_equal(rc.stops.no_target, 1);
    assert_int_equal(rc.stops.n_targets, 3);
    assert_true(rc.stops.targets[2] == 3 && rc.stops.target_fracs[0] == 0.7);
    pr_config_free(cfg);
    expect_config_error("{\"risk\": {\"stops\": {\"targets\": [1, 2], \"target_fracs\": [0.7, 0.5]}}}",
                        "risk.stops.target_fracs: expected fractions that sum to at most 1");
    expect_config_error("{\"risk\": {\"stops\": {\"targets\": [2, 1], \"target_fracs\": [0.5, 0.5]}}}",
                        "risk.stops.targets: expected ascending targets");
    expect_config_error("{\"risk\": {\"stops\": {\"mode\": \"fib\"}}}", "risk.stops.mode");
    expect_config_error("{\"risk\": {\"stops\": {\"min_rr\": -1}}}", "risk.stops.min_rr");
}

/* ---- from the view ------------------------------------------------------ */

/* The stage's ATR(14) at bars 13, 14, 100 and 2999 of the golden input
 * (3000 BTCUSDT hours), read while stepping the view, equals TA-Lib's ATR
 * there (NaN at 13, its lookback); a second context asked only at the end
 * gives the same. */
static void test_atr_is_talib(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("atr_14.csv", &g), 0);
    const double *ref = pr_golden_col(&g, "atr");
    assert_non_null(ref);
    pr_series s;
    assert_int_equal(pr_series_init(&s, g.n), 0);
    s.tf = PR_TF_1H;
    int64_t t0 = et_time(2022, 1, 1, 0, 0);
    for (size_t i = 0; i < g.n; i++)
        assert_int_equal(pr_series_push(&s, t0 + (int64_t)i * PR_MS_PER_HOUR, g.open[i], g.high[i], g.low[i],
                                        g.close[i], g.volume[i]), 0);
    pr_instrument in;
    assert_int_equal(pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in, NULL), 0);
    const pr_series *ser[1] = {&s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser};
    pr_market_view *v = NULL;
    pr_err err;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    pr_risk_stops c = defaults();
    pr_risk_stops_ctx *x = NULL, *y = NULL;
    assert_int_equal(pr_risk_stops_ctx_new(&c, 14, &x, &err), 0);
    assert_int_equal(pr_risk_stops_ctx_new(&c, 14, &y, &err), 0);
    const unsigned char one = 1;
    double atr;
    for (size_t t = 0; t < g.n; t++) {
        assert_int_equal(pr_view_step(v, t0 + (int64_t)(t + 1) * PR_MS_PER_HOUR, &one, &err), 0);
        if (t == 13 || t == 14 || t == 100 || t == g.n - 1) {
            assert_int_equal(pr_risk_stops_atr(x, PR_RISK_ATR_STOPS, v, 0, &atr, &err), 0);
            if (t == 13) assert_true(isnan(atr) && isnan(ref[t]));
            else if (!(fabs(atr - ref[t]) <= 1e-9 * ref[t])) fail_msg("bar %zu: %.17g vs %.17g", t, atr, ref[t]);
        }
    }
    assert_int_equal(pr_risk_stops_atr(y, PR_RISK_ATR_SIZING, v, 0, &atr, &err), 0);
    assert_true(fabs(atr - ref[g.n - 1]) <= 1e-9 * ref[g.n - 1]);
    pr_risk_stops_ctx_free(x);
    pr_risk_stops_ctx_free(y);
    pr_view_free(v);
    pr_series_free(&s);
    pr_golden_free(&g);
}

/* ---- through the pipeline (hourly bars, no costs, 10,000 cash) ---------- */

static char g_reason[128];
static int g_rejects;

static int record(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

static void run(et_script *sc, const double (*rows)[4], size_t n, const pr_risk_config *rc, pr_risk_stage **rs,
                pr_backtest_result *r) {
    g_rejects = 0;
    g_reason[0] = 0;
    rr_run(sc, rows, n, "BTCUSDT", rc, record, rs, r);
}

/* risk.stops with a stop of 2 x ATR(2) and targets at t[k] R for f[k] of
 * the entry (k < n). */
static pr_risk_config atr2_config(int n, const double *t, const double *f) {
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.stops.mode = PR_STOP_ATR;
    rc.stops.atr_period = 2;
    rc.stops.n_targets = n;
    for (int k = 0; k < n; k++) rc.stops.targets[k] = t[k], rc.stops.target_fracs[k] = f[k];
    return rc;
}

/* True ranges (TA-Lib: from bar 1): bar 1: 101 - 99 = 2; bar 2: 102 - 98 =
 * 4; bar 3: 110 - 90 = 20. Wilder ATR(2): at bar 2 (2 + 4) / 2 = 3, at bar
 * 3 (3 x 1 + 20) / 2 = 11.5. */
static const double k_atr_rows[][4] = {
    {100, 100, 100, 100}, {100, 101, 99, 100}, {100, 102, 98, 100}, {100, 110, 90, 100}, {100, 101, 99, 100}};

/* An entry decided at bar 2's close (100) gets the stop 100 - 2 x 3 = 94;
 * it fills at bar 3's open (100) and bar 3's low (90) takes the stop at
 * 94. Sizing risks 1% of 10,000 = 100 over 6: 16.667 units, -100 at the
 * stop. Were bar 3 (not closed at the decision) read, the ATR would be 11.5
 * and the stop 77, never reached: the trade would still be open. */
static void test_atr_stop_no_lookahead(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 2, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc = atr2_config(0, NULL, NULL);
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, k_atr_rows, NROWS(k_atr_rows), &rc, &rs, &r);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)r.n_open, 0);
    assert_int_equal((int)r.n_trades, 1);
    assert_true(near(r.trades[0].entry_price, 100));
    assert_true(near(r.trades[0].exit_price, 94));
    assert_true(near(r.trades[0].size, 100.0 / 6));
    assert_true(near(r.trades[0].pnl, -100));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* The same entry with targets at 1R and 2R (half each) is refused by
 * reward:risk (1.5 < 2), heard by the strategy and counted; a second entry
 * at bar 1 has no ATR yet (needs bars 0..2) and is refused too. */
static void test_refusals_counted(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc = atr2_config(2, (const double[]){1, 2}, (const double[]){0.5, 0.5});
    rc.stops.min_rr = 2;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, k_atr_rows, NROWS(k_atr_rows), &rc, &rs, &r);
    assert_int_equal((int)(r.n_trades + r.n_open), 0);
    assert_int_equal(g_rejects, 2);
    assert_string_equal(g_reason, "reward:risk below risk.stops.min_rr");
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->entries, 2);
    assert_int_equal((int)st->rejected, 2);
    assert_int_equal(st->n_counts, 2);
    assert_string_equal(st->counts[0].reason, "no ATR yet for the stop (risk.stops.atr_period)");
    assert_string_equal(st->counts[1].reason, "reward:risk below risk.stops.min_rr");
    assert_int_equal((int)st->counts[1].rejected, 1);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* Tiered targets through the pipeline. ATR(2) at bar 2 is 3 (above); the
 * stop 94 (R = 6), targets at 2R and 3R: 112 for 70% and 118 for the rest
 * (weighted 0.7 x 2 + 0.3 x 3 = 2.3 >= 2). Entry at bar 3's open 100,
 * 100 / 6 = 16.667 units; bar 3 touches neither (low 99 > 94), bar 4
 * reaches 112 (high 113), bar 5 reaches 118 (high 119): the exit averages
 * 0.7 x 112 + 0.3 x 118 = 113.8, P&L 16.667 x 13.8 = 230. */
static void test_tiered_targets_filled(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 102, 98, 100},
                                     {100, 101, 99, 100},  {100, 113, 99, 112}, {112, 119, 111, 118},
                                     {118, 119, 117, 118}};
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 2, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc = atr2_config(2, (const double[]){2, 3}, (const double[]){0.7, 0.3});
    rc.stops.min_rr = 2;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)r.n_open, 0);
    assert_int_equal((int)r.n_trades, 1);
    assert_true(near(r.trades[0].size, 100.0 / 6));
    assert_true(near(r.trades[0].exit_price, 113.8));
    assert_true(near(r.trades[0].pnl, 230));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* A support stop from ta's levels (swings of 1 bar each side, ATR(2)
 * tolerance). Bar 1's low 98 is a swing low (below bar 0's 100 and bar 2's
 * 99), known from bar 2 on; at bar 3 it is the one level below the close
 * 102, one touch two bars old: strength (1 - 0.5) x 0.5^(2/100) = 0.493.
 * The stop goes 0.2% below it: 98 x 0.998 = 97.804, 4.1% under 102 (within
 * level_max 5%). Entry at bar 4's open 102, 100 / 4.196 = 23.83 units;
 * bar 4's low 97 takes the stop at 97.804: -100. */
static void test_level_stop_filled(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 98, 100}, {100, 102, 99, 101},
                                     {101, 103, 100, 102}, {102, 103, 97, 98},  {98, 99, 97, 98}};
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 3, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.stops.mode = PR_STOP_LEVEL;
    rc.stops.atr_period = 2;
    rc.stops.level_swing = 1;
    rc.stops.level_strength = 0.45;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&sc, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)r.n_trades, 1);
    assert_true(near(r.trades[0].entry_price, 102));
    assert_true(fabs(r.trades[0].exit_price - 97.804) < 0.005 + 1e-9);   /* the broker's 0.01 tick */
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
    /* A stronger level required (0.5): none fits, the ATR fallback: ATR(2)
     * at bar 3 = (3 x 1 + 3) / 2 = 3 (true ranges 3, 3, 3 from bar 1), stop
     * 102 - 6 = 96, not reached by bar 4 or 5 (low 97): still open. */
    rc.stops.level_strength = 0.5;
    et_script_reset(&sc);
    et_script_add(&sc, 3, PR_SIG_ENTER_LONG, 0);
    run(&sc, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)r.n_trades, 0);
    assert_int_equal((int)r.n_open, 1);
    assert_true(near(r.open_trades[0].size, 100.0 / 6));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_pct_and_atr),
        cmocka_unit_test(test_level),
        cmocka_unit_test(test_management),
        cmocka_unit_test(test_tiered_targets),
        cmocka_unit_test(test_rr_filter),
        cmocka_unit_test(test_cost_filter),
        cmocka_unit_test(test_required_after_placement),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_atr_is_talib),
        cmocka_unit_test(test_atr_stop_no_lookahead),
        cmocka_unit_test(test_refusals_counted),
        cmocka_unit_test(test_tiered_targets_filled),
        cmocka_unit_test(test_level_stop_filled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
