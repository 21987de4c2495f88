/* VaR and CVaR (risk/var.h) on numbers worked out by hand, Monte Carlo on
 * normal returns against the closed-form normal VaR, and the pre-trade VaR
 * limit inside the pipeline, where only returns up to the decision bar may
 * count (a crash one bar later must not refuse the entry; the same data one
 * bar earlier must).
 *
 * Quantile convention (var.h): losses sorted ascending L(1) <= ... <= L(n);
 * VaR(a) = L(k), k = ceil(a n); CVaR(a) = mean of L(k) ... L(n). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"

/* Twenty one-step returns of one instrument. */
static const double k_r20[20] = {0.01,  -0.02, 0.005, -0.035, 0.012, -0.008, 0.02,  -0.015, 0.003, -0.05,
                                 0.007, -0.001, 0.015, -0.025, 0.009, -0.004, 0.018, -0.011, 0.002, -0.03};

static void test_hist_one_instrument(void **state) {
    (void)state;
    double scratch[20], var, cvar, expo = 1000;
    /* Long 1,000: losses -1000 r = -10, 20, -5, 35, -12, 8, -20, 15, -3, 50,
     * -7, 1, -15, 25, -9, 4, -18, 11, -2, 30; sorted ascending:
     * -20 -18 -15 -12 -10 -9 -7 -5 -3 -2 1 4 8 11 15 20 25 30 35 50.
     * 95%: k = ceil(19) = 19 -> L(19) = 35, CVaR = (35 + 50) / 2 = 42.5.
     * 99%: k = ceil(19.8) = 20 -> 50, CVaR 50.
     * 90%: k = 18 -> 30, CVaR = (30 + 35 + 50) / 3 = 38.333... */
    pr_risk_var_hist(k_r20, 20, 1, 20, 20, &expo, 0.95, scratch, &var, &cvar);
    assert_true(fabs(var - 35) < 1e-9 && fabs(cvar - 42.5) < 1e-9);
    pr_risk_var_hist(k_r20, 20, 1, 20, 20, &expo, 0.99, scratch, &var, &cvar);
    assert_true(fabs(var - 50) < 1e-9 && fabs(cvar - 50) < 1e-9);
    pr_risk_var_hist(k_r20, 20, 1, 20, 20, &expo, 0.90, scratch, &var, &cvar);
    assert_true(fabs(var - 30) < 1e-9 && fabs(cvar - 115.0 / 3) < 1e-9);
    /* Short 1,000: losses +1000 r, sorted: -50 -35 -30 -25 -20 -15 -11 -8 -4
     * -1 2 3 5 7 9 10 12 15 18 20; 95%: L(19) = 18, CVaR (18 + 20) / 2 = 19. */
    expo = -1000;
    pr_risk_var_hist(k_r20, 20, 1, 20, 20, &expo, 0.95, scratch, &var, &cvar);
    assert_true(fabs(var - 18) < 1e-9 && fabs(cvar - 19) < 1e-9);
}

static void test_hist_book_ring(void **state) {
    (void)state;
    /* Two instruments, long 1,000 and 500; rows R1..R5 (oldest first):
     *   R1 ( 0.01,  0.02): P&L 10 + 10 =  20, loss -20
     *   R2 (-0.02,  0.01): -20 +  5 = -15, loss  15
     *   R3 ( 0.03, -0.04):  30 - 20 =  10, loss -10
     *   R4 (-0.01, -0.02): -10 - 10 = -20, loss  20
     *   R5 ( 0.00,  0.06):   0 + 30 =  30, loss -30
     * sorted: -30 -20 -10 15 20; 80%: k = 4 -> 15, CVaR (15 + 20) / 2 = 17.5;
     * 95%: k = ceil(4.75) = 5 -> 20. They sit in a ring of 6 rows after an
     * older row J (a 100% loss) that the latest five must not include:
     * written J, R1..R5 at slots 3, 4, 5, 0, 1, 2, so the next slot (head) is 3. */
    const double ring[6][2] = {{0.03, -0.04}, {-0.01, -0.02}, {0.00, 0.06}, {-1, -1}, {0.01, 0.02}, {-0.02, 0.01}};
    const double expo[2] = {1000, 500};
    double scratch[6], var, cvar;
    pr_risk_var_hist(&ring[0][0], 6, 2, 3, 5, expo, 0.80, scratch, &var, &cvar);
    assert_true(fabs(var - 15) < 1e-9 && fabs(cvar - 17.5) < 1e-9);
    pr_risk_var_hist(&ring[0][0], 6, 2, 3, 5, expo, 0.95, scratch, &var, &cvar);
    assert_true(fabs(var - 20) < 1e-9 && fabs(cvar - 20) < 1e-9);
    /* All six (J included): J loses 1500, the largest. */
    pr_risk_var_hist(&ring[0][0], 6, 2, 3, 6, expo, 0.95, scratch, &var, &cvar);
    assert_true(fabs(var - 1500) < 1e-9);
}

