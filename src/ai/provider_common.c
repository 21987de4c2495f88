/* What the three wire APIs share: request assembly helpers, HTTP status
 * classification, failure replies, Retry-After / duration parsing, token
 * counts checked at the parse boundary and the table of providers (one
 * descriptor per row of providers.h). */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai_internal.h"

/* The providers in list order; each row of PR_LLM_PROVIDERS adds one. */
static const pr_ai_provider *const k_providers[] = {
#define PR_AI_PROVIDER_ROW_(NAME, name) &pr_ai_provider_##name,
    PR_LLM_PROVIDERS(PR_AI_PROVIDER_ROW_)
#undef PR_AI_PROVIDER_ROW_
};

const pr_ai_provider *pr_ai_provider_at(size_t i) {
    return i < PR_AI_COUNT(k_providers) ? k_providers[i] : NULL;
}

const pr_ai_provider *pr_ai_provider_for(pr_llm_api api) {
    for (size_t i = 0; i < PR_AI_COUNT(k_providers); i++)
        if (k_providers[i]->vt.api == api) return k_providers[i];
    return NULL;
}

const pr_llm_vt *pr_llm_vt_for(pr_llm_api api) {
    const pr_ai_provider *p = pr_ai_provider_for(api);
    return p ? &p->vt : NULL;
}

const char *pr_llm_api_name(pr_llm_api a) {
    const pr_ai_provider *p = pr_ai_provider_for(a);
    return p ? p->name : "?";
}

void pr_llm_preset_kinds(const char *last, char *buf, size_t cap) {
    size_t total = 0, k = 0, n = 0;
    if (!cap) return;
    buf[0] = '\0';
    for (size_t i = 0; i < PR_AI_COUNT(k_providers); i++) total += k_providers[i]->n_presets;
    for (size_t i = 0; i < PR_AI_COUNT(k_providers); i++)
        for (size_t j = 0; j < k_providers[i]->n_presets; j++, k++) {
            const char *sep = k == 0 ? "" : k + 1 == total ? last : ", ";
            int w = n < cap ? snprintf(buf + n, cap - n, "%s%s", sep, k_providers[i]->presets[j].kind) : -1;
            if (w < 0) return; /* full: snprintf cut and terminated it */
            n += (size_t)w;
        }
}

char *pr_ai_dumps(const json_t *j) { return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)); }

void pr_llm_http_free(pr_llm_http *h) {
    if (!h) return;
    free(h->body);
    h->body = NULL;
}

void pr_llm_http_response_free(pr_llm_http_response *r) {
    if (!r) return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

void pr_llm_reply_free(pr_llm_reply *r) {
    if (!r) return;
    free(r->text);
    r->text = NULL;
}

int pr_ai_http_url(pr_llm_http *h, pr_err *err, const char *fmt, ...) {
    memset(h, 0, sizeof *h);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(h->url, sizeof h->url, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof h->url) return pr_err_set(err, PR_ELIMIT, "request URL too long");
    return PR_OK;
}

int pr_ai_http_header(pr_llm_http *h, pr_err *err, const char *fmt, ...) {
    if (h->n_headers >= PR_LLM_HEADERS_MAX) return pr_err_set(err, PR_ELIMIT, "too many request headers");
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(h->headers[h->n_headers], sizeof h->headers[0], fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof h->headers[0]) return pr_err_set(err, PR_ELIMIT, "request header too long");
    h->n_headers++;
    return PR_OK;
}

pr_llm_json_mode pr_ai_json_mode(const pr_llm_config *c) {
    if (c->json_mode != PR_LLM_JSON_AUTO) return c->json_mode;
    const pr_ai_provider *p = pr_ai_provider_for(c->api);
    return p ? p->json_auto : PR_LLM_JSON_SCHEMA;
}

static int keyish(char ch) { return isalnum((unsigned char)ch) || ch == '-' || ch == '_'; }

void pr_ai_json_text(json_t *obj, const char *key, char *buf, size_t cap) {
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        pr_strlcpy(buf, s, cap);
        size_t n = cap ? strlen(buf) : 0;
        /* Cut inside a word: redaction (before this copy) masked every key
         * piece of 8+ characters, so dropping up to 7 characters of the cut
         * word leaves no key prefix at the cut, whatever the key. */
        if (n > 0 && keyish(s[n]))
            for (int k = 0; k < 7 && n > 0 && keyish(buf[n - 1]); k++) buf[--n] = '\0';
    } else if (json_is_integer(v)) snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (cap) buf[0] = '\0';
}

