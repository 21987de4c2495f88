/* Tests of CSV import: every vendor layout, detection, streaming in chunks,
 * over-long lines, I/O errors, bad rows with their lines, and the real
 * sample files against the row counts, ranges and defects documented in
 * data/sample/PROVENANCE.md (copied from the shared data's provenance). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proratio/data/import.h"
#include "pr_test.h"

#define H PR_MS_PER_HOUR

static const char *path(const char *rel) {
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    return pr_test_path(rel, buf[k], sizeof buf[k]);
}

typedef struct loaded {
    pr_series s;
    pr_data_report rep;
    pr_err err;
    int rc;
} loaded;

static void load(loaded *L, const char *rel, const pr_import_options *o) {
    memset(L, 0, sizeof *L);
    pr_series_init(&L->s, 16);
    pr_data_report_init(&L->rep, 0);
    pr_err_clear(&L->err);
    L->rc = pr_import_csv_series(path(rel), o, &L->s, &L->rep, &L->err);
}

static void unload(loaded *L) {
    pr_series_free(&L->s);
    pr_data_report_free(&L->rep);
}

static size_t count_kind(const pr_data_report *r, pr_issue_kind k) { return r->count[k]; }

static const pr_issue *find_issue(const pr_data_report *r, pr_issue_kind k, long line) {
    for (size_t i = 0; i < r->n_issues; i++)
        if (r->issues[i].kind == k && (line == 0 || r->issues[i].line == line)) return &r->issues[i];
    return NULL;
}

static void assert_increasing(const pr_series *s) {
    for (size_t i = 1; i < s->len; i++)
        if (s->ts[i] <= s->ts[i - 1]) fail_msg("not increasing at %zu", i);
}

/* ---- detection ------------------------------------------------------------- */
static void test_detect(void **state) {
    (void)state;
    static const struct { const char *rel; pr_csv_format f; } cases[] = {
        {"data/sample/crypto/BTCUSDT-1h.csv", PR_FMT_CCXT},
        {"data/sample/crypto/SOLUSDT-1h.csv", PR_FMT_CCXT},
        {"data/sample/crypto/BTCUSDT-funding-8h.csv", PR_FMT_FUNDING},
        {"data/sample/forex/EURUSD-1h.csv", PR_FMT_TRADINGVIEW},
        {"data/sample/forex/EURUSD-1h-2012-2020.csv", PR_FMT_MT_CSV},
        {"data/sample/stocks/KO-1d.csv", PR_FMT_YAHOO},
        {"data/sample/stocks/SPY-5m.csv", PR_FMT_CCXT},
        {"tests/data/fixtures/histdata.csv", PR_FMT_HISTDATA},
        {"tests/data/fixtures/metatrader.csv", PR_FMT_METATRADER},
        {"tests/data/fixtures/mt5_tab.csv", PR_FMT_METATRADER},
        {"tests/data/fixtures/binance_klines.csv", PR_FMT_BINANCE},
        {"tests/data/fixtures/binance_klines_us.csv", PR_FMT_BINANCE},
        {"tests/data/fixtures/funding_binance.csv", PR_FMT_FUNDING},
        {"tests/data/fixtures/bom_crlf_quoted.csv", PR_FMT_CCXT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pr_csv_format f = PR_FMT_AUTO;
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_detect_format(path(cases[i].rel), &f, &e);
        if (rc || f != cases[i].f)
            fail_msg("%s: rc %d, format %s, want %s (%s)", cases[i].rel, rc, pr_csv_format_name(f),
                     pr_csv_format_name(cases[i].f), e.msg);
    }
    pr_csv_format f;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_detect_format(path("tests/data/fixtures/generic_dmy.csv"), &f, &e), PR_EUNSUPPORTED);
    assert_int_equal(pr_detect_format(path("tests/data/fixtures/empty.csv"), &f, &e), PR_EDATA);
    const char yahoo[] = "Date,Open,High,Low,Close,Adj Close,Volume\r\n";
    assert_int_equal(pr_detect_format_line(yahoo, sizeof yahoo - 1, &f), 0);
    assert_int_equal(f, PR_FMT_YAHOO);
    const char binh[] = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
                        "taker_buy_quote_volume,ignore";
    assert_int_equal(pr_detect_format_line(binh, sizeof binh - 1, &f), 0);
    assert_int_equal(f, PR_FMT_BINANCE);
    pr_csv_format g;
    assert_int_equal(pr_csv_format_parse("tradingview", &g), 0);
    assert_int_equal(g, PR_FMT_TRADINGVIEW);
    assert_string_equal(pr_csv_format_name(PR_FMT_HISTDATA), "histdata");
    assert_int_equal(pr_csv_format_parse("excel", &g), PR_EINVAL);
}

/* ---- real sample files -------------------------------------------------------- */
static void test_ccxt_btc(void **state) {
    (void)state;
    loaded L;
    load(&L, "data/sample/crypto/BTCUSDT-1h.csv", NULL);
    assert_int_equal(L.rc, 0);
    /* PROVENANCE: 29303 rows, 2022-01-01 00:00 .. 2025-05-05 23:00, 1 missing
     * bar (2023-03-24 13:00), a zero-volume bar at 2023-03-24 12:00. */
    assert_int_equal(L.rep.rows, 29303);
    assert_int_equal(L.s.len, 29303);
    assert_int_equal(L.rep.rows_skipped, 0);
    assert_true(L.s.ts[0] == INT64_C(1640995200000));
    assert_true(L.s.ts[L.s.len - 1] == INT64_C(1640995200000) + (int64_t)(29303) * H);
    assert_int_equal(L.s.tf, PR_TF_1H);
    assert_int_equal(L.rep.calendar, PR_CAL_24X7);
    assert_int_equal(L.rep.format, PR_FMT_CCXT);
    assert_string_equal(L.s.symbol, "BTCUSDT");
    assert_int_equal(L.rep.gaps, 1);
    assert_int_equal(L.rep.missing_bars, 1);
    const pr_issue *g = find_issue(&L.rep, PR_ISSUE_GAP, 0);
    assert_non_null(g);
    assert_true(g->ts == INT64_C(1679662800000) && g->ts_end == g->ts && g->count == 1);
    assert_int_equal(count_kind(&L.rep, PR_ISSUE_ZERO_VOLUME), 1);
    const pr_issue *z = find_issue(&L.rep, PR_ISSUE_ZERO_VOLUME, 0);
    assert_true(z->ts == INT64_C(1679659200000));
    /* 2023-03-24 12:00 is 447 days + 12 h after the first bar: data row
     * 10740, file line 10742 (the header is line 1). */
    assert_int_equal(z->line, 10740 + 2);
    /* First row exactly as in the file. */
    assert_true(L.s.open[0] == 46216.93 && L.s.high[0] == 46731.39 && L.s.low[0] == 46208.37 &&
                L.s.close[0] == 46656.13 && L.s.volume[0] == 1503.33095);
    assert_int_equal(pr_data_report_defects(&L.rep), 2);
    unload(&L);
}

