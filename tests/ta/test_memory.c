/* pr_ta_memory: the history an indicator needs before its values stop
 * depending on where the data starts. Expected bar counts are worked out
 * below from the smoothing constants (EMA alpha = 2/(n+1), Wilder 1/n) and
 * TA-Lib's lookbacks; the empirical checks run the indicators on one random
 * walk started at two different bars and compare the values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/ta.h"

static size_t memory_of(const char *name, const double *params, int n) {
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(name, &d), 0);
    double full[PR_TA_MAX_PARAMS] = {0};
    assert_int_equal(pr_ta_check_params(d, params, n, full, NULL), 0);
    size_t bars = 0;
    int bounded = -1;
    assert_int_equal(pr_ta_memory(d, full, PR_TA_SEED_TOL, &bars, &bounded), 0);
    return bars;
}

/* Smallest k with C(k+m-1, m-1) r^k < 1e-12 (the seed's weight after k bars
 * through m smoothings in turn), by plain counting. */
static size_t count_bars(double r, int m) {
    for (size_t k = 1;; k++) {
        double c = 1;
        for (int j = 1; j < m; j++) c = c * (double)(k + (size_t)j) / j;
        if (c * pow(r, (double)k) < 1e-12) return k;
    }
}

static void test_hand_counts(void **state) {
    (void)state;
    /* EMA(50): r = 49/51; ln(1e-12)/ln(49/51) = 27.631021/0.040005 = 690.7,
     * so 691 bars after TA-Lib's lookback of 49: 740. */
    double p50 = 50;
    assert_int_equal(count_bars(49.0 / 51.0, 1), 691);
    assert_int_equal(memory_of("ema", &p50, 1), 49 + 691);
    /* RSI(14): Wilder r = 13/14; 27.631021/0.074108 = 372.9 -> 373, after
     * the lookback 14: 387. */
    double p14 = 14;
    assert_int_equal(count_bars(13.0 / 14.0, 1), 373);
    assert_int_equal(memory_of("rsi", &p14, 1), 14 + 373);
    /* ADX(14): two Wilder smoothings in turn: (k+1)(13/14)^k < 1e-12 first
     * at k = 456 (k = 455: ln 456 - 455 x 0.074108 = -27.597 > -27.631;
     * k = 456: ln 457 - 456 x 0.074108 = -27.668); lookback 2x14-1 = 27. */
    assert_int_equal(count_bars(13.0 / 14.0, 2), 456);
    assert_int_equal(memory_of("adx", &p14, 1), 27 + 456);
    /* ATR(14): one Wilder smoothing, lookback 14. */
    assert_int_equal(memory_of("atr", &p14, 1), 14 + 373);
    /* MACD(12,26,9): the slow EMA (r = 25/27) under the signal EMA, two in
     * turn; lookback 26-1 + 9-1 = 33. */
    double pm[3] = {12, 26, 9};
    assert_int_equal(memory_of("macd", pm, 3), 33 + count_bars(25.0 / 27.0, 2));
    /* Windows forget everything older than the window: SMA(30) needs its
     * lookback, 29 bars, and no more. */
    double p30 = 30;
    assert_int_equal(memory_of("sma", &p30, 1), 29);
    /* APO with SMAs is a window; with EMAs (matype 1) it is recursive. */
    double apo_sma[3] = {12, 26, 0}, apo_ema[3] = {12, 26, 1};
    assert_int_equal(memory_of("apo", apo_sma, 3), 25);
    assert_int_equal(memory_of("apo", apo_ema, 3), 25 + count_bars(25.0 / 27.0, 1));
    /* MACDFIX(9): price EMAs keep 1 - 0.075 = 0.925 per bar (the signal EMA
     * 0.8), two in turn; lookback 33. MA(30, EMA): one EMA, r = 29/31,
     * lookback 29. MACDEXT with SMA lines is a window: its lookback 33. */
    double p9 = 9, ma_ema[2] = {30, 1}, mx_sma[6] = {12, 0, 26, 0, 9, 0};
    assert_int_equal(memory_of("macdfix", &p9, 1), 33 + count_bars(0.925, 2));
    assert_int_equal(memory_of("ma", ma_ema, 2), 29 + count_bars(29.0 / 31.0, 1));
    assert_int_equal(memory_of("macdext", mx_sma, 6), 33);
}

