/* Candlestick patterns on hand-built candles, with the expected code worked
 * out from TA-Lib's rules and default candle settings; positive and
 * negative cases per pattern, batch and streaming agreeing bit for bit. Then
 * every pattern over the 3000 golden bars: the counts are printed and only
 * checked for plausibility (the exact counts are not an outside reference).
 *
 * Background: each case starts with identical bars o=100 h=102 l=99 c=101
 * (white, body 1, range 3, both shadows 1), so over background bars:
 *   BodyLong / BodyShort average body      = 1.0   (long: > 1, short: < / <= 1)
 *   BodyDoji        0.1 * average range     = 0.3   (doji: body <= 0.3)
 *   ShadowVeryShort 0.1 * average range     = 0.3   (very short: < 0.3)
 *   Near            0.2 * average range (5) = 0.6
 *   Far             0.6 * average range (5) = 1.8
 *   ShadowLong      the candle's own body   (long shadow: > body)
 * An average taken over a window that already contains pattern candles is
 * worked out in the case's comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"
#include "ta/golden.h"

typedef struct candle { double o, h, l, c; } candle;

typedef struct ccase {
    const char *what;
    pr_ta_cdl_pattern pattern;
    double pen;             /* < 0: default */
    int background;         /* background bars before the pattern candles */
    int ncandles;
    candle k[5];            /* pattern candles, oldest first */
    int expect;             /* code on the last candle */
} ccase;

#define BG {100, 102, 99, 101}

