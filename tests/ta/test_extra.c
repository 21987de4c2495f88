/* Hand-worked examples for the extra indicators (VWAP, Keltner, Donchian,
 * SuperTrend, Ichimoku, Heikin-Ashi, CMF, WaveTrend, Hull MA, z-score,
 * percent rank, pivots, swings, levels) and the session anchors. Every
 * expected number below is worked out in the comments next to it from the
 * indicator's definition, never taken from the code's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/ta.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))
#define X NAN /* "no value" in expected arrays */

/* |got - exp| <= tol * max(1, |exp|), NaN exactly where exp is NaN. */
static void expect_series(const char *what, const double *got, const double *exp, size_t n, double tol) {
    for (size_t i = 0; i < n; i++) {
        if (isnan(exp[i])) {
            if (!isnan(got[i])) fail_msg("%s[%zu]: got %.17g, expected no value", what, i, got[i]);
            continue;
        }
        double s = fabs(exp[i]) > 1.0 ? fabs(exp[i]) : 1.0;
        if (!(fabs(got[i] - exp[i]) <= tol * s))
            fail_msg("%s[%zu]: got %.17g, expected %.17g", what, i, got[i], exp[i]);
    }
}

static int64_t t_utc(int y, int mo, int d, int h, int mi) {
    int64_t ms;
    assert_int_equal(pr_time_make(y, mo, d, h, mi, 0, &ms), PR_OK);
    return ms;
}

/* ---------------------------------------------------------------- anchors */

static void test_us_eastern_offset(void **state) {
    (void)state;
    const int64_t EST = -5 * PR_MS_PER_HOUR, EDT = -4 * PR_MS_PER_HOUR;
    /* 2024: second Sunday of March = 10th (Mar 1 was a Friday), 02:00 EST =
     * 07:00 UTC; first Sunday of November = 3rd, 02:00 EDT = 06:00 UTC. */
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 3, 10, 7, 0) - 1) == EST);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 3, 10, 7, 0)) == EDT);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 7, 4, 12, 0)) == EDT);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 11, 3, 6, 0) - 1) == EDT);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 11, 3, 6, 0)) == EST);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2024, 1, 15, 15, 0)) == EST);
    /* 2006 used the old rule: first Sunday of April (2nd) to last Sunday of
     * October (29th). Mid-March 2006 is still standard time. */
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2006, 3, 15, 15, 0)) == EST);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2006, 4, 2, 7, 0) - 1) == EST);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2006, 4, 2, 7, 0)) == EDT);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2006, 10, 29, 6, 0) - 1) == EDT);
    assert_true(pr_ta_us_eastern_offset_ms(t_utc(2006, 10, 29, 6, 0)) == EST);
}

static void test_anchor_boundaries(void **state) {
    (void)state;
    int64_t b;
    /* UTC day / week (Monday) / month. 2024-01-10 was a Wednesday. */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_DAY, t_utc(2024, 1, 10, 17, 45), &b), PR_OK);
    assert_true(b == t_utc(2024, 1, 10, 0, 0));
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_WEEK, t_utc(2024, 1, 10, 17, 45), &b), PR_OK);
    assert_true(b == t_utc(2024, 1, 8, 0, 0));
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_WEEK, t_utc(2024, 1, 7, 23, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 1, 1, 0, 0)); /* Sunday belongs to the week of Monday the 1st */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_MONTH, t_utc(2024, 2, 29, 23, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 2, 1, 0, 0));
    /* Before 1970 (floor division). 1969-12-31 was a Wednesday. */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_DAY, t_utc(1969, 12, 31, 6, 0), &b), PR_OK);
    assert_true(b == t_utc(1969, 12, 31, 0, 0));
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_WEEK, t_utc(1969, 12, 31, 6, 0), &b), PR_OK);
    assert_true(b == t_utc(1969, 12, 29, 0, 0));
    /* US session: 09:30 New York on the bar's New York date.
     * Winter: 09:30 EST = 14:30 UTC; summer: 09:30 EDT = 13:30 UTC. */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 1, 16, 16, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 1, 16, 14, 30));
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 7, 16, 16, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 7, 16, 13, 30));
    /* 02:00 UTC on Jul 17 is 22:00 EDT on Jul 16. */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 7, 17, 2, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 7, 16, 13, 30));
    /* Monday after the March switch: EDT already. */
    assert_int_equal(pr_ta_anchor_boundary(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 3, 11, 12, 0), &b), PR_OK);
    assert_true(b == t_utc(2024, 3, 11, 13, 30));
    assert_int_equal(pr_ta_anchor_boundary(7, 0, &b), PR_EINVAL);

    int fresh;
    assert_int_equal(pr_ta_anchor_new_period(PR_TA_ANCHOR_US_SESSION, PR_TIME_NONE, t_utc(2024, 3, 8, 14, 25), &fresh), PR_OK);
    assert_int_equal(fresh, 1);
    /* Friday 09:25 EST -> 09:30 EST: new session. */
    assert_int_equal(pr_ta_anchor_new_period(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 3, 8, 14, 25), t_utc(2024, 3, 8, 14, 30), &fresh), PR_OK);
    assert_int_equal(fresh, 1);
    /* Friday close -> Monday 08:00 EDT pre-market: same session. */
    assert_int_equal(pr_ta_anchor_new_period(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 3, 8, 20, 55), t_utc(2024, 3, 11, 12, 0), &fresh), PR_OK);
    assert_int_equal(fresh, 0);
    /* Monday 09:30 EDT (13:30 UTC): new session; 14:30 UTC (10:30 EDT): not. */
    assert_int_equal(pr_ta_anchor_new_period(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 3, 11, 12, 0), t_utc(2024, 3, 11, 13, 30), &fresh), PR_OK);
    assert_int_equal(fresh, 1);
    assert_int_equal(pr_ta_anchor_new_period(PR_TA_ANCHOR_US_SESSION, t_utc(2024, 3, 11, 14, 25), t_utc(2024, 3, 11, 14, 30), &fresh), PR_OK);
    assert_int_equal(fresh, 0);
}

