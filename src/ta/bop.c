/* BOP: balance of power, (close - open)/(high - low), 0 when the range is
 * below 1e-14 (TA-Lib's TA_IS_ZERO_OR_NEG; a NaN range fails that test and
 * divides, giving NaN); per bar, no state. */
#include "momentum_internal.h"

static inline double bop_value(double o, double h, double l, double c) {
    double range = h - l;
    if (range < 0.00000000000001) return 0.0;
    return (c - o) / range;
}

int pr_ta_bop_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = 0;
    return PR_OK;
}

int pr_ta_bop(size_t n, const double *open, const double *high, const double *low,
              const double *close, double *out) {
    PR_TA_PROLOGUE(1, n, open, high, low, close, out);
    for (size_t i = 0; i < n; i++) out[i] = bop_value(open[i], high[i], low[i], close[i]);
    return PR_OK;
}

/* Stateless: the state pointer only marks an initialised stream. */
struct pr_ta_bop_impl { int unused; };

int pr_ta_bop_init(pr_ta_bop_state *s) {
    if (!s) return PR_EINVAL;
    s->p = calloc(1, sizeof *s->p);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_bop_update(pr_ta_bop_state *s, double open, double high, double low, double close,
                     double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = bop_value(open, high, low, close);
    return PR_OK;
}

void pr_ta_bop_free(pr_ta_bop_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
