/* The VaR returns window across a restart (risk/var_window.h): a run split
 * in two halves, the stage's state saved as JSON after the first and
 * resumed before the second, refuses the same entries and shows the same
 * VaR at every step, bit for bit, as one run that never stopped; the saved
 * window reads back as the rows it was written from; a malformed window or
 * one of another instrument count is refused by name.
 *
 * The data (one instrument, hourly, no costs): closes alternate 100 (even
 * bars) and 100.1 (odd bars), times 0.95 from bar 40 on, so each step
 * returns about +-0.1% except bar 40's crash, 95 / 100.1 - 1 = -5.09...%.
 * Opens are the previous close. Fixed fraction 0.5 of equity (~5,000), the
 * VaR limit at 99%: 2% of equity (~200), window 100 steps, min_obs 20.
 *   enter@10 fills at bar 11, exit@20 at bar 21: flat from there on;
 *   enter@70: the window holds bars 0..70 (71 returns), k = ceil(0.99 x 71)
 *     = 71: the largest loss, the crash's, ~5,000 x 0.0509 = ~255 > ~200:
 *     refused;
 *   enter@150: the window holds bars 51..150, no crash: the largest loss is
 *     ~5,000 x 0.001 = ~5: goes ahead (fills at bar 151, open at the end).
 * The split is at bar 60: the second half gets bars 59..159 with bar 59 as
 * warm-up only (trade_from = bar 60's time), so its first step sees the
 * previous close, and starts with the first half's final equity as cash
 * (it ends flat), so both halves together trade as the whole run. Without
 * the window the second half's VaR would not exist before 20 of its own
 * steps (bar 79): enter@70 would go ahead. */
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
#include "proratio/risk.h"
#include "engine/engine_test.h"

#define NB 160
#define SPLIT 60

static int g_rejects;

static int on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED && ev->reason && strstr(ev->reason, "portfolio VaR over the limit")) g_rejects++;
    return 0;
}

static const struct { size_t at; pr_signal_kind kind; } k_script[] = {
    {10, PR_SIG_ENTER_LONG}, {20, PR_SIG_EXIT}, {70, PR_SIG_ENTER_LONG}, {150, PR_SIG_ENTER_LONG}};

static double close_of(size_t k) { return (k % 2 ? 100.1 : 100) * (k >= 40 ? 0.95 : 1); }

/* One run over bars [from, to) (bar from - 1 as warm-up when from > 0),
 * starting with `cash` and, when state is not NULL, from that JSON text.
 * Returns the stage (caller frees) and the result. */
static pr_risk_stage *run_(size_t from, size_t to, double cash, const char *state, pr_backtest_result *r) {
    size_t first = from ? from - 1 : 0;
    double rows[NB][4];
    for (size_t k = first; k < to; k++) {
        double c = close_of(k), o = k ? close_of(k - 1) : c;
        rows[k - first][0] = o, rows[k - first][1] = fmax(o, c), rows[k - first][2] = fmin(o, c), rows[k - first][3] = c;
    }
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    pr_series s;
    et_hourly(&s, t0 + (int64_t)first * PR_MS_PER_HOUR, (const double(*)[4])rows, to - first);
    et_script sc;
    et_script_reset(&sc);
    for (size_t i = 0; i < sizeof k_script / sizeof k_script[0]; i++)
        if (k_script[i].at >= from && k_script[i].at < to) et_script_add(&sc, k_script[i].at - first, k_script[i].kind, 0);
    static pr_strategy_vt vt;
    vt = et_script_vt;
    vt.on_event = on_event;
    sc.base.vt = &vt;
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.sizing.fraction = 0.5;
    rc.stops.required = 0;
    rc.var.limit = 0.02;
    rc.var.confidence = 0.99;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
    pr_risk_stage_record_series(rs, 1);
    if (state) assert_int_equal(pr_risk_stage_restore_json(rs, state, &err), 0);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = cash, .n_markets = 1, .markets = &mk,
                             .trade_from = from ? t0 + (int64_t)from * PR_MS_PER_HOUR : 0};
    g_rejects = 0;
    assert_int_equal(pr_backtest_run(&bc, p, r, &err), 0);
    pr_pipeline_free(p);
    pr_series_free(&s);
    return rs;
}

