/* Part of ta.h: indicators TA-Lib lacks that strategies and risk rules use —
 * session/rolling VWAP, Keltner, Donchian, SuperTrend, Ichimoku, Heikin-Ashi,
 * Chaikin Money Flow, WaveTrend, Hull MA, z-score, percent rank, pivot
 * points, swing points and support/resistance levels (see ta.h for the
 * batch/streaming conventions; README "Extra indicators" for definitions).
 *
 * Their typed declarations are generated from their rows of
 * proratio/ta/list.h (signatures: the row's shape, proratio/ta/shapes.h);
 * this header documents them and declares what is not a table indicator
 * (anchors, pivot levels, the levels' configuration and queries).
 *
 * Every streaming state here must be released with its _free function after
 * a successful _init (some hold ring buffers or inner indicator states).
 *
 * No look-ahead: every value at bar t is computed from bars 0..t only.
 * Indicators whose natural definition refers to later bars are re-expressed
 * so they do not: swing points are reported `right` bars after the pivot
 * bar, Ichimoku's senkou spans sit on the bar they are computed from (the
 * chart displacement is metadata), pivots use the previous completed period. */
#ifndef PRORATIO_TA_EXTRA_H
#define PRORATIO_TA_EXTRA_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/ta/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Period anchors (sessions) shared by VWAP and pivot points                 */
/* ------------------------------------------------------------------------ */
typedef enum pr_ta_anchor {
    PR_TA_ANCHOR_DAY = 0,        /* UTC day, 00:00 UTC (crypto, forex)              */
    PR_TA_ANCHOR_US_SESSION = 1, /* US equity session: from the first bar at/after
                                    09:30 America/New_York (DST-aware) to the next
                                    day's                                            */
    PR_TA_ANCHOR_WEEK = 2,       /* UTC week, Monday 00:00 UTC                      */
    PR_TA_ANCHOR_MONTH = 3       /* UTC calendar month                              */
} pr_ta_anchor;

/* The period boundary that a bar at ts may cross (ms UTC): for the UTC day,
 * week and month the start of the period containing ts; for the US session
 * 09:30 New York time on ts's New York calendar date (later than ts for a
 * pre-market bar). */
int pr_ta_anchor_boundary(int anchor, int64_t ts, int64_t *out);
/* *out = 1 when a bar at ts opens a new period after the previous bar at
 * prev: prev < boundary(ts) <= ts (also when prev is PR_TIME_NONE or later
 * than ts). For the US session this resets at the first bar at/after 09:30
 * ET of each day with such a bar; pre-market bars stay in the previous
 * session, across weekends and holidays alike, with no holiday calendar
 * needed. PR_EINVAL for an unknown anchor. */
int pr_ta_anchor_new_period(int anchor, int64_t prev, int64_t ts, int *out);
/* UTC offset of New York at instant ts: -4 h during US daylight time, else
 * -5 h. DST runs from the second Sunday of March 02:00 local to the first
 * Sunday of November 02:00 local (rules since 2007); before 2007 from the
 * first Sunday of April to the last Sunday of October (1987-2006 rule, also
 * used for earlier years). */
int64_t pr_ta_us_eastern_offset_ms(int64_t ts);

/* ------------------------------------------------------------------------ */
/* VWAP anchored to a session: cumulative sum of typical price (H+L+C)/3 ×    */
/* volume over cumulative volume, reset at the start of each anchor period.  */
/* Lookback 0; NaN while the period's cumulative volume is 0.                 */
/* ------------------------------------------------------------------------ */

/* Rolling VWAP over the last `period` bars (1..10000): Σ tp·v / Σ v, NaN when
 * the window's volume is 0. Lookback period-1. */

