/* Checks the statistics (ADF, Engle-Granger, OLS, correlation, beta,
 * half-life, Hurst, rolling moments, MacKinnon tables) against values that
 * statsmodels / scipy / numpy computed on the repository's real sample data
 * (tests/ta/stats_reference.py). By default it reads the committed
 * tests/ta/stats_expected.json; stats_reference.sh regenerates the reference
 * with the installed statsmodels and points PR_STATS_REFERENCE at it. The
 * input series are rebuilt here from the CSV files named in the JSON. */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "pr_test.h"
#include "proratio/ta.h"

/* ---- tolerances (relative unless noted; a = absolute floor) ----
 * ADF / Engle-Granger statistics, their p-values and lag-search criteria get
 * a per-case tolerance derived from the conditioning of the regression
 * (eps_ours + eps_sm, see "Error model" below and README "Statistics"); the
 * Engle-Granger coefficients likewise (at least TOL_OLS). The fixed ones:
 *  TOL_P, TOL_PEVAL  the MacKinnon surface is the same polynomial as
 *       statsmodels', evaluated in another order, then the normal cdf: a few
 *       ulps, times the cdf's relative condition (< 1e3 on the grid) -> 1e-12
 *       (observed 7e-15);
 *  TOL_CRIT  critical values: the same polynomial in 1/nobs, three terms, no
 *       amplification -> 1e-13 (observed 8e-16);
 *  TOL_OLS   the three OLS designs have rho <= 3.0e4 and kappa_s <= 8.9
 *       (ETH on BTC with a trend, m = 17519), so eps_ours + eps_sm <= 3e-11
 *       for a t statistic; a coefficient, standard error or p-value carries
 *       that times up to |t| or 1/|t| (|t| within 1e-2..1e2 where p > 1e-15)
 *       -> 1e-9 (observed 7e-14; residuals relative to their own scale;
 *       the half-life regressions [1, s] have rho < 1e2, observed 1e-13);
 *  TOL_CORR  Pearson/Spearman/beta are sums of products of centred data, no
 *       solve: error ~ n u times the ratio level/spread (< 1e2) -> 1e-12
 *       (observed 4e-14); their p-values get 1e-9 as the t cdf's relative
 *       condition reaches 1e3 for |r| near 1;
 *  TOL_HURST a least-squares slope through <= 30 log-log points whose
 *       inputs are sums over windows: 1e-10 (observed 2e-15);
 *  TOL_ROLL  a window's mean/std against numpy, relative to the window's
 *       level: Welford with periodic exact recomputation, error ~ period * u
 *       -> 1e-10 (observed 2e-15). */
#define U_ROUND (DBL_EPSILON / 2) /* unit roundoff                      */
#define SAFETY 8.0         /* margin on the first-order error estimates    */
#define TOL_PEVAL 1e-12    /* MacKinnon p-value from a given statistic     */
#define TOL_P TOL_PEVAL    /* MacKinnon p-values on a grid (+1e-15 abs.)   */
#define TOL_CRIT 1e-13     /* critical values (same polynomial, same order) */
#define TOL_OLS 1e-9       /* OLS params, bse, t, R^2, llf ...             */
#define TOL_CORR 1e-12     /* correlation and beta                         */
#define TOL_HURST 1e-10
#define TOL_ROLL 1e-10     /* relative to the window's mean level          */

/* ---------------------------------------------------------------------- */
/* CSV loading and series construction (mirrors stats_reference.py)        */
/* ---------------------------------------------------------------------- */
typedef struct {
    char name[16];
    size_t n;
    char **ts;
    double *v;
} raw_series;

typedef struct {
    size_t n;
    double *v;
} vec;

static json_t *g_ref;
static raw_series g_raw[8];
static size_t g_nraw;

static void vec_free(vec *a) {
    free(a->v);
    a->v = NULL;
    a->n = 0;
}

static int split_line(char *line, char **fields, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    for (int i = 0; i < n; i++) {
        size_t l = strlen(fields[i]);
        while (l && (fields[i][l - 1] == '\r' || fields[i][l - 1] == '\n' || fields[i][l - 1] == ' ')) fields[i][--l] = 0;
    }
    return n;
}

static void load_raw(const char *name, const char *rel, const char *column) {
    char path[1024];
    pr_test_path(rel, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    raw_series *r = &g_raw[g_nraw++];
    snprintf(r->name, sizeof r->name, "%s", name);
    char line[4096];
    char *fields[32];
    if (!fgets(line, sizeof line, f)) fail_msg("%s: empty", path);
    int nf = split_line(line, fields, 32), col = -1;
    for (int i = 0; i < nf; i++)
        if (strcmp(fields[i], column) == 0) col = i;
    if (col < 0) fail_msg("%s: no column %s", path, column);
    size_t cap = 1024;
    r->ts = malloc(sizeof(char *) * cap);
    r->v = malloc(sizeof(double) * cap);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '\r' || line[0] == 0) continue;
        nf = split_line(line, fields, 32);
        if (nf <= col) fail_msg("%s: short row %zu", path, r->n + 2);
        if (r->n == cap) {
            cap *= 2;
            r->ts = realloc(r->ts, sizeof(char *) * cap);
            r->v = realloc(r->v, sizeof(double) * cap);
        }
        r->ts[r->n] = strdup(fields[0]);
        char *end;
        r->v[r->n] = strtod(fields[col], &end);
        if (*end) fail_msg("%s: bad number '%s'", path, fields[col]);
        r->n++;
    }
    fclose(f);
}

