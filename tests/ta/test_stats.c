/* Unit tests of the statistics (src/ta/stats_*.c) on small inputs whose
 * answers are worked out by hand in the comments, on published constants
 * (MacKinnon's tables), and on the behaviour contracts: streaming equals
 * batch bit for bit, NaN stays inside its window, errors are values with a
 * message. The agreement with statsmodels on real data is
 * test_stats_reference.c's job. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pr_test.h"
#include "proratio/ta.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* ---------------------------------------------------------------------- */
/* Rolling mean / std / z                                                  */
/* ---------------------------------------------------------------------- */
static void test_rolling_hand(void **st) {
    (void)st;
    /* x = 1..5, period 3: windows {1,2,3} {2,3,4} {3,4,5}; means 2, 3, 4;
     * squared deviations 1+0+1 = 2: sample std sqrt(2/2) = 1, population
     * sqrt(2/3); z of the last value = (x - mean)/std = 1 / std. */
    const double x[5] = {1, 2, 3, 4, 5};
    double m[5], s[5], z[5], sp[5], zp[5];
    assert_int_equal(pr_ta_rolling(5, x, 3, 1, m, s, z), 0);
    assert_int_equal(pr_ta_rolling(5, x, 3, 0, NULL, sp, zp), 0);
    for (int i = 0; i < 2; i++) assert_true(isnan(m[i]) && isnan(s[i]) && isnan(z[i]) && isnan(sp[i]));
    for (int i = 2; i < 5; i++) {
        NEAR(m[i], (double)i, 1e-15);
        NEAR(s[i], 1.0, 1e-15);
        NEAR(z[i], 1.0, 1e-15);
        NEAR(sp[i], sqrt(2.0 / 3.0), 1e-15);
        NEAR(zp[i], 1.0 / sqrt(2.0 / 3.0), 1e-14);
    }
    double o[5];
    assert_int_equal(pr_ta_rolling_mean(5, x, 1, o), 0); /* period 1: the input itself */
    for (int i = 0; i < 5; i++) assert_true(o[i] == x[i]);
    assert_int_equal(pr_ta_rolling_std(5, x, 5, 1, o), 0);
    NEAR(o[4], sqrt(2.5), 1e-15); /* deviations 4+1+0+1+4 = 10, /4 */
    int lb;
    assert_int_equal(pr_ta_rolling_mean_lookback(20, &lb), 0);
    assert_int_equal(lb, 19);
    assert_int_equal(pr_ta_rolling_std_lookback(20, 0, &lb), 0);
    assert_int_equal(lb, 19);
}

static void test_rolling_bad_params(void **st) {
    (void)st;
    double x[3] = {1, 2, 3}, o[3] = {7, 7, 7};
    int lb;
    assert_int_equal(pr_ta_rolling_mean(3, x, 0, o), PR_EINVAL);
    assert_int_equal(pr_ta_rolling_mean(3, x, PR_TA_ROLLING_MAX_PERIOD + 1, o), PR_EINVAL);
    assert_int_equal(pr_ta_rolling_std(3, x, 1, 1, o), PR_EINVAL);
    assert_int_equal(pr_ta_rolling_std(3, x, 3, 2, o), PR_EINVAL);
    assert_int_equal(pr_ta_rolling_std_lookback(2, -1, &lb), PR_EINVAL);
    assert_true(o[0] == 7 && o[1] == 7 && o[2] == 7); /* outputs untouched */
    assert_int_equal(pr_ta_rolling_mean(0, NULL, 5, NULL), 0); /* n == 0: nothing */
    /* n <= lookback: all NaN */
    assert_int_equal(pr_ta_rolling_std(3, x, 5, 1, o), 0);
    assert_true(isnan(o[0]) && isnan(o[1]) && isnan(o[2]));
    pr_ta_rolling_state s;
    assert_int_equal(pr_ta_rolling_init(&s, 0, 1), PR_EINVAL);
    pr_ta_rolling_std_state sd = {0};
    assert_int_equal(pr_ta_rolling_std_init(&sd, 1, 0), PR_EINVAL);
}

/* A random walk with a large offset: the case where one-pass sums fail. */
static void make_walk(double *x, size_t n, double offset, uint64_t seed) {
    pr_rng r;
    pr_rng_seed(&r, seed);
    double v = offset;
    for (size_t i = 0; i < n; i++) {
        v += pr_rng_normal(&r);
        x[i] = v;
    }
}

