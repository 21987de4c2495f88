/* Overlap-family indicators: bad-input policy (ta.h / overlap.h), values
 * worked out by hand for the indicators without a golden file (LINEARREG
 * intercept/angle, TSF, MIDPOINT) plus identities against the golden
 * LINEARREG / LINEARREG_SLOPE / STDDEV / BBANDS values, prefix consistency of
 * the batch forms, and the indicator table entries. */
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

#define SENTINEL 12345.678

static const char *const names[] = {
    "sma", "ema", "wma", "dema", "tema", "trima", "kama", "t3", "macd", "apo", "ppo", "trix", "bbands",
    "stddev", "var", "linearreg", "linearreg_slope", "linearreg_intercept", "linearreg_angle", "tsf",
    "correl", "beta", "midprice", "midpoint", "ht_trendline"};
#define NNAMES (sizeof names / sizeof names[0])

/* Indicators whose every output from the first NaN input on is NaN. */
static int nan_sticky(const char *name) {
    static const char *const windowed[] = {"linearreg", "linearreg_slope", "linearreg_intercept",
                                           "linearreg_angle", "tsf", "midprice", "midpoint", "sma"};
    for (size_t i = 0; i < sizeof windowed / sizeof windowed[0]; i++)
        if (strcmp(name, windowed[i]) == 0) return 0;
    return 1;
}

/* Bars after a NaN has left the window within which a running-sum indicator
 * must be back to the clean run: SMA re-sums its window from the p values at
 * least every max(129, 8p + 1) bars (README, "Summation"); 0 for the others
 * (windowed ones recover at once, the rest never). */
static size_t nan_recovery(const char *name, size_t win) {
    if (strcmp(name, "sma") == 0) return win < 16 ? 129 : 8 * win + 1;
    return 0;
}

static pr_golden G;

static int setup(void **state) {
    (void)state;
    return pr_golden_load("sma_20.csv", &G);
}
static int teardown(void **state) {
    (void)state;
    pr_golden_free(&G);
    return 0;
}

static const pr_ta_def *def_of(const char *name) {
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(name, &d), PR_OK);
    return d;
}

static void defaults(const pr_ta_def *d, double *full) {
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_ta_check_params(d, NULL, 0, full, &e), PR_OK);
}

static pr_ta_input input_of(size_t n, const double *h, const double *l, const double *c) {
    pr_ta_input in;
    memset(&in, 0, sizeof in);
    in.n = n;
    in.high = h;
    in.low = l;
    in.close = c;
    /* real0/real1 left NULL: the adapters fall back to close / high, low */
    return in;
}

typedef struct outs { double *o[PR_TA_MAX_OUTPUTS]; int k; size_t n; } outs;

static outs outs_new(const pr_ta_def *d, size_t n, double fill) {
    outs r;
    r.k = d->n_outputs;
    r.n = n;
    for (int k = 0; k < r.k; k++) {
        r.o[k] = malloc((n ? n : 1) * sizeof(double));
        assert_non_null(r.o[k]);
        for (size_t i = 0; i < n; i++) r.o[k][i] = fill;
    }
    return r;
}
static void outs_free(outs *r) {
    for (int k = 0; k < r->k; k++) free(r->o[k]);
}

/* ---- bad input policy ---------------------------------------------------- */

