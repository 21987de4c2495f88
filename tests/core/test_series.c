/* Tests for the OHLCV series: growth, push/read-back, lower_bound, deep
 * slicing and the bar check (pr_series_check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/core.h"

static void fill(pr_series *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double x = (double)i;
        assert_int_equal(pr_series_push(s, (int64_t)i * 60000, x, x + 2, x - 1, x + 1, 10 * x), PR_OK);
    }
}

static void test_push_grow(void **state) {
    (void)state;
    pr_series s;
    assert_int_equal(pr_series_init(&s, 0), PR_OK);
    assert_int_equal(s.len, 0);
    assert_int_equal(s.tf, PR_TF_NONE);
    fill(&s, 10000);
    assert_int_equal(s.len, 10000);
    assert_true(s.cap >= 10000);
    /* Doubling: capacity stays within 2x of the length. */
    assert_true(s.cap < 20000 + 256);
    assert_int_equal(s.ts[9999], 9999LL * 60000);
    assert_true(s.open[1234] == 1234.0);
    assert_true(s.high[1234] == 1236.0);
    assert_true(s.low[1234] == 1233.0);
    assert_true(s.close[1234] == 1235.0);
    assert_true(s.volume[1234] == 12340.0);
    pr_series_clear(&s);
    assert_int_equal(s.len, 0);
    assert_true(s.cap >= 10000);
    pr_series_free(&s);
    assert_null(s.ts);
    assert_int_equal(s.cap, 0);
}

static void test_reserve(void **state) {
    (void)state;
    pr_series s;
    assert_int_equal(pr_series_init(&s, 5), PR_OK);
    assert_int_equal(s.cap, 5);
    assert_int_equal(pr_series_reserve(&s, 3), PR_OK); /* never shrinks */
    assert_int_equal(s.cap, 5);
    fill(&s, 5);
    assert_int_equal(s.cap, 5);
    fill(&s, 1);
    assert_true(s.cap >= 6);
    pr_series_free(&s);
}

static void test_lower_bound(void **state) {
    (void)state;
    pr_series s;
    pr_series_init(&s, 0);
    assert_int_equal(pr_series_lower_bound(&s, 0), 0);
    fill(&s, 100); /* ts = 0, 60000, ..., 99*60000 */
    assert_int_equal(pr_series_lower_bound(&s, -5), 0);
    assert_int_equal(pr_series_lower_bound(&s, 0), 0);
    assert_int_equal(pr_series_lower_bound(&s, 1), 1);
    assert_int_equal(pr_series_lower_bound(&s, 60000), 1);
    assert_int_equal(pr_series_lower_bound(&s, 60001), 2);
    assert_int_equal(pr_series_lower_bound(&s, 99LL * 60000), 99);
    assert_int_equal(pr_series_lower_bound(&s, 99LL * 60000 + 1), 100);
    pr_series_free(&s);
}

static void test_slice(void **state) {
    (void)state;
    pr_series s, out;
    pr_series_init(&s, 0);
    s.tf = PR_TF_1M;
    strcpy(s.symbol, "BTCUSDT");
    s.last_incomplete = 1;
    fill(&s, 50);
    assert_int_equal(pr_series_slice(&s, 10, 20, &out), PR_OK);
    assert_int_equal(out.len, 10);
    assert_int_equal(out.ts[0], 10 * 60000);
    assert_true(out.close[9] == 20.0);
    assert_int_equal(out.tf, PR_TF_1M);
    assert_string_equal(out.symbol, "BTCUSDT");
    assert_int_equal(out.last_incomplete, 0); /* the incomplete bar was not copied */
    /* Deep copy: changing the source leaves the slice alone. */
    s.close[15] = -1.0;
    assert_true(out.close[5] == 16.0);
    pr_series_free(&out);
    /* A tail slice keeps the incomplete flag. */
    assert_int_equal(pr_series_slice(&s, 40, 50, &out), PR_OK);
    assert_int_equal(out.last_incomplete, 1);
    /* Appending to a slice works like any series. */
    assert_int_equal(pr_series_push(&out, 50LL * 60000, 1, 1, 1, 1, 1), PR_OK);
    assert_int_equal(out.len, 11);
    pr_series_free(&out);
    assert_int_equal(pr_series_slice(&s, 7, 7, &out), PR_OK);
    assert_int_equal(out.len, 0);
    pr_series_free(&out);
    assert_int_equal(pr_series_slice(&s, 20, 10, &out), PR_EINVAL);
    assert_int_equal(pr_series_slice(&s, 0, 51, &out), PR_EINVAL);
    pr_series_free(&s);
}


/* pr_series_check finds the first bar that a backtest refuses, wherever it
 * falls relative to the 512-bar blocks it tests at once: 2,000 good bars
 * (times 0, 60 s, ...), then one bad value put at chosen places. */
static void test_check(void **state) {
    (void)state;
    pr_series s;
    assert_int_equal(pr_series_init(&s, 0), PR_OK);
    assert_int_equal(pr_series_check(&s, 0), 0);   /* empty: nothing to refuse */
    fill(&s, 2000);
    assert_int_equal(pr_series_check(&s, 0), 2000);
    assert_int_equal(pr_series_check(&s, 1999), 2000);
    assert_int_equal(pr_series_check(&s, 5000), 2000);   /* from past the end: len */
    const size_t at[] = {0, 1, 511, 512, 513, 1024, 1999};
    for (size_t j = 0; j < sizeof at / sizeof at[0]; j++) {
        size_t k = at[j];
        double keep = s.high[k];
        s.high[k] = NAN;
        assert_int_equal(pr_series_check(&s, 0), k);
        s.high[k] = INFINITY;
        assert_int_equal(pr_series_check(&s, 0), k);
        /* from a bar after the bad one, it is not seen */
        if (k + 1 < s.len) assert_int_equal(pr_series_check(&s, k + 1), 2000);
        s.high[k] = keep;
        double c = s.close[k];
        s.close[k] = -INFINITY;
        assert_int_equal(pr_series_check(&s, 0), k);
        s.close[k] = c;
    }
    /* a time equal to the previous bar's (a duplicate) and one before it */
    int64_t t = s.ts[700];
    s.ts[700] = s.ts[699];
    assert_int_equal(pr_series_check(&s, 0), 700);
    s.ts[700] = s.ts[699] - 1;
    assert_int_equal(pr_series_check(&s, 0), 700);
    assert_int_equal(pr_series_check(&s, 700), 700);   /* bar 700 is compared with bar 699 */
    assert_int_equal(pr_series_check(&s, 701), 2000);
    s.ts[700] = t;
    assert_int_equal(pr_series_check(&s, 0), 2000);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_grow),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_lower_bound),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
