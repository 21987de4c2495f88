/* Consensus rules and the hybrid combiner on worked examples; every expected
 * number is computed by hand in the comments. Weights are the documented
 * example 0.40 / 0.35 / 0.25 (total 1.00), threshold 0.6. */
#include "ai_test.h"

#include "proratio/ai.h"

#define A PR_LLM_APPROVE
#define R PR_LLM_REJECT
#define D PR_LLM_REDUCE_SIZE
#define FAIL (-1)

static const double k_w[3] = {0.40, 0.35, 0.25};

static pr_consensus run(pr_consensus_rule rule, int require_all, int a0, int a1, int a2) {
    pr_consensus_config c;
    pr_consensus_config_default(&c);
    c.rule = rule;
    c.require_all = require_all;
    int acts[3] = {a0, a1, a2};
    double conf[3] = {0.8, 0.7, 0.6};
    pr_vote v[3];
    for (int i = 0; i < 3; i++) {
        v[i].answered = acts[i] != FAIL;
        v[i].action = acts[i] == FAIL ? PR_LLM_APPROVE : (pr_llm_action)acts[i];
        v[i].confidence = conf[i];
        v[i].weight = k_w[i];
    }
    pr_consensus out;
    pr_err e;
    assert_int_equal(pr_consensus_decide(&c, v, 3, &out, &e), 0);
    return out;
}

static void test_weighted(void **st) {
    (void)st;
    /* APPROVE 0.40+0.35 = 0.75 > 0.6 -> approve, size 1.
     * confidence = (0.40*0.8 + 0.35*0.7) / 0.75 = 0.565 / 0.75 = 0.75333... */
    pr_consensus o = run(PR_CONSENSUS_WEIGHTED, 0, A, A, R);
    assert_int_equal(o.available, 1);
    assert_int_equal(o.act, 1);
    assert_int_equal(o.action, PR_LLM_APPROVE);
    assert_true(o.size == 1.0);
    assert_true(fabs(o.agreement - 0.75) < 1e-12);
    assert_true(fabs(o.confidence - 0.565 / 0.75) < 1e-12);
    assert_int_equal(o.n_answered, 3);

    /* APPROVE 0.40+0.25 = 0.65 > 0.6 over REJECT 0.35 -> approve. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, A, R, A);
    assert_int_equal(o.act, 1);
    assert_true(fabs(o.agreement - 0.65) < 1e-12);

    /* REDUCE_SIZE 0.75 -> act at the reduce factor 0.5. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, D, D, A);
    assert_int_equal(o.act, 1);
    assert_int_equal(o.action, PR_LLM_REDUCE_SIZE);
    assert_true(o.size == 0.5);

    /* REJECT 0.35+0.25 = 0.60: not above 0.6 -> skip (and never approve). */
    o = run(PR_CONSENSUS_WEIGHTED, 0, A, R, R);
    assert_int_equal(o.act, 0);
    assert_int_equal(o.top, PR_LLM_REJECT);
    assert_true(fabs(o.agreement - 0.60) < 1e-12);
    assert_true(o.size == 0);

    /* REJECT 0.40+0.35 = 0.75 -> agreement to reject -> skip. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, R, R, A);
    assert_int_equal(o.act, 0);
    assert_int_equal(o.top, PR_LLM_REJECT);
    assert_true(fabs(o.agreement - 0.75) < 1e-12);

    /* The 0.40 provider failed: APPROVE 0.35+0.25 = 0.60 of the total 1.00
     * (the failed vote keeps its weight) -> not above 0.6 -> skip. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, FAIL, A, A);
    assert_int_equal(o.available, 1);
    assert_int_equal(o.act, 0);
    assert_int_equal(o.n_answered, 2);
    assert_true(fabs(o.agreement - 0.60) < 1e-12);

    /* The 0.25 provider failed: APPROVE 0.75 -> act; with require_all -> skip. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, A, A, FAIL);
    assert_int_equal(o.act, 1);
    o = run(PR_CONSENSUS_WEIGHTED, 1, A, A, FAIL);
    assert_int_equal(o.act, 0);

    /* Only one answered: 0.40 -> skip. None answered: AI unavailable. */
    o = run(PR_CONSENSUS_WEIGHTED, 0, A, FAIL, FAIL);
    assert_int_equal(o.available, 1);
    assert_int_equal(o.act, 0);
    o = run(PR_CONSENSUS_WEIGHTED, 0, FAIL, FAIL, FAIL);
    assert_int_equal(o.available, 0);
    assert_int_equal(o.act, 0);
    assert_int_equal(o.top, -1);

    /* A tie goes to the more cautious action. */
    pr_consensus_config c;
    pr_consensus_config_default(&c);
    c.threshold = 0.4;
    pr_vote v[2] = {{1, PR_LLM_APPROVE, 0.9, 0.5}, {1, PR_LLM_REJECT, 0.6, 0.5}};
    assert_int_equal(pr_consensus_decide(&c, v, 2, &o, NULL), 0);
    assert_int_equal(o.top, PR_LLM_REJECT);
    assert_int_equal(o.act, 0);
    assert_true(o.agreement == 0.5);
}

