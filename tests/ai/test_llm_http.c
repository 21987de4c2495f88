/* Providers over real HTTP against the fake provider server: request shape
 * on the wire (headers, body, where the key goes), retries with backoff and
 * Retry-After, non-retryable errors, timeouts, dropped connections,
 * connection refused, the circuit breaker and the rate limiter. The clock
 * and sleep are fake, so waits are checked exactly and never slept. */
#include "ai_test.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "proratio/ai.h"

#define KEY "sk-test-SECRET-7f3a9c2e5b1d4f60"
#define NOW_MS 1784116800000LL

typedef struct clk {
    int64_t mono;
    int64_t slept[64];
    int n;
} clk;

static int64_t c_mono(void *ctx) { return ((clk *)ctx)->mono; }
static int64_t c_wall(void *ctx) { return NOW_MS + ((clk *)ctx)->mono; }
static void c_sleep(void *ctx, int64_t ms) {
    clk *c = ctx;
    if (c->n < 64) c->slept[c->n++] = ms;
    c->mono += ms;
}

static ai_server g_srv;
static int g_up;

static int setup(void **st) {
    (void)st;
    g_up = ai_server_start(&g_srv) == 0;
    setenv("PR_TEST_LLM_KEY", KEY, 1);
    return 0;
}

static int teardown(void **st) {
    (void)st;
    if (g_up) ai_server_stop(&g_srv);
    return 0;
}

#define NEED_SERVER()                                                              \
    do {                                                                           \
        if (!g_up) PR_TEST_SKIP_MISSING("fake server unavailable (/usr/bin/python3)"); \
    } while (0)

static void config(const char *kind, const char *base_path, pr_llm_config *c) {
    assert_int_equal(pr_llm_config_preset(kind, c, NULL), 0);
    snprintf(c->base_url, sizeof c->base_url, "%s%s", g_srv.base, base_path);
    pr_strlcpy(c->key_env, "PR_TEST_LLM_KEY", sizeof c->key_env);
    c->timeout_s = 5;
    c->rate_per_min = 0;
    c->breaker_failures = 0; /* the breaker test turns it on */
}

static pr_llm *make(const pr_llm_config *c, clk *k) {
    pr_llm_hooks h = {c_mono, c_wall, c_sleep, NULL, k, 7};
    pr_llm *l;
    pr_err e;
    if (pr_llm_new(c, &h, &l, &e)) fail_msg("pr_llm_new: %s", e.msg);
    return l;
}

static void direction_prompt(pr_llm_prompt *p) {
    json_t *rq = ai_fixture_json("openai/request_chat_json_schema.json");
    json_t *m = json_object_get(rq, "messages");
    assert_int_equal(pr_llm_prompt_make(PR_LLM_Q_DIRECTION, "direction.v1",
                                        json_string_value(json_object_get(json_array_get(m, 0), "content")),
                                        json_string_value(json_object_get(json_array_get(m, 1), "content")), p, NULL),
                     0);
    json_decref(rq);
}

/* 1 when s holds any 8 consecutive characters of the key (a cut or
 * escaped copy leaks as much as a whole one: "sk-test-SECRET-7f" or
 * "sk\u002dtest-SECRET-..." both do). */
static int leaks(const char *s) {
    if (!s) return 0;
    const size_t kn = strlen(KEY);
    for (size_t i = 0; i + 8 <= kn; i++) {
        char part[9];
        memcpy(part, KEY + i, 8);
        part[8] = '\0';
        if (strstr(s, part)) return 1;
    }
    return 0;
}

/* The key must not appear in anything a call hands back. */
static void no_key(const pr_llm_result *r, const pr_err *e) {
    const char *parts[] = {r->request, r->response, r->text,           r->reason,
                           r->model,   r->finish,   e ? e->msg : NULL, e ? e->venue_code : NULL};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (leaks(parts[i])) fail_msg("key leaked: %s", parts[i]);
    char *v = r->fail == PR_LLM_OK ? pr_verdict_to_json(&r->verdict) : NULL;
    if (leaks(v)) fail_msg("key leaked in the verdict: %s", v);
    free(v);
}

