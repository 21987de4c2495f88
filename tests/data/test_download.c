/* Tests of the downloader and the Binance adapter without a network: the
 * page, funding and exchangeInfo parsers on the recorded fixtures (values
 * read off the fixture bodies by hand), the error classification of the
 * recorded error bodies, and pr_dl_bars against an in-process fake venue
 * and clock: weight pacing, Retry-After, bans, never-retried errors,
 * backoff with seeded jitter, cut-off bodies, the forming bar, empty pages,
 * validation findings named by request, --strict, gaps across pages, and an
 * interrupted download resumed into the same store as an uninterrupted one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/data.h"
#include "pr_test.h"

#define M PR_MS_PER_MIN
/* 2024-01-01 00:00:00 UTC = 19723 days * 86400000 ms, a whole minute. */
#define T0 INT64_C(1704067200000)

static char *slurp(const char *rel, size_t *len) {
    char path[1024];
    pr_test_path(rel, path, sizeof path);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

#define FIX "tests/data/fixtures/venues/binance/"

/* ---- parsers on the fixtures ------------------------------------------------------- */
static void test_parse_klines_fixture(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(FIX "spot_klines_btcusdt_1h.json", &len);
    pr_series s;
    pr_series_init(&s, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_binance.parse(body, len, PR_TF_1H, &s, &e), PR_OK);
    /* 24 rows (limit=24); the first:
     * [1784034000000,"93410.20000000","93725.94000000","93390.53000000","93613.04000000","654.69386000",...] */
    assert_int_equal(s.len, 24);
    assert_true(s.ts[0] == INT64_C(1784034000000));
    assert_true(s.open[0] == 93410.20 && s.high[0] == 93725.94 && s.low[0] == 93390.53);
    assert_true(s.close[0] == 93613.04 && s.volume[0] == 654.69386);
    /* the last, the still-open candle: [1784116800000,"94730.85",...,"95231.40","32.15375",...] */
    assert_true(s.ts[23] == INT64_C(1784116800000));
    assert_true(s.open[23] == 94730.85 && s.close[23] == 95231.40 && s.volume[23] == 32.15375);
    pr_series_free(&s);
    free(body);
    /* The body cut mid-array is a parse error (which the downloader retries). */
    body = slurp(FIX "spot_klines_truncated.body.txt", &len);
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_binance.parse(body, len, PR_TF_1H, &s, &e), PR_EPARSE);
    pr_series_free(&s);
    free(body);
}

static void test_parse_funding_and_instrument(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(FIX "futures_funding_rate_history.json", &len);
    pr_funding_rate *r = NULL;
    size_t n = 0;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_binance_futures.parse_funding(body, len, &r, &n, &e), PR_OK);
    /* {"fundingTime":1783958400000,"fundingRate":"0.00010000"},
     * {"fundingTime":1783987200000,"fundingRate":"0.00008731"}, ... */
    assert_true(n >= 2);
    assert_true(r[0].ts == INT64_C(1783958400000) && r[0].rate == 0.0001);
    assert_true(r[1].ts == INT64_C(1783987200000) && r[1].rate == 0.00008731);
    free(r);
    free(body);
    body = slurp(FIX "spot_exchange_info.json", &len);
    pr_instrument in;
    /* BTCUSDT: PRICE_FILTER tickSize 0.01, LOT_SIZE stepSize/minQty 0.00001, NOTIONAL minNotional 5. */
    assert_int_equal(pr_dl_source_binance.parse_instrument(body, len, "BTCUSDT", &in, &e), PR_OK);
    assert_string_equal(in.base, "BTC");
    assert_string_equal(in.quote, "USDT");
    assert_true(in.tick_size == 0.01 && in.lot_step == 0.00001 && in.min_qty == 0.00001 && in.min_notional == 5);
    /* ETHBTC carries the legacy MIN_NOTIONAL 0.0001; tick 0.00001, step 0.0001. */
    assert_int_equal(pr_dl_source_binance.parse_instrument(body, len, "ETHBTC", &in, &e), PR_OK);
    assert_true(in.tick_size == 0.00001 && in.lot_step == 0.0001 && in.min_notional == 0.0001);
    assert_int_equal(pr_dl_source_binance.parse_instrument(body, len, "XRPUSDT", &in, &e), PR_ENOTFOUND);
    free(body);
}

static void verdict_of(const char *fix, long status, int64_t retry_after, int64_t now, pr_dl_verdict *v) {
    size_t len;
    char *body = slurp(fix, &len);
    pr_dl_reply rp;
    memset(&rp, 0, sizeof rp);
    rp.status = status;
    rp.body = body;
    rp.len = len;
    rp.retry_after_ms = retry_after;
    rp.used_weight = rp.server_ms = -1;
    pr_dl_classify_http(&rp, now, v);
    pr_dl_source_binance.classify(&rp, now, v);
    free(body);
}

static void test_classify_fixtures(void **state) {
    (void)state;
    pr_dl_verdict v;
    verdict_of(FIX "error_-1121_symbol.json", 400, -1, 0, &v);
    assert_int_equal(v.kind, PR_DL_NEVER);
    assert_string_equal(v.code, "-1121");
    assert_string_equal(v.why, "Invalid symbol.");
    verdict_of(FIX "error_-1003_429.json", 429, 37000, 0, &v); /* Retry-After: 37 */
    assert_int_equal(v.kind, PR_DL_WAIT);
    assert_true(v.wait_ms == 37000);
    assert_string_equal(v.code, "-1003");
    verdict_of(FIX "error_-1003_418_ban.json", 418, 120000, 1000, &v); /* Retry-After: 120 */
    assert_int_equal(v.kind, PR_DL_BAN);
    assert_true(v.until_ms == 121000);
    /* Without Retry-After the end comes from "IP banned until 1784116920000." */
    verdict_of(FIX "error_-1003_418_ban.json", 418, -1, 1000, &v);
    assert_true(v.until_ms == INT64_C(1784116920000));
    verdict_of(FIX "error_-1021_timestamp.json", 400, -1, 0, &v);
    assert_int_equal(v.kind, PR_DL_RETRY);
    verdict_of(FIX "error_-1007_timeout.json", 503, -1, 0, &v);
    assert_int_equal(v.kind, PR_DL_RETRY);
    assert_string_equal(v.code, "-1007");
}

/* ---- an in-process venue and clock ---------------------------------------------------- */
typedef struct scripted {
    long status;
    const char *body;        /* NULL: generated klines */
    int64_t retry_after_ms;  /* -1 none */
    int64_t used_weight;     /* -1 none */
    int transport;           /* 1: the body was cut off */
} scripted;

