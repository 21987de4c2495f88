/* Provider request building and response parsing, without a network: the
 * bodies we build are compared with the fixtures' recorded request bodies,
 * and every fixture response (manifests in tests/ai/fixtures) is parsed
 * into the failure class written out in the tables below. */
#include "ai_test.h"

#include "proratio/ai.h"

static char *fixture_text(json_t *rq, const char *role) {
    /* system / user texts of an OpenAI-style request fixture */
    json_t *msgs = json_object_get(rq, "messages");
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m) if (strcmp(json_string_value(json_object_get(m, "role")), role) == 0) return strdup(
        json_string_value(json_object_get(m, "content")));
    return NULL;
}

static void prompt_from(const char *req_fixture, pr_llm_prompt *p) {
    json_t *rq = ai_fixture_json(req_fixture);
    char *sys = fixture_text(rq, "system"), *user = fixture_text(rq, "user");
    if (!sys) { /* Anthropic / Gemini request fixtures */
        json_t *s = json_object_get(rq, "system");
        if (s) sys = strdup(json_string_value(s));
        else
            sys = strdup(json_string_value(json_object_get(
                json_array_get(json_object_get(json_object_get(rq, "systemInstruction"), "parts"), 0), "text")));
    }
    if (!user) {
        json_t *c = json_array_get(json_object_get(rq, "contents"), 0);
        if (c)
            user = strdup(json_string_value(json_object_get(json_array_get(json_object_get(c, "parts"), 0), "text")));
    }
    if (!user) user = strdup(json_string_value(json_object_get(json_array_get(json_object_get(rq, "messages"), 0), "content")));
    assert_int_equal(pr_llm_prompt_make(PR_LLM_Q_DIRECTION, "direction.test", sys, user, p, NULL), 0);
    free(sys);
    free(user);
    json_decref(rq);
}

static void expect_body(const pr_llm_http *h, const char *req_fixture) {
    json_t *want = ai_fixture_json(req_fixture);
    json_error_t e;
    json_t *got = json_loads(h->body, 0, &e);
    assert_non_null(got);
    if (!json_equal(got, want)) {
        char *w = json_dumps(want, JSON_COMPACT);
        fail_msg("body differs from %s\n got: %s\nwant: %s", req_fixture, h->body, w);
    }
    json_decref(want);
    json_decref(got);
}

static int has_header(const pr_llm_http *h, const char *line) {
    for (size_t i = 0; i < h->n_headers; i++)
        if (strcmp(h->headers[i], line) == 0) return 1;
    return 0;
}

static void build(const char *kind, void (*tweak)(pr_llm_config *), const char *req_fixture, pr_llm_http *h) {
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset(kind, &c, NULL), 0);
    if (tweak) tweak(&c);
    pr_llm_prompt p;
    prompt_from(req_fixture, &p);
    pr_err e;
    assert_int_equal(pr_llm_vt_for(c.api)->build(&c, &p, h, &e), 0);
    expect_body(h, req_fixture);
    pr_llm_prompt_free(&p);
}

static void t_openai(pr_llm_config *c) { c->max_tokens = 400; }
static void t_openai_obj(pr_llm_config *c) {
    c->max_tokens = 400;
    c->json_mode = PR_LLM_JSON_OBJECT;
}
static void t_openrouter(pr_llm_config *c) {
    c->max_tokens = 400;
    pr_strlcpy(c->app_url, "https://trading-bot.example", sizeof c->app_url);
    pr_strlcpy(c->app_title, "AI Trading Assistant", sizeof c->app_title);
}
static void t_deepseek(pr_llm_config *c) { c->max_tokens = 600; }
static void t_anthropic(pr_llm_config *c) { c->max_tokens = 512; }
static void t_anthropic_schema(pr_llm_config *c) {
    c->max_tokens = 512;
    c->json_mode = PR_LLM_JSON_SCHEMA;
}

