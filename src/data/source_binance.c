/* Binance adapters: spot (`/api/v3`) and USD-M futures (`/fapi/v1`) klines
 * (1000 a page, 12-item rows: open time ms, OHLCV as decimal strings),
 * funding-rate history (futures), exchangeInfo filters as instrument
 * metadata, and the error body {"code","msg"}: -1121 bad symbol is never
 * retried, -1003 is a rate limit (429) or a ban (418, with "banned until
 * <ms>" in the message when Retry-After is missing), -1021 is retried.
 * Shapes: ../shared/fixtures/README.md "Binance". A futures symbol with
 * the suffix .PREMIUM (BTCUSDT.PREMIUM) is the premium index klines
 * (`/fapi/v1/premiumIndexKlines`, the same rows with volume "0"): an index
 * around zero, so its prices may be negative and it has no volume. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"
#include "download_internal.h"

/* Symbols go into the URL as they are: upper-case letters and digits only. */
static int check_symbol(const char *symbol, pr_err *err) {
    size_t n = strlen(symbol);
    if (n == 0 || n > 20) return pr_err_set(err, PR_EINVAL, "binance: symbol '%s': expected 1-20 characters", symbol);
    for (size_t i = 0; i < n; i++)
        if (!((symbol[i] >= 'A' && symbol[i] <= 'Z') || (symbol[i] >= '0' && symbol[i] <= '9')))
            return pr_err_set(err, PR_EINVAL, "binance: symbol '%s': expected upper-case letters and digits "
                              "(e.g. BTCUSDT)", symbol);
    return PR_OK;
}

int pr_dl_binance_has_tf(pr_timeframe tf, int futures) {
    switch (tf) {
    case PR_TF_1S: return !futures;
    case PR_TF_1M: case PR_TF_3M: case PR_TF_5M: case PR_TF_15M: case PR_TF_30M: case PR_TF_1H: case PR_TF_2H:
    case PR_TF_4H: case PR_TF_6H: case PR_TF_8H: case PR_TF_12H: case PR_TF_1D: case PR_TF_1W: case PR_TF_1MO:
        return 1;
    default: return 0;
    }
}

const char *pr_dl_binance_intervals(int futures) {
    return futures ? "1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w 1M" : "1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w 1M";
}

static int build_klines(const char *base, const char *path, int spot, const char *symbol, pr_timeframe tf,
                        int64_t from_ms, int64_t to_ms, int limit, pr_dl_request *rq, pr_err *err) {
    if (check_symbol(symbol, err) != PR_OK) return PR_EINVAL;
    if (tf <= PR_TF_NONE || tf >= PR_TF_COUNT) return pr_err_set(err, PR_EUNSUPPORTED, "binance: no such interval");
    if (!pr_dl_binance_has_tf(tf, !spot))
        return pr_err_set(err, PR_EUNSUPPORTED, "binance%s: no %s klines (intervals: %s)", spot ? "" : " futures",
                          pr_tf_name(tf), pr_dl_binance_intervals(!spot));
    char q[400];
    /* endTime is inclusive at Binance; the range here excludes to_ms.
     * The interval names are the project's own (1m ... 1w, 1M). */
    snprintf(q, sizeof q, "%s?symbol=%s&interval=%s&startTime=%lld&endTime=%lld&limit=%d", path, symbol,
             pr_tf_name(tf), (long long)from_ms, (long long)(to_ms - 1), limit);
    return dl_set_url(rq, base, q, err);
}

static int spot_build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms,
                      int64_t to_ms, int limit, pr_dl_request *rq, pr_err *err) {
    (void)key;
    rq->weight = 2; /* klines at limit 1000 */
    return build_klines(base, "/api/v3/klines", 1, symbol, tf, from_ms, to_ms, limit, rq, err);
}

#define PREMIUM_SUFFIX ".PREMIUM"