static raw_series *raw_get(const char *name) {
    for (size_t i = 0; i < g_nraw; i++)
        if (strcmp(g_raw[i].name, name) == 0) return &g_raw[i];
    fail_msg("unknown series %s", name);
    return NULL;
}

/* Inner join on timestamp text, in a's order (b's rows found by binary
 * search over its timestamps sorted as text). */
static const raw_series *g_sort_src;

static int cmp_ts_index(const void *p, const void *q) {
    return strcmp(g_sort_src->ts[*(const size_t *)p], g_sort_src->ts[*(const size_t *)q]);
}

static void join(const char *a, const char *b, vec *va, vec *vb) {
    raw_series *ra = raw_get(a), *rb = raw_get(b);
    size_t *order = malloc(sizeof(size_t) * rb->n);
    for (size_t k = 0; k < rb->n; k++) order[k] = k;
    g_sort_src = rb;
    qsort(order, rb->n, sizeof *order, cmp_ts_index);
    va->v = malloc(sizeof(double) * ra->n);
    vb->v = malloc(sizeof(double) * ra->n);
    va->n = vb->n = 0;
    for (size_t i = 0; i < ra->n; i++) {
        size_t lo = 0, hi = rb->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(rb->ts[order[mid]], ra->ts[i]) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == rb->n || strcmp(rb->ts[order[lo]], ra->ts[i]) != 0) continue;
        va->v[va->n++] = ra->v[i];
        vb->v[vb->n++] = rb->v[order[lo]];
    }
    free(order);
}

static double jnum(const json_t *j) {
    if (json_is_number(j)) return json_number_value(j);
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (strcmp(s, "nan") == 0) return NAN;
        if (strcmp(s, "inf") == 0) return INFINITY;
        if (strcmp(s, "-inf") == 0) return -INFINITY;
    }
    fail_msg("expected a number in the reference file");
    return NAN;
}

static const char *jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    if (!s) fail_msg("reference: missing string %s", k);
    return s;
}

static vec build(const json_t *spec) {
    vec out = {0};
    const char *t = jstr(spec, "transform");
    if (strcmp(t, "spread") == 0) {
        vec y, x;
        join(jstr(spec, "y"), jstr(spec, "x"), &y, &x);
        double b = jnum(json_object_get(spec, "b")), a = jnum(json_object_get(spec, "a"));
        for (size_t i = 0; i < y.n; i++) y.v[i] = y.v[i] - b * x.v[i] - a;
        vec_free(&x);
        return y;
    }
    const char *base = jstr(spec, "base");
    const json_t *with = json_object_get(spec, "with");
    vec lv;
    if (with) {
        vec other;
        join(base, json_string_value(with), &lv, &other);
        vec_free(&other);
    } else {
        raw_series *r = raw_get(base);
        lv.n = r->n;
        lv.v = malloc(sizeof(double) * r->n);
        memcpy(lv.v, r->v, sizeof(double) * r->n);
    }
    if (strcmp(t, "level") == 0) return lv;
    if (strcmp(t, "log") == 0) {
        for (size_t i = 0; i < lv.n; i++) lv.v[i] = log(lv.v[i]);
        return lv;
    }
    out.n = lv.n - 1;
    out.v = malloc(sizeof(double) * out.n);
    for (size_t i = 1; i < lv.n; i++)
        out.v[i - 1] = strcmp(t, "ret") == 0 ? lv.v[i] / lv.v[i - 1] - 1.0 : log(lv.v[i] / lv.v[i - 1]);
    vec_free(&lv);
    return out;
}

/* ---------------------------------------------------------------------- */
/* Comparison bookkeeping                                                  */
/* ---------------------------------------------------------------------- */
typedef struct {
    const char *name;
    double max_abs, max_rel;
    long count, bad;
} tally;

static int close_enough(double got, double want, double rtol, double atol) {
    if (isnan(want)) return isnan(got);
    if (isinf(want)) return got == want;
    return fabs(got - want) <= atol + rtol * fabs(want);
}

static void check(tally *t, const char *what, double got, double want, double rtol, double atol) {
    t->count++;
    if (getenv("PR_STATS_VERBOSE") && isfinite(want) && want != 0.0)
        fprintf(stderr, "  %s %s rel %.3g\n", t->name, what, fabs(got - want) / fabs(want));
    if (isfinite(want) && isfinite(got)) {
        double d = fabs(got - want);
        if (d > t->max_abs) t->max_abs = d;
        if (want != 0.0 && d / fabs(want) > t->max_rel) t->max_rel = d / fabs(want);
    }
    if (!close_enough(got, want, rtol, atol)) {
        t->bad++;
        fprintf(stderr, "MISMATCH %s %s: got %.17g want %.17g (diff %.3g)\n", t->name, what, got, want,
                fabs(got - want));
    }
}