static void test_bad_params(void **state) {
    (void)state;
    for (size_t j = 0; j < NNAMES; j++) {
        const pr_ta_def *d = def_of(names[j]);
        if (d->n_params == 0) continue;
        double full[PR_TA_MAX_PARAMS];
        defaults(d, full);
        /* first parameter just below and just above its range, and fractional */
        double bad[3] = {d->params[0].min - 1, d->params[0].max + 1, d->params[0].def + 0.5};
        for (int b = 0; b < 3; b++) {
            if (!d->params[0].integer && b == 2) continue;
            double p[PR_TA_MAX_PARAMS];
            memcpy(p, full, sizeof p);
            p[0] = bad[b];
            outs o = outs_new(d, 50, SENTINEL);
            pr_ta_input in = input_of(50, G.high, G.low, G.close);
            assert_int_equal(d->run(&in, p, o.o), PR_EINVAL);
            for (int k = 0; k < o.k; k++)
                for (size_t i = 0; i < 50; i++) assert_true(o.o[k][i] == SENTINEL);
            int lb = -7;
            assert_int_equal(d->lookback(p, &lb), PR_EINVAL);
            assert_int_equal(lb, -7);
            void *st = NULL;
            assert_int_equal(d->stream_new(p, &st), PR_EINVAL);
            assert_null(st);
            outs_free(&o);
        }
    }
    /* typed functions directly */
    double out[4] = {SENTINEL, SENTINEL, SENTINEL, SENTINEL};
    assert_int_equal(pr_ta_sma(4, G.close, 1, out), PR_EINVAL);
    assert_int_equal(pr_ta_ema(4, G.close, 100001, out), PR_EINVAL);
    assert_int_equal(pr_ta_t3(4, G.close, 5, 1.5, out), PR_EINVAL);
    assert_int_equal(pr_ta_apo(4, G.close, 12, 26, 2, out), PR_EINVAL);
    assert_int_equal(pr_ta_bbands(4, G.close, 20, 4e37, 2, out, out, out), PR_EINVAL);
    assert_int_equal(pr_ta_stddev(4, G.close, 20, NAN, out), PR_EINVAL);
    assert_int_equal(pr_ta_macd(4, G.close, 12, 26, 0, out, out, out), PR_EINVAL);
    assert_int_equal(pr_ta_var(4, G.close, 0, out), PR_EINVAL);
    assert_int_equal(pr_ta_correl(4, G.high, G.low, 0, out), PR_EINVAL);
    for (int i = 0; i < 4; i++) assert_true(out[i] == SENTINEL);
    /* NULL arrays with n > 0 */
    assert_int_equal(pr_ta_sma(4, NULL, 2, out), PR_EINVAL);
    assert_int_equal(pr_ta_wma(4, G.close, 2, NULL), PR_EINVAL);
    pr_ta_sma_state s;
    assert_int_equal(pr_ta_sma_init(&s, 1), PR_EINVAL);
    assert_int_equal(pr_ta_sma_init(NULL, 5), PR_EINVAL);
}

static void test_empty_and_short(void **state) {
    (void)state;
    for (size_t j = 0; j < NNAMES; j++) {
        const pr_ta_def *d = def_of(names[j]);
        double full[PR_TA_MAX_PARAMS];
        defaults(d, full);
        int lb = -1;
        assert_int_equal(d->lookback(full, &lb), PR_OK);
        assert_true(lb >= 0 && (size_t)lb < G.n);

        /* n == 0: OK, nothing written, NULL inputs allowed */
        outs o = outs_new(d, 4, SENTINEL);
        pr_ta_input in = input_of(0, NULL, NULL, NULL);
        assert_int_equal(d->run(&in, full, o.o), PR_OK);
        for (int k = 0; k < o.k; k++)
            for (size_t i = 0; i < 4; i++) assert_true(o.o[k][i] == SENTINEL);
        outs_free(&o);

        /* n <= lookback: all NaN */
        size_t n = (size_t)lb;
        if (n > 0) {
            o = outs_new(d, n, SENTINEL);
            in = input_of(n, G.high, G.low, G.close);
            assert_int_equal(d->run(&in, full, o.o), PR_OK);
            for (int k = 0; k < o.k; k++)
                for (size_t i = 0; i < n; i++) assert_true(isnan(o.o[k][i]));
            outs_free(&o);
        }
        /* n == lookback + 1: exactly the last cell defined */
        n = (size_t)lb + 1;
        o = outs_new(d, n, SENTINEL);
        in = input_of(n, G.high, G.low, G.close);
        assert_int_equal(d->run(&in, full, o.o), PR_OK);
        for (int k = 0; k < o.k; k++) {
            for (size_t i = 0; i + 1 < n; i++) assert_true(isnan(o.o[k][i]));
            assert_false(isnan(o.o[k][n - 1]));
        }
        outs_free(&o);
    }
}

/* Batch values must not depend on how much data follows (odd/even tails,
 * block boundaries): a run on a prefix equals the prefix of a full run. */
