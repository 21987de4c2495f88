/* Strategy plugins that misbehave, for tests/e2e/plugins.sh (built there
 * with cc, one shared object per -DKIND):
 *   KIND=1 garbage: on_bar returns a signal for instrument 7 of 1;
 *   KIND=2 crash:   on_bar dereferences a null pointer at the 50th bar;
 *   KIND=3 noentry: a strategy without PR_PLUGIN_EXPORT.
 * Built with -DPR_PLUGIN_ABI=999 it is a plugin of another ABI version. */
#include <stdlib.h>
#include "proratio/signal/plugin.h"

#ifndef KIND
#define KIND 1
#endif

typedef struct bad {
    pr_strategy base;
    int bars;
} bad;

static int init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s;
    (void)v;
    (void)err;
    return PR_OK;
}

static int on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    bad *b = (bad *)s;
    (void)v;
    (void)err;
    if (++b->bars == 50) {
        if (KIND == 2) {
            volatile int *p = NULL;
            return *p;
        }
        pr_signal *sig = pr_signal_list_add(out, PR_SIG_ENTER_LONG, 7);
        (void)sig;
    }
    return PR_OK;
}

static void destroy(pr_strategy *s) { free(s); }

static const pr_strategy_vt k_vt = {.name = "misbehave", .init = init, .on_bar = on_bar, .destroy = destroy};

static int create(const void *p, pr_strategy **out, pr_err *err) {
    (void)p;
    bad *b = calloc(1, sizeof *b);
    if (!b) return pr_err_set(err, PR_ENOMEM, "out of memory");
    b->base.vt = &k_vt;
    *out = &b->base;
    return PR_OK;
}

static const pr_strategy_info k_info = {
    .name = KIND == 2 ? "crash" : "garbage", .summary = "misbehaves on purpose", .create = create};

#if KIND != 3
PR_PLUGIN_EXPORT(k_info);
#else
const pr_strategy_info *unused_info = &k_info;
#endif
