/* A strategy that cannot fire for a structural reason says so
 * (pr_strategy_explain): ta_score on bars without volume, whose volume
 * component can then never score. Counts are worked out from the
 * indicators' lookbacks: with the higher timeframe off, every input of the
 * score is defined from bar 199 (EMA(200)'s lookback; RSI 14, MACD 33,
 * ADX 27, Bollinger 19, ATR 14 and SMA(volume, 20) 19 come earlier), so
 * 300 bars give 101 scored bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_strategies_harness.h"

/* 300 hourly bars zig-zagging upwards; volume `vol` on even bars, `vol_odd`
 * on odd ones. */
static void make_bars(pr_series *s, double vol, double vol_odd) {
    sh_series(s, PR_TF_1H);
    for (int t = 0; t < 300; t++) sh_push(s, 100 + 0.05 * t + (t % 7 < 4 ? 0.8 : -0.8), t % 2 ? vol_odd : vol);
}

static void run_score(const pr_series *s, char *note, size_t cap) {
    pr_ta_score_params p;
    pr_ta_score_defaults(&p);
    p.htf_off = 1;
    pr_strategy *st = NULL;
    assert_int_equal(pr_ta_score_new(&p, &st, NULL), 0);
    pr_signal_kind kinds[300];
    pr_signal sigs[300];
    assert_true(sh_run_all(st, s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs) != (size_t)-1);
    pr_strategy_explain(st, note, cap);
    pr_strategy_free(st);
}

static void test_no_volume(void **state) {
    (void)state;
    pr_series s;
    char note[600];
    make_bars(&s, 0, 0);
    run_score(&s, note, sizeof note);
    /* 10 points less the volume point less the htf point (off): 8. */
    if (!strstr(note, "101 of 101 scored bars had no volume data") || !strstr(note, "at most 8 of 10") ||
        !strstr(note, "min_score is 7"))
        fail_msg("note: '%s'", note);
    pr_series_free(&s);
}

static void test_with_volume(void **state) {
    (void)state;
    pr_series s;
    char note[600];
    /* Volume on every bar: the volume component can score; no such note. */
    make_bars(&s, 1000, 1500);
    run_score(&s, note, sizeof note);
    if (strstr(note, "no volume")) fail_msg("note with volume data: '%s'", note);
    pr_series_free(&s);
}

static void test_other_strategies(void **state) {
    (void)state;
    /* A strategy without an explain hook gives "". */
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, NULL), 0);
    char note[64] = "x";
    assert_int_equal(pr_strategy_explain(st, note, sizeof note), 0);
    assert_string_equal(note, "");
    pr_strategy_free(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_volume),
        cmocka_unit_test(test_with_volume),
        cmocka_unit_test(test_other_strategies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