static void test_prefix_consistency(void **state) {
    (void)state;
    static const size_t lens[] = {1000, 1001, 513, 514, 2999};
    for (size_t j = 0; j < NNAMES; j++) {
        const pr_ta_def *d = def_of(names[j]);
        double full[PR_TA_MAX_PARAMS];
        defaults(d, full);
        outs all = outs_new(d, G.n, 0);
        pr_ta_input in = input_of(G.n, G.high, G.low, G.close);
        assert_int_equal(d->run(&in, full, all.o), PR_OK);
        for (size_t L = 0; L < sizeof lens / sizeof lens[0]; L++) {
            outs part = outs_new(d, lens[L], 0);
            in = input_of(lens[L], G.high, G.low, G.close);
            assert_int_equal(d->run(&in, full, part.o), PR_OK);
            for (int k = 0; k < d->n_outputs; k++) pr_golden_expect_same(d->name, part.o[k], all.o[k], lens[L]);
            outs_free(&part);
        }
        outs_free(&all);
    }
}

/* A NaN input at bar 300: earlier outputs unchanged; running-sum and
 * recursive indicators NaN from there on; window indicators NaN only while
 * the NaN is in their window, then bit-identical to the clean run; SMA NaN
 * until its next re-summed window, then bit-identical to the clean run. The
 * streaming form agrees with the batch form on the dirty data. */
static void test_nan_propagation(void **state) {
    (void)state;
    const size_t n = 800, at = 300;
    double *h = malloc(n * sizeof(double)), *l = malloc(n * sizeof(double)), *c = malloc(n * sizeof(double));
    assert_non_null(h);
    assert_non_null(l);
    assert_non_null(c);
    memcpy(h, G.high, n * sizeof(double));
    memcpy(l, G.low, n * sizeof(double));
    memcpy(c, G.close, n * sizeof(double));
    h[at] = l[at] = c[at] = NAN;
    for (size_t j = 0; j < NNAMES; j++) {
        const pr_ta_def *d = def_of(names[j]);
        double full[PR_TA_MAX_PARAMS];
        defaults(d, full);
        int lb;
        assert_int_equal(d->lookback(full, &lb), PR_OK);
        size_t win = d->n_params ? (size_t)full[0] : 1; /* window length for windowed ones */
        outs clean = outs_new(d, n, 0), dirty = outs_new(d, n, 0);
        pr_ta_input in = input_of(n, G.high, G.low, G.close);
        assert_int_equal(d->run(&in, full, clean.o), PR_OK);
        in = input_of(n, h, l, c);
        assert_int_equal(d->run(&in, full, dirty.o), PR_OK);
        for (int k = 0; k < d->n_outputs; k++) {
            pr_golden_expect_same(d->name, dirty.o[k], clean.o[k], at);
            size_t from = nan_sticky(d->name) ? n : at + win, rec = nan_recovery(d->name, win);
            if (rec) { /* NaN until a re-summed bar, at most rec bars on */
                while (from < n && isnan(dirty.o[k][from])) from++;
                if (from >= at + win + rec) fail_msg("%s: still NaN at bar %zu", d->name, from);
            }
            for (size_t i = at; i < n; i++) {
                int inside = i < from;
                if (inside) {
                    if (!isnan(dirty.o[k][i])) fail_msg("%s: bar %zu should be NaN", d->name, i);
                } else if (memcmp(&dirty.o[k][i], &clean.o[k][i], sizeof(double)) != 0) {
                    fail_msg("%s: bar %zu differs from the clean run", d->name, i);
                }
            }
        }
        void *st = NULL;
        assert_int_equal(d->stream_new(full, &st), PR_OK);
        for (size_t i = 0; i < n; i++) {
            pr_ta_bar b;
            memset(&b, 0, sizeof b);
            b.high = h[i];
            b.low = l[i];
            b.close = c[i];
            b.real0 = d->n_inputs == 2 && strcmp(d->inputs[0], "real0") == 0 ? h[i] : c[i];
            b.real1 = l[i];
            double o[PR_TA_MAX_OUTPUTS];
            assert_int_equal(d->stream_update(st, &b, o), PR_OK);
            for (int k = 0; k < d->n_outputs; k++) {
                double a = o[k], e = dirty.o[k][i];
                if (!(isnan(a) && isnan(e)) && memcmp(&a, &e, sizeof a) != 0)
                    fail_msg("%s: stream bar %zu %.17g vs batch %.17g", d->name, i, a, e);
            }
        }
        d->stream_free(st);
        outs_free(&clean);
        outs_free(&dirty);
    }
    free(h);
    free(l);
    free(c);
}