static pr_llm_result call(pr_llm *l, int expect_rc) {
    pr_llm_prompt p;
    direction_prompt(&p);
    pr_llm_result r;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_llm_call(l, &p, &r, &e);
    if (rc != expect_rc) fail_msg("rc %d (%s) want %d: %s", rc, pr_llm_fail_name(r.fail), expect_rc, e.msg);
    no_key(&r, &e);
    pr_llm_prompt_free(&p);
    return r;
}

static json_t *request_n(size_t i) {
    json_t *a = ai_server_requests(&g_srv);
    json_t *r = json_incref(json_array_get(a, i));
    json_decref(a);
    if (!r) fail_msg("no request %zu", i);
    return r;
}

static size_t n_requests(void) {
    json_t *a = ai_server_requests(&g_srv);
    size_t n = json_array_size(a);
    json_decref(a);
    return n;
}

static const char *h(json_t *rq, const char *name) {
    return json_string_value(json_object_get(json_object_get(rq, "headers"), name));
}

static void test_wire_openai(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    c.max_tokens = 400;
    clk k = {0};
    pr_llm *l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/chat_json_schema_ok\"}]");
    pr_llm_result r = call(l, 0);
    assert_int_equal(r.fail, PR_LLM_OK);
    assert_int_equal(r.verdict.u.direction.direction, PR_LLM_BULLISH);
    assert_true(r.verdict.u.direction.confidence == 0.72);
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.http_status, 200);
    assert_int_equal(r.tokens_in, 231);
    assert_int_equal(r.tokens_out, 96);
    assert_string_equal(r.model, "gpt-4o-mini-2024-07-18");
    assert_int_equal(k.n, 0);
    json_t *rq = request_n(0);
    assert_string_equal(json_string_value(json_object_get(rq, "path")), "/v1/chat/completions");
    assert_string_equal(h(rq, "authorization"), "Bearer " KEY);
    assert_string_equal(h(rq, "content-type"), "application/json");
    /* The body on the wire is the fixture's request body, without the key. */
    json_t *got = json_loads(json_string_value(json_object_get(rq, "body")), 0, NULL);
    json_t *want = ai_fixture_json("openai/request_chat_json_schema.json");
    assert_true(json_equal(got, want));
    assert_null(strstr(json_string_value(json_object_get(rq, "body")), KEY));
    json_decref(got);
    json_decref(want);
    json_decref(rq);
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

static void test_wire_anthropic_gemini(void **st) {
    (void)st;
    NEED_SERVER();
    clk k = {0};
    pr_llm_config c;
    config("anthropic", "/v1", &c);
    pr_llm *l = make(&c, &k);
    /* The fenced answer is accepted; the cut-off one is not. */
    ai_server_script(&g_srv, "[{\"fixture\":\"anthropic/messages_fenced_json\"},{\"fixture\":\"anthropic/messages_max_tokens\"}]");
    pr_llm_result r = call(l, 0);
    assert_int_equal(r.verdict.u.direction.direction, PR_LLM_BEARISH);
    pr_llm_result_free(&r);
    r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_TRUNCATED);
    assert_int_equal(r.attempts, 1);
    pr_llm_result_free(&r);
    json_t *rq = request_n(0);
    assert_string_equal(json_string_value(json_object_get(rq, "path")), "/v1/messages");
    assert_string_equal(h(rq, "x-api-key"), KEY);
    assert_string_equal(h(rq, "anthropic-version"), "2023-06-01");
    assert_null(h(rq, "authorization"));
    json_decref(rq);
    pr_llm_free(l);

    config("gemini", "/v1beta", &c);
    l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"fixture\":\"gemini/generate_ok\"},{\"fixture\":\"gemini/generate_prompt_blocked\"}]");
    r = call(l, 0);
    assert_int_equal(r.verdict.u.direction.direction, PR_LLM_NEUTRAL);
    assert_int_equal(r.tokens_out, 396);
    pr_llm_result_free(&r);
    r = call(l, PR_EVENUE);
    assert_int_equal(r.fail, PR_LLM_FAIL_SAFETY);
    assert_non_null(strstr(r.reason, "SAFETY"));
    pr_llm_result_free(&r);
    rq = request_n(0);
    assert_string_equal(json_string_value(json_object_get(rq, "path")), "/v1beta/models/gemini-2.5-flash:generateContent");
    assert_string_equal(json_string_value(json_object_get(rq, "query")), "");
    assert_string_equal(h(rq, "x-goog-api-key"), KEY);
    json_decref(rq);
    pr_llm_free(l);
}

