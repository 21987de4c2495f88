/* Patterns of four or more candles and the stateful ones: three-line
 * strike, breakaway, concealing baby swallow, ladder bottom, mat hold,
 * rising/falling three methods, and hikkake (plain and modified), which
 * confirm a pattern found up to 3 bars earlier. Thresholds follow TA-Lib
 * 0.6.4's rules with its default candle settings. */
#include "cdl_internal.h"

/* three same-colour candles stepping on (each opening within/near the
 * prior body, closes rising or falling), then an opposite one opening
 * beyond the third close and closing beyond the first open.
 * Slots: Near@3, Near@2 */
RULE(threelinestrike) {
    if (!(COLOR(3) == COLOR(2) && COLOR(2) == COLOR(1) && COLOR(0) == -COLOR(1) &&
          o[-2] >= BODY_LO(3) - avg[0] && o[-2] <= BODY_HI(3) + avg[0] && o[-1] >= BODY_LO(2) - avg[1] &&
          o[-1] <= BODY_HI(2) + avg[1]))
        return 0;
    int white = COLOR(1) == 1 && c[-1] > c[-2] && c[-2] > c[-3] && o[0] > c[-1] && c[0] < o[-3];
    int black = COLOR(1) == -1 && c[-1] < c[-2] && c[-2] < c[-3] && o[0] < c[-1] && c[0] > o[-3];
    return (white || black) ? COLOR(1) * 100 : 0;
}

/* long candle, a body gap, two more candles stepping on in that direction
 * (same colour on the fourth), then an opposite one closing inside the gap */
RULE(breakaway) {
    if (!(RB(4) > avg[0] && COLOR(4) == COLOR(3) && COLOR(3) == COLOR(1) && COLOR(1) == -COLOR(0)))
        return 0;
    int black = COLOR(4) == -1 && RB_GAP_DOWN(3, 4) && h[-2] < h[-3] && l[-2] < l[-3] && h[-1] < h[-2] &&
                l[-1] < l[-2] && c[0] > o[-3] && c[0] < c[-4];
    int white = COLOR(4) == 1 && RB_GAP_UP(3, 4) && h[-2] > h[-3] && l[-2] > l[-3] && h[-1] > h[-2] &&
                l[-1] > l[-2] && c[0] < o[-3] && c[0] > c[-4];
    return (black || white) ? COLOR(0) * 100 : 0;
}

/* two black marubozu, a black opening with a body gap down whose upper
 * shadow reaches into the second body, then a black engulfing its range.
 * Slots: SVS@3, SVS@2, SVS@1 */
RULE(concealbabyswall) {
    return (COLOR(3) == -1 && COLOR(2) == -1 && COLOR(1) == -1 && COLOR(0) == -1 && LO(3) < avg[0] &&
            UP(3) < avg[0] && LO(2) < avg[1] && UP(2) < avg[1] && RB_GAP_DOWN(1, 2) && UP(1) > avg[2] &&
            h[-1] > c[-2] && h[0] > h[-1] && l[0] < l[-1]) ? 100 : 0;
}

/* three black candles with lower opens and closes, a black one with an
 * upper shadow, then a white opening above its open and closing above its
 * high */
RULE(ladderbottom) {
    return (COLOR(4) == -1 && COLOR(3) == -1 && COLOR(2) == -1 && o[-4] > o[-3] && o[-3] > o[-2] &&
            c[-4] > c[-3] && c[-3] > c[-2] && COLOR(1) == -1 && UP(1) > avg[0] && COLOR(0) == 1 &&
            o[0] > o[-1] && c[0] > h[-1]) ? 100 : 0;
}

/* long white, three small falling candles (a black one gapping up first)
 * holding inside the first body, penetrating it less than `pen` of it, then
 * a white opening above the prior close and closing above their highs.
 * Slots: BodyLong@4, BodyShort@3,@2,@1 */
RULE(mathold) {
    double floor = c[-4] - RB(4) * pen;
    return (RB(4) > avg[0] && RB(3) < avg[1] && RB(2) < avg[2] && RB(1) < avg[3] && COLOR(4) == 1 &&
            COLOR(3) == -1 && COLOR(0) == 1 && RB_GAP_UP(3, 4) && BODY_LO(2) < c[-4] && BODY_LO(1) < c[-4] &&
            BODY_LO(2) > floor && BODY_LO(1) > floor && BODY_HI(2) < o[-3] && BODY_HI(1) < BODY_HI(2) &&
            o[0] > c[-1] && c[0] > MAX2(MAX2(h[-3], h[-2]), h[-1])) ? 100 : 0;
}

