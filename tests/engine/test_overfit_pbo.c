/* Tests for the probability of backtest overfitting (CSCV): two small cases
 * whose every combination is argued by hand (PBO 1 and PBO 0), a
 * deterministic matrix against an independent numpy implementation of the
 * paper's procedure, pure noise (PBO near 1/2), and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"

static void near(double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g (tol %g)", got, want, tol);
}

/* S = 4 blocks of 2 rows, N = 3 trials. Trial j's block b holds the rows
 * m + 10 and m - 10, m its block mean:
 *   A = (0, 0, 2, 4), B = (0, 1, 3, 2), C = (0, 2, 1, 3)   (each sums to 6).
 * Over two blocks with means x, y the four rows have mean (x+y)/2 and sum of
 * squared deviations 4*100 + (x-y)^2, so std = sqrt((400 + (x-y)^2)/3) lies
 * in [11.547, 11.776] for |x-y| <= 4: within 2%. For each of the C(4,2) = 6
 * in-sample pairs the three trials' sums over the pair differ by at least 1
 * (means by 0.5, all in [0, 3]); a mean 0.5 higher beats a 2% larger std
 * while the mean is below 25, so the Sharpe order is the order of the sums:
 *   IS {1,2}: A 0, B 1, C 2 -> C;   IS {1,3}: A 2, B 3, C 1 -> B;
 *   IS {1,4}: A 4, B 2, C 3 -> A;   IS {2,3}: A 2, B 4, C 3 -> B;
 *   IS {2,4}: A 4, B 3, C 5 -> C;   IS {3,4}: A 6, B 5, C 4 -> A.
 * Out of sample the sums are 6 - the in-sample ones, the order reversed:
 * the in-sample winner is always the out-of-sample loser, rank 1 of 3,
 * w = 1/4, logit ln(1/3) every time, PBO = 1. */
static void test_winner_always_loses(void **state) {
    (void)state;
    const double m[3][4] = {{0, 0, 2, 4}, {0, 1, 3, 2}, {0, 2, 1, 3}};
    double r[8 * 3];
    for (int b = 0; b < 4; b++)
        for (int j = 0; j < 3; j++) {
            r[(2 * b) * 3 + j] = m[j][b] + 10;
            r[(2 * b + 1) * 3 + j] = m[j][b] - 10;
        }
    pr_pbo_result p;
    double lam[6], is[6], oos[6];
    pr_err err = {0};
    assert_int_equal(pr_pbo_cscv(r, 8, 3, 4, &p, lam, is, oos, &err), PR_OK);
    assert_int_equal(p.n_combinations, 6);
    assert_int_equal(p.n_blocks, 4);
    near(p.pbo, 1.0, 0);
    for (int c = 0; c < 6; c++) near(lam[c], -log(3.0), 1e-15);
    near(p.logit_mean, -log(3.0), 1e-15);
    near(p.logit_median, -log(3.0), 1e-15);
    near(p.logit_std, 0, 1e-15);
    /* First combination IS {1,2}: C chosen, IS mean (0+2)/2 = 1 over
     * std sqrt((400+4)/3), OOS mean (1+3)/2 = 2 over the same std. */
    near(is[0], 1 / sqrt(404.0 / 3), 1e-15);
    near(oos[0], 2 / sqrt(404.0 / 3), 1e-15);
    /* The chosen trials' OOS sums are 4, 3, 2, 2, 1, 0: none negative. */
    assert_int_equal(p.n_oos_loss, 0);
    assert_int_equal(p.n_fit, 6);
}

/* One trial dominates: B = A + 0.01 and C = A - 0.01 row by row, so over any
 * set of rows the three have the same std and means ordered B > A > C: B is
 * the in-sample best and the out-of-sample best of every combination, rank
 * 3 of 3, w = 3/4, logit ln 3, PBO = 0. S = 8 (70 combinations), T = 24. */
