/* Engle-Granger on a sliding window (pr_stats_coint_roll_*): the pairs
 * strategy's refit, pr_stats_coint's answer on the latest n pairs without
 * rebuilding the ADF design from the window at every refit.
 *
 * Why it can slide: with the residual e = y - a - b x, every column of the
 * residual ADF regression (regression n; rows s = L+1..n-1 for the lag
 * search, L = maxlag) is linear in the raw series: de_s = dy_s - b dx_s and
 * e_{s-1} = y_{s-1} - b x_{s-1} - a. So its Gram matrix is a fixed
 * combination, given (a, b), of windowed sums of raw products, and those are
 * kept as running sums, each push adding the entering row and removing the
 * leaving one. Only O(L) of them are needed:
 *  - the difference block is Toeplitz up to edge rows: G[i][j] =
 *    sum_s de_{s-i} de_{s-j} satisfies G[i+1][j+1] = G[i][j] + de_{L-i}
 *    de_{L-j} - de_{n-1-i} de_{n-1-j}, so the first row (3 x (L+1) raw
 *    lagged products: dy dy, dy dx + dx dy, dx dx) gives it all;
 *  - the level column likewise: H_j = sum_s e_{s-1} de_{s-j} has H_{j+1} =
 *    H_j + e_{L-1} de_{L-j} - e_{n-2} de_{n-1-j} + G[1][1+j], so H_0 (3 raw
 *    level x difference sums) gives it all;
 *  - the levels' sums give the OLS (a, b) and sum e^2.
 * One Cholesky of the search design gives every lag's residual sum of
 * squares (the nested leading blocks, as
 * stats_adf.c's one QR does); the chosen lag's full-sample design adds its
 * few early rows directly and is solved with the level column last, so its
 * t statistic is the last forward-substitution value over sigma.
 *
 * Numerics: levels are summed about a reference, the window's mean at the
 * last exact pass; the level sums are recomputed from the window (with a new
 * reference) every n pushes and the difference products every 8n, so the
 * rounding of the sliding updates is bounded by that many steps: relative to
 * the residual's sum of squares, about K eps (level range / residual
 * deviation)^2 after K steps (K <= n for the level sums). Normal equations square the
 * condition number, so wherever their answer could differ in a decision from
 * the QR path (a Cholesky pivot below 1e-6 of its diagonal, R^2 within 1e-6
 * of the collinearity threshold, two lags' criteria within 1e-9 relative as
 * ssr exp(penalty / nobs), a t-stat within 1e-7 of the t-stat rule's
 * threshold, a non-positive sum of squares) or the window is constant or
 * holds a non-finite value, the fit is pr_stats_coint on the window, exactly.
 * On the sample pairs (thousands of windows) the fast path agrees with
 * pr_stats_coint to 4e-11 relative in the hedge ratio, 2e-11 in the
 * statistic and 4e-12 absolute in the p-value, with the same lag everywhere
 * (tests/ta/test_coint_roll.c). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats_internal.h"

int pr_stats_coint_roll_init(pr_coint_roll *r, size_t n, const pr_coint_opts *opts, pr_err *err) {
    if (!r) return pr_err_set(err, PR_EINVAL, "coint_roll: NULL state");
    memset(r, 0, sizeof *r);
    pr_coint_opts o;
    pr_coint_opts_default(&o);
    if (opts) o = *opts;
    if (o.trend != PR_ADF_C)
        return pr_err_set(err, PR_EINVAL, "coint_roll: only trend 'c' slides (got '%s'); use pr_stats_coint",
                          pr_adf_regression_name(o.trend));
    if ((int)o.autolag < 0 || (int)o.autolag > 3)
        return pr_err_set(err, PR_EINVAL, "coint_roll: unknown autolag %d", (int)o.autolag);
    if (n < 8 || n > (size_t)INT32_MAX / 4)
        return pr_err_set(err, PR_EINVAL, "coint_roll: window of %zu pairs; need 8 to %d", n, INT32_MAX / 4);
    /* adfuller's default and bounds on n residuals, regression n */
    long half = (long)(n / 2) - 1, maxlag = o.maxlag;
    if (maxlag < 0) {
        maxlag = pr_stats_adf_default_maxlag(n, 0);
    } else if (maxlag > half) {
        return pr_err_set(err, PR_EINVAL, "coint_roll: maxlag %ld too large for %zu pairs (at most n/2 - 1 = %ld)",
                          maxlag, n, half);
    }
    if ((long)n - 1 - maxlag <= 1 + maxlag)
        return pr_err_set(err, PR_EDATA, "coint_roll: %zu pairs are too few for maxlag %ld", n, maxlag);
    const size_t l1 = (size_t)maxlag + 1, p2 = l1 + 1;
    r->n = n;
    r->maxlag = (int)maxlag;
    r->opts = o;
    r->cap = 2 * n;
    size_t cells = 4 * r->cap + 3 * (l1 + 1) + l1 + 2 * p2 * p2 + 12 * p2;
    r->mem = calloc(cells, sizeof(double));   /* a lag past maxlag may read a never-written cell */
    if (!r->mem) return pr_err_set(err, PR_ENOMEM, "coint_roll: out of memory");
    r->y = r->mem;
    r->x = r->y + r->cap;
    r->dy = r->x + r->cap;
    r->dx = r->dy + r->cap;
    r->r = r->dx + r->cap;
    r->icfac = r->r + 3 * (l1 + 1);
    r->work = r->icfac + l1;
    /* the information criterion's penalty per column, as a factor on ssr */
    const double nobs = (double)(n - 1 - (size_t)maxlag), pen = o.autolag == PR_ADF_BIC ? log(nobs) : 2.0;
    for (size_t l = 0; l < l1; l++) r->icfac[l] = exp(pen * (double)(l + 1) / nobs);
    /* nobs - 1 as statsmodels (Stata's egranger) */
    int rc = pr_stats_mackinnoncrit(2, PR_ADF_C, (double)n - 1.0, r->crit, err);
    if (rc) pr_stats_coint_roll_free(r);
    return rc;
}