static void test_unanimous(void **st) {
    (void)st;
    pr_consensus o = run(PR_CONSENSUS_UNANIMOUS, 0, A, A, A);
    assert_int_equal(o.act, 1);
    assert_true(o.size == 1.0);
    assert_true(fabs(o.agreement - 1.0) < 1e-12);
    /* Any REJECT -> skip, even against 0.75 approval. */
    o = run(PR_CONSENSUS_UNANIMOUS, 0, A, A, R);
    assert_int_equal(o.act, 0);
    assert_true(fabs(o.agreement - 0.75) < 1e-12);
    /* APPROVE + REDUCE_SIZE -> reduced size 0.5; agreement APPROVE 0.65. */
    o = run(PR_CONSENSUS_UNANIMOUS, 0, A, D, A);
    assert_int_equal(o.act, 1);
    assert_int_equal(o.action, PR_LLM_REDUCE_SIZE);
    assert_true(o.size == 0.5);
    assert_true(fabs(o.agreement - 0.65) < 1e-12);
    /* A failed vote is not unanimity: reduce; with require_all: skip. */
    o = run(PR_CONSENSUS_UNANIMOUS, 0, A, FAIL, A);
    assert_int_equal(o.act, 1);
    assert_true(o.size == 0.5);
    o = run(PR_CONSENSUS_UNANIMOUS, 1, A, FAIL, A);
    assert_int_equal(o.act, 0);
    o = run(PR_CONSENSUS_UNANIMOUS, 0, FAIL, FAIL, FAIL);
    assert_int_equal(o.available, 0);
}

static void test_bad_input(void **st) {
    (void)st;
    pr_consensus_config c;
    pr_consensus_config_default(&c);
    pr_consensus o;
    pr_err e;
    pr_vote v[1] = {{1, PR_LLM_APPROVE, 0.5, -1}};
    assert_int_equal(pr_consensus_decide(&c, v, 1, &o, &e), PR_EINVAL);
    v[0].weight = 0;
    assert_int_equal(pr_consensus_decide(&c, v, 1, &o, &e), PR_EINVAL);
    v[0].weight = 1;
    v[0].confidence = 1.5;
    assert_int_equal(pr_consensus_decide(&c, v, 1, &o, &e), PR_EINVAL);
    v[0].confidence = 0.5;
    c.threshold = 1.0;
    assert_int_equal(pr_consensus_decide(&c, v, 1, &o, &e), PR_EINVAL);
    pr_consensus_rule r;
    assert_int_equal(pr_consensus_rule_parse("unanimous", &r), 0);
    assert_int_equal(r, PR_CONSENSUS_UNANIMOUS);
    assert_int_equal(pr_consensus_rule_parse("majority", &r), PR_EINVAL);
}

