/* The backtest loop: a strategy cannot look ahead through the engine (at
 * each decision the view holds exactly the closed bars and the next one is
 * unreadable); several markets with different bar times merge by time and
 * an order waits for its own market's next bar; the same inputs give
 * byte-identical trades and equity; confirmation stages can veto; the run
 * maps onto the metrics module's records (the one trades/equity format);
 * mixed timeframes label steps in increasing order; bad inputs are errors,
 * not crashes. */
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

/* ---- a strategy that tries to peek at the next bar ---- */
typedef struct peeker {
    pr_strategy base;
    size_t calls, violations;
    int64_t last_now;
} peeker;

static int peek_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    (void)out; (void)err;
    peeker *p = (peeker *)s;
    size_t t = p->calls++;
    pr_bar b;
    if (pr_view_len(v, 0, PR_TF_NONE) != t + 1) p->violations++;
    if (pr_view_bar_at(v, 0, PR_TF_NONE, t + 1, &b) != PR_ERANGE) p->violations++;
    if (!isnan(pr_view_close(v, 0, t + 1))) p->violations++;
    if (pr_view_bar(v, 0, PR_TF_NONE, 0, &b) != 0 || pr_view_now(v) != b.ts + PR_MS_PER_HOUR) p->violations++;
    p->last_now = pr_view_now(v);
    return 0;
}
static const pr_strategy_vt peek_vt = {.name = "peek", .on_bar = peek_on_bar};

static void test_no_look_ahead(void **state) {
    (void)state;
    static const double rows[][4] = {{1, 2, 0.5, 1.5}, {2, 3, 1.5, 2.5}, {3, 4, 2.5, 3.5}, {4, 5, 3.5, 4.5}, {5, 6, 4.5, 5.5}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    peeker pk = {.base.vt = &peek_vt};
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &pk.base, &p, &err), 0);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(pk.calls, 5);
    assert_int_equal(pk.violations, 0);
    assert_int_equal(pk.last_now, H(5));   /* the last decision is at the last close */
    assert_true(r.start_cash == 10000 && r.final_equity == 10000);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

static void test_two_markets_merge(void **state) {
    (void)state;
    /* A trades every hour 0..5; B only at hours 0, 2, 3, 5. A long on B
     * decided at B's bar 0 (close 01:00) fills at B's next bar, hour 2's
     * open 20, not at A's hour-1 bar. */
    static const double ra[][4] = {{100, 100, 100, 100}, {101, 101, 101, 101}, {102, 102, 102, 102},
                                   {103, 103, 103, 103}, {104, 104, 104, 104}, {105, 105, 105, 105}};
    pr_series a, b;
    et_hourly(&a, T0, ra, NROWS(ra));
    pr_series_init(&b, 8);
    b.tf = PR_TF_1H;
    et_push(&b, H(0), 10, 10, 10, 10);
    et_push(&b, H(2), 20, 21, 19, 21);
    et_push(&b, H(3), 21, 23, 20, 22);
    et_push(&b, H(5), 25, 25, 24, 24);
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 1);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_bt_market mk[2] = {{.bars = &a}, {.bars = &b}};
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 2, .markets = mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(r.n_steps, 6);   /* hours 0..5 */
    for (int i = 0; i < 6; i++) assert_int_equal(r.ts[i], H(i));
    assert_int_equal(r.n_open, 1);
    assert_int_equal(r.open_trades[0].instrument, 1);
    assert_int_equal(r.open_trades[0].entry_ts, H(2));
    assert_true(r.open_trades[0].entry_price == 20);
    /* Equity: 1000 until the fill; then B's last close: hour 2: +1, hour 3:
     * +2, hour 4 (no B bar): still +2, hour 5: +4. */
    const double eq[6] = {1000, 1000, 1001, 1002, 1002, 1004};
    for (int i = 0; i < 6; i++) assert_true(fabs(r.equity[i] - eq[i]) < 1e-9);
    assert_true(fabs(r.exposure[5] - 24.0 / 1004.0) < 1e-12);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&a);
    pr_series_free(&b);
}

