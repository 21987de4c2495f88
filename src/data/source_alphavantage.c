/* Alpha Vantage adapter (../shared/fixtures/README.md "Alpha Vantage"):
 * daily stock bars from TIME_SERIES_DAILY (`/query?function=...&symbol=IBM
 * &outputsize=compact|full&apikey=KEY`; the key rides in the query, so the
 * request is shown without it), the whole range in one reply, keyed by date
 * newest first (sorted here: the order is the venue's, not a defect), dates
 * stored at 00:00 UTC. Errors come inside HTTP 200: "Error Message" (bad
 * symbol, function or key) and a premium-only "Information" are never
 * retried; "Note" (per-minute limit) waits a minute; the daily limit
 * ("... requests per day") waits a day, i.e. stops with PR_ELIMIT unless
 * --max-wait allows it. (The older "Note" wording names both limits, "5
 * calls per minute and 500 calls per day": a minute's wait.)
 * Intraday timeframes are FX_INTRADAY (a premium function: the free key
 * gets the premium "Information", never retried): the symbol is the pair,
 * EURUSD or EUR_USD, `&from_symbol=EUR&to_symbol=USD&interval=5min`, under
 * "Time Series FX (5min)" with UTC stamps, OHLC and no volume, on the forex
 * calendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download_internal.h"

static const char *fx_interval(pr_timeframe tf) {
    switch (tf) {
    case PR_TF_1M: return "1min";
    case PR_TF_5M: return "5min";
    case PR_TF_15M: return "15min";
    case PR_TF_30M: return "30min";
    case PR_TF_1H: return "60min";
    default: return NULL;
    }
}

/* "EURUSD" or "EUR_USD" -> "EUR", "USD". */
static int fx_pair(const char *symbol, char from[4], char to[4], pr_err *err) {
    size_t n = strlen(symbol), k = n == 7 ? 4 : 3; /* where the quote currency starts */
    int ok = (n == 6 || (n == 7 && symbol[3] == '_'));
    for (size_t i = 0; ok && i < n; i++)
        if (i != 3 || n == 6) ok = symbol[i] >= 'A' && symbol[i] <= 'Z';
    if (!ok)
        return pr_err_set(err, PR_EINVAL, "alphavantage: intraday bars are FX_INTRADAY: '%s': expected a currency "
                          "pair such as EURUSD or EUR_USD", symbol);
    memcpy(from, symbol, 3), from[3] = '\0';
    memcpy(to, symbol + k, 3), to[3] = '\0';
    return PR_OK;
}

