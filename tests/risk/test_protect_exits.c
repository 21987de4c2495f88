/* The circuit breakers that need the decision pipeline (risk/breakers.h):
 * drawdown tiers halving and closing open positions through the exits
 * hook at the next open (each crossing once), the cooldown counted in the
 * instrument's bars after a stop-out, the volatility-spike halt read from
 * closed bars only (shifting the spike one bar changes the outcome: no
 * look-ahead), and the kill-switch file. A scripted strategy on hand-made
 * hourly BTCUSDT bars from 2024-01-01 00:00 UTC, no costs, 10,000 cash; a
 * decision at bar t is taken at its close, T0 + (t + 1) h, and fills at
 * bar t + 1's open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"
#include "pr_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static char g_reason[128];
static int g_rejects;

/* The script, and a file the strategy creates at bar `touch_at` and removes
 * at bar `remove_at` (after the step's exits: the risk stage sees it from
 * the next step). */
typedef struct {
    et_script sc;
    const char *file;
    size_t touch_at, remove_at;
} kill_script;

static int on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    kill_script *k = (kill_script *)s;
    size_t t = pr_view_len(v, 0, PR_TF_NONE) - 1;
    if (k->file && t == k->touch_at) fclose(fopen(k->file, "w"));
    if (k->file && t == k->remove_at) unlink(k->file);
    return et_script_on_bar(s, v, out, err);
}

static int record(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

static void run(kill_script *ks, const double (*rows)[4], size_t n, const pr_risk_config *rc, pr_risk_stage **rs,
                pr_backtest_result *r) {
    static pr_strategy_vt vt;
    g_rejects = 0;
    g_reason[0] = '\0';
    vt = et_script_vt;
    vt.on_bar = on_bar;
    vt.on_event = record;
    ks->sc.base.vt = &vt;
    pr_series s;
    et_hourly(&s, T0, rows, n);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &ks->sc.base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(rc, rs, &err), 0);
    pr_sizer sz;
    pr_risk_stage_sizer(*rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    assert_int_equal(pr_backtest_run(&bc, p, r, &err), 0);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

static void init(kill_script *ks) {
    memset(ks, 0, sizeof *ks);
    et_script_reset(&ks->sc);
    ks->touch_at = ks->remove_at = (size_t)-1;
}

/* All of the equity (10,000 at bar 0's close 100: 100 units at bar 1's
 * open), no stop required. */
static void all_in(pr_risk_config *rc) {
    pr_risk_config_defaults(rc);
    rc->sizing.mode = PR_RISK_FIXED_FRACTION;
    rc->sizing.fraction = 1;
    rc->stops.required = 0;
}

static void test_drawdown_halve_then_close(void **state) {
    (void)state;
    /* Equity at each close (100 units, then 50, then 25; cash after the
     * sales 4,200 and 6,300):
     *   bar 2 close 90: 9,000 (10%)
     *   bar 3 close 84: 8,400 (16% >= 15%: a crossing, halve: 50 sold at bar 4's open 84)
     *   bar 4 close 84: 4,200 + 50 x 84 = 8,400 (still 16%: no second halving)
     *   bar 5 close 95: 4,200 + 4,750 = 8,950 (10.5%: back under the stop)
     *   bar 6 close 84: 8,400 (16%: crossed again, 25 sold at bar 7's open 84)
     *   bar 8 close 60: 6,300 + 25 x 60 = 7,800 (22% >= 20%: close all, 25 at bar 9's open 60)
     * An entry at bar 9 (flat again) is refused by the halt's pause. */
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 100, 90, 90},
                                     {90, 90, 84, 84},     {84, 84, 84, 84},     {84, 95, 84, 95},
                                     {95, 95, 84, 84},     {84, 84, 84, 84},     {84, 84, 60, 60},
                                     {60, 60, 60, 60},     {60, 60, 60, 60}};
    kill_script ks;
    init(&ks);
    et_script_add(&ks.sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&ks.sc, 9, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    all_in(&rc);
    rc.protections.dd_stop = 0.15, rc.protections.dd_halt = 0.20, rc.protections.halt_days = 1;
    rc.breakers.dd_stop_reduce = 0.5;
    rc.breakers.dd_halt_close = 1;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&ks, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal((int)r.n_open, 0);
    assert_int_equal((int)r.n_fills, 4);   /* buy 100, sell 50, sell 25, sell 25 */
    double qty[] = {100, 50, 25, 25}, px[] = {100, 84, 84, 60};
    int64_t at[] = {H(1), H(4), H(7), H(9)};
    for (int k = 0; k < 4; k++) {
        assert_true(fabs(r.fills[k].qty - qty[k]) < 1e-9);
        assert_true(fabs(r.fills[k].price - px[k]) < 1e-9);
        assert_true(r.fills[k].ts == at[k]);
    }
    assert_true(fabs(r.final_equity - 7800) < 1e-6);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "drawdown halt");
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->trig[PR_PROT_DD_STOP].count, 2);
    assert_true(st->trig[PR_PROT_DD_STOP].last == H(7));   /* bar 6's close */
    assert_int_equal((int)st->trig[PR_PROT_DD_HALT].count, 1);
    assert_true(st->trig[PR_PROT_DD_HALT].last == H(9));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);

    /* The same with the actions off (the defaults): nothing is sold, the
     * position rides to bar 10's close 60: 6,000. */
    init(&ks);
    et_script_add(&ks.sc, 0, PR_SIG_ENTER_LONG, 0);
    rc.breakers.dd_stop_reduce = 0;
    rc.breakers.dd_halt_close = 0;
    run(&ks, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal((int)r.n_fills, 1);
    assert_true(fabs(r.final_equity - 6000) < 1e-6);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

/* Entry at bar 0 with a stop at 95 (10% of equity: 10 units at 100);
 * bar 2 trades down to 94: stopped out at 95 during bar 2, seen at its
 * close. Entries are tried at bars 3 and 4. */
static size_t cooldown_trades(int bars, int *rejects) {
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {100, 100, 94, 96},
                                     {96, 97, 95, 96},     {96, 97, 95, 96},    {96, 97, 95, 96},
                                     {96, 97, 95, 96}};
    kill_script ks;
    init(&ks);
    et_script_add(&ks.sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 95;
    et_script_add(&ks.sc, 3, PR_SIG_ENTER_LONG, 0)->stop = 90;
    et_script_add(&ks.sc, 4, PR_SIG_ENTER_LONG, 0)->stop = 90;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.breakers.cooldown_bars = bars;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&ks, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal((int)r.n_trades, 1);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_STOP);
    size_t n = r.n_trades + r.n_open;
    *rejects = g_rejects;
    if (bars > 0) {
        assert_int_equal((int)pr_risk_stage_state(rs)->trig[PR_PROT_COOLDOWN].count, 1);
        assert_true(pr_risk_stage_state(rs)->trig[PR_PROT_COOLDOWN].last == H(3));
    }
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
    return n;
}

