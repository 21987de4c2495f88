/* Candlestick engine: runs a pattern rule (cdl_patterns.c and the cdl_*.c
 * family files) over bars with TA-Lib's running candle averages, batch and
 * streaming, plus the public per-pattern entry points.
 *
 * TA-Lib keeps, per average it needs, a running total of a candle feature
 * over the `period` bars before the candle being judged: it is first summed
 * left to right, then after each bar updated as
 *     total += range(newest) - range(leaving)
 * (the difference first, then the add). Both forms below do exactly that, so
 * every threshold has TA-Lib's rounding and the outputs match it exactly.
 * The streaming form keeps the last lookback+1 bars in a small window so the
 * same rule function sees the same values. A bar whose pattern candles or
 * averages involve NaN is NaN; a NaN reaching a running total keeps later
 * outputs NaN. Batch over bars with no NaN or infinity (the usual case) runs
 * the pattern's own loop (CDL_DEF), which skips those tests. */
#include "cdl_internal.h"
#include "table_internal.h"

const cdl_def *const pr_cdl_defs[PR_TA_CDL_COUNT] = {
#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)([PR_TA_CDL_##name] = &pr_cdl_def_##name, )
#include "proratio/ta/list.h"
#undef PR_TA_ROW
};

/* Each pattern's parameters as its row of proratio/ta/list.h gives them
 * (n = 0: no penetration; else the penetration and its default), indexed
 * by pattern id, so the engine's default is the table's. */
typedef struct cdl_row_params {
    int n;
    pr_ta_param p[1];
} cdl_row_params;
#define CDL_ROW_PARAMS_(n, ...) {n, __VA_ARGS__},
static const cdl_row_params cdl_params[PR_TA_CDL_COUNT] = {
#define PR_TA_ROW(shape, name, group, desc, talib, params, outputs) PR_TA_IF_CDL(shape)(CDL_ROW_PARAMS_ params)
#include "proratio/ta/list.h"
#undef PR_TA_ROW
};

/* Penetration check: a negative value selects the default. */
static int cdl_pen(pr_ta_cdl_pattern pattern, double pen, double *out) {
    if (cdl_params[pattern].n == 0) {
        *out = 0.0;
        return PR_OK;
    }
    if (pen != pen || pen > 3e37) return PR_EINVAL;
    *out = pen < 0 ? cdl_params[pattern].p[0].def : pen;
    return PR_OK;
}

/* Output for the bar at o/h/l/c[0] given the slot totals. */
static inline double cdl_eval_bar(const cdl_setting *cs, const cdl_def *d, const double *o, const double *h,
                                  const double *l, const double *c, const double *total,
                                  double pen, cdl_mem *mem) {
    double avg[CDL_MAX_SLOTS];
    double chk = 0.0;
    cdl_averages(cs, d, o, h, l, c, total, avg);
    for (int k = 0; k < d->nslots; k++) chk += avg[k];
    for (int j = 0; j < d->nbars; j++) chk += o[-j] + h[-j] + l[-j] + c[-j];
    if (chk != chk) return NAN;
    if (d->step) return (double)d->step(o, h, l, c, avg, mem);
    return (double)d->eval(o, h, l, c, avg, pen);
}

/* A pattern id of the list whose rule cdl_patterns.c defines. */
static int cdl_valid(pr_ta_cdl_pattern p) {
    return (int)p >= 0 && p < PR_TA_CDL_COUNT && (pr_cdl_defs[p]->eval || pr_cdl_defs[p]->step);
}

int pr_cdl_lookback(const cdl_def *d, const cdl_setting *cs) {
    /* TA-Lib's lookbacks are the longest period of the settings used plus a
     * constant (the candles before the current one, the hikkake's wait);
     * CDLHIKKAKEMOD's counts its Near period as at least 1. */
    int maxdef = 0, maxnew = 0;
    for (int k = 0; k < d->nslots; k++) {
        int set = d->slots[k].set;
        maxdef = MAX2(maxdef, pr_cdl_settings[set].period);
        maxnew = MAX2(maxnew, cs[set].period);
    }
    if (d == &pr_cdl_def_hikkakemod) maxnew = MAX2(maxnew, 1);
    return d->lookback - maxdef + maxnew;
}

int pr_ta_cdl_lookback(pr_ta_cdl_pattern pattern, int *out) {
    return pr_ta_cdl_lookback_ex(pattern, NULL, out);
}

int pr_ta_cdl_lookback_ex(pr_ta_cdl_pattern pattern, const pr_ta_candle_settings *cs, int *out) {
    if (!out || !cdl_valid(pattern) || (cs && pr_ta_candle_settings_check(cs) != PR_OK)) return PR_EINVAL;
    *out = pr_cdl_lookback(pr_cdl_defs[pattern], cs ? cs->s : pr_cdl_settings);
    return PR_OK;
}

