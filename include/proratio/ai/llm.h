/* Part of ai.h: language-model providers.
 *
 * Three wire APIs cover every provider:
 *   OPENAI     Chat Completions: OpenAI, OpenRouter, DeepSeek, local servers
 *              (llama.cpp, Ollama, vLLM). JSON via response_format
 *              json_schema (strict) or json_object.
 *   ANTHROPIC  Messages. JSON by instruction in the system prompt (default)
 *              or output_config.format json_schema.
 *   GEMINI     generateContent. JSON via responseMimeType + responseSchema.
 * Request building and response parsing are pure functions (pr_llm_vt) that
 * never see the API key: the key is attached by the transport at send time
 * (Authorization: Bearer / x-api-key / x-goog-api-key header, never in a
 * URL), so request bodies and headers can be stored and logged as they are.
 *
 * A pr_llm object is one configured provider with its own rate limiter
 * (token bucket), retries (exponential backoff with seeded jitter, honouring
 * Retry-After), and circuit breaker (N consecutive failed calls -> no calls
 * for a cooldown, then one trial call). Clock, sleep and transport are
 * injectable so tests are deterministic and never sleep. */
#ifndef PRORATIO_AI_LLM_H
#define PRORATIO_AI_LLM_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/ai/verdict.h"
#include "proratio/ai/prompt.h"
#include "proratio/ai/providers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One value per row of PR_LLM_PROVIDERS (providers.h), from 1:
 * PR_LLM_API_OPENAI, PR_LLM_API_ANTHROPIC, PR_LLM_API_GEMINI. */
typedef enum pr_llm_api {
    PR_LLM_API_NONE = 0,      /* no API (a zeroed config)                    */
#define PR_LLM_API_VALUE_(NAME, name) PR_LLM_API_##NAME,
    PR_LLM_PROVIDERS(PR_LLM_API_VALUE_)
#undef PR_LLM_API_VALUE_
    PR_LLM_API_END            /* one past the last                           */
} pr_llm_api;

/* The row's name: "openai" "anthropic" "gemini"; "?" for no listed API. */
const char *pr_llm_api_name(pr_llm_api a);

typedef enum pr_llm_json_mode {
    PR_LLM_JSON_AUTO = 0,     /* OPENAI: schema; ANTHROPIC: instruct; GEMINI: schema */
    PR_LLM_JSON_SCHEMA,       /* the API's structured output with the verdict schema */
    PR_LLM_JSON_OBJECT,       /* JSON mode without a schema (OPENAI json_object,
                                 GEMINI responseMimeType only)                   */
    PR_LLM_JSON_INSTRUCT      /* no API option: the prompt asks for JSON         */
} pr_llm_json_mode;

/* "auto" "schema" "object" "instruct". */
const char *pr_llm_json_mode_name(pr_llm_json_mode m);

/* How the transport attaches the key. */
typedef enum pr_llm_auth {
    PR_LLM_AUTH_NONE = 0,     /* no key (local servers)                      */
    PR_LLM_AUTH_BEARER,       /* Authorization: Bearer <key>                 */
    PR_LLM_AUTH_X_API_KEY,    /* x-api-key: <key> (Anthropic)                */
    PR_LLM_AUTH_GOOG          /* x-goog-api-key: <key> (Gemini)              */
} pr_llm_auth;