static void test_unbounded(void **state) {
    (void)state;
    const pr_ta_def *d = NULL;
    size_t bars = 0;
    int bounded = 1;
    assert_int_equal(pr_ta_find("obv", &d), 0);
    assert_int_equal(pr_ta_memory(d, NULL, PR_TA_SEED_TOL, &bars, &bounded), 0);
    assert_int_equal(bounded, 0);
    assert_int_equal(pr_ta_find("ema", &d), 0);
    double p = 10;
    assert_int_equal(pr_ta_memory(d, &p, PR_TA_SEED_TOL, &bars, &bounded), 0);
    assert_int_equal(bounded, 1);
    assert_int_equal(pr_ta_memory(d, &p, 0, &bars, &bounded), PR_EINVAL);
}

/* A random walk around 100 (fixed LCG, so the test is the same everywhere). */
static void walk(double *x, size_t n) {
    uint64_t s = 12345;
    double v = 100;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v *= 1 + ((double)(s >> 11) / 9007199254740992.0 - 0.5) * 0.04;
        x[i] = v;
    }
}

/* The same walk from bar 0 and from bar `start`: from `start + memory` on
 * the two agree to the tolerance (relative to the price, whose swings bound
 * the seeds' difference: 1e-12 x at most a few times the level), while
 * `start + lookback` alone leaves them far apart. */
static void check_converges(const char *name, const double *params, int np) {
    enum { N = 6000, START = 1000 };
    double *x = malloc(N * sizeof *x), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    assert_non_null(x);
    assert_non_null(a);
    assert_non_null(b);
    walk(x, N);
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(name, &d), 0);
    double full[PR_TA_MAX_PARAMS] = {0};
    assert_int_equal(pr_ta_check_params(d, params, np, full, NULL), 0);
    pr_ta_input in = {.n = N, .open = x, .high = x, .low = x, .close = x, .real0 = x};
    double *oa[PR_TA_MAX_OUTPUTS] = {a}, *ob[PR_TA_MAX_OUTPUTS] = {b};
    double *spare[PR_TA_MAX_OUTPUTS][2];
    for (int k = 1; k < d->n_outputs; k++) {
        oa[k] = spare[k][0] = malloc(N * sizeof(double));
        ob[k] = spare[k][1] = malloc(N * sizeof(double));
    }
    assert_int_equal(d->run(&in, full, oa), 0);
    pr_ta_input in2 = {.n = N - START, .open = x + START, .high = x + START, .low = x + START,
                       .close = x + START, .real0 = x + START};
    assert_int_equal(d->run(&in2, full, ob), 0);
    size_t mem = 0;
    int lb = 0;
    assert_int_equal(pr_ta_memory(d, full, PR_TA_SEED_TOL, &mem, NULL), 0);
    assert_int_equal(d->lookback(full, &lb), 0);
    assert_true(START + mem < N);
    double hi = 0;
    for (size_t i = 0; i < N; i++) hi = fmax(hi, x[i]);
    for (size_t i = START + mem; i < N; i++) {
        double diff = fabs(a[i] - b[i - START]);
        if (!(diff <= 1e-12 * hi * 4)) fail_msg("%s: bar %zu differs by %.3g after %zu bars", name, i, diff, mem);
    }
    double early = fabs(a[START + (size_t)lb + 1] - b[lb + 1]);
    if (!(early > 1e-9 * hi)) fail_msg("%s: already equal after the lookback (%.3g)", name, early);
    for (int k = 1; k < d->n_outputs; k++) {
        free(spare[k][0]);
        free(spare[k][1]);
    }
    free(x);
    free(a);
    free(b);
}

static void test_converges(void **state) {
    (void)state;
    double p50 = 50, p14 = 14, pm[3] = {12, 26, 9};
    check_converges("ema", &p50, 1);
    check_converges("rsi", &p14, 1);
    check_converges("adx", &p14, 1);
    check_converges("macd", pm, 3);
    /* TA-Lib's later functions: MACDFIX's price EMAs keep 0.925 per bar
     * (k = 0.075) under its signal EMA; MA and MACDEXT by their MA types;
     * the Hilbert transform family and MAMA (not HT_TRENDMODE: a 0/1 output
     * can agree early by chance). */
    double p9 = 9, ma_ema[2] = {30, 1}, ma_t3[2] = {5, 8}, mx[6] = {12, 1, 26, 3, 9, 1}, mama[2] = {0.5, 0.05};
    check_converges("macdfix", &p9, 1);
    check_converges("ma", ma_ema, 2);
    check_converges("ma", ma_t3, 2);
    check_converges("macdext", mx, 6);
    check_converges("ht_dcperiod", NULL, 0);
    check_converges("ht_sine", NULL, 0);
    check_converges("mama", mama, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_counts),
        cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_converges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