/* For values near zero whose error scales with something else (a window's
 * price level, the residuals' standard deviation): |got - want| <= tol *
 * scale, and the relative error is reported against that scale. */
static void check_scaled(tally *t, const char *what, double got, double want, double scale, double tol) {
    t->count++;
    double d = fabs(got - want);
    if (isfinite(d)) {
        if (d > t->max_abs) t->max_abs = d;
        if (d / scale > t->max_rel) t->max_rel = d / scale;
    }
    if (!(d <= tol * scale) && !(isnan(got) && isnan(want))) {
        t->bad++;
        fprintf(stderr, "MISMATCH %s %s: got %.17g want %.17g (diff %.3g, scale %.3g)\n", t->name, what, got, want, d,
                scale);
    }
}

static void check_int(tally *t, const char *what, long got, long want) {
    t->count++;
    if (got != want) {
        t->bad++;
        fprintf(stderr, "MISMATCH %s %s: got %ld want %ld\n", t->name, what, got, want);
    }
}

static void report(const tally *t) {
    printf("  %-12s %6ld values  max |diff| %.3g  max rel %.3g  mismatches %ld\n", t->name, t->count, t->max_abs,
           t->max_rel, t->bad);
    assert_int_equal(t->bad, 0);
    assert_true(t->count > 0);
}

static const json_t *section(const char *k) {
    const json_t *a = json_object_get(g_ref, k);
    if (!json_is_array(a) || json_array_size(a) == 0) fail_msg("reference: no %s cases", k);
    return a;
}

/* ---------------------------------------------------------------------- */
/* Error model of the ADF / Engle-Granger statistics                       */
/* ---------------------------------------------------------------------- */
/* A t statistic of least squares computed by a backward-stable method is
 * the exact statistic of a perturbed design. Two perturbations matter:
 *  - ours (stats_qr.c: Householder QR on power-of-two-scaled columns):
 *    column-wise backward error ~ sqrt(m) u, amplified by the condition
 *    number kappa_s of the column-scaled design:  eps_ours = 8 sqrt(m) u kappa_s;
 *  - statsmodels (pinv = SVD of the raw columns): norm-wise backward error
 *    u ||X||, i.e. a relative perturbation of u * rho on the smallest column,
 *    rho = max/min column norm (1e7 and more for 1, t, t^2):
 *    eps_sm = 8 u (rho + sqrt(m) kappa_s).
 * The factor 8 is the margin on these first-order estimates. stats_exact.py
 * checks them against the exact values of the two worst cases. */
typedef struct {
    double rho, kappa_s;
    size_t m;
} cond_info;

/* rho and kappa_s of a column-major m x k design (a is scaled in place). */
static void design_cond(double *a, size_t m, size_t k, cond_info *ci) {
    double lo = INFINITY, hi = 0.0;
    for (size_t j = 0; j < k; j++) {
        double ss = 0.0;
        for (size_t i = 0; i < m; i++) ss += a[i + j * m] * a[i + j * m];
        double nrm = sqrt(ss);
        lo = fmin(lo, nrm);
        hi = fmax(hi, nrm);
        for (size_t i = 0; i < m; i++) a[i + j * m] /= nrm;
    }
    double *sv = malloc(sizeof(double) * 2 * k);
    lapack_int info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'N', 'N', (lapack_int)m, (lapack_int)k, a, (lapack_int)m, sv,
                                     NULL, 1, NULL, 1, sv + k);
    if (info != 0) fail_msg("dgesvd info %d", (int)info);
    ci->rho = hi / lo;
    ci->kappa_s = sv[0] / sv[k - 1];
    ci->m = m;
    free(sv);
}

/* statsmodels' final ADF design: level, `lags` differences, nt trend terms
 * (1, t, t^2 with t = 1..m) on rows lags..n-2. */
static void adf_cond(const double *x, size_t n, int lags, int nt, cond_info *ci) {
    size_t m = n - 1 - (size_t)lags, k = (size_t)lags + 1 + (size_t)nt;
    double *a = malloc(sizeof(double) * m * k);
    for (size_t r = 0; r < m; r++) {
        size_t t = (size_t)lags + r;
        a[r] = x[t];
        for (int l = 1; l <= lags; l++) a[r + (size_t)l * m] = x[t - (size_t)l + 1] - x[t - (size_t)l];
        double tt = (double)(r + 1);
        for (int c = 0; c < nt; c++) a[r + ((size_t)lags + 1 + (size_t)c) * m] = c == 0 ? 1.0 : c == 1 ? tt : tt * tt;
    }
    design_cond(a, m, k, ci);
    free(a);
}

static double eps_ours(const cond_info *ci) { return SAFETY * sqrt((double)ci->m) * U_ROUND * ci->kappa_s; }
static double eps_sm(const cond_info *ci) { return SAFETY * U_ROUND * (ci->rho + sqrt((double)ci->m) * ci->kappa_s); }

/* Engle-Granger: step 1 [x, trend] on n rows, step 2 the ADF design (no
 * trend) on the step-1 residuals; the errors of the two steps add up. */
