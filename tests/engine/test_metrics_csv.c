/* Tests for the trades/equity CSV writers and the run fingerprint: exact
 * file text written out by hand, RFC 4180 quoting, SHA-256 against the FIPS
 * 180-2 vector and against coreutils' sha256sum of the CSV file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"
#include "proratio/engine/metrics.h"
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

static void two_trades(pr_trade_record tr[2]) {
    memset(tr, 0, 2 * sizeof *tr);
    int64_t t;
    assert_int_equal(pr_time_make(2021, 1, 1, 0, 0, 0, &t), PR_OK);
    tr[0].entry_ts = t;
    tr[0].exit_ts = t + PR_MS_PER_HOUR;
    tr[0].instrument = 0;
    strcpy(tr[0].symbol, "BTCUSDT");
    tr[0].cls = PR_ASSET_CRYPTO;
    tr[0].side = 1;
    tr[0].qty = 0.5;
    tr[0].entry_price = 100;
    tr[0].exit_price = 110;
    tr[0].gross_pnl = 5;
    tr[0].fees = 0.1;
    tr[0].slippage = 0.2;
    tr[0].funding = 0;
    tr[0].pnl = 4.7;
    tr[0].risk = 2.5;
    strcpy(tr[0].tag, "sma");
    strcpy(tr[0].reason, "stop, \"hit\"");
    tr[1].entry_ts = t + 2 * PR_MS_PER_HOUR + 500; /* milliseconds shown */
    tr[1].exit_ts = PR_TIME_NONE;                   /* still open        */
    tr[1].instrument = 3;
    strcpy(tr[1].symbol, "EURUSD");
    tr[1].cls = PR_ASSET_FOREX;
    tr[1].side = -1;
    tr[1].qty = 1000;
    tr[1].entry_price = 1.25;
    tr[1].exit_price = 1.5;
    tr[1].gross_pnl = -250;
    tr[1].pnl = -250;
    strcpy(tr[1].reason, "end");
}

static const char k_header[] =
    "entry_time,exit_time,instrument,symbol,asset_class,side,qty,entry_price,exit_price,"
    "gross_pnl,fees,slippage,funding,pnl,risk,tag,reason\n";

