/* The live module: the trading loop that drives the decision pipeline
 * (pr_pipeline, the one decision path of backtest, paper and live) from a
 * feed of closed bars (pr_feed) against a broker, the paper broker, and
 * the venue broker that executes a live session's orders at a venue and
 * books the venue's fills (through the venue mirror; the venues
 * themselves: live/venue.h). */
#ifndef PRORATIO_LIVE_H
#define PRORATIO_LIVE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/feed.h"
#include "proratio/engine.h"
#include "proratio/live/venue.h"
#include "proratio/live/venue_stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the paper broker ---------------------------------------------------------- */
/* A broker that fills on the prices of the bars it is fed (by the runner,
 * from the feed) with the backtest's cost model: it is driven through the
 * same bar-driven operations (process_bar, idle_bar, mark, snapshot) and
 * executes with the engine's own order book, ledger, fee, fill, funding
 * and margin models (the simulated broker's parts, owned here, never
 * copied): market orders at the next bar's open, limit and stop orders
 * when a later bar trades through them, costs as configured. */
int pr_paper_new(const pr_sim_config *cfg, pr_broker **out, pr_err *err);
/* 1 when b is a paper broker. */
int pr_paper_is(const pr_broker *b);

/* Called with each fill the paper broker makes, once the bar that made it
 * is processed; a non-zero return fails that bar (and so the session) with
 * its status. This is how a live session mirrors the paper fills at a
 * venue (pr_venue_mirror_fill). NULL fn: none. */
typedef int (*pr_paper_fill_fn)(void *user, const pr_fill *f, pr_err *err);
int pr_paper_on_fill(pr_broker *b, pr_paper_fill_fn fn, void *user, pr_err *err);
/* Asked before each entry order is submitted (`now`: the decision time):
 * non-zero refuses it (rejected at submission, no order id; exits pass).
 * A live session pauses a market's entries this way after a venue
 * position mismatch; the answer must depend on (instrument, now) alone so
 * a resumed session's replay refuses the same entries. NULL fn: none. */
typedef int (*pr_paper_gate_fn)(void *user, int instrument, int64_t now);
int pr_paper_entry_gate(pr_broker *b, pr_paper_gate_fn fn, void *user, pr_err *err);

/* What a paper account holds now, for a session summary or a status
 * command: the account at the current marks, and for each of its
 * n_markets instruments the position (qty 0 when flat). */
int pr_paper_positions(pr_broker *b, pr_account *account, pr_position *pos, size_t n_markets, pr_err *err);
/* The orders still working (ACTIVE or WAITING), in id order: the first
 * `cap` into out, their number into *n. */
int pr_paper_open_orders(pr_broker *b, pr_order *out, size_t cap, size_t *n, pr_err *err);
/* The round trips closed so far, oldest first (owned by the broker, valid
 * until its next call; *n 0 and NULL when b is no paper broker): what a
 * session announces as it goes (live/notify.h). */
const pr_trade *pr_paper_trades(const pr_broker *b, size_t *n);

/* ---- the runner ------------------------------------------------------------------- */
/* One instrument the runner trades: the broker's market settings and the
 * decision timeframe its feed stream delivers. */
typedef struct pr_runner_market {
    pr_market_spec spec;     /* spec.inst.symbol names the feed's stream     */
    pr_timeframe tf;
    /* Optional finer bars of the same symbol (a second stream of the feed,
     * delivered before the decision bar closing with them, as a replay
     * listing the finer streams first does): they settle what happened
     * first inside a decision bar, as in a backtest (pr_sim_process_bar).
     * PR_TF_NONE (0): none. */
    pr_timeframe fine_tf;
    /* The name the feed's events give the symbol (a venue's spelling:
     * EUR_USD for EURUSD), compared without regard to case; "": the
     * spec's symbol. */
    char feed_symbol[PR_SYMBOL_MAX];
    /* 1: the feed does not carry this market (a live feed that cannot serve
     * it): no step waits for its bars. Bars of it that come are still
     * taken. */
    int no_feed;
} pr_runner_market;

typedef struct pr_runner pr_runner;

