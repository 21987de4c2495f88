/* triangular: three currency pairs that close a triangle, A/B, B/C and A/C
 * (EURUSD, USDJPY, EURJPY: the view's first three instruments, in that
 * order), price A/C twice: directly, and as the synthetic cross A/B x B/C.
 * When the direct quote is dearer than the synthetic by more than
 * `threshold` plus the round trip's costs (three legs, each bought and
 * sold: 6 x `leg_cost`), sell A/C and buy A/B and B/C; when it is cheaper,
 * the mirror. All three legs are ordered at the same bar with the same
 * notional in the account currency, which hedges the currencies to first
 * order. The legs close together when the deviation is back within
 * `exit_dev` of 0, or after `max_bars`. On hourly closes the deviation is
 * mostly the quotes' own noise; what survives costs is rare, and this
 * strategy exists to show how rare (the README reports it). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal.h"

typedef struct tri_params {
    double threshold;   /* 0.0002 beyond the costs                 */
    double leg_cost;    /* 0.00005 per leg and side (fraction)     */
    double exit_dev;    /* 0: when the deviation crosses 0         */
    int max_bars;       /* 24                                      */
} tri_params;

typedef struct triangular {
    pr_strategy base;
    tri_params p;
} triangular;

#define P_(f) offsetof(tri_params, f)
static const pr_param_def k_params[] = {
    {.name = "threshold", .type = PR_PARAM_NUMBER, .offset = P_(threshold), .def = 0.0002, .min = 0, .max = 1,
     .opt_min = 0, .opt_max = 0.001, .opt_step = 0.0001, .desc = "deviation beyond the costs that trades (fraction)"},
    {.name = "leg_cost", .type = PR_PARAM_NUMBER, .offset = P_(leg_cost), .def = 0.00005, .min = 0, .max = 0.1,
     .desc = "cost of one leg, one side (spread + commission, fraction); the round trip is 6 of them"},
    {.name = "exit_dev", .type = PR_PARAM_NUMBER, .offset = P_(exit_dev), .def = 0, .min = 0, .max = 1,
     .desc = "close once the deviation is within this of 0 (0: when it crosses 0)"},
    {.name = "max_bars", .type = PR_PARAM_INT, .offset = P_(max_bars), .def = 24, .min = 0, .max = 1000000,
     .desc = "time stop (0: none)"},
};
#undef P_

static void tri_destroy(pr_strategy *s) { free(s); }

static size_t tri_describe(const pr_strategy *s, char *buf, size_t cap) {
    const tri_params *p = &((const triangular *)s)->p;
    int n = snprintf(buf, cap, "threshold=%g leg_cost=%g exit=%g max_bars=%d", p->threshold, p->leg_cost,
                     p->exit_dev, p->max_bars);
    return n < 0 ? 0 : (size_t)n;
}

static int tri_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s;
    if (pr_view_n_instruments(v) != 3)
        return pr_err_set(err, PR_EINVAL, "triangular: needs three instruments (A/B, B/C, A/C), got %zu",
                          pr_view_n_instruments(v));
    const pr_instrument *a = pr_view_instrument(v, 0), *b = pr_view_instrument(v, 1), *c = pr_view_instrument(v, 2);
    if (strcmp(a->quote, b->base) != 0 || strcmp(a->base, c->base) != 0 || strcmp(b->quote, c->quote) != 0 ||
        !a->base[0] || !b->quote[0])
        return pr_err_set(err, PR_EINVAL,
                          "triangular: %s (%s/%s), %s (%s/%s), %s (%s/%s) do not close a triangle A/B, B/C, A/C",
                          a->symbol, a->base, a->quote, b->symbol, b->base, b->quote, c->symbol, c->base, c->quote);
    return PR_OK;
}

static const char *const k_why_rich =
    "direct %.10g vs synthetic %.10g: %.2f bp dear, beyond %.2f bp of costs and threshold: sell the cross";
static const char *const k_why_cheap =
    "direct %.10g vs synthetic %.10g: %.2f bp cheap, beyond %.2f bp of costs and threshold: buy the cross";
static const char *const k_why_exit = "deviation %.2f bp back within %.2f bp: triangle closed";
static const char *const k_why_alone = "the triangle is not whole: closing this leg";

static int leg(pr_signal_list *out, pr_signal_kind kind, int inst, const char *why, double a, double b, double c,
               double d, int max_bars, pr_err *err) {
    pr_signal *sig = pr_signal_list_add(out, kind, inst);
    if (!sig) return pr_err_set(err, PR_ELIMIT, "triangular: signal list full");
    pr_signal_why(sig, why, a, b, c, d);
    pr_signal_tag(sig, kind == PR_SIG_EXIT ? "triangular_exit" : "triangular");
    sig->max_bars = max_bars;
    return PR_OK;
}

static int tri_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    const tri_params *p = &((const triangular *)s)->p;
    pr_bar q[3];
    for (int i = 0; i < 3; i++)
        if (!pr_view_updated(v, i) || pr_view_bar(v, i, PR_TF_NONE, 0, &q[i]) != PR_OK) return PR_OK;
    if (q[0].ts != q[1].ts || q[0].ts != q[2].ts) return PR_OK;   /* the three closes of one moment */
    int side[3], held = 0, rc;
    for (int i = 0; i < 3; i++) held += (side[i] = pr_view_side(v, i)) != 0;
    const double synth = q[0].close * q[1].close, dev = q[2].close / synth - 1;
    if (!(synth > 0) || !isfinite(dev)) return PR_OK;
    if (held) {
        /* side[2] < 0: sold the dear cross; > 0 bought the cheap one */
        /* within 1e-9 counts as 0: the synthetic's own rounding */
        int back = held == 3 && (side[2] < 0 ? dev <= p->exit_dev + 1e-9 : dev >= -p->exit_dev - 1e-9);
        if (held == 3 && !back) return PR_OK;
        for (int i = 0; i < 3; i++)
            if (side[i] != 0 &&
                (rc = leg(out, PR_SIG_EXIT, i, held == 3 ? k_why_exit : k_why_alone, 1e4 * dev, 1e4 * p->exit_dev, 0,
                          0, 0, err)) != PR_OK)
                return rc;
        return PR_OK;
    }
    const double need = p->threshold + 6 * p->leg_cost;
    int dir = dev > need ? -1 : dev < -need ? 1 : 0;   /* the cross's side */
    if (!dir) return PR_OK;
    const char *why = dir < 0 ? k_why_rich : k_why_cheap;
    pr_signal_kind cross = dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT;
    pr_signal_kind legs = dir > 0 ? PR_SIG_ENTER_SHORT : PR_SIG_ENTER_LONG;
    const double bp = 1e4 * fabs(dev), nb = 1e4 * need;
    if ((rc = leg(out, legs, 0, why, q[2].close, synth, bp, nb, p->max_bars, err)) != PR_OK ||
        (rc = leg(out, legs, 1, why, q[2].close, synth, bp, nb, p->max_bars, err)) != PR_OK)
        return rc;
    return leg(out, cross, 2, why, q[2].close, synth, bp, nb, p->max_bars, err);
}

static const pr_strategy_vt k_vt = {
    .name = "triangular",
    .init = tri_init,
    .on_bar = tri_on_bar,
    .describe = tri_describe,
    .destroy = tri_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(triangular), &k_vt, offsetof(triangular, p), pv, sizeof(tri_params), out, err);
}

const pr_strategy_info pr_triangular_info = {
    .name = "triangular",
    .summary = "triangular arbitrage: a currency cross against its synthetic from two legs, net of costs",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(tri_params),
    .check = NULL,
    .create = create,
};
