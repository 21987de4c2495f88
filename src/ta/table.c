/* The indicator table's lookups (the entries are table_list.c's, one per
 * row of proratio/ta/list.h): tools list, look up and run any indicator by
 * name with checked parameters. */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include "ta_internal.h"

size_t pr_ta_count(void) { return pr_ta_defs_count; }

const pr_ta_def *pr_ta_at(size_t i) { return i < pr_ta_defs_count ? &pr_ta_defs[i] : NULL; }

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
