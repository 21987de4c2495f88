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

/* Two-sided p-value of a t statistic with df degrees of freedom. */
double pr_stats_t_pvalue(double t, double df);

/* ADF core used by pr_stats_adf and pr_stats_coint (fn for messages). */
int pr_stats_adf_run(const char *fn, size_t n, const double *x, const pr_adf_opts *opts,
                     pr_adf_result *out, pr_err *err);
#endif
