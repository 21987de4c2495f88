/* vol_breakout and weekend_reversal on bar sequences built so that every
 * signal can be derived by hand (the derivations are in the comments), run
 * through the market view bar by bar as the backtest does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proratio/ta.h"
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

/* ---- mtf_trend ---------------------------------------------------------------------
 * A seeded random walk of 6 weeks of hourly bars (drift turning every 90
 * bars), run through the strategy and through an independent derivation of
 * its rules from whole arrays: EMAs and MACD by the ta table's batch
 * functions (TA-Lib-exact), the higher timeframes' closes taken as the last
 * hourly close of each 4h, 12h and 1d bucket, a decision at bar t reading
 * only the buckets closed by then ((t + 1) / hours - 1). Entries, their
 * alignment, size hint and reason must match bar for bar, with both sizes
 * and a rejection by alignment among them. */
#define NMT (24 * 7 * 6)

static void batch(const char *name, const double *x, size_t n, const double *params, int np, int output, double *out) {
    const pr_ta_def *d = NULL;
    assert_int_equal(pr_ta_find(name, &d), 0);
    double full[PR_TA_MAX_PARAMS];
    pr_err err;
    assert_int_equal(pr_ta_check_params(d, params, np, full, &err), 0);
    double *outs[PR_TA_MAX_OUTPUTS], *tmp = malloc(sizeof(double) * n * PR_TA_MAX_OUTPUTS);
    for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) outs[k] = tmp + (size_t)k * n;
    pr_ta_input in = {.n = n, .close = x, .real0 = x};
    assert_int_equal(d->run(&in, full, outs), 0);
    memcpy(out, outs[output], sizeof(double) * n);
    free(tmp);
}

static const char *mt_dir_name(int d) { return d > 0 ? "up" : d < 0 ? "down" : "flat"; }

