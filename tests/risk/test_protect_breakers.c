/* The circuit breakers of risk/breakers.h on hand-built equity and trade
 * sequences (no market view needed): the drawdown release, the cooldown
 * in hours, the stoploss guard's window (all instruments and one), the
 * low-profit lock, the crypto weekend window at its boundaries (Fri
 * 19:59/20:00, Sun 19:59/20:00 UTC) refusing or halving, the avoided
 * hours per asset class, the breakers' state through JSON and their
 * configuration (defaults off, errors naming their key). Times are
 * hours from 2024-01-01 00:00 UTC, a Monday (Friday is day 4, Sunday day 6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk.h"

static int64_t T0;
static int64_t H(double h) { return T0 + (int64_t)llround(h * 3600000.0); }

static pr_risk_protections prot_off(void) {
    pr_risk_protections c;
    memset(&c, 0, sizeof c);
    c.loss_pause_hours = 24;
    c.halt_days = 7;
    return c;
}

static pr_risk_breakers brk_off(void) {
    pr_risk_breakers c;
    pr_risk_breakers_defaults(&c);
    return c;
}

static pr_instrument g_inst[3];   /* BTCUSDT crypto, AAPL stock, EURUSD forex */

/* Why an entry on instrument i at hour h is refused by the breakers (and,
 * for global pauses, the protections), or NULL. */
static const char *why(const pr_risk_breakers *c, pr_risk_state *st, int i, double h) {
    pr_risk_protections p = prot_off();
    const char *w = pr_risk_protect_check(&p, st, H(h));
    if (w) return w;
    pr_signal sig = {.kind = PR_SIG_ENTER_LONG, .instrument = i};
    pr_size_request rq = {.sig = &sig, .inst = &g_inst[i], .price = 100, .now = H(h)};
    return pr_risk_breakers_check(c, st, &rq);
}

static void allowed(const pr_risk_breakers *c, pr_risk_state *st, int i, double h) {
    const char *w = why(c, st, i, h);
    if (w) fail_msg("instrument %d hour %g: refused (%s), expected allowed", i, h, w);
}

static void refused(const pr_risk_breakers *c, pr_risk_state *st, int i, double h, const char *reason) {
    const char *w = why(c, st, i, h);
    if (!w || strcmp(w, reason) != 0)
        fail_msg("instrument %d hour %g: %s, expected \"%s\"", i, h, w ? w : "allowed", reason);
}

/* A round trip of instrument i closing at hour h by `cause` with return r. */
static void closed(const pr_risk_breakers *c, pr_risk_state *st, int i, double h, pr_fill_cause cause, double r) {
    pr_fill_info f = {.instrument = i, .side = -1, .cause = cause, .seen = H(h), .qty = 1, .price = 100};
    pr_risk_breakers_closed(c, st, &f, r);
}

/* One decision step at hour h with that equity: the protections, then the breakers. */
static void step(const pr_risk_protections *p, const pr_risk_breakers *c, pr_risk_state *st, double h, double equity) {
    pr_risk_protect_step(p, st, H(h), equity);
    pr_risk_breakers_step(c, st, H(h), equity);
}

