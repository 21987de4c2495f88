/* The set of bar times a streamed import has already delivered, so that a
 * repeated time is recognised wherever it reappears in the file (not only
 * on the next line). Stamps on one grid phase are kept as runs lo, lo+step,
 * ..., hi: a sorted file with g gaps costs g+1 runs, whatever its length.
 * Stamps off that phase (rare: off-grid rows, months) are kept one by one. */
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

void dint_seen_free(dint_seen *s) {
    free(s->runs);
    free(s->pts);
    memset(s, 0, sizeof *s);
}

/* Index of the last element with key <= ts in a sorted array of stride
 * `stride` int64s (key first), or -1. */
static ptrdiff_t last_le(const int64_t *a, size_t n, size_t stride, int64_t ts) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid * stride] <= ts) lo = mid + 1;
        else hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

static int on_phase(const dint_seen *s, int64_t ts) {
    return s->phased && dint_floordiv(ts - s->phase, s->step) * s->step == ts - s->phase;
}

int dint_seen_has(const dint_seen *s, int64_t ts) {
    if (on_phase(s, ts)) {
        if (s->n_runs == 0) return 0;
        ptrdiff_t i = last_le(&s->runs[0].lo, s->n_runs, 2, ts);
        return i >= 0 && ts <= s->runs[i].hi;
    }
    ptrdiff_t i = s->n_pts ? last_le(s->pts, s->n_pts, 1, ts) : -1;
    return i >= 0 && s->pts[i] == ts;
}

int dint_seen_add(dint_seen *s, int64_t ts) {
    if (!s->phased && s->step > 0) {
        s->phase = ts - dint_floordiv(ts, s->step) * s->step;
        s->phased = 1;
    }
    if (!on_phase(s, ts)) {
        ptrdiff_t i = s->n_pts ? last_le(s->pts, s->n_pts, 1, ts) : -1;
        if (i >= 0 && s->pts[i] == ts) return 0;
        if (s->n_pts == s->cap_pts) {
            int64_t *np = dint_grow(s->pts, &s->cap_pts, 64, sizeof *s->pts);
            if (!np) return -1;
            s->pts = np;
        }
        memmove(s->pts + i + 2, s->pts + i + 1, (s->n_pts - (size_t)(i + 1)) * sizeof *s->pts);
        s->pts[i + 1] = ts;
        s->n_pts++;
        return 0;
    }
    /* Sorted input: extends the last run. */
    if (s->n_runs && s->runs[s->n_runs - 1].hi + s->step == ts) {
        s->runs[s->n_runs - 1].hi = ts;
        return 0;
    }
    ptrdiff_t i = s->n_runs ? last_le(&s->runs[0].lo, s->n_runs, 2, ts) : -1;
    if (i >= 0 && ts <= s->runs[i].hi) return 0;
    size_t next = (size_t)(i + 1);
    int joins_prev = i >= 0 && s->runs[i].hi + s->step == ts;
    int joins_next = next < s->n_runs && s->runs[next].lo - s->step == ts;
    if (joins_prev && joins_next) {
        s->runs[i].hi = s->runs[next].hi;
        memmove(s->runs + next, s->runs + next + 1, (s->n_runs - next - 1) * sizeof *s->runs);
        s->n_runs--;
    } else if (joins_prev) {
        s->runs[i].hi = ts;
    } else if (joins_next) {
        s->runs[next].lo = ts;
    } else {
        if (s->n_runs == s->cap_runs) {
            dint_run *nr = dint_grow(s->runs, &s->cap_runs, 64, sizeof *s->runs);
            if (!nr) return -1;
            s->runs = nr;
        }
        memmove(s->runs + next + 1, s->runs + next, (s->n_runs - next) * sizeof *s->runs);
        s->runs[next].lo = s->runs[next].hi = ts;
        s->n_runs++;
    }
    return 0;
}
