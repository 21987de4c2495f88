/* The risk stage's lean per-step path (the engine's pr_sizer.step hook with
 * the broker's equity alone, and the protections' quiet steps) must decide
 * exactly as the account path (on_step with the whole account, then exits):
 * the same run through both, with protections, breakers, exposure and VaR
 * limits that fire, gives bit-identical equity curves, trades, trigger
 * counts and times, and risk series. The quiet steps (pr_sizer.quiet: the
 * pipeline skips the stage while the equity stays in its band and the
 * watch rebuilds the skipped steps from the bars) decide exactly as a step
 * at every bar, with one position allowed or two. Also: the simulated
 * broker's equity op is bit for bit get_account's equity, with two markets
 * open, and its equity band holds only marks whose equity is in the
 * interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/data.h"
#include "proratio/engine.h"
#include "proratio/risk.h"

/* The reference BTCUSDT hourly rows, and a second market made from them
 * (the mirror price 4e9 / close, so its trends run the other way). */
static void load_markets(pr_series *a, pr_series *b) {
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/reference/BTCUSDT-1h.csv", root ? root : ".");
    pr_err e;
    assert_int_equal(pr_series_init(a, 0), 0);
    assert_int_equal(pr_import_csv_series(path, NULL, a, NULL, &e), 0);
    assert_true(a->len > 1000);
    assert_int_equal(pr_series_init(b, a->len), 0);
    b->tf = a->tf;
    for (size_t i = 0; i < a->len; i++) {
        double o = 4e9 / a->open[i], c = 4e9 / a->close[i], h = 4e9 / a->low[i], l = 4e9 / a->high[i];
        assert_int_equal(pr_series_push(b, a->ts[i], o, h, l, c, a->volume[i]), 0);
    }
}

/* Protections that fire on these data, breakers that act, exposure and
 * VaR limits that bind. */
static void binding_config(pr_risk_config *rc) {
    pr_risk_config_defaults(rc);
    rc->sizing.mode = PR_RISK_FIXED_FRACTION;
    rc->sizing.fraction = 0.6;
    rc->stops.required = 0;
    rc->protections.daily_loss = 0.02;
    rc->protections.weekly_loss = 0.04;
    rc->protections.max_consecutive_losses = 3;
    rc->protections.loss_pause_hours = 12;
    rc->protections.max_trades_per_day = 2;
    rc->protections.dd_warn = 0.03;
    rc->protections.dd_stop = 0.05;
    rc->protections.dd_halt = 0.08;
    rc->protections.halt_days = 2;
    rc->breakers.dd_stop_reduce = 0.5;
    rc->breakers.dd_halt_close = 1;
    rc->breakers.dd_release_days = 3;
    rc->exposure.max_positions = 1;
    rc->var.limit = 0.02;
}

typedef struct run_out {
    pr_backtest_result res;
    pr_risk_state st;
    pr_risk_row *rows;
    size_t n_rows;
    pr_pipeline_stats ps;
    pr_risk_var_window win;
    pr_risk_row last;        /* the book at the last step: marks, VaR */
} run_out;

enum { ACCOUNT_PATH = 0, LEAN = 1, LEAN_QUIET = 2 };

/* sma_cross(10, 30) over both markets through the stage of rc; mode LEAN
 * keeps the stage's step hook (else the pipeline takes the account path)
 * and the series; LEAN_QUIET keeps the step hook without the series, with
 * quiet steps when `quiet`. */
static void run_mode(const pr_series *a, const pr_series *b, const pr_risk_config *rc, int mode, int quiet,
                     run_out *o) {
    pr_err err;
    pr_strategy *st = NULL;
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, &err), 0);
    assert_int_equal(pr_pipeline_new(&pc, st, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(rc, &rs, &err), 0);
    pr_risk_stage_record_series(rs, mode != LEAN_QUIET);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    assert_non_null(sz.step);   /* the configuration uses the watch and the protections */
    /* keeping the series, the stage sees every step */
    if (mode == LEAN_QUIET) assert_non_null(sz.quiet);
    else assert_null(sz.quiet);
    if (mode == ACCOUNT_PATH) sz.step = NULL;
    if (!quiet) sz.quiet = NULL;
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk[2] = {{.bars = a}, {.bars = b}};
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk[0].spec, NULL), 0);
    assert_int_equal(pr_market_spec_default("XBTUSDT", PR_ASSET_CRYPTO, &mk[1].spec, NULL), 0);
    pr_backtest_config bc = {.start_cash = 10000.0, .n_markets = 2, .markets = mk};
    assert_int_equal(pr_backtest_run(&bc, p, &o->res, &err), 0);
    o->st = *pr_risk_stage_state(rs);
    const pr_risk_watch *w = pr_risk_stage_watch(rs);
    o->n_rows = pr_risk_watch_rows(w);
    o->rows = calloc(o->n_rows ? o->n_rows : 1, sizeof *o->rows);
    assert_non_null(o->rows);
    for (size_t i = 0; i < o->n_rows; i++) o->rows[i] = *pr_risk_watch_row(w, i);
    pr_pipeline_get_stats(p, &o->ps);
    o->last = *pr_risk_watch_last(w);
    assert_int_equal(pr_risk_watch_window_get(w, &o->win, &err), 0);
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    pr_strategy_free(st);
}

