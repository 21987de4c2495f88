/* Part of ta.h: momentum, directional-movement, volatility (true range) and
 * volume indicators, the parabolic SAR and candlestick patterns — TA-Lib
 * 0.6.4-compatible values (see ta.h for the batch/streaming conventions and
 * tests/data/golden/README.md for TA-Lib's definitions).
 *
 * The declarations are generated: each indicator (candlestick patterns
 * included) is a row of proratio/ta/list.h and its signature is the
 * row's shape (proratio/ta/shapes.h), e.g. HLC_P: pr_ta_atr(n, high, low,
 * close, period, out). Outputs are in the order listed below (STOCH: slow
 * %K, slow %D; STOCHF/STOCHRSI: fast %K, fast %D; AROON: down, up).
 *
 * Common rules for every function below:
 *   - periods are ints; outside the range given here -> PR_EINVAL with the
 *     outputs untouched. Ranges are TA-Lib's, except where TA-Lib's period 1
 *     is a degenerate special case (PLUS_DI/MINUS_DI return DM/TR without the
 *     x100, PLUS_DM/MINUS_DM and NATR change their lookback): there the
 *     minimum is 2;
 *   - batch outputs have n cells; the first `lookback` cells (all of them
 *     when n <= lookback) are NaN; outputs must not overlap the inputs;
 *   - n == 0 -> PR_OK without touching anything (NULL arrays allowed);
 *     n > 0 with a NULL array -> PR_EINVAL;
 *   - streaming: _init (allocates; PR_ENOMEM) -> _update once per bar ->
 *     _free. _free is safe on a zeroed or already freed state. _update writes
 *     NaN while warming up, then exactly the batch value of that bar (bit for
 *     bit). Bars are counted from the first _update, which is bar 0;
 *   - NaN/inf inputs are not repaired (ta.h). Indicators with recursive or
 *     running state (RSI, CMO, STOCHRSI, the DM/DI/DX/ADX/ADXR family, ATR,
 *     NATR, SAR, OBV, AD, ADOSC, MFI, ULTOSC and the SMA smoothing inside
 *     STOCH/STOCHF) are NaN from the first NaN input on. Window
 *     recomputations (fast %K of STOCHF, WILLR, CCI, AROON, AROONOSC, MOM,
 *     ROC*) are NaN while a NaN is inside their window. Per-bar ones (TRANGE,
 *     BOP) are NaN on the affected bars. Candlestick patterns are NaN on a
 *     bar whose pattern candles are NaN and, through their running averages,
 *     from then on;
 *   - high < low is not checked; ranges are used as given.
 *
 * Exactness: every function reproduces TA-Lib's operation order and
 * matches the golden files bit for bit. Two batch forms are restructured for
 * speed without changing a bit: RSI/CMO run verified parallel lanes on long
 * series (rsi.c) and ADX pairs its +DM/-DM and DI divisions in SSE2 lanes
 * (adx.c).
 */
#ifndef PRORATIO_TA_MOMENTUM_H
#define PRORATIO_TA_MOMENTUM_H
#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/ta/shapes.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PR_TA_PERIOD_MAX
#define PR_TA_PERIOD_MAX 100000
#endif

/* ------------------------------------------------------------------------ */
/* One series (close).                                                       */
/*   RSI   period 2..  lookback p  Wilder: first averages are the plain means */
/*         of the p changes on bars 1..p, then avg = (avg*(p-1) + x)/p;        */
/*         100*gain/(gain+loss), 0 when that sum is within 1e-14 of 0        */
/*   CMO   period 2..  lookback p  same averages, 100*(gain-loss)/(gain+loss) */
/*   MOM   period 1..  lookback p  x - x[p bars ago]                          */
/*   ROC   period 1..  lookback p  (x/x[-p] - 1)*100   (0 when x[-p] == 0)    */
/*   ROCP  period 1..  lookback p  (x - x[-p])/x[-p]   (0 when x[-p] == 0)    */
/*   ROCR  period 1..  lookback p  x/x[-p]             (0 when x[-p] == 0)    */
/*   ROCR100 period 1.. lookback p (x/x[-p])*100       (0 when x[-p] == 0)    */
/* ------------------------------------------------------------------------ */

/* int pr_ta_rsi(size_t n, const double *close, int period, double *out); */

