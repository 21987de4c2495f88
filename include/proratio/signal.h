/* Public interface of the signal module: the strategy interface (pr_strategy
 * vtable), the signals strategies emit (pr_signal), the market view through
 * which a strategy sees only the past (pr_market_view, in signal/view.h,
 * with the time model: nothing is visible before its close) and the
 * built-in strategies. */
#ifndef PRORATIO_SIGNAL_H
#define PRORATIO_SIGNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal/view.h"
#include "proratio/signal/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Signals                                                                   */
/* ------------------------------------------------------------------------ */
typedef enum pr_signal_kind {
    PR_SIG_NONE = 0,
    PR_SIG_ENTER_LONG,   /* open (or reverse into) a long position          */
    PR_SIG_ENTER_SHORT,  /* open (or reverse into) a short position         */
    PR_SIG_EXIT,         /* close exit_frac of the position (0 or 1: all)    */
    PR_SIG_ADJUST        /* change stop / targets / trailing of the position */
} pr_signal_kind;

const char *pr_signal_kind_name(pr_signal_kind k);

/* An AI confirmation's verdict on an entry, as the signal carries it. */
typedef enum pr_signal_verdict {
    PR_SIG_VERDICT_NONE = 0, /* no verdict (no AI stage, or it fell back)      */
    PR_SIG_VERDICT_APPROVE,
    PR_SIG_VERDICT_REDUCE,   /* REDUCE_SIZE                                    */
    PR_SIG_VERDICT_REJECT
} pr_signal_verdict;

#define PR_SIGNAL_MAX_TARGETS 4
#define PR_SIGNAL_MAX_LEVELS 8   /* LLM levels a signal carries */
#define PR_SIGNAL_TAG_MAX 24

/* A human-readable reason kept unformatted until someone reads it (a backtest
 * over millions of bars must not spend its time in snprintf): `fmt` is a
 * string with static storage duration holding at most four double
 * conversions (%g, %.2f, ...) and no other conversions; args fill them. */
typedef struct pr_reason {
    const char *fmt;         /* NULL: no reason */
    double args[4];
} pr_reason;

/* Renders a reason ("" when fmt is NULL); returns the length written. */
size_t pr_reason_format(const pr_reason *r, char *buf, size_t cap);

/* A strategy's request. Prices are absolute prices of the instrument's quote
 * currency; 0 means "not set" for every optional price and parameter. */
typedef struct pr_signal {
    pr_signal_kind kind;
    int instrument;          /* index into the view's instruments           */
    int64_t ts;              /* decision time (bar close), set by the engine */
    /* Entry order: market at the next open unless one of these is set. */
    double entry_limit;      /* limit entry (buy at or below / sell at or above) */
    double entry_stop;       /* stop entry (breakout); with entry_limit: stop-limit */
    /* Exits attached to the entry (bracket). */
    double stop;             /* protective stop price                        */
    int n_targets;           /* tiered take-profits                          */
    double target_price[PR_SIGNAL_MAX_TARGETS];
    double target_frac[PR_SIGNAL_MAX_TARGETS];  /* fractions of the entry size; a
                                remainder (1 - sum) stays until stop or exit */
    double trail_frac;       /* trailing stop at this fraction from the best price
                                since entry, moved at each bar close (the best
                                price counts later bars' highs/lows and the entry
                                bar's close only, which may predate the fill)    */
    double trail_dist;       /* trailing stop at this price distance            */
    double breakeven_gain;   /* move the stop to the entry price once the best
                                price is this fraction beyond it               */
    int max_bars;            /* time stop: exit after this many closed bars    */
    /* Size and conviction. */
    double size_hint;        /* scales the sizer's result, (0,1]; 0 = 1         */
    double exit_frac;        /* EXIT: fraction of the position to close; 0 = all */
    double confidence;       /* [0,1]; pr_signal_list_add sets 1                */
    char tag[PR_SIGNAL_TAG_MAX];
    pr_reason why;           /* human-readable: why this signal              */
    /* What confirmation stages concluded, as plain values the risk stage's
     * multipliers read (risk may not include the stages' headers). Zero:
     * not reported. */
    pr_signal_verdict verdict;   /* the AI verdict on this entry             */
    double verdict_confidence;   /* its confidence, [0,1]                    */
    int mtf_known;           /* 1: mtf_align was reported                      */
    double mtf_align;        /* fraction of timeframes agreeing with the side  */
    /* The LLM `levels` verdict on this entry (support, resistance and
     * psychological levels, in the instrument's prices), for the risk
     * stage's level stops; 0 levels: none asked or none answered. */
    int n_llm_levels;
    double llm_level[PR_SIGNAL_MAX_LEVELS];
    /* ENTER on the side already held: 1 adds to the position (scale in: a
     * grid's next lot), sized by the sizer and size_hint like any entry;
     * 0 ignores it. An add keeps the position's stop, trail and time stop
     * unless it brings management of its own; its bracket orders, if any,
     * are placed as any entry's. A partial EXIT (exit_frac) scales out. */
    int scale_in;
} pr_signal;

