/* Candlestick pattern rules (the first seventeen; the cdl_*.c family files
 * hold the others), after TA-Lib 0.6.4's ta_CDL*.c with its default candle
 * settings (see cdl_internal.h). Each rule reads the
 * current candle at index 0 and earlier ones at negative indices; avg[k] is
 * the running average named by the pattern's k-th slot (setting, candles
 * back). Comparisons keep TA-Lib's strictness (< vs <=) exactly. A new
 * pattern is its rule and pr_cdl_def_<name> here or in a family file, plus
 * its CDL/CDL_PEN row of proratio/ta/list.h (which gives its id, typed API
 * and table entry). */
#include "cdl_internal.h"

/* body <= 10% of the average high-low range */
RULE(doji) {
    (void)h; (void)l; (void)pen;
    return RB(0) <= avg[0] ? 100 : 0;
}

/* doji body, very short upper shadow, lower shadow not very short */
RULE(dragonflydoji) {
    (void)pen;
    return (RB(0) <= avg[0] && UP(0) < avg[1] && LO(0) > avg[1]) ? 100 : 0;
}

/* doji body, very short lower shadow, upper shadow not very short */
RULE(gravestonedoji) {
    (void)pen;
    return (RB(0) <= avg[0] && LO(0) < avg[1] && UP(0) > avg[1]) ? 100 : 0;
}

/* long body, both shadows very short; sign = colour */
RULE(marubozu) {
    (void)pen;
    return (RB(0) > avg[0] && UP(0) < avg[1] && LO(0) < avg[1]) ? COLOR(0) * 100 : 0;
}

/* short body, both shadows longer than the body; sign = colour */
RULE(spinningtop) {
    (void)pen;
    return (RB(0) < avg[0] && UP(0) > RB(0) && LO(0) > RB(0)) ? COLOR(0) * 100 : 0;
}

/* opposite colours, current body covers the previous one (one edge may
 * match); 100 when neither open equals the other close, 80 otherwise */
RULE(engulfing) {
    (void)h; (void)l; (void)avg; (void)pen;
    int white_engulfs = COLOR(0) == 1 && COLOR(1) == -1 &&
                        ((c[0] >= o[-1] && o[0] < c[-1]) || (c[0] > o[-1] && o[0] <= c[-1]));
    int black_engulfs = COLOR(0) == -1 && COLOR(1) == 1 &&
                        ((o[0] >= c[-1] && c[0] < o[-1]) || (o[0] > c[-1] && c[0] <= o[-1]));
    if (!white_engulfs && !black_engulfs) return 0;
    return (o[0] != c[-1] && c[0] != o[-1]) ? COLOR(0) * 100 : COLOR(0) * 80;
}

/* small body, long lower shadow, very short upper shadow, body near or
 * below the prior candle's low */
RULE(hammer) {
    (void)pen;
    return (RB(0) < avg[0] && LO(0) > avg[1] && UP(0) < avg[2] &&
            MIN2(c[0], o[0]) <= l[-1] + avg[3]) ? 100 : 0;
}

/* hammer shape with the body near or above the prior candle's high */
RULE(hangingman) {
    (void)pen;
    return (RB(0) < avg[0] && LO(0) > avg[1] && UP(0) < avg[2] &&
            MIN2(c[0], o[0]) >= h[-1] - avg[3]) ? -100 : 0;
}

/* small body, long upper shadow, very short lower shadow, body gaps down */
RULE(invertedhammer) {
    (void)pen;
    return (RB(0) < avg[0] && UP(0) > avg[1] && LO(0) < avg[2] && RB_GAP_DOWN(0, 1)) ? 100 : 0;
}

/* small body, long upper shadow, very short lower shadow, body gaps up */
RULE(shootingstar) {
    (void)pen;
    return (RB(0) < avg[0] && UP(0) > avg[1] && LO(0) < avg[2] && RB_GAP_UP(0, 1)) ? -100 : 0;
}

/* long first body, short second body inside it; 80 when an end matches;
 * sign opposite to the first candle's colour */
RULE(harami) {
    (void)h; (void)l; (void)pen;
    if (!(RB(1) > avg[0] && RB(0) <= avg[1])) return 0;
    double hi0 = MAX2(c[0], o[0]), lo0 = MIN2(c[0], o[0]);
    double hi1 = MAX2(c[-1], o[-1]), lo1 = MIN2(c[-1], o[-1]);
    if (hi0 < hi1 && lo0 > lo1) return -COLOR(1) * 100;
    if (hi0 <= hi1 && lo0 >= lo1) return -COLOR(1) * 80;
    return 0;
}

/* long black, then long white opening below its low and closing above its
 * body's midpoint but inside the body */
RULE(piercing) {
    (void)h; (void)pen;
    return (COLOR(1) == -1 && RB(1) > avg[0] && COLOR(0) == 1 && RB(0) > avg[1] &&
            o[0] < l[-1] && c[0] < o[-1] && c[0] > c[-1] + RB(1) * 0.5) ? 100 : 0;
}

/* long white, then black opening above its high and closing inside its body,
 * below close - body*penetration */
RULE(darkcloudcover) {
    (void)l;
    return (COLOR(1) == 1 && RB(1) > avg[0] && COLOR(0) == -1 && o[0] > h[-1] &&
            c[0] > o[-1] && c[0] < c[-1] - RB(1) * pen) ? -100 : 0;
}

/* long black, short body gapping down, then a white body longer than short
 * closing above the first close + body*penetration */
