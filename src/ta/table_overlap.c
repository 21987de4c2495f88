/* Indicator table entries for the overlap family (see ta.h, pr_ta_def): the
 * moving averages, the MACD family, bands, price statistics, MIDPRICE /
 * MIDPOINT and HT_TRENDLINE of overlap.h, with generic run/stream adapters.
 *
 * Inputs: single-series indicators read "real0" (tools fill it with close by
 * default; the batch adapter falls back to close when real0 is NULL);
 * CORREL/BETA read "real0"/"real1" (falling back to high/low in batch). */
#include "overlap_internal.h"
#include "table_internal.h"

static const double *real1x(const pr_ta_input *in) { return in->real0 ? in->real0 : in->high; }
static const double *real1y(const pr_ta_input *in) { return in->real1 ? in->real1 : in->low; }

SHAPE_PERIOD(sma)
SHAPE_PERIOD(ema)
SHAPE_PERIOD(wma)
SHAPE_PERIOD(dema)
SHAPE_PERIOD(tema)
SHAPE_PERIOD(trima)
SHAPE_PERIOD(kama)
SHAPE_PERIOD(trix)
SHAPE_PERIOD(var)
SHAPE_PERIOD(linearreg)
SHAPE_PERIOD(linearreg_slope)
SHAPE_PERIOD(linearreg_intercept)
SHAPE_PERIOD(linearreg_angle)
SHAPE_PERIOD(tsf)
SHAPE_PERIOD(midpoint)

/* One real input, int period + real parameter, one output. */
#define SHAPE_PERIOD_REAL(name)                                                              \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), p[1], out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), p[1], out[0]);                      \
    }                                                                                        \
    static int new_##name(const double *p, void **state) {                                   \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0]), p[1]))              \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    FREE_STATE(name)

SHAPE_PERIOD_REAL(t3)
SHAPE_PERIOD_REAL(stddev)

/* APO / PPO: fast, slow, matype. */
#define SHAPE_PO(name)                                                                       \
    static int lb_##name(const double *p, int *out) {                                        \
        return pr_ta_##name##_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out);                   \
    }                                                                                        \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0]);        \
    }                                                                                        \
    static int new_##name(const double *p, void **state) {                                   \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0]), ip(p[1]), ip(p[2]))) \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, out);                                     \
    }                                                                                        \
    FREE_STATE(name)

SHAPE_PO(apo)
SHAPE_PO(ppo)

/* Two real inputs, int period. */
#define SHAPE_PAIR(name)                                                                     \
    static int lb_##name(const double *p, int *out) { return pr_ta_##name##_lookback(ip(p[0]), out); } \
    static int run_##name(const pr_ta_input *in, const double *p, double *const *out) {     \
        return pr_ta_##name(in->n, real1x(in), real1y(in), ip(p[0]), out[0]);               \
    }                                                                                        \
    static int new_##name(const double *p, void **state) {                                   \
        NEW_STATE(pr_ta_##name##_state, pr_ta_##name##_init(s, ip(p[0])))                    \
    }                                                                                        \
    static int upd_##name(void *st, const pr_ta_bar *b, double *out) {                       \
        return pr_ta_##name##_update(st, b->real0, b->real1, out);                           \
    }                                                                                        \
    FREE_STATE(name)

SHAPE_PAIR(correl)
SHAPE_PAIR(beta)

/* MACD. */
static int lb_macd(const double *p, int *out) { return pr_ta_macd_lookback(ip(p[0]), ip(p[1]), ip(p[2]), out); }
static int run_macd(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_macd(in->n, real0(in), ip(p[0]), ip(p[1]), ip(p[2]), out[0], out[1], out[2]);
}
static int new_macd(const double *p, void **state) {
    NEW_STATE(pr_ta_macd_state, pr_ta_macd_init(s, ip(p[0]), ip(p[1]), ip(p[2])))
}
static int upd_macd(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_macd_update(st, b->real0, &out[0], &out[1], &out[2]);
}
FREE_STATE(macd)

