/* Rule expressions, text to tree: the lexer, a recursive-descent parser
 * of the grammar the README gives, and the type checks (number versus
 * condition). Every error names the configuration key, the column and what
 * was expected, because the user wrote the text in a JSON string where no
 * other tool can point at the mistake. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules_internal.h"

const char *const pr_rule_field_names[RF_COUNT + 1] = {"open", "high", "low", "close", "volume",
                                                        "hl2", "hlc3", "ohlc4", NULL};

/* Functions of the language other than the ta table's indicators. */
static const char *const k_funcs[] = {"crosses_above", "crosses_below", "prev", "highest", "lowest",
                                      "min", "max", "abs", "tf", NULL};

#define PARSE_DEPTH 64
/* Terms an expression may have: far beyond a rule anyone writes, and it
 * bounds the compiler's recursion over a long left-leaning chain. */
#define MAX_NODES 2000
#define MAX_BARS 100000

int pr_rule_error(pr_err *err, const char *key, size_t col, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pr_err_at(err, NULL, 0, (int)col, key);
    return pr_err_set(err, PR_EINVAL, "%s: column %zu: %s", key, col, msg);
}

enum { TK_END = 0, TK_NUM, TK_ID, TK_STR, TK_OP, TK_BAD };
/* Two-character operators as one code each. */
enum { OP_LE2 = 'L', OP_GE2 = 'G', OP_EQ2 = 'E', OP_NE2 = 'N' };

typedef struct ps {
    const char *key, *s;
    size_t pos;              /* after the current token                      */
    int tk, op;              /* current token; TK_OP: its code               */
    size_t ts, tl;           /* its start and length                         */
    double num;
    rtree *t;
    pr_timeframe tf;         /* inside tf("4h", ...): that timeframe          */
    int in_tf, depth, stop_list;
    rule_slot_fn add;
    void *ctx;
    pr_err *err;
} ps;

static size_t col(const ps *p) { return p->ts + 1; }

static void next(ps *p) {
    const char *s = p->s;
    size_t i = p->pos;
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') i++;
    p->ts = i;
    p->op = 0;
    char c = s[i];
    if (c == '\0') {
        p->tk = TK_END;
        p->tl = 0;
    } else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
        char *e;
        p->num = strtod(s + i, &e);
        p->tk = TK_NUM;
        i = (size_t)(e - s);
    } else if (isalpha((unsigned char)c) || c == '_') {
        while (isalnum((unsigned char)s[i]) || s[i] == '_') i++;
        p->tk = TK_ID;
    } else if (c == '"' || c == '\'') {
        i++;
        while (s[i] && s[i] != c) i++;
        p->tk = s[i] ? TK_STR : TK_BAD;
        if (s[i]) i++;
    } else {
        static const char two[][3] = {"<=", ">=", "==", "!="};
        static const int code[] = {OP_LE2, OP_GE2, OP_EQ2, OP_NE2};
        p->tk = TK_OP;
        p->op = 0;
        for (int k = 0; k < 4; k++)
            if (c == two[k][0] && s[i + 1] == two[k][1]) {
                p->op = code[k];
                i += 2;
            }
        if (!p->op) {
            if (strchr("<>+-*/(),.@", c)) p->op = c;
            else p->tk = TK_BAD;
            i++;
        }
    }
    p->tl = i - p->ts;
    p->pos = i;
}

/* The current token in words, for "got ..." */
static const char *tok_text(const ps *p, char *buf, size_t cap) {
    if (p->tk == TK_END) snprintf(buf, cap, "the end of the expression");
    else if (p->tk == TK_STR && p->stop_list == 2) snprintf(buf, cap, "%.*s", (int)p->tl, p->s + p->ts);
    else snprintf(buf, cap, "'%.*s'", (int)(p->tl > 40 ? 40 : p->tl), p->s + p->ts);
    return buf;
}