/* Caller-owned, fixed-capacity list a strategy appends to (no allocation). */
typedef struct pr_signal_list {
    pr_signal *items;
    size_t n, cap;
} pr_signal_list;

void pr_signal_list_init(pr_signal_list *l, pr_signal *storage, size_t cap);
/* Appends a zeroed signal of `kind` for `instrument` with confidence 1;
 * NULL when the list is full. */
pr_signal *pr_signal_list_add(pr_signal_list *l, pr_signal_kind kind, int instrument);
/* Sets sig->why (see pr_reason for what fmt may contain). */
void pr_signal_why(pr_signal *sig, const char *fmt, double a0, double a1, double a2, double a3);
/* Sets sig->tag (truncates). */
void pr_signal_tag(pr_signal *sig, const char *tag);

/* ------------------------------------------------------------------------ */
/* Portfolio: what the strategy holds, as of the bar's close                  */
/* ------------------------------------------------------------------------ */
/* Why an order exists, as a strategy sees it (the engine's order roles, one
 * for one). */
typedef enum pr_fill_cause {
    PR_CAUSE_ENTRY = 0,      /* an entry of the strategy                          */
    PR_CAUSE_EXIT,           /* an exit or reversal signal of the strategy         */
    PR_CAUSE_STOP,           /* the protective stop                               */
    PR_CAUSE_TARGET,         /* a take-profit                                     */
    PR_CAUSE_TRAIL,          /* the trailing stop                                 */
    PR_CAUSE_BREAKEVEN,      /* the stop moved to break-even                      */
    PR_CAUSE_TIME,           /* the time stop                                     */
    PR_CAUSE_LIQUIDATION,    /* the broker liquidated the position                */
    PR_CAUSE_END             /* the run ended                                     */
} pr_fill_cause;

const char *pr_fill_cause_name(pr_fill_cause c);

/* The position of one instrument (all zero and entry_ts PR_TIME_NONE when
 * flat). */
typedef struct pr_holding {
    double qty;              /* signed: > 0 long                                  */
    double avg_price;        /* quote currency                                    */
    int64_t entry_ts;        /* first fill of the open position                   */
} pr_holding;

/* An order of the strategy still working at the broker. */
typedef struct pr_working_order {
    uint64_t id;
    int instrument;
    int side;                /* +1 buy, -1 sell                                   */
    pr_fill_cause cause;
    int waiting;             /* 1: a bracket child waiting for its entry to fill  */
    double limit_price, stop_price;   /* 0: none                               */
    double filled_qty;
} pr_working_order;

/* One fill of an order of the strategy. */
typedef struct pr_fill_info {
    uint64_t order_id;
    int instrument;
    int side;                /* +1 buy, -1 sell                                   */
    pr_fill_cause cause;
    int64_t seen;            /* decision time at which the runner saw it          */
    double qty;              /* units filled (> 0)                                */
    double price;            /* average price of those units                      */
} pr_fill_info;

/* The runner's side of the snapshot (the pipeline implements it over its
 * broker): read lazily, so a strategy that never asks costs nothing. Every
 * callback reflects the broker as of the current decision step, i.e. all
 * fills up to the close of the bar being decided on. */