typedef struct pr_llm_config {
    char name[32];            /* id in votes, logs and the cache ("openai")  */
    char kind[16];            /* preset: openai openrouter deepseek local anthropic gemini */
    pr_llm_api api;
    char base_url[256];       /* e.g. https://api.openai.com/v1              */
    char model[128];
    char key_env[64];         /* environment variable with the key; "" = none */
    double timeout_s;         /* whole request, 30                           */
    double temperature;       /* 0.2; < 0: not sent (models that refuse it)  */
    long max_tokens;          /* 1024                                        */
    int max_tokens_legacy;    /* OPENAI api: send "max_tokens" rather than
                                 "max_completion_tokens"                     */
    int stream_false;         /* OPENAI api: send "stream": false (DeepSeek) */
    int require_parameters;   /* OpenRouter provider.require_parameters      */
    char app_url[128];        /* OpenRouter HTTP-Referer ("" = not sent)     */
    char app_title[64];       /* OpenRouter X-Title                          */
    pr_llm_json_mode json_mode;
    double weight;            /* consensus weight, 1                         */
    double price_in;          /* USD per million input tokens, 0 unknown     */
    double price_out;         /* USD per million output tokens               */
    /* reliability */
    int max_retries;          /* 2 (3 attempts)                              */
    double backoff_base_s;    /* 0.5                                         */
    double backoff_max_s;     /* 8                                           */
    double max_retry_after_s; /* 60: a longer Retry-After ends the call      */
    double rate_per_min;      /* token bucket refill, 60; 0 = unlimited      */
    double burst;             /* bucket size, 5                              */
    int breaker_failures;     /* 3 consecutive failed calls open the circuit */
    double breaker_cooldown_s;/* 300                                         */
    /* First day after the model's training data ends (PR_TIME_NONE: unknown):
     * "knowledge_cutoff" in the config, else pr_llm_model_cutoff(model). */
    int64_t knowledge_cutoff;
} pr_llm_config;

/* Defaults of a preset (kind = openai, openrouter, deepseek, local,
 * anthropic, gemini): api, base URL, model, key variable, JSON mode, token
 * parameter; name = kind. PR_EINVAL for an unknown kind. */
int pr_llm_config_preset(const char *kind, pr_llm_config *out, pr_err *err);
/* Every preset kind in list order, joined by ", " with `last` before the
 * final one ("openai, ..., anthropic or gemini"), into buf (cut to cap). */
void pr_llm_preset_kinds(const char *last, char *buf, size_t cap);
/* Reads one provider object at `path` of cfg ("ai.providers.0"): "kind"
 * (required), then any of name base_url model key_env timeout_s temperature
 * max_tokens max_tokens_field ("max_tokens"|"max_completion_tokens") stream_false
 * require_parameters app_url app_title json_mode weight price_in price_out
 * max_retries backoff_base_s backoff_max_s max_retry_after_s rate_per_min
 * burst breaker_failures breaker_cooldown_s knowledge_cutoff (a date,
 * default from the model table; "unknown" for none). Unknown keys are
 * errors. */
int pr_llm_config_load(const pr_config *cfg, const char *path, pr_llm_config *out, pr_err *err);

/* ---- the wire ----------------------------------------------------------- */
#define PR_LLM_HEADERS_MAX 8

/* A request ready to send (never holds the key). */
typedef struct pr_llm_http {
    char url[512];
    size_t n_headers;
    char headers[PR_LLM_HEADERS_MAX][256];   /* "Name: value"             */
    pr_llm_auth auth;
    char *body;                               /* malloc'd JSON             */
} pr_llm_http;

void pr_llm_http_free(pr_llm_http *h);

