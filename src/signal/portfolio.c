/* The strategy's reads of its portfolio through the market view (positions,
 * working orders, latest fills) and the names of causes and events. The
 * view only holds the runner's pr_portfolio; a view without one (a strategy
 * stepped on its own) shows every instrument flat. */
#include <string.h>
#include "proratio/signal.h"

const char *pr_fill_cause_name(pr_fill_cause c) {
    static const char *const names[] = {"entry", "exit", "stop", "target", "trail",
                                        "breakeven", "time", "liquidation", "end"};
    return c >= PR_CAUSE_ENTRY && c <= PR_CAUSE_END ? names[c] : "?";
}

const char *pr_event_kind_name(pr_event_kind k) {
    switch (k) {
    case PR_EV_FILL: return "fill";
    case PR_EV_REJECTED: return "rejected";
    case PR_EV_CANCELLED: return "cancelled";
    }
    return "?";
}

static int valid_inst(const pr_market_view *v, int inst) {
    return v && inst >= 0 && (size_t)inst < pr_view_n_instruments(v);
}

int pr_view_holding(const pr_market_view *v, int inst, pr_holding *out) {
    if (!out) return PR_EINVAL;
    *out = (pr_holding){0, 0, PR_TIME_NONE};
    if (!valid_inst(v, inst)) return PR_ERANGE;
    const pr_portfolio *pf = pr_view_portfolio(v);
    return pf && pf->holding ? pf->holding(pf->self, inst, out) : PR_OK;
}

int pr_view_side(const pr_market_view *v, int inst) {
    pr_holding h;
    if (pr_view_holding(v, inst, &h) != 0) return 0;
    return (h.qty > 0) - (h.qty < 0);
}

size_t pr_view_open_orders(const pr_market_view *v, int inst, pr_working_order *out, size_t cap) {
    const pr_portfolio *pf = pr_view_portfolio(v);
    if (!valid_inst(v, inst) || !pf || !pf->orders) return 0;
    return pf->orders(pf->self, inst, out, out ? cap : 0);
}

size_t pr_view_last_fills(const pr_market_view *v, int inst, pr_fill_info *out, size_t cap) {
    const pr_portfolio *pf = pr_view_portfolio(v);
    if (!valid_inst(v, inst) || !pf || !pf->fills || !out) return 0;
    return pf->fills(pf->self, inst, out, cap);
}