static void test_drawdown_release(void **state) {
    (void)state;
    pr_risk_protections p = prot_off();
    p.dd_stop = 0.15, p.dd_halt = 0.20, p.halt_days = 2;
    pr_risk_breakers c = brk_off();
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Without a release (dd_release_days 0), a flat book at 8,400 after a
     * peak of 10,000 (16%) stays stopped however long it waits. */
    step(&p, &c, &st, 0, 10000);
    step(&p, &c, &st, 1, 8400);
    step(&p, &c, &st, 1000, 8400);
    refused(&c, &st, 0, 1000, "drawdown stop");
    /* dd_release_days 3: the stop reached at hour 1 is released at hour
     * 1 + 72 = 73 — the peak becomes 8,400 and entries resume; not at 72. */
    c.dd_release_days = 3;
    pr_risk_state_init(&st);
    double eq[][2] = {{0, 10000}, {1, 8400}, {72, 8400}};
    for (int k = 0; k < 3; k++) step(&p, &c, &st, eq[k][0], eq[k][1]);
    refused(&c, &st, 0, 72, "drawdown stop");
    step(&p, &c, &st, 73, 8400);
    allowed(&c, &st, 0, 73);
    assert_true(st.peak == 8400 && st.dd_tier == 0);
    assert_int_equal((int)st.trig[PR_PROT_DD_RESET].count, 1);
    assert_true(st.trig[PR_PROT_DD_RESET].last == H(73));
    /* From the new peak 8,400: 7,000 at hour 74 is 16.7% (a second stop),
     * 6,700 at hour 75 is 20.2%: the halt pauses entries 2 days, to hour
     * 123. The release needs 3 days from hour 74 (the stop tier's start),
     * i.e. hour 146, past the pause: at 145 entries are still refused
     * (by the stop tier: the pause is over). */
    double eq2[][2] = {{74, 7000}, {75, 6700}, {122, 6700}, {145, 6700}};
    for (int k = 0; k < 4; k++) step(&p, &c, &st, eq2[k][0], eq2[k][1]);
    assert_int_equal((int)st.trig[PR_PROT_DD_STOP].count, 2);
    assert_int_equal((int)st.trig[PR_PROT_DD_HALT].count, 1);
    refused(&c, &st, 0, 122, "drawdown halt");
    refused(&c, &st, 0, 145, "drawdown stop");
    step(&p, &c, &st, 146, 6700);
    allowed(&c, &st, 0, 146);
    assert_int_equal((int)st.trig[PR_PROT_DD_RESET].count, 2);
    assert_true(st.peak == 6700);
    /* A release shorter than the halt's pause waits for the pause: halted
     * at hour 1 (10,000 -> 7,900, 21%) for 2 days, to hour 49; one day of
     * dd_release_days has passed at hour 25, but the reset comes at 49. */
    c.dd_release_days = 1;
    pr_risk_state_init(&st);
    double eq3[][2] = {{0, 10000}, {1, 7900}, {25, 7900}};
    for (int k = 0; k < 3; k++) step(&p, &c, &st, eq3[k][0], eq3[k][1]);
    refused(&c, &st, 0, 25, "drawdown halt");
    assert_int_equal((int)st.trig[PR_PROT_DD_RESET].count, 0);
    step(&p, &c, &st, 49, 7900);
    allowed(&c, &st, 0, 49);
    assert_true(st.trig[PR_PROT_DD_RESET].last == H(49));
}

static void test_drawdown_pending_exits(void **state) {
    (void)state;
    pr_risk_protections p = prot_off();
    p.dd_stop = 0.15, p.dd_halt = 0.20;
    pr_risk_breakers c = brk_off();
    c.dd_stop_reduce = 0.5;
    c.dd_halt_close = 1;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* 10,000 -> 8,400 (16%): a halving is ordered once; still 16% at the
     * next step orders nothing more (the crossing was taken). 10,000 ->
     * 7,900 straight (21%): a close-all, not a halving. */
    double eq[] = {10000, 8400};
    for (int k = 0; k < 2; k++) step(&p, &c, &st, k, eq[k]);
    assert_int_equal(st.brk.pending, PR_BRK_REDUCE);
    st.brk.pending = PR_BRK_NONE;   /* what the exits call does */
    step(&p, &c, &st, 2, 8400);
    assert_int_equal(st.brk.pending, PR_BRK_NONE);
    pr_risk_state_init(&st);
    step(&p, &c, &st, 0, 10000);
    step(&p, &c, &st, 1, 7900);
    assert_int_equal(st.brk.pending, PR_BRK_CLOSE);
}

static void test_cooldown_hours(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.cooldown_hours = 6;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* A take-profit and a trailing stop in profit are no stop-outs. */
    closed(&c, &st, 0, 2, PR_CAUSE_TARGET, 0.03);
    closed(&c, &st, 0, 4, PR_CAUSE_TRAIL, 0.01);
    allowed(&c, &st, 0, 4);
    /* Stopped out at hour 10 with -1%: BTCUSDT waits 6 h, to hour 16;
     * AAPL is not affected. */
    closed(&c, &st, 0, 10, PR_CAUSE_STOP, -0.01);
    refused(&c, &st, 0, 10, "stop-out cooldown");
    refused(&c, &st, 0, 15.99, "stop-out cooldown");
    allowed(&c, &st, 1, 11);
    allowed(&c, &st, 0, 16);
    assert_int_equal((int)st.trig[PR_PROT_COOLDOWN].count, 1);
    assert_true(st.trig[PR_PROT_COOLDOWN].last == H(10));
}

