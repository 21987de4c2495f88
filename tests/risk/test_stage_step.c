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

/* The stage's follow of the equity (its quiet steps, and the shortcut at an
 * unchanged equity) against the functions it stands in for, called at every
 * step as the stage once did: pr_risk_protect_step, then
 * pr_risk_breakers_step, on a fresh pr_risk_state. Equities walk about a
 * scale from 1e-3 to 1e15 and often land on a limit's very product (the
 * drawdown tiers' peak x (1 - limit), the loss limits' day and week
 * equities x (1 - limit)) give or take a few ulps, or repeat; the states must
 * agree field for field after every step, whatever the scale. */
static uint64_t g_lcg = 88172645463325252ull;
static double urand(void) {
    g_lcg = g_lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(g_lcg >> 11) / 9007199254740992.0;
}

static void same_state(const pr_risk_state *a, const pr_risk_state *b, size_t step) {
    if (memcmp(&a->peak, &b->peak, sizeof a->peak) || a->dd_tier != b->dd_tier || a->day != b->day ||
        a->week != b->week || memcmp(&a->day_equity, &b->day_equity, sizeof(double)) ||
        memcmp(&a->week_equity, &b->week_equity, sizeof(double)) || a->daily_hit != b->daily_hit ||
        a->weekly_hit != b->weekly_hit || a->pause_until != b->pause_until || a->pause_by != b->pause_by ||
        a->brk.tier_seen != b->brk.tier_seen || a->brk.pending != b->brk.pending || a->brk.dd_since != b->brk.dd_since)
        fail_msg("state differs from the reference at step %zu", step);
    for (int k = 0; k < PR_PROT_N; k++)
        if (a->trig[k].count != b->trig[k].count || a->trig[k].last != b->trig[k].last)
            fail_msg("trigger %d differs from the reference at step %zu", k, step);
}

static void test_follow_is_protect_step(void **state) {
    (void)state;
    const double scales[] = {1e-3, 1, 1e4, 1e9, 1e15};
    for (int cfg = 0; cfg < 3; cfg++)
        for (size_t si = 0; si < sizeof scales / sizeof *scales; si++) {
            pr_risk_config rc;
            pr_risk_config_defaults(&rc);
            rc.protections.daily_loss = 0.02;
            rc.protections.weekly_loss = 0.04;
            if (cfg == 0) {   /* every tier, the breakers acting on them */
                rc.protections.dd_warn = 0.03;
                rc.protections.dd_stop = 0.05;
                rc.protections.dd_halt = 0.08;
                rc.protections.halt_days = 0.25;
                rc.breakers.dd_stop_reduce = 0.5;
                rc.breakers.dd_halt_close = 1;
                rc.breakers.dd_release_days = 0.5;
            } else if (cfg == 1) {   /* a warning tier finer than the quiet margin */
                rc.protections.dd_warn = 1e-7;
            }   /* cfg 2: the loss limits alone */
            pr_risk_stage *rs = NULL;
            pr_err err;
            assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
            pr_sizer sz;
            pr_risk_stage_sizer(rs, &sz);
            assert_non_null(sz.on_step);
            pr_risk_state ref;
            pr_risk_state_init(&ref);
            pr_account acct = {.ccy = "USDT"};
            const double lim[5] = {rc.protections.dd_warn, rc.protections.dd_stop, rc.protections.dd_halt,
                                   rc.protections.daily_loss, rc.protections.weekly_loss};
            double x = 0, eq = scales[si];
            int64_t now = 1704067200000;   /* 2024-01-01 00:00 UTC */
            for (size_t i = 0; i < 3000; i++, now += 3600000) {
                double u = urand();
                if (u < 0.15 || i == 0) {   /* the same equity again */
                } else if (u < 0.55) {      /* on a limit's product, give or take ulps */
                    int k = (int)(urand() * 5);
                    double base = k < 3 ? ref.peak : k == 3 ? ref.day_equity : ref.week_equity;
                    if (lim[k] > 0 && base > 0) {
                        eq = base * (1 - lim[k]);
                        for (int n = (int)(urand() * 7) - 3; n != 0; n += n > 0 ? -1 : 1)
                            eq = nextafter(eq, n > 0 ? INFINITY : 0);
                    }
                } else {
                    x += (urand() - 0.5) * 0.04 - x * 0.01;
                    eq = scales[si] * exp(x);
                }
                acct.equity = acct.balance = acct.cash = acct.available = eq;
                sz.on_step(sz.self, now, &acct);
                pr_risk_protect_step(&rc.protections, &ref, now, eq);
                pr_risk_breakers_step(&rc.breakers, &ref, now, eq);
                same_state(pr_risk_stage_state(rs), &ref, i);
            }
            /* The walk reached the tiers, or the comparison says little. */
            if (cfg == 0) {
                assert_true(ref.trig[PR_PROT_DD_WARN].count > 0);
                assert_true(ref.trig[PR_PROT_DD_HALT].count > 0);
                assert_true(ref.trig[PR_PROT_DD_RESET].count > 0);
            }
            assert_true(ref.trig[PR_PROT_DAILY_LOSS].count > 0);
            pr_risk_stage_free(rs);
        }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_across_midnight),
        cmocka_unit_test(test_follow_is_protect_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
