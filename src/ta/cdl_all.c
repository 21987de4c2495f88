/* pr_ta_cdl_all: many candlestick patterns in one pass over the bars.
 *
 * Separate calls each walk all the bars and each keep their own running
 * candle averages, although most patterns use the same few. Here the bars
 * go by in blocks small enough to stay in cache; per block, every distinct
 * running average is advanced once into a short buffer, then each pattern's
 * own loop (CDL_DEF's block form, the rule inlined) runs over the block,
 * reading its averages from those buffers.
 *
 * Same values as the separate calls, bit for bit: a separate call starts a
 * running total at its first bar and rounds from there, so two patterns
 * share a total only when they start it on the same candle; a "group" is
 * one (setting, first candle) pair and is summed exactly as the engine sums
 * it (first left to right, then += newest - leaving). Bars with a NaN or an
 * infinity take the separate calls, which handle them. */
#include "cdl_internal.h"

#define CDL_BLOCK 256
#define CDL_HALO 4            /* largest candle offset a slot has */
#define CDL_MAX_GROUPS (PR_TA_CDL_COUNT * CDL_MAX_SLOTS)

typedef struct cdl_group {
    int set;
    size_t j0;                /* first candle averaged */
    double total;             /* covers the `period` candles before the next one */
    double *buf;              /* buf[CDL_HALO + j - b0]: average of candle j of block b0 */
} cdl_group;

typedef struct cdl_job {
    const cdl_def *d;
    size_t lb, first;
    double pen;
    cdl_mem mem;
    int g[CDL_MAX_SLOTS];
    double *out;
} cdl_job;

static int group_of(cdl_group *gs, int *ng, int set, size_t j0) {
    for (int k = 0; k < *ng; k++)
        if (gs[k].set == set && gs[k].j0 == j0) return k;
    gs[*ng] = (cdl_group){set, j0, 0.0, NULL};
    return (*ng)++;
}

/* Averages of candles [max(b0, j0), b1) of group g into its buffer, with
 * the range type a constant (group_advance picks the loop): the same
 * operations as cdl_average and cdl_totals_step, where x / 2.0 is written
 * x * 0.5 and x / 1.0 is x (the same doubles). */
static inline double range_of(int range, double o, double h, double l, double c) {
    return range == CDL_RANGE_REALBODY ? cdl_realbody(o, c)
           : range == CDL_RANGE_HIGHLOW ? h - l
                                        : cdl_upper(o, h, c) + cdl_lower(o, l, c);
}

__attribute__((always_inline)) static inline void
group_loop(int range, const cdl_setting *cs, cdl_group *g, size_t b0, size_t b1, const double *o, const double *h,
           const double *l, const double *c) {
    const cdl_setting *s = &cs[g->set];
    int per = s->period;
    double factor = s->factor, dper = per;
#define RANGE(b) range_of(range, o[b], h[b], l[b], c[b])
    size_t j = b0 > g->j0 ? b0 : g->j0;
    double *buf = g->buf + CDL_HALO, total = g->total;
    if (per == 0) {
        for (; j < b1; j++) {
            double v = factor * RANGE(j);
            buf[j - b0] = range == CDL_RANGE_SHADOWS ? v * 0.5 : v;
        }
        return;
    }
    if (j == g->j0 && j < b1) {
        total = 0.0;
        for (size_t b = j - (size_t)per; b < j; b++) total += RANGE(b);
    }
    for (; j < b1; j++) {
        double v = factor * (total / dper);
        buf[j - b0] = range == CDL_RANGE_SHADOWS ? v * 0.5 : v;
        total += RANGE(j) - RANGE(j - (size_t)per);
    }
#undef RANGE
    g->total = total;
}

static void group_advance(const cdl_setting *cs, cdl_group *g, size_t b0, size_t b1, const double *o,
                          const double *h, const double *l, const double *c) {
    switch (cs[g->set].range) {
    case CDL_RANGE_REALBODY: group_loop(CDL_RANGE_REALBODY, cs, g, b0, b1, o, h, l, c); break;
    case CDL_RANGE_HIGHLOW: group_loop(CDL_RANGE_HIGHLOW, cs, g, b0, b1, o, h, l, c); break;
    default: group_loop(CDL_RANGE_SHADOWS, cs, g, b0, b1, o, h, l, c); break;
    }
}

