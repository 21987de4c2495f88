/* Internal to the ta module: the adapters shared by the family tables
 * (table_<family>.c) that turn a typed indicator into a pr_ta_def entry's
 * generic lookback / run / stream functions. */
#ifndef PR_TA_TABLE_INTERNAL_H
#define PR_TA_TABLE_INTERNAL_H
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include "ta_internal.h"

/* Converts a checked parameter to int; anything not a whole number in int
 * range becomes INT_MIN, which every typed function rejects (PR_EINVAL). */
static inline int ip(double v) {
    if (!(v >= (double)INT_MIN && v <= (double)INT_MAX) || v != floor(v)) return INT_MIN;
    return (int)v;
}

/* The generic real input: real0 when a tool supplied it, else the close. */
static inline const double *real0(const pr_ta_input *in) { return in->real0 ? in->real0 : in->close; }

/* Allocates a typed streaming state and runs its init expression. */
#define NEW_STATE(type, init_call)   \
    type *s = calloc(1, sizeof *s);  \
    if (!s) return PR_ENOMEM;        \
    int rc = (init_call);            \
    if (rc != PR_OK) {               \
        free(s);                     \
        return rc;                   \
    }                                \
    *state = s;                      \
    return PR_OK;

/* The generic stream_free of indicator `name`. */
#define FREE_STATE(name)                \
    static void free_##name(void *st) { \
        if (!st) return;                \
        pr_ta_##name##_free(st);        \
        free(st);                       \
    }

/* Adapters of an indicator with one real input (real0), one int period and one output. */
#define SHAPE_PERIOD(name)                                                                   \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), out[0]);                            \
    }                                                                                        \
    static int new_##name(const double *p, void **state) {                                   \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0])))                    \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    FREE_STATE(name)
#endif
