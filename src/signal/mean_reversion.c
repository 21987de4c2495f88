/* mean_reversion: fades stretched moves. A bar closing outside its
 * Bollinger band with the RSI at an extreme and the close's z-score beyond a
 * threshold is taken as an overreaction; the position is closed when the
 * price is back at the band's middle. How far is "stretched" depends on the
 * market (crypto swings wider than forex or stocks), so the thresholds come
 * from the instrument's asset class unless the configuration fixes them. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

typedef struct mean_rev {
    pr_strategy base;
    pr_mean_reversion_params p;
    size_t n;
    int *h_up, *h_mid, *h_lo, *h_rsi, *h_z, *h_atr;   /* indicator handles     */
    double *rsi_low, *rsi_high, *z_th;               /* thresholds in use     */
} mean_rev;

void pr_mean_reversion_thresholds(pr_asset_class cls, double *rsi_low, double *rsi_high, double *z) {
    double lo = 30, hi = 70, zt = 2.0;
    if (cls == PR_ASSET_CRYPTO) {
        lo = 20;
        hi = 80;
        zt = 2.5;
    } else if (cls == PR_ASSET_FOREX) {
        lo = 25;
        hi = 75;
    }
    if (rsi_low) *rsi_low = lo;
    if (rsi_high) *rsi_high = hi;
    if (z) *z = zt;
}

#define P_(f) offsetof(pr_mean_reversion_params, f)
static const pr_param_def k_params[] = {
    {.name = "bb_period", .type = PR_PARAM_INT, .offset = P_(bb_period), .def = 20, .min = 2, .max = 100000,
     .opt_min = 10, .opt_max = 50, .opt_step = 5, .desc = "Bollinger band period"},
    {.name = "bb_dev", .type = PR_PARAM_NUMBER, .offset = P_(bb_dev), .def = 2, .min = 0, .max = 100, .open = 1,
     .opt_min = 1.5, .opt_max = 3, .opt_step = 0.25, .desc = "band width in population deviations"},
    {.name = "rsi_period", .type = PR_PARAM_INT, .offset = P_(rsi_period), .def = 14, .min = 2, .max = 100000,
     .opt_min = 7, .opt_max = 28, .opt_step = 7, .desc = "RSI period"},
    {.name = "z_period", .type = PR_PARAM_INT, .offset = P_(z_period), .def = 20, .min = 2, .max = 100000,
     .desc = "z-score window of closes"},
    {.name = "rsi_low", .type = PR_PARAM_NUMBER, .offset = P_(rsi_low), .def = 0, .min = 0, .max = 100, .open = 1,
     .desc = "long needs RSI below this (0: by asset class)"},
    {.name = "rsi_high", .type = PR_PARAM_NUMBER, .offset = P_(rsi_high), .def = 0, .min = 0, .max = 100, .open = 1,
     .desc = "short needs RSI above this (0: by asset class)"},
    {.name = "z", .type = PR_PARAM_NUMBER, .offset = P_(z), .def = 0, .min = 0, .max = 100, .open = 1,
     .desc = "|z| threshold (0: by asset class)"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 0,
     .desc = "also fade stretches up (short)"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 100000,
     .desc = "ATR period of the stop"},
    {.name = "stop_atr", .type = PR_PARAM_NUMBER, .offset = P_(stop_atr), .def = 2, .min = 0, .max = 1000,
     .opt_min = 1, .opt_max = 4, .opt_step = 0.5, .desc = "stop at this many ATRs from the close (0: none)"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop_frac), .def = 0, .min = 0, .max = 1,
     .desc = "stop at this fraction of the close (0: none); the nearer stop wins"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_mean_reversion_params *p = pv;
    if (p->bb_period < 2 || !(p->bb_dev > 0 && p->bb_dev <= 100)) {
        *what = p->bb_period < 2 ? "bb_period" : "bb_dev";
        snprintf(msg, cap, "need bb_period >= 2 and bb_dev in (0,100] (bb_period=%d bb_dev=%g)", p->bb_period,
                 p->bb_dev);
        return PR_EINVAL;
    }
    if (p->rsi_period < 2 || p->z_period < 2 || p->atr_period < 1) {
        *what = p->rsi_period < 2 ? "rsi_period" : p->z_period < 2 ? "z_period" : "atr_period";
        snprintf(msg, cap, "need rsi_period >= 2, z_period >= 2, atr_period >= 1");
        return PR_EINVAL;
    }
    if (!(p->rsi_low >= 0 && p->rsi_low < 100) || !(p->rsi_high >= 0 && p->rsi_high <= 100) ||
        (p->rsi_low > 0 && p->rsi_high > 0 && p->rsi_low >= p->rsi_high)) {
        *what = "rsi_low";
        snprintf(msg, cap, "need 0 < rsi_low < rsi_high <= 100, 0 meaning by asset class (rsi_low=%g rsi_high=%g)",
                 p->rsi_low, p->rsi_high);
        return PR_EINVAL;
    }
    if (!(p->z >= 0 && p->z <= 100)) {
        *what = "z";
        snprintf(msg, cap, "must be in [0,100], 0 meaning by asset class (got %g)", p->z);
        return PR_EINVAL;
    }
    if (!(p->stop_atr >= 0 && p->stop_atr <= 1000) || !(p->stop_frac >= 0 && p->stop_frac < 1)) {
        *what = p->stop_frac >= 0 && p->stop_frac < 1 ? "stop_atr" : "stop";
        snprintf(msg, cap, "need stop_atr in [0,1000] and stop in [0,1) (stop_atr=%g stop=%g)", p->stop_atr,
                 p->stop_frac);
        return PR_EINVAL;
    }
    return PR_OK;
}

