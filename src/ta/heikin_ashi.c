/* Heikin-Ashi candles. The HA open is recursive; bar 0 seeds it with the
 * midpoint of the real candle's open and close. */
#include "extra_internal.h"

int pr_ta_heikin_ashi_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = 0;
    return PR_OK;
}

struct pr_ta_heikin_ashi_impl {
    int started;
    double prev_open, prev_close;
};

int pr_ta_heikin_ashi_init(pr_ta_heikin_ashi_state *st) {
    if (!st) return PR_EINVAL;
    st->p = (struct pr_ta_heikin_ashi_impl *)calloc(1, sizeof *st->p);
    return st->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_heikin_ashi_update(pr_ta_heikin_ashi_state *st, double open, double high, double low,
                             double close, double *ha_open, double *ha_high, double *ha_low,
                             double *ha_close) {
    if (!st || !st->p || !ha_open || !ha_high || !ha_low || !ha_close) return PR_EINVAL;
    struct pr_ta_heikin_ashi_impl *s = st->p;
    double c = (open + high + low + close) / 4.0;
    double o = s->started ? (s->prev_open + s->prev_close) / 2.0 : (open + close) / 2.0;
    double h = high, l = low;
    if (o > h) h = o;
    if (c > h) h = c;
    if (o < l) l = o;
    if (c < l) l = c;
    if (isnan(o) || isnan(c)) h = l = NAN; /* c is NaN whenever an input is */
    s->started = 1;
    s->prev_open = o;
    s->prev_close = c;
    *ha_open = o;
    *ha_close = c;
    *ha_high = h;
    *ha_low = l;
    return PR_OK;
}

void pr_ta_heikin_ashi_free(pr_ta_heikin_ashi_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_heikin_ashi(size_t n, const double *open, const double *high, const double *low,
                      const double *close, double *ha_open, double *ha_high, double *ha_low,
                      double *ha_close) {
    PR_TA_PROLOGUE(1, n, open, high, low, close, ha_open, ha_high, ha_low, ha_close);
    pr_ta_heikin_ashi_state s;
    int rc = pr_ta_heikin_ashi_init(&s);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++)
        pr_ta_heikin_ashi_update(&s, open[i], high[i], low[i], close[i], &ha_open[i], &ha_high[i],
                                 &ha_low[i], &ha_close[i]);
    pr_ta_heikin_ashi_free(&s);
    return PR_OK;
}
