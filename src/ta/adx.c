/* Wilder's directional movement family: PLUS_DM, MINUS_DM, PLUS_DI,
 * MINUS_DI, DX, ADX and ADXR, batch and streaming.
 *
 * TA-Lib's order of operations throughout: +DM/-DM/TR of bars 1..p-1 are
 * summed, then from bar p on each running sum becomes (S - S/p) + value
 * (value 0 when there is no movement, which leaves the sum unchanged);
 * DI = 100*(S(DM)/S(TR)) unless S(TR) is within 1e-14 of 0;
 * DX = 100*(|-DI - +DI|/(-DI + +DI)) unless that sum is ~0; ADX starts as the
 * plain sum of the first p DX values (bars p..2p-1, skipping undefined ones)
 * divided by p, then adx = (adx*(p-1) + dx)/p on bars where DX is defined.
 * A NaN high/low/close makes the true range NaN, hence every later DI, DX and
 * ADX; a NaN high/low makes the DMs NaN as well. */
#include "momentum_internal.h"

enum { DM_PLUS, DM_MINUS, DI_PLUS, DI_MINUS, DM_DX, DM_ADX, DM_ADXR };

/* +DM and -DM of one bar; NaN in either difference gives NaN for both. */
static inline void dm_pair(double up, double down, double *dp, double *dm) {
    if (up != up || down != down) {
        *dp = *dm = NAN;
        return;
    }
    *dp = pr_mo_plus_dm(up, down);
    *dm = pr_mo_minus_dm(up, down);
}

/* DX from the three Wilder sums; returns 0 (and leaves *dx) when undefined. */
static inline int dx_of(double sp, double sm, double st, double *dx) {
    if (PR_MO_IS_ZERO(st)) return 0;
    double mdi = 100.0 * (sm / st);
    double pdi = 100.0 * (sp / st);
    double s = mdi + pdi;
    if (PR_MO_IS_ZERO(s)) return 0;
    *dx = 100.0 * (fabs(mdi - pdi) / s);
    return 1;
}

/* ---- streaming core (also used by the batch forms other than ADX) ------ */

typedef struct dm_core {
    int kind, p;
    int64_t t;               /* bars seen */
    double ph, pl, pc;       /* previous bar */
    double sp, sm, st;       /* Wilder sums of +DM, -DM, TR */
    double dx, sumdx, adx;   /* last DX; ADX accumulation and value */
    size_t rpos;             /* ADXR: ring of the last p-1 ADX values */
    double ring[];
} dm_core;

static int dm_lookback_of(int kind, int p) {
    switch (kind) {
    case DM_PLUS: case DM_MINUS: return p - 1;
    case DI_PLUS: case DI_MINUS: case DM_DX: return p;
    case DM_ADX: return 2 * p - 1;
    default: return 3 * p - 2;
    }
}

static dm_core *dm_core_new(int kind, int p) {
    size_t nring = kind == DM_ADXR ? (size_t)(p - 1) : 0;
    dm_core *c = calloc(1, sizeof *c + nring * sizeof(double));
    if (!c) return NULL;
    c->kind = kind;
    c->p = p;
    return c;
}

/* Processes one bar; returns the output for it (NaN before the lookback). */
static double dm_core_step(dm_core *c, double h, double l, double cl) {
    int64_t t = c->t++;
    int64_t p = c->p;
    if (t == 0) {
        c->ph = h;
        c->pl = l;
        c->pc = cl;
        return NAN;
    }
    double dp, dm;
    dm_pair(h - c->ph, c->pl - l, &dp, &dm);
    double tr = pr_mo_true_range(h, l, c->pc);
    c->ph = h;
    c->pl = l;
    c->pc = cl;
    double dpp = (double)c->p;
    if (t < p) {
        c->sp += dp;
        c->sm += dm;
        c->st += tr;
    } else {
        c->sp = (c->sp - c->sp / dpp) + dp;
        c->sm = (c->sm - c->sm / dpp) + dm;
        c->st = (c->st - c->st / dpp) + tr;
    }
    switch (c->kind) {
    case DM_PLUS: return t >= p - 1 ? c->sp : NAN;
    case DM_MINUS: return t >= p - 1 ? c->sm : NAN;
    case DI_PLUS:
    case DI_MINUS: {
        if (t < p) return NAN;
        double s = c->kind == DI_PLUS ? c->sp : c->sm;
        return PR_MO_IS_ZERO(c->st) ? 0.0 : 100.0 * (s / c->st);
    }
    case DM_DX: {
        if (t < p) return NAN;
        double dx;
        if (dx_of(c->sp, c->sm, c->st, &dx)) c->dx = dx;
        else if (t == p) c->dx = 0.0;
        return c->dx;
    }
    default: break;
    }
    /* ADX / ADXR */
    if (t < p) return NAN;
    double dx;
    int ok = dx_of(c->sp, c->sm, c->st, &dx);
    if (t < 2 * p) {
        if (ok) c->sumdx += dx;
        if (t < 2 * p - 1) return NAN;
        c->adx = c->sumdx / dpp;
    } else if (ok) {
        c->adx = ((c->adx * (double)(c->p - 1)) + dx) / dpp;
    }
    if (c->kind == DM_ADX) return c->adx;
    /* ADXR: average with the ADX p-1 bars ago */
    size_t np = (size_t)(p - 1);
    double out = NAN;
    if (t >= 3 * p - 2) out = (c->adx + c->ring[c->rpos]) / 2.0;
    c->ring[c->rpos] = c->adx;
    if (++c->rpos == np) c->rpos = 0;
    return out;
}