static void mt_check(double part_from, double full_from) {
    pr_series s;
    sh_series(&s, PR_TF_1H);
    uint64_t x = 12345;
    double c = 100;
    for (int t = 0; t < NMT; t++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(x >> 11) / 9007199254740992.0 - 0.5;
        c *= exp(((t / 90) % 2 ? -0.0015 : 0.002) + 0.01 * u);
        sh_push(&s, c, 100);
    }
    const size_t n = s.len;
    double *ef = malloc(sizeof(double) * n), *em = malloc(sizeof(double) * n), *es = malloc(sizeof(double) * n);
    double *mc = malloc(sizeof(double) * n), *ms = malloc(sizeof(double) * n);
    double p3 = 3, p5 = 5, p8 = 8, pm[3] = {3, 6, 3};
    batch("ema", s.close, n, &p3, 1, 0, ef);
    batch("ema", s.close, n, &p5, 1, 0, em);
    batch("ema", s.close, n, &p8, 1, 0, es);
    batch("macd", s.close, n, pm, 3, 0, mc);
    batch("macd", s.close, n, pm, 3, 1, ms);
    const int hours[3] = {4, 12, 24};
    const char *names[3] = {"4h", "12h", "1d"};
    double *hc[3], *hf[3], *hs[3];
    size_t nb[3];
    for (int k = 0; k < 3; k++) {
        nb[k] = n / (size_t)hours[k];
        hc[k] = malloc(sizeof(double) * nb[k]);
        hf[k] = malloc(sizeof(double) * nb[k]);
        hs[k] = malloc(sizeof(double) * nb[k]);
        for (size_t b = 0; b < nb[k]; b++) hc[k][b] = s.close[(b + 1) * (size_t)hours[k] - 1];
        double two = 2, three = 3;
        batch("ema", hc[k], nb[k], &two, 1, 0, hf[k]);
        batch("ema", hc[k], nb[k], &three, 1, 0, hs[k]);
    }
    char cfg[512];
    snprintf(cfg, sizeof cfg,
             "{\"p\": {\"ema_fast\": 3, \"ema_mid\": 5, \"ema_slow\": 8, \"macd_fast\": 3, \"macd_slow\": 6,"
             " \"macd_signal\": 3, \"htf1\": \"4h\", \"htf2\": \"12h\", \"htf3\": \"1d\", \"htf_fast\": 2,"
             " \"htf_slow\": 3, \"stop_atr\": 0, \"allow_short\": true, \"align_part\": %g, \"align_full\": %g,"
             " \"part_size\": 0.7}}",
             part_from, full_from);
    pr_strategy *st = make("mtf_trend", cfg);
    pr_signal_kind *kinds = malloc(sizeof *kinds * n);
    pr_signal *sigs = malloc(sizeof *sigs * n);
    sh_run_all(st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, kinds, sigs);
    const double w[4] = {0.1, 0.2, 0.3, 0.4};
    int pos = 0, pending = 0, entries = 0, full = 0, part = 0, refused = 0;
    for (size_t t = 0; t < n; t++) {
        pos = pending;
        double cl = s.close[t];
        pr_signal_kind want = PR_SIG_NONE;
        double align = 0;
        int dirs[4] = {0, 0, 0, 0};
        if (!isnan(es[t]) && !isnan(em[t]) && !isnan(ef[t])) {
            if (pos != 0) {
                if (pos > 0 ? cl < em[t] : cl > em[t]) want = PR_SIG_EXIT, pending = 0;
            } else if (t > 0 && !isnan(mc[t - 1]) && !isnan(ms[t - 1]) && !isnan(mc[t])) {
                int up = cl > ef[t] && ef[t] > em[t] && em[t] > es[t];
                int down = cl < ef[t] && ef[t] < em[t] && em[t] < es[t];
                int dir = up && mc[t] > ms[t] && mc[t - 1] <= ms[t - 1]     ? 1
                          : down && mc[t] < ms[t] && mc[t - 1] >= ms[t - 1] ? -1
                                                                          : 0;
                int known = 1;
                double agree = w[0];
                dirs[0] = dir;
                for (int k = 0; k < 3 && dir; k++) {
                    long b = (long)(t + 1) / hours[k] - 1;
                    if (b < 0 || isnan(hs[k][b]) || isnan(hf[k][b])) {
                        known = 0;
                        break;
                    }
                    double bc = hc[k][b], f = hf[k][b], sl = hs[k][b];
                    dirs[k + 1] = bc > f && f > sl ? 1 : bc < f && f < sl ? -1 : 0;
                    if (dirs[k + 1] == dir) agree += w[k + 1];
                }
                align = agree;   /* the weights sum to 1 */
                if (dir && known && align >= part_from - 1e-12) {
                    want = dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT;
                    pending = dir;
                } else if (dir && known) {
                    refused++;
                }
            }
        }
        if (kinds[t] != want) fail_msg("bar %zu: strategy %d, derivation %d", t, kinds[t], want);
        if (want == PR_SIG_ENTER_LONG || want == PR_SIG_ENTER_SHORT) {
            entries++;
            const pr_signal *g = &sigs[t];
            assert_true(g->mtf_known && fabs(g->mtf_align - align) < 1e-12);
            assert_true(g->size_hint == (align >= full_from - 1e-12 ? 1 : 0.7));
            full += align >= full_from - 1e-12;
            part += align < full_from - 1e-12;
            char want_why[200], why[256];
            snprintf(want_why, sizeof want_why, "alignment %.0f%% (1h %s, %s %s, %s %s, %s %s)", 100 * align,
                     mt_dir_name(dirs[0]), names[0], mt_dir_name(dirs[1]), names[1], mt_dir_name(dirs[2]), names[2],
                     mt_dir_name(dirs[3]));
            if (!strstr(sh_why(g, why, sizeof why), want_why)) fail_msg("bar %zu: '%s' lacks '%s'", t, why, want_why);
        }
    }
    if (entries < 6 || full == 0 || part == 0 || refused == 0)
        fail_msg("the walk exercises too little: %d entries (%d full, %d part), %d refused", entries, full, part, refused);
    pr_strategy_free(st);
    for (int k = 0; k < 3; k++) {
        free(hc[k]);
        free(hf[k]);
        free(hs[k]);
    }
    free(ef);
    free(em);
    free(es);
    free(mc);
    free(ms);
    free(kinds);
    free(sigs);
    pr_series_free(&s);
}

/* The defaults' thresholds (part size from 60%, full from 75%), and others
 * that move both (the sums of the weights fall on 0.3, 0.4, 0.5 ...: an
 * off-by-one-weight threshold shows in one of the two). */
static void test_mtf_trend_matches_derivation(void **state) {
    (void)state;
    mt_check(0.6, 0.75);
    mt_check(0.35, 0.55);
}

