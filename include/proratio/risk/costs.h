/* Part of risk.h: an instrument's round-trip cost as a fraction of the
 * entry, from the cost settings its broker charges (pr_costs), for the
 * stops' minimum-target filter (risk.stops.cost_filter). */
#ifndef PRORATIO_RISK_COSTS_H
#define PRORATIO_RISK_COSTS_H

#include "proratio/core.h"
#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an entry at px and its exit at about the same price cost, fraction
 * of px: the taker fee in and out (2 x taker_fee), the full bid-ask spread
 * (half paid on each side: spread_frac + spread_pips x pip_size / px), the
 * slippage in and out (2 x slippage), a per-share commission in and out
 * (2 x commission_per_share / px) and the sell-side fee rate once
 * (sell_fee_rate). Minimums, caps and per-share sell fees, which depend on
 * the quantity, are left out. 0 when c is NULL or px is not positive. */
double pr_risk_round_trip(const pr_costs *c, const pr_instrument *inst, double px);

#ifdef __cplusplus
}
#endif
#endif
