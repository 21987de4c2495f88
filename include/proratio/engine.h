/* Public interface of the engine module: costs, orders, the broker interface
 * and the simulated broker (engine/broker.h), the parts the simulated and
 * paper brokers share (engine/order_book.h, ledger.h, fee_model.h,
 * fill_model.h, funding_model.h, margin_model.h), the decision pipeline
 * (engine/pipeline.h), the backtest loop (engine/backtest.h), overfitting
 * statistics (engine/overfit.h), Monte Carlo of a result
 * (engine/montecarlo.h) and the look-ahead and warm-up checks
 * (engine/check.h).
 *
 * Units (DESIGN "Units"): times are int64 ms UTC, bars labelled by open
 * time; fractions internally (0.001 = 0.1%); prices are in the instrument's
 * quote currency; money in results is in the account currency. */
#ifndef PRORATIO_ENGINE_H
#define PRORATIO_ENGINE_H

#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/engine/broker.h"
#include "proratio/engine/order_book.h"
#include "proratio/engine/ledger.h"
#include "proratio/engine/fee_model.h"
#include "proratio/engine/fill_model.h"
#include "proratio/engine/funding_model.h"
#include "proratio/engine/margin_model.h"
#include "proratio/engine/pipeline.h"
#include "proratio/engine/backtest.h"
#include "proratio/engine/metrics.h"
#include "proratio/engine/optimize.h"
#include "proratio/engine/report.h"
#include "proratio/engine/runlog.h"
#include "proratio/engine/overfit.h"
#include "proratio/engine/montecarlo.h"
#include "proratio/engine/check.h"

#endif
