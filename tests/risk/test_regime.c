/* The technical regime classifier: the rule on hand-given inputs (each
 * branch and its boundary), eight synthetic series each built to be one
 * regime, the hysteresis filter, the LLM combination, and no look-ahead
 * (bar t's regime never changes when later bars change or are cut). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk.h"

static pr_regime_params defaults(void) {
    pr_regime_params p;
    pr_regime_params_default(&p);
    return p;
}

static pr_risk_regime rule(double adx, double slope, double hurst, double pct) {
    pr_regime_params p = defaults();
    pr_regime_inputs in = {adx, slope, hurst, pct};
    return pr_regime_rule(&p, &in);
}

/* Defaults: adx_trend 20, adx_strong 30, slope_weak 0.02, slope_strong
 * 0.08, hurst_min 0.45, vol_high 0.9, vol_low 0.1. */
static void test_rule_by_hand(void **state) {
    (void)state;
    assert_int_equal(rule(35, 0.10, 0.6, 0.5), PR_RISK_REGIME_STRONG_BULL);   /* 35>=30, 0.10>=0.08 */
    assert_int_equal(rule(30, 0.08, 0.45, 0.5), PR_RISK_REGIME_STRONG_BULL);  /* every bound inclusive */
    assert_int_equal(rule(35, -0.10, 0.6, 0.5), PR_RISK_REGIME_STRONG_BEAR);
    assert_int_equal(rule(29.9, 0.10, 0.6, 0.5), PR_RISK_REGIME_WEAK_BULL);   /* ADX below strong */
    assert_int_equal(rule(35, 0.05, 0.6, 0.5), PR_RISK_REGIME_WEAK_BULL);     /* slope below strong */
    assert_int_equal(rule(25, -0.03, 0.5, 0.5), PR_RISK_REGIME_WEAK_BEAR);
    assert_int_equal(rule(19.9, 0.10, 0.6, 0.5), PR_RISK_REGIME_BULL_RANGE);  /* no trend by ADX */
    assert_int_equal(rule(25, 0.01, 0.6, 0.5), PR_RISK_REGIME_BULL_RANGE);    /* flat slope */
    assert_int_equal(rule(25, -0.01, 0.6, 0.5), PR_RISK_REGIME_BEAR_RANGE);
    assert_int_equal(rule(40, 0.20, 0.40, 0.5), PR_RISK_REGIME_BULL_RANGE);   /* mean-reverting: H 0.40 < 0.45 */
    assert_int_equal(rule(40, -0.20, 0.40, 0.5), PR_RISK_REGIME_BEAR_RANGE);
    assert_int_equal(rule(40, 0.20, NAN, 0.5), PR_RISK_REGIME_STRONG_BULL);   /* H undefined: no objection */
    assert_int_equal(rule(40, 0.20, 0.6, 0.9), PR_RISK_REGIME_HIGH_VOL_EXPANSION);   /* first rule wins */
    assert_int_equal(rule(10, 0.0, 0.6, 0.1), PR_RISK_REGIME_LOW_VOL_COMPRESSION);
    assert_int_equal(rule(25, 0.0, 0.6, 0.05), PR_RISK_REGIME_BULL_RANGE);   /* ADX 25: no compression */
    assert_int_equal(rule(NAN, 0.1, 0.6, 0.5), PR_RISK_REGIME_NONE);
    assert_int_equal(rule(25, NAN, 0.6, 0.5), PR_RISK_REGIME_NONE);
    assert_int_equal(rule(25, 0.1, 0.6, NAN), PR_RISK_REGIME_NONE);
    assert_string_equal(pr_risk_regime_name(PR_RISK_REGIME_LOW_VOL_COMPRESSION), "low_vol_compression");
    assert_string_equal(pr_risk_regime_name(PR_RISK_REGIME_NONE), "none");
}

/* ---- synthetic series ---------------------------------------------------------------
 * Closes on a 1/1024 grid so that high - low is exactly 2R. Each bar spans
 * close - R .. close + R; with every move |c[t] - c[t-1]| <= R the true range
 * is exactly 2R, so the ATR is constant, every ATR in the window equal and the
 * percentile (below + equal/2)/(w - 1) exactly 0.5: neither volatility regime.
 * Trend moves are a drift mu plus AR(1) noise e[t] = 0.6 e[t-1] + u, u uniform
 * in [-0.05, 0.05] (|e| <= 0.125): persistent increments, so H > 0.5. With R =
 * 1 (ATR 2) the EMA slope is about mu / 2 ATRs per bar. */
