/* Part of engine.h: overfitting statistics of an optimised result, as pure
 * functions the optimiser calls on its trials (README "Overfitting
 * statistics and Monte Carlo"):
 *   - the probabilistic Sharpe ratio (Bailey & Lopez de Prado 2012) and the
 *     deflated Sharpe ratio (Bailey & Lopez de Prado 2014);
 *   - the expected maximum Sharpe of N trials and the minimum backtest length
 *     (Bailey, Borwein, Lopez de Prado & Zhu 2014);
 *   - the probability of backtest overfitting by combinatorially symmetric
 *     cross-validation, CSCV (Bailey, Borwein, Lopez de Prado & Zhu 2017).
 *
 * Units: every Sharpe ratio here is per period (mean / standard deviation of
 * per-period returns, not annualised) except pr_min_btl's, which is annual;
 * skewness and kurtosis are the population (biased) moment ratios, kurtosis
 * raw (3 for a normal distribution, not the excess). */
#ifndef PRORATIO_ENGINE_OVERFIT_H
#define PRORATIO_ENGINE_OVERFIT_H

#include <stddef.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The moments of one return series that the PSR needs. */
typedef struct pr_return_moments {
    size_t n;
    double mean;
    double std;      /* sample standard deviation (ddof 1)                     */
    double sharpe;   /* mean / std                                              */
    double skew;     /* m3 / m2^1.5 with central moments m_k = mean((x-mean)^k) */
    double kurt;     /* m4 / m2^2, raw (3 for normal)                           */
} pr_return_moments;

/* Moments of r[0..n): n >= 2, every value finite, not all equal (a constant
 * series, such as a trial that never traded, has no Sharpe ratio). */
int pr_return_moments_compute(const double *r, size_t n, pr_return_moments *out, pr_err *err);

/* Probabilistic Sharpe ratio: the probability that the true Sharpe exceeds
 * sr_star given the observed per-period sr over n_obs returns,
 *   PSR = Phi((sr - sr_star) * sqrt(n_obs - 1) / sqrt(1 - skew*sr + (kurt-1)/4 * sr^2)).
 * n_obs >= 2; fails when the square root's argument is not positive (a skew
 * so large against sr that the estimator's variance formula breaks down). */
int pr_psr(double sr, double sr_star, size_t n_obs, double skew, double kurt, double *out,
           pr_err *err);

/* Expected maximum of n_trials independent per-period Sharpe estimates of
 * zero-skill strategies whose Sharpes have variance sr_var:
 *   SR0 = sqrt(sr_var) * ((1-g) * Zinv(1 - 1/N) + g * Zinv(1 - 1/(N e))),
 * g the Euler-Mascheroni constant. n_trials >= 1 (may be fractional: an
 * effective count of independent trials); 1 trial gives 0 (no selection).
 * The approximation is meant for N >> 1 (for N = 2 it gives 0.52 sigma
 * against the exact 1/sqrt(pi) = 0.56). */
int pr_expected_max_sharpe(double n_trials, double sr_var, double *out, pr_err *err);

typedef struct pr_dsr_result {
    double sr0;      /* the benchmark: pr_expected_max_sharpe(n_trials, sr_var) */
    double sr_std;   /* standard error of sr: sqrt((1 - skew*sr + (kurt-1)/4 sr^2)
                        / (n_obs - 1))                                            */
    double z;        /* (sr - sr0) / sr_std                                      */
    double dsr;      /* PSR(sr0) = Phi(z): the probability that the selected
                        trial's true Sharpe is above what the best of n_trials
                        skill-less trials would show; >= 0.95 to trust it       */
} pr_dsr_result;

/* Deflated Sharpe ratio of the selected trial (observed per-period sr over
 * n_obs returns with skew and raw kurt) among n_trials trials whose
 * per-period Sharpes have variance sr_var. */
int pr_dsr(double sr, size_t n_obs, double skew, double kurt, double n_trials, double sr_var,
           pr_dsr_result *out, pr_err *err);
