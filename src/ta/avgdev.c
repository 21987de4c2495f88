/* AVGDEV: mean absolute deviation about the mean of the last p bars, as
 * TA-Lib computes it (lookback p-1): recomputed from scratch on every bar,
 * the window summed newest to oldest, then |x - sum/p| summed in the same
 * order and divided by p, so the values equal TA-Lib's bit for bit. The
 * streaming form runs the same loop over a ring of the last p values. */
#include <stddef.h>
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
    /* Four bars at a time: each window is still summed alone, newest to
     * oldest, exactly as AVGDEV_VALUE does (same doubles), but the four
     * running sums are independent, so they no longer wait on one another:
     * one window's sum is a chain of dependent adds, its latency the cost. */
    size_t t = p - 1;
    for (; t + 4 <= n; t += 4) {
        const double *x = in + t;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t i = 0; i < p; i++) {
            s0 += x[0 - (ptrdiff_t)i];
            s1 += x[1 - (ptrdiff_t)i];
            s2 += x[2 - (ptrdiff_t)i];
            s3 += x[3 - (ptrdiff_t)i];
        }
        double m0 = s0 / (double)p, m1 = s1 / (double)p, m2 = s2 / (double)p, m3 = s3 / (double)p;
        double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
        for (size_t i = 0; i < p; i++) {
            d0 += fabs(x[0 - (ptrdiff_t)i] - m0);
            d1 += fabs(x[1 - (ptrdiff_t)i] - m1);
            d2 += fabs(x[2 - (ptrdiff_t)i] - m2);
            d3 += fabs(x[3 - (ptrdiff_t)i] - m3);
        }
        out[t] = d0 / (double)p;
        out[t + 1] = d1 / (double)p;
        out[t + 2] = d2 / (double)p;
        out[t + 3] = d3 / (double)p;
    }
    for (; t < n; t++) {
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