static void test_rolling_stream_equals_batch(void **st) {
    (void)st;
    enum { N = 5000, P = 37 };
    double *x = malloc(sizeof(double) * N), *m = malloc(sizeof(double) * N * 3), *s = m + N, *z = s + N;
    make_walk(x, N, 1e6, 42);
    x[1000] = NAN;
    x[1010] = INFINITY;
    for (int i = 3000; i < 3100; i++) x[i] = 123.5; /* a flat stretch */
    assert_int_equal(pr_ta_rolling(N, x, P, 1, m, s, z), 0);
    pr_ta_rolling_state a;
    pr_ta_rolling_mean_state b;
    pr_ta_rolling_std_state c;
    assert_int_equal(pr_ta_rolling_init(&a, P, 1), 0);
    assert_int_equal(pr_ta_rolling_mean_init(&b, P), 0);
    assert_int_equal(pr_ta_rolling_std_init(&c, P, 1), 0);
    for (int i = 0; i < N; i++) {
        double mm, ss, zz, m2, s2;
        assert_int_equal(pr_ta_rolling_update(&a, x[i], &mm, &ss, &zz), 0);
        assert_int_equal(pr_ta_rolling_mean_update(&b, x[i], &m2), 0);
        assert_int_equal(pr_ta_rolling_std_update(&c, x[i], &s2), 0);
        /* bit-identical (memcmp also equates NaN with NaN) */
        assert_memory_equal(&mm, &m[i], sizeof mm);
        assert_memory_equal(&ss, &s[i], sizeof ss);
        assert_memory_equal(&zz, &z[i], sizeof zz);
        assert_memory_equal(&m2, &m[i], sizeof mm);
        assert_memory_equal(&s2, &s[i], sizeof ss);
    }
    pr_ta_rolling_free(&a);
    pr_ta_rolling_mean_free(&b);
    pr_ta_rolling_std_free(&c);
    /* NaN at 1000 and inf at 1010 poison windows ending at 1000..1046 only */
    assert_false(isnan(m[999]));
    for (int i = 1000; i < 1010 + P; i++) assert_true(isnan(m[i]) && isnan(s[i]) && isnan(z[i]));
    assert_false(isnan(m[1010 + P]));
    /* a window of equal values: exactly that value, std 0, z 0 */
    for (int i = 3000 + P - 1; i < 3100; i++) assert_true(m[i] == 123.5 && s[i] == 0.0 && z[i] == 0.0);
    /* against a direct two-pass computation written out here: the sliding
     * update must not drift over thousands of bars at level 1e6 */
    double worst = 0.0;
    for (int i = 1010 + P; i < N; i++) {
        double sum = 0.0, ss = 0.0;
        for (int k = i - P + 1; k <= i; k++) sum += x[k];
        double mean = sum / P;
        for (int k = i - P + 1; k <= i; k++) ss += (x[k] - mean) * (x[k] - mean);
        double sd = sqrt(ss / (P - 1));
        worst = fmax(worst, fabs(m[i] - mean) / 1e6);
        worst = fmax(worst, fabs(s[i] - sd) / 1e6);
    }
    assert_true(worst < 1e-14);
    free(x);
    free(m);
}

static void test_rolling_table(void **st) {
    (void)st;
    const pr_ta_def *d;
    assert_int_equal(pr_ta_find("rolling_std", &d), 0);
    assert_string_equal(d->group, "stats");
    double full[PR_TA_MAX_PARAMS];
    double given[1] = {3};
    assert_int_equal(pr_ta_check_params(d, given, 1, full, NULL), 0);
    assert_true(full[0] == 3 && full[1] == 1); /* ddof defaults to sample */
    const double x[5] = {1, 2, 3, 4, 5};
    double o[5];
    double *outs[1] = {o};
    pr_ta_input in = {0};
    in.n = 5;
    in.real0 = x;
    assert_int_equal(d->run(&in, full, outs), 0);
    NEAR(o[4], 1.0, 1e-15);
    void *state;
    assert_int_equal(d->stream_new(full, &state), 0);
    for (int i = 0; i < 5; i++) {
        pr_ta_bar bar = {0};
        bar.real0 = x[i];
        double v;
        assert_int_equal(d->stream_update(state, &bar, &v), 0);
        assert_memory_equal(&v, &o[i], sizeof v);
    }
    d->stream_free(state);
    assert_int_equal(pr_ta_find("rolling_mean", &d), 0);
    int lb;
    double p[1] = {10};
    assert_int_equal(d->lookback(p, &lb), 0);
    assert_int_equal(lb, 9);
}