/* BBANDS. */
static int lb_bbands(const double *p, int *out) { return pr_ta_bbands_lookback(ip(p[0]), p[1], p[2], out); }
static int run_bbands(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_bbands(in->n, real0(in), ip(p[0]), p[1], p[2], out[0], out[1], out[2]);
}
static int new_bbands(const double *p, void **state) {
    NEW_STATE(pr_ta_bbands_state, pr_ta_bbands_init(s, ip(p[0]), p[1], p[2]))
}
static int upd_bbands(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_bbands_update(st, b->real0, &out[0], &out[1], &out[2]);
}
FREE_STATE(bbands)

/* MIDPRICE. */
static int lb_midprice(const double *p, int *out) { return pr_ta_midprice_lookback(ip(p[0]), out); }
static int run_midprice(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_midprice(in->n, in->high, in->low, ip(p[0]), out[0]);
}
static int new_midprice(const double *p, void **state) {
    NEW_STATE(pr_ta_midprice_state, pr_ta_midprice_init(s, ip(p[0])))
}
static int upd_midprice(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_midprice_update(st, b->high, b->low, out);
}
FREE_STATE(midprice)

/* HT_TRENDLINE. */
static int lb_ht_trendline(const double *p, int *out) { return pr_ta_ht_trendline_lookback(out); }
static int run_ht_trendline(const pr_ta_input *in, const double *p, double *const *out) {
    return pr_ta_ht_trendline(in->n, real0(in), out[0]);
}
static int new_ht_trendline(const double *p, void **state) {
    NEW_STATE(pr_ta_ht_trendline_state, pr_ta_ht_trendline_init(s))
}
static int upd_ht_trendline(void *st, const pr_ta_bar *b, double *out) {
    return pr_ta_ht_trendline_update(st, b->real0, out);
}
FREE_STATE(ht_trendline)

#define FNS(name) lb_##name, run_##name, new_##name, upd_##name, free_##name
#define P_PERIOD(def, lo) {"period", def, lo, PR_TA_PERIOD_MAX, 1}
#define P_NBDEV(name, def) {name, def, -3e37, 3e37, 0}
#define ONE_REAL 1, {"real0"}

