/* The Binance user-data stream's events read by the venue's parser
 * (pr_venue_ops.stream_parse) from tests/live/fixtures/binance_user_data.jsonl
 * (the documented shapes; the expected values are read off the fixture
 * lines), and the order-count gate (pr_venue_order_gate) on windows worked
 * out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live/venue.h"
#include "pr_test.h"

static char g_lines[8][2048];

static int load(void **st) {
    (void)st;
    char path[1024];
    pr_test_path("tests/live/fixtures/binance_user_data.jsonl", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    for (int i = 0; i < 8 && fgets(g_lines[i], sizeof g_lines[i], f); i++) {}
    fclose(f);
    return 0;
}

static void parse(const char *venue, int line, pr_venue_event *ev) {
    const pr_venue_ops *ops = pr_venue_find(venue);
    assert_non_null(ops);
    assert_non_null(ops->stream_parse);
    pr_err e;
    pr_err_clear(&e);
    const char *s = g_lines[line - 1];
    assert_int_equal(ops->stream_parse(s, strlen(s), ev, &e), PR_OK);
}

static void test_spot_new_order(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_spot", 1, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_ORDER);
    assert_true(ev.time_ms == 1499405658658LL);
    assert_string_equal(ev.order.client_id, "mUvoqJxFIILMdfAW5iGSOW");
    assert_string_equal(ev.order.symbol, "ETHBTC");
    assert_true(ev.order.venue_id == 4293153);
    assert_int_equal(ev.order.side, PR_VSIDE_BUY);
    assert_int_equal(ev.order.type, PR_VORDER_LIMIT);
    assert_int_equal(ev.order.status, PR_VSTATUS_NEW);
    assert_float_equal(ev.order.qty, 1.0, 1e-12);
    assert_float_equal(ev.order.price, 0.10264410, 1e-12);
    assert_true(ev.order.list_id == -1);
    assert_int_equal(ev.has_fill, 0); /* x NEW: no trade */
}

static void test_spot_trade(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_spot", 2, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_ORDER);
    assert_int_equal(ev.order.status, PR_VSTATUS_PARTIALLY_FILLED);
    assert_float_equal(ev.order.executed_qty, 0.4, 1e-12);
    assert_float_equal(ev.order.cum_quote, 0.041056, 1e-12); /* 0.4 x 0.10264 */
    assert_int_equal(ev.has_fill, 1);
    assert_true(ev.fill.trade_id == 21447);
    assert_true(ev.fill.order_id == 4293153);
    assert_string_equal(ev.fill.symbol, "ETHBTC");
    assert_int_equal(ev.fill.side, PR_VSIDE_BUY);
    assert_float_equal(ev.fill.qty, 0.4, 1e-12);
    assert_float_equal(ev.fill.price, 0.10264, 1e-12);
    assert_float_equal(ev.fill.commission, 0.0004, 1e-12);
    assert_string_equal(ev.fill.commission_asset, "ETH");
    assert_int_equal(ev.fill.maker, 1);
    assert_true(ev.fill.time_ms == 1499405660099LL);
}

static void test_spot_account(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_spot", 3, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_ACCOUNT);
    assert_int_equal(ev.n_balances, 2);
    assert_string_equal(ev.balances[0].asset, "ETH");
    assert_float_equal(ev.balances[0].free, 10000.0, 1e-9);
    assert_string_equal(ev.balances[1].asset, "BTC");
    assert_float_equal(ev.balances[1].free, 0.958944, 1e-12);
    assert_float_equal(ev.balances[1].locked, 0.06158646, 1e-12);
}

static void test_futures_trade(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_futures", 4, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_ORDER);
    assert_string_equal(ev.order.client_id, "TEST");
    assert_int_equal(ev.order.side, PR_VSIDE_SELL);
    assert_int_equal(ev.order.type, PR_VORDER_MARKET);
    assert_int_equal(ev.order.status, PR_VSTATUS_FILLED);
    assert_int_equal(ev.order.reduce_only, 1);
    assert_float_equal(ev.order.executed_qty, 0.003, 1e-12);
    assert_float_equal(ev.order.cum_quote, 21.3093, 1e-9); /* 0.003 x 7103.10 */
    assert_int_equal(ev.has_fill, 1);
    assert_true(ev.fill.trade_id == 5791);
    assert_float_equal(ev.fill.price, 7103.10, 1e-9);
    assert_float_equal(ev.fill.commission, 0.00852372, 1e-12);
    assert_string_equal(ev.fill.commission_asset, "USDT");
}

