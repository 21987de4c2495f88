/* Engle-Granger two-step cointegration test, replicating
 * statsmodels.tsa.stattools.coint (0.13): OLS of y on x with deterministic
 * terms, then an ADF test without deterministic terms on the residuals,
 * judged against MacKinnon's N = 2 tables for the first step's terms. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "stats_internal.h"

int pr_stats_coint(size_t n, const double *y, const double *x, const pr_coint_opts *opts, pr_coint_result *out,
                   pr_err *err) {
    pr_coint_opts def;
    if (!opts) {
        pr_coint_opts_default(&def);
        opts = &def;
    }
    if (!y || !x || !out) return pr_err_set(err, PR_EINVAL, "coint: NULL argument");
    if ((int)opts->trend < 0 || (int)opts->trend > 3)
        return pr_err_set(err, PR_EINVAL, "coint: unknown trend %d", (int)opts->trend);
    if ((int)opts->autolag < 0 || (int)opts->autolag > 3)
        return pr_err_set(err, PR_EINVAL, "coint: unknown autolag %d", (int)opts->autolag);
    int rc = pr_stats_check_finite("coint", "y", n, y, err);
    if (!rc) rc = pr_stats_check_finite("coint", "x", n, x, err);
    if (rc) return rc;
    if (n < 8) return pr_err_set(err, PR_EDATA, "coint: %zu observations; need at least 8", n);
    rc = pr_stats_check_varies("coint", "y", n, y, err);
    if (!rc) rc = pr_stats_check_varies("coint", "x", n, x, err);
    if (rc) return rc;

    /* statsmodels: add_trend(x, trend, prepend=False) -> [x, 1, t, t^2] */
    int nt = (int)opts->trend;
    size_t k = 1 + (size_t)nt;
    double *work = malloc(sizeof(double) * (n * k + n + k));
    if (!work) return pr_err_set(err, PR_ENOMEM, "coint: out of memory");
    double *a = work, *resid = a + n * k, *params = resid + n;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(i + 1);
        a[i] = x[i];
        for (int c = 0; c < nt; c++) a[i + (size_t)(c + 1) * n] = c == 0 ? 1.0 : c == 1 ? t : t * t;
    }
    pr_ols_result ols = {0};
    ols.params = params;
    ols.resid = resid;
    rc = pr_stats_ols_cm("coint", n, k, a, y, &ols, err);
    if (rc) {
        free(work);
        return rc;
    }
    out->hedge_ratio = params[0];
    out->intercept = nt >= 1 ? params[1] : NAN;
    out->trend_coef = nt >= 2 ? params[2] : NAN;
    out->rsquared = ols.rsquared;
    out->nobs = n;
    out->trend = opts->trend;

    if (ols.rsquared < 1.0 - 100.0 * sqrt(DBL_EPSILON)) {
        pr_adf_opts ao = {PR_ADF_N, opts->maxlag, opts->autolag};
        pr_adf_result adf;
        rc = pr_stats_adf_run("coint", n, resid, &ao, &adf, err);
        if (rc) {
            free(work);
            return rc;
        }
        out->stat = adf.stat;
        out->usedlag = adf.usedlag;
        out->maxlag = adf.maxlag;
        out->adf_nobs = adf.nobs;
        out->collinear = 0;
    } else {
        out->stat = -INFINITY;
        out->usedlag = 0;
        out->maxlag = 0;
        out->adf_nobs = 0;
        out->collinear = 1;
    }
    free(work);
    if (nt == 0) {
        out->crit[0] = out->crit[1] = out->crit[2] = NAN;
    } else {
        /* nobs - 1 as statsmodels (matching Stata's egranger) */
        rc = pr_stats_mackinnoncrit(2, opts->trend, (double)n - 1.0, out->crit, err);
        if (rc) return rc;
    }
    if (out->collinear) {
        out->pvalue = 0.0;
        return PR_OK;
    }
    return pr_stats_mackinnonp(out->stat, opts->trend, 2, &out->pvalue, err);
}
