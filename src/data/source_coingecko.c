/* CoinGecko OHLC adapter (../shared/fixtures/README.md "CoinGecko"), the
 * coarse keyless fallback: `/api/v3/coins/{id}/ohlc?vs_currency=usd&days=N`
 * returns the last N days as [[close_time_ms, o, h, l, c], ...] with the
 * candle size chosen by N (1 day -> 30m, 7-30 days -> 4h), no volume, no
 * range parameters: the newest 1 day (30m) or 30 days (4h) only. Stamps are
 * candle close times and are turned into open times. Errors
 * {"status":{"error_code","error_message"}} (401, 429 with Retry-After) and
 * {"error":"..."} (404 unknown coin id, never retried). Symbols are coin ids
 * (bitcoin, ethereum) priced in USD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download_internal.h"

static int build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms, int64_t to_ms,
                 int limit, pr_dl_request *rq, pr_err *err) {
    (void)key;
    (void)limit;
    int days;
    if (tf == PR_TF_30M) {
        days = 1;
    } else if (tf == PR_TF_4H) {
        int64_t span = to_ms - from_ms; /* to_ms: the download's end, its clock's now at most */
        days = span <= 7 * PR_MS_PER_DAY ? 7 : span <= 14 * PR_MS_PER_DAY ? 14 : 30;
    } else {
        return pr_err_set(err, PR_EUNSUPPORTED, "coingecko: 30m (last day) or 4h (last 30 days) only");
    }
    for (const char *p = symbol; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return pr_err_set(err, PR_EINVAL, "coingecko: '%s': expected a coin id such as bitcoin (a-z, 0-9, '-')",
                              symbol);
    if (!*symbol || strlen(symbol) > 31) return pr_err_set(err, PR_EINVAL, "coingecko: bad coin id '%s'", symbol);
    char q[160];
    snprintf(q, sizeof q, "/api/v3/coins/%s/ohlc?vs_currency=usd&days=%d", symbol, days);
    rq->weight = 0;
    return dl_set_url(rq, base, q, err);
}

static int parse(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err) {
    json_t *root;
    int rc = dl_json_load(body, len, "coingecko ohlc", &root, err);
    if (rc != PR_OK) return rc;
    if (!json_is_array(root)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "coingecko ohlc: expected an array");
    }
    size_t i;
    json_t *r;
    json_array_foreach(root, i, r) {
        json_t *t = json_array_get(r, 0);
        if (json_array_size(r) < 5 || !json_is_integer(t)) {
            rc = pr_err_set(err, PR_EPARSE, "coingecko ohlc: row %zu is not [time, o, h, l, c]", i);
            break;
        }
        double x[4];
        for (int c = 0; c < 4; c++)
            if (!dl_json_number(json_array_get(r, (size_t)c + 1), &x[c])) x[c] = 0.0 / 0.0;
        rc = pr_series_push(out, json_integer_value(t) - pr_tf_ms(tf), x[0], x[1], x[2], x[3], 0);
        if (rc != PR_OK) break;
    }
    json_decref(root);
    return rc;
}

static void classify(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    (void)now_ms;
    if (v->kind == PR_DL_OK || !rp->body || rp->len == 0) return;
    json_t *root = json_loadb(rp->body, rp->len, 0, NULL);
    json_t *st = json_object_get(root, "status");
    const char *m = json_string_value(json_object_get(st, "error_message"));
    if (!m) m = json_string_value(json_object_get(root, "error"));
    if (m) snprintf(v->why, sizeof v->why, "%s", m);
    if (json_is_integer(json_object_get(st, "error_code")))
        snprintf(v->code, sizeof v->code, "%lld", (long long)json_integer_value(json_object_get(st, "error_code")));
    json_decref(root);
}

const pr_dl_source pr_dl_source_coingecko = {
    .name = "coingecko", .venue = "coingecko", .base_url = "https://api.coingecko.com",
    .asset_class = PR_ASSET_CRYPTO, .page_bars = 1000000, .no_volume = 1, .build = build, .parse = parse,
    .classify = classify,
};
