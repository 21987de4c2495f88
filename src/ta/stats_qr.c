/* Least squares by Householder QR on power-of-two-scaled columns, in plain C
 * with one fixed order of operations, for the statistics' regressions.
 *
 * Why not LAPACK: the ADF / Engle-Granger designs hold 1, t and t^2 (t^2
 * reaches 1e7 and more), and the result of an ill-conditioned solve through
 * OpenBLAS depends on the kernel it picks for the CPU and on its thread count
 * (different blocking, different summation order). Here every sum runs in
 * the same order on every machine and thread count, so the statistics are
 * reproducible bit for bit wherever the same binary runs.
 *
 * Why scale: Householder QR is column-wise backward stable, so its error is
 * governed by the condition number of the column-equilibrated matrix, not of
 * the raw one; scaling each column by a power of two (exact) to norm in
 * [0.5, 1) makes that explicit and keeps the rank test relative to each
 * column. For the 'ctt' designs this turns kappa ~1e13 (raw) into ~1e2. */
#include <math.h>
#include "stats_internal.h"

size_t pr_stats_qr(size_t m, size_t p, double *a, double *y, double *scale, double tol) {
    for (size_t j = 0; j < p; j++) {
        double *c = a + j * m, ss = 0.0;
        for (size_t i = 0; i < m; i++) ss += c[i] * c[i];
        int e = 0;
        if (ss > 0.0) (void)frexp(sqrt(ss), &e);
        scale[j] = ldexp(1.0, -e);
        for (size_t i = 0; i < m; i++) c[i] *= scale[j];
    }
    size_t rank = p;
    for (size_t j = 0; j < p; j++) {
        double *v = a + j * m + j;
        size_t len = m - j;
        double ss = 0.0;
        for (size_t i = 0; i < len; i++) ss += v[i] * v[i];
        double norm = sqrt(ss);
        /* the part of column j orthogonal to the columns before it, relative
         * to the column's (scaled, ~1) norm: (numerically) zero = collinear */
        if (!(norm > tol)) {
            if (rank == p) rank = j;
            continue;
        }
        double alpha = v[0] > 0.0 ? -norm : norm;
        /* v = x - alpha e1, H = I - v v' / (v'v / 2) with v'v/2 = alpha (alpha - x0) */
        double x0 = v[0];
        v[0] = x0 - alpha;
        double h = alpha * (alpha - x0);
        for (size_t k = j + 1; k <= p; k++) {
            double *w = k < p ? a + k * m + j : y + j;
            double s = 0.0;
            for (size_t i = 0; i < len; i++) s += v[i] * w[i];
            s /= h;
            for (size_t i = 0; i < len; i++) w[i] -= s * v[i];
        }
        v[0] = alpha;
    }
    return rank;
}

void pr_stats_qr_solve(size_t m, size_t p, const double *r, const double *qy, double *b) {
    for (size_t i = p; i-- > 0;) {
        double s = qy[i];
        for (size_t j = i + 1; j < p; j++) s -= r[i + j * m] * b[j];
        b[i] = s / r[i + i * m];
    }
}

double pr_stats_qr_rinv_row2(size_t m, size_t p, const double *r, size_t i, double *w) {
    /* row i of R^-1: z' R = e_i', solved left to right (z_j = 0 for j < i) */
    double acc = 0.0;
    for (size_t j = 0; j < p; j++) {
        double s = j == i ? 1.0 : 0.0;
        for (size_t l = i; l < j; l++) s -= w[l] * r[l + j * m];
        w[j] = j < i ? 0.0 : s / r[j + j * m];
        acc += w[j] * w[j];
    }
    return acc;
}
