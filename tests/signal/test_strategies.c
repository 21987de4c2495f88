/* trend_ema and mean_reversion on bar sequences built so that every signal
 * can be derived by hand (the derivations are in the comments), run through
 * the market view in batch and in streaming mode; configuration errors name
 * the offending path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_strategies_harness.h"

#define NB 80

/* ---- trend_ema ---------------------------------------------------------------
 * Closes (open = previous close): bars 0..59 at 100, bar 60 at 100 - a, bar 61
 * at 100 + b, then `rest` closes; volume 100 except bar 61 (v61).
 *
 * EMAs (SMA seed, alpha = 2/(n+1): a20 = 2/21, a50 = 2/51). A constant series
 * gives EMA20 = EMA50 = 100 (up to a few ulps of rounding, which the strategy
 * counts as no difference), so d = EMA20 - EMA50 = 0 on bars 50..59.
 * Bar 60 (x = 100 - a): EMA20 = 100 - a20 a, EMA50 = 100 - a50 a, d60 =
 * -(a20 - a50) a < 0 (with d59 = 0 >= 0: a cross down). Bar 61 (x = 100 + b):
 * d61 = (1-a20)(-a20 a) - (1-a50)(-a50 a) + (a20 - a50) b
 *     = (a20 - a50) (b - a (1 - a20 - a50)),
 * since a20(1-a20) - a50(1-a50) = (a20-a50)(1-a20-a50); 1-a20-a50 = 0.8655,
 * so with b = a (or 2a) d61 > 0 and d60 < 0: a cross up at bar 61.
 *
 * RSI(14) (Wilder, TA-Lib; 0 when there was no movement at all): flat bars
 * leave avg gain G = avg loss L = 0. Bar 60: L = a/14. Bar 61 with b = a
 * (change +2a): G = 2a/14, L = 13a/196, RSI = 100 * 28/(28 + 13) = 68.29,
 * inside [30, 70]. With b = 2a (change +3a): G = 3a/14, RSI = 100 * 42/55 =
 * 76.36 > 70: filtered out.
 *
 * Volume SMA(20) at bar 61 = (19 * 100 + v61)/20: v61 = 180 gives 104 and
 * 180 > 104 (confidence 180/104/2 = 0.8654); v61 = 100 gives 100, not above. */
static void te_series(pr_series *s, double a, double b, double v61, const double *rest, size_t n_rest) {
    sh_series(s, PR_TF_1H);
    for (int i = 0; i < 60; i++) sh_push(s, 100, 100);
    sh_push(s, 100 - a, 100);
    sh_push(s, 100 + b, v61);
    for (size_t k = 0; k < n_rest; k++) sh_push(s, rest[k], 100);
}

static pr_strategy *te_default(void) {
    pr_strategy *st = NULL;
    pr_err err;
    assert_int_equal(pr_strategy_create("trend_ema", NULL, NULL, &st, &err), 0);
    return st;
}

