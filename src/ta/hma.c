/* Hull moving average: a WMA of 2·WMA(n/2) − WMA(n) over √n bars, built on
 * the ta module's WMA (integer halves and roots are floored). */
#include "extra_internal.h"

struct pr_ta_hma_impl {
    pr_ta_wma_state half, full, out;
    size_t bars, lb_full; /* bars seen; the inner WMA(n) lookback */
};

static int isqrt(int n) {
    int r = (int)sqrt((double)n);
    while (r * r > n) r--;
    while ((r + 1) * (r + 1) <= n) r++;
    return r;
}

static int check(int period, int *lb) {
    int a, b;
    if (period < 4 || period > 100000) return PR_EINVAL;
    if (pr_ta_wma_lookback(period, &a) != PR_OK || pr_ta_wma_lookback(isqrt(period), &b) != PR_OK)
        return PR_EINVAL;
    *lb = a + b;
    return PR_OK;
}

int pr_ta_hma_lookback(int period, int *out) {
    if (!out) return PR_EINVAL;
    return check(period, out);
}

void pr_ta_hma_free(pr_ta_hma_state *s) {
    if (!s || !s->p) return;
    pr_ta_wma_free(&s->p->half);
    pr_ta_wma_free(&s->p->full);
    pr_ta_wma_free(&s->p->out);
    free(s->p);
    s->p = NULL;
}

int pr_ta_hma_init(pr_ta_hma_state *s, int period) {
    int lb;
    if (!s || check(period, &lb) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_hma_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = pr_ta_wma_init(&s->p->half, period / 2);
    if (rc != PR_OK) goto fail0;
    rc = pr_ta_wma_init(&s->p->full, period);
    if (rc != PR_OK) goto fail1;
    rc = pr_ta_wma_init(&s->p->out, isqrt(period));
    if (rc != PR_OK) goto fail2;
    int lbf;
    pr_ta_wma_lookback(period, &lbf);
    s->p->lb_full = (size_t)lbf;
    return PR_OK;
fail2:
    pr_ta_wma_free(&s->p->full);
fail1:
    pr_ta_wma_free(&s->p->half);
fail0:
    free(s->p);
    s->p = NULL;
    return rc;
}

int pr_ta_hma_update(pr_ta_hma_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_hma_impl *p = s->p;
    double h, f;
    *out = NAN;
    int rc = pr_ta_wma_update(&p->half, x, &h);
    if (rc == PR_OK) rc = pr_ta_wma_update(&p->full, x, &f);
    /* Counted in bars, so a NaN input later on propagates rather than
     * desynchronising the outer WMA. */
    if (rc != PR_OK || p->bars++ < p->lb_full) return rc;
    return pr_ta_wma_update(&p->out, 2.0 * h - f, out);
}

int pr_ta_hma(size_t n, const double *x, int period, double *out) {
    int lb;
    PR_TA_PROLOGUE(check(period, &lb) == PR_OK, n, x, out);
    pr_ta_hma_state s;
    int rc = pr_ta_hma_init(&s, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n && rc == PR_OK; i++) rc = pr_ta_hma_update(&s, x[i], &out[i]);
    pr_ta_hma_free(&s);
    return rc;
}
