/* Token bucket, circuit breaker and backoff with an explicit clock; the
 * expected waits are worked out by hand. */
#include "ai_test.h"

#include "proratio/ai.h"

static void test_token_bucket(void **st) {
    (void)st;
    pr_token_bucket b;
    /* 60/min = 1 token per 1000 ms, burst 2: two calls pass at t=0. */
    pr_token_bucket_init(&b, 60, 2, 0);
    assert_int_equal(pr_token_bucket_take(&b, 0), 0);
    assert_int_equal(pr_token_bucket_take(&b, 0), 0);
    /* Empty: the next token is 1000 ms away; at t=400 it is 600 ms away. */
    assert_int_equal(pr_token_bucket_take(&b, 0), 1000);
    assert_int_equal(pr_token_bucket_take(&b, 400), 600);
    assert_int_equal(pr_token_bucket_take(&b, 1000), 0);
    /* Refill caps at the burst: after 10 s only 2 tokens. */
    assert_int_equal(pr_token_bucket_take(&b, 11000), 0);
    assert_int_equal(pr_token_bucket_take(&b, 11000), 0);
    assert_int_equal(pr_token_bucket_take(&b, 11000), 1000);
    /* Unlimited. */
    pr_token_bucket_init(&b, 0, 1, 0);
    for (int i = 0; i < 100; i++) assert_int_equal(pr_token_bucket_take(&b, 0), 0);
    /* 20/min = one per 3000 ms. */
    pr_token_bucket_init(&b, 20, 1, 0);
    assert_int_equal(pr_token_bucket_take(&b, 0), 0);
    assert_int_equal(pr_token_bucket_take(&b, 0), 3000);
}

static void test_breaker(void **st) {
    (void)st;
    pr_breaker b;
    pr_breaker_init(&b, 3, 10000);
    assert_true(pr_breaker_allow(&b, 0));
    assert_int_equal(pr_breaker_record(&b, 1, 0), 0);
    assert_int_equal(pr_breaker_record(&b, 1, 0), 0);
    /* A success resets the count. */
    assert_int_equal(pr_breaker_record(&b, 0, 0), 0);
    assert_int_equal(pr_breaker_record(&b, 1, 100), 0);
    assert_int_equal(pr_breaker_record(&b, 1, 200), 0);
    assert_int_equal(pr_breaker_record(&b, 1, 300), 1); /* third in a row opens it */
    assert_false(pr_breaker_allow(&b, 300));
    assert_false(pr_breaker_allow(&b, 10299));
    /* Cooldown over at 10300: one trial call, no second one meanwhile. */
    assert_true(pr_breaker_allow(&b, 10300));
    assert_false(pr_breaker_allow(&b, 10300));
    /* The trial fails: open for another cooldown. */
    assert_int_equal(pr_breaker_record(&b, 1, 10400), 1);
    assert_false(pr_breaker_allow(&b, 20399));
    assert_true(pr_breaker_allow(&b, 20400));
    /* The trial succeeds: closed. */
    assert_int_equal(pr_breaker_record(&b, 0, 20500), 0);
    assert_true(pr_breaker_allow(&b, 20500));
    assert_true(pr_breaker_allow(&b, 20500));
    assert_int_equal(b.consecutive, 0);
    /* threshold 0: never opens. */
    pr_breaker_init(&b, 0, 1000);
    for (int i = 0; i < 50; i++) assert_int_equal(pr_breaker_record(&b, 1, i), 0);
    assert_true(pr_breaker_allow(&b, 50));
}

static void test_backoff(void **st) {
    (void)st;
    /* Without an RNG u = 0.5: d * 0.75. base 0.5 s: 375, 750, 1500, 3000 ms;
     * capped at 2 s from attempt 2 on: 1500 ms. */
    assert_int_equal(pr_backoff_ms(0, 0.5, 8, NULL), 375);
    assert_int_equal(pr_backoff_ms(1, 0.5, 8, NULL), 750);
    assert_int_equal(pr_backoff_ms(3, 0.5, 8, NULL), 3000);
    assert_int_equal(pr_backoff_ms(2, 0.5, 2, NULL), 1500);
    assert_int_equal(pr_backoff_ms(9, 0.5, 2, NULL), 1500);
    /* With jitter: within [d/2, d], and the same seed gives the same waits. */
    pr_rng a, b;
    pr_rng_seed(&a, 42);
    pr_rng_seed(&b, 42);
    for (int k = 0; k < 6; k++) {
        int64_t x = pr_backoff_ms(k, 0.5, 8, &a), y = pr_backoff_ms(k, 0.5, 8, &b);
        double d = 0.5 * (1 << k) > 8 ? 8 : 0.5 * (1 << k);
        assert_int_equal(x, y);
        assert_true(x >= (int64_t)(d * 500) && x <= (int64_t)(d * 1000));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_bucket),
        cmocka_unit_test(test_breaker),
        cmocka_unit_test(test_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
