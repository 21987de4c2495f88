/* Volume indicators OBV, AD (Chaikin accumulation/distribution) and ADOSC
 * (Chaikin oscillator), batch and streaming, in TA-Lib's operation order.
 *
 * OBV starts at bar 0's volume and adds/subtracts the volume when the close
 * rises/falls. AD adds ((c-l)-(h-c))/(h-l)*v on bars with h-l > 0. ADOSC is
 * EMA(fast) - EMA(slow) of AD with k = 2/(p+1), each updated as
 * (k*ad) + ((1-k)*ema) and seeded with bar 0's AD; its first output is on bar
 * max(fast, slow) - 1. TA-Lib's comparisons would silently skip NaN inputs;
 * here a NaN that reaches the running value makes it NaN from then on. */
#include "momentum_internal.h"

/* ---- OBV ------------------------------------------------------------------ */

static inline double obv_step(double obv, double c, double pc, double v) {
    if (c > pc) return obv + v;
    if (c < pc) return obv - v;
    if (c != c || pc != pc || v != v) return NAN;
    return obv;
}

int pr_ta_obv_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = 0;
    return PR_OK;
}

int pr_ta_obv(size_t n, const double *close, const double *volume, double *out) {
    PR_TA_PROLOGUE(1, n, close, volume, out);
    double obv = volume[0];
    if (close[0] != close[0]) obv = NAN;
    out[0] = obv;
    for (size_t i = 1; i < n; i++) {
        obv = obv_step(obv, close[i], close[i - 1], volume[i]);
        out[i] = obv;
    }
    return PR_OK;
}

struct pr_ta_obv_impl {
    int64_t count;
    double obv, pc;
};

int pr_ta_obv_init(pr_ta_obv_state *s) {
    if (!s) return PR_EINVAL;
    s->p = calloc(1, sizeof *s->p);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_obv_update(pr_ta_obv_state *s, double close, double volume, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_obv_impl *m = s->p;
    if (m->count++ == 0) m->obv = close != close ? NAN : volume;
    else m->obv = obv_step(m->obv, close, m->pc, volume);
    m->pc = close;
    *out = m->obv;
    return PR_OK;
}

void pr_ta_obv_free(pr_ta_obv_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- AD ------------------------------------------------------------------- */

static inline double ad_step(double ad, double h, double l, double c, double v) {
    double range = h - l;
    if (range > 0.0) return ad + (((c - l) - (h - c)) / range) * v;
    if (range != range) return NAN;
    return ad;
}

int pr_ta_ad_lookback(int *out) {
    if (!out) return PR_EINVAL;
    *out = 0;
    return PR_OK;
}

int pr_ta_ad(size_t n, const double *high, const double *low, const double *close,
             const double *volume, double *out) {
    PR_TA_PROLOGUE(1, n, high, low, close, volume, out);
    double ad = 0.0;
    for (size_t i = 0; i < n; i++) {
        ad = ad_step(ad, high[i], low[i], close[i], volume[i]);
        out[i] = ad;
    }
    return PR_OK;
}

struct pr_ta_ad_impl { double ad; };

int pr_ta_ad_init(pr_ta_ad_state *s) {
    if (!s) return PR_EINVAL;
    s->p = calloc(1, sizeof *s->p);
    return s->p ? PR_OK : PR_ENOMEM;
}

int pr_ta_ad_update(pr_ta_ad_state *s, double high, double low, double close, double volume,
                    double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    s->p->ad = ad_step(s->p->ad, high, low, close, volume);
    *out = s->p->ad;
    return PR_OK;
}

void pr_ta_ad_free(pr_ta_ad_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- ADOSC ---------------------------------------------------------------- */

struct pr_ta_adosc_impl {
    int64_t count, lookback;
    double fk, omfk, sk, omsk;
    double ad, fast, slow;
};

static int adosc_ok(int fast, int slow) { return pr_mo_period_ok(fast, 2) && pr_mo_period_ok(slow, 2); }

static void adosc_setup(struct pr_ta_adosc_impl *m, int fast, int slow) {
    memset(m, 0, sizeof *m);
    m->lookback = (fast < slow ? slow : fast) - 1;
    m->fk = 2.0 / ((double)(fast + 1));
    m->omfk = 1.0 - m->fk;
    m->sk = 2.0 / ((double)(slow + 1));
    m->omsk = 1.0 - m->sk;
}

static inline double adosc_step(struct pr_ta_adosc_impl *m, double h, double l, double c, double v) {
    m->ad = ad_step(m->ad, h, l, c, v);
    if (m->count++ == 0) {
        m->fast = m->slow = m->ad;
    } else {
        m->fast = (m->fk * m->ad) + (m->omfk * m->fast);
        m->slow = (m->sk * m->ad) + (m->omsk * m->slow);
    }
    return m->count > m->lookback ? m->fast - m->slow : NAN;
}

int pr_ta_adosc_lookback(int fast, int slow, int *out) {
    if (!out || !adosc_ok(fast, slow)) return PR_EINVAL;
    *out = (fast < slow ? slow : fast) - 1;
    return PR_OK;
}

int pr_ta_adosc(size_t n, const double *high, const double *low, const double *close,
                const double *volume, int fast, int slow, double *out) {
    PR_TA_PROLOGUE(adosc_ok(fast, slow), n, high, low, close, volume, out);
    struct pr_ta_adosc_impl m;
    adosc_setup(&m, fast, slow);
    for (size_t i = 0; i < n; i++) out[i] = adosc_step(&m, high[i], low[i], close[i], volume[i]);
    return PR_OK;
}

int pr_ta_adosc_init(pr_ta_adosc_state *s, int fast, int slow) {
    if (!s || !adosc_ok(fast, slow)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    adosc_setup(s->p, fast, slow);
    return PR_OK;
}

int pr_ta_adosc_update(pr_ta_adosc_state *s, double high, double low, double close,
                       double volume, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = adosc_step(s->p, high, low, close, volume);
    return PR_OK;
}

void pr_ta_adosc_free(pr_ta_adosc_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}
