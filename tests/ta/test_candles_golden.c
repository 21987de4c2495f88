/* Every candlestick pattern of the indicator table against TA-Lib 0.6.4's
 * outputs (tests/data/golden/, see CANDLES.md there): all 61 on 3000 daily
 * AAPL bars (cdl_all_aapl_1d.csv, where most patterns needing a price gap
 * fire), and the 44 added after the first seventeen on the 3000 BTCUSDT 1h
 * bars (cdl_new_btc.csv; the first seventeen are in test_momentum_golden).
 * Codes and the empty lookback cells must match exactly, and the streaming
 * form must equal the batch form bit for bit. Runs through the table, by the
 * golden column name (TA-Lib's function name in lower case), so a pattern
 * missing from the table fails here. */
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

/* Batch and streaming of table entry d (default parameters) over g's bars;
 * asserts they agree bit for bit; the batch result goes to out. */
static void run_pattern(const pr_ta_def *d, const pr_golden *g, double *out) {
    double full[PR_TA_MAX_PARAMS];
    pr_err err;
    assert_int_equal(pr_ta_check_params(d, NULL, 0, full, &err), PR_OK);
    pr_ta_input in = {g->n, NULL, g->open, g->high, g->low, g->close, g->volume, g->close, NULL};
    double *outs[1] = {out};
    assert_int_equal(d->run(&in, full, outs), PR_OK);

    void *st = NULL;
    assert_int_equal(d->stream_new(full, &st), PR_OK);
    for (size_t i = 0; i < g->n; i++) {
        pr_ta_bar b = {0, g->open[i], g->high[i], g->low[i], g->close[i], g->volume[i], g->close[i], 0};
        double v;
        assert_int_equal(d->stream_update(st, &b, &v), PR_OK);
        if (!(isnan(v) && isnan(out[i])) && v != out[i])
            fail_msg("%s: bar %zu: stream %g, batch %g", d->name, i, v, out[i]);
    }
    d->stream_free(st);
}

/* Exact comparison with the reference column; returns the non-zero count. */
static size_t expect_exact(const char *file, const pr_ta_def *d, const double *ours, const double *ref,
                           size_t n) {
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(ref[i])) {
            if (!isnan(ours[i])) fail_msg("%s %s: row %zu should be empty, got %g", file, d->name, i, ours[i]);
            continue;
        }
        if (ours[i] != ref[i]) fail_msg("%s %s: row %zu: ours %g, TA-Lib %g", file, d->name, i, ours[i], ref[i]);
        hits += ref[i] != 0;
    }
    return hits;
}

/* Runs every "pattern" table entry that has a column in `file`; returns how
 * many were compared. */
static int check_file(const char *file, int *fired) {
    pr_golden g;
    assert_int_equal(pr_golden_load(file, &g), 0);
    assert_int_equal(g.n, 3000);
    double *out = malloc(g.n * sizeof *out);
    assert_non_null(out);
    int compared = 0;
    *fired = 0;
    for (size_t k = 0; k < pr_ta_count(); k++) {
        const pr_ta_def *d = pr_ta_at(k);
        if (strcmp(d->group, "pattern") != 0) continue;
        const double *ref = pr_golden_col(&g, d->name);
        if (!ref) continue;
        assert_int_equal(d->talib, 1);
        run_pattern(d, &g, out);
        size_t hits = expect_exact(file, d, out, ref, g.n);
        printf("  %-22s %-22s %4zu non-zero\n", file, d->name, hits);
        compared++;
        *fired += hits > 0;
    }
    /* every column of the file was matched by a table entry */
    assert_int_equal(compared, g.ncols);
    free(out);
    pr_golden_free(&g);
    return compared;
}

static void test_aapl_all_61(void **state) {
    (void)state;
    int fired;
    assert_int_equal(check_file("cdl_all_aapl_1d.csv", &fired), 61);
    assert_int_equal(fired, 52); /* the golden README's count */
}

static void test_btc_new_44(void **state) {
    (void)state;
    int fired;
    assert_int_equal(check_file("cdl_new_btc.csv", &fired), 44);
    assert_int_equal(fired, 24); /* 44 less the 20 the golden README lists as silent */
}

/* With a NaN in the bars, batch (then on its NaN-checking loop rather than
 * the pattern's own) still equals streaming bit for bit, for every pattern:
 * the cells before the NaN equal the clean run, the bars whose candles
 * include it are NaN. */
static void test_nan_bars(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("cdl_all_aapl_1d.csv", &g), 0);
    size_t n = g.n, bad = 1500;
    double *clean = malloc(n * sizeof *clean), *out = malloc(n * sizeof *out);
    assert_true(clean && out);
    for (size_t k = 0; k < pr_ta_count(); k++) {
        const pr_ta_def *d = pr_ta_at(k);
        if (strcmp(d->group, "pattern") != 0) continue;
        run_pattern(d, &g, clean);
        double keep = g.low[bad];
        g.low[bad] = NAN;
        run_pattern(d, &g, out);
        g.low[bad] = keep;
        for (size_t i = 0; i < bad; i++)
            if (!(isnan(clean[i]) && isnan(out[i])) && clean[i] != out[i])
                fail_msg("%s: bar %zu before the NaN changed", d->name, i);
        assert_true(isnan(out[bad]));
    }
    free(clean);
    free(out);
    pr_golden_free(&g);
}

/* The table holds exactly TA-Lib's 61 patterns. */
static void test_pattern_count(void **state) {
    (void)state;
    int n = 0;
    for (size_t k = 0; k < pr_ta_count(); k++) n += strcmp(pr_ta_at(k)->group, "pattern") == 0;
    assert_int_equal(n, 61);
    assert_int_equal(PR_TA_CDL_COUNT, 61);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_count),
        cmocka_unit_test(test_aapl_all_61),
        cmocka_unit_test(test_btc_new_44),
        cmocka_unit_test(test_nan_bars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
