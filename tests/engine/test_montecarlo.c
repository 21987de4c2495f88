/* Tests for the Monte Carlo of a result: degenerate inputs worked by hand
 * (every path the same), small cases whose paths can all be listed (two
 * and three trades, two returns) with frequencies checked against binomial
 * tolerances, reproducibility by seed, and bad input. */
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

/* |count - sims*p| within 4 binomial standard deviations sqrt(sims p (1-p)):
 * a correct sampler fails this about once in 16,000 runs, and the seeds are
 * fixed, so a pass is stable. */
static void binomial(size_t count, size_t sims, double p) {
    double sd = sqrt((double)sims * p * (1 - p));
    if (!(fabs((double)count - (double)sims * p) <= 4 * sd))
        fail_msg("count %zu of %zu, expected %.1f +- %.1f", count, sims, (double)sims * p, 4 * sd);
}

/* Three losses of 10 from 100: every order is 100, 90, 80, 70: final 70,
 * max drawdown 30/100 = 0.3, below 75 (ruin at 0.75) on every path, never
 * below 50. Defaults: levels 5 25 50 75 95, ruin 0.75 and 0.5. */
static void test_equal_pnls_identical(void **state) {
    (void)state;
    double pnl[] = {-10, -10, -10};
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 200;
    pr_mc_result r;
    pr_err err = {0};
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 3, 100, &o, &r, NULL, NULL, &err), PR_OK);
    assert_int_equal(r.sims, 200);
    assert_int_equal(r.n_percentiles, 5);
    for (size_t k = 0; k < r.n_percentiles; k++) {
        near(r.final_equity[k], 70, 0);
        near(r.max_drawdown[k], 0.3, 1e-15);
    }
    near(r.percentiles[0], 5, 0);
    near(r.percentiles[4], 95, 0);
    assert_int_equal(r.n_ruin, 2);
    near(r.ruin[0], 0.75, 0);
    near(r.ruin_prob[0], 1, 0);
    near(r.ruin[1], 0.5, 0);
    near(r.ruin_prob[1], 0, 0);
    near(r.prob_loss, 1, 0);
    near(r.final_equity_mean, 70, 1e-12);

    /* Equal returns of 1% over 3 periods: every bootstrap path compounds to
     * 100 * 1.01^3 = 103.0301 with no drawdown. */
    double ret[] = {0.01, 0.01, 0.01};
    assert_int_equal(pr_mc_bootstrap_returns(ret, 3, 100, &o, &r, NULL, NULL, &err), PR_OK);
    for (size_t k = 0; k < r.n_percentiles; k++) {
        near(r.final_equity[k], 103.0301, 1e-9);
        near(r.max_drawdown[k], 0, 0);
    }
    near(r.prob_loss, 0, 0);
}

/* Two trades, +50 and -30, from 100:
 *   +50 first: 100, 150, 120 -> drawdown 30/150 = 0.2, lowest 100;
 *   -30 first: 100, 70, 120  -> drawdown 30/100 = 0.3, lowest 70.
 * Each order has probability 1/2; ruin at 0.8 (below 80) is exactly the
 * second order; the final equity is 120 either way. */
static void test_two_trades(void **state) {
    (void)state;
    double pnl[] = {50, -30};
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 10000;
    o.seed = 42;
    o.n_ruin = 1;
    o.ruin[0] = 0.8;
    pr_mc_result r;
    double *fin = malloc(o.sims * sizeof *fin), *dd = malloc(o.sims * sizeof *dd);
    assert_non_null(fin);
    assert_non_null(dd);
    pr_err err = {0};
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 2, 100, &o, &r, fin, dd, &err), PR_OK);
    size_t second = 0;
    for (size_t i = 0; i < o.sims; i++) {
        near(fin[i], 120, 0);
        if (dd[i] == 30.0 / 100.0) second++;
        else near(dd[i], 30.0 / 150.0, 0);
    }
    binomial(second, o.sims, 0.5);
    near(r.ruin_prob[0], (double)second / (double)o.sims, 0);
    near(r.max_drawdown[0], 0.2, 1e-15);   /* 5th percentile  */
    near(r.max_drawdown[4], 0.3, 1e-15);   /* 95th percentile */
    near(r.prob_loss, 0, 0);
    free(fin);
    free(dd);
}

