/* Part of engine.h: the fee model, what a fill costs in fees under an
 * instrument's cost settings (pr_costs). The simulated broker charges it and
 * a paper broker charges the same, so both pay what a backtest paid. */
#ifndef PRORATIO_ENGINE_FEE_MODEL_H
#define PRORATIO_ENGINE_FEE_MODEL_H

#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One fill as the fee model sees it. */
typedef struct pr_fee_fill {
    int side;                /* +1 buy, -1 sell                                   */
    int maker;               /* 1: resting limit (maker fee)                      */
    int liquidation;         /* 1: forced close (the margin's liquidation fee only) */
    double qty;              /* units                                             */
    double price;            /* quote currency, after spread and slippage         */
    double mult;             /* contract multiplier (1 for spot)                  */
    double fx;               /* quote -> account currency                         */
} pr_fee_fill;

/* The fee of fill f in the account currency: the maker or taker rate of the
 * notional, a per-share commission with its minimum, sell fees (a rate of
 * the notional and a capped per-share fee) and a commission per 100,000
 * base units; a liquidation pays liquidation_fee of the notional instead. */
double pr_fee_model_fee(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f);

/* The part of the fee proportional to the notional (maker or taker rate):
 * what sizing reserves per unit of notional next to the margin. */
static inline double pr_fee_model_rate(const pr_costs *c, int maker) {
    return maker ? c->maker_fee : c->taker_fee;
}

#ifdef __cplusplus
}
#endif
#endif
