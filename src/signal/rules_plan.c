/* Rule expressions, tree to program: the compiled plan. Series are
 * deduplicated into slots (one per distinct bar field or indicator output
 * and timeframe), each declared on the market view and read through a
 * pr_view_ind_ref, so a program reads exactly what a built-in strategy
 * would and never a bar beyond the decision. `prev` and `crosses_*` become
 * read offsets fixed at compile time (no state between bars, hence nothing
 * to get out of step when a bar is skipped); highest/lowest run their
 * argument's sub-program over the window. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_internal.h"

#define RULE_STACK 32

enum {
    OP_K = 0, OP_LOAD, OP_NEG, OP_NOT, OP_ABS, OP_MIN, OP_MAX, OP_HIGHEST, OP_LOWEST,
    OP_ANDJ, OP_ORJ,   /* short cuts: skip `arg` ops when the top decides and/or */
    OP_BIN   /* OP_BIN + rbin */
};

typedef struct rop {
    int32_t code;
    int32_t arg;             /* LOAD: slot; HIGHEST/LOWEST: ops in the window's sub-program */
    uint32_t lag;            /* LOAD: bars back                                  */
    double k;                /* K: the constant; HIGHEST/LOWEST: the window      */
} rop;

typedef struct rprog {
    size_t start, len;
} rprog;

struct pr_rule_plan {
    rslot *slots;
    size_t n_slots, cap_slots;
    rop *ops;
    size_t n_ops, cap_ops;
    rprog *progs;
    size_t n_progs, cap_progs;
    size_t max_lag;          /* deepest read, in bars                          */
    size_t n_inst;
    int *handles;            /* [inst * n_slots + slot]: view handle (-1: field) */
    pr_view_ind_ref *refs;   /* [inst * n_slots + slot]                         */
};

int pr_rule_plan_new(pr_rule_plan **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "pr_rule_plan_new: NULL output");
    *out = calloc(1, sizeof **out);
    return *out ? PR_OK : pr_err_set(err, PR_ENOMEM, "rules: out of memory");
}

void pr_rule_plan_free(pr_rule_plan *p) {
    if (!p) return;
    free(p->slots);
    free(p->ops);
    free(p->progs);
    free(p->handles);
    free(p->refs);
    free(p);
}

size_t pr_rule_plan_series(const pr_rule_plan *p) { return p ? p->n_slots : 0; }

static int add_slot(void *ctx, const rslot *s, int *index, pr_err *err) {
    pr_rule_plan *p = ctx;
    for (size_t k = 0; k < p->n_slots; k++)
        if (memcmp(&p->slots[k], s, sizeof *s) == 0) {
            *index = (int)k;
            return PR_OK;
        }
    if (p->n_slots == p->cap_slots) {
        size_t nc = p->cap_slots ? p->cap_slots * 2 : 8;
        rslot *ns = realloc(p->slots, nc * sizeof *ns);
        if (!ns) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
        p->slots = ns;
        p->cap_slots = nc;
    }
    p->slots[p->n_slots] = *s;
    *index = (int)p->n_slots++;
    return PR_OK;
}

typedef struct cg {
    pr_rule_plan *p;
    const rtree *t;
    int depth, max_depth;
    size_t fence;            /* constants before this belong to a finished window */
    pr_err *err;
} cg;

static inline double cmp(int op, double a, double b) {
    if (isnan(a) || isnan(b)) return NAN;
    switch (op) {
    case RB_LT: return a < b;
    case RB_LE: return a <= b;
    case RB_GT: return a > b;
    case RB_GE: return a >= b;
    case RB_EQ: return a == b;
    default: return a != b;
    }
}

/* A binary operator of numbers (min, max, arithmetic, comparisons) as the
 * program computes it; for folding constants at compile time. */
static double apply(int code, double a, double b) {
    switch (code) {
    case OP_MIN: return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
    case OP_MAX: return isnan(a) || isnan(b) ? NAN : a < b ? b : a;
    case OP_BIN + RB_ADD: return a + b;
    case OP_BIN + RB_SUB: return a - b;
    case OP_BIN + RB_MUL: return a * b;
    case OP_BIN + RB_DIV: return a / b;
    default: return cmp(code - OP_BIN, a, b);
    }
}

