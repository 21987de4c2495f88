/* Tests for timeframe names, bar alignment (Monday weeks, calendar months),
 * pr_tf_next across month lengths, pr_tf_close off the grid, divisibility and inference. Expected
 * instants are derived by hand from day counts written in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proratio/core.h"

#define DAY PR_MS_PER_DAY
/* Day numbers since 1970-01-01 (see test_time.c for the derivation):
 * 2024-01-01 = 19723; 2024-02-01 = 19723 + 31 = 19754; 2024-03-01 = 19754 + 29
 * = 19783 (2024 is a leap year); 2024-01-31 = 19753. */
#define D_2024_01_01 19723LL
#define D_2024_01_31 19753LL
#define D_2024_02_01 19754LL
#define D_2024_02_29 19782LL
#define D_2024_03_01 19783LL

static void test_parse_names(void **state) {
    (void)state;
    static const char *names[] = {"1s", "5s", "10s", "15s", "30s", "1m", "2m", "3m", "4m", "5m", "10m", "15m",
                                  "30m", "1h", "2h", "3h", "4h", "6h", "8h", "12h", "1d", "1w", "1M"};
    static const pr_timeframe tfs[] = {PR_TF_1S, PR_TF_5S, PR_TF_10S, PR_TF_15S, PR_TF_30S, PR_TF_1M, PR_TF_2M,
                                       PR_TF_3M, PR_TF_4M, PR_TF_5M, PR_TF_10M, PR_TF_15M, PR_TF_30M,
                                       PR_TF_1H, PR_TF_2H, PR_TF_3H, PR_TF_4H, PR_TF_6H, PR_TF_8H,
                                       PR_TF_12H, PR_TF_1D, PR_TF_1W, PR_TF_1MO};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        pr_timeframe tf = PR_TF_NONE;
        assert_int_equal(pr_tf_parse(names[i], &tf), PR_OK);
        assert_int_equal(tf, tfs[i]);
        assert_string_equal(pr_tf_name(tf), names[i]);
    }
    pr_timeframe tf;
    /* Case matters: 1m is a minute, 1M a month. */
    assert_int_equal(pr_tf_parse("1m", &tf), PR_OK);
    assert_int_equal(tf, PR_TF_1M);
    assert_int_equal(pr_tf_parse("1M", &tf), PR_OK);
    assert_int_equal(tf, PR_TF_1MO);
    assert_int_equal(pr_tf_parse("7m", &tf), PR_EINVAL);
    assert_int_equal(pr_tf_parse("", &tf), PR_EINVAL);
    assert_int_equal(pr_tf_parse("1MM", &tf), PR_EINVAL);
    assert_int_equal(pr_tf_parse("60", &tf), PR_EINVAL);
    assert_int_equal(pr_tf_parse("5S", &tf), PR_EINVAL); /* OANDA's S5 is an import token, not a name */
    assert_int_equal(pr_tf_parse("20s", &tf), PR_EINVAL);
    assert_string_equal(pr_tf_name(PR_TF_NONE), "none");
}

static void test_lengths(void **state) {
    (void)state;
    assert_int_equal(pr_tf_ms(PR_TF_1S), 1000);
    assert_int_equal(pr_tf_ms(PR_TF_5S), 5000);
    assert_int_equal(pr_tf_ms(PR_TF_10S), 10000);
    assert_int_equal(pr_tf_ms(PR_TF_15S), 15000);
    assert_int_equal(pr_tf_ms(PR_TF_30S), 30000);
    assert_int_equal(pr_tf_ms(PR_TF_1M), 60000);
    assert_int_equal(pr_tf_ms(PR_TF_15M), 900000);
    assert_int_equal(pr_tf_ms(PR_TF_4H), 14400000);
    assert_int_equal(pr_tf_ms(PR_TF_12H), 43200000);
    assert_int_equal(pr_tf_ms(PR_TF_1D), 86400000);
    assert_int_equal(pr_tf_ms(PR_TF_1W), 604800000);
    assert_int_equal(pr_tf_ms(PR_TF_1MO), 2592000000LL);
    assert_int_equal(pr_tf_ms(PR_TF_NONE), 0);
}

