/* Indicator throughput: ns per bar of the batch forms on a 10,000,000-bar
 * random walk (fixed seed, consistent OHLCV), best of 3 runs, next to the
 * floor of a plain memcpy of the input array and TA-Lib 0.6.4's figures
 * (gcc 12 -O2): SMA to ADX measured on the reference machine; the functions
 * added later on the development machine (a shared 2-core VM), TA-Lib built
 * from the source the golden files came from and run on this bench's series
 * interleaved with ours, median of 5 runs of thread CPU time. Prints figures
 * only and always exits 0: timing never fails a build.
 *
 * Then SMA 20's accuracy on the same bars and on a geometric random walk
 * (from 100, 0.2% steps, full mantissas): the largest relative error of
 * pr_ta_sma and of TA-Lib's running sum ((sum + new) - old) against each
 * window summed afresh in long double with compensation.
 *
 *   bench_ta [bars]      (default 10000000)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "proratio/ta.h"
#include "../tests/ta/sma_reference.h"

typedef struct series {
    size_t n;
    double *open, *high, *low, *close, *volume;
} series;

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1.0p-53; }

static double normal(uint64_t *s) {
    double u = uniform(s), v = uniform(s);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Log-price random walk pulled gently towards 40,000 (so prices stay in a
 * realistic range over 10M bars); open = previous close, high/low extend the
 * open-close body by a random wick, volume is positive. */
static int make_series(series *s, size_t n, uint64_t seed) {
    s->n = n;
    s->open = malloc(n * sizeof(double));
    s->high = malloc(n * sizeof(double));
    s->low = malloc(n * sizeof(double));
    s->close = malloc(n * sizeof(double));
    s->volume = malloc(n * sizeof(double));
    if (!s->open || !s->high || !s->low || !s->close || !s->volume) return -1;
    uint64_t st = seed;
    double lp = log(40000.0), anchor = lp, prev = 40000.0;
    for (size_t i = 0; i < n; i++) {
        lp += 0.004 * normal(&st) - 0.001 * (lp - anchor);
        double c = round(exp(lp) * 100.0) / 100.0;
        double o = prev;
        double top = o > c ? o : c, bot = o < c ? o : c;
        s->open[i] = o;
        s->close[i] = c;
        s->high[i] = round((top + fabs(normal(&st)) * 0.002 * c) * 100.0) / 100.0;
        s->low[i] = round((bot - fabs(normal(&st)) * 0.002 * c) * 100.0) / 100.0;
        s->volume[i] = 1.0 + 100.0 * uniform(&st);
        prev = c;
    }
    return 0;
}

/* CPU time of this thread: on a shared machine it leaves out the time the
 * thread spends descheduled, which wall time would count; on an idle machine
 * the two agree. */
static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

enum { MEMCPY, SMA, EMA, RSI, ATR, BBANDS, MACD, STOCH, ADX,
       /* TA-Lib functions added later (TA-Lib figures from the development machine) */
       AVGPRICE, MAX, MINMAXINDEX, SUM, AVGDEV, ACCBANDS, IMI, MACDFIX, MA, MA_T3, MACDEXT, MAVP, SAR, SAREXT,
       HT_TRENDLINE, HT_DCPERIOD, HT_DCPHASE, HT_PHASOR, HT_SINE, HT_TRENDMODE, MAMA, SIN, DIV,
       CDL_ALL, CDL_ONE_PASS, NCASES };

static const struct {
    const char *label;
    double talib;   /* TA-Lib 0.6.4, gcc 12 -O2, ns/bar (see the top comment); 0 = none */
} info[NCASES] = {
    {"memcpy (floor)", 0},  {"SMA 20", 1.64},     {"EMA 20", 2.46},  {"RSI 14", 7.16},
    {"ATR 14", 10.37},      {"BBANDS 20", 6.34},  {"MACD 12/26/9", 15.84},
    {"STOCH 14/3/3", 16.11}, {"ADX 14", 11.77},
    /* development machine, 10,000,000 bars (the default), 2026-12-07 */
    {"AVGPRICE", 1.89},     {"MAX 30", 4.55},     {"MINMAXINDEX 30", 8.65}, {"SUM 30", 1.67},
    {"AVGDEV 14", 12.26},   {"ACCBANDS 20", 15.46}, {"IMI 14", 59.23}, {"MACDFIX 9", 18.67},
    {"MA 30 SMA", 1.67},    {"MA 30 T3", 3.14},   {"MACDEXT SMA", 15.96}, {"MAVP 2-30 SMA", 81.01},
    {"SAR", 7.01},          {"SAREXT", 6.72},     {"HT_TRENDLINE", 58.38}, {"HT_DCPERIOD", 44.22},
    {"HT_DCPHASE", 416.42}, {"HT_PHASOR", 44.26}, {"HT_SINE", 450.52}, {"HT_TRENDMODE", 493.44},
    {"MAMA", 60.80},        {"SIN", 17.28},       {"DIV", 1.37},     {"61 CDL patterns", 0},
    {"61 CDL patterns, one pass", 0},
};

