/* Download throughput: (1) parsing, validating and storing one 1,000-bar
 * Binance page (target < 2 ms), from an in-process venue so only the
 * client is timed: parse alone, then whole pages through pr_dl_bars into a
 * SQLite file (one transaction and import-log record each); (2) a 1-year
 * 1m backfill (525,600 bars, 526 pages) from the loopback fake venue
 * (tests/data/fake_venue.py, needs /usr/bin/python3; target < 10 s).
 * Prints figures; always exits 0.
 *   bench_data_download [pages]      (default 200 for part 1) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proratio/data.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define T0 INT64_C(1704067200000) /* 2024-01-01 */
#define MIN 60000

/* A page of 1000 rows like Binance's, prices a function of the open time. */
static char *page_body(int64_t start, int n) {
    size_t cap = (size_t)n * 200 + 16, len = 1;
    char *b = malloc(cap);
    b[0] = '[';
    for (int i = 0; i < n; i++) {
        int64_t t = start + (int64_t)i * MIN;
        double o = 40000 + (double)((t / MIN) % 977) * 0.37, c = o + 1.25;
        len += (size_t)snprintf(b + len, cap - len,
                                "%s[%lld,\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\",\"%.8f\",%lld,\"123.45600000\",42,"
                                "\"1.00000000\",\"2.00000000\",\"0\"]",
                                i ? "," : "", (long long)t, o, c + 3, o - 2, c, 1.5 + (double)(i % 7),
                                (long long)(t + MIN - 1));
    }
    b[len++] = ']';
    b[len] = '\0';
    return b;
}

static int64_t g_clock = T0 + 400 * INT64_C(86400000);
static int64_t clock_now(void *u) { (void)u; return g_clock; }
static void clock_sleep(void *u, int64_t ms) { (void)u; g_clock += ms; }

/* Pages built before the clock starts, so only the client is timed. */
static char **g_pages;
static int g_n_pages;

static int venue_get(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out) {
    (void)user;
    (void)timeout_s;
    memset(out, 0, sizeof *out);
    out->retry_after_ms = out->used_weight = out->server_ms = -1;
    const char *p = strstr(rq->url, "startTime=");
    int64_t start = p ? strtoll(p + 10, NULL, 10) : T0;
    const char *e = strstr(rq->url, "endTime=");
    int64_t end = e ? strtoll(e + 8, NULL, 10) : start;
    int n = (int)((end - start) / MIN + 1);
    if (n > 1000) n = 1000;
    if (n < 0) n = 0;
    out->status = 200;
    int64_t k = (start - T0) / (1000 * MIN);
    if (n == 1000 && (start - T0) % (1000 * MIN) == 0 && k >= 0 && k < g_n_pages) out->body = strdup(g_pages[k]);
    else out->body = page_body(start, n);
    out->len = strlen(out->body);
    return 0;
}

