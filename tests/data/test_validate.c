/* Tests of validation and repair of in-memory series and of the report:
 * each defect of a hand-built series is found at its row with the action the
 * policy documents, repair gives the series worked out by hand, the report
 * caps its list but not its counts, and its JSON is valid (jansson parses
 * it) with the documented fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/data/import.h"
#include "proratio/data/validate.h"
#include "data/data_internal.h"
#include "pr_test.h"

#define H PR_MS_PER_HOUR
#define T0 INT64_C(1640995200000) /* 2022-01-01 00:00 UTC, a Saturday */

static const pr_issue *find(const pr_data_report *r, pr_issue_kind k, int64_t index) {
    for (size_t i = 0; i < r->n_issues; i++)
        if (r->issues[i].kind == k && r->issues[i].index == index) return &r->issues[i];
    return NULL;
}

/* Rows (hour offset, o, h, l, c, v):
 *  0: 0h  ok
 *  1: 1h  ok
 *  2: 1h  exact duplicate of row 1        -> dropped (repaired)
 *  3: 3h  ok
 *  4: 2h  out of order                    -> sorted (repaired)
 *  5: 3h  conflict with row 3             -> dropped, row 3 kept
 *  6: 4h  high < low                      -> skipped
 *  7: 5h  zero volume                     -> kept, warned
 *  8: 7h  NaN close                       -> skipped
 *  9: 8h  ok
 * With rows 6 and 8 skipped, 4h and 6h-7h are missing: two gaps, 3 bars. */
static void build(pr_series *s) {
    static const double rows[10][6] = {
        {0, 100, 110, 95, 105, 10}, {1, 105, 112, 104, 111, 11}, {1, 105, 112, 104, 111, 11},
        {3, 108, 109, 100, 101, 13}, {2, 111, 115, 107, 108, 12}, {3, 108, 109.5, 100, 101, 13},
        {4, 101, 99, 100, 100, 14}, {5, 100, 101, 99, 100.5, 0},  {7, 100, 101, 99, NAN, 5},
        {8, 100, 102, 99, 101, 6},
    };
    pr_series_init(s, 10);
    for (int i = 0; i < 10; i++)
        pr_series_push(s, T0 + (int64_t)rows[i][0] * H, rows[i][1], rows[i][2], rows[i][3], rows[i][4], rows[i][5]);
    s->tf = PR_TF_1H;
}

