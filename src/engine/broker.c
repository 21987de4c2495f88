/* The pr_broker interface: calls through a broker's vtable, checked, so a
 * caller (the backtest loop, a runner) never needs to know which broker it
 * drives. */
#include <math.h>
#include "proratio/engine.h"

void pr_broker_free(pr_broker *b) {
    if (b && b->vt && b->vt->destroy) b->vt->destroy(b);
}

int pr_broker_process_bar(pr_broker *b, int instrument, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                          size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err) {
    if (!b || !b->vt || !b->vt->process_bar)
        return pr_err_set(err, PR_EINVAL, "broker %s is not driven by bars", b && b->vt ? b->vt->name : "(none)");
    return b->vt->process_bar(b, instrument, bar, bar_ms, fine, n_fine, fine_ms, after, err);
}

int pr_broker_idle_bar(pr_broker *b, int instrument, double close, pr_broker_snapshot *after) {
    return b && b->vt && b->vt->idle_bar ? b->vt->idle_bar(b, instrument, close, after) : 0;
}

void pr_broker_mark(pr_broker *b, int instrument, double price) {
    if (b && b->vt && b->vt->mark) b->vt->mark(b, instrument, price);
}

void pr_broker_snapshot_get(const pr_broker *b, pr_broker_snapshot *out) {
    if (b && b->vt && b->vt->snapshot) b->vt->snapshot(b, out);
    else *out = (pr_broker_snapshot){NAN, NAN, NAN, NAN, NAN, NAN};
}

int pr_broker_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades) {
    return b && b->vt && b->vt->reserve ? b->vt->reserve(b, orders, fills, trades) : PR_OK;
}

void pr_broker_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades) {
    if (b && b->vt && b->vt->record_counts) {
        b->vt->record_counts(b, orders, fills, trades);
        return;
    }
    *orders = *fills = *trades = 0;
}

void pr_broker_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades) {
    if (b && b->vt && b->vt->take_records) {
        b->vt->take_records(b, fills, n_fills, trades, n_trades);
        return;
    }
    *fills = NULL;
    *trades = NULL;
    *n_fills = *n_trades = 0;
}

int pr_broker_open_trade(const pr_broker *b, int instrument, pr_trade *out) {
    return b && b->vt && b->vt->open_trade ? b->vt->open_trade(b, instrument, out) : PR_ENOTFOUND;
}

size_t pr_broker_liquidations(const pr_broker *b) {
    return b && b->vt && b->vt->liquidations ? b->vt->liquidations(b) : 0;
}
