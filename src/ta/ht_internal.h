/* Internal to the ta module: the front end shared by TA-Lib's Hilbert
 * transform family (HT_TRENDLINE, HT_DCPERIOD, HT_DCPHASE, HT_PHASOR,
 * HT_SINE, HT_TRENDMODE) and MAMA, in TA-Lib's operation order: one bar
 * per call with the state in a struct (streaming, and the batch form of the
 * members that need the phase), or a whole batch call with the state in
 * locals (HT_FAST_LOOP: HT_TRENDLINE, HT_DCPERIOD, HT_PHASOR, MAMA), the same
 * operations in the same order, so both give the same bits.
 *
 * Price is smoothed by a 4-bar WMA (4,3,2,1)/10 kept as running sums. From
 * bar `start` (37 for the lookback-63 members, 12 for the lookback-32 ones)
 * a Hilbert transform (a = 0.0962, b = 0.5769, scaled by 0.075·period + 0.54
 * of the previous period) runs with separate state for even and odd bars
 * (parity of the absolute bar index: bar0 + the bars fed, bar0 = 0 unless
 * MACDEXT starts the front end later) and 3-slot circular buffers; the
 * in-phase/quadrature components give a cycle period, clamped to 0.67–1.5×
 * the previous one and to [6, 50], then smoothed twice. The smoothed prices
 * from bar `start` on are kept for the dominant-cycle phase (a DFT over
 * int(smoothPeriod + 0.5) of them, newest first). */
#ifndef PR_TA_HT_INTERNAL_H
#define PR_TA_HT_INTERNAL_H
#include <stdint.h>
#include "overlap_internal.h"

#define HT_RING 64   /* >= 50 (longest mean) and > 3 (WMA trailing value) */
#define HT_SMOOTH 50 /* TA-Lib's smoothed-price buffer for the DFT        */

/* One Hilbert-transform filter: its output and the even/odd state. */
typedef struct ht_filter {
    double value;
    double odd[3], even[3];
    double prev_odd, prev_even, prev_in_odd, prev_in_even;
} ht_filter;

/* sin and cos of the DFT's angles i·360°/bars, filled the first time a
 * bar count is needed: the same libm calls on the same arguments as
 * computing them every bar, made once (they dominate the phase's cost). */
typedef struct ht_trig {
    unsigned char have[HT_SMOOTH + 1];
    double s[HT_SMOOTH + 1][HT_SMOOTH], c[HT_SMOOTH + 1][HT_SMOOTH];
} ht_trig;

typedef struct ht_core {
    size_t today, start;
    size_t bar0;            /* absolute index of the first bar fed (parity) */
    double ring[HT_RING];   /* raw prices by bar index mod HT_RING */
    double wma_sub, wma_sum, wma_trailing;
    ht_filter detrender, q1, ji, jq;
    int hilbert_idx;
    double period, smooth_period, prev_i2, prev_q2, re, im;
    double i1_odd2, i1_odd3, i1_even2, i1_even3;
    double rad2deg;
    double smooth[HT_SMOOTH];
    int smooth_idx;
    double dc_phase;
    ht_trig *trig;          /* the phase's table (members that need the phase) */
    /* this bar's smoothed price, in-phase (detrender 3 bars back) and quadrature */
    double smoothed, i1, q;
} ht_core;

static inline void ht_core_init(ht_core *m, size_t start) {
    memset(m, 0, sizeof *m);
    m->start = start;
    m->rad2deg = 45.0 / atan(1.0);
}

/* The lookback-63 members that need the phase: front end from bar 37 with
 * the phase's table `trig` (emptied). */
static inline void ht_core_init_phase(ht_core *m, ht_trig *trig) {
    ht_core_init(m, 37);
    memset(trig->have, 0, sizeof trig->have);
    m->trig = trig;
}

/* One Hilbert filter step in TA-Lib's order, given t = a·input and `old`,
 * the t this parity's buffer slot held (written 3 same-parity steps ago). */
static inline double ht_hilbert(double t, double old, double *prev, double *prev_in, double input, double adj) {
    const double b = 0.5769;
    double v = -old;
    v += t;
    v -= *prev;
    *prev = b * *prev_in;
    v += *prev;
    *prev_in = input;
    return v * adj;
}