/* True when every price is finite and below 1e300 in size, so no range,
 * total or average of the bars can be NaN or infinite: the batch form then
 * skips the per-bar NaN test (the outputs are the same either way). */
int pr_cdl_tame(size_t n, const double *o, const double *h, const double *l, const double *c) {
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= (fabs(o[i]) < 1e300) & (fabs(h[i]) < 1e300) & (fabs(l[i]) < 1e300) & (fabs(c[i]) < 1e300);
    return ok;
}

int pr_cdl_pen(pr_ta_cdl_pattern pattern, double pen, double *out) { return cdl_pen(pattern, pen, out); }

int pr_cdl_is_default(const pr_ta_candle_settings *cs) {
    if (!cs) return 1;
    for (int k = 0; k < CDL_SETTING_COUNT; k++)
        if (cs->s[k].range != pr_cdl_settings[k].range || cs->s[k].period != pr_cdl_settings[k].period ||
            cs->s[k].factor != pr_cdl_settings[k].factor)
            return 0;
    return 1;
}

int pr_ta_cdl(pr_ta_cdl_pattern pattern, size_t n, const double *open, const double *high,
              const double *low, const double *close, double penetration, double *out) {
    return pr_ta_cdl_ex(pattern, n, open, high, low, close, penetration, NULL, out);
}

int pr_ta_cdl_ex(pr_ta_cdl_pattern pattern, size_t n, const double *open, const double *high,
                 const double *low, const double *close, double penetration,
                 const pr_ta_candle_settings *settings, double *out) {
    if (!cdl_valid(pattern) || (settings && pr_ta_candle_settings_check(settings) != PR_OK)) return PR_EINVAL;
    const cdl_def *d = pr_cdl_defs[pattern];
    int dflt = pr_cdl_is_default(settings);
    const cdl_setting *cs = dflt ? pr_cdl_settings : settings->s;
    double pen;
    PR_TA_PROLOGUE(cdl_pen(pattern, penetration, &pen) == PR_OK, n, open, high, low, close, out);
    size_t lb = (size_t)pr_cdl_lookback(d, cs);
    PR_TA_ALL_NAN_IF(n <= lb, n, out);
    pr_ta_fill_nan(out, lb);
    size_t first = lb - (size_t)d->prime;   /* a stateful rule starts early, as TA-Lib's does */
    if (dflt && pr_cdl_tame(n, open, high, low, close)) {
        d->batch(first, lb, n, open, high, low, close, pen, out);
        return PR_OK;
    }
    double total[CDL_MAX_SLOTS];
    cdl_mem mem = {0, 4, 0.0, 0.0};
    cdl_totals_init(cs, d, open + first, high + first, low + first, close + first, total);
    for (size_t i = first; i < n; i++) {
        double v = cdl_eval_bar(cs, d, open + i, high + i, low + i, close + i, total, pen, &mem);
        if (i >= lb) out[i] = v;
        cdl_totals_step(cs, d, open + i, high + i, low + i, close + i, total);
    }
    return PR_OK;
}

/* The last lookback+1 bars in o/h/l/c (win, 4 x (lookback+1)), current
 * bar last. */
struct pr_ta_cdl_impl {
    const cdl_def *d;
    cdl_setting cs[CDL_SETTING_COUNT];
    int lookback;
    double pen;
    int64_t count;
    cdl_mem mem;
    double total[CDL_MAX_SLOTS];
    double *o, *h, *l, *c;
    double win[];
};

int pr_ta_cdl_init(pr_ta_cdl_state *s, pr_ta_cdl_pattern pattern, double penetration) {
    return pr_ta_cdl_init_ex(s, pattern, penetration, NULL);
}

int pr_ta_cdl_init_ex(pr_ta_cdl_state *s, pr_ta_cdl_pattern pattern, double penetration,
                      const pr_ta_candle_settings *settings) {
    if (!s || !cdl_valid(pattern) || (settings && pr_ta_candle_settings_check(settings) != PR_OK))
        return PR_EINVAL;
    const cdl_def *d = pr_cdl_defs[pattern];
    const cdl_setting *cs = settings ? settings->s : pr_cdl_settings;
    double pen;
    if (cdl_pen(pattern, penetration, &pen) != PR_OK) return PR_EINVAL;
    int lb = pr_cdl_lookback(d, cs);
    size_t w = (size_t)lb + 1;
    struct pr_ta_cdl_impl *m = calloc(1, sizeof *m + 4 * w * sizeof(double));
    if (!m) return PR_ENOMEM;
    m->d = d;
    memcpy(m->cs, cs, sizeof m->cs);
    m->lookback = lb;
    m->pen = pen;
    m->mem.age = 4;
    m->o = m->win;
    m->h = m->win + w;
    m->l = m->win + 2 * w;
    m->c = m->win + 3 * w;
    s->p = m;
    return PR_OK;
}

