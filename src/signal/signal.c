/* Signal lists, deferred reasons and the registry of built-in strategies. */
#include <stdarg.h>
#include <stdlib.h>
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

PR_HOT pr_signal *pr_signal_list_add(pr_signal_list *l, pr_signal_kind kind, int instrument) {
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

int pr_strategy_alloc(size_t size, const pr_strategy_vt *vt, size_t params_at, const void *params, size_t params_size,
                      pr_strategy **out, pr_err *err) {
    if (!out || !vt || size < sizeof(pr_strategy) || params_at + params_size > size)
        return pr_err_set(err, PR_EINVAL, "pr_strategy_alloc: bad layout");
    pr_strategy *s = calloc(1, size);
    if (!s) return pr_err_set(err, PR_ENOMEM, "%s: out of memory", vt->name ? vt->name : "strategy");
    s->vt = vt;
    if (params && params_size) memcpy((char *)s + params_at, params, params_size);
    *out = s;
    return PR_OK;
}

void pr_strategy_free(pr_strategy *s) {
    if (s && s->vt && s->vt->destroy) s->vt->destroy(s);
}

size_t pr_strategy_explain(const pr_strategy *s, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    buf[0] = '\0';
    return s && s->vt && s->vt->explain ? s->vt->explain(s, buf, cap) : 0;
}

/* ---- registry -------------------------------------------------------------- */
/* One row per strategy: its table says everything else. */
static const pr_strategy_info *const k_strategies[] = {
    &pr_sma_cross_info,
    &pr_trend_ema_info,
    &pr_mean_reversion_info,
    &pr_ta_score_info,
    &pr_rules_info,
    &pr_vol_breakout_info,
    &pr_weekend_reversal_info,
    &pr_mtf_trend_info,
    &pr_gap_fade_info,
    &pr_pairs_info,
    &pr_triangular_info,
    &pr_session_breakout_info,
    &pr_funding_carry_info,
    &pr_grid_info,
};
#define N_STRATEGIES (sizeof k_strategies / sizeof k_strategies[0])

const char *const *pr_strategy_names(void) {
    static const char *names[N_STRATEGIES + 1];
    for (size_t i = 0; i < N_STRATEGIES; i++) names[i] = k_strategies[i]->name;
    names[N_STRATEGIES] = NULL;
    return names;
}

const pr_strategy_info *pr_strategy_info_find(const char *name) {
    for (size_t i = 0; name && i < N_STRATEGIES; i++)
        if (strcmp(k_strategies[i]->name, name) == 0) return k_strategies[i];
    return NULL;
}

/* A creation error that names one of the table's keys ("entry_long:
 * column 5: ...", as the rules strategy's are) gets the key's full path. */
static void full_key(const pr_strategy_info *info, const char *path, pr_err *err) {
    if (!err || !err->field[0] || !path || !path[0]) return;
    size_t len = strlen(err->field);
    for (size_t k = 0; k < info->n_params; k++) {
        if (strcmp(info->params[k].name, err->field) != 0 || strncmp(err->msg, err->field, len) != 0) continue;
        char key[PR_ERR_PATH_MAX], msg[PR_ERR_MSG_MAX];
        pr_config_key(key, sizeof key, path, err->field);
        snprintf(msg, sizeof msg, "%s%s", key, err->msg + len);
        pr_strlcpy(err->msg, msg, sizeof err->msg);
        pr_strlcpy(err->field, key, sizeof err->field);
        return;
    }
}

int pr_strategy_create(const char *name, const pr_config *cfg, const char *path,
                       pr_strategy **out, pr_err *err) {
    if (!name || !out) return pr_err_set(err, PR_EINVAL, "pr_strategy_create: NULL argument");
    const pr_strategy_info *info = pr_strategy_info_find(name);
    if (!info) return pr_err_set(err, PR_ENOTFOUND, "unknown strategy '%s'", name);
    /* Every parameter struct is made of ints, doubles and enums. */
    double buf[64];
    if (info->size > sizeof buf) return pr_err_set(err, PR_ELIMIT, "%s: parameter struct too large", name);
    int rc = pr_params_read(info, cfg, path, buf, err);
    if (rc != 0) return rc;
    rc = info->create(buf, out, err);
    if (rc != 0) full_key(info, path, err);
    return rc;
}
