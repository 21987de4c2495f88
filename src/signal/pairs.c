/* pairs: statistical arbitrage on two instruments (the view's first two:
 * y, then x). Every `refit` bars the Engle-Granger test (pr_stats_coint, as
 * statsmodels' coint: OLS of y on x with a constant, ADF on the residuals)
 * runs on the latest `formation` bars both have; while its p-value is below
 * `pmax`, the spread y - hedge x - intercept is traded on its z-score over
 * the latest `z_window` bars: below -entry_z buy the spread (long y, short
 * x), above +entry_z sell it; exit when z crosses back through `exit_z`
 * toward 0, stop when |z| passes `stop_z` (the relationship breaking). Both
 * legs are ordered at the same bar and sized together: dollar-neutral
 * (equal notionals) or beta-neutral (x's notional = hedge x its price per
 * unit of y), through the signals' size hints, so a notional sizing mode
 * (fixed_fraction) gives each leg its share; each leg pays its own costs. A
 * leg left alone (its partner's entry rejected, or stopped out) is closed.
 * Bars are paired by time, so a bar one instrument lacks is skipped: the
 * strategy keeps the latest `formation` pairs of closes as it sees them (a
 * step where both instruments closed a bar of the same time), so no step
 * reads the view's history again. They live in a sliding Engle-Granger state
 * (pr_stats_coint_roll), which keeps the test's sums up to date pair by pair,
 * so a refit costs O(maxlag^3) instead of a factorisation of the window. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"
#include "proratio/ta.h"

typedef struct pairs_params {
    int formation;       /* 252                                   */
    int refit;           /* 20                                    */
    double pmax;         /* 0.05                                  */
    int z_window;        /* 20                                    */
    double entry_z;      /* 0: by asset class (crypto 2.5, else 2) */
    double exit_z;       /* 0                                     */
    double stop_z;       /* 3                                     */
    int neutral;         /* 0 beta, 1 dollar                      */
} pairs_params;

typedef struct pairs {
    pr_strategy base;
    pairs_params p;
    double entry_z;
    size_t steps, fitted_at;   /* paired steps seen; the step of the last fit  */
    int fitted;
    double hedge, intercept, pvalue;
    pr_coint_roll roll;        /* the latest `formation` paired closes, and the test */
} pairs;

static const char *const k_neutral[] = {"beta", "dollar", NULL};

