/* The optimiser's parts (engine/optimize.h): the space read from a
 * configuration and its errors, the grid in order under a constraint, the
 * seeded random and TPE samplers' determinism (a trial's point does not
 * depend on how many later trials are known), TPE against random on a
 * function with a known maximum, the objectives' filters, the Pareto front
 * of points worked out by hand, and walk-forward windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"
#include "pr_test.h"

static void read_space(const char *json, pr_opt_space *sp) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    if (pr_opt_space_read(cfg, "optimize.space", "optimize.constraints", sp, &err) != 0)
        fail_msg("space: %s", err.msg);
    pr_config_free(cfg);
}

static void expect_space_error(const char *json, const char *msg) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_opt_space sp;
    assert_int_not_equal(pr_opt_space_read(cfg, "optimize.space", "optimize.constraints", &sp, &err), 0);
    if (!strstr(err.msg, msg)) fail_msg("%s\n got: %s\nwant: ...%s...", json, err.msg, msg);
    pr_config_free(cfg);
}

static void test_space(void **state) {
    (void)state;
    pr_opt_space sp;
    read_space("{\"optimize\": {\"space\": {\"fast\": {\"int\": [5, 15], \"step\": 5}, \"slow\": {\"int\": [10, 20], "
               "\"step\": 5}, \"sizing.fraction\": {\"log\": [0.01, 0.5]}, \"mode\": {\"choice\": [\"long\", true, 3]}},"
               " \"constraints\": [\"fast < slow\"]}}",
               &sp);
    assert_int_equal(sp.n, 4);
    assert_string_equal(sp.dim[0].path, "strategy.params.fast");
    assert_string_equal(sp.dim[2].path, "sizing.fraction");
    assert_int_equal(sp.dim[2].kind, PR_OPT_LOG);
    assert_int_equal(sp.dim[3].n_choices, 3);
    char buf[64];
    pr_opt_value_text(&sp, 3, 0, buf, sizeof buf);
    assert_string_equal(buf, "\"long\"");
    pr_opt_value_text(&sp, 3, 1, buf, sizeof buf);
    assert_string_equal(buf, "true");
    pr_opt_value_text(&sp, 0, 10, buf, sizeof buf);
    assert_string_equal(buf, "10");
    assert_int_equal(sp.n_cons, 1);
    double x[4] = {10, 10, 0.1, 0};
    assert_false(pr_opt_feasible(&sp, x));
    x[1] = 15;
    assert_true(pr_opt_feasible(&sp, x));

    expect_space_error("{\"optimize\": {\"space\": {\"fast\": {\"int\": [15, 5]}}}}",
                       "optimize.space.fast: need finite bounds with low <= high (got 15, 5)");
    expect_space_error("{\"optimize\": {\"space\": {\"fast\": {\"range\": [1, 5]}}}}",
                       "optimize.space.fast: unknown key 'range' (int, float, log, choice, step)");
    expect_space_error("{\"optimize\": {\"space\": {\"fast\": {\"int\": [1.5, 5]}}}}",
                       "optimize.space.fast: an int dimension needs whole bounds and step");
    expect_space_error("{\"optimize\": {\"space\": {\"f\": {\"log\": [0, 1]}}}}",
                       "optimize.space.f: a log dimension needs low > 0");
    expect_space_error("{\"optimize\": {\"space\": {\"fast\": {\"int\": [1, 5]}}, \"constraints\": [\"fast < slow\"]}}",
                       "optimize.constraints[0]: 'slow' is not a dimension of the space");
    expect_space_error("{\"optimize\": {\"space\": {\"fast\": {\"int\": [1, 5]}}, \"constraints\": [\"fast ~ 3\"]}}",
                       "optimize.constraints[0]: expected \"KEY < KEY\"");
    expect_space_error("{\"optimize\": {\"space\": {}}}", "optimize.space: expected an object of dimensions");
}

/* fast 5, 10, 15 x slow 10, 15, 20 with fast < slow: in order (the last
 * dimension fastest) (5,10) (5,15) (5,20) (10,15) (10,20) (15,20); the
 * seventh trial is past the grid. */