static void test_floor_intraday(void **state) {
    (void)state;
    int64_t day = D_2024_01_01 * DAY;
    /* 05:37:12.345 -> 4h bar at 04:00, 15m at 05:30, 1m at 05:37. */
    int64_t t = day + 5 * PR_MS_PER_HOUR + 37 * PR_MS_PER_MIN + 12345;
    assert_int_equal(pr_tf_floor(PR_TF_4H, t), day + 4 * PR_MS_PER_HOUR);
    assert_int_equal(pr_tf_floor(PR_TF_15M, t), day + 5 * PR_MS_PER_HOUR + 30 * PR_MS_PER_MIN);
    assert_int_equal(pr_tf_floor(PR_TF_1M, t), day + 5 * PR_MS_PER_HOUR + 37 * PR_MS_PER_MIN);
    assert_int_equal(pr_tf_floor(PR_TF_1D, t), day);
    /* 3m bars align to the epoch: 05:37 = 337 min from midnight, 337 = 3*112 + 1. */
    assert_int_equal(pr_tf_floor(PR_TF_3M, t), day + 336 * PR_MS_PER_MIN);
    /* Before 1970 the floor still goes down, not toward zero. */
    assert_int_equal(pr_tf_floor(PR_TF_1D, -1), -DAY);
    assert_int_equal(pr_tf_floor(PR_TF_1H, -1), -PR_MS_PER_HOUR);
    /* On a boundary it is the identity. */
    assert_int_equal(pr_tf_floor(PR_TF_8H, day + 16 * PR_MS_PER_HOUR), day + 16 * PR_MS_PER_HOUR);
}

static void test_floor_week(void **state) {
    (void)state;
    /* 2024-03-31 is a Sunday (2024-03-26 was a Tuesday): 19783 + 30 = 19813.
     * Sunday 23:59 floors to Monday 2024-03-25 = 19807. */
    int64_t sunday = 19813LL * DAY + 23 * PR_MS_PER_HOUR + 59 * PR_MS_PER_MIN;
    assert_int_equal(pr_weekday(sunday), 6);
    assert_int_equal(pr_tf_floor(PR_TF_1W, sunday), 19807LL * DAY);
    assert_int_equal(pr_weekday(19807LL * DAY), 0);
    /* Monday 00:00 itself is a week open; one ms earlier is the previous week. */
    assert_int_equal(pr_tf_floor(PR_TF_1W, 19814LL * DAY), 19814LL * DAY);
    assert_int_equal(pr_tf_floor(PR_TF_1W, 19814LL * DAY - 1), 19807LL * DAY);
    /* 1970-01-01 was a Thursday: its week opened Monday 1969-12-29 = day -3. */
    assert_int_equal(pr_tf_floor(PR_TF_1W, 0), -3 * DAY);
    assert_int_equal(pr_tf_next(PR_TF_1W, -3 * DAY), 4 * DAY);
}

static void test_floor_month(void **state) {
    (void)state;
    int64_t t = D_2024_02_29 * DAY + 12 * PR_MS_PER_HOUR;
    assert_int_equal(pr_tf_floor(PR_TF_1MO, t), D_2024_02_01 * DAY);
    assert_int_equal(pr_tf_floor(PR_TF_1MO, D_2024_03_01 * DAY), D_2024_03_01 * DAY);
    assert_int_equal(pr_tf_floor(PR_TF_1MO, D_2024_03_01 * DAY - 1), D_2024_02_01 * DAY);
    /* 1969-12-15 -> 1969-12-01 = -31 days. */
    assert_int_equal(pr_tf_floor(PR_TF_1MO, -17 * DAY), -31 * DAY);
}