static void test_dominant_trial(void **state) {
    (void)state;
    double r[24 * 3];
    for (int t = 0; t < 24; t++) {
        double a = 0.02 * sin(0.9 * t) + 0.001 * (t % 5);
        r[t * 3 + 0] = a;
        r[t * 3 + 1] = a + 0.01;
        r[t * 3 + 2] = a - 0.01;
    }
    pr_pbo_result p;
    double lam[70];
    pr_err err = {0};
    assert_int_equal(pr_pbo_cscv(r, 24, 3, 8, &p, lam, NULL, NULL, &err), PR_OK);
    assert_int_equal(p.n_combinations, 70);
    near(p.pbo, 0.0, 0);
    for (int c = 0; c < 70; c++) near(lam[c], log(3.0), 1e-15);
    near(p.logit_min, log(3.0), 1e-15);
    near(p.logit_max, log(3.0), 1e-15);
}

/* r[t][j] = 0.01 sin(0.37 t (j+1) + j) + 0.002 cos(1.1 t) + 0.0005 j, T = 64,
 * N = 5, S = 8. Expected values from an independent numpy implementation of
 * the paper's procedure (itertools.combinations of the blocks, Sharpe =
 * mean / std(ddof=1) of the concatenated rows, argmax, rank, logit;
 * numpy.polyfit for the degradation line):
 *   PBO = 25/70 = 0.35714285714285715, logit mean 0.4014432106453469,
 *   std 1.2392807631098854, min -ln 5, median ln 2, max ln 5,
 *   slope -1.6655232405849894, intercept 0.6515148055424165,
 *   15 OOS losses, chosen IS / OOS Sharpe means 0.3087420621712496 /
 *   0.1372977256500647. */
static void test_against_reference(void **state) {
    (void)state;
    enum { T = 64, N = 5 };
    double r[T * N];
    for (int t = 0; t < T; t++)
        for (int j = 0; j < N; j++)
            r[t * N + j] = 0.01 * sin(0.37 * t * (j + 1) + j) + 0.002 * cos(1.1 * t) + 0.0005 * j;
    pr_pbo_result p;
    pr_err err = {0};
    assert_int_equal(pr_pbo_cscv(r, T, N, 8, &p, NULL, NULL, NULL, &err), PR_OK);
    near(p.pbo, 25.0 / 70.0, 1e-15);
    near(p.logit_mean, 0.4014432106453469, 1e-12);
    near(p.logit_std, 1.2392807631098854, 1e-12);
    near(p.logit_min, -log(5.0), 1e-12);
    near(p.logit_median, log(2.0), 1e-12);
    near(p.logit_max, log(5.0), 1e-12);
    near(p.degradation_slope, -1.6655232405849894, 1e-9);
    near(p.degradation_intercept, 0.6515148055424165, 1e-9);
    assert_int_equal(p.n_oos_loss, 15);
    near(p.prob_oos_loss, 15.0 / 70.0, 1e-15);
    near(p.is_sharpe_mean, 0.3087420621712496, 1e-12);
    near(p.oos_sharpe_mean, 0.1372977256500647, 1e-12);
}

/* Pure noise: with iid returns the in-sample winner's out-of-sample rank is
 * uniform on 1..N (the two halves share no rows), so for an even N = 10 the
 * probability that it lands in the lower half (w <= 1/2) is exactly 1/2.
 * One data set's PBO is a mean over 12870 strongly dependent combinations:
 * its spread across data sets is wide (a numpy simulation of this setup
 * gave a standard deviation of 0.23; any value in [0, 1] has one of at most
 * 0.5). Averaging K = 64 independent seeded data sets gives a mean whose
 * standard deviation is at most 0.5/8 = 0.0625 and about 0.23/8 = 0.029 in
 * practice; the tolerance 0.15 is 2.4 of the bound and 5 of the measured
 * deviation. The mean logit is symmetric about 0 likewise. */
static void test_noise_near_half(void **state) {
    (void)state;
    enum { K = 64, T = 320, N = 10 };
    double *r = malloc(sizeof(double) * T * N);
    assert_non_null(r);
    pr_rng rng;
    pr_rng_seed(&rng, 20240601);
    double sum = 0, sum_logit = 0;
    pr_err err = {0};
    for (int k = 0; k < K; k++) {
        for (int i = 0; i < T * N; i++) r[i] = 0.01 * pr_rng_normal(&rng);
        pr_pbo_result p;
        assert_int_equal(pr_pbo_cscv(r, T, N, 0, &p, NULL, NULL, NULL, &err), PR_OK);
        assert_int_equal(p.n_blocks, 16);
        assert_int_equal(p.n_combinations, 12870);
        sum += p.pbo;
        sum_logit += p.logit_mean;
    }
    free(r);
    near(sum / K, 0.5, 0.15);
    near(sum_logit / K, 0.0, 0.5);
}