typedef struct pr_portfolio {
    void *self;
    int (*holding)(void *self, int inst, pr_holding *out);
    /* Up to cap working orders of inst into out; returns how many exist. */
    size_t (*orders)(void *self, int inst, pr_working_order *out, size_t cap);
    /* The latest fills of inst, oldest first (up to cap; the runner keeps a
     * few); returns how many were written. */
    size_t (*fills)(void *self, int inst, pr_fill_info *out, size_t cap);
} pr_portfolio;

/* Runner side: attaches a portfolio (borrowed, NULL detaches). A view with
 * none reports every instrument flat, without orders or fills. */
void pr_view_set_portfolio(pr_market_view *v, const pr_portfolio *pf);
const pr_portfolio *pr_view_portfolio(const pr_market_view *v);
/* Strategy side. */
int pr_view_holding(const pr_market_view *v, int inst, pr_holding *out);
/* +1 long, -1 short, 0 flat. */
int pr_view_side(const pr_market_view *v, int inst);
size_t pr_view_open_orders(const pr_market_view *v, int inst, pr_working_order *out, size_t cap);
size_t pr_view_last_fills(const pr_market_view *v, int inst, pr_fill_info *out, size_t cap);

/* ------------------------------------------------------------------------ */
/* Events: what became of the strategy's signals and orders                  */
/* ------------------------------------------------------------------------ */
typedef enum pr_event_kind {
    PR_EV_FILL = 1,          /* an order filled (in part); stop and target exits
                                are fills with that cause                          */
    PR_EV_REJECTED,          /* a signal or order was refused (stage, reason)      */
    PR_EV_CANCELLED          /* a working order was cancelled (a bracket child once
                                the position closed, an entry replaced, ...)      */
} pr_event_kind;

const char *pr_event_kind_name(pr_event_kind k);

typedef struct pr_strategy_event {
    pr_event_kind kind;
    int instrument;
    int64_t ts;              /* decision time at which it happened or was seen    */
    pr_signal_kind signal;   /* REJECTED of a signal: its kind; else NONE          */
    pr_fill_cause cause;     /* the order's purpose (FILL, CANCELLED, an order's
                                REJECTED)                                          */
    uint64_t order_id;       /* 0: a signal that made no order                     */
    int side;                /* +1 buy, -1 sell (0 for a signal)                   */
    double qty, price;       /* FILL: units and their average price                */
    /* REJECTED: where and why. `stage` is the confirmation stage's name (an
     * "llm" veto), "sizer" (sized to 0) or "broker" (its reject text in
     * reason); static strings, valid for the run. */
    const char *stage;
    const char *reason;
    char tag[PR_SIGNAL_TAG_MAX];
} pr_strategy_event;

/* ------------------------------------------------------------------------ */
/* Strategy interface                                                        */
/* ------------------------------------------------------------------------ */
typedef struct pr_strategy pr_strategy;

typedef struct pr_strategy_vt {
    const char *name;
    /* Declares needs on the view (timeframes, indicators, warmup) and checks
     * the instruments it was given (pr_view_n_instruments / _instrument). */
    int (*init)(pr_strategy *s, pr_market_view *v, pr_err *err);
    /* Called once per decision step, after bars closed; appends signals. */
    int (*on_bar)(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err);
    /* One line describing the parameters ("fast=10 slow=30"). */
    size_t (*describe)(const pr_strategy *s, char *buf, size_t cap);
    void (*destroy)(pr_strategy *s);
    /* Optional (may be NULL): after a run, why the strategy could emit few
     * or no signals for a structural reason of the data it saw (a component
     * that cannot score without volume, ...); writes "" (returns 0) when
     * there is nothing to say. The runner shows it to the user. */
    size_t (*explain)(const pr_strategy *s, char *buf, size_t cap);
    /* Optional: told what became of its signals and orders, in order, at the
     * step they happen (a veto or a rejection at submission right after the
     * on_bar that emitted the signal; fills, cancellations and rejections
     * at fill before the on_bar of the step that first sees them). What the
     * strategy holds it reads from the view (pr_view_holding); events are
     * for what a position cannot say (why an entry never happened). */
    int (*on_event)(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err);
} pr_strategy_vt;

