/* Tests of the sliding Engle-Granger state (src/ta/stats_coint_roll.c)
 * against pr_stats_coint, the batch path that test_stats_reference.c and
 * tests/e2e/pairs_reference.sh hold to statsmodels: on real pairs
 * (data/sample: ETH/BTC 1h, KO/PEP daily) over thousands of consecutive
 * windows, with large levels, and on degenerate windows (constant, exactly
 * collinear, non-finite), where it must give the batch path's answer or
 * error. Tolerances: hedge ratio and intercept 1e-9 relative, ADF statistic
 * 1e-8 relative, p-value 1e-9 absolute, chosen lag and row count equal. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "pr_test.h"
#include "proratio/ta.h"

typedef struct pairs_data {
    size_t n;
    double *y, *x;
} pairs_data;

/* (timestamp, close) rows of a CSV whose first column is the time. */
static size_t load_closes(const char *rel, const char *column, char ***ts, double **v) {
    char path[1024], line[1024];
    pr_test_path(rel, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    if (!fgets(line, sizeof line, f)) fail_msg("%s: empty", path);
    int col = -1, i = 0;
    for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n"), i++)
        if (strcmp(tok, column) == 0) col = i;
    if (col < 0) fail_msg("%s: no column %s", path, column);
    size_t n = 0, cap = 1024;
    *ts = malloc(sizeof(char *) * cap);
    *v = malloc(sizeof(double) * cap);
    while (fgets(line, sizeof line, f)) {
        if (n == cap) {
            cap *= 2;
            *ts = realloc(*ts, sizeof(char *) * cap);
            *v = realloc(*v, sizeof(double) * cap);
        }
        i = 0;
        for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n"), i++) {
            if (i == 0) (*ts)[n] = strdup(tok);
            if (i == col) (*v)[n] = strtod(tok, NULL);
        }
        n++;
    }
    fclose(f);
    return n;
}

