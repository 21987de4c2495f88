/* Tests for the HTML report: self-contained (no URL anywhere, even when user
 * text holds one), the inline data holds every trade marker (parsed back
 * with jansson), downsampling keeps the extremes, tables show the values,
 * user text is escaped, and identical inputs give identical bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core.h"
#include "proratio/engine/metrics.h"
#include "proratio/engine/report.h"
#include "pr_test.h"

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static size_t count(const char *hay, const char *needle) {
    size_t k = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) k++;
    return k;
}

/* The inline JSON between the data tag and its closing tag. */
static json_t *inline_data(const char *html) {
    const char *open = "<script id=\"pr-data\" type=\"application/json\">";
    const char *a = strstr(html, open);
    assert_non_null(a);
    a += strlen(open);
    const char *b = strstr(a, "</script>");
    assert_non_null(b);
    json_error_t je;
    json_t *j = json_loadb(a, (size_t)(b - a), 0, &je);
    if (!j) fail_msg("inline JSON: %s at %d", je.text, je.position);
    return j;
}

static void test_downsample(void **state) {
    (void)state;
    /* n = 10 > 6: first (0) and last (9), then (6 - 2) / 2 = 2 buckets over
     * the 8 inner points: [1, 5) = 1, 9, 3, 7 -> min at 1, max at 2;
     * [5, 9) = 2, 8, 4, 6 -> min at 5, max at 6. */
    const double v[10] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 0};
    size_t idx[10];
    assert_int_equal(pr_report_downsample(v, 10, 6, idx), 6);
    const size_t want[6] = {0, 1, 2, 5, 6, 9};
    for (int i = 0; i < 6; i++) assert_int_equal(idx[i], want[i]);
    /* Small enough: everything. */
    assert_int_equal(pr_report_downsample(v, 10, 10, idx), 10);
    assert_int_equal(idx[9], 9);
    /* A large series keeps its global extremes and stays within the cap. */
    size_t n = 20000;
    double *w = malloc(n * sizeof *w);
    size_t *ix = malloc(n * sizeof *ix);
    for (size_t i = 0; i < n; i++) w[i] = sin((double)i * 0.01);
    w[12345] = 50;
    w[777] = -50;
    size_t k = pr_report_downsample(w, n, 5000, ix);
    assert_true(k <= 5000 && k > 4000);
    int hi = 0, lo = 0;
    for (size_t i = 0; i < k; i++) {
        if (i) assert_true(ix[i] > ix[i - 1]);
        hi |= ix[i] == 12345;
        lo |= ix[i] == 777;
    }
    assert_true(hi && lo);
    free(w);
    free(ix);
}

typedef struct fixture {
    int64_t t0;
    pr_equity_point eq[4];
    double bench[4];
    pr_trade_record tr[2];
    int64_t pts[4];
    double pc[4];
    pr_price_series ps;
    pr_report_kv kv[2];
    pr_metrics m;
    pr_report_input in;
} fixture;

static void make(fixture *f) {
    memset(f, 0, sizeof *f);
    assert_int_equal(pr_time_make(2021, 1, 1, 0, 0, 0, &f->t0), PR_OK);
    const double v[4] = {100, 110, 99, 121};
    for (int i = 0; i < 4; i++) {
        f->eq[i].ts = f->t0 + i * PR_MS_PER_DAY;
        f->eq[i].equity = v[i];
        f->eq[i].equity_gross = v[i] + 1;
        f->eq[i].cash = 100;
        f->pts[i] = f->eq[i].ts;
        f->pc[i] = 1000 + 10 * i;
        f->bench[i] = 100 + i;
    }
    pr_trade_record *a = &f->tr[0], *b = &f->tr[1];
    a->entry_ts = f->t0 + PR_MS_PER_DAY;
    a->exit_ts = f->t0 + 2 * PR_MS_PER_DAY;
    a->instrument = 0;
    strcpy(a->symbol, "BTCUSDT");
    a->cls = PR_ASSET_CRYPTO;
    a->side = 1;
    a->qty = 0.5;
    a->entry_price = 1010;
    a->exit_price = 1020;
    a->gross_pnl = 5;
    a->fees = 1;
    a->pnl = 4;
    a->risk = 2;
    strcpy(a->tag, "x<y>");
    strcpy(a->reason, "</script><script>alert(1)</script>");
    b->entry_ts = f->t0 + 2 * PR_MS_PER_DAY;
    b->exit_ts = PR_TIME_NONE;
    b->instrument = 0;
    strcpy(b->symbol, "BTCUSDT");
    b->cls = PR_ASSET_CRYPTO;
    b->side = -1;
    b->qty = 0.25;
    b->entry_price = 1020;
    b->exit_price = 1030;
    b->pnl = -2.5;
    b->gross_pnl = -2.5;
    strcpy(b->reason, "see https://example.com/x");
    f->ps = (pr_price_series){"BTCUSDT", 0, PR_ASSET_CRYPTO, f->pts, NULL, f->pc, 4};
    f->kv[0] = (pr_report_kv){"strategy", "sma_cross(10, 30)"};
    f->kv[1] = (pr_report_kv){"llm.base_url", "https://openrouter.ai/api/v1 & http://localhost:8080"};
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    assert_int_equal(pr_metrics_compute(f->eq, 4, f->tr, 2, &o, &f->m, NULL), PR_OK);
    f->in.title = "SMA <cross> & co";
    f->in.config = f->kv;
    f->in.n_config = 2;
    f->in.metrics = &f->m;
    f->in.eq = f->eq;
    f->in.n_eq = 4;
    f->in.bench_equity = f->bench;
    f->in.trades = f->tr;
    f->in.n_trades = 2;
    f->in.prices = &f->ps;
    f->in.n_prices = 1;
}

