/* Part of ta.h: overlap studies (moving averages, bands), the MACD family,
 * price statistics (variance, regression, correlation, beta), MIDPRICE /
 * MIDPOINT and HT_TRENDLINE — TA-Lib 0.6.4-compatible values (see ta.h for
 * the batch/streaming conventions and tests/data/golden/README.md for
 * TA-Lib's definitions).
 *
 * The declarations are generated: each indicator is a row of
 * proratio/ta/list.h and its signature is the row's shape
 * (proratio/ta/shapes.h), e.g. R_P: pr_ta_sma(n, in, period, out),
 * pr_ta_sma_lookback(period, &lookback), pr_ta_sma_state with _init(s,
 * period) / _update(s, x, &out) / _free(s). Outputs are in the order the
 * comments below list them (MACD: macd, signal, hist; BBANDS: upper,
 * middle, lower); CORREL/BETA take x (real0) then y (real1).
 *
 * Common rules for every function below:
 *   - periods are ints; outside the range given here -> PR_EINVAL with the
 *     outputs untouched (the ranges are TA-Lib's);
 *   - batch outputs have n cells; the first `lookback` cells (and every cell
 *     when n <= lookback) are NaN; output arrays must not overlap the inputs;
 *   - n == 0 -> PR_OK without touching anything (NULL arrays allowed);
 *   - streaming: _init (may allocate; PR_ENOMEM) -> _update once per bar ->
 *     _free. _free is safe on a zeroed or already freed state. _update
 *     writes NaN while warming up and then exactly the batch value of that
 *     bar (bit for bit). Bars are counted from the first _update call, which
 *     is bar 0 (this matters for recursive seeds and HT's even/odd logic);
 *   - NaN/inf inputs propagate (ta.h). Indicators built on running sums or
 *     recursions (SMA, EMA family, WMA, TRIMA, KAMA, T3, MACD, APO, PPO, TRIX,
 *     VAR, STDDEV, BBANDS, CORREL, BETA, HT_TRENDLINE) are NaN from the first
 *     NaN input on; window recomputations (LINEARREG family, MIDPRICE,
 *     MIDPOINT) are NaN only while the NaN is inside their window.
 *
 * Exactness against TA-Lib 0.6.4 (measured on the golden files): everything
 * reproduces TA-Lib's operation order and matches bit for bit, except SMA and
 * EMA, whose batch and streaming forms use a shorter dependency chain (see
 * sma.c / ema.c) for speed and differ from TA-Lib by at most a few units in
 * the last place (~1e-15 relative). BBANDS' middle band is TA-Lib's SMA
 * bit for bit, so it can differ from pr_ta_sma in the last bit.
 */
#ifndef PRORATIO_TA_OVERLAP_H
#define PRORATIO_TA_OVERLAP_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_TA_PERIOD_MAX 100000

/* Moving-average type for APO / PPO (numbers as TA-Lib's TA_MAType). */
typedef enum pr_ta_ma_type { PR_TA_MA_SMA = 0, PR_TA_MA_EMA = 1 } pr_ta_ma_type;

/* ------------------------------------------------------------------------ */
/* Single-series moving averages. period 2..100000.                           */
/*   SMA    lookback p-1   mean of the last p values                          */
/*   EMA    lookback p-1   k = 2/(p+1), seeded with the SMA of bars 0..p-1     */
/*   WMA    lookback p-1   weights 1..p, newest weighted p                     */
/*   DEMA   lookback 2(p-1)  2·EMA − EMA(EMA)                                  */
/*   TEMA   lookback 3(p-1)  3·EMA − 3·EMA(EMA) + EMA(EMA(EMA))                */
/*   TRIMA  lookback p-1   triangular weights (SMA of an SMA)                  */
/*   KAMA   lookback p     Kaufman adaptive, fast 2, slow 30, seed close[p-1]  */
/* ------------------------------------------------------------------------ */

/* TRIX: one-bar rate of change (%) of EMA(EMA(EMA(x))). period 1..100000,
 * lookback 3(p-1)+1. */

/* Rolling statistics of one series, over the last p values.
 *   VAR       population variance E[x²]−E[x]², period 1..100000, lookback p-1
 *             (TA-Lib's nbdev argument to VAR has no effect and is not taken)
 *   LINEARREG           least-squares line through the last p values, value at
 *                       the current bar; period 2..100000, lookback p-1
 *   LINEARREG_SLOPE     its slope per bar
 *   LINEARREG_INTERCEPT its value at the oldest bar of the window
 *   LINEARREG_ANGLE     atan(slope) in degrees
 *   TSF                 time-series forecast: value one bar ahead
 *   MIDPOINT  (highest + lowest)/2 of the last p values, period 2..100000,
 *             lookback p-1 */

/* T3 (Tillson): six chained EMAs, period 2..100000, vfactor 0..1 (default
 * 0.7). Lookback 6(p-1). */