/* ------------------------------------------------------------------- VWAP */

static void test_vwap_utc_day(void **state) {
    (void)state;
    /* Typical prices (H+L+C)/3: (12+8+10)/3 = 10, (13+10+13)/3 = 12,
     * (11+8+8)/3 = 9, next day (20+16+18)/3 = 18, (21+18+21)/3 = 20. */
    const int64_t ts[] = {t_utc(2024, 1, 1, 0, 0), t_utc(2024, 1, 1, 1, 0), t_utc(2024, 1, 1, 2, 0),
                          t_utc(2024, 1, 2, 0, 0), t_utc(2024, 1, 2, 1, 0)};
    const double h[] = {12, 13, 11, 20, 21}, l[] = {8, 10, 8, 16, 18}, c[] = {10, 13, 8, 18, 21};
    const double v[] = {100, 300, 200, 50, 150};
    /* bar0 10*100/100 = 10; bar1 (1000 + 12*300)/400 = 4600/400 = 11.5;
     * bar2 (4600 + 9*200)/600 = 6400/600 = 10.6667; new day: bar3 18;
     * bar4 (18*50 + 20*150)/200 = 3900/200 = 19.5. */
    const double exp[] = {10, 11.5, 6400.0 / 600.0, 18, 19.5};
    double out[5];
    assert_int_equal(pr_ta_vwap(5, ts, h, l, c, v, PR_TA_ANCHOR_DAY, out), PR_OK);
    expect_series("vwap", out, exp, 5, 1e-14);

    /* Rolling VWAP over 2 bars: bar1 (1000+3600)/400 = 11.5,
     * bar2 (3600+1800)/500 = 10.8, bar3 (1800+900)/250 = 10.8,
     * bar4 (900+3000)/200 = 19.5. */
    const double exp_r[] = {X, 11.5, 10.8, 10.8, 19.5};
    assert_int_equal(pr_ta_rvwap(5, h, l, c, v, 2, out), PR_OK);
    expect_series("rvwap", out, exp_r, 5, 1e-14);

    /* Zero volume so far in a period: undefined. */
    const double v0[] = {0, 0, 200, 0, 0};
    const double exp0[] = {X, X, 9, X, X};
    assert_int_equal(pr_ta_vwap(5, ts, h, l, c, v0, PR_TA_ANCHOR_DAY, out), PR_OK);
    expect_series("vwap zero volume", out, exp0, 5, 0);

    assert_int_equal(pr_ta_vwap(5, ts, h, l, c, v, 4, out), PR_EINVAL);
    assert_int_equal(pr_ta_rvwap(5, h, l, c, v, 0, out), PR_EINVAL);
    assert_int_equal(pr_ta_vwap(0, NULL, NULL, NULL, NULL, NULL, 0, NULL), PR_OK);
}

static void test_vwap_us_session_dst(void **state) {
    (void)state;
    /* H = L = C so the typical price is the price itself. Friday 2024-03-08
     * is EST (09:30 = 14:30 UTC); Monday 2024-03-11 is EDT (09:30 = 13:30 UTC). */
    const int64_t ts[] = {
        t_utc(2024, 3, 8, 14, 25),  /* 09:25 EST: first bar, opens a period     */
        t_utc(2024, 3, 8, 14, 30),  /* 09:30 EST: reset                         */
        t_utc(2024, 3, 8, 20, 55),  /* 15:55 EST                                */
        t_utc(2024, 3, 11, 12, 0),  /* Mon 08:00 EDT pre-market: Friday's session */
        t_utc(2024, 3, 11, 13, 30), /* Mon 09:30 EDT: reset                      */
        t_utc(2024, 3, 11, 14, 30), /* 10:30 EDT (09:30 EST would be): no reset  */
    };
    const double p[] = {10, 20, 30, 40, 50, 60}, v[] = {100, 100, 100, 200, 100, 300};
    /* 10; 20; (2000+3000)/200 = 25; (5000+8000)/400 = 32.5; 50;
     * (5000+18000)/400 = 57.5. */
    const double exp[] = {10, 20, 25, 32.5, 50, 57.5};
    double out[6];
    assert_int_equal(pr_ta_vwap(6, ts, p, p, p, v, PR_TA_ANCHOR_US_SESSION, out), PR_OK);
    expect_series("vwap us", out, exp, 6, 1e-14);

    /* Weekly anchor: Sunday 23:00 -> Monday 00:00 resets; month likewise. */
    const int64_t tw[] = {t_utc(2024, 1, 7, 22, 0), t_utc(2024, 1, 7, 23, 0), t_utc(2024, 1, 8, 0, 0)};
    const double pw[] = {10, 20, 40}, vw[] = {1, 3, 1};
    const double expw[] = {10, 17.5, 40}; /* (10 + 60)/4 = 17.5 */
    assert_int_equal(pr_ta_vwap(3, tw, pw, pw, pw, vw, PR_TA_ANCHOR_WEEK, out), PR_OK);
    expect_series("vwap week", out, expw, 3, 1e-14);
    const int64_t tm[] = {t_utc(2024, 1, 31, 22, 0), t_utc(2024, 1, 31, 23, 0), t_utc(2024, 2, 1, 0, 0)};
    assert_int_equal(pr_ta_vwap(3, tm, pw, pw, pw, vw, PR_TA_ANCHOR_MONTH, out), PR_OK);
    expect_series("vwap month", out, expw, 3, 1e-14);
}

/* ---------------------------------------------------------------- Keltner */

/* Shared by Keltner and SuperTrend. TR from bar 1 = max(H-L, |H-C[-1]|, |L-C[-1]|). */
static const double kh[] = {11, 12, 13, 14, 15, 11};
static const double kl[] = {9, 10, 10, 12, 11, 10};
static const double kc[] = {10, 11, 12, 14, 12, 10.5};