void pr_stats_coint_roll_free(pr_coint_roll *r) {
    if (!r) return;
    free(r->mem);
    memset(r, 0, sizeof *r);
}

size_t pr_stats_coint_roll_window(const pr_coint_roll *r, const double **y, const double **x) {
    *y = r->y + r->end - r->count;
    *x = r->x + r->end - r->count;
    return r->count;
}

/* Running sums of lagged difference products, for lags d = 0..le-1 (le:
 * maxlag+1 rounded up to even, the last one unused when odd), stored in
 * reverse (cell q holds lag le-1-q) so that a push reads the differences
 * forward: yy[q] = sum dy_s dy_{s-d}, yx[q] = sum (dy_s dx_{s-d} + dx_s
 * dy_{s-d}) (only this sum enters the residual's Gram), xx[q] likewise. */
static size_t lags_even(const pr_coint_roll *r) { return ((size_t)r->maxlag + 2) & ~(size_t)1; }

/* r += a pn - b po over le (even) cells, two a step: vector operations. */
static void lag_update(size_t le, double a, const double *restrict pn, double b, const double *restrict po,
                       double *restrict r) {
    for (size_t q = 0; q < le; q += 2) {
        r[q] += a * pn[q] - b * po[q];
        r[q + 1] += a * pn[q + 1] - b * po[q + 1];
    }
}

/* The level sums from the window itself, about a new reference: the
 * window's means. Their drift is what costs digits (products of levels), so
 * they are redone every n pushes. */