static void test_futures_account(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_futures", 5, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_ACCOUNT);
    assert_int_equal(ev.n_balances, 1);
    assert_float_equal(ev.balances[0].free, 100.12345678, 1e-9);            /* cw */
    assert_float_equal(ev.balances[0].locked, 122524.0, 1e-6);              /* wb - cw */
    assert_int_equal(ev.n_positions, 1);
    assert_string_equal(ev.positions[0].symbol, "BTCUSDT");
    assert_float_equal(ev.positions[0].qty, 20.0, 1e-12);
    assert_float_equal(ev.positions[0].entry_price, 6563.665, 1e-9);
    assert_float_equal(ev.positions[0].unrealized_pnl, 2850.212, 1e-9);
    assert_int_equal(ev.positions[0].isolated, 1);
}

static void test_expired_other_and_garbage(void **st) {
    (void)st;
    pr_venue_event ev;
    parse("binance_spot", 6, &ev);
    assert_int_equal(ev.kind, PR_VEVENT_KEY_EXPIRED);
    parse("binance_spot", 7, &ev); /* wrapped balanceUpdate: read, unused */
    assert_int_equal(ev.kind, PR_VEVENT_OTHER);
    assert_true(ev.time_ms == 1573200697110LL);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_find("binance_spot")->stream_parse("{\"e\":", 5, &ev, &e), PR_EPARSE);
    assert_non_null(strstr(e.msg, "unreadable"));
}

/* Spot's limits: 50 orders per 10 s, 160000 per day. Windows are aligned
 * to the epoch: the 10 s window of t = 1700000003000 is [1700000000000,
 * 1700000010000); the day's is [1699920000000, 1700006400000) (1700000003000
 * / 86400000 = 19675.9..., 19675 x 86400000 = 1699920000000). */
static void test_order_gate(void **st) {
    (void)st;
    pr_venue_order_gate g;
    memset(&g, 0, sizeof g);
    pr_venue_order_gate_limit(&g, 10000, 50);
    pr_venue_order_gate_limit(&g, 86400000, 160000);
    int64_t t = 1700000003000LL, wait = -1;
    pr_err e;
    pr_err_clear(&e);
    for (int i = 0; i < 49; i++) pr_venue_order_gate_sent(&g, t);
    assert_int_equal(pr_venue_order_gate_check(&g, t, 60000, &wait, &e), PR_OK);
    assert_true(wait == 0); /* 49 of 50: one more fits */
    pr_venue_order_gate_sent(&g, t);
    assert_int_equal(pr_venue_order_gate_check(&g, t, 60000, &wait, &e), PR_OK);
    assert_true(wait == 7000); /* full until 1700000010000 */
    /* the next window starts empty */
    assert_int_equal(pr_venue_order_gate_check(&g, 1700000010000LL, 60000, &wait, &e), PR_OK);
    assert_true(wait == 0);
    /* the venue's header wins over the local count: 12 in this window */
    pr_venue_order_gate_seen(&g, 10000, 12, 1700000011000LL);
    assert_true(g.w[0].count == 12);
    /* the day: 160000 used by 1700000011000 -> refused until 1700006400000 */
    pr_venue_order_gate_seen(&g, 86400000, 160000, 1700000011000LL);
    assert_int_equal(pr_venue_order_gate_check(&g, 1700000011000LL, 60000, &wait, &e), PR_ELIMIT);
    assert_string_equal(e.venue_code, "ORDERS_1d");
    assert_non_null(strstr(e.msg, "160000 of 160000 new orders per 1d"));
    assert_non_null(strstr(e.msg, "2023-11-15")); /* 1700006400000 = 2023-11-15 00:00 UTC */
    /* absent headers (-1) change nothing */
    pr_venue_order_gate_seen(&g, 10000, -1, 1700000011000LL);
    assert_true(g.w[0].count == 12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spot_new_order),   cmocka_unit_test(test_spot_trade),
        cmocka_unit_test(test_spot_account),     cmocka_unit_test(test_futures_trade),
        cmocka_unit_test(test_futures_account),  cmocka_unit_test(test_expired_other_and_garbage),
        cmocka_unit_test(test_order_gate),
    };
    return cmocka_run_group_tests(tests, load, NULL);
}
