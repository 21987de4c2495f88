/* The simulated broker used directly through the pr_broker interface:
 * one-cancels-other groups, expiry, cancelling a parent cancels its
 * children, amending a stop, order status after it stopped working,
 * reduce-only orders cancelled when the position is gone, spot markets
 * refusing shorts, and orders submitted at a time fill only in bars opening
 * at or after it. Prices worked out by hand; no costs. */
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

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static pr_broker *make(int no_short) {
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.margin.no_short = no_short;
    pr_sim_config c = {.start_cash = 10000, .n_markets = 1, .markets = &m};
    pr_broker *b = NULL;
    pr_err err;
    assert_int_equal(pr_sim_new(&c, &b, &err), 0);
    return b;
}

static void bar(pr_broker *b, int i, double o, double h, double l, double c) {
    pr_bar x = {H(i), o, h, l, c, 1};
    pr_err err;
    assert_int_equal(pr_sim_process_bar(b, 0, &x, PR_MS_PER_HOUR, NULL, 0, 0, &err), 0);
}

static uint64_t submit(pr_broker *b, int side, pr_order_type type, double limit, double stop, uint32_t oco,
                       uint64_t parent, int64_t now) {
    pr_order o;
    pr_order_init(&o, 0, side, type, PR_ROLE_ENTRY);
    o.qty_mode = PR_QTY_UNITS;
    o.qty = 1;
    o.limit_price = limit;
    o.stop_price = stop;
    o.oco = oco;
    o.parent = parent;
    pr_err err;
    assert_int_equal(b->vt->submit(b, &o, now, &err), 0);
    return o.id;
}

static pr_order_status status(pr_broker *b, uint64_t id) {
    pr_order o;
    assert_int_equal(b->vt->get_order(b, id, &o), 0);
    return o.status;
}

static void test_oco_and_expiry(void **state) {
    (void)state;
    pr_broker *b = make(0);
    bar(b, 0, 100, 100, 100, 100);
    /* A breakout straddle: buy stop 105 / sell stop 95, one cancels the other. */
    uint64_t up = submit(b, 1, PR_ORDER_STOP, 0, 105, 7, 0, H(1));
    uint64_t dn = submit(b, -1, PR_ORDER_STOP, 0, 95, 7, 0, H(1));
    assert_int_equal(pr_sim_open_orders(b), 2);
    bar(b, 1, 100, 106, 99, 104);   /* trades 105 only */
    assert_int_equal(status(b, up), PR_OS_FILLED);
    assert_int_equal(status(b, dn), PR_OS_CANCELLED);
    pr_position pos;
    assert_int_equal(b->vt->get_position(b, 0, &pos), 0);
    assert_true(pos.qty == 1 && pos.avg_price == 105);
    assert_true(pos.unrealized == -1);   /* marked at the close 104 */

    /* A limit that expires at 03:00 is gone before bar 3 could fill it. */
    pr_order o;
    pr_order_init(&o, 0, -1, PR_ORDER_LIMIT, PR_ROLE_EXIT);
    o.qty_mode = PR_QTY_UNITS;
    o.qty = 1;
    o.limit_price = 110;
    o.expire = H(3);
    pr_err err;
    assert_int_equal(b->vt->submit(b, &o, H(2), &err), 0);
    bar(b, 2, 104, 108, 103, 107);
    assert_int_equal(status(b, o.id), PR_OS_ACTIVE);
    bar(b, 3, 107, 112, 106, 111);
    assert_int_equal(status(b, o.id), PR_OS_CANCELLED);
    pr_broker_free(b);
}

static void test_children_amend_reduce_only(void **state) {
    (void)state;
    pr_broker *b = make(0);
    bar(b, 0, 100, 100, 100, 100);
    /* Entry limit 98 with a stop child 95: cancelling the entry cancels it. */
    uint64_t e = submit(b, 1, PR_ORDER_LIMIT, 98, 0, 0, 0, H(1));
    pr_order st;
    pr_order_init(&st, 0, -1, PR_ORDER_STOP, PR_ROLE_STOP);
    st.qty_mode = PR_QTY_CLOSE;
    st.reduce_only = 1;
    st.stop_price = 95;
    st.parent = e;
    pr_err err;
    assert_int_equal(b->vt->submit(b, &st, H(1), &err), 0);
    assert_int_equal(st.status, PR_OS_WAITING);
    assert_int_equal(b->vt->cancel(b, e, &err), 0);
    assert_int_equal(status(b, st.id), PR_OS_CANCELLED);

    /* A market entry with a stop child at 95, amended to 99: bar 2's low 98.5
     * trades the amended stop (not the original): exit at 99 (entry at 100). */
    uint64_t e2 = submit(b, 1, PR_ORDER_MARKET, 0, 0, 0, 0, H(1));
    pr_order st2;
    pr_order_init(&st2, 0, -1, PR_ORDER_STOP, PR_ROLE_STOP);
    st2.qty_mode = PR_QTY_CLOSE;
    st2.reduce_only = 1;
    st2.stop_price = 95;
    st2.parent = e2;
    assert_int_equal(b->vt->submit(b, &st2, H(1), &err), 0);
    /* And a take-profit at 120, never reached: cancelled with the position. */
    pr_order tp;
    pr_order_init(&tp, 0, -1, PR_ORDER_LIMIT, PR_ROLE_TARGET);
    tp.qty_mode = PR_QTY_CLOSE;
    tp.reduce_only = 1;
    tp.limit_price = 120;
    tp.parent = e2;
    assert_int_equal(b->vt->submit(b, &tp, H(1), &err), 0);
    bar(b, 1, 100, 101, 99.5, 100.5);
    assert_int_equal(status(b, e2), PR_OS_FILLED);
    pr_order_role trail = PR_ROLE_TRAIL;
    assert_int_equal(b->vt->amend(b, st2.id, 0, 99, &trail, NULL, &err), 0);
    bar(b, 2, 100.5, 101, 98.5, 99);
    pr_order got;
    assert_int_equal(b->vt->get_order(b, st2.id, &got), 0);
    assert_int_equal(got.status, PR_OS_FILLED);
    assert_true(got.avg_price == 99 && got.filled_qty == 1);
    assert_int_equal(got.role, PR_ROLE_TRAIL);
    assert_int_equal(status(b, tp.id), PR_OS_CANCELLED);
    assert_int_equal(pr_sim_open_orders(b), 0);
    /* Amending a filled order is a state error. */
    assert_int_equal(b->vt->amend(b, st2.id, 0, 97, NULL, NULL, &err), PR_ESTATE);
    size_t nt;
    const pr_trade *t = pr_sim_trades(b, &nt);
    assert_int_equal(nt, 1);
    assert_true(t[0].entry_price == 100 && t[0].exit_price == 99);
    assert_int_equal(t[0].exit_role, PR_ROLE_TRAIL);
    pr_account a;
    assert_int_equal(b->vt->get_account(b, &a), 0);
    assert_true(a.balance == 9999 && a.equity == 9999 && a.used_margin == 0);
    pr_broker_free(b);
}

