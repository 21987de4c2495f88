/* Internal to the CLI: the overfitting statistics of a `proratio optimize`
 * search and the Monte Carlo of a result, worked out and printed
 * (optimize_report.c). */
#ifndef PR_CLI_OPTIMIZE_REPORT_H
#define PR_CLI_OPTIMIZE_REPORT_H
#include <stdio.h>
#include "optimize.h"

typedef struct opt_overfit {
    size_t n_trials, days;
    double data_years;
    int has_dsr;
    pr_dsr_result dsr;
    double best_sr_daily;
    int has_pbo;
    pr_pbo_result pbo;
    size_t pbo_trials;
    int has_btl;
    double min_btl_years;
    size_t n_near;           /* the best point's neighbours                   */
    double near_mean, near_min, best_score;
    char why_not[PR_ERR_MSG_MAX + 64];
} opt_overfit;

/* The statistics of trials t[0..n) whose best is t[best] (-1: none):
 * ret holds the daily returns of the first ret->cols trials (NULL: no PBO),
 * best_daily the best's n_days daily returns. */
void opt_overfit_compute(const opt_settings *o, const opt_trial *t, size_t n, long best, const opt_returns *ret,
                         const double *best_daily, size_t n_days, double days_per_year, opt_overfit *ov);
void opt_overfit_print(const opt_overfit *ov, FILE *f);
/* Trades reshuffled and daily returns bootstrapped, 10,000 paths each. */
void opt_montecarlo_print(const pr_trade_record *tr, size_t n_tr, const double *daily, size_t n_days, double cash,
                          uint64_t seed, FILE *f);

#endif