static void test_split_equals_continuous(void **state) {
    (void)state;
    pr_backtest_result whole, half, rest;
    pr_risk_stage *one = run_(0, NB, 10000, NULL, &whole);
    /* The whole run: enter@70 refused by the VaR limit, two round trips
     * entered (the second still open). */
    assert_int_equal(g_rejects, 1);
    assert_int_equal((int)whole.n_trades, 1);
    assert_int_equal((int)whole.n_open, 1);
    const pr_risk_watch *w1 = pr_risk_stage_watch(one);
    assert_int_equal((int)pr_risk_watch_rows(w1), NB);
    /* At bar 70 (flat, so the row's VaR is 0) the crash is in the window;
     * at bar 151 (long ~5,000) the 95% VaR of the latest 100 returns is a
     * ~0.1% step's loss, about 5. */
    assert_true(pr_risk_watch_row(w1, 151)->var95 > 4 && pr_risk_watch_row(w1, 151)->var95 < 6);

    pr_risk_stage *h = run_(0, SPLIT, 10000, NULL, &half);
    assert_int_equal((int)half.n_open, 0);
    char *js = NULL;
    pr_err err;
    assert_int_equal(pr_risk_stage_state_to_json(h, &js, &err), 0);
    /* The window as saved: 60 rows of one return each, bar 0's 0 first,
     * bar 1's 100.1 / 100 - 1 next. */
    pr_risk_var_window win;
    assert_int_equal(pr_risk_var_window_from_json(js, &win, &err), 0);
    assert_int_equal((int)win.n_rows, SPLIT);
    assert_int_equal((int)win.n_inst, 1);
    assert_true(win.rows[0] == 0 && win.rows[1] == 100.1 / 100 - 1 && win.rows[40] == 95 / 100.1 - 1);
    pr_risk_var_window_free(&win);

    pr_risk_stage *two = run_(SPLIT, NB, half.final_equity, js, &rest);
    assert_int_equal(g_rejects, 1);   /* enter@70, as in the whole run */
    assert_int_equal((int)rest.n_trades, 0);
    assert_int_equal((int)rest.n_open, 1);
    assert_true(rest.trades[0].entry_ts == whole.trades[1].entry_ts && rest.trades[0].size == whole.trades[1].size);
    /* Every row of the second half is the whole run's row, bit for bit. */
    const pr_risk_watch *w2 = pr_risk_stage_watch(two);
    assert_int_equal((int)pr_risk_watch_rows(w2), NB - SPLIT);
    for (size_t t = SPLIT; t < NB; t++) {
        const pr_risk_row *a = pr_risk_watch_row(w2, t - SPLIT), *b = pr_risk_watch_row(w1, t);
        assert_true(a->ts == b->ts && a->positions == b->positions);
        assert_memory_equal(&a->equity, &b->equity, sizeof a->equity);
        assert_memory_equal(a->gross, b->gross, sizeof a->gross);
        assert_memory_equal(&a->var95, &b->var95, sizeof a->var95);
        assert_memory_equal(&a->cvar95, &b->cvar95, sizeof a->cvar95);
    }
    pr_risk_stage_free(two);
    pr_backtest_result_free(&rest);

    /* The stage's state with the window taken out of the text: the second
     * half starts with an empty window and lets enter@70 through. */
    char *cut = strstr(js, ",\"var_window\"");
    assert_non_null(cut);
    strcpy(cut, "}");
    two = run_(SPLIT, NB, half.final_equity, js, &rest);
    assert_int_equal(g_rejects, 0);
    assert_int_equal((int)rest.n_trades + (int)rest.n_open, 1);
    pr_risk_stage_free(two);
    pr_backtest_result_free(&rest);
    free(js);
    pr_risk_stage_free(h);
    pr_backtest_result_free(&half);
    pr_risk_stage_free(one);
    pr_backtest_result_free(&whole);
}

