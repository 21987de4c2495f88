/* How the pipeline follows its orders: the simulated broker's change count
 * (pr_broker_vt.changes) moves exactly when an accepted order changes
 * status or fills, and the pipeline asks the broker about its working
 * orders only on the steps where that count moved, so an order resting
 * for many bars costs no look at all, while the fill and the events it
 * brings arrive at the same step as when every step looked. Bars and
 * counts are worked out by hand in the comments (no costs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/engine_test.h"

/* The change count: submission of a fresh order does not move it; a resting
 * order that does not trade leaves it; a fill, a cancellation and the
 * activation of a waiting child each move it. */
static void test_sim_change_count(void **state) {
    (void)state;
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_sim_config c = {.start_cash = 10000, .n_markets = 1, .markets = &m};
    pr_broker *b = NULL;
    pr_err err;
    assert_int_equal(pr_sim_new(&c, &b, &err), 0);
    assert_non_null(b->vt->changes);
    const uint64_t *n = b->vt->changes(b);
    assert_non_null(n);
    uint64_t n0 = *n;

    /* A buy stop at 120 over bars whose high stays below it: no change. */
    pr_order o;
    pr_order_init(&o, 0, 1, PR_ORDER_STOP, PR_ROLE_ENTRY);
    o.qty = 1;
    o.stop_price = 120;
    assert_int_equal(b->vt->submit(b, &o, 0, &err), 0);
    assert_int_equal(o.status, PR_OS_ACTIVE);
    assert_true(*n == n0);
    for (int k = 0; k < 5; k++) {
        pr_bar bar = {(int64_t)k * PR_MS_PER_HOUR, 100, 110, 95, 100, 1};
        assert_int_equal(pr_sim_process_bar(b, 0, &bar, PR_MS_PER_HOUR, NULL, 0, 0, &err), 0);
    }
    assert_true(*n == n0);
    /* A high of 125 triggers it: filled, one change. */
    pr_bar hit = {5 * PR_MS_PER_HOUR, 100, 125, 95, 121, 1};
    assert_int_equal(pr_sim_process_bar(b, 0, &hit, PR_MS_PER_HOUR, NULL, 0, 0, &err), 0);
    pr_order got;
    assert_int_equal(b->vt->get_order(b, o.id, &got), 0);
    assert_int_equal(got.status, PR_OS_FILLED);
    assert_true(*n == n0 + 1);

    /* A sell limit at 200 (resting), cancelled: one change. */
    pr_order l;
    pr_order_init(&l, 0, -1, PR_ORDER_LIMIT, PR_ROLE_EXIT);
    l.qty_mode = PR_QTY_CLOSE;
    l.reduce_only = 1;
    l.limit_price = 200;
    assert_int_equal(b->vt->submit(b, &l, 6 * PR_MS_PER_HOUR, &err), 0);
    assert_true(*n == n0 + 1);
    assert_int_equal(b->vt->cancel(b, l.id, &err), 0);
    assert_true(*n == n0 + 2);

    /* An entry with a waiting protective stop: the entry's fill (one) and
     * the stop's activation (one) are two changes. */
    pr_order e, s;
    pr_order_init(&e, 0, 1, PR_ORDER_MARKET, PR_ROLE_ENTRY);
    e.qty = 1;
    assert_int_equal(b->vt->submit(b, &e, 6 * PR_MS_PER_HOUR, &err), 0);
    pr_order_init(&s, 0, -1, PR_ORDER_STOP, PR_ROLE_STOP);
    s.qty_mode = PR_QTY_CLOSE;
    s.reduce_only = 1;
    s.stop_price = 50;
    s.parent = e.id;
    assert_int_equal(b->vt->submit(b, &s, 6 * PR_MS_PER_HOUR, &err), 0);
    assert_int_equal(s.status, PR_OS_WAITING);
    assert_true(*n == n0 + 2);
    pr_bar next = {7 * PR_MS_PER_HOUR, 121, 122, 119, 120, 1};
    assert_int_equal(pr_sim_process_bar(b, 0, &next, PR_MS_PER_HOUR, NULL, 0, 0, &err), 0);
    assert_int_equal(b->vt->get_order(b, s.id, &got), 0);
    assert_int_equal(got.status, PR_OS_ACTIVE);
    assert_true(*n == n0 + 4);
    pr_broker_free(b);
}

/* ---- a broker that counts the pipeline's questions ---------------------------- */
typedef struct counting {
    pr_broker base;
    pr_broker *in;           /* the simulated broker doing the work */
    size_t get_order;        /* calls of get_order */
} counting;

static int c_submit(pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    pr_broker *in = ((counting *)b)->in;
    return in->vt->submit(in, o, now, err);
}
static int c_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    pr_broker *in = ((counting *)b)->in;
    return in->vt->cancel(in, id, err);
}
static int c_amend(pr_broker *b, uint64_t id, double lp, double sp, const pr_order_role *role, const pr_reason *why,
                   pr_err *err) {
    pr_broker *in = ((counting *)b)->in;
    return in->vt->amend(in, id, lp, sp, role, why, err);
}
static int c_get_order(pr_broker *b, uint64_t id, pr_order *out) {
    counting *c = (counting *)b;
    c->get_order++;
    return c->in->vt->get_order(c->in, id, out);
}
static int c_get_position(pr_broker *b, int inst, pr_position *out) {
    pr_broker *in = ((counting *)b)->in;
    return in->vt->get_position(in, inst, out);
}
static int c_get_account(pr_broker *b, pr_account *out) {
    pr_broker *in = ((counting *)b)->in;
    return in->vt->get_account(in, out);
}
static const uint64_t *c_changes(const pr_broker *b) {
    const pr_broker *in = ((const counting *)b)->in;
    return in->vt->changes(in);
}

