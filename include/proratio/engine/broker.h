/* Part of engine.h: costs, margin and funding settings, orders, fills,
 * trades, positions, the broker interface (pr_broker vtable) and the
 * simulated broker that fills orders against bars. */
#ifndef PRORATIO_ENGINE_BROKER_H
#define PRORATIO_ENGINE_BROKER_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Costs, margin, funding                                                    */
/* ------------------------------------------------------------------------ */
typedef struct pr_costs {
    double taker_fee;            /* fraction of notional: market and stop fills    */
    double maker_fee;            /* fraction of notional: limit fills              */
    double slippage;             /* fraction of price, adverse: market/stop fills  */
    double spread_pips;          /* full bid-ask spread in pips (forex)            */
    double spread_frac;          /* full spread as a fraction of price (others)    */
    double commission_per_100k;  /* account currency per 100,000 base units, per side */
    double commission_per_share; /* quote currency per unit, per side              */
    double commission_min;       /* minimum per fill when commission_per_share > 0 */
    double sell_fee_rate;        /* fraction of sell notional (SEC section 31 style) */
    double sell_fee_per_share;   /* per unit sold (FINRA TAF style)                */
    double sell_fee_max;         /* cap of sell_fee_per_share per fill (0: none)   */
    /* The commission's schedule (fee_model.h), borrowed; NULL: flat, the
     * rates above. */
    const struct pr_fee_schedule *schedule;
} pr_costs;

/* Defaults per asset class (DESIGN "Costs are always on"):
 *   crypto: taker 0.1%, maker 0.1%, slippage 0.2% at market;
 *   forex:  spread 1 pip, no commission, no slippage;
 *   stocks: no commission, SEC fee 0.00278% of sells, FINRA TAF 0.000166 per
 *           share sold (max 8.30), slippage 0.05%;
 *   future: taker 0.05%, maker 0.02%, slippage 0.05%. */
void pr_costs_default(pr_asset_class cls, pr_costs *out);

typedef struct pr_margin {
    double leverage;         /* initial margin = notional / leverage (>= 1)         */
    double maintenance;      /* maintenance margin, fraction of notional; 0: never
                                liquidated                                         */
    double liquidation_fee;  /* fraction of notional charged on liquidation          */
    int no_short;            /* 1: short entries are rejected (spot)                 */
} pr_margin;

void pr_margin_default(pr_margin *out);  /* leverage 1, no maintenance, shorts allowed */

/* Perpetual funding. A position held at a funding time pays
 * qty * mark * rate (long pays when rate > 0, short receives). */
typedef struct pr_funding {
    int perpetual;           /* 0: no funding                                       */
    const int64_t *ts;       /* funding times (ms), increasing; borrowed             */
    const double *rate;      /* rates (fractions) at those times                     */
    size_t n;                /* 0: use `rate_default` every `interval_ms`            */
    double rate_default;     /* per funding interval                                 */
    int64_t interval_ms;     /* 0: 8 hours (00:00, 08:00, 16:00 UTC)                 */
} pr_funding;

/* Funding times without a rate, first..last on the grid of interval_ms
 * (n of them, consecutive). */
typedef struct pr_funding_gap {
    int64_t first, last;
    size_t n;
} pr_funding_gap;

/* The funding times in [from, to) (multiples of fd's interval, 8 h by
 * default) that fd's series does not cover, i.e. that have no rate within
 * half an interval, as spans of consecutive times: the first `cap` spans
 * into out, their number into *n_spans and the number of uncovered times
 * into *n_missing (either may be NULL). A series of n = 0 covers nothing. */
int pr_funding_gaps(const pr_funding *fd, int64_t from, int64_t to, pr_funding_gap *out, size_t cap,
                    size_t *n_spans, size_t *n_missing);
/* fd's series with `rate` added at each uncovered funding time in
 * [from, to), in time order (*ts and *rates malloc'd: free() them). */
int pr_funding_fill(const pr_funding *fd, int64_t from, int64_t to, double rate, int64_t **ts, double **rates,
                    size_t *n, pr_err *err);

/* Everything the simulated broker knows about one instrument. */
typedef struct pr_market_spec {
    pr_instrument inst;      /* tick_size / lot_step 0: no grid for that quantity */
    pr_costs costs;
    pr_margin margin;
    pr_funding funding;
    /* Quote -> account currency. 0: 1 when the quote currency is the account
     * currency; else the inverse of this instrument's own price when its base
     * is the account currency (USD account, USDJPY); else the price of another
     * instrument of the run that pairs the two currencies. */
    double fx_rate;
} pr_market_spec;

