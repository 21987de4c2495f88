/* Momentum-family indicators and candlestick patterns against TA-Lib 0.6.4
 * golden outputs (tests/data/golden/): every value within tolerance (the
 * candlestick codes exactly), NaN exactly in the lookback cells, and the
 * streaming form equal to the batch form bit for bit over all 3000 bars —
 * also with NaN injected into the inputs. Runs through the indicator table,
 * so the generic run/stream adapters are covered too. Prints the worst
 * relative error found per indicator (quoted in the README). */
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
    const char *file;     /* golden file                                 */
    const char *name;     /* table name                                  */
    int nparams;
    double params[4];
    const char *cols[2];  /* golden columns, in the table's output order */
    double tol;           /* relative tolerance (0: exact)               */
} gcase;

static const gcase cases[] = {
    {"rsi_14.csv", "rsi", 1, {14}, {"rsi"}, 1e-9},
    {"cmo_14.csv", "cmo", 1, {14}, {"cmo"}, 1e-9},
    {"mom_10.csv", "mom", 1, {10}, {"mom"}, 1e-9},
    {"roc_10.csv", "roc", 1, {10}, {"roc"}, 1e-9},
    {"rocp_10.csv", "rocp", 1, {10}, {"rocp"}, 1e-9},
    {"rocr_10.csv", "rocr", 1, {10}, {"rocr"}, 1e-9},
    {"rocr100_10.csv", "rocr100", 1, {10}, {"rocr100"}, 1e-9},
    {"dm_14.csv", "plus_dm", 1, {14}, {"plus_dm"}, 1e-9},
    {"dm_14.csv", "minus_dm", 1, {14}, {"minus_dm"}, 1e-9},
    {"stoch_14_3_3.csv", "stoch", 3, {14, 3, 3}, {"slowk", "slowd"}, 1e-9},
    {"stochf_14_3.csv", "stochf", 2, {14, 3}, {"fastk", "fastd"}, 1e-9},
    {"stochrsi_14.csv", "stochrsi", 3, {14, 14, 3}, {"fastk", "fastd"}, 1e-9},
    {"willr_14.csv", "willr", 1, {14}, {"willr"}, 1e-8},
    {"cci_20.csv", "cci", 1, {20}, {"cci"}, 1e-9},
    {"ultosc.csv", "ultosc", 3, {7, 14, 28}, {"ultosc"}, 1e-9},
    {"bop.csv", "bop", 0, {0}, {"bop"}, 1e-9},
    {"di_14.csv", "plus_di", 1, {14}, {"plus_di"}, 1e-9},
    {"di_14.csv", "minus_di", 1, {14}, {"minus_di"}, 1e-9},
    {"dx_14.csv", "dx", 1, {14}, {"dx"}, 1e-9},
    {"adx_14.csv", "adx", 1, {14}, {"adx"}, 1e-9},
    {"adxr_14.csv", "adxr", 1, {14}, {"adxr"}, 1e-9},
    {"aroon_14.csv", "aroon", 1, {14}, {"down", "up"}, 1e-9},
    {"aroonosc_14.csv", "aroonosc", 1, {14}, {"aroonosc"}, 1e-9},
    {"sar.csv", "sar", 2, {0.02, 0.2}, {"sar"}, 1e-9},
    {"trange.csv", "trange", 0, {0}, {"trange"}, 1e-9},
    {"atr_14.csv", "atr", 1, {14}, {"atr"}, 1e-9},
    {"natr_14.csv", "natr", 1, {14}, {"natr"}, 1e-9},
    {"obv.csv", "obv", 0, {0}, {"obv"}, 1e-9},
    {"ad.csv", "ad", 0, {0}, {"ad"}, 1e-9},
    {"adosc_3_10.csv", "adosc", 2, {3, 10}, {"adosc"}, 1e-9},
    {"mfi_14.csv", "mfi", 1, {14}, {"mfi"}, 1e-8},
    {"cdl_engulfing.csv", "cdlengulfing", 0, {0}, {"cdlengulfing"}, 0},
    {"cdl_doji.csv", "cdldoji", 0, {0}, {"cdldoji"}, 0},
    {"cdl_hammer.csv", "cdlhammer", 0, {0}, {"cdlhammer"}, 0},
    {"cdl_dragonflydoji.csv", "cdldragonflydoji", 0, {0}, {"cdldragonflydoji"}, 0},
    {"cdl_gravestonedoji.csv", "cdlgravestonedoji", 0, {0}, {"cdlgravestonedoji"}, 0},
    {"cdl_marubozu.csv", "cdlmarubozu", 0, {0}, {"cdlmarubozu"}, 0},
    {"cdl_spinningtop.csv", "cdlspinningtop", 0, {0}, {"cdlspinningtop"}, 0},
    {"cdl_hangingman.csv", "cdlhangingman", 0, {0}, {"cdlhangingman"}, 0},
    {"cdl_invertedhammer.csv", "cdlinvertedhammer", 0, {0}, {"cdlinvertedhammer"}, 0},
    {"cdl_shootingstar.csv", "cdlshootingstar", 0, {0}, {"cdlshootingstar"}, 0},
    {"cdl_harami.csv", "cdlharami", 0, {0}, {"cdlharami"}, 0},
    {"cdl_piercing.csv", "cdlpiercing", 0, {0}, {"cdlpiercing"}, 0},
    {"cdl_darkcloudcover_0.5.csv", "cdldarkcloudcover", 1, {0.5}, {"cdldarkcloudcover"}, 0},
    {"cdl_morningstar_0.3.csv", "cdlmorningstar", 1, {0.3}, {"cdlmorningstar"}, 0},
    {"cdl_eveningstar_0.3.csv", "cdleveningstar", 1, {0.3}, {"cdleveningstar"}, 0},
    {"cdl_3whitesoldiers.csv", "cdl3whitesoldiers", 0, {0}, {"cdl3whitesoldiers"}, 0},
    {"cdl_3blackcrows.csv", "cdl3blackcrows", 0, {0}, {"cdl3blackcrows"}, 0},
};

