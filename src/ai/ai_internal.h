/* Internal to the ai module: helpers shared between its source files that
 * are not part of the public interface (some expose jansson types). */
#ifndef PR_AI_INTERNAL_H
#define PR_AI_INTERNAL_H

#include <stdarg.h>
#include <jansson.h>

#include "proratio/ai.h"
#include "proratio/core/redact.h"

/* The verdict schema of q as a new jansson value (plain or Gemini dialect). */
json_t *pr_ai_schema(pr_llm_question q, int gemini);

/* Compact JSON text of j (malloc'd), reals with up to 15 significant digits
 * so 0.2 is written "0.2". */
char *pr_ai_dumps(const json_t *j);

/* Starts a request: zeroes h and sets the URL (printf-style). */
int pr_ai_http_url(pr_llm_http *h, pr_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds "Name: value" (printf-style); PR_ELIMIT when full or too long. */
int pr_ai_http_header(pr_llm_http *h, pr_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The JSON mode actually used by c (AUTO resolved per API). */
pr_llm_json_mode pr_ai_json_mode(const pr_llm_config *c);

/* Fills a failed reply and err; returns pr_llm_fail_status(f). The message is
 * "<provider>: <what>" plus the provider's message when there is one. */
int pr_ai_reply_fail(const pr_llm_config *c, pr_llm_reply *r, pr_llm_fail f, int retryable,
                     int http_status, pr_err *err, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* An API's parser of a non-2xx response (j may be NULL when the body is not JSON). */
typedef int (*pr_ai_error_body_fn)(const pr_llm_config *c, const pr_llm_http_response *rs, json_t *j,
                                   pr_llm_reply *r, pr_err *err);

/* Common handling before an API-specific parse: checks the arguments,
 * resets the reply, and handles transport failures, a 2xx body that is not a
 * JSON object and (through the API's error_body) every non-2xx response.
 * Returns 1 when it filled the reply (the caller returns *rc), 0 when the
 * caller should go on with *body, a new reference to a 2xx JSON object. */
int pr_ai_parse_prologue(const char *api, const pr_llm_config *c, const pr_llm_http_response *rs,
                         pr_llm_reply *r, pr_ai_error_body_fn error_body, json_t **body, int *rc,
                         pr_err *err);

/* Failure class of a non-2xx status by number alone (the API parsers refine
 * 429 and 400 from the body): sets *f and *retryable. */
void pr_ai_classify_status(int status, pr_llm_fail *f, int *retryable);

/* Copies a JSON string or integer member into buf ("" when absent); a
 * string cut to fit loses the last up to 7 characters of a word it cuts. */
void pr_ai_json_text(json_t *obj, const char *key, char *buf, size_t cap);
/* Integer member (0 when absent, not a number or beyond +-1e15). */
long pr_ai_json_long(json_t *obj, const char *key);

/* Sums the token counts keys (NULL-terminated) of the provider's usage
 * object (where: its name in messages) into *out; absent counts are 0. A
 * count that is not a whole number in 0..PR_LLM_TOKENS_MAX is a protocol
 * error: fills the reply (MALFORMED) and err, sets *rc and returns 1. */
int pr_ai_usage(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *r, json_t *usage,
                const char *where, const char *const *keys, long *out, int *rc, pr_err *err);

/* Redaction itself is core's (proratio/core/redact.h). */
/* A response body to store: pr_redact of it, or, when the body is JSON
 * and one of its strings holds a part of the key, the redacted JSON
 * re-serialised. NULL when out of memory. */
char *pr_ai_redact_body(const char *key, const char *body, size_t len);

/* ---- provider registration (one row per provider in providers.h) -------- */

/* A ready-made configuration ("kind" in the config) served by one wire API. */
typedef struct pr_ai_preset {
    const char *kind;             /* "openrouter": also the default name     */
    const char *base_url, *model, *key_env;
    pr_llm_json_mode json;
    int legacy_tokens, stream_false, require_parameters;
} pr_ai_preset;

/* A model's knowledge cutoff: model name (without a "vendor/" prefix; '.'
 * and '-' are equivalent) and the first day after its training data ends,
 * from the vendor's model page, at month granularity and rounded up: a
 * cutoff given as "October 2023" is 2023-11-01. pr_llm_model_cutoff takes the
 * longest name a model starts with over every provider's rows, so
 * "gpt-4o-mini-2024-07-18" is gpt-4o-mini and "claude-sonnet-4-5" is not
 * claude-sonnet-4. A model belongs to the provider whose presets serve it
 * (DeepSeek and Llama models to openai, whose API deepseek and local speak). */
typedef struct pr_ai_cutoff {
    const char *model;
    int y, m;
} pr_ai_cutoff;

/* What provider_<name>.c exports as pr_ai_provider_<name>
 * (PR_AI_PROVIDER_DEFINE below). */
typedef struct pr_ai_provider {
    pr_llm_vt vt;                 /* api, build, parse                       */
    const char *name;             /* the row's name: pr_llm_api_name         */
    pr_llm_json_mode json_auto;   /* what json_mode "auto" means             */
    int json_object;              /* 0: json_mode "object" is a config error */
    const pr_ai_preset *presets;  /* at least one, the first named `name`    */
    size_t n_presets;
    const pr_ai_cutoff *cutoffs;  /* at least one                            */
    size_t n_cutoffs;
} pr_ai_provider;

#define PR_AI_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Per provider: its descriptor and its build / parse (also reachable through
 * pr_llm_vt_for). */
#define PR_AI_PROVIDER_DECL_(NAME, name)                                                                             \
    extern const pr_ai_provider pr_ai_provider_##name;                                                               \
    int pr_ai_##name##_build(const pr_llm_config *c, const pr_llm_prompt *p, pr_llm_http *out, pr_err *err);         \
    int pr_ai_##name##_parse(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *out,              \
                             pr_err *err);
PR_LLM_PROVIDERS(PR_AI_PROVIDER_DECL_)
#undef PR_AI_PROVIDER_DECL_

/* Defines pr_ai_provider_<name> in provider_<name>.c from its build, parse,
 * k_presets and k_cutoffs, so the value, name and functions cannot disagree
 * with the row in providers.h. */
#define PR_AI_PROVIDER_DEFINE(NAME, lower, auto_mode, has_object)                                                    \
    const pr_ai_provider pr_ai_provider_##lower = {                                                                  \
        .vt = {PR_LLM_API_##NAME, pr_ai_##lower##_build, pr_ai_##lower##_parse},                                     \
        .name = #lower,                                                                                              \
        .json_auto = (auto_mode),                                                                                    \
        .json_object = (has_object),                                                                                 \
        .presets = k_presets,                                                                                        \
        .n_presets = PR_AI_COUNT(k_presets),                                                                         \
        .cutoffs = k_cutoffs,                                                                                        \
        .n_cutoffs = PR_AI_COUNT(k_cutoffs),                                                                         \
    }

/* The i-th provider of the list (0-based), NULL past the end. */
const pr_ai_provider *pr_ai_provider_at(size_t i);
/* The provider of api, NULL when api is not listed. */
const pr_ai_provider *pr_ai_provider_for(pr_llm_api api);

#endif
