/* weekend_reversal: crypto markets trade through the weekend on thin
 * liquidity, and a slide from Friday's open to Sunday's close often
 * reverses when the week's volume returns. At the decision that closes the
 * weekend (the first step at or after Monday 00:00 UTC whose daily bars
 * hold that Friday, Saturday and Sunday), a decline of more than `drop`
 * from Friday's open to Sunday's close buys, to hold for `hold_hours` (a
 * time stop) with an optional stop and target below and above the entry
 * close. The days are the view's daily bars (resampled from the decision
 * series, closed bars only), so gaps and missing days are seen for what
 * they are: a weekend with a missing day is skipped. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

typedef struct wr_params {
    double drop;        /* 0.05: the Friday-open to Sunday-close decline    */
    double hold_hours;  /* 24                                               */
    double stop_frac;   /* 0.05 (0: none)                                   */
    double target_frac; /* 0 (none)                                         */
} wr_params;

typedef struct weekend_reversal {
    pr_strategy base;
    wr_params p;
    size_t n;
    pr_timeframe *day_tf;   /* per instrument: PR_TF_1D, or PR_TF_NONE when the
                               decision series is daily already            */
    int64_t *last_monday;   /* per instrument: the weekend last decided on  */
} weekend_reversal;

#define P_(f) offsetof(wr_params, f)
static const pr_param_def k_params[] = {
    {.name = "drop", .type = PR_PARAM_NUMBER, .offset = P_(drop), .def = 0.05, .min = 0, .max = 1, .open = 1,
     .opt_min = 0.02, .opt_max = 0.1, .opt_step = 0.01, .desc = "buy after a Friday-open to Sunday-close decline above this"},
    {.name = "hold_hours", .type = PR_PARAM_NUMBER, .offset = P_(hold_hours), .def = 24, .min = 0, .max = 10000,
     .open = 1, .desc = "time stop: hours to hold (rounded up to whole bars)"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop_frac), .def = 0.05, .min = 0, .max = 1,
     .desc = "stop at this fraction below the entry close (0: none)"},
    {.name = "target", .type = PR_PARAM_NUMBER, .offset = P_(target_frac), .def = 0, .min = 0, .max = 100,
     .desc = "target at this fraction above the entry close (0: none)"},
};
#undef P_

static void wr_destroy(pr_strategy *s) {
    weekend_reversal *c = (weekend_reversal *)s;
    free(c->day_tf);
    free(c->last_monday);
    free(c);
}

static size_t wr_describe(const pr_strategy *s, char *buf, size_t cap) {
    const wr_params *p = &((const weekend_reversal *)s)->p;
    int n = snprintf(buf, cap, "drop=%g hold_hours=%g stop=%g target=%g", p->drop, p->hold_hours, p->stop_frac,
                     p->target_frac);
    return n < 0 ? 0 : (size_t)n;
}

static int wr_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    weekend_reversal *c = (weekend_reversal *)s;
    free(c->day_tf);
    free(c->last_monday);
    c->n = pr_view_n_instruments(v);
    c->day_tf = calloc(c->n ? c->n : 1, sizeof *c->day_tf);
    c->last_monday = calloc(c->n ? c->n : 1, sizeof *c->last_monday);
    if (!c->day_tf || !c->last_monday) return pr_err_set(err, PR_ENOMEM, "weekend_reversal: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i, rc;
        int64_t ms = pr_tf_ms(pr_view_tf(v, ii));
        c->last_monday[i] = PR_TIME_NONE;
        if (ms == PR_MS_PER_DAY) {
            c->day_tf[i] = PR_TF_NONE;
            continue;
        }
        if (ms <= 0 || PR_MS_PER_DAY % ms != 0)
            return pr_err_set(err, PR_EINVAL, "weekend_reversal: %s: needs bars that divide a day (got %s)",
                              pr_view_instrument(v, ii)->symbol, pr_tf_name(pr_view_tf(v, ii)));
        c->day_tf[i] = PR_TF_1D;
        if ((rc = pr_view_require_tf(v, ii, PR_TF_1D, err)) != PR_OK) return rc;
    }
    return PR_OK;
}

static const char *const k_why =
    "Friday open %.10g to Sunday close %.10g: %.2f%% over the weekend, buying the Monday reversal for %g bars";

static int wr_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    weekend_reversal *c = (weekend_reversal *)s;
    const wr_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii) || pr_view_side(v, ii) != 0) continue;
        pr_bar fri, sun;
        if (pr_view_bar(v, ii, c->day_tf[i], 0, &sun) != PR_OK || pr_view_bar(v, ii, c->day_tf[i], 2, &fri) != PR_OK)
            continue;
        /* the latest closed day a Sunday, two days after a Friday, decided
         * once (the first step of the week that sees it) */
        const int64_t monday = sun.ts + PR_MS_PER_DAY;
        if (pr_weekday(sun.ts) != 6 || fri.ts != sun.ts - 2 * PR_MS_PER_DAY || monday == c->last_monday[i]) continue;
        if (pr_view_now(v) >= monday + PR_MS_PER_DAY) continue;   /* Monday passed unseen: too late */
        c->last_monday[i] = monday;
        double change = sun.close / fri.open - 1;
        if (!(fri.open > 0) || !(change < -p->drop)) continue;
        double close = pr_view_close(v, ii, 0);
        int64_t bar_ms = pr_tf_ms(pr_view_tf(v, ii));
        double bars = ceil(p->hold_hours * (double)PR_MS_PER_HOUR / (double)bar_ms);
        pr_signal *sig = pr_signal_list_add(out, PR_SIG_ENTER_LONG, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "weekend_reversal: signal list full");
        sig->max_bars = bars < 1 ? 1 : (int)bars;
        if (p->stop_frac > 0) sig->stop = close * (1 - p->stop_frac);
        if (p->target_frac > 0) {
            sig->n_targets = 1;
            sig->target_price[0] = close * (1 + p->target_frac);
            sig->target_frac[0] = 1;
        }
        pr_signal_why(sig, k_why, fri.open, sun.close, 100 * change, sig->max_bars);
        pr_signal_tag(sig, "weekend_reversal");
    }
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "weekend_reversal",
    .init = wr_init,
    .on_bar = wr_on_bar,
    .describe = wr_describe,
    .destroy = wr_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(weekend_reversal), &k_vt, offsetof(weekend_reversal, p), pv, sizeof(wr_params), out, err);
}

const pr_strategy_info pr_weekend_reversal_info = {
    .name = "weekend_reversal",
    .summary = "buys Monday after a Friday-to-Sunday decline (crypto)",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(wr_params),
    .check = NULL,
    .create = create,
};