static void recompute_levels(pr_coint_roll *r) {
    const size_t n = r->n, L = (size_t)r->maxlag, w = r->end - n;
    const double *y = r->y + w, *x = r->x + w, *dy = r->dy + w, *dx = r->dx + w;
    double my = 0, mx = 0;
    for (size_t k = 0; k < n; k++) {
        my += y[k];
        mx += x[k];
    }
    r->cy = my / (double)n;
    r->cx = mx / (double)n;
    double sy = 0, sx = 0, syy = 0, sxx = 0, sxy = 0;
    for (size_t k = 0; k < n; k++) {
        double a = y[k] - r->cy, b = x[k] - r->cx;
        sy += a;
        sx += b;
        syy += a * a;
        sxx += b * b;
        sxy += a * b;
    }
    r->sy = sy, r->sx = sx, r->syy = syy, r->sxx = sxx, r->sxy = sxy;
    double v0 = 0, v1 = 0, v2 = 0;
    for (size_t s = L + 1; s < n; s++) {
        const double ly = y[s - 1] - r->cy, lx = x[s - 1] - r->cx;
        v0 += ly * dy[s];
        v1 += ly * dx[s] + lx * dy[s];
        v2 += lx * dx[s];
    }
    r->v[0] = v0, r->v[1] = v1, r->v[2] = v2;
    r->level_slides = 0;
}

/* The lagged difference products from the window itself (every 8n pushes:
 * differences carry no level, so their sliding sums drift far less). */
static void recompute_lags(pr_coint_roll *r) {
    const size_t n = r->n, L = (size_t)r->maxlag, le = lags_even(r), w = r->end - n;
    const double *dy = r->dy + w, *dx = r->dx + w;
    double *ryy = r->r, *ryx = ryy + le, *rxx = ryx + le;
    memset(r->r, 0, sizeof(double) * 3 * le);
    for (size_t s = L + 1; s < n; s++) {
        const double *py = dy + s + 1 - le, *px = dx + s + 1 - le;
        lag_update(le, dy[s], py, 0.0, px, ryy);
        lag_update(le, dy[s], px, -dx[s], py, ryx);
        lag_update(le, dx[s], px, 0.0, py, rxx);
    }
    r->lag_slides = 0;
}

/* One push's change to the three lag sums: the entering row (a*, pn*) in,
 * the leaving one (b*, po*) out; two lags a step (vector operations). */
static void slide_lags(size_t le, double ay, double ax, double by, double bx, const double *restrict pyn,
                       const double *restrict pxn, const double *restrict pyo, const double *restrict pxo,
                       double *restrict ryy, double *restrict ryx, double *restrict rxx) {
    for (size_t q = 0; q < le; q += 2) {
        ryy[q] += ay * pyn[q] - by * pyo[q];
        ryy[q + 1] += ay * pyn[q + 1] - by * pyo[q + 1];
        ryx[q] += (ay * pxn[q] + ax * pyn[q]) - (by * pxo[q] + bx * pyo[q]);
        ryx[q + 1] += (ay * pxn[q + 1] + ax * pyn[q + 1]) - (by * pxo[q + 1] + bx * pyo[q + 1]);
        rxx[q] += ax * pxn[q] - bx * pxo[q];
        rxx[q + 1] += ax * pxn[q + 1] - bx * pxo[q + 1];
    }
}

/* The window moved by one pair (the newest at end - 1): add the entering
 * search row (s = n-1) and remove the leaving one (s = L+1 of the previous
 * window), likewise the level sums. */
