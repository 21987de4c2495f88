/* Tests for .env loading: permission policy (refuse group/other access),
 * syntax (export, quotes, comments, CRLF), no overriding, and that values
 * never appear in error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proratio/core.h"
#include "pr_test.h"

static char g_dir[256];
static char g_path[512];

static void write_env(const char *text, mode_t mode) {
    FILE *f = fopen(g_path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(g_path, mode), 0);
}

static int setup(void **state) {
    (void)state;
    if (!pr_test_tmpdir(g_dir, sizeof g_dir)) return -1;
    snprintf(g_path, sizeof g_path, "%s/.env", g_dir);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(g_path);
    rmdir(g_dir);
    return 0;
}

static void test_syntax(void **state) {
    (void)state;
    unsetenv("PRT_A");
    unsetenv("PRT_B");
    unsetenv("PRT_C");
    unsetenv("PRT_D");
    unsetenv("PRT_E");
    unsetenv("PRT_F");
    unsetenv("PRT_G");
    unsetenv("PRT_EMPTY");
    setenv("PRT_KEEP", "from-environment", 1);
    write_env("# Binance keys\n"
              "\n"
              "PRT_A=plain\n"
              "export PRT_B=exported\n"
              "PRT_C=\"double quoted # not a comment\"\n"
              "PRT_D='single $quoted'\n"
              "PRT_E=value # trailing comment\r\n"
              "  PRT_F = spaced  \n"
              "PRT_G=\"esc \\\"q\\\" \\\\ \\n\"\n"
              "PRT_EMPTY=\n"
              "PRT_KEEP=from-file\n",
              0600);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_env_load(g_path, &e), PR_OK);
    assert_string_equal(getenv("PRT_A"), "plain");
    assert_string_equal(getenv("PRT_B"), "exported");
    assert_string_equal(getenv("PRT_C"), "double quoted # not a comment");
    assert_string_equal(getenv("PRT_D"), "single $quoted");
    assert_string_equal(getenv("PRT_E"), "value");
    assert_string_equal(getenv("PRT_F"), "spaced");
    assert_string_equal(getenv("PRT_G"), "esc \"q\" \\ \n");
    assert_string_equal(getenv("PRT_EMPTY"), "");
    /* Variables already set win over the file. */
    assert_string_equal(getenv("PRT_KEEP"), "from-environment");
}

static void test_permissions(void **state) {
    (void)state;
    write_env("PRT_SECRET=hunter2-very-secret\n", 0644);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_env_load(g_path, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, g_path));
    assert_non_null(strstr(e.msg, "chmod 600"));
    assert_null(strstr(e.msg, "hunter2"));
    assert_null(getenv("PRT_SECRET"));
    /* Group-readable alone is refused too, and so is world-writable. */
    write_env("PRT_SECRET=hunter2-very-secret\n", 0640);
    assert_int_equal(pr_env_load(g_path, &e), PR_EINVAL);
    write_env("PRT_SECRET=hunter2-very-secret\n", 0602);
    assert_int_equal(pr_env_load(g_path, &e), PR_EINVAL);
    /* Owner-only read is fine. */
    write_env("PRT_SECRET=hunter2-very-secret\n", 0400);
    assert_int_equal(pr_env_load(g_path, &e), PR_OK);
    assert_string_equal(getenv("PRT_SECRET"), "hunter2-very-secret");
    unsetenv("PRT_SECRET");
    chmod(g_path, 0600);
}

static void test_errors_hide_values(void **state) {
    (void)state;
    write_env("PRT_OK=1\nthis line has the secret sk-live-123 but no equals\n", 0600);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_env_load(g_path, &e), PR_EPARSE);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.file, g_path);
    assert_null(strstr(e.msg, "sk-live"));
    char line[1024];
    pr_err_format(&e, line, sizeof line);
    assert_null(strstr(line, "sk-live"));
    write_env("PRT_Q=\"sk-live-456 unterminated\n", 0600);
    pr_err_clear(&e);
    assert_int_equal(pr_env_load(g_path, &e), PR_EPARSE);
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.msg, "unterminated"));
    assert_null(strstr(e.msg, "sk-live"));
    write_env("1BAD=x\n", 0600);
    assert_int_equal(pr_env_load(g_path, &e), PR_EPARSE);
}

static void test_missing(void **state) {
    (void)state;
    char p[600];
    snprintf(p, sizeof p, "%s/does-not-exist.env", g_dir);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_env_load(p, &e), PR_ENOTFOUND);
    assert_string_equal(e.file, p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_errors_hide_values),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