RULE(morningstar) {
    (void)h; (void)l;
    return (RB(2) > avg[0] && COLOR(2) == -1 && RB(1) <= avg[1] && RB_GAP_DOWN(1, 2) &&
            RB(0) > avg[2] && COLOR(0) == 1 && c[0] > c[-2] + RB(2) * pen) ? 100 : 0;
}

/* long white, short body gapping up, then a black body longer than short
 * closing below the first close - body*penetration */
RULE(eveningstar) {
    (void)h; (void)l;
    return (RB(2) > avg[0] && COLOR(2) == 1 && RB(1) <= avg[1] && RB_GAP_UP(1, 2) &&
            RB(0) > avg[2] && COLOR(0) == -1 && c[0] < c[-2] - RB(2) * pen) ? -100 : 0;
}

/* three white candles with very short upper shadows, higher closes, each
 * opening within/near the prior body, none far shorter than the prior one,
 * the last not short. Slots: SVS@2, SVS@1, SVS@0, Near@2, Near@1, Far@2,
 * Far@1, BodyShort@0 */
RULE(threewhitesoldiers) {
    (void)l; (void)pen;
    return (COLOR(2) == 1 && UP(2) < avg[0] && COLOR(1) == 1 && UP(1) < avg[1] &&
            COLOR(0) == 1 && UP(0) < avg[2] && c[0] > c[-1] && c[-1] > c[-2] &&
            o[-1] > o[-2] && o[-1] <= c[-2] + avg[3] && o[0] > o[-1] && o[0] <= c[-1] + avg[4] &&
            RB(1) > RB(2) - avg[5] && RB(0) > RB(1) - avg[6] && RB(0) > avg[7]) ? 100 : 0;
}

/* a white candle, then three declining black candles with very short lower
 * shadows, each opening within the prior body, the first closing under the
 * white candle's high */
RULE(threeblackcrows) {
    (void)pen;
    return (COLOR(3) == 1 && COLOR(2) == -1 && LO(2) < avg[0] && COLOR(1) == -1 &&
            LO(1) < avg[1] && COLOR(0) == -1 && LO(0) < avg[2] && o[-1] < o[-2] &&
            o[-1] > c[-2] && o[0] < o[-1] && o[0] > c[-1] && h[-3] > c[-2] && c[-2] > c[-1] &&
            c[-1] > c[0]) ? -100 : 0;
}

CDL_DEF(doji, 10, 1, 1, {S(BODY_DOJI, 0)}, doji, NULL, 0)
CDL_DEF(dragonflydoji, 10, 1, 2, {S(BODY_DOJI, 0), S(SHADOW_VERY_SHORT, 0)}, dragonflydoji, NULL, 0)
CDL_DEF(gravestonedoji, 10, 1, 2, {S(BODY_DOJI, 0), S(SHADOW_VERY_SHORT, 0)}, gravestonedoji, NULL, 0)
CDL_DEF(marubozu, 10, 1, 2, {S(BODY_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, marubozu, NULL, 0)
CDL_DEF(spinningtop, 10, 1, 1, {S(BODY_SHORT, 0)}, spinningtop, NULL, 0)
CDL_DEF(engulfing, 2, 2, 0, {{0, 0}}, engulfing, NULL, 0)
CDL_DEF(hammer, 11, 2, 4, {S(BODY_SHORT, 0), S(SHADOW_LONG, 0), S(SHADOW_VERY_SHORT, 0), S(NEAR, 1)}, hammer, NULL, 0)
CDL_DEF(hangingman, 11, 2, 4, {S(BODY_SHORT, 0), S(SHADOW_LONG, 0), S(SHADOW_VERY_SHORT, 0), S(NEAR, 1)}, hangingman, NULL, 0)
CDL_DEF(invertedhammer, 11, 2, 3, {S(BODY_SHORT, 0), S(SHADOW_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, invertedhammer, NULL, 0)
CDL_DEF(shootingstar, 11, 2, 3, {S(BODY_SHORT, 0), S(SHADOW_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, shootingstar, NULL, 0)
CDL_DEF(harami, 11, 2, 2, {S(BODY_LONG, 1), S(BODY_SHORT, 0)}, harami, NULL, 0)
CDL_DEF(piercing, 11, 2, 2, {S(BODY_LONG, 1), S(BODY_LONG, 0)}, piercing, NULL, 0)
CDL_DEF(darkcloudcover, 11, 2, 1, {S(BODY_LONG, 1)}, darkcloudcover, NULL, 0)
CDL_DEF(morningstar, 12, 3, 3, {S(BODY_LONG, 2), S(BODY_SHORT, 1), S(BODY_SHORT, 0)}, morningstar, NULL, 0)
CDL_DEF(eveningstar, 12, 3, 3, {S(BODY_LONG, 2), S(BODY_SHORT, 1), S(BODY_SHORT, 0)}, eveningstar, NULL, 0)
CDL_DEF(3whitesoldiers, 12, 3, 8, {S(SHADOW_VERY_SHORT, 2), S(SHADOW_VERY_SHORT, 1), S(SHADOW_VERY_SHORT, 0), S(NEAR, 2), S(NEAR, 1), S(FAR, 2), S(FAR, 1), S(BODY_SHORT, 0)}, threewhitesoldiers, NULL, 0)
CDL_DEF(3blackcrows, 13, 4, 3, {S(SHADOW_VERY_SHORT, 2), S(SHADOW_VERY_SHORT, 1), S(SHADOW_VERY_SHORT, 0)}, threeblackcrows, NULL, 0)