static void coint_cond(const double *y, const double *x, size_t n, int nt, int lags, cond_info *c1, cond_info *c2) {
    size_t k = 1 + (size_t)nt;
    double *a = malloc(sizeof(double) * n * k), *rm = malloc(sizeof(double) * n * k), *res = malloc(sizeof(double) * n);
    double params[4];
    for (size_t i = 0; i < n; i++) {
        double tt = (double)(i + 1);
        rm[i * k] = a[i] = x[i];
        for (int c = 0; c < nt; c++) rm[i * k + 1 + (size_t)c] = a[i + (size_t)(c + 1) * n] = c == 0 ? 1.0 : c == 1 ? tt : tt * tt;
    }
    pr_ols_result o = {0};
    o.params = params;
    o.resid = res;
    if (pr_stats_ols(n, k, rm, y, &o, NULL)) fail_msg("coint_cond: step-1 OLS failed");
    design_cond(a, n, k, c1);
    adf_cond(res, n, lags, 0, c2);
    free(a);
    free(rm);
    free(res);
}

/* Half the change of the MacKinnon p-value over stat * (1 +- rel): what a
 * relative error rel of the statistic does to the p-value. */
static double p_spread(double stat, pr_adf_regression reg, int N, double rel) {
    double lo, hi;
    if (pr_stats_mackinnonp(stat * (1 + rel), reg, N, &lo, NULL) || pr_stats_mackinnonp(stat * (1 - rel), reg, N, &hi, NULL))
        fail_msg("mackinnonp failed");
    return fabs(hi - lo) / 2;
}

/* statistic, p-value and lag-search criterion against statsmodels, within
 * eps (relative error of the statistic) propagated to each. */
static void check_stat_p(tally *t, const char *what, double stat, double p, double want_stat, double want_p,
                         pr_adf_regression reg, int N, double eps) {
    check(t, what, stat, want_stat, eps, 0);
    check(t, what, p, want_p, TOL_PEVAL, 1e-15 + p_spread(want_stat, reg, N, eps));
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                   */
/* ---------------------------------------------------------------------- */
static void test_adf(void **st) {
    (void)st;
    tally t = {"adf", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("adf"), i, c) {
        vec x = build(json_object_get(c, "series"));
        pr_adf_opts o;
        pr_adf_opts_default(&o);
        assert_int_equal(pr_adf_regression_parse(jstr(c, "regression"), &o.regression), 0);
        assert_int_equal(pr_adf_autolag_parse(jstr(c, "autolag"), &o.autolag), 0);
        o.maxlag = (int)json_integer_value(json_object_get(c, "maxlag"));
        pr_adf_result r;
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_stats_adf(x.n, x.v, &o, &r, &e);
        if (rc) fail_msg("adf case %zu: %s", i, e.msg);
        char what[64];
        snprintf(what, sizeof what, "case %zu", i);
        check_int(&t, what, r.usedlag, (long)json_integer_value(json_object_get(c, "usedlag")));
        check_int(&t, what, (long)r.nobs, (long)json_integer_value(json_object_get(c, "nobs")));
        cond_info ci;
        adf_cond(x.v, x.n, r.usedlag, (int)o.regression, &ci);
        double eps = eps_ours(&ci) + eps_sm(&ci);
        check_stat_p(&t, what, r.stat, r.pvalue, jnum(json_object_get(c, "stat")), jnum(json_object_get(c, "pvalue")),
                     o.regression, 1, eps);
        for (int k = 0; k < 3; k++)
            check(&t, what, r.crit[k], jnum(json_array_get(json_object_get(c, "crit"), (size_t)k)), TOL_CRIT, 0);
        /* |t| (t-stat rule) has the statistic's error; AIC/BIC = m log(SSR) + ..
         * moves by m * (relative error of SSR), which is at most 2 eps */
        double icw = jnum(json_object_get(c, "icbest"));
        check(&t, what, r.icbest, icw, o.autolag == PR_ADF_TSTAT ? eps : 0, o.autolag == PR_ADF_TSTAT ? 0 : 2 * eps * (double)ci.m);
        vec_free(&x);
    }
    report(&t);
}

static void test_coint(void **st) {
    (void)st;
    tally t = {"coint", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("coint"), i, c) {
        vec y, x;
        join(jstr(c, "y"), jstr(c, "x"), &y, &x);
        check_int(&t, "n", (long)y.n, (long)json_integer_value(json_object_get(c, "n")));
        pr_coint_opts o;
        pr_coint_opts_default(&o);
        assert_int_equal(pr_adf_regression_parse(jstr(c, "trend"), &o.trend), 0);
        assert_int_equal(pr_adf_autolag_parse(jstr(c, "autolag"), &o.autolag), 0);
        o.maxlag = (int)json_integer_value(json_object_get(c, "maxlag"));
        pr_coint_result r;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_coint(y.n, y.v, x.v, &o, &r, &e)) fail_msg("coint case %zu: %s", i, e.msg);
        char what[64];
        snprintf(what, sizeof what, "case %zu", i);
        check_int(&t, what, r.usedlag, (long)json_integer_value(json_object_get(c, "usedlag")));
        check_int(&t, what, (long)r.adf_nobs, (long)json_integer_value(json_object_get(c, "adf_nobs")));
        cond_info c1, c2;
        coint_cond(y.v, x.v, y.n, (int)o.trend, r.usedlag, &c1, &c2);
        double eps = eps_ours(&c1) + eps_sm(&c1) + eps_ours(&c2) + eps_sm(&c2);
        check_stat_p(&t, what, r.stat, r.pvalue, jnum(json_object_get(c, "stat")), jnum(json_object_get(c, "pvalue")),
                     o.trend, 2, eps);
        for (int k = 0; k < 3; k++)
            check(&t, what, r.crit[k], jnum(json_array_get(json_object_get(c, "crit"), (size_t)k)), TOL_CRIT, 0);
        /* step-1 coefficients: statsmodels' error on the raw columns (5.8e-9 on
         * the hedge ratio of case 7, checked against the exact value) */
        double tol1 = fmax(TOL_OLS, eps_ours(&c1) + eps_sm(&c1));
        check(&t, what, r.hedge_ratio, jnum(json_object_get(c, "hedge_ratio")), tol1, 0);
        check(&t, what, r.intercept, jnum(json_object_get(c, "intercept")), tol1, 0);
        check(&t, what, r.trend_coef, jnum(json_object_get(c, "trend_coef")), tol1, 0);
        check(&t, what, r.rsquared, jnum(json_object_get(c, "rsquared")), tol1, 0);
        vec_free(&y);
        vec_free(&x);
    }
    report(&t);
}

