/* Internal to the extra indicators: a fixed-capacity ring buffer of doubles
 * (the rolling windows of Donchian, CMF, z-score, ...) and small helpers.
 * Windows are always walked oldest-to-newest so the batch and streaming forms,
 * which share one update function, sum in the same order. */
#ifndef PR_TA_EXTRA_INTERNAL_H
#define PR_TA_EXTRA_INTERNAL_H
#include <math.h>
#include <stdlib.h>
#include "ta_internal.h"

typedef struct pr_ta_ring {
    double *v;
    size_t cap, len, head; /* head: slot of the oldest value */
} pr_ta_ring;

static inline int pr_ta_ring_init(pr_ta_ring *r, size_t cap) {
    r->v = (double *)calloc(cap ? cap : 1, sizeof(double));
    r->cap = cap;
    r->len = 0;
    r->head = 0;
    return r->v ? PR_OK : PR_ENOMEM;
}

static inline void pr_ta_ring_free(pr_ta_ring *r) {
    free(r->v);
    r->v = NULL;
    r->cap = r->len = r->head = 0;
}

/* Appends x, dropping the oldest value when full. */
static inline void pr_ta_ring_push(pr_ta_ring *r, double x) {
    if (r->len < r->cap) {
        r->v[(r->head + r->len) % r->cap] = x;
        r->len++;
    } else {
        r->v[r->head] = x;
        r->head = (r->head + 1) % r->cap;
    }
}

/* i-th value counted from the oldest (0) to the newest (len-1). */
static inline double pr_ta_ring_at(const pr_ta_ring *r, size_t i) {
    return r->v[(r->head + i) % r->cap];
}

static inline int pr_ta_ring_full(const pr_ta_ring *r) { return r->len == r->cap; }

/* Floor division for possibly negative times. */
static inline int64_t pr_ta_floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

#endif
