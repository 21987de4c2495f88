/* The technical regime classifier: the rule on ADX, EMA slope, Hurst and
 * the ATR percentile (risk/regime.h), its parameter table, the inputs at a
 * bar and the whole-series classification. The inputs use ta's TA-Lib-exact
 * ADX, EMA and ATR and ta's Hurst (R/S with the Anis-Lloyd correction). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk/regime.h"
#include "proratio/ta.h"

const char *const pr_risk_regime_names[] = {"strong_bull", "weak_bull", "bull_range", "bear_range", "weak_bear",
                                            "strong_bear", "high_vol_expansion", "low_vol_compression", NULL};

const char *pr_risk_regime_name(pr_risk_regime r) {
    return r >= 0 && r < PR_RISK_REGIME_COUNT ? pr_risk_regime_names[r] : "none";
}

#define P_(f) offsetof(pr_regime_params, f)
static const pr_param_def k_params[] = {
    {.name = "adx_period", .type = PR_PARAM_INT, .offset = P_(adx_period), .def = 14, .min = 2, .max = 1000,
     .desc = "ADX period"},
    {.name = "ema_period", .type = PR_PARAM_INT, .offset = P_(ema_period), .def = 50, .min = 2, .max = 10000,
     .desc = "EMA of the close whose slope gives the direction"},
    {.name = "slope_bars", .type = PR_PARAM_INT, .offset = P_(slope_bars), .def = 10, .min = 1, .max = 1000,
     .desc = "slope = (EMA[t] - EMA[t-slope_bars]) / (slope_bars x ATR[t])"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 1000,
     .desc = "ATR period"},
    {.name = "atr_window", .type = PR_PARAM_INT, .offset = P_(atr_window), .def = 100, .min = 2, .max = 100000,
     .desc = "bars of the ATR percentile (t included)"},
    {.name = "hurst_window", .type = PR_PARAM_INT, .offset = P_(hurst_window), .def = 100, .min = 0, .max = 100000,
     .desc = "closes of the Hurst exponent (0: off; else at least 77)"},
    {.name = "adx_trend", .type = PR_PARAM_NUMBER, .offset = P_(adx_trend), .def = 20, .min = 0, .max = 100,
     .desc = "ADX at or above: a trend"},
    {.name = "adx_strong", .type = PR_PARAM_NUMBER, .offset = P_(adx_strong), .def = 30, .min = 0, .max = 100,
     .desc = "ADX at or above: a strong trend"},
    {.name = "slope_weak", .type = PR_PARAM_NUMBER, .offset = P_(slope_weak), .def = 0.02, .min = 0, .max = 100,
     .desc = "|slope| at or above (ATRs per bar): a trend"},
    {.name = "slope_strong", .type = PR_PARAM_NUMBER, .offset = P_(slope_strong), .def = 0.08, .min = 0,
     .max = 100, .desc = "|slope| at or above: a strong trend"},
    {.name = "hurst_min", .type = PR_PARAM_NUMBER, .offset = P_(hurst_min), .def = 0.45, .min = 0, .max = 1,
     .desc = "a trend needs the Hurst exponent at or above this"},
    {.name = "vol_high", .type = PR_PARAM_NUMBER, .offset = P_(vol_high), .def = 0.9, .min = 0, .max = 1,
     .desc = "ATR percentile at or above: high_vol_expansion"},
    {.name = "vol_low", .type = PR_PARAM_NUMBER, .offset = P_(vol_low), .def = 0.1, .min = 0, .max = 1,
     .desc = "ATR percentile at or below, with ADX < adx_trend: low_vol_compression"},
    {.name = "llm_weight", .type = PR_PARAM_NUMBER, .offset = P_(llm_weight), .def = 0, .min = 0, .max = 1,
     .desc = "portfolio: the LLM regime verdict's weight against the technical regime (0: off)"},
};
#undef P_

static int check(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_regime_params *p = pv;
    if (p->adx_strong < p->adx_trend) {
        *what = "adx_strong";
        snprintf(msg, cap, "must be at least adx_trend (%g < %g)", p->adx_strong, p->adx_trend);
        return PR_EINVAL;
    }
    if (p->slope_strong < p->slope_weak) {
        *what = "slope_strong";
        snprintf(msg, cap, "must be at least slope_weak (%g < %g)", p->slope_strong, p->slope_weak);
        return PR_EINVAL;
    }
    if (p->vol_low >= p->vol_high) {
        *what = "vol_low";
        snprintf(msg, cap, "must be below vol_high (%g >= %g)", p->vol_low, p->vol_high);
        return PR_EINVAL;
    }
    if (p->hurst_window != 0 && p->hurst_window < 77) {
        *what = "hurst_window";
        snprintf(msg, cap, "0 (off) or at least 77 closes, the Hurst estimator's minimum (got %d)", p->hurst_window);
        return PR_EINVAL;
    }
    return PR_OK;
}

const pr_strategy_info pr_risk_regime_info = {
    .name = "regime",
    .summary = "technical regime classifier: ADX, EMA slope, Hurst, ATR percentile",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_regime_params),
    .check = check,
};

void pr_regime_params_default(pr_regime_params *p) { pr_params_defaults(&pr_risk_regime_info, p); }

pr_risk_regime pr_regime_rule(const pr_regime_params *p, const pr_regime_inputs *in) {
    if (isnan(in->adx) || isnan(in->slope) || isnan(in->atr_pct)) return PR_RISK_REGIME_NONE;
    if (in->atr_pct >= p->vol_high) return PR_RISK_REGIME_HIGH_VOL_EXPANSION;
    if (in->atr_pct <= p->vol_low && in->adx < p->adx_trend) return PR_RISK_REGIME_LOW_VOL_COMPRESSION;
    int bull = in->slope >= 0;
    double s = fabs(in->slope);
    int persistent = !(in->hurst < p->hurst_min);   /* NaN: no objection */
    if (persistent && in->adx >= p->adx_strong && s >= p->slope_strong)
        return bull ? PR_RISK_REGIME_STRONG_BULL : PR_RISK_REGIME_STRONG_BEAR;
    if (persistent && in->adx >= p->adx_trend && s >= p->slope_weak)
        return bull ? PR_RISK_REGIME_WEAK_BULL : PR_RISK_REGIME_WEAK_BEAR;
    return bull ? PR_RISK_REGIME_BULL_RANGE : PR_RISK_REGIME_BEAR_RANGE;
}

