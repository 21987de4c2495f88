/* ta_score: each component's points on a constructed series worked out by
 * hand, the higher-timeframe point appearing only once its 4h bar has
 * closed, the entries the strategy makes from them, and
 * pr_ta_score_compute giving exactly the strategy's numbers at every bar
 * (constructed data and real BTCUSDT/KO data, batch and streaming views). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proratio/data.h"
#include "pr_test.h"
#include "test_strategies_harness.h"

/* Hourly closes from Monday 00:00: bars 0..240 at 100 (volume 100), bar 241
 * steps to 101 (open 100, high 101, low 100) with volume v241, bars 242..244
 * at 101 (open = high = low = close). The 4h bucket of bars 240..243 closes
 * with bar 243.
 *
 * Before the step every indicator sits on the constant: EMAs 100 (up to
 * rounding noise, which scores nothing), MACD =
 * signal = 0, Bollinger bands all 100 (flat: no BB point), no directional
 * movement (ADX 0), RSI 0 (TA-Lib's value when nothing moved: < 30, the
 * long RSI point). At bar 240: long 2 (rsi), short 0.
 *
 * k bars after the step (bar 240 + k):
 *   RSI: gains only, RSI 100 > 70: short 2 on bars 241..244.
 *   MACD: EMA12 - EMA26 = (25/27)^k - (11/13)^k = 0.0798, 0.1414, 0.1880,
 *     0.2224 for k = 1..4, rising; the signal EMA(9) lags below it (0.0160,
 *     0.0410, 0.0704, 0.1008), and at k = 1 it was 0 = 0 the bar before: a
 *     fresh cross (long 2) at 241, above without a cross (long 1) after.
 *   EMA: EMA20 moves toward 101 faster than EMA50 (long 1) and 101 > EMA200
 *     = 100 + 2/201 (long 1): long 2.
 *   ADX: the step bar has +DM 1, TR 1, the flat bars after add nothing, so
 *     +DI = 100, -DI = 0, DX = 100 and ADX = 100 (1 - (13/14)^k) = 7.14,
 *     13.78, 19.94, 25.66: the ADX point (long) only at 244.
 *   BB(20, 2): j closes of 101 among 20 (j = k): mean 100 + j/20, sd
 *     sqrt(p(1-p)) with p = j/20, position (101 - lower)/(upper - lower) =
 *     (1 - p + 2 sd)/(4 sd) = 1.59, 1.25, 1.10, 1.00 > 0.8: short 1.
 *   Volume: with v241 = 300 the average at 241 is (19 x 100 + 300)/20 = 110
 *     and 300 > 110 on an up bar: long 1 at 241 only (100 < 110 later).
 *   HTF (4h, EMA 20 of 4h closes): the latest closed 4h bar is bars
 *     236..239 (close 100 = its EMA: no point) until bar 243 closes the
 *     bucket 240..243 (close 101 > EMA 100 + 2/21): long 1 from 243.
 * Long points (rsi,macd,ema,adx,bb,volume,htf) and totals, v241 = 300:
 *   240 2000000 = 2 | 241 0220010 = 5 | 242 0120000 = 3 | 243 0120001 = 4 |
 *   244 0121001 = 5; short 2000100 = 3 on 241..244, 0 at 240. */
static void score_series(pr_series *s, double v241) {
    sh_series(s, PR_TF_1H);
    for (int i = 0; i <= 240; i++) sh_push(s, 100, 100);
    sh_push(s, 101, v241);
    for (int i = 242; i <= 244; i++) sh_push(s, 101, 100);
}

