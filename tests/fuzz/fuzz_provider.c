/* The provider fuzz harness (see fuzz_provider.h). Beyond memory safety and
 * UB it checks what llm.h promises about the result: a failure has a reason
 * and a status, success has text and a verdict, and no part of the key that
 * could identify it (its first 8 characters or more) appears in any text
 * that came from the provider (issue #8 section 5): the reason, the error
 * message, the stored response (also JSON-unescaped), the model, the text
 * and the verdict's texts. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "proratio/ai.h"
#include "fuzz.h"
#include "fuzz_provider.h"
#include "fuzz_texts.h"

/* The key's first 8 characters: any longer prefix, the key itself included,
 * contains them. */
#define KEY_PREFIX_LEN 8

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

static void check_no_key(const char *s, void *where) {
    if (s && memmem(s, strlen(s), PR_FUZZ_API_KEY, KEY_PREFIX_LEN)) {
        fprintf(stderr, "API key (or its start) in clear in %s: %s\n", (const char *)where, s);
        PR_FUZZ_CHECK(0, "the API key is redacted");
    }
}

/* Every string of a JSON body, unescaped, and the raw body. */
static void check_no_key_json(json_t *j, const char *where) {
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_string(j)) check_no_key(json_string_value(j), (void *)where);
    else if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            check_no_key(k, (void *)where);
            check_no_key_json(v, where);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) check_no_key_json(v, where);
    }
}

static void check_response(const char *body) {
    if (!body) return;
    check_no_key(body, "the stored response");
    json_t *j = json_loads(body, JSON_DECODE_ANY, NULL);
    check_no_key_json(j, "the stored response (unescaped)");
    json_decref(j);
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
    check_no_key(err.msg, "the error message");
    check_no_key(r.model, "the model name");
    check_no_key(r.text, "the model's text");
    check_response(r.response);
    if (rc == PR_OK) pr_fuzz_verdict_texts(&r.verdict, check_no_key, "the verdict");
    pr_llm_result_free(&r);
    pr_llm_prompt_free(&p);
    pr_llm_free(l);
    return 0;
}
