/* Order types and intrabar rules on small hand-built bar sequences, each
 * outcome worked out by hand in the comments: next-open market fills, limit
 * fills and gaps through the limit, stops gapped through filling at the
 * open, a bar touching both stop and target (stop first, unless 1m bars show
 * the target came first), trailing stops, break-even moves, time stops,
 * tiered take-profits 70/20/10 and a short with costs. Hourly bars from
 * 2024-01-01 00:00 UTC; no costs unless said; start cash 10,000; size 1 unit
 * unless said. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"
#include "pr_test.h"
#include "engine_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static pr_sizing qty_sizing(double q) { return et_qty_sizing(q); }

static void run(et_script *sc, const pr_market_spec *spec, const pr_series *bars, const pr_series *fine, double qty,
                pr_backtest_result *res) {
    pr_err err;
    pr_err_clear(&err);
    pr_sizing z = qty_sizing(qty);
    int rc = et_run1(sc, spec, bars, fine, &z, 10000.0, res, &err);
    if (rc) fprintf(stderr, "backtest failed: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

static void plain(pr_market_spec *m) { et_spec_plain(m, "BTCUSDT", PR_ASSET_CRYPTO); }

static void test_market_next_open(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 101, 99, 100}, {100, 102, 99, 101}, {102, 104, 101, 103}, {105, 106, 104, 105}, {104, 105, 103, 104}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);   /* decided at 02:00, the close of bar 1 */
    et_script_add(&sc, 3, PR_SIG_EXIT, 0);
    et_script_add(&sc, 4, PR_SIG_ENTER_LONG, 0);   /* on the last bar: never filled */
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.n_open, 0);
    const pr_trade *t = &r.trades[0];
    /* Entry at bar 2's open 102, exit at bar 4's open 104: +2. */
    assert_int_equal(t->entry_ts, H(2));
    assert_int_equal(t->exit_ts, H(4));
    assert_true(t->entry_price == 102 && t->exit_price == 104);
    assert_true(fabs(t->pnl - 2) < 1e-12);
    assert_int_equal(t->exit_role, PR_ROLE_EXIT);
    /* Equity per bar: 10000, 10000, 10000+(103-102), 10000+(105-102), 10002. */
    const double eq[] = {10000, 10000, 10001, 10003, 10002};
    assert_int_equal(r.n_steps, 5);
    for (int i = 0; i < 5; i++) assert_true(fabs(r.equity[i] - eq[i]) < 1e-9);
    assert_int_equal(r.ts[2], H(2));
    assert_int_equal(sc.calls, 5);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_limit_fill_and_gap(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 101, 99, 100}, {100, 101, 99, 100}, {100, 101, 99.6, 100.5}, {100, 100.5, 99.2, 99.8}, {99.8, 100, 99.5, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0)->entry_limit = 99.5;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    /* Bar 2's low 99.6 misses 99.5; bar 3's low 99.2 reaches it: filled at the
     * limit 99.5 (not at the low). Marked at the last close 100: +0.5. */
    assert_int_equal(r.n_trades, 0);
    assert_int_equal(r.n_open, 1);
    assert_int_equal(r.open_trades[0].entry_ts, H(3));
    assert_true(r.open_trades[0].entry_price == 99.5);
    assert_true(fabs(r.final_equity - 10000.5) < 1e-9);
    assert_int_equal(r.n_fills, 1);
    assert_int_equal(r.fills[0].maker, 1);
    pr_backtest_result_free(&r);
    pr_series_free(&s);

    /* Gap: bar 3 opens at 99.0, below the limit: filled at the open 99.0,
     * better than the limit. Equity 10000 + (100 - 99). */
    static const double rows2[][4] = {
        {100, 101, 99, 100}, {100, 101, 99, 100}, {100, 101, 99.6, 100.5}, {99.0, 99.6, 98.8, 99.4}, {99.8, 100, 99.5, 100}};
    et_hourly(&s, T0, rows2, NROWS(rows2));
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0)->entry_limit = 99.5;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_open, 1);
    assert_int_equal(r.open_trades[0].entry_ts, H(3));
    assert_true(r.open_trades[0].entry_price == 99.0);
    assert_true(fabs(r.final_equity - 10001) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_stop_entry(void **state) {
    (void)state;
    /* Buy stop 102 decided at bar 0: bar 1 (high 101.5) does not trade it,
     * bar 2 (high 103) does: filled at the stop, 102. */
    static const double rows[][4] = {{100, 101, 99, 100}, {100, 101.5, 99, 101}, {101, 103, 100.5, 102.5}, {102.5, 104, 102, 103}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->entry_stop = 102;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_open, 1);
    assert_int_equal(r.open_trades[0].entry_ts, H(2));
    assert_true(r.open_trades[0].entry_price == 102);
    assert_true(fabs(r.final_equity - 10001) < 1e-9);   /* 103 - 102 */
    pr_backtest_result_free(&r);
    pr_series_free(&s);

    /* The same stop gapped through: bar 2 opens at 104 -> filled at 104. */
    static const double rows2[][4] = {{100, 101, 99, 100}, {100, 101.5, 99, 101}, {104, 105, 103.5, 104.5}, {104.5, 105, 104, 105}};
    et_hourly(&s, T0, rows2, NROWS(rows2));
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->entry_stop = 102;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_true(r.open_trades[0].entry_price == 104);
    assert_true(fabs(r.final_equity - 10001) < 1e-9);   /* 105 - 104 */
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_stop_gap_fills_at_open(void **state) {
    (void)state;
    /* Long from bar 1's open 100 with a stop at 95. Bar 2 opens at 93, below
     * the stop: the stop fills at the open 93, not at 95: -7. */
    static const double rows[][4] = {{100, 101, 99, 100}, {100, 101, 98, 99}, {93, 94, 92, 93}, {93, 94, 92, 93}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.trades[0].entry_ts, H(1));
    assert_int_equal(r.trades[0].exit_ts, H(2));
    assert_true(r.trades[0].exit_price == 93);
    assert_true(fabs(r.trades[0].pnl + 7) < 1e-12);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_STOP);
    /* At stake from the entry 100 to the stop 95: 5, so the trade is -1.4 R. */
    assert_true(fabs(r.trades[0].risk - 5) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);

    /* No gap: bar 2 trades down through 95 from 97: filled at 95: -5. */
    static const double rows2[][4] = {{100, 101, 99, 100}, {100, 101, 98, 99}, {97, 98, 94, 96}, {96, 97, 95, 96}};
    et_hourly(&s, T0, rows2, NROWS(rows2));
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].exit_price == 95);
    assert_true(fabs(r.trades[0].pnl + 5) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

/* 60 one-minute bars for the hour starting at h, flat at 100 except a spike
 * to `hi` in minute m_hi and a dip to `lo` in minute m_lo. */
static void minute_path(pr_series *f, int64_t h, double hi, int m_hi, double lo, int m_lo) {
    pr_series_init(f, 64);
    f->tf = PR_TF_1M;
    for (int k = 0; k < 60; k++)
        pr_series_push(f, h + k * PR_MS_PER_MIN, 100, k == m_hi ? hi : 100, k == m_lo ? lo : 100, 100, 1);
}

static void test_stop_and_target_same_bar(void **state) {
    (void)state;
    /* Long from 100 with stop 95 and target 110; bar 2 spans 94..111. */
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 111, 94, 100}, {100, 100, 100, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;

    /* Without finer data: the stop is assumed first (the worse case): -5. */
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->stop = 95;
    g->n_targets = 1;
    g->target_price[0] = 110;
    g->target_frac[0] = 1;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].exit_price == 95);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_STOP);
    assert_true(fabs(r.final_equity - 9995) < 1e-9);
    pr_backtest_result_free(&r);

    /* 1m bars show the high (minute 10) before the low (minute 40): target
     * first at 110, +10; the stop is cancelled with the position. */
    pr_series f;
    minute_path(&f, H(2), 111, 10, 94, 40);
    run(&sc, &m, &s, &f, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].exit_price == 110);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_TARGET);
    assert_int_equal(r.trades[0].exit_ts, H(2) + 10 * PR_MS_PER_MIN);
    assert_true(fabs(r.final_equity - 10010) < 1e-9);
    assert_int_equal(r.n_fills, 2);
    pr_backtest_result_free(&r);
    pr_series_free(&f);

    /* 1m bars with the low first (minute 5) and the high later (minute 50): stop, -5. */
    minute_path(&f, H(2), 111, 50, 94, 5);
    run(&sc, &m, &s, &f, 1, &r);
    assert_true(r.trades[0].exit_price == 95);
    assert_int_equal(r.trades[0].exit_ts, H(2) + 5 * PR_MS_PER_MIN);
    pr_backtest_result_free(&r);
    pr_series_free(&f);
    pr_series_free(&s);
}

