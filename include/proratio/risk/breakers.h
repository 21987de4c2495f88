/* Part of risk.h: the circuit breakers beyond risk/protect.h's entry
 * limits — drawdown tiers acting on open positions (halve at dd_stop, close
 * all at dd_halt) and their release, a cooldown after a stop-out, a
 * stoploss guard and a low-profit instrument lock (after Freqtrade's
 * StoplossGuard and LowProfitPairs), a volatility-spike halt, a kill
 * switch, crypto weekend rules and avoided UTC hours per asset class. Each
 * counts its triggers in pr_risk_state and names itself in refusals. They
 * read only decision times and what the view, the fills and the account
 * show at the decision step, so backtest, paper and live behave alike. */
#ifndef PRORATIO_RISK_BREAKERS_H
#define PRORATIO_RISK_BREAKERS_H

#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/engine/pipeline.h"
#include "proratio/risk/protect.h"
#include "proratio/risk/sizing.h"
#include "proratio/risk/state.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_KILL_PATH_MAX 256
#define PR_RISK_VOL_MAX 1200         /* vol_lookback + vol_atr_period, at most       */

/* `risk.breakers` and `risk.kill_switch`; every rule is off by default. */
typedef struct pr_risk_breakers {
    double dd_stop_reduce;   /* fraction of each open position closed when the
                                drawdown crosses dd_stop (0.5 suggested)           */
    int dd_halt_close;       /* 1: close every position when it crosses dd_halt   */
    double dd_release_days;  /* stop/halt tier held this long (and the halt pause
                                over): the peak resets to the equity then; 0: never */
    int cooldown_bars;       /* after a stop-out, no entry on that instrument for
                                this many of its bars ...                           */
    double cooldown_hours;   /* ... or hours (the longer wins)                      */
    int guard_stops;         /* stop-outs within guard_lookback_hours that lock    */
    double guard_lookback_hours, guard_lock_hours;
    int guard_per_instrument;    /* 1: count and lock per instrument; 0: all       */
    int low_profit_trades;   /* closed trades needed within the lookback           */
    double low_profit_lookback_hours, low_profit_min, low_profit_lock_hours;
    double vol_percentile;   /* ATR percentile rank that halts entries (0.95)      */
    int vol_lookback;        /* ATRs ranked (bars)                                 */
    int vol_atr_period;      /* bars of each ATR                                   */
    double weekend_size;     /* crypto size multiplier in the window; 0: none; 1: off */
    int weekend_start_day;   /* 0 Monday .. 6 Sunday (4: Friday)                    */
    double weekend_start_hour;
    int weekend_end_day;     /* (6: Sunday)                                         */
    double weekend_end_hour;
    double avoid_hours[4][24];   /* per asset class (crypto, forex, stocks, futures) */
    int n_avoid[4];
    char kill_file[PR_RISK_KILL_PATH_MAX];   /* "": no kill file                   */
} pr_risk_breakers;

extern const pr_strategy_info pr_risk_breakers_info;
extern const char *const pr_risk_weekday_names[];   /* "mon" .. "sun", NULL */

void pr_risk_breakers_defaults(pr_risk_breakers *c);
/* Reads `<path>.breakers` and `<path>.kill_switch` of cfg (each optional). */
int pr_risk_breakers_read(const pr_config *cfg, const char *path, pr_risk_breakers *out, pr_err *err);
/* 1 when a rule needs the exits hook (drawdown actions, kill switch). */
int pr_risk_breakers_exits_needed(const pr_risk_breakers *c);

void pr_risk_breakers_init(pr_risk_breaker_state *b);
/* After pr_risk_protect_step at each decision step: notes drawdown crossings
 * (the exits they order) and releases a stop or halt tier held
 * dd_release_days (resetting the peak to `equity`). */
void pr_risk_breakers_step(const pr_risk_breakers *c, pr_risk_state *st, int64_t now, double equity);
/* A round trip of f->instrument closed by fill f with return r. */
void pr_risk_breakers_closed(const pr_risk_breakers *c, pr_risk_state *st, const pr_fill_info *f, double r);
/* Why the entry rq->sig is refused, or NULL (counts the triggers). */
const char *pr_risk_breakers_check(const pr_risk_breakers *c, pr_risk_state *st, const pr_size_request *rq);
/* After sizing: the crypto weekend multiplier (marks *d resized). */
void pr_risk_breakers_resize(const pr_risk_breakers *c, pr_risk_state *st, const pr_size_request *rq,
                             pr_risk_decision *d);
/* The exits hook: the kill switch (closes every position while on) and
 * the exits a drawdown crossing ordered. */
int pr_risk_breakers_exits(const pr_risk_breakers *c, pr_risk_state *st, const pr_market_view *v,
                           const pr_portfolio *pf, pr_signal_list *out, pr_err *err);
/* The runner's kill signal (a live runner sets it on SIGUSR1 or a command;
 * 0 clears it): acts at the next decision step like the kill file. */
void pr_risk_breakers_kill(pr_risk_state *st, int on);

#ifdef __cplusplus
}
#endif
#endif