/* ------------------------------------------------------------------------ */
/* MACD: fast/slow 2..100000 (swapped when fast > slow), signal 1..100000.    */
/* TA-Lib alignment: both EMAs' first value is on bar slow-1 (the fast EMA is */
/* seeded with the SMA of bars slow-fast..slow-1); signal = EMA(signal) of    */
/* the MACD line seeded with the SMA of its first `signal` values; hist =     */
/* macd − signal. All three start at lookback (slow-1)+(signal-1).            */
/* ------------------------------------------------------------------------ */

/* APO = fastMA − slowMA; PPO = (fastMA − slowMA)/slowMA·100 (0 when |slowMA|
 * < 1e-14). fast/slow 2..100000 (swapped when fast > slow); ma_type
 * PR_TA_MA_SMA (TA-Lib 0.6.4's default) or PR_TA_MA_EMA (each EMA seeded on
 * bars 0..p-1 as in EMA). Lookback max(fast,slow)-1. */

/* ------------------------------------------------------------------------ */
/* Bollinger bands with an SMA middle band: sd = population standard          */
/* deviation sqrt(E[x²] − middle²) (0 when that is < 1e-14); upper = middle + */
/* nbdevup·sd, lower = middle − nbdevdn·sd. period 2..100000, nbdev in        */
/* [-3e37, 3e37] (defaults 20, 2, 2). Lookback p-1.                           */
/* ------------------------------------------------------------------------ */

/* STDDEV = sqrt(VAR)·nbdev (0 when VAR < 1e-14). period 2..100000, nbdev in
 * [-3e37, 3e37] (default 1). Lookback p-1. */

/* ------------------------------------------------------------------------ */
/* Two-series statistics (TA-Lib: real0, real1).                              */
/*   CORREL  Pearson correlation of x and y over p bars from running raw sums;*/
/*           0 when the product of the centred sums of squares is < 1e-14.    */
/*           period 1..100000, lookback p-1.                                  */
/*   BETA    slope of y's one-bar simple returns regressed on x's (a return is */
/*           0 when the previous price is ~0), over p returns; 0 when the x    */
/*           return variance term is ~0. period 1..100000, lookback p.        */
/* ------------------------------------------------------------------------ */

/* MIDPRICE = (highest high + lowest low)/2 over p bars. period 2..100000,
 * lookback p-1. */

/* HT_TRENDLINE (Ehlers' instantaneous trendline, TA-Lib's algorithm): no
 * parameters, lookback 63, warm-up from bar 0 with even/odd Hilbert states
 * chosen by the bar's index. */

/* The Hilbert transform family and MAMA share HT_TRENDLINE's front end (no
 * parameters unless stated; warm-up from bar 0):
 *   HT_DCPERIOD   smoothed dominant cycle period, lookback 32
 *   HT_DCPHASE    dominant cycle phase in degrees, lookback 63
 *   HT_PHASOR     inphase, quadrature, lookback 32
 *   HT_SINE       sine, leadsine (sin(phase), sin(phase + 45°)), lookback 63
 *   HT_TRENDMODE  1 trend / 0 cycle, lookback 63
 *   MAMA          fastlimit, slowlimit 0.01..0.99 (0.5, 0.05): mama, fama,
 *                 lookback 32; both start at 0 on bar 12 as TA-Lib's do. */

/* ------------------------------------------------------------------------ */
/* TA-Lib's MA dispatcher and its users. matype as TA_MAType: 0 SMA, 1 EMA,   */
/* 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA (0.5, 0.05; period ignored),*/
/* 8 T3 (vfactor 0.7); period 1 gives the input. SMA/EMA here are in TA-Lib's */
/* order (bit for bit, unlike pr_ta_sma/pr_ta_ema).                           */
/*   MA       period 1..100000, matype: that MA's lookback                    */
/*   MACDEXT  fast, fastmatype, slow, slowmatype (swapped when slow < fast),  */
/*            signal, signalmatype: macd, signal, hist from bar              */
/*            max(fast, slow MA lookback) + signal MA lookback                */
/*   MAVP     (real0 series, real1 periods) minperiod, maxperiod 2..100000,   */
/*            matype: each bar's period truncated and clamped, that period's  */
/*            MA started where TA-Lib starts it; lookback = MA of maxperiod   */
/*   MACDFIX  signal 1..100000: MACD(12, 26) with EMA constants 0.15/0.075    */
/* ------------------------------------------------------------------------ */

/* Window statistics and transforms (TA-Lib's, bit for bit):
 *   MAX, MIN, SUM, MINMAX (min, max), MAXINDEX, MININDEX, MINMAXINDEX
 *   (minidx, maxidx: absolute bar numbers), period 2..100000, lookback p-1;
 *   AVGDEV (mean absolute deviation), period 2..100000, lookback p-1;
 *   ACCBANDS (high, low, close; upper, middle, lower), period 2..100000,
 *   lookback p-1; IMI (open, close), period 2..100000, lookback p-1;
 *   AVGPRICE, MEDPRICE, TYPPRICE, WCLPRICE; ACOS ... TANH, CEIL, FLOOR, EXP,
 *   LN, LOG10, SQRT; ADD, SUB, MULT, DIV (real0, real1): lookback 0. */

#ifdef __cplusplus
}
#endif
#include "proratio/ta/indicators.h"
#endif
