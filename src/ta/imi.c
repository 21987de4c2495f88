/* IMI: intraday momentum index over the last p bars, as TA-Lib computes it
 * (lookback p-1): from scratch on every bar, oldest to newest, up = sum of
 * (C - O) over bars with C > O and down = sum of (O - C) over the others;
 * IMI = 100*(up/(up + down)), with no test for a zero sum (TA-Lib has none:
 * a window of doji bars gives NaN). Same values as TA-Lib bit for bit. */
#include "overlap_internal.h"

static int imi_ok(int period) { return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX); }

/* The value for the window whose oldest bar is at k = 0, newest k = p-1. */
#define IMI_VALUE(p, O, C, result)                           \
    do {                                                     \
        double up_ = 0.0, down_ = 0.0;                       \
        for (size_t k_ = 0; k_ < (p); k_++) {                \
            double c_ = C(k_), o_ = O(k_);                   \
            int w_ = c_ > o_; /* adding +0.0 leaves a sum as it is */ \
            up_ += w_ ? (c_ - o_) : 0.0;                     \
            down_ += w_ ? 0.0 : (o_ - c_);                   \
        }                                                    \
        (result) = 100.0 * (up_ / (up_ + down_));            \
    } while (0)

int pr_ta_imi_lookback(int period, int *out) {
    if (!out || !imi_ok(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_imi(size_t n, const double *open, const double *close, int period, double *out) {
    PR_TA_PROLOGUE(imi_ok(period), n, open, close, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    pr_ta_fill_nan(out, p - 1);
    /* Four bars at a time: each window still summed alone, oldest to newest,
     * as IMI_VALUE does (same doubles), but the eight running sums are
     * independent chains, and the split into up and down is a select (a
     * branch on C > O mispredicts half the time). */
    size_t t = p - 1;
    for (; t + 4 <= n; t += 4) {
        const double *o = open + (t + 1 - p), *c = close + (t + 1 - p);
        double u[4] = {0.0, 0.0, 0.0, 0.0}, d[4] = {0.0, 0.0, 0.0, 0.0};
        for (size_t k = 0; k < p; k++)
            for (int j = 0; j < 4; j++) {
                double cj = c[k + (size_t)j], oj = o[k + (size_t)j];
                u[j] += pr_ta_pick_gt(cj, oj, cj - oj, 0.0);
                d[j] += pr_ta_pick_gt(cj, oj, 0.0, oj - cj);
            }
        for (int j = 0; j < 4; j++) out[t + (size_t)j] = 100.0 * (u[j] / (u[j] + d[j]));
    }
    for (; t < n; t++) {
#define O_(k) open[t + 1 - p + (k)]
#define C_(k) close[t + 1 - p + (k)]
        IMI_VALUE(p, O_, C_, out[t]);
#undef O_
#undef C_
    }
    return PR_OK;
}

struct pr_ta_imi_impl {
    size_t p, count;
    double ring[];   /* (open, close) pairs by bar index mod p */
};

int pr_ta_imi_init(pr_ta_imi_state *s, int period) {
    if (!s || !imi_ok(period)) return PR_EINVAL;
    struct pr_ta_imi_impl *m = malloc(sizeof *m + 2 * (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->p = (size_t)period;
    m->count = 0;
    s->p = m;
    return PR_OK;
}

int pr_ta_imi_update(pr_ta_imi_state *s, double open, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_imi_impl *m = s->p;
    size_t t = m->count++, p = m->p;
    m->ring[2 * (t % p)] = open;
    m->ring[2 * (t % p) + 1] = close;
    if (t + 1 < p) {
        *out = NAN;
        return PR_OK;
    }
#define O_(k) m->ring[2 * ((t + 1 - p + (k)) % p)]
#define C_(k) m->ring[2 * ((t + 1 - p + (k)) % p) + 1]
    IMI_VALUE(p, O_, C_, *out);
#undef O_
#undef C_
    return PR_OK;
}

void pr_ta_imi_free(pr_ta_imi_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
