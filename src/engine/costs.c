/* Default costs and margin per asset class, market specs, order helpers and
 * the names of order enums. */
#include <string.h>
#include "proratio/engine.h"

void pr_costs_default(pr_asset_class cls, pr_costs *out) {
    memset(out, 0, sizeof *out);
    switch (cls) {
    case PR_ASSET_CRYPTO:
        /* Binance spot taker/maker 0.1%; 0.2% market slippage (DESIGN rule 4). */
        out->taker_fee = 0.001;
        out->maker_fee = 0.001;
        out->slippage = 0.002;
        break;
    case PR_ASSET_FOREX:
        /* Retail majors: about one pip all-in spread, commission-free. */
        out->spread_pips = 1.0;
        break;
    case PR_ASSET_STOCK:
        /* Commission-free US broker; regulatory fees on sells: SEC section 31
         * at $27.80 per million (2024-25) and FINRA TAF $0.000166 per share
         * capped at $8.30; 5 bp slippage at market. */
        out->sell_fee_rate = 0.0000278;
        out->sell_fee_per_share = 0.000166;
        out->sell_fee_max = 8.30;
        out->slippage = 0.0005;
        break;
    case PR_ASSET_FUTURE:
        out->taker_fee = 0.0005;
        out->maker_fee = 0.0002;
        out->slippage = 0.0005;
        break;
    case PR_ASSET_UNKNOWN:
        out->taker_fee = 0.001;
        out->maker_fee = 0.001;
        out->slippage = 0.001;
        break;
    }
}

void pr_margin_default(pr_margin *out) {
    memset(out, 0, sizeof *out);
    out->leverage = 1.0;
}

int pr_market_spec_default(const char *symbol, pr_asset_class cls, pr_market_spec *out, pr_err *err) {
    if (!symbol || !out) return pr_err_set(err, PR_EINVAL, "pr_market_spec_default: NULL argument");
    memset(out, 0, sizeof *out);
    int rc = pr_instrument_default(symbol, cls, &out->inst, err);
    if (rc != 0) return rc;
    pr_costs_default(cls, &out->costs);
    pr_margin_default(&out->margin);
    out->funding.interval_ms = 8 * PR_MS_PER_HOUR;
    return PR_OK;
}

/* Copied rather than memset: GCC turns a constant-size memset of a struct
 * this large into `rep stos`, whose start-up costs more than the vector
 * stores of a copy, and orders are made on the per-bar trade path. */
static const pr_order k_zero_order;

PR_HOT void pr_order_init(pr_order *o, int instrument, int side, pr_order_type type, pr_order_role role) {
    *o = k_zero_order;
    o->instrument = instrument;
    o->side = side >= 0 ? 1 : -1;
    o->type = type;
    o->role = role;
    o->status = PR_OS_NEW;
    o->submitted = PR_TIME_NONE;
}

const char *pr_order_type_name(pr_order_type t) {
    switch (t) {
    case PR_ORDER_MARKET: return "market";
    case PR_ORDER_LIMIT: return "limit";
    case PR_ORDER_STOP: return "stop";
    case PR_ORDER_STOP_LIMIT: return "stop_limit";
    }
    return "?";
}

const char *pr_order_role_name(pr_order_role r) {
    switch (r) {
    case PR_ROLE_ENTRY: return "entry";
    case PR_ROLE_EXIT: return "exit";
    case PR_ROLE_STOP: return "stop";
    case PR_ROLE_TARGET: return "target";
    case PR_ROLE_TRAIL: return "trailing_stop";
    case PR_ROLE_BREAKEVEN: return "breakeven_stop";
    case PR_ROLE_TIME: return "time_stop";
    case PR_ROLE_LIQUIDATION: return "liquidation";
    case PR_ROLE_END: return "end";
    }
    return "?";
}

const char *pr_order_status_name(pr_order_status s) {
    switch (s) {
    case PR_OS_NEW: return "new";
    case PR_OS_WAITING: return "waiting";
    case PR_OS_ACTIVE: return "active";
    case PR_OS_FILLED: return "filled";
    case PR_OS_CANCELLED: return "cancelled";
    case PR_OS_REJECTED: return "rejected";
    }
    return "?";
}
