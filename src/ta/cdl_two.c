/* Two-candle patterns beyond the first seventeen: counterattack, doji star,
 * harami cross, homing pigeon, in-neck, kicking (and by length), matching
 * low, on-neck, separating lines and thrusting. Thresholds follow TA-Lib
 * 0.6.4's rules with its default candle settings. */
#include "cdl_internal.h"

/* two long opposite candles closing equal (within Equal of candle 1) */
RULE(counterattack) {
    return (COLOR(1) == -COLOR(0) && RB(1) > avg[1] && RB(0) > avg[2] && c[0] <= c[-1] + avg[0] &&
            c[0] >= c[-1] - avg[0]) ? COLOR(0) * 100 : 0;
}

/* long candle, then a doji whose body gaps away in its direction; sign
 * opposite to the first colour */
RULE(dojistar) {
    return (RB(1) > avg[0] && RB(0) <= avg[1] &&
            ((COLOR(1) == 1 && RB_GAP_UP(0, 1)) || (COLOR(1) == -1 && RB_GAP_DOWN(0, 1))))
               ? -COLOR(1) * 100 : 0;
}

/* long candle, then a doji inside its body: 100 strictly inside, 80 when an
 * end matches; sign opposite to the first colour */
RULE(haramicross) {
    if (!(RB(1) > avg[0] && RB(0) <= avg[1])) return 0;
    if (BODY_HI(0) < BODY_HI(1) && BODY_LO(0) > BODY_LO(1)) return -COLOR(1) * 100;
    if (BODY_HI(0) <= BODY_HI(1) && BODY_LO(0) >= BODY_LO(1)) return -COLOR(1) * 80;
    return 0;
}

/* long black, then a short black inside its body */
RULE(homingpigeon) {
    return (COLOR(1) == -1 && COLOR(0) == -1 && RB(1) > avg[0] && RB(0) <= avg[1] && o[0] < o[-1] &&
            c[0] > c[-1]) ? 100 : 0;
}

/* long black, then white opening under its low, closing at or just above
 * its close */
RULE(inneck) {
    return (COLOR(1) == -1 && RB(1) > avg[1] && COLOR(0) == 1 && o[0] < l[-1] &&
            c[0] <= c[-1] + avg[0] && c[0] >= c[-1]) ? -100 : 0;
}

/* two opposite marubozu with a gap between their ranges (in the second's
 * direction); 1 when it fires */
static int kick(const double *o, const double *h, const double *l, const double *c, const double *avg) {
    return COLOR(1) == -COLOR(0) && RB(1) > avg[0] && UP(1) < avg[1] && LO(1) < avg[1] && RB(0) > avg[2] &&
           UP(0) < avg[3] && LO(0) < avg[3] &&
           ((COLOR(1) == -1 && GAP_UP(0, 1)) || (COLOR(1) == 1 && GAP_DOWN(0, 1)));
}

/* sign = the second candle's colour */
RULE(kicking) {
    return kick(o, h, l, c, avg) ? COLOR(0) * 100 : 0;
}

/* sign = the colour of the longer marubozu (the first on a tie) */
RULE(kickingbylength) {
    return kick(o, h, l, c, avg) ? (RB(0) > RB(1) ? COLOR(0) : COLOR(1)) * 100 : 0;
}

/* two black candles closing equal */
RULE(matchinglow) {
    return (COLOR(1) == -1 && COLOR(0) == -1 && c[0] <= c[-1] + avg[0] && c[0] >= c[-1] - avg[0]) ? 100 : 0;
}

/* long black, then white opening under its low, closing at that low */
RULE(onneck) {
    return (COLOR(1) == -1 && RB(1) > avg[1] && COLOR(0) == 1 && o[0] < l[-1] &&
            c[0] <= l[-1] + avg[0] && c[0] >= l[-1] - avg[0]) ? -100 : 0;
}

/* opposite candles opening equal, the second a belt hold */
RULE(separatinglines) {
    if (!(COLOR(1) == -COLOR(0) && o[0] <= o[-1] + avg[2] && o[0] >= o[-1] - avg[2] && RB(0) > avg[1]))
        return 0;
    int ok = COLOR(0) == 1 ? LO(0) < avg[0] : UP(0) < avg[0];
    return ok ? COLOR(0) * 100 : 0;
}

/* long black, then white opening under its low, closing into its body
 * (above close + Equal) but not above the body's midpoint */
RULE(thrusting) {
    return (COLOR(1) == -1 && RB(1) > avg[1] && COLOR(0) == 1 && o[0] < l[-1] &&
            c[0] > c[-1] + avg[0] && c[0] <= c[-1] + RB(1) * 0.5) ? -100 : 0;
}

CDL_DEF(counterattack, 11, 2, 3, {S(EQUAL, 1), S(BODY_LONG, 1), S(BODY_LONG, 0)}, counterattack, NULL, 0)
CDL_DEF(dojistar, 11, 2, 2, {S(BODY_LONG, 1), S(BODY_DOJI, 0)}, dojistar, NULL, 0)
CDL_DEF(haramicross, 11, 2, 2, {S(BODY_LONG, 1), S(BODY_DOJI, 0)}, haramicross, NULL, 0)
CDL_DEF(homingpigeon, 11, 2, 2, {S(BODY_LONG, 1), S(BODY_SHORT, 0)}, homingpigeon, NULL, 0)
CDL_DEF(inneck, 11, 2, 2, {S(EQUAL, 1), S(BODY_LONG, 1)}, inneck, NULL, 0)
CDL_DEF(kicking, 11, 2, 4, {S(BODY_LONG, 1), S(SHADOW_VERY_SHORT, 1), S(BODY_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, kicking, NULL, 0)
CDL_DEF(kickingbylength, 11, 2, 4, {S(BODY_LONG, 1), S(SHADOW_VERY_SHORT, 1), S(BODY_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, kickingbylength, NULL, 0)
CDL_DEF(matchinglow, 6, 2, 1, {S(EQUAL, 1)}, matchinglow, NULL, 0)
CDL_DEF(onneck, 11, 2, 2, {S(EQUAL, 1), S(BODY_LONG, 1)}, onneck, NULL, 0)
CDL_DEF(separatinglines, 11, 2, 3, {S(SHADOW_VERY_SHORT, 0), S(BODY_LONG, 0), S(EQUAL, 1)}, separatinglines, NULL, 0)
CDL_DEF(thrusting, 11, 2, 2, {S(EQUAL, 1), S(BODY_LONG, 1)}, thrusting, NULL, 0)