static void test_stoploss_guard(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.guard_stops = 3, c.guard_lookback_hours = 24, c.guard_lock_hours = 12;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* Stop-outs (any instrument) at hours 2, 10 and 26: the 24 h window
     * ending at 26, (2, 26], holds 10 and 26 only (hour 2 is its open
     * end): no lock. An exit by the
     * strategy at a loss (hour 28) is no stop-out. At hour 30, (6, 30] holds
     * 10, 26 and 30: three, all trading locks for 12 h, to hour 42. */
    closed(&c, &st, 0, 2, PR_CAUSE_STOP, -0.01);
    closed(&c, &st, 1, 10, PR_CAUSE_TRAIL, -0.01);
    closed(&c, &st, 0, 26, PR_CAUSE_STOP, -0.02);
    closed(&c, &st, 0, 28, PR_CAUSE_EXIT, -0.02);
    allowed(&c, &st, 2, 29);
    assert_int_equal((int)st.trig[PR_PROT_STOPLOSS_GUARD].count, 0);
    closed(&c, &st, 2, 30, PR_CAUSE_STOP, -0.01);
    assert_int_equal((int)st.trig[PR_PROT_STOPLOSS_GUARD].count, 1);
    refused(&c, &st, 1, 41.99, "stoploss guard");
    allowed(&c, &st, 1, 42);
    /* The three were counted: one more at hour 43 ((19, 43] holds 26, 30
     * and 43, two of them counted already) does not lock again. */
    closed(&c, &st, 0, 43, PR_CAUSE_STOP, -0.01);
    assert_int_equal((int)st.trig[PR_PROT_STOPLOSS_GUARD].count, 1);
    allowed(&c, &st, 0, 43);

    /* Per instrument, 2 stop-outs: BTCUSDT at hours 1 and 2 locks BTCUSDT
     * to hour 14; AAPL's stop-out at 3 is its first. */
    c.guard_stops = 2;
    c.guard_per_instrument = 1;
    pr_risk_state_init(&st);
    closed(&c, &st, 0, 1, PR_CAUSE_STOP, -0.01);
    closed(&c, &st, 0, 2, PR_CAUSE_BREAKEVEN, -0.001);
    closed(&c, &st, 1, 3, PR_CAUSE_STOP, -0.01);
    refused(&c, &st, 0, 13.99, "stoploss guard");
    allowed(&c, &st, 1, 4);
    allowed(&c, &st, 0, 14);
    assert_int_equal((int)st.trig[PR_PROT_STOPLOSS_GUARD].count, 1);
}

static void test_low_profit(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.low_profit_trades = 2, c.low_profit_lookback_hours = 72, c.low_profit_min = 0, c.low_profit_lock_hours = 24;
    pr_risk_state st;
    pr_risk_state_init(&st);
    /* BTCUSDT closes +2% at hour 10 and -1% at 20: two trades summing to
     * +1%, not below 0: no lock. -1.5% at 30: within (-42, 30] they sum to
     * 0.02 - 0.01 - 0.015 = -0.005 < 0: locked 24 h, to hour 54. */
    closed(&c, &st, 0, 10, PR_CAUSE_TARGET, 0.02);
    closed(&c, &st, 0, 20, PR_CAUSE_EXIT, -0.01);
    allowed(&c, &st, 0, 21);
    closed(&c, &st, 0, 30, PR_CAUSE_EXIT, -0.015);
    refused(&c, &st, 0, 53.99, "low-profit lock");
    allowed(&c, &st, 1, 31);   /* AAPL's own trades are none */
    allowed(&c, &st, 0, 54);
    /* Hour 100, +0.4%: (28, 100] holds -1.5% and +0.4% = -1.1%: locked
     * again to 124. Hour 130, +3%: (58, 130] holds +0.4% and +3%: no lock. */
    closed(&c, &st, 0, 100, PR_CAUSE_EXIT, 0.004);
    refused(&c, &st, 0, 123, "low-profit lock");
    closed(&c, &st, 0, 130, PR_CAUSE_TARGET, 0.03);
    allowed(&c, &st, 0, 130);
    assert_int_equal((int)st.trig[PR_PROT_LOW_PROFIT].count, 2);
    assert_true(st.trig[PR_PROT_LOW_PROFIT].last == H(100));
}

