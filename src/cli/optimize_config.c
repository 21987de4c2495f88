/* The "optimize" section of a configuration (README "Optimisation"):
 * the search space and its constraints, the sampler, the trials, the
 * objectives and their filters, the walk-forward windows and the threads,
 * every problem collected with its key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimize.h"

static int ok(bt_errors *errs, int rc, const pr_err *e) {
    if (rc != PR_OK) bt_errors_add(errs, "%s", e->msg);
    return rc == PR_OK;
}

/* A window: a whole number of bars, or a duration "365d", "12w", "720h",
 * "90m" (minutes). */
static void window(const pr_config *cfg, const char *path, size_t *bars, int64_t *ms, bt_errors *errs) {
    pr_err e;
    pr_err_clear(&e);
    *bars = 0;
    *ms = 0;
    if (!pr_config_has(cfg, path)) return;
    const char *s = NULL;
    if (pr_config_string_ref(cfg, path, &s, &e) != PR_OK || !s) {
        long v = 0;
        pr_err_clear(&e);
        if (ok(errs, pr_config_int(cfg, path, 0, 1, 100000000, &v, &e), &e)) *bars = (size_t)v;
        return;
    }
    char *end = NULL;
    double n = strtod(s, &end);
    static const struct { char unit; int64_t ms; } units[] = {
        {'m', PR_MS_PER_MIN}, {'h', PR_MS_PER_HOUR}, {'d', PR_MS_PER_DAY}, {'w', 7 * PR_MS_PER_DAY}};
    for (size_t i = 0; end != s && n > 0 && end && i < 4; i++)
        if (end[0] == units[i].unit && end[1] == '\0') {
            *ms = (int64_t)llround(n * (double)units[i].ms);
            return;
        }
    bt_errors_add(errs, "%s: expected a number of bars or a duration such as \"365d\", \"12w\", \"720h\", got \"%s\"",
                  path, s);
}

static void objectives(const pr_config *cfg, opt_settings *o, bt_errors *errs) {
    pr_err e;
    pr_err_clear(&e);
    const char *one = NULL;
    o->obj.n = 1;
    o->obj.obj[0] = PR_OBJ_SHARPE;
    if (!pr_config_has(cfg, "optimize.objective")) return;
    size_t n = 0;
    char path[64];
    int is_list = pr_config_array_len(cfg, "optimize.objective", &n, &e) == PR_OK && n > 0;
    if (!is_list) n = 1;
    if (n > PR_OPT_MAX_OBJECTIVES) {
        bt_errors_add(errs, "optimize.objective: at most %d objectives", PR_OPT_MAX_OBJECTIVES);
        return;
    }
    o->obj.n = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, is_list ? "optimize.objective.%zu" : "optimize.objective", i);
        pr_err_clear(&e);
        if (pr_config_string_ref(cfg, path, &one, &e) != PR_OK || !one ||
            pr_objective_parse(one, &o->obj.obj[o->obj.n]) != PR_OK) {
            char list[300] = "";
            for (int k = 0; k < PR_OBJ_COUNT; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         pr_objective_name((pr_objective)k));
            char at[64];
            snprintf(at, sizeof at, is_list ? "optimize.objective[%zu]" : "optimize.objective", i);
            bt_errors_add(errs, "%s: expected one of %s (or a list of them)", at, list);
            return;
        }
        o->obj.n++;
    }
}

static void weights(const pr_config *cfg, opt_settings *o, bt_errors *errs) {
    int custom = 0;
    for (size_t i = 0; i < o->obj.n; i++) custom |= o->obj.obj[i] == PR_OBJ_CUSTOM;
    int has = pr_config_has(cfg, "optimize.weights");
    if (custom != has) {
        bt_errors_add(errs, custom ? "optimize.weights: the custom objective needs weights, e.g. {\"sharpe\": 1, "
                                     "\"max_drawdown\": -2}"
                                   : "optimize.weights: only the custom objective reads weights");
        return;
    }
    for (int k = 0; has && k < PR_OBJ_COUNT; k++) {
        if (k == PR_OBJ_CUSTOM) continue;
        char path[64];
        snprintf(path, sizeof path, "optimize.weights.%s", pr_objective_name((pr_objective)k));
        pr_err e;
        pr_err_clear(&e);
        ok(errs, pr_config_number(cfg, path, 0, -1e9, 1e9, 0, &o->obj.weight[k], &e), &e);
    }
    static const char *const names[] = {"sharpe", "sortino", "calmar", "profit_factor", "expectancy", "return",
                                        "sqn", "max_drawdown", "cagr", NULL};
    pr_err e;
    pr_err_clear(&e);
    if (has) ok(errs, pr_config_check_keys(cfg, "optimize.weights", names, &e), &e);
}