static const pr_broker_vt k_counting = {.name = "counting", .submit = c_submit, .cancel = c_cancel,
                                        .amend = c_amend, .get_order = c_get_order,
                                        .get_position = c_get_position, .get_account = c_get_account,
                                        .changes = c_changes};

/* Records the bar at which each event arrived. */
typedef struct ev_strat {
    et_script sc;            /* first: the pipeline's pr_strategy */
    size_t n_ev;
    size_t ev_bar[8];
    pr_event_kind ev_kind[8];
    size_t bar;
} ev_strat;

static int ev_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    ((ev_strat *)s)->bar = pr_view_len(v, 0, PR_TF_NONE) - 1;
    return et_script_on_bar(s, v, out, err);
}

static int ev_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    ev_strat *e = (ev_strat *)s;
    (void)err;
    if (e->n_ev < 8) {
        e->ev_bar[e->n_ev] = pr_view_len(v, 0, PR_TF_NONE) - 1;
        e->ev_kind[e->n_ev++] = ev->kind;
    }
    return 0;
}

static const pr_strategy_vt k_ev_vt = {.name = "events", .init = et_script_init, .on_bar = ev_on_bar,
                                       .destroy = et_script_destroy, .on_event = ev_on_event};

/* 40 hourly bars: bar 0 closes at 100 and the strategy enters long with a
 * protective stop at 90 (market entry, 10% of 10,000 = 1,000 notional).
 * Bar 1 opens at 100: the entry fills there and the stop starts working.
 * Bars 1-29 stay within [95, 105]: the stop rests. Bar 30 has a low of 85:
 * the stop fills at 90. Bars 31-39 are quiet again.
 * The pipeline must ask the broker about its orders at bar 1 (entry filled,
 * stop activated) and at bar 30 (stop filled): the entry's fill event comes
 * at bar 1, the stop's at bar 30, as before. Every other bar, with nothing
 * changed, it does not ask: before the change count it asked at each of
 * bars 2-29 about the resting stop, 28 more questions. */
static void test_resting_stop_costs_no_look(void **state) {
    (void)state;
    const size_t nb = 40;
    pr_series s;
    pr_series_init(&s, nb);
    s.tf = PR_TF_1H;
    for (size_t k = 0; k < nb; k++) {
        double lo = k == 30 ? 85 : 95;
        pr_series_push(&s, et_time(2024, 1, 1, 0, 0) + (int64_t)k * PR_MS_PER_HOUR, 100, 105, lo, 100, 1);
    }
    pr_market_spec m;
    et_spec_plain(&m, "BTCUSDT", PR_ASSET_CRYPTO);
    pr_err err;
    pr_sim_config sc = {.start_cash = 10000, .n_markets = 1, .markets = &m};
    pr_broker *sim = NULL;
    assert_int_equal(pr_sim_new(&sc, &sim, &err), 0);
    counting cb = {.base = {.vt = &k_counting}, .in = sim};

    ev_strat st;
    memset(&st, 0, sizeof st);
    st.sc.base.vt = &k_ev_vt;
    et_script_add(&st.sc, 0, PR_SIG_ENTER_LONG, 0)->stop = 90;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing.mode = PR_SIZE_FIXED_FRACTION;
    pc.sizing.fraction = 0.1;
    pr_pipeline *p = NULL;
    assert_int_equal(pr_pipeline_new(&pc, &st.sc.base, &p, &err), 0);
    const pr_series *series[1] = {&s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &m.inst, .series = series, .precompute = 1};
    pr_market_view *v = NULL;
    assert_int_equal(pr_view_new(&vc, &v, &err), 0);
    assert_int_equal(pr_view_prepare(v, &err), 0);
    assert_int_equal(pr_pipeline_reset(p, 1, &err), 0);
    pr_view_set_portfolio(v, pr_pipeline_portfolio(p));

    size_t asked_at_30 = 0, asked_before_30 = 0;
    unsigned char closed[1] = {1};
    for (size_t k = 0; k < nb; k++) {
        pr_bar bar = {s.ts[k], s.open[k], s.high[k], s.low[k], s.close[k], 0};
        assert_int_equal(pr_sim_process_bar(sim, 0, &bar, PR_MS_PER_HOUR, NULL, 0, 0, &err), 0);
        assert_int_equal(pr_view_step(v, s.ts[k] + PR_MS_PER_HOUR, closed, &err), 0);
        size_t before = cb.get_order;
        assert_int_equal(pr_pipeline_on_bar(p, v, &cb.base, &err), 0);
        if (k >= 2 && k < 30) asked_before_30 += cb.get_order - before;
        if (k == 30) asked_at_30 = cb.get_order - before;
    }
    /* The resting stop: no question at bars 2-29 (28 before the change count). */
    assert_int_equal(asked_before_30, 0);
    /* Bar 30: the entry and the stop are tracked; the entry is no longer
     * working since bar 1, so only the stop is asked about. */
    assert_int_equal(asked_at_30, 1);
    /* The events at the same bars as when every bar looked. */
    assert_int_equal(st.n_ev, 2);
    assert_int_equal(st.ev_kind[0], PR_EV_FILL);
    assert_int_equal(st.ev_bar[0], 1);
    assert_int_equal(st.ev_kind[1], PR_EV_FILL);
    assert_int_equal(st.ev_bar[1], 30);
    pr_position pos;
    assert_int_equal(sim->vt->get_position(sim, 0, &pos), 0);
    assert_true(pos.qty == 0);

    pr_view_free(v);
    pr_pipeline_free(p);
    pr_broker_free(sim);
    pr_series_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_change_count),
        cmocka_unit_test(test_resting_stop_costs_no_look),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