/* y and x closes at the times both files have (both sorted by time). */
static pairs_data load_pair(const char *ry, const char *rx, const char *column) {
    char **ty, **tx;
    double *vy, *vx;
    size_t ny = load_closes(ry, column, &ty, &vy), nx = load_closes(rx, column, &tx, &vx);
    pairs_data d = {0, malloc(sizeof(double) * ny), malloc(sizeof(double) * ny)};
    for (size_t i = 0, j = 0; i < ny && j < nx;) {
        int c = strcmp(ty[i], tx[j]);
        if (c == 0) {
            d.y[d.n] = vy[i++];
            d.x[d.n++] = vx[j++];
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    for (size_t i = 0; i < ny; i++) free(ty[i]);
    for (size_t j = 0; j < nx; j++) free(tx[j]);
    free(ty), free(tx), free(vy), free(vx);
    return d;
}

static void free_pair(pairs_data *d) {
    free(d->y);
    free(d->x);
}

static double rel(double a, double b) { return fabs(a - b) / fmax(1.0, fabs(b)); }

typedef struct worst {
    double hedge, intercept, stat, pvalue;
    size_t fits;
} worst;

/* Push every pair; every `every` pushes once the window is full, the
 * sliding fit must equal pr_stats_coint on the same window. */
static worst compare_opts(const pairs_data *d, size_t n, size_t every, double scale_y, double shift_y,
                          const pr_coint_opts *opts) {
    pr_coint_roll r;
    pr_err e1, e2;
    assert_int_equal(pr_stats_coint_roll_init(&r, n, opts, &e1), 0);
    worst w = {0};
    double *wy = malloc(sizeof(double) * n);
    for (size_t t = 0; t < d->n; t++) {
        const double yv = d->y[t] * scale_y + shift_y;
        pr_stats_coint_roll_push(&r, yv, d->x[t]);
        if (t + 1 < n || (t + 1 - n) % every) continue;
        for (size_t k = 0; k < n; k++) wy[k] = d->y[t + 1 - n + k] * scale_y + shift_y;
        pr_coint_result a, b;
        int ra = pr_stats_coint_roll_fit(&r, &a, &e1), rb = pr_stats_coint(n, wy, d->x + t + 1 - n, opts, &b, &e2);
        assert_int_equal(ra, rb);
        if (ra) continue;
        assert_int_equal(a.collinear, b.collinear);
        assert_int_equal(a.usedlag, b.usedlag);
        assert_int_equal(a.maxlag, b.maxlag);
        assert_int_equal(a.adf_nobs, b.adf_nobs);
        w.hedge = fmax(w.hedge, fabs(a.hedge_ratio - b.hedge_ratio) / fabs(b.hedge_ratio));
        w.intercept = fmax(w.intercept, fabs(a.intercept - b.intercept) / fmax(fabs(b.intercept), fabs(wy[n - 1])));
        w.stat = fmax(w.stat, rel(a.stat, b.stat));
        w.pvalue = fmax(w.pvalue, fabs(a.pvalue - b.pvalue));
        for (int k = 0; k < 3; k++) assert_true(a.crit[k] == b.crit[k]);
        w.fits++;
    }
    print_message("n %zu every %zu: %zu fits (%zu by the batch path), worst hedge %.2e intercept %.2e stat %.2e "
                  "pvalue %.2e\n",
                  n, every, w.fits, r.fallbacks, w.hedge, w.intercept, w.stat, w.pvalue);
    assert_true(w.hedge <= 1e-9);
    assert_true(w.intercept <= 1e-9);
    assert_true(w.stat <= 1e-8);
    assert_true(w.pvalue <= 1e-9);
    /* the comparison is of the sliding path: the batch path answers only the
     * odd near-tie */
    assert_true(r.fallbacks * 100 <= w.fits);
    free(wy);
    pr_stats_coint_roll_free(&r);
    return w;
}

static worst compare(const pairs_data *d, size_t n, size_t every, double scale_y, double shift_y) {
    return compare_opts(d, n, every, scale_y, shift_y, NULL);
}

static void test_eth_btc(void **st) {
    (void)st;
    pairs_data d = load_pair("data/sample/crypto/ETHUSDT-1h.csv", "data/sample/crypto/BTCUSDT-1h.csv", "close");
    assert_true(d.n > 17000);
    assert_true(compare(&d, 252, 3, 1, 0).fits > 5000);
    assert_true(compare(&d, 720, 24, 1, 0).fits > 600);
    assert_true(compare(&d, 30, 5, 1, 0).fits > 3000);
    free_pair(&d);
}

static void test_ko_pep(void **st) {
    (void)st;
    pairs_data d = load_pair("data/sample/stocks/KO-1d.csv", "data/sample/stocks/PEP-1d.csv", "Close");
    assert_true(d.n > 6000);
    assert_true(compare(&d, 252, 1, 1, 0).fits > 5800);
    assert_true(compare(&d, 504, 7, 1, 0).fits > 700);
    free_pair(&d);
}

/* The other lag rules and a fixed maxlag, as pr_stats_coint has them. */
static void test_autolag_rules(void **st) {
    (void)st;
    pairs_data d = load_pair("data/sample/crypto/ETHUSDT-1h.csv", "data/sample/crypto/BTCUSDT-1h.csv", "close");
    pr_coint_opts o;
    const pr_adf_autolag rules[] = {PR_ADF_BIC, PR_ADF_TSTAT, PR_ADF_FIXED, PR_ADF_AIC, PR_ADF_AIC};
    const int maxlags[] = {-1, -1, 4, 7, 0};
    for (int i = 0; i < 5; i++) {
        pr_coint_opts_default(&o);
        o.autolag = rules[i];
        o.maxlag = maxlags[i];
        assert_true(compare_opts(&d, 252, 13, 1, 0, &o).fits > 1300);
    }
    free_pair(&d);
}

/* BTC as y (levels 15,000-48,000), then scaled to ~1e7 and shifted by 1e8:
 * squares of the levels reach 1e16, where uncentred normal equations would
 * keep no digit of the residual's variance. */
static void test_large_levels(void **st) {
    (void)st;
    pairs_data d = load_pair("data/sample/crypto/BTCUSDT-1h.csv", "data/sample/crypto/ETHUSDT-1h.csv", "close");
    compare(&d, 252, 11, 1, 0);
    compare(&d, 252, 11, 1000, 1e8);
    free_pair(&d);
}

/* Degenerate windows give the batch path's answer, and the state recovers
 * once they have left the window. */
static void test_degenerate(void **st) {
    (void)st;
    const size_t n = 40;
    pr_coint_roll r;
    pr_err e1, e2;
    pr_coint_result a, b;
    assert_int_equal(pr_stats_coint_roll_init(&r, n, NULL, &e1), 0);
    double y[200], x[200];
    for (size_t t = 0; t < 200; t++) {
        /* x: a deterministic wiggle; y: constant for t < 60, exactly
         * 2x + 3 for 60 <= t < 120, a NaN at 130, then noisy */
        x[t] = 100.0 + 5.0 * sin(0.37 * (double)t) + 0.01 * (double)((t * 7919) % 101);
        y[t] = t < 60 ? 50.0 : t < 120 ? 2.0 * x[t] + 3.0 : 2.0 * x[t] + 3.0 + cos(1.3 * (double)t * (double)t);
    }
    y[130] = NAN;
    assert_int_equal(pr_stats_coint_roll_fit(&r, &a, &e1), PR_EDATA); /* nothing held yet */
    size_t constant = 0, collinear = 0, nonfinite = 0, ok = 0;
    for (size_t t = 0; t < 200; t++) {
        pr_stats_coint_roll_push(&r, y[t], x[t]);
        if (t + 1 < n) {
            assert_int_equal(pr_stats_coint_roll_fit(&r, &a, &e1), PR_EDATA);
            assert_non_null(strstr(e1.msg, "pairs held"));
            continue;
        }
        int ra = pr_stats_coint_roll_fit(&r, &a, &e1);
        int rb = pr_stats_coint(n, y + t + 1 - n, x + t + 1 - n, NULL, &b, &e2);
        assert_int_equal(ra, rb);
        if (ra) {
            assert_string_equal(e1.msg, e2.msg);
            constant += strstr(e1.msg, "constant") != NULL;
            nonfinite += strstr(e1.msg, "NaN") != NULL;
            continue;
        }
        assert_int_equal(a.collinear, b.collinear);
        if (a.collinear) {
            collinear++;
            assert_true(a.pvalue == 0 && isinf(a.stat));
            continue;
        }
        assert_int_equal(a.usedlag, b.usedlag);
        if (!(rel(a.hedge_ratio, b.hedge_ratio) <= 1e-9 && rel(a.stat, b.stat) <= 1e-8))
            print_message("t %zu: hedge %.17g / %.17g, stat %.17g / %.17g\n", t, a.hedge_ratio, b.hedge_ratio, a.stat,
                          b.stat);
        assert_true(rel(a.hedge_ratio, b.hedge_ratio) <= 1e-9 && rel(a.stat, b.stat) <= 1e-8);
        ok++;
    }
    assert_int_equal(constant, 60 - n + 1);     /* windows ending at t = 39..59 */
    assert_int_equal(nonfinite, n);             /* windows holding t = 130     */
    assert_true(collinear >= 20);               /* windows inside 60..119      */
    assert_true(ok >= 20);                      /* after the NaN has left      */
    pr_stats_coint_roll_free(&r);
}

static void test_bad_args(void **st) {
    (void)st;
    pr_coint_roll r;
    pr_err e;
    pr_coint_opts o;
    pr_coint_opts_default(&o);
    o.trend = PR_ADF_CT;
    assert_int_equal(pr_stats_coint_roll_init(&r, 100, &o, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "trend"));
    assert_int_equal(pr_stats_coint_roll_init(&r, 5, NULL, &e), PR_EINVAL);
    pr_coint_opts_default(&o);
    o.maxlag = 60;
    assert_int_equal(pr_stats_coint_roll_init(&r, 100, &o, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "maxlag"));
    pr_stats_coint_roll_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_btc),     cmocka_unit_test(test_ko_pep),  cmocka_unit_test(test_large_levels),
        cmocka_unit_test(test_autolag_rules),
        cmocka_unit_test(test_degenerate),  cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