static void test_next(void **state) {
    (void)state;
    /* Month after the bar containing 2024-01-31 is February, then March. */
    int64_t feb = pr_tf_next(PR_TF_1MO, D_2024_01_31 * DAY);
    assert_int_equal(feb, D_2024_02_01 * DAY);
    int64_t mar = pr_tf_next(PR_TF_1MO, feb);
    assert_int_equal(mar, D_2024_03_01 * DAY);
    /* December rolls into January: 2023-12-01 = 19723 - 31 = 19692. */
    assert_int_equal(pr_tf_next(PR_TF_1MO, 19692LL * DAY), D_2024_01_01 * DAY);
    assert_int_equal(pr_tf_next(PR_TF_1H, D_2024_01_01 * DAY), D_2024_01_01 * DAY + PR_MS_PER_HOUR);
    assert_int_equal(pr_tf_next(PR_TF_1D, D_2024_02_29 * DAY), D_2024_03_01 * DAY);
    assert_int_equal(pr_tf_next(PR_TF_12H, D_2024_01_01 * DAY + 12 * PR_MS_PER_HOUR),
                     (D_2024_01_01 + 1) * DAY);
}

static void test_divides(void **state) {
    (void)state;
    assert_true(pr_tf_divides(PR_TF_1M, PR_TF_5M));
    assert_true(pr_tf_divides(PR_TF_1H, PR_TF_4H));
    assert_true(pr_tf_divides(PR_TF_4H, PR_TF_1D));
    assert_true(pr_tf_divides(PR_TF_8H, PR_TF_1D));
    assert_true(pr_tf_divides(PR_TF_1D, PR_TF_1W));
    assert_true(pr_tf_divides(PR_TF_1H, PR_TF_1MO));
    assert_true(pr_tf_divides(PR_TF_1D, PR_TF_1MO));
    assert_true(pr_tf_divides(PR_TF_1H, PR_TF_1H));
    assert_false(pr_tf_divides(PR_TF_3M, PR_TF_5M));
    assert_false(pr_tf_divides(PR_TF_8H, PR_TF_12H));
    assert_false(pr_tf_divides(PR_TF_6H, PR_TF_8H));
    assert_false(pr_tf_divides(PR_TF_4H, PR_TF_1H));
    assert_false(pr_tf_divides(PR_TF_1W, PR_TF_1MO));
    assert_false(pr_tf_divides(PR_TF_NONE, PR_TF_1H));
    /* OANDA's M2, M4, M10 and H3: 4 min tiles an hour (15 bars) but not 30 min
     * (7.5); 3 h tiles a day (8) and 12 h (4) but not 8 h. */
    assert_true(pr_tf_divides(PR_TF_2M, PR_TF_10M));
    assert_true(pr_tf_divides(PR_TF_4M, PR_TF_1H));
    assert_false(pr_tf_divides(PR_TF_4M, PR_TF_30M));
    assert_true(pr_tf_divides(PR_TF_10M, PR_TF_30M));
    assert_true(pr_tf_divides(PR_TF_3H, PR_TF_12H));
    assert_true(pr_tf_divides(PR_TF_3H, PR_TF_1D));
    assert_false(pr_tf_divides(PR_TF_3H, PR_TF_8H));
}

/* Second bars: 2024-01-01 00:00:07.5 lies in the 5 s bar opening at 00:00:05
 * and in the 15 s and 30 s bars opening at 00:00:00; 10 s and 15 s bars both
 * tile a minute, but a 15 s bar is no whole number of 10 s bars. */