static int is_op(const ps *p, int op) { return p->tk == TK_OP && p->op == op; }
static int is_word(const ps *p, const char *w) {
    return p->tk == TK_ID && p->tl == strlen(w) && strncmp(p->s + p->ts, w, p->tl) == 0;
}

static int expect(ps *p, int op, const char *what) {
    char g[64];
    if (!is_op(p, op)) return pr_rule_error(p->err, p->key, col(p), "expected %s, got %s", what, tok_text(p, g, sizeof g));
    next(p);
    return PR_OK;
}

static int node(ps *p, rkind k, int cond, int c, int a, int b, int *out) {
    rtree *t = p->t;
    if (t->n >= MAX_NODES)
        return pr_rule_error(p->err, p->key, col(p), "expression too long (over %d terms)", MAX_NODES);
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 32;
        rnode *nn = realloc(t->nodes, nc * sizeof *nn);
        if (!nn) return pr_err_set(p->err, PR_ENOMEM, "%s: out of memory", p->key);
        t->nodes = nn;
        t->cap = nc;
    }
    rnode *n = &t->nodes[t->n];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->cond = cond;
    n->col = c;
    n->a = a;
    n->b = b;
    n->slot = -1;
    *out = (int)t->n++;
    return PR_OK;
}

static const rnode *nd(const ps *p, int i) { return &p->t->nodes[i]; }

static int want_number(ps *p, int i) {
    if (!nd(p, i)->cond) return PR_OK;
    return pr_rule_error(p->err, p->key, (size_t)nd(p, i)->col, "expected a number, got a condition");
}
static int want_cond(ps *p, int i) {
    if (nd(p, i)->cond) return PR_OK;
    return pr_rule_error(p->err, p->key, (size_t)nd(p, i)->col,
                         "expected a condition (a comparison, and/or/not, crosses_above/crosses_below), got a number");
}

static int parse_or(ps *p, int *out);

/* A series node: a bar field or an indicator output; an indicator reads
 * field (and, field2 > 0, field2 - 1 as a two-input function's second) or,
 * src_slot > 0, another indicator's slot src_slot - 1. */
static int series_in(ps *p, const pr_ta_def *def, int field, int field2, int src_slot, int output,
                     const double *params, int c, int *out) {
    rslot s;
    memset(&s, 0, sizeof s);
    s.def = def;
    s.field = field;
    s.field2 = field2;
    s.src_slot = src_slot;
    s.tf = p->in_tf ? p->tf : PR_TF_NONE;
    s.output = output;
    if (def) memcpy(s.params, params, sizeof s.params);
    int rc = node(p, RN_SERIES, 0, c, -1, -1, out);
    if (rc == PR_OK) rc = p->add(p->ctx, &s, &p->t->nodes[*out].slot, p->err);
    return rc;
}

static int series(ps *p, const pr_ta_def *def, int field, int output, const double *params, int c, int *out) {
    return series_in(p, def, field, 0, 0, output, params, c, out);
}

static int num_node(ps *p, double v, int c, int *out) {
    int rc = node(p, RN_NUM, 0, c, -1, -1, out);
    if (rc == PR_OK) p->t->nodes[*out].num = v;
    return rc;
}

static int bin(ps *p, int op, int cond, int c, int a, int b, int *out) {
    int rc = node(p, RN_BIN, cond, c, a, b, out);
    if (rc == PR_OK) p->t->nodes[*out].op = op;
    return rc;
}

/* A bar field by name: hl2, hlc3 and ohlc4 as the arithmetic they are. */
static int field(ps *p, int f, int c, int *out) {
    if (f < RF_HL2) return series(p, NULL, f, 0, NULL, c, out);
    static const int parts[3][4] = {{RF_HIGH, RF_LOW, -1, -1}, {RF_HIGH, RF_LOW, RF_CLOSE, -1},
                                    {RF_OPEN, RF_HIGH, RF_LOW, RF_CLOSE}};
    const int *pt = parts[f - RF_HL2];
    int acc, x, k, rc, cnt = 0;
    if ((rc = series(p, NULL, pt[0], 0, NULL, c, &acc)) != 0) return rc;
    for (k = 1; k < 4 && pt[k] >= 0; k++) {
        if ((rc = series(p, NULL, pt[k], 0, NULL, c, &x)) != 0 || (rc = bin(p, RB_ADD, 0, c, acc, x, &acc)) != 0)
            return rc;
    }
    cnt = k;
    if ((rc = num_node(p, cnt, c, &x)) != 0) return rc;
    return bin(p, RB_DIV, 0, c, acc, x, out);
}

