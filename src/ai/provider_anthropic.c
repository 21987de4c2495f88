/* Anthropic Messages API: request building (JSON by instruction, or
 * output_config.format json_schema) and response parsing (content blocks,
 * stop_reason, the error envelope incl. 529 overloaded and the spend-cap 429
 * that must not be retried). */
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"

#define ANTHROPIC_VERSION "2023-06-01"

int pr_ai_anthropic_build(const pr_llm_config *c, const pr_llm_prompt *p, pr_llm_http *out, pr_err *err) {
    if (!c || !p || !out || !p->system || !p->user)
        return pr_err_set(err, PR_EINVAL, "anthropic build: NULL argument");
    size_t bn = strlen(c->base_url);
    while (bn > 0 && c->base_url[bn - 1] == '/') bn--;
    int rc = pr_ai_http_url(out, err, "%.*s/messages", (int)bn, c->base_url);
    if (!rc) rc = pr_ai_http_header(out, err, "anthropic-version: " ANTHROPIC_VERSION);
    if (!rc) rc = pr_ai_http_header(out, err, "content-type: application/json");
    if (rc) return rc;
    out->auth = c->key_env[0] ? PR_LLM_AUTH_X_API_KEY : PR_LLM_AUTH_NONE;

    json_t *b = json_object();
    json_object_set_new(b, "model", json_string(c->model));
    json_object_set_new(b, "max_tokens", json_integer(c->max_tokens));
    if (c->temperature >= 0) json_object_set_new(b, "temperature", json_real(c->temperature));
    json_t *sys = json_string(p->system);
    json_t *msg = json_pack("{s:s,s:s}", "role", "user", "content", p->user);
    int ok = sys && msg;
    if (sys) json_object_set_new(b, "system", sys);
    json_object_set_new(b, "messages", json_pack("[o]", msg ? msg : json_null()));
    if (pr_ai_json_mode(c) == PR_LLM_JSON_SCHEMA)
        json_object_set_new(b, "output_config", json_pack("{s:{s:s,s:o}}", "format", "type", "json_schema",
                                                          "schema", pr_ai_schema(p->question, 0)));
    out->body = ok ? pr_ai_dumps(b) : NULL;
    json_decref(b);
    if (!ok) return pr_err_set(err, PR_EINVAL, "anthropic build: prompt is not valid UTF-8");
    return out->body ? PR_OK : pr_err_set(err, PR_ENOMEM, "anthropic build: out of memory");
}

static int error_body(const pr_llm_config *c, const pr_llm_http_response *rs, json_t *j, pr_llm_reply *r,
                      pr_err *err) {
    pr_llm_fail f;
    int retry;
    pr_ai_classify_status(rs->status, &f, &retry);
    json_t *e = json_object_get(j, "error");
    if (json_is_object(e)) {
        pr_ai_json_text(e, "message", r->message, sizeof r->message);
        pr_ai_json_text(e, "type", r->code, sizeof r->code);
        char detail[64];
        pr_ai_json_text(json_object_get(e, "details"), "error_code", detail, sizeof detail);
        if (rs->status == 429 && strcmp(detail, "enforced_spend_limit_reached") == 0) {
            f = PR_LLM_FAIL_QUOTA;
            retry = 0;
            pr_strlcpy(r->code, detail, sizeof r->code);
        }
    }
    return pr_ai_reply_fail(c, r, f, retry, rs->status, err, "HTTP %d", rs->status);
}

static int is_text_block(json_t *blk) {
    const char *t = json_string_value(json_object_get(blk, "type"));
    return t && strcmp(t, "text") == 0;
}

