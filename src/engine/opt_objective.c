/* The optimiser's objectives (optimize.h): one row per objective names it,
 * gives its sense and reads it from a run's metrics; the score a sampler
 * sees applies the hard filters (minimum trades, drawdown cap); the Pareto
 * front compares several objectives at once. */
#include <math.h>
#include <string.h>
#include "proratio/engine.h"

static const struct {
    const char *name;
    int sense;
} k_obj[PR_OBJ_COUNT] = {
    [PR_OBJ_SHARPE] = {"sharpe", 1},           [PR_OBJ_SORTINO] = {"sortino", 1},
    [PR_OBJ_CALMAR] = {"calmar", 1},           [PR_OBJ_PROFIT_FACTOR] = {"profit_factor", 1},
    [PR_OBJ_EXPECTANCY] = {"expectancy", 1},   [PR_OBJ_RETURN] = {"return", 1},
    [PR_OBJ_SQN] = {"sqn", 1},                 [PR_OBJ_MAX_DRAWDOWN] = {"max_drawdown", -1},
    [PR_OBJ_CAGR] = {"cagr", 1},               [PR_OBJ_CUSTOM] = {"custom", 1},
};

int pr_objective_parse(const char *s, pr_objective *out) {
    for (int i = 0; i < PR_OBJ_COUNT; i++)
        if (s && strcmp(s, k_obj[i].name) == 0) {
            *out = (pr_objective)i;
            return PR_OK;
        }
    return PR_EINVAL;
}

const char *pr_objective_name(pr_objective o) { return o >= 0 && o < PR_OBJ_COUNT ? k_obj[o].name : "?"; }

int pr_objective_sense(pr_objective o) { return o >= 0 && o < PR_OBJ_COUNT ? k_obj[o].sense : 1; }

static double metric(pr_objective o, const pr_metrics *m) {
    const pr_trade_stats *t = &m->trades;
    switch (o) {
    case PR_OBJ_SHARPE: return m->net.sharpe;
    case PR_OBJ_SORTINO: return m->net.sortino;
    case PR_OBJ_CALMAR: return m->net.calmar;
    case PR_OBJ_PROFIT_FACTOR: return t->n_trades ? t->profit_factor : NAN;
    case PR_OBJ_EXPECTANCY: return t->n_trades ? t->expectancy : NAN;
    case PR_OBJ_SQN: return t->sqn;
    case PR_OBJ_RETURN: return m->net.total_return;
    case PR_OBJ_MAX_DRAWDOWN: return m->net.max_drawdown;
    case PR_OBJ_CAGR: return m->net.cagr;
    default: return NAN;
    }
}

double pr_objective_value(pr_objective o, const pr_metrics *m, const pr_objective_config *oc) {
    if (o == PR_OBJ_CUSTOM) {
        double s = 0;
        int any = 0;
        for (int i = 0; i < PR_OBJ_COUNT; i++) {
            if (i == PR_OBJ_CUSTOM || !oc || oc->weight[i] == 0) continue;
            double v = metric((pr_objective)i, m);
            if (isnan(v)) return NAN;
            s += oc->weight[i] * v;
            any = 1;
        }
        return any ? s : NAN;
    }
    return metric(o, m);
}

double pr_objective_score(const pr_objective_config *oc, const pr_metrics *m, const char **why) {
    *why = NULL;
    if (m->trades.n_trades < oc->min_trades) {
        *why = "fewer trades than optimize.min_trades";
        return -INFINITY;
    }
    if (oc->max_drawdown > 0 && m->net.max_drawdown > oc->max_drawdown) {
        *why = "a drawdown deeper than optimize.max_drawdown";
        return -INFINITY;
    }
    pr_objective o = oc->n ? oc->obj[0] : PR_OBJ_SHARPE;
    double v = pr_objective_value(o, m, oc);
    if (isnan(v)) {
        *why = "the objective is undefined (no trades, or a flat equity curve)";
        return -INFINITY;
    }
    return v * pr_objective_sense(o);
}

void pr_pareto_front(const double *values, size_t n, size_t k, unsigned char *front) {
    for (size_t i = 0; i < n; i++) {
        const double *a = values + i * k;
        int ok = 1;
        for (size_t j = 0; j < k && ok; j++) ok = !isnan(a[j]);
        for (size_t o = 0; o < n && ok; o++) {
            if (o == i) continue;
            const double *b = values + o * k;
            int ge = 1, gt = 0;
            for (size_t j = 0; j < k; j++) {
                if (isnan(b[j]) || b[j] < a[j]) ge = 0;
                if (b[j] > a[j]) gt = 1;
            }
            if (ge && gt) ok = 0;
        }
        front[i] = (unsigned char)ok;
    }
}