/* long candle, three small opposite ones inside its range stepping
 * against it, then a long one of the first colour opening beyond the prior
 * close and closing beyond the first close; sign = the first colour (the
 * products by the colour turn each "beyond" into one comparison, as TA-Lib
 * writes them). Slots: BodyLong@4, BodyShort@3,@2,@1, BodyLong@0 */
RULE(risefall3methods) {
    double k = COLOR(4);
    return (RB(4) > avg[0] && RB(3) < avg[1] && RB(2) < avg[2] && RB(1) < avg[3] && RB(0) > avg[4] &&
            COLOR(4) == -COLOR(3) && COLOR(3) == COLOR(2) && COLOR(2) == COLOR(1) && COLOR(1) == -COLOR(0) &&
            BODY_LO(3) < h[-4] && BODY_HI(3) > l[-4] && BODY_LO(2) < h[-4] && BODY_HI(2) > l[-4] &&
            BODY_LO(1) < h[-4] && BODY_HI(1) > l[-4] && c[-2] * k < c[-3] * k && c[-1] * k < c[-2] * k &&
            o[0] * k > c[-1] * k && c[0] * k > c[-4] * k) ? 100 * COLOR(4) : 0;
}

/* The hikkakes' shared bookkeeping: a pattern found on this bar (found =
 * ±100) is reported and becomes the pending one; otherwise a pending
 * pattern at most 3 bars old is confirmed once, by a close beyond the high
 * (bullish) or low (bearish) of the candle before it: ±200. */
static int hikkake_track(int found, const double *h, const double *l, const double *c, cdl_mem *mem) {
    if (mem->age <= 3) mem->age++;
    if (found) {
        mem->result = found;
        mem->age = 0;
        mem->hi = h[-1];
        mem->lo = l[-1];
        return found;
    }
    if (mem->age <= 3 && ((mem->result > 0 && c[0] > mem->hi) || (mem->result < 0 && c[0] < mem->lo))) {
        mem->age = 4;
        return mem->result + (mem->result > 0 ? 100 : -100);
    }
    return 0;
}

/* inside bar, then a bar breaking out downward (+100, a bull trap set) or
 * upward (-100) */
static int hikkake(const double *o, const double *h, const double *l, const double *c, const double *avg,
                   cdl_mem *mem) {
    (void)o, (void)avg;
    int found = 0;
    if (h[-1] < h[-2] && l[-1] > l[-2]) {
        if (h[0] < h[-1] && l[0] < l[-1]) found = 100;
        else if (h[0] > h[-1] && l[0] > l[-1]) found = -100;
    }
    return hikkake_track(found, h, l, c, mem);
}

/* two nested inside bars, the first of them closing near its low (bull) or
 * high (bear), then the breakout; slot: Near@2 */
static int hikkakemod(const double *o, const double *h, const double *l, const double *c, const double *avg,
                      cdl_mem *mem) {
    (void)o;
    int found = 0;
    if (h[-2] < h[-3] && l[-2] > l[-3] && h[-1] < h[-2] && l[-1] > l[-2]) {
        if (h[0] < h[-1] && l[0] < l[-1] && c[-2] <= l[-2] + avg[0]) found = 100;
        else if (h[0] > h[-1] && l[0] > l[-1] && c[-2] >= h[-2] - avg[0]) found = -100;
    }
    return hikkake_track(found, h, l, c, mem);
}

CDL_DEF(3linestrike, 8, 4, 2, {S(NEAR, 3), S(NEAR, 2)}, threelinestrike, NULL, 0)
CDL_DEF(breakaway, 14, 5, 1, {S(BODY_LONG, 4)}, breakaway, NULL, 0)
CDL_DEF(concealbabyswall, 13, 4, 3, {S(SHADOW_VERY_SHORT, 3), S(SHADOW_VERY_SHORT, 2), S(SHADOW_VERY_SHORT, 1)}, concealbabyswall, NULL, 0)
CDL_DEF(ladderbottom, 14, 5, 1, {S(SHADOW_VERY_SHORT, 1)}, ladderbottom, NULL, 0)
CDL_DEF(mathold, 14, 5, 4, {S(BODY_LONG, 4), S(BODY_SHORT, 3), S(BODY_SHORT, 2), S(BODY_SHORT, 1)}, mathold, NULL, 0)
CDL_DEF(risefall3methods, 14, 5, 5, {S(BODY_LONG, 4), S(BODY_SHORT, 3), S(BODY_SHORT, 2), S(BODY_SHORT, 1), S(BODY_LONG, 0)}, risefall3methods, NULL, 0)
CDL_DEF(hikkake, 5, 3, 0, {{0, 0}}, NULL, hikkake, 3)
CDL_DEF(hikkakemod, 10, 4, 1, {S(NEAR, 2)}, NULL, hikkakemod, 3)
