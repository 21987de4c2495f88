/* The default transport: one HTTPS POST over libcurl. The API key is added
 * here, as a header, and exists only in a stack buffer that is wiped after
 * the request. Transport failures (timeout, refused, dropped mid-body) are
 * reported in the response, never as a crash or a partial success. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "ai_internal.h"

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct sink {
    pr_llm_http_response *rs;
    size_t cap;
    int oom;
} sink;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
    sink *s = ud;
    size_t n = size * nmemb;
    /* no verdict is 64 MiB: stop a runaway body */
    if (pr_bytes_append(&s->rs->body, &s->rs->body_len, &s->cap, p, n, 8192, (64u << 20)) != PR_OK) {
        s->oom = 1;
        return 0;
    }
    return n;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t cap) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return;
    const char *v = line + k + 1;
    size_t m = n - k - 1;
    while (m > 0 && (*v == ' ' || *v == '\t')) v++, m--;
    while (m > 0 && (v[m - 1] == '\r' || v[m - 1] == '\n' || v[m - 1] == ' ')) m--;
    if (m >= cap) m = cap - 1;
    memcpy(out, v, m);
    out[m] = '\0';
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
    pr_llm_http_response *rs = ud;
    size_t n = size * nmemb;
    /* A new status line (redirect, 100 Continue) starts a fresh header set. */
    if (n > 5 && strncmp(p, "HTTP/", 5) == 0) {
        rs->retry_after[0] = rs->retry_after_ms[0] = rs->should_retry[0] = rs->ratelimit_reset[0] = '\0';
        return n;
    }
    header_value(p, n, "retry-after", rs->retry_after, sizeof rs->retry_after);
    header_value(p, n, "retry-after-ms", rs->retry_after_ms, sizeof rs->retry_after_ms);
    header_value(p, n, "x-should-retry", rs->should_retry, sizeof rs->should_retry);
    header_value(p, n, "x-ratelimit-reset", rs->ratelimit_reset, sizeof rs->ratelimit_reset);
    return n;
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pr_llm_http_send(const pr_llm_http *rq, const char *key, double timeout_s, pr_llm_http_response *out) {
    memset(out, 0, sizeof *out);
    if (!rq || !rq->body) {
        out->transport = PR_LLM_FAIL_TRANSPORT;
        pr_strlcpy(out->error, "no request", sizeof out->error);
        return PR_OK;
    }
    pthread_once(&g_curl_once, curl_init_once);
    CURL *c = curl_easy_init();
    if (!c) {
        out->transport = PR_LLM_FAIL_TRANSPORT;
        pr_strlcpy(out->error, "curl_easy_init failed", sizeof out->error);
        return PR_OK;
    }
    struct curl_slist *hl = NULL;
    for (size_t i = 0; i < rq->n_headers; i++) hl = curl_slist_append(hl, rq->headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    char auth[1024] = "";
    if (key && *key && rq->auth != PR_LLM_AUTH_NONE) {
        const char *fmt = rq->auth == PR_LLM_AUTH_BEARER ? "Authorization: Bearer %s"
                          : rq->auth == PR_LLM_AUTH_X_API_KEY ? "x-api-key: %s"
                                                               : "x-goog-api-key: %s";
        if (snprintf(auth, sizeof auth, fmt, key) >= (int)sizeof auth) {
            curl_slist_free_all(hl);
            curl_easy_cleanup(c);
            volatile char *w = auth;
            for (size_t i = 0; i < sizeof auth; i++) w[i] = 0;
            out->transport = PR_LLM_FAIL_TRANSPORT;
            snprintf(out->error, sizeof out->error, "API key longer than %zu characters: refused", sizeof auth - 32);
            return PR_OK;
        }
        hl = curl_slist_append(hl, auth);
    }
    sink s = {out, 0, 0};
    long ms = timeout_s > 0 ? (long)(timeout_s * 1000) : 30000;
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(rq->body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "proratio/0.1");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    int64_t t0 = mono_ms();
    CURLcode rc = curl_easy_perform(c);
    out->latency_ms = mono_ms() - t0;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    out->status = (int)status;
    curl_easy_cleanup(c);
    curl_slist_free_all(hl);
    /* The key must not outlive the request in memory we own. */
    volatile char *w = auth;
    for (size_t i = 0; i < sizeof auth; i++) w[i] = 0;
    if (!out->body) {
        out->body = calloc(1, 1);
        if (!out->body) s.oom = 1;
    }
    switch (rc) {
    case CURLE_OK: out->transport = PR_LLM_OK; break;
    case CURLE_OPERATION_TIMEDOUT: out->transport = PR_LLM_FAIL_TIMEOUT; break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: out->transport = PR_LLM_FAIL_CONNECT; break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR: out->transport = PR_LLM_FAIL_DROPPED; break;
    default: out->transport = PR_LLM_FAIL_TRANSPORT; break;
    }
    if (s.oom) out->transport = PR_LLM_FAIL_TRANSPORT;
    if (out->transport != PR_LLM_OK)
        snprintf(out->error, sizeof out->error, "%s", s.oom ? "response body too large or out of memory"
                                                           : curl_easy_strerror(rc));
    return PR_OK;
}