static void test_tradingview_eurusd(void **state) {
    (void)state;
    loaded L;
    load(&L, "data/sample/forex/EURUSD-1h.csv", NULL);
    assert_int_equal(L.rc, 0);
    /* PROVENANCE: 21643 rows, 2019-01-03 00:00 .. 2022-06-24 20:00 UTC, the
     * later rows stamped +07:00, no volume, CRLF, weekend and holiday breaks only. */
    assert_int_equal(L.rep.rows, 21643);
    assert_int_equal(L.s.len, 21643);
    assert_int_equal(L.rep.format, PR_FMT_TRADINGVIEW);
    assert_int_equal(L.rep.has_volume, 0);
    assert_int_equal(L.rep.calendar, PR_CAL_FOREX);
    assert_true(L.s.ts[0] == INT64_C(1546473600000));
    /* 2022-06-25T03:00:00+07:00 = 2022-06-24 20:00 UTC */
    int64_t last;
    assert_int_equal(pr_time_make(2022, 6, 24, 20, 0, 0, &last), 0);
    assert_true(L.s.ts[L.s.len - 1] == last);
    /* The first +07:00 row, 2021-03-30T15:00:00+07:00, is 08:00 UTC. */
    size_t k = pr_series_lower_bound(&L.s, INT64_C(1617091200000));
    assert_true(k < L.s.len && L.s.ts[k] == INT64_C(1617091200000));
    /* 2021-03-30T15:00:00+07:00,1.17355,1.17478,1.17333,1.17461,... (file line 13883) */
    assert_true(L.s.open[k] == 1.17355 && L.s.close[k] == 1.17461);
    assert_increasing(&L.s);
    for (size_t i = 0; i < L.s.len; i++) assert_true(L.s.volume[i] == 0);
    assert_int_equal(count_kind(&L.rep, PR_ISSUE_ZERO_VOLUME), 0);
    assert_int_equal(L.rep.gaps, 0);
    assert_int_equal(pr_data_report_defects(&L.rep), 0);
    assert_true(L.rep.closures > 0);
    unload(&L);
}

static void test_mtcsv_zero_tail(void **state) {
    (void)state;
    loaded L;
    load(&L, "data/sample/forex/EURUSD-1h-2012-2020.csv", NULL);
    assert_int_equal(L.rc, 0);
    /* The sample keeps 2019-12-01 22:00 .. 2020-12-31 23:00 (6767 rows); the
     * last 63 rows (from 2020-12-29 09:00) are all-zero placeholders. */
    assert_int_equal(L.rep.format, PR_FMT_MT_CSV);
    assert_int_equal(L.rep.rows, 6767);
    assert_int_equal(count_kind(&L.rep, PR_ISSUE_ALL_ZERO), 63);
    assert_int_equal(L.rep.rows_skipped, 63);
    assert_int_equal(L.s.len, 6767 - 63);
    const pr_issue *z = find_issue(&L.rep, PR_ISSUE_ALL_ZERO, 0);
    assert_true(z->ts == INT64_C(1609232400000));
    assert_int_equal(z->action, PR_ACTION_SKIPPED);
    assert_true(L.s.ts[L.s.len - 1] == INT64_C(1609232400000) - H);
    /* Christmas and New Year closures are expected by the forex calendar. */
    assert_int_equal(L.rep.gaps, 0);
    assert_int_equal(L.rep.has_volume, 1);
    unload(&L);
}

static void test_yahoo_stocks(void **state) {
    (void)state;
    static const struct { const char *rel; size_t rows; int y0, m0, d0, y1, m1, d1; } cases[] = {
        {"data/sample/stocks/KO-1d.csv", 6084, 2000, 1, 3, 2024, 3, 8},
        {"data/sample/stocks/PEP-1d.csv", 6084, 2000, 1, 3, 2024, 3, 8},
        {"data/sample/stocks/SPY-1d.csv", 2518, 2014, 3, 10, 2024, 3, 8},
    };
    for (size_t i = 0; i < 3; i++) {
        loaded L;
        load(&L, cases[i].rel, NULL);
        assert_int_equal(L.rc, 0);
        assert_int_equal(L.rep.format, PR_FMT_YAHOO);
        assert_int_equal(L.s.len, cases[i].rows);
        assert_int_equal(L.s.tf, PR_TF_1D);
        assert_int_equal(L.rep.calendar, PR_CAL_US_STOCK);
        int64_t a, b;
        pr_time_make(cases[i].y0, cases[i].m0, cases[i].d0, 0, 0, 0, &a);
        pr_time_make(cases[i].y1, cases[i].m1, cases[i].d1, 0, 0, 0, &b);
        assert_true(L.s.ts[0] == a && L.s.ts[L.s.len - 1] == b);
        /* No gaps in 24 years: every NYSE trading day is there. */
        if (L.rep.gaps) fail_msg("%s: %zu gaps, first: %s", cases[i].rel, L.rep.gaps,
                                 find_issue(&L.rep, PR_ISSUE_GAP, 0)->msg);
        assert_int_equal(pr_data_report_defects(&L.rep), 0);
        unload(&L);
    }
    /* KO's last row, without a final newline: 2024-03-08,59.299999,59.790001,58.970001,59.520000,59.520000,13237500 */
    loaded L;
    load(&L, "data/sample/stocks/KO-1d.csv", NULL);
    size_t n = L.s.len - 1;
    assert_true(L.s.open[n] == 59.299999 && L.s.close[n] == 59.52 && L.s.volume[n] == 13237500);
    unload(&L);
}

static void test_funding(void **state) {
    (void)state;
    pr_funding_series f = {0};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_import_funding(path("data/sample/crypto/BTCUSDT-funding-8h.csv"), NULL, &f, &rep, &e), 0);
    /* PROVENANCE: 1000 rows, 2024-07-19 08:00 .. 2025-06-17 08:00, no gaps,
     * 231 stamps with millisecond jitter, range -0.00012232 .. 0.00072446. */
    assert_int_equal(f.len, 1000);
    assert_true(f.ts[0] == INT64_C(1721376000000));
    int64_t last;
    pr_time_make(2025, 6, 17, 8, 0, 0, &last);
    assert_true(f.ts[f.len - 1] == last);
    double lo = 1, hi = -1;
    for (size_t i = 0; i < f.len; i++) {
        assert_true(f.ts[i] % (8 * H) == 0);
        if (i) assert_true(f.ts[i] - f.ts[i - 1] == 8 * H);
        if (f.rate[i] < lo) lo = f.rate[i];
        if (f.rate[i] > hi) hi = f.rate[i];
    }
    assert_true(lo == -0.00012232 && hi == 0.00072446);
    assert_true(f.rate[0] == 0.00004855);
    assert_int_equal(rep.gaps, 0);
    assert_int_equal(pr_data_report_defects(&rep), 0);
    const pr_issue *note = NULL;
    for (size_t i = 0; i < rep.n_issues; i++)
        if (strstr(rep.issues[i].msg, "rounded")) note = &rep.issues[i];
    assert_non_null(note);
    assert_non_null(strstr(note->msg, "231 timestamps"));
    assert_int_equal(f.interval, PR_TF_8H);
    assert_string_equal(f.symbol, "BTCUSDT");

    /* Binance's archive layout, epoch ms with a 1 ms jitter on the second row. */
    assert_int_equal(pr_import_funding(path("tests/data/fixtures/funding_binance.csv"), NULL, &f, &rep, &e), 0);
    assert_int_equal(f.len, 3);
    assert_true(f.ts[0] == INT64_C(1719792000000) && f.ts[1] == INT64_C(1719820800000) &&
                f.ts[2] == INT64_C(1719849600000));
    assert_true(f.rate[1] == 0.00008521 && f.rate[2] == -0.0000123);
    /* An OHLC file is not a funding file, and vice versa. */
    assert_int_equal(pr_import_funding(path("data/sample/stocks/KO-1d.csv"), NULL, &f, &rep, &e), PR_EUNSUPPORTED);
    pr_series s = {0};
    assert_int_equal(pr_import_csv_series(path("data/sample/crypto/BTCUSDT-funding-8h.csv"), NULL, &s, &rep, &e),
                     PR_EUNSUPPORTED);
    pr_series_free(&s);
    pr_funding_series_free(&f);
    pr_data_report_free(&rep);
}

