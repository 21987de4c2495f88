/* Whole-sample Pearson and Spearman correlation and beta. Sums are taken
 * about the means (two passes), which avoids the cancellation of the
 * one-pass sum-of-products formula on price levels. */
#include <math.h>
#include <stdlib.h>
#include "stats_internal.h"

/* r of two finite, non-constant series, computed as scipy.stats.pearsonr. */
static void corr_core(size_t n, const double *x, const double *y, double *r, double *xm_out, double *ym_out,
                      double *sxx_out, double *sxy_out) {
    double xm = 0.0, ym = 0.0;
    for (size_t i = 0; i < n; i++) {
        xm += x[i];
        ym += y[i];
    }
    xm /= (double)n;
    ym /= (double)n;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - xm, dy = y[i] - ym;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    double v = sxy / (sqrt(sxx) * sqrt(syy));
    *r = v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
    if (xm_out) *xm_out = xm;
    if (ym_out) *ym_out = ym;
    if (sxx_out) *sxx_out = sxx;
    if (sxy_out) *sxy_out = sxy;
}

static double corr_pvalue(double r, size_t n) {
    if (fabs(r) >= 1.0) return 0.0;
    double df = (double)n - 2.0;
    return pr_stats_t_pvalue(r * sqrt(df / ((1.0 - r) * (1.0 + r))), df);
}

static int check_pair(const char *fn, size_t n, const double *x, const double *y, pr_err *err) {
    if (!x || !y) return pr_err_set(err, PR_EINVAL, "%s: NULL argument", fn);
    int rc = pr_stats_check_finite(fn, "x", n, x, err);
    if (!rc) rc = pr_stats_check_finite(fn, "y", n, y, err);
    if (rc) return rc;
    if (n < 3) return pr_err_set(err, PR_EDATA, "%s: %zu observations; need at least 3", fn, n);
    rc = pr_stats_check_varies(fn, "x", n, x, err);
    if (!rc) rc = pr_stats_check_varies(fn, "y", n, y, err);
    return rc;
}

int pr_stats_pearson(size_t n, const double *x, const double *y, pr_corr_result *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "pearson: NULL argument");
    int rc = check_pair("pearson", n, x, y, err);
    if (rc) return rc;
    corr_core(n, x, y, &out->r, NULL, NULL, NULL, NULL);
    out->n = n;
    out->pvalue = corr_pvalue(out->r, n);
    return PR_OK;
}

typedef struct { double v; size_t i; } keyed;

static int cmp_keyed(const void *a, const void *b) {
    const keyed *p = a, *q = b;
    if (p->v < q->v) return -1;
    if (p->v > q->v) return 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* 1-based ranks, ties sharing the mean of the ranks they span. */
static void average_ranks(size_t n, const double *x, keyed *tmp, double *rank) {
    for (size_t i = 0; i < n; i++) {
        tmp[i].v = x[i];
        tmp[i].i = i;
    }
    qsort(tmp, n, sizeof *tmp, cmp_keyed);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && tmp[j].v == tmp[i].v) j++;
        double avg = 0.5 * ((double)(i + 1) + (double)j); /* ranks i+1 .. j */
        for (size_t k = i; k < j; k++) rank[tmp[k].i] = avg;
        i = j;
    }
}

int pr_stats_spearman(size_t n, const double *x, const double *y, pr_corr_result *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "spearman: NULL argument");
    int rc = check_pair("spearman", n, x, y, err);
    if (rc) return rc;
    double *rx = malloc(sizeof(double) * 2 * n);
    keyed *tmp = malloc(sizeof(keyed) * n);
    if (!rx || !tmp) {
        free(rx);
        free(tmp);
        return pr_err_set(err, PR_ENOMEM, "spearman: out of memory");
    }
    double *ry = rx + n;
    average_ranks(n, x, tmp, rx);
    average_ranks(n, y, tmp, ry);
    corr_core(n, rx, ry, &out->r, NULL, NULL, NULL, NULL);
    free(rx);
    free(tmp);
    out->n = n;
    out->pvalue = corr_pvalue(out->r, n);
    return PR_OK;
}

static int transform(const char *what, size_t n, const double *p, pr_beta_input on, double *out, pr_err *err) {
    if (on == PR_BETA_LEVELS) {
        for (size_t i = 0; i < n; i++) out[i] = p[i];
        return PR_OK;
    }
    for (size_t i = 1; i < n; i++) {
        int bad_prev = on == PR_BETA_LOG_RETURNS ? !(p[i - 1] > 0.0) : p[i - 1] == 0.0;
        int bad_cur = on == PR_BETA_LOG_RETURNS && !(p[i] > 0.0);
        if (bad_prev || bad_cur) {
            size_t j = bad_prev ? i - 1 : i;
            return pr_err_set(err, PR_EDATA, "beta: %s[%zu] = %g cannot be used for %s", what, j, p[j],
                              on == PR_BETA_LOG_RETURNS ? "log returns (prices must be > 0)"
                                                        : "returns (division by zero)");
        }
        out[i - 1] = on == PR_BETA_LOG_RETURNS ? log(p[i] / p[i - 1]) : p[i] / p[i - 1] - 1.0;
    }
    return PR_OK;
}

int pr_stats_beta(size_t n, const double *y, const double *x, pr_beta_input on, pr_beta_result *out,
                  pr_err *err) {
    if (!x || !y || !out) return pr_err_set(err, PR_EINVAL, "beta: NULL argument");
    if ((int)on < 0 || (int)on > 2) return pr_err_set(err, PR_EINVAL, "beta: unknown input kind %d", (int)on);
    int rc = pr_stats_check_finite("beta", "y", n, y, err);
    if (!rc) rc = pr_stats_check_finite("beta", "x", n, x, err);
    if (rc) return rc;
    size_t m = on == PR_BETA_LEVELS ? n : (n > 0 ? n - 1 : 0);
    if (m < 3) return pr_err_set(err, PR_EDATA, "beta: %zu observations; need at least %d", n,
                                 on == PR_BETA_LEVELS ? 3 : 4);
    double *tx = malloc(sizeof(double) * 2 * m);
    if (!tx) return pr_err_set(err, PR_ENOMEM, "beta: out of memory");
    double *ty = tx + m;
    rc = transform("x", n, x, on, tx, err);
    if (!rc) rc = transform("y", n, y, on, ty, err);
    if (!rc) rc = pr_stats_check_varies("beta", on == PR_BETA_LEVELS ? "x" : "x's returns", m, tx, err);
    if (!rc) rc = pr_stats_check_varies("beta", on == PR_BETA_LEVELS ? "y" : "y's returns", m, ty, err);
    if (!rc) {
        double xm, ym, sxx, sxy;
        corr_core(m, tx, ty, &out->r, &xm, &ym, &sxx, &sxy);
        out->beta = sxy / sxx;
        out->alpha = ym - out->beta * xm;
        out->n = m;
    }
    free(tx);
    return rc;
}