static int pts_digits(const int *pts) {
    int d = 0;
    for (int k = 0; k < PR_TS_COUNT; k++) d = d * 10 + pts[k];
    return d;
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* The strategy's score and pr_ta_score_compute's agree in every field. */
static void assert_same_result(const pr_ta_score_result *a, const pr_ta_score_result *b) {
    assert_int_equal(a->valid, b->valid);
    assert_int_equal(a->long_score, b->long_score);
    assert_int_equal(a->short_score, b->short_score);
    assert_memory_equal(a->long_pts, b->long_pts, sizeof a->long_pts);
    assert_memory_equal(a->short_pts, b->short_pts, sizeof a->short_pts);
    assert_int_equal(a->ts, b->ts);
    assert_int_equal(a->htf, b->htf);
    const double x[] = {a->close, a->open, a->volume, a->volume_avg, a->rsi, a->macd, a->macd_signal, a->macd_prev,
                        a->macd_signal_prev, a->ema_fast, a->ema_slow, a->ema_long, a->adx, a->plus_di,
                        a->minus_di, a->bb_upper, a->bb_lower, a->bb_pos, a->atr, a->htf_close, a->htf_ema};
    const double y[] = {b->close, b->open, b->volume, b->volume_avg, b->rsi, b->macd, b->macd_signal, b->macd_prev,
                        b->macd_signal_prev, b->ema_fast, b->ema_slow, b->ema_long, b->adx, b->plus_di,
                        b->minus_di, b->bb_upper, b->bb_lower, b->bb_pos, b->atr, b->htf_close, b->htf_ema};
    for (size_t k = 0; k < sizeof x / sizeof x[0]; k++)
        if (!same(x[k], y[k])) fail_msg("input %zu differs: %.17g vs %.17g", k, x[k], y[k]);
}

static void test_components_by_hand(void **state) {
    (void)state;
    pr_series s;
    score_series(&s, 300);
    const int want_long[5] = {2000000, 220010, 120000, 120001, 121001};
    const int want_ls[5] = {2, 5, 3, 4, 5};
    for (int pre = 0; pre < 2; pre++) {
        pr_ta_score_params p;
        pr_ta_score_defaults(&p);
        pr_strategy *st = NULL;
        pr_err err;
        assert_int_equal(pr_ta_score_new(&p, &st, &err), 0);
        sh_run r;
        assert_int_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, pre, &err), 0);
        for (size_t t = 0; t < s.len; t++) {
            assert_int_not_equal(sh_step(&r, &err), (size_t)-1);
            pr_ta_score_result a, b;
            assert_int_equal(pr_ta_score_last(st, 0, &a), 0);
            assert_int_equal(pr_ta_score_compute(r.v, 0, &p, &b, &err), 0);
            assert_same_result(&a, &b);
            /* EMA(200) exists from bar 199 (the MACD, ADX, 4h EMA earlier). */
            assert_int_equal(a.valid, t >= 199);
            assert_int_equal(a.htf, PR_TF_4H);
            if (t < 240) continue;
            int k = (int)t - 240;
            if (pts_digits(a.long_pts) != want_long[k] || a.long_score != want_ls[k])
                fail_msg("bar %zu: long %07d = %d, wanted %07d = %d", t, pts_digits(a.long_pts), a.long_score,
                         want_long[k], want_ls[k]);
            assert_int_equal(pts_digits(a.short_pts), k == 0 ? 0 : 2000100);
            assert_int_equal(a.short_score, k == 0 ? 0 : 3);
            if (k == 0) {
                assert_true(a.rsi == 0 && a.adx == 0 && isnan(a.bb_pos));
                continue;
            }
            assert_true(a.rsi == 100);
            assert_true(sh_near(a.adx, 100 * (1 - pow(13.0 / 14, k)), 1e-9));
            assert_true(a.plus_di == 100 && a.minus_di == 0);
            double m = pow(25.0 / 27, k) - pow(11.0 / 13, k);
            assert_true(sh_near(a.macd, m, 1e-12));
            double pp = k / 20.0, sd = sqrt(pp * (1 - pp));
            assert_true(sh_near(a.bb_pos, (1 - pp + 2 * sd) / (4 * sd), 1e-9));
            /* The 4h bar 240..243 exists for decisions only from bar 243's close. */
            size_t h4 = pr_view_len(r.v, 0, PR_TF_4H);
            if (k < 3) {
                assert_int_equal(h4, 60);
                assert_true(a.htf_close == 100 && a.htf_ema == 100);
            } else {
                assert_int_equal(h4, 61);
                assert_true(a.htf_close == 101 && sh_near(a.htf_ema, 100 + 2.0 / 21, 1e-12));
            }
            if (k == 1) {
                assert_true(sh_near(a.macd_signal, 0.2 * m, 1e-12));
                assert_true(a.macd_prev == 0 && a.macd_signal_prev == 0);
                assert_true(a.volume_avg == 110 && sh_near(a.atr, 1.0 / 14, 1e-12));
                assert_true(sh_near(a.ema_long, 100 + 2.0 / 201, 1e-12));
            }
        }
        sh_close(&r);
        pr_strategy_free(st);
    }
    pr_series_free(&s);
}

static pr_strategy *score_strategy(const char *json) {
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("ta_score", cfg, "p", &st, &err), 0);
    pr_config_free(cfg);
    return st;
}

