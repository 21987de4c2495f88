/* Part of ta.h: statistics for quantitative research. Rolling mean, standard
 * deviation and z-score follow the indicator conventions of ta.h (lookback,
 * batch, streaming). The whole-sample statistics (correlation, beta, OLS,
 * Hurst exponent, augmented Dickey-Fuller, Engle-Granger cointegration,
 * half-life of mean reversion) take a series and fill a result struct; their
 * values match statsmodels 0.13 / scipy (see tests/ta/stats_reference.py).
 *
 * Error policy of the whole-sample functions (rolling ones: see ta.h):
 *   PR_EINVAL  NULL pointer, unknown enum value, option out of range
 *              (e.g. maxlag too large for the sample);
 *   PR_EDATA   the data cannot support the statistic: NaN/inf input, too few
 *              observations, a constant series, collinear regressors.
 * The pr_err message names the function and the problem ("adf: x[17] is NaN").
 * On failure the result struct is left in an unspecified state.
 */
#ifndef PRORATIO_TA_STATS_H
#define PRORATIO_TA_STATS_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/ta/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Rolling mean / standard deviation / z-score over the last `period` values */
/* ======================================================================== */
/* ddof: 0 = population standard deviation (divide by period), 1 = sample
 * (divide by period - 1, pandas' default; numpy's std defaults to 0). Output at bar i
 * uses x[i-period+1 .. i] (the current bar included); lookback = period - 1.
 * The z-score (x[i] - mean(i)) / std(i) is offered by the combined
 * pr_ta_rolling (0 where std(i) == 0, as the extra family's "zscore", which
 * is the table's z-score indicator: population deviation, same definition
 * with ddof = 0).
 *
 * Numerics: a sliding Welford update (mean and sum of squared deviations,
 * add-one/remove-one in a single step) whose rounding drift is bounded by
 * recomputing the window exactly (corrected two-pass) every `period` bars;
 * a window whose values are all equal gets exactly mean = x, std = 0 (a run
 * counter detects it, so flat stretches never show a spurious 1e-9 std).
 * The batch and streaming forms run the same code and give bit-identical
 * values. A NaN/inf input makes NaN every output whose window contains it;
 * outputs are finite again once it has left the window (the window is then
 * recomputed exactly, so nothing of it lingers).
 *
 * Ranges: rolling_mean period 1..100000; rolling_std period 2..100000;
 * ddof 0 or 1. */
#define PR_TA_ROLLING_MAX_PERIOD 100000

/* rolling_mean (period) and rolling_std (period, ddof) are rows of
 * proratio/ta/list.h (shapes R_P and R_PP): pr_ta_rolling_mean(n, in,
 * period, out), pr_ta_rolling_std(n, in, period, ddof, out) and their
 * _lookback / _init / _update / _free are declared from there. */
/* Mean, standard deviation and z-score at once; any output may be NULL.
 * period 2..100000 (1 is allowed when out_std and out_z are NULL). */
int pr_ta_rolling(size_t n, const double *in, int period, int ddof,
                  double *out_mean, double *out_std, double *out_z);

/* Streaming. One state type serves all three. */
typedef struct pr_ta_rolling_state {
    int period, ddof;
    double *buf;          /* ring buffer of the last `period` inputs          */
    size_t head;          /* slot of the oldest input (next to overwrite)     */
    size_t count;         /* inputs seen, saturating at period                */
    size_t nonfinite;     /* NaN/inf values inside the window                 */
    size_t since_exact;   /* sliding updates since the last exact pass        */
    size_t run;           /* length of the current run of equal inputs        */
    int dirty;            /* running sums invalid: recompute when clean       */
    double mean, m2;      /* running mean and sum of squared deviations       */
} pr_ta_rolling_state;
/* period 1..100000 (std and z are then NaN for period < 2 or period <= ddof). */
int pr_ta_rolling_init(pr_ta_rolling_state *s, int period, int ddof);
/* Any output pointer may be NULL. */
int pr_ta_rolling_update(pr_ta_rolling_state *s, double x, double *mean, double *std, double *z);
void pr_ta_rolling_free(pr_ta_rolling_state *s);


