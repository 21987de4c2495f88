/* Indicator table entries for the momentum family (see ta.h, pr_ta_def):
 * oscillators, directional movement, true range, volume, SAR and the
 * candlestick patterns of momentum.h, with generic run/stream adapters.
 *
 * Inputs: single-series indicators read "real0" (tools fill it with close by
 * default; the batch adapter falls back to close when real0 is NULL); the
 * others read the named OHLCV columns. Parameter order and defaults follow
 * TA-Lib's functions, except STOCH/STOCHF/STOCHRSI whose fast %K period
 * defaults to 14 (TA-Lib: 5). */
#include "momentum_internal.h"
#include "table_internal.h"

PR_TA_ADAPT_R_P(rsi)
PR_TA_ADAPT_R_P(cmo)
PR_TA_ADAPT_R_P(mom)
PR_TA_ADAPT_R_P(roc)
PR_TA_ADAPT_R_P(rocp)
PR_TA_ADAPT_R_P(rocr)
PR_TA_ADAPT_R_P(rocr100)

/* high, low, close, one int period, one output */
#define SHAPE_HLC_P(name)                                                                     \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {      \
        return pr_ta_##name(in->n, in->high, in->low, in->close, ip(p[0]), out[0]);          \
    }                                                                                         \
    static int new_##name(const double *p, void **state) {                                    \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0])))                     \
    }                                                                                         \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                        \
        return pr_ta_##name##_update(st, b->high, b->low, b->close, out);                     \
    }                                                                                         \
    FREE_STATE(name)

SHAPE_HLC_P(cci)
SHAPE_HLC_P(willr)
SHAPE_HLC_P(atr)
SHAPE_HLC_P(natr)
SHAPE_HLC_P(plus_di)
SHAPE_HLC_P(minus_di)
SHAPE_HLC_P(dx)
SHAPE_HLC_P(adx)
SHAPE_HLC_P(adxr)

/* high, low, one int period, one output */
#define SHAPE_HL_P(name)                                                                      \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {      \
        return pr_ta_##name(in->n, in->high, in->low, ip(p[0]), out[0]);                     \
    }                                                                                         \
    static int new_##name(const double *p, void **state) {                                    \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0])))                     \
    }                                                                                         \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                        \
        return pr_ta_##name##_update(st, b->high, b->low, out);                               \
    }                                                                                         \
    FREE_STATE(name)

SHAPE_HL_P(plus_dm)
SHAPE_HL_P(minus_dm)
SHAPE_HL_P(aroonosc)

/* AROON: outputs down, up */
static int lb_aroon(const double *p, int *out) { return pr_ta_aroon_lookback(ip(p[0]), out); }
static int run_aroon(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_aroon(in->n, in->high, in->low, ip(p[0]), out[0], out[1]);
}
static int new_aroon(const double *p, void **state) {
    NEW_STATE(pr_ta_aroon_state, pr_ta_aroon_init(s, ip(p[0])))
}
static int upd_aroon(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_aroon_update(st, b->high, b->low, &out[0], &out[1]);
}
FREE_STATE(aroon)

/* STOCH */
static int lb_stoch(const double *p, int *out) {
    return pr_ta_stoch_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);
}
static int run_stoch(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_stoch(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), ip(p[2]), out[0],
                       out[1]);
}
static int new_stoch(const double *p, void **state) {
    NEW_STATE(pr_ta_stoch_state, pr_ta_stoch_init(s, ip(p[0]), ip(p[1]), ip(p[2])))
}
static int upd_stoch(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_stoch_update(st, b->high, b->low, b->close, &out[0], &out[1]);
}
FREE_STATE(stoch)

/* STOCHF */
static int lb_stochf(const double *p, int *out) { return pr_ta_stochf_lookback(ip(p[0]), ip(p[1]), out); }
static int run_stochf(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_stochf(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), out[0], out[1]);
}
static int new_stochf(const double *p, void **state) {
    NEW_STATE(pr_ta_stochf_state, pr_ta_stochf_init(s, ip(p[0]), ip(p[1])))
}
static int upd_stochf(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_stochf_update(st, b->high, b->low, b->close, &out[0], &out[1]);
}
FREE_STATE(stochf)

