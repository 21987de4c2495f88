/* Tests of the run logs (engine/runlog.h): executions and summary lines carry
 * the documented keys in the documented order, doubles read back to the same
 * double, non-finite values become null, and nothing else varies between
 * two identical runs. Expected values are the inputs themselves (the log
 * must reproduce them), written out here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "pr_test.h"
#include "proratio/engine.h"

/* Reads line `n` (0-based) of dir/name as a JSON object. */
static json_t *read_line(const char *dir, const char *name, int n) {
    char path[512], buf[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_t *o = NULL;
    for (int i = 0; fgets(buf, sizeof buf, f); i++) {
        if (i != n) continue;
        json_error_t je;
        o = json_loads(buf, 0, &je);
        if (!o) fail_msg("%s line %d: %s", name, n, je.text);
        break;
    }
    fclose(f);
    return o;
}

static void expect_keys(json_t *o, const char *const *keys) {
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v) {
        (void)v;
        assert_non_null(keys[i]);
        assert_string_equal(k, keys[i]);
        i++;
    }
    assert_null(keys[i]);
}

static void test_fill_and_summary(void **state) {
    (void)state;
    char dir[256];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    pr_runlog *rl = NULL;
    pr_err err;
    assert_int_equal(pr_runlog_open(dir, &rl, &err), 0);

    int64_t t1;
    pr_time_make(2024, 1, 1, 1, 0, 0, &t1);
    /* 0.1 + 0.2 is not 0.3: the log must keep it to the last bit. */
    pr_fill f = {.order_id = 7, .instrument = 0, .side = -1, .role = PR_ROLE_STOP, .maker = 0, .ts = t1,
                 .qty = 2, .price = 0.1 + 0.2, .ref_price = 100.5, .fee = 0.25, .spread_cost = 0,
                 .slippage_cost = NAN, .fx = 1, .realized = -3.75};
    assert_int_equal(pr_runlog_fill(rl, &f, "BTCUSDT", &err), 0);

    pr_runlog_summary s;
    memset(&s, 0, sizeof s);
    s.mode = "backtest";
    s.strategy = "sma_cross fast=10 slow=30";
    s.config_digest = "abc";
    s.first_ts = t1;
    s.last_ts = t1 + PR_MS_PER_HOUR;
    s.bars = 2;
    s.steps = 2;
    s.orders = 1;
    s.fills = 1;
    s.ccy = "USDT";
    s.start_equity = 10000;
    s.final_equity = 9996.25;
    s.fingerprint = "ff";
    s.logged_at = PR_TIME_NONE;
    assert_int_equal(pr_runlog_write_summary(rl, &s, &err), 0);
    assert_int_equal(pr_runlog_close(rl, &err), 0);

    json_t *e = read_line(dir, "executions.jsonl", 0);
    assert_non_null(e);
    static const char *const ek[] = {"time", "instrument", "order_id", "side", "qty", "price", "ref_price", "fee",
                                     "spread", "slippage", "maker", "realized", "role", "tag", "reason", NULL};
    expect_keys(e, ek);
    assert_string_equal(json_string_value(json_object_get(e, "time")), "2024-01-01T01:00:00Z");
    assert_string_equal(json_string_value(json_object_get(e, "side")), "sell");
    assert_string_equal(json_string_value(json_object_get(e, "role")), "stop");
    assert_true(json_real_value(json_object_get(e, "price")) == 0.1 + 0.2);
    assert_true(json_real_value(json_object_get(e, "realized")) == -3.75);
    assert_true(json_is_null(json_object_get(e, "slippage")));
    assert_string_equal(json_string_value(json_object_get(e, "tag")), ""); /* no order note: unknown order */
    json_decref(e);

    json_t *sm = read_line(dir, "summary.jsonl", 0);
    assert_non_null(sm);
    assert_true(json_is_null(json_object_get(sm, "ai")));           /* no AI stage */
    assert_null(json_object_get(sm, "logged_at"));                  /* PR_TIME_NONE: omitted */
    assert_true(json_real_value(json_object_get(sm, "final_equity")) == 9996.25);
    assert_string_equal(json_string_value(json_object_get(sm, "fingerprint")), "ff");
    json_decref(sm);

    char path[512];
    snprintf(path, sizeof path, "%s/signals.jsonl", dir);
    FILE *sig = fopen(path, "r");
    assert_non_null(sig); /* created (empty: no observer installed) */
    assert_int_equal(fgetc(sig), EOF);
    fclose(sig);
    for (const char *n = "signals.jsonl"; n; n = strcmp(n, "signals.jsonl") == 0 ? "executions.jsonl"
                                                 : strcmp(n, "executions.jsonl") == 0 ? "summary.jsonl" : NULL) {
        snprintf(path, sizeof path, "%s/%s", dir, n);
        remove(path);
    }
    rmdir(dir);
}

static void test_open_missing_dir(void **state) {
    (void)state;
    pr_runlog *rl = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_true(pr_runlog_open("/nonexistent/dir/for/proratio", &rl, &err) < 0);
    assert_null(rl);
    assert_non_null(strstr(err.file, "/nonexistent/dir/for/proratio")); /* the file it could not create */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_and_summary),
        cmocka_unit_test(test_open_missing_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
