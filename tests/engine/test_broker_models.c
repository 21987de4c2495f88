/* The models the simulated broker is built from, each through its own
 * interface so that a paper broker can reuse it: the order book and the
 * ledger (order_book.h, ledger.h), fees and fee schedules (fee_model.h), fill
 * rules and prices (fill_model.h), funding due (funding_model.h), margin
 * and liquidation (margin_model.h); and the bar-driven operations of
 * pr_broker's vtable that the backtest loop uses instead of reaching into
 * the simulated broker, with a broker lacking them refused cleanly.
 * Expected values are worked out by hand in the comments. */
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

static void test_fee_model(void **state) {
    (void)state;
    pr_costs c;
    /* Stocks by default: SEC fee 0.0000278 of sells and FINRA TAF 0.000166
     * per share sold (at most 8.30); no commission.
     * Sell 1000 at 50: 0.0000278 * 50000 = 1.39, TAF 0.166: 1.556. */
    pr_costs_default(PR_ASSET_STOCK, &c);
    pr_fee_fill sell = {.side = -1, .qty = 1000, .price = 50, .mult = 1, .fx = 1};
    assert_true(fabs(pr_fee_model_fee(&c, 0, &sell) - 1.556) < 1e-12);
    /* Buying the same costs nothing; 100,000 shares sold cap the TAF at 8.30:
     * 0.0000278 * 5,000,000 = 139 + 8.30 = 147.30. */
    pr_fee_fill buy = sell;
    buy.side = 1;
    assert_true(pr_fee_model_fee(&c, 0, &buy) == 0);
    sell.qty = 100000;
    assert_true(fabs(pr_fee_model_fee(&c, 0, &sell) - 147.30) < 1e-9);
    /* A per-share commission of 0.005 with a 1.00 minimum: 100 shares pay
     * the minimum, 1000 pay 5.00 (buys, no sell fees). */
    memset(&c, 0, sizeof c);
    c.commission_per_share = 0.005;
    c.commission_min = 1.0;
    buy.qty = 100;
    assert_true(fabs(pr_fee_model_fee(&c, 0, &buy) - 1.0) < 1e-12);
    buy.qty = 1000;
    assert_true(fabs(pr_fee_model_fee(&c, 0, &buy) - 5.0) < 1e-12);
    /* Crypto taker 0.1% of 2 * 30000 = 60, maker the same rate; a
     * liquidation pays only the margin's liquidation fee: 0.5% = 300. */
    pr_costs_default(PR_ASSET_CRYPTO, &c);
    pr_fee_fill t = {.side = 1, .qty = 2, .price = 30000, .mult = 1, .fx = 1};
    assert_true(fabs(pr_fee_model_fee(&c, 0.005, &t) - 60) < 1e-9);
    t.liquidation = 1;
    assert_true(fabs(pr_fee_model_fee(&c, 0.005, &t) - 300) < 1e-9);
    assert_true(pr_fee_model_rate(&c, 1) == 0.001);
    /* Forex: 7 per 100k base units, already in the account currency (fx
     * does not apply): 250,000 units pay 17.50. */
    memset(&c, 0, sizeof c);
    c.commission_per_100k = 7;
    pr_fee_fill fx = {.side = -1, .qty = 250000, .price = 1.1, .mult = 1, .fx = 0.5};
    assert_true(fabs(pr_fee_model_fee(&c, 0, &fx) - 17.5) < 1e-9);
}

/* A schedule read from a configuration text at "fs" (asserts it reads). */
static void read_schedule(const char *json, pr_fee_schedule *out) {
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    int rc = pr_fee_schedule_read(cfg, "fs", out, &err);
    if (rc != 0) fail_msg("%s", err.msg);
    pr_config_free(cfg);
}

/* The message reading json at "costs.crypto.fee_schedule" gives, into msg. */
static int schedule_error(const char *json, char *msg, size_t cap) {
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse(json, &cfg, &err), 0);
    pr_fee_schedule fs;
    pr_err_clear(&err);
    int rc = pr_fee_schedule_read(cfg, "costs.crypto.fee_schedule", &fs, &err);
    snprintf(msg, cap, "%s", err.msg);
    pr_config_free(cfg);
    return rc;
}