static void test_grid(void **state) {
    (void)state;
    pr_opt_space sp;
    read_space("{\"optimize\": {\"space\": {\"fast\": {\"int\": [5, 15], \"step\": 5}, \"slow\": {\"int\": [10, 20], "
               "\"step\": 5}}, \"constraints\": [\"fast < slow\"]}}",
               &sp);
    size_t total;
    pr_err err;
    assert_int_equal(pr_opt_grid_size(&sp, &total, &err), 0);
    assert_int_equal(total, 9);
    static const double want[6][2] = {{5, 10}, {5, 15}, {5, 20}, {10, 15}, {10, 20}, {15, 20}};
    pr_sampler_config sc = {.kind = PR_SAMPLER_GRID};
    double x[2];
    for (size_t k = 0; k < 6; k++) {
        assert_int_equal(pr_sampler_point(&sc, &sp, k, NULL, 0, x, &err), 0);
        assert_true(x[0] == want[k][0] && x[1] == want[k][1]);
    }
    assert_int_equal(pr_sampler_point(&sc, &sp, 6, NULL, 0, x, &err), PR_ENOTFOUND);
    /* a float dimension without a step has no grid */
    read_space("{\"optimize\": {\"space\": {\"f\": {\"float\": [0, 1]}}}}", &sp);
    assert_int_equal(pr_opt_grid_size(&sp, &total, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "strategy.params.f: the grid sampler needs a step"));
}

static void test_random_deterministic(void **state) {
    (void)state;
    pr_opt_space sp;
    read_space("{\"optimize\": {\"space\": {\"fast\": {\"int\": [2, 50]}, \"slow\": {\"int\": [10, 200], \"step\": 10},"
               " \"k\": {\"log\": [0.001, 1]}, \"f\": {\"float\": [0, 1], \"step\": 0.25}}, "
               "\"constraints\": [\"fast < slow\"]}}",
               &sp);
    pr_sampler_config a = {.kind = PR_SAMPLER_RANDOM, .seed = 42}, b = a;
    b.seed = 43;
    pr_err err;
    int differ = 0;
    for (size_t k = 0; k < 200; k++) {
        double x[4], y[4], z[4];
        assert_int_equal(pr_sampler_point(&a, &sp, k, NULL, 0, x, &err), 0);
        assert_int_equal(pr_sampler_point(&a, &sp, k, NULL, 0, y, &err), 0);
        assert_int_equal(pr_sampler_point(&b, &sp, k, NULL, 0, z, &err), 0);
        assert_memory_equal(x, y, sizeof x);
        differ += memcmp(x, z, sizeof x) != 0;
        assert_true(x[0] >= 2 && x[0] <= 50 && x[0] == floor(x[0]) && x[0] < x[1]);
        assert_true(fmod(x[1], 10) == 0 && x[1] >= 10 && x[1] <= 200);
        assert_true(x[2] >= 0.001 && x[2] <= 1);
        assert_true(x[3] == 0 || x[3] == 0.25 || x[3] == 0.5 || x[3] == 0.75 || x[3] == 1);
    }
    assert_true(differ > 190);
}

/* f(x, y) = -(x - 0.3)^2 - (y - 0.7)^2 on [0, 1]^2, maximum 0 at (0.3, 0.7). */
static double f2(const double *x) { return -(x[0] - 0.3) * (x[0] - 0.3) - (x[1] - 0.7) * (x[1] - 0.7); }

static double search(pr_sampler_kind kind, uint64_t seed, size_t trials, size_t batch) {
    pr_opt_space sp;
    read_space("{\"optimize\": {\"space\": {\"x\": {\"float\": [0, 1]}, \"y\": {\"float\": [0, 1]}}}}", &sp);
    pr_sampler_config sc = {.kind = kind, .seed = seed, .batch = batch};
    double *xs = malloc(trials * 2 * sizeof(double));
    pr_opt_done *done = malloc(trials * sizeof *done);
    double best = -INFINITY;
    pr_err err;
    for (size_t k = 0; k < trials; k++) {
        if (pr_sampler_point(&sc, &sp, k, done, k, xs + 2 * k, &err) != 0) fail_msg("%s", err.msg);
        done[k] = (pr_opt_done){xs + 2 * k, f2(xs + 2 * k)};
        if (done[k].score > best) best = done[k].score;
    }
    free(xs);
    free(done);
    return best;
}