static void test_keltner(void **state) {
    (void)state;
    /* EMA(3), k = 0.5, seeded with SMA(10, 11, 12) = 11 on bar 2:
     *   bar3 11 + 0.5(14 - 11) = 12.5; bar4 12.5 + 0.5(12 - 12.5) = 12.25;
     *   bar5 12.25 + 0.5(10.5 - 12.25) = 11.375.
     * TR: bar1 max(2, 2, 0) = 2; bar2 max(3, 2, 1) = 3; bar3 max(2, 2, 0) = 2;
     *     bar4 max(4, 1, 3) = 4; bar5 max(1, 1, 2) = 2 (gap from 12).
     * ATR(2): bar2 (2+3)/2 = 2.5; bar3 (2.5+2)/2 = 2.25; bar4 (2.25+4)/2 =
     *     3.125; bar5 (3.125+2)/2 = 2.5625.
     * Bands = EMA ± 2·ATR. */
    const double eu[] = {X, X, 16, 17, 18.5, 16.5};
    const double em[] = {X, X, 11, 12.5, 12.25, 11.375};
    const double el[] = {X, X, 6, 8, 6, 6.25};
    double u[6], m[6], lo[6];
    int lb;
    assert_int_equal(pr_ta_keltner_lookback(3, 2, 2.0, &lb), PR_OK);
    assert_int_equal(lb, 2);
    assert_int_equal(pr_ta_keltner(6, kh, kl, kc, 3, 2, 2.0, u, m, lo), PR_OK);
    expect_series("keltner upper", u, eu, 6, 1e-14);
    expect_series("keltner middle", m, em, 6, 1e-14);
    expect_series("keltner lower", lo, el, 6, 1e-14);
    /* TradingView defaults: EMA 20, ATR 10 -> lookback max(19, 10) = 19. */
    assert_int_equal(pr_ta_keltner_lookback(20, 10, 2.0, &lb), PR_OK);
    assert_int_equal(lb, 19);
    assert_int_equal(pr_ta_keltner(6, kh, kl, kc, 3, 2, -1.0, u, m, lo), PR_EINVAL);
    assert_int_equal(pr_ta_keltner(6, kh, kl, kc, 1, 2, 2.0, u, m, lo), PR_EINVAL);
}

/* --------------------------------------------------------------- Donchian */

static void test_donchian(void **state) {
    (void)state;
    /* period 3: bar2 max(10,12,11) = 12, min(8,9,7) = 7, mid 9.5;
     * bar3 max(12,11,9) = 12, min(9,7,6) = 6, mid 9; bar4 max(11,9,13) = 13,
     * min(7,6,10) = 6, mid 9.5. */
    const double h[] = {10, 12, 11, 9, 13}, l[] = {8, 9, 7, 6, 10};
    const double eu[] = {X, X, 12, 12, 13}, em[] = {X, X, 9.5, 9, 9.5}, el[] = {X, X, 7, 6, 6};
    double u[5], m[5], lo[5];
    assert_int_equal(pr_ta_donchian(5, h, l, 3, u, m, lo), PR_OK);
    expect_series("donchian upper", u, eu, 5, 0);
    expect_series("donchian middle", m, em, 5, 0);
    expect_series("donchian lower", lo, el, 5, 0);
    assert_int_equal(pr_ta_donchian(5, h, l, 0, u, m, lo), PR_EINVAL);
}

/* ------------------------------------------------------------- SuperTrend */

static void test_supertrend(void **state) {
    (void)state;
    /* period 2, mult 1. Worked with TradingView's rules (hl2 ± ATR; lower
     * band kept unless the new one is higher or close[1] fell below it;
     * upper band kept unless lower or close[1] rose above it; in a downtrend
     * flip up when close > upper, in an uptrend flip down when close < lower).
     *  bar TR   ATR(2)     hl2   final upper  final lower  trend line
     *   2  3    2.5        11.5  14           9            first: down 14
     *   3  2    2.25       13    14 (kept)    10.75        down (14 !< 14)  14
     *   4  2    2.125      14    14 (kept)    11.875       UP: 14.5 > 14   11.875
     *   5  3.5  2.8125     12.5  15.3125 (c1 14.5 > 14)  11.875 (kept)
     *                                                      DOWN: 11.5 < 11.875  15.3125
     *   6  3    2.90625    10.5  13.40625     7.59375 (c1 11.5 < 11.875)  down 13.40625
     *   7  3    2.953125    9.5  12.453125    7.59375      down 12.453125
     *   8  3.5  3.2265625  10.5  12.453125    7.59375      down (11.8 !> 12.45)
     *   9  2.5  2.86328125 12.25 12.453125    9.38671875   UP: 13.2 > 12.45  9.38671875 */
    const double h[] = {11, 12, 13, 14, 15, 14, 12, 11, 12, 13.5};
    const double l[] = {9, 10, 10, 12, 13, 11, 9, 8, 9, 11};
    const double c[] = {10, 11, 12, 14, 14.5, 11.5, 9.5, 8.5, 11.8, 13.2};
    const double eline[] = {X, X, 14, 14, 11.875, 15.3125, 13.40625, 12.453125, 12.453125, 9.38671875};
    const double edir[] = {X, X, -1, -1, 1, -1, -1, -1, -1, 1};
    double line[10], dir[10];
    assert_int_equal(pr_ta_supertrend(10, h, l, c, 2, 1.0, line, dir), PR_OK);
    expect_series("supertrend line", line, eline, 10, 1e-14);
    expect_series("supertrend direction", dir, edir, 10, 0);
    int lb;
    assert_int_equal(pr_ta_supertrend_lookback(10, 3.0, &lb), PR_OK);
    assert_int_equal(lb, 10);
}

/* --------------------------------------------------------------- Ichimoku */