static const ccase cases[] = {
    /* DOJI: body 0.2 <= 0.3 -> 100; body 0.4 > 0.3 -> 0 */
    {"doji", PR_TA_CDL_doji, -1, 10, 1, {{100, 101.5, 98.5, 100.2}}, 100},
    {"doji not", PR_TA_CDL_doji, -1, 10, 1, {{100, 101.5, 98.5, 100.4}}, 0},
    /* DRAGONFLY: body 0.1 <= 0.3, upper 0.05 < 0.3, lower 2 > 0.3 -> 100;
     * upper 0.9 -> 0 */
    {"dragonfly", PR_TA_CDL_dragonflydoji, -1, 10, 1, {{100, 100.15, 98, 100.1}}, 100},
    {"dragonfly not", PR_TA_CDL_dragonflydoji, -1, 10, 1, {{100, 101, 98, 100.1}}, 0},
    /* GRAVESTONE: body 0.1, lower 0.05 < 0.3, upper 1.9 > 0.3 -> 100; lower 1 -> 0 */
    {"gravestone", PR_TA_CDL_gravestonedoji, -1, 10, 1, {{100, 102, 99.95, 100.1}}, 100},
    {"gravestone not", PR_TA_CDL_gravestonedoji, -1, 10, 1, {{100, 102, 99, 100.1}}, 0},
    /* MARUBOZU: body 3 > 1, shadows 0.1 < 0.3: white +100, black -100;
     * upper shadow 1 -> 0 */
    {"marubozu white", PR_TA_CDL_marubozu, -1, 10, 1, {{100, 103.1, 99.9, 103}}, 100},
    {"marubozu black", PR_TA_CDL_marubozu, -1, 10, 1, {{103, 103.1, 99.9, 100}}, -100},
    {"marubozu not", PR_TA_CDL_marubozu, -1, 10, 1, {{100, 104, 99.9, 103}}, 0},
    /* SPINNING TOP: body 0.5 < 1, shadows 1.5 > 0.5: sign = colour; body
     * 1.5 -> 0 */
    {"spinningtop white", PR_TA_CDL_spinningtop, -1, 10, 1, {{100, 102, 98.5, 100.5}}, 100},
    {"spinningtop black", PR_TA_CDL_spinningtop, -1, 10, 1, {{100.5, 102, 98.5, 100}}, -100},
    {"spinningtop not", PR_TA_CDL_spinningtop, -1, 10, 1, {{100, 103, 99, 101.5}}, 0},
    /* ENGULFING (lookback 2): black 101->100 then white 99.5->101.5 covers it
     * with no edge equal -> +100; white 100->101.5 (open == prior close) ->
     * +80; white 100->101 (both edges equal) is not engulfing -> 0; white
     * then black 101.5->99.5 -> -100; two white candles -> 0 */
    {"engulfing bull", PR_TA_CDL_engulfing, -1, 2, 2, {{101, 101.2, 99.8, 100}, {99.5, 101.6, 99.4, 101.5}}, 100},
    {"engulfing bull 80", PR_TA_CDL_engulfing, -1, 2, 2, {{101, 101.2, 99.8, 100}, {100, 101.6, 99.9, 101.5}}, 80},
    {"engulfing both edges", PR_TA_CDL_engulfing, -1, 2, 2, {{101, 101.2, 99.8, 100}, {100, 101.2, 99.9, 101}}, 0},
    {"engulfing bear", PR_TA_CDL_engulfing, -1, 2, 2, {{100, 101.2, 99.8, 101}, {101.5, 101.6, 99.4, 99.5}}, -100},
    {"engulfing same colour", PR_TA_CDL_engulfing, -1, 2, 2, {{100, 101.2, 99.8, 101}, {99.5, 101.6, 99.4, 101.5}}, 0},
    /* HAMMER: body 0.4 < 1, lower 2.2 > 0.4, upper 0.1 < 0.3, min(o,c) 99.2
     * <= prior low 99 + Near 0.6 -> 100; body at 99.8 > 99.6 -> 0 */
    {"hammer", PR_TA_CDL_hammer, -1, 11, 1, {{99.2, 99.7, 97, 99.6}}, 100},
    {"hammer not near low", PR_TA_CDL_hammer, -1, 11, 1, {{99.8, 100.3, 97.8, 100.2}}, 0},
    /* HANGING MAN: same shape with min(o,c) 101.6 >= prior high 102 - 0.6 ->
     * -100; the hammer candle above (99.2 < 101.4) -> 0 */
    {"hangingman", PR_TA_CDL_hangingman, -1, 11, 1, {{101.6, 102.1, 99.5, 102}}, -100},
    {"hangingman not", PR_TA_CDL_hangingman, -1, 11, 1, {{99.2, 99.7, 97, 99.6}}, 0},
    /* INVERTED HAMMER: body 0.3 < 1, upper 1.2 > 0.3, lower 0.05 < 0.3,
     * body top 99.8 < prior body bottom 100 -> 100; top 100.2 -> 0 */
    {"invertedhammer", PR_TA_CDL_invertedhammer, -1, 11, 1, {{99.5, 101, 99.45, 99.8}}, 100},
    {"invertedhammer no gap", PR_TA_CDL_invertedhammer, -1, 11, 1, {{99.9, 101.5, 99.85, 100.2}}, 0},
    /* SHOOTING STAR: body 0.3, upper 1.5, lower 0.05, body bottom 101.2 >
     * prior body top 101 -> -100; bottom 100.9 -> 0 */
    {"shootingstar", PR_TA_CDL_shootingstar, -1, 11, 1, {{101.2, 103, 101.15, 101.5}}, -100},
    {"shootingstar no gap", PR_TA_CDL_shootingstar, -1, 11, 1, {{100.9, 103, 100.85, 101.2}}, 0},
    /* HARAMI: first black 104->100 (body 4 > 1). BodyShort for the second
     * averages 9 background bodies and the first: (9+4)/10 = 1.3. Second
     * white 101->102 (body 1 <= 1.3) strictly inside -> +100; 100->101
     * touches the low edge -> +80; body 2 -> 0; first white, second inside ->
     * -100 */
    {"harami bull", PR_TA_CDL_harami, -1, 10, 2, {{104, 104.5, 99.5, 100}, {101, 102.2, 100.8, 102}}, 100},
    {"harami bull 80", PR_TA_CDL_harami, -1, 10, 2, {{104, 104.5, 99.5, 100}, {100, 101.2, 99.8, 101}}, 80},
    {"harami long second", PR_TA_CDL_harami, -1, 10, 2, {{104, 104.5, 99.5, 100}, {101, 103.2, 100.8, 103}}, 0},
    {"harami bear", PR_TA_CDL_harami, -1, 10, 2, {{100, 104.5, 99.5, 104}, {102, 102.2, 100.8, 101}}, -100},
    /* PIERCING: black 104->100 (body 4 > 1); BodyLong for the second =
     * (9+4)/10 = 1.3; white 99.5->102.5: body 3 > 1.3, opens below the low
     * 99.8, closes below 104 and above 100 + 4*0.5 = 102 -> 100; close 101.9
     * -> 0 */
    {"piercing", PR_TA_CDL_piercing, -1, 10, 2, {{104, 104.2, 99.8, 100}, {99.5, 102.6, 99.4, 102.5}}, 100},
    {"piercing shallow", PR_TA_CDL_piercing, -1, 10, 2, {{104, 104.2, 99.8, 100}, {99.5, 102, 99.4, 101.9}}, 0},
    /* DARK CLOUD COVER (penetration 0.5): white 100->104 (body 4 > 1); black
     * opening 104.5 above the high 104.2, closing 101.5 above 100 and below
     * 104 - 4*0.5 = 102 -> -100; close 102.5 -> 0, but with penetration 0.2
     * the bound is 104 - 0.8 = 103.2 -> -100 */
    {"darkcloud", PR_TA_CDL_darkcloudcover, -1, 10, 2, {{100, 104.2, 99.8, 104}, {104.5, 104.6, 101.4, 101.5}}, -100},
    {"darkcloud shallow", PR_TA_CDL_darkcloudcover, -1, 10, 2, {{100, 104.2, 99.8, 104}, {104.5, 104.6, 102.4, 102.5}}, 0},
    {"darkcloud pen 0.2", PR_TA_CDL_darkcloudcover, 0.2, 10, 2, {{100, 104.2, 99.8, 104}, {104.5, 104.6, 102.4, 102.5}}, -100},
    /* MORNING STAR (penetration 0.3): black 105->100 (body 5 > 1); star
     * 99->98.8 (body 0.2 <= (9+5)/10 = 1.4) gapping down below 100; white
     * 99.5->102.5 (body 3 > (8+5+0.2)/10 = 1.32) closing above 100 + 5*0.3
     * = 101.5 -> 100; close 101.2 -> 0, but 100 with penetration 0.1 (100.5) */
    {"morningstar", PR_TA_CDL_morningstar, -1, 10, 3,
     {{105, 105.2, 99.8, 100}, {99, 99.1, 98.5, 98.8}, {99.5, 102.6, 99.4, 102.5}}, 100},
    {"morningstar shallow", PR_TA_CDL_morningstar, -1, 10, 3,
     {{105, 105.2, 99.8, 100}, {99, 99.1, 98.5, 98.8}, {99.5, 101.3, 99.4, 101.2}}, 0},
    {"morningstar pen 0.1", PR_TA_CDL_morningstar, 0.1, 10, 3,
     {{105, 105.2, 99.8, 100}, {99, 99.1, 98.5, 98.8}, {99.5, 101.3, 99.4, 101.2}}, 100},
    /* EVENING STAR: white 100->105; star 106->106.2 gapping up above 105;
     * black 105.5->102.5 (body 3 > 1.32) closing below 105 - 1.5 = 103.5 ->
     * -100; close 103.8 -> 0 */
    {"eveningstar", PR_TA_CDL_eveningstar, -1, 10, 3,
     {{100, 105.2, 99.8, 105}, {106, 106.4, 105.9, 106.2}, {105.5, 105.6, 102.4, 102.5}}, -100},
    {"eveningstar shallow", PR_TA_CDL_eveningstar, -1, 10, 3,
     {{100, 105.2, 99.8, 105}, {106, 106.4, 105.9, 106.2}, {105.5, 105.6, 103.7, 103.8}}, 0},
    /* THREE WHITE SOLDIERS: bodies 2 each, upper shadows 0.1 (very-short
     * bounds 0.3, (27+2.2)/10*0.1 = 0.292, (24+4.4)/10*0.1 = 0.284), higher
     * closes, opens 101.5 in (100, 102 + 0.6] and 103 in (101.5, 103.5 +
     * 0.2*(12+2.2)/5 = 104.068], not far shorter (2 > 2 - 1.8, 2 > 2 -
     * 0.6*2.84), last body 2 > (8+2+2)/10 = 1.2 -> 100; last upper shadow 0.5
     * -> 0 */
    {"3whitesoldiers", PR_TA_CDL_3whitesoldiers, -1, 10, 3,
     {{100, 102.1, 99.9, 102}, {101.5, 103.6, 101.4, 103.5}, {103, 105.1, 102.9, 105}}, 100},
    {"3whitesoldiers shadow", PR_TA_CDL_3whitesoldiers, -1, 10, 3,
     {{100, 102.1, 99.9, 102}, {101.5, 103.6, 101.4, 103.5}, {103, 105.5, 102.9, 105}}, 0},
    /* THREE BLACK CROWS: after a white background candle (high 102), three
     * black bodies of 1.3-2 with lower shadows 0.05 (bounds 0.3, 0.2915,
     * 0.283), each opening inside the prior body, closes 99.8 > 98.5 > 97.2,
     * first close under 102 -> -100; with a black candle before -> 0 */
    {"3blackcrows", PR_TA_CDL_3blackcrows, -1, 11, 3,
     {{101.8, 101.9, 99.75, 99.8}, {100.5, 100.6, 98.45, 98.5}, {99.2, 99.3, 97.15, 97.2}}, -100},
    {"3blackcrows after black", PR_TA_CDL_3blackcrows, -1, 10, 4,
     {{101, 102, 99, 100}, {101.8, 101.9, 99.75, 99.8}, {100.5, 100.6, 98.45, 98.5}, {99.2, 99.3, 97.15, 97.2}}, 0},

    /* ---- the eight patterns that fire on neither golden file (BTC 1h nor
     * AAPL daily); each rule as TA-Lib 0.6.4 states it, worked by hand. ---- */

    /* THREE STARS IN THE SOUTH (lookback 12). A black 103->100 (body 3 >
     * BodyLong 1.0; lower shadow 100-96.5 = 3.5 > ShadowLong = its own body
     * 3). B black 101.5->100.5: body 1 < 3; opens above A's close 100 and
     * not above A's high 103.1; low 98 under 100 and not under A's low 96.5;
     * lower shadow 100.5-98 = 2.5 > ShadowVeryShort 0.1*(9*3 + 6.6)/10 =
     * 0.336. C black 100->99.5: body 0.5 < BodyShort (8*1 + 3 + 1)/10 = 1.2;
     * shadows 0.05 < 0.1*(8*3 + 6.6 + 3.6)/10 = 0.342; inside B's range
     * (99.45 > 98, 100.05 < 101.6) -> 100. C's lower shadow 0.5 > 0.342 -> 0 */
    {"3starsinsouth", PR_TA_CDL_3starsinsouth, -1, 10, 3,
     {{103, 103.1, 96.5, 100}, {101.5, 101.6, 98, 100.5}, {100, 100.05, 99.45, 99.5}}, 100},
    {"3starsinsouth shadow", PR_TA_CDL_3starsinsouth, -1, 10, 3,
     {{103, 103.1, 96.5, 100}, {101.5, 101.6, 98, 100.5}, {100, 100.05, 99.0, 99.5}}, 0},
    /* ABANDONED BABY (penetration 0.3, lookback 12). A black 105->100 (body
     * 5 > 1.0). B doji 99->99.05: body 0.05 <= BodyDoji 0.1*(9*3 + 5.4)/10 =
     * 0.324, its whole range (high 99.3) under A's low 99.8. C white
     * 99.6->102: body 2.4 > BodyShort (8 + 5 + 0.05)/10 = 1.305, low 99.5
     * above B's high 99.3, close 102 > 100 + 5*0.3 = 101.5 -> +100. C's low
     * at 99.2 (no gap over B's high) -> 0 */
    {"abandonedbaby", PR_TA_CDL_abandonedbaby, -1, 10, 3,
     {{105, 105.2, 99.8, 100}, {99, 99.3, 98.7, 99.05}, {99.6, 102.1, 99.5, 102}}, 100},
    {"abandonedbaby no gap", PR_TA_CDL_abandonedbaby, -1, 10, 3,
     {{105, 105.2, 99.8, 100}, {99, 99.3, 98.7, 99.05}, {99.6, 102.1, 99.2, 102}}, 0},
    /* BREAKAWAY (lookback 14). A black 105->101 (body 4 > 1.0). B black
     * 100.5->99.5, body under A's body (100.5 < 101). C: high 99.5 < 100.6
     * and low 98.6 < 99.3. D black: high 98.8 < 99.5, low 97.9 < 98.6. E
     * white (A, B, D black), closing at 100.8, inside the gap (above B's
     * open 100.5, below A's close 101) -> +100. E closing at 101.2 -> 0 */
    {"breakaway", PR_TA_CDL_breakaway, -1, 10, 5,
     {{105, 105.2, 100.8, 101}, {100.5, 100.6, 99.3, 99.5}, {99.4, 99.5, 98.6, 98.8},
      {98.7, 98.8, 97.9, 98.0}, {98.2, 100.9, 98.1, 100.8}}, 100},
    {"breakaway past the gap", PR_TA_CDL_breakaway, -1, 10, 5,
     {{105, 105.2, 100.8, 101}, {100.5, 100.6, 99.3, 99.5}, {99.4, 99.5, 98.6, 98.8},
      {98.7, 98.8, 97.9, 98.0}, {98.2, 101.3, 98.1, 101.2}}, 0},
    /* CONCEALING BABY SWALLOW (lookback 13). A black marubozu 103->100
     * (shadows 0.05 < 0.3). B black marubozu 99.8->97.5 (shadows 0.05 <
     * 0.1*(9*3 + 3.1)/10 = 0.301). C black 97->96.5, body under B's (97 <
     * 97.5), upper shadow 98-97 = 1 > 0.1*(8*3 + 3.1 + 2.4)/10 = 0.295,
     * high 98 above B's close 97.5. D black with high 98.3 > 98 and low 95.9
     * < 96.4 -> 100. D's high 97.9 (not over C's) -> 0 */
    {"concealbabyswall", PR_TA_CDL_concealbabyswall, -1, 10, 4,
     {{103, 103.05, 99.95, 100}, {99.8, 99.85, 97.45, 97.5}, {97, 98, 96.4, 96.5}, {98.2, 98.3, 95.9, 96}}, 100},
    {"concealbabyswall not engulfing", PR_TA_CDL_concealbabyswall, -1, 10, 4,
     {{103, 103.05, 99.95, 100}, {99.8, 99.85, 97.45, 97.5}, {97, 98, 96.4, 96.5}, {97.8, 97.9, 95.9, 96}}, 0},
    /* KICKING (lookback 11). A black marubozu 102->100 (body 2 > 1.0,
     * shadows 0.05 < 0.3). B white marubozu 102.5->104.5: body 2 > (9 +
     * 2)/10 = 1.1, shadows 0.05 < 0.1*(9*3 + 2.1)/10 = 0.291, low 102.45
     * above A's high 102.05 -> +100 (B's colour). B's low at 102 (no gap) ->
     * 0. By length: equal bodies 2 and 2 take the first candle's colour ->
     * -100; B 102.5->105 (body 2.5 > 2) -> +100 */
    {"kicking", PR_TA_CDL_kicking, -1, 10, 2, {{102, 102.05, 99.95, 100}, {102.5, 104.55, 102.45, 104.5}}, 100},
    {"kicking no gap", PR_TA_CDL_kicking, -1, 10, 2, {{102, 102.05, 99.95, 100}, {102.5, 104.55, 102.0, 104.5}}, 0},
    {"kickingbylength tie", PR_TA_CDL_kickingbylength, -1, 10, 2,
     {{102, 102.05, 99.95, 100}, {102.5, 104.55, 102.45, 104.5}}, -100},
    {"kickingbylength longer second", PR_TA_CDL_kickingbylength, -1, 10, 2,
     {{102, 102.05, 99.95, 100}, {102.5, 105.05, 102.45, 105}}, 100},
    /* MAT HOLD (penetration 0.5, lookback 14). A white 100->104 (body 4 >
     * 1.0). B black 105->104.5: body 0.5 < (9 + 4)/10 = 1.3, body over A's
     * (104.5 > 104). C black 104.3->103.8: body 0.5 < (8 + 4 + 0.5)/10 =
     * 1.25; body bottom 103.8 under A's close 104 and above 104 - 4*0.5 =
     * 102; top 104.3 under B's open 105. D black 103.9->103.4: body 0.5 <
     * (7 + 4 + 1)/10 = 1.2; bottom 103.4 in (102, 104); top 103.9 < 104.3.
     * E white opening 103.6 above D's close 103.4, closing 106 above the
     * highest of B, C, D (105.1) -> 100. Penetration 0.1: the floor is 104 -
     * 0.4 = 103.6 and D's bottom 103.4 is under it -> 0 */
    {"mathold", PR_TA_CDL_mathold, -1, 10, 5,
     {{100, 104.1, 99.9, 104}, {105, 105.1, 104.4, 104.5}, {104.3, 104.4, 103.7, 103.8},
      {103.9, 104.0, 103.3, 103.4}, {103.6, 106.1, 103.5, 106}}, 100},
    {"mathold pen 0.1", PR_TA_CDL_mathold, 0.1, 10, 5,
     {{100, 104.1, 99.9, 104}, {105, 105.1, 104.4, 104.5}, {104.3, 104.4, 103.7, 103.8},
      {103.9, 104.0, 103.3, 103.4}, {103.6, 106.1, 103.5, 106}}, 0},
    /* STICK SANDWICH (lookback 7; five background bars, so Equal = 0.05 *
     * 3 = 0.15). A black 101->99. B white with low 99.4 above A's close 99.
     * C black closing 99.1, within 0.15 of A's close -> 100. Closing 99.2
     * (0.2 away) -> 0 */
    {"sticksandwich", PR_TA_CDL_sticksandwich, -1, 5, 3,
     {{101, 101.1, 98.9, 99}, {99.5, 101.6, 99.4, 101.5}, {101.8, 101.9, 99.0, 99.1}}, 100},
    {"sticksandwich unequal", PR_TA_CDL_sticksandwich, -1, 5, 3,
     {{101, 101.1, 98.9, 99}, {99.5, 101.6, 99.4, 101.5}, {101.8, 101.9, 99.0, 99.2}}, 0},
};

