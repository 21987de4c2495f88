/* Exposure limits (risk/exposure.h) on books worked out by hand: equity
 * 10,000 in a USD account, positions as signed notionals in USD. Each test
 * names the room every limit leaves and the one that binds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

enum { EURUSD, EURGBP, GBPUSD, BTC, ETH, SOL, ADA, SPY, KO, PEP, N_INST };
static pr_instrument g_in[N_INST];

static void inst(int i, const char *sym, pr_asset_class cls) {
    assert_int_equal(pr_instrument_default(sym, cls, &g_in[i], NULL), 0);
}

static int setup(void **state) {
    (void)state;
    inst(EURUSD, "EURUSD", PR_ASSET_FOREX);
    inst(EURGBP, "EURGBP", PR_ASSET_FOREX);
    inst(GBPUSD, "GBPUSD", PR_ASSET_FOREX);
    inst(BTC, "BTCUSDT", PR_ASSET_CRYPTO);
    inst(ETH, "ETHUSDT", PR_ASSET_CRYPTO);
    inst(SOL, "SOLUSDT", PR_ASSET_CRYPTO);
    inst(ADA, "ADAUSDT", PR_ASSET_CRYPTO);
    inst(SPY, "SPY", PR_ASSET_STOCK);
    inst(KO, "KO", PR_ASSET_STOCK);
    inst(PEP, "PEP", PR_ASSET_STOCK);
    return 0;
}

static pr_risk_pos pos(int i, double notional) { return (pr_risk_pos){.index = i, .inst = &g_in[i], .notional = notional}; }

static void off(pr_risk_exposure *c) {
    pr_params_defaults(&pr_risk_exposure_info, c);
}

/* Checks entry e against book[0..n); returns the allowed notional. */
static double check(const pr_risk_exposure *c, const pr_risk_pos *book, size_t n, pr_risk_pos e, pr_risk_corr_fn corr,
                    const char **why) {
    pr_risk_book b = {.equity = 10000, .ccy = "USD", .pos = book, .n = n};
    for (size_t k = 0; k < n; k++) b.gross += fabs(book[k].notional);
    double allowed = -1;
    pr_risk_exposure_check(c, &b, &e, corr, NULL, &allowed, why);
    return allowed;
}

static void test_currency_counts_twice(void **state) {
    (void)state;
    pr_risk_exposure c;
    off(&c);
    c.currency_cap = 0.5;   /* 5,000 net per currency */
    const pr_risk_pos book[] = {pos(EURUSD, 3000)};   /* EUR +3,000, USD (the account's) -3,000 */
    const char *why;
    /* Long EURGBP 3,000: EUR +3,000 more -> 6,000 > 5,000: room 5,000 - 3,000
     * = 2,000; GBP -3,000 (room 5,000 - 0). Resized to 2,000. */
    assert_true(fabs(check(&c, book, 1, pos(EURGBP, 3000), NULL, &why) - 2000) < 1e-9);
    assert_string_equal(why, "currency cap (risk.exposure.currency_cap)");
    /* Long GBPUSD 3,000: GBP +3,000, USD not counted: goes through. */
    assert_true(fabs(check(&c, book, 1, pos(GBPUSD, 3000), NULL, &why) - 3000) < 1e-9);
    assert_null(why);
    /* Short EURGBP 3,000 offsets EUR (3,000 - 3,000 = 0), GBP +3,000: through. */
    assert_true(fabs(check(&c, book, 1, pos(EURGBP, -3000), NULL, &why) - 3000) < 1e-9);
    assert_null(why);
    /* The quote side counts too: long EURGBP 4,000 is short GBP 4,000, and
     * short GBPUSD 3,000 would add short GBP 3,000: |-7,000| > 5,000, room
     * 5,000 - 4,000 = 1,000. */
    const pr_risk_pos gbp[] = {pos(EURGBP, 4000)};
    assert_true(fabs(check(&c, gbp, 1, pos(GBPUSD, -3000), NULL, &why) - 1000) < 1e-9);
    assert_string_equal(why, "currency cap (risk.exposure.currency_cap)");
    /* A stock is no currency position. */
    assert_true(fabs(check(&c, book, 1, pos(SPY, 9000), NULL, &why) - 9000) < 1e-9);
}

