/* Tests of the importer's field parsers: the fast decimal parser must give
 * bit-for-bit the double that the C library's strtod gives (the outside
 * reference), and the time parser must turn each vendor layout into the UTC
 * instant computed independently (Python's datetime, values written out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/data_internal.h"
#include "pr_test.h"

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void check_vs_strtod(const char *s) {
    double want = strtod(s, NULL), got = -12345.0;
    if (!dint_parse_double(s, strlen(s), &got)) fail_msg("rejected '%s'", s);
    if (!(isnan(want) && isnan(got)) && !same_bits(want, got))
        fail_msg("'%s': got %.17g, strtod %.17g", s, got, want);
}

static void test_double_known(void **state) {
    (void)state;
    static const char *const cases[] = {
        "0", "0.0", "-0", "-0.0", "1", "0.1", "0.3", "1.306600", "46216.93", "1503.33095", "0.00004855",
        "-0.00012232", "1e3", "1E-5", "2.5e+2", "12345678901234567", "9007199254740992", "9007199254740993",
        "123456789012345678901234", "0.000000000000000000000000000001", "1e22", "1e23", "1.7976931348623157e308",
        "2.2250738585072014e-308", "4.9e-324", "1e-400", "1e400", "3.14159265358979323846", "  42.5 ", "+7",
        ".5", "5.", "nan", "NaN", "inf", "-inf", "Infinity", "0.1000000000000000055511151231257827",
        "89255.0e-22", "7.038531e-26", "8.5e-15",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_vs_strtod(cases[i]);
    double d;
    static const char *const bad[] = {"", " ", "null", "abc", "1.2.3", "1e", "1e+", "0x10", "1,5", "--1", "1 2", "-", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dint_parse_double(bad[i], strlen(bad[i]), &d)) fail_msg("accepted '%s'", bad[i]);
    /* Bounded fields: the parser must not read past n. */
    assert_true(dint_parse_double("12.5,99", 4, &d));
    assert_true(d == 12.5);
}

/* Random decimals of every shape, compared with strtod. */
static void test_double_random(void **state) {
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char s[64];
    for (int it = 0; it < 300000; it++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int nd = 1 + (int)(x % 22), dot = (int)((x >> 8) % (uint64_t)(nd + 1));
        size_t k = 0;
        if ((x >> 16) & 1) s[k++] = '-';
        uint64_t y = x;
        for (int i = 0; i < nd; i++) {
            if (i == dot && i > 0) s[k++] = '.';
            y = y * 6364136223846793005ull + 1442695040888963407ull;
            s[k++] = (char)('0' + (y >> 60) % 10);
        }
        if ((x >> 20) % 4 == 0) k += (size_t)snprintf(s + k, sizeof s - k, "e%d", (int)((x >> 24) % 80) - 40);
        s[k] = 0;
        check_vs_strtod(s);
    }
}

static void test_int64(void **state) {
    (void)state;
    int64_t v;
    assert_true(dint_parse_int64("1640995200000", 13, &v));
    assert_true(v == INT64_C(1640995200000));
    assert_true(dint_parse_int64("-42", 3, &v));
    assert_true(v == -42);
    assert_true(dint_parse_int64("9223372036854775807", 19, &v));
    assert_true(v == INT64_MAX);
    assert_false(dint_parse_int64("9223372036854775808", 19, &v));
    assert_false(dint_parse_int64("12a", 3, &v));
    assert_false(dint_parse_int64("", 0, &v));
}

typedef struct tcase {
    const char *s, *s2, *pattern;
    pr_time_unit unit;
    int tz;
    int64_t want;
    pr_time_unit unit_used;
} tcase;

