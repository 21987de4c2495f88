/* The extra indicators over a real series (the first 3000 BTCUSDT 1h bars of
 * the golden files): streaming equals batch bit for bit, no look-ahead
 * (a run on the first k bars reproduces the full run's first k cells), the
 * lookback cells are empty, and the values agree with outside references —
 * TA-Lib's golden EMA, ATR, MIDPRICE, SMA and STDDEV columns — or with the
 * definitions computed plainly, formula by formula, in this file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/ta.h"
#include "golden.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    pr_golden g;
    int64_t *ts;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    if (!f || pr_golden_load("sma_20.csv", &f->g) != 0) return -1;
    f->ts = calloc(f->g.n, sizeof *f->ts);
    if (!f->ts) return -1;
    for (size_t i = 0; i < f->g.n; i++)
        if (pr_time_parse(f->g.time[i], (size_t)-1, &f->ts[i], NULL) != PR_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pr_golden_free(&f->g);
    free(f->ts);
    free(f);
    return 0;
}

static pr_ta_input input_of(const fixture *f, size_t n) {
    pr_ta_input in;
    memset(&in, 0, sizeof in);
    in.n = n;
    in.ts = f->ts;
    in.open = f->g.open;
    in.high = f->g.high;
    in.low = f->g.low;
    in.close = f->g.close;
    in.volume = f->g.volume;
    in.real0 = f->g.close;
    return in;
}

/* Runs d's batch form on the first n bars into freshly allocated outputs. */
static double **run_batch(const pr_ta_def *d, const fixture *f, size_t n, const double *params) {
    double **out = calloc(PR_TA_MAX_OUTPUTS, sizeof *out);
    assert_non_null(out);
    for (int k = 0; k < d->n_outputs; k++) {
        out[k] = malloc((n ? n : 1) * sizeof(double));
        assert_non_null(out[k]);
    }
    pr_ta_input in = input_of(f, n);
    int rc = d->run(&in, params, out);
    if (rc != PR_OK) fail_msg("%s: run returned %d", d->name, rc);
    return out;
}

static void free_outputs(double **out) {
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) free(out[k]);
    free(out);
}

typedef struct {
    const char *name;
    int given;
    double params[PR_TA_MAX_PARAMS];
} tcase;

/* Every extra indicator with its defaults, plus variants of the parameters
 * that change code paths (anchors, kinds, tolerance modes, sample sd). */
static const tcase cases[] = {
    {"vwap", 0, {0}},          {"vwap", 1, {1}},        {"vwap", 1, {2}},
    {"vwap", 1, {3}},          {"rvwap", 0, {0}},       {"rvwap", 1, {1}},
    {"keltner", 0, {0}},       {"keltner", 3, {5, 3, 1.5}},
    {"donchian", 0, {0}},      {"donchian", 1, {1}},    {"supertrend", 0, {0}},
    {"supertrend", 2, {7, 2.5}},
    {"ichimoku", 0, {0}},      {"heikin_ashi", 0, {0}}, {"cmf", 0, {0}},
    {"wavetrend", 0, {0}},     {"wavetrend", 3, {3, 5, 2}},
    {"hma", 0, {0}},           {"hma", 1, {55}},        {"zscore", 0, {0}},
    {"zscore", 2, {50, 1}},    {"percentrank", 0, {0}}, {"percentrank", 1, {7}},
    {"pivots", 0, {0}},        {"pivots", 2, {1, 1}},   {"pivots", 2, {0, 2}},
    {"pivots", 2, {1, 3}},     {"swings", 0, {0}},      {"swings", 2, {3, 0}},
    {"levels", 0, {0}},        {"levels", 7, {3, 2, 150, 10, 1.0, 0.002, 50}},
};

static const pr_ta_def *def_of(const char *name) {
    const pr_ta_def *d = NULL;
    if (pr_ta_find(name, &d) != PR_OK) fail_msg("%s not in the indicator table", name);
    return d;
}

static void full_params(const pr_ta_def *d, const tcase *c, double *full) {
    pr_err e;
    pr_err_clear(&e);
    if (pr_ta_check_params(d, c->given ? c->params : NULL, c->given, full, &e) != PR_OK)
        fail_msg("%s: params rejected: %s", c->name, e.msg);
}

