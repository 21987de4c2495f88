/* Tests for instrument defaults (base/quote split, pips, ticks, lots) and
 * rounding to the venue grid, including floating-point edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/core.h"

static pr_instrument def(const char *sym, pr_asset_class cls) {
    pr_instrument in;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_instrument_default(sym, cls, &in, &e);
    if (rc) print_error("%s: %s\n", sym, e.msg);
    assert_int_equal(rc, PR_OK);
    return in;
}

static void test_class_names(void **state) {
    (void)state;
    pr_asset_class c;
    assert_int_equal(pr_asset_class_parse("crypto", &c), PR_OK);
    assert_int_equal(c, PR_ASSET_CRYPTO);
    assert_int_equal(pr_asset_class_parse("Forex", &c), PR_OK);
    assert_int_equal(c, PR_ASSET_FOREX);
    assert_int_equal(pr_asset_class_parse("stock", &c), PR_OK);
    assert_int_equal(c, PR_ASSET_STOCK);
    assert_int_equal(pr_asset_class_parse("bond", &c), PR_EINVAL);
    assert_string_equal(pr_asset_class_name(PR_ASSET_FOREX), "forex");
    assert_string_equal(pr_asset_class_name(PR_ASSET_FUTURE), "future");
}

static void test_crypto(void **state) {
    (void)state;
    pr_instrument in = def("BTCUSDT", PR_ASSET_CRYPTO);
    assert_string_equal(in.symbol, "BTCUSDT");
    assert_string_equal(in.base, "BTC");
    assert_string_equal(in.quote, "USDT");
    assert_true(in.tick_size == 0.01);
    assert_true(in.lot_step == 0.00001);
    assert_true(in.min_notional == 5.0);
    assert_true(in.pip_size == 0.0);
    assert_true(in.contract_multiplier == 1.0);
    in = def("ETHBTC", PR_ASSET_CRYPTO);
    assert_string_equal(in.base, "ETH");
    assert_string_equal(in.quote, "BTC");
    in = def("BTCFDUSD", PR_ASSET_CRYPTO);
    assert_string_equal(in.base, "BTC");
    assert_string_equal(in.quote, "FDUSD");
    in = def("SOLUSDC", PR_ASSET_CRYPTO);
    assert_string_equal(in.quote, "USDC");
    in = def("BTCTRY", PR_ASSET_CRYPTO);
    assert_string_equal(in.quote, "TRY");
    in = def("btc/usdt", PR_ASSET_CRYPTO);
    assert_string_equal(in.base, "BTC");
    assert_string_equal(in.quote, "USDT");
    in = def("DOGE-EUR", PR_ASSET_CRYPTO);
    assert_string_equal(in.base, "DOGE");
    assert_string_equal(in.quote, "EUR");
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_instrument_default("FOOBAR", PR_ASSET_CRYPTO, &in, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "FOOBAR"));
    assert_int_equal(pr_instrument_default("", PR_ASSET_CRYPTO, &in, &e), PR_EINVAL);
    assert_int_equal(pr_instrument_default("USDT", PR_ASSET_CRYPTO, &in, &e), PR_EINVAL);
}

static void test_forex(void **state) {
    (void)state;
    pr_instrument in = def("EURUSD", PR_ASSET_FOREX);
    assert_string_equal(in.base, "EUR");
    assert_string_equal(in.quote, "USD");
    assert_true(in.pip_size == 0.0001);
    assert_true(in.tick_size == 0.00001);
    in = def("USDJPY", PR_ASSET_FOREX);
    assert_string_equal(in.base, "USD");
    assert_string_equal(in.quote, "JPY");
    assert_true(in.pip_size == 0.01);
    assert_true(in.tick_size == 0.001);
    in = def("EUR_JPY", PR_ASSET_FOREX); /* OANDA spelling */
    assert_string_equal(in.base, "EUR");
    assert_true(in.pip_size == 0.01);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_instrument_default("EURUS", PR_ASSET_FOREX, &in, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "6 letters"));
}

static void test_stock_and_inference(void **state) {
    (void)state;
    pr_instrument in = def("KO", PR_ASSET_STOCK);
    assert_string_equal(in.base, "KO");
    assert_string_equal(in.quote, "USD");
    assert_true(in.tick_size == 0.01);
    assert_true(in.lot_step == 1.0);
    assert_true(in.min_qty == 1.0);
    /* Class inferred when unknown. */
    assert_int_equal(def("GBPUSD", PR_ASSET_UNKNOWN).asset_class, PR_ASSET_FOREX);
    assert_int_equal(def("BNBUSDT", PR_ASSET_UNKNOWN).asset_class, PR_ASSET_CRYPTO);
    assert_int_equal(def("AAPL", PR_ASSET_UNKNOWN).asset_class, PR_ASSET_STOCK);
    assert_int_equal(def("ABNB", PR_ASSET_UNKNOWN).asset_class, PR_ASSET_STOCK);
}