static int field_index(const char *s, size_t n) {
    for (int f = 0; f < RF_COUNT; f++)
        if (strlen(pr_rule_field_names[f]) == n && strncmp(pr_rule_field_names[f], s, n) == 0) return f;
    return -1;
}

/* A whole number of bars (prev, highest, lowest). */
static int bars_arg(ps *p, double *out) {
    char g[64];
    if (p->tk != TK_NUM || !(p->num >= 1 && p->num <= MAX_BARS && p->num == floor(p->num)))
        return pr_rule_error(p->err, p->key, col(p), "expected a whole number of bars in [1, %d], got %s", MAX_BARS,
                             tok_text(p, g, sizeof g));
    *out = p->num;
    next(p);
    return PR_OK;
}

static int unknown(ps *p, const char *name, int call, size_t c);

/* A ta indicator call (the name already read, at column c; at '('). */
static int indicator(ps *p, const pr_ta_def *def, int c, int *out) {
    char g[64];
    int rc, src = RF_CLOSE, src2 = 0, of = 0, real0 = 0, real1 = 0;
    for (int k = 0; k < def->n_inputs; k++) {
        if (strcmp(def->inputs[k], "real1") == 0) real1 = 1;
        if (strcmp(def->inputs[k], "real0") == 0) real0 = 1;
    }
    next(p);   /* '(' */
    int first = 1;
    if (real0) {
        /* a bar field, or (one-input functions) another indicator's values */
        int f = p->tk == TK_ID ? field_index(p->s + p->ts, p->tl) : -1;
        const pr_ta_def *inner = NULL;
        size_t ic = col(p);
        if (f < 0 && !real1 && p->tk == TK_ID) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(p->tl < 63 ? p->tl : 63), p->s + p->ts);
            if (pr_ta_find(name, &inner) != 0) {
                inner = NULL;
                size_t q = p->pos;
                while (p->s[q] == ' ' || p->s[q] == '\t') q++;
                if (p->s[q] == '(') return unknown(p, name, 1, ic);   /* a misspelt indicator call */
            }
        }
        if (inner) {
            next(p);
            if (!is_op(p, '('))
                return pr_rule_error(p->err, p->key, ic, "%s is an indicator: call it with its input and parameters, "
                                                         "e.g. %s(...)", inner->name, inner->name);
            if (++p->depth > PARSE_DEPTH) return pr_rule_error(p->err, p->key, ic, "expression nested too deeply");
            int in_node;
            if ((rc = indicator(p, inner, (int)ic, &in_node)) != 0) return rc;
            p->depth--;
            of = nd(p, in_node)->slot + 1;
        } else if (f < 0) {
            return pr_rule_error(p->err, p->key, col(p),
                                 real1 ? "%s needs its two inputs first (each one of open, high, low, close, volume, "
                                         "hl2, hlc3 or ohlc4), got %s"
                                       : "%s needs its input first (open, high, low, close, volume, hl2, hlc3, ohlc4 "
                                         "or an indicator call such as rsi(close, 14)), got %s",
                                 def->name, tok_text(p, g, sizeof g));
        } else {
            src = f;
            next(p);
        }
        first = 0;
        if (real1) {
            if ((rc = expect(p, ',', "',' and the second input")) != 0) return rc;
            int f2 = p->tk == TK_ID ? field_index(p->s + p->ts, p->tl) : -1;
            if (f2 < 0)
                return pr_rule_error(p->err, p->key, col(p),
                                     "%s needs a second input (open, high, low, close, volume, hl2, hlc3 or ohlc4), "
                                     "got %s", def->name, tok_text(p, g, sizeof g));
            src2 = f2;
            next(p);
        }
    }
    double given[PR_TA_MAX_PARAMS];
    int n = 0;
    while (!is_op(p, ')')) {
        if (!first && (rc = expect(p, ',', "',' or ')'")) != 0) return rc;
        first = 0;
        if (n == def->n_params)
            return pr_rule_error(p->err, p->key, col(p), "%s takes %d parameter%s, got more", def->name,
                                 def->n_params, def->n_params == 1 ? "" : "s");
        int neg = is_op(p, '-');
        if (neg) next(p);
        if (p->tk != TK_NUM)
            return pr_rule_error(p->err, p->key, col(p), "%s's parameter '%s' must be a number, got %s", def->name,
                                 def->params[n].name, tok_text(p, g, sizeof g));
        given[n++] = neg ? -p->num : p->num;
        next(p);
    }
    next(p);   /* ')' */
    double full[PR_TA_MAX_PARAMS] = {0};
    pr_err e;
    pr_err_clear(&e);
    if (pr_ta_check_params(def, given, n, full, &e) != 0)
        return pr_rule_error(p->err, p->key, (size_t)c, "%s", e.msg);
    int output = 0;
    if (is_op(p, '.')) {
        next(p);
        size_t oc = col(p);
        output = -1;
        for (int k = 0; p->tk == TK_ID && k < def->n_outputs; k++)
            if (strlen(def->outputs[k]) == p->tl && strncmp(def->outputs[k], p->s + p->ts, p->tl) == 0) output = k;
        if (output < 0) {
            char list[200] = "";
            for (int k = 0; k < def->n_outputs; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s.%s", k ? ", " : "", def->outputs[k]);
            if (p->tk != TK_ID)
                return pr_rule_error(p->err, p->key, oc, "expected an output of %s after '.' (%s), got %s", def->name,
                                     list, tok_text(p, g, sizeof g));
            return pr_rule_error(p->err, p->key, oc, "%s has no output %s (it has %s)", def->name,
                                 tok_text(p, g, sizeof g), list);
        }
        next(p);
    } else if (def->n_outputs > 1) {
        char list[200] = "";
        for (int k = 0; k < def->n_outputs; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s.%s", k ? ", " : "", def->outputs[k]);
        return pr_rule_error(p->err, p->key, (size_t)c, "%s has several outputs: add one of %s", def->name, list);
    }
    return series_in(p, def, src, real1 ? src2 + 1 : 0, of, output, full, c, out);
}

static int unknown(ps *p, const char *name, int call, size_t c) {
    size_t nt = pr_ta_count(), k = 0;
    const char **names = malloc((nt + RF_COUNT + 12) * sizeof *names);
    if (!names) return pr_err_set(p->err, PR_ENOMEM, "%s: out of memory", p->key);
    for (size_t i = 0; i < nt && call; i++) names[k++] = pr_ta_at(i)->name;
    for (size_t i = 0; call && k_funcs[i]; i++) names[k++] = k_funcs[i];
    for (size_t i = 0; !call && i < RF_COUNT; i++) names[k++] = pr_rule_field_names[i];
    names[k] = NULL;
    const char *hint = pr_suggest_name(name, names);
    char h[80] = "";
    if (hint) snprintf(h, sizeof h, " (did you mean '%s'?)", hint);
    free(names);
    return pr_rule_error(p->err, p->key, c, call ? "unknown indicator '%s'%s" : "unknown name '%s'%s", name, h);
}

/* Calls of the language's own functions (name at column c, at '('). */
static int function(ps *p, const char *name, int c, int *out) {
    char g[64];
    int rc, a = -1, b = -1;
    next(p);   /* '(' */
    if (strcmp(name, "tf") == 0) {
        if (p->in_tf) return pr_rule_error(p->err, p->key, (size_t)c, "tf(...) inside tf(...)");
        pr_timeframe tf = PR_TF_NONE;
        char tfs[16] = "";
        if (p->tk == TK_STR && p->tl - 2 < sizeof tfs) memcpy(tfs, p->s + p->ts + 1, p->tl - 2);
        if (p->tk != TK_STR || pr_tf_parse(tfs, &tf) != 0 || tf == PR_TF_NONE) {
            p->stop_list = 2;
            tok_text(p, g, sizeof g);
            p->stop_list = 0;
            return pr_rule_error(p->err, p->key, col(p), "expected a timeframe such as \"4h\", got %s", g);
        }
        next(p);
        if ((rc = expect(p, ',', "','")) != 0) return rc;
        p->in_tf = 1;
        p->tf = tf;
        rc = parse_or(p, out);
        p->in_tf = 0;
        if (rc == 0) rc = expect(p, ')', "')'");
        return rc;
    }
    if ((rc = parse_or(p, &a)) != 0) return rc;
    int two = strcmp(name, "abs") != 0;
    int barsfn = strcmp(name, "prev") == 0 || strcmp(name, "highest") == 0 || strcmp(name, "lowest") == 0;
    double bars = 0;
    if (strcmp(name, "prev") != 0 && (rc = want_number(p, a)) != 0) return rc;
    if (two) {
        if ((rc = expect(p, ',', "','")) != 0) return rc;
        if (barsfn) rc = bars_arg(p, &bars);
        else if ((rc = parse_or(p, &b)) == 0) rc = want_number(p, b);
        if (rc != 0) return rc;
    }
    if ((rc = expect(p, ')', "')'")) != 0) return rc;
    static const struct { const char *n; rkind kind; int cond; } map[] = {
        {"crosses_above", RN_CROSS_UP, 1}, {"crosses_below", RN_CROSS_DN, 1}, {"prev", RN_PREV, -1},
        {"highest", RN_HIGHEST, 0},        {"lowest", RN_LOWEST, 0},           {"min", RN_MIN, 0},
        {"max", RN_MAX, 0},                {"abs", RN_ABS, 0}};
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(map[k].n, name) == 0) {
            int cond = map[k].cond < 0 ? nd(p, a)->cond : map[k].cond;
            if ((rc = node(p, map[k].kind, cond, c, a, b, out)) != 0) return rc;
            p->t->nodes[*out].num = bars;
            return PR_OK;
        }
    return unknown(p, name, 1, (size_t)c);
}

