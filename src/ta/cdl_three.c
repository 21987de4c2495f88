/* Three-candle patterns beyond the first seventeen: two crows, three
 * inside/outside, three stars in the south, abandoned baby, advance block,
 * evening/morning doji star, up/down-gap side-by-side white lines, identical
 * three crows, stalled pattern, stick sandwich, tasuki gap, tristar, unique
 * three river, upside gap two crows and up/downside gap three methods.
 * Thresholds follow TA-Lib 0.6.4's rules with its default candle settings,
 * in its arithmetic order. */
#include "cdl_internal.h"

/* long white, black gapping up, black opening inside the second body and
 * closing inside the first */
RULE(twocrows) {
    return (COLOR(2) == 1 && RB(2) > avg[0] && COLOR(1) == -1 && RB_GAP_UP(1, 2) && COLOR(0) == -1 &&
            o[0] < o[-1] && o[0] > c[-1] && c[0] > o[-2] && c[0] < c[-2]) ? -100 : 0;
}

/* harami (long, then short inside its body), then a candle of the opposite
 * colour closing beyond the first open; sign opposite to the first colour */
RULE(threeinside) {
    return (RB(2) > avg[0] && RB(1) <= avg[1] && BODY_HI(1) < BODY_HI(2) && BODY_LO(1) > BODY_LO(2) &&
            ((COLOR(2) == 1 && COLOR(0) == -1 && c[0] < o[-2]) ||
             (COLOR(2) == -1 && COLOR(0) == 1 && c[0] > o[-2]))) ? -COLOR(2) * 100 : 0;
}

/* engulfing, then a third candle closing further in its direction */
RULE(threeoutside) {
    return ((COLOR(1) == 1 && COLOR(2) == -1 && c[-1] > o[-2] && o[-1] < c[-2] && c[0] > c[-1]) ||
            (COLOR(1) == -1 && COLOR(2) == 1 && o[-1] > c[-2] && c[-1] < o[-2] && c[0] < c[-1]))
               ? COLOR(1) * 100 : 0;
}

/* three black: long with a long lower shadow; smaller, opening higher but
 * inside the first range, trading under the first close, low not under the
 * first low, with a lower shadow; a small marubozu inside the second range.
 * Slots: BodyLong@2, ShadowLong@2, SVS@1, SVS@0, BodyShort@0 */
RULE(threestarsinsouth) {
    return (COLOR(2) == -1 && COLOR(1) == -1 && COLOR(0) == -1 && RB(2) > avg[0] && LO(2) > avg[1] &&
            RB(1) < RB(2) && o[-1] > c[-2] && o[-1] <= h[-2] && l[-1] < c[-2] && l[-1] >= l[-2] &&
            LO(1) > avg[2] && RB(0) < avg[4] && LO(0) < avg[3] && UP(0) < avg[3] && l[0] > l[-1] &&
            h[0] < h[-1]) ? 100 : 0;
}

/* long candle, doji with its range gapping away, then an opposite candle
 * longer than short gapping back and closing well inside the first body */
RULE(abandonedbaby) {
    if (!(RB(2) > avg[0] && RB(1) <= avg[1] && RB(0) > avg[2])) return 0;
    int bear = COLOR(2) == 1 && COLOR(0) == -1 && c[0] < c[-2] - RB(2) * pen && GAP_UP(1, 2) &&
               GAP_DOWN(0, 1);
    int bull = COLOR(2) == -1 && COLOR(0) == 1 && c[0] > c[-2] + RB(2) * pen && GAP_DOWN(1, 2) &&
               GAP_UP(0, 1);
    return (bear || bull) ? COLOR(0) * 100 : 0;
}

/* three white with higher closes, each opening within/near the prior body,
 * the first long with a short upper shadow, and the advance weakening.
 * Slots: ShadowShort@2,@1,@0, ShadowLong@0, Near@2,@1, Far@2,@1, BodyLong@2 */
RULE(advanceblock) {
    if (!(COLOR(2) == 1 && COLOR(1) == 1 && COLOR(0) == 1 && c[0] > c[-1] && c[-1] > c[-2] &&
          o[-1] > o[-2] && o[-1] <= c[-2] + avg[4] && o[0] > o[-1] && o[0] <= c[-1] + avg[5] &&
          RB(2) > avg[8] && UP(2) < avg[0]))
        return 0;
    int weak = (RB(1) < RB(2) - avg[6] && RB(0) < RB(1) + avg[5]) || RB(0) < RB(1) - avg[7] ||
               (RB(0) < RB(1) && RB(1) < RB(2) && (UP(0) > avg[2] || UP(1) > avg[1])) ||
               (RB(0) < RB(1) && UP(0) > avg[3]);
    return weak ? -100 : 0;
}