static void test_retries(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    clk k = {0};
    pr_llm *l = make(&c, &k);
    /* 500 then OK: one backoff wait. base 0.5 s, attempt 0: 500 ms * (0.5 + 0.5 u),
     * u = the first uniform of the seed-7 RNG. */
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/err_500\"},{\"fixture\":\"openai/chat_json_schema_ok\"}]");
    pr_llm_result r = call(l, 0);
    assert_int_equal(r.attempts, 2);
    pr_rng rng;
    pr_rng_seed(&rng, 7);
    double u = pr_rng_uniform(&rng);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.slept[0], llround(500 * (0.5 + 0.5 * u)));
    pr_llm_result_free(&r);

    /* 429 with Retry-After: 1 -> waits exactly 1000 ms. */
    k.n = 0;
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/err_429_rate_limit\"},{\"fixture\":\"openai/chat_json_object_ok\"}]");
    r = call(l, 0);
    assert_int_equal(r.attempts, 2);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.slept[0], 1000);
    pr_llm_result_free(&r);

    /* Retry-After as an HTTP date 3 s after the fake wall clock. */
    k.n = 0;
    char script[512];
    int64_t wall = NOW_MS + k.mono;
    int64_t days = wall / 86400000, rem = wall % 86400000;
    int y;
    unsigned mo, d;
    pr_civil_from_days(days, &y, &mo, &d);
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t at = rem / 1000 + 3 + ((rem % 1000) ? 1 : 0);
    snprintf(script, sizeof script,
             "[{\"status\":503,\"headers\":{\"Retry-After\":\"%s, %02u %s %d %02d:%02d:%02d GMT\"},\"body\":\"{}\"},"
             "{\"fixture\":\"openai/chat_json_schema_ok\"}]",
             wd[pr_weekday(wall)], d, mn[mo - 1], y, (int)(at / 3600), (int)(at / 60 % 60), (int)(at % 60));
    ai_server_script(&g_srv, script);
    r = call(l, 0);
    assert_int_equal(k.n, 1);
    assert_true(k.slept[0] >= 3000 && k.slept[0] <= 4000);
    pr_llm_result_free(&r);

    /* Exhausted: 3 attempts (max_retries 2), backoff 500 then 1000 ms with jitter. */
    k.n = 0;
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/err_500\",\"repeat\":3}]");
    r = call(l, PR_EHTTP);
    assert_int_equal(r.fail, PR_LLM_FAIL_SERVER);
    assert_int_equal(r.attempts, 3);
    assert_int_equal(r.http_status, 500);
    assert_int_equal(k.n, 2);
    assert_true(k.slept[0] >= 250 && k.slept[0] <= 500);
    assert_true(k.slept[1] >= 500 && k.slept[1] <= 1000);
    pr_llm_result_free(&r);

    /* Not retried: quota 429, 401, 400. */
    const char *once[] = {"openai/err_429_quota", "openai/err_401", "openai/err_400_temperature"};
    pr_llm_fail f[] = {PR_LLM_FAIL_QUOTA, PR_LLM_FAIL_AUTH, PR_LLM_FAIL_BAD_REQUEST};
    for (int i = 0; i < 3; i++) {
        k.n = 0;
        snprintf(script, sizeof script, "[{\"fixture\":\"%s\"},{\"fixture\":\"openai/chat_json_schema_ok\"}]", once[i]);
        ai_server_script(&g_srv, script);
        r = call(l, PR_EHTTP);
        assert_int_equal(r.fail, f[i]);
        assert_int_equal(r.attempts, 1);
        assert_int_equal(k.n, 0);
        pr_llm_result_free(&r);
    }
    pr_llm_free(l);

    /* Retry-After longer than max_retry_after_s (23 s > 10 s): give up at once. */
    config("anthropic", "/v1", &c);
    c.max_retry_after_s = 10;
    l = make(&c, &k);
    k.n = 0;
    ai_server_script(&g_srv, "[{\"fixture\":\"anthropic/err_429\"},{\"fixture\":\"anthropic/messages_ok\"}]");
    r = call(l, PR_EHTTP);
    assert_int_equal(r.fail, PR_LLM_FAIL_RATE_LIMIT);
    assert_int_equal(r.attempts, 1);
    assert_int_equal(k.n, 0);
    pr_llm_result_free(&r);
    /* 529 overloaded is retried. */
    ai_server_script(&g_srv, "[{\"fixture\":\"anthropic/err_529\"},{\"fixture\":\"anthropic/messages_ok\"}]");
    r = call(l, 0);
    assert_int_equal(r.attempts, 2);
    pr_llm_result_free(&r);
    pr_llm_free(l);

    /* x-should-retry: false stops a retry the status would allow. */
    config("openai", "/v1", &c);
    l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"status\":500,\"headers\":{\"x-should-retry\":\"false\"},\"body\":\"{}\"},"
                             "{\"fixture\":\"openai/chat_json_schema_ok\"}]");
    r = call(l, PR_EHTTP);
    assert_int_equal(r.attempts, 1);
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