size_t opt_settings_read(const pr_config *cfg, opt_settings *o, bt_errors *errs) {
    static const char *const top[] = {"space", "constraints", "sampler", "trials", "seed", "objective", "weights",
                                      "min_trades", "max_drawdown", "walk_forward", "jobs", "top", "startup",
                                      "batch", NULL};
    static const char *const wf[] = {"train", "test", "anchored", NULL};
    size_t before = errs->n + errs->dropped;
    memset(o, 0, sizeof *o);
    o->walk_forward = 1;
    pr_err e;
    pr_err_clear(&e);
    if (!pr_config_has(cfg, "optimize")) {
        bt_errors_add(errs, "optimize: missing: the configuration needs an \"optimize\" section with a \"space\"");
        return 1;
    }
    ok(errs, pr_config_check_keys(cfg, "optimize", top, &e), &e);
    pr_err_clear(&e);
    ok(errs, pr_opt_space_read(cfg, "optimize.space", "optimize.constraints", &o->space, &e), &e);
    pr_err_clear(&e);
    static const char *const samplers[] = {"tpe", "random", "grid", NULL};
    int si = 0;
    if (ok(errs, pr_config_enum(cfg, "optimize.sampler", "tpe", samplers, &si, &e), &e))
        pr_sampler_parse(samplers[si], &o->sampler.kind);
    long v = 0;
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.trials", 100, 1, 10000000, &v, &e), &e)) o->trials = (size_t)v;
    double seed = 42;
    pr_err_clear(&e);
    if (ok(errs, pr_config_number(cfg, "optimize.seed", 42, 0, 9007199254740992.0, 0, &seed, &e), &e))
        o->sampler.seed = (uint64_t)seed;
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.startup", 10, 1, 100000, &v, &e), &e)) o->sampler.startup = (size_t)v;
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.batch", 16, 1, 100000, &v, &e), &e)) o->sampler.batch = (size_t)v;
    objectives(cfg, o, errs);
    weights(cfg, o, errs);
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.min_trades", 10, 0, 100000000, &v, &e), &e)) o->obj.min_trades = (size_t)v;
    pr_err_clear(&e);
    ok(errs, pr_config_number(cfg, "optimize.max_drawdown", 0, 0, 1, 0, &o->obj.max_drawdown, &e), &e);
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.jobs", 0, 0, 1024, &v, &e), &e)) o->jobs = (int)v;
    pr_err_clear(&e);
    if (ok(errs, pr_config_int(cfg, "optimize.top", 10, 1, 1000, &v, &e), &e)) o->top = (size_t)v;
    if (pr_config_has(cfg, "optimize.walk_forward")) {
        pr_err_clear(&e);
        ok(errs, pr_config_check_keys(cfg, "optimize.walk_forward", wf, &e), &e);
        window(cfg, "optimize.walk_forward.train", &o->wf.train_bars, &o->wf.train_ms, errs);
        window(cfg, "optimize.walk_forward.test", &o->wf.test_bars, &o->wf.test_ms, errs);
        if ((o->wf.train_bars > 0) != (o->wf.test_bars > 0) || (o->wf.train_ms > 0) != (o->wf.test_ms > 0))
            bt_errors_add(errs, "optimize.walk_forward: give train and test both in bars or both as durations");
        int anchored = 0;
        pr_err_clear(&e);
        if (ok(errs, pr_config_bool(cfg, "optimize.walk_forward.anchored", 0, &anchored, &e), &e))
            o->wf.anchored = anchored;
    }
    return errs->n + errs->dropped - before;
}