#define N 400
typedef struct syn {
    double h[N], l[N], c[N];
} syn;

static double q(double x) { return round(x * 1024.0) / 1024.0; }

static void bars(syn *s, const double *range) {
    for (int t = 0; t < N; t++) {
        s->h[t] = s->c[t] + range[t];
        s->l[t] = s->c[t] - range[t];
    }
}

static void trend(syn *s, double start, double mu) {
    pr_rng g;
    pr_rng_seed(&g, 7);
    double e = 0, range[N];
    s->c[0] = start;
    for (int t = 1; t < N; t++) {
        e = 0.6 * e + 0.1 * (pr_rng_uniform(&g) - 0.5);
        s->c[t] = q(s->c[t - 1] + mu + e);
    }
    for (int t = 0; t < N; t++) range[t] = 1;
    bars(s, range);
}

/* A period-6 oscillation of amplitude a (moves up to 2a sin(pi/6) ... about
 * 1.05a <= R) around a drift of `drift` per bar: up and down moves cancel
 * within ADX's window (ADX low), the EMA's slope is drift / 2 ATRs per bar,
 * under slope_weak (0.02) for |drift| = 0.02, and the oscillation makes the
 * increments anti-persistent (H well below 0.45). */
static void ranging(syn *s, double drift, double a, double r_last, int n_last) {
    double range[N];
    for (int t = 0; t < N; t++) {
        s->c[t] = q(100 + drift * t + a * sin(2 * M_PI * t / 6.0));
        range[t] = t >= N - n_last ? r_last : 1;
    }
    bars(s, range);
}

static pr_risk_regime last(const syn *s, pr_regime_inputs *in) {
    pr_regime_params p = defaults();
    static pr_risk_regime out[N];
    static pr_regime_inputs all[N];
    pr_err e;
    assert_int_equal(pr_regime_classify(&p, N, s->h, s->l, s->c, out, all, &e), 0);
    *in = all[N - 1];
    return out[N - 1];
}

static void expect(const syn *s, pr_risk_regime want) {
    pr_regime_inputs in;
    pr_risk_regime got = last(s, &in);
    if (got != want)
        fail_msg("got %s, want %s (adx %g slope %g hurst %g atr_pct %g)", pr_risk_regime_name(got),
                 pr_risk_regime_name(want), in.adx, in.slope, in.hurst, in.atr_pct);
}

static void test_eight_regimes(void **state) {
    (void)state;
    static syn s;
    trend(&s, 100, 0.4);     /* slope ~0.2 >= 0.08, every move up: ADX near 100 */
    expect(&s, PR_RISK_REGIME_STRONG_BULL);
    pr_regime_inputs in;
    last(&s, &in);
    assert_true(in.atr_pct == 0.5);           /* constant ATR: exactly the middle */
    assert_true(in.hurst > 0.5);              /* persistent increments */
    trend(&s, 100, 0.08);    /* slope ~0.04: in [0.02, 0.08) */
    expect(&s, PR_RISK_REGIME_WEAK_BULL);
    trend(&s, 300, -0.08);
    expect(&s, PR_RISK_REGIME_WEAK_BEAR);
    trend(&s, 300, -0.4);
    expect(&s, PR_RISK_REGIME_STRONG_BEAR);
    ranging(&s, 0.02, 0.8, 1, 0);
    expect(&s, PR_RISK_REGIME_BULL_RANGE);
    ranging(&s, -0.02, 0.8, 1, 0);
    expect(&s, PR_RISK_REGIME_BEAR_RANGE);
    /* The last 10 bars three times as wide: the ATR climbs above every value
     * of its window (percentile 1 >= 0.9). */
    ranging(&s, 0.02, 0.8, 3, 10);
    expect(&s, PR_RISK_REGIME_HIGH_VOL_EXPANSION);
    /* Half as wide for the last 30 bars (moves of 1.05 x 0.4 <= 0.5): the ATR
     * falls below every value of its window (percentile 0 <= 0.1), ADX low. */
    ranging(&s, 0.0, 0.4, 0.5, 30);
    expect(&s, PR_RISK_REGIME_LOW_VOL_COMPRESSION);
}

/* Bar t's regime uses bars up to t only: cutting the series after t, or
 * replacing every later bar with a crash, leaves out[0..t] unchanged, while
 * the crash changes the regime of the bars it reaches (so the test could
 * tell). */