/* ---- vendor layouts from fixtures ------------------------------------------------ */
static void test_histdata_metatrader(void **state) {
    (void)state;
    loaded L;
    load(&L, "tests/data/fixtures/histdata.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.rep.format, PR_FMT_HISTDATA);
    assert_int_equal(L.s.len, 4);
    /* 2012-02-01 00:00 EST (fixed UTC-5) = 05:00 UTC */
    assert_true(L.s.ts[0] == INT64_C(1328072400000));
    assert_true(L.s.ts[3] == INT64_C(1328072400000) + 3 * PR_MS_PER_MIN);
    assert_int_equal(L.s.tf, PR_TF_1M);
    assert_int_equal(L.rep.has_volume, 0);
    assert_int_equal(L.rep.tz_offset_min, -300);
    assert_true(L.s.open[0] == 1.3066 && L.s.close[3] == 1.30662);
    assert_int_equal(pr_data_report_defects(&L.rep), 0);
    unload(&L);

    load(&L, "tests/data/fixtures/metatrader.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.rep.format, PR_FMT_METATRADER);
    assert_int_equal(L.s.len, 3);
    assert_true(L.s.ts[0] == INT64_C(1328054400000) && L.s.ts[2] == INT64_C(1328054400000) + 2 * H);
    assert_true(L.s.volume[0] == 100 && L.s.volume[1] == 1475 && L.s.high[1] == 1.3082);
    unload(&L);

    /* Broker server time UTC+2: the same rows are two hours earlier in UTC. */
    pr_import_options o;
    pr_import_options_init(&o);
    o.tz_offset_min = 120;
    load(&L, "tests/data/fixtures/metatrader.csv", &o);
    assert_true(L.s.ts[0] == INT64_C(1328054400000) - 2 * H);
    unload(&L);

    load(&L, "tests/data/fixtures/mt5_tab.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.rep.format, PR_FMT_METATRADER);
    assert_int_equal(L.s.len, 2);
    assert_true(L.s.ts[1] == INT64_C(1328054400000) + H);
    assert_true(L.s.volume[0] == 100 && L.s.volume[1] == 1475); /* TICKVOL, not VOL (0) */
    unload(&L);
}

static void test_binance(void **state) {
    (void)state;
    loaded L;
    load(&L, "tests/data/fixtures/binance_klines.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.rep.format, PR_FMT_BINANCE);
    assert_int_equal(L.s.len, 3);
    assert_true(L.s.ts[0] == INT64_C(1640995200000) && L.s.ts[2] == INT64_C(1640995200000) + 2 * H);
    assert_true(L.s.close[0] == 46656.13 && L.s.volume[2] == 485.1686);
    unload(&L);

    load(&L, "tests/data/fixtures/binance_klines_us.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_true(L.s.ts[0] == INT64_C(1735689600000) && L.s.ts[1] == INT64_C(1735689600000) + H);
    assert_true(L.s.high[0] == 94509.42 && L.s.volume[1] == 586.53456);
    unload(&L);

    /* ms rows followed by us rows: each read by magnitude, the switch noted. */
    load(&L, "tests/data/fixtures/mixed_units.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.s.len, 4);
    for (size_t i = 0; i < 4; i++) assert_true(L.s.ts[i] == INT64_C(1640995200000) + (int64_t)i * H);
    const pr_issue *n = find_issue(&L.rep, PR_ISSUE_NOTE, 3);
    assert_non_null(n);
    assert_non_null(strstr(n->msg, "ms to us"));
    assert_int_equal(pr_data_report_defects(&L.rep), 0);
    assert_int_equal(L.rep.gaps, 0);
    unload(&L);
}

static void test_generic_mapping(void **state) {
    (void)state;
    pr_import_options o;
    pr_import_options_init(&o);
    o.format = PR_FMT_GENERIC;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_csv_mapping_parse("time=0,open=1,high=2,low=3,close=4,volume=5,delim=pipe,header=yes,"
                                          "pattern=%d/%m/%Y %H:%M",
                                          &o.mapping, &e),
                     0);
    loaded L;
    load(&L, "tests/data/fixtures/generic_dmy.csv", &o);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.s.len, 2);
    assert_true(L.s.ts[0] == INT64_C(1328086800000)); /* 1 Feb 2012 09:00 UTC */
    assert_true(L.s.close[1] == 1.3079 && L.s.volume[1] == 1475);
    unload(&L);

    /* The same by header names (any case), tz +01:00. */
    pr_csv_mapping_init(&o.mapping);
    assert_int_equal(pr_csv_mapping_parse("time=datum,open=Kurs Eroeffnung,high=HOCH,low=Tief,close=Schluss,"
                                          "volume=Stueck,pattern=%d/%m/%Y %H:%M",
                                          &o.mapping, &e),
                     0);
    o.tz_offset_min = 60;
    load(&L, "tests/data/fixtures/generic_dmy.csv", &o);
    assert_int_equal(L.rc, 0);
    assert_true(L.s.ts[0] == INT64_C(1328086800000) - H);
    assert_true(L.s.open[0] == 1.3066);
    unload(&L);

    /* Header-less, with month names in the time: the mapping tells data from a header. */
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/mdy.csv", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("Feb 1 2012 9:00 PM;1.3066;1.3067;1.3065;1.3066\nFeb 1 2012 10:00 PM;1.3066;1.3082;1.3061;1.3079\n", f);
    fclose(f);
    pr_csv_mapping_init(&o.mapping);
    assert_int_equal(pr_csv_mapping_parse("time=0,open=1,high=2,low=3,close=4,delim=;,pattern=%b %d %Y %I:%M %p",
                                          &o.mapping, &e),
                     0);
    o.tz_offset_min = PR_TZ_DEFAULT;
    pr_series g = {0};
    pr_data_report gr;
    pr_data_report_init(&gr, 0);
    assert_int_equal(pr_import_csv_series(file, &o, &g, &gr, &e), 0);
    assert_int_equal(g.len, 2);
    assert_true(g.ts[0] == INT64_C(1328130000000)); /* 2012-02-01 21:00 UTC */
    assert_int_equal(gr.has_volume, 0);
    pr_series_free(&g);
    pr_data_report_free(&gr);
    unlink(file);
    rmdir(dir);

    /* A name that is not in the header. */
    pr_csv_mapping_init(&o.mapping);
    assert_int_equal(pr_csv_mapping_parse("time=when,open=1,high=2,low=3,close=4", &o.mapping, &e), 0);
    load(&L, "tests/data/fixtures/generic_dmy.csv", &o);
    assert_int_equal(L.rc, PR_EINVAL);
    assert_non_null(strstr(L.err.msg, "when"));
    unload(&L);

    /* Without a mapping the layout cannot be detected. */
    load(&L, "tests/data/fixtures/generic_dmy.csv", NULL);
    assert_int_equal(L.rc, PR_EUNSUPPORTED);
    assert_non_null(strstr(L.err.msg, "cannot detect"));
    unload(&L);

    pr_csv_mapping m;
    pr_csv_mapping_init(&m);
    assert_int_equal(pr_csv_mapping_parse("open=1", &m, &e), PR_EINVAL);
    assert_int_equal(pr_csv_mapping_parse("time=0,colour=3", &m, &e), PR_EINVAL);
    assert_int_equal(pr_csv_mapping_parse("time=0,delim=,,unit=ms", &m, &e), 0);
    assert_int_equal(m.delimiter, ',');
    assert_int_equal(m.time_unit, PR_TU_MS);
}

/* ---- errors ---------------------------------------------------------------------- */
static void test_empty_and_missing(void **state) {
    (void)state;
    loaded L;
    load(&L, "tests/data/fixtures/empty.csv", NULL);
    assert_int_equal(L.rc, PR_EDATA);
    assert_non_null(strstr(L.err.msg, "empty file"));
    assert_non_null(strstr(L.err.file, "empty.csv"));
    unload(&L);
    load(&L, "tests/data/fixtures/header_only.csv", NULL);
    assert_int_equal(L.rc, PR_EDATA);
    assert_non_null(strstr(L.err.msg, "no data rows"));
    unload(&L);
    load(&L, "tests/data/fixtures/header_blank.csv", NULL);
    assert_int_equal(L.rc, PR_EDATA);
    assert_non_null(strstr(L.err.msg, "no data rows"));
    assert_int_equal(L.rep.blank_lines, 2);
    unload(&L);
    load(&L, "tests/data/fixtures/does-not-exist.csv", NULL);
    assert_int_equal(L.rc, PR_ENOTFOUND);
    assert_non_null(strstr(L.err.msg, "does-not-exist.csv"));
    unload(&L);
    /* A directory opens but cannot be read: an I/O error naming it. */
    load(&L, "tests/data/fixtures", NULL);
    assert_int_equal(L.rc, PR_EIO);
    assert_non_null(strstr(L.err.msg, "fixtures"));
    unload(&L);
}

static void test_bad_rows(void **state) {
    (void)state;
    loaded L;
    load(&L, "tests/data/fixtures/truncated.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.rep.rows, 6);
    assert_int_equal(L.s.len, 4);
    assert_int_equal(count_kind(&L.rep, PR_ISSUE_COLUMNS), 2);
    assert_non_null(find_issue(&L.rep, PR_ISSUE_COLUMNS, 4));
    const pr_issue *t = find_issue(&L.rep, PR_ISSUE_COLUMNS, 7);
    assert_non_null(t);
    assert_non_null(strstr(t->msg, "expected 6 columns, found 3"));
    /* The row skipped at 02:00 leaves a one-bar gap. */
    assert_int_equal(L.rep.gaps, 1);
    unload(&L);

    load(&L, "tests/data/fixtures/wrong_columns.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.s.len, 3); /* lines 2, 5 (trailing comma tolerated), 6 */
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_COLUMNS, 3)->msg, "found 7"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_COLUMNS, 4)->msg, "found 2"));
    assert_true(L.s.volume[1] == 485.1686);
    unload(&L);

    load(&L, "tests/data/fixtures/non_numeric.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.s.len, 2);
    assert_true(L.s.volume[1] == 1000.0);
    assert_int_equal(count_kind(&L.rep, PR_ISSUE_PARSE), 5);
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 3)->msg, "high: not a number 'abc'"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 4)->msg, "close: not a number 'null'"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 5)->msg, "high: empty field"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 6)->msg, "month out of range"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 7)->msg, "bad time 'yesterday'"));
    assert_int_equal(L.rep.rows_skipped, 5);
    unload(&L);

    load(&L, "tests/data/fixtures/bom_crlf_quoted.csv", NULL);
    assert_int_equal(L.rc, 0);
    assert_int_equal(L.s.len, 3);
    assert_int_equal(L.rep.blank_lines, 1);
    assert_true(L.s.ts[2] == INT64_C(1640995200000) + 2 * H);
    assert_true(L.s.close[2] == 46811.77 && L.s.volume[2] == 485.1686 && L.s.open[0] == 46216.93);
    assert_int_equal(pr_data_report_defects(&L.rep), 0);
    unload(&L);

    load(&L, "tests/data/fixtures/bad_quote.csv", NULL);
    assert_int_equal(L.rc, PR_EDATA);
    assert_non_null(strstr(L.err.msg, "no valid data rows"));
    assert_non_null(strstr(find_issue(&L.rep, PR_ISSUE_PARSE, 2)->msg, "unterminated"));
    unload(&L);
}

