/* Whole-process timing of `proratio data list` (and `data gaps` of the same
 * dataset) on a large SQLite store: builds the store once (default 10,000,000
 * 1m bars in one dataset, written in 1M-bar imports, with a missing bar
 * every 100,000), then runs the program repeatedly and prints the median and
 * minimum wall time per run. The store is kept and reused when it exists.
 * Always exits 0.
 *   bench_data_list [bars] [store path] [runs]
 * defaults: 10000000, /tmp/proratio-bench-list.db, 15; the program is $PR_BIN
 * or build/proratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proratio/core.h"
#include "proratio/data/store.h"
#include "whole_process.h"

/* Writes `total` bars in chunks of 1M, each chunk one call (one
 * transaction), as consecutive imports would. */
static int build(const char *url, size_t total, pr_err *e) {
    pr_store *st = NULL;
    if (pr_store_open(url, &st, e) != PR_OK) return -1;
    const size_t chunk = 1000000;
    pr_series s;
    if (pr_series_init(&s, chunk) != PR_OK) {
        pr_store_close(st);
        return -1;
    }
    const int64_t t0 = 1262304000000LL; /* 2010-01-01 */
    int rc = PR_OK;
    double t = pr_bench_now();
    for (size_t done = 0, k = 0; rc == PR_OK && done < total; k++) {
        size_t n = total - done < chunk ? total - done : chunk;
        s.len = 0;
        for (size_t i = 0; i < n; i++) {
            size_t j = done + i;
            double px = 100.0 + (double)(j % 1000) * 0.01;
            /* every 100,000th minute is absent: gaps for the listing to count */
            int64_t ts = t0 + (int64_t)(j + j / 100000) * PR_MS_PER_MIN;
            pr_series_push(&s, ts, px, px + 1.0, px - 1.0, px + 0.5, 10.0);
        }
        rc = pr_store_put_bars(st, "bench", "BIGUSDT", PR_TF_1M, &s, NULL, e);
        done += n;
        fprintf(stderr, "\r  building: %zu / %zu bars (%.0f bars/s)", done, total,
                (double)done / (pr_bench_now() - t));
    }
    fputc('\n', stderr);
    pr_series_free(&s);
    pr_store_close(st);
    return rc == PR_OK ? 0 : -1;
}

int main(int argc, char **argv) {
    size_t bars = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
    const char *path = argc > 2 ? argv[2] : "/tmp/proratio-bench-list.db";
    int runs = argc > 3 ? atoi(argv[3]) : 15;
    if (runs < 1) runs = 1;
    const char *bin = pr_bench_program();
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s", path);
    printf("bench_data_list: %zu 1m bars in %s, program %s\n", bars, path, bin);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        pr_err e;
        pr_err_clear(&e);
        double t = pr_bench_now();
        if (build(url, bars, &e) != 0) {
            printf("  building the store FAILED: %s\n", e.msg);
            return 0;
        }
        printf("  store built in %.1f s\n", pr_bench_now() - t);
    } else {
        /* Opened once for writing: a store left by an older build is
         * migrated here, outside the timings (read-only commands refuse an
         * older schema). */
        pr_store *st = NULL;
        pr_err e;
        pr_err_clear(&e);
        double t = pr_bench_now();
        if (pr_store_open(url, &st, &e) != PR_OK) {
            printf("  opening the existing store FAILED: %s (delete it to rebuild)\n", e.msg);
            return 0;
        }
        pr_store_close(st);
        printf("  reusing the existing store (delete it to rebuild); opened for writing in %.2f s\n",
               pr_bench_now() - t);
    }
    char *list[] = {(char *)bin, "data", "list", "--db", url, NULL};
    char *gaps[] = {(char *)bin, "data", "gaps", "--db", url, NULL};
    pr_bench_process("proratio data list", list, runs, NULL, NULL, 0, NULL);
    pr_bench_process("proratio data gaps", gaps, runs, NULL, NULL, 0, NULL);
    return 0;
}
