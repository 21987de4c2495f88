/* The live runner and the paper broker on hand-made bars, each outcome
 * worked out by hand below: a strategy decides at a bar's close on the bars
 * up to it (the next one is unreadable, and the step is decided as soon as
 * its bar arrives); a market order decided at bar t fills at bar t+1's
 * open, a limit entry only once a later bar trades through its price; bars
 * of several markets closing together make one step, finer bars settle
 * which of a stop and a target came first inside one, in whatever order the
 * feed gives them, and an order waits for its own market's next bar;
 * steps before trade_from only warm the view up; the paper account's
 * positions and working orders are readable during the session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"
#include "pr_test.h"
#include "engine/engine_test.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static pr_feed_event bar_event(const char *sym, int64_t ts, double o, double h, double l, double c) {
    pr_feed_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = PR_FEED_EV_BAR;
    pr_strlcpy(ev.symbol, sym, sizeof ev.symbol);
    ev.tf = PR_TF_1H;
    ev.ts = ts;
    ev.open = o;
    ev.high = h;
    ev.low = l;
    ev.close = c;
    ev.volume = 1;
    return ev;
}

/* ---- a strategy that tries to see past the close ---- */
typedef struct peeker {
    pr_strategy base;
    size_t calls, violations;
    int64_t last_now;
} peeker;

static int peek_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    (void)out;
    (void)err;
    peeker *p = (peeker *)s;
    size_t t = p->calls++;
    pr_bar b;
    if (pr_view_len(v, 0, PR_TF_NONE) != t + 1) p->violations++;
    if (pr_view_bar_at(v, 0, PR_TF_NONE, t + 1, &b) != PR_ERANGE) p->violations++;
    if (pr_view_bar(v, 0, PR_TF_NONE, 0, &b) != 0 || pr_view_now(v) != b.ts + PR_MS_PER_HOUR) p->violations++;
    p->last_now = pr_view_now(v);
    return 0;
}
static const pr_strategy_vt peek_vt = {.name = "peek", .on_bar = peek_on_bar};

static void one_market(pr_runner_market *mk, double cash, pr_runner_config *rc) {
    memset(mk, 0, sizeof *mk);
    et_spec_plain(&mk->spec, "BTCUSDT", PR_ASSET_CRYPTO);
    mk->tf = PR_TF_1H;
    memset(rc, 0, sizeof *rc);
    rc->n_markets = 1;
    rc->markets = mk;
    rc->start_cash = cash;
}

/* Each bar is decided on as it arrives (one market: nothing to wait for),
 * at its close, with exactly the bars received so far visible. */
