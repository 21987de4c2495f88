/* sma_cross: the fast/slow simple-moving-average crossover. Its two SMAs are
 * declared on the view (computed by the ta module); the strategy keeps only
 * the previous difference per instrument. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

#define P_(f) offsetof(pr_sma_cross_params, f)
static const pr_param_def k_params[] = {
    {.name = "fast", .type = PR_PARAM_INT, .offset = P_(fast), .def = 10, .min = 2, .max = 100000,
     .opt_min = 5, .opt_max = 50, .opt_step = 5, .desc = "fast SMA period (below slow)"},
    {.name = "slow", .type = PR_PARAM_INT, .offset = P_(slow), .def = 30, .min = 2, .max = 100000,
     .opt_min = 20, .opt_max = 200, .opt_step = 10, .desc = "slow SMA period"},
    {.name = "short", .type = PR_PARAM_BOOL, .offset = P_(short_too), .def = 0,
     .desc = "a cross down also enters short (else it only exits the long)"},
    {.name = "stop", .type = PR_PARAM_NUMBER, .offset = P_(stop_frac), .def = 0, .min = 0, .max = 1,
     .opt_min = 0, .opt_max = 0.1, .opt_step = 0.01, .desc = "protective stop, fraction of the close below 1 (0: none)"},
    {.name = "target", .type = PR_PARAM_NUMBER, .offset = P_(target_frac), .def = 0, .min = 0, .max = 100,
     .opt_min = 0, .opt_max = 0.2, .opt_step = 0.02, .desc = "take-profit, fraction of the close (0: none)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_sma_cross_params *p = pv;
    if (p->fast < 2 || p->slow < 3 || p->fast >= p->slow) {
        *what = "fast";
        snprintf(msg, cap, "need 2 <= fast < slow (fast=%d slow=%d)", p->fast, p->slow);
        return PR_EINVAL;
    }
    if (p->stop_frac < 0 || p->stop_frac >= 1 || p->target_frac < 0) {
        *what = p->target_frac < 0 ? "target" : "stop";
        snprintf(msg, cap, "stop must be in [0,1) and target >= 0 (stop=%g target=%g)", p->stop_frac, p->target_frac);
        return PR_EINVAL;
    }
    return PR_OK;
}

static int create(const void *p, pr_strategy **out, pr_err *err) { return pr_sma_cross_new(p, out, err); }

const pr_strategy_info pr_sma_cross_info = {
    .name = "sma_cross",
    .summary = "fast/slow simple-moving-average crossover on the close (the engine's reference strategy)",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_sma_cross_params),
    .check = check_params,
    .create = create,
};

typedef struct sma_cross {
    pr_strategy base;
    pr_sma_cross_params p;
    size_t n;
    int *h_fast, *h_slow;    /* indicator handles per instrument */
    double *prev_d;          /* d[t-1] per instrument (NaN until defined) */
    /* Inline reads of the SMAs, taken at the first on_bar of each run (the
     * view is prepared only after init); NULL view: not taken yet. */
    const pr_market_view *bound;
    pr_view_ind_ref *r_fast, *r_slow;
    const unsigned char *updated;
} sma_cross;

void pr_sma_cross_defaults(pr_sma_cross_params *p) { pr_params_defaults(&pr_sma_cross_info, p); }

static void sc_destroy(pr_strategy *s) {
    sma_cross *c = (sma_cross *)s;
    free(c->h_fast);
    free(c->h_slow);
    free(c->prev_d);
    free(c->r_fast);
    free(c->r_slow);
    free(c);
}

static size_t sc_describe(const pr_strategy *s, char *buf, size_t cap) {
    const sma_cross *c = (const sma_cross *)s;
    int n = snprintf(buf, cap, "fast=%d slow=%d short=%d stop=%g target=%g", c->p.fast, c->p.slow,
                     c->p.short_too, c->p.stop_frac, c->p.target_frac);
    return n < 0 ? 0 : (size_t)n;
}

