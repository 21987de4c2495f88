/* Monte Carlo of a result: trade-order reshuffling and return bootstrap
 * (include/proratio/engine/montecarlo.h). One pr_rng drawn in simulation
 * order makes the result a function of the inputs and the seed alone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine/montecarlo.h"

void pr_mc_options_default(pr_mc_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->sims = 10000;
    o->seed = 1;
    static const double levels[] = {5, 25, 50, 75, 95};
    o->n_percentiles = sizeof levels / sizeof levels[0];
    memcpy(o->percentiles, levels, sizeof levels);
    o->n_ruin = 2;
    o->ruin[0] = 0.75;
    o->ruin[1] = 0.5;
}

/* Uniform index in [0, k): the 53-bit uniform scaled; its bias (k / 2^53)
 * is far below anything a simulation can see. */
static size_t draw_index(pr_rng *r, size_t k) {
    size_t j = (size_t)(pr_rng_uniform(r) * (double)k);
    return j < k ? j : k - 1;
}

static int check_options(const char *fn, const pr_mc_options *o, pr_err *err) {
    if (o->sims < 1) return pr_err_set(err, PR_EINVAL, "%s: sims is 0; at least 1 path is needed", fn);
    if (o->n_percentiles > PR_MC_MAX_LEVELS || o->n_ruin > PR_MC_MAX_LEVELS)
        return pr_err_set(err, PR_EINVAL, "%s: at most %d percentiles and %d ruin thresholds", fn,
                          PR_MC_MAX_LEVELS, PR_MC_MAX_LEVELS);
    for (size_t i = 0; i < o->n_percentiles; i++)
        if (!(o->percentiles[i] >= 0 && o->percentiles[i] <= 100))
            return pr_err_set(err, PR_EINVAL, "%s: percentile %g is outside [0, 100]", fn,
                              o->percentiles[i]);
    for (size_t i = 0; i < o->n_ruin; i++)
        if (!(o->ruin[i] > 0 && o->ruin[i] <= 1))
            return pr_err_set(err, PR_EINVAL,
                              "%s: ruin threshold %g is outside (0, 1] (a fraction of the start "
                              "equity: 0.5 = ruined below half of it)", fn, o->ruin[i]);
    return PR_OK;
}

