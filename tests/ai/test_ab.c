/* A/B comparison on hand-made figures: differences, the per-figure winner
 * count, undefined figures, and the text / JSON renderings. */
#include "ai_test.h"

static pr_ab_side mk(const char *name, double ret, double sh, double dd, double wr, double pf, size_t n) {
    pr_ab_side s;
    memset(&s, 0, sizeof s);
    pr_strlcpy(s.name, name, sizeof s.name);
    s.total_return = ret;
    s.sharpe = sh;
    s.max_drawdown = dd;
    s.win_rate = wr;
    s.profit_factor = pf;
    s.trades = n;
    return s;
}

static void test_compare(void **st) {
    (void)st;
    pr_ab_side a = mk("TA-only", 0.10, 1.2, 0.15, 0.50, 1.4, 40);
    pr_ab_side b = mk("TA+LLM", 0.12, 1.5, 0.10, 0.45, 1.6, 25);
    b.ai_calls = 25;
    b.ai_cost = 0.05;
    pr_ab_result r;
    assert_int_equal(pr_ab_compare(&a, &b, &r, NULL), 0);
    /* b - a: +0.02, +0.3, -0.05, -0.05, +0.2, -15 */
    assert_true(fabs(r.d_return - 0.02) < 1e-12);
    assert_true(fabs(r.d_sharpe - 0.3) < 1e-12);
    assert_true(fabs(r.d_drawdown + 0.05) < 1e-12);
    assert_true(fabs(r.d_win_rate + 0.05) < 1e-12);
    assert_true(fabs(r.d_profit_factor - 0.2) < 1e-12);
    assert_int_equal(r.d_trades, -15);
    /* B better on return, Sharpe, drawdown (lower) and profit factor; A on win rate. */
    assert_int_equal(r.b_better, 4);
    assert_int_equal(r.a_better, 1);
    assert_int_equal(r.compared, 5);
    char buf[2048];
    pr_ab_format(&r, buf, sizeof buf);
    assert_non_null(strstr(buf, "TA+LLM better on 4 of 5 figures"));
    assert_non_null(strstr(buf, "total return"));
    assert_non_null(strstr(buf, "+2.00%"));
    char *js = pr_ab_json(&r);
    json_t *j = json_loads(js, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "b_better")), 4);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "b"), "ai_calls")), 25);
    json_decref(j);
    free(js);

    /* An undefined win rate is not compared; equal values count for neither. */
    a.win_rate = NAN;
    b.sharpe = a.sharpe;
    assert_int_equal(pr_ab_compare(&a, &b, &r, NULL), 0);
    assert_int_equal(r.compared, 4);
    assert_int_equal(r.b_better, 3);
    assert_int_equal(r.a_better, 0);
    assert_true(isnan(r.d_win_rate));
    js = pr_ab_json(&r);
    assert_non_null(strstr(js, "\"win_rate\":null"));
    free(js);
    assert_int_equal(pr_ab_compare(NULL, &b, &r, NULL), PR_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_compare)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
