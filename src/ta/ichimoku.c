/* Ichimoku Kinko Hyo lines. The senkou spans are placed on the bar whose data
 * they are computed from (un-shifted); the forward plot displacement is
 * metadata (PR_TA_ICHIMOKU_DISPLACEMENT), and chikou is not produced because
 * aligned to its plot bar it would need future closes. */
#include "extra_internal.h"

struct pr_ta_ichimoku_impl {
    pr_ta_ring hi, lo;   /* the last max(tenkan, kijun, senkou) bars */
    int tenkan, kijun, senkou;
};

static int bad_periods(int t, int k, int s) {
    return t < 1 || t > 100000 || k < 1 || k > 100000 || s < 1 || s > 100000;
}

static int max3(int a, int b, int c) {
    int m = a > b ? a : b;
    return m > c ? m : c;
}

int pr_ta_ichimoku_lookback(int tenkan, int kijun, int senkou, int *out) {
    if (!out || bad_periods(tenkan, kijun, senkou)) return PR_EINVAL;
    *out = max3(tenkan, kijun, senkou) - 1;
    return PR_OK;
}

int pr_ta_ichimoku_init(pr_ta_ichimoku_state *s, int tenkan, int kijun, int senkou) {
    if (!s || bad_periods(tenkan, kijun, senkou)) return PR_EINVAL;
    s->p = (struct pr_ta_ichimoku_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    size_t w = (size_t)max3(tenkan, kijun, senkou);
    if (pr_ta_ring_init(&s->p->hi, w) != PR_OK || pr_ta_ring_init(&s->p->lo, w) != PR_OK) {
        pr_ta_ichimoku_free(s);
        return PR_ENOMEM;
    }
    s->p->tenkan = tenkan;
    s->p->kijun = kijun;
    s->p->senkou = senkou;
    return PR_OK;
}

/* Midpoint of the highest high and lowest low of the newest w bars. */
static double midrange(const struct pr_ta_ichimoku_impl *p, int w) {
    size_t from = p->hi.len - (size_t)w;
    double hh = pr_ta_ring_at(&p->hi, from), ll = pr_ta_ring_at(&p->lo, from);
    int nan = isnan(hh) || isnan(ll);
    for (size_t i = from + 1; i < p->hi.len; i++) {
        double h = pr_ta_ring_at(&p->hi, i), l = pr_ta_ring_at(&p->lo, i);
        nan |= isnan(h) || isnan(l);
        if (h > hh) hh = h;
        if (l < ll) ll = l;
    }
    return nan ? NAN : (hh + ll) / 2.0;
}

int pr_ta_ichimoku_update(pr_ta_ichimoku_state *s, double high, double low, double *out_tenkan,
                          double *out_kijun, double *out_senkou_a, double *out_senkou_b) {
    if (!s || !s->p || !out_tenkan || !out_kijun || !out_senkou_a || !out_senkou_b) return PR_EINVAL;
    struct pr_ta_ichimoku_impl *p = s->p;
    pr_ta_ring_push(&p->hi, high);
    pr_ta_ring_push(&p->lo, low);
    if (!pr_ta_ring_full(&p->hi)) {
        *out_tenkan = *out_kijun = *out_senkou_a = *out_senkou_b = NAN;
        return PR_OK;
    }
    double t = midrange(p, p->tenkan), k = midrange(p, p->kijun);
    *out_tenkan = t;
    *out_kijun = k;
    *out_senkou_a = (t + k) / 2.0;
    *out_senkou_b = midrange(p, p->senkou);
    return PR_OK;
}

void pr_ta_ichimoku_free(pr_ta_ichimoku_state *s) {
    if (!s || !s->p) return;
    pr_ta_ring_free(&s->p->hi);
    pr_ta_ring_free(&s->p->lo);
    free(s->p);
    s->p = NULL;
}

int pr_ta_ichimoku(size_t n, const double *high, const double *low, int tenkan, int kijun,
                   int senkou, double *out_tenkan, double *out_kijun, double *out_senkou_a,
                   double *out_senkou_b) {
    PR_TA_PROLOGUE(!bad_periods(tenkan, kijun, senkou), n,
                   high, low, out_tenkan, out_kijun, out_senkou_a, out_senkou_b);
    pr_ta_ichimoku_state s;
    int rc = pr_ta_ichimoku_init(&s, tenkan, kijun, senkou);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++)
        pr_ta_ichimoku_update(&s, high[i], low[i], &out_tenkan[i], &out_kijun[i], &out_senkou_a[i],
                              &out_senkou_b[i]);
    pr_ta_ichimoku_free(&s);
    return PR_OK;
}