static void test_window_checks(void **state) {
    (void)state;
    pr_risk_var_window win;
    pr_err err;
    assert_int_equal(pr_risk_var_window_from_json("{\"var_window\": {\"instruments\": 2, \"rows\": [[0.5, -0.25]]}}",
                                                  &win, &err),
                     0);
    assert_true(win.n_rows == 1 && win.n_inst == 2 && win.rows[0] == 0.5 && win.rows[1] == -0.25);
    pr_risk_var_window_free(&win);
    assert_int_not_equal(
        pr_risk_var_window_from_json("{\"var_window\": {\"instruments\": 2, \"rows\": [[0.5]]}}", &win, &err), 0);
    assert_non_null(strstr(err.msg, "var_window.rows[0] must be an array of 2 numbers"));
    assert_int_not_equal(
        pr_risk_var_window_from_json("{\"var_window\": {\"instruments\": 1, \"rows\": [[\"x\"]]}}", &win, &err), 0);
    assert_non_null(strstr(err.msg, "var_window.rows[0][0]"));
    assert_int_not_equal(pr_risk_var_window_from_json("{\"var_window\": []}", &win, &err), 0);
    assert_non_null(strstr(err.msg, "\"var_window\""));
    /* Rows without instruments, a negative count, a text that is no object. */
    assert_int_not_equal(
        pr_risk_var_window_from_json("{\"var_window\": {\"instruments\": 0, \"rows\": [[]]}}", &win, &err), 0);
    assert_non_null(strstr(err.msg, "has rows but no instruments"));
    assert_null(win.rows);
    assert_int_not_equal(
        pr_risk_var_window_from_json("{\"var_window\": {\"instruments\": -1, \"rows\": []}}", &win, &err), 0);
    assert_non_null(strstr(err.msg, "\"var_window\" must be"));
    assert_int_not_equal(pr_risk_var_window_from_json("[1]", &win, &err), 0);
    assert_non_null(strstr(err.msg, "not a JSON object"));
    /* A failed row frees what was read before it. */
    assert_int_not_equal(pr_risk_var_window_from_json(
                             "{\"var_window\": {\"instruments\": 1, \"rows\": [[0.1], [0.2], [null]]}}", &win, &err),
                         0);
    assert_non_null(strstr(err.msg, "var_window.rows[2][0]"));
    assert_null(win.rows);
    /* A window saved for two instruments stops a run of one at its first
     * step, naming both counts. */
    pr_risk_state st;
    pr_risk_state_init(&st);
    char *js = NULL;
    assert_int_equal(pr_risk_state_to_json(&st, &js, &err), 0);
    char text[4096];
    snprintf(text, sizeof text, "%.*s,\"var_window\":{\"instruments\":2,\"rows\":[[0.01,0.02]]}}",
             (int)strlen(js) - 1, js);
    free(js);
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.stops.required = 0;
    rc.var.limit = 0.02;
    pr_risk_stage *rs = NULL;
    assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
    assert_int_equal(pr_risk_stage_restore_json(rs, text, &err), 0);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_pipeline_set_sizer(p, &sz);
    double rows[3][4] = {{100, 101, 99, 100}, {100, 101, 99, 100}, {100, 101, 99, 100}};
    pr_series s;
    et_hourly(&s, et_time(2024, 1, 1, 0, 0), (const double(*)[4])rows, 3);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_not_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_non_null(strstr(err.msg, "VaR window was saved for 2 instruments, this run has 1"));
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_equals_continuous),
        cmocka_unit_test(test_window_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