/* The market's stored funding rates as the market view shows them to a
 * strategy (pr_view_funding); n 0 without a series (no funding, or a
 * constant rate). The arrays stay the spec's. */
static inline pr_view_events pr_market_funding_events(const pr_market_spec *m) {
    pr_view_events e = {NULL, NULL, 0};
    if (m->funding.perpetual && m->funding.n > 0) e = (pr_view_events){m->funding.ts, m->funding.rate, m->funding.n};
    return e;
}

/* Fills in defaults for a symbol of a class (pr_instrument_default, costs,
 * margin). */
int pr_market_spec_default(const char *symbol, pr_asset_class cls, pr_market_spec *out,
                           pr_err *err);

/* ------------------------------------------------------------------------ */
/* Orders                                                                    */
/* ------------------------------------------------------------------------ */
typedef enum pr_order_type {
    PR_ORDER_MARKET = 0,     /* next open                                        */
    PR_ORDER_LIMIT,          /* at the limit or better                            */
    PR_ORDER_STOP,           /* market once the stop trades                       */
    PR_ORDER_STOP_LIMIT      /* limit once the stop trades                        */
} pr_order_type;

typedef enum pr_qty_mode {
    PR_QTY_UNITS = 0,        /* qty is the quantity in base units                */
    PR_QTY_NOTIONAL,         /* qty is the position notional, account currency    */
    PR_QTY_CASH,             /* qty is the account money to commit: initial margin
                                plus fees (all-cash sizing: cash/(price*(1+fee)))  */
    PR_QTY_RISK,             /* qty is the account money lost if stop_price trades */
    PR_QTY_CLOSE,            /* the whole position at fill time (reduce-only)      */
    PR_QTY_PARENT_FRAC       /* qty is a fraction of the parent's filled quantity  */
} pr_qty_mode;

/* Why an order exists; recorded on fills and trades. */
typedef enum pr_order_role {
    PR_ROLE_ENTRY = 0, PR_ROLE_EXIT, PR_ROLE_STOP, PR_ROLE_TARGET, PR_ROLE_TRAIL,
    PR_ROLE_BREAKEVEN, PR_ROLE_TIME, PR_ROLE_LIQUIDATION, PR_ROLE_END
} pr_order_role;

typedef enum pr_order_status {
    PR_OS_NEW = 0,           /* not yet submitted                                */
    PR_OS_WAITING,           /* child waiting for its parent to fill              */
    PR_OS_ACTIVE,            /* working at the broker                             */
    PR_OS_FILLED,
    PR_OS_CANCELLED,
    PR_OS_REJECTED
} pr_order_status;

const char *pr_order_type_name(pr_order_type t);
const char *pr_order_role_name(pr_order_role r);
const char *pr_order_status_name(pr_order_status s);

typedef struct pr_order {
    uint64_t id;             /* assigned by the broker on submit                 */
    int instrument;
    int side;                /* +1 buy, -1 sell                                   */
    pr_order_type type;
    pr_order_role role;
    pr_qty_mode qty_mode;
    double qty;              /* meaning given by qty_mode                         */
    double limit_price;      /* LIMIT, STOP_LIMIT                                 */
    double stop_price;       /* STOP, STOP_LIMIT; the stop for PR_QTY_RISK         */
    int reduce_only;         /* never increases |position|; cancelled when flat    */
    uint64_t parent;         /* activated when this order fills (0: none)          */
    uint32_t oco;            /* orders sharing a non-zero group: a fill cancels the rest */
    int64_t expire;          /* cancelled at bars opening at or after this (0: GTC) */
    char tag[PR_SIGNAL_TAG_MAX];
    pr_reason why;
    /* Set by the broker. */
    pr_order_status status;
    int64_t submitted;       /* decision time; fills only in bars opening >= it    */
    double filled_qty, avg_price;
    int triggered;           /* STOP_LIMIT whose stop has traded                   */
    const char *reject;      /* static text when rejected                          */
} pr_order;

/* Orders a broker rejected for one reason (pr_order.reject, a static text). */
typedef struct pr_reject_count {
    const char *reason;
    size_t n;
} pr_reject_count;

