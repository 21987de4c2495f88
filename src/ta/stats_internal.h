/* Internal to the ta module's statistics files: input checks and the
 * least-squares core shared by OLS, ADF, Engle-Granger and half-life. */
#ifndef PR_TA_STATS_INTERNAL_H
#define PR_TA_STATS_INTERNAL_H
#include <stddef.h>
#include "proratio/ta.h"

/* PR_EDATA naming the first non-finite value: "<fn>: <name>[i] is NaN". */
int pr_stats_check_finite(const char *fn, const char *name, size_t n, const double *x, pr_err *err);
/* PR_EDATA when every value equals the first: "<fn>: <name> is constant". */
int pr_stats_check_varies(const char *fn, const char *name, size_t n, const double *x, pr_err *err);

/* OLS on a column-major design a (n rows, k columns, column j at a + j*n),
 * which is left untouched. Same outputs and conventions as pr_stats_ols.
 * fn names the caller in error messages. */
int pr_stats_ols_cm(const char *fn, size_t n, size_t k, const double *a, const double *y,
                    pr_ols_result *res, pr_err *err);

/* Householder QR (BLAS-free, fixed operation order) of the column-major
 * m x p matrix a, m >= p: each column is first multiplied by the power of two
 * scale[j] that brings its norm into [0.5, 1), then a is overwritten with R
 * (upper triangle; the strictly lower part is workspace) and y (m values)
 * with Q'y. Returns the first column j whose part orthogonal to columns
 * 0..j-1 has norm <= tol (collinear), or p when all are independent. */
size_t pr_stats_qr(size_t m, size_t p, double *a, double *y, double *scale, double tol);
/* Solves R b = qy (first p values) for the R of pr_stats_qr (leading
 * dimension m). */
void pr_stats_qr_solve(size_t m, size_t p, const double *r, const double *qy, double *b);
/* Squared norm of row i of R^-1 (= [(R'R)^-1]_ii); w: p cells of workspace. */
double pr_stats_qr_rinv_row2(size_t m, size_t p, const double *r, size_t i, double *w);

/* Two-sided p-value of a t statistic with df degrees of freedom. */
double pr_stats_t_pvalue(double t, double df);

/* adfuller's default maxlag for n values and ntrend deterministic terms:
 * ceil(12 (n/100)^(1/4)), at most n/2 - ntrend - 1. */
long pr_stats_adf_default_maxlag(size_t n, int ntrend);

/* ADF core used by pr_stats_adf and pr_stats_coint (fn for messages). */
int pr_stats_adf_run(const char *fn, size_t n, const double *x, const pr_adf_opts *opts,
                     pr_adf_result *out, pr_err *err);
#endif
