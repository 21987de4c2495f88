/* Helpers shared by the ai module's tests: reading the trimmed fixtures in
 * tests/ai/fixtures, and starting / scripting / stopping the fake provider
 * server (tests/ai/fake_llm_server.py, run with /usr/bin/python3). */
#ifndef PR_AI_TEST_H
#define PR_AI_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>

#include "pr_test.h"
#include "proratio/ai.h"

/* Whole file (NUL-terminated, malloc'd); *len may be NULL. NULL when missing. */
static inline char *ai_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (n + 4096 > cap) b = realloc(b, cap *= 2);
        size_t r = fread(b + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

/* tests/ai/fixtures/<rel> */
static inline char *ai_fixture(const char *rel, size_t *len) {
    char p[1024], full[1100];
    snprintf(p, sizeof p, "tests/ai/fixtures/%s", rel);
    char *b = ai_read_file(pr_test_path(p, full, sizeof full), len);
    if (!b) fail_msg("missing fixture %s", rel);
    return b;
}

static inline json_t *ai_fixture_json(const char *rel) {
    char *b = ai_fixture(rel, NULL);
    json_error_t e;
    json_t *j = json_loads(b, 0, &e);
    free(b);
    if (!j) fail_msg("fixture %s: %s", rel, e.text);
    return j;
}

/* The assistant text inside a fixture response (OpenAI-style choices[0].message.content,
 * Anthropic content[0].text or Gemini candidates[0].content.parts[0].text). */
static inline char *ai_fixture_content(const char *rel) {
    json_t *j = ai_fixture_json(rel);
    const char *s = NULL;
    json_t *v;
    if ((v = json_object_get(j, "choices")))
        s = json_string_value(json_object_get(json_object_get(json_array_get(v, 0), "message"), "content"));
    else if ((v = json_object_get(j, "candidates")))
        s = json_string_value(json_object_get(
            json_array_get(json_object_get(json_object_get(json_array_get(v, 0), "content"), "parts"), 0),
            "text"));
    else if ((v = json_object_get(j, "content")))
        s = json_string_value(json_object_get(json_array_get(v, 0), "text"));
    char *out = strdup(s ? s : "");
    json_decref(j);
    return out;
}

/* 1 when `needle` occurs in the n bytes at `hay`. */
static inline int ai_contains(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; m && i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Fake provider server                                                      */
/* ------------------------------------------------------------------------ */
typedef struct ai_server {
    pid_t pid;
    int port;
    char base[64];      /* "http://127.0.0.1:PORT" */
    char dir[512];      /* scratch dir holding the port file */
} ai_server;

#define AI_PYTHON "/usr/bin/python3"

/* Starts the server; returns 0, or -1 (and the caller skips) when python is absent. */
static inline int ai_server_start(ai_server *s) {
    memset(s, 0, sizeof *s);
    if (access(AI_PYTHON, X_OK) != 0) return -1;
    if (!pr_test_tmpdir(s->dir, sizeof s->dir)) return -1;
    char script[1024], fixtures[1024], portfile[700];
    pr_test_path("tests/ai/fake_llm_server.py", script, sizeof script);
    pr_test_path("tests/ai/fixtures", fixtures, sizeof fixtures);
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execl(AI_PYTHON, AI_PYTHON, script, "--fixtures", fixtures, "--port-file", portfile, (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 500; i++) { /* up to 10 s */
        FILE *f = fopen(portfile, "r");
        if (f) {
            int port = 0;
            int ok = fscanf(f, "%d", &port) == 1;
            fclose(f);
            if (ok && port > 0) {
                s->port = port;
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

static inline void ai_server_stop(ai_server *s) {
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    char p[700];
    snprintf(p, sizeof p, "%s/port", s->dir);
    unlink(p);
    rmdir(s->dir);
}

typedef struct ai_buf {
    char *p;
    size_t n;
} ai_buf;

static inline size_t ai_buf_write(char *ptr, size_t size, size_t nmemb, void *ud) {
    ai_buf *b = ud;
    size_t m = size * nmemb;
    b->p = realloc(b->p, b->n + m + 1);
    memcpy(b->p + b->n, ptr, m);
    b->n += m;
    b->p[b->n] = '\0';
    return m;
}

/* POST/GET to a control endpoint of the server; returns the body (malloc'd). */
static inline char *ai_server_control(const ai_server *s, const char *path, const char *body) {
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    ai_buf b = {NULL, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ai_buf_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) fail_msg("control %s: %s", path, curl_easy_strerror(rc));
    if (!b.p) b.p = strdup("");
    return b.p;
}

/* Queues responses: a JSON array of steps, e.g.
 *   [{"fixture":"openai/err_500"},{"fixture":"openai/chat_json_schema_ok"}]
 * A step may instead give "status", "headers", "body" (inline text), and
 * "delay" (seconds before answering) or "drop" (send only that many body
 * bytes of a full Content-Length, then close). Clears recorded requests. */
static inline void ai_server_script(const ai_server *s, const char *steps_json) {
    char *r = ai_server_control(s, "/__script", steps_json);
    if (strncmp(r, "ok", 2) != 0) fail_msg("script rejected: %s", r);
    free(r);
}

/* Recorded requests since the last script: a JSON array of
 * {"method","path","query","headers":{lower-case name: value},"body"}. */
static inline json_t *ai_server_requests(const ai_server *s) {
    char *r = ai_server_control(s, "/__requests", NULL);
    json_error_t e;
    json_t *j = json_loads(r, 0, &e);
    free(r);
    if (!j) fail_msg("requests: %s", e.text);
    return j;
}

/* ------------------------------------------------------------------------ */
/* In-process fake network + clock for the hooks (no server needed)          */
/* ------------------------------------------------------------------------ */
typedef struct ai_resp {
    int status;
    const char *body;        /* NULL with a transport failure              */
    pr_llm_fail transport;   /* PR_LLM_OK: an HTTP answer                   */
} ai_resp;

typedef struct ai_route {
    const char *prefix;      /* URL prefix this route answers               */
    ai_resp r[16];
    size_t n, pos;           /* the last response repeats once used up      */
    size_t sends;
} ai_route;

typedef struct ai_env {
    int64_t mono, wall;      /* wall: ms UTC at mono 0                       */
    size_t sleeps;
    ai_route route[8];
    size_t n_routes;
    size_t sends;
    int key_seen;            /* the transport got a non-empty key            */
    int key_in_body;         /* the key showed up in a body or URL (a bug)   */
    const char *key;
} ai_env;

static inline int64_t ai_env_mono(void *ctx) { return ((ai_env *)ctx)->mono; }
static inline int64_t ai_env_wall(void *ctx) { return ((ai_env *)ctx)->wall + ((ai_env *)ctx)->mono; }
static inline void ai_env_sleep(void *ctx, int64_t ms) {
    ai_env *e = ctx;
    e->mono += ms;
    e->sleeps++;
}

static inline int ai_env_send(void *ctx, const pr_llm_http *rq, const char *key, double timeout_s,
                              pr_llm_http_response *out) {
    (void)timeout_s;
    ai_env *e = ctx;
    memset(out, 0, sizeof *out);
    e->sends++;
    if (key && *key) e->key_seen = 1;
    if (e->key && (strstr(rq->body, e->key) || strstr(rq->url, e->key))) e->key_in_body = 1;
    for (size_t i = 0; i < e->n_routes; i++) {
        ai_route *rt = &e->route[i];
        if (strncmp(rq->url, rt->prefix, strlen(rt->prefix)) != 0) continue;
        rt->sends++;
        const ai_resp *r = &rt->r[rt->pos < rt->n ? rt->pos : rt->n - 1];
        if (rt->pos < rt->n) rt->pos++;
        out->transport = r->transport;
        if (r->transport != PR_LLM_OK) {
            strcpy(out->error, "fake transport failure");
            out->body = strdup("");
            return 0;
        }
        out->status = r->status;
        out->body = strdup(r->body ? r->body : "");
        out->body_len = strlen(out->body);
        return 0;
    }
    out->transport = PR_LLM_FAIL_CONNECT;
    strcpy(out->error, "no route");
    out->body = strdup("");
    return 0;
}

static inline pr_llm_hooks ai_env_hooks(ai_env *e) {
    pr_llm_hooks h = {ai_env_mono, ai_env_wall, ai_env_sleep, ai_env_send, e, 1};
    return h;
}

/* An OpenAI chat completion whose content is `content` (malloc'd JSON). */
static inline char *ai_openai_body(const char *content) {
    json_t *j = json_pack("{s:s,s:[{s:i,s:{s:s,s:s},s:s}],s:{s:i,s:i}}", "model", "gpt-test", "choices", "index", 0,
                          "message", "role", "assistant", "content", content, "finish_reason", "stop", "usage",
                          "prompt_tokens", 1000, "completion_tokens", 200);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

#endif
