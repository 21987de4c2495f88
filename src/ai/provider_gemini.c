/* Google Gemini generateContent: request building (responseMimeType +
 * responseSchema in Gemini's OpenAPI dialect) and response parsing
 * (candidates, finishReason, blocked prompts, the google.rpc error envelope
 * with its RetryInfo delay and per-day quota). */
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"

static int model_ok(const char *m) {
    if (!*m) return 0;
    for (const char *p = m; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '.' || *p == '_'))
            return 0;
    return 1;
}

int pr_ai_gemini_build(const pr_llm_config *c, const pr_llm_prompt *p, pr_llm_http *out, pr_err *err) {
    if (!c || !p || !out || !p->system || !p->user) return pr_err_set(err, PR_EINVAL, "gemini build: NULL argument");
    if (!model_ok(c->model))
        return pr_err_set(err, PR_EINVAL, "gemini build: model name '%s' has characters a URL path cannot hold",
                          c->model);
    size_t bn = strlen(c->base_url);
    while (bn > 0 && c->base_url[bn - 1] == '/') bn--;
    int rc = pr_ai_http_url(out, err, "%.*s/models/%s:generateContent", (int)bn, c->base_url, c->model);
    if (!rc) rc = pr_ai_http_header(out, err, "Content-Type: application/json");
    if (rc) return rc;
    out->auth = c->key_env[0] ? PR_LLM_AUTH_GOOG : PR_LLM_AUTH_NONE;

    json_t *sys = json_pack("{s:[{s:s}]}", "parts", "text", p->system);
    json_t *user = json_pack("[{s:s,s:[{s:s}]}]", "role", "user", "parts", "text", p->user);
    int ok = sys && user;
    json_t *gen = json_object();
    if (c->temperature >= 0) json_object_set_new(gen, "temperature", json_real(c->temperature));
    json_object_set_new(gen, "maxOutputTokens", json_integer(c->max_tokens));
    pr_llm_json_mode m = pr_ai_json_mode(c);
    if (m == PR_LLM_JSON_SCHEMA || m == PR_LLM_JSON_OBJECT)
        json_object_set_new(gen, "responseMimeType", json_string("application/json"));
    if (m == PR_LLM_JSON_SCHEMA) json_object_set_new(gen, "responseSchema", pr_ai_schema(p->question, 1));
    json_t *b = json_object();
    if (sys) json_object_set_new(b, "systemInstruction", sys);
    if (user) json_object_set_new(b, "contents", user);
    json_object_set_new(b, "generationConfig", gen);
    out->body = ok ? pr_ai_dumps(b) : NULL;
    json_decref(b);
    if (!ok) return pr_err_set(err, PR_EINVAL, "gemini build: prompt is not valid UTF-8");
    return out->body ? PR_OK : pr_err_set(err, PR_ENOMEM, "gemini build: out of memory");
}

static const char *str(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int error_body(const pr_llm_config *c, const pr_llm_http_response *rs, json_t *j, pr_llm_reply *r,
                      pr_err *err) {
    pr_llm_fail f;
    int retry;
    pr_ai_classify_status(rs->status, &f, &retry);
    json_t *e = json_object_get(j, "error");
    if (json_is_object(e)) {
        pr_ai_json_text(e, "message", r->message, sizeof r->message);
        pr_ai_json_text(e, "status", r->code, sizeof r->code);
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(e, "details"), i, d) {
            const char *type = str(d, "@type");
            if (strstr(type, "ErrorInfo") && strcmp(str(d, "reason"), "API_KEY_INVALID") == 0) {
                f = PR_LLM_FAIL_AUTH;
                retry = 0;
                pr_strlcpy(r->code, "API_KEY_INVALID", sizeof r->code);
            } else if (strstr(type, "RetryInfo")) {
                double s;
                if (pr_llm_parse_duration(str(d, "retryDelay"), &s) == 0) r->retry_after_s = s;
            } else if (strstr(type, "QuotaFailure")) {
                size_t k;
                json_t *v;
                json_array_foreach(json_object_get(d, "violations"), k, v)
                    /* A per-day cap will not reset within any retry window. */
                    if (strstr(str(v, "quotaId"), "PerDay")) {
                        f = PR_LLM_FAIL_QUOTA;
                        retry = 0;
                    }
            }
        }
    }
    return pr_ai_reply_fail(c, r, f, retry, rs->status, err, "HTTP %d", rs->status);
}

static int is_safety(const char *fr) {
    static const char *const k[] = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
                                    "IMAGE_SAFETY", "LANGUAGE", NULL};
    for (const char *const *p = k; *p; p++)
        if (strcmp(fr, *p) == 0) return 1;
    return 0;
}