/* ------------------------------------------------------------------------ */
/* Keltner channels (TradingView defaults): middle = EMA(close, ema_period), */
/* upper/lower = middle ± mult × ATR(atr_period). EMA and ATR are the ta     */
/* module's TA-Lib-compatible ones (EMA seeded with an SMA, ATR Wilder from  */
/* bar 1). Defaults 20, 10, 2. Lookback max(EMA lookback, ATR lookback).     */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Donchian channels over the last `period` bars including the current one: */
/* upper = highest high, lower = lowest low, middle = (upper+lower)/2.       */
/* Default 20. Lookback period-1.                                            */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* SuperTrend, TradingView's ta.supertrend: bands hl2 ± mult × ATR(period)    */
/* with the final-band carry rules (a lower band only rises unless the       */
/* previous close fell below it; an upper band only falls unless the previous*/
/* close rose above it) and flips when the close crosses the active band.    */
/* direction is +1 in an uptrend (line = lower band, below price) and -1 in a */
/* downtrend (line = upper band) — the NEGATION of TradingView's direction   */
/* output. Like TradingView, the first defined bar starts as a downtrend.    */
/* ATR is the ta module's (TA-Lib), so lookback = ATR lookback = period.     */
/* Defaults 10, 3.                                                            */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Ichimoku (9/26/52): tenkan = mid of the `tenkan` window's high/low range,*/
/* kijun likewise over `kijun` bars, senkou_a = (tenkan+kijun)/2, senkou_b = */
/* mid range over `senkou` bars. The senkou spans are output UN-SHIFTED: the */
/* value computed from bars up to t sits on bar t; charts plot it           */
/* PR_TA_ICHIMOKU_DISPLACEMENT (26) bars ahead, so the cloud drawn over bar  */
/* t is the senkou value of bar t-26. Chikou (close plotted 26 bars back) is */
/* not provided: as a series aligned to its plot bar it needs future data.   */
/* All four outputs start together at lookback max(tenkan,kijun,senkou)-1.   */
/* ------------------------------------------------------------------------ */
#define PR_TA_ICHIMOKU_DISPLACEMENT 26

/* ------------------------------------------------------------------------ */
/* Heikin-Ashi candles: close = (O+H+L+C)/4, open = (prev HA open + prev HA  */
/* close)/2 seeded on bar 0 with (O+C)/2, high = max(H, HA open, HA close),  */
/* low = min(L, HA open, HA close). Lookback 0.                              */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Chaikin Money Flow over `period` bars (20): Σ mfv / Σ volume with        */
/* mfv = ((C-L) - (H-C)) / (H-L) × volume (0 on a bar with H == L). 0 when  */
/* the window's volume sums to 0. Lookback period-1.                         */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* WaveTrend (LazyBear): ap = (H+L+C)/3, esa = EMA(ap, n1),                  */
/* d = EMA(|ap - esa|, n1), ci = (ap - esa)/(0.015 d) (0 when d == 0),       */
/* wt1 = EMA(ci, n2), wt2 = SMA(wt1, signal). Each EMA is the ta module's    */
/* TA-Lib one, started on the first bar its input exists and seeded with the */
/* SMA of its first n inputs (TradingView's ema seeds differently; values    */
/* converge after the warm-up). Defaults 10, 21, 4. Both outputs start at    */
/* lookback 2(n1-1) + (n2-1) + (signal-1) = 41.                              */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Hull moving average: WMA(2·WMA(x, ⌊n/2⌋) − WMA(x, n), ⌊√n⌋) with the ta  */
/* module's WMA (weights 1..k). n in [4, 100000] (both inner periods ≥ 2).  */
/* Lookback (n-1) + (⌊√n⌋-1).                                                */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Z-score of x over the last `period` bars including the current one:      */
/* (x - mean) / sd. ddof 0 (the default in the table) uses the POPULATION   */
/* standard deviation (divide by n, as TA-Lib STDDEV and TradingView        */
/* ta.stdev); ddof 1 the sample one (pandas' default). 0 when sd == 0 (a    */
/* flat window). Computed by the stats family's rolling mean/std (sliding   */
/* Welford with exact recomputation). period in [2, 100000]. Lookback       */
/* period-1.                                                                 */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Rolling percent rank (TradingView ta.percentrank): the percentage of the  */
/* `period` PREVIOUS values that are <= the current value, in [0, 100].      */
/* Lookback period (the window is the current bar plus `period` before it). */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Pivot points from the PREVIOUS completed anchor period's high, low and    */
/* close (never the current period's). With range = H - L and P = (H+L+C)/3: */
/*   classic   R1 = 2P - L, S1 = 2P - H, R2 = P + range, S2 = P - range,     */
/*             R3 = H + 2(P - L), S3 = L - 2(H - P);                         */
/*   fibonacci R1/S1 = P ± 0.382 range, R2/S2 = P ± 0.618 range,             */
/*             R3/S3 = P ± range.                                             */
/* A period is complete at the first bar of the next period. The data's     */
/* first period counts only when its first bar opens exactly at the period  */
/* start (otherwise it is partial and skipped). Outputs are NaN until then; */
/* the lookback returned is the minimum, 1.                                  */
/* Output order: P, R1, R2, R3, S1, S2, S3.                                   */
/* ------------------------------------------------------------------------ */
enum { PR_TA_PIVOT_CLASSIC = 0, PR_TA_PIVOT_FIBONACCI = 1 };
#define PR_TA_PIVOT_OUTPUTS 7
/* The seven levels from one period's H/L/C. */
int pr_ta_pivot_levels(int kind, double high, double low, double close,
                       double out[PR_TA_PIVOT_OUTPUTS]);