typedef struct venue {
    scripted script[8];
    size_t n_script, next;
    size_t calls;
    char last_url[1024];
    int64_t now;             /* the clock, ms; sleeps advance it */
    int64_t sleeps[16];
    size_t n_sleeps;
    int64_t gap_from, gap_to; /* bars not served (inclusive), 0 none */
    int64_t bad_ts, zero_ts;  /* high < low; zero volume */
    int cancel_after_pages;   /* >0: cancelled after that many progress calls */
    int pages_seen;
    pr_data_report last_rep;  /* copy of counts of the last page report */
    char last_rep_file[512];
    size_t reports;
} venue;

static int64_t q_int(const char *url, const char *key, int64_t dflt) {
    const char *p = strstr(url, key);
    return p ? strtoll(p + strlen(key), NULL, 10) : dflt;
}

/* Bars of the 1m grid, prices a function of the open time. */
static char *gen_klines(const venue *v, const char *url) {
    int64_t start = q_int(url, "startTime=", 0), end = q_int(url, "endTime=", 0);
    int64_t limit = q_int(url, "limit=", 500);
    size_t cap = 64 + (size_t)limit * 160, len = 1;
    char *b = malloc(cap);
    strcpy(b, "[");
    int64_t n = 0;
    for (int64_t t = (start + M - 1) / M * M; t <= end && n < limit; t += M) {
        if (v->gap_from && t >= v->gap_from && t <= v->gap_to) continue;
        double o = 100 + (double)((t / M) % 100), c = o + 0.5, h = c + 1, l = o - 1, vol = 2;
        if (t == v->bad_ts) h = l - 1;
        if (t == v->zero_ts) vol = 0;
        len += (size_t)snprintf(b + len, cap - len, "%s[%lld,\"%.2f\",\"%.2f\",\"%.2f\",\"%.2f\",\"%.2f\",%lld,\"0\",1,\"0\",\"0\",\"0\"]",
                                n ? "," : "", (long long)t, o, h, l, c, vol, (long long)(t + M - 1));
        n++;
    }
    strcpy(b + len, "]");
    return b;
}

static int fake_get(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out) {
    (void)timeout_s;
    venue *v = user;
    memset(out, 0, sizeof *out);
    out->retry_after_ms = out->used_weight = -1;
    out->server_ms = v->now;
    v->calls++;
    pr_strlcpy(v->last_url, rq->url, sizeof v->last_url);
    scripted s = {200, NULL, -1, -1, 0};
    if (v->next < v->n_script) s = v->script[v->next++];
    out->status = s.status;
    out->retry_after_ms = s.retry_after_ms;
    out->used_weight = s.used_weight;
    out->transport = s.transport;
    if (s.transport) snprintf(out->error, sizeof out->error, "body cut off");
    out->body = s.body ? strdup(s.body) : gen_klines(v, rq->url);
    out->len = strlen(out->body);
    return 0;
}

static int64_t fake_now(void *user) { return ((venue *)user)->now; }
static void fake_sleep(void *user, int64_t ms) {
    venue *v = user;
    if (v->n_sleeps < 16) v->sleeps[v->n_sleeps++] = ms;
    v->now += ms;
}
static void on_page(void *user, const pr_data_report *rep) {
    venue *v = user;
    v->reports++;
    v->last_rep = *rep;
    v->last_rep.issues = NULL;
    pr_strlcpy(v->last_rep_file, rep->file, sizeof v->last_rep_file);
}
static void on_progress(void *user, const pr_dl_progress *p) {
    (void)p;
    ((venue *)user)->pages_seen++;
}
static int is_cancelled(void *user) {
    venue *v = user;
    return v->cancel_after_pages && v->pages_seen >= v->cancel_after_pages;
}

typedef struct rig {
    venue v;
    pr_store *st;
    pr_dl_session s;
    pr_dl_options o;
} rig;

static void rig_open(rig *r, int64_t now, int64_t from, int64_t to) {
    memset(r, 0, sizeof *r);
    r->v.now = now;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_open("sqlite::memory:", &r->st, &e), PR_OK);
    pr_dl_options_init(&r->o);
    r->o.from_ms = from;
    r->o.to_ms = to;
    r->o.get = fake_get;
    r->o.get_user = &r->v;
    r->o.clock.now_ms = fake_now;
    r->o.clock.sleep_ms = fake_sleep;
    r->o.clock.user = &r->v;
    r->o.on_page = on_page;
    r->o.on_progress = on_progress;
    r->o.cancelled = is_cancelled;
    r->o.user = &r->v;
    r->o.backoff_ms = 100;
    r->o.seed = 7;
}

static void rig_start_src(rig *r, const pr_dl_source *src) {
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_session_init(&r->s, src, &r->o, &e), PR_OK);
}

static void rig_start(rig *r) { rig_start_src(r, &pr_dl_source_binance); }

static void rig_close(rig *r) {
    pr_dl_session_free(&r->s);
    pr_store_close(r->st);
}

static void test_weight_pacing(void **state) {
    (void)state;
    rig r;
    /* 1500 bars before T0 = two pages (1000 + 500). The clock is 45 s into
     * the minute; the first reply says 1150 of 1200 weight are used. The
     * second request (weight 2) would reach 1152 > 1200 - 60 (5% reserve):
     * the client waits for the next minute, 60000 - 45000 = 15000 ms. */
    rig_open(&r, T0 + 45000, T0 - 1500 * M, T0);
    r.v.script[0] = (scripted){200, NULL, -1, 1150, 0};
    r.v.n_script = 1;
    rig_start(&r);
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.requests, 2);
    assert_int_equal(res.inserted, 1500);
    assert_int_equal(res.pages, 2);
    assert_true(res.weight == 4);
    assert_int_equal(r.v.n_sleeps, 1);
    assert_true(r.v.sleeps[0] == 15000);
    /* Without the header the client's own count (2 + 2) is far from it: no wait. */
    rig_close(&r);
    rig_open(&r, T0 + 45000, T0 - 1500 * M, T0);
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(r.v.n_sleeps, 0);
    rig_close(&r);
}

