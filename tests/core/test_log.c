/* Tests for logging: human line layout, level filtering, JSON lines (parsed
 * back with jansson), structured events with merged fields, error records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "proratio/core.h"
#include "pr_test.h"

/* Reads the whole stream from the start. */
static char *slurp(FILE *f) {
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    return buf;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* "YYYY-MM-DDTHH:MM:SSZ" at s. */
static void assert_iso_seconds(const char *s) {
    const char *pat = "dddd-dd-ddTdd:dd:ddZ";
    for (size_t i = 0; pat[i]; i++) {
        if (pat[i] == 'd') assert_true(is_digit(s[i]));
        else assert_int_equal(s[i], pat[i]);
    }
}

static void test_human_lines(void **state) {
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    pr_log lg;
    pr_log_init(&lg, PR_LOG_INFO, f);
    int64_t before = pr_time_now_ms();
    pr_logf(&lg, PR_LOG_INFO, "data", "imported %d rows", 29303);
    pr_logf(&lg, PR_LOG_DEBUG, "data", "hidden");
    pr_logf(&lg, PR_LOG_WARN, "risk", "drawdown %.1f%%", 12.5);
    pr_logf(&lg, PR_LOG_ERROR, "live", "boom");
    pr_logf(NULL, PR_LOG_ERROR, "live", "no logger is fine");
    char *text = slurp(f);
    char *l1 = text, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    assert_iso_seconds(l1);
    assert_int_equal(strncmp(l1 + 20, " INFO  data: imported 29303 rows\n", 33), 0);
    assert_iso_seconds(l2);
    assert_int_equal(strncmp(l2 + 20, " WARN  risk: drawdown 12.5%\n", 28), 0);
    assert_int_equal(strncmp(l3 + 20, " ERROR live: boom\n", 18), 0);
    assert_null(strstr(text, "hidden"));
    /* The stamp is the wall clock, to the second. */
    int64_t t;
    assert_int_equal(pr_time_parse(l1, 20, &t, NULL), PR_OK);
    assert_true(t >= before - 1000 && t <= pr_time_now_ms());
    free(text);
    fclose(f);
}

static void test_levels(void **state) {
    (void)state;
    pr_log_level lv;
    assert_int_equal(pr_log_level_parse("debug", &lv), PR_OK);
    assert_int_equal(lv, PR_LOG_DEBUG);
    assert_int_equal(pr_log_level_parse("WARNING", &lv), PR_OK);
    assert_int_equal(lv, PR_LOG_WARN);
    assert_int_equal(pr_log_level_parse("off", &lv), PR_OK);
    assert_int_equal(lv, PR_LOG_OFF);
    assert_int_equal(pr_log_level_parse("loud", &lv), PR_EINVAL);
    FILE *f = tmpfile();
    pr_log lg;
    pr_log_init(&lg, PR_LOG_OFF, f);
    pr_logf(&lg, PR_LOG_ERROR, "x", "nothing at OFF");
    assert_int_equal(ftell(f), 0);
    fclose(f);
}

static json_t *read_json_lines(const char *path, size_t *n) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_t *arr = json_array();
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        if (!j) print_error("bad JSON line: %s (%s)\n", line, je.text);
        assert_non_null(j);
        json_array_append_new(arr, j);
    }
    fclose(f);
    *n = json_array_size(arr);
    return arr;
}