static int emit(cg *c, int code, int arg, size_t lag, double k, int push) {
    pr_rule_plan *p = c->p;
    if (p->n_ops == p->cap_ops) {
        size_t nc = p->cap_ops ? p->cap_ops * 2 : 64;
        rop *no = realloc(p->ops, nc * sizeof *no);
        if (!no) return pr_err_set(c->err, PR_ENOMEM, "rules: out of memory");
        p->ops = no;
        p->cap_ops = nc;
    }
    /* Constant folding: an operator whose operands are the two constants
     * just pushed (or one, for a unary one) becomes one constant. */
    rop *last = p->n_ops > c->fence ? &p->ops[p->n_ops - 1] : NULL;
    if (last && last->code == OP_K && (code == OP_NEG || code == OP_ABS)) {
        last->k = code == OP_NEG ? -last->k : fabs(last->k);
        return PR_OK;
    }
    if (last && p->n_ops - 1 > c->fence && last[-1].code == OP_K && last->code == OP_K &&
        (code == OP_MIN || code == OP_MAX || (code >= OP_BIN && code != OP_BIN + RB_AND && code != OP_BIN + RB_OR))) {
        last[-1].k = apply(code, last[-1].k, last->k);
        p->n_ops--;
        c->depth--;
        return PR_OK;
    }
    p->ops[p->n_ops++] = (rop){code, arg, (uint32_t)lag, k};
    c->depth += push;
    if (c->depth > c->max_depth) c->max_depth = c->depth;
    return PR_OK;
}

/* Emits node i read `lag` bars back; `reach` is how far back enclosing
 * windows already look (for the warm-up). */
static int gen(cg *c, int i, size_t lag, size_t reach) {
    const rnode *n = &c->t->nodes[i];
    int rc;
    if (lag + reach > c->p->max_lag) c->p->max_lag = lag + reach;
    switch (n->kind) {
    case RN_NUM: return emit(c, OP_K, 0, 0, n->num, 1);
    case RN_SERIES: return emit(c, OP_LOAD, n->slot, lag, 0, 1);
    case RN_NEG:
    case RN_NOT:
    case RN_ABS:
        if ((rc = gen(c, n->a, lag, reach)) != 0) return rc;
        return emit(c, n->kind == RN_NEG ? OP_NEG : n->kind == RN_NOT ? OP_NOT : OP_ABS, 0, 0, 0, 0);
    case RN_BIN:
        if (n->op == RB_AND || n->op == RB_OR) {
            /* The right side runs only when the left does not decide. */
            if ((rc = gen(c, n->a, lag, reach)) != 0) return rc;
            size_t at = c->p->n_ops;
            if ((rc = emit(c, n->op == RB_AND ? OP_ANDJ : OP_ORJ, 0, 0, 0, 0)) != 0 ||
                (rc = gen(c, n->b, lag, reach)) != 0 || (rc = emit(c, OP_BIN + n->op, 0, 0, 0, -1)) != 0)
                return rc;
            c->p->ops[at].arg = (int32_t)(c->p->n_ops - at - 1);
            return PR_OK;
        }
        /* fall through */
    case RN_MIN:
    case RN_MAX:
        if ((rc = gen(c, n->a, lag, reach)) != 0 || (rc = gen(c, n->b, lag, reach)) != 0) return rc;
        return emit(c, n->kind == RN_MIN ? OP_MIN : n->kind == RN_MAX ? OP_MAX : OP_BIN + n->op, 0, 0, 0, -1);
    case RN_PREV: return gen(c, n->a, lag + (size_t)n->num, reach);
    case RN_CROSS_UP:
    case RN_CROSS_DN: {
        /* a > b now and a <= b the bar before (mirrored for below). */
        int up = n->kind == RN_CROSS_UP;
        if ((rc = gen(c, n->a, lag, reach)) != 0 || (rc = gen(c, n->b, lag, reach)) != 0 ||
            (rc = emit(c, OP_BIN + (up ? RB_GT : RB_LT), 0, 0, 0, -1)) != 0)
            return rc;
        size_t at = c->p->n_ops;
        if ((rc = emit(c, OP_ANDJ, 0, 0, 0, 0)) != 0 || (rc = gen(c, n->a, lag + 1, reach)) != 0 ||
            (rc = gen(c, n->b, lag + 1, reach)) != 0 || (rc = emit(c, OP_BIN + (up ? RB_LE : RB_GE), 0, 0, 0, -1)) != 0 ||
            (rc = emit(c, OP_BIN + RB_AND, 0, 0, 0, -1)) != 0)
            return rc;
        c->p->ops[at].arg = (int32_t)(c->p->n_ops - at - 1);
        return PR_OK;
    }
    case RN_HIGHEST:
    case RN_LOWEST: {
        size_t at = c->p->n_ops;
        int outer = c->depth;
        if ((rc = emit(c, n->kind == RN_HIGHEST ? OP_HIGHEST : OP_LOWEST, 0, 0, n->num, 0)) != 0) return rc;
        c->depth = 0;   /* the window's sub-program runs on a stack of its own */
        if ((rc = gen(c, n->a, lag, reach + (size_t)n->num - 1)) != 0) return rc;
        c->depth = outer + 1;
        if (c->depth > c->max_depth) c->max_depth = c->depth;
        c->p->ops[at].arg = (int32_t)(c->p->n_ops - at - 1);
        c->fence = c->p->n_ops;
        return PR_OK;
    }
    }
    return pr_err_set(c->err, PR_EINVAL, "rules: bad tree");
}

