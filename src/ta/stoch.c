/* STOCH, STOCHF and WILLR: position of the close in the high-low range of
 * the last K bars, batch and streaming.
 *
 * TA-Lib order: diff = (HH - LL)/100 (WILLR: /-100), fast %K = (close - LL)
 * / diff (WILLR: (HH - close)/diff), 0 when diff == 0 exactly; the %K/%D
 * smoothings are TA-Lib's running-sum SMA (total += x; out = total/p;
 * total -= oldest). Window extremes are exact whatever the algorithm; the
 * batch form uses van Herk/Gil-Werman blocks on L1-sized chunks (three
 * comparisons per bar, no data-dependent branches) and fuses %K, slow %K and
 * %D into the same pass; the streaming form uses monotonic deques. A NaN
 * high or low makes %K NaN while it is inside the window (tracked by the
 * index of the last NaN, since comparisons ignore NaN). */
#include "momentum_internal.h"

#define STOCH_CHUNK 2048

/* ---- batch core ---------------------------------------------------------- */

/* Ring-buffer SMA in TA-Lib order with a fixed buffer, for batch loops. */
typedef struct sma_run {
    size_t p, pos, seen;
    double total;
    double *ring;
} sma_run;

/* Pushes x; returns 1 with *out set once p values are in. */
static inline int sma_run_push(sma_run *s, double x, double *out) {
    if (s->seen + 1 < s->p) {
        s->total += x;
        s->ring[s->pos] = x;
        if (++s->pos == s->p) s->pos = 0;
        s->seen++;
        return 0;
    }
    s->total += x;
    double t = s->total;
    s->ring[s->pos] = x;
    if (++s->pos == s->p) s->pos = 0;
    s->total -= s->ring[s->pos];
    *out = t / (double)s->p;
    return 1;
}

enum { KIND_STOCH, KIND_STOCHF, KIND_WILLR };

/* Computes the requested outputs for bars [0, n) (n > lookback assumed).
 * kind STOCH: out1 = slow %K, out2 = slow %D (periods fk, sk, sd);
 * STOCHF: out1 = fast %K, out2 = fast %D (fk, sk = fast %D period);
 * WILLR: out1 only (fk). */
static int stoch_batch(size_t n, const double *restrict hi, const double *restrict lo,
                       const double *restrict cl, int kind, int fk, int sk, int sd,
                       double *restrict out1, double *restrict out2) {
    size_t w = (size_t)fk;
    size_t lb = w - 1;
    if (kind == KIND_STOCH) lb += (size_t)(sk - 1) + (size_t)(sd - 1);
    else if (kind == KIND_STOCHF) lb += (size_t)(sk - 1);
    size_t chunk = w > STOCH_CHUNK ? w : STOCH_CHUNK;
    size_t nring = (kind == KIND_WILLR ? 0 : (size_t)sk) + (kind == KIND_STOCH ? (size_t)sd : 0);
    double *buf = malloc((2 * chunk + w + nring) * sizeof *buf);
    if (!buf) return PR_ENOMEM;
    double *hh = buf, *ll = buf + chunk, *suf = buf + 2 * chunk, *rings = suf + w;
    sma_run s1 = {(size_t)sk, 0, 0, 0.0, rings};
    sma_run s2 = {(size_t)sd, 0, 0, 0.0, rings + (kind == KIND_WILLR ? 0 : sk)};

    pr_ta_fill_nan(out1, lb);
    if (out2) pr_ta_fill_nan(out2, lb);

    /* index of the latest bar whose high or low is NaN, as a count of bars
     * since then (>= w means none in the current window) */
    size_t since_nan = w;
    for (size_t i = 0; i + 1 < w; i++) {
        since_nan = (hi[i] != hi[i] || lo[i] != lo[i]) ? 0 : since_nan + 1;
    }
    for (size_t c0 = w - 1; c0 < n; c0 += chunk) {
        size_t c1 = n - c0 > chunk ? c0 + chunk : n;
        size_t len = c1 - c0 + w - 1;   /* inputs feeding this chunk's windows */
        pr_mo_window_extreme(len, hi + c0 - (w - 1), w, +1, suf, hh);
        pr_mo_window_extreme(len, lo + c0 - (w - 1), w, -1, suf, ll);
        for (size_t i = c0; i < c1; i++) {
            since_nan = (hi[i] != hi[i] || lo[i] != lo[i]) ? 0 : since_nan + 1;
            double h = hh[i - c0], l = ll[i - c0], k;
            if (kind == KIND_WILLR) {
                double diff = (h - l) / -100.0;
                k = diff != 0.0 ? (h - cl[i]) / diff : 0.0;
                if (since_nan < w) k = NAN;
                out1[i] = k;
                continue;
            }
            double diff = (h - l) / 100.0;
            k = diff != 0.0 ? (cl[i] - l) / diff : 0.0;
            if (since_nan < w) k = NAN;
            double sk_v;
            if (kind == KIND_STOCHF) {
                if (sma_run_push(&s1, k, &sk_v) && i >= lb) {
                    out1[i] = k;
                    out2[i] = sk_v;
                }
                continue;
            }
            double sd_v;
            if (sma_run_push(&s1, k, &sk_v) && sma_run_push(&s2, sk_v, &sd_v)) {
                out1[i] = sk_v;
                out2[i] = sd_v;
            }
        }
    }
    free(buf);
    return PR_OK;
}

