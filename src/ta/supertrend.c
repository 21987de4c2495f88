/* SuperTrend following TradingView's ta.supertrend line for line: raw bands
 * around hl2, the final-band carry rules, and a direction flip when the close
 * crosses the band of the current trend. Direction is reported as +1 up /
 * -1 down (TradingView's own output uses the opposite sign). */
#include "extra_internal.h"

struct pr_ta_supertrend_impl {
    pr_ta_atr_state atr;
    double mult;
    int have_prev_bar;      /* close[1] exists                                 */
    int prev_atr_ok;        /* atr[1] was defined                              */
    double prev_close;
    double prev_upper, prev_lower; /* final bands of the previous bar (NaN: na) */
    double prev_line;
};

static int check(int period, double mult, int *lb) {
    if (!(mult >= 0.0 && mult <= 100.0)) return PR_EINVAL;
    return pr_ta_atr_lookback(period, lb) == PR_OK ? PR_OK : PR_EINVAL;
}

int pr_ta_supertrend_lookback(int period, double mult, int *out) {
    if (!out) return PR_EINVAL;
    return check(period, mult, out);
}

int pr_ta_supertrend_init(pr_ta_supertrend_state *s, int period, double mult) {
    int lb;
    if (!s || check(period, mult, &lb) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_supertrend_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = pr_ta_atr_init(&s->p->atr, period);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
        return rc;
    }
    s->p->mult = mult;
    s->p->prev_upper = s->p->prev_lower = s->p->prev_line = NAN;
    return PR_OK;
}

/* Pine's nz(): na becomes 0. */
static double nz(double x) { return isnan(x) ? 0.0 : x; }

int pr_ta_supertrend_update(pr_ta_supertrend_state *s, double high, double low, double close,
                            double *line, double *direction) {
    if (!s || !s->p || !line || !direction) return PR_EINVAL;
    struct pr_ta_supertrend_impl *p = s->p;
    double atr;
    int rc = pr_ta_atr_update(&p->atr, high, low, close, &atr);
    if (rc != PR_OK) return rc;

    double src = (high + low) / 2.0;
    double upper = src + p->mult * atr, lower = src - p->mult * atr; /* NaN while atr is na */
    double prev_lower = nz(p->prev_lower), prev_upper = nz(p->prev_upper);
    double close1 = p->have_prev_bar ? p->prev_close : NAN;
    /* Comparisons with na are false in Pine, as with NaN in C. */
    lower = (lower > prev_lower || close1 < prev_lower) ? lower : prev_lower;
    upper = (upper < prev_upper || close1 > prev_upper) ? upper : prev_upper;

    int dir; /* TradingView convention: -1 up, +1 down */
    double st;
    if (isnan(atr)) {
        dir = 0;
        st = NAN;
    } else {
        if (!p->prev_atr_ok) dir = 1;
        else if (p->prev_line == prev_upper) dir = close > upper ? -1 : 1;
        else dir = close < lower ? 1 : -1;
        st = dir == -1 ? lower : upper;
    }

    p->have_prev_bar = 1;
    p->prev_close = close;
    p->prev_atr_ok = !isnan(atr);
    p->prev_upper = upper;
    p->prev_lower = lower;
    p->prev_line = st;

    if (isnan(st)) {
        *line = *direction = NAN;
    } else {
        *line = st;
        *direction = (double)-dir;
    }
    return PR_OK;
}

void pr_ta_supertrend_free(pr_ta_supertrend_state *s) {
    if (!s || !s->p) return;
    pr_ta_atr_free(&s->p->atr);
    free(s->p);
    s->p = NULL;
}

int pr_ta_supertrend(size_t n, const double *high, const double *low, const double *close,
                     int period, double mult, double *line, double *direction) {
    int lb;
    PR_TA_PROLOGUE(check(period, mult, &lb) == PR_OK, n, high, low, close, line, direction);
    pr_ta_supertrend_state s;
    int rc = pr_ta_supertrend_init(&s, period, mult);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n && rc == PR_OK; i++)
        rc = pr_ta_supertrend_update(&s, high[i], low[i], close[i], &line[i], &direction[i]);
    pr_ta_supertrend_free(&s);
    return rc;
}
