/* TA-Lib's candle settings as a per-call parameter: the defaults are
 * TA-Lib's (TA_CandleDefaultSettings), explicit defaults give the same
 * outputs as none, and changing one setting moves a pattern's threshold and
 * lookback as TA-Lib's rule says, on hand-built candles worked out below.
 *
 * CDLDOJI (TA-Lib): doji when |close - open| <= BodyDoji's average, where
 * that average is factor x (the sum of the setting's range over the
 * `period` candles before / period; with period 0 the candle's own range),
 * halved for the Shadows range. Lookback = BodyDoji's period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"
#include "ta/golden.h"

/* TA-Lib 0.6.4's TA_CandleDefaultSettings (ta_global.c): range, period, factor. */
static void test_defaults(void **state) {
    (void)state;
    static const struct { const char *name; int range, period; double factor; } talib[] = {
        {"BodyLong", PR_TA_CANDLE_REALBODY, 10, 1.0},       {"BodyVeryLong", PR_TA_CANDLE_REALBODY, 10, 3.0},
        {"BodyShort", PR_TA_CANDLE_REALBODY, 10, 1.0},      {"BodyDoji", PR_TA_CANDLE_HIGHLOW, 10, 0.1},
        {"ShadowLong", PR_TA_CANDLE_REALBODY, 0, 1.0},      {"ShadowVeryLong", PR_TA_CANDLE_REALBODY, 0, 2.0},
        {"ShadowShort", PR_TA_CANDLE_SHADOWS, 10, 1.0},     {"ShadowVeryShort", PR_TA_CANDLE_HIGHLOW, 10, 0.1},
        {"Near", PR_TA_CANDLE_HIGHLOW, 5, 0.2},             {"Far", PR_TA_CANDLE_HIGHLOW, 5, 0.6},
        {"Equal", PR_TA_CANDLE_HIGHLOW, 5, 0.05},
    };
    pr_ta_candle_settings cs;
    pr_ta_candle_settings_default(&cs);
    for (int k = 0; k < PR_TA_CANDLE_SETTING_COUNT; k++) {
        assert_int_equal(pr_ta_candle_setting_find(talib[k].name), k);
        assert_string_equal(pr_ta_candle_setting_name(k), talib[k].name);
        assert_int_equal(cs.s[k].range, talib[k].range);
        assert_int_equal(cs.s[k].period, talib[k].period);
        assert_true(cs.s[k].factor == talib[k].factor);
    }
    assert_int_equal(pr_ta_candle_range_find("highlow"), PR_TA_CANDLE_HIGHLOW);
    assert_int_equal(pr_ta_candle_setting_find("Nearby"), -1);
    assert_int_equal(pr_ta_candle_settings_check(&cs), PR_OK);
    cs.s[PR_TA_CANDLE_FAR].factor = NAN;
    assert_int_equal(pr_ta_candle_settings_check(&cs), PR_EINVAL);
}

/* Ten background candles o=100 h=102 l=99 c=101 (body 1, range 3, shadows
 * 1 + 1), then the candle judged: o=100 h=101.5 l=98.5 c=100.4, body 0.4,
 * range 3. Returns the code on the last candle. */
static double doji_last(const pr_ta_candle_settings *cs) {
    double o[11], h[11], l[11], c[11], out[11];
    for (int i = 0; i < 10; i++) o[i] = 100, h[i] = 102, l[i] = 99, c[i] = 101;
    o[10] = 100, h[10] = 101.5, l[10] = 98.5, c[10] = 100.4;
    assert_int_equal(pr_ta_cdl_ex(PR_TA_CDL_doji, 11, o, h, l, c, -1, cs, out), PR_OK);
    return out[10];
}

static void set(pr_ta_candle_settings *cs, int range, int period, double factor) {
    pr_ta_candle_settings_default(cs);
    cs->s[PR_TA_CANDLE_BODY_DOJI] = (pr_ta_candle_setting){range, period, factor};
}

static void test_doji_settings(void **state) {
    (void)state;
    pr_ta_candle_settings cs;
    /* default HighLow,10,0.1: 0.1 x 3 = 0.3 < 0.4 -> 0 */
    assert_true(doji_last(NULL) == 0);
    /* HighLow,10,0.2: 0.2 x 3 = 0.6 >= 0.4 -> 100 */
    set(&cs, PR_TA_CANDLE_HIGHLOW, 10, 0.2);
    assert_true(doji_last(&cs) == 100);
    /* RealBody,10,0.5: 0.5 x average body 1 = 0.5 -> 100; factor 0.3 -> 0.3 -> 0 */
    set(&cs, PR_TA_CANDLE_REALBODY, 10, 0.5);
    assert_true(doji_last(&cs) == 100);
    set(&cs, PR_TA_CANDLE_REALBODY, 10, 0.3);
    assert_true(doji_last(&cs) == 0);
    /* Shadows,10,0.5: average shadows 2, 0.5 x 2 / 2 = 0.5 -> 100; with
     * factor 0.3: 0.3 -> 0 (without the halving it would be 0.6 -> 100) */
    set(&cs, PR_TA_CANDLE_SHADOWS, 10, 0.5);
    assert_true(doji_last(&cs) == 100);
    set(&cs, PR_TA_CANDLE_SHADOWS, 10, 0.3);
    assert_true(doji_last(&cs) == 0);
    /* a setting the doji does not use changes nothing */
    pr_ta_candle_settings_default(&cs);
    cs.s[PR_TA_CANDLE_FAR] = (pr_ta_candle_setting){PR_TA_CANDLE_REALBODY, 3, 9.0};
    assert_true(doji_last(&cs) == 0);
}