/* STOCHRSI */
static int lb_stochrsi(const double *p, int *out) {
    return pr_ta_stochrsi_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);
}
static int run_stochrsi(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_stochrsi(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1]);
}
static int new_stochrsi(const double *p, void **state) {
    NEW_STATE(pr_ta_stochrsi_state, pr_ta_stochrsi_init(s, ip(p[0]), ip(p[1]), ip(p[2])))
}
static int upd_stochrsi(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_stochrsi_update(st, b->real0, &out[0], &out[1]);
}
FREE_STATE(stochrsi)

/* TRANGE */
static int lb_trange(const double *p, int *out) { return pr_ta_trange_lookback(out); }
static int run_trange(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_trange(in->n, in->high, in->low, in->close, out[0]);
}
static int new_trange(const double *p, void **state) { NEW_STATE(pr_ta_trange_state, pr_ta_trange_init(s)) }
static int upd_trange(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_trange_update(st, b->high, b->low, b->close, out);
}
FREE_STATE(trange)

/* ULTOSC */
static int lb_ultosc(const double *p, int *out) {
    return pr_ta_ultosc_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);
}
static int run_ultosc(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_ultosc(in->n, in->high, in->low, in->close, ip(p[0]), ip(p[1]), ip(p[2]), out[0]);
}
static int new_ultosc(const double *p, void **state) {
    NEW_STATE(pr_ta_ultosc_state, pr_ta_ultosc_init(s, ip(p[0]), ip(p[1]), ip(p[2])))
}
static int upd_ultosc(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_ultosc_update(st, b->high, b->low, b->close, out);
}
FREE_STATE(ultosc)

/* SAR */
static int lb_sar(const double *p, int *out) { return pr_ta_sar_lookback(p[0], p[1], out); }
static int run_sar(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_sar(in->n, in->high, in->low, p[0], p[1], out[0]);
}
static int new_sar(const double *p, void **state) { NEW_STATE(pr_ta_sar_state, pr_ta_sar_init(s, p[0], p[1])) }
static int upd_sar(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_sar_update(st, b->high, b->low, out);
}
FREE_STATE(sar)

/* BOP */
static int lb_bop(const double *p, int *out) { return pr_ta_bop_lookback(out); }
static int run_bop(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_bop(in->n, in->open, in->high, in->low, in->close, out[0]);
}
static int new_bop(const double *p, void **state) { NEW_STATE(pr_ta_bop_state, pr_ta_bop_init(s)) }
static int upd_bop(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_bop_update(st, b->open, b->high, b->low, b->close, out);
}
FREE_STATE(bop)

/* OBV */
static int lb_obv(const double *p, int *out) { return pr_ta_obv_lookback(out); }
static int run_obv(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_obv(in->n, in->close, in->volume, out[0]);
}
static int new_obv(const double *p, void **state) { NEW_STATE(pr_ta_obv_state, pr_ta_obv_init(s)) }
static int upd_obv(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_obv_update(st, b->close, b->volume, out);
}
FREE_STATE(obv)

/* AD */
static int lb_ad(const double *p, int *out) { return pr_ta_ad_lookback(out); }
static int run_ad(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_ad(in->n, in->high, in->low, in->close, in->volume, out[0]);
}
static int new_ad(const double *p, void **state) { NEW_STATE(pr_ta_ad_state, pr_ta_ad_init(s)) }
static int upd_ad(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_ad_update(st, b->high, b->low, b->close, b->volume, out);
}
FREE_STATE(ad)