const pr_ta_def pr_ta_defs_overlap[] = {
    {"sma", "overlap", "Simple moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"sma"}, FNS(sma)},
    {"ema", "overlap", "Exponential moving average (SMA seed)", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"ema"},
     FNS(ema)},
    {"wma", "overlap", "Linearly weighted moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"wma"},
     FNS(wma)},
    {"dema", "overlap", "Double exponential moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"dema"},
     FNS(dema)},
    {"tema", "overlap", "Triple exponential moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"tema"},
     FNS(tema)},
    {"trima", "overlap", "Triangular moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"trima"},
     FNS(trima)},
    {"kama", "overlap", "Kaufman adaptive moving average", 1, ONE_REAL, 1, {P_PERIOD(30, 2)}, 1, {"kama"},
     FNS(kama)},
    {"t3", "overlap", "Tillson T3 moving average", 1, ONE_REAL, 2,
     {P_PERIOD(5, 2), {"vfactor", 0.7, 0.0, 1.0, 0}}, 1, {"t3"}, FNS(t3)},
    {"macd", "momentum", "Moving average convergence/divergence", 1, ONE_REAL, 3,
     {{"fast", 12, 2, PR_TA_PERIOD_MAX, 1}, {"slow", 26, 2, PR_TA_PERIOD_MAX, 1},
      {"signal", 9, 1, PR_TA_PERIOD_MAX, 1}},
     3, {"macd", "signal", "hist"}, FNS(macd)},
    {"apo", "momentum", "Absolute price oscillator (matype 0 SMA, 1 EMA)", 1, ONE_REAL, 3,
     {{"fast", 12, 2, PR_TA_PERIOD_MAX, 1}, {"slow", 26, 2, PR_TA_PERIOD_MAX, 1}, {"matype", 0, 0, 1, 1}},
     1, {"apo"}, FNS(apo)},
    {"ppo", "momentum", "Percentage price oscillator (matype 0 SMA, 1 EMA)", 1, ONE_REAL, 3,
     {{"fast", 12, 2, PR_TA_PERIOD_MAX, 1}, {"slow", 26, 2, PR_TA_PERIOD_MAX, 1}, {"matype", 0, 0, 1, 1}},
     1, {"ppo"}, FNS(ppo)},
    {"trix", "momentum", "1-bar rate of change of a triple EMA (%)", 1, ONE_REAL, 1, {P_PERIOD(30, 1)}, 1,
     {"trix"}, FNS(trix)},
    {"bbands", "overlap", "Bollinger bands (SMA middle, population deviation)", 1, ONE_REAL, 3,
     {P_PERIOD(20, 2), P_NBDEV("nbdevup", 2.0), P_NBDEV("nbdevdn", 2.0)}, 3, {"upper", "middle", "lower"},
     FNS(bbands)},
    {"stddev", "stats", "Population standard deviation x nbdev", 1, ONE_REAL, 2,
     {P_PERIOD(5, 2), P_NBDEV("nbdev", 1.0)}, 1, {"stddev"}, FNS(stddev)},
    {"var", "stats", "Population variance", 1, ONE_REAL, 1, {P_PERIOD(5, 1)}, 1, {"var"}, FNS(var)},
    {"linearreg", "stats", "Least-squares line: value at the current bar", 1, ONE_REAL, 1, {P_PERIOD(14, 2)}, 1,
     {"linearreg"}, FNS(linearreg)},
    {"linearreg_slope", "stats", "Least-squares line: slope per bar", 1, ONE_REAL, 1, {P_PERIOD(14, 2)}, 1,
     {"linearreg_slope"}, FNS(linearreg_slope)},
    {"linearreg_intercept", "stats", "Least-squares line: value at the window's oldest bar", 1, ONE_REAL, 1,
     {P_PERIOD(14, 2)}, 1, {"linearreg_intercept"}, FNS(linearreg_intercept)},
    {"linearreg_angle", "stats", "Least-squares line: slope angle in degrees", 1, ONE_REAL, 1, {P_PERIOD(14, 2)},
     1, {"linearreg_angle"}, FNS(linearreg_angle)},
    {"tsf", "stats", "Time-series forecast: the least-squares line one bar ahead", 1, ONE_REAL, 1,
     {P_PERIOD(14, 2)}, 1, {"tsf"}, FNS(tsf)},
    {"correl", "stats", "Pearson correlation of real0 and real1", 1, 2, {"real0", "real1"}, 1, {P_PERIOD(30, 1)},
     1, {"correl"}, FNS(correl)},
    {"beta", "stats", "Beta of real1's returns on real0's returns", 1, 2, {"real0", "real1"}, 1,
     {P_PERIOD(5, 1)}, 1, {"beta"}, FNS(beta)},
    {"midprice", "overlap", "(highest high + lowest low)/2", 1, 2, {"high", "low"}, 1, {P_PERIOD(14, 2)}, 1,
     {"midprice"}, FNS(midprice)},
    {"midpoint", "overlap", "(highest + lowest)/2", 1, ONE_REAL, 1, {P_PERIOD(14, 2)}, 1, {"midpoint"},
     FNS(midpoint)},
    {"ht_trendline", "overlap", "Hilbert transform instantaneous trendline", 1, ONE_REAL, 0, {{0}}, 1,
     {"ht_trendline"}, FNS(ht_trendline)},
};
const size_t pr_ta_defs_overlap_count = sizeof pr_ta_defs_overlap / sizeof pr_ta_defs_overlap[0];
