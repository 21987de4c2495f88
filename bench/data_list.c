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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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
    double t = now_s();
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
                (double)done / (now_s() - t));
    }
    fputc('\n', stderr);
    pr_series_free(&s);
    pr_store_close(st);
    return rc == PR_OK ? 0 : -1;
}

static void time_cmd(const char *label, char *const argv[], int runs) {
    double *v = calloc((size_t)runs, sizeof *v);
    if (!v) return;
    int ok = 1;
    for (int r = 0; r < runs && ok; r++) {
        double t = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout)) _exit(127);
            execv(argv[0], argv);
            _exit(127);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            ok = 0;
        v[r] = now_s() - t;
    }
    if (ok) {
        qsort(v, (size_t)runs, sizeof *v, cmp_double);
        printf("  %-40s median %7.1f ms   min %7.1f ms   (%d runs)\n", label,
               v[runs / 2] * 1e3, v[0] * 1e3, runs);
    } else {
        printf("  %-40s FAILED (run it by hand: %s ...)\n", label, argv[0]);
    }
    free(v);
}

int main(int argc, char **argv) {
    size_t bars = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
    const char *path = argc > 2 ? argv[2] : "/tmp/proratio-bench-list.db";
    int runs = argc > 3 ? atoi(argv[3]) : 15;
    if (runs < 1) runs = 1;
    const char *bin = getenv("PR_BIN");
    if (!bin || !*bin) bin = "build/proratio";
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s", path);
    printf("bench_data_list: %zu 1m bars in %s, program %s\n", bars, path, bin);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        pr_err e;
        pr_err_clear(&e);
        double t = now_s();
        if (build(url, bars, &e) != 0) {
            printf("  building the store FAILED: %s\n", e.msg);
            return 0;
        }
        printf("  store built in %.1f s\n", now_s() - t);
    } else {
        printf("  reusing the existing store (delete it to rebuild)\n");
    }
    char *list[] = {(char *)bin, "data", "list", "--db", url, NULL};
    char *gaps[] = {(char *)bin, "data", "gaps", "--db", url, NULL};
    time_cmd("proratio data list", list, runs);
    time_cmd("proratio data gaps", gaps, runs);
    return 0;
}