/* ---------------------------------------------------------------------- */
/* Correlation and beta                                                    */
/* ---------------------------------------------------------------------- */
static void test_corr_hand(void **st) {
    (void)st;
    /* Spearman with a tie: x = 1,2,2,3 -> ranks 1, 2.5, 2.5, 4; y = 1,3,2,4
     * -> ranks 1,3,2,4. Both have mean 2.5; deviations (-1.5,0,0,1.5) and
     * (-1.5,.5,-.5,1.5): Sxy = 4.5, Sxx = 4.5, Syy = 5; r = 4.5/sqrt(22.5).
     * r^2 = 0.9, t = r sqrt(2/(1-r^2)) = sqrt(18); the t(2) distribution
     * has P(|T| > t) = 1 - t/sqrt(2 + t^2) = 1 - sqrt(0.9) (scipy: 0.0513167). */
    const double x[4] = {1, 2, 2, 3}, y[4] = {1, 3, 2, 4};
    pr_corr_result r;
    pr_err e;
    assert_int_equal(pr_stats_spearman(4, x, y, &r, &e), 0);
    NEAR(r.r, 4.5 / sqrt(22.5), 1e-15);
    NEAR(r.pvalue, 1.0 - sqrt(0.9), 1e-12);
    assert_int_equal(r.n, 4);
    /* Pearson of the raw values: x mean 2, deviations (-1,0,0,1); y mean
     * 2.5; Sxy = 1.5 + 1.5 = 3, Sxx = 2, Syy = 5: r = 3/sqrt(10). */
    assert_int_equal(pr_stats_pearson(4, x, y, &r, &e), 0);
    NEAR(r.r, 3.0 / sqrt(10.0), 1e-15);
    /* perfect correlation: r = 1 up to rounding, p ~ 0 */
    const double y2[4] = {3, 5, 5, 7};
    assert_int_equal(pr_stats_pearson(4, x, y2, &r, &e), 0);
    NEAR(r.r, 1.0, 1e-15);
    assert_true(r.pvalue < 1e-6);
}

static void test_beta_hand(void **st) {
    (void)st;
    /* levels: y = 2x + 1 exactly -> beta 2, alpha 1, r 1 */
    const double x[5] = {1, 2, 4, 3, 5}, y[5] = {3, 5, 9, 7, 11};
    pr_beta_result b;
    pr_err e;
    assert_int_equal(pr_stats_beta(5, y, x, PR_BETA_LEVELS, &b, &e), 0);
    NEAR(b.beta, 2.0, 1e-14);
    NEAR(b.alpha, 1.0, 1e-14);
    NEAR(b.r, 1.0, 1e-15);
    /* returns: x returns 1, 1, -.25, 2/3; y = x^2 has (1+rx)^2 - 1 = 3, 3,
     * -0.4375, 1.777...: compare with the formula written out */
    const double y2[5] = {1, 4, 16, 9, 25};
    assert_int_equal(pr_stats_beta(5, y2, x, PR_BETA_RETURNS, &b, &e), 0);
    double rx[4] = {1, 1, -0.25, 2.0 / 3.0}, ry[4] = {3, 3, -0.4375, 16.0 / 9.0};
    double mx = (rx[0] + rx[1] + rx[2] + rx[3]) / 4, my = (ry[0] + ry[1] + ry[2] + ry[3]) / 4, sxy = 0, sxx = 0;
    for (int i = 0; i < 4; i++) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
    }
    NEAR(b.beta, sxy / sxx, 1e-13);
    assert_int_equal(b.n, 4);
    /* log returns of y = x^2 are exactly twice those of x: beta 2 */
    assert_int_equal(pr_stats_beta(5, y2, x, PR_BETA_LOG_RETURNS, &b, &e), 0);
    NEAR(b.beta, 2.0, 1e-13);
    const double bad[5] = {1, 2, -1, 3, 4};
    assert_int_equal(pr_stats_beta(5, y2, bad, PR_BETA_LOG_RETURNS, &b, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "x[2]"));
    assert_int_equal(pr_stats_beta(5, y2, x, (pr_beta_input)7, &b, &e), PR_EINVAL);
}

