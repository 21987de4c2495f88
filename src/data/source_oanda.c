/* OANDA v20 candles adapter (../shared/fixtures/README.md "OANDA v20"):
 * `GET /v3/instruments/EUR_USD/candles?price=M&granularity=H1&from=...&count=5000`
 * with the bearer token from $OANDA_API_TOKEN (a header, never shown),
 * mid prices as decimal strings, volume = tick count. Only candles with
 * complete:true are read (the forming one is never stored). Daily and
 * weekly candles are aligned on 00:00 UTC and Monday (alignmentTimezone,
 * dailyAlignment, weeklyAlignment), the project's grid, instead of OANDA's
 * 17:00 New York default. Errors {errorMessage}: 400 (bad instrument) and
 * 401 are never retried; 429 (empty body) backs off. The practice host is
 * the default; `--base-url https://api-fxtrade.oanda.com` is the live one.
 * Bid and ask candles are datasets of their own, named by a suffix on the
 * symbol (EUR_USD.BID, EUR_USD.ASK; no suffix: mid), each asked with its
 * one price component (price=B, price=A) so a page holds one series. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download_internal.h"

static const char *granularity(pr_timeframe tf) {
    static const char *const g[PR_TF_COUNT] = {
        [PR_TF_5S] = "S5", [PR_TF_10S] = "S10", [PR_TF_15S] = "S15", [PR_TF_30S] = "S30",
        [PR_TF_1M] = "M1", [PR_TF_2M] = "M2", [PR_TF_4M] = "M4", [PR_TF_5M] = "M5", [PR_TF_10M] = "M10",
        [PR_TF_15M] = "M15", [PR_TF_30M] = "M30", [PR_TF_1H] = "H1", [PR_TF_2H] = "H2", [PR_TF_3H] = "H3",
        [PR_TF_4H] = "H4", [PR_TF_6H] = "H6", [PR_TF_8H] = "H8", [PR_TF_12H] = "H12",
        [PR_TF_1D] = "D", [PR_TF_1W] = "W", [PR_TF_1MO] = "M"};
    return tf > PR_TF_NONE && tf < PR_TF_COUNT ? g[tf] : NULL;
}

/* The price component a dataset symbol names: "M", "B" or "A", and the
 * length of the instrument part before the suffix. */
static const char *component(const char *symbol, size_t *n) {
    static const char *const sfx[2] = {".BID", ".ASK"};
    static const char *const comp[2] = {"B", "A"};
    size_t len = strlen(symbol);
    for (int i = 0; i < 2; i++)
        if (len > 4 && strcmp(symbol + len - 4, sfx[i]) == 0) {
            *n = len - 4;
            return comp[i];
        }
    *n = len;
    return "M";
}

/* "EURUSD" or "EUR_USD" (or either with .BID / .ASK) -> "EUR_USD";
 * letters and digits otherwise. */
static int instrument(const char *symbol, char *out, size_t cap, pr_err *err) {
    size_t n;
    component(symbol, &n);
    for (size_t i = 0; i < n; i++) {
        char c = symbol[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return pr_err_set(err, PR_EINVAL, "oanda: instrument '%s': expected upper-case letters, digits and '_' "
                              "(EUR_USD or EURUSD, .BID or .ASK for bid or ask candles)", symbol);
    }
    if (n == 6 && !memchr(symbol, '_', n)) snprintf(out, cap, "%.3s_%.3s", symbol, symbol + 3);
    else if (n > 0 && n < cap) memcpy(out, symbol, n), out[n] = '\0';
    else return pr_err_set(err, PR_EINVAL, "oanda: bad instrument '%s'", symbol);
    return PR_OK;
}

int pr_dl_oanda_instrument(const char *symbol, char *out, size_t cap, pr_err *err) {
    return instrument(symbol, out, cap, err);
}

static int build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms, int64_t to_ms,
                 int limit, pr_dl_request *rq, pr_err *err) {
    (void)to_ms; /* count and to exclude each other: the downloader cuts at to */
    const char *g = granularity(tf);
    if (!g) return pr_err_set(err, PR_EUNSUPPORTED, "oanda: no %s candles (granularities: 5s 10s 15s 30s 1m 2m 4m 5m 10m "
                                      "15m 30m 1h 2h 3h 4h 6h 8h 12h 1d 1w 1M)", pr_tf_name(tf));
    char ins[32], from[PR_TIME_STR_MAX], q[320];
    size_t n;
    const char *price = component(symbol, &n);
    if (instrument(symbol, ins, sizeof ins, err) != PR_OK) return PR_EINVAL;
    pr_time_format_iso(from_ms, from, sizeof from);
    snprintf(q, sizeof q,
             "/v3/instruments/%s/candles?price=%s&granularity=%s&from=%s&count=%d&alignmentTimezone=UTC"
             "&dailyAlignment=0&weeklyAlignment=Monday", ins, price, g, from, limit);
    if (!key || !*key) return pr_err_set(err, PR_EINVAL, "oanda: no token (set OANDA_API_TOKEN)");
    if ((size_t)snprintf(rq->headers[0], sizeof rq->headers[0], "Authorization: Bearer %s", key) >= sizeof rq->headers[0])
        return pr_err_set(err, PR_EINVAL, "oanda: token too long");
    snprintf(rq->headers[1], sizeof rq->headers[1], "Accept-Datetime-Format: RFC3339");
    rq->n_headers = 2;
    rq->weight = 0;
    return dl_set_url(rq, base, q, err);
}

