/* rules: the strategy a user writes as rule expressions in the
 * configuration (entry/exit conditions, stop, targets, trail, size). The
 * expressions compile once into one plan (rules_plan.c) whose series are
 * declared on the view like a built-in's indicators; per bar the strategy
 * only runs the programs and asks what it holds when a rule could act. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

#define P_(f) offsetof(pr_rules_params, f)
static const pr_param_def k_params[] = {
    {.name = "entry_long", .type = PR_PARAM_STRING, .offset = P_(entry_long),
     .desc = "condition: enter long (reversing a short)"},
    {.name = "exit_long", .type = PR_PARAM_STRING, .offset = P_(exit_long), .desc = "condition: close a long"},
    {.name = "entry_short", .type = PR_PARAM_STRING, .offset = P_(entry_short),
     .desc = "condition: enter short (reversing a long)"},
    {.name = "exit_short", .type = PR_PARAM_STRING, .offset = P_(exit_short), .desc = "condition: close a short"},
    {.name = "stop", .type = PR_PARAM_STRING, .offset = P_(stop),
     .desc = "protective stop, price distance from the entry bar's close (e.g. 2*atr(14))"},
    {.name = "target", .type = PR_PARAM_STRING, .offset = P_(target),
     .desc = "take-profit closing all, price distance from the close"},
    {.name = "targets", .type = PR_PARAM_STRING, .offset = P_(targets),
     .desc = "tiered take-profits \"DIST @ FRACTION, ...\" (instead of target)"},
    {.name = "trail", .type = PR_PARAM_STRING, .offset = P_(trail),
     .desc = "trailing stop, price distance from the best price since entry"},
    {.name = "size", .type = PR_PARAM_STRING, .offset = P_(size),
     .desc = "size multiplier in (0,1], also the confidence (default 1)"},
    {.name = "time_stop", .type = PR_PARAM_INT, .offset = P_(time_stop), .def = 0, .min = 0, .max = 1000000,
     .desc = "exit after this many closed bars (0: none)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_rules_params *p = pv;
    if (p->target && p->targets) {
        *what = "targets";
        snprintf(msg, cap, "give target or targets, not both");
        return PR_EINVAL;
    }
    return PR_OK;
}

static int create(const void *p, pr_strategy **out, pr_err *err) { return pr_rules_new(p, out, err); }

const pr_strategy_info pr_rules_info = {
    .name = "rules",
    .summary = "your own rules: entry/exit conditions, stop, targets and size as expressions over indicators",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_rules_params),
    .check = check_params,
    .create = create,
};

enum { R_ENTRY_LONG, R_EXIT_LONG, R_ENTRY_SHORT, R_EXIT_SHORT, R_STOP, R_TARGET, R_TRAIL, R_SIZE, R_COUNT };

typedef struct rules {
    pr_strategy base;
    pr_rule_plan *plan;
    int prog[R_COUNT];       /* -1: not given                                  */
    int n_targets;
    int tprog[PR_SIGNAL_MAX_TARGETS];
    double tfrac[PR_SIGNAL_MAX_TARGETS];
    int time_stop;
    size_t n;
    const pr_market_view *bound;
    const unsigned char *updated;
    pr_view_ind_ref *close;  /* per instrument                                 */
} rules;

static void ru_destroy(pr_strategy *s) {
    rules *c = (rules *)s;
    pr_rule_plan_free(c->plan);
    free(c->close);
    free(c);
}

static size_t ru_describe(const pr_strategy *s, char *buf, size_t cap) {
    const rules *c = (const rules *)s;
    int n = snprintf(buf, cap, "rules: %zu series, targets=%d time_stop=%d", pr_rule_plan_series(c->plan),
                     c->n_targets, c->time_stop);
    return n < 0 ? 0 : (size_t)n;
}

static int ru_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    rules *c = (rules *)s;
    c->bound = NULL;
    c->n = pr_view_n_instruments(v);
    free(c->close);
    c->close = calloc(c->n ? c->n : 1, sizeof *c->close);
    if (!c->close) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
    return pr_rule_plan_declare(c->plan, v, err);
}

static int bind(rules *c, const pr_market_view *v, pr_err *err) {
    int rc = pr_rule_plan_bind(c->plan, v, err);
    if (rc != 0) return rc;
    for (size_t i = 0; i < c->n; i++)
        if (pr_view_close_ref_get(v, (int)i, &c->close[i]) != 0)
            return pr_err_set(err, PR_ESTATE, "rules: the view is not the one given to init, or not prepared");
    c->updated = pr_view_updated_flags(v);
    c->bound = v;
    return PR_OK;
}

static double eval(const rules *c, int r, int inst) {
    return c->prog[r] < 0 ? NAN : pr_rule_plan_eval(c->plan, c->prog[r], inst);
}

/* The exits attached to an entry of direction dir. */
static void protect(const rules *c, pr_signal *sig, int inst, double close, int dir) {
    double d = eval(c, R_STOP, inst);
    if (d > 0 && close - dir * d > 0) sig->stop = close - dir * d;
    if ((d = eval(c, R_TARGET, inst)) > 0 && close + dir * d > 0) {
        sig->n_targets = 1;
        sig->target_price[0] = close + dir * d;
        sig->target_frac[0] = 1.0;
    }
    for (int k = 0; k < c->n_targets; k++) {
        d = pr_rule_plan_eval(c->plan, c->tprog[k], inst);
        if (!(d > 0 && close + dir * d > 0)) continue;
        sig->target_price[sig->n_targets] = close + dir * d;
        sig->target_frac[sig->n_targets++] = c->tfrac[k];
    }
    if ((d = eval(c, R_TRAIL, inst)) > 0) sig->trail_dist = d;
    sig->max_bars = c->time_stop;
}