/* Why a call produced no verdict. */
typedef enum pr_llm_fail {
    PR_LLM_OK = 0,
    PR_LLM_FAIL_TIMEOUT,      /* no complete answer within timeout_s         */
    PR_LLM_FAIL_CONNECT,      /* connection refused / DNS / TLS              */
    PR_LLM_FAIL_DROPPED,      /* connection closed mid-body                  */
    PR_LLM_FAIL_TRANSPORT,    /* other transport error                       */
    PR_LLM_FAIL_AUTH,         /* 401/403, Gemini API_KEY_INVALID             */
    PR_LLM_FAIL_RATE_LIMIT,   /* 429 (retryable)                             */
    PR_LLM_FAIL_QUOTA,        /* 402, 429 insufficient_quota / spend cap / per-day */
    PR_LLM_FAIL_BAD_REQUEST,  /* 400/404/413/422                             */
    PR_LLM_FAIL_SERVER,       /* 5xx, 408                                    */
    PR_LLM_FAIL_OVERLOADED,   /* 503, 529                                    */
    PR_LLM_FAIL_HTTP,         /* any other non-2xx                           */
    PR_LLM_FAIL_MALFORMED,    /* 2xx body that is not the API's JSON         */
    PR_LLM_FAIL_PROVIDER_ERROR, /* error reported inside a 2xx body          */
    PR_LLM_FAIL_TRUNCATED,    /* finish_reason length / max_tokens / MAX_TOKENS */
    PR_LLM_FAIL_REFUSAL,      /* refusal field / stop_reason refusal         */
    PR_LLM_FAIL_SAFETY,       /* content filter, blocked prompt, SAFETY      */
    PR_LLM_FAIL_EMPTY,        /* no text                                     */
    PR_LLM_FAIL_VERDICT,      /* text is not a valid verdict (see reject)    */
    PR_LLM_FAIL_NO_KEY,       /* key variable not set                        */
    PR_LLM_FAIL_CIRCUIT_OPEN, /* provider marked down after repeated failures */
    PR_LLM_FAIL_BUDGET,       /* call or cost budget exhausted               */
    PR_LLM_FAIL_CACHE_MISS,   /* replay mode and the call is not cached       */
    PR_LLM_FAIL_COUNT
} pr_llm_fail;

/* "ok" "timeout" "connect" "dropped" "transport" "auth" "rate_limit" "quota"
 * "bad_request" "server" "overloaded" "http" "malformed" "provider_error"
 * "truncated" "refusal" "safety" "empty" "verdict" "no_key" "circuit_open"
 * "budget" "cache_miss". */
const char *pr_llm_fail_name(pr_llm_fail f);
int pr_llm_fail_parse(const char *s, pr_llm_fail *out);
/* The pr_status a failure maps to (PR_ETIMEOUT, PR_EIO, PR_EHTTP, PR_EPARSE,
 * PR_EVENUE, PR_ENOTFOUND, PR_ESTATE, PR_ELIMIT). */
int pr_llm_fail_status(pr_llm_fail f);
/* 1 for failures that say the provider is unavailable (transport, HTTP,
 * malformed bodies): they feed the circuit breaker. Content failures
 * (truncated, refusal, safety, empty, verdict) mean the provider is up. */
int pr_llm_fail_is_outage(pr_llm_fail f);

/* What came back over the wire. */
typedef struct pr_llm_http_response {
    int status;               /* HTTP status; 0 when none                    */
    char *body;               /* malloc'd, NUL-terminated (may be partial)   */
    size_t body_len;
    pr_llm_fail transport;    /* OK, TIMEOUT, CONNECT, DROPPED or TRANSPORT  */
    char error[256];          /* transport error text                        */
    /* raw header values ("" when absent) */
    char retry_after[64];     /* Retry-After                                 */
    char retry_after_ms[32];  /* retry-after-ms                              */
    char should_retry[8];     /* x-should-retry                              */
    char ratelimit_reset[32]; /* X-RateLimit-Reset (OpenRouter: epoch ms)    */
    int64_t latency_ms;
    /* The key the request carried (not owned; NULL when none): the parser
     * masks it in every text it takes from the body, before any copy. */
    const char *secret;
} pr_llm_http_response;

void pr_llm_http_response_free(pr_llm_http_response *r);

/* Largest token count a provider may report for one call, per count and
 * per total of input or output; anything outside 0..this is a protocol error. */
#define PR_LLM_TOKENS_MAX 1000000000

/* A parsed reply. */
typedef struct pr_llm_reply {
    pr_llm_fail fail;
    int retryable;
    double retry_after_s;     /* wait hint from the body (Gemini retryDelay), -1 none */
    char *text;               /* the model's text (malloc'd) when fail == OK */
    char finish[32];          /* finish / stop reason as sent                */
    char model[128];          /* model that answered                         */
    long tokens_in, tokens_out; /* each 0..PR_LLM_TOKENS_MAX                 */
    char message[256];        /* provider's error message                    */
    char code[64];            /* provider's error type / code / status       */
} pr_llm_reply;