static void test_trades_csv(void **state) {
    (void)state;
    char dir[256], path[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/trades.csv", dir);
    pr_trade_record tr[2];
    two_trades(tr);
    pr_err err;
    assert_int_equal(pr_write_trades_csv(path, tr, 2, &err), PR_OK);
    char *s = slurp(path);
    /* Shortest text that reads back: the doubles nearest 0.1, 0.2 and 4.7
     * are written "0.1", "0.2", "4.7" (%.17g wrote 0.10000000000000001,
     * 0.20000000000000001, 4.7000000000000002); 0.5, 2.5, 1.25, 1.5 are
     * exact. The reason holds a comma and quotes: quoted, inner quotes doubled. */
    const char *want =
        "entry_time,exit_time,instrument,symbol,asset_class,side,qty,entry_price,exit_price,"
        "gross_pnl,fees,slippage,funding,pnl,risk,tag,reason\n"
        "2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,0,BTCUSDT,crypto,long,0.5,100,110,5,"
        "0.1,0.2,0,4.7,2.5,sma,"
        "\"stop, \"\"hit\"\"\"\n"
        "2021-01-01T02:00:00.500Z,,3,EURUSD,forex,short,1000,1.25,1.5,-250,0,0,0,-250,0,,end\n";
    assert_string_equal(s, want);
    free(s);

    /* FILE* variant writes the same bytes. */
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_non_null(f);
    assert_int_equal(pr_fwrite_trades_csv(f, tr, 2, NULL), PR_OK);
    fclose(f);
    assert_string_equal(mem, want);
    free(mem);

    /* An unwritable path is an error with the path as context. */
    snprintf(path, sizeof path, "%s/missing/trades.csv", dir);
    pr_err_clear(&err);
    assert_int_equal(pr_write_trades_csv(path, tr, 2, &err), PR_EIO);
    assert_string_equal(err.file, path);
    snprintf(path, sizeof path, "%s/trades.csv", dir);
    remove(path);
    rmdir(dir);
}

static void test_equity_csv(void **state) {
    (void)state;
    char dir[256], path[300];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/equity.csv", dir);
    int64_t t;
    pr_time_make(2021, 1, 31, 23, 0, 0, &t);
    /* drawdown = 1 - equity / running peak: 0, 1 - 75/100 = 0.25, 0 (new peak).
     * Each column holds its own field: cash, balance, margin used apart. */
    pr_equity_point e[3] = {
        {.ts = t, .equity = 100, .equity_gross = 100, .cash = 100, .exposure = 0, .balance = 100, .margin_used = 0},
        {.ts = t + PR_MS_PER_HOUR, .equity = 75, .equity_gross = 76.5, .cash = 50, .exposure = 0.5, .balance = 95,
         .margin_used = 12.5},
        {.ts = t + 2 * PR_MS_PER_HOUR, .equity = 120, .equity_gross = 123, .cash = 120, .exposure = 0,
         .balance = 120, .margin_used = 0},
    };
    assert_int_equal(pr_write_equity_csv(path, e, 3, NULL), PR_OK);
    char *s = slurp(path);
    assert_string_equal(s, "time,equity,equity_gross,cash,balance,margin_used,exposure,drawdown\n"
                           "2021-01-31T23:00:00Z,100,100,100,100,0,0,0\n"
                           "2021-02-01T00:00:00Z,75,76.5,50,95,12.5,0.5,0.25\n"
                           "2021-02-01T01:00:00Z,120,123,120,120,0,0,0\n");
    free(s);
    remove(path);
    rmdir(dir);
}

/* A curve larger than the writer's 1 MiB block: every number on every line
 * reads back (strtod, the outside reference) to the double written. */
static void test_equity_csv_large(void **state) {
    (void)state;
    enum { N = 40000 };
    pr_equity_point *e = calloc(N, sizeof *e);
    assert_non_null(e);
    for (int i = 0; i < N; i++) {
        e[i].ts = 1609459200000LL + (int64_t)i * PR_MS_PER_HOUR;
        e[i].equity = 10000.0 * (1 + 0.37 * sin(i / 97.0)) / 3.0;
        e[i].equity_gross = e[i].equity * 1.001;
        e[i].cash = i * 0.1;
        e[i].balance = 1.0 / (i + 1);
        e[i].margin_used = i * 1e-9;
        e[i].exposure = (i % 7) / 7.0;
    }
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    assert_int_equal(pr_fwrite_equity_csv(f, e, N, NULL), PR_OK);
    fclose(f);
    assert_true(len > (1u << 20));
    char *p = strchr(mem, '\n') + 1;
    for (int i = 0; i < N; i++) {
        p = strchr(p, ',') + 1; /* time */
        const double want[] = {e[i].equity, e[i].equity_gross, e[i].cash, e[i].balance, e[i].margin_used,
                               e[i].exposure};
        for (int k = 0; k < 6; k++) {
            char *end;
            double v = strtod(p, &end);
            if (memcmp(&v, &want[k], sizeof v) != 0) fail_msg("line %d field %d: %.17g vs %.17g", i, k, v, want[k]);
            assert_int_equal(*end, ',');
            p = end + 1;
        }
        p = strchr(p, '\n') + 1;
    }
    assert_int_equal(*p, '\0');
    free(mem);
    free(e);
}

static void test_sha256_vectors(void **state) {
    (void)state;
    char hex[PR_FINGERPRINT_HEX];
    /* FIPS 180-2, appendix B.1: SHA-256("abc"). */
    assert_int_equal(pr_sha256_hex("abc", 3, hex, NULL), PR_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* SHA-256 of the empty string. */
    assert_int_equal(pr_sha256_hex(NULL, 0, hex, NULL), PR_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* No trades: the hash of the header line alone, as given by
     * `printf 'entry_time,...,reason\n' | sha256sum`. */
    assert_int_equal(pr_trades_fingerprint(NULL, 0, hex, NULL), PR_OK);
    assert_string_equal(hex, "e55fc1e38f6c0c57cccd4a907b204210db2ccc658c7cc9d19c3cc70a23270ac1");
    assert_int_equal(pr_sha256_hex(k_header, strlen(k_header), hex, NULL), PR_OK);
    assert_string_equal(hex, "e55fc1e38f6c0c57cccd4a907b204210db2ccc658c7cc9d19c3cc70a23270ac1");
}

static void test_fingerprint(void **state) {
    (void)state;
    pr_trade_record tr[2];
    two_trades(tr);
    char a[PR_FINGERPRINT_HEX], b[PR_FINGERPRINT_HEX];
    assert_int_equal(pr_trades_fingerprint(tr, 2, a, NULL), PR_OK);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(pr_trades_fingerprint(tr, 2, b, NULL), PR_OK);
    assert_string_equal(a, b);

    /* It is sha256sum of the trades CSV file. */
    char dir[256], path[300], cmd[400], line[128];
    assert_non_null(pr_test_tmpdir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/trades.csv", dir);
    assert_int_equal(pr_write_trades_csv(path, tr, 2, NULL), PR_OK);
    snprintf(cmd, sizeof cmd, "sha256sum '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *got = fgets(line, sizeof line, p);
    int st = pclose(p);
    if (got && st == 0) {
        line[64] = '\0';
        assert_string_equal(line, a);
    } else {
        print_message("sha256sum not available: file comparison skipped\n");
    }
    remove(path);
    rmdir(dir);

    /* One ulp in one price, or one trade less, changes it. */
    tr[1].exit_price = nextafter(tr[1].exit_price, 2.0);
    assert_int_equal(pr_trades_fingerprint(tr, 2, b, NULL), PR_OK);
    assert_string_not_equal(a, b);
    assert_int_equal(pr_trades_fingerprint(tr, 1, b, NULL), PR_OK);
    assert_string_not_equal(a, b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trades_csv),
        cmocka_unit_test(test_equity_csv),
        cmocka_unit_test(test_equity_csv_large),
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
