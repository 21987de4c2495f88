/* The "portfolio" composite strategy on a hand-built two-instrument
 * sequence: two sma_cross(2/4) sleeves, one on AAA and one on BBB, the
 * regime of AAA picking the weights. Each step's signals are worked out by
 * hand below; the harness is an ideal broker (entries and exits fill at the
 * next bar). Also: a shared or unknown instrument is refused with its key
 * path, and the regime the strategy sees at each step is the one the batch
 * classifier gives for the bars up to it (no look-ahead through the view).
 *
 * Regime settings: ADX(2), EMA(2), slope over 1 bar, ATR(1) with a 2-bar
 * percentile window, Hurst off, every ADX/slope threshold 0, vol_high 1,
 * vol_low 0. Bars span close-3 .. close+3 and move at most 2, so the true
 * range is always 6: the percentile is 0.5 (no volatility regime), and the
 * regime is strong_bull when the EMA did not fall at this bar, else
 * strong_bear. Allocation: default [1, 1], strong_bull [1, 0.5],
 * strong_bear [0, 1].
 *
 *  t    AAA  SMA2   SMA4    EMA2     regime   BBB  SMA2  SMA4   sleeve signals
 *  0    10                                    20
 *  1    10   10             10                20   20
 *  2    10   10             10                20   20
 *  3    10   10     10      10       bull     20   20    20
 *  4    11   10.5   10.25   10.6667  bull     21   20.5  20.25  AAA up, BBB up
 *  5    12   11.5   10.75   11.5556  bull     19   20    20     (BBB d = 0)
 *  6    13   12.5   11.5    12.5185  bull     19   19    19.75  BBB down: EXIT
 *  7    13   13     12.25   12.8395  bull     19   19    19.5
 *  8    12.5 12.75  12.625  12.6132  bear     19   19    19     (BBB d = 0)
 *  9    12   12.25  12.625  12.2044  bear     21   20    19.5   AAA down: EXIT; BBB up
 * 10    14   13     12.875  13.4015  bull     21   21    20     AAA up
 * (EMA2: seed = mean of the first two closes, then e += 2/3 (close - e).)
 * Each sleeve's sma_cross also runs on the other instrument; those signals
 * must not pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk.h"

#define NB 11
static const double k_a[NB] = {10, 10, 10, 10, 11, 12, 13, 13, 12.5, 12, 14};
static const double k_b[NB] = {20, 20, 20, 20, 21, 19, 19, 19, 19, 21, 21};

static const char *k_cfg =
    "{\"strategy\": {\"params\": {"
    " \"sleeves\": [{\"strategy\": \"sma_cross\", \"params\": {\"fast\": 2, \"slow\": 4}, \"markets\": [\"AAA\"]},"
    "               {\"strategy\": \"sma_cross\", \"params\": {\"fast\": 2, \"slow\": 4}, \"markets\": [%s]}],"
    " \"regime_market\": \"AAA\","
    " \"regime\": {\"adx_period\": 2, \"ema_period\": 2, \"slope_bars\": 1, \"atr_period\": 1, \"atr_window\": 2,"
    "   \"hurst_window\": 0, \"adx_trend\": 0, \"adx_strong\": 0, \"slope_weak\": 0, \"slope_strong\": 0,"
    "   \"vol_high\": 1, \"vol_low\": 0},"
    " \"confirm_bars\": %d,"
    " \"allocation\": {\"default\": [1, 1], \"strong_bull\": [1, 0.5], \"strong_bear\": [0, 1]}}}}";

typedef struct run {
    pr_series a, b;
    pr_instrument in[2];
    pr_market_view *v;
    pr_strategy *st;
    double qty[2], pending[2];
    pr_portfolio pf;
    pr_signal buf[16];
    pr_signal_list out;
} run;

static int holding(void *self, int inst, pr_holding *out) {
    const run *r = self;
    if (r->qty[inst] != 0) *out = (pr_holding){r->qty[inst], 0, 0};
    return 0;
}

static void series(pr_series *s, const char *sym, const double *c) {
    pr_series_init(s, NB);
    s->tf = PR_TF_1H;
    pr_strlcpy(s->symbol, sym, sizeof s->symbol);
    for (int t = 0; t < NB; t++) pr_series_push(s, (int64_t)t * 3600000, c[t], c[t] + 3, c[t] - 3, c[t], 1);
}

/* The LLM regime verdict (risk.regime.llm_weight) a test installs. */
static double g_llm_weight;
static pr_multi_regime_llm g_llm;