static void test_decides_at_each_close(void **state) {
    (void)state;
    peeker pk = {.base.vt = &peek_vt};
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &pk.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    for (int i = 0; i < 4; i++) {
        pr_feed_event ev = bar_event("BTCUSDT", H(i), 100 + i, 101 + i, 99 + i, 100.5 + i);
        assert_int_equal(pr_runner_event(r, &ev, &err), 0);
        assert_int_equal(pk.calls, (size_t)i + 1);   /* decided now, not at the next bar */
        assert_int_equal(pk.last_now, H(i + 1));      /* at the bar's close */
    }
    /* A repeated bar and another stream's bar are not steps. */
    pr_feed_event again = bar_event("BTCUSDT", H(3), 1, 1, 1, 1), other = bar_event("ETHUSDT", H(4), 1, 1, 1, 1);
    assert_int_equal(pr_runner_event(r, &again, &err), 0);
    assert_int_equal(pr_runner_event(r, &other, &err), 0);
    assert_int_equal(pk.calls, 4);
    assert_int_equal(pk.violations, 0);
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    assert_int_equal(st.steps, 4);
    assert_int_equal(st.bars, 4);
    assert_int_equal(st.ignored, 2);
    /* A price that is not a number is refused, not traded. */
    pr_feed_event bad = bar_event("BTCUSDT", H(4), NAN, 1, 1, 1);
    assert_int_equal(pr_runner_event(r, &bad, &err), PR_EDATA);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* Long 1 unit decided at the close of bar 1 (close 111): bar 2 opens at 120,
 * so the paper fill is 120 (no costs), and at bar 2's close 125 the
 * position is worth 5 more: equity 1005. At bar 1's close the order works
 * and nothing is held. */
static void test_market_order_fills_next_open(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 1, PR_SIG_ENTER_LONG, 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    pr_broker *b = pr_runner_broker(r);
    assert_true(pr_paper_is(b));
    assert_string_equal(b->vt->name, "paper");
    static const double rows[][4] = {{100, 102, 98, 101}, {110, 112, 108, 111}, {120, 126, 119, 125}, {125, 127, 124, 126}};
    pr_account acc;
    pr_position pos;
    pr_order open[4];
    size_t n_open = 0;
    for (int i = 0; i < 2; i++) {
        pr_feed_event ev = bar_event("BTCUSDT", H(i), rows[i][0], rows[i][1], rows[i][2], rows[i][3]);
        assert_int_equal(pr_runner_event(r, &ev, &err), 0);
    }
    assert_int_equal(pr_paper_positions(b, &acc, &pos, 1, &err), 0);
    assert_true(pos.qty == 0);
    assert_true(acc.equity == 1000);
    assert_int_equal(pr_paper_open_orders(b, open, 4, &n_open, &err), 0);
    assert_int_equal(n_open, 1);
    assert_int_equal(open[0].side, 1);
    assert_int_equal(open[0].type, PR_ORDER_MARKET);
    assert_int_equal(open[0].submitted, H(2));   /* decided at bar 1's close */
    pr_feed_event ev2 = bar_event("BTCUSDT", H(2), rows[2][0], rows[2][1], rows[2][2], rows[2][3]);
    assert_int_equal(pr_runner_event(r, &ev2, &err), 0);
    assert_int_equal(pr_paper_positions(b, &acc, &pos, 1, &err), 0);
    assert_true(pos.qty == 1);
    assert_true(pos.avg_price == 120);
    assert_int_equal(pos.entry_ts, H(2));
    assert_true(fabs(acc.equity - 1005) < 1e-9);
    assert_int_equal(pr_paper_open_orders(b, open, 4, &n_open, &err), 0);
    assert_int_equal(n_open, 0);
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_steps, 3);
    const double eq[3] = {1000, 1000, 1005};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(res.ts[i], H(i));
        assert_true(fabs(res.equity[i] - eq[i]) < 1e-9);
    }
    assert_int_equal(res.n_fills, 1);
    assert_true(res.fills[0].price == 120 && res.fills[0].ts == H(2));
    assert_int_equal(res.n_open, 1);
    assert_true(res.open_trades[0].entry_price == 120);
    assert_true(res.start_cash == 1000 && fabs(res.final_equity - 1005) < 1e-9);
    pr_backtest_result_free(&res);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* A buy limit at 105 decided at bar 0's close: bar 1 (low 106) does not
 * reach it, bar 2 (open 108, low 104) trades through it: filled at 105,
 * at bar 2, as a maker. */
