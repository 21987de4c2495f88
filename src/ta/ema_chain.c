/* DEMA, TEMA and TRIX: indicators built on chained EMAs, batch and streaming.
 * Each inner EMA runs on the previous EMA's output series, starts at that
 * series' first value and is seeded with the SMA of its first p values, all
 * in TA-Lib's operation order (overlap_internal.h), so values match TA-Lib bit
 * for bit. The batch forms run the same per-bar step as the streaming forms,
 * which makes the two identical by construction. */
#include "overlap_internal.h"

/* ---- DEMA = 2·EMA1 − EMA2 ------------------------------------------------- */

struct pr_ta_dema_impl { pr_ta_xema e1, e2; };

static void dema_setup(struct pr_ta_dema_impl *m, int period) {
    pr_ta_xema_init(&m->e1, period);
    pr_ta_xema_init(&m->e2, period);
}

static inline double dema_step(struct pr_ta_dema_impl *m, double x) {
    if (!pr_ta_xema_push(&m->e1, x) || !pr_ta_xema_push(&m->e2, m->e1.value)) return NAN;
    return (2.0 * m->e1.value) - m->e2.value;
}

int pr_ta_dema_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = 2 * (period - 1);
    return PR_OK;
}

int pr_ta_dema(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX), n, in, out);
    struct pr_ta_dema_impl m;
    dema_setup(&m, period);
    for (size_t i = 0; i < n; i++) out[i] = dema_step(&m, in[i]);
    return PR_OK;
}

int pr_ta_dema_init(pr_ta_dema_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_dema_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    dema_setup(m, period);
    s->p = m;
    return PR_OK;
}

int pr_ta_dema_update(pr_ta_dema_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = dema_step(s->p, x);
    return PR_OK;
}

void pr_ta_dema_free(pr_ta_dema_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- TEMA = EMA3 + (3·EMA1 − 3·EMA2), TA-Lib's grouping -------------------- */

struct pr_ta_tema_impl { pr_ta_xema e1, e2, e3; };

static void tema_setup(struct pr_ta_tema_impl *m, int period) {
    pr_ta_xema_init(&m->e1, period);
    pr_ta_xema_init(&m->e2, period);
    pr_ta_xema_init(&m->e3, period);
}

static inline double tema_step(struct pr_ta_tema_impl *m, double x) {
    if (!pr_ta_xema_push(&m->e1, x) || !pr_ta_xema_push(&m->e2, m->e1.value) ||
        !pr_ta_xema_push(&m->e3, m->e2.value))
        return NAN;
    return m->e3.value + ((3.0 * m->e1.value) - (3.0 * m->e2.value));
}

int pr_ta_tema_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = 3 * (period - 1);
    return PR_OK;
}

int pr_ta_tema(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX), n, in, out);
    struct pr_ta_tema_impl m;
    tema_setup(&m, period);
    for (size_t i = 0; i < n; i++) out[i] = tema_step(&m, in[i]);
    return PR_OK;
}

int pr_ta_tema_init(pr_ta_tema_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 2, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_tema_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    tema_setup(m, period);
    s->p = m;
    return PR_OK;
}

int pr_ta_tema_update(pr_ta_tema_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = tema_step(s->p, x);
    return PR_OK;
}

void pr_ta_tema_free(pr_ta_tema_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- TRIX = 100·(EMA3[t]/EMA3[t-1] − 1), 0 when EMA3[t-1] == 0 -------------- */

struct pr_ta_trix_impl {
    pr_ta_xema e1, e2, e3;
    int have_prev;
    double prev;
};

static void trix_setup(struct pr_ta_trix_impl *m, int period) {
    pr_ta_xema_init(&m->e1, period);
    pr_ta_xema_init(&m->e2, period);
    pr_ta_xema_init(&m->e3, period);
    m->have_prev = 0;
    m->prev = 0.0;
}

static inline double trix_step(struct pr_ta_trix_impl *m, double x) {
    if (!pr_ta_xema_push(&m->e1, x) || !pr_ta_xema_push(&m->e2, m->e1.value) ||
        !pr_ta_xema_push(&m->e3, m->e2.value))
        return NAN;
    double cur = m->e3.value, r = NAN;
    if (m->have_prev) r = m->prev != 0.0 ? ((cur / m->prev) - 1.0) * 100.0 : 0.0;
    m->prev = cur;
    m->have_prev = 1;
    return r;
}

int pr_ta_trix_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = 3 * (period - 1) + 1;
    return PR_OK;
}

int pr_ta_trix(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX), n, in, out);
    struct pr_ta_trix_impl m;
    trix_setup(&m, period);
    for (size_t i = 0; i < n; i++) out[i] = trix_step(&m, in[i]);
    return PR_OK;
}

int pr_ta_trix_init(pr_ta_trix_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_trix_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    trix_setup(m, period);
    s->p = m;
    return PR_OK;
}

int pr_ta_trix_update(pr_ta_trix_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = trix_step(s->p, x);
    return PR_OK;
}

void pr_ta_trix_free(pr_ta_trix_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
