/* Tests for pr_json_dumps / pr_json_dumpf: on documents without reals the
 * text is byte for byte what jansson's own json_dumps writes (the outside
 * reference) for every layout flag; reals are the shortest text that reads
 * back, spelled as jansson spells reals (hand-written expectations). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"
#include "proratio/core/json_text.h"

static json_t *sample_doc(void) {
    json_error_t e;
    json_t *j = json_loads("{\"name\": \"a/b \\\"q\\\" \\\\ \\n\\t\\b\\f\\r \\u0001 \\u00e9 \\u20ac \\ud83d\\ude00\","
                           " \"zeta\": [1, -2, 9223372036854775807, true, false, null, [], {}, [[]]],"
                           " \"alpha\": {\"k\": \"</script>\", \"n\": {\"deep\": [{\"x\": 1}]}}, \"\": \"\"}",
                           0, &e);
    assert_non_null(j);
    return j;
}

static void test_same_text_as_jansson(void **state) {
    (void)state;
    json_t *j = sample_doc();
    const size_t flags[] = {0,
                            JSON_COMPACT,
                            JSON_INDENT(2),
                            JSON_INDENT(4) | JSON_SORT_KEYS,
                            JSON_COMPACT | JSON_SORT_KEYS,
                            JSON_COMPACT | JSON_ESCAPE_SLASH,
                            JSON_INDENT(2) | JSON_ENSURE_ASCII,
                            JSON_INDENT(31) | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH,
                            JSON_COMPACT | JSON_PRESERVE_ORDER};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char *want = json_dumps(j, flags[i]);
        char *got = pr_json_dumps(j, flags[i]);
        assert_non_null(want);
        assert_non_null(got);
        if (strcmp(got, want) != 0) fail_msg("flags %zx:\n got %s\nwant %s", flags[i], got, want);
        free(want);
        free(got);
    }
    /* A scalar needs JSON_ENCODE_ANY, as with jansson. */
    json_t *s = json_string("x");
    assert_null(pr_json_dumps(s, 0));
    char *t = pr_json_dumps(s, JSON_ENCODE_ANY);
    assert_string_equal(t, "\"x\"");
    free(t);
    json_decref(s);
    json_decref(j);
}

static void test_shortest_reals(void **state) {
    (void)state;
    /* Written out by hand: shortest decimal, ".0" on integral reals, no '+'
     * and no leading zeros in exponents (jansson's spelling). */
    const struct { double x; const char *s; } ex[] = {
        {0.1, "0.1"},         {47336.98, "47336.98"}, {100, "100.0"},     {-0.0, "-0.0"},
        {1e-5, "1e-5"},       {1.5e-7, "1.5e-7"},     {1e17, "1e17"},     {1.25e+300, "1.25e300"},
        {5e-324, "5e-324"},   {DBL_MAX, "1.7976931348623157e308"},        {0.1 + 0.2, "0.30000000000000004"},
        {7872.1046030923, "7872.1046030923"},
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        json_t *a = json_pack("[f]", ex[i].x);
        char *got = pr_json_dumps(a, JSON_COMPACT);
        char want[64];
        snprintf(want, sizeof want, "[%s]", ex[i].s);
        if (strcmp(got, want) != 0) fail_msg("%a: got %s, want %s", ex[i].x, got, want);
        /* It reads back (jansson's parser) as a real with the same bits. */
        json_t *back = json_loads(got, 0, NULL);
        assert_non_null(back);
        assert_true(json_is_real(json_array_get(back, 0)));
        double v = json_real_value(json_array_get(back, 0));
        assert_memory_equal(&v, &ex[i].x, sizeof v);
        json_decref(back);
        free(got);
        json_decref(a);
    }
    /* Random values in a document: each reads back exactly. */
    pr_rng r;
    pr_rng_seed(&r, 7);
    json_t *arr = json_array();
    double xs[2000];
    for (int i = 0; i < 2000; i++) {
        xs[i] = (pr_rng_uniform(&r) - 0.5) * pow(10, (int)(pr_rng_uniform(&r) * 40) - 20);
        json_array_append_new(arr, json_real(xs[i]));
    }
    char *txt = pr_json_dumps(arr, JSON_INDENT(2));
    json_t *back = json_loads(txt, 0, NULL);
    assert_non_null(back);
    for (int i = 0; i < 2000; i++) {
        double v = json_real_value(json_array_get(back, (size_t)i));
        assert_memory_equal(&v, &xs[i], sizeof v);
    }
    /* The FILE variant writes the same text. */
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_int_equal(pr_json_dumpf(arr, f, JSON_INDENT(2)), 0);
    fclose(f);
    assert_string_equal(mem, txt);
    free(mem);
    free(txt);
    json_decref(back);
    json_decref(arr);
}