static void test_dup_order_series(void **state) {
    (void)state;
    loaded L;
    load(&L, "tests/data/fixtures/dup_order.csv", NULL);
    assert_int_equal(L.rc, 0);
    /* Sorted, de-duplicated: 00, 01, 02, 03, 04; the first 03:00 row (line 5,
     * high 109.0) is kept, the conflicting one (line 7, high 109.5) dropped. */
    assert_int_equal(L.s.len, 5);
    for (size_t i = 0; i < 5; i++) assert_true(L.s.ts[i] == INT64_C(1640995200000) + (int64_t)i * H);
    assert_true(L.s.high[3] == 109.0 && L.s.open[2] == 111.0);
    const pr_issue *d = find_issue(&L.rep, PR_ISSUE_DUPLICATE, 4);
    assert_non_null(d);
    assert_int_equal(d->action, PR_ACTION_REPAIRED);
    assert_non_null(strstr(d->msg, "line 3"));
    const pr_issue *o = find_issue(&L.rep, PR_ISSUE_OUT_OF_ORDER, 6);
    assert_non_null(o);
    assert_int_equal(o->action, PR_ACTION_REPAIRED);
    const pr_issue *c = find_issue(&L.rep, PR_ISSUE_CONFLICT, 7);
    assert_non_null(c);
    assert_int_equal(c->severity, PR_SEV_ERROR);
    assert_non_null(strstr(c->msg, "line 5 kept"));
    assert_int_equal(L.rep.gaps, 0);
    assert_int_equal(L.rep.rows_skipped, 2);
    /* Issues are listed in line order. */
    for (size_t i = 1; i < L.rep.n_issues; i++) assert_true(L.rep.issues[i].line >= L.rep.issues[i - 1].line);
    unload(&L);

    pr_import_options opt;
    pr_import_options_init(&opt);
    opt.strict = 1;
    load(&L, "tests/data/fixtures/dup_order.csv", &opt);
    assert_int_equal(L.rc, PR_EDATA);
    assert_int_equal(L.s.len, 0);
    assert_non_null(strstr(L.err.msg, "strict"));
    unload(&L);
}

