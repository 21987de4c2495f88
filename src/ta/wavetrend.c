/* WaveTrend oscillator (LazyBear, TradingView): a CCI-like channel index
 * smoothed by EMAs, with an SMA signal line. The EMAs are the ta module's
 * TA-Lib-compatible ones; each starts on the first bar its input exists. */
#include "extra_internal.h"

struct pr_ta_wavetrend_impl {
    pr_ta_ema_state esa, d, tci;
    pr_ta_sma_state sig;
    int lb_ema1, lb_ema2;   /* EMA lookbacks for n1 and n2                     */
    size_t bars;            /* bars seen before this one                       */
};

static int check(int n1, int n2, int signal, int *lb) {
    int a, b, c;
    if (pr_ta_ema_lookback(n1, &a) != PR_OK || pr_ta_ema_lookback(n2, &b) != PR_OK ||
        pr_ta_sma_lookback(signal, &c) != PR_OK)
        return PR_EINVAL;
    *lb = 2 * a + b + c;
    return PR_OK;
}

int pr_ta_wavetrend_lookback(int n1, int n2, int signal, int *out) {
    if (!out) return PR_EINVAL;
    return check(n1, n2, signal, out);
}

void pr_ta_wavetrend_free(pr_ta_wavetrend_state *s) {
    if (!s || !s->p) return;
    pr_ta_ema_free(&s->p->esa);
    pr_ta_ema_free(&s->p->d);
    pr_ta_ema_free(&s->p->tci);
    pr_ta_sma_free(&s->p->sig);
    free(s->p);
    s->p = NULL;
}

int pr_ta_wavetrend_init(pr_ta_wavetrend_state *s, int n1, int n2, int signal) {
    int lb;
    if (!s || check(n1, n2, signal, &lb) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_wavetrend_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = pr_ta_ema_init(&s->p->esa, n1);
    if (rc != PR_OK) goto fail0;
    rc = pr_ta_ema_init(&s->p->d, n1);
    if (rc != PR_OK) goto fail1;
    rc = pr_ta_ema_init(&s->p->tci, n2);
    if (rc != PR_OK) goto fail2;
    rc = pr_ta_sma_init(&s->p->sig, signal);
    if (rc != PR_OK) goto fail3;
    pr_ta_ema_lookback(n1, &s->p->lb_ema1);
    pr_ta_ema_lookback(n2, &s->p->lb_ema2);
    return PR_OK;
fail3:
    pr_ta_ema_free(&s->p->tci);
fail2:
    pr_ta_ema_free(&s->p->d);
fail1:
    pr_ta_ema_free(&s->p->esa);
fail0:
    free(s->p);
    s->p = NULL;
    return rc;
}

int pr_ta_wavetrend_update(pr_ta_wavetrend_state *s, double high, double low, double close,
                           double *wt1, double *wt2) {
    if (!s || !s->p || !wt1 || !wt2) return PR_EINVAL;
    struct pr_ta_wavetrend_impl *p = s->p;
    *wt1 = *wt2 = NAN;
    /* Each stage is fed from the bar its input first exists (counted in bars,
     * so a NaN input later on propagates instead of shifting the stages). */
    size_t i = p->bars++, la = (size_t)p->lb_ema1, lb = (size_t)p->lb_ema2;
    double ap = (high + low + close) / 3.0, esa, d, tci, sig;
    int rc = pr_ta_ema_update(&p->esa, ap, &esa);
    if (rc != PR_OK || i < la) return rc;
    rc = pr_ta_ema_update(&p->d, fabs(ap - esa), &d);
    if (rc != PR_OK || i < 2 * la) return rc;
    /* A flat channel (d == 0) has no deviation to scale: call it 0. */
    double ci = d != 0.0 ? (ap - esa) / (0.015 * d) : 0.0;
    rc = pr_ta_ema_update(&p->tci, ci, &tci);
    if (rc != PR_OK || i < 2 * la + lb) return rc;
    rc = pr_ta_sma_update(&p->sig, tci, &sig);
    if (rc != PR_OK) return rc;
    if (isnan(sig)) tci = NAN; /* both outputs start on the same bar */
    *wt1 = tci;
    *wt2 = sig;
    return PR_OK;
}

int pr_ta_wavetrend(size_t n, const double *high, const double *low, const double *close, int n1,
                    int n2, int signal, double *wt1, double *wt2) {
    int lb;
    PR_TA_PROLOGUE(check(n1, n2, signal, &lb) == PR_OK, n, high, low, close, wt1, wt2);
    pr_ta_wavetrend_state s;
    int rc = pr_ta_wavetrend_init(&s, n1, n2, signal);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n && rc == PR_OK; i++)
        rc = pr_ta_wavetrend_update(&s, high[i], low[i], close[i], &wt1[i], &wt2[i]);
    pr_ta_wavetrend_free(&s);
    return rc;
}