static int sc_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    sma_cross *c = (sma_cross *)s;
    size_t n = pr_view_n_instruments(v);
    free(c->h_fast);
    free(c->h_slow);
    free(c->prev_d);
    free(c->r_fast);
    free(c->r_slow);
    c->bound = NULL;   /* a new view (possibly at the old one's address) */
    c->n = n;
    c->h_fast = calloc(n, sizeof *c->h_fast);
    c->h_slow = calloc(n, sizeof *c->h_slow);
    c->prev_d = calloc(n, sizeof *c->prev_d);
    c->r_fast = calloc(n, sizeof *c->r_fast);
    c->r_slow = calloc(n, sizeof *c->r_slow);
    if (!c->h_fast || !c->h_slow || !c->prev_d || !c->r_fast || !c->r_slow)
        return pr_err_set(err, PR_ENOMEM, "sma_cross: out of memory");
    for (size_t i = 0; i < n; i++) {
        double pf = c->p.fast, ps = c->p.slow;
        int rc;
        if ((rc = pr_view_require_indicator(v, (int)i, PR_TF_NONE, "sma", &pf, 1, 0, "close",
                                            &c->h_fast[i], err)) != 0)
            return rc;
        if ((rc = pr_view_require_indicator(v, (int)i, PR_TF_NONE, "sma", &ps, 1, 0, "close",
                                            &c->h_slow[i], err)) != 0)
            return rc;
        c->prev_d[i] = NAN;
    }
    pr_view_require_warmup(v, (size_t)(c->p.slow > c->p.fast ? c->p.slow : c->p.fast) + 1);
    return PR_OK;
}

static void protect(const sma_cross *c, pr_signal *sig, double close, int dir) {
    if (c->p.stop_frac > 0) sig->stop = close * (1.0 - dir * c->p.stop_frac);
    if (c->p.target_frac > 0) {
        sig->n_targets = 1;
        sig->target_price[0] = close * (1.0 + dir * c->p.target_frac);
        sig->target_frac[0] = 1.0;
    }
}

/* Takes the inline references to the view's SMAs and update flags. */
static int sc_bind(sma_cross *c, const pr_market_view *v, pr_err *err) {
    for (size_t i = 0; i < c->n; i++)
        if (pr_view_ind_ref_get(v, c->h_fast[i], &c->r_fast[i]) != 0 ||
            pr_view_ind_ref_get(v, c->h_slow[i], &c->r_slow[i]) != 0)
            return pr_err_set(err, PR_ESTATE, "sma_cross: the view is not the one given to init, or not prepared");
    c->updated = pr_view_updated_flags(v);
    c->bound = v;
    return PR_OK;
}

PR_HOT static int sc_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    sma_cross *c = (sma_cross *)s;
    int rc;
    if (c->bound != v && (rc = sc_bind(c, v, err)) != 0) return rc;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->updated[i]) continue;
        double f = pr_view_ind_read(&c->r_fast[i], 0);
        double sl = pr_view_ind_read(&c->r_slow[i], 0);
        double d = f - sl;                  /* NaN while either is warming up */
        double pd = c->prev_d[i];
        c->prev_d[i] = d;
        if (isnan(d) || isnan(pd)) continue;
        pr_signal *sig = NULL;
        if (d > 0 && pd <= 0) {
            sig = pr_signal_list_add(out, PR_SIG_ENTER_LONG, (int)i);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "sma_cross: signal list full");
            pr_signal_why(sig, "SMA(%.0f) %.8g crossed above SMA(%.0f) %.8g", c->p.fast, f, c->p.slow, sl);
            pr_signal_tag(sig, "sma_cross_up");
            protect(c, sig, pr_view_close(v, (int)i, 0), +1);
        } else if (d < 0 && pd >= 0) {
            sig = pr_signal_list_add(out, c->p.short_too ? PR_SIG_ENTER_SHORT : PR_SIG_EXIT, (int)i);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "sma_cross: signal list full");
            pr_signal_why(sig, "SMA(%.0f) %.8g crossed below SMA(%.0f) %.8g", c->p.fast, f, c->p.slow, sl);
            pr_signal_tag(sig, "sma_cross_down");
            if (c->p.short_too) protect(c, sig, pr_view_close(v, (int)i, 0), -1);
        }
    }
    return PR_OK;
}

static const pr_strategy_vt k_sma_cross_vt = {
    .name = "sma_cross",
    .init = sc_init,
    .on_bar = sc_on_bar,
    .describe = sc_describe,
    .destroy = sc_destroy,
};

int pr_sma_cross_new(const pr_sma_cross_params *p, pr_strategy **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "sma_cross: NULL output");
    pr_sma_cross_params d;
    pr_sma_cross_defaults(&d);
    if (p) d = *p;
    const char *what = NULL;
    char msg[200];
    if (check_params(&d, &what, msg, sizeof msg) != 0) return pr_err_set(err, PR_EINVAL, "sma_cross: %s: %s", what, msg);
    sma_cross *c = calloc(1, sizeof *c);
    if (!c) return pr_err_set(err, PR_ENOMEM, "sma_cross: out of memory");
    c->base.vt = &k_sma_cross_vt;
    c->p = d;
    *out = &c->base;
    return PR_OK;
}
