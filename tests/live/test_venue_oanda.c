/* The OANDA v20 venue against tests/live/fake_oanda.py on loopback (a real
 * process on a free port, one per test, stopped by its PID): rules from the
 * account's instruments (tests/live/fixtures/oanda_instruments.json),
 * market and limit orders with units signed by side and the client id in
 * clientExtensions, stop-loss / take-profit on fill becoming the trade's
 * dependent orders, query and cancel by client id, pending orders,
 * positions, balances and fills, each OANDA error mapped (errorCode,
 * errorMessage, a reject transaction's rejectReason, 400 / 401 / 404 / 429,
 * a FOK order cancelled at once), the recorded answers of
 * ../shared/fixtures/oanda read through the adapter, 429 waited out, and a
 * lost answer settled by the client id so that OANDA holds one order.
 * Expected money is worked out by hand below from the fake's rules (no
 * spread or commission; margin = units x price x marginRate 0.0333). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "proratio/live/venue.h"
#include "pr_test.h"
#include "live/fake_server.h"

#define TOKEN "0123456789abcdef0123456789abcdef-fedcba9876543210fedcba9876543210"
#define ACCOUNT "101-004-1435156-001"

static fake g_fake;
static int g_up;

static int setup(void **st) {
    (void)st;
    char instr[1024];
    pr_test_path("tests/live/fixtures/oanda_instruments.json", instr, sizeof instr);
    const char *args[] = {"--instruments", instr, "--token", TOKEN, "--account", ACCOUNT, NULL};
    g_up = fake_start(&g_fake, "tests/live/fake_oanda.py", args) == 0;
    return 0;
}

static int teardown(void **st) {
    (void)st;
    fake_stop(&g_fake);
    return 0;
}

static void no_secret(const pr_err *e) {
    if (strstr(e->msg, TOKEN) || strstr(e->msg, "Bearer")) fail_msg("the token in a message: %s", e->msg);
}

static void open_as(pr_venue *v, clk *k, const char *token, const char *account, double timeout_s) {
    if (!g_up) PR_TEST_SKIP_MISSING("fake OANDA unavailable (/usr/bin/python3)");
    pr_venue_config c;
    memset(&c, 0, sizeof c);
    pr_strlcpy(c.urls.rest, g_fake.base, sizeof c.urls.rest);
    c.key = token;
    c.account = account;
    c.timeout_s = timeout_s;
    c.max_wait_ms = 30000;
    c.clock.now_ms = c_now;
    c.clock.sleep_ms = c_sleep;
    c.clock.user = k;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_open("oanda", &c, v, &e) != 0) fail_msg("open: %s", e.msg);
}

static pr_venue_order_req order(const char *cid, pr_venue_side side, pr_venue_otype t, double units, double price) {
    pr_venue_order_req q;
    memset(&q, 0, sizeof q);
    strcpy(q.symbol, "EURUSD");
    pr_strlcpy(q.client_id, cid, sizeof q.client_id);
    q.side = side, q.type = t, q.qty = units, q.price = price;
    return q;
}

/* Requests in the fake's log from index `from` with this method whose path
 * ends with `tail`; the last one's body into last_body. */
static size_t logged(size_t from, const char *method, const char *tail, char *last_body, size_t cap) {
    json_t *log = ctl(&g_fake, "/_log", NULL);
    size_t n = 0, lt = strlen(tail);
    for (size_t i = from; i < json_array_size(log); i++) {
        json_t *e = json_array_get(log, i);
        const char *p = json_string_value(json_object_get(e, "path"));
        size_t lp = strlen(p);
        if (strcmp(json_string_value(json_object_get(e, "method")), method) == 0 && lp >= lt &&
            strcmp(p + lp - lt, tail) == 0) {
            n++;
            if (last_body) pr_strlcpy(last_body, json_string_value(json_object_get(e, "body")), cap);
        }
    }
    json_decref(log);
    return n;
}

/* Orders the fake holds with this client id. */
static size_t orders_with(const char *cid) {
    json_t *all = ctl(&g_fake, "/_orders", NULL);
    size_t n = 0, i;
    json_t *o;
    json_array_foreach(all, i, o) {
        const char *id = json_string_value(json_object_get(json_object_get(o, "clientExtensions"), "id"));
        n += id && strcmp(id, cid) == 0;
    }
    json_decref(all);
    return n;
}