/* ---- gap_fade ------------------------------------------------------------------------
 * 5-minute SPY bars across the 2024 switch to daylight saving time (Sunday
 * 10 March): regular sessions run 09:30-16:00 New York time, 14:30-21:00
 * UTC before it and 13:30-20:00 after. Each session's bars close at its
 * `level` except where noted; the first regular bar opens at `open1` and
 * closes at `close1`. Friday 8 March: level 100, and a post-market bar at
 * 21:00 UTC (16:00 EST) closing at 90, which is no session's close. Monday
 * 11 March: a pre-market bar at 12:00 UTC (08:00 EDT) opening at 103; the
 * first regular bar (13:30 UTC) opens at 101: +1.00% from 100 (not from 90),
 * closes at 100.8, short of the close: sell, target 100, stop 101 + 1 = 102,
 * 120 minutes = 24 bars. Tuesday: opens at 100.2 after 100.5, -0.30%, under
 * min_gap 0.5%. Wednesday: opens at 99 after 100.5 (-1.49%) but the first
 * bar closes at 100.6, above the previous close: filled already. Thursday:
 * opens at 95 after 100.5, -5.47%, beyond max_gap 3%. Friday 15 March:
 * opens at 99.5 after 100 (Thursday's level), -0.50%: buy, target 100,
 * stop 99.5 - 0.5 = 99. */
static size_t gf_day(pr_series *s, int d, int dst, double open1, double close1, double level) {
    int64_t day0 = 0;
    pr_time_make(2024, 3, d, 0, 0, 0, &day0);
    const int64_t open_utc = day0 + (dst ? 13 * 60 + 30 : 14 * 60 + 30) * PR_MS_PER_MIN;
    size_t first = s->len;
    for (int k = 0; k < 78; k++) {
        double o = k == 0 ? open1 : s->close[s->len - 1], c = k == 0 ? close1 : level;
        pr_series_push(s, open_utc + k * 5 * PR_MS_PER_MIN, o, fmax(o, c), fmin(o, c), c, 1000);
    }
    return first;
}

static void test_gap_fade(void **state) {
    (void)state;
    pr_series s;
    pr_series_init(&s, 512);
    s.tf = PR_TF_5M;
    pr_strlcpy(s.symbol, "SPY", sizeof s.symbol);
    size_t first[6];
    first[0] = gf_day(&s, 8, 0, 100, 100, 100);
    int64_t t = s.ts[s.len - 1] + 5 * PR_MS_PER_MIN;   /* 21:00 UTC, post-market */
    pr_series_push(&s, t, 100, 100, 90, 90, 10);
    int64_t pre = 0;
    pr_time_make(2024, 3, 11, 12, 0, 0, &pre);
    pr_series_push(&s, pre, 90, 103, 90, 103, 10);
    first[1] = gf_day(&s, 11, 1, 101, 100.8, 100.5);
    first[2] = gf_day(&s, 12, 1, 100.2, 100.4, 100.5);
    first[3] = gf_day(&s, 13, 1, 99, 100.6, 100.5);
    first[4] = gf_day(&s, 14, 1, 95, 96, 100);
    first[5] = gf_day(&s, 15, 1, 99.5, 99.7, 100);
    pr_strategy *st = make("gap_fade", "{\"p\": {}}");
    sh_run r;
    pr_err err;
    assert_int_equal(sh_open(&r, st, &s, "SPY", PR_ASSET_STOCK, 0, &err), 0);
    size_t n_sig = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (i == first[2]) sh_stop_out(&r);   /* Monday's trade ended (target or time stop) */
        size_t n = sh_step(&r, &err);
        assert_true(n != (size_t)-1);
        for (size_t k = 0; k < n; k++) {
            const pr_signal *g = &r.list.items[k];
            char why[256];
            n_sig++;
            if (i == first[1]) {
                assert_int_equal(g->kind, PR_SIG_ENTER_SHORT);
                assert_true(g->target_price[0] == 100 && g->n_targets == 1 && g->stop == 102 && g->max_bars == 24);
                assert_non_null(strstr(sh_why(g, why, sizeof why), "opened 101, 1.00% above the previous close 100"));
            } else if (i == first[5]) {
                assert_int_equal(g->kind, PR_SIG_ENTER_LONG);
                assert_true(g->target_price[0] == 100 && g->stop == 99 && g->max_bars == 24);
                assert_non_null(strstr(sh_why(g, why, sizeof why), "opened 99.5, 0.50% below the previous close 100"));
            } else {
                fail_msg("unexpected signal at bar %zu (kind %d)", i, g->kind);
            }
        }
    }
    assert_int_equal(n_sig, 2);
    sh_close(&r);
    pr_strategy_free(st);
    /* Daily bars cannot trade their own gap; a coin has no session. */
    pr_series d;
    sh_series(&d, PR_TF_1D);
    for (int k = 0; k < 5; k++) sh_push(&d, 100 + k, 10);
    st = make("gap_fade", "{\"p\": {}}");
    assert_int_not_equal(sh_open(&r, st, &d, "SPY", PR_ASSET_STOCK, 0, &err), 0);
    assert_non_null(strstr(err.msg, "needs intraday bars"));
    sh_close(&r);
    assert_int_not_equal(sh_open(&r, st, &s, "BTCUSDT", PR_ASSET_CRYPTO, 0, &err), 0);
    assert_non_null(strstr(err.msg, "needs a stock"));
    sh_close(&r);
    pr_strategy_free(st);
    pr_series_free(&d);
    pr_series_free(&s);
}