/* Length of the symbol before a .PREMIUM suffix, 0 when it has none. */
static size_t premium_base(const char *symbol) {
    size_t n = strlen(symbol), k = sizeof PREMIUM_SUFFIX - 1;
    return n > k && strcmp(symbol + n - k, PREMIUM_SUFFIX) == 0 ? n - k : 0;
}

static int futures_build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms,
                         int64_t to_ms, int limit, pr_dl_request *rq, pr_err *err) {
    (void)key;
    rq->weight = 5; /* futures klines (and premium index klines) with limit in [500, 1000] */
    size_t n = premium_base(symbol);
    if (!n) return build_klines(base, "/fapi/v1/klines", 0, symbol, tf, from_ms, to_ms, limit, rq, err);
    char sym[32];
    if (n >= sizeof sym) return pr_err_set(err, PR_EINVAL, "binance: symbol '%s' too long", symbol);
    memcpy(sym, symbol, n);
    sym[n] = '\0';
    return build_klines(base, "/fapi/v1/premiumIndexKlines", 0, sym, tf, from_ms, to_ms, limit, rq, err);
}

static void futures_series(const char *symbol, pr_timeframe tf, pr_dl_series *out) {
    (void)tf;
    size_t n = premium_base(symbol);
    if (n) out->no_volume = out->signed_prices = 1, out->instrument_len = n;
}

/* The fast path for the usual page: [[int,"num",...,"num"],...] with no
 * nesting inside a row, read in one pass with the import's exact number
 * parsers (a 1000-bar page in well under a millisecond, where a JSON tree
 * costs several). Anything else returns -1 and the page is read again with
 * jansson, which names what is wrong. */
static const char *skip_ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

static int fast_klines(const char *body, size_t len, pr_series *out) {
    const char *p = body, *e = body + len;
    size_t start_len = out->len;
    p = skip_ws(p, e);
    if (p >= e || *p++ != '[') return -1;
    p = skip_ws(p, e);
    if (p < e && *p == ']') return skip_ws(p + 1, e) == e ? 0 : -1;
    for (;;) {
        p = skip_ws(p, e);
        if (p >= e || *p++ != '[') goto bad;
        int64_t t;
        double x[5];
        for (int f = 0;; f++) { /* fields of one row */
            p = skip_ws(p, e);
            const char *a = p;
            int quoted = p < e && *p == '"';
            if (quoted) {
                a = ++p;
                while (p < e && *p != '"' && *p != '\\') p++;
                if (p >= e || *p != '"') goto bad;
            } else {
                while (p < e && *p != ',' && *p != ']' && *p != ' ' && *p != '[' && *p != '{' && *p != '"') p++;
                if (p < e && (*p == '[' || *p == '{' || *p == '"')) goto bad;
            }
            size_t n = (size_t)(p - a);
            if (f == 0 && (quoted || !dint_parse_int64(a, n, &t))) goto bad;
            if (f >= 1 && f <= 5 && (!quoted || !dint_parse_double(a, n, &x[f - 1]))) goto bad;
            if (quoted) p++;
            p = skip_ws(p, e);
            if (p >= e) goto bad;
            if (*p == ']') {
                if (f < 5) goto bad;
                p++;
                break;
            }
            if (*p++ != ',') goto bad;
        }
        if (pr_series_push(out, t, x[0], x[1], x[2], x[3], x[4]) != PR_OK) goto bad;
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        if (p < e && *p == ']' && skip_ws(p + 1, e) == e) return 0;
        goto bad;
    }
bad:
    out->len = start_len;
    return -1;
}

