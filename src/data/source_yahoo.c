/* Yahoo Finance chart API adapter (unofficial, undocumented: the shape is
 * from public captures, ../shared/fixtures/README.md "Yahoo"): one request
 * per dataset (`/v8/finance/chart/SYM?period1&period2&interval`, the whole
 * range in one reply), parallel arrays timestamp[] and
 * indicators.quote[0].{open,high,low,close,volume}[] whose values may be
 * null (such a row is read as NaN, so the validation reports and skips it,
 * and the hole is a gap). Daily and longer bars are stamped at the
 * exchange's open (13:30 UTC) and are floored onto the project's grid.
 * Errors: {"chart":{"error":{"code","description"}}}; 404 unknown symbol and
 * 422 range refused are never retried; 429 is plain text without
 * Retry-After (backoff). Hourly bars are not offered: Yahoo's open at :30. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download_internal.h"

static const char *interval(pr_timeframe tf) {
    switch (tf) {
    case PR_TF_1M: return "1m";
    case PR_TF_5M: return "5m";
    case PR_TF_15M: return "15m";
    case PR_TF_30M: return "30m";
    case PR_TF_1D: return "1d";
    case PR_TF_1W: return "1wk";
    case PR_TF_1MO: return "1mo";
    default: return NULL;
    }
}

static int build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms, int64_t to_ms,
                 int limit, pr_dl_request *rq, pr_err *err) {
    (void)key;
    (void)limit;
    const char *iv = interval(tf);
    if (!iv)
        return pr_err_set(err, PR_EUNSUPPORTED, "yahoo: no %s bars (1m 5m 15m 30m 1d 1w 1M; its hourly bars open at "
                          ":30, off the 1h grid: download 30m and resample)", pr_tf_name(tf));
    /* Tickers such as ^GSPC, BRK-B, EURUSD=X: letters, digits and . - ^ =,
     * the last two percent-encoded. */
    char sym[64];
    size_t n = 0;
    for (const char *p = symbol; *p; p++) {
        char c = *p;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!plain && c != '^' && c != '=')
            return pr_err_set(err, PR_EINVAL, "yahoo: symbol '%s': unexpected character '%c'", symbol, c);
        if (n + 4 >= sizeof sym) return pr_err_set(err, PR_EINVAL, "yahoo: symbol '%s' too long", symbol);
        if (plain) sym[n++] = c;
        else n += (size_t)snprintf(sym + n, sizeof sym - n, "%%%02X", (unsigned char)c);
    }
    sym[n] = '\0';
    if (n == 0) return pr_err_set(err, PR_EINVAL, "yahoo: empty symbol");
    char q[256];
    snprintf(q, sizeof q, "/v8/finance/chart/%s?period1=%lld&period2=%lld&interval=%s&includePrePost=false", sym,
             (long long)(from_ms / 1000), (long long)((to_ms + 999) / 1000), iv);
    rq->weight = 0;
    return dl_set_url(rq, base, q, err);
}

static double value_at(const json_t *arr, size_t i) {
    double x;
    return dl_json_number(json_array_get(arr, i), &x) ? x : 0.0 / 0.0;
}

static int parse(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err) {
    json_t *root;
    int rc = dl_json_load(body, len, "yahoo chart", &root, err);
    if (rc != PR_OK) return rc;
    json_t *res = json_array_get(json_object_get(json_object_get(root, "chart"), "result"), 0);
    if (!json_is_object(res)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "yahoo chart: no chart.result[0]");
    }
    json_t *ts = json_object_get(res, "timestamp");
    json_t *q = json_array_get(json_object_get(json_object_get(res, "indicators"), "quote"), 0);
    size_t n = json_array_size(ts); /* no timestamp key: no bars in the range */
    json_t *col[5] = {json_object_get(q, "open"), json_object_get(q, "high"), json_object_get(q, "low"),
                      json_object_get(q, "close"), json_object_get(q, "volume")};
    for (int c = 0; c < 5 && n; c++)
        if (json_array_size(col[c]) != n) {
            json_decref(root);
            return pr_err_set(err, PR_EPARSE, "yahoo chart: indicators.quote[0] arrays do not match timestamp[]");
        }
    rc = pr_series_reserve(out, out->len + n);
    for (size_t i = 0; rc == PR_OK && i < n; i++) {
        json_t *t = json_array_get(ts, i);
        if (!json_is_integer(t)) {
            rc = pr_err_set(err, PR_EPARSE, "yahoo chart: timestamp[%zu] is not an integer", i);
            break;
        }
        int64_t ms = json_integer_value(t) * 1000;
        if (tf >= PR_TF_1D) ms = pr_tf_floor(tf, ms);
        rc = pr_series_push(out, ms, value_at(col[0], i), value_at(col[1], i), value_at(col[2], i),
                            value_at(col[3], i), value_at(col[4], i));
    }
    json_decref(root);
    return rc;
}

static void classify(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    (void)now_ms;
    if (v->kind == PR_DL_OK || !rp->body || rp->len == 0) return;
    json_t *root = json_loadb(rp->body, rp->len, 0, NULL);
    json_t *e = json_object_get(json_object_get(root, "chart"), "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *d = json_string_value(json_object_get(e, "description"));
    if (code) snprintf(v->code, sizeof v->code, "%s", code);
    if (d) snprintf(v->why, sizeof v->why, "%s", d);
    json_decref(root);
}

const pr_dl_source pr_dl_source_yahoo = {
    .name = "yahoo", .venue = "yahoo", .base_url = "https://query1.finance.yahoo.com",
    .asset_class = PR_ASSET_STOCK, .page_bars = 1000000, .build = build, .parse = parse, .classify = classify,
};
