/* The stops' cost filter on the market's own round trip (risk.stops.
 * cost_filter): the round trip of each cost setting worked out by hand, the
 * filter's choice between the configured figure and the market's, and a
 * run through the pipeline in which the simulated broker hands the market's
 * costs to the risk stage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"
#include "risk_run.h"

static int near(double a, double b) { return fabs(a - b) <= 1e-12 * fmax(1, fabs(b)); }

static void test_round_trip(void **state) {
    (void)state;
    pr_instrument btc = {.pip_size = 0}, eur = {.pip_size = 0.0001};
    /* Crypto: 0.1% taker in and out + 0.2% slippage in and out = 0.006. */
    pr_costs c = {.taker_fee = 0.001, .maker_fee = 0.001, .slippage = 0.002};
    assert_true(near(pr_risk_round_trip(&c, &btc, 100), 0.006));
    /* The maker fee plays no part: entries and exits by the filter's rule
     * are takers. */
    c.maker_fee = 0;
    assert_true(near(pr_risk_round_trip(&c, &btc, 100), 0.006));
    /* Forex: a 1-pip spread (0.0001) at 1.25 is 0.00008 of the price, paid
     * half in and half out: 0.00008. */
    pr_costs fx = {.spread_pips = 1};
    assert_true(near(pr_risk_round_trip(&fx, &eur, 1.25), 0.00008));
    /* Stocks: 0.05% slippage in and out, a 0.1% spread, 0.005 per share in
     * and out at 50 (0.0002) and 0.00278% of the sale:
     * 0.001 + 0.001 + 0.0002 + 0.0000278 = 0.0022278. */
    pr_costs st = {.slippage = 0.0005, .spread_frac = 0.001, .commission_per_share = 0.005,
                   .sell_fee_rate = 0.0000278};
    assert_true(near(pr_risk_round_trip(&st, &btc, 50), 0.0022278));
    /* No costs known: 0 (the filter passes). */
    assert_true(pr_risk_round_trip(NULL, &btc, 100) == 0);
    assert_true(pr_risk_round_trip(&c, &btc, 0) == 0);
}

static pr_signal long_to(double target) {
    pr_signal s;
    memset(&s, 0, sizeof s);
    s.kind = PR_SIG_ENTER_LONG;
    s.confidence = 1;
    s.stop = 99;
    s.n_targets = 1;
    s.target_price[0] = target;
    s.target_frac[0] = 1;
    return s;
}

static void test_filter_choice(void **state) {
    (void)state;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    pr_risk_stops c = rc.stops;
    assert_int_equal(c.cost_filter, 0);   /* off by default */
    /* The market's round trip 0.006 at 100 is 0.6: a target at +0.5 is
     * eaten by it, +0.7 is not. */
    pr_risk_bracket_in in = {.dir = 1, .price = 100, .atr = NAN, .round_trip = 0.006};
    pr_signal s = long_to(100.5);
    assert_null(pr_risk_stops_apply(&c, &in, &s));   /* off: passes */
    c.cost_filter = 1;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s),
                        "target within the market's costs (risk.stops.cost_filter)");
    s = long_to(100.7);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    /* Exactly at the round trip (+0.6) the trade makes nothing: refused. */
    s = long_to(100.6);
    assert_non_null(pr_risk_stops_apply(&c, &in, &s));
    /* round_trip_cost overrides the market's figure: 0.004 lets +0.5 pass,
     * and 0.008 refuses +0.7 under its own name. */
    s = long_to(100.5);
    c.round_trip_cost = 0.004;
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    s = long_to(100.7);
    c.round_trip_cost = 0.008;
    assert_string_equal(pr_risk_stops_apply(&c, &in, &s),
                        "target within round-trip costs (risk.stops.round_trip_cost)");
    /* A broker that does not say its costs (0): the filter passes. */
    c.round_trip_cost = 0;
    in.round_trip = 0;
    s = long_to(100.5);
    assert_null(pr_risk_stops_apply(&c, &in, &s));
    /* A short: target 99.5 is 0.5 below 100 < 0.6, refused. */
    in.round_trip = 0.006;
    in.dir = -1;
    s = long_to(99.5);
    s.kind = PR_SIG_ENTER_SHORT;
    s.stop = 101;
    assert_non_null(pr_risk_stops_apply(&c, &in, &s));
}

static int g_rejects;
static char g_reason[128];

static int record(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

/* Hourly bars at 100; an entry at bar 1's close (100) with a stop at 99
 * and a target at `target`, on BTCUSDT with crypto's default costs (taker
 * 0.1%, slippage 0.2%: round trip 0.006, 0.6 at 100). Returns the trades
 * plus open positions. */
static int run_costs(double target, int cost_filter) {
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 100.2, 99.8, 100},
                                     {100, 100.2, 99.8, 100}};
    et_script sc;
    et_script_reset(&sc);
    pr_signal *s = et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    s->stop = 99;
    s->n_targets = 1;
    s->target_price[0] = target;
    s->target_frac[0] = 1;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.stops.cost_filter = cost_filter;
    pr_series bars;
    et_hourly(&bars, et_time(2024, 1, 1, 0, 0), rows, sizeof rows / sizeof rows[0]);
    pr_market_spec spec;
    pr_err err;
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &spec, &err), 0);
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    g_rejects = 0;
    g_reason[0] = 0;
    rr_run_spec(&sc, &bars, &spec, &rc, record, &rs, &r);
    int n = (int)(r.n_trades + r.n_open);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
    pr_series_free(&bars);
    return n;
}

static void test_through_pipeline(void **state) {
    (void)state;
    /* +0.5 < 0.6: refused with the filter on, traded with it off. */
    assert_int_equal(run_costs(100.5, 1), 0);
    assert_int_equal(g_rejects, 1);
    assert_non_null(strstr(g_reason, "target within the market's costs (risk.stops.cost_filter)"));
    assert_int_equal(run_costs(100.5, 0), 1);
    assert_int_equal(g_rejects, 0);
    /* +0.7 > 0.6: traded with the filter on. */
    assert_int_equal(run_costs(100.7, 1), 1);
    assert_int_equal(g_rejects, 0);
}

static void test_config_key(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"risk\": {\"stops\": {\"cost_filter\": true}}}", &cfg, &err), 0);
    pr_risk_config rc;
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_int_equal(rc.stops.cost_filter, 1);
    pr_config_free(cfg);
    assert_int_equal(pr_config_parse("{\"risk\": {\"stops\": {\"cost_filter\": 3}}}", &cfg, &err), 0);
    assert_true(pr_risk_config_read(cfg, "risk", &rc, &err) != 0);
    assert_non_null(strstr(err.msg, "risk.stops.cost_filter"));
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_filter_choice),
        cmocka_unit_test(test_through_pipeline),
        cmocka_unit_test(test_config_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
