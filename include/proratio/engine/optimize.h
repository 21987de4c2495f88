/* Part of engine.h: the optimisation drivers' parts that know nothing of
 * how a trial is run — the search space (dimensions read from the
 * configuration, constraints between them), the samplers (grid, seeded
 * random, TPE) that turn a trial number and the trials before it into a
 * point, the objectives computed from a run's metrics (and the Pareto front
 * of several), and the walk-forward windows. `proratio optimize` wires them
 * to backtests; everything here is deterministic: the same space, seed and
 * results of earlier trials give the same points in the same order, whatever
 * runs the trials. */
#ifndef PRORATIO_ENGINE_OPTIMIZE_H
#define PRORATIO_ENGINE_OPTIMIZE_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/engine/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_OPT_MAX_DIMS 16
#define PR_OPT_MAX_CHOICES 16
#define PR_OPT_MAX_CONSTRAINTS 8
#define PR_OPT_MAX_OBJECTIVES 4
#define PR_OPT_PATH_MAX 128

typedef enum pr_opt_kind {
    PR_OPT_INT = 0,          /* whole numbers lo..hi by step (1 when 0)          */
    PR_OPT_FLOAT,            /* lo..hi, by step when step > 0                    */
    PR_OPT_LOG,              /* lo..hi > 0, sampled uniformly in log             */
    PR_OPT_CHOICE            /* one of n_choices values (numbers, text, bools)   */
} pr_opt_kind;

typedef struct pr_opt_dim {
    char path[PR_OPT_PATH_MAX];   /* the configuration key a trial sets        */
    pr_opt_kind kind;
    double lo, hi, step;
    int n_choices;
    char choice[PR_OPT_MAX_CHOICES][48];   /* CHOICE: each value as JSON text */
} pr_opt_dim;

/* dim a OP dim b, OP one of < <= > >=. */
typedef struct pr_opt_constraint {
    int a, b;
    char op[3];
} pr_opt_constraint;

typedef struct pr_opt_space {
    size_t n;
    pr_opt_dim dim[PR_OPT_MAX_DIMS];
    size_t n_cons;
    pr_opt_constraint cons[PR_OPT_MAX_CONSTRAINTS];
} pr_opt_space;

/* A point is one double per dimension: the value itself (INT, FLOAT, LOG)
 * or the index of the choice (CHOICE). */

/* Reads the object at `path` ({"KEY": {"int": [lo, hi], "step": s} |
 * {"float": [lo, hi]} | {"log": [lo, hi]} | {"choice": [v, ...]}}), keys
 * without a '.' meaning strategy.params.KEY, and the array of strings at
 * cons_path ("fast < slow"; NULL or absent: none). Errors name the key. */
int pr_opt_space_read(const pr_config *cfg, const char *path, const char *cons_path, pr_opt_space *out,
                      pr_err *err);
/* Adds a dimension (the space's own checks: bounds, steps, choices). */
int pr_opt_space_add(pr_opt_space *sp, const pr_opt_dim *d, pr_err *err);
/* 1 when x satisfies every constraint. */
int pr_opt_feasible(const pr_opt_space *sp, const double *x);
/* Dimension d's value of x as JSON text ("12", "0.05", "\"long\""). */
size_t pr_opt_value_text(const pr_opt_space *sp, size_t d, double x, char *buf, size_t cap);
/* The points of the full grid (each dimension's values by its step; a
 * FLOAT or LOG dimension without a step is an error), before constraints. */
int pr_opt_grid_size(const pr_opt_space *sp, size_t *n, pr_err *err);

typedef enum pr_sampler_kind { PR_SAMPLER_GRID = 0, PR_SAMPLER_RANDOM, PR_SAMPLER_TPE } pr_sampler_kind;
int pr_sampler_parse(const char *s, pr_sampler_kind *out);
const char *pr_sampler_name(pr_sampler_kind k);

/* What a sampler knows of an earlier trial: its point and its score (the
 * first objective, larger is better; -INFINITY for a failed or invalid
 * trial). */
typedef struct pr_opt_done {
    const double *x;
    double score;
} pr_opt_done;