static void test_transport_failures(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("deepseek", "", &c);
    c.max_retries = 0;
    c.timeout_s = 0.5;
    clk k = {0};
    pr_llm *l = make(&c, &k);
    /* Slower than the timeout. */
    ai_server_script(&g_srv, "[{\"fixture\":\"deepseek/chat_json_object_ok\",\"delay\":2}]");
    pr_llm_result r = call(l, PR_ETIMEOUT);
    assert_int_equal(r.fail, PR_LLM_FAIL_TIMEOUT);
    pr_llm_result_free(&r);
    /* Connection dropped mid-body (Content-Length announced, 120 bytes sent). */
    ai_server_script(&g_srv, "[{\"fixture\":\"deepseek/chat_json_object_ok\",\"drop\":120}]");
    r = call(l, PR_EIO);
    assert_int_equal(r.fail, PR_LLM_FAIL_DROPPED);
    pr_llm_result_free(&r);
    /* Closed without an answer. */
    ai_server_script(&g_srv, "[{\"close\":true}]");
    r = call(l, PR_EIO);
    assert_int_equal(r.fail, PR_LLM_FAIL_DROPPED);
    pr_llm_result_free(&r);
    /* Truncated fixture sent whole: a malformed body. */
    ai_server_script(&g_srv, "[{\"fixture\":\"deepseek/truncated_body\"}]");
    r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_MALFORMED);
    pr_llm_result_free(&r);
    /* Keep-alive blank lines before the body are fine; empty content is not. */
    ai_server_script(&g_srv, "[{\"fixture\":\"deepseek/chat_keepalive_prefix\"},{\"fixture\":\"deepseek/chat_empty_content\"}]");
    r = call(l, 0);
    assert_true(r.verdict.u.direction.confidence == 0.58);
    pr_llm_result_free(&r);
    r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_EMPTY);
    pr_llm_result_free(&r);
    /* A drop is retried when retries are allowed. */
    pr_llm_free(l);
    c.max_retries = 1;
    l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"fixture\":\"deepseek/chat_json_object_ok\",\"drop\":50},{\"fixture\":\"deepseek/chat_json_object_ok\"}]");
    r = call(l, 0);
    assert_int_equal(r.attempts, 2);
    pr_llm_result_free(&r);
    pr_llm_free(l);

    /* Connection refused: a port nobody listens on. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &al);
    close(s);
    snprintf(c.base_url, sizeof c.base_url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    c.max_retries = 0;
    l = make(&c, &k);
    r = call(l, PR_EIO);
    assert_int_equal(r.fail, PR_LLM_FAIL_CONNECT);
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

static void test_verdict_rejections(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    clk k = {0};
    pr_llm *l = make(&c, &k);
    ai_server_script(&g_srv,
        "[{\"status\":200,\"body\":\"{\\\"choices\\\":[{\\\"message\\\":{\\\"content\\\":\\\"Sure! {\\\\\\\"direction\\\\\\\":\\\\\\\"bullish\\\\\\\"}\\\"},\\\"finish_reason\\\":\\\"stop\\\"}]}\"},"
        "{\"fixture\":\"openai/chat_finish_length\"},{\"fixture\":\"openrouter/chat_error_in_200\",\"repeat\":3}]");
    pr_llm_result r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_VERDICT);
    assert_int_equal(r.reject, PR_VERDICT_EXTRA_TEXT);
    assert_int_equal(r.attempts, 1); /* a bad answer is not retried */
    assert_non_null(strstr(r.reason, "extra_text"));
    pr_llm_result_free(&r);
    r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_TRUNCATED);
    pr_llm_result_free(&r);
    /* An error inside HTTP 200 (upstream 502) is retried, then fails. */
    r = call(l, PR_EVENUE);
    assert_int_equal(r.fail, PR_LLM_FAIL_PROVIDER_ERROR);
    assert_int_equal(r.attempts, 3);
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

