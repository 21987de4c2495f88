/* Tests for status names, error records and their one-line format, and the
 * bounded number parsers (checked bit for bit against the C library's strtod,
 * an outside reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"

static void test_status_names(void **state) {
    (void)state;
    assert_string_equal(pr_status_name(PR_OK), "OK");
    assert_string_equal(pr_status_name(PR_EPARSE), "EPARSE");
    assert_string_equal(pr_status_name(PR_EVENUE), "EVENUE");
    assert_string_equal(pr_status_name(PR_ELIMIT), "ELIMIT");
    assert_string_equal(pr_status_name(-999), "EUNKNOWN");
}

static void test_err_set_and_format(void **state) {
    (void)state;
    pr_err e;
    pr_err_clear(&e);
    char buf[256];
    assert_int_equal(pr_err_set(&e, PR_EPARSE, "bad value %d", 42), PR_EPARSE);
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "bad value 42");
    pr_err_at(&e, "data.csv", 12, 5, "close");
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "data.csv:12:5: close: bad value 42");
    /* Context survives a later pr_err_set. */
    pr_err_set(&e, PR_EDATA, "negative price");
    assert_int_equal(e.code, PR_EDATA);
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "data.csv:12:5: close: negative price");
    /* NULL/0 arguments leave parts unset. */
    pr_err_clear(&e);
    pr_err_set(&e, PR_EHTTP, "rate limited");
    e.http_status = 429;
    pr_strlcpy(e.venue_code, "-1003", sizeof e.venue_code);
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "rate limited [HTTP 429] [venue code -1003]");
    pr_err_at(&e, "api.binance.com", 0, 0, NULL);
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "api.binance.com: rate limited [HTTP 429] [venue code -1003]");
    /* file:line without column */
    pr_err_clear(&e);
    pr_err_set(&e, PR_EPARSE, "x");
    pr_err_at(&e, "f.json", 3, 0, NULL);
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "f.json:3: x");
    /* A message that already starts with the field is not prefixed twice. */
    pr_err_clear(&e);
    pr_err_at(&e, NULL, 0, 0, "risk.max_drawdown");
    pr_err_set(&e, PR_EINVAL, "risk.max_drawdown: expected a number in (0,1)");
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "risk.max_drawdown: expected a number in (0,1)");
    /* Empty message falls back to the status name. */
    pr_err_clear(&e);
    e.code = PR_ETIMEOUT;
    pr_err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "ETIMEOUT");
    /* Truncation keeps a terminated string. */
    pr_err_set(&e, PR_EIO, "0123456789abcdef");
    assert_int_equal(pr_err_format(&e, buf, 8), 7);
    assert_string_equal(buf, "0123456");
    /* Wrapping an earlier message in more context is allowed. */
    pr_err_clear(&e);
    pr_err_set(&e, PR_EPARSE, "bad number");
    pr_err_set(&e, e.code, "loading %s: %s", "fees.json", e.msg);
    assert_string_equal(e.msg, "loading fees.json: bad number");
    /* NULL record: set still returns the code. */
    assert_int_equal(pr_err_set(NULL, PR_ENOMEM, "x"), PR_ENOMEM);
    pr_err_at(NULL, "a", 1, 1, "b");
}

static void test_strlcpy(void **state) {
    (void)state;
    char b[6];
    assert_int_equal(pr_strlcpy(b, "abc", sizeof b), 3);
    assert_string_equal(b, "abc");
    assert_int_equal(pr_strlcpy(b, "abcdefgh", sizeof b), 5);
    assert_string_equal(b, "abcde");
    assert_int_equal(pr_strlcpy(b, NULL, sizeof b), 0);
    assert_string_equal(b, "");
}

static double dbl(const char *s) {
    double v = -12345.0;
    assert_int_equal(pr_parse_double(s, (size_t)-1, &v), PR_OK);
    return v;
}