/* Three trades +4, -2, +1 from 10; the six orders and their drawdowns:
 *   (4,-2,1): 10 14 12 13 -> 2/14      (1,-2,4): 10 11 9 13 -> 2/11
 *   (4,1,-2): 10 14 15 13 -> 2/15      (1,4,-2): 10 11 15 13 -> 2/15
 *   (-2,4,1): 10 8 12 13  -> 2/10      (-2,1,4): 10 8 9 13  -> 2/10
 * so a uniform shuffle gives 2/14 and 2/11 with probability 1/6 each, 2/15
 * and 2/10 with 1/3 each. (A shuffle that draws j from [0, t-1) instead of
 * [0, t) makes only cyclic permutations and misses half of the orders.) */
static void test_three_trades_uniform(void **state) {
    (void)state;
    double pnl[] = {4, -2, 1};
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 60000;
    o.seed = 3;
    pr_mc_result r;
    double *dd = malloc(o.sims * sizeof *dd);
    assert_non_null(dd);
    pr_err err = {0};
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 3, 10, &o, &r, NULL, dd, &err), PR_OK);
    size_t c14 = 0, c11 = 0, c15 = 0, c10 = 0;
    for (size_t i = 0; i < o.sims; i++) {
        if (fabs(dd[i] - 2.0 / 14) < 1e-12) c14++;
        else if (fabs(dd[i] - 2.0 / 11) < 1e-12) c11++;
        else if (fabs(dd[i] - 2.0 / 15) < 1e-12) c15++;
        else if (fabs(dd[i] - 2.0 / 10) < 1e-12) c10++;
        else fail_msg("path %zu: drawdown %.17g is none of the six orders'", i, dd[i]);
    }
    binomial(c14, o.sims, 1.0 / 6);
    binomial(c11, o.sims, 1.0 / 6);
    binomial(c15, o.sims, 1.0 / 3);
    binomial(c10, o.sims, 1.0 / 3);
    free(dd);
}

/* Bootstrap of the returns +10% and -10% over 2 periods from 100: four
 * equally likely paths:
 *   (+,+): 110, 121 -> final 121, drawdown 0
 *   (+,-): 110, 99  -> final 99,  drawdown 11/110 = 0.1
 *   (-,+): 90, 99   -> final 99,  drawdown 10/100 = 0.1
 *   (-,-): 90, 81   -> final 81,  drawdown 19/100 = 0.19
 * Ruin at 0.95 (below 95) is the paths starting with -10% (p 1/2); at 0.85
 * (below 85) only (-,-) (p 1/4). Percentiles: the lowest quarter is 81, the
 * middle half 99, the top quarter 121. */
static void test_bootstrap_two_returns(void **state) {
    (void)state;
    double ret[] = {0.1, -0.1};
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 40000;
    o.seed = 11;
    o.n_ruin = 2;
    o.ruin[0] = 0.95;
    o.ruin[1] = 0.85;
    pr_mc_result r;
    double *fin = malloc(o.sims * sizeof *fin), *dd = malloc(o.sims * sizeof *dd);
    assert_non_null(fin);
    assert_non_null(dd);
    pr_err err = {0};
    assert_int_equal(pr_mc_bootstrap_returns(ret, 2, 100, &o, &r, fin, dd, &err), PR_OK);
    size_t n121 = 0, n99 = 0, n81 = 0;
    for (size_t i = 0; i < o.sims; i++) {
        if (fabs(fin[i] - 121) < 1e-9) { n121++; near(dd[i], 0, 0); }
        else if (fabs(fin[i] - 99) < 1e-9) { n99++; near(dd[i], 0.1, 1e-12); }
        else if (fabs(fin[i] - 81) < 1e-9) { n81++; near(dd[i], 0.19, 1e-12); }
        else fail_msg("path %zu: final %.17g is none of 121, 99, 81", i, fin[i]);
    }
    binomial(n121, o.sims, 0.25);
    binomial(n99, o.sims, 0.5);
    binomial(n81, o.sims, 0.25);
    near(r.ruin_prob[1], (double)n81 / (double)o.sims, 0);
    binomial((size_t)llround(r.ruin_prob[0] * (double)o.sims), o.sims, 0.5);
    near(r.prob_loss, (double)(n99 + n81) / (double)o.sims, 0);
    near(r.final_equity[0], 81, 1e-9);    /* 5th  */
    near(r.final_equity[2], 99, 1e-9);    /* 50th */
    near(r.final_equity[4], 121, 1e-9);   /* 95th */
    near(r.max_drawdown[0], 0, 0);
    near(r.max_drawdown[4], 0.19, 1e-12);

    /* path_len 1: one draw per path, 110 or 90. */
    o.path_len = 1;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 2, 100, &o, &r, fin, NULL, &err), PR_OK);
    for (size_t i = 0; i < o.sims; i++)
        assert_true(fabs(fin[i] - 110) < 1e-9 || fabs(fin[i] - 90) < 1e-9);
    free(fin);
    free(dd);
}

