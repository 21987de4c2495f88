/* Augmented Dickey-Fuller unit-root test, replicating
 * statsmodels.tsa.stattools.adfuller (0.13): same design matrix, same
 * default maxlag, the lag search fitted on one common sample, the chosen lag
 * refitted on its full sample, MacKinnon p-value and critical values.
 *
 * The lag search needs only each candidate's residual sum of squares (and,
 * for the t-stat rule, the last coefficient's t). The candidates are nested
 * (the first ntrend+1+L columns of one matrix), so one Householder QR of the
 * full matrix gives them all: with q = Q'y, the model with p columns has
 * SSR = sum_{j>=p} q_j^2 and last-coefficient |t| = |q_{p-1}| / sigma.
 * This is exact algebra, not an approximation, and costs one factorisation
 * instead of maxlag+1 (statsmodels fits each candidate separately). The
 * factorisation is stats_qr.c's (scaled columns, no BLAS), so the result is
 * the same for every BLAS kernel and thread count. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats_internal.h"

static int ntrend_of(pr_adf_regression r) { return (int)r; } /* n 0, c 1, ct 2, ctt 3 */

/* Fills the deterministic columns 1, t, t^2 (t = 1..m) into col[0..nt). */
static void fill_trend(double *a, size_t m, int nt) {
    for (int c = 0; c < nt; c++)
        for (size_t r = 0; r < m; r++) {
            double t = (double)(r + 1);
            a[r + (size_t)c * m] = c == 0 ? 1.0 : c == 1 ? t : t * t;
        }
}

/* Lag search over 0..maxlag on rows r = 0..m-1 (m = n-1-maxlag).
 * Columns: [deterministic (nt), level x[maxlag+r], dx[maxlag+r-1..-maxlag]]. */
static int search_lag(const char *fn, size_t n, const double *x, int nt, int maxlag, pr_adf_autolag how,
                      int *bestlag, double *icbest, pr_err *err) {
    size_t m = n - 1 - (size_t)maxlag, p = (size_t)nt + 1 + (size_t)maxlag;
    double *work = malloc(sizeof(double) * (m * p + m + p));
    if (!work) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", fn);
    double *a = work, *q = a + m * p, *scale = q + m;
    fill_trend(a, m, nt);
    for (size_t r = 0; r < m; r++) {
        size_t t = (size_t)maxlag + r;
        a[r + (size_t)nt * m] = x[t];
        for (int l = 1; l <= maxlag; l++) a[r + ((size_t)nt + (size_t)l) * m] = x[t - (size_t)l + 1] - x[t - (size_t)l];
        q[r] = x[t + 1] - x[t];
    }
    size_t rank = pr_stats_qr(m, p, a, q, scale, (double)m * DBL_EPSILON);
    if (rank < p) {
        free(work);
        return pr_err_set(err, PR_EDATA, "%s: lag-search regressors are collinear (column %zu of %zu)", fn, rank + 1, p);
    }
    /* tail[j] = sum_{i>=j} q_i^2, accumulated from the end */
    double *ssr = malloc(sizeof(double) * (p + 1));
    if (!ssr) {
        free(work);
        return pr_err_set(err, PR_ENOMEM, "%s: out of memory", fn);
    }
    double acc = 0.0;
    for (size_t i = m; i-- > p;) acc += q[i] * q[i];
    ssr[p] = acc;
    for (size_t j = p; j-- > 0;) ssr[j] = ssr[j + 1] + q[j] * q[j];

    double nobs = (double)m, nobs2 = nobs / 2.0;
    int best = -1;
    double bestv = 0.0;
    if (how == PR_ADF_TSTAT) {
        const double stop = 1.6448536269514722; /* statsmodels' norm.ppf(.95) */
        for (int l = maxlag; l >= 0; l--) {
            size_t k = (size_t)nt + 1 + (size_t)l;
            double sigma = sqrt(ssr[k] / (nobs - (double)k));
            bestv = fabs(q[k - 1]) / sigma;
            best = l;
            if (bestv >= stop) break;
        }
    } else {
        for (int l = 0; l <= maxlag; l++) {
            size_t k = (size_t)nt + 1 + (size_t)l;
            double llf = -log(ssr[k]) * nobs2 - (1.0 + log(M_PI / nobs2)) * nobs2;
            double ic = -2.0 * llf + (how == PR_ADF_BIC ? log(nobs) : 2.0) * (double)k;
            if (best < 0 || ic < bestv) {
                best = l;
                bestv = ic;
            }
        }
    }
    free(ssr);
    free(work);
    if (!isfinite(bestv))
        return pr_err_set(err, PR_EDATA, "%s: lag search gave a non-finite criterion (perfect fit?)", fn);
    *bestlag = best;
    *icbest = bestv;
    return PR_OK;
}

long pr_stats_adf_default_maxlag(size_t n, int ntrend) {
    long half = (long)(n / 2) - ntrend - 1, maxlag = (long)ceil(12.0 * pow((double)n / 100.0, 1.0 / 4.0));
    return maxlag > half ? half : maxlag;
}