static void test_trend_ema_entry_and_cross_exit(void **state) {
    (void)state;
    /* After the entry the close stays at 101: with x = 101 = L, the deviations
     * u = EMA20 - 101, w = EMA50 - 101 decay as u61 (1-a20)^k, w61 (1-a50)^k
     * from u60 = -1 - a20, w60 = -1 - a50 (k bars after bar 60), and
     * d = u - w > 0 because (0.9608/0.9048)^k > 1.0952/1.0392 for k >= 1: no
     * cross. Gains and losses are 0, so G and L both shrink by 13/14 and the
     * RSI stays 68.29 (no RSI exit). Bar 66 falls to 71 (30 below):
     * d66 = (1-a20) u65 - (1-a50) w65 - (a20 - a50) 30 <= 1.04 - 1.68 < 0, a
     * cross down: EXIT. */
    const double rest[5] = {101, 101, 101, 101, 71};
    pr_series s;
    te_series(&s, 1, 1, 180, rest, 5);
    for (int pre = 0; pre < 2; pre++) {
        pr_strategy *st = te_default();
        pr_signal_kind kinds[NB];
        pr_signal sigs[NB];
        assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, pre, kinds, sigs), 2);
        for (size_t t = 0; t < s.len; t++)
            if (t != 61 && t != 66) assert_int_equal(kinds[t], PR_SIG_NONE);
        assert_int_equal(kinds[61], PR_SIG_ENTER_LONG);
        const pr_signal *e = &sigs[61];
        /* 5% stop and +2/+5/+10% tiers of 50/30/20% from the close 101. */
        assert_true(sh_near(e->stop, 101 * 0.95, 1e-9));
        assert_int_equal(e->n_targets, 3);
        assert_true(sh_near(e->target_price[0], 103.02, 1e-9));
        assert_true(sh_near(e->target_price[1], 106.05, 1e-9));
        assert_true(sh_near(e->target_price[2], 111.1, 1e-9));
        assert_true(e->target_frac[0] == 0.5 && e->target_frac[1] == 0.3 && e->target_frac[2] == 0.2);
        assert_true(sh_near(e->confidence, 180.0 / 104.0 / 2.0, 1e-12));
        assert_true(e->size_hint == e->confidence);
        char why[200];
        assert_string_equal(sh_why(e, why, sizeof why),
                            "EMA(20) crossed above EMA(50) with RSI 68.29 and volume 1.73x its average");
        assert_string_equal(e->tag, "trend_ema_long");
        assert_int_equal(kinds[66], PR_SIG_EXIT);
        assert_string_equal(sigs[66].tag, "trend_ema_cross");
        pr_strategy_free(st);
    }
    pr_series_free(&s);
}

static void test_trend_ema_filters(void **state) {
    (void)state;
    const double rest[5] = {101, 101, 101, 101, 71};
    pr_signal_kind kinds[NB];
    pr_signal sigs[NB];
    /* The same series with ordinary volume at bar 61: the cross is there but
     * 100 is not above its average 100, so no entry, and no exit later (the
     * strategy holds nothing). */
    pr_series s;
    te_series(&s, 1, 1, 100, rest, 5);
    pr_strategy *st = te_default();
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    /* ... unless the volume filter is off (then confidence = 100/100/2 = 0.5). */
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"volume_filter\": false}", &cfg, &err), 0);
    assert_int_equal(pr_strategy_create("trend_ema", cfg, NULL, &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 2);
    assert_int_equal(kinds[61], PR_SIG_ENTER_LONG);
    assert_true(sigs[61].confidence == 0.5);
    pr_strategy_free(st);
    pr_config_free(cfg);
    pr_series_free(&s);
    /* Bar 61 at 102 (RSI 76.36 > 70) with the volume spike: no entry. */
    te_series(&s, 1, 2, 180, rest, 5);
    st = te_default();
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    pr_series_free(&s);
}

static void test_trend_ema_rsi_exit(void **state) {
    (void)state;
    /* Entry at bar 61 as above; bar 62 rises to 102 (change +1):
     * G = (2/14)(13/14) + 1/14 = 40/196, L = (13/196)(13/14) = 169/2744,
     * RSI = 100 * 560/(560 + 169) = 76.82 > 70: EXIT at bar 62. */
    const double rest[3] = {102, 102, 102};
    pr_series s;
    te_series(&s, 1, 1, 180, rest, 3);
    pr_strategy *st = te_default();
    pr_signal_kind kinds[NB];
    pr_signal sigs[NB];
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 2);
    assert_int_equal(kinds[61], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[62], PR_SIG_EXIT);
    assert_string_equal(sigs[62].tag, "trend_ema_rsi");
    char why[128];
    assert_string_equal(sh_why(&sigs[62], why, sizeof why), "RSI 76.82 above 70: exit long");
    pr_strategy_free(st);
    pr_series_free(&s);
}

