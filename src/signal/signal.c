/* Signal lists, deferred reasons and the registry of built-in strategies. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "proratio/signal.h"

const char *pr_signal_kind_name(pr_signal_kind k) {
    switch (k) {
    case PR_SIG_ENTER_LONG: return "enter_long";
    case PR_SIG_ENTER_SHORT: return "enter_short";
    case PR_SIG_EXIT: return "exit";
    case PR_SIG_ADJUST: return "adjust";
    case PR_SIG_NONE: break;
    }
    return "none";
}

size_t pr_reason_format(const pr_reason *r, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    buf[0] = '\0';
    if (!r || !r->fmt) return 0;
    /* The format is a static template holding at most four double
     * conversions (see pr_reason); surplus arguments are ignored by printf. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    int n = snprintf(buf, cap, r->fmt, r->args[0], r->args[1], r->args[2], r->args[3]);
#pragma GCC diagnostic pop
    if (n < 0) { buf[0] = '\0'; return 0; }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

void pr_signal_list_init(pr_signal_list *l, pr_signal *storage, size_t cap) {
    l->items = storage;
    l->n = 0;
    l->cap = storage ? cap : 0;
}

/* Zeroing by copy, not memset: see pr_order_init (a signal is as large). */
static const pr_signal k_zero_signal;

pr_signal *pr_signal_list_add(pr_signal_list *l, pr_signal_kind kind, int instrument) {
    if (!l || l->n >= l->cap) return NULL;
    pr_signal *s = &l->items[l->n++];
    *s = k_zero_signal;
    s->kind = kind;
    s->instrument = instrument;
    s->ts = PR_TIME_NONE;
    s->confidence = 1.0;
    return s;
}

void pr_signal_why(pr_signal *sig, const char *fmt, double a0, double a1, double a2, double a3) {
    if (!sig) return;
    sig->why.fmt = fmt;
    sig->why.args[0] = a0;
    sig->why.args[1] = a1;
    sig->why.args[2] = a2;
    sig->why.args[3] = a3;
}

void pr_signal_tag(pr_signal *sig, const char *tag) {
    if (sig && tag) pr_strlcpy(sig->tag, tag, sizeof sig->tag);
}

void pr_strategy_free(pr_strategy *s) {
    if (s && s->vt && s->vt->destroy) s->vt->destroy(s);
}

size_t pr_strategy_explain(const pr_strategy *s, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    buf[0] = '\0';
    return s && s->vt && s->vt->explain ? s->vt->explain(s, buf, cap) : 0;
}

/* ---- registry ------------------------------------------------------------ */
static int create_sma_cross(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    pr_sma_cross_params p;
    pr_sma_cross_defaults(&p);
    if (cfg) {
        static const char *const keys[] = {"fast", "slow", "short", "stop", "target", NULL};
        char key[256];
        long v;
        double d;
        int b, rc;
        if (path && path[0] && pr_config_has(cfg, path)) {
            if ((rc = pr_config_check_keys(cfg, path, keys, err)) != 0) return rc;
        }
#define PR_KEY_(k) pr_config_key(key, sizeof key, path, k)
        if ((rc = pr_config_int(cfg, PR_KEY_("fast"), p.fast, 2, 100000, &v, err)) != 0) return rc;
        p.fast = (int)v;
        if ((rc = pr_config_int(cfg, PR_KEY_("slow"), p.slow, 2, 100000, &v, err)) != 0) return rc;
        p.slow = (int)v;
        if ((rc = pr_config_bool(cfg, PR_KEY_("short"), p.short_too, &b, err)) != 0) return rc;
        p.short_too = b;
        if ((rc = pr_config_number(cfg, PR_KEY_("stop"), p.stop_frac, 0, 1, 0, &d, err)) != 0) return rc;
        p.stop_frac = d;
        if ((rc = pr_config_number(cfg, PR_KEY_("target"), p.target_frac, 0, 100, 0, &d, err)) != 0) return rc;
        p.target_frac = d;
#undef PR_KEY_
    }
    return pr_sma_cross_new(&p, out, err);
}

static int create_trend_ema(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    pr_trend_ema_params p;
    int rc = pr_trend_ema_config(cfg, path, &p, err);
    return rc != 0 ? rc : pr_trend_ema_new(&p, out, err);
}

static int create_mean_reversion(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    pr_mean_reversion_params p;
    int rc = pr_mean_reversion_config(cfg, path, &p, err);
    return rc != 0 ? rc : pr_mean_reversion_new(&p, out, err);
}

static int create_ta_score(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    pr_ta_score_params p;
    int rc = pr_ta_score_config(cfg, path, &p, err);
    return rc != 0 ? rc : pr_ta_score_new(&p, out, err);
}

typedef struct {
    const char *name;
    int (*create)(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err);
} strategy_entry;

static const strategy_entry k_strategies[] = {
    {"sma_cross", create_sma_cross},
    {"trend_ema", create_trend_ema},
    {"mean_reversion", create_mean_reversion},
    {"ta_score", create_ta_score},
};
static const char *const k_names[] = {"sma_cross", "trend_ema", "mean_reversion", "ta_score", NULL};

const char *const *pr_strategy_names(void) { return k_names; }

int pr_strategy_create(const char *name, const pr_config *cfg, const char *path,
                       pr_strategy **out, pr_err *err) {
    if (!name || !out) return pr_err_set(err, PR_EINVAL, "pr_strategy_create: NULL argument");
    for (size_t i = 0; i < sizeof k_strategies / sizeof k_strategies[0]; i++)
        if (strcmp(k_strategies[i].name, name) == 0) return k_strategies[i].create(cfg, path, out, err);
    return pr_err_set(err, PR_ENOTFOUND, "unknown strategy '%s'", name);
}