static void test_free_is_safe(void **state) {
    (void)state;
    pr_ta_sma_state a;
    memset(&a, 0, sizeof a);
    pr_ta_sma_free(&a);
    assert_int_equal(pr_ta_sma_init(&a, 5), PR_OK);
    pr_ta_sma_free(&a);
    pr_ta_sma_free(&a);
    pr_ta_bbands_state b;
    memset(&b, 0, sizeof b);
    pr_ta_bbands_free(&b);
    pr_ta_beta_state c;
    memset(&c, 0, sizeof c);
    pr_ta_beta_free(&c);
    pr_ta_linearreg_state d;
    memset(&d, 0, sizeof d);
    pr_ta_linearreg_free(&d);
    pr_ta_apo_free(NULL);
    double x;
    assert_int_equal(pr_ta_sma_update(&a, 1.0, &x), PR_EINVAL);
}

/* ---- values worked out by hand -------------------------------------------- */

static void test_hand_linearreg(void **state) {
    (void)state;
    /* y = 1, 3, 2, 5 at t = 0..3. Centred: t̄ = 1.5, ȳ = 2.75,
     * Σ(t−t̄)(y−ȳ) = 2.625 − 0.125 − 0.375 + 3.375 = 5.5, Σ(t−t̄)² = 5,
     * slope = 1.1, value at t=0: 2.75 − 1.1·1.5 = 1.1, at t=3: 4.4,
     * forecast t=4: 5.5, angle = atan(1.1) in degrees ≈ 47.7263°. */
    const double y[4] = {1, 3, 2, 5};
    double o[4];
    assert_int_equal(pr_ta_linearreg_slope(4, y, 4, o), PR_OK);
    assert_true(isnan(o[2]));
    assert_true(fabs(o[3] - 1.1) < 1e-12);
    assert_int_equal(pr_ta_linearreg_intercept(4, y, 4, o), PR_OK);
    assert_true(fabs(o[3] - 1.1) < 1e-12);
    assert_int_equal(pr_ta_linearreg(4, y, 4, o), PR_OK);
    assert_true(fabs(o[3] - 4.4) < 1e-12);
    assert_int_equal(pr_ta_tsf(4, y, 4, o), PR_OK);
    assert_true(fabs(o[3] - 5.5) < 1e-12);
    assert_int_equal(pr_ta_linearreg_angle(4, y, 4, o), PR_OK);
    assert_true(fabs(o[3] - 47.726310993906) < 1e-9);
    assert_true(fabs(o[3] - atan(1.1) * 180.0 / 3.14159265358979323846) < 1e-12);

    /* A straight line is fitted exactly: y = 10 − 2t, period 3. */
    const double z[5] = {10, 8, 6, 4, 2};
    double s[5], b[5], f[5];
    assert_int_equal(pr_ta_linearreg_slope(5, z, 3, s), PR_OK);
    assert_int_equal(pr_ta_linearreg_intercept(5, z, 3, b), PR_OK);
    assert_int_equal(pr_ta_tsf(5, z, 3, f), PR_OK);
    for (int t = 2; t < 5; t++) {
        assert_true(fabs(s[t] + 2.0) < 1e-12);
        assert_true(fabs(b[t] - z[t - 2]) < 1e-12);
        assert_true(fabs(f[t] - (z[t] - 2.0)) < 1e-12);
    }
}

/* intercept = linearreg − slope·(p−1), tsf = linearreg + slope, angle =
 * atan(slope)·180/π, using TA-Lib's golden LINEARREG and LINEARREG_SLOPE. */