/* Batch and streaming over the bars; both must agree; returns the batch
 * output of the last bar. */
static double run_last(pr_ta_cdl_pattern pat, double pen, size_t n, const double *o, const double *h,
                       const double *l, const double *c) {
    double *out = malloc(n * sizeof *out);
    assert_non_null(out);
    assert_int_equal(pr_ta_cdl(pat, n, o, h, l, c, pen, out), PR_OK);
    pr_ta_cdl_state st = {0};
    assert_int_equal(pr_ta_cdl_init(&st, pat, pen), PR_OK);
    int lb;
    assert_int_equal(pr_ta_cdl_lookback(pat, &lb), PR_OK);
    for (size_t i = 0; i < n; i++) {
        double v;
        assert_int_equal(pr_ta_cdl_update(&st, o[i], h[i], l[i], c[i], &v), PR_OK);
        assert_true((isnan(v) && isnan(out[i])) || v == out[i]);
        assert_true(isnan(out[i]) == (i < (size_t)lb));
    }
    pr_ta_cdl_free(&st);
    double last = out[n - 1];
    free(out);
    return last;
}

static void test_hand_cases(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const ccase *cc = &cases[k];
        size_t n = (size_t)(cc->background + cc->ncandles);
        double o[32], h[32], l[32], c[32];
        const candle bg = BG;
        for (size_t i = 0; i < n; i++) {
            const candle *b = i < (size_t)cc->background ? &bg : &cc->k[i - (size_t)cc->background];
            o[i] = b->o;
            h[i] = b->h;
            l[i] = b->l;
            c[i] = b->c;
        }
        double got = run_last(cc->pattern, cc->pen, n, o, h, l, c);
        if (got != (double)cc->expect) fail_msg("%s: got %g, want %d", cc->what, got, cc->expect);
    }
}

