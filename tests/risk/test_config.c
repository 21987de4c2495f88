/* The `risk` section read through the parameter table: defaults without
 * it, and each kind of bad key named by its full path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "proratio/risk.h"

/* Reads text's "risk"; returns the status, the message in msg. */
static int read_text(const char *text, pr_risk_config *c, char *msg, size_t cap) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(text, &cfg, &err), 0);
    int rc = pr_risk_config_read(cfg, "risk", c, &err);
    snprintf(msg, cap, "%s", err.msg);
    pr_config_free(cfg);
    return rc;
}

static void test_defaults_and_values(void **state) {
    (void)state;
    pr_risk_config c;
    char msg[PR_ERR_MSG_MAX];
    assert_int_equal(read_text("{}", &c, msg, sizeof msg), 0);
    assert_int_equal(c.sizing.mode, PR_RISK_FIXED_RISK);
    assert_true(c.sizing.risk == 0.01 && c.sizing.max_loss == 0.02 && c.sizing.kelly_fraction == 0.25);
    assert_int_equal(c.sizing.kelly_min_trades, 30);
    assert_int_equal(c.stops.required, 1);
    assert_int_equal(read_text("{\"risk\": {\"sizing\": {\"mode\": \"pip\", \"lot_units\": 100000}}}", &c, msg,
                               sizeof msg), 0);
    assert_int_equal(c.sizing.mode, PR_RISK_PIP);
    assert_true(c.sizing.lot_units == 100000);
}

static void expect_error(const char *text, const char *path) {
    pr_risk_config c;
    char msg[PR_ERR_MSG_MAX];
    assert_int_not_equal(read_text(text, &c, msg, sizeof msg), 0);
    if (strncmp(msg, path, strlen(path)) != 0) fail_msg("\"%s\" does not start with %s", msg, path);
}

static void test_errors_name_the_path(void **state) {
    (void)state;
    expect_error("{\"risk\": {\"sizing\": {\"kelly_fraction\": 1.5}}}", "risk.sizing.kelly_fraction:");
    expect_error("{\"risk\": {\"sizing\": {\"kelly_fraction\": \"a\"}}}", "risk.sizing.kelly_fraction:");
    expect_error("{\"risk\": {\"sizing\": {\"mode\": \"kely\"}}}", "risk.sizing.mode:");
    expect_error("{\"risk\": {\"sizing\": {\"score_levels\": [5, 3], \"score_win_prob\": [0.4, 0.5]}}}",
                 "risk.sizing.score_levels:");
    expect_error("{\"risk\": {\"sizing\": {\"kelly_min_trades\": 50, \"kelly_window\": 40}}}",
                 "risk.sizing.kelly_min_trades:");
    expect_error("{\"risk\": {\"sizng\": {}}}", "risk.sizng");
    expect_error("{\"risk\": {\"sizing\": {\"risk\": 0}}}", "risk.sizing.risk:");
    expect_error("{\"risk\": {\"stops\": {\"required\": 2}}}", "risk.stops.required:");
    expect_error("{\"risk\": {\"protections\": {\"dd_warn\": 0.3, \"dd_halt\": 0.2}}}",
                 "risk.protections.dd_warn:");
    expect_error("{\"risk\": {\"sizing\": {\"score_levels\": [1, 2, 3, 4, 5], "
                 "\"score_win_prob\": [0.1, 0.2, 0.3, 0.4, 0.5]}}}",
                 "risk.sizing.score_levels:");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_values),
        cmocka_unit_test(test_errors_name_the_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