static void test_validate_series(void **state) {
    (void)state;
    pr_series s;
    build(&s);
    pr_validate_options o;
    pr_validate_options_init(&o);
    o.calendar = PR_CAL_24X7;
    pr_data_report r;
    pr_data_report_init(&r, 0);
    assert_int_equal(pr_validate_series(&s, &o, &r), 0);
    /* Nothing changed. */
    assert_int_equal(s.len, 10);
    assert_true(s.ts[4] == T0 + 2 * H && isnan(s.close[8]));
    const pr_issue *is;
    assert_non_null(is = find(&r, PR_ISSUE_DUPLICATE, 2));
    assert_int_equal(is->action, PR_ACTION_REPAIRED);
    assert_int_equal(is->line, 0);
    assert_non_null(is = find(&r, PR_ISSUE_OUT_OF_ORDER, 4));
    assert_int_equal(is->action, PR_ACTION_REPAIRED);
    assert_non_null(is = find(&r, PR_ISSUE_CONFLICT, 5));
    assert_int_equal(is->severity, PR_SEV_ERROR);
    assert_non_null(strstr(is->msg, "row 3 kept"));
    assert_non_null(is = find(&r, PR_ISSUE_OHLC, 6));
    assert_non_null(strstr(is->msg, "high 99 < low 100"));
    assert_non_null(is = find(&r, PR_ISSUE_ZERO_VOLUME, 7));
    assert_int_equal(is->action, PR_ACTION_KEPT);
    assert_non_null(is = find(&r, PR_ISSUE_NONFINITE, 8));
    assert_non_null(strstr(is->msg, "close is NaN"));
    assert_non_null(is = find(&r, PR_ISSUE_GAP, 9));
    assert_true(is->ts == T0 + 6 * H && is->ts_end == T0 + 7 * H && is->count == 2);
    assert_non_null(is = find(&r, PR_ISSUE_GAP, 7));
    assert_true(is->ts == T0 + 4 * H && is->count == 1);
    assert_int_equal(r.gaps, 2);
    assert_int_equal(r.missing_bars, 3);
    assert_int_equal(r.rows, 10);
    assert_int_equal(r.rows_ok, 6);
    assert_int_equal(r.rows_skipped, 4);
    assert_int_equal(r.n_error, 3);
    assert_int_equal(r.n_warn, 5);
    assert_int_equal(pr_data_report_defects(&r), 8);
    o.strict = 1;
    assert_int_equal(pr_validate_series(&s, &o, &r), PR_EDATA);
    assert_int_equal(pr_validate_series(&s, &o, NULL), PR_EDATA);

    /* Repair in place gives 0h 1h 2h 3h 5h 8h with row 3's values at 3h. */
    o.strict = 0;
    pr_err e;
    assert_int_equal(pr_repair_series(&s, &o, &r, &e), 0);
    static const int hours[6] = {0, 1, 2, 3, 5, 8};
    assert_int_equal(s.len, 6);
    for (int i = 0; i < 6; i++) assert_true(s.ts[i] == T0 + hours[i] * H);
    assert_true(s.high[3] == 109 && s.open[2] == 111 && s.volume[4] == 0);
    /* A repaired series validates clean, but for what is kept by policy. */
    assert_int_equal(pr_validate_series(&s, &o, &r), 0);
    assert_int_equal(r.n_error, 0);
    assert_int_equal(r.count[PR_ISSUE_ZERO_VOLUME], 1);
    assert_int_equal(r.count[PR_ISSUE_GAP], 2); /* 4h, and 6h-7h */
    pr_series_free(&s);
    pr_data_report_free(&r);
}

static void test_no_volume_and_grid(void **state) {
    (void)state;
    pr_series s;
    pr_series_init(&s, 4);
    pr_series_push(&s, T0, 1.1, 1.2, 1.0, 1.1, 0);
    pr_series_push(&s, T0 + H + 15 * PR_MS_PER_MIN, 1.1, 1.2, 1.0, 1.1, 0); /* off the 1h grid */
    pr_series_push(&s, T0 + 2 * H, 1.1, 1.2, 1.0, 1.1, 0);
    pr_validate_options o;
    pr_validate_options_init(&o);
    o.tf = PR_TF_1H;
    o.calendar = PR_CAL_24X7;
    o.has_volume = 0;
    pr_data_report r;
    pr_data_report_init(&r, 0);
    assert_int_equal(pr_validate_series(&s, &o, &r), 0);
    assert_int_equal(r.count[PR_ISSUE_ZERO_VOLUME], 0);
    assert_int_equal(r.count[PR_ISSUE_OFF_GRID], 1);
    assert_non_null(strstr(find(&r, PR_ISSUE_OFF_GRID, 1)->msg, "2022-01-01 01:00:00"));
    assert_int_equal(r.gaps, 0);
    /* With volume known, the three zero volumes are warnings. */
    o.has_volume = 1;
    assert_int_equal(pr_validate_series(&s, &o, &r), 0);
    assert_int_equal(r.count[PR_ISSUE_ZERO_VOLUME], 3);
    /* The timeframe is inferred when neither the options nor the series say. */
    o.tf = PR_TF_NONE;
    pr_series m;
    pr_series_init(&m, 4);
    int64_t t;
    for (int mo = 1; mo <= 4; mo++) {
        pr_time_make(2024, mo, 1, 0, 0, 0, &t);
        pr_series_push(&m, t, 1, 2, 0.5, 1.5, 10);
    }
    assert_int_equal(pr_validate_series(&m, &o, &r), 0);
    assert_int_equal(r.tf, PR_TF_1MO);
    assert_int_equal(r.gaps, 0);
    assert_non_null(strstr(r.issues[0].msg, "inferred as 1M"));
    pr_series_free(&m);
    pr_series_free(&s);
    pr_data_report_free(&r);
}

