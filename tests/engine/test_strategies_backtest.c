/* The built-in strategies trend_ema, mean_reversion and ta_score end to end
 * through pr_backtest_run on the repository's real sample data (BTCUSDT 1h
 * crypto, EURUSD 1h forex, KO 1d stocks), checking invariants rather than
 * result numbers: no entry signal before the strategy's indicators exist
 * (bar counts derived from the indicator lookbacks), every trade opens at a
 * bar after the bar of an entry signal of its side, trades carry the
 * strategy's tags, and two runs give byte-identical trades and equity.
 * (It lives with the engine tests because it needs the engine library.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/data.h"
#include "proratio/engine.h"
#include "pr_test.h"



/* ---- a strategy wrapper that records what the wrapped one signals ---------- */
typedef struct rec_sig {
    pr_signal_kind kind;
    int inst;
    int64_t now;             /* decision time (the signal bar's close)      */
    size_t bars;             /* visible bars then: the signal bar is bars-1 */
    char tag[PR_SIGNAL_TAG_MAX];
} rec_sig;

typedef struct recorder {
    pr_strategy base;
    pr_strategy *inner;
    rec_sig *sigs;
    size_t n, cap;
} recorder;

static int rec_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    recorder *r = (recorder *)s;
    r->n = 0;
    return r->inner->vt->init(r->inner, v, err);
}

static int rec_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    recorder *r = (recorder *)s;
    size_t n0 = out->n;
    int rc = r->inner->vt->on_bar(r->inner, v, out, err);
    if (rc != 0) return rc;
    for (size_t k = n0; k < out->n; k++) {
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 256;
            rec_sig *ns = realloc(r->sigs, nc * sizeof *ns);
            if (!ns) return pr_err_set(err, PR_ENOMEM, "recorder: out of memory");
            r->sigs = ns;
            r->cap = nc;
        }
        rec_sig *g = &r->sigs[r->n++];
        g->kind = out->items[k].kind;
        g->inst = out->items[k].instrument;
        g->now = pr_view_now(v);
        g->bars = pr_view_len(v, g->inst, PR_TF_NONE);
        memcpy(g->tag, out->items[k].tag, sizeof g->tag);
    }
    return PR_OK;
}

static size_t rec_describe(const pr_strategy *s, char *buf, size_t cap) {
    const recorder *r = (const recorder *)s;
    return r->inner->vt->describe(r->inner, buf, cap);
}

static void rec_destroy(pr_strategy *s) {
    recorder *r = (recorder *)s;
    free(r->sigs);
    free(r);
}

static const pr_strategy_vt k_rec_vt = {
    .name = "recorder", .init = rec_init, .on_bar = rec_on_bar, .describe = rec_describe, .destroy = rec_destroy};

/* ---- data ---------------------------------------------------------------------- */
typedef struct dataset {
    const char *file, *symbol;
    pr_asset_class cls;
    pr_series s;
} dataset;

static dataset g_data[3] = {
    {"data/sample/crypto/BTCUSDT-1h.csv", "BTCUSDT", PR_ASSET_CRYPTO, {0}},
    {"data/sample/forex/EURUSD-1h.csv", "EURUSD", PR_ASSET_FOREX, {0}},
    {"data/sample/stocks/KO-1d.csv", "KO", PR_ASSET_STOCK, {0}},
};

static int load_all(void **state) {
    (void)state;
    for (int i = 0; i < 3; i++) {
        char path[1024];
        pr_err err;
        if (pr_import_csv_series(pr_test_path(g_data[i].file, path, sizeof path), NULL, &g_data[i].s, NULL, &err) !=
            0) {
            fprintf(stderr, "%s: %s\n", g_data[i].file, err.msg);
            return -1;
        }
    }
    return 0;
}

static int free_all(void **state) {
    (void)state;
    for (int i = 0; i < 3; i++) pr_series_free(&g_data[i].s);
    return 0;
}