static char *render(const pr_report_input *in) {
    char dir[256], path[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/report.html", dir);
    pr_err err;
    int rc = pr_report_write_html(path, in, &err);
    if (rc) fail_msg("%s", err.msg);
    char *s = slurp(path);
    remove(path);
    rmdir(dir);
    return s;
}

static void test_self_contained(void **state) {
    (void)state;
    fixture *f = malloc(sizeof *f);
    make(f);
    char *html = render(&f->in);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    /* No URL of any kind, although the configuration and a reason hold some. */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "://"));
    /* No external resources. */
    assert_null(strstr(html, " src="));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "@import"));
    /* The reason's "</script>" cannot close the data block: the data tag and
     * the script tag are the only two closed. */
    assert_int_equal(count(html, "</script>"), 2);
    /* Escaped user text, shown as typed. */
    assert_non_null(strstr(html, "<title>SMA &lt;cross&gt; &amp; co</title>"));
    assert_non_null(strstr(html, "<td>llm.base_url</td><td class=\"l\">https&#58;//openrouter.ai/api/v1 "
                                 "&amp; http&#58;//localhost:8080</td>"));
    assert_non_null(strstr(html, "x&lt;y&gt;"));
    /* Canvases for the charts; a section per part. */
    assert_non_null(strstr(html, "<canvas id=\"c-equity\">"));
    assert_non_null(strstr(html, "<canvas id=\"c-dd\">"));
    assert_non_null(strstr(html, "<canvas id=\"c-price-0\">"));
    assert_non_null(strstr(html, "<h2>Monthly returns</h2>"));
    assert_non_null(strstr(html, "<h2>Trades</h2>"));
    /* The fingerprint of the trades is in the header. */
    char fp[PR_FINGERPRINT_HEX];
    assert_int_equal(pr_trades_fingerprint(f->tr, 2, fp, NULL), PR_OK);
    assert_non_null(strstr(html, fp));
    free(html);
    pr_metrics_free(&f->m);
    free(f);
}

