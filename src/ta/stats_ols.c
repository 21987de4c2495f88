/* Ordinary least squares with standard errors, t statistics, p-values, R^2
 * and information criteria, solved through LAPACK's singular value
 * decomposition (the same route as statsmodels' default "pinv" fit, so
 * results agree with it to rounding). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lapacke.h>
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

    double *work = malloc(sizeof(double) * (n * k * 2 + k * k + 2 * k + n));
    if (!work) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", fn);
    double *A = work, *U = A + n * k, *VT = U + n * k, *s = VT + k * k, *superb = s + k, *r = superb + k;
    memcpy(A, a, sizeof(double) * n * k);
    lapack_int info = LAPACKE_dgesvd(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)n, (lapack_int)k, A,
                                     (lapack_int)n, s, U, (lapack_int)n, VT, (lapack_int)k, superb);
    if (info != 0) {
        free(work);
        return pr_err_set(err, PR_EDATA, "%s: singular value decomposition failed (LAPACK dgesvd info %d)", fn,
                          (int)info);
    }
    /* numpy.linalg.matrix_rank's tolerance on the k singular values. */
    double tol = s[0] * (double)k * DBL_EPSILON;
    size_t rank = 0;
    for (size_t j = 0; j < k; j++) rank += s[j] > tol;
    if (rank < k) {
        free(work);
        return pr_err_set(err, PR_EDATA, "%s: regressors are collinear (rank %zu of %zu columns)", fn, rank, k);
    }

    /* b = V diag(1/s) U'y; diag((X'X)^-1)_i = sum_j (V_ij / s_j)^2 */
    double *c = superb; /* k cells, reused */
    for (size_t j = 0; j < k; j++) {
        double acc = 0.0;
        const double *u = U + j * n;
        for (size_t i = 0; i < n; i++) acc += u[i] * y[i];
        c[j] = acc / s[j];
    }
    for (size_t i = 0; i < k; i++) {
        double b = 0.0;
        for (size_t j = 0; j < k; j++) b += VT[j + i * k] * c[j];
        res->params[i] = b;
    }

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
        double d = 0.0;
        for (size_t j = 0; j < k; j++) {
            double v = VT[j + i * k] / s[j];
            d += v * v;
        }
        double se = sqrt(d * sigma2);
        double t = res->params[i] / se;
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
