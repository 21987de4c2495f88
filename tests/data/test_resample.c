/* Tests of resampling: hand-computed buckets, alignment of 4h/week/month
 * buckets, the incomplete last bucket, coverage against the calendar, and
 * the real data: BTCUSDT 1m bars resampled to 1h must reproduce the
 * exchange's own 1h bars (BTCUSDT-1h.csv, an independent download). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proratio/data/import.h"
#include "proratio/data/resample.h"
#include "pr_test.h"

#define H PR_MS_PER_HOUR
#define M PR_MS_PER_MIN
#define D PR_MS_PER_DAY

static int64_t at(int y, int mo, int d, int h, int mi) {
    int64_t t;
    assert_int_equal(pr_time_make(y, mo, d, h, mi, 0, &t), 0);
    return t;
}

static void load_abs(const char *p, pr_series *s) {
    pr_err e;
    pr_err_clear(&e);
    memset(s, 0, sizeof *s);
    if (pr_import_csv_series(p, NULL, s, NULL, &e)) fail_msg("%s: %s", p, e.msg);
}

static void load(const char *rel, pr_series *s) {
    char p[512];
    load_abs(pr_test_path(rel, p, sizeof p), s);
}

/* Bar i: open 10+i, high 12+i, low 9+i, close 11+i, volume 1+i, one minute apart. */
static void minute_bars(pr_series *s, int n, int skip) {
    pr_series_init(s, (size_t)n);
    for (int i = 0; i < n; i++)
        if (i != skip) pr_series_push(s, (int64_t)i * M, 10 + i, 12 + i, 9 + i, 11 + i, 1 + i);
    s->tf = PR_TF_1M;
}

/* complete_only (issue #8): a bucket short of source bars is left out, so
 * a partial bar is never stored. 15 minutes with minute 7 missing: buckets
 * 00:00 (5 bars), 00:05 (4 of 5: left out), 00:10 (5 bars). */
static void test_complete_only(void **state) {
    (void)state;
    pr_series in, out = {0};
    pr_resample_report rep = {0};
    pr_err e;
    minute_bars(&in, 15, 7);
    pr_resample_options o = {PR_TF_5M, PR_TIME_NONE, PR_CAL_24X7, 1};
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 2);
    assert_true(out.ts[0] == 0 && out.ts[1] == 10 * M);
    /* bucket 00:10 = bars 10..14: open 20, high 26, low 19, close 25, volume 11+12+13+14+15 = 65 */
    assert_true(out.open[1] == 20 && out.high[1] == 26 && out.low[1] == 19 && out.close[1] == 25 &&
                out.volume[1] == 65);
    assert_int_equal(rep.short_buckets, 1);
    assert_int_equal(rep.dropped, 1);
    assert_int_equal(rep.missing_bars, 1);
    /* A short last bucket (minutes 10..13 of 10..14, known closed) is left
     * out too, and the output then ends complete. */
    pr_series_free(&in);
    minute_bars(&in, 14, -1);
    o.as_of = 15 * M;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 2);
    assert_true(out.ts[1] == 5 * M);
    assert_int_equal(out.last_incomplete, 0);
    assert_int_equal(rep.dropped, 1);
    pr_series_free(&in);
    pr_series_free(&out);
    pr_resample_report_free(&rep);
}