#define P_(f) offsetof(pairs_params, f)
static const pr_param_def k_params[] = {
    {.name = "formation", .type = PR_PARAM_INT, .offset = P_(formation), .def = 252, .min = 30, .max = 100000,
     .opt_min = 120, .opt_max = 504, .opt_step = 63, .desc = "bars of the cointegration test and hedge ratio"},
    {.name = "refit", .type = PR_PARAM_INT, .offset = P_(refit), .def = 20, .min = 1, .max = 100000,
     .desc = "bars between refits of the test (1: every bar)"},
    {.name = "pmax", .type = PR_PARAM_NUMBER, .offset = P_(pmax), .def = 0.05, .min = 0, .max = 1, .open = 1,
     .desc = "enter only while the Engle-Granger p-value is below this"},
    {.name = "z_window", .type = PR_PARAM_INT, .offset = P_(z_window), .def = 20, .min = 2, .max = 100000,
     .opt_min = 10, .opt_max = 60, .opt_step = 10, .desc = "bars of the spread's mean and deviation"},
    {.name = "entry_z", .type = PR_PARAM_NUMBER, .offset = P_(entry_z), .def = 0, .min = 0, .max = 100,
     .desc = "enter beyond this |z| (0: 2.5 for crypto, 2 otherwise)"},
    {.name = "exit_z", .type = PR_PARAM_NUMBER, .offset = P_(exit_z), .def = 0, .min = 0, .max = 100,
     .desc = "exit once z is back within this of 0 (0: when it crosses 0)"},
    {.name = "stop_z", .type = PR_PARAM_NUMBER, .offset = P_(stop_z), .def = 3, .min = 0, .max = 100, .open = 1,
     .desc = "stop both legs beyond this |z| (the relationship breaking)"},
    {.name = "neutral", .type = PR_PARAM_CHOICE, .offset = P_(neutral), .def = 0, .choices = k_neutral,
     .desc = "size the legs beta-neutral (hedge x price) or dollar-neutral"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pairs_params *p = pv;
    if (p->entry_z > 0 && !(p->exit_z < p->entry_z && p->entry_z < p->stop_z)) {
        *what = "entry_z";
        snprintf(msg, cap, "need exit_z < entry_z < stop_z (%g, %g, %g)", p->exit_z, p->entry_z, p->stop_z);
        return PR_EINVAL;
    }
    if (p->z_window > p->formation) {
        *what = "z_window";
        snprintf(msg, cap, "must be at most formation (%d > %d)", p->z_window, p->formation);
        return PR_EINVAL;
    }
    return PR_OK;
}

static void pairs_destroy(pr_strategy *s) {
    pr_stats_coint_roll_free(&((pairs *)s)->roll);
    free(s);
}

static size_t pairs_describe(const pr_strategy *s, char *buf, size_t cap) {
    const pairs_params *p = &((const pairs *)s)->p;
    int n = snprintf(buf, cap, "formation=%d refit=%d p<%g z_window=%d entry=%g exit=%g stop=%g neutral=%s",
                     p->formation, p->refit, p->pmax, p->z_window, p->entry_z, p->exit_z, p->stop_z,
                     k_neutral[p->neutral]);
    return n < 0 ? 0 : (size_t)n;
}

static int pairs_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    pairs *c = (pairs *)s;
    if (pr_view_n_instruments(v) != 2)
        return pr_err_set(err, PR_EINVAL, "pairs: needs exactly two instruments (y, then x), got %zu",
                          pr_view_n_instruments(v));
    if (pr_view_tf(v, 0) != pr_view_tf(v, 1))
        return pr_err_set(err, PR_EINVAL, "pairs: %s and %s need the same timeframe (%s, %s)",
                          pr_view_instrument(v, 0)->symbol, pr_view_instrument(v, 1)->symbol,
                          pr_tf_name(pr_view_tf(v, 0)), pr_tf_name(pr_view_tf(v, 1)));
    pr_stats_coint_roll_free(&c->roll);
    int rc = pr_stats_coint_roll_init(&c->roll, (size_t)c->p.formation, NULL, err);
    if (rc) return rc;
    c->steps = c->fitted_at = 0;
    c->fitted = 0;
    c->entry_z = c->p.entry_z;
    if (c->entry_z <= 0) {
        int crypto = pr_view_instrument(v, 0)->asset_class == PR_ASSET_CRYPTO &&
                     pr_view_instrument(v, 1)->asset_class == PR_ASSET_CRYPTO;
        c->entry_z = crypto ? 2.5 : 2.0;
        if (!(c->p.exit_z < c->entry_z && c->entry_z < c->p.stop_z))
            return pr_err_set(err, PR_EINVAL, "pairs: need exit_z < entry_z (%g by asset class) < stop_z (%g, %g)",
                              c->entry_z, c->p.exit_z, c->p.stop_z);
    }
    pr_view_require_warmup(v, (size_t)c->p.formation);
    return PR_OK;
}

static const char *const k_why_long = "z %.3f below -%g: buying the spread y - %.6g x (Engle-Granger p %.4f)";
static const char *const k_why_short = "z %.3f above %g: selling the spread y - %.6g x (Engle-Granger p %.4f)";
static const char *const k_why_exit = "z %.3f back within %g of 0: spread closed";
static const char *const k_why_stop = "z %.3f beyond %g: the relationship broke, both legs closed";
static const char *const k_why_alone = "the other leg is not held: closing this one";

static int add(pr_signal_list *out, pr_signal_kind kind, int inst, const char *why, double a, double b, double c,
               double d, const char *tag, double hint, pr_err *err) {
    pr_signal *sig = pr_signal_list_add(out, kind, inst);
    if (!sig) return pr_err_set(err, PR_ELIMIT, "pairs: signal list full");
    pr_signal_why(sig, why, a, b, c, d);
    pr_signal_tag(sig, tag);
    sig->size_hint = hint;
    return PR_OK;
}