static void test_request_shapes(void **st) {
    (void)st;
    pr_llm_http h;
    build("openai", t_openai, "openai/request_chat_json_schema.json", &h);
    assert_string_equal(h.url, "https://api.openai.com/v1/chat/completions");
    assert_int_equal(h.auth, PR_LLM_AUTH_BEARER);
    assert_true(has_header(&h, "Content-Type: application/json"));
    pr_llm_http_free(&h);
    build("openai", t_openai_obj, "openai/request_chat_json_object.json", &h);
    pr_llm_http_free(&h);

    build("openrouter", t_openrouter, "openrouter/request_chat_json_schema.json", &h);
    assert_string_equal(h.url, "https://openrouter.ai/api/v1/chat/completions");
    assert_true(has_header(&h, "HTTP-Referer: https://trading-bot.example"));
    assert_true(has_header(&h, "X-Title: AI Trading Assistant"));
    pr_llm_http_free(&h);

    build("deepseek", t_deepseek, "deepseek/request_chat_json_object.json", &h);
    assert_string_equal(h.url, "https://api.deepseek.com/chat/completions");
    pr_llm_http_free(&h);

    build("anthropic", t_anthropic, "anthropic/request_messages.json", &h);
    assert_string_equal(h.url, "https://api.anthropic.com/v1/messages");
    assert_int_equal(h.auth, PR_LLM_AUTH_X_API_KEY);
    assert_true(has_header(&h, "anthropic-version: 2023-06-01"));
    assert_true(has_header(&h, "content-type: application/json"));
    pr_llm_http_free(&h);
    build("anthropic", t_anthropic_schema, "anthropic/request_messages_structured.json", &h);
    pr_llm_http_free(&h);

    build("gemini", NULL, "gemini/request_generate_content.json", &h);
    assert_string_equal(h.url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    assert_int_equal(h.auth, PR_LLM_AUTH_GOOG);
    assert_null(strchr(h.url, '?')); /* the key never goes in the URL */
    pr_llm_http_free(&h);

    /* Local server: no key, no auth header. */
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset("local", &c, NULL), 0);
    pr_llm_prompt p;
    prompt_from("openai/request_chat_json_object.json", &p);
    assert_int_equal(pr_llm_vt_for(c.api)->build(&c, &p, &h, NULL), 0);
    assert_int_equal(h.auth, PR_LLM_AUTH_NONE);
    pr_llm_http_free(&h);
    /* temperature < 0 is left out (models that reject it). */
    assert_int_equal(pr_llm_config_preset("openai", &c, NULL), 0);
    c.temperature = -1;
    assert_int_equal(pr_llm_vt_for(c.api)->build(&c, &p, &h, NULL), 0);
    assert_null(strstr(h.body, "temperature"));
    pr_llm_http_free(&h);
    /* Gemini refuses a model name that would change the URL path. */
    assert_int_equal(pr_llm_config_preset("gemini", &c, NULL), 0);
    pr_strlcpy(c.model, "x/../y?key=1", sizeof c.model);
    assert_int_equal(pr_llm_vt_for(c.api)->build(&c, &p, &h, NULL), PR_EINVAL);
    pr_llm_http_free(&h);
    pr_llm_prompt_free(&p);
    assert_int_equal(pr_llm_config_preset("nope", &c, NULL), PR_EINVAL);
}

/* ---- parsing every fixture response ------------------------------------- */
typedef struct want {
    const char *id;
    pr_llm_fail fail;
    int retryable;
    double retry_after; /* pr_llm_retry_after or the body hint; -1 none */
    long tin, tout;     /* checked when fail == OK */
} want;

static const want k_openai[] = {
    {"chat_json_schema_ok", PR_LLM_OK, 0, -1, 231, 96},
    {"chat_json_object_ok", PR_LLM_OK, 0, -1, 231, 88},
    {"chat_finish_length", PR_LLM_FAIL_TRUNCATED, 0, -1, 0, 0},
    {"err_401", PR_LLM_FAIL_AUTH, 0, -1, 0, 0},
    {"err_429_rate_limit", PR_LLM_FAIL_RATE_LIMIT, 1, 1, 0, 0},
    {"err_429_quota", PR_LLM_FAIL_QUOTA, 0, -1, 0, 0},
    {"err_400_temperature", PR_LLM_FAIL_BAD_REQUEST, 0, -1, 0, 0},
    {"err_500", PR_LLM_FAIL_SERVER, 1, -1, 0, 0},
    {"truncated_body", PR_LLM_FAIL_MALFORMED, 1, -1, 0, 0},
    {NULL, 0, 0, 0, 0, 0}};
