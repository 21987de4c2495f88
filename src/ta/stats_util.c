/* Small helpers of the statistics files: input checks, Student-t p-values
 * and the name <-> enum mappings used by the CLI and the indicator table. */
#include <math.h>
#include <string.h>
#include <strings.h>
#include <gsl/gsl_cdf.h>
#include "stats_internal.h"

int pr_stats_check_finite(const char *fn, const char *name, size_t n, const double *x, pr_err *err) {
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return pr_err_set(err, PR_EDATA, "%s: %s[%zu] is %s; clean the data first", fn, name, i,
                              isnan(x[i]) ? "NaN" : "infinite");
    }
    return PR_OK;
}

int pr_stats_check_varies(const char *fn, const char *name, size_t n, const double *x, pr_err *err) {
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return PR_OK;
    return pr_err_set(err, PR_EDATA, "%s: %s is constant (all %zu values equal %g)", fn, name, n,
                      n ? x[0] : 0.0);
}

double pr_stats_t_pvalue(double t, double df) {
    if (isnan(t) || !(df > 0)) return NAN;
    if (isinf(t)) return 0.0;
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

static const char *const regression_names[] = {"n", "c", "ct", "ctt"};

int pr_adf_regression_parse(const char *s, pr_adf_regression *out) {
    if (!s || !out) return PR_EINVAL;
    if (strcasecmp(s, "nc") == 0) { *out = PR_ADF_N; return PR_OK; }
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, regression_names[i]) == 0) { *out = (pr_adf_regression)i; return PR_OK; }
    return PR_EINVAL;
}

const char *pr_adf_regression_name(pr_adf_regression r) {
    return (int)r >= 0 && (int)r < 4 ? regression_names[r] : "?";
}

static const char *const autolag_names[] = {"aic", "bic", "t-stat", "none"};

int pr_adf_autolag_parse(const char *s, pr_adf_autolag *out) {
    if (!s || !out) return PR_EINVAL;
    if (strcasecmp(s, "tstat") == 0) { *out = PR_ADF_TSTAT; return PR_OK; }
    if (strcasecmp(s, "fixed") == 0) { *out = PR_ADF_FIXED; return PR_OK; }
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, autolag_names[i]) == 0) { *out = (pr_adf_autolag)i; return PR_OK; }
    return PR_EINVAL;
}

const char *pr_adf_autolag_name(pr_adf_autolag a) {
    return (int)a >= 0 && (int)a < 4 ? autolag_names[a] : "?";
}

void pr_adf_opts_default(pr_adf_opts *o) {
    if (!o) return;
    o->regression = PR_ADF_C;
    o->maxlag = -1;
    o->autolag = PR_ADF_AIC;
}

void pr_coint_opts_default(pr_coint_opts *o) {
    if (!o) return;
    o->trend = PR_ADF_C;
    o->maxlag = -1;
    o->autolag = PR_ADF_AIC;
}

void pr_hurst_opts_default(pr_hurst_opts *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->method = PR_HURST_RS;
}

int pr_hurst_method_parse(const char *s, pr_hurst_method *out) {
    if (!s || !out) return PR_EINVAL;
    if (strcasecmp(s, "rs") == 0) { *out = PR_HURST_RS; return PR_OK; }
    if (strcasecmp(s, "var") == 0) { *out = PR_HURST_VAR; return PR_OK; }
    return PR_EINVAL;
}

const char *pr_hurst_method_name(pr_hurst_method m) {
    return m == PR_HURST_RS ? "rs" : m == PR_HURST_VAR ? "var" : "?";
}

int pr_stats_beta_input_parse(const char *s, pr_beta_input *out) {
    if (!s || !out) return PR_EINVAL;
    if (strcasecmp(s, "returns") == 0) { *out = PR_BETA_RETURNS; return PR_OK; }
    if (strcasecmp(s, "logreturns") == 0 || strcasecmp(s, "log-returns") == 0) {
        *out = PR_BETA_LOG_RETURNS;
        return PR_OK;
    }
    if (strcasecmp(s, "levels") == 0) { *out = PR_BETA_LEVELS; return PR_OK; }
    return PR_EINVAL;
}