int pr_ta_cdl_update(pr_ta_cdl_state *s, double open, double high, double low, double close,
                     double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    struct pr_ta_cdl_impl *m = s->p;
    const cdl_def *d = m->d;
    size_t last = (size_t)m->lookback;   /* window index of the current bar */
    memmove(m->o, m->o + 1, last * sizeof(double));
    memmove(m->h, m->h + 1, last * sizeof(double));
    memmove(m->l, m->l + 1, last * sizeof(double));
    memmove(m->c, m->c + 1, last * sizeof(double));
    m->o[last] = open;
    m->h[last] = high;
    m->l[last] = low;
    m->c[last] = close;
    int64_t t = m->count++, first = m->lookback - d->prime;
    *out = NAN;
    if (t < first) return PR_OK;
    const double *o = m->o + last, *h = m->h + last, *l = m->l + last, *c = m->c + last;
    if (t == first) cdl_totals_init(m->cs, d, o, h, l, c, m->total);
    double v = cdl_eval_bar(m->cs, d, o, h, l, c, m->total, m->pen, &m->mem);
    if (t >= m->lookback) *out = v;
    cdl_totals_step(m->cs, d, o, h, l, c, m->total);
    return PR_OK;
}

void pr_ta_cdl_free(pr_ta_cdl_state *s) {
    if (!s) return;
    free(s->p);
    s->p = NULL;
}

/* ---- per-pattern entry points: one set per candlestick row of
 * proratio/ta/list.h (shapes CDL and CDL_PEN), each a thin call into the
 * engine above with its pattern id. ---- */

/* The engine's state behind a per-pattern state (same layout: one pointer). */
#define CDL_STATE_FNS(name)                                                                  \
    int pr_ta_cdl_##name##_update(pr_ta_cdl_##name##_state *s, double open, double high,     \
                                  double low, double close, double *out) {                  \
        if (!s) return PR_EINVAL;                                                            \
        pr_ta_cdl_state g = {s->p};                                                          \
        return pr_ta_cdl_update(&g, open, high, low, close, out);                            \
    }                                                                                        \
    void pr_ta_cdl_##name##_free(pr_ta_cdl_##name##_state *s) {                              \
        if (!s) return;                                                                      \
        pr_ta_cdl_state g = {s->p};                                                          \
        pr_ta_cdl_free(&g);                                                                  \
        s->p = NULL;                                                                         \
    }                                                                                        \
    static int cdl_init_##name(pr_ta_cdl_##name##_state *s, double penetration) {           \
        if (!s) return PR_EINVAL;                                                            \
        pr_ta_cdl_state g = {NULL};                                                          \
        int rc = pr_ta_cdl_init(&g, PR_TA_CDL_##name, penetration);                          \
        s->p = g.p;                                                                          \
        return rc;                                                                           \
    }

#define CDL_DEFINE_CDL(name)                                                                 \
    CDL_STATE_FNS(name)                                                                      \
    int pr_ta_cdl_##name##_lookback(int *out) { return pr_ta_cdl_lookback(PR_TA_CDL_##name, out); } \
    int pr_ta_cdl_##name(size_t n, const double *open, const double *high, const double *low, \
                         const double *close, double *out) {                                 \
        return pr_ta_cdl(PR_TA_CDL_##name, n, open, high, low, close, -1.0, out);             \
    }                                                                                        \
    int pr_ta_cdl_##name##_init(pr_ta_cdl_##name##_state *s) { return cdl_init_##name(s, -1.0); }

#define CDL_DEFINE_CDL_PEN(name)                                                             \
    CDL_STATE_FNS(name)                                                                      \
    int pr_ta_cdl_##name##_lookback(double penetration, int *out) {                          \
        if (penetration != penetration || penetration < 0 || penetration > 3e37) return PR_EINVAL; \
        return pr_ta_cdl_lookback(PR_TA_CDL_##name, out);                                    \
    }                                                                                        \
    int pr_ta_cdl_##name(size_t n, const double *open, const double *high, const double *low, \
                         const double *close, double penetration, double *out) {             \
        if (penetration < 0) return PR_EINVAL;                                               \
        return pr_ta_cdl(PR_TA_CDL_##name, n, open, high, low, close, penetration, out);      \
    }                                                                                        \
    int pr_ta_cdl_##name##_init(pr_ta_cdl_##name##_state *s, double penetration) {           \
        if (penetration < 0) return PR_EINVAL;                                               \
        return cdl_init_##name(s, penetration);                                              \
    }

#define PR_TA_ROW(shape, name, ...) PR_TA_IF_CDL(shape)(CDL_DEFINE_##shape(name))
#include "proratio/ta/list.h"
#undef PR_TA_ROW