static const want k_anthropic[] = {
    {"messages_ok", PR_LLM_OK, 0, -1, 268, 118},
    {"messages_structured_ok", PR_LLM_OK, 0, -1, 268, 118},
    {"messages_fenced_json", PR_LLM_OK, 0, -1, 268, 142},
    {"messages_max_tokens", PR_LLM_FAIL_TRUNCATED, 0, -1, 0, 0},
    {"err_401", PR_LLM_FAIL_AUTH, 0, -1, 0, 0},
    {"err_400", PR_LLM_FAIL_BAD_REQUEST, 0, -1, 0, 0},
    {"err_429", PR_LLM_FAIL_RATE_LIMIT, 1, 23, 0, 0},
    {"err_529", PR_LLM_FAIL_OVERLOADED, 1, -1, 0, 0},
    {"truncated_body", PR_LLM_FAIL_MALFORMED, 1, -1, 0, 0},
    {NULL, 0, 0, 0, 0, 0}};
static const want k_gemini[] = {
    {"generate_ok", PR_LLM_OK, 0, -1, 241, 84 + 312}, /* thinking tokens bill as output */
    {"generate_max_tokens", PR_LLM_FAIL_TRUNCATED, 0, -1, 0, 0},
    {"generate_prompt_blocked", PR_LLM_FAIL_SAFETY, 0, -1, 0, 0},
    {"err_400_key", PR_LLM_FAIL_AUTH, 0, -1, 0, 0},
    {"err_429", PR_LLM_FAIL_RATE_LIMIT, 1, 41, 0, 0},
    {"err_503", PR_LLM_FAIL_OVERLOADED, 1, -1, 0, 0},
    {"truncated_body", PR_LLM_FAIL_MALFORMED, 1, -1, 0, 0},
    {NULL, 0, 0, 0, 0, 0}};
static const want k_deepseek[] = {
    {"chat_json_object_ok", PR_LLM_OK, 0, -1, 262, 71},
    {"chat_keepalive_prefix", PR_LLM_OK, 0, -1, 262, 71},
    {"chat_empty_content", PR_LLM_FAIL_EMPTY, 0, -1, 0, 0},
    {"err_401", PR_LLM_FAIL_AUTH, 0, -1, 0, 0},
    {"err_402", PR_LLM_FAIL_QUOTA, 0, -1, 0, 0},
    {"err_429", PR_LLM_FAIL_RATE_LIMIT, 1, -1, 0, 0},
    {"err_503", PR_LLM_FAIL_OVERLOADED, 1, -1, 0, 0},
    {"truncated_body", PR_LLM_FAIL_MALFORMED, 1, -1, 0, 0},
    {NULL, 0, 0, 0, 0, 0}};
static const want k_openrouter[] = {
    {"chat_json_schema_ok", PR_LLM_OK, 0, -1, 231, 74},
    {"chat_error_in_200", PR_LLM_FAIL_PROVIDER_ERROR, 1, -1, 0, 0},
    {"err_401", PR_LLM_FAIL_AUTH, 0, -1, 0, 0},
    {"err_402", PR_LLM_FAIL_QUOTA, 0, -1, 0, 0},
    {"err_429", PR_LLM_FAIL_RATE_LIMIT, 1, 60, 0, 0},
    {"truncated_body", PR_LLM_FAIL_MALFORMED, 1, -1, 0, 0},
    {NULL, 0, 0, 0, 0, 0}};

static const char *hdr(json_t *headers, const char *name) {
    const char *k;
    json_t *v;
    json_object_foreach(headers, k, v) if (strcasecmp(k, name) == 0) return json_string_value(v);
    return "";
}

static void response_from(const char *provider, json_t *fx, pr_llm_http_response *rs) {
    memset(rs, 0, sizeof *rs);
    json_t *resp = json_object_get(fx, "response");
    rs->status = (int)json_integer_value(json_object_get(resp, "status"));
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", provider, json_string_value(json_object_get(resp, "body_file")));
    rs->body = ai_fixture(rel, &rs->body_len);
    json_t *h = json_object_get(resp, "headers");
    pr_strlcpy(rs->retry_after, hdr(h, "retry-after"), sizeof rs->retry_after);
    pr_strlcpy(rs->ratelimit_reset, hdr(h, "x-ratelimit-reset"), sizeof rs->ratelimit_reset);
}

