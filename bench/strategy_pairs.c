/* Benchmark of the pairs strategy through the backtest engine, on the real
 * ETHUSDT (y) and BTCUSDT (x) 1h samples (their 17,519 common hours),
 * repeated: prints bar-pairs per second (best and median of the runs, a
 * run being ~3 ms: 21 runs by default) for a few
 * formation / refit settings, beside the target of 5M bar-pairs/s.
 * Each paired bar updates the sliding Engle-Granger sums (O(maxlag)); each
 * refit solves the ADF lag search from them (O(maxlag^3), about 1.2 us at
 * formation 252); the engine's own step is the rest.
 * Usage: bench_strategy_pairs [runs]. Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "proratio/data.h"
#include "proratio/engine.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1) runs = 1;
    if (runs > 1000) runs = 1000;
    const char *root = getenv("PR_SOURCE_DIR");
    const char *names[2] = {"ETHUSDT", "BTCUSDT"};
    pr_series ser[2];
    pr_bt_market mk[2] = {0};
    pr_err err;
    for (int k = 0; k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/data/sample/crypto/%s-1h.csv", root ? root : ".", names[k]);
        if (pr_series_init(&ser[k], 0) != 0 || pr_import_csv_series(path, NULL, &ser[k], NULL, &err) != 0) {
            printf("strategy_pairs: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
            return 0;
        }
        pr_strlcpy(ser[k].symbol, names[k], sizeof ser[k].symbol);
        mk[k].bars = &ser[k];
        mk[k].checked = pr_series_check(&ser[k], 0);
        pr_market_spec_default(names[k], PR_ASSET_CRYPTO, &mk[k].spec, NULL);
    }
    /* the common hours: ETH's (BTC's series runs longer) */
    double pairs_n = (double)(ser[0].len < ser[1].len ? ser[0].len : ser[1].len);
    static const char *const settings[] = {
        "{\"formation\": 252, \"refit\": 20}",  "{\"formation\": 720, \"refit\": 24}",
        "{\"formation\": 720, \"refit\": 168}", "{\"formation\": 252, \"refit\": 1}",
    };
    pr_backtest_config bc = {.start_cash = 100000.0, .n_markets = 2, .markets = mk};
    printf("strategy_pairs: %.0f bar-pairs (ETHUSDT/BTCUSDT 1h), best and median of %d runs; target 5M bar-pairs/s\n",
           pairs_n, runs);
    for (size_t s = 0; s < sizeof settings / sizeof *settings; s++) {
        char json[256];
        snprintf(json, sizeof json, "{\"p\": %s}", settings[s]);
        pr_config *cfg = NULL;
        pr_strategy *st = NULL;
        pr_pipeline *p = NULL;
        if (pr_config_parse(json, &cfg, &err) != 0 || pr_strategy_create("pairs", cfg, "p", &st, &err) != 0 ||
            pr_pipeline_new(NULL, st, &p, &err) != 0) {
            printf("strategy_pairs: %s\n", err.msg);
            return 0;
        }
        double best = INFINITY, times[1000];
        size_t trades = 0;
        for (int r = 0; r < runs; r++) {
            pr_backtest_result res;
            double t = now_s();
            if (pr_backtest_run(&bc, p, &res, &err) != 0) {
                printf("strategy_pairs: %s\n", err.msg);
                return 0;
            }
            double dt = now_s() - t;
            if (dt < best) best = dt;
            times[r] = dt;
            trades = res.n_trades;
            pr_backtest_result_free(&res);
        }
        qsort(times, (size_t)runs, sizeof times[0], cmp_double);
        double med = times[runs / 2];
        printf("  pairs %-38s best %8.3f ms  %10.0f bar-pairs/s, median %10.0f  (%zu trades)\n", settings[s],
               best * 1e3, pairs_n / best, pairs_n / med, trades);
        pr_pipeline_free(p);
        pr_strategy_free(st);
        pr_config_free(cfg);
    }
    pr_series_free(&ser[0]);
    pr_series_free(&ser[1]);
    return 0;
}
