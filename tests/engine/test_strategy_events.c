/* What a strategy learns about its orders through the pipeline: the
 * position in the view as of each bar's close, its working orders and
 * latest fills, and events for fills (a stop exit is a fill with cause
 * "stop"), confirmation-stage vetoes and broker rejections, with the stage
 * and reason. Bars and expected values are worked out by hand in the
 * comments (no costs, no slippage, 10,000 of cash). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/engine_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

#define EV_MAX 16
#define EV_BARS 8

/* The scripted strategy of engine_test.h plus what it saw. */
typedef struct ev_strat {
    et_script sc;            /* first: the pipeline's pr_strategy            */
    int side[EV_BARS];       /* pr_view_side at each bar's close             */
    size_t orders[EV_BARS];  /* working orders then                          */
    size_t fills[EV_BARS];   /* latest fills then                            */
    pr_working_order first_order[EV_BARS];
    pr_strategy_event ev[EV_MAX];
    size_t bar_of_ev[EV_MAX];
    size_t n_ev;
    size_t bar;              /* bars seen                                     */
} ev_strat;

static int ev_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    ev_strat *e = (ev_strat *)s;
    size_t t = pr_view_len(v, 0, PR_TF_NONE) - 1;
    e->bar = t + 1;
    if (t < EV_BARS) {
        e->side[t] = pr_view_side(v, 0);
        e->orders[t] = pr_view_open_orders(v, 0, &e->first_order[t], 1);
        pr_fill_info f[4];
        e->fills[t] = pr_view_last_fills(v, 0, f, 4);
    }
    return et_script_on_bar(s, v, out, err);
}

static int ev_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    ev_strat *e = (ev_strat *)s;
    (void)err;
    if (e->n_ev < EV_MAX) {
        e->bar_of_ev[e->n_ev] = pr_view_len(v, 0, PR_TF_NONE) - 1;   /* the bar just closed */
        e->ev[e->n_ev++] = *ev;
    }
    return 0;
}

static const pr_strategy_vt ev_vt = {.name = "events", .init = et_script_init, .on_bar = ev_on_bar,
                                     .destroy = et_script_destroy, .on_event = ev_on_event};

static void ev_reset(ev_strat *e) {
    memset(e, 0, sizeof *e);
    et_script_reset(&e->sc);
    e->sc.base.vt = &ev_vt;
}

static const int64_t T0 = 1704067200000;   /* 2024-01-01 00:00 UTC */

/* Bar 0 closes at 100: ENTER_LONG with a stop at 95, sized to risk 1% of
 * 10,000 = 100 over 5 = 20 units, filled at bar 1's open 100. Bar 2 trades
 * down to 94: the stop fills at 95 (20 units). Bar 3: ENTER_LONG again
 * (no stop: 10% of equity 9,900 = 990 notional at bar 4's open 99 = 10 units). */