static void price(const char *p) {
    char b[96];
    snprintf(b, sizeof b, "{\"instrument\": \"EUR_USD\", \"price\": \"%s\"}", p);
    json_decref(ctl(&g_fake, "/_price", b));
}

static double usd(pr_venue *v, double *locked) {
    pr_venue_balance b[4];
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_balances(v, b, 4, &n, &e) != 0) fail_msg("balances: %s", e.msg);
    assert_int_equal(n, 1);
    assert_string_equal(b[0].asset, "USD");
    *locked = b[0].locked;
    return b[0].free;
}

static void test_time_rules_balance(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_as(&v, &k, TOKEN, ACCOUNT, 5);
    pr_err e;
    pr_err_clear(&e);
    int64_t t = 0, mine = pr_time_now_ms();
    assert_int_equal(pr_venue_server_time(&v, &t, &e), 0);
    assert_true(llabs(t - mine) < 3000); /* the Date header: whole seconds */
    pr_venue_rules r;
    assert_int_equal(pr_venue_rules_of(&v, "EURUSD", &r, &e), 0);
    assert_string_equal(r.symbol, "EUR_USD");
    assert_string_equal(r.base, "EUR");
    assert_string_equal(r.quote, "USD");
    assert_true(fabs(r.tick - 0.00001) < 1e-12); /* displayPrecision 5 */
    assert_true(fabs(r.step - 1) < 1e-12);       /* tradeUnitsPrecision 0 */
    assert_true(r.min_qty == 1 && r.max_qty == 100000000);
    assert_int_equal(pr_venue_rules_of(&v, "USD_JPY", &r, &e), 0);
    assert_true(fabs(r.tick - 0.001) < 1e-12);
    /* asked once: the second time from the cache */
    size_t before = log_len(&g_fake);
    assert_int_equal(pr_venue_rules_of(&v, "EURUSD", &r, &e), 0);
    assert_int_equal(log_len(&g_fake), before);
    double locked, free_ = usd(&v, &locked);
    assert_true(free_ == 100000 && locked == 0);
    int on = 1;
    assert_int_equal(pr_venue_withdrawals_enabled(&v, &on, &e), 0);
    assert_int_equal(on, 0);
    pr_venue_close(&v);
}