size_t pr_regime_lookback(const pr_regime_params *p) {
    /* ADX is defined from bar 2p-1, the EMA from p-1, the ATR from p; the
     * slope needs the EMA k bars back, the percentile a full ATR window. */
    size_t adx = 2 * (size_t)p->adx_period - 1;
    size_t slope = (size_t)p->ema_period - 1 + (size_t)p->slope_bars;
    size_t pct = (size_t)p->atr_period + (size_t)p->atr_window - 1;
    size_t hurst = p->hurst_window > 0 ? (size_t)p->hurst_window - 1 : 0;
    size_t m = adx > slope ? adx : slope;
    if (pct > m) m = pct;
    return hurst > m ? hurst : m;
}

void pr_regime_inputs_at(const pr_regime_params *p, size_t t, const double *adx, const double *ema,
                         const double *atr, const double *logc, pr_regime_inputs *out) {
    out->adx = adx[t];
    out->slope = out->hurst = out->atr_pct = NAN;
    size_t k = (size_t)p->slope_bars, w = (size_t)p->atr_window;
    if (t >= k && atr[t] > 0) out->slope = (ema[t] - ema[t - k]) / ((double)k * atr[t]);
    if (t + 1 >= w && !isnan(atr[t + 1 - w]) && !isnan(atr[t])) {
        double below = 0, equal = 0;
        for (size_t j = t + 1 - w; j < t; j++) {
            if (atr[j] < atr[t]) below += 1;
            else if (atr[j] == atr[t]) equal += 1;
        }
        out->atr_pct = (below + 0.5 * equal) / (double)(w - 1);
    }
    if (p->hurst_window > 0 && logc && t + 1 >= (size_t)p->hurst_window) {
        pr_hurst_opts o;
        pr_hurst_opts_default(&o);
        pr_hurst_result h;
        pr_err e;
        pr_err_clear(&e);
        if (pr_stats_hurst((size_t)p->hurst_window, logc, &o, &h, &e) == PR_OK) out->hurst = h.h;
    }
    /* Until the Hurst window is full the regime waits (NONE), so the first
     * regime never depends on whether Hurst had enough closes. */
    if (p->hurst_window > 0 && t + 1 < (size_t)p->hurst_window) out->adx = NAN;
}