static void test_time_layouts(void **state) {
    (void)state;
    /* Expected instants from Python: datetime(..., tzinfo=timezone.utc).timestamp() * 1000. */
    static const tcase cases[] = {
        {"2022-01-01 00:00:00", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_AUTO},
        {"2022-01-01T00:00:00Z", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_AUTO},
        {"2021-03-30T15:00:00+07:00", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1617091200000), PR_TU_AUTO},
        /* An explicit offset wins over the file's default offset. */
        {"2021-03-30T15:00:00+07:00", NULL, NULL, PR_TU_AUTO, -300, INT64_C(1617091200000), PR_TU_AUTO},
        {"2024-07-20 00:00:00.001000", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1721433600001), PR_TU_AUTO},
        {"2024-03-26 13:30:00+00:00", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1711459800000), PR_TU_AUTO},
        {"20120201 000000", NULL, NULL, PR_TU_AUTO, -300, INT64_C(1328072400000), PR_TU_AUTO},
        {"2012.02.01", "00:00", NULL, PR_TU_AUTO, 0, INT64_C(1328054400000), PR_TU_AUTO},
        {"2012.02.01", "00:00:00", NULL, PR_TU_AUTO, 0, INT64_C(1328054400000), PR_TU_AUTO},
        {"2000-01-03", NULL, NULL, PR_TU_AUTO, 0, INT64_C(946857600000), PR_TU_AUTO},
        {"1999-12-31 23:59:59", NULL, NULL, PR_TU_AUTO, 0, INT64_C(946684799000), PR_TU_AUTO},
        {"2016-02-29 12:00", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1456747200000), PR_TU_AUTO},
        {"1640995200", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_S},
        {"1640995200000", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_MS},
        {"1640995200000000", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_US},
        {"1640995200000000000", NULL, NULL, PR_TU_AUTO, 0, INT64_C(1640995200000), PR_TU_NS},
        {"1640995200", NULL, NULL, PR_TU_MS, 0, INT64_C(1640995200), PR_TU_MS},
        {"-86400", NULL, NULL, PR_TU_S, 0, INT64_C(-86400000), PR_TU_S},
        {"01/02/2012 09:00", NULL, "%d/%m/%Y %H:%M", PR_TU_AUTO, 0, INT64_C(1328086800000), PR_TU_AUTO},
        {"Feb 1, 2012 9:00 PM", NULL, "%b %d, %Y %I:%M %p", PR_TU_AUTO, 0, INT64_C(1328130000000), PR_TU_AUTO},
        {"2012-02-01 16:00 -05:00", NULL, "%Y-%m-%d %H:%M %z", PR_TU_AUTO, 0, INT64_C(1328130000000), PR_TU_AUTO},
        {"01/02/2012", "09:00", "%d/%m/%Y %H:%M", PR_TU_AUTO, 0, INT64_C(1328086800000), PR_TU_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const tcase *c = &cases[i];
        dint_time_spec sp = {c->unit, c->pattern, c->tz};
        int64_t got = 0;
        pr_time_unit u;
        const char *why = NULL;
        if (!dint_parse_time(c->s, strlen(c->s), c->s2, c->s2 ? strlen(c->s2) : 0, &sp, &got, &u, &why))
            fail_msg("case %zu '%s' rejected: %s", i, c->s, why);
        if (got != c->want) fail_msg("case %zu '%s': got %lld want %lld", i, c->s, (long long)got, (long long)c->want);
        assert_int_equal(u, c->unit_used);
    }
}

static void test_time_rejects(void **state) {
    (void)state;
    static const char *const bad[] = {"2022-13-01 00:00:00", "2022-02-30", "2022-01-01 24:00:00", "yesterday",
                                      "2022-01-01 00:00:00 junk", "", "2022-01-01T00:00:00+25:00", "2022/01-01",
                                      "2022-01-01 00:61:00"};
    dint_time_spec sp = {PR_TU_AUTO, NULL, 0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        pr_time_unit u;
        const char *why = NULL;
        if (dint_parse_time(bad[i], strlen(bad[i]), NULL, 0, &sp, &t, &u, &why)) fail_msg("accepted '%s'", bad[i]);
        assert_non_null(why);
    }
    dint_time_spec pat = {PR_TU_AUTO, "%d/%m/%Y", 0};
    int64_t t;
    pr_time_unit u;
    const char *why;
    assert_false(dint_parse_time("2012-02-01", 10, NULL, 0, &pat, &t, &u, &why));
}

static void test_split(void **state) {
    (void)state;
    dint_field f[8];
    const char *bad;
    const char *l1 = "a,\"b,c\",,\"d\"\"e\" ,f";
    size_t n = dint_split(l1, strlen(l1), ',', f, 8, &bad);
    assert_null(bad);
    assert_int_equal(n, 5);
    assert_int_equal(f[1].n, 3);
    assert_memory_equal(f[1].p, "b,c", 3);
    assert_int_equal(f[2].n, 0);
    assert_memory_equal(f[3].p, "d\"\"e", 4);
    const char *l2 = "x,y,";
    assert_int_equal(dint_split(l2, strlen(l2), ',', f, 8, &bad), 3);
    assert_int_equal(f[2].n, 0);
    const char *l3 = "\"open";
    dint_split(l3, strlen(l3), ',', f, 8, &bad);
    assert_non_null(bad);
    /* More fields than the array holds are still counted. */
    const char *l4 = "1,2,3,4,5,6,7,8,9,10";
    assert_int_equal(dint_split(l4, strlen(l4), ',', f, 8, &bad), 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_known), cmocka_unit_test(test_double_random), cmocka_unit_test(test_int64),
        cmocka_unit_test(test_time_layouts), cmocka_unit_test(test_time_rejects),  cmocka_unit_test(test_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