static int parse_primary(ps *p, int *out) {
    char g[64];
    size_t c = col(p);
    if (p->tk == TK_NUM) {
        double v = p->num;
        next(p);
        return num_node(p, v, (int)c, out);
    }
    if (is_op(p, '(')) {
        next(p);
        int rc = parse_or(p, out);
        if (rc == 0) rc = expect(p, ')', "')'");
        if (rc == 0) p->t->nodes[*out].col = (int)c;
        return rc;
    }
    if (p->tk != TK_ID || is_word(p, "and") || is_word(p, "or") || is_word(p, "not"))
        return pr_rule_error(p->err, p->key, c, "expected a number, a bar field, an indicator or '(', got %s",
                             tok_text(p, g, sizeof g));
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(p->tl < 63 ? p->tl : 63), p->s + p->ts);
    next(p);
    if (!is_op(p, '(')) {
        int f = field_index(name, strlen(name));
        if (f >= 0) return field(p, f, (int)c, out);
        const pr_ta_def *def;
        if (pr_ta_find(name, &def) == 0)
            return pr_rule_error(p->err, p->key, c, "%s is an indicator: call it with its input and parameters, "
                                                    "e.g. %s(...)", def->name, def->name);
        return unknown(p, name, 0, c);
    }
    for (size_t k = 0; k_funcs[k]; k++)
        if (strcmp(k_funcs[k], name) == 0) return function(p, name, (int)c, out);
    const pr_ta_def *def;
    if (pr_ta_find(name, &def) != 0) return unknown(p, name, 1, c);
    return indicator(p, def, (int)c, out);
}