static void test_circuit_breaker(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    c.max_retries = 0;
    c.breaker_failures = 2;
    c.breaker_cooldown_s = 60;
    clk k = {0};
    pr_llm *l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/err_500\",\"repeat\":2},{\"fixture\":\"openai/chat_json_schema_ok\"}]");
    pr_llm_result r = call(l, PR_EHTTP);
    pr_llm_result_free(&r);
    r = call(l, PR_EHTTP);
    pr_llm_result_free(&r);
    pr_llm_stats s;
    pr_llm_get_stats(l, &s);
    assert_int_equal(s.circuit_open, 1);
    /* Open: fails at once, nothing sent. */
    r = call(l, PR_ESTATE);
    assert_int_equal(r.fail, PR_LLM_FAIL_CIRCUIT_OPEN);
    assert_int_equal(r.attempts, 0);
    pr_llm_result_free(&r);
    assert_int_equal(n_requests(), 2);
    /* After the 60 s cooldown one trial call goes out and closes it. */
    k.mono += 60000;
    r = call(l, 0);
    pr_llm_result_free(&r);
    assert_int_equal(n_requests(), 3);
    pr_llm_get_stats(l, &s);
    assert_int_equal(s.circuit_open, 0);
    /* A content failure (truncated answer) does not count as an outage. */
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/chat_finish_length\",\"repeat\":3}]");
    for (int i = 0; i < 3; i++) {
        r = call(l, PR_EPARSE);
        pr_llm_result_free(&r);
    }
    pr_llm_get_stats(l, &s);
    assert_int_equal(s.circuit_open, 0);
    pr_llm_free(l);
}

static void test_rate_limiter(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    c.rate_per_min = 30; /* one token per 2000 ms */
    c.burst = 1;
    clk k = {0};
    pr_llm *l = make(&c, &k);
    ai_server_script(&g_srv, "[{\"fixture\":\"openai/chat_json_schema_ok\",\"repeat\":3}]");
    pr_llm_result r = call(l, 0);
    pr_llm_result_free(&r);
    assert_int_equal(k.n, 0);
    r = call(l, 0);
    pr_llm_result_free(&r);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.slept[0], 2000);
    k.mono += 5000; /* a full bucket again */
    r = call(l, 0);
    pr_llm_result_free(&r);
    assert_int_equal(k.n, 1);
    pr_llm_free(l);
}

