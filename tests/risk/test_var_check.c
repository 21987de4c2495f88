/* The pre-trade VaR check of a one-instrument book takes two routes to its
 * decision, which must agree bit for bit: with the report's series kept, it
 * reads the VaR off the tails the watch keeps (whose values test_var.c
 * compares with pr_risk_var_hist); without it, it counts the window's
 * returns whose loss exceeds the limit (no VaR at all). A book of two
 * instruments takes the selection of pr_risk_var_losses either way. Here a
 * strategy enters long or short (a fixed LCG) every third bar of a noisy
 * walk with jumps, and holds two bars, under VaR limits near the VaR those
 * books have, so that entries are refused and let through in turn; every
 * limit's refusals and trades must be the same with and without the series,
 * for one instrument and for two. The route without the series first
 * compares the loss at a bound on the largest |return| of the window with
 * the limit (and skips the count when it is within): this compares it too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "proratio/engine.h"
#include "proratio/risk.h"
#include "engine/engine_test.h"

#define NB 700
#define MAXREJ 400

typedef struct flip {
    pr_strategy base;
    size_t n_inst;
    unsigned long x;
} flip;

static int64_t g_rej[MAXREJ];
static size_t g_n_rej;

static int flip_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    (void)s, (void)v, (void)err;
    return 0;
}

/* Bar t (its index): flat and t % 3 == 0: enter, the side from the LCG;
 * holding and t % 3 == 2: exit. Each instrument on its own. */
static int flip_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    flip *f = (flip *)s;
    (void)err;
    for (size_t i = 0; i < f->n_inst; i++) {
        size_t t = pr_view_len(v, (int)i, PR_TF_NONE) - 1;
        int side = pr_view_side(v, (int)i);
        f->x = f->x * 6364136223846793005UL + 1442695040888963407UL;
        pr_signal *g = NULL;
        if (side == 0 && t % 3 == 0) g = pr_signal_list_add(out, (f->x >> 40) & 1 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, (int)i);
        else if (side != 0 && t % 3 == 2) g = pr_signal_list_add(out, PR_SIG_EXIT, (int)i);
        if (g) g->confidence = 1;
    }
    return 0;
}

static int flip_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    (void)s, (void)v, (void)err;
    if (ev->kind == PR_EV_REJECTED && ev->reason && strstr(ev->reason, "portfolio VaR") && g_n_rej < MAXREJ)
        g_rej[g_n_rej++] = ev->ts * 4 + ev->instrument;
    return 0;
}

static void flip_destroy(pr_strategy *s) { (void)s; }

static const pr_strategy_vt k_flip_vt = {
    .name = "flip", .init = flip_init, .on_bar = flip_on_bar, .on_event = flip_event, .destroy = flip_destroy};

/* A walk of NB closes from seed: steps of up to +-1%, one in 16 a jump of
 * up to +-6%. */
static void walk(unsigned long seed, double (*rows)[4]) {
    double c = 100;
    for (size_t k = 0; k < NB; k++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        double u = (double)(seed >> 11) / 9007199254740992.0;
        double o = c;
        c *= 1 + (u - 0.5) * ((seed >> 3) % 16 == 0 ? 0.12 : 0.02);
        rows[k][0] = o, rows[k][1] = fmax(o, c), rows[k][2] = fmin(o, c), rows[k][3] = c;
    }
}

typedef struct outcome {
    size_t n_rej, n_trades;
    int64_t rej[MAXREJ];
    double pnl;
} outcome;

static void run(size_t n_inst, double limit, int series, unsigned long seed, outcome *o) {
    static double rows[2][NB][4];
    pr_series s[2];
    pr_bt_market mk[2];
    memset(mk, 0, sizeof mk);
    for (size_t i = 0; i < n_inst; i++) {
        walk(seed + 77 * i, rows[i]);
        et_hourly(&s[i], et_time(2024, 1, 1, 0, 0), (const double(*)[4])rows[i], NB);
        mk[i].bars = &s[i];
        et_spec_plain(&mk[i].spec, i ? "ETHUSDT" : "BTCUSDT", PR_ASSET_CRYPTO);
    }
    flip f = {.base = {.vt = &k_flip_vt}, .n_inst = n_inst, .x = seed};
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    rc.sizing.mode = PR_RISK_FIXED_FRACTION;
    rc.sizing.fraction = 0.4;
    rc.stops.required = 0;
    rc.var.limit = limit;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pr_pipeline *p = NULL;
    pr_risk_stage *rs = NULL;
    pr_err err;
    assert_int_equal(pr_pipeline_new(&pc, &f.base, &p, &err), 0);
    assert_int_equal(pr_risk_stage_new(&rc, &rs, &err), 0);
    pr_risk_stage_record_series(rs, series);
    pr_sizer sz;
    pr_risk_stage_sizer(rs, &sz);
    pr_pipeline_set_sizer(p, &sz);
    pr_backtest_config bc = {.start_cash = 10000, .n_markets = n_inst, .markets = mk};
    pr_backtest_result r;
    g_n_rej = 0;
    assert_int_equal(pr_backtest_run(&bc, p, &r, &err), 0);
    o->n_rej = g_n_rej;
    memcpy(o->rej, g_rej, sizeof o->rej);
    o->n_trades = r.n_trades;
    o->pnl = r.final_equity;
    pr_backtest_result_free(&r);
    pr_pipeline_free(p);
    pr_risk_stage_free(rs);
    for (size_t i = 0; i < n_inst; i++) pr_series_free(&s[i]);
}

static void test_routes_agree(void **state) {
    (void)state;
    static outcome a, b;
    size_t mixed = 0;
    for (size_t n_inst = 1; n_inst <= 2; n_inst++)
        for (unsigned long seed = 1; seed <= 6; seed++)
            /* 0.4 x 10,000 = 4,000 a position: a 1% step costs 40 (0.4% of
             * equity), a 6% jump 240 (2.4%): limits from 0.3% to 2.4%. */
            for (double limit = 0.003; limit < 0.025; limit += 0.003) {
                run(n_inst, limit, 1, seed, &a);
                run(n_inst, limit, 0, seed, &b);
                assert_int_equal((int)a.n_rej, (int)b.n_rej);
                assert_memory_equal(a.rej, b.rej, a.n_rej * sizeof a.rej[0]);
                assert_int_equal((int)a.n_trades, (int)b.n_trades);
                assert_memory_equal(&a.pnl, &b.pnl, sizeof a.pnl);
                mixed += a.n_rej > 0 && a.n_trades > 0;
            }
    /* The limits bind on some entries and not others in most runs. */
    assert_true(mixed >= 40);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
