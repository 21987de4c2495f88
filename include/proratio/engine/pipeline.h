/* Part of engine.h: the decision pipeline, the one object that turns closed
 * bars into orders in backtest, paper and live alike:
 *   strategy -> confirmation stages -> sizing -> orders -> broker,
 * plus management of open positions (trailing stops, break-even moves, time
 * stops) decided at each bar close. */
#ifndef PRORATIO_ENGINE_PIPELINE_H
#define PRORATIO_ENGINE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sizing --------------------------------------------------------------- */
typedef enum pr_size_mode {
    PR_SIZE_FIXED_RISK = 0,  /* risk `risk` of equity between entry and stop; a
                                signal without a stop uses `fraction` instead      */
    PR_SIZE_FIXED_FRACTION,  /* position notional = fraction * equity             */
    PR_SIZE_ALL_CASH,        /* commit all available money: cash/(price*(1+fee))  */
    PR_SIZE_FIXED_QTY        /* qty units                                         */
} pr_size_mode;

typedef struct pr_sizing {
    pr_size_mode mode;
    double risk;             /* 0.01                                             */
    double fraction;         /* 0.1                                              */
    double qty;              /* FIXED_QTY                                        */
} pr_sizing;

void pr_sizing_default(pr_sizing *s);

/* What a sizer sees and returns. Quantities are resolved by the broker at
 * fill time from (mode, value), with the fill price, and capped so the
 * initial margin plus fees never exceed the available money. */
typedef struct pr_size_request {
    const pr_signal *sig;
    const pr_instrument *inst;
    const pr_account *account;
    const pr_position *position;
    double price;            /* last close of the instrument                     */
    const pr_market_view *view;  /* the decision step's view (bars up to now)    */
    int64_t now;             /* its decision time                                 */
    const pr_costs *costs;   /* the instrument's costs as its broker charges them;
                                NULL where the broker does not say             */
} pr_size_request;

typedef struct pr_size {
    pr_qty_mode mode;        /* UNITS, NOTIONAL, CASH or RISK                     */
    double value;            /* 0: do not trade                                   */
    const char *reason;      /* with value 0: why (static text; NULL: "sized to 0") */
} pr_size;

/* The sizing hook (a risk module installs its own). */
/* When a sizer's step hook would change nothing that matters: at the
 * steps after the one it was asked at (steps come in time order) that are
 * before `until` and whose equity is in (eq_lo, eq_hi], while *halt stays
 * 0 (halt is never NULL). */
typedef struct pr_sizer_quiet {
    int64_t until;
    double eq_lo, eq_hi;
    const int *halt;
} pr_sizer_quiet;

typedef struct pr_sizer {
    void *self;
    int (*size)(void *self, const pr_size_request *rq, pr_size *out, pr_err *err);
    void (*destroy)(void *self);
    const char *name;        /* the stage a refusal names (NULL: "sizer")         */
    /* Optional: each fill the pipeline saw, at the step that saw it, before
     * the strategy runs (closed-trade statistics come from these). */
    void (*on_fill)(void *self, const pr_fill_info *f);
    /* Optional: once per decision step after the fills, the account as of
     * then (daily loss and drawdown limits watch it). */
    void (*on_step)(void *self, int64_t now, const pr_account *account);
    /* Optional: before an entry is sized, may set or replace its bracket
     * (stop, targets, trailing, break-even, time stop) in *sig, or refuse
     * the entry by setting *refuse to a static reason (the strategy hears
     * "rejected by <name>: <reason>"). rq->sig is sig. */
    int (*bracket)(void *self, const pr_size_request *rq, pr_signal *sig, const char **refuse, pr_err *err);
    /* Optional: once per decision step, after on_step and before position
     * management and the strategy, the exits the risk layer itself orders
     * (circuit breakers closing or halving positions, a kill switch): EXIT
     * signals (exit_frac 0: all) appended to *out. They skip the
     * confirmation stages (nothing may veto them) and go to the broker as
     * market orders at the next open, like any exit. */
    int (*exits)(void *self, const pr_market_view *v, const pr_portfolio *pf, pr_signal_list *out, pr_err *err);
    /* Optional, with on_step and exits: both at once where the broker gives
     * its equity alone (pr_broker_vt.equity), at every step of a run but its
     * first (which calls on_step with the whole account, then exits): the
     * account's equity instead of the account, one call instead of two and
     * no account to build at each step. Must do what on_step with an
     * account of that equity followed by exits would. */
    int (*step)(void *self, int64_t now, double equity, const pr_market_view *v, const pr_portfolio *pf,
                pr_signal_list *out, pr_err *err);
    /* Optional, with step: after a step, 1 and *out when the next steps
     * need not call step while they meet *out and no order is in flight.
     * The pipeline then skips those steps (with a broker that gives an
     * equity band), only at steps where every instrument has a new bar;
     * the sizer learns how many it missed from pr_view_step_count and
     * reads their bars from the view when it needs them. */
    int (*quiet)(void *self, pr_sizer_quiet *out);
    /* Optional, with quiet: at the end of a run (pr_pipeline_end), with the
     * broker's equity then, while the view is alive: brings up to date what
     * the skipped steps left pending and lets go of the view. */
    void (*settle)(void *self, double equity);
} pr_sizer;