#define NOW_MS 1784116800000LL /* 2026-07-15T12:00:00Z, the fixtures' "now" */

static void parse_all(const char *provider, const char *kind, const want *table) {
    char rel[128];
    snprintf(rel, sizeof rel, "%s/manifest.json", provider);
    json_t *m = ai_fixture_json(rel);
    json_t *fxs = json_object_get(m, "fixtures");
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset(kind, &c, NULL), 0);
    size_t checked = 0;
    for (const want *w = table; w->id; w++) {
        json_t *fx = NULL;
        size_t i;
        json_t *f;
        json_array_foreach(fxs, i, f) if (strcmp(json_string_value(json_object_get(f, "id")), w->id) == 0) fx = f;
        if (!fx) fail_msg("%s: no fixture %s", provider, w->id);
        pr_llm_http_response rs;
        response_from(provider, fx, &rs);
        pr_llm_reply r;
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_llm_vt_for(c.api)->parse(&c, &rs, &r, &e);
        if (r.fail != w->fail)
            fail_msg("%s/%s: got %s want %s (%s)", provider, w->id, pr_llm_fail_name(r.fail), pr_llm_fail_name(w->fail), e.msg);
        assert_int_equal(rc, pr_llm_fail_status(w->fail));
        if (w->fail != PR_LLM_OK) {
            if (r.retryable != w->retryable) fail_msg("%s/%s: retryable %d", provider, w->id, r.retryable);
            assert_null(r.text);
            assert_true(strstr(e.msg, pr_llm_fail_name(w->fail)) != NULL);
            if (rs.status >= 300) assert_int_equal(e.http_status, rs.status);
            double ra = pr_llm_retry_after(&rs, NOW_MS);
            if (ra < 0) ra = r.retry_after_s;
            if (fabs(ra - w->retry_after) > 1e-9) fail_msg("%s/%s: retry after %g", provider, w->id, ra);
        } else {
            assert_non_null(r.text);
            assert_int_equal(r.tokens_in, w->tin);
            assert_int_equal(r.tokens_out, w->tout);
            pr_verdict v;
            assert_int_equal(pr_verdict_parse(PR_LLM_Q_DIRECTION, r.text, strlen(r.text), &v, NULL, NULL), 0);
        }
        pr_llm_reply_free(&r);
        pr_llm_http_response_free(&rs);
        checked++;
    }
    /* Every fixture of the manifest is in the table. */
    assert_int_equal(checked, json_array_size(fxs));
    json_decref(m);
}

static void test_parse_fixtures(void **st) {
    (void)st;
    parse_all("openai", "openai", k_openai);
    parse_all("anthropic", "anthropic", k_anthropic);
    parse_all("gemini", "gemini", k_gemini);
    parse_all("deepseek", "deepseek", k_deepseek);
    parse_all("openrouter", "openrouter", k_openrouter);
}

static pr_llm_fail parse_inline(const char *kind, int status, const char *body) {
    pr_llm_config c;
    pr_llm_config_preset(kind, &c, NULL);
    pr_llm_http_response rs;
    memset(&rs, 0, sizeof rs);
    rs.status = status;
    rs.body = strdup(body);
    rs.body_len = strlen(body);
    pr_llm_reply r;
    pr_llm_vt_for(c.api)->parse(&c, &rs, &r, NULL);
    pr_llm_reply_free(&r);
    pr_llm_http_response_free(&rs);
    return r.fail;
}