/* Scripts one response: status and body (the body is JSON-quoted here). */
static void script_one(int status, const char *body) {
    json_t *step = json_pack("[{s:i,s:s}]", "status", status, "body", body);
    char *txt = json_dumps(step, JSON_COMPACT);
    ai_server_script(&g_srv, txt);
    free(txt);
    json_decref(step);
}

static char *xs(size_t n) {
    char *b = malloc(n + 1);
    memset(b, 'x', n);
    b[n] = '\0';
    return b;
}

/* Issue #8: a provider's error message was copied into a 256-byte buffer
 * before redaction, so 240 'x' then the key printed and stored the key's
 * first 15 characters. Every API, and a key the provider cut itself. */
static void test_key_in_error_message(void **st) {
    (void)st;
    NEED_SERVER();
    static const struct {
        const char *kind, *base, *fmt;
    } api[] = {
        {"openai", "/v1", "{\"error\":{\"message\":\"%s\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"},
        {"anthropic", "/v1", "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"%s\"}}"},
        {"gemini", "/v1beta", "{\"error\":{\"code\":401,\"message\":\"%s\",\"status\":\"UNAUTHENTICATED\"}}"},
    };
    char *pad = xs(240), *long_pad = xs(300);
    /* whole key after 240 bytes; the key cut by the provider (17 of 31
     * characters) at the end; the key after more than the buffer holds */
    char msgs[3][512];
    snprintf(msgs[0], sizeof msgs[0], "%s" KEY, pad);
    snprintf(msgs[1], sizeof msgs[1], "Incorrect API key provided: %.17s", KEY);
    snprintf(msgs[2], sizeof msgs[2], "%s" KEY, long_pad);
    /* the key as the error code (printed with the error) */
    {
        pr_llm_config c;
        config("openai", "/v1", &c);
        clk k = {0};
        pr_llm *l = make(&c, &k);
        script_one(401, "{\"error\":{\"message\":\"bad key\",\"code\":\"" KEY "\"}}");
        pr_llm_result r = call(l, PR_EHTTP);
        pr_llm_result_free(&r);
        pr_llm_free(l);
    }
    for (size_t a = 0; a < 3; a++)
        for (size_t m = 0; m < 3; m++) {
            pr_llm_config c;
            config(api[a].kind, api[a].base, &c);
            clk k = {0};
            pr_llm *l = make(&c, &k);
            char body[1024];
            snprintf(body, sizeof body, api[a].fmt, msgs[m]);
            script_one(401, body);
            pr_llm_result r = call(l, PR_EHTTP); /* call() fails on any leak */
            assert_int_equal(r.fail, PR_LLM_FAIL_AUTH);
            if (m < 2) assert_non_null(strstr(r.reason, "[REDACTED]"));
            pr_llm_result_free(&r);
            pr_llm_free(l);
        }
    free(pad);
    free(long_pad);
}

/* The key with each '-' written as dash (an escape of it). */
static void escaped_key(const char *dash, char *out, size_t cap) {
    out[0] = '\0';
    for (const char *p = KEY; *p; p++) {
        size_t n = strlen(out);
        if (*p == '-') snprintf(out + n, cap - n, "%s", dash);
        else snprintf(out + n, cap - n, "%c", *p);
    }
}

/* Issue #8: a key the model echoes (raw, JSON-escaped, in the model name,
 * split across two content blocks) reached the verdict, the text and the
 * stored response in clear. */