static int parse(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err) {
    (void)tf;
    json_t *root;
    int rc = dl_json_load(body, len, "oanda candles", &root, err);
    if (rc != PR_OK) return rc;
    json_t *cs = json_object_get(root, "candles");
    if (!json_is_array(cs)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "oanda candles: no candles[]");
    }
    size_t i;
    json_t *c;
    json_array_foreach(cs, i, c) {
        if (!json_is_true(json_object_get(c, "complete"))) continue; /* forming: never stored */
        const char *t = json_string_value(json_object_get(c, "time"));
        int64_t ms;
        pr_err te;
        pr_err_clear(&te);
        if (!t || pr_time_parse(t, strlen(t), &ms, &te) != PR_OK) {
            rc = pr_err_set(err, PR_EPARSE, "oanda candles: candle %zu has no readable time", i);
            break;
        }
        /* The one component asked for: mid, or bid or ask alone (a price=BA
         * reply holds both and cannot be one dataset). */
        json_t *m = json_object_get(c, "mid"), *b = json_object_get(c, "bid"), *a = json_object_get(c, "ask");
        if (!m && b && a) {
            rc = pr_err_set(err, PR_EPARSE, "oanda candles: candle %zu has both bid and ask (price=BA): one "
                            "dataset holds one component (ask price=B or price=A)", i);
            break;
        }
        if (!m) m = b ? b : a;
        double x[5];
        const char *k[4] = {"o", "h", "l", "c"};
        for (int j = 0; j < 4; j++)
            if (!dl_json_number(json_object_get(m, k[j]), &x[j])) x[j] = 0.0 / 0.0;
        if (!dl_json_number(json_object_get(c, "volume"), &x[4])) x[4] = 0.0 / 0.0;
        if ((rc = pr_series_push(out, ms, x[0], x[1], x[2], x[3], x[4])) != PR_OK) break;
    }
    json_decref(root);
    return rc;
}

static void classify(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    (void)now_ms;
    if (v->kind == PR_DL_OK || !rp->body || rp->len == 0) return;
    json_t *root = json_loadb(rp->body, rp->len, 0, NULL);
    const char *m = json_string_value(json_object_get(root, "errorMessage"));
    const char *code = json_string_value(json_object_get(root, "errorCode"));
    if (m) snprintf(v->why, sizeof v->why, "%s", m);
    if (code) snprintf(v->code, sizeof v->code, "%s", code);
    json_decref(root);
}

static void series(const char *symbol, pr_timeframe tf, pr_dl_series *out) {
    (void)tf;
    component(symbol, &out->instrument_len);
}

const pr_dl_source pr_dl_source_oanda = {
    .name = "oanda", .venue = "oanda", .base_url = "https://api-fxpractice.oanda.com", .key_env = "OANDA_API_TOKEN",
    .asset_class = PR_ASSET_FOREX, .page_bars = 5000, .build = build, .parse = parse, .classify = classify,
    .series = series,
};
