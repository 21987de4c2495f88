/* Walk-forward windows (optimize.h): train windows, each followed by the
 * test window the parameters chosen on it are judged on; the test windows
 * tile the data after the first train window without overlap, so their
 * results stitch into one out-of-sample run. Windows in bars, or in time
 * (a window holds the bars whose times fall inside it). */
#include <stdlib.h>
#include "proratio/engine.h"

/* First index at or after i whose time is >= t. */
static size_t seek(const int64_t *ts, size_t n, size_t i, int64_t t) {
    while (i < n && ts[i] < t) i++;
    return i;
}

int pr_wf_folds(const pr_wf_config *c, const int64_t *ts, size_t n, pr_wf_fold **folds, size_t *n_folds,
                pr_err *err) {
    *folds = NULL;
    *n_folds = 0;
    int by_bars = c->train_bars > 0;
    if (by_bars ? c->test_bars == 0 : !(c->train_ms > 0 && c->test_ms > 0))
        return pr_err_set(err, PR_EINVAL, "walk-forward: train and test windows must both be set, in bars or time");
    size_t cap = 16, k = 0;
    pr_wf_fold *f = malloc(cap * sizeof *f);
    if (!f) return pr_err_set(err, PR_ENOMEM, "walk-forward: out of memory");
    size_t start = c->start < n ? c->start : n;
    size_t test_from = by_bars ? start + c->train_bars : seek(ts, n, start, start < n ? ts[start] + c->train_ms : 0);
    size_t min_test = by_bars ? (c->test_bars + 9) / 10 : 1;
    while (test_from < n) {
        size_t test_to = by_bars ? test_from + c->test_bars : seek(ts, n, test_from, ts[test_from] + c->test_ms);
        if (test_to > n) test_to = n;
        /* a last window shorter than a tenth of the test length is dropped */
        if (test_to == n && (by_bars ? test_to - test_from < min_test : ts[n - 1] - ts[test_from] < c->test_ms / 10))
            break;
        size_t train_from = c->anchored ? start
                            : by_bars ? test_from - c->train_bars
                                      : seek(ts, n, start, ts[test_from] - c->train_ms);
        if (k == cap) {
            pr_wf_fold *nf = realloc(f, (cap *= 2) * sizeof *f);
            if (!nf) {
                free(f);
                return pr_err_set(err, PR_ENOMEM, "walk-forward: out of memory");
            }
            f = nf;
        }
        f[k++] = (pr_wf_fold){train_from, test_from, test_from, test_to};
        test_from = test_to;
    }
    if (k == 0) {
        free(f);
        if (by_bars)
            return pr_err_set(err, PR_EINVAL, "walk-forward: %zu bars from the start hold no fold: need at least "
                              "train + a tenth of test = %zu", n - start, c->train_bars + min_test);
        return pr_err_set(err, PR_EINVAL, "walk-forward: the data holds no train window followed by a test window");
    }
    *folds = f;
    *n_folds = k;
    return PR_OK;
}