static void test_inline_data(void **state) {
    (void)state;
    fixture *f = malloc(sizeof *f);
    make(f);
    char *html = render(&f->in);
    json_t *d = inline_data(html);
    /* Trade 1: [instrument, side, entry_ts, entry_price, exit_ts, exit_price,
     * qty, pnl, symbol, tag, reason]. 2021-01-02T00:00Z = 1609545600000. */
    json_t *tr = json_object_get(d, "trades");
    assert_int_equal(json_array_size(tr), 2);
    json_t *a = json_array_get(tr, 0);
    assert_int_equal(json_integer_value(json_array_get(a, 0)), 0);
    assert_int_equal(json_integer_value(json_array_get(a, 1)), 1);
    assert_int_equal(json_integer_value(json_array_get(a, 2)), 1609545600000LL);
    assert_true(json_number_value(json_array_get(a, 3)) == 1010.0);
    assert_int_equal(json_integer_value(json_array_get(a, 4)), 1609632000000LL);
    assert_true(json_number_value(json_array_get(a, 5)) == 1020.0);
    assert_true(json_number_value(json_array_get(a, 6)) == 0.5);
    assert_true(json_number_value(json_array_get(a, 7)) == 4.0);
    assert_string_equal(json_string_value(json_array_get(a, 8)), "BTCUSDT");
    assert_string_equal(json_string_value(json_array_get(a, 10)), "</script><script>alert(1)</script>");
    /* The open short: side -1, no exit time. */
    json_t *b = json_array_get(tr, 1);
    assert_int_equal(json_integer_value(json_array_get(b, 1)), -1);
    assert_true(json_is_null(json_array_get(b, 4)));
    assert_string_equal(json_string_value(json_array_get(b, 10)), "see https://example.com/x");
    /* The price chart lists both trades; 4 closes. */
    json_t *p = json_array_get(json_object_get(d, "prices"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "symbol")), "BTCUSDT");
    assert_int_equal(json_array_size(json_object_get(p, "t")), 4);
    assert_true(json_number_value(json_array_get(json_object_get(p, "c"), 3)) == 1030.0);
    json_t *pt = json_object_get(p, "trades");
    assert_int_equal(json_array_size(pt), 2);
    assert_int_equal(json_integer_value(json_array_get(pt, 1)), 1);
    /* Equity lines and drawdown: at point 2, 99/110 - 1 = -10%. */
    json_t *eq = json_object_get(d, "equity");
    assert_int_equal(json_array_size(json_object_get(eq, "net")), 4);
    assert_true(json_number_value(json_array_get(json_object_get(eq, "gross"), 0)) == 101.0);
    assert_true(json_number_value(json_array_get(json_object_get(eq, "bench"), 3)) == 103.0);
    double dd = json_number_value(json_array_get(json_object_get(json_object_get(d, "drawdown"), "v"), 2));
    assert_true(fabs(dd - -0.1) < 1e-11);
    json_decref(d);
    free(html);
    pr_metrics_free(&f->m);
    free(f);
}

static void test_tables(void **state) {
    (void)state;
    fixture *f = malloc(sizeof *f);
    make(f);
    f->in.max_trade_rows = 1;
    char *html = render(&f->in);
    /* Metrics: total return 21% net, 122/101 - 1 = 20.79% without costs. */
    assert_non_null(strstr(html, "<td class=\"l\">Total return</td><td class=\"pos\">21.00%</td>"
                                 "<td class=\"pos\">20.79%</td>"));
    assert_non_null(strstr(html, "<td class=\"l\">Max drawdown</td><td class=\"\">10.00%</td>"));
    /* January 2021 (all four points): 121/100 - 1 = 21%, beyond the 10% of
     * full colour: alpha 0.08 + 0.5 = 0.58. */
    assert_non_null(strstr(html, "<tr><td class=\"l\">2021</td><td style=\"background:rgba(22,163,74,0.58)\">21.00%</td><td></td>"));
    /* Year column: 21% of the 30% full scale: 0.08 + 0.5 * 0.7 = 0.43. */
    assert_non_null(strstr(html, "<td style=\"background:rgba(22,163,74,0.43)\">21.00%</td></tr>"));
    /* Trade list cut to one row, with the count. */
    assert_non_null(strstr(html, "2 trades (1 closed, 1 open); the first 1 are listed"));
    assert_non_null(strstr(html, "<tr><td>1</td><td class=\"l\">BTCUSDT</td><td class=\"l pos\">long</td>"
                                 "<td class=\"l\">2021-01-02 00:00</td><td>1010</td>"));
    /* R of trade 1: 4 / 2 = 2.00. */
    assert_non_null(strstr(html, "<td class=\"pos\">4.00</td><td>2.00</td>"));
    assert_null(strstr(html, "<tr><td>2</td>"));
    free(html);
    pr_metrics_free(&f->m);
    free(f);
}