static void test_parse_edges(void **st) {
    (void)st;
    assert_int_equal(parse_inline("openai", 200,
        "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}]}"),
        PR_LLM_FAIL_REFUSAL);
    assert_int_equal(parse_inline("openai", 200,
        "{\"choices\":[{\"message\":{\"content\":\"\"},\"finish_reason\":\"content_filter\"}]}"), PR_LLM_FAIL_SAFETY);
    assert_int_equal(parse_inline("openai", 200, "{\"choices\":[]}"), PR_LLM_FAIL_MALFORMED);
    assert_int_equal(parse_inline("openai", 200, "[1,2]"), PR_LLM_FAIL_MALFORMED);
    assert_int_equal(parse_inline("openai", 200, ""), PR_LLM_FAIL_MALFORMED);
    assert_int_equal(parse_inline("openai", 502, "<html>Bad gateway</html>"), PR_LLM_FAIL_SERVER);
    assert_int_equal(parse_inline("openai", 418, "{}"), PR_LLM_FAIL_HTTP);
    assert_int_equal(parse_inline("openrouter", 403, "{\"error\":{\"message\":\"flagged\",\"code\":403}}"), PR_LLM_FAIL_AUTH);
    assert_int_equal(parse_inline("openrouter", 408, "{\"error\":{\"message\":\"timeout\",\"code\":408}}"), PR_LLM_FAIL_SERVER);
    assert_int_equal(parse_inline("deepseek", 422, "{\"error\":{\"message\":\"bad\"}}"), PR_LLM_FAIL_BAD_REQUEST);
    assert_int_equal(parse_inline("anthropic", 200,
        "{\"content\":[],\"stop_reason\":\"refusal\",\"usage\":{}}"), PR_LLM_FAIL_REFUSAL);
    assert_int_equal(parse_inline("anthropic", 200,
        "{\"content\":[{\"type\":\"text\",\"text\":\"\"}],\"stop_reason\":\"end_turn\"}"), PR_LLM_FAIL_EMPTY);
    assert_int_equal(parse_inline("anthropic", 429,
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"cap\",\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}"),
        PR_LLM_FAIL_QUOTA);
    assert_int_equal(parse_inline("gemini", 200,
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"SAFETY\"}]}"), PR_LLM_FAIL_SAFETY);
    assert_int_equal(parse_inline("gemini", 200, "{\"candidates\":[]}"), PR_LLM_FAIL_EMPTY);
    assert_int_equal(parse_inline("gemini", 429,
        "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
        "\"violations\":[{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}]}]}}"), PR_LLM_FAIL_QUOTA);
    /* Gemini thought parts are not part of the answer. */
    pr_llm_config c;
    pr_llm_config_preset("gemini", &c, NULL);
    const char *b = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"thinking...\",\"thought\":true},{\"text\":\"{}\"}]},"
                    "\"finishReason\":\"STOP\"}]}";
    pr_llm_http_response rs = {.status = 200, .body = strdup(b), .body_len = strlen(b)};
    pr_llm_reply r;
    assert_int_equal(pr_llm_vt_for(c.api)->parse(&c, &rs, &r, NULL), 0);
    assert_string_equal(r.text, "{}");
    pr_llm_reply_free(&r);
    pr_llm_http_response_free(&rs);

    /* Transport failures pass through as retryable. */
    pr_llm_http_response t;
    memset(&t, 0, sizeof t);
    t.transport = PR_LLM_FAIL_TIMEOUT;
    pr_strlcpy(t.error, "Timeout was reached", sizeof t.error);
    pr_err e;
    assert_int_equal(pr_llm_vt_for(c.api)->parse(&c, &t, &r, &e), PR_ETIMEOUT);
    assert_int_equal(r.fail, PR_LLM_FAIL_TIMEOUT);
    assert_int_equal(r.retryable, 1);
    assert_non_null(strstr(e.msg, "Timeout was reached"));
}

/* Parses body as a 200 answer of preset kind; returns the parse's status. */
static int parse_usage(const char *kind, const char *body, pr_llm_reply *r, pr_err *e) {
    pr_llm_config c;
    pr_llm_config_preset(kind, &c, NULL);
    pr_llm_http_response rs;
    memset(&rs, 0, sizeof rs);
    rs.status = 200;
    rs.body = strdup(body);
    rs.body_len = strlen(body);
    pr_err_clear(e);
    int rc = pr_llm_vt_for(c.api)->parse(&c, &rs, r, e);
    pr_llm_http_response_free(&rs);
    return rc;
}

/* Issue #8: token counts were trusted (a long overflowed by a cache count,
 * Gemini's sum, 1e300 cast to long). A count outside 0..1e9, or input or
 * output counts summing beyond it, is a protocol error naming the provider
 * and the field; valid counts are summed as the APIs document. */