/* Batch through the streaming core (identical arithmetic by construction). */
static int dm_batch_generic(int kind, size_t n, const double *high, const double *low,
                            const double *close, int period, double *out) {
    dm_core *c = dm_core_new(kind, period);
    if (!c) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) out[i] = dm_core_step(c, high[i], low[i], close ? close[i] : 0.0);
    free(c);
    return PR_OK;
}

/* ADX batch: the same arithmetic as dm_core_step, as one tight loop. The
 * loop is bound by its seven divisions; with SSE2 the +DM/-DM pair and its
 * two Wilder sums, and then the two DI quotients, each share one packed
 * divide (per-lane IEEE operations, so the values are unchanged). A NaN
 * high/low reaches every later value through the true range, so the packed
 * path needs no separate NaN test for the DMs. */
static void adx_batch(size_t n, const double *restrict hi, const double *restrict lo,
                      const double *restrict cl, int period, double *restrict out) {
    size_t p = (size_t)period;
    double dpp = (double)period, pm1 = (double)(period - 1);
    double sp = 0.0, sm = 0.0, st = 0.0;
    size_t i = 1;
    for (; i < p; i++) {
        double dp, dm;
        dm_pair(hi[i] - hi[i - 1], lo[i - 1] - lo[i], &dp, &dm);
        sp += dp;
        sm += dm;
        st += pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
    }
    double sumdx = 0.0, dx;
    for (; i < 2 * p; i++) {
        double dp, dm;
        dm_pair(hi[i] - hi[i - 1], lo[i - 1] - lo[i], &dp, &dm);
        double tr = pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
        sp = (sp - sp / dpp) + dp;
        sm = (sm - sm / dpp) + dm;
        st = (st - st / dpp) + tr;
        if (dx_of(sp, sm, st, &dx)) sumdx += dx;
    }
    double adx = sumdx / dpp;
    out[2 * p - 1] = adx;
#if defined(__SSE2__)
    __m128d s2 = _mm_set_pd(sm, sp);   /* lanes: +DM sum, -DM sum */
    const __m128d vp = _mm_set1_pd(dpp), zero = _mm_setzero_pd(), hundred = _mm_set1_pd(100.0);
    for (; i < n; i++) {
        __m128d cur = _mm_loadh_pd(_mm_load_sd(&hi[i]), &lo[i - 1]);
        __m128d prev = _mm_loadh_pd(_mm_load_sd(&hi[i - 1]), &lo[i]);
        __m128d ud = _mm_sub_pd(cur, prev);          /* up, down */
        __m128d du = _mm_shuffle_pd(ud, ud, 1);      /* down, up */
        /* +DM = up if up > down, -DM = down if down > up, then max(., 0) */
        __m128d dm2 = _mm_max_pd(_mm_and_pd(_mm_cmpgt_pd(ud, du), ud), zero);
        s2 = _mm_add_pd(_mm_sub_pd(s2, _mm_div_pd(s2, vp)), dm2);
        double tr = pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
        st = (st - st / dpp) + tr;
        if (!PR_MO_IS_ZERO(st)) {
            __m128d di = _mm_mul_pd(hundred, _mm_div_pd(s2, _mm_set1_pd(st)));
            double pdi = _mm_cvtsd_f64(di), mdi = _mm_cvtsd_f64(_mm_unpackhi_pd(di, di));
            double s = mdi + pdi;
            if (!PR_MO_IS_ZERO(s)) adx = ((adx * pm1) + 100.0 * (fabs(mdi - pdi) / s)) / dpp;
        }
        out[i] = adx;
    }
#else
    for (; i < n; i++) {
        double dp, dm;
        dm_pair(hi[i] - hi[i - 1], lo[i - 1] - lo[i], &dp, &dm);
        double tr = pr_mo_true_range(hi[i], lo[i], cl[i - 1]);
        sp = (sp - sp / dpp) + dp;
        sm = (sm - sm / dpp) + dm;
        st = (st - st / dpp) + tr;
        if (dx_of(sp, sm, st, &dx)) adx = ((adx * pm1) + dx) / dpp;
        out[i] = adx;
    }
#endif
}

