/* The risk stage's state across a restart: a run split in two halves, the
 * state saved as JSON after the first and restored before the second,
 * ends with the same protection counters as one continuous run; the
 * trigger-time rings keep the latest 16 times and survive the JSON; the
 * asset-class presets lie under the configuration's own keys. Every
 * expected value is worked out in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"

#define H PR_MS_PER_HOUR
#define NBARS 12

/* Bar k opens at 100 - k and closes at 99 - k: every long loses. */
static void bars_(pr_series *s, size_t from, size_t to) {
    double rows[NBARS][4];
    for (size_t k = 0; k < NBARS; k++) {
        rows[k][0] = 100.0 - (double)k;
        rows[k][1] = 100.5 - (double)k;
        rows[k][2] = 98.5 - (double)k;
        rows[k][3] = 99.0 - (double)k;
    }
    et_hourly(s, et_time(2024, 1, 1, 0, 0) + (int64_t)from * H, (const double (*)[4])&rows[from], to - from);
}

/* The script of the whole run as {decision bar, kind}: */
static const struct { size_t at; pr_signal_kind kind; } k_script[] = {
    {0, PR_SIG_ENTER_LONG}, {1, PR_SIG_EXIT},  {2, PR_SIG_ENTER_LONG}, {3, PR_SIG_EXIT},
    {4, PR_SIG_ENTER_LONG}, {6, PR_SIG_ENTER_LONG}, {9, PR_SIG_ENTER_LONG}, {10, PR_SIG_EXIT},
    {11, PR_SIG_ENTER_LONG}};

static pr_risk_config cfg_(void) {
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.stops.required = 0;
    rc.protections.max_consecutive_losses = 2;
    rc.protections.loss_pause_hours = 4;
    rc.protections.max_trades_per_day = 3;
    return rc;
}

/* Runs bars [from, to) with the script's events in that range on a stage
 * that starts from *st (NULL: fresh) and returns its final state. */