static void run(const pr_series *a, const pr_series *b, const pr_risk_config *rc, int lean, run_out *o) {
    run_mode(a, b, rc, lean ? LEAN : ACCOUNT_PATH, 0, o);
}

static void out_free(run_out *o) {
    pr_backtest_result_free(&o->res);
    free(o->rows);
    pr_risk_var_window_free(&o->win);
}

/* The same decisions, bit for bit: equity, account points, trades, the
 * protections' triggers and state, and the VaR window left for a restart. */
static void assert_same_run(const run_out *x, const run_out *y) {
    assert_int_equal(x->res.n_steps, y->res.n_steps);
    assert_memory_equal(x->res.equity, y->res.equity, x->res.n_steps * sizeof *x->res.equity);
    assert_int_equal(x->res.n_account, y->res.n_account);
    assert_memory_equal(x->res.account, y->res.account, x->res.n_account * sizeof *x->res.account);
    assert_int_equal(x->res.n_trades, y->res.n_trades);
    for (size_t i = 0; i < x->res.n_trades; i++) {
        assert_int_equal(x->res.trades[i].entry_ts, y->res.trades[i].entry_ts);
        assert_int_equal(x->res.trades[i].exit_ts, y->res.trades[i].exit_ts);
        assert_int_equal(x->res.trades[i].instrument, y->res.trades[i].instrument);
        assert_memory_equal(&x->res.trades[i].size, &y->res.trades[i].size, sizeof(double));
        assert_memory_equal(&x->res.trades[i].pnl, &y->res.trades[i].pnl, sizeof(double));
    }
    for (int k = 0; k < PR_PROT_N; k++) {
        assert_int_equal(x->st.trig[k].count, y->st.trig[k].count);
        assert_int_equal(x->st.trig[k].last, y->st.trig[k].last);
    }
    assert_memory_equal(&x->st.peak, &y->st.peak, sizeof(double));
    assert_int_equal(x->st.dd_tier, y->st.dd_tier);
    assert_int_equal(x->st.entries, y->st.entries);
    assert_int_equal(x->ps.orders, y->ps.orders);
    assert_memory_equal(&x->last, &y->last, sizeof x->last);
    assert_int_equal(x->win.n_rows, y->win.n_rows);
    assert_int_equal(x->win.n_inst, y->win.n_inst);
    assert_memory_equal(x->win.rows, y->win.rows, x->win.n_rows * x->win.n_inst * sizeof *x->win.rows);
}

/* Quiet steps and a watch that rebuilds the steps it did not see, against
 * the watch taking every step (keeping the series, which turns both off):
 * with one position at a time, then two at once
 * (the VaR of a two-instrument book and the correlation cap read the ring
 * the skipped steps are rebuilt into), then two with the second market
 * missing 5 bars in every 50 (steps without a bar of it are never skipped:
 * the watch writes their rows itself, after the skipped ones before them).
 * A third of the steps at least are skipped, or the comparison says
 * little. */
/* The first `end` bars of src; gaps: without 5 bars in every 50. */
static void cut(const pr_series *src, size_t end, int gaps, pr_series *out) {
    assert_int_equal(pr_series_init(out, end), 0);
    out->tf = src->tf;
    for (size_t i = 0; i < end && i < src->len; i++)
        if (!gaps || i % 50 >= 5)
            assert_int_equal(pr_series_push(out, src->ts[i], src->open[i], src->high[i], src->low[i], src->close[i],
                                            src->volume[i]),
                             0);
}

static void test_quiet_steps_decide_as_every_step(void **state) {
    (void)state;
    pr_series a0, b0;
    load_markets(&a0, &b0);
    /* The gapped runs also end inside a gap at four earlier bars, where the
     * watch has just written skipped rows itself (the window compared). */
    const size_t ends[] = {a0.len, a0.len, a0.len, 4001, 9002, 15003, 22004};
    for (size_t variant = 0; variant < sizeof ends / sizeof *ends; variant++) {
        pr_series a, b;
        cut(&a0, ends[variant], 0, &a);
        cut(&b0, ends[variant], variant >= 2, &b);
        pr_risk_config rc;
        binding_config(&rc);
        if (variant) {
            rc.exposure.max_positions = 2;
            rc.exposure.corr_cap = 0.9;
            rc.exposure.cap_crypto = 0.9;   /* a second entry is resized by the first's marked notional */
            rc.var.limit = 0.03;
        }
        run_out x, y;
        run_mode(&a, &b, &rc, LEAN, 0, &x);   /* the series kept: the watch takes every step itself */
        run_mode(&a, &b, &rc, LEAN_QUIET, 1, &y);
        assert_true(x.res.n_trades > 10);
        assert_true(x.st.trig[PR_PROT_DD_WARN].count > 0);
        assert_int_equal(x.ps.quiet_steps, 0);
        assert_true(y.ps.quiet_steps > x.res.n_steps / 3);
        assert_true(x.win.n_rows > 0);
        assert_same_run(&x, &y);
        out_free(&x);
        out_free(&y);
        pr_series_free(&a);
        pr_series_free(&b);
    }
    pr_series_free(&a0);
    pr_series_free(&b0);
}