static int pairs_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    pairs *c = (pairs *)s;
    const pairs_params *p = &c->p;
    if (!pr_view_updated(v, 0) || !pr_view_updated(v, 1)) return PR_OK;
    pr_bar by, bx;
    if (pr_view_bar(v, 0, PR_TF_NONE, 0, &by) != PR_OK || pr_view_bar(v, 1, PR_TF_NONE, 0, &bx) != PR_OK ||
        by.ts != bx.ts)
        return PR_OK;
    c->steps++;
    pr_stats_coint_roll_push(&c->roll, by.close, bx.close);
    const double *yw, *xw;
    const size_t count = pr_stats_coint_roll_window(&c->roll, &yw, &xw);
    int sy = pr_view_side(v, 0), sx = pr_view_side(v, 1);
    if ((sy != 0) != (sx != 0)) {   /* a leg alone */
        int lone = sy != 0 ? 0 : 1;
        return add(out, PR_SIG_EXIT, lone, k_why_alone, 0, 0, 0, 0, "pairs_exit", 0, err);
    }
    if (!c->fitted || c->steps - c->fitted_at >= (size_t)p->refit) {
        if (count < (size_t)p->formation) return PR_OK;
        pr_coint_result r;
        pr_err e2;
        if (pr_stats_coint_roll_fit(&c->roll, &r, &e2) != PR_OK || r.collinear) {
            c->fitted = 0;   /* no relationship to trade (retried next bar) */
            return PR_OK;
        }
        c->hedge = r.hedge_ratio;
        c->intercept = r.intercept;
        c->pvalue = r.pvalue;
        c->fitted = 1;
        c->fitted_at = c->steps;
    }
    /* flat and nothing to enter: the z-score is not needed */
    if (sy == 0 && (!(c->pvalue < p->pmax) || !(c->hedge > 0))) return PR_OK;
    const size_t w = (size_t)p->z_window;
    if (count < w) return PR_OK;
    const double *zy = yw + count - w, *zx = xw + count - w;
    double sum = 0, sq = 0;
    for (size_t k = 0; k < w; k++) sum += zy[k] - c->hedge * zx[k] - c->intercept;
    const double mean = sum / (double)w;
    for (size_t k = 0; k < w; k++) {
        double d = zy[k] - c->hedge * zx[k] - c->intercept - mean;
        sq += d * d;
    }
    const double sd = sqrt(sq / (double)w);
    if (!(sd > 0)) return PR_OK;
    const double z = (zy[w - 1] - c->hedge * zx[w - 1] - c->intercept - mean) / sd;
    int rc;
    if (sy != 0) {   /* holding the spread: sy > 0 bought it */
        int stop = sy > 0 ? z < -p->stop_z : z > p->stop_z;
        int back = sy > 0 ? z >= -p->exit_z : z <= p->exit_z;
        if (!stop && !back) return PR_OK;
        const char *why = stop ? k_why_stop : k_why_exit;
        double lim = stop ? p->stop_z : p->exit_z;
        if ((rc = add(out, PR_SIG_EXIT, 0, why, z, lim, 0, 0, "pairs_exit", 0, err)) != PR_OK) return rc;
        return add(out, PR_SIG_EXIT, 1, why, z, lim, 0, 0, "pairs_exit", 0, err);
    }
    if (fabs(z) > p->stop_z) return PR_OK;
    int dir = z < -c->entry_z ? 1 : z > c->entry_z ? -1 : 0;
    if (!dir) return PR_OK;
    /* x's notional per unit of y's: hedge x its price (beta), or equal */
    double r = p->neutral == 0 ? c->hedge * bx.close / by.close : 1;
    double hy = r > 1 ? 1 / r : 1, hx = r > 1 ? 1 : r;
    const char *why = dir > 0 ? k_why_long : k_why_short;
    if ((rc = add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, 0, why, z, c->entry_z, c->hedge, c->pvalue,
                  dir > 0 ? "pairs_long_spread" : "pairs_short_spread", hy, err)) != PR_OK)
        return rc;
    return add(out, dir > 0 ? PR_SIG_ENTER_SHORT : PR_SIG_ENTER_LONG, 1, why, z, c->entry_z, c->hedge, c->pvalue,
               dir > 0 ? "pairs_long_spread" : "pairs_short_spread", hx, err);
}

static const pr_strategy_vt k_vt = {
    .name = "pairs",
    .init = pairs_init,
    .on_bar = pairs_on_bar,
    .describe = pairs_describe,
    .destroy = pairs_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(pairs), &k_vt, offsetof(pairs, p), pv, sizeof(pairs_params), out, err);
}

const pr_strategy_info pr_pairs_info = {
    .name = "pairs",
    .summary = "statistical arbitrage on two cointegrated instruments (Engle-Granger, spread z-score)",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pairs_params),
    .check = check_params,
    .create = create,
};