static void test_ichimoku(void **state) {
    (void)state;
    /* tenkan 2, kijun 3, senkou 4 (lookback 3), values on the bar computed:
     *  bar3: tenkan (max(12,11) + min(10,9))/2 = 10.5; kijun (12 + 9)/2 = 10.5;
     *        A 10.5; B (max(10,11,12,11) + min(8,9,10,9))/2 = (12+8)/2 = 10
     *  bar4: tenkan (13 + 9)/2 = 11; kijun (13 + 9)/2 = 11; A 11;
     *        B (13 + 9)/2 = 11
     *  bar5: tenkan (13 + 10)/2 = 11.5; kijun (13 + 9)/2 = 11; A 11.25;
     *        B (13 + 9)/2 = 11 */
    const double h[] = {10, 11, 12, 11, 13, 12}, l[] = {8, 9, 10, 9, 11, 10};
    const double et[] = {X, X, X, 10.5, 11, 11.5}, ek[] = {X, X, X, 10.5, 11, 11};
    const double ea[] = {X, X, X, 10.5, 11, 11.25}, eb[] = {X, X, X, 10, 11, 11};
    double t[6], k[6], a[6], b[6];
    assert_int_equal(pr_ta_ichimoku(6, h, l, 2, 3, 4, t, k, a, b), PR_OK);
    expect_series("tenkan", t, et, 6, 0);
    expect_series("kijun", k, ek, 6, 0);
    expect_series("senkou_a", a, ea, 6, 0);
    expect_series("senkou_b", b, eb, 6, 0);
    int lb;
    assert_int_equal(pr_ta_ichimoku_lookback(9, 26, 52, &lb), PR_OK);
    assert_int_equal(lb, 51);
    assert_int_equal(PR_TA_ICHIMOKU_DISPLACEMENT, 26);
}

/* ------------------------------------------------------------ Heikin-Ashi */

static void test_heikin_ashi(void **state) {
    (void)state;
    /* bar0 O10 H12 L9 C11: close (10+12+9+11)/4 = 10.5, open (10+11)/2 = 10.5,
     *      high max(12, 10.5, 10.5) = 12, low 9.
     * bar1 O11 H14 L10 C13: close 48/4 = 12, open (10.5+10.5)/2 = 10.5,
     *      high 14, low 10.
     * bar2 O13 H13.5 L11 C11.5: close 49/4 = 12.25, open (10.5+12)/2 = 11.25,
     *      high 13.5, low 11.
     * bar3 O11 H11.2 L10 C10.2: close 42.4/4 = 10.6, open (11.25+12.25)/2 =
     *      11.75, which is above the real high: high 11.75, low 10. */
    const double o[] = {10, 11, 13, 11}, h[] = {12, 14, 13.5, 11.2}, l[] = {9, 10, 11, 10},
                 c[] = {11, 13, 11.5, 10.2};
    const double eo[] = {10.5, 10.5, 11.25, 11.75}, eh[] = {12, 14, 13.5, 11.75};
    const double el[] = {9, 10, 11, 10}, ec[] = {10.5, 12, 12.25, 10.6};
    double ho[4], hh[4], hl[4], hc[4];
    assert_int_equal(pr_ta_heikin_ashi(4, o, h, l, c, ho, hh, hl, hc), PR_OK);
    expect_series("ha open", ho, eo, 4, 1e-14);
    expect_series("ha high", hh, eh, 4, 1e-14);
    expect_series("ha low", hl, el, 4, 1e-14);
    expect_series("ha close", hc, ec, 4, 1e-14);
}

/* -------------------------------------------------------------------- CMF */

static void test_cmf(void **state) {
    (void)state;
    /* money-flow multiplier ((C-L) - (H-C))/(H-L), times volume:
     *  bar0 ((1.5)-(0.5))/2 = 0.5 * 100 = 50
     *  bar1 ((0.5)-(1.5))/2 = -0.5 * 200 = -100
     *  bar2 ((2)-(0))/2 = 1 * 300 = 300
     *  bar3 H == L: 0
     *  bar4 ((0)-(2))/2 = -1 * 150 = -150
     * CMF(3): bar2 250/600; bar3 200/550; bar4 150/500 = 0.3. */
    const double h[] = {10, 11, 12, 12, 13}, l[] = {8, 9, 10, 12, 11}, c[] = {9.5, 9.5, 12, 12, 11};
    const double v[] = {100, 200, 300, 50, 150};
    const double exp[] = {X, X, 250.0 / 600.0, 200.0 / 550.0, 0.3};
    double out[5];
    assert_int_equal(pr_ta_cmf(5, h, l, c, v, 3, out), PR_OK);
    expect_series("cmf", out, exp, 5, 1e-14);
    /* A window without volume has no money flow: 0. */
    const double v0[] = {0, 0, 0, 0, 0}, exp0[] = {X, X, 0, 0, 0};
    assert_int_equal(pr_ta_cmf(5, h, l, c, v0, 3, out), PR_OK);
    expect_series("cmf zero volume", out, exp0, 5, 0);
}

/* -------------------------------------------------------------- WaveTrend */

static void test_wavetrend(void **state) {
    (void)state;
    /* n1 2, n2 3, signal 2 on H = L = C = ap (lookback 2+2+1 = 5). By hand,
     * in fractions (EMA k = 2/(n+1), seeded with the SMA of its first n
     * inputs, then ema += k (x - ema)):
     *  esa: bar1 (10+11)/2 = 21/2; bar2 21/2 + 2/3(13 - 21/2) = 73/6;
     *       bar3 217/18; bar4 721/54; bar5 2341/162; bar6 6553/486;
     *       bar7 22105/1458
     *  |ap - esa|: bar1 1/2, bar2 5/6, bar3 1/18, bar4 35/54, bar5 89/162,
     *       bar6 235/486, bar7 1223/1458
     *  d:   bar2 (1/2 + 5/6)/2 = 2/3; bar3 7/27; bar4 14/27; bar5 131/243;
     *       bar6 122/243; bar7 1589/2187
     *  ci = (ap - esa)/(0.015 d): bar2 (5/6)/(1/100) = 250/3; bar3 -100/7;
     *       bar4 250/3; bar5 8900/131; bar6 -11750/183; bar7 122300/1589
     *  wt1 = EMA3(ci), k = 1/2: bar4 (250/3 - 100/7 + 250/3)/3 = 3200/63;
     *       bar5 489950/8253; bar6 -1218650/503433; bar7 4259530075/114279291
     *  wt2 = SMA2(wt1): bar5 151525/2751; bar6 4778050/167811;
     *       bar7 1327632175/76186194 */
    const double ap[] = {10, 11, 13, 12, 14, 15, 13, 16};
    const double e1[] = {X, X, X, X, X, 489950.0 / 8253.0, -1218650.0 / 503433.0, 4259530075.0 / 114279291.0};
    const double e2[] = {X, X, X, X, X, 151525.0 / 2751.0, 4778050.0 / 167811.0, 1327632175.0 / 76186194.0};
    double w1[8], w2[8];
    int lb;
    assert_int_equal(pr_ta_wavetrend_lookback(2, 3, 2, &lb), PR_OK);
    assert_int_equal(lb, 5);
    assert_int_equal(pr_ta_wavetrend(8, ap, ap, ap, 2, 3, 2, w1, w2), PR_OK);
    expect_series("wt1", w1, e1, 8, 1e-12);
    expect_series("wt2", w2, e2, 8, 1e-12);
    assert_int_equal(pr_ta_wavetrend_lookback(10, 21, 4, &lb), PR_OK);
    assert_int_equal(lb, 41);
}