/* Every strategy object starts with this header; its state lives in the
 * object that embeds it (no globals), so two instances never interfere. */
struct pr_strategy {
    const pr_strategy_vt *vt;
};

void pr_strategy_free(pr_strategy *s);
/* A strategy object of `size` bytes (zeroed; its pr_strategy header first)
 * with vt set and the parameter struct `params` (params_size bytes) copied
 * to offset params_at: a strategy row's create in one line,
 *   return pr_strategy_alloc(sizeof(my), &k_vt, offsetof(my, p), pv, sizeof(my_params), out, err); */
int pr_strategy_alloc(size_t size, const pr_strategy_vt *vt, size_t params_at, const void *params, size_t params_size,
                      pr_strategy **out, pr_err *err);

/* ---- parameter tables --------------------------------------------------
 * A strategy declares its parameters once, as rows of a pr_param_def table
 * in its pr_strategy_info; one shared reader validates a configuration
 * against it (unknown keys, types, ranges, then the strategy's own
 * cross-parameter check, every error naming the full key path such as
 * "strategy.params.fast"), `proratio strategy show NAME` prints it, the
 * README documents it (a test checks every row appears there) and an
 * optimiser takes its default search space from it. */
typedef enum pr_param_type {
    PR_PARAM_INT = 0,        /* int field                                          */
    PR_PARAM_NUMBER,         /* double field                                       */
    PR_PARAM_BOOL,           /* int field, 0 or 1                                  */
    PR_PARAM_LIST,           /* double[cap] field (cap 0: PR_SIGNAL_MAX_TARGETS), its
                                length in the int at aux_offset                    */
    PR_PARAM_TIMEFRAME,      /* pr_timeframe field: "auto" (PR_TF_NONE), "off" (the
                                int at aux_offset set to 1) or a timeframe          */
    PR_PARAM_CHOICE,         /* int field: the index in `choices` of the name given;
                                def is the default's index                          */
    PR_PARAM_STRING          /* const char * field borrowed from the configuration
                                (valid while it lives; NULL: not given)            */
} pr_param_type;

const char *pr_param_type_name(pr_param_type t);

/* The longest list a table may declare (pr_param_def.cap). */
#define PR_PARAM_LIST_MAX 32

typedef struct pr_param_def {
    const char *name;        /* the configuration key                              */
    pr_param_type type;
    size_t offset;           /* of the field in the strategy's parameter struct    */
    size_t aux_offset;       /* LIST: its length (int); TIMEFRAME: the "off" flag   */
    double def;              /* INT, NUMBER, BOOL: the default                      */
    double min, max;         /* accepted values (LIST: each element)                */
    int open;                /* 1: (min,max), 0: [min,max]                           */
    const double *def_list;  /* LIST: the default elements (def_n of them)         */
    int def_n;
    const char *pair;        /* LIST: the list this one runs alongside (same length,
                                given together; several may pair with one); NULL:
                                none                                                */
    int cap;                 /* LIST: most elements (0: PR_SIGNAL_MAX_TARGETS; at most
                                PR_PARAM_LIST_MAX)                                  */
    /* Default optimisation range (opt_step 0: not searched by default). */
    double opt_min, opt_max, opt_step;
    const char *desc;
    const char *const *choices;  /* CHOICE: the accepted names, NULL-terminated      */
} pr_param_def;

/* Everything the registry knows about a strategy: one row per strategy. */
typedef struct pr_strategy_info {
    const char *name;
    const char *summary;     /* one line                                           */
    const pr_param_def *params;
    size_t n_params;
    size_t size;             /* of its parameter struct                            */
    /* Checks across parameters after the table's ranges; on failure writes
     * the parameter to blame into *what and a message (NULL: none). */
    int (*check)(const void *p, const char **what, char *msg, size_t cap);
    int (*create)(const void *p, pr_strategy **out, pr_err *err);
} pr_strategy_info;

/* The table of a built-in strategy (NULL when unknown): its parameters,
 * defaults and default optimisation space. */