static void test_ols(void **st) {
    (void)st;
    tally t = {"ols", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("ols"), i, c) {
        vec y = build(json_object_get(c, "y"));
        const json_t *cols = json_object_get(c, "columns");
        size_t k = json_array_size(cols);
        double *x = malloc(sizeof(double) * y.n * k);
        for (size_t j = 0; j < k; j++) {
            const json_t *cs = json_array_get(cols, j);
            const char *kind = json_string_value(json_array_get(cs, 0));
            vec col = {0};
            if (strcmp(kind, "series") == 0) {
                col = build(json_array_get(cs, 1));
                assert_int_equal(col.n, y.n);
            }
            for (size_t r = 0; r < y.n; r++)
                x[r * k + j] = strcmp(kind, "const") == 0 ? 1.0 : strcmp(kind, "trend") == 0 ? (double)(r + 1) : col.v[r];
            vec_free(&col);
        }
        double *params = malloc(sizeof(double) * k * 4), *resid = malloc(sizeof(double) * y.n);
        pr_ols_result r = {0};
        r.params = params;
        r.bse = params + k;
        r.tvalues = params + 2 * k;
        r.pvalues = params + 3 * k;
        r.resid = resid;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_ols(y.n, k, x, y.v, &r, &e)) fail_msg("ols case %zu: %s", i, e.msg);
        const char *nm = jstr(c, "name");
        static const char *const arrays[] = {"params", "bse", "tvalues", "pvalues"};
        for (int a = 0; a < 4; a++)
            for (size_t j = 0; j < k; j++)
                check(&t, nm, params[(size_t)a * k + j], jnum(json_array_get(json_object_get(c, arrays[a]), j)),
                      TOL_OLS, a == 3 ? 1e-15 : 0);
        static const char *const scal[] = {"rsquared", "rsquared_adj", "ssr", "llf", "aic", "bic", "df_resid"};
        double got[] = {r.rsquared, r.rsquared_adj, r.ssr, r.llf, r.aic, r.bic, r.df_resid};
        for (int a = 0; a < 7; a++) check(&t, scal[a], got[a], jnum(json_object_get(c, scal[a])), TOL_OLS, 0);
        check_int(&t, "nobs", (long)r.nobs, (long)json_integer_value(json_object_get(c, "nobs")));
        /* residuals: relative to the residuals' scale (sqrt(sigma2)) */
        const json_t *ri = json_object_get(c, "resid_index"), *rv = json_object_get(c, "resid");
        double scale = sqrt(r.sigma2);
        for (size_t j = 0; j < json_array_size(ri); j++) {
            size_t at = (size_t)json_integer_value(json_array_get(ri, j));
            check_scaled(&t, "resid", resid[at], jnum(json_array_get(rv, j)), scale, TOL_OLS);
        }
        free(params);
        free(resid);
        free(x);
        vec_free(&y);
    }
    report(&t);
}