/* ---- streaming ---------------------------------------------------------------------- */
typedef struct sink_state {
    size_t calls, rows, max_chunk;
    long last_line;
    int64_t ts[16];
    long lines[16];
    pr_timeframe tf;
    int fail_after;
    int swap_fd, dir_fd;
} sink_state;

static int sink(void *user, const pr_series *c, const long *lines, pr_err *err) {
    sink_state *st = user;
    st->calls++;
    if (c->len > st->max_chunk) st->max_chunk = c->len;
    for (size_t i = 0; i < c->len; i++) {
        if (lines[i] <= st->last_line) return pr_err_set(err, PR_EINVAL, "lines not increasing");
        st->last_line = lines[i];
        if (st->rows + i < 16) st->ts[st->rows + i] = c->ts[i], st->lines[st->rows + i] = lines[i];
    }
    st->rows += c->len;
    st->tf = c->tf;
    if (st->swap_fd >= 0) dup2(st->dir_fd, st->swap_fd); /* the file becomes unreadable */
    if (st->fail_after && (int)st->calls == st->fail_after) return pr_err_set(err, PR_EDB, "store is full");
    return 0;
}

static void test_stream_chunks(void **state) {
    (void)state;
    pr_import_options o;
    pr_import_options_init(&o);
    o.chunk_rows = 1000;
    sink_state st = {.swap_fd = -1};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_import_csv(path("data/sample/crypto/BTCUSDT-1h.csv"), &o, sink, &st, &rep, &e), 0);
    assert_int_equal(st.rows, 29303);
    assert_int_equal(st.calls, 30);
    assert_int_equal(st.max_chunk, 1000);
    assert_int_equal(st.tf, PR_TF_1H);
    assert_int_equal(rep.rows_ok, 29303);
    assert_int_equal(rep.gaps, 1);
    assert_int_equal(rep.lines, 29304);

    /* The sink's failure stops the import with its status. */
    sink_state st2 = {.swap_fd = -1, .fail_after = 2};
    pr_err_clear(&e);
    assert_int_equal(pr_import_csv(path("data/sample/crypto/BTCUSDT-1h.csv"), &o, sink, &st2, &rep, &e), PR_EDB);
    assert_int_equal(st2.calls, 2);
    assert_non_null(strstr(e.msg, "store is full"));

    /* Streaming delivers rows in file order (the store sorts them); the
     * exact and the conflicting duplicate are still recognised. */
    sink_state st3 = {.swap_fd = -1};
    assert_int_equal(pr_import_csv(path("tests/data/fixtures/dup_order.csv"), NULL, sink, &st3, &rep, &e), 0);
    assert_int_equal(st3.rows, 5);
    static const long want_lines[5] = {2, 3, 5, 6, 8};
    static const int want_hours[5] = {0, 1, 3, 2, 4};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(st3.lines[i], want_lines[i]);
        assert_true(st3.ts[i] == INT64_C(1640995200000) + want_hours[i] * H);
    }
    assert_int_equal(find_issue(&rep, PR_ISSUE_OUT_OF_ORDER, 6)->action, PR_ACTION_KEPT);
    assert_non_null(find_issue(&rep, PR_ISSUE_DUPLICATE, 4));
    assert_non_null(find_issue(&rep, PR_ISSUE_CONFLICT, 7));

    /* A validation-only pass: no sink. */
    assert_int_equal(pr_import_csv(path("data/sample/stocks/KO-1d.csv"), NULL, NULL, NULL, &rep, &e), 0);
    assert_int_equal(rep.rows_ok, 6084);
    pr_data_report_free(&rep);
}

/* Issue #8: a repeated time further back than the previous row. The first
 * row is kept (validate.h), the repeat is dropped as a conflict (other
 * values) or a duplicate (same values), and the counts add up to the rows
 * read: 6 rows = 4 delivered + 2 skipped. Runs with the repeats in the same
 * chunk as their first row, and with one row per chunk, where the first
 * row's values come from the sink (lookup) or, without one, are unknown. */
typedef struct kept_rows {
    size_t n;
    int64_t ts[8];
    double v[8][5];
    long lines[8];
} kept_rows;

static int keep_sink(void *user, const pr_series *c, const long *lines, pr_err *err) {
    kept_rows *k = user;
    for (size_t i = 0; i < c->len; i++) {
        if (k->n == 8) return pr_err_set(err, PR_EINVAL, "too many rows");
        k->ts[k->n] = c->ts[i];
        const double x[5] = {c->open[i], c->high[i], c->low[i], c->close[i], c->volume[i]};
        memcpy(k->v[k->n], x, sizeof x);
        k->lines[k->n++] = lines[i];
    }
    return 0;
}

static int keep_lookup(void *user, int64_t ts, double ohlcv[5], pr_err *err) {
    (void)err;
    const kept_rows *k = user;
    for (size_t i = 0; i < k->n; i++)
        if (k->ts[i] == ts) {
            memcpy(ohlcv, k->v[i], sizeof k->v[i]);
            return 1;
        }
    return 0;
}

