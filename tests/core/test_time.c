/* Tests for UTC time parsing, formatting and civil-date helpers. Expected
 * epoch values are worked out by hand in the comments (days since
 * 1970-01-01 x 86400 s), not taken from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proratio/core.h"

/* 2022-01-01: 52 years after 1970 with 13 leap years (1972..2020)
 * -> 52*365 + 13 = 18993 days; 18993 * 86400 = 1,640,995,200 s. */
#define T_2022_01_01 1640995200000LL
/* 2024-01-01: 54*365 + 13 = 19723 days. */
#define D_2024_01_01 19723LL

static int64_t parse_ok(const char *s) {
    int64_t t = 0;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_time_parse(s, (size_t)-1, &t, &e);
    if (rc != PR_OK) print_error("parse of \"%s\" failed: %s\n", s, e.msg);
    assert_int_equal(rc, PR_OK);
    return t;
}

static void parse_fails(const char *s, const char *why) {
    int64_t t = 0;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_time_parse(s, (size_t)-1, &t, &e), PR_EPARSE);
    assert_int_equal(e.code, PR_EPARSE);
    /* The message quotes the trimmed text. */
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", s);
    if (*s && !strchr(s, ' ') && !strchr(s, '"')) assert_non_null(strstr(e.msg, quoted));
    if (why) assert_non_null(strstr(e.msg, why));
}

