/* Funding is charged on the position held at each funding time, at the price
 * then, whatever the bar length: the same orders on 1h, 4h and 1d bars (with
 * and without 1h bars inside them) pay the same fundings, worked out by hand
 * below; a long stopped out in day 2's first hour pays only the fundings it
 * was held for, and a stop entry filled at 01:00 pays that day's 08:00 and
 * 16:00 fundings. Also the coverage of a funding series (the spans of
 * funding times without a rate) and the series completed with a constant
 * rate there; a perpetual's cash is its margin balance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"
#include "pr_test.h"
#include "engine_test.h"

static int64_t T0;   /* 2024-01-01 00:00 UTC: day 0 */
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

/* 96 hourly bars, days 0..3. Until day 2 the price climbs 1 an hour: hour i
 * opens at 100 + i, closes at 101 + i, high close + 0.5, low open - 0.5 (so
 * day 1's 00:00, 08:00 and 16:00 open at 124, 132 and 140). Day 2's first
 * hour opens at 148 and crashes to a low of 100, closing at 110; from there
 * hour i opens at 110 + 0.5 (i - 49) and closes 0.5 higher, high close +
 * 0.25, low open - 0.25. */
static void hourly(pr_series *s) {
    pr_series_init(s, 96);
    s->tf = PR_TF_1H;
    for (int i = 0; i < 96; i++) {
        double o, c, h, l;
        if (i < 48) {
            o = 100 + i, c = 101 + i, h = c + 0.5, l = o - 0.5;
        } else if (i == 48) {
            o = 148, h = 148.5, l = 100, c = 110;
        } else {
            o = 110 + 0.5 * (i - 49), c = o + 0.5, h = c + 0.25, l = o - 0.25;
        }
        pr_series_push(s, H(i), o, h, l, c, 1.0);
    }
}

/* The hourly bars merged `per` at a time into bars of timeframe tf. */
static void merge(const pr_series *h, int per, pr_timeframe tf, pr_series *out) {
    pr_series_init(out, h->len / (size_t)per + 1);
    out->tf = tf;
    for (size_t i = 0; i + (size_t)per <= h->len; i += (size_t)per) {
        double hi = h->high[i], lo = h->low[i];
        for (size_t k = i; k < i + (size_t)per; k++) {
            if (h->high[k] > hi) hi = h->high[k];
            if (h->low[k] < lo) lo = h->low[k];
        }
        pr_series_push(out, h->ts[i], h->open[i], hi, lo, h->close[i + (size_t)per - 1], 1.0);
    }
}

/* A perpetual without costs paying 1% every 8 hours (a configured rate, or
 * a series of that rate at each 8h time with Binance's 1 ms jitter). */
static int64_t g_fts[12];
static double g_frate[12];

static void perp(pr_market_spec *m, int series) {
    et_spec_plain(m, "BTCUSDT", PR_ASSET_CRYPTO);
    m->funding.perpetual = 1;
    m->funding.interval_ms = 8 * PR_MS_PER_HOUR;
    if (series) {
        for (int k = 0; k < 12; k++) {
            g_fts[k] = H(8 * k) + 1;
            g_frate[k] = 0.01;
        }
        m->funding.ts = g_fts;
        m->funding.rate = g_frate;
        m->funding.n = 12;
    } else {
        m->funding.rate_default = 0.01;
    }
}

/* Bars per day and the decision bar closing at day d's midnight. */
static size_t at_midnight(int per, int day) { return (size_t)(24 / per * day - 1); }

typedef struct tf_case {
    int per;                 /* hours per bar */
    pr_timeframe tf;
    int with_fine;           /* the hourly bars inside them */
} tf_case;

static const tf_case k_cases[] = {
    {1, PR_TF_1H, 0}, {4, PR_TF_4H, 0}, {4, PR_TF_4H, 1}, {24, PR_TF_1D, 1}, {24, PR_TF_1D, 0},
};

