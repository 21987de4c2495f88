/* Indicator table entries for the extra family (see ta.h, pr_ta_def): thin
 * adapters from the generic interface (double params, pr_ta_input, pr_ta_bar)
 * to the typed functions of ta/extra.h. Parameter ranges here mirror the
 * typed functions' checks, so pr_ta_check_params catches every bad value. */
#include <stdlib.h>
#include "extra_internal.h"

/* Integer parameter i; a value no int can hold becomes -1, which every
 * typed function rejects (never an out-of-range float-to-int conversion). */
static int iparam(double v) { return (v >= -1e9 && v <= 1e9) ? (int)v : -1; }
#define P(i) iparam(p[i])

static const double *real0_of(const pr_ta_input *in) { return in->real0 ? in->real0 : in->close; }

/* Allocates a typed state of `size` bytes for the generic stream_new. */
static void *state_alloc(size_t size, void **out) {
    if (!out) return NULL;
    void *s = calloc(1, size);
    *out = s;
    return s;
}

/* Generates stream_new/stream_free for indicators whose _init takes int params. */
#define STREAM_NEW(name, ...)                                                   \
    static int name##_new(const double *p, void **st) {                         \
        if (!p) return PR_EINVAL;                                               \
        pr_ta_##name##_state *s = state_alloc(sizeof *s, st);                    \
        if (!s) return st ? PR_ENOMEM : PR_EINVAL;                               \
        int rc = pr_ta_##name##_init(s, __VA_ARGS__);                           \
        if (rc != PR_OK) {                                                      \
            free(s);                                                            \
            *st = NULL;                                                         \
        }                                                                       \
        return rc;                                                              \
    }                                                                           \
    static void name##_sfree(void *st) {                                        \
        if (!st) return;                                                        \
        pr_ta_##name##_free(st);                                                \
        free(st);                                                               \
    }

/* ---- vwap ---- */
static int vwap_lb(const double *p, int *out) { return p ? pr_ta_vwap_lookback(P(0), out) : PR_EINVAL; }
static int vwap_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_vwap(in->n, in->ts, in->high, in->low, in->close, in->volume, P(0), out[0]);
}
STREAM_NEW(vwap, P(0))
static int vwap_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_vwap_update(st, b->ts, b->high, b->low, b->close, b->volume, out);
}

/* ---- rvwap ---- */
static int rvwap_lb(const double *p, int *out) { return p ? pr_ta_rvwap_lookback(P(0), out) : PR_EINVAL; }
static int rvwap_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_rvwap(in->n, in->high, in->low, in->close, in->volume, P(0), out[0]);
}
STREAM_NEW(rvwap, P(0))
static int rvwap_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_rvwap_update(st, b->high, b->low, b->close, b->volume, out);
}

/* ---- keltner ---- */
static int keltner_lb(const double *p, int *out) { return p ? pr_ta_keltner_lookback(P(0), P(1), p[2], out) : PR_EINVAL; }
static int keltner_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_keltner(in->n, in->high, in->low, in->close, P(0), P(1), p[2], out[0], out[1], out[2]);
}
STREAM_NEW(keltner, P(0), P(1), p[2])
static int keltner_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_keltner_update(st, b->high, b->low, b->close, &out[0], &out[1], &out[2]);
}

/* ---- donchian ---- */
static int donchian_lb(const double *p, int *out) { return p ? pr_ta_donchian_lookback(P(0), out) : PR_EINVAL; }
static int donchian_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_donchian(in->n, in->high, in->low, P(0), out[0], out[1], out[2]);
}
STREAM_NEW(donchian, P(0))
static int donchian_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_donchian_update(st, b->high, b->low, &out[0], &out[1], &out[2]);
}

/* ---- supertrend ---- */
static int supertrend_lb(const double *p, int *out) { return p ? pr_ta_supertrend_lookback(P(0), p[1], out) : PR_EINVAL; }
static int supertrend_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_supertrend(in->n, in->high, in->low, in->close, P(0), p[1], out[0], out[1]);
}
STREAM_NEW(supertrend, P(0), p[1])
static int supertrend_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_supertrend_update(st, b->high, b->low, b->close, &out[0], &out[1]);
}