static void test_trend_ema_short(void **state) {
    (void)state;
    /* The mirror image: bar 60 at 101, bar 61 at 99 with the volume spike:
     * d60 > 0 (a cross up at 60, but RSI 100 fails the band), d61 < 0: cross
     * down with RSI = 100 * 13/41 = 31.71. Bar 66 jumps to 129: cross up with
     * RSI > 70, so not a long entry but the exit of the short. */
    const double rest[5] = {99, 99, 99, 99, 129};
    pr_series s;
    te_series(&s, -1, -1, 180, rest, 5);
    pr_signal_kind kinds[NB];
    pr_signal sigs[NB];
    /* Shorts off (the default): nothing at all. */
    pr_strategy *st = te_default();
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"s\": {\"allow_short\": true}}", &cfg, &err), 0);
    assert_int_equal(pr_strategy_create("trend_ema", cfg, "s", &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 2);
    assert_int_equal(kinds[61], PR_SIG_ENTER_SHORT);
    assert_true(sh_near(sigs[61].stop, 99 * 1.05, 1e-9));
    assert_true(sh_near(sigs[61].target_price[0], 97.02, 1e-9));
    assert_true(sh_near(sigs[61].target_price[2], 89.1, 1e-9));
    char why[200];
    assert_string_equal(sh_why(&sigs[61], why, sizeof why),
                        "EMA(20) crossed below EMA(50) with RSI 31.71 and volume 1.73x its average");
    assert_int_equal(kinds[66], PR_SIG_EXIT);
    pr_strategy_free(st);
    pr_config_free(cfg);
    pr_series_free(&s);
}

/* ---- mean_reversion ------------------------------------------------------------
 * Closes: bars 0..39 at 100, 40..49 at 105, bar 50 at 95, then 101.
 *
 * Bar 50: the 20 closes of bars 31..50 are 9 x 100, 10 x 105, 95; mean
 * 102.25; squared deviations 9 x 2.25^2 + 10 x 2.75^2 + 7.25^2 = 173.75,
 * population sd = sqrt(8.6875) = 2.94746; z = -7.25/2.94746 = -2.4597; lower
 * band 102.25 - 5.8949 = 96.355 > 95.
 * RSI: flat bars give G = L = 0; bar 40 (+5): G = 5/14; bars 41..49: G *=
 * 13/14 each; bar 50 (-10): G = (5/14)(13/14)^10 = 0.170225, L = 10/14,
 * RSI = 100 G/(G + L) = 19.245.
 * So: stocks (30/70, 2.0) and forex (25/75, 2.0) enter long at bar 50;
 * crypto (20/80, 2.5) does not: z = -2.46 is not below -2.5.
 * Exit: the middle band (SMA 20) falls as the 105s leave the window; with
 * closes 101 from bar 51, at bar t (59..69) the window sum is
 * 105 (69 - t) + 95 + 101 (t - 50): bar 67 -> 2022 (mean 101.1 > 101), bar
 * 68 -> 2018 (mean 100.9 <= 101): EXIT at bar 68.
 * Shorts: bar 40 closes 105 over 19 x 100: z = +sqrt(19) = 4.36, upper band
 * 100.25 + 2 x 1.0897 = 102.43 < 105, RSI 100: a short entry wherever shorts
 * are allowed; bars 41..49 stay above the mean (z > 0), bar 50 is below it.
 * ATR(14) (true range = the close-to-close move here): 5/14 at bar 40,
 * (5/14)(13/14)^10 + 10/14 = 0.884511 at bar 50. */
static void mr_series(pr_series *s) {
    sh_series(s, PR_TF_1H);
    for (int i = 0; i < 40; i++) sh_push(s, 100, 10);
    for (int i = 40; i < 50; i++) sh_push(s, 105, 10);
    sh_push(s, 95, 10);
    for (int i = 51; i < 72; i++) sh_push(s, 101, 10);
}