static void test_combinations_and_errors(void **state) {
    (void)state;
    size_t c;
    pr_err err = {0};
    assert_int_equal(pr_pbo_combinations(16, &c, &err), PR_OK);
    assert_int_equal(c, 12870);
    assert_int_equal(pr_pbo_combinations(24, &c, &err), PR_OK);
    assert_int_equal(c, 2704156);
    assert_int_equal(pr_pbo_combinations(2, &c, &err), PR_OK);
    assert_int_equal(c, 2);
    assert_int_equal(pr_pbo_combinations(7, &c, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "even"));
    assert_int_equal(pr_pbo_combinations(26, &c, &err), PR_EINVAL);

    double r[40 * 2];
    for (int i = 0; i < 80; i++) r[i] = 0.001 * (i % 7) - 0.002;
    pr_pbo_result p;
    assert_int_equal(pr_pbo_cscv(r, 40, 1, 4, &p, NULL, NULL, NULL, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2"));
    assert_int_equal(pr_pbo_cscv(r, 31, 2, 16, &p, NULL, NULL, NULL, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "each block needs at least 2"));
    r[2 * 17 + 1] = NAN;
    assert_int_equal(pr_pbo_cscv(r, 40, 2, 4, &p, NULL, NULL, NULL, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "trial 1 in period 17 is NaN"));
}

/* Ties take the mean of their ranks, and the lowest index wins an
 * in-sample tie. S = 4 blocks of 2 rows, N = 2: trial 0 never trades (all
 * returns 0, Sharpe 0 everywhere); trial 1 returns +1 in blocks 1-2 and -1
 * in blocks 3-4. Combinations in lexicographic order:
 *   IS {1,2}: trial 1 is constant +1 (Sharpe +inf) and wins; OOS it is
 *     constant -1 (-inf): rank 1 of 2, w = 1/3, logit -ln 2; an OOS loss;
 *   IS {1,3} {1,4} {2,3} {2,4}: trial 1's rows +1 +1 -1 -1 have mean 0, so
 *     Sharpe 0 ties trial 0, which is chosen; OOS both are 0 again: rank
 *     (1 + 2) / 2 = 1.5, w = 1/2, logit 0 (counted as overfit: <= 0);
 *   IS {3,4}: trial 1 is -inf, trial 0 wins; OOS trial 1 is +inf: rank 1,
 *     logit -ln 2.
 * PBO = 6/6 = 1. The degradation fit leaves out {1,2} (infinite): 5 pairs. */
static void test_ties_mid_rank(void **state) {
    (void)state;
    double r[8 * 2];
    for (int t = 0; t < 8; t++) {
        r[t * 2 + 0] = 0;
        r[t * 2 + 1] = t < 4 ? 1.0 : -1.0;
    }
    pr_pbo_result p;
    double lam[6], is[6], oos[6];
    pr_err err = {0};
    assert_int_equal(pr_pbo_cscv(r, 8, 2, 4, &p, lam, is, oos, &err), PR_OK);
    near(lam[0], -log(2.0), 1e-15);
    assert_true(isinf(is[0]) && is[0] > 0 && isinf(oos[0]) && oos[0] < 0);
    for (int c = 1; c < 5; c++) {
        near(lam[c], 0.0, 1e-15);
        assert_true(is[c] == 0 && oos[c] == 0);
    }
    near(lam[5], -log(2.0), 1e-15);
    near(p.pbo, 1.0, 0);
    assert_int_equal(p.n_fit, 5);
    assert_int_equal(p.n_oos_loss, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_winner_always_loses),
        cmocka_unit_test(test_dominant_trial),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_noise_near_half),
        cmocka_unit_test(test_combinations_and_errors),
        cmocka_unit_test(test_ties_mid_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