/* ---- ichimoku ---- */
static int ichimoku_lb(const double *p, int *out) { return p ? pr_ta_ichimoku_lookback(P(0), P(1), P(2), out) : PR_EINVAL; }
static int ichimoku_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_ichimoku(in->n, in->high, in->low, P(0), P(1), P(2), out[0], out[1], out[2], out[3]);
}
STREAM_NEW(ichimoku, P(0), P(1), P(2))
static int ichimoku_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_ichimoku_update(st, b->high, b->low, &out[0], &out[1], &out[2], &out[3]);
}

/* ---- heikin_ashi ---- */
static int heikin_ashi_lb(const double *p, int *out) { return pr_ta_heikin_ashi_lookback(out); }
static int heikin_ashi_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !out) return PR_EINVAL;
    return pr_ta_heikin_ashi(in->n, in->open, in->high, in->low, in->close, out[0], out[1], out[2], out[3]);
}
static int heikin_ashi_new(const double *p, void **st) {
    pr_ta_heikin_ashi_state *s = state_alloc(sizeof *s, st);
    if (!s) return st ? PR_ENOMEM : PR_EINVAL;
    return pr_ta_heikin_ashi_init(s);
}
static void heikin_ashi_sfree(void *st) { free(st); }
static int heikin_ashi_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_heikin_ashi_update(st, b->open, b->high, b->low, b->close, &out[0], &out[1], &out[2], &out[3]);
}

/* ---- cmf ---- */
static int cmf_lb(const double *p, int *out) { return p ? pr_ta_cmf_lookback(P(0), out) : PR_EINVAL; }
static int cmf_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_cmf(in->n, in->high, in->low, in->close, in->volume, P(0), out[0]);
}
STREAM_NEW(cmf, P(0))
static int cmf_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_cmf_update(st, b->high, b->low, b->close, b->volume, out);
}

/* ---- wavetrend ---- */
static int wavetrend_lb(const double *p, int *out) { return p ? pr_ta_wavetrend_lookback(P(0), P(1), P(2), out) : PR_EINVAL; }
static int wavetrend_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_wavetrend(in->n, in->high, in->low, in->close, P(0), P(1), P(2), out[0], out[1]);
}
STREAM_NEW(wavetrend, P(0), P(1), P(2))
static int wavetrend_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_wavetrend_update(st, b->high, b->low, b->close, &out[0], &out[1]);
}

/* ---- hma ---- */
static int hma_lb(const double *p, int *out) { return p ? pr_ta_hma_lookback(P(0), out) : PR_EINVAL; }
static int hma_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_hma(in->n, real0_of(in), P(0), out[0]);
}
STREAM_NEW(hma, P(0))
static int hma_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_hma_update(st, b->real0, out);
}

/* ---- zscore (population by default; ddof 1 = sample) ---- */
static int zscore_lb(const double *p, int *out) { return p ? pr_ta_zscore_lookback(P(0), P(1), out) : PR_EINVAL; }
static int zscore_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_zscore(in->n, real0_of(in), P(0), P(1), out[0]);
}
STREAM_NEW(zscore, P(0), P(1))
static int zscore_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_zscore_update(st, b->real0, out);
}

/* ---- percentrank ---- */
static int percentrank_lb(const double *p, int *out) { return p ? pr_ta_percentrank_lookback(P(0), out) : PR_EINVAL; }
static int percentrank_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_percentrank(in->n, real0_of(in), P(0), out[0]);
}
STREAM_NEW(percentrank, P(0))
static int percentrank_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_percentrank_update(st, b->real0, out);
}

/* ---- pivots ---- */
static int pivots_lb(const double *p, int *out) { return p ? pr_ta_pivots_lookback(P(0), P(1), out) : PR_EINVAL; }
static int pivots_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_pivots(in->n, in->ts, in->high, in->low, in->close, P(0), P(1), out);
}
STREAM_NEW(pivots, P(0), P(1))
static int pivots_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_pivots_update(st, b->ts, b->high, b->low, b->close, out);
}

/* ---- swings ---- */
static int swings_lb(const double *p, int *out) { return p ? pr_ta_swings_lookback(P(0), P(1), out) : PR_EINVAL; }
static int swings_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    return pr_ta_swings(in->n, in->high, in->low, P(0), P(1), out[0], out[1]);
}
STREAM_NEW(swings, P(0), P(1))
static int swings_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_swings_update(st, b->high, b->low, &out[0], &out[1]);
}

