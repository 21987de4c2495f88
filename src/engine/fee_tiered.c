/* The tiered fee schedule, as crypto venues publish it: maker and taker
 * rates by the account's traded volume over a trailing window (30 days),
 * the volume counted from the run's own fills before each fill. */
#include <stddef.h>
#include <stdio.h>
#include "proratio/engine.h"

#define TIERS_MAX 16

typedef struct tiered {
    double volume[TIERS_MAX], maker[TIERS_MAX], taker[TIERS_MAX];
    int n;
    int window_days;
} tiered;

#define P_(f) offsetof(tiered, f)

/* An illustrative table in the form venues publish; set your venue's. */
static const double k_volume[] = {0, 1e6, 5e6, 2e7};
static const double k_maker[] = {0.001, 0.0009, 0.0008, 0.0006};
static const double k_taker[] = {0.001, 0.001, 0.001, 0.0008};

static const pr_param_def k_params[] = {
    {.name = "volume", .type = PR_PARAM_LIST, .offset = P_(volume), .aux_offset = P_(n), .min = 0, .max = 1e15,
     .def_list = k_volume, .def_n = 4, .cap = TIERS_MAX,
     .desc = "traded volume (account currency) where each tier starts, increasing from 0"},
    {.name = "maker", .type = PR_PARAM_LIST, .offset = P_(maker), .aux_offset = P_(n), .min = -0.01, .max = 1,
     .def_list = k_maker, .def_n = 4, .pair = "volume", .cap = TIERS_MAX,
     .desc = "maker fee of each tier, fraction of notional (negative: a rebate)"},
    {.name = "taker", .type = PR_PARAM_LIST, .offset = P_(taker), .aux_offset = P_(n), .min = 0, .max = 1,
     .def_list = k_taker, .def_n = 4, .pair = "volume", .cap = TIERS_MAX,
     .desc = "taker fee of each tier, fraction of notional"},
    {.name = "window_days", .type = PR_PARAM_INT, .offset = P_(window_days), .def = 30, .min = 1, .max = 3650,
     .desc = "days of trailing volume that pick the tier"},
};

static int check(const void *pv, const char **what, char *msg, size_t cap) {
    const tiered *p = pv;
    *what = "volume";
    if (p->n < 1) {
        snprintf(msg, cap, "expected at least one tier");
        return -1;
    }
    if (p->volume[0] != 0) {
        snprintf(msg, cap, "the first tier must start at 0 (got %g)", p->volume[0]);
        return -1;
    }
    for (int i = 1; i < p->n; i++) {
        if (!(p->volume[i] > p->volume[i - 1])) {
            snprintf(msg, cap, "expected increasing volumes, but element %d (%g) is not above element %d (%g)", i,
                     p->volume[i], i - 1, p->volume[i - 1]);
            return -1;
        }
    }
    return 0;
}

/* The tier the account is in at `volume`: the last one starting at or below. */
static int tier(const tiered *p, double volume) {
    int i = 0;
    while (i + 1 < p->n && p->volume[i + 1] <= volume) i++;
    return i;
}

static double rate(const void *pv, int maker, double volume) {
    const tiered *p = pv;
    int i = tier(p, volume);
    double r = maker ? p->maker[i] : p->taker[i];
    return r > 0 ? r : 0;
}

static double fee(const void *pv, const pr_fee_fill *f, double volume) {
    const tiered *p = pv;
    int i = tier(p, volume);
    return (f->maker ? p->maker[i] : p->taker[i]) * (f->qty * f->price * f->mult);
}

static int64_t window(const void *pv) { return (int64_t)((const tiered *)pv)->window_days * PR_MS_PER_DAY; }

const pr_fee_schedule_info pr_fee_tiered_info = {
    .table = {.name = "tiered",
              .summary = "maker/taker fraction of the notional by tier of the account's trailing traded volume",
              .params = k_params, .n_params = sizeof k_params / sizeof *k_params, .size = sizeof(tiered),
              .check = check},
    .fee = fee, .rate = rate, .window = window};
