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
    {.name = "entry_limit", .type = PR_PARAM_STRING, .offset = P_(entry_limit),
     .desc = "limit entry this price distance better than the close (0: at the close); with entry_stop: stop-limit"},
    {.name = "entry_stop", .type = PR_PARAM_STRING, .offset = P_(entry_stop),
     .desc = "stop entry this price distance beyond the close (a breakout)"},
    {.name = "entry_expiry", .type = PR_PARAM_INT, .offset = P_(entry_expiry), .def = 1, .min = 0, .max = 1000000,
     .desc = "bars a limit or stop entry waits before it is cancelled (0: until filled or replaced)"},
    {.name = "trail_pct", .type = PR_PARAM_STRING, .offset = P_(trail_pct),
     .desc = "trailing stop at this fraction from the best price since entry (0.02: 2%)"},
    {.name = "breakeven", .type = PR_PARAM_STRING, .offset = P_(breakeven),
     .desc = "stop to the entry price once the best price is this fraction beyond it"},
    {.name = "exit_frac", .type = PR_PARAM_STRING, .offset = P_(exit_frac),
     .desc = "fraction of the position an exit closes, in (0,1) (else all)"},
    {.name = "add_long", .type = PR_PARAM_STRING, .offset = P_(add_long),
     .desc = "condition: add to a long (scale in; sized like an entry, with size)"},
    {.name = "add_short", .type = PR_PARAM_STRING, .offset = P_(add_short),
     .desc = "condition: add to a short"},
    {.name = "max_adds", .type = PR_PARAM_INT, .offset = P_(max_adds), .def = 3, .min = 1, .max = 1000,
     .desc = "adds per position at most"},
    {.name = "adjust_long", .type = PR_PARAM_STRING, .offset = P_(adjust_long),
     .desc = "condition: while long, move the stop to adjust_stop / the trail to adjust_trail"},
    {.name = "adjust_short", .type = PR_PARAM_STRING, .offset = P_(adjust_short),
     .desc = "condition: the same while short"},
    {.name = "adjust_stop", .type = PR_PARAM_STRING, .offset = P_(adjust_stop),
     .desc = "the adjusted stop, price distance from the close"},
    {.name = "adjust_trail", .type = PR_PARAM_STRING, .offset = P_(adjust_trail),
     .desc = "the adjusted trailing distance"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_rules_params *p = pv;
    if (p->target && p->targets) {
        *what = "targets";
        snprintf(msg, cap, "give target or targets, not both");
        return PR_EINVAL;
    }
    int when = p->adjust_long || p->adjust_short, to = p->adjust_stop || p->adjust_trail;
    if (when != to) {
        *what = when ? (p->adjust_long ? "adjust_long" : "adjust_short") : p->adjust_stop ? "adjust_stop" : "adjust_trail";
        snprintf(msg, cap, when ? "an adjustment needs adjust_stop or adjust_trail (what to move)"
                                : "needs adjust_long or adjust_short (when to move it)");
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

/* The expression keys: conditions first, then numbers. */
enum {
    R_ENTRY_LONG, R_EXIT_LONG, R_ENTRY_SHORT, R_EXIT_SHORT, R_ADD_LONG, R_ADD_SHORT, R_ADJUST_LONG, R_ADJUST_SHORT,
    R_STOP, R_TARGET, R_TRAIL, R_SIZE, R_ENTRY_LIMIT, R_ENTRY_STOP, R_TRAIL_PCT, R_BREAKEVEN, R_EXIT_FRAC,
    R_ADJUST_STOP, R_ADJUST_TRAIL, R_COUNT
};
#define R_FIRST_NUMBER R_STOP

#define K_(f) {#f, offsetof(pr_rules_params, f)}
static const struct {
    const char *key;
    size_t offset;
} k_keys[R_COUNT] = {K_(entry_long),  K_(exit_long),   K_(entry_short),  K_(exit_short),  K_(add_long),
                     K_(add_short),   K_(adjust_long), K_(adjust_short), K_(stop),        K_(target),
                     K_(trail),       K_(size),        K_(entry_limit),  K_(entry_stop),  K_(trail_pct),
                     K_(breakeven),   K_(exit_frac),   K_(adjust_stop),  K_(adjust_trail)};
#undef K_

typedef struct rules {
    pr_strategy base;
    pr_rule_plan *plan;
    int prog[R_COUNT];       /* -1: not given                                  */
    int n_targets;
    int tprog[PR_SIGNAL_MAX_TARGETS];
    double tfrac[PR_SIGNAL_MAX_TARGETS];
    int time_stop, max_adds;
    int holding_rules;       /* add or adjust rules given: look at them too   */
    size_t n;
    const pr_market_view *bound;
    const unsigned char *updated;
    pr_view_ind_ref *close;  /* per instrument                                 */
    int *adds;               /* per instrument: adds since our last entry      */
    int *waiting;            /* per instrument: bars a limit/stop entry of ours
                                has waited + 1 (0: none)                       */
    int *wait_dir;
    int entry_expiry;
} rules;

static void ru_destroy(pr_strategy *s) {
    rules *c = (rules *)s;
    pr_rule_plan_free(c->plan);
    free(c->close);
    free(c->adds);
    free(c->waiting);
    free(c->wait_dir);
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
    free(c->adds);
    free(c->waiting);
    free(c->wait_dir);
    size_t n = c->n ? c->n : 1;
    c->close = calloc(n, sizeof *c->close);
    c->adds = calloc(n, sizeof *c->adds);
    c->waiting = calloc(n, sizeof *c->waiting);
    c->wait_dir = calloc(n, sizeof *c->wait_dir);
    if (!c->close || !c->adds || !c->waiting || !c->wait_dir) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
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
    if ((d = eval(c, R_TRAIL_PCT, inst)) > 0 && d < 1) sig->trail_frac = d;
    if ((d = eval(c, R_BREAKEVEN, inst)) > 0) sig->breakeven_gain = d;
    sig->max_bars = c->time_stop;
}

static const char *const k_why[] = {"entry_long held at close %.10g",   "exit_long held at close %.10g",
                                    "entry_short held at close %.10g",  "exit_short held at close %.10g",
                                    "add_long held at close %.10g",     "add_short held at close %.10g",
                                    "adjust_long held at close %.10g",  "adjust_short held at close %.10g"};
static const char *const k_tag[] = {"rules_long", "rules_exit", "rules_short", "rules_exit",
                                    "rules_add",  "rules_add",  "rules_adjust", "rules_adjust"};

static int emit(pr_signal_list *out, pr_signal_kind kind, int r, int inst, double close, pr_signal **sig,
                pr_err *err) {
    *sig = pr_signal_list_add(out, kind, inst);
    if (!*sig) return pr_err_set(err, PR_ELIMIT, "rules: signal list full");
    pr_signal_why(*sig, k_why[r], close, 0, 0, 0);
    pr_signal_tag(*sig, k_tag[r]);
    return PR_OK;
}

/* An entry of direction dir (an add to the position when `add`) unless the
 * size rule says none. */
static int enter(rules *c, pr_signal_list *out, int inst, int dir, double close, int add, pr_err *err) {
    if (!add && c->waiting[inst] && c->wait_dir[inst] == dir) return PR_OK;   /* ours still waits */
    double size = 1;
    if (c->prog[R_SIZE] >= 0) {
        size = pr_rule_plan_eval(c->plan, c->prog[R_SIZE], inst);
        if (!(size > 0)) return PR_OK;
        if (size > 1) size = 1;
    }
    pr_signal *sig;
    int r = add ? (dir > 0 ? R_ADD_LONG : R_ADD_SHORT) : dir > 0 ? R_ENTRY_LONG : R_ENTRY_SHORT;
    int rc = emit(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, r, inst, close, &sig, err);
    if (rc != 0) return rc;
    sig->confidence = size;
    sig->size_hint = size;
    sig->scale_in = add;
    if (!add) {   /* adds go at the market: a resting add could not be cancelled alone */
        double d = eval(c, R_ENTRY_LIMIT, inst);
        if (d >= 0 && close - dir * d > 0) sig->entry_limit = close - dir * d;
        if ((d = eval(c, R_ENTRY_STOP, inst)) > 0 && close + dir * d > 0) sig->entry_stop = close + dir * d;
        c->waiting[inst] = sig->entry_limit > 0 || sig->entry_stop > 0;
        c->wait_dir[inst] = dir;
    }
    protect(c, sig, inst, close, dir);
    c->adds[inst] = add ? c->adds[inst] + 1 : 0;
    return PR_OK;
}

static const char *const k_why_expired = "entry order not filled within %.0f bar(s): cancelled";

/* A limit or stop entry of ours still unfilled after entry_expiry bars is
 * cancelled (an exit while flat cancels the pending entry and does nothing
 * else). side: what is held now. */
static int expire(rules *c, const pr_market_view *v, pr_signal_list *out, int inst, int side, pr_err *err) {
    if (side == c->wait_dir[inst] || c->entry_expiry == 0) {
        c->waiting[inst] = side == c->wait_dir[inst] ? 0 : c->waiting[inst];
        return PR_OK;
    }
    if (c->waiting[inst]++ < c->entry_expiry) return PR_OK;
    c->waiting[inst] = 0;
    pr_working_order w[8];
    size_t n = pr_view_open_orders(v, inst, w, 8), k = 0;
    while (k < n && !(w[k].cause == PR_CAUSE_ENTRY && !w[k].waiting)) k++;
    if (k == n || side != 0) return PR_OK;   /* gone already, or a position came some other way */
    pr_signal *sig = pr_signal_list_add(out, PR_SIG_EXIT, inst);
    if (!sig) return pr_err_set(err, PR_ELIMIT, "rules: signal list full");
    pr_signal_why(sig, k_why_expired, c->entry_expiry, 0, 0, 0);
    pr_signal_tag(sig, "rules_expired");
    return PR_OK;
}

/* The rules that act on a position held on side `side`: an exit (of
 * exit_frac), else an add and an adjustment. */
static int holding(rules *c, pr_signal_list *out, int inst, int side, double close, int x, pr_err *err) {
    pr_signal *sig;
    int rc;
    if (x) {
        if ((rc = emit(out, PR_SIG_EXIT, side > 0 ? R_EXIT_LONG : R_EXIT_SHORT, inst, close, &sig, err)) != 0)
            return rc;
        double f = eval(c, R_EXIT_FRAC, inst);
        if (f > 0 && f < 1) sig->exit_frac = f;
        return PR_OK;
    }
    if (!c->holding_rules) return PR_OK;
    if (eval(c, side > 0 ? R_ADD_LONG : R_ADD_SHORT, inst) == 1 && c->adds[inst] < c->max_adds &&
        (rc = enter(c, out, inst, side, close, 1, err)) != 0)
        return rc;
    if (eval(c, side > 0 ? R_ADJUST_LONG : R_ADJUST_SHORT, inst) != 1) return PR_OK;
    double st = eval(c, R_ADJUST_STOP, inst), tr = eval(c, R_ADJUST_TRAIL, inst);
    int has_stop = st > 0 && close - side * st > 0, has_trail = tr > 0;
    if (!has_stop && !has_trail) return PR_OK;
    if ((rc = emit(out, PR_SIG_ADJUST, side > 0 ? R_ADJUST_LONG : R_ADJUST_SHORT, inst, close, &sig, err)) != 0)
        return rc;
    if (has_stop) sig->stop = close - side * st;
    if (has_trail) sig->trail_dist = tr;
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
        if (c->waiting[i] && (rc = expire(c, v, out, ii, side = pr_view_side(v, ii), err)) != 0) return rc;
        if (eval(c, R_ENTRY_LONG, ii) == 1 && (side = pr_view_side(v, ii)) <= 0) {
            if ((rc = enter(c, out, ii, +1, close, 0, err)) != 0) return rc;
            continue;
        }
        if (eval(c, R_ENTRY_SHORT, ii) == 1 && (side = side == 2 ? pr_view_side(v, ii) : side) >= 0) {
            if ((rc = enter(c, out, ii, -1, close, 0, err)) != 0) return rc;
            continue;
        }
        int xl = eval(c, R_EXIT_LONG, ii) == 1, xs = eval(c, R_EXIT_SHORT, ii) == 1;
        if (!xl && !xs && !c->holding_rules) continue;
        if (side == 2) side = pr_view_side(v, ii);
        if (side != 0 && (rc = holding(c, out, ii, side, close, side > 0 ? xl : xs, err)) != 0) return rc;
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
    c->max_adds = p->max_adds > 0 ? p->max_adds : 3;
    c->entry_expiry = p->entry_expiry;
    c->holding_rules = p->add_long || p->add_short || p->adjust_long || p->adjust_short;
    int rc = pr_rule_plan_new(&c->plan, err);
    for (int r = 0; r < R_COUNT; r++) {
        const char *text = *(const char *const *)(const void *)((const char *)p + k_keys[r].offset);
        c->prog[r] = -1;
        if (rc == 0 && text)
            rc = pr_rule_plan_add(c->plan, k_keys[r].key, text,
                                  r < R_FIRST_NUMBER ? PR_RULE_CONDITION : PR_RULE_NUMBER, &c->prog[r], err);
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