/* ---- levels ---- */
static pr_ta_levels_cfg levels_cfg(const double *p) {
    pr_ta_levels_cfg c;
    c.left = P(0);
    c.right = P(1);
    c.window = P(2);
    c.atr_period = P(3);
    c.tol_atr = p[4];
    c.tol_pct = p[5];
    c.half_life = p[6];
    return c;
}
static int levels_lb(const double *p, int *out) {
    if (!p) return PR_EINVAL;
    pr_ta_levels_cfg c = levels_cfg(p);
    return pr_ta_levels_lookback(&c, out);
}
static int levels_run(const pr_ta_input *in, const double *p, double *const *out) {
    if (!in || !p || !out) return PR_EINVAL;
    pr_ta_levels_cfg c = levels_cfg(p);
    return pr_ta_levels(in->n, in->high, in->low, in->close, &c, out[0], out[1], out[2], out[3]);
}
static int levels_new(const double *p, void **st) {
    if (!p) return PR_EINVAL;
    pr_ta_levels_state *s = state_alloc(sizeof *s, st);
    if (!s) return st ? PR_ENOMEM : PR_EINVAL;
    pr_ta_levels_cfg c = levels_cfg(p);
    int rc = pr_ta_levels_init(s, &c);
    if (rc != PR_OK) {
        free(s);
        *st = NULL;
    }
    return rc;
}
static void levels_sfree(void *st) {
    if (!st) return;
    pr_ta_levels_free(st);
    free(st);
}
static int levels_upd(void *st, const pr_ta_bar *b, double *out) {
    if (!st || !b) return PR_EINVAL;
    return pr_ta_levels_update(st, b->ts, b->high, b->low, b->close, out);
}

#define FNS(name) \
    .lookback = name##_lb, .run = name##_run, .stream_new = name##_new, .stream_update = name##_upd, \
    .stream_free = name##_sfree

