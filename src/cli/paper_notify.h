/* What a paper session tells its notifiers (live/notify.h) after each
 * step: trades opened and closed (with P&L), protections of the risk stage
 * that fired, the AI stage falling back to TA-only and recovering, and a
 * summary of each UTC day of the decision clock when the next one starts.
 * Only enqueues; the notifiers deliver on their own threads. */
#ifndef PR_CLI_PAPER_NOTIFY_H
#define PR_CLI_PAPER_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "backtest_config.h"
#include "backtest_confirm.h"
#include "proratio/live.h"
#include "proratio/live/notify.h"
#include "proratio/risk.h"

typedef struct paper_notify {
    pr_notify *n;            /* NULL: no notifier configured (all calls no-ops) */
    char tag[72];            /* "[session] " before every text               */
    const char *ccy;
    size_t n_markets;
    const char *const *symbols;
    size_t closed_seen;      /* closed trades announced                       */
    int64_t opened[BT_MAX_MARKETS];   /* entry of the trade announced as open */
    size_t prot[PR_PROT_N];  /* trigger counts announced                      */
    int64_t day;             /* UTC day of the steps being summed; PR_TIME_NONE */
    double base_equity;      /* equity at the end of the day before           */
    double last_equity;      /* after the latest step                          */
    size_t day_closed;
    double day_pnl;
    const bt_stages *stages;   /* the AI stages followed (NULL: none)      */
    int ai_down[BT_MAX_STAGES];
} paper_notify;

void paper_notify_init(paper_notify *pn, pr_notify *n, const char *session, const char *ccy, double start_cash,
                       const char *const *symbols, size_t n_markets, const bt_stages *stages);
/* After the step closing at `close`; quiet: follow the counts without
 * sending (the replay of a resumed session's steps already announced). */
void paper_notify_step(paper_notify *pn, pr_runner *r, const pr_risk_stage *risk, int64_t close, int quiet);
/* The session failed with err (its text is redacted by the notifiers). */
void paper_notify_error(paper_notify *pn, int64_t at, const pr_err *err);

#endif
