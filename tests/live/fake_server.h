/* Shared by the venue tests (test_venue_binance.c, test_venue_oanda.c): a
 * fake venue (tests/live/fake_*.py) started as a real process on a free
 * loopback port and stopped by its PID, its control endpoints (/_faults,
 * /_log, /_orders, /_price) and a clock whose waits are recorded, not
 * slept. Include after cmocka.h and pr_test.h. */
#ifndef PR_TESTS_LIVE_FAKE_SERVER_H
#define PR_TESTS_LIVE_FAKE_SERVER_H

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PY "/usr/bin/python3"

typedef struct fake {
    pid_t pid;
    char base[64];
    char dir[512];
} fake;

/* Starts python3 script (a path under the source tree) with
 * "--port-file DIR/port" and args (NULL-terminated, at most 24), and waits
 * for the port it chose. */
static int fake_start(fake *s, const char *script_rel, const char *const *args) {
    memset(s, 0, sizeof *s);
    if (access(PY, X_OK) != 0 || !pr_test_tmpdir(s->dir, sizeof s->dir)) return -1;
    char script[1024], portfile[700];
    pr_test_path(script_rel, script, sizeof script);
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    const char *argv[32] = {PY, script, "--port-file", portfile};
    size_t n = 4;
    for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execv(PY, (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(portfile, "r");
        int port = 0;
        if (f) {
            int ok = fscanf(f, "%d", &port) == 1;
            fclose(f);
            if (ok && port > 0) {
                snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", port);
                return 0;
            }
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static void fake_stop(fake *s) {
    if (s->pid <= 0) return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    char p[600];
    snprintf(p, sizeof p, "%s/port", s->dir);
    remove(p);
    rmdir(s->dir);
    s->pid = 0;
}

typedef struct fake_buf {
    char *p;
    size_t n;
} fake_buf;

static size_t fake_sink(char *p, size_t sz, size_t nm, void *ud) {
    fake_buf *b = ud;
    b->p = realloc(b->p, b->n + sz * nm + 1);
    memcpy(b->p + b->n, p, sz * nm);
    b->n += sz * nm;
    b->p[b->n] = '\0';
    return sz * nm;
}

/* A control request (POST when body is not NULL); its JSON answer. */
static json_t *ctl(const fake *s, const char *path, const char *body) {
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    fake_buf b = {NULL, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (curl_easy_perform(c) != CURLE_OK) fail_msg("control %s failed", path);
    curl_easy_cleanup(c);
    json_t *j = json_loads(b.p ? b.p : "", 0, NULL);
    free(b.p);
    if (!j) fail_msg("control %s: no JSON", path);
    return j;
}

static void faults(const fake *s, const char *list) { json_decref(ctl(s, "/_faults", list)); }

static size_t log_len(const fake *s) {
    json_t *log = ctl(s, "/_log", NULL);
    size_t n = json_array_size(log);
    json_decref(log);
    return n;
}

/* ---- the clock: real time, waits recorded (and not slept) ---- */
typedef struct clk {
    int64_t slept[16];
    int n;
} clk;

static int64_t c_now(void *u) {
    (void)u;
    return pr_time_now_ms();
}

static void c_sleep(void *u, int64_t ms) {
    clk *c = u;
    if (c->n < 16) c->slept[c->n++] = ms;
}

/* Each test file says what must never appear in a message (its keys). */
static void no_secret(const pr_err *e);

static void place_ok(pr_venue *v, const pr_venue_order_req *q, pr_venue_order *o) {
    pr_err e;
    pr_err_clear(&e);
    if (pr_venue_place(v, q, o, &e) != 0) fail_msg("place %s: %s", q->client_id, e.msg);
}

/* A refused order: its status, with the message free of secrets. */
static int place_fails(pr_venue *v, const pr_venue_order_req *q, pr_err *e) {
    pr_venue_order o;
    pr_err_clear(e);
    int rc = pr_venue_place(v, q, &o, e);
    if (rc == 0) fail_msg("place %s succeeded", q->client_id);
    no_secret(e);
    return rc;
}
#endif
