/* MFI: money flow index, batch and streaming, in TA-Lib's order: typical
 * price tp = (h+l+c)/3.0, money flow tp*v assigned to the positive side when
 * tp rose against the previous bar and to the negative side when it fell
 * (neither when equal); p-bar running sums, each updated by subtracting the
 * leaving bar's flows before adding the new ones; 100*(pos/(pos+neg)), or 0
 * when pos+neg < 1.0 (TA-Lib's absolute threshold). A NaN tp or volume
 * enters both sums as NaN, so every later value is NaN. */
#include "momentum_internal.h"

struct pr_ta_mfi_impl {
    int period;
    int64_t count;
    size_t pos;
    double prev_tp, psum, nsum;
    double *ring;     /* 2*period: positive and negative flow per bar */
};

static inline void mfi_flows(double tp, double prev, double v, double *pf, double *nf) {
    double d = tp - prev;
    double mf = tp * v;
    *pf = *nf = 0.0;
    if (d < 0) *nf = mf;
    else if (d > 0) *pf = mf;
    else if (d != d || mf != mf) *pf = *nf = NAN;
}

static inline double mfi_value(double ps, double ns) {
    double s = ps + ns;
    return s < 1.0 ? 0.0 : 100.0 * (ps / s);
}

static int mfi_setup(struct pr_ta_mfi_impl *m, int period) {
    memset(m, 0, sizeof *m);
    m->period = period;
    m->ring = malloc(2 * (size_t)period * sizeof *m->ring);
    return m->ring ? PR_OK : PR_ENOMEM;
}

static double mfi_step(struct pr_ta_mfi_impl *m, double h, double l, double c, double v) {
    double tp = (h + l + c) / 3.0;
    int64_t t = m->count++;
    if (t == 0) {
        m->prev_tp = tp;
        return NAN;
    }
    double pf, nf;
    mfi_flows(tp, m->prev_tp, v, &pf, &nf);
    m->prev_tp = tp;
    double *slot = m->ring + 2 * m->pos;
    if (t > m->period) {
        m->psum -= slot[0];
        m->nsum -= slot[1];
    }
    if (nf != 0.0) m->nsum += nf;
    if (pf != 0.0) m->psum += pf;
    slot[0] = pf;
    slot[1] = nf;
    if (++m->pos == (size_t)m->period) m->pos = 0;
    return t >= m->period ? mfi_value(m->psum, m->nsum) : NAN;
}

int pr_ta_mfi_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

int pr_ta_mfi(size_t n, const double *high, const double *low, const double *close,
              const double *volume, int period, double *out) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, close, volume, out);
    struct pr_ta_mfi_impl m;
    int rc = mfi_setup(&m, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) out[i] = mfi_step(&m, high[i], low[i], close[i], volume[i]);
    free(m.ring);
    return PR_OK;
}

int pr_ta_mfi_init(pr_ta_mfi_state *s, int period) {
    if (!s || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = mfi_setup(s->p, period);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
    }
    return rc;
}

int pr_ta_mfi_update(pr_ta_mfi_state *s, double high, double low, double close, double volume,
                     double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = mfi_step(s->p, high, low, close, volume);
    return PR_OK;
}

void pr_ta_mfi_free(pr_ta_mfi_state *s) {
    if (!s || !s->p) return;
    free(s->p->ring);
    free(s->p);
    s->p = NULL;
}
