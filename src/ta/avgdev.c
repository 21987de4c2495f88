/* AVGDEV: mean absolute deviation about the mean of the last p bars, as
 * TA-Lib computes it (lookback p-1): recomputed from scratch on every bar,
 * the window summed newest to oldest, then |x - sum/p| summed in the same
 * order and divided by p, so the values equal TA-Lib's bit for bit. The
 * streaming form runs the same loop over a ring of the last p values. */
#include "overlap_internal.h"

static int avgdev_ok(int period) { return pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX); }

/* The value for the window whose newest value is at(0), oldest at(p-1). */
#define AVGDEV_VALUE(p, at, result)                                     \
    do {                                                                \
        double sum_ = 0.0, dev_ = 0.0;                                  \
        for (size_t i_ = 0; i_ < (p); i_++) sum_ += at(i_);             \
        double mean_ = sum_ / (double)(p);                              \
        for (size_t i_ = 0; i_ < (p); i_++) dev_ += fabs(at(i_) - mean_); \
        (result) = dev_ / (double)(p);                                  \
    } while (0)

int pr_ta_avgdev_lookback(int period, int *out) {
    if (!out || !avgdev_ok(period)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_avgdev(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(avgdev_ok(period), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    pr_ta_fill_nan(out, p - 1);
    for (size_t t = p - 1; t < n; t++) {
#define AT(i) in[t - (i)]
        AVGDEV_VALUE(p, AT, out[t]);
#undef AT
    }
    return PR_OK;
}

struct pr_ta_avgdev_impl {
    size_t p, count;
    double ring[];
};

int pr_ta_avgdev_init(pr_ta_avgdev_state *s, int period) {
    if (!s || !avgdev_ok(period)) return PR_EINVAL;
    struct pr_ta_avgdev_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->p = (size_t)period;
    m->count = 0;
    s->p = m;
    return PR_OK;
}

int pr_ta_avgdev_update(pr_ta_avgdev_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_avgdev_impl *m = s->p;
    size_t t = m->count++, p = m->p;
    m->ring[t % p] = x;
    if (t + 1 < p) {
        *out = NAN;
        return PR_OK;
    }
#define AT(i) m->ring[(t - (i)) % p]
    AVGDEV_VALUE(p, AT, *out);
#undef AT
    return PR_OK;
}

void pr_ta_avgdev_free(pr_ta_avgdev_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