static void test_hand_computed(void **state) {
    (void)state;
    pr_series in, out = {0};
    pr_resample_report rep = {0};
    pr_err e;
    minute_bars(&in, 10, -1);
    pr_resample_options o = {PR_TF_5M, PR_TIME_NONE, PR_CAL_24X7, 0};
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 2);
    assert_int_equal(out.tf, PR_TF_5M);
    /* bucket 00:00 = bars 0..4: open 10, high max(12..16) = 16, low 9, close 15, volume 1+2+3+4+5 = 15 */
    assert_true(out.ts[0] == 0 && out.open[0] == 10 && out.high[0] == 16 && out.low[0] == 9 && out.close[0] == 15 &&
                out.volume[0] == 15);
    /* bucket 00:05 = bars 5..9: open 15, high 21, low 14, close 20, volume 6+7+8+9+10 = 40 */
    assert_true(out.ts[1] == 5 * M && out.open[1] == 15 && out.high[1] == 21 && out.low[1] == 14 &&
                out.close[1] == 20 && out.volume[1] == 40);
    assert_int_equal(out.last_incomplete, 0);
    assert_int_equal(rep.short_buckets, 0);
    assert_int_equal(rep.buckets, 2);
    pr_series_free(&in);

    /* Without the last minute the last bucket is still open... */
    minute_bars(&in, 9, -1);
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 2);
    assert_int_equal(out.last_incomplete, 1);
    assert_true(out.close[1] == 19 && out.volume[1] == 6 + 7 + 8 + 9);
    /* ...unless the caller knows the time is past its close. */
    o.as_of = 10 * M;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.last_incomplete, 0);
    o.as_of = 10 * M - 1;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.last_incomplete, 1);
    pr_series_free(&in);

    /* A missing source bar (00:02) is reported: 4 of 5 bars. */
    minute_bars(&in, 10, 2);
    o.as_of = PR_TIME_NONE;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(rep.short_buckets, 1);
    assert_int_equal(rep.missing_bars, 1);
    assert_int_equal(rep.n_list, 1);
    assert_true(rep.list[0].ts == 0 && rep.list[0].have == 4 && rep.list[0].expected == 5);
    assert_true(out.volume[0] == 1 + 2 + 4 + 5);
    pr_series_free(&in);
    pr_series_free(&out);
    pr_resample_report_free(&rep);
}

static void test_alignment(void **state) {
    (void)state;
    pr_series in, out = {0};
    pr_err e;
    /* 1h bars from 02:00 to 09:00: 4h buckets open at 00:00, 04:00, 08:00. */
    pr_series_init(&in, 8);
    for (int i = 2; i <= 9; i++) pr_series_push(&in, at(2024, 1, 3, i, 0), i, i + 1, i - 1, i, 1);
    in.tf = PR_TF_1H;
    pr_resample_report rep = {0};
    assert_int_equal(pr_resample(&in, PR_TF_4H, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(out.len, 3);
    assert_true(out.ts[0] == at(2024, 1, 3, 0, 0) && out.ts[1] == at(2024, 1, 3, 4, 0) && out.ts[2] == at(2024, 1, 3, 8, 0));
    assert_true(out.open[0] == 2 && out.close[0] == 3 && out.high[0] == 4 && out.low[0] == 1 && out.volume[0] == 2);
    assert_int_equal(out.last_incomplete, 1);
    pr_series_free(&in);

    /* 1d -> 1w: weeks open on Monday; 2024-01-03 is a Wednesday. */
    pr_series_init(&in, 16);
    for (int d = 3; d <= 16; d++) pr_series_push(&in, at(2024, 1, d, 0, 0), d, d + 1, d - 1, d, 1);
    in.tf = PR_TF_1D;
    pr_resample_options o = {PR_TF_1W, PR_TIME_NONE, PR_CAL_24X7, 0};
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 3);
    assert_true(out.ts[0] == at(2024, 1, 1, 0, 0) && out.ts[1] == at(2024, 1, 8, 0, 0) && out.ts[2] == at(2024, 1, 15, 0, 0));
    assert_true(out.open[1] == 8 && out.close[1] == 14 && out.volume[1] == 7);
    assert_int_equal(out.last_incomplete, 1);
    /* 1d -> 1M: January 2024. */
    o.to = PR_TF_1MO;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 1);
    assert_true(out.ts[0] == at(2024, 1, 1, 0, 0) && out.open[0] == 3 && out.close[0] == 16 && out.high[0] == 17);
    /* The month is not over: only Jan 1-2 (before the first bar) count as missing. */
    assert_int_equal(out.last_incomplete, 1);
    assert_int_equal(rep.missing_bars, 2);
    o.as_of = at(2024, 2, 1, 0, 0);
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.last_incomplete, 0);
    assert_int_equal(rep.missing_bars, 31 - 14);
    o.as_of = PR_TIME_NONE;

    /* Refused combinations and unsorted input. */
    in.tf = PR_TF_1W;
    o.to = PR_TF_1MO;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), PR_EINVAL);
    in.tf = PR_TF_4H;
    o.to = PR_TF_1H;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), PR_EINVAL);
    in.tf = PR_TF_1D;
    o.to = PR_TF_1D;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0); /* identity */
    assert_int_equal(out.len, in.len);
    int64_t t = in.ts[3];
    in.ts[3] = in.ts[4];
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "index 4"));
    in.ts[3] = t;
    in.tf = PR_TF_NONE; /* inferred from the stamps */
    o.to = PR_TF_1W;
    assert_int_equal(pr_resample_ex(&in, &o, &out, &rep, &e), 0);
    assert_int_equal(out.len, 3);
    pr_series_free(&in);
    pr_series_free(&out);
    pr_resample_report_free(&rep);
}

