/* trend_ema: the EMA crossover trend follower. Entries need the RSI inside
 * its band (neither stretched nor exhausted) and the bar's volume above its
 * average (participation behind the cross); exits are the reverse cross,
 * an RSI extreme, the protective stop and the tiered take-profits. Its
 * indicators are declared on the view; per instrument the strategy keeps
 * only the previous EMA difference and reads what it holds from the view. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

typedef struct trend_ema {
    pr_strategy base;
    pr_trend_ema_params p;
    size_t n;
    int *h_fast, *h_slow, *h_rsi, *h_vol;   /* indicator handles per instrument */
    double *prev_d;                          /* d[t-1] (NaN until defined)        */
} trend_ema;

#define P_(f) offsetof(pr_trend_ema_params, f)
static const double k_tp[] = {0.02, 0.05, 0.10}, k_tp_frac[] = {0.5, 0.3, 0.2};
static const pr_param_def k_params[] = {
    {.name = "fast", .type = PR_PARAM_INT, .offset = P_(fast), .def = 20, .min = 2, .max = 100000,
     .opt_min = 5, .opt_max = 50, .opt_step = 5, .desc = "fast EMA period (below slow)"},
    {.name = "slow", .type = PR_PARAM_INT, .offset = P_(slow), .def = 50, .min = 3, .max = 100000,
     .opt_min = 20, .opt_max = 200, .opt_step = 10, .desc = "slow EMA period"},
    {.name = "rsi_period", .type = PR_PARAM_INT, .offset = P_(rsi_period), .def = 14, .min = 2, .max = 100000,
     .opt_min = 7, .opt_max = 28, .opt_step = 7, .desc = "RSI period"},
    {.name = "rsi_low", .type = PR_PARAM_NUMBER, .offset = P_(rsi_low), .def = 30, .min = 0, .max = 100,
     .opt_min = 20, .opt_max = 40, .opt_step = 5, .desc = "entries need RSI >= this; a short exits below it"},
    {.name = "rsi_high", .type = PR_PARAM_NUMBER, .offset = P_(rsi_high), .def = 70, .min = 0, .max = 100,
     .opt_min = 60, .opt_max = 80, .opt_step = 5, .desc = "entries need RSI <= this; a long exits above it"},
    {.name = "volume_period", .type = PR_PARAM_INT, .offset = P_(volume_period), .def = 20, .min = 2,
     .max = 100000, .desc = "period of the volume average"},
    {.name = "volume_filter", .type = PR_PARAM_BOOL, .offset = P_(volume_filter), .def = 1,
     .desc = "entries need volume above its average (data without volume skips it)"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 0,
     .desc = "a cross down also enters short"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop_frac), .def = 0.05, .min = 0, .max = 1,
     .opt_min = 0.02, .opt_max = 0.1, .opt_step = 0.01, .desc = "protective stop, fraction of the close below 1 (0: none)"},
    {.name = "take_profit", .type = PR_PARAM_LIST, .offset = P_(tp), .aux_offset = P_(n_targets), .min = 0,
     .max = 100, .open = 1, .def_list = k_tp, .def_n = 3,
     .desc = "take-profit levels, increasing fractions of the close"},
    {.name = "take_profit_frac", .type = PR_PARAM_LIST, .offset = P_(tp_frac), .aux_offset = P_(n_targets),
     .min = 0, .max = 1, .def_list = k_tp_frac, .def_n = 3, .pair = "take_profit",
     .desc = "fraction of the entry each level closes (sum at most 1)"},
    {.name = "conf_volume", .type = PR_PARAM_NUMBER, .offset = P_(conf_volume), .def = 2, .min = 1, .max = 1000,
     .desc = "volume / average that gives confidence 1"},
};
#undef P_

/* Checks that do not depend on where the parameters came from; `what`
 * receives the name of the offending parameter. */