static void test_fee_schedules(void **state) {
    (void)state;
    pr_costs c;
    pr_fee_schedule fs;
    pr_costs_default(PR_ASSET_CRYPTO, &c);
    c.schedule = &fs;
    pr_fee_fill t = {.side = 1, .qty = 2, .price = 30000, .mult = 1, .fx = 1};

    /* flat, named or not, is pr_fee_model_fee bit for bit: 0.1% of 60000. */
    read_schedule("{\"fs\": {\"model\": \"flat\"}}", &fs);
    assert_ptr_equal(fs.info, &pr_fee_flat_info);
    assert_true(pr_fee_model_charge(&c, 0, &t, 1e9) == pr_fee_model_fee(&c, 0, &t));
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 0) - 60) < 1e-9);
    assert_true(pr_fee_model_window(&c) == 0 && pr_fee_model_reserve(&c, 0, 0) == 0.001);

    /* tiered: volume tiers 0 / 100,000 / 1,000,000 with maker 0.1% / 0.05% /
     * -0.01% (a rebate) and taker 0.1% / 0.08% / 0.06%, 7-day window.
     * 60,000 notional: at volume 50,000 taker 0.1% = 60; at exactly 100,000
     * (a tier starts at its threshold) taker 0.08% = 48, maker 0.05% = 30;
     * at 2,000,000 maker -0.01% = -6 (paid to us), taker 0.06% = 36. Sizing
     * reserves the rate, never a negative one. */
    read_schedule("{\"fs\": {\"model\": \"tiered\", \"params\": {\"volume\": [0, 100000, 1000000], "
                  "\"maker\": [0.001, 0.0005, -0.0001], \"taker\": [0.001, 0.0008, 0.0006], \"window_days\": 7}}}",
                  &fs);
    assert_ptr_equal(fs.info, pr_fee_schedule_find("tiered"));
    assert_true(pr_fee_model_window(&c) == 7 * PR_MS_PER_DAY);
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 50000) - 60) < 1e-9);
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 100000) - 48) < 1e-9);
    t.maker = 1;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 100000) - 30) < 1e-9);
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 2e6) - -6) < 1e-9);
    assert_true(pr_fee_model_reserve(&c, 1, 2e6) == 0);
    assert_true(pr_fee_model_reserve(&c, 0, 2e6) == 0.0006);
    t.maker = 0;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 2e6) - 36) < 1e-9);
    /* A liquidation pays the margin's liquidation fee under any schedule:
     * 0.5% of 60000 = 300; in the account currency at fx 0.5: 150. */
    t.liquidation = 1;
    t.fx = 0.5;
    assert_true(fabs(pr_fee_model_charge(&c, 0.005, &t, 2e6) - 150) < 1e-9);
    t.liquidation = 0;
    t.fx = 1;

    /* Defaults: four tiers, 30 days. */
    read_schedule("{\"fs\": {\"model\": \"tiered\"}}", &fs);
    assert_true(pr_fee_model_window(&c) == 30 * PR_MS_PER_DAY);
    assert_true(fabs(pr_fee_model_charge(&c, 0, &t, 0) - 60) < 1e-9);

    /* per_share, IBKR fixed: 0.005 a share, min 1.00, max 1% of the value.
     * 100 shares at 50: 0.50 -> the minimum 1.00; 1000 at 50: 5.00; 10,000
     * at 0.25: 50.00 capped at 1% of 2,500 = 25.00; 1 share at 5: the
     * minimum 1.00 capped at 1% of 5 = 0.05. Regulatory sell fees stay on
     * top: selling 1000 at 50 with the stock defaults adds 0.0000278 * 50000
     * = 1.39 and TAF 0.166: 6.556. */
    pr_costs_default(PR_ASSET_STOCK, &c);
    c.schedule = &fs;
    read_schedule("{\"fs\": {\"model\": \"per_share\"}}", &fs);
    pr_fee_fill s = {.side = 1, .qty = 100, .price = 50, .mult = 1, .fx = 1};
    assert_true(fabs(pr_fee_model_charge(&c, 0, &s, 0) - 1.0) < 1e-12);
    s.qty = 1000;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &s, 0) - 5.0) < 1e-12);
    s.side = -1;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &s, 0) - 6.556) < 1e-12);
    s.side = 1;
    s.qty = 10000;
    s.price = 0.25;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &s, 0) - 25.0) < 1e-12);
    s.qty = 1;
    s.price = 5;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &s, 0) - 0.05) < 1e-12);
    assert_true(pr_fee_model_reserve(&c, 0, 0) == 0);

    /* per_contract: 2.25 a contract and 1.50 a ticket; 4 contracts of a
     * future with multiplier 50: 4 * 2.25 + 1.50 = 10.50 (not scaled by the
     * multiplier), in EUR at fx 1.1: 11.55. */
    memset(&c, 0, sizeof c);
    c.schedule = &fs;
    read_schedule("{\"fs\": {\"model\": \"per_contract\", \"params\": {\"per_contract\": 2.25, \"per_order\": 1.5}}}",
                  &fs);
    pr_fee_fill fut = {.side = -1, .qty = 4, .price = 5000, .mult = 50, .fx = 1};
    assert_true(fabs(pr_fee_model_charge(&c, 0, &fut, 0) - 10.5) < 1e-12);
    fut.fx = 1.1;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &fut, 0) - 11.55) < 1e-12);

    /* percent: 0.25% with a minimum of 5 and a maximum of 20: 1,000 -> 2.50
     * -> 5; 4,000 -> 10; 100,000 -> 250 -> 20. */
    read_schedule("{\"fs\": {\"model\": \"percent\", \"params\": {\"rate\": 0.0025, \"min\": 5, \"max\": 20}}}", &fs);
    pr_fee_fill pc = {.side = 1, .qty = 10, .price = 100, .mult = 1, .fx = 1};
    assert_true(fabs(pr_fee_model_charge(&c, 0, &pc, 0) - 5) < 1e-12);
    pc.qty = 40;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &pc, 0) - 10) < 1e-12);
    pc.qty = 1000;
    assert_true(fabs(pr_fee_model_charge(&c, 0, &pc, 0) - 20) < 1e-12);
    assert_true(pr_fee_model_reserve(&c, 0, 0) == 0.0025);

    /* Errors name the full key path and what was expected. */
    char msg[PR_ERR_MSG_MAX];
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"tierd\"}}}}", msg,
                                    sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.model: expected one of \"flat\", \"tiered\""));
    assert_non_null(strstr(msg, "did you mean \"tiered\""));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"modle\": \"flat\"}}}}", msg,
                                    sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.modle: unknown key"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"per_share\", "
                                    "\"params\": {\"per_share\": -1}}}}}", msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.per_share: expected a number in [0,1000]"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"flat\", "
                                    "\"params\": {\"taker\": 0.1}}}}}", msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.taker: unknown key"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"tiered\", \"params\": "
                                    "{\"volume\": [0, 1e6], \"maker\": [0.001], \"taker\": [0.001, 0.0008]}}}}}",
                                    msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.maker: expected 2 values (one per volume element), "
                                "got 1"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"tiered\", \"params\": "
                                    "{\"volume\": [0, 1e6, 1e6], \"maker\": [0, 0, 0], \"taker\": [0, 0, 0]}}}}}",
                                    msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.volume: expected increasing volumes"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"tiered\", \"params\": "
                                    "{\"volume\": [10], \"maker\": [0], \"taker\": [0]}}}}}", msg, sizeof msg),
                     PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.volume: the first tier must start at 0"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": {\"model\": \"percent\", \"params\": "
                                    "{\"min\": 5, \"max\": 2}}}}}", msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule.params.max: expected at least min (5), got 2"));
    assert_int_equal(schedule_error("{\"costs\": {\"crypto\": {\"fee_schedule\": 3}}}", msg, sizeof msg), PR_EINVAL);
    assert_non_null(strstr(msg, "costs.crypto.fee_schedule"));
}