static void slide(pr_coint_roll *r) {
    const size_t L = (size_t)r->maxlag, le = lags_even(r), sn = r->end - 1, o = r->end - 1 - r->n, so = o + L + 1;
    const double ay = r->dy[sn], ax = r->dx[sn], by = r->dy[so], bx = r->dx[so];
    const double *pyn = r->dy + sn + 1 - le, *pxn = r->dx + sn + 1 - le;
    const double *pyo = r->dy + so + 1 - le, *pxo = r->dx + so + 1 - le;
    slide_lags(le, ay, ax, by, bx, pyn, pxn, pyo, pxo, r->r, r->r + le, r->r + 2 * le);
    const double ly = r->y[sn - 1] - r->cy, lx = r->x[sn - 1] - r->cx;
    const double my = r->y[so - 1] - r->cy, mx = r->x[so - 1] - r->cx;
    r->v[0] += ly * ay - my * by;
    r->v[1] += (ly * ax + lx * ay) - (my * bx + mx * by);
    r->v[2] += lx * ax - mx * bx;
    const double ny = r->y[sn] - r->cy, nx = r->x[sn] - r->cx, oy = r->y[o] - r->cy, ox = r->x[o] - r->cx;
    r->sy += ny - oy;
    r->sx += nx - ox;
    r->syy += ny * ny - oy * oy;
    r->sxx += nx * nx - ox * ox;
    r->sxy += ny * nx - oy * ox;
    r->level_slides++;
    r->lag_slides++;
}

void pr_stats_coint_roll_push(pr_coint_roll *r, double y, double x) {
    if (r->end == r->cap) {   /* keep the window, free the rest */
        const size_t keep = r->count, from = r->end - keep;
        memmove(r->y, r->y + from, keep * sizeof(double));
        memmove(r->x, r->x + from, keep * sizeof(double));
        memmove(r->dy, r->dy + from, keep * sizeof(double));
        memmove(r->dx, r->dx + from, keep * sizeof(double));
        r->end = keep;
    }
    const size_t e = r->end;
    r->run_y = r->count && y == r->y[e - 1] ? r->run_y + 1 : 1;
    r->run_x = r->count && x == r->x[e - 1] ? r->run_x + 1 : 1;
    r->y[e] = y;
    r->x[e] = x;
    r->dy[e] = r->count ? y - r->y[e - 1] : 0.0;
    r->dx[e] = r->count ? x - r->x[e - 1] : 0.0;
    r->pushes++;
    if (!isfinite(y) || !isfinite(x)) r->last_bad = r->pushes;
    r->end++;
    if (r->count < r->n) r->count++;
    if (r->count < r->n || (r->last_bad && r->pushes - r->last_bad < r->n)) {
        r->exact = 0;
        return;
    }
    if (!r->exact) {
        recompute_levels(r);
        recompute_lags(r);
        r->exact = 1;
        return;
    }
    slide(r);
    if (r->level_slides >= r->n) recompute_levels(r);
    if (r->lag_slides >= 8 * r->n) recompute_lags(r);
}

/* y -= f x over len cells, two a step (vector operations). */
static void sub_scaled(size_t len, double f, const double *restrict x, double *restrict y) {
    size_t k = 0;
    for (; k + 2 <= len; k += 2) {
        y[k] -= f * x[k];
        y[k + 1] -= f * x[k + 1];
    }
    if (k < len) y[k] -= f * x[k];
}

/* Cholesky of the p x p symmetric a (row-major, upper triangle read and
 * overwritten with L'), and w = L^-1 c (c is overwritten). Right-looking,
 * so the inner loops are independent row updates rather than chains of dot
 * products. -1 when a pivot is at most 1e-6 of its column's diagonal (diag:
 * p cells), i.e. a column is all but a combination of the ones before it:
 * normal equations cannot be trusted there. */
static int chol_solve(size_t p, double *restrict a, double *restrict c, double *restrict w, double *restrict diag) {
    for (size_t i = 0; i < p; i++) {
        diag[i] = a[i * p + i];
        if (!(diag[i] > 0) || !isfinite(diag[i])) return -1;
    }
    for (size_t j = 0; j < p; j++) {
        double *rj = a + j * p, d = rj[j];
        if (!(d > 1e-6 * diag[j])) return -1;
        d = sqrt(d);
        const double inv = 1.0 / d;
        rj[j] = d;
        w[j] = c[j] * inv;
        for (size_t k = j + 1; k < p; k++) rj[k] *= inv;
        for (size_t i = j + 1; i < p; i++) {
            sub_scaled(p - i, rj[i], rj + i, a + i * p + i);
            c[i] -= rj[i] * w[j];
        }
    }
    return 0;
}

