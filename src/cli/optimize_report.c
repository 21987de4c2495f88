/* What `proratio optimize` says about how far a search's best can be
 * trusted (engine/overfit.h): the deflated Sharpe ratio of the best trial
 * among all the trials tried, the probability of backtest overfitting by
 * CSCV over the trials' daily returns, the minimum backtest length for the
 * best Sharpe, and the best point's neighbourhood (parameter stability);
 * and the Monte Carlo of a result (engine/montecarlo.h): its trades
 * reshuffled and its daily returns bootstrapped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize_report.h"

/* The best point's neighbours: trials whose every numeric value lies within
 * a tenth of its dimension's range of the best's, and the same choices. */
static void stability(const opt_settings *o, const opt_trial *t, size_t n, long best, opt_overfit *ov) {
    const pr_opt_space *sp = &o->space;
    double sum = 0, lo = INFINITY;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((long)i == best || !isfinite(t[i].score)) continue;
        int near = 1;
        for (size_t d = 0; d < sp->n && near; d++) {
            const pr_opt_dim *dm = &sp->dim[d];
            if (dm->kind == PR_OPT_CHOICE) near = t[i].x[d] == t[best].x[d];
            else {
                double span = dm->kind == PR_OPT_LOG ? log(dm->hi / dm->lo) : dm->hi - dm->lo;
                double dx = dm->kind == PR_OPT_LOG ? fabs(log(t[i].x[d] / t[best].x[d])) : fabs(t[i].x[d] - t[best].x[d]);
                near = span > 0 ? dx <= 0.1 * span + 1e-12 : dx == 0;
            }
        }
        if (!near) continue;
        sum += t[i].score;
        if (t[i].score < lo) lo = t[i].score;
        k++;
    }
    ov->n_near = k;
    ov->near_mean = k ? sum / (double)k : NAN;
    ov->near_min = k ? lo : NAN;
    ov->best_score = t[best].score;
}

void opt_overfit_compute(const opt_settings *o, const opt_trial *t, size_t n, long best, const opt_returns *ret,
                         const double *best_daily, size_t n_days, double days_per_year, opt_overfit *ov) {
    memset(ov, 0, sizeof *ov);
    ov->n_trials = n;
    ov->days = n_days;
    ov->data_years = days_per_year > 0 ? (double)n_days / days_per_year : NAN;
    if (best < 0) return;
    stability(o, t, n, best, ov);
    pr_err e;
    pr_err_clear(&e);
    /* The trials whose run went through (a configuration that failed to
     * run is no strategy); their daily Sharpes give the DSR its variance. */
    size_t cols = ret ? ret->cols : 0, m = 0;
    size_t *keep = cols ? malloc(cols * sizeof *keep) : NULL;
    double *sr = cols ? malloc(cols * sizeof *sr) : NULL;
    for (size_t j = 0; keep && sr && j < cols && j < n; j++) {
        if (t[j].failed) continue;
        double s1 = 0, s2 = 0;
        for (size_t d = 0; d < ret->rows; d++) {
            double r = ret->m[d * cols + j];
            s1 += r;
            s2 += r * r;
        }
        double mean = s1 / (double)ret->rows, var = (s2 - s1 * mean) / (double)(ret->rows - 1);
        sr[m] = var > 0 ? mean / sqrt(var) : 0;
        keep[m++] = j;
    }
    pr_return_moments mo;
    if (best_daily && n_days >= 2 && pr_return_moments_compute(best_daily, n_days, &mo, &e) == PR_OK) {
        ov->best_sr_daily = mo.sharpe;
        if (m >= 2) {
            /* N is every trial tried; the variance comes from those whose returns were kept */
            double var = 0, mean = 0;
            for (size_t i = 0; i < m; i++) mean += sr[i] / (double)m;
            for (size_t i = 0; i < m; i++) var += (sr[i] - mean) * (sr[i] - mean) / (double)(m - 1);
            if (pr_dsr(mo.sharpe, n_days, mo.skew, mo.kurt, (double)n, var, &ov->dsr, &e) == PR_OK) ov->has_dsr = 1;
        }
        double annual = mo.sharpe * sqrt(days_per_year);
        if (annual > 0 && pr_min_btl((double)n, annual, &ov->min_btl_years, &e) == PR_OK) ov->has_btl = 1;
    } else if (best_daily) {
        snprintf(ov->why_not, sizeof ov->why_not, "the best trial's daily returns: %s", e.msg);
    }
    if (m >= 2 && ret->rows >= 2 * PR_PBO_DEFAULT_BLOCKS) {
        double *mat = malloc(ret->rows * m * sizeof *mat);
        if (mat) {
            for (size_t d = 0; d < ret->rows; d++)
                for (size_t i = 0; i < m; i++) mat[d * m + i] = ret->m[d * cols + keep[i]];
            pr_err_clear(&e);
            if (pr_pbo_cscv(mat, ret->rows, m, 0, &ov->pbo, NULL, NULL, NULL, &e) == PR_OK) {
                ov->has_pbo = 1;
                ov->pbo_trials = m;
            } else {
                snprintf(ov->why_not, sizeof ov->why_not, "PBO: %s", e.msg);
            }
            free(mat);
        }
    } else if (!ov->why_not[0]) {
        snprintf(ov->why_not, sizeof ov->why_not, "PBO needs 2 trials and %d days (%zu trials, %zu days)",
                 2 * PR_PBO_DEFAULT_BLOCKS, m, ret ? ret->rows : 0);
    }
    free(keep);
    free(sr);
}

