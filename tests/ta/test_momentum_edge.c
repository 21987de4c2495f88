/* Momentum-family indicators: hand-worked small examples, the bad-input
 * policy of ta.h (bad periods, n == 0, n <= lookback, NULL arrays, NaN
 * propagation, high < low), streaming lifecycle, and RSI/CMO's parallel
 * lanes (only used on long series) against the serial streaming form. */
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

#define N5 5

static void expect_vals(const char *what, const double *got, const double *want, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i])) {
            if (!isnan(got[i])) fail_msg("%s[%zu]: got %.17g, want NaN", what, i, got[i]);
        } else if (!(fabs(got[i] - want[i]) <= 1e-12 * fmax(1.0, fabs(want[i])))) {
            fail_msg("%s[%zu]: got %.17g, want %.17g", what, i, got[i], want[i]);
        }
    }
}

/* RSI(2) on closes 1,2,1,3,2: changes +1,-1,+2,-1. Seed (bars 1..2): gain
 * 1/2, loss 1/2 -> 50. Bar 3: gain (0.5*1+2)/2 = 1.25, loss 0.5/2 = 0.25 ->
 * 100*1.25/1.5. Bar 4: gain 1.25/2 = 0.625, loss (0.25+1)/2 = 0.625 -> 50.
 * CMO: 100*(g-l)/(g+l): 0, 100*1/1.5, 0. */
static void test_rsi_cmo_hand(void **state) {
    (void)state;
    const double c[N5] = {1, 2, 1, 3, 2};
    double out[N5];
    assert_int_equal(pr_ta_rsi(N5, c, 2, out), PR_OK);
    const double want[N5] = {NAN, NAN, 50.0, 100.0 * (1.25 / 1.5), 50.0};
    expect_vals("rsi", out, want, N5);
    assert_int_equal(pr_ta_cmo(N5, c, 2, out), PR_OK);
    const double wcmo[N5] = {NAN, NAN, 0.0, 100.0 * (1.0 / 1.5), 0.0};
    expect_vals("cmo", out, wcmo, N5);
    /* flat prices: gain + loss == 0 -> 0 */
    const double flat[4] = {5, 5, 5, 5};
    assert_int_equal(pr_ta_rsi(4, flat, 2, out), PR_OK);
    assert_true(out[2] == 0.0 && out[3] == 0.0);
}

/* Bars (h, l, c): (10,8,9) (11,9,10) (12,10,11) (15,11,14) (13,12,12).
 * TR from bar 1: max(2,2,0)=2, max(2,2,0)=2, max(4,4,0)=4, max(1,1,2)=2.
 * ATR(2): seed (2+2)/2 = 2, then (2*1+4)/2 = 3, (3*1+2)/2 = 2.5.
 * WILLR(2): (HH - c)/((HH - LL)/-100) over 2 bars: bar1 (11-10)/(3/-100),
 * bar2 (12-11)/(3/-100), bar3 (15-14)/(5/-100) = -20, bar4 (15-12)/(4/-100)
 * = -75. */
static const double H5[N5] = {10, 11, 12, 15, 13}, L5[N5] = {8, 9, 10, 11, 12},
                    C5[N5] = {9, 10, 11, 14, 12};

static void test_range_hand(void **state) {
    (void)state;
    double out[N5];
    assert_int_equal(pr_ta_trange(N5, H5, L5, C5, out), PR_OK);
    const double wtr[N5] = {NAN, 2, 2, 4, 2};
    expect_vals("trange", out, wtr, N5);
    assert_int_equal(pr_ta_atr(N5, H5, L5, C5, 2, out), PR_OK);
    const double watr[N5] = {NAN, NAN, 2, 3, 2.5};
    expect_vals("atr", out, watr, N5);
    assert_int_equal(pr_ta_natr(N5, H5, L5, C5, 2, out), PR_OK);
    const double wnatr[N5] = {NAN, NAN, 2.0 / 11 * 100, 3.0 / 14 * 100, 2.5 / 12 * 100};
    expect_vals("natr", out, wnatr, N5);
    /* ATR(1) is the true range */
    assert_int_equal(pr_ta_atr(N5, H5, L5, C5, 1, out), PR_OK);
    expect_vals("atr1", out, wtr, N5);
    assert_int_equal(pr_ta_willr(N5, H5, L5, C5, 2, out), PR_OK);
    const double wwr[N5] = {NAN, 1.0 / (3.0 / -100.0), 1.0 / (3.0 / -100.0), -20, -75};
    expect_vals("willr", out, wwr, N5);
}