static void test_weekend_window(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.weekend_size = 0;   /* no crypto entries Fri 20:00 - Sun 20:00 UTC */
    pr_risk_state st;
    pr_risk_state_init(&st);
    double fri = 4 * 24, sun = 6 * 24, m1 = 1.0 / 60;
    allowed(&c, &st, 0, fri + 20 - m1);                  /* Fri 19:59 */
    refused(&c, &st, 0, fri + 20, "crypto weekend");     /* Fri 20:00 */
    refused(&c, &st, 0, sun + 20 - m1, "crypto weekend");  /* Sun 19:59 */
    allowed(&c, &st, 0, sun + 20);                       /* Sun 20:00 */
    allowed(&c, &st, 1, fri + 22);                       /* a stock: not crypto */
    allowed(&c, &st, 0, 2 * 24 + 21);                    /* Wednesday 21:00 */
    /* The next weekend (Fri 12th 20:00 = hour 284) refuses again: a second
     * episode; two refusals in one weekend are one. */
    refused(&c, &st, 0, 7 * 24 + fri + 21, "crypto weekend");
    assert_int_equal((int)st.trig[PR_PROT_WEEKEND].count, 2);
    assert_true(st.trig[PR_PROT_WEEKEND].last == H(7 * 24 + fri + 21));

    /* weekend_size 0.5: a 1,000 notional entry at Sat 10:00 becomes 500,
     * resized, with the reason; Fri 19:59 keeps 1,000. */
    c.weekend_size = 0.5;
    pr_risk_state_init(&st);
    pr_signal sig = {.kind = PR_SIG_ENTER_LONG, .instrument = 0};
    pr_size_request rq = {.sig = &sig, .inst = &g_inst[0], .price = 100, .now = H(5 * 24 + 10)};
    pr_risk_decision d = {PR_QTY_NOTIONAL, 1000, 0, NULL};
    assert_null(pr_risk_breakers_check(&c, &st, &rq));
    pr_risk_breakers_resize(&c, &st, &rq, &d);
    assert_true(d.value == 500 && d.resized == 1);
    assert_string_equal(d.reason, "crypto weekend");
    rq.now = H(fri + 20 - m1);
    d = (pr_risk_decision){PR_QTY_NOTIONAL, 1000, 0, NULL};
    pr_risk_breakers_resize(&c, &st, &rq, &d);
    assert_true(d.value == 1000 && d.resized == 0);
    /* A window that wraps past Monday: Sun 22:00 to Mon 02:00. */
    c.weekend_size = 0, c.weekend_start_day = 6, c.weekend_start_hour = 22, c.weekend_end_day = 0,
    c.weekend_end_hour = 2;
    refused(&c, &st, 0, 7 * 24 + 1, "crypto weekend");   /* Mon 8th 01:00 */
    allowed(&c, &st, 0, 7 * 24 + 2);
    refused(&c, &st, 0, sun + 22, "crypto weekend");
    allowed(&c, &st, 0, sun + 21.9);
}

static void test_hour_filter(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.avoid_hours[0][0] = 0, c.avoid_hours[0][1] = 13, c.n_avoid[0] = 2;   /* crypto: 00 and 13 UTC */
    c.avoid_hours[2][0] = 14, c.n_avoid[2] = 1;                              /* stocks: 14 UTC */
    pr_risk_state st;
    pr_risk_state_init(&st);
    allowed(&c, &st, 0, 12.99);
    refused(&c, &st, 0, 13, "time filter");
    refused(&c, &st, 0, 13.99, "time filter");
    allowed(&c, &st, 0, 14);
    refused(&c, &st, 1, 14.5, "time filter");   /* AAPL, a stock, at 14:30 */
    allowed(&c, &st, 2, 13);                   /* EURUSD: no forex hours */
    refused(&c, &st, 0, 24, "time filter");     /* 00:00 the next day */
    /* Hours 13 (twice), 14 and 24 refused: three avoided hours. */
    assert_int_equal((int)st.trig[PR_PROT_HOURS].count, 3);
}

static void test_json_round_trip(void **state) {
    (void)state;
    pr_risk_breakers c = brk_off();
    c.guard_stops = 2, c.guard_per_instrument = 1, c.low_profit_trades = 1, c.cooldown_hours = 1;
    pr_risk_state st, back;
    pr_risk_state_init(&st);
    for (int k = 0; k < PR_RISK_RECENT + 3; k++)   /* wraps instrument 1's ring */
        closed(&c, &st, 1, k, k % 2 ? PR_CAUSE_STOP : PR_CAUSE_TARGET, k % 2 ? -0.01 : 0.004);
    closed(&c, &st, 5, 40, PR_CAUSE_STOP, -0.02);
    st.brk.tier_seen = 2, st.brk.pending = PR_BRK_REDUCE, st.brk.dd_since = H(3), st.brk.kill_on = 1;
    st.brk.inst[5].vol_halted = 1;
    st.brk.weekend_seen = H(116);
    char *text = NULL;
    pr_err err;
    assert_int_equal(pr_risk_state_to_json(&st, &text, &err), 0);
    assert_int_equal(pr_risk_state_from_json(text, &back, &err), 0);
    assert_memory_equal(&st, &back, sizeof st);
    free(text);
    /* A ring not full whose head is not its length is refused. */
    back = st;
    back.brk.inst[5].head = 3;
    assert_int_equal(pr_risk_state_to_json(&back, &text, &err), 0);
    assert_int_not_equal(pr_risk_state_from_json(text, &back, &err), 0);
    assert_non_null(strstr(err.msg, "breakers.instruments"));
    free(text);
}