/* ---------------------------------------------------------------- Hull MA */

static void test_hma(void **state) {
    (void)state;
    /* period 4: WMA2 and WMA4 of x, then WMA2 (floor sqrt 4 = 2) of the diff.
     *  t3: WMA2 (4 + 2·7)/3 = 6, WMA4 (1 + 2·2 + 3·4 + 4·7)/10 = 4.5 -> 7.5
     *  t4: WMA2 (7 + 22)/3 = 29/3, WMA4 (2 + 8 + 21 + 44)/10 = 7.5 -> 71/6
     *  t5: WMA2 (11 + 32)/3 = 43/3, WMA4 (4 + 14 + 33 + 64)/10 = 11.5 -> 103/6
     *  HMA t4 = (7.5 + 2·71/6)/3 = 187/18; t5 = (71/6 + 2·103/6)/3 = 277/18 */
    const double x[] = {1, 2, 4, 7, 11, 16};
    const double exp[] = {X, X, X, X, 187.0 / 18.0, 277.0 / 18.0};
    double out[6];
    assert_int_equal(pr_ta_hma(6, x, 4, out), PR_OK);
    expect_series("hma", out, exp, 6, 1e-13);
    int lb;
    assert_int_equal(pr_ta_hma_lookback(9, &lb), PR_OK);
    assert_int_equal(lb, 8 + 2);
    assert_int_equal(pr_ta_hma_lookback(16, &lb), PR_OK);
    assert_int_equal(lb, 15 + 3);
    assert_int_equal(pr_ta_hma(6, x, 3, out), PR_EINVAL);
}

/* ---------------------------------------------------------------- z-score */

static void test_zscore(void **state) {
    (void)state;
    /* period 4, population sd:
     *  bar3 [2,4,4,4]: mean 3.5, squared deviations 2.25 + 3·0.25 = 3,
     *       var 0.75, z = 0.5/sqrt(0.75) = 1/sqrt(3)
     *  bar4 [4,4,4,5]: mean 4.25, 3·0.0625 + 0.5625 = 0.75, var 0.1875,
     *       z = 0.75/sqrt(0.1875) = sqrt(3)
     *  bar5 [4,4,5,5]: mean 4.5, var 0.25, z = 0.5/0.5 = 1
     *  bar6 [4,5,5,7]: mean 5.25, 1.5625 + 2·0.0625 + 3.0625 = 4.75,
     *       var 1.1875, z = 1.75/sqrt(1.1875)
     *  bar7 [5,5,7,9]: mean 6.5, 2.25·2 + 0.25 + 6.25 = 11, var 2.75,
     *       z = 2.5/sqrt(2.75) */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    const double exp[] = {X, X, X, 1.0 / sqrt(3.0), sqrt(3.0), 1.0, 1.75 / sqrt(1.1875), 2.5 / sqrt(2.75)};
    double out[8];
    assert_int_equal(pr_ta_zscore(8, x, 4, 0, out), PR_OK);
    expect_series("zscore", out, exp, 8, 1e-12);
    /* The whole series (mean 5, population sd 2): last z = (9-5)/2 = 2.
     * Sample sd over [2,4,4,4]: var 3/3 = 1, z = 0.5. */
    assert_int_equal(pr_ta_zscore(8, x, 8, 0, out), PR_OK);
    assert_true(fabs(out[7] - 2.0) < 1e-12);
    assert_int_equal(pr_ta_zscore(4, x, 4, 1, out), PR_OK);
    assert_true(fabs(out[3] - 0.5) < 1e-12);
    /* A flat window: 0. */
    const double flat[] = {0.1, 0.1, 0.1, 0.1, 0.1};
    assert_int_equal(pr_ta_zscore(5, flat, 3, 0, out), PR_OK);
    assert_true(out[2] == 0.0 && out[3] == 0.0 && out[4] == 0.0);
    assert_int_equal(pr_ta_zscore(5, flat, 1, 0, out), PR_EINVAL);
}

/* ----------------------------------------------------------- percent rank */

static void test_percentrank(void **state) {
    (void)state;
    /* period 3: the share of the 3 previous values <= the current one.
     *  bar3 x=6 vs [5,3,4]: 3/3 -> 100
     *  bar4 x=4 vs [3,4,6]: 3 and 4 -> 2/3 -> 66.67
     *  bar5 x=4 vs [4,6,4]: 2/3 -> 66.67
     *  bar6 x=1 vs [6,4,4]: 0 */
    const double x[] = {5, 3, 4, 6, 4, 4, 1};
    const double exp[] = {X, X, X, 100, 200.0 / 3.0, 200.0 / 3.0, 0};
    double out[7];
    assert_int_equal(pr_ta_percentrank(7, x, 3, out), PR_OK);
    expect_series("percentrank", out, exp, 7, 1e-13);
}

/* ----------------------------------------------------------------- pivots */