static void test_limit_fills_when_traded_through(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->entry_limit = 105;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 2;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    pr_broker *b = pr_runner_broker(r);
    static const double rows[][4] = {{110, 111, 109, 110}, {109, 110, 106, 107}, {108, 109, 104, 106}};
    pr_position pos;
    size_t n_open = 0;
    for (int i = 0; i < 3; i++) {
        pr_feed_event ev = bar_event("BTCUSDT", H(i), rows[i][0], rows[i][1], rows[i][2], rows[i][3]);
        assert_int_equal(pr_runner_event(r, &ev, &err), 0);
        assert_int_equal(pr_paper_positions(b, NULL, &pos, 1, &err), 0);
        assert_int_equal(pr_paper_open_orders(b, NULL, 0, &n_open, &err), 0);
        assert_true(pos.qty == (i < 2 ? 0 : 2));
        assert_int_equal(n_open, i < 2 ? 1 : 0);
    }
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_fills, 1);
    assert_true(res.fills[0].price == 105);
    assert_int_equal(res.fills[0].ts, H(2));
    assert_int_equal(res.fills[0].maker, 1);
    pr_backtest_result_free(&res);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* Two markets through the replay feed (the whole runner loop): A trades
 * every hour 0..5, B only at hours 0, 2, 3, 5. A long on B decided at B's
 * bar 0 (close 01:00) fills at B's next bar, hour 2's open 20, not at A's
 * hour-1 bar. Equity 1000 until the fill, then B's last close: hour 2:
 * 21 - 20 = +1, hour 3: +2, hour 4 (no B bar): +2, hour 5: +4. Six steps,
 * one per distinct close, as the backtest makes of the same bars. */
static void test_two_markets_through_feed(void **state) {
    (void)state;
    static const double ra[][4] = {{100, 100, 100, 100}, {101, 101, 101, 101}, {102, 102, 102, 102},
                                   {103, 103, 103, 103}, {104, 104, 104, 104}, {105, 105, 105, 105}};
    pr_series a, b;
    et_hourly(&a, T0, ra, NROWS(ra));
    pr_strlcpy(a.symbol, "BTCUSDT", sizeof a.symbol);
    pr_series_init(&b, 8);
    b.tf = PR_TF_1H;
    pr_strlcpy(b.symbol, "ETHUSDT", sizeof b.symbol);
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
    pr_runner_market mk[2];
    memset(mk, 0, sizeof mk);
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    mk[0].tf = mk[1].tf = PR_TF_1H;
    pr_runner_config rc = {.n_markets = 2, .markets = mk, .start_cash = 1000};
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    /* The feed lists B first: within a step the order of arrival does not matter. */
    const pr_series *sp[2] = {&b, &a};
    pr_feed *f = NULL;
    pr_feed_replay_options fo = {.speed = 0};
    assert_int_equal(pr_feed_replay_new(sp, 2, &fo, &f, &err), 0);
    int stopped = -1;
    assert_int_equal(pr_runner_run(r, f, NULL, &stopped, &err), 0);
    assert_int_equal(stopped, 0);
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_steps, 6);
    const double eq[6] = {1000, 1000, 1001, 1002, 1002, 1004};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(res.ts[i], H(i));
        assert_true(fabs(res.equity[i] - eq[i]) < 1e-9);
    }
    assert_int_equal(res.n_open, 1);
    assert_int_equal(res.open_trades[0].instrument, 1);
    assert_int_equal(res.open_trades[0].entry_ts, H(2));
    assert_true(res.open_trades[0].entry_price == 20);
    assert_int_equal(sc.calls, 6);
    pr_backtest_result_free(&res);
    pr_feed_free(f);
    pr_runner_free(r);
    pr_pipeline_free(p);
    pr_series_free(&a);
    pr_series_free(&b);
}

/* A market whose bar is missing at a close does not hold the step up once
 * a later bar shows it will not come: A's hour-1 bar arrives alone; B's
 * next bar is due at 02:00 too, so the step waits; A's hour-2 bar (a later
 * close) decides it with A alone. */
