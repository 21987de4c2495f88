/* Tests of the trading calendars and gap detection. References: published
 * Easter dates, the NYSE holiday lists for 2021-2025 (nyse.com, "Holidays &
 * Trading Hours"), the US DST change instants, and the real sample files
 * (every weekday a real Yahoo series skips must be an NYSE holiday, and the
 * gaps PROVENANCE.md lists for SOLUSDT and EURUSD). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proratio/data/calendar.h"
#include "proratio/data/import.h"
#include "pr_test.h"

#define H PR_MS_PER_HOUR
#define M PR_MS_PER_MIN

static int64_t at(int y, int mo, int d, int h, int mi) {
    int64_t t;
    assert_int_equal(pr_time_make(y, mo, d, h, mi, 0, &t), 0);
    return t;
}

static void load(const char *rel, pr_series *s) {
    char p[512];
    pr_err e;
    pr_err_clear(&e);
    memset(s, 0, sizeof *s);
    if (pr_import_csv_series(pr_test_path(rel, p, sizeof p), NULL, s, NULL, &e)) fail_msg("%s: %s", rel, e.msg);
}

static void test_easter(void **state) {
    (void)state;
    static const int known[][3] = {{2000, 4, 23}, {2008, 3, 23}, {2011, 4, 24}, {2019, 4, 21}, {2024, 3, 31},
                                   {2025, 4, 20}, {1818, 3, 22}, {2285, 3, 22}, {2038, 4, 25}, {1943, 4, 25}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        int m, d;
        pr_easter_sunday(known[i][0], &m, &d);
        if (m != known[i][1] || d != known[i][2]) fail_msg("%d: %d-%d", known[i][0], m, d);
    }
}

/* NYSE full-day closures per year, as published by the exchange. */
static void test_nyse_holidays(void **state) {
    (void)state;
    static const struct { int y; int n; int md[12][2]; } years[] = {
        {2021, 9, {{1, 1}, {1, 18}, {2, 15}, {4, 2}, {5, 31}, {7, 5}, {9, 6}, {11, 25}, {12, 24}}},
        {2022, 9, {{1, 17}, {2, 21}, {4, 15}, {5, 30}, {6, 20}, {7, 4}, {9, 5}, {11, 24}, {12, 26}}},
        {2023, 10, {{1, 2}, {1, 16}, {2, 20}, {4, 7}, {5, 29}, {6, 19}, {7, 4}, {9, 4}, {11, 23}, {12, 25}}},
        {2024, 10, {{1, 1}, {1, 15}, {2, 19}, {3, 29}, {5, 27}, {6, 19}, {7, 4}, {9, 2}, {11, 28}, {12, 25}}},
        {2025, 11, {{1, 1}, {1, 9}, {1, 20}, {2, 17}, {4, 18}, {5, 26}, {6, 19}, {7, 4}, {9, 1}, {11, 27}, {12, 25}}},
    };
    for (size_t k = 0; k < sizeof years / sizeof years[0]; k++) {
        int found = 0;
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                const char *h = pr_nyse_holiday(years[k].y, m, d);
                int listed = 0;
                for (int i = 0; i < years[k].n; i++) listed |= years[k].md[i][0] == m && years[k].md[i][1] == d;
                if (!!h != listed) fail_msg("%d-%02d-%02d: holiday %s, listed %d", years[k].y, m, d, h ? h : "no", listed);
                found += h != NULL;
            }
        assert_int_equal(found, years[k].n);
    }
    assert_non_null(pr_nyse_holiday(2001, 9, 11));
    assert_non_null(pr_nyse_holiday(2001, 9, 14));
    assert_non_null(pr_nyse_holiday(2012, 10, 30));
    assert_non_null(pr_nyse_holiday(2018, 12, 5));
    assert_non_null(pr_nyse_holiday(2007, 1, 2));
    assert_non_null(pr_nyse_holiday(2004, 6, 11));
    assert_string_equal(pr_nyse_holiday(2024, 3, 29), "Good Friday");
    assert_null(pr_nyse_holiday(1997, 1, 20)); /* MLK Day only from 1998 */
    assert_non_null(pr_nyse_holiday(1998, 1, 19));
    assert_null(pr_nyse_holiday(2021, 6, 18)); /* Juneteenth only from 2022 */
    assert_false(pr_nyse_is_trading_day(2024, 3, 30)); /* Saturday */
    assert_true(pr_nyse_is_trading_day(2024, 3, 28));
    assert_true(pr_nyse_is_early_close(2024, 7, 3));
    assert_true(pr_nyse_is_early_close(2024, 11, 29));
    assert_true(pr_nyse_is_early_close(2024, 12, 24));
    assert_false(pr_nyse_is_early_close(2024, 7, 5));
    assert_false(pr_nyse_is_early_close(2021, 12, 24)); /* that day was the Christmas holiday */
}

