/* Part of engine.h: the fee model, what a fill costs in fees under an
 * instrument's cost settings (pr_costs) and its fee schedule (flat, tiered
 * by traded volume, per share, per contract, percent: one table row each,
 * chosen in the configuration), and the traded volume a tiered schedule
 * reads. The simulated broker charges it and a paper broker charges the
 * same, so both pay what a backtest paid. */
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

/* The fee of fill f in the account currency under the flat schedule: the
 * maker or taker rate of the notional, a per-share commission with its
 * minimum, sell fees (a rate of the notional and a capped per-share fee) and
 * a commission per 100,000 base units; a liquidation pays liquidation_fee of
 * the notional instead. */
double pr_fee_model_fee(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f);

/* ---- fee schedules ------------------------------------------------------
 * A schedule replaces the broker's commission (maker_fee, taker_fee,
 * commission_per_share, commission_min, commission_per_100k); the
 * regulatory sell fees (sell_fee_rate, sell_fee_per_share, sell_fee_max)
 * and a liquidation's fee apply under every schedule. Its parameters are a
 * pr_param_def table read by the strategies' reader (pr_params_read), so
 * bad values are reported with their full key path. */
typedef struct pr_fee_schedule_info {
    /* name, summary, parameter rows, size and check of the parameter struct
     * (create unused) */
    pr_strategy_info table;
    /* The commission of fill f in the quote currency, before sell fees;
     * volume: what the account traded (account currency) in the window
     * before f. NULL: the flat schedule (pr_fee_model_fee on pr_costs). */
    double (*fee)(const void *p, const pr_fee_fill *f, double volume);
    /* The most the commission can be per unit of notional at `volume`
     * (what sizing reserves next to the margin; 0 when not proportional). */
    double (*rate)(const void *p, int maker, double volume);
    /* The trailing window of traded volume it reads (ms), 0: none. */
    int64_t (*window)(const void *p);
} pr_fee_schedule_info;

#define PR_FEE_PARAMS_MAX 1024

/* A schedule with its parameters (what a configuration chose). */
typedef struct pr_fee_schedule {
    const pr_fee_schedule_info *info;
    union {
        double align;
        unsigned char bytes[PR_FEE_PARAMS_MAX];
    } p;
} pr_fee_schedule;

/* The schedules, NULL-terminated, in the order `proratio fees list` shows. */
const pr_fee_schedule_info *const *pr_fee_schedules(void);
/* The schedule called name, NULL when none is. */
const pr_fee_schedule_info *pr_fee_schedule_find(const char *name);
/* Reads the schedule object at `path` of cfg: {"model": NAME, "params":
 * {...}} (model defaults to "flat", params to the schedule's defaults);
 * unknown keys, names and bad values are PR_EINVAL naming the key path. */
int pr_fee_schedule_read(const pr_config *cfg, const char *path, pr_fee_schedule *out, pr_err *err);

/* The flat schedule, the default (pr_costs' own rates). */
extern const pr_fee_schedule_info pr_fee_flat_info;

/* The fee of fill f in the account currency under c's schedule
 * (c->schedule NULL or flat: pr_fee_model_fee, bit for bit); volume as the
 * schedule's fee reads it. */
double pr_fee_model_charge(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f, double volume);

/* The flat part of the fee proportional to the notional (maker or taker
 * rate). */
static inline double pr_fee_model_rate(const pr_costs *c, int maker) {
    return maker ? c->maker_fee : c->taker_fee;
}

/* What sizing reserves per unit of notional next to the margin under c's
 * schedule (flat: pr_fee_model_rate). */
static inline double pr_fee_model_reserve(const pr_costs *c, int maker, double volume) {
    if (c->schedule && c->schedule->info->fee) return c->schedule->info->rate(c->schedule->p.bytes, maker, volume);
    return pr_fee_model_rate(c, maker);
}

/* The trailing window of traded volume c's schedule reads (ms), 0: none. */
static inline int64_t pr_fee_model_window(const pr_costs *c) {
    return c->schedule && c->schedule->info->window ? c->schedule->info->window(c->schedule->p.bytes) : 0;
}

/* ---- traded volume ------------------------------------------------------
 * The account's fills as (time, notional in the account currency), so a
 * tiered schedule reads the volume of a trailing window before each fill:
 * the run's own fills, causally. A broker that owns one adds every fill. */
typedef struct pr_fee_volume {
    int64_t *ts;             /* fill times, in time order                         */
    double *amount;          /* each fill's notional                               */
    double *cum;             /* cum[i]: notional of the first i fills (n + 1)     */
    size_t n, cap;
} pr_fee_volume;

/* Adds a fill of `notional` at ts (in any order; usually the latest). */
int pr_fee_volume_add(pr_fee_volume *v, int64_t ts, double notional);
/* The notional of the fills added with time in (ts - window, ts]. */
double pr_fee_volume_in(const pr_fee_volume *v, int64_t ts, int64_t window);
void pr_fee_volume_free(pr_fee_volume *v);

#ifdef __cplusplus
}
#endif
#endif