/* ======================================================================== */
/* Correlation and beta (whole sample)                                       */
/* ======================================================================== */
typedef struct pr_corr_result {
    double r;        /* correlation coefficient in [-1, 1]                       */
    double pvalue;   /* two-sided, H0: r = 0, t test with n-2 dof (as scipy)     */
    size_t n;        /* observations used                                        */
} pr_corr_result;

/* Pearson product-moment correlation (two-pass: means first). n >= 3;
 * neither series may be constant. */
int pr_stats_pearson(size_t n, const double *x, const double *y, pr_corr_result *out, pr_err *err);
/* Spearman rank correlation: Pearson correlation of the ranks, ties given
 * their average rank (scipy.stats.spearmanr). Allocates O(n) scratch. */
int pr_stats_spearman(size_t n, const double *x, const double *y, pr_corr_result *out, pr_err *err);

typedef enum pr_beta_input {
    PR_BETA_RETURNS = 0,      /* simple returns p[t]/p[t-1] - 1 (default)        */
    PR_BETA_LOG_RETURNS = 1,  /* ln(p[t]/p[t-1]); prices must be > 0            */
    PR_BETA_LEVELS = 2        /* the values as given                              */
} pr_beta_input;

typedef struct pr_beta_result {
    double beta;    /* cov(y, x) / var(x)                                       */
    double alpha;   /* mean(y) - beta * mean(x), on the same (return) scale     */
    double r;       /* Pearson correlation of the transformed series            */
    size_t n;       /* observations used (n - 1 for returns)                    */
} pr_beta_result;

/* Beta of y (the asset) against x (the benchmark). */
int pr_stats_beta(size_t n, const double *y, const double *x, pr_beta_input on,
                  pr_beta_result *out, pr_err *err);
int pr_stats_beta_input_parse(const char *s, pr_beta_input *out);

/* ======================================================================== */
/* Ordinary least squares                                                    */
/* ======================================================================== */
/* y (n) on the columns of x (n rows by k columns, row-major: x[i*k + j]).
 * No intercept is added: include a column of ones for one (as statsmodels'
 * OLS). Solved with LAPACK's SVD (dgesvd) like statsmodels' pinv method;
 * rank-deficient designs (rank below k at tolerance s_max*k*eps) fail with
 * PR_EDATA instead of returning a minimum-norm solution.
 *
 * The caller sets the array pointers before the call (params is required,
 * the others may be NULL); the function fills them and the scalars. */
typedef struct pr_ols_result {
    double *params;    /* k: coefficients                                      */
    double *bse;       /* k: standard errors, sqrt(sigma2 * diag((X'X)^-1))   */
    double *tvalues;   /* k: params / bse                                       */
    double *pvalues;   /* k: two-sided, Student t with df_resid dof             */
    double *resid;     /* n: y - X b                                            */
    size_t nobs, k, rank;
    int has_const;     /* 1 when one column is a non-zero constant             */
    double df_resid;   /* nobs - rank                                           */
    double ssr;        /* sum of squared residuals                              */
    double sigma2;     /* ssr / df_resid                                        */
    double rsquared;   /* centred when has_const, else uncentred (statsmodels)  */
    double rsquared_adj;
    double llf, aic, bic;  /* Gaussian log-likelihood; aic = -2 llf + 2 rank   */
} pr_ols_result;

int pr_stats_ols(size_t n, size_t k, const double *x, const double *y, pr_ols_result *res, pr_err *err);

