/* Part of risk.h: everything the risk stage remembers between decision
 * steps (closed-trade returns, open round trips, counters of what it
 * resized or refused and why), in one fixed-size struct so the paper/live
 * runner can persist it (JSON, versioned) and resume after a restart. */
#ifndef PRORATIO_RISK_STATE_H
#define PRORATIO_RISK_STATE_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/risk/sizing.h"
#include "proratio/risk/breakers_state.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_STATE_VERSION 3   /* 2: protection trigger times, breakers (brk); 3: the VaR
                                     returns window (risk/var_window.h) */
#define PR_RISK_WINDOW_MAX 256       /* closed-trade returns kept                 */
#define PR_RISK_MAX_INSTRUMENTS 64   /* round trips tracked per instrument index  */
#define PR_RISK_MAX_REASONS 16       /* distinct resize/refusal reasons counted   */
#define PR_RISK_REASON_MAX 64

/* One instrument's open round trip, rebuilt from fills. */
typedef struct pr_risk_open {
    double qty;              /* signed units                                      */
    double avg;              /* average entry price                               */
    double cost;             /* entry notional of the units closed so far + open  */
    double realized;         /* price P&L of the units closed so far (quote ccy)  */
} pr_risk_open;

/* The protections (risk/protect.h), each with its trigger count. */
typedef enum pr_risk_protect_id {
    PR_PROT_DAILY_LOSS = 0,  /* equity down daily_loss from the day's start        */
    PR_PROT_WEEKLY_LOSS,     /* equity down weekly_loss from Monday 00:00 UTC       */
    PR_PROT_CONSECUTIVE,     /* max_consecutive_losses round trips lost in a row    */
    PR_PROT_TRADES_PER_DAY,  /* max_trades_per_day entries made today               */
    PR_PROT_DD_WARN,         /* drawdown from the peak reached dd_warn               */
    PR_PROT_DD_STOP,         /* ... dd_stop: no new entries while there             */
    PR_PROT_DD_HALT,         /* ... dd_halt: no new entries for halt_days           */
    /* risk/breakers.h */
    PR_PROT_DD_RESET,        /* the drawdown peak reset after dd_release_days         */
    PR_PROT_COOLDOWN,        /* an instrument stopped out: no entry there for a while */
    PR_PROT_STOPLOSS_GUARD,  /* guard_stops stop-outs within the lookback: locked     */
    PR_PROT_LOW_PROFIT,      /* an instrument's recent trades sum below the minimum   */
    PR_PROT_VOL_HALT,        /* ATR percentile above vol_percentile: no entry there   */
    PR_PROT_KILL_SWITCH,     /* the kill file exists (or the runner's signal)         */
    PR_PROT_WEEKEND,         /* crypto entry in the weekend window: smaller or none   */
    PR_PROT_HOURS,           /* entry in an avoided UTC hour of its asset class       */
    PR_PROT_N
} pr_risk_protect_id;

extern const char *const pr_risk_protect_names[];   /* PR_PROT_N of them */

typedef struct pr_risk_trigger {
    size_t count;            /* times it fired                                    */
    int64_t last;            /* decision time it last fired, PR_TIME_NONE: never   */
} pr_risk_trigger;

/* The latest PR_RISK_TRIGGER_TIMES decision times each protection fired:
 * a ring per protection, the n-th trigger (from 1) in slot (n - 1) mod it. */
#define PR_RISK_TRIGGER_TIMES 16
typedef struct pr_risk_trigger_times {
    int64_t at[PR_PROT_N][PR_RISK_TRIGGER_TIMES];
} pr_risk_trigger_times;

typedef struct pr_risk_count {
    char reason[PR_RISK_REASON_MAX];
    size_t resized, rejected;
} pr_risk_count;

typedef struct pr_risk_state {
    int version;
    size_t closed;           /* round trips closed since the start                */
    int n_returns, head;     /* ring of the latest returns                        */
    double returns[PR_RISK_WINDOW_MAX];
    pr_risk_open open[PR_RISK_MAX_INSTRUMENTS];
    size_t entries;          /* entries the stage saw (sized or refused)         */
    size_t resized, rejected;
    int n_counts;
    pr_risk_count counts[PR_RISK_MAX_REASONS];
    /* Protections. */
    int64_t day;             /* open of the current UTC day, PR_TIME_NONE: none yet */
    double day_equity;       /* equity at the day's first step                    */
    int day_entries;         /* entries sized today                               */
    int daily_hit;           /* 1: the daily loss limit fired today               */
    int64_t week;            /* Monday 00:00 UTC of the current week, PR_TIME_NONE */
    double week_equity;      /* equity at the week's first step                   */
    int weekly_hit;          /* 1: the weekly loss limit fired this week          */
    double peak;             /* highest equity seen at a step                     */
    int dd_tier;             /* 0 none, 1 warn, 2 stop, 3 halt                    */
    int consecutive;         /* round trips lost in a row                         */
    int64_t pause_until;     /* no entries before this time (PR_TIME_NONE: none)  */
    int pause_by;            /* the protection that paused (pr_risk_protect_id)   */
    pr_risk_trigger trig[PR_PROT_N];
    pr_risk_trigger_times times;   /* when each protection fired (the latest)   */
    pr_risk_breaker_state brk;   /* risk/breakers.h                               */
} pr_risk_state;

void pr_risk_state_init(pr_risk_state *st);
/* Follows one fill; when it brings the instrument back to flat the round
 * trip's return (realised P&L / entry notional) joins the window and the
 * call returns 1 with the return in *ret (ret may be NULL); else 0. */
int pr_risk_state_on_fill(pr_risk_state *st, const pr_fill_info *f, double *ret);
/* Statistics of the latest `window` returns (at most PR_RISK_WINDOW_MAX). */
void pr_risk_state_stats(const pr_risk_state *st, int window, pr_risk_trade_stats *out);
/* Counts one resize (rejected 0) or refusal (rejected 1) under reason. */
void pr_risk_state_count(pr_risk_state *st, const char *reason, int rejected);

/* The kept trigger times of protection `id`, oldest first, into out
 * (PR_RISK_TRIGGER_TIMES of room); returns how many. */
size_t pr_risk_trigger_times_list(const pr_risk_state *st, int id, int64_t *out);

/* JSON text (malloc'd, caller frees) and back; a wrong version, a missing
 * or mistyped key fails with its name. */
int pr_risk_state_to_json(const pr_risk_state *st, char **out, pr_err *err);
int pr_risk_state_from_json(const char *text, pr_risk_state *out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