static void test_repeat_anywhere(void **state) {
    (void)state;
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/XYZUSDT-1h.csv", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("timestamp,open,high,low,close,volume\n"
          "2022-01-01 00:00:00,100,110,95,105,10\n"  /* line 2 */
          "2022-01-01 01:00:00,105,112,104,111,11\n" /* line 3 */
          "2022-01-01 02:00:00,111,115,107,108,12\n" /* line 4 */
          "2022-01-01 00:00:00,100,120,95,105,10\n"  /* line 5: t again, another high */
          "2022-01-01 01:00:00,105,112,104,111,11\n" /* line 6: exact copy of line 3 */
          "2022-01-01 03:00:00,108,109,100,101,13\n", /* line 7 */
          f);
    fclose(f);
    const int64_t t0 = INT64_C(1640995200000);
    static const long want_lines[4] = {2, 3, 4, 7};
    for (int run = 0; run < 3; run++) {
        pr_import_options o;
        pr_import_options_init(&o);
        o.chunk_rows = run == 0 ? 100 : 1;
        o.lookup = run == 2 ? NULL : keep_lookup;
        kept_rows k;
        memset(&k, 0, sizeof k);
        pr_data_report rep;
        pr_data_report_init(&rep, 0);
        pr_err e;
        pr_err_clear(&e);
        assert_int_equal(pr_import_csv(file, &o, keep_sink, &k, &rep, &e), 0);
        assert_int_equal(k.n, 4);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(k.lines[i], want_lines[i]);
            assert_true(k.ts[i] == t0 + i * H);
        }
        assert_true(k.v[0][1] == 110.0); /* the first row at t, not line 5's 120 */
        assert_int_equal(rep.rows, 6);
        assert_int_equal(rep.rows_ok, 4);
        assert_int_equal(rep.rows_skipped, 2);
        const pr_issue *c = find_issue(&rep, PR_ISSUE_CONFLICT, 5);
        assert_non_null(c);
        assert_int_equal(c->severity, PR_SEV_ERROR);
        assert_int_equal(c->action, PR_ACTION_SKIPPED);
        if (run < 2) {
            const pr_issue *d = find_issue(&rep, PR_ISSUE_DUPLICATE, 6);
            assert_non_null(d);
            assert_int_equal(d->severity, PR_SEV_WARN);
            assert_int_equal(count_kind(&rep, PR_ISSUE_CONFLICT), 1);
        } else {
            /* Nothing to compare with: counted as a conflict, still dropped. */
            assert_non_null(find_issue(&rep, PR_ISSUE_CONFLICT, 6));
        }
        assert_null(find_issue(&rep, PR_ISSUE_OUT_OF_ORDER, 5));
        pr_data_report_free(&rep);
    }
    unlink(file);
    rmdir(dir);
}

/* A far-back exact repeat in a file without volume, compared with the bar
 * as stored (which holds another feed's volume, 7): the file's columns are
 * equal, so it is a duplicate (warning), not a conflict (error). */
static int stored_lookup(void *user, int64_t ts, double ohlcv[5], pr_err *err) {
    (void)user;
    (void)err;
    if (ts != INT64_C(1640995200000)) return 0;
    const double bar[5] = {100, 110, 95, 105, 7};
    memcpy(ohlcv, bar, sizeof bar);
    return 1;
}

static void test_repeat_without_volume(void **state) {
    (void)state;
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/XYZUSDT-1h.csv", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("time,open,high,low,close\n"
          "2022-01-01T00:00:00Z,100,110,95,105\n"  /* line 2 */
          "2022-01-01T01:00:00Z,105,112,104,111\n" /* line 3 */
          "2022-01-01T00:00:00Z,100,110,95,105\n", /* line 4: exact repeat of line 2 */
          f);
    fclose(f);
    pr_import_options o;
    pr_import_options_init(&o);
    o.chunk_rows = 1;
    o.lookup = stored_lookup;
    kept_rows k;
    memset(&k, 0, sizeof k);
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_import_csv(file, &o, keep_sink, &k, &rep, &e), 0);
    assert_int_equal(k.n, 2);
    assert_int_equal(rep.rows_skipped, 1);
    assert_non_null(find_issue(&rep, PR_ISSUE_DUPLICATE, 4));
    assert_int_equal(count_kind(&rep, PR_ISSUE_CONFLICT), 0);
    pr_data_report_free(&rep);
    unlink(file);
    rmdir(dir);
}

static void test_strict_stream(void **state) {
    (void)state;
    pr_import_options o;
    pr_import_options_init(&o);
    o.strict = 1;
    o.chunk_rows = 4;
    o.tf = PR_TF_1H;
    sink_state st = {.swap_fd = -1};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    /* bad_values.csv: 8 rows skipped (lines 3-9, 11), a zero-volume bar
     * (line 10) and the two gaps the skipped rows leave (01-07h, 09h): the
     * only chunk has defects, so nothing reaches the sink; every defect is
     * still reported. */
    assert_int_equal(pr_import_csv(path("tests/data/fixtures/bad_values.csv"), &o, sink, &st, &rep, &e), PR_EDATA);
    assert_int_equal(st.calls, 0);
    assert_int_equal(rep.n_error, 8);
    assert_int_equal(rep.count[PR_ISSUE_ZERO_VOLUME], 1);
    assert_int_equal(rep.gaps, 2);
    assert_int_equal(rep.missing_bars, 8);
    assert_non_null(strstr(e.msg, "strict mode: 11 defects"));
    assert_int_equal(e.line, 3);
    o.tf = PR_TF_NONE;
    /* A clean file passes strict mode. */
    assert_int_equal(pr_import_csv(path("data/sample/stocks/KO-1d.csv"), &o, sink, &st, &rep, &e), 0);
    assert_int_equal(st.rows, 6084);
    /* Real data with an outage gap does not. */
    st = (sink_state){.swap_fd = -1};
    o.chunk_rows = 10000;
    assert_int_equal(pr_import_csv(path("data/sample/crypto/BTCUSDT-1h.csv"), &o, sink, &st, &rep, &e), PR_EDATA);
    /* Chunks before the first defect were delivered (the caller's transaction
     * discards them); none after it. */
    assert_int_equal(st.rows, 10000);
    pr_data_report_free(&rep);
}

static void test_long_line(void **state) {
    (void)state;
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/long.csv", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("timestamp,open,high,low,close,volume\n2022-01-01 00:00:00,1,2,0.5,1.5,10\n2022-01-01 01:00:00,", f);
    for (int i = 0; i < 5 * 1024 * 1024 / 64; i++) fputs("1234567890123456789012345678901234567890123456789012345678901234", f);
    fputs("\n2022-01-01 02:00:00,1,2,0.5,1.5,10\n2022-01-01 03:00:00,1,2,0.5,1.5,10\n", f);
    /* A second long line that runs to the end of the file without a newline. */
    for (int i = 0; i < 200000; i++) fputs("x", f);
    fclose(f);
    pr_series s = {0};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_import_csv_series(file, NULL, &s, &rep, &e), 0);
    assert_int_equal(s.len, 3);
    assert_int_equal(rep.count[PR_ISSUE_LINE_TOO_LONG], 2);
    const pr_issue *is = find_issue(&rep, PR_ISSUE_LINE_TOO_LONG, 3);
    assert_non_null(is);
    assert_string_equal(is->msg, "line longer than 65536 bytes");
    assert_non_null(find_issue(&rep, PR_ISSUE_LINE_TOO_LONG, 6));
    assert_int_equal(rep.lines, 6);
    /* histdata.csv has 53-byte lines: a limit of 53 accepts them, 52 does not. */
    pr_import_options o;
    pr_import_options_init(&o);
    o.max_line = 53;
    assert_int_equal(pr_import_csv_series(path("tests/data/fixtures/histdata.csv"), &o, &s, &rep, &e), 0);
    assert_int_equal(s.len, 4);
    o.max_line = 52;
    assert_int_equal(pr_import_csv_series(path("tests/data/fixtures/histdata.csv"), &o, &s, &rep, &e), PR_EDATA);
    assert_int_equal(rep.count[PR_ISSUE_LINE_TOO_LONG], 4);
    assert_non_null(strstr(e.msg, "no valid data rows"));
    pr_series_free(&s);
    pr_data_report_free(&rep);
    unlink(file);
    rmdir(dir);
}

