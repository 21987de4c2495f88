/* vol_breakout and weekend_reversal on bar sequences built so that every
 * signal can be derived by hand (the derivations are in the comments), run
 * through the market view bar by bar as the backtest does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_strategies_harness.h"

#define NVB 71
#define NWR (21 * 24)

static pr_strategy *make(const char *name, const char *json) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    if (pr_config_parse(json, &cfg, &err) != 0) fail_msg("config: %s", err.msg);
    pr_strategy *st = NULL;
    if (pr_strategy_create(name, cfg, "p", &st, &err) != 0) fail_msg("%s: %s", name, err.msg);
    pr_config_free(cfg);
    return st;
}

/* ---- vol_breakout ---------------------------------------------------------------
 * Parameters: atr 5 / 20, squeeze 0.7, Bollinger 10 bars, widths ranked over
 * 20, range and volume mean over 10 bars, volume x1.5, target 2R.
 * Hourly bars, open = previous close, high/low = the larger/smaller of the
 * two (true range = |move|), volume 100:
 *   bars 0..39: closes 100, 110, 100, 110, ... (true range 10);
 *   bars 40..69: close_j = 100 + (-1)^j A g^(j-40), a swing that shrinks
 *     (g = 0.9, A = 5) or grows (g = 1.02, A = 0.2) by the factor g a bar;
 *   bar 70: close 102 with volume v70.
 * The squeeze at bar 69: ATR20 (Wilder, 1/20) still holds at least
 * (19/20)^29 = 0.226 of its value at bar 40, 10, i.e. >= 2.26, while ATR5
 * has forgotten all but (4/5)^29 = 0.0015 of it and follows the last swings,
 * below 2 x their largest (< 1.2 when shrinking from A = 5: the moves near
 * bar 69 are 5 x 0.9^28 x 1.9 = 0.50; < 0.8 when growing from 0.2: 0.2 x
 * 1.02^29 x 2 = 0.71): ATR5 < 0.7 x 2.26 = 1.58.
 * The band widths: a window of bars 40.. only scales the previous one's
 * swings by g, so with g = 0.9 each width is ~10% below the one before and
 * bar 69's is the narrowest of the 20 before it (0 of 20 below it <= 0.2 x
 * 20); with g = 1.02 it is the widest of the 20 windows inside 40..69 but
 * the first (19 below it > 4): no squeeze by the band test.
 * The range of bars 60..69 (shrinking): highs are the larger of two
 * neighbouring closes, the largest the highest close among 59..69, close_60
 * = 100 + 5 x 0.9^20; the lowest low close_59 = 100 - 5 x 0.9^19. Bar 70's
 * close 102 is above it, the first close of the run outside the previous
 * 10 bars' range (the swings only shrink, and the 100/110 closes never beat
 * 110). The volume mean of bars 60..69 is 100, so v70 = 200 > 150 passes
 * and 140 does not. The signal: long, stop at the range low close_59, target
 * 102 + 2 (102 - close_59). */
static void vb_series(pr_series *s, double amp, double g, double v70, double *closes) {
    sh_series(s, PR_TF_1H);
    for (int j = 0; j < 40; j++) {
        closes[j] = j % 2 ? 110 : 100;
        sh_push(s, closes[j], 100);
    }
    for (int j = 40; j < 70; j++) {
        closes[j] = 100 + (j % 2 ? -1 : 1) * amp * pow(g, j - 40);
        sh_push(s, closes[j], 100);
    }
    closes[70] = 102;
    sh_push(s, 102, v70);
}

static const char *const k_vb = "{\"p\": {\"atr_fast\": 5, \"atr_slow\": 20, \"bb_period\": 10, \"width_lookback\": 20,"
                                " \"range_period\": 10, \"volume_period\": 10}}";

static size_t vb_run(const char *json, double amp, double g, double v70, pr_signal_kind *kinds, pr_signal *sigs,
                     double *closes) {
    pr_series s;
    vb_series(&s, amp, g, v70, closes);
    pr_strategy *st = make("vol_breakout", json);
    size_t n = sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs);
    pr_strategy_free(st);
    pr_series_free(&s);
    return n;
}

