/* Cross-asset correlation: windowed Pearson and the matrix on hand-worked
 * numbers, the lead-lag detector on B = A shifted by k bars, the
 * risk-on/risk-off score by hand, and breakdown alerts on a stretch where
 * one series flips sign (found at its start, not before). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

static void test_matrix_by_hand(void **state) {
    (void)state;
    /* x = 1 2 3, y = 1 3 2: means 2 and 2, deviations (-1 0 1) and (-1 1 0):
     * sxy = 1, sxx = syy = 2, r = 1 / 2 = 0.5. z = 3 2 1 against x: r = -1. */
    const double x[] = {1, 2, 3}, y[] = {1, 3, 2}, z[] = {3, 2, 1};
    const double *s[] = {x, y, z};
    double m[9];
    pr_corr_matrix(3, s, 2, 3, m);
    assert_true(m[0] == 1 && m[4] == 1 && m[8] == 1);
    assert_true(fabs(m[1] - 0.5) < 1e-15 && fabs(m[3] - 0.5) < 1e-15);
    assert_true(m[2] == -1 && m[6] == -1);
    /* The window ending at t = 1 is too short for w = 3. */
    assert_true(isnan(pr_corr_window(x, y, 1, 3)));
    /* A constant series has no correlation. */
    const double c[] = {5, 5, 5};
    assert_true(isnan(pr_corr_window(x, c, 2, 3)));
    /* Log returns: the first is undefined. */
    const double px[] = {100, 110, 99};
    double r[3];
    pr_corr_log_returns(3, px, r);
    assert_true(isnan(r[0]));
    assert_true(fabs(r[1] - log(1.1)) < 1e-15 && fabs(r[2] - log(0.9)) < 1e-15);
}

/* B's return at s is A's return at s - 3: the detector must find lag 3 with
 * correlation 1, and B does not lead A (A's future is not in B's past). */
static void test_lead_lag_shift(void **state) {
    (void)state;
    enum { n = 500, k = 3 };
    static double a[n], b[n];
    pr_rng g;
    pr_rng_seed(&g, 42);
    a[0] = b[0] = NAN;
    for (int t = 1; t < n; t++) a[t] = pr_rng_normal(&g) * 0.01;
    for (int t = 1; t < n; t++) b[t] = t - k >= 1 ? a[t - k] : pr_rng_normal(&g) * 0.01;
    double by[6];
    int best = -1;
    double bc = 0;
    pr_err e;
    assert_int_equal(pr_corr_lead_lag(a, b, n - 1, 400, 5, by, &best, &bc, &e), 0);
    assert_int_equal(best, k);
    assert_true(fabs(bc - 1) < 1e-12);
    assert_true(fabs(by[0]) < 0.2 && fabs(by[1]) < 0.2);   /* independent draws elsewhere */
    assert_int_equal(pr_corr_lead_lag(b, a, n - 1, 400, 5, by, &best, &bc, &e), 0);
    assert_true(fabs(bc) < 0.2);
    /* Not enough history: window 495 + lag 5 + the undefined first return. */
    assert_int_equal(pr_corr_lead_lag(a, b, n - 1, 495, 5, by, &best, &bc, &e), PR_ERANGE);
}

/* Returns at t = 1..4 (index 0 undefined), lookback L = 1, window w = 4, so
 * each proxy's z = last return / population sd of the four:
 *   SPY  (+1)  -0.01 +0.01 -0.01 +0.01: mean 0, sd 0.01, r +0.01, z +1
 *   BTC  (+1)  -0.02 +0.02 -0.02 +0.02: sd 0.02, r +0.02, z +1
 *   GOLD (-1)  -0.03 +0.03 +0.03 -0.03: sd 0.03, r -0.03, z -1
 * z_cap 2: score = (0.5 + 0.5 + (-1)(-0.5)) / 3 = 0.5: risk-on (equities
 * and BTC up, gold down).
 * SPY's last return flipped to -0.01: -0.01 +0.01 -0.01 -0.01 has mean
 * -0.005, deviations -0.005 +0.015 -0.005 -0.005, squares summing to
 * 0.0003, sd = sqrt(0.0003 / 4) = 0.0086603, z = -0.01 / 0.0086603 =
 * -1.1547 (= -2/sqrt(3)), /2 = -0.57735: score = (-0.57735 + 0.5 + 0.5) / 3
 * = 0.140883. With z_cap 0.5 every |z| / 0.5 >= 2 clamps to 1:
 * (-1 + 1 + 1) / 3 = 1/3. */
static void test_risk_on_by_hand(void **state) {
    (void)state;
    double spy[] = {NAN, -0.01, 0.01, -0.01, 0.01};
    const double btc[] = {NAN, -0.02, 0.02, -0.02, 0.02};
    const double gold[] = {NAN, -0.03, 0.03, 0.03, -0.03};
    const double *r[] = {spy, btc, gold};
    const double sign[] = {1, 1, -1};
    assert_true(fabs(pr_risk_on_score(3, r, sign, 4, 1, 4, 2) - 0.5) < 1e-12);
    spy[4] = -0.01;
    assert_true(fabs(pr_risk_on_score(3, r, sign, 4, 1, 4, 2) - (-0.5773502691896258 + 1.0) / 3) < 1e-12);
    assert_true(fabs(pr_risk_on_score(3, r, sign, 4, 1, 4, 0.5) - 1.0 / 3) < 1e-12);
    /* Too little history (t = 3 holds three defined returns, w = 4). */
    assert_true(isnan(pr_risk_on_score(3, r, sign, 3, 1, 4, 2)));
}

/* y = x, except y = -x on bars 300..309. Up to 299 both windows see +1
 * (no alert); by 304 the 5-bar window is all flipped (-1) against a 100-bar
 * one near +0.9: an alert must have started in 300..304, and only one (the
 * condition holds through the stretch). Cutting the data after the alert
 * does not move it (no look-ahead). */
static void test_breakdown(void **state) {
    (void)state;
    enum { n = 400 };
    static double x[n], y[n];
    pr_rng g;
    pr_rng_seed(&g, 3);
    for (int t = 0; t < n; t++) {
        x[t] = pr_rng_normal(&g);
        y[t] = t >= 300 && t < 310 ? -x[t] : x[t];
    }
    size_t al[4];
    size_t c = pr_corr_breakdowns(n, x, y, 5, 100, 0.5, al, 4);
    assert_int_equal(c, 1);
    assert_true(al[0] >= 300 && al[0] <= 304);
    size_t al2[4];
    assert_int_equal(pr_corr_breakdowns(al[0] + 1, x, y, 5, 100, 0.5, al2, 4), 1);
    assert_int_equal(al2[0], al[0]);
    assert_int_equal(pr_corr_breakdowns(300, x, y, 5, 100, 0.5, al2, 4), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_by_hand),
        cmocka_unit_test(test_lead_lag_shift),
        cmocka_unit_test(test_risk_on_by_hand),
        cmocka_unit_test(test_breakdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