/* The traded volume a tiered schedule reads: fills in (ts - window, ts]. */
static void test_fee_volume(void **state) {
    (void)state;
    pr_fee_volume v = {0};
    int64_t d = PR_MS_PER_DAY;
    assert_true(pr_fee_volume_in(&v, 0, 30 * d) == 0);
    /* 1,000 on day 0, 2,000 on day 10, 4,000 on day 29, 8,000 on day 30. */
    assert_int_equal(pr_fee_volume_add(&v, 0, 1000), 0);
    assert_int_equal(pr_fee_volume_add(&v, 10 * d, 2000), 0);
    assert_int_equal(pr_fee_volume_add(&v, 29 * d, 4000), 0);
    assert_int_equal(pr_fee_volume_add(&v, 30 * d, 8000), 0);
    /* On day 29: the first three (7,000); on day 30 the day-0 fill is out
     * of the 30 days (the window is open at its start): 2,000 + 4,000 +
     * 8,000 = 14,000; on day 40, only days 29 and 30: 12,000; a time before
     * the day-30 fill does not see it: day 29.5 -> 1,000 + 2,000 + 4,000. */
    assert_true(pr_fee_volume_in(&v, 29 * d, 30 * d) == 7000);
    assert_true(pr_fee_volume_in(&v, 30 * d, 30 * d) == 14000);
    assert_true(pr_fee_volume_in(&v, 40 * d, 30 * d) == 12000);
    assert_true(pr_fee_volume_in(&v, 29 * d + d / 2, 30 * d) == 7000);
    /* Many fills: growth keeps the sums (600 more of 10 each on day 31). */
    for (int i = 0; i < 600; i++) assert_int_equal(pr_fee_volume_add(&v, 31 * d, 10), 0);
    assert_true(pr_fee_volume_in(&v, 31 * d, 30 * d) == 14000 + 6000);
    /* A fill recorded late at an earlier time (a daily bar's fill at the
     * day's open after hourly ones): 16,000 on day 15 counts from day 15
     * on, also for windows ending before day 31: on day 20, 1,000 (day 0) +
     * 2,000 (day 10) + 16,000; on day 31, 14,000 + 6,000 + 16,000 = 36,000. */
    assert_int_equal(pr_fee_volume_add(&v, 15 * d, 16000), 0);
    assert_true(pr_fee_volume_in(&v, 20 * d, 30 * d) == 1000 + 2000 + 16000);
    assert_true(pr_fee_volume_in(&v, 31 * d, 30 * d) == 36000);
    assert_true(pr_fee_volume_in(&v, 14 * d, 30 * d) == 3000);
    pr_fee_volume_free(&v);
}