static const char *const k_why[] = {"entry_long held at close %.10g", "exit_long held at close %.10g",
                                    "entry_short held at close %.10g", "exit_short held at close %.10g"};
static const char *const k_tag[] = {"rules_long", "rules_exit", "rules_short", "rules_exit"};

static int emit(pr_signal_list *out, pr_signal_kind kind, int r, int inst, double close, pr_signal **sig,
                pr_err *err) {
    *sig = pr_signal_list_add(out, kind, inst);
    if (!*sig) return pr_err_set(err, PR_ELIMIT, "rules: signal list full");
    pr_signal_why(*sig, k_why[r], close, 0, 0, 0);
    pr_signal_tag(*sig, k_tag[r]);
    return PR_OK;
}

/* An entry of direction dir unless the size rule says none. */
static int enter(const rules *c, pr_signal_list *out, int inst, int dir, double close, pr_err *err) {
    double size = 1;
    if (c->prog[R_SIZE] >= 0) {
        size = pr_rule_plan_eval(c->plan, c->prog[R_SIZE], inst);
        if (!(size > 0)) return PR_OK;
        if (size > 1) size = 1;
    }
    pr_signal *sig;
    int r = dir > 0 ? R_ENTRY_LONG : R_ENTRY_SHORT;
    int rc = emit(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, r, inst, close, &sig, err);
    if (rc != 0) return rc;
    sig->confidence = size;
    sig->size_hint = size;
    protect(c, sig, inst, close, dir);
    return PR_OK;
}

PR_HOT static int ru_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    rules *c = (rules *)s;
    int rc;
    if (c->bound != v && (rc = bind(c, v, err)) != 0) return rc;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->updated[i]) continue;
        int ii = (int)i, side = 2;   /* 2: not asked yet */
        double close = pr_view_ind_read(&c->close[i], 0);
        if (eval(c, R_ENTRY_LONG, ii) == 1 && (side = pr_view_side(v, ii)) <= 0) {
            if ((rc = enter(c, out, ii, +1, close, err)) != 0) return rc;
            continue;
        }
        if (eval(c, R_ENTRY_SHORT, ii) == 1 && (side = side == 2 ? pr_view_side(v, ii) : side) >= 0) {
            if ((rc = enter(c, out, ii, -1, close, err)) != 0) return rc;
            continue;
        }
        int xl = eval(c, R_EXIT_LONG, ii) == 1, xs = eval(c, R_EXIT_SHORT, ii) == 1;
        if (!xl && !xs) continue;
        if (side == 2) side = pr_view_side(v, ii);
        pr_signal *sig;
        if (xl && side > 0 && (rc = emit(out, PR_SIG_EXIT, R_EXIT_LONG, ii, close, &sig, err)) != 0) return rc;
        if (xs && side < 0 && (rc = emit(out, PR_SIG_EXIT, R_EXIT_SHORT, ii, close, &sig, err)) != 0) return rc;
    }
    return PR_OK;
}

static const pr_strategy_vt k_rules_vt = {
    .name = "rules",
    .init = ru_init,
    .on_bar = ru_on_bar,
    .describe = ru_describe,
    .destroy = ru_destroy,
};

int pr_rules_new(const pr_rules_params *p, pr_strategy **out, pr_err *err) {
    if (!out || !p) return pr_err_set(err, PR_EINVAL, "rules: NULL argument");
    const char *what = NULL;
    char msg[200];
    if (check_params(p, &what, msg, sizeof msg) != 0) return pr_err_set(err, PR_EINVAL, "rules: %s: %s", what, msg);
    /* Not in the table's check: the defaults (no rules at all) must pass that. */
    if (!p->entry_long && !p->entry_short) {
        pr_err_at(err, NULL, 0, 0, "entry_long");
        return pr_err_set(err, PR_EINVAL, "entry_long: missing: a rules strategy needs entry_long or entry_short");
    }
    rules *c = calloc(1, sizeof *c);
    if (!c) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
    c->base.vt = &k_rules_vt;
    c->time_stop = p->time_stop;
    int rc = pr_rule_plan_new(&c->plan, err);
    const char *text[R_COUNT] = {p->entry_long, p->exit_long, p->entry_short, p->exit_short,
                                 p->stop,       p->target,    p->trail,       p->size};
    const char *key[R_COUNT] = {"entry_long", "exit_long", "entry_short", "exit_short",
                                "stop",       "target",    "trail",       "size"};
    for (int r = 0; r < R_COUNT; r++) {
        c->prog[r] = -1;
        if (rc == 0 && text[r])
            rc = pr_rule_plan_add(c->plan, key[r], text[r], r < R_STOP ? PR_RULE_CONDITION : PR_RULE_NUMBER,
                                  &c->prog[r], err);
    }
    if (rc == 0 && p->targets)
        rc = pr_rule_plan_add_targets(c->plan, "targets", p->targets, c->tprog, c->tfrac, PR_SIGNAL_MAX_TARGETS,
                                      &c->n_targets, err);
    if (rc != 0) {
        ru_destroy(&c->base);
        return rc;
    }
    *out = &c->base;
    return PR_OK;
}