static void test_linearreg_identities(void **state) {
    (void)state;
    pr_golden lr, sl;
    assert_int_equal(pr_golden_load("linearreg_14.csv", &lr), 0);
    assert_int_equal(pr_golden_load("linearreg_slope_14.csv", &sl), 0);
    const double *v = pr_golden_col(&lr, "linearreg"), *m = pr_golden_col(&sl, "linearreg_slope");
    size_t n = lr.n;
    double *ic = malloc(n * sizeof(double)), *tf = malloc(n * sizeof(double)), *an = malloc(n * sizeof(double));
    double *e1 = malloc(n * sizeof(double)), *e2 = malloc(n * sizeof(double)), *e3 = malloc(n * sizeof(double));
    assert_non_null(ic);
    assert_non_null(tf);
    assert_non_null(an);
    assert_non_null(e1);
    assert_non_null(e2);
    assert_non_null(e3);
    assert_int_equal(pr_ta_linearreg_intercept(n, lr.close, 14, ic), PR_OK);
    assert_int_equal(pr_ta_tsf(n, lr.close, 14, tf), PR_OK);
    assert_int_equal(pr_ta_linearreg_angle(n, lr.close, 14, an), PR_OK);
    for (size_t i = 0; i < n; i++) {
        e1[i] = v[i] - m[i] * 13.0;
        e2[i] = v[i] + m[i];
        e3[i] = atan(m[i]) * 180.0 / 3.14159265358979323846;
    }
    pr_golden_expect_close("linearreg_intercept", ic, e1, n, 1e-9);
    pr_golden_expect_close("tsf", tf, e2, n, 1e-9);
    pr_golden_expect_close("linearreg_angle", an, e3, n, 1e-9);
    printf("max-rel-err linearreg_intercept (identity) %.3g\n", pr_golden_max_err(ic, e1, n, NULL, NULL));
    printf("max-rel-err tsf (identity) %.3g\n", pr_golden_max_err(tf, e2, n, NULL, NULL));
    printf("max-rel-err linearreg_angle (identity) %.3g\n", pr_golden_max_err(an, e3, n, NULL, NULL));
    free(ic);
    free(tf);
    free(an);
    free(e1);
    free(e2);
    free(e3);
    pr_golden_free(&lr);
    pr_golden_free(&sl);
}

