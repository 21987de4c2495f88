/* Overlap-family indicators against TA-Lib 0.6.4 golden outputs
 * (tests/data/golden/): every value within tolerance, NaN exactly in the
 * lookback cells, and the streaming form equal to the batch form bit for bit
 * over all 3000 bars. Runs through the indicator table, so the generic
 * run/stream adapters are covered too; prints the worst relative error found
 * per indicator (quoted in the README). */
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

typedef struct gcase {
    const char *file;     /* golden file                                   */
    const char *name;     /* table name                                    */
    int nparams;
    double params[4];
    int pair;             /* 1: real0 = high, real1 = low; else real0 = close */
    const char *cols[3];  /* golden columns, in the table's output order   */
    double tol;
} gcase;

static const gcase cases[] = {
    {"sma_20.csv", "sma", 1, {20}, 0, {"sma"}, 1e-9},
    {"ema_20.csv", "ema", 1, {20}, 0, {"ema"}, 1e-9},
    {"wma_20.csv", "wma", 1, {20}, 0, {"wma"}, 1e-9},
    {"dema_20.csv", "dema", 1, {20}, 0, {"dema"}, 1e-9},
    {"tema_20.csv", "tema", 1, {20}, 0, {"tema"}, 1e-9},
    {"trima_20.csv", "trima", 1, {20}, 0, {"trima"}, 1e-9},
    {"kama_30.csv", "kama", 1, {30}, 0, {"kama"}, 1e-9},
    {"t3_5.csv", "t3", 2, {5, 0.7}, 0, {"t3"}, 1e-9},
    {"macd_12_26_9.csv", "macd", 3, {12, 26, 9}, 0, {"macd", "signal", "hist"}, 1e-9},
    {"apo_12_26.csv", "apo", 3, {12, 26, 0}, 0, {"apo"}, 1e-9},
    {"ppo_12_26.csv", "ppo", 3, {12, 26, 0}, 0, {"ppo"}, 1e-9},
    {"trix_15.csv", "trix", 1, {15}, 0, {"trix"}, 1e-9},
    {"bbands_20_2.csv", "bbands", 3, {20, 2, 2}, 0, {"upper", "middle", "lower"}, 1e-8},
    {"stddev_20.csv", "stddev", 2, {20, 1}, 0, {"stddev"}, 1e-8},
    {"var_20.csv", "var", 1, {20}, 0, {"var"}, 1e-8},
    {"linearreg_14.csv", "linearreg", 1, {14}, 0, {"linearreg"}, 1e-9},
    {"linearreg_slope_14.csv", "linearreg_slope", 1, {14}, 0, {"linearreg_slope"}, 1e-9},
    {"correl_30.csv", "correl", 1, {30}, 1, {"correl"}, 1e-8},
    {"beta_5.csv", "beta", 1, {5}, 1, {"beta"}, 1e-8},
    {"midprice_14.csv", "midprice", 1, {14}, 1, {"midprice"}, 1e-9},
    {"ht_trendline.csv", "ht_trendline", 0, {0}, 0, {"ht_trendline"}, 1e-9},
    {"linearreg_intercept_14.csv", "linearreg_intercept", 1, {14}, 0, {"linearreg_intercept"}, 1e-9},
    {"linearreg_angle_14.csv", "linearreg_angle", 1, {14}, 0, {"linearreg_angle"}, 1e-9},
    {"tsf_14.csv", "tsf", 1, {14}, 0, {"tsf"}, 1e-9},
    {"midpoint_14.csv", "midpoint", 1, {14}, 0, {"midpoint"}, 1e-9},
};

static void run_case(const gcase *c) {
    pr_golden g;
    assert_int_equal(pr_golden_load(c->file, &g), 0);
    assert_int_equal(g.n, 3000);
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(c->name, &d), PR_OK);
    double full[PR_TA_MAX_PARAMS];
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_ta_check_params(d, c->params, c->nparams, full, &err), PR_OK);

    pr_ta_input in;
    memset(&in, 0, sizeof in);
    in.n = g.n;
    in.open = g.open;
    in.high = g.high;
    in.low = g.low;
    in.close = g.close;
    in.volume = g.volume;
    in.real0 = c->pair ? g.high : g.close;
    in.real1 = c->pair ? g.low : NULL;

    double *out[3], *stream[3];
    for (int k = 0; k < d->n_outputs; k++) {
        out[k] = malloc(g.n * sizeof(double));
        stream[k] = malloc(g.n * sizeof(double));
        assert_non_null(out[k]);
        assert_non_null(stream[k]);
    }
    assert_int_equal(d->run(&in, full, out), PR_OK);

    int lb = -1;
    assert_int_equal(d->lookback(full, &lb), PR_OK);
    for (int k = 0; k < d->n_outputs; k++) {
        const double *ref = pr_golden_col(&g, c->cols[k]);
        assert_non_null(ref);
        /* the golden lookback (first non-empty row) is the table's lookback */
        assert_true(isnan(ref[lb > 0 ? lb - 1 : 0]) || lb == 0);
        assert_false(isnan(ref[lb]));
        pr_golden_expect_close(c->cols[k], out[k], ref, g.n, c->tol);
        size_t bad, first;
        double e = pr_golden_max_err(out[k], ref, g.n, &bad, &first);
        printf("max-rel-err %-16s %-8s %.3g\n", c->name, c->cols[k], e);
    }

    void *st = NULL;
    assert_int_equal(d->stream_new(full, &st), PR_OK);
    for (size_t i = 0; i < g.n; i++) {
        pr_ta_bar b;
        memset(&b, 0, sizeof b);
        b.open = g.open[i];
        b.high = g.high[i];
        b.low = g.low[i];
        b.close = g.close[i];
        b.volume = g.volume[i];
        b.real0 = c->pair ? g.high[i] : g.close[i];
        b.real1 = c->pair ? g.low[i] : 0.0;
        double o[PR_TA_MAX_OUTPUTS];
        assert_int_equal(d->stream_update(st, &b, o), PR_OK);
        for (int k = 0; k < d->n_outputs; k++) stream[k][i] = o[k];
    }
    d->stream_free(st);
    for (int k = 0; k < d->n_outputs; k++) {
        pr_golden_expect_same(c->cols[k], stream[k], out[k], g.n);
        free(out[k]);
        free(stream[k]);
    }
    pr_golden_free(&g);
}

static void test_golden(void **state) {
    run_case((const gcase *)*state);
}

int main(void) {
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N];
    for (size_t i = 0; i < N; i++) {
        tests[i].name = cases[i].file;
        tests[i].test_func = test_golden;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = NULL;
        tests[i].initial_state = (void *)&cases[i];
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