static char *run_to_text(const pr_series *bars, pr_backtest *ctx, size_t *len) {
    pr_strategy *st = NULL;
    pr_err err;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, &err), 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_ALL_CASH;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, st, &p, &err), 0);
    pr_bt_market mk = {.bars = bars};
    /* Default crypto costs: 0.1% taker, 0.2% slippage. */
    assert_int_equal(pr_market_spec_default("BTCUSDT", PR_ASSET_CRYPTO, &mk.spec, &err), 0);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(ctx ? pr_backtest_exec(ctx, &bc, p, &r, &err) : pr_backtest_run(&bc, p, &r, &err), 0);
    assert_true(r.n_trades > 100);
    pr_trade_record *tr = NULL;
    pr_equity_point *eq = NULL;
    size_t ntr, neq;
    assert_int_equal(pr_backtest_records(&bc, &r, &tr, &ntr, &eq, &neq, &err), 0);
    assert_int_equal(ntr, r.n_trades + r.n_open);
    assert_int_equal(neq, r.n_steps);
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(pr_fwrite_trades_csv(f, tr, ntr, &err), 0);
    assert_int_equal(pr_fwrite_equity_csv(f, eq, neq, &err), 0);
    fclose(f);
    free(tr);
    free(eq);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_strategy_free(st);
    return buf;
}

static void test_deterministic(void **state) {
    (void)state;
    char path[1024];
    pr_series bars;
    assert_int_equal(et_read_csv(pr_test_path("tests/data/reference/BTCUSDT-1h.csv", path, sizeof path), PR_TF_1H, &bars), 0);
    size_t n1, n2;
    char *a = run_to_text(&bars, NULL, &n1);
    char *b = run_to_text(&bars, NULL, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    /* Runs in a reusable context (buffers recycled between runs) give the
     * same bytes, the first time and the second. */
    pr_backtest *ctx = NULL;
    pr_err err;
    assert_int_equal(pr_backtest_new(&ctx, &err), 0);
    for (int k = 0; k < 2; k++) {
        size_t n3;
        char *c = run_to_text(&bars, ctx, &n3);
        assert_int_equal(n3, n1);
        assert_memory_equal(a, c, n1);
        free(c);
    }
    pr_backtest_free(ctx);
    /* The CSV names what happened and why. */
    assert_non_null(strstr(a, "entry_time,exit_time,instrument,symbol,asset_class,side,qty"));
    assert_non_null(strstr(a, ",0,BTCUSDT,crypto,long,"));
    assert_non_null(strstr(a, ",sma_cross_up,exit: SMA(10) "));
    assert_non_null(strstr(a, "crossed below SMA(30)"));
    assert_non_null(strstr(a, "time,equity,equity_gross,cash,balance,margin_used,exposure,drawdown\n"
                              "2022-01-01T00:00:00Z,10000,10000,10000,10000,0,0,0\n"));
    free(a);
    free(b);
    pr_series_free(&bars);
}

/* A stage that vetoes every entry; exits pass. */
static int veto_entries(void *self, const pr_market_view *v, pr_signal *sig, int *keep, pr_err *err) {
    (void)v; (void)err;
    (*(int *)self)++;
    if (sig->kind == PR_SIG_ENTER_LONG || sig->kind == PR_SIG_ENTER_SHORT) *keep = 0;
    return 0;
}

static void test_confirm_stage_veto(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {101, 101, 101, 101}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 1, PR_SIG_EXIT, 0);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    int *seen = calloc(1, sizeof *seen);
    pr_confirm_stage stage = {.name = "veto", .self = seen, .confirm = veto_entries, .destroy = NULL};
    assert_int_equal(pr_pipeline_add_stage(p, &stage, &err), 0);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(*seen, 2);
    assert_int_equal(r.stats.signals, 2);
    assert_int_equal(r.stats.vetoed, 1);
    assert_int_equal(r.stats.ignored, 1);   /* the exit found no position */
    assert_int_equal(r.n_fills, 0);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    free(seen);
    pr_series_free(&s);
}

