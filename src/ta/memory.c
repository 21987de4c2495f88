/* How much history an indicator needs before its values no longer depend on
 * where the data starts (the warm-up a backtest loads before its first
 * traded bar). Indicators over a window forget everything older than the
 * window: their lookback is enough. Recursive ones (EMA family, Wilder
 * smoothing) never forget their seed entirely; its weight after k bars is
 * at most C(k+m-1, m-1) r^k for a chain of m smoothings that each keep a
 * fraction r per bar (the largest r of the chain bounds every stage). The
 * memory is the smallest k that brings this bound under the tolerance. */
#include <math.h>
#include <string.h>
#include "ta_internal.h"

typedef enum { MEM_EMA, MEM_WILDER, MEM_FIXED } mem_kind;

/* A recursive indicator: its smoothing kind, the parameter giving the
 * period (a second one when two smoothings run in parallel or in turn:
 * the larger period is used), and the number of smoothings chained. */
typedef struct mem_row {
    const char *name;
    mem_kind kind;
    int p1, p2;            /* parameter indexes; -1: none                   */
    int chain;
    double r_fixed;        /* MEM_FIXED: retention per bar                  */
} mem_row;

/* KAMA's slowest smoothing constant is (2/31)^2 (Kaufman, TA-Lib). The
 * Hilbert transform smooths with 0.2/0.8 in several stages. Heikin-Ashi's
 * open is the mean of the previous open and close. */
static const mem_row k_rows[] = {
    {"ema", MEM_EMA, 0, -1, 1, 0},        {"dema", MEM_EMA, 0, -1, 2, 0},
    {"tema", MEM_EMA, 0, -1, 3, 0},       {"trix", MEM_EMA, 0, -1, 3, 0},
    {"t3", MEM_EMA, 0, -1, 6, 0},         {"macd", MEM_EMA, 1, 2, 2, 0},
    {"adosc", MEM_EMA, 0, 1, 1, 0},       {"wavetrend", MEM_EMA, 0, 1, 3, 0},
    {"keltner", MEM_EMA, 0, -1, 1, 0},    /* and ATR(atr_period): see below */
    {"rsi", MEM_WILDER, 0, -1, 1, 0},     {"cmo", MEM_WILDER, 0, -1, 1, 0},
    {"stochrsi", MEM_WILDER, 0, -1, 1, 0}, {"atr", MEM_WILDER, 0, -1, 1, 0},
    {"natr", MEM_WILDER, 0, -1, 1, 0},    {"plus_dm", MEM_WILDER, 0, -1, 1, 0},
    {"minus_dm", MEM_WILDER, 0, -1, 1, 0}, {"plus_di", MEM_WILDER, 0, -1, 1, 0},
    {"minus_di", MEM_WILDER, 0, -1, 1, 0}, {"dx", MEM_WILDER, 0, -1, 1, 0},
    {"adx", MEM_WILDER, 0, -1, 2, 0},     {"adxr", MEM_WILDER, 0, -1, 2, 0},
    {"supertrend", MEM_WILDER, 0, -1, 1, 0},
    {"kama", MEM_FIXED, -1, -1, 1, 1.0 - (2.0 / 31.0) * (2.0 / 31.0)},
    {"ht_trendline", MEM_FIXED, -1, -1, 6, 0.8},
    /* The cycle outputs follow the period estimate, whose clamps slow its
     * settling: measured on a random walk, 320-330 bars (0.9 over 6 stages
     * covers it; 0.8 does not). */
    {"ht_dcperiod", MEM_FIXED, -1, -1, 6, 0.9}, {"ht_dcphase", MEM_FIXED, -1, -1, 6, 0.9},
    {"ht_phasor", MEM_FIXED, -1, -1, 6, 0.9}, {"ht_sine", MEM_FIXED, -1, -1, 6, 0.9},
    {"ht_trendmode", MEM_FIXED, -1, -1, 6, 0.9},
    {"heikin_ashi", MEM_FIXED, -1, -1, 1, 0.5},
};

/* Never forget their start: running totals (their level is the sum of
 * everything since the first bar) and path-dependent state machines.
 * HT_DCPHASE too: its WMA's running sums keep a last-bit trace of the start
 * for ever, and a phase near its 315° wrap turns that into a 360° jump. */
static const char *const k_unbounded[] = {"obv", "ad", "sar", "sarext", "supertrend", "ht_dcphase", NULL};

static double retention(mem_kind kind, double period) {
    return kind == MEM_EMA ? 1.0 - 2.0 / (period + 1.0) : 1.0 - 1.0 / period;
}

/* log of C(k+m-1, m-1) r^k. */
static double log_weight(double k, int m, double log_r) {
    return lgamma(k + m) - lgamma(k + 1.0) - lgamma((double)m) + k * log_r;
}

