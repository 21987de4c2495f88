/* The optimiser's search space (optimize.h): dimensions and constraints
 * read from the configuration, with every mistake named by its key, the
 * text of a point's values for the configuration, and the grid's size. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "proratio/engine.h"
#include "opt_internal.h"

static const char *const k_kinds[] = {"int", "float", "log", "choice"};

/* A dimension's own checks; messages start with `name`. */
static int check_dim(const pr_opt_dim *d, const char *name, pr_err *err) {
    if (d->kind == PR_OPT_CHOICE) {
        if (d->n_choices < 1) return pr_err_set(err, PR_EINVAL, "%s: a choice needs at least one value", name);
        return PR_OK;
    }
    if (!(isfinite(d->lo) && isfinite(d->hi) && d->lo <= d->hi))
        return pr_err_set(err, PR_EINVAL, "%s: need finite bounds with low <= high (got %g, %g)", name, d->lo, d->hi);
    if (!(d->step >= 0) || !isfinite(d->step))
        return pr_err_set(err, PR_EINVAL, "%s: step must be >= 0 (got %g)", name, d->step);
    if (d->kind == PR_OPT_INT && (d->lo != floor(d->lo) || d->hi != floor(d->hi) || d->step != floor(d->step)))
        return pr_err_set(err, PR_EINVAL, "%s: an int dimension needs whole bounds and step", name);
    if (d->kind == PR_OPT_LOG && !(d->lo > 0))
        return pr_err_set(err, PR_EINVAL, "%s: a log dimension needs low > 0 (got %g)", name, d->lo);
    return PR_OK;
}

int pr_opt_space_add(pr_opt_space *sp, const pr_opt_dim *d, pr_err *err) {
    if (sp->n == PR_OPT_MAX_DIMS) return pr_err_set(err, PR_ELIMIT, "%s: at most %d dimensions", d->path, PR_OPT_MAX_DIMS);
    for (size_t i = 0; i < sp->n; i++)
        if (strcmp(sp->dim[i].path, d->path) == 0) return pr_err_set(err, PR_EINVAL, "%s: given twice", d->path);
    int rc = check_dim(d, d->path, err);
    if (rc != PR_OK) return rc;
    sp->dim[sp->n++] = *d;
    return PR_OK;
}

/* "fast" -> "strategy.params.fast"; a key with a '.' is a path already. */
static void full_path(const char *key, char *out, size_t cap) {
    snprintf(out, cap, "%s%s", strchr(key, '.') ? "" : "strategy.params.", key);
}

static int read_bounds(const char *path, json_t *a, pr_opt_dim *d, pr_err *err) {
    if (!json_is_array(a) || json_array_size(a) != 2 || !json_is_number(json_array_get(a, 0)) ||
        !json_is_number(json_array_get(a, 1)))
        return pr_err_set(err, PR_EINVAL, "%s.%s: expected [low, high]", path, k_kinds[d->kind]);
    d->lo = json_number_value(json_array_get(a, 0));
    d->hi = json_number_value(json_array_get(a, 1));
    return PR_OK;
}