static void test_market_with_sl_tp(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_as(&v, &k, TOKEN, ACCOUNT, 5);
    pr_venue_order_req q = order("pr1-a-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 10000, 0);
    q.stop_loss = 1.081, q.take_profit = 1.0915;
    pr_venue_order o;
    size_t from = log_len(&g_fake);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_true(o.executed_qty == 10000 && fabs(o.price - 1.08514) < 1e-9);
    assert_string_equal(o.client_id, "pr1-a-0");
    char body[2048];
    assert_int_equal(logged(from, "POST", "/v3/accounts/" ACCOUNT "/orders", body, sizeof body), 1);
    json_t *sent = json_loads(body, 0, NULL), *so = json_object_get(sent, "order");
    assert_string_equal(json_string_value(json_object_get(so, "type")), "MARKET");
    assert_string_equal(json_string_value(json_object_get(so, "instrument")), "EUR_USD");
    assert_string_equal(json_string_value(json_object_get(so, "units")), "10000");
    assert_string_equal(json_string_value(json_object_get(so, "timeInForce")), "FOK");
    assert_string_equal(json_string_value(json_object_get(json_object_get(so, "clientExtensions"), "id")), "pr1-a-0");
    assert_string_equal(json_string_value(json_object_get(json_object_get(so, "stopLossOnFill"), "price")), "1.08100");
    assert_string_equal(json_string_value(json_object_get(json_object_get(so, "takeProfitOnFill"), "price")), "1.09150");
    json_decref(sent);
    /* the trade's stop-loss and take-profit rest, under the order's id + -sl / -tp */
    pr_venue_order open[8];
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_open_orders(&v, "EURUSD", open, 8, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(open[0].client_id, "pr1-a-0-sl");
    assert_int_equal(open[0].type, PR_VORDER_STOP_LOSS_LIMIT);
    assert_true(fabs(open[0].price - 1.081) < 1e-9);
    assert_string_equal(open[1].client_id, "pr1-a-0-tp");
    assert_int_equal(open[1].type, PR_VORDER_TAKE_PROFIT_LIMIT);
    assert_true(open[0].list_id == open[1].list_id && open[0].list_id > 0); /* one trade */
    pr_venue_position p[4];
    assert_int_equal(pr_venue_positions(&v, p, 4, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].symbol, "EUR_USD");
    assert_true(p[0].qty == 10000 && fabs(p[0].entry_price - 1.08514) < 1e-9);
    /* margin 10000 x 1.08514 x 0.0333 = 361.351620 -> 361.3516 locked */
    double locked, free_ = usd(&v, &locked);
    assert_true(fabs(locked - 361.3516) < 1e-6 && fabs(free_ - (100000 - 361.3516)) < 1e-6);
    /* 1.08800: unrealised 10000 x (1.08800 - 1.08514) = 28.60 */
    price("1.08800");
    assert_int_equal(pr_venue_positions(&v, p, 4, &n, &e), 0);
    assert_true(fabs(p[0].unrealized_pnl - 28.6) < 1e-6);
    /* 1.09200 trades through the take-profit: the trade closes at 1.09150,
     * +10000 x 0.00636 = 63.60; the stop-loss goes with it */
    price("1.09200");
    assert_int_equal(pr_venue_query(&v, "EURUSD", "pr1-a-0-tp", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_int_equal(o.side, PR_VSIDE_SELL);
    assert_true(o.executed_qty == 10000 && fabs(o.price - 1.0915) < 1e-9);
    assert_int_equal(pr_venue_query(&v, "EURUSD", "pr1-a-0-sl", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    assert_int_equal(pr_venue_positions(&v, p, 4, &n, &e), 0);
    assert_int_equal(n, 0);
    free_ = usd(&v, &locked);
    assert_true(fabs(free_ - 100063.6) < 1e-6 && locked == 0);
    /* both fills, in order; from the second one's id only that one */
    pr_venue_fill f[8];
    assert_int_equal(pr_venue_fills(&v, "EURUSD", 0, f, 8, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(f[0].side == PR_VSIDE_BUY && f[0].qty == 10000 && fabs(f[0].price - 1.08514) < 1e-9);
    assert_true(f[1].side == PR_VSIDE_SELL && f[1].qty == 10000 && fabs(f[1].price - 1.0915) < 1e-9);
    assert_string_equal(f[0].commission_asset, "USD");
    assert_true(f[0].time_ms > 0 && f[1].trade_id > f[0].trade_id);
    int64_t second = f[1].trade_id;
    assert_int_equal(pr_venue_fills(&v, "EURUSD", second, f, 8, &n, &e), 0);
    assert_true(n == 1 && f[0].trade_id == second);
    /* a short, then a reduce-only buy back: units signed, positionFill */
    q = order("pr1-b-0", PR_VSIDE_SELL, PR_VORDER_MARKET, 20000, 0);
    from = log_len(&g_fake);
    place_ok(&v, &q, &o);
    assert_int_equal(logged(from, "POST", "/orders", body, sizeof body), 1);
    assert_non_null(strstr(body, "\"units\":\"-20000\""));
    q = order("pr1-b-1", PR_VSIDE_BUY, PR_VORDER_MARKET, 5000, 0);
    q.reduce_only = 1;
    place_ok(&v, &q, &o);
    assert_int_equal(logged(from, "POST", "/orders", body, sizeof body), 2);
    assert_non_null(strstr(body, "\"positionFill\":\"REDUCE_ONLY\""));
    assert_int_equal(pr_venue_positions(&v, p, 4, &n, &e), 0);
    assert_true(n == 1 && p[0].qty == -15000 && fabs(p[0].entry_price - 1.092) < 1e-9);
    pr_venue_close(&v);
}

static void test_limit_cancel_query(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_as(&v, &k, TOKEN, ACCOUNT, 5);
    pr_venue_order o;
    pr_err e;
    pr_err_clear(&e);
    pr_venue_order_req q = order("pr2-a-0", PR_VSIDE_SELL, PR_VORDER_LIMIT, 5000, 1.09);
    size_t from = log_len(&g_fake);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_NEW);
    char body[2048];
    assert_int_equal(logged(from, "POST", "/orders", body, sizeof body), 1);
    assert_non_null(strstr(body, "\"price\":\"1.09000\""));
    assert_non_null(strstr(body, "\"timeInForce\":\"GTC\""));
    assert_non_null(strstr(body, "\"units\":\"-5000\""));
    pr_venue_order open[4];
    size_t n = 0;
    assert_int_equal(pr_venue_open_orders(&v, "EUR_USD", open, 4, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(open[0].side == PR_VSIDE_SELL && open[0].qty == 5000 && fabs(open[0].price - 1.09) < 1e-9);
    assert_int_equal(open[0].type, PR_VORDER_LIMIT);
    assert_int_equal(pr_venue_open_orders(&v, "USD_JPY", open, 4, &n, &e), 0);
    assert_int_equal(n, 0);
    from = log_len(&g_fake);
    assert_int_equal(pr_venue_cancel(&v, "EURUSD", "pr2-a-0", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    assert_int_equal(logged(from, "PUT", "/v3/accounts/" ACCOUNT "/orders/@pr2-a-0/cancel", NULL, 0), 1);
    /* again: OANDA has no pending order of that id (404 ORDER_DOESNT_EXIST) */
    pr_err_clear(&e);
    assert_int_equal(pr_venue_cancel(&v, "EURUSD", "pr2-a-0", &o, &e), PR_ENOTFOUND);
    assert_int_equal(e.http_status, 404);
    assert_string_equal(e.venue_code, "ORDER_DOESNT_EXIST");
    pr_err_clear(&e);
    assert_int_equal(pr_venue_query(&v, "EURUSD", "pr2-never", &o, &e), PR_ENOTFOUND);
    assert_string_equal(e.venue_code, "ORDER_DOESNT_EXIST");
    /* a buy limit below the market fills when the price trades through it, at its price */
    q = order("pr2-b-0", PR_VSIDE_BUY, PR_VORDER_LIMIT, 2000, 1.08);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_NEW);
    price("1.07990");
    pr_err_clear(&e);
    assert_int_equal(pr_venue_query(&v, "EURUSD", "pr2-b-0", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_true(o.executed_qty == 2000 && fabs(o.price - 1.08) < 1e-9 && fabs(o.cum_quote - 2160) < 1e-6);
    /* off the grid: refused before sending, nothing reaches OANDA */
    from = log_len(&g_fake);
    q = order("pr2-c-0", PR_VSIDE_BUY, PR_VORDER_LIMIT, 2000, 1.080005);
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "PRICE_FILTER");
    q = order("pr2-c-1", PR_VSIDE_BUY, PR_VORDER_MARKET, 33000.4, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_string_equal(e.venue_code, "LOT_SIZE");
    q = order("pr2-c-2", PR_VSIDE_BUY, PR_VORDER_MARKET, 1000, 0);
    q.stop_loss = 1.081005; /* the fixture's reject, caught here */
    assert_int_equal(place_fails(&v, &q, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "stopLossOnFill price 1.081005 is not a multiple of tick"));
    q = order("pr2-c-3", PR_VSIDE_BUY, PR_VORDER_STOP_LOSS_LIMIT, 1000, 1.08);
    q.stop_price = 1.07;
    assert_int_equal(place_fails(&v, &q, &e), PR_EUNSUPPORTED);
    assert_int_equal(log_len(&g_fake), from);
    pr_venue_close(&v);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_errors(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    pr_err e;
    int64_t t;
    /* 401: errorMessage only */
    open_as(&v, &k, "wrong-token-0000", ACCOUNT, 5);
    pr_err_clear(&e);
    assert_int_equal(pr_venue_server_time(&v, &t, &e), PR_EVENUE);
    assert_int_equal(e.http_status, 401);
    assert_non_null(strstr(e.msg, "Insufficient authorization to perform request."));
    assert_non_null(strstr(e.msg, "OANDA_API_TOKEN"));
    assert_null(strstr(e.msg, "wrong-token"));
    pr_venue_close(&v);
    /* 404: an account the token does not have */
    open_as(&v, &k, TOKEN, "101-004-1435156-999", 5);
    pr_err_clear(&e);
    assert_int_equal(pr_venue_server_time(&v, &t, &e), PR_EVENUE);
    assert_int_equal(e.http_status, 404);
    assert_non_null(strstr(e.msg, "check the account id"));
    no_secret(&e);
    pr_venue_close(&v);
    open_as(&v, &k, TOKEN, ACCOUNT, 5);
    /* 400, errorMessage only: an instrument OANDA does not know */
    pr_venue_rules r;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_rules_of(&v, "GBP_XYZ", &r, &e), PR_EVENUE);
    assert_int_equal(e.http_status, 400);
    assert_non_null(strstr(e.msg, "Invalid value specified for 'instruments'"));
    /* 400 with errorCode and the reject transaction: the recorded fixture */
    char fx[1024], tmp[700], list[2048];
    pr_test_path("tests/live/fixtures/oanda_error_400_order_reject.json", fx, sizeof fx);
    snprintf(list, sizeof list, "[{\"fault\": \"replay\", \"status\": 400, \"body_file\": \"%s\", \"path\": "
             "\"/orders\", \"method\": \"POST\"}]", fx);
    faults(&g_fake, list);
    pr_venue_order_req q = order("pr3-a-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 10000, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_int_equal(e.http_status, 400);
    assert_string_equal(e.venue_code, "STOP_LOSS_ON_FILL_PRICE_PRECISION_EXCEEDED");
    assert_non_null(strstr(e.msg, "The Stop Loss on fill specifies a price with more precision"));
    /* rejectReason alone (no errorCode) names the refusal too */
    snprintf(tmp, sizeof tmp, "%s/reject.json", g_fake.dir);
    write_file(tmp, "{\"orderRejectTransaction\": {\"id\": \"7001\", \"type\": \"MARKET_ORDER_REJECT\", "
               "\"rejectReason\": \"UNITS_LIMIT_EXCEEDED\"}, \"lastTransactionID\": \"7001\"}");
    snprintf(list, sizeof list, "[{\"fault\": \"replay\", \"status\": 400, \"body_file\": \"%s\", \"path\": "
             "\"/orders\"}]", tmp);
    faults(&g_fake, list);
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "UNITS_LIMIT_EXCEEDED");
    remove(tmp);
    /* the fake's own reject (errorCode = rejectReason) */
    faults(&g_fake, "[{\"fault\": \"reject\", \"reason\": \"MARKET_HALTED\", \"path\": \"/orders\"}]");
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_string_equal(e.venue_code, "MARKET_HALTED");
    assert_int_equal(orders_with("pr3-a-0"), 0);
    /* 201 but cancelled at once: 5,000,000 units need 5e6 x 1.08514 x
     * 0.0333 = 180,675.81 of margin, more than the 100,000 there is */
    q = order("pr3-b-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 5000000, 0);
    assert_int_equal(place_fails(&v, &q, &e), PR_EVENUE);
    assert_int_equal(e.http_status, 201);
    assert_string_equal(e.venue_code, "INSUFFICIENT_MARGIN");
    assert_non_null(strstr(e.msg, "cancelled at once"));
    pr_venue_order o;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_query(&v, "EURUSD", "pr3-b-0", &o, &e), 0);
    assert_int_equal(o.status, PR_VSTATUS_CANCELED);
    /* the recorded filled answer, read through the adapter */
    pr_test_path("tests/live/fixtures/oanda_order_filled_201.json", fx, sizeof fx);
    snprintf(list, sizeof list, "[{\"fault\": \"replay\", \"status\": 201, \"body_file\": \"%s\", \"path\": "
             "\"/orders\"}]", fx);
    faults(&g_fake, list);
    q = order("pr3-c-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 10000, 0);
    place_ok(&v, &q, &o);
    assert_true(o.venue_id == 6368 && o.status == PR_VSTATUS_FILLED && o.executed_qty == 10000);
    assert_true(fabs(o.price - 1.08514) < 1e-9);
    pr_venue_close(&v);
}

static void test_rate_limits(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_as(&v, &k, TOKEN, ACCOUNT, 5);
    pr_err e;
    double locked;
    /* a read: waited out (Retry-After 2) and asked again */
    faults(&g_fake, "[{\"fault\": \"429\", \"retry_after\": 2, \"path\": \"/summary\"}]");
    size_t from = log_len(&g_fake);
    assert_true(usd(&v, &locked) == 100000);
    assert_int_equal(logged(from, "GET", "/summary", NULL, 0), 2);
    assert_true(k.n == 1 && k.slept[0] == 2000);
    /* three in a row: given up after the retries, PR_ELIMIT */
    faults(&g_fake, "[{\"fault\": \"429\", \"path\": \"/summary\"}, {\"fault\": \"429\", \"path\": \"/summary\"}, "
                    "{\"fault\": \"429\", \"path\": \"/summary\"}]");
    pr_venue_balance b[2];
    size_t n;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_balances(&v, b, 2, &n, &e), PR_ELIMIT);
    assert_int_equal(e.http_status, 429);
    /* longer than accepted: refused at once */
    faults(&g_fake, "[{\"fault\": \"429\", \"retry_after\": 120, \"path\": \"/summary\"}]");
    pr_err_clear(&e);
    assert_int_equal(pr_venue_balances(&v, b, 2, &n, &e), PR_ELIMIT);
    assert_non_null(strstr(e.msg, "longer than the 30 s accepted"));
    /* an order: not simply sent again; after the wait its client id is
     * asked for (never received), then it is sent once more: one order */
    k.n = 0;
    faults(&g_fake, "[{\"fault\": \"429\", \"path\": \"/orders\", \"method\": \"POST\"}]");
    pr_venue_order_req q = order("pr4-a-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 1000, 0);
    pr_venue_order o;
    from = log_len(&g_fake);
    place_ok(&v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_int_equal(logged(from, "POST", "/orders", NULL, 0), 2);
    assert_int_equal(logged(from, "GET", "/orders/@pr4-a-0", NULL, 0), 1);
    assert_true(k.n == 1 && k.slept[0] == 1000);
    assert_int_equal(orders_with("pr4-a-0"), 1);
    pr_venue_close(&v);
}

/* One lost answer on the order POST: OANDA ends with one order of the id. */
static void lost_once(pr_venue *v, const char *fault, const char *cid, size_t posts) {
    char list[256];
    snprintf(list, sizeof list, "[{\"fault\": \"%s\", \"delay\": 2, \"path\": \"/orders\", \"method\": \"POST\"}]",
             fault);
    faults(&g_fake, list);
    pr_venue_order_req q = order(cid, PR_VSIDE_BUY, PR_VORDER_MARKET, 1000, 0);
    pr_venue_order o;
    size_t from = log_len(&g_fake);
    place_ok(v, &q, &o);
    assert_int_equal(o.status, PR_VSTATUS_FILLED);
    assert_string_equal(o.client_id, cid);
    if (logged(from, "POST", "/orders", NULL, 0) != posts) fail_msg("%s: POSTs differ from %zu", fault, posts);
    assert_int_equal(logged(from, "GET", cid, NULL, 0), 1); /* asked for by id, once */
    if (orders_with(cid) != 1) fail_msg("%s: %zu orders of %s", fault, orders_with(cid), cid);
}

static void test_lost_answers(void **st) {
    (void)st;
    clk k = {{0}, 0};
    pr_venue v;
    open_as(&v, &k, TOKEN, ACCOUNT, 1);
    lost_once(&v, "lost_ack", "pr5-a-0", 1); /* taken, answer lost: found by id */
    lost_once(&v, "500", "pr5-b-0", 1);      /* taken, then 503: found */
    lost_once(&v, "slow", "pr5-c-0", 1);     /* taken, answer after the timeout: found */
    lost_once(&v, "drop", "pr5-d-0", 2);     /* never taken: sent once more */
    /* two sends without an answer and OANDA has neither: no third */
    faults(&g_fake, "[{\"fault\": \"drop\", \"path\": \"/orders\", \"method\": \"POST\"}, {\"fault\": \"drop\", "
                    "\"path\": \"/orders\", \"method\": \"POST\"}]");
    pr_venue_order_req q = order("pr5-e-0", PR_VSIDE_BUY, PR_VORDER_MARKET, 1000, 0);
    pr_err e;
    size_t from = log_len(&g_fake);
    assert_int_equal(place_fails(&v, &q, &e), PR_ETIMEOUT);
    assert_non_null(strstr(e.msg, "not sent a third time"));
    assert_int_equal(logged(from, "POST", "/orders", NULL, 0), 2);
    assert_int_equal(orders_with("pr5-e-0"), 0);
    pr_venue_close(&v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_time_rules_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_with_sl_tp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_cancel_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_answers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