static void test_corr_beta(void **st) {
    (void)st;
    tally t = {"corr/beta", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("corr"), i, c) {
        vec x = build(json_object_get(c, "x")), y = build(json_object_get(c, "y"));
        assert_int_equal(x.n, y.n);
        pr_corr_result p, s;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_pearson(x.n, x.v, y.v, &p, &e)) fail_msg("pearson %zu: %s", i, e.msg);
        if (pr_stats_spearman(x.n, x.v, y.v, &s, &e)) fail_msg("spearman %zu: %s", i, e.msg);
        check(&t, "pearson", p.r, jnum(json_object_get(c, "pearson")), TOL_CORR, 0);
        check(&t, "spearman", s.r, jnum(json_object_get(c, "spearman")), TOL_CORR, 0);
        check(&t, "pearson_p", p.pvalue, jnum(json_object_get(c, "pearson_p")), 1e-9, 1e-300);
        check(&t, "spearman_p", s.pvalue, jnum(json_object_get(c, "spearman_p")), 1e-9, 1e-300);
        vec_free(&x);
        vec_free(&y);
    }
    json_array_foreach(section("beta"), i, c) {
        /* levels of both series on the shared dates; the library transforms */
        json_t *ys = json_deep_copy(json_object_get(c, "y")), *xs = json_deep_copy(json_object_get(c, "x"));
        json_object_set_new(ys, "transform", json_string("level"));
        json_object_set_new(xs, "transform", json_string("level"));
        vec y = build(ys), x = build(xs);
        json_decref(ys);
        json_decref(xs);
        pr_beta_input on;
        assert_int_equal(pr_stats_beta_input_parse(jstr(c, "on"), &on), 0);
        pr_beta_result b;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_beta(y.n, y.v, x.v, on, &b, &e)) fail_msg("beta %zu: %s", i, e.msg);
        check_int(&t, "beta n", (long)b.n, (long)json_integer_value(json_object_get(c, "n")));
        check(&t, "beta", b.beta, jnum(json_object_get(c, "beta")), TOL_CORR, 0);
        /* alpha = mean(y) - beta mean(x) cancels: beta's error times mean(x)/|alpha| (< 1e2) */
        check(&t, "alpha", b.alpha, jnum(json_object_get(c, "alpha")), 1e-10, 1e-15);
        check(&t, "r", b.r, jnum(json_object_get(c, "r")), TOL_CORR, 0);
        vec_free(&x);
        vec_free(&y);
    }
    report(&t);
}

static void test_halflife(void **st) {
    (void)st;
    tally t = {"halflife", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("halflife"), i, c) {
        vec s = build(json_object_get(c, "series"));
        pr_halflife_result r;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_halflife(s.n, s.v, &r, &e)) fail_msg("halflife %zu: %s", i, e.msg);
        check_int(&t, "nobs", (long)r.nobs, (long)json_integer_value(json_object_get(c, "nobs")));
        check(&t, "halflife", r.halflife, jnum(json_object_get(c, "halflife")), TOL_OLS, 0);
        check(&t, "lambda", r.lambda, jnum(json_object_get(c, "lambda")), TOL_OLS, 0);
        check(&t, "intercept", r.intercept, jnum(json_object_get(c, "intercept")), TOL_OLS, 0);
        check(&t, "lambda_se", r.lambda_se, jnum(json_object_get(c, "lambda_se")), TOL_OLS, 0);
        check(&t, "lambda_t", r.lambda_t, jnum(json_object_get(c, "lambda_t")), TOL_OLS, 0);
        /* p of a t with |t| up to ~1e1: the t tail's relative condition ~t^2 times TOL_OLS */
        check(&t, "lambda_p", r.lambda_p, jnum(json_object_get(c, "lambda_p")), 1e-8, 1e-15);
        check_int(&t, "mean_reverting", r.mean_reverting, isfinite(jnum(json_object_get(c, "halflife"))));
        vec_free(&s);
    }
    report(&t);
}

static void test_hurst(void **st) {
    (void)st;
    tally t = {"hurst", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("hurst"), i, c) {
        vec s = build(json_object_get(c, "series"));
        pr_hurst_opts o;
        pr_hurst_opts_default(&o);
        assert_int_equal(pr_hurst_method_parse(jstr(c, "method"), &o.method), 0);
        pr_hurst_result r;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_hurst(s.n, s.v, &o, &r, &e)) fail_msg("hurst %zu: %s", i, e.msg);
        check_int(&t, "npoints", r.npoints, (long)json_integer_value(json_object_get(c, "npoints")));
        check(&t, jstr(c, "method"), r.h, jnum(json_object_get(c, "h")), TOL_HURST, 0);
        vec_free(&s);
    }
    report(&t);
}

static void test_rolling(void **st) {
    (void)st;
    tally t = {"rolling", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("rolling"), i, c) {
        vec x = build(json_object_get(c, "series"));
        int period = (int)json_integer_value(json_object_get(c, "period"));
        int ddof = (int)json_integer_value(json_object_get(c, "ddof"));
        double *m = malloc(sizeof(double) * x.n * 3), *sd = m + x.n, *z = sd + x.n;
        assert_int_equal(pr_ta_rolling(x.n, x.v, period, ddof, m, sd, z), 0);
        const json_t *idx = json_object_get(c, "index");
        for (size_t j = 0; j < json_array_size(idx); j++) {
            size_t at = (size_t)json_integer_value(json_array_get(idx, j));
            double wm = jnum(json_array_get(json_object_get(c, "mean"), j));
            double ws = jnum(json_array_get(json_object_get(c, "std"), j));
            double wz = jnum(json_array_get(json_object_get(c, "z"), j));
            /* errors scale with the magnitude of the window's values */
            double lvl = 0.0;
            for (size_t w = at + 1 - (size_t)period; w <= at; w++) lvl = fmax(lvl, fabs(x.v[w]));
            check_scaled(&t, "mean", m[at], wm, lvl, TOL_ROLL);
            check_scaled(&t, "std", sd[at], ws, lvl, TOL_ROLL);
            /* z = (x - mean)/std: its error is the level's, divided by std */
            if (ws > 0)
                check_scaled(&t, "z", z[at], wz, lvl / ws * (1.0 + fabs(wz)), TOL_ROLL);
            else
                check(&t, "z", z[at], wz, 0, 0);
        }
        for (int k = 0; k < period - 1 && (size_t)k < x.n; k++) assert_true(isnan(m[k]) && isnan(sd[k]));
        free(m);
        vec_free(&x);
    }
    report(&t);
}

