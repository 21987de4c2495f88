/* The per-contract fee schedule of futures and options brokers: a fixed
 * amount per contract (unit) and a fixed amount per fill (order ticket). */
#include <stddef.h>
#include "proratio/engine.h"

typedef struct per_contract {
    double per_contract, per_order;
} per_contract;

#define P_(f) offsetof(per_contract, f)

static const pr_param_def k_params[] = {
    {.name = "per_contract", .type = PR_PARAM_NUMBER, .offset = P_(per_contract), .def = 0.85, .min = 0,
     .max = 1e6, .desc = "commission per contract (unit), quote currency"},
    {.name = "per_order", .type = PR_PARAM_NUMBER, .offset = P_(per_order), .def = 0, .min = 0, .max = 1e9,
     .desc = "fixed commission per fill, quote currency"},
};

static double fee(const void *pv, const pr_fee_fill *f, double volume) {
    (void)volume;
    const per_contract *p = pv;
    return p->per_contract * f->qty + p->per_order;
}

/* Not proportional to the notional: sizing reserves nothing. */
static double rate(const void *pv, int maker, double volume) {
    (void)pv, (void)maker, (void)volume;
    return 0;
}

const pr_fee_schedule_info pr_fee_per_contract_info = {
    .table = {.name = "per_contract",
              .summary = "fixed commission per contract plus a fixed commission per fill (order)",
              .params = k_params, .n_params = sizeof k_params / sizeof *k_params, .size = sizeof(per_contract)},
    .fee = fee, .rate = rate};