/* ADOSC */
static int lb_adosc(const double *p, int *out) { return pr_ta_adosc_lookback(ip(p[0]), ip(p[1]), out); }
static int run_adosc(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_adosc(in->n, in->high, in->low, in->close, in->volume, ip(p[0]), ip(p[1]), out[0]);
}
static int new_adosc(const double *p, void **state) {
    NEW_STATE(pr_ta_adosc_state, pr_ta_adosc_init(s, ip(p[0]), ip(p[1])))
}
static int upd_adosc(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_adosc_update(st, b->high, b->low, b->close, b->volume, out);
}
FREE_STATE(adosc)

/* MFI */
static int lb_mfi(const double *p, int *out) { return pr_ta_mfi_lookback(ip(p[0]), out); }
static int run_mfi(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_mfi(in->n, in->high, in->low, in->close, in->volume, ip(p[0]), out[0]);
}
static int new_mfi(const double *p, void **state) { NEW_STATE(pr_ta_mfi_state, pr_ta_mfi_init(s, ip(p[0]))) }
static int upd_mfi(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_mfi_update(st, b->high, b->low, b->close, b->volume, out);
}
FREE_STATE(mfi)

/* Candlestick patterns: one generic adapter per pattern id; those with a
 * penetration take it as their only parameter. */
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

