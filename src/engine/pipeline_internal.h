/* Internal to the engine: the pipeline's step without the argument checks
 * of pr_pipeline_on_bar, for the backtest's loop, which has checked them
 * once for the whole run (at every bar they were about a tenth of the
 * pipeline's own work on a step with nothing to do). */
#ifndef PR_PIPELINE_INTERNAL_H
#define PR_PIPELINE_INTERNAL_H
#include "proratio/engine.h"

/* pr_pipeline_on_bar for non-NULL p, v, b and a pipeline that was reset. */
int pr_pipeline_step(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_err *err);

#endif
