/* Part of risk.h: cross-asset correlation (issue #11 §6). A rolling
 * correlation matrix of returns, a lead-lag detector (does A lead B by k
 * bars?), a risk-on/risk-off score from configured proxies and
 * correlation-breakdown alerts. All take return series already aligned on
 * the same bar times (the caller joins them) and read, for bar t, returns
 * up to t only. */
#ifndef PRORATIO_RISK_CORREL_H
#define PRORATIO_RISK_CORREL_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Log returns: out[0] = NaN, out[t] = log(close[t] / close[t-1]). */
void pr_corr_log_returns(size_t n, const double *close, double *out);

/* Pearson correlation of x[t-w+1..t] and y[t-w+1..t] (the window ending at
 * t); NaN when the window starts before 0, holds a NaN or a constant series. */
double pr_corr_window(const double *x, const double *y, size_t t, size_t w);

/* The k x k matrix (row-major, out[i*k+j]) of the window ending at t over
 * the k series ret[0..k-1]; the diagonal is 1 (NaN for a series without a
 * defined correlation). */
void pr_corr_matrix(size_t k, const double *const *ret, size_t t, size_t w, double *out);

/* Lead-lag: corr(a[s-lag], b[s]) over the w bars s = t-w+1..t, for lag =
 * 0..max_lag (a positive lag: a moves first, b follows `lag` bars later).
 * by_lag (max_lag + 1 cells, may be NULL) receives every lag's value; *best
 * the lag of the largest |correlation| (ties: the smallest lag) and
 * *best_corr its value. PR_ERANGE when t + 1 < w + max_lag + 1 (not enough
 * history: the first return is NaN), PR_EDATA when no lag has a value. */
int pr_corr_lead_lag(const double *a, const double *b, size_t t, size_t w, int max_lag, double *by_lag,
                     int *best, double *best_corr, pr_err *err);

/* Risk-on/risk-off score in [-1, 1] at t from n proxies: proxy i's return
 * over the latest L bars, r_i = sum of ret[i][t-L+1..t], is standardised
 * by its own volatility, z_i = r_i / (sd_i * sqrt(L)) with sd_i the
 * population standard deviation of ret[i] over the latest w bars; then
 * score = (1/n) * sum sign_i * clamp(z_i / z_cap, -1, 1). sign_i is +1 for
 * a risk-on asset (equities, BTC, AUD) and -1 for a haven (gold, JPY,
 * bonds): SPY and BTC up with gold down gives a positive score. NaN when a
 * proxy has no defined z (too little history, zero volatility). */
double pr_risk_on_score(size_t n, const double *const *ret, const double *sign, size_t t, size_t lookback, size_t w,
                        double z_cap);

/* Correlation breakdown: at bar t the short-window correlation has fallen
 * more than `drop` below the long-window one: corr_long - corr_short >
 * drop (both ending at t). Alerts are the bars where that condition starts
 * (it did not hold at t-1). Writes up to cap alert indices into out and
 * returns how many there are in all. */
size_t pr_corr_breakdowns(size_t n, const double *x, const double *y, size_t w_short, size_t w_long, double drop,
                          size_t *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