static void test_no_look_ahead(void **state) {
    (void)state;
    static syn s, crash;
    trend(&s, 100, 0.4);
    crash = s;
    size_t cut = 300;
    for (size_t t = cut; t < N; t++) {
        crash.c[t] = q(crash.c[t - 1] * 0.9);
        crash.h[t] = crash.c[t] + 5;
        crash.l[t] = crash.c[t] - 5;
    }
    pr_regime_params p = defaults();
    static pr_risk_regime full[N], part[N], cr[N];
    pr_err e;
    assert_int_equal(pr_regime_classify(&p, N, s.h, s.l, s.c, full, NULL, &e), 0);
    assert_int_equal(pr_regime_classify(&p, cut, s.h, s.l, s.c, part, NULL, &e), 0);
    assert_int_equal(pr_regime_classify(&p, N, crash.h, crash.l, crash.c, cr, NULL, &e), 0);
    for (size_t t = 0; t < cut; t++) {
        assert_int_equal(part[t], full[t]);
        assert_int_equal(cr[t], full[t]);
    }
    assert_int_equal(full[cut], PR_RISK_REGIME_STRONG_BULL);
    assert_int_not_equal(cr[cut], full[cut]);
    /* The warm-up: nothing before the longest lookback (Hurst's 100 closes,
     * the ATR percentile's 14 + 100 - 1 = 113 bars). */
    assert_int_equal(pr_regime_lookback(&p), 113);
    assert_int_equal(full[112], PR_RISK_REGIME_NONE);
    assert_int_not_equal(full[113], PR_RISK_REGIME_NONE);
}

static void test_filter(void **state) {
    (void)state;
    pr_regime_filter f;
    pr_regime_filter_init(&f, 3);
    /* NONE (warm-up) stays; the first regime, bull, holds at once (no
     * allocation to protect yet); one bear bar and back: no change; bear x3:
     * changes at the third; weak bull x2 then strong bull: the count starts
     * again, no change. */
    const pr_risk_regime seq[] = {-1, 0, 0, 5, 0, 5, 5, 5, 1, 1, 0};
    const int changed[] = {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    const pr_risk_regime now[] = {-1, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5};
    for (int i = 0; i < 11; i++) {
        assert_int_equal(pr_regime_filter_step(&f, seq[i]), changed[i]);
        assert_int_equal(f.current, now[i]);
    }
}

/* score(r) = w [r == technical] + (1 - w) p[r]. */
static void test_combine(void **state) {
    (void)state;
    double p[PR_RISK_REGIME_COUNT] = {0.6, 0.2, 0.1, 0.1, 0, 0, 0, 0};
    /* technical weak_bull (p 0.2): w 0.25 -> 0.25 + 0.75 x 0.2 = 0.40 against
     * strong_bull 0.75 x 0.6 = 0.45: the model wins. */
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_WEAK_BULL, p, 0.25), PR_RISK_REGIME_STRONG_BULL);
    /* w 0.3: 0.3 + 0.7 x 0.2 = 0.44 against 0.7 x 0.6 = 0.42: technical. */
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_WEAK_BULL, p, 0.3), PR_RISK_REGIME_WEAK_BULL);
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_WEAK_BULL, p, 1), PR_RISK_REGIME_WEAK_BULL);
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_WEAK_BULL, p, 0), PR_RISK_REGIME_STRONG_BULL);
    /* A tie (w 0 and equal probabilities) goes to the technical regime. */
    double tie[PR_RISK_REGIME_COUNT] = {0.5, 0.5, 0, 0, 0, 0, 0, 0};
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_WEAK_BULL, tie, 0), PR_RISK_REGIME_WEAK_BULL);
    assert_int_equal(pr_regime_combine(PR_RISK_REGIME_NONE, p, 0.5), PR_RISK_REGIME_STRONG_BULL);
}

static void test_params_checked(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err e;
    assert_int_equal(pr_config_parse("{\"regime\": {\"adx_trend\": 30, \"adx_strong\": 20}}", &cfg, &e), 0);
    pr_regime_params p;
    assert_int_equal(pr_params_read(&pr_risk_regime_info, cfg, "regime", &p, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "regime.adx_strong"));
    pr_config_free(cfg);
    assert_int_equal(pr_config_parse("{\"regime\": {\"hurst_window\": 50}}", &cfg, &e), 0);
    assert_int_equal(pr_params_read(&pr_risk_regime_info, cfg, "regime", &p, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "regime.hurst_window"));
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_by_hand), cmocka_unit_test(test_eight_regimes),
        cmocka_unit_test(test_no_look_ahead), cmocka_unit_test(test_filter),
        cmocka_unit_test(test_combine),      cmocka_unit_test(test_params_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
