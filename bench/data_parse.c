/* Benchmark of the streaming CSV importer: writes a 1,000,000-row
 * `timestamp,open,high,low,close,volume` file (1m bars, ccxt layout) to a
 * temporary directory, imports it through a counting sink (parse + validate,
 * no storage) and prints rows per second, wall-clock and CPU. Streaming only
 * by default, so that peak memory (/usr/bin/time -v) shows the constant-
 * memory import; `--series` also times the in-memory series import.
 * The end-to-end figure (parse + validate + upsert into a fresh SQLite file in
 * one transaction, as `proratio data import` does) is printed too, and the
 * whole `proratio data import` process ($PR_BIN or build/proratio) into a
 * fresh SQLite store, median of 5.
 * Arguments: [--series] [rows]. Prints figures only; never fails on timing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proratio/core.h"
#include "proratio/data/import.h"
#include "proratio/data/store.h"
#include "whole_process.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int count_sink(void *user, const pr_series *c, const long *lines, pr_err *err) {
    (void)lines;
    (void)err;
    *(size_t *)user += c->len;
    return 0;
}

static int store_sink(void *user, const pr_series *c, const long *lines, pr_err *err) {
    (void)lines;
    return pr_store_put_bars((pr_store *)user, "bench", "BTCUSDT", PR_TF_1M, c, NULL, err);
}

/* Streams the file into a new SQLite store in one transaction; returns seconds. */
static double import_into_sqlite(const char *dir, const char *file, const pr_import_options *o, double *cpu) {
    char db[320];
    snprintf(db, sizeof db, "sqlite:%s/bench.db", dir);
    pr_store *st = NULL;
    pr_err e;
    pr_err_clear(&e);
    double t0 = now_s(), c0 = cpu_s();
    int rc = pr_store_open(db, &st, &e);
    if (rc == 0) rc = pr_store_begin(st, &e);
    if (rc == 0) rc = pr_import_csv(file, o, store_sink, st, NULL, &e);
    if (rc == 0) rc = pr_store_commit(st, &e);
    pr_store_close(st);
    double dt = now_s() - t0;
    *cpu = cpu_s() - c0;
    if (rc) fprintf(stderr, "store import failed: %s\n", e.msg);
    char path[340];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bench.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/bench.db-shm", dir);
    unlink(path);
    return dt;
}

/* Deletes a SQLite store and its WAL files (path without "sqlite:"). */
static void remove_store(void *path) {
    const char *sfx[] = {"", "-wal", "-shm"};
    char p[400];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", (const char *)path, sfx[i]);
        unlink(p);
    }
}

int main(int argc, char **argv) {
    size_t rows = 1000000;
    int series = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--series") == 0) series = 1;
        else rows = (size_t)strtoull(argv[i], NULL, 10);
    }
    const char *tmp = getenv("TMPDIR");
    char dir[256], file[300];
    snprintf(dir, sizeof dir, "%s/prbench.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 0;
    }
    snprintf(file, sizeof file, "%s/bars-1m.csv", dir);
    FILE *f = fopen(file, "w");
    if (!f) {
        perror(file);
        return 0;
    }
    /* A random walk with BTC-like prices (2 decimals) and volumes (5 decimals). */
    pr_rng rng;
    pr_rng_seed(&rng, 42);
    double price = 46216.93;
    int64_t t = INT64_C(1640995200000);
    fputs("timestamp,open,high,low,close,volume\n", f);
    for (size_t i = 0; i < rows; i++, t += PR_MS_PER_MIN) {
        double o = price, c = o * (1 + 0.001 * pr_rng_normal(&rng));
        double h = (o > c ? o : c) * (1 + 0.0005 * pr_rng_uniform(&rng));
        double l = (o < c ? o : c) * (1 - 0.0005 * pr_rng_uniform(&rng));
        double v = 1 + 40 * pr_rng_uniform(&rng);
        char tb[40];
        pr_time_format(t, tb, sizeof tb);
        fprintf(f, "%s,%.2f,%.2f,%.2f,%.2f,%.5f\n", tb, o, h, l, c, v);
        price = c;
    }
    fclose(f);

    pr_import_options o;
    pr_import_options_init(&o);
    o.calendar = PR_CAL_24X7;
    double best = 1e9, best_cpu = 1e9;
    size_t got = 0;
    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    for (int run = 0; run < 5; run++) {
        pr_err e;
        pr_err_clear(&e);
        size_t n = 0;
        double t0 = now_s(), c0 = cpu_s();
        int rc = pr_import_csv(file, &o, count_sink, &n, &rep, &e);
        double dt = now_s() - t0, dc = cpu_s() - c0;
        if (rc) fprintf(stderr, "import failed: %s\n", e.msg);
        if (dt < best) best = dt;
        if (dc < best_cpu) best_cpu = dc;
        got = n;
    }
    long long bytes = 0;
    FILE *sz = fopen(file, "rb");
    if (sz) {
        fseek(sz, 0, SEEK_END);
        bytes = ftell(sz);
        fclose(sz);
    }
    printf("data_parse: %zu rows (%.1f MB) streamed in %.1f ms wall, %.1f ms CPU (best of 5): %.2f M rows/s wall, "
           "%.2f M rows/s CPU\n",
           got, (double)bytes / 1e6, best * 1e3, best_cpu * 1e3, (double)got / best / 1e6, (double)got / best_cpu / 1e6);
    double best_store = 1e9, best_store_cpu = 1e9;
    for (int run = 0; run < 3; run++) {
        double c;
        double dt = import_into_sqlite(dir, file, &o, &c);
        if (dt < best_store) best_store = dt;
        if (c < best_store_cpu) best_store_cpu = c;
    }
    printf("data_import: %zu rows parsed and stored in SQLite in %.1f ms wall, %.1f ms CPU (best of 3): "
           "%.2f M rows/s wall, %.2f M rows/s CPU\n",
           got, best_store * 1e3, best_store_cpu * 1e3, (double)got / best_store / 1e6,
           (double)got / best_store_cpu / 1e6);
    char db[320], url[330];
    snprintf(db, sizeof db, "%s/cli.db", dir);
    snprintf(url, sizeof url, "sqlite:%s", db);
    char *imp[] = {(char *)pr_bench_program(), "data", "import", file, "--db", url, "--quiet", NULL};
    pr_bench_process("proratio data import (fresh store)", imp, 5, remove_store, db, (double)got,
                     "rows");
    remove_store(db);
    if (!series) {
        pr_data_report_free(&rep);
        unlink(file);
        rmdir(dir);
        return 0;
    }

    pr_series s = {0};
    pr_err e;
    pr_err_clear(&e);
    double t0 = now_s();
    int rc = pr_import_csv_series(file, &o, &s, &rep, &e);
    double dt = now_s() - t0;
    if (rc) fprintf(stderr, "series import failed: %s\n", e.msg);
    printf("data_parse: %zu rows into a series in %.1f ms: %.2f M rows/s\n", s.len, dt * 1e3,
           (double)s.len / dt / 1e6);
    pr_series_free(&s);
    pr_data_report_free(&rep);
    unlink(file);
    rmdir(dir);
    return 0;
}
