/* Tests for the name helpers: which venue/symbol names are accepted (the
 * documented set: printable UTF-8 without spaces, quotes, backslash, ':' or
 * control characters), how untrusted text is escaped for terminals and JSON,
 * and the "did you mean" suggestion. Expected strings are written out by
 * hand from the UTF-8 and escaping rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proratio/core.h"

static void test_name_check(void **state) {
    (void)state;
    pr_err e;
    static const char *const good[] = {"BTCUSDT", "BTC/USDT", "BRK.B", "1000PEPEUSDT", "BTC-USD", "^GSPC",
                                       "\xc3\x84KTIE" /* ÄKTIE */, "\xe6\x97\xa5\xe7\xb5\x8c" /* 日経 */, NULL};
    for (int i = 0; good[i]; i++) {
        pr_err_clear(&e);
        if (pr_name_check("symbol", good[i], &e) != PR_OK) fail_msg("rejected %s: %s", good[i], e.msg);
    }
    static const char *const badn[] = {
        "",                 /* empty */
        "v\xff",            /* not UTF-8 */
        "a b", "a\tb", "a\nb", "a\rb", "a\x1b[2Jb", "a\x7f",
        "a\"b", "a'b", "a\\b", "a:b",
        "a\xc2\x85",        /* U+0085 NEL, a C1 control */
        "a\xc2\xa0",        /* U+00A0 no-break space */
        "a\xe2\x80\xa8",    /* U+2028 line separator */
        "\xc0\xaf",         /* overlong '/' */
        "\xed\xa0\x80",     /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xe6\x97",         /* truncated sequence */
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456", /* 32 bytes: one too many */
        NULL};
    for (int i = 0; badn[i]; i++) {
        pr_err_clear(&e);
        if (pr_name_check("--venue", badn[i], &e) != PR_EINVAL) fail_msg("accepted bad name #%d", i);
        assert_non_null(strstr(e.msg, "--venue"));
    }
    /* The message quotes the name escaped, never raw. */
    pr_err_clear(&e);
    assert_int_equal(pr_name_check("--venue", "v\x1b[31m", &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "\"v\\x1B[31m\""));
    assert_null(strchr(e.msg, 0x1b));
}

static void test_escape_text(void **state) {
    (void)state;
    char b[64];
    assert_string_equal(pr_escape_text("plain", 0, b, sizeof b), "plain");
    assert_string_equal(pr_escape_text("a\x1b[2Jb", 0, b, sizeof b), "a\\x1B[2Jb");
    assert_string_equal(pr_escape_text("v\xff\xfe", 0, b, sizeof b), "v\\xFF\\xFE");
    /* U+0085 (C2 85) is a control character: both bytes escaped. */
    assert_string_equal(pr_escape_text("a\xc2\x85z", 0, b, sizeof b), "a\\xC2\\x85z");
    /* Printable UTF-8 is kept. */
    assert_string_equal(pr_escape_text("\xc3\xa9t\xc3\xa9", 0, b, sizeof b), "\xc3\xa9t\xc3\xa9");
    /* Newlines: escaped unless asked to keep them. */
    assert_string_equal(pr_escape_text("a\nb\tc", 0, b, sizeof b), "a\\x0Ab\\x09c");
    assert_string_equal(pr_escape_text("a\nb\tc", PR_ESC_NEWLINES, b, sizeof b), "a\nb\tc");
    /* Backslashes doubled only for names. */
    assert_string_equal(pr_escape_text("a\\b", 0, b, sizeof b), "a\\b");
    assert_string_equal(pr_escape_text("a\\b", PR_ESC_BACKSLASH, b, sizeof b), "a\\\\b");
    /* Cut at a whole escape / character: "ab\xFF" needs 6 bytes + NUL. */
    char s[6];
    assert_string_equal(pr_escape_text("ab\xff", 0, s, sizeof s), "ab");
    char t[4];
    assert_string_equal(pr_escape_text("a\xc3\xa9", 0, t, sizeof t), "a\xc3\xa9");
    assert_string_equal(pr_escape_text("ab\xc3\xa9", 0, t, sizeof t), "ab");
}

static void test_suggest_name(void **state) {
    (void)state;
    static const char *const ds[] = {"local:BTCUSDT:1h", "local:ETHUSDT:1h", "local:KO:1d", NULL};
    /* One substitution (D for DT), one adjacent swap (TD for DT). */
    assert_string_equal(pr_suggest_name("local:BTCUSD:1h", ds), "local:BTCUSDT:1h");
    assert_string_equal(pr_suggest_name("local:BTCUSTD:1h", ds), "local:BTCUSDT:1h");
    assert_string_equal(pr_suggest_name("local:KO:1h", ds), "local:KO:1d");
    /* Too far from everything: no guess. */
    assert_null(pr_suggest_name("local:SOLUSDT:15m", ds));
    static const char *const keys[] = {"max_drawdown", "risk", NULL};
    assert_string_equal(pr_suggest_name("max_drawdwn", keys), "max_drawdown");
    assert_null(pr_suggest_name("x", keys));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_check),
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_suggest_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