static void test_token_counts(void **st) {
    (void)st;
    static const struct {
        const char *kind, *usage;
        int ok;
        long in, out;          /* when ok: expected, summed by hand */
        const char *field;     /* when not ok: named in the message */
    } k[] = {
        {"openai", "{\"prompt_tokens\":9223372036854775807,\"completion_tokens\":1}", 0, 0, 0, "usage.prompt_tokens"},
        {"openai", "{\"prompt_tokens\":1e300,\"completion_tokens\":1}", 0, 0, 0, "usage.prompt_tokens"},
        {"openai", "{\"prompt_tokens\":3,\"completion_tokens\":-5}", 0, 0, 0, "usage.completion_tokens"},
        {"openai", "{\"prompt_tokens\":12.5}", 0, 0, 0, "usage.prompt_tokens"},
        {"openai", "{\"prompt_tokens\":\"12\"}", 0, 0, 0, "usage.prompt_tokens"},
        {"openai", "{\"prompt_tokens\":1000000001}", 0, 0, 0, "usage.prompt_tokens"},
        {"openai", "{\"prompt_tokens\":1000000000,\"completion_tokens\":0}", 1, 1000000000, 0, NULL},
        {"openai", "{\"prompt_tokens\":2e3,\"completion_tokens\":null}", 1, 2000, 0, NULL},
        {"anthropic", "{\"input_tokens\":9223372036854775807,\"cache_read_input_tokens\":1,\"output_tokens\":1}", 0, 0, 0,
         "usage.input_tokens"},
        {"anthropic", "{\"input_tokens\":600000000,\"cache_creation_input_tokens\":600000000,\"output_tokens\":1}", 0, 0,
         0, "cache_creation_input_tokens"},
        /* 100 + 20 + 3 = 123 input tokens */
        {"anthropic",
         "{\"input_tokens\":100,\"cache_creation_input_tokens\":20,\"cache_read_input_tokens\":3,\"output_tokens\":9}", 1,
         123, 9, NULL},
        {"gemini",
         "{\"promptTokenCount\":5,\"candidatesTokenCount\":9223372036854775807,\"thoughtsTokenCount\":9223372036854775807}",
         0, 0, 0, "usageMetadata.candidatesTokenCount"},
        {"gemini", "{\"promptTokenCount\":-1}", 0, 0, 0, "usageMetadata.promptTokenCount"},
        /* 40 answer + 2 thinking tokens = 42 output tokens */
        {"gemini", "{\"promptTokenCount\":5,\"candidatesTokenCount\":40,\"thoughtsTokenCount\":2}", 1, 5, 42, NULL},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char body[512];
        if (strcmp(k[i].kind, "openai") == 0)
            snprintf(body, sizeof body,
                     "{\"choices\":[{\"message\":{\"content\":\"{}\"},\"finish_reason\":\"stop\"}],\"usage\":%s}",
                     k[i].usage);
        else if (strcmp(k[i].kind, "anthropic") == 0)
            snprintf(body, sizeof body,
                     "{\"content\":[{\"type\":\"text\",\"text\":\"{}\"}],\"stop_reason\":\"end_turn\",\"usage\":%s}",
                     k[i].usage);
        else
            snprintf(body, sizeof body,
                     "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{}\"}]},\"finishReason\":\"STOP\"}],"
                     "\"usageMetadata\":%s}",
                     k[i].usage);
        pr_llm_reply r;
        pr_err e;
        int rc = parse_usage(k[i].kind, body, &r, &e);
        if (k[i].ok) {
            if (rc != 0) fail_msg("case %zu (%s): %s", i, k[i].usage, e.msg);
            assert_int_equal(r.tokens_in, k[i].in);
            assert_int_equal(r.tokens_out, k[i].out);
        } else {
            if (r.fail != PR_LLM_FAIL_MALFORMED) fail_msg("case %zu (%s): accepted", i, k[i].usage);
            assert_int_equal(rc, PR_EPARSE);
            assert_int_equal(r.retryable, 0);
            if (!strstr(e.msg, k[i].kind) || !strstr(e.msg, k[i].field))
                fail_msg("case %zu: message '%s' should name %s and %s", i, e.msg, k[i].kind, k[i].field);
        }
        pr_llm_reply_free(&r);
    }
    /* An OpenRouter error code too large for a long is no code (retryable),
     * not a cast out of range. */
    pr_llm_reply r;
    pr_err e;
    assert_int_equal(parse_usage("openrouter",
                                 "{\"choices\":[{\"error\":{\"code\":1e300,\"message\":\"upstream\"},"
                                 "\"finish_reason\":\"error\"}]}",
                                 &r, &e),
                     PR_EVENUE);
    assert_int_equal(r.fail, PR_LLM_FAIL_PROVIDER_ERROR);
    assert_int_equal(r.retryable, 1);
    pr_llm_reply_free(&r);
}