static void test_trailing_stop(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 100, 100, 100}, {100, 104, 99, 103}, {103, 110, 102, 108}, {108, 109, 104, 105}, {105, 105, 105, 105}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->trail_frac = 0.05;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    /* Entry at bar 1's open 100; initial trail 5% under the decision close
     * 100 = 95. Close of bar 1: best = 103 (the entry bar counts by its close)
     * -> stop 97.85. Close of bar 2: best = high 110 -> stop 104.50. Bar 3's
     * low 104 trades it: exit at 104.50, +4.50. */
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.trades[0].exit_ts, H(3));
    assert_true(fabs(r.trades[0].exit_price - 104.5) < 1e-9);
    assert_true(fabs(r.trades[0].pnl - 4.5) < 1e-9);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_TRAIL);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_breakeven(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 100, 100, 100}, {100, 103, 99, 102}, {102, 106, 101, 105}, {104, 104, 99, 100}, {100, 100, 100, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->stop = 95;
    g->breakeven_gain = 0.05;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    /* Entry 100. Bar 1 close 102 < 105. Bar 2 high 106 >= 100 * 1.05: the
     * stop moves from 95 to the entry 100. Bar 3's low 99 trades it: exit at
     * 100, P&L 0 (the original stop 95 would not have been hit). */
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.trades[0].exit_ts, H(3));
    assert_true(r.trades[0].exit_price == 100);
    assert_true(fabs(r.trades[0].pnl) < 1e-12);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_BREAKEVEN);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_time_stop(void **state) {
    (void)state;
    static const double rows[][4] = {
        {100, 100, 100, 100}, {100, 101, 99, 101}, {101, 103, 100, 102}, {102, 106, 101, 105}, {107, 108, 106, 107}, {107, 107, 107, 107}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->max_bars = 3;
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    /* Entry at bar 1's open 100; bars 1, 2, 3 close -> 3 bars held at the
     * close of bar 3 -> market exit at bar 4's open 107: +7. */
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.trades[0].exit_ts, H(4));
    assert_true(r.trades[0].exit_price == 107);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_TIME);
    assert_true(fabs(r.final_equity - 10007) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_tiered_targets(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 106, 99, 105},
                                     {105, 111, 104, 110}, {110, 115, 109, 112}, {112, 121, 111, 120},
                                     {120, 120, 120, 120}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    pr_signal *g = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    g->stop = 90;
    g->n_targets = 3;
    g->target_price[0] = 105;
    g->target_frac[0] = 0.7;
    g->target_price[1] = 110;
    g->target_frac[1] = 0.2;
    g->target_price[2] = 120;
    g->target_frac[2] = 0.1;
    pr_market_spec m;
    plain(&m);
    m.inst.lot_step = 1;   /* whole units */
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 10, &r);
    /* 10 units from 100: bar 2 sells 7 at 105 (+35), bar 3 sells 2 at 110
     * (+20), bar 5 sells the last 1 at 120 (+20). One trade: size 10, exit
     * price (7*105 + 2*110 + 1*120)/10 = 107.5, P&L 75; the stop is
     * cancelled when the position is gone. */
    assert_int_equal(r.n_trades, 1);
    const pr_trade *t = &r.trades[0];
    assert_true(t->size == 10);
    assert_true(fabs(t->exit_price - 107.5) < 1e-12);
    assert_true(fabs(t->pnl - 75) < 1e-9);
    assert_int_equal(t->n_fills, 4);
    assert_int_equal(t->exit_ts, H(5));
    assert_int_equal(r.n_fills, 4);
    assert_true(r.fills[1].qty == 7 && r.fills[1].price == 105 && r.fills[1].ts == H(2));
    assert_true(r.fills[2].qty == 2 && r.fills[2].price == 110 && r.fills[2].ts == H(3));
    assert_true(r.fills[3].qty == 1 && r.fills[3].price == 120 && r.fills[3].ts == H(5));
    assert_true(fabs(r.final_equity - 10075) < 1e-9);
    /* Equity at bar 4: 10000 + 35 + 20 + 1 * (112 - 100) = 10067. */
    assert_true(fabs(r.equity[4] - 10067) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_short_with_costs(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 95, 96}, {96, 97, 91, 92}, {90, 91, 89, 90}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_SHORT, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    pr_market_spec m;
    plain(&m);
    m.costs.taker_fee = 0.001;
    m.costs.slippage = 0.002;
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 2, &r);
    /* Sell 2 at 100 * (1 - 0.002) = 99.8; buy back at 90 * 1.002 = 90.18.
     * Gross 2 * (99.8 - 90.18) = 19.24; fees 0.001 * (199.6 + 180.36) =
     * 0.37996; P&L 18.86004; slippage cost 2*0.2 + 2*0.18 = 0.76. */
    assert_int_equal(r.n_trades, 1);
    const pr_trade *t = &r.trades[0];
    assert_int_equal(t->side, -1);
    assert_true(fabs(t->entry_price - 99.8) < 1e-12);
    assert_true(fabs(t->exit_price - 90.18) < 1e-12);
    assert_true(fabs(t->gross_pnl - 19.24) < 1e-9);
    assert_true(fabs(t->fees - 0.37996) < 1e-9);
    assert_true(fabs(t->pnl - 18.86004) < 1e-9);
    assert_true(fabs(t->slippage_cost - 0.76) < 1e-9);
    assert_true(fabs(r.final_equity - 10018.86004) < 1e-9);
    /* Costs paid: fees 0.37996 + slippage 0.76 = 1.13996; without them the
     * run would end at 10000 + 2 * (100 - 90) = 10020. */
    pr_bt_account_point ap;
    assert_int_equal(pr_backtest_account_at(&r, r.n_steps - 1, &ap), PR_OK);
    assert_true(fabs(ap.costs - 1.13996) < 1e-9);
    assert_true(fabs(r.equity[r.n_steps - 1] + ap.costs - 10020) < 1e-9);
    /* While short at bar 1 (close 96): 10000 - fee 0.1996 + 2*(99.8 - 96). */
    assert_true(fabs(r.equity[1] - (10000 - 0.1996 + 7.6)) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_reverse(void **state) {
    (void)state;
    /* Long at bar 1's open 100; a short signal at bar 2 closes it and opens a
     * short at bar 3's open 104 (two fills at the same open). */
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 103, 99, 102}, {102, 105, 101, 104}, {104, 104, 98, 99}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_ENTER_SHORT, 0);
    pr_market_spec m;
    plain(&m);
    pr_backtest_result r;
    run(&sc, &m, &s, NULL, 1, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(r.trades[0].exit_price == 104 && r.trades[0].side == 1);
    assert_int_equal(r.n_open, 1);
    assert_int_equal(r.open_trades[0].side, -1);
    assert_true(r.open_trades[0].entry_price == 104);
    /* +4 on the long, +5 on the short marked at 99. */
    assert_true(fabs(r.final_equity - 10009) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_market_next_open),
        cmocka_unit_test(test_limit_fill_and_gap),
        cmocka_unit_test(test_stop_entry),
        cmocka_unit_test(test_stop_gap_fills_at_open),
        cmocka_unit_test(test_stop_and_target_same_bar),
        cmocka_unit_test(test_trailing_stop),
        cmocka_unit_test(test_breakeven),
        cmocka_unit_test(test_time_stop),
        cmocka_unit_test(test_tiered_targets),
        cmocka_unit_test(test_short_with_costs),
        cmocka_unit_test(test_reverse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
