/* Part of risk.h: value at risk and expected shortfall (CVaR) of a book of
 * positions over one decision step, historical (the losses the book would
 * have made on each step of the return window) and Monte Carlo (seeded
 * normal draws with the window's mean and variance), as pure functions of
 * caller-owned arrays, plus `risk.var`: the pre-trade limit on the book's
 * VaR and the window both the check and the report's VaR series use.
 *
 * Quantile convention (both methods): of n scenario losses sorted
 * ascending, L(1) <= ... <= L(n), VaR at confidence a is L(k) with
 * k = ceil(a * n) (the smallest loss that at least a of the scenarios do not
 * exceed), and CVaR is the mean of L(k) ... L(n). Losses are positive money
 * (account currency); a book that gains in every scenario has a negative
 * VaR. */
#ifndef PRORATIO_RISK_VAR_H
#define PRORATIO_RISK_VAR_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_VAR_WINDOW_MAX 2000   /* steps of returns kept                 */

typedef enum pr_risk_var_method { PR_VAR_HISTORICAL = 0, PR_VAR_MONTE_CARLO } pr_risk_var_method;
extern const char *const pr_risk_var_method_names[];

/* `risk.var`; limit 0 turns the pre-trade check off. */
typedef struct pr_risk_var {
    double limit;            /* the book's VaR after an entry, fraction of equity  */
    double confidence;       /* of the check (0.95)                                 */
    int method;              /* pr_risk_var_method of the check                     */
    int window;              /* decision steps of returns (100)                     */
    int min_obs;             /* fewer steps seen: no VaR yet, the check passes (20)  */
    int paths;               /* Monte Carlo draws (10000)                            */
    int seed;                /* Monte Carlo seed (1)                                 */
} pr_risk_var;

extern const pr_strategy_info pr_risk_var_info;

/* Moves the k-th smallest (0-based, k < n) of x[0..n) to x[k], the smaller
 * ones before it and the larger after it (a selection, O(n)). */
void pr_risk_select(double *x, size_t n, size_t k);
/* VaR and CVaR at confidence a of the n losses in loss[] (reordered in
 * place, O(n)); n == 0 gives 0 and 0. */
void pr_risk_var_losses(double *loss, size_t n, double a, double *var, double *cvar);
/* The book's P&L on each of the latest n rows of a ring of `cap` rows of
 * n_inst returns (row-major, one row per step; the next row to write is
 * `head`; a plain matrix of n rows: cap = head = n), expo the book's signed
 * notional per instrument, into pnl[0..n). */
void pr_risk_book_pnl(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                      double *pnl);
/* Historical VaR and CVaR of those rows; scratch holds n doubles. */
void pr_risk_var_hist(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                      double a, double *scratch, double *var, double *cvar);
/* Monte Carlo: `paths` draws of the book's P&L, normal with the mean and
 * (sample) variance of its P&L on those rows (the book is linear in the
 * returns, so this is the multivariate normal with the rows' mean vector and
 * covariance), GSL's mt19937 seeded with `seed`; scratch holds
 * max(n, paths) doubles. PR_EINVAL for n < 2 or paths < 1. */
int pr_risk_var_mc(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                   double a, size_t paths, unsigned long seed, double *scratch, double *var, double *cvar);

#ifdef __cplusplus
}
#endif
#endif
