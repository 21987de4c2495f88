/* Tests for the Sharpe-ratio overfitting statistics: return moments, PSR,
 * the expected maximum Sharpe, the deflated Sharpe ratio and the minimum
 * backtest length. Expected values are worked out by hand in the comments
 * or taken from the papers' worked examples (cross-checked with
 * scipy.stats.norm: the formula typed in independently). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/engine.h"

static void near(double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g (tol %g)", got, want, tol);
}

/* r = {1, 2, 3, 10}: mean 4; deviations -3 -2 -1 6;
 * sum d^2 = 9+4+1+36 = 50 -> std (ddof 1) = sqrt(50/3) = 4.0824829046386,
 *   Sharpe = 4 / 4.0824829 = 0.97979589711327;
 * m2 = 50/4 = 12.5, m3 = (-27-8-1+216)/4 = 45, m4 = (81+16+1+1296)/4 = 348.5;
 * skew = 45 / 12.5^1.5 = 1.0182337649086284, kurt = 348.5 / 156.25 = 2.23040
 * (scipy.stats.skew(bias=True), kurtosis(fisher=False) agree). */
static void test_moments_by_hand(void **state) {
    (void)state;
    double r[] = {1, 2, 3, 10};
    pr_return_moments m;
    pr_err err = {0};
    assert_int_equal(pr_return_moments_compute(r, 4, &m, &err), PR_OK);
    assert_int_equal(m.n, 4);
    near(m.mean, 4, 1e-15);
    near(m.std, sqrt(50.0 / 3.0), 1e-14);
    near(m.sharpe, 0.97979589711327, 1e-13);
    near(m.skew, 1.0182337649086284, 1e-14);
    near(m.kurt, 2.2304, 1e-14);
}

static void test_moments_errors(void **state) {
    (void)state;
    pr_return_moments m;
    pr_err err = {0};
    double c[] = {0.01, 0.01, 0.01};
    assert_int_equal(pr_return_moments_compute(c, 3, &m, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "constant"));
    double nanv[] = {0.01, NAN, 0.02};
    assert_int_equal(pr_return_moments_compute(nanv, 3, &m, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "return 1 is NaN"));
    assert_int_equal(pr_return_moments_compute(c, 1, &m, &err), PR_EINVAL);
}

/* PSR by hand. With sr = 0.1, kurt = 3 and skew = (kurt-1)/4 * sr = 0.05
 * the variance term 1 - skew*sr + (kurt-1)/4*sr^2 = 1 - 0.005 + 0.005 = 1, so
 * with T = 101: z = (0.1 - sr*) * sqrt(100).
 *   sr* = 0   -> z = 1 -> Phi(1) = 0.8413447460685429;
 *   sr* = 0.1 -> z = 0 -> 0.5;
 *   sr* = 0.2 -> z = -1 -> 1 - Phi(1) = 0.15865525393145707.
 * Normal returns (skew 0, kurt 3), sr = 0.1, T = 101: the term is
 * 1 + 0.5*0.01 = 1.005, z = 1/sqrt(1.005) = 0.99750933610763 -> 0.84074133. */
static void test_psr_by_hand(void **state) {
    (void)state;
    double p;
    pr_err err = {0};
    assert_int_equal(pr_psr(0.1, 0, 101, 0.05, 3, &p, &err), PR_OK);
    near(p, 0.8413447460685429, 1e-12);
    assert_int_equal(pr_psr(0.1, 0.1, 101, 0.05, 3, &p, &err), PR_OK);
    near(p, 0.5, 1e-15);
    assert_int_equal(pr_psr(0.1, 0.2, 101, 0.05, 3, &p, &err), PR_OK);
    near(p, 0.15865525393145707, 1e-12);
    assert_int_equal(pr_psr(0.1, 0, 101, 0, 3, &p, &err), PR_OK);
    near(p, 0.8407413278013518, 1e-9);
}