/* All TA-Lib candlestick patterns (default penetration), one after another
 * over the bars: the figure is their summed time per bar. */
static int run_all_patterns(const series *s, double *o) {
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        int rc = pr_ta_cdl((pr_ta_cdl_pattern)p, s->n, s->open, s->high, s->low, s->close, -1.0, o);
        if (rc != 0) return rc;
    }
    return 0;
}

/* The same 61 patterns in one pass (pr_ta_cdl_all), each into its own
 * output (g_cdl_out, faulted in before timing: 61 x 8 bytes per bar). */
static double *g_cdl_out[PR_TA_CDL_COUNT];

static int run_one_pass(const series *s) {
    if (!g_cdl_out[0]) return -1;
    return pr_ta_cdl_all(s->n, s->open, s->high, s->low, s->close, NULL, NULL, g_cdl_out);
}

static void cdl_outputs(size_t n, int alloc) {
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        if (!alloc) {
            free(g_cdl_out[p]);
            g_cdl_out[p] = NULL;
            continue;
        }
        g_cdl_out[p] = malloc(n * sizeof(double));
        if (!g_cdl_out[p]) {
            cdl_outputs(n, 0);
            return;
        }
        memset(g_cdl_out[p], 0, n * sizeof(double));
    }
}

/* MAVP's periods: bar index mod 33, as in the golden file. */
static double *g_periods;

static int run_case(int c, const series *s, double **o) {
    size_t n = s->n;
    switch (c) {
    case MEMCPY: memcpy(o[0], s->close, n * sizeof(double)); return 0;
    case SMA: return pr_ta_sma(n, s->close, 20, o[0]);
    case EMA: return pr_ta_ema(n, s->close, 20, o[0]);
    case RSI: return pr_ta_rsi(n, s->close, 14, o[0]);
    case ATR: return pr_ta_atr(n, s->high, s->low, s->close, 14, o[0]);
    case BBANDS: return pr_ta_bbands(n, s->close, 20, 2.0, 2.0, o[0], o[1], o[2]);
    case MACD: return pr_ta_macd(n, s->close, 12, 26, 9, o[0], o[1], o[2]);
    case STOCH: return pr_ta_stoch(n, s->high, s->low, s->close, 14, 3, 3, o[0], o[1]);
    case ADX: return pr_ta_adx(n, s->high, s->low, s->close, 14, o[0]);
    case CDL_ALL: return run_all_patterns(s, o[0]);
    case CDL_ONE_PASS: return run_one_pass(s);
    case AVGPRICE: return pr_ta_avgprice(n, s->open, s->high, s->low, s->close, o[0]);
    case MAX: return pr_ta_max(n, s->close, 30, o[0]);
    case MINMAXINDEX: return pr_ta_minmaxindex(n, s->close, 30, o[0], o[1]);
    case SUM: return pr_ta_sum(n, s->close, 30, o[0]);
    case AVGDEV: return pr_ta_avgdev(n, s->close, 14, o[0]);
    case ACCBANDS: return pr_ta_accbands(n, s->high, s->low, s->close, 20, o[0], o[1], o[2]);
    case IMI: return pr_ta_imi(n, s->open, s->close, 14, o[0]);
    case MACDFIX: return pr_ta_macdfix(n, s->close, 9, o[0], o[1], o[2]);
    case MA: return pr_ta_ma(n, s->close, 30, 0, o[0]);
    case MA_T3: return pr_ta_ma(n, s->close, 30, 8, o[0]);
    case MACDEXT: return pr_ta_macdext(n, s->close, 12, 0, 26, 0, 9, 0, o[0], o[1], o[2]);
    case MAVP: return pr_ta_mavp(n, s->close, g_periods, 2, 30, 0, o[0]);
    case SAR: return pr_ta_sar(n, s->high, s->low, 0.02, 0.2, o[0]);
    case SAREXT: return pr_ta_sarext(n, s->high, s->low, 0, 0, 0.02, 0.02, 0.2, 0.02, 0.02, 0.2, o[0]);
    case HT_TRENDLINE: return pr_ta_ht_trendline(n, s->close, o[0]);
    case HT_DCPERIOD: return pr_ta_ht_dcperiod(n, s->close, o[0]);
    case HT_DCPHASE: return pr_ta_ht_dcphase(n, s->close, o[0]);
    case HT_PHASOR: return pr_ta_ht_phasor(n, s->close, o[0], o[1]);
    case HT_SINE: return pr_ta_ht_sine(n, s->close, o[0], o[1]);
    case HT_TRENDMODE: return pr_ta_ht_trendmode(n, s->close, o[0]);
    case MAMA: return pr_ta_mama(n, s->close, 0.5, 0.05, o[0], o[1]);
    case SIN: return pr_ta_sin(n, s->close, o[0]);
    case DIV: return pr_ta_div(n, s->high, s->low, o[0]);
    default: return -1;
    }
}