static void test_corr_errors(void **st) {
    (void)st;
    const double x[4] = {1, 2, NAN, 3}, c[4] = {2, 2, 2, 2}, ok[4] = {1, 2, 3, 5};
    pr_corr_result r;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_stats_pearson(4, x, ok, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "x[2] is NaN"));
    assert_int_equal(pr_stats_spearman(4, ok, c, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "constant"));
    assert_int_equal(pr_stats_pearson(2, ok, ok, &r, &e), PR_EDATA);
    assert_int_equal(pr_stats_pearson(4, NULL, ok, &r, &e), PR_EINVAL);
}

/* ---------------------------------------------------------------------- */
/* OLS                                                                     */
/* ---------------------------------------------------------------------- */
static void test_ols_hand(void **st) {
    (void)st;
    /* y = 1,3,2,5,4 on [1, x], x = 1..5. xm = ym = 3; Sxy = 8, Sxx = 10:
     * b = 0.8, a = 0.6. Fitted 1.4 2.2 3.0 3.8 4.6, residuals -0.4 0.8 -1
     * 1.2 -0.6, SSR = 3.6, sigma^2 = 3.6/3 = 1.2; se(b) = sqrt(1.2/10),
     * se(a) = sqrt(1.2 (1/5 + 9/10)); Syy = 10 so R^2 = 0.64, adjusted
     * 1 - 4/3 * 0.36 = 0.52. llf = -2.5 log 3.6 - 2.5 (1 + log(pi/2.5)). */
    const double X[10] = {1, 1, 1, 2, 1, 3, 1, 4, 1, 5}, y[5] = {1, 3, 2, 5, 4};
    double p[2], se[2], t[2], pv[2], res[5];
    pr_ols_result r = {0};
    r.params = p;
    r.bse = se;
    r.tvalues = t;
    r.pvalues = pv;
    r.resid = res;
    pr_err e;
    assert_int_equal(pr_stats_ols(5, 2, X, y, &r, &e), 0);
    NEAR(p[0], 0.6, 1e-14);
    NEAR(p[1], 0.8, 1e-14);
    NEAR(se[1], sqrt(0.12), 1e-14);
    NEAR(se[0], sqrt(1.32), 1e-14);
    NEAR(t[1], 0.8 / sqrt(0.12), 1e-13);
    const double want_res[5] = {-0.4, 0.8, -1.0, 1.2, -0.6};
    for (int i = 0; i < 5; i++) NEAR(res[i], want_res[i], 1e-14);
    NEAR(r.ssr, 3.6, 1e-14);
    NEAR(r.sigma2, 1.2, 1e-14);
    NEAR(r.rsquared, 0.64, 1e-14);
    NEAR(r.rsquared_adj, 0.52, 1e-14);
    NEAR(r.llf, -2.5 * log(3.6) - 2.5 * (1 + log(M_PI / 2.5)), 1e-13);
    NEAR(r.aic, -2 * r.llf + 4, 1e-13);
    assert_int_equal(r.has_const, 1);
    assert_int_equal(r.rank, 2);
    assert_true(r.df_resid == 3.0);
    /* t = 0.8/sqrt(0.12) = 2.3094 with 3 dof: p from the t(3) closed form
     * P(|T| > t) = 1 - (2/pi) (atan(u) + u/(1+u^2)), u = t/sqrt(3) */
    double u = t[1] / sqrt(3.0);
    NEAR(pv[1], 1.0 - 2.0 / M_PI * (atan(u) + u / (1.0 + u * u)), 1e-12);
}

static void test_ols_errors(void **st) {
    (void)st;
    double p[2];
    pr_ols_result r = {0};
    r.params = p;
    pr_err e;
    /* second column = 2 * first: rank 1 */
    const double col[8] = {1, 2, 2, 4, 3, 6, 4, 8}, y[4] = {1, 2, 3, 5};
    assert_int_equal(pr_stats_ols(4, 2, col, y, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "collinear"));
    const double nanx[8] = {1, 2, 1, NAN, 1, 6, 1, 8};
    assert_int_equal(pr_stats_ols(4, 2, nanx, y, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "row 1"));
    assert_int_equal(pr_stats_ols(2, 2, col, y, &r, &e), PR_EDATA); /* n <= k */
    r.params = NULL;
    assert_int_equal(pr_stats_ols(4, 2, col, y, &r, &e), PR_EINVAL);
}