static int open_run(run *r, const char *markets_b, int confirm, pr_err *e) {
    memset(r, 0, sizeof *r);
    series(&r->a, "AAA", k_a);
    series(&r->b, "BBB", k_b);
    pr_instrument_default("AAA", PR_ASSET_CRYPTO, &r->in[0], e);
    pr_instrument_default("BBB", PR_ASSET_CRYPTO, &r->in[1], e);
    const pr_series *ser[2] = {&r->a, &r->b};
    pr_view_config vc = {.n_instruments = 2, .instruments = r->in, .series = ser};
    assert_int_equal(pr_view_new(&vc, &r->v, e), 0);
    r->pf = (pr_portfolio){r, holding, NULL, NULL};
    pr_view_set_portfolio(r->v, &r->pf);
    char text[2048];
    snprintf(text, sizeof text, k_cfg, markets_b, confirm);
    pr_config *cfg = NULL;
    assert_int_equal(pr_config_parse(text, &cfg, e), 0);
    pr_multi_config mc;
    int rc = pr_multi_config_read(cfg, "strategy.params", &mc, e);
    mc.regime.llm_weight = g_llm_weight;
    if (rc == PR_OK) rc = pr_multi_new(&mc, cfg, &r->st, e);
    if (rc == PR_OK && g_llm) pr_multi_set_regime_llm(r->st, g_llm, r);
    pr_config_free(cfg);
    if (rc == PR_OK) rc = r->st->vt->init(r->st, r->v, e);
    if (rc == PR_OK) rc = pr_view_prepare(r->v, e);
    return rc;
}

static void close_run(run *r) {
    pr_strategy_free(r->st);
    pr_view_free(r->v);
    pr_series_free(&r->a);
    pr_series_free(&r->b);
}

static void step(run *r, int t) {
    const unsigned char both[2] = {1, 1};
    pr_err e;
    assert_int_equal(pr_view_step(r->v, (int64_t)(t + 1) * 3600000, both, &e), 0);
    r->qty[0] = r->pending[0];
    r->qty[1] = r->pending[1];
    pr_signal_list_init(&r->out, r->buf, 16);
    assert_int_equal(r->st->vt->on_bar(r->st, r->v, &r->out, &e), 0);
    for (size_t k = 0; k < r->out.n; k++) {
        const pr_signal *s = &r->out.items[k];
        if (s->kind == PR_SIG_EXIT) r->pending[s->instrument] = 0;
        if (s->kind == PR_SIG_ENTER_LONG) r->pending[s->instrument] = 1;
    }
}

/* The signal of `inst` in this step's list (NULL: none); fails on two. */
static const pr_signal *sig_of(const run *r, int inst) {
    const pr_signal *found = NULL;
    for (size_t k = 0; k < r->out.n; k++)
        if (r->out.items[k].instrument == inst) {
            if (found) fail_msg("two signals for instrument %d", inst);
            found = &r->out.items[k];
        }
    return found;
}

static void expect(const run *r, int t, int inst, pr_signal_kind kind, double hint) {
    const pr_signal *s = sig_of(r, inst);
    if (kind == PR_SIG_NONE) {
        if (s) fail_msg("t %d inst %d: unexpected %s", t, inst, pr_signal_kind_name(s->kind));
        return;
    }
    if (!s) fail_msg("t %d inst %d: no signal, want %s", t, inst, pr_signal_kind_name(kind));
    if (s->kind != kind)
        fail_msg("t %d inst %d: %s, want %s", t, inst, pr_signal_kind_name(s->kind), pr_signal_kind_name(kind));
    if (kind != PR_SIG_EXIT && s->size_hint != hint)
        fail_msg("t %d inst %d: size_hint %g, want %g", t, inst, s->size_hint, hint);
}

