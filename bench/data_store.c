/* Store throughput: upserts 1,000,000 in-memory 1m bars into a fresh
 * SQLite file (one transaction each, as an import does: in a single call,
 * in 64k-bar chunks, and as a dataset whose keys sort before existing
 * data), re-upserts them unchanged, reads them back by range (once, then 9
 * times into a fresh series: median and min of wall and CPU time) and reads
 * just the timestamps, printing rows/s (wall) and this process's CPU time. Runs the
 * same against PostgreSQL when PR_PG_URL is set. Always exits 0.
 *   bench_data_store [rows]          (default 1000000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of this process: on a shared machine it varies less than wall
 * time (PostgreSQL's own work runs in the server and is not counted). */
static double cpu_s(void) { return (double)clock() / CLOCKS_PER_SEC; }

static double g_cpu0;

static void report(const char *what, size_t rows, double secs) {
    double cpu = cpu_s() - g_cpu0;
    printf("  %-34s %9zu rows %7.3f s %11.0f rows/s   (cpu %6.3f s)\n", what, rows, secs,
           secs > 0 ? (double)rows / secs : 0.0, cpu);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fail(const char *what, const pr_err *e) {
    printf("  %-34s FAILED: %s\n", what, e->msg);
}

/* A random walk of n 1-minute bars. */
static int make_bars(pr_series *s, size_t n) {
    if (pr_series_init(s, n) != PR_OK) return -1;
    pr_rng r;
    pr_rng_seed(&r, 42);
    double px = 40000.0;
    const int64_t t0 = 1577836800000LL; /* 2020-01-01 */
    for (size_t i = 0; i < n; i++) {
        double o = px;
        px *= 1.0 + 0.001 * pr_rng_normal(&r);
        double c = px;
        double h = (o > c ? o : c) * (1.0 + 0.0005 * pr_rng_uniform(&r));
        double l = (o < c ? o : c) * (1.0 - 0.0005 * pr_rng_uniform(&r));
        double v = 10.0 + 100.0 * pr_rng_uniform(&r);
        pr_series_push(s, t0 + (int64_t)i * PR_MS_PER_MIN, o, h, l, c, v);
    }
    return 0;
}

static int put_all(pr_store *st, const pr_series *s, const char *sym, size_t chunk,
                   pr_store_counts *total, pr_err *e) {
    memset(total, 0, sizeof *total);
    int rc = pr_store_begin(st, e);
    for (size_t i = 0; rc == PR_OK && i < s->len; i += chunk) {
        size_t m = s->len - i < chunk ? s->len - i : chunk;
        pr_store_counts c;
        rc = pr_store_put_bars_arrays(st, "bench", sym, PR_TF_1M, s->ts + i, s->open + i,
                                      s->high + i, s->low + i, s->close + i, s->volume + i, m,
                                      &c, e);
        total->inserted += c.inserted;
        total->updated += c.updated;
        total->unchanged += c.unchanged;
    }
    if (rc == PR_OK) return pr_store_commit(st, e);
    if (pr_store_in_transaction(st)) pr_store_rollback(st, NULL);
    return rc;
}

/* What a backtest or `proratio ta` does once per dataset: all bars into a
 * fresh series (allocation and first touch included), repeated. */
static void fresh_reads(pr_store *st, const char *sym, const char *what, size_t want) {
    enum { READS = 9 };
    double rt[READS], rc[READS];
    pr_err e;
    for (int r = 0; r < READS; r++) {
        pr_series fresh;
        pr_series_init(&fresh, 0);
        double t = now_s(), c0 = cpu_s();
        int ok = pr_store_get_bars(st, "bench", sym, PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &fresh, &e) == PR_OK &&
                 fresh.len == want;
        rt[r] = ok ? now_s() - t : 1e9;
        rc[r] = ok ? cpu_s() - c0 : 1e9;
        pr_series_free(&fresh);
    }
    qsort(rt, READS, sizeof rt[0], cmp_double);
    qsort(rc, READS, sizeof rc[0], cmp_double);
    printf("  %-34s %9zu rows  median %6.1f ms (%5.1f M bars/s), min %6.1f ms; cpu median "
           "%5.1f ms, min %5.1f ms (%d reads)\n",
           what, want, rt[READS / 2] * 1e3, (double)want / rt[READS / 2] / 1e6, rt[0] * 1e3, rc[READS / 2] * 1e3,
           rc[0] * 1e3, READS);
}

static void run(const char *label, const char *url, const pr_series *bars) {
    printf("%s (%s)\n", label, url);
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    g_cpu0 = cpu_s();
    double t = now_s();
    if (pr_store_open(url, &st, &e) != PR_OK) {
        fail("open", &e);
        return;
    }
    report("open + migrate", 0, now_s() - t);
    /* Start from nothing (matters for a reused PostgreSQL database). Keys
     * sort as A_BEFORE < M1CALL < N64K: the first two loads append at the
     * end of the key space, the third lands in front of existing data. */
    const char *syms[3] = {"M1CALL", "N64K", "A_BEFORE"};
    for (int k = 0; k < 3; k++) pr_store_delete_dataset(st, "bench", syms[k], PR_TF_1M, NULL, NULL);

    pr_store_counts c;
    t = now_s();
    g_cpu0 = cpu_s();
    if (put_all(st, bars, syms[0], bars->len, &c, &e) != PR_OK) fail("upsert", &e);
    else report("upsert new, one call + commit", c.inserted, now_s() - t);

    t = now_s();
    g_cpu0 = cpu_s();
    if (put_all(st, bars, syms[1], 65536, &c, &e) != PR_OK) fail("upsert", &e);
    else report("upsert new, 64k chunks + commit", c.inserted, now_s() - t);

    t = now_s();
    g_cpu0 = cpu_s();
    if (put_all(st, bars, syms[2], 65536, &c, &e) != PR_OK) fail("upsert", &e);
    else report("upsert new, before existing keys", c.inserted, now_s() - t);

    t = now_s();
    g_cpu0 = cpu_s();
    if (put_all(st, bars, syms[0], bars->len, &c, &e) != PR_OK) fail("re-upsert", &e);
    else report("re-upsert unchanged (idempotent)", c.unchanged, now_s() - t);

    pr_series got;
    pr_series_init(&got, 0);
    t = now_s();
    g_cpu0 = cpu_s();
    if (pr_store_get_bars(st, "bench", syms[0], PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got, &e) !=
        PR_OK)
        fail("range query", &e);
    else report("range query, all bars", got.len, now_s() - t);
    if (got.len != bars->len ||
        memcmp(got.close, bars->close, bars->len * sizeof *bars->close) != 0)
        printf("  WARNING: bars read back differ from bars written\n");

    fresh_reads(st, syms[0], "read all into a fresh series", bars->len);
    /* The same server through its Unix socket (tests/data/store_pg.sh sets
     * PR_PG_SOCKET_URL): how a PostgreSQL on the same machine is usually
     * reached; TCP loopback above. */
    const char *sock = getenv("PR_PG_SOCKET_URL");
    pr_store *ss = NULL;
    if (strncmp(url, "postgres", 8) == 0 && sock && *sock && pr_store_open(sock, &ss, &e) == PR_OK) {
        fresh_reads(ss, syms[0], "the same, through the Unix socket", bars->len);
        pr_store_close(ss);
    }

    int64_t from = bars->ts[bars->len / 2], to = bars->ts[bars->len / 2 + 1440];
    t = now_s();
    g_cpu0 = cpu_s();
    int reps = 200;
    for (int i = 0; i < reps; i++)
        pr_store_get_bars(st, "bench", syms[0], PR_TF_1M, from, to, &got, &e);
    double dt = now_s() - t;
    report("range query, 1 day (x200)", got.len * (size_t)reps, dt);

    int64_t *ts = NULL;
    size_t n = 0;
    t = now_s();
    g_cpu0 = cpu_s();
    if (pr_store_get_timestamps(st, "bench", syms[0], PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &ts,
                                &n, &e) != PR_OK)
        fail("timestamps", &e);
    else report("timestamps only, all bars", n, now_s() - t);
    free(ts);
    pr_series_free(&got);
    if (strncmp(url, "postgres", 8) == 0)
        for (int k = 0; k < 3; k++)
            pr_store_delete_dataset(st, "bench", syms[k], PR_TF_1M, NULL, NULL);
    pr_store_close(st);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    if (n < 2000) n = 2000;
    pr_series bars;
    double t = now_s();
    if (make_bars(&bars, n) != 0) {
        printf("bench_data_store: out of memory\n");
        return 0;
    }
    printf("bench_data_store: %zu bars generated in %.3f s\n", n, now_s() - t);

    const char *tmp = getenv("TMPDIR");
    char dir[512], url[600], path[560];
    snprintf(dir, sizeof dir, "%s/prbench.XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(dir)) {
        snprintf(path, sizeof path, "%s/bench.db", dir);
        snprintf(url, sizeof url, "sqlite:%s", path);
        run("SQLite", url, &bars);
        struct stat sb;
        if (stat(path, &sb) == 0)
            printf("  file size %.1f MB (%.1f bytes/bar)\n", (double)sb.st_size / 1e6,
                   (double)sb.st_size / (3.0 * (double)n));
        const char *sfx[3] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", path, sfx[i]);
            unlink(p);
        }
        rmdir(dir);
    } else {
        printf("SQLite: cannot create a temporary directory\n");
    }

    const char *pg = getenv("PR_PG_URL");
    if (pg && *pg) run("PostgreSQL", pg, &bars);
    else printf("PostgreSQL: skipped (set PR_PG_URL, or run via tests/data/store_pg.sh)\n");
    pr_series_free(&bars);
    return 0;
}