/* STOCHRSI: STOCHF(fastk, fastd SMA) applied to the RSI(period) series (used
 * as high, low and close). period 2.., fastk 1.., fastd 1..; lookback
 * p + (fastk-1) + (fastd-1). Outputs fast %K and fast %D. */

/* ------------------------------------------------------------------------ */
/* Stochastics (high, low, close). HH/LL over the last fastk bars including  */
/* the current one; fast %K = (close - LL)/((HH - LL)/100), 0 when HH == LL.  */
/*   STOCH   fastk, slowk, slowd 1..; slow %K = SMA(slowk) of fast %K, slow  */
/*           %D = SMA(slowd) of slow %K; lookback (fk-1)+(sk-1)+(sd-1)        */
/*   STOCHF  fastk, fastd 1..; fast %D = SMA(fastd) of fast %K; lookback      */
/*           (fk-1)+(fd-1)                                                    */
/*   WILLR   period 2..; (HH - close)/((HH - LL)/-100), 0 when HH == LL;      */
/*           lookback p-1                                                     */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Indicators of (high, low, close) with one period.                         */
/*   CCI      period 2..  lookback p-1  typical price (h+l+c)/3; (tp - sma)/  */
/*            (0.015*meandev), 0 when either is exactly 0; TA-Lib's ring-slot */
/*            summation order                                                 */
/*   WILLR    see above                                                       */
/*   ATR      period 1..  lookback p    first = mean TR of bars 1..p, then    */
/*            Wilder smoothing; ATR(1) = TRANGE                               */
/*   NATR     period 2..  lookback p    ATR/close*100 (0 when |close| < 1e-14)*/
/*   PLUS_DI  period 2..  lookback p    100*S(+DM)/S(TR) (0 when S(TR) ~ 0)  */
/*   MINUS_DI period 2..  lookback p    100*S(-DM)/S(TR)                      */
/*   DX       period 2..  lookback p    100*|+DI - -DI|/(+DI + -DI); repeats  */
/*            the previous value when TR or the DI sum is ~0 (first: 0)       */
/*   ADX      period 2..  lookback 2p-1 mean of the first p DX (bars p..2p-1),*/
/*            then Wilder smoothing of DX (kept when DX is undefined)         */
/*   ADXR     period 2..  lookback 3p-2 (ADX[t] + ADX[t-(p-1)])/2             */
/* S(.) is Wilder's running sum: the sum over bars 1..p-1, then from bar p on */
/* S = S - S/p + value.                                                       */
/* ------------------------------------------------------------------------ */

/* int pr_ta_atr(size_t n, const double *high, const double *low,
 *               const double *close, int period, double *out); */
/* int pr_ta_adx(size_t n, const double *high, const double *low,
 *               const double *close, int period, double *out); */

/* TRANGE: true range max(h - l, |h - prev close|, |l - prev close|); no
 * parameter, lookback 1. */

/* ULTOSC: periods 1.. (sorted internally; defaults 7, 14, 28), lookback =
 * the longest. BP = close - min(low, prev close), TR = true range; running
 * sums over each window; 100*(4*a1/b1 + 2*a2/b2 + a3/b3)/7, a term skipped
 * when its TR sum is ~0. */

/* ------------------------------------------------------------------------ */
/* Indicators of (high, low).                                                */
/*   PLUS_DM / MINUS_DM  period 2..  lookback p-1  Wilder running sum S(DM)   */
/*   AROON     period 2..  lookback p  window of p+1 bars; up = (100/p)*(p -  */
/*             bars since the highest high), down likewise with the lowest    */
/*             low; ties go to the most recent bar. Outputs down, up (TA-Lib's*/
/*             order)                                                         */
/*   AROONOSC  period 2..  lookback p  (100/p)*(index of HH - index of LL)    */
/* ------------------------------------------------------------------------ */

/* SAR (parabolic stop and reverse): acceleration and maximum in
 * [0, 3e37] (defaults 0.02, 0.2; acceleration is lowered to maximum when
 * larger). Lookback 1. The first trade is short when bar 1's -DM is > 0,
 * otherwise long; SAR starts at bar 0's low (long) or high (short) with the
 * extreme point at bar 1's high (long) or low (short).
 * SAREXT: the same with startvalue (0 = as SAR, > 0 start long at it, < 0
 * start short at its absolute value), offsetonreverse, and an acceleration
 * init/step/maximum per side, all in [0, 3e37] but the start value; outputs
 * -SAR while short. Lookback 1. */