static void test_dst(void **state) {
    (void)state;
    /* 2024: DST from 2024-03-10 07:00 UTC to 2024-11-03 06:00 UTC. */
    assert_int_equal(pr_us_eastern_offset_min(at(2024, 3, 10, 6, 59)), -300);
    assert_int_equal(pr_us_eastern_offset_min(at(2024, 3, 10, 7, 0)), -240);
    assert_int_equal(pr_us_eastern_offset_min(at(2024, 11, 3, 5, 59)), -240);
    assert_int_equal(pr_us_eastern_offset_min(at(2024, 11, 3, 6, 0)), -300);
    /* The 1987-2006 rule: first Sunday of April to last Sunday of October. */
    assert_int_equal(pr_us_eastern_offset_min(at(2006, 3, 20, 12, 0)), -300);
    assert_int_equal(pr_us_eastern_offset_min(at(2006, 4, 2, 7, 0)), -240);
    assert_int_equal(pr_us_eastern_offset_min(at(2006, 10, 29, 5, 59)), -240);
    assert_int_equal(pr_us_eastern_offset_min(at(2006, 10, 29, 6, 0)), -300);
}

static void test_bar_expected(void **state) {
    (void)state;
    pr_closure why;
    /* forex: Friday 20:00 -> Sunday 23:00 UTC is closed. */
    assert_true(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2024, 3, 22, 19, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2024, 3, 22, 20, 0), &why));
    assert_int_equal(why, PR_CLOSED_WEEKEND);
    assert_false(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2024, 3, 24, 22, 0), &why));
    assert_true(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2024, 3, 24, 23, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2019, 12, 25, 12, 0), &why));
    assert_int_equal(why, PR_CLOSED_HOLIDAY);
    assert_true(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2019, 12, 24, 16, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1H, at(2019, 12, 24, 17, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1D, at(2024, 3, 24, 0, 0), &why)); /* Sunday */
    assert_true(pr_calendar_bar_expected(PR_CAL_FOREX, PR_TF_1D, at(2024, 3, 22, 0, 0), &why));  /* Friday */
    /* NYSE session 09:30-16:00 ET: 13:30 UTC in summer, 14:30 UTC in winter. */
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 3, 26, 13, 30), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 3, 26, 13, 25), &why));
    assert_int_equal(why, PR_CLOSED_SESSION);
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 3, 26, 19, 55), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 3, 26, 20, 0), &why));
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 1, 5, 14, 30), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 1, 5, 14, 25), &why));
    /* Early close 13:00 ET on 2024-07-03 (EDT): 16:55 UTC required, 17:00 not. */
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 7, 3, 16, 55), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 7, 3, 17, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_5M, at(2024, 3, 29, 14, 0), &why));
    assert_int_equal(why, PR_CLOSED_HOLIDAY);
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_1D, at(2024, 3, 30, 0, 0), &why));
    assert_int_equal(why, PR_CLOSED_WEEKEND);
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_1D, at(2024, 3, 28, 0, 0), &why));
    /* A 1h bar half inside the session (09:00-10:00 ET) is expected. */
    assert_true(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_1H, at(2024, 3, 26, 13, 0), &why));
    assert_false(pr_calendar_bar_expected(PR_CAL_US_STOCK, PR_TF_1H, at(2024, 3, 26, 12, 0), &why));
    assert_true(pr_calendar_bar_expected(PR_CAL_24X7, PR_TF_1H, at(2024, 3, 30, 3, 0), &why));
    /* Open time: 6.5 h on a normal day, 3.5 h on an early close; a forex
     * week loses 4 h on Friday, all of Saturday and 23 h on Sunday. */
    assert_true(pr_calendar_open_ms(PR_CAL_US_STOCK, at(2024, 3, 26, 0, 0), at(2024, 3, 27, 0, 0)) == 6 * H + 30 * M);
    assert_true(pr_calendar_open_ms(PR_CAL_US_STOCK, at(2024, 7, 3, 0, 0), at(2024, 7, 4, 0, 0)) == 3 * H + 30 * M);
    assert_true(pr_calendar_open_ms(PR_CAL_FOREX, at(2024, 3, 18, 0, 0), at(2024, 3, 25, 0, 0)) == 117 * H);
    assert_true(pr_calendar_open_ms(PR_CAL_24X7, 0, 5 * H) == 5 * H);
}

