/* The Sharpe-ratio side of the overfitting statistics: return moments, the
 * probabilistic and deflated Sharpe ratios and the minimum backtest length
 * (formulas in include/proratio/engine/overfit.h; references in README
 * "Overfitting statistics and Monte Carlo"). The normal distribution comes
 * from GSL, which the engine already links through ta. */
#include <math.h>
#include <gsl/gsl_cdf.h>

#include "proratio/engine/overfit.h"

#define EULER_GAMMA 0.57721566490153286061

static int check_finite(const char *fn, const char *what, double v, pr_err *err) {
    if (!isfinite(v))
        return pr_err_set(err, PR_EINVAL, "%s: %s is %s; it must be a finite number", fn, what,
                          isnan(v) ? "NaN" : "infinite");
    return PR_OK;
}

/* Fails naming the first non-finite x[i] ("<fn>: <what> <i> is NaN"). */
static int check_all_finite(const char *fn, const char *what, const double *x, size_t n,
                            pr_err *err) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return pr_err_set(err, PR_EDATA, "%s: %s %zu is %s", fn, what, i,
                              isnan(x[i]) ? "NaN" : "infinite");
    return PR_OK;
}

int pr_return_moments_compute(const double *r, size_t n, pr_return_moments *out, pr_err *err) {
    if (!r || !out) return pr_err_set(err, PR_EINVAL, "return moments: no returns or no output");
    if (n < 2)
        return pr_err_set(err, PR_EINVAL, "return moments: %zu return(s); at least 2 are needed", n);
    int rc = check_all_finite("return moments", "return", r, n, err);
    if (rc) return rc;
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += r[i];
    double mean = sum / (double)n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = r[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    if (!(m2 > 0))
        return pr_err_set(err, PR_EDATA,
                          "return moments: the %zu returns are all %g; a constant series has no "
                          "Sharpe ratio", n, r[0]);
    out->n = n;
    out->mean = mean;
    out->std = sqrt(m2 / (double)(n - 1));
    out->sharpe = mean / out->std;
    m2 /= (double)n;
    m3 /= (double)n;
    m4 /= (double)n;
    out->skew = m3 / pow(m2, 1.5);
    out->kurt = m4 / (m2 * m2);
    return PR_OK;
}

/* Standard error of a per-period Sharpe estimate (Mertens / Bailey & Lopez
 * de Prado 2012), into *out. */
static int sharpe_std(const char *fn, double sr, size_t n_obs, double skew, double kurt,
                      double *out, pr_err *err) {
    int rc;
    if ((rc = check_finite(fn, "the Sharpe ratio", sr, err)) ||
        (rc = check_finite(fn, "the skewness", skew, err)) ||
        (rc = check_finite(fn, "the kurtosis", kurt, err)))
        return rc;
    if (n_obs < 2)
        return pr_err_set(err, PR_EINVAL, "%s: %zu observation(s); at least 2 are needed", fn, n_obs);
    double v = 1.0 - skew * sr + (kurt - 1.0) / 4.0 * sr * sr;
    if (!(v > 0))
        return pr_err_set(err, PR_EINVAL,
                          "%s: 1 - skew*SR + (kurt-1)/4*SR^2 = %g is not positive (SR %g, skew %g, "
                          "kurtosis %g); is the kurtosis the raw one (3 for normal) and the Sharpe "
                          "per period?", fn, v, sr, skew, kurt);
    *out = sqrt(v / (double)(n_obs - 1));
    return PR_OK;
}

int pr_psr(double sr, double sr_star, size_t n_obs, double skew, double kurt, double *out,
           pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "PSR: no output");
    double sd;
    int rc = check_finite("PSR", "the benchmark Sharpe ratio", sr_star, err);
    if (rc || (rc = sharpe_std("PSR", sr, n_obs, skew, kurt, &sd, err))) return rc;
    *out = gsl_cdf_ugaussian_P((sr - sr_star) / sd);
    return PR_OK;
}

int pr_expected_max_sharpe(double n_trials, double sr_var, double *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "expected maximum Sharpe: no output");
    if (!isfinite(n_trials) || n_trials < 1)
        return pr_err_set(err, PR_EINVAL,
                          "expected maximum Sharpe: the number of trials is %g; it must be >= 1",
                          n_trials);
    if (!isfinite(sr_var) || sr_var < 0)
        return pr_err_set(err, PR_EINVAL,
                          "expected maximum Sharpe: the variance of the trials' Sharpe ratios is "
                          "%g; it must be finite and >= 0", sr_var);
    if (n_trials == 1) {
        *out = 0;
        return PR_OK;
    }
    double z1 = gsl_cdf_ugaussian_Pinv(1.0 - 1.0 / n_trials);
    double z2 = gsl_cdf_ugaussian_Pinv(1.0 - 1.0 / (n_trials * M_E));
    *out = sqrt(sr_var) * ((1.0 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
    return PR_OK;
}

int pr_dsr(double sr, size_t n_obs, double skew, double kurt, double n_trials, double sr_var,
           pr_dsr_result *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "DSR: no output");
    double sr0, sd;
    int rc = pr_expected_max_sharpe(n_trials, sr_var, &sr0, err);
    if (rc || (rc = sharpe_std("DSR", sr, n_obs, skew, kurt, &sd, err))) return rc;
    out->sr0 = sr0;
    out->sr_std = sd;
    out->z = (sr - sr0) / sd;
    out->dsr = gsl_cdf_ugaussian_P(out->z);
    return PR_OK;
}

int pr_dsr_from_trials(double sr, size_t n_obs, double skew, double kurt, const double *trial_sr,
                       size_t n_trials, pr_dsr_result *out, pr_err *err) {
    if (!trial_sr) return pr_err_set(err, PR_EINVAL, "DSR: no trial Sharpe ratios");
    if (n_trials < 2)
        return pr_err_set(err, PR_EINVAL,
                          "DSR: %zu trial Sharpe ratio(s); at least 2 are needed for their variance",
                          n_trials);
    int rc = check_all_finite("DSR", "the Sharpe ratio of trial", trial_sr, n_trials, err);
    if (rc) return rc;
    double sum = 0;
    for (size_t i = 0; i < n_trials; i++) sum += trial_sr[i];
    double mean = sum / (double)n_trials, ss = 0;
    for (size_t i = 0; i < n_trials; i++) ss += (trial_sr[i] - mean) * (trial_sr[i] - mean);
    return pr_dsr(sr, n_obs, skew, kurt, (double)n_trials, ss / (double)(n_trials - 1), out, err);
}

int pr_min_btl(double n_trials, double sharpe_annual, double *years, pr_err *err) {
    if (!years) return pr_err_set(err, PR_EINVAL, "MinBTL: no output");
    if (!isfinite(sharpe_annual) || !(sharpe_annual > 0))
        return pr_err_set(err, PR_EINVAL,
                          "MinBTL: the annual Sharpe ratio is %g; it must be finite and > 0",
                          sharpe_annual);
    double e;
    int rc = pr_expected_max_sharpe(n_trials, 1.0, &e, err);
    if (rc) return rc;
    *years = (e / sharpe_annual) * (e / sharpe_annual);
    return PR_OK;
}
