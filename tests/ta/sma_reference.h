/* The outside reference for SMA accuracy, shared by the accuracy test and
 * bench_ta: each window summed afresh in long double with Neumaier's
 * compensation, divided by the period, and the largest relative error of an
 * SMA series against it. Header-only (static inline). */
#ifndef PR_TEST_SMA_REFERENCE_H
#define PR_TEST_SMA_REFERENCE_H
#include <math.h>
#include <stddef.h>

/* Largest relative error of sma[p-1..n-1]; a NaN counts as the worst. */
static inline double pr_sma_ref_max_rel_err(const double *x, size_t n, size_t p, const double *sma) {
    double worst = 0.0;
    for (size_t i = p - 1; i < n; i++) {
        long double t = 0.0L, c = 0.0L;
        for (size_t k = i + 1 - p; k <= i; k++) {
            long double y = x[k], u = t + y;
            c += fabsl(t) >= fabsl(y) ? (t - u) + y : (y - u) + t;
            t = u;
        }
        long double ref = (t + c) / (long double)p;
        double e = (double)(fabsl((long double)sma[i] - ref) / fabsl(ref));
        if (!(e <= worst)) worst = e;
    }
    return worst;
}
#endif