static void test_verdict_votes(void **st) {
    (void)st;
    pr_verdict v;
    pr_vote vote;
    memset(&v, 0, sizeof v);
    v.question = PR_LLM_Q_DIRECTION;
    v.u.direction.direction = PR_LLM_BULLISH;
    v.u.direction.confidence = 0.72;
    assert_int_equal(pr_verdict_to_vote(&v, 1, 0.4, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_APPROVE);
    assert_true(vote.confidence == 0.72 && vote.weight == 0.4 && vote.answered);
    assert_int_equal(pr_verdict_to_vote(&v, -1, 0.4, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_REJECT);
    v.u.direction.direction = PR_LLM_NEUTRAL;
    assert_int_equal(pr_verdict_to_vote(&v, 1, 0.4, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_REDUCE_SIZE);

    /* mtf: 1h,4h,1d bullish (0.6, 0.7, 0.8), 1w neutral 0.5 -> bullish,
     * confidence (0.6+0.7+0.8)/3 = 0.7. */
    memset(&v, 0, sizeof v);
    v.question = PR_LLM_Q_MTF;
    double c[4] = {0.6, 0.7, 0.8, 0.5};
    for (int i = 0; i < 4; i++) {
        v.u.mtf.tf[i].direction = i < 3 ? PR_LLM_BULLISH : PR_LLM_NEUTRAL;
        v.u.mtf.tf[i].confidence = c[i];
    }
    assert_int_equal(pr_verdict_to_vote(&v, 1, 1, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_APPROVE);
    assert_true(fabs(vote.confidence - 0.7) < 1e-12);
    /* 2 bullish + 2 bearish -> neutral, confidence mean of all four:
     * (0.6+0.7+0.8+0.5)/4 = 0.65. */
    v.u.mtf.tf[2].direction = PR_LLM_BEARISH;
    v.u.mtf.tf[3].direction = PR_LLM_BEARISH;
    assert_int_equal(pr_verdict_to_vote(&v, 1, 1, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_REDUCE_SIZE);
    assert_true(fabs(vote.confidence - 0.65) < 1e-12);

    memset(&v, 0, sizeof v);
    v.question = PR_LLM_Q_REGIME;
    v.u.regime.regime = PR_REGIME_WEAK_BEAR;
    v.u.regime.prob[PR_REGIME_WEAK_BEAR] = 0.4;
    assert_int_equal(pr_verdict_to_vote(&v, 1, 1, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_REJECT);
    assert_true(vote.confidence == 0.4);
    assert_int_equal(pr_verdict_to_vote(&v, -1, 1, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_APPROVE);
    v.u.regime.regime = PR_REGIME_LOW_VOL_COMPRESSION;
    assert_int_equal(pr_verdict_to_vote(&v, -1, 1, &vote, NULL), 0);
    assert_int_equal(vote.action, PR_LLM_REDUCE_SIZE);

    v.question = PR_LLM_Q_LEVELS;
    assert_int_equal(pr_verdict_to_vote(&v, 1, 1, &vote, NULL), PR_EUNSUPPORTED);
    assert_int_equal(vote.answered, 0);
}

static pr_hybrid_result hy(int mdir, double mc, int avail, int ldir, double lc, int rej) {
    pr_hybrid_config c;
    pr_hybrid_config_default(&c);
    pr_hybrid_input in = {mdir, mc, avail, ldir, lc, rej};
    pr_hybrid_result r;
    assert_int_equal(pr_hybrid_combine(&c, &in, &r, NULL), 0);
    return r;
}

static void test_hybrid(void **st) {
    (void)st;
    /* Agree: 0.6*0.8 + 0.4*0.7 + 0.2*min(0.8,0.7) = 0.48 + 0.28 + 0.14 = 0.90 -> very strong, size 1. */
    pr_hybrid_result r = hy(1, 0.8, 1, 1, 0.7, 0);
    assert_true(fabs(r.combined - 0.90) < 1e-12);
    assert_int_equal(r.strength, PR_HYBRID_VERY_STRONG);
    assert_true(r.size == 1.0);
    assert_int_equal(r.direction, 1);
    /* 0.6*0.7 + 0.4*0.6 + 0.2*0.6 = 0.42 + 0.24 + 0.12 = 0.78 -> strong, 0.75. */
    r = hy(-1, 0.7, 1, -1, 0.6, 0);
    assert_true(fabs(r.combined - 0.78) < 1e-12);
    assert_int_equal(r.strength, PR_HYBRID_STRONG);
    assert_true(r.size == 0.75);
    assert_int_equal(r.direction, -1);
    /* LLM neutral: 0.6*0.6 + 0.4*0.5 = 0.56 -> moderate, 0.5. */
    r = hy(1, 0.6, 1, 0, 0.8, 0);
    assert_true(fabs(r.combined - 0.56) < 1e-12);
    assert_int_equal(r.strength, PR_HYBRID_MODERATE);
    assert_true(r.size == 0.5);
    /* 0.6*0.56 + 0.4*0.3 + 0.2*0.3 = 0.336 + 0.12 + 0.06 = 0.516 -> weak, 0.25. */
    r = hy(1, 0.56, 1, 1, 0.3, 0);
    assert_true(fabs(r.combined - 0.516) < 1e-12);
    assert_int_equal(r.strength, PR_HYBRID_WEAK);
    assert_true(r.size == 0.25);
    /* Cap at 1: 0.6 + 0.4 + 0.2 -> 1. */
    r = hy(1, 1, 1, 1, 1, 0);
    assert_true(r.combined == 1.0);

    /* Rule 1: opposed, both >= 0.6 -> conflict, no trade. */
    r = hy(1, 0.7, 1, -1, 0.65, 0);
    assert_int_equal(r.strength, PR_HYBRID_CONFLICT);
    assert_int_equal(r.rule, 1);
    assert_true(r.size == 0);
    assert_int_equal(r.direction, 0);
    /* Rule 2, ML stronger: 0.6*0.8 + 0.4*(1-0.55) = 0.48 + 0.18 = 0.66 ->
     * moderate 0.5, times conflict 0.5 = 0.25, long. */
    r = hy(1, 0.8, 1, -1, 0.55, 0);
    assert_int_equal(r.rule, 2);
    assert_true(fabs(r.combined - 0.66) < 1e-12);
    assert_int_equal(r.strength, PR_HYBRID_MODERATE);
    assert_true(r.size == 0.25);
    assert_int_equal(r.direction, 1);
    /* Rule 2, LLM stronger (0.9 vs ML 0.58): no trade. */
    r = hy(1, 0.58, 1, -1, 0.9, 0);
    assert_int_equal(r.rule, 2);
    assert_int_equal(r.strength, PR_HYBRID_CONFLICT);
    assert_true(r.size == 0);
    /* Rule 3: REJECT at 0.75 >= 0.7 overrides ML 0.9. */
    r = hy(1, 0.9, 1, 0, 0.75, 1);
    assert_int_equal(r.rule, 3);
    assert_int_equal(r.strength, PR_HYBRID_NONE);
    assert_true(r.size == 0);
    /* A REJECT at 0.5 is a weak vote against: rule 2 with ML 0.9 stronger:
     * 0.54 + 0.4*0.5 = 0.74 -> strong 0.75 * 0.5 = 0.375. */
    r = hy(1, 0.9, 1, 0, 0.5, 1);
    assert_int_equal(r.rule, 2);
    assert_true(fabs(r.combined - 0.74) < 1e-12);
    assert_true(r.size == 0.375);
    /* Rule 4: ML below 0.55, or no ML direction: the LLM cannot open a trade. */
    r = hy(1, 0.5, 1, 1, 0.95, 0);
    assert_int_equal(r.rule, 4);
    assert_true(r.size == 0);
    r = hy(0, 0.9, 1, 1, 0.95, 0);
    assert_int_equal(r.rule, 4);
    assert_int_equal(r.strength, PR_HYBRID_NONE);
    /* No LLM verdict: ML alone, 0.72 -> strong 0.75. */
    r = hy(-1, 0.72, 0, 0, 0, 0);
    assert_true(r.combined == 0.72);
    assert_int_equal(r.strength, PR_HYBRID_STRONG);
    assert_true(r.size == 0.75);
    assert_int_equal(r.direction, -1);
    assert_string_equal(pr_hybrid_strength_name(PR_HYBRID_VERY_STRONG), "very_strong");

    pr_hybrid_config c;
    pr_hybrid_config_default(&c);
    pr_hybrid_input bad = {2, 0.5, 0, 0, 0, 0};
    assert_int_equal(pr_hybrid_combine(&c, &bad, &r, NULL), PR_EINVAL);
    bad.ml_direction = 1;
    bad.ml_confidence = 1.2;
    assert_int_equal(pr_hybrid_combine(&c, &bad, &r, NULL), PR_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weighted), cmocka_unit_test(test_unanimous),
        cmocka_unit_test(test_bad_input), cmocka_unit_test(test_verdict_votes),
        cmocka_unit_test(test_hybrid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