static void test_report_cap_and_format(void **state) {
    (void)state;
    pr_data_report r;
    pr_data_report_init(&r, 3);
    for (int i = 0; i < 10; i++)
        pr_data_report_add(&r, PR_ISSUE_PARSE, PR_SEV_ERROR, PR_ACTION_SKIPPED, 10 + i, -1, PR_TIME_NONE,
                           "bad \"row\" %d\t", i);
    assert_int_equal(r.n_issues, 3);
    assert_int_equal(r.issues_dropped, 7);
    assert_int_equal(r.count[PR_ISSUE_PARSE], 10);
    assert_int_equal(r.n_error, 10);
    pr_strlcpy(r.file, "x.csv", sizeof r.file);
    char *txt = NULL, *js = NULL;
    pr_err e;
    assert_int_equal(pr_data_report_format(&r, 0, &txt, &e), 0);
    assert_non_null(strstr(txt, "x.csv:10: error parse: bad \"row\" 0"));
    assert_non_null(strstr(txt, "... 7 more issues not listed"));
    assert_int_equal(pr_data_report_format(&r, 1, &js, &e), 0);
    json_error_t je;
    json_t *root = json_loads(js, 0, &je);
    if (!root) fail_msg("invalid JSON: %s in %s", je.text, js);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "counts"), "parse")), 10);
    assert_int_equal(json_array_size(json_object_get(root, "issues")), 3);
    assert_int_equal(json_integer_value(json_object_get(root, "issues_not_listed")), 7);
    json_t *first = json_array_get(json_object_get(root, "issues"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "message")), "bad \"row\" 0\t");
    assert_int_equal(json_integer_value(json_object_get(first, "line")), 10);
    assert_string_equal(json_string_value(json_object_get(first, "action")), "skipped");
    json_decref(root);
    free(txt);
    free(js);
    pr_data_report_free(&r);

    /* Text folds a run of the same finding on consecutive lines into one
     * range line: lines 20, 21, 22 identical -> "20-22 ... [3 rows skipped]";
     * line 24 (not consecutive) and line 25 (another message) stay apart.
     * JSON keeps all five. */
    pr_data_report_init(&r, 0);
    pr_strlcpy(r.file, "z.csv", sizeof r.file);
    for (long ln = 20; ln <= 22; ln++)
        pr_data_report_add(&r, PR_ISSUE_ALL_ZERO, PR_SEV_ERROR, PR_ACTION_SKIPPED, ln, -1, PR_TIME_NONE, "zeros");
    pr_data_report_add(&r, PR_ISSUE_ALL_ZERO, PR_SEV_ERROR, PR_ACTION_SKIPPED, 24, -1, PR_TIME_NONE, "zeros");
    pr_data_report_add(&r, PR_ISSUE_ALL_ZERO, PR_SEV_ERROR, PR_ACTION_SKIPPED, 25, -1, PR_TIME_NONE, "other");
    assert_int_equal(pr_data_report_format(&r, 0, &txt, &e), 0);
    assert_non_null(strstr(txt, "z.csv:20-22: error all-zero: zeros [3 rows skipped]\n"));
    assert_non_null(strstr(txt, "z.csv:24: error all-zero: zeros [row skipped]\n"));
    assert_non_null(strstr(txt, "z.csv:25: error all-zero: other [row skipped]\n"));
    assert_null(strstr(txt, "z.csv:21"));
    assert_int_equal(pr_data_report_format(&r, 1, &js, &e), 0);
    root = json_loads(js, 0, &je);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "issues")), 5);
    json_decref(root);
    free(txt);
    free(js);
    pr_data_report_free(&r);

    /* A real import's report, as JSON: BTCUSDT-1h's gap and zero-volume bar. */
    char p[512];
    pr_series s = {0};
    pr_data_report_init(&r, 0);
    pr_err_clear(&e);
    assert_int_equal(pr_import_csv_series(pr_test_path("data/sample/crypto/BTCUSDT-1h.csv", p, sizeof p), NULL, &s,
                                          &r, &e),
                     0);
    assert_int_equal(pr_data_report_format(&r, 1, &js, &e), 0);
    root = json_loads(js, 0, &je);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "ccxt");
    assert_string_equal(json_string_value(json_object_get(root, "timeframe")), "1h");
    assert_string_equal(json_string_value(json_object_get(root, "calendar")), "24x7");
    assert_string_equal(json_string_value(json_object_get(root, "first")), "2022-01-01T00:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(root, "gaps")), 1);
    assert_int_equal(json_integer_value(json_object_get(root, "rows_ok")), 29303);
    json_t *iss = json_object_get(root, "issues");
    int found_gap = 0;
    for (size_t i = 0; i < json_array_size(iss); i++) {
        json_t *it = json_array_get(iss, i);
        if (strcmp(json_string_value(json_object_get(it, "kind")), "gap")) continue;
        found_gap = 1;
        assert_string_equal(json_string_value(json_object_get(it, "ts")), "2023-03-24T13:00:00Z");
        assert_int_equal(json_integer_value(json_object_get(it, "missing")), 1);
    }
    assert_true(found_gap);
    json_decref(root);
    free(js);
    pr_series_free(&s);
    pr_data_report_free(&r);
    assert_string_equal(pr_issue_kind_name(PR_ISSUE_ALL_ZERO), "all-zero");
    assert_string_equal(pr_severity_name(PR_SEV_WARN), "warning");
}