/* ======================================================================== */
/* Hurst exponent                                                            */
/* ======================================================================== */
/* Both methods take a LEVEL series (a price, log price or spread).
 *
 * PR_HURST_RS (default): rescaled range of the increments d[t] = x[t]-x[t-1]
 *   with the Anis-Lloyd-Peters small-sample correction (Weron 2002). For each
 *   window size w the increments are cut into floor(m/w) non-overlapping
 *   chunks from the start (m = n-1, the tail remainder is unused); a chunk's
 *   R/S is (max - min of the cumulative demeaned sums) / population standard
 *   deviation, chunks with zero deviation are skipped, and (R/S)_w is their
 *   mean. H = 0.5 + slope of log((R/S)_w) - log(E[R/S]_w) on log(w), where
 *   E[R/S]_w is the Anis-Lloyd expectation for white noise with Peters'
 *   (w-1/2)/w factor. Window sizes: the distinct values floor(min_window *
 *   2^(j/4)), j = 0, 1, ..., up to max_window (defaults 16 and m/4), i.e.
 *   four per octave. The correction makes H ~ 0.5 for a random walk at any
 *   sample size, where plain R/S is biased upward; this is why it is the
 *   default.
 * PR_HURST_VAR: the variance-of-lagged-differences estimator popular in quant
 *   blogs: std(x[t+L] - x[t]) ~ L^H, H = OLS slope of log std (population)
 *   on log L for L = min_lag .. max_lag (defaults 2 and min(99, (n-1)/4); the
 *   blogs' range(2, 100)). Simple and fast, but it assumes the process has
 *   stationary increments at every lag in range and depends on that range.
 *
 * H < 0.5 suggests mean reversion, 0.5 a random walk, > 0.5 trending. */
typedef enum pr_hurst_method { PR_HURST_RS = 0, PR_HURST_VAR = 1 } pr_hurst_method;

typedef struct pr_hurst_opts {
    pr_hurst_method method;
    int min_window, max_window;   /* RS; 0 = default                           */
    int min_lag, max_lag;         /* VAR; 0 = default                          */
} pr_hurst_opts;

typedef struct pr_hurst_result {
    double h;              /* Hurst exponent                                  */
    double intercept;      /* of the log-log fit                              */
    double r2;             /* R^2 of the log-log fit                          */
    int npoints;           /* window sizes (RS) or lags (VAR) fitted          */
    pr_hurst_method method;
} pr_hurst_result;

void pr_hurst_opts_default(pr_hurst_opts *o);
int pr_hurst_method_parse(const char *s, pr_hurst_method *out);
const char *pr_hurst_method_name(pr_hurst_method m);
/* Option limits: RS min_window >= 4, max_window <= (n-1)/2, and the range
 * must hold two window sizes (with the defaults: n >= 4*19+1 = 77); VAR
 * min_lag >= 1, max_lag <= n/2, at least two lags (defaults: n >= 13).
 * A value 0 in opts selects the default. */
int pr_stats_hurst(size_t n, const double *x, const pr_hurst_opts *opts,
                   pr_hurst_result *out, pr_err *err);

/* ======================================================================== */
/* Augmented Dickey-Fuller and MacKinnon tables                              */
/* ======================================================================== */
/* Deterministic terms: none, constant, constant + linear trend, + quadratic. */
typedef enum pr_adf_regression {
    PR_ADF_N = 0, PR_ADF_C = 1, PR_ADF_CT = 2, PR_ADF_CTT = 3
} pr_adf_regression;

/* Lag selection over 0..maxlag, all fitted on the same sample (see below). */
typedef enum pr_adf_autolag {
    PR_ADF_AIC = 0,     /* minimum Akaike criterion (default)                  */
    PR_ADF_BIC = 1,     /* minimum Schwarz criterion                           */
    PR_ADF_TSTAT = 2,   /* from maxlag down, first lag with |t| >= 1.6449      */
    PR_ADF_FIXED = 3    /* no search: use maxlag                               */
} pr_adf_autolag;

typedef struct pr_adf_opts {
    pr_adf_regression regression;
    int maxlag;                   /* -1: min(ceil(12*(n/100)^(1/4)), n/2-ntrend-1) */
    pr_adf_autolag autolag;
} pr_adf_opts;