/* TA-Lib's SMA loop (ta_MA.c, TA_INT_SMA): add the new value, divide, subtract the oldest. */
static void talib_sma(size_t n, const double *x, size_t p, double *o) {
    double sum = 0.0;
    for (size_t i = 0; i + 1 < p; i++) sum += x[i];
    for (size_t i = p - 1; i < n; i++) {
        sum += x[i];
        o[i] = sum / (double)p;
        sum -= x[i + 1 - p];
    }
}

static void sma_accuracy(const char *what, const double *x, size_t n, double *o) {
    double ours = pr_ta_sma(n, x, 20, o) == PR_OK ? pr_sma_ref_max_rel_err(x, n, 20, o) : NAN;
    talib_sma(n, x, 20, o);
    printf("%-24s %12.2e %12.2e\n", what, ours, pr_sma_ref_max_rel_err(x, n, 20, o));
}

int main(int argc, char **argv) {
    size_t n = 10000000;
    if (argc > 1) {
        long v = strtol(argv[1], NULL, 10);
        if (v >= 1000) n = (size_t)v;
    }
    series s;
    if (make_series(&s, n, 20240501u) != 0) {
        printf("bench_ta: out of memory for %zu bars\n", n);
        return 0;
    }
    double *o[3];
    for (int k = 0; k < 3; k++) {
        o[k] = malloc(n * sizeof(double));
        if (!o[k]) {
            printf("bench_ta: out of memory for %zu bars\n", n);
            return 0;
        }
        memset(o[k], 0, n * sizeof(double)); /* fault the pages in before timing */
    }
    g_periods = malloc(n * sizeof(double));
    if (!g_periods) {
        printf("bench_ta: out of memory for %zu bars\n", n);
        return 0;
    }
    for (size_t i = 0; i < n; i++) g_periods[i] = (double)(i % 33);
    printf("ta batch throughput, %zu-bar random walk, best of 3, thread CPU time\n"
           "(TA-Lib column: TA-Lib 0.6.4, gcc 12 -O2; SMA to ADX on the reference machine, the rest on the\n"
           " development machine, see bench/ta.c; speedup = TA-Lib / ours)\n", n);
    printf("%-26s %10s %10s %9s\n", "indicator", "ns/bar", "TA-Lib", "speedup");
    for (int c = 0; c < NCASES; c++) {
        double best = INFINITY;
        int rc = 0;
        if (c == CDL_ONE_PASS) cdl_outputs(n, 1);
        for (int r = 0; r < 3 && rc == 0; r++) {
            double t0 = now_s();
            rc = run_case(c, &s, o);
            double dt = now_s() - t0;
            if (dt < best) best = dt;
        }
        if (c == CDL_ONE_PASS) cdl_outputs(n, 0);
        if (rc != 0) {
            printf("%-26s %10s (status %d)\n", info[c].label, "error", rc);
            continue;
        }
        double ns = best * 1e9 / (double)n;
        if (info[c].talib > 0)
            printf("%-26s %10.2f %10.2f %8.2fx\n", info[c].label, ns, info[c].talib, info[c].talib / ns);
        else
            printf("%-26s %10.2f %10s %9s\n", info[c].label, ns, "-", "-");
    }
    printf("\nSMA 20 max relative error vs a long double reference, %zu bars\n", n);
    printf("%-24s %12s %12s\n", "series", "ours", "TA-Lib order");
    sma_accuracy("price-like (close)", s.close, n, o[0]);
    uint64_t st = 11;
    double lp = log(100.0);
    for (size_t i = 0; i < n; i++) {
        lp += 0.002 * normal(&st);
        o[1][i] = exp(lp);
    }
    sma_accuracy("geometric random walk", o[1], n, o[0]);
    for (int k = 0; k < 3; k++) free(o[k]);
    free(g_periods);
    free(s.open);
    free(s.high);
    free(s.low);
    free(s.close);
    free(s.volume);
    return 0;
}