static void test_no_short_and_timing(void **state) {
    (void)state;
    pr_broker *b = make(1);
    bar(b, 0, 100, 100, 100, 100);
    /* A spot market refuses a short sale. */
    pr_order o;
    pr_order_init(&o, 0, -1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    o.qty_mode = PR_QTY_UNITS;
    o.qty = 1;
    pr_err err;
    assert_int_equal(b->vt->submit(b, &o, H(1), &err), 0);
    assert_int_equal(o.status, PR_OS_REJECTED);
    assert_non_null(o.reject);
    /* An order decided at 02:00 does not fill in the bar that opened at
     * 01:00 even when that bar is fed after it was submitted. */
    uint64_t id = submit(b, 1, PR_ORDER_MARKET, 0, 0, 0, 0, H(2));
    bar(b, 1, 101, 101, 101, 101);
    assert_int_equal(status(b, id), PR_OS_ACTIVE);
    bar(b, 2, 102, 102, 102, 102);
    pr_order got;
    assert_int_equal(b->vt->get_order(b, id, &got), 0);
    assert_int_equal(got.status, PR_OS_FILLED);
    assert_true(got.avg_price == 102);
    /* Bad requests are errors, not rejections. */
    pr_order bad;
    pr_order_init(&bad, 3, 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    bad.qty = 1;
    assert_int_equal(b->vt->submit(b, &bad, H(3), &err), PR_EINVAL);
    pr_order_init(&bad, 0, 1, PR_ORDER_LIMIT, PR_ROLE_ENTRY);
    bad.qty = 1;
    assert_int_equal(b->vt->submit(b, &bad, H(3), &err), PR_EINVAL);   /* no limit price */
    assert_int_equal(b->vt->cancel(b, 999, &err), PR_ENOTFOUND);
    assert_string_equal(pr_order_type_name(PR_ORDER_STOP_LIMIT), "stop_limit");
    assert_string_equal(pr_order_role_name(PR_ROLE_BREAKEVEN), "breakeven_stop");
    assert_string_equal(pr_order_status_name(PR_OS_WAITING), "waiting");
    pr_broker_free(b);
}


/* A protective sell stop-limit whose limit (96) is above its stop (95): the
 * stop is traded on the way down in bar 2 (100 -> 101 -> 90 -> 92: the high
 * came before the low), and the limit is not marketable then (the market is
 * at 95, the order asks 96). After the trigger the bar only fell and closed
 * at 92, so nothing traded at 96 in the rest of it: the order must not fill
 * in that bar (its high of 101 was before the trigger). It rests as a limit
 * and fills in bar 3, whose high 97 reaches it: exit at 96. No costs. */
static void test_stop_limit_rests_after_trigger(void **state) {
    (void)state;
    pr_broker *b = make(0);
    bar(b, 0, 100, 100, 100, 100);
    uint64_t e = submit(b, 1, PR_ORDER_MARKET, 0, 0, 0, 0, H(1));
    bar(b, 1, 100, 100.5, 99.5, 100);   /* long 1 at 100 */
    assert_int_equal(status(b, e), PR_OS_FILLED);
    pr_order sl;
    pr_order_init(&sl, 0, -1, PR_ORDER_STOP_LIMIT, PR_ROLE_STOP);
    sl.qty_mode = PR_QTY_CLOSE;
    sl.reduce_only = 1;
    sl.stop_price = 95;
    sl.limit_price = 96;
    pr_err err;
    assert_int_equal(b->vt->submit(b, &sl, H(2), &err), 0);
    bar(b, 2, 100, 101, 90, 92);
    pr_order got;
    assert_int_equal(b->vt->get_order(b, sl.id, &got), 0);
    assert_int_equal(got.status, PR_OS_ACTIVE);
    assert_true(got.filled_qty == 0);
    pr_position pos;
    assert_int_equal(b->vt->get_position(b, 0, &pos), 0);
    assert_true(pos.qty == 1);
    bar(b, 3, 92, 97, 91, 96.5);
    assert_int_equal(b->vt->get_order(b, sl.id, &got), 0);
    assert_int_equal(got.status, PR_OS_FILLED);
    assert_true(got.avg_price == 96);
    pr_broker_free(b);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oco_and_expiry),
        cmocka_unit_test(test_stop_limit_rests_after_trigger),
        cmocka_unit_test(test_children_amend_reduce_only),
        cmocka_unit_test(test_no_short_and_timing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