/* ---- streaming core ------------------------------------------------------ */

struct pr_ta_stoch_impl {
    int kind, fk, sk, sd;
    int64_t count;          /* bars seen */
    int64_t last_nan;       /* bar of the latest NaN high/low, or -1 - fk */
    pr_mo_deque dmax, dmin;
    pr_mo_sma s1, s2;
};

static void stoch_impl_free(struct pr_ta_stoch_impl *m) {
    if (!m) return;
    pr_mo_deque_free(&m->dmax);
    pr_mo_deque_free(&m->dmin);
    pr_mo_sma_free(&m->s1);
    pr_mo_sma_free(&m->s2);
    free(m);
}

static int stoch_impl_new(struct pr_ta_stoch_impl **out, int kind, int fk, int sk, int sd) {
    struct pr_ta_stoch_impl *m = calloc(1, sizeof *m);
    if (!m) return PR_ENOMEM;
    m->kind = kind;
    m->fk = fk;
    m->sk = sk;
    m->sd = sd;
    m->last_nan = -1 - (int64_t)fk;
    int rc = pr_mo_deque_init(&m->dmax, (size_t)fk);
    if (rc == PR_OK) rc = pr_mo_deque_init(&m->dmin, (size_t)fk);
    if (rc == PR_OK && kind != KIND_WILLR) rc = pr_mo_sma_init(&m->s1, sk);
    if (rc == PR_OK && kind == KIND_STOCH) rc = pr_mo_sma_init(&m->s2, sd);
    if (rc != PR_OK) {
        stoch_impl_free(m);
        return rc;
    }
    *out = m;
    return PR_OK;
}

static int stoch_impl_update(struct pr_ta_stoch_impl *m, double h, double l, double c, double *o1,
                             double *o2) {
    int64_t t = m->count++;
    int64_t w = m->fk;
    if (h != h || l != l) m->last_nan = t;
    pr_mo_deque_push(&m->dmax, t, h, w, +1);
    pr_mo_deque_push(&m->dmin, t, l, w, -1);
    *o1 = NAN;
    if (o2) *o2 = NAN;
    if (t < w - 1) return PR_OK;
    double hv = m->dmax.len ? m->dmax.val[m->dmax.head] : NAN;
    double lv = m->dmin.len ? m->dmin.val[m->dmin.head] : NAN;
    int nan_in = t - m->last_nan < w;
    double k;
    if (m->kind == KIND_WILLR) {
        double diff = (hv - lv) / -100.0;
        k = diff != 0.0 ? (hv - c) / diff : 0.0;
        *o1 = nan_in ? NAN : k;
        return PR_OK;
    }
    double diff = (hv - lv) / 100.0;
    k = diff != 0.0 ? (c - lv) / diff : 0.0;
    if (nan_in) k = NAN;
    double v1, v2;
    if (!pr_mo_sma_push(&m->s1, k, &v1)) return PR_OK;
    if (m->kind == KIND_STOCHF) {
        *o1 = k;
        *o2 = v1;
        return PR_OK;
    }
    if (!pr_mo_sma_push(&m->s2, v1, &v2)) return PR_OK;
    *o1 = v1;
    *o2 = v2;
    return PR_OK;
}