static void test_vol_breakout_squeeze_break(void **state) {
    (void)state;
    pr_signal_kind kinds[NVB];
    pr_signal sigs[NVB];
    double c[NVB];
    assert_int_equal(vb_run(k_vb, 5, 0.9, 200, kinds, sigs, c), 1);
    assert_int_equal(kinds[70], PR_SIG_ENTER_LONG);
    const pr_signal *sig = &sigs[70];
    assert_true(c[59] == 100 - 5 * pow(0.9, 19));
    assert_true(sig->stop == c[59]);
    assert_int_equal(sig->n_targets, 1);
    assert_true(sig->target_price[0] == 102 + 2 * (102 - c[59]) && sig->target_frac[0] == 1);
    assert_int_equal(sig->max_bars, 0);
    char why[256];
    const char *w = sh_why(sig, why, sizeof why);
    /* the range high is close_60 = 100 + 5 x 0.9^20 = 100.6079...; volume x2 */
    assert_non_null(strstr(w, "close 102 above the 100.6078833 range high"));
    assert_non_null(strstr(w, "volume x2.00"));
    /* A time stop when asked. */
    assert_int_equal(vb_run("{\"p\": {\"atr_fast\": 5, \"atr_slow\": 20, \"bb_period\": 10, \"width_lookback\": 20,"
                            " \"range_period\": 10, \"volume_period\": 10, \"max_bars\": 12, \"target_r\": 0}}",
                            5, 0.9, 200, kinds, sigs, c),
                     1);
    assert_true(sigs[70].max_bars == 12 && sigs[70].n_targets == 0);
}

static void test_vol_breakout_filters(void **state) {
    (void)state;
    pr_signal_kind kinds[NVB];
    pr_signal sigs[NVB];
    double c[NVB];
    /* volume 140 <= 1.5 x 100 */
    assert_int_equal(vb_run(k_vb, 5, 0.9, 140, kinds, sigs, c), 0);
    /* ... unless the volume test is off */
    assert_int_equal(vb_run("{\"p\": {\"atr_fast\": 5, \"atr_slow\": 20, \"bb_period\": 10, \"width_lookback\": 20,"
                            " \"range_period\": 10, \"volume_period\": 10, \"volume_mult\": 0}}",
                            5, 0.9, 140, kinds, sigs, c),
                     1);
    assert_int_equal(kinds[70], PR_SIG_ENTER_LONG);
    /* squeeze 0.05: ATR5 (~0.5-1.2) is not below 0.05 x ATR20 (< 0.5) */
    assert_int_equal(vb_run("{\"p\": {\"atr_fast\": 5, \"atr_slow\": 20, \"bb_period\": 10, \"width_lookback\": 20,"
                            " \"range_period\": 10, \"volume_period\": 10, \"squeeze\": 0.05}}",
                            5, 0.9, 200, kinds, sigs, c),
                     0);
    /* swings that grow: the ATRs still squeeze but the band is the widest
     * of its lookback, so the band test refuses... */
    assert_int_equal(vb_run(k_vb, 0.2, 1.02, 200, kinds, sigs, c), 0);
    /* ... and without it the break is taken */
    assert_int_equal(vb_run("{\"p\": {\"atr_fast\": 5, \"atr_slow\": 20, \"bb_period\": 10, \"width_lookback\": 20,"
                            " \"range_period\": 10, \"volume_period\": 10, \"width_pct\": 0}}",
                            0.2, 1.02, 200, kinds, sigs, c),
                     1);
    assert_int_equal(kinds[70], PR_SIG_ENTER_LONG);
}

/* Held long, the close falling back through the band's middle exits: after
 * bar 70 (the entry fills at bar 71's open), bar 71 closes at 100 - below
 * the 10-bar mean of closes 62..71, which bar 70's 102 lifts above 100
 * (the swings around 100 are tiny: |sum| < 2 x 5 x 0.9^22 = 0.98). */
static void test_vol_breakout_exit(void **state) {
    (void)state;
    pr_series s;
    double c[NVB];
    vb_series(&s, 5, 0.9, 200, c);
    sh_push(&s, 103, 100);   /* bar 71: above the middle, hold */
    sh_push(&s, 100, 100);   /* bar 72: mean of 63..72 > 100.1 > 100: exit */
    pr_strategy *st = make("vol_breakout", k_vb);
    pr_signal_kind kinds[NVB + 2];
    pr_signal sigs[NVB + 2];
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 2);
    assert_int_equal(kinds[70], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[71], PR_SIG_NONE);
    assert_int_equal(kinds[72], PR_SIG_EXIT);
    pr_strategy_free(st);
    pr_series_free(&s);
}

/* ---- weekend_reversal ------------------------------------------------------------
 * Hourly bars from Monday 2024-01-01 00:00 UTC (bar k opens at hour k),
 * open = previous close. Week 1: 100 until Thursday's last bar; from
 * Friday 00:00 (bar 96) the 72 bars of the weekend close at 100 - 10 (k + 1)
 * / 72, the last (Sunday 23:00, bar 167) at 90. Friday's daily open is the
 * open of bar 96, 100; Sunday's daily close 90: -10%, beyond the default
 * 5%. The daily Sunday bar closes at Monday 00:00, the close of bar 167:
 * the decision of bar 167 buys (filled at Monday's first open), holding
 * 24 bars, stop 5% below 90 = 85.5. Week 2 stays at 90 (no decline). Week 3:
 * Friday opens at 90 and Sunday closes at 90 x 0.97 (-3%): no entry. */