/* The per-pattern entry points agree with the generic one. */
static void test_named_entry_points(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("cdl_hammer.csv", &g), 0);
    size_t n = g.n;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_true(a && b);
    assert_int_equal(pr_ta_cdl_hammer(n, g.open, g.high, g.low, g.close, a), PR_OK);
    assert_int_equal(pr_ta_cdl(PR_TA_CDL_hammer, n, g.open, g.high, g.low, g.close, -1, b), PR_OK);
    pr_golden_expect_same("hammer", a, b, n);
    assert_int_equal(pr_ta_cdl_morningstar(n, g.open, g.high, g.low, g.close, 0.3, a), PR_OK);
    assert_int_equal(pr_ta_cdl(PR_TA_CDL_morningstar, n, g.open, g.high, g.low, g.close, -1, b), PR_OK);
    pr_golden_expect_same("morningstar", a, b, n);
    int lb;
    assert_int_equal(pr_ta_cdl_eveningstar_lookback(0.3, &lb), PR_OK);
    assert_int_equal(lb, 12);
    free(a);
    free(b);
    pr_golden_free(&g);
}

/* Counts over 3000 real hourly bars: printed; only plausibility asserted
 * (nothing on every bar, no values other than 0/±80/±100 (±200 for the
 * hikkakes), and the patterns
 * that are common on crypto hourly data do occur). */