/* ---- STOCH ---------------------------------------------------------------- */

static int stoch_ok(int fk, int sk, int sd) {
    return pr_mo_period_ok(fk, 1) && pr_mo_period_ok(sk, 1) && pr_mo_period_ok(sd, 1);
}

int pr_ta_stoch_lookback(int fastk, int slowk, int slowd, int *out) {
    if (!out || !stoch_ok(fastk, slowk, slowd)) return PR_EINVAL;
    *out = (fastk - 1) + (slowk - 1) + (slowd - 1);
    return PR_OK;
}

int pr_ta_stoch(size_t n, const double *high, const double *low, const double *close, int fastk,
                int slowk, int slowd, double *out_k, double *out_d) {
    PR_TA_PROLOGUE(stoch_ok(fastk, slowk, slowd), n, high, low, close, out_k, out_d);
    size_t lb = (size_t)(fastk - 1) + (size_t)(slowk - 1) + (size_t)(slowd - 1);
    PR_TA_ALL_NAN_IF(n <= lb, n, out_k, out_d);
    return stoch_batch(n, high, low, close, KIND_STOCH, fastk, slowk, slowd, out_k, out_d);
}

int pr_ta_stoch_init(pr_ta_stoch_state *s, int fastk, int slowk, int slowd) {
    if (!s || !stoch_ok(fastk, slowk, slowd)) return PR_EINVAL;
    return stoch_impl_new(&s->p, KIND_STOCH, fastk, slowk, slowd);
}

int pr_ta_stoch_update(pr_ta_stoch_state *s, double high, double low, double close, double *out_k,
                       double *out_d) {
    if (!s || !s->p || !out_k || !out_d) return PR_EINVAL;
    return stoch_impl_update(s->p, high, low, close, out_k, out_d);
}

void pr_ta_stoch_free(pr_ta_stoch_state *s) {
    if (!s) return;
    stoch_impl_free(s->p);
    s->p = NULL;
}

/* ---- STOCHF --------------------------------------------------------------- */

int pr_ta_stochf_lookback(int fastk, int fastd, int *out) {
    if (!out || !stoch_ok(fastk, fastd, 1)) return PR_EINVAL;
    *out = (fastk - 1) + (fastd - 1);
    return PR_OK;
}

int pr_ta_stochf(size_t n, const double *high, const double *low, const double *close, int fastk,
                 int fastd, double *out_k, double *out_d) {
    PR_TA_PROLOGUE(stoch_ok(fastk, fastd, 1), n, high, low, close, out_k, out_d);
    size_t lb = (size_t)(fastk - 1) + (size_t)(fastd - 1);
    PR_TA_ALL_NAN_IF(n <= lb, n, out_k, out_d);
    return stoch_batch(n, high, low, close, KIND_STOCHF, fastk, fastd, 1, out_k, out_d);
}

int pr_ta_stochf_init(pr_ta_stochf_state *s, int fastk, int fastd) {
    if (!s || !stoch_ok(fastk, fastd, 1)) return PR_EINVAL;
    return stoch_impl_new(&s->p, KIND_STOCHF, fastk, fastd, 1);
}

int pr_ta_stochf_update(pr_ta_stochf_state *s, double high, double low, double close,
                        double *out_k, double *out_d) {
    if (!s || !s->p || !out_k || !out_d) return PR_EINVAL;
    return stoch_impl_update(s->p, high, low, close, out_k, out_d);
}

void pr_ta_stochf_free(pr_ta_stochf_state *s) {
    if (!s) return;
    stoch_impl_free(s->p);
    s->p = NULL;
}

/* ---- WILLR ---------------------------------------------------------------- */

struct pr_ta_willr_impl { struct pr_ta_stoch_impl *core; };

int pr_ta_willr_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = period - 1;
    return PR_OK;
}

int pr_ta_willr(size_t n, const double *high, const double *low, const double *close, int period,
                double *out) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, close, out);
    PR_TA_ALL_NAN_IF(n <= (size_t)(period - 1), n, out);
    return stoch_batch(n, high, low, close, KIND_WILLR, period, 1, 1, out, NULL);
}

