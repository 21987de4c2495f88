/* The strategy checks (engine/check.h) on a series built here, and the
 * view's list of declared indicators they read (pr_view_indicator_info).
 * Expected numbers are worked out in the comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "engine_test.h"

#define N 400

/* N hourly bars whose close follows a sine around 100 (never flat). */
static void wave(pr_series *s) {
    pr_series_init(s, N + 1);
    s->tf = PR_TF_1H;
    for (size_t i = 0; i < N; i++) {
        double c = 100 + 10 * sin((double)i / 7.0), o = 100 + 10 * sin((double)(i - 1) / 7.0);
        pr_series_push(s, 1700000000000LL + (int64_t)i * PR_MS_PER_HOUR, o, fmax(o, c) + 0.5, fmin(o, c) - 0.5, c, 1.0);
    }
}

static int mk_sma_cross(void *ctx, pr_strategy **out, pr_err *err) {
    (void)ctx;
    return pr_strategy_create("sma_cross", NULL, NULL, out, err);
}

static int mk_pipe(void *ctx, pr_strategy *st, pr_pipeline **out, void **aux, pr_err *err) {
    (void)ctx;
    *aux = NULL;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    return pr_pipeline_new(&pc, st, out, err);
}

/* ---- a strategy that trades on the next bar's close --------------------- */
typedef struct peek {
    pr_strategy base;
    size_t total;            /* bars of the full series: it reads no further */
} peek;

static int peek_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s, (void)v, (void)err;
    return PR_OK;
}

static int peek_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    (void)err;
    pr_view_ind_ref r;
    if (pr_view_close_ref_get(v, 0, &r) != PR_OK) return PR_ESTATE;
    size_t len = *r.len;
    if (len >= ((peek *)s)->total) return PR_OK;
    double next = (*r.vals)[len], now = (*r.vals)[len - 1];   /* the raw pointer reaches past the view */
    if (next > now) pr_signal_list_add(out, PR_SIG_ENTER_LONG, 0);
    else if (next < now) pr_signal_list_add(out, PR_SIG_EXIT, 0);
    return PR_OK;
}

static size_t peek_describe(const pr_strategy *s, char *buf, size_t cap) {
    (void)s;
    return (size_t)snprintf(buf, cap, "peek");
}

static void peek_destroy(pr_strategy *s) { free(s); }

static const pr_strategy_vt k_peek_vt = {
    .name = "peek", .init = peek_init, .on_bar = peek_on_bar, .describe = peek_describe, .destroy = peek_destroy};

static int mk_peek(void *ctx, pr_strategy **out, pr_err *err) {
    (void)ctx;
    peek *p = calloc(1, sizeof *p);
    if (!p) return pr_err_set(err, PR_ENOMEM, "out of memory");
    p->base.vt = &k_peek_vt;
    p->total = N;
    *out = &p->base;
    return PR_OK;
}

static void one_market(pr_bt_market *mk, const pr_series *s, pr_backtest_config *bc) {
    memset(mk, 0, sizeof *mk);
    et_spec_plain(&mk->spec, "BTCUSDT", PR_ASSET_CRYPTO);
    mk->bars = s;
    *bc = (pr_backtest_config){.start_cash = 10000, .n_markets = 1, .markets = mk};
}

static void test_view_indicator_info(void **state) {
    (void)state;
    pr_series s;
    wave(&s);
    pr_instrument ins = {0};
    strcpy(ins.symbol, "BTCUSDT");
    const pr_series *ss[1] = {&s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &ins, .series = ss, .precompute = 1};
    pr_market_view *v = NULL;
    pr_err err;
    assert_int_equal(pr_view_new(&vc, &v, &err), PR_OK);
    int h1, h2, h3;
    double p30 = 30, pb[3] = {20, 2, 2}, p5 = 5;
    assert_int_equal(pr_view_require_indicator(v, 0, PR_TF_NONE, "sma", &p30, 1, 0, NULL, &h1, &err), PR_OK);
    assert_int_equal(pr_view_require_indicator(v, 0, PR_TF_4H, "bbands", pb, 1, 2, "high", &h2, &err), PR_OK);
    assert_int_equal(pr_view_require_indicator_of(v, 0, PR_TF_4H, "sma", &p5, 1, 0, h2, &h3, &err), PR_OK);
    assert_int_equal(pr_view_n_indicators(v), 3);
    pr_view_ind_info in;
    assert_int_equal(pr_view_indicator_info(v, h1, &in), PR_OK);
    assert_string_equal(in.name, "sma");
    assert_int_equal(in.n_params, 1);
    assert_true(in.params[0] == 30);
    assert_string_equal(in.source, "close");
    assert_int_equal(in.tf, PR_TF_1H);
    assert_int_equal(in.of, -1);
    /* bbands given one parameter: the table's defaults fill the other two (2, 2) */
    assert_int_equal(pr_view_indicator_info(v, h2, &in), PR_OK);
    assert_string_equal(in.name, "bbands");
    assert_int_equal(in.n_params, 3);   /* period, nbdevup, nbdevdn */
    assert_true(in.params[0] == 20 && in.params[1] == 2 && in.params[2] == 2);
    assert_int_equal(in.output, 2);
    assert_string_equal(in.source, "high");
    assert_int_equal(in.tf, PR_TF_4H);
    assert_int_equal(pr_view_indicator_info(v, h3, &in), PR_OK);
    assert_int_equal(in.of, h2);
    assert_string_equal(in.source, "");
    assert_int_equal(pr_view_indicator_info(v, 3, &in), PR_EINVAL);
    assert_int_equal(pr_view_indicator_info(v, -1, &in), PR_EINVAL);
    pr_view_free(v);
    pr_series_free(&s);
}

