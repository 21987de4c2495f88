/* Rule expressions (the rules strategy):
 *  - random well-typed expressions over indicators (seeded) give, at every
 *    bar, the values the test works out itself from the ta module's batch
 *    functions called directly on the whole series;
 *  - changing the bars after t changes no value and no decision at or
 *    before t (decision and higher timeframe, batch and streaming views);
 *  - tf("4h", close) is the close of the latest closed 4h bar (by hand);
 *  - three-valued logic: a condition reading a warming-up value is never
 *    true, `not` of it neither;
 *  - an entry's stop, tiered targets, trail, time stop and size;
 *  - bad expressions: the exact message with the key's path and column;
 *  - indicators used twice are one series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/signal.h"
#include "proratio/ta.h"
#include "signal/test_strategies_harness.h"

/* ---- bars ------------------------------------------------------------------ */
static double uni(pr_rng *r) { return (double)(pr_rng_next(r) >> 11) * 0x1.0p-53; }

/* A random walk with wicks and volume (hourly, from sh_t0). */
static void walk(pr_series *s, size_t n, uint64_t seed) {
    pr_rng r;
    pr_rng_seed(&r, seed);
    sh_series(s, PR_TF_1H);
    double c = 100;
    for (size_t i = 0; i < n; i++) {
        double o = c;
        c = o * (1 + 0.02 * (uni(&r) - 0.5));
        double hi = (o > c ? o : c) * (1 + 0.005 * uni(&r)), lo = (o < c ? o : c) * (1 - 0.005 * uni(&r));
        pr_series_push(s, sh_t0() + (int64_t)i * pr_tf_ms(PR_TF_1H), o, hi, lo, c, 100 + 900 * uni(&r));
    }
}

/* A view over s (one crypto instrument), the plan declared on it, prepared and bound. */
static pr_market_view *open_view(const pr_series *s, pr_rule_plan *plan, int precompute) {
    pr_instrument in;
    pr_err err;
    assert_int_equal(pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in, &err), 0);
    const pr_series *ser[1] = {s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser, .precompute = precompute};
    pr_market_view *v = NULL;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    if (pr_rule_plan_declare(plan, v, &err) != 0) fail_msg("declare: %s", err.msg);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    assert_int_equal(pr_rule_plan_bind(plan, v, &err), 0);
    return v;
}