/* long black, doji whose body gaps down, white longer than short closing
 * well inside the first body */
RULE(morningdojistar) {
    return (RB(2) > avg[0] && COLOR(2) == -1 && RB(1) <= avg[1] && RB_GAP_DOWN(1, 2) && RB(0) > avg[2] &&
            COLOR(0) == 1 && c[0] > c[-2] + RB(2) * pen) ? 100 : 0;
}

/* long white, doji whose body gaps up, black longer than short closing
 * well inside the first body */
RULE(eveningdojistar) {
    return (RB(2) > avg[0] && COLOR(2) == 1 && RB(1) <= avg[1] && RB_GAP_UP(1, 2) && RB(0) > avg[2] &&
            COLOR(0) == -1 && c[0] < c[-2] - RB(2) * pen) ? -100 : 0;
}

/* two white candles of about the same size and open, both bodies gapping
 * away from the first; sign = the gap's direction */
RULE(gapsidesidewhite) {
    int up = RB_GAP_UP(1, 2) && RB_GAP_UP(0, 2), down = RB_GAP_DOWN(1, 2) && RB_GAP_DOWN(0, 2);
    return ((up || down) && COLOR(1) == 1 && COLOR(0) == 1 && RB(0) >= RB(1) - avg[0] &&
            RB(0) <= RB(1) + avg[0] && o[0] >= o[-1] - avg[1] && o[0] <= o[-1] + avg[1])
               ? (RB_GAP_UP(1, 2) ? 100 : -100) : 0;
}

/* three declining black candles with very short lower shadows, each
 * opening at (within Equal of) the prior close.
 * Slots: SVS@2,@1,@0, Equal@2,@1 */
RULE(identical3crows) {
    return (COLOR(2) == -1 && LO(2) < avg[0] && COLOR(1) == -1 && LO(1) < avg[1] && COLOR(0) == -1 &&
            LO(0) < avg[2] && c[-2] > c[-1] && c[-1] > c[0] && o[-1] <= c[-2] + avg[3] &&
            o[-1] >= c[-2] - avg[3] && o[0] <= c[-1] + avg[4] && o[0] >= c[-1] - avg[4]) ? -100 : 0;
}

/* two long white candles (the second with a very short upper shadow,
 * opening within/near the first body), then a small white riding on the
 * second's shoulder. Slots: BodyLong@2,@1, BodyShort@0, SVS@1, Near@2,@1 */
RULE(stalledpattern) {
    return (COLOR(2) == 1 && COLOR(1) == 1 && COLOR(0) == 1 && c[0] > c[-1] && c[-1] > c[-2] &&
            RB(2) > avg[0] && RB(1) > avg[1] && UP(1) < avg[3] && o[-1] > o[-2] &&
            o[-1] <= c[-2] + avg[4] && RB(0) < avg[2] && o[0] >= c[-1] - RB(0) - avg[5]) ? -100 : 0;
}

/* black, white trading above the black close, black closing equal to the
 * first */
RULE(sticksandwich) {
    return (COLOR(2) == -1 && COLOR(1) == 1 && COLOR(0) == -1 && l[-1] > c[-2] &&
            c[0] <= c[-2] + avg[0] && c[0] >= c[-2] - avg[0]) ? 100 : 0;
}

/* a body gap, then two opposite candles of near size, the second opening
 * in the first body and closing inside the gap; sign = the gap candle's
 * colour */
RULE(tasukigap) {
    int up = RB_GAP_UP(1, 2) && COLOR(1) == 1 && COLOR(0) == -1 && o[0] < c[-1] && o[0] > o[-1] &&
             c[0] < o[-1] && c[0] > BODY_HI(2) && fabs(RB(1) - RB(0)) < avg[0];
    int down = RB_GAP_DOWN(1, 2) && COLOR(1) == -1 && COLOR(0) == 1 && o[0] < o[-1] && o[0] > c[-1] &&
               c[0] > o[-1] && c[0] < BODY_LO(2) && fabs(RB(1) - RB(0)) < avg[0];
    return (up || down) ? COLOR(1) * 100 : 0;
}

/* three doji (all measured against the first one's average), the middle
 * body gapping; -100 after an up gap with the third body lower, +100 after a
 * down gap with the third body higher */
RULE(tristar) {
    if (!(RB(2) <= avg[0] && RB(1) <= avg[0] && RB(0) <= avg[0])) return 0;
    int r = 0;
    if (RB_GAP_UP(1, 2) && BODY_HI(0) < BODY_HI(1)) r = -100;
    if (RB_GAP_DOWN(1, 2) && BODY_LO(0) > BODY_LO(1)) r = 100;
    return r;
}

/* long black, a black harami-like candle with a lower low, then a short
 * white opening above that low */