static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_trend_ema_params *p = pv;
    if (p->fast < 2 || p->slow < 3 || p->fast >= p->slow) {
        *what = "fast";
        snprintf(msg, cap, "need 2 <= fast < slow (fast=%d slow=%d)", p->fast, p->slow);
        return PR_EINVAL;
    }
    if (p->rsi_period < 2) {
        *what = "rsi_period";
        snprintf(msg, cap, "must be at least 2 (got %d)", p->rsi_period);
        return PR_EINVAL;
    }
    if (!(p->rsi_low >= 0 && p->rsi_low < p->rsi_high && p->rsi_high <= 100)) {
        *what = "rsi_low";
        snprintf(msg, cap, "need 0 <= rsi_low < rsi_high <= 100 (rsi_low=%g rsi_high=%g)", p->rsi_low, p->rsi_high);
        return PR_EINVAL;
    }
    if (p->volume_period < 2) {
        *what = "volume_period";
        snprintf(msg, cap, "must be at least 2 (got %d)", p->volume_period);
        return PR_EINVAL;
    }
    if (!(p->stop_frac >= 0 && p->stop_frac < 1)) {
        *what = "stop";
        snprintf(msg, cap, "must be in [0,1) (got %g)", p->stop_frac);
        return PR_EINVAL;
    }
    if (!(p->conf_volume >= 1 && p->conf_volume <= 1000)) {
        *what = "conf_volume";
        snprintf(msg, cap, "must be in [1,1000] (got %g)", p->conf_volume);
        return PR_EINVAL;
    }
    if (p->n_targets < 0 || p->n_targets > PR_SIGNAL_MAX_TARGETS) {
        *what = "take_profit";
        snprintf(msg, cap, "at most %d tiers (got %d)", PR_SIGNAL_MAX_TARGETS, p->n_targets);
        return PR_EINVAL;
    }
    double sum = 0;
    for (int k = 0; k < p->n_targets; k++) {
        double lim = p->allow_short ? 1.0 : 100.0;   /* a short's target must stay above 0 */
        if (!(p->tp[k] > 0 && p->tp[k] < lim) || (k > 0 && !(p->tp[k] > p->tp[k - 1]))) {
            *what = "take_profit";
            snprintf(msg, cap, "levels must increase, each in (0,%g) (tier %d is %g)", lim, k + 1, p->tp[k]);
            return PR_EINVAL;
        }
        if (!(p->tp_frac[k] > 0 && p->tp_frac[k] <= 1)) {
            *what = "take_profit_frac";
            snprintf(msg, cap, "each fraction must be in (0,1] (tier %d is %g)", k + 1, p->tp_frac[k]);
            return PR_EINVAL;
        }
        sum += p->tp_frac[k];
    }
    if (sum > 1 + 1e-9) {
        *what = "take_profit_frac";
        snprintf(msg, cap, "fractions must sum to at most 1 (sum %g)", sum);
        return PR_EINVAL;
    }
    return PR_OK;
}

static int create(const void *p, pr_strategy **out, pr_err *err) { return pr_trend_ema_new(p, out, err); }

const pr_strategy_info pr_trend_ema_info = {
    .name = "trend_ema",
    .summary = "EMA crossover with RSI and volume filters, a stop and tiered take-profits",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_trend_ema_params),
    .check = check_params,
    .create = create,
};

void pr_trend_ema_defaults(pr_trend_ema_params *p) { pr_params_defaults(&pr_trend_ema_info, p); }

int pr_trend_ema_config(const pr_config *cfg, const char *path, pr_trend_ema_params *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "trend_ema: NULL output");
    pr_trend_ema_params p;
    int rc = pr_params_read(&pr_trend_ema_info, cfg, path, &p, err);
    if (rc == PR_OK) *out = p;
    return rc;
}

static void te_free_arrays(trend_ema *c) {
    free(c->h_fast);
    free(c->h_slow);
    free(c->h_rsi);
    free(c->h_vol);
    free(c->prev_d);
    c->h_fast = c->h_slow = c->h_rsi = c->h_vol = NULL;
    c->prev_d = NULL;
}

static void te_destroy(pr_strategy *s) {
    trend_ema *c = (trend_ema *)s;
    te_free_arrays(c);
    free(c);
}

