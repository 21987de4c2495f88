/* A/B comparison on hand-made figures: differences, the per-figure winner
 * count, undefined figures, the text / JSON renderings with the threshold
 * and model vetoes apart and the contamination warning, and the HTML page. */
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

static void test_vetoes_and_page(void **st) {
    (void)st;
    pr_ab_side a = mk("TA-only", 0.10, 1.2, 0.15, 0.50, 1.4, 30);
    pr_ab_side b = mk("TA+AI", 0.10, 1.2, 0.15, 0.50, 1.4, 30);
    a.threshold_vetoes = b.threshold_vetoes = 15;
    b.model_vetoes = 4;
    b.contaminated = 1;
    pr_strlcpy(b.note, "oa (gpt-4o-mini): <trained> on data up to 2023-11-01", sizeof b.note);
    pr_ab_result r;
    assert_int_equal(pr_ab_compare(&a, &b, &r, NULL), 0);
    char buf[4096];
    pr_ab_format(&r, buf, sizeof buf);
    assert_non_null(strstr(buf, "threshold vetoes             15             15"));
    assert_non_null(strstr(buf, "model vetoes                  0              4"));
    assert_non_null(strstr(buf, "WARNING: TA+AI is CONTAMINATED, its difference is not evidence of skill: oa (gpt-4o-mini)"));
    char *js = pr_ab_json(&r);
    json_t *j = json_loads(js, 0, NULL);
    json_t *jb = json_object_get(j, "b"), *ja = json_object_get(j, "a");
    assert_int_equal(json_integer_value(json_object_get(ja, "threshold_vetoes")), 15);
    assert_int_equal(json_integer_value(json_object_get(jb, "model_vetoes")), 4);
    assert_true(json_is_true(json_object_get(jb, "contaminated")) && json_is_false(json_object_get(ja, "contaminated")));
    json_decref(j);
    free(js);
    char path[600], dir[512];
    pr_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/ab.html", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(pr_ab_write_html(f, &r, "A/B", "ab.ta_only.html", "ab.ta_ai.html", NULL), 0);
    fclose(f);
    size_t n;
    char *page = ai_read_file(path, &n);
    assert_non_null(strstr(page, "<iframe src=\"ab.ta_only.html\">"));
    assert_non_null(strstr(page, "<iframe src=\"ab.ta_ai.html\">"));
    assert_non_null(strstr(page, "<b>CONTAMINATED</b> (TA+AI)"));
    assert_non_null(strstr(page, "&lt;trained&gt;")); /* text is escaped */
    assert_null(strstr(page, "<trained>"));
    free(page);
    remove(path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_compare), cmocka_unit_test(test_vetoes_and_page)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