static void test_psr_errors(void **state) {
    (void)state;
    double p;
    pr_err err = {0};
    assert_int_equal(pr_psr(0.1, 0, 1, 0, 3, &p, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2"));
    assert_int_equal(pr_psr(NAN, 0, 100, 0, 3, &p, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "Sharpe ratio is NaN"));
    /* An annual Sharpe of 4 with skew 2 passed by mistake: 1 - 8 + 8 = 1 > 0,
     * but skew 3 gives 1 - 12 + 8 = -3: refused with the likely cause. */
    assert_int_equal(pr_psr(4, 0, 100, 3, 3, &p, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "per period"));
}

/* E[max_N] with unit variance: the 2014 "Pseudo-mathematics" paper gives
 * about 1.57 for N = 10, and (its eq. 6 example) with 5 years of data no
 * more than 45 trials for an expected maximum annual Sharpe of 1, i.e.
 * E[max_45] / sqrt(5) = 0.9998. One trial: no selection, 0. The variance
 * scales it by sqrt(V). */
static void test_expected_max(void **state) {
    (void)state;
    double e;
    pr_err err = {0};
    assert_int_equal(pr_expected_max_sharpe(10, 1, &e, &err), PR_OK);
    near(e, 1.5746, 5e-4);
    assert_int_equal(pr_expected_max_sharpe(45, 1, &e, &err), PR_OK);
    near(e / sqrt(5.0), 0.9998, 5e-5);
    assert_int_equal(pr_expected_max_sharpe(45, 4, &e, &err), PR_OK);
    near(e / sqrt(5.0), 2 * 0.9998, 1e-4);
    assert_int_equal(pr_expected_max_sharpe(1, 1, &e, &err), PR_OK);
    assert_true(e == 0);
    /* Bounded by sqrt(2 ln N) (the paper's upper bound). */
    for (double n = 2; n < 1e6; n *= 3) {
        assert_int_equal(pr_expected_max_sharpe(n, 1, &e, &err), PR_OK);
        assert_true(e < sqrt(2 * log(n)));
    }
    assert_int_equal(pr_expected_max_sharpe(0.5, 1, &e, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, ">= 1"));
    assert_int_equal(pr_expected_max_sharpe(10, -1, &e, &err), PR_EINVAL);
}

/* The deflated Sharpe ratio paper's numerical example (Bailey & Lopez de
 * Prado 2014): annual SR 2.5 over 5 years of daily returns (T = 1250, 250 a
 * year), N = 100 trials whose annual Sharpes have variance 1/2, skew -3,
 * kurtosis 10. Per period: SR = 2.5/sqrt(250) = 0.158113883, V = 0.5/250.
 * The paper: SR0 = 0.1132 (per period), DSR = 0.9004. */
static void test_dsr_paper_example(void **state) {
    (void)state;
    pr_dsr_result d;
    pr_err err = {0};
    double sr = 2.5 / sqrt(250.0);
    assert_int_equal(pr_dsr(sr, 1250, -3, 10, 100, 0.5 / 250, &d, &err), PR_OK);
    near(d.sr0, 0.1132, 5e-5);
    near(d.dsr, 0.9004, 5e-5);
    /* z written out: (0.158113883 - 0.113172002) * sqrt(1249)
     * / sqrt(1 + 3*0.158113883 + 9/4*0.025) = 1.28382. */
    near(d.z, 1.28382, 5e-5);
    near(d.sr_std, sqrt((1 + 3 * sr + 2.25 * sr * sr) / 1249), 1e-15);
    /* The same through PSR with the benchmark set to SR0. */
    double p;
    assert_int_equal(pr_psr(sr, d.sr0, 1250, -3, 10, &p, &err), PR_OK);
    near(p, d.dsr, 1e-15);
}

/* V from the trials: Sharpes {0.05, 0.10, 0.15} have mean 0.10 and sample
 * variance (0.0025 + 0 + 0.0025) / 2 = 0.0025, N = 3. */
static void test_dsr_from_trials(void **state) {
    (void)state;
    pr_dsr_result a, b;
    pr_err err = {0};
    double tr[] = {0.05, 0.10, 0.15};
    assert_int_equal(pr_dsr_from_trials(0.15, 500, 0, 3, tr, 3, &a, &err), PR_OK);
    assert_int_equal(pr_dsr(0.15, 500, 0, 3, 3, 0.0025, &b, &err), PR_OK);
    near(a.sr0, b.sr0, 1e-15);
    near(a.dsr, b.dsr, 1e-15);
    /* SR0 = 0.05 * ((1-g) Zinv(2/3) + g Zinv(1 - 1/(3e)))
     *     = 0.05 * (0.42278 * 0.4307273 + 0.57722 * 1.1619569) = 0.0426402 */
    near(a.sr0, 0.0426402, 1e-6);
    assert_int_equal(pr_dsr_from_trials(0.15, 500, 0, 3, tr, 1, &a, &err), PR_EINVAL);
    double bad[] = {0.1, INFINITY};
    assert_int_equal(pr_dsr_from_trials(0.15, 500, 0, 3, bad, 2, &a, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "trial 1"));
}

/* MinBTL = (E[max_N] / SR)^2 years: N = 45, SR 1 -> 5 years (the paper's
 * example above: 2.23564^2 = 4.998); a Sharpe of 2 needs a quarter of it;
 * below the paper's bound 2 ln N / SR^2 (7.61 for N = 45). */
static void test_min_btl(void **state) {
    (void)state;
    double y, y2;
    pr_err err = {0};
    assert_int_equal(pr_min_btl(45, 1, &y, &err), PR_OK);
    near(y, 5.0, 3e-3);
    assert_true(y < 2 * log(45.0));
    assert_int_equal(pr_min_btl(45, 2, &y2, &err), PR_OK);
    near(y2, y / 4, 1e-15);
    assert_int_equal(pr_min_btl(1, 1, &y, &err), PR_OK);
    assert_true(y == 0);
    assert_int_equal(pr_min_btl(45, 0, &y, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "> 0"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moments_by_hand),
        cmocka_unit_test(test_moments_errors),
        cmocka_unit_test(test_psr_by_hand),
        cmocka_unit_test(test_psr_errors),
        cmocka_unit_test(test_expected_max),
        cmocka_unit_test(test_dsr_paper_example),
        cmocka_unit_test(test_dsr_from_trials),
        cmocka_unit_test(test_min_btl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
