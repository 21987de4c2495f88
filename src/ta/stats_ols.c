/* Ordinary least squares with standard errors, t statistics, p-values, R^2
 * and information criteria, as statsmodels' OLS reports them, solved by the
 * BLAS-free Householder QR on scaled columns of stats_qr.c: the results do
 * not depend on the BLAS kernel or thread count, and their error follows the
 * conditioning of the column-scaled design (statsmodels' "pinv" fit on the
 * raw columns can be much further from the true values; see README). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats_internal.h"

int pr_stats_ols_cm(const char *fn, size_t n, size_t k, const double *a, const double *y,
                    pr_ols_result *res, pr_err *err) {
    if (!a || !y || !res || !res->params) return pr_err_set(err, PR_EINVAL, "%s: NULL argument", fn);
    if (k == 0) return pr_err_set(err, PR_EINVAL, "%s: no regressors", fn);
    if (n <= k)
        return pr_err_set(err, PR_EDATA, "%s: %zu observations for %zu regressors; need more observations than regressors",
                          fn, n, k);
    if (n > (size_t)INT32_MAX / k) return pr_err_set(err, PR_EINVAL, "%s: design matrix too large", fn);
    int rc = pr_stats_check_finite(fn, "y", n, y, err);
    if (rc) return rc;
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(a[i + j * n]))
                return pr_err_set(err, PR_EDATA, "%s: regressor %zu at row %zu is %s; clean the data first", fn, j, i,
                                  isnan(a[i + j * n]) ? "NaN" : "infinite");

    double *work = malloc(sizeof(double) * (n * k + 2 * n + 3 * k));
    if (!work) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", fn);
    double *A = work, *qy = A + n * k, *r = qy + n, *scale = r + n, *b = scale + k, *w = b + k;
    memcpy(A, a, sizeof(double) * n * k);
    memcpy(qy, y, sizeof(double) * n);
    /* LAPACK's default rcond for least squares, max(n, k) * eps, on columns of norm ~1 */
    size_t rank = pr_stats_qr(n, k, A, qy, scale, (double)n * DBL_EPSILON);
    if (rank < k) {
        free(work);
        return pr_err_set(err, PR_EDATA, "%s: regressors are collinear (column %zu of %zu depends on the columns before it)",
                          fn, rank + 1, k);
    }
    pr_stats_qr_solve(n, k, A, qy, b);
    for (size_t i = 0; i < k; i++) res->params[i] = b[i] * scale[i];

    int has_const = 0;
    for (size_t j = 0; j < k; j++) {
        const double *col = a + j * n;
        size_t i = 1;
        while (i < n && col[i] == col[0]) i++;
        if (i == n && col[0] != 0.0) has_const = 1;
    }

    double ssr = 0.0, ymean = 0.0, tss_c = 0.0, tss_u = 0.0;
    for (size_t i = 0; i < n; i++) ymean += y[i];
    ymean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double fit = 0.0;
        for (size_t j = 0; j < k; j++) fit += a[i + j * n] * res->params[j];
        r[i] = y[i] - fit;
        ssr += r[i] * r[i];
        tss_c += (y[i] - ymean) * (y[i] - ymean);
        tss_u += y[i] * y[i];
    }
    double df_resid = (double)(n - rank);
    double sigma2 = ssr / df_resid;
    for (size_t i = 0; i < k; i++) {
        /* t and p do not depend on the column scaling: t_i = b_i / sqrt(sigma2 [(R'R)^-1]_ii) */
        double d = pr_stats_qr_rinv_row2(n, k, A, i, w);
        double se = sqrt(d * sigma2) * scale[i];
        double t = b[i] / sqrt(d * sigma2);
        if (res->bse) res->bse[i] = se;
        if (res->tvalues) res->tvalues[i] = t;
        if (res->pvalues) res->pvalues[i] = pr_stats_t_pvalue(t, df_resid);
    }
    if (res->resid) memcpy(res->resid, r, sizeof(double) * n);

    double nobs = (double)n, nobs2 = nobs / 2.0;
    res->nobs = n;
    res->k = k;
    res->rank = rank;
    res->has_const = has_const;
    res->df_resid = df_resid;
    res->ssr = ssr;
    res->sigma2 = sigma2;
    res->rsquared = has_const ? 1.0 - ssr / tss_c : 1.0 - ssr / tss_u;
    res->rsquared_adj = 1.0 - (nobs - has_const) / df_resid * (1.0 - res->rsquared);
    /* statsmodels' concentrated Gaussian log-likelihood, term for term */
    res->llf = -log(ssr) * nobs2 - (1.0 + log(M_PI / nobs2)) * nobs2;
    res->aic = -2.0 * res->llf + 2.0 * (double)rank;
    res->bic = -2.0 * res->llf + log(nobs) * (double)rank;
    free(work);
    return PR_OK;
}

int pr_stats_ols(size_t n, size_t k, const double *x, const double *y, pr_ols_result *res, pr_err *err) {
    if (!x || !y || !res || !res->params) return pr_err_set(err, PR_EINVAL, "ols: NULL argument");
    if (k == 0) return pr_err_set(err, PR_EINVAL, "ols: no regressors");
    if (n <= k)
        return pr_err_set(err, PR_EDATA, "ols: %zu observations for %zu regressors; need more observations than regressors",
                          n, k);
    if (n > SIZE_MAX / sizeof(double) / k) return pr_err_set(err, PR_EINVAL, "ols: design matrix too large");
    double *a = malloc(sizeof(double) * n * k);
    if (!a) return pr_err_set(err, PR_ENOMEM, "ols: out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) a[i + j * n] = x[i * k + j];
    int rc = pr_stats_ols_cm("ols", n, k, a, y, res, err);
    free(a);
    return rc;
}