static void test_retry_after_and_ban(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    /* 429 with Retry-After 37 s: one wait of exactly 37000 ms, then the 10 bars. */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.script[0] = (scripted){429, "{\"code\":-1003,\"msg\":\"Too much request weight used\"}", 37000, 6012, 0};
    r.v.n_script = 1;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(r.v.n_sleeps, 1);
    assert_true(r.v.sleeps[0] == 37000);
    assert_int_equal(res.requests, 2);
    assert_int_equal(res.retries, 1);
    assert_int_equal(res.inserted, 10);
    rig_close(&r);

    /* 418 with Retry-After 120 s, within --max-wait (300 s): wait 120000, go on. */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.script[0] = (scripted){418, "{\"code\":-1003,\"msg\":\"IP banned\"}", 120000, -1, 0};
    r.v.n_script = 1;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(r.v.n_sleeps, 1);
    assert_true(r.v.sleeps[0] == 120000);
    assert_int_equal(res.inserted, 10);
    rig_close(&r);

    /* The same ban with --max-wait 60 s: stop, say until when, and send no
     * further request to the venue (a second dataset fails without one). */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.script[0] = (scripted){418, "{\"code\":-1003,\"msg\":\"IP banned\"}", 120000, -1, 0};
    r.v.n_script = 1;
    r.o.max_wait_ms = 60000;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_ELIMIT);
    assert_int_equal(res.requests, 1);
    /* ends at T0 + 30000 + 120000 = 2024-01-01 00:02:30 */
    assert_non_null(strstr(e.msg, "banned this IP until 2024-01-01 00:02:30"));
    pr_err_clear(&e);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "ETHUSDT", PR_TF_1M, &res, &e), PR_ELIMIT);
    assert_int_equal(res.requests, 0);
    assert_int_equal(r.v.calls, 1);
    assert_int_equal(r.v.n_sleeps, 0);
    rig_close(&r);
}

static void test_never_retried(void **state) {
    (void)state;
    static const struct { long status; const char *body; int code; const char *venue_code; } cases[] = {
        {400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", PR_EVENUE, "-1121"},
        {400, "{\"code\":-1100,\"msg\":\"Illegal characters\"}", PR_EVENUE, "-1100"},
        {401, "{\"code\":-2015,\"msg\":\"Invalid API-key\"}", PR_EVENUE, "-2015"},
        {403, "<html>WAF</html>", PR_EHTTP, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rig r;
        pr_dl_result res;
        pr_err e;
        pr_err_clear(&e);
        rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
        r.v.script[0] = (scripted){cases[i].status, cases[i].body, -1, -1, 0};
        r.v.n_script = 1;
        rig_start(&r);
        assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), cases[i].code);
        assert_int_equal(res.requests, 1);
        assert_int_equal(res.retries, 0);
        assert_int_equal(r.v.n_sleeps, 0);
        assert_int_equal(e.http_status, cases[i].status);
        assert_string_equal(e.venue_code, cases[i].venue_code);
        assert_non_null(strstr(e.msg, "not retried"));
        rig_close(&r);
    }
}

/* 500, 503 and a cut-off body, then the page: three backoffs of 100 ms
 * doubling (100, 200, 400) plus jitter below half of each. */
static void run_retries(uint64_t seed, int64_t waits[3]) {
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.o.seed = seed;
    r.v.script[0] = (scripted){500, "{}", -1, -1, 0};
    r.v.script[1] = (scripted){503, "{\"code\":-1007,\"msg\":\"Timeout waiting for response\"}", -1, -1, 0};
    r.v.script[2] = (scripted){200, "[[1704066600000,\"1\"", -1, -1, 1};
    r.v.script[3] = (scripted){200, "[[1704066600000,\"1\",\"2", -1, -1, 0}; /* malformed: retried too */
    r.v.n_script = 4;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.requests, 5);
    assert_int_equal(res.retries, 4);
    assert_int_equal(res.inserted, 10);
    assert_int_equal(r.v.n_sleeps, 4);
    assert_true(r.v.sleeps[0] >= 100 && r.v.sleeps[0] < 150);
    assert_true(r.v.sleeps[1] >= 200 && r.v.sleeps[1] < 300);
    assert_true(r.v.sleeps[2] >= 400 && r.v.sleeps[2] < 600);
    assert_true(r.v.sleeps[3] >= 800 && r.v.sleeps[3] < 1200);
    for (int i = 0; i < 3; i++) waits[i] = r.v.sleeps[i];
    rig_close(&r);
}

static void test_backoff_seeded(void **state) {
    (void)state;
    int64_t a[3], b[3], c[3];
    run_retries(7, a);
    run_retries(7, b);
    run_retries(8, c);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
    /* Retries run out: 6 attempts (1 + 5) of HTTP 500, then PR_ETIMEOUT. */
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    for (int i = 0; i < 6; i++) r.v.script[i] = (scripted){500, "{}", -1, -1, 0};
    r.v.n_script = 6;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_ETIMEOUT);
    assert_int_equal(res.requests, 6);
    assert_non_null(strstr(e.msg, "gave up after 6 attempts"));
    rig_close(&r);
}

static void test_forming_bar_and_up_to_date(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    /* Now T0 + 30 s: the bars T0-10m .. T0-1m have closed (10), the bar
     * opening at T0 closes at T0 + 60 s, after the server's now: not stored. */
    rig_open(&r, T0 + 30000, T0 - 10 * M, PR_TIME_NONE);
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.inserted, 10);
    assert_int_equal(res.forming, 1);
    assert_true(res.last_ts == T0 - M);
    pr_dataset_info d;
    assert_int_equal(pr_store_dataset(r.st, "binance", "BTCUSDT", PR_TF_1M, &d, &e), PR_OK);
    assert_int_equal(d.count, 10);
    assert_true(d.last_ts == T0 - M);
    /* Again at once: nothing can have closed since; no request at all. */
    size_t calls = r.v.calls;
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.up_to_date, 1);
    assert_int_equal(res.inserted, 0);
    assert_int_equal(r.v.calls, calls);
    /* A minute later the T0 bar has closed: exactly it is new. */
    r.v.now += M;
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.inserted, 1);
    assert_true(res.first_ts == T0);
    rig_close(&r);
}

static void test_empty_page(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.script[0] = (scripted){200, "[]", -1, -1, 0};
    r.v.script[1] = (scripted){200, "[]", -1, -1, 0};
    r.v.n_script = 2;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.requests, 2); /* asked once more, then reported */
    assert_int_equal(res.empty_pages, 1);
    assert_int_equal(res.inserted, 0);
    assert_int_equal(r.v.reports, 1);
    assert_int_equal(r.v.last_rep.count[PR_ISSUE_GAP], 1);
    /* the request is named: startTime = T0 - 10 min = 1704066600000 */
    assert_non_null(strstr(r.v.last_rep_file, "GET /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1704066600000"));
    rig_close(&r);
    /* One empty answer, then the bars: the retry fills the range. */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.script[0] = (scripted){200, "[]", -1, -1, 0};
    r.v.n_script = 1;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.empty_pages, 0);
    assert_int_equal(res.inserted, 10);
    rig_close(&r);
}