int pr_ai_anthropic_parse(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *r, pr_err *err) {
    json_t *j;
    int rc;
    if (pr_ai_parse_prologue("anthropic", c, rs, r, error_body, &j, &rc, err)) return rc;
    if (json_is_object(json_object_get(j, "error"))) {
        json_t *e = json_object_get(j, "error");
        pr_ai_json_text(e, "message", r->message, sizeof r->message);
        pr_ai_json_text(e, "type", r->code, sizeof r->code);
        int retry = strcmp(r->code, "overloaded_error") == 0 || strcmp(r->code, "api_error") == 0;
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_PROVIDER_ERROR, retry, rs->status, err, "error in a 2xx body");
        json_decref(j);
        return rc;
    }
    pr_ai_json_text(j, "model", r->model, sizeof r->model);
    pr_ai_json_text(j, "stop_reason", r->finish, sizeof r->finish);
    json_t *usage = json_object_get(j, "usage");
    static const char *const in[] = {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", NULL};
    static const char *const out[] = {"output_tokens", NULL};
    if (pr_ai_usage(c, rs, r, usage, "usage", in, &r->tokens_in, &rc, err) ||
        pr_ai_usage(c, rs, r, usage, "usage", out, &r->tokens_out, &rc, err)) {
        json_decref(j);
        return rc;
    }
    json_t *content = json_object_get(j, "content");
    if (!json_is_array(content)) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 1, rs->status, err, "no content in the response");
        json_decref(j);
        return rc;
    }
    /* The answer is the concatenation of the text blocks. */
    size_t total = 0, i;
    json_t *blk;
    json_array_foreach(content, i, blk) {
        json_t *t = json_object_get(blk, "text");
        if (json_is_string(t) && is_text_block(blk))
            total += json_string_length(t);
    }
    const char *sr = r->finish;
    if (strcmp(sr, "refusal") == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_REFUSAL, 0, rs->status, err, "the model refused (stop_reason refusal)");
    } else if (strcmp(sr, "max_tokens") == 0 || strcmp(sr, "model_context_window_exceeded") == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_TRUNCATED, 0, rs->status, err,
                              "generation stopped early (stop_reason %s)", sr);
    } else if (strcmp(sr, "end_turn") != 0 && strcmp(sr, "stop_sequence") != 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 0, rs->status, err, "unexpected stop_reason '%s'", sr);
    } else if (total == 0) {
        rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_EMPTY, 0, rs->status, err, "empty content");
    } else {
        r->text = malloc(total + 1);
        if (!r->text) {
            json_decref(j);
            return pr_err_set(err, PR_ENOMEM, "out of memory");
        }
        size_t w = 0;
        json_array_foreach(content, i, blk) {
            json_t *t = json_object_get(blk, "text");
            if (json_is_string(t) && is_text_block(blk)) {
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
    {"anthropic", "https://api.anthropic.com/v1", "claude-sonnet-4-5", "ANTHROPIC_API_KEY", PR_LLM_JSON_INSTRUCT, 0,
     0, 0},
};

/* The month after Anthropic's "training data cutoff" (later than its
 * "reliable knowledge cutoff", so a model is never trusted too early), from
 * the models overview https://platform.claude.com/docs/en/about-claude/models/overview;
 * checked in Dec 2026: rows marked "not found" could not be checked from
 * here and keep the later (conservative) month. */
static const pr_ai_cutoff k_cutoffs[] = {
    /* not found (https://platform.claude.com/docs/en/about-claude/models/overview, legacy): April 2024 kept */
    {"claude-3-5-sonnet", 2024, 5},
    /* not found (same page): July 2024 kept */
    {"claude-3-5-haiku", 2024, 8},
    /* not found (same page): November 2024 training data kept */
    {"claude-3-7-sonnet", 2024, 12},
    /* not found (https://platform.claude.com/docs/en/models/overview): March 2025 training data kept */
    {"claude-sonnet-4", 2025, 4},
    {"claude-opus-4", 2025, 4}, /* as claude-sonnet-4 */
    /* "Jul 2025" training data, "Jan 2025" reliable (https://platform.claude.com/docs/en/models/sonnet-4-5/overview;
     * both months as quoted at https://apxml.com/models/claude-sonnet-45-thinking) */
    {"claude-sonnet-4-5", 2025, 8},
    /* not found (https://platform.claude.com/docs/en/models/haiku-4-5/overview): July 2025 kept */
    {"claude-haiku-4-5", 2025, 8},
    /* not found (https://platform.claude.com/docs/en/models/opus-4-1/overview): March 2025 kept */
    {"claude-opus-4-1", 2025, 4},
};

/* No JSON object mode: "auto" is JSON by instruction. */
PR_AI_PROVIDER_DEFINE(ANTHROPIC, anthropic, PR_LLM_JSON_INSTRUCT, 0);