int pr_ai_gemini_parse(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *r, pr_err *err) {
    json_t *j;
    int rc;
    if (pr_ai_parse_prologue("gemini", c, rs, r, error_body, &j, &rc, err)) return rc;
    pr_ai_json_text(j, "modelVersion", r->model, sizeof r->model);
    json_t *usage = json_object_get(j, "usageMetadata");
    static const char *const in[] = {"promptTokenCount", NULL};
    /* Thinking tokens are billed as output. */
    static const char *const out[] = {"candidatesTokenCount", "thoughtsTokenCount", NULL};
    if (pr_ai_usage(c, rs, r, usage, "usageMetadata", in, &r->tokens_in, &rc, err) ||
        pr_ai_usage(c, rs, r, usage, "usageMetadata", out, &r->tokens_out, &rc, err)) {
        json_decref(j);
        return rc;
    }
    json_t *fb = json_object_get(j, "promptFeedback");
    json_t *cand = json_array_get(json_object_get(j, "candidates"), 0);
    const char *block = str(fb, "blockReason");
    if (*block) {
        pr_strlcpy(r->code, block, sizeof r->code);
        pr_strlcpy(r->finish, block, sizeof r->finish);
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_SAFETY, 0, rs->status, err, "prompt blocked (blockReason %s)", block);
        json_decref(j);
        return rc;
    }
    if (!json_is_object(cand)) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_EMPTY, 0, rs->status, err, "no candidates");
        json_decref(j);
        return rc;
    }
    pr_strlcpy(r->finish, str(cand, "finishReason"), sizeof r->finish);
    json_t *parts = json_object_get(json_object_get(cand, "content"), "parts");
    size_t total = 0, i;
    json_t *part;
    json_array_foreach(parts, i, part) {
        json_t *t = json_object_get(part, "text");
        if (json_is_string(t) && !json_is_true(json_object_get(part, "thought"))) total += json_string_length(t);
    }
    if (strcmp(r->finish, "MAX_TOKENS") == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_TRUNCATED, 0, rs->status, err,
                              "generation stopped by the token limit (finishReason MAX_TOKENS)");
    } else if (is_safety(r->finish)) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_SAFETY, 0, rs->status, err, "answer blocked (finishReason %s)",
                              r->finish);
    } else if (r->finish[0] && strcmp(r->finish, "STOP") != 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_PROVIDER_ERROR, 0, rs->status, err, "finishReason %s", r->finish);
    } else if (total == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_EMPTY, 0, rs->status, err, "empty content");
    } else {
        r->text = malloc(total + 1);
        if (!r->text) {
            json_decref(j);
            return pr_err_set(err, PR_ENOMEM, "out of memory");
        }
        size_t w = 0;
        json_array_foreach(parts, i, part) {
            json_t *t = json_object_get(part, "text");
            if (json_is_string(t) && !json_is_true(json_object_get(part, "thought"))) {
                memcpy(r->text + w, json_string_value(t), json_string_length(t));
                w += json_string_length(t);
            }
        }
        r->text[w] = '\0';
        rc = PR_OK;
    }
    json_decref(j);
    return rc;
}

static const pr_ai_preset k_presets[] = {
    {"gemini", "https://generativelanguage.googleapis.com/v1beta", "gemini-2.5-flash", "GEMINI_API_KEY",
     PR_LLM_JSON_SCHEMA, 0, 0, 0},
};

/* "Knowledge cutoff" of the Gemini API model pages, checked in Dec 2026;
 * "not found" rows could not be checked from here and keep the later
 * (conservative) month. */
static const pr_ai_cutoff k_cutoffs[] = {
    /* not found (https://ai.google.dev/gemini-api/docs/models): May 2024 kept */
    {"gemini-1-5", 2024, 6},
    /* "August 2024": https://ai.google.dev/gemini-api/docs/models/gemini-2.0-flash */
    {"gemini-2-0-flash", 2024, 9},
    /* "January 2025": https://ai.google.dev/gemini-api/docs/models/gemini-2.5-flash-lite-preview-09-2025
     * (2.5 Flash-Lite; 2.5 Flash "January 2025" at
     * https://developer.box.com/guides/box-ai/ai-models/google-gemini-2-5-flash-preview-model-card/) */
    {"gemini-2-5-flash", 2025, 2},
    /* "January 2025" (Google's launch note for 2.5 Pro, https://huggingface.co/posts/philschmid/709514015104990);
     * vendor page https://ai.google.dev/gemini-api/docs/models/gemini-2.5-pro not found here */
    {"gemini-2-5-pro", 2025, 2},
};

PR_AI_PROVIDER_DEFINE(GEMINI, gemini, PR_LLM_JSON_SCHEMA, 1);
