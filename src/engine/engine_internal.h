/* Internal to the engine module: shortcuts the backtest loop takes into the
 * simulated broker (not part of the broker interface). */
#ifndef PR_ENGINE_INTERNAL_H
#define PR_ENGINE_INTERNAL_H
#include "proratio/engine.h"

/* 1 when a bar of inst can only move the mark: no working orders, and no
 * funding or liquidation to check for an open position. */
int pr_sim_idle(const pr_broker *b, int inst);
/* Hands the fill and trade records over to the caller (who frees them);
 * the broker's lists are empty afterwards. */
void pr_sim_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades);
#endif