static void test_mackinnon(void **st) {
    (void)st;
    tally t = {"mackinnon", 0, 0, 0, 0};
    size_t i;
    const json_t *c;
    json_array_foreach(section("mackinnonp"), i, c) {
        pr_adf_regression reg;
        assert_int_equal(pr_adf_regression_parse(json_string_value(json_array_get(c, 0)), &reg), 0);
        int N = (int)json_integer_value(json_array_get(c, 1));
        double p;
        assert_int_equal(pr_stats_mackinnonp(jnum(json_array_get(c, 2)), reg, N, &p, NULL), 0);
        check(&t, "p", p, jnum(json_array_get(c, 3)), TOL_P, 1e-15);
    }
    json_array_foreach(section("mackinnoncrit"), i, c) {
        pr_adf_regression reg;
        assert_int_equal(pr_adf_regression_parse(json_string_value(json_array_get(c, 0)), &reg), 0);
        int N = (int)json_integer_value(json_array_get(c, 1));
        const json_t *nj = json_array_get(c, 2);
        double nobs = json_is_string(nj) ? 0.0 : jnum(nj);
        double crit[3];
        assert_int_equal(pr_stats_mackinnoncrit(N, reg, nobs, crit, NULL), 0);
        for (int k = 0; k < 3; k++) check(&t, "crit", crit[k], jnum(json_array_get(json_array_get(c, 3), (size_t)k)), TOL_CRIT, 0);
    }
    report(&t);
}

/* The two worst-conditioned cases against their exact values
 * (tests/ta/stats_exact.py, rational arithmetic): our result must be within
 * eps_ours of the truth and statsmodels' stored value within eps_sm. Before
 * the QR on scaled columns our coint[7] statistic was ~1e-9 off, like
 * statsmodels', and changed with the BLAS kernel and thread count. */
static double jdec(const json_t *o, const char *k) {
    const char *s = jstr(o, k);
    char *end;
    double v = strtod(s, &end);
    if (*end) fail_msg("stats_exact.json: bad number %s", s);
    return v;
}

static void near_exact(tally *t, const char *what, double got, double exact, double eps) {
    double rel = fabs(got - exact) / fabs(exact);
    printf("    %-28s %.17g  rel. error %.2g (allowed %.2g)\n", what, got, rel, eps);
    check(t, what, got, exact, eps, 0);
}