const pr_strategy_info *pr_strategy_info_find(const char *name);
/* Writes every parameter's default into p (info->size bytes). */
void pr_params_defaults(const pr_strategy_info *info, void *p);
/* Reads the parameters at `path` of cfg into p (defaults first; cfg NULL:
 * defaults only), rejecting unknown keys and bad values with their path,
 * then runs info->check. */
int pr_params_read(const pr_strategy_info *info, const pr_config *cfg, const char *path, void *p, pr_err *err);
/* The value of parameter d in p as text ("10", "0.05", "true", "[0.02, 0.05]",
 * "auto"). */
size_t pr_param_format(const pr_param_def *d, const void *p, char *buf, size_t cap);
/* Its accepted range as text ("[2, 100000]", "(0, 100)", "true/false"). */
size_t pr_param_range(const pr_param_def *d, char *buf, size_t cap);

/* The built-in strategies' rows of the registry. */
extern const pr_strategy_info pr_sma_cross_info, pr_trend_ema_info, pr_mean_reversion_info, pr_ta_score_info,
    pr_rules_info;
/* Strategies known by their row alone (their parameters are private to
 * their file; create them with pr_strategy_create). */
extern const pr_strategy_info pr_vol_breakout_info, pr_weekend_reversal_info, pr_mtf_trend_info,
    pr_gap_fade_info, pr_pairs_info, pr_triangular_info, pr_session_breakout_info, pr_funding_carry_info,
    pr_grid_info;

/* Creates a built-in strategy by name, parameters from the JSON object at
 * `path` in cfg (cfg may be NULL: defaults). Unknown name -> PR_ENOTFOUND. */
int pr_strategy_create(const char *name, const pr_config *cfg, const char *path,
                       pr_strategy **out, pr_err *err);
/* s->vt->explain's text, or "" when it has none (returns the length). */
size_t pr_strategy_explain(const pr_strategy *s, char *buf, size_t cap);
/* Names of the built-in strategies, NULL-terminated. */
const char *const *pr_strategy_names(void);

/* ---- sma_cross: fast/slow simple-moving-average crossover on close ----
 * d[t] = SMA(fast)[t] - SMA(slow)[t]. Cross up at t: d[t] > 0 and
 * d[t-1] <= 0; cross down: d[t] < 0 and d[t-1] >= 0 (both defined). Cross up:
 * ENTER_LONG (and exit a short); cross down: EXIT a long (and ENTER_SHORT when
 * `short_too`). Optional protective stop / target as fractions of the close. */
typedef struct pr_sma_cross_params {
    int fast, slow;          /* 10, 30 */
    int short_too;           /* 0 */
    double stop_frac;        /* 0: no stop */
    double target_frac;      /* 0: no target */
} pr_sma_cross_params;

void pr_sma_cross_defaults(pr_sma_cross_params *p);
int pr_sma_cross_new(const pr_sma_cross_params *p, pr_strategy **out, pr_err *err);

/* The strategies below take their parameters from a JSON object at `path`
 * of cfg (NULL or "" path: the document's root; cfg NULL: defaults) through
 * pr_<name>_config, which rejects unknown keys and names the offending
 * path in err ("strategy.params.fast: ..."); pr_strategy_create does both
 * steps. Each reads what it holds from the view (pr_view_side) and emits
 * exits only while it holds a position on that side, so an entry vetoed or
 * rejected leaves it flat and a position closed by a stop or target can be
 * entered again at the next signal. Stops and targets are set from the
 * close of the signal bar; the entry fills at the next bar's open. */

