/* Public interface of the signal module: the strategy interface (pr_strategy
 * vtable), the signals strategies emit (pr_signal), the market view through
 * which a strategy sees only the past (pr_market_view) and the built-in
 * strategies.
 *
 * Time model (DESIGN "No look-ahead"): a bar is labelled by its open time and
 * exists for decisions only from its close. At the close of bar t of an
 * instrument, the view shows that instrument's bars 0..t (length t+1) and,
 * for each higher timeframe the strategy declared, only the higher-timeframe
 * bars that have closed by then. The bar still forming is never visible. */
#ifndef PRORATIO_SIGNAL_H
#define PRORATIO_SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One OHLCV bar (open time in ms UTC). */
typedef struct pr_bar {
    int64_t ts;
    double open, high, low, close, volume;
} pr_bar;

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

#define PR_SIGNAL_MAX_TARGETS 4
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
/* Market view                                                               */
/* ------------------------------------------------------------------------ */
typedef struct pr_market_view pr_market_view;

/* Where a view takes its large per-run buffers (batch indicator values):
 * a runner that repeats runs (an optimiser) passes a caching allocator so the
 * memory is not handed back to the system and faulted in again each run. */
typedef struct pr_allocator {
    void *ctx;
    void *(*alloc)(void *ctx, size_t bytes);
    void (*release)(void *ctx, void *p);
} pr_allocator;

/* How the runner (backtest loop or live runner) builds a view. */
typedef struct pr_view_config {
    size_t n_instruments;
    const pr_instrument *instruments;  /* n_instruments, copied             */
    /* Decision-timeframe series, one per instrument, borrowed. The backtest
     * passes complete series; a live runner passes series it appends to
     * before calling pr_view_step. Bars at index >= the visible length
     * are never readable through the view. */
    const pr_series *const *series;
    /* 1 when the series are complete before the run (backtest): indicators
     * on the decision timeframe are then computed in batch up front; 0
     * computes them bar by bar. Both give identical values. */
    int precompute;
    /* Allocator for batch indicator values (NULL: malloc/free); it must
     * outlive the view. */
    const pr_allocator *alloc;
} pr_view_config;

int pr_view_new(const pr_view_config *cfg, pr_market_view **out, pr_err *err);
void pr_view_free(pr_market_view *v);

/* Declarations, made by a strategy's init before the run starts. */
/* Adds a higher timeframe for instrument `inst` (resampled from the
 * decision series as bars close; it must be a whole multiple). */
int pr_view_require_tf(pr_market_view *v, int inst, pr_timeframe tf, pr_err *err);
/* Adds an indicator from the ta table (pr_ta_find) on instrument `inst` at
 * timeframe `tf` (PR_TF_NONE = decision timeframe), output number `output`;
 * `source` names the real input ("close" when NULL; "open", "high", "low",
 * "volume", "hl2", "hlc3", "ohlc4"). Writes a handle for pr_view_ind. */
int pr_view_require_indicator(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                              const double *params, int n_params, int output,
                              const char *source, int *handle, pr_err *err);
/* Strategies may also state a minimum history before they act. */
void pr_view_require_warmup(pr_market_view *v, size_t bars);
/* Called by the runner once declarations are done. */
int pr_view_prepare(pr_market_view *v, pr_err *err);

/* Runner side: one decision step at time `now` (a bar close time).
 * closed[i] != 0 when the next bar of instrument i's decision series (index
 * = its current visible length) closed at `now`; closed may be NULL when no
 * bar closed (a clock tick). Updates higher timeframes (a higher-timeframe bar
 * becomes visible at the first step with now >= its close) and indicators. */
int pr_view_step(pr_market_view *v, int64_t now, const unsigned char *closed, pr_err *err);

/* Strategy side (read only). */
int64_t pr_view_now(const pr_market_view *v);                 /* decision time */
size_t pr_view_n_instruments(const pr_market_view *v);
const pr_instrument *pr_view_instrument(const pr_market_view *v, int inst);
pr_timeframe pr_view_tf(const pr_market_view *v, int inst);  /* decision timeframe */
size_t pr_view_warmup(const pr_market_view *v);    /* bars needed by the declarations */
/* 1 when `inst` received a closed bar at this step. */
int pr_view_updated(const pr_market_view *v, int inst);
/* Visible (closed) bars of inst at tf (PR_TF_NONE = decision timeframe). */
size_t pr_view_len(const pr_market_view *v, int inst, pr_timeframe tf);
/* Bar at absolute index i (< pr_view_len), PR_ERANGE otherwise. */
int pr_view_bar_at(const pr_market_view *v, int inst, pr_timeframe tf, size_t i, pr_bar *out);
/* Bar `ago` bars back from the latest closed one (0 = latest). */
int pr_view_bar(const pr_market_view *v, int inst, pr_timeframe tf, size_t ago, pr_bar *out);
/* Close `ago` bars back on the decision timeframe; NaN when not visible. */
double pr_view_close(const pr_market_view *v, int inst, size_t ago);
/* Indicator value `ago` bars back on its timeframe; NaN while warming up or
 * when not visible. */
double pr_view_ind(const pr_market_view *v, int handle, size_t ago);

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
} pr_strategy_vt;

/* Every strategy object starts with this header; its state lives in the
 * object that embeds it (no globals), so two instances never interfere. */
struct pr_strategy {
    const pr_strategy_vt *vt;
};

void pr_strategy_free(pr_strategy *s);

/* Creates a built-in strategy by name, parameters from the JSON object at
 * `path` in cfg (cfg may be NULL: defaults). Unknown name -> PR_ENOTFOUND. */
int pr_strategy_create(const char *name, const pr_config *cfg, const char *path,
                       pr_strategy **out, pr_err *err);
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

#ifdef __cplusplus
}
#endif
#endif