static int parse_unary(ps *p, int *out) {
    if (!is_op(p, '-')) return parse_primary(p, out);
    size_t c = col(p);
    next(p);
    int a, rc;
    if (++p->depth > PARSE_DEPTH) return pr_rule_error(p->err, p->key, c, "expression nested too deeply");
    if ((rc = parse_unary(p, &a)) != 0 || (rc = want_number(p, a)) != 0) return rc;
    p->depth--;
    return node(p, RN_NEG, 0, (int)c, a, -1, out);
}

static int parse_mul(ps *p, int *out) {
    int a, b, rc;
    if ((rc = parse_unary(p, &a)) != 0) return rc;
    while (is_op(p, '*') || is_op(p, '/')) {
        int op = p->op == '*' ? RB_MUL : RB_DIV;
        next(p);
        if ((rc = parse_unary(p, &b)) != 0 || (rc = want_number(p, a)) != 0 || (rc = want_number(p, b)) != 0 ||
            (rc = bin(p, op, 0, nd(p, a)->col, a, b, &a)) != 0)
            return rc;
    }
    *out = a;
    return PR_OK;
}

static int parse_add(ps *p, int *out) {
    int a, b, rc;
    if ((rc = parse_mul(p, &a)) != 0) return rc;
    while (is_op(p, '+') || is_op(p, '-')) {
        int op = p->op == '+' ? RB_ADD : RB_SUB;
        next(p);
        if ((rc = parse_mul(p, &b)) != 0 || (rc = want_number(p, a)) != 0 || (rc = want_number(p, b)) != 0 ||
            (rc = bin(p, op, 0, nd(p, a)->col, a, b, &a)) != 0)
            return rc;
    }
    *out = a;
    return PR_OK;
}