/* Smallest k with C(k+m-1, m-1) r^k < tol (0 when r <= 0). */
static size_t seed_bars(double r, int m, double tol) {
    if (!(r > 0)) return 0;
    double lt = log(tol), lr = log(r);
    /* C >= 1, so k >= ln(tol)/ln(r); past that point the bound decreases
     * for any chain shorter than ~ln(1/tol) stages. */
    double lo = ceil(lt / lr), hi = lo;
    if (lo < 1) lo = hi = 1;
    while (log_weight(hi, m, lr) >= lt) {
        lo = hi;
        hi *= 2;
        if (hi > 1e12) return (size_t)-1;
    }
    while (hi - lo > 1) {
        double mid = floor((lo + hi) / 2);
        if (log_weight(mid, m, lr) >= lt) lo = mid;
        else hi = mid;
    }
    return (size_t)hi;
}

/* Seed bars of a TA-Lib MA type (ma_internal.h) of period p: the window
 * types (SMA, WMA, TRIMA, and period 1) forget at their lookback. */
static size_t ma_type_bars(int type, double p, double tol) {
    if (p <= 1) return 0;
    switch (type) {
    case 1: return seed_bars(retention(MEM_EMA, p), 1, tol);
    case 3: return seed_bars(retention(MEM_EMA, p), 2, tol);
    case 4: return seed_bars(retention(MEM_EMA, p), 3, tol);
    case 6: return seed_bars(1.0 - (2.0 / 31.0) * (2.0 / 31.0), 1, tol);
    case 7: return seed_bars(0.975, 8, tol);
    case 8: return seed_bars(retention(MEM_EMA, p), 6, tol);
    default: return 0;
    }
}

int pr_ta_memory(const pr_ta_def *d, const double *params, double tol, size_t *bars, int *bounded) {
    if (!d || !bars || !(tol > 0 && tol < 1)) return PR_EINVAL;
    double full[PR_TA_MAX_PARAMS] = {0};
    if (d->n_params > 0) {
        if (!params) return PR_EINVAL;
        memcpy(full, params, (size_t)d->n_params * sizeof *full);
    }
    int lb = 0;
    if (d->lookback) {
        int rc = d->lookback(full, &lb);
        if (rc != 0) return rc;
    }
    size_t extra = 0;
    for (size_t i = 0; i < sizeof k_rows / sizeof k_rows[0]; i++) {
        const mem_row *row = &k_rows[i];
        if (strcmp(row->name, d->name) != 0) continue;
        double r = row->r_fixed;
        if (row->kind != MEM_FIXED) {
            double per = full[row->p1];
            if (row->p2 >= 0 && full[row->p2] > per) per = full[row->p2];
            r = retention(row->kind, per);
            if (strcmp(d->name, "keltner") == 0) {
                double ra = retention(MEM_WILDER, full[1]);
                if (ra > r) r = ra;
            }
        }
        extra = seed_bars(r, row->chain, tol);
        break;
    }
    /* MAMA/FAMA keep at most 1 - slowlimit/2 per bar after the Hilbert
     * front end; MACDFIX's price EMAs keep 0.925 (k = 0.075), its signal
     * EMA 1 - 2/(signal+1). */
    if (strcmp(d->name, "mama") == 0) {
        double r = 1.0 - full[1] / 2.0;
        extra = seed_bars(r > 0.8 ? r : 0.8, 8, tol);
    }
    if (strcmp(d->name, "macdfix") == 0) {
        double r = retention(MEM_EMA, full[0]);
        extra = seed_bars(r > 0.925 ? r : 0.925, 2, tol);
    }
    /* MA, MACDEXT (fast, slow and signal lines) and MAVP by their MA types. */
    if (strcmp(d->name, "ma") == 0) extra = ma_type_bars((int)full[1], full[0], tol);
    if (strcmp(d->name, "mavp") == 0) extra = ma_type_bars((int)full[2], full[1], tol);
    if (strcmp(d->name, "macdext") == 0) {
        for (int k = 0; k < 3; k++) {
            size_t e = ma_type_bars((int)full[2 * k + 1], full[2 * k], tol);
            if (e == (size_t)-1 || extra == (size_t)-1) extra = (size_t)-1;
            else extra += e;
        }
    }
    /* APO/PPO are recursive only with EMAs (matype 1). */
    if ((strcmp(d->name, "apo") == 0 || strcmp(d->name, "ppo") == 0) && full[2] == 1)
        extra = seed_bars(retention(MEM_EMA, full[1] > full[0] ? full[1] : full[0]), 1, tol);
    if (bounded) {
        *bounded = 1;
        for (size_t i = 0; k_unbounded[i]; i++)
            if (strcmp(k_unbounded[i], d->name) == 0) *bounded = 0;
    }
    if (extra == (size_t)-1) {
        *bars = (size_t)-1;
        return PR_OK;
    }
    *bars = (size_t)(lb > 0 ? lb : 0) + extra;
    return PR_OK;
}