/* A zeroed order with the given basics. */
void pr_order_init(pr_order *o, int instrument, int side, pr_order_type type, pr_order_role role);

typedef struct pr_fill {
    uint64_t order_id;
    int instrument;
    int side;                /* +1 buy, -1 sell                                   */
    pr_order_role role;
    int maker;               /* 1: limit fill (maker fee, no slippage)             */
    int64_t ts;              /* open time of the (finest) bar it filled in         */
    double qty;
    double price;            /* after spread and slippage, quote currency          */
    double ref_price;        /* before them: the open, stop or limit price         */
    double fee;              /* account currency                                  */
    double spread_cost, slippage_cost;  /* account currency                        */
    double fx;               /* quote -> account rate used                         */
    double realized;         /* gross P&L this fill realised, account currency     */
} pr_fill;

/* One round trip: from flat to flat on one instrument. */
typedef struct pr_trade {
    int instrument;
    int side;                /* +1 long, -1 short                                 */
    int64_t entry_ts, exit_ts;  /* exit_ts PR_TIME_NONE while open                 */
    double entry_price, exit_price;   /* quantity-weighted fill prices            */
    double size;             /* total quantity entered                            */
    double fees, spread_cost, slippage_cost;  /* account currency                  */
    double funding;          /* account currency, > 0 paid                         */
    double gross_pnl;        /* price P&L of the fills, account currency           */
    double pnl;              /* gross_pnl - fees - funding                          */
    double entry_notional;   /* account currency, at entry                          */
    double risk;             /* account money at stake between the entry and the
                                first protective stop (0: no stop); pnl / risk is
                                the trade's R multiple                               */
    int n_fills;
    pr_order_role exit_role;
    char tag[PR_SIGNAL_TAG_MAX];
    pr_reason entry_why, exit_why;
} pr_trade;

typedef struct pr_position {
    int instrument;
    double qty;              /* signed: > 0 long                                  */
    double avg_price;        /* quote currency                                    */
    int64_t entry_ts;        /* first fill of the open trade (PR_TIME_NONE flat)   */
    double mark;             /* last price seen                                    */
    double unrealized;       /* account currency                                  */
} pr_position;

typedef struct pr_account {
    char ccy[16];
    double balance;          /* margin balance: start + realised - fees - funding
                                (buying outright does not lower it; see cash)   */
    double cash;             /* balance - cost of positions bought outright (spot
                                crypto, stocks; + proceeds of shorts sold so)    */
    double unrealized;
    double equity;           /* balance + unrealized                              */
    double used_margin;      /* initial margin of open positions                  */
    double available;        /* equity - used_margin                              */
    double gross_exposure;   /* sum |qty * mark| in account currency              */
} pr_account;

/* ------------------------------------------------------------------------ */
/* Broker interface: the simulated, paper and live brokers implement it.     */
/* ------------------------------------------------------------------------ */
typedef struct pr_broker pr_broker;
typedef struct pr_equity_band pr_equity_band;

/* The account at the current marks, as a bar-driven broker keeps it for the
 * equity curve: equity (balance + open P&L), the margin balance, cash (the
 * balance less what positions bought outright cost, plus what shorts sold
 * outright brought in, at the current rate), initial margin in use, gross
 * exposure and the costs paid so far (fees, spread, slippage, funding);
 * account currency. */
typedef struct pr_broker_snapshot {
    double equity, balance, cash, margin_used, gross, costs;
} pr_broker_snapshot;