static void test_json_lines(void **state) {
    (void)state;
    char dir[256], path[512];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/log.jsonl", dir);
    pr_log lg;
    pr_log_init(&lg, PR_LOG_DEBUG, NULL);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_log_open_json(&lg, path, &e), PR_OK);
    pr_logf(&lg, PR_LOG_INFO, "data", "quote \" backslash \\ newline \n tab \t done");
    pr_log_event(&lg, PR_LOG_WARN, "engine", "order_filled",
                 "{\"symbol\":\"BTCUSDT\",\"qty\":0.5,\"level\":\"spoof\",\"tags\":[1,2]}");
    pr_log_event(&lg, PR_LOG_INFO, "engine", "heartbeat", NULL);
    pr_log_event(&lg, PR_LOG_INFO, "engine", "bad_fields", "{not json");
    pr_err_set(&e, PR_EHTTP, "too many requests");
    pr_err_at(&e, NULL, 0, 0, "klines");
    e.http_status = 429;
    pr_strlcpy(e.venue_code, "-1003", sizeof e.venue_code);
    pr_log_err(&lg, PR_LOG_ERROR, "live", &e);
    pr_log_close(&lg);
    assert_null(lg.json);

    size_t n;
    json_t *lines = read_json_lines(path, &n);
    assert_int_equal(n, 5);
    json_t *a = json_array_get(lines, 0);
    /* Keys in the documented order: ts, level, component, msg. */
    const char *order[] = {"ts", "level", "component", "msg"};
    const char *key;
    json_t *val;
    size_t k = 0;
    json_object_foreach(a, key, val) {
        assert_true(k < 4);
        assert_string_equal(key, order[k++]);
    }
    assert_string_equal(json_string_value(json_object_get(a, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(a, "component")), "data");
    assert_string_equal(json_string_value(json_object_get(a, "msg")),
                        "quote \" backslash \\ newline \n tab \t done");
    int64_t t;
    assert_int_equal(pr_time_parse(json_string_value(json_object_get(a, "ts")), (size_t)-1, &t, NULL), PR_OK);

    json_t *b = json_array_get(lines, 1);
    assert_string_equal(json_string_value(json_object_get(b, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(b, "event")), "order_filled");
    assert_string_equal(json_string_value(json_object_get(b, "symbol")), "BTCUSDT");
    assert_true(json_real_value(json_object_get(b, "qty")) == 0.5);
    assert_int_equal(json_array_size(json_object_get(b, "tags")), 2);

    json_t *c = json_array_get(lines, 2);
    assert_string_equal(json_string_value(json_object_get(c, "event")), "heartbeat");
    assert_int_equal(json_object_size(c), 4);

    json_t *d = json_array_get(lines, 3);
    assert_string_equal(json_string_value(json_object_get(d, "fields_raw")), "{not json");

    json_t *er = json_array_get(lines, 4);
    assert_string_equal(json_string_value(json_object_get(er, "level")), "error");
    assert_string_equal(json_string_value(json_object_get(er, "code")), "EHTTP");
    assert_int_equal(json_integer_value(json_object_get(er, "http_status")), 429);
    assert_string_equal(json_string_value(json_object_get(er, "venue_code")), "-1003");
    assert_string_equal(json_string_value(json_object_get(er, "msg")),
                        "klines: too many requests [HTTP 429] [venue code -1003]");
    json_decref(lines);
    unlink(path);
    rmdir(dir);
}

static void test_event_human(void **state) {
    (void)state;
    FILE *f = tmpfile();
    pr_log lg;
    pr_log_init(&lg, PR_LOG_INFO, f);
    pr_log_event(&lg, PR_LOG_INFO, "engine", "order_filled", "{\"symbol\":\"BTCUSDT\",\"qty\":0.5,\"note\":\"two words\"}");
    char *text = slurp(f);
    assert_string_equal(text + 20, " INFO  engine: order_filled symbol=BTCUSDT qty=0.5 note=\"two words\"\n");
    free(text);
    fclose(f);
}

static void test_open_json_error(void **state) {
    (void)state;
    pr_log lg;
    pr_log_init(&lg, PR_LOG_INFO, NULL);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_log_open_json(&lg, "/nonexistent-dir/x/log.jsonl", &e), PR_ENOTFOUND);
    assert_string_equal(e.file, "/nonexistent-dir/x/log.jsonl");
    assert_null(lg.json);
    pr_log_close(&lg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_human_lines), cmocka_unit_test(test_levels),
        cmocka_unit_test(test_json_lines),  cmocka_unit_test(test_event_human),
        cmocka_unit_test(test_open_json_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
