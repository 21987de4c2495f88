/* Cross-asset correlation (risk/correl.h): windowed Pearson correlation,
 * the matrix, lead-lag, the risk-on/risk-off score and breakdown alerts.
 * Windows are recomputed exactly (two-pass, as ta's pr_stats_pearson) so
 * that no running sum drifts; these serve reports and the CLI, not the
 * per-bar hot path. */
#include <math.h>

#include "proratio/risk/correl.h"

void pr_corr_log_returns(size_t n, const double *close, double *out) {
    for (size_t t = 0; t < n; t++) out[t] = t == 0 ? NAN : log(close[t] / close[t - 1]);
}

/* Pearson of x[0..w-1], y[0..w-1] (two-pass); NaN for NaN inputs or a
 * constant series. */
static double pearson(const double *x, const double *y, size_t w) {
    double mx = 0, my = 0;
    for (size_t i = 0; i < w; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)w;
    my /= (double)w;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < w; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0 && syy > 0)) return NAN;   /* NaN inputs fail this too */
    double r = sxy / sqrt(sxx * syy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

double pr_corr_window(const double *x, const double *y, size_t t, size_t w) {
    if (w < 2 || t + 1 < w) return NAN;
    return pearson(x + t + 1 - w, y + t + 1 - w, w);
}

void pr_corr_matrix(size_t k, const double *const *ret, size_t t, size_t w, double *out) {
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            double r = pr_corr_window(ret[i], ret[j], t, w);
            if (i == j && !isnan(r)) r = 1;
            out[i * k + j] = out[j * k + i] = r;
        }
}

int pr_corr_lead_lag(const double *a, const double *b, size_t t, size_t w, int max_lag, double *by_lag,
                     int *best, double *best_corr, pr_err *err) {
    if (!a || !b || max_lag < 0 || w < 2) return pr_err_set(err, PR_EINVAL, "lead-lag: bad arguments");
    /* The window of b starts at t-w+1 and a's at t-w+1-max_lag, which must
     * be at least 1 (the first return is NaN). */
    if (t + 1 < w + (size_t)max_lag + 1)
        return pr_err_set(err, PR_ERANGE, "lead-lag: %zu bars, need at least %zu (window %zu + max lag %d + 1)",
                          t + 1, w + (size_t)max_lag + 1, w, max_lag);
    int bl = -1;
    double bc = NAN;
    for (int lag = 0; lag <= max_lag; lag++) {
        size_t s0 = t + 1 - w;
        double r = pearson(a + s0 - (size_t)lag, b + s0, w);
        if (by_lag) by_lag[lag] = r;
        if (!isnan(r) && (bl < 0 || fabs(r) > fabs(bc))) {
            bl = lag;
            bc = r;
        }
    }
    if (bl < 0) return pr_err_set(err, PR_EDATA, "lead-lag: no lag has a defined correlation (a constant series?)");
    if (best) *best = bl;
    if (best_corr) *best_corr = bc;
    return PR_OK;
}

double pr_risk_on_score(size_t n, const double *const *ret, const double *sign, size_t t, size_t lookback, size_t w,
                        double z_cap) {
    if (n == 0 || lookback == 0 || w < 2 || !(z_cap > 0) || t + 1 < (lookback > w ? lookback : w)) return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = ret[i];
        double r = 0, m = 0, ss = 0;
        for (size_t s = t + 1 - lookback; s <= t; s++) r += x[s];
        for (size_t s = t + 1 - w; s <= t; s++) m += x[s];
        m /= (double)w;
        for (size_t s = t + 1 - w; s <= t; s++) ss += (x[s] - m) * (x[s] - m);
        double sd = sqrt(ss / (double)w);
        if (!(sd > 0) || isnan(r)) return NAN;
        double z = r / (sd * sqrt((double)lookback)) / z_cap;
        sum += sign[i] * (z > 1 ? 1 : z < -1 ? -1 : z);
    }
    return sum / (double)n;
}

size_t pr_corr_breakdowns(size_t n, const double *x, const double *y, size_t w_short, size_t w_long, double drop,
                          size_t *out, size_t cap) {
    size_t count = 0;
    int was = 0;
    for (size_t t = 0; t < n; t++) {
        double cs = pr_corr_window(x, y, t, w_short), cl = pr_corr_window(x, y, t, w_long);
        int now = !isnan(cs) && !isnan(cl) && cl - cs > drop;
        if (now && !was) {
            if (count < cap && out) out[count] = t;
            count++;
        }
        was = now;
    }
    return count;
}