/* n normal returns N(mu, sd^2) drawn with GSL (seeded), their sample mean
 * m and standard deviation s (n - 1). */
static void normal_returns(double *r, size_t n, double mu, double sd, unsigned long seed, double *m, double *s) {
    gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(g, seed);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        r[i] = mu + gsl_ran_gaussian(g, sd);
        sum += r[i];
    }
    gsl_rng_free(g);
    *m = sum / (double)n;
    for (size_t i = 0; i < n; i++) sq += (r[i] - *m) * (r[i] - *m);
    *s = sqrt(sq / (double)(n - 1));
}

static double g_r[5000], g_scratch[400000];

static void test_mc_normal(void **state) {
    (void)state;
    double m, s, expo = 10000, var, cvar, var2, cvar2;
    normal_returns(g_r, 5000, 0.0005, 0.02, 7, &m, &s);
    /* Normal VaR of a 10,000 long: -(10000 m) + z 10000 s, z(0.95) =
     * 1.6448536269514722, z(0.99) = 2.3263478740408408; normal CVaR:
     * -(10000 m) + 10000 s phi(z) / (1 - a), phi(z(0.95)) = 0.10313564037537128. */
    const double z95 = 1.6448536269514722, z99 = 2.3263478740408408, phi95 = 0.10313564037537128;
    double nv95 = -expo * m + z95 * expo * s, nv99 = -expo * m + z99 * expo * s;
    double ncv95 = -expo * m + expo * s * phi95 / 0.05;
    assert_int_equal(pr_risk_var_mc(g_r, 5000, 1, 5000, 5000, &expo, 0.95, 400000, 11, g_scratch, &var, &cvar), 0);
    assert_true(fabs(var / nv95 - 1) < 0.01);
    assert_true(fabs(cvar / ncv95 - 1) < 0.01);
    /* Seeded: the same seed gives the same VaR, bit for bit. */
    assert_int_equal(pr_risk_var_mc(g_r, 5000, 1, 5000, 5000, &expo, 0.95, 400000, 11, g_scratch, &var2, &cvar2), 0);
    assert_true(var2 == var && cvar2 == cvar);
    assert_int_equal(pr_risk_var_mc(g_r, 5000, 1, 5000, 5000, &expo, 0.99, 400000, 12, g_scratch, &var, &cvar), 0);
    assert_true(fabs(var / nv99 - 1) < 0.01);
    /* Converges: 1,000 draws are further off than 400,000 (same seed family). */
    double err_small = 0, err_big;
    for (unsigned long sd = 1; sd <= 10; sd++) {
        assert_int_equal(pr_risk_var_mc(g_r, 5000, 1, 5000, 5000, &expo, 0.95, 1000, sd, g_scratch, &var, &cvar), 0);
        err_small += fabs(var - nv95) / 10;
    }
    assert_int_equal(pr_risk_var_mc(g_r, 5000, 1, 5000, 5000, &expo, 0.95, 400000, 1, g_scratch, &var, &cvar), 0);
    err_big = fabs(var - nv95);
    assert_true(err_big < err_small);
    /* And the historical VaR of the same normal returns is near it (5,000
     * draws of the quantile: within 5%). */
    pr_risk_var_hist(g_r, 5000, 1, 5000, 5000, &expo, 0.95, g_scratch, &var, &cvar);
    assert_true(fabs(var / nv95 - 1) < 0.05);
}

/* ---- the pre-trade limit in the pipeline ---------------------------------- */
#define NB 40

static char g_reason[128];
static int g_rejects;
static int g_no_series;   /* run_bars without the kept series */