/* The same with N = n_trials and V = the sample variance (ddof 1) of the
 * trials' per-period Sharpes trial_sr[0..n_trials), n_trials >= 2. */
int pr_dsr_from_trials(double sr, size_t n_obs, double skew, double kurt, const double *trial_sr,
                       size_t n_trials, pr_dsr_result *out, pr_err *err);

/* Minimum backtest length in years: the history over which the best of
 * n_trials skill-less strategy configurations is not expected to show an
 * annual Sharpe of sharpe_annual or more,
 *   MinBTL = (E[max_N] / sharpe_annual)^2,
 * E[max_N] = pr_expected_max_sharpe(n_trials, 1) (annual Sharpes of unit
 * variance over one year). A backtest shorter than this cannot tell the
 * selected Sharpe from luck. sharpe_annual > 0, n_trials >= 1. */
int pr_min_btl(double n_trials, double sharpe_annual, double *years, pr_err *err);

/* ---- probability of backtest overfitting (CSCV) ------------------------ */

#define PR_PBO_DEFAULT_BLOCKS 16
#define PR_PBO_MAX_BLOCKS 24

typedef struct pr_pbo_result {
    size_t n_blocks;         /* S                                                  */
    size_t n_combinations;   /* C(S, S/2)                                          */
    double pbo;              /* share of combinations with logit <= 0               */
    /* The logits lambda = ln(w / (1 - w)) of the in-sample best trial's
     * out-of-sample relative rank w = rank / (N + 1) (rank 1 = worst of the N
     * trials out of sample, N = best; ties take the mean of their ranks). */
    double logit_mean, logit_std;      /* std: sample, ddof 1                      */
    double logit_min, logit_median, logit_max;
    /* Performance degradation: the in-sample best trial's OOS Sharpe against
     * its IS Sharpe over the combinations where both are finite (n_fit of
     * them): least-squares OOS = intercept + slope * IS. A slope well below 1
     * (or negative) means in-sample excellence does not carry over. */
    double degradation_slope, degradation_intercept;
    size_t n_fit;
    size_t n_oos_loss;       /* combinations whose chosen trial lost OOS (Sharpe < 0) */
    double prob_oos_loss;    /* n_oos_loss / n_combinations                       */
    double is_sharpe_mean, oos_sharpe_mean;  /* of the chosen trial, finite ones    */
} pr_pbo_result;

/* Number of combinations C(n_blocks, n_blocks/2) for an even n_blocks in
 * [2, PR_PBO_MAX_BLOCKS] (12870 for 16), to size pr_pbo_cscv's optional arrays. */
int pr_pbo_combinations(size_t n_blocks, size_t *out, pr_err *err);

/* CSCV over the n_rows x n_trials matrix `returns` (row-major: returns[t *
 * n_trials + j] is trial j's return in period t; every value finite). The
 * rows are cut into n_blocks contiguous blocks, block b holding rows
 * [b*T/S, (b+1)*T/S) (sizes differ by at most one; each needs >= 2 rows);
 * every choice of S/2 blocks is the in-sample set, the other S/2 the
 * out-of-sample set; the statistic is the per-period Sharpe mean/std (ddof
 * 1) of the set's rows (0 for a trial flat there, +-inf for a constant
 * non-zero return). The in-sample best is the highest Sharpe, ties to the
 * lowest trial index. n_blocks 0 means PR_PBO_DEFAULT_BLOCKS; n_trials >= 2.
 * logits, is_sharpe and oos_sharpe may each be NULL, or hold
 * pr_pbo_combinations(S) values: per combination, in lexicographic order of
 * the in-sample block sets. */
int pr_pbo_cscv(const double *returns, size_t n_rows, size_t n_trials, size_t n_blocks,
                pr_pbo_result *out, double *logits, double *is_sharpe, double *oos_sharpe,
                pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