/* The simulated broker charges a tiered schedule from its own fills,
 * causally: tiers 0 / 150 with taker 1% / 0.1%, no other costs. Buying 1
 * at 100 (volume before: 0) pays 1.00; selling it at 100 (volume 100) pays
 * 1.00; buying again (volume 200) pays 0.10. */
static void test_sim_tiered(void **state) {
    (void)state;
    pr_fee_schedule fs;
    read_schedule("{\"fs\": {\"model\": \"tiered\", \"params\": {\"volume\": [0, 150], \"maker\": [0.01, 0.001], "
                  "\"taker\": [0.01, 0.001]}}}", &fs);
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    m.costs.schedule = &fs;
    pr_sim_config c = {.start_cash = 10000, .n_markets = 1, .markets = &m};
    pr_broker *b = NULL;
    pr_err err;
    assert_int_equal(pr_sim_new(&c, &b, &err), 0);
    const double want[] = {1.0, 1.0, 0.1};
    for (int i = 0; i < 3; i++) {
        pr_order o;
        pr_order_init(&o, 0, i == 1 ? -1 : 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
        o.qty = 1;
        assert_int_equal(b->vt->submit(b, &o, (int64_t)i * PR_MS_PER_HOUR, &err), 0);
        pr_bar y = {(int64_t)(i + 1) * PR_MS_PER_HOUR, 100, 100, 100, 100, 1};
        pr_broker_snapshot z;
        assert_int_equal(pr_broker_process_bar(b, 0, &y, PR_MS_PER_HOUR, NULL, 0, 0, &z, &err), 0);
    }
    size_t n;
    const pr_fill *f = pr_sim_fills(b, &n);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++) assert_true(fabs(f[i].fee - want[i]) < 1e-12);
    pr_broker_free(b);
}

/* A second broker's loop, as a paper broker will run it: the order book,
 * the fill model, the fee model and the ledger driven through their own
 * interfaces, without the simulated broker. Taker 0.1%, maker 0.05%,
 * slippage 0.1%, no spread, 10,000 cash.
 *  - Bracket: market buy 2 (id 1), a sell stop at 95 (id 2) and a sell
 *    take-profit at 110 (id 3), both children waiting for the entry.
 *  - Bar 1 opens at 100: the entry fills at 100 * 1.001 = 100.1, fee
 *    0.001 * 2 * 100.1 = 0.2002, slippage 2 * 0.1 = 0.2; balance
 *    10000 - 0.2002 = 9999.7998; the children start working. Closes at
 *    103: unrealised 2 * (103 - 100.1) = 5.8.
 *  - Funding at 103, rate 0.0001: 2 * 103 * 0.0001 = 0.0206 paid.
 *  - Bar 2 (high 111, low 102): the stop is not hit, the target is: 2 at
 *    110 as maker, fee 0.0005 * 220 = 0.11, realised 2 * (110 - 100.1) =
 *    19.8; balance 9999.7998 - 0.0206 + 19.8 - 0.11 = 10019.4692. Flat:
 *    the stop is cancelled (one-cancels-the-rest by position). The trade:
 *    gross 19.8, fees 0.3102, funding 0.0206, net 19.4692. Costs paid:
 *    0.2002 + 0.2 + 0.0206 + 0.11 = 0.5308. */
