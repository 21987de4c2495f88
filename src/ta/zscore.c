/* Z-score of price over N bars: the table's "zscore" indicator, a thin layer
 * over the stats family's rolling mean/std (pr_ta_rolling), so both give the
 * same numbers. Population deviation (ddof 0) unless asked otherwise. */
#include "extra_internal.h"

struct pr_ta_zscore_impl {
    pr_ta_rolling_state r;
};

static int check(int period, int ddof, int *lb) {
    if (period < 2 || period > 100000 || (ddof != 0 && ddof != 1)) return PR_EINVAL;
    return pr_ta_rolling_std_lookback(period, ddof, lb) == PR_OK ? PR_OK : PR_EINVAL;
}

int pr_ta_zscore_lookback(int period, int ddof, int *out) {
    if (!out) return PR_EINVAL;
    return check(period, ddof, out);
}

int pr_ta_zscore_init(pr_ta_zscore_state *s, int period, int ddof) {
    int lb;
    if (!s || check(period, ddof, &lb) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_zscore_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = pr_ta_rolling_init(&s->p->r, period, ddof);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
    }
    return rc;
}

int pr_ta_zscore_update(pr_ta_zscore_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return pr_ta_rolling_update(&s->p->r, x, NULL, NULL, out);
}

void pr_ta_zscore_free(pr_ta_zscore_state *s) {
    if (!s || !s->p) return;
    pr_ta_rolling_free(&s->p->r);
    free(s->p);
    s->p = NULL;
}

int pr_ta_zscore(size_t n, const double *x, int period, int ddof, double *out) {
    int lb;
    PR_TA_PROLOGUE(check(period, ddof, &lb) == PR_OK, n, x, out);
    return pr_ta_rolling(n, x, period, ddof, NULL, NULL, out);
}