long pr_ai_json_long(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    /* Only values a long holds: anything else is not a code we know. */
    if (json_is_integer(v) && json_integer_value(v) >= LONG_MIN && json_integer_value(v) <= LONG_MAX)
        return (long)json_integer_value(v);
    if (json_is_real(v) && json_real_value(v) >= -1e15 && json_real_value(v) <= 1e15)
        return (long)json_real_value(v);
    return 0;
}

int pr_ai_usage(const pr_llm_config *c, const pr_llm_http_response *rs, pr_llm_reply *r, json_t *usage,
                const char *where, const char *const *keys, long *out, int *rc, pr_err *err) {
    long sum = 0;
    *out = 0;
    for (; *keys; keys++) {
        json_t *v = json_object_get(usage, *keys);
        if (!v || json_is_null(v)) continue; /* a count a provider leaves out is none */
        double d = json_is_integer(v) ? (double)json_integer_value(v) : json_is_real(v) ? json_real_value(v) : -1;
        long n = 0;
        int ok = (json_is_integer(v) || json_is_real(v)) && d >= 0 && d <= PR_LLM_TOKENS_MAX && d == (double)(long)d;
        if (ok) n = json_is_integer(v) ? (long)json_integer_value(v) : (long)d;
        if (!ok) {
            char shown[48];
            char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
            snprintf(shown, sizeof shown, "%s", t ? t : "?");
            free(t);
            *rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 0, rs->status, err,
                                   "protocol error: %s.%s is %s, not a token count in 0..%d", where, *keys, shown,
                                   PR_LLM_TOKENS_MAX);
            return 1;
        }
        if (__builtin_add_overflow(sum, n, &sum) || sum > PR_LLM_TOKENS_MAX) {
            *rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 0, rs->status, err,
                                   "protocol error: %s token counts up to %s sum to more than %d", where, *keys,
                                   PR_LLM_TOKENS_MAX);
            return 1;
        }
    }
    *out = sum;
    return 0;
}

void pr_ai_classify_status(int status, pr_llm_fail *f, int *retryable) {
    *retryable = 0;
    if (status == 401 || status == 403) *f = PR_LLM_FAIL_AUTH;
    else if (status == 402) *f = PR_LLM_FAIL_QUOTA;
    else if (status == 429) {
        *f = PR_LLM_FAIL_RATE_LIMIT;
        *retryable = 1;
    } else if (status == 400 || status == 404 || status == 413 || status == 422)
        *f = PR_LLM_FAIL_BAD_REQUEST;
    else if (status == 503 || status == 529) {
        *f = PR_LLM_FAIL_OVERLOADED;
        *retryable = 1;
    } else if (status == 408 || (status >= 500 && status <= 599)) {
        *f = PR_LLM_FAIL_SERVER;
        *retryable = 1;
    } else
        *f = PR_LLM_FAIL_HTTP;
}

int pr_ai_reply_fail(const pr_llm_config *c, pr_llm_reply *r, pr_llm_fail f, int retryable,
                     int http_status, pr_err *err, const char *fmt, ...) {
    r->fail = f;
    r->retryable = retryable;
    free(r->text);
    r->text = NULL;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int code = pr_llm_fail_status(f);
    if (err) {
        if (http_status) err->http_status = http_status;
        if (r->code[0]) pr_strlcpy(err->venue_code, r->code, sizeof err->venue_code);
        if (r->message[0])
            pr_err_set(err, code, "%s: %s (%s): %s", c->name, what, pr_llm_fail_name(f), r->message);
        else
            pr_err_set(err, code, "%s: %s (%s)", c->name, what, pr_llm_fail_name(f));
    }
    return code;
}

