/* The one-pass form pr_ta_cdl_all: every pattern's output equal to TA-Lib's
 * golden file (AAPL daily, all 61; BTCUSDT 1h, the 44 of cdl_new_btc.csv)
 * and, bit for bit, to one pr_ta_cdl_ex call per pattern, on the golden bars
 * and on random bars spanning several blocks, with NaNs, with other candle
 * settings and with fewer bars than the lookbacks. */
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

static const char *const col_names[PR_TA_CDL_COUNT] = {
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)("cdl" #name, )
#include "proratio/ta/list.h"
#undef PR_TA_ROW
};

static double **alloc_outs(size_t n) {
    double **out = calloc(PR_TA_CDL_COUNT, sizeof *out);
    assert_non_null(out);
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        out[p] = malloc((n ? n : 1) * sizeof(double));
        assert_non_null(out[p]);
    }
    return out;
}

static void free_outs(double **out) {
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) free(out[p]);
    free(out);
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* pr_ta_cdl_all against one pr_ta_cdl_ex call per pattern, bit for bit. */
static void expect_as_separate(size_t n, const double *o, const double *h, const double *l, const double *c,
                               const pr_ta_candle_settings *cs, const char *what) {
    double **all = alloc_outs(n), *one = malloc((n ? n : 1) * sizeof *one);
    assert_non_null(one);
    assert_int_equal(pr_ta_cdl_all(n, o, h, l, c, NULL, cs, all), PR_OK);
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        assert_int_equal(pr_ta_cdl_ex((pr_ta_cdl_pattern)p, n, o, h, l, c, -1.0, cs, one), PR_OK);
        for (size_t i = 0; i < n; i++)
            if (!same(all[p][i], one[i]))
                fail_msg("%s %s: bar %zu: one pass %g, separate %g", what, col_names[p], i, all[p][i], one[i]);
    }
    free(one);
    free_outs(all);
}

/* One pass over a golden file's bars equals its columns; returns how many
 * patterns were compared. */
static int check_golden(const char *file) {
    pr_golden g;
    assert_int_equal(pr_golden_load(file, &g), 0);
    double **all = alloc_outs(g.n);
    assert_int_equal(pr_ta_cdl_all(g.n, g.open, g.high, g.low, g.close, NULL, NULL, all), PR_OK);
    int compared = 0;
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        const double *ref = pr_golden_col(&g, col_names[p]);
        if (!ref) continue;
        for (size_t i = 0; i < g.n; i++)
            if (!same(all[p][i], ref[i]))
                fail_msg("%s %s: row %zu: one pass %g, TA-Lib %g", file, col_names[p], i, all[p][i], ref[i]);
        compared++;
    }
    expect_as_separate(g.n, g.open, g.high, g.low, g.close, NULL, file);
    free_outs(all);
    pr_golden_free(&g);
    return compared;
}

static void test_golden_aapl(void **state) {
    (void)state;
    assert_int_equal(check_golden("cdl_all_aapl_1d.csv"), 61);
}

static void test_golden_btc(void **state) {
    (void)state;
    assert_int_equal(check_golden("cdl_new_btc.csv"), 44);
}

/* Random walk bars; with gaps between candles half of the time, so the gap
 * patterns fire too. */
static void random_bars(size_t n, unsigned seed, double *o, double *h, double *l, double *c) {
    srand(seed);
    double px = 100.0;
    for (size_t i = 0; i < n; i++) {
        double u = (double)rand() / RAND_MAX - 0.5, gap = rand() % 2 ? ((double)rand() / RAND_MAX - 0.5) * 3 : 0;
        o[i] = px + gap;
        c[i] = o[i] + u * 4;
        double top = o[i] > c[i] ? o[i] : c[i], bot = o[i] < c[i] ? o[i] : c[i];
        h[i] = top + (rand() % 3 ? (double)rand() / RAND_MAX : 0.0);
        l[i] = bot - (rand() % 3 ? (double)rand() / RAND_MAX : 0.0);
        px = c[i];
    }
}

static void test_random_bars(void **state) {
    (void)state;
    size_t n = 5000;   /* several blocks, the last one partial */
    double *o = malloc(n * sizeof *o), *h = malloc(n * sizeof *h), *l = malloc(n * sizeof *l),
           *c = malloc(n * sizeof *c);
    assert_true(o && h && l && c);
    random_bars(n, 7, o, h, l, c);
    expect_as_separate(n, o, h, l, c, NULL, "random");

    /* other settings: every period, range and factor changed */
    pr_ta_candle_settings cs;
    pr_ta_candle_settings_default(&cs);
    for (int k = 0; k < PR_TA_CANDLE_SETTING_COUNT; k++) {
        cs.s[k].range = (cs.s[k].range + 1) % 3;
        cs.s[k].period = (k * 7) % 23;
        cs.s[k].factor *= 1.5;
    }
    expect_as_separate(n, o, h, l, c, &cs, "random, other settings");

    /* fewer bars than most lookbacks */
    expect_as_separate(9, o, h, l, c, NULL, "9 bars");
    expect_as_separate(0, o, h, l, c, NULL, "no bars");

    /* a NaN: the separate calls' NaN handling, same outputs */
    h[2600] = NAN;
    expect_as_separate(n, o, h, l, c, NULL, "random with NaN");
    free(o);
    free(h);
    free(l);
    free(c);
}

/* Only the patterns asked for are written; a bad penetration or setting is
 * refused. */
static void test_subset_and_errors(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("cdl_all_aapl_1d.csv", &g), 0);
    double **all = alloc_outs(g.n), *mine[PR_TA_CDL_COUNT] = {0};
    double *ref = malloc(g.n * sizeof *ref);
    assert_non_null(ref);
    mine[PR_TA_CDL_morningstar] = all[0];
    double pens[PR_TA_CDL_COUNT];
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) pens[p] = -1;
    pens[PR_TA_CDL_morningstar] = 0.6;
    assert_int_equal(pr_ta_cdl_all(g.n, g.open, g.high, g.low, g.close, pens, NULL, mine), PR_OK);
    assert_int_equal(pr_ta_cdl(PR_TA_CDL_morningstar, g.n, g.open, g.high, g.low, g.close, 0.6, ref), PR_OK);
    for (size_t i = 0; i < g.n; i++) assert_true(same(all[0][i], ref[i]));
    pens[PR_TA_CDL_morningstar] = NAN;
    assert_int_equal(pr_ta_cdl_all(g.n, g.open, g.high, g.low, g.close, pens, NULL, mine), PR_EINVAL);
    pr_ta_candle_settings cs;
    pr_ta_candle_settings_default(&cs);
    cs.s[PR_TA_CANDLE_NEAR].period = -1;
    assert_int_equal(pr_ta_cdl_all(g.n, g.open, g.high, g.low, g.close, NULL, &cs, mine), PR_EINVAL);
    free(ref);
    free_outs(all);
    pr_golden_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_aapl),
        cmocka_unit_test(test_golden_btc),
        cmocka_unit_test(test_random_bars),
        cmocka_unit_test(test_subset_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