typedef struct pr_broker_vt {
    const char *name;
    /* Validates, rounds prices to the tick and quantities to the lot, assigns
     * o->id and o->status (ACTIVE, WAITING or REJECTED with o->reject). A
     * rejection is not an error: the call returns 0. `now` is the decision
     * time. */
    int (*submit)(pr_broker *b, pr_order *o, int64_t now, pr_err *err);
    int (*cancel)(pr_broker *b, uint64_t id, pr_err *err);
    /* New limit/stop prices (0 keeps the current one); role and reason are
     * replaced when not NULL (a stop that became a trailing stop). */
    int (*amend)(pr_broker *b, uint64_t id, double limit_price, double stop_price,
                 const pr_order_role *role, const pr_reason *why, pr_err *err);
    int (*get_order)(pr_broker *b, uint64_t id, pr_order *out);
    int (*get_position)(pr_broker *b, int instrument, pr_position *out);
    int (*get_account)(pr_broker *b, pr_account *out);
    void (*destroy)(pr_broker *b);
    /* A count the broker raises whenever an order it accepted changes
     * status, filled quantity or average price (fills, cancellations,
     * rejections, activations), valid for the broker's lifetime; NULL (or
     * no entry) where it keeps none. A caller that finds the count it saw
     * at its last look has nothing new to look at: the pipeline looks at
     * its working orders only then, not at every bar, so orders resting
     * for many bars cost nothing. */
    const uint64_t *(*changes)(const pr_broker *b);

    /* A broker driven by bars (the simulated one; a paper broker fed bars
     * by a venue) has these too; NULL where it has none. pr_broker_* below
     * call them, checking. */
    /* Feeds one closed bar of an instrument (see pr_sim_process_bar); when
     * `after` is not NULL, the account after it (as `snapshot` gives; one
     * call per bar for a run of one instrument). */
    int (*process_bar)(pr_broker *b, int instrument, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                       size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err);
    /* A bar closing at `close` that can only move the instrument's mark (no
     * working orders, no funding or liquidation to check): marks it, fills
     * *after (when not NULL) as process_bar would and returns 1. Otherwise
     * returns 0 and changes nothing: the bar goes to process_bar (with the
     * finer bars the caller gathers only then). Most bars of a run are such
     * bars, and this call is kept cheap for them. */
    int (*idle_bar)(pr_broker *b, int instrument, double close, pr_broker_snapshot *after);
    /* Marks the instrument at price without trading. */
    void (*mark)(pr_broker *b, int instrument, double price);
    /* The account at the current marks, without building a pr_account. */
    void (*snapshot)(const pr_broker *b, pr_broker_snapshot *out);
    /* Room for this many orders, fills and trades before the record arrays
     * grow; the records' counts; handing them over (see pr_broker_take_records). */
    int (*reserve)(pr_broker *b, size_t orders, size_t fills, size_t trades);
    void (*record_counts)(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades);
    void (*take_records)(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades);
    /* The open trade of an instrument (PR_ENOTFOUND when flat). */
    int (*open_trade)(const pr_broker *b, int instrument, pr_trade *out);
    /* Positions liquidated so far. */
    size_t (*liquidations)(const pr_broker *b);
    /* The cost settings an instrument trades with (borrowed, valid for the
     * broker's lifetime); NULL (or no entry) where the broker knows none.
     * The risk stage's cost filter reads them. */
    const pr_costs *(*costs)(const pr_broker *b, int instrument);
    /* Optional: the equity get_account would report, bit for bit, without
     * the rest of the account (a sizer's per-step hook reads only this). */
    double (*equity)(const pr_broker *b);
    /* Optional: 1 when `equity` is certainly inside (lo, hi] for as long as
     * *out holds (pr_equity_band_holds), 0 when the broker cannot say so
     * (several positions, a mark converted through another price, ...). */
    int (*equity_band)(const pr_broker *b, double lo, double hi, pr_equity_band *out);
} pr_broker_vt;

/* Where the equity stays inside an interval, as the broker's own numbers
 * show it: while its version (a count of everything that changes the
 * balance or a position: fills, funding) keeps its value and the one open
 * position's mark (none: mark NULL, the equity is the balance) is inside
 * (lo, hi]. The band is narrower than the exact one by far more than the
 * equity's rounding, so a mark inside it leaves no doubt. The pipeline
 * reads it at every step its sizer found quiet. */
struct pr_equity_band {
    const double *mark;
    double lo, hi;
    const uint64_t *version;
    uint64_t version_at;
};

static inline int pr_equity_band_holds(const pr_equity_band *q) {
    return *q->version == q->version_at && (!q->mark || (*q->mark > q->lo && *q->mark <= q->hi));
}

struct pr_broker {
    const pr_broker_vt *vt;
};

void pr_broker_free(pr_broker *b);

/* The bar-driven operations through b's vtable: PR_EINVAL (with err) or
 * nothing where b lacks them. pr_broker_idle_bar is 0 for a broker without
 * `idle_bar` (every bar goes to process_bar); pr_broker_snapshot_get gives NaNs
 * without `snapshot`; pr_broker_take_records hands over the fill and trade
 * records (released through the allocator the broker was made with, or
 * free()d), leaving the broker's lists empty. */