static void test_parse_double(void **state) {
    (void)state;
    assert_true(dbl("46216.93") == 46216.93);
    assert_true(dbl("0.00004855") == 0.00004855);
    assert_true(dbl("-0.00012232") == -0.00012232);
    assert_true(dbl("1.5e3") == 1500.0);
    assert_true(dbl("1E-2") == 0.01);
    assert_true(dbl("+7") == 7.0);
    assert_true(dbl(".5") == 0.5);
    assert_true(dbl("5.") == 5.0);
    assert_true(dbl(" 2.5\r") == 2.5);
    assert_true(dbl("\"521.23\"") == 521.23);
    assert_true(dbl("535796800") == 535796800.0);
    double z = dbl("-0");
    assert_true(z == 0.0 && signbit(z));
    /* nan/inf are values (the validator reports them), not parse errors. */
    assert_true(isnan(dbl("nan")));
    assert_true(isnan(dbl("NaN")));
    assert_true(isinf(dbl("inf")) && dbl("inf") > 0);
    assert_true(isinf(dbl("-Infinity")) && dbl("-Infinity") < 0);
    double v;
    assert_int_equal(pr_parse_double("", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("  ", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("null", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("abc", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("1.2.3", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("12x", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("1e", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("-", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_double("1,5", (size_t)-1, &v), PR_EPARSE);
    /* Bounded: only the first field of a CSV line is read. */
    assert_int_equal(pr_parse_double("12.5,13.75", 4, &v), PR_OK);
    assert_true(v == 12.5);
    /* A long field goes through strtod and still parses. */
    assert_true(dbl("3.14159265358979323846264338327950288") == 3.14159265358979323846);
    assert_true(dbl("1e300") == 1e300);
    assert_true(dbl("123456789012345678901234") == 123456789012345678901234.0);
}

/* The fast path must agree bit for bit with strtod on ordinary decimals. */
static void test_parse_double_matches_strtod(void **state) {
    (void)state;
    pr_rng r;
    pr_rng_seed(&r, 7);
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        uint64_t x = pr_rng_next(&r);
        int decimals = (int)(x % 12);
        unsigned long long mant = (x >> 8) % 100000000000000ULL;
        int neg = (x >> 60) & 1;
        if (decimals == 0) snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "", mant);
        else {
            unsigned long long p = 1;
            for (int k = 0; k < decimals; k++) p *= 10;
            snprintf(buf, sizeof buf, "%s%llu.%0*llu", neg ? "-" : "", mant / p, decimals, mant % p);
        }
        if ((x >> 56 & 7) == 0) strcat(buf, "e-5");
        double ours = 0;
        assert_int_equal(pr_parse_double(buf, (size_t)-1, &ours), PR_OK);
        double ref = strtod(buf, NULL);
        if (memcmp(&ours, &ref, sizeof ours) != 0) {
            print_error("mismatch on %s: %.17g vs %.17g\n", buf, ours, ref);
            fail();
        }
    }
}

static void test_parse_int64(void **state) {
    (void)state;
    int64_t v;
    assert_int_equal(pr_parse_int64("42", (size_t)-1, &v), PR_OK);
    assert_int_equal(v, 42);
    assert_int_equal(pr_parse_int64("-17", (size_t)-1, &v), PR_OK);
    assert_int_equal(v, -17);
    assert_int_equal(pr_parse_int64(" 1640995200000\r", (size_t)-1, &v), PR_OK);
    assert_int_equal(v, 1640995200000LL);
    assert_int_equal(pr_parse_int64("9223372036854775807", (size_t)-1, &v), PR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(pr_parse_int64("-9223372036854775808", (size_t)-1, &v), PR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(pr_parse_int64("9223372036854775808", (size_t)-1, &v), PR_ERANGE);
    assert_int_equal(pr_parse_int64("-9223372036854775809", (size_t)-1, &v), PR_ERANGE);
    assert_int_equal(pr_parse_int64("12a", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_int64("1.0", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_int64("", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_int64("-", (size_t)-1, &v), PR_EPARSE);
    assert_int_equal(pr_parse_int64("123456", 3, &v), PR_OK);
    assert_int_equal(v, 123);
}


/* pr_bytes_append: pieces joined in order and NUL-terminated; the block
 * doubles from `first` (4 -> 8 -> 16 here); a piece that would take it past
 * `max` is refused and leaves it as it was. */
static void test_bytes_append(void **state) {
    (void)state;
    char *b = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "abc", 3, 4, 16), PR_OK);
    assert_int_equal(len, 3);
    assert_int_equal(cap, 4);   /* 3 bytes + NUL fit the first block */
    assert_string_equal(b, "abc");
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "defg", 4, 4, 16), PR_OK);
    assert_int_equal(cap, 8);
    assert_string_equal(b, "abcdefg");
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "", 0, 4, 16), PR_OK);
    assert_string_equal(b, "abcdefg");
    /* 7 + 8 + NUL = 16 bytes: exactly the maximum */
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "hijklmno", 8, 4, 16), PR_OK);
    assert_int_equal(cap, 16);
    assert_string_equal(b, "abcdefghijklmno");
    /* one byte more would need 17 */
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "p", 1, 4, 16), PR_ENOMEM);
    assert_int_equal(len, 15);
    assert_string_equal(b, "abcdefghijklmno");
    assert_int_equal(pr_bytes_append(&b, &len, &cap, "x", SIZE_MAX, 4, 16), PR_ENOMEM);
    char big[16] = {0};
    assert_int_equal(pr_bytes_append(&b, &len, &cap, big, 16, 4, 16), PR_ENOMEM);   /* n == max */
    assert_int_equal(len, 15);
    free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_err_set_and_format),
        cmocka_unit_test(test_strlcpy),
        cmocka_unit_test(test_bytes_append),
        cmocka_unit_test(test_parse_double),
        cmocka_unit_test(test_parse_double_matches_strtod),
        cmocka_unit_test(test_parse_int64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
