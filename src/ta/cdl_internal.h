/* Internal to the candlestick files: TA-Lib's candle settings, the range and
 * average arithmetic (TA_CANDLERANGE / TA_CANDLEAVERAGE, same operations in
 * the same order) and the pattern table the engine in candles.c runs. */
#ifndef PR_TA_CDL_INTERNAL_H
#define PR_TA_CDL_INTERNAL_H
#include "momentum_internal.h"

/* TA-Lib's TA_CandleSettingType, in its order. */
enum {
    CDL_BODY_LONG, CDL_BODY_VERY_LONG, CDL_BODY_SHORT, CDL_BODY_DOJI,
    CDL_SHADOW_LONG, CDL_SHADOW_VERY_LONG, CDL_SHADOW_SHORT, CDL_SHADOW_VERY_SHORT,
    CDL_NEAR, CDL_FAR, CDL_EQUAL, CDL_SETTING_COUNT
};
enum { CDL_RANGE_REALBODY, CDL_RANGE_HIGHLOW, CDL_RANGE_SHADOWS };

/* The public pr_ta_candle_setting: range (CDL_RANGE_*), period (bars
 * averaged before the candle compared; 0 = its own), factor. */
typedef pr_ta_candle_setting cdl_setting;

/* TA-Lib's TA_CandleDefaultSettings (ta_global.c); here, rather than in one
 * file, so that every rule file's batch loops see them as constants. */
static const cdl_setting pr_cdl_settings[CDL_SETTING_COUNT] = {
    [CDL_BODY_LONG] = {CDL_RANGE_REALBODY, 10, 1.0},
    [CDL_BODY_VERY_LONG] = {CDL_RANGE_REALBODY, 10, 3.0},
    [CDL_BODY_SHORT] = {CDL_RANGE_REALBODY, 10, 1.0},
    [CDL_BODY_DOJI] = {CDL_RANGE_HIGHLOW, 10, 0.1},
    [CDL_SHADOW_LONG] = {CDL_RANGE_REALBODY, 0, 1.0},
    [CDL_SHADOW_VERY_LONG] = {CDL_RANGE_REALBODY, 0, 2.0},
    [CDL_SHADOW_SHORT] = {CDL_RANGE_SHADOWS, 10, 1.0},
    [CDL_SHADOW_VERY_SHORT] = {CDL_RANGE_HIGHLOW, 10, 0.1},
    [CDL_NEAR] = {CDL_RANGE_HIGHLOW, 5, 0.2},
    [CDL_FAR] = {CDL_RANGE_HIGHLOW, 5, 0.6},
    [CDL_EQUAL] = {CDL_RANGE_HIGHLOW, 5, 0.05},
};

/* A running average: candle setting `set` measured `off` bars before the
 * current one (its total covers the `period` bars before that candle). */
typedef struct cdl_slot {
    unsigned char set, off;
} cdl_slot;

#define CDL_MAX_SLOTS 10

/* Pattern rule: o/h/l/c point at the current bar (index 0, earlier bars at
 * negative indices); avg[k] is the average of slot k; returns 0, ±80, ±100. */
typedef int (*cdl_eval_fn)(const double *o, const double *h, const double *l, const double *c,
                           const double *avg, double pen);

/* What a stateful rule (the hikkakes) carries from bar to bar: TA-Lib's
 * pending pattern, its age in bars, and the high/low of the candle before it. */
typedef struct cdl_mem {
    int result;            /* ±100 of the pending pattern, 0 before any */
    int age;               /* bars since it; > 3 once confirmed or expired */
    double hi, lo;
} cdl_mem;

typedef int (*cdl_step_fn)(const double *o, const double *h, const double *l, const double *c,
                           const double *avg, cdl_mem *mem);

typedef struct cdl_def {
    int lookback;          /* TA-Lib's TA_CDLxxx_Lookback with default settings */
    int nbars;             /* candles the rule reads (current one included) */
    int nslots;
    cdl_slot slots[CDL_MAX_SLOTS];
    cdl_eval_fn eval;      /* a rule of the bar alone, or NULL and: */
    cdl_step_fn step;      /* a stateful rule, run from `prime` bars before */
    int prime;             /* the lookback, as TA-Lib starts it, outputs dropped */
    /* the batch loop over bars known free of NaN and infinities, from bar
     * `first` (lookback - prime), writing out[lb..n-1] (CDL_DEF) */
    void (*batch)(size_t first, size_t lb, size_t n, const double *o, const double *h, const double *l,
                  const double *c, double pen, double *out);
    /* the block loop of the one-pass form (cdl_block_kernel) */
    void (*block)(size_t t0, size_t t1, size_t w, const double *o, const double *h, const double *l,
                  const double *c, const double *const *ap, double pen, cdl_mem *mem, double *out);
} cdl_def;