static int add_prog(pr_rule_plan *p, const char *key, const rtree *t, int *prog, pr_err *err) {
    if (p->n_progs == p->cap_progs) {
        size_t nc = p->cap_progs ? p->cap_progs * 2 : 8;
        rprog *np = realloc(p->progs, nc * sizeof *np);
        if (!np) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
        p->progs = np;
        p->cap_progs = nc;
    }
    cg c = {p, t, 0, 0, p->n_ops, err};
    size_t start = p->n_ops;
    int rc = gen(&c, t->root, 0, 0);
    if (rc != 0) return rc;
    if (c.max_depth > RULE_STACK) return pr_rule_error(err, key, 1, "expression too large (over %d pending values)",
                                                       RULE_STACK);
    p->progs[p->n_progs] = (rprog){start, p->n_ops - start};
    *prog = (int)p->n_progs++;
    return PR_OK;
}

int pr_rule_plan_add(pr_rule_plan *p, const char *key, const char *text, pr_rule_type want, int *prog, pr_err *err) {
    if (!p || !prog) return pr_err_set(err, PR_EINVAL, "pr_rule_plan_add: NULL argument");
    if (p->handles) return pr_err_set(err, PR_ESTATE, "rules: the plan is already declared on a view");
    rtree t;
    int rc = pr_rule_parse(key, text, want, add_slot, p, &t, err);
    if (rc != 0) return rc;
    rc = add_prog(p, key, &t, prog, err);
    pr_rule_tree_free(&t);
    return rc;
}

int pr_rule_plan_add_targets(pr_rule_plan *p, const char *key, const char *text, int *progs, double *fracs, int cap,
                             int *n, pr_err *err) {
    if (!p || !progs || !fracs || !n || cap <= 0)
        return pr_err_set(err, PR_EINVAL, "pr_rule_plan_add_targets: bad argument");
    if (p->handles) return pr_err_set(err, PR_ESTATE, "rules: the plan is already declared on a view");
    rtree trees[PR_SIGNAL_MAX_TARGETS];
    if (cap > PR_SIGNAL_MAX_TARGETS) cap = PR_SIGNAL_MAX_TARGETS;
    int rc = pr_rule_parse_list(key, text, add_slot, p, trees, fracs, cap, n, err);
    if (rc != 0) return rc;
    for (int k = 0; k < *n; k++) {
        if (rc == 0) rc = add_prog(p, key, &trees[k], &progs[k], err);
        pr_rule_tree_free(&trees[k]);
    }
    return rc;
}

int pr_rule_plan_declare(pr_rule_plan *p, pr_market_view *v, pr_err *err) {
    if (!p || !v) return pr_err_set(err, PR_EINVAL, "pr_rule_plan_declare: NULL argument");
    size_t n = pr_view_n_instruments(v);
    free(p->handles);
    free(p->refs);
    p->refs = NULL;
    p->n_inst = n;
    p->handles = malloc((n * p->n_slots + 1) * sizeof *p->handles);
    if (!p->handles) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < p->n_slots; k++) {
            const rslot *s = &p->slots[k];
            int rc, *h = &p->handles[i * p->n_slots + k];
            *h = -1;
            if (s->tf != PR_TF_NONE && (rc = pr_view_require_tf(v, (int)i, s->tf, err)) != 0) return rc;
            if (!s->def) continue;
            if (s->src_slot > 0) {   /* slots come after the ones they read */
                int of = p->handles[i * p->n_slots + (size_t)(s->src_slot - 1)];
                rc = pr_view_require_indicator_of(v, (int)i, s->tf, s->def->name, s->params, s->def->n_params,
                                                  s->output, of, h, err);
            } else {
                char src[32];
                snprintf(src, sizeof src, "%s%s%s", pr_rule_field_names[s->field], s->field2 ? "," : "",
                         s->field2 ? pr_rule_field_names[s->field2 - 1] : "");
                rc = pr_view_require_indicator(v, (int)i, s->tf, s->def->name, s->params, s->def->n_params,
                                               s->output, src, h, err);
            }
            if (rc != 0) return rc;
        }
    /* Reads reach max_lag bars further back than the indicators' own need. */
    pr_view_require_warmup(v, pr_view_warmup(v) + p->max_lag);
    return PR_OK;
}