static void step(pr_market_view *v, const pr_series *s, size_t t) {
    const unsigned char one = 1;
    pr_err err;
    assert_int_equal(pr_view_step(v, s->ts[t] + pr_tf_ms(s->tf), &one, &err), 0);
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* ---- the property test: expressions built with their expected values ---------- */
#define NB 320
#define MAXLEAF 64

typedef struct tnode {
    int kind;                /* 0 leaf, 1 const, 2 + , 3 -, 4 *, 5 prev, 6 highest, 7 lowest,
                                8 min, 9 max, 10 abs, 11 neg, 20.. cond: 20 <, 21 >, 22 and, 23 or, 24 not */
    int a, b, n;
    const double *arr;       /* leaf: the indicator or field over all bars */
    double k;
} tnode;

typedef struct gen {
    pr_rng r;
    const pr_series *s;
    tnode nodes[256];
    int n;
    double *leaf[MAXLEAF];
    int n_leaf;
} gen;

/* One output of indicator `name` over the whole series, from the ta table's
 * batch function (real0 = the source field). */
static const double *batch(gen *g, const char *name, const double *real0, const double *params, int n_params,
                           int output) {
    const pr_ta_def *d;
    assert_int_equal(pr_ta_find(name, &d), 0);
    double full[PR_TA_MAX_PARAMS];
    pr_err err;
    assert_int_equal(pr_ta_check_params(d, params, n_params, full, &err), 0);
    double *outs[PR_TA_MAX_OUTPUTS] = {0};
    for (int k = 0; k < d->n_outputs; k++) outs[k] = malloc(NB * sizeof(double));
    const pr_series *s = g->s;
    pr_ta_input in = {.n = NB, .ts = s->ts, .open = s->open, .high = s->high, .low = s->low, .close = s->close,
                      .volume = s->volume, .real0 = real0, .real1 = s->low};
    assert_int_equal(d->run(&in, full, outs), 0);
    for (int k = 0; k < d->n_outputs; k++)
        if (k != output) free(outs[k]);
    assert_true(g->n_leaf < MAXLEAF);
    g->leaf[g->n_leaf++] = outs[output];
    return outs[output];
}

static int irand(gen *g, int lo, int hi) { return lo + (int)(pr_rng_next(&g->r) % (uint64_t)(hi - lo + 1)); }

static int add(gen *g, tnode t) {
    assert_true(g->n < 256);
    g->nodes[g->n] = t;
    return g->n++;
}

/* A random indicator or field leaf: its text appended to buf. */
static int leaf(gen *g, char *buf, size_t cap) {
    static const char *const fields[] = {"open", "high", "low", "close", "volume"};
    const pr_series *s = g->s;
    const double *fa[] = {s->open, s->high, s->low, s->close, s->volume};
    int f = irand(g, 0, 3);   /* the source of a real-input indicator */
    int which = irand(g, 0, 12);
    double p[4];
    const double *arr;
    size_t len = strlen(buf);
    char *o = buf + len;
    size_t oc = cap - len;
    switch (which) {
    case 0: {
        int k = irand(g, 0, 4);
        snprintf(o, oc, "%s", fields[k]);
        arr = fa[k];
        break;
    }
    case 1: p[0] = irand(g, 2, 30); snprintf(o, oc, "sma(%s,%g)", fields[f], p[0]); arr = batch(g, "sma", fa[f], p, 1, 0); break;
    case 2: p[0] = irand(g, 2, 30); snprintf(o, oc, "ema(%s, %g)", fields[f], p[0]); arr = batch(g, "ema", fa[f], p, 1, 0); break;
    case 3: p[0] = irand(g, 2, 20); snprintf(o, oc, "rsi(%s,%g)", fields[f], p[0]); arr = batch(g, "rsi", fa[f], p, 1, 0); break;
    case 4: p[0] = irand(g, 2, 20); snprintf(o, oc, "wma(%s,%g)", fields[f], p[0]); arr = batch(g, "wma", fa[f], p, 1, 0); break;
    case 5: p[0] = irand(g, 1, 20); snprintf(o, oc, "atr(%g)", p[0]); arr = batch(g, "atr", NULL, p, 1, 0); break;
    case 6: p[0] = irand(g, 2, 20); snprintf(o, oc, "willr(%g)", p[0]); arr = batch(g, "willr", NULL, p, 1, 0); break;
    case 7: p[0] = irand(g, 2, 20); snprintf(o, oc, "cci(%g)", p[0]); arr = batch(g, "cci", NULL, p, 1, 0); break;
    case 8: {
        static const char *const outs[] = {"upper", "middle", "lower"};
        int k = irand(g, 0, 2);
        p[0] = irand(g, 2, 30);
        p[1] = irand(g, 4, 12) / 4.0;
        p[2] = irand(g, 4, 12) / 4.0;
        snprintf(o, oc, "bbands(%s,%g,%g,%g).%s", fields[f], p[0], p[1], p[2], outs[k]);
        arr = batch(g, "bbands", fa[f], p, 3, k);
        break;
    }
    case 9: {
        static const char *const outs[] = {"macd", "signal", "hist"};
        int k = irand(g, 0, 2);
        p[0] = irand(g, 2, 10);
        p[1] = irand(g, 12, 30);
        p[2] = irand(g, 2, 9);
        snprintf(o, oc, "macd(%s,%g,%g,%g).%s", fields[f], p[0], p[1], p[2], outs[k]);
        arr = batch(g, "macd", fa[f], p, 3, k);
        break;
    }
    case 10: {
        int k = irand(g, 0, 1);
        p[0] = irand(g, 3, 14);
        p[1] = irand(g, 2, 5);
        p[2] = irand(g, 2, 5);
        snprintf(o, oc, "stoch(%g,%g,%g).%s", p[0], p[1], p[2], k ? "slowd" : "slowk");
        arr = batch(g, "stoch", NULL, p, 3, k);
        break;
    }
    case 11: p[0] = irand(g, 2, 14); snprintf(o, oc, "adx(%g)", p[0]); arr = batch(g, "adx", NULL, p, 1, 0); break;
    default: p[0] = irand(g, 2, 20); p[1] = 0; snprintf(o, oc, "zscore(%s,%g,0)", fields[f], p[0]); arr = batch(g, "zscore", fa[f], p, 2, 0); break;
    }
    return add(g, (tnode){.kind = 0, .arr = arr});
}

static void cat(char *buf, size_t cap, const char *s) { strncat(buf, s, cap - strlen(buf) - 1); }

/* A random number expression of depth at most d, its text appended to buf. */
static int number(gen *g, int d, char *buf, size_t cap) {
    int pick = d <= 0 ? irand(g, 0, 1) : irand(g, 0, 9);
    int a, b;
    char tmp[32];
    switch (pick) {
    case 0: return leaf(g, buf, cap);
    case 1: {
        double k = irand(g, 1, 40) / 8.0;   /* printed exactly by %g */
        snprintf(tmp, sizeof tmp, "%g", k);
        cat(buf, cap, tmp);
        return add(g, (tnode){.kind = 1, .k = k});
    }
    case 2:
    case 3:
    case 4: {
        static const char *const ops[] = {" + ", " - ", " * "};
        cat(buf, cap, "(");
        a = number(g, d - 1, buf, cap);
        cat(buf, cap, ops[pick - 2]);
        b = number(g, d - 1, buf, cap);
        cat(buf, cap, ")");
        return add(g, (tnode){.kind = pick, .a = a, .b = b});
    }
    case 5:
    case 6:
    case 7: {
        static const char *const fn[] = {"prev(", "highest(", "lowest("};
        int n = irand(g, 1, 6);
        cat(buf, cap, fn[pick - 5]);
        a = number(g, d - 1, buf, cap);
        snprintf(tmp, sizeof tmp, ", %d)", n);
        cat(buf, cap, tmp);
        return add(g, (tnode){.kind = pick, .a = a, .n = n});
    }
    case 8: {
        int mx = irand(g, 0, 1);
        cat(buf, cap, mx ? "max(" : "min(");
        a = number(g, d - 1, buf, cap);
        cat(buf, cap, ", ");
        b = number(g, d - 1, buf, cap);
        cat(buf, cap, ")");
        return add(g, (tnode){.kind = mx ? 9 : 8, .a = a, .b = b});
    }
    default: {
        int neg = irand(g, 0, 1);
        cat(buf, cap, neg ? "-" : "abs(");
        a = number(g, d - 1, buf, cap);
        if (!neg) cat(buf, cap, ")");
        return add(g, (tnode){.kind = neg ? 11 : 10, .a = a});
    }
    }
}

static int condition(gen *g, int d, char *buf, size_t cap) {
    int pick = d <= 0 ? 0 : irand(g, 0, 3);
    int a, b;
    if (pick == 0) {
        int gt = irand(g, 0, 1);
        cat(buf, cap, "(");
        a = number(g, 2, buf, cap);
        cat(buf, cap, gt ? " > " : " < ");
        b = number(g, 2, buf, cap);
        cat(buf, cap, ")");
        return add(g, (tnode){.kind = gt ? 21 : 20, .a = a, .b = b});
    }
    if (pick == 3) {
        cat(buf, cap, "not ");
        a = condition(g, d - 1, buf, cap);
        return add(g, (tnode){.kind = 24, .a = a});
    }
    cat(buf, cap, "(");
    a = condition(g, d - 1, buf, cap);
    cat(buf, cap, pick == 1 ? " and " : " or ");
    b = condition(g, d - 1, buf, cap);
    cat(buf, cap, ")");
    return add(g, (tnode){.kind = pick == 1 ? 22 : 23, .a = a, .b = b});
}

/* The value of node i at bar t read `lag` bars back, worked out from the
 * batch arrays: NaN before the data starts or while warming up; conditions
 * 1/0, NaN when unknown (Kleene logic). */
static double ref(const gen *g, int i, long t) {
    const tnode *n = &g->nodes[i];
    double a, b;
    switch (n->kind) {
    case 0: return t < 0 ? NAN : n->arr[t];
    case 1: return n->k;
    case 2: return ref(g, n->a, t) + ref(g, n->b, t);
    case 3: return ref(g, n->a, t) - ref(g, n->b, t);
    case 4: return ref(g, n->a, t) * ref(g, n->b, t);
    case 5: return ref(g, n->a, t - n->n);
    case 6:
    case 7: {
        double m = NAN;
        for (int j = 0; j < n->n; j++) {
            double x = ref(g, n->a, t - j);
            if (isnan(x)) return NAN;
            if (j == 0 || (n->kind == 6 ? x > m : x < m)) m = x;
        }
        return m;
    }
    case 8:
    case 9:
        a = ref(g, n->a, t);
        b = ref(g, n->b, t);
        if (isnan(a) || isnan(b)) return NAN;
        return n->kind == 8 ? (a < b ? a : b) : (a > b ? a : b);
    case 10: return fabs(ref(g, n->a, t));
    case 11: return -ref(g, n->a, t);
    case 20:
    case 21:
        a = ref(g, n->a, t);
        b = ref(g, n->b, t);
        if (isnan(a) || isnan(b)) return NAN;
        return n->kind == 20 ? a < b : a > b;
    case 22:
        a = ref(g, n->a, t);
        b = ref(g, n->b, t);
        return a == 0 || b == 0 ? 0 : (a == 1 && b == 1 ? 1 : NAN);
    case 23:
        a = ref(g, n->a, t);
        b = ref(g, n->b, t);
        return a == 1 || b == 1 ? 1 : (a == 0 && b == 0 ? 0 : NAN);
    default: a = ref(g, n->a, t); return isnan(a) ? NAN : 1 - a;
    }
}

static void test_random_expressions_match_ta(void **state) {
    (void)state;
    pr_series s;
    walk(&s, NB, 7);
    gen g;
    memset(&g, 0, sizeof g);
    pr_rng_seed(&g.r, 20261207);
    g.s = &s;
    for (int trial = 0; trial < 60; trial++) {
        int precompute = trial % 2;
        pr_rule_plan *plan = NULL;
        pr_err err;
        assert_int_equal(pr_rule_plan_new(&plan, &err), 0);
        char text[4][2048];
        int root[4], prog[4];
        g.n = 0;
        for (int k = 0; k < 4; k++) {
            text[k][0] = '\0';
            int cond = k >= 2;
            root[k] = cond ? condition(&g, 2, text[k], sizeof text[k]) : number(&g, 3, text[k], sizeof text[k]);
            if (pr_rule_plan_add(plan, "x", text[k], cond ? PR_RULE_CONDITION : PR_RULE_NUMBER, &prog[k], &err) != 0)
                fail_msg("%s: %s", text[k], err.msg);
        }
        pr_market_view *v = open_view(&s, plan, precompute);
        for (size_t t = 0; t < NB; t++) {
            step(v, &s, t);
            for (int k = 0; k < 4; k++) {
                double got = pr_rule_plan_eval(plan, prog[k], 0), want = ref(&g, root[k], (long)t);
                /* The streaming indicators equal the batch ones to rounding. */
                int ok = same(got, want) || (precompute == 0 && fabs(got - want) <= 1e-9 * (1 + fabs(want)));
                if (!ok) fail_msg("trial %d bar %zu: %s = %.17g, want %.17g", trial, t, text[k], got, want);
            }
        }
        pr_view_free(v);
        pr_rule_plan_free(plan);
        for (int k = 0; k < g.n_leaf; k++) free(g.leaf[k]);
        g.n_leaf = 0;
    }
    pr_series_free(&s);
}

/* ---- indicators of indicators, and two-input functions ------------------------
 * sma(rsi(close, 14), 5): RSI from the ta table's batch function (checked
 * against TA-Lib elsewhere), then the 5-bar mean worked out here, starting
 * where RSI has 5 values (bar 14 + 4 = 18), as TA-Lib's Python wrapper does
 * (it skips the leading NaNs). correl(close, volume, 30) and beta(high, low, 5)
 * against the batch functions with those two inputs. Both view modes
 * (precomputed, and bar by bar as for a higher timeframe or a live feed). */
static void test_nested_and_two_input(void **state) {
    (void)state;
    pr_series s;
    walk(&s, NB, 11);
    gen g;
    memset(&g, 0, sizeof g);
    g.s = &s;
    double p14 = 14, p30 = 30, p5 = 5;
    const double *rsi = batch(&g, "rsi", s.close, &p14, 1, 0);
    double sma[NB];
    for (int t = 0; t < NB; t++) {
        sma[t] = NAN;
        if (t < 18) continue;
        double sum = 0;
        for (int k = 0; k < 5; k++) sum += rsi[t - k];
        sma[t] = sum / 5;
    }
    assert_true(isnan(rsi[13]) && !isnan(rsi[14]));
    const pr_ta_def *d;
    double *correl = malloc(NB * sizeof(double)), *beta = malloc(NB * sizeof(double)), full[PR_TA_MAX_PARAMS];
    pr_err err;
    pr_ta_input in = {.n = NB, .ts = s.ts, .open = s.open, .high = s.high, .low = s.low, .close = s.close,
                      .volume = s.volume, .real0 = s.close, .real1 = s.volume};
    assert_int_equal(pr_ta_find("correl", &d), 0);
    assert_int_equal(pr_ta_check_params(d, &p30, 1, full, &err), 0);
    assert_int_equal(d->run(&in, full, &correl), 0);
    in.real0 = s.high;
    in.real1 = s.low;
    assert_int_equal(pr_ta_find("beta", &d), 0);
    assert_int_equal(pr_ta_check_params(d, &p5, 1, full, &err), 0);
    assert_int_equal(d->run(&in, full, &beta), 0);
    const char *text[3] = {"sma(rsi(close, 14), 5)", "correl(close, volume, 30)", "beta(high, low, 5)"};
    const double *want[3] = {sma, correl, beta};
    for (int precompute = 0; precompute < 2; precompute++) {
        pr_rule_plan *plan = NULL;
        assert_int_equal(pr_rule_plan_new(&plan, &err), 0);
        int prog[3];
        for (int k = 0; k < 3; k++)
            if (pr_rule_plan_add(plan, "x", text[k], PR_RULE_NUMBER, &prog[k], &err) != 0)
                fail_msg("%s: %s", text[k], err.msg);
        pr_market_view *v = open_view(&s, plan, precompute);
        /* the warm-up adds the two lookbacks: RSI's 14 and SMA's 4 */
        assert_true(pr_view_warmup(v) >= 19);
        for (size_t t = 0; t < NB; t++) {
            step(v, &s, t);
            for (int k = 0; k < 3; k++) {
                double got = pr_rule_plan_eval(plan, prog[k], 0), w = want[k][t];
                if (!((isnan(got) && isnan(w)) || fabs(got - w) <= 1e-9 * (1 + fabs(w))))
                    fail_msg("precompute %d bar %zu: %s = %.17g, want %.17g", precompute, t, text[k], got, w);
            }
        }
        pr_view_free(v);
        pr_rule_plan_free(plan);
    }
    free(correl);
    free(beta);
    for (int k = 0; k < g.n_leaf; k++) free(g.leaf[k]);
    pr_series_free(&s);
}

/* ---- no look-ahead ---------------------------------------------------------- */
static const char *const k_probe[] = {
    "crosses_above(ema(close,5), sma(close,12)) or rsi(close,7) > 60",
    "tf(\"4h\", ema(close,3)) > tf('4h', prev(close, 1)) and highest(high, 5) > prev(lowest(low, 3), 2)",
    "macd(hl2,5,13,4).hist + tf(\"4h\", atr(3)) - bbands(close,10,2,2).lower / 100",
    "tf(\"4h\", close)",
};

static void test_no_look_ahead(void **state) {
    (void)state;
    const size_t cut = 150;
    for (int precompute = 0; precompute < 2; precompute++) {
        pr_series a, b;
        walk(&a, 300, 11);
        walk(&b, 300, 11);
        /* b: the same bars up to `cut`, different ones after. */
        for (size_t i = cut + 1; i < b.len; i++) {
            b.close[i] *= 1.5;
            b.high[i] *= 1.6;
            b.low[i] *= 0.7;
            b.volume[i] *= 3;
        }
        pr_rule_plan *pa, *pb;
        pr_err err;
        int prog[4];
        assert_int_equal(pr_rule_plan_new(&pa, &err), 0);
        assert_int_equal(pr_rule_plan_new(&pb, &err), 0);
        for (int k = 0; k < 4; k++) {
            pr_rule_type ty = k == 2 || k == 3 ? PR_RULE_NUMBER : PR_RULE_CONDITION;
            if (pr_rule_plan_add(pa, "p", k_probe[k], ty, &prog[k], &err) != 0) fail_msg("%s", err.msg);
            assert_int_equal(pr_rule_plan_add(pb, "p", k_probe[k], ty, &prog[k], &err), 0);
        }
        pr_market_view *va = open_view(&a, pa, precompute), *vb = open_view(&b, pb, precompute);
        int differ_after = 0;
        for (size_t t = 0; t < a.len; t++) {
            step(va, &a, t);
            step(vb, &b, t);
            for (int k = 0; k < 4; k++) {
                double x = pr_rule_plan_eval(pa, prog[k], 0), y = pr_rule_plan_eval(pb, prog[k], 0);
                if (t <= cut && !same(x, y))
                    fail_msg("bar %zu: %s reads bars after it (%.17g vs %.17g)", t, k_probe[k], x, y);
                if (t > cut + 8 && !same(x, y)) differ_after = 1;
            }
            /* The 4h close is the latest *closed* 4h bar's: hourly bar t closes at
             * (t+1)h, so 4h bars 0..(t+1)/4-1 are closed, the last one ending
             * with hourly bar 4*((t+1)/4)-1. */
            double want = (t + 1) / 4 == 0 ? NAN : a.close[4 * ((t + 1) / 4) - 1];
            if (!same(pr_rule_plan_eval(pa, prog[3], 0), want)) fail_msg("bar %zu: tf 4h close", t);
        }
        assert_true(differ_after);   /* the probe does read the bars it should */
        pr_view_free(va);
        pr_view_free(vb);
        pr_rule_plan_free(pa);
        pr_rule_plan_free(pb);
        pr_series_free(&a);
        pr_series_free(&b);
    }
}

/* The strategy's decisions likewise (through the harness, as the backtest steps it). */
static int make(const char *json, pr_strategy **st, pr_err *err) {
    pr_config *cfg = NULL;
    int rc = pr_config_parse(json, &cfg, err);
    if (rc == 0) rc = pr_strategy_create("rules", cfg, "strategy.params", st, err);
    pr_config_free(cfg);
    return rc;
}

static const char *const k_strat =
    "{\"strategy\": {\"params\": {\"entry_long\": \"crosses_above(ema(close,4), ema(close,9))\","
    " \"exit_long\": \"crosses_below(ema(close,4), ema(close,9)) or tf('4h', close) < tf('4h', prev(low, 1))\","
    " \"entry_short\": \"close < lowest(prev(low,1), 6) and not (rsi(close,5) > 50)\","
    " \"exit_short\": \"close > highest(prev(high,1), 6)\", \"stop\": \"2*atr(5)\"}}}";

static void test_no_look_ahead_decisions(void **state) {
    (void)state;
    const size_t cut = 180;
    pr_series a, b;
    walk(&a, 300, 5);
    walk(&b, 300, 5);
    for (size_t i = cut + 1; i < b.len; i++) b.close[i] = b.open[i] = b.high[i] = b.low[i] = 50 + (double)(i % 7);
    pr_strategy *sa, *sb;
    pr_err err;
    if (make(k_strat, &sa, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(make(k_strat, &sb, &err), 0);
    static pr_signal_kind ka[300], kb[300];
    static pr_signal ga[300], gb[300];
    size_t na = sh_run_all(sa, &a, "BTCUSDT", PR_ASSET_CRYPTO, 1, ka, ga);
    size_t nb = sh_run_all(sb, &b, "BTCUSDT", PR_ASSET_CRYPTO, 1, kb, gb);
    assert_true(na != (size_t)-1 && nb != (size_t)-1);
    size_t before = 0;
    for (size_t t = 0; t <= cut; t++) {
        assert_int_equal(ka[t], kb[t]);
        if (ka[t] != PR_SIG_NONE) {
            before++;
            assert_true(same(ga[t].stop, gb[t].stop));
        }
    }
    assert_true(before >= 4);   /* it did decide things before the cut */
    pr_strategy_free(sa);
    pr_strategy_free(sb);
    pr_series_free(&a);
    pr_series_free(&b);
}

/* ---- semantics by hand -------------------------------------------------------- */
static void test_unknown_is_never_true(void **state) {
    (void)state;
    pr_series s;
    sh_series(&s, PR_TF_1H);
    for (int i = 0; i < 6; i++) sh_push(&s, 10 + i, 1);
    pr_rule_plan *p;
    pr_err err;
    int warm, notwarm, orwarm, andfalse;
    assert_int_equal(pr_rule_plan_new(&p, &err), 0);
    assert_int_equal(pr_rule_plan_add(p, "a", "sma(close,4) > 0", PR_RULE_CONDITION, &warm, &err), 0);
    assert_int_equal(pr_rule_plan_add(p, "b", "not (sma(close,4) > 0)", PR_RULE_CONDITION, &notwarm, &err), 0);
    assert_int_equal(pr_rule_plan_add(p, "c", "sma(close,4) > 0 or close > 0", PR_RULE_CONDITION, &orwarm, &err), 0);
    assert_int_equal(pr_rule_plan_add(p, "d", "sma(close,4) > 0 and close < 0", PR_RULE_CONDITION, &andfalse, &err),
                     0);
    pr_market_view *v = open_view(&s, p, 1);
    for (size_t t = 0; t < s.len; t++) {
        step(v, &s, t);
        /* SMA(4) exists from bar 3: before, "unknown"; neither it nor its negation is true. */
        double w = pr_rule_plan_eval(p, warm, 0), nw = pr_rule_plan_eval(p, notwarm, 0);
        if (t < 3) assert_true(isnan(w) && isnan(nw));
        else assert_true(w == 1 && nw == 0);
        assert_true(pr_rule_plan_eval(p, orwarm, 0) == 1);     /* true or unknown = true    */
        assert_true(pr_rule_plan_eval(p, andfalse, 0) == 0);   /* false and unknown = false */
    }
    /* sma(close,4) three times, close twice: two series. */
    assert_int_equal(pr_rule_plan_series(p), 2);
    pr_view_free(v);
    pr_rule_plan_free(p);
    pr_series_free(&s);
}

static void test_entry_carries_exits(void **state) {
    (void)state;
    /* Closes 10, 11, ..., 19: true range 1 each bar, so ATR(3) = 1 once defined. */
    pr_series s;
    sh_series(&s, PR_TF_1H);
    for (int i = 0; i < 10; i++) sh_push(&s, 10 + i, 100 + 10 * i);
    pr_strategy *st;
    pr_err err;
    const char *cfg =
        "{\"strategy\": {\"params\": {\"entry_long\": \"close >= 15\", \"stop\": \"2*atr(3)\","
        " \"targets\": \"1 @ 0.5, 3*atr(3) @ 0.25\", \"trail\": \"0.5\", \"time_stop\": 7,"
        " \"size\": \"volume / 300\"}}}";
    if (make(cfg, &st, &err) != 0) fail_msg("%s", err.msg);
    pr_signal_kind k[10];
    pr_signal sig[10];
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, k, sig), 1);   /* once: then long */
    assert_int_equal(k[5], PR_SIG_ENTER_LONG);
    const pr_signal *g = &sig[5];
    /* close 15, ATR 1: stop 13, targets 16 (half) and 18 (a quarter), trail 0.5, size = volume 150 / 300. */
    assert_true(g->stop == 13 && g->n_targets == 2 && g->target_price[0] == 16 && g->target_frac[0] == 0.5);
    assert_true(g->target_price[1] == 18 && g->target_frac[1] == 0.25 && g->trail_dist == 0.5 && g->max_bars == 7);
    assert_true(fabs(g->size_hint - 150.0 / 300) < 1e-15 && g->confidence == g->size_hint);
    pr_strategy_free(st);
    pr_series_free(&s);
}

/* Entry orders, management and position changes. Closes 10, 11, ..., 19
 * (true range 1); the harness fills an entry at the next bar. */
static void run_fields(const char *params, pr_signal_kind *k, pr_signal *sig, size_t want_total) {
    pr_series s;
    sh_series(&s, PR_TF_1H);
    for (int i = 0; i < 10; i++) sh_push(&s, 10 + i, 100);
    char cfg[1024];
    snprintf(cfg, sizeof cfg, "{\"strategy\": {\"params\": {%s}}}", params);
    pr_strategy *st;
    pr_err err;
    if (make(cfg, &st, &err) != 0) fail_msg("%s: %s", params, err.msg);
    size_t n = sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, k, sig);
    if (n != want_total) fail_msg("%s: %zu signals, want %zu", params, n, want_total);
    pr_strategy_free(st);
    pr_series_free(&s);
}