static int check_inputs(const char *fn, const char *what, const double *x, size_t n,
                        double start, double min, pr_err *err) {
    if (!x || n == 0) return pr_err_set(err, PR_EINVAL, "%s: no %s", fn, what);
    if (!isfinite(start) || !(start > 0))
        return pr_err_set(err, PR_EINVAL, "%s: the start equity is %g; it must be > 0", fn, start);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return pr_err_set(err, PR_EDATA, "%s: %s %zu is %s", fn, what, i,
                              isnan(x[i]) ? "NaN" : "infinite");
        if (x[i] < min)
            return pr_err_set(err, PR_EDATA, "%s: %s %zu is %g, below %g", fn, what, i, x[i], min);
    }
    return PR_OK;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile_sorted(const double *v, size_t n, double level) {
    double h = (double)(n - 1) * level / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* Path state: running peak, worst drawdown, lowest equity. */
typedef struct path {
    double eq, peak, dd, low;
} path;

static void path_start(path *p, double start) {
    p->eq = p->peak = p->low = start;
    p->dd = 0;
}

static void path_step(path *p, double eq) {
    p->eq = eq;
    if (eq > p->peak) p->peak = eq;
    double dd = (p->peak - eq) / p->peak;
    if (dd > p->dd) p->dd = dd;
    if (eq < p->low) p->low = eq;
}

typedef struct sim_state {
    double *final, *dd;          /* per path                                         */
    size_t ruined[PR_MC_MAX_LEVELS];
    size_t losses;
} sim_state;

static void record(sim_state *s, const pr_mc_options *o, size_t i, const path *p, double start) {
    s->final[i] = p->eq;
    s->dd[i] = p->dd;
    if (p->eq < start) s->losses++;
    for (size_t k = 0; k < o->n_ruin; k++)
        if (p->low < o->ruin[k] * start) s->ruined[k]++;
}

static void summarise(sim_state *s, const pr_mc_options *o, pr_mc_result *out) {
    size_t n = o->sims;
    memset(out, 0, sizeof *out);
    out->sims = n;
    double sf = 0, sd = 0;
    for (size_t i = 0; i < n; i++) { sf += s->final[i]; sd += s->dd[i]; }
    out->final_equity_mean = sf / (double)n;
    out->max_drawdown_mean = sd / (double)n;
    out->prob_loss = (double)s->losses / (double)n;
    qsort(s->final, n, sizeof *s->final, cmp_double);
    qsort(s->dd, n, sizeof *s->dd, cmp_double);
    out->n_percentiles = o->n_percentiles;
    for (size_t k = 0; k < o->n_percentiles; k++) {
        out->percentiles[k] = o->percentiles[k];
        out->final_equity[k] = percentile_sorted(s->final, n, o->percentiles[k]);
        out->max_drawdown[k] = percentile_sorted(s->dd, n, o->percentiles[k]);
    }
    out->n_ruin = o->n_ruin;
    for (size_t k = 0; k < o->n_ruin; k++) {
        out->ruin[k] = o->ruin[k];
        out->ruin_prob[k] = (double)s->ruined[k] / (double)n;
    }
}

/* Shared driver: kind 0 reshuffles money P&Ls, kind 1 bootstraps returns. */
static int run(const char *fn, int kind, const double *x, size_t n, double start,
               const pr_mc_options *opt, pr_mc_result *out, double *sim_final, double *sim_dd,
               pr_err *err) {
    pr_mc_options def;
    if (!opt) {
        pr_mc_options_default(&def);
        opt = &def;
    }
    if (!out) return pr_err_set(err, PR_EINVAL, "%s: no output", fn);
    int rc = check_options(fn, opt, err);
    if (rc) return rc;
    rc = check_inputs(fn, kind ? "return" : "trade P&L", x, n, start, kind ? -1.0 : -INFINITY, err);
    if (rc) return rc;
    size_t len = kind && opt->path_len ? opt->path_len : n;
    if (opt->sims > SIZE_MAX / sizeof(double))
        return pr_err_set(err, PR_EINVAL, "%s: %zu paths is too many", fn, opt->sims);

    sim_state s;
    memset(&s, 0, sizeof s);
    s.final = malloc(opt->sims * sizeof *s.final);
    s.dd = malloc(opt->sims * sizeof *s.dd);
    double *work = kind ? NULL : malloc(n * sizeof *work);
    if (!s.final || !s.dd || (!kind && !work)) {
        free(s.final);
        free(s.dd);
        free(work);
        return pr_err_set(err, PR_ENOMEM, "%s: out of memory for %zu paths", fn, opt->sims);
    }
    if (work) memcpy(work, x, n * sizeof *work);

    pr_rng rng;
    pr_rng_seed(&rng, opt->seed);
    path p;
    for (size_t i = 0; i < opt->sims; i++) {
        path_start(&p, start);
        if (kind) {
            for (size_t t = 0; t < len; t++) path_step(&p, p.eq * (1.0 + x[draw_index(&rng, n)]));
        } else {
            /* Fisher-Yates over the previous path's order: a uniform
             * shuffle of any permutation is a uniform permutation. */
            for (size_t t = n; t > 1; t--) {
                size_t j = draw_index(&rng, t);
                double tmp = work[t - 1];
                work[t - 1] = work[j];
                work[j] = tmp;
            }
            for (size_t t = 0; t < n; t++) path_step(&p, p.eq + work[t]);
        }
        record(&s, opt, i, &p, start);
    }
    if (sim_final) memcpy(sim_final, s.final, opt->sims * sizeof *sim_final);
    if (sim_dd) memcpy(sim_dd, s.dd, opt->sims * sizeof *sim_dd);
    summarise(&s, opt, out);
    free(s.final);
    free(s.dd);
    free(work);
    return PR_OK;
}

int pr_mc_reshuffle_trades(const double *pnl, size_t n, double start_equity,
                           const pr_mc_options *opt, pr_mc_result *out, double *sim_final,
                           double *sim_dd, pr_err *err) {
    return run("trade reshuffle", 0, pnl, n, start_equity, opt, out, sim_final, sim_dd, err);
}

int pr_mc_bootstrap_returns(const double *ret, size_t n, double start_equity,
                            const pr_mc_options *opt, pr_mc_result *out, double *sim_final,
                            double *sim_dd, pr_err *err) {
    return run("return bootstrap", 1, ret, n, start_equity, opt, out, sim_final, sim_dd, err);
}