static void test_stream_equals_batch(void **state) {
    fixture *f = *state;
    size_t n = f->g.n;
    for (size_t ci = 0; ci < N_(cases); ci++) {
        const pr_ta_def *d = def_of(cases[ci].name);
        double p[PR_TA_MAX_PARAMS];
        full_params(d, &cases[ci], p);
        double **batch = run_batch(d, f, n, p);
        void *st = NULL;
        assert_int_equal(d->stream_new(p, &st), PR_OK);
        double *stream[PR_TA_MAX_OUTPUTS];
        for (int k = 0; k < d->n_outputs; k++) assert_non_null(stream[k] = malloc(n * sizeof(double)));
        for (size_t i = 0; i < n; i++) {
            pr_ta_bar b = {f->ts[i], f->g.open[i], f->g.high[i], f->g.low[i], f->g.close[i], f->g.volume[i],
                           f->g.close[i], NAN};
            double row[PR_TA_MAX_OUTPUTS];
            assert_int_equal(d->stream_update(st, &b, row), PR_OK);
            for (int k = 0; k < d->n_outputs; k++) stream[k][i] = row[k];
        }
        d->stream_free(st);
        for (int k = 0; k < d->n_outputs; k++) {
            char what[96];
            snprintf(what, sizeof what, "%s case %zu output %s (stream vs batch)", d->name, ci, d->outputs[k]);
            pr_golden_expect_same(what, stream[k], batch[k], n);
            /* Not all empty: each output has values on this series. */
            size_t have = 0;
            for (size_t i = 0; i < n; i++) have += !isnan(batch[k][i]);
            if (have == 0) fail_msg("%s: no values at all", what);
            free(stream[k]);
        }
        free_outputs(batch);
    }
}

static void test_no_look_ahead(void **state) {
    fixture *f = *state;
    size_t n = f->g.n;
    static const size_t prefixes[] = {1, 2, 3, 10, 25, 27, 52, 53, 100, 301, 777, 1500, 2999};
    for (size_t ci = 0; ci < N_(cases); ci++) {
        const pr_ta_def *d = def_of(cases[ci].name);
        double p[PR_TA_MAX_PARAMS];
        full_params(d, &cases[ci], p);
        double **full = run_batch(d, f, n, p);
        for (size_t j = 0; j < N_(prefixes); j++) {
            size_t k = prefixes[j];
            double **part = run_batch(d, f, k, p);
            for (int o = 0; o < d->n_outputs; o++) {
                char what[96];
                snprintf(what, sizeof what, "%s case %zu %s: first %zu bars vs all", d->name, ci, d->outputs[o], k);
                pr_golden_expect_same(what, part[o], full[o], k);
            }
            free_outputs(part);
        }
        free_outputs(full);
    }
}

static void test_lookback_cells(void **state) {
    fixture *f = *state;
    size_t n = f->g.n;
    for (size_t ci = 0; ci < N_(cases); ci++) {
        const pr_ta_def *d = def_of(cases[ci].name);
        double p[PR_TA_MAX_PARAMS];
        full_params(d, &cases[ci], p);
        int lb;
        assert_int_equal(d->lookback(p, &lb), PR_OK);
        double **out = run_batch(d, f, n, p);
        /* Event and period-based outputs (swings, pivots, levels) may stay
         * empty after the lookback; the others start exactly there. */
        int exact = strcmp(d->name, "swings") && strcmp(d->name, "pivots") && strcmp(d->name, "levels");
        for (int o = 0; o < d->n_outputs; o++) {
            for (int i = 0; i < lb; i++)
                if (!isnan(out[o][i])) fail_msg("%s %s: bar %d inside the lookback %d has a value", d->name, d->outputs[o], i, lb);
            if (exact && isnan(out[o][lb])) fail_msg("%s %s: no value at the lookback bar %d", d->name, d->outputs[o], lb);
        }
        free_outputs(out);
        /* n <= lookback: all empty, and n == 0 writes nothing. */
        if (lb > 0) {
            double **few = run_batch(d, f, (size_t)lb, p);
            for (int o = 0; o < d->n_outputs; o++)
                for (int i = 0; i < lb; i++) assert_true(isnan(few[o][i]));
            free_outputs(few);
        }
        pr_ta_input in0 = input_of(f, 0);
        double *none[PR_TA_MAX_OUTPUTS] = {0};
        assert_int_equal(d->run(&in0, p, none), PR_OK);
    }
}

/* ------------------------------------------------ outside references */

static void expect_close(const char *what, const double *got, const double *ref, size_t n, double tol) {
    pr_golden_expect_close(what, got, ref, n, tol);
}