RULE(unique3river) {
    return (RB(2) > avg[0] && COLOR(2) == -1 && COLOR(1) == -1 && c[-1] > c[-2] && o[-1] <= o[-2] &&
            l[-1] < l[-2] && RB(0) < avg[1] && COLOR(0) == 1 && o[0] > l[-1]) ? 100 : 0;
}

/* long white, short black gapping up, black engulfing it but closing above
 * the first close */
RULE(upsidegap2crows) {
    return (COLOR(2) == 1 && RB(2) > avg[0] && COLOR(1) == -1 && RB(1) <= avg[1] && RB_GAP_UP(1, 2) &&
            COLOR(0) == -1 && o[0] > o[-1] && c[0] < c[-1] && c[0] > c[-2]) ? -100 : 0;
}

/* two same-colour candles with a body gap in their direction, then an
 * opposite one opening in the second body and closing in the first */
RULE(xsidegap3methods) {
    return (COLOR(2) == COLOR(1) && COLOR(1) == -COLOR(0) && o[0] < BODY_HI(1) && o[0] > BODY_LO(1) &&
            c[0] < BODY_HI(2) && c[0] > BODY_LO(2) &&
            ((COLOR(2) == 1 && RB_GAP_UP(1, 2)) || (COLOR(2) == -1 && RB_GAP_DOWN(1, 2))))
               ? COLOR(2) * 100 : 0;
}

CDL_DEF(2crows, 12, 3, 1, {S(BODY_LONG, 2)}, twocrows, NULL, 0)
CDL_DEF(3inside, 12, 3, 2, {S(BODY_LONG, 2), S(BODY_SHORT, 1)}, threeinside, NULL, 0)
CDL_DEF(3outside, 3, 3, 0, {{0, 0}}, threeoutside, NULL, 0)
CDL_DEF(3starsinsouth, 12, 3, 5, {S(BODY_LONG, 2), S(SHADOW_LONG, 2), S(SHADOW_VERY_SHORT, 1), S(SHADOW_VERY_SHORT, 0), S(BODY_SHORT, 0)}, threestarsinsouth, NULL, 0)
CDL_DEF(abandonedbaby, 12, 3, 3, {S(BODY_LONG, 2), S(BODY_DOJI, 1), S(BODY_SHORT, 0)}, abandonedbaby, NULL, 0)
CDL_DEF(advanceblock, 12, 3, 9, {S(SHADOW_SHORT, 2), S(SHADOW_SHORT, 1), S(SHADOW_SHORT, 0), S(SHADOW_LONG, 0), S(NEAR, 2), S(NEAR, 1), S(FAR, 2), S(FAR, 1), S(BODY_LONG, 2)}, advanceblock, NULL, 0)
CDL_DEF(morningdojistar, 12, 3, 3, {S(BODY_LONG, 2), S(BODY_DOJI, 1), S(BODY_SHORT, 0)}, morningdojistar, NULL, 0)
CDL_DEF(eveningdojistar, 12, 3, 3, {S(BODY_LONG, 2), S(BODY_DOJI, 1), S(BODY_SHORT, 0)}, eveningdojistar, NULL, 0)
CDL_DEF(gapsidesidewhite, 7, 3, 2, {S(NEAR, 1), S(EQUAL, 1)}, gapsidesidewhite, NULL, 0)
CDL_DEF(identical3crows, 12, 3, 5, {S(SHADOW_VERY_SHORT, 2), S(SHADOW_VERY_SHORT, 1), S(SHADOW_VERY_SHORT, 0), S(EQUAL, 2), S(EQUAL, 1)}, identical3crows, NULL, 0)
CDL_DEF(stalledpattern, 12, 3, 6, {S(BODY_LONG, 2), S(BODY_LONG, 1), S(BODY_SHORT, 0), S(SHADOW_VERY_SHORT, 1), S(NEAR, 2), S(NEAR, 1)}, stalledpattern, NULL, 0)
CDL_DEF(sticksandwich, 7, 3, 1, {S(EQUAL, 2)}, sticksandwich, NULL, 0)
CDL_DEF(tasukigap, 7, 3, 1, {S(NEAR, 1)}, tasukigap, NULL, 0)
CDL_DEF(tristar, 12, 3, 1, {S(BODY_DOJI, 2)}, tristar, NULL, 0)
CDL_DEF(unique3river, 12, 3, 2, {S(BODY_LONG, 2), S(BODY_SHORT, 0)}, unique3river, NULL, 0)
CDL_DEF(upsidegap2crows, 12, 3, 2, {S(BODY_LONG, 2), S(BODY_SHORT, 1)}, upsidegap2crows, NULL, 0)
CDL_DEF(xsidegap3methods, 2, 3, 0, {{0, 0}}, xsidegap3methods, NULL, 0)