static void test_read_error_midway(void **state) {
    (void)state;
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/big.csv", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("timestamp,open,high,low,close,volume\n", f);
    for (int i = 0; i < 60000; i++) {
        int64_t t = INT64_C(1640995200000) + (int64_t)i * PR_MS_PER_MIN;
        char tb[40];
        pr_time_format(t, tb, sizeof tb);
        fprintf(f, "%s,100.5,101.25,99.75,100.0,12.5\n", tb);
    }
    fclose(f);
    int fd = open(file, O_RDONLY);
    int dfd = open(dir, O_RDONLY);
    assert_true(fd >= 0 && dfd >= 0);
    pr_import_options o;
    pr_import_options_init(&o);
    o.chunk_rows = 100;
    sink_state st = {.swap_fd = fd, .dir_fd = dfd};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_import_fd(fd, "big.csv", &o, sink, &st, &rep, &e);
    assert_int_equal(rc, PR_EIO);
    assert_non_null(strstr(e.msg, "cannot read 'big.csv'"));
    assert_string_equal(e.file, "big.csv");
    assert_true(st.rows > 0 && st.rows < 60000);
    close(fd);
    close(dfd);
    pr_data_report_free(&rep);
    unlink(file);
    rmdir(dir);
}

/* Stamps far from any market data: a year-8012 row on a forex 1m file used to
 * make the gap scan walk ~3.2e9 one-minute bars (an import that never ends),
 * and an epoch of INT64_MIN overflowed when its magnitude was taken. Both are
 * rows with a bad time now: skipped and reported, the import goes on. */
