/* Account arithmetic worked out by hand: perpetual funding at 8h times (from
 * a rate series and from a configured rate), liquidation under leverage (at
 * the computed liquidation price, and at the open when gapped), forex spread
 * and commission per 100k, a USD account trading USD/JPY (P&L booked in JPY
 * and converted at the current rate), lot/tick rounding with min-notional
 * rejection, US stock sell fees, and the cost defaults per asset class. */
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

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int64_t T0;
static int64_t H(int i) { return T0 + (int64_t)i * PR_MS_PER_HOUR; }

static void run(et_script *sc, const pr_market_spec *spec, const pr_series *bars, double qty, double cash,
                pr_backtest_result *res) {
    pr_err err;
    pr_err_clear(&err);
    pr_sizing z;
    pr_sizing_default(&z);
    z.mode = PR_SIZE_FIXED_QTY;
    z.qty = qty;
    int rc = et_run1(sc, spec, bars, NULL, &z, cash, res, &err);
    if (rc) fprintf(stderr, "backtest failed: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

/* 27 hourly bars flat at 100 except the opens/closes given. */
static void funding_bars(pr_series *s) {
    double rows[27][4];
    for (int i = 0; i < 27; i++) rows[i][0] = rows[i][1] = rows[i][2] = rows[i][3] = 100;
    for (int k = 0; k < 4; k++) rows[8][k] = 200;    /* 08:00 */
    for (int k = 0; k < 4; k++) rows[16][k] = 250;   /* 16:00 */
    et_hourly(s, T0, (const double(*)[4])rows, 27);
}

static void test_funding_series(void **state) {
    (void)state;
    pr_series s;
    funding_bars(&s);
    /* Rates: at 00:00 (flat then: nothing), 08:00 with Binance's 1 ms jitter,
     * 16:00, and 00:00 the next day (bar 24, price 100). */
    int64_t fts[4] = {H(0), H(8) + 1, H(16), H(24)};
    double frate[4] = {0.01, 0.0001, -0.0002, 0.0005};
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);   /* long 1 from bar 1's open */
    et_script_add(&sc, 24, PR_SIG_EXIT, 0);        /* out at bar 25's open     */
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.funding.perpetual = 1;
    m.funding.ts = fts;
    m.funding.rate = frate;
    m.funding.n = 4;
    pr_backtest_result r;
    run(&sc, &m, &s, 1, 10000, &r);
    /* Paid: 1*200*0.0001 = 0.02; received 1*250*0.0002 = 0.05; paid
     * 1*100*0.0005 = 0.05. Net funding 0.02 paid; price P&L 0 (100 -> 100). */
    assert_int_equal(r.n_trades, 1);
    assert_true(fabs(r.trades[0].funding - 0.02) < 1e-12);
    assert_true(fabs(r.trades[0].pnl + 0.02) < 1e-12);
    assert_true(fabs(r.final_equity - 9999.98) < 1e-9);
    /* After 08:00: 10000 - 0.02 + (200 - 100) on the mark. */
    assert_true(fabs(r.equity[8] - (10000 - 0.02 + 100)) < 1e-9);
    pr_bt_account_point ap;
    assert_int_equal(pr_backtest_account_at(&r, 16, &ap), PR_OK);
    assert_true(fabs(ap.balance - (10000 - 0.02 + 0.05)) < 1e-9);
    pr_backtest_result_free(&r);

    /* No series: a configured 0.0001 every 8 hours. Held over 08:00 (200),
     * 16:00 (250), 00:00 (100): 0.0001 * (200 + 250 + 100) = 0.055. */
    m.funding.n = 0;
    m.funding.ts = NULL;
    m.funding.rate = NULL;
    m.funding.rate_default = 0.0001;
    m.funding.interval_ms = 8 * PR_MS_PER_HOUR;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 24, PR_SIG_EXIT, 0);
    run(&sc, &m, &s, 1, 10000, &r);
    assert_true(fabs(r.trades[0].funding - 0.055) < 1e-12);
    assert_true(fabs(r.final_equity - (10000 - 0.055)) < 1e-9);
    pr_backtest_result_free(&r);

    /* A short receives what a long pays: -0.055. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_SHORT, 0);
    et_script_add(&sc, 24, PR_SIG_EXIT, 0);
    run(&sc, &m, &s, 1, 10000, &r);
    assert_true(fabs(r.trades[0].funding + 0.055) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_liquidation(void **state) {
    (void)state;
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.margin.leverage = 10;        /* initial margin 10%   */
    m.margin.maintenance = 0.005;  /* maintenance 0.5%     */
    /* Cash 1000, long 50 at 100 (notional 5000, margin 500). Liquidation when
     * 1000 + 50 (P - 100) = 0.005 * 50 * P, i.e. 49.75 P = 4000,
     * P = 80.4020100502...; the balance left is the maintenance margin
     * 0.25 * P = 20.1005025... */
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {95, 96, 75, 78}, {78, 79, 77, 78}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    pr_backtest_result r;
    run(&sc, &m, &s, 50, 1000, &r);
    double p = 4000.0 / 49.75;
    assert_int_equal(r.n_liquidations, 1);
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.trades[0].exit_role, PR_ROLE_LIQUIDATION);
    assert_int_equal(r.trades[0].exit_ts, H(2));
    assert_true(fabs(r.trades[0].exit_price - p) < 1e-9);
    assert_true(fabs(r.final_equity - 0.25 * p) < 1e-9);
    pr_backtest_result_free(&r);

    /* Gapped: bar 2 opens at 78, already beyond: liquidated at the open,
     * balance 1000 + 50 * (78 - 100) = -100. */
    static const double rows2[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {78, 79, 75, 78}, {78, 79, 77, 78}};
    pr_series_free(&s);
    et_hourly(&s, T0, rows2, NROWS(rows2));
    run(&sc, &m, &s, 50, 1000, &r);
    assert_int_equal(r.n_liquidations, 1);
    assert_true(r.trades[0].exit_price == 78);
    assert_true(fabs(r.final_equity + 100) < 1e-9);
    pr_backtest_result_free(&r);

    /* Not reached: a low of 81 keeps the position (81 > 80.40). */
    static const double rows3[][4] = {{100, 100, 100, 100}, {100, 101, 99, 100}, {95, 96, 81, 82}, {82, 83, 81, 82}};
    pr_series_free(&s);
    et_hourly(&s, T0, rows3, NROWS(rows3));
    run(&sc, &m, &s, 50, 1000, &r);
    assert_int_equal(r.n_liquidations, 0);
    assert_int_equal(r.n_open, 1);
    assert_true(fabs(r.final_equity - (1000 + 50 * (82 - 100.0))) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_forex_spread_commission(void **state) {
    (void)state;
    pr_market_spec m;
    assert_int_equal(pr_market_spec_default("EURUSD", PR_ASSET_FOREX, &m, NULL), 0);
    assert_true(m.inst.pip_size == 0.0001);
    m.costs.spread_pips = 1.2;           /* half spread 0.00006 */
    m.costs.commission_per_100k = 3.5;   /* USD per side         */
    m.margin.leverage = 30;
    static const double rows[][4] = {
        {1.1, 1.1, 1.1, 1.1}, {1.1, 1.102, 1.099, 1.101}, {1.101, 1.106, 1.1, 1.105}, {1.105, 1.106, 1.104, 1.105}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    pr_backtest_result r;
    run(&sc, &m, &s, 100000, 10000, &r);
    /* Buy 100,000 at the ask 1.10000 + 0.00006 = 1.10006, sell at the bid
     * 1.10500 - 0.00006 = 1.10494: gross 100000 * 0.00488 = 488; commission
     * 2 * 3.5 = 7; P&L 481; spread cost 2 * 100000 * 0.00006 = 12. */
    assert_int_equal(r.n_trades, 1);
    const pr_trade *t = &r.trades[0];
    assert_true(fabs(t->entry_price - 1.10006) < 1e-12);
    assert_true(fabs(t->exit_price - 1.10494) < 1e-12);
    assert_true(fabs(t->gross_pnl - 488) < 1e-6);
    assert_true(fabs(t->fees - 7) < 1e-9);
    assert_true(fabs(t->pnl - 481) < 1e-6);
    assert_true(fabs(t->spread_cost - 12) < 1e-6);
    assert_true(fabs(r.final_equity - 10481) < 1e-6);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

/* Funding due at a time that falls into a gap of the data is still paid by a
 * position held across the gap, at the first price after it. */
static void test_funding_across_gap(void **state) {
    (void)state;
    /* Hourly bars at 00:00..06:00 (price 100), then nothing until 10:00
     * (price 120; the 08:00 funding time falls into the gap), 11:00, 12:00. */
    pr_series s;
    pr_series_init(&s, 16);
    s.tf = PR_TF_1H;
    for (int i = 0; i <= 6; i++) et_push(&s, H(i), 100, 100, 100, 100);
    for (int i = 10; i <= 12; i++) et_push(&s, H(i), 120, 120, 120, 120);
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.funding.perpetual = 1;
    m.funding.rate_default = 0.001;
    m.funding.interval_ms = 8 * PR_MS_PER_HOUR;
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);   /* long 1 from 01:00 at 100        */
    et_script_add(&sc, 7, PR_SIG_EXIT, 0);         /* decided at 11:00 (bar 7 = 10:00) */
    pr_backtest_result r;
    run(&sc, &m, &s, 1, 10000, &r);
    /* Held over 08:00 (in the gap): 1 * 120 (the open at 10:00, the first
     * price after it) * 0.001 = 0.12 paid. Exit at 11:00's open 120: price
     * P&L +20. Final equity 10000 + 20 - 0.12 = 10019.88. */
    assert_int_equal(r.n_trades, 1);
    assert_true(fabs(r.trades[0].funding - 0.12) < 1e-12);
    assert_true(fabs(r.final_equity - 10019.88) < 1e-9);
    pr_backtest_result_free(&r);

    /* The same from a stored rate series with a rate at 08:00: 0.002 * 120. */
    int64_t fts[2] = {H(0), H(8)};
    double frate[2] = {0.5, 0.002};   /* 00:00: flat then, nothing */
    m.funding.ts = fts;
    m.funding.rate = frate;
    m.funding.n = 2;
    run(&sc, &m, &s, 1, 10000, &r);
    assert_true(fabs(r.trades[0].funding - 0.24) < 1e-12);
    assert_true(fabs(r.final_equity - 10019.76) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

/* A stop triggers when the price on its side of the book (the bid for a
 * sell, the ask for a buy) reaches it, and fills there: the spread is paid
 * once, as at the open, not a second half spread beyond the stop. */
static void test_forex_stop_with_spread(void **state) {
    (void)state;
    pr_market_spec m;
    assert_int_equal(pr_market_spec_default("EURUSD", PR_ASSET_FOREX, &m, NULL), 0);
    m.costs.spread_pips = 1;   /* half spread 0.00005 */
    m.margin.leverage = 30;
    static const double rows[][4] = {{1.1, 1.1, 1.1, 1.1},
                                     {1.1, 1.101, 1.099, 1.1},
                                     {1.099, 1.0995, 1.094, 1.0945},
                                     {1.0945, 1.0945, 1.0945, 1.0945}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 1.095;
    pr_backtest_result r;
    run(&sc, &m, &s, 100000, 10000, &r);
    /* Buy at bar 1's ask 1.10005. Bar 2 opens with the bid at 1.09895, above
     * the stop; its bid low 1.094 - 0.00005 = 1.09395 trades the stop, so
     * the sell fills at the bid 1.0950 (the mid then being 1.09505):
     * 100000 * (1.0950 - 1.10005) = -505; spread 2 * 100000 * 0.00005 = 10. */
    assert_int_equal(r.n_trades, 1);
    const pr_trade *t = &r.trades[0];
    assert_int_equal(t->exit_role, PR_ROLE_STOP);
    assert_true(fabs(t->entry_price - 1.10005) < 1e-12);
    assert_true(fabs(t->exit_price - 1.095) < 1e-12);
    assert_true(fabs(t->gross_pnl + 505) < 1e-6);
    assert_true(fabs(t->spread_cost - 10) < 1e-6);
    assert_true(fabs(t->slippage_cost) < 1e-6);
    assert_true(fabs(r.final_equity - 9495) < 1e-6);
    pr_backtest_result_free(&r);

    /* A buy stop entry at 1.1008: bar 1's ask high 1.101 + 0.00005 trades
     * it; filled at 1.1008 (not 1.10085). Open at the end, marked at 1.0945. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->entry_stop = 1.1008;
    run(&sc, &m, &s, 100000, 10000, &r);
    assert_int_equal(r.n_open, 1);
    assert_true(fabs(r.open_trades[0].entry_price - 1.1008) < 1e-12);
    assert_true(fabs(r.open_trades[0].spread_cost - 5) < 1e-6);
    assert_true(fabs(r.open_trades[0].slippage_cost) < 1e-6);
    pr_backtest_result_free(&r);

    /* With 0.1% slippage the stop sells at 1.0950 * 0.999 = 1.093905
     * (slippage 100000 * 0.001095 = 109.5 on top of the 5 of spread). */
    m.costs.slippage = 0.001;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 1.095;
    run(&sc, &m, &s, 100000, 10000, &r);
    assert_int_equal(r.n_trades, 1);
    assert_true(fabs(r.trades[0].exit_price - 1.093905) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_jpy_pnl_in_usd(void **state) {
    (void)state;
    pr_market_spec m;
    assert_int_equal(pr_market_spec_default("USDJPY", PR_ASSET_FOREX, &m, NULL), 0);
    assert_string_equal(m.inst.quote, "JPY");
    memset(&m.costs, 0, sizeof m.costs);
    m.margin.leverage = 20;
    static const double rows[][4] = {
        {150, 150, 150, 150}, {150, 150.6, 149.9, 150.5}, {150.5, 151.2, 150.4, 151}, {151, 151.1, 150.9, 151}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    pr_err err;
    pr_err_clear(&err);
    pr_sizing z;
    pr_sizing_default(&z);
    z.mode = PR_SIZE_FIXED_QTY;
    z.qty = 100000;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = z;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, &sc.base, &p, &err), 0);
    pr_bt_market mk = {.spec = m, .bars = &s};
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = 1, .markets = &mk};
    pr_strlcpy(bc.ccy, "USD", sizeof bc.ccy);
    pr_backtest_result r;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    /* Buy 100,000 USD at 150.00 JPY, sell at 151.00: +100,000 JPY, converted
     * at the rate then, 1/151: +662.25 USD. While open at bar 1 (close
     * 150.50): 100000 * 0.5 / 150.5 = 332.23 USD unrealised. */
    assert_int_equal(r.n_trades, 1);
    assert_string_equal(r.ccy, "USD");
    assert_true(fabs(r.trades[0].pnl - 100000.0 / 151.0) < 1e-6);
    assert_true(fabs(r.final_equity - (10000 + 100000.0 / 151.0)) < 1e-6);
    assert_true(fabs(r.equity[1] - (10000 + 100000 * 0.5 / 150.5)) < 1e-6);
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_series_free(&s);
}

static void test_lot_tick_min_notional(void **state) {
    (void)state;
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.inst.tick_size = 0.01;
    m.inst.lot_step = 0.001;
    m.inst.min_notional = 10;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100.5, 99.98, 100.2}, {100.2, 100.4, 100, 100.3}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    /* Limit 99.987 goes to the grid as 99.99; 0.12345 units round down to
     * 0.123; bar 1's low 99.98 fills it at 99.99 (notional 12.30 >= 10). */
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0)->entry_limit = 99.987;
    pr_backtest_result r;
    run(&sc, &m, &s, 0.12345, 10000, &r);
    assert_int_equal(r.n_open, 1);
    assert_true(r.open_trades[0].entry_price == 99.99);
    assert_true(r.open_trades[0].size == 0.123);
    assert_true(fabs(r.final_equity - (10000 + 0.123 * (100.3 - 99.99))) < 1e-9);
    pr_backtest_result_free(&r);

    /* 0.05 units at 100 is worth 5 < 10: rejected, nothing traded. */
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    run(&sc, &m, &s, 0.05, 10000, &r);
    assert_int_equal(r.n_fills, 0);
    assert_int_equal(r.n_open, 0);
    assert_int_equal(r.stats.rejected, 1);
    assert_true(r.final_equity == 10000);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_stock_sell_fees(void **state) {
    (void)state;
    pr_market_spec m;
    assert_int_equal(pr_market_spec_default("AAPL", PR_ASSET_STOCK, &m, NULL), 0);
    m.costs.slippage = 0;
    static const double rows[][4] = {{150, 150, 150, 150}, {150, 152, 149, 151}, {151, 160, 150, 159}, {160, 161, 159, 160}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    et_script_add(&sc, 2, PR_SIG_EXIT, 0);
    pr_backtest_result r;
    run(&sc, &m, &s, 100, 100000, &r);
    /* Buy 100 at 150, sell at 160: +1000. Sell fees: SEC 0.0000278 * 16000 =
     * 0.4448, FINRA TAF 0.000166 * 100 = 0.0166: 0.4614. P&L 999.5386. */
    assert_true(fabs(r.trades[0].fees - 0.4614) < 1e-9);
    assert_true(fabs(r.trades[0].pnl - 999.5386) < 1e-9);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

static void test_cost_defaults(void **state) {
    (void)state;
    pr_costs c;
    pr_costs_default(PR_ASSET_CRYPTO, &c);
    /* DESIGN rule 4: crypto taker 0.1%, slippage 0.2% at market. */
    assert_true(c.taker_fee == 0.001 && c.slippage == 0.002);
    pr_costs_default(PR_ASSET_FOREX, &c);
    assert_true(c.spread_pips > 0 && c.taker_fee == 0);
    pr_costs_default(PR_ASSET_STOCK, &c);
    assert_true(c.slippage > 0 && c.sell_fee_rate > 0);
}

static void test_margin_cap(void **state) {
    (void)state;
    /* 1000 cash, no leverage, 0.1% fee: asking for 50 units at 100 is capped
     * at 1000 / (100 * 1.001) = 9.99000999... units. */
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.costs.taker_fee = 0.001;
    static const double rows[][4] = {{100, 100, 100, 100}, {100, 100, 100, 100}};
    pr_series s;
    et_hourly(&s, T0, rows, NROWS(rows));
    et_script sc;
    et_script_reset(&sc);
    et_script_add(&sc, 0, PR_SIG_ENTER_LONG, 0);
    pr_backtest_result r;
    run(&sc, &m, &s, 50, 1000, &r);
    assert_int_equal(r.n_open, 1);
    assert_true(fabs(r.open_trades[0].size - 1000 / (100 * 1.001)) < 1e-12);
    pr_backtest_result_free(&r);
    pr_series_free(&s);
}

int main(void) {
    pr_time_make(2024, 1, 1, 0, 0, 0, &T0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funding_series),
        cmocka_unit_test(test_liquidation),
        cmocka_unit_test(test_forex_spread_commission),
        cmocka_unit_test(test_forex_stop_with_spread),
        cmocka_unit_test(test_funding_across_gap),
        cmocka_unit_test(test_jpy_pnl_in_usd),
        cmocka_unit_test(test_lot_tick_min_notional),
        cmocka_unit_test(test_stock_sell_fees),
        cmocka_unit_test(test_cost_defaults),
        cmocka_unit_test(test_margin_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