static int record(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

/* Runs the script on hourly bars rows[0..nb) through the risk stage rc
 * (kept series), 10,000 cash, no costs. */
static void run_bars(const double (*rows)[4], size_t nb, et_script *sc, const pr_risk_config *rc,
                     pr_backtest_result *r, pr_risk_stage **rs) {
    static pr_strategy_vt vt;
    vt = et_script_vt;
    vt.on_event = record;
    sc->base.vt = &vt;
    g_rejects = 0;
    pr_series s;
    et_hourly(&s, et_time(2024, 1, 1, 0, 0), rows, nb);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc->base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(rc, rs, &err), 0);
    pr_risk_stage_record_series(*rs, !g_no_series);
    pr_sizer sz;
    pr_risk_stage_sizer(*rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    assert_int_equal(pr_backtest_run(&bc, p, r, &err), 0);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

/* Bars whose open is the previous close. */
static void bars_of(const double *close, size_t nb, double (*rows)[4]) {
    for (size_t i = 0; i < nb; i++) {
        double c = close[i], o = i ? close[i - 1] : c;
        rows[i][0] = o, rows[i][1] = fmax(o, c), rows[i][2] = fmin(o, c), rows[i][3] = c;
    }
}

static void config(pr_risk_config *rc) {
    pr_risk_config_defaults(rc);
    rc->sizing.mode = PR_RISK_FIXED_FRACTION;
    rc->sizing.fraction = 0.5;
    rc->stops.required = 0;
}

/* Closes alternate 100 and 100.1 (steps of about +-0.1%) except one crash
 * of -5% at bar `crash` (the later bars keep alternating around 95). An
 * entry at decision bar 30, fixed fraction 0.5 of 10,000 (5,000), VaR 99%
 * limited to 2% of equity (200), window 100, min_obs 20. */
static void run_crash(size_t crash, pr_backtest_result *r, pr_risk_stage **rs) {
    double close[NB], rows[NB][4];
    for (size_t i = 0; i < NB; i++) close[i] = (i % 2 ? 100.1 : 100) * (i >= crash ? 0.95 : 1);
    bars_of(close, NB, rows);
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 30, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    config(&rc);
    rc.var.limit = 0.02;
    rc.var.confidence = 0.99;
    run_bars((const double(*)[4])rows, NB, &sc, &rc, r, rs);
}

static void test_var_limit_causal(void **state) {
    (void)state;
    pr_backtest_result r;
    pr_risk_stage *rs = NULL;
    /* Crash at bar 31, after the decision at bar 30's close: the 30 returns
     * seen are all about 0.1% (5,000 x 0.000999 = 5 at most), VaR 99% = the
     * largest loss ~5 <= 200: the entry goes ahead. */
    run_crash(31, &r, &rs);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)(r.n_trades + r.n_open), 1);
    pr_backtest_result_free(&r);
    /* The risk series: one row per step; at bar 30 (the decision) flat, so
     * VaR 0; from bar 31 long ~5,000 with VaR from the window. */
    const pr_risk_watch *w = pr_risk_stage_watch(rs);
    assert_int_equal((int)pr_risk_watch_rows(w), NB);
    assert_int_equal(pr_risk_watch_row(w, 30)->positions, 0);
    assert_int_equal(pr_risk_watch_row(w, 32)->positions, 1);
    pr_risk_stage_free(rs);
    /* The same data one bar earlier (crash at bar 30, seen at the decision):
     * 31 returns, k = ceil(0.99 x 31) = 31, the largest loss:
     * 5,000 x (1 - 0.95 x 100 / 100.1) = 254.7... > 200: refused. */
    run_crash(30, &r, &rs);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "portfolio VaR over the limit (risk.var.limit)");
    assert_int_equal((int)(r.n_trades + r.n_open), 0);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* The series' VaR95/CVaR95 at every step with a position (one instrument,
 * read off the stage's tail buffers) equals the historical VaR of the
 * position over the returns seen so far (at most the latest 100), computed
 * by pr_risk_var_hist (tested by hand above): long from bar 30 to 150,
 * short from 160 to the end, on 400 bars of a noisy walk (a fixed LCG). */