static int create(const void *p, pr_strategy **out, pr_err *err) { return pr_mean_reversion_new(p, out, err); }

const pr_strategy_info pr_mean_reversion_info = {
    .name = "mean_reversion",
    .summary = "fades closes outside the Bollinger band with RSI and z-score extremes",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_mean_reversion_params),
    .check = check_params,
    .create = create,
};

void pr_mean_reversion_defaults(pr_mean_reversion_params *p) { pr_params_defaults(&pr_mean_reversion_info, p); }

int pr_mean_reversion_config(const pr_config *cfg, const char *path, pr_mean_reversion_params *out,
                             pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "mean_reversion: NULL output");
    pr_mean_reversion_params p;
    int rc = pr_params_read(&pr_mean_reversion_info, cfg, path, &p, err);
    if (rc == PR_OK) *out = p;
    return rc;
}

static void mr_free_arrays(mean_rev *c) {
    free(c->h_up);
    free(c->h_mid);
    free(c->h_lo);
    free(c->h_rsi);
    free(c->h_z);
    free(c->h_atr);
    free(c->rsi_low);
    free(c->rsi_high);
    free(c->z_th);
    c->h_up = c->h_mid = c->h_lo = c->h_rsi = c->h_z = c->h_atr = NULL;
    c->rsi_low = c->rsi_high = c->z_th = NULL;
}

static void mr_destroy(pr_strategy *s) {
    mean_rev *c = (mean_rev *)s;
    mr_free_arrays(c);
    free(c);
}

static size_t mr_describe(const pr_strategy *s, char *buf, size_t cap) {
    const mean_rev *c = (const mean_rev *)s;
    const pr_mean_reversion_params *p = &c->p;
    char lo[24] = "auto", hi[24] = "auto", z[24] = "auto";
    if (p->rsi_low > 0) snprintf(lo, sizeof lo, "%g", p->rsi_low);
    if (p->rsi_high > 0) snprintf(hi, sizeof hi, "%g", p->rsi_high);
    if (p->z > 0) snprintf(z, sizeof z, "%g", p->z);
    int n = snprintf(buf, cap, "bb=%d/%g rsi=%d low=%s high=%s z=%d>%s short=%d stop=%gxATR%d stop_frac=%g",
                     p->bb_period, p->bb_dev, p->rsi_period, lo, hi, p->z_period, z, p->allow_short, p->stop_atr,
                     p->atr_period, p->stop_frac);
    return n < 0 ? 0 : (size_t)n;
}