static void test_against_talib_columns(void **state) {
    fixture *f = *state;
    const pr_golden *g = &f->g;
    size_t n = g->n;
    pr_golden ema, atr, mid, sma, sd;
    assert_int_equal(pr_golden_load("ema_20.csv", &ema), 0);
    assert_int_equal(pr_golden_load("atr_14.csv", &atr), 0);
    assert_int_equal(pr_golden_load("midprice_14.csv", &mid), 0);
    assert_int_equal(pr_golden_load("sma_20.csv", &sma), 0);
    assert_int_equal(pr_golden_load("stddev_20.csv", &sd), 0);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c),
           *d = malloc(n * sizeof *d), *r = malloc(n * sizeof *r);
    assert_true(a && b && c && d && r);

    /* Keltner(20, 14, 2): middle = EMA(20); (upper - lower)/4 = ATR(14). */
    assert_int_equal(pr_ta_keltner(n, g->high, g->low, g->close, 20, 14, 2.0, a, b, c), PR_OK);
    expect_close("keltner middle vs TA-Lib EMA(20)", b, pr_golden_col(&ema, "ema"), n, 1e-12);
    for (size_t i = 0; i < n; i++) r[i] = isnan(a[i]) ? NAN : (a[i] - c[i]) / 4.0;
    /* ATR(14) starts at 14, before the EMA: compare where both exist. */
    const double *ratr = pr_golden_col(&atr, "atr");
    for (size_t i = 19; i < n; i++)
        if (!(fabs(r[i] - ratr[i]) <= 1e-9 * fabs(ratr[i]))) fail_msg("keltner width at %zu: %.17g vs 4*%.17g", i, a[i] - c[i], ratr[i]);

    /* Donchian(14) middle and Ichimoku(14,14,14) lines = MIDPRICE(14). */
    const double *rmid = pr_golden_col(&mid, "midprice");
    assert_int_equal(pr_ta_donchian(n, g->high, g->low, 14, a, b, c), PR_OK);
    expect_close("donchian middle vs MIDPRICE(14)", b, rmid, n, 1e-15);
    assert_int_equal(pr_ta_ichimoku(n, g->high, g->low, 14, 14, 14, a, b, c, d), PR_OK);
    expect_close("tenkan vs MIDPRICE(14)", a, rmid, n, 1e-15);
    expect_close("kijun vs MIDPRICE(14)", b, rmid, n, 1e-15);
    expect_close("senkou_a vs MIDPRICE(14)", c, rmid, n, 1e-15);
    expect_close("senkou_b vs MIDPRICE(14)", d, rmid, n, 1e-15);

    /* z-score(20), population = (close - SMA(20)) / STDDEV(20, 1). TA-Lib's
     * variance from running raw sums carries ~1e-9 relative error. */
    assert_int_equal(pr_ta_zscore(n, g->close, 20, 0, a), PR_OK);
    const double *rs = pr_golden_col(&sma, "sma"), *rsd = pr_golden_col(&sd, "stddev");
    for (size_t i = 0; i < n; i++) r[i] = isnan(rs[i]) ? NAN : (g->close[i] - rs[i]) / rsd[i];
    expect_close("zscore vs (close - SMA)/STDDEV", a, r, n, 1e-6);

    /* SuperTrend(14, 3) from TA-Lib's ATR(14) with TradingView's rules,
     * written out here independently of supertrend.c. */
    assert_int_equal(pr_ta_supertrend(n, g->high, g->low, g->close, 14, 3.0, a, b), PR_OK);
    double pu = NAN, pl = NAN, pst = NAN;
    int prev_atr = 0;
    for (size_t i = 0; i < n; i++) {
        double at = ratr[i], src = (g->high[i] + g->low[i]) / 2;
        double up = src + 3 * at, lo = src - 3 * at;
        double PL = isnan(pl) ? 0 : pl, PU = isnan(pu) ? 0 : pu;
        double c1 = i ? g->close[i - 1] : NAN;
        if (!(lo > PL || c1 < PL)) lo = PL;
        if (!(up < PU || c1 > PU)) up = PU;
        double st = NAN, dir = NAN;
        if (!isnan(at)) {
            int tv; /* TradingView: -1 up, +1 down */
            if (!prev_atr) tv = 1;
            else if (pst == PU) tv = g->close[i] > up ? -1 : 1;
            else tv = g->close[i] < lo ? 1 : -1;
            st = tv == -1 ? lo : up;
            dir = -tv;
        }
        c[i] = st;
        d[i] = dir;
        pu = up;
        pl = lo;
        pst = st;
        prev_atr = !isnan(at);
    }
    expect_close("supertrend line vs TradingView rules on TA-Lib ATR", a, c, n, 1e-12);
    pr_golden_expect_same("supertrend direction", b, d, n);
    size_t flips = 0;
    for (size_t i = 15; i < n; i++) flips += b[i] != b[i - 1];
    assert_true(flips > 20); /* the series trends both ways */

    free(a); free(b); free(c); free(d); free(r);
    pr_golden_free(&ema); pr_golden_free(&atr); pr_golden_free(&mid); pr_golden_free(&sma); pr_golden_free(&sd);
}

