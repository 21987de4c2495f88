/* The market view shows only the past: at the close of bar t the decision
 * series has length t+1 and bar t+1 cannot be read; a 4h bar resampled from
 * 1h bars appears only once its last hour has closed, with the OHLCV worked
 * out by hand; declared indicators (ta table) show values up to t only and
 * are identical computed in batch or bar by bar; sma_cross emits its
 * crossings on a series small enough to compute by hand; batch indicator
 * values come from, and all go back to, the allocator the runner gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/signal.h"
#include "pr_test.h"

static int64_t T0;

/* 10 hourly bars: open i*10+1, high i*10+5, low i*10, close i*10+2, volume i+1. */
static void ten_bars(pr_series *s) {
    pr_series_init(s, 16);
    s->tf = PR_TF_1H;
    pr_strlcpy(s->symbol, "BTCUSDT", sizeof s->symbol);
    for (int i = 0; i < 10; i++)
        pr_series_push(s, T0 + i * PR_MS_PER_HOUR, i * 10 + 1, i * 10 + 5, i * 10, i * 10 + 2, i + 1);
}

static pr_market_view *make_view(const pr_series *s, int precompute) {
    pr_instrument in;
    assert_int_equal(pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in, NULL), 0);
    const pr_series *ser[1] = {s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser, .precompute = precompute};
    pr_market_view *v = NULL;
    pr_err err;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    return v;
}

