/* The percent fee schedule of many retail brokers: a fraction of the trade
 * value with a minimum per fill and an optional maximum. */
#include <stddef.h>
#include <stdio.h>
#include "proratio/engine.h"

typedef struct percent {
    double rate, min, max;
} percent;

#define P_(f) offsetof(percent, f)

static const pr_param_def k_params[] = {
    {.name = "rate", .type = PR_PARAM_NUMBER, .offset = P_(rate), .def = 0.001, .min = 0, .max = 1,
     .desc = "commission, fraction of the trade value"},
    {.name = "min", .type = PR_PARAM_NUMBER, .offset = P_(min), .def = 0, .min = 0, .max = 1e9,
     .desc = "least commission per fill, quote currency"},
    {.name = "max", .type = PR_PARAM_NUMBER, .offset = P_(max), .def = 0, .min = 0, .max = 1e12,
     .desc = "most commission per fill, quote currency (0: no cap)"},
};

static int check(const void *pv, const char **what, char *msg, size_t cap) {
    const percent *p = pv;
    if (p->max > 0 && p->max < p->min) {
        *what = "max";
        snprintf(msg, cap, "expected at least min (%g), got %g", p->min, p->max);
        return -1;
    }
    return 0;
}

static double fee(const void *pv, const pr_fee_fill *f, double volume) {
    (void)volume;
    const percent *p = pv;
    double c = p->rate * (f->qty * f->price * f->mult);
    if (c < p->min) c = p->min;
    if (p->max > 0 && c > p->max) c = p->max;
    return c;
}

static double rate(const void *pv, int maker, double volume) {
    (void)maker, (void)volume;
    return ((const percent *)pv)->rate;
}

const pr_fee_schedule_info pr_fee_percent_info = {
    .table = {.name = "percent",
              .summary = "a fraction of the trade value with a minimum and an optional maximum per fill",
              .params = k_params, .n_params = sizeof k_params / sizeof *k_params, .size = sizeof(percent),
              .check = check},
    .fee = fee, .rate = rate};