int pr_ta_willr_init(pr_ta_willr_state *s, int period) {
    if (!s || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    struct pr_ta_willr_impl *w = malloc(sizeof *w);
    if (!w) return PR_ENOMEM;
    int rc = stoch_impl_new(&w->core, KIND_WILLR, period, 1, 1);
    if (rc != PR_OK) {
        free(w);
        return rc;
    }
    s->p = w;
    return PR_OK;
}

int pr_ta_willr_update(pr_ta_willr_state *s, double high, double low, double close, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    return stoch_impl_update(s->p->core, high, low, close, out, NULL);
}

void pr_ta_willr_free(pr_ta_willr_state *s) {
    if (!s || !s->p) return;
    stoch_impl_free(s->p->core);
    free(s->p);
    s->p = NULL;
}

/* ---- STOCHRSI ------------------------------------------------------------- */
/* STOCHF over the RSI series (RSI used as high, low and close), as TA-Lib
 * computes it: RSI from bar 0, STOCHF from the first RSI value. */

struct pr_ta_stochrsi_impl {
    pr_ta_rsi_state rsi;
    struct pr_ta_stoch_impl *core;
    int period;
    int64_t bars;
};

static int stochrsi_ok(int period, int fk, int fd) {
    return pr_mo_period_ok(period, 2) && stoch_ok(fk, fd, 1);
}

int pr_ta_stochrsi_lookback(int period, int fastk, int fastd, int *out) {
    if (!out || !stochrsi_ok(period, fastk, fastd)) return PR_EINVAL;
    *out = period + (fastk - 1) + (fastd - 1);
    return PR_OK;
}

int pr_ta_stochrsi(size_t n, const double *in, int period, int fastk, int fastd, double *out_k,
                   double *out_d) {
    PR_TA_PROLOGUE(stochrsi_ok(period, fastk, fastd), n, in, out_k, out_d);
    size_t p = (size_t)period;
    size_t lb = p + (size_t)(fastk - 1) + (size_t)(fastd - 1);
    PR_TA_ALL_NAN_IF(n <= lb, n, out_k, out_d);
    double *r = malloc(n * sizeof *r);
    if (!r) return PR_ENOMEM;
    int rc = pr_ta_rsi(n, in, period, r);
    if (rc == PR_OK) {
        pr_ta_fill_nan(out_k, p);
        pr_ta_fill_nan(out_d, p);
        rc = stoch_batch(n - p, r + p, r + p, r + p, KIND_STOCHF, fastk, fastd, 1, out_k + p,
                         out_d + p);
    }
    free(r);
    return rc;
}

int pr_ta_stochrsi_init(pr_ta_stochrsi_state *s, int period, int fastk, int fastd) {
    if (!s || !stochrsi_ok(period, fastk, fastd)) return PR_EINVAL;
    struct pr_ta_stochrsi_impl *m = calloc(1, sizeof *m);
    if (!m) return PR_ENOMEM;
    m->period = period;
    int rc = pr_ta_rsi_init(&m->rsi, period);
    if (rc == PR_OK) rc = stoch_impl_new(&m->core, KIND_STOCHF, fastk, fastd, 1);
    if (rc != PR_OK) {
        pr_ta_rsi_free(&m->rsi);
        free(m);
        return rc;
    }
    s->p = m;
    return PR_OK;
}

int pr_ta_stochrsi_update(pr_ta_stochrsi_state *s, double x, double *out_k, double *out_d) {
    if (!s || !s->p || !out_k || !out_d) return PR_EINVAL;
    struct pr_ta_stochrsi_impl *m = s->p;
    double r;
    int rc = pr_ta_rsi_update(&m->rsi, x, &r);
    if (rc != PR_OK) return rc;
    *out_k = NAN;
    *out_d = NAN;
    /* STOCHF starts on bar `period`, RSI's first value */
    if (m->bars++ < m->period) return PR_OK;
    return stoch_impl_update(m->core, r, r, r, out_k, out_d);
}

void pr_ta_stochrsi_free(pr_ta_stochrsi_state *s) {
    if (!s || !s->p) return;
    pr_ta_rsi_free(&s->p->rsi);
    stoch_impl_free(s->p->core);
    free(s->p);
    s->p = NULL;
}