/* ---- pairs ------------------------------------------------------------------------------
 * Two daily series stepped together through a two-instrument view, with an
 * ideal broker (entries fill and exits close at the next bar's open).
 * x: a seeded random walk around 50; y = 2 x + 1 + e, e = +-0.5 by bar
 * parity: cointegrated by construction (Engle-Granger p far below 0.05 on
 * the 60-bar formation; the hedge close to 2). Bar 80 plants e = -5. With a
 * 10-bar z window the spread there is about -5 against a window of nine
 * +-0.5 values (mean about -0.45, population deviation about 1.58): z about
 * -2.9, beyond -2 and inside -3: buy the spread (long y, short x), both at
 * bar 80. Bar 81 is back to +-0.5: z about +0.6 >= 0, both legs exit. The
 * legs' size hints are beta-neutral: x's notional per unit of y is hedge x
 * price(x) / price(y), about 2 x / (2 x - 4) > 1 at bar 80, so x gets 1 and
 * y the inverse.
 * A y that wanders on its own (no cointegration) gives no entry at all, and
 * a leg held alone (its partner's entry refused) is closed at the next
 * step. */
typedef struct holdn {
    double qty[3];
} holdn;

static int holdn_holding(void *self, int inst, pr_holding *out) {
    const holdn *h = self;
    if (h->qty[inst] != 0) *out = (pr_holding){h->qty[inst], 0, 0};
    return 0;
}

static void pairs_series(pr_series *sy, pr_series *sx, int coint, int plant) {
    sh_series(sy, PR_TF_1D);
    sh_series(sx, PR_TF_1D);
    uint64_t r = 7;
    double x = 50, yw = 101;
    for (int t = 0; t < 100; t++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        x += ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 2;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        yw += ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 4;
        double e = t == plant ? -5 : (t % 2 ? 0.5 : -0.5);
        sh_push(sx, x, 100);
        sh_push(sy, coint ? 2 * x + 1 + e : yw + e, 100);
    }
}

/* Steps strategy st over n (<= 3) series of the same bars through an
 * n-instrument view, with an ideal broker; kinds[t][i], hints[t][i] of
 * instrument i's signal at bar t. refuse_at/refuse_inst: an entry that does
 * not fill (-1: none). Returns the number of signals. */
static int multi_run_f(pr_strategy *st, const pr_series *const *ser, const char *const *sym, pr_asset_class cls,
                       size_t n, int refuse_at, int refuse_inst, const pr_view_events *funding,
                       pr_signal_kind kinds[][3], double hints[][3]) {
    pr_instrument in[3];
    pr_err err;
    for (size_t i = 0; i < n; i++) assert_int_equal(pr_instrument_default(sym[i], cls, &in[i], &err), 0);
    pr_view_config vc = {.n_instruments = n, .instruments = in, .series = ser, .funding = funding};
    pr_market_view *v = NULL;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    holdn h = {{0, 0, 0}};
    double pend[3] = {0, 0, 0};
    pr_portfolio pf = {&h, holdn_holding, NULL, NULL};
    pr_view_set_portfolio(v, &pf);
    if (st->vt->init(st, v, &err) != 0) {
        pr_view_free(v);
        fail_msg("init: %s", err.msg);
    }
    assert_int_equal(pr_view_prepare(v, &err), 0);
    int count = 0;
    const int64_t bar = pr_tf_ms(ser[0]->tf);
    for (size_t t = 0; t < ser[0]->len; t++) {
        const unsigned char all[3] = {1, 1, 1};
        assert_int_equal(pr_view_step(v, ser[0]->ts[t] + bar, all, &err), 0);
        for (size_t i = 0; i < n; i++) h.qty[i] = pend[i];
        pr_signal buf[8];
        pr_signal_list l;
        pr_signal_list_init(&l, buf, 8);
        assert_int_equal(st->vt->on_bar(st, v, &l, &err), 0);
        for (size_t i = 0; i < 3; i++) kinds[t][i] = PR_SIG_NONE, hints[t][i] = 0;
        for (size_t k = 0; k < l.n; k++) {
            int i = l.items[k].instrument;
            kinds[t][i] = l.items[k].kind;
            hints[t][i] = l.items[k].size_hint;
            count++;
            if (l.items[k].kind == PR_SIG_EXIT) pend[i] = 0;
            else if (!(i == refuse_inst && (int)t == refuse_at)) pend[i] = l.items[k].kind == PR_SIG_ENTER_LONG ? 1 : -1;
        }
    }
    pr_view_free(v);
    return count;
}