/* The built-in sizer for a pr_sizing (self points to a copy it owns). */
int pr_sizer_builtin(const pr_sizing *s, pr_sizer *out, pr_err *err);

/* ---- confirmation stages (mtf, regime, ml, llm plug in here) ---------------- */
typedef struct pr_confirm_stage {
    const char *name;
    void *self;
    /* Sees a candidate entry or exit signal; sets *keep = 0 to veto it, may
     * lower sig->confidence / sig->size_hint or tighten its stop. */
    int (*confirm)(void *self, const pr_market_view *v, pr_signal *sig, int *keep, pr_err *err);
    void (*destroy)(void *self);
} pr_confirm_stage;

/* ---- observer (run logs) --------------------------------------------------- */
/* What one confirmation stage did to a signal. */
typedef struct pr_stage_effect {
    const char *stage;       /* the stage's name                                  */
    int keep;                /* 0: vetoed here (later stages did not see it)       */
    double factor;           /* size multiplier it applied: size_hint after / before
                                (a size_hint of 0 counts as 1); 0 when vetoed      */
} pr_stage_effect;

/* Watches the pipeline's decisions, e.g. to write run logs; it cannot change
 * them. Either callback may be NULL; a non-zero return stops the step with
 * that status. */
typedef struct pr_pipeline_observer {
    void *self;
    /* Once per signal the strategy emitted, after the confirmation stages:
     * `emitted` as the strategy made it (ts set), `confirmed` as the stages
     * left it, effects[0..n) of the stages that saw it, in order; kept = 0
     * when one of them vetoed it. */
    int (*on_signal)(void *self, const pr_market_view *v, const pr_signal *emitted, const pr_signal *confirmed,
                     const pr_stage_effect *effects, size_t n, int kept, pr_err *err);
    /* Each order the pipeline submitted (id and status set by the broker)
     * and each amendment (the order as amended). */
    int (*on_order)(void *self, const pr_order *o, pr_err *err);
} pr_pipeline_observer;

/* ---- the pipeline -------------------------------------------------------- */
typedef struct pr_pipeline_config {
    pr_sizing sizing;        /* used unless pr_pipeline_set_sizer installs a hook */
    int no_short;            /* 1: ENTER_SHORT signals only close longs            */
    int no_reverse;          /* 1: an entry against an open position only closes it */
    size_t max_signals;      /* per step; 0: 64                                    */
} pr_pipeline_config;

void pr_pipeline_config_default(pr_pipeline_config *c);

typedef struct pr_pipeline pr_pipeline;

typedef struct pr_pipeline_stats {
    size_t signals;          /* emitted by the strategy                          */
    size_t vetoed;           /* dropped by a confirmation stage                   */
    size_t ignored;          /* nothing to do (already in position, flat exit)    */
    size_t orders;           /* submitted                                         */
    size_t rejected;         /* rejected by the broker at submission              */
    size_t quiet_steps;      /* steps the sizer need not see (pr_sizer.quiet)     */
} pr_pipeline_stats;

/* The pipeline borrows `strategy` (the caller frees it after the pipeline). */
int pr_pipeline_new(const pr_pipeline_config *cfg, pr_strategy *strategy, pr_pipeline **out,
                    pr_err *err);
void pr_pipeline_free(pr_pipeline *p);
/* Takes ownership of stage->self (released with stage->destroy). */
int pr_pipeline_add_stage(pr_pipeline *p, const pr_confirm_stage *stage, pr_err *err);
/* Installs an observer (copied; obs->self is borrowed); NULL removes it. */
void pr_pipeline_set_observer(pr_pipeline *p, const pr_pipeline_observer *obs);
/* Replaces the sizer; takes ownership of sizer->self. */
void pr_pipeline_set_sizer(pr_pipeline *p, const pr_sizer *sizer);
pr_strategy *pr_pipeline_strategy(pr_pipeline *p);
/* What the strategy holds, through its broker, for the runner to attach to
 * the view (pr_view_set_portfolio); valid for the pipeline's lifetime. It
 * reads the broker given to pr_pipeline_on_bar (one broker per run, between
 * two pr_pipeline_reset calls) and is meant for the strategy's calls during
 * a step. */
const pr_portfolio *pr_pipeline_portfolio(pr_pipeline *p);
/* Prepares per-run state for a view with that many instruments. */
int pr_pipeline_reset(pr_pipeline *p, size_t n_instruments, pr_err *err);
/* The single entry point, once per decision step after bars closed:
 * manages open positions, runs the strategy, the stages, sizing, and submits
 * orders to the broker (they fill no earlier than the next bar's open). */
int pr_pipeline_on_bar(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_err *err);
/* The end of a run, while its view and broker are still alive: the sizer
 * settles what steps it skipped left pending (pr_sizer.settle). The engine
 * and the live runner call it; NULL arguments are ignored. */
void pr_pipeline_end(pr_pipeline *p, pr_broker *b);
void pr_pipeline_get_stats(const pr_pipeline *p, pr_pipeline_stats *out);

#ifdef __cplusplus
}
#endif
#endif