static void test_bad_inputs(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_backtest_result r;
    pr_backtest_config bc = {0};
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EINVAL);
    /* Unsorted bars are a data error. */
    pr_series s;
    pr_series_init(&s, 4);
    s.tf = PR_TF_1H;
    et_push(&s, H(1), 1, 1, 1, 1);
    et_push(&s, H(0), 1, 1, 1, 1);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    bc.n_markets = 1;
    bc.markets = &mk;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EDATA);
    /* A JPY-quoted market in a USD account with nothing to convert JPY. */
    pr_series_free(&s);
    pr_series_init(&s, 4);
    s.tf = PR_TF_1H;
    et_push(&s, H(0), 1, 1, 1, 1);
    assert_int_equal(pr_market_spec_default("EURJPY", PR_ASSET_FOREX, &mk.spec, &err), 0);
    pr_strlcpy(bc.ccy, "USD", sizeof bc.ccy);
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "JPY"));
    pr_pipeline_free(p);
    pr_series_free(&s);
}

/* One long round trip with a 0.1% fee and 1% slippage, FIXED_QTY 1, worked
 * by hand: bought at bar 1's open 100 -> fill 101 (fee 0.101, slippage 1),
 * sold at bar 3's open 110 -> fill 108.9 (fee 0.1089, slippage 1.1). At
 * reference prices the trade made 110 - 100 = 10; net 10 - 2.1 - 0.2099 =
 * 7.6901. The curve without costs is the cost-free path 1000, 1000, 1005,
 * 1010; the net one 1000, 998.899, 1003.899, 1007.6901. */