static void test_lean_step_is_the_account_path(void **state) {
    (void)state;
    pr_series a, b;
    load_markets(&a, &b);
    pr_risk_config rc;
    binding_config(&rc);
    run_out x, y;
    run(&a, &b, &rc, 0, &x);
    run(&a, &b, &rc, 1, &y);
    /* The run is one where the limits act, or the comparison says little. */
    assert_true(x.res.n_trades > 10);
    assert_true(x.st.trig[PR_PROT_DD_WARN].count > 0);
    assert_true(x.st.trig[PR_PROT_DAILY_LOSS].count > 0);
    assert_true(x.st.trig[PR_PROT_TRADES_PER_DAY].count + x.st.trig[PR_PROT_CONSECUTIVE].count > 0);
    assert_int_equal(x.res.n_steps, y.res.n_steps);
    assert_memory_equal(x.res.equity, y.res.equity, x.res.n_steps * sizeof *x.res.equity);
    assert_int_equal(x.res.n_account, y.res.n_account);
    assert_memory_equal(x.res.account, y.res.account, x.res.n_account * sizeof *x.res.account);
    assert_int_equal(x.res.n_trades, y.res.n_trades);
    for (size_t i = 0; i < x.res.n_trades; i++) {
        assert_int_equal(x.res.trades[i].entry_ts, y.res.trades[i].entry_ts);
        assert_int_equal(x.res.trades[i].exit_ts, y.res.trades[i].exit_ts);
        assert_memory_equal(&x.res.trades[i].size, &y.res.trades[i].size, sizeof(double));
        assert_memory_equal(&x.res.trades[i].pnl, &y.res.trades[i].pnl, sizeof(double));
    }
    for (int k = 0; k < PR_PROT_N; k++) {
        assert_int_equal(x.st.trig[k].count, y.st.trig[k].count);
        assert_int_equal(x.st.trig[k].last, y.st.trig[k].last);
    }
    assert_memory_equal(&x.st.peak, &y.st.peak, sizeof(double));
    assert_int_equal(x.st.dd_tier, y.st.dd_tier);
    assert_int_equal(x.st.entries, y.st.entries);
    assert_int_equal(x.n_rows, y.n_rows);
    assert_true(x.n_rows == x.res.n_steps);
    assert_memory_equal(x.rows, y.rows, x.n_rows * sizeof *x.rows);
    out_free(&x);
    out_free(&y);
    pr_series_free(&a);
    pr_series_free(&b);
}

/* Two markets, one long and one short, marked away from their entries:
 * vt->equity is get_account's equity bit for bit (the pipeline hands the
 * former to the step hook in place of the latter). */
static void test_sim_equity_is_the_account_equity(void **state) {
    (void)state;
    pr_err err;
    pr_market_spec spec[2];
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &spec[0], NULL), 0);
    assert_int_equal(pr_market_spec_default("ETHUSDT", PR_ASSET_CRYPTO, &spec[1], NULL), 0);
    pr_sim_config c = {.start_cash = 10000, .ccy = "USDT", .n_markets = 2, .markets = spec};
    pr_broker *b = NULL;
    assert_int_equal(pr_sim_new(&c, &b, &err), 0);
    assert_non_null(b->vt->equity);
    pr_account acct;
    assert_int_equal(b->vt->get_account(b, &acct), 0);
    double eq = b->vt->equity(b);
    assert_memory_equal(&eq, &acct.equity, sizeof eq);   /* flat: the balance */
    pr_order o;
    pr_order_init(&o, 0, +1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    o.qty_mode = PR_QTY_UNITS;
    o.qty = 0.013;
    assert_int_equal(b->vt->submit(b, &o, 0, &err), 0);
    pr_order_init(&o, 1, -1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    o.qty_mode = PR_QTY_UNITS;
    o.qty = 0.7;
    assert_int_equal(b->vt->submit(b, &o, 0, &err), 0);
    pr_bar b0 = {3600000, 43210.7, 43555.1, 43001.3, 43333.3, 1}, b1 = {3600000, 2301.9, 2333.3, 2290.1, 2299.7, 1};
    assert_int_equal(pr_sim_process_bar(b, 0, &b0, 3600000, NULL, 0, 0, &err), 0);
    assert_int_equal(pr_sim_process_bar(b, 1, &b1, 3600000, NULL, 0, 0, &err), 0);
    pr_sim_mark(b, 0, 44001.7);
    pr_sim_mark(b, 1, 2207.3);
    assert_int_equal(b->vt->get_account(b, &acct), 0);
    eq = b->vt->equity(b);
    assert_true(acct.unrealized != 0);
    assert_memory_equal(&eq, &acct.equity, sizeof eq);
    b->vt->destroy(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lean_step_is_the_account_path),
        cmocka_unit_test(test_quiet_steps_decide_as_every_step),
        cmocka_unit_test(test_sim_equity_is_the_account_equity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