static inline void ht_transform(ht_filter *f, double input, int even, int idx, double adj) {
    const double a = 0.0962;
    double *buf = even ? f->even : f->odd;
    double t = a * input;
    double old = buf[idx];
    buf[idx] = t;
    f->value = ht_hilbert(t, old, even ? &f->prev_even : &f->prev_odd, even ? &f->prev_in_even : &f->prev_in_odd,
                          input, adj);
}

/* The period's update from this bar's re/im: 360/phase rate, clamped to
 * 0.67-1.5x the previous period and to [6, 50], smoothed twice. */
static inline void ht_period_update(double *period_io, double *smooth_period, double re, double im, double rad2deg) {
    double prevp = *period_io, period = *period_io;
    if ((im != 0.0) && (re != 0.0)) period = 360.0 / (atan(im / re) * rad2deg);
    double lim = 1.5 * prevp;
    if (period > lim) period = lim;
    lim = 0.67 * prevp;
    if (period < lim) period = lim;
    if (period < 6)
        period = 6;
    else if (period > 50)
        period = 50;
    *period_io = (0.2 * period) + (0.8 * prevp);
    *smooth_period = (0.33 * *period_io) + (0.67 * *smooth_period);
}

/* TA-Lib's DO_PRICE_WMA: returns the smoothed price for bar `today`. */
static inline double ht_wma(ht_core *m, double x) {
    m->wma_sub += x;
    m->wma_sub -= m->wma_trailing;
    m->wma_sum += x * 4.0;
    m->wma_trailing = m->ring[(m->today - 3) % HT_RING];
    double smoothed = m->wma_sum * 0.1;
    m->wma_sum -= m->wma_sub;
    return smoothed;
}

/* Advances to bar `today` with price x (today is incremented by the
 * caller, after reading what it needs). Returns 1 when the Hilbert
 * transform ran (bar >= start): then smoothed, i1, q, period and
 * smooth_period are this bar's. */
static inline int ht_core_step(ht_core *m, double x) {
    size_t t = m->today;
    m->ring[t % HT_RING] = x;
    if (t < 3) {
        m->wma_sub += x;
        m->wma_sum += x * (double)(t + 1);
        return 0;
    }
    if (t < m->start) {
        ht_wma(m, x);
        return 0;
    }
    double adj = (0.075 * m->period) + 0.54;
    double smoothed = ht_wma(m, x);
    if (t > m->start && ++m->smooth_idx == HT_SMOOTH) m->smooth_idx = 0;
    m->smooth[m->smooth_idx] = smoothed;
    m->smoothed = smoothed;
    double q2, i2;
    if (((t + m->bar0) % 2) == 0) {
        ht_transform(&m->detrender, smoothed, 1, m->hilbert_idx, adj);
        ht_transform(&m->q1, m->detrender.value, 1, m->hilbert_idx, adj);
        m->i1 = m->i1_even3;
        ht_transform(&m->ji, m->i1_even3, 1, m->hilbert_idx, adj);
        ht_transform(&m->jq, m->q1.value, 1, m->hilbert_idx, adj);
        if (++m->hilbert_idx == 3) m->hilbert_idx = 0;
        q2 = (0.2 * (m->q1.value + m->ji.value)) + (0.8 * m->prev_q2);
        i2 = (0.2 * (m->i1_even3 - m->jq.value)) + (0.8 * m->prev_i2);
        m->i1_odd3 = m->i1_odd2;
        m->i1_odd2 = m->detrender.value;
    } else {
        ht_transform(&m->detrender, smoothed, 0, m->hilbert_idx, adj);
        ht_transform(&m->q1, m->detrender.value, 0, m->hilbert_idx, adj);
        m->i1 = m->i1_odd3;
        ht_transform(&m->ji, m->i1_odd3, 0, m->hilbert_idx, adj);
        ht_transform(&m->jq, m->q1.value, 0, m->hilbert_idx, adj);
        q2 = (0.2 * (m->q1.value + m->ji.value)) + (0.8 * m->prev_q2);
        i2 = (0.2 * (m->i1_odd3 - m->jq.value)) + (0.8 * m->prev_i2);
        m->i1_even3 = m->i1_even2;
        m->i1_even2 = m->detrender.value;
    }
    m->q = m->q1.value;
    m->re = (0.2 * ((i2 * m->prev_i2) + (q2 * m->prev_q2))) + (0.8 * m->re);
    m->im = (0.2 * ((i2 * m->prev_q2) - (q2 * m->prev_i2))) + (0.8 * m->im);
    m->prev_q2 = q2;
    m->prev_i2 = i2;
    ht_period_update(&m->period, &m->smooth_period, m->re, m->im, m->rad2deg);
    return 1;
}