static int cmp_op(const ps *p) {
    if (p->tk != TK_OP) return -1;
    switch (p->op) {
    case '<': return RB_LT;
    case OP_LE2: return RB_LE;
    case '>': return RB_GT;
    case OP_GE2: return RB_GE;
    case OP_EQ2: return RB_EQ;
    case OP_NE2: return RB_NE;
    default: return -1;
    }
}

static int parse_cmp(ps *p, int *out) {
    int a, b, rc, op;
    if ((rc = parse_add(p, &a)) != 0) return rc;
    if ((op = cmp_op(p)) < 0) {
        *out = a;
        return PR_OK;
    }
    next(p);
    if ((rc = parse_add(p, &b)) != 0 || (rc = want_number(p, a)) != 0 || (rc = want_number(p, b)) != 0 ||
        (rc = bin(p, op, 1, nd(p, a)->col, a, b, out)) != 0)
        return rc;
    if (cmp_op(p) >= 0)
        return pr_rule_error(p->err, p->key, col(p), "comparisons do not chain: join them with 'and'");
    return PR_OK;
}

static int parse_not(ps *p, int *out) {
    if (!is_word(p, "not")) return parse_cmp(p, out);
    size_t c = col(p);
    next(p);
    int a, rc;
    if (++p->depth > PARSE_DEPTH) return pr_rule_error(p->err, p->key, c, "expression nested too deeply");
    if ((rc = parse_not(p, &a)) != 0 || (rc = want_cond(p, a)) != 0) return rc;
    p->depth--;
    return node(p, RN_NOT, 1, (int)c, a, -1, out);
}

static int parse_and(ps *p, int *out) {
    int a, b, rc;
    if ((rc = parse_not(p, &a)) != 0) return rc;
    while (is_word(p, "and")) {
        next(p);
        if ((rc = parse_not(p, &b)) != 0 || (rc = want_cond(p, a)) != 0 || (rc = want_cond(p, b)) != 0 ||
            (rc = bin(p, RB_AND, 1, nd(p, a)->col, a, b, &a)) != 0)
            return rc;
    }
    *out = a;
    return PR_OK;
}

