/* Risk sizing rules on hand-built cases; each expected value is worked out
 * in the comment above its check from the rule's definition, not from the
 * code. Account equity 10,000 (100,000 for futures) unless stated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

static pr_risk_sizing mode_(pr_risk_mode m) {
    pr_risk_sizing s;
    pr_risk_sizing_defaults(&s);
    s.mode = m;
    return s;
}

static pr_risk_inputs in_(double equity, double price, double stop) {
    return (pr_risk_inputs){.equity = equity, .price = price, .stop = stop, .confidence = 1, .fx = 1};
}

static void near(double got, double want) {
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) fail_msg("got %.12g, want %.12g", got, want);
}

static void test_forex_pip(void **state) {
    (void)state;
    pr_instrument eur;
    pr_err err;
    assert_int_equal(pr_instrument_default("EURUSD", PR_ASSET_FOREX, &eur, &err), 0);
    pr_risk_sizing s = mode_(PR_RISK_PIP);
    pr_risk_inputs in = in_(10000, 1.1000, 1.0970);
    in.inst = &eur;
    pr_risk_decision d;
    /* 1% of $10,000 = $100 at risk; 30 pips, a pip is 0.0001 USD per unit:
     * 100 / (30 * 0.0001) = 33,333.3 units, rounded down to 1,000: 33,000. */
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_UNITS);
    near(d.value, 33000);
    assert_int_equal(d.resized, 0);
    /* Risk 5% ($500) is over the 2% cap ($200): 200 / 0.003 = 66,666.7 units
     * -> 66,000, counted as resized by the cap. */
    s.risk = 0.05;
    pr_risk_size(&s, &in, &d);
    near(d.value, 66000);
    assert_int_equal(d.resized, 1);
    assert_string_equal(d.reason, "loss cap per trade");
    /* USDJPY in a USD account: pip 0.01, 30 pips from 150.00; one unit loses
     * 0.30 JPY = 0.30 / 150 = 0.002 USD: 100 / 0.002 = 50,000 units. */
    pr_instrument jpy;
    assert_int_equal(pr_instrument_default("USDJPY", PR_ASSET_FOREX, &jpy, &err), 0);
    s.risk = 0.01;
    in = in_(10000, 150.00, 149.70);
    in.inst = &jpy;
    in.fx = 1 / 150.0;
    pr_risk_size(&s, &in, &d);
    near(d.value, 50000);
    /* No stop: refused, with the reason. */
    in.stop = 0;
    pr_risk_size(&s, &in, &d);
    assert_true(d.value == 0);
    assert_string_equal(d.reason, "pip sizing needs a stop");
}

static void test_kelly_stats(void **state) {
    (void)state;
    pr_risk_sizing s = mode_(PR_RISK_KELLY);
    pr_risk_inputs in = in_(10000, 100, 0);
    pr_risk_decision d;
    /* 40 closed trades, 22 winners averaging +3%, 18 losers averaging -2%:
     * p = 0.55, b = 3/2 = 1.5, f* = 0.55 - 0.45/1.5 = 0.25; quarter Kelly
     * 0.0625 of 10,000 = 625 notional. */
    in.stats = (pr_risk_trade_stats){40, 22, 22 * 0.03, 18 * 0.02};
    near(pr_risk_kelly(0.55, 1.5), 0.25);
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_NOTIONAL);
    near(d.value, 625);
    /* Full Kelly with a stop 10% away: 2,500 notional would lose 250 at the
     * stop, over the 2% cap (200): cut to 200 / 0.10 = 2,000. */
    s.kelly_fraction = 1;
    in.stop = 90;
    pr_risk_size(&s, &in, &d);
    near(d.value, 2000);
    assert_string_equal(d.reason, "loss cap per trade");
    /* 20 trades are below the minimum of 30: the fallback 2% = 200. */
    in.stop = 0;
    in.stats = (pr_risk_trade_stats){20, 15, 15 * 0.03, 5 * 0.02};
    pr_risk_size(&s, &in, &d);
    near(d.value, 200);
    /* ... and with no fallback the entry is refused. */
    s.kelly_fallback = 0;
    pr_risk_size(&s, &in, &d);
    assert_true(d.value == 0);
    assert_non_null(strstr(d.reason, "kelly_min_trades"));
    /* p = 0.3, b = 1: f* = 0.3 - 0.7 = -0.4, no edge: refused. */
    in.stats = (pr_risk_trade_stats){30, 9, 9 * 0.02, 21 * 0.02};
    pr_risk_size(&s, &in, &d);
    assert_true(d.value == 0);
    assert_string_equal(d.reason, "Kelly: no edge in the closed trades");
}