static size_t te_describe(const pr_strategy *s, char *buf, size_t cap) {
    const trend_ema *c = (const trend_ema *)s;
    const pr_trend_ema_params *p = &c->p;
    char tiers[160] = "none";
    size_t pos = 0;
    for (int k = 0; k < p->n_targets; k++) {
        int w = snprintf(tiers + pos, sizeof tiers - pos, "%s%g:%g", k ? "," : "", p->tp[k], p->tp_frac[k]);
        if (w < 0 || (size_t)w >= sizeof tiers - pos) break;
        pos += (size_t)w;
    }
    int n = snprintf(buf, cap,
                     "ema=%d/%d rsi=%d in [%g,%g] volume>sma%d=%d short=%d stop=%g take_profit=%s conf_volume=%g",
                     p->fast, p->slow, p->rsi_period, p->rsi_low, p->rsi_high, p->volume_period, p->volume_filter,
                     p->allow_short, p->stop_frac, tiers, p->conf_volume);
    return n < 0 ? 0 : (size_t)n;
}

static int te_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    trend_ema *c = (trend_ema *)s;
    size_t n = pr_view_n_instruments(v);
    te_free_arrays(c);
    c->n = n;
    c->h_fast = calloc(n, sizeof *c->h_fast);
    c->h_slow = calloc(n, sizeof *c->h_slow);
    c->h_rsi = calloc(n, sizeof *c->h_rsi);
    c->h_vol = calloc(n, sizeof *c->h_vol);
    c->prev_d = calloc(n, sizeof *c->prev_d);
    if (!c->h_fast || !c->h_slow || !c->h_rsi || !c->h_vol || !c->prev_d)
        return pr_err_set(err, PR_ENOMEM, "trend_ema: out of memory");
    for (size_t i = 0; i < n; i++) {
        double pf = c->p.fast, ps = c->p.slow, pr = c->p.rsi_period, pv = c->p.volume_period;
        int rc, ii = (int)i;
        if ((rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "ema", &pf, 1, 0, "close", &c->h_fast[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "ema", &ps, 1, 0, "close", &c->h_slow[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "rsi", &pr, 1, 0, "close", &c->h_rsi[i], err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "sma", &pv, 1, 0, "volume", &c->h_vol[i], err)))
            return rc;
        c->prev_d[i] = NAN;
    }
    /* The cross needs d at t-1 as well. */
    pr_view_require_warmup(v, (size_t)c->p.slow + 1);
    return PR_OK;
}

/* Stop and tiered take-profits for an entry of direction dir at close. */
static void protect(const trend_ema *c, pr_signal *sig, double close, int dir) {
    if (c->p.stop_frac > 0) sig->stop = close * (1.0 - dir * c->p.stop_frac);
    sig->n_targets = c->p.n_targets;
    for (int k = 0; k < c->p.n_targets; k++) {
        sig->target_price[k] = close * (1.0 + dir * c->p.tp[k]);
        sig->target_frac[k] = c->p.tp_frac[k];
    }
}

static const char *const k_why_long =
    "EMA(%.0f) crossed above EMA(%.0f) with RSI %.2f and volume %.3gx its average";
static const char *const k_why_short =
    "EMA(%.0f) crossed below EMA(%.0f) with RSI %.2f and volume %.3gx its average";
static const char *const k_why_long_nv = "EMA(%.0f) crossed above EMA(%.0f) with RSI %.2f (no volume data)";
static const char *const k_why_short_nv = "EMA(%.0f) crossed below EMA(%.0f) with RSI %.2f (no volume data)";
static const char *const k_why_x_long = "EMA(%.0f) crossed below EMA(%.0f): exit long";
static const char *const k_why_x_short = "EMA(%.0f) crossed above EMA(%.0f): exit short";
static const char *const k_why_rsi_long = "RSI %.2f above %.4g: exit long";
static const char *const k_why_rsi_short = "RSI %.2f below %.4g: exit short";

/* EMA differences below this fraction of the price are rounding noise (an
 * EMA of a constant drifts by a few ulps) and count as 0, so a flat stretch
 * does not produce crosses; likewise a volume must beat its average by more
 * than this fraction. */
#define TE_NOISE 1e-9

static int emit(pr_signal_list *out, pr_signal_kind kind, int inst, pr_signal **sig, pr_err *err) {
    *sig = pr_signal_list_add(out, kind, inst);
    return *sig ? PR_OK : pr_err_set(err, PR_ELIMIT, "trend_ema: signal list full");
}