static void test_incomplete_step_decided_by_later_bar(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_runner_market mk[2];
    memset(mk, 0, sizeof mk);
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    mk[0].tf = mk[1].tf = PR_TF_1H;
    pr_runner_config rc = {.n_markets = 2, .markets = mk, .start_cash = 1000};
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    pr_feed_event a0 = bar_event("BTCUSDT", H(0), 1, 1, 1, 1), b0 = bar_event("ETHUSDT", H(0), 2, 2, 2, 2);
    pr_feed_event a1 = bar_event("BTCUSDT", H(1), 1, 1, 1, 1), a2 = bar_event("BTCUSDT", H(2), 1, 1, 1, 1);
    assert_int_equal(pr_runner_event(r, &a0, &err), 0);
    assert_int_equal(sc.calls, 0);   /* B's first bar may still come */
    assert_int_equal(pr_runner_event(r, &b0, &err), 0);
    assert_int_equal(sc.calls, 1);   /* both in: decided */
    assert_int_equal(pr_runner_event(r, &a1, &err), 0);
    assert_int_equal(sc.calls, 1);   /* B's hour-1 bar is due too */
    assert_int_equal(pr_runner_event(r, &a2, &err), 0);
    assert_int_equal(sc.calls, 2);   /* hour 1 decided with A alone */
    assert_int_equal(pr_runner_flush(r, &err), 0);
    assert_int_equal(sc.calls, 3);   /* and hour 2 when the caller says so */
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* Long 1 unit (decided at bar 0's close, filled at bar 1's open 100) with
 * a stop at 95 and a target at 105. Bar 2 (O 100 H 106 L 94 C 100)
 * touches both: alone it is settled the worse way, the stop, a loss of 5;
 * with its two 30-minute bars (O 100 H 106 L 99 C 105, then O 105 H 105
 * L 94 C 100), delivered by the feed before it, the target came first: a
 * gain of 5. */
static double fine_trade_pnl(int with_fine) {
    et_script sc;
    et_script_reset(&sc);
    pr_signal *sg = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    sg->stop = 95;
    sg->n_targets = 1;
    sg->target_price[0] = 105;
    sg->target_frac[0] = 1;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    mk.fine_tf = PR_TF_30M;
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    pr_feed_event ev[5] = {bar_event("BTCUSDT", H(0), 100, 100, 100, 100), bar_event("BTCUSDT", H(1), 100, 101, 99, 100),
                           bar_event("BTCUSDT", H(2), 100, 106, 99, 105),
                           bar_event("BTCUSDT", H(2) + PR_MS_PER_HOUR / 2, 105, 105, 94, 100),
                           bar_event("BTCUSDT", H(2), 100, 106, 94, 100)};
    ev[2].tf = ev[3].tf = PR_TF_30M;
    for (int i = 0; i < 5; i++) {
        if (!with_fine && (i == 2 || i == 3)) continue;
        assert_int_equal(pr_runner_event(r, &ev[i], &err), 0);
    }
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_trades, 1);
    assert_int_equal(res.trades[0].exit_ts, H(2));
    double pnl = res.trades[0].pnl;
    pr_backtest_result_free(&res);
    pr_runner_free(r);
    pr_pipeline_free(p);
    return pnl;
}

static void test_finer_bars_settle_a_bar(void **state) {
    (void)state;
    assert_true(fabs(fine_trade_pnl(0) - -5) < 1e-9);
    assert_true(fabs(fine_trade_pnl(1) - 5) < 1e-9);
}

/* The same with a 2-hour market A (finer bars hourly) next to an hourly
 * market B: B's steps in between (closes 01:00, 03:00) must not drop A's
 * finer bars, which settle A's 2-hour bar only when it closes. A long
 * decided at A's bar 0 (close 02:00) fills at A's bar 1's open 100; that
 * bar (02:00-04:00, H 106 L 94) touches the stop 95 and the target 105; its
 * hourly bars (02:00: H 106 L 99, target first; 03:00: L 94) settle it as
 * the target: +5. */
