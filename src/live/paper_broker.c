/* The paper broker: simulated fills on the feed's prices with the
 * backtest's cost model. It owns a simulated broker (the engine's order
 * book, ledger, fee, fill, funding and margin models behind pr_sim_new) and
 * passes every operation to it, so a paper fill is, by construction, the
 * fill a backtest makes on the same bar: one execution model, not two that
 * could drift apart. What is paper's own sits here: its name in logs and
 * refusals, and what a running session reads of its account (positions,
 * working orders); durable state will hook in here too. */
#include <stdlib.h>
#include <string.h>

#include "proratio/live.h"

typedef struct paper {
    pr_broker base;          /* first: a paper* is a pr_broker*              */
    pr_broker *sim;          /* the execution: the engine's simulated broker */
    size_t n_markets;
    pr_paper_fill_fn on_fill;  /* each new fill, after the bar that made it */
    void *on_fill_user;
    pr_paper_gate_fn gate;     /* refuses entries (a paused market), or NULL */
    void *gate_user;
} paper;

static pr_broker *inner(pr_broker *b) { return ((paper *)b)->sim; }
static const pr_broker *cinner(const pr_broker *b) { return ((const paper *)b)->sim; }

/* A refused entry never reaches the simulation: it takes no order id and
 * the pipeline drops its bracket, as for any entry rejected at submission. */
static const char k_paused[] = "entries paused for this market until 'proratio live confirm'";

static int p_submit(pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    const paper *p = (const paper *)b;
    if (p->gate && o->role == PR_ROLE_ENTRY && p->gate(p->gate_user, o->instrument, now)) {
        o->id = 0;
        o->status = PR_OS_REJECTED;
        o->reject = k_paused;
        return PR_OK;
    }
    pr_broker *s = inner(b);
    return s->vt->submit(s, o, now, err);
}

static int p_cancel(pr_broker *b, uint64_t id, pr_err *err) {
    pr_broker *s = inner(b);
    return s->vt->cancel(s, id, err);
}

static int p_amend(pr_broker *b, uint64_t id, double limit_price, double stop_price, const pr_order_role *role,
                   const pr_reason *why, pr_err *err) {
    pr_broker *s = inner(b);
    return s->vt->amend(s, id, limit_price, stop_price, role, why, err);
}

static int p_get_order(pr_broker *b, uint64_t id, pr_order *out) {
    pr_broker *s = inner(b);
    return s->vt->get_order(s, id, out);
}

static int p_get_position(pr_broker *b, int instrument, pr_position *out) {
    pr_broker *s = inner(b);
    return s->vt->get_position(s, instrument, out);
}

static int p_get_account(pr_broker *b, pr_account *out) {
    pr_broker *s = inner(b);
    return s->vt->get_account(s, out);
}

static void p_destroy(pr_broker *b) {
    if (!b) return;
    pr_broker_free(inner(b));
    free(b);
}

static const uint64_t *p_changes(const pr_broker *b) {
    const pr_broker *s = cinner(b);
    return s->vt->changes ? s->vt->changes(s) : NULL;
}

static int p_process_bar(pr_broker *b, int instrument, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                         size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err) {
    paper *p = (paper *)b;
    size_t before = 0, n = 0;
    if (p->on_fill) pr_sim_fills(p->sim, &before);
    int rc = pr_broker_process_bar(p->sim, instrument, bar, bar_ms, fine, n_fine, fine_ms, after, err);
    if (rc != PR_OK || !p->on_fill) return rc;
    const pr_fill *f = pr_sim_fills(p->sim, &n);
    for (size_t i = before; rc == PR_OK && i < n; i++) rc = p->on_fill(p->on_fill_user, &f[i], err);
    return rc;
}

static int p_idle_bar(pr_broker *b, int instrument, double close, pr_broker_snapshot *after) {
    return pr_broker_idle_bar(inner(b), instrument, close, after);
}

static void p_mark(pr_broker *b, int instrument, double price) { pr_broker_mark(inner(b), instrument, price); }

static void p_snapshot(const pr_broker *b, pr_broker_snapshot *out) { pr_broker_snapshot_get(cinner(b), out); }

static int p_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades) {
    return pr_broker_reserve(inner(b), orders, fills, trades);
}

static void p_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades) {
    pr_broker_record_counts(cinner(b), orders, fills, trades);
}

static void p_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades) {
    pr_broker_take_records(inner(b), fills, n_fills, trades, n_trades);
}

static int p_open_trade(const pr_broker *b, int instrument, pr_trade *out) {
    return pr_broker_open_trade(cinner(b), instrument, out);
}

