/* Part of engine.h: Monte Carlo of a result (README "Overfitting statistics
 * and Monte Carlo"): how the same trades in another order, or returns drawn
 * again from the same distribution, could have turned out. Two resamplers:
 *   - trade-order reshuffling: the closed trades' money P&Ls added to the
 *     start equity in a random order (without replacement): the final
 *     equity is the same on every path (up to rounding), the drawdowns and
 *     ruin are not;
 *   - bootstrap of per-period returns (with replacement): path_len returns
 *     drawn uniformly from the input and compounded from the start equity.
 * Each gives, over `sims` paths, percentiles of the final equity and of the
 * maximum drawdown and the probability of ruin at given thresholds.
 * Seeded (pr_rng, xoshiro256**): the same inputs and options give the same
 * numbers on any machine. Paths are independent draws, so no serial
 * dependence of the returns survives the bootstrap. */
#ifndef PRORATIO_ENGINE_MONTECARLO_H
#define PRORATIO_ENGINE_MONTECARLO_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_MC_MAX_LEVELS 16

typedef struct pr_mc_options {
    size_t sims;                 /* paths (>= 1); default 10000                      */
    uint64_t seed;               /* default 1                                        */
    size_t n_percentiles;        /* levels used from `percentiles`                   */
    double percentiles[PR_MC_MAX_LEVELS];  /* in [0, 100]; default 5 25 50 75 95     */
    size_t n_ruin;               /* thresholds used from `ruin` (may be 0)            */
    double ruin[PR_MC_MAX_LEVELS];  /* fractions f in (0, 1] of the start equity:
                                    a path is ruined at f when its equity ever falls
                                    below f * start; default 0.75 and 0.5            */
    size_t path_len;             /* bootstrap: returns per path; 0 = as many as given */
} pr_mc_options;

/* The defaults above. */
void pr_mc_options_default(pr_mc_options *o);

typedef struct pr_mc_result {
    size_t sims;
    size_t n_percentiles;
    double percentiles[PR_MC_MAX_LEVELS];   /* the levels, as given                */
    /* At each level: linear interpolation between the sorted paths' values
     * (position (sims-1) * level/100, numpy's default "linear" method). */
    double final_equity[PR_MC_MAX_LEVELS];
    double max_drawdown[PR_MC_MAX_LEVELS];  /* largest fall from a running peak
                                             (the start included) as a fraction of
                                             that peak; above 1 once equity is < 0 */
    double final_equity_mean, max_drawdown_mean;
    double prob_loss;            /* share of paths ending below the start equity    */
    size_t n_ruin;
    double ruin[PR_MC_MAX_LEVELS];          /* the thresholds, as given            */
    double ruin_prob[PR_MC_MAX_LEVELS];     /* share of paths ruined at each       */
} pr_mc_result;

/* Reshuffles the order of the trades' P&Ls pnl[0..n) (money, n >= 1, finite)
 * from start_equity (> 0). opt NULL: defaults. sim_final and sim_dd may each
 * be NULL or hold opt->sims values: each path's final equity and maximum
 * drawdown, in simulation order. */
int pr_mc_reshuffle_trades(const double *pnl, size_t n, double start_equity,
                           const pr_mc_options *opt, pr_mc_result *out, double *sim_final,
                           double *sim_dd, pr_err *err);

/* Bootstraps the per-period returns ret[0..n) (fractions, finite, >= -1;
 * n >= 1): each path compounds opt->path_len (0: n) returns drawn with
 * replacement from start_equity (> 0). Otherwise as pr_mc_reshuffle_trades. */
int pr_mc_bootstrap_returns(const double *ret, size_t n, double start_equity,
                            const pr_mc_options *opt, pr_mc_result *out, double *sim_final,
                            double *sim_dd, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
