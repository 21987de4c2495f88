/* The confirmation multipliers (risk/mult.h) on hand-built signals, and
 * through pr_risk_size on a fixed-fraction base: each expected size is the
 * base (5% of 10,000 = 500 notional) times the table's row, written out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

static void near(double got, double want) {
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) fail_msg("got %.12g, want %.12g", got, want);
}

static pr_risk_mult mult_(void) {
    pr_risk_config c;
    pr_risk_config_defaults(&c);
    return c.mult;
}

static pr_signal sig_(pr_signal_verdict v, double conf) {
    pr_signal s;
    memset(&s, 0, sizeof s);
    s.kind = PR_SIG_ENTER_LONG;
    s.confidence = 1;
    s.verdict = v;
    s.verdict_confidence = conf;
    return s;
}

/* Sizes a signal at 5% of 10,000 with the multipliers of m. */
static double size_(const pr_risk_mult *m, const pr_signal *sig, const char **why) {
    pr_risk_sizing s;
    pr_risk_sizing_defaults(&s);
    s.mode = PR_RISK_FIXED_FRACTION;
    s.fraction = 0.05;
    pr_risk_inputs in = {.equity = 10000, .price = 100, .confidence = 1, .fx = 1};
    in.mult = pr_risk_mult_factor(m, sig, &in.mult_why);
    pr_risk_decision d;
    pr_risk_size(&s, &in, &d);
    *why = d.reason;
    return d.value;
}

static void test_verdict_table(void **state) {
    (void)state;
    pr_risk_mult m = mult_();
    const char *why;
    /* Off by default: any verdict leaves 500. */
    pr_signal s = sig_(PR_SIG_VERDICT_REDUCE, 0.9);
    near(size_(&m, &s, &why), 500);
    assert_null(why);
    m.ai_verdict = 1;
    /* APPROVE at 0.85 > 0.8 -> 1.0: 500. */
    s = sig_(PR_SIG_VERDICT_APPROVE, 0.85);
    near(size_(&m, &s, &why), 500);
    assert_null(why);
    /* APPROVE at exactly 0.8 is not above 0.8: approve_low 0.5 -> 250. */
    s = sig_(PR_SIG_VERDICT_APPROVE, 0.8);
    near(size_(&m, &s, &why), 250);
    assert_string_equal(why, "AI verdict APPROVE at low confidence");
    /* REDUCE_SIZE -> 0.5: 250. */
    s = sig_(PR_SIG_VERDICT_REDUCE, 0.9);
    near(size_(&m, &s, &why), 250);
    assert_string_equal(why, "AI verdict REDUCE_SIZE");
    /* REJECT -> 0: refused under that reason. */
    s = sig_(PR_SIG_VERDICT_REJECT, 0.9);
    near(size_(&m, &s, &why), 0);
    assert_string_equal(why, "AI verdict REJECT");
    /* No verdict (TA-only fallback): 1 -> 500. */
    s = sig_(PR_SIG_VERDICT_NONE, 0);
    near(size_(&m, &s, &why), 500);
    /* A configured row: REDUCE_SIZE 0.3 -> 150. */
    m.reduce = 0.3;
    s = sig_(PR_SIG_VERDICT_REDUCE, 0.9);
    near(size_(&m, &s, &why), 150);
}

static void test_ai_confidence(void **state) {
    (void)state;
    pr_risk_mult m = mult_();
    m.ai_confidence = 1;
    const char *why;
    /* "5% base x AI confidence": 0.05 * 0.6 * 10,000 = 300. */
    pr_signal s = sig_(PR_SIG_VERDICT_APPROVE, 0.6);
    near(size_(&m, &s, &why), 300);
    assert_string_equal(why, "AI confidence multiplier");
    /* With the verdict table too: APPROVE 0.9 -> 1.0, x 0.9 = 450. */
    m.ai_verdict = 1;
    s = sig_(PR_SIG_VERDICT_APPROVE, 0.9);
    near(size_(&m, &s, &why), 450);
}

static void test_mtf_table(void **state) {
    (void)state;
    pr_risk_mult m = mult_();
    m.mtf = 1;
    const char *why;
    pr_signal s = sig_(PR_SIG_VERDICT_NONE, 0);
    /* Not reported: 1 -> 500. */
    near(size_(&m, &s, &why), 500);
    s.mtf_known = 1;
    /* Default rows {0:0, 0.5:0.5, 0.6:0.7, 0.8:1}: 4/4 -> 1 (500); 3/4 =
     * 75%, inside the 60-75% -> 0.7 (350); 0.6 itself -> 0.7;
     * 2/4 -> 0.5 (250); 1/4 -> 0: refused. */
    s.mtf_align = 1.0;
    near(size_(&m, &s, &why), 500);
    s.mtf_align = 0.75;
    near(size_(&m, &s, &why), 350);
    assert_string_equal(why, "timeframe alignment multiplier");
    s.mtf_align = 0.6;
    near(size_(&m, &s, &why), 350);
    s.mtf_align = 0.5;
    near(size_(&m, &s, &why), 250);
    s.mtf_align = 0.25;
    near(size_(&m, &s, &why), 0);
    assert_string_equal(why, "timeframe alignment multiplier");
    /* Both tables: REDUCE_SIZE 0.5 x 3/4 aligned 0.7 = 0.35 -> 175, the
     * first multiplier below 1 named. */
    m.ai_verdict = 1;
    s.verdict = PR_SIG_VERDICT_REDUCE;
    s.mtf_align = 0.75;
    near(size_(&m, &s, &why), 175);
    assert_string_equal(why, "AI verdict REDUCE_SIZE");
}

static void test_config_keys(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    pr_risk_config rc;
    const char *bad = "{\"risk\": {\"multipliers\": {\"mtf_levels\": [0, 0.7, 0.6], \"mtf_mult\": [0, 1, 1]}}}";
    assert_int_equal(pr_config_parse(bad, &cfg, &err), 0);
    assert_int_not_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_non_null(strstr(err.msg, "risk.multipliers.mtf_levels"));
    pr_config_free(cfg);
    const char *ok = "{\"risk\": {\"multipliers\": {\"ai_verdict\": true, \"reduce_size\": 0.25}}}";
    assert_int_equal(pr_config_parse(ok, &cfg, &err), 0);
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_int_equal(rc.mult.ai_verdict, 1);
    near(rc.mult.reduce, 0.25);
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_table),
        cmocka_unit_test(test_ai_confidence),
        cmocka_unit_test(test_mtf_table),
        cmocka_unit_test(test_config_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