int pr_ai_parse_prologue(const char *api, const pr_llm_config *c, const pr_llm_http_response *rs,
                         pr_llm_reply *r, pr_ai_error_body_fn error_body, json_t **body, int *rc,
                         pr_err *err) {
    *body = NULL;
    if (!c || !rs || !r) {
        *rc = pr_err_set(err, PR_EINVAL, "%s parse: NULL argument", api);
        return 1;
    }
    memset(r, 0, sizeof *r);
    r->retry_after_s = -1;
    if (rs->transport != PR_LLM_OK) {
        *rc = pr_ai_reply_fail(c, r, rs->transport, 1, rs->status, err, "%s",
                               rs->error[0] ? rs->error : "transport failure");
        return 1;
    }
    json_error_t e;
    /* Leading blank lines (DeepSeek keep-alives while queued) are JSON whitespace. */
    json_t *j = rs->body ? json_loadb(rs->body, rs->body_len, JSON_REJECT_DUPLICATES, &e) : NULL;
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    /* Before anything is copied into a fixed buffer (and cut there). */
    pr_redact_json(rs->secret, j);
    if (!j && rs->status >= 200 && rs->status < 300) {
        *rc = pr_ai_reply_fail(c, r, PR_LLM_FAIL_MALFORMED, 1, rs->status, err,
                               "HTTP %d with a body that is not a JSON object", rs->status);
        return 1;
    }
    if (rs->status < 200 || rs->status >= 300) {
        *rc = error_body(c, rs, j, r, err);
        json_decref(j);
        return 1;
    }
    *body = j;
    return 0;
}

int pr_llm_parse_duration(const char *s, double *out_s) {
    if (!s || !*s || !out_s) return PR_EPARSE;
    double total = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v) || v < 0) return PR_EPARSE;
        p = end;
        double unit;
        if (strncmp(p, "ms", 2) == 0) unit = 1e-3, p += 2;
        else if (strncmp(p, "us", 2) == 0) unit = 1e-6, p += 2;
        else if (strncmp(p, "ns", 2) == 0) unit = 1e-9, p += 2;
        else if (*p == 'h') unit = 3600, p++;
        else if (*p == 'm') unit = 60, p++;
        else if (*p == 's') unit = 1, p++;
        else return PR_EPARSE;
        total += v * unit;
    }
    *out_s = total;
    return PR_OK;
}

/* IMF-fixdate "Wed, 15 Jul 2026 12:00:23 GMT" -> ms. */
static int http_date(const char *s, int64_t *out) {
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char wd[4], mn[4], zone[4];
    int d, y, h, mi, sec;
    if (sscanf(s, "%3[A-Za-z], %d %3s %d %d:%d:%d %3s", wd, &d, mn, &y, &h, &mi, &sec, zone) != 8) return PR_EPARSE;
    if (strcmp(zone, "GMT") != 0) return PR_EPARSE;
    for (int m = 0; m < 12; m++)
        if (strcmp(mn, mon[m]) == 0) return pr_time_make(y, m + 1, d, h, mi, sec, out);
    return PR_EPARSE;
}

double pr_llm_retry_after(const pr_llm_http_response *rs, int64_t wall_now_ms) {
    if (!rs) return -1;
    char *end;
    if (rs->retry_after_ms[0]) {
        double v = strtod(rs->retry_after_ms, &end);
        if (end != rs->retry_after_ms && *end == '\0' && isfinite(v) && v >= 0) return v / 1000.0;
    }
    if (rs->retry_after[0]) {
        double v = strtod(rs->retry_after, &end);
        if (end != rs->retry_after && *end == '\0' && isfinite(v) && v >= 0) return v;
        int64_t at;
        if (http_date(rs->retry_after, &at) == 0) return at > wall_now_ms ? (double)(at - wall_now_ms) / 1000.0 : 0;
    }
    if (rs->ratelimit_reset[0]) {
        double v = strtod(rs->ratelimit_reset, &end);
        /* OpenRouter sends epoch milliseconds; anything smaller is not a time. */
        if (end != rs->ratelimit_reset && *end == '\0' && v > 1e12)
            return v > (double)wall_now_ms ? (v - (double)wall_now_ms) / 1000.0 : 0;
    }
    return -1;
}