/* ---- trend_ema: EMA crossover with RSI and volume filters ----
 * d[t] = EMA(fast)[t] - EMA(slow)[t]; cross up: d[t] > 0 >= d[t-1]; cross
 * down: d[t] < 0 <= d[t-1].
 * Entry long at a cross up when rsi_low <= RSI <= rsi_high and, with
 * volume_filter, volume[t] > SMA(volume, volume_period)[t] (the average
 * includes bar t; instruments without volume data, average 0, skip the
 * filter). Entry short: the mirror at a cross down, only with allow_short.
 * Exit long: cross down (a reversal into a short when the short entry holds),
 * or RSI > rsi_high; exit short: cross up, or RSI < rsi_low. Every entry
 * carries a stop at stop_frac from the close and tiered take-profits at
 * take_profit[k] (fractions of the close) closing take_profit_frac[k] of
 * the entry; what the tiers leave stays until a stop or an exit.
 * Confidence and size_hint = clamp(volume / (conf_volume * average), 0.5, 1)
 * (0.5 without volume data): with sizing "fixed_fraction" 0.05 a position is
 * 5% of equity x confidence. (The EMA spread is no measure of conviction
 * here: at a cross it is ~0 by definition.) An EMA difference within 1e-9 of
 * the close counts as 0 and a volume must beat its average by more than that
 * fraction, so the rounding noise of a flat stretch makes no crosses. */
typedef struct pr_trend_ema_params {
    int fast, slow;              /* 20, 50                                    */
    int rsi_period;              /* 14                                        */
    double rsi_low, rsi_high;    /* 30, 70                                    */
    int volume_period;           /* 20                                        */
    int volume_filter;           /* 1                                         */
    int allow_short;             /* 0                                         */
    double stop_frac;            /* 0.05 (0: no stop)                         */
    int n_targets;               /* 3                                         */
    double tp[PR_SIGNAL_MAX_TARGETS];       /* 0.02, 0.05, 0.10               */
    double tp_frac[PR_SIGNAL_MAX_TARGETS];  /* 0.5, 0.3, 0.2                  */
    double conf_volume;          /* 2: volume ratio that gives confidence 1   */
} pr_trend_ema_params;

void pr_trend_ema_defaults(pr_trend_ema_params *p);
/* Keys: fast, slow, rsi_period, rsi_low, rsi_high, volume_period,
 * volume_filter, allow_short, stop, take_profit (array), take_profit_frac
 * (array of the same length), conf_volume. */
int pr_trend_ema_config(const pr_config *cfg, const char *path, pr_trend_ema_params *out, pr_err *err);
int pr_trend_ema_new(const pr_trend_ema_params *p, pr_strategy **out, pr_err *err);

/* ---- mean_reversion: Bollinger band, RSI and z-score extremes ----
 * Long when close < lower Bollinger band (SMA bb_period +- bb_dev population
 * deviations) AND RSI < rsi_low AND z < -z, z = (close - mean)/sd over
 * z_period closes (population sd). Short (allow_short): close > upper band
 * AND RSI > rsi_high AND z > z. Exit long when close >= the middle band or
 * z >= 0 (the same test when z_period == bb_period); exit short mirrored.
 * No new entry while it holds that side. Stop: the
 * nearer of stop_atr x ATR(atr_period) and stop_frac x close from the close
 * (0 disables either). Thresholds default per asset class of the instrument
 * (pr_mean_reversion_thresholds); a non-zero rsi_low / rsi_high / z
 * overrides them for every instrument. A band without width (a flat window)
 * gives no entry. */
typedef struct pr_mean_reversion_params {
    int bb_period;               /* 20                                        */
    double bb_dev;               /* 2                                         */
    int rsi_period;              /* 14                                        */
    int z_period;                /* 20                                        */
    double rsi_low, rsi_high, z; /* 0: by asset class                         */
    int allow_short;             /* 0                                         */
    int atr_period;              /* 14                                        */
    double stop_atr;             /* 2                                         */
    double stop_frac;            /* 0                                         */
} pr_mean_reversion_params;

/* crypto 20/80, |z| 2.5; forex 25/75, 2.0; stocks (and anything else)
 * 30/70, 2.0. */
void pr_mean_reversion_thresholds(pr_asset_class cls, double *rsi_low, double *rsi_high, double *z);
void pr_mean_reversion_defaults(pr_mean_reversion_params *p);
/* Keys: bb_period, bb_dev, rsi_period, z_period, rsi_low, rsi_high, z,
 * allow_short, atr_period, stop_atr, stop. */
int pr_mean_reversion_config(const pr_config *cfg, const char *path, pr_mean_reversion_params *out,
                             pr_err *err);