int pr_broker_process_bar(pr_broker *b, int instrument, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine,
                          size_t n_fine, int64_t fine_ms, pr_broker_snapshot *after, pr_err *err);
int pr_broker_idle_bar(pr_broker *b, int instrument, double close, pr_broker_snapshot *after);
void pr_broker_mark(pr_broker *b, int instrument, double price);
void pr_broker_snapshot_get(const pr_broker *b, pr_broker_snapshot *out);
int pr_broker_reserve(pr_broker *b, size_t orders, size_t fills, size_t trades);
void pr_broker_record_counts(const pr_broker *b, size_t *orders, size_t *fills, size_t *trades);
void pr_broker_take_records(pr_broker *b, pr_fill **fills, size_t *n_fills, pr_trade **trades, size_t *n_trades);
int pr_broker_open_trade(const pr_broker *b, int instrument, pr_trade *out);
size_t pr_broker_liquidations(const pr_broker *b);

/* ------------------------------------------------------------------------ */
/* Simulated broker                                                          */
/* ------------------------------------------------------------------------ */
typedef struct pr_sim_config {
    double start_cash;       /* account currency                                 */
    char ccy[16];            /* account currency ("USD", "USDT")                  */
    size_t n_markets;
    const pr_market_spec *markets;  /* copied                                     */
    const pr_allocator *alloc;      /* for the order and record arrays; NULL:
                                       malloc/free; must outlive the broker        */
} pr_sim_config;

int pr_sim_new(const pr_sim_config *cfg, pr_broker **out, pr_err *err);

/* Feeds one bar of instrument `inst` (open time bar->ts, length bar_ms):
 *  1. at the open: orders submitted before it fill (market at the open; a
 *     stop gapped through or a limit already marketable fill at the open);
 *     funding due at the open is charged on the position after that
 *     (funding due in a gap of the data before the bar, on the position
 *     held across the gap, at the bar's open, before its fills);
 *  2. inside the bar: protective stops before take-profits (the worse case),
 *     then entry stops and limits (stop at its price, limit at its limit;
 *     a stop triggers when the ask (buy) or bid (sell) trades it and fills
 *     there plus slippage, so the spread is paid once);
 *     a stop attached to an entry filled inside the bar is checked against
 *     the rest of the bar, its take-profits from the next bar on;
 *  3. liquidation at the adverse extreme; marks at the close.
 * When `fine` (n_fine bars of length fine_ms covering exactly the bar) is
 * given, steps 1-3 run on each finer bar in turn instead, which resolves
 * bars that touch both a stop and a target; market orders still fill at the
 * bar's open. Incomplete finer coverage falls back to the bar itself.
 * A (finer) bar with funding times inside it (series times to the nearest
 * minute) is cut at each: steps 1-3 run on each part, so every funding is
 * charged on the position held at its time, at the price then. The parts'
 * prices are the bar's, walked open -> extreme against the position (low
 * first for a long, high for a short; flat: low first on a rising bar) ->
 * other extreme -> close at constant speed; fills in them keep the bar's
 * open time. Volume is not used. */
int pr_sim_process_bar(pr_broker *b, int inst, const pr_bar *bar, int64_t bar_ms,
                       const pr_bar *fine, size_t n_fine, int64_t fine_ms, pr_err *err);
/* Marks inst at price without trading (e.g. the last close). */
int pr_sim_mark(pr_broker *b, int inst, double price);

/* Records so far (owned by the broker, valid until the next call). */
const pr_fill *pr_sim_fills(const pr_broker *b, size_t *n);
const pr_trade *pr_sim_trades(const pr_broker *b, size_t *n);
/* The open trade of inst (PR_ENOTFOUND when flat). */
int pr_sim_open_trade(const pr_broker *b, int inst, pr_trade *out);
size_t pr_sim_liquidations(const pr_broker *b);
/* Equity, balance, gross exposure and the costs paid so far (fees, spread,
 * slippage, funding; account currency) in O(instruments), without building
 * a pr_account; any pointer may be NULL. */
void pr_sim_snapshot(const pr_broker *b, double *equity, double *balance, double *gross, double *costs);
/* Number of orders not yet filled, cancelled or rejected. */
size_t pr_sim_open_orders(const pr_broker *b);

#ifdef __cplusplus
}
#endif
#endif