static void test_key_in_model_output(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("openai", "/v1", &c);
    clk k = {0};
    pr_llm *l = make(&c, &k);
    /* The verdict's reasoning holds the key with its dashes escaped as
     * \u002d: one level inside the verdict JSON, two inside the body. */
    char esc[128];
    escaped_key("\\\\u002d", esc, sizeof esc);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"model\":\"gpt-4o-mini\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
             "\"{\\\"direction\\\":\\\"bullish\\\",\\\"confidence\\\":0.6,\\\"reasoning\\\":\\\"use %s\\\","
             "\\\"key_factors\\\":[\\\"" KEY "\\\"]}\"},\"finish_reason\":\"stop\"}],"
             "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}",
             esc);
    script_one(200, body);
    pr_llm_result r = call(l, 0);
    assert_int_equal(r.verdict.u.direction.direction, PR_LLM_BULLISH);
    assert_string_equal(r.verdict.u.direction.reasoning, "use [REDACTED]");
    assert_string_equal(r.verdict.u.direction.key_factors.item[0], "[REDACTED]");
    pr_llm_result_free(&r);
    /* The key as the model name, escaped once in the body. */
    char esc1[128];
    escaped_key("\\u002d", esc1, sizeof esc1);
    snprintf(body, sizeof body,
             "{\"model\":\"%s\",\"choices\":[{\"message\":{\"content\":"
             "\"{\\\"direction\\\":\\\"neutral\\\",\\\"confidence\\\":0.5,\\\"reasoning\\\":\\\"-\\\","
             "\\\"key_factors\\\":[]}\"},\"finish_reason\":\"stop\"}]}",
             esc1);
    script_one(200, body);
    r = call(l, 0);
    assert_string_equal(r.model, "[REDACTED]");
    pr_llm_result_free(&r);
    pr_llm_free(l);

    /* Anthropic: the key split across two text blocks of one answer. */
    config("anthropic", "/v1", &c);
    l = make(&c, &k);
    snprintf(body, sizeof body,
             "{\"model\":\"claude\",\"stop_reason\":\"end_turn\",\"content\":["
             "{\"type\":\"text\",\"text\":\"{\\\"direction\\\":\\\"bearish\\\",\\\"confidence\\\":0.4,"
             "\\\"reasoning\\\":\\\"%.12s\"},"
             "{\"type\":\"text\",\"text\":\"%s\\\",\\\"key_factors\\\":[]}\"}],"
             "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}",
             KEY, KEY + 12);
    script_one(200, body);
    r = call(l, 0);
    assert_int_equal(r.verdict.u.direction.direction, PR_LLM_BEARISH);
    assert_string_equal(r.verdict.u.direction.reasoning, "[REDACTED][REDACTED]");
    pr_llm_result_free(&r);
    /* A stop_reason cut to its 32-byte buffer right after 5 characters of
     * the key (7 in the body, too few to mask mid-text) is quoted in the
     * error without them. */
    script_one(200, "{\"model\":\"claude\",\"stop_reason\":\"aaaaaaaaaaaaaaaaaaaaaaaaaa sk-test more\","
                    "\"content\":[{\"type\":\"text\",\"text\":\"{}\"}]}");
    r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_MALFORMED);
    assert_non_null(strstr(r.reason, "unexpected stop_reason 'aaaaaaaaaaaaaaaaaaaaaaaaaa '"));
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

/* Issue #8: token counts were trusted; an absurd one is a protocol error
 * naming the provider, over the whole call path (not retried, no cost). */
static void test_absurd_token_counts(void **st) {
    (void)st;
    NEED_SERVER();
    pr_llm_config c;
    config("anthropic", "/v1", &c);
    c.price_in = 3;
    c.price_out = 15;
    clk k = {0};
    pr_llm *l = make(&c, &k);
    script_one(200, "{\"model\":\"claude\",\"stop_reason\":\"end_turn\",\"content\":[{\"type\":\"text\","
                    "\"text\":\"{\\\"direction\\\":\\\"neutral\\\",\\\"confidence\\\":0.5,\\\"reasoning\\\":"
                    "\\\"r\\\",\\\"key_factors\\\":[]}\"}],\"usage\":{\"input_tokens\":9223372036854775807,"
                    "\"cache_read_input_tokens\":1,\"output_tokens\":1}}");
    pr_llm_result r = call(l, PR_EPARSE);
    assert_int_equal(r.fail, PR_LLM_FAIL_MALFORMED);
    assert_int_equal(r.attempts, 1);
    assert_true(r.cost == 0);
    assert_non_null(strstr(r.reason, "anthropic"));
    assert_non_null(strstr(r.reason, "usage.input_tokens"));
    pr_llm_result_free(&r);
    pr_llm_free(l);
}