static void test_series_var(void **state) {
    (void)state;
    enum { N = 400 };
    static double close[N], rows[N][4], ret[N], scratch[N];
    unsigned long x = 12345;
    close[0] = 100;
    for (size_t i = 1; i < N; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        double u = (double)(x >> 11) / 9007199254740992.0;   /* [0, 1) */
        close[i] = close[i - 1] * (1 + (u - 0.5) * 0.04);
    }
    bars_of(close, N, rows);
    /* The step return of bar i: close[i] / close[i - 1] - 1; bar 0 has none (0). */
    ret[0] = 0;
    for (size_t i = 1; i < N; i++) ret[i] = close[i] / close[i - 1] - 1;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 30, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 150, PR_SIG_EXIT, 0);
    et_script_add(&sc, 160, PR_SIG_ENTER_SHORT, 0);
    pr_risk_config rc;
    config(&rc);
    pr_backtest_result r;
    pr_risk_stage *rs = NULL;
    run_bars((const double(*)[4])rows, N, &sc, &rc, &r, &rs);
    const pr_risk_watch *w = pr_risk_stage_watch(rs);
    assert_int_equal((int)pr_risk_watch_rows(w), N);
    int longs = 0, shorts = 0;
    for (size_t t = 0; t < N; t++) {
        const pr_risk_row *row = pr_risk_watch_row(w, t);
        if (row->positions == 0) continue;
        size_t n = t + 1 < 100 ? t + 1 : 100;
        double e = t < 155 ? row->gross[PR_ASSET_CRYPTO] : -row->gross[PR_ASSET_CRYPTO], var, cvar;
        pr_risk_var_hist(ret + t + 1 - n, n, 1, n, n, &e, 0.95, scratch, &var, &cvar);
        assert_true(fabs(row->var95 - var) <= 1e-9 * fabs(var) + 1e-12);
        assert_true(fabs(row->cvar95 - cvar) <= 1e-9 * fabs(cvar) + 1e-12);
        longs += e > 0, shorts += e < 0;
    }
    assert_true(longs >= 119 && shorts >= 238);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* The entry's check of a one-instrument book at the historical 95%, with
 * and without the kept series (the stage then reads the window's tail in
 * other ways), against a hand-computed VaR. Closes: 100 at bar 0, then
 * +0.1% a bar except -3% at bar 10 and -2% at bar 20. At the decision
 * (bar 30's close) the window holds 31 returns (bar 0's is 0): k =
 * ceil(0.95 x 31) = 30, the 30th smallest of the 31 losses of a 5,000 long
 * (fraction 0.5 of 10,000) is the second largest: 5,000 x 0.02 = 100
 * (the -2% return as the closes' ratio, within 1e-12). A limit of 0.0099 x
 * 10,000 = 99 refuses the entry; 0.0101 (101) lets it through; after the
 * entry (bar 31 on) the last row holds the long's VaR too. */
static void run_steps(double limit, int no_series, pr_backtest_result *r, pr_risk_stage **rs) {
    double close[NB], rows[NB][4];
    close[0] = 100;
    for (size_t i = 1; i < NB; i++) close[i] = close[i - 1] * (i == 10 ? 0.97 : i == 20 ? 0.98 : 1.001);
    bars_of(close, NB, rows);
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 30, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    config(&rc);
    rc.var.limit = limit;
    g_no_series = no_series;
    run_bars((const double(*)[4])rows, NB, &sc, &rc, r, rs);
    g_no_series = 0;
}

static void test_var_limit_one_book(void **state) {
    (void)state;
    double last_var[2] = {0, 0}, last_cvar[2] = {0, 0};
    for (int no_series = 0; no_series < 2; no_series++) {
        pr_backtest_result r;
        pr_risk_stage *rs = NULL;
        run_steps(0.0099, no_series, &r, &rs);
        assert_int_equal(g_rejects, 1);
        assert_string_equal(g_reason, "portfolio VaR over the limit (risk.var.limit)");
        assert_int_equal((int)(r.n_trades + r.n_open), 0);
        pr_backtest_result_free(&r);
        pr_risk_stage_free(rs);
        run_steps(0.0101, no_series, &r, &rs);
        assert_int_equal(g_rejects, 0);
        assert_int_equal((int)(r.n_trades + r.n_open), 1);
        pr_backtest_result_free(&r);
        /* The last step (bar 39): 40 returns, k = ceil(0.95 x 40) = 38;
         * losses ascending: 37 x -0.001 e, 0 (bar 0), 0.02 e, 0.03 e, so
         * VaR = L(38) = 0 and CVaR = (0 + 0.02 e + 0.03 e) / 3. */
        const pr_risk_row *last = pr_risk_watch_last(pr_risk_stage_watch(rs));
        assert_non_null(last);
        assert_int_equal(last->positions, 1);
        double e = last->gross[PR_ASSET_CRYPTO];
        assert_true(e > 4999 && e < 5100);
        assert_true(fabs(last->var95) < 1e-9 * e);
        assert_true(fabs(last->cvar95 - e * 0.05 / 3) < 1e-9 * e);
        last_var[no_series] = last->var95;
        last_cvar[no_series] = last->cvar95;
        pr_risk_stage_free(rs);
    }
    /* Bit for bit the same with and without the series. */
    assert_memory_equal(&last_var[0], &last_var[1], sizeof(double));
    assert_memory_equal(&last_cvar[0], &last_cvar[1], sizeof(double));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_one_instrument),
        cmocka_unit_test(test_hist_book_ring),
        cmocka_unit_test(test_mc_normal),
        cmocka_unit_test(test_var_limit_causal),
        cmocka_unit_test(test_series_var),
        cmocka_unit_test(test_var_limit_one_book),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