/* ---- one run ------------------------------------------------------------------- */
typedef struct run_out {
    char *trades_csv, *equity_csv;
    size_t trades_len, equity_len;
    size_t n_trades, n_open, n_entries;
} run_out;

/* Runs `name` on dataset d and checks the invariants; min_bars is the number
 * of bars that must be visible before an entry signal can exist. */
static void run_checked(const char *name, const dataset *d, size_t min_bars, const char *const *tags,
                        run_out *ro) {
    memset(ro, 0, sizeof *ro);
    pr_err err;
    pr_err_clear(&err);
    pr_strategy *inner = NULL;
    assert_int_equal(pr_strategy_create(name, NULL, NULL, &inner, &err), 0);
    recorder *rec = calloc(1, sizeof *rec);
    assert_non_null(rec);
    rec->base.vt = &k_rec_vt;
    rec->inner = inner;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    /* trend_ema's documented sizing: 5% of equity x its confidence. */
    if (strcmp(name, "trend_ema") == 0) {
        pc.sizing.mode = PR_SIZE_FIXED_FRACTION;
        pc.sizing.fraction = 0.05;
    }
    pr_pipeline *pipe = NULL;
    assert_int_equal(pr_pipeline_new(&pc, &rec->base, &pipe, &err), 0);
    pr_bt_market mk = {.bars = &d->s};
    assert_int_equal(pr_market_spec_default(d->symbol, d->cls, &mk.spec, &err), 0);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_backtest_result res;
    if (pr_backtest_run(&bc, pipe, &res, &err) != 0) fail_msg("%s on %s: %s", name, d->symbol, err.msg);

    const pr_series *s = &d->s;
    int64_t tf_ms = pr_tf_ms(s->tf);
    /* Entry signals only once the indicators exist. */
    for (size_t k = 0; k < rec->n; k++) {
        const rec_sig *g = &rec->sigs[k];
        assert_int_equal(g->inst, 0);
        assert_int_equal(g->now, s->ts[g->bars - 1] + tf_ms);   /* decided at the bar's close */
        if (g->kind == PR_SIG_ENTER_LONG || g->kind == PR_SIG_ENTER_SHORT) {
            ro->n_entries++;
            if (g->bars < min_bars) fail_msg("%s on %s: entry with %zu bars visible", name, d->symbol, g->bars);
        }
        int known = 0;
        for (size_t t = 0; tags[t]; t++) known |= strcmp(g->tag, tags[t]) == 0;
        if (!known) fail_msg("%s: unexpected tag '%s'", name, g->tag);
    }
    /* Every trade (closed or still open) starts at a bar after the bar of an
     * entry signal of its side. */
    for (size_t pass = 0; pass < 2; pass++) {
        const pr_trade *tr = pass ? res.open_trades : res.trades;
        size_t nt = pass ? res.n_open : res.n_trades;
        for (size_t k = 0; k < nt; k++) {
            const pr_trade *t = &tr[k];
            pr_signal_kind want = t->side > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT;
            const rec_sig *g = NULL;
            for (size_t j = 0; j < rec->n; j++)
                if (rec->sigs[j].kind == want && rec->sigs[j].now <= t->entry_ts) g = &rec->sigs[j];
            if (!g) fail_msg("%s on %s: trade %zu has no entry signal before it", name, d->symbol, k);
            size_t entry_bar = pr_series_lower_bound(s, t->entry_ts);
            assert_true(entry_bar < s->len && s->ts[entry_bar] == t->entry_ts);
            assert_true(entry_bar > g->bars - 1);
            assert_true(entry_bar >= min_bars);
            int known = 0;
            for (size_t j = 0; tags[j]; j++) known |= strcmp(t->tag, tags[j]) == 0;
            if (!known) fail_msg("%s: trade tag '%s'", name, t->tag);
            if (t->exit_ts != PR_TIME_NONE) assert_true(t->exit_ts >= t->entry_ts);
        }
    }
    ro->n_trades = res.n_trades;
    ro->n_open = res.n_open;
    /* The trades and the equity curve in the report's CSV format. */
    pr_trade_record *tr = NULL;
    pr_equity_point *eq = NULL;
    size_t ntr = 0, neq = 0;
    assert_int_equal(pr_backtest_records(&bc, &res, &tr, &ntr, &eq, &neq, &err), 0);
    assert_int_equal(ntr, res.n_trades + res.n_open);
    FILE *f = open_memstream(&ro->trades_csv, &ro->trades_len);
    assert_non_null(f);
    assert_int_equal(pr_fwrite_trades_csv(f, tr, ntr, &err), 0);
    fclose(f);
    f = open_memstream(&ro->equity_csv, &ro->equity_len);
    assert_non_null(f);
    assert_int_equal(pr_fwrite_equity_csv(f, eq, neq, &err), 0);
    fclose(f);
    free(tr);
    free(eq);
    pr_backtest_result_free(&res);
    pr_pipeline_free(pipe);
    pr_strategy_free(&rec->base);
    pr_strategy_free(inner);
}

