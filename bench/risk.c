/* Benchmark of the risk stage's cost: sma_cross(10, 30) over N hourly bars
 * of one instrument (the real BTCUSDT 1h rows of tests/data/reference
 * repeated on a regular clock, as bench_engine_sma makes them), 0.1%
 * commission, data in memory, timed four ways in one process:
 *   - the engine's built-in sizer (all cash), no risk stage;
 *   - the risk stage sizing only (fixed fraction 0.99, no limit on);
 *   - the risk stage with every protection and exposure limit on and the
 *     VaR limit on (window 100), at levels that never bind (the crypto cap
 *     of the aggressive allocation, 50%, halves each entry): every step
 *     follows the equity (protections) and the returns (the VaR window),
 *     and each entry is checked against the VaR limit;
 *   - the same keeping every step's row of the series, as a backtest does
 *     for risk.csv (80 bytes a bar of fresh memory): the book's historical
 *     VaR/CVaR at 95% at every bar with a position open.
 * Prints bars/s of wall and CPU time (medians of `runs`) of each and the
 * slowdown against the first (CPU time is steadier on a shared machine);
 * the target is at most 20%. Usage: bench_risk [bars] [runs] [only]
 * (1000000 5; only: time just that case, 0..3, for a profiler). Always
 * exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proratio/data.h"
#include "proratio/engine.h"
#include "proratio/risk.h"

static double clock_s(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The bars: the reference rows repeated verbatim on an hourly clock. */
static int make_bars(size_t nbars, pr_series *big) {
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/reference/BTCUSDT-1h.csv", root ? root : ".");
    pr_series real;
    pr_err e;
    if (pr_series_init(&real, 0) != 0 || pr_import_csv_series(path, NULL, &real, NULL, &e) != 0 || real.len == 0) {
        printf("risk: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
        return -1;
    }
    if (pr_series_init(big, nbars) != 0) return -1;
    big->tf = PR_TF_1H;
    for (size_t i = 0; i < nbars; i++) {
        size_t k = i % real.len;
        pr_series_push(big, real.ts[0] + (int64_t)i * PR_MS_PER_HOUR, real.open[k], real.high[k], real.low[k],
                       real.close[k], real.volume[k]);
    }
    pr_series_free(&real);
    return 0;
}

/* One run; rc the risk configuration, NULL: the built-in sizer. Returns
 * wall seconds (and CPU seconds in *cpu), or -1. */
static double one_run(const pr_series *bars, const pr_risk_config *rc, int record, size_t *trades, double *cpu) {
    pr_err err;
    pr_strategy *st = NULL;
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_ALL_CASH;
    if (pr_strategy_create("sma_cross", NULL, NULL, &st, &err) != 0 || pr_pipeline_new(&pc, st, &p, &err) != 0) {
        printf("risk: %s\n", err.msg);
        return -1;
    }
    if (rc) {
        pr_sizer sz;
        if (pr_risk_stage_new(rc, &rs, &err) != 0) {
            printf("risk: %s\n", err.msg);
            return -1;
        }
        pr_risk_stage_record_series(rs, record);
        pr_risk_stage_sizer(rs, &sz);
        pr_pipeline_set_sizer(p, &sz);
    }
    pr_bt_market mk = {.bars = bars, .checked = pr_series_check(bars, 0)};   /* as the CLI: once per load */
    pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk.spec, NULL);
    memset(&mk.spec.costs, 0, sizeof mk.spec.costs);
    mk.spec.costs.taker_fee = mk.spec.costs.maker_fee = 0.001;
    mk.spec.inst.lot_step = mk.spec.inst.min_qty = mk.spec.inst.min_notional = 0;
    pr_backtest_config bc = {.start_cash = 10000.0, .n_markets = 1, .markets = &mk};
    pr_backtest_result res;
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    int r = pr_backtest_run(&bc, p, &res, &err);
    double dt = clock_s(CLOCK_MONOTONIC) - t0;
    *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (r != 0) printf("risk: backtest failed: %s\n", err.msg);
    else {
        *trades = res.n_trades;
        pr_backtest_result_free(&res);
    }
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    pr_strategy_free(st);
    return r == 0 ? dt : -1;
}

