/* funding_carry: on a perpetual future, the side that the funding rate
 * pays. When the latest funding rate (the view's funding series: the
 * instrument's stored rates, those stamped at or before the decision) is
 * above `entry_rate` per funding interval, longs pay shorts: sell the
 * perpetual; below -entry_rate, buy it. The position is closed once the
 * rate is back within `exit_rate` of 0 on its side (or has turned). Hedged
 * (`hedged`: the view's second instrument is the spot market of the same
 * coin), the opposite spot position is taken with it, so what remains is
 * the funding and the basis, not the coin's price. The backtest charges and
 * credits each funding time (see the README's funding model); the trades
 * list shows the funding each position earned beside its price P&L. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

typedef struct fc_params {
    double entry_rate;   /* 0.001 per interval (0.1% per 8 h)  */
    double exit_rate;    /* 0.0001                              */
    int hedged;          /* 0                                   */
    double stop_frac;    /* 0 (none): stop on the perpetual leg */
} fc_params;

typedef struct funding_carry {
    pr_strategy base;
    fc_params p;
} funding_carry;

#define P_(f) offsetof(fc_params, f)
static const pr_param_def k_params[] = {
    {.name = "entry_rate", .type = PR_PARAM_NUMBER, .offset = P_(entry_rate), .def = 0.001, .min = 0, .max = 1,
     .open = 1, .opt_min = 0.0001, .opt_max = 0.002, .opt_step = 0.0001,
     .desc = "take the receiving side beyond this funding rate per interval"},
    {.name = "exit_rate", .type = PR_PARAM_NUMBER, .offset = P_(exit_rate), .def = 0.0001, .min = 0, .max = 1,
     .desc = "close once the rate is back within this of 0 (or turned)"},
    {.name = "hedged", .type = PR_PARAM_BOOL, .offset = P_(hedged), .def = 0,
     .desc = "the opposite position in the second instrument (the spot market)"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop_frac), .def = 0, .min = 0, .max = 1,
     .desc = "stop on the perpetual at this fraction from the close (0: none)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const fc_params *p = pv;
    if (!(p->exit_rate < p->entry_rate)) {
        *what = "exit_rate";
        snprintf(msg, cap, "must be below entry_rate (%g >= %g)", p->exit_rate, p->entry_rate);
        return PR_EINVAL;
    }
    return PR_OK;
}

static void fc_destroy(pr_strategy *s) { free(s); }

static size_t fc_describe(const pr_strategy *s, char *buf, size_t cap) {
    const fc_params *p = &((const funding_carry *)s)->p;
    int n = snprintf(buf, cap, "entry_rate=%g exit_rate=%g hedged=%d stop=%g", p->entry_rate, p->exit_rate, p->hedged,
                     p->stop_frac);
    return n < 0 ? 0 : (size_t)n;
}

static int fc_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    const fc_params *p = &((funding_carry *)s)->p;
    size_t want = p->hedged ? 2 : 1;
    if (pr_view_n_instruments(v) != want)
        return pr_err_set(err, PR_EINVAL, "funding_carry: needs %s, got %zu instruments",
                          p->hedged ? "two instruments (the perpetual, then its spot market)" : "one perpetual",
                          pr_view_n_instruments(v));
    return PR_OK;
}

static const char *const k_why_short = "funding %.4f%% per interval, beyond %.4f%%, pays shorts: selling the perpetual";
static const char *const k_why_long = "funding %.4f%% per interval, beyond -%.4f%%, pays longs: buying the perpetual";
static const char *const k_why_exit = "funding %.4f%% back within %.4f%%: carry closed";

static int add(pr_signal_list *out, pr_signal_kind k, int inst, const char *why, double a, double b, const char *tag,
               pr_err *err, pr_signal **made) {
    pr_signal *sig = pr_signal_list_add(out, k, inst);
    if (!sig) return pr_err_set(err, PR_ELIMIT, "funding_carry: signal list full");
    pr_signal_why(sig, why, a, b, 0, 0);
    pr_signal_tag(sig, tag);
    if (made) *made = sig;
    return PR_OK;
}

static int fc_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    const fc_params *p = &((funding_carry *)s)->p;
    if (!pr_view_updated(v, 0) || (p->hedged && !pr_view_updated(v, 1))) return PR_OK;
    double rate;
    int side = pr_view_side(v, 0), rc;
    if (pr_view_funding(v, 0, 0, NULL, &rate) != PR_OK || !isfinite(rate)) return PR_OK;   /* none known yet */
    if (side != 0) {
        /* held short while the rate was high: done when it is no longer */
        int done = side < 0 ? rate <= p->exit_rate : rate >= -p->exit_rate;
        if (!done) return PR_OK;
        if ((rc = add(out, PR_SIG_EXIT, 0, k_why_exit, 100 * rate, 100 * p->exit_rate, "funding_carry_exit", err,
                      NULL)) != PR_OK)
            return rc;
        return p->hedged && pr_view_side(v, 1) != 0
                   ? add(out, PR_SIG_EXIT, 1, k_why_exit, 100 * rate, 100 * p->exit_rate, "funding_carry_exit", err, NULL)
                   : PR_OK;
    }
    if (p->hedged && pr_view_side(v, 1) != 0)   /* a spot leg left alone */
        return add(out, PR_SIG_EXIT, 1, k_why_exit, 100 * rate, 100 * p->exit_rate, "funding_carry_exit", err, NULL);
    int dir = rate > p->entry_rate ? -1 : rate < -p->entry_rate ? 1 : 0;
    if (!dir) return PR_OK;
    pr_signal *sig = NULL;
    const char *why = dir < 0 ? k_why_short : k_why_long;
    if ((rc = add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, 0, why, 100 * rate, 100 * p->entry_rate,
                  "funding_carry", err, &sig)) != PR_OK)
        return rc;
    double close = pr_view_close(v, 0, 0);
    if (p->stop_frac > 0 && close > 0) sig->stop = close * (1 - dir * p->stop_frac);
    if (!p->hedged) return PR_OK;
    return add(out, dir > 0 ? PR_SIG_ENTER_SHORT : PR_SIG_ENTER_LONG, 1, why, 100 * rate, 100 * p->entry_rate,
               "funding_carry_hedge", err, NULL);
}

static const pr_strategy_vt k_vt = {
    .name = "funding_carry",
    .init = fc_init,
    .on_bar = fc_on_bar,
    .describe = fc_describe,
    .destroy = fc_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(funding_carry), &k_vt, offsetof(funding_carry, p), pv, sizeof(fc_params), out,
                             err);
}

const pr_strategy_info pr_funding_carry_info = {
    .name = "funding_carry",
    .summary = "the side a perpetual's funding rate pays, hedged with spot or not",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(fc_params),
    .check = check_params,
    .create = create,
};