static int batch(pr_coint_roll *r, pr_coint_result *out, pr_err *err) {
    r->fallbacks++;
    const size_t w = r->end - r->n;
    return pr_stats_coint(r->n, r->y + w, r->x + w, &r->opts, out, err);
}

int pr_stats_coint_roll_fit(pr_coint_roll *r, pr_coint_result *out, pr_err *err) {
    if (!r || !out || !r->mem) return pr_err_set(err, PR_EINVAL, "coint_roll: NULL argument");
    const size_t n = r->n;
    if (r->count < n) return pr_err_set(err, PR_EDATA, "coint_roll: %zu of %zu pairs held", r->count, n);
    if (!r->exact || r->run_y >= n || r->run_x >= n) return batch(r, out, err);
    const size_t L = (size_t)r->maxlag, l1 = L + 1, p2 = l1 + 1, w0 = r->end - n;
    const double *y = r->y + w0, *x = r->x + w0, *dy = r->dy + w0, *dx = r->dx + w0;
    const double fn = (double)n, my = r->sy / fn, mx = r->sx / fn;
    const double cyy = r->syy - r->sy * my, cxx = r->sxx - r->sx * mx, cxy = r->sxy - r->sx * my;
    if (!(cxx > 0) || !(cyy > 0)) return batch(r, out, err);
    const double b = cxy / cxx, rsq = cxy * cxy / (cxx * cyy);
    if (!(rsq < 1.0 - 100.0 * sqrt(DBL_EPSILON) - 1e-6)) return batch(r, out, err);
    const double oy = r->cy + my, ox = r->cx + mx;   /* the window means */

    double *g = r->work, *m = g + p2 * p2, *eh = m + p2 * p2, *dh = eh + p2, *dt = dh + p2, *h = dt + p2;
    double *c = h + p2, *wv = c + p2, *dg = wv + p2, *ic = dg + p2, *z = ic + p2;
    /* residuals and their differences at the window's edges */
    for (size_t k = 0; k <= L; k++) eh[k] = (y[k] - oy) - b * (x[k] - ox);
    for (size_t k = 1; k <= L + 1; k++) dh[k] = dy[k] - b * dx[k];
    for (size_t j = 0; j <= L; j++) dt[j] = dy[n - 1 - j] - b * dx[n - 1 - j];
    const double e_n2 = (y[n - 2] - oy) - b * (x[n - 2] - ox), e_n1 = (y[n - 1] - oy) - b * (x[n - 1] - ox);

    /* G: difference block (index 0: de_s, the dependent; i: de_{s-i}) */
    const size_t le = lags_even(r);
    const double *ryy = r->r + le - 1, *ryx = ryy + le, *rxx = ryx + le;   /* lag d at [-d] */
    for (size_t d = 0; d <= L; d++) {
        const ptrdiff_t q = -(ptrdiff_t)d;
        g[d] = ryy[q] - b * ryx[q] + b * b * rxx[q];
    }
    for (size_t i = 0; i < L; i++)
        for (size_t j = i; j < L; j++)
            g[(i + 1) * l1 + j + 1] = g[i * l1 + j] + dh[L - i] * dh[L - j] - dt[i] * dt[j];
    /* H: level x differences; sum of squared levels over s-1 = L..n-2 */
    const double mu = my - b * mx;
    h[0] = r->v[0] - b * r->v[1] + b * b * r->v[2] - mu * ((y[n - 1] - y[L]) - b * (x[n - 1] - x[L]));
    for (size_t j = 0; j < L; j++) h[j + 1] = h[j] + eh[L - 1] * dh[L - j] - e_n2 * dt[j] + g[l1 + 1 + j];
    double see = cyy - b * cxy - e_n1 * e_n1;
    for (size_t k = 0; k < L; k++) see -= eh[k] * eh[k];
    if (!(see > 0)) return batch(r, out, err);

    int usedlag = (int)L;
    if (r->opts.autolag != PR_ADF_FIXED) {
        /* search design [e_{s-1}, de_{s-1} .. de_{s-L}] on rows s = L+1..n-1 */
        m[0] = see;
        memcpy(m + 1, h + 1, L * sizeof(double));
        for (size_t i = 1; i < l1; i++) memcpy(m + i * l1 + i, g + i * l1 + i, (l1 - i) * sizeof(double));
        c[0] = h[0];
        for (size_t i = 1; i < l1; i++) c[i] = g[i];
        if (chol_solve(l1, m, c, wv, dg)) return batch(r, out, err);
        const double nobs = (double)(n - 1 - L);
        double ssr = g[0];
        int best = -1;
        if (r->opts.autolag == PR_ADF_TSTAT) {
            /* ssr after k columns, for k = 1..L+1 */
            for (size_t k = 0; k < l1; k++) z[k + 1] = (ssr -= wv[k] * wv[k]);
            const double stop = 1.6448536269514722;
            for (int l = (int)L; l >= 0; l--) {
                size_t k = (size_t)l + 1;
                if (!(z[k] > 0)) return batch(r, out, err);
                double t = fabs(wv[k - 1]) / sqrt(z[k] / (nobs - (double)k));
                if (fabs(t - stop) <= 1e-7) return batch(r, out, err);
                best = l;
                if (t >= stop) break;
            }
        } else {
            /* nobs log(ssr) + pen k, compared as ssr exp(pen k / nobs) */
            for (size_t l = 0; l < l1; l++) {
                ssr -= wv[l] * wv[l];
                if (!(ssr > 0)) return batch(r, out, err);
                ic[l] = ssr * r->icfac[l];
                if (best < 0 || ic[l] < ic[best]) best = (int)l;
            }
            for (size_t l = 0; l < l1; l++)
                if ((int)l != best && ic[l] <= ic[best] * (1.0 + 1e-9)) return batch(r, out, err);
        }
        usedlag = best;
    }

    /* the chosen lag on rows s = p+1..n-1, columns [de_{s-1} .. de_{s-p}, e_{s-1}] */
    const size_t p = (size_t)usedlag, k = p + 1;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++)
            m[i * k + j] = j == p ? (i == p ? see : h[i + 1]) : g[(i + 1) * l1 + j + 1];
    for (size_t i = 0; i < p; i++) c[i] = g[i + 1];
    c[p] = h[0];
    double qq = g[0];
    for (size_t s = p + 1; s <= L; s++) {   /* the rows the search left out */
        for (size_t i = 0; i < p; i++) z[i] = dh[s - 1 - i];
        z[p] = eh[s - 1];
        const double dep = dh[s];
        for (size_t i = 0; i < k; i++) {
            for (size_t j = i; j < k; j++) m[i * k + j] += z[i] * z[j];
            c[i] += z[i] * dep;
        }
        qq += dep * dep;
    }
    if (chol_solve(k, m, c, wv, dg)) return batch(r, out, err);
    double ssr = qq;
    for (size_t i = 0; i < k; i++) ssr -= wv[i] * wv[i];
    const size_t rows = n - 1 - p;
    if (!(ssr > 0) || rows <= k) return batch(r, out, err);
    const double stat = wv[p] / sqrt(ssr / (double)(rows - k));
    if (!isfinite(stat)) return batch(r, out, err);

    out->hedge_ratio = b;
    out->intercept = oy - b * ox;
    out->trend_coef = NAN;
    out->stat = stat;
    memcpy(out->crit, r->crit, sizeof r->crit);
    out->rsquared = rsq;
    out->usedlag = usedlag;
    out->maxlag = (int)L;
    out->nobs = n;
    out->adf_nobs = rows;
    out->collinear = 0;
    out->trend = PR_ADF_C;
    return pr_stats_mackinnonp(stat, PR_ADF_C, 2, &out->pvalue, err);
}