static void test_time_out_of_range(void **state) {
    (void)state;
    char dir[256], file[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(file, sizeof file, "%s/far.csv", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("timestamp,open,high,low,close,volume\n"
          "2012-02-01 00:00:00,1.3,1.31,1.29,1.30,5\n"    /* line 2: kept      */
          "2012-02-01 00:01:00,1.3,1.31,1.29,1.30,5\n"    /* line 3: kept      */
          "8012-02-01 00:02:00,1.3,1.31,1.29,1.30,5\n"    /* line 4: skipped   */
          "-9223372036854775808,1.3,1.31,1.29,1.30,5\n"   /* line 5: skipped   */
          "9223372036854775807,1.3,1.31,1.29,1.30,5\n"    /* line 6: skipped (ns: year 2262) */
          "1899-12-31 23:59:00,1.3,1.31,1.29,1.30,5\n"    /* line 7: skipped   */
          "2012-02-01 00:03:00,1.3,1.31,1.29,1.30,5\n",   /* line 8: kept      */
          f);
    fclose(f);
    pr_import_options o;
    pr_import_options_init(&o);
    o.calendar = PR_CAL_FOREX;
    o.tf = PR_TF_1M;
    pr_series s = {0};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    pr_err_clear(&e);
    alarm(30); /* before the fix this call did not return for many minutes */
    int rc = pr_import_csv_series(file, &o, &s, &rep, &e);
    alarm(0);
    assert_int_equal(rc, 0);
    /* 7 data rows: lines 2, 3 and 8 kept; 4, 5, 6 and 7 skipped as bad times. */
    assert_int_equal(rep.rows, 7);
    assert_int_equal(s.len, 3);
    assert_int_equal(rep.rows_skipped, 4);
    assert_int_equal(rep.count[PR_ISSUE_PARSE], 4);
    for (long line = 4; line <= 7; line++) {
        const pr_issue *is = find_issue(&rep, PR_ISSUE_PARSE, line);
        assert_non_null(is);
        assert_non_null(strstr(is->msg, "outside the supported range"));
    }
    /* 2012-02-01 00:03 UTC = 15371 days * 86400000 + 3 min = 1328054580000 ms. */
    assert_int_equal(s.ts[2], INT64_C(1328054580000));
    /* The skipped 00:02 bar is one missing bar (a Wednesday: forex is open). */
    assert_int_equal(rep.gaps, 1);
    assert_int_equal(rep.missing_bars, 1);
    /* The range is wide enough for old stock data and later dates. */
    f = fopen(file, "wb");
    assert_non_null(f);
    fputs("timestamp,open,high,low,close,volume\n"
          "1900-01-01,1,1,1,1,1\n1962-01-02,1,1,1,1,1\n2199-12-31,1,1,1,1,1\n", f);
    fclose(f);
    pr_import_options_init(&o);
    o.calendar = PR_CAL_24X7;
    o.tf = PR_TF_1D;
    assert_int_equal(pr_import_csv_series(file, &o, &s, &rep, &e), 0);
    assert_int_equal(s.len, 3);
    /* 1900-01-01 is 25567 days before 1970-01-01. */
    assert_int_equal(s.ts[0], -INT64_C(25567) * PR_MS_PER_DAY);
    /* Funding stamps go through the same check (no overflow rounding them). */
    f = fopen(file, "wb");
    assert_non_null(f);
    fputs("fundingTime,fundingRate\n1640995200000,0.0001\n9223372036854775807,0.0001\n", f);
    fclose(f);
    pr_funding_series fs = {0};
    pr_import_options_init(&o);
    assert_int_equal(pr_import_funding(file, &o, &fs, &rep, &e), 0);
    assert_int_equal(fs.len, 1);
    assert_int_equal(rep.rows_skipped, 1);
    pr_funding_series_free(&fs);
    pr_series_free(&s);
    pr_data_report_free(&rep);
    unlink(file);
    rmdir(dir);
}

static void test_guess(void **state) {
    (void)state;
    static const struct {
        const char *p, *sym;
        pr_timeframe tf;
        pr_asset_class cls;
        int certain, funding;
    } cases[] = {
        {"data/sample/crypto/BTCUSDT-1h.csv", "BTCUSDT", PR_TF_1H, PR_ASSET_CRYPTO, 1, 0},
        {"EURUSD-1h-2012-2020.csv", "EURUSD", PR_TF_1H, PR_ASSET_FOREX, 1, 0},
        {"/x/KO-1d.csv", "KO", PR_TF_1D, PR_ASSET_STOCK, 0, 0},
        {"stocks/KO-1d.csv", "KO", PR_TF_1D, PR_ASSET_STOCK, 1, 0},
        {"BTCUSDT-funding-8h.csv", "BTCUSDT", PR_TF_8H, PR_ASSET_CRYPTO, 1, 1},
        {"SOLUSDT_1h.csv", "SOLUSDT", PR_TF_1H, PR_ASSET_CRYPTO, 1, 0},
        {"BTCUSDT-1m-2025-03.csv", "BTCUSDT", PR_TF_1M, PR_ASSET_CRYPTO, 1, 0},
        {"EURUSD60.csv", "EURUSD", PR_TF_1H, PR_ASSET_FOREX, 1, 0},
        {"DAT_ASCII_EURUSD_M1_2012.csv", "EURUSD", PR_TF_1M, PR_ASSET_FOREX, 1, 0},
        {"forex/USDJPY-1h.csv", "USDJPY", PR_TF_1H, PR_ASSET_FOREX, 1, 0},
        {"BTCUSD-1d.csv", "BTCUSD", PR_TF_1D, PR_ASSET_CRYPTO, 1, 0},
        {"prices.csv", "PRICES", PR_TF_NONE, PR_ASSET_UNKNOWN, 0, 0},
        /* Freqtrade's data directory: pairs as BASE_QUOTE, futures with the
         * settle currency and a candle-type suffix. */
        {"user_data/data/binance/BTC_USDT-1h.csv", "BTCUSDT", PR_TF_1H, PR_ASSET_CRYPTO, 1, 0},
        {"futures/BTC_USDT_USDT-4h-futures.csv", "BTCUSDT", PR_TF_4H, PR_ASSET_CRYPTO, 1, 0},
        {"eth_btc-5m.csv", "ETHBTC", PR_TF_5M, PR_ASSET_CRYPTO, 1, 0},
        {"EUR_USD-1h.csv", "EURUSD", PR_TF_1H, PR_ASSET_FOREX, 1, 0},
        /* Symbols that start with digits (Binance). */
        {"1INCHUSDT-1h.csv", "1INCHUSDT", PR_TF_1H, PR_ASSET_CRYPTO, 1, 0},
        {"crypto/1000PEPEUSDT-1h.csv", "1000PEPEUSDT", PR_TF_1H, PR_ASSET_CRYPTO, 1, 0},
        /* A year is not a symbol. */
        {"2024-KO-1d.csv", "KO", PR_TF_1D, PR_ASSET_STOCK, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pr_name_guess g;
        pr_guess_from_path(cases[i].p, &g);
        if (strcmp(g.symbol, cases[i].sym) || g.tf != cases[i].tf || g.asset_class != cases[i].cls ||
            g.class_certain != cases[i].certain || g.funding != cases[i].funding)
            fail_msg("%s: symbol %s tf %d class %d certain %d funding %d", cases[i].p, g.symbol, g.tf,
                     g.asset_class, g.class_certain, g.funding);
    }
}

/* Every file of the shared data set, when it is there (PR_SHARED_DATA or
 * ../shared/data beside the checkout), against the row counts of its PROVENANCE.md. */
static void test_shared_data(void **state) {
    (void)state;
    /* ../shared beside the checkout, as CI lays it out; PR_SHARED_DATA overrides. */
    char shared[256];
    const char *root = getenv("PR_SHARED_DATA");
    if (!root) root = pr_test_path("../shared/data", shared, sizeof shared);
    char probe[512];
    snprintf(probe, sizeof probe, "%s/PROVENANCE.md", root);
    if (access(probe, R_OK) != 0) {
        skip();
        return;
    }
    static const struct {
        const char *rel;
        size_t rows, skipped;
        long gaps, missing; /* -1: not asserted */
    } cases[] = {
        {"crypto/BTCUSDT-1h.csv", 29303, 0, 1, 1},
        {"crypto/ETHUSDT-1h.csv", 29178, 0, 1, 1},
        {"crypto/SOLUSDT-1h.csv", 47360, 0, 10, 20},
        {"crypto/BNBUSDT-1h.csv", 71480, 0, 27, 122},
        {"crypto/BTCUSDT-1m.csv", 50000, 0, 0, 0},
        {"crypto/BTCUSDT-1m-2025-03.csv", 44640, 0, 0, 0},
        {"crypto/BTCUSDT-5m.csv", 30000, 0, 0, 0},
        {"forex/EURUSD-1h.csv", 21643, 0, 0, 0},
        {"forex/GBPUSD-1h.csv", 21653, 0, 0, 0},
        {"forex/USDJPY-1h.csv", 21643, 0, 0, 0},
        {"forex/EURJPY-1h.csv", 14909, 0, 1, 1},
        {"forex/EURUSD-1h-2012-2020.csv", 50063, 63, -1, -1},
        {"forex/GBPUSD-1h-2012-2020.csv", 50000, 0, -1, -1},
        {"stocks/AAPL-1d.csv", 6084, 0, 0, 0},
        {"stocks/MSFT-1d.csv", 6084, 0, 0, 0},
        {"stocks/GOOGL-1d.csv", 4922, 0, 0, 0},
        {"stocks/KO-1d.csv", 6084, 0, 0, 0},
        {"stocks/PEP-1d.csv", 6084, 0, 0, 0},
        {"stocks/SPY-1d.csv", 7833, 0, 0, 0},
        {"stocks/QQQ-1d.csv", 3402, 1, 0, 0},
        {"stocks/SPY-5m.csv", 20769, 0, -1, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", root, cases[i].rel);
        pr_series s = {0};
        pr_data_report rep;
        pr_data_report_init(&rep, 0);
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_import_csv_series(p, NULL, &s, &rep, &e);
        if (rc) fail_msg("%s: %s", cases[i].rel, e.msg);
        if (rep.rows != cases[i].rows || rep.rows_skipped != cases[i].skipped ||
            (cases[i].gaps >= 0 && (long)rep.gaps != cases[i].gaps) ||
            (cases[i].missing >= 0 && (long)rep.missing_bars != cases[i].missing))
            fail_msg("%s: rows %zu skipped %zu gaps %zu missing %zu", cases[i].rel, rep.rows, rep.rows_skipped,
                     rep.gaps, rep.missing_bars);
        pr_series_free(&s);
        pr_data_report_free(&rep);
    }
    pr_funding_series f = {0};
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    pr_err e;
    char p[600];
    snprintf(p, sizeof p, "%s/crypto/BTCUSDT-funding-8h.csv", root);
    assert_int_equal(pr_import_funding(p, NULL, &f, &rep, &e), 0);
    assert_int_equal(f.len, 1000);
    pr_funding_series_free(&f);
    pr_data_report_free(&rep);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),          cmocka_unit_test(test_ccxt_btc),
        cmocka_unit_test(test_tradingview_eurusd), cmocka_unit_test(test_mtcsv_zero_tail),
        cmocka_unit_test(test_yahoo_stocks),    cmocka_unit_test(test_funding),
        cmocka_unit_test(test_histdata_metatrader), cmocka_unit_test(test_binance),
        cmocka_unit_test(test_generic_mapping), cmocka_unit_test(test_empty_and_missing),
        cmocka_unit_test(test_bad_rows),        cmocka_unit_test(test_dup_order_series),
        cmocka_unit_test(test_stream_chunks),   cmocka_unit_test(test_strict_stream),
        cmocka_unit_test(test_repeat_anywhere), cmocka_unit_test(test_repeat_without_volume),
        cmocka_unit_test(test_long_line),       cmocka_unit_test(test_read_error_midway),
        cmocka_unit_test(test_guess), cmocka_unit_test(test_time_out_of_range),           cmocka_unit_test(test_shared_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