/* pr_ta_pivots(n, ts, high, low, close, kind, anchor, out): out[k] has n
 * cells for each of the 7 outputs; _update writes the 7 values of a bar. */

/* ------------------------------------------------------------------------ */
/* Swing highs/lows (fractals). Bar c is a swing high when high[c] is        */
/* strictly greater than each of the `left` highs before it and greater than */
/* or equal to each of the `right` highs after it (so a flat top of equal    */
/* highs yields one swing, at its first bar); swing lows mirror this with    */
/* lows. A swing needs the `right` later bars to be known, so it is REPORTED */
/* on bar c + right (the swing's price in that cell, NaN on other bars),     */
/* never earlier. left in [1, 1000], right in [0, 1000]; lookback left+right. */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Support/resistance levels known at bar t, from the swing points confirmed */
/* by t (pivot bar c with c + right <= t) whose pivot bar lies in the last    */
/* `window` bars (c > t - window).                                            */
/*  Clustering: points are taken in pivot-bar order (swing high before swing */
/*  low on the same bar); each joins the existing level whose price is       */
/*  nearest, when within the tolerance (ties: the older level), else starts  */
/*  a new level. A level's price is the mean of its members.                 */
/*  Tolerance at t: tol_pct × close[t] when tol_pct > 0, else                */
/*  tol_atr × ATR(atr_period)[t] (ta module ATR; no levels before it exists).*/
/*  strength = (1 - 0.5^touches) × 0.5^((t - last_touch_bar) / half_life),   */
/*  in [0, 1): more touches and a more recent touch give a stronger level.   */
/* ------------------------------------------------------------------------ */
typedef struct pr_ta_levels_cfg {
    int left, right;      /* swing confirmation bars (5, 5)                      */
    int window;           /* bars of history considered (300), >= left+right+1    */
    int atr_period;       /* 14                                                  */
    double tol_atr;       /* tolerance in ATRs (0.5)                             */
    double tol_pct;       /* > 0: tolerance as a fraction of close instead (0)   */
    double half_life;     /* recency half-life in bars (100)                     */
} pr_ta_levels_cfg;
void pr_ta_levels_cfg_default(pr_ta_levels_cfg *c);
/* PR_EINVAL naming the field when out of range. */
int pr_ta_levels_cfg_check(const pr_ta_levels_cfg *c, pr_err *err);

typedef struct pr_ta_level {
    double price;         /* mean of the member swing prices             */
    double lo, hi;        /* lowest and highest member price             */
    int touches;          /* member swing points                         */
    int highs, lows;      /* of which swing highs / swing lows           */
    size_t last_touch_bar;/* pivot bar of the newest member              */
    int64_t last_touch_ts;/* its open time (PR_TIME_NONE when no ts given) */
    double strength;      /* see above                                   */
} pr_ta_level;

/* pr_ta_levels_update feeds one bar (ts may be PR_TIME_NONE). out (may be
 * NULL) receives the nearest support (highest level price <= close), its
 * strength, the nearest resistance (lowest level price > close) and its
 * strength; NaN when none. The batch pr_ta_levels gives the same four
 * series per bar. */
/* Levels known at the last bar fed, sorted by price (ascending). Writes up to
 * cap levels; *count receives the total number (may exceed cap). */
int pr_ta_levels_get(const pr_ta_levels_state *s, pr_ta_level *out, size_t cap, size_t *count);
/* The levels known at bar t (t < n), computed from bars 0..t (ts may be NULL). */
int pr_ta_levels_at(size_t n, const int64_t *ts, const double *high, const double *low,
                    const double *close, size_t t, const pr_ta_levels_cfg *cfg,
                    pr_ta_level *out, size_t cap, size_t *count);

#ifdef __cplusplus
}
#endif
#endif
