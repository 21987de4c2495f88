/* Provider configuration: a preset (from the providers' tables), loading one
 * provider object from the JSON config with path-aware errors, and the
 * names / status codes of call failures. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ai_internal.h"

static const char *const k_json_modes[] = {"auto", "schema", "object", "instruct", NULL};

const char *pr_llm_json_mode_name(pr_llm_json_mode m) {
    return (unsigned)m <= PR_LLM_JSON_INSTRUCT ? k_json_modes[m] : "?";
}

static const char *const k_fails[PR_LLM_FAIL_COUNT] = {
    "ok", "timeout", "connect", "dropped", "transport", "auth", "rate_limit", "quota",
    "bad_request", "server", "overloaded", "http", "malformed", "provider_error", "truncated",
    "refusal", "safety", "empty", "verdict", "no_key", "circuit_open", "budget", "cache_miss"};

const char *pr_llm_fail_name(pr_llm_fail f) {
    return (unsigned)f < PR_LLM_FAIL_COUNT ? k_fails[f] : "?";
}

int pr_llm_fail_parse(const char *s, pr_llm_fail *out) {
    for (int i = 0; s && i < PR_LLM_FAIL_COUNT; i++)
        if (strcmp(s, k_fails[i]) == 0) {
            *out = (pr_llm_fail)i;
            return PR_OK;
        }
    return PR_EINVAL;
}

int pr_llm_fail_status(pr_llm_fail f) {
    switch (f) {
    case PR_LLM_OK: return PR_OK;
    case PR_LLM_FAIL_TIMEOUT: return PR_ETIMEOUT;
    case PR_LLM_FAIL_CONNECT:
    case PR_LLM_FAIL_DROPPED:
    case PR_LLM_FAIL_TRANSPORT: return PR_EIO;
    case PR_LLM_FAIL_AUTH:
    case PR_LLM_FAIL_RATE_LIMIT:
    case PR_LLM_FAIL_QUOTA:
    case PR_LLM_FAIL_BAD_REQUEST:
    case PR_LLM_FAIL_SERVER:
    case PR_LLM_FAIL_OVERLOADED:
    case PR_LLM_FAIL_HTTP: return PR_EHTTP;
    case PR_LLM_FAIL_MALFORMED:
    case PR_LLM_FAIL_TRUNCATED:
    case PR_LLM_FAIL_EMPTY:
    case PR_LLM_FAIL_VERDICT: return PR_EPARSE;
    case PR_LLM_FAIL_PROVIDER_ERROR:
    case PR_LLM_FAIL_REFUSAL:
    case PR_LLM_FAIL_SAFETY: return PR_EVENUE;
    case PR_LLM_FAIL_NO_KEY:
    case PR_LLM_FAIL_CACHE_MISS: return PR_ENOTFOUND;
    case PR_LLM_FAIL_CIRCUIT_OPEN: return PR_ESTATE;
    case PR_LLM_FAIL_BUDGET: return PR_ELIMIT;
    default: return PR_EINVAL;
    }
}

int pr_llm_fail_is_outage(pr_llm_fail f) {
    return f >= PR_LLM_FAIL_TIMEOUT && f <= PR_LLM_FAIL_PROVIDER_ERROR;
}

int pr_llm_config_preset(const char *kind, pr_llm_config *out, pr_err *err) {
    const pr_ai_preset *p = NULL;
    const pr_ai_provider *api = NULL, *q;
    for (size_t i = 0; kind && (q = pr_ai_provider_at(i)); i++)
        for (size_t j = 0; j < q->n_presets; j++)
            if (strcmp(kind, q->presets[j].kind) == 0) p = &q->presets[j], api = q;
    if (!p || !out) {
        char kinds[256];
        pr_llm_preset_kinds(" or ", kinds, sizeof kinds);
        return pr_err_set(err, PR_EINVAL, "unknown provider kind '%s' (expected %s)", kind ? kind : "", kinds);
    }
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->name, p->kind, sizeof out->name);
    pr_strlcpy(out->kind, p->kind, sizeof out->kind);
    out->api = api->vt.api;
    pr_strlcpy(out->base_url, p->base_url, sizeof out->base_url);
    pr_strlcpy(out->model, p->model, sizeof out->model);
    pr_strlcpy(out->key_env, p->key_env, sizeof out->key_env);
    out->json_mode = p->json;
    out->max_tokens_legacy = p->legacy_tokens;
    out->stream_false = p->stream_false;
    out->require_parameters = p->require_parameters;
    out->timeout_s = 30;
    out->temperature = 0.2;
    out->max_tokens = 1024;
    out->weight = 1;
    out->max_retries = 2;
    out->backoff_base_s = 0.5;
    out->backoff_max_s = 8;
    out->max_retry_after_s = 60;
    out->rate_per_min = 60;
    out->burst = 5;
    out->breaker_failures = 3;
    out->breaker_cooldown_s = 300;
    out->knowledge_cutoff = pr_llm_model_cutoff(out->model);
    return PR_OK;
}

int pr_llm_config_load(const pr_config *cfg, const char *path, pr_llm_config *out, pr_err *err) {
    static const char *const keys[] = {
        "kind", "name", "base_url", "model", "key_env", "timeout_s", "temperature", "max_tokens",
        "max_tokens_field", "stream_false", "require_parameters", "app_url", "app_title", "json_mode",
        "weight", "price_in", "price_out", "max_retries", "backoff_base_s", "backoff_max_s",
        "max_retry_after_s", "rate_per_min", "burst", "breaker_failures", "breaker_cooldown_s",
        "knowledge_cutoff", NULL};
    char p[160], kind[32], kinds[256];
    int rc;
    if ((rc = pr_config_check_keys(cfg, path, keys, err))) return rc;
#define PATH(k) (snprintf(p, sizeof p, "%s.%s", path, k), p)
    if (!pr_config_has(cfg, PATH("kind"))) {
        pr_err_at(err, NULL, 0, 0, p);
        pr_llm_preset_kinds(", ", kinds, sizeof kinds);
        return pr_err_set(err, PR_EINVAL, "%s: required (%s)", p, kinds);
    }
    if ((rc = pr_config_string(cfg, PATH("kind"), "", kind, sizeof kind, err))) return rc;
    if ((rc = pr_llm_config_preset(kind, out, err))) {
        pr_err_at(err, NULL, 0, 0, p);
        pr_llm_preset_kinds(" or ", kinds, sizeof kinds);
        return pr_err_set(err, PR_EINVAL, "%s: unknown provider kind '%s' (expected %s)", p, kind, kinds);
    }
    pr_llm_config d = *out;
    long l;
    int b, idx;
    if ((rc = pr_config_string(cfg, PATH("name"), d.name, out->name, sizeof out->name, err)) ||
        (rc = pr_config_string(cfg, PATH("base_url"), d.base_url, out->base_url, sizeof out->base_url, err)) ||
        (rc = pr_config_string(cfg, PATH("model"), d.model, out->model, sizeof out->model, err)) ||
        (rc = pr_config_string(cfg, PATH("key_env"), d.key_env, out->key_env, sizeof out->key_env, err)) ||
        (rc = pr_config_string(cfg, PATH("app_url"), "", out->app_url, sizeof out->app_url, err)) ||
        (rc = pr_config_string(cfg, PATH("app_title"), "", out->app_title, sizeof out->app_title, err)) ||
        (rc = pr_config_number(cfg, PATH("timeout_s"), d.timeout_s, 0, 3600, 1, &out->timeout_s, err)) ||
        (rc = pr_config_number(cfg, PATH("temperature"), d.temperature, -1, 2, 0, &out->temperature, err)) ||
        (rc = pr_config_number(cfg, PATH("weight"), d.weight, 0, 1e6, 0, &out->weight, err)) ||
        (rc = pr_config_number(cfg, PATH("price_in"), 0, 0, 1e6, 0, &out->price_in, err)) ||
        (rc = pr_config_number(cfg, PATH("price_out"), 0, 0, 1e6, 0, &out->price_out, err)) ||
        (rc = pr_config_number(cfg, PATH("backoff_base_s"), d.backoff_base_s, 0, 600, 0, &out->backoff_base_s, err)) ||
        (rc = pr_config_number(cfg, PATH("backoff_max_s"), d.backoff_max_s, 0, 3600, 0, &out->backoff_max_s, err)) ||
        (rc = pr_config_number(cfg, PATH("max_retry_after_s"), d.max_retry_after_s, 0, 86400, 0,
                               &out->max_retry_after_s, err)) ||
        (rc = pr_config_number(cfg, PATH("rate_per_min"), d.rate_per_min, 0, 1e6, 0, &out->rate_per_min, err)) ||
        (rc = pr_config_number(cfg, PATH("burst"), d.burst, 1, 1e6, 0, &out->burst, err)) ||
        (rc = pr_config_number(cfg, PATH("breaker_cooldown_s"), d.breaker_cooldown_s, 0, 86400, 0,
                               &out->breaker_cooldown_s, err)))
        return rc;
    if ((rc = pr_config_int(cfg, PATH("max_tokens"), d.max_tokens, 1, 1000000, &l, err))) return rc;
    out->max_tokens = l;
    if ((rc = pr_config_int(cfg, PATH("max_retries"), d.max_retries, 0, 10, &l, err))) return rc;
    out->max_retries = (int)l;
    if ((rc = pr_config_int(cfg, PATH("breaker_failures"), d.breaker_failures, 0, 1000, &l, err))) return rc;
    out->breaker_failures = (int)l;
    if ((rc = pr_config_bool(cfg, PATH("stream_false"), d.stream_false, &b, err))) return rc;
    out->stream_false = b;
    if ((rc = pr_config_bool(cfg, PATH("require_parameters"), d.require_parameters, &b, err))) return rc;
    out->require_parameters = b;
    static const char *const token_fields[] = {"max_completion_tokens", "max_tokens", NULL};
    if ((rc = pr_config_enum(cfg, PATH("max_tokens_field"), token_fields[d.max_tokens_legacy], token_fields,
                             &idx, err)))
        return rc;
    out->max_tokens_legacy = idx;
    if ((rc = pr_config_enum(cfg, PATH("json_mode"), k_json_modes[d.json_mode], k_json_modes, &idx, err)))
        return rc;
    out->json_mode = (pr_llm_json_mode)idx;
    const pr_ai_provider *api = pr_ai_provider_for(out->api);
    if (out->json_mode == PR_LLM_JSON_OBJECT && api && !api->json_object) {
        PATH("json_mode");
        pr_err_at(err, NULL, 0, 0, p);
        return pr_err_set(err, PR_EINVAL, "%s: %s has no JSON object mode (use schema or instruct)", p, api->name);
    }
    out->knowledge_cutoff = pr_llm_model_cutoff(out->model);
    if (pr_config_has(cfg, PATH("knowledge_cutoff"))) {
        char when[40];
        pr_err te;
        if ((rc = pr_config_string(cfg, p, "", when, sizeof when, err))) return rc;
        if (strcmp(when, "unknown") == 0) out->knowledge_cutoff = PR_TIME_NONE;
        else if (pr_time_parse(when, (size_t)-1, &out->knowledge_cutoff, &te) != PR_OK) {
            pr_err_at(err, NULL, 0, 0, p);
            return pr_err_set(err, PR_EINVAL, "%s: expected a date such as \"2024-06-01\" or \"unknown\", got \"%s\"",
                              p, when);
        }
    }
    if (!out->name[0]) {
        PATH("name");
        pr_err_at(err, NULL, 0, 0, p);
        return pr_err_set(err, PR_EINVAL, "%s: must not be empty", p);
    }
#undef PATH
    return PR_OK;
}

double pr_llm_cost(const pr_llm_config *c, long tokens_in, long tokens_out) {
    if (!c) return 0;
    double v = (double)(tokens_in > 0 ? tokens_in : 0) * c->price_in / 1e6 +
               (double)(tokens_out > 0 ? tokens_out : 0) * c->price_out / 1e6;
    return isfinite(v) ? v : 0;
}