int pr_ta_cdl_all(size_t n, const double *open, const double *high, const double *low, const double *close,
                  const double *pens, const pr_ta_candle_settings *settings, double *const *out) {
    if (!out || (n > 0 && (!open || !high || !low || !close))) return PR_EINVAL;
    if (settings && pr_ta_candle_settings_check(settings) != PR_OK) return PR_EINVAL;
    const cdl_setting *cs = settings ? settings->s : pr_cdl_settings;
    double pen[PR_TA_CDL_COUNT];
    for (int p = 0; p < PR_TA_CDL_COUNT; p++)
        if (out[p] && pr_cdl_pen((pr_ta_cdl_pattern)p, pens ? pens[p] : -1.0, &pen[p]) != PR_OK) return PR_EINVAL;
    if (!pr_cdl_tame(n, open, high, low, close)) {
        for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
            int rc = out[p] ? pr_ta_cdl_ex((pr_ta_cdl_pattern)p, n, open, high, low, close, pen[p], settings, out[p])
                            : PR_OK;
            if (rc != PR_OK) return rc;
        }
        return PR_OK;
    }

    cdl_job jobs[PR_TA_CDL_COUNT];
    cdl_group gs[CDL_MAX_GROUPS];
    int nj = 0, ng = 0;
    for (int p = 0; p < PR_TA_CDL_COUNT; p++) {
        if (!out[p]) continue;
        const cdl_def *d = pr_cdl_defs[p];
        size_t lb = (size_t)pr_cdl_lookback(d, cs);
        pr_ta_fill_nan(out[p], lb < n ? lb : n);
        if (n <= lb) continue;
        cdl_job *jb = &jobs[nj++];
        *jb = (cdl_job){d, lb, lb - (size_t)d->prime, pen[p], {0, 4, 0.0, 0.0}, {0}, out[p]};
        for (int k = 0; k < d->nslots; k++) {
            int set = d->slots[k].set;
            /* an own-candle average does not depend on where it starts */
            size_t j0 = cs[set].period > 0 ? jb->first - d->slots[k].off : 0;
            jb->g[k] = group_of(gs, &ng, set, j0);
        }
    }
    if (nj == 0) return PR_OK;
    double *mem = ng ? malloc((size_t)ng * (CDL_BLOCK + CDL_HALO) * sizeof(double)) : NULL;
    if (ng && !mem) return PR_ENOMEM;
    for (int k = 0; k < ng; k++) gs[k].buf = mem + (size_t)k * (CDL_BLOCK + CDL_HALO);

    for (size_t b0 = 0; b0 < n; b0 += CDL_BLOCK) {
        size_t b1 = n - b0 > CDL_BLOCK ? b0 + CDL_BLOCK : n;
        for (int k = 0; k < ng; k++) {
            if (b0 > 0) memcpy(gs[k].buf, gs[k].buf + CDL_BLOCK, CDL_HALO * sizeof(double));
            group_advance(cs, &gs[k], b0, b1, open, high, low, close);
        }
        for (int q = 0; q < nj; q++) {
            cdl_job *jb = &jobs[q];
            size_t t0 = (jb->first > b0 ? jb->first : b0) - b0, w = (jb->lb > b0 ? jb->lb : b0) - b0;
            if (t0 >= b1 - b0) continue;
            const double *ap[CDL_MAX_SLOTS];
            for (int k = 0; k < jb->d->nslots; k++) ap[k] = gs[jb->g[k]].buf + CDL_HALO - jb->d->slots[k].off;
            jb->d->block(t0, b1 - b0, w, open + b0, high + b0, low + b0, close + b0, ap, jb->pen, &jb->mem,
                         jb->out + b0);
        }
    }
    free(mem);
    return PR_OK;
}
