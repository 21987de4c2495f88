/* The Binance spot venue against tests/live/fake_exchange.py on loopback
 * (started here on a free port, stopped by its PID): signed orders of every
 * type, the order-test endpoint, OCO, cancel, query, open orders, balances
 * and fills, and each failure path: -1021 resynced and retried once, 429
 * and a short 418 waited out, a long 418 refused, -2010 / -1013 / -1022
 * reported with their code, a filter failure refused before anything is
 * sent (the fake's request log proves it), and a lost answer (dropped
 * connection after the order was taken, no answer at all, a slow answer,
 * 503 -1007) settled by a query so that the exchange holds exactly one
 * order; and the USD-M futures venue (leverage, margin type, position
 * mode, reduce-only, positions with their liquidation price). Balances
 * are worked out by hand from the account fixture
 * (tests/live/fixtures/binance_account.json) and the 0.1% commission. No
 * message ever holds the key or the secret. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proratio/live/venue.h"
#include "pr_test.h"
#include "live/fake_server.h"

#define KEY "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
#define SECRET "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

static int start_exchange(fake *s) {
    char info[1024], finfo[1024], acct[1024];
    pr_test_path("tests/live/fixtures/binance_exchange_info.json", info, sizeof info);
    pr_test_path("tests/live/fixtures/binance_account.json", acct, sizeof acct);
    pr_test_path("tests/live/fixtures/binance_futures_exchange_info.json", finfo, sizeof finfo);
    const char *args[] = {"--exchange-info", info, "--account", acct, "--key", KEY, "--secret", SECRET,
                          "--futures-info", finfo, NULL};
    return fake_start(s, "tests/live/fake_exchange.py", args);
}

/* ---- the fake's control endpoints ---- */
/* Requests in the fake's log from index `from` with this method and path. */
static size_t logged(const fake *s, size_t from, const char *method, const char *path, char *last_query, size_t cap) {
    json_t *log = ctl(s, "/_log", NULL);
    size_t n = 0;
    for (size_t i = from; i < json_array_size(log); i++) {
        json_t *e = json_array_get(log, i);
        if (strcmp(json_string_value(json_object_get(e, "method")), method) == 0 &&
            strcmp(json_string_value(json_object_get(e, "path")), path) == 0) {
            n++;
            if (last_query) pr_strlcpy(last_query, json_string_value(json_object_get(e, "query")), cap);
        }
    }
    json_decref(log);
    return n;
}

/* Orders the exchange holds with this client id. */
static size_t orders_with(const fake *s, const char *cid) {
    json_t *all = ctl(s, "/_orders", NULL);
    size_t n = 0, i;
    json_t *o;
    json_array_foreach(all, i, o) n += strcmp(json_string_value(json_object_get(o, "clientOrderId")), cid) == 0;
    json_decref(all);
    return n;
}

static fake g_fake;
static int g_up;

static int setup(void **st) {
    (void)st;
    g_up = start_exchange(&g_fake) == 0;
    return 0;
}

static int teardown(void **st) {
    (void)st;
    fake_stop(&g_fake);
    return 0;
}

static void no_secret(const pr_err *e) {
    if (strstr(e->msg, KEY) || strstr(e->msg, SECRET) || strstr(e->msg, "signature="))
        fail_msg("a secret in the message: %s", e->msg);
}

static void open_named(const char *name, pr_venue *v, clk *k, const char *secret, double timeout_s) {
    if (!g_up) PR_TEST_SKIP_MISSING("fake exchange unavailable (/usr/bin/python3)");
    pr_venue_config c;
    memset(&c, 0, sizeof c);
    pr_strlcpy(c.urls.rest, g_fake.base, sizeof c.urls.rest);
    c.key = KEY;
    c.secret = secret;
    c.timeout_s = timeout_s;
    c.max_wait_ms = 30000;
    c.clock.now_ms = c_now;
    c.clock.sleep_ms = c_sleep;
    c.clock.user = k;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_open(name, &c, v, &e) != 0) fail_msg("open: %s", e.msg);
}

