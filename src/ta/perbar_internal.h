/* Internal to the ta module: the boilerplate of an indicator that is one
 * expression per bar with no state and lookback 0 (price transforms, math
 * transforms and operators). PR_TA_PERBAR_<k>(name, args, expr) defines
 * pr_ta_<name>_lookback, the batch form, and a streaming form whose state
 * only marks an initialised stream; `args` are the k input names, which the
 * expression reads as doubles. Batch and streaming evaluate the same inline
 * function, so they agree bit for bit. */
#ifndef PR_TA_PERBAR_INTERNAL_H
#define PR_TA_PERBAR_INTERNAL_H
#include <math.h>
#include <stdlib.h>
#include "ta_internal.h"

#define PR_TA_PERBAR_COMMON_(name)                                   \
    struct pr_ta_##name##_impl { int unused; };                      \
    int pr_ta_##name##_lookback(int *out) {                          \
        if (!out) return PR_EINVAL;                                  \
        *out = 0;                                                    \
        return PR_OK;                                                \
    }                                                                \
    int pr_ta_##name##_init(pr_ta_##name##_state *s) {               \
        if (!s) return PR_EINVAL;                                    \
        s->p = calloc(1, sizeof *s->p);                              \
        return s->p ? PR_OK : PR_ENOMEM;                             \
    }                                                                \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {              \
        if (!s) return;                                              \
        free(s->p);                                                  \
        s->p = NULL;                                                 \
    }

#define PR_TA_PERBAR_1(name, a, expr)                                                 \
    static inline double name##_value(double a) { return (expr); }                    \
    PR_TA_PERBAR_COMMON_(name)                                                        \
    int pr_ta_##name(size_t n, const double *in, double *out) {                       \
        PR_TA_PROLOGUE(1, n, in, out);                                                \
        for (size_t i = 0; i < n; i++) out[i] = name##_value(in[i]);                  \
        return PR_OK;                                                                 \
    }                                                                                 \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out) {       \
        if (!s || !s->p || !out) return PR_EINVAL;                                    \
        *out = name##_value(x);                                                       \
        return PR_OK;                                                                 \
    }

#define PR_TA_PERBAR_2(name, in1, in2, a, b, expr)                                              \
    static inline double name##_value(double a, double b) { return (expr); }                    \
    PR_TA_PERBAR_COMMON_(name)                                                                  \
    int pr_ta_##name(size_t n, const double *in1, const double *in2, double *out) {             \
        PR_TA_PROLOGUE(1, n, in1, in2, out);                                                    \
        for (size_t i = 0; i < n; i++) out[i] = name##_value(in1[i], in2[i]);                   \
        return PR_OK;                                                                           \
    }                                                                                           \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double in1, double in2, double *out) {   \
        if (!s || !s->p || !out) return PR_EINVAL;                                              \
        *out = name##_value(in1, in2);                                                          \
        return PR_OK;                                                                           \
    }

#define PR_TA_PERBAR_3(name, in1, in2, in3, a, b, c, expr)                                          \
    static inline double name##_value(double a, double b, double c) { return (expr); }              \
    PR_TA_PERBAR_COMMON_(name)                                                                      \
    int pr_ta_##name(size_t n, const double *in1, const double *in2, const double *in3,             \
                     double *out) {                                                                 \
        PR_TA_PROLOGUE(1, n, in1, in2, in3, out);                                                   \
        for (size_t i = 0; i < n; i++) out[i] = name##_value(in1[i], in2[i], in3[i]);               \
        return PR_OK;                                                                               \
    }                                                                                               \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double in1, double in2, double in3,          \
                              double *out) {                                                        \
        if (!s || !s->p || !out) return PR_EINVAL;                                                  \
        *out = name##_value(in1, in2, in3);                                                         \
        return PR_OK;                                                                               \
    }

#define PR_TA_PERBAR_4(name, in1, in2, in3, in4, a, b, c, d, expr)                                    \
    static inline double name##_value(double a, double b, double c, double d) { return (expr); }      \
    PR_TA_PERBAR_COMMON_(name)                                                                        \
    int pr_ta_##name(size_t n, const double *in1, const double *in2, const double *in3,               \
                     const double *in4, double *out) {                                                \
        PR_TA_PROLOGUE(1, n, in1, in2, in3, in4, out);                                                \
        for (size_t i = 0; i < n; i++) out[i] = name##_value(in1[i], in2[i], in3[i], in4[i]);         \
        return PR_OK;                                                                                 \
    }                                                                                                 \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double in1, double in2, double in3,            \
                              double in4, double *out) {                                              \
        if (!s || !s->p || !out) return PR_EINVAL;                                                    \
        *out = name##_value(in1, in2, in3, in4);                                                      \
        return PR_OK;                                                                                 \
    }
#endif
