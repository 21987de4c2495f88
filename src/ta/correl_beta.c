/* CORREL and BETA of two series, batch and streaming, in TA-Lib's operation
 * order (bit for bit). The batch forms run the streaming step over the
 * arrays (O(period) scratch), so the two agree by construction.
 *
 * Summation, CORREL: running raw sums Σx, Σy, Σx², Σy², Σxy over the window;
 * each bar first subtracts the pair that leaves, then adds the new pair
 * (TA-Lib's order). r = (Σxy − ΣxΣy/p) / sqrt((Σx² − (Σx)²/p)(Σy² − (Σy)²/p)),
 * 0 when the product is < 1e-14. The raw sums of squares of ~40,000-level
 * prices cancel catastrophically in Σx² − (Σx)²/p (about 8 of 16 digits
 * survive for a 30-bar window of hourly BTC), which TA-Lib shares; kept for
 * exact agreement, hence the 1e-8 test tolerance.
 *
 * Summation, BETA: one-bar simple returns r = (p − prev)/prev (0 when prev is
 * ~0); running Σx, Σy, Σx², Σxy of the last p returns, each bar adding the new
 * return, producing the output, then removing the oldest; beta =
 * (pΣxy − ΣxΣy)/(pΣx² − (Σx)²), 0 when the denominator is ~0. */
#include "overlap_internal.h"

/* ---- CORREL -------------------------------------------------------------- */

struct pr_ta_correl_impl {
    size_t p, count, pos;
    double dp, sx, sy, sx2, sy2, sxy;
    double ring[];   /* p pairs: x at 2k, y at 2k+1 */
};

static struct pr_ta_correl_impl *correl_new(int period) {
    struct pr_ta_correl_impl *m = malloc(sizeof *m + 2 * (size_t)period * sizeof(double));
    if (!m) return NULL;
    m->p = (size_t)period;
    m->count = m->pos = 0;
    m->dp = (double)period;
    m->sx = m->sy = m->sx2 = m->sy2 = m->sxy = 0.0;
    return m;
}

static inline double correl_step(struct pr_ta_correl_impl *m, double x, double y) {
    if (m->count >= m->p) {
        double tx = m->ring[2 * m->pos], ty = m->ring[2 * m->pos + 1];
        m->sx -= tx;
        m->sx2 -= tx * tx;
        m->sxy -= tx * ty;
        m->sy -= ty;
        m->sy2 -= ty * ty;
    }
    m->sx += x;
    m->sx2 += x * x;
    m->sxy += x * y;
    m->sy += y;
    m->sy2 += y * y;
    size_t slot = m->count < m->p ? m->count : m->pos;
    m->ring[2 * slot] = x;
    m->ring[2 * slot + 1] = y;
    if (m->count >= m->p && ++m->pos == m->p) m->pos = 0;
    if (++m->count < m->p) return NAN;
    double t = (m->sx2 - ((m->sx * m->sx) / m->dp)) * (m->sy2 - ((m->sy * m->sy) / m->dp));
    if (PR_TA_IS_ZERO_OR_NEG(t)) return 0.0;
    return (m->sxy - ((m->sx * m->sy) / m->dp)) / sqrt(t);
}

int pr_ta_correl_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_correl(size_t n, const double *x, const double *y, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX), n, x, y, out);
    struct pr_ta_correl_impl *m = correl_new(period);
    if (!m) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) out[i] = correl_step(m, x[i], y[i]);
    free(m);
    return PR_OK;
}

int pr_ta_correl_init(pr_ta_correl_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    s->p = correl_new(period);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_correl_update(pr_ta_correl_state *s, double x, double y, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = correl_step(s->p, x, y);
    return PR_OK;
}

void pr_ta_correl_free(pr_ta_correl_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- BETA ---------------------------------------------------------------- */

struct pr_ta_beta_impl {
    size_t count;            /* bars seen                                  */
    double dp, lastx, lasty; /* period as double, previous prices          */
    double sxx, sxy, sx, sy;
    pr_ta_win wx, wy;        /* returns, for removing the oldest            */
};

static void beta_release(struct pr_ta_beta_impl *m) {
    pr_ta_win_free(&m->wx);
    pr_ta_win_free(&m->wy);
    free(m);
}

static struct pr_ta_beta_impl *beta_new(int period) {
    struct pr_ta_beta_impl *m = malloc(sizeof *m);
    if (!m) return NULL;
    m->count = 0;
    m->dp = (double)period;
    m->lastx = m->lasty = 0.0;
    m->sxx = m->sxy = m->sx = m->sy = 0.0;
    int r1 = pr_ta_win_init(&m->wx, period), r2 = pr_ta_win_init(&m->wy, period);
    if (r1 != PR_OK || r2 != PR_OK) {
        beta_release(m);
        return NULL;
    }
    return m;
}

static inline double beta_ret(double p, double prev) {
    return !PR_TA_IS_ZERO(prev) ? (p - prev) / prev : 0.0;
}

static inline double beta_step(struct pr_ta_beta_impl *m, double px, double py) {
    if (m->count++ == 0) {
        m->lastx = px;
        m->lasty = py;
        return NAN;
    }
    double x = beta_ret(px, m->lastx), y = beta_ret(py, m->lasty);
    m->lastx = px;
    m->lasty = py;
    m->sxx += x * x;
    m->sxy += x * y;
    m->sx += x;
    m->sy += y;
    double ox = 0.0, oy = 0.0;
    int full = pr_ta_win_push(&m->wx, x, &ox);
    full &= pr_ta_win_push(&m->wy, y, &oy);
    if (!full) return NAN;
    double t = (m->dp * m->sxx) - (m->sx * m->sx);
    double r = !PR_TA_IS_ZERO(t) ? ((m->dp * m->sxy) - (m->sx * m->sy)) / t : 0.0;
    m->sxx -= ox * ox;
    m->sxy -= ox * oy;
    m->sx -= ox;
    m->sy -= oy;
    return r;
}

int pr_ta_beta_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

int pr_ta_beta(size_t n, const double *x, const double *y, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX), n, x, y, out);
    struct pr_ta_beta_impl *m = beta_new(period);
    if (!m) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) out[i] = beta_step(m, x[i], y[i]);
    beta_release(m);
    return PR_OK;
}

int pr_ta_beta_init(pr_ta_beta_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    s->p = beta_new(period);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_beta_update(pr_ta_beta_state *s, double x, double y, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = beta_step(s->p, x, y);
    return PR_OK;
}

void pr_ta_beta_free(pr_ta_beta_state *s) {
    if (!s || !s->p) return;
    beta_release(s->p);
    s->p = NULL;
}
