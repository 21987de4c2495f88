/* The indicator list (include/proratio/ta/list.h) and the table made from
 * it: the table is exactly the rows, in list order, with the row's
 * parameters and outputs (no indicator is added to the table by hand); and, for every table indicator with its default parameters
 * on 3000 real BTCUSDT 1h bars (the golden files' input), the generic
 * adapters are wired to the right typed functions: streaming equals batch
 * bit for bit, n == 0 touches nothing, and a missing input is PR_EINVAL. */
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
#include "golden.h"

/* The rows as the list gives them, expanded here independently of src/ta. */
typedef struct { const char *name; int n_params, n_outputs; } row;
#define COUNT_FIRST_(k, ...) k
#define FIRST_(...) COUNT_FIRST_(__VA_ARGS__, 0)
#define PR_TA_ROW(shape, name, group, desc, talib, params, outputs) \
    {PR_TA_IF_CDL(shape)("cdl") #name, FIRST_ params, FIRST_ outputs},
static const row rows[] = {
#include "proratio/ta/list.h"
};
#undef PR_TA_ROW
#define N_ROWS (sizeof rows / sizeof rows[0])

static void list_rows_are_the_table_in_order(void **state) {
    (void)state;
    /* overlap + momentum (50), candlesticks (17), extra (15), rolling stats (2) */
    assert_true(N_ROWS >= 84);
    assert_int_equal(pr_ta_count(), N_ROWS);
    assert_null(pr_ta_at(N_ROWS));
    for (size_t i = 0; i < N_ROWS; i++) {
        const pr_ta_def *d = pr_ta_at(i);
        assert_non_null(d);
        assert_string_equal(d->name, rows[i].name);
        assert_int_equal(d->n_params, rows[i].n_params);
        assert_int_equal(d->n_outputs, rows[i].n_outputs);
        const pr_ta_def *f = NULL;
        assert_int_equal(pr_ta_find(rows[i].name, &f), PR_OK);
        assert_ptr_equal(f, d);
    }
}

/* The typed API the rows declare is callable as documented (a compile-time
 * check of a few generated declarations, run against hand-computed values). */
static void generated_declarations_compute(void **state) {
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5};
    double o[5];
    int lb = -1;
    assert_int_equal(pr_ta_sma_lookback(3, &lb), PR_OK);
    assert_int_equal(lb, 2);
    assert_int_equal(pr_ta_sma(5, x, 3, o), PR_OK);
    assert_true(isnan(o[0]) && isnan(o[1]));
    assert_true(o[2] == 2.0 && o[3] == 3.0 && o[4] == 4.0);   /* (1+2+3)/3, (2+3+4)/3, (3+4+5)/3 */
    assert_int_equal(pr_ta_mom(5, x, 2, o), PR_OK);
    assert_true(isnan(o[1]) && o[2] == 2.0 && o[4] == 2.0);   /* x - x[-2] */
    const double h[3] = {3, 5, 4}, l[3] = {1, 2, 2}, c[3] = {2, 4, 3};
    assert_int_equal(pr_ta_trange(3, h, l, c, o), PR_OK);
    assert_true(isnan(o[0]) && o[1] == 3.0 && o[2] == 2.0);   /* max(h,cprev)-min(l,cprev) */
    /* Rows of the former hand-written families. */
    double u[3], m[3], d[3];
    assert_int_equal(pr_ta_donchian(3, h, l, 2, u, m, d), PR_OK);
    assert_true(isnan(u[0]) && u[1] == 5.0 && m[1] == 3.0 && d[1] == 1.0);  /* max(3,5), (5+1)/2, min(1,2) */
    assert_true(u[2] == 5.0 && m[2] == 3.5 && d[2] == 2.0);                 /* max(5,4), (5+2)/2, min(2,2) */
    assert_int_equal(pr_ta_rolling_mean(5, x, 2, o), PR_OK);
    assert_true(isnan(o[0]) && o[1] == 1.5 && o[4] == 4.5);                 /* (1+2)/2, (4+5)/2 */
    const double co[2] = {10, 10.05}, ch[2] = {10.5, 10.5}, cl[2] = {9.5, 9.5};
    assert_int_equal(pr_ta_cdl_engulfing_lookback(&lb), PR_OK);
    assert_int_equal(lb, 2);
    pr_ta_cdl_doji_state ds = {0};
    assert_int_equal(pr_ta_cdl_doji_init(&ds), PR_OK);
    assert_int_equal(pr_ta_cdl_doji_update(&ds, co[0], ch[0], cl[0], co[1], &o[0]), PR_OK);
    assert_true(isnan(o[0]));                                               /* lookback 10 */
    pr_ta_cdl_doji_free(&ds);
    assert_int_equal(PR_TA_CDL_doji, 0);
    assert_int_equal(PR_TA_CDL_COUNT, 61);   /* TA-Lib 0.6.4 has 61 CDL* functions */
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0; }