static void test_only_the_past(void **state) {
    (void)state;
    pr_series s;
    ten_bars(&s);
    pr_market_view *v = make_view(&s, 1);
    pr_err err;
    assert_int_equal(pr_view_require_tf(v, 0, PR_TF_4H, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    const unsigned char one = 1;
    /* 4h bars visible after each hourly close: the first 4h bar [00:00, 04:00)
     * closes with bar 3, the second with bar 7. */
    const size_t htf_len[10] = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    for (int t = 0; t < 10; t++) {
        int64_t close_t = T0 + (t + 1) * PR_MS_PER_HOUR;
        assert_int_equal(pr_view_step(v, close_t, &one, &err), 0);
        assert_int_equal(pr_view_now(v), close_t);
        assert_int_equal(pr_view_len(v, 0, PR_TF_NONE), (size_t)t + 1);
        pr_bar b;
        assert_int_equal(pr_view_bar_at(v, 0, PR_TF_NONE, (size_t)t, &b), 0);
        assert_true(b.close == t * 10 + 2);
        /* The next bar exists in memory but not for the strategy. */
        assert_int_equal(pr_view_bar_at(v, 0, PR_TF_NONE, (size_t)t + 1, &b), PR_ERANGE);
        assert_int_equal(pr_view_bar(v, 0, PR_TF_NONE, (size_t)t + 1, &b), PR_ERANGE);
        assert_true(pr_view_close(v, 0, 0) == t * 10 + 2);
        assert_true(isnan(pr_view_close(v, 0, (size_t)t + 1)));
        assert_int_equal(pr_view_len(v, 0, PR_TF_4H), htf_len[t]);
    }
    /* 4h bar 0 from hours 0..3: open 1, high 35, low 0, close 32, volume 1+2+3+4. */
    pr_bar h;
    assert_int_equal(pr_view_bar_at(v, 0, PR_TF_4H, 0, &h), 0);
    assert_int_equal(h.ts, T0);
    assert_true(h.open == 1 && h.high == 35 && h.low == 0 && h.close == 32 && h.volume == 10);
    /* 4h bar 1 from hours 4..7: open 41, high 75, low 40, close 72, volume 26. */
    assert_int_equal(pr_view_bar(v, 0, PR_TF_4H, 0, &h), 0);
    assert_int_equal(h.ts, T0 + 4 * PR_MS_PER_HOUR);
    assert_true(h.open == 41 && h.high == 75 && h.low == 40 && h.close == 72 && h.volume == 26);
    /* Hours 8..9 form a bucket that never closed: not visible. */
    assert_int_equal(pr_view_bar_at(v, 0, PR_TF_4H, 2, &h), PR_ERANGE);
    /* A clock step at 12:00 with no bar closes it (a gap in the data). */
    assert_int_equal(pr_view_step(v, T0 + 12 * PR_MS_PER_HOUR, NULL, &err), 0);
    assert_int_equal(pr_view_len(v, 0, PR_TF_4H), 3);
    assert_int_equal(pr_view_bar_at(v, 0, PR_TF_4H, 2, &h), 0);
    assert_true(h.open == 81 && h.high == 95 && h.close == 92 && h.volume == 19);
    /* Stepping past the series' end is refused. */
    assert_int_equal(pr_view_step(v, T0 + 13 * PR_MS_PER_HOUR, &one, &err), PR_ESTATE);
    pr_view_free(v);
    pr_series_free(&s);
}

static void test_indicators(void **state) {
    (void)state;
    pr_series s;
    ten_bars(&s);
    pr_market_view *vb = make_view(&s, 1), *vs = make_view(&s, 0);
    pr_err err;
    int hb, hs, h4b, h4s;
    double p3 = 3, p2 = 2;
    assert_int_equal(pr_view_require_indicator(vb, 0, PR_TF_NONE, "sma", &p3, 1, 0, "close", &hb, &err), 0);
    assert_int_equal(pr_view_require_indicator(vs, 0, PR_TF_NONE, "sma", &p3, 1, 0, "close", &hs, &err), 0);
    assert_int_equal(pr_view_require_indicator(vb, 0, PR_TF_4H, "sma", &p2, 1, 0, NULL, &h4b, &err), 0);
    assert_int_equal(pr_view_require_indicator(vs, 0, PR_TF_4H, "sma", &p2, 1, 0, NULL, &h4s, &err), 0);
    assert_int_equal(pr_view_require_indicator(vb, 0, PR_TF_NONE, "no_such_thing", &p2, 1, 0, NULL, &h4s, &err),
                     PR_ENOTFOUND);
    /* SMA(3) needs 3 bars; SMA(2) on 4h needs 2 four-hour bars = 8 hourly. */
    assert_int_equal(pr_view_warmup(vb), 8);
    /* References to the value arrays (the call-free reads strategies use)
     * exist only once the view is prepared. */
    pr_view_ind_ref rb, rs, r4b, r4s;
    assert_int_equal(pr_view_ind_ref_get(vb, hb, &rb), PR_ESTATE);
    assert_int_equal(pr_view_prepare(vb, &err), 0);
    assert_int_equal(pr_view_prepare(vs, &err), 0);
    assert_int_equal(pr_view_ind_ref_get(vb, 99, &rb), PR_EINVAL);
    assert_int_equal(pr_view_ind_ref_get(vb, hb, &rb), 0);
    assert_int_equal(pr_view_ind_ref_get(vs, hs, &rs), 0);
    assert_int_equal(pr_view_ind_ref_get(vb, h4b, &r4b), 0);
    assert_int_equal(pr_view_ind_ref_get(vs, h4s, &r4s), 0);
    const unsigned char *upd = pr_view_updated_flags(vs);
    assert_non_null(upd);
    const unsigned char one = 1;
    for (int t = 0; t < 10; t++) {
        int64_t c = T0 + (t + 1) * PR_MS_PER_HOUR;
        assert_int_equal(pr_view_step(vb, c, &one, &err), 0);
        assert_int_equal(pr_view_step(vs, c, &one, &err), 0);
        assert_int_equal(upd[0], 1);
        /* A read through a reference is exactly pr_view_ind at this step, in
         * both modes (streaming grows, and may move, its value array), for
         * every `ago` up to one past the visible bars (NaN there). */
        for (size_t ago = 0; ago <= (size_t)t + 1; ago++) {
            double want_b = pr_view_ind(vb, hb, ago), want_s = pr_view_ind(vs, hs, ago);
            double got_b = pr_view_ind_read(&rb, ago), got_s = pr_view_ind_read(&rs, ago);
            assert_true((isnan(want_b) && isnan(got_b)) || want_b == got_b);
            assert_true((isnan(want_s) && isnan(got_s)) || want_s == got_s);
            double w4 = pr_view_ind(vb, h4b, ago), g4 = pr_view_ind_read(&r4b, ago);
            assert_true((isnan(w4) && isnan(g4)) || w4 == g4);
            w4 = pr_view_ind(vs, h4s, ago);
            g4 = pr_view_ind_read(&r4s, ago);
            assert_true((isnan(w4) && isnan(g4)) || w4 == g4);
        }
        double b = pr_view_ind(vb, hb, 0), st = pr_view_ind(vs, hs, 0);
        if (t < 2) {
            assert_true(isnan(b) && isnan(st));
        } else {
            /* closes 10k+2: mean of the last three = 10(t-1) + 2 */
            assert_true(fabs(b - (10.0 * (t - 1) + 2)) < 1e-12);
            assert_true(b == st);   /* batch and streaming agree bit for bit */
            if (t >= 3) assert_true(pr_view_ind(vb, hb, 1) == pr_view_ind(vs, hs, 1));
        }
        /* Nothing beyond the latest closed bar. */
        assert_true(isnan(pr_view_ind(vb, hb, (size_t)t + 1)));
        /* The 4h SMA(2) exists from the second 4h close (bar 7): (32 + 72)/2 = 52. */
        double h4 = pr_view_ind(vb, h4b, 0);
        if (t < 7) assert_true(isnan(h4));
        else assert_true(fabs(h4 - 52) < 1e-12 && h4 == pr_view_ind(vs, h4s, 0));
    }
    pr_view_free(vb);
    pr_view_free(vs);
    pr_series_free(&s);
}

static void test_sma_cross_by_hand(void **state) {
    (void)state;
    /* fast 2, slow 3 on closes 10 9 8 9 11 12 10 8:
     *   SMA2: -, 9.5, 8.5, 8.5, 10, 11.5, 11, 9
     *   SMA3: -, -, 9, 8.667, 9.333, 10.667, 11, 10
     *   d:    t2 -0.5, t3 -0.167, t4 +0.667 (cross up), t5 +0.833,
     *         t6 0 (not below: no cross), t7 -1 (d6 = 0 >= 0: cross down). */
    const double closes[8] = {10, 9, 8, 9, 11, 12, 10, 8};
    pr_series s;
    pr_series_init(&s, 8);
    s.tf = PR_TF_1H;
    for (int i = 0; i < 8; i++) pr_series_push(&s, T0 + i * PR_MS_PER_HOUR, closes[i], closes[i], closes[i], closes[i], 1);
    pr_market_view *v = make_view(&s, 1);
    pr_sma_cross_params p;
    pr_sma_cross_defaults(&p);
    assert_int_equal(p.fast, 10);
    assert_int_equal(p.slow, 30);
    p.fast = 2;
    p.slow = 3;
    pr_strategy *st = NULL;
    pr_err err;
    assert_int_equal(pr_sma_cross_new(&p, &st, &err), 0);
    assert_int_equal(st->vt->init(st, v, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    pr_signal buf[4];
    pr_signal_kind got[8];
    const unsigned char one = 1;
    for (int t = 0; t < 8; t++) {
        assert_int_equal(pr_view_step(v, T0 + (t + 1) * PR_MS_PER_HOUR, &one, &err), 0);
        pr_signal_list l;
        pr_signal_list_init(&l, buf, 4);
        assert_int_equal(st->vt->on_bar(st, v, &l, &err), 0);
        got[t] = l.n ? l.items[0].kind : PR_SIG_NONE;
        if (l.n) {
            char why[128];
            pr_reason_format(&l.items[0].why, why, sizeof why);
            assert_non_null(strstr(why, t == 4 ? "crossed above" : "crossed below"));
        }
    }
    const pr_signal_kind want[8] = {PR_SIG_NONE, PR_SIG_NONE, PR_SIG_NONE, PR_SIG_NONE,
                                    PR_SIG_ENTER_LONG, PR_SIG_NONE, PR_SIG_NONE, PR_SIG_EXIT};
    for (int t = 0; t < 8; t++) assert_int_equal(got[t], want[t]);
    pr_strategy_free(st);
    pr_view_free(v);

    /* Two instances keep separate state. */
    pr_strategy *a = NULL, *b = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &a, &err), 0);
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &b, &err), 0);
    assert_ptr_not_equal(a, b);
    char d[64];
    a->vt->describe(a, d, sizeof d);
    assert_string_equal(d, "fast=10 slow=30 short=0 stop=0 target=0");
    assert_int_equal(pr_strategy_create("nope", NULL, NULL, &a, &err), PR_ENOTFOUND);
    p.fast = 30;
    p.slow = 10;
    assert_int_equal(pr_sma_cross_new(&p, &st, &err), PR_EINVAL);
    pr_strategy_free(b);
    pr_strategy_free(a);
    pr_series_free(&s);
}