static int te_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    trend_ema *c = (trend_ema *)s;
    const pr_trend_ema_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        pr_bar bar;
        if (pr_view_bar(v, ii, PR_TF_NONE, 0, &bar) != 0) continue;
        double d = pr_view_ind(v, c->h_fast[i], 0) - pr_view_ind(v, c->h_slow[i], 0);
        if (fabs(d) <= TE_NOISE * fabs(bar.close)) d = 0;
        double pd = c->prev_d[i];
        c->prev_d[i] = d;
        if (isnan(d) || isnan(pd)) continue;
        double rsi = pr_view_ind(v, c->h_rsi[i], 0);
        double vavg = pr_view_ind(v, c->h_vol[i], 0);
        int cross_up = d > 0 && pd <= 0, cross_dn = d < 0 && pd >= 0;
        int rsi_ok = rsi >= p->rsi_low && rsi <= p->rsi_high;   /* false for NaN */
        int has_vol = vavg > 0;
        double ratio = has_vol ? bar.volume / vavg : NAN;
        int vol_ok = !p->volume_filter || !has_vol || bar.volume > vavg * (1 + TE_NOISE);
        int entry_ok = rsi_ok && vol_ok;
        pr_signal *sig;
        int rc;
        if ((cross_up && entry_ok) || (cross_dn && entry_ok && p->allow_short)) {
            int dir = cross_up ? 1 : -1;
            if ((rc = emit(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii, &sig, err)) != 0) return rc;
            double conf = has_vol ? ratio / p->conf_volume : 0.5;
            conf = conf < 0.5 ? 0.5 : conf > 1 ? 1 : conf;
            sig->confidence = conf;
            sig->size_hint = conf;
            pr_signal_why(sig, has_vol ? (dir > 0 ? k_why_long : k_why_short) : (dir > 0 ? k_why_long_nv : k_why_short_nv),
                          p->fast, p->slow, rsi, has_vol ? ratio : 0);
            pr_signal_tag(sig, dir > 0 ? "trend_ema_long" : "trend_ema_short");
            protect(c, sig, bar.close, dir);
            continue;
        }
        /* Exits only for a position held (the view asked only when one could fire). */
        int side = cross_up || cross_dn || rsi > p->rsi_high || rsi < p->rsi_low ? pr_view_side(v, ii) : 0;
        if ((cross_dn && side > 0) || (cross_up && side < 0)) {
            if ((rc = emit(out, PR_SIG_EXIT, ii, &sig, err)) != 0) return rc;
            pr_signal_why(sig, cross_dn ? k_why_x_long : k_why_x_short, p->fast, p->slow, 0, 0);
            pr_signal_tag(sig, "trend_ema_cross");
        } else if ((side > 0 && rsi > p->rsi_high) || (side < 0 && rsi < p->rsi_low)) {
            int lng = side > 0;
            if ((rc = emit(out, PR_SIG_EXIT, ii, &sig, err)) != 0) return rc;
            pr_signal_why(sig, lng ? k_why_rsi_long : k_why_rsi_short, rsi, lng ? p->rsi_high : p->rsi_low, 0, 0);
            pr_signal_tag(sig, "trend_ema_rsi");
        }
    }
    return PR_OK;
}

static const pr_strategy_vt k_trend_ema_vt = {
    .name = "trend_ema",
    .init = te_init,
    .on_bar = te_on_bar,
    .describe = te_describe,
    .destroy = te_destroy,
};

int pr_trend_ema_new(const pr_trend_ema_params *p, pr_strategy **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "trend_ema: NULL output");
    pr_trend_ema_params d;
    pr_trend_ema_defaults(&d);
    if (p) d = *p;
    const char *what = NULL;
    char msg[200];
    if (check_params(&d, &what, msg, sizeof msg) != 0) return pr_err_set(err, PR_EINVAL, "trend_ema: %s: %s", what, msg);
    trend_ema *c = calloc(1, sizeof *c);
    if (!c) return pr_err_set(err, PR_ENOMEM, "trend_ema: out of memory");
    c->base.vt = &k_trend_ema_vt;
    c->p = d;
    *out = &c->base;
    return PR_OK;
}
