/* The indicator table: concatenates the per-family tables so tools can list,
 * look up and run any indicator by name with checked parameters. */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "ta_internal.h"

typedef struct { const pr_ta_def *defs; const size_t *count; } family;

static const family families[] = {
    {pr_ta_defs_list, &pr_ta_defs_list_count},
    {pr_ta_defs_candles, &pr_ta_defs_candles_count},
    {pr_ta_defs_extra, &pr_ta_defs_extra_count},
    {pr_ta_defs_stats, &pr_ta_defs_stats_count},
};

size_t pr_ta_count(void) {
    size_t n = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) n += *families[f].count;
    return n;
}

const pr_ta_def *pr_ta_at(size_t i) {
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        if (i < *families[f].count) return &families[f].defs[i];
        i -= *families[f].count;
    }
    return NULL;
}

int pr_ta_find(const char *name, const pr_ta_def **out) {
    if (!name || !out) return PR_EINVAL;
    size_t n = pr_ta_count();
    for (size_t i = 0; i < n; i++) {
        const pr_ta_def *d = pr_ta_at(i);
        if (strcasecmp(d->name, name) == 0) { *out = d; return PR_OK; }
    }
    return PR_ENOTFOUND;
}

int pr_ta_check_params(const pr_ta_def *d, const double *params, int given,
                       double *full, pr_err *err) {
    if (!d || !full || given < 0 || (given > 0 && !params)) return pr_err_set(err, PR_EINVAL, "invalid arguments");
    if (given > d->n_params)
        return pr_err_set(err, PR_EINVAL, "%s takes at most %d parameter(s), got %d", d->name, d->n_params, given);
    for (int k = 0; k < d->n_params; k++) {
        const pr_ta_param *p = &d->params[k];
        double v = k < given ? params[k] : p->def;
        if (!isfinite(v) || v < p->min || v > p->max) {
            pr_err_set(err, PR_EINVAL, "%s: parameter %s = %g outside [%g, %g]", d->name, p->name, v, p->min, p->max);
            pr_err_at(err, NULL, 0, 0, p->name);
            return PR_EINVAL;
        }
        if (p->integer && v != floor(v)) {
            pr_err_set(err, PR_EINVAL, "%s: parameter %s = %g must be a whole number", d->name, p->name, v);
            pr_err_at(err, NULL, 0, 0, p->name);
            return PR_EINVAL;
        }
        full[k] = v;
    }
    return PR_OK;
}