static void test_round_price(void **state) {
    (void)state;
    pr_instrument in = def("BTCUSDT", PR_ASSET_CRYPTO);
    assert_true(pr_instrument_round_price(&in, 46216.934) == 46216.93);
    assert_true(pr_instrument_round_price(&in, 46216.936) == 46216.94);
    assert_true(pr_instrument_round_price(&in, 0.004) == 0.0);
    /* 0.1 + 0.2 = 0.30000000000000004 lands exactly on the double nearest 0.3. */
    in.tick_size = 0.1;
    assert_true(pr_instrument_round_price(&in, 0.1 + 0.2) == 0.3);
    assert_true(pr_instrument_round_price(&in, 0.7) == 0.7);
    in.tick_size = 0.25;
    assert_true(pr_instrument_round_price(&in, 100.1) == 100.0);
    assert_true(pr_instrument_round_price(&in, 100.2) == 100.25);
    pr_instrument fx = def("EURUSD", PR_ASSET_FOREX);
    assert_true(pr_instrument_round_price(&fx, 1.134567) == 1.13457);
    pr_instrument jpy = def("USDJPY", PR_ASSET_FOREX);
    assert_true(pr_instrument_round_price(&jpy, 107.4251) == 107.425);
    assert_true(isnan(pr_instrument_round_price(&jpy, NAN)));
}

static void test_round_qty(void **state) {
    (void)state;
    pr_instrument in = def("BTCUSDT", PR_ASSET_CRYPTO);
    /* Down to the 0.00001 lot. */
    assert_true(pr_instrument_round_qty(&in, 0.123456789) == 0.12345);
    assert_true(pr_instrument_round_qty(&in, 0.000019) == 0.00001);
    assert_true(pr_instrument_round_qty(&in, 0.000009) == 0.0);
    assert_true(pr_instrument_round_qty(&in, -0.123456) == -0.12345);
    /* 0.3 / 0.1 = 2.9999999999999996 in doubles; a naive floor gives 0.2. */
    in.lot_step = 0.1;
    assert_true(pr_instrument_round_qty(&in, 0.3) == 0.3);
    assert_true(pr_instrument_round_qty(&in, 0.7) == 0.7);
    assert_true(pr_instrument_round_qty(&in, 0.29) == 0.2);
    in.lot_step = 0.001;
    assert_true(pr_instrument_round_qty(&in, 1.001) == 1.001);
    pr_instrument ko = def("KO", PR_ASSET_STOCK);
    assert_true(pr_instrument_round_qty(&ko, 10.9) == 10.0);
    assert_true(pr_instrument_round_qty(&ko, 0.99) == 0.0);
}

static void test_check_order(void **state) {
    (void)state;
    pr_instrument in = def("BTCUSDT", PR_ASSET_CRYPTO);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_instrument_check_order(&in, 50000, 0.001, &e), PR_OK);
    /* 50000 x 0.00009 = 4.5 USDT < 5. */
    assert_int_equal(pr_instrument_check_order(&in, 50000, 0.00009, &e), PR_ERANGE);
    assert_non_null(strstr(e.msg, "4.5"));
    assert_non_null(strstr(e.msg, "5"));
    assert_non_null(strstr(e.msg, "BTCUSDT"));
    /* 0.000004 rounds down to 0. */
    pr_err_clear(&e);
    assert_int_equal(pr_instrument_check_order(&in, 50000, 0.000004, &e), PR_ERANGE);
    assert_non_null(strstr(e.msg, "4e-06"));
    assert_non_null(strstr(e.msg, "minimum quantity"));
    pr_err_clear(&e);
    assert_int_equal(pr_instrument_check_order(&in, -1, 1, &e), PR_EINVAL);
    assert_int_equal(pr_instrument_check_order(&in, 100, NAN, &e), PR_EINVAL);
    pr_instrument ko = def("KO", PR_ASSET_STOCK);
    assert_int_equal(pr_instrument_check_order(&ko, 60.0, 1.0, &e), PR_OK);
    assert_int_equal(pr_instrument_check_order(&ko, 60.0, 0.5, &e), PR_ERANGE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_names), cmocka_unit_test(test_crypto),
        cmocka_unit_test(test_forex),       cmocka_unit_test(test_stock_and_inference),
        cmocka_unit_test(test_round_price), cmocka_unit_test(test_round_qty),
        cmocka_unit_test(test_check_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