static void test_finer_bars_kept_across_other_steps(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_signal *sg = et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    sg->stop = 95;
    sg->n_targets = 1;
    sg->target_price[0] = 105;
    sg->target_frac[0] = 1;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_QTY;
    pc.sizing.qty = 1;
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_runner_market mk[2];
    memset(mk, 0, sizeof mk);
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSDT", PR_ASSET_CRYPTO);
    mk[0].tf = PR_TF_2H;
    mk[0].fine_tf = PR_TF_1H;
    mk[1].tf = PR_TF_1H;
    pr_runner_config rc = {.n_markets = 2, .markets = mk, .start_cash = 1000};
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    /* In close-time order, finer bars before the decision bars closing with them. */
    pr_feed_event ev[] = {
        bar_event("BTCUSDT", H(0), 100, 100, 100, 100), bar_event("ETHUSDT", H(0), 10, 10, 10, 10),
        bar_event("BTCUSDT", H(1), 100, 100, 100, 100), bar_event("BTCUSDT", H(0), 100, 100, 100, 100),
        bar_event("ETHUSDT", H(1), 10, 10, 10, 10),
        bar_event("BTCUSDT", H(2), 100, 106, 99, 105), bar_event("ETHUSDT", H(2), 10, 10, 10, 10),
        bar_event("BTCUSDT", H(3), 105, 105, 94, 100), bar_event("BTCUSDT", H(2), 100, 106, 94, 100),
        bar_event("ETHUSDT", H(3), 10, 10, 10, 10)};
    ev[0].tf = ev[2].tf = ev[5].tf = ev[7].tf = PR_TF_1H;   /* A's finer bars */
    ev[3].tf = ev[8].tf = PR_TF_2H;
    for (size_t i = 0; i < NROWS(ev); i++) assert_int_equal(pr_runner_event(r, &ev[i], &err), 0);
    assert_int_equal(pr_runner_flush(r, &err), 0);
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_trades, 1);
    assert_int_equal(res.trades[0].entry_ts, H(2));
    assert_true(fabs(res.trades[0].pnl - 5) < 1e-9);
    pr_backtest_result_free(&res);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* trade_from 02:00: bars 0 and 1 only warm the view up (no strategy call,
 * no equity point); the steps labelled 02:00 and 03:00 trade. */
static void test_warmup_before_trade_from(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    rc.trade_from = H(2);
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    for (int i = 0; i < 4; i++) {
        pr_feed_event ev = bar_event("BTCUSDT", H(i), 1, 1, 1, 1);
        assert_int_equal(pr_runner_event(r, &ev, &err), 0);
    }
    assert_int_equal(sc.calls, 2);
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    assert_int_equal(st.warmup_steps, 2);
    assert_int_equal(st.warmup_bars, 2);
    assert_int_equal(st.steps, 2);
    pr_backtest_result res;
    assert_int_equal(pr_runner_result(r, &res, &err), 0);
    assert_int_equal(res.n_steps, 2);
    assert_int_equal(res.ts[0], H(2));
    pr_backtest_result_free(&res);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

static void test_bad_config(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_runner_market mk[2];
    memset(mk, 0, sizeof mk);
    et_spec_plain(&mk[0].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "BTCUSDT", PR_ASSET_CRYPTO);
    mk[0].tf = mk[1].tf = PR_TF_1H;
    pr_runner_config rc = {.n_markets = 2, .markets = mk};
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "traded twice"));
    mk[1].tf = PR_TF_NONE;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), PR_EINVAL);
    rc.n_markets = 0;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), PR_EINVAL);
    assert_null(r);
    pr_pipeline_free(p);
}

/* ---- a strategy that notes when it is asked ---- */
typedef struct clock_note {
    pr_strategy base;
    size_t calls;
    int64_t at[16];
} clock_note;

static int note_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    (void)out;
    (void)err;
    clock_note *c = (clock_note *)s;
    if (c->calls < 16) c->at[c->calls] = pr_view_now(v);
    c->calls++;
    return 0;
}
static const pr_strategy_vt note_vt = {.name = "note", .on_bar = note_on_bar};

/* A scan interval of 3 hours over hourly bars from 2024-01-01 00:00 (a
 * boundary): the bars close at 01:00, 02:00, ...; the pipeline is asked at
 * the first step (01:00) and at the closes on a multiple of 3 h since
 * midnight, 03:00 and 06:00. Bar 8 (08:00-09:00) is missing, so no bar
 * closes at 09:00: the next step, bar 9 closing at 10:00, is the first
 * after that boundary and is decided. Every step still moves the
 * market view: 9 bars seen by the last decision. */