static int read_dim(const char *base, const char *key, json_t *v, pr_opt_dim *d, pr_err *err) {
    char path[PR_OPT_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s.%s", base, key);
    memset(d, 0, sizeof *d);
    full_path(key, d->path, sizeof d->path);
    if (strlen(key) >= PR_OPT_PATH_MAX - 16) return pr_err_set(err, PR_EINVAL, "%s: key too long", path);
    if (!json_is_object(v))
        return pr_err_set(err, PR_EINVAL, "%s: expected an object such as {\"int\": [5, 50], \"step\": 5}", path);
    int found = -1;
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        int kind = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(k, k_kinds[i]) == 0) kind = i;
        if (kind < 0 && strcmp(k, "step") != 0)
            return pr_err_set(err, PR_EINVAL, "%s: unknown key '%s' (int, float, log, choice, step)", path, k);
        if (kind < 0) continue;
        if (found >= 0) return pr_err_set(err, PR_EINVAL, "%s: give one of int, float, log, choice", path);
        found = kind;
    }
    if (found < 0) return pr_err_set(err, PR_EINVAL, "%s: needs one of int, float, log or choice", path);
    d->kind = (pr_opt_kind)found;
    json_t *step = json_object_get(v, "step");
    if (step && (!json_is_number(step) || d->kind == PR_OPT_CHOICE))
        return pr_err_set(err, PR_EINVAL, "%s.step: expected a number (not for a choice)", path);
    d->step = step ? json_number_value(step) : d->kind == PR_OPT_INT ? 1 : 0;
    json_t *a = json_object_get(v, k_kinds[found]);
    if (d->kind != PR_OPT_CHOICE) {
        int rc = read_bounds(path, a, d, err);
        if (rc != PR_OK) return rc;
    } else {
        if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > PR_OPT_MAX_CHOICES)
            return pr_err_set(err, PR_EINVAL, "%s.choice: expected a list of 1 to %d values", path, PR_OPT_MAX_CHOICES);
        for (size_t i = 0; i < json_array_size(a); i++) {
            json_t *c = json_array_get(a, i);
            if (json_is_object(c) || json_is_array(c))
                return pr_err_set(err, PR_EINVAL, "%s.choice[%zu]: expected a number, string or boolean", path, i);
            char *t = json_dumps(c, JSON_ENCODE_ANY);
            if (!t) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", path);
            int fits = strlen(t) < sizeof d->choice[0];
            if (fits) pr_strlcpy(d->choice[i], t, sizeof d->choice[i]);
            free(t);
            if (!fits) return pr_err_set(err, PR_EINVAL, "%s.choice[%zu]: value too long", path, i);
        }
        d->n_choices = (int)json_array_size(a);
    }
    return check_dim(d, path, err);
}

static int find_dim(const pr_opt_space *sp, const char *name) {
    char p[PR_OPT_PATH_MAX];
    full_path(name, p, sizeof p);
    for (size_t i = 0; i < sp->n; i++)
        if (strcmp(sp->dim[i].path, p) == 0) return (int)i;
    return -1;
}

/* "fast < slow": two dimensions and an operator. */
static int read_constraint(const pr_opt_space *sp, const char *path, const char *s, pr_opt_constraint *c,
                           pr_err *err) {
    char a[PR_OPT_PATH_MAX], op[3], b[PR_OPT_PATH_MAX];
    if (sscanf(s, " %127[^<>= ] %2[<>=] %127s", a, op, b) != 3 ||
        !(strcmp(op, "<") == 0 || strcmp(op, "<=") == 0 || strcmp(op, ">") == 0 || strcmp(op, ">=") == 0))
        return pr_err_set(err, PR_EINVAL, "%s: expected \"KEY < KEY\" (<, <=, >, >=), got \"%s\"", path, s);
    c->a = find_dim(sp, a);
    c->b = find_dim(sp, b);
    if (c->a < 0 || c->b < 0)
        return pr_err_set(err, PR_EINVAL, "%s: '%s' is not a dimension of the space", path, c->a < 0 ? a : b);
    if (sp->dim[c->a].kind == PR_OPT_CHOICE || sp->dim[c->b].kind == PR_OPT_CHOICE)
        return pr_err_set(err, PR_EINVAL, "%s: a constraint compares numbers, not choices", path);
    pr_strlcpy(c->op, op, sizeof c->op);
    return PR_OK;
}