static int multi_run(pr_strategy *st, const pr_series *const *ser, const char *const *sym, pr_asset_class cls,
                     size_t n, int refuse_at, int refuse_inst, pr_signal_kind kinds[][3], double hints[][3]) {
    return multi_run_f(st, ser, sym, cls, n, refuse_at, refuse_inst, NULL, kinds, hints);
}

static int pairs_run(const pr_series *sy, const pr_series *sx, int refuse_x_at, pr_signal_kind kinds[][3],
                     double hints[][3]) {
    pr_strategy *st = make("pairs", "{\"p\": {\"formation\": 60, \"refit\": 1, \"z_window\": 10, \"entry_z\": 2,"
                                     " \"stop_z\": 3}}");
    const pr_series *ser[2] = {sy, sx};
    const char *sym[2] = {"Y", "X"};
    int n = multi_run(st, ser, sym, PR_ASSET_STOCK, 2, refuse_x_at, 1, kinds, hints);
    pr_strategy_free(st);
    return n;
}

static void test_pairs(void **state) {
    (void)state;
    pr_series sy, sx;
    static pr_signal_kind kinds[100][3];
    static double hints[100][3];
    pairs_series(&sy, &sx, 1, 80);
    assert_int_equal(pairs_run(&sy, &sx, -1, kinds, hints), 4);
    assert_true(kinds[80][0] == PR_SIG_ENTER_LONG && kinds[80][1] == PR_SIG_ENTER_SHORT);
    assert_true(kinds[81][0] == PR_SIG_EXIT && kinds[81][1] == PR_SIG_EXIT);
    /* hedge ~2: x's notional per unit of y is 2 x / (2 x + 1 - 5) > 1 at bar 80, so x gets 1, y its inverse */
    double ratio = 2 * sx.close[80] / sy.close[80];
    assert_true(ratio > 1 && hints[80][1] == 1 && fabs(hints[80][0] - 1 / ratio) < 0.02 / ratio);
    /* the x entry refused: y alone is closed at the next bar, nothing else */
    assert_int_equal(pairs_run(&sy, &sx, 80, kinds, hints), 3);
    assert_true(kinds[81][0] == PR_SIG_EXIT && kinds[81][1] == PR_SIG_NONE);
    pr_series_free(&sy);
    pr_series_free(&sx);
    /* not cointegrated: no entry, whatever the excursion */
    pairs_series(&sy, &sx, 0, 80);
    assert_int_equal(pairs_run(&sy, &sx, -1, kinds, hints), 0);
    pr_series_free(&sy);
    pr_series_free(&sx);
}

/* ---- triangular ---------------------------------------------------------------------------
 * Hourly EURUSD 1.1, USDJPY 110 and EURJPY 121 (exactly the synthetic
 * 1.1 x 110) but for planted bars: bar 30 EURJPY 121 x 1.001 (10 bp dear,
 * beyond the default 2 bp threshold + 6 x 0.5 bp of costs = 5 bp): sell
 * EURJPY, buy EURUSD and USDJPY; bar 31 back to 121 (deviation 0): all three
 * exit. Bar 50 at 121 x 0.9992 (8 bp cheap): the mirror; bar 51 exits.
 * Bar 70 at 121 x 1.0003 (3 bp): nothing. */