static void test_pivot_formulas(void **state) {
    (void)state;
    /* H 110, L 90, C 105: P = 305/3 = 101.667, range 20.
     * classic: R1 = 2P - L = 610/3 - 90 = 340/3; S1 = 2P - H = 280/3;
     *          R2 = P + 20 = 365/3; S2 = P - 20 = 245/3;
     *          R3 = H + 2(P - L) = 110 + 70/3 = 400/3; S3 = L - 2(H - P) = 90 - 50/3 = 220/3
     * fibonacci: P ± 0.382·20 = ±7.64, ± 0.618·20 = ±12.36, ± 20. */
    double lv[PR_TA_PIVOT_OUTPUTS];
    assert_int_equal(pr_ta_pivot_levels(PR_TA_PIVOT_CLASSIC, 110, 90, 105, lv), PR_OK);
    const double ec[] = {305.0 / 3, 340.0 / 3, 365.0 / 3, 400.0 / 3, 280.0 / 3, 245.0 / 3, 220.0 / 3};
    expect_series("classic", lv, ec, 7, 1e-13);
    assert_int_equal(pr_ta_pivot_levels(PR_TA_PIVOT_FIBONACCI, 110, 90, 105, lv), PR_OK);
    const double P = 305.0 / 3;
    const double ef[] = {P, P + 7.64, P + 12.36, P + 20, P - 7.64, P - 12.36, P - 20};
    expect_series("fibonacci", lv, ef, 7, 1e-13);
    assert_int_equal(pr_ta_pivot_levels(2, 110, 90, 105, lv), PR_EINVAL);
}

static void test_pivots_series(void **state) {
    (void)state;
    /* Day 1 (starts at 00:00, so complete): H max(105,110,108) = 110,
     * L min(95,98,90) = 90, last C 105 -> P 305/3 for all of day 2.
     * Day 2: H 125, L 100, C 118 -> P (125+100+118)/3 = 343/3 on day 3. */
    const int64_t ts[] = {t_utc(2024, 5, 1, 0, 0), t_utc(2024, 5, 1, 12, 0), t_utc(2024, 5, 1, 23, 0),
                          t_utc(2024, 5, 2, 0, 0), t_utc(2024, 5, 2, 6, 0), t_utc(2024, 5, 3, 0, 0)};
    const double h[] = {105, 110, 108, 120, 125, 130}, l[] = {95, 98, 90, 100, 112, 128},
                 c[] = {100, 104, 105, 115, 118, 129};
    double p[6], r1[6], r2[6], r3[6], s1[6], s2[6], s3[6];
    double *const out[PR_TA_PIVOT_OUTPUTS] = {p, r1, r2, r3, s1, s2, s3};
    assert_int_equal(pr_ta_pivots(6, ts, h, l, c, PR_TA_PIVOT_CLASSIC, PR_TA_ANCHOR_DAY, out), PR_OK);
    const double ep[] = {X, X, X, 305.0 / 3, 305.0 / 3, 343.0 / 3};
    const double er1[] = {X, X, X, 340.0 / 3, 340.0 / 3, 2 * 343.0 / 3 - 100};
    const double es3[] = {X, X, X, 220.0 / 3, 220.0 / 3, 100 - 2 * (125 - 343.0 / 3)};
    expect_series("pivot P", p, ep, 6, 1e-13);
    expect_series("pivot R1", r1, er1, 6, 1e-13);
    expect_series("pivot S3", s3, es3, 6, 1e-13);

    /* Data starting at 12:00: day 1 is partial, so day 2 has no pivots and
     * day 3 uses day 2 (H 125, L 100, C 118). */
    assert_int_equal(pr_ta_pivots(5, ts + 1, h + 1, l + 1, c + 1, PR_TA_PIVOT_CLASSIC, PR_TA_ANCHOR_DAY, out), PR_OK);
    const double ep2[] = {X, X, X, X, 343.0 / 3};
    expect_series("pivot P partial first day", p, ep2, 5, 1e-13);
    assert_int_equal(pr_ta_pivots(5, ts, h, l, c, 0, 9, out), PR_EINVAL);
}

/* ----------------------------------------------------------------- swings */

static void test_swings(void **state) {
    (void)state;
    /* left 2, right 1. Swing high at c: H[c] > H[c-1], H[c-2] and H[c] >= H[c+1]:
     *  c=2: 8 > 6, 5 and 8 >= 7 -> reported on bar 3 (= c + right) as 8
     *  c=5: 9 > 7, 7 and 9 >= 8 -> reported on bar 6 as 9
     *  (c=3,4: 7 is not above 8 / 7; c=6,7,8: 8 is not above 9 / 8)
     * Swing low at c: L[c] < L[c-1], L[c-2] and L[c] <= L[c+1]:
     *  c=4: 4 < 6, 5 and 4 <= 5 -> bar 5 as 4
     *  c=8: 6 < 7, 7 and 6 <= 7 -> bar 9 as 6
     *  (c=1 has only one bar on its left) */
    const double h[] = {5, 6, 8, 7, 7, 9, 8, 8, 8, 6};
    const double l[] = {4, 3, 5, 6, 4, 5, 7, 7, 6, 7};
    const double eh[] = {X, X, X, 8, X, X, 9, X, X, X};
    const double el[] = {X, X, X, X, X, 4, X, X, X, 6};
    double sh[10], sl[10];
    assert_int_equal(pr_ta_swings(10, h, l, 2, 1, sh, sl), PR_OK);
    expect_series("swing high", sh, eh, 10, 0);
    expect_series("swing low", sl, el, 10, 0);
    /* A flat top of equal highs gives one swing, at its first bar (left 1,
     * right 1: c=2 has 3 > 2 and 3 >= 3; c=3 has 3 not > 3). */
    const double fh[] = {1, 2, 3, 3, 2, 1}, fl[] = {0, 0, 0, 0, 0, 0};
    const double efh[] = {X, X, X, 3, X, X};
    assert_int_equal(pr_ta_swings(6, fh, fl, 1, 1, sh, sl), PR_OK);
    expect_series("flat top", sh, efh, 6, 0);
}

