/* Part of risk.h: what the circuit breakers of risk/breakers.h remember
 * (drawdown actions and release, stop-outs, instrument locks, the kill
 * switch, the weekend and hour filters' episodes). Kept apart from
 * breakers.h so pr_risk_state can hold it as one fixed-size member. */
#ifndef PRORATIO_RISK_BREAKERS_STATE_H
#define PRORATIO_RISK_BREAKERS_STATE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_RECENT 16            /* closed round trips kept per instrument   */
#define PR_RISK_RECENT_STOPS 16      /* stop-outs kept across instruments        */

/* Pending exits ordered by a drawdown crossing, sent at the next exits call. */
enum { PR_BRK_NONE = 0, PR_BRK_REDUCE, PR_BRK_CLOSE };

/* One instrument's memory. */
typedef struct pr_risk_inst_memo {
    int64_t stop_out;        /* decision time its last stop-out was seen, PR_TIME_NONE */
    int64_t lock_until;      /* stoploss guard / low-profit lock, PR_TIME_NONE: none   */
    int lock_by;             /* the protection that locked it (pr_risk_protect_id)     */
    int vol_halted;          /* 1: its last entry was refused by the volatility halt   */
    int64_t guard_from;      /* stop-outs at or before this were counted already        */
    int n, head;             /* ring of its latest closed round trips                  */
    int64_t t[PR_RISK_RECENT];       /* decision time each closed at                   */
    double r[PR_RISK_RECENT];        /* its return                                     */
    int stop[PR_RISK_RECENT];        /* 1: a stop-out                                   */
} pr_risk_inst_memo;

typedef struct pr_risk_breaker_state {
    int tier_seen;           /* drawdown tier as of the last step (0..3)              */
    int pending;             /* PR_BRK_*: exits the next exits call sends              */
    int64_t dd_since;        /* when the stop tier was last reached, PR_TIME_NONE      */
    int kill_on;             /* 1: the kill switch was on at the last step            */
    int kill_signal;         /* 1: set by the runner (pr_risk_breakers_kill)          */
    int64_t guard_from;      /* global stoploss guard: stop-outs up to this counted    */
    int n_stops, stops_head; /* ring of the latest stop-outs, all instruments          */
    int64_t stops[PR_RISK_RECENT_STOPS];
    int64_t weekend_seen;    /* start of the weekend window last counted              */
    int64_t hour_seen;       /* start of the avoided hour last counted                */
    pr_risk_inst_memo inst[64];   /* PR_RISK_MAX_INSTRUMENTS                           */
} pr_risk_breaker_state;

#ifdef __cplusplus
}
#endif
#endif
