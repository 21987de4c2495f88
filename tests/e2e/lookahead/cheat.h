/* Shared frame of the planted look-ahead plugins (tests/e2e/check_lookahead.sh).
 *
 * The market view never shows a bar before its close: reads go by `ago`
 * (unsigned, so no negative offsets) or by an index checked against the
 * visible length. What it cannot stop is a plugin keeping a raw pointer:
 * pr_view_series_ref_get hands out the address of the series' own close
 * column, and from that address a plugin can recover the whole pr_series
 * the backtest loaded (every bar, the future included). Each plugin here
 * does exactly that and then cheats in one of the classic ways in its
 * decide(s, t, window, &stop): it returns +1 (enter long, with *stop set) or -1 (exit) for
 * the bar at index t of s, or 0.
 *
 * A plugin includes this after defining CHEAT_NAME and decide(). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal/plugin.h"

static int decide(const pr_series *s, size_t t, int w, double *stop);

typedef struct params {
    int window;
} params;

static const pr_param_def k_params[] = {
    {.name = "window", .type = PR_PARAM_INT, .offset = offsetof(params, window), .def = 24, .min = 1, .max = 1000,
     .desc = "bars the cheat looks at"},
};

typedef struct strat {
    pr_strategy base;
    params p;
    const pr_series *s;
} strat;

static void destroy(pr_strategy *s) { free(s); }

static int init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s;
    if (pr_view_n_instruments(v) != 1) return pr_err_set(err, PR_EINVAL, CHEAT_NAME ": one instrument");
    return PR_OK;
}

static int on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    strat *c = (strat *)s;
    if (!c->s) {
        pr_view_ind_ref r;
        if (pr_view_series_ref_get(v, 0, PR_TF_NONE, "close", &r) != PR_OK)
            return pr_err_set(err, PR_ESTATE, CHEAT_NAME ": no close reference");
        /* the cheat: from the close column's address to the series itself */
        c->s = (const pr_series *)(const void *)((const char *)r.vals - offsetof(pr_series, close));
    }
    size_t t = pr_view_len(v, 0, PR_TF_NONE) - 1;
    double stop = 0;
    int d = decide(c->s, t, c->p.window, &stop);
    if (!d) return PR_OK;
    pr_signal *sig = pr_signal_list_add(out, d > 0 ? PR_SIG_ENTER_LONG : PR_SIG_EXIT, 0);
    if (!sig) return pr_err_set(err, PR_ELIMIT, CHEAT_NAME ": signal list full");
    if (d > 0 && stop > 0 && stop < pr_view_close(v, 0, 0)) sig->stop = stop;
    return PR_OK;
}

static size_t describe(const pr_strategy *s, char *buf, size_t cap) {
    (void)s;
    return (size_t)snprintf(buf, cap, "%s", CHEAT_NAME);
}

static const pr_strategy_vt k_vt = {.name = CHEAT_NAME, .init = init, .on_bar = on_bar, .describe = describe,
                                    .destroy = destroy};

static int create(const void *p, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(strat), &k_vt, offsetof(strat, p), p, sizeof(params), out, err);
}

static const pr_strategy_info k_info = {.name = CHEAT_NAME, .summary = "a planted look-ahead", .params = k_params,
                                        .n_params = 1, .size = sizeof(params), .create = create};

PR_PLUGIN_EXPORT(k_info);