typedef struct pr_adf_result {
    double stat;          /* t statistic of the lagged level                    */
    double pvalue;        /* MacKinnon (1994) approximate p-value               */
    double crit[3];       /* MacKinnon (2010) critical values at 1%, 5%, 10%    */
    double gamma;         /* coefficient on the lagged level                    */
    double icbest;        /* best criterion (|t| for TSTAT), NaN for FIXED      */
    int usedlag;          /* lagged differences in the final regression         */
    int maxlag;           /* largest lag considered                             */
    size_t nobs;          /* observations in the final regression: n-1-usedlag  */
    pr_adf_regression regression;
} pr_adf_result;

void pr_adf_opts_default(pr_adf_opts *o);
/* "n" (also "nc"), "c", "ct", "ctt". */
int pr_adf_regression_parse(const char *s, pr_adf_regression *out);
const char *pr_adf_regression_name(pr_adf_regression r);
int pr_adf_autolag_parse(const char *s, pr_adf_autolag *out);   /* aic bic t-stat none */
const char *pr_adf_autolag_name(pr_adf_autolag a);

/* ADF test of x (n values), replicating statsmodels.tsa.stattools.adfuller:
 * dx[t] = x[t+1]-x[t] is regressed on x[t], dx[t-1..t-p] and the
 * deterministic terms (trend = 1, 2, ... over the rows used). With a lag
 * search, every p in 0..maxlag is fitted on the same rows (nobs = n-1-maxlag)
 * so the criteria are comparable; the chosen p is then refitted on all the
 * rows it allows (nobs = n-1-p). H0: unit root. */
int pr_stats_adf(size_t n, const double *x, const pr_adf_opts *opts, pr_adf_result *out, pr_err *err);

/* MacKinnon (1994) approximate asymptotic p-value of a unit-root or
 * cointegration t statistic; nseries = number of I(1) series, 1..6 (1 for
 * ADF, 2 for a pair in Engle-Granger). Outside the tabled range the p-value
 * is 0 or 1, as in statsmodels. */
int pr_stats_mackinnonp(double stat, pr_adf_regression reg, int nseries, double *p, pr_err *err);
/* MacKinnon (2010) critical values at 1%, 5%, 10%; nseries 1..12 (1 for
 * PR_ADF_N); nobs <= 0 gives the asymptotic values. */
int pr_stats_mackinnoncrit(int nseries, pr_adf_regression reg, double nobs, double crit[3], pr_err *err);

/* ======================================================================== */
/* Engle-Granger cointegration (statsmodels.tsa.stattools.coint)             */
/* ======================================================================== */
/* Step 1: OLS of y on x and the deterministic terms of `trend` (default c).
 * Step 2: ADF on the residuals with no deterministic terms (regression n),
 * lag chosen by `autolag` over 0..maxlag. p-value: MacKinnon (1994) with
 * N = 2 and `trend`'s table; critical values: MacKinnon (2010), N = 2, at
 * nobs = n - 1 (as statsmodels, after Stata's egranger). When y and x are
 * (almost) perfectly collinear (R^2 >= 1 - 100*sqrt(eps)) the statistic is
 * -inf, pvalue 0 and `collinear` 1, as statsmodels does. H0: no
 * cointegration. */
typedef struct pr_coint_opts {
    pr_adf_regression trend;      /* c (default), ct, ctt or n                */
    int maxlag;                   /* -1: default of adfuller on n residuals   */
    pr_adf_autolag autolag;
} pr_coint_opts;

typedef struct pr_coint_result {
    double hedge_ratio;    /* coefficient on x: spread = y - hedge*x - intercept */
    double intercept;      /* NaN for trend n                                  */
    double trend_coef;     /* coefficient on t = 1..n, NaN without a trend     */
    double stat, pvalue;
    double crit[3];        /* 1%, 5%, 10%; NaN for trend n                     */
    double rsquared;       /* of the cointegrating regression                  */
    int usedlag, maxlag;
    size_t nobs;           /* length of the series                              */
    size_t adf_nobs;       /* rows of the residual ADF regression (0 if collinear) */
    int collinear;
    pr_adf_regression trend;
} pr_coint_result;