static void test_validation_and_strict(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    /* Bar T0-5m has high < low: skipped (error ohlc), which leaves a hole
     * of one bar (warning gap, as in an import); bar T0-3m has zero volume:
     * kept (warning). 10 rows, 9 stored, 3 defects. */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.bad_ts = T0 - 5 * M;
    r.v.zero_ts = T0 - 3 * M;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.rows, 10);
    assert_int_equal(res.skipped, 1);
    assert_int_equal(res.inserted, 9);
    assert_int_equal(res.defects, 3);
    assert_int_equal(res.gaps, 1);
    assert_int_equal(res.missing_bars, 1);
    assert_int_equal(r.v.last_rep.count[PR_ISSUE_OHLC], 1);
    assert_int_equal(r.v.last_rep.count[PR_ISSUE_ZERO_VOLUME], 1);
    assert_non_null(strstr(r.v.last_rep_file, "GET /api/v3/klines?symbol=BTCUSDT"));
    /* The page's import-log record names the request and its counts. */
    pr_import_record *recs = NULL;
    size_t n = 0;
    assert_int_equal(pr_store_list_imports(r.st, "binance", "BTCUSDT", &recs, &n, &e), PR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(recs[0].status, "ok");
    assert_string_equal(recs[0].format, "binance");
    assert_true(recs[0].rows_read == 10 && recs[0].rows_skipped == 1 && recs[0].rows_inserted == 9);
    assert_non_null(strstr(recs[0].defects_json, "\"ohlc\""));
    pr_store_imports_free(recs, n);
    rig_close(&r);
    /* --strict: the page is not stored, the attempt is logged "rejected". */
    rig_open(&r, T0 + 30000, T0 - 10 * M, T0);
    r.v.zero_ts = T0 - 3 * M;
    r.o.strict = 1;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_EDATA);
    assert_int_equal(res.inserted, 0);
    pr_dataset_info d;
    assert_int_equal(pr_store_dataset(r.st, "binance", "BTCUSDT", PR_TF_1M, &d, &e), PR_ENOTFOUND);
    assert_int_equal(pr_store_list_imports(r.st, "binance", "BTCUSDT", &recs, &n, &e), PR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(recs[0].status, "rejected");
    pr_store_imports_free(recs, n);
    rig_close(&r);
}

static void test_gap_across_pages(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    /* 1500 minutes before T0 without the bars T0-500m .. T0-498m. Page one
     * holds the 1000 bars T0-1500m .. T0-501m; page two asks from T0-500m
     * and starts at T0-497m (497 bars). The hole lies exactly between the
     * pages: found only because the validator carries its state across
     * them, as one gap of 3 bars. */
    rig_open(&r, T0 + 30000, T0 - 1500 * M, T0);
    r.v.gap_from = T0 - 500 * M;
    r.v.gap_to = T0 - 498 * M;
    rig_start(&r);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.pages, 2);
    assert_int_equal(res.inserted, 1000 + 497);
    assert_int_equal(res.gaps, 1);
    assert_int_equal(res.missing_bars, 3);
    rig_close(&r);
}

/* Stops after the first page, resumes in a second call: the store equals
 * one uninterrupted download, bar for bar. */
static void test_resume_equals_uninterrupted(void **state) {
    (void)state;
    rig a, b;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    rig_open(&a, T0 + 30000, T0 - 2500 * M, T0);
    a.v.cancel_after_pages = 1;
    rig_start(&a);
    assert_int_equal(pr_dl_bars(&a.s, a.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_ESTATE);
    assert_int_equal(res.inserted, 1000);
    a.v.cancel_after_pages = 0;
    assert_int_equal(pr_dl_bars(&a.s, a.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_true(res.from_ms == T0 - 1500 * M); /* after the last stored bar */
    assert_int_equal(res.inserted, 1500);
    assert_int_equal(res.unchanged, 0);
    rig_open(&b, T0 + 30000, T0 - 2500 * M, T0);
    rig_start(&b);
    assert_int_equal(pr_dl_bars(&b.s, b.st, "BTCUSDT", PR_TF_1M, &res, &e), PR_OK);
    assert_int_equal(res.inserted, 2500);
    pr_series x, y;
    pr_series_init(&x, 0);
    pr_series_init(&y, 0);
    assert_int_equal(pr_store_get_bars(a.st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &x, &e), PR_OK);
    assert_int_equal(pr_store_get_bars(b.st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &y, &e), PR_OK);
    assert_int_equal(x.len, 2500);
    assert_int_equal(y.len, 2500);
    assert_memory_equal(x.ts, y.ts, x.len * sizeof *x.ts);
    assert_memory_equal(x.close, y.close, x.len * sizeof *x.close);
    assert_memory_equal(x.volume, y.volume, x.len * sizeof *x.volume);
    pr_series_free(&x);
    pr_series_free(&y);
    rig_close(&a);
    rig_close(&b);
}

/* ---- Yahoo ------------------------------------------------------------------------------ */
#define YFIX "tests/data/fixtures/venues/yahoo/"

static void test_yahoo_parse_and_classify(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(YFIX "chart_aapl_1d.json", &len);
    pr_series s;
    pr_series_init(&s, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_yahoo.parse(body, len, PR_TF_1D, &s, &e), PR_OK);
    /* timestamp[0] = 1782912600 = 2026-07-01 13:30 UTC (the open in New
     * York), floored to the day: 1782864000 s; quote[0] values of index 0. */
    assert_int_equal(s.len, 10);
    assert_true(s.ts[0] == INT64_C(1782864000000));
    assert_true(s.open[0] == 212.41000366210938 && s.high[0] == 212.72999572753906);
    assert_true(s.low[0] == 211.7899932861328 && s.close[0] == 211.80999755859375 && s.volume[0] == 61053960);
    /* the last: 1784122200 = 2026-07-15 13:30 -> 1784073600 s, close 218.05999755859375 */
    assert_true(s.ts[9] == INT64_C(1784073600000) && s.close[9] == 218.05999755859375);
    pr_series_free(&s);
    free(body);
    body = slurp(YFIX "chart_truncated.body.txt", &len);
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_yahoo.parse(body, len, PR_TF_1D, &s, &e), PR_EPARSE);
    pr_series_free(&s);
    free(body);
    pr_dl_request rq;
    assert_int_equal(pr_dl_source_yahoo.build("http://h", NULL, "^GSPC", PR_TF_1H, 0, 1000, 0, &rq, &e), PR_EUNSUPPORTED);
    assert_int_equal(pr_dl_source_yahoo.build("http://h", NULL, "^GSPC", PR_TF_1D, INT64_C(1782864000000),
                                              INT64_C(1784160000000), 0, &rq, &e), PR_OK);
    assert_string_equal(rq.shown, "GET /v8/finance/chart/%5EGSPC?period1=1782864000&period2=1784160000&interval=1d"
                                  "&includePrePost=false");
    static const struct { const char *fix; long status; pr_dl_verdict_kind kind; const char *code; } errs[] = {
        {YFIX "error_404_not_found.json", 404, PR_DL_NEVER, "Not Found"},
        {YFIX "error_422_range.json", 422, PR_DL_NEVER, "Unprocessable Entity"},
        {YFIX "error_429_too_many_requests.body.txt", 429, PR_DL_WAIT, ""},
    };
    for (size_t i = 0; i < 3; i++) {
        body = slurp(errs[i].fix, &len);
        pr_dl_reply rp;
        memset(&rp, 0, sizeof rp);
        rp.status = errs[i].status;
        rp.body = body;
        rp.len = len;
        rp.retry_after_ms = rp.used_weight = rp.server_ms = -1;
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, 0, &v);
        pr_dl_source_yahoo.classify(&rp, 0, &v);
        assert_int_equal(v.kind, errs[i].kind);
        assert_string_equal(v.code, errs[i].code);
        if (i == 1) assert_non_null(strstr(v.why, "within the last 60 days"));
        if (i == 2) assert_true(v.wait_ms == -1); /* no Retry-After: back off */
        free(body);
    }
}

/* The chart with a null row (2026-07-08): reported (nonfinite, skipped) and
 * a gap of one bar on the NYSE calendar; 2026-07-03, the Independence Day
 * holiday, and the weekends are no gaps. */
static void test_yahoo_nulls_download(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(YFIX "chart_aapl_1d_with_nulls.json", &len);
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    /* now 2026-07-16 00:00 UTC: the 07-15 bar has closed */
    rig_open(&r, INT64_C(1784160000000), INT64_C(1782864000000), PR_TIME_NONE);
    r.v.script[0] = (scripted){200, body, -1, -1, 0};
    r.v.n_script = 1;
    rig_start_src(&r, &pr_dl_source_yahoo);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "AAPL", PR_TF_1D, &res, &e), PR_OK);
    assert_int_equal(res.requests, 1);
    assert_int_equal(res.rows, 10);
    assert_int_equal(res.skipped, 1);
    assert_int_equal(res.inserted, 9);
    assert_int_equal(res.gaps, 1);
    assert_int_equal(res.missing_bars, 1);
    assert_int_equal(r.v.last_rep.count[PR_ISSUE_NONFINITE], 1);
    assert_int_equal(r.v.last_rep.calendar, PR_CAL_US_STOCK);
    rig_close(&r);
    free(body);
}