typedef struct pr_sampler_config {
    pr_sampler_kind kind;
    uint64_t seed;
    size_t startup;          /* TPE: random trials first (10 when 0)          */
    size_t batch;            /* TPE: trials suggested from the same history
                                (16 when 0): trial k sees trials before
                                (k / batch) * batch only, so any number of
                                workers gives the same points                  */
    size_t candidates;       /* TPE: candidates drawn per point (24 when 0)    */
} pr_sampler_config;

/* The point of trial k (0-based) into x. done[0..n_done) are the trials
 * before it (trial j at done[j]); TPE reads the first (k / batch) * batch
 * of them. Grid: the k-th feasible grid point in order (PR_ENOTFOUND past
 * the last). Random and TPE: retry up to 1000 draws for a feasible point
 * (PR_EINVAL when none, with the constraint named). */
int pr_sampler_point(const pr_sampler_config *sc, const pr_opt_space *sp, size_t k, const pr_opt_done *done,
                     size_t n_done, double *x, pr_err *err);

/* ---- objectives --------------------------------------------------------- */
typedef enum pr_objective {
    PR_OBJ_SHARPE = 0, PR_OBJ_SORTINO, PR_OBJ_CALMAR, PR_OBJ_PROFIT_FACTOR, PR_OBJ_EXPECTANCY, PR_OBJ_RETURN,
    PR_OBJ_SQN, PR_OBJ_MAX_DRAWDOWN, PR_OBJ_CAGR, PR_OBJ_CUSTOM, PR_OBJ_COUNT
} pr_objective;

int pr_objective_parse(const char *s, pr_objective *out);
const char *pr_objective_name(pr_objective o);
/* +1: larger is better; -1: smaller (max_drawdown). */
int pr_objective_sense(pr_objective o);

/* The objective settings: what is scored, the hard filters, and the custom
 * combination's weights (sum of weight x metric over the named metrics). */
typedef struct pr_objective_config {
    size_t n;
    pr_objective obj[PR_OPT_MAX_OBJECTIVES];
    size_t min_trades;       /* fewer closed trades: invalid                   */
    double max_drawdown;     /* > 0: a deeper drawdown is invalid               */
    double weight[PR_OBJ_COUNT];   /* CUSTOM's weights per metric              */
} pr_objective_config;

/* The value of one objective from metrics (NaN when undefined: no trades
 * for the trade statistics, a flat curve for the ratios). */
double pr_objective_value(pr_objective o, const pr_metrics *m, const pr_objective_config *oc);
/* The score a sampler sees: the first objective times its sense, or
 * -INFINITY when the run breaks a filter or the value is NaN; *why names the
 * filter (NULL: valid). */
double pr_objective_score(const pr_objective_config *oc, const pr_metrics *m, const char **why);
/* The Pareto front of n points with k objectives each (values[i * k + j],
 * already multiplied by their senses so larger is better; NaN never
 * dominates): front[i] = 1 when no point is at least as good in every
 * objective and better in one. */
void pr_pareto_front(const double *values, size_t n, size_t k, unsigned char *front);

/* ---- walk-forward windows ------------------------------------------------ */
typedef struct pr_wf_config {
    size_t train_bars, test_bars;   /* > 0 in bars, or (when 0) the times below */
    int64_t train_ms, test_ms;
    int anchored;            /* 1: every train window starts at the first bar   */
    size_t start;            /* first bar of the first train window            */
} pr_wf_config;

typedef struct pr_wf_fold {
    size_t train_from, train_to;    /* bar indices [from, to)                  */
    size_t test_from, test_to;
} pr_wf_fold;

/* The folds over bar times ts[0..n): train windows followed by test windows
 * that tile the rest of the data without overlap (the last test window may
 * be shorter; one shorter than a tenth of test is dropped). *folds is
 * malloc'd. PR_EINVAL when not even one fold fits, saying how many bars
 * were needed. */
int pr_wf_folds(const pr_wf_config *c, const int64_t *ts, size_t n, pr_wf_fold **folds, size_t *n_folds,
                pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