int pr_opt_space_read(const pr_config *cfg, const char *path, const char *cons_path, pr_opt_space *out,
                      pr_err *err) {
    memset(out, 0, sizeof *out);
    json_t *root = pr_config_json(cfg), *obj = root;
    char buf[PR_OPT_PATH_MAX];
    pr_strlcpy(buf, path, sizeof buf);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && obj; tok = strtok_r(NULL, ".", &save))
        obj = json_object_get(obj, tok);
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return pr_err_set(err, PR_EINVAL, "%s: expected an object of dimensions, e.g. {\"fast\": {\"int\": [5, 50]}}",
                          path);
    const char *key;
    json_t *v;
    int rc;
    json_object_foreach(obj, key, v) {
        pr_opt_dim d;
        if ((rc = read_dim(path, key, v, &d, err)) != PR_OK) return rc;
        if ((rc = pr_opt_space_add(out, &d, err)) != PR_OK) return rc;
    }
    if (!cons_path || !pr_config_has(cfg, cons_path)) return PR_OK;
    size_t n = 0;
    if ((rc = pr_config_array_len(cfg, cons_path, &n, err)) != PR_OK) return rc;
    if (n > PR_OPT_MAX_CONSTRAINTS)
        return pr_err_set(err, PR_ELIMIT, "%s: at most %d constraints", cons_path, PR_OPT_MAX_CONSTRAINTS);
    for (size_t i = 0; i < n; i++) {
        char p[PR_OPT_PATH_MAX + 16], at[PR_OPT_PATH_MAX + 16];
        snprintf(p, sizeof p, "%s[%zu]", cons_path, i);
        snprintf(at, sizeof at, "%s.%zu", cons_path, i);
        const char *s = NULL;
        if ((rc = pr_config_string_ref(cfg, at, &s, err)) != PR_OK) return rc;
        if (!s) return pr_err_set(err, PR_EINVAL, "%s: expected a string such as \"fast < slow\"", p);
        if ((rc = read_constraint(out, p, s, &out->cons[i], err)) != PR_OK) return rc;
        out->n_cons = i + 1;
    }
    return PR_OK;
}

int pr_opt_feasible(const pr_opt_space *sp, const double *x) {
    for (size_t i = 0; i < sp->n_cons; i++) {
        const pr_opt_constraint *c = &sp->cons[i];
        double a = x[c->a], b = x[c->b];
        int ok = c->op[0] == '<' ? (c->op[1] ? a <= b : a < b) : (c->op[1] ? a >= b : a > b);
        if (!ok) return 0;
    }
    return 1;
}

size_t pr_opt_value_text(const pr_opt_space *sp, size_t d, double x, char *buf, size_t cap) {
    const pr_opt_dim *dm = &sp->dim[d];
    int n;
    if (dm->kind == PR_OPT_CHOICE) {
        int i = (int)x;
        n = snprintf(buf, cap, "%s", i >= 0 && i < dm->n_choices ? dm->choice[i] : "null");
    } else if (dm->kind == PR_OPT_INT) {
        n = snprintf(buf, cap, "%.0f", x);
    } else {
        n = snprintf(buf, cap, "%.10g", x);
    }
    return n < 0 ? 0 : (size_t)n;
}

size_t pr_opt_dim_levels(const pr_opt_dim *d) {
    if (d->kind == PR_OPT_CHOICE) return (size_t)d->n_choices;
    if (!(d->step > 0)) return 0;
    return (size_t)floor((d->hi - d->lo) / d->step * (1 + 1e-12)) + 1;
}

int pr_opt_grid_size(const pr_opt_space *sp, size_t *n, pr_err *err) {
    double total = 1;
    for (size_t i = 0; i < sp->n; i++) {
        size_t k = pr_opt_dim_levels(&sp->dim[i]);
        if (k == 0)
            return pr_err_set(err, PR_EINVAL, "%s: the grid sampler needs a step for a %s dimension", sp->dim[i].path,
                              k_kinds[sp->dim[i].kind]);
        total *= (double)k;
    }
    if (total > 1e12) return pr_err_set(err, PR_ELIMIT, "the grid has %.3g points: too many", total);
    *n = (size_t)total;
    return PR_OK;
}

double pr_opt_dim_level(const pr_opt_dim *d, size_t i) {
    if (d->kind == PR_OPT_CHOICE) return (double)i;
    double v = d->lo + (double)i * d->step;
    return v > d->hi ? d->hi : v;
}