/* ---- OANDA ------------------------------------------------------------------------------ */
#define OFIX "tests/data/fixtures/venues/oanda/"

static void test_oanda_parse_build_classify(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(OFIX "candles_eur_usd_h1_mid.json", &len);
    pr_series s;
    pr_series_init(&s, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_oanda.parse(body, len, PR_TF_1H, &s, &e), PR_OK);
    /* 24 candles, the last (2026-07-15T12:00, complete:false) is forming: 23.
     * The first: 2026-07-14T13:00:00Z = 1784034000 s, mid o 1.08412 h 1.08509
     * l 1.08340 c 1.08369, volume 2847; the last complete 2026-07-15T11:00Z
     * = 1784113200 s, c 1.08394. */
    assert_int_equal(s.len, 23);
    assert_true(s.ts[0] == INT64_C(1784034000000));
    assert_true(s.open[0] == 1.08412 && s.high[0] == 1.08509 && s.low[0] == 1.08340 && s.close[0] == 1.08369);
    assert_true(s.volume[0] == 2847);
    assert_true(s.ts[22] == INT64_C(1784113200000) && s.close[22] == 1.08394);
    pr_series_free(&s);
    free(body);
    body = slurp(OFIX "candles_truncated.body.txt", &len);
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_oanda.parse(body, len, PR_TF_1H, &s, &e), PR_EPARSE);
    pr_series_free(&s);
    free(body);
    /* The token goes in a header, never into what is shown. */
    pr_dl_request rq;
    memset(&rq, 0, sizeof rq);
    assert_int_equal(pr_dl_source_oanda.build("http://h", "secret-token", "EURUSD", PR_TF_1H, INT64_C(1784034000000),
                                              INT64_C(1784120400000), 5000, &rq, &e), PR_OK);
    assert_string_equal(rq.shown, "GET /v3/instruments/EUR_USD/candles?price=M&granularity=H1&from=2026-07-14T13:00:00Z"
                                  "&count=5000&alignmentTimezone=UTC&dailyAlignment=0&weeklyAlignment=Monday");
    assert_string_equal(rq.headers[0], "Authorization: Bearer secret-token");
    assert_null(strstr(rq.shown, "secret"));
    assert_null(strstr(rq.url, "secret"));
    assert_int_equal(pr_dl_source_oanda.build("http://h", NULL, "EURUSD", PR_TF_1H, 0, 1, 5000, &rq, &e), PR_EINVAL);
    assert_int_equal(pr_dl_source_oanda.build("http://h", "k", "EURUSD", PR_TF_3M, 0, 1, 5000, &rq, &e),
                     PR_EUNSUPPORTED);
    static const struct { const char *fix; long status; pr_dl_verdict_kind kind; const char *why; } errs[] = {
        {OFIX "error_400_invalid_instrument.json", 400, PR_DL_NEVER, "Invalid value specified for 'instrument'"},
        {OFIX "error_401_unauthorized.json", 401, PR_DL_NEVER, "Insufficient authorization to perform request."},
        {OFIX "error_429_rate_limited.body.txt", 429, PR_DL_WAIT, "HTTP 429"},
    };
    for (size_t i = 0; i < 3; i++) {
        body = slurp(errs[i].fix, &len);
        pr_dl_reply rp;
        memset(&rp, 0, sizeof rp);
        rp.status = errs[i].status;
        rp.body = body;
        rp.len = len;
        rp.retry_after_ms = rp.used_weight = rp.server_ms = -1;
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, 0, &v);
        pr_dl_source_oanda.classify(&rp, 0, &v);
        assert_int_equal(v.kind, errs[i].kind);
        assert_string_equal(v.why, errs[i].why);
        free(body);
    }
}