int pr_mean_reversion_new(const pr_mean_reversion_params *p, pr_strategy **out, pr_err *err);

/* ---- ta_score: a 0-10 long score and a 0-10 short score ----
 * Points per component (long | short), all at the close of bar t:
 *   rsi     2: RSI(rsi_period) < rsi_low          | > rsi_high
 *   macd    2: MACD(fast,slow,signal) line crossed above its signal line at t
 *              (above at t, at or below at t-1); 1: above without a cross
 *                                                 | the mirror below
 *   ema     1: EMA(ema_fast) > EMA(ema_slow)      | <
 *         + 1: close > EMA(ema_long)              | <
 *   adx     1: ADX(adx_period) > adx_min and +DI > -DI | and -DI > +DI
 *   bb      1: (close - lower)/(upper - lower) < bb_near | > 1 - bb_near
 *              (Bollinger bb_period, bb_dev; no point when the band is flat)
 *   volume  1: volume > volume_mult x SMA(volume, volume_period) on an up
 *              bar (close > open)                 | on a down bar
 *   htf     1: on the higher timeframe, the close of the latest closed bar
 *              > EMA(htf_ema) of those closes     | <
 * Differences within 1e-9 of the price (EMA, MACD and band comparisons) are
 * rounding noise and give no point; the volume must beat its average by
 * more than that fraction.
 * The score is valid once every input is defined (the htf's only when used);
 * the two scores never both exceed 5. The strategy enters long when the long
 * score reaches min_score (was below it at the previous bar) and exceeds the
 * short score, short the mirror with allow_short; without shorts a short
 * score reaching min_score exits a long. Stop stop_atr x ATR and one target
 * target_atr x ATR from the close; confidence = score / 10. The reason text
 * gives the score and each component's points as digits in the order above.
 * Data without volume (its average is 0) gives the volume component no
 * point, so the score reaches at most 9 (8 without the htf): the score is
 * not rescaled (min_score keeps one meaning on every dataset), and the
 * strategy's explain says how many scored bars lacked volume and the
 * highest score reached, so a run that rarely fires says why. */
typedef enum pr_ta_score_component {
    PR_TS_RSI = 0, PR_TS_MACD, PR_TS_EMA, PR_TS_ADX, PR_TS_BB, PR_TS_VOLUME, PR_TS_HTF,
    PR_TS_COUNT
} pr_ta_score_component;

/* "rsi" "macd" "ema" "adx" "bb" "volume" "htf"; NULL out of range. */
const char *pr_ta_score_component_name(int k);
/* Most points component k gives (2 2 2 1 1 1 1); 0 out of range. */
int pr_ta_score_component_max(int k);

typedef struct pr_ta_score_params {
    int rsi_period;              /* 14                                        */
    double rsi_low, rsi_high;    /* 30, 70                                    */
    int macd_fast, macd_slow, macd_signal;  /* 12, 26, 9                       */
    int ema_fast, ema_slow, ema_long;       /* 20, 50, 200                     */
    int adx_period;              /* 14                                        */
    double adx_min;              /* 25                                        */
    int bb_period;               /* 20                                        */
    double bb_dev, bb_near;      /* 2, 0.2                                    */
    int volume_period;           /* 20                                        */
    double volume_mult;          /* 1                                         */
    pr_timeframe htf;            /* PR_TF_NONE: pr_ta_score_default_htf        */
    int htf_off;                 /* 1: no higher-timeframe component           */
    int htf_ema;                 /* 20                                        */
    int atr_period;              /* 14                                        */
    double stop_atr, target_atr; /* 2, 3 (0: none)                            */
    int min_score;               /* 7                                         */
    int allow_short;             /* 0                                         */
} pr_ta_score_params;

typedef struct pr_ta_score_result {
    int valid;                   /* 0 while an input is still warming up      */
    int long_score, short_score; /* 0..10                                     */
    int long_pts[PR_TS_COUNT], short_pts[PR_TS_COUNT];
    int64_t ts;                  /* decision time (pr_view_now)               */
    /* The inputs (NaN when not defined). */
    double close, open, volume, volume_avg;
    double rsi, macd, macd_signal, macd_prev, macd_signal_prev;
    double ema_fast, ema_slow, ema_long;
    double adx, plus_di, minus_di;
    double bb_upper, bb_lower, bb_pos;
    double atr;
    pr_timeframe htf;            /* PR_TF_NONE when the component is off      */
    double htf_close, htf_ema;
} pr_ta_score_result;