typedef struct pr_runner_config {
    size_t n_markets;
    const pr_runner_market *markets;   /* copied                               */
    double start_cash;       /* 10,000 when 0                                  */
    char ccy[16];            /* account currency; "" -> quote of market 0       */
    /* Steps labelled before trade_from only warm the market view up (no
     * orders, fills, equity points or strategy calls), as in a backtest.
     * 0 or PR_TIME_NONE: every step trades. */
    int64_t trade_from;
    /* How long (feed clock, ms) a step whose bars have not all arrived
     * waits for the rest before it is decided with what came (0: 5000). A
     * replay delivers a step's bars together, so it never waits. */
    int64_t step_wait_ms;
    /* The scan interval (ms): the pipeline decides only at the steps that
     * reach a multiple of it (UTC, from the epoch) since the step before —
     * a step closing on the boundary, or the first one after it when no
     * bar closed there; the steps between still fill orders, mark the
     * account and advance the market view (indicators). The first step
     * traded is always decided. 0: every step (at each bar's close). */
    int64_t scan_ms;
    /* Called after each traded step was decided (its orders placed, its
     * fills booked), with the step's close time: a session saves its
     * durable state here, before the next step acts. A non-zero return
     * ends the run with that status. NULL: none. */
    int (*on_step)(void *user, pr_runner *r, int64_t close, pr_err *err);
    void *on_step_user;
    /* Called (with on_step_user) at every turn of pr_runner_run's loop:
     * after each feed event and at least every 250 ms while the feed has
     * none, so a session beats its heartbeat and polls for a stop request
     * while it waits for bars. It may set the stop flag pr_runner_run
     * watches. A non-zero return ends the run with that status. NULL: none. */
    int (*on_tick)(void *user, pr_runner *r, pr_err *err);
} pr_runner_config;

/* A runner over a paper broker made from the markets (pr_paper_new). The
 * pipeline is borrowed: its strategy declares its needs on the runner's
 * view here, and it is reset for the session. */
int pr_runner_new(const pr_runner_config *cfg, pr_pipeline *pipe, pr_runner **out, pr_err *err);
void pr_runner_free(pr_runner *r);

/* Pulls the feed's events and decides each step as its bars close, until
 * the feed ends or *stop becomes non-zero (a signal handler sets it; NULL:
 * never). A stop finishes the current step: bars already received are
 * decided on, nothing is cancelled. Returns 0 then, with *stopped (may be
 * NULL) 1 when the stop ended the session. */
int pr_runner_run(pr_runner *r, pr_feed *f, const volatile sig_atomic_t *stop, int *stopped, pr_err *err);

/* The parts of pr_runner_run, for a caller with its own loop: one event of
 * the feed (status events are counted and otherwise ignored), and the
 * decision on the bars of the step received so far (nothing when none). */
int pr_runner_event(pr_runner *r, const pr_feed_event *ev, pr_err *err);
int pr_runner_flush(pr_runner *r, pr_err *err);

/* Counters of the session so far. */
typedef struct pr_runner_stats {
    size_t bars;             /* bars taken (warm-up included)                  */
    size_t steps;            /* decision steps traded                          */
    size_t decided;          /* of those, the ones the pipeline decided (scan) */
    size_t warmup_steps;     /* steps before trade_from                        */
    size_t warmup_bars;      /* bars of those steps                            */
    size_t ignored;          /* bars of no market of the run, repeated or late  */
    int64_t last_close;      /* close time of the last step (PR_TIME_NONE: none) */
} pr_runner_stats;

void pr_runner_get_stats(const pr_runner *r, pr_runner_stats *out);
/* The open time of market i's last decision bar taken (PR_TIME_NONE: none
 * yet, or i out of range). */
int64_t pr_runner_last_bar(const pr_runner *r, size_t i);
/* Market i's decision bars taken so far, the warm-up's included (owned by
 * the runner; NULL when i is out of range). */
const pr_series *pr_runner_bars(const pr_runner *r, size_t i);
/* The runner's broker (owned by the runner). */
pr_broker *pr_runner_broker(pr_runner *r);

/* ---- a venue mirror ---------------------------------------------------------------- */
/* Executes at a venue what the paper broker fills: each paper fill becomes
 * a market order of the same side and quantity (rounded down to the
 * venue's lot step) with the client id pr_venue_client_id(session, symbol,
 * the fill's bar time, its number among that bar's fills; on a venue with
 * positions, derivatives, every exit is reduce-only). The venue is
 * asked for that id before each send, so a session replayed after a
 * restart finds the orders it sent before and sends none twice. The
 * decisions and the session's books stay the paper broker's (one decision
 * path). The mirror remembers the client ids and venue order ids of the
 * orders it sent or found, and the net quantity they executed, so a
 * session's start can tell its own orders and fills at the venue from
 * others (pr_venue_mirror_knows; the CLI's reconciliation). */
typedef struct pr_venue_mirror pr_venue_mirror;
typedef struct pr_venue_mirror_stats {
    size_t sent;             /* orders placed                                  */
    size_t found;            /* already at the venue (an earlier run sent them) */
    size_t too_small;        /* below the lot step, minQty or minNotional: not sent */
    /* Orders sent whose fills the mirror learned, by how it learned the
     * fill that completed them; fills by where each came from (each venue
     * trade counted once); orders still open or unknown at the end. */
    size_t orders_streamed, orders_polled, fills_streamed, fills_polled, unsettled;
} pr_venue_mirror_stats;