static int parse_or(ps *p, int *out) {
    int a, b, rc;
    if (++p->depth > PARSE_DEPTH) return pr_rule_error(p->err, p->key, col(p), "expression nested too deeply");
    if ((rc = parse_and(p, &a)) != 0) return rc;
    while (is_word(p, "or")) {
        next(p);
        if ((rc = parse_and(p, &b)) != 0 || (rc = want_cond(p, a)) != 0 || (rc = want_cond(p, b)) != 0 ||
            (rc = bin(p, RB_OR, 1, nd(p, a)->col, a, b, &a)) != 0)
            return rc;
    }
    p->depth--;
    *out = a;
    return PR_OK;
}

static void start(ps *p, const char *key, const char *text, rule_slot_fn add, void *ctx, rtree *t, pr_err *err) {
    memset(p, 0, sizeof *p);
    p->key = key ? key : "rule";
    p->s = text ? text : "";
    p->t = t;
    p->add = add;
    p->ctx = ctx;
    p->err = err;
    memset(t, 0, sizeof *t);
    t->root = -1;
    next(p);
}

int pr_rule_parse(const char *key, const char *text, pr_rule_type want, rule_slot_fn add, void *ctx, rtree *out,
                  pr_err *err) {
    ps p;
    char g[64];
    start(&p, key, text, add, ctx, out, err);
    if (p.tk == TK_END) return pr_rule_error(err, p.key, 1, "empty expression");
    int rc = parse_or(&p, &out->root);
    if (rc == 0 && p.tk != TK_END)
        rc = pr_rule_error(err, p.key, col(&p), "expected an operator or the end of the expression, got %s",
                           tok_text(&p, g, sizeof g));
    if (rc == 0) rc = want == PR_RULE_CONDITION ? want_cond(&p, out->root) : want_number(&p, out->root);
    if (rc != 0) pr_rule_tree_free(out);
    return rc;
}

int pr_rule_parse_list(const char *key, const char *text, rule_slot_fn add, void *ctx, rtree *trees, double *fracs,
                       int cap, int *n, pr_err *err) {
    ps p;
    char g[64];
    rtree scratch;
    int rc = PR_OK;
    double sum = 0;
    *n = 0;
    memset(trees, 0, (size_t)cap * sizeof *trees);
    start(&p, key, text, add, ctx, &scratch, err);
    pr_rule_tree_free(&scratch);
    if (p.tk == TK_END) return pr_rule_error(err, p.key, 1, "empty list (expected DISTANCE @ FRACTION, ...)");
    while (rc == PR_OK) {
        if (*n == cap) {
            rc = pr_rule_error(err, p.key, col(&p), "at most %d targets", cap);
            break;
        }
        rtree *t = &trees[*n];
        p.t = t;
        p.depth = 0;
        if ((rc = parse_or(&p, &t->root)) != 0 || (rc = want_number(&p, t->root)) != 0) break;
        (*n)++;
        if ((rc = expect(&p, '@', "'@' and the fraction of the position to close there")) != 0) break;
        size_t fc = col(&p);
        if (p.tk != TK_NUM || !(p.num > 0 && p.num <= 1)) {
            rc = pr_rule_error(err, p.key, fc, "expected a fraction in (0, 1], got %s", tok_text(&p, g, sizeof g));
            break;
        }
        fracs[*n - 1] = p.num;
        sum += p.num;
        if (sum > 1 + 1e-9) {
            rc = pr_rule_error(err, p.key, fc, "the fractions sum to %g, more than 1", sum);
            break;
        }
        next(&p);
        if (p.tk == TK_END) return PR_OK;
        rc = expect(&p, ',', "',' or the end of the list");
    }
    for (int k = 0; k < cap; k++) pr_rule_tree_free(&trees[k]);
    *n = 0;
    return rc;
}

void pr_rule_tree_free(rtree *t) {
    if (!t) return;
    free(t->nodes);
    t->nodes = NULL;
    t->n = t->cap = 0;
}