void pr_ta_score_defaults(pr_ta_score_params *p);
/* The automatic higher timeframe of a decision timeframe: 1m,3m -> 15m,
 * 5m -> 30m, 15m -> 1h, 30m -> 2h, 1h -> 4h, 2h -> 8h, 4h..12h -> 1d,
 * 1d -> 1w; PR_TF_NONE (no component) for 1w and 1M. */
pr_timeframe pr_ta_score_default_htf(pr_timeframe decision);
/* Keys: rsi_period, rsi_low, rsi_high, macd_fast, macd_slow, macd_signal,
 * ema_fast, ema_slow, ema_long, adx_period, adx_min, bb_period, bb_dev,
 * bb_near, volume_period, volume_mult, htf ("auto", "off" or a timeframe),
 * htf_ema, atr_period, stop_atr, target_atr, min_score, allow_short. */
int pr_ta_score_config(const pr_config *cfg, const char *path, pr_ta_score_params *out, pr_err *err);
int pr_ta_score_new(const pr_ta_score_params *p, pr_strategy **out, pr_err *err);
/* The score of instrument `inst` at the view's current decision time, from
 * the bars the view shows (the decision timeframe up to the latest closed
 * bar; higher-timeframe bars built from them, only those closed by
 * pr_view_now). Gives exactly what the ta_score strategy computes at that
 * step; for confirmation stages and feature builders. Costs O(visible bars);
 * p NULL: defaults. */
int pr_ta_score_compute(const pr_market_view *v, int inst, const pr_ta_score_params *p,
                        pr_ta_score_result *out, pr_err *err);
/* The score a ta_score strategy computed for `inst` at its latest bar
 * (PR_EINVAL when s is not a ta_score strategy, PR_ERANGE for a bad inst). */
int pr_ta_score_last(const pr_strategy *s, int inst, pr_ta_score_result *out);

/* ---- rules: a strategy written as rule expressions in the configuration ----
 * (The language: signal/rules.h and the README's "Rule expressions".) Per
 * instrument at each closed bar, in this order: entry_long true and not long
 * -> ENTER_LONG (reversing a short); else entry_short true and not short ->
 * ENTER_SHORT; else exit_long true while long, or exit_short true while
 * short -> EXIT. A condition fires only when true (not while any value it
 * reads is still warming up). An entry carries, from the signal bar's close
 * c and its direction d (+1 long, -1 short): stop at c - d*stop, target at
 * c + d*target or the tiers of `targets` (each DIST @ FRACTION), a trailing
 * stop at distance `trail`, a time stop after time_stop bars, and
 * confidence = size_hint = `size` clamped to 1 (an entry whose size is not
 * above 0 is not made). Distances that are not above 0 (or NaN) set
 * nothing. The expressions are borrowed from the configuration while the
 * strategy is created; it keeps only the compiled plan. */
typedef struct pr_rules_params {
    const char *entry_long, *exit_long, *entry_short, *exit_short;
    const char *stop, *target, *targets, *trail, *size;
    int time_stop;               /* 0: none                                   */
    /* Entry orders, management and position changes (NULL: not given). */
    const char *entry_limit, *entry_stop;   /* distances from the close       */
    const char *trail_pct, *breakeven;      /* fractions of the price          */
    const char *exit_frac;                  /* of the position, for exits      */
    const char *add_long, *add_short;       /* conditions: scale in            */
    int max_adds;                           /* adds per position (3)           */
    const char *adjust_long, *adjust_short; /* conditions: move the stop/trail */
    const char *adjust_stop, *adjust_trail; /* distances from the close        */
    int entry_expiry;                       /* bars a limit/stop entry waits (1) */
} pr_rules_params;

int pr_rules_new(const pr_rules_params *p, pr_strategy **out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