static void test_iso_forms(void **state) {
    (void)state;
    assert_int_equal(parse_ok("2022-01-01T00:00:00Z"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01 00:00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01 00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01T00:00:00.123Z"), T_2022_01_01 + 123);
    assert_int_equal(parse_ok("2022-01-01T00:00:00+00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01T00:00:00+0000"), T_2022_01_01);
    assert_int_equal(parse_ok("2022-01-01t00:00:00z"), T_2022_01_01);
    /* 00:00 at +07:00 is 17:00 the previous day UTC: minus 7 h = 25,200,000 ms. */
    assert_int_equal(parse_ok("2022-01-01T00:00:00+07:00"), T_2022_01_01 - 25200000LL);
    assert_int_equal(parse_ok("2022-01-01T00:00:00+07"), T_2022_01_01 - 25200000LL);
    /* -05:00 is 05:00 UTC: plus 18,000,000 ms. */
    assert_int_equal(parse_ok("2022-01-01T00:00:00-05:00"), T_2022_01_01 + 18000000LL);
    /* +05:30 = 19,800,000 ms. */
    assert_int_equal(parse_ok("2022-01-01T00:00:00+0530"), T_2022_01_01 - 19800000LL);
    assert_int_equal(parse_ok("2022-01-01 00:00:00 +00:00"), T_2022_01_01);
    /* 2022-01-01 13:45:30 = + 13*3600 + 45*60 + 30 = 49,530 s. */
    assert_int_equal(parse_ok("2022-01-01 13:45:30"), T_2022_01_01 + 49530000LL);
}

static void test_fractions(void **state) {
    (void)state;
    assert_int_equal(parse_ok("2022-01-01 00:00:00.5"), T_2022_01_01 + 500);
    assert_int_equal(parse_ok("2022-01-01 00:00:00.05"), T_2022_01_01 + 50);
    assert_int_equal(parse_ok("2022-01-01 00:00:00.001000"), T_2022_01_01 + 1);
    assert_int_equal(parse_ok("2022-01-01 00:00:00.999999999"), T_2022_01_01 + 999);
    assert_int_equal(parse_ok("2022-01-01T00:00:00.250+01:00"), T_2022_01_01 + 250 - 3600000LL);
    parse_fails("2022-01-01 00:00:00.1234567890", "fractional");
    parse_fails("2022-01-01 00:00:00.", "fractional");
}

static void test_vendor_forms(void **state) {
    (void)state;
    /* MetaTrader */
    assert_int_equal(parse_ok("2022.01.01 00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022.01.01,00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022.01.01"), T_2022_01_01);
    /* HistData: "YYYYMMDD HHMMSS", tick files add milliseconds. 2022-01-02
     * 17:00:14.260 = +1 day (86,400,000) + 17 h (61,200,000) + 14,260 ms. */
    assert_int_equal(parse_ok("20220101 000000"), T_2022_01_01);
    assert_int_equal(parse_ok("20220102 170014260"), T_2022_01_01 + 86400000LL + 61200000LL + 14260LL);
    assert_int_equal(parse_ok("20220101 00:00:00"), T_2022_01_01);
    assert_int_equal(parse_ok("2022/01/01 00:00:00"), T_2022_01_01);
}

static void test_epoch_numbers(void **state) {
    (void)state;
    assert_int_equal(parse_ok("1640995200"), T_2022_01_01);            /* seconds      */
    assert_int_equal(parse_ok("1640995200000"), T_2022_01_01);         /* milliseconds */
    assert_int_equal(parse_ok("1640995200000000"), T_2022_01_01);      /* microseconds */
    assert_int_equal(parse_ok("1640995200000000000"), T_2022_01_01);   /* nanoseconds  */
    assert_int_equal(parse_ok("1640995200123999"), T_2022_01_01 + 123); /* us truncate */
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("-1"), -1000);
    /* 99,999,999,999 is still seconds (< 1e11); 100,000,000,000 is ms. */
    assert_int_equal(parse_ok("99999999999"), 99999999999000LL);
    assert_int_equal(parse_ok("100000000000"), 100000000000LL);
    parse_fails("12345678901234567890", NULL); /* 20 digits */
    parse_fails("-", NULL);
}

static void test_real_samples(void **state) {
    (void)state;
    /* Rows copied from the sample data files (see /work/shared/data/PROVENANCE.md). */
    /* forex/EURUSD-1h.csv switches from Z to +07:00 stamps; 15:00+07:00 is
     * 08:00Z, exactly one hour after the previous row 07:00Z.
     * 2021-03-30: 2021-01-01 is 51*365 + 13 = 18628 days; Jan 31 + Feb 28 +
     * 29 days of March = 88 -> 18716 days = 1,617,062,400 s; + 8 h
     * (28,800 s) = 1,617,091,200 s. */
    int64_t a = parse_ok("2021-03-30T07:00:00Z");
    int64_t b = parse_ok("2021-03-30T15:00:00+07:00");
    assert_int_equal(b, 1617091200000LL);
    assert_int_equal(b - a, PR_MS_PER_HOUR);
    /* crypto/BTCUSDT-funding-8h.csv: 2024-07-20 = 19723 + (31+29+31+30+31+30)
     * + 19 = 19924 days = 1,721,433,600 s, plus 1 ms of Binance jitter. */
    assert_int_equal(parse_ok("2024-07-20 00:00:00.001000"), 1721433600001LL);
    /* stocks/SPY-5m.csv: 2024-03-26 = 19723 + 31 + 29 + 25 = 19808 days =
     * 1,711,411,200 s; 13:30 adds 48,600 s -> 1,711,459,800 s. */
    assert_int_equal(parse_ok("2024-03-26 13:30:00+00:00"), 1711459800000LL);
    /* stocks/AAPL-1d.csv: 2000-01-01 is 30*365 + 7 = 10957 days; +2 days. */
    assert_int_equal(parse_ok("2000-01-03"), 10959LL * PR_MS_PER_DAY);
    /* crypto/BTCUSDT-1h.csv */
    assert_int_equal(parse_ok("2022-01-01 01:00:00"), T_2022_01_01 + PR_MS_PER_HOUR);
    /* SOLUSDT-1h.csv has CRLF line ends; fields may be quoted. */
    assert_int_equal(parse_ok("2022-01-01 00:00:00\r"), T_2022_01_01);
    assert_int_equal(parse_ok("\"2022-01-01 00:00:00\""), T_2022_01_01);
    assert_int_equal(parse_ok("  '2022-01-01T00:00:00Z'  "), T_2022_01_01);
}

static void test_bounded_length(void **state) {
    (void)state;
    /* A CSV line: only the first field is parsed. */
    const char *line = "2022-01-01 00:00:00,46216.93,46731.39";
    int64_t t = 0;
    assert_int_equal(pr_time_parse(line, 19, &t, NULL), PR_OK);
    assert_int_equal(t, T_2022_01_01);
    assert_int_equal(pr_time_parse("1640995200999", 10, &t, NULL), PR_OK);
    assert_int_equal(t, T_2022_01_01);
    assert_int_equal(pr_time_parse(line, (size_t)-1, &t, NULL), PR_EPARSE);
}

static void test_invalid(void **state) {
    (void)state;
    parse_fails("2022-13-01", "month");
    parse_fails("2022-00-10", "month");
    parse_fails("2024-02-30", "day");
    parse_fails("2023-02-29", "day"); /* 2023 is not a leap year */
    parse_fails("1900-02-29", "day"); /* divisible by 100, not by 400 */
    parse_ok("2000-02-29");           /* divisible by 400: leap */
    parse_ok("2024-02-29");
    parse_fails("2022-04-31", "day");
    parse_fails("2022-01-01 25:00:00", "hour");
    parse_fails("2022-01-01 24:00", "hour");
    parse_fails("2022-01-01 23:60", "minute");
    parse_fails("2022-01-01 23:59:60", "second");
    parse_fails("2022-01-01T00:00:00+25:00", "offset");
    parse_fails("2022-01-01T00:00:00+07:0", "offset");
    parse_fails("2022-01-01T00:00:00Zjunk", "trailing");
    parse_fails("2022-1-01", NULL);
    parse_fails("2022-01-01X00:00", NULL);
    parse_fails("abc", NULL);
    parse_fails("null", NULL);
    parse_fails("", "empty");
    parse_fails("   ", "empty");
    parse_fails("2022-01-01 1", NULL);
    parse_fails("2022-01-01 12:3", NULL);
    parse_fails("2022-01-01 12:30:", NULL);
    /* Error message quotes the text. */
    pr_err e;
    pr_err_clear(&e);
    int64_t t;
    assert_int_equal(pr_time_parse("2022-13-01 00:00:00", (size_t)-1, &t, &e), PR_EPARSE);
    assert_non_null(strstr(e.msg, "\"2022-13-01 00:00:00\""));
    /* NULL err is allowed. */
    assert_int_equal(pr_time_parse("bad", (size_t)-1, &t, NULL), PR_EPARSE);
}

static void test_civil(void **state) {
    (void)state;
    assert_int_equal(pr_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(pr_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(pr_days_from_civil(2022, 1, 1), 18993);
    /* 2000-03-01: 10957 + 31 + 29 = 11017. */
    assert_int_equal(pr_days_from_civil(2000, 3, 1), 11017);
    /* 1600-01-01: 370 years before 1970 with 90 leap years between
     * (1600..1968 divisible by 4: 93, minus 1700, 1800, 1900): 370*365 + 90 =
     * 135140 days. */
    assert_int_equal(pr_days_from_civil(1600, 1, 1), -135140);
    int y;
    unsigned m, d;
    pr_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    pr_civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    /* Round trip over 1900..2100. */
    for (int64_t z = -25567; z < 47482; z += 7) {
        pr_civil_from_days(z, &y, &m, &d);
        assert_int_equal(pr_days_from_civil(y, m, d), z);
    }
    int64_t t;
    assert_int_equal(pr_time_make(2022, 1, 1, 0, 0, 0, &t), PR_OK);
    assert_int_equal(t, T_2022_01_01);
    assert_int_equal(pr_time_make(2022, 2, 29, 0, 0, 0, &t), PR_EINVAL);
    assert_int_equal(pr_time_make(2022, 1, 1, 24, 0, 0, &t), PR_EINVAL);
}

static void test_weekday(void **state) {
    (void)state;
    assert_int_equal(pr_weekday(0), 3);                 /* 1970-01-01 Thursday */
    assert_int_equal(pr_weekday(-1), 2);                /* 1969-12-31 Wednesday */
    assert_int_equal(pr_weekday(T_2022_01_01), 5);      /* Saturday */
    assert_int_equal(pr_weekday(1711459800000LL), 1);   /* 2024-03-26 Tuesday */
    assert_int_equal(pr_weekday(T_2022_01_01 + 2 * PR_MS_PER_DAY), 0); /* Monday 3rd */
}

static void test_format(void **state) {
    (void)state;
    char buf[64];
    assert_int_equal(pr_time_format_iso(T_2022_01_01, buf, sizeof buf), 20);
    assert_string_equal(buf, "2022-01-01T00:00:00Z");
    pr_time_format_iso(1721433600001LL, buf, sizeof buf);
    assert_string_equal(buf, "2024-07-20T00:00:00.001Z");
    pr_time_format(1721433600001LL, buf, sizeof buf);
    assert_string_equal(buf, "2024-07-20 00:00:00.001");
    pr_time_format(1711459800000LL, buf, sizeof buf);
    assert_string_equal(buf, "2024-03-26 13:30:00");
    pr_time_format(-1000, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 23:59:59");
    pr_time_format(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 23:59:59.999");
    pr_time_format_iso(PR_TIME_NONE, buf, sizeof buf);
    assert_string_equal(buf, "none");
    /* Truncation always NUL-terminates. */
    char small[8];
    assert_int_equal(pr_time_format(T_2022_01_01, small, sizeof small), 7);
    assert_string_equal(small, "2022-01");
    /* Formatting and parsing agree. */
    int64_t t;
    pr_time_format_iso(1617091200123LL, buf, sizeof buf);
    assert_int_equal(pr_time_parse(buf, (size_t)-1, &t, NULL), PR_OK);
    assert_int_equal(t, 1617091200123LL);
}

/* The memoised formatter gives pr_time_format_iso's text whatever order the
 * times come in: within a day, across midnight (both ways), before 1970,
 * with milliseconds, and for a year too wide for the memo (the plain
 * formatter's truncated text). Expected texts written out by hand. */
static void test_format_memo(void **state) {
    (void)state;
    static const struct { int64_t ms; const char *text; } k[] = {
        {1640995200000LL, "2022-01-01T00:00:00Z"},
        {1641081599000LL, "2022-01-01T23:59:59Z"},
        {1641081599999LL, "2022-01-01T23:59:59.999Z"},
        {1641081600000LL, "2022-01-02T00:00:00Z"},      /* midnight: the next day */
        {1640995200001LL, "2022-01-01T00:00:00.001Z"},  /* back a day            */
        {-1LL, "1969-12-31T23:59:59.999Z"},
        {-86400000LL, "1969-12-31T00:00:00Z"},
        {0LL, "1970-01-01T00:00:00Z"},
        {PR_TIME_NONE, "none"},
        {1721433600001LL, "2024-07-20T00:00:00.001Z"},
        {253402300799000LL, "9999-12-31T23:59:59Z"},
        {253402300800000LL, "10000-01-01T00:00:00Z"},
        {-62198755200000LL, "-1-01-01T00:00:00Z"},
        {1721433600001LL, "2024-07-20T00:00:00.001Z"},
    };
    pr_iso_memo memo = {0};
    char out[PR_TIME_STR_MAX], plain[PR_TIME_STR_MAX];
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        size_t n = pr_time_format_iso_memo(k[i].ms, &memo, out);
        assert_string_equal(out, k[i].text);
        assert_int_equal(n, strlen(k[i].text));
    }
    /* Far years: what pr_time_format_iso gives in PR_TIME_STR_MAX bytes. */
    const int64_t far[] = {INT64_C(4611686018427387903), -INT64_C(4611686018427387903), 1};
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        size_t n = pr_time_format_iso_memo(far[i], &memo, out);
        assert_int_equal(n, pr_time_format_iso(far[i], plain, sizeof plain));
        assert_string_equal(out, plain);
    }
}

static void test_now(void **state) {
    (void)state;
    int64_t now = pr_time_now_ms();
    /* After 2024-01-01 and before 2100-01-01. */
    assert_true(now > D_2024_01_01 * PR_MS_PER_DAY);
    assert_true(now < 4102444800000LL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_forms),    cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_vendor_forms), cmocka_unit_test(test_epoch_numbers),
        cmocka_unit_test(test_real_samples), cmocka_unit_test(test_bounded_length),
        cmocka_unit_test(test_invalid),      cmocka_unit_test(test_civil),
        cmocka_unit_test(test_weekday),      cmocka_unit_test(test_format),
        cmocka_unit_test(test_now),          cmocka_unit_test(test_format_memo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
