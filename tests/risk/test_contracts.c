/* Futures contract specifications (risk/contracts.h) and `contracts`
 * sizing through the risk stage's sizer on instruments that carry no
 * multiplier of their own (as an imported CSV gives them). Account 100,000
 * USD, risk 1% = $1,000 per trade; every count is worked out below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk.h"

static void near(double got, double want) {
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) fail_msg("got %.12g, want %.12g", got, want);
}

static void test_table(void **state) {
    (void)state;
    /* CME's published numbers: ES $50 x index, tick 0.25 = $12.50; NQ $20,
     * 0.25 = $5.00; CL 1,000 bbl, 0.01 = $10.00; GC 100 oz, 0.10 = $10.00. */
    static const struct { const char *root; double mult, tick, value; } want[] = {
        {"ES", 50, 0.25, 12.50}, {"NQ", 20, 0.25, 5.00}, {"CL", 1000, 0.01, 10.00}, {"GC", 100, 0.10, 10.00}};
    assert_int_equal(pr_n_contract_specs, 4);
    for (size_t i = 0; i < 4; i++) {
        const pr_contract_spec *c = pr_contract_spec_find(want[i].root);
        assert_non_null(c);
        near(c->multiplier, want[i].mult);
        near(c->tick_size, want[i].tick);
        near(c->tick_value, want[i].value);
        /* A tick's value is a tick times the multiplier. */
        near(c->tick_size * c->multiplier, c->tick_value);
        assert_non_null(strstr(c->source, "cmegroup.com"));
        assert_true(c->session && c->session[0]);
    }
    assert_string_equal(pr_contract_spec_find("ESZ6")->root, "ES");
    assert_string_equal(pr_contract_spec_find("CLF2027")->root, "CL");
    assert_null(pr_contract_spec_find("ESPN"));   /* a stock, not ES */
    assert_null(pr_contract_spec_find("ESZ"));    /* no year */
    assert_null(pr_contract_spec_find("BTCUSDT"));
}

/* Contracts the stage sizes for `symbol` at `price` with a stop at `stop`. */
static double contracts(const char *symbol, double price, double stop, double equity) {
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_CONTRACTS;
    pr_risk_stage *rs = NULL;
    pr_err err;
    assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    pr_instrument in;
    memset(&in, 0, sizeof in);
    snprintf(in.symbol, sizeof in.symbol, "%s", symbol);
    snprintf(in.quote, sizeof in.quote, "USD");
    in.tick_size = 0.01;
    in.lot_step = 1;
    in.contract_multiplier = 1;
    pr_account acc;
    memset(&acc, 0, sizeof acc);
    acc.equity = equity;
    snprintf(acc.ccy, sizeof acc.ccy, "USD");
    pr_signal sig;
    memset(&sig, 0, sizeof sig);
    sig.kind = PR_SIG_ENTER_LONG;
    sig.confidence = 1;
    sig.stop = stop;
    pr_size_request rq = {.sig = &sig, .inst = &in, .account = &acc, .price = price, .now = 0};
    pr_size out;
    assert_int_equal(sz.size(sz.self, &rq, &out, &err), 0);
    pr_risk_stage_free(rs);
    if (out.value > 0) assert_int_equal(out.mode, PR_QTY_UNITS);
    return out.value;
}

static void test_sizing_from_specs(void **state) {
    (void)state;
    /* ES 4000 -> 3990: 10 points = 40 ticks x $12.50 = $500 a contract;
     * $1,000 / 500 = 2 contracts. */
    near(contracts("ESZ6", 4000, 3990, 100000), 2);
    /* NQ 15000 -> 14950: 50 points = 200 ticks x $5 = $1,000: 1 contract. */
    near(contracts("NQ", 15000, 14950, 100000), 1);
    /* CL 80.00 -> 79.50: 50 ticks x $10 = $500: 2 contracts; with a 0.7
     * stop ($700): 1.43 -> 1 whole contract. */
    near(contracts("CL", 80, 79.5, 100000), 2);
    near(contracts("CL", 80, 79.3, 100000), 1);
    /* GC 2000 -> 1990: 100 ticks x $10 = $1,000: 1 contract; 1985 ($1,500
     * a contract) is more than $1,000: none. */
    near(contracts("GC", 2000, 1990, 100000), 1);
    near(contracts("GC", 2000, 1985, 100000), 0);
    /* Without the table the multiplier would be 1: 1,000 / 10 = 100 "units"
     * of ES; a symbol with no row keeps that. */
    near(contracts("XYZ", 4000, 3990, 100000), 100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_sizing_from_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