/* Number of bars int(smoothPeriod + 0.5), or -1 when that is not a count
 * (a NaN period after a NaN input). */
static inline int ht_dc_bars(double smooth_period, int cap) {
    double dc = smooth_period + 0.5;
    if (!(dc >= 0.0 && dc < (double)cap)) return -1;
    return (int)dc;
}

static inline int ht_core_dc_bars(const ht_core *m, int cap) { return ht_dc_bars(m->smooth_period, cap); }

/* The dominant-cycle phase in degrees after this bar's step (TA-Lib's
 * HT_DCPHASE): a DFT of the last int(smoothPeriod + 0.5) smoothed prices,
 * newest first, then +90°, +360/smoothPeriod, +180° when the imaginary part
 * is negative, −360° above 315°. Kept across bars (an imaginary part of 0
 * moves the previous phase by ±90°). */
static inline double ht_core_phase(ht_core *m) {
    const double by360 = atan(1.0) * 8.0;
    int bars = ht_core_dc_bars(m, HT_SMOOTH + 1);
    if (bars < 0) return m->dc_phase = NAN;
    ht_trig *tr = m->trig;
    if (!tr->have[bars]) {
        for (int i = 0; i < bars; i++) {
            double w = ((double)i * by360) / (double)bars;
            tr->s[bars][i] = sin(w);
            tr->c[bars][i] = cos(w);
        }
        tr->have[bars] = 1;
    }
    const double *sn = tr->s[bars], *cs = tr->c[bars];
    double re = 0.0, im = 0.0;
    int idx = m->smooth_idx;
    for (int i = 0; i < bars; i++) {
        double v = m->smooth[idx];
        re += sn[i] * v;
        im += cs[i] * v;
        idx = idx == 0 ? HT_SMOOTH - 1 : idx - 1;
    }
    double mag = fabs(im);
    if (mag > 0.0)
        m->dc_phase = atan(re / im) * m->rad2deg;
    else if (mag <= 0.01) {
        if (re < 0.0)
            m->dc_phase -= 90.0;
        else if (re > 0.0)
            m->dc_phase += 90.0;
    }
    m->dc_phase += 90.0;
    m->dc_phase += 360.0 / m->smooth_period;
    if (im < 0.0) m->dc_phase += 180.0;
    if (m->dc_phase > 315.0) m->dc_phase -= 360.0;
    return m->dc_phase;
}

/* The plain mean of the raw price over the last int(smoothPeriod + 0.5)
 * bars (TA-Lib's trendline input), NaN for a NaN period: bar t's price is
 * buf[t & mask] (the ring with HT_RING - 1, a batch call's input with
 * SIZE_MAX). */
static inline double ht_mean_of(const double *buf, size_t t, size_t mask, double smooth_period) {
    int bars = ht_dc_bars(smooth_period, HT_RING);
    if (bars < 0) return NAN;
    if ((size_t)bars > t + 1) bars = (int)(t + 1); /* unreachable: the period starts near 0 */
    double mean = 0.0;
    for (int i = 0; i < bars; i++) mean += buf[(t - (size_t)i) & mask];
    if (bars > 0) mean = mean / (double)bars;
    return mean;
}

static inline double ht_core_mean(const ht_core *m) {
    return ht_mean_of(m->ring, m->today, HT_RING - 1, m->smooth_period);
}

/* The batch form of the front end, for the members whose outputs need only
 * this bar's values (not the phase's smoothed-price buffer): the same
 * operations in the same order as ht_core_step, with the state in locals
 * (registers) instead of the struct, so the bar-to-bar chain (period ->
 * filters -> re/im -> atan -> period) does not go through memory. Six bars
 * per loop turn give each parity's 3-slot buffers a fixed slot, so no index
 * is computed; [0] is the state of bars of the parity of `start` (even in
 * TA-Lib's terms when start + bar0 is even), [1] the other one's: the two
 * parities' code is the same with even and odd swapped, and both start at
 * zero. The raw prices are read from the input (no ring). */
