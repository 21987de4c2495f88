/* OpenAI Chat Completions, also spoken by OpenRouter, DeepSeek and local
 * servers (llama.cpp, Ollama, vLLM): request building and response parsing,
 * including OpenRouter's errors inside HTTP 200 and DeepSeek's keep-alive
 * blank lines before the body. */
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"

int pr_ai_openai_build(const pr_llm_config *c, const pr_llm_prompt *p, pr_llm_http *out, pr_err *err) {
    if (!c || !p || !out || !p->system || !p->user) return pr_err_set(err, PR_EINVAL, "openai build: NULL argument");
    size_t bn = strlen(c->base_url);
    while (bn > 0 && c->base_url[bn - 1] == '/') bn--;
    int rc = pr_ai_http_url(out, err, "%.*s/chat/completions", (int)bn, c->base_url);
    if (!rc) rc = pr_ai_http_header(out, err, "Content-Type: application/json");
    if (!rc && c->app_url[0]) rc = pr_ai_http_header(out, err, "HTTP-Referer: %s", c->app_url);
    if (!rc && c->app_title[0]) rc = pr_ai_http_header(out, err, "X-Title: %s", c->app_title);
    if (rc) return rc;
    out->auth = c->key_env[0] ? PR_LLM_AUTH_BEARER : PR_LLM_AUTH_NONE;

    json_t *b = json_object();
    json_object_set_new(b, "model", json_string(c->model));
    json_t *msgs = json_array();
    json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "system", "content", p->system));
    json_array_append_new(msgs, json_pack("{s:s,s:s}", "role", "user", "content", p->user));
    json_object_set_new(b, "messages", msgs);
    if (c->temperature >= 0) json_object_set_new(b, "temperature", json_real(c->temperature));
    json_object_set_new(b, c->max_tokens_legacy ? "max_tokens" : "max_completion_tokens",
                        json_integer(c->max_tokens));
    switch (pr_ai_json_mode(c)) {
    case PR_LLM_JSON_SCHEMA:
        json_object_set_new(b, "response_format",
                            json_pack("{s:s,s:{s:s,s:b,s:o}}", "type", "json_schema", "json_schema", "name",
                                      pr_verdict_schema_name(p->question), "strict", 1, "schema",
                                      pr_ai_schema(p->question, 0)));
        break;
    case PR_LLM_JSON_OBJECT:
        json_object_set_new(b, "response_format", json_pack("{s:s}", "type", "json_object"));
        break;
    default:
        break;
    }
    if (c->require_parameters) json_object_set_new(b, "provider", json_pack("{s:b}", "require_parameters", 1));
    if (c->stream_false) json_object_set_new(b, "stream", json_false());
    /* json_pack("s") fails on invalid UTF-8, leaving a message out. */
    int whole = json_array_size(msgs) == 2;
    out->body = whole ? pr_ai_dumps(b) : NULL;
    json_decref(b);
    if (!whole) return pr_err_set(err, PR_EINVAL, "openai build: prompt is not valid UTF-8");
    return out->body ? PR_OK : pr_err_set(err, PR_ENOMEM, "openai build: out of memory");
}

static int error_body(const pr_llm_config *c, const pr_llm_http_response *rs, json_t *j, pr_llm_reply *r,
                      pr_err *err) {
    pr_llm_fail f;
    int retry;
    pr_ai_classify_status(rs->status, &f, &retry);
    json_t *e = json_object_get(j, "error");
    char type[64] = "";
    if (json_is_object(e)) {
        pr_ai_json_text(e, "message", r->message, sizeof r->message);
        pr_ai_json_text(e, "code", r->code, sizeof r->code);
        pr_ai_json_text(e, "type", type, sizeof type);
        if (!r->code[0]) pr_strlcpy(r->code, type, sizeof r->code);
    }
    /* A 429 for an exhausted quota or balance never succeeds on retry. */
    if (rs->status == 429 && (strcmp(r->code, "insufficient_quota") == 0 || strcmp(type, "insufficient_quota") == 0)) {
        f = PR_LLM_FAIL_QUOTA;
        retry = 0;
    }
    return pr_ai_reply_fail(c, r, f, retry, rs->status, err, "HTTP %d", rs->status);
}