static void run_(size_t from, size_t to, const pr_risk_state *st, pr_risk_state *out) {
    et_script sc;
    et_script_reset(&sc);
    for (size_t i = 0; i < sizeof k_script / sizeof k_script[0]; i++)
        if (k_script[i].at >= from && k_script[i].at < to) et_script_add(&sc, k_script[i].at - from, k_script[i].kind, 0);
    pr_series s;
    bars_(&s, from, to);
    pr_risk_config rc = cfg_();
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
    if (st) pr_risk_stage_restore(rs, st);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_bt_market mk = {.bars = &s};
    et_spec_plain(&mk.spec, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    assert_int_equal((int)r.n_open, 0);   /* flat at the end: nothing carried but the state */
    *out = *pr_risk_stage_state(rs);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    pr_series_free(&s);
}

/* What the continuous run must end with. Decision time of bar k is its
 * close, T0 + (k + 1) h; a market order fills at the next bar's open and
 * the stage hears the fill at that bar's close.
 *   enter@0 fills at bar 1 (99), exit@1 at bar 2 (98): loss 1, heard 3 h;
 *   enter@2 fills at 97, exit@3 at 96: loss 2, heard at 5 h: 2 in a row
 *     fire "consecutive losses" (last 5 h), pause until 5 + 4 = 9 h, the
 *     run of losses starts again at 0;
 *   enter@4 (5 h) and enter@6 (7 h): before 9 h, refused;
 *   enter@9 (10 h): allowed, the 3rd entry sized on 2024-01-01 fires "max
 *     trades per day" at 10 h; it fills at 90, exit@10 at 89: loss, heard at
 *     12 h: consecutive 1;
 *   enter@11 (12 h): refused, 3 entries today already.
 * So 6 entries seen, 3 refused, 3 round trips closed. */
static void check_(const pr_risk_state *st) {
    int64_t t0 = et_time(2024, 1, 1, 0, 0);
    assert_int_equal((int)st->entries, 6);
    assert_int_equal((int)st->rejected, 3);
    assert_int_equal((int)st->closed, 3);
    assert_int_equal(st->consecutive, 1);
    assert_int_equal((int)st->trig[PR_PROT_CONSECUTIVE].count, 1);
    assert_true(st->trig[PR_PROT_CONSECUTIVE].last == t0 + 5 * H);
    assert_int_equal((int)st->trig[PR_PROT_TRADES_PER_DAY].count, 1);
    assert_true(st->trig[PR_PROT_TRADES_PER_DAY].last == t0 + 10 * H);
    assert_true(st->pause_until == t0 + 9 * H);
    assert_int_equal(st->day_entries, 3);
}

static void test_split_equals_continuous(void **state) {
    (void)state;
    pr_risk_state one, half, resumed;
    run_(0, NBARS, NULL, &one);
    check_(&one);
    /* First half: bars 0-5, flat at its end (enter@4 was refused). */
    run_(0, 6, NULL, &half);
    char *js = NULL;
    pr_err err;
    assert_int_equal(pr_risk_state_to_json(&half, &js, &err), 0);
    pr_risk_state back;
    assert_int_equal(pr_risk_state_from_json(js, &back, &err), 0);
    free(js);
    run_(6, NBARS, &back, &resumed);
    check_(&resumed);
    assert_int_equal(memcmp(resumed.trig, one.trig, sizeof one.trig), 0);
    assert_int_equal(memcmp(&resumed.times, &one.times, sizeof one.times), 0);
    /* Without the state the second half would not know of the pause nor of
     * today's two entries: enter@6 and enter@11 would trade. */
    run_(6, NBARS, NULL, &resumed);
    assert_int_equal((int)resumed.rejected, 0);
    assert_int_equal((int)resumed.trig[PR_PROT_CONSECUTIVE].count, 0);
}

static void test_trigger_times_ring(void **state) {
    (void)state;
    pr_risk_config rc = cfg_();
    rc.protections.max_consecutive_losses = 1;
    pr_risk_state st;
    pr_risk_state_init(&st);
    int64_t t[PR_RISK_TRIGGER_TIMES];
    assert_int_equal((int)pr_risk_trigger_times_list(&st, PR_PROT_CONSECUTIVE, t), 0);
    /* 20 losses at 1..20 h, each firing: the ring keeps the latest 16, 5..20 h. */
    for (int i = 1; i <= 20; i++) pr_risk_protect_closed(&rc.protections, &st, (int64_t)i * H, -0.01);
    assert_int_equal((int)st.trig[PR_PROT_CONSECUTIVE].count, 20);
    assert_int_equal((int)pr_risk_trigger_times_list(&st, PR_PROT_CONSECUTIVE, t), 16);
    for (int i = 0; i < 16; i++) assert_true(t[i] == (int64_t)(i + 5) * H);
    /* Through JSON and back: the same list. */
    char *js = NULL;
    pr_err err;
    assert_int_equal(pr_risk_state_to_json(&st, &js, &err), 0);
    assert_non_null(strstr(js, "\"trigger_times\":[[],[],[18000000,"));
    pr_risk_state back;
    assert_int_equal(pr_risk_state_from_json(js, &back, &err), 0);
    int64_t u[PR_RISK_TRIGGER_TIMES];
    assert_int_equal((int)pr_risk_trigger_times_list(&back, PR_PROT_CONSECUTIVE, u), 16);
    assert_memory_equal(t, u, sizeof t);
    /* A list that does not match the count is refused, naming it. */
    char *bad = strstr(js, "[18000000,");
    assert_non_null(bad);
    memmove(bad + 1, bad + 10, strlen(bad + 10) + 1);   /* drops "18000000," */
    assert_int_not_equal(pr_risk_state_from_json(js, &back, &err), 0);
    assert_non_null(strstr(err.msg, "trigger_times[2] (consecutive losses)"));
    free(js);
}

static void test_presets(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    pr_risk_config rc;
    /* crypto: risk 0.5%, cap 1%; the configuration's own risk 0.8% wins. */
    assert_int_equal(pr_config_parse("{\"risk\": {\"preset\": \"crypto\", \"sizing\": {\"risk\": 0.008}}}", &cfg, &err),
                     0);
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_int_equal(rc.preset, PR_RISK_PRESET_CRYPTO);
    assert_true(rc.sizing.risk == 0.008);
    assert_true(rc.sizing.max_loss == 0.01);
    assert_string_equal(pr_risk_param_source(cfg, "risk", rc.preset, "sizing", "risk"), "config");
    assert_string_equal(pr_risk_param_source(cfg, "risk", rc.preset, "sizing", "max_loss"), "preset");
    assert_string_equal(pr_risk_param_source(cfg, "risk", rc.preset, "sizing", "fraction"), "default");
    pr_config_free(cfg);
    /* stocks: 1% / 2%; forex: 1% / 1%; none: the defaults 1% / 2%. */
    static const struct { const char *name; double risk, max_loss; } want[] = {
        {"stocks", 0.01, 0.02}, {"forex", 0.01, 0.01}, {"none", 0.01, 0.02}};
    for (size_t i = 0; i < 3; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"risk\": {\"preset\": \"%s\"}}", want[i].name);
        assert_int_equal(pr_config_parse(text, &cfg, &err), 0);
        assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
        assert_true(rc.sizing.risk == want[i].risk);
        assert_true(rc.sizing.max_loss == want[i].max_loss);
        pr_config_free(cfg);
    }
    /* An unknown preset names its path. */
    assert_int_equal(pr_config_parse("{\"risk\": {\"preset\": \"futures\"}}", &cfg, &err), 0);
    assert_int_not_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_non_null(strstr(err.msg, "risk.preset"));
    pr_config_free(cfg);
    /* state_key is read as text. */
    assert_int_equal(pr_config_parse("{\"risk\": {\"state_key\": \"btc-sma\"}}", &cfg, &err), 0);
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_string_equal(rc.state_key, "btc-sma");
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_equals_continuous),
        cmocka_unit_test(test_trigger_times_ring),
        cmocka_unit_test(test_presets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