void pr_coint_opts_default(pr_coint_opts *o);
int pr_stats_coint(size_t n, const double *y, const double *x, const pr_coint_opts *opts,
                   pr_coint_result *out, pr_err *err);

/* Engle-Granger on a sliding window of the latest n pairs (trend c only), for
 * a strategy that refits as bars arrive: pr_stats_coint's result on that
 * window, without rebuilding from it. Each push updates running sums of the
 * raw series' products (O(maxlag) per pair; redone from the window every n
 * pushes for the levels' products, every 8n for the differences'); a fit
 * assembles the ADF design's normal equations from them, solves every lag
 * at once (one Cholesky) and the chosen lag on its full sample (O(maxlag^3),
 * independent of n). Where normal equations could not be trusted to match
 * the QR path (a nearly singular design, R^2 near the collinearity
 * threshold, two lags with nearly equal criteria, a constant or non-finite
 * window) the fit runs pr_stats_coint on the window instead, so its errors
 * and decisions are the batch path's. */
typedef struct pr_coint_roll {
    size_t n;                   /* pairs per fit                                 */
    int maxlag;                 /* ADF lags searched (adfuller's default for n)  */
    pr_coint_opts opts;
    size_t cap, end, count;     /* buffer length; one past the newest; held      */
    size_t pushes, last_bad;    /* pairs pushed; push number of the latest non-finite */
    size_t run_y, run_x;        /* equal values ending at the newest             */
    size_t level_slides, lag_slides;   /* sliding updates since each exact pass  */
    int exact;                  /* the running sums describe the window          */
    size_t fallbacks;           /* fits answered by pr_stats_coint               */
    double *mem;                /* one allocation for everything below           */
    double *y, *x, *dy, *dx;    /* closes and differences, window contiguous     */
    double *r;                  /* 3 x (maxlag+1, even) lagged difference products */
    double *icfac;              /* the lag criterion's penalty, a factor on ssr  */
    double *work;
    double cy, cx;              /* the levels' reference (window mean at recompute) */
    double sy, sx, syy, sxx, sxy;   /* window sums of centred levels            */
    double v[3];                /* centred level x next difference products      */
    double crit[3];
} pr_coint_roll;

/* n >= 8; opts NULL or trend c with any autolag and maxlag (-1: default). */
int pr_stats_coint_roll_init(pr_coint_roll *r, size_t n, const pr_coint_opts *opts, pr_err *err);
void pr_stats_coint_roll_push(pr_coint_roll *r, double y, double x);
/* Pairs held (at most n); *y and *x point at them, oldest first (valid until
 * the next push). */
size_t pr_stats_coint_roll_window(const pr_coint_roll *r, const double **y, const double **x);
/* pr_stats_coint on the latest n pairs; PR_EDATA before n pairs. */
int pr_stats_coint_roll_fit(pr_coint_roll *r, pr_coint_result *out, pr_err *err);
void pr_stats_coint_roll_free(pr_coint_roll *r);

/* ======================================================================== */
/* Half-life of mean reversion                                               */
/* ======================================================================== */
/* OLS of ds[t] = s[t] - s[t-1] on a constant and s[t-1] (t = 1..n-1):
 * ds = c + lambda s[t-1] + e; half-life = -ln 2 / lambda, in bars. When
 * lambda >= 0 the series does not revert: halflife = +inf, mean_reverting
 * 0 (still PR_OK). n >= 4. */
typedef struct pr_halflife_result {
    double halflife;
    double lambda, lambda_se, lambda_t, lambda_p;
    double intercept;
    double mean;           /* implied equilibrium -c/lambda (NaN when lambda 0) */
    size_t nobs;           /* n - 1                                            */
    int mean_reverting;
} pr_halflife_result;

int pr_stats_halflife(size_t n, const double *s, pr_halflife_result *out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