typedef struct ht_slots {
    double s0, s1, s2, prev, prev_in;
} ht_slots;

typedef struct ht_fast {
    ht_slots det[2], q1[2], ji[2], jq[2];
    double i1_2[2], i1_3[2]; /* the detrender 2 and 3 steps back, read by bars of that parity */
    double wma_sub, wma_sum, period, smooth_period, prev_i2, prev_q2, re, im, rad2deg;
    double i1, q;            /* this bar's in-phase and quadrature */
} ht_fast;

/* Takes over from ht_core_step at bar m->today == m->start (the warm-up
 * bars before it ran through ht_core_step; filters still at zero). */
static inline void ht_fast_load(ht_fast *s, const ht_core *m) {
    memset(s, 0, sizeof *s);
    s->wma_sub = m->wma_sub;
    s->wma_sum = m->wma_sum;
    s->period = m->period;
    s->smooth_period = m->smooth_period;
    s->rad2deg = m->rad2deg;
}

static inline double ht_slots_step(ht_slots *f, int slot, double input, double adj) {
    double t = 0.0962 * input, old;
    if (slot == 0) {
        old = f->s0;
        f->s0 = t;
    } else if (slot == 1) {
        old = f->s1;
        f->s1 = t;
    } else {
        old = f->s2;
        f->s2 = t;
    }
    return ht_hilbert(t, old, &f->prev, &f->prev_in, input, adj);
}

/* Bar t (>= 4) of the batch form; p and slot are constants after inlining. */
__attribute__((always_inline)) static inline void ht_fast_bar(ht_fast *s, int p, int slot, const double *in, size_t t) {
    double x = in[t];
    double adj = (0.075 * s->period) + 0.54;
    s->wma_sub += x;
    s->wma_sub -= in[t - 4];
    s->wma_sum += x * 4.0;
    double smoothed = s->wma_sum * 0.1;
    s->wma_sum -= s->wma_sub;
    double det = ht_slots_step(&s->det[p], slot, smoothed, adj);
    double q1 = ht_slots_step(&s->q1[p], slot, det, adj);
    double i1 = s->i1_3[p];
    double ji = ht_slots_step(&s->ji[p], slot, i1, adj);
    double jq = ht_slots_step(&s->jq[p], slot, q1, adj);
    double q2 = (0.2 * (q1 + ji)) + (0.8 * s->prev_q2);
    double i2 = (0.2 * (i1 - jq)) + (0.8 * s->prev_i2);
    s->i1_3[1 - p] = s->i1_2[1 - p];
    s->i1_2[1 - p] = det;
    s->i1 = i1;
    s->q = q1;
    s->re = (0.2 * ((i2 * s->prev_i2) + (q2 * s->prev_q2))) + (0.8 * s->re);
    s->im = (0.2 * ((i2 * s->prev_q2) - (q2 * s->prev_i2))) + (0.8 * s->im);
    s->prev_q2 = q2;
    s->prev_i2 = i2;
    ht_period_update(&s->period, &s->smooth_period, s->re, s->im, s->rad2deg);
}

/* Runs bars m->today .. n-1 of a batch call over `in` with the state in the
 * local ht_fast `s`, running the statement(s) given after `t` (which read s
 * and the bar index t) after each bar. m is left as it was. */
#define HT_FAST_BAR_EMIT(s, p, slot, in, t, ...)   \
    do {                                           \
        ht_fast_bar(&(s), p, slot, in, t);         \
        __VA_ARGS__;                               \
        (t)++;                                     \
    } while (0)
#define HT_FAST_LOOP(m, n, in, s, t, ...)                                           \
    do {                                                                            \
        ht_fast s;                                                                  \
        ht_fast_load(&s, (m));                                                      \
        size_t t = (m)->today;                                                      \
        while (t + 6 <= (n)) {                                                      \
            HT_FAST_BAR_EMIT(s, 0, 0, in, t, __VA_ARGS__);                          \
            HT_FAST_BAR_EMIT(s, 1, 0, in, t, __VA_ARGS__);                          \
            HT_FAST_BAR_EMIT(s, 0, 1, in, t, __VA_ARGS__);                          \
            HT_FAST_BAR_EMIT(s, 1, 1, in, t, __VA_ARGS__);                          \
            HT_FAST_BAR_EMIT(s, 0, 2, in, t, __VA_ARGS__);                          \
            HT_FAST_BAR_EMIT(s, 1, 2, in, t, __VA_ARGS__);                          \
        }                                                                           \
        if (t < (n)) HT_FAST_BAR_EMIT(s, 0, 0, in, t, __VA_ARGS__);                 \
        if (t < (n)) HT_FAST_BAR_EMIT(s, 1, 0, in, t, __VA_ARGS__);                 \
        if (t < (n)) HT_FAST_BAR_EMIT(s, 0, 1, in, t, __VA_ARGS__);                 \
        if (t < (n)) HT_FAST_BAR_EMIT(s, 1, 1, in, t, __VA_ARGS__);                 \
        if (t < (n)) HT_FAST_BAR_EMIT(s, 0, 2, in, t, __VA_ARGS__);                 \
    } while (0)

