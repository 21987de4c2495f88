/* The stage's per-step shortcut for the protections (it skips a step at an
 * unchanged equity within the day of the last one): a flat account whose
 * equity does not move across 00:00 UTC must still start a new day, so a
 * daily loss limit hit yesterday lets today's entries through. Hourly bars
 * from 2024-01-01 00:00 UTC, 10,000 cash, no costs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"
#include "risk_run.h"

#define NB 40

static int g_rejects;
static char g_reason[128];

static int on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED) {
        g_rejects++;
        snprintf(g_reason, sizeof g_reason, "%s", ev->reason ? ev->reason : "");
    }
    return 0;
}

/* Closes 100 to bar 3, 90 from bar 4 on (every bar's open its close, bar
 * 4's open 100). Long 5,000 (fraction 0.5) decided at bar 2, filled at bar
 * 3's open 100: 50 units. Bar 4's close 90: equity 10,000 - 50 x 10 =
 * 9,500 <= 10,000 x 0.98: the daily limit fires. The exit decided at bar 4
 * fills at bar 5's open 90: flat at 9,500 from then on, every step. An
 * entry decided at bar 10 (10:00, day 1) is refused by the limit; one at
 * bar 30 (06:00 on 2 January, day 2, same equity 9,500) is let through. */
static void test_flat_across_midnight(void **state) {
    (void)state;
    double rows[NB][4];
    for (size_t i = 0; i < NB; i++) {
        double c = i < 4 ? 100 : 90, o = i == 4 ? 100 : c;
        rows[i][0] = o, rows[i][1] = fmax(o, c), rows[i][2] = fmin(o, c), rows[i][3] = c;
    }
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 2, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 4, PR_SIG_EXIT, 0);
    et_script_add(&sc, 10, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 30, PR_SIG_ENTER_LONG, 0);
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.sizing.fraction = 0.5;
    rc.stops.required = 0;
    rc.protections.daily_loss = 0.02;
    pr_risk_stage *rs = NULL;
    pr_backtest_result r;
    g_rejects = 0;
    rr_run(&sc, (const double(*)[4])rows, NB, "BTCUSDT", &rc, on_event, &rs, &r);
    assert_int_equal(g_rejects, 1);
    assert_string_equal(g_reason, "daily loss limit");
    assert_int_equal((int)(r.n_trades + r.n_open), 2);
    const pr_risk_state *st = pr_risk_stage_state(rs);
    assert_int_equal((int)st->trig[PR_PROT_DAILY_LOSS].count, 1);
    assert_true(fabs(st->day_equity - 9500) < 1e-9);
    pr_backtest_result_free(&r);
    pr_risk_stage_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_across_midnight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