static void test_triangular(void **state) {
    (void)state;
    pr_series a, b, c;
    sh_series(&a, PR_TF_1H);
    sh_series(&b, PR_TF_1H);
    sh_series(&c, PR_TF_1H);
    for (int t = 0; t < 80; t++) {
        double k = t == 30 ? 1.001 : t == 50 ? 0.9992 : t == 70 ? 1.0003 : 1;
        sh_push(&a, 1.1, 100);
        sh_push(&b, 110, 100);
        sh_push(&c, 121 * k, 100);
    }
    const pr_series *ser[3] = {&a, &b, &c};
    const char *sym[3] = {"EURUSD", "USDJPY", "EURJPY"};
    static pr_signal_kind kinds[80][3];
    static double hints[80][3];
    pr_strategy *st = make("triangular", "{\"p\": {}}");
    assert_int_equal(multi_run(st, ser, sym, PR_ASSET_FOREX, 3, -1, -1, kinds, hints), 12);
    assert_true(kinds[30][0] == PR_SIG_ENTER_LONG && kinds[30][1] == PR_SIG_ENTER_LONG &&
                kinds[30][2] == PR_SIG_ENTER_SHORT);
    for (int i = 0; i < 3; i++) assert_true(kinds[31][i] == PR_SIG_EXIT && kinds[51][i] == PR_SIG_EXIT);
    assert_true(kinds[50][0] == PR_SIG_ENTER_SHORT && kinds[50][1] == PR_SIG_ENTER_SHORT &&
                kinds[50][2] == PR_SIG_ENTER_LONG);
    /* one leg refused: the other two close at the next bar */
    assert_int_equal(multi_run(st, ser, sym, PR_ASSET_FOREX, 3, 30, 1, kinds, hints), 11);
    assert_true(kinds[31][0] == PR_SIG_EXIT && kinds[31][1] == PR_SIG_NONE && kinds[31][2] == PR_SIG_EXIT);
    pr_strategy_free(st);
    /* a threshold of 9 bp (14 with the costs) leaves only nothing */
    st = make("triangular", "{\"p\": {\"threshold\": 0.0009}}");
    assert_int_equal(multi_run(st, ser, sym, PR_ASSET_FOREX, 3, -1, -1, kinds, hints), 0);
    pr_strategy_free(st);
    /* three pairs that close no triangle */
    const char *bad[3] = {"EURUSD", "USDJPY", "GBPJPY"};
    st = make("triangular", "{\"p\": {}}");
    pr_instrument in[3];
    pr_err err;
    for (int i = 0; i < 3; i++) assert_int_equal(pr_instrument_default(bad[i], PR_ASSET_FOREX, &in[i], &err), 0);
    pr_view_config vc = {.n_instruments = 3, .instruments = in, .series = ser};
    pr_market_view *v = NULL;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    assert_int_not_equal(st->vt->init(st, v, &err), 0);
    assert_non_null(strstr(err.msg, "do not close a triangle"));
    pr_view_free(v);
    pr_strategy_free(st);
    pr_series_free(&a);
    pr_series_free(&b);
    pr_series_free(&c);
}

/* ---- session_breakout ------------------------------------------------------------------------
 * London: hourly EURUSD from Monday 2024-01-01 00:00 UTC (bar k opens at hour
 * k), closes 1.1000 with high = low = the close except: bar 23 (Mon 23:00)
 * high 1.1010, bar 25 (Tue 01:00) low 1.0990, bar 30 (Tue 06:00) closes
 * 1.1004, bar 31 1.0993, bar 32 1.1000. Tuesday's Asian range is bars 22-30
 * (Mon 22:00 - Tue 06:00): 1.0990-1.1010, 0.18% of the price. Bar 30 closes
 * at 07:00, the window's start: 1.1004 is nearer the high, so a buy stop at
 * 1.1010, stop 1.0990, target 1.1010 + 1.5 x 0.0020 = 1.1040. Bar 31 closes
 * at 1.0993, nearer the low: a sell stop at 1.0990, stop 1.1010, target
 * 1.0960. Bar 32 at the middle, 1.1000: the buy side again. Bar 33 closes at
 * 10:00 inside the window but 1.1000 again (same signal); bar 34 closes at
 * 11:00, the window's end: nothing. Monday's range (bars 0-6, bar 3's high
 * 1.1010, low 1.0990) lacks the two Sunday-evening bars: not traded. Entries never fill here (the harness
 * refuses them), as stop entries that are not reached. */
static void sb_push(pr_series *s, double c, double hi, double lo) {
    pr_series_push(s, sh_t0() + (int64_t)s->len * PR_MS_PER_HOUR, c, hi, lo, c, 100);
}