/* The typed API of a no-parameter member over a struct pr_ta_<name>_impl
 * that has an ht_core `c` and is set up by <name>_setup(m); <name>_step(m,
 * x, outputs...) writes one bar's outputs (NaN before the lookback) and
 * <name>_run(m, n, in, outputs...) a batch call's (HT_STEP_RUN_1/2 define
 * it as the step over each bar). */
#define HT_STEP_RUN_1(name)                                                                     \
    static void name##_run(struct pr_ta_##name##_impl *m, size_t n, const double *in, double *out) { \
        for (size_t i = 0; i < n; i++) name##_step(m, in[i], &out[i]);                          \
    }
#define HT_STEP_RUN_2(name)                                                                     \
    static void name##_run(struct pr_ta_##name##_impl *m, size_t n, const double *in, double *out1, \
                           double *out2) {                                                      \
        for (size_t i = 0; i < n; i++) name##_step(m, in[i], &out1[i], &out2[i]);               \
    }
#define HT_API_COMMON(name, lookback)                                                \
    int pr_ta_##name##_lookback(int *out) {                                          \
        if (!out) return PR_EINVAL;                                                  \
        *out = (lookback);                                                           \
        return PR_OK;                                                                \
    }                                                                                \
    int pr_ta_##name##_init(pr_ta_##name##_state *s) {                               \
        if (!s) return PR_EINVAL;                                                    \
        struct pr_ta_##name##_impl *m = malloc(sizeof *m);                           \
        if (!m) return PR_ENOMEM;                                                    \
        name##_setup(m);                                                             \
        s->p = m;                                                                    \
        return PR_OK;                                                                \
    }                                                                                \
    void pr_ta_##name##_free(pr_ta_##name##_state *s) {                              \
        if (!s) return;                                                              \
        free(s->p);                                                                  \
        s->p = NULL;                                                                 \
    }
#define HT_API_1(name, lookback)                                                     \
    HT_API_COMMON(name, lookback)                                                    \
    int pr_ta_##name(size_t n, const double *in, double *out) {                      \
        PR_TA_PROLOGUE(1, n, in, out);                                               \
        struct pr_ta_##name##_impl *m = malloc(sizeof *m);                           \
        if (!m) return PR_ENOMEM;                                                    \
        name##_setup(m);                                                             \
        name##_run(m, n, in, out);                                                   \
        free(m);                                                                     \
        return PR_OK;                                                                \
    }                                                                                \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out) {      \
        if (!s || !s->p || !out) return PR_EINVAL;                                   \
        name##_step(s->p, x, out);                                                   \
        return PR_OK;                                                                \
    }
#define HT_API_2(name, lookback)                                                                \
    HT_API_COMMON(name, lookback)                                                               \
    int pr_ta_##name(size_t n, const double *in, double *out1, double *out2) {                  \
        PR_TA_PROLOGUE(1, n, in, out1, out2);                                                   \
        struct pr_ta_##name##_impl *m = malloc(sizeof *m);                                      \
        if (!m) return PR_ENOMEM;                                                               \
        name##_setup(m);                                                                        \
        name##_run(m, n, in, out1, out2);                                                       \
        free(m);                                                                                \
        return PR_OK;                                                                           \
    }                                                                                           \
    int pr_ta_##name##_update(pr_ta_##name##_state *s, double x, double *out1, double *out2) {  \
        if (!s || !s->p || !out1 || !out2) return PR_EINVAL;                                    \
        name##_step(s->p, x, out1, out2);                                                       \
        return PR_OK;                                                                           \
    }
#endif