static void test_mean_reversion_by_class(void **state) {
    (void)state;
    pr_series s;
    mr_series(&s);
    pr_signal_kind kinds[NB];
    pr_signal sigs[NB];
    const double atr50 = 5.0 / 14 * pow(13.0 / 14, 10) + 10.0 / 14;
    const struct { const char *sym; pr_asset_class cls; } with_entry[2] = {
        {"KO", PR_ASSET_STOCK}, {"EURUSD", PR_ASSET_FOREX}};
    for (int k = 0; k < 2; k++) {
        for (int pre = 0; pre < 2; pre++) {
            pr_strategy *st = NULL;
            pr_err err;
            assert_int_equal(pr_strategy_create("mean_reversion", NULL, NULL, &st, &err), 0);
            assert_int_equal(sh_run_all(st, &s, with_entry[k].sym, with_entry[k].cls, pre, kinds, sigs), 2);
            for (size_t t = 0; t < s.len; t++)
                if (t != 50 && t != 68) assert_int_equal(kinds[t], PR_SIG_NONE);
            assert_int_equal(kinds[50], PR_SIG_ENTER_LONG);
            assert_true(sh_near(sigs[50].stop, 95 - 2 * atr50, 1e-9));
            /* lower band 102.25 - 2 sqrt(8.6875), RSI 100 G/(G + L), z -7.25/sqrt(8.6875) */
            const double g = 5.0 / 14 * pow(13.0 / 14, 10), l = 10.0 / 14;
            char why[200], want[200];
            snprintf(want, sizeof want, "close 95 below the lower band %.10g, RSI %.2f, z %.3f",
                     102.25 - 2 * sqrt(8.6875), 100 * g / (g + l), -7.25 / sqrt(8.6875));
            assert_string_equal(sh_why(&sigs[50], why, sizeof why), want);
            assert_non_null(strstr(why, "RSI 19.24, z -2.460"));
            assert_int_equal(kinds[68], PR_SIG_EXIT);
            assert_string_equal(sigs[68].tag, "mean_rev_exit");
            pr_strategy_free(st);
        }
    }
    /* Crypto: z -2.46 is not beyond 2.5, nothing happens... */
    pr_strategy *st = NULL;
    pr_err err;
    assert_int_equal(pr_strategy_create("mean_reversion", NULL, NULL, &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    /* ... unless the threshold is overridden to 2.4. */
    pr_config *cfg = NULL;
    assert_int_equal(pr_config_parse("{\"z\": 2.4}", &cfg, &err), 0);
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, "", &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 2);
    assert_int_equal(kinds[50], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[68], PR_SIG_EXIT);
    pr_strategy_free(st);
    pr_config_free(cfg);
    /* The per-class table itself. */
    double lo, hi, z;
    pr_mean_reversion_thresholds(PR_ASSET_CRYPTO, &lo, &hi, &z);
    assert_true(lo == 20 && hi == 80 && z == 2.5);
    pr_mean_reversion_thresholds(PR_ASSET_FOREX, &lo, &hi, &z);
    assert_true(lo == 25 && hi == 75 && z == 2.0);
    pr_mean_reversion_thresholds(PR_ASSET_STOCK, &lo, &hi, &z);
    assert_true(lo == 30 && hi == 70 && z == 2.0);
    pr_series_free(&s);
}

static void test_mean_reversion_short(void **state) {
    (void)state;
    pr_series s;
    mr_series(&s);
    pr_signal_kind kinds[NB];
    pr_signal sigs[NB];
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"allow_short\": true}", &cfg, &err), 0);
    /* Crypto: short at bar 40 (once: bars 41..49 would qualify again, z = 3
     * at bar 41, but the strategy already holds the short), stop 105 +
     * 2 x 5/14; bar 50 is below the mean: EXIT (the long side fails on z). */
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, NULL, &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 2);
    assert_int_equal(kinds[40], PR_SIG_ENTER_SHORT);
    assert_true(sh_near(sigs[40].stop, 105 + 2 * 5.0 / 14, 1e-9));
    assert_int_equal(kinds[50], PR_SIG_EXIT);
    pr_strategy_free(st);
    /* Stocks: short at 40, reversed straight into the long at 50 (one
     * ENTER_LONG, which the pipeline turns into close + open), exit at 68. */
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, NULL, &st, &err), 0);
    assert_int_equal(sh_run_all(st, &s, "KO", PR_ASSET_STOCK, 1, kinds, sigs), 3);
    assert_int_equal(kinds[40], PR_SIG_ENTER_SHORT);
    assert_int_equal(kinds[50], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[68], PR_SIG_EXIT);
    pr_strategy_free(st);
    pr_config_free(cfg);
    pr_series_free(&s);
}