/* symbols[i]: the venue symbol of the paper broker's instrument i (borrowed
 * strings are copied). v is borrowed. */
int pr_venue_mirror_new(pr_venue *v, const char *session, const char *const *symbols, size_t n,
                        pr_venue_mirror **out, pr_err *err);
void pr_venue_mirror_free(pr_venue_mirror *m);
/* A pr_paper_fill_fn; user: the mirror. */
int pr_venue_mirror_fill(void *user, const pr_fill *f, pr_err *err);
/* pr_venue_mirror_fill, saying the client id of the order sent or found
 * for f ("" when none: below the venue's minimums). */
int pr_venue_mirror_send(pr_venue_mirror *m, const pr_fill *f, char *client_id, size_t cap, pr_err *err);
/* Called once with each venue trade the mirror learns of an order it sent
 * or found (market: the paper broker's instrument; client_id: the order's),
 * however it came (stream or polling); a non-zero return fails the call
 * that learned it. A found order's trades are learned too while this is
 * set (a restarted session rebuilds its books from them). NULL fn: none. */
typedef int (*pr_venue_mirror_trade_fn)(void *user, size_t market, const char *client_id, const pr_venue_fill *f,
                                        pr_err *err);
void pr_venue_mirror_on_trade(pr_venue_mirror *m, pr_venue_mirror_trade_fn fn, void *user);
void pr_venue_mirror_get_stats(const pr_venue_mirror *m, pr_venue_mirror_stats *out);
/* 1 when the mirror sent or found, for instrument i, the order of this
 * venue order id (venue_id >= 0) or of this client id (client_id non-NULL). */
int pr_venue_mirror_knows(const pr_venue_mirror *m, size_t i, int64_t venue_id, const char *client_id);
/* Called with each order's market and client id before it is sent (a
 * write-ahead record: a session killed between the send and its next
 * saved state finds at restart which orders it may have sent); an error
 * sends nothing. NULL fn: none. */
typedef int (*pr_venue_mirror_send_fn)(void *user, size_t market, const char *client_id, pr_err *err);
void pr_venue_mirror_on_send(pr_venue_mirror *m, pr_venue_mirror_send_fn fn, void *user);
/* How the mirror learns the fills of the orders it sends: from the venue's
 * user-data stream s (borrowed; NULL: none) while it is live, and by asking
 * the venue (the order by client id, then its trades) for each order when
 * the stream is down or not there, or when the stream has not completed
 * the order within poll_after_ms of its sending (an event lost). Each
 * venue trade reaches the mirror once, however it came. */
void pr_venue_mirror_use_stream(pr_venue_mirror *m, pr_venue_stream *s, int64_t poll_after_ms);
/* Reads what the stream has (up to wait_ms) and polls the orders due. */
int pr_venue_mirror_pump(pr_venue_mirror *m, int wait_ms, pr_err *err);
/* At the end of a session: waits up to timeout_ms for the stream to
 * complete the open orders, then polls the rest. */
int pr_venue_mirror_settle(pr_venue_mirror *m, int64_t timeout_ms, pr_err *err);
/* Protective orders resting at the venue (the venue broker's stops and
 * targets): the client id of the session's order `seq` of step `step` for
 * market i (pr_venue_client_id with the session's name); tracking of such
 * an order placed or found (past: 1 when found, so what it did is asked
 * for at the next pump), whose trades reach on_trade like those of the
 * orders sent, while settling never waits for it to fill; and asking the
 * venue for one tracked order now (its trades learned before the call
 * returns). */
int pr_venue_mirror_client_id(const pr_venue_mirror *m, size_t i, int64_t step, unsigned seq, char *out, size_t cap,
                              pr_err *err);
int pr_venue_mirror_track(pr_venue_mirror *m, size_t i, const pr_venue_order *o, const char *client_id, int past,
                          pr_err *err);
int pr_venue_mirror_poll(pr_venue_mirror *m, const char *client_id, pr_err *err);
/* The next order pr_venue_mirror_send sends (or finds) carries this
 * stop-loss and take-profit on fill (0: none; a PR_VPROTECT_ON_FILL venue:
 * its dependent orders "<client id>-sl" / "-tp"). */
void pr_venue_mirror_attach(pr_venue_mirror *m, double stop_loss, double take_profit);