/* Every table entry of this family, for the streaming == batch checks. */
static const char *const family[] = {
    "rsi", "cmo", "mom", "roc", "rocp", "rocr", "rocr100", "stoch", "stochf", "stochrsi", "willr",
    "cci", "ultosc", "bop", "plus_dm", "minus_dm", "plus_di", "minus_di", "dx", "adx", "adxr",
    "aroon", "aroonosc", "sar", "trange", "atr", "natr", "obv", "ad", "adosc", "mfi",
    "cdldoji", "cdldragonflydoji", "cdlgravestonedoji", "cdlmarubozu", "cdlspinningtop",
    "cdlengulfing", "cdlhammer", "cdlhangingman", "cdlinvertedhammer", "cdlshootingstar",
    "cdlharami", "cdlpiercing", "cdldarkcloudcover", "cdlmorningstar", "cdleveningstar",
    "cdl3whitesoldiers", "cdl3blackcrows",
};

static void run_case(const gcase *c) {
    pr_golden g;
    assert_int_equal(pr_golden_load(c->file, &g), 0);
    assert_int_equal(g.n, 3000);
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(c->name, &d), PR_OK);
    assert_int_equal(d->talib, 1);
    double full[PR_TA_MAX_PARAMS];
    pr_err err;
    assert_int_equal(pr_ta_check_params(d, c->params, c->nparams, full, &err), PR_OK);
    int lb = -1;
    assert_int_equal(d->lookback(full, &lb), PR_OK);

    pr_ta_input in = pr_golden_input(&g, NULL, NULL);
    double *outs[2] = {NULL, NULL};
    for (int k = 0; k < d->n_outputs; k++) {
        outs[k] = malloc(g.n * sizeof(double));
        assert_non_null(outs[k]);
    }
    pr_golden_run_both(d, full, &in, outs);

    for (int k = 0; k < d->n_outputs; k++) {
        const double *ref = pr_golden_col(&g, c->cols[k]);
        assert_non_null(ref);
        /* the lookback the table reports is where the reference starts */
        assert_true(isnan(ref[lb - 1 >= 0 ? lb - 1 : 0]) || lb == 0);
        assert_false(isnan(ref[lb]));
        size_t bad = 0, first = 0;
        double worst = pr_golden_max_err(outs[k], ref, g.n, &bad, &first);
        printf("  %-10s %-12s max rel err %.3g\n", c->name, c->cols[k], worst);
        char what[96];
        snprintf(what, sizeof what, "%s[%s]", c->name, c->cols[k]);
        if (c->tol == 0) {
            for (size_t i = 0; i < g.n; i++) {
                if (isnan(ref[i])) {
                    if (!isnan(outs[k][i])) fail_msg("%s: row %zu should be NaN", what, i);
                } else if (outs[k][i] != ref[i]) {
                    fail_msg("%s: row %zu: ours %g, reference %g", what, i, outs[k][i], ref[i]);
                }
            }
        } else {
            pr_golden_expect_close(what, outs[k], ref, g.n, c->tol);
        }
    }
    for (int k = 0; k < d->n_outputs; k++) free(outs[k]);
    pr_golden_free(&g);
}