static void test_hand_midpoint(void **state) {
    (void)state;
    const double x[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    /* windows of 3: (3,1,4) (1,4,1) (4,1,5) (1,5,9) (5,9,2) (9,2,6) */
    const double want[8] = {NAN, NAN, 2.5, 2.5, 3.0, 5.0, 5.5, 5.5};
    double o[8];
    assert_int_equal(pr_ta_midpoint(8, x, 3, o), PR_OK);
    for (int i = 0; i < 8; i++) {
        if (isnan(want[i])) assert_true(isnan(o[i]));
        else assert_true(o[i] == want[i]);
    }
    pr_ta_midpoint_state s;
    assert_int_equal(pr_ta_midpoint_init(&s, 3), PR_OK);
    for (int i = 0; i < 8; i++) {
        double v;
        assert_int_equal(pr_ta_midpoint_update(&s, x[i], &v), PR_OK);
        if (isnan(want[i])) assert_true(isnan(v));
        else assert_true(v == want[i]);
    }
    pr_ta_midpoint_free(&s);
    /* MIDPOINT of a series equals MIDPRICE with that series as high and low */
    double a[3000], b[3000];
    assert_int_equal(pr_ta_midpoint(G.n, G.close, 14, a), PR_OK);
    assert_int_equal(pr_ta_midprice(G.n, G.close, G.close, 14, b), PR_OK);
    pr_golden_expect_same("midpoint", a, b, G.n);
}

static void test_hand_small(void **state) {
    (void)state;
    const double x[5] = {1, 2, 3, 4, 5};
    double o[5];
    /* SMA(2) */
    assert_int_equal(pr_ta_sma(5, x, 2, o), PR_OK);
    assert_true(isnan(o[0]) && o[1] == 1.5 && o[2] == 2.5 && o[3] == 3.5 && o[4] == 4.5);
    /* EMA(3), k = 0.5: seed (1+2+3)/3 = 2, then 0.5·4 + 0.5·2 = 3, 0.5·5 + 0.5·3 = 4 */
    assert_int_equal(pr_ta_ema(5, x, 3, o), PR_OK);
    assert_true(isnan(o[1]) && o[2] == 2.0 && o[3] == 3.0 && o[4] == 4.0);
    /* WMA(3): (1·1+2·2+3·3)/6 = 14/6, (2+6+12)/6 = 20/6, (3+8+15)/6 = 26/6 */
    assert_int_equal(pr_ta_wma(5, x, 3, o), PR_OK);
    assert_true(fabs(o[2] - 14.0 / 6) < 1e-15 && fabs(o[3] - 20.0 / 6) < 1e-15 && fabs(o[4] - 26.0 / 6) < 1e-15);
    /* TRIMA(4) = weights 1,2,2,1 / 6: (1+4+6+4)/6 = 2.5, then 3.5 */
    assert_int_equal(pr_ta_trima(5, x, 4, o), PR_OK);
    assert_true(isnan(o[2]) && fabs(o[3] - 2.5) < 1e-15 && fabs(o[4] - 3.5) < 1e-15);
    /* TRIMA(3) = weights 1,2,1 / 4: (1+4+3)/4 = 2 */
    assert_int_equal(pr_ta_trima(5, x, 3, o), PR_OK);
    assert_true(fabs(o[2] - 2.0) < 1e-15 && fabs(o[4] - 4.0) < 1e-15);
    /* VAR(1) is 0; VAR(5) of 1..5 is 2 (population); STDDEV(5, 2) = 2·sqrt(2) */
    assert_int_equal(pr_ta_var(5, x, 1, o), PR_OK);
    for (int i = 0; i < 5; i++) assert_true(o[i] == 0.0);
    assert_int_equal(pr_ta_var(5, x, 5, o), PR_OK);
    assert_true(fabs(o[4] - 2.0) < 1e-12);
    assert_int_equal(pr_ta_stddev(5, x, 5, 2.0, o), PR_OK);
    assert_true(fabs(o[4] - 2.0 * sqrt(2.0)) < 1e-12);
    /* Constant series: zero deviation bands, correlation 0 (degenerate) */
    const double k[6] = {7, 7, 7, 7, 7, 7};
    double u[6], m[6], l[6];
    assert_int_equal(pr_ta_bbands(6, k, 3, 2, 2, u, m, l), PR_OK);
    assert_true(u[5] == 7.0 && m[5] == 7.0 && l[5] == 7.0);
    const double x6[6] = {1, 2, 3, 4, 5, 6};
    double o6[6];
    assert_int_equal(pr_ta_correl(6, k, x6, 3, o6), PR_OK);
    assert_true(o6[4] == 0.0 && o6[5] == 0.0);
    /* CORREL of a series with an exact affine image is 1 */
    const double y[5] = {3, 5, 7, 9, 11};
    assert_int_equal(pr_ta_correl(5, x, y, 5, o), PR_OK);
    assert_true(fabs(o[4] - 1.0) < 1e-12);
    /* BETA of y = 2x in returns: returns of {1,2,4,8} vs {1,4,16,64}:
     * x returns 1,1,1; y returns 3,3,3 -> degenerate (no x variance) -> 0 */
    const double px[4] = {1, 2, 4, 8}, py[4] = {1, 4, 16, 64};
    assert_int_equal(pr_ta_beta(4, px, py, 3, o), PR_OK);
    assert_true(isnan(o[2]) && o[3] == 0.0);
    /* x returns 1, 0.5, 1/3 ; y = returns doubled -> beta 2 */
    const double qx[4] = {1, 2, 3, 4}, qy[4] = {1, 3, 6, 10};
    /* y returns: 2, 1, 2/3 = 2 × x returns */
    assert_int_equal(pr_ta_beta(4, qx, qy, 3, o), PR_OK);
    assert_true(fabs(o[3] - 2.0) < 1e-12);
    /* MACD with fast > slow is MACD with them swapped */
    double a1[3000], a2[3000], a3[3000], b1[3000], b2[3000], b3[3000];
    assert_int_equal(pr_ta_macd(G.n, G.close, 26, 12, 9, a1, a2, a3), PR_OK);
    assert_int_equal(pr_ta_macd(G.n, G.close, 12, 26, 9, b1, b2, b3), PR_OK);
    pr_golden_expect_same("macd", a1, b1, G.n);
    pr_golden_expect_same("macd signal", a2, b2, G.n);
}

/* APO/PPO with EMA, against EMAs computed here from the README's definition
 * (seed = SMA of the first p values, then ((x − e)·k) + e). */
static void ema_ref(const double *x, size_t n, int p, double *out) {
    double k = 2.0 / (p + 1.0), s = 0.0;
    for (size_t i = 0; i < n; i++) out[i] = NAN;
    for (int i = 0; i < p; i++) s += x[i];
    double e = s / p;
    out[p - 1] = e;
    for (size_t i = (size_t)p; i < n; i++) {
        e = ((x[i] - e) * k) + e;
        out[i] = e;
    }
}

static void test_apo_ppo_ema(void **state) {
    (void)state;
    static double f[3000], s[3000], apo[3000], ppo[3000], ra[3000], rp[3000];
    ema_ref(G.close, G.n, 12, f);
    ema_ref(G.close, G.n, 26, s);
    for (size_t i = 0; i < G.n; i++) {
        ra[i] = i < 25 ? NAN : f[i] - s[i];
        rp[i] = i < 25 ? NAN : (f[i] - s[i]) / s[i] * 100.0;
    }
    assert_int_equal(pr_ta_apo(G.n, G.close, 12, 26, PR_TA_MA_EMA, apo), PR_OK);
    assert_int_equal(pr_ta_ppo(G.n, G.close, 26, 12, PR_TA_MA_EMA, ppo), PR_OK);
    pr_golden_expect_close("apo ema", apo, ra, G.n, 1e-9);
    pr_golden_expect_close("ppo ema", ppo, rp, G.n, 1e-9);
}

/* STDDEV with nbdev 2 and BBANDS with asymmetric multipliers, from TA-Lib's
 * golden STDDEV(20) and BBANDS middle band. */
static void test_band_multipliers(void **state) {
    (void)state;
    pr_golden sd, bb;
    assert_int_equal(pr_golden_load("stddev_20.csv", &sd), 0);
    assert_int_equal(pr_golden_load("bbands_20_2.csv", &bb), 0);
    const double *ref = pr_golden_col(&sd, "stddev"), *mid = pr_golden_col(&bb, "middle");
    static double o[3000], want[3000], u[3000], m[3000], l[3000], wu[3000], wl[3000];
    assert_int_equal(pr_ta_stddev(sd.n, sd.close, 20, 2.0, o), PR_OK);
    for (size_t i = 0; i < sd.n; i++) {
        want[i] = 2.0 * ref[i];
        wu[i] = mid[i] + 1.5 * ref[i];
        wl[i] = mid[i] - 3.0 * ref[i];
    }
    pr_golden_expect_close("stddev x2", o, want, sd.n, 1e-8);
    assert_int_equal(pr_ta_bbands(bb.n, bb.close, 20, 1.5, 3.0, u, m, l), PR_OK);
    pr_golden_expect_close("bbands upper 1.5", u, wu, bb.n, 1e-8);
    pr_golden_expect_close("bbands middle", m, mid, bb.n, 1e-9);
    pr_golden_expect_close("bbands lower 3", l, wl, bb.n, 1e-8);
    pr_golden_free(&sd);
    pr_golden_free(&bb);
}

/* ---- the table -------------------------------------------------------------- */

static void test_table(void **state) {
    (void)state;
    for (size_t j = 0; j < NNAMES; j++) {
        const pr_ta_def *d = def_of(names[j]);
        assert_string_equal(d->name, names[j]);
        assert_true(d->talib == 1);
        assert_true(d->n_outputs >= 1 && d->n_outputs <= PR_TA_MAX_OUTPUTS);
        assert_true(d->n_inputs >= 1 && d->n_inputs <= PR_TA_MAX_INPUTS);
        assert_non_null(d->run);
        assert_non_null(d->stream_new);
        assert_non_null(d->stream_update);
        assert_non_null(d->stream_free);
        for (int k = 0; k < d->n_params; k++) {
            assert_true(d->params[k].min <= d->params[k].def && d->params[k].def <= d->params[k].max);
        }
    }
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find("BBands", &d), PR_OK);
    assert_string_equal(d->outputs[0], "upper");
    assert_string_equal(d->outputs[2], "lower");
    assert_int_equal(pr_ta_find("MACD", &d), PR_OK);
    assert_string_equal(d->outputs[1], "signal");
    /* run() falls back to close when real0 is not given */
    assert_int_equal(pr_ta_find("sma", &d), PR_OK);
    double p[1] = {20}, a[3000], b[3000];
    double *out[1] = {a};
    pr_ta_input in = input_of(G.n, G.high, G.low, G.close);
    assert_int_equal(d->run(&in, p, out), PR_OK);
    assert_int_equal(pr_ta_sma(G.n, G.close, 20, b), PR_OK);
    pr_golden_expect_same("sma via table", a, b, G.n);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_empty_and_short),
        cmocka_unit_test(test_prefix_consistency),
        cmocka_unit_test(test_nan_propagation),
        cmocka_unit_test(test_free_is_safe),
        cmocka_unit_test(test_hand_linearreg),
        cmocka_unit_test(test_linearreg_identities),
        cmocka_unit_test(test_hand_midpoint),
        cmocka_unit_test(test_hand_small),
        cmocka_unit_test(test_apo_ppo_ema),
        cmocka_unit_test(test_band_multipliers),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