static void test_session_breakout(void **state) {
    (void)state;
    pr_series s;
    sh_series(&s, PR_TF_1H);
    for (int k = 0; k < 48; k++) {
        double c = k == 30 ? 1.1004 : k == 31 ? 1.0993 : 1.1;
        sb_push(&s, c, k == 23 || k == 3 ? 1.1010 : c, k == 25 || k == 3 ? 1.0990 : c);
    }
    pr_strategy *st = make("session_breakout", "{\"p\": {}}");
    sh_run r;
    pr_err err;
    assert_int_equal(sh_open(&r, st, &s, "EURUSD", PR_ASSET_FOREX, 0, &err), 0);
    r.refuse = 1;
    pr_signal got[48];
    int at[48], n = 0;
    for (size_t t = 0; t < s.len; t++) {
        size_t k = sh_step(&r, &err);
        assert_true(k != (size_t)-1);
        for (size_t j = 0; j < k; j++) at[n] = (int)t, got[n++] = r.list.items[j];
    }
    sh_close(&r);
    assert_int_equal(n, 4);
    assert_true(at[0] == 30 && got[0].kind == PR_SIG_ENTER_LONG && got[0].entry_stop == 1.1010 &&
                got[0].stop == 1.0990 && fabs(got[0].target_price[0] - 1.1040) < 1e-12);
    assert_true(at[1] == 31 && got[1].kind == PR_SIG_ENTER_SHORT && got[1].entry_stop == 1.0990 &&
                got[1].stop == 1.1010 && fabs(got[1].target_price[0] - 1.0960) < 1e-12);
    assert_true(at[2] == 32 && got[2].kind == PR_SIG_ENTER_LONG && at[3] == 33 && got[3].kind == PR_SIG_ENTER_LONG);
    pr_strategy_free(st);
    /* a 1% minimum range skips the day */
    st = make("session_breakout", "{\"p\": {\"min_range\": 0.01}}");
    pr_signal_kind kinds[48];
    pr_signal sigs[48];
    assert_int_equal(sh_run_all(st, &s, "EURUSD", PR_ASSET_FOREX, 0, kinds, sigs), 0);
    pr_strategy_free(st);
    pr_series_free(&s);

    /* US: 5-minute bars of a session in EST (Friday 8 March 2024, 09:30 =
     * 14:30 UTC) and one in EDT (Monday 11 March, 09:30 = 13:30 UTC). The
     * opening range is the 6 bars 09:30-10:00 New York time: the first opens
     * at 99 and closes at 101, the next five stay at 100.6; the sixth closes
     * at 10:00, the window's start: 100.6 is above the middle 100, so a buy
     * stop at 101, stop 99, target 101 + 1.5 x 2 = 104, at bar 5 of each
     * session (a clock without daylight saving would put Monday's range an
     * hour late). */
    pr_series u;
    pr_series_init(&u, 256);
    u.tf = PR_TF_5M;
    pr_strlcpy(u.symbol, "SPY", sizeof u.symbol);
    size_t f1 = gf_day(&u, 8, 0, 99, 101, 100.6), f2 = gf_day(&u, 11, 1, 99, 101, 100.6);
    st = make("session_breakout", "{\"p\": {\"session\": \"us\", \"window_hours\": 1}}");
    assert_int_equal(sh_open(&r, st, &u, "SPY", PR_ASSET_STOCK, 0, &err), 0);
    r.refuse = 1;
    n = 0;
    for (size_t t = 0; t < u.len; t++) {
        size_t k = sh_step(&r, &err);
        for (size_t j = 0; j < k; j++) at[n] = (int)t, got[n++] = r.list.items[j];
    }
    sh_close(&r);
    /* each session: armed at bar 5 and again at every close of the next hour (12 bars) */
    assert_int_equal(n, 24);
    assert_true(at[0] == (int)f1 + 5 && at[12] == (int)f2 + 5);
    assert_true(got[0].kind == PR_SIG_ENTER_LONG && got[0].entry_stop == 101 && got[0].stop == 99 &&
                got[0].target_price[0] == 104);
    pr_strategy_free(st);
    pr_series_free(&u);
}