static void test_tpe(void **state) {
    (void)state;
    /* Over 10 seeds, 80 trials each: TPE's best beats random's on most seeds
     * and gets within 0.002 of the maximum (a distance of ~0.045) on all. */
    int wins = 0;
    for (uint64_t s = 1; s <= 10; s++) {
        double t = search(PR_SAMPLER_TPE, s, 80, 8), r = search(PR_SAMPLER_RANDOM, s, 80, 8);
        wins += t > r;
        if (!(t > -0.002)) fail_msg("seed %llu: TPE best %g", (unsigned long long)s, t);
    }
    assert_true(wins >= 8);
    /* A trial's point depends only on the trials of earlier batches: the
     * same point whether 0, 3 or all later results are known. */
    pr_opt_space sp;
    read_space("{\"optimize\": {\"space\": {\"x\": {\"float\": [0, 1]}, \"y\": {\"float\": [0, 1]}}}}", &sp);
    pr_sampler_config sc = {.kind = PR_SAMPLER_TPE, .seed = 7, .batch = 8};
    double xs[40 * 2];
    pr_opt_done done[40];
    pr_err err;
    for (size_t k = 0; k < 40; k++) {
        assert_int_equal(pr_sampler_point(&sc, &sp, k, done, k, xs + 2 * k, &err), 0);
        done[k] = (pr_opt_done){xs + 2 * k, f2(xs + 2 * k)};
    }
    for (size_t k = 16; k < 40; k++) {
        double y[2];
        size_t seen = (k / 8) * 8;
        assert_int_equal(pr_sampler_point(&sc, &sp, k, done, seen, y, &err), 0);
        assert_memory_equal(y, xs + 2 * k, sizeof y);
        assert_int_equal(pr_sampler_point(&sc, &sp, k, done, 40, y, &err), 0);
        assert_memory_equal(y, xs + 2 * k, sizeof y);
    }
}

static void test_objectives(void **state) {
    (void)state;
    pr_metrics m;
    memset(&m, 0, sizeof m);
    m.net.sharpe = 1.5;
    m.net.max_drawdown = 0.2;
    m.trades.n_trades = 12;
    m.trades.sqn = 2.1;
    pr_objective_config oc = {.n = 1, .obj = {PR_OBJ_SHARPE}, .min_trades = 10};
    const char *why;
    assert_true(pr_objective_score(&oc, &m, &why) == 1.5 && why == NULL);
    oc.min_trades = 20;
    assert_true(isinf(pr_objective_score(&oc, &m, &why)) && strstr(why, "min_trades"));
    oc.min_trades = 0;
    oc.max_drawdown = 0.1;
    assert_true(isinf(pr_objective_score(&oc, &m, &why)) && strstr(why, "max_drawdown"));
    oc.max_drawdown = 0;
    oc.obj[0] = PR_OBJ_MAX_DRAWDOWN;   /* smaller is better: the score is its negative */
    assert_true(pr_objective_score(&oc, &m, &why) == -0.2);
    oc.obj[0] = PR_OBJ_CUSTOM;
    oc.weight[PR_OBJ_SHARPE] = 1;
    oc.weight[PR_OBJ_MAX_DRAWDOWN] = -2;   /* 1.5 - 2 x 0.2 */
    assert_true(fabs(pr_objective_score(&oc, &m, &why) - 1.1) < 1e-15);
    oc.obj[0] = PR_OBJ_SQN;
    assert_true(pr_objective_score(&oc, &m, &why) == 2.1);
    pr_objective o;
    assert_int_equal(pr_objective_parse("profit_factor", &o), 0);
    assert_int_equal(o, PR_OBJ_PROFIT_FACTOR);
    assert_int_not_equal(pr_objective_parse("sharp", &o), 0);

    /* (larger is better in both) a=(1,5) b=(2,4) c=(2,5) d=(0,0) e=(3,1) f=(NaN,9):
     * c dominates a and b, nothing dominates c or e; d is dominated; f has NaN. */
    const double v[] = {1, 5, 2, 4, 2, 5, 0, 0, 3, 1, NAN, 9};
    unsigned char front[6];
    pr_pareto_front(v, 6, 2, front);
    const unsigned char want[6] = {0, 0, 1, 0, 1, 0};
    assert_memory_equal(front, want, 6);
}

