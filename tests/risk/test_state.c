/* The risk state: round trips rebuilt from fills (returns worked out by
 * hand), the rolling window, the counters, and the JSON round trip the
 * live runner relies on to resume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk.h"

static void fill(pr_risk_state *st, int inst, int side, double qty, double px) {
    pr_fill_info f = {.instrument = inst, .side = side, .qty = qty, .price = px};
    pr_risk_state_on_fill(st, &f, NULL);
}

static void test_round_trips(void **state) {
    (void)state;
    pr_risk_state st;
    pr_risk_state_init(&st);
    pr_risk_trade_stats t;
    /* Long 10 @ 100, sell 4 @ 110 (+40) and 6 @ 95 (-30): +10 on a 1,000
     * entry = +1%. */
    fill(&st, 0, 1, 10, 100);
    fill(&st, 0, -1, 4, 110);
    pr_risk_state_stats(&st, 100, &t);
    assert_int_equal(t.n, 0);   /* still open: not a closed trade */
    fill(&st, 0, -1, 6, 95);
    /* Short 5 @ 200 on instrument 1, covered @ 210: -50 on 1,000 = -5%. */
    fill(&st, 1, -1, 5, 200);
    fill(&st, 1, 1, 5, 210);
    pr_risk_state_stats(&st, 100, &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.wins, 1);
    assert_true(fabs(t.sum_win - 0.01) < 1e-12);
    assert_true(fabs(t.sum_loss - 0.05) < 1e-12);
    /* Long 10 @ 100 reversed by selling 15 @ 120: +200 / 1,000 = +20%
     * closed, a short of 5 @ 120 open. */
    fill(&st, 2, 1, 10, 100);
    fill(&st, 2, -1, 15, 120);
    assert_true(fabs(st.open[2].qty + 5) < 1e-12 && st.open[2].avg == 120);
    pr_risk_state_stats(&st, 1, &t);   /* the latest one only */
    assert_int_equal(t.n, 1);
    assert_true(fabs(t.sum_win - 0.2) < 1e-12);
    assert_int_equal((int)st.closed, 3);
}

static void test_window(void **state) {
    (void)state;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* 300 trades: the first 250 lose 1%, the last 50 win 2%. The latest
     * 100 hold 50 wins (+1.00 in all) and 50 losses (0.50 in all). */
    for (int k = 0; k < 300; k++) {
        fill(&st, 0, 1, 1, 100);
        fill(&st, 0, -1, 1, k < 250 ? 99 : 102);
    }
    pr_risk_trade_stats t;
    pr_risk_state_stats(&st, 100, &t);
    assert_int_equal(t.n, 100);
    assert_int_equal(t.wins, 50);
    assert_true(fabs(t.sum_win - 1.0) < 1e-9);
    assert_true(fabs(t.sum_loss - 0.5) < 1e-9);
    assert_int_equal(st.n_returns, PR_RISK_WINDOW_MAX);
}

static void test_json_round_trip(void **state) {
    (void)state;
    pr_risk_state st, back;
    pr_risk_state_init(&st);
    for (int k = 0; k < 300; k++) {   /* wraps the ring: head is not 0 */
        fill(&st, 3, 1, 3, 100 + k % 7);
        fill(&st, 3, -1, 3, 101.0 / 3 + 70 + k % 5);
    }
    fill(&st, 5, -1, 0.1, 1.0 / 3);   /* an open short with a repeating decimal */
    st.entries = 7;
    pr_risk_protections pc = {.daily_loss = 0.02, .dd_warn = 0.1, .max_consecutive_losses = 2,
                              .loss_pause_hours = 24};
    pr_risk_protect_step(&pc, &st, 1704067200000LL, 10000);
    pr_risk_protect_step(&pc, &st, 1704070800000LL, 8900.5);   /* -11%: daily limit and warning */
    pr_risk_protect_closed(&pc, &st, 1704070800000LL, -0.01);
    pr_risk_protect_closed(&pc, &st, 1704074400000LL, -0.02);  /* pauses until +24 h */
    assert_true(st.daily_hit && st.dd_tier == 1 && st.pause_until == 1704074400000LL + 86400000LL);
    pr_risk_state_count(&st, "loss cap per trade", 0);
    pr_risk_state_count(&st, "less than one lot", 1);
    pr_risk_state_count(&st, "less than one lot", 1);
    char *text = NULL;
    pr_err err;
    assert_int_equal(pr_risk_state_to_json(&st, &text, &err), 0);
    assert_int_equal(pr_risk_state_from_json(text, &back, &err), 0);
    assert_memory_equal(&st, &back, sizeof st);
    assert_int_equal((int)back.counts[1].rejected, 2);
    assert_int_equal((int)back.rejected, 2);
    free(text);
    /* A ring not yet full whose position is not its length is refused
     * (the window would read slots never written). */
    back = st;
    back.n_returns = 3;
    back.head = 5;
    assert_int_equal(pr_risk_state_to_json(&back, &text, &err), 0);
    assert_int_not_equal(pr_risk_state_from_json(text, &back, &err), 0);
    assert_non_null(strstr(err.msg, "\"head\""));
    free(text);
    /* Another version is refused, naming it. */
    assert_int_not_equal(pr_risk_state_from_json("{\"version\": 1}", &back, &err), 0);
    assert_non_null(strstr(err.msg, "version 1"));
    /* Version 2 (before the VaR window was kept) likewise. */
    assert_int_not_equal(pr_risk_state_from_json("{\"version\": 2, \"closed\": 1}", &back, &err), 0);
    assert_non_null(strstr(err.msg, "version 2, this program reads version 3"));
    assert_int_not_equal(pr_risk_state_from_json("{\"version\": 3, \"closed\": -1}", &back, &err), 0);
    assert_non_null(strstr(err.msg, "\"closed\""));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