/* confirm_bars 1: the regime switches at the bar it is first seen. */
static void test_weights_and_switch(void **state) {
    (void)state;
    run r;
    pr_err e;
    assert_int_equal(open_run(&r, "\"BBB\"", 1, &e), 0);
    for (int t = 0; t < NB; t++) {
        step(&r, t);
        switch (t) {
        case 4:   /* bull [1, 0.5]: AAA's entry unscaled (hint 0 = 1), BBB's halved */
            expect(&r, t, 0, PR_SIG_ENTER_LONG, 0);
            expect(&r, t, 1, PR_SIG_ENTER_LONG, 0.5);
            assert_int_equal(r.out.n, 2);   /* the sleeves' signals on each other's market dropped */
            break;
        case 6:
            expect(&r, t, 0, PR_SIG_NONE, 0);
            expect(&r, t, 1, PR_SIG_EXIT, 0);
            break;
        case 8: { /* bear [0, 1]: AAA's sleeve falls to 0, its open long is closed */
            expect(&r, t, 0, PR_SIG_EXIT, 0);
            assert_string_equal(sig_of(&r, 0)->tag, "regime");
            expect(&r, t, 1, PR_SIG_NONE, 0);
            break;
        }
        case 9:   /* AAA's own exit passes; BBB's entry at weight 1 */
            expect(&r, t, 0, PR_SIG_EXIT, 0);
            expect(&r, t, 1, PR_SIG_ENTER_LONG, 0);
            break;
        case 10:  /* bull again: AAA's entry at weight 1 */
            expect(&r, t, 0, PR_SIG_ENTER_LONG, 0);
            expect(&r, t, 1, PR_SIG_NONE, 0);
            break;
        default:
            if (r.out.n) fail_msg("t %d: %zu unexpected signals", t, r.out.n);
        }
    }
    pr_multi_stats st;
    pr_multi_get_stats(r.st, &st);
    assert_int_equal(st.switches, 2);      /* bull -> bear (t 8), bear -> bull (t 10) */
    assert_int_equal(st.closings, 1);
    assert_int_equal(st.dropped_entries, 0);
    assert_int_equal(st.regime, PR_RISK_REGIME_STRONG_BULL);
    close_run(&r);
}

/* confirm_bars 2: bull holds from t 3 (the first regime needs no
 * confirmation), bear from t 9 (its second bar), and
 * t 10's bull is only a candidate: AAA's exit at t 9 is the sleeve's own
 * (the portfolio adds none), and AAA's entry at t 10 is dropped (weight 0). */
static void test_confirm_bars(void **state) {
    (void)state;
    run r;
    pr_err e;
    assert_int_equal(open_run(&r, "\"BBB\"", 2, &e), 0);
    for (int t = 0; t < NB; t++) {
        step(&r, t);
        if (t == 4) {
            expect(&r, t, 0, PR_SIG_ENTER_LONG, 0);
            expect(&r, t, 1, PR_SIG_ENTER_LONG, 0.5);
        } else if (t == 8) {
            assert_int_equal(r.out.n, 0);
        } else if (t == 9) {
            expect(&r, t, 0, PR_SIG_EXIT, 0);
            assert_string_not_equal(sig_of(&r, 0)->tag, "regime");
            expect(&r, t, 1, PR_SIG_ENTER_LONG, 0);
        } else if (t == 10) {
            assert_int_equal(r.out.n, 0);
        }
    }
    pr_multi_stats st;
    pr_multi_get_stats(r.st, &st);
    assert_int_equal(st.switches, 1);
    assert_int_equal(st.closings, 0);
    assert_int_equal(st.dropped_entries, 1);
    assert_int_equal(st.regime, PR_RISK_REGIME_STRONG_BEAR);
    close_run(&r);
}

/* At every step the strategy's regime (confirm 1) is the batch classifier's
 * for AAA's bars up to that step. */
static void test_regime_matches_batch(void **state) {
    (void)state;
    run r;
    pr_err e;
    assert_int_equal(open_run(&r, "\"BBB\"", 1, &e), 0);
    pr_config *cfg = NULL;
    char text[2048];
    snprintf(text, sizeof text, k_cfg, "\"BBB\"", 1);
    assert_int_equal(pr_config_parse(text, &cfg, &e), 0);
    pr_regime_params p;
    assert_int_equal(pr_params_read(&pr_risk_regime_info, cfg, "strategy.params.regime", &p, &e), 0);
    pr_config_free(cfg);
    pr_risk_regime batch[NB];
    assert_int_equal(pr_regime_classify(&p, NB, r.a.high, r.a.low, r.a.close, batch, NULL, &e), 0);
    const pr_risk_regime want[NB] = {-1, -1, -1, 0, 0, 0, 0, 0, 5, 5, 0};   /* the table above */
    for (int t = 0; t < NB; t++) {
        step(&r, t);
        pr_multi_stats st;
        pr_multi_get_stats(r.st, &st);
        assert_int_equal(batch[t], want[t]);
        assert_int_equal(st.regime, want[t]);
    }
    close_run(&r);
}

