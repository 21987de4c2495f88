/* Benchmark of the live runner's decision latency (issue #13): from the
 * closed bar that completes a step arriving to the step's orders handed to
 * the broker, network excluded. 20 instruments on 1h bars, the ta_score
 * strategy (min_score 5, so entries happen) and the risk stage with every
 * protection, the exposure limits and the VaR check on (levels that do not
 * bind, as bench_risk sets them), a paper broker, bars given one event at a
 * time as a feed gives them (pr_runner_event): the 20th bar of an hour is
 * the one the step waits for, so its call is the latency timed. The bars:
 * the real BTCUSDT 1h rows of tests/data/reference, each instrument starting
 * at its own row (i x 97) and scaled by (1 + i/10), on one hourly clock;
 * the first 300 hours warm the view up (trade_from), the rest are timed.
 * Prints the latency histogram (log2 buckets), p50/p90/p99/p99.9/max of all
 * steps and of the steps that placed orders; the target is
 * p99 < 5 ms. Usage: bench_live_latency [hours] (3000). Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proratio/data.h"
#include "proratio/live.h"
#include "proratio/risk.h"

#define N_INST 20
#define WARM 300

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *sorted, size_t n, double p) {
    if (!n) return 0;
    size_t k = (size_t)ceil(p / 100.0 * (double)n);
    return sorted[k ? k - 1 : 0];
}

static void summary(const char *what, double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    printf("live_latency: %s: %zu steps, p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%s\n", what,
           n, pct(v, n, 50), pct(v, n, 90), pct(v, n, 99), pct(v, n, 99.9), n ? v[n - 1] : 0.0,
           n && pct(v, n, 99) < 5000 ? " (target p99 < 5 ms: met)" : n ? " (target p99 < 5 ms: NOT met)" : "");
}

static void histogram(const double *v, size_t n) {
    size_t b[24] = {0};
    for (size_t i = 0; i < n; i++) {
        int k = 0;
        while (k < 23 && v[i] >= (double)(1u << (k + 1))) k++;
        b[k]++;
    }
    for (int k = 0; k < 24; k++)
        if (b[k]) printf("live_latency:   [%7u, %7u) us %7zu  %5.1f%%\n", k ? 1u << k : 0u, 1u << (k + 1), b[k],
                         100.0 * (double)b[k] / (double)n);
}

int main(int argc, char **argv) {
    size_t hours = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 3000;
    if (hours < WARM + 100) hours = WARM + 100;
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/reference/BTCUSDT-1h.csv", root ? root : ".");
    pr_series real;
    pr_err err;
    if (pr_series_init(&real, 0) != 0 || pr_import_csv_series(path, NULL, &real, NULL, &err) != 0 || real.len == 0) {
        printf("live_latency: cannot read %s (set PR_SOURCE_DIR to the repository)\n", path);
        return 0;
    }
    pr_config *cfg = NULL;
    pr_strategy *st = NULL;
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_runner *r = NULL;
    if (pr_config_parse("{\"min_score\": 5}", &cfg, &err) != 0 ||
        pr_strategy_create("ta_score", cfg, "strategy.params", &st, &err) != 0 ||
        pr_pipeline_new(NULL, st, &p, &err) != 0) {
        printf("live_latency: %s\n", err.msg);
        return 0;
    }
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.sizing.fraction = 0.04;
    rc.protections = (pr_risk_protections){.daily_loss = 1, .weekly_loss = 1, .max_consecutive_losses = 1000,
                                           .loss_pause_hours = 24, .max_trades_per_day = 100000, .dd_warn = 1,
                                           .dd_stop = 1, .dd_halt = 1, .halt_days = 7};
    rc.exposure.allocation = PR_ALLOC_AGGRESSIVE;
    rc.exposure.max_positions = N_INST;
    rc.exposure.lev_crypto = 2;
    rc.exposure.currency_cap = 1;
    rc.exposure.sector_cap = 1;
    rc.exposure.corr_cap = 1;
    rc.exposure.margin_ratio = 0.95;
    pr_risk_exposure_apply_allocation(&rc.exposure);
    rc.var.limit = 1;
    pr_sizer sz;
    if (pr_risk_stage_new(&rc, &rs, &err) != 0) {
        printf("live_latency: %s\n", err.msg);
        return 0;
    }
    pr_risk_stage_sizer(rs, &sz);
    pr_pipeline_set_sizer(p, &sz);

    pr_runner_market mk[N_INST];
    char sym[N_INST][16];
    for (int i = 0; i < N_INST; i++) {
        snprintf(sym[i], sizeof sym[i], "C%02dUSDT", i);
        memset(&mk[i], 0, sizeof mk[i]);
        pr_market_spec_default(sym[i], PR_ASSET_CRYPTO, &mk[i].spec, NULL);
        mk[i].tf = PR_TF_1H;
    }
    int64_t t0 = real.ts[0];
    pr_runner_config cf = {.n_markets = N_INST, .markets = mk, .start_cash = 100000,
                           .trade_from = t0 + (int64_t)WARM * PR_MS_PER_HOUR};
    if (pr_runner_new(&cf, p, &r, &err) != 0) {
        printf("live_latency: %s\n", err.msg);
        return 0;
    }
    double *all = malloc(hours * sizeof *all), *ord = malloc(hours * sizeof *ord);
    size_t n_all = 0, n_ord = 0;
    for (size_t h = 0; all && ord && h < hours; h++) {
        pr_pipeline_stats before;
        pr_pipeline_get_stats(p, &before);
        double dt = 0;
        for (int i = 0; i < N_INST; i++) {
            size_t k = (h + (size_t)i * 97) % real.len;
            double f = 1 + i / 10.0;
            pr_feed_event ev;
            memset(&ev, 0, sizeof ev);
            ev.kind = PR_FEED_EV_BAR;
            pr_strlcpy(ev.symbol, sym[i], sizeof ev.symbol);
            ev.tf = PR_TF_1H;
            ev.ts = t0 + (int64_t)h * PR_MS_PER_HOUR;
            ev.open = real.open[k] * f;
            ev.high = real.high[k] * f;
            ev.low = real.low[k] * f;
            ev.close = real.close[k] * f;
            ev.volume = real.volume[k];
            double a = now_us();
            if (pr_runner_event(r, &ev, &err) != 0) {
                printf("live_latency: %s\n", err.msg);
                return 0;
            }
            if (i == N_INST - 1) dt = now_us() - a;
        }
        if (h < WARM) continue;
        pr_pipeline_stats after;
        pr_pipeline_get_stats(p, &after);
        all[n_all++] = dt;
        if (after.orders > before.orders) ord[n_ord++] = dt;
    }
    pr_pipeline_stats fin;
    pr_pipeline_get_stats(p, &fin);
    printf("live_latency: %d instruments x %zu hours (first %d warm-up), ta_score + risk stage, paper broker: "
           "%zu signals, %zu orders\n", N_INST, hours, WARM, fin.signals, fin.orders);
    printf("live_latency: histogram of every step's latency (the 20th bar's arrival to its orders placed):\n");
    histogram(all, n_all);
    summary("every step", all, n_all);
    summary("steps that placed orders", ord, n_ord);
    free(all);
    free(ord);
    pr_runner_free(r);
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    pr_strategy_free(st);
    pr_config_free(cfg);
    pr_series_free(&real);
    return 0;
}