static void test_seconds(void **state) {
    (void)state;
    int64_t t = D_2024_01_01 * DAY + 7500;
    assert_int_equal(pr_tf_floor(PR_TF_1S, t), D_2024_01_01 * DAY + 7000);
    assert_int_equal(pr_tf_floor(PR_TF_5S, t), D_2024_01_01 * DAY + 5000);
    assert_int_equal(pr_tf_floor(PR_TF_15S, t), D_2024_01_01 * DAY);
    assert_int_equal(pr_tf_next(PR_TF_10S, D_2024_01_01 * DAY + 50000), D_2024_01_01 * DAY + 60000);
    assert_int_equal(pr_tf_close(PR_TF_30S, D_2024_01_01 * DAY + 30000), D_2024_01_01 * DAY + 60000);
    assert_true(pr_tf_divides(PR_TF_5S, PR_TF_1M));
    assert_true(pr_tf_divides(PR_TF_10S, PR_TF_30S));
    assert_true(pr_tf_divides(PR_TF_1S, PR_TF_1D));
    assert_true(pr_tf_divides(PR_TF_15S, PR_TF_1W));
    assert_false(pr_tf_divides(PR_TF_10S, PR_TF_15S));
    assert_false(pr_tf_divides(PR_TF_1M, PR_TF_30S));
    /* 5 s candles with OANDA's quiet intervals (no candle) still read as 5s. */
    int64_t s5[8] = {0, 5000, 10000, 20000, 25000, 30000, 40000, 45000};
    pr_timeframe tf = PR_TF_NONE;
    assert_int_equal(pr_tf_infer(s5, 8, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_5S);
}

static void test_infer(void **state) {
    (void)state;
    pr_timeframe tf = PR_TF_NONE;
    /* Hourly bars with a 50-hour weekend gap in the middle. */
    int64_t h[10];
    for (int i = 0; i < 10; i++) h[i] = (int64_t)i * PR_MS_PER_HOUR + (i >= 5 ? 50 * PR_MS_PER_HOUR : 0);
    assert_int_equal(pr_tf_infer(h, 10, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_1H);
    /* Daily stock bars Mon..Fri, Mon..Fri: four 1-day steps per 3-day step. */
    int64_t d[10];
    for (int i = 0; i < 10; i++) d[i] = (int64_t)(i + (i / 5) * 2) * DAY;
    assert_int_equal(pr_tf_infer(d, 10, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_1D);
    /* Month starts 2024-01..04: steps of 31, 29, 31 days. */
    int64_t m[4] = {D_2024_01_01 * DAY, D_2024_02_01 * DAY, D_2024_03_01 * DAY, (D_2024_03_01 + 31) * DAY};
    assert_int_equal(pr_tf_infer(m, 4, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_1MO);
    /* Funding stamps with 1 ms jitter still read as 8h. */
    int64_t f[4] = {0, 8 * PR_MS_PER_HOUR + 1, 16 * PR_MS_PER_HOUR, 24 * PR_MS_PER_HOUR + 1};
    assert_int_equal(pr_tf_infer(f, 4, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_8H);
    /* Duplicates and out-of-order stamps are ignored. */
    int64_t dup[6] = {0, 300000, 300000, 600000, 900000, 600000};
    assert_int_equal(pr_tf_infer(dup, 6, &tf), PR_OK);
    assert_int_equal(tf, PR_TF_5M);
    /* 20-minute steps are no supported timeframe, even with a few 5m steps. */
    int64_t ten[6] = {0, 1200000, 2400000, 3600000, 3900000, 5100000};
    assert_int_equal(pr_tf_infer(ten, 6, &tf), PR_EUNSUPPORTED);
    assert_int_equal(pr_tf_infer(h, 1, &tf), PR_EINVAL);
    int64_t same[3] = {5, 5, 5};
    assert_int_equal(pr_tf_infer(same, 3, &tf), PR_EINVAL);
}

/* pr_tf_close keeps a bar's own open: a forex day opening 2024-01-01 22:00
 * closes 2024-01-02 22:00 (pr_tf_next would give the grid's 2024-01-02
 * 00:00), an hour opening at :30 closes at the next :30; a month opening
 * 2024-02-01 closes 2024-03-01 (29 days, not the nominal 30). */
static void test_close(void **state) {
    (void)state;
    int64_t fx = D_2024_01_01 * DAY + 22 * PR_MS_PER_HOUR;
    assert_int_equal(pr_tf_close(PR_TF_1D, fx), fx + DAY);
    assert_int_equal(pr_tf_next(PR_TF_1D, fx), (D_2024_01_01 + 1) * DAY);
    int64_t half = D_2024_01_01 * DAY + 30 * 60000;
    assert_int_equal(pr_tf_close(PR_TF_1H, half), half + PR_MS_PER_HOUR);
    assert_int_equal(pr_tf_close(PR_TF_1MO, D_2024_02_01 * DAY), D_2024_03_01 * DAY);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_names),  cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_floor_intraday), cmocka_unit_test(test_floor_week),
        cmocka_unit_test(test_floor_month),  cmocka_unit_test(test_next),
        cmocka_unit_test(test_divides),      cmocka_unit_test(test_infer),
        cmocka_unit_test(test_close),        cmocka_unit_test(test_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