static void test_entry_orders_and_management(void **state) {
    (void)state;
    pr_signal_kind k[10];
    pr_signal sig[10];
    /* bar 5, close 15: a limit 0.5 below (14.5), a 2% trail, break-even at 1% */
    run_fields("\"entry_long\": \"close >= 15\", \"entry_limit\": \"0.5\", \"trail_pct\": \"0.02\","
               " \"breakeven\": \"0.01\"", k, sig, 1);
    assert_true(k[5] == PR_SIG_ENTER_LONG && sig[5].entry_limit == 14.5 && sig[5].entry_stop == 0 &&
                sig[5].trail_frac == 0.02 && sig[5].breakeven_gain == 0.01 && !sig[5].scale_in);
    /* a short stop-limit: stop 1 below the close (14 at close 15), limit at the close */
    run_fields("\"entry_short\": \"close >= 15\", \"entry_stop\": \"1\", \"entry_limit\": \"0\"", k, sig, 1);
    assert_true(k[5] == PR_SIG_ENTER_SHORT && sig[5].entry_stop == 14 && sig[5].entry_limit == 15);
    /* half out at close 17 (bar 7); flat at bar 8 in the harness, so 18 enters again */
    run_fields("\"entry_long\": \"close >= 15\", \"exit_long\": \"close >= 17\", \"exit_frac\": \"0.5\"", k, sig, 4);
    assert_true(k[5] == PR_SIG_ENTER_LONG && k[6] == PR_SIG_NONE && k[7] == PR_SIG_EXIT && sig[7].exit_frac == 0.5);
    assert_true(k[8] == PR_SIG_ENTER_LONG && k[9] == PR_SIG_EXIT);
    /* adds from close 16, at most 2: bars 6 and 7 */
    run_fields("\"entry_long\": \"close >= 15\", \"add_long\": \"close >= 16\", \"max_adds\": 2,"
               " \"size\": \"0.5\"", k, sig, 3);
    assert_true(k[5] == PR_SIG_ENTER_LONG && !sig[5].scale_in);
    assert_true(k[6] == PR_SIG_ENTER_LONG && sig[6].scale_in == 1 && sig[6].size_hint == 0.5);
    assert_true(k[7] == PR_SIG_ENTER_LONG && sig[7].scale_in == 1 && k[8] == PR_SIG_NONE);
    /* from close 17 the stop follows 1 below the close: 16, 17, 18 */
    run_fields("\"entry_long\": \"close >= 15\", \"adjust_long\": \"close >= 17\", \"adjust_stop\": \"1\"", k, sig,
               4);
    assert_true(k[7] == PR_SIG_ADJUST && sig[7].stop == 16 && sig[8].stop == 17 && sig[9].stop == 18);
    assert_true(sig[9].trail_dist == 0);
}