/* A growing text for pr_jw. */
typedef struct text_buf {
    char b[1024];
    size_t n;
} text_buf;

static int to_text(void *ctx, const char *s, size_t n) {
    text_buf *t = ctx;
    if (t->n + n >= sizeof t->b) return -1;
    memcpy(t->b + t->n, s, n);
    t->n += n;
    t->b[t->n] = '\0';
    return 0;
}

/* pr_jw writes the text pr_json_dump_sink gives for the same tree: nesting,
 * commas, escapes (with and without JSON_ESCAPE_SLASH, in keys too), reals
 * in jansson's spelling, null for non-finite reals, the extreme integers.
 * Expected texts written out by hand. */
static void test_member_writer(void **state) {
    (void)state;
    for (int slash = 0; slash < 2; slash++) {
        text_buf t = {.n = 0};
        pr_jw j;
        pr_jw_init(&j, JSON_COMPACT | (slash ? JSON_ESCAPE_SLASH : 0), to_text, &t);
        pr_jw_open(&j, '{');
        pr_jw_key(&j, "a");
        pr_jw_open(&j, '[');
        pr_jw_int(&j, 1);
        pr_jw_int(&j, -2);
        pr_jw_int(&j, INT64_MIN);
        pr_jw_int(&j, INT64_MAX);
        pr_jw_close(&j, ']');
        pr_jw_key(&j, "s");
        pr_jw_str(&j, "x\"y\\/<\n\x01", 8);
        pr_jw_key(&j, "r");
        pr_jw_open(&j, '[');
        pr_jw_real(&j, 0.1);
        pr_jw_real(&j, 100);
        pr_jw_real(&j, 1e-5);
        pr_jw_real(&j, -1e17);
        pr_jw_real(&j, NAN);
        pr_jw_real(&j, INFINITY);
        pr_jw_close(&j, ']');
        pr_jw_key(&j, "o");
        pr_jw_open(&j, '{');
        pr_jw_close(&j, '}');
        pr_jw_key(&j, "e");
        pr_jw_open(&j, '[');
        pr_jw_open(&j, '{');
        pr_jw_key(&j, "k");
        pr_jw_lit(&j, "true");
        pr_jw_close(&j, '}');
        pr_jw_open(&j, '[');
        pr_jw_close(&j, ']');
        pr_jw_close(&j, ']');
        pr_jw_key(&j, "k/\"ey");
        pr_jw_lit(&j, "null");
        pr_jw_close(&j, '}');
        assert_false(j.bad);
        const char *want = slash
            ? "{\"a\":[1,-2,-9223372036854775808,9223372036854775807],\"s\":\"x\\\"y\\\\\\/<\\n\\u0001\","
              "\"r\":[0.1,100.0,1e-5,-1e17,null,null],\"o\":{},\"e\":[{\"k\":true},[]],\"k\\/\\\"ey\":null}"
            : "{\"a\":[1,-2,-9223372036854775808,9223372036854775807],\"s\":\"x\\\"y\\\\/<\\n\\u0001\","
              "\"r\":[0.1,100.0,1e-5,-1e17,null,null],\"o\":{},\"e\":[{\"k\":true},[]],\"k/\\\"ey\":null}";
        assert_string_equal(t.b, want);
    }
}

/* pr_jw_text: ASCII and valid UTF-8 ("\xc3\xa9" is U+00E9) as they are; a
 * text with a byte that is not UTF-8 (a lone 0xff, a truncated sequence)
 * has every byte >= 0x80 written as '?', its ASCII kept; only the n bytes
 * given are read. Expected texts written out by hand. */
static void test_member_writer_text(void **state) {
    (void)state;
    text_buf t = {.n = 0};
    pr_jw j;
    pr_jw_init(&j, JSON_COMPACT, to_text, &t);
    pr_jw_open(&j, '[');
    pr_jw_text(&j, "abc", 3);
    pr_jw_text(&j, "caf\xc3\xa9", 5);
    pr_jw_text(&j, "a\xff" "b\xc3\xa9", 5);
    pr_jw_text(&j, "x\xc3", 2);
    pr_jw_text(&j, "okXYZ", 2);
    pr_jw_text(&j, "", 0);
    pr_jw_close(&j, ']');
    assert_false(j.bad);
    assert_string_equal(t.b, "[\"abc\",\"caf\xc3\xa9\",\"a?b??\",\"x?\",\"ok\",\"\"]");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_as_jansson),
        cmocka_unit_test(test_shortest_reals),
        cmocka_unit_test(test_member_writer),
        cmocka_unit_test(test_member_writer_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