int main(int argc, char **argv) {
    size_t nbars = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    int only = argc > 3 ? atoi(argv[3]) : -1;
    if (nbars < 1000) nbars = 1000;
    if (runs < 1 || runs > 50) runs = 5;
    pr_series bars;
    if (make_bars(nbars, &bars) != 0) return 0;
    pr_risk_config sizing_only, all;
    pr_risk_config_defaults(&sizing_only);
    sizing_only.sizing.mode = PR_RISK_FIXED_FRACTION;
    sizing_only.sizing.fraction = 0.99;
    sizing_only.stops.required = 0;   /* sma_cross's default has no stop */
    all = sizing_only;
    /* Every protection on, at levels sma_cross never reaches, so the run
     * trades as the others do and the checks' cost is what is timed. */
    all.protections = (pr_risk_protections){.daily_loss = 1, .weekly_loss = 1, .max_consecutive_losses = 1000,
                                            .loss_pause_hours = 24, .max_trades_per_day = 100000, .dd_warn = 1,
                                            .dd_stop = 1, .dd_halt = 1, .halt_days = 7};
    all.exposure.allocation = PR_ALLOC_AGGRESSIVE;
    all.exposure.max_positions = 5;
    all.exposure.lev_crypto = 2;
    all.exposure.currency_cap = 1;
    all.exposure.sector_cap = 1;
    all.exposure.corr_cap = 1;
    all.exposure.margin_ratio = 0.95;
    pr_risk_exposure_apply_allocation(&all.exposure);
    all.var.limit = 1;   /* checked at every entry, never binding */
    enum { NC = 4 };
    const char *label[NC] = {"no risk stage (built-in all-cash sizer)", "risk stage, sizing only",
                             "risk stage, all protections + exposure limits + VaR every bar",
                             "the same, keeping the exposure/VaR series (risk.csv)"};
    const pr_risk_config *cfg[NC] = {NULL, &sizing_only, &all, &all};
    double *t[NC] = {0}, *c[NC] = {0};
    size_t trades[NC] = {0};
    for (int k = 0; k < NC; k++) {
        t[k] = calloc((size_t)runs, sizeof(double));
        c[k] = calloc((size_t)runs, sizeof(double));
        if (!t[k] || !c[k]) goto out;
    }
    /* Interleaved, so a slow moment of the machine hits all alike. */
    for (int r = 0; r < runs; r++)
        for (int k = 0; k < NC; k++)
            if ((only < 0 || only == k) && (t[k][r] = one_run(&bars, cfg[k], k == 3, &trades[k], &c[k][r])) < 0) goto out;
    double med[NC], cmed[NC];
    for (int k = 0; k < NC; k++) {
        qsort(t[k], (size_t)runs, sizeof(double), cmp_double);
        qsort(c[k], (size_t)runs, sizeof(double), cmp_double);
        med[k] = t[k][runs / 2];
        cmed[k] = c[k][runs / 2];
        if (only >= 0 && only != k) continue;
        printf("risk: %-62s median %.4f s, %.2f M bars/s; CPU %.4f s, %.2f M bars/s, %.0f ns/bar (%zu trades)\n",
               label[k], med[k], (double)nbars / med[k] / 1e6, cmed[k], (double)nbars / cmed[k] / 1e6,
               cmed[k] / (double)nbars * 1e9, trades[k]);
    }
    if (only < 0)
        printf("risk: CPU time against no risk stage: sizing only %+.1f%%, everything on %+.1f%% (%.0f ns/bar more), "
           "with the series %+.1f%%; wall %+.1f%%, %+.1f%%, %+.1f%%; target: at most +20%%\n",
           100 * (cmed[1] / cmed[0] - 1), 100 * (cmed[2] / cmed[0] - 1), (cmed[2] - cmed[0]) / (double)nbars * 1e9,
           100 * (cmed[3] / cmed[0] - 1), 100 * (med[1] / med[0] - 1), 100 * (med[2] / med[0] - 1),
           100 * (med[3] / med[0] - 1));
out:
    for (int k = 0; k < NC; k++) {
        free(t[k]);
        free(c[k]);
    }
    pr_series_free(&bars);
    return 0;
}