int pr_rule_plan_bind(pr_rule_plan *p, const pr_market_view *v, pr_err *err) {
    if (!p || !v || !p->handles) return pr_err_set(err, PR_ESTATE, "rules: the plan was not declared on a view");
    free(p->refs);
    p->refs = malloc((p->n_inst * p->n_slots + 1) * sizeof *p->refs);
    if (!p->refs) return pr_err_set(err, PR_ENOMEM, "rules: out of memory");
    for (size_t i = 0; i < p->n_inst; i++)
        for (size_t k = 0; k < p->n_slots; k++) {
            const rslot *s = &p->slots[k];
            size_t at = i * p->n_slots + k;
            int rc = s->def ? pr_view_ind_ref_get(v, p->handles[at], &p->refs[at])
                            : pr_view_series_ref_get(v, (int)i, s->tf, pr_rule_field_names[s->field], &p->refs[at]);
            if (rc != 0)
                return pr_err_set(err, PR_ESTATE, "rules: the view is not the one declared on, or not prepared");
        }
    return PR_OK;
}

/* Runs n ops reading every series `base` bars further back. */
PR_HOT static double run(const rop *o, size_t n, const pr_view_ind_ref *refs, size_t base) {
    double st[RULE_STACK];
    int sp = -1;
    for (const rop *end = o + n; o < end; o++) {
        switch (o->code) {
        case OP_K: st[++sp] = o->k; break;
        case OP_LOAD: st[++sp] = pr_view_ind_read(&refs[o->arg], base + o->lag); break;
        case OP_NEG: st[sp] = -st[sp]; break;
        case OP_NOT: st[sp] = 1.0 - st[sp]; break;
        case OP_ABS: st[sp] = fabs(st[sp]); break;
        case OP_MIN:
        case OP_MAX: {
            double a = st[sp - 1], b = st[sp];
            sp--;
            st[sp] = isnan(a) || isnan(b) ? NAN : (o->code == OP_MIN) == (a < b) ? a : b;
            break;
        }
        case OP_HIGHEST:
        case OP_LOWEST: {
            double m = NAN;
            for (size_t j = 0; j < (size_t)o->k; j++) {
                double x = run(o + 1, (size_t)o->arg, refs, base + j);
                if (isnan(x)) { m = NAN; break; }
                if (j == 0 || (o->code == OP_HIGHEST ? x > m : x < m)) m = x;
            }
            st[++sp] = m;
            o += o->arg;
            break;
        }
        case OP_ANDJ:
            if (st[sp] == 0) o += o->arg;
            break;
        case OP_ORJ:
            if (st[sp] == 1) o += o->arg;
            break;
        case OP_BIN + RB_ADD: sp--; st[sp] += st[sp + 1]; break;
        case OP_BIN + RB_SUB: sp--; st[sp] -= st[sp + 1]; break;
        case OP_BIN + RB_MUL: sp--; st[sp] *= st[sp + 1]; break;
        case OP_BIN + RB_DIV: sp--; st[sp] /= st[sp + 1]; break;
        case OP_BIN + RB_AND: {
            /* Three-valued: false wins, then unknown. */
            double a = st[sp - 1], b = st[sp];
            sp--;
            st[sp] = a == 0 || b == 0 ? 0 : a == 1 && b == 1 ? 1 : NAN;
            break;
        }
        case OP_BIN + RB_OR: {
            double a = st[sp - 1], b = st[sp];
            sp--;
            st[sp] = a == 1 || b == 1 ? 1 : a == 0 && b == 0 ? 0 : NAN;
            break;
        }
        default:
            sp--;
            st[sp] = cmp(o->code - OP_BIN, st[sp], st[sp + 1]);
            break;
        }
    }
    return sp == 0 ? st[0] : NAN;
}

PR_HOT double pr_rule_plan_eval(const pr_rule_plan *p, int prog, int inst) {
    if (!p || !p->refs || prog < 0 || (size_t)prog >= p->n_progs || inst < 0 || (size_t)inst >= p->n_inst) return NAN;
    const rprog *g = &p->progs[prog];
    return run(p->ops + g->start, g->len, p->refs + (size_t)inst * p->n_slots, 0);
}
