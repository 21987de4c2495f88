/* Part of risk.h: what the risk stage watches at every decision step for
 * the exposure limits and the VaR: the step's return of every instrument
 * (a ring of the latest steps, 0 for an instrument without a new bar), the
 * book (each open position's signed notional at the close, account
 * currency) and the series the report shows (gross exposure by asset class
 * and the book's historical VaR/CVaR at 95%). It applies the limits of
 * risk/exposure.h and the VaR limit to each sized entry. Reads only the
 * view (bars up to the decision time) and the portfolio snapshot, so it
 * behaves the same in backtest, paper and live; the ring is part of the
 * persisted state (risk/var_window.h), so a restart resumes it. */
#ifndef PRORATIO_RISK_WATCH_H
#define PRORATIO_RISK_WATCH_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/engine/pipeline.h"
#include "proratio/risk/exposure.h"
#include "proratio/risk/sizing.h"
#include "proratio/risk/var.h"
#include "proratio/risk/var_window.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One row of the series, per decision step. */
typedef struct pr_risk_row {
    int64_t ts;              /* decision time                                     */
    double equity;
    double gross[PR_RISK_CLASSES];   /* gross notional by pr_asset_class          */
    int positions;           /* open positions                                   */
    double var95, cvar95;    /* historical, one step; NaN before min_obs steps    */
} pr_risk_row;

typedef struct pr_risk_watch pr_risk_watch;

/* Borrows ex and var (they must outlive it). */
int pr_risk_watch_new(const pr_risk_exposure *ex, const pr_risk_var *var, pr_risk_watch **out, pr_err *err);
void pr_risk_watch_free(pr_risk_watch *w);
/* The account as of the step (before pr_risk_watch_step). */
void pr_risk_watch_account(pr_risk_watch *w, const pr_account *a);
/* Once per decision step: the returns, the book and one series row. */
int pr_risk_watch_step(pr_risk_watch *w, const pr_market_view *v, const pr_portfolio *pf, pr_err *err);
/* pr_risk_watch_account with an account of that equity (its currency
 * already seen), then pr_risk_watch_step; now: pr_view_now(v). */
int pr_risk_watch_step_at(pr_risk_watch *w, int64_t now, double equity, const pr_market_view *v,
                          const pr_portfolio *pf, pr_err *err);
/* Applies the exposure limits and the VaR limit to a sized entry (d->value
 * > 0) at expected price px: resizes it to a notional (d->resized, reason)
 * or refuses it (value 0, reason); an entry it lets through joins the book
 * for the step's later entries. */
void pr_risk_watch_entry(pr_risk_watch *w, const pr_size_request *rq, double px, pr_risk_decision *d);
/* A fill was seen (the holdings are read again at the next step). */
void pr_risk_watch_fill(pr_risk_watch *w);
/* The latest step's exposure and VaR (NULL before the first step); the
 * VaR is computed here when the series is not kept. */
const pr_risk_row *pr_risk_watch_last(const pr_risk_watch *w);
/* Keep every step's row as the series (off by default: a backtest's report
 * turns it on; at 80 bytes a step it is the stage's largest cost). */
void pr_risk_watch_record(pr_risk_watch *w, int on);
/* 1 when the watch may miss steps at which every instrument had a new bar
 * (it rebuilds their returns from the view's closes, counted by
 * pr_view_step_count, when it is next read): not while it keeps the
 * series. */
int pr_risk_watch_lazy(const pr_risk_watch *w);
/* The end of a run, while the view lives (equity: the account's then):
 * the ring, the marks and the latest row as a step at every bar would have
 * left them; the watch then lets go of the view (a later step binds the
 * view it is given). */
void pr_risk_watch_settle(pr_risk_watch *w, double equity);
/* The ring of step returns, oldest first, into *out (caller frees with
 * pr_risk_var_window_free): what a restart needs to go on with the same
 * VaR and correlations. Before the first step: the window restored, if any. */
int pr_risk_watch_window_get(const pr_risk_watch *w, pr_risk_var_window *out, pr_err *err);
/* Restores such a window (copied) before the first step; the first step
 * fills the ring with its latest rows (PR_EINVAL there when the run has
 * another number of instruments). PR_ESTATE after the first step. */
int pr_risk_watch_window_set(pr_risk_watch *w, const pr_risk_var_window *win, pr_err *err);
/* The series so far: its length and row i (NULL past the end). */
size_t pr_risk_watch_rows(const pr_risk_watch *w);
const pr_risk_row *pr_risk_watch_row(const pr_risk_watch *w, size_t i);

#ifdef __cplusplus
}
#endif
#endif
