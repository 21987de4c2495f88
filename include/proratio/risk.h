/* The risk module: the pipeline stage between the confirmation stages and
 * the orders (DESIGN.md, `risk` row). It implements engine's sizing hook
 * (pr_sizer), so risk includes engine and never the reverse; the CLI wires
 * it. Parts: sizing rules (risk/sizing.h), the serialisable state the paper
 * and live runners persist (risk/state.h), protections that stop new entries
 * (risk/protect.h), circuit breakers that also act on open positions,
 * instruments and times (risk/breakers.h), the `risk` configuration table
 * (risk/config.h), the stage itself (risk/stage.h), the stops and targets
 * it places (risk/stops.h); the regime
 * classifier (risk/regime.h), cross-asset correlation (risk/correl.h) and
 * the multi-strategy portfolio (risk/multi.h). */
#ifndef PRORATIO_RISK_H
#define PRORATIO_RISK_H

#include "proratio/risk/sizing.h"
#include "proratio/risk/state.h"
#include "proratio/risk/protect.h"
#include "proratio/risk/breakers.h"
#include "proratio/risk/config.h"
#include "proratio/risk/stage.h"
#include "proratio/risk/stops.h"
#include "proratio/risk/mult.h"
#include "proratio/risk/contracts.h"
#include "proratio/risk/regime.h"
#include "proratio/risk/correl.h"
#include "proratio/risk/multi.h"
#include "proratio/risk/exposure.h"
#include "proratio/risk/var.h"
#include "proratio/risk/watch.h"
#include "proratio/risk/var_window.h"
#include "proratio/risk/costs.h"
#include "proratio/risk/llm_levels.h"

#endif