static void test_book_ledger_without_sim(void **state) {
    (void)state;
    pr_costs c;
    memset(&c, 0, sizeof c);
    c.taker_fee = 0.001;
    c.maker_fee = 0.0005;
    c.slippage = 0.001;
    pr_book bk;
    pr_ledger led;
    pr_ledger_pos pos;
    assert_int_equal(pr_book_init(&bk, 1, NULL), 0);
    pr_ledger_init(&led, 10000, NULL);
    pr_ledger_pos_init(&pos, 0);
    assert_true(pos.mult == 1);

    pr_order e, st, tp;
    pr_order_init(&e, 0, 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    e.qty = 2;
    e.id = pr_book_next_id(&bk);
    e.status = PR_OS_ACTIVE;
    assert_int_equal(pr_book_add(&bk, &e, 0), 0);
    pr_order_init(&st, 0, -1, PR_ORDER_STOP, PR_ROLE_STOP);
    st.stop_price = 95;
    pr_order_init(&tp, 0, -1, PR_ORDER_LIMIT, PR_ROLE_TARGET);
    tp.limit_price = 110;
    pr_order *kids[] = {&st, &tp};
    for (int k = 0; k < 2; k++) {
        kids[k]->qty_mode = PR_QTY_CLOSE;
        kids[k]->reduce_only = 1;
        kids[k]->parent = e.id;
        kids[k]->id = pr_book_next_id(&bk);
        kids[k]->status = PR_OS_WAITING;
        assert_int_equal(pr_book_add(&bk, kids[k], 0), 0);
    }
    assert_true(e.id == 1 && st.id == 2 && tp.id == 3);
    assert_int_equal(bk.n_live[0], 3);

    /* Bar 1: the entry at the open. */
    pr_book_order *so = pr_book_live(&bk, 1);
    assert_non_null(so);
    double px;
    int maker;
    assert_int_equal(pr_fill_at_open(&c, 0, &so->o, 100, &px, &maker), 1);
    assert_true(fabs(px - 100.1) < 1e-12 && maker == 0);
    pr_fee_fill ff = {.side = 1, .qty = 2, .price = px, .mult = pos.mult, .fx = 1};
    double fee = pr_fee_model_charge(&c, 0, &ff, 0), realized;
    assert_true(fabs(fee - 0.2002) < 1e-12);
    pr_ledger_entry le = {.qty = 2, .price = px, .ref = 100, .fee = fee, .slippage_cost = 2 * (px - 100), .fx = 1,
                          .at = 1000};
    assert_int_equal(pr_ledger_fill(&led, &pos, &so->o, &le, &realized), 0);
    assert_true(realized == 0 && pos.qty == 2 && fabs(pos.avg - 100.1) < 1e-12 && led.n_open == 1);
    assert_true(fabs(led.balance - 9999.7998) < 1e-9);
    pr_fill rec = {.order_id = 1, .qty = 2, .price = px, .fee = fee};
    assert_int_equal(pr_ledger_record(&led, &rec), 0);
    pr_book_filled(&bk, so, 2, px);
    pr_book_start_children(&bk, &so->o, 2, NULL, 1000, 2000);
    assert_int_equal(bk.n_live[0], 2);
    assert_true(pr_book_live(&bk, 2)->o.status == PR_OS_ACTIVE && pr_book_live(&bk, 2)->live_from == 1000);
    assert_true(pr_book_live(&bk, 3)->o.status == PR_OS_ACTIVE && pr_book_live(&bk, 3)->live_from == 2000);
    assert_int_equal(bk.hist[0].status, PR_OS_FILLED);
    pos.mark = 103;
    assert_true(fabs(pr_ledger_unrealized(&pos, 1) - 5.8) < 1e-9);

    pr_ledger_funding(&led, &pos, 103, 0.0001, 1);
    assert_true(fabs(led.balance - 9999.7792) < 1e-9);

    /* Bar 2: stop first (not hit), then the target. */
    pr_book_order *sp = pr_book_live(&bk, 2), *tg = pr_book_live(&bk, 3);
    assert_false(pr_fill_stop_hit(1, sp->o.stop_price, 0, 111, 102));
    assert_true(pr_fill_target_hit(1, tg->o.limit_price, 0, 111, 102));
    pr_fee_fill tf = {.side = -1, .maker = 1, .qty = 2, .price = 110, .mult = 1, .fx = 1};
    fee = pr_fee_model_charge(&c, 0, &tf, 0);
    assert_true(fabs(fee - 0.11) < 1e-12);
    pr_ledger_entry lt = {.qty = 2, .price = 110, .ref = 110, .fee = fee, .fx = 1, .at = 2000};
    assert_int_equal(pr_ledger_fill(&led, &pos, &tg->o, &lt, &realized), 0);
    assert_true(fabs(realized - 19.8) < 1e-9 && pos.qty == 0 && led.n_open == 0);
    pr_book_filled(&bk, tg, 2, 110);
    pr_book_cancel_reduce_only(&bk, 0);
    assert_int_equal(bk.n_live[0], 0);
    assert_int_equal(bk.hist[1].status, PR_OS_CANCELLED);
    assert_true(bk.hist[2].status == PR_OS_FILLED && bk.hist[2].filled_qty == 2 && bk.hist[2].avg_price == 110);
    pr_book_compact(&bk);
    assert_true(bk.n_lv == 0 && pr_book_live(&bk, 2) == NULL);

    assert_true(fabs(led.balance - 10019.4692) < 1e-9);
    assert_true(fabs(led.costs - 0.5308) < 1e-9);
    assert_int_equal(led.n_trades, 1);
    const pr_trade *t = &led.trades[0];
    assert_true(t->entry_ts == 1000 && t->exit_ts == 2000 && t->side == 1 && t->size == 2);
    assert_true(fabs(t->entry_price - 100.1) < 1e-12 && t->exit_price == 110);
    assert_true(fabs(t->gross_pnl - 19.8) < 1e-9 && fabs(t->fees - 0.3102) < 1e-12);
    assert_true(fabs(t->funding - 0.0206) < 1e-12 && fabs(t->pnl - 19.4692) < 1e-9);
    assert_true(t->exit_role == PR_ROLE_TARGET);

    /* A rejected order takes its waiting children with it. */
    pr_order r, rk;
    pr_order_init(&r, 0, 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    r.qty = 1;
    r.id = pr_book_next_id(&bk);
    r.status = PR_OS_ACTIVE;
    assert_int_equal(pr_book_add(&bk, &r, 0), 0);
    pr_order_init(&rk, 0, -1, PR_ORDER_STOP, PR_ROLE_STOP);
    rk.parent = r.id;
    rk.id = pr_book_next_id(&bk);
    rk.status = PR_OS_WAITING;
    assert_int_equal(pr_book_add(&bk, &rk, 0), 0);
    pr_book_reject(&bk, pr_book_live(&bk, r.id), "no money");
    assert_true(bk.hist[3].status == PR_OS_REJECTED && strcmp(bk.hist[3].reject, "no money") == 0);
    assert_true(bk.hist[4].status == PR_OS_CANCELLED && bk.hist[4].reject != NULL);
    assert_int_equal(bk.n_live[0], 0);
    assert_int_equal(led.n_fills, 1);
    pr_book_free(&bk);
    pr_ledger_free(&led);
}

static void test_fill_model(void **state) {
    (void)state;
    pr_costs c;
    memset(&c, 0, sizeof c);
    /* EURUSD, 2 pip spread (pip 0.0001): half spread 0.0001; a taker buy
     * at mid 1.1000 pays the ask 1.1001, a sell gets the bid 1.0999. */
    c.spread_pips = 2;
    double hs = pr_fill_half_spread(&c, 0.0001, 1.1);
    assert_true(fabs(hs - 0.0001) < 1e-15);
    assert_true(fabs(pr_fill_taker_price(&c, 1, 1.1, hs) - 1.1001) < 1e-12);
    assert_true(fabs(pr_fill_taker_price(&c, -1, 1.1, hs) - 1.0999) < 1e-12);
    /* Slippage 0.2%: a sell stop at 100 fills at 99.8 (spread not again). */
    memset(&c, 0, sizeof c);
    c.slippage = 0.002;
    assert_true(fabs(pr_fill_stop_price(&c, -1, 100) - 99.8) < 1e-12);
    /* At an open of 106: a buy stop at 105 gapped through fills at the open
     * plus slippage, 106 * 1.002 = 106.212; a buy limit at 105 does not. */
    pr_order o;
    pr_order_init(&o, 0, 1, PR_ORDER_STOP, PR_ROLE_ENTRY);
    o.stop_price = 105;
    double px = 0, ref = 0;
    int maker = -1;
    assert_int_equal(pr_fill_at_open(&c, 0, &o, 106, &px, &maker), 1);
    assert_true(fabs(px - 106.212) < 1e-9);
    assert_int_equal(maker, 0);
    pr_order_init(&o, 0, 1, PR_ORDER_LIMIT, PR_ROLE_ENTRY);
    o.limit_price = 105;
    assert_int_equal(pr_fill_at_open(&c, 0, &o, 106, &px, &maker), 0);
    /* ... but at an open of 104 it fills there, as a maker. */
    assert_int_equal(pr_fill_at_open(&c, 0, &o, 104, &px, &maker), 1);
    assert_true(px == 104 && maker == 1);
    /* Inside a bar [98, 103]: a buy stop-limit, stop 102, limit 101, is
     * triggered beyond its limit and rests; with limit 103 it fills at the
     * stop plus slippage, 102.204; a sell limit at 103 is reached as maker. */
    pr_order_init(&o, 0, 1, PR_ORDER_STOP_LIMIT, PR_ROLE_ENTRY);
    o.stop_price = 102;
    o.limit_price = 101;
    assert_int_equal(pr_fill_in_range(&c, 0, &o, 103, 98, &px, &ref, &maker), PR_FILL_REST);
    assert_int_equal(o.triggered, 1);
    pr_order_init(&o, 0, 1, PR_ORDER_STOP_LIMIT, PR_ROLE_ENTRY);
    o.stop_price = 102;
    o.limit_price = 103;
    assert_int_equal(pr_fill_in_range(&c, 0, &o, 103, 98, &px, &ref, &maker), PR_FILL_NOW);
    assert_true(fabs(px - 102.204) < 1e-9 && ref == 102 && maker == 0);
    pr_order_init(&o, 0, -1, PR_ORDER_LIMIT, PR_ROLE_ENTRY);
    o.limit_price = 103;
    assert_int_equal(pr_fill_in_range(&c, 0, &o, 103, 98, &px, &ref, &maker), PR_FILL_NOW);
    assert_true(px == 103 && maker == 1);
    /* Protective stop of a long at 99 is hit by a low of 98; a target at 104
     * is not reached by a high of 103. */
    assert_true(pr_fill_stop_hit(1, 99, 0, 103, 98));
    assert_false(pr_fill_target_hit(1, 104, 0, 103, 98));
    /* The path of a bar 100 -> low 90 -> high 120 -> close 110 for a long:
     * 10 + 30 + 10 = 50 travelled; at half time (25) the price is 90 + 15. */
    pr_bar_path bp;
    pr_bar_path_init(&bp, 1, 100, 120, 90, 110);
    assert_true(fabs(pr_bar_path_at(&bp, 0.5) - 105) < 1e-12);
    assert_true(pr_bar_path_at(&bp, 1.0) == 110);
}

typedef struct paid {
    int n;
    double sum;
} paid;

static void pay(void *ctx, double rate) {
    paid *p = ctx;
    p->n++;
    p->sum += rate;
}

static void test_funding_model(void **state) {
    (void)state;
    /* A constant 0.01% every 8 hours: [00:00, 16:00) holds two funding
     * times (00:00, 08:00); the clock then waits at 16:00, and a gap in the
     * data up to 40:00 owes 16:00, 24:00 and 32:00. */
    pr_funding fd = {.perpetual = 1, .rate_default = 0.0001, .interval_ms = 8 * PR_MS_PER_HOUR};
    pr_funding_clock ck = {0};
    paid p = {0};
    pr_funding_due_in(&ck, &fd, 0, 16 * PR_MS_PER_HOUR, 1, pay, &p);
    assert_int_equal(p.n, 2);
    assert_true(ck.next == 16 * PR_MS_PER_HOUR);
    assert_true(pr_funding_next(&ck, &fd, 16 * PR_MS_PER_HOUR, 30 * PR_MS_PER_HOUR) == 24 * PR_MS_PER_HOUR);
    p = (paid){0};
    pr_funding_due_before(&ck, &fd, 40 * PR_MS_PER_HOUR, 1, pay, &p);
    assert_int_equal(p.n, 3);
    /* Flat: nothing is paid. */
    p = (paid){0};
    pr_funding_due_in(&ck, &fd, 40 * PR_MS_PER_HOUR, 48 * PR_MS_PER_HOUR, 0, pay, &p);
    assert_int_equal(p.n, 0);
    /* A series stamped 08:00:00.001 counts at 08:00: it is due in the bar
     * [08:00, 09:00), not in [07:00, 08:00). */
    int64_t ts[1] = {8 * PR_MS_PER_HOUR + 1};
    double rate[1] = {0.0003};
    pr_funding sr = {.perpetual = 1, .ts = ts, .rate = rate, .n = 1};
    pr_funding_clock c2 = {0};
    p = (paid){0};
    pr_funding_due_in(&c2, &sr, 7 * PR_MS_PER_HOUR, 8 * PR_MS_PER_HOUR, 1, pay, &p);
    assert_int_equal(p.n, 0);
    pr_funding_due_in(&c2, &sr, 8 * PR_MS_PER_HOUR, 9 * PR_MS_PER_HOUR, 1, pay, &p);
    assert_int_equal(p.n, 1);
    assert_true(p.sum == 0.0003);
    assert_true(pr_funding_time(8 * PR_MS_PER_HOUR + 1) == 8 * PR_MS_PER_HOUR);
    /* No funding: never anything due. */
    pr_funding none = {0};
    assert_true(pr_funding_next(&ck, &none, 0, INT64_MAX) == INT64_MAX);
}

static void test_margin_model(void **state) {
    (void)state;
    /* 10x: 1000 available at 100 per unit with initial margin 0.1 and a fee
     * of 0.001 buys 1000 / (100 * 0.101) = 99.0099 units; nothing when
     * nothing is available. */
    assert_true(fabs(pr_margin_entry_cap(1000, 100, 0.1, 0.001) - 1000.0 / 10.1) < 1e-9);
    assert_true(pr_margin_entry_cap(-5, 100, 0.1, 0.001) == 0);
    /* Long 1 at 100 on a balance of 10, maintenance 5%. A bar 100/100/80:
     * at 80 equity is 10 - 20 = -10 below 0.05 * 80 = 4, so it is
     * liquidated where 10 + (p - 100) = 0.05 p: p = 90 / 0.95 = 94.7368... */
    pr_margin_probe pp = {.balance = 10, .qty = 1, .avg = 100, .mult = 1, .fx = 1, .maintenance = 0.05};
    double p = 0;
    assert_int_equal(pr_margin_liquidation(&pp, 100, 100, 80, &p), 1);
    assert_true(fabs(p - 90.0 / 0.95) < 1e-9);
    /* Opened below that price: liquidated at the open. */
    assert_int_equal(pr_margin_liquidation(&pp, 93, 95, 90, &p), 1);
    assert_true(p == 93);
    /* A low of 95 keeps equity 5 above 4.75: no liquidation. */
    assert_int_equal(pr_margin_liquidation(&pp, 100, 101, 95, &p), 0);
    /* A short of 1 at 100: equity at the high 110 is 10 - 10 = 0 < 5.5. */
    pp.qty = -1;
    assert_int_equal(pr_margin_liquidation(&pp, 100, 110, 99, &p), 1);
    /* 10 + (100 - p) = 0.05 p: p = 110 / 1.05 */
    assert_true(fabs(p - 110.0 / 1.05) < 1e-9);
}

/* A broker with only the order operations (as a live venue adapter may
 * have): the bar-driven calls refuse it instead of treating it as a sim. */
static int nb_get_account(pr_broker *b, pr_account *out) {
    (void)b;
    memset(out, 0, sizeof *out);
    return 0;
}
static const pr_broker_vt k_orders_only = {.name = "orders_only", .get_account = nb_get_account};

static void test_broker_bar_ops(void **state) {
    (void)state;
    pr_broker other = {&k_orders_only};
    pr_err err;
    pr_bar x = {0, 100, 101, 99, 100, 1};
    pr_broker_snapshot z;
    assert_int_equal(pr_broker_process_bar(&other, 0, &x, PR_MS_PER_HOUR, NULL, 0, 0, &z, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "orders_only"));
    assert_int_equal(pr_broker_idle_bar(&other, 0, 100, &z), 0);
    pr_broker_snapshot_get(&other, &z);
    assert_true(isnan(z.equity));
    pr_trade t;
    assert_int_equal(pr_broker_open_trade(&other, 0, &t), PR_ENOTFOUND);
    assert_int_equal(pr_broker_liquidations(&other), 0);
    assert_int_equal(pr_sim_open_orders(&other), 0);   /* not a sim: 0, no cast */

    /* The simulated broker: an idle bar marks and reports the account; a
     * bought unit at 100 (no costs) marked at 110 shows equity 10010. */
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_sim_config c = {.start_cash = 10000, .n_markets = 1, .markets = &m};
    pr_broker *b = NULL;
    assert_int_equal(pr_sim_new(&c, &b, &err), 0);
    assert_int_equal(pr_broker_idle_bar(b, 0, 100, &z), 1);
    assert_true(z.equity == 10000 && z.balance == 10000 && z.gross == 0);
    assert_int_equal(pr_broker_idle_bar(b, 7, 100, &z), 0);   /* no such instrument */
    pr_order o;
    pr_order_init(&o, 0, 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    o.qty = 1;
    assert_int_equal(b->vt->submit(b, &o, 0, &err), 0);
    assert_int_equal(pr_broker_idle_bar(b, 0, 100, &z), 0);   /* an order works: not idle */
    pr_bar y = {PR_MS_PER_HOUR, 100, 111, 99, 110, 1};
    assert_int_equal(pr_broker_process_bar(b, 0, &y, PR_MS_PER_HOUR, NULL, 0, 0, &z, &err), 0);
    assert_true(fabs(z.equity - 10010) < 1e-9);
    assert_true(fabs(z.gross - 110) < 1e-9);
    assert_true(fabs(z.cash - 9900) < 1e-9);   /* spot: the unit's cost is out of the cash */
    pr_account a;
    assert_int_equal(b->vt->get_account(b, &a), 0);
    assert_true(a.equity == z.equity && a.cash == z.cash);
    pr_broker_mark(b, 0, 120);
    pr_broker_snapshot_get(b, &z);
    assert_true(fabs(z.equity - 10020) < 1e-9);
    assert_int_equal(pr_broker_open_trade(b, 0, &t), 0);
    assert_true(t.entry_price == 100 && t.size == 1);
    size_t no, nf, nt;
    pr_broker_record_counts(b, &no, &nf, &nt);
    assert_true(no == 1 && nf == 1 && nt == 0);
    pr_fill *fills;
    pr_trade *trades;
    pr_broker_take_records(b, &fills, &nf, &trades, &nt);
    assert_true(nf == 1 && fills[0].price == 100);
    free(fills);
    free(trades);
    pr_broker_free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fee_model),
        cmocka_unit_test(test_fee_schedules),
        cmocka_unit_test(test_fee_volume),
        cmocka_unit_test(test_sim_tiered),
        cmocka_unit_test(test_book_ledger_without_sim),
        cmocka_unit_test(test_fill_model),
        cmocka_unit_test(test_funding_model),
        cmocka_unit_test(test_margin_model),
        cmocka_unit_test(test_broker_bar_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