/* BOP: (close - open)/(high - low), 0 when high - low < 1e-14. Lookback 0. */

/* ------------------------------------------------------------------------ */
/* Volume.                                                                   */
/*   OBV    (close, volume), lookback 0; starts at bar 0's volume, then adds */
/*          / subtracts the volume when the close rises / falls               */
/*   AD     (h, l, c, v), lookback 0; running sum of ((c-l)-(h-c))/(h-l)*v,  */
/*          bars with h <= l add nothing                                      */
/*   ADOSC  (h, l, c, v), fast, slow 2.. (defaults 3, 10); EMA(fast) of AD − */
/*          EMA(slow) of AD, k = 2/(p+1), both seeded with bar 0's AD;       */
/*          lookback max(fast, slow) - 1                                      */
/*   MFI    (h, l, c, v), period 2..; money flow tp*v split by the sign of    */
/*          the tp change (equal: neither); 100*pos/(pos+neg) over p bars, 0 */
/*          when pos+neg < 1; lookback p                                      */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Candlestick patterns (open, high, low, close), TA-Lib's rules with its    */
/* default candle settings. Outputs are 0, ±80 or ±100 stored as doubles (NaN */
/* in the lookback). "Average" below means the mean of a candle feature over */
/* the N bars before the candle it is compared with (that candle excluded):  */
/*                                                                           */
/*   setting          feature                   N   factor                   */
/*   BodyLong         real body |c-o|           10  1.0   long:  body > avg   */
/*   BodyVeryLong     real body                 10  3.0                      */
/*   BodyShort        real body                 10  1.0   short: body < / <= */
/*   BodyDoji         high-low range            10  0.1   doji: body <= avg  */
/*   ShadowLong       real body (own candle)     0  1.0   shadow > body      */
/*   ShadowVeryLong   real body (own candle)     0  2.0   shadow > 2*body    */
/*   ShadowShort      upper+lower shadows       10  1.0   (halved: /2)       */
/*   ShadowVeryShort  high-low range            10  0.1   shadow < avg       */
/*   Near             high-low range             5  0.2                      */
/*   Far              high-low range             5  0.6                      */
/*   Equal            high-low range             5  0.05                     */
/*                                                                           */
/* avg = factor * (sum / N) (/2 for shadows); with N = 0 the candle's own    */
/* feature is used. Default lookbacks: DOJI 10, DRAGONFLYDOJI 10, GRAVESTONEDOJI 10, */
/* MARUBOZU 10, SPINNINGTOP 10, ENGULFING 2, HAMMER 11, HANGINGMAN 11,       */
/* INVERTEDHAMMER 11, SHOOTINGSTAR 11, HARAMI 11, PIERCING 11,               */
/* DARKCLOUDCOVER 11, MORNINGSTAR 12, EVENINGSTAR 12, 3WHITESOLDIERS 12,     */
/* 3BLACKCROWS 13. Penetration (MORNINGSTAR/EVENINGSTAR default 0.3,         */
/* DARKCLOUDCOVER 0.5) is in [0, 3e37].                                      */
/* ------------------------------------------------------------------------ */
/* Pattern ids, one per candlestick row of proratio/ta/list.h in list
 * order: PR_TA_CDL_doji, PR_TA_CDL_dragonflydoji, ... */
typedef enum pr_ta_cdl_pattern {
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)(PR_TA_CDL_##name, )
#include "proratio/ta/list.h"
#undef PR_TA_ROW
    PR_TA_CDL_COUNT
} pr_ta_cdl_pattern;

/* Generic entry points; `penetration` is used by the patterns that take one
 * and ignored by the others (pass a negative value for the default). */
int pr_ta_cdl_lookback(pr_ta_cdl_pattern pattern, int *out);
int pr_ta_cdl(pr_ta_cdl_pattern pattern, size_t n, const double *open, const double *high,
              const double *low, const double *close, double penetration, double *out);
typedef struct pr_ta_cdl_state { struct pr_ta_cdl_impl *p; } pr_ta_cdl_state;
int pr_ta_cdl_init(pr_ta_cdl_state *s, pr_ta_cdl_pattern pattern, double penetration);
int pr_ta_cdl_update(pr_ta_cdl_state *s, double open, double high, double low, double close,
                     double *out);
void pr_ta_cdl_free(pr_ta_cdl_state *s);