static void wr_series(pr_series *s, int drop_saturday) {
    sh_series(s, PR_TF_1H);
    for (int k = 0; k < NWR; k++) {
        int day = k / 24, h = k % 24;
        double c;
        if (day < 4) c = 100;
        else if (day < 7) c = 100 - 10.0 * ((day - 4) * 24 + h + 1) / 72;
        else if (day < 18) c = 90;
        else c = 90 * (1 - 0.03 * ((day - 18) * 24 + h + 1) / 72);
        if (drop_saturday && day == 5) {
            /* the weekend's Saturday missing: no bar, the time moves on */
            continue;
        }
        double o = s->len ? s->close[s->len - 1] : c;
        pr_series_push(s, sh_t0() + (int64_t)k * PR_MS_PER_HOUR, o, o > c ? o : c, o < c ? o : c, c, 100);
    }
}

static void test_weekend_reversal(void **state) {
    (void)state;
    pr_series s;
    wr_series(&s, 0);
    pr_strategy *st = make("weekend_reversal", "{\"p\": {}}");
    pr_signal_kind kinds[NWR];
    pr_signal sigs[NWR];
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 1);
    assert_int_equal(kinds[167], PR_SIG_ENTER_LONG);
    assert_true(s.close[167] == 90 && s.ts[167] + PR_MS_PER_HOUR == sh_t0() + 7 * PR_MS_PER_DAY);
    assert_int_equal(sigs[167].max_bars, 24);
    assert_true(sigs[167].stop == 90 * (1 - 0.05));
    assert_int_equal(sigs[167].n_targets, 0);
    char why[256];
    assert_non_null(strstr(sh_why(&sigs[167], why, sizeof why), "Friday open 100 to Sunday close 90: -10.00%"));
    pr_strategy_free(st);
    /* A threshold of 2% takes the -3% weekend too (bar 503: Sunday 21 Jan
     * 23:00), with a 4-hour hold and a 1% target. */
    st = make("weekend_reversal", "{\"p\": {\"drop\": 0.02, \"hold_hours\": 4, \"stop\": 0, \"target\": 0.01}}");
    sh_run r;
    pr_err err;
    assert_int_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, &err), 0);
    size_t entries = 0;
    for (size_t t = 0; t < s.len; t++) {
        if (t == 168 + 4) sh_stop_out(&r);   /* the engine's time stop after 4 bars */
        size_t n = sh_step(&r, &err);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(r.list.items[k].kind, PR_SIG_ENTER_LONG);
            assert_true(t == 167 || t == 503);
            entries++;
            if (t == 503) {
                const pr_signal *g = &r.list.items[k];
                assert_true(g->max_bars == 4 && g->stop == 0 && g->n_targets == 1);
                assert_true(g->target_price[0] == s.close[503] * 1.01);
            }
        }
    }
    assert_int_equal(entries, 2);
    sh_close(&r);
    /* Still holding (no time stop seen), the next weekend is not bought. */
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 1);
    pr_strategy_free(st);
    pr_series_free(&s);
    /* A weekend with its Saturday missing is not judged (Friday is then not
     * two days before Sunday among the daily bars). */
    wr_series(&s, 1);
    st = make("weekend_reversal", "{\"p\": {}}");
    pr_signal_kind k2[NWR];
    pr_signal s2[NWR];
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, k2, s2), 0);
    pr_strategy_free(st);
    pr_series_free(&s);
}

static void test_config_errors_more(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    pr_strategy *st = NULL;
    assert_int_equal(pr_config_parse("{\"p\": {\"atr_fast\": 50, \"atr_slow\": 20}}", &cfg, &err), 0);
    assert_int_equal(pr_strategy_create("vol_breakout", cfg, "p", &st, &err), PR_EINVAL);
    assert_string_equal(err.field, "p.atr_fast");
    assert_non_null(strstr(err.msg, "must be below atr_slow"));
    pr_config_free(cfg);
    assert_int_equal(pr_config_parse("{\"p\": {\"drop\": 1.5}}", &cfg, &err), 0);
    assert_int_equal(pr_strategy_create("weekend_reversal", cfg, "p", &st, &err), PR_EINVAL);
    assert_string_equal(err.field, "p.drop");
    pr_config_free(cfg);
    assert_null(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vol_breakout_squeeze_break),
        cmocka_unit_test(test_vol_breakout_filters),
        cmocka_unit_test(test_vol_breakout_exit),
        cmocka_unit_test(test_weekend_reversal),
        cmocka_unit_test(test_config_errors_more),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