static int check_key(const char *key, pr_err *err) {
    if (!key || !*key) return pr_err_set(err, PR_EINVAL, "alphavantage: no key (set ALPHAVANTAGE_API_KEY)");
    for (const char *p = key; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return pr_err_set(err, PR_EINVAL, "alphavantage: the key has characters other than letters and digits");
    return PR_OK;
}

/* rq->url = base + q + "&apikey=KEY"; rq->shown without the key. */
static int set_url_key(pr_dl_request *rq, const char *base, const char *q, const char *key, pr_err *err) {
    if (dl_set_url(rq, base, q, err) != PR_OK) return PR_EINVAL;
    size_t n = strlen(rq->url);
    if ((size_t)snprintf(rq->url + n, sizeof rq->url - n, "&apikey=%s", key) >= sizeof rq->url - n)
        return pr_err_set(err, PR_EINVAL, "alphavantage: request URL too long");
    rq->weight = 0;
    return PR_OK;
}

static int build(const char *base, const char *key, const char *symbol, pr_timeframe tf, int64_t from_ms, int64_t to_ms,
                 int limit, pr_dl_request *rq, pr_err *err) {
    (void)limit;
    const char *iv = fx_interval(tf);
    if (iv) {
        char from[4], to[4], q[200];
        if (fx_pair(symbol, from, to, err) != PR_OK || check_key(key, err) != PR_OK) return PR_EINVAL;
        /* compact: the latest 100 bars */
        const char *size = to_ms - from_ms <= 100 * pr_tf_ms(tf) ? "compact" : "full";
        snprintf(q, sizeof q, "/query?function=FX_INTRADAY&from_symbol=%s&to_symbol=%s&interval=%s&outputsize=%s", from,
                 to, iv, size);
        return set_url_key(rq, base, q, key, err);
    }
    if (tf != PR_TF_1D)
        return pr_err_set(err, PR_EUNSUPPORTED, "alphavantage: daily stock bars (1d) or FX intraday (1m 5m 15m 30m 1h)");
    for (const char *p = symbol; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            return pr_err_set(err, PR_EINVAL, "alphavantage: symbol '%s': expected A-Z, 0-9, '.', '-'", symbol);
    if (!*symbol || strlen(symbol) > 16) return pr_err_set(err, PR_EINVAL, "alphavantage: bad symbol '%s'", symbol);
    if (check_key(key, err) != PR_OK) return PR_EINVAL;
    /* compact: the latest 100 days, enough when the range starts within ~4 months */
    const char *size = to_ms - from_ms < 140 * PR_MS_PER_DAY ? "compact" : "full";
    char q[160];
    snprintf(q, sizeof q, "/query?function=TIME_SERIES_DAILY&symbol=%s&outputsize=%s", symbol, size);
    return set_url_key(rq, base, q, key, err);
}

/* The reply's series: "Time Series (Daily)" or "Time Series FX (5min)". */
static json_t *series_of(json_t *root) {
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
        if (strncmp(k, "Time Series", 11) == 0 && json_is_object(v)) return v;
    }
    return NULL;
}

typedef struct row { int64_t ts; double x[5]; } row;
static int cmp_row(const void *a, const void *b) {
    const row *p = a, *q = b;
    return (p->ts > q->ts) - (p->ts < q->ts);
}

static int parse(const char *body, size_t len, pr_timeframe tf, pr_series *out, pr_err *err) {
    json_t *root;
    int rc = dl_json_load(body, len, "alphavantage", &root, err);
    if (rc != PR_OK) return rc;
    json_t *ser = series_of(root);
    if (!ser) {
        json_decref(root);
        return pr_err_set(err, PR_EPARSE, "alphavantage: no \"Time Series ...\" object");
    }
    size_t n = json_object_size(ser), k = 0;
    row *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
    const char *date;
    json_t *v;
    static const char *const keys[5] = {"1. open", "2. high", "3. low", "4. close", "5. volume"};
    json_object_foreach(ser, date, v) {
        if (rc != PR_OK) break;
        pr_err te;
        pr_err_clear(&te);
        size_t dn = strlen(date); /* 2026-07-15, or 2026-07-15 12:00:00 (UTC) intraday */
        if ((dn != 10 && dn != 19) || pr_time_parse(date, dn, &rows[k].ts, &te) != PR_OK) {
            rc = pr_err_set(err, PR_EPARSE, "alphavantage: bad date '%.20s'", date);
            break;
        }
        for (int c = 0; c < 5; c++)
            /* FX bars carry no volume; a daily stock bar without one is a defect the validator reports */
            if (!dl_json_number(json_object_get(v, keys[c]), &rows[k].x[c]))
                rows[k].x[c] = c == 4 && tf != PR_TF_1D ? 0 : 0.0 / 0.0;
        k++;
    }
    if (rc == PR_OK) {
        qsort(rows, k, sizeof *rows, cmp_row);
        for (size_t i = 0; rc == PR_OK && i < k; i++)
            rc = pr_series_push(out, rows[i].ts, rows[i].x[0], rows[i].x[1], rows[i].x[2], rows[i].x[3], rows[i].x[4]);
    }
    free(rows);
    json_decref(root);
    return rc;
}

/* In-band errors: a 200 whose body opens with one of these keys. */
static void classify(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    (void)now_ms;
    if (!rp->body || rp->len == 0 || v->kind != PR_DL_OK) return;
    size_t head = rp->len < 512 ? rp->len : 512;
    int in_band = 0;
    static const char *const k[3] = {"\"Error Message\"", "\"Information\"", "\"Note\""};
    for (int i = 0; i < 3; i++)
        for (size_t j = 0; j + strlen(k[i]) <= head && !in_band; j++)
            if (memcmp(rp->body + j, k[i], strlen(k[i])) == 0) in_band = 1;
    if (!in_band) return;
    json_t *root = json_loadb(rp->body, rp->len, 0, NULL);
    const char *em = json_string_value(json_object_get(root, "Error Message"));
    const char *info = json_string_value(json_object_get(root, "Information"));
    const char *note = json_string_value(json_object_get(root, "Note"));
    const char *msg = em ? em : info ? info : note;
    if (msg && !series_of(root)) {
        snprintf(v->why, sizeof v->why, "%s", msg);
        snprintf(v->code, sizeof v->code, "%s", em ? "Error Message" : info ? "Information" : "Note");
        if (em || strstr(msg, "premium endpoint")) {
            v->kind = PR_DL_NEVER;
        } else {
            v->kind = PR_DL_WAIT;
            /* the daily limit alone waits a day; "5 calls per minute and 500
             * calls per day" is the per-minute one */
            v->wait_ms = strstr(msg, "per day") && !strstr(msg, "per minute") ? 24 * PR_MS_PER_HOUR : PR_MS_PER_MIN;
        }
    }
    json_decref(root);
}

static void series(const char *symbol, pr_timeframe tf, pr_dl_series *out) {
    (void)symbol;
    if (fx_interval(tf)) out->asset_class = PR_ASSET_FOREX, out->no_volume = 1;
}

const pr_dl_source pr_dl_source_alphavantage = {
    .name = "alphavantage", .venue = "alphavantage", .base_url = "https://www.alphavantage.co",
    .key_env = "ALPHAVANTAGE_API_KEY", .asset_class = PR_ASSET_STOCK, .page_bars = 1000000, .build = build,
    .parse = parse, .classify = classify, .series = series,
};