static void test_score_entries(void **state) {
    (void)state;
    pr_series s;
    pr_signal_kind kinds[260];
    pr_signal sigs[260];
    char why[200];
    score_series(&s, 300);
    /* Default min_score 7: the scores above never reach it. */
    pr_strategy *st = score_strategy("{\"p\": {}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    /* min_score 5: entries where the long score reaches 5 from below, at 241
     * (from 2) and 244 (from 4). Stop 2 ATR and target 3 ATR from 101 with
     * ATR = 1/14 at 241; confidence 5/10. */
    st = score_strategy("{\"p\": {\"min_score\": 5}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 2);
    assert_int_equal(kinds[241], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[244], PR_SIG_ENTER_LONG);
    assert_true(sh_near(sigs[241].stop, 101 - 2.0 / 14, 1e-12));
    assert_int_equal(sigs[241].n_targets, 1);
    assert_true(sh_near(sigs[241].target_price[0], 101 + 3.0 / 14, 1e-12) && sigs[241].target_frac[0] == 1);
    assert_true(sigs[241].confidence == 0.5);
    assert_string_equal(sh_why(&sigs[241], why, sizeof why),
                        "long score 5/10 (short 3); points rsi,macd,ema,adx,bb,volume,htf = 0220010; ATR 0.0714286");
    assert_string_equal(sigs[241].tag, "ta_score_long");
    assert_non_null(strstr(sh_why(&sigs[244], why, sizeof why), "= 0121001;"));
    pr_strategy_free(st);
    pr_series_free(&s);

    /* Ordinary volume at 241: long 4 there (no volume point), 3 at 242, 4 at
     * 243 (the 4h point arrives with the close of the 4h bar), 5 at 244.
     * min_score 4: entries at 241 (from 2) and 243 (from 3), not 244. */
    score_series(&s, 100);
    st = score_strategy("{\"p\": {\"min_score\": 4}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 2);
    assert_int_equal(kinds[241], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[243], PR_SIG_ENTER_LONG);
    assert_non_null(strstr(sh_why(&sigs[241], why, sizeof why), "long score 4/10 (short 3); points "
                                                                   "rsi,macd,ema,adx,bb,volume,htf = 0220000"));
    assert_non_null(strstr(sh_why(&sigs[243], why, sizeof why), "long score 4/10 (short 3); points "
                                                                   "rsi,macd,ema,adx,bb,volume,htf = 0120001"));
    pr_strategy_free(st);
    /* Without the higher timeframe: 4, 3, 3, 4 (the ADX point at 244), so
     * the entries are at 241 and 244, none at 243. */
    st = score_strategy("{\"p\": {\"min_score\": 4, \"htf\": \"off\"}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs), 2);
    assert_int_equal(kinds[241], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[243], PR_SIG_NONE);
    assert_int_equal(kinds[244], PR_SIG_ENTER_LONG);
    assert_non_null(strstr(sh_why(&sigs[244], why, sizeof why), "= 0121000;"));
    pr_ta_score_result r;
    assert_int_equal(pr_ta_score_last(st, 0, &r), 0);
    assert_int_equal(r.htf, PR_TF_NONE);
    assert_int_equal(r.long_pts[PR_TS_HTF], 0);
    assert_int_equal(pr_ta_score_last(st, 1, &r), PR_ERANGE);
    pr_strategy_free(st);
    pr_series_free(&s);
}

static void test_score_short_and_exit(void **state) {
    (void)state;
    /* The mirror series (step down to 99): short points mirror the long ones
     * (short 0220010 = 5 at 241), long 2000100 = 3 (RSI 0 < 30, position
     * 1 - 1.59 < 0.2). With shorts: ENTER_SHORT at 241 (stop 99 + 2/14);
     * without: the short score only exits a long, and there is none. */
    pr_series s;
    sh_series(&s, PR_TF_1H);
    for (int i = 0; i <= 240; i++) sh_push(&s, 100, 100);
    sh_push(&s, 99, 300);
    for (int i = 242; i <= 244; i++) sh_push(&s, 99, 100);
    pr_signal_kind kinds[260];
    pr_signal sigs[260];
    pr_strategy *st = score_strategy("{\"p\": {\"min_score\": 5, \"allow_short\": true}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 2);
    assert_int_equal(kinds[241], PR_SIG_ENTER_SHORT);
    assert_int_equal(kinds[244], PR_SIG_ENTER_SHORT);
    assert_true(sh_near(sigs[241].stop, 99 + 2.0 / 14, 1e-12));
    assert_true(sh_near(sigs[241].target_price[0], 99 - 3.0 / 14, 1e-12));
    char why[200];
    assert_string_equal(sh_why(&sigs[241], why, sizeof why),
                        "short score 5/10 (long 3); points rsi,macd,ema,adx,bb,volume,htf = 0220010; ATR 0.0714286");
    pr_strategy_free(st);
    st = score_strategy("{\"p\": {\"min_score\": 5}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 0);
    pr_strategy_free(st);
    pr_series_free(&s);

    /* Up then down: the main series (long entries at 241 and 244 with
     * min_score 5), then bar 245 falls from 101 to 90 (open 101, high 101,
     * low 90) on volume 1000. Five bars after the step (EMAs at 101 minus the
     * step's remainder r^k, r = 1 - alpha):
     *   RSI: G = (1/14)(13/14)^4 = 0.0531, L = 11/14: RSI 6.3 < 30, long 2.
     *   MACD: EMA12 = 101 - (11/13)^4 = 100.4874 -> + (2/13)(90 - 100.4874) =
     *     98.8739; EMA26 = 101 - (25/27)^4 = 100.2650 -> 99.5046; MACD -0.6307
     *     below its signal 0.1008 + 0.2 (-0.6307 - 0.1008) = -0.0455, above it
     *     at 244 (0.2224 > 0.1008): a fresh cross down, short 2.
     *   EMA: EMA20 = 101 - (19/21)^4 = 100.3297 -> 99.3459 below EMA50 =
     *     101 - (49/51)^4 = 100.1479 -> 99.7499 (short 1); 90 < EMA200 (short 1).
     *   ADX: -DM 11, TR 11; sums +DM (13/14)^4 = 0.7435, -DM 11, TR 11.7435:
     *     +DI 6.33, -DI 93.67, DX 87.34, ADX (25.66 x 13 + 87.34)/14 = 30.07 >
     *     25 with -DI above: short 1.
     *   BB: closes 15 x 100, 4 x 101, 90: mean 99.7, sd sqrt(5.11) = 2.2605,
     *     lower 95.18 > 90: position < 0.2, long 1.
     *   Volume: average (18 x 100 + 300 + 1000)/20 = 155 < 1000 on a down
     *     bar: short 1.
     *   HTF: the latest closed 4h bar is still 240..243 (close 101 above its
     *     EMA): long 1.
     * Short 0221010 = 6 (from 3 at 244), long 2000101 = 4: without shorts
     * the long is exited. */
    score_series(&s, 300);
    sh_push(&s, 90, 1000);
    st = score_strategy("{\"p\": {\"min_score\": 5}}");
    assert_int_equal(sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 1, kinds, sigs), 3);
    pr_ta_score_result r;
    assert_int_equal(pr_ta_score_last(st, 0, &r), 0);
    assert_int_equal(pts_digits(r.short_pts), 221010);
    assert_int_equal(pts_digits(r.long_pts), 2000101);
    assert_true(r.short_score == 6 && r.long_score == 4);
    assert_int_equal(kinds[241], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[244], PR_SIG_ENTER_LONG);
    assert_int_equal(kinds[245], PR_SIG_EXIT);
    /* ATR: 1/14 at the step, decayed three times, then (13 ATR + 11)/14. */
    char want[200];
    snprintf(want, sizeof want,
             "short score 6/10 (long 4); points rsi,macd,ema,adx,bb,volume,htf = 0221010; ATR %.6g",
             (13 * (1.0 / 14) * pow(13.0 / 14, 3) + 11) / 14);
    assert_string_equal(sh_why(&sigs[245], why, sizeof why), want);
    assert_string_equal(sigs[245].tag, "ta_score_exit");
    pr_strategy_free(st);
    pr_series_free(&s);
}

/* Every bar of a real series: the strategy's score equals the computed one. */
static void same_on_file(const char *rel, pr_asset_class cls, const char *symbol, size_t max_bars, const char *json,
                         int *n_valid, int *n_points) {
    char path[1024];
    pr_series full = {0}, s;
    pr_err err;
    pr_import_options o;
    pr_import_options_init(&o);
    o.asset_class = cls;
    if (pr_import_csv_series(pr_test_path(rel, path, sizeof path), &o, &full, NULL, &err) != 0)
        fail_msg("%s: %s", rel, err.msg);
    assert_int_equal(pr_series_slice(&full, 0, full.len < max_bars ? full.len : max_bars, &s), 0);
    s.tf = full.tf;
    pr_config *cfg = NULL;
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_ta_score_params p;
    assert_int_equal(pr_ta_score_config(cfg, "p", &p, &err), 0);
    pr_config_free(cfg);
    *n_valid = *n_points = 0;
    for (int pre = 0; pre < 2; pre++) {
        pr_strategy *st = NULL;
        assert_int_equal(pr_ta_score_new(&p, &st, &err), 0);
        sh_run r;
        assert_int_equal(sh_open(&r, st, &s, symbol, cls, pre, &err), 0);
        for (size_t t = 0; t < s.len; t++) {
            assert_int_not_equal(sh_step(&r, &err), (size_t)-1);
            pr_ta_score_result a, b;
            assert_int_equal(pr_ta_score_last(st, 0, &a), 0);
            assert_int_equal(pr_ta_score_compute(r.v, 0, &p, &b, &err), 0);
            assert_same_result(&a, &b);
            assert_true(a.long_score + a.short_score <= 10);
            if (pre == 0 && a.valid) {
                (*n_valid)++;
                *n_points += a.long_score + a.short_score;
            }
        }
        sh_close(&r);
        pr_strategy_free(st);
    }
    pr_series_free(&s);
    pr_series_free(&full);
}

static void test_compute_matches_strategy_on_real_data(void **state) {
    (void)state;
    int nv, np;
    same_on_file("data/sample/crypto/BTCUSDT-1h.csv", PR_ASSET_CRYPTO, "BTCUSDT", 1500, "{\"p\": {}}", &nv, &np);
    /* 1500 bars, valid from bar 199 on. */
    assert_int_equal(nv, 1500 - 199);
    assert_true(np > nv);   /* the data scores something */
    same_on_file("data/sample/crypto/BTCUSDT-1h.csv", PR_ASSET_CRYPTO, "BTCUSDT", 600,
                 "{\"p\": {\"htf\": \"1d\", \"htf_ema\": 3, \"ema_long\": 50}}", &nv, &np);
    assert_true(nv > 400);
    /* Daily stock bars: the weekly timeframe by default. */
    same_on_file("data/sample/stocks/KO-1d.csv", PR_ASSET_STOCK, "KO", 700, "{\"p\": {}}", &nv, &np);
    assert_true(nv > 400);
}

static void test_timeframes(void **state) {
    (void)state;
    /* The automatic higher timeframe always fits the decision timeframe. */
    for (int tf = PR_TF_NONE + 1; tf < PR_TF_COUNT; tf++) {
        pr_timeframe h = pr_ta_score_default_htf((pr_timeframe)tf);
        if (tf == PR_TF_1W || tf == PR_TF_1MO) {
            assert_int_equal(h, PR_TF_NONE);
            continue;
        }
        assert_true(h != PR_TF_NONE && (int)h != tf && pr_tf_divides((pr_timeframe)tf, h));
    }
    assert_int_equal(pr_ta_score_default_htf(PR_TF_1H), PR_TF_4H);
    assert_int_equal(pr_ta_score_default_htf(PR_TF_1D), PR_TF_1W);
    /* A 4h confirmation cannot be built from daily bars. */
    pr_series s;
    sh_series(&s, PR_TF_1D);
    for (int i = 0; i < 10; i++) sh_push(&s, 100 + i, 1);
    pr_strategy *st = score_strategy("{\"p\": {\"htf\": \"4h\"}}");
    sh_run r;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(sh_open(&r, st, &s, "KO", PR_ASSET_STOCK, 1, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "4h is not a whole multiple of 1d"));
    sh_close(&r);
    pr_strategy_free(st);
    pr_series_free(&s);
    /* Names and maxima: 2+2+2+1+1+1+1 = 10. */
    int sum = 0;
    for (int k = 0; k < PR_TS_COUNT; k++) sum += pr_ta_score_component_max(k);
    assert_int_equal(sum, 10);
    assert_string_equal(pr_ta_score_component_name(PR_TS_HTF), "htf");
    assert_null(pr_ta_score_component_name(PR_TS_COUNT));
    /* pr_ta_score_last only answers for ta_score strategies. */
    pr_strategy *other = NULL;
    assert_int_equal(pr_strategy_create("trend_ema", NULL, NULL, &other, &err), 0);
    pr_ta_score_result res;
    assert_int_equal(pr_ta_score_last(other, 0, &res), PR_EINVAL);
    pr_strategy_free(other);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_components_by_hand),
        cmocka_unit_test(test_score_entries),
        cmocka_unit_test(test_score_short_and_exit),
        cmocka_unit_test(test_compute_matches_strategy_on_real_data),
        cmocka_unit_test(test_timeframes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
