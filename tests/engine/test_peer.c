/* Peer check: sma_cross(10, 30) on the full BTCUSDT 1h series (29,303 bars)
 * through the engine must reproduce the trade list that backtrader,
 * vectorbt, backtesting.py and a NumPy implementation agree on
 * (tests/data/reference/README.md): next-open fills, all-cash sizing with
 * 0.1% commission per side, no slippage or spread, start cash 10,000.
 * Every entry/exit time and price equal, sizes, final equity and max
 * drawdown to 1e-12 relative (the peers agree to ~1e-14), 588 trades. */
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
#include "pr_test.h"
#include "engine_test.h"

typedef struct ref_trade {
    int64_t entry_ts, exit_ts;
    double entry_price, exit_price, size;
} ref_trade;

static size_t read_reference(const char *path, ref_trade *out, size_t cap) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    size_t n = 0;
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "entry_time,exit_time,entry_price,exit_price,size\n");
    while (fgets(line, sizeof line, f) && n < cap) {
        char *c1 = strchr(line, ',');
        assert_non_null(c1);
        char *c2 = strchr(c1 + 1, ',');
        assert_non_null(c2);
        ref_trade *t = &out[n++];
        assert_int_equal(pr_time_parse(line, (size_t)(c1 - line), &t->entry_ts, NULL), 0);
        assert_int_equal(pr_time_parse(c1 + 1, (size_t)(c2 - c1 - 1), &t->exit_ts, NULL), 0);
        assert_int_equal(sscanf(c2 + 1, "%lf,%lf,%lf", &t->entry_price, &t->exit_price, &t->size), 3);
    }
    fclose(f);
    return n;
}

static void peer_spec(pr_market_spec *m) {
    et_spec_plain(m, "BTCUSDT", PR_ASSET_CRYPTO);
    /* The reference's rules: 0.1% commission per side, nothing else,
     * fractional size (no lot grid). */
    m->costs.taker_fee = 0.001;
    m->costs.maker_fee = 0.001;
}

static void test_sma_cross_matches_peers(void **state) {
    (void)state;
    char path[1024];
    pr_series bars;
    assert_int_equal(et_read_csv(pr_test_path("tests/data/reference/BTCUSDT-1h.csv", path, sizeof path), PR_TF_1H, &bars), 0);
    /* The file the peers used: 2022-01-01 00:00 .. 2025-05-05 23:00 UTC. */
    assert_int_equal(bars.len, 29303);
    assert_int_equal(bars.ts[0], et_time(2022, 1, 1, 0, 0));
    assert_int_equal(bars.ts[bars.len - 1], et_time(2025, 5, 5, 23, 0));

    static ref_trade ref[1000];
    size_t nref = read_reference(pr_test_path("tests/data/reference/sma_cross_10_30_btcusdt_1h_trades.csv", path,
                                              sizeof path), ref, 1000);
    assert_int_equal(nref, 588);

    pr_strategy *st = NULL;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_strategy_create("sma_cross", NULL, NULL, &st, &err), 0);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_ALL_CASH;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, st, &p, &err), 0);
    pr_bt_market mk = {.bars = &bars};
    peer_spec(&mk.spec);
    pr_backtest_config bc = {.start_cash = 10000.0, .n_markets = 1, .markets = &mk};
    pr_backtest_result res;
    int rc = pr_backtest_run(&bc, p, &res, &err);
    if (rc) fprintf(stderr, "backtest: %s\n", err.msg);
    assert_int_equal(rc, 0);

    assert_int_equal(res.n_trades, 588);
    assert_int_equal(res.n_open, 0);   /* the last trade is closed in this data */
    double worst_size = 0;
    for (size_t k = 0; k < nref; k++) {
        const pr_trade *t = &res.trades[k];
        if (t->entry_ts != ref[k].entry_ts || t->exit_ts != ref[k].exit_ts)
            fail_msg("trade %zu: times differ from the reference", k);
        /* Fill prices are the bars' opens: equal to the printed decimals. */
        assert_true(t->entry_price == ref[k].entry_price);
        assert_true(t->exit_price == ref[k].exit_price);
        assert_int_equal(t->side, 1);
        double rel = fabs(t->size / ref[k].size - 1);
        if (rel > worst_size) worst_size = rel;
    }
    assert_true(worst_size < 1e-12);   /* the peers agree to ~1e-14 */

    /* Final equity = exact decimal 7872.10460309230545...; total return -21.278953969%. */
    const double final_ref = 7872.1046030923054529596801223772352023679449457477;
    assert_true(fabs(res.final_equity / final_ref - 1) < 1e-12);
    assert_true(fabs((res.final_equity / 10000.0 - 1) - (-0.21278953969)) < 1e-10);

    /* Max drawdown = max_t (1 - equity[t] / running peak), one point per bar. */
    assert_int_equal(res.n_steps, 29303);
    double peak = res.equity[0], mdd = 0;
    for (size_t k = 0; k < res.n_steps; k++) {
        if (res.equity[k] > peak) peak = res.equity[k];
        double dd = 1 - res.equity[k] / peak;
        if (dd > mdd) mdd = dd;
    }
    assert_true(fabs(mdd - 0.40069171236066650) < 1e-12);
    /* 588 entries + 588 exits, all at opens, commission only. */
    assert_int_equal(res.n_fills, 1176);

    pr_backtest_result_free(&res);
    pr_pipeline_free(p);
    pr_strategy_free(st);
    pr_series_free(&bars);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sma_cross_matches_peers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