/* Compares 1h bars built from 1m bars with the exchange's 1h bars. Returns
 * the number of hours compared. */
static size_t compare_hours(const pr_series *m1, const pr_series *h1) {
    pr_series out = {0};
    pr_resample_report rep = {0};
    pr_err e;
    assert_int_equal(pr_resample(m1, PR_TF_1H, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(rep.calendar, PR_CAL_24X7);
    assert_int_equal(rep.short_buckets, 0);
    size_t compared = 0;
    for (size_t i = 0; i < out.len; i++) {
        if (i == out.len - 1 && out.last_incomplete) continue;
        size_t k = pr_series_lower_bound(h1, out.ts[i]);
        if (k >= h1->len || h1->ts[k] != out.ts[i]) continue;
        if (out.open[i] != h1->open[k] || out.high[i] != h1->high[k] || out.low[i] != h1->low[k] ||
            out.close[i] != h1->close[k])
            fail_msg("hour %zu: OHLC %.2f %.2f %.2f %.2f vs %.2f %.2f %.2f %.2f", i, out.open[i], out.high[i],
                     out.low[i], out.close[i], h1->open[k], h1->high[k], h1->low[k], h1->close[k]);
        /* Volumes are sums of 60 decimals: equal up to rounding. */
        if (fabs(out.volume[i] - h1->volume[k]) > 1e-9 * h1->volume[k])
            fail_msg("hour %zu: volume %.10f vs %.10f", i, out.volume[i], h1->volume[k]);
        compared++;
    }
    pr_series_free(&out);
    pr_resample_report_free(&rep);
    return compared;
}

static void test_btc_1m_to_1h(void **state) {
    (void)state;
    pr_series m1, h1;
    load("data/sample/crypto/BTCUSDT-1m.csv", &m1);
    load("data/sample/crypto/BTCUSDT-1h.csv", &h1);
    /* The sample holds 2025-01-01 03:00 .. 2025-01-15 02:59: 14 days of whole hours. */
    assert_int_equal(compare_hours(&m1, &h1), 14 * 24);
    pr_series out = {0};
    pr_resample_report rep = {0};
    pr_err e;
    assert_int_equal(pr_resample(&m1, PR_TF_1H, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(out.last_incomplete, 0);
    /* To days: 2025-01-01 starts at 03:00 (short: 1260 of 1440 minutes);
     * 2025-01-15 holds three hours, so it is incomplete, which is not short. */
    assert_int_equal(pr_resample(&m1, PR_TF_1D, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(out.len, 15);
    assert_int_equal(out.last_incomplete, 1);
    assert_int_equal(rep.short_buckets, 1);
    assert_true(rep.list[0].ts == at(2025, 1, 1, 0, 0) && rep.list[0].have == 1260 && rep.list[0].expected == 1440);
    assert_true(out.volume[14] > 0 && out.ts[14] == at(2025, 1, 15, 0, 0));
    pr_series_free(&out);
    pr_resample_report_free(&rep);
    pr_series_free(&m1);
    pr_series_free(&h1);

    /* The whole shared files when present: PROVENANCE's 1,577 overlapping hours. */
    /* ../shared beside the checkout, as CI lays it out; PR_SHARED_DATA overrides. */
    char shared[256];
    const char *root = getenv("PR_SHARED_DATA");
    if (!root) root = pr_test_path("../shared/data", shared, sizeof shared);
    char a[600], b[600], c[600];
    snprintf(a, sizeof a, "%s/crypto/BTCUSDT-1m.csv", root);
    snprintf(b, sizeof b, "%s/crypto/BTCUSDT-1m-2025-03.csv", root);
    snprintf(c, sizeof c, "%s/crypto/BTCUSDT-1h.csv", root);
    if (access(a, R_OK) || access(b, R_OK) || access(c, R_OK)) return;
    pr_series x, y;
    load_abs(c, &h1);
    load_abs(a, &x);
    load_abs(b, &y);
    assert_int_equal(compare_hours(&x, &h1) + compare_hours(&y, &h1), 1577);
    pr_series_free(&x);
    pr_series_free(&y);
    pr_series_free(&h1);
}

static void test_calendar_coverage(void **state) {
    (void)state;
    pr_series s, out = {0};
    pr_resample_report rep = {0};
    pr_err e;
    load("data/sample/stocks/KO-1d.csv", &s);
    /* Weeks with holidays are not short: the NYSE calendar expects fewer days. */
    assert_int_equal(pr_resample(&s, PR_TF_1W, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(rep.calendar, PR_CAL_US_STOCK);
    assert_int_equal(rep.short_buckets, 0);
    /* The last week ends with Friday 2024-03-08: nothing more is expected. */
    assert_int_equal(out.last_incomplete, 0);
    assert_true(out.ts[out.len - 1] == at(2024, 3, 4, 0, 0));
    /* February 2024 has 20 trading days (Presidents Day on the 19th). */
    assert_int_equal(pr_resample(&s, PR_TF_1MO, PR_TIME_NONE, &out, &rep, &e), 0);
    size_t k = pr_series_lower_bound(&out, at(2024, 2, 1, 0, 0));
    size_t a = pr_series_lower_bound(&s, at(2024, 2, 1, 0, 0)), b = pr_series_lower_bound(&s, at(2024, 3, 1, 0, 0));
    assert_int_equal(b - a, 20);
    double hi = 0, lo = 1e9, vol = 0;
    for (size_t i = a; i < b; i++) {
        hi = s.high[i] > hi ? s.high[i] : hi;
        lo = s.low[i] < lo ? s.low[i] : lo;
        vol += s.volume[i];
    }
    assert_true(out.open[k] == s.open[a] && out.close[k] == s.close[b - 1] && out.high[k] == hi && out.low[k] == lo &&
                out.volume[k] == vol);
    assert_int_equal(out.last_incomplete, 1); /* March 2024 is not over on the 8th */
    pr_series_free(&s);

    /* Forex days: Friday stops at 20:00 and Sunday opens at 23:00 (one bar
     * expected); neither is short. */
    load("data/sample/forex/EURUSD-1h.csv", &s);
    assert_int_equal(pr_resample(&s, PR_TF_1D, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(rep.calendar, PR_CAL_FOREX);
    assert_int_equal(rep.short_buckets, 0);
    pr_series_free(&s);

    /* SPY 5m to 1h: the 09:00 ET hour holds six bars (09:30-09:55), all that
     * is expected; the 16:00 ET bar makes a bucket of its own. */
    load("data/sample/stocks/SPY-5m.csv", &s);
    assert_int_equal(pr_resample(&s, PR_TF_1H, PR_TIME_NONE, &out, &rep, &e), 0);
    assert_int_equal(rep.short_buckets, 0);
    size_t first = pr_series_lower_bound(&out, at(2024, 3, 26, 13, 0));
    assert_true(out.ts[first] == at(2024, 3, 26, 13, 0));
    assert_true(out.open[first] == s.open[0]);
    assert_true(out.ts[first + 7] == at(2024, 3, 26, 20, 0));
    pr_series_free(&s);
    pr_series_free(&out);
    pr_resample_report_free(&rep);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_complete_only),
        cmocka_unit_test(test_btc_1m_to_1h),
        cmocka_unit_test(test_calendar_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
