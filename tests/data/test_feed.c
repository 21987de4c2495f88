/* pr_feed: the Binance kline message parser on the recorded stream
 * messages, the clock offset from /api/v3/time, the OANDA polling feed on
 * the recorded candles (an injected transport and clock: no network, no
 * waiting) and the replay feed (order over streams, speed). Expected
 * values are read off the fixtures by hand and written out here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proratio/data/feed.h"
#include "pr_test.h"

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

/* Line `k` (0-based) of a .jsonl fixture into buf. */
static size_t line_of(const char *rel, int k, char *buf, size_t cap) {
    size_t len;
    char *all = slurp(rel, &len);
    char *p = all;
    for (int i = 0; i < k; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t n = strcspn(p, "\n");
    assert_true(n < cap);
    memcpy(buf, p, n);
    buf[n] = '\0';
    free(all);
    return n;
}

#define BIN "tests/data/fixtures/venues/binance/"

/* ---- the WebSocket message parser ------------------------------------------------ */
/* ws_kline_1m_raw.jsonl: four updates of the BTCUSDT 1m bar opening at
 * 1784116800000 (2026-07-15 12:00 UTC); lines 1-3 have "x":false, line 4
 * "x":true with o 95231.40 h 95244.05 l 95228.77 c 95244.05 v 8.44790. */
static void check_fixture(const char *rel) {
    char msg[2048];
    pr_feed_event ev;
    pr_err err;
    int closed = -1;
    for (int k = 0; k < 3; k++) {
        size_t n = line_of(rel, k, msg, sizeof msg);
        assert_int_equal(pr_feed_binance_parse(msg, n, &ev, &closed, &err), 1);
        assert_int_equal(closed, 0);
        assert_int_equal(ev.ts, INT64_C(1784116800000));
    }
    size_t n = line_of(rel, 1, msg, sizeof msg); /* line 2: c 95236.12, v 2.47989, still forming */
    assert_int_equal(pr_feed_binance_parse(msg, n, &ev, &closed, &err), 1);
    assert_true(ev.close == 95236.12 && ev.volume == 2.47989);
    n = line_of(rel, 3, msg, sizeof msg);
    assert_int_equal(pr_feed_binance_parse(msg, n, &ev, &closed, &err), 1);
    assert_int_equal(closed, 1);
    assert_int_equal(ev.kind, PR_FEED_EV_BAR);
    assert_string_equal(ev.symbol, "BTCUSDT");
    assert_int_equal(ev.tf, PR_TF_1M);
    assert_int_equal(ev.ts, INT64_C(1784116800000));
    assert_true(ev.open == 95231.40);
    assert_true(ev.high == 95244.05);
    assert_true(ev.low == 95228.77);
    assert_true(ev.close == 95244.05);
    assert_true(ev.volume == 8.44790);
}

static void test_parse_raw(void **state) {
    (void)state;
    check_fixture(BIN "ws_kline_1m_raw.jsonl");
}

/* The combined stream wraps the same four events in {"stream","data"}. */
static void test_parse_combined(void **state) {
    (void)state;
    check_fixture(BIN "ws_kline_1m_combined.jsonl");
}

static void test_parse_other(void **state) {
    (void)state;
    pr_feed_event ev;
    pr_err err;
    int closed;
    const char *sub = "{\"result\":null,\"id\":1}";
    assert_int_equal(pr_feed_binance_parse(sub, strlen(sub), &ev, &closed, &err), 0);
    const char *trade = "{\"e\":\"trade\",\"s\":\"BTCUSDT\"}";
    assert_int_equal(pr_feed_binance_parse(trade, strlen(trade), &ev, &closed, &err), 0);
    const char *cut = "{\"e\":\"kline\",\"k\":{\"t\":17841";
    assert_int_equal(pr_feed_binance_parse(cut, strlen(cut), &ev, &closed, &err), PR_EPARSE);
    const char *nox = "{\"e\":\"kline\",\"k\":{\"t\":1,\"s\":\"A\",\"i\":\"1m\",\"o\":\"1\",\"h\":\"1\",\"l\":\"1\","
                      "\"c\":\"1\",\"v\":\"1\"}}";
    assert_int_equal(pr_feed_binance_parse(nox, strlen(nox), &ev, &closed, &err), PR_EPARSE);
}

/* ---- an injected venue: a clock that only moves when told, and a transport
 * that serves one body per path and takes `rtt` ms ---- */
typedef struct fake {
    int64_t now;
    int64_t rtt;
    int requests;
    char last_url[1024];
    int64_t last_at;         /* clock when the last request was sent      */
    const char *body;        /* served for every request                  */
    long status;             /* its HTTP status (0: 200)                  */
} fake;

static int64_t fake_now(void *u) { return ((fake *)u)->now; }
static void fake_sleep(void *u, int64_t ms) { ((fake *)u)->now += ms; }

static int fake_get(void *user, const pr_dl_request *rq, double timeout_s, pr_dl_reply *out) {
    (void)timeout_s;
    fake *f = user;
    memset(out, 0, sizeof *out);
    out->retry_after_ms = out->used_weight = out->server_ms = -1;
    f->requests++;
    f->last_at = f->now;
    snprintf(f->last_url, sizeof f->last_url, "%s", rq->url);
    f->now += f->rtt;
    out->status = f->status ? f->status : 200;
    out->len = strlen(f->body);
    out->body = malloc(out->len + 1);
    memcpy(out->body, f->body, out->len + 1);
    return 0;
}

/* spot_time.json is {"serverTime":1784116805123}. The request leaves at
 * local 1784116790000 and its reply comes 200 ms later: the server read
 * its clock half-way, at local 1784116790100, so the offset is
 * 1784116805123 - 1784116790100 = 15023 ms. */
static void test_clock_offset(void **state) {
    (void)state;
    size_t len;
    char *body = slurp(BIN "spot_time.json", &len);
    fake f = {.now = INT64_C(1784116790000), .rtt = 200, .body = body};
    pr_dl_clock c = {fake_now, fake_sleep, &f};
    int64_t off = 0;
    pr_err err;
    assert_int_equal(pr_feed_binance_clock_offset("http://127.0.0.1:1", fake_get, &f, &c, &off, &err), PR_OK);
    assert_int_equal(off, 15023);
    assert_int_equal(f.requests, 1);
    assert_string_equal(f.last_url, "http://127.0.0.1:1/api/v3/time");
    /* A reply without serverTime is an error, not an offset of 0. */
    f.body = "{\"server\":1}";
    assert_int_not_equal(pr_feed_binance_clock_offset("http://127.0.0.1:1", fake_get, &f, &c, &off, &err), PR_OK);
    free(body);
}

/* ---- the probe a session makes of each market --------------------------------- */
/* One request for the stream's last 5 bars (from now - 5 bars to now): a
 * venue that answers, even with no bar, can serve it; Binance's -1121
 * (HTTP 400, recorded body) is the venue's refusal, named, and not retried;
 * a timeframe Binance has no klines of is refused before any request. */
static void test_probe(void **state) {
    (void)state;
    fake f = {.now = INT64_C(1784116800000), .body = "[]"};
    pr_feed_stream s = {"BTCUSDT", PR_TF_1M};
    pr_feed_poll_options o = {.source = "binance", .base_url = "http://127.0.0.1:1", .get = fake_get,
                              .get_user = &f, .clock = {fake_now, fake_sleep, &f}};
    pr_err err;
    assert_int_equal(pr_feed_probe(&s, &o, &err), PR_OK);
    assert_int_equal(f.requests, 1);
    assert_non_null(strstr(f.last_url, "/api/v3/klines?symbol=BTCUSDT&interval=1m"));
    assert_non_null(strstr(f.last_url, "startTime=1784116500000"));
    size_t len;
    char *body = slurp("tests/data/fixtures/venues/binance/error_-1121_symbol.json", &len);
    f.body = body;
    f.status = 400;
    pr_err_clear(&err);
    assert_int_not_equal(pr_feed_probe(&s, &o, &err), PR_OK);
    assert_non_null(strstr(err.msg, "-1121"));
    assert_non_null(strstr(err.msg, "Invalid symbol"));
    assert_int_equal(f.requests, 2);
    pr_feed_stream s5 = {"BTCUSDT", PR_TF_5S};
    assert_int_equal(pr_feed_probe(&s5, &o, &err), PR_EUNSUPPORTED);
    assert_int_equal(f.requests, 2);
    free(body);
}

/* ---- OANDA polling ------------------------------------------------------------ */
static void next_bar(pr_feed *f, int timeout_ms, pr_feed_event *ev) {
    pr_err err;
    for (;;) {
        assert_int_equal(pr_feed_next(f, timeout_ms, ev, &err), PR_OK);
        if (ev->kind == PR_FEED_EV_BAR) return;
        assert_int_not_equal(ev->state, PR_FEED_ERROR);
    }
}

/* candles_eur_usd_h1_mid.json: 24 EUR_USD H1 candles 2026-07-14 13:00 ..
 * 2026-07-15 12:00, the last "complete": false. Polled at 12:00:01 from
 * 13:00 the day before: the 23 complete ones, first 13:00 (1784034000000)
 * o 1.08412 h 1.08509 l 1.08340 c 1.08369 v 2847, last 11:00
 * (1784113200000) o 1.08311 c 1.08394 v 1827. The next poll is at the next
 * close, 13:00:00, plus the 2 s delay = 1784120402000; by then the 12:00
 * candle is complete: o 1.08394 h 1.08542 l 1.08342 c 1.08507 v 493. */
static void test_poll_oanda(void **state) {
    (void)state;
    size_t len;
    char *body = slurp("tests/data/fixtures/venues/oanda/candles_eur_usd_h1_mid.json", &len);
    fake f = {.now = INT64_C(1784116801000), .body = body};
    pr_feed_stream s = {"EURUSD", PR_TF_1H};
    pr_feed_poll_options o = {.source = "oanda", .base_url = "http://127.0.0.1:1", .key = "test-token",
                              .delay_ms = 2000, .since_ms = INT64_C(1784034000000), .get = fake_get, .get_user = &f,
                              .clock = {fake_now, fake_sleep, &f}};
    pr_feed *feed;
    pr_err err;
    assert_int_equal(pr_feed_poll_new(&s, 1, &o, &feed, &err), PR_OK);
    pr_feed_event ev;
    next_bar(feed, 0, &ev);
    assert_string_equal(ev.symbol, "EURUSD");
    assert_int_equal(ev.tf, PR_TF_1H);
    assert_int_equal(ev.ts, INT64_C(1784034000000));
    assert_true(ev.open == 1.08412 && ev.high == 1.08509 && ev.low == 1.08340 && ev.close == 1.08369);
    assert_true(ev.volume == 2847);
    assert_non_null(strstr(f.last_url, "/v3/instruments/EUR_USD/candles?"));
    assert_non_null(strstr(f.last_url, "from=2026-07-14T13:00:00"));
    for (int i = 1; i < 23; i++) next_bar(feed, 0, &ev);
    assert_int_equal(ev.ts, INT64_C(1784113200000));
    assert_true(ev.open == 1.08311 && ev.close == 1.08394 && ev.volume == 1827);
    assert_int_equal(f.requests, 1);
    /* Nothing more before the next close: a 1 s wait times out unasked. */
    assert_int_equal(pr_feed_next(feed, 1000, &ev, &err), PR_ETIMEOUT);
    assert_int_equal(f.requests, 1);
    assert_int_equal(f.now, INT64_C(1784116802000));
    /* The 12:00 candle completes. */
    char *done = strstr(body, "\"complete\": false");
    assert_non_null(done);
    memcpy(done, "\"complete\":  true", 17);
    next_bar(feed, -1, &ev);
    assert_int_equal(f.requests, 2);
    assert_int_equal(f.last_at, INT64_C(1784120402000));
    assert_non_null(strstr(f.last_url, "from=2026-07-15T12:00:00"));
    assert_int_equal(ev.ts, INT64_C(1784116800000));
    assert_true(ev.open == 1.08394 && ev.high == 1.08542 && ev.low == 1.08342 && ev.close == 1.08507);
    assert_true(ev.volume == 493);
    /* The 23 earlier candles in that reply are not given again. */
    assert_int_equal(pr_feed_next(feed, 0, &ev, &err), PR_ETIMEOUT);
    pr_feed_free(feed);
    free(body);
}

/* chart_aapl_1d.json: 10 daily AAPL bars stamped 13:30 UTC (the open),
 * 2026-07-01 .. 2026-07-15, stored on 00:00 UTC. Polled at the fixture's
 * now, 2026-07-15 12:00:01, from 07-01: the 9 bars up to 07-14 have closed
 * (07-15 closes at 07-16 00:00): first 07-01 (1782864000000) open
 * 212.41000366210938, last 07-14 (1783987200000) close 219.66000366210938.
 * The next poll is due at 07-16 00:00:02 (1784160002000: close + 2 s delay)
 * and gives the 07-15 bar (1784073600000), close 218.05999755859375. */
static void test_poll_yahoo_daily(void **state) {
    (void)state;
    size_t len;
    char *body = slurp("tests/data/fixtures/venues/yahoo/chart_aapl_1d.json", &len);
    fake f = {.now = INT64_C(1784116801000), .body = body};
    pr_feed_stream s = {"AAPL", PR_TF_1D};
    pr_feed_poll_options o = {.source = "yahoo", .base_url = "http://127.0.0.1:1", .delay_ms = 2000,
                              .since_ms = INT64_C(1782864000000), .get = fake_get, .get_user = &f,
                              .clock = {fake_now, fake_sleep, &f}};
    pr_feed *feed;
    pr_err err;
    assert_int_equal(pr_feed_poll_new(&s, 1, &o, &feed, &err), PR_OK);
    pr_feed_event ev;
    next_bar(feed, 0, &ev);
    assert_int_equal(ev.ts, INT64_C(1782864000000));
    assert_true(ev.open == 212.41000366210938);
    for (int i = 1; i < 9; i++) next_bar(feed, 0, &ev);
    assert_int_equal(ev.ts, INT64_C(1783987200000));
    assert_true(ev.close == 219.66000366210938);
    assert_int_equal(pr_feed_next(feed, 0, &ev, &err), PR_ETIMEOUT);
    /* 11 h 59 min 59 s later, still before 07-16 00:00:02: no request. */
    assert_int_equal(pr_feed_next(feed, 43199000, &ev, &err), PR_ETIMEOUT);
    assert_int_equal(f.requests, 1);
    next_bar(feed, 3000, &ev);
    assert_int_equal(f.requests, 2);
    assert_int_equal(f.last_at, INT64_C(1784160002000));
    assert_int_equal(ev.ts, INT64_C(1784073600000));
    assert_true(ev.close == 218.05999755859375);
    pr_feed_free(feed);
    free(body);
}

/* ---- replay ---------------------------------------------------------------------- */
/* A 1h series (bars 00:00, 01:00: closes 01:00, 02:00) and a 30m series
 * (00:00 .. 01:30: closes 00:30, 01:00, 01:30, 02:00) merged by close time,
 * ties in stream order: 30m@00:00, 1h@00:00, 30m@00:30, 30m@01:00,
 * 1h@01:00, 30m@01:30. At 60x real time the first bar comes at once and
 * each later one after its close-time step / 60 (30 min -> 30 s). */
static void test_replay(void **state) {
    (void)state;
    const int64_t H = 3600000, T = INT64_C(1784073600000); /* 2026-07-15 00:00 */
    pr_series a, b;
    pr_series_init(&a, 2);
    pr_series_init(&b, 4);
    a.tf = PR_TF_1H;
    b.tf = PR_TF_30M;
    snprintf(a.symbol, sizeof a.symbol, "AAA");
    snprintf(b.symbol, sizeof b.symbol, "BBB");
    for (int i = 0; i < 2; i++) pr_series_push(&a, T + i * H, 10 + i, 11 + i, 9 + i, 10.5 + i, 100 + i);
    for (int i = 0; i < 4; i++) pr_series_push(&b, T + i * H / 2, 20 + i, 21 + i, 19 + i, 20.5 + i, 200 + i);
    const pr_series *ss[2] = {&a, &b};
    const char *sym[6] = {"BBB", "AAA", "BBB", "BBB", "AAA", "BBB"};
    const int64_t ts[6] = {T, T, T + H / 2, T + H, T + H, T + 3 * H / 2};
    /* Local arrival times at 60x, starting at 0: the first at once, then
     * each close-time step / 60: closes 00:30, 01:00, 01:00, 01:30, 02:00,
     * 02:00 -> 0, 30 s, 30 s, 60 s, 90 s, 90 s. */
    const int64_t at[6] = {0, 30000, 30000, 60000, 90000, 90000};
    for (int speed = 0; speed < 2; speed++) {
        fake f = {.now = 0};
        pr_feed_replay_options o = {.speed = speed ? 60 : 0, .clock = {fake_now, fake_sleep, &f}};
        pr_feed *feed;
        pr_err err;
        assert_int_equal(pr_feed_replay_new(ss, 2, &o, &feed, &err), PR_OK);
        pr_feed_event ev;
        for (int k = 0; k < 6; k++) {
            next_bar(feed, -1, &ev);
            assert_string_equal(ev.symbol, sym[k]);
            assert_int_equal(ev.ts, ts[k]);
            assert_int_equal(f.now, speed ? at[k] : 0);
        }
        assert_true(ev.close == 23.5 && ev.volume == 203);
        assert_int_equal(pr_feed_next(feed, 0, &ev, &err), PR_OK);
        assert_int_equal(ev.kind, PR_FEED_EV_STATUS);
        assert_int_equal(ev.state, PR_FEED_ENDED);
        assert_int_equal(pr_feed_next(feed, 0, &ev, &err), PR_OK); /* and again */
        assert_int_equal(ev.state, PR_FEED_ENDED);
        pr_feed_free(feed);
    }
    /* A short timeout at 60x: the second bar is 30 s away, 10 s pass. */
    fake f = {.now = 0};
    pr_feed_replay_options o = {.speed = 60, .clock = {fake_now, fake_sleep, &f}};
    pr_feed *feed;
    pr_err err;
    pr_feed_event ev;
    assert_int_equal(pr_feed_replay_new(ss, 2, &o, &feed, &err), PR_OK);
    next_bar(feed, -1, &ev);
    assert_int_equal(pr_feed_next(feed, 10000, &ev, &err), PR_ETIMEOUT);
    assert_int_equal(f.now, 10000);
    next_bar(feed, -1, &ev);
    assert_int_equal(f.now, 30000);
    pr_feed_free(feed);
    pr_series_free(&a);
    pr_series_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_raw),   cmocka_unit_test(test_parse_combined), cmocka_unit_test(test_parse_other),
        cmocka_unit_test(test_clock_offset), cmocka_unit_test(test_poll_oanda),    cmocka_unit_test(test_poll_yahoo_daily),
        cmocka_unit_test(test_replay),      cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
