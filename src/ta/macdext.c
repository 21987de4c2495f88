/* MACDEXT: MACD with a TA-Lib MA type for each of the fast, slow and signal
 * lines (ma_internal.h), as TA-Lib computes it: periods (and types) swapped
 * when slow < fast; with L = the larger of the two MA lookbacks and S the
 * signal MA's, both MAs give their first value on bar L (the one with the
 * shorter lookback starts later, so an EMA-type line is seeded on the bars
 * ending at L, as in MACD), macd = fast - slow from bar L, the signal is the
 * signal MA of that series, and all three outputs start on bar L + S.
 * Batch and streaming run the same per-bar step. */
#include "ma_internal.h"

struct pr_ta_macdext_impl {
    pr_ta_ma_any fast, slow, sig;
    size_t count, fast_from, slow_from, l, s;
};

static int macdext_ok(int fast, int ft, int slow, int st, int signal, int gt) {
    return pr_ta_ma_any_ok(ft, fast) && fast >= 2 && pr_ta_ma_any_ok(st, slow) && slow >= 2 &&
           pr_ta_ma_any_ok(gt, signal);
}

int pr_ta_macdext_lookback(int fast, int ft, int slow, int st, int signal, int gt, int *out) {
    if (!out || !macdext_ok(fast, ft, slow, st, signal, gt)) return PR_EINVAL;
    int lf, ls, lg;
    pr_ta_ma_any_lookback(ft, fast, &lf);
    pr_ta_ma_any_lookback(st, slow, &ls);
    pr_ta_ma_any_lookback(gt, signal, &lg);
    *out = (lf > ls ? lf : ls) + lg;
    return PR_OK;
}

static void macdext_free_parts(struct pr_ta_macdext_impl *m) {
    pr_ta_ma_any_free(&m->fast);
    pr_ta_ma_any_free(&m->slow);
    pr_ta_ma_any_free(&m->sig);
}

static int macdext_setup(struct pr_ta_macdext_impl *m, int fast, int ft, int slow, int st, int signal, int gt) {
    if (slow < fast) {
        int t = slow;
        slow = fast;
        fast = t;
        t = st;
        st = ft;
        ft = t;
    }
    int lf, ls, lg;
    pr_ta_ma_any_lookback(ft, fast, &lf);
    pr_ta_ma_any_lookback(st, slow, &ls);
    pr_ta_ma_any_lookback(gt, signal, &lg);
    memset(m, 0, sizeof *m);
    m->l = (size_t)(lf > ls ? lf : ls);
    m->s = (size_t)lg;
    m->fast_from = m->l - (size_t)lf;
    m->slow_from = m->l - (size_t)ls;
    if (pr_ta_ma_any_init(&m->fast, ft, fast, m->fast_from) != PR_OK ||
        pr_ta_ma_any_init(&m->slow, st, slow, m->slow_from) != PR_OK ||
        pr_ta_ma_any_init(&m->sig, gt, signal, 0) != PR_OK) {
        macdext_free_parts(m);
        return PR_ENOMEM;
    }
    return PR_OK;
}

static inline void macdext_step(struct pr_ta_macdext_impl *m, double x, double *macd, double *sig, double *hist) {
    size_t t = m->count++;
    double f = NAN, s = NAN;
    *macd = *sig = *hist = NAN;
    if (t >= m->fast_from) f = pr_ta_ma_any_push(&m->fast, x);
    if (t >= m->slow_from) s = pr_ta_ma_any_push(&m->slow, x);
    if (t < m->l) return;
    double line = f - s;
    double g = pr_ta_ma_any_push(&m->sig, line);
    if (t < m->l + m->s) return;
    *macd = line;
    *sig = g;
    *hist = line - g;
}

int pr_ta_macdext(size_t n, const double *in, int fast, int ft, int slow, int st, int signal, int gt,
                  double *macd, double *sig, double *hist) {
    PR_TA_PROLOGUE(macdext_ok(fast, ft, slow, st, signal, gt), n, in, macd, sig, hist);
    /* The same lines as the streaming step, each as one batch pass (the
     * fast line in macd, the slow one in hist until they are subtracted). */
    struct pr_ta_macdext_impl m;
    if (macdext_setup(&m, fast, ft, slow, st, signal, gt) != PR_OK) return PR_ENOMEM;
    size_t l = m.l, first = m.l + m.s;
    int rc = PR_OK;
    if (n > l) {
        rc = pr_ta_ma_any_batch(n - m.fast_from, in + m.fast_from, m.fast.type, m.fast.period, m.fast_from,
                                macd + m.fast_from);
        if (rc == PR_OK)
            rc = pr_ta_ma_any_batch(n - m.slow_from, in + m.slow_from, m.slow.type, m.slow.period, m.slow_from,
                                    hist + m.slow_from);
        for (size_t t = l; t < n && rc == PR_OK; t++) macd[t] -= hist[t];
        if (rc == PR_OK) rc = pr_ta_ma_any_batch(n - l, macd + l, m.sig.type, m.sig.period, 0, sig + l);
        for (size_t t = l; t < n && rc == PR_OK; t++) hist[t] = macd[t] - sig[t];
    }
    macdext_free_parts(&m);
    size_t blank = first < n ? first : n;
    pr_ta_fill_nan(macd, blank);
    pr_ta_fill_nan(sig, blank);
    pr_ta_fill_nan(hist, blank);
    return rc;
}

int pr_ta_macdext_init(pr_ta_macdext_state *s, int fast, int ft, int slow, int st, int signal, int gt) {
    if (!s || !macdext_ok(fast, ft, slow, st, signal, gt)) return PR_EINVAL;
    struct pr_ta_macdext_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (macdext_setup(m, fast, ft, slow, st, signal, gt) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    s->p = m;
    return PR_OK;
}

int pr_ta_macdext_update(pr_ta_macdext_state *s, double x, double *macd, double *sig, double *hist) {
    if (!s || !s->p || !macd || !sig || !hist) return PR_EINVAL;
    macdext_step(s->p, x, macd, sig, hist);
    return PR_OK;
}

void pr_ta_macdext_free(pr_ta_macdext_state *s) {
    if (!s) return;
    if (s->p) macdext_free_parts(s->p);
    free(s->p);
    s->p = NULL;
}