static int parse_klines(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err) {
    (void)tf;
    if (fast_klines(body, len, out) == 0) return PR_OK;
    json_t *root;
    int rc = dl_json_load(body, len, "binance klines", &root, err);
    if (rc != PR_OK) return rc;
    if (!json_is_array(root)) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "binance klines: expected an array of klines");
    }
    size_t i;
    json_t *row;
    rc = pr_series_reserve(out, out->len + json_array_size(root));
    json_array_foreach(root, i, row) {
        if (rc != PR_OK) break;
        json_t *t = json_array_get(row, 0);
        if (!json_is_array(row) || json_array_size(row) < 6 || !json_is_integer(t)) {
            rc = pr_err_set(err, PR_EPARSE, "binance klines: row %zu is not [openTime, open, high, low, close, "
                            "volume, ...]", i);
            break;
        }
        /* A field that is not a number becomes NaN: the validation reports
         * and skips the row, as an import does with a bad field. */
        double x[5];
        for (int c = 0; c < 5; c++)
            if (!dl_json_number(json_array_get(row, (size_t)c + 1), &x[c])) x[c] = 0.0 / 0.0;
        rc = pr_series_push(out, json_integer_value(t), x[0], x[1], x[2], x[3], x[4]);
    }
    json_decref(root);
    return rc;
}

static void classify(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    if (v->kind == PR_DL_OK || !rp->body || rp->len == 0) return;
    json_t *root = json_loadb(rp->body, rp->len, 0, NULL);
    json_t *code = json_object_get(root, "code"), *msg = json_object_get(root, "msg");
    if (json_is_integer(code)) {
        long long c = json_integer_value(code);
        snprintf(v->code, sizeof v->code, "%lld", c);
        if (json_is_string(msg)) snprintf(v->why, sizeof v->why, "%s", json_string_value(msg));
        if (c == -1121) v->kind = PR_DL_NEVER; /* bad symbol */
        else if (c == -1021 && v->kind == PR_DL_NEVER) v->kind = PR_DL_RETRY; /* clock skew at the venue */
        else if (c == -1003 && v->kind == PR_DL_BAN && v->until_ms < 0 && json_is_string(msg)) {
            const char *u = strstr(json_string_value(msg), "banned until ");
            long long t;
            if (u && sscanf(u + 13, "%lld", &t) == 1 && t > now_ms) v->until_ms = t;
        }
    }
    json_decref(root);
}

static int build_funding(const char *base, const char *symbol, int64_t from_ms, int64_t to_ms, int limit,
                         pr_dl_request *rq, pr_err *err) {
    if (check_symbol(symbol, err) != PR_OK) return PR_EINVAL;
    char q[300];
    snprintf(q, sizeof q, "/fapi/v1/fundingRate?symbol=%s&startTime=%lld&endTime=%lld&limit=%d", symbol,
             (long long)from_ms, (long long)(to_ms - 1), limit);
    rq->weight = 0; /* its own 500 / 5 min budget, not the weight */
    return dl_set_url(rq, base, q, err);
}

static int parse_funding(const char *body, size_t len, pr_funding_rate **out, size_t *n, pr_err *err) {
    json_t *root;
    int rc = dl_json_load(body, len, "binance funding rates", &root, err);
    if (rc != PR_OK) return rc;
    size_t cnt = json_is_array(root) ? json_array_size(root) : 0;
    if (!json_is_array(root)) rc = pr_err_set(err, PR_EPARSE, "binance funding rates: expected an array");
    pr_funding_rate *r = rc == PR_OK ? malloc((cnt ? cnt : 1) * sizeof *r) : NULL;
    if (rc == PR_OK && !r) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PR_OK && i < cnt; i++) {
        json_t *e = json_array_get(root, i), *t = json_object_get(e, "fundingTime");
        if (!json_is_integer(t)) {
            rc = pr_err_set(err, PR_EPARSE, "binance funding rates: entry %zu has no fundingTime", i);
            break;
        }
        r[i].ts = json_integer_value(t);
        if (!dl_json_number(json_object_get(e, "fundingRate"), &r[i].rate)) r[i].rate = 0.0 / 0.0;
    }
    json_decref(root);
    if (rc != PR_OK) {
        free(r);
        return rc;
    }
    *out = r;
    *n = cnt;
    return PR_OK;
}

static int spot_build_instrument(const char *base, const char *symbol, pr_dl_request *rq, pr_err *err) {
    if (check_symbol(symbol, err) != PR_OK) return PR_EINVAL;
    char q[128];
    snprintf(q, sizeof q, "/api/v3/exchangeInfo?symbol=%s", symbol);
    rq->weight = 20;
    return dl_set_url(rq, base, q, err);
}