static void run_strategy(const char *name, const size_t *min_bars, const char *const *tags) {
    size_t trades = 0, entries = 0;
    for (int i = 0; i < 3; i++) {
        run_out a, b;
        run_checked(name, &g_data[i], min_bars[i], tags, &a);
        run_checked(name, &g_data[i], min_bars[i], tags, &b);
        assert_true(a.trades_len == b.trades_len && memcmp(a.trades_csv, b.trades_csv, a.trades_len) == 0);
        assert_true(a.equity_len == b.equity_len && memcmp(a.equity_csv, b.equity_csv, a.equity_len) == 0);
        assert_true(a.n_trades == b.n_trades && a.n_open == b.n_open);
        printf("    %s on %s (%zu bars): %zu entry signals, %zu closed trades, %zu open\n", name,
               g_data[i].symbol, g_data[i].s.len, a.n_entries, a.n_trades, a.n_open);
        trades += a.n_trades + a.n_open;
        entries += a.n_entries;
        free(a.trades_csv);
        free(a.equity_csv);
        free(b.trades_csv);
        free(b.equity_csv);
    }
    /* The sample data is long enough for every strategy to trade somewhere. */
    assert_true(entries > 0 && trades > 0);
}

/* trend_ema: the cross needs EMA(50) at t-1: EMA(50) exists from bar 49, so
 * the first cross can be at bar 50, with 51 bars visible. */
static void test_trend_ema(void **state) {
    (void)state;
    const size_t min_bars[3] = {51, 51, 51};
    const char *const tags[] = {"trend_ema_long", "trend_ema_short", "trend_ema_cross", "trend_ema_rsi", NULL};
    run_strategy("trend_ema", min_bars, tags);
}

/* mean_reversion: Bollinger(20) and z(20) from bar 19, RSI(14) and ATR(14)
 * from bar 14: 20 bars. */
static void test_mean_reversion(void **state) {
    (void)state;
    const size_t min_bars[3] = {20, 20, 20};
    const char *const tags[] = {"mean_rev_long", "mean_rev_short", "mean_rev_exit", NULL};
    run_strategy("mean_reversion", min_bars, tags);
}

/* ta_score: EMA(200) from bar 199 (MACD(12,26,9) from 33, ADX from 27, the
 * higher timeframe's EMA(20) after 20 closed 4h bars = 80 hours, or 20 weeks
 * = about 100 trading days for KO): 200 bars. */
static void test_ta_score(void **state) {
    (void)state;
    const size_t min_bars[3] = {200, 200, 200};
    const char *const tags[] = {"ta_score_long", "ta_score_short", "ta_score_exit", NULL};
    run_strategy("ta_score", min_bars, tags);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_ema),
        cmocka_unit_test(test_mean_reversion),
        cmocka_unit_test(test_ta_score),
    };
    return cmocka_run_group_tests(tests, load_all, free_all);
}