/* ---------------------------------------------------------------------- */
/* MacKinnon, ADF, Engle-Granger                                           */
/* ---------------------------------------------------------------------- */
static void test_mackinnon_published(void **st) {
    (void)st;
    /* MacKinnon (2010) Table 2, asymptotic tau_c for N = 1: -3.43035,
     * -2.86154, -2.56677; N = 2 (Engle-Granger pair): -3.89644, -3.33613,
     * -3.04445; tau_ct N = 1: -3.95877, -3.41049, -3.12705. */
    double c[3];
    assert_int_equal(pr_stats_mackinnoncrit(1, PR_ADF_C, 0, c, NULL), 0);
    assert_true(c[0] == -3.43035 && c[1] == -2.86154 && c[2] == -2.56677);
    assert_int_equal(pr_stats_mackinnoncrit(2, PR_ADF_C, INFINITY, c, NULL), 0);
    assert_true(c[0] == -3.89644 && c[1] == -3.33613 && c[2] == -3.04445);
    assert_int_equal(pr_stats_mackinnoncrit(1, PR_ADF_CT, 0, c, NULL), 0);
    assert_true(c[0] == -3.95877 && c[1] == -3.41049 && c[2] == -3.12705);
    /* finite sample: c0 + c1/T + c2/T^2 (+ c3/T^3), T = 100, tau_c N = 1 5%:
     * -2.86154 - 2.8903/100 - 4.234/1e4 - 40.040/1e6 */
    assert_int_equal(pr_stats_mackinnoncrit(1, PR_ADF_C, 100, c, NULL), 0);
    NEAR(c[1], -2.86154 - 0.028903 - 0.0004234 - 0.00004004, 1e-12);
    /* the 1994 p-value surface at the 2010 asymptotic critical values gives
     * back (about) their levels */
    double p;
    assert_int_equal(pr_stats_mackinnonp(-2.86154, PR_ADF_C, 1, &p, NULL), 0);
    NEAR(p, 0.05, 5e-4);
    assert_int_equal(pr_stats_mackinnonp(-3.43035, PR_ADF_C, 1, &p, NULL), 0);
    NEAR(p, 0.01, 5e-4);
    assert_int_equal(pr_stats_mackinnonp(-3.33613, PR_ADF_C, 2, &p, NULL), 0);
    NEAR(p, 0.05, 5e-4);
    assert_int_equal(pr_stats_mackinnonp(-3.41049, PR_ADF_CT, 1, &p, NULL), 0);
    NEAR(p, 0.05, 1e-3);
    /* outside the tabled range: 0 and 1 */
    assert_int_equal(pr_stats_mackinnonp(-30, PR_ADF_C, 1, &p, NULL), 0);
    assert_true(p == 0.0);
    assert_int_equal(pr_stats_mackinnonp(3, PR_ADF_C, 1, &p, NULL), 0);
    assert_true(p == 1.0);
    pr_err e;
    assert_int_equal(pr_stats_mackinnonp(-3, PR_ADF_C, 7, &p, &e), PR_EINVAL);
    assert_int_equal(pr_stats_mackinnoncrit(2, PR_ADF_N, 0, c, &e), PR_EINVAL);
}