/* The same seed gives the same paths; another seed other ones. */
static void test_reproducible(void **state) {
    (void)state;
    double pnl[50];
    for (int i = 0; i < 50; i++) pnl[i] = 100 * sin(1.7 * i) + 5;
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 1000;
    o.seed = 7;
    pr_mc_result a, b;
    double da[1000], db[1000];
    pr_err err = {0};
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 50, 10000, &o, &a, NULL, da, &err), PR_OK);
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 50, 10000, &o, &b, NULL, db, &err), PR_OK);
    assert_memory_equal(da, db, sizeof da);
    assert_memory_equal(&a, &b, sizeof a);
    o.seed = 8;
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 50, 10000, &o, &b, NULL, db, &err), PR_OK);
    assert_memory_not_equal(da, db, sizeof da);

    double ret[50];
    for (int i = 0; i < 50; i++) ret[i] = 0.01 * sin(2.3 * i);
    o.seed = 7;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 50, 100, &o, &a, NULL, da, &err), PR_OK);
    assert_int_equal(pr_mc_bootstrap_returns(ret, 50, 100, &o, &b, NULL, db, &err), PR_OK);
    assert_memory_equal(da, db, sizeof da);
    assert_memory_equal(&a, &b, sizeof a);
    o.seed = 9;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 50, 100, &o, &b, NULL, db, &err), PR_OK);
    assert_memory_not_equal(da, db, sizeof da);
    /* NULL options: the defaults (10000 paths). */
    assert_int_equal(pr_mc_bootstrap_returns(ret, 50, 100, NULL, &a, NULL, NULL, &err), PR_OK);
    assert_int_equal(a.sims, 10000);
    assert_int_equal(a.n_percentiles, 5);
}

static void test_errors(void **state) {
    (void)state;
    double pnl[] = {1, NAN};
    pr_mc_options o;
    pr_mc_options_default(&o);
    o.sims = 10;
    pr_mc_result r;
    pr_err err = {0};
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 2, 100, &o, &r, NULL, NULL, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "trade P&L 1 is NaN"));
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 1, 0, &o, &r, NULL, NULL, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "start equity"));
    assert_int_equal(pr_mc_reshuffle_trades(pnl, 0, 100, &o, &r, NULL, NULL, &err), PR_EINVAL);
    double ret[] = {0.1, -1.5};
    assert_int_equal(pr_mc_bootstrap_returns(ret, 2, 100, &o, &r, NULL, NULL, &err), PR_EDATA);
    assert_non_null(strstr(err.msg, "return 1 is -1.5, below -1"));
    o.ruin[0] = 1.5;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 1, 100, &o, &r, NULL, NULL, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "ruin threshold 1.5"));
    pr_mc_options_default(&o);
    o.percentiles[2] = 120;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 1, 100, &o, &r, NULL, NULL, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "percentile 120"));
    pr_mc_options_default(&o);
    o.sims = 0;
    assert_int_equal(pr_mc_bootstrap_returns(ret, 1, 100, &o, &r, NULL, NULL, &err), PR_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_pnls_identical),
        cmocka_unit_test(test_two_trades),
        cmocka_unit_test(test_three_trades_uniform),
        cmocka_unit_test(test_bootstrap_two_returns),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
