/* Tests for JSON configuration: dotted paths, typed getters with range
 * messages that name the path, unknown-key detection with suggestions,
 * command-line overrides and file/line/column errors for malformed JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proratio/core.h"
#include "pr_test.h"

static const char *k_cfg =
    "{\n"
    "  \"strategy\": {\"name\": \"trend\", \"params\": {\"fast\": 12, \"slow\": 26}},\n"
    "  \"instruments\": [{\"symbol\": \"BTCUSDT\", \"venue\": \"binance\"}, {\"symbol\": \"ETHUSDT\"}],\n"
    "  \"risk\": {\"max_drawdown\": 0.2, \"risk_per_trade\": 1.5, \"max_drawdwn\": 0.3},\n"
    "  \"dry_run\": true,\n"
    "  \"fee\": null,\n"
    "  \"tags\": \"x\"\n"
    "}\n";

static pr_config *load_text(const char *text) {
    pr_config *c = NULL;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_config_parse(text, &c, &e), PR_OK);
    assert_non_null(c);
    return c;
}

static void test_paths_and_getters(void **state) {
    (void)state;
    pr_config *c = load_text(k_cfg);
    pr_err e;
    pr_err_clear(&e);
    double d;
    long l;
    int b;
    char s[32];
    assert_int_equal(pr_config_number(c, "risk.max_drawdown", 0.5, 0, 1, 1, &d, &e), PR_OK);
    assert_true(d == 0.2);
    /* Absent (and null) -> default. */
    assert_int_equal(pr_config_number(c, "risk.nothing", 0.25, 0, 1, 1, &d, &e), PR_OK);
    assert_true(d == 0.25);
    assert_int_equal(pr_config_number(c, "fee", 0.001, 0, 1, 0, &d, &e), PR_OK);
    assert_true(d == 0.001);
    assert_false(pr_config_has(c, "fee"));
    assert_true(pr_config_has(c, "risk"));
    assert_true(pr_config_has(c, "instruments.1.symbol"));
    assert_false(pr_config_has(c, "instruments.2.symbol"));
    assert_false(pr_config_has(c, "instruments.x"));
    assert_int_equal(pr_config_int(c, "strategy.params.fast", 9, 1, 1000, &l, &e), PR_OK);
    assert_int_equal(l, 12);
    assert_int_equal(pr_config_bool(c, "dry_run", 0, &b, &e), PR_OK);
    assert_int_equal(b, 1);
    assert_int_equal(pr_config_bool(c, "live", 0, &b, &e), PR_OK);
    assert_int_equal(b, 0);
    assert_int_equal(pr_config_string(c, "instruments.0.symbol", NULL, s, sizeof s, &e), PR_OK);
    assert_string_equal(s, "BTCUSDT");
    assert_int_equal(pr_config_string(c, "instruments.1.venue", "binance", s, sizeof s, &e), PR_OK);
    assert_string_equal(s, "binance");
    assert_int_equal(pr_config_string(c, "instruments.1.venue", NULL, s, sizeof s, &e), PR_OK);
    assert_string_equal(s, "");
    size_t n;
    assert_int_equal(pr_config_array_len(c, "instruments", &n, &e), PR_OK);
    assert_int_equal(n, 2);
    assert_int_equal(pr_config_array_len(c, "missing", &n, &e), PR_OK);
    assert_int_equal(n, 0);
    static const char *const names[] = {"trend", "mean_reversion", "grid", NULL};
    int idx = -1;
    assert_int_equal(pr_config_enum(c, "strategy.name", NULL, names, &idx, &e), PR_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(pr_config_enum(c, "strategy.kind", "grid", names, &idx, &e), PR_OK);
    assert_int_equal(idx, 2);
    assert_non_null(pr_config_json(c));
    pr_config_free(c);
}

