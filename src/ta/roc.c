/* MOM and the rate-of-change family (ROC, ROCP, ROCR, ROCR100): the close
 * against the close p bars earlier, batch and streaming. TA-Lib's formulas
 * and its exact zero test on the old price. */
#include "momentum_internal.h"

enum { K_MOM, K_ROC, K_ROCP, K_ROCR, K_ROCR100 };

static inline double roc_value(int kind, double x, double old) {
    switch (kind) {
    case K_MOM: return x - old;
    case K_ROC: return old != 0.0 ? ((x / old) - 1.0) * 100.0 : 0.0;
    case K_ROCP: return old != 0.0 ? (x - old) / old : 0.0;
    case K_ROCR: return old != 0.0 ? x / old : 0.0;
    default: return old != 0.0 ? (x / old) * 100.0 : 0.0;
    }
}

static int roc_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 1)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

static int roc_batch(int kind, size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 1), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n <= p, n, out);
    pr_ta_fill_nan(out, p);
    for (size_t i = p; i < n; i++) out[i] = roc_value(kind, in[i], in[i - p]);
    return PR_OK;
}

typedef struct roc_impl {
    int kind, period;
    int64_t count;
    size_t pos;
    double ring[];   /* the last `period` inputs */
} roc_impl;

static int roc_init(roc_impl **pp, int kind, int period) {
    if (!pp || !pr_mo_period_ok(period, 1)) return PR_EINVAL;
    roc_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->kind = kind;
    m->period = period;
    m->count = 0;
    m->pos = 0;
    *pp = m;
    return PR_OK;
}

static int roc_update(roc_impl *m, double x, double *out) {
    if (!m || !out) return PR_EINVAL;
    double old = m->ring[m->pos];
    *out = m->count >= m->period ? roc_value(m->kind, x, old) : NAN;
    m->ring[m->pos] = x;
    if (++m->pos == (size_t)m->period) m->pos = 0;
    m->count++;
    return PR_OK;
}

/* The public state's impl pointer is an incomplete type that always points
 * to a roc_impl. */
#define ROC_DEFINE(name, kind)                                                              \
    int pr_ta_##name##_lookback(int period, int *out) { return roc_lookback(period, out); } \
    int pr_ta_##name(size_t n, const double *in, int period, double *out) {                 \
        return roc_batch(kind, n, in, period, out);                                         \
    }                                                                                       \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period) {                          \
        if (!s) return PR_EINVAL;                                                           \
        roc_impl *m = NULL;                                                                 \
        int rc = roc_init(&m, kind, period);                                                \
        s->p = (struct pr_ta_##name##_impl *)m;                                             \
        return rc;                                                                          \
    }                                                                                       \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out) {             \
        return s ? roc_update((roc_impl *)s->p, x, out) : PR_EINVAL;                        \
    }                                                                                       \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                                     \
        if (!s) return;                                                                     \
        free(s->p);                                                                         \
        s->p = NULL;                                                                        \
    }

ROC_DEFINE(mom, K_MOM)
ROC_DEFINE(roc, K_ROC)
ROC_DEFINE(rocp, K_ROCP)
ROC_DEFINE(rocr, K_ROCR)
ROC_DEFINE(rocr100, K_ROCR100)