static int mr_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    mean_rev *c = (mean_rev *)s;
    size_t n = pr_view_n_instruments(v);
    mr_free_arrays(c);
    c->n = n;
    c->h_up = calloc(n, sizeof(int));
    c->h_mid = calloc(n, sizeof(int));
    c->h_lo = calloc(n, sizeof(int));
    c->h_rsi = calloc(n, sizeof(int));
    c->h_z = calloc(n, sizeof(int));
    c->h_atr = calloc(n, sizeof(int));
    c->rsi_low = calloc(n, sizeof(double));
    c->rsi_high = calloc(n, sizeof(double));
    c->z_th = calloc(n, sizeof(double));
    if (!c->h_up || !c->h_mid || !c->h_lo || !c->h_rsi || !c->h_z || !c->h_atr || !c->rsi_low || !c->rsi_high ||
        !c->z_th)
        return pr_err_set(err, PR_ENOMEM, "mean_reversion: out of memory");
    for (size_t i = 0; i < n; i++) {
        int ii = (int)i, rc;
        double bb[3] = {c->p.bb_period, c->p.bb_dev, c->p.bb_dev};
        double pr = c->p.rsi_period, pa = c->p.atr_period;
        double pz[2] = {c->p.z_period, 0};   /* population deviation, as the bands */
        if ((rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 0, "close", &c->h_up[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 1, "close", &c->h_mid[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 2, "close", &c->h_lo[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "rsi", &pr, 1, 0, "close", &c->h_rsi[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "zscore", pz, 2, 0, "close", &c->h_z[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "atr", &pa, 1, 0, NULL, &c->h_atr[i], err)))
            return rc;
        const pr_instrument *in = pr_view_instrument(v, ii);
        pr_mean_reversion_thresholds(in ? in->asset_class : PR_ASSET_UNKNOWN, &c->rsi_low[i], &c->rsi_high[i],
                                     &c->z_th[i]);
        if (c->p.rsi_low > 0) c->rsi_low[i] = c->p.rsi_low;
        if (c->p.rsi_high > 0) c->rsi_high[i] = c->p.rsi_high;
        if (c->p.z > 0) c->z_th[i] = c->p.z;
        if (c->rsi_low[i] >= c->rsi_high[i])
            return pr_err_set(err, PR_EINVAL, "mean_reversion: %s: rsi_low %g must be below rsi_high %g",
                              in ? in->symbol : "?", c->rsi_low[i], c->rsi_high[i]);
    }
    return PR_OK;
}

static const char *const k_why_long = "close %.10g below the lower band %.10g, RSI %.2f, z %.3f";
static const char *const k_why_short = "close %.10g above the upper band %.10g, RSI %.2f, z %.3f";
static const char *const k_why_x_long = "close %.10g back to the middle band %.10g (z %.3f): exit long";
static const char *const k_why_x_short = "close %.10g back to the middle band %.10g (z %.3f): exit short";

static int mr_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    mean_rev *c = (mean_rev *)s;
    const pr_mean_reversion_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        double close = pr_view_close(v, ii, 0);
        double up = pr_view_ind(v, c->h_up[i], 0), mid = pr_view_ind(v, c->h_mid[i], 0);
        double lo = pr_view_ind(v, c->h_lo[i], 0), rsi = pr_view_ind(v, c->h_rsi[i], 0);
        double z = pr_view_ind(v, c->h_z[i], 0), atr = pr_view_ind(v, c->h_atr[i], 0);
        if (isnan(close) || isnan(up) || isnan(mid) || isnan(lo) || isnan(rsi) || isnan(z) || isnan(atr)) continue;
        /* A band without width (a flat window, up to rounding noise) says
         * nothing about dispersion: no entry from it. */
        int wide = up - lo > 1e-9 * fabs(close);
        int long_ok = wide && close < lo && rsi < c->rsi_low[i] && z < -c->z_th[i];
        int short_ok = wide && p->allow_short && close > up && rsi > c->rsi_high[i] && z > c->z_th[i];
        pr_signal *sig = NULL;
        int side = pr_view_side(v, ii);
        if ((long_ok && side <= 0) || (short_ok && side >= 0)) {
            int dir = long_ok ? 1 : -1;
            sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "mean_reversion: signal list full");
            pr_signal_why(sig, dir > 0 ? k_why_long : k_why_short, close, dir > 0 ? lo : up, rsi, z);
            pr_signal_tag(sig, dir > 0 ? "mean_rev_long" : "mean_rev_short");
            /* The nearer of the two stops protects best. */
            double dist = 0;
            if (p->stop_atr > 0 && atr > 0) dist = p->stop_atr * atr;
            if (p->stop_frac > 0 && (dist == 0 || p->stop_frac * close < dist)) dist = p->stop_frac * close;
            if (dist > 0 && (dir > 0 ? close - dist > 0 : 1)) sig->stop = close - dir * dist;
        } else if ((side > 0 && (close >= mid || z >= 0)) || (side < 0 && (close <= mid || z <= 0))) {
            int lng = side > 0;
            sig = pr_signal_list_add(out, PR_SIG_EXIT, ii);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "mean_reversion: signal list full");
            pr_signal_why(sig, lng ? k_why_x_long : k_why_x_short, close, mid, z, 0);
            pr_signal_tag(sig, "mean_rev_exit");
        }
    }
    return PR_OK;
}

static const pr_strategy_vt k_mean_rev_vt = {
    .name = "mean_reversion",
    .init = mr_init,
    .on_bar = mr_on_bar,
    .describe = mr_describe,
    .destroy = mr_destroy,
};

int pr_mean_reversion_new(const pr_mean_reversion_params *p, pr_strategy **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "mean_reversion: NULL output");
    pr_mean_reversion_params d;
    pr_mean_reversion_defaults(&d);
    if (p) d = *p;
    const char *what = NULL;
    char msg[200];
    if (check_params(&d, &what, msg, sizeof msg) != 0)
        return pr_err_set(err, PR_EINVAL, "mean_reversion: %s: %s", what, msg);
    mean_rev *c = calloc(1, sizeof *c);
    if (!c) return pr_err_set(err, PR_ENOMEM, "mean_reversion: out of memory");
    c->base.vt = &k_mean_rev_vt;
    c->p = d;
    *out = &c->base;
    return PR_OK;
}