/* TA-Lib's candle settings (TA_SetCandleSettings), per call. Each says what
 * a pattern's threshold is measured on (range), over how many candles before
 * the one judged it is averaged (period; 0 = that candle's own), and the
 * factor applied: threshold = factor * average (/ 2 for SHADOWS). Indexed by
 * pr_ta_candle_setting_id, TA-Lib's order; pr_ta_candle_settings_default
 * fills TA-Lib's defaults, which give the outputs of the calls above. */
typedef enum pr_ta_candle_setting_id {
    PR_TA_CANDLE_BODY_LONG, PR_TA_CANDLE_BODY_VERY_LONG, PR_TA_CANDLE_BODY_SHORT, PR_TA_CANDLE_BODY_DOJI,
    PR_TA_CANDLE_SHADOW_LONG, PR_TA_CANDLE_SHADOW_VERY_LONG, PR_TA_CANDLE_SHADOW_SHORT,
    PR_TA_CANDLE_SHADOW_VERY_SHORT, PR_TA_CANDLE_NEAR, PR_TA_CANDLE_FAR, PR_TA_CANDLE_EQUAL,
    PR_TA_CANDLE_SETTING_COUNT
} pr_ta_candle_setting_id;
typedef enum pr_ta_candle_range {
    PR_TA_CANDLE_REALBODY,   /* |close - open| */
    PR_TA_CANDLE_HIGHLOW,    /* high - low */
    PR_TA_CANDLE_SHADOWS     /* upper + lower shadow */
} pr_ta_candle_range;
#define PR_TA_CANDLE_PERIOD_MAX 1000
typedef struct pr_ta_candle_setting {
    int range;        /* pr_ta_candle_range */
    int period;       /* [0, PR_TA_CANDLE_PERIOD_MAX] */
    double factor;    /* finite, >= 0 */
} pr_ta_candle_setting;
typedef struct pr_ta_candle_settings {
    pr_ta_candle_setting s[PR_TA_CANDLE_SETTING_COUNT];
} pr_ta_candle_settings;
void pr_ta_candle_settings_default(pr_ta_candle_settings *out);
/* TA-Lib's names ("BodyDoji", "ShadowVeryShort", case-insensitive) and
 * range names ("RealBody", "HighLow", "Shadows"); -1 when unknown. */
int pr_ta_candle_setting_find(const char *name);
const char *pr_ta_candle_setting_name(int id);
int pr_ta_candle_range_find(const char *name);
const char *pr_ta_candle_range_name(int range);
/* PR_EINVAL when a range, period or factor is out of bounds. */
int pr_ta_candle_settings_check(const pr_ta_candle_settings *cs);

/* The generic forms with candle settings (NULL = the defaults). The
 * lookback moves with the periods: TA-Lib's, the longest period of the
 * settings the pattern uses plus the candles before the current one. */
int pr_ta_cdl_lookback_ex(pr_ta_cdl_pattern pattern, const pr_ta_candle_settings *cs, int *out);
int pr_ta_cdl_ex(pr_ta_cdl_pattern pattern, size_t n, const double *open, const double *high,
                 const double *low, const double *close, double penetration,
                 const pr_ta_candle_settings *cs, double *out);
int pr_ta_cdl_init_ex(pr_ta_cdl_state *s, pr_ta_cdl_pattern pattern, double penetration,
                      const pr_ta_candle_settings *cs);

/* The pattern of a table name ("cdlmorningstar", case-insensitive);
 * PR_ENOTFOUND for a name that is not a candlestick pattern. */
int pr_ta_cdl_pattern_find(const char *name, pr_ta_cdl_pattern *out);

/* Every pattern whose out[pattern] is not NULL (out has PR_TA_CDL_COUNT
 * entries) in one pass over the bars, sharing the candle features and the
 * running averages between patterns: the same outputs as one pr_ta_cdl_ex
 * call per pattern, faster when several are wanted. pens: per pattern
 * penetration (negative = default), or NULL for every default. */
int pr_ta_cdl_all(size_t n, const double *open, const double *high, const double *low, const double *close,
                  const double *pens, const pr_ta_candle_settings *cs, double *const *out);

/* The per-pattern forms pr_ta_cdl_<name>[_lookback/_init/_update/_free]
 * (proratio/ta/indicators.h, shapes CDL and CDL_PEN) run the same engine. */

#ifdef __cplusplus
}
#endif
#include "proratio/ta/indicators.h"
#endif