static size_t p_liquidations(const pr_broker *b) { return pr_broker_liquidations(cinner(b)); }

static const pr_costs *p_costs(const pr_broker *b, int instrument) {
    const pr_broker *s = cinner(b);
    return s->vt->costs ? s->vt->costs(s, instrument) : NULL;
}

static const pr_broker_vt k_paper_vt = {
    .name = "paper",
    .submit = p_submit,
    .cancel = p_cancel,
    .amend = p_amend,
    .get_order = p_get_order,
    .get_position = p_get_position,
    .get_account = p_get_account,
    .destroy = p_destroy,
    .changes = p_changes,
    .process_bar = p_process_bar,
    .idle_bar = p_idle_bar,
    .mark = p_mark,
    .snapshot = p_snapshot,
    .reserve = p_reserve,
    .record_counts = p_record_counts,
    .take_records = p_take_records,
    .open_trade = p_open_trade,
    .liquidations = p_liquidations,
    .costs = p_costs,
};

int pr_paper_new(const pr_sim_config *cfg, pr_broker **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "paper broker: NULL output");
    *out = NULL;
    if (!cfg || cfg->n_markets == 0 || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "paper broker: need at least one market");
    paper *p = calloc(1, sizeof *p);
    if (!p) return pr_err_set(err, PR_ENOMEM, "paper broker: out of memory");
    int rc = pr_sim_new(cfg, &p->sim, err);
    if (rc != PR_OK) {
        free(p);
        return rc;
    }
    p->base.vt = &k_paper_vt;
    p->n_markets = cfg->n_markets;
    *out = &p->base;
    return PR_OK;
}

int pr_paper_is(const pr_broker *b) { return b && b->vt == &k_paper_vt; }

int pr_paper_on_fill(pr_broker *b, pr_paper_fill_fn fn, void *user, pr_err *err) {
    if (!pr_paper_is(b)) return pr_err_set(err, PR_EINVAL, "pr_paper_on_fill: not a paper broker");
    ((paper *)b)->on_fill = fn;
    ((paper *)b)->on_fill_user = user;
    return PR_OK;
}

int pr_paper_entry_gate(pr_broker *b, pr_paper_gate_fn fn, void *user, pr_err *err) {
    if (!pr_paper_is(b)) return pr_err_set(err, PR_EINVAL, "pr_paper_entry_gate: not a paper broker");
    ((paper *)b)->gate = fn;
    ((paper *)b)->gate_user = user;
    return PR_OK;
}

/* b's paper broker: b, or the one a venue broker decides with. */
static paper *paper_of(pr_broker *b) {
    if (pr_venue_broker_is(b)) b = pr_venue_broker_paper(b);
    return pr_paper_is(b) ? (paper *)b : NULL;
}

/* b's books: a venue broker's are the venue's fills (read through b). */
int pr_paper_positions(pr_broker *b, pr_account *account, pr_position *pos, size_t n_markets, pr_err *err) {
    paper *p = paper_of(b);
    if (!p) return pr_err_set(err, PR_EINVAL, "pr_paper_positions: not a paper broker");
    if (n_markets > p->n_markets)
        return pr_err_set(err, PR_EINVAL, "paper broker: %zu markets asked, it trades %zu", n_markets, p->n_markets);
    int rc = account ? b->vt->get_account(b, account) : PR_OK;
    for (size_t i = 0; rc == PR_OK && i < n_markets; i++) rc = b->vt->get_position(b, (int)i, &pos[i]);
    return rc == PR_OK ? PR_OK : pr_err_set(err, rc, "paper broker: reading the account failed");
}

int pr_paper_open_orders(pr_broker *b, pr_order *out, size_t cap, size_t *n, pr_err *err) {
    if (!paper_of(b) || !n) return pr_err_set(err, PR_EINVAL, "pr_paper_open_orders: not a paper broker");
    /* Ids are given out from 1 in submission order, none skipped. */
    pr_order o;
    *n = 0;
    for (uint64_t id = 1; p_get_order(&paper_of(b)->base, id, &o) == PR_OK; id++) {
        if (o.status != PR_OS_ACTIVE && o.status != PR_OS_WAITING) continue;
        if (*n < cap && out) out[*n] = o;
        (*n)++;
    }
    return PR_OK;
}

const pr_trade *pr_paper_trades(const pr_broker *b, size_t *n) {
    *n = 0;
    if (pr_venue_broker_is(b)) return pr_venue_broker_trades(b, n);
    return pr_paper_is(b) ? pr_sim_trades(cinner(b), n) : NULL;
}