static void test_error_messages(void **state) {
    (void)state;
    pr_config *c = load_text(
        "{\"risk\": {\"max_drawdown\": 1.5, \"zero\": 0, \"lev\": \"high\", \"n\": 2.5, \"big\": 500},"
        " \"dry_run\": \"yes\", \"strategy\": {\"name\": \"trnd\"}, \"list\": {}, \"sym\": 5}");
    pr_err e;
    double d = -1;
    long l;
    int b;
    char s[8];

    pr_err_clear(&e);
    assert_int_equal(pr_config_number(c, "risk.max_drawdown", 0.2, 0, 1, 1, &d, &e), PR_EINVAL);
    assert_true(d == -1); /* untouched on error */
    assert_string_equal(e.field, "risk.max_drawdown");
    assert_non_null(strstr(e.msg, "risk.max_drawdown: expected a number in (0,1)"));
    assert_non_null(strstr(e.msg, "1.5"));
    /* Open interval excludes the bound; closed includes it. */
    pr_err_clear(&e);
    assert_int_equal(pr_config_number(c, "risk.zero", 0.2, 0, 1, 1, &d, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.zero: expected a number in (0,1)"));
    assert_int_equal(pr_config_number(c, "risk.zero", 0.2, 0, 1, 0, &d, &e), PR_OK);
    assert_true(d == 0.0);
    pr_err_clear(&e);
    assert_int_equal(pr_config_number(c, "risk.lev", 1, 1, 10, 0, &d, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.lev: expected a number in [1,10]"));
    assert_non_null(strstr(e.msg, "\"high\""));
    /* One-sided and unbounded ranges. */
    pr_err_clear(&e);
    assert_int_equal(pr_config_number(c, "risk.lev", 1, 0, INFINITY, 1, &d, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.lev: expected a number > 0"));
    pr_err_clear(&e);
    assert_int_equal(pr_config_number(c, "risk.lev", 1, -INFINITY, INFINITY, 0, &d, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.lev: expected a number, got"));
    /* Integers. */
    pr_err_clear(&e);
    assert_int_equal(pr_config_int(c, "risk.n", 1, 1, 100, &l, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.n: expected an integer in [1,100]"));
    pr_err_clear(&e);
    assert_int_equal(pr_config_int(c, "risk.big", 1, 1, 100, &l, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "risk.big: expected an integer in [1,100], got 500"));
    assert_int_equal(pr_config_int(c, "risk.big", 1, 1, LONG_MAX, &l, &e), PR_OK);
    assert_int_equal(l, 500);
    /* Booleans, strings, arrays, objects. */
    pr_err_clear(&e);
    assert_int_equal(pr_config_bool(c, "dry_run", 0, &b, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "dry_run: expected true or false"));
    assert_string_equal(e.field, "dry_run");
    pr_err_clear(&e);
    assert_int_equal(pr_config_string(c, "sym", NULL, s, sizeof s, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "sym: expected a string, got 5"));
    pr_err_clear(&e);
    assert_int_equal(pr_config_string(c, "strategy.name", NULL, s, 4, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "strategy.name: string too long"));
    pr_err_clear(&e);
    size_t n;
    assert_int_equal(pr_config_array_len(c, "list", &n, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "list: expected an array, got an object"));
    /* Enum: lists the choices and suggests the near miss. */
    static const char *const names[] = {"trend", "mean_reversion", "grid", NULL};
    int idx;
    pr_err_clear(&e);
    assert_int_equal(pr_config_enum(c, "strategy.name", NULL, names, &idx, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "strategy.name: expected one of \"trend\", \"mean_reversion\", \"grid\""));
    assert_non_null(strstr(e.msg, "did you mean \"trend\""));
    pr_err_clear(&e);
    assert_int_equal(pr_config_enum(c, "strategy.kind", NULL, names, &idx, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "strategy.kind: missing"));
    /* The formatted line shows the path once. */
    char line[600];
    pr_err_clear(&e);
    pr_config_number(c, "risk.max_drawdown", 0.2, 0, 1, 1, &d, &e);
    pr_err_format(&e, line, sizeof line);
    assert_int_equal(strncmp(line, "risk.max_drawdown: expected a number in (0,1)", 45), 0);
    pr_config_free(c);
}

static void test_check_keys(void **state) {
    (void)state;
    pr_config *c = load_text(k_cfg);
    pr_err e;
    pr_err_clear(&e);
    static const char *const risk_keys[] = {"max_drawdown", "risk_per_trade", NULL};
    assert_int_equal(pr_config_check_keys(c, "risk", risk_keys, &e), PR_EINVAL);
    assert_string_equal(e.field, "risk.max_drawdwn");
    assert_non_null(strstr(e.msg, "risk.max_drawdwn: unknown key"));
    assert_non_null(strstr(e.msg, "did you mean \"max_drawdown\""));
    static const char *const top[] = {"strategy", "instruments", "risk", "dry_run", "fee", NULL};
    pr_err_clear(&e);
    assert_int_equal(pr_config_check_keys(c, "", top, &e), PR_EINVAL);
    assert_string_equal(e.field, "tags");
    assert_non_null(strstr(e.msg, "tags: unknown key"));
    assert_null(strstr(e.msg, "did you mean")); /* nothing close */
    /* Inside an array element. */
    static const char *const inst[] = {"symbol", "venu", NULL};
    pr_err_clear(&e);
    assert_int_equal(pr_config_check_keys(c, "instruments.0", inst, &e), PR_EINVAL);
    assert_string_equal(e.field, "instruments.0.venue");
    assert_non_null(strstr(e.msg, "did you mean \"venu\""));
    static const char *const params[] = {"fast", "slow", NULL};
    assert_int_equal(pr_config_check_keys(c, "strategy.params", params, &e), PR_OK);
    assert_int_equal(pr_config_check_keys(c, "absent", params, &e), PR_OK);
    pr_err_clear(&e);
    assert_int_equal(pr_config_check_keys(c, "dry_run", params, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "dry_run: expected an object"));
    pr_config_free(c);
}

static void test_set(void **state) {
    (void)state;
    pr_config *c = load_text(k_cfg);
    pr_err e;
    pr_err_clear(&e);
    double d;
    long l;
    int b;
    char s[32];
    assert_int_equal(pr_config_set(c, "risk.max_drawdown", "0.1", &e), PR_OK);
    pr_config_number(c, "risk.max_drawdown", 0.5, 0, 1, 1, &d, &e);
    assert_true(d == 0.1);
    assert_int_equal(pr_config_set(c, "strategy.params.fast", "7", &e), PR_OK);
    pr_config_int(c, "strategy.params.fast", 0, 0, 100, &l, &e);
    assert_int_equal(l, 7);
    assert_int_equal(pr_config_set(c, "dry_run", "false", &e), PR_OK);
    pr_config_bool(c, "dry_run", 1, &b, &e);
    assert_int_equal(b, 0);
    /* Not valid JSON -> kept as a string. */
    assert_int_equal(pr_config_set(c, "strategy.name", "mean_reversion", &e), PR_OK);
    pr_config_string(c, "strategy.name", NULL, s, sizeof s, &e);
    assert_string_equal(s, "mean_reversion");
    /* Creates intermediate objects, including over a null. */
    assert_int_equal(pr_config_set(c, "output.report.path", "out/report.html", &e), PR_OK);
    pr_config_string(c, "output.report.path", NULL, s, sizeof s, &e);
    assert_string_equal(s, "out/report.html");
    assert_int_equal(pr_config_set(c, "fee.taker", "0.001", &e), PR_OK);
    pr_config_number(c, "fee.taker", 0, 0, 1, 0, &d, &e);
    assert_true(d == 0.001);
    /* Array elements by index; index == size appends. */
    assert_int_equal(pr_config_set(c, "instruments.1.symbol", "SOLUSDT", &e), PR_OK);
    pr_config_string(c, "instruments.1.symbol", NULL, s, sizeof s, &e);
    assert_string_equal(s, "SOLUSDT");
    assert_int_equal(pr_config_set(c, "instruments.2", "{\"symbol\":\"BNBUSDT\"}", &e), PR_OK);
    pr_config_string(c, "instruments.2.symbol", NULL, s, sizeof s, &e);
    assert_string_equal(s, "BNBUSDT");
    pr_err_clear(&e);
    assert_int_equal(pr_config_set(c, "instruments.9.symbol", "X", &e), PR_EINVAL);
    assert_string_equal(e.field, "instruments.9.symbol");
    pr_err_clear(&e);
    assert_int_equal(pr_config_set(c, "dry_run.x", "1", &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "dry_run.x: cannot set \"x\" inside a boolean"));
    assert_int_equal(pr_config_set(c, "a..b", "1", &e), PR_EINVAL);
    assert_int_equal(pr_config_set(c, "", "1", &e), PR_EINVAL);
    pr_config_free(c);
}

static void test_load_errors(void **state) {
    (void)state;
    char dir[256], path[512];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* The stray ',' is on line 3, column 8 ("  \"b\": ," -> 2 spaces, "b" in
     * quotes = 3 chars, ':' and a space, then ','). */
    fputs("{\n  \"a\": 1,\n  \"b\": ,\n}\n", f);
    fclose(f);
    pr_config *c = NULL;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_config_load(path, &c, &e), PR_EPARSE);
    assert_null(c);
    assert_string_equal(e.file, path);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 8);
    char line[800], want[600];
    pr_err_format(&e, line, sizeof line);
    snprintf(want, sizeof want, "%s:3:8: ", path);
    assert_int_equal(strncmp(line, want, strlen(want)), 0);

    /* Duplicate keys are rejected (the later one would silently win). */
    f = fopen(path, "w");
    fputs("{\"a\": 1, \"a\": 2}", f);
    fclose(f);
    pr_err_clear(&e);
    assert_int_equal(pr_config_load(path, &c, &e), PR_EPARSE);
    assert_non_null(strstr(e.msg, "duplicate"));

    /* Top level must be an object. */
    f = fopen(path, "w");
    fputs("[1, 2]", f);
    fclose(f);
    pr_err_clear(&e);
    assert_int_equal(pr_config_load(path, &c, &e), PR_EPARSE);

    /* A good file loads. */
    f = fopen(path, "w");
    fputs(k_cfg, f);
    fclose(f);
    pr_err_clear(&e);
    assert_int_equal(pr_config_load(path, &c, &e), PR_OK);
    assert_true(pr_config_has(c, "strategy.params.slow"));
    pr_config_free(c);
    unlink(path);

    pr_err_clear(&e);
    assert_int_equal(pr_config_load(path, &c, &e), PR_ENOTFOUND);
    assert_string_equal(e.file, path);
    rmdir(dir);

    /* Parse from text reports line and column too. */
    pr_err_clear(&e);
    assert_int_equal(pr_config_parse("{\"a\": tru}", &c, &e), PR_EPARSE);
    assert_int_equal(e.line, 1);
    assert_true(e.column > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_and_getters),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_check_keys),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