int pr_stats_adf_run(const char *fn, size_t n, const double *x, const pr_adf_opts *opts, pr_adf_result *out,
                     pr_err *err) {
    pr_adf_opts def;
    if (!opts) {
        pr_adf_opts_default(&def);
        opts = &def;
    }
    if (!x || !out) return pr_err_set(err, PR_EINVAL, "%s: NULL argument", fn);
    if ((int)opts->regression < 0 || (int)opts->regression > 3)
        return pr_err_set(err, PR_EINVAL, "%s: unknown regression %d", fn, (int)opts->regression);
    if ((int)opts->autolag < 0 || (int)opts->autolag > 3)
        return pr_err_set(err, PR_EINVAL, "%s: unknown autolag %d", fn, (int)opts->autolag);
    if (n > (size_t)INT32_MAX) return pr_err_set(err, PR_EINVAL, "%s: series too long", fn);
    int rc = pr_stats_check_finite(fn, "x", n, x, err);
    if (rc) return rc;
    int nt = ntrend_of(opts->regression);
    const long minn = 2L * nt + 6L;
    if ((long)n < minn)
        return pr_err_set(err, PR_EDATA, "%s: %zu observations; regression '%s' needs at least %ld", fn, n,
                          pr_adf_regression_name(opts->regression), minn);
    rc = pr_stats_check_varies(fn, "x", n, x, err);
    if (rc) return rc;
    size_t t1 = 2;
    while (t1 < n && x[t1] - x[t1 - 1] == x[1] - x[0]) t1++;
    if (t1 == n)
        return pr_err_set(err, PR_EDATA, "%s: x is a straight line (every difference equals %g); no test is possible", fn,
                          x[1] - x[0]);

    long half = (long)(n / 2) - nt - 1;
    long maxlag;
    if (opts->maxlag < 0) {
        maxlag = pr_stats_adf_default_maxlag(n, nt);
    } else {
        maxlag = opts->maxlag;
        if (maxlag > half) {
            rc = pr_err_set(err, PR_EINVAL, "%s: maxlag %ld too large for %zu observations (at most n/2 - ntrend - 1 = %ld)",
                            fn, maxlag, n, half);
            pr_err_at(err, NULL, 0, 0, "maxlag");
            return rc;
        }
    }
    /* each fitted regression needs more rows than columns */
    if ((long)n - 1 - maxlag <= nt + 1 + maxlag)
        return pr_err_set(err, PR_EDATA, "%s: %zu observations are too few for maxlag %ld with regression '%s'", fn, n,
                          maxlag, pr_adf_regression_name(opts->regression));

    int usedlag = (int)maxlag;
    double icbest = NAN;
    if (opts->autolag != PR_ADF_FIXED) {
        rc = search_lag(fn, n, x, nt, (int)maxlag, opts->autolag, &usedlag, &icbest, err);
        if (rc) return rc;
    }

    /* final regression on all rows the chosen lag allows; statsmodels' column
     * order: level, lagged differences, then the deterministic terms */
    size_t m = n - 1 - (size_t)usedlag, k = (size_t)usedlag + 1 + (size_t)nt;
    double *work = malloc(sizeof(double) * (m * k + m + k * 2));
    if (!work) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", fn);
    double *a = work, *y = a + m * k, *params = y + m, *tv = params + k;
    for (size_t r = 0; r < m; r++) {
        size_t t = (size_t)usedlag + r;
        a[r] = x[t];
        for (int l = 1; l <= usedlag; l++) a[r + (size_t)l * m] = x[t - (size_t)l + 1] - x[t - (size_t)l];
        y[r] = x[t + 1] - x[t];
    }
    fill_trend(a + ((size_t)usedlag + 1) * m, m, nt);
    pr_ols_result ols = {0};
    ols.params = params;
    ols.tvalues = tv;
    rc = pr_stats_ols_cm(fn, m, k, a, y, &ols, err);
    if (rc == PR_OK && !isfinite(tv[0]))
        rc = pr_err_set(err, PR_EDATA, "%s: the test regression fits exactly; the statistic is undefined", fn);
    if (rc == PR_OK) {
        out->stat = tv[0];
        out->gamma = params[0];
        out->icbest = icbest;
        out->usedlag = usedlag;
        out->maxlag = (int)maxlag;
        out->nobs = m;
        out->regression = opts->regression;
        rc = pr_stats_mackinnonp(out->stat, opts->regression, 1, &out->pvalue, err);
        if (rc == PR_OK) rc = pr_stats_mackinnoncrit(1, opts->regression, (double)m, out->crit, err);
    }
    free(work);
    return rc;
}

int pr_stats_adf(size_t n, const double *x, const pr_adf_opts *opts, pr_adf_result *out, pr_err *err) {
    return pr_stats_adf_run("adf", n, x, opts, out, err);
}