/* Every weekday between KO's first and last bar is present exactly when the
 * calendar calls it a trading day: 24 years of a real exchange record. */
static void test_ko_trading_days(void **state) {
    (void)state;
    pr_series s;
    load("data/sample/stocks/KO-1d.csv", &s);
    size_t k = 0, trading = 0;
    for (int64_t t = s.ts[0]; t <= s.ts[s.len - 1]; t += PR_MS_PER_DAY) {
        int y;
        unsigned m, d;
        pr_civil_from_days(t / PR_MS_PER_DAY, &y, &m, &d);
        int present = k < s.len && s.ts[k] == t;
        int td = pr_nyse_is_trading_day(y, (int)m, (int)d);
        if (present != td) fail_msg("%d-%02u-%02u: present %d, trading day %d", y, m, d, present, td);
        trading += (size_t)td;
        k += (size_t)present;
    }
    assert_int_equal(k, s.len);
    assert_int_equal(trading, 6084);
    size_t n_gaps = 99, missing = 99;
    assert_int_equal(pr_find_gaps(s.ts, s.len, PR_TF_1D, PR_CAL_US_STOCK, 0, NULL, 0, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 0);
    assert_int_equal(missing, 0);

    /* Remove Friday 2024-01-12 (before MLK Day, Monday 01-15): one missing
     * bar, inside an absence of four days (two weekend days, one holiday). */
    size_t idx = pr_series_lower_bound(&s, at(2024, 1, 12, 0, 0));
    assert_true(s.ts[idx] == at(2024, 1, 12, 0, 0));
    memmove(s.ts + idx, s.ts + idx + 1, (s.len - idx - 1) * sizeof *s.ts);
    pr_gap g[4];
    assert_int_equal(pr_find_gaps(s.ts, s.len - 1, PR_TF_1D, PR_CAL_US_STOCK, 0, g, 4, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 1);
    assert_int_equal(missing, 1);
    assert_true(g[0].missing_from == at(2024, 1, 12, 0, 0) && g[0].missing_to == g[0].missing_from);
    assert_true(g[0].from == at(2024, 1, 12, 0, 0) && g[0].to == at(2024, 1, 15, 0, 0));
    assert_int_equal(g[0].closed_weekend, 2);
    assert_int_equal(g[0].closed_holiday, 1);
    assert_int_equal(g[0].kind, PR_GAP_MISSING);
    assert_int_equal(pr_calendar_infer(s.ts, s.len, PR_TF_1D), PR_CAL_US_STOCK);
    pr_series_free(&s);
}

/* PROVENANCE: "Weekend breaks only, plus 2 holiday gaps: 2019-12-24 19:00 ->
 * 12-26 06:00 and 2019-12-31 19:00 -> 2020-01-02 06:00 (68 bars)". The
 * forex calendar expects them (closures, not defects); the 2020 Christmas and
 * New Year breaks run into weekends, which is why PROVENANCE does not count
 * them as holiday gaps. */
static void test_eurusd_closures(void **state) {
    (void)state;
    pr_series s;
    load("data/sample/forex/EURUSD-1h.csv", &s);
    assert_int_equal(pr_calendar_infer(s.ts, s.len, PR_TF_1H), PR_CAL_FOREX);
    size_t n_gaps, missing;
    assert_int_equal(pr_find_gaps(s.ts, s.len, PR_TF_1H, PR_CAL_FOREX, 0, NULL, 0, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 0);
    pr_gap *g = calloc(1000, sizeof *g);
    assert_int_equal(pr_find_gaps(s.ts, s.len, PR_TF_1H, PR_CAL_FOREX, PR_GAPS_ALL, g, 1000, &n_gaps, &missing), 0);
    assert_true(n_gaps > 150 && n_gaps < 1000);
    size_t holiday_only = 0, bars = 0, weekend = 0;
    for (size_t i = 0; i < n_gaps; i++) {
        assert_int_equal(g[i].missing, 0);
        if (g[i].kind == PR_GAP_WEEKEND) weekend++;
        if (g[i].kind != PR_GAP_HOLIDAY || g[i].closed_weekend) continue;
        holiday_only++;
        bars += g[i].closed_holiday;
        int64_t before = s.ts[g[i].index - 1], after = s.ts[g[i].index];
        if (holiday_only == 1) assert_true(before == at(2019, 12, 24, 19, 0) && after == at(2019, 12, 26, 6, 0));
        if (holiday_only == 2) assert_true(before == at(2019, 12, 31, 19, 0) && after == at(2020, 1, 2, 6, 0));
    }
    assert_int_equal(holiday_only, 2);
    assert_int_equal(bars, 68);
    assert_int_equal(weekend + 4, n_gaps); /* plus the two 2020 holiday+weekend breaks */
    free(g);
    pr_series_free(&s);
}

/* PROVENANCE lists SOLUSDT-1h's gaps; the sample keeps up to 2021-12-31,
 * which holds the first nine of them (19 missing bars). */
static void test_sol_gaps(void **state) {
    (void)state;
    pr_series s;
    load("data/sample/crypto/SOLUSDT-1h.csv", &s);
    static const int want[9][5] = {{2020, 11, 30, 6, 1}, {2020, 12, 21, 14, 4}, {2020, 12, 25, 2, 1},
                                   {2021, 2, 11, 4, 1},  {2021, 3, 6, 2, 1},    {2021, 4, 20, 2, 2},
                                   {2021, 4, 25, 5, 3},  {2021, 8, 13, 2, 4},   {2021, 9, 29, 7, 2}};
    pr_gap g[16];
    size_t n_gaps, missing;
    assert_int_equal(pr_find_gaps(s.ts, s.len, PR_TF_1H, PR_CAL_AUTO, 0, g, 16, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 9);
    assert_int_equal(missing, 19);
    for (int i = 0; i < 9; i++) {
        assert_true(g[i].from == at(want[i][0], want[i][1], want[i][2], want[i][3], 0));
        assert_int_equal(g[i].missing, (size_t)want[i][4]);
        assert_true(g[i].to == g[i].from + (want[i][4] - 1) * H);
    }
    pr_series_free(&s);
}

static void test_intraday_stock_gaps(void **state) {
    (void)state;
    /* Two sessions of 5m bars (2024-03-26 and -27, EDT: 13:30-19:55 UTC)
     * with the 15:00 bar of the first day missing. */
    int64_t ts[200];
    size_t n = 0;
    for (int day = 26; day <= 27; day++)
        for (int64_t t = at(2024, 3, day, 13, 30); t < at(2024, 3, day, 20, 0); t += 5 * M)
            if (t != at(2024, 3, 26, 15, 0)) ts[n++] = t;
    assert_int_equal(n, 155);
    pr_gap g[4];
    size_t n_gaps, missing;
    assert_int_equal(pr_find_gaps(ts, n, PR_TF_5M, PR_CAL_US_STOCK, PR_GAPS_ALL, g, 4, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 2);
    assert_int_equal(missing, 1);
    assert_true(g[0].from == at(2024, 3, 26, 15, 0) && g[0].kind == PR_GAP_MISSING);
    assert_int_equal(g[1].kind, PR_GAP_SESSION); /* overnight: 20:00 -> 13:25 next day */
    assert_int_equal(g[1].closed_session, (size_t)(17 * 12 + 6));
    /* The real SPY 5m sample (Mar-Jul 2024, incl. the 16:00 ET bar and the
     * Jul 3 early close) has no gap in its sessions. */
    pr_series s;
    load("data/sample/stocks/SPY-5m.csv", &s);
    assert_int_equal(pr_find_gaps(s.ts, s.len, PR_TF_5M, PR_CAL_US_STOCK, 0, NULL, 0, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 0);
    assert_int_equal(pr_calendar_infer(s.ts, s.len, PR_TF_5M), PR_CAL_US_STOCK);
    pr_series_free(&s);
}

/* Found by fuzzing the CSV import (tests/fuzz/corpus/csv_import/
 * crash-gap-centuries): a gap of centuries in intraday bars on a forex or
 * stock calendar was scanned bar by bar, 158 million bars for a typo'd year
 * in a 1m file, seconds per gap and minutes for a small hostile file. Whole
 * days are now counted per kind of day. The counts are checked by hand:
 *  - Tue 2024-03-05 00:00 -> Thu 2024-03-07 00:00, forex 1h: the 47 bars
 *    Tue 01:00 .. Wed 23:00 are all weekday bars, all missing;
 *  - 1900-01-01 -> 2199-12-31 00:00, 1m: 300 years hold 300*365 + 73 leap
 *    days (75 multiples of 4 in 1900..2196, less 1900 and 2100) = 109573
 *    days to 2200-01-01, so 109572 days and 109572*1440 - 1 absent bars, each
 *    either missing or closed; CPU time bounded (was ~0.5 s per scan in a
 *    Release build, 100x more than the bound per scan below). */
static void test_long_gap_by_day(void **state) {
    (void)state;
    pr_gap g[2];
    size_t n_gaps, missing;
    int64_t two[2] = {at(2024, 3, 5, 0, 0), at(2024, 3, 7, 0, 0)};
    assert_int_equal(pr_find_gaps(two, 2, PR_TF_1H, PR_CAL_FOREX, 0, g, 2, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 1);
    assert_int_equal(missing, 47);
    assert_true(g[0].missing_from == at(2024, 3, 5, 1, 0) && g[0].missing_to == at(2024, 3, 6, 23, 0));
    assert_true(g[0].from == at(2024, 3, 5, 1, 0) && g[0].to == at(2024, 3, 6, 23, 0));

    int64_t ends[2] = {at(1900, 1, 1, 0, 0), at(2199, 12, 31, 0, 0)};
    const size_t absent = (size_t)109572 * 1440 - 1;
    pr_calendar cals[2] = {PR_CAL_FOREX, PR_CAL_US_STOCK};
    clock_t c0 = clock();
    for (int i = 0; i < 10; i++) {
        assert_int_equal(pr_find_gaps(ends, 2, PR_TF_1M, cals[i % 2], PR_GAPS_ALL, g, 2, &n_gaps, &missing), 0);
        assert_int_equal(n_gaps, 1);
        assert_int_equal(g[0].missing + g[0].closed_weekend + g[0].closed_holiday + g[0].closed_session, absent);
        assert_true(g[0].from == ends[0] + M && g[0].to == ends[1] - M);
        /* Forex is open 5 of 7 days; NYSE 6.5 of 24 hours on ~252 days a year. */
        if (i % 2 == 0) assert_true(g[0].missing > absent / 2 && g[0].closed_weekend > absent / 5);
        else assert_true(g[0].missing > absent / 8 && g[0].missing < absent / 4 && g[0].closed_session > absent / 2);
    }
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (cpu > 2.5) fail_msg("10 scans of a 300-year 1m gap took %.2f s of CPU (bound 2.5 s)", cpu);
}

static void test_gap_args(void **state) {
    (void)state;
    int64_t ts[3] = {0, 2 * H, H};
    size_t n_gaps;
    assert_int_equal(pr_find_gaps(ts, 3, PR_TF_1H, PR_CAL_24X7, 0, NULL, 0, &n_gaps, NULL), PR_EINVAL);
    assert_int_equal(pr_find_gaps(ts, 2, PR_TF_NONE, PR_CAL_24X7, 0, NULL, 0, &n_gaps, NULL), PR_EINVAL);
    /* Duplicates are ignored; off-grid stamps are floored. */
    int64_t t2[4] = {0, 0, 3 * H + 5 * M, 4 * H};
    size_t missing;
    pr_gap g;
    assert_int_equal(pr_find_gaps(t2, 4, PR_TF_1H, PR_CAL_24X7, 0, &g, 1, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 1);
    assert_int_equal(missing, 2);
    assert_true(g.from == H && g.to == 2 * H);
    /* More gaps than room: counted, not written. */
    int64_t t3[4] = {0, 2 * H, 4 * H, 6 * H};
    assert_int_equal(pr_find_gaps(t3, 4, PR_TF_1H, PR_CAL_24X7, 0, &g, 1, &n_gaps, &missing), 0);
    assert_int_equal(n_gaps, 3);
    assert_true(g.from == H);
    pr_calendar c;
    assert_int_equal(pr_calendar_parse("nyse", &c), 0);
    assert_int_equal(c, PR_CAL_US_STOCK);
    assert_string_equal(pr_calendar_name(PR_CAL_FOREX), "forex");
    assert_int_equal(pr_calendar_for_asset(PR_ASSET_CRYPTO), PR_CAL_24X7);
    pr_series s;
    load("data/sample/crypto/BTCUSDT-1h.csv", &s);
    assert_int_equal(pr_calendar_infer(s.ts, s.len, PR_TF_1H), PR_CAL_24X7);
    assert_int_equal(pr_calendar_infer(s.ts, 100, PR_TF_1H), PR_CAL_24X7); /* 4 days: cannot tell */
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),          cmocka_unit_test(test_nyse_holidays),
        cmocka_unit_test(test_dst),             cmocka_unit_test(test_bar_expected),
        cmocka_unit_test(test_ko_trading_days), cmocka_unit_test(test_eurusd_closures),
        cmocka_unit_test(test_sol_gaps),        cmocka_unit_test(test_intraday_stock_gaps),
        cmocka_unit_test(test_gap_args),        cmocka_unit_test(test_long_gap_by_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