/* ---- funding_carry (and the view's funding series) -------------------------------------------
 * Hourly bars from Monday 2024-01-01 00:00 UTC at 100; funding events at
 * 08:00 (0.05% per interval, under the default entry 0.1%), 16:00 (0.2%),
 * 24:00 (0.005%, within the default exit 0.01%) and 32:00 (-0.15%). Bar k
 * closes at hour k + 1, so the 16:00 rate is first known at bar 15's close:
 * sell the perpetual; bar 23 (closing at 24:00) sees 0.005%: exit; bar 31
 * sees -0.15%: buy. Hedged, the second instrument takes the opposite side
 * at the same bars. */
static void test_funding_carry(void **state) {
    (void)state;
    pr_series p, spot;
    sh_series(&p, PR_TF_1H);
    sh_series(&spot, PR_TF_1H);
    for (int k = 0; k < 40; k++) {
        sh_push(&p, 100, 10);
        sh_push(&spot, 100, 10);
    }
    const int64_t t0 = sh_t0(), H = PR_MS_PER_HOUR;
    const int64_t fts[4] = {t0 + 8 * H, t0 + 16 * H, t0 + 24 * H, t0 + 32 * H};
    const double frate[4] = {0.0005, 0.002, 0.00005, -0.0015};
    pr_view_events ev[2] = {{fts, frate, 4}, {NULL, NULL, 0}};
    /* the view alone: the latest event at or before the decision time */
    pr_instrument in[2];
    pr_err err;
    assert_int_equal(pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in[0], &err), 0);
    assert_int_equal(pr_instrument_default("BTC/USDT", PR_ASSET_CRYPTO, &in[1], &err), 0);
    const pr_series *ser[2] = {&p, &spot};
    pr_view_config vc = {.n_instruments = 2, .instruments = in, .series = ser, .funding = ev};
    pr_market_view *v = NULL;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    const unsigned char both[2] = {1, 1};
    int64_t ts = 0;
    double rate = 0;
    for (int k = 0; k < 20; k++) assert_int_equal(pr_view_step(v, p.ts[k] + H, both, &err), 0);   /* now 20:00 */
    assert_int_equal(pr_view_funding(v, 0, 0, &ts, &rate), 0);
    assert_true(ts == fts[1] && rate == 0.002);
    assert_int_equal(pr_view_funding(v, 0, 1, &ts, &rate), 0);
    assert_true(ts == fts[0] && rate == 0.0005);
    assert_int_equal(pr_view_funding(v, 0, 2, &ts, &rate), PR_ENOTFOUND);
    assert_int_equal(pr_view_funding(v, 1, 0, &ts, &rate), PR_ENOTFOUND);   /* the spot market has none */
    pr_view_free(v);
    /* the strategy: unhedged on the perpetual alone, then hedged with spot */
    static pr_signal_kind kinds[40][3];
    static double hints[40][3];
    const char *sym[2] = {"BTCUSDT", "BTC/USDT"};
    pr_strategy *st = make("funding_carry", "{\"p\": {}}");
    assert_int_equal(multi_run_f(st, ser, sym, PR_ASSET_CRYPTO, 1, -1, -1, ev, kinds, hints), 3);
    assert_true(kinds[15][0] == PR_SIG_ENTER_SHORT && kinds[23][0] == PR_SIG_EXIT && kinds[31][0] == PR_SIG_ENTER_LONG);
    pr_strategy_free(st);
    st = make("funding_carry", "{\"p\": {\"hedged\": true}}");
    assert_int_equal(multi_run_f(st, ser, sym, PR_ASSET_CRYPTO, 2, -1, -1, ev, kinds, hints), 6);
    assert_true(kinds[15][0] == PR_SIG_ENTER_SHORT && kinds[15][1] == PR_SIG_ENTER_LONG);
    assert_true(kinds[23][0] == PR_SIG_EXIT && kinds[23][1] == PR_SIG_EXIT);
    assert_true(kinds[31][0] == PR_SIG_ENTER_LONG && kinds[31][1] == PR_SIG_ENTER_SHORT);
    /* without a funding series it never trades */
    assert_int_equal(multi_run(st, ser, sym, PR_ASSET_CRYPTO, 2, -1, -1, kinds, hints), 0);
    pr_strategy_free(st);
    pr_series_free(&p);
    pr_series_free(&spot);
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
        cmocka_unit_test(test_mtf_trend_matches_derivation),
        cmocka_unit_test(test_gap_fade),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_triangular),
        cmocka_unit_test(test_session_breakout),
        cmocka_unit_test(test_funding_carry),
        cmocka_unit_test(test_config_errors_more),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