static void test_class_cap_allocation(void **state) {
    (void)state;
    pr_risk_exposure c;
    off(&c);
    c.allocation = PR_ALLOC_DIVERSIFIED;
    c.cap_stock = 0.7;   /* set by hand: the allocation leaves it */
    pr_risk_exposure_apply_allocation(&c);
    assert_true(c.cap_crypto == 0.30 && c.cap_forex == 0.20 && c.cap_stock == 0.7 && c.min_cash == 0.10);
    const char *why;
    /* Crypto cap 3,000; BTC 2,000 open (SPY 5,000 is another class): ETH 2,500
     * gets 3,000 - 2,000 = 1,000. Cash floor: 9,000 - 7,000 = 2,000, looser. */
    const pr_risk_pos book[] = {pos(BTC, 2000), pos(SPY, 5000)};
    assert_true(fabs(check(&c, book, 2, pos(ETH, 2500), NULL, &why) - 1000) < 1e-9);
    assert_string_equal(why, "asset class cap (risk.exposure.cap_crypto)");
    /* A short counts by its size: BTC -2,000 leaves the same 1,000. */
    const pr_risk_pos book_s[] = {pos(BTC, -2000), pos(SPY, 5000)};
    assert_true(fabs(check(&c, book_s, 2, pos(ETH, -2500), NULL, &why) - 1000) < 1e-9);
    /* Cash floor binding: SPY 6,500 + BTC 1,500 = 8,000 gross; ETH 2,000:
     * crypto room 1,500, cash room 9,000 - 8,000 = 1,000 -> 1,000. */
    const pr_risk_pos book2[] = {pos(BTC, 1500), pos(SPY, 6500)};
    assert_true(fabs(check(&c, book2, 2, pos(ETH, 2000), NULL, &why) - 1000) < 1e-9);
    assert_string_equal(why, "cash floor (risk.exposure.min_cash)");
    /* Class full: refused (0). */
    const pr_risk_pos book3[] = {pos(BTC, 3000)};
    assert_true(check(&c, book3, 1, pos(ETH, 100), NULL, &why) == 0);
    assert_string_equal(why, "asset class cap (risk.exposure.cap_crypto)");
}

/* Rolling correlations of the crypto pairs (symmetric), 0 otherwise. */
static double corr_table(void *ctx, int a, int b) {
    (void)ctx;
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    if (a == BTC && b == ETH) return 0.85;
    if (a == BTC && b == SOL) return 0.6;
    if (a == ETH && b == SOL) return 0.75;
    return 0.1;
}

static void test_correlated_group(void **state) {
    (void)state;
    pr_risk_exposure c;
    off(&c);
    c.corr_cap = 0.3;   /* 3,000 for instruments correlated above 0.7 */
    const pr_risk_pos book[] = {pos(BTC, 2000), pos(SOL, 1500)};
    const char *why;
    /* ETH: BTC (0.85) and SOL (0.75) are in its group: 3,500 > 3,000 -> refused. */
    assert_true(check(&c, book, 2, pos(ETH, 2500), corr_table, &why) == 0);
    assert_string_equal(why, "correlated exposure cap (risk.exposure.corr_cap)");
    /* With only BTC open: group {BTC} -> 3,000 - 2,000 = 1,000. */
    assert_true(fabs(check(&c, book, 1, pos(ETH, 2500), corr_table, &why) - 1000) < 1e-9);
    /* SOL alone: BTC at 0.6 is not correlated enough -> no group, 2,500. */
    assert_true(fabs(check(&c, book, 1, pos(SOL, 2500), corr_table, &why) - 2500) < 1e-9);
    assert_null(why);
    /* ADA correlates with nothing: through. */
    assert_true(fabs(check(&c, book, 2, pos(ADA, 9000), corr_table, &why) - 9000) < 1e-9);
}

static void test_corr_hand(void **state) {
    (void)state;
    double scratch[8];
    /* x = 1 2 3, y = 1 3 2: deviations (-1 0 1), (-1 1 0): cov 1, var 2 and
     * 2: r = 1 / 2 = 0.5. As a ring of 4 rows with an older row (100, -100)
     * at slot 1, the rows at slots 2, 3, 0 (head 1). */
    const double ring[4][2] = {{3, 2}, {100, -100}, {1, 1}, {2, 3}};
    assert_true(fabs(pr_risk_corr(&ring[0][0], 4, 2, 1, 3, 0, 1, scratch) - 0.5) < 1e-12);
    /* y = 2x: 1; y = 5 - x: -1; a constant: NaN; two rows: NaN. */
    const double m[4][2] = {{1, 2}, {2, 4}, {3, 6}, {4, 8}};
    assert_true(fabs(pr_risk_corr(&m[0][0], 4, 2, 4, 4, 0, 1, scratch) - 1) < 1e-12);
    const double m2[4][2] = {{1, 4}, {2, 3}, {3, 2}, {4, 1}};
    assert_true(fabs(pr_risk_corr(&m2[0][0], 4, 2, 4, 4, 0, 1, scratch) + 1) < 1e-12);
    const double m3[3][2] = {{1, 5}, {2, 5}, {3, 5}};
    assert_true(isnan(pr_risk_corr(&m3[0][0], 3, 2, 3, 3, 0, 1, scratch)));
    assert_true(isnan(pr_risk_corr(&m[0][0], 4, 2, 4, 2, 0, 1, scratch)));
}