/* An empty page over a forex weekend is no hole: Saturday 2024-01-06 00:00
 * to Sunday 12:00, the market is closed (it reopens Sunday evening), so one
 * request and nothing reported; the same on a weekday is asked twice and
 * reported. */
static void test_empty_weekend_is_no_hole(void **state) {
    (void)state;
    rig r;
    pr_dl_result res;
    pr_err e;
    pr_err_clear(&e);
    const int64_t sat = T0 + 5 * PR_MS_PER_DAY; /* 2024-01-01 was a Monday */
    rig_open(&r, sat + 36 * PR_MS_PER_HOUR, sat, PR_TIME_NONE);
    r.o.key = "k";
    r.v.script[0] = (scripted){200, "{\"candles\":[]}", -1, -1, 0};
    r.v.n_script = 1;
    rig_start_src(&r, &pr_dl_source_oanda);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "EURUSD", PR_TF_1H, &res, &e), PR_OK);
    assert_int_equal(res.requests, 1);
    assert_int_equal(res.empty_pages, 0);
    assert_int_equal(r.v.reports, 0);
    rig_close(&r);
    const int64_t wed = T0 + 2 * PR_MS_PER_DAY;
    rig_open(&r, wed + 12 * PR_MS_PER_HOUR, wed, PR_TIME_NONE);
    r.o.key = "k";
    r.v.script[0] = (scripted){200, "{\"candles\":[]}", -1, -1, 0};
    r.v.script[1] = (scripted){200, "{\"candles\":[]}", -1, -1, 0};
    r.v.n_script = 2;
    rig_start_src(&r, &pr_dl_source_oanda);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "EURUSD", PR_TF_1H, &res, &e), PR_OK);
    assert_int_equal(res.requests, 2);
    assert_int_equal(res.empty_pages, 1);
    rig_close(&r);
}

/* ---- Alpha Vantage ------------------------------------------------------------------------- */
#define AFIX "tests/data/fixtures/venues/alphavantage/"

static void test_alphavantage(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(AFIX "time_series_daily_ibm.json", &len);
    pr_series s;
    pr_series_init(&s, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_alphavantage.parse(body, len, PR_TF_1D, &s, &e), PR_OK);
    /* 10 dates, newest first in the body; sorted: 2026-07-01 (1782864000 s)
     * o 262.1000 h 263.7200 l 260.4500 c 262.6800 v 5034136 ... 2026-07-15
     * (1784073600 s) o 258.0900 c 258.3400 v 3784763. */
    assert_int_equal(s.len, 10);
    assert_true(s.ts[0] == INT64_C(1782864000000));
    assert_true(s.open[0] == 262.10 && s.high[0] == 263.72 && s.low[0] == 260.45 && s.close[0] == 262.68);
    assert_true(s.volume[0] == 5034136);
    assert_true(s.ts[9] == INT64_C(1784073600000) && s.open[9] == 258.09 && s.close[9] == 258.34);
    pr_series_free(&s);
    /* In-process: sorted bars raise no out-of-order finding, the holiday
     * (07-03) and weekends are no gaps, and the key never shows. */
    rig r;
    pr_dl_result res;
    rig_open(&r, INT64_C(1784160000000), INT64_C(1782864000000), PR_TIME_NONE);
    r.o.key = "SECRETKEY1";
    r.v.script[0] = (scripted){200, body, -1, -1, 0};
    r.v.n_script = 1;
    rig_start_src(&r, &pr_dl_source_alphavantage);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "IBM", PR_TF_1D, &res, &e), PR_OK);
    assert_int_equal(res.inserted, 10);
    assert_int_equal(res.defects, 0);
    assert_int_equal(res.gaps, 0);
    /* 15 days back: the latest 100 days (compact) cover it */
    assert_non_null(strstr(r.v.last_url, "outputsize=compact&apikey=SECRETKEY1"));
    assert_null(strstr(r.v.last_rep_file, "SECRETKEY1"));
    rig_close(&r);
    free(body);
    body = slurp(AFIX "time_series_daily_truncated.body.txt", &len);
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_alphavantage.parse(body, len, PR_TF_1D, &s, &e), PR_EPARSE);
    pr_series_free(&s);
    free(body);
    /* A daily stock bar without its volume is left NaN for the validator to
     * report, not taken as 0 (FX bars, which have none, get 0). */
    static const char no_vol[] = "{\"Time Series (Daily)\": {\"2026-07-15\": {\"1. open\": \"10\", "
                                 "\"2. high\": \"11\", \"3. low\": \"9\", \"4. close\": \"10.5\"}}}";
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_alphavantage.parse(no_vol, sizeof no_vol - 1, PR_TF_1D, &s, &e), PR_OK);
    assert_int_equal(s.len, 1);
    assert_true(s.close[0] == 10.5);
    assert_true(isnan(s.volume[0]));
    pr_series_free(&s);
    /* Errors inside HTTP 200. */
    static const struct { const char *fix; pr_dl_verdict_kind kind; int64_t wait; } errs[] = {
        {AFIX "error_invalid_call.json", PR_DL_NEVER, -1},
        {AFIX "error_invalid_apikey.json", PR_DL_NEVER, -1},
        {AFIX "error_premium_endpoint.json", PR_DL_NEVER, -1},
        {AFIX "error_rate_limit_information.json", PR_DL_WAIT, 24 * PR_MS_PER_HOUR}, /* "25 requests per day" */
    };
    for (size_t i = 0; i < 4; i++) {
        body = slurp(errs[i].fix, &len);
        pr_dl_reply rp;
        memset(&rp, 0, sizeof rp);
        rp.status = 200;
        rp.body = body;
        rp.len = len;
        rp.retry_after_ms = rp.used_weight = rp.server_ms = -1;
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, 0, &v);
        pr_dl_source_alphavantage.classify(&rp, 0, &v);
        assert_int_equal(v.kind, errs[i].kind);
        if (errs[i].wait >= 0) assert_true(v.wait_ms == errs[i].wait);
        free(body);
    }
    /* The daily limit through the downloader: a day is past --max-wait, so it
     * stops at once and says why; no retry. */
    body = slurp(AFIX "error_rate_limit_information.json", &len);
    rig_open(&r, INT64_C(1784160000000), INT64_C(1782864000000), PR_TIME_NONE);
    r.o.key = "K";
    r.v.script[0] = (scripted){200, body, -1, -1, 0};
    r.v.n_script = 1;
    rig_start_src(&r, &pr_dl_source_alphavantage);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "IBM", PR_TF_1D, &res, &e), PR_ELIMIT);
    assert_int_equal(res.requests, 1);
    assert_non_null(strstr(e.msg, "25 requests per day"));
    rig_close(&r);
    free(body);
}

