/* Indicator table entries for the candlestick patterns of momentum.h (see
 * ta.h, pr_ta_def), with generic run/stream adapters: one pattern id each,
 * those with a penetration take it as their only parameter. The other
 * momentum indicators are rows of proratio/ta/list.h (table_list.c). */
#include "momentum_internal.h"
#include "table_internal.h"

static void cdl_free_state(void *st) {
    if (!st) return;
    pr_ta_cdl_free(st);
    free(st);
}
static int cdl_upd(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_cdl_update(st, b->open, b->high, b->low, b->close, out);
}
#define SHAPE_CDL(name, id, has_pen)                                                          \
    static int lb_##name(const double *p, int *out) { return pr_ta_cdl_lookback(id, out); }   \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {      \
        return pr_ta_cdl(id, in->n, in->open, in->high, in->low, in->close, has_pen ? p[0] : -1.0, \
                         out[0]);                                                             \
    }                                                                                         \
    static int new_##name(const double *p, void **state) {                                    \
        NEW_STATE(pr_ta_cdl_state, pr_ta_cdl_init(s, id, has_pen ? p[0] : -1.0))               \
    }

SHAPE_CDL(cdldoji, PR_TA_CDL_DOJI, 0)
SHAPE_CDL(cdldragonflydoji, PR_TA_CDL_DRAGONFLYDOJI, 0)
SHAPE_CDL(cdlgravestonedoji, PR_TA_CDL_GRAVESTONEDOJI, 0)
SHAPE_CDL(cdlmarubozu, PR_TA_CDL_MARUBOZU, 0)
SHAPE_CDL(cdlspinningtop, PR_TA_CDL_SPINNINGTOP, 0)
SHAPE_CDL(cdlengulfing, PR_TA_CDL_ENGULFING, 0)
SHAPE_CDL(cdlhammer, PR_TA_CDL_HAMMER, 0)
SHAPE_CDL(cdlhangingman, PR_TA_CDL_HANGINGMAN, 0)
SHAPE_CDL(cdlinvertedhammer, PR_TA_CDL_INVERTEDHAMMER, 0)
SHAPE_CDL(cdlshootingstar, PR_TA_CDL_SHOOTINGSTAR, 0)
SHAPE_CDL(cdlharami, PR_TA_CDL_HARAMI, 0)
SHAPE_CDL(cdlpiercing, PR_TA_CDL_PIERCING, 0)
SHAPE_CDL(cdldarkcloudcover, PR_TA_CDL_DARKCLOUDCOVER, 1)
SHAPE_CDL(cdlmorningstar, PR_TA_CDL_MORNINGSTAR, 1)
SHAPE_CDL(cdleveningstar, PR_TA_CDL_EVENINGSTAR, 1)
SHAPE_CDL(cdl3whitesoldiers, PR_TA_CDL_3WHITESOLDIERS, 0)
SHAPE_CDL(cdl3blackcrows, PR_TA_CDL_3BLACKCROWS, 0)

#define CDL_FNS(name) lb_##name, run_##name, new_##name, cdl_upd, cdl_free_state
#define P_PEN(def) {"penetration", def, 0.0, 3e37, 0}
#define OHLC 4, {"open", "high", "low", "close"}
#define CDL(name, desc) \
    {#name, "pattern", desc, 1, OHLC, 0, {{0}}, 1, {#name}, CDL_FNS(name)}
#define CDL_PEN(name, desc, pen) \
    {#name, "pattern", desc, 1, OHLC, 1, {P_PEN(pen)}, 1, {#name}, CDL_FNS(name)}

const pr_ta_def pr_ta_defs_candles[] = {
    CDL(cdldoji, "Doji"),
    CDL(cdldragonflydoji, "Dragonfly doji"),
    CDL(cdlgravestonedoji, "Gravestone doji"),
    CDL(cdlmarubozu, "Marubozu"),
    CDL(cdlspinningtop, "Spinning top"),
    CDL(cdlengulfing, "Engulfing pattern"),
    CDL(cdlhammer, "Hammer"),
    CDL(cdlhangingman, "Hanging man"),
    CDL(cdlinvertedhammer, "Inverted hammer"),
    CDL(cdlshootingstar, "Shooting star"),
    CDL(cdlharami, "Harami pattern"),
    CDL(cdlpiercing, "Piercing pattern"),
    CDL_PEN(cdldarkcloudcover, "Dark cloud cover", 0.5),
    CDL_PEN(cdlmorningstar, "Morning star", 0.3),
    CDL_PEN(cdleveningstar, "Evening star", 0.3),
    CDL(cdl3whitesoldiers, "Three advancing white soldiers"),
    CDL(cdl3blackcrows, "Three black crows"),
};
const size_t pr_ta_defs_candles_count = sizeof pr_ta_defs_candles / sizeof pr_ta_defs_candles[0];
