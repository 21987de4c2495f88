/* The provider fuzz harness (see fuzz_provider.h). Beyond memory safety and
 * UB it checks what llm.h promises about the result: a failure has a reason
 * and a status, success has text and a verdict, and the key never appears in
 * the reason, the stored response body or the error message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proratio/ai.h"
#include "fuzz.h"
#include "fuzz_provider.h"

typedef struct fake_reply {
    pr_llm_http_response head; /* status, transport and headers; body below */
    const uint8_t *body;
    size_t body_len;
} fake_reply;

static int64_t fake_clock(void *ctx) {
    (void)ctx;
    return 1700000000000; /* fixed: no waits, deterministic */
}

static void fake_sleep(void *ctx, int64_t ms) {
    (void)ctx;
    (void)ms;
}

static int fake_send(void *ctx, const pr_llm_http *rq, const char *key, double timeout_s,
                     pr_llm_http_response *out) {
    (void)rq;
    (void)key;
    (void)timeout_s;
    const fake_reply *f = ctx;
    *out = f->head;
    out->body = malloc(f->body_len + 1);
    if (!out->body) {
        out->transport = PR_LLM_FAIL_TRANSPORT;
        return 0;
    }
    memcpy(out->body, f->body, f->body_len);
    out->body[f->body_len] = '\0';
    out->body_len = f->body_len;
    return 0;
}

/* Next line of [*p, end) without its line end; 0 at the end of the input. */
static int next_line(const uint8_t **p, const uint8_t *end, const char **line, size_t *n) {
    if (*p >= end) return 0;
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    const uint8_t *stop = nl ? nl : end;
    *line = (const char *)*p;
    *n = (size_t)(stop - *p);
    if (*n && (*line)[*n - 1] == '\r') (*n)--;
    *p = nl ? nl + 1 : end;
    return 1;
}

static void copy_value(char *dst, size_t cap, const char *v, size_t n) {
    if (n >= cap) n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

/* Reads the optional status line and headers into f and *q. */
static void parse_head(const uint8_t *data, size_t size, fake_reply *f, pr_llm_question *q) {
    memset(f, 0, sizeof *f);
    f->head.status = 200;
    f->head.latency_ms = 5;
    f->body = data;
    f->body_len = size;
    if (size < 5 || memcmp(data, "HTTP/", 5) != 0) return;
    const uint8_t *p = data, *end = data + size;
    const char *line;
    size_t n;
    next_line(&p, end, &line, &n);
    const char *sp = memchr(line, ' ', n);
    if (sp) {
        int st = 0;
        for (const char *c = sp + 1; c < line + n && *c >= '0' && *c <= '9' && st < 1000; c++) st = st * 10 + (*c - '0');
        f->head.status = st;
    }
    while (next_line(&p, end, &line, &n) && n > 0) {
        const char *colon = memchr(line, ':', n);
        if (!colon) continue;
        size_t kn = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vn = n - kn - 1;
        while (vn && *v == ' ') v++, vn--;
        char val[64];
        copy_value(val, sizeof val, v, vn);
#define IS(name) (kn == sizeof name - 1 && strncasecmp(line, name, kn) == 0)
        if (IS("retry-after")) copy_value(f->head.retry_after, sizeof f->head.retry_after, v, vn);
        else if (IS("retry-after-ms")) copy_value(f->head.retry_after_ms, sizeof f->head.retry_after_ms, v, vn);
        else if (IS("x-should-retry")) copy_value(f->head.should_retry, sizeof f->head.should_retry, v, vn);
        else if (IS("x-ratelimit-reset")) copy_value(f->head.ratelimit_reset, sizeof f->head.ratelimit_reset, v, vn);
        else if (IS("x-pr-question")) pr_llm_question_parse(val, q);
        else if (IS("x-pr-transport")) {
            pr_llm_fail t;
            if (pr_llm_fail_parse(val, &t) == PR_OK && t != PR_LLM_OK) {
                f->head.transport = t;
                copy_value(f->head.error, sizeof f->head.error, v, vn);
            }
        }
#undef IS
    }
    f->body = p;
    f->body_len = (size_t)(end - p);
}

static void check_no_key(const char *s, const char *where) {
    if (s && strstr(s, PR_FUZZ_API_KEY)) {
        fprintf(stderr, "API key in clear in %s: %s\n", where, s);
        PR_FUZZ_CHECK(0, "the API key is redacted");
    }
}

int pr_fuzz_provider(const char *kind, const uint8_t *data, size_t size) {
    setenv("PR_FUZZ_API_KEY", PR_FUZZ_API_KEY, 0);
    pr_llm_question q = PR_LLM_Q_CONFIRM;
    fake_reply f;
    parse_head(data, size, &f, &q);

    pr_err err;
    pr_err_clear(&err);
    pr_llm_config cfg;
    PR_FUZZ_CHECK(pr_llm_config_preset(kind, &cfg, &err) == PR_OK, "preset exists");
    pr_strlcpy(cfg.key_env, "PR_FUZZ_API_KEY", sizeof cfg.key_env);
    cfg.max_retries = 1; /* one retry: the retry path runs, the input is parsed twice */
    cfg.rate_per_min = 0;
    cfg.breaker_failures = 0;
    cfg.price_in = 3;
    cfg.price_out = 15;
    pr_llm_hooks hooks = {fake_clock, fake_clock, fake_sleep, fake_send, &f, 1};
    pr_llm *l = NULL;
    PR_FUZZ_CHECK(pr_llm_new(&cfg, &hooks, &l, &err) == PR_OK, "provider created");

    pr_llm_prompt p;
    PR_FUZZ_CHECK(pr_llm_prompt_make(q, "fuzz.v1", "You are a trading assistant.", "Confirm the trade.", &p,
                                     &err) == PR_OK,
                  "prompt made");
    pr_llm_result r;
    pr_err_clear(&err);
    int rc = pr_llm_call(l, &p, &r, &err);
    PR_FUZZ_CHECK(r.attempts >= 1 && r.attempts <= 2, "one try plus at most one retry");
    if (rc == PR_OK) {
        PR_FUZZ_CHECK(r.fail == PR_LLM_OK && r.text, "success has the model's text");
        PR_FUZZ_CHECK(r.verdict.question == q, "success has a verdict of the question");
    } else {
        PR_FUZZ_CHECK(r.fail != PR_LLM_OK && r.fail < PR_LLM_FAIL_COUNT, "failure has a class");
        PR_FUZZ_CHECK(r.status == rc && rc < 0, "failure status is the returned status");
        PR_FUZZ_CHECK(r.reason[0] != '\0', "failure has a reason");
    }
    check_no_key(r.reason, "the result's reason");
    check_no_key(r.response, "the stored response");
    check_no_key(err.msg, "the error message");
    pr_llm_result_free(&r);
    pr_llm_prompt_free(&p);
    pr_llm_free(l);
    return 0;
}