static void test_golden(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i]);
}

/* Streaming == batch for every entry of the family, with default parameters,
 * on the golden bars and on a copy with NaN injected in each input column. */
static void test_stream_equals_batch(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("obv.csv", &g), 0);
    size_t n = g.n;
    double *cols[6];
    for (int k = 0; k < 6; k++) {
        cols[k] = malloc(n * sizeof(double));
        assert_non_null(cols[k]);
    }
    for (int pass = 0; pass < 2; pass++) {
        memcpy(cols[0], g.open, n * sizeof(double));
        memcpy(cols[1], g.high, n * sizeof(double));
        memcpy(cols[2], g.low, n * sizeof(double));
        memcpy(cols[3], g.close, n * sizeof(double));
        memcpy(cols[4], g.volume, n * sizeof(double));
        memcpy(cols[5], g.close, n * sizeof(double));
        if (pass == 1) {
            cols[0][2500] = NAN;
            cols[1][1200] = NAN;
            cols[2][1800] = NAN;
            cols[3][2200] = NAN;
            cols[5][2200] = NAN;
            cols[4][2600] = NAN;
        }
        pr_ta_input in = {0};
        in.n = n;
        in.open = cols[0];
        in.high = cols[1];
        in.low = cols[2];
        in.close = cols[3];
        in.volume = cols[4];
        in.real0 = cols[5];
        for (size_t f = 0; f < sizeof family / sizeof family[0]; f++) {
            const pr_ta_def *d = NULL;
            assert_int_equal(pr_ta_find(family[f], &d), PR_OK);
            double full[PR_TA_MAX_PARAMS];
            assert_int_equal(pr_ta_check_params(d, NULL, 0, full, NULL), PR_OK);
            double *outs[PR_TA_MAX_OUTPUTS];
            for (int k = 0; k < d->n_outputs; k++) {
                outs[k] = malloc(n * sizeof(double));
                assert_non_null(outs[k]);
            }
            pr_golden_run_both(d, full, &in, outs);
            if (pass == 0) {
                /* clean data: no NaN after the lookback */
                int lb = -1;
                assert_int_equal(d->lookback(full, &lb), PR_OK);
                for (int k = 0; k < d->n_outputs; k++)
                    for (size_t i = 0; i < n; i++)
                        if (isnan(outs[k][i]) != (i < (size_t)lb))
                            fail_msg("%s[%s]: row %zu NaN-ness wrong (lookback %d)", d->name,
                                     d->outputs[k], i, lb);
            } else {
                /* every indicator sees some NaN: the last bar must be NaN for
                 * the recursive ones and the output must be NaN somewhere */
                int any = 0;
                for (size_t i = 1200; i < n; i++) any |= isnan(outs[0][i]);
                if (!any) fail_msg("%s: NaN inputs left no trace", d->name);
            }
            for (int k = 0; k < d->n_outputs; k++) free(outs[k]);
        }
    }
    for (int k = 0; k < 6; k++) free(cols[k]);
    pr_golden_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_stream_equals_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