/* ---- errors ------------------------------------------------------------------- */
typedef struct bad_case {
    const char *key, *text, *msg;
} bad_case;

static const bad_case k_bad[] = {
    {"entry_long", "rsii(close,14) < 70", "column 1: unknown indicator 'rsii' (did you mean 'rsi'?)"},
    {"entry_long", "crosses_above(ema(close,20), ema(close,50)) and rsii(close,14) < 70",
     "column 49: unknown indicator 'rsii' (did you mean 'rsi'?)"},
    {"entry_long", "close >",
     "column 8: expected a number, a bar field, an indicator or '(', got the end of the expression"},
    {"exit_long", "ema(close,20)",
     "column 1: expected a condition (a comparison, and/or/not, crosses_above/crosses_below), got a number"},
    {"entry_long", "close > 1 and volume",
     "column 15: expected a condition (a comparison, and/or/not, crosses_above/crosses_below), got a number"},
    {"entry_long", "macd(close,12,26,9) > 0", "column 1: macd has several outputs: add one of .macd, .signal, .hist"},
    {"entry_long", "close < bbands(close,20,2,2).upperr",
     "column 30: bbands has no output 'upperr' (it has .upper, .middle, .lower)"},
    {"entry_long", "ema(20) > 0",
     "column 5: ema needs its input first (open, high, low, close, volume, hl2, hlc3, ohlc4 or an indicator call "
     "such as rsi(close, 14)), got '20'"},
    {"entry_long", "ema(close, close) > 0", "column 12: ema's parameter 'period' must be a number, got 'close'"},
    {"entry_long", "atr(14, 3) > 0", "column 9: atr takes 1 parameter, got more"},
    {"entry_long", "tf('4x', close) > 0", "column 4: expected a timeframe such as \"4h\", got '4x'"},
    {"entry_long", "prev(close, 0) > 1", "column 13: expected a whole number of bars in [1, 100000], got '0'"},
    {"entry_long", "close > 1 )", "column 11: expected an operator or the end of the expression, got ')'"},
    {"entry_long", "1 < close < 2", "column 11: comparisons do not chain: join them with 'and'"},
    {"entry_long", "clsoe > 1", "column 1: unknown name 'clsoe' (did you mean 'close'?)"},
    {"entry_long", "rsi > 50", "column 1: rsi is an indicator: call it with its input and parameters, e.g. rsi(...)"},
    {"entry_long", "correl(close, 5) > 0",
     "column 15: correl needs a second input (open, high, low, close, volume, hl2, hlc3 or ohlc4), got '5'"},
    {"entry_long", "correl(rsi(close, 14), close, 5) > 0",
     "column 8: correl needs its two inputs first (each one of open, high, low, close, volume, hl2, hlc3 or ohlc4), "
     "got 'rsi'"},
    {"entry_long", "sma(rsii(close, 14), 5) > 0", "column 5: unknown indicator 'rsii' (did you mean 'rsi'?)"},
    {"entry_long", "sma(rsi, 5) > 0", "column 5: rsi is an indicator: call it with its input and parameters, e.g. rsi(...)"},
    {"entry_long", "sma(rsi(close, 14).x, 5) > 0", "column 20: rsi has no output 'x' (it has .rsi)"},
    {"entry_long", "(close > 1", "column 11: expected ')', got the end of the expression"},
    {"size", "close > 1", "column 1: expected a number, got a condition"},
    {"stop", "2 * (close > 1)", "column 5: expected a number, got a condition"},
    {"targets", "0.02*close @ 1.5", "column 14: expected a fraction in (0, 1], got '1.5'"},
    {"targets", "0.02*close, 0.05*close @ 0.5",
     "column 11: expected '@' and the fraction of the position to close there, got ','"},
    {"targets", "close @ 0.6, close @ 0.6", "column 22: the fractions sum to 1.2, more than 1"},
};