static void open_venue(pr_venue *v, clk *k, const char *secret, double timeout_s) {
    open_named("binance_spot", v, k, secret, timeout_s);
}

static pr_venue_order_req order(const char *cid, pr_venue_side side, pr_venue_otype t, double qty, double price,
                                double stop) {
    pr_venue_order_req q;
    memset(&q, 0, sizeof q);
    strcpy(q.symbol, "BTCUSDT");
    pr_strlcpy(q.client_id, cid, sizeof q.client_id);
    q.side = side, q.type = t, q.qty = qty, q.price = price, q.stop_price = stop;
    q.ref_price = 95000;
    return q;
}

static double bal(pr_venue *v, const char *asset, double *locked) {
    pr_venue_balance b[16];
    size_t n;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_balances(v, b, 16, &n, &e) != 0) fail_msg("balances: %s", e.msg);
    for (size_t i = 0; i < n && i < 16; i++)
        if (strcmp(b[i].asset, asset) == 0) {
            if (locked) *locked = b[i].locked;
            return b[i].free;
        }
    return 0;
}

/* ---- the tests, in order (they share one exchange: balances carry on) ---- */
static void test_time_rules_and_test_order(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    pr_err e;
    pr_err_clear(&e);
    int64_t t;
    assert_int_equal(pr_venue_server_time(&v, &t, &e), 0);
    assert_true(llabs(t - pr_time_now_ms()) < 5000);
    pr_venue_rules r;
    assert_int_equal(pr_venue_rules_of(&v, "BTCUSDT", &r, &e), 0);
    /* the fixture: tickSize 0.01, stepSize 0.00001, NOTIONAL minNotional 5 applied to market orders */
    assert_float_equal(r.tick, 0.01, 1e-15);
    assert_float_equal(r.step, 0.00001, 1e-18);
    assert_float_equal(r.min_notional, 5, 0);
    assert_int_equal(r.min_notional_market, 1);
    assert_string_equal(r.notional_filter, "NOTIONAL");
    assert_int_equal(pr_venue_rules_of(&v, "ETHBTC", &r, &e), 0);
    assert_string_equal(r.notional_filter, "MIN_NOTIONAL");
    assert_int_equal(pr_venue_rules_of(&v, "NOPE", &r, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-1121");
    assert_int_equal(e.http_status, 400);
    /* the order-test endpoint validates and places nothing */
    size_t from = log_len(&g_fake);
    pr_venue_order_req q = order("prtest-t1", PR_VSIDE_BUY, PR_VORDER_LIMIT, 0.001, 94000, 0);
    q.test = 1;
    pr_venue_order o;
    place_ok(&v, &q, &o);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order/test", NULL, 0), 1);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 0);
    assert_int_equal(orders_with(&g_fake, "prtest-t1"), 0);
    int on = 1;
    assert_int_equal(pr_venue_withdrawals_enabled(&v, &on, &e), 0);
    assert_int_equal(on, 0);
    pr_venue_close(&v);
}

static void test_market_and_limit(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    pr_err e;
    pr_err_clear(&e);
    size_t from = log_len(&g_fake);
    /* market buy 0.00105 at the path's 95000: 99.75 USDT spent, 0.00105 less
     * 0.1% = 0.00104895 BTC received */
    pr_venue_order_req q = order("prtest-m1", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.00105, 0, 0);
    pr_venue_order o;
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_string_equal(o.client_id, "prtest-m1");
    assert_float_equal(o.cum_quote, 99.75, 1e-9);
    char query[1024];
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", query, sizeof query), 1);
    if (!strstr(query, "quantity=0.00105&") || !strstr(query, "newClientOrderId=prtest-m1"))
        fail_msg("sent %s", query);
    assert_float_equal(bal(&v, "USDT", NULL), 1874.5570255 - 99.75, 1e-8);
    assert_float_equal(bal(&v, "BTC", NULL), 0.01243105 + 0.00104895, 1e-12);

    /* a limit buy below the market rests (0.001 x 94000 = 94 USDT locked) */
    q = order("prtest-l1", PR_VSIDE_BUY, PR_VORDER_LIMIT, 0.001, 94000, 0);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_NEW);
    double locked;
    assert_float_equal(bal(&v, "USDT", &locked), 1874.5570255 - 99.75 - 94, 1e-8);
    assert_float_equal(locked, 250 + 94, 1e-8);
    pr_venue_order open[8];
    size_t n;
    assert_int_equal(pr_venue_open_orders(&v, "BTCUSDT", open, 8, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(open[0].client_id, "prtest-l1");
    assert_float_equal(open[0].price, 94000, 0);
    /* a stop-limit sell under the market rests until the stop trades */
    q = order("prtest-s1", PR_VSIDE_SELL, PR_VORDER_STOP_LOSS_LIMIT, 0.001, 93500, 93600);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_NEW);
    /* the market trades 93550: through the limit at 94000 (filled there) and
     * the stop at 93600 (triggered; its limit 93500 is below 93550: filled) */
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"93550\"}"));
    assert_int_equal(pr_venue_query(&v, "BTCUSDT", "prtest-l1", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_float_equal(o.executed_qty, 0.001, 1e-12);
    assert_int_equal(pr_venue_query(&v, "BTCUSDT", "prtest-s1", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    pr_venue_fill f[8];
    assert_int_equal(pr_venue_fills(&v, "BTCUSDT", 0, f, 8, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_float_equal(f[0].price, 95000, 0);
    assert_float_equal(f[1].price, 94000, 0);
    assert_int_equal(f[1].maker, 1);
    assert_float_equal(f[2].price, 93500, 0);
    assert_int_equal(f[2].side, PR_VSIDE_SELL);
    assert_int_equal(pr_venue_fills(&v, "BTCUSDT", f[2].trade_id, f, 8, &n, &e), 0);
    assert_int_equal(n, 1);
    /* cancel: a resting order goes, a second cancel is refused with -2011 */
    q = order("prtest-c1", PR_VSIDE_BUY, PR_VORDER_LIMIT, 0.001, 90000, 0);
    place_ok(&v, &q, &o);
    assert_int_equal(pr_venue_cancel(&v, "BTCUSDT", "prtest-c1", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    assert_int_equal(pr_venue_cancel(&v, "BTCUSDT", "prtest-c1", &o, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-2011");
    assert_int_equal(pr_venue_query(&v, "BTCUSDT", "prtest-none", &o, &e), PR_ENOTFOUND);
    pr_venue_close(&v);
}

static void test_oco(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"95000\"}"));
    pr_venue_oco_req q;
    memset(&q, 0, sizeof q);
    strcpy(q.symbol, "BTCUSDT");
    strcpy(q.list_client_id, "prtest-oco1");
    q.side = PR_VSIDE_SELL;
    q.qty = 0.001;
    q.take_profit = 97000;
    q.stop_price = 93000;
    q.stop_limit = 92900;
    pr_venue_order legs[2];
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_place_oco(&v, &q, legs, &e) != 0) fail_msg("oco: %s", e.msg);
    assert_string_equal(legs[0].client_id, "prtest-oco1-a");
    assert_int_equal(legs[0].type, PR_VORDER_LIMIT_MAKER);
    assert_float_equal(legs[0].price, 97000, 0);
    assert_int_equal(legs[1].type, PR_VORDER_STOP_LOSS_LIMIT);
    assert_float_equal(legs[1].stop_price, 93000, 0);
    assert_true(legs[0].list_id >= 0 && legs[0].list_id == legs[1].list_id);
    /* the take-profit trades: its leg fills, the stop leg is cancelled */
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"97000\"}"));
    pr_venue_order o;
    assert_int_equal(pr_venue_query(&v, "BTCUSDT", "prtest-oco1-a", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_int_equal(pr_venue_query(&v, "BTCUSDT", "prtest-oco1-b", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    /* an OCO whose answer is lost: its legs are found by their client ids;
     * one the exchange never got is sent once more: two legs each time */
    const char *lost[][2] = {{"lost_ack", "prtest-oco3"}, {"drop", "prtest-oco4"}};
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"95000\"}"));
    for (size_t i = 0; i < 2; i++) {
        char f[128], a[48], b[48];
        snprintf(f, sizeof f, "[{\"fault\":\"%s\",\"path\":\"/api/v3/orderList/oco\"}]", lost[i][0]);
        faults(&g_fake, f);
        size_t before = log_len(&g_fake);
        strcpy(q.list_client_id, lost[i][1]);
        q.stop_price = 93000;
        if (pr_venue_place_oco(&v, &q, legs, &e) != 0) fail_msg("%s: %s", lost[i][0], e.msg);
        snprintf(a, sizeof a, "%s-a", lost[i][1]);
        snprintf(b, sizeof b, "%s-b", lost[i][1]);
        assert_string_equal(legs[0].client_id, a);
        assert_string_equal(legs[1].client_id, b);
        assert_int_equal(orders_with(&g_fake, a), 1);
        assert_int_equal(orders_with(&g_fake, b), 1);
        assert_int_equal(logged(&g_fake, before, "POST", "/api/v3/orderList/oco", NULL, 0), i == 0 ? 1 : 2);
        /* cancelling one leg cancels the list (the documented behaviour):
         * the other leg is gone, a cancel of it unknown (-2011) */
        assert_int_equal(pr_venue_cancel(&v, "BTCUSDT", a, &o, &e), 0);
        assert_int_equal(pr_venue_cancel(&v, "BTCUSDT", b, &o, &e), PR_EVENUE);
        assert_string_equal(e.venue_code, "-2011");
        assert_int_equal(pr_venue_query(&v, "BTCUSDT", b, &o, &e), 0);
        assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    }
    /* a stop leg off the tick grid is refused before sending */
    size_t from = log_len(&g_fake);
    strcpy(q.list_client_id, "prtest-oco2");
    q.stop_price = 93000.001;
    assert_int_equal(pr_venue_place_oco(&v, &q, legs, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "PRICE_FILTER");
    assert_int_equal(log_len(&g_fake), from);
    pr_venue_close(&v);
}

static void test_local_filters_send_nothing(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    pr_err e;
    pr_venue_rules r;
    assert_int_equal(pr_venue_rules_of(&v, "BTCUSDT", &r, &e), 0); /* cached from here on */
    size_t from = log_len(&g_fake);
    pr_venue_order_req q = order("prtest-f1", PR_VSIDE_BUY, PR_VORDER_LIMIT, 0.000015, 95000, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "LOT_SIZE");
    q = order("prtest-f2", PR_VSIDE_BUY, PR_VORDER_LIMIT, 0.001, 95000.005, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "PRICE_FILTER");
    q = order("prtest-f3", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.00005, 0, 0); /* 4.75 USDT at 95000 */
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "NOTIONAL");
    if (!strstr(e.msg, "minNotional 5")) fail_msg("message: %s", e.msg);
    /* a stop-loss / take-profit on fill is OANDA's: refused, not dropped */
    q = order("prtest-f4", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.001, 0, 0);
    q.stop_loss = 94000;
    assert_int_equal(place_fails(&v, &q, &e), PR_EUNSUPPORTED);
    if (!strstr(e.msg, "no stop-loss / take-profit on fill")) fail_msg("message: %s", e.msg);
    q.stop_loss = 0, q.take_profit = 96000;
    assert_int_equal(place_fails(&v, &q, &e), PR_EUNSUPPORTED);
    /* the exchange saw nothing at all */
    assert_int_equal(log_len(&g_fake), from);
    pr_venue_close(&v);
}

static void test_venue_errors(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    pr_err e;
    pr_venue_order_req q = order("prtest-e1", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.001, 0, 0);
    faults(&g_fake, "[{\"fault\":\"-2010\"}]");
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-2010");
    assert_int_equal(e.http_status, 400);
    if (!strstr(e.msg, "insufficient balance") || !strstr(e.msg, "-2010")) fail_msg("message: %s", e.msg);
    faults(&g_fake, "[{\"fault\":\"-1013\"}]");
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-1013");
    if (!strstr(e.msg, "Filter failure: LOT_SIZE")) fail_msg("message: %s", e.msg);
    /* a real shortfall: 1 BTC = 95000 USDT is more than the account has */
    q = order("prtest-e2", PR_VSIDE_BUY, PR_VORDER_MARKET, 1, 0, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-2010");
    assert_int_equal(orders_with(&g_fake, "prtest-e1") + orders_with(&g_fake, "prtest-e2"), 0);
    pr_venue_close(&v);
    /* a wrong secret: -1022, said as such */
    open_venue(&v, &k, "not-the-secret", 5);
    q = order("prtest-e3", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.001, 0, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-1022");
    if (!strstr(e.msg, "signature")) fail_msg("message: %s", e.msg);
    if (strstr(e.msg, "not-the-secret")) fail_msg("secret in message: %s", e.msg);
    pr_venue_close(&v);
}

static void test_clock_resync(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    /* -1021 once: the clock is resynced from /api/v3/time and the order sent
     * a second time, which the exchange takes */
    size_t from = log_len(&g_fake);
    faults(&g_fake, "[{\"fault\":\"-1021\"}]");
    pr_venue_order_req q = order("prtest-r1", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
    pr_venue_order o;
    place_ok(&v, &q, &o);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 2);
    assert_int_equal(logged(&g_fake, from, "GET", "/api/v3/time", NULL, 0), 1);
    assert_int_equal(orders_with(&g_fake, "prtest-r1"), 1);
    /* the exchange's clock 90 s ahead: the first send is outside recvWindow
     * (5 s), the resynced one inside it */
    json_decref(ctl(&g_fake, "/_skew", "{\"ms\":90000}"));
    from = log_len(&g_fake);
    q = order("prtest-r2", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
    place_ok(&v, &q, &o);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 2);
    assert_int_equal(orders_with(&g_fake, "prtest-r2"), 1);
    /* later requests carry the offset: one send each */
    from = log_len(&g_fake);
    q = order("prtest-r3", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
    place_ok(&v, &q, &o);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 1);
    json_decref(ctl(&g_fake, "/_skew", "{\"ms\":0}"));
    pr_venue_close(&v);
}

static void test_rate_limits(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 5);
    pr_err e;
    pr_err_clear(&e);
    /* 429 Retry-After 2: waited 2000 ms, then served */
    faults(&g_fake, "[{\"fault\":\"429\",\"retry_after\":2}]");
    pr_venue_balance b[16];
    size_t n;
    if (pr_venue_balances(&v, b, 16, &n, &e) != 0) fail_msg("balances after 429: %s", e.msg);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.slept[0], 2000);
    /* 429 on an order: the exchange refused it, so it is sent again */
    size_t from = log_len(&g_fake);
    faults(&g_fake, "[{\"fault\":\"429\",\"retry_after\":1}]");
    pr_venue_order_req q = order("prtest-w1", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
    pr_venue_order o;
    place_ok(&v, &q, &o);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 2);
    assert_int_equal(orders_with(&g_fake, "prtest-w1"), 1);
    pr_venue_close(&v);

    /* 418 for 1 s: the ban is waited out (nothing sent meanwhile), then served */
    k.n = 0;
    open_venue(&v, &k, SECRET, 5);
    faults(&g_fake, "[{\"fault\":\"418\",\"retry_after\":1}]");
    from = log_len(&g_fake);
    if (pr_venue_balances(&v, b, 16, &n, &e) != 0) fail_msg("balances after a 1 s ban: %s", e.msg);
    assert_int_equal(k.n, 1);
    assert_true(k.slept[0] > 0 && k.slept[0] <= 1000);
    assert_int_equal(logged(&g_fake, from, "GET", "/api/v3/account", NULL, 0), 2);
    pr_venue_close(&v);
    /* the exchange counts 5990 of its 6000 weight this minute: the next
     * request waits for the next minute (the downloader's pacing, shared).
     * (A venue of its own: the recorded clock never really waited the ban.) */
    open_venue(&v, &k, SECRET, 5);
    json_decref(ctl(&g_fake, "/_weight", "{\"used\":5990}"));
    k.n = 0;
    if (pr_venue_balances(&v, b, 16, &n, &e) != 0) fail_msg("balances: %s", e.msg); /* learns 5990 + 20 */
    if (k.n != 0) fail_msg("waited %lld ms before the exchange said 5990", (long long)k.slept[0]);
    if (pr_venue_balances(&v, b, 16, &n, &e) != 0) fail_msg("balances: %s", e.msg);
    assert_int_equal(k.n, 1);
    assert_true(k.slept[0] > 0 && k.slept[0] <= 60000);
    pr_venue_close(&v);

    /* 418 for 120 s, longer than the 30 s accepted: refused, and nothing
     * more is sent to the exchange while the ban lasts */
    k.n = 0;
    open_venue(&v, &k, SECRET, 5);
    faults(&g_fake, "[{\"fault\":\"418\",\"retry_after\":120}]");
    assert_int_equal(pr_venue_balances(&v, b, 16, &n, &e), PR_ELIMIT);
    no_secret(&e);
    if (!strstr(e.msg, "banned") || !strstr(e.msg, "418")) fail_msg("message: %s", e.msg);
    from = log_len(&g_fake);
    assert_int_equal(pr_venue_balances(&v, b, 16, &n, &e), PR_ELIMIT);
    assert_int_equal(log_len(&g_fake), from);
    pr_venue_close(&v);
}

static void test_lost_answers(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_venue(&v, &k, SECRET, 1); /* 1 s: the slow answer comes after 2 s */
    pr_err e;
    const char *cases[][2] = {
        /* the order was taken, the answer never came: the query finds it */
        {"lost_ack", "prtest-a1"},
        {"slow", "prtest-a2"},
        {"500", "prtest-a3"},
        /* the request never reached the book: the query does not find it,
         * one more send with the same id */
        {"drop", "prtest-a4"},
    };
    for (size_t i = 0; i < 4; i++) {
        size_t from = log_len(&g_fake);
        char f[96];
        snprintf(f, sizeof f, "[{\"fault\":\"%s\",\"path\":\"/api/v3/order\",\"delay\":2}]", cases[i][0]);
        faults(&g_fake, f);
        pr_venue_order_req q = order(cases[i][1], PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
        pr_venue_order o;
        pr_err_clear(&e);
        if (pr_venue_place(&v, &q, &o, &e) != 0) fail_msg("%s: %s", cases[i][0], e.msg);
        assert_string_equal(o.client_id, cases[i][1]);
        assert_int_equal(o.status, PR_VSTATUS_FILLED);
        if (orders_with(&g_fake, cases[i][1]) != 1)
            fail_msg("%s: %zu orders at the exchange", cases[i][0], orders_with(&g_fake, cases[i][1]));
        /* the query went first; a second send only when the exchange had none */
        size_t posts = logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0);
        assert_int_equal(posts, i == 3 ? 2 : 1);
        assert_int_equal(logged(&g_fake, from, "GET", "/api/v3/order", NULL, 0), 1);
    }
    /* the answer lost twice and the query failing too: nothing more is sent */
    size_t from = log_len(&g_fake);
    /* (every query attempt dropped: 3 attempts, each of which libcurl may
     * repeat once on a kept-alive connection) */
    char drops[1024] = "[{\"fault\":\"drop\",\"path\":\"/api/v3/order\",\"method\":\"POST\"}";
    for (int i = 0; i < 6; i++)
        strcat(drops, ",{\"fault\":\"drop\",\"path\":\"/api/v3/order\",\"method\":\"GET\"}");
    strcat(drops, "]");
    faults(&g_fake, drops);
    pr_venue_order_req q = order("prtest-a5", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.0001, 0, 0);
    pr_venue_order o;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_place(&v, &q, &o, &e), PR_ETIMEOUT);
    no_secret(&e);
    if (!strstr(e.msg, "unknown") || !strstr(e.msg, "not sent again")) fail_msg("message: %s", e.msg);
    assert_int_equal(logged(&g_fake, from, "POST", "/api/v3/order", NULL, 0), 1);
    assert_int_equal(orders_with(&g_fake, "prtest-a5"), 0);
    pr_venue_close(&v);
}

/* USD-M futures, worked by hand: 10x isolated, buy 0.010 BTC at 95000
 * (notional 950, initial margin 95, commission 0.04% = 0.38), then sell it
 * back reduce-only at 96000 (realised +10, commission 0.384). The fixture
 * tests/live/fixtures/binance_futures_exchange_info.json: tick 0.10, step
 * 0.001, MIN_NOTIONAL notional 100. */
static void test_futures(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_named("binance_futures", &v, &k, SECRET, 1);
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"95000\"}"));
    pr_err e;
    pr_err_clear(&e);
    pr_venue_rules r;
    assert_int_equal(pr_venue_rules_of(&v, "BTCUSDT", &r, &e), 0);
    assert_float_equal(r.tick, 0.1, 1e-15);
    assert_float_equal(r.step, 0.001, 1e-15);
    assert_float_equal(r.min_notional, 100, 0);
    assert_int_equal(r.min_notional_market, 1);
    assert_string_equal(r.notional_filter, "MIN_NOTIONAL");
    /* settings: what is already so is no error */
    assert_int_equal(pr_venue_set_position_mode(&v, 0, &e), 0);
    assert_int_equal(pr_venue_set_margin_type(&v, "BTCUSDT", 1, &e), 0);
    assert_int_equal(pr_venue_set_margin_type(&v, "BTCUSDT", 1, &e), 0);
    assert_int_equal(pr_venue_set_leverage(&v, "BTCUSDT", 10, &e), 0);
    assert_int_equal(pr_venue_set_leverage(&v, "BTCUSDT", 0, &e), PR_EINVAL);
    assert_int_equal(pr_venue_set_leverage(&v, "BTCUSDT", 200, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-4028");
    /* 0.001 x 95000 = 95 < 100: refused before sending */
    size_t from = log_len(&g_fake);
    pr_venue_order_req q = order("prfut-1", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.001, 0, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "MIN_NOTIONAL");
    assert_int_equal(log_len(&g_fake), from);
    /* the buy, its answer lost: found by its client id, one order */
    faults(&g_fake, "[{\"fault\":\"lost_ack\",\"path\":\"/fapi/v1/order\"}]");
    q = order("prfut-2", PR_VSIDE_BUY, PR_VORDER_MARKET, 0.01, 0, 0);
    pr_venue_order o;
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_int_equal(orders_with(&g_fake, "prfut-2"), 1);
    pr_venue_position pos[4];
    size_t n;
    assert_int_equal(pr_venue_positions(&v, pos, 4, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_float_equal(pos[0].qty, 0.01, 1e-12);
    assert_float_equal(pos[0].entry_price, 95000, 1e-9);
    assert_int_equal(pos[0].leverage, 10);
    assert_int_equal(pos[0].isolated, 1);
    assert_float_equal(pos[0].liquidation_price, 95000 * (1 - 0.1 + 0.004), 1e-6); /* 85880 */
    assert_float_equal(bal(&v, "USDT", NULL), 10000 - 0.38 - 95, 1e-8);
    /* reduce-only bigger than the position: the venue's -2022 */
    q = order("prfut-3", PR_VSIDE_SELL, PR_VORDER_MARKET, 0.02, 0, 0);
    q.reduce_only = 1;
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "-2022");
    if (!strstr(e.msg, "reduce-only")) fail_msg("message: %s", e.msg);
    /* reduce-only of the position at 96000: flat, +10 realised */
    json_decref(ctl(&g_fake, "/_price", "{\"symbol\":\"BTCUSDT\",\"price\":\"96000\"}"));
    q = order("prfut-4", PR_VSIDE_SELL, PR_VORDER_MARKET, 0.01, 0, 0);
    q.reduce_only = 1;
    q.ref_price = 96000;
    place_ok(&v, &q, &o);
    assert_int_equal(o.reduce_only, 1);
    char query[1024];
    assert_int_equal(logged(&g_fake, 0, "POST", "/fapi/v1/order", query, sizeof query), 3);
    if (!strstr(query, "quantity=0.010&") || !strstr(query, "reduceOnly=true")) fail_msg("sent %s", query);
    assert_int_equal(pr_venue_positions(&v, pos, 4, &n, &e), 0);
    assert_int_equal(n, 0);
    double locked;
    assert_float_equal(bal(&v, "USDT", &locked), 10000 - 0.38 + 10 - 0.384, 1e-8);
    assert_float_equal(locked, 0, 1e-9);
    pr_venue_fill f[4];
    assert_int_equal(pr_venue_fills(&v, "BTCUSDT", 0, f, 4, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_int_equal(f[0].side, PR_VSIDE_BUY);
    assert_int_equal(f[1].side, PR_VSIDE_SELL);
    assert_float_equal(f[1].price, 96000, 0);
    /* a stop-limit rests as the futures API's STOP */
    q = order("prfut-5", PR_VSIDE_BUY, PR_VORDER_STOP_LOSS_LIMIT, 0.002, 97000.1, 97000);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_NEW);
    assert_int_equal(o.type, PR_VORDER_STOP_LOSS_LIMIT);
    assert_int_equal(pr_venue_cancel(&v, "BTCUSDT", "prfut-5", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    /* what futures have not */
    pr_venue_oco_req oco;
    memset(&oco, 0, sizeof oco);
    strcpy(oco.symbol, "BTCUSDT");
    strcpy(oco.list_client_id, "prfut-6");
    pr_venue_order legs[2];
    assert_int_equal(pr_venue_place_oco(&v, &oco, legs, &e), PR_EUNSUPPORTED);
    int on;
    assert_int_equal(pr_venue_withdrawals_enabled(&v, &on, &e), PR_EUNSUPPORTED);
    pr_venue_close(&v);
    /* and what spot has not */
    open_venue(&v, &k, SECRET, 5);
    assert_int_equal(pr_venue_set_leverage(&v, "BTCUSDT", 10, &e), PR_EUNSUPPORTED);
    assert_int_equal(pr_venue_positions(&v, pos, 4, &n, &e), 0);
    assert_int_equal(n, 0);
    q = order("prfut-7", PR_VSIDE_SELL, PR_VORDER_MARKET, 0.001, 0, 0);
    q.reduce_only = 1;
    assert_int_equal(place_fails(&v, &q, &e), PR_EUNSUPPORTED);
    pr_venue_close(&v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_rules_and_test_order),
        cmocka_unit_test(test_market_and_limit),
        cmocka_unit_test(test_oco),
        cmocka_unit_test(test_local_filters_send_nothing),
        cmocka_unit_test(test_venue_errors),
        cmocka_unit_test(test_clock_resync),
        cmocka_unit_test(test_rate_limits),
        cmocka_unit_test(test_lost_answers),
        cmocka_unit_test(test_futures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