/* Period: candles 0-6 o=100 h=102 l=99 c=101 (range 3), 7-9 o=100 h=101
 * l=100 c=101 (range 1), candle 10 body 0.4. Factor 0.2 on HighLow:
 *   period 10: 0.2 x (7 x 3 + 3 x 1) / 10 = 0.2 x 2.4 = 0.48 >= 0.4 -> 100
 *   period 3:  0.2 x 3 / 3 = 0.2 < 0.4 -> 0, and the lookback is 3
 *   period 0:  0.2 x its own range 3 = 0.6 -> 100; lookback 0, so bar 0 is
 *              judged too: body 1 > 0.2 x 3 = 0.6 -> 0. */
static void test_doji_period(void **state) {
    (void)state;
    double o[11], h[11], l[11], c[11], out[11];
    for (int i = 0; i < 10; i++) o[i] = 100, h[i] = i < 7 ? 102 : 101, l[i] = i < 7 ? 99 : 100, c[i] = 101;
    o[10] = 100, h[10] = 101.5, l[10] = 98.5, c[10] = 100.4;
    pr_ta_candle_settings cs;
    int lb;
    set(&cs, PR_TA_CANDLE_HIGHLOW, 10, 0.2);
    assert_int_equal(pr_ta_cdl_ex(PR_TA_CDL_doji, 11, o, h, l, c, -1, &cs, out), PR_OK);
    assert_true(out[10] == 100);
    assert_true(isnan(out[9]));
    set(&cs, PR_TA_CANDLE_HIGHLOW, 3, 0.2);
    assert_int_equal(pr_ta_cdl_ex(PR_TA_CDL_doji, 11, o, h, l, c, -1, &cs, out), PR_OK);
    assert_true(out[10] == 0);
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_doji, &cs, &lb), PR_OK);
    assert_int_equal(lb, 3);
    assert_true(isnan(out[2]) && out[3] == 0);
    set(&cs, PR_TA_CANDLE_HIGHLOW, 0, 0.2);
    assert_int_equal(pr_ta_cdl_ex(PR_TA_CDL_doji, 11, o, h, l, c, -1, &cs, out), PR_OK);
    assert_true(out[10] == 100);
    assert_true(out[0] == 0);
}

/* Lookbacks as TA-Lib's TA_CDLxxx_Lookback formulas give them. */
static void test_lookbacks(void **state) {
    (void)state;
    pr_ta_candle_settings cs;
    int lb;
    pr_ta_candle_settings_default(&cs);
    cs.s[PR_TA_CANDLE_NEAR].period = 20;
    /* HAMMER: max(BodyShort 10, ShadowLong 0, ShadowVeryShort 10, Near 20) + 1 */
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_hammer, &cs, &lb), PR_OK);
    assert_int_equal(lb, 21);
    /* ENGULFING uses no setting: 2 */
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_engulfing, &cs, &lb), PR_OK);
    assert_int_equal(lb, 2);
    /* HIKKAKEMOD: max(1, Near) + 5 */
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_hikkakemod, &cs, &lb), PR_OK);
    assert_int_equal(lb, 25);
    cs.s[PR_TA_CANDLE_NEAR].period = 0;
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_hikkakemod, &cs, &lb), PR_OK);
    assert_int_equal(lb, 6);
    /* MATHOLD: max(BodyShort, BodyLong 30) + 4 */
    cs.s[PR_TA_CANDLE_BODY_LONG].period = 30;
    assert_int_equal(pr_ta_cdl_lookback_ex(PR_TA_CDL_mathold, &cs, &lb), PR_OK);
    assert_int_equal(lb, 34);
}

/* Explicit defaults give the same outputs as none, and with other settings
 * (periods past the default window) streaming equals batch, every pattern,
 * on the AAPL golden bars. */
static void test_explicit_and_streaming(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("cdl_all_aapl_1d.csv", &g), 0);
    double *a = malloc(g.n * sizeof *a), *b = malloc(g.n * sizeof *b);
    assert_true(a && b);
    pr_ta_candle_settings dflt, other;
    pr_ta_candle_settings_default(&dflt);
    pr_ta_candle_settings_default(&other);
    for (int k = 0; k < PR_TA_CANDLE_SETTING_COUNT; k++) {
        other.s[k].period = 20 + k;
        other.s[k].factor *= 0.8;
    }
    int changed = 0;
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        assert_int_equal(pr_ta_cdl(p, g.n, g.open, g.high, g.low, g.close, -1, a), PR_OK);
        assert_int_equal(pr_ta_cdl_ex(p, g.n, g.open, g.high, g.low, g.close, -1, &dflt, b), PR_OK);
        for (size_t i = 0; i < g.n; i++) assert_true((isnan(a[i]) && isnan(b[i])) || a[i] == b[i]);
        assert_int_equal(pr_ta_cdl_ex(p, g.n, g.open, g.high, g.low, g.close, -1, &other, b), PR_OK);
        pr_ta_cdl_state st;
        assert_int_equal(pr_ta_cdl_init_ex(&st, p, -1, &other), PR_OK);
        for (size_t i = 0; i < g.n; i++) {
            double v;
            assert_int_equal(pr_ta_cdl_update(&st, g.open[i], g.high[i], g.low[i], g.close[i], &v), PR_OK);
            if (!((isnan(v) && isnan(b[i])) || v == b[i])) fail_msg("pattern %d bar %zu: stream %g batch %g", p, i, v, b[i]);
            changed += !isnan(a[i]) && !isnan(b[i]) && a[i] != b[i];
        }
        pr_ta_cdl_free(&st);
    }
    assert_true(changed > 0);
    free(a);
    free(b);
    pr_golden_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_doji_settings),
        cmocka_unit_test(test_doji_period),
        cmocka_unit_test(test_lookbacks),
        cmocka_unit_test(test_explicit_and_streaming),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