static void test_reason_and_list(void **state) {
    (void)state;
    pr_signal buf[2];
    pr_signal_list l;
    pr_signal_list_init(&l, buf, 2);
    pr_signal *s1 = pr_signal_list_add(&l, PR_SIG_ENTER_LONG, 0);
    assert_non_null(s1);
    assert_true(s1->confidence == 1.0);
    pr_signal_why(s1, "x=%.2f y=%g", 1.234, 5, 0, 0);
    char out[64];
    assert_int_equal(pr_reason_format(&s1->why, out, sizeof out), strlen("x=1.23 y=5"));
    assert_string_equal(out, "x=1.23 y=5");
    assert_non_null(pr_signal_list_add(&l, PR_SIG_EXIT, 0));
    assert_null(pr_signal_list_add(&l, PR_SIG_EXIT, 0));   /* full */
    pr_reason none = {0};
    assert_int_equal(pr_reason_format(&none, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_string_equal(pr_signal_kind_name(PR_SIG_ENTER_SHORT), "enter_short");
}

static void test_create_from_config(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"strategy\": {\"params\": {\"fast\": 5, \"slow\": 20, \"stop\": 0.02}}}",
                                     &cfg, &err), 0);
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", cfg, "strategy.params", &st, &err), 0);
    char d[64];
    st->vt->describe(st, d, sizeof d);
    assert_string_equal(d, "fast=5 slow=20 short=0 stop=0.02 target=0");
    pr_strategy_free(st);
    pr_config_free(cfg);
    /* A misspelt key is named. */
    assert_int_equal(pr_config_parse("{\"p\": {\"fats\": 5}}", &cfg, &err), 0);
    assert_int_not_equal(pr_strategy_create("sma_cross", cfg, "p", &st, &err), 0);
    assert_non_null(strstr(err.msg, "fats"));
    pr_config_free(cfg);
    assert_string_equal(pr_strategy_names()[0], "sma_cross");
}

