/* The venue helpers without a venue: the HMAC-SHA256 signatures of the
 * worked examples in tests/live/fixtures/binance_hmac_examples.json (from
 * Binance's API docs and cross-checked with openssl / Python there: the
 * expected signatures are the fixture's, never this code's), exact decimal
 * text on a tick or step grid, the deterministic client order id, every
 * instrument filter refusing an order locally with the filter named, and
 * the venue table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/live/venue.h"
#include "pr_test.h"

static void test_hmac_examples(void **st) {
    (void)st;
    char path[1024];
    json_error_t je;
    json_t *root = json_load_file(pr_test_path("tests/live/fixtures/binance_hmac_examples.json", path, sizeof path), 0,
                                  &je);
    if (!root) fail_msg("fixture: %s", je.text);
    const char *secret = json_string_value(json_object_get(root, "secretKey"));
    assert_non_null(secret);
    size_t i, checked = 0;
    json_t *ex;
    json_array_foreach(json_object_get(root, "examples"), i, ex) {
        const char *payload = json_string_value(json_object_get(ex, "payload"));
        const char *q = json_string_value(json_object_get(ex, "query_string"));
        const char *b = json_string_value(json_object_get(ex, "request_body"));
        char glued[512];
        if (q && b) { /* the "no separator" rule: query then body, glued */
            snprintf(glued, sizeof glued, "%s%s", q, b);
            assert_string_equal(glued, payload);
        }
        const char *want = json_string_value(json_object_get(ex, "docs_signature"));
        if (!want) want = json_string_value(json_object_get(ex, "computed_signature"));
        char got[65];
        assert_int_equal(pr_venue_hmac_sha256_hex(secret, payload, got, NULL), 0);
        if (strcmp(got, want) != 0)
            fail_msg("%s: signature %s, the fixture says %s", json_string_value(json_object_get(ex, "id")), got, want);
        checked++;
    }
    assert_int_equal(checked, 6);
    json_decref(root);
}

static void dec(double x, double unit, const char *want) {
    char out[64];
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_decimal(x, unit, out, sizeof out, &e) != 0) fail_msg("%.17g on %.17g: %s", x, unit, e.msg);
    if (strcmp(out, want) != 0) fail_msg("%.17g on %.17g: \"%s\", want \"%s\"", x, unit, out, want);
}

static void test_decimal(void **st) {
    (void)st;
    dec(0.00105, 0.00001, "0.00105");           /* 105 steps of 1e-5 */
    dec(0.1 + 0.2, 0.1, "0.3");                 /* 0.30000000000000004 is 3 ticks */
    dec(95231.41, 0.01, "95231.41");
    dec(95231.4, 0.01, "95231.40");             /* the tick's two decimals */
    dec(2.5, 0.5, "2.5");                       /* a tick that is no power of ten */
    dec(12, 1, "12");
    dec(0.0001, 0.0001, "0.0001");
    dec(1e-8, 1e-8, "0.00000001");
    dec(9000, 0.00001, "9000.00000");
    char out[64];
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_decimal(0.000015, 0.00001, out, sizeof out, &e), PR_EINVAL); /* 1.5 steps */
    assert_int_equal(pr_venue_decimal(-1, 0.01, out, sizeof out, &e), PR_EINVAL);
    assert_int_equal(pr_venue_decimals_of("0.01000000"), 2);
    assert_int_equal(pr_venue_decimals_of("0.00001000"), 5);
    assert_int_equal(pr_venue_decimals_of("1.00000000"), 0);
    assert_int_equal(pr_venue_decimals_of("5"), 0);
}

static void test_client_id(void **st) {
    (void)st;
    char a[PR_VENUE_CLIENT_ID_MAX], b[PR_VENUE_CLIENT_ID_MAX];
    /* "pr" + low 32 bits of FNV-1a-64("sess-2026-07-15") = bc18f15d + low 16
     * bits of FNV-1a-64("BTCUSDT") = f4b2 (offset basis 14695981039346656037,
     * prime 1099511628211, computed with Python) + step 1784116800000 in
     * base 36 = "mrm12tc0" + seq 3. */
    assert_int_equal(pr_venue_client_id("sess-2026-07-15", "BTCUSDT", 1784116800000LL, 3, a, sizeof a, NULL), 0);
    assert_string_equal(a, "prbc18f15df4b2-mrm12tc0-3");
    /* the same inputs, the same id: a resend cannot make a second order */
    assert_int_equal(pr_venue_client_id("sess-2026-07-15", "BTCUSDT", 1784116800000LL, 3, b, sizeof b, NULL), 0);
    assert_string_equal(a, b);
    const char *other[][2] = {{"sess-2026-07-16", "BTCUSDT"}, {"sess-2026-07-15", "ETHUSDT"}};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(pr_venue_client_id(other[i][0], other[i][1], 1784116800000LL, 3, b, sizeof b, NULL), 0);
        assert_string_not_equal(a, b);
    }
    assert_int_equal(pr_venue_client_id("sess-2026-07-15", "BTCUSDT", 1784116800001LL, 3, b, sizeof b, NULL), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(pr_venue_client_id("sess-2026-07-15", "BTCUSDT", 1784116800000LL, 4, b, sizeof b, NULL), 0);
    assert_string_not_equal(a, b);
    /* Binance's pattern ^[.A-Z:/a-z0-9_-]{1,36}$ even for the last ms of year 9999 and the largest seq */
    assert_int_equal(pr_venue_client_id("s", "m", 253402300799999LL, 4294967295u, b, sizeof b, NULL), 0);
    assert_true(strlen(b) <= 36);
    for (const char *p = b; *p; p++) assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *p));
}