/* Runs the script on the bars of one case; returns the first trade. */
static pr_trade run_case(const tf_case *c, et_script *sc, int series, pr_backtest_result *r) {
    pr_series h, bars;
    hourly(&h);
    if (c->per == 1) merge(&h, 1, PR_TF_1H, &bars);
    else merge(&h, c->per, c->tf, &bars);
    pr_market_spec m;
    perp(&m, series);
    pr_sizing z;
    pr_sizing_default(&z);
    z.mode = PR_SIZE_FIXED_QTY;
    z.qty = 1;
    pr_err err;
    pr_err_clear(&err);
    int rc = et_run1(sc, &m, &bars, c->with_fine ? &h : NULL, &z, 100000, r, &err);
    if (rc) fprintf(stderr, "backtest failed: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_true(r->n_trades >= 1);
    pr_trade t = r->trades[0];
    pr_series_free(&h);
    pr_series_free(&bars);
    return t;
}

/* A long bought at day 1's open (124) with a stop at 120, which day 2's
 * first hour (open 148, low 100) takes out. Held at day 1 00:00, 08:00,
 * 16:00 and day 2 00:00 (a funding at a bar's open is charged on the
 * position after that open's fills; the stop comes later):
 * 0.01 * (124 + 132 + 140 + 148) = 5.44. Not day 2's 08:00 and 16:00.
 *
 * Daily bars without the hourly ones walk the assumed path (README: open,
 * the extreme against the position, the other extreme, close, at constant
 * speed). Day 1 (long from the open): 124 -> 123.5 -> 148.5 -> 148, length
 * 0.5 + 25 + 0.5 = 26; 08:00 is a third of it, 8.667 along: 123.5 + 8.167 =
 * 131.667; 16:00 at 17.333: 140.333. Day 2: 148 -> 100 -> 148.5 -> 121.5
 * (hour 71 closes at 121.5), length 48 + 48.5 + 27 = 123.5: the stop at
 * 120 is 28 along, before 08:00 (41.17): only day 2's 00:00 at 148.
 * 0.01 * (124 + 131.667 + 140.333 + 148) = 5.44 as well. */
/* Builds a case's script for bars of `per` hours. */
typedef void (*script_fn)(et_script *sc, int per);

/* Runs the script on every case of k_cases, with a configured rate and
 * with a rate series, and checks the first trade's entry time (the open of
 * the finest bar it filled in: entry_hour with hourly bars, else day 1
 * 00:00; a bar's parts between fundings keep its open time), prices, its
 * funding and the final equity (100000 + price P&L - funding). */
static void check_every_case(script_fn build, int entry_hour, double entry, double exit, double funding) {
    for (size_t k = 0; k < sizeof k_cases / sizeof k_cases[0]; k++) {
        for (int series = 0; series < 2; series++) {
            const tf_case *c = &k_cases[k];
            et_script sc;
            et_script_reset(&sc);
            build(&sc, c->per);
            pr_backtest_result r;
            pr_trade t = run_case(c, &sc, series, &r);
            if (fabs(t.funding - funding) > 1e-9)
                fprintf(stderr, "%dh bars%s%s: funding %.10g, expected %g\n", c->per,
                        c->with_fine ? " with 1h inside" : "", series ? " (series)" : "", t.funding, funding);
            assert_int_equal(t.entry_ts, c->per == 1 || c->with_fine ? H(entry_hour) : H(24));
            assert_true(t.entry_price == entry);
            assert_true(t.exit_price == exit);
            assert_true(fabs(t.funding - funding) < 1e-9);
            assert_true(fabs(r.final_equity - (100000 + exit - entry - funding)) < 1e-9);
            pr_backtest_result_free(&r);
        }
    }
}

static void long_with_stop(et_script *sc, int per) {
    et_script_add(sc, at_midnight(per, 1), PR_SIG_ENTER_LONG, 0)->stop = 120;
}

static void test_stopped_out_in_first_hour(void **state) {
    (void)state;
    check_every_case(long_with_stop, 24, 124, 120, 5.44);
}

/* Flat at day 1's open; a buy stop at 126 (decided at day 0's close) fills
 * in the 01:00 hour (its high 126.5; 00:00's is 125.5); exit decided at
 * day 1's close, at day 2's open 148. Held at 08:00 (132) and 16:00 (140):
 * 0.01 * 272 = 2.72; not at day 1's 00:00 (flat) nor day 2's (the exit at
 * that open comes first). Daily bars without the hourly ones (flat at the
 * open, a rising day: low first, the path of the case above) cross 126 at
 * 3 of 26, before 08:00, and pay 0.01 * (131.667 + 140.333) = 2.72. */
static void stop_entry(et_script *sc, int per) {
    et_script_add(sc, at_midnight(per, 1), PR_SIG_ENTER_LONG, 0)->entry_stop = 126;
    et_script_add(sc, at_midnight(per, 2), PR_SIG_EXIT, 0);
}

static void test_stop_entry_at_0100(void **state) {
    (void)state;
    check_every_case(stop_entry, 25, 126, 148, 2.72);
}

/* A position held for days with no order working: on daily bars with the
 * hourly ones inside, each funding is charged at that hour's open. Long
 * from day 1's open, never exited (open at the end): fundings at day 1's
 * 124, 132, 140, day 2's 148, 113.5 (hour 56 opens at 110 + 0.5 * 7), 117.5
 * (hour 64), day 3's 121.5, 125.5, 129.5: sum 1151.5, times 0.01. The
 * same on hourly bars. */
static void test_held_without_orders(void **state) {
    (void)state;
    static const tf_case cs[] = {{1, PR_TF_1H, 0}, {24, PR_TF_1D, 1}};
    for (size_t k = 0; k < 2; k++) {
        et_script sc;
        et_script_reset(&sc);
        et_script_add(&sc, at_midnight(cs[k].per, 1), PR_SIG_ENTER_LONG, 0);
        pr_backtest_result r;
        pr_series h, bars;
        hourly(&h);
        merge(&h, cs[k].per, cs[k].tf, &bars);
        pr_market_spec m;
        perp(&m, 0);
        pr_sizing z;
        pr_sizing_default(&z);
        z.mode = PR_SIZE_FIXED_QTY;
        z.qty = 1;
        pr_err err;
        pr_err_clear(&err);
        assert_int_equal(et_run1(&sc, &m, &bars, cs[k].with_fine ? &h : NULL, &z, 100000, &r, &err), 0);
        assert_int_equal(r.n_open, 1);
        assert_true(fabs(r.open_trades[0].funding - 11.515) < 1e-9);
        /* A perpetual is not bought with cash: cash stays the margin
         * balance (start - funding); the margin in use at the end is the
         * position's value at the last close, 133.5 (leverage 1). */
        size_t e = r.n_steps - 1;
        pr_bt_account_point ap;
        assert_int_equal(pr_backtest_account_at(&r, e, &ap), PR_OK);
        assert_true(fabs(ap.cash - (100000 - 11.515)) < 1e-9 && ap.cash == ap.balance);
        assert_true(fabs(r.margin_used[e] - 133.5) < 1e-9);
        pr_backtest_result_free(&r);
        pr_series_free(&h);
        pr_series_free(&bars);
    }
}

/* Consistency on real bars: BTCUSDT hourly from 2024-07-20 (tests/data/
 * reference), 20 days. Entries at midnights with a stop 1.5% away (long and
 * short by turns; several are stopped out during the day), exits at the
 * next midnight, and a stop entry; funding from a series varying every 8 h.
 * The run on 1h bars, on 4h and on 1d bars with the hourly ones inside
 * makes the same fills, so each trade must pay the same funding (to
 * rounding) and end with the same equity. */
static void test_timeframes_agree(void **state) {
    (void)state;
    char path[512];
    pr_series all, h;
    assert_int_equal(et_read_csv(pr_test_path("tests/data/reference/BTCUSDT-1h.csv", path, sizeof path), PR_TF_1H,
                                 &all), 0);
    int64_t start = et_time(2024, 7, 20, 0, 0);
    size_t lo = 0;
    while (lo < all.len && all.ts[lo] < start) lo++;
    const size_t nh = 20 * 24;
    assert_true(lo + nh <= all.len);
    pr_series_init(&h, nh);
    h.tf = PR_TF_1H;
    for (size_t k = 0; k < nh; k++) {
        assert_true(all.ts[lo + k] == start + (int64_t)k * PR_MS_PER_HOUR);   /* no gap in the window */
        pr_series_push(&h, all.ts[lo + k], all.open[lo + k], all.high[lo + k], all.low[lo + k], all.close[lo + k], 1);
    }
    pr_series_free(&all);
    int64_t fts[60];
    double frate[60];
    for (int k = 0; k < 60; k++) {
        fts[k] = start + (int64_t)k * 8 * PR_MS_PER_HOUR + (k % 3 == 1 ? 2 : 0);
        frate[k] = 0.0001 * ((k * 7) % 5 - 1);
    }
    static const tf_case cs[] = {{1, PR_TF_1H, 0}, {4, PR_TF_4H, 1}, {24, PR_TF_1D, 1}};
    pr_backtest_result r[3];
    for (size_t c = 0; c < 3; c++) {
        et_script sc;
        et_script_reset(&sc);
        for (int k = 0; k < 7; k++) {
            int day = 2 * k + 1;
            double close = h.close[24 * day - 1];
            pr_signal *sg = et_script_add(&sc, at_midnight(cs[c].per, day), k % 2 ? PR_SIG_ENTER_SHORT : PR_SIG_ENTER_LONG, 0);
            sg->stop = k % 2 ? close * 1.015 : close * 0.985;
            if (k == 6) sg->entry_stop = close * 1.003;
            et_script_add(&sc, at_midnight(cs[c].per, day + 1 + (k == 6)), PR_SIG_EXIT, 0);
        }
        pr_series bars;
        merge(&h, cs[c].per, cs[c].tf, &bars);
        pr_market_spec m;
        et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
        m.funding.perpetual = 1;
        m.funding.ts = fts;
        m.funding.rate = frate;
        m.funding.n = 60;
        pr_sizing z;
        pr_sizing_default(&z);
        z.mode = PR_SIZE_FIXED_QTY;
        z.qty = 1;
        pr_err err;
        pr_err_clear(&err);
        assert_int_equal(et_run1(&sc, &m, &bars, cs[c].with_fine ? &h : NULL, &z, 1e6, &r[c], &err), 0);
        pr_series_free(&bars);
    }
    size_t stopped = 0;
    double total = 0;
    assert_int_equal(r[0].n_trades, 7);
    for (size_t t = 0; t < r[0].n_trades; t++) {
        stopped += r[0].trades[t].exit_role == PR_ROLE_STOP;
        total += fabs(r[0].trades[t].funding);
    }
    assert_true(stopped >= 2 && stopped < 7 && total > 0);   /* the case is not degenerate */
    for (size_t c = 1; c < 3; c++) {
        assert_int_equal(r[c].n_trades, r[0].n_trades);
        for (size_t t = 0; t < r[0].n_trades; t++) {
            const pr_trade *a = &r[0].trades[t], *b = &r[c].trades[t];
            if (fabs(a->funding - b->funding) > 1e-9)
                fprintf(stderr, "%dh bars, trade %zu: funding %.12g, on 1h bars %.12g\n", cs[c].per, t, b->funding,
                        a->funding);
            assert_true(a->entry_price == b->entry_price && a->exit_price == b->exit_price);
            assert_true(fabs(a->funding - b->funding) < 1e-9);
        }
        assert_true(fabs(r[c].final_equity - r[0].final_equity) < 1e-6);
    }
    for (size_t c = 0; c < 3; c++) pr_backtest_result_free(&r[c]);
    pr_series_free(&h);
}

/* Coverage. 8-hourly grid over [00:00 day 0, 08:00 day 2): 00:00, 08:00,
 * 16:00, 00:00, 08:00, 16:00, 00:00 (hours 0..48). Rates at 08:00 + 1 ms,
 * 16:00 and 16:00 (day 1) - 3 ms: within half an interval, so covered.
 * Uncovered: hour 0 (1), hours 24 and 32 (2), hour 48 (1): 3 spans, 4
 * times. */
static void test_coverage(void **state) {
    (void)state;
    int64_t ts[3] = {H(8) + 1, H(16), H(40) - 3};
    double rate[3] = {0.1, 0.2, 0.3};
    pr_funding fd = {.perpetual = 1, .ts = ts, .rate = rate, .n = 3};
    pr_funding_gap g[2];
    size_t ns = 0, nm = 0;
    assert_int_equal(pr_funding_gaps(&fd, H(0), H(56), g, 2, &ns, &nm), PR_OK);
    assert_int_equal(ns, 3);
    assert_int_equal(nm, 4);
    assert_true(g[0].first == H(0) && g[0].last == H(0) && g[0].n == 1);
    assert_true(g[1].first == H(24) && g[1].last == H(32) && g[1].n == 2);
    /* Completed with 0.5 there: 7 rates in time order. */
    int64_t *ot = NULL;
    double *orate = NULL;
    size_t n = 0;
    assert_int_equal(pr_funding_fill(&fd, H(0), H(56), 0.5, &ot, &orate, &n, NULL), PR_OK);
    const int64_t et[7] = {H(0), H(8) + 1, H(16), H(24), H(32), H(40) - 3, H(48)};
    const double er[7] = {0.5, 0.1, 0.2, 0.5, 0.5, 0.3, 0.5};
    assert_int_equal(n, 7);
    for (int k = 0; k < 7; k++) assert_true(ot[k] == et[k] && orate[k] == er[k]);
    free(ot);
    free(orate);
    /* No rates at all over [01:00, 17:00): 08:00 and 16:00, one span. */
    pr_funding none = {.perpetual = 1};
    assert_int_equal(pr_funding_gaps(&none, H(1), H(17), g, 2, &ns, &nm), PR_OK);
    assert_true(ns == 1 && nm == 2 && g[0].first == H(8) && g[0].last == H(16));
    /* Fully covered: nothing. */
    assert_int_equal(pr_funding_gaps(&fd, H(8), H(24), g, 2, &ns, &nm), PR_OK);
    assert_true(ns == 0 && nm == 0);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stopped_out_in_first_hour),
        cmocka_unit_test(test_stop_entry_at_0100),
        cmocka_unit_test(test_held_without_orders),
        cmocka_unit_test(test_timeframes_agree),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