/* ---- other series of a venue: OANDA bid/ask, Alpha Vantage FX, the premium index ------------ */
static int64_t parse_one_reply_ms(const pr_dl_source *src, const char *fix, pr_timeframe tf, pr_series *s, int want) {
    size_t len;
    char *body = slurp(fix, &len);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(src->parse(body, len, tf, s, &e), want);
    free(body);
    return s->len ? s->ts[0] : PR_TIME_NONE;
}

static void test_venue_series(void **state) {
    (void)state;
    pr_err e;
    pr_err_clear(&e);
    pr_dl_request rq;
    /* OANDA: EUR_USD.BID asks price=B and reads the bid side; the reply of
     * price=BA (both sides) is refused: one dataset holds one component.
     * The fixture's last complete candle, 2026-07-15T11:00Z = 1784113200 s,
     * bid o 1.08304 h 1.08414 l 1.08287 c 1.08387, volume 1827. */
    memset(&rq, 0, sizeof rq);
    assert_int_equal(pr_dl_source_oanda.build("http://h", "k", "EUR_USD.BID", PR_TF_1H, INT64_C(1784034000000),
                                              INT64_C(1784120400000), 5000, &rq, &e), PR_OK);
    assert_non_null(strstr(rq.shown, "/v3/instruments/EUR_USD/candles?price=B&granularity=H1"));
    assert_int_equal(pr_dl_source_oanda.build("http://h", "k", "EURUSD.ASK", PR_TF_1H, 0, 1, 5000, &rq, &e), PR_OK);
    assert_non_null(strstr(rq.shown, "/v3/instruments/EUR_USD/candles?price=A&"));
    assert_int_equal(pr_dl_source_oanda.build("http://h", "k", "EUR_USD.XYZ", PR_TF_1H, 0, 1, 5000, &rq, &e), PR_EINVAL);
    pr_series s;
    pr_series_init(&s, 0);
    parse_one_reply_ms(&pr_dl_source_oanda, OFIX "candles_eur_usd_h1_bid_ask.json", PR_TF_1H, &s, PR_EPARSE);
    pr_series_free(&s);
    char *body;
    size_t len;
    {
        /* the bid side alone, as price=B returns it */
        char *ba = slurp(OFIX "candles_eur_usd_h1_bid_ask.json", &len);
        json_t *j = json_loadb(ba, len, 0, NULL);
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(j, "candles"), i, c) json_object_del(c, "ask");
        body = json_dumps(j, 0);
        json_decref(j);
        free(ba);
    }
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_oanda.parse(body, strlen(body), PR_TF_1H, &s, &e), PR_OK);
    free(body);
    assert_int_equal(s.len, 23);
    assert_true(s.ts[22] == INT64_C(1784113200000));
    assert_true(s.open[22] == 1.08304 && s.high[22] == 1.08414 && s.low[22] == 1.08287 && s.close[22] == 1.08387);
    assert_true(s.volume[22] == 1827);
    pr_series_free(&s);

    /* Alpha Vantage FX_INTRADAY: 12 bars 11:05 .. 12:00 UTC, newest first in
     * the reply; 11:05 (1784113500 s) o 1.08441 h 1.08480 l 1.08436 c 1.08464,
     * no volume. The stock calendar and volume rules do not apply. */
    memset(&rq, 0, sizeof rq);
    assert_int_equal(pr_dl_source_alphavantage.build("http://h", "K", "EUR_USD", PR_TF_5M, INT64_C(1784113500000),
                                                     INT64_C(1784113500000) + 60 * M, 0, &rq, &e), PR_OK);
    assert_string_equal(rq.shown, "GET /query?function=FX_INTRADAY&from_symbol=EUR&to_symbol=USD&interval=5min"
                                  "&outputsize=compact");
    assert_int_equal(pr_dl_source_alphavantage.build("http://h", "K", "IBM", PR_TF_5M, 0, 1, 0, &rq, &e), PR_EINVAL);
    assert_int_equal(pr_dl_source_alphavantage.build("http://h", "K", "EURUSDX", PR_TF_5M, 0, 1, 0, &rq, &e), PR_EINVAL);
    assert_int_equal(pr_dl_source_alphavantage.build("http://h", "K", "EU_RUSD", PR_TF_5M, 0, 1, 0, &rq, &e), PR_EINVAL);
    assert_int_equal(pr_dl_source_alphavantage.build("http://h", "K", "eurusd", PR_TF_5M, 0, 1, 0, &rq, &e), PR_EINVAL);
    pr_series_init(&s, 0);
    parse_one_reply_ms(&pr_dl_source_alphavantage, AFIX "fx_intraday_eurusd_5min.json", PR_TF_5M, &s, PR_OK);
    assert_int_equal(s.len, 12);
    assert_true(s.ts[0] == INT64_C(1784113500000) && s.ts[11] == INT64_C(1784113500000) + 55 * M);
    assert_true(s.open[0] == 1.08441 && s.high[0] == 1.08480 && s.low[0] == 1.08436 && s.close[0] == 1.08464);
    assert_true(s.volume[0] == 0);
    pr_series_free(&s);
    pr_dl_series ser;
    pr_dl_series_of(&pr_dl_source_alphavantage, "EURUSD", PR_TF_5M, &ser);
    assert_int_equal(ser.asset_class, PR_ASSET_FOREX);
    assert_int_equal(ser.no_volume, 1);
    pr_dl_series_of(&pr_dl_source_alphavantage, "IBM", PR_TF_1D, &ser);
    assert_int_equal(ser.asset_class, PR_ASSET_STOCK);
    assert_int_equal(ser.no_volume, 0);

    /* The older "Note" names both limits: it is the per-minute one. */
    static const char note[] = "{\"Note\": \"Thank you for using Alpha Vantage! Our standard API call frequency is 5 "
                               "calls per minute and 500 calls per day.\"}";
    pr_dl_reply rp;
    memset(&rp, 0, sizeof rp);
    rp.status = 200;
    rp.body = (char *)note;
    rp.len = sizeof note - 1;
    rp.retry_after_ms = rp.used_weight = rp.server_ms = -1;
    pr_dl_verdict v;
    pr_dl_classify_http(&rp, 0, &v);
    pr_dl_source_alphavantage.classify(&rp, 0, &v);
    assert_int_equal(v.kind, PR_DL_WAIT);
    assert_true(v.wait_ms == PR_MS_PER_MIN);

    /* Binance futures BTCUSDT.PREMIUM: /fapi/v1/premiumIndexKlines for
     * BTCUSDT, an index (signed, no volume); no instrument. */
    memset(&rq, 0, sizeof rq);
    assert_int_equal(pr_dl_source_binance_futures.build("http://h", NULL, "BTCUSDT.PREMIUM", PR_TF_1H, T0,
                                                        T0 + 60 * M, 1000, &rq, &e), PR_OK);
    assert_string_equal(rq.shown, "GET /fapi/v1/premiumIndexKlines?symbol=BTCUSDT&interval=1h&startTime=1704067200000"
                                  "&endTime=1704070799999&limit=1000");
    assert_int_equal(pr_dl_source_binance.build("http://h", NULL, "BTCUSDT.PREMIUM", PR_TF_1H, T0, T0 + 60 * M, 1000,
                                                 &rq, &e), PR_EINVAL);
    pr_dl_series_of(&pr_dl_source_binance_futures, "BTCUSDT.PREMIUM", PR_TF_1H, &ser);
    assert_int_equal(ser.signed_prices, 1);
    assert_int_equal(ser.no_volume, 1);
    pr_dl_series_of(&pr_dl_source_binance_futures, "BTCUSDT", PR_TF_1H, &ser);
    assert_int_equal(ser.signed_prices, 0);
    assert_int_equal(ser.no_volume, 0);
}