static void test_records(void **state) {
    (void)state;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}, {105, 105, 105, 105},
                                     {110, 110, 110, 110}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    mk.spec.costs.taker_fee = 0.001;
    mk.spec.costs.slippage = 0.01;
    pr_backtest_config bc = {.start_cash = 1000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    pr_trade_record *tr = NULL;
    pr_equity_point *eq = NULL;
    size_t ntr, neq;
    assert_int_equal(pr_backtest_records(&bc, &r, &tr, &ntr, &eq, &neq, &err), 0);
    assert_int_equal(ntr, 1);
    assert_int_equal(tr[0].entry_ts, H(1));
    assert_int_equal(tr[0].exit_ts, H(3));
    assert_string_equal(tr[0].symbol, "BTCUSDT");
    assert_int_equal(tr[0].cls, PR_ASSET_CRYPTO);
    assert_int_equal(tr[0].side, 1);
    assert_true(fabs(tr[0].qty - 1) < 1e-12);
    assert_true(fabs(tr[0].entry_price - 101) < 1e-9);
    assert_true(fabs(tr[0].exit_price - 108.9) < 1e-9);
    assert_true(fabs(tr[0].gross_pnl - 10) < 1e-9);
    assert_true(fabs(tr[0].fees - 0.2099) < 1e-9);
    assert_true(fabs(tr[0].slippage - 2.1) < 1e-9);
    assert_true(fabs(tr[0].pnl - 7.6901) < 1e-9);
    assert_true(tr[0].funding == 0);
    assert_string_equal(tr[0].reason, "exit");
    const double net[4] = {1000, 998.899, 1003.899, 1007.6901}, gross[4] = {1000, 1000, 1005, 1010};
    assert_int_equal(neq, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(eq[i].ts, H(i));
        assert_true(fabs(eq[i].equity - net[i]) < 1e-9);
        assert_true(fabs(eq[i].equity_gross - gross[i]) < 1e-9);
    }
    /* Spot bought outright: 1 unit at 101 (100 + 1% slippage) and a fee of
     * 0.101 leave 1000 - 101 - 0.101 = 898.899 in cash after bar 1. */
    assert_true(fabs(eq[1].cash - 898.899) < 1e-9);
    /* The margin balance only lost the fee; the margin in use is the
     * position's value at the close, 100 (leverage 1). Flat again after
     * the exit: cash = balance = equity. */
    assert_true(fabs(eq[1].balance - 999.899) < 1e-9);
    assert_true(fabs(eq[1].margin_used - 100) < 1e-9);
    assert_true(fabs(eq[3].cash - 1007.6901) < 1e-9 && eq[3].cash == eq[3].balance && eq[3].margin_used == 0);
    assert_true(eq[3].exposure == 0);
    free(tr);
    free(eq);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

/* Hourly and daily bars closing at the same midnight: the step is labelled
 * by the hourly bar's open (23:00), never the daily bar's (00:00 the day
 * before), so the curve's times keep increasing. */
static void test_mixed_timeframes(void **state) {
    (void)state;
    double rows[48][4];
    for (int i = 0; i < 48; i++) rows[i][0] = rows[i][1] = rows[i][2] = rows[i][3] = 100 + i;
    pr_series a, d;
    et_hourly(&a, T0, (const double (*)[4])rows, 48);
    pr_series_init(&d, 4);
    d.tf = PR_TF_1D;
    et_push(&d, T0, 10, 10, 10, 10);
    et_push(&d, T0 + PR_MS_PER_DAY, 11, 11, 11, 11);
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_bt_market mk[2] = {{.bars = &d}, {.bars = &a}};
    et_spec_plain(&mk[0].spec, "KO", PR_ASSET_STOCK);
    et_spec_plain(&mk[1].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 1000, .ccy = "USD", .n_markets = 2, .markets = mk};
    mk[1].spec.fx_rate = 1;
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal(r.n_steps, 48);
    for (int i = 0; i < 48; i++) assert_int_equal(r.ts[i], H(i));
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&a);
    pr_series_free(&d);
}

/* The account's slow part kept where it changed: notes at steps 0..7 with
 * the balance 100 until step 3, 90 from step 3, -0.0 costs from step 6 (a
 * sign that prints differently) keep points 0, 3 and 6 only; step 5 reads
 * step 3's values, step 7 step 6's. */
static void test_account_points(void **state) {
    (void)state;
    pr_backtest_result r;
    memset(&r, 0, sizeof r);
    r.n_steps = 8;
    for (size_t k = 0; k < 8; k++) {
        pr_bt_account_point p = {k, k < 3 ? 100 : 90, 50, k < 6 ? 0.0 : -0.0};
        assert_int_equal(pr_backtest_note_account(&r, &p), PR_OK);
    }
    assert_int_equal(r.n_account, 3);
    assert_int_equal(r.account[1].step, 3);
    assert_int_equal(r.account[2].step, 6);
    pr_bt_account_point a;
    assert_int_equal(pr_backtest_account_at(&r, 5, &a), PR_OK);
    assert_int_equal(a.step, 5);
    assert_true(a.balance == 90 && a.cash == 50 && !signbit(a.costs));
    assert_int_equal(pr_backtest_account_at(&r, 7, &a), PR_OK);
    assert_true(signbit(a.costs));
    assert_int_equal(pr_backtest_account_at(&r, 0, &a), PR_OK);
    assert_true(a.balance == 100);
    assert_int_equal(pr_backtest_account_at(&r, 8, &a), PR_EINVAL);
    pr_bt_account_point back = {6, 1, 1, 1};
    assert_int_equal(pr_backtest_note_account(&r, &back), PR_EINVAL);
    free(r.account);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_look_ahead),
        cmocka_unit_test(test_two_markets_merge),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_confirm_stage_veto),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_mixed_timeframes),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_account_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
