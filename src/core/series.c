/* OHLCV series as a growable struct of arrays (one array per field, so
 * indicators stream over contiguous doubles). Growth doubles the capacity,
 * making pr_series_push amortised O(1). */
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"

int pr_series_init(pr_series *s, size_t cap) {
    if (!s) return PR_EINVAL;
    memset(s, 0, sizeof *s);
    return cap ? pr_series_reserve(s, cap) : PR_OK;
}

void pr_series_free(pr_series *s) {
    if (!s) return;
    free(s->ts);
    free(s->open);
    free(s->high);
    free(s->low);
    free(s->close);
    free(s->volume);
    memset(s, 0, sizeof *s);
}

int pr_series_reserve(pr_series *s, size_t cap) {
    if (!s) return PR_EINVAL;
    if (cap <= s->cap) return PR_OK;
    if (cap > SIZE_MAX / sizeof(int64_t)) return PR_ENOMEM;
    /* On failure the old blocks stay valid; arrays that already grew are
     * merely larger than cap, which is updated only once all six succeeded. */
    int64_t *ts = realloc(s->ts, cap * sizeof *ts);
    if (!ts) return PR_ENOMEM;
    s->ts = ts;
    pr_mem_advise_huge(ts, cap * sizeof *ts);
    double **cols[5] = {&s->open, &s->high, &s->low, &s->close, &s->volume};
    for (int k = 0; k < 5; k++) {
        double *q = realloc(*cols[k], cap * sizeof *q);
        if (!q) return PR_ENOMEM;
        *cols[k] = q;
        pr_mem_advise_huge(q, cap * sizeof *q);
    }
    s->cap = cap;
    return PR_OK;
}

int pr_series_push(pr_series *s, int64_t ts, double o, double h, double l, double c, double v) {
    if (!s) return PR_EINVAL;
    if (s->len == s->cap) {
        int rc = pr_series_reserve(s, s->cap ? s->cap * 2 : 256);
        if (rc) return rc;
    }
    size_t i = s->len++;
    s->ts[i] = ts;
    s->open[i] = o;
    s->high[i] = h;
    s->low[i] = l;
    s->close[i] = c;
    s->volume[i] = v;
    return PR_OK;
}

void pr_series_clear(pr_series *s) {
    if (!s) return;
    s->len = 0;
    s->last_incomplete = 0;
}

/* Blocks of bars checked without a branch per bar (x - x is NaN exactly when
 * x is not finite); a block with a bad bar is walked again bar by bar to
 * find it. */
static int bad_bar(const pr_series *s, size_t i) {
    double o = s->open[i], h = s->high[i], l = s->low[i], c = s->close[i];
    return ((o - o) + (h - h) + (l - l) + (c - c) != 0) | (i > 0 && s->ts[i] <= s->ts[i - 1]);
}

size_t pr_series_check(const pr_series *s, size_t from) {
    if (!s) return 0;
    enum { BLOCK = 512 };
    size_t k = from < s->len ? from : s->len;
    if (k == 0 && s->len) {
        if (bad_bar(s, 0)) return 0;
        k = 1;
    }
    while (k < s->len) {
        size_t end = s->len - k > BLOCK ? k + BLOCK : s->len;
        /* Branch-free: x - x is 0 for a finite x and NaN otherwise, and a
         * NaN anywhere makes the sum NaN. */
        double sum = 0;
        int bad = 0;
        for (size_t i = k; i < end; i++) {
            double o = s->open[i], h = s->high[i], l = s->low[i], c = s->close[i];
            sum += (o - o) + (h - h) + (l - l) + (c - c);
            bad |= s->ts[i] <= s->ts[i - 1];
        }
        bad |= sum != 0;
        if (bad)
            for (size_t i = k; i < end; i++)
                if (bad_bar(s, i)) return i;
        k = end;
    }
    return s->len;
}

size_t pr_series_lower_bound(const pr_series *s, int64_t t) {
    if (!s) return 0;
    size_t lo = 0, hi = s->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ts[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int pr_series_slice(const pr_series *s, size_t from, size_t to, pr_series *out) {
    if (!s || !out || from > to || to > s->len || out == s) return PR_EINVAL;
    size_t n = to - from;
    int rc = pr_series_init(out, n ? n : 1);
    if (rc) {
        pr_series_free(out);
        return rc;
    }
    if (n) {
        memcpy(out->ts, s->ts + from, n * sizeof *out->ts);
        memcpy(out->open, s->open + from, n * sizeof(double));
        memcpy(out->high, s->high + from, n * sizeof(double));
        memcpy(out->low, s->low + from, n * sizeof(double));
        memcpy(out->close, s->close + from, n * sizeof(double));
        memcpy(out->volume, s->volume + from, n * sizeof(double));
    }
    out->len = n;
    out->tf = s->tf;
    memcpy(out->symbol, s->symbol, sizeof out->symbol);
    out->last_incomplete = (to == s->len) ? s->last_incomplete : 0;
    return PR_OK;
}