/* Weighted MA with weights 1..p over x[i-p+1..i], straight from the definition. */
static double wma_at(const double *x, size_t i, int p) {
    double num = 0, den = 0;
    for (int k = 0; k < p; k++) {
        num += (double)(p - k) * x[i - (size_t)k];
        den += (double)(p - k);
    }
    return num / den;
}

/* TA-Lib EMA of x[from..n): seeded with the SMA of the first p, NaN before. */
static void ema_ref(const double *x, size_t from, size_t n, int p, double *out) {
    double k = 2.0 / (p + 1);
    for (size_t i = 0; i < n; i++) out[i] = NAN;
    if (from + (size_t)p > n) return;
    double e = 0;
    for (size_t i = from; i < from + (size_t)p; i++) e += x[i];
    e /= p;
    out[from + (size_t)p - 1] = e;
    for (size_t i = from + (size_t)p; i < n; i++) out[i] = e = (x[i] - e) * k + e;
}

static void test_against_definitions(void **state) {
    fixture *f = *state;
    const pr_golden *g = &f->g;
    size_t n = g->n;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c),
           *d = malloc(n * sizeof *d), *r = malloc(n * sizeof *r), *r2 = malloc(n * sizeof *r2),
           *r3 = malloc(n * sizeof *r3), *r4 = malloc(n * sizeof *r4);
    assert_true(a && b && c && d && r && r2 && r3 && r4);

    /* Hull MA(20): WMA(2 WMA10 - WMA20, 4). */
    assert_int_equal(pr_ta_hma(n, g->close, 20, a), PR_OK);
    double *diff = malloc(n * sizeof *diff);
    assert_non_null(diff);
    for (size_t i = 0; i < n; i++) {
        diff[i] = i >= 19 ? 2 * wma_at(g->close, i, 10) - wma_at(g->close, i, 20) : NAN;
        r[i] = i >= 19 + 3 ? wma_at(diff, i, 4) : NAN;
    }
    expect_close("hma(20) vs WMA definition", a, r, n, 1e-11);
    free(diff);

    /* WaveTrend(10, 21, 4). */
    assert_int_equal(pr_ta_wavetrend(n, g->high, g->low, g->close, 10, 21, 4, a, b), PR_OK);
    double *ap = malloc(n * sizeof *ap), *esa = malloc(n * sizeof *esa), *dev = malloc(n * sizeof *dev),
           *dd = malloc(n * sizeof *dd), *ci = malloc(n * sizeof *ci), *tci = malloc(n * sizeof *tci);
    assert_true(ap && esa && dev && dd && ci && tci);
    for (size_t i = 0; i < n; i++) ap[i] = (g->high[i] + g->low[i] + g->close[i]) / 3;
    ema_ref(ap, 0, n, 10, esa);
    for (size_t i = 0; i < n; i++) dev[i] = fabs(ap[i] - esa[i]);
    ema_ref(dev, 9, n, 10, dd);
    for (size_t i = 0; i < n; i++) ci[i] = (ap[i] - esa[i]) / (0.015 * dd[i]);
    ema_ref(ci, 18, n, 21, tci);
    for (size_t i = 0; i < n; i++) {
        r2[i] = i >= 41 ? (tci[i] + tci[i - 1] + tci[i - 2] + tci[i - 3]) / 4 : NAN;
        r[i] = i >= 41 ? tci[i] : NAN;
    }
    expect_close("wt1 vs definition", a, r, n, 1e-9);
    expect_close("wt2 vs definition", b, r2, n, 1e-9);
    free(ap); free(esa); free(dev); free(dd); free(ci); free(tci);

    /* Heikin-Ashi. */
    assert_int_equal(pr_ta_heikin_ashi(n, g->open, g->high, g->low, g->close, a, b, c, d), PR_OK);
    for (size_t i = 0; i < n; i++) {
        r4[i] = (g->open[i] + g->high[i] + g->low[i] + g->close[i]) / 4;
        r[i] = i ? (r[i - 1] + r4[i - 1]) / 2 : (g->open[0] + g->close[0]) / 2;
        r2[i] = fmax(g->high[i], fmax(r[i], r4[i]));
        r3[i] = fmin(g->low[i], fmin(r[i], r4[i]));
    }
    expect_close("ha open", a, r, n, 1e-15);
    expect_close("ha high", b, r2, n, 1e-15);
    expect_close("ha low", c, r3, n, 1e-15);
    expect_close("ha close", d, r4, n, 1e-15);

    /* CMF(20), rolling VWAP(20), session VWAP (UTC day). */
    assert_int_equal(pr_ta_cmf(n, g->high, g->low, g->close, g->volume, 20, a), PR_OK);
    assert_int_equal(pr_ta_rvwap(n, g->high, g->low, g->close, g->volume, 20, b), PR_OK);
    assert_int_equal(pr_ta_vwap(n, f->ts, g->high, g->low, g->close, g->volume, PR_TA_ANCHOR_DAY, c), PR_OK);
    double pv = 0, vv = 0;
    for (size_t i = 0; i < n; i++) {
        double mf = 0, v = 0, tpv = 0;
        if (i >= 19) {
            for (size_t j = i - 19; j <= i; j++) {
                double h = g->high[j], l = g->low[j], cl = g->close[j];
                mf += (h != l ? ((cl - l) - (h - cl)) / (h - l) : 0) * g->volume[j];
                v += g->volume[j];
                tpv += (h + l + cl) / 3 * g->volume[j];
            }
        }
        r[i] = i >= 19 ? mf / v : NAN;
        r2[i] = i >= 19 ? tpv / v : NAN;
        if (f->ts[i] % PR_MS_PER_DAY == 0) pv = vv = 0; /* hourly bars: a day starts at 00:00 */
        pv += (g->high[i] + g->low[i] + g->close[i]) / 3 * g->volume[i];
        vv += g->volume[i];
        r3[i] = pv / vv;
    }
    expect_close("cmf vs definition", a, r, n, 1e-12);
    expect_close("rvwap vs definition", b, r2, n, 1e-12);
    expect_close("vwap vs definition", c, r3, n, 1e-12);

    /* Percent rank(50). */
    assert_int_equal(pr_ta_percentrank(n, g->close, 50, a), PR_OK);
    for (size_t i = 0; i < n; i++) {
        if (i < 50) { r[i] = NAN; continue; }
        int cnt = 0;
        for (size_t j = i - 50; j < i; j++) cnt += g->close[j] <= g->close[i];
        r[i] = cnt * 100.0 / 50;
    }
    expect_close("percentrank vs definition", a, r, n, 1e-13);

    /* Daily classic pivots: previous UTC day's high, low and last close
     * (the data starts at 00:00, so its first day is complete). */
    double *pp[PR_TA_PIVOT_OUTPUTS];
    for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++) assert_non_null(pp[k] = malloc(n * sizeof(double)));
    assert_int_equal(pr_ta_pivots(n, f->ts, g->high, g->low, g->close, PR_TA_PIVOT_CLASSIC, PR_TA_ANCHOR_DAY, pp), PR_OK);
    double ph = NAN, pl = NAN, pc = NAN, dh = NAN, dl = NAN;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && f->ts[i] / PR_MS_PER_DAY != f->ts[i - 1] / PR_MS_PER_DAY) {
            ph = dh;
            pl = dl;
            pc = g->close[i - 1];
            dh = dl = NAN;
        }
        dh = isnan(dh) || g->high[i] > dh ? g->high[i] : dh;
        dl = isnan(dl) || g->low[i] < dl ? g->low[i] : dl;
        double P = (ph + pl + pc) / 3;
        r[i] = P;                     /* NaN on day 1 */
        r2[i] = 2 * P - pl;           /* R1 */
        r3[i] = pl - 2 * (ph - P);    /* S3 */
    }
    expect_close("pivot P vs definition", pp[0], r, n, 1e-14);
    expect_close("pivot R1 vs definition", pp[1], r2, n, 1e-14);
    expect_close("pivot S3 vs definition", pp[6], r3, n, 1e-14);
    for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++) free(pp[k]);

    /* Swings (5, 5) by brute force. */
    assert_int_equal(pr_ta_swings(n, g->high, g->low, 5, 5, a, b), PR_OK);
    size_t found = 0;
    for (size_t t = 0; t < n; t++) {
        r[t] = r2[t] = NAN;
        if (t < 10) continue;
        size_t cidx = t - 5;
        int hi = 1, lo = 1;
        for (size_t j = cidx - 5; j <= t; j++) {
            if (j == cidx) continue;
            if (j < cidx ? !(g->high[cidx] > g->high[j]) : !(g->high[cidx] >= g->high[j])) hi = 0;
            if (j < cidx ? !(g->low[cidx] < g->low[j]) : !(g->low[cidx] <= g->low[j])) lo = 0;
        }
        if (hi) r[t] = g->high[cidx];
        if (lo) r2[t] = g->low[cidx];
        found += hi + lo;
    }
    assert_true(found > 100);
    pr_golden_expect_same("swing highs vs brute force", a, r, n);
    pr_golden_expect_same("swing lows vs brute force", b, r2, n);

    free(a); free(b); free(c); free(d); free(r); free(r2); free(r3); free(r4);
}

