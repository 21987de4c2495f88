/* Part of risk.h: protections (circuit breakers) that stop new entries —
 * the daily and weekly loss limits, consecutive losses, trades per day and the drawdown
 * tiers. Each fires with a trigger count and time in pr_risk_state, and a
 * refused entry names the protection as its reason. They watch the equity
 * at every decision step and the closed round trips; all times are
 * decision times (UTC ms), so backtest and live behave alike. */
#ifndef PRORATIO_RISK_PROTECT_H
#define PRORATIO_RISK_PROTECT_H

#include <stdint.h>
#include "proratio/risk/state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `risk.protections`; 0 turns a limit off (all off by default). */
typedef struct pr_risk_protections {
    double daily_loss;       /* fraction of the day's starting equity (0.02)       */
    double weekly_loss;      /* fraction of the week's (from Monday 00:00 UTC) (0.05) */
    int max_consecutive_losses;  /* losing round trips in a row (5)                */
    double loss_pause_hours; /* entries paused this long after them (24)            */
    int max_trades_per_day;  /* entries per UTC day (10)                           */
    double dd_warn, dd_stop, dd_halt;  /* drawdown from the peak (0.10/0.15/0.20)  */
    double halt_days;        /* dd_halt pauses entries this long (7)                */
} pr_risk_protections;

/* At each decision step: a new UTC day resets the day's counters; the peak
 * and the drawdown tier follow the equity; the daily limit and a higher
 * drawdown tier fire. */
void pr_risk_protect_step(const pr_risk_protections *c, pr_risk_state *st, int64_t now, double equity);
/* Whether now lies within the UTC day of the last step (and so within its
 * week): pr_risk_protect_step then works out neither boundary again. */
static inline int pr_risk_same_day(const pr_risk_state *st, int64_t now) {
    return st->day != PR_TIME_NONE && st->week != PR_TIME_NONE && now >= st->day && now - st->day < PR_MS_PER_DAY;
}
/* The drawdown tier (0 none .. 3 halt) of a drawdown dd from the peak: the
 * highest configured limit it reaches (pr_risk_protect_step's, and the risk
 * stage's quiet steps'). */
static inline int pr_risk_dd_tier(const pr_risk_protections *c, double dd) {
    return c->dd_halt > 0 && dd >= c->dd_halt   ? 3
           : c->dd_stop > 0 && dd >= c->dd_stop ? 2
           : c->dd_warn > 0 && dd >= c->dd_warn ? 1
                                                : 0;
}
/* A round trip closed at `now` with return r (<= 0 counts as a loss). */
void pr_risk_protect_closed(const pr_risk_protections *c, pr_risk_state *st, int64_t now, double r);
/* Why an entry at `now` is refused, or NULL when it may go ahead. */
const char *pr_risk_protect_check(const pr_risk_protections *c, const pr_risk_state *st, int64_t now);
/* An entry was sized at `now` (counts towards the day's trades). */
void pr_risk_protect_entered(const pr_risk_protections *c, pr_risk_state *st, int64_t now);

#ifdef __cplusplus
}
#endif
#endif