static void test_scan_interval(void **state) {
    (void)state;
    clock_note cn = {.base.vt = &note_vt};
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &cn.base, &p, &err), 0);
    pr_runner_market mk;
    pr_runner_config rc;
    one_market(&mk, 1000, &rc);
    rc.scan_ms = 3 * PR_MS_PER_HOUR;
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    const int bars[] = {0, 1, 2, 3, 4, 5, 6, 7, 9};
    for (size_t k = 0; k < NROWS(bars); k++) {
        pr_feed_event ev = bar_event("BTCUSDT", H(bars[k]), 100, 101, 99, 100);
        assert_int_equal(pr_runner_event(r, &ev, &err), 0);
    }
    const int64_t want[] = {H(1), H(3), H(6), H(10)};
    assert_int_equal(cn.calls, NROWS(want));
    for (size_t k = 0; k < NROWS(want); k++) assert_int_equal(cn.at[k], want[k]);
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    assert_int_equal(st.steps, 9);
    assert_int_equal(st.decided, 4);
    assert_int_equal(pr_runner_bars(r, 0)->len, 9);
    pr_runner_free(r);
    pr_pipeline_free(p);
}

/* A market the feed does not carry (no_feed) holds no step up: A's bar is
 * decided as it arrives (ETHUSD's would be due at the same close). The
 * feed names EURUSD "eur_usd" (feed_symbol
 * EUR_USD, compared without case) and its bar is taken as EURUSD's. */
static void test_feed_symbols_and_skipped_market(void **state) {
    (void)state;
    et_script sc;
    et_script_reset(&sc);
    pr_pipeline *p = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(NULL, &sc.base, &p, &err), 0);
    pr_runner_market mk[2];
    memset(mk, 0, sizeof mk);
    et_spec_plain(&mk[0].spec, "EURUSD", PR_ASSET_CRYPTO);
    et_spec_plain(&mk[1].spec, "ETHUSD", PR_ASSET_CRYPTO);
    mk[0].tf = mk[1].tf = PR_TF_1H;
    pr_strlcpy(mk[0].feed_symbol, "EUR_USD", sizeof mk[0].feed_symbol);
    mk[1].no_feed = 1;
    pr_runner_config rc = {.n_markets = 2, .markets = mk, .start_cash = 1000};
    pr_runner *r = NULL;
    assert_int_equal(pr_runner_new(&rc, p, &r, &err), 0);
    pr_feed_event a0 = bar_event("eur_usd", H(0), 1, 1, 1, 1), other = bar_event("EURUSD", H(1), 1, 1, 1, 1);
    assert_int_equal(pr_runner_event(r, &a0, &err), 0);
    assert_int_equal(sc.calls, 1);   /* not waiting for ETHUSD */
    assert_int_equal(pr_runner_event(r, &other, &err), 0);
    assert_int_equal(sc.calls, 1);   /* the dataset's spelling is not the feed's */
    pr_runner_stats st;
    pr_runner_get_stats(r, &st);
    assert_int_equal(st.bars, 1);
    assert_int_equal(st.ignored, 1);
    assert_int_equal(pr_runner_last_bar(r, 0), H(0));
    pr_runner_free(r);
    pr_pipeline_free(p);
}

int main(void) {
    T0 = et_time(2024, 1, 1, 0, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decides_at_each_close),
        cmocka_unit_test(test_market_order_fills_next_open),
        cmocka_unit_test(test_limit_fills_when_traded_through),
        cmocka_unit_test(test_two_markets_through_feed),
        cmocka_unit_test(test_incomplete_step_decided_by_later_bar),
        cmocka_unit_test(test_finer_bars_settle_a_bar),
        cmocka_unit_test(test_finer_bars_kept_across_other_steps),
        cmocka_unit_test(test_warmup_before_trade_from),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_scan_interval),
        cmocka_unit_test(test_feed_symbols_and_skipped_market),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