/* The strategies read what they hold from the view: an entry that never
 * filled (vetoed by a confirmation stage, rejected by the broker) leaves them
 * flat, and a position closed by its stop can be entered again. mr_series
 * with shorts on crypto: bars 40 and 41 both qualify for a short (bar 41:
 * mean 100.5, population sd 1.5 over 18 x 100 and 2 x 105, upper band 103.5
 * < 105, z = 3 > 2.5, RSI 100 > 80); bar 50 closes below the middle band,
 * the exit test of a short. */
static void test_strategies_see_their_position(void **state) {
    (void)state;
    pr_series s;
    mr_series(&s);
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"allow_short\": true}", &cfg, &err), 0);
    /* Every entry refused: the strategy stays flat, so bar 41 signals the
     * short again and bar 50 has nothing to exit. */
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, NULL, &st, &err), 0);
    sh_run r;
    assert_int_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, &err), 0);
    r.refuse = 1;
    pr_signal_kind k[NB];
    for (size_t t = 0; t < s.len; t++) {
        assert_true(sh_step(&r, &err) != (size_t)-1);
        k[t] = r.list.n ? r.list.items[0].kind : PR_SIG_NONE;
        assert_int_equal(pr_view_side(r.v, 0), 0);
    }
    assert_int_equal(k[40], PR_SIG_ENTER_SHORT);
    assert_int_equal(k[41], PR_SIG_ENTER_SHORT);
    assert_int_equal(k[50], PR_SIG_NONE);
    sh_close(&r);
    pr_strategy_free(st);
    /* The short of bar 40 fills at bar 41's open and its stop closes it in
     * bar 41: flat at bar 41's close, the strategy enters again. */
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, NULL, &st, &err), 0);
    assert_int_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, &err), 0);
    for (size_t t = 0; t <= 40; t++) assert_true(sh_step(&r, &err) != (size_t)-1);
    assert_int_equal(r.list.n, 1);
    assert_int_equal(r.list.items[0].kind, PR_SIG_ENTER_SHORT);
    sh_stop_out(&r);
    assert_int_equal(sh_step(&r, &err), 1);
    assert_int_equal(r.list.items[0].kind, PR_SIG_ENTER_SHORT);
    /* Held now (filled at bar 42's open): no entry at 42, the exit at 50. */
    assert_int_equal(sh_step(&r, &err), 0);
    assert_int_equal(pr_view_side(r.v, 0), -1);
    while (r.t < 50) assert_int_equal(sh_step(&r, &err), 0);
    assert_int_equal(sh_step(&r, &err), 1);
    assert_int_equal(r.list.items[0].kind, PR_SIG_EXIT);
    sh_close(&r);
    pr_strategy_free(st);
    pr_config_free(cfg);
    pr_series_free(&s);
}

/* trend_ema: the entry of bar 61 refused, the cross down of bar 66 (see
 * test_trend_ema_entry_and_cross_exit) finds nothing to exit. */
static void test_trend_ema_vetoed_entry(void **state) {
    (void)state;
    const double rest[5] = {101, 101, 101, 101, 71};
    pr_series s;
    te_series(&s, 1, 1, 180, rest, 5);
    pr_strategy *st = te_default();
    sh_run r;
    pr_err err;
    assert_int_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, &err), 0);
    r.refuse = 1;
    size_t total = 0;
    for (size_t t = 0; t < s.len; t++) {
        size_t n = sh_step(&r, &err);
        assert_true(n != (size_t)-1);
        if (t == 61) assert_int_equal(r.list.items[0].kind, PR_SIG_ENTER_LONG);
        total += n;
    }
    assert_int_equal(total, 1);
    sh_close(&r);
    pr_strategy_free(st);
    pr_series_free(&s);
}

/* ---- configuration -------------------------------------------------------------- */
/* Creating `name` from `json` at path "strategy.params" fails naming `field`. */
static void expect_bad(const char *name, const char *json, const char *field, const char *text) {
    pr_config *cfg = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_strategy *st = NULL;
    int rc = pr_strategy_create(name, cfg, "strategy.params", &st, &err);
    if (rc == 0 || strcmp(err.field, field) != 0 || !strstr(err.msg, text))
        fail_msg("%s %s: rc %d field '%s' msg '%s' (wanted %s / %s)", name, json, rc, err.field, err.msg, field, text);
    assert_null(st);
    pr_config_free(cfg);
}

