/* TRANGE, ATR and NATR, batch and streaming.
 *
 * TA-Lib order: TR from bar 1 (max of h-l, |h-pc|, |l-pc|); the first ATR is
 * the SMA of TR on bars 1..p, summed left to right from 0 and divided by p;
 * then atr = ((atr*(p-1)) + tr)/p. NATR = (atr/close)*100, 0 when the close
 * is within 1e-14 of 0. ATR(1) is the true range itself. The recurrence is a
 * multiply-add-divide chain per bar; the loop keeps only that chain serial
 * (the true range and the NATR division hang off it). */
#include "momentum_internal.h"

/* ---- TRANGE ---------------------------------------------------------------- */

int pr_ta_trange_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = 1;
    return PR_OK;
}

int pr_ta_trange(size_t n, const double *high, const double *low, const double *close, double *out) {
    PR_TA_PROLOGUE(1, n, high, low, close, out);
    out[0] = NAN;
    for (size_t i = 1; i < n; i++) out[i] = pr_mo_true_range(high[i], low[i], close[i - 1]);
    return PR_OK;
}

struct pr_ta_trange_impl {
    int64_t count;
    double pc;
};

int pr_ta_trange_init(pr_ta_trange_state *s) {
    if (!s) return PR_EINVAL;
    s->p = calloc(1, sizeof *s->p);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_trange_update(pr_ta_trange_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_trange_impl *m = s->p;
    *out = m->count++ > 0 ? pr_mo_true_range(high, low, m->pc) : NAN;
    m->pc = close;
    return PR_OK;
}

void pr_ta_trange_free(pr_ta_trange_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- ATR / NATR ------------------------------------------------------------ */

static inline double natr_of(double atr, double close) {
    return PR_MO_IS_ZERO(close) ? 0.0 : (atr / close) * 100.0;
}

static int atr_batch(size_t n, const double *restrict hi, const double *restrict lo,
                     const double *restrict cl, int period, int norm, double *restrict out) {
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n <= p, n, out);
    pr_ta_fill_nan(out, p);
    if (period == 1) {
        for (size_t i = 1; i < n; i++) {
            double tr = pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
            out[i] = norm ? natr_of(tr, cl[i]) : tr;
        }
        return PR_OK;
    }
    double sum = 0.0;
    for (size_t i = 1; i <= p; i++) sum += pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
    double dp = (double)period, pm1 = (double)(period - 1);
    double atr = sum / dp;
    out[p] = norm ? natr_of(atr, cl[p]) : atr;
    if (norm) {
        for (size_t i = p + 1; i < n; i++) {
            atr = ((atr * pm1) + pr_mo_true_range(hi[i], lo[i], cl[i - 1])) / dp;
            out[i] = natr_of(atr, cl[i]);
        }
    } else {
        for (size_t i = p + 1; i < n; i++) {
            atr = ((atr * pm1) + pr_mo_true_range(hi[i], lo[i], cl[i - 1])) / dp;
            out[i] = atr;
        }
    }
    return PR_OK;
}

typedef struct atr_impl {
    int period, norm;
    int64_t count;
    double pc, sum, atr;
} atr_impl;

static int atr_update(atr_impl *m, double h, double l, double c, double *out) {
    int64_t t = m->count++;
    double pc = m->pc;
    m->pc = c;
    *out = NAN;
    if (t == 0) return PR_OK;
    double tr = pr_mo_true_range(h, l, pc);
    if (m->period == 1) {
        *out = m->norm ? natr_of(tr, c) : tr;
        return PR_OK;
    }
    if (t < m->period) {
        m->sum += tr;
        return PR_OK;
    }
    if (t == m->period) {
        m->sum += tr;
        m->atr = m->sum / (double)m->period;
    } else {
        m->atr = ((m->atr * (double)(m->period - 1)) + tr) / (double)m->period;
    }
    *out = m->norm ? natr_of(m->atr, c) : m->atr;
    return PR_OK;
}

static int atr_check(int period, int norm) { return pr_mo_period_ok(period, norm ? 2 : 1); }

static int atr_entry(size_t n, const double *high, const double *low, const double *close,
                     int period, int norm, double *out) {
    PR_TA_PROLOGUE(atr_check(period, norm), n, high, low, close, out);
    return atr_batch(n, high, low, close, period, norm, out);
}

static int atr_init(atr_impl **pp, int period, int norm) {
    if (!atr_check(period, norm)) return PR_EINVAL;
    atr_impl *m = calloc(1, sizeof *m);
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->norm = norm;
    *pp = m;
    return PR_OK;
}

/* The public states' impl pointers are incomplete types pointing to an
 * atr_impl. */
int pr_ta_atr_lookback(int period, int *out) {
    if (!out || !atr_check(period, 0)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}
int pr_ta_atr(size_t n, const double *high, const double *low, const double *close, int period,
              double *out) {
    return atr_entry(n, high, low, close, period, 0, out);
}
int pr_ta_atr_init(pr_ta_atr_state *s, int period) {
    if (!s) return PR_EINVAL;
    atr_impl *m = NULL;
    int rc = atr_init(&m, period, 0);
    if (rc == PR_OK) s->p = (struct pr_ta_atr_impl *)m;
    return rc;
}
int pr_ta_atr_update(pr_ta_atr_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return atr_update((atr_impl *)s->p, high, low, close, out);
}
void pr_ta_atr_free(pr_ta_atr_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

int pr_ta_natr_lookback(int period, int *out) {
    if (!out || !atr_check(period, 1)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}
int pr_ta_natr(size_t n, const double *high, const double *low, const double *close, int period,
               double *out) {
    return atr_entry(n, high, low, close, period, 1, out);
}
int pr_ta_natr_init(pr_ta_natr_state *s, int period) {
    if (!s) return PR_EINVAL;
    atr_impl *m = NULL;
    int rc = atr_init(&m, period, 1);
    if (rc == PR_OK) s->p = (struct pr_ta_natr_impl *)m;
    return rc;
}
int pr_ta_natr_update(pr_ta_natr_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return atr_update((atr_impl *)s->p, high, low, close, out);
}
void pr_ta_natr_free(pr_ta_natr_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