const pr_ta_def pr_ta_defs_extra[] = {
    {.name = "vwap", .group = "volume",
     .desc = "Session VWAP of (H+L+C)/3, reset each anchor period (0 UTC day, 1 US session 09:30 ET, 2 week, 3 month)",
     .n_inputs = 5, .inputs = {"time", "high", "low", "close", "volume"},
     .n_params = 1, .params = {{"anchor", 0, 0, 3, 1}},
     .n_outputs = 1, .outputs = {"vwap"}, FNS(vwap)},
    {.name = "rvwap", .group = "volume",
     .desc = "Rolling VWAP of (H+L+C)/3 over the last period bars",
     .n_inputs = 4, .inputs = {"high", "low", "close", "volume"},
     .n_params = 1, .params = {{"period", 20, 1, 10000, 1}},
     .n_outputs = 1, .outputs = {"rvwap"}, FNS(rvwap)},
    {.name = "keltner", .group = "volatility",
     .desc = "Keltner channels: EMA(close) middle, bands mult x ATR (TradingView defaults 20, 10, 2)",
     .n_inputs = 3, .inputs = {"high", "low", "close"},
     .n_params = 3, .params = {{"ema_period", 20, 2, 100000, 1}, {"atr_period", 10, 1, 100000, 1}, {"mult", 2, 0, 100, 0}},
     .n_outputs = 3, .outputs = {"upper", "middle", "lower"}, FNS(keltner)},
    {.name = "donchian", .group = "volatility",
     .desc = "Donchian channels: highest high, midpoint, lowest low over period bars",
     .n_inputs = 2, .inputs = {"high", "low"},
     .n_params = 1, .params = {{"period", 20, 1, 100000, 1}},
     .n_outputs = 3, .outputs = {"upper", "middle", "lower"}, FNS(donchian)},
    {.name = "supertrend", .group = "trend",
     .desc = "SuperTrend (TradingView rules): line and direction (+1 up, -1 down)",
     .n_inputs = 3, .inputs = {"high", "low", "close"},
     .n_params = 2, .params = {{"period", 10, 1, 100000, 1}, {"mult", 3, 0, 100, 0}},
     .n_outputs = 2, .outputs = {"line", "direction"}, FNS(supertrend)},
    {.name = "ichimoku", .group = "trend",
     .desc = "Ichimoku tenkan, kijun, senkou A/B un-shifted (plotted 26 bars ahead); no chikou",
     .n_inputs = 2, .inputs = {"high", "low"},
     .n_params = 3, .params = {{"tenkan", 9, 1, 100000, 1}, {"kijun", 26, 1, 100000, 1}, {"senkou", 52, 1, 100000, 1}},
     .n_outputs = 4, .outputs = {"tenkan", "kijun", "senkou_a", "senkou_b"}, FNS(ichimoku)},
    {.name = "heikin_ashi", .group = "overlap",
     .desc = "Heikin-Ashi candles (HA open seeded with (O+C)/2 of the first bar)",
     .n_inputs = 4, .inputs = {"open", "high", "low", "close"},
     .n_params = 0,
     .n_outputs = 4, .outputs = {"open", "high", "low", "close"}, FNS(heikin_ashi)},
    {.name = "cmf", .group = "volume",
     .desc = "Chaikin Money Flow over period bars",
     .n_inputs = 4, .inputs = {"high", "low", "close", "volume"},
     .n_params = 1, .params = {{"period", 20, 1, 100000, 1}},
     .n_outputs = 1, .outputs = {"cmf"}, FNS(cmf)},
    {.name = "wavetrend", .group = "momentum",
     .desc = "WaveTrend (LazyBear): wt1 = EMA(CI, n2), wt2 = SMA(wt1, signal); TA-Lib EMA seeds",
     .n_inputs = 3, .inputs = {"high", "low", "close"},
     .n_params = 3, .params = {{"n1", 10, 2, 100000, 1}, {"n2", 21, 2, 100000, 1}, {"signal", 4, 2, 100000, 1}},
     .n_outputs = 2, .outputs = {"wt1", "wt2"}, FNS(wavetrend)},
    {.name = "hma", .group = "overlap",
     .desc = "Hull moving average WMA(2 WMA(n/2) - WMA(n), sqrt n)",
     .n_inputs = 1, .inputs = {"real0"},
     .n_params = 1, .params = {{"period", 9, 4, 100000, 1}},
     .n_outputs = 1, .outputs = {"hma"}, FNS(hma)},
    {.name = "zscore", .group = "stats",
     .desc = "Rolling z-score (x - mean)/sd over period bars; ddof 0 population sd (default), 1 sample",
     .n_inputs = 1, .inputs = {"real0"},
     .n_params = 2, .params = {{"period", 20, 2, 100000, 1}, {"ddof", 0, 0, 1, 1}},
     .n_outputs = 1, .outputs = {"zscore"}, FNS(zscore)},
    {.name = "percentrank", .group = "stats",
     .desc = "Percent of the previous period values <= the current one (TradingView percentrank)",
     .n_inputs = 1, .inputs = {"real0"},
     .n_params = 1, .params = {{"period", 100, 1, 100000, 1}},
     .n_outputs = 1, .outputs = {"percentrank"}, FNS(percentrank)},
    {.name = "pivots", .group = "levels",
     .desc = "Pivot points from the previous completed period (kind 0 classic, 1 fibonacci; anchor 0 day, 1 US session, 2 week, 3 month)",
     .n_inputs = 4, .inputs = {"time", "high", "low", "close"},
     .n_params = 2, .params = {{"kind", 0, 0, 1, 1}, {"anchor", 0, 0, 3, 1}},
     .n_outputs = 7, .outputs = {"p", "r1", "r2", "r3", "s1", "s2", "s3"}, FNS(pivots)},
    {.name = "swings", .group = "levels",
     .desc = "Swing highs/lows with left/right bars, reported right bars after the pivot (NaN elsewhere)",
     .n_inputs = 2, .inputs = {"high", "low"},
     .n_params = 2, .params = {{"left", 5, 1, 1000, 1}, {"right", 5, 0, 1000, 1}},
     .n_outputs = 2, .outputs = {"high", "low"}, FNS(swings)},
    {.name = "levels", .group = "levels",
     .desc = "Nearest support/resistance from clustered confirmed swings, with strength in [0,1)",
     .n_inputs = 3, .inputs = {"high", "low", "close"},
     .n_params = 7,
     .params = {{"left", 5, 1, 1000, 1}, {"right", 5, 0, 1000, 1}, {"window", 300, 1, 100000, 1},
                {"atr_period", 14, 1, 100000, 1}, {"tol_atr", 0.5, 0, 100, 0}, {"tol_pct", 0, 0, 1, 0},
                {"half_life", 100, 1, 1e6, 0}},
     .n_outputs = 4, .outputs = {"support", "support_strength", "resistance", "resistance_strength"},
     FNS(levels)},
};
const size_t pr_ta_defs_extra_count = sizeof pr_ta_defs_extra / sizeof pr_ta_defs_extra[0];
