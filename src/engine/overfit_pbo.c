/* Probability of backtest overfitting by combinatorially symmetric
 * cross-validation (Bailey, Borwein, Lopez de Prado & Zhu, "The probability
 * of backtest overfitting", J. Computational Finance 2017). Each block's
 * count, mean and sum of squared deviations are computed once per trial;
 * a combination's Sharpe ratios are then pooled from its blocks (the
 * parallel-variance formula), so the cost is C(S, S/2) x N x S, not x T. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine/overfit.h"

int pr_pbo_combinations(size_t n_blocks, size_t *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "PBO: no output");
    if (n_blocks < 2 || n_blocks > PR_PBO_MAX_BLOCKS || n_blocks % 2)
        return pr_err_set(err, PR_EINVAL,
                          "PBO: %zu blocks; the number of blocks must be even, from 2 to %d",
                          n_blocks, PR_PBO_MAX_BLOCKS);
    size_t c = 1, k = n_blocks / 2;
    for (size_t i = 1; i <= k; i++) c = c * (n_blocks - k + i) / i;  /* exact at every step */
    *out = c;
    return PR_OK;
}

/* Sharpe ratio of trial j pooled over the blocks whose bit in `mask` equals
 * `in`. */
static double pooled_sharpe(const size_t *cnt, const double *mean, const double *m2, size_t S,
                            size_t N, size_t j, unsigned mask, unsigned in) {
    double n = 0, sum = 0;
    for (size_t b = 0; b < S; b++) {
        if (((mask >> b) & 1u) != in) continue;
        n += (double)cnt[b];
        sum += (double)cnt[b] * mean[b * N + j];
    }
    double mu = sum / n, ss = 0;
    for (size_t b = 0; b < S; b++) {
        if (((mask >> b) & 1u) != in) continue;
        double d = mean[b * N + j] - mu;
        ss += m2[b * N + j] + (double)cnt[b] * d * d;
    }
    if (!(ss > 0)) return mu > 0 ? INFINITY : mu < 0 ? -INFINITY : 0.0;
    return mu / sqrt(ss / (n - 1));
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int pr_pbo_cscv(const double *returns, size_t n_rows, size_t n_trials, size_t n_blocks,
                pr_pbo_result *out, double *logits, double *is_sharpe, double *oos_sharpe,
                pr_err *err) {
    if (!returns || !out) return pr_err_set(err, PR_EINVAL, "PBO: no returns or no output");
    size_t S = n_blocks ? n_blocks : PR_PBO_DEFAULT_BLOCKS, N = n_trials, n_comb;
    int rc = pr_pbo_combinations(S, &n_comb, err);
    if (rc) return rc;
    if (N < 2)
        return pr_err_set(err, PR_EINVAL, "PBO: %zu trial(s); at least 2 are needed to rank", N);
    if (n_rows < 2 * S)
        return pr_err_set(err, PR_EINVAL,
                          "PBO: %zu periods for %zu blocks; each block needs at least 2 (%zu periods)",
                          n_rows, S, 2 * S);
    if (N > SIZE_MAX / n_rows)
        return pr_err_set(err, PR_EINVAL, "PBO: %zu x %zu returns is too large", n_rows, N);
    for (size_t t = 0; t < n_rows; t++)
        for (size_t j = 0; j < N; j++)
            if (!isfinite(returns[t * N + j]))
                return pr_err_set(err, PR_EDATA, "PBO: the return of trial %zu in period %zu is %s",
                                  j, t, isnan(returns[t * N + j]) ? "NaN" : "infinite");

    size_t cnt[PR_PBO_MAX_BLOCKS];
    double *mean = malloc(S * N * sizeof *mean), *m2 = malloc(S * N * sizeof *m2);
    double *is = malloc(N * sizeof *is), *oos = malloc(N * sizeof *oos);
    double *lam = logits ? logits : malloc(n_comb * sizeof *lam);
    double *xb = is_sharpe ? is_sharpe : malloc(n_comb * sizeof *xb);
    double *yb = oos_sharpe ? oos_sharpe : malloc(n_comb * sizeof *yb);
    double *sorted = malloc(n_comb * sizeof *sorted);
    if (!mean || !m2 || !is || !oos || !lam || !xb || !yb || !sorted) {
        rc = pr_err_set(err, PR_ENOMEM, "PBO: out of memory for %zu combinations of %zu trials",
                        n_comb, N);
        goto done;
    }

    for (size_t b = 0; b < S; b++) {
        size_t lo = b * n_rows / S, hi = (b + 1) * n_rows / S;
        cnt[b] = hi - lo;
        for (size_t j = 0; j < N; j++) {
            double s = 0, ss = 0;
            for (size_t t = lo; t < hi; t++) s += returns[t * N + j];
            double mu = s / (double)cnt[b];
            for (size_t t = lo; t < hi; t++) {
                double d = returns[t * N + j] - mu;
                ss += d * d;
            }
            mean[b * N + j] = mu;
            m2[b * N + j] = ss;
        }
    }

    /* Combinations of S/2 block indices in lexicographic order. */
    size_t k = S / 2, idx[PR_PBO_MAX_BLOCKS / 2];
    for (size_t i = 0; i < k; i++) idx[i] = i;
    size_t n_le0 = 0, n_loss = 0;
    for (size_t c = 0; c < n_comb; c++) {
        unsigned mask = 0;
        for (size_t i = 0; i < k; i++) mask |= 1u << idx[i];
        size_t best = 0;
        for (size_t j = 0; j < N; j++) {
            is[j] = pooled_sharpe(cnt, mean, m2, S, N, j, mask, 1u);
            oos[j] = pooled_sharpe(cnt, mean, m2, S, N, j, mask, 0u);
            if (is[j] > is[best]) best = j;
        }
        size_t less = 0, ties = 0;
        for (size_t j = 0; j < N; j++) {
            if (j == best) continue;
            if (oos[j] < oos[best]) less++;
            else if (oos[j] == oos[best]) ties++;
        }
        double w = (1.0 + (double)less + 0.5 * (double)ties) / (double)(N + 1);
        lam[c] = log(w / (1.0 - w));
        if (lam[c] <= 0) n_le0++;
        if (oos[best] < 0) n_loss++;
        xb[c] = is[best];
        yb[c] = oos[best];
        /* next combination */
        size_t i = k;
        while (i > 0 && idx[i - 1] == S - k + i - 1) i--;
        if (i == 0) break;
        idx[i - 1]++;
        for (size_t m = i; m < k; m++) idx[m] = idx[m - 1] + 1;
    }

    memset(out, 0, sizeof *out);
    out->n_blocks = S;
    out->n_combinations = n_comb;
    out->pbo = (double)n_le0 / (double)n_comb;
    out->n_oos_loss = n_loss;
    out->prob_oos_loss = (double)n_loss / (double)n_comb;

    double s = 0;
    for (size_t c = 0; c < n_comb; c++) s += lam[c];
    out->logit_mean = s / (double)n_comb;
    double ss = 0;
    for (size_t c = 0; c < n_comb; c++) ss += (lam[c] - out->logit_mean) * (lam[c] - out->logit_mean);
    out->logit_std = sqrt(ss / (double)(n_comb - 1));
    memcpy(sorted, lam, n_comb * sizeof *sorted);
    qsort(sorted, n_comb, sizeof *sorted, cmp_double);
    out->logit_min = sorted[0];
    out->logit_max = sorted[n_comb - 1];
    out->logit_median = n_comb % 2 ? sorted[n_comb / 2]
                                   : 0.5 * (sorted[n_comb / 2 - 1] + sorted[n_comb / 2]);

    double sx = 0, sy = 0;
    size_t nf = 0;
    for (size_t c = 0; c < n_comb; c++)
        if (isfinite(xb[c]) && isfinite(yb[c])) { sx += xb[c]; sy += yb[c]; nf++; }
    out->n_fit = nf;
    out->is_sharpe_mean = nf ? sx / (double)nf : NAN;
    out->oos_sharpe_mean = nf ? sy / (double)nf : NAN;
    double sxx = 0, sxy = 0;
    for (size_t c = 0; c < n_comb; c++) {
        if (!isfinite(xb[c]) || !isfinite(yb[c])) continue;
        double dx = xb[c] - out->is_sharpe_mean;
        sxx += dx * dx;
        sxy += dx * (yb[c] - out->oos_sharpe_mean);
    }
    out->degradation_slope = sxx > 0 ? sxy / sxx : NAN;
    out->degradation_intercept =
        sxx > 0 ? out->oos_sharpe_mean - out->degradation_slope * out->is_sharpe_mean : NAN;
    rc = PR_OK;

done:
    free(mean);
    free(m2);
    free(is);
    free(oos);
    if (!logits) free(lam);
    if (!is_sharpe) free(xb);
    if (!oos_sharpe) free(yb);
    free(sorted);
    return rc;
}
