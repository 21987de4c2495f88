/* Swing highs and lows (fractals) reported only once confirmed: a pivot on
 * bar c appears on bar c + right, the first bar at which it is known. */
#include "extra_internal.h"

struct pr_ta_swings_impl {
    pr_ta_ring hi, lo; /* the last left + right + 1 bars */
    int left, right;
};

static int bad_params(int left, int right) { return left < 1 || left > 1000 || right < 0 || right > 1000; }

int pr_ta_swings_lookback(int left, int right, int *out) {
    if (!out || bad_params(left, right)) return PR_EINVAL;
    *out = left + right;
    return PR_OK;
}

int pr_ta_swings_init(pr_ta_swings_state *s, int left, int right) {
    if (!s || bad_params(left, right)) return PR_EINVAL;
    s->p = (struct pr_ta_swings_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    size_t w = (size_t)left + (size_t)right + 1;
    if (pr_ta_ring_init(&s->p->hi, w) != PR_OK || pr_ta_ring_init(&s->p->lo, w) != PR_OK) {
        pr_ta_swings_free(s);
        return PR_ENOMEM;
    }
    s->p->left = left;
    s->p->right = right;
    return PR_OK;
}

/* sign +1: is the candidate a swing high in r; -1: a swing low. NaN anywhere
 * in the window makes every comparison false, so no swing. */
static int is_swing(const pr_ta_ring *r, int left, int sign) {
    double c = pr_ta_ring_at(r, (size_t)left);
    if (isnan(c)) return 0;
    for (size_t i = 0; i < r->len; i++) {
        if (i == (size_t)left) continue;
        double v = pr_ta_ring_at(r, i);
        double d = sign > 0 ? c - v : v - c; /* > 0 when the candidate is more extreme */
        if (i < (size_t)left ? !(d > 0) : !(d >= 0)) return 0;
    }
    return 1;
}

int pr_ta_swings_update(pr_ta_swings_state *s, double high, double low, double *swing_high,
                        double *swing_low) {
    if (!s || !s->p || !swing_high || !swing_low) return PR_EINVAL;
    struct pr_ta_swings_impl *p = s->p;
    pr_ta_ring_push(&p->hi, high);
    pr_ta_ring_push(&p->lo, low);
    *swing_high = *swing_low = NAN;
    if (!pr_ta_ring_full(&p->hi)) return PR_OK;
    if (is_swing(&p->hi, p->left, +1)) *swing_high = pr_ta_ring_at(&p->hi, (size_t)p->left);
    if (is_swing(&p->lo, p->left, -1)) *swing_low = pr_ta_ring_at(&p->lo, (size_t)p->left);
    return PR_OK;
}

void pr_ta_swings_free(pr_ta_swings_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->hi);
    pr_ta_ring_free(&s->p->lo);
    free(s->p);
    s->p = NULL;
}

int pr_ta_swings(size_t n, const double *high, const double *low, int left, int right,
                 double *swing_high, double *swing_low) {
    PR_TA_PROLOGUE(!bad_params(left, right), n, high, low, swing_high, swing_low);
    pr_ta_swings_state s;
    int rc = pr_ta_swings_init(&s, left, right);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) pr_ta_swings_update(&s, high[i], low[i], &swing_high[i], &swing_low[i]);
    pr_ta_swings_free(&s);
    return PR_OK;
}