/* The levels known at bar t come only from swings confirmed by t, and the
 * function form agrees with the per-bar series. */
static void test_levels_known_at_t(void **state) {
    fixture *f = *state;
    const pr_golden *g = &f->g;
    pr_ta_levels_cfg cfg;
    pr_ta_levels_cfg_default(&cfg);
    size_t n = 1200;
    double *sup = malloc(n * sizeof *sup), *sups = malloc(n * sizeof *sups), *res = malloc(n * sizeof *res),
           *ress = malloc(n * sizeof *ress), *sh = malloc(n * sizeof *sh), *sl = malloc(n * sizeof *sl);
    assert_true(sup && sups && res && ress && sh && sl);
    assert_int_equal(pr_ta_levels(n, g->high, g->low, g->close, &cfg, sup, sups, res, ress), PR_OK);
    assert_int_equal(pr_ta_swings(n, g->high, g->low, cfg.left, cfg.right, sh, sl), PR_OK);
    pr_ta_level lv[256];
    for (size_t t = 200; t < n; t += 97) {
        size_t count;
        assert_int_equal(pr_ta_levels_at(n, f->ts, g->high, g->low, g->close, t, &cfg, lv, 256, &count), PR_OK);
        assert_true(count > 0 && count <= 256);
        int touches = 0;
        for (size_t k = 0; k < count; k++) {
            assert_true(lv[k].last_touch_bar + (size_t)cfg.right <= t);
            assert_true(lv[k].last_touch_bar + (size_t)cfg.window > t);
            assert_true(lv[k].last_touch_ts == f->ts[lv[k].last_touch_bar]);
            assert_true(lv[k].strength > 0 && lv[k].strength < 1);
            assert_true(lv[k].lo <= lv[k].price && lv[k].price <= lv[k].hi);
            if (k) assert_true(lv[k - 1].price <= lv[k].price);
            touches += lv[k].touches;
        }
        /* Every confirmed swing of the window is in exactly one level. */
        int swings = 0;
        for (size_t j = t + 1 > (size_t)cfg.window ? t + 1 - (size_t)cfg.window + (size_t)cfg.right : 0; j <= t; j++)
            swings += !isnan(sh[j]) + !isnan(sl[j]);
        assert_int_equal(touches, swings);
        /* The series' nearest support/resistance are among them. */
        double best_s = NAN, best_r = NAN;
        for (size_t k = 0; k < count; k++) {
            if (lv[k].price <= g->close[t]) best_s = lv[k].price;
            else if (isnan(best_r)) best_r = lv[k].price;
        }
        assert_true((isnan(best_s) && isnan(sup[t])) || best_s == sup[t]);
        assert_true((isnan(best_r) && isnan(res[t])) || best_r == res[t]);
    }
    free(sup); free(sups); free(res); free(ress); free(sh); free(sl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_equals_batch),
        cmocka_unit_test(test_no_look_ahead),
        cmocka_unit_test(test_lookback_cells),
        cmocka_unit_test(test_against_talib_columns),
        cmocka_unit_test(test_against_definitions),
        cmocka_unit_test(test_levels_known_at_t),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