static void test_lookahead_clean(void **state) {
    (void)state;
    pr_series s;
    wave(&s);
    pr_bt_market mk;
    pr_backtest_config bc;
    one_market(&mk, &s, &bc);
    pr_check_runner r = {.strategy = mk_sma_cross, .pipeline = mk_pipe};
    pr_lookahead_report rep;
    pr_err err;
    assert_int_equal(pr_check_lookahead(&bc, &r, 0, &rep, &err), PR_OK);
    assert_int_equal(rep.n_cuts, 20);
    assert_int_equal(rep.n_indicators, 2);   /* sma(10), sma(30) */
    assert_true(rep.signals > 0);
    assert_int_equal(rep.n_findings, 0);
    pr_lookahead_report_free(&rep);
    pr_series_free(&s);
}

static void test_lookahead_next_bar(void **state) {
    (void)state;
    pr_series s;
    wave(&s);
    pr_bt_market mk;
    pr_backtest_config bc;
    one_market(&mk, &s, &bc);
    pr_check_runner r = {.strategy = mk_peek, .pipeline = mk_pipe};
    pr_lookahead_report rep;
    pr_err err;
    assert_int_equal(pr_check_lookahead(&bc, &r, 10, &rep, &err), PR_OK);
    /* At the last bar before each cut the full run sees the next close (a
     * sine: never equal to this one) and signals; the cut run reads NaN
     * there and does not: one difference in the number of signals per cut,
     * 10 in all, and none anywhere else. */
    assert_int_equal(rep.n_cuts, 10);
    assert_int_equal(rep.n_findings, 1);
    assert_int_equal(rep.findings[0].signal, 1);
    assert_int_equal(rep.findings[0].count, 10);
    assert_true(rep.findings[0].full == 1 && rep.findings[0].truncated == 0);
    assert_true(rep.findings[0].ts == rep.findings[0].cut);   /* the cut's own last bar */
    assert_non_null(strstr(rep.findings[0].what, "BTCUSDT"));
    pr_lookahead_report_free(&rep);
    pr_series_free(&s);
}

static void test_warmup_windows(void **state) {
    (void)state;
    pr_series s;
    wave(&s);
    pr_bt_market mk;
    pr_backtest_config bc;
    one_market(&mk, &s, &bc);
    pr_check_runner r = {.strategy = mk_sma_cross, .pipeline = mk_pipe};
    pr_warmup_report rep;
    pr_err err;
    assert_int_equal(pr_check_warmup(&bc, &r, 0, 0, &rep, &err), PR_OK);
    /* starts at k * 400 / 8 for k = 1..4 */
    assert_int_equal(rep.n_starts, 4);
    assert_int_equal(rep.starts[0], 50);
    assert_int_equal(rep.starts[3], 200);
    assert_true(rep.tol == 1e-10);
    /* sma_cross's defaults: SMA(10) and SMA(30) agree from their 10th and
     * 30th bar on, so 9 and 29 bars before; the same analytically */
    assert_int_equal(rep.n_rows, 3);
    assert_int_equal(rep.rows[0].measured, 9);
    assert_int_equal(rep.rows[0].analytic, 9);
    assert_int_equal(rep.rows[1].measured, 29);
    assert_int_equal(rep.rows[1].analytic, 29);
    assert_int_equal(rep.rows[2].decisions, 1);
    pr_warmup_report_free(&rep);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view_indicator_info),
        cmocka_unit_test(test_lookahead_clean),
        cmocka_unit_test(test_lookahead_next_bar),
        cmocka_unit_test(test_warmup_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