static void test_error_messages(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof k_bad / sizeof k_bad[0]; i++) {
        const bad_case *c = &k_bad[i];
        /* The text as a JSON string: only '"' needs escaping in these. */
        char esc[512] = "", json[1024];
        for (const char *q = c->text; *q; q++) {
            if (*q == '"') strcat(esc, "\\");
            strncat(esc, q, 1);
        }
        const char *entry = strcmp(c->key, "entry_long") == 0 ? "" : "\"entry_long\": \"close > 0\", ";
        snprintf(json, sizeof json, "{\"strategy\": {\"params\": {%s\"%s\": \"%s\"}}}", entry, c->key, esc);
        pr_strategy *st = NULL;
        pr_err err;
        pr_err_clear(&err);
        assert_int_equal(make(json, &st, &err), PR_EINVAL);
        char want[600], field[80];
        snprintf(want, sizeof want, "strategy.params.%s: %s", c->key, c->msg);
        snprintf(field, sizeof field, "strategy.params.%s", c->key);
        if (strcmp(err.msg, want) != 0) fail_msg("%s\n got: %s\nwant: %s", c->text, err.msg, want);
        assert_string_equal(err.field, field);
        assert_null(st);
    }
    /* No entry rule at all; both target and targets. */
    pr_strategy *st = NULL;
    pr_err err;
    assert_int_equal(make("{\"strategy\": {\"params\": {\"exit_long\": \"close > 1\"}}}", &st, &err), PR_EINVAL);
    assert_string_equal(err.msg, "strategy.params.entry_long: missing: a rules strategy needs entry_long or entry_short");
    assert_int_equal(make("{\"strategy\": {\"params\": {\"entry_long\": \"close > 1\", \"target\": \"1\","
                          " \"targets\": \"1 @ 1\"}}}", &st, &err), PR_EINVAL);
    assert_string_equal(err.msg, "strategy.params.targets: give target or targets, not both");
    assert_int_equal(make("{\"strategy\": {\"params\": {\"entry_long\": 5}}}", &st, &err), PR_EINVAL);
    assert_string_equal(err.field, "strategy.params.entry_long");
    /* an adjustment needs both when and what */
    assert_int_equal(make("{\"strategy\": {\"params\": {\"entry_long\": \"close > 1\", \"adjust_long\": \"close > 2\"}}}",
                          &st, &err),
                     PR_EINVAL);
    assert_string_equal(err.msg, "strategy.params.adjust_long: an adjustment needs adjust_stop or adjust_trail (what to move)");
    assert_int_equal(make("{\"strategy\": {\"params\": {\"entry_long\": \"close > 1\", \"adjust_trail\": \"2\"}}}", &st,
                          &err),
                     PR_EINVAL);
    assert_string_equal(err.msg, "strategy.params.adjust_trail: needs adjust_long or adjust_short (when to move it)");
    assert_int_equal(make("{\"strategy\": {\"params\": {\"entry_long\": \"close > 1\", \"max_adds\": 0}}}", &st, &err),
                     PR_EINVAL);
    assert_string_equal(err.field, "strategy.params.max_adds");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_expressions_match_ta),
        cmocka_unit_test(test_nested_and_two_input),
        cmocka_unit_test(test_no_look_ahead),
        cmocka_unit_test(test_no_look_ahead_decisions),
        cmocka_unit_test(test_unknown_is_never_true),
        cmocka_unit_test(test_entry_carries_exits),
        cmocka_unit_test(test_entry_orders_and_management),
        cmocka_unit_test(test_error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