static void test_exact(void **st) {
    (void)st;
    tally t = {"exact", 0, 0, 0, 0};
    char path[1024];
    pr_test_path("tests/ta/stats_exact.json", path, sizeof path);
    json_error_t je;
    json_t *ex = json_load_file(path, 0, &je);
    if (!ex) fail_msg("cannot read %s: %s", path, je.text);
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(ex, "coint"), i, e) {
        size_t idx = (size_t)json_integer_value(json_object_get(e, "index"));
        const json_t *c = json_array_get(section("coint"), idx);
        vec y, x;
        join(jstr(c, "y"), jstr(c, "x"), &y, &x);
        pr_coint_opts o;
        pr_coint_opts_default(&o);
        assert_int_equal(pr_adf_regression_parse(jstr(c, "trend"), &o.trend), 0);
        assert_int_equal(pr_adf_autolag_parse(jstr(c, "autolag"), &o.autolag), 0);
        o.maxlag = (int)json_integer_value(json_object_get(c, "maxlag"));
        pr_coint_result r;
        if (pr_stats_coint(y.n, y.v, x.v, &o, &r, NULL)) fail_msg("coint %zu failed", idx);
        check_int(&t, "usedlag", r.usedlag, (long)json_integer_value(json_object_get(e, "usedlag")));
        cond_info c1, c2;
        coint_cond(y.v, x.v, y.n, (int)o.trend, r.usedlag, &c1, &c2);
        /* our kappa_s agrees with numpy's on the same designs */
        check(&t, "kappa step 1", c1.kappa_s, jnum(json_object_get(e, "cond_step1_colscaled")), 1e-3, 0);
        check(&t, "kappa step 2", c2.kappa_s, jnum(json_object_get(e, "cond_adf_colscaled")), 1e-3, 0);
        double eo = eps_ours(&c1) + eps_ours(&c2), es = eps_sm(&c1) + eps_sm(&c2);
        double st_ex = jdec(e, "stat"), p_ex;
        assert_int_equal(pr_stats_mackinnonp(st_ex, o.trend, 2, &p_ex, NULL), 0);
        printf("  coint[%zu] exact statistic %.17g, p %.17g\n", idx, st_ex, p_ex);
        near_exact(&t, "ours: statistic", r.stat, st_ex, eo);
        near_exact(&t, "statsmodels: statistic", jnum(json_object_get(c, "stat")), st_ex, es);
        near_exact(&t, "ours: p-value", r.pvalue, p_ex, TOL_PEVAL + p_spread(st_ex, o.trend, 2, eo) / p_ex);
        near_exact(&t, "statsmodels: p-value", jnum(json_object_get(c, "pvalue")), p_ex,
                   TOL_PEVAL + p_spread(st_ex, o.trend, 2, es) / p_ex);
        near_exact(&t, "ours: hedge ratio", r.hedge_ratio, jdec(e, "hedge_ratio"), eo);
        near_exact(&t, "statsmodels: hedge ratio", jnum(json_object_get(c, "hedge_ratio")), jdec(e, "hedge_ratio"), es);
        vec_free(&y);
        vec_free(&x);
    }
    json_array_foreach(json_object_get(ex, "adf"), i, e) {
        size_t idx = (size_t)json_integer_value(json_object_get(e, "index"));
        const json_t *c = json_array_get(section("adf"), idx);
        vec x = build(json_object_get(c, "series"));
        pr_adf_opts o;
        pr_adf_opts_default(&o);
        assert_int_equal(pr_adf_regression_parse(jstr(c, "regression"), &o.regression), 0);
        assert_int_equal(pr_adf_autolag_parse(jstr(c, "autolag"), &o.autolag), 0);
        o.maxlag = (int)json_integer_value(json_object_get(c, "maxlag"));
        pr_adf_result r;
        if (pr_stats_adf(x.n, x.v, &o, &r, NULL)) fail_msg("adf %zu failed", idx);
        check_int(&t, "usedlag", r.usedlag, (long)json_integer_value(json_object_get(e, "usedlag")));
        cond_info ci;
        adf_cond(x.v, x.n, r.usedlag, (int)o.regression, &ci);
        check(&t, "kappa", ci.kappa_s, jnum(json_object_get(e, "cond_colscaled")), 1e-3, 0);
        double eo = eps_ours(&ci), es = eps_sm(&ci);
        double st_ex = jdec(e, "stat"), p_ex;
        assert_int_equal(pr_stats_mackinnonp(st_ex, o.regression, 1, &p_ex, NULL), 0);
        printf("  adf[%zu] exact statistic %.17g, p %.17g\n", idx, st_ex, p_ex);
        near_exact(&t, "ours: statistic", r.stat, st_ex, eo);
        near_exact(&t, "statsmodels: statistic", jnum(json_object_get(c, "stat")), st_ex, es);
        near_exact(&t, "ours: p-value", r.pvalue, p_ex, TOL_PEVAL + p_spread(st_ex, o.regression, 1, eo) / p_ex);
        near_exact(&t, "statsmodels: p-value", jnum(json_object_get(c, "pvalue")), p_ex,
                   TOL_PEVAL + p_spread(st_ex, o.regression, 1, es) / p_ex);
        near_exact(&t, "ours: icbest |t|", r.icbest, jdec(e, "icbest"), eo);
        near_exact(&t, "statsmodels: icbest |t|", jnum(json_object_get(c, "icbest")), jdec(e, "icbest"), es);
        vec_free(&x);
    }
    json_decref(ex);
    report(&t);
}

static int setup(void **st) {
    (void)st;
    char path[1024];
    const char *env = getenv("PR_STATS_REFERENCE");
    if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else
        pr_test_path("tests/ta/stats_expected.json", path, sizeof path);
    json_error_t je;
    g_ref = json_load_file(path, JSON_DECODE_ANY, &je);
    if (!g_ref) {
        fprintf(stderr, "cannot read reference %s: %s (line %d)\n", path, je.text, je.line);
        return -1;
    }
    printf("reference: %s (%s)\n", path, json_string_value(json_object_get(g_ref, "generated_by")));
    const char *k;
    json_t *f;
    json_object_foreach(json_object_get(g_ref, "files"), k, f) {
        load_raw(k, jstr(f, "path"), jstr(f, "column"));
        if ((long)g_raw[g_nraw - 1].n != (long)json_integer_value(json_object_get(f, "n"))) {
            fprintf(stderr, "%s has %zu rows but the reference was computed on %lld: regenerate it\n", jstr(f, "path"),
                    g_raw[g_nraw - 1].n, (long long)json_integer_value(json_object_get(f, "n")));
            return -1;
        }
    }
    return 0;
}

static int teardown(void **st) {
    (void)st;
    for (size_t i = 0; i < g_nraw; i++) {
        for (size_t j = 0; j < g_raw[i].n; j++) free(g_raw[i].ts[j]);
        free(g_raw[i].ts);
        free(g_raw[i].v);
    }
    g_nraw = 0;
    json_decref(g_ref);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mackinnon), cmocka_unit_test(test_adf),     cmocka_unit_test(test_coint),
        cmocka_unit_test(test_ols),       cmocka_unit_test(test_corr_beta), cmocka_unit_test(test_halflife),
        cmocka_unit_test(test_hurst),     cmocka_unit_test(test_rolling),   cmocka_unit_test(test_exact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