/* Reads `text` as a configuration's "risk" section; returns the status and
 * the message in msg. */
static int read_cfg(const char *text, pr_risk_config *rc, char *msg, size_t cap) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(text, &cfg, &err), 0);
    int st = pr_risk_config_read(cfg, "risk", rc, &err);
    snprintf(msg, cap, "%s", st ? err.msg : "");
    pr_config_free(cfg);
    return st;
}

static void test_config_read(void **state) {
    (void)state;
    pr_risk_config rc;
    char msg[512];
    /* Without the sections every breaker is off. */
    assert_int_equal(read_cfg("{\"risk\": {}}", &rc, msg, sizeof msg), 0);
    assert_true(rc.breakers.dd_stop_reduce == 0 && !rc.breakers.dd_halt_close && rc.breakers.weekend_size == 1);
    assert_true(rc.breakers.n_avoid[0] == 0 && rc.breakers.kill_file[0] == '\0');
    assert_int_equal(pr_risk_breakers_exits_needed(&rc.breakers), 0);
    assert_int_equal(read_cfg("{\"risk\": {\"protections\": {\"dd_stop\": 0.15}, \"breakers\": {\"dd_stop_reduce\": 0.5, "
                              "\"weekend_start_day\": \"sat\", \"avoid_hours_stocks\": [14, 15]}, "
                              "\"kill_switch\": {\"file\": \"/tmp/k\"}}}",
                              &rc, msg, sizeof msg),
                     0);
    assert_true(rc.breakers.dd_stop_reduce == 0.5 && rc.breakers.weekend_start_day == 5);
    assert_true(rc.breakers.n_avoid[2] == 2 && rc.breakers.avoid_hours[2][1] == 15);
    assert_string_equal(rc.breakers.kill_file, "/tmp/k");
    assert_int_equal(pr_risk_breakers_exits_needed(&rc.breakers), 1);
    /* Errors name their path. */
    assert_int_not_equal(read_cfg("{\"risk\": {\"breakers\": {\"avoid_hours_crypto\": [1.5]}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.breakers.avoid_hours_crypto"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"breakers\": {\"avoid_hours_crypto\": [24]}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.breakers.avoid_hours_crypto"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"breakers\": {\"dd_stop_reduce\": 0.5}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.breakers.dd_stop_reduce: acts at risk.protections.dd_stop"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"breakers\": {\"weekend_size\": 0, \"weekend_start_day\": \"sun\", "
                                  "\"weekend_start_hour\": 20}}}",
                                  &rc, msg, sizeof msg),
                         0);
    assert_non_null(strstr(msg, "risk.breakers.weekend_end_hour"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"kill_switch\": {\"path\": \"x\"}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.kill_switch.path"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"kill_switch\": {\"file\": \"\"}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.kill_switch.file"));
    assert_int_not_equal(read_cfg("{\"risk\": {\"breakers\": {\"cooldown\": 3}}}", &rc, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "risk.breakers.cooldown"));
}

int main(void) {
    T0 = 1704067200000LL;   /* 2024-01-01T00:00:00Z, a Monday */
    pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &g_inst[0], NULL);
    pr_instrument_default("AAPL", PR_ASSET_STOCK, &g_inst[1], NULL);
    pr_instrument_default("EURUSD", PR_ASSET_FOREX, &g_inst[2], NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drawdown_release),
        cmocka_unit_test(test_drawdown_pending_exits),
        cmocka_unit_test(test_cooldown_hours),
        cmocka_unit_test(test_stoploss_guard),
        cmocka_unit_test(test_low_profit),
        cmocka_unit_test(test_weekend_window),
        cmocka_unit_test(test_hour_filter),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_config_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
