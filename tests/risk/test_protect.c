/* Protections on hand-built equity and trade sequences: the daily loss
 * limit and its reset at 00:00 UTC, the weekly limit and its reset on
 * Monday 00:00 UTC, consecutive losses and their pause,
 * trades per day, and each drawdown tier. Times are hours from
 * 2024-01-01 00:00 UTC (a Monday). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proratio/risk.h"

static int64_t T0;
static int64_t H(double h) { return T0 + (int64_t)(h * 3600000.0); }

static pr_risk_protections off(void) {
    pr_risk_protections c;
    memset(&c, 0, sizeof c);
    c.loss_pause_hours = 24;
    c.halt_days = 7;
    return c;
}

static void allowed(const pr_risk_protections *c, const pr_risk_state *st, double h) {
    const char *why = pr_risk_protect_check(c, st, H(h));
    if (why) fail_msg("hour %g: refused (%s), expected allowed", h, why);
}

static void refused(const pr_risk_protections *c, const pr_risk_state *st, double h, const char *reason) {
    const char *why = pr_risk_protect_check(c, st, H(h));
    if (!why || strcmp(why, reason) != 0) fail_msg("hour %g: %s, expected \"%s\"", h, why ? why : "allowed", reason);
}

static void test_daily_loss(void **state) {
    (void)state;
    pr_risk_protections c = off();
    c.daily_loss = 0.02;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Day starts at 10,000; 9,850 is -1.5%: still allowed. 9,790 is -2.1%
     * (<= 9,800): fires at 06:00, refusals until the next UTC day, where
     * 9,790 is the new start. */
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(5), 9850);
    allowed(&c, &st, 5);
    pr_risk_protect_step(&c, &st, H(6), 9790);
    refused(&c, &st, 7, "daily loss limit");
    pr_risk_protect_step(&c, &st, H(23), 9700);
    assert_int_equal((int)st.trig[PR_PROT_DAILY_LOSS].count, 1);
    assert_true(st.trig[PR_PROT_DAILY_LOSS].last == H(6));
    pr_risk_protect_step(&c, &st, H(24), 9700);
    allowed(&c, &st, 24);
    assert_true(st.day_equity == 9700);
}

static void test_weekly_loss(void **state) {
    (void)state;
    pr_risk_protections c = off();
    c.weekly_loss = 0.05;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Monday 2024-01-01 00:00 opens the week at 10,000. Friday 5th 12:00 at
     * 9,510 is -4.9%: allowed; 13:00 at 9,490 is -5.1% (<= 9,500): fires,
     * and entries stay refused through Sunday 7th 23:00 even at 9,800.
     * Monday 8th 00:00 (hour 168) starts a new week at 9,800. */
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(4 * 24 + 12), 9510);
    allowed(&c, &st, 4 * 24 + 12);
    pr_risk_protect_step(&c, &st, H(4 * 24 + 13), 9490);
    refused(&c, &st, 4 * 24 + 14, "weekly loss limit");
    pr_risk_protect_step(&c, &st, H(6 * 24 + 23), 9800);
    refused(&c, &st, 6 * 24 + 23, "weekly loss limit");
    assert_int_equal((int)st.trig[PR_PROT_WEEKLY_LOSS].count, 1);
    pr_risk_protect_step(&c, &st, H(168), 9800);
    allowed(&c, &st, 168);
    assert_true(st.week == H(168) && st.week_equity == 9800);
    /* A Wednesday (2024-01-10 09:00) belongs to the week of Monday the 8th. */
    pr_risk_protect_step(&c, &st, H(168 + 2 * 24 + 9), 9700);
    assert_true(st.week == H(168));
}

static void test_consecutive_losses(void **state) {
    (void)state;
    pr_risk_protections c = off();
    c.max_consecutive_losses = 3;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Loss, loss, win (resets), loss, loss, loss at hour 10: the third in a
     * row pauses entries 24 h, until hour 34. */
    double r[] = {-0.01, -0.02, 0.03, -0.01, -0.01, -0.01};
    for (int k = 0; k < 6; k++) pr_risk_protect_closed(&c, &st, H(5 + k), r[k]);
    assert_int_equal((int)st.trig[PR_PROT_CONSECUTIVE].count, 1);
    refused(&c, &st, 11, "consecutive losses");
    refused(&c, &st, 33.9, "consecutive losses");
    allowed(&c, &st, 34);
    /* The count restarted: two more losses do not fire again. */
    pr_risk_protect_closed(&c, &st, H(35), -0.01);
    pr_risk_protect_closed(&c, &st, H(36), 0);
    assert_int_equal((int)st.trig[PR_PROT_CONSECUTIVE].count, 1);
}

static void test_trades_per_day(void **state) {
    (void)state;
    pr_risk_protections c = off();
    c.max_trades_per_day = 2;
    pr_risk_state st;
    pr_risk_state_init(&st);
    pr_risk_protect_step(&c, &st, H(1), 10000);
    pr_risk_protect_entered(&c, &st, H(1));
    allowed(&c, &st, 2);
    pr_risk_protect_entered(&c, &st, H(2));
    refused(&c, &st, 3, "max trades per day");
    assert_int_equal((int)st.trig[PR_PROT_TRADES_PER_DAY].count, 1);
    /* 00:00 UTC the next day: the count starts over. */
    pr_risk_protect_step(&c, &st, H(24), 10000);
    allowed(&c, &st, 24);
}

static void test_drawdown_tiers(void **state) {
    (void)state;
    pr_risk_protections c = off();
    c.dd_warn = 0.10, c.dd_stop = 0.15, c.dd_halt = 0.20, c.halt_days = 2;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Peak 10,000. 9,100 is 9%: nothing. 8,900 is 11%: the warning fires,
     * entries go on. 8,450 is 15.5%: entries stop. 9,000 (10%) is back in
     * the warning tier: entries resume, no new warning. 7,900 (21%) halts
     * for 2 days from hour 5 (to hour 53), even after equity recovers. */
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(1), 9100);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 0);
    pr_risk_protect_step(&c, &st, H(2), 8900);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 1);
    allowed(&c, &st, 2);
    pr_risk_protect_step(&c, &st, H(3), 8450);
    refused(&c, &st, 3, "drawdown stop");
    pr_risk_protect_step(&c, &st, H(4), 9000);
    allowed(&c, &st, 4);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 1);
    pr_risk_protect_step(&c, &st, H(5), 7900);
    assert_int_equal((int)st.trig[PR_PROT_DD_STOP].count, 2);
    assert_int_equal((int)st.trig[PR_PROT_DD_HALT].count, 1);
    pr_risk_protect_step(&c, &st, H(6), 9600);
    refused(&c, &st, 52.9, "drawdown halt");
    allowed(&c, &st, 53);
}

int main(void) {
    T0 = 1704067200000LL;   /* 2024-01-01T00:00:00Z */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily_loss),
        cmocka_unit_test(test_weekly_loss),
        cmocka_unit_test(test_consecutive_losses),
        cmocka_unit_test(test_trades_per_day),
        cmocka_unit_test(test_drawdown_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
