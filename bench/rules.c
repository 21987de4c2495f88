/* Benchmark of the rules strategy: trend_ema's rules as expressions
 * (examples/rules_trend_ema.json's entry, exit, stop, targets and size)
 * beside the built-in trend_ema, each stepped bar by bar through a market
 * view as the backtest steps a strategy, over the same random-walk hourly
 * bars of one instrument. Prints bars/s of the decision loop (view step +
 * on_bar; the indicators precomputed in batch by pr_view_prepare, timed
 * apart) as the median and best of `runs`, and the signal counts (equal
 * when both decide alike). Usage: bench_rules [bars] [runs] (2000000 5).
 * Always exits 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "proratio/signal.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *const k_rules =
    "{\"entry_long\": \"ema(close,20) - ema(close,50) > 1e-9*close and prev(ema(close,20) - ema(close,50), 1) <= "
    "1e-9*prev(close,1) and rsi(close,14) >= 30 and rsi(close,14) <= 70 and (sma(volume,20) <= 0 or volume > "
    "sma(volume,20) * (1 + 1e-9))\","
    " \"exit_long\": \"(ema(close,20) - ema(close,50) < -1e-9*close and prev(ema(close,20) - ema(close,50), 1) >= "
    "-1e-9*prev(close,1)) or rsi(close,14) > 70\","
    " \"stop\": \"0.05*close\", \"targets\": \"0.02*close @ 0.5, 0.05*close @ 0.3, 0.10*close @ 0.2\","
    " \"size\": \"max(0.5, min(1, volume / sma(volume,20) / 2))\"}";

/* One run: prepare time and loop time; *signals the signals emitted. */
static int run(pr_strategy *st, const pr_series *s, double *prep, double *loop, size_t *signals) {
    pr_err err;
    pr_instrument in;
    if (pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in, &err) != 0) return -1;
    const pr_series *ser[1] = {s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser, .precompute = 1};
    pr_market_view *v = NULL;
    if (pr_view_new(&vc, &v, &err) != 0 || st->vt->init(st, v, &err) != 0) {
        fprintf(stderr, "bench_rules: %s\n", err.msg);
        pr_view_free(v);
        return -1;
    }
    double t0 = now_s();
    if (pr_view_prepare(v, &err) != 0) {
        pr_view_free(v);
        return -1;
    }
    double t1 = now_s();
    pr_signal buf[8];
    pr_signal_list out;
    const unsigned char one = 1;
    int64_t step = pr_tf_ms(s->tf);
    *signals = 0;
    for (size_t t = 0; t < s->len; t++) {
        if (pr_view_step(v, s->ts[t] + step, &one, &err) != 0) break;
        pr_signal_list_init(&out, buf, 8);
        if (st->vt->on_bar(st, v, &out, &err) != 0) break;
        *signals += out.n;
    }
    double t2 = now_s();
    *prep = t1 - t0;
    *loop = t2 - t1;
    pr_view_free(v);
    return 0;
}

static void report(const char *name, pr_strategy *st, const pr_series *s, int runs) {
    double loops[64], preps[64];
    size_t sig = 0;
    int n = 0;
    for (int r = 0; r < runs && r < 64; r++)
        if (run(st, s, &preps[n], &loops[n], &sig) == 0) n++;
    if (n == 0) {
        printf("%-22s failed\n", name);
        return;
    }
    qsort(loops, (size_t)n, sizeof *loops, cmp_double);
    qsort(preps, (size_t)n, sizeof *preps, cmp_double);
    double bars = (double)s->len;
    printf("%-22s %8.2f M bars/s median  %8.2f best   (indicators in batch: %.3f s)  signals %zu\n", name,
           bars / loops[n / 2] / 1e6, bars / loops[0] / 1e6, preps[n / 2], sig);
}

int main(int argc, char **argv) {
    size_t nbars = argc > 1 ? (size_t)atol(argv[1]) : 2000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (nbars < 100) nbars = 100;
    if (runs < 1) runs = 1;
    pr_series s;
    if (pr_series_init(&s, nbars) != 0) return 0;
    s.tf = PR_TF_1H;
    pr_rng r;
    pr_rng_seed(&r, 42);
    double c = 30000;
    int64_t t0 = 1577836800000LL;   /* 2020-01-01 */
    for (size_t i = 0; i < nbars; i++) {
        double o = c, u = (double)(pr_rng_next(&r) >> 11) * 0x1.0p-53;
        c = o * (1 + 0.01 * (u - 0.5));
        pr_series_push(&s, t0 + (int64_t)i * 3600000, o, (o > c ? o : c) * 1.001, (o < c ? o : c) * 0.999, c,
                       100 + 1000 * u);
    }
    pr_err err;
    pr_config *cfg = NULL;
    pr_strategy *builtin = NULL, *rules = NULL;
    if (pr_strategy_create("trend_ema", NULL, NULL, &builtin, &err) != 0 ||
        pr_config_parse(k_rules, &cfg, &err) != 0 || pr_strategy_create("rules", cfg, NULL, &rules, &err) != 0) {
        fprintf(stderr, "bench_rules: %s\n", err.msg);
        return 0;
    }
    printf("trend_ema decisions over %zu hourly bars (view step + on_bar), %d runs:\n", nbars, runs);
    report("trend_ema (built-in)", builtin, &s, runs);
    report("rules (trend_ema set)", rules, &s, runs);
    pr_strategy_free(builtin);
    pr_strategy_free(rules);
    pr_config_free(cfg);
    pr_series_free(&s);
    return 0;
}