static void test_large_and_deterministic(void **state) {
    (void)state;
    /* 20,000 hourly bars, 300 trades: the price line is cut to <= 5000
     * points but every trade stays in the data. */
    size_t n = 20000, nt = 300;
    int64_t t0;
    pr_time_make(2022, 1, 1, 0, 0, 0, &t0);
    pr_equity_point *eq = calloc(n, sizeof *eq);
    int64_t *ts = malloc(n * sizeof *ts);
    double *c = malloc(n * sizeof *c);
    pr_trade_record *tr = calloc(nt, sizeof *tr);
    for (size_t i = 0; i < n; i++) {
        ts[i] = t0 + (int64_t)i * PR_MS_PER_HOUR;
        c[i] = 100 + 10 * sin((double)i / 200.0);
        eq[i].ts = ts[i];
        eq[i].equity = 1000 + (double)(i % 97);
        eq[i].equity_gross = eq[i].equity + 1;
    }
    for (size_t k = 0; k < nt; k++) {
        size_t i = 10 + k * 60;
        tr[k].entry_ts = ts[i];
        tr[k].exit_ts = ts[i + 30];
        tr[k].entry_price = c[i];
        tr[k].exit_price = c[i + 30];
        tr[k].side = k % 2 ? -1 : 1;
        tr[k].qty = 1;
        tr[k].pnl = (c[i + 30] - c[i]) * tr[k].side;
        tr[k].cls = PR_ASSET_CRYPTO;
        strcpy(tr[k].symbol, "ETHUSDT");
    }
    pr_price_series ps = {"ETHUSDT", 0, PR_ASSET_CRYPTO, ts, NULL, c, n};
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(eq, n, tr, nt, NULL, &m, NULL), PR_OK);
    pr_report_input in = {0};
    in.metrics = &m;
    in.eq = eq;
    in.n_eq = n;
    in.trades = tr;
    in.n_trades = nt;
    in.prices = &ps;
    in.n_prices = 1;
    char *h1 = render(&in);
    char *h2 = render(&in);
    assert_string_equal(h1, h2);
    json_t *d = inline_data(h1);
    json_t *p = json_array_get(json_object_get(d, "prices"), 0);
    size_t np = json_array_size(json_object_get(p, "t"));
    assert_true(np <= 5000 && np > 1000);
    assert_true(json_array_size(json_object_get(json_object_get(d, "equity"), "t")) <= 5000);
    assert_int_equal(json_array_size(json_object_get(d, "trades")), nt);
    assert_int_equal(json_array_size(json_object_get(p, "trades")), nt);
    /* The default trade list shows all 300 (under the 500-row default). */
    assert_non_null(strstr(h1, "<tr><td>300</td>"));
    assert_null(strstr(h1, "://"));
    json_decref(d);
    free(h1);
    free(h2);
    pr_metrics_free(&m);
    free(eq);
    free(ts);
    free(c);
    free(tr);
}

static void test_errors(void **state) {
    (void)state;
    pr_report_input in = {0};
    pr_err err;
    assert_int_equal(pr_report_write_html("/nonexistent-dir/r.html", &in, &err), PR_EINVAL);
    fixture *f = malloc(sizeof *f);
    make(f);
    pr_err_clear(&err);
    assert_int_equal(pr_report_write_html("/nonexistent-dir/r.html", &f->in, &err), PR_EIO);
    assert_string_equal(err.file, "/nonexistent-dir/r.html");
    pr_metrics_free(&f->m);
    free(f);
}

/* Issue 8: the header, the metrics, the price chart and the trade list count
 * trades one way (trade 1 closed, trade 2 still open: 2 trades, 1 closed,
 * 1 open), and the equity chart plots returns from each line's start with
 * buy and hold on its own axis (a 5%-sized strategy is not a flat line next
 * to it), zoomable; the trade list scrolls in its own box and wraps its
 * exit reasons. */
static void test_counts_and_axes(void **state) {
    (void)state;
    fixture *f = malloc(sizeof *f);
    make(f);
    char *html = render(&f->in);
    const char *c = "2 trades (1 closed, 1 open)";
    /* Header, metrics, price chart heading, trade list. */
    assert_int_equal(count(html, c), 4);
    assert_null(strstr(html, "1 closed, 1 open</td>"));
    json_t *d = inline_data(html);
    json_t *base = json_object_get(json_object_get(d, "equity"), "base");
    /* net starts at 100, without costs at 101, buy and hold at 100 (fixture). */
    assert_int_equal(json_array_size(base), 3);
    assert_true(json_number_value(json_array_get(base, 0)) == 100);
    assert_true(json_number_value(json_array_get(base, 1)) == 101);
    assert_true(json_number_value(json_array_get(base, 2)) == 100);
    json_decref(d);
    assert_non_null(strstr(html, "<button id=\"b-split\" class=\"on\">buy &amp; hold on its own axis</button>"));
    assert_non_null(strstr(html, "<button id=\"b-reset\">reset zoom</button>"));
    assert_non_null(strstr(html, "axis: 'right'"));
    assert_non_null(strstr(html, "<div class=\"tbl\"><table class=\"trades\">"));
    assert_non_null(strstr(html, "<td class=\"l wrap\"><div>see https&#58;//example.com/x</div></td>"));
    free(html);
    pr_metrics_free(&f->m);
    free(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_downsample),
        cmocka_unit_test(test_self_contained),
        cmocka_unit_test(test_inline_data),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_counts_and_axes),
        cmocka_unit_test(test_large_and_deterministic),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
