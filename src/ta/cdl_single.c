/* One-candle patterns beyond the first seventeen: belt hold, closing
 * marubozu, high wave, long-legged doji, long line, rickshaw man, short line
 * and takuri. Thresholds follow TA-Lib 0.6.4's rules with its default candle
 * settings; the comparison strictness (< vs <=) is TA-Lib's. */
#include "cdl_internal.h"

/* long body opening at its extreme: a white one with (almost) no lower
 * shadow, a black one with (almost) no upper shadow; sign = colour */
RULE(belthold) {
    if (!(RB(0) > avg[0])) return 0;
    int ok = COLOR(0) == 1 ? LO(0) < avg[1] : UP(0) < avg[1];
    return ok ? COLOR(0) * 100 : 0;
}

/* long body closing at its extreme: a white one with a very short upper
 * shadow, a black one with a very short lower shadow */
RULE(closingmarubozu) {
    if (!(RB(0) > avg[0])) return 0;
    int ok = COLOR(0) == 1 ? UP(0) < avg[1] : LO(0) < avg[1];
    return ok ? COLOR(0) * 100 : 0;
}

/* short body with both shadows very long (over twice the body) */
RULE(highwave) {
    return (RB(0) < avg[0] && UP(0) > avg[1] && LO(0) > avg[1]) ? COLOR(0) * 100 : 0;
}

/* doji body with one shadow or the other longer than the body */
RULE(longleggeddoji) {
    return (RB(0) <= avg[0] && (LO(0) > avg[1] || UP(0) > avg[1])) ? 100 : 0;
}

/* long body, both shadows short */
RULE(longline) {
    return (RB(0) > avg[0] && UP(0) < avg[1] && LO(0) < avg[1]) ? COLOR(0) * 100 : 0;
}

/* doji with two long shadows and its body near the middle of the range
 * (the midpoint is low + range/2, then the Near margin is added/taken) */
RULE(rickshawman) {
    double mid = l[0] + (h[0] - l[0]) / 2;
    return (RB(0) <= avg[0] && LO(0) > avg[1] && UP(0) > avg[1] && BODY_LO(0) <= mid + avg[2] &&
            BODY_HI(0) >= mid - avg[2]) ? 100 : 0;
}

/* short body, both shadows short */
RULE(shortline) {
    return (RB(0) < avg[0] && UP(0) < avg[1] && LO(0) < avg[1]) ? COLOR(0) * 100 : 0;
}

/* doji with a very short upper shadow and a very long lower one */
RULE(takuri) {
    return (RB(0) <= avg[0] && UP(0) < avg[1] && LO(0) > avg[2]) ? 100 : 0;
}

CDL_DEF(belthold, 10, 1, 2, {S(BODY_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, belthold, NULL, 0)
CDL_DEF(closingmarubozu, 10, 1, 2, {S(BODY_LONG, 0), S(SHADOW_VERY_SHORT, 0)}, closingmarubozu, NULL, 0)
CDL_DEF(highwave, 10, 1, 2, {S(BODY_SHORT, 0), S(SHADOW_VERY_LONG, 0)}, highwave, NULL, 0)
CDL_DEF(longleggeddoji, 10, 1, 2, {S(BODY_DOJI, 0), S(SHADOW_LONG, 0)}, longleggeddoji, NULL, 0)
CDL_DEF(longline, 10, 1, 2, {S(BODY_LONG, 0), S(SHADOW_SHORT, 0)}, longline, NULL, 0)
CDL_DEF(rickshawman, 10, 1, 3, {S(BODY_DOJI, 0), S(SHADOW_LONG, 0), S(NEAR, 0)}, rickshawman, NULL, 0)
CDL_DEF(shortline, 10, 1, 2, {S(BODY_SHORT, 0), S(SHADOW_SHORT, 0)}, shortline, NULL, 0)
CDL_DEF(takuri, 10, 1, 3, {S(BODY_DOJI, 0), S(SHADOW_VERY_SHORT, 0), S(SHADOW_VERY_LONG, 0)}, takuri, NULL, 0)