/* The set of times a streamed import delivered (seen.c): runs on the grid
 * merge from either side, so a sorted or a reversed file is one run; stamps
 * off the grid are points; nothing else is "seen". */
static void test_seen_runs(void **state) {
    (void)state;
    dint_seen s;
    memset(&s, 0, sizeof s);
    s.step = H;
    for (int i = 9; i >= 0; i--) assert_int_equal(dint_seen_add(&s, T0 + i * H), 0); /* reversed */
    assert_int_equal(s.n_runs, 1);
    for (int i = 12; i < 15; i++) assert_int_equal(dint_seen_add(&s, T0 + i * H), 0); /* after a gap */
    assert_int_equal(s.n_runs, 2);
    assert_int_equal(dint_seen_add(&s, T0 + 11 * H), 0);
    assert_int_equal(dint_seen_add(&s, T0 + 10 * H), 0); /* fills the gap: one run 0..14 */
    assert_int_equal(s.n_runs, 1);
    assert_true(s.runs[0].lo == T0 && s.runs[0].hi == T0 + 14 * H);
    assert_int_equal(dint_seen_add(&s, T0 + 30 * 60000), 0); /* 00:30, off the grid */
    assert_int_equal(s.n_pts, 1);
    assert_true(dint_seen_has(&s, T0) && dint_seen_has(&s, T0 + 14 * H) && dint_seen_has(&s, T0 + 30 * 60000));
    assert_false(dint_seen_has(&s, T0 - H) || dint_seen_has(&s, T0 + 15 * H) || dint_seen_has(&s, T0 + 90 * 60000));
    assert_int_equal(dint_seen_add(&s, T0 + 5 * H), 0); /* already in: nothing changes */
    assert_int_equal(s.n_runs, 1);
    dint_seen_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_series),
        cmocka_unit_test(test_seen_runs),
        cmocka_unit_test(test_no_volume_and_grid),
        cmocka_unit_test(test_report_cap_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