static void test_no_key(void **st) {
    (void)st;
    pr_llm_config c;
    pr_llm_config_preset("openai", &c, NULL);
    pr_strlcpy(c.key_env, "PR_TEST_UNSET_KEY_VAR", sizeof c.key_env);
    unsetenv("PR_TEST_UNSET_KEY_VAR");
    pr_llm *l = NULL;
    pr_err e;
    assert_int_equal(pr_llm_new(&c, NULL, &l, &e), PR_ENOTFOUND);
    assert_null(l);
    assert_non_null(strstr(e.msg, "PR_TEST_UNSET_KEY_VAR"));
    setenv("PR_TEST_UNSET_KEY_VAR", "", 1);
    assert_int_equal(pr_llm_new(&c, NULL, &l, &e), PR_ENOTFOUND);
    unsetenv("PR_TEST_UNSET_KEY_VAR");
    /* A local server needs none. */
    pr_llm_config_preset("local", &c, NULL);
    assert_int_equal(pr_llm_new(&c, NULL, &l, &e), 0);
    char *red = pr_llm_redact(l, "abc");
    assert_string_equal(red, "abc");
    free(red);
    pr_llm_free(l);
    /* Redaction replaces every occurrence. */
    setenv("PR_TEST_LLM_KEY", KEY, 1);
    pr_llm_config_preset("openai", &c, NULL);
    pr_strlcpy(c.key_env, "PR_TEST_LLM_KEY", sizeof c.key_env);
    assert_int_equal(pr_llm_new(&c, NULL, &l, &e), 0);
    red = pr_llm_redact(l, "x " KEY " y " KEY);
    assert_string_equal(red, "x [REDACTED] y [REDACTED]");
    free(red);
    /* Issue #8: JSON-escaped (once or inside a string in a string), a cut
     * prefix of 4+ characters at the end, 8+ anywhere, the rest of a key at
     * the start; shorter pieces and other text are left alone. */
    static const char *const cases[][2] = {
        {"k=sk\\u002dtest\\u002DSECRET\\u002d7f3a9c2e5b1d4f60.", "k=[REDACTED]."},
        {"k=\\u0073k-test-SECRET\\\\u002d7f3a9c2e5b1d4f60\\/x", "k=[REDACTED]\\/x"},
        {"key sk-t", "key [REDACTED]"},
        {"key sk-te (cut)", "key sk-te (cut)"},
        {"key sk-test-S... invalid", "key [REDACTED]... invalid"},
        {"b1d4f60 was it", "[REDACTED] was it"},
        {"sk-", "sk-"},
        {"no secret \\n here \\u00e9", "no secret \\n here \\u00e9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        red = pr_llm_redact(l, cases[i][0]);
        if (strcmp(red, cases[i][1]) != 0) fail_msg("redact '%s': got '%s' want '%s'", cases[i][0], red, cases[i][1]);
        free(red);
    }
    pr_llm_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_openai),       cmocka_unit_test(test_wire_anthropic_gemini),
        cmocka_unit_test(test_retries),           cmocka_unit_test(test_transport_failures),
        cmocka_unit_test(test_verdict_rejections), cmocka_unit_test(test_circuit_breaker),
        cmocka_unit_test(test_rate_limiter),      cmocka_unit_test(test_no_key),
        cmocka_unit_test(test_key_in_error_message), cmocka_unit_test(test_key_in_model_output),
        cmocka_unit_test(test_absurd_token_counts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
