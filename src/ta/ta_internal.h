/* Internal to the ta module: the indicator table (table_list.c, made from
 * proratio/ta/list.h) and the prologue and helpers shared by indicator files. */
#ifndef PR_TA_INTERNAL_H
#define PR_TA_INTERNAL_H
#include <math.h>
#include "proratio/ta.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

extern const pr_ta_def pr_ta_defs[];   /* table_list.c: one entry per row of ta/list.h */
extern const size_t pr_ta_defs_count;

/* Fills out[0..n) with NaN. */
static inline void pr_ta_fill_nan(double *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = NAN;
}

/* a > b ? a : b and a < b ? a : b (NaN rules included: b unless the
 * comparison holds), and c ? a : b for the result of a comparison c, as
 * one maxsd / minsd / mask blend where SSE2 is there: compilers turn the
 * plain expressions into branches when they like, and on prices those
 * branches mispredict. */
static inline double pr_ta_pick_max(double a, double b) {
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(a), _mm_set_sd(b)));
#else
    return a > b ? a : b;
#endif
}

static inline double pr_ta_pick_min(double a, double b) {
#if defined(__SSE2__)
    return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(a), _mm_set_sd(b)));
#else
    return a < b ? a : b;
#endif
}

/* x > y ? a : b */
static inline double pr_ta_pick_gt(double x, double y, double a, double b) {
#if defined(__SSE2__)
    __m128d m = _mm_cmpgt_sd(_mm_set_sd(x), _mm_set_sd(y));
    return _mm_cvtsd_f64(_mm_or_pd(_mm_and_pd(m, _mm_set_sd(a)), _mm_andnot_pd(m, _mm_set_sd(b))));
#else
    return x > y ? a : b;
#endif
}

/* 1 when none of the k pointers is NULL. */
static inline int pr_ta_all_set(const void *const *ptrs, size_t k) {
    for (size_t i = 0; i < k; i++)
        if (!ptrs[i]) return 0;
    return 1;
}

/* 1 after filling each of the k outputs' first n cells with NaN. */
static inline int pr_ta_fill_nan_all(double *const *outs, size_t k, size_t n) {
    for (size_t i = 0; i < k; i++) pr_ta_fill_nan(outs[i], n);
    return 1;
}

#define PR_TA_PTRS_(...) ((const void *const[]){__VA_ARGS__})
#define PR_TA_NPTRS_(...) (sizeof PR_TA_PTRS_(__VA_ARGS__) / sizeof(const void *))

/* The prologue every batch indicator opens with (the bad-input policy of
 * ta.h), in this order: parameters not `params_ok` -> PR_EINVAL with the
 * outputs untouched; n == 0 -> PR_OK, nothing touched (NULL arrays
 * allowed); any of the input and output arrays listed NULL -> PR_EINVAL.
 * Returns from the calling function in those cases. */
#define PR_TA_PROLOGUE(params_ok, n, ...)                                          \
    do {                                                                           \
        if (!(params_ok)) return PR_EINVAL;                                        \
        if ((n) == 0) return PR_OK;                                                \
        if (!pr_ta_all_set(PR_TA_PTRS_(__VA_ARGS__), PR_TA_NPTRS_(__VA_ARGS__)))   \
            return PR_EINVAL;                                                      \
    } while (0)

/* The warm-up rule for a series too short to reach the first value
 * (`too_short`, i.e. n <= lookback): every listed output is NaN over its n
 * cells and the calling function returns PR_OK. */
#define PR_TA_ALL_NAN_IF(too_short, n, ...)                                                       \
    do {                                                                                          \
        if ((too_short) && pr_ta_fill_nan_all((double *const[]){__VA_ARGS__},                     \
                                              sizeof((double *const[]){__VA_ARGS__}) / sizeof(double *), (n))) \
            return PR_OK;                                                                         \
    } while (0)
#endif
