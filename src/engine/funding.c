/* Coverage of a funding-rate series: which funding times of a run have no
 * rate (stored rates often start long after the bars do), and the series
 * completed with a constant rate there. The CLI reports the spans and
 * applies the configured policy (funding.missing) before a run starts. */
#include <stdlib.h>
#include "proratio/engine.h"

static int64_t grid_iv(const pr_funding *fd) { return fd->interval_ms > 0 ? fd->interval_ms : 8 * PR_MS_PER_HOUR; }

static int64_t first_at_or_after(int64_t t, int64_t iv) {
    int64_t q = t / iv * iv;
    return q < t ? q + iv : q;
}

/* Calls visit(ctx, g) for each uncovered funding time g in [from, to), in
 * order: a time on the interval's grid with no rate within half an interval
 * of it (venues stamp settlements a few ms late). */
static void walk_uncovered(const pr_funding *fd, int64_t from, int64_t to, void (*visit)(void *, int64_t),
                           void *ctx) {
    int64_t iv = grid_iv(fd), half = iv / 2;
    size_t j = 0;
    for (int64_t g = first_at_or_after(from, iv); g < to; g += iv) {
        while (j < fd->n && fd->ts[j] < g - half) j++;
        if (j < fd->n && fd->ts[j] < g + half) continue;
        visit(ctx, g);
    }
}

typedef struct gap_acc {
    int64_t iv;
    pr_funding_gap *out;
    size_t cap, n_spans, n_missing;
    pr_funding_gap cur;
    int open;
} gap_acc;

static void gap_flush(gap_acc *a) {
    if (!a->open) return;
    if (a->n_spans < a->cap) a->out[a->n_spans] = a->cur;
    a->n_spans++;
    a->open = 0;
}

static void gap_visit(void *ctx, int64_t g) {
    gap_acc *a = ctx;
    a->n_missing++;
    if (a->open && g == a->cur.last + a->iv) {
        a->cur.last = g;
        a->cur.n++;
        return;
    }
    gap_flush(a);
    a->cur = (pr_funding_gap){g, g, 1};
    a->open = 1;
}

int pr_funding_gaps(const pr_funding *fd, int64_t from, int64_t to, pr_funding_gap *out, size_t cap,
                    size_t *n_spans, size_t *n_missing) {
    if (!fd || (fd->n && !fd->ts) || (cap && !out)) return PR_EINVAL;
    gap_acc a = {.iv = grid_iv(fd), .out = out, .cap = cap};
    walk_uncovered(fd, from, to, gap_visit, &a);
    gap_flush(&a);
    if (n_spans) *n_spans = a.n_spans;
    if (n_missing) *n_missing = a.n_missing;
    return PR_OK;
}

typedef struct fill_acc {
    int64_t *ts;
    size_t n;
} fill_acc;

static void fill_visit(void *ctx, int64_t g) {
    fill_acc *a = ctx;
    a->ts[a->n++] = g;
}

int pr_funding_fill(const pr_funding *fd, int64_t from, int64_t to, double rate, int64_t **ts, double **rates,
                    size_t *n, pr_err *err) {
    if (!fd || (fd->n && (!fd->ts || !fd->rate)) || !ts || !rates || !n)
        return pr_err_set(err, PR_EINVAL, "pr_funding_fill: NULL argument");
    *ts = NULL;
    *rates = NULL;
    *n = 0;
    size_t missing = 0;
    pr_funding_gaps(fd, from, to, NULL, 0, NULL, &missing);
    size_t total = fd->n + missing;
    int64_t *g = malloc((missing ? missing : 1) * sizeof *g);
    int64_t *ot = malloc((total ? total : 1) * sizeof *ot);
    double *orate = malloc((total ? total : 1) * sizeof *orate);
    if (!g || !ot || !orate) {
        free(g);
        free(ot);
        free(orate);
        return pr_err_set(err, PR_ENOMEM, "funding: out of memory");
    }
    fill_acc a = {g, 0};
    walk_uncovered(fd, from, to, fill_visit, &a);
    /* Merge: the series' times and the filled ones, in time order. */
    size_t i = 0, k = 0, o = 0;
    while (i < fd->n || k < a.n) {
        if (k == a.n || (i < fd->n && fd->ts[i] <= g[k])) {
            ot[o] = fd->ts[i];
            orate[o++] = fd->rate[i++];
        } else {
            ot[o] = g[k++];
            orate[o++] = rate;
        }
    }
    free(g);
    *ts = ot;
    *rates = orate;
    *n = o;
    return PR_OK;
}