/* ---- the venue broker ---------------------------------------------------------------- */
/* A live session's broker: the paper broker (owned from here on) keeps
 * deciding and sizing, and says when each order is due (one decision
 * path); each of its fills is sent to the venue through the mirror
 * (pr_venue_mirror_send: a market order under the fill's client id, found
 * rather than sent again after a restart), and the session's books are the
 * venue's trades of those orders: positions, account, equity, the fill
 * records (the paper fill's order, role, bar time and reason, with the
 * venue's price, quantity and commission, the commission in the account
 * currency: paid in the quote at its rate, in the base at the trade's
 * price, in another asset not valued) and the round trips. Each venue
 * trade is booked once, from the user-data stream or polling, and the
 * orders a bar sent are settled (their trades learned, stream_wait first,
 * then asked) before the bar is done, so a restart's replay rebuilds the
 * same books from the venue's record of the same orders. An order below
 * the venue's minimums is not sent and books nothing. */
typedef struct pr_venue_broker_config {
    pr_broker *paper;                /* a paper broker: owned on success      */
    pr_venue_mirror *mirror;         /* borrowed; its trade hook is taken     */
    pr_venue *venue;                 /* borrowed: each market's base / quote  */
    size_t n_markets;
    const pr_market_spec *markets;   /* the paper broker's, in its order      */
    const char *const *symbols;      /* the venue's symbol of each market     */
    double start_cash;
    char ccy[16];                    /* the account currency                  */
    int64_t settle_ms;               /* the stream's wait per bar (0: 5000)   */
    /* 1: a bracket's stop-loss and take-profit rest at the venue as its own
     * orders, as the venue's ops->protect says (PR_VPROTECT_OCO: an OCO
     * list when both work, else a STOP_LOSS_LIMIT or a TAKE_PROFIT_LIMIT,
     * a long position's only; PR_VPROTECT_TRIGGER: a reduce-only
     * STOP_MARKET and TAKE_PROFIT_MARKET), for the position's quantity,
     * under client ids of the session and the bar they were placed at
     * (pr_venue_mirror_client_id, order 500; "-b" the stop, "-a" the
     * target), so a restart's replay finds and adopts them;
     * PR_VPROTECT_ON_FILL: carried by the entry that opens the position
     * (its "-sl" / "-tp" orders), a later change of the bracket cancelling
     * them and leaving it to the paper broker. The paper broker
     * still decides: a guard follows its working stop and its one target
     * that closes the whole position (a trailing or break-even move, a
     * target tier filled there: the guard is cancelled and placed again);
     * any exit it fills cancels the guard first, and what the venue
     * already sold through the guard is booked as the exit (the venue's
     * price, quantity and commission, at the next bar's open) and not sent
     * again: the paper broker is told to close at the next bar's open and
     * that fill sends nothing. A guard the venue refuses (its stop already
     * crossed, a filter) leaves that version to the paper broker's
     * simulation, sent at market when it fires (a target refused after its
     * stop was placed leaves the stop alone). 0: the paper broker's
     * simulation alone, exits sent at market when they fire. */
    int protect;
    double stop_limit_offset;        /* a stop-limit's limit this fraction
                                        beyond its stop (0: 0.005)           */
} pr_venue_broker_config;

typedef struct pr_venue_broker_stats {
    size_t booked;                   /* venue trades booked                   */
    size_t unmatched;                /* trades of no pending fill (not booked) */
    size_t fees_unvalued;            /* commissions in a third asset (BNB)    */
    /* Guards (protect): placed, adopted from an earlier run, their venue
     * trades booked, cancelled, cancels that found a leg already traded or
     * gone (a race: booked as the venue did it), refused by the venue or
     * its filters, paper exits absorbed by the venue's earlier sale. */
    size_t protect_placed, protect_adopted, protect_filled, protect_cancelled, protect_races, protect_refused,
        protect_absorbed;
    char refusal[256];               /* the last refusal, with its order id    */
    char race[256];                  /* the last race, likewise               */
} pr_venue_broker_stats;

int pr_venue_broker_new(const pr_venue_broker_config *cfg, pr_broker **out, pr_err *err);
int pr_venue_broker_is(const pr_broker *b);
/* The paper broker inside (NULL when b is no venue broker). */
pr_broker *pr_venue_broker_paper(pr_broker *b);
/* The round trips booked so far (as pr_paper_trades). */
const pr_trade *pr_venue_broker_trades(const pr_broker *b, size_t *n);
void pr_venue_broker_get_stats(const pr_broker *b, pr_venue_broker_stats *out);

/* Replaces the runner's broker with b, which wraps the one it had (a venue
 * broker made from pr_runner_broker's paper broker): before the first event. */
int pr_runner_use_broker(pr_runner *r, pr_broker *b, pr_err *err);

/* The session so far in the backtest's terms (engine/backtest.h), so the
 * backtest's writers write its trades, equity curve, metrics and logs:
 * closed trades, positions still open, fills, one equity point per traded
 * step, the pipeline's counts and the rejections. Hands the fill and trade
 * records over (call it once, at the end of the session); free res with
 * pr_backtest_result_free. */
int pr_runner_result(pr_runner *r, pr_backtest_result *res, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