/* SQN by hand: P&L 10, -5, 20, 5: mean 7.5, deviations 2.5, -12.5, 12.5,
 * -2.5, sum of squares 325, sample variance 325/3, SQN = 2 x 7.5 / 10.408 =
 * 1.441153... */
static void test_sqn(void **state) {
    (void)state;
    pr_trade_record tr[5];
    memset(tr, 0, sizeof tr);
    const double pnl[4] = {10, -5, 20, 5};
    for (int i = 0; i < 4; i++) tr[i].pnl = pnl[i], tr[i].entry_ts = 0, tr[i].exit_ts = 1000 * (i + 1);
    tr[4].pnl = 1000, tr[4].exit_ts = PR_TIME_NONE;   /* open: not counted */
    pr_trade_stats st;
    pr_trade_stats_compute(tr, 5, &st);
    assert_true(fabs(st.sqn - 2 * 7.5 / sqrt(325.0 / 3)) < 1e-12);
}

static void test_walk_forward(void **state) {
    (void)state;
    int64_t ts[103];
    for (int i = 0; i < 103; i++) ts[i] = (int64_t)i * PR_MS_PER_HOUR;
    pr_wf_config c = {.train_bars = 40, .test_bars = 20};
    pr_wf_fold *f;
    size_t n;
    pr_err err;
    /* 100 bars: (0-40 | 40-60), (20-60 | 60-80), (40-80 | 80-100) */
    assert_int_equal(pr_wf_folds(&c, ts, 100, &f, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(f[2].train_from == 40 && f[2].train_to == 80 && f[2].test_from == 80 && f[2].test_to == 100);
    free(f);
    /* 103: a last window of 3 >= 20/10 is kept; 101: 1 bar is dropped */
    assert_int_equal(pr_wf_folds(&c, ts, 103, &f, &n, &err), 0);
    assert_true(n == 4 && f[3].test_from == 100 && f[3].test_to == 103);
    free(f);
    assert_int_equal(pr_wf_folds(&c, ts, 101, &f, &n, &err), 0);
    assert_int_equal(n, 3);
    free(f);
    /* anchored: every train window starts at bar 0 */
    c.anchored = 1;
    assert_int_equal(pr_wf_folds(&c, ts, 100, &f, &n, &err), 0);
    assert_true(n == 3 && f[2].train_from == 0 && f[2].train_to == 80);
    free(f);
    /* in time: 40 h and 20 h on hourly bars are the same windows */
    pr_wf_config t = {.train_ms = 40 * PR_MS_PER_HOUR, .test_ms = 20 * PR_MS_PER_HOUR};
    assert_int_equal(pr_wf_folds(&t, ts, 100, &f, &n, &err), 0);
    assert_true(n == 3 && f[1].train_from == 20 && f[1].test_from == 60 && f[1].test_to == 80);
    free(f);
    /* too little data */
    assert_int_equal(pr_wf_folds(&c, ts, 41, &f, &n, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "need at least train + a tenth of test = 42"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_space),      cmocka_unit_test(test_grid),       cmocka_unit_test(test_random_deterministic),
        cmocka_unit_test(test_tpe),        cmocka_unit_test(test_objectives), cmocka_unit_test(test_sqn),
        cmocka_unit_test(test_walk_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
