/* sma_cross_plugin: a strategy plugin, and the template `proratio strategy
 * new NAME` writes (with every "sma_cross_plugin" renamed NAME).
 *
 * It is the built-in sma_cross written outside Proratio: enter long when the
 * fast simple moving average of the close crosses above the slow one, exit
 * when it crosses back below (or reverse into a short with "short": true),
 * with an optional stop and target as fractions of the close. Its trades
 * equal the built-in's (tests/e2e/plugins.sh checks it).
 *
 * Build it against Proratio's headers, then name it in a configuration:
 *
 *   cc -std=c17 -O2 -fPIC -shared -I/path/to/proratio/include sma_cross_plugin.c -o sma_cross_plugin.so
 *   "strategy": {"plugin": "sma_cross_plugin.so", "params": {"fast": 10, "slow": 30}}
 *
 * Everything the strategy needs is in proratio/signal/plugin.h (which includes
 * proratio/signal.h): the market view it reads, the signals it returns. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal/plugin.h"

/* 1. The parameters: a plain struct of ints and doubles ... */
typedef struct params {
    int fast, slow;
    int short_too;
    double stop, target;
} params;

/* ... and one table row each: the key in "params", its type, default and
 * accepted range, and a description (`proratio strategy show` prints it;
 * a configuration outside the range is refused naming the key). */
#define P_(f) offsetof(params, f)
static const pr_param_def k_params[] = {
    {.name = "fast", .type = PR_PARAM_INT, .offset = P_(fast), .def = 10, .min = 1, .max = 100000,
     .opt_min = 5, .opt_max = 50, .opt_step = 5, .desc = "fast SMA period"},
    {.name = "slow", .type = PR_PARAM_INT, .offset = P_(slow), .def = 30, .min = 2, .max = 100000,
     .opt_min = 20, .opt_max = 200, .opt_step = 10, .desc = "slow SMA period"},
    {.name = "short", .type = PR_PARAM_BOOL, .offset = P_(short_too), .def = 0,
     .desc = "reverse into a short at a cross down"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop), .def = 0, .min = 0, .max = 1,
     .desc = "stop at this fraction from the close (0: none)"},
    {.name = "target", .type = PR_PARAM_NUMBER, .offset = P_(target), .def = 0, .min = 0, .max = 100,
     .desc = "target at this fraction from the close (0: none)"},
};
#undef P_

/* A check across parameters (optional): name the key to blame. */
static int check(const void *pv, const char **what, char *msg, size_t cap) {
    const params *p = pv;
    if (p->fast >= p->slow) {
        *what = "fast";
        snprintf(msg, cap, "need fast < slow (fast=%d slow=%d)", p->fast, p->slow);
        return PR_EINVAL;
    }
    return PR_OK;
}

/* 2. The strategy object: the pr_strategy header first, then its state
 * (no globals: two runs never share anything). */
typedef struct strat {
    pr_strategy base;
    params p;
    size_t n;            /* instruments */
    int *h_fast, *h_slow; /* indicator handles per instrument */
    double *prev;        /* the previous bar's fast - slow */
} strat;

static void destroy(pr_strategy *s) {
    strat *c = (strat *)s;
    free(c->h_fast);
    free(c->h_slow);
    free(c->prev);
    free(c);
}

/* 3. init: declare what it reads (indicators from the ta table by name,
 * on the close), once per instrument of the view. */
static int init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    strat *c = (strat *)s;
    c->n = pr_view_n_instruments(v);
    c->h_fast = calloc(c->n, sizeof(int));
    c->h_slow = calloc(c->n, sizeof(int));
    c->prev = calloc(c->n, sizeof(double));
    if (!c->h_fast || !c->h_slow || !c->prev) return pr_err_set(err, PR_ENOMEM, "sma_cross_plugin: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        double f = c->p.fast, sl = c->p.slow;
        int rc;
        if ((rc = pr_view_require_indicator(v, (int)i, PR_TF_NONE, "sma", &f, 1, 0, "close", &c->h_fast[i], err)) ||
            (rc = pr_view_require_indicator(v, (int)i, PR_TF_NONE, "sma", &sl, 1, 0, "close", &c->h_slow[i], err)))
            return rc;
        c->prev[i] = NAN;
    }
    return PR_OK;
}

/* 4. on_bar: at each bar close, read the view (closed bars only: it cannot
 * see the future) and append signals. The entry fills at the next bar's
 * open; stops and targets ride with it. */
static int on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    strat *c = (strat *)s;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;   /* no new bar of this instrument */
        double f = pr_view_ind(v, c->h_fast[i], 0), sl = pr_view_ind(v, c->h_slow[i], 0);
        double d = f - sl, pd = c->prev[i];
        c->prev[i] = d;
        if (isnan(d) || isnan(pd)) continue;   /* still warming up */
        int up = d > 0 && pd <= 0, down = d < 0 && pd >= 0;
        if (!up && !down) continue;
        pr_signal_kind kind = up ? PR_SIG_ENTER_LONG : c->p.short_too ? PR_SIG_ENTER_SHORT : PR_SIG_EXIT;
        pr_signal *sig = pr_signal_list_add(out, kind, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "sma_cross_plugin: signal list full");
        /* the reason: a static format and up to four numbers */
        pr_signal_why(sig, up ? "SMA(%.0f) %.8g crossed above SMA(%.0f) %.8g" : "SMA(%.0f) %.8g crossed below SMA(%.0f) %.8g",
                      c->p.fast, f, c->p.slow, sl);
        pr_signal_tag(sig, up ? "sma_cross_up" : "sma_cross_down");
        if (kind != PR_SIG_EXIT) {
            double close = pr_view_close(v, ii, 0), dir = up ? 1 : -1;
            if (c->p.stop > 0) sig->stop = close * (1 - dir * c->p.stop);
            if (c->p.target > 0) {
                sig->n_targets = 1;
                sig->target_price[0] = close * (1 + dir * c->p.target);
                sig->target_frac[0] = 1;
            }
        }
    }
    return PR_OK;
}

static size_t describe(const pr_strategy *s, char *buf, size_t cap) {
    const strat *c = (const strat *)s;
    int n = snprintf(buf, cap, "fast=%d slow=%d short=%d stop=%g target=%g", c->p.fast, c->p.slow, c->p.short_too,
                     c->p.stop, c->p.target);
    return n < 0 ? 0 : (size_t)n;
}

static const pr_strategy_vt k_vt = {
    .name = "sma_cross_plugin", .init = init, .on_bar = on_bar, .describe = describe, .destroy = destroy};

/* 5. create: Proratio has read and checked the parameters against the
 * table; make the object (zeroed, the header's vtable set, the parameters
 * copied into its field p). */
static int create(const void *p, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(strat), &k_vt, offsetof(strat, p), p, sizeof(params), out, err);
}

/* 6. The registry row, exported once. */
static const pr_strategy_info k_info = {
    .name = "sma_cross_plugin",
    .summary = "SMA crossover on the close, as a plugin",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(params),
    .check = check,
    .create = create,
};

PR_PLUGIN_EXPORT(k_info);