/* BTCUSDT's filters in tests/live/fixtures/binance_exchange_info.json. */
static pr_venue_rules btcusdt(void) {
    pr_venue_rules r;
    memset(&r, 0, sizeof r);
    strcpy(r.symbol, "BTCUSDT");
    r.tick = 0.01, r.min_price = 0.01, r.max_price = 1000000;
    r.step = 0.00001, r.min_qty = 0.00001, r.max_qty = 9000;
    r.market_max_qty = 92.57123456;
    r.min_notional = 5, r.max_notional = 9000000, r.min_notional_market = 1, r.max_notional_market = 0;
    r.notional_filter = "NOTIONAL";
    return r;
}

static void refused(const pr_venue_rules *r, pr_venue_otype t, double qty, double price, double stop, double ref,
                    const char *filter, const char *words) {
    pr_venue_order_req q;
    memset(&q, 0, sizeof q);
    strcpy(q.symbol, "BTCUSDT");
    strcpy(q.client_id, "prtest-1");
    q.type = t;
    q.qty = qty, q.price = price, q.stop_price = stop, q.ref_price = ref;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_venue_check(r, &q, &e);
    if (!filter) {
        if (rc != 0) fail_msg("refused: %s", e.msg);
        return;
    }
    if (rc != PR_EINVAL) fail_msg("qty %g price %g: not refused by %s", qty, price, filter);
    assert_string_equal(e.venue_code, filter);
    if (!strstr(e.msg, filter) || !strstr(e.msg, words)) fail_msg("message \"%s\" lacks %s / %s", e.msg, filter, words);
}

static void test_filters(void **st) {
    (void)st;
    pr_venue_rules r = btcusdt();
    refused(&r, PR_VORDER_LIMIT, 0.001, 95000.01, 0, 0, NULL, NULL);       /* 95.00001 USDT: fine */
    refused(&r, PR_VORDER_MARKET, 0.00105, 0, 0, 95000, NULL, NULL);
    refused(&r, PR_VORDER_LIMIT, 0.001, 95000.005, 0, 0, "PRICE_FILTER", "tickSize 0.01");
    refused(&r, PR_VORDER_LIMIT, 0.001, 2000000, 0, 0, "PRICE_FILTER", "maxPrice");
    refused(&r, PR_VORDER_STOP_LOSS_LIMIT, 0.001, 94000, 94000.001, 0, "PRICE_FILTER", "stopPrice");
    refused(&r, PR_VORDER_LIMIT, 0.000015, 95000, 0, 0, "LOT_SIZE", "stepSize");
    refused(&r, PR_VORDER_LIMIT, 0.000001, 95000, 0, 0, "LOT_SIZE", "minQty");
    refused(&r, PR_VORDER_LIMIT, 9001, 1, 0, 0, "LOT_SIZE", "maxQty");
    refused(&r, PR_VORDER_MARKET, 93, 0, 0, 0, "MARKET_LOT_SIZE", "maxQty");
    /* 0.00005 x 95000 = 4.75 USDT < 5 */
    refused(&r, PR_VORDER_LIMIT, 0.00005, 95000, 0, 0, "NOTIONAL", "minNotional 5");
    refused(&r, PR_VORDER_MARKET, 0.00005, 0, 0, 95000, "NOTIONAL", "minNotional 5");
    /* no reference price: a market order's notional cannot be checked here */
    refused(&r, PR_VORDER_MARKET, 0.00005, 0, 0, 0, NULL, NULL);
    /* maxNotional is not applied to market orders (applyMaxToMarket false) */
    refused(&r, PR_VORDER_LIMIT, 90, 100001, 0, 0, "NOTIONAL", "maxNotional");
    refused(&r, PR_VORDER_MARKET, 90, 0, 0, 100001, NULL, NULL);
    /* ETHBTC's older MIN_NOTIONAL is named as such */
    r.notional_filter = "MIN_NOTIONAL";
    refused(&r, PR_VORDER_LIMIT, 0.00005, 95000, 0, 0, "MIN_NOTIONAL", "minNotional");
}

static void test_table(void **st) {
    (void)st;
    size_t n;
    const pr_venue_ops *const *all = pr_venue_list(&n);
    assert_true(n >= 1);
    assert_ptr_equal(pr_venue_find("binance_spot"), all[0]);
    assert_string_equal(all[0]->rest_testnet, "https://testnet.binance.vision");
    assert_null(pr_venue_find("nasdaq"));
    pr_venue v;
    pr_venue_config c;
    memset(&c, 0, sizeof c);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_venue_open("nasdaq", &c, &v, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "binance_spot"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_examples), cmocka_unit_test(test_decimal), cmocka_unit_test(test_client_id),
        cmocka_unit_test(test_filters),       cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