static void test_config_errors(void **state) {
    (void)state;
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"fsat\": 10}}}", "strategy.params.fsat",
               "unknown key (did you mean \"fast\"?)");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"fast\": 60}}}", "strategy.params.fast",
               "fast < slow (fast=60 slow=50)");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"rsi_high\": 120}}}", "strategy.params.rsi_high",
               "expected a number in [0,100], got 120");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"stop\": 1}}}", "strategy.params.stop", "[0,1)");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"take_profit\": [0.02, 0.05]}}}",
               "strategy.params.take_profit_frac", "expected 2 values (one per take_profit element)");
    expect_bad("trend_ema",
               "{\"strategy\": {\"params\": {\"take_profit\": [0.02, 0.05], \"take_profit_frac\": [0.7, 0.6]}}}",
               "strategy.params.take_profit_frac", "sum to at most 1");
    expect_bad("trend_ema",
               "{\"strategy\": {\"params\": {\"take_profit\": [0.05, 0.02], \"take_profit_frac\": [0.5, 0.5]}}}",
               "strategy.params.take_profit", "must increase");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"take_profit\": [0.02, \"x\"]}}}",
               "strategy.params.take_profit.1", "expected a number");
    expect_bad("trend_ema", "{\"strategy\": {\"params\": {\"allow_short\": 1}}}", "strategy.params.allow_short",
               "expected true or false");
    expect_bad("mean_reversion", "{\"strategy\": {\"params\": {\"z\": -1}}}", "strategy.params.z",
               "expected a number in (0,100), got -1");
    expect_bad("mean_reversion", "{\"strategy\": {\"params\": {\"rsi_low\": 60, \"rsi_high\": 40}}}",
               "strategy.params.rsi_low", "rsi_low < rsi_high");
    expect_bad("mean_reversion", "{\"strategy\": {\"params\": {\"bb_period\": 1}}}", "strategy.params.bb_period",
               "expected an integer in [2,100000], got 1");
    expect_bad("mean_reversion", "{\"strategy\": {\"params\": {\"bands\": 1}}}", "strategy.params.bands",
               "unknown key");
    expect_bad("ta_score", "{\"strategy\": {\"params\": {\"min_score\": 11}}}", "strategy.params.min_score",
               "expected an integer in [1,10], got 11");
    expect_bad("ta_score", "{\"strategy\": {\"params\": {\"htf\": \"4x\"}}}", "strategy.params.htf",
               "expected \"auto\", \"off\" or a timeframe");
    expect_bad("ta_score", "{\"strategy\": {\"params\": {\"macd_fast\": 30}}}", "strategy.params.macd_fast",
               "must be below macd_slow");
    expect_bad("ta_score", "{\"strategy\": {\"params\": {\"bb_near\": 0.7}}}", "strategy.params.bb_near",
               "expected a number in [0,0.5], got 0.7");
    expect_bad("ta_score", "{\"strategy\": {\"params\": {\"min_scor\": 5}}}", "strategy.params.min_scor",
               "did you mean \"min_score\"");
    expect_bad("ta_score", "{\"strategy\": {\"params\": 5}}", "strategy.params", "expected an object");
}

