/* Benchmark of the ta_score strategy through the backtest engine: 10
 * instruments x 100,000 hourly bars each (1,000,000 bars), every one built
 * from the real BTCUSDT 1h sample: instrument k replays the sample's bar-to-
 * bar returns from a different starting row (k x 2903), at its own price
 * level, so the series are continuous, realistic and all different, and the
 * same on every machine. Default ta_score parameters (15 indicators per
 * instrument, one of them on the 4h timeframe), default costs and sizing.
 * Prints bars/s (best of several runs, with and without a run context),
 * peak RSS, the trade count, and the cost of one pr_ta_score_compute call
 * at the end of a 100,000-bar series.
 * Usage: bench_engine_ta_score [bars per instrument] [instruments] [runs].
 * Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "proratio/data.h"
#include "proratio/engine.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The real sample through the data module's importer (format detected). */
static int read_csv(const char *path, pr_series *out) {
    pr_err e;
    if (pr_series_init(out, 0) != 0) return -1;
    return pr_import_csv_series(path, NULL, out, NULL, &e) == 0 ? 0 : -1;
}

/* Instrument k: the sample's returns from row (k * 2903) on, wrapping, at
 * price level 100 (k + 1); open/high/low keep their ratio to the close. */
static int make_series(const pr_series *real, size_t nbars, int k, int64_t t0, pr_series *out) {
    if (pr_series_init(out, nbars) != 0) return -1;
    out->tf = PR_TF_1H;
    snprintf(out->symbol, sizeof out->symbol, "X%dUSDT", k);
    double c = 100.0 * (k + 1);
    size_t n = real->len;
    for (size_t i = 0; i < nbars; i++) {
        size_t j = ((size_t)k * 2903 + i) % n;
        if (i > 0 && j > 0) c *= real->close[j] / real->close[j - 1];
        double f = c / real->close[j];
        pr_series_push(out, t0 + (int64_t)i * PR_MS_PER_HOUR, real->open[j] * f, real->high[j] * f,
                       real->low[j] * f, c, real->volume[j]);
    }
    return 0;
}

int main(int argc, char **argv) {
    size_t nbars = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    int ninst = argc > 2 ? atoi(argv[2]) : 10;
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (nbars < 1000) nbars = 1000;
    if (ninst < 1) ninst = 1;
    if (ninst > 64) ninst = 64;
    if (runs < 1) runs = 1;
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/sample/crypto/BTCUSDT-1h.csv", root ? root : ".");
    pr_series real;
    if (read_csv(path, &real) != 0 || real.len < 3000) {
        printf("engine_ta_score: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
        return 0;
    }
    pr_series *ser = calloc((size_t)ninst, sizeof *ser);
    pr_bt_market *mk = calloc((size_t)ninst, sizeof *mk);
    if (!ser || !mk) { printf("engine_ta_score: out of memory\n"); return 0; }
    int64_t t0 = real.ts[0];
    for (int k = 0; k < ninst; k++) {
        if (make_series(&real, nbars, k, t0, &ser[k]) != 0) { printf("engine_ta_score: out of memory\n"); return 0; }
        mk[k].bars = &ser[k];
        mk[k].checked = pr_series_check(&ser[k], 0);   /* as the CLI: once per load */
        pr_market_spec_default(ser[k].symbol, PR_ASSET_CRYPTO, &mk[k].spec, NULL);
    }
    pr_err err;
    pr_err_clear(&err);
    pr_strategy *st = NULL;
    pr_pipeline *p = NULL;
    if (pr_strategy_create("ta_score", NULL, NULL, &st, &err) != 0 || pr_pipeline_new(NULL, st, &p, &err) != 0) {
        printf("engine_ta_score: %s\n", err.msg);
        return 0;
    }
    pr_backtest_config bc = {.start_cash = 100000.0, .n_markets = (size_t)ninst, .markets = mk};
    double total = (double)nbars * ninst;

    pr_backtest *ctx = NULL;
    if (pr_backtest_new(&ctx, &err) != 0) { printf("engine_ta_score: %s\n", err.msg); return 0; }
    double best = INFINITY, first = 0, final_eq = NAN;
    size_t trades = 0;
    pr_pipeline_stats stats = {0};
    for (int r = 0; r < runs; r++) {
        pr_backtest_result res;
        double t = now_s();
        int rc = pr_backtest_exec(ctx, &bc, p, &res, &err);
        double dt = now_s() - t;
        if (rc != 0) { printf("engine_ta_score: backtest failed: %s\n", err.msg); return 0; }
        if (r == 0) first = dt;
        if (dt < best) best = dt;
        trades = res.n_trades;
        final_eq = res.final_equity;
        stats = res.stats;
        pr_backtest_result_free(&res);
    }
    double best_plain = INFINITY;
    for (int r = 0; r < runs; r++) {
        pr_backtest_result res;
        double t = now_s();
        int rc = pr_backtest_run(&bc, p, &res, &err);
        double dt = now_s() - t;
        if (rc != 0) { printf("engine_ta_score: backtest failed: %s\n", err.msg); return 0; }
        if (dt < best_plain) best_plain = dt;
        if (res.n_trades != trades || res.final_equity != final_eq)
            printf("engine_ta_score: a run without context differs (%zu trades, %.10f)\n", res.n_trades,
                   res.final_equity);
        pr_backtest_result_free(&res);
    }

    /* One pr_ta_score_compute at the end of instrument 0's series (what a
     * confirmation stage pays per candidate signal). */
    double compute_ms = NAN;
    pr_market_view *v = NULL;
    const pr_series *one[1] = {&ser[0]};
    pr_view_config vc = {.n_instruments = 1, .instruments = &mk[0].spec.inst, .series = one, .precompute = 1};
    if (pr_view_new(&vc, &v, &err) == 0 && pr_view_prepare(v, &err) == 0) {
        const unsigned char yes = 1;
        for (size_t i = 0; i < nbars; i++) pr_view_step(v, ser[0].ts[i] + PR_MS_PER_HOUR, &yes, &err);
        pr_ta_score_result sr;
        double t = now_s();
        int reps = 5;
        for (int r = 0; r < reps; r++) pr_ta_score_compute(v, 0, NULL, &sr, &err);
        compute_ms = (now_s() - t) / reps * 1e3;
        printf("engine_ta_score: pr_ta_score_compute at bar %zu: %.2f ms (long %d, short %d)\n", nbars, compute_ms,
               sr.long_score, sr.short_score);
    }
    pr_view_free(v);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("engine_ta_score: ta_score (defaults, 4h confirmation) on %d instruments x %zu 1h bars = %.0f bars\n",
           ninst, nbars, total);
    printf("engine_ta_score: with a run context, best of %d: %.3f s, %.2f M bars/s (first run %.3f s)\n", runs, best,
           total / best / 1e6, first);
    printf("engine_ta_score: without a context: best %.3f s, %.2f M bars/s\n", best_plain, total / best_plain / 1e6);
    printf("engine_ta_score: peak RSS %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    printf("engine_ta_score: signals %zu, orders %zu, ignored %zu, closed trades %zu, final equity %.2f\n",
           stats.signals, stats.orders, stats.ignored, trades, final_eq);
    pr_backtest_free(ctx);
    pr_pipeline_free(p);
    pr_strategy_free(st);
    for (int k = 0; k < ninst; k++) pr_series_free(&ser[k]);
    free(ser);
    free(mk);
    pr_series_free(&real);
    return 0;
}
