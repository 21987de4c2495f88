/* Keltner channels as TradingView draws them by default: an EMA middle line
 * with bands a multiple of ATR away. EMA and ATR are the ta module's own
 * (TA-Lib-compatible) implementations. */
#include "extra_internal.h"

struct pr_ta_keltner_impl {
    pr_ta_ema_state ema;
    pr_ta_atr_state atr;
    double mult;
};

static int check(int ema_period, int atr_period, double mult, int *lb) {
    int a, b;
    if (!(mult >= 0.0 && mult <= 100.0)) return PR_EINVAL;
    int rc = pr_ta_ema_lookback(ema_period, &a);
    if (rc == PR_OK) rc = pr_ta_atr_lookback(atr_period, &b);
    if (rc != PR_OK) return PR_EINVAL;
    *lb = a > b ? a : b;
    return PR_OK;
}

int pr_ta_keltner_lookback(int ema_period, int atr_period, double mult, int *out) {
    if (!out) return PR_EINVAL;
    return check(ema_period, atr_period, mult, out);
}

int pr_ta_keltner_init(pr_ta_keltner_state *s, int ema_period, int atr_period, double mult) {
    int lb;
    if (!s || check(ema_period, atr_period, mult, &lb) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_keltner_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = pr_ta_ema_init(&s->p->ema, ema_period);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
        return rc;
    }
    rc = pr_ta_atr_init(&s->p->atr, atr_period);
    if (rc != PR_OK) {
        pr_ta_ema_free(&s->p->ema);
        free(s->p);
        s->p = NULL;
        return rc;
    }
    s->p->mult = mult;
    return PR_OK;
}

int pr_ta_keltner_update(pr_ta_keltner_state *s, double high, double low, double close,
                         double *upper, double *middle, double *lower) {
    if (!s || !s->p || !upper || !middle || !lower) return PR_EINVAL;
    double mid, atr;
    int rc = pr_ta_ema_update(&s->p->ema, close, &mid);
    if (rc == PR_OK) rc = pr_ta_atr_update(&s->p->atr, high, low, close, &atr);
    if (rc != PR_OK) return rc;
    if (isnan(mid) || isnan(atr)) {
        /* warming up: all three start on the same bar */
        *upper = *middle = *lower = NAN;
        return PR_OK;
    }
    double w = s->p->mult * atr;
    *middle = mid;
    *upper = mid + w;
    *lower = mid - w;
    return PR_OK;
}

void pr_ta_keltner_free(pr_ta_keltner_state *s) {
    if (!s || !s->p) return;
    pr_ta_ema_free(&s->p->ema);
    pr_ta_atr_free(&s->p->atr);
    free(s->p);
    s->p = NULL;
}

int pr_ta_keltner(size_t n, const double *high, const double *low, const double *close,
                  int ema_period, int atr_period, double mult,
                  double *upper, double *middle, double *lower) {
    int lb;
    PR_TA_PROLOGUE(check(ema_period, atr_period, mult, &lb) == PR_OK, n,
                   high, low, close, upper, middle, lower);
    pr_ta_keltner_state s;
    int rc = pr_ta_keltner_init(&s, ema_period, atr_period, mult);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n && rc == PR_OK; i++)
        rc = pr_ta_keltner_update(&s, high[i], low[i], close[i], &upper[i], &middle[i], &lower[i]);
    pr_ta_keltner_free(&s);
    return rc;
}