static void test_refusals(void **state) {
    (void)state;
    run r;
    pr_err e;
    assert_int_equal(open_run(&r, "\"AAA\"", 1, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "strategy.params.sleeves.1.markets.0: 'AAA' already belongs to sleeve 0"));
    close_run(&r);
    assert_int_equal(open_run(&r, "\"BBB\", \"XYZ\"", 1, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "strategy.params.sleeves.1.markets.1: 'XYZ' is not an instrument of this run"));
    close_run(&r);
    /* A row with the wrong number of weights. */
    pr_config *cfg = NULL;
    assert_int_equal(pr_config_parse("{\"p\": {\"sleeves\": [{\"strategy\": \"sma_cross\", \"markets\": [\"A\"]}],"
                                     " \"regime_market\": \"A\", \"allocation\": {\"weak_bull\": [1, 1]}}}",
                                     &cfg, &e), 0);
    pr_multi_config mc;
    assert_int_equal(pr_multi_config_read(cfg, "p", &mc, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "p.allocation.weak_bull: expected 1 weights"));
    pr_config_free(cfg);
}

/* A model that always answers strong_bear with probability 0.9 (0.1 on
 * strong_bull), and records how many bars of AAA it was shown. */
static size_t g_seen[NB + 1], g_calls;
static int always_bear(void *ctx, const pr_market_view *v, int inst, double prob[PR_RISK_REGIME_COUNT], int *ok,
                       pr_err *err) {
    (void)ctx, (void)err;
    assert_int_equal(inst, 0);   /* the regime market, AAA */
    for (int k = 0; k < PR_RISK_REGIME_COUNT; k++) prob[k] = 0;
    prob[PR_RISK_REGIME_STRONG_BEAR] = 0.9;
    prob[PR_RISK_REGIME_STRONG_BULL] = 0.1;
    if (g_calls <= NB) g_seen[g_calls] = pr_view_len(v, inst, PR_TF_NONE);
    g_calls++;
    *ok = 1;
    return PR_OK;
}

/* The LLM regime combined with the technical one, from t 3 (the first bar
 * with a technical regime; never before). Weight 0.25 (w = 0.75): at a
 * technical bull bar, bull scores 0.75 + 0.25 x 0.1 = 0.775 and bear
 * 0.25 x 0.9 = 0.225: the technical regime stands, the run is the one of
 * test_weights_and_switch (t 4: AAA's entry at 1, BBB's at 0.5). Weight
 * 0.9 (w = 0.1): bull 0.1 + 0.9 x 0.1 = 0.19, bear 0.81: bear throughout,
 * so at t 4 AAA's entry is dropped (weight 0) and BBB's passes at 1. The
 * model sees AAA's bars up to the step only: t + 1 of them at step t. */
static void test_llm_regime(void **state) {
    (void)state;
    run r;
    pr_err e;
    g_llm = always_bear;
    g_llm_weight = 0.25;
    g_calls = 0;
    assert_int_equal(open_run(&r, "\"BBB\"", 1, &e), 0);
    for (int t = 0; t <= 4; t++) step(&r, t);
    expect(&r, 4, 0, PR_SIG_ENTER_LONG, 0);
    expect(&r, 4, 1, PR_SIG_ENTER_LONG, 0.5);
    pr_multi_stats st;
    pr_multi_get_stats(r.st, &st);
    assert_int_equal(st.llm_asked, 2);   /* t 3 and t 4 */
    assert_int_equal(st.llm_changed, 0);
    close_run(&r);

    g_llm_weight = 0.9;
    g_calls = 0;
    assert_int_equal(open_run(&r, "\"BBB\"", 1, &e), 0);
    for (int t = 0; t <= 4; t++) step(&r, t);
    expect(&r, 4, 0, PR_SIG_NONE, 0);
    expect(&r, 4, 1, PR_SIG_ENTER_LONG, 0);
    pr_multi_get_stats(r.st, &st);
    assert_int_equal(st.regime, PR_RISK_REGIME_STRONG_BEAR);
    assert_int_equal(st.llm_asked, 2);
    assert_int_equal(st.llm_answered, 2);
    assert_int_equal(st.llm_changed, 2);
    assert_int_equal(st.dropped_entries, 1);
    assert_int_equal((int)g_calls, 2);
    assert_int_equal((int)g_seen[0], 4);   /* at t 3: bars 0..3 */
    assert_int_equal((int)g_seen[1], 5);   /* at t 4: bars 0..4 */
    close_run(&r);

    /* Weight 0 (the default): the model is never asked. */
    g_llm_weight = 0;
    g_calls = 0;
    assert_int_equal(open_run(&r, "\"BBB\"", 1, &e), 0);
    for (int t = 0; t <= 4; t++) step(&r, t);
    assert_int_equal((int)g_calls, 0);
    close_run(&r);
    g_llm = NULL;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights_and_switch),
        cmocka_unit_test(test_confirm_bars),
        cmocka_unit_test(test_regime_matches_batch),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_llm_regime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