static void test_cooldown_bars(void **state) {
    (void)state;
    int rej;
    /* 2 bars: bars 3 and 4 must open after the stop-out step (bar 2's
     * close, 03:00); at bar 3's decision only bar 3 has: refused; at bar 4
     * bars 3 and 4 have: the entry goes ahead (1 stopped + 1 open). */
    assert_int_equal((int)cooldown_trades(2, &rej), 2);
    assert_int_equal(rej, 1);
    assert_string_equal(g_reason, "stop-out cooldown");
    /* 3 bars: bar 4's decision is refused too. */
    assert_int_equal((int)cooldown_trades(3, &rej), 1);
    assert_int_equal(rej, 2);
    /* Off: the entry at bar 3 trades (bar 4's is then ignored, in position). */
    assert_int_equal((int)cooldown_trades(0, &rej), 2);
    assert_int_equal(rej, 0);
}

/* True range 1 on every bar (high 100.5, low 99.5, close 100) except bar
 * `spike` (high 103, low 98: 5). An entry at bar 7 (10% of equity, no stop
 * required). ATR over 2 bars ranked against the 4 before it; halt at 0.75. */
static size_t vol_run(size_t spike, int *rejects) {
    double rows[10][4];
    for (size_t i = 0; i < 10; i++) {
        rows[i][0] = rows[i][3] = 100;
        rows[i][1] = i == spike ? 103 : 100.5;
        rows[i][2] = i == spike ? 98 : 99.5;
    }
    kill_script ks;
    init(&ks);
    et_script_add(&ks.sc, 7, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.stops.required = 0;
    rc.breakers.vol_percentile = 0.75, rc.breakers.vol_lookback = 4, rc.breakers.vol_atr_period = 2;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&ks, (const double (*)[4])rows, 10, &rc, &rs, &r);
    size_t n = r.n_trades + r.n_open;
    *rejects = g_rejects;
    if (*rejects) assert_true(pr_risk_stage_state(rs)->trig[PR_PROT_VOL_HALT].last == H(8));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
    return n;
}