void pr_llm_reply_free(pr_llm_reply *r);

/* The pure half of a provider. build: prompt -> request. parse: response ->
 * reply; returns 0 when reply->fail == PR_LLM_OK, else pr_llm_fail_status
 * with err describing the failure (PR_ENOMEM / PR_EINVAL only for misuse). */
typedef struct pr_llm_vt {
    pr_llm_api api;
    int (*build)(const pr_llm_config *c, const pr_llm_prompt *p, pr_llm_http *out, pr_err *err);
    int (*parse)(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *out,
                 pr_err *err);
} pr_llm_vt;

const pr_llm_vt *pr_llm_vt_for(pr_llm_api api);

/* Seconds to wait before retrying, from retry-after-ms, then Retry-After
 * (delta seconds or an HTTP date, relative to wall_now_ms), then an
 * X-RateLimit-Reset in epoch milliseconds; -1 when none. */
double pr_llm_retry_after(const pr_llm_http_response *rs, int64_t wall_now_ms);
/* A protobuf / Go duration ("41s", "1.5s", "6m0s", "120ms") in seconds;
 * PR_EPARSE when malformed. */
int pr_llm_parse_duration(const char *s, double *out_s);

/* ---- reliability building blocks (pure, injectable clock) ----------------- */
typedef struct pr_token_bucket {
    double capacity;          /* burst                                       */
    double rate_per_ms;       /* tokens added per ms                         */
    double tokens;
    int64_t last_ms;
} pr_token_bucket;

/* rate_per_min <= 0: unlimited. Starts full. */
void pr_token_bucket_init(pr_token_bucket *b, double rate_per_min, double burst, int64_t now_ms);
/* Takes a token when one is available (returns 0); otherwise takes nothing
 * and returns the ms until one will be. */
int64_t pr_token_bucket_take(pr_token_bucket *b, int64_t now_ms);

typedef struct pr_breaker {
    int threshold;            /* consecutive failures that open it (0: never) */
    int64_t cooldown_ms;
    int consecutive;
    int open;                 /* 1 while open or half-open                   */
    int64_t open_until;
    int trial;                /* 1 while the half-open trial call runs       */
} pr_breaker;

void pr_breaker_init(pr_breaker *b, int threshold, int64_t cooldown_ms);
/* 1 when a call may go out now (closed, or the one trial after cooldown). */
int pr_breaker_allow(pr_breaker *b, int64_t now_ms);
/* Records a call's outcome; returns 1 when this failure opened the circuit. */
int pr_breaker_record(pr_breaker *b, int failed, int64_t now_ms);

/* Backoff before retry number `attempt` (0 = first retry):
 * d = min(max_s, base_s * 2^attempt); returns d * (0.5 + 0.5 u) in ms with u
 * uniform in [0,1) from rng ("equal jitter"). */
int64_t pr_backoff_ms(int attempt, double base_s, double max_s, pr_rng *rng);

/* ---- a provider object ----------------------------------------------------- */
typedef struct pr_llm_hooks {
    int64_t (*mono_ms)(void *ctx);          /* NULL: CLOCK_MONOTONIC            */
    int64_t (*wall_ms)(void *ctx);          /* NULL: pr_time_now_ms             */
    void (*sleep_ms)(void *ctx, int64_t ms);/* NULL: nanosleep                  */
    /* NULL: libcurl. Must fill out (status, body or transport failure). */
    int (*send)(void *ctx, const pr_llm_http *rq, const char *key, double timeout_s,
                pr_llm_http_response *out);
    void *ctx;
    uint64_t seed;                          /* jitter RNG seed                  */
} pr_llm_hooks;

/* Sends one request over libcurl (the default transport). Never fails: the
 * outcome is in out (transport = OK with an HTTP status, or a failure). */
int pr_llm_http_send(const pr_llm_http *rq, const char *key, double timeout_s,
                     pr_llm_http_response *out);

typedef struct pr_llm pr_llm;