static void test_kelly_score(void **state) {
    (void)state;
    pr_risk_sizing s = mode_(PR_RISK_KELLY_SCORE);
    pr_risk_inputs in = in_(10000, 100, 0);
    pr_risk_decision d;
    /* Table (defaults) 0/5/7/9 -> 0.30/0.45/0.55/0.65. Confidence 0.8 is
     * score 8 -> p = 0.55; no target: b = payoff 2; f* = 0.55 - 0.45/2 =
     * 0.325; quarter: 0.08125 * 10,000 = 812.5. */
    in.confidence = 0.8;
    near(pr_risk_score_prob(&s, 8), 0.55);
    near(pr_risk_score_prob(&s, 4.9), 0.30);
    pr_risk_size(&s, &in, &d);
    near(d.value, 812.5);
    /* Stop 95 and target 115 give b = 15/5 = 3: f* = 0.55 - 0.15 = 0.4,
     * quarter 0.1: 1,000 (it loses 50 at the stop, under the cap). */
    in.stop = 95;
    in.target = 115;
    pr_risk_size(&s, &in, &d);
    near(d.value, 1000);
    /* Score 3 -> p = 0.3 with b = 3: 0.3 - 0.7/3 = 0.0667 > 0, quarter:
     * 0.016667 * 10,000 = 166.67. */
    in.confidence = 0.3;
    pr_risk_size(&s, &in, &d);
    near(d.value, 10000 * 0.25 * (0.3 - 0.7 / 3));
}

static void test_atr_vol_fraction_risk(void **state) {
    (void)state;
    pr_risk_decision d;
    /* ATR: risk 100 / (2 * ATR 2.5) = 20 units. */
    pr_risk_sizing s = mode_(PR_RISK_ATR);
    pr_risk_inputs in = in_(10000, 100, 0);
    in.atr = 2.5;
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_UNITS);
    near(d.value, 20);
    in.atr = 0;
    pr_risk_size(&s, &in, &d);
    assert_string_equal(d.reason, "ATR not available yet");
    /* Volatility target 15% on an instrument at 60%: 0.25 of equity = 2,500. */
    s = mode_(PR_RISK_VOL_TARGET);
    in = in_(10000, 100, 0);
    in.vol = 0.60;
    pr_risk_size(&s, &in, &d);
    near(d.value, 2500);
    /* Fixed fraction 10% = 1,000; by confidence 0.5: 500, resized. */
    s = mode_(PR_RISK_FIXED_FRACTION);
    in = in_(10000, 100, 0);
    pr_risk_size(&s, &in, &d);
    near(d.value, 1000);
    s.by_confidence = 1;
    in.confidence = 0.5;
    pr_risk_size(&s, &in, &d);
    near(d.value, 500);
    assert_string_equal(d.reason, "confidence multiplier");
    /* Fixed risk: 1% = 100 of risk money (the broker sizes it at the fill);
     * 5% is capped to 2% = 200; no stop: fraction 10% notional. */
    s = mode_(PR_RISK_FIXED_RISK);
    in = in_(10000, 100, 97);
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_RISK);
    near(d.value, 100);
    s.risk = 0.05;
    pr_risk_size(&s, &in, &d);
    near(d.value, 200);
    assert_int_equal(d.resized, 1);
    in.stop = 0;
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_NOTIONAL);
    near(d.value, 1000);
}

static void test_contracts(void **state) {
    (void)state;
    /* ES: tick 0.25, multiplier 50 -> $12.50 a tick. Equity 100,000, 1% =
     * $1,000; 4000 -> 3990 is 40 ticks = $500 a contract: 2 contracts. */
    pr_instrument es = {.tick_size = 0.25, .contract_multiplier = 50, .lot_step = 1};
    pr_risk_sizing s = mode_(PR_RISK_CONTRACTS);
    pr_risk_inputs in = in_(100000, 4000, 3990);
    in.inst = &es;
    pr_risk_decision d;
    pr_risk_size(&s, &in, &d);
    assert_int_equal(d.mode, PR_QTY_UNITS);
    near(d.value, 2);
    /* A stop 9.9 away still counts 40 whole ticks: 2 contracts. Risk 1.3%
     * ($1,300) gives 2.6 -> 2 whole contracts. */
    in.stop = 3990.1;
    s.risk = 0.013;
    pr_risk_size(&s, &in, &d);
    near(d.value, 2);
    /* CL: tick 0.01, multiplier 1,000 ($10 a tick); 75.00 -> 74.50 is 50
     * ticks = $500: $1,000 buys 2. */
    pr_instrument cl = {.tick_size = 0.01, .contract_multiplier = 1000, .lot_step = 1};
    s.risk = 0.01;
    in = in_(100000, 75.00, 74.50);
    in.inst = &cl;
    pr_risk_size(&s, &in, &d);
    near(d.value, 2);
    /* Equity 10,000: $100 does not buy one $500 contract: refused. */
    in.equity = 10000;
    pr_risk_size(&s, &in, &d);
    assert_true(d.value == 0);
    assert_string_equal(d.reason, "less than one contract");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forex_pip),   cmocka_unit_test(test_kelly_stats),
        cmocka_unit_test(test_kelly_score), cmocka_unit_test(test_atr_vol_fraction_risk),
        cmocka_unit_test(test_contracts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