static void test_max_positions_leverage_sector_margin(void **state) {
    (void)state;
    pr_risk_exposure c;
    const char *why;
    off(&c);
    c.max_positions = 2;
    const pr_risk_pos two[] = {pos(BTC, 1000), pos(SPY, 1000)};
    assert_true(check(&c, two, 2, pos(KO, 500), NULL, &why) == 0);
    assert_string_equal(why, "max concurrent positions (risk.exposure.max_positions)");
    /* Adding to a held instrument opens no new position. */
    assert_true(fabs(check(&c, two, 2, pos(SPY, 500), NULL, &why) - 500) < 1e-9);

    off(&c);
    c.lev_forex = 2;   /* one forex position at most 20,000 */
    const pr_risk_pos fx[] = {pos(EURUSD, 15000)};
    assert_true(fabs(check(&c, fx, 1, pos(EURUSD, 8000), NULL, &why) - 5000) < 1e-9);
    assert_string_equal(why, "leverage cap (risk.exposure.lev_forex)");
    assert_true(fabs(check(&c, fx, 1, pos(GBPUSD, 8000), NULL, &why) - 8000) < 1e-9);

    off(&c);
    c.sector_cap = 0.2;   /* 2,000 a sector */
    c.n_sectors = 3;
    strcpy(c.sector_symbol[0], "KO"), strcpy(c.sector_name[0], "staples");
    strcpy(c.sector_symbol[1], "PEP"), strcpy(c.sector_name[1], "staples");
    strcpy(c.sector_symbol[2], "SPY"), strcpy(c.sector_name[2], "index");
    const pr_risk_pos st[] = {pos(KO, 1500), pos(SPY, 3000)};
    /* PEP: staples hold KO 1,500 -> 500 left (SPY is another sector). */
    assert_true(fabs(check(&c, st, 2, pos(PEP, 1000), NULL, &why) - 500) < 1e-9);
    assert_string_equal(why, "sector cap (risk.exposure.sector_cap)");
    assert_true(fabs(check(&c, st, 2, pos(BTC, 9000), NULL, &why) - 9000) < 1e-9);   /* no sector */

    off(&c);
    c.margin_ratio = 0.5;
    /* Margin used 3,000 on 6,000 gross (rate 0.5): room (5,000 - 3,000) / 0.5 = 4,000. */
    const pr_risk_pos mg[] = {pos(BTC, 6000)};
    pr_risk_book b = {.equity = 10000, .margin_used = 3000, .gross = 6000, .ccy = "USD", .pos = mg, .n = 1};
    pr_risk_pos e = pos(ETH, 5000);
    double allowed;
    pr_risk_exposure_check(&c, &b, &e, NULL, NULL, &allowed, &why);
    assert_true(fabs(allowed - 4000) < 1e-9);
    assert_string_equal(why, "margin safety ratio (risk.exposure.margin_ratio)");
}

static void test_config_paths(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err e;
    pr_risk_config rc;
    assert_int_equal(pr_config_parse("{\"risk\": {\"exposure\": {\"allocation\": \"conservative\", \"cap_crypto\": 0.05},"
                                     " \"sectors\": {\"KO\": \"staples\"}, \"var\": {\"limit\": 0.03}}}",
                                     &cfg, &e),
                     0);
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &e), 0);
    assert_true(rc.exposure.cap_crypto == 0.05 && rc.exposure.cap_stock == 0.40 && rc.exposure.min_cash == 0.30);
    assert_int_equal(rc.exposure.n_sectors, 1);
    assert_string_equal(pr_risk_sector_of(&rc.exposure, "KO"), "staples");
    assert_true(rc.var.limit == 0.03 && rc.var.window == 100);
    pr_config_free(cfg);
    const char *bad[][2] = {{"{\"risk\": {\"exposure\": {\"cap_crypto\": -1}}}", "risk.exposure.cap_crypto"},
                            {"{\"risk\": {\"exposure\": {\"capp\": 1}}}", "risk.exposure.capp"},
                            {"{\"risk\": {\"sectors\": {\"KO\": 3}}}", "risk.sectors.KO"},
                            {"{\"risk\": {\"var\": {\"window\": 10, \"min_obs\": 20}}}", "risk.var.min_obs"},
                            {"{\"risk\": {\"var\": {\"method\": \"parametric\"}}}", "risk.var.method"}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(pr_config_parse(bad[k][0], &cfg, &e), 0);
        pr_err_clear(&e);
        assert_int_not_equal(pr_risk_config_read(cfg, "risk", &rc, &e), 0);
        assert_non_null(strstr(e.msg, bad[k][1]));
        pr_config_free(cfg);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_currency_counts_twice),
        cmocka_unit_test(test_class_cap_allocation),
        cmocka_unit_test(test_correlated_group),
        cmocka_unit_test(test_corr_hand),
        cmocka_unit_test(test_max_positions_leverage_sector_margin),
        cmocka_unit_test(test_config_paths),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
