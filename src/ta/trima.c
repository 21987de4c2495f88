/* TRIMA: triangular moving average, batch and streaming, in TA-Lib's
 * incremental form (bit for bit). With h = p/2 (integer division):
 *   odd p:  weights 1..h+1..1, divided by (h+1)²
 *   even p: weights 1..h,h..1, divided by h(h+1)
 * A numerator N carries the weighted sum, Sub the sum of the older half and
 * Add the sum of the newer half. Per bar, N -= Sub, Sub slides by one value,
 * N += Add (even p: after Add drops the middle value; odd p: before), Add
 * takes the new value, N += new; output N·factor. */
#include "overlap_internal.h"

#define TRIMA_MIN 2

static double trima_factor(int period) {
    double h = (double)(period >> 1);
    return 1.0 / ((period & 1) ? (h + 1.0) * (h + 1.0) : h * (h + 1.0));
}

/* Offset, from the value leaving the window (p bars back), of the value that
 * moves from the newer half to the older half. */
static size_t trima_mid_offset(int period) { return (size_t)(period >> 1) + (size_t)(period & 1); }

/* Initial sums over w[0..p-1] (oldest first), as TA-Lib accumulates them. */
static void trima_seed(const double *w, int period, double *num, double *sub, double *add) {
    int h = period >> 1;
    int middle = (period & 1) ? h : h - 1;
    double n = 0.0, s = 0.0, a = 0.0;
    for (int i = middle; i >= 0; i--) {
        s += w[i];
        n += s;
    }
    for (int i = middle + 1; i < period; i++) {
        a += w[i];
        n += a;
    }
    *num = n;
    *sub = s;
    *add = a;
}

/* One bar after the first: old = value leaving (p bars back), mid = value
 * crossing halves, x = new value. Returns the new numerator. */
static inline void trima_slide(int odd, double *num, double *sub, double *add, double old, double mid,
                               double x) {
    double n = *num, s = *sub, a = *add;
    n -= s;
    s -= old;
    s += mid;
    if (odd) {
        n += a;
        a -= mid;
    } else {
        a -= mid;
        n += a;
    }
    a += x;
    n += x;
    *num = n;
    *sub = s;
    *add = a;
}

int pr_ta_trima_lookback(int period, int *out) {
    if (!out || !pr_ta_period_ok(period, TRIMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_trima(size_t n, const double *in, int period, double *out) {
    PR_TA_PROLOGUE(pr_ta_period_ok(period, TRIMA_MIN, PR_TA_PERIOD_MAX), n, in, out);
    size_t p = (size_t)period;
    PR_TA_ALL_NAN_IF(n < p, n, out);
    pr_ta_fill_nan(out, p - 1);
    double factor = trima_factor(period), num, sub, add;
    size_t moff = trima_mid_offset(period);
    int odd = period & 1;
    trima_seed(in, period, &num, &sub, &add);
    out[p - 1] = num * factor;
    for (size_t t = p; t < n; t++) {
        trima_slide(odd, &num, &sub, &add, in[t - p], in[t - p + moff], in[t]);
        out[t] = num * factor;
    }
    return PR_OK;
}

struct pr_ta_trima_impl {
    int period, odd;
    size_t count, pos, moff;
    double factor, num, sub, add;
    double ring[];
};

int pr_ta_trima_init(pr_ta_trima_state *s, int period) {
    if (!s || !pr_ta_period_ok(period, TRIMA_MIN, PR_TA_PERIOD_MAX)) return PR_EINVAL;
    struct pr_ta_trima_impl *m = malloc(sizeof *m + (size_t)period * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->period = period;
    m->odd = period & 1;
    m->count = 0;
    m->pos = 0;
    m->moff = trima_mid_offset(period);
    m->factor = trima_factor(period);
    m->num = m->sub = m->add = 0.0;
    s->p = m;
    return PR_OK;
}

int pr_ta_trima_update(pr_ta_trima_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_trima_impl *m = s->p;
    size_t p = (size_t)m->period;
    if (m->count < p) {
        m->ring[m->count++] = x;
        if (m->count < p) {
            *out = NAN;
            return PR_OK;
        }
        trima_seed(m->ring, m->period, &m->num, &m->sub, &m->add);
        *out = m->num * m->factor;
        return PR_OK;
    }
    size_t mi = m->pos + m->moff;
    if (mi >= p) mi -= p;
    trima_slide(m->odd, &m->num, &m->sub, &m->add, m->ring[m->pos], m->ring[mi], x);
    m->ring[m->pos] = x;
    if (++m->pos == p) m->pos = 0;
    m->count++;
    *out = m->num * m->factor;
    return PR_OK;
}

void pr_ta_trima_free(pr_ta_trima_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