int pr_ai_openai_parse(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *r, pr_err *err) {
    json_t *j;
    int rc;
    if (pr_ai_parse_prologue("openai", c, rs, r, error_body, &j, &rc, err)) return rc;
    pr_ai_json_text(j, "model", r->model, sizeof r->model);
    json_t *usage = json_object_get(j, "usage");
    static const char *const in[] = {"prompt_tokens", NULL};
    static const char *const out[] = {"completion_tokens", NULL};
    if (pr_ai_usage(c, rs, r, usage, "usage", in, &r->tokens_in, &rc, err) ||
        pr_ai_usage(c, rs, r, usage, "usage", out, &r->tokens_out, &rc, err)) {
        json_decref(j);
        return rc;
    }
    json_t *ch = json_array_get(json_object_get(j, "choices"), 0);
    json_t *top_err = json_object_get(j, "error");
    if (!json_is_object(ch)) {
        if (json_is_object(top_err)) {
            pr_ai_json_text(top_err, "message", r->message, sizeof r->message);
            pr_ai_json_text(top_err, "code", r->code, sizeof r->code);
            rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_PROVIDER_ERROR, 1, rs->status, err, "error in a 2xx body");
        } else {
            rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 1, rs->status, err, "no choices in the response");
        }
        json_decref(j);
        return rc;
    }
    pr_ai_json_text(ch, "finish_reason", r->finish, sizeof r->finish);
    json_t *msg = json_object_get(ch, "message");
    json_t *cerr = json_object_get(ch, "error");
    /* OpenRouter: a failure after generation started comes as HTTP 200. */
    if (json_is_object(cerr) || strcmp(r->finish, "error") == 0) {
        long code = pr_ai_json_long(cerr, "code");
        pr_ai_json_text(cerr, "message", r->message, sizeof r->message);
        pr_ai_json_text(cerr, "code", r->code, sizeof r->code);
        int retry = code == 0 || code == 408 || code == 429 || code >= 500;
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_PROVIDER_ERROR, retry, rs->status, err, "error in a 2xx body");
        json_decref(j);
        return rc;
    }
    if (!json_is_object(msg)) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 1, rs->status, err, "choice without a message");
        json_decref(j);
        return rc;
    }
    json_t *refusal = json_object_get(msg, "refusal");
    json_t *content = json_object_get(msg, "content");
    if (json_is_string(refusal) && json_string_length(refusal) > 0) {
        pr_strlcpy(r->message, json_string_value(refusal), sizeof r->message);
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_REFUSAL, 0, rs->status, err, "the model refused");
    } else if (strcmp(r->finish, "length") == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_TRUNCATED, 0, rs->status, err,
                              "generation stopped by the token limit (finish_reason length)");
    } else if (strcmp(r->finish, "content_filter") == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_SAFETY, 0, rs->status, err, "content filtered");
    } else if (r->finish[0] && strcmp(r->finish, "stop") != 0 && strcmp(r->finish, "eos") != 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 0, rs->status, err, "unexpected finish_reason '%s'",
                              r->finish);
    } else if (content && !json_is_null(content) && !json_is_string(content)) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 0, rs->status, err, "message content is not text");
    } else if (!json_is_string(content) || json_string_length(content) == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_EMPTY, 0, rs->status, err, "empty content");
    } else {
        r->text = strdup(json_string_value(content));
        rc = r->text ? PR_OK : pr_err_set(err, PR_ENOMEM, "out of memory");
    }
    json_decref(j);
    return rc;
}

static const pr_ai_preset k_presets[] = {
    {"openai", "https://api.openai.com/v1", "gpt-4o-mini", "OPENAI_API_KEY", PR_LLM_JSON_SCHEMA, 0, 0, 0},
    {"openrouter", "https://openrouter.ai/api/v1", "openai/gpt-4o-mini", "OPENROUTER_API_KEY", PR_LLM_JSON_SCHEMA,
     1, 0, 1},
    {"deepseek", "https://api.deepseek.com", "deepseek-flash", "DEEPSEEK_API_KEY", PR_LLM_JSON_OBJECT, 1, 1, 0},
    {"local", "http://127.0.0.1:8080/v1", "local", "", PR_LLM_JSON_OBJECT, 1, 0, 0},
};

/* Checked in Dec 2026 against the vendors' model pages; "not found" rows
 * could not be checked from here and keep the later (conservative) month. */
static const pr_ai_cutoff k_cutoffs[] = {
    /* "Oct 01, 2023 knowledge cutoff": https://platform.openai.com/docs/models/gpt-4o ("Up to Oct 2023") */
    {"gpt-4o", 2023, 11},
    /* "Oct 01, 2023": https://developers.openai.com/api/docs/models/gpt-4o-mini-audio-preview (GPT-4o mini) */
    {"gpt-4o-mini", 2023, 11},
    /* "June 2024" (GPT-4.1 family launch, as quoted at
     * https://docs.aimlapi.com/api-references/text-models-llm/openai/gpt-4.1); vendor page
     * https://platform.openai.com/docs/models/gpt-4.1 not found here */
    {"gpt-4-1", 2024, 7},
    {"gpt-4-1-mini", 2024, 7}, /* as gpt-4.1 */
    {"gpt-4-1-nano", 2024, 7}, /* as gpt-4.1 */
    /* "Sep 30, 2024": https://developers.openai.com/api/docs/models/gpt-5-codex (GPT-5; gpt-5-pro the same) */
    {"gpt-5", 2024, 10},
    /* not found (https://developers.openai.com/api/docs/models/gpt-5-mini); as gpt-5-nano, kept */
    {"gpt-5-mini", 2024, 6},
    /* "May 31, 2024": https://developers.openai.com/api/docs/models/gpt-5-nano */
    {"gpt-5-nano", 2024, 6},
    /* not found (https://developers.openai.com/api/docs/models/o3): June 2024 kept */
    {"o3", 2024, 7},
    /* not found (https://developers.openai.com/api/docs/models/o4-mini): June 2024 kept */
    {"o4-mini", 2024, 7},
    /* DeepSeek publishes no cutoff (https://api-docs.deepseek.com/quick_start/pricing): July 2024 kept */
    {"deepseek-chat", 2024, 8},
    {"deepseek-reasoner", 2024, 8}, /* as deepseek-chat */
    /* "December 2023": https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct (model card, knowledge cutoff) */
    {"llama-3-1", 2024, 1},
    /* not found (https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct): December 2023 kept */
    {"llama-3-3", 2024, 1},
};

PR_AI_PROVIDER_DEFINE(OPENAI, openai, PR_LLM_JSON_SCHEMA, 1);
