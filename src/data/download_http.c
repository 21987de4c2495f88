/* The downloads' (and the venue adapters') default transport: HTTP over
 * libcurl (GET, or POST / PUT / DELETE with the parameters in the URL), one handle per
 * session so consecutive pages reuse the connection. A body cut off before
 * its Content-Length is a transport failure (retried), never a short page. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "proratio/data/download.h"

struct pr_dl_http {
    CURL *c;
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

void pr_dl_reply_free(pr_dl_reply *r) {
    if (!r) return;
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

int pr_dl_http_new(pr_dl_http **out, pr_err *err) {
    pthread_once(&g_once, init_once);
    pr_dl_http *h = calloc(1, sizeof *h);
    if (h) h->c = curl_easy_init();
    if (!h || !h->c) {
        free(h);
        return pr_err_set(err, PR_ENOMEM, "cannot start the HTTP client (curl_easy_init)");
    }
    *out = h;
    return PR_OK;
}

void pr_dl_http_free(pr_dl_http *h) {
    if (!h) return;
    curl_easy_cleanup(h->c);
    free(h);
}

typedef struct sink {
    pr_dl_reply *rp;
    size_t cap;
    int oom;
} sink;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
    sink *s = ud;
    size_t n = size * nmemb;
    /* no page is 256 MiB: stop a runaway body */
    if (pr_bytes_append(&s->rp->body, &s->rp->len, &s->cap, p, n, 65536, (256u << 20)) != PR_OK) {
        s->oom = 1;
        return 0;
    }
    return n;
}

/* The value of header `name` when line is that header, else NULL (len set). */
static const char *header_is(const char *line, size_t n, const char *name, size_t *len) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return NULL;
    const char *v = line + k + 1;
    size_t m = n - k - 1;
    while (m > 0 && (*v == ' ' || *v == '\t')) v++, m--;
    while (m > 0 && (v[m - 1] == '\r' || v[m - 1] == '\n' || v[m - 1] == ' ')) m--;
    *len = m;
    return v;
}

static int64_t header_int(const char *v, size_t m) {
    int64_t x = 0;
    if (m == 0 || m > 18) return -1;
    for (size_t i = 0; i < m; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
    pr_dl_reply *rp = ud;
    size_t n = size * nmemb, m;
    const char *v;
    if (n > 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (redirect): fresh headers */
        rp->retry_after_ms = rp->used_weight = rp->server_ms = -1;
        rp->order_count_10s = rp->order_count_1m = rp->order_count_1d = -1;
        return n;
    }
    if ((v = header_is(p, n, "retry-after", &m))) {
        int64_t s = header_int(v, m);
        rp->retry_after_ms = s >= 0 ? s * 1000 : -1;
    } else if ((v = header_is(p, n, "x-mbx-used-weight-1m", &m))) {
        rp->used_weight = header_int(v, m);
    } else if ((v = header_is(p, n, "x-mbx-order-count-10s", &m))) {
        rp->order_count_10s = header_int(v, m);
    } else if ((v = header_is(p, n, "x-mbx-order-count-1m", &m))) {
        rp->order_count_1m = header_int(v, m);
    } else if ((v = header_is(p, n, "x-mbx-order-count-1d", &m))) {
        rp->order_count_1d = header_int(v, m);
    } else if ((v = header_is(p, n, "date", &m))) {
        char d[64];
        if (m < sizeof d) {
            memcpy(d, v, m);
            d[m] = '\0';
            time_t t = curl_getdate(d, NULL);
            rp->server_ms = t >= 0 ? (int64_t)t * 1000 : -1;
        }
    }
    return n;
}

/* One request: GET, or POST of `body` (JSON) when it is not NULL. */
static int transfer(pr_dl_http *h, const pr_dl_request *rq, const char *body, double timeout_s, pr_dl_reply *out) {
    memset(out, 0, sizeof *out);
    out->retry_after_ms = out->used_weight = out->server_ms = -1;
    out->order_count_10s = out->order_count_1m = out->order_count_1d = -1;
    CURL *c = h->c;
    curl_easy_reset(c);
    struct curl_slist *hl = NULL;
    for (size_t i = 0; i < rq->n_headers; i++) hl = curl_slist_append(hl, rq->headers[i]);
    if (body) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
        hl = curl_slist_append(hl, "Expect:");
    }
    sink s = {out, 0, 0};
    long ms = (long)((timeout_s > 0 ? timeout_s : 30) * 1000);
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    /* libcurl silently sends a request again when a kept-alive connection
     * dies before any answer; for an order that is a second order (for a
     * notification, a second message). Requests that change something go on
     * a connection of their own. */
    int changes = body || (rq->method[0] && strcmp(rq->method, "GET") != 0);
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, changes ? 1L : 0L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    } else if (strcmp(rq->method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    } else if (rq->method[0] && strcmp(rq->method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (hl) curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "proratio/1 (data download)");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    if (!out->body) out->body = calloc(1, 1);
    if (rc != CURLE_OK || s.oom || !out->body) {
        out->transport = 1;
        snprintf(out->error, sizeof out->error, "%s",
                 s.oom || !out->body ? "response body too large or out of memory"
                 : rc == CURLE_PARTIAL_FILE ? "body cut off before its announced length"
                                            : curl_easy_strerror(rc));
    }
    return PR_OK;
}

int pr_dl_http_get(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out) {
    return transfer(user, rq, NULL, timeout_s, out);
}

int pr_dl_http_post(void *user, const pr_dl_request *rq, const char *json, double timeout_s, pr_dl_reply *out) {
    return transfer(user, rq, json ? json : "", timeout_s, out);
}