static void test_adf_behaviour(void **st) {
    (void)st;
    enum { N = 2000 };
    double *x = malloc(sizeof(double) * N);
    pr_adf_result r;
    pr_err e;
    /* a Gaussian random walk: unit root not rejected */
    make_walk(x, N, 100.0, 7);
    assert_int_equal(pr_stats_adf(N, x, NULL, &r, &e), 0);
    assert_true(r.pvalue > 0.05);
    /* default maxlag = ceil(12 (2000/100)^(1/4)) = ceil(25.37) = 26 */
    assert_int_equal(r.maxlag, 26);
    assert_true(r.usedlag >= 0 && r.usedlag <= 26);
    assert_int_equal(r.nobs, N - 1 - r.usedlag);
    /* a stationary AR(1) with phi = 0.5: strongly rejected; with no lag
     * search the DF regression is dx = c + (phi-1) x + e, so gamma ~ -0.5 */
    pr_rng g;
    pr_rng_seed(&g, 9);
    x[0] = 0;
    for (int i = 1; i < N; i++) x[i] = 0.5 * x[i - 1] + pr_rng_normal(&g);
    pr_adf_opts o;
    pr_adf_opts_default(&o);
    o.maxlag = 0;
    o.autolag = PR_ADF_FIXED;
    assert_int_equal(pr_stats_adf(N, x, &o, &r, &e), 0);
    assert_true(r.pvalue < 1e-6);
    NEAR(r.gamma, -0.5, 0.06);
    assert_int_equal(r.usedlag, 0);
    assert_true(isnan(r.icbest));
    /* errors */
    x[17] = NAN;
    pr_err_clear(&e);
    assert_int_equal(pr_stats_adf(N, x, NULL, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "x[17] is NaN"));
    double flat[50];
    for (int i = 0; i < 50; i++) flat[i] = 3.0;
    assert_int_equal(pr_stats_adf(50, flat, NULL, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "constant"));
    assert_int_equal(pr_stats_adf(5, flat, NULL, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "at least"));
    for (int i = 0; i < 50; i++) flat[i] = 2.0 * i; /* a straight line */
    assert_int_equal(pr_stats_adf(50, flat, NULL, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "straight line"));
    make_walk(x, 100, 0, 3);
    pr_adf_opts_default(&o);
    o.maxlag = 49; /* n/2 - 1 - 1 = 48 is the largest allowed with 'c' */
    o.autolag = PR_ADF_AIC;
    assert_int_equal(pr_stats_adf(100, x, &o, &r, &e), PR_EINVAL);
    assert_string_equal(e.field, "maxlag");
    o.maxlag = 48;
    assert_int_equal(pr_stats_adf(100, x, &o, &r, &e), 0);
    o.regression = (pr_adf_regression)9;
    assert_int_equal(pr_stats_adf(100, x, &o, &r, &e), PR_EINVAL);
    free(x);
}

static void test_coint_behaviour(void **st) {
    (void)st;
    enum { N = 1500 };
    double *x = malloc(sizeof(double) * N * 2), *y = x + N;
    pr_rng g;
    pr_rng_seed(&g, 11);
    make_walk(x, N, 50.0, 5);
    /* y = 2x + 3 + stationary noise: cointegrated with hedge ratio ~2 */
    for (int i = 0; i < N; i++) y[i] = 2.0 * x[i] + 3.0 + pr_rng_normal(&g);
    pr_coint_result r;
    pr_err e;
    assert_int_equal(pr_stats_coint(N, y, x, NULL, &r, &e), 0);
    NEAR(r.hedge_ratio, 2.0, 0.02);
    assert_true(r.pvalue < 0.01 && r.stat < r.crit[0]);
    assert_int_equal(r.collinear, 0);
    assert_int_equal(r.nobs, N);
    /* exactly collinear: statsmodels' convention, -inf and p = 0 */
    for (int i = 0; i < N; i++) y[i] = 2.0 * x[i] + 3.0;
    assert_int_equal(pr_stats_coint(N, y, x, NULL, &r, &e), 0);
    assert_int_equal(r.collinear, 1);
    assert_true(isinf(r.stat) && r.stat < 0 && r.pvalue == 0.0);
    /* two independent walks: not cointegrated */
    make_walk(y, N, 50.0, 6);
    assert_int_equal(pr_stats_coint(N, y, x, NULL, &r, &e), 0);
    assert_true(r.pvalue > 0.05);
    /* trend n: no critical values */
    pr_coint_opts o;
    pr_coint_opts_default(&o);
    o.trend = PR_ADF_N;
    assert_int_equal(pr_stats_coint(N, y, x, &o, &r, &e), 0);
    assert_true(isnan(r.crit[0]) && isnan(r.intercept));
    y[3] = INFINITY;
    assert_int_equal(pr_stats_coint(N, y, x, NULL, &r, &e), PR_EDATA);
    assert_non_null(strstr(e.msg, "y[3] is infinite"));
    free(x);
}

/* ---------------------------------------------------------------------- */
/* Half-life and Hurst                                                     */
/* ---------------------------------------------------------------------- */
static void test_halflife_hand(void **st) {
    (void)st;
    /* s[t] = 10 + 20 * 0.5^t: ds = -0.5 s[t-1] + 5 exactly, so lambda =
     * -0.5, c = 5, equilibrium 10 and half-life ln 2 / 0.5. */
    double s[8];
    for (int t = 0; t < 8; t++) s[t] = 10.0 + 20.0 * pow(0.5, t);
    pr_halflife_result r;
    pr_err e;
    assert_int_equal(pr_stats_halflife(8, s, &r, &e), 0);
    NEAR(r.lambda, -0.5, 1e-12);
    NEAR(r.intercept, 5.0, 1e-11);
    NEAR(r.mean, 10.0, 1e-11);
    NEAR(r.halflife, log(2.0) / 0.5, 1e-11);
    assert_int_equal(r.mean_reverting, 1);
    assert_int_equal(r.nobs, 7);
    /* explosive: s doubles; no mean reversion, infinite half-life */
    double g[6] = {1, 2.1, 3.9, 8.2, 15.8, 32.5};
    assert_int_equal(pr_stats_halflife(6, g, &r, &e), 0);
    assert_int_equal(r.mean_reverting, 0);
    assert_true(isinf(r.halflife));
    assert_int_equal(pr_stats_halflife(3, g, &r, &e), PR_EDATA);
}

