/* Loader and comparison helpers for the TA-Lib golden reference files in
 * tests/data/golden/ (see the README there). Header-only so every ta test
 * executable can include it; include <cmocka.h> (with its prerequisites)
 * before this header.
 *
 *   pr_golden g;
 *   assert_int_equal(pr_golden_load("sma_20.csv", &g), 0);
 *   ... g.close, g.n, pr_golden_col(&g, "sma") ...
 *   pr_golden_expect_close("sma", ours, pr_golden_col(&g, "sma"), g.n, 1e-9);
 *   pr_golden_free(&g);
 *
 * With proratio/ta.h included first: pr_golden_input (the generic input over
 * the file's bars) and pr_golden_run_both (batch and streaming through the
 * table, asserted equal bit for bit).
 *
 * Empty cells (the lookback rows) load as NaN. */
#ifndef PR_TEST_GOLDEN_H
#define PR_TEST_GOLDEN_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pr_test.h"

#define PR_GOLDEN_MAX_COLS 64
#define PR_GOLDEN_NAME_MAX 32

typedef struct pr_golden {
    size_t n;                     /* data rows (3000 in every file)          */
    char **time;                  /* n time strings, "2022-01-01 00:00:00"   */
    double *open, *high, *low, *close, *volume;
    int ncols;                    /* output columns after volume             */
    char names[PR_GOLDEN_MAX_COLS][PR_GOLDEN_NAME_MAX];
    double *cols[PR_GOLDEN_MAX_COLS];
    char *text_;                  /* file contents; time strings point here  */
} pr_golden;

static inline void pr_golden_free(pr_golden *g) {
    if (!g) return;
    free(g->time);
    free(g->open); free(g->high); free(g->low); free(g->close); free(g->volume);
    for (int k = 0; k < g->ncols; k++) free(g->cols[k]);
    free(g->text_);
    memset(g, 0, sizeof *g);
}

/* Splits s at the first ',' (or end); returns the field, advances *s. */
static inline char *pr_golden_field_(char **s) {
    char *f = *s, *c = strchr(f, ',');
    if (c) { *c = '\0'; *s = c + 1; } else { *s = f + strlen(f); }
    return f;
}

static inline double pr_golden_num_(const char *f, int *bad) {
    if (*f == '\0') return NAN;
    char *end;
    double v = strtod(f, &end);
    if (*end != '\0') *bad = 1;
    return v;
}

/* Loads `file`: a bare name ("sma_20.csv") is looked up in
 * tests/data/golden/ under PR_SOURCE_DIR; a name containing '/' is used as
 * given. Returns 0, or -1 with a message on stderr. */
