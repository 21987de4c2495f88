/* The round trip of risk/costs.h: the stops' cost filter compares the
 * nearest target with what the market takes in and out, from the broker's
 * own cost settings, so the filter needs no figure copied into the config. */
#include "proratio/risk/costs.h"

double pr_risk_round_trip(const pr_costs *c, const pr_instrument *inst, double px) {
    if (!c || !(px > 0)) return 0;
    double pip = inst ? inst->pip_size : 0;
    double spread = c->spread_frac + (c->spread_pips > 0 && pip > 0 ? c->spread_pips * pip / px : 0);
    return 2 * c->taker_fee + spread + 2 * c->slippage + 2 * c->commission_per_share / px + c->sell_fee_rate;
}
