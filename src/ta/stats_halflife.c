/* Half-life of mean reversion from the discretised Ornstein-Uhlenbeck
 * regression ds[t] = c + lambda s[t-1] + e[t]: a deviation decays by
 * exp(lambda) per bar, so it halves after -ln 2 / lambda bars. */
#include <math.h>
#include <stdlib.h>
#include "stats_internal.h"

int pr_stats_halflife(size_t n, const double *s, pr_halflife_result *out, pr_err *err) {
    if (!s || !out) return pr_err_set(err, PR_EINVAL, "halflife: NULL argument");
    int rc = pr_stats_check_finite("halflife", "s", n, s, err);
    if (rc) return rc;
    if (n < 4) return pr_err_set(err, PR_EDATA, "halflife: %zu observations; need at least 4", n);
    rc = pr_stats_check_varies("halflife", "s", n, s, err);
    if (rc) return rc;
    size_t m = n - 1;
    double *work = malloc(sizeof(double) * (3 * m));
    if (!work) return pr_err_set(err, PR_ENOMEM, "halflife: out of memory");
    double *a = work, *y = a + 2 * m;
    for (size_t t = 0; t < m; t++) {
        a[t] = 1.0;
        a[m + t] = s[t];
        y[t] = s[t + 1] - s[t];
    }
    double params[2], bse[2], tv[2], pv[2];
    pr_ols_result ols = {0};
    ols.params = params;
    ols.bse = bse;
    ols.tvalues = tv;
    ols.pvalues = pv;
    rc = pr_stats_ols_cm("halflife", m, 2, a, y, &ols, err);
    free(work);
    if (rc) return rc;
    out->intercept = params[0];
    out->lambda = params[1];
    out->lambda_se = bse[1];
    out->lambda_t = tv[1];
    out->lambda_p = pv[1];
    out->nobs = m;
    out->mean_reverting = params[1] < 0.0;
    out->halflife = out->mean_reverting ? -log(2.0) / params[1] : INFINITY;
    out->mean = params[1] != 0.0 ? -params[0] / params[1] : NAN;
    return PR_OK;
}
