/* Part of signal.h: the market view, the data engine every consumer shares
 * (strategies, ML features, the backtest loop and a live runner): closed
 * bars per timeframe, higher timeframes only once closed, declared
 * indicators computed once. Runners build and step it; strategies declare
 * their needs in init and then only read.
 *
 * Time model (DESIGN "No look-ahead"): a bar is labelled by its open time and
 * exists for decisions only from its close. At the close of bar t of an
 * instrument, the view shows that instrument's bars 0..t (length t+1) and,
 * for each higher timeframe declared, only the higher-timeframe bars that
 * have closed by then. The bar still forming is never visible. */
#ifndef PRORATIO_SIGNAL_VIEW_H
#define PRORATIO_SIGNAL_VIEW_H

#include <math.h>
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
/* Market view                                                               */
/* ------------------------------------------------------------------------ */
typedef struct pr_market_view pr_market_view;

/* How the runner (backtest loop or live runner) builds a view. */
/* An event series of an instrument a strategy may read besides its bars:
 * the funding rates of a perpetual (times increasing; borrowed). */
typedef struct pr_view_events {
    const int64_t *ts;
    const double *val;
    size_t n;
} pr_view_events;

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
    /* Allocator for batch indicator values (core/pool.h; a runner that
     * repeats runs passes a pool that keeps them). NULL: a pool of the
     * view's own. It must outlive the view. */
    const pr_allocator *alloc;
    /* Funding rates per instrument (n_instruments entries, n 0 for none),
     * or NULL: none. Only those stamped at or before the decision time can
     * be read (pr_view_funding). */
    const pr_view_events *funding;
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
 * "volume", "hl2", "hlc3", "ohlc4"), or the two of a two-input function
 * such as correl or beta, comma-separated ("close,volume": real0, real1;
 * real1 is "low" when not given). Writes a handle for pr_view_ind. */
int pr_view_require_indicator(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                              const double *params, int n_params, int output,
                              const char *source, int *handle, pr_err *err);
/* The same, over the values of another indicator (`of`, a handle of the
 * same instrument and timeframe) as its real input: sma of rsi. As TA-Lib's
 * Python wrapper does, the outer one starts at the inner one's first value
 * (its warm-up NaNs are skipped, not fed), so the two lookbacks add up. */
int pr_view_require_indicator_of(pr_market_view *v, int inst, pr_timeframe tf, const char *name,
                                 const double *params, int n_params, int output, int of, int *handle,
                                 pr_err *err);
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
/* Bars of history before a decision that make the declared indicators'
 * values there independent of where the data starts (pr_ta_memory at
 * PR_TA_SEED_TOL, higher timeframes counted in decision bars); at least
 * pr_view_warmup. A backtest loads this much before its first traded bar. */
size_t pr_view_history(const pr_market_view *v);
/* The name of a declared indicator that never forgets its start (obv, sar,
 * ...; see pr_ta_memory), or NULL. */
const char *pr_view_unbounded(const pr_market_view *v);
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
/* The funding rate `ago` events back from the latest one stamped at or
 * before the decision time (0 = latest), with its time: PR_ENOTFOUND when
 * there is none (no series, or none yet). */
int pr_view_funding(const pr_market_view *v, int inst, size_t ago, int64_t *ts, double *rate);
/* Indicator value `ago` bars back on its timeframe; NaN while warming up or
 * when not visible. */
double pr_view_ind(const pr_market_view *v, int handle, size_t ago);

/* What a strategy declared, for tools that inspect a run (the look-ahead
 * and warm-up checkers): handles are 0..pr_view_n_indicators-1, in
 * declaration order. */
typedef struct pr_view_ind_info {
    int inst;
    pr_timeframe tf;         /* its stream's timeframe (the decision one's too)  */
    const char *name;        /* the ta table's name                              */
    double params[8];        /* complete (defaults filled), n_params of them     */
    int n_params;
    int output;
    char source[16];         /* "close", "close,volume", ...; "" when of >= 0     */
    int of;                  /* the handle it is computed over, or -1            */
} pr_view_ind_info;

size_t pr_view_n_indicators(const pr_market_view *v);
/* PR_EINVAL for an unknown handle. */
int pr_view_indicator_info(const pr_market_view *v, int handle, pr_view_ind_info *out);

/* Per-bar reads without a call, for strategies that read the same
 * indicators at every step (the backtest calls on_bar a million times; a
 * call per read costs more than the strategy's own work). A reference is
 * taken once the view is prepared (init runs before pr_view_prepare, so at
 * the first on_bar after an init) and stays valid until the view is freed;
 * it points at the view's own values and visible length, so a read sees
 * exactly what pr_view_ind would at that step, never a bar beyond it. */
typedef struct pr_view_ind_ref {
    const double *const *vals;   /* the indicator's value array (it may move) */
    const size_t *len;           /* visible bars of its stream                */
} pr_view_ind_ref;

/* PR_ESTATE before pr_view_prepare, PR_EINVAL for an unknown handle. */
int pr_view_ind_ref_get(const pr_market_view *v, int handle, pr_view_ind_ref *out);
/* pr_view_ind through a reference. */
static inline double pr_view_ind_read(const pr_view_ind_ref *r, size_t ago) {
    size_t len = *r->len;
    return ago < len ? (*r->vals)[len - 1 - ago] : (double)NAN;
}
/* A reference to inst's closes on the decision timeframe:
 * pr_view_ind_read(ref, ago) is pr_view_close(v, inst, ago), without a
 * call (the risk stage reads every instrument's close at every step).
 * PR_ESTATE before pr_view_prepare, PR_EINVAL for an unknown instrument. */
int pr_view_close_ref_get(const pr_market_view *v, int inst, pr_view_ind_ref *out);
/* A reference to a bar field ("open", "high", "low", "close", "volume") of
 * inst at tf (PR_TF_NONE = decision timeframe; a higher one must have been
 * declared): pr_view_ind_read(ref, ago) is that field of the bar `ago` back
 * among the closed ones. PR_ESTATE before pr_view_prepare, PR_EINVAL for an
 * unknown instrument, timeframe or field. */
int pr_view_series_ref_get(const pr_market_view *v, int inst, pr_timeframe tf, const char *field,
                           pr_view_ind_ref *out);
/* The flags pr_view_updated reads, one per instrument, updated in place at
 * every step: valid for the view's lifetime. */
const unsigned char *pr_view_updated_flags(const pr_market_view *v);
/* The number of steps since pr_view_prepare, updated in place at every
 * step: valid for the view's lifetime. A reader that was not called at
 * some steps (the risk stage's watch, on steps the pipeline found quiet)
 * learns from it how many it missed. */
const size_t *pr_view_step_count(const pr_market_view *v);
/* pr_view_now's value, updated in place at every step (valid for the
 * view's lifetime): a test at every step without a call. */
const int64_t *pr_view_clock(const pr_market_view *v);

#ifdef __cplusplus
}
#endif
#endif