static int futures_build_instrument(const char *base, const char *symbol, pr_dl_request *rq, pr_err *err) {
    if (premium_base(symbol)) return pr_err_set(err, PR_EUNSUPPORTED, "binance: %s is an index: no instrument", symbol);
    if (check_symbol(symbol, err) != PR_OK) return PR_EINVAL;
    rq->weight = 1;
    return dl_set_url(rq, base, "/fapi/v1/exchangeInfo", err);
}

static double filter_value(const json_t *filters, const char *type, const char *key) {
    size_t i;
    json_t *f;
    double x;
    json_array_foreach(filters, i, f) {
        const char *t = json_string_value(json_object_get(f, "filterType"));
        if (t && strcmp(t, type) == 0 && dl_json_number(json_object_get(f, key), &x)) return x;
    }
    return -1;
}

static int parse_instrument(const char *body, size_t len, const char *symbol, pr_instrument *out, pr_err *err) {
    json_t *root;
    int rc = dl_json_load(body, len, "binance exchangeInfo", &root, err);
    if (rc != PR_OK) return rc;
    size_t i;
    json_t *s, *found = NULL;
    json_array_foreach(json_object_get(root, "symbols"), i, s) {
        const char *name = json_string_value(json_object_get(s, "symbol"));
        if (name && strcmp(name, symbol) == 0) found = s;
    }
    if (!found) {
        json_decref(root);
        return pr_err_set(err, PR_ENOTFOUND, "binance exchangeInfo: no symbol %s", symbol);
    }
    memset(out, 0, sizeof *out);
    out->asset_class = PR_ASSET_CRYPTO;
    out->contract_multiplier = 1;
    const char *b = json_string_value(json_object_get(found, "baseAsset"));
    const char *q = json_string_value(json_object_get(found, "quoteAsset"));
    pr_strlcpy(out->base, b ? b : "", sizeof out->base);
    pr_strlcpy(out->quote, q ? q : "", sizeof out->quote);
    const json_t *fl = json_object_get(found, "filters");
    out->tick_size = filter_value(fl, "PRICE_FILTER", "tickSize");
    out->lot_step = filter_value(fl, "LOT_SIZE", "stepSize");
    out->min_qty = filter_value(fl, "LOT_SIZE", "minQty");
    out->min_notional = filter_value(fl, "NOTIONAL", "minNotional");
    if (out->min_notional < 0) out->min_notional = filter_value(fl, "MIN_NOTIONAL", "minNotional");
    if (out->min_notional < 0) out->min_notional = filter_value(fl, "MIN_NOTIONAL", "notional"); /* futures */
    json_decref(root);
    if (out->tick_size <= 0 || out->lot_step <= 0)
        return pr_err_set(err, PR_EPARSE, "binance exchangeInfo: %s lacks PRICE_FILTER.tickSize or LOT_SIZE.stepSize",
                          symbol);
    if (out->min_qty < 0) out->min_qty = 0;
    if (out->min_notional < 0) out->min_notional = 0;
    return PR_OK;
}

const pr_dl_source pr_dl_source_binance = {
    .name = "binance", .venue = "binance", .base_url = "https://api.binance.com", .asset_class = PR_ASSET_CRYPTO,
    .page_bars = 1000, .weight_limit = 1200, .build = spot_build, .parse = parse_klines, .classify = classify,
    .build_instrument = spot_build_instrument, .parse_instrument = parse_instrument,
};

const pr_dl_source pr_dl_source_binance_futures = {
    .name = "binance-futures", .venue = "binance-futures", .base_url = "https://fapi.binance.com",
    .asset_class = PR_ASSET_CRYPTO, .page_bars = 1000, .weight_limit = 2400, .build = futures_build,
    .parse = parse_klines, .classify = classify, .build_funding = build_funding, .parse_funding = parse_funding,
    .build_instrument = futures_build_instrument, .parse_instrument = parse_instrument, .series = futures_series,
};
