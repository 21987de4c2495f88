/* Hurst exponent by two estimators (see stats.h for the definitions and why
 * the corrected rescaled range is the default): the Anis-Lloyd-Peters
 * corrected R/S analysis of the increments, and the scaling of the standard
 * deviation of lagged differences of the levels. */
#include <math.h>
#include <stdlib.h>
#include "stats_internal.h"

/* Simple least-squares line through (x, y), two-pass about the means. */
static void fit_line(size_t n, const double *x, const double *y, double *slope, double *icpt, double *r2) {
    double xm = 0.0, ym = 0.0;
    for (size_t i = 0; i < n; i++) {
        xm += x[i];
        ym += y[i];
    }
    xm /= (double)n;
    ym /= (double)n;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - xm) * (x[i] - xm);
        syy += (y[i] - ym) * (y[i] - ym);
        sxy += (x[i] - xm) * (y[i] - ym);
    }
    *slope = sxy / sxx;
    *icpt = ym - *slope * xm;
    *r2 = syy > 0.0 ? sxy * sxy / (sxx * syy) : 1.0;
}

/* Anis-Lloyd (1976) expected R/S of w i.i.d. normal values, with Peters'
 * (1994) (w - 1/2)/w factor; the gamma ratio is replaced by its asymptote
 * beyond w = 340 where the gamma functions overflow in the original. */
static double expected_rs(size_t w) {
    double n = (double)w, back = 0.0;
    for (size_t i = 1; i < w; i++) back += sqrt((n - (double)i) / (double)i);
    double middle = w <= 340 ? exp(lgamma((n - 1.0) * 0.5) - lgamma(n * 0.5)) / sqrt(M_PI)
                             : 1.0 / sqrt(n * M_PI * 0.5);
    return (n - 0.5) / n * middle * back;
}

/* Mean R/S over the non-overlapping chunks of length w of d[0..m);
 * NaN when every chunk has zero deviation. */
static double mean_rs(const double *d, size_t m, size_t w) {
    size_t chunks = m / w, used = 0;
    double sum = 0.0;
    for (size_t c = 0; c < chunks; c++) {
        const double *v = d + c * w;
        double mean = 0.0;
        for (size_t i = 0; i < w; i++) mean += v[i];
        mean /= (double)w;
        double z = 0.0, zmax = 0.0, zmin = 0.0, ss = 0.0;
        for (size_t i = 0; i < w; i++) {
            double e = v[i] - mean;
            z += e;
            ss += e * e;
            if (z > zmax) zmax = z;
            if (z < zmin) zmin = z;
        }
        double sd = sqrt(ss / (double)w);
        if (sd > 0.0) {
            sum += (zmax - zmin) / sd;
            used++;
        }
    }
    return used ? sum / (double)used : NAN;
}

static int hurst_rs(size_t n, const double *x, const pr_hurst_opts *o, pr_hurst_result *out, pr_err *err) {
    size_t m = n - 1;
    long minw = o->min_window > 0 ? o->min_window : 16;
    long maxw = o->max_window > 0 ? o->max_window : (long)(m / 4);
    if (minw < 4) return pr_err_set(err, PR_EINVAL, "hurst: min_window %ld must be at least 4", minw);
    if (o->max_window > 0 && (size_t)maxw > m / 2)
        return pr_err_set(err, PR_EINVAL, "hurst: max_window %ld exceeds half the %zu increments", maxw, m);
    /* window sizes floor(minw * 2^(j/4)), distinct, up to maxw */
    size_t cap = 0;
    for (int j = 0;; j++) {
        double w = floor((double)minw * pow(2.0, (double)j / 4.0));
        if (w > (double)maxw) break;
        cap++;
    }
    if (cap < 2) {
        /* the second window size; with the default max_window = m/4 the
         * series needs 4 of them plus one value */
        long w1 = (long)floor((double)minw * pow(2.0, 0.25));
        if (o->max_window > 0)
            return pr_err_set(err, PR_EINVAL, "hurst: window range [%ld, %ld] holds fewer than two window sizes", minw,
                              maxw);
        return pr_err_set(err, PR_EDATA, "hurst: %zu values are too few for rescaled range with min_window %ld; need at least %ld",
                          n, minw, 4 * w1 + 1);
    }
    double *work = malloc(sizeof(double) * (m + 2 * cap));
    if (!work) return pr_err_set(err, PR_ENOMEM, "hurst: out of memory");
    double *d = work, *lx = d + m, *ly = lx + cap;
    for (size_t i = 0; i < m; i++) d[i] = x[i + 1] - x[i];
    size_t np = 0;
    long last = 0;
    for (int j = 0;; j++) {
        long w = (long)floor((double)minw * pow(2.0, (double)j / 4.0));
        if (w > maxw) break;
        if (w == last) continue;
        last = w;
        double rs = mean_rs(d, m, (size_t)w);
        if (!(rs > 0.0)) continue;
        lx[np] = log((double)w);
        ly[np] = log(rs) - log(expected_rs((size_t)w));
        np++;
    }
    if (np < 2) {
        free(work);
        return pr_err_set(err, PR_EDATA, "hurst: fewer than two window sizes have varying increments");
    }
    double slope;
    fit_line(np, lx, ly, &slope, &out->intercept, &out->r2);
    out->h = 0.5 + slope;
    out->npoints = (int)np;
    out->method = PR_HURST_RS;
    free(work);
    return PR_OK;
}

