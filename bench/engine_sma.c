/* Benchmark of the backtest engine: sma_cross(10, 30) over 1,000,000 hourly
 * bars of one instrument, made as the peer reference describes (the real
 * BTCUSDT 1h rows of tests/data/reference repeated verbatim on a regular
 * hourly clock), commission 0.1% per side, all-cash sizing, data in memory.
 * Prints bars/s, page faults and peak RSS of a single run (the first, as a
 * one-off backtest pays them), of the best of several runs in one
 * pr_backtest context (as an optimiser runs them) and of the best of several
 * runs without one, and the trade count and final equity, which the peers
 * give as 20,095 and 2.6077453550.
 * Usage: bench_engine_sma [bars] [runs]. Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "proratio/data.h"
#include "proratio/engine.h"

static double clock_s(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The real sample through the data module's importer (format detected). */
static int read_csv(const char *path, pr_series *out) {
    pr_err e;
    if (pr_series_init(out, 0) != 0) return -1;
    return pr_import_csv_series(path, NULL, out, NULL, &e) == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
    size_t nbars = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (nbars < 100) nbars = 100;
    if (runs < 1) runs = 1;
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/reference/BTCUSDT-1h.csv", root ? root : ".");
    pr_series real;
    if (read_csv(path, &real) != 0 || real.len == 0) {
        printf("engine_sma: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
        return 0;
    }
    pr_series big;
    if (pr_series_init(&big, nbars) != 0) { printf("engine_sma: out of memory\n"); return 0; }
    big.tf = PR_TF_1H;
    for (size_t i = 0; i < nbars; i++) {
        size_t k = i % real.len;
        pr_series_push(&big, real.ts[0] + (int64_t)i * PR_MS_PER_HOUR, real.open[k], real.high[k], real.low[k],
                       real.close[k], real.volume[k]);
    }

    pr_err err;
    pr_err_clear(&err);
    pr_strategy *st = NULL;
    pr_pipeline *p = NULL;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_ALL_CASH;
    if (pr_strategy_create("sma_cross", NULL, NULL, &st, &err) != 0 || pr_pipeline_new(&pc, st, &p, &err) != 0) {
        printf("engine_sma: %s\n", err.msg);
        return 0;
    }
    pr_bt_market mk = {.bars = &big};
    pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk.spec, NULL);
    memset(&mk.spec.costs, 0, sizeof mk.spec.costs);
    mk.spec.costs.taker_fee = 0.001;   /* the peers' rules: commission only */
    mk.spec.costs.maker_fee = 0.001;
    mk.spec.inst.lot_step = 0;
    mk.spec.inst.min_qty = 0;
    mk.spec.inst.min_notional = 0;
    pr_backtest_config bc = {.start_cash = 10000.0, .n_markets = 1, .markets = &mk};

    /* One run without a context first, as a single backtest runs: its
     * page faults and the peak RSS after it (input + one run) are what a
     * user of pr_backtest_run pays. */
    pr_backtest_result res1;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (pr_backtest_run(&bc, p, &res1, &err) != 0) {
        printf("engine_sma: backtest failed: %s\n", err.msg);
        return 0;
    }
    double single = clock_s(CLOCK_MONOTONIC) - t1, single_cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1;
    getrusage(RUSAGE_SELF, &ru1);
    long single_flt = ru1.ru_minflt - ru0.ru_minflt;
    double single_rss = (double)ru1.ru_maxrss / 1024.0, input_rss = (double)ru0.ru_maxrss / 1024.0;
    size_t trades = res1.n_trades;
    double final_eq = res1.final_equity;
    pr_backtest_result_free(&res1);

    /* A run context, as an optimiser would use: runs after the first reuse
     * its buffers. */
    pr_backtest *ctx = NULL;
    if (pr_backtest_new(&ctx, &err) != 0) {
        printf("engine_sma: %s\n", err.msg);
        return 0;
    }
    double best = INFINITY, best_cpu = INFINITY, first = 0;
    long ctx_flt = -1;
    for (int r = 0; r < runs; r++) {
        pr_backtest_result res;
        getrusage(RUSAGE_SELF, &ru0);
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = pr_backtest_exec(ctx, &bc, p, &res, &err);
        double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        getrusage(RUSAGE_SELF, &ru1);
        if (r == 0) first = dt;
        if (r > 0 && (ctx_flt < 0 || ru1.ru_minflt - ru0.ru_minflt < ctx_flt)) ctx_flt = ru1.ru_minflt - ru0.ru_minflt;
        if (dc < best_cpu) best_cpu = dc;
        if (rc != 0) {
            printf("engine_sma: backtest failed: %s\n", err.msg);
            return 0;
        }
        if (dt < best) best = dt;
        if (res.n_trades != trades || res.final_equity != final_eq)
            printf("engine_sma: a run with a context differs (%zu trades, %.10f)\n", res.n_trades, res.final_equity);
        pr_backtest_result_free(&res);
    }
    pr_backtest_free(ctx);   /* its blocks are not the runs' below */
    /* The same without a context: every run allocates afresh. */
    double best_plain = INFINITY, best_plain_cpu = INFINITY;
    long plain_flt = -1;
    for (int r = 0; r < runs; r++) {
        pr_backtest_result res;
        getrusage(RUSAGE_SELF, &ru0);
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        int rc = pr_backtest_run(&bc, p, &res, &err);
        double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        getrusage(RUSAGE_SELF, &ru1);
        if (rc == 0 && dt < best_plain) best_plain = dt;
        if (rc == 0 && dc < best_plain_cpu) best_plain_cpu = dc;
        if (rc == 0 && (plain_flt < 0 || ru1.ru_minflt - ru0.ru_minflt < plain_flt))
            plain_flt = ru1.ru_minflt - ru0.ru_minflt;
        if (rc == 0 && (res.n_trades != trades || res.final_equity != final_eq))
            printf("engine_sma: a run without context differs (%zu trades, %.10f)\n", res.n_trades, res.final_equity);
        if (rc == 0) pr_backtest_result_free(&res);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("engine_sma: sma_cross(10,30) over %zu bars\n", nbars);
    printf("engine_sma: single run (first in the process): %.4f s, %.2f M bars/s; CPU %.4f s, %.2f M bars/s; "
           "%ld page faults; peak RSS %.1f MiB (input alone %.1f MiB)\n",
           single, (double)nbars / single / 1e6, single_cpu, (double)nbars / single_cpu / 1e6, single_flt, single_rss,
           input_rss);
    printf("engine_sma: run context, best of %d: %.4f s, %.2f M bars/s (first run %.4f s); best CPU %.4f s, "
           "%.2f M bars/s; %ld page faults per reused run\n",
           runs, best, (double)nbars / best / 1e6, first, best_cpu, (double)nbars / best_cpu / 1e6, ctx_flt);
    printf("engine_sma: without a run context (fresh buffers each run), best of %d: %.4f s, %.2f M bars/s; "
           "best CPU %.4f s, %.2f M bars/s; %ld page faults per run\n",
           runs, best_plain, (double)nbars / best_plain / 1e6, best_plain_cpu, (double)nbars / best_plain_cpu / 1e6,
           plain_flt);
    printf("engine_sma: peak RSS %.1f MiB (whole process)\n", (double)ru.ru_maxrss / 1024.0);
    if (nbars == 1000000)
        printf("engine_sma: trades %zu (peers: 20095), final equity %.10f (peers: 2.6077453550)\n", trades, final_eq);
    else if (nbars == real.len)
        printf("engine_sma: trades %zu (peers: 588), final equity %.10f (peers: 7872.1046030923)\n", trades, final_eq);
    else
        printf("engine_sma: trades %zu, final equity %.10f\n", trades, final_eq);
    pr_pipeline_free(p);
    pr_strategy_free(st);
    pr_series_free(&big);
    pr_series_free(&real);
    return 0;
}
