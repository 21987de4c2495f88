/* A paper session's notifications (paper_notify.h): the paper broker's
 * trade records and the risk stage's trigger counts compared with what was
 * announced, so each event is told once, in the order it happened. */
#include <stdio.h>
#include <string.h>

#include "paper_notify.h"
#include "proratio/ai.h"

void paper_notify_init(paper_notify *pn, pr_notify *n, const char *session, const char *ccy, double start_cash,
                       const char *const *symbols, size_t n_markets, const bt_stages *stages) {
    memset(pn, 0, sizeof *pn);
    pn->n = n;
    snprintf(pn->tag, sizeof pn->tag, "[%.60s] ", session);
    pn->ccy = ccy;
    pn->symbols = symbols;
    pn->n_markets = n_markets < BT_MAX_MARKETS ? n_markets : BT_MAX_MARKETS;
    for (size_t i = 0; i < BT_MAX_MARKETS; i++) pn->opened[i] = PR_TIME_NONE;
    pn->day = PR_TIME_NONE;
    pn->stages = stages;
    pn->base_equity = pn->last_equity = start_cash > 0 ? start_cash : 10000.0;
}

static const char *sym(const paper_notify *pn, int i) {
    return i >= 0 && (size_t)i < pn->n_markets ? pn->symbols[i] : "?";
}

static void opened(paper_notify *pn, const pr_trade *t, int quiet) {
    if (t->instrument < 0 || (size_t)t->instrument >= pn->n_markets) return;
    if (pn->opened[t->instrument] == t->entry_ts) return;
    pn->opened[t->instrument] = t->entry_ts;
    if (quiet) return;
    char at[PR_TIME_STR_MAX];
    pr_time_format(t->entry_ts, at, sizeof at);
    pr_notify_post(pn->n, PR_NOTIFY_TRADE_OPENED, t->entry_ts, "%s%s %s opened: %.10g at %.10g (bar of %s)", pn->tag,
                   sym(pn, t->instrument), t->side > 0 ? "LONG" : "SHORT", t->size, t->entry_price, at);
}

static void closed(paper_notify *pn, const pr_trade *t, int quiet) {
    pn->day_closed++;
    pn->day_pnl += t->pnl;
    if (quiet) return;
    pr_notify_post(pn->n, PR_NOTIFY_TRADE_CLOSED, t->exit_ts,
                   "%s%s %s closed (%s): %.10g, %.10g -> %.10g, P&L %+.2f %s (fees %.2f)", pn->tag,
                   sym(pn, t->instrument), t->side > 0 ? "LONG" : "SHORT", pr_order_role_name(t->exit_role), t->size,
                   t->entry_price, t->exit_price, t->pnl, pn->ccy, t->fees);
}

/* The day's summary when `close` starts a later UTC day. */
static void day_turn(paper_notify *pn, pr_broker *b, int64_t close, int quiet) {
    int64_t day = close / PR_MS_PER_DAY * PR_MS_PER_DAY;
    if (pn->day != PR_TIME_NONE && day > pn->day && !quiet) {
        char d[PR_TIME_STR_MAX], pos[320] = "";
        pr_time_format(pn->day, d, sizeof d);
        d[10] = '\0';
        size_t w = 0;
        for (size_t i = 0; i < pn->n_markets && w + 1 < sizeof pos; i++) {
            pr_trade t;
            if (pr_broker_open_trade(b, (int)i, &t) != PR_OK) continue;
            w += (size_t)snprintf(pos + w, sizeof pos - w, "%s%s %s %.10g", w ? ", " : "", sym(pn, (int)i),
                                  t.side > 0 ? "long" : "short", t.size);
        }
        pr_notify_post(pn->n, PR_NOTIFY_DAILY, pn->day,
                       "%sdaily summary %s: equity %.2f %s (day P&L %+.2f), %zu trade%s closed (P&L %+.2f), "
                       "open: %s", pn->tag, d, pn->last_equity, pn->ccy, pn->last_equity - pn->base_equity,
                       pn->day_closed, pn->day_closed == 1 ? "" : "s", pn->day_pnl, pos[0] ? pos : "none");
    }
    if (pn->day == PR_TIME_NONE || day > pn->day) {
        if (pn->day != PR_TIME_NONE) pn->base_equity = pn->last_equity;
        pn->day = day;
        pn->day_closed = 0;
        pn->day_pnl = 0;
    }
}

/* An AI stage that fell back to TA-only, or came back, since the last step. */
static void ai_turns(paper_notify *pn, int64_t close, int quiet) {
    for (size_t i = 0; pn->stages && i < pn->stages->n && i < BT_MAX_STAGES; i++) {
        const struct pr_llm_stage *st = pn->stages->llm[i];
        int down = st ? pr_llm_stage_down(st) : 0;
        if (down == pn->ai_down[i]) continue;
        pn->ai_down[i] = down;
        if (quiet) continue;
        char at[PR_TIME_STR_MAX];
        pr_time_format(close, at, sizeof at);
        if (down)
            pr_notify_post(pn->n, PR_NOTIFY_AI_DOWN, close, "%sAI unavailable (confirmation stage %zu): deciding "
                           "TA-only from the step closing %s", pn->tag, i, at);
        else
            pr_notify_post(pn->n, PR_NOTIFY_AI_UP, close, "%sAI recovered (confirmation stage %zu) at the step "
                           "closing %s", pn->tag, i, at);
    }
}

void paper_notify_step(paper_notify *pn, pr_runner *r, const pr_risk_stage *risk, int64_t close, int quiet) {
    if (!pn->n) return;
    pr_broker *b = pr_runner_broker(r);
    /* The day that ended is summed up before this step's events. */
    day_turn(pn, b, close, quiet);
    size_t n = 0;
    const pr_trade *tr = pr_paper_trades(b, &n);
    for (size_t k = pn->closed_seen; k < n; k++) {
        opened(pn, &tr[k], quiet);
        closed(pn, &tr[k], quiet);
    }
    pn->closed_seen = n;
    for (size_t i = 0; i < pn->n_markets; i++) {
        pr_trade t;
        if (pr_broker_open_trade(b, (int)i, &t) == PR_OK) opened(pn, &t, quiet);
    }
    if (risk) {
        const pr_risk_state *st = pr_risk_stage_state(risk);
        char at[PR_TIME_STR_MAX];
        pr_time_format(close, at, sizeof at);
        for (int k = 0; k < PR_PROT_N; k++) {
            if (st->trig[k].count <= pn->prot[k]) continue;
            size_t d = st->trig[k].count - pn->prot[k];
            pn->prot[k] = st->trig[k].count;
            if (quiet) continue;
            char times[32] = "";
            if (d > 1) snprintf(times, sizeof times, " %zu times", d);
            pr_notify_post(pn->n, PR_NOTIFY_PROTECTION, close, "%sprotection %s fired%s at the step closing %s (%zu "
                           "in all)", pn->tag, pr_risk_protect_names[k], times, at, st->trig[k].count);
        }
    }
    ai_turns(pn, close, quiet);
    pr_broker_snapshot z;
    pr_broker_snapshot_get(b, &z);
    pn->last_equity = z.equity;
}

void paper_notify_error(paper_notify *pn, int64_t at, const pr_err *err) {
    if (!pn->n || !err) return;
    pr_notify_post(pn->n, PR_NOTIFY_ERROR, at, "%serror, the session stopped: %s", pn->tag, err->msg);
}
