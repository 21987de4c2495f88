/* The flat fee schedule, the default: the costs keys' own rates (maker and
 * taker fraction of the notional, per-share commission with its minimum,
 * commission per 100,000 units), charged by pr_fee_model_fee. */
#include "proratio/engine.h"

const pr_fee_schedule_info pr_fee_flat_info = {
    .table = {.name = "flat",
              .summary = "the costs keys' rates: maker_fee/taker_fee of the notional, commission_per_share "
                         "(commission_min), commission_per_100k (the default)"},
};