static void part1(int pages) {
    char *body = page_body(T0, 1000);
    size_t len = strlen(body);
    pr_series s;
    pr_series_init(&s, 1000);
    pr_err e;
    pr_err_clear(&e);
    double t = now_s();
    int reps = 500;
    for (int i = 0; i < reps; i++) {
        pr_series_clear(&s);
        pr_dl_source_binance.parse(body, len, PR_TF_1M, &s, &e);
    }
    double parse_ms = (now_s() - t) * 1000 / reps;
    pr_series_free(&s);
    free(body);
    char path[] = "/tmp/bench_dl_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    unlink(path);
    char url[64];
    snprintf(url, sizeof url, "sqlite:%s", path);
    pr_store *st = NULL;
    if (pr_store_open(url, &st, &e) != PR_OK) {
        printf("  cannot open %s: %s\n", url, e.msg);
        return;
    }
    pr_dl_options o;
    pr_dl_options_init(&o);
    o.from_ms = T0;
    o.to_ms = T0 + (int64_t)pages * 1000 * MIN;
    o.get = venue_get;
    o.clock.now_ms = clock_now;
    o.clock.sleep_ms = clock_sleep;
    pr_dl_session ss;
    pr_dl_result r;
    pr_dl_session_init(&ss, &pr_dl_source_binance, &o, &e);
    g_pages = malloc((size_t)pages * sizeof *g_pages);
    g_n_pages = pages;
    for (int i = 0; i < pages; i++) g_pages[i] = page_body(T0 + (int64_t)i * 1000 * MIN, 1000);
    double c0 = (double)clock() / CLOCKS_PER_SEC;
    t = now_s();
    int rc = pr_dl_bars(&ss, st, "BTCUSDT", PR_TF_1M, &r, &e);
    double secs = now_s() - t, cpu = (double)clock() / CLOCKS_PER_SEC - c0;
    printf("  parse one 1000-bar page                 %8.3f ms  (target for parse+store: < 2 ms)\n", parse_ms);
    printf("  parse+validate+store, %4zu pages         %8.3f ms per 1000-bar page, wall (cpu %.3f ms; %zu bars, "
           "%.0f bars/s)%s\n", r.pages, r.pages ? secs * 1000 / (double)r.pages : 0,
           r.pages ? cpu * 1000 / (double)r.pages : 0, r.inserted, secs > 0 ? (double)r.inserted / secs : 0,
           rc == PR_OK ? "" : " FAILED");
    for (int i = 0; i < pages; i++) free(g_pages[i]);
    free(g_pages);
    pr_dl_session_free(&ss);
    pr_store_close(st);
    char aux[128];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

static void part2(void) {
    const char *py = "/usr/bin/python3";
    if (access(py, X_OK) != 0 || access("tests/data/fake_venue.py", R_OK) != 0) {
        printf("  1-year 1m backfill: skipped (needs %s and the repository root as working directory)\n", py);
        return;
    }
    char dir[] = "/tmp/bench_dlv_XXXXXX";
    if (!mkdtemp(dir)) return;
    char portfile[64], now[32], db[96];
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    /* one year of closed 1m bars after 2024-01-01, and 30 s into the next */
    snprintf(now, sizeof now, "%lld", (long long)(T0 + 365 * INT64_C(86400000) + 30000));
    pid_t pid = fork();
    if (pid == 0) {
        execl(py, py, "tests/data/fake_venue.py", "--port-file", portfile, "--fixtures",
              "tests/data/fixtures/venues/binance", "--now", now, (char *)NULL);
        _exit(127);
    }
    int port = 0;
    for (int i = 0; i < 200 && port == 0; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1) port = 0;
            fclose(f);
        }
        if (!port) usleep(50000);
    }
    if (!port) {
        printf("  1-year 1m backfill: the fake venue did not start\n");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return;
    }
    snprintf(db, sizeof db, "sqlite:%s/b.db", dir);
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    if (pr_store_open(db, &st, &e) == PR_OK) {
        char base[64];
        snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
        pr_dl_options o;
        pr_dl_options_init(&o);
        o.base_url = base;
        o.from_ms = T0;
        o.weight_limit = 1000000; /* the fake venue's count is no real limit */
        pr_dl_session ss;
        pr_dl_result r;
        double t = now_s();
        int rc = pr_dl_session_init(&ss, &pr_dl_source_binance, &o, &e);
        if (rc == PR_OK) rc = pr_dl_bars(&ss, st, "BTCUSDT", PR_TF_1M, &r, &e);
        double secs = now_s() - t;
        if (rc == PR_OK)
            printf("  1-year 1m backfill from loopback       %8.3f s for %zu bars in %zu requests (target < 10 s)\n",
                   secs, r.inserted, r.requests);
        else
            printf("  1-year 1m backfill failed: %s\n", e.msg);
        pr_dl_session_free(&ss);
        pr_store_close(st);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("  (could not remove %s)\n", dir);
}

int main(int argc, char **argv) {
    int pages = argc > 1 ? atoi(argv[1]) : 200;
    if (pages < 1) pages = 200;
    printf("data download:\n");
    part1(pages);
    part2();
    return 0;
}