static inline int pr_golden_load(const char *file, pr_golden *g) {
    char path[1024];
    memset(g, 0, sizeof *g);
    if (strchr(file, '/')) snprintf(path, sizeof path, "%s", file);
    else {
        char rel[512];
        snprintf(rel, sizeof rel, "tests/data/golden/%s", file);
        pr_test_path(rel, path, sizeof path);
    }
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "golden: cannot open %s\n", path); return -1; }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    g->text_ = (char *)malloc((size_t)len + 1);
    if (!g->text_ || fread(g->text_, 1, (size_t)len, f) != (size_t)len) {
        fclose(f); pr_golden_free(g);
        fprintf(stderr, "golden: cannot read %s\n", path);
        return -1;
    }
    fclose(f);
    g->text_[len] = '\0';

    size_t lines = 0;
    for (long i = 0; i < len; i++) lines += g->text_[i] == '\n';
    if (len > 0 && g->text_[len - 1] != '\n') lines++;
    if (lines < 1) { pr_golden_free(g); fprintf(stderr, "golden: %s is empty\n", path); return -1; }
    size_t cap = lines - 1;

    /* header */
    char *p = g->text_, *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    if (nl && nl > p && nl[-1] == '\r') nl[-1] = '\0';
    char *hdr = p;
    p = nl ? nl + 1 : p + strlen(p);
    for (int k = 0; k < 6; k++) pr_golden_field_(&hdr);
    while (*hdr) {
        if (g->ncols == PR_GOLDEN_MAX_COLS) { pr_golden_free(g); fprintf(stderr, "golden: too many columns\n"); return -1; }
        snprintf(g->names[g->ncols], PR_GOLDEN_NAME_MAX, "%s", pr_golden_field_(&hdr));
        g->ncols++;
    }
    g->time = (char **)calloc(cap ? cap : 1, sizeof *g->time);
    g->open = (double *)calloc(cap ? cap : 1, sizeof(double));
    g->high = (double *)calloc(cap ? cap : 1, sizeof(double));
    g->low = (double *)calloc(cap ? cap : 1, sizeof(double));
    g->close = (double *)calloc(cap ? cap : 1, sizeof(double));
    g->volume = (double *)calloc(cap ? cap : 1, sizeof(double));
    int oom = !g->time || !g->open || !g->high || !g->low || !g->close || !g->volume;
    for (int k = 0; k < g->ncols; k++) {
        g->cols[k] = (double *)calloc(cap ? cap : 1, sizeof(double));
        oom |= !g->cols[k];
    }
    if (oom) { pr_golden_free(g); fprintf(stderr, "golden: out of memory\n"); return -1; }

    size_t row = 0;
    while (*p && row < cap) {
        nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        if (nl && nl > p && nl[-1] == '\r') nl[-1] = '\0';
        char *line = p;
        p = nl ? nl + 1 : p + strlen(p);
        if (*line == '\0') continue;
        int bad = 0;
        g->time[row] = pr_golden_field_(&line);
        g->open[row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        g->high[row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        g->low[row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        g->close[row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        g->volume[row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        for (int k = 0; k < g->ncols; k++) g->cols[k][row] = pr_golden_num_(pr_golden_field_(&line), &bad);
        if (bad) {
            fprintf(stderr, "golden: %s: bad number on data row %zu\n", path, row);
            pr_golden_free(g);
            return -1;
        }
        row++;
    }
    g->n = row;
    return 0;
}

/* Output column by name, NULL when absent. */
static inline const double *pr_golden_col(const pr_golden *g, const char *name) {
    for (int k = 0; k < g->ncols; k++)
        if (strcmp(g->names[k], name) == 0) return g->cols[k];
    return NULL;
}

/* Largest |ours - ref| / max(1, |ref|) over cells where both are numbers;
 * *nan_mismatch (may be NULL) gets the count of cells where exactly one is
 * NaN, *first_bad the first such index (or n). */
static inline double pr_golden_max_err(const double *ours, const double *ref, size_t n,
                                       size_t *nan_mismatch, size_t *first_bad) {
    double worst = 0.0;
    size_t bad = 0, first = n;
    for (size_t i = 0; i < n; i++) {
        int a = isnan(ours[i]), b = isnan(ref[i]);
        if (a || b) {
            if (a != b) { bad++; if (first == n) first = i; }
            continue;
        }
        double d = fabs(ours[i] - ref[i]);
        double s = fabs(ref[i]) > 1.0 ? fabs(ref[i]) : 1.0;
        if (d / s > worst || isnan(d)) worst = isnan(d) ? INFINITY : d / s;
    }
    if (nan_mismatch) *nan_mismatch = bad;
    if (first_bad) *first_bad = first;
    return worst;
}

/* Asserts (cmocka) |ours - ref| <= tol * max(1, |ref|) on every cell and NaN
 * in exactly the same cells. Prints the first offending cell on failure. */
static inline void pr_golden_expect_close(const char *what, const double *ours, const double *ref,
                                          size_t n, double tol) {
    if (!ref) fail_msg("%s: golden column missing", what);
    for (size_t i = 0; i < n; i++) {
        int a = isnan(ours[i]), b = isnan(ref[i]);
        if (a != b) fail_msg("%s: row %zu: ours %.17g, reference %.17g (NaN positions differ)", what, i, ours[i], ref[i]);
        if (a) continue;
        double s = fabs(ref[i]) > 1.0 ? fabs(ref[i]) : 1.0;
        if (!(fabs(ours[i] - ref[i]) <= tol * s))
            fail_msg("%s: row %zu: ours %.17g, reference %.17g, rel err %.3g > %.3g", what, i, ours[i], ref[i],
                     fabs(ours[i] - ref[i]) / s, tol);
    }
}

/* Asserts two arrays are identical bit for bit (NaN matches NaN). */
static inline void pr_golden_expect_same(const char *what, const double *a, const double *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]) && isnan(b[i])) continue;
        if (memcmp(&a[i], &b[i], sizeof(double)) != 0)
            fail_msg("%s: row %zu: %.17g vs %.17g (not bit-identical)", what, i, a[i], b[i]);
    }
}
#ifdef PRORATIO_TA_H
/* The generic input over a golden file's bars: real0 = close unless given
 * (r0, r1 may be NULL). */
static inline pr_ta_input pr_golden_input(const pr_golden *g, const double *r0, const double *r1) {
    pr_ta_input in;
    memset(&in, 0, sizeof in);
    in.n = g->n;
    in.open = g->open;
    in.high = g->high;
    in.low = g->low;
    in.close = g->close;
    in.volume = g->volume;
    in.real0 = r0 ? r0 : g->close;
    in.real1 = r1;
    return in;
}

/* Runs d in batch and streaming over `in`; asserts both agree bit for bit and
 * fills outs[k] (in->n each) with the batch result. */
static inline void pr_golden_run_both(const pr_ta_def *d, const double *params, const pr_ta_input *in,
                                      double **outs) {
    size_t n = in->n;
    double *ptrs[PR_TA_MAX_OUTPUTS];
    for (int k = 0; k < d->n_outputs; k++) ptrs[k] = outs[k];
    assert_int_equal(d->run(in, params, ptrs), PR_OK);

    void *st = NULL;
    assert_int_equal(d->stream_new(params, &st), PR_OK);
    double *sv = (double *)malloc(n * (size_t)d->n_outputs * sizeof *sv);
    assert_non_null(sv);
    for (size_t i = 0; i < n; i++) {
        pr_ta_bar b;
        memset(&b, 0, sizeof b);
        b.open = in->open[i];
        b.high = in->high[i];
        b.low = in->low[i];
        b.close = in->close[i];
        b.volume = in->volume[i];
        b.real0 = in->real0[i];
        b.real1 = in->real1 ? in->real1[i] : 0.0;
        double o[PR_TA_MAX_OUTPUTS];
        assert_int_equal(d->stream_update(st, &b, o), PR_OK);
        for (int k = 0; k < d->n_outputs; k++) sv[(size_t)k * n + i] = o[k];
    }
    d->stream_free(st);
    for (int k = 0; k < d->n_outputs; k++) {
        char what[96];
        snprintf(what, sizeof what, "%s[%s] stream vs batch", d->name, d->outputs[k]);
        pr_golden_expect_same(what, outs[k], sv + (size_t)k * n, n);
    }
    free(sv);
}
#endif
#endif