/* Highs 1,3,2,2,1 and lows 5,4,6,3,3, AROON(2) (windows of 3 bars, factor
 * 50): bar2 HH at 1, LL at 1 -> up 50, down 50; bar3 HH at 1 (3), LL at 3 ->
 * up 0, down 100; bar4 HH tie 2/3 -> most recent 3 -> up 50, LL tie 3/4 ->
 * 4 -> down 100. AROONOSC = 50*(idxHH - idxLL): 0, -100, -50. */
static void test_aroon_hand(void **state) {
    (void)state;
    const double h[N5] = {1, 3, 2, 2, 1}, l[N5] = {5, 4, 6, 3, 3};
    double dn[N5], up[N5], osc[N5];
    assert_int_equal(pr_ta_aroon(N5, h, l, 2, dn, up), PR_OK);
    const double wup[N5] = {NAN, NAN, 50, 0, 50}, wdn[N5] = {NAN, NAN, 50, 100, 100};
    expect_vals("aroon up", up, wup, N5);
    expect_vals("aroon down", dn, wdn, N5);
    assert_int_equal(pr_ta_aroonosc(N5, h, l, 2, osc), PR_OK);
    const double wosc[N5] = {NAN, NAN, 0, -100, -50};
    expect_vals("aroonosc", osc, wosc, N5);
}

/* OBV: closes 1,2,2,1 volumes 10,20,30,40 -> 10, 30, 30, -10.
 * AD: (h,l,c,v) (10,8,9,100): ((1)-(1))/2*100 = 0; (10,8,10,50): (2-0)/2*50
 * = 50; (10,10,10,7): range 0 adds nothing -> 50.
 * MOM(1)/ROC(1) on 1,2,4: 1, 2 and 100, 100. BOP: (c-o)/(h-l), 0 on a
 * zero range. */
static void test_volume_misc_hand(void **state) {
    (void)state;
    const double c4[4] = {1, 2, 2, 1}, v4[4] = {10, 20, 30, 40};
    double out[4];
    assert_int_equal(pr_ta_obv(4, c4, v4, out), PR_OK);
    const double wobv[4] = {10, 30, 30, -10};
    expect_vals("obv", out, wobv, 4);
    const double h3[3] = {10, 10, 10}, l3[3] = {8, 8, 10}, c3[3] = {9, 10, 10}, v3[3] = {100, 50, 7};
    assert_int_equal(pr_ta_ad(3, h3, l3, c3, v3, out), PR_OK);
    const double wad[3] = {0, 50, 50};
    expect_vals("ad", out, wad, 3);
    const double x[3] = {1, 2, 4};
    assert_int_equal(pr_ta_mom(3, x, 1, out), PR_OK);
    const double wmom[3] = {NAN, 1, 2};
    expect_vals("mom", out, wmom, 3);
    assert_int_equal(pr_ta_roc(3, x, 1, out), PR_OK);
    const double wroc[3] = {NAN, 100, 100};
    expect_vals("roc", out, wroc, 3);
    assert_int_equal(pr_ta_rocr(3, x, 1, out), PR_OK);
    const double wrocr[3] = {NAN, 2, 2};
    expect_vals("rocr", out, wrocr, 3);
    const double o2[2] = {1, 5}, h2[2] = {3, 5}, l2[2] = {0, 5}, cc2[2] = {2, 5};
    assert_int_equal(pr_ta_bop(2, o2, h2, l2, cc2, out), PR_OK);
    const double wbop[2] = {1.0 / 3.0, 0};
    expect_vals("bop", out, wbop, 2);
}

/* Parameters outside their range -> PR_EINVAL and the output untouched;
 * n == 0 -> PR_OK with NULL arrays; NULL arrays with n > 0 -> PR_EINVAL. */