static void test_config_values_and_describe(void **state) {
    (void)state;
    const char *const *names = pr_strategy_names();
    const char *want[] = {"sma_cross",        "trend_ema", "mean_reversion", "ta_score", "rules",
                          "vol_breakout",     "weekend_reversal", "mtf_trend", "gap_fade", "pairs", "triangular",
                          "session_breakout", "funding_carry", "grid"};
    for (int i = 0; i < 14; i++) assert_string_equal(names[i], want[i]);
    assert_null(names[14]);
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"a\": {\"fast\": 10, \"slow\": 30, \"allow_short\": true, \"stop\": 0.03,"
                                     " \"take_profit\": [0.04, 0.08], \"take_profit_frac\": [0.5, 0.5]},"
                                     " \"b\": {\"rsi_low\": 22, \"z\": 2.2, \"stop\": 0.04},"
                                     " \"c\": {\"min_score\": 6, \"htf\": \"1d\", \"allow_short\": true}}",
                                     &cfg, &err),
                     0);
    pr_trend_ema_params tp;
    assert_int_equal(pr_trend_ema_config(cfg, "a", &tp, &err), 0);
    assert_true(tp.fast == 10 && tp.slow == 30 && tp.allow_short && tp.stop_frac == 0.03 && tp.n_targets == 2);
    assert_true(tp.tp[1] == 0.08 && tp.tp_frac[1] == 0.5 && tp.rsi_low == 30 && tp.volume_period == 20);
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("trend_ema", cfg, "a", &st, &err), 0);
    char d[300];
    st->vt->describe(st, d, sizeof d);
    assert_string_equal(d, "ema=10/30 rsi=14 in [30,70] volume>sma20=1 short=1 stop=0.03 "
                           "take_profit=0.04:0.5,0.08:0.5 conf_volume=2");
    pr_strategy_free(st);
    pr_mean_reversion_params mp;
    assert_int_equal(pr_mean_reversion_config(cfg, "b", &mp, &err), 0);
    assert_true(mp.rsi_low == 22 && mp.rsi_high == 0 && mp.z == 2.2 && mp.stop_frac == 0.04 && mp.bb_period == 20);
    assert_int_equal(pr_strategy_create("mean_reversion", cfg, "b", &st, &err), 0);
    st->vt->describe(st, d, sizeof d);
    assert_string_equal(d, "bb=20/2 rsi=14 low=22 high=auto z=20>2.2 short=0 stop=2xATR14 stop_frac=0.04");
    pr_strategy_free(st);
    pr_ta_score_params sp;
    assert_int_equal(pr_ta_score_config(cfg, "c", &sp, &err), 0);
    assert_true(sp.min_score == 6 && sp.htf == PR_TF_1D && !sp.htf_off && sp.allow_short && sp.ema_long == 200);
    assert_int_equal(pr_strategy_create("ta_score", cfg, "c", &st, &err), 0);
    st->vt->describe(st, d, sizeof d);
    assert_string_equal(d, "min_score=6 rsi=14<30|>70 macd=12/26/9 ema=20/50/200 adx=14>25 bb=20/2 near=0.2 "
                           "volume>1xsma20 htf=1d ema20 stop=2xATR14 target=3xATR short=1");
    pr_strategy_free(st);
    pr_config_free(cfg);
    /* Defaults without a configuration. */
    assert_int_equal(pr_strategy_create("trend_ema", NULL, NULL, &st, &err), 0);
    st->vt->describe(st, d, sizeof d);
    assert_string_equal(d, "ema=20/50 rsi=14 in [30,70] volume>sma20=1 short=0 stop=0.05 "
                           "take_profit=0.02:0.5,0.05:0.3,0.1:0.2 conf_volume=2");
    pr_strategy_free(st);
    /* An empty take_profit list means no tiers. */
    assert_int_equal(pr_config_parse("{\"take_profit\": [], \"take_profit_frac\": []}", &cfg, &err), 0);
    assert_int_equal(pr_trend_ema_config(cfg, NULL, &tp, &err), 0);
    assert_int_equal(tp.n_targets, 0);
    pr_config_free(cfg);
    /* Direct construction checks too. */
    pr_trend_ema_defaults(&tp);
    tp.fast = 50;
    assert_int_equal(pr_trend_ema_new(&tp, &st, &err), PR_EINVAL);
    pr_mean_reversion_defaults(&mp);
    mp.stop_frac = 1.5;
    assert_int_equal(pr_mean_reversion_new(&mp, &st, &err), PR_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_ema_entry_and_cross_exit),
        cmocka_unit_test(test_trend_ema_filters),
        cmocka_unit_test(test_trend_ema_rsi_exit),
        cmocka_unit_test(test_trend_ema_short),
        cmocka_unit_test(test_mean_reversion_by_class),
        cmocka_unit_test(test_mean_reversion_short),
        cmocka_unit_test(test_strategies_see_their_position),
        cmocka_unit_test(test_trend_ema_vetoed_entry),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_config_values_and_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