#define FNS(name) lb_##name, run_##name, new_##name, upd_##name, free_##name
#define CDL_FNS(name) lb_##name, run_##name, new_##name, cdl_upd, cdl_free_state
#define P_PERIOD(def, lo) {"period", def, lo, PR_TA_PERIOD_MAX, 1}
#define P_INT(name, def, lo) {name, def, lo, PR_TA_PERIOD_MAX, 1}
#define P_PEN(def) {"penetration", def, 0.0, 3e37, 0}
#define ONE_REAL 1, {"real0"}
#define HLC 3, {"high", "low", "close"}
#define HL 2, {"high", "low"}
#define OHLC 4, {"open", "high", "low", "close"}
#define HLCV 4, {"high", "low", "close", "volume"}
#define CDL(name, desc) \
    {#name, "pattern", desc, 1, OHLC, 0, {{0}}, 1, {#name}, CDL_FNS(name)}
#define CDL_PEN(name, desc, pen) \
    {#name, "pattern", desc, 1, OHLC, 1, {P_PEN(pen)}, 1, {#name}, CDL_FNS(name)}

const pr_ta_def pr_ta_defs_momentum[] = {
    {"rsi", "momentum", "Relative strength index (Wilder)", 1, ONE_REAL, 1, {P_PERIOD(14, 2)}, 1, {"rsi"},
     FNS(rsi)},
    {"cmo", "momentum", "Chande momentum oscillator (Wilder-smoothed)", 1, ONE_REAL, 1, {P_PERIOD(14, 2)}, 1,
     {"cmo"}, FNS(cmo)},
    {"mom", "momentum", "Momentum: price - price p bars ago", 1, ONE_REAL, 1, {P_PERIOD(10, 1)}, 1, {"mom"},
     FNS(mom)},
    {"roc", "momentum", "Rate of change: (price/prev - 1)*100", 1, ONE_REAL, 1, {P_PERIOD(10, 1)}, 1, {"roc"},
     FNS(roc)},
    {"rocp", "momentum", "Rate of change fraction: (price - prev)/prev", 1, ONE_REAL, 1, {P_PERIOD(10, 1)}, 1,
     {"rocp"}, FNS(rocp)},
    {"rocr", "momentum", "Rate of change ratio: price/prev", 1, ONE_REAL, 1, {P_PERIOD(10, 1)}, 1, {"rocr"},
     FNS(rocr)},
    {"rocr100", "momentum", "Rate of change ratio x100: (price/prev)*100", 1, ONE_REAL, 1, {P_PERIOD(10, 1)}, 1,
     {"rocr100"}, FNS(rocr100)},
    {"stoch", "momentum", "Slow stochastic (SMA smoothings)", 1, HLC, 3,
     {P_INT("fastk", 14, 1), P_INT("slowk", 3, 1), P_INT("slowd", 3, 1)}, 2, {"slowk", "slowd"}, FNS(stoch)},
    {"stochf", "momentum", "Fast stochastic (SMA %D)", 1, HLC, 2, {P_INT("fastk", 14, 1), P_INT("fastd", 3, 1)},
     2, {"fastk", "fastd"}, FNS(stochf)},
    {"stochrsi", "momentum", "Fast stochastic of the RSI", 1, ONE_REAL, 3,
     {P_PERIOD(14, 2), P_INT("fastk", 14, 1), P_INT("fastd", 3, 1)}, 2, {"fastk", "fastd"}, FNS(stochrsi)},
    {"willr", "momentum", "Williams %R", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"willr"}, FNS(willr)},
    {"cci", "momentum", "Commodity channel index", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"cci"}, FNS(cci)},
    {"ultosc", "momentum", "Ultimate oscillator", 1, HLC, 3,
     {P_INT("period1", 7, 1), P_INT("period2", 14, 1), P_INT("period3", 28, 1)}, 1, {"ultosc"}, FNS(ultosc)},
    {"bop", "momentum", "Balance of power", 1, OHLC, 0, {{0}}, 1, {"bop"}, FNS(bop)},
    {"plus_dm", "trend", "Plus directional movement (Wilder sum)", 1, HL, 1, {P_PERIOD(14, 2)}, 1, {"plus_dm"},
     FNS(plus_dm)},
    {"minus_dm", "trend", "Minus directional movement (Wilder sum)", 1, HL, 1, {P_PERIOD(14, 2)}, 1,
     {"minus_dm"}, FNS(minus_dm)},
    {"plus_di", "trend", "Plus directional indicator", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"plus_di"},
     FNS(plus_di)},
    {"minus_di", "trend", "Minus directional indicator", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"minus_di"},
     FNS(minus_di)},
    {"dx", "trend", "Directional movement index", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"dx"}, FNS(dx)},
    {"adx", "trend", "Average directional movement index", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"adx"}, FNS(adx)},
    {"adxr", "trend", "ADX rating: (ADX + ADX p-1 bars ago)/2", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"adxr"},
     FNS(adxr)},
    {"aroon", "trend", "Aroon down/up", 1, HL, 1, {P_PERIOD(14, 2)}, 2, {"down", "up"}, FNS(aroon)},
    {"aroonosc", "trend", "Aroon oscillator (up - down)", 1, HL, 1, {P_PERIOD(14, 2)}, 1, {"aroonosc"},
     FNS(aroonosc)},
    {"sar", "trend", "Parabolic SAR", 1, HL, 2,
     {{"acceleration", 0.02, 0.0, 3e37, 0}, {"maximum", 0.2, 0.0, 3e37, 0}}, 1, {"sar"}, FNS(sar)},
    {"trange", "volatility", "True range", 1, HLC, 0, {{0}}, 1, {"trange"}, FNS(trange)},
    {"atr", "volatility", "Average true range (Wilder)", 1, HLC, 1, {P_PERIOD(14, 1)}, 1, {"atr"}, FNS(atr)},
    {"natr", "volatility", "Normalised ATR: ATR/close*100", 1, HLC, 1, {P_PERIOD(14, 2)}, 1, {"natr"},
     FNS(natr)},
    {"obv", "volume", "On-balance volume", 1, 2, {"close", "volume"}, 0, {{0}}, 1, {"obv"}, FNS(obv)},
    {"ad", "volume", "Chaikin accumulation/distribution line", 1, HLCV, 0, {{0}}, 1, {"ad"}, FNS(ad)},
    {"adosc", "volume", "Chaikin A/D oscillator", 1, HLCV, 2, {P_INT("fast", 3, 2), P_INT("slow", 10, 2)}, 1,
     {"adosc"}, FNS(adosc)},
    {"mfi", "volume", "Money flow index", 1, HLCV, 1, {P_PERIOD(14, 2)}, 1, {"mfi"}, FNS(mfi)},
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
const size_t pr_ta_defs_momentum_count = sizeof pr_ta_defs_momentum / sizeof pr_ta_defs_momentum[0];