static void test_retry_after(void **st) {
    (void)st;
    pr_llm_http_response rs;
    memset(&rs, 0, sizeof rs);
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == -1);
    strcpy(rs.retry_after, "7");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == 7);
    /* HTTP date 23 s after 2026-07-15T12:00:00Z (a Wednesday). */
    strcpy(rs.retry_after, "Wed, 15 Jul 2026 12:00:23 GMT");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == 23);
    /* A date in the past means "now". */
    strcpy(rs.retry_after, "Wed, 15 Jul 2026 11:59:00 GMT");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == 0);
    strcpy(rs.retry_after, "soon");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == -1);
    /* retry-after-ms wins over Retry-After. */
    strcpy(rs.retry_after, "7");
    strcpy(rs.retry_after_ms, "1500");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == 1.5);
    /* OpenRouter's epoch-ms reset: 1784116860000 - 1784116800000 = 60 s. */
    memset(&rs, 0, sizeof rs);
    strcpy(rs.ratelimit_reset, "1784116860000");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == 60);
    strcpy(rs.ratelimit_reset, "12ms");
    assert_true(pr_llm_retry_after(&rs, NOW_MS) == -1);

    double d;
    assert_int_equal(pr_llm_parse_duration("41s", &d), 0);
    assert_true(d == 41);
    assert_int_equal(pr_llm_parse_duration("6m0s", &d), 0);
    assert_true(d == 360);
    assert_int_equal(pr_llm_parse_duration("120ms", &d), 0);
    assert_true(fabs(d - 0.12) < 1e-12);
    assert_int_equal(pr_llm_parse_duration("1.5s", &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(pr_llm_parse_duration("41", &d), PR_EPARSE);
    assert_int_equal(pr_llm_parse_duration("", &d), PR_EPARSE);
}

static void test_config_load(void **st) {
    (void)st;
    pr_config *cfg;
    pr_err e;
    const char *js = "{\"ai\":{\"providers\":[{\"kind\":\"anthropic\",\"name\":\"claude\",\"model\":\"claude-x\","
                     "\"weight\":0.35,\"timeout_s\":5,\"max_tokens\":300,\"json_mode\":\"schema\",\"price_in\":3,\"price_out\":15},"
                     "{\"kind\":\"openrouter\",\"max_tokens_field\":\"max_completion_tokens\"},"
                     "{\"kind\":\"openai\",\"temprature\":0.3},{\"kind\":\"cohere\"},{\"model\":\"x\"},"
                     "{\"kind\":\"openai\",\"timeout_s\":0},{\"kind\":\"anthropic\",\"json_mode\":\"object\"}]}}";
    assert_int_equal(pr_config_parse(js, &cfg, &e), 0);
    pr_llm_config c;
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.0", &c, &e), 0);
    assert_string_equal(c.name, "claude");
    assert_string_equal(c.model, "claude-x");
    assert_string_equal(c.key_env, "ANTHROPIC_API_KEY");
    assert_true(c.weight == 0.35 && c.timeout_s == 5 && c.max_tokens == 300);
    assert_int_equal(c.json_mode, PR_LLM_JSON_SCHEMA);
    /* 1000 in + 200 out at $3 / $15 per million = 0.003 + 0.003 = 0.006 */
    assert_true(fabs(pr_llm_cost(&c, 1000, 200) - 0.006) < 1e-15);
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.1", &c, &e), 0);
    assert_int_equal(c.max_tokens_legacy, 0);
    assert_int_equal(c.require_parameters, 1);
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.2", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "temprature"));
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.3", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "ai.providers.3.kind"));
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.4", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "required"));
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.5", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "timeout_s"));
    assert_int_equal(pr_llm_config_load(cfg, "ai.providers.6", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "json_mode"));
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_shapes), cmocka_unit_test(test_parse_fixtures),
        cmocka_unit_test(test_parse_edges),    cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_config_load),    cmocka_unit_test(test_token_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
