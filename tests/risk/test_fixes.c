/* Small defects of the risk stage found after its parts landed, each on a
 * case worked out by hand: a drawdown tier that is off never fires when the
 * drawdown jumps past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

#define H(h) (1704067200000LL + (int64_t)((h) * 3600000.0))   /* 2024-01-01T00:00Z + h hours */

static pr_risk_protections no_protections(void) {
    pr_risk_config c;
    pr_risk_config_defaults(&c);
    pr_risk_protections p = c.protections;
    p.daily_loss = p.weekly_loss = 0;
    p.max_consecutive_losses = 0;
    p.max_trades_per_day = 0;
    p.dd_warn = p.dd_stop = p.dd_halt = 0;
    return p;
}

/* Peak 10,000, then 8,400 (16%) in one step. With dd_warn off and dd_stop
 * 15%, the stop tier fires once and the warning never (it used to fire as
 * the jump passed tier 1). With dd_stop off too and dd_halt 15%, 16% fires
 * only the halt. */
static void test_dd_jump_skips_tiers_off(void **state) {
    (void)state;
    pr_risk_protections c = no_protections();
    c.dd_stop = 0.15;
    pr_risk_state st;
    pr_risk_state_init(&st);
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(1), 8400);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 0);
    assert_int_equal((int)st.trig[PR_PROT_DD_STOP].count, 1);
    assert_string_equal(pr_risk_protect_check(&c, &st, H(1)), "drawdown stop");

    c = no_protections();
    c.dd_halt = 0.15, c.halt_days = 1;
    pr_risk_state_init(&st);
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(1), 8400);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 0);
    assert_int_equal((int)st.trig[PR_PROT_DD_STOP].count, 0);
    assert_int_equal((int)st.trig[PR_PROT_DD_HALT].count, 1);
    /* Halted for a day from hour 1: refused at hour 24.9, allowed at 25. */
    assert_string_equal(pr_risk_protect_check(&c, &st, H(24.9)), "drawdown halt");

    /* With every tier on, the same jump to 21% fires all three once. */
    c = no_protections();
    c.dd_warn = 0.10, c.dd_stop = 0.15, c.dd_halt = 0.20, c.halt_days = 1;
    pr_risk_state_init(&st);
    pr_risk_protect_step(&c, &st, H(0), 10000);
    pr_risk_protect_step(&c, &st, H(1), 7900);
    assert_int_equal((int)st.trig[PR_PROT_DD_WARN].count, 1);
    assert_int_equal((int)st.trig[PR_PROT_DD_STOP].count, 1);
    assert_int_equal((int)st.trig[PR_PROT_DD_HALT].count, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dd_jump_skips_tiers_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
