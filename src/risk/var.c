/* Value at risk and CVaR (risk/var.h): the k-th smallest loss found by a
 * selection (O(n), no sort: the report asks for a VaR at every step), the
 * historical book losses from the return rows, and the seeded Monte Carlo
 * draws; plus the `risk.var` parameter table. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "proratio/risk/var.h"

const char *const pr_risk_var_method_names[] = {"historical", "monte_carlo", NULL};

#define P_(f) offsetof(pr_risk_var, f)

static const pr_param_def k_var[] = {
    {.name = "limit", .type = PR_PARAM_NUMBER, .offset = P_(limit), .def = 0, .min = 0, .max = 1,
     .desc = "refuse an entry after which the book's one-step VaR exceeds this fraction of equity (0: off)"},
    {.name = "confidence", .type = PR_PARAM_NUMBER, .offset = P_(confidence), .def = 0.95, .min = 0.5, .max = 1,
     .open = 1, .desc = "confidence of the VaR the limit checks"},
    {.name = "method", .type = PR_PARAM_CHOICE, .offset = P_(method), .def = PR_VAR_HISTORICAL,
     .choices = pr_risk_var_method_names, .desc = "VaR of the check: historical or monte_carlo"},
    {.name = "window", .type = PR_PARAM_INT, .offset = P_(window), .def = 100, .min = 2,
     .max = PR_RISK_VAR_WINDOW_MAX, .desc = "decision steps of returns behind the VaR and the correlations"},
    {.name = "min_obs", .type = PR_PARAM_INT, .offset = P_(min_obs), .def = 20, .min = 2,
     .max = PR_RISK_VAR_WINDOW_MAX, .desc = "steps of returns needed before a VaR exists (the check passes before)"},
    {.name = "paths", .type = PR_PARAM_INT, .offset = P_(paths), .def = 10000, .min = 100, .max = 10000000,
     .desc = "monte_carlo: draws"},
    {.name = "seed", .type = PR_PARAM_INT, .offset = P_(seed), .def = 1, .min = 0, .max = 2147483647,
     .desc = "monte_carlo: seed of the draws (same seed, same VaR)"},
};

static int check_var(const void *p, const char **what, char *msg, size_t cap) {
    const pr_risk_var *c = p;
    if (c->min_obs > c->window) {
        *what = "min_obs";
        snprintf(msg, cap, "expected at most window (%d)", c->window);
        return -1;
    }
    return 0;
}

const pr_strategy_info pr_risk_var_info = {
    .name = "risk.var",
    .summary = "value at risk: the pre-trade limit and the window",
    .params = k_var,
    .n_params = sizeof k_var / sizeof k_var[0],
    .size = sizeof(pr_risk_var),
    .check = check_var,
};

static void swap(double *a, double *b) {
    double t = *a;
    *a = *b;
    *b = t;
}

/* Hoare's selection, median-of-three pivots. */
void pr_risk_select(double *x, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo]) swap(&x[mid], &x[lo]);
        if (x[hi] < x[lo]) swap(&x[hi], &x[lo]);
        if (x[hi] < x[mid]) swap(&x[hi], &x[mid]);
        double piv = x[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < piv) i++;
            while (x[j] > piv) j--;
            if (i <= j) {
                swap(&x[i], &x[j]);
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return;
    }
}

void pr_risk_var_losses(double *loss, size_t n, double a, double *var, double *cvar) {
    if (n == 0) {
        *var = *cvar = 0;
        return;
    }
    size_t k = (size_t)ceil(a * (double)n - 1e-9);   /* 1-based; the epsilon keeps 0.95*100 at 95 */
    if (k < 1) k = 1;
    if (k > n) k = n;
    pr_risk_select(loss, n, k - 1);
    double sum = 0;
    for (size_t i = k - 1; i < n; i++) sum += loss[i];
    *var = loss[k - 1];
    *cvar = sum / (double)(n - k + 1);
}

void pr_risk_book_pnl(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                      double *pnl) {
    for (size_t k = 0; k < n; k++) {
        const double *r = ret + ((head + cap - 1 - k) % cap) * n_inst;
        double x = 0;
        for (size_t j = 0; j < n_inst; j++) x += expo[j] * r[j];
        pnl[k] = x;
    }
}

void pr_risk_var_hist(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                      double a, double *scratch, double *var, double *cvar) {
    pr_risk_book_pnl(ret, cap, n_inst, head, n, expo, scratch);
    for (size_t k = 0; k < n; k++) scratch[k] = -scratch[k];
    pr_risk_var_losses(scratch, n, a, var, cvar);
}

int pr_risk_var_mc(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, const double *expo,
                   double a, size_t paths, unsigned long seed, double *scratch, double *var, double *cvar) {
    if (n < 2 || paths < 1) return PR_EINVAL;
    pr_risk_book_pnl(ret, cap, n_inst, head, n, expo, scratch);
    double mean = 0, m2 = 0;   /* Welford */
    for (size_t k = 0; k < n; k++) {
        double d = scratch[k] - mean;
        mean += d / (double)(k + 1);
        m2 += d * (scratch[k] - mean);
    }
    double sd = sqrt(m2 / (double)(n - 1));
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) return PR_ENOMEM;
    gsl_rng_set(rng, seed);
    for (size_t i = 0; i < paths; i++) scratch[i] = -(mean + gsl_ran_gaussian_ziggurat(rng, sd));
    gsl_rng_free(rng);
    pr_risk_var_losses(scratch, paths, a, var, cvar);
    return PR_OK;
}