/* One definition per candlestick row of proratio/ta/list.h, pr_cdl_def_<name>
 * (cdl_patterns.c and the cdl_*.c family files), and the table of them
 * indexed by pr_ta_cdl_pattern (candles.c). */
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)(extern const cdl_def pr_cdl_def_##name;)
#include "proratio/ta/list.h"
#undef PR_TA_ROW
extern const cdl_def *const pr_cdl_defs[PR_TA_CDL_COUNT];

/* Shared by the engine (candles.c) and the one-pass form (cdl_all.c): the
 * lookback under settings cs, "every price finite and < 1e300", the
 * penetration check (negative = default) and "cs is NULL or the defaults". */
int pr_cdl_lookback(const cdl_def *d, const cdl_setting *cs);
int pr_cdl_tame(size_t n, const double *o, const double *h, const double *l, const double *c);
int pr_cdl_pen(pr_ta_cdl_pattern pattern, double pen, double *out);
int pr_cdl_is_default(const pr_ta_candle_settings *cs);

/* ---- shorthands of the rules: candle k bars back ------------------------- */
#define RB(k) cdl_realbody(o[-(k)], c[-(k)])
#define UP(k) cdl_upper(o[-(k)], h[-(k)], c[-(k)])
#define LO(k) cdl_lower(o[-(k)], l[-(k)], c[-(k)])
#define COLOR(k) cdl_color(o[-(k)], c[-(k)])
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define MIN2(a, b) ((a) < (b) ? (a) : (b))
#define BODY_HI(k) MAX2(o[-(k)], c[-(k)])
#define BODY_LO(k) MIN2(o[-(k)], c[-(k)])
/* TA_REALBODYGAPUP / TA_REALBODYGAPDOWN of candle a over earlier candle b */
#define RB_GAP_UP(a, b) (MIN2(o[-(a)], c[-(a)]) > MAX2(o[-(b)], c[-(b)]))
#define RB_GAP_DOWN(a, b) (MAX2(o[-(a)], c[-(a)]) < MIN2(o[-(b)], c[-(b)]))
/* TA_CANDLEGAPUP / TA_CANDLEGAPDOWN: whole ranges apart */
#define GAP_UP(a, b) (l[-(a)] > h[-(b)])
#define GAP_DOWN(a, b) (h[-(a)] < l[-(b)])

#define RULE(name) \
    static int name(const double *o, const double *h, const double *l, const double *c, \
                    const double *avg, double pen)
#define S(set, off) {CDL_##set, off}

/* ---- TA_CANDLERANGE and friends ------------------------------------------ */

static inline double cdl_realbody(double o, double c) { return fabs(c - o); }
static inline double cdl_upper(double o, double h, double c) { return h - (c >= o ? c : o); }
static inline double cdl_lower(double o, double l, double c) { return (c >= o ? o : c) - l; }
static inline int cdl_color(double o, double c) { return c >= o ? 1 : -1; }

/* Every helper below takes the settings table cs: pr_cdl_settings in the
 * per-pattern loops (folded as constants), the caller's in the others. */
static inline double cdl_range(const cdl_setting *cs, int set, double o, double h, double l, double c) {
    switch (cs[set].range) {
    case CDL_RANGE_REALBODY: return cdl_realbody(o, c);
    case CDL_RANGE_HIGHLOW: return h - l;
    default: return cdl_upper(o, h, c) + cdl_lower(o, l, c);
    }
}

/* TA_CANDLEAVERAGE: factor * (sum / period, or the candle's own range when
 * period is 0) / (2 for shadows, else 1). */
static inline double cdl_average(const cdl_setting *cs, int set, double sum, double o, double h, double l,
                                  double c) {
    const cdl_setting *s = &cs[set];
    double base = s->period != 0 ? sum / s->period : cdl_range(cs, set, o, h, l, c);
    return s->factor * base / (s->range == CDL_RANGE_SHADOWS ? 2.0 : 1.0);
}

/* First totals for the bar at index 0 of o/h/l/c. */
static inline void cdl_totals_init(const cdl_setting *cs, const cdl_def *d, const double *o, const double *h,
                                   const double *l, const double *c, double *total) {
    for (int k = 0; k < d->nslots; k++) {
        int set = d->slots[k].set, off = d->slots[k].off;
        int per = cs[set].period;
        total[k] = 0.0;
        for (int j = per; j >= 1; j--) {
            int b = -j - off;
            total[k] += cdl_range(cs, set, o[b], h[b], l[b], c[b]);
        }
    }
}

/* Totals after the bar at index 0 of o/h/l/c has been judged. */
static inline void cdl_totals_step(const cdl_setting *cs, const cdl_def *d, const double *o, const double *h,
                                   const double *l, const double *c, double *total) {
    for (int k = 0; k < d->nslots; k++) {
        int set = d->slots[k].set, off = d->slots[k].off;
        int b = -off - cs[set].period;
        total[k] += cdl_range(cs, set, o[-off], h[-off], l[-off], c[-off]) -
                    cdl_range(cs, set, o[b], h[b], l[b], c[b]);
    }
}

/* The slot averages for the bar at index 0 of o/h/l/c. */
static inline void cdl_averages(const cdl_setting *cs, const cdl_def *d, const double *o, const double *h, const double *l,
                                const double *c, const double *total, double *avg) {
    for (int k = 0; k < d->nslots; k++) {
        int off = d->slots[k].off;
        avg[k] = cdl_average(cs, d->slots[k].set, total[k], o[-off], h[-off], l[-off], c[-off]);
    }
}

/* The batch loop of CDL_DEF: with the definition a constant of the rule's
 * file, the compiler folds the settings and inlines the rule. No NaN test
 * (the caller checked the bars). */
__attribute__((always_inline)) static inline void
cdl_kernel(const cdl_def *d, size_t first, size_t lb, size_t n, const double *open, const double *high,
           const double *low, const double *close, double pen, double *out) {
    double total[CDL_MAX_SLOTS], avg[CDL_MAX_SLOTS];
    cdl_mem mem = {0, 4, 0.0, 0.0};
    cdl_totals_init(pr_cdl_settings, d, open + first, high + first, low + first, close + first, total);
    for (size_t i = first; i < n; i++) {
        const double *o = open + i, *h = high + i, *l = low + i, *c = close + i;
        cdl_averages(pr_cdl_settings, d, o, h, l, c, total, avg);
        int v = d->step ? d->step(o, h, l, c, avg, &mem) : d->eval(o, h, l, c, avg, pen);
        if (i >= lb) out[i] = (double)v;
        cdl_totals_step(pr_cdl_settings, d, o, h, l, c, total);
    }
}

/* The block loop of the one-pass form (cdl_all.c): bars [t0, t1) of arrays
 * already offset to the block, slot k's average of bar t in ap[k][t], the
 * output written from bar w on; a stateful rule carries *mem across blocks. */
__attribute__((always_inline)) static inline void
cdl_block_kernel(const cdl_def *d, size_t t0, size_t t1, size_t w, const double *open, const double *high,
                 const double *low, const double *close, const double *const *ap, double pen, cdl_mem *mem,
                 double *out) {
    double avg[CDL_MAX_SLOTS];
    for (size_t t = t0; t < t1; t++) {
        const double *o = open + t, *h = high + t, *l = low + t, *c = close + t;
        for (int k = 0; k < d->nslots; k++) avg[k] = ap[k][t];
        int v = d->step ? d->step(o, h, l, c, avg, mem) : d->eval(o, h, l, c, avg, pen);
        if (t >= w) out[t] = (double)v;
    }
}

/* Defines pr_cdl_def_<name> from its fields (lookback, bars, slots, rule...)
 * and its batch loop, which reads a file-local copy of the same fields so
 * that the compiler sees them as constants. */
#define CDL_DEF(name, ...)                                                                      \
    static const cdl_def cdl_k_##name = {__VA_ARGS__, NULL, NULL};                                   \
    static void cdl_batch_##name(size_t first, size_t lb, size_t n, const double *o, const double *h, \
                                 const double *l, const double *c, double pen, double *out) {   \
        cdl_kernel(&cdl_k_##name, first, lb, n, o, h, l, c, pen, out);                          \
    }                                                                                           \
    static void cdl_block_##name(size_t t0, size_t t1, size_t w, const double *o, const double *h, \
                                 const double *l, const double *c, const double *const *ap, double pen, \
                                 cdl_mem *mem, double *out) {                                   \
        cdl_block_kernel(&cdl_k_##name, t0, t1, w, o, h, l, c, ap, pen, mem, out);              \
    }                                                                                           \
    const cdl_def pr_cdl_def_##name = {__VA_ARGS__, cdl_batch_##name, cdl_block_##name};
#endif
