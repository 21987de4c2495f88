/* MAVP: a moving average whose period varies by bar (real0 = the series,
 * real1 = the periods), as TA-Lib computes it: each bar's period is the
 * real1 value truncated to an int and clamped to [minperiod, maxperiod]; the
 * output at bar t is the value at t of TA_MA(startIdx = lookback, ...,
 * period, matype), i.e. of that period's MA started lookback - its own
 * lookback bars into the series, where lookback is the MA lookback of
 * maxperiod. One MA per period (ma_internal.h) runs from its start bar:
 * batch runs only the periods that occur, streaming keeps one for every
 * period in [minperiod, maxperiod] (memory grows with their sum); both give
 * the same values, equal to TA-Lib's bit for bit. A NaN period gives NaN. */
#include <limits.h>
#include "ma_internal.h"

static int mavp_ok(int minp, int maxp, int matype) {
    return pr_ta_ma_any_ok(matype, minp) && minp >= 2 && pr_ta_ma_any_ok(matype, maxp) && maxp >= 2;
}

/* The clamped period of one bar, 0 for NaN. */
static inline int mavp_period(double v, int minp, int maxp) {
    if (isnan(v)) return 0;
    int p = v < (double)INT_MIN ? INT_MIN : v > (double)INT_MAX ? INT_MAX : (int)v;
    if (p < minp) p = minp;
    else if (p > maxp) p = maxp;
    return p;
}

int pr_ta_mavp_lookback(int minp, int maxp, int matype, int *out) {
    if (!out || !mavp_ok(minp, maxp, matype)) return PR_EINVAL;
    return pr_ta_ma_any_lookback(matype, maxp, out);
}

/* Starts the MA of period p: its first bar is lookback - its lookback. */
static int mavp_start(pr_ta_ma_any *m, int matype, int p, int lb, size_t *from) {
    int lp;
    pr_ta_ma_any_lookback(matype, p, &lp);
    *from = (size_t)(lb - lp);
    return pr_ta_ma_any_init(m, matype, p, *from);
}

/* SMA: the running sums of every period that occurs advance together in
 * one pass (each exactly as pr_ta_ma_any_batch runs it alone: seeded from
 * its start bar lb - (p - 1) with the p - 1 values before lb in order, then
 * + new, read, - oldest), and only the bar's own period is divided out: one
 * pass over the series instead of one per period plus a scatter. */
static int mavp_sma_fused(size_t n, const double *in, const int *per, const unsigned char *used, int minp,
                          size_t np, size_t lb, double *out) {
    size_t nq = 0;
    for (size_t k = 0; k < np; k++) nq += used[k];
    size_t *q = malloc((nq + 1) * sizeof *q), *slot = malloc(np * sizeof *slot);
    double *sum = malloc((nq + 1) * sizeof *sum);
    if (!q || !slot || !sum) {
        free(q);
        free(slot);
        free(sum);
        return PR_ENOMEM;
    }
    for (size_t k = 0, j = 0; k < np; k++) {
        if (!used[k]) continue;
        size_t p = (size_t)minp + k;
        q[j] = p;
        slot[k] = j;
        double s = 0.0;
        for (size_t i = lb + 1 - p; i < lb; i++) s += in[i];
        sum[j++] = s;
    }
    for (size_t t = lb; t < n; t++) {
        double x = in[t];
        for (size_t j = 0; j < nq; j++) sum[j] += x;
        int p = per[t];
        if (p) out[t] = sum[slot[p - minp]] / p;
        for (size_t j = 0; j < nq; j++) sum[j] -= in[t + 1 - q[j]];
    }
    free(q);
    free(slot);
    free(sum);
    return PR_OK;
}

int pr_ta_mavp(size_t n, const double *in, const double *periods, int minp, int maxp, int matype, double *out) {
    PR_TA_PROLOGUE(mavp_ok(minp, maxp, matype), n, in, periods, out);
    int lb;
    pr_ta_ma_any_lookback(matype, maxp, &lb);
    PR_TA_ALL_NAN_IF(n <= (size_t)lb, n, out);
    pr_ta_fill_nan(out, n);
    if (minp > maxp) minp = maxp;
    size_t np = (size_t)(maxp - minp + 1);
    unsigned char *used = calloc(np, 1);
    int *per = malloc(n * sizeof *per);
    double *tmp = malloc(n * sizeof *tmp);
    int rc = used && per && tmp ? PR_OK : PR_ENOMEM;
    for (size_t t = (size_t)lb; t < n && rc == PR_OK; t++) {
        int p = per[t] = mavp_period(periods[t], minp, maxp);
        if (p) used[p - minp] = 1;
    }
    if (matype == 0 && rc == PR_OK) {
        rc = mavp_sma_fused(n, in, per, used, minp, np, (size_t)lb, out);
        np = 0;
    }
    for (size_t k = 0; k < np && rc == PR_OK; k++) {
        if (!used[k]) continue;
        int p = minp + (int)k, lp;
        pr_ta_ma_any_lookback(matype, p, &lp);
        size_t from = (size_t)(lb - lp);
        rc = pr_ta_ma_any_batch(n - from, in + from, matype, p, from, tmp + from);
        for (size_t t = (size_t)lb; t < n && rc == PR_OK; t++)
            if (per[t] == p) out[t] = tmp[t];
    }
    free(per);
    free(tmp);
    free(used);
    return rc;
}

struct pr_ta_mavp_impl {
    int minp, maxp, lb;
    size_t count;
    size_t *from;
    pr_ta_ma_any *ma;   /* one per period minp..maxp */
};

void pr_ta_mavp_free(pr_ta_mavp_state *s) {
    if (!s || !s->p) return;
    struct pr_ta_mavp_impl *m = s->p;
    if (m->ma)
        for (int p = m->minp; p <= m->maxp; p++) pr_ta_ma_any_free(&m->ma[p - m->minp]);
    free(m->ma);
    free(m->from);
    free(m);
    s->p = NULL;
}

int pr_ta_mavp_init(pr_ta_mavp_state *s, int minp, int maxp, int matype) {
    if (!s || !mavp_ok(minp, maxp, matype)) return PR_EINVAL;
    if (minp > maxp) minp = maxp;
    struct pr_ta_mavp_impl *m = calloc(1, sizeof *m);
    if (!m) return PR_ENOMEM;
    s->p = m;
    m->minp = minp;
    m->maxp = maxp;
    pr_ta_ma_any_lookback(matype, maxp, &m->lb);
    size_t np = (size_t)(maxp - minp + 1);
    m->ma = calloc(np, sizeof *m->ma);
    m->from = calloc(np, sizeof *m->from);
    int rc = m->ma && m->from ? PR_OK : PR_ENOMEM;
    for (size_t k = 0; k < np && rc == PR_OK; k++) {
        rc = mavp_start(&m->ma[k], matype, minp + (int)k, m->lb, &m->from[k]);
        m->ma[k].period = rc == PR_OK ? m->ma[k].period : 1; /* nothing to free */
    }
    if (rc != PR_OK) pr_ta_mavp_free(s);
    return rc;
}

int pr_ta_mavp_update(pr_ta_mavp_state *s, double x, double period, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_mavp_impl *m = s->p;
    size_t t = m->count++;
    int p = mavp_period(period, m->minp, m->maxp);
    *out = NAN;
    for (int q = m->minp; q <= m->maxp; q++) {
        size_t k = (size_t)(q - m->minp);
        if (t < m->from[k]) continue;
        double v = pr_ta_ma_any_push(&m->ma[k], x);
        if (q == p && t >= (size_t)m->lb) *out = v;
    }
    return PR_OK;
}