static int dm_lookback(int kind, int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = dm_lookback_of(kind, period);
    return PR_OK;
}

static int dm_batch(int kind, size_t n, const double *high, const double *low,
                    const double *close, int period, double *out) {
    int need_close = kind != DM_PLUS && kind != DM_MINUS;   /* +DM/-DM read no close */
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, need_close ? close : high, out);
    size_t lb = (size_t)dm_lookback_of(kind, period);
    PR_TA_ALL_NAN_IF(n <= lb, n, out);
    if (kind == DM_ADX) {
        pr_ta_fill_nan(out, lb);
        adx_batch(n, high, low, close, period, out);
        return PR_OK;
    }
    return dm_batch_generic(kind, n, high, low, close, period, out);
}

static int dm_init(int kind, dm_core **pp, int period) {
    if (!pp || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    dm_core *c = dm_core_new(kind, period);
    if (!c) return PR_ENOMEM;
    *pp = c;
    return PR_OK;
}

/* The public states' impl pointers are incomplete types that always point to
 * a dm_core. */
#define DM_DEFINE_HLC(name, kind)                                                            \
    int pr_ta_##name##_lookback(int period, int *out) { return dm_lookback(kind, period, out); } \
    int pr_ta_##name(size_t n, const double *high, const double *low, const double *close,  \
                     int period, double *out) {                                             \
        return dm_batch(kind, n, high, low, close, period, out);                            \
    }                                                                                       \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period) {                          \
        if (!s) return PR_EINVAL;                                                           \
        dm_core *c = NULL;                                                                  \
        int rc = dm_init(kind, &c, period);                                                 \
        if (rc == PR_OK) s->p = (struct pr_ta_##name##_impl *)c;                            \
        return rc;                                                                          \
    }                                                                                       \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double close, \
                              double *out) {                                                \
        if (!s || !s->p || !out) return PR_EINVAL;                                          \
        *out = dm_core_step((dm_core *)s->p, high, low, close);                             \
        return PR_OK;                                                                       \
    }                                                                                       \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                                     \
        if (!s) return;                                                                     \
        free(s->p);                                                                         \
        s->p = NULL;                                                                        \
    }

#define DM_DEFINE_HL(name, kind)                                                             \
    int pr_ta_##name##_lookback(int period, int *out) { return dm_lookback(kind, period, out); } \
    int pr_ta_##name(size_t n, const double *high, const double *low, int period, double *out) { \
        return dm_batch(kind, n, high, low, NULL, period, out);                             \
    }                                                                                       \
    int pr_ta_##name##_init(pr_ta_##name##_state *s, int period) {                          \
        if (!s) return PR_EINVAL;                                                           \
        dm_core *c = NULL;                                                                  \
        int rc = dm_init(kind, &c, period);                                                 \
        if (rc == PR_OK) s->p = (struct pr_ta_##name##_impl *)c;                            \
        return rc;                                                                          \
    }                                                                                       \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double high, double low, double *out) { \
        if (!s || !s->p || !out) return PR_EINVAL;                                          \
        *out = dm_core_step((dm_core *)s->p, high, low, 0.0);                               \
        return PR_OK;                                                                       \
    }                                                                                       \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                                     \
        if (!s) return;                                                                     \
        free(s->p);                                                                         \
        s->p = NULL;                                                                        \
    }

DM_DEFINE_HL(plus_dm, DM_PLUS)
DM_DEFINE_HL(minus_dm, DM_MINUS)
DM_DEFINE_HLC(plus_di, DI_PLUS)
DM_DEFINE_HLC(minus_di, DI_MINUS)
DM_DEFINE_HLC(dx, DM_DX)
DM_DEFINE_HLC(adx, DM_ADX)
DM_DEFINE_HLC(adxr, DM_ADXR)