static void every_indicator_streams_its_batch_values(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("sma_20.csv", &g), 0);
    size_t n = g.n;
    int64_t *ts = calloc(n, sizeof *ts);
    assert_non_null(ts);
    for (size_t i = 0; i < n; i++) assert_int_equal(pr_time_parse(g.time[i], (size_t)-1, &ts[i], NULL), PR_OK);
    double *outs[PR_TA_MAX_OUTPUTS];
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) assert_non_null(outs[k] = malloc(n * sizeof(double)));
    pr_ta_input in = {n, ts, g.open, g.high, g.low, g.close, g.volume, g.close, g.low};
    for (size_t i = 0; i < pr_ta_count(); i++) {
        const pr_ta_def *d = pr_ta_at(i);
        double p[PR_TA_MAX_PARAMS];
        assert_int_equal(pr_ta_check_params(d, NULL, 0, p, NULL), PR_OK);
        /* n == 0: PR_OK, nothing written. */
        pr_ta_input empty = {0};
        outs[0][0] = 42.0;
        assert_int_equal(d->run(&empty, p, outs), PR_OK);
        assert_true(outs[0][0] == 42.0);
        /* Batch, then streaming bar by bar. */
        assert_int_equal(d->run(&in, p, outs), PR_OK);
        void *st = NULL;
        assert_int_equal(d->stream_new(p, &st), PR_OK);
        for (size_t t = 0; t < n; t++) {
            pr_ta_bar b = {ts[t], g.open[t], g.high[t], g.low[t], g.close[t], g.volume[t], g.close[t], g.low[t]};
            double v[PR_TA_MAX_OUTPUTS];
            assert_int_equal(d->stream_update(st, &b, v), PR_OK);
            for (int k = 0; k < d->n_outputs; k++)
                if (!same(v[k], outs[k][t])) fail_msg("%s output %d bar %zu: stream %.17g, batch %.17g", d->name, k, t, v[k], outs[k][t]);
        }
        d->stream_free(st);
    }
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) free(outs[k]);
    free(ts);
    pr_golden_free(&g);
}

/* The candlestick rows, the pattern ids and the pattern engine agree: the
 * k-th candlestick row of the list is pattern id k, and its table entry
 * with the row's default parameters gives the engine's values for that id
 * with the engine's default penetration. */
#define CDL_NAME_(shape, name, ...) PR_TA_IF_CDL(shape)("cdl" #name, )
static const char *const cdl_rows[] = {
#define PR_TA_ROW CDL_NAME_
#include "proratio/ta/list.h"
#undef PR_TA_ROW
};

static void candlestick_rows_are_the_pattern_ids(void **state) {
    (void)state;
    assert_int_equal(sizeof cdl_rows / sizeof cdl_rows[0], PR_TA_CDL_COUNT);
    pr_golden g;
    assert_int_equal(pr_golden_load("sma_20.csv", &g), 0);
    size_t n = g.n;
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
    assert_non_null(a);
    assert_non_null(b);
    pr_ta_input in = {n, NULL, g.open, g.high, g.low, g.close, g.volume, NULL, NULL};
    for (int k = 0; k < PR_TA_CDL_COUNT; k++) {
        const pr_ta_def *d = NULL;
        assert_int_equal(pr_ta_find(cdl_rows[k], &d), PR_OK);
        double p[PR_TA_MAX_PARAMS];
        assert_int_equal(pr_ta_check_params(d, NULL, 0, p, NULL), PR_OK);
        double *outs[1] = {a};
        assert_int_equal(d->run(&in, p, outs), PR_OK);
        assert_int_equal(pr_ta_cdl((pr_ta_cdl_pattern)k, n, g.open, g.high, g.low, g.close, -1.0, b), PR_OK);
        for (size_t t = 0; t < n; t++)
            if (!same(a[t], b[t])) fail_msg("%s (id %d) bar %zu: table %g, engine %g", cdl_rows[k], k, t, a[t], b[t]);
    }
    free(a);
    free(b);
    pr_golden_free(&g);
}

/* A listed indicator missing one of its inputs is PR_EINVAL. */
static void missing_input_is_einval(void **state) {
    (void)state;
    double x[40], o[PR_TA_MAX_OUTPUTS][40];
    for (int i = 0; i < 40; i++) x[i] = 100.0 + (i % 7);
    double *outs[PR_TA_MAX_OUTPUTS];
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) outs[k] = o[k];
    for (size_t i = 0; i < N_ROWS; i++) {
        const pr_ta_def *d = pr_ta_at(i);
        double p[PR_TA_MAX_PARAMS];
        assert_int_equal(pr_ta_check_params(d, NULL, 0, p, NULL), PR_OK);
        /* Only high given: every row reads some other column (close, low, real0 falls back to close). */
        pr_ta_input in = {40, NULL, NULL, x, NULL, NULL, NULL, NULL, NULL};
        if (d->run(&in, p, outs) != PR_EINVAL) fail_msg("%s: missing input not rejected", d->name);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_rows_are_the_table_in_order),
        cmocka_unit_test(generated_declarations_compute),
        cmocka_unit_test(every_indicator_streams_its_batch_values),
        cmocka_unit_test(candlestick_rows_are_the_pattern_ids),
        cmocka_unit_test(missing_input_is_einval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