static int hurst_var(size_t n, const double *x, const pr_hurst_opts *o, pr_hurst_result *out, pr_err *err) {
    long minl = o->min_lag > 0 ? o->min_lag : 2;
    long maxl = o->max_lag > 0 ? o->max_lag : (long)((n - 1) / 4 < 99 ? (n - 1) / 4 : 99);
    if (o->max_lag > 0 && (size_t)maxl > n / 2)
        return pr_err_set(err, PR_EINVAL, "hurst: max_lag %ld exceeds half the %zu values", maxl, n);
    if (maxl <= minl)
        return pr_err_set(err, o->max_lag > 0 || o->min_lag > 0 ? PR_EINVAL : PR_EDATA,
                          "hurst: lag range %ld..%ld has fewer than two lags (%zu values)", minl, maxl, n);
    size_t np = (size_t)(maxl - minl + 1);
    double *lx = malloc(sizeof(double) * 2 * np);
    if (!lx) return pr_err_set(err, PR_ENOMEM, "hurst: out of memory");
    double *ly = lx + np;
    for (long l = minl; l <= maxl; l++) {
        size_t L = (size_t)l, cnt = n - L;
        double mean = 0.0, ss = 0.0;
        for (size_t t = 0; t < cnt; t++) mean += x[t + L] - x[t];
        mean /= (double)cnt;
        for (size_t t = 0; t < cnt; t++) {
            double e = x[t + L] - x[t] - mean;
            ss += e * e;
        }
        double sd = sqrt(ss / (double)cnt);
        if (!(sd > 0.0)) {
            free(lx);
            return pr_err_set(err, PR_EDATA, "hurst: differences at lag %ld have zero variance", l);
        }
        lx[l - minl] = log((double)l);
        ly[l - minl] = log(sd);
    }
    fit_line(np, lx, ly, &out->h, &out->intercept, &out->r2);
    out->npoints = (int)np;
    out->method = PR_HURST_VAR;
    free(lx);
    return PR_OK;
}

int pr_stats_hurst(size_t n, const double *x, const pr_hurst_opts *opts, pr_hurst_result *out, pr_err *err) {
    pr_hurst_opts def;
    if (!opts) {
        pr_hurst_opts_default(&def);
        opts = &def;
    }
    if (!x || !out) return pr_err_set(err, PR_EINVAL, "hurst: NULL argument");
    if (opts->min_window < 0 || opts->max_window < 0 || opts->min_lag < 0 || opts->max_lag < 0)
        return pr_err_set(err, PR_EINVAL, "hurst: negative window or lag option");
    int rc = pr_stats_check_finite("hurst", "x", n, x, err);
    if (rc) return rc;
    if (n < 8) return pr_err_set(err, PR_EDATA, "hurst: %zu observations; need at least 8", n);
    rc = pr_stats_check_varies("hurst", "x", n, x, err);
    if (rc) return rc;
    switch (opts->method) {
    case PR_HURST_RS: return hurst_rs(n, x, opts, out, err);
    case PR_HURST_VAR: return hurst_var(n, x, opts, out, err);
    default: return pr_err_set(err, PR_EINVAL, "hurst: unknown method %d", (int)opts->method);
    }
}