/* ---- CoinGecko ------------------------------------------------------------------------------- */
#define CFIX "tests/data/fixtures/venues/coingecko/"

static void test_coingecko(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(CFIX "ohlc_bitcoin_usd_7d.json", &len);
    pr_series s;
    pr_series_init(&s, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_dl_source_coingecko.parse(body, len, PR_TF_4H, &s, &e), PR_OK);
    /* 42 rows [close_time, o, h, l, c], 4 hours apart; the first closes at
     * 1783526400000, so it opened 14400000 ms earlier: 1783512000000, o 91870
     * h 92055 l 91385 c 91794; the last closes 1784116800000, c 95231.4. */
    assert_int_equal(s.len, 42);
    assert_true(s.ts[0] == INT64_C(1783512000000));
    assert_true(s.open[0] == 91870 && s.high[0] == 92055 && s.low[0] == 91385 && s.close[0] == 91794);
    assert_true(s.ts[41] == INT64_C(1784102400000) && s.close[41] == 95231.4);
    pr_series_free(&s);
    /* No volume: stored as 0 without zero-volume findings; the 42 candles
     * are contiguous ((1784116800000 - 1783526400000) / 14400000 + 1 = 42). */
    rig r;
    pr_dl_result res;
    rig_open(&r, INT64_C(1784116800000), INT64_C(1783512000000), PR_TIME_NONE);
    r.v.script[0] = (scripted){200, body, -1, -1, 0};
    r.v.n_script = 1;
    rig_start_src(&r, &pr_dl_source_coingecko);
    assert_int_equal(pr_dl_bars(&r.s, r.st, "bitcoin", PR_TF_4H, &res, &e), PR_OK);
    assert_int_equal(res.inserted, 42);
    assert_int_equal(res.defects, 0);
    /* the range is 1784116800000 - 1783512000000 = 604800000 ms = 7 days: days=7 */
    assert_string_equal(r.v.last_url, "https://api.coingecko.com/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=7");
    rig_close(&r);
    free(body);
    pr_dl_request rq;
    assert_int_equal(pr_dl_source_coingecko.build("http://h", NULL, "bitcoin", PR_TF_1H, 0, 1, 0, &rq, &e),
                     PR_EUNSUPPORTED);
    assert_int_equal(pr_dl_source_coingecko.build("http://h", NULL, "BTC/USD", PR_TF_4H, 0, 1, 0, &rq, &e), PR_EINVAL);
    static const struct { const char *fix; long status; int64_t ra; pr_dl_verdict_kind kind; const char *code; const char *why; } errs[] = {
        {CFIX "error_404_coin_not_found.json", 404, -1, PR_DL_NEVER, "", "coin not found"},
        {CFIX "error_401_key_missing.json", 401, -1, PR_DL_NEVER, "10002", "API Key Missing"},
        {CFIX "error_429_rate_limit.json", 429, 7000, PR_DL_WAIT, "429", NULL}, /* Retry-After: 7 */
    };
    for (size_t i = 0; i < 3; i++) {
        body = slurp(errs[i].fix, &len);
        pr_dl_reply rp;
        memset(&rp, 0, sizeof rp);
        rp.status = errs[i].status;
        rp.body = body;
        rp.len = len;
        rp.retry_after_ms = errs[i].ra;
        rp.used_weight = rp.server_ms = -1;
        pr_dl_verdict v;
        pr_dl_classify_http(&rp, 0, &v);
        pr_dl_source_coingecko.classify(&rp, 0, &v);
        assert_int_equal(v.kind, errs[i].kind);
        assert_string_equal(v.code, errs[i].code);
        if (errs[i].why) assert_string_equal(v.why, errs[i].why);
        if (errs[i].ra >= 0) assert_true(v.wait_ms == errs[i].ra);
        free(body);
    }
    body = slurp(CFIX "ohlc_truncated.body.txt", &len);
    pr_series_init(&s, 0);
    assert_int_equal(pr_dl_source_coingecko.parse(body, len, PR_TF_4H, &s, &e), PR_EPARSE);
    pr_series_free(&s);
    free(body);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_klines_fixture),
        cmocka_unit_test(test_parse_funding_and_instrument),
        cmocka_unit_test(test_classify_fixtures),
        cmocka_unit_test(test_weight_pacing),
        cmocka_unit_test(test_retry_after_and_ban),
        cmocka_unit_test(test_never_retried),
        cmocka_unit_test(test_backoff_seeded),
        cmocka_unit_test(test_forming_bar_and_up_to_date),
        cmocka_unit_test(test_empty_page),
        cmocka_unit_test(test_validation_and_strict),
        cmocka_unit_test(test_gap_across_pages),
        cmocka_unit_test(test_resume_equals_uninterrupted),
        cmocka_unit_test(test_yahoo_parse_and_classify),
        cmocka_unit_test(test_yahoo_nulls_download),
        cmocka_unit_test(test_oanda_parse_build_classify),
        cmocka_unit_test(test_empty_weekend_is_no_hole),
        cmocka_unit_test(test_alphavantage),
        cmocka_unit_test(test_coingecko),
        cmocka_unit_test(test_venue_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