int pr_regime_classify(const pr_regime_params *p, size_t n, const double *high, const double *low,
                       const double *close, pr_risk_regime *out, pr_regime_inputs *in, pr_err *err) {
    if (!p || (n && (!high || !low || !close || !out)))
        return pr_err_set(err, PR_EINVAL, "regime: NULL argument");
    const char *what = NULL;
    char msg[160];
    if (check(p, &what, msg, sizeof msg) != PR_OK) return pr_err_set(err, PR_EINVAL, "regime.%s: %s", what, msg);
    if (n == 0) return PR_OK;
    double *buf = malloc(4 * n * sizeof *buf);
    if (!buf) return pr_err_set(err, PR_ENOMEM, "regime: out of memory");
    double *adx = buf, *ema = buf + n, *atr = buf + 2 * n, *logc = buf + 3 * n;
    int rc = pr_ta_adx(n, high, low, close, p->adx_period, adx);
    if (rc == PR_OK) rc = pr_ta_ema(n, close, p->ema_period, ema);
    if (rc == PR_OK) rc = pr_ta_atr(n, high, low, close, p->atr_period, atr);
    if (rc != PR_OK) {
        free(buf);
        return pr_err_set(err, rc, "regime: indicator periods out of range");
    }
    for (size_t t = 0; t < n; t++) logc[t] = log(close[t]);
    size_t hw = (size_t)p->hurst_window;
    for (size_t t = 0; t < n; t++) {
        pr_regime_inputs x;
        pr_regime_inputs_at(p, t, adx, ema, atr, hw && t + 1 >= hw ? logc + t + 1 - hw : NULL, &x);
        out[t] = pr_regime_rule(p, &x);
        if (in) in[t] = x;
    }
    free(buf);
    return PR_OK;
}

void pr_regime_filter_init(pr_regime_filter *f, int confirm) {
    *f = (pr_regime_filter){.current = PR_RISK_REGIME_NONE, .cand = PR_RISK_REGIME_NONE,
                            .confirm = confirm > 0 ? confirm : 1};
}

int pr_regime_filter_step(pr_regime_filter *f, pr_risk_regime r) {
    if (r == f->current) {
        f->cand_n = 0;
        return 0;
    }
    f->cand_n = r == f->cand ? f->cand_n + 1 : 1;
    f->cand = r;
    /* The first regime after the warm-up needs no confirmation: there is no
     * allocation yet to protect from a flicker. */
    if (f->cand_n < f->confirm && f->current != PR_RISK_REGIME_NONE) return 0;
    f->current = r;
    f->cand_n = 0;
    return 1;
}

pr_risk_regime pr_regime_combine(pr_risk_regime technical, const double prob[PR_RISK_REGIME_COUNT], double w) {
    if (!prob) return technical;
    pr_risk_regime best = technical;
    double best_score = -INFINITY;
    if (technical >= 0 && technical < PR_RISK_REGIME_COUNT) best_score = w + (1 - w) * prob[technical];
    for (int r = 0; r < PR_RISK_REGIME_COUNT; r++) {
        double sc = (1 - w) * prob[r];
        if (r == technical) continue;
        if (sc > best_score) {
            best_score = sc;
            best = (pr_risk_regime)r;
        }
    }
    return best;
}