static void test_hurst_behaviour(void **st) {
    (void)st;
    enum { N = 20000 };
    double *x = malloc(sizeof(double) * N);
    pr_hurst_result r;
    pr_err e;
    pr_hurst_opts o;
    pr_hurst_opts_default(&o);
    assert_int_equal(o.method, PR_HURST_RS);
    /* random walk: H ~ 0.5 by both (the corrected R/S removes the small-
     * window bias that would otherwise push it to ~0.55-0.6) */
    make_walk(x, N, 0, 21);
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), 0);
    NEAR(r.h, 0.5, 0.06);
    o.method = PR_HURST_VAR;
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), 0);
    NEAR(r.h, 0.5, 0.06);
    assert_int_equal(r.npoints, 98); /* lags 2..99 */
    /* white noise as a level series: std of lagged differences does not
     * grow with the lag, H_var ~ 0; R/S of its (anti-persistent)
     * increments is well below 0.5 */
    pr_rng g;
    pr_rng_seed(&g, 4);
    for (int i = 0; i < N; i++) x[i] = pr_rng_normal(&g);
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), 0);
    NEAR(r.h, 0.0, 0.03);
    o.method = PR_HURST_RS;
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), 0);
    assert_true(r.h < 0.2);
    /* too short for two window sizes */
    assert_int_equal(pr_stats_hurst(40, x, &o, &r, &e), PR_EDATA);
    o.min_window = 2;
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), PR_EINVAL);
    o.min_window = 0;
    o.method = (pr_hurst_method)5;
    assert_int_equal(pr_stats_hurst(N, x, &o, &r, &e), PR_EINVAL);
    free(x);
}

static void test_parsers(void **st) {
    (void)st;
    pr_adf_regression reg;
    assert_int_equal(pr_adf_regression_parse("ct", &reg), 0);
    assert_int_equal(reg, PR_ADF_CT);
    assert_int_equal(pr_adf_regression_parse("nc", &reg), 0);
    assert_int_equal(reg, PR_ADF_N);
    assert_int_equal(pr_adf_regression_parse("x", &reg), PR_EINVAL);
    assert_string_equal(pr_adf_regression_name(PR_ADF_CTT), "ctt");
    pr_adf_autolag al;
    assert_int_equal(pr_adf_autolag_parse("BIC", &al), 0);
    assert_int_equal(al, PR_ADF_BIC);
    assert_int_equal(pr_adf_autolag_parse("none", &al), 0);
    assert_int_equal(al, PR_ADF_FIXED);
    pr_hurst_method hm;
    assert_int_equal(pr_hurst_method_parse("var", &hm), 0);
    assert_int_equal(hm, PR_HURST_VAR);
    assert_string_equal(pr_hurst_method_name(PR_HURST_RS), "rs");
    pr_beta_input bi;
    assert_int_equal(pr_stats_beta_input_parse("logreturns", &bi), 0);
    assert_int_equal(bi, PR_BETA_LOG_RETURNS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rolling_hand),        cmocka_unit_test(test_rolling_bad_params),
        cmocka_unit_test(test_rolling_stream_equals_batch), cmocka_unit_test(test_rolling_table),
        cmocka_unit_test(test_corr_hand),           cmocka_unit_test(test_beta_hand),
        cmocka_unit_test(test_corr_errors),         cmocka_unit_test(test_ols_hand),
        cmocka_unit_test(test_ols_errors),          cmocka_unit_test(test_mackinnon_published),
        cmocka_unit_test(test_adf_behaviour),       cmocka_unit_test(test_coint_behaviour),
        cmocka_unit_test(test_halflife_hand),       cmocka_unit_test(test_hurst_behaviour),
        cmocka_unit_test(test_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