void opt_overfit_print(const opt_overfit *ov, FILE *f) {
    if (ov->has_dsr)
        fprintf(f, "overfitting  deflated Sharpe %.3f: the probability that the best's true Sharpe beats the best of "
                   "%zu skill-less trials (daily Sharpe %.4f vs %.4f expected by luck; trust it from 0.95)\n",
                ov->dsr.dsr, ov->n_trials, ov->best_sr_daily, ov->dsr.sr0);
    if (ov->has_pbo)
        fprintf(f, "             PBO %.2f: the probability of backtest overfitting (CSCV, %zu blocks of the %zu days, "
                   "%zu trials: how often the in-sample best falls in the lower half out of sample)\n",
                ov->pbo.pbo, ov->pbo.n_blocks, ov->days, ov->pbo_trials);
    if (ov->has_btl)
        fprintf(f, "             minimum backtest length %.1f years for that Sharpe after %zu trials (the data: %.1f "
                   "years%s)\n",
                ov->min_btl_years, ov->n_trials, ov->data_years,
                ov->min_btl_years > ov->data_years ? ": too short to tell it from luck" : "");
    if (ov->why_not[0]) fprintf(f, "             not computed: %s\n", ov->why_not);
    if (ov->n_near)
        fprintf(f, "stability    %zu trials within a tenth of each range of the best: score mean %.4f, worst %.4f "
                   "(best %.4f)\n",
                ov->n_near, ov->near_mean, ov->near_min, ov->best_score);
    else if (isfinite(ov->best_score))
        fprintf(f, "stability    no other trial within a tenth of each range of the best: nothing says its "
                   "neighbourhood holds up\n");
}

static void mc_line(FILE *f, const char *what, const pr_mc_result *r, double cash) {
    /* percentiles 5, 50, 95 are levels 0, 2, 4 of the defaults */
    fprintf(f, "             %s: final equity %.0f / %.0f / %.0f, max drawdown %.1f%% / %.1f%% / %.1f%%", what,
            r->final_equity[0], r->final_equity[2], r->final_equity[4], r->max_drawdown[0] * 100,
            r->max_drawdown[2] * 100, r->max_drawdown[4] * 100);
    for (size_t i = 0; i < r->n_ruin; i++)
        fprintf(f, ", P(below %.0f%% of %.0f) %.3f", r->ruin[i] * 100, cash, r->ruin_prob[i]);
    fputc('\n', f);
}

void opt_montecarlo_print(const pr_trade_record *tr, size_t n_tr, const double *daily, size_t n_days, double cash,
                          uint64_t seed, FILE *f) {
    pr_mc_options mo;
    pr_mc_options_default(&mo);
    mo.seed = seed;
    mo.sims = 10000;
    pr_mc_result r;
    pr_err e;
    pr_err_clear(&e);
    fprintf(f, "monte carlo  %zu paths (seed %llu), percentiles 5 / 50 / 95:\n", mo.sims, (unsigned long long)seed);
    double *pnl = n_tr ? malloc(n_tr * sizeof *pnl) : NULL;
    size_t k = 0;
    for (size_t i = 0; pnl && i < n_tr; i++)
        if (tr[i].exit_ts != PR_TIME_NONE) pnl[k++] = tr[i].pnl;
    char what[96];
    snprintf(what, sizeof what, "the %zu closed trades reshuffled", k);
    if (k >= 2 && pr_mc_reshuffle_trades(pnl, k, cash, &mo, &r, NULL, NULL, &e) == PR_OK) mc_line(f, what, &r, cash);
    else fprintf(f, "             trades reshuffled: not computed (%zu closed trades%s%s)\n", k, e.msg[0] ? ": " : "",
                 e.msg);
    free(pnl);
    pr_err_clear(&e);
    snprintf(what, sizeof what, "the %zu daily returns bootstrapped", n_days);
    if (n_days >= 2 && pr_mc_bootstrap_returns(daily, n_days, cash, &mo, &r, NULL, NULL, &e) == PR_OK)
        mc_line(f, what, &r, cash);
    else fprintf(f, "             daily returns bootstrapped: not computed (%zu days%s%s)\n", n_days,
                 e.msg[0] ? ": " : "", e.msg);
}
