/* MACD (fast, slow, signal), batch and streaming, in TA-Lib's operation order
 * and alignment (bit for bit): the slow EMA is seeded with the SMA of bars
 * 0..slow-1, the fast EMA with the SMA of bars slow-fast..slow-1, so both
 * start on bar slow-1; the signal EMA is seeded with the SMA of the first
 * `signal` MACD values. TA-Lib computes each EMA in its own pass over
 * temporary arrays; here the three recursions run fused in one pass with no
 * allocation, which gives the same values (each recursion is unchanged) and
 * lets the CPU overlap the three dependency chains. */
#include "overlap_internal.h"

static int macd_check(int fast, int slow, int signal) {
    return pr_ta_period_ok(fast, 2, PR_TA_PERIOD_MAX) && pr_ta_period_ok(slow, 2, PR_TA_PERIOD_MAX) &&
           pr_ta_period_ok(signal, 1, PR_TA_PERIOD_MAX);
}

int pr_ta_macd_lookback(int fast, int slow, int signal, int *out) {
    if (!out || !macd_check(fast, slow, signal)) return PR_EINVAL;
    *out = (fast > slow ? fast : slow) - 1 + (signal - 1);
    return PR_OK;
}

/* MACD with the EMA constants kf, ks of the fast and slow lines (MACD:
 * 2/(p+1); MACDFIX: TA-Lib's fixed 0.15 and 0.075); fast <= slow. */
static int macd_run(size_t n, const double *in, int fast, int slow, int signal, double kf, double ks,
                    double *macd, double *macd_signal, double *macd_hist) {
    size_t lb = (size_t)(slow - 1) + (size_t)(signal - 1);
    PR_TA_ALL_NAN_IF(n <= lb, n, macd, macd_signal, macd_hist);
    const double *restrict x = in;
    double *restrict om = macd, *restrict os = macd_signal, *restrict oh = macd_hist;
    pr_ta_fill_nan(om, lb);
    pr_ta_fill_nan(os, lb);
    pr_ta_fill_nan(oh, lb);
    double kg = pr_ta_per_to_k(signal);
    size_t s0 = (size_t)slow - 1;
    double sum = 0.0;
    for (size_t i = 0; i <= s0; i++) sum += x[i];
    double es = sum / slow;
    sum = 0.0;
    for (size_t i = s0 + 1 - (size_t)fast; i <= s0; i++) sum += x[i];
    double ef = sum / fast;
    double m = ef - es;
    double gsum = 0.0 + m;
    for (size_t t = s0 + 1; t <= lb; t++) {
        ef = pr_ta_ema_step(ef, x[t], kf);
        es = pr_ta_ema_step(es, x[t], ks);
        m = ef - es;
        gsum += m;
    }
    double g = gsum / signal;
    om[lb] = m;
    os[lb] = g;
    oh[lb] = m - g;
    for (size_t t = lb + 1; t < n; t++) {
        double xt = x[t];
        ef = pr_ta_ema_step(ef, xt, kf);
        es = pr_ta_ema_step(es, xt, ks);
        m = ef - es;
        g = pr_ta_ema_step(g, m, kg);
        om[t] = m;
        os[t] = g;
        oh[t] = m - g;
    }
    return PR_OK;
}

int pr_ta_macd(size_t n, const double *in, int fast, int slow, int signal, double *macd,
               double *macd_signal, double *macd_hist) {
    PR_TA_PROLOGUE(macd_check(fast, slow, signal), n, in, macd, macd_signal, macd_hist);
    if (fast > slow) {
        int t = fast;
        fast = slow;
        slow = t;
    }
    return macd_run(n, in, fast, slow, signal, pr_ta_per_to_k(fast), pr_ta_per_to_k(slow), macd,
                    macd_signal, macd_hist);
}

struct pr_ta_macd_impl {
    int fast, slow;
    size_t count;
    double kf, fsum, ef;
    pr_ta_xema es, sig;
};

int pr_ta_macd_init(pr_ta_macd_state *s, int fast, int slow, int signal) {
    if (!s || !macd_check(fast, slow, signal)) return PR_EINVAL;
    struct pr_ta_macd_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (fast > slow) {
        int t = fast;
        fast = slow;
        slow = t;
    }
    m->fast = fast;
    m->slow = slow;
    m->count = 0;
    m->kf = pr_ta_per_to_k(fast);
    m->fsum = 0.0;
    m->ef = NAN;
    pr_ta_xema_init(&m->es, slow);
    pr_ta_xema_init(&m->sig, signal);
    s->p = m;
    return PR_OK;
}

int pr_ta_macd_update(pr_ta_macd_state *s, double x, double *macd, double *macd_signal,
                      double *macd_hist) {
    if (!s || !s->p || !macd || !macd_signal || !macd_hist) return PR_EINVAL;
    struct pr_ta_macd_impl *m = s->p;
    size_t t = m->count++, s0 = (size_t)m->slow - 1, f0 = (size_t)(m->slow - m->fast);
    *macd = *macd_signal = *macd_hist = NAN;
    int slow_ok = pr_ta_xema_push(&m->es, x);
    if (t < f0) return PR_OK;
    if (t <= s0) {
        m->fsum += x;
        if (t < s0) return PR_OK;
        m->ef = m->fsum / m->fast;
    } else {
        m->ef = pr_ta_ema_step(m->ef, x, m->kf);
    }
    if (!slow_ok) return PR_OK;
    double line = m->ef - m->es.value;
    if (!pr_ta_xema_push(&m->sig, line)) return PR_OK;
    *macd = line;
    *macd_signal = m->sig.value;
    *macd_hist = line - m->sig.value;
    return PR_OK;
}

void pr_ta_macd_free(pr_ta_macd_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* MACDFIX: MACD(12, 26, signal) with TA-Lib's fixed EMA constants 0.15 and
 * 0.075 for the two price EMAs (seeds and alignment as MACD; the signal EMA
 * keeps 2/(signal+1)). Lookback 25 + signal - 1. */
#define MACDFIX_KF 0.15
#define MACDFIX_KS 0.075

int pr_ta_macdfix_lookback(int signal, int *out) { return pr_ta_macd_lookback(12, 26, signal, out); }

int pr_ta_macdfix(size_t n, const double *in, int signal, double *macd, double *macd_signal,
                  double *macd_hist) {
    PR_TA_PROLOGUE(macd_check(12, 26, signal), n, in, macd, macd_signal, macd_hist);
    return macd_run(n, in, 12, 26, signal, MACDFIX_KF, MACDFIX_KS, macd, macd_signal, macd_hist);
}

/* The MACD state with the fixed constants; the impl pointer is a MACD one. */
int pr_ta_macdfix_init(pr_ta_macdfix_state *s, int signal) {
    if (!s) return PR_EINVAL;
    pr_ta_macd_state ms;
    int rc = pr_ta_macd_init(&ms, 12, 26, signal);
    if (rc != PR_OK) return rc;
    ms.p->kf = MACDFIX_KF;
    ms.p->es.k = MACDFIX_KS;
    s->p = (struct pr_ta_macdfix_impl *)(void *)ms.p;
    return PR_OK;
}

int pr_ta_macdfix_update(pr_ta_macdfix_state *s, double x, double *macd, double *macd_signal,
                         double *macd_hist) {
    if (!s) return PR_EINVAL;
    pr_ta_macd_state ms = {(struct pr_ta_macd_impl *)(void *)s->p};
    return pr_ta_macd_update(&ms, x, macd, macd_signal, macd_hist);
}

void pr_ta_macdfix_free(pr_ta_macdfix_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