/* Creates a provider. The key is read from the environment variable
 * cfg->key_env now (load .env first with pr_env_load); when that variable is
 * unset or empty the call fails with PR_ENOTFOUND and a message naming the
 * variable (never a value). hooks may be NULL. */
int pr_llm_new(const pr_llm_config *cfg, const pr_llm_hooks *hooks, pr_llm **out, pr_err *err);
void pr_llm_free(pr_llm *l);
const pr_llm_config *pr_llm_get_config(const pr_llm *l);

/* The outcome of one call (after retries). */
typedef struct pr_llm_result {
    pr_llm_fail fail;
    pr_verdict_reject reject; /* when fail == PR_LLM_FAIL_VERDICT              */
    int status;               /* pr_status: 0 ok                              */
    char reason[PR_ERR_MSG_MAX]; /* one line, "" when ok (key redacted)       */
    pr_verdict verdict;       /* when fail == PR_LLM_OK                       */
    int http_status;          /* of the last attempt, 0 when none             */
    int attempts;             /* requests sent                                */
    int64_t latency_ms;       /* all attempts, waits included                 */
    long tokens_in, tokens_out;
    double cost;              /* estimated USD from price_in / price_out      */
    char model[128];          /* model that answered ("" when none)           */
    char finish[32];
    char *request;            /* body sent (malloc'd; never holds the key)    */
    char *response;           /* last raw body (malloc'd, key redacted; JSON
                                 re-serialised when a string held a key part) */
    char *text;               /* the model's text (malloc'd)                  */
    int cached;               /* 1 when served from the cache                 */
} pr_llm_result;

void pr_llm_result_free(pr_llm_result *r);

/* One question to this provider: circuit breaker, rate limiter, request,
 * retries, parsing, verdict validation. Returns 0 with out->fail == OK and a
 * validated verdict, or out->status (also filling err) for any failure; out
 * is always filled (free it with pr_llm_result_free). */
int pr_llm_call(pr_llm *l, const pr_llm_prompt *p, pr_llm_result *out, pr_err *err);

typedef struct pr_llm_stats {
    size_t calls;             /* pr_llm_call invocations                      */
    size_t requests;          /* HTTP requests sent                           */
    size_t failures;          /* calls that failed                            */
    size_t retries;
    int circuit_open;         /* 1 while open                                 */
    int consecutive_failures;
} pr_llm_stats;

void pr_llm_get_stats(const pr_llm *l, pr_llm_stats *out);

/* A copy of s (malloc'd) with the provider's key replaced by "[REDACTED]"
 * wherever it appears, raw or JSON-escaped, and with the pieces of it a cut
 * leaves masked too (see src/ai/redact.c); a plain copy when there is no key. */
char *pr_llm_redact(const pr_llm *l, const char *s);

/* The knowledge cutoff of a known model (the k_cutoffs rows of each
 * src/ai/provider_<name>.c: OpenAI, DeepSeek and Llama models in
 * provider_openai.c, Anthropic's and Gemini's in theirs), PR_TIME_NONE when unknown.
 * A "vendor/" prefix is ignored and '.' matches '-' ("anthropic/claude-sonnet-4.5"
 * is claude-sonnet-4-5); the longest known name the model starts with wins. */
int64_t pr_llm_model_cutoff(const char *model);

/* Contamination: whether provider c, asked about decisions from `from` to
 * `to` with identifiable prompts (anonymised == 0), may answer from memory
 * of what happened next. Returns 1 when the prompts were not anonymised and
 * `from` is before c->knowledge_cutoff, or the cutoff is unknown; 0 for
 * anonymised prompts, for decisions all after the cutoff, or when nothing
 * was asked (from == PR_TIME_NONE). why (may be NULL) gets one line naming
 * the provider, model, cutoff and period when it returns 1. */
int pr_llm_contaminated(const pr_llm_config *c, int anonymised, int64_t from, int64_t to, char *why,
                        size_t cap);

/* Estimated cost of a call in USD. */
double pr_llm_cost(const pr_llm_config *c, long tokens_in, long tokens_out);

#ifdef __cplusplus
}
#endif
#endif