/* ----------------------------------------------------------------- levels */

/* left 1, right 1. Swings (reported one bar later):
 *  high 105 at c=1 (105 > 100, 105 >= 102)      -> known from bar 2
 *  low 95 at c=3 (95 < 99, 95 <= 97)            -> bar 4
 *  high 105.5 at c=5 (105.5 > 103, >= 104)      -> bar 6
 *  low 95.5 at c=7 (95.5 < 100, <= 96)          -> bar 8 */
static const double lh[] = {100, 105, 102, 101, 103, 105.5, 104, 103, 99};
static const double ll[] = {98, 100, 99, 95, 97, 101, 100, 95.5, 96};
static const double lc[] = {99, 104, 100, 96, 102, 104, 101, 97, 98};

static void test_levels(void **state) {
    (void)state;
    pr_ta_levels_cfg cfg;
    pr_ta_levels_cfg_default(&cfg);
    assert_int_equal(cfg.left, 5);
    cfg.left = 1;
    cfg.right = 1;
    cfg.window = 100;
    cfg.tol_pct = 0.01;
    cfg.half_life = 10;
    /* Bar 8: tolerance 1% of 98 = 0.98. In pivot order: 105 -> new level A;
     * 95 -> 10 away, new level B; 105.5 -> 0.5 from A: A = {105, 105.5},
     * mean 105.25, last touch c=5; 95.5 -> B = {95, 95.5}, 95.25, c=7.
     * strength = (1 - 0.5^2) · 0.5^((8 - last)/10):
     *   A 0.75 · 0.5^0.3, B 0.75 · 0.5^0.1. */
    int64_t ts[9];
    for (int i = 0; i < 9; i++) ts[i] = t_utc(2024, 1, 1, i, 0);
    pr_ta_level lv[8];
    size_t count = 0;
    assert_int_equal(pr_ta_levels_at(9, ts, lh, ll, lc, 8, &cfg, lv, 8, &count), PR_OK);
    assert_int_equal(count, 2);
    assert_true(fabs(lv[0].price - 95.25) < 1e-12);
    assert_int_equal(lv[0].touches, 2);
    assert_int_equal(lv[0].lows, 2);
    assert_int_equal(lv[0].highs, 0);
    assert_true(lv[0].lo == 95 && lv[0].hi == 95.5);
    assert_int_equal(lv[0].last_touch_bar, 7);
    assert_true(lv[0].last_touch_ts == ts[7]);
    assert_true(fabs(lv[0].strength - 0.75 * pow(0.5, 0.1)) < 1e-12);
    assert_true(fabs(lv[1].price - 105.25) < 1e-12);
    assert_int_equal(lv[1].touches, 2);
    assert_int_equal(lv[1].highs, 2);
    assert_int_equal(lv[1].last_touch_bar, 5);
    assert_true(fabs(lv[1].strength - 0.75 * pow(0.5, 0.3)) < 1e-12);

    /* cap smaller than the count: writes 1, reports 2. */
    assert_int_equal(pr_ta_levels_at(9, ts, lh, ll, lc, 8, &cfg, lv, 1, &count), PR_OK);
    assert_int_equal(count, 2);

    /* Per-bar series: nearest support <= close and resistance > close.
     *  bar2: only A = {105}, 1 touch at c=1: resistance 105, 0.5·0.5^0.1
     *  bar4: A {105} (c=1), B {95} (c=3): support 95, 0.5·0.5^0.1;
     *        resistance 105, 0.5·0.5^0.3
     *  bar7 (close 97): A {105, 105.5} c=5: 0.75·0.5^0.2; B {95}: 0.5·0.5^0.4
     *  bar8 as above. */
    double sup[9], sups[9], res[9], ress[9];
    assert_int_equal(pr_ta_levels(9, lh, ll, lc, &cfg, sup, sups, res, ress), PR_OK);
    const double esup[] = {X, X, X, X, 95, 95, 95, 95, 95.25};
    const double esups[] = {X, X, X, X, 0.5 * pow(0.5, 0.1), 0.5 * pow(0.5, 0.2), 0.5 * pow(0.5, 0.3),
                            0.5 * pow(0.5, 0.4), 0.75 * pow(0.5, 0.1)};
    const double eres[] = {X, X, 105, 105, 105, 105, 105.25, 105.25, 105.25};
    const double eress[] = {X, X, 0.5 * pow(0.5, 0.1), 0.5 * pow(0.5, 0.2), 0.5 * pow(0.5, 0.3),
                            0.5 * pow(0.5, 0.4), 0.75 * pow(0.5, 0.1), 0.75 * pow(0.5, 0.2),
                            0.75 * pow(0.5, 0.3)};
    expect_series("support", sup, esup, 9, 1e-12);
    expect_series("support strength", sups, esups, 9, 1e-12);
    expect_series("resistance", res, eres, 9, 1e-12);
    expect_series("resistance strength", ress, eress, 9, 1e-12);

    /* Window 4 at bar 8: only pivots with c > 4 count: {105.5} and {95.5}. */
    cfg.window = 4;
    assert_int_equal(pr_ta_levels_at(9, ts, lh, ll, lc, 8, &cfg, lv, 8, &count), PR_OK);
    assert_int_equal(count, 2);
    assert_true(lv[0].price == 95.5 && lv[0].touches == 1);
    assert_true(lv[1].price == 105.5 && lv[1].touches == 1);

    /* ATR tolerance: ATR(1) is the true range, on bar 8 max(99-96, |99-97|,
     * |96-97|) = 3; 0.2·3 = 0.6 > 0.5 merges as before, 0.1·3 = 0.3 does not. */
    cfg.window = 100;
    cfg.tol_pct = 0;
    cfg.atr_period = 1;
    cfg.tol_atr = 0.2;
    assert_int_equal(pr_ta_levels_at(9, ts, lh, ll, lc, 8, &cfg, lv, 8, &count), PR_OK);
    assert_int_equal(count, 2);
    cfg.tol_atr = 0.1;
    assert_int_equal(pr_ta_levels_at(9, ts, lh, ll, lc, 8, &cfg, lv, 8, &count), PR_OK);
    assert_int_equal(count, 4);

    pr_err e;
    pr_err_clear(&e);
    cfg.half_life = 0;
    assert_int_equal(pr_ta_levels_cfg_check(&cfg, &e), PR_EINVAL);
    assert_string_equal(e.field, "half_life");
}