static void test_golden_counts(void **state) {
    (void)state;
    pr_golden g;
    assert_int_equal(pr_golden_load("cdl_doji.csv", &g), 0);
    size_t n = g.n;
    double *out = malloc(n * sizeof *out);
    assert_non_null(out);
    static const char *const names[PR_TA_CDL_COUNT] = {
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)(#name, )
#include "proratio/ta/list.h"
#undef PR_TA_ROW
    };
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        assert_int_equal(pr_ta_cdl((pr_ta_cdl_pattern)p, n, g.open, g.high, g.low, g.close, -1, out), PR_OK);
        size_t hits = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(out[i])) continue;
            double v = fabs(out[i]);
            int hikkake = p == PR_TA_CDL_hikkake || p == PR_TA_CDL_hikkakemod; /* +-200: confirmed */
            assert_true(v == 0 || v == 80 || v == 100 || (hikkake && v == 200));
            hits += v != 0;
        }
        printf("  %-15s %4zu / %zu bars\n", names[p], hits, n);
        assert_true(hits < n / 3);
        if (p == PR_TA_CDL_doji || p == PR_TA_CDL_spinningtop || p == PR_TA_CDL_engulfing ||
            p == PR_TA_CDL_harami)
            assert_true(hits > 0);
    }
    free(out);
    pr_golden_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_cases),
        cmocka_unit_test(test_named_entry_points),
        cmocka_unit_test(test_golden_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
