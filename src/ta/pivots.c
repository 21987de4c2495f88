/* Classic and Fibonacci pivot points from the previous completed anchor
 * period (UTC day, US session, week, month). The levels for a period are
 * fixed at its first bar and never use that period's own data. */
#include "extra_internal.h"

static int bad_params(int kind, int anchor) {
    return (kind != PR_TA_PIVOT_CLASSIC && kind != PR_TA_PIVOT_FIBONACCI) ||
           anchor < PR_TA_ANCHOR_DAY || anchor > PR_TA_ANCHOR_MONTH;
}

int pr_ta_pivot_levels(int kind, double high, double low, double close,
                       double out[PR_TA_PIVOT_OUTPUTS]) {
    if (!out || (kind != PR_TA_PIVOT_CLASSIC && kind != PR_TA_PIVOT_FIBONACCI)) return PR_EINVAL;
    double p = (high + low + close) / 3.0;
    double range = high - low;
    out[0] = p;
    if (kind == PR_TA_PIVOT_CLASSIC) {
        out[1] = 2.0 * p - low;
        out[2] = p + range;
        out[3] = high + 2.0 * (p - low);
        out[4] = 2.0 * p - high;
        out[5] = p - range;
        out[6] = low - 2.0 * (high - p);
    } else {
        out[1] = p + 0.382 * range;
        out[2] = p + 0.618 * range;
        out[3] = p + range;
        out[4] = p - 0.382 * range;
        out[5] = p - 0.618 * range;
        out[6] = p - range;
    }
    return PR_OK;
}

int pr_ta_pivots_lookback(int kind, int anchor, int *out) {
    if (!out || bad_params(kind, anchor)) return PR_EINVAL;
    *out = 1;
    return PR_OK;
}

struct pr_ta_pivots_impl {
    int kind, anchor;
    int cur_complete;     /* the current period started at its boundary    */
    int have_levels;      /* levels of a completed period are known        */
    int64_t prev_ts;      /* previous bar's time (PR_TIME_NONE: none)      */
    double h, l, c;       /* running high/low/last close of the period     */
    double levels[PR_TA_PIVOT_OUTPUTS];
};

int pr_ta_pivots_init(pr_ta_pivots_state *st, int kind, int anchor) {
    if (!st || bad_params(kind, anchor)) return PR_EINVAL;
    struct pr_ta_pivots_impl *s = (struct pr_ta_pivots_impl *)calloc(1, sizeof *s);
    if (!s) return PR_ENOMEM;
    st->p = s;
    s->kind = kind;
    s->anchor = anchor;
    s->cur_complete = s->have_levels = 0;
    s->prev_ts = PR_TIME_NONE;
    s->h = s->l = s->c = 0.0;
    for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++) s->levels[k] = NAN;
    return PR_OK;
}

int pr_ta_pivots_update(pr_ta_pivots_state *st, int64_t ts, double high, double low, double close,
                        double *out) {
    if (!st || !st->p || !out) return PR_EINVAL;
    struct pr_ta_pivots_impl *s = st->p;
    int fresh;
    int rc = pr_ta_anchor_new_period(s->anchor, s->prev_ts, ts, &fresh);
    if (rc != PR_OK) return rc;
    if (fresh) {
        int first = s->prev_ts == PR_TIME_NONE;
        if (!first && s->cur_complete) {
            pr_ta_pivot_levels(s->kind, s->h, s->l, s->c, s->levels);
            s->have_levels = 1;
        }
        /* Only the data's first period can be partial: every later one
         * begins at a boundary crossing. The first counts when its first bar
         * opens exactly on the boundary. */
        int64_t b;
        pr_ta_anchor_boundary(s->anchor, ts, &b);
        s->cur_complete = !first || ts == b;
        s->h = high;
        s->l = low;
    } else {
        /* NaN sticks for the rest of the period (it propagates). */
        if (high > s->h || isnan(high)) s->h = isnan(s->h) ? s->h : high;
        if (low < s->l || isnan(low)) s->l = isnan(s->l) ? s->l : low;
    }
    s->c = close;
    s->prev_ts = ts;
    for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++) out[k] = s->have_levels ? s->levels[k] : NAN;
    return PR_OK;
}

void pr_ta_pivots_free(pr_ta_pivots_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_pivots(size_t n, const int64_t *ts, const double *high, const double *low,
                 const double *close, int kind, int anchor, double *const *out) {
    PR_TA_PROLOGUE(!bad_params(kind, anchor), n, ts, high, low, close, out);
    for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++)
        if (!out[k]) return PR_EINVAL;
    pr_ta_pivots_state s;
    int rc = pr_ta_pivots_init(&s, kind, anchor);
    if (rc != PR_OK) return rc;
    double row[PR_TA_PIVOT_OUTPUTS];
    for (size_t i = 0; i < n; i++) {
        pr_ta_pivots_update(&s, ts[i], high[i], low[i], close[i], row);
        for (int k = 0; k < PR_TA_PIVOT_OUTPUTS; k++) out[k][i] = row[k];
    }
    pr_ta_pivots_free(&s);
    return PR_OK;
}