/* The view's batch indicator values come from the allocator its runner
 * gives (core/pool.h's pool behind a counter here) and all go back to it. */
typedef struct counting {
    pr_pool *pool;
    int allocs, releases;
} counting;
static void *c_alloc(void *ctx, size_t bytes) {
    counting *c = ctx;
    c->allocs++;
    return pr_pool_alloc(c->pool, bytes);
}
static void c_release(void *ctx, void *q) {
    counting *c = ctx;
    c->releases++;
    pr_pool_release(c->pool, q);
}

static void test_view_uses_the_allocator(void **state) {
    (void)state;
    pr_series s;
    assert_int_equal(pr_series_init(&s, 8), 0);
    s.tf = PR_TF_1H;
    for (int i = 0; i < 6; i++) pr_series_push(&s, (int64_t)i * PR_MS_PER_HOUR, 1 + i, 2 + i, i, 1 + i, 1);
    pr_instrument in;
    assert_int_equal(pr_instrument_default("BTCUSDT", PR_ASSET_CRYPTO, &in, NULL), 0);
    counting c = {0};
    assert_int_equal(pr_pool_new(1, &c.pool, NULL), 0);
    pr_allocator al = {&c, c_alloc, c_release};
    const pr_series *ser[1] = {&s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser, .precompute = 1, .alloc = &al};
    pr_market_view *v = NULL;
    pr_err err;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    int h_sma = -1, h_macd = -1;
    const double p3[1] = {3};
    const double pm[3] = {2, 3, 2};
    assert_int_equal(pr_view_require_indicator(v, 0, PR_TF_NONE, "sma", p3, 1, 0, NULL, &h_sma, &err), 0);
    assert_int_equal(pr_view_require_indicator(v, 0, PR_TF_NONE, "macd", pm, 3, 1, NULL, &h_macd, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    /* sma: one output; macd: three (macd, signal, histogram), all computed in
     * one pass; the two the view does not keep go straight back. */
    assert_int_equal(c.allocs, 4);
    assert_int_equal(c.releases, 2);
    const unsigned char one = 1;
    for (int t = 0; t < 3; t++) assert_int_equal(pr_view_step(v, (int64_t)(t + 1) * PR_MS_PER_HOUR, &one, &err), 0);
    /* sma(3) of closes 1, 2, 3 at the third close: 2. */
    assert_true(pr_view_ind(v, h_sma, 0) == 2.0);
    pr_view_free(v);
    assert_int_equal(c.releases, 4);
    pr_pool_free(c.pool);
    pr_series_free(&s);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_the_past),
        cmocka_unit_test(test_indicators),
        cmocka_unit_test(test_sma_cross_by_hand),
        cmocka_unit_test(test_reason_and_list),
        cmocka_unit_test(test_create_from_config),
        cmocka_unit_test(test_view_uses_the_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