/* ------------------------------------------------------------ NaN inputs */

static void test_nan_inputs(void **state) {
    (void)state;
    /* Window indicators: NaN while the bad bar is inside the window. */
    const double h[] = {10, 12, NAN, 9, 13, 14, 15}, l[] = {8, 9, 7, 6, 10, 11, 12};
    double u[7], m[7], lo[7];
    assert_int_equal(pr_ta_donchian(7, h, l, 3, u, m, lo), PR_OK);
    const double eu[] = {X, X, X, X, X, 14, 15};
    expect_series("donchian with NaN", u, eu, 7, 0);
    /* Session VWAP: NaN for the rest of the session, clean after the reset. */
    const int64_t ts[] = {t_utc(2024, 1, 1, 0, 0), t_utc(2024, 1, 1, 1, 0), t_utc(2024, 1, 1, 2, 0),
                          t_utc(2024, 1, 2, 0, 0)};
    const double p[] = {10, 20, 30, 40}, v[] = {1, NAN, 1, 1};
    const double ev[] = {10, X, X, 40};
    double out[4];
    assert_int_equal(pr_ta_vwap(4, ts, p, p, p, v, PR_TA_ANCHOR_DAY, out), PR_OK);
    expect_series("vwap with NaN", out, ev, 4, 0);
    /* Heikin-Ashi: the recursive open carries a NaN to every later bar. */
    const double o[] = {10, 11, 12, 13}, c[] = {11, NAN, 13, 14}, hh[] = {12, 13, 14, 15}, lw[] = {9, 10, 11, 12};
    double ho[4], hi[4], hl[4], hc[4];
    assert_int_equal(pr_ta_heikin_ashi(4, o, hh, lw, c, ho, hi, hl, hc), PR_OK);
    /* bar 1: its own close is NaN (so HA close, high, low); its open comes
     * from bar 0 and is fine. From bar 2 on the open is NaN. */
    assert_false(isnan(ho[0]) || isnan(hc[0]) || isnan(ho[1]));
    assert_true(isnan(hc[1]) && isnan(hi[1]) && isnan(hl[1]));
    for (int i = 2; i < 4; i++) assert_true(isnan(ho[i]) && isnan(hi[i]) && isnan(hl[i]));
    assert_false(isnan(hc[2]));
    /* Pivots: a NaN high on day 1 makes day 2's levels NaN, day 3's are clean. */
    const int64_t td[] = {t_utc(2024, 1, 1, 0, 0), t_utc(2024, 1, 1, 1, 0), t_utc(2024, 1, 2, 0, 0),
                          t_utc(2024, 1, 3, 0, 0)};
    const double ph[] = {10, NAN, 12, 13}, pl[] = {8, 8, 9, 10}, pc[] = {9, 9, 11, 12};
    double pv[PR_TA_PIVOT_OUTPUTS][4];
    double *const po[PR_TA_PIVOT_OUTPUTS] = {pv[0], pv[1], pv[2], pv[3], pv[4], pv[5], pv[6]};
    assert_int_equal(pr_ta_pivots(4, td, ph, pl, pc, PR_TA_PIVOT_CLASSIC, PR_TA_ANCHOR_DAY, po), PR_OK);
    const double ep[] = {X, X, X, (12 + 9 + 11) / 3.0};
    expect_series("pivots with NaN", pv[0], ep, 4, 1e-14);
}

/* --------------------------------------------------------- table entries */

static void test_table_entries(void **state) {
    (void)state;
    static const char *names[] = {"vwap", "rvwap", "keltner", "donchian", "supertrend", "ichimoku",
                                  "heikin_ashi", "cmf", "wavetrend", "hma", "zscore", "percentrank",
                                  "pivots", "swings", "levels"};
    for (size_t i = 0; i < N_(names); i++) {
        const pr_ta_def *d = NULL;
        if (pr_ta_find(names[i], &d) != PR_OK) fail_msg("%s not in the table", names[i]);
        assert_string_equal(d->name, names[i]);
        assert_int_equal(d->talib, 0);
        assert_non_null(d->run);
        assert_non_null(d->stream_new);
        double full[PR_TA_MAX_PARAMS];
        pr_err e;
        pr_err_clear(&e);
        assert_int_equal(pr_ta_check_params(d, NULL, 0, full, &e), PR_OK);
        int lb = -1;
        assert_int_equal(d->lookback(full, &lb), PR_OK);
        assert_true(lb >= 0);
    }
    const pr_ta_def *d;
    assert_int_equal(pr_ta_find("KELTNER", &d), PR_OK);
    double bad[] = {20, 10, -2};
    double full[PR_TA_MAX_PARAMS];
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_ta_check_params(d, bad, 3, full, &e), PR_EINVAL);
    assert_string_equal(e.field, "mult");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_us_eastern_offset), cmocka_unit_test(test_anchor_boundaries),
        cmocka_unit_test(test_vwap_utc_day),      cmocka_unit_test(test_vwap_us_session_dst),
        cmocka_unit_test(test_keltner),           cmocka_unit_test(test_donchian),
        cmocka_unit_test(test_supertrend),        cmocka_unit_test(test_ichimoku),
        cmocka_unit_test(test_heikin_ashi),       cmocka_unit_test(test_cmf),
        cmocka_unit_test(test_wavetrend),         cmocka_unit_test(test_hma),
        cmocka_unit_test(test_zscore),            cmocka_unit_test(test_percentrank),
        cmocka_unit_test(test_pivot_formulas),    cmocka_unit_test(test_pivots_series),
        cmocka_unit_test(test_swings),            cmocka_unit_test(test_levels),
        cmocka_unit_test(test_nan_inputs),        cmocka_unit_test(test_table_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