static void test_stop_exit_and_reentry(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 100, 100, 100}, {100, 101, 99, 100}, {100, 100, 94, 96}, {96, 97, 95, 96}, {99, 99, 99, 99},
        {99, 99, 99, 99}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    ev_strat e;
    ev_reset(&e);
    et_script_add(&e.sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    et_script_add(&e.sc, 3, PR_SIG_ENTER_LONG, 0);
    pr_market_spec spec;
    et_spec_plain(&spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_result r;
    pr_err err;
    assert_int_equal(et_run1(&e.sc, &spec, &s, NULL, NULL, 10000, &r, &err), 0);
    /* Held long at the closes of bars 1 only, and again from bar 4. */
    const int side[6] = {0, 1, 0, 0, 1, 1};
    for (int t = 0; t < 6; t++) assert_int_equal(e.side[t], side[t]);
    /* At bar 0's close the entry is not submitted yet (on_bar comes first);
     * at bar 1's the stop is the one working order; at bar 2's the entry
     * and the stop are the latest fills. */
    assert_int_equal(e.orders[0], 0);
    assert_int_equal(e.orders[1], 1);
    assert_int_equal(e.first_order[1].cause, PR_CAUSE_STOP);
    assert_true(e.first_order[1].stop_price == 95);
    assert_int_equal(e.orders[2], 0);
    assert_int_equal(e.fills[1], 1);
    assert_int_equal(e.fills[2], 2);
    /* Events: entry fill seen at bar 1, stop fill at bar 2, re-entry at 4. */
    assert_int_equal(e.n_ev, 3);
    assert_int_equal(e.ev[0].kind, PR_EV_FILL);
    assert_int_equal(e.ev[0].cause, PR_CAUSE_ENTRY);
    assert_int_equal(e.bar_of_ev[0], 1);
    assert_true(e.ev[0].qty == 20 && e.ev[0].price == 100 && e.ev[0].side == 1);
    assert_int_equal(e.ev[1].kind, PR_EV_FILL);
    assert_int_equal(e.ev[1].cause, PR_CAUSE_STOP);
    assert_int_equal(e.bar_of_ev[1], 2);
    assert_true(e.ev[1].qty == 20 && e.ev[1].price == 95 && e.ev[1].side == -1);
    assert_string_equal(pr_fill_cause_name(e.ev[1].cause), "stop");
    assert_int_equal(e.ev[2].cause, PR_CAUSE_ENTRY);
    assert_int_equal(e.bar_of_ev[2], 4);
    assert_true(e.ev[2].qty == 10 && e.ev[2].price == 99);
    assert_true(r.n_trades >= 1 && r.trades[0].exit_role == PR_ROLE_STOP);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static int veto_entries(void *self, const pr_market_view *v, pr_signal *sig, int *keep, pr_err *err) {
    (void)self; (void)v; (void)err;
    if (sig->kind == PR_SIG_ENTER_LONG || sig->kind == PR_SIG_ENTER_SHORT) *keep = 0;
    return 0;
}

/* The entry of bar 0 vetoed by a stage named "llm": the strategy hears it
 * (stage, reason, the signal's kind and tag) and stays flat. */
static void test_veto_event(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 100, 99, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    ev_strat e;
    ev_reset(&e);
    pr_signal *sig = et_script_add(&e.sc, 0, PR_SIG_ENTER_LONG, 0);
    pr_signal_tag(sig, "mine");
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &e.sc.base, &p, &err), 0);
    pr_confirm_stage stage = {.name = "llm", .confirm = veto_entries};
    assert_int_equal(pr_pipeline_add_stage(p, &stage, &err), 0);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(e.n_ev, 1);
    assert_int_equal(e.ev[0].kind, PR_EV_REJECTED);
    assert_string_equal(e.ev[0].stage, "llm");
    assert_string_equal(e.ev[0].reason, "vetoed");
    assert_int_equal(e.ev[0].signal, PR_SIG_ENTER_LONG);
    assert_string_equal(e.ev[0].tag, "mine");
    assert_true(e.ev[0].ts == T0 + PR_MS_PER_HOUR);   /* bar 0's close */
    for (int t = 0; t < 3; t++) assert_int_equal(e.side[t], 0);
    assert_int_equal(r.n_fills, 0);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

/* A short entry on a market without shorts: the broker rejects it at
 * submission with its reason. */
static void test_broker_reject_event(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    ev_strat e;
    ev_reset(&e);
    et_script_add(&e.sc, 0, PR_SIG_ENTER_SHORT, 0);
    pr_market_spec spec;
    et_spec_plain(&spec, "BTCUSDT", PR_ASSET_CRYPTO);
    spec.margin.no_short = 1;
    pr_backtest_result r;
    pr_err err;
    assert_int_equal(et_run1(&e.sc, &spec, &s, NULL, NULL, 10000, &r, &err), 0);
    assert_int_equal(e.n_ev, 1);
    assert_int_equal(e.ev[0].kind, PR_EV_REJECTED);
    assert_string_equal(e.ev[0].stage, "broker");
    assert_string_equal(e.ev[0].reason, "short selling not allowed");
    assert_int_equal(e.ev[0].cause, PR_CAUSE_ENTRY);
    assert_int_equal(e.ev[0].side, -1);
    assert_int_equal(e.side[1], 0);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_exit_and_reentry),
        cmocka_unit_test(test_veto_event),
        cmocka_unit_test(test_broker_reject_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