static void test_bad_input(void **state) {
    (void)state;
    double x[4] = {1, 2, 3, 4}, out[4] = {7, 7, 7, 7}, out2[4] = {7, 7, 7, 7};
    assert_int_equal(pr_ta_rsi(4, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_rsi(4, x, 100001, out), PR_EINVAL);
    assert_int_equal(pr_ta_cmo(4, x, 0, out), PR_EINVAL);
    assert_int_equal(pr_ta_mom(4, x, 0, out), PR_EINVAL);
    assert_int_equal(pr_ta_stoch(4, x, x, x, 0, 3, 3, out, out2), PR_EINVAL);
    assert_int_equal(pr_ta_stoch(4, x, x, x, 14, 0, 3, out, out2), PR_EINVAL);
    assert_int_equal(pr_ta_stochf(4, x, x, x, 14, 0, out, out2), PR_EINVAL);
    assert_int_equal(pr_ta_stochrsi(4, x, 1, 14, 3, out, out2), PR_EINVAL);
    assert_int_equal(pr_ta_willr(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_cci(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_atr(4, x, x, x, 0, out), PR_EINVAL);
    assert_int_equal(pr_ta_natr(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_adx(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_adxr(4, x, x, x, 100001, out), PR_EINVAL);
    assert_int_equal(pr_ta_dx(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_plus_di(4, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_minus_dm(4, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_aroon(4, x, x, 1, out, out2), PR_EINVAL);
    assert_int_equal(pr_ta_aroonosc(4, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_ultosc(4, x, x, x, 0, 14, 28, out), PR_EINVAL);
    assert_int_equal(pr_ta_adosc(4, x, x, x, x, 1, 10, out), PR_EINVAL);
    assert_int_equal(pr_ta_mfi(4, x, x, x, x, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_sar(4, x, x, -0.1, 0.2, out), PR_EINVAL);
    assert_int_equal(pr_ta_sar(4, x, x, 0.02, NAN, out), PR_EINVAL);
    assert_int_equal(pr_ta_cdl_morningstar(4, x, x, x, x, -1.0, out), PR_EINVAL);
    assert_int_equal(pr_ta_cdl((pr_ta_cdl_pattern)PR_TA_CDL_COUNT, 4, x, x, x, x, -1, out), PR_EINVAL);
    for (int i = 0; i < 4; i++) assert_true(out[i] == 7 && out2[i] == 7);

    int lb;
    assert_int_equal(pr_ta_rsi_lookback(1, &lb), PR_EINVAL);
    assert_int_equal(pr_ta_stoch_lookback(14, 3, 3, &lb), PR_OK);
    assert_int_equal(lb, 17);
    assert_int_equal(pr_ta_adxr_lookback(14, &lb), PR_OK);
    assert_int_equal(lb, 40);
    assert_int_equal(pr_ta_cdl_lookback(PR_TA_CDL_3blackcrows, &lb), PR_OK);
    assert_int_equal(lb, 13);

    /* n == 0: nothing touched, NULL arrays fine */
    assert_int_equal(pr_ta_rsi(0, NULL, 14, NULL), PR_OK);
    assert_int_equal(pr_ta_stoch(0, NULL, NULL, NULL, 14, 3, 3, NULL, NULL), PR_OK);
    assert_int_equal(pr_ta_adx(0, NULL, NULL, NULL, 14, NULL), PR_OK);
    assert_int_equal(pr_ta_obv(0, NULL, NULL, NULL), PR_OK);
    assert_int_equal(pr_ta_cdl_doji(0, NULL, NULL, NULL, NULL, NULL), PR_OK);
    /* NULL with n > 0 */
    assert_int_equal(pr_ta_rsi(4, NULL, 2, out), PR_EINVAL);
    assert_int_equal(pr_ta_atr(4, x, NULL, x, 2, out), PR_EINVAL);
    assert_int_equal(pr_ta_mfi(4, x, x, x, NULL, 2, out), PR_EINVAL);

    /* n <= lookback: all NaN */
    assert_int_equal(pr_ta_rsi(4, x, 4, out), PR_OK);
    for (int i = 0; i < 4; i++) assert_true(isnan(out[i]));
    assert_int_equal(pr_ta_adx(4, x, x, x, 2, out), PR_OK);
    for (int i = 0; i < 3; i++) assert_true(isnan(out[i]));
    assert_int_equal(pr_ta_stoch(4, x, x, x, 2, 2, 2, out, out2), PR_OK);
    for (int i = 0; i < 3; i++) assert_true(isnan(out[i]) && isnan(out2[i]));
    assert_int_equal(pr_ta_cdl_engulfing(2, x, x, x, x, out), PR_OK);
    assert_true(isnan(out[0]) && isnan(out[1]));

    /* streaming init errors, free of zeroed / freed states */
    pr_ta_rsi_state rs = {0};
    assert_int_equal(pr_ta_rsi_init(&rs, 1), PR_EINVAL);
    pr_ta_rsi_free(&rs);
    assert_int_equal(pr_ta_rsi_init(&rs, 14), PR_OK);
    pr_ta_rsi_free(&rs);
    pr_ta_rsi_free(&rs);
    pr_ta_stoch_state ss = {0};
    assert_int_equal(pr_ta_stoch_init(&ss, 0, 3, 3), PR_EINVAL);
    pr_ta_stoch_free(&ss);
    pr_ta_cdl_darkcloudcover_state cs = {0};
    assert_int_equal(pr_ta_cdl_darkcloudcover_init(&cs, -0.5), PR_EINVAL);
    pr_ta_cdl_darkcloudcover_free(&cs);
    double v;
    assert_int_equal(pr_ta_rsi_update(&rs, 1.0, &v), PR_EINVAL);
}

/* NaN policy: recursive indicators are NaN from the NaN on; window ones
 * only while it is inside the window; per-bar ones only on that bar. */
static void test_nan_policy(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("obv.csv", &g), 0);
    size_t n = 400, k = 200;
    double *h = malloc(n * sizeof *h), *l = malloc(n * sizeof *l), *c = malloc(n * sizeof *c);
    double *o1 = malloc(n * sizeof *o1), *o2 = malloc(n * sizeof *o2);
    assert_true(h && l && c && o1 && o2);
    memcpy(h, g.high, n * sizeof *h);
    memcpy(l, g.low, n * sizeof *l);
    memcpy(c, g.close, n * sizeof *c);
    c[k] = NAN;
    assert_int_equal(pr_ta_rsi(n, c, 14, o1), PR_OK);
    for (size_t i = 14; i < n; i++) assert_true(isnan(o1[i]) == (i >= k));
    assert_int_equal(pr_ta_mom(n, c, 10, o1), PR_OK);
    for (size_t i = 10; i < n; i++) assert_true(isnan(o1[i]) == (i == k || i == k + 10));
    assert_int_equal(pr_ta_trange(n, h, l, c, o1), PR_OK);
    for (size_t i = 1; i < n; i++) assert_true(isnan(o1[i]) == (i == k + 1));
    assert_int_equal(pr_ta_atr(n, h, l, c, 14, o1), PR_OK);
    for (size_t i = 14; i < n; i++) assert_true(isnan(o1[i]) == (i >= k + 1));
    assert_int_equal(pr_ta_adx(n, h, l, c, 14, o1), PR_OK);
    for (size_t i = 27; i < n; i++) assert_true(isnan(o1[i]) == (i >= k + 1));
    c[k] = g.close[k];
    h[k] = NAN;
    assert_int_equal(pr_ta_willr(n, h, l, c, 14, o1), PR_OK);
    for (size_t i = 13; i < n; i++) assert_true(isnan(o1[i]) == (i >= k && i < k + 14));
    assert_int_equal(pr_ta_stochf(n, h, l, c, 14, 3, o1, o2), PR_OK);
    for (size_t i = 15; i < n; i++) {
        assert_true(isnan(o1[i]) == (i >= k && i < k + 14));
        assert_true(isnan(o2[i]) == (i >= k));
    }
    assert_int_equal(pr_ta_cci(n, h, l, c, 20, o1), PR_OK);
    for (size_t i = 19; i < n; i++) assert_true(isnan(o1[i]) == (i >= k && i < k + 20));
    assert_int_equal(pr_ta_aroon(n, h, l, 14, o1, o2), PR_OK);
    for (size_t i = 14; i < n; i++) assert_true(isnan(o2[i]) == (i >= k && i <= k + 14));
    assert_int_equal(pr_ta_sar(n, h, l, 0.02, 0.2, o1), PR_OK);
    for (size_t i = 1; i < n; i++) assert_true(isnan(o1[i]) == (i >= k));
    free(h); free(l); free(c); free(o1); free(o2);
    pr_golden_free(&g);
}

/* high < low everywhere (columns swapped): every entry runs and returns
 * PR_OK (values are whatever the formulas give; ASan/UBSan watch). */
static void test_high_below_low(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("obv.csv", &g), 0);
    pr_ta_input in = {0};
    in.n = g.n;
    in.open = g.open;
    in.high = g.low;
    in.low = g.high;
    in.close = g.close;
    in.volume = g.volume;
    in.real0 = g.close;
    double *buf = malloc(g.n * PR_TA_MAX_OUTPUTS * sizeof *buf);
    assert_non_null(buf);
    double *outs[PR_TA_MAX_OUTPUTS];
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) outs[k] = buf + (size_t)k * g.n;
    static const char *const names[] = {
        "rsi", "cmo", "stoch", "stochf", "stochrsi", "willr", "cci", "ultosc", "bop", "plus_dm",
        "minus_dm", "plus_di", "minus_di", "dx", "adx", "adxr", "aroon", "aroonosc", "sar",
        "trange", "atr", "natr", "obv", "ad", "adosc", "mfi", "cdldoji", "cdlengulfing",
        "cdlhammer", "cdlhangingman", "cdlharami", "cdlmorningstar", "cdl3whitesoldiers",
        "cdl3blackcrows", "cdlmarubozu", "cdlspinningtop",
    };
    int ran = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const pr_ta_def *d = NULL;
        assert_int_equal(pr_ta_find(names[i], &d), PR_OK);
        double full[PR_TA_MAX_PARAMS];
        assert_int_equal(pr_ta_check_params(d, NULL, 0, full, NULL), PR_OK);
        assert_int_equal(d->run(&in, full, outs), PR_OK);
        ran++;
    }
    assert_true(ran >= 25);
    free(buf);
    pr_golden_free(&g);
}

/* RSI/CMO batch on a long series uses verified parallel lanes; it must equal
 * the serial streaming recurrence bit for bit, also when a NaN in a later
 * lane forces that lane's serial recomputation. */
static void test_rsi_lanes(void **state) {
    (void)state;
    size_t n = 300000;
    double *x = malloc(n * sizeof *x), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_true(x && a && b);
    uint64_t s = 0x243F6A8885A308D3ULL;
    double px = 100.0;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        px *= 1.0 + ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 0.02;
        x[i] = px;
    }
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) x[n / 2] = NAN;          /* inside lane 2 */
        if (pass == 2) { x[n / 2] = x[n / 2 - 1]; for (size_t i = 1000; i < 3000; i++) x[i] = 50.0; }
        for (int cmo = 0; cmo < 2; cmo++) {
            for (int p = 2; p <= 30; p += 14) {
                assert_int_equal((cmo ? pr_ta_cmo : pr_ta_rsi)(n, x, p, a), PR_OK);
                if (cmo) {
                    pr_ta_cmo_state st = {0};
                    assert_int_equal(pr_ta_cmo_init(&st, p), PR_OK);
                    for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_cmo_update(&st, x[i], &b[i]), PR_OK);
                    pr_ta_cmo_free(&st);
                } else {
                    pr_ta_rsi_state st = {0};
                    assert_int_equal(pr_ta_rsi_init(&st, p), PR_OK);
                    for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_rsi_update(&st, x[i], &b[i]), PR_OK);
                    pr_ta_rsi_free(&st);
                }
                pr_golden_expect_same(cmo ? "cmo lanes" : "rsi lanes", a, b, n);
            }
        }
    }
    free(x); free(a); free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsi_cmo_hand),     cmocka_unit_test(test_range_hand),
        cmocka_unit_test(test_aroon_hand),       cmocka_unit_test(test_volume_misc_hand),
        cmocka_unit_test(test_bad_input),        cmocka_unit_test(test_nan_policy),
        cmocka_unit_test(test_high_below_low),   cmocka_unit_test(test_rsi_lanes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