static void test_vol_halt_no_look_ahead(void **state) {
    (void)state;
    int rej;
    /* Spike at bar 8, after the decision at bar 7's close: the ATR then is
     * (1 + 1) / 2 = 1, equal to the 4 before it (none below): the entry
     * goes ahead. A stage peeking one bar ahead would see ATR 3 and halt. */
    assert_int_equal((int)vol_run(8, &rej), 1);
    assert_int_equal(rej, 0);
    /* The same data one bar earlier (spike at bar 7): ATR (5 + 1) / 2 = 3
     * is above all 4 earlier ATRs (1): 4/4 >= 0.75, halted. */
    assert_int_equal((int)vol_run(7, &rej), 0);
    assert_int_equal(rej, 1);
    assert_string_equal(g_reason, "volatility halt");
    /* Spike at bar 4: at bar 7 the ATRs ago 0..4 are 1, 1, 3, 3, 1 — the
     * latest exceeds none: allowed. */
    assert_int_equal((int)vol_run(4, &rej), 1);
    assert_int_equal(rej, 0);
}

static void test_kill_switch_file(void **state) {
    (void)state;
    char dir[128], path[200];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/KILL", dir);
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 100, 100, 100},
                                     {100, 100, 100, 100}, {102, 102, 102, 102}, {102, 102, 102, 102},
                                     {102, 102, 102, 102}, {102, 102, 102, 102}, {103, 103, 103, 103},
                                     {103, 103, 103, 103}};
    /* Long from bar 1's open 100 (10 units). The strategy creates the file
     * at bar 2 (after that step's exits); the step of bar 3 sees it: the
     * kill switch fires at 04:00 and closes at bar 4's open 102. The entry
     * at bar 5 is refused; the file goes at bar 6, so the step of bar 7
     * sees none: its entry fills at bar 8's open 103. */
    kill_script ks;
    init(&ks);
    ks.file = path, ks.touch_at = 2, ks.remove_at = 6;
    et_script_add(&ks.sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&ks.sc, 5, PR_SIG_ENTER_LONG, 0);
    et_script_add(&ks.sc, 7, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.stops.required = 0;
    snprintf(rc.breakers.kill_file, sizeof rc.breakers.kill_file, "%s", path);
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    run(&ks, rows, NROWS(rows), &rc, &rs, &r);
    assert_int_equal((int)r.n_trades, 1);
    assert_true(r.trades[0].exit_ts == H(4) && r.trades[0].exit_price == 102);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_EXIT);
    assert_int_equal((int)r.n_open, 1);
    assert_true(r.open_trades[0].entry_ts == H(8) && r.open_trades[0].entry_price == 103);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "kill switch");
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->trig[PR_PROT_KILL_SWITCH].count, 1);
    assert_true(st->trig[PR_PROT_KILL_SWITCH].last == H(4));
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
    rmdir(dir);
}

static void test_kill_switch_cancels_entry(void **state) {
    (void)state;
    char dir[128], path[200];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/KILL", dir);
    /* A buy limit at 90 from bar 0; the file appears at bar 1, the step of
     * bar 2 sees it and cancels the working entry, so bar 3's low 89 fills
     * nothing (without the kill switch it buys at 90). */
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {100, 100, 100, 100},
                                     {100, 100, 89, 95},   {95, 95, 95, 95}};
    for (int on = 0; on < 2; on++) {
        kill_script ks;
        init(&ks);
        ks.file = path, ks.touch_at = 1;
        et_script_add(&ks.sc, 0, PR_SIG_ENTER_LONG, 0)->entry_limit = 90;
        pr_risk_config rc;
        pr_risk_config_defaults(&rc);
        rc.sizing.mode = PR_RISK_FIXED_FRACTION;
        rc.stops.required = 0;
        if (on) snprintf(rc.breakers.kill_file, sizeof rc.breakers.kill_file, "%s", path);
        pr_risk_stage *rs = NULL;
        pr_backtest_result r;
        run(&ks, rows, NROWS(rows), &rc, &rs, &r);
        assert_int_equal((int)(r.n_trades + r.n_open), on ? 0 : 1);
        if (!on) assert_true(r.open_trades[0].entry_price == 90);
        pr_backtest_result_free(&r);
        pr_risk_stage_free(rs);
        unlink(path);
    }
    rmdir(dir);
}

int main(void) {
    T0 = 1704067200000LL;   /* 2024-01-01T00:00:00Z */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drawdown_halve_then_close),
        cmocka_unit_test(test_cooldown_bars),
        cmocka_unit_test(test_vol_halt_no_look_ahead),
        cmocka_unit_test(test_kill_switch_file),
        cmocka_unit_test(test_kill_switch_cancels_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
