/* The per-share fee schedule of stock brokers (e.g. Interactive Brokers'
 * fixed pricing: USD 0.005 a share, at least USD 1.00 an order, at most 1%
 * of the trade value, the maximum winning over the minimum). */
#include <stddef.h>
#include "proratio/engine.h"

typedef struct per_share {
    double per_share, min, max_pct;
} per_share;

#define P_(f) offsetof(per_share, f)

static const pr_param_def k_params[] = {
    {.name = "per_share", .type = PR_PARAM_NUMBER, .offset = P_(per_share), .def = 0.005, .min = 0, .max = 1000,
     .desc = "commission per share (unit), quote currency"},
    {.name = "min", .type = PR_PARAM_NUMBER, .offset = P_(min), .def = 1.0, .min = 0, .max = 1e9,
     .desc = "least commission per fill, quote currency"},
    {.name = "max_pct", .type = PR_PARAM_NUMBER, .offset = P_(max_pct), .def = 0.01, .min = 0, .max = 1,
     .desc = "most commission per fill, fraction of the trade value (0: no cap); caps the minimum too"},
};

static double fee(const void *pv, const pr_fee_fill *f, double volume) {
    (void)volume;
    const per_share *p = pv;
    double c = p->per_share * f->qty;
    if (c < p->min) c = p->min;
    double cap = p->max_pct * f->qty * f->price * f->mult;
    if (p->max_pct > 0 && c > cap) c = cap;
    return c;
}

/* Not proportional to the notional: sizing reserves nothing, as for the
 * flat schedule's per-share commission. */
static double rate(const void *pv, int maker, double volume) {
    (void)pv, (void)maker, (void)volume;
    return 0;
}

const pr_fee_schedule_info pr_fee_per_share_info = {
    .table = {.name = "per_share",
              .summary = "per-share commission with a minimum and a maximum as a fraction of the trade value "
                         "(IBKR fixed style)",
              .params = k_params, .n_params = sizeof k_params / sizeof *k_params, .size = sizeof(per_share)},
    .fee = fee, .rate = rate};
