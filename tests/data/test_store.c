/* Tests for the market-data store. The same test functions run against a
 * fresh SQLite file per test and, when PR_PG_URL is set (tests/data/
 * store_pg.sh starts a throwaway server), against PostgreSQL with the
 * public schema dropped before each test. Expected values are written out
 * by hand (bar values, counts, ranges) — never read back from the store
 * to define what is right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proratio/data/store_risk.h"
#include "proratio/data/store_paper.h"
#include "proratio/data/store_opt.h"
#include "proratio/core.h"
#include "proratio/data/store.h"
#include "data/store_internal.h"
#include "pr_test.h"

#define T0 1640995200000LL /* 2022-01-01T00:00:00Z */
#define MIN PR_MS_PER_MIN
#define HOUR PR_MS_PER_HOUR

typedef struct fx {
    int pg;
    char dir[256];
    char url[600];
} fx;

static const char *g_pg_url;

/* ---- fixtures ---------------------------------------------------------------- */
static int setup_sqlite(void **state) {
    fx *f = calloc(1, sizeof *f);
    if (!f || !pr_test_tmpdir(f->dir, sizeof f->dir)) return -1;
    snprintf(f->url, sizeof f->url, "sqlite:%s/store.db", f->dir);
    *state = f;
    return 0;
}

static void rm_store_files(const char *dir) {
    static const char *const names[] = {"store.db", "store.db-wal", "store.db-shm",
                                        "plain.db", "plain.db-wal", "plain.db-shm",
                                        "slashes.db", "slashes.db-wal", "slashes.db-shm",
                                        "notadb.db"};
    char p[400];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

static int teardown_sqlite(void **state) {
    fx *f = *state;
    rm_store_files(f->dir);
    free(f);
    return 0;
}

/* Empties the PostgreSQL database so every test starts from nothing. */
static int setup_pg(void **state) {
    fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    f->pg = 1;
    pr_strlcpy(f->url, g_pg_url, sizeof f->url);
    pr_store_open_opts o = {0, NULL, 0, 1, NULL};
    pr_store *st = NULL;
    pr_err e;
    pr_err_clear(&e);
    if (pr_store_open_ex(f->url, &o, &st, &e) != PR_OK ||
        pr_store_exec_sql(st, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", &e) != PR_OK) {
        fprintf(stderr, "cannot reset PostgreSQL test database: %s\n", e.msg);
        pr_store_close(st);
        free(f);
        return -1;
    }
    pr_store_close(st);
    *state = f;
    return 0;
}

static int teardown_pg(void **state) {
    free(*state);
    return 0;
}

/* ---- helpers ----------------------------------------------------------------- */
static pr_store *open_ok(const fx *f) {
    pr_store *st = NULL;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_store_open(f->url, &st, &e);
    if (rc != PR_OK) fail_msg("open %s: %s", f->url, e.msg);
    assert_non_null(st);
    return st;
}

#define OK(call)                                                     \
    do {                                                             \
        pr_err e_;                                                   \
        pr_err_clear(&e_);                                           \
        int rc_ = (call);                                            \
        if (rc_ != PR_OK) fail_msg("%s -> %d: %s", #call, rc_, e_.msg); \
    } while (0)
/* Calls use `&e_` as their error argument inside OK(). */

/* Bar i of a deterministic test series: ts = t0 + i*step, values derived
 * from i by simple arithmetic so a test can state them exactly. */
static void bar_values(size_t i, double *o, double *h, double *l, double *c, double *v) {
    double base = 100.0 + (double)i * 0.25;
    *o = base;
    *h = base + 1.5;
    *l = base - 1.25;
    *c = base + 0.5;
    *v = 10.0 + (double)(i % 7);
}

static void make_series(pr_series *s, size_t n, int64_t t0, int64_t step) {
    assert_int_equal(pr_series_init(s, n ? n : 1), PR_OK);
    for (size_t i = 0; i < n; i++) {
        double o, h, l, c, v;
        bar_values(i, &o, &h, &l, &c, &v);
        assert_int_equal(pr_series_push(s, t0 + (int64_t)i * step, o, h, l, c, v), PR_OK);
    }
}

static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void assert_series_equal(const pr_series *a, const pr_series *b) {
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        assert_int_equal(a->ts[i], b->ts[i]);
        assert_true(same_double(a->open[i], b->open[i]));
        assert_true(same_double(a->high[i], b->high[i]));
        assert_true(same_double(a->low[i], b->low[i]));
        assert_true(same_double(a->close[i], b->close[i]));
        assert_true(same_double(a->volume[i], b->volume[i]));
    }
}

static size_t get_len(pr_store *st, const char *venue, const char *sym, pr_timeframe tf,
                      int64_t from, int64_t to) {
    pr_series s;
    pr_series_init(&s, 0);
    OK(pr_store_get_bars(st, venue, sym, tf, from, to, &s, &e_));
    size_t n = s.len;
    pr_series_free(&s);
    return n;
}

/* Everything a user can observe through the API, serialised, so that two
 * states can be compared byte for byte. */
typedef struct buf {
    unsigned char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static buf snapshot(pr_store *st) {
    buf b = {NULL, 0, 0};
    pr_dataset_info *ds = NULL;
    size_t nds = 0;
    OK(pr_store_list(st, NULL, &ds, &nds, &e_));
    put(&b, &nds, sizeof nds);
    for (size_t i = 0; i < nds; i++) {
        put(&b, &ds[i], sizeof ds[i]);
        pr_series s;
        pr_series_init(&s, 0);
        OK(pr_store_get_bars(st, ds[i].venue, ds[i].symbol, ds[i].tf, PR_TIME_NONE, PR_TIME_NONE,
                             &s, &e_));
        put(&b, &s.len, sizeof s.len);
        put(&b, s.ts, s.len * sizeof *s.ts);
        put(&b, s.open, s.len * sizeof *s.open);
        put(&b, s.high, s.len * sizeof *s.high);
        put(&b, s.low, s.len * sizeof *s.low);
        put(&b, s.close, s.len * sizeof *s.close);
        put(&b, s.volume, s.len * sizeof *s.volume);
        pr_series_free(&s);
    }
    free(ds);
    pr_instrument *ins = NULL;
    size_t nin = 0;
    OK(pr_store_list_instruments(st, NULL, &ins, &nin, &e_));
    put(&b, &nin, sizeof nin);
    for (size_t i = 0; i < nin; i++) put(&b, &ins[i], sizeof ins[i]);
    free(ins);
    pr_import_record *rec = NULL;
    size_t nrec = 0;
    OK(pr_store_list_imports(st, NULL, NULL, &rec, &nrec, &e_));
    put(&b, &nrec, sizeof nrec);
    pr_store_imports_free(rec, nrec);
    pr_funding_rate *fr = NULL;
    size_t nfr = 0;
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", PR_TIME_NONE, PR_TIME_NONE, &fr, &nfr, &e_));
    put(&b, &nfr, sizeof nfr);
    if (nfr) put(&b, fr, nfr * sizeof *fr);
    free(fr);
    return b;
}

static void assert_same_snapshot(buf *a, buf *b) {
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->p, b->p, a->n);
}

static pr_instrument instrument(const char *venue, const char *symbol, pr_asset_class cls,
                                double tick) {
    pr_instrument in;
    memset(&in, 0, sizeof in);
    pr_strlcpy(in.venue, venue, sizeof in.venue);
    pr_strlcpy(in.symbol, symbol, sizeof in.symbol);
    in.asset_class = cls;
    pr_strlcpy(in.base, cls == PR_ASSET_FOREX ? "EUR" : "BTC", sizeof in.base);
    pr_strlcpy(in.quote, cls == PR_ASSET_FOREX ? "USD" : "USDT", sizeof in.quote);
    in.tick_size = tick;
    in.lot_step = 0.00001;
    in.min_qty = 0.0001;
    in.min_notional = 5.0;
    in.pip_size = cls == PR_ASSET_FOREX ? 0.0001 : 0.0;
    in.contract_multiplier = 1.0;
    return in;
}

/* ---- tests: opening and schema --------------------------------------------------- */
static void test_open_fresh_schema(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    int v = -1;
    OK(pr_store_schema_version(st, &v, &e_));
    assert_int_equal(v, pr_store_schema_latest());
    /* 1 market data, 2 llm_calls, 3 dataset summaries, 4 bars in chunks, 5 risk_state, 6 paper_state,
     * 7 paper_run, 8 chunks of evenly spaced bars without their stamps, 9 optimisation runs and trials */
    assert_int_equal(pr_store_schema_latest(), 9);
    assert_int_equal(pr_store_kind(st), f->pg ? PR_STORE_POSTGRES : PR_STORE_SQLITE);
    const char *d = pr_store_describe(st);
    assert_true(strncmp(d, f->pg ? "postgresql://" : "sqlite:", f->pg ? 13 : 7) == 0);
    /* Empty store: nothing listed, nothing read, no error. */
    pr_dataset_info *ds = (pr_dataset_info *)1;
    size_t n = 99;
    OK(pr_store_list(st, NULL, &ds, &n, &e_));
    assert_int_equal(n, 0);
    assert_null(ds);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE), 0);
    pr_store_close(st);
    /* Reopening an up-to-date store is a no-op. */
    st = open_ok(f);
    int64_t rows = 0;
    OK(pr_store_query_int(st, "SELECT count(*) FROM schema_version", &rows, &e_));
    assert_int_equal(rows, pr_store_schema_latest());
    pr_store_close(st);
}

/* Read-only opens: nothing is created, reads work, writes fail. */
static void test_read_only(void **state) {
    fx *f = *state;
    pr_store_options ro = {1, 0};
    pr_store *st = NULL;
    pr_err e;
    pr_err_clear(&e);
    if (!f->pg) {
        char path[400];
        snprintf(path, sizeof path, "%s/store.db", f->dir);
        assert_int_equal(pr_store_open_with(f->url, &ro, &st, &e), PR_ENOTFOUND);
        assert_null(st);
        assert_non_null(strstr(e.msg, "does not exist"));
        assert_non_null(strstr(e.msg, path));
        assert_int_equal(access(path, F_OK), -1); /* not created */
    }
    st = open_ok(f);
    pr_series s;
    make_series(&s, 10, T0, MIN);
    OK(pr_store_put_bars(st, "v", "S", PR_TF_1M, &s, NULL, &e_));
    pr_store_close(st);
    st = NULL;
    OK(pr_store_open_with(f->url, &ro, &st, &e_));
    assert_int_equal(get_len(st, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 10);
    pr_err_clear(&e);
    assert_int_equal(pr_store_put_bars(st, "v", "S2", PR_TF_1M, &s, NULL, &e), PR_EDB);
    pr_store_close(st);
    pr_series_free(&s);
}

/* A second writer waits for the busy timeout, then says who holds the lock. */
static void test_sqlite_lock_message(void **state) {
    fx *f = *state;
    pr_store *a = open_ok(f), *b = NULL;
    pr_store_options o = {0, 200};
    OK(pr_store_open_with(f->url, &o, &b, &e_));
    OK(pr_store_begin(a, &e_));
    pr_err e;
    pr_err_clear(&e);
    int64_t t0 = pr_time_now_ms();
    assert_int_equal(pr_store_begin(b, &e), PR_EDB);
    int64_t waited = pr_time_now_ms() - t0;
    assert_string_equal(e.venue_code, "SQLITE_BUSY");
    assert_non_null(strstr(e.msg, "another process holds the write lock"));
    assert_non_null(strstr(e.msg, "200 ms"));
    assert_true(waited >= 150);
    OK(pr_store_rollback(a, &e_));
    OK(pr_store_begin(b, &e_)); /* free again */
    OK(pr_store_rollback(b, &e_));
    pr_store_close(a);
    pr_store_close(b);
}

static void test_sqlite_pragmas(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    int64_t v = -1;
    OK(pr_store_query_int(st, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'",
                          &v, &e_));
    assert_int_equal(v, 1);
    OK(pr_store_query_int(st, "PRAGMA synchronous", &v, &e_));
    assert_int_equal(v, 1); /* NORMAL */
    OK(pr_store_query_int(st, "PRAGMA foreign_keys", &v, &e_));
    assert_int_equal(v, 1);
    OK(pr_store_query_int(st, "PRAGMA busy_timeout", &v, &e_));
    assert_true(v >= 1000);
    pr_store_close(st);
}

/* A store at an older schema version is migrated on open; a store that is
 * current is left alone; a newer one is refused. The extra migration is
 * deliberately not idempotent (CREATE TABLE without IF NOT EXISTS): running
 * it twice would fail. */
static void test_migrations(void **state) {
    fx *f = *state;
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    pr_store_open_opts v0 = {0, NULL, 0, 0, NULL};
    assert_int_equal(pr_store_open_ex(f->url, &v0, &st, &e), PR_OK);
    int v = -1;
    OK(pr_store_schema_version(st, &v, &e_));
    assert_int_equal(v, 0);
    pr_series s;
    pr_series_init(&s, 0);
    assert_int_equal(pr_store_get_bars(st, "x", "y", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &s, &e),
                     PR_EDB);
    assert_non_null(strstr(e.msg, "candles"));
    pr_store_close(st);

    st = open_ok(f); /* 0 -> latest */
    OK(pr_store_schema_version(st, &v, &e_));
    assert_int_equal(v, pr_store_schema_latest());
    pr_series bars;
    make_series(&bars, 10, T0, MIN);
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &bars, NULL, &e_));
    pr_store_close(st);

    static const char *const extra[] = {
        "CREATE TABLE test_extra (x BIGINT NOT NULL); INSERT INTO test_extra (x) VALUES (42);"};
    pr_store_open_opts v2 = {-1, extra, 1, 0, NULL};
    const int next = pr_store_schema_latest() + 1;
    for (int round = 0; round < 2; round++) { /* latest -> next, then next -> next (no-op) */
        pr_err_clear(&e);
        int rc = pr_store_open_ex(f->url, &v2, &st, &e);
        if (rc != PR_OK) fail_msg("round %d: %s", round, e.msg);
        OK(pr_store_schema_version(st, &v, &e_));
        assert_int_equal(v, next);
        int64_t x = 0;
        OK(pr_store_query_int(st, "SELECT count(*) FROM test_extra", &x, &e_));
        assert_int_equal(x, 1);
        OK(pr_store_query_int(st, "SELECT x FROM test_extra", &x, &e_));
        assert_int_equal(x, 42);
        OK(pr_store_query_int(st, "SELECT count(*) FROM schema_version", &x, &e_));
        assert_int_equal(x, next);
        pr_series got;
        pr_series_init(&got, 0);
        OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got,
                             &e_));
        assert_series_equal(&got, &bars);
        pr_series_free(&got);
        pr_store_close(st);
    }

    /* This program does not know version `next`: that store is refused. */
    pr_err_clear(&e);
    st = NULL;
    assert_int_equal(pr_store_open(f->url, &st, &e), PR_EUNSUPPORTED);
    assert_null(st);
    assert_non_null(strstr(e.msg, "newer"));
    pr_series_free(&bars);
    pr_series_free(&s);
}

/* ---- tests: candles ------------------------------------------------------------- */
static void test_roundtrip_exact(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    /* Doubles that text formatting or float conversion would damage. */
    static const double vals[] = {0.1,
                                  0.30000000000000004,
                                  1.0 / 3.0,
                                  123456789.12345679,
                                  1e-300,
                                  4.9406564584124654e-324, /* smallest subnormal */
                                  2.2250738585072014e-308,
                                  1.7976931348623157e308,
                                  -2.5,
                                  9007199254740993.0,
                                  65536.000000000007,
                                  0.0};
    const size_t nv = sizeof vals / sizeof vals[0];
    pr_series s;
    pr_series_init(&s, 0);
    for (size_t i = 0; i < nv; i++)
        pr_series_push(&s, T0 + (int64_t)i * HOUR, vals[i], vals[(i + 1) % nv],
                       vals[(i + 2) % nv], vals[(i + 3) % nv], vals[(i + 4) % nv]);
    /* Extreme timestamps (before 1970 and far future) survive too. */
    pr_series_push(&s, 253402300799000LL, 1, 2, 0.5, 1.5, 3);
    pr_series early;
    pr_series_init(&early, 0);
    pr_series_push(&early, -86400000LL, 7, 8, 6, 7.5, 0);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &s, &c, &e_));
    assert_int_equal(c.inserted, nv + 1);
    assert_int_equal(c.updated + c.unchanged + c.duplicates, 0);
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &early, &c, &e_));
    assert_int_equal(c.inserted, 1);

    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1H, T0, PR_TIME_NONE, &got, &e_));
    assert_series_equal(&got, &s);
    assert_int_equal(got.tf, PR_TF_1H);
    assert_string_equal(got.symbol, "BTCUSDT");
    OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1H, PR_TIME_NONE, 0, &got, &e_));
    assert_series_equal(&got, &early);
    pr_series_free(&got);
    pr_series_free(&s);
    pr_series_free(&early);
    pr_store_close(st);
}

static void test_negative_zero_stored_as_zero(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    int64_t ts = T0;
    double mz = -0.0, one = 1.0;
    OK(pr_store_put_bars_arrays(st, "v", "S", PR_TF_1D, &ts, &mz, &one, &mz, &one, &mz, 1, NULL,
                                &e_));
    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "v", "S", PR_TF_1D, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 1);
    assert_true(got.open[0] == 0.0 && !signbit(got.open[0]));
    assert_true(got.volume[0] == 0.0 && !signbit(got.volume[0]));
    /* Re-putting -0.0 leaves the row unchanged (0 == -0). */
    pr_store_counts c;
    OK(pr_store_put_bars_arrays(st, "v", "S", PR_TF_1D, &ts, &mz, &one, &mz, &one, &mz, 1, &c,
                                &e_));
    assert_int_equal(c.unchanged, 1);
    pr_series_free(&got);
    pr_store_close(st);
}

static void test_range_half_open(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series s;
    make_series(&s, 9, 0, MIN); /* ts 0, 60000, ..., 480000 */
    OK(pr_store_put_bars(st, "csv", "EURUSD", PR_TF_1M, &s, NULL, &e_));
    /* A neighbouring dataset must not leak into the answers. */
    pr_series other;
    make_series(&other, 5, 0, MIN);
    OK(pr_store_put_bars(st, "csv", "EURUSD", PR_TF_5M, &other, NULL, &e_));
    OK(pr_store_put_bars(st, "csv", "EURUSDX", PR_TF_1M, &other, NULL, &e_));

    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "csv", "EURUSD", PR_TF_1M, 2 * MIN, 5 * MIN, &got, &e_));
    assert_int_equal(got.len, 3);
    assert_int_equal(got.ts[0], 2 * MIN);
    assert_int_equal(got.ts[2], 4 * MIN);
    assert_true(got.open[0] == 100.5 && got.close[2] == 101.5);
    /* Bounds between bars. */
    OK(pr_store_get_bars(st, "csv", "EURUSD", PR_TF_1M, 2 * MIN - 1, 5 * MIN + 1, &got, &e_));
    assert_int_equal(got.len, 4);
    assert_int_equal(got.len, get_len(st, "csv", "EURUSD", PR_TF_1M, 2 * MIN - 1, 5 * MIN + 1));
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, PR_TIME_NONE, 3 * MIN), 3);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, 6 * MIN, PR_TIME_NONE), 3);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 9);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, 3 * MIN, 3 * MIN), 0);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, 5 * MIN, 2 * MIN), 0);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1M, 9 * MIN, PR_TIME_NONE), 0);
    assert_int_equal(get_len(st, "csv", "EURUSD", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE), 0);
    assert_int_equal(get_len(st, "csv", "eurusd", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 0);

    int64_t *ts = NULL;
    size_t n = 0;
    OK(pr_store_get_timestamps(st, "csv", "EURUSD", PR_TF_1M, MIN, 4 * MIN, &ts, &n, &e_));
    assert_int_equal(n, 3);
    assert_int_equal(ts[0], MIN);
    assert_int_equal(ts[1], 2 * MIN);
    assert_int_equal(ts[2], 3 * MIN);
    free(ts);
    OK(pr_store_get_timestamps(st, "csv", "EURUSD", PR_TF_1M, 100 * MIN, PR_TIME_NONE, &ts, &n,
                               &e_));
    assert_int_equal(n, 0);
    assert_null(ts);
    pr_series_free(&got);
    pr_series_free(&s);
    pr_series_free(&other);
    pr_store_close(st);
}

static void test_upsert_idempotent_counts(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series a;
    make_series(&a, 100, T0, HOUR);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &a, &c, &e_));
    assert_int_equal(c.inserted, 100);
    assert_int_equal(c.updated, 0);
    assert_int_equal(c.unchanged, 0);

    /* The same rows again: one copy, nothing written. */
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &a, &c, &e_));
    assert_int_equal(c.inserted, 0);
    assert_int_equal(c.updated, 0);
    assert_int_equal(c.unchanged, 100);
    pr_dataset_info d;
    OK(pr_store_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &d, &e_));
    assert_int_equal(d.count, 100);
    assert_int_equal(d.first_ts, T0);
    assert_int_equal(d.last_ts, T0 + 99 * HOUR);

    /* Bars 50..149: 50 overlap (10 of them with a new close), 50 are new. */
    pr_series b;
    pr_series_init(&b, 100);
    for (size_t i = 50; i < 150; i++) {
        double o, h, l, cl, v;
        bar_values(i, &o, &h, &l, &cl, &v);
        if (i >= 60 && i < 70) cl = 1000.0 + (double)i;
        pr_series_push(&b, T0 + (int64_t)i * HOUR, o, h, l, cl, v);
    }
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &b, &c, &e_));
    assert_int_equal(c.inserted, 50);
    assert_int_equal(c.updated, 10);
    assert_int_equal(c.unchanged, 40);
    assert_int_equal(c.duplicates, 0);
    OK(pr_store_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &d, &e_));
    assert_int_equal(d.count, 150);
    assert_int_equal(d.first_ts, T0);
    assert_int_equal(d.last_ts, T0 + 149 * HOUR);

    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got,
                         &e_));
    assert_int_equal(got.len, 150);
    assert_true(got.close[59] == 100.0 + 59 * 0.25 + 0.5);
    assert_true(got.close[60] == 1060.0);
    assert_true(got.close[69] == 1069.0);
    assert_true(got.close[70] == 100.0 + 70 * 0.25 + 0.5);
    assert_true(got.high[149] == 100.0 + 149 * 0.25 + 1.5);
    /* Prepending earlier bars moves first_ts. */
    pr_series early;
    make_series(&early, 3, T0 - 3 * HOUR, HOUR);
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &early, &c, &e_));
    assert_int_equal(c.inserted, 3);
    OK(pr_store_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &d, &e_));
    assert_int_equal(d.count, 153);
    assert_int_equal(d.first_ts, T0 - 3 * HOUR);
    assert_int_equal(d.last_ts, T0 + 149 * HOUR);
    pr_series_free(&early);
    pr_series_free(&got);
    pr_series_free(&a);
    pr_series_free(&b);
    pr_store_close(st);
}

static void test_unsorted_and_duplicate_input(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const int64_t ts[] = {3 * MIN, 1 * MIN, 2 * MIN, 1 * MIN, 3 * MIN, 0};
    const double o[] = {30, 10, 20, 11, 31, 5};
    const double one[] = {1, 1, 1, 1, 1, 1};
    pr_store_counts c;
    OK(pr_store_put_bars_arrays(st, "v", "S", PR_TF_1M, ts, o, o, o, o, one, 6, &c, &e_));
    assert_int_equal(c.inserted, 4);
    assert_int_equal(c.duplicates, 2);
    assert_int_equal(c.updated + c.unchanged, 0);
    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 4);
    /* Sorted, and the later of two equal keys wins. */
    const int64_t ets[] = {0, MIN, 2 * MIN, 3 * MIN};
    const double eo[] = {5, 11, 20, 31};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(got.ts[i], ets[i]);
        assert_true(got.open[i] == eo[i]);
    }
    pr_dataset_info d;
    OK(pr_store_dataset(st, "v", "S", PR_TF_1M, &d, &e_));
    assert_int_equal(d.count, 4);
    assert_int_equal(d.first_ts, 0);
    assert_int_equal(d.last_ts, 3 * MIN);
    pr_series_free(&got);
    pr_store_close(st);
}

static void test_rejects_bad_input(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series s;
    make_series(&s, 10, T0, MIN);
    s.close[5] = NAN;
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_put_bars(st, "v", "S", PR_TF_1M, &s, NULL, &e), PR_EINVAL);
    assert_string_equal(e.field, "close");
    assert_non_null(strstr(e.msg, "bar 5"));
    s.close[5] = 1.0;
    s.volume[0] = INFINITY;
    assert_int_equal(pr_store_put_bars(st, "v", "S", PR_TF_1M, &s, NULL, &e), PR_EINVAL);
    s.volume[0] = 1.0;
    assert_int_equal(pr_store_put_bars(st, "", "S", PR_TF_1M, &s, NULL, &e), PR_EINVAL);
    assert_int_equal(pr_store_put_bars(st, "v", NULL, PR_TF_1M, &s, NULL, &e), PR_EINVAL);
    assert_int_equal(pr_store_put_bars(st, "0123456789012345678901234567890123", "S", PR_TF_1M, &s,
                                       NULL, &e),
                     PR_EINVAL);
    assert_int_equal(pr_store_put_bars(st, "v", "S", PR_TF_NONE, &s, NULL, &e), PR_EINVAL);
    assert_int_equal(pr_store_put_bars(st, "v", "S", PR_TF_COUNT, &s, NULL, &e), PR_EINVAL);
    /* Names that would break tables, JSON or dataset names. */
    static const char *const bad_names[] = {"v\xff", "v\nx", "v\"x", "v\\x", "v:x", "v x", "v\x1b[2J"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        assert_int_equal(pr_store_put_bars(st, bad_names[i], "S", PR_TF_1M, &s, NULL, &e), PR_EINVAL);
        assert_int_equal(pr_store_put_bars(st, "v", bad_names[i], PR_TF_1M, &s, NULL, &e), PR_EINVAL);
    }
    /* Nothing was stored by the rejected calls. */
    assert_int_equal(get_len(st, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 0);
    size_t n = 9;
    pr_dataset_info *ds = NULL;
    OK(pr_store_list(st, NULL, &ds, &n, &e_));
    assert_int_equal(n, 0);
    /* An empty put is fine and changes nothing. */
    pr_store_counts c;
    OK(pr_store_put_bars_arrays(st, "v", "S", PR_TF_1M, NULL, NULL, NULL, NULL, NULL, NULL, 0, &c,
                                &e_));
    assert_int_equal(c.inserted, 0);
    /* Transaction misuse. */
    assert_int_equal(pr_store_commit(st, &e), PR_ESTATE);
    assert_int_equal(pr_store_rollback(st, &e), PR_ESTATE);
    OK(pr_store_begin(st, &e_));
    assert_true(pr_store_in_transaction(st));
    assert_int_equal(pr_store_begin(st, &e), PR_ESTATE);
    OK(pr_store_rollback(st, &e_));
    assert_false(pr_store_in_transaction(st));
    pr_series_free(&s);
    pr_store_close(st);
}

/* A failed or rejected import leaves the store exactly as before. */
static void import_a(pr_store *st) {
    pr_series a;
    make_series(&a, 500, T0, MIN);
    OK(pr_store_begin(st, &e_));
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &a, NULL, &e_));
    pr_instrument in = instrument("binance", "BTCUSDT", PR_ASSET_CRYPTO, 0.01);
    OK(pr_store_put_instrument(st, &in, &e_));
    const pr_funding_rate fr[] = {{T0, 0.0001}, {T0 + 8 * HOUR, -0.00005}};
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", fr, 2, NULL, &e_));
    pr_import_record rec;
    memset(&rec, 0, sizeof rec);
    pr_strlcpy(rec.venue, "binance", sizeof rec.venue);
    pr_strlcpy(rec.symbol, "BTCUSDT", sizeof rec.symbol);
    rec.tf = PR_TF_1M;
    pr_strlcpy(rec.file, "a.csv", sizeof rec.file);
    pr_strlcpy(rec.status, "ok", sizeof rec.status);
    rec.rows_read = rec.rows_stored = rec.rows_inserted = 500;
    OK(pr_store_log_import(st, &rec, NULL, &e_));
    OK(pr_store_commit(st, &e_));
    pr_series_free(&a);
}

/* Writes of import B: overlapping bars with other values, new bars, a new
 * dataset, a changed instrument, funding and a log entry. */
static void import_b_writes(pr_store *st) {
    pr_series b;
    pr_series_init(&b, 0);
    for (size_t i = 400; i < 700; i++)
        pr_series_push(&b, T0 + (int64_t)i * MIN, 1, 2, 0.5, 1.5, 9);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &b, &c, &e_));
    assert_int_equal(c.inserted, 200);
    assert_int_equal(c.updated, 100);
    OK(pr_store_put_bars(st, "binance", "ETHUSDT", PR_TF_1M, &b, NULL, &e_));
    pr_instrument in = instrument("binance", "BTCUSDT", PR_ASSET_CRYPTO, 0.1);
    OK(pr_store_put_instrument(st, &in, &e_));
    const pr_funding_rate fr[] = {{T0, 0.5}, {T0 + 16 * HOUR, 0.25}};
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", fr, 2, NULL, &e_));
    pr_import_record rec;
    memset(&rec, 0, sizeof rec);
    pr_strlcpy(rec.venue, "binance", sizeof rec.venue);
    pr_strlcpy(rec.symbol, "BTCUSDT", sizeof rec.symbol);
    OK(pr_store_log_import(st, &rec, NULL, &e_));
    OK(pr_store_delete_dataset(st, "binance", "ETHUSDT", PR_TF_1M, NULL, &e_));
    pr_series_free(&b);
}

static void test_atomic_import_rollback(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    import_a(st);
    buf after_a = snapshot(st);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 500);

    /* 1. Strict-mode rejection: the importer rolls back explicitly. */
    OK(pr_store_begin(st, &e_));
    import_b_writes(st);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 700);
    OK(pr_store_rollback(st, &e_));
    buf now = snapshot(st);
    assert_same_snapshot(&after_a, &now);
    free(now.p);

    /* 2. A database error midway dooms the transaction: later calls refuse,
     * commit rolls back and says so. */
    OK(pr_store_begin(st, &e_));
    import_b_writes(st);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_exec_sql(st, "INSERT INTO no_such_table VALUES (1)", &e), PR_EDB);
    assert_non_null(strstr(e.msg, "no_such_table"));
    pr_series more;
    make_series(&more, 5, T0 + 10000 * MIN, MIN);
    assert_int_equal(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &more, NULL, &e),
                     PR_ESTATE);
    assert_int_equal(pr_store_commit(st, &e), PR_ESTATE);
    assert_non_null(strstr(e.msg, "rolled back"));
    assert_false(pr_store_in_transaction(st));
    now = snapshot(st);
    assert_same_snapshot(&after_a, &now);
    free(now.p);

    /* 3. Closing with an open transaction rolls it back. */
    OK(pr_store_begin(st, &e_));
    import_b_writes(st);
    pr_store_close(st);
    st = open_ok(f);
    now = snapshot(st);
    assert_same_snapshot(&after_a, &now);
    free(now.p);

    /* 4. The same writes committed do change the store. */
    OK(pr_store_begin(st, &e_));
    import_b_writes(st);
    OK(pr_store_commit(st, &e_));
    now = snapshot(st);
    assert_true(now.n != after_a.n || memcmp(now.p, after_a.p, now.n) != 0);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 700);
    free(now.p);
    free(after_a.p);
    pr_series_free(&more);
    pr_store_close(st);
}

/* WAL / MVCC: a second connection opens and reads while the first holds an
 * uncommitted write transaction, and sees the data only after commit. */
static void test_concurrent_reader(void **state) {
    fx *f = *state;
    pr_store *w = open_ok(f);
    pr_series s;
    make_series(&s, 20, T0, MIN);
    OK(pr_store_begin(w, &e_));
    OK(pr_store_put_bars(w, "v", "S", PR_TF_1M, &s, NULL, &e_));
    pr_store *r = open_ok(f);
    assert_int_equal(get_len(r, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 0);
    OK(pr_store_commit(w, &e_));
    assert_int_equal(get_len(r, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 20);
    pr_store_close(r);
    pr_store_close(w);
    pr_series_free(&s);
}

static void test_large_bulk(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const size_t n = 200003; /* crosses batch, chunk and page sizes */
    pr_series s;
    make_series(&s, n, T0, MIN);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &s, &c, &e_));
    assert_int_equal(c.inserted, n);
    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got,
                         &e_));
    assert_series_equal(&got, &s);
    /* Change three bars spread over the range, then re-put everything. */
    const size_t idx[3] = {0, 65536, n - 1};
    for (int k = 0; k < 3; k++) s.volume[idx[k]] = 12345.0 + k;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &s, &c, &e_));
    assert_int_equal(c.inserted, 0);
    assert_int_equal(c.updated, 3);
    assert_int_equal(c.unchanged, n - 3);
    int64_t *ts = NULL;
    size_t m = 0;
    OK(pr_store_get_timestamps(st, "binance", "BTCUSDT", PR_TF_1M, T0 + 1000 * MIN, PR_TIME_NONE,
                               &ts, &m, &e_));
    assert_int_equal(m, n - 1000);
    for (size_t i = 0; i < m; i++)
        if (ts[i] != T0 + (int64_t)(i + 1000) * MIN) fail_msg("ts[%zu] wrong", i);
    free(ts);
    OK(pr_store_get_bars(st, "binance", "BTCUSDT", PR_TF_1M, T0 + 65536 * MIN,
                         T0 + 65537 * MIN, &got, &e_));
    assert_int_equal(got.len, 1);
    assert_true(got.volume[0] == 12346.0);
    pr_series_free(&got);
    pr_series_free(&s);
    pr_store_close(st);
}

/* A read of more than 262,144 bars, which PostgreSQL serves over two
 * connections in one snapshot when it is reached through its Unix socket
 * (half the chunks each, joined in order; tests/data/store_pg.sh gives the
 * socket's URL in PR_PG_SOCKET_URL): every bar as written, for the whole
 * dataset and for ranges that cut the first and the last chunk (whose bars
 * before the range are dropped, so the second half moves down), and a read
 * inside a transaction (one connection). Over TCP and on SQLite the same
 * answers from one pass. */
static void check_large_reads(pr_store *st, const pr_series *s) {
    const size_t n = s->len;
    /* bars [a, b) (the ranges are half-open; n: to the end) */
    const size_t from[3] = {0, 1500, 1025}, to[3] = {n, n, 299000};
    for (int k = 0; k < 4; k++) {
        size_t a = from[k % 3], b = to[k % 3];
        if (k == 3) OK(pr_store_begin(st, &e_));
        pr_series got;
        pr_series_init(&got, 0);
        OK(pr_store_get_bars(st, "binance", "ETHUSDT", PR_TF_1M, a ? T0 + (int64_t)a * MIN : PR_TIME_NONE,
                             b < n ? T0 + (int64_t)b * MIN : PR_TIME_NONE, &got, &e_));
        if (k == 3) OK(pr_store_commit(st, &e_));
        assert_int_equal(got.len, b - a);
        for (size_t i = 0; i < got.len; i++) {
            size_t j = a + i;
            if (got.ts[i] != s->ts[j] || !same_double(got.open[i], s->open[j]) ||
                !same_double(got.high[i], s->high[j]) || !same_double(got.low[i], s->low[j]) ||
                !same_double(got.close[i], s->close[j]) || !same_double(got.volume[i], s->volume[j]))
                fail_msg("range %zu..%zu: bar %zu differs", a, b, j);
        }
        pr_series_free(&got);
    }
}

static void test_large_read_halves(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series s;
    make_series(&s, 300007, T0, MIN);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "binance", "ETHUSDT", PR_TF_1M, &s, &c, &e_));
    check_large_reads(st, &s);
    const char *sock = getenv("PR_PG_SOCKET_URL");
    if (f->pg && sock && *sock) {
        pr_store *ss = NULL;
        OK(pr_store_open(sock, &ss, &e_));
        check_large_reads(ss, &s);
        pr_store_close(ss);
    }
    pr_series_free(&s);
    pr_store_close(st);
}

/* ---- tests: dataset summaries --------------------------------------------------- */
/* What pr_store_list says about a dataset, checked against the values worked
 * out by hand in the caller and against a fresh rescan of the stored stamps
 * (pr_find_gaps over pr_store_get_timestamps). */
static void check_summary(pr_store *st, const char *sym, size_t count, int64_t first,
                          int64_t last, size_t gaps, size_t missing, pr_calendar cal) {
    pr_dataset_info d;
    OK(pr_store_dataset(st, "binance", sym, PR_TF_1H, &d, &e_));
    assert_int_equal(d.count, count);
    assert_int_equal(d.first_ts, first);
    assert_int_equal(d.last_ts, last);
    assert_int_equal(d.calendar, cal);
    assert_int_equal(d.gaps, gaps);
    assert_int_equal(d.missing_bars, missing);
    int64_t *ts = NULL;
    size_t n = 0, g = 0, m = 0;
    OK(pr_store_get_timestamps(st, "binance", sym, PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &ts, &n,
                               &e_));
    assert_int_equal(n, count);
    assert_int_equal(ts[0], first);
    assert_int_equal(ts[n - 1], last);
    assert_int_equal(pr_find_gaps(ts, n, PR_TF_1H, cal, 0, NULL, 0, &g, &m), PR_OK);
    assert_int_equal(g, gaps);
    assert_int_equal(m, missing);
    /* the stored gap list is the rescan's, gap for gap */
    pr_gap want[16], *got = NULL;
    size_t ng = 0;
    assert_true(g <= 16);
    assert_int_equal(pr_find_gaps(ts, n, PR_TF_1H, cal, 0, want, 16, &g, &m), PR_OK);
    OK(pr_store_dataset_gaps(st, "binance", sym, PR_TF_1H, &got, &ng, &e_));
    assert_int_equal(ng, gaps);
    for (size_t i = 0; i < ng; i++) {
        assert_int_equal(got[i].from, want[i].from);
        assert_int_equal(got[i].to, want[i].to);
        assert_int_equal(got[i].missing, want[i].missing);
        assert_int_equal(got[i].missing_from, want[i].missing_from);
        assert_int_equal(got[i].missing_to, want[i].missing_to);
        assert_int_equal(got[i].closed_weekend, want[i].closed_weekend);
        assert_int_equal(got[i].closed_holiday, want[i].closed_holiday);
        assert_int_equal(got[i].closed_session, want[i].closed_session);
        assert_int_equal(got[i].kind, PR_GAP_MISSING);
    }
    free(got);
    free(ts);
}

/* Bars at T0 + h[i] hours, in the order given; `salt` changes the values. */
static void put_hours(pr_store *st, const char *sym, const int64_t *h, size_t n, double salt,
                      size_t inserted) {
    int64_t ts[16];
    double o[16], hi[16], lo[16], c[16], v[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) {
        ts[i] = T0 + h[i] * HOUR;
        bar_values((size_t)(h[i] + 10), &o[i], &hi[i], &lo[i], &c[i], &v[i]);
        c[i] += salt;
    }
    pr_store_counts k;
    OK(pr_store_put_bars_arrays(st, "binance", sym, PR_TF_1H, ts, o, hi, lo, c, v, n, &k, &e_));
    assert_int_equal(k.inserted, inserted);
}

#define H(...) (const int64_t[]){__VA_ARGS__}, sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)

/* Every kind of write keeps the summary equal to a rescan. Less than 8 days
 * of hourly bars: the inferred calendar is 24x7, every absent hour missing. */
static void test_summary_updates(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const char *S = "SUMM";
    /* hours 0 1 2 _ _ 5 6 _ 8 9: gaps {3,4} {7} */
    put_hours(st, S, H(0, 1, 2, 5, 6, 8, 9), 0.0, 7);
    check_summary(st, S, 7, T0, T0 + 9 * HOUR, 2, 3, PR_CAL_24X7);
    pr_gap *g = NULL;
    size_t ng = 0;
    OK(pr_store_dataset_gaps(st, "binance", S, PR_TF_1H, &g, &ng, &e_));
    assert_int_equal(ng, 2);
    assert_int_equal(g[0].from, T0 + 3 * HOUR);
    assert_int_equal(g[0].to, T0 + 4 * HOUR);
    assert_int_equal(g[1].from, T0 + 7 * HOUR);
    assert_int_equal(g[1].to, T0 + 7 * HOUR);
    free(g);
    /* append 12 13 14: new gap {10,11} */
    put_hours(st, S, H(12, 13, 14), 0.0, 3);
    check_summary(st, S, 10, T0, T0 + 14 * HOUR, 3, 5, PR_CAL_24X7);
    /* overlapping re-import 2..8 with other values fills {3,4} and {7} */
    put_hours(st, S, H(2, 3, 4, 5, 6, 7, 8), 0.5, 3);
    check_summary(st, S, 13, T0, T0 + 14 * HOUR, 1, 2, PR_CAL_24X7);
    /* out of order with a duplicate: 16 18 20 leave {15} {17} {19} */
    put_hours(st, S, H(20, 16, 18, 16), 0.0, 3);
    check_summary(st, S, 16, T0, T0 + 20 * HOUR, 4, 5, PR_CAL_24X7);
    /* prepend -5 -4: gap {-3,-2,-1} */
    put_hours(st, S, H(-5, -4), 0.0, 2);
    check_summary(st, S, 18, T0 - 5 * HOUR, T0 + 20 * HOUR, 5, 8, PR_CAL_24X7);
    /* the same rows again change nothing */
    put_hours(st, S, H(-5, -4), 0.0, 0);
    check_summary(st, S, 18, T0 - 5 * HOUR, T0 + 20 * HOUR, 5, 8, PR_CAL_24X7);
    /* inside a gap, touching one neighbour: {10,11} -> {11} */
    put_hours(st, S, H(10), 0.0, 1);
    check_summary(st, S, 19, T0 - 5 * HOUR, T0 + 20 * HOUR, 5, 7, PR_CAL_24X7);
    /* a write that fails leaves the summary as it was */
    pr_store_put_opts fail = {PR_ON_CONFLICT_FAIL, 0};
    pr_series one;
    make_series(&one, 2, T0 + 9 * HOUR, 2 * HOUR); /* 9 (stored, other values) and 11 (new) */
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_put_bars_ex(st, "binance", S, PR_TF_1H, &one, &fail, NULL, &e),
                     PR_EDATA);
    pr_series_free(&one);
    check_summary(st, S, 19, T0 - 5 * HOUR, T0 + 20 * HOUR, 5, 7, PR_CAL_24X7);

    /* A stock judges the same bars on the NYSE calendar. T0 is Saturday
     * 2022-01-01; -5h and -4h are 14:00 and 15:00 New York time on Friday
     * Dec 31 (a trading day), so the absent 16:00-18:00 ET hours are after
     * the close and every absent Saturday hour is a weekend: no gaps. */
    pr_instrument in;
    memset(&in, 0, sizeof in);
    pr_strlcpy(in.venue, "binance", sizeof in.venue);
    pr_strlcpy(in.symbol, S, sizeof in.symbol);
    in.asset_class = PR_ASSET_STOCK;
    OK(pr_store_put_instrument(st, &in, &e_));
    check_summary(st, S, 19, T0 - 5 * HOUR, T0 + 20 * HOUR, 0, 0, PR_CAL_US_STOCK);
    /* Sunday 06:00 UTC: only weekend hours between */
    put_hours(st, S, H(30), 0.0, 1);
    check_summary(st, S, 20, T0 - 5 * HOUR, T0 + 30 * HOUR, 0, 0, PR_CAL_US_STOCK);
    /* back to crypto: absent {-3..-1} {11} {15} {17} {19} {21..29} = 3+1+1+1+1+9 */
    in.asset_class = PR_ASSET_CRYPTO;
    OK(pr_store_put_instrument(st, &in, &e_));
    check_summary(st, S, 20, T0 - 5 * HOUR, T0 + 30 * HOUR, 6, 16, PR_CAL_24X7);

    /* deleting forgets the summary; a new import starts a fresh one */
    OK(pr_store_delete_dataset(st, "binance", S, PR_TF_1H, NULL, &e_));
    pr_dataset_info d;
    pr_err_clear(&e);
    assert_int_equal(pr_store_dataset(st, "binance", S, PR_TF_1H, &d, &e), PR_ENOTFOUND);
    put_hours(st, S, H(0, 3), 0.0, 2);
    check_summary(st, S, 2, T0, T0 + 3 * HOUR, 1, 2, PR_CAL_24X7);

    /* a rolled-back import leaves no trace in the summary */
    OK(pr_store_begin(st, &e_));
    put_hours(st, S, H(1, 2), 0.0, 2);
    OK(pr_store_rollback(st, &e_));
    check_summary(st, S, 2, T0, T0 + 3 * HOUR, 1, 2, PR_CAL_24X7);
    pr_store_close(st);
}

/* A store written before summaries existed (schema 2) gets them built by
 * the first writer that opens it; a read-only command facing a summary not
 * built yet counts from the bars without writing. */
static void test_summary_migration(void **state) {
    fx *f = *state;
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    pr_store_open_opts v2 = {2, NULL, 0, 0, NULL};
    assert_int_equal(pr_store_open_ex(f->url, &v2, &st, &e), PR_OK);
    char sql[1024];
    /* what the program at schema 2 wrote for hourly bars at 0, 1 and 4 */
    snprintf(sql, sizeof sql,
             "INSERT INTO candles VALUES ('binance', 'OLD', '1h', %lld, 1, 2, 0.5, 1.5, 10);"
             "INSERT INTO candles VALUES ('binance', 'OLD', '1h', %lld, 1, 2, 0.5, 1.5, 10);"
             "INSERT INTO candles VALUES ('binance', 'OLD', '1h', %lld, 1, 2, 0.5, 1.5, 10);"
             "INSERT INTO datasets VALUES ('binance', 'OLD', '1h', 3, %lld, %lld, 123);",
             (long long)T0, (long long)(T0 + HOUR), (long long)(T0 + 4 * HOUR), (long long)T0,
             (long long)(T0 + 4 * HOUR));
    OK(pr_store_exec_sql(st, sql, &e_));
    pr_store_close(st);

    st = open_ok(f); /* 2 -> 3, summaries built */
    check_summary(st, "OLD", 3, T0, T0 + 4 * HOUR, 1, 2, PR_CAL_24X7);
    pr_dataset_info d;
    OK(pr_store_dataset(st, "binance", "OLD", PR_TF_1H, &d, &e_));
    assert_int_equal(d.updated_at, 123); /* no bar was added */
    int64_t x = 0;
    OK(pr_store_query_int(st, "SELECT gap_count * 10 + missing_bars FROM datasets", &x, &e_));
    assert_int_equal(x, 12);
    OK(pr_store_exec_sql(st, "UPDATE datasets SET calendar = '', gap_count = 0, missing_bars = 0",
                         &e_));
    pr_store_close(st);

    pr_store_options ro = {1, 0};
    assert_int_equal(pr_store_open_with(f->url, &ro, &st, &e), PR_OK);
    check_summary(st, "OLD", 3, T0, T0 + 4 * HOUR, 1, 2, PR_CAL_24X7);
    OK(pr_store_query_int(st, "SELECT count(*) FROM datasets WHERE calendar = ''", &x, &e_));
    assert_int_equal(x, 1);
    pr_store_close(st);
}


/* ---- tests: datasets, instruments, funding, log ----------------------------------- */
static void test_list_and_delete(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series s;
    make_series(&s, 30, T0, HOUR);
    OK(pr_store_put_bars(st, "oanda", "EURUSD", PR_TF_1H, &s, NULL, &e_));
    OK(pr_store_put_bars(st, "binance", "ETHUSDT", PR_TF_1H, &s, NULL, &e_));
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &s, NULL, &e_));
    s.len = 12;
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1M, &s, NULL, &e_));
    pr_instrument btc = instrument("binance", "BTCUSDT", PR_ASSET_CRYPTO, 0.01);
    pr_instrument eur = instrument("oanda", "EURUSD", PR_ASSET_FOREX, 0.00001);
    OK(pr_store_put_instrument(st, &btc, &e_));
    OK(pr_store_put_instrument(st, &eur, &e_));

    pr_dataset_info *ds = NULL;
    size_t n = 0;
    OK(pr_store_list(st, NULL, &ds, &n, &e_));
    assert_int_equal(n, 4);
    /* Sorted by venue, symbol, then timeframe length (1m before 1h). */
    assert_string_equal(ds[0].venue, "binance");
    assert_string_equal(ds[0].symbol, "BTCUSDT");
    assert_int_equal(ds[0].tf, PR_TF_1M);
    assert_int_equal(ds[0].count, 12);
    assert_int_equal(ds[0].first_ts, T0);
    assert_int_equal(ds[0].last_ts, T0 + 11 * HOUR);
    assert_int_equal(ds[0].asset_class, PR_ASSET_CRYPTO);
    assert_int_equal(ds[1].tf, PR_TF_1H);
    assert_int_equal(ds[1].count, 30);
    assert_string_equal(ds[2].symbol, "ETHUSDT");
    assert_int_equal(ds[2].asset_class, PR_ASSET_UNKNOWN); /* no instrument stored */
    assert_string_equal(ds[3].venue, "oanda");
    assert_int_equal(ds[3].asset_class, PR_ASSET_FOREX);
    assert_int_equal(ds[3].last_ts, T0 + 29 * HOUR);
    assert_true(ds[3].updated_at > 0);
    free(ds);

    pr_dataset_filter fl = {"binance", NULL, PR_TF_NONE, PR_ASSET_UNKNOWN};
    OK(pr_store_list(st, &fl, &ds, &n, &e_));
    assert_int_equal(n, 3);
    free(ds);
    fl = (pr_dataset_filter){NULL, NULL, PR_TF_1H, PR_ASSET_UNKNOWN};
    OK(pr_store_list(st, &fl, &ds, &n, &e_));
    assert_int_equal(n, 3);
    free(ds);
    fl = (pr_dataset_filter){NULL, NULL, PR_TF_NONE, PR_ASSET_FOREX};
    OK(pr_store_list(st, &fl, &ds, &n, &e_));
    assert_int_equal(n, 1);
    assert_string_equal(ds[0].symbol, "EURUSD");
    free(ds);
    fl = (pr_dataset_filter){"binance", "BTCUSDT", PR_TF_1M, PR_ASSET_CRYPTO};
    OK(pr_store_list(st, &fl, &ds, &n, &e_));
    assert_int_equal(n, 1);
    free(ds);
    fl = (pr_dataset_filter){"kraken", NULL, PR_TF_NONE, PR_ASSET_UNKNOWN};
    OK(pr_store_list(st, &fl, &ds, &n, &e_));
    assert_int_equal(n, 0);
    assert_null(ds);

    size_t deleted = 0;
    OK(pr_store_delete_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &deleted, &e_));
    assert_int_equal(deleted, 30);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_delete_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &deleted, &e),
                     PR_ENOTFOUND);
    pr_dataset_info d;
    assert_int_equal(pr_store_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &d, &e), PR_ENOTFOUND);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE), 0);
    assert_int_equal(get_len(st, "binance", "BTCUSDT", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 12);
    OK(pr_store_list(st, NULL, &ds, &n, &e_));
    assert_int_equal(n, 3);
    free(ds);
    /* Re-importing after a delete starts the count afresh. */
    OK(pr_store_put_bars(st, "binance", "BTCUSDT", PR_TF_1H, &s, NULL, &e_));
    OK(pr_store_dataset(st, "binance", "BTCUSDT", PR_TF_1H, &d, &e_));
    assert_int_equal(d.count, 12);
    pr_series_free(&s);
    pr_store_close(st);
}

static void test_instruments(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_instrument a = instrument("binance", "BTCUSDT", PR_ASSET_CRYPTO, 0.01);
    pr_instrument b = instrument("binance", "ADAUSDT", PR_ASSET_CRYPTO, 0.0001);
    pr_instrument c = instrument("oanda", "EURUSD", PR_ASSET_FOREX, 0.00001);
    c.contract_multiplier = 100000.0;
    OK(pr_store_put_instrument(st, &a, &e_));
    OK(pr_store_put_instrument(st, &b, &e_));
    OK(pr_store_put_instrument(st, &c, &e_));
    pr_instrument got;
    OK(pr_store_get_instrument(st, "oanda", "EURUSD", &got, &e_));
    assert_string_equal(got.venue, "oanda");
    assert_string_equal(got.symbol, "EURUSD");
    assert_int_equal(got.asset_class, PR_ASSET_FOREX);
    assert_string_equal(got.base, "EUR");
    assert_string_equal(got.quote, "USD");
    assert_true(got.tick_size == 0.00001);
    assert_true(got.lot_step == 0.00001);
    assert_true(got.min_qty == 0.0001);
    assert_true(got.min_notional == 5.0);
    assert_true(got.pip_size == 0.0001);
    assert_true(got.contract_multiplier == 100000.0);
    /* Upsert replaces. */
    a.tick_size = 0.1;
    a.asset_class = PR_ASSET_FUTURE;
    OK(pr_store_put_instrument(st, &a, &e_));
    OK(pr_store_get_instrument(st, "binance", "BTCUSDT", &got, &e_));
    assert_true(got.tick_size == 0.1);
    assert_int_equal(got.asset_class, PR_ASSET_FUTURE);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_get_instrument(st, "binance", "XRPUSDT", &got, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "XRPUSDT"));
    pr_instrument *v = NULL;
    size_t n = 0;
    OK(pr_store_list_instruments(st, "binance", &v, &n, &e_));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].symbol, "ADAUSDT");
    assert_string_equal(v[1].symbol, "BTCUSDT");
    free(v);
    OK(pr_store_list_instruments(st, NULL, &v, &n, &e_));
    assert_int_equal(n, 3);
    assert_string_equal(v[2].venue, "oanda");
    free(v);
    pr_instrument bad = a;
    bad.tick_size = NAN;
    assert_int_equal(pr_store_put_instrument(st, &bad, &e), PR_EINVAL);
    pr_store_close(st);
}

static void test_funding(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const int64_t h8 = 8 * HOUR;
    const pr_funding_rate in[] = {
        {T0 + 2 * h8, 0.0003}, {T0, 0.0001}, {T0 + h8, -0.0002}, {T0 + 2 * h8, 0.00035}};
    pr_store_counts c;
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", in, 4, &c, &e_));
    assert_int_equal(c.inserted, 3);
    assert_int_equal(c.duplicates, 1);
    pr_funding_rate *v = NULL;
    size_t n = 0;
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", PR_TIME_NONE, PR_TIME_NONE, &v, &n, &e_));
    assert_int_equal(n, 3);
    assert_int_equal(v[0].ts, T0);
    assert_true(v[0].rate == 0.0001);
    assert_true(v[1].rate == -0.0002);
    assert_true(v[2].rate == 0.00035);
    free(v);
    const pr_funding_rate again[] = {{T0, 0.0001}, {T0 + h8, -0.0004}, {T0 + 3 * h8, 0.0}};
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", again, 3, &c, &e_));
    assert_int_equal(c.inserted, 1);
    assert_int_equal(c.updated, 1);
    assert_int_equal(c.unchanged, 1);
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", T0 + h8, T0 + 3 * h8, &v, &n, &e_));
    assert_int_equal(n, 2);
    assert_int_equal(v[0].ts, T0 + h8);
    assert_true(v[0].rate == -0.0004);
    assert_int_equal(v[1].ts, T0 + 2 * h8);
    free(v);
    OK(pr_store_get_funding(st, "binance", "ETHUSDT", PR_TIME_NONE, PR_TIME_NONE, &v, &n, &e_));
    assert_int_equal(n, 0);
    assert_null(v);
    pr_store_close(st);
}

/* Issue #8: a second feed must not silently change stored bars. Stored bar
 * at T0: 10 12 9 11 vol 500. The feed has no volume (0 given) and another
 * high at T0, the same values at T0+1h, and a new bar at T0+2h. */
static void put_feed(pr_store *st, pr_on_conflict p, pr_store_counts *c, int expect, pr_err *err) {
    pr_series b;
    pr_series_init(&b, 3);
    pr_series_push(&b, T0, 10, 12.5, 9, 11, 0);
    pr_series_push(&b, T0 + HOUR, 11, 13, 10, 12, 0);
    pr_series_push(&b, T0 + 2 * HOUR, 12, 14, 11, 13, 0);
    const pr_store_put_opts o = {p, PR_STORE_COL_ALL & ~PR_STORE_COL_VOLUME};
    pr_err_clear(err);
    assert_int_equal(pr_store_put_bars_ex(st, "v", "EURUSD", PR_TF_1H, &b, &o, c, err), expect);
    pr_series_free(&b);
}

static void test_conflict_policy(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series a;
    pr_series_init(&a, 2);
    pr_series_push(&a, T0, 10, 12, 9, 11, 500);
    pr_series_push(&a, T0 + HOUR, 11, 13, 10, 12, 700);
    pr_store_counts c;
    OK(pr_store_put_bars(st, "v", "EURUSD", PR_TF_1H, &a, &c, &e_));
    pr_series got;
    pr_series_init(&got, 0);

    /* fail: nothing of the call is written, the error names bar and column. */
    pr_err fe;
    put_feed(st, PR_ON_CONFLICT_FAIL, &c, PR_EDATA, &fe);
    assert_non_null(strstr(fe.msg, "2022-01-01T00:00:00Z"));
    assert_non_null(strstr(fe.msg, "high"));
    assert_null(strstr(fe.msg, "volume"));
    OK(pr_store_get_bars(st, "v", "EURUSD", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 2);

    /* keep: the new bar goes in; T0 keeps high 12; no volume is touched. */
    put_feed(st, PR_ON_CONFLICT_KEEP, &c, PR_OK, &fe);
    assert_int_equal(c.inserted, 1);
    assert_int_equal(c.updated, 0);
    assert_int_equal(c.kept, 1);
    assert_int_equal(c.unchanged, 1); /* T0+1h: same prices, volume not compared */
    assert_int_equal(c.changed[1], 1);
    assert_int_equal(c.changed[0] + c.changed[2] + c.changed[3] + c.changed[4], 0);
    OK(pr_store_get_bars(st, "v", "EURUSD", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 3);
    assert_true(got.high[0] == 12.0);
    assert_true(got.volume[0] == 500.0);
    assert_true(got.volume[1] == 700.0);
    assert_true(got.volume[2] == 0.0);

    /* replace: T0 takes high 12.5 and keeps its volume 500. */
    put_feed(st, PR_ON_CONFLICT_REPLACE, &c, PR_OK, &fe);
    assert_int_equal(c.inserted, 0);
    assert_int_equal(c.updated, 1);
    assert_int_equal(c.kept, 0);
    assert_int_equal(c.unchanged, 2);
    assert_int_equal(c.changed[1], 1);
    OK(pr_store_get_bars(st, "v", "EURUSD", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_true(got.high[0] == 12.5);
    assert_true(got.open[0] == 10.0 && got.low[0] == 9.0 && got.close[0] == 11.0);
    assert_true(got.volume[0] == 500.0);
    assert_true(got.volume[1] == 700.0);

    pr_on_conflict p;
    assert_int_equal(pr_on_conflict_parse("keep", &p), PR_OK);
    assert_int_equal(p, PR_ON_CONFLICT_KEEP);
    assert_int_equal(pr_on_conflict_parse("overwrite", &p), PR_EINVAL);
    pr_series_free(&got);
    pr_series_free(&a);
    pr_store_close(st);
}

/* The conflict policy applies to funding rates too: stored 0.0001 at T0,
 * a second feed says 0.0005 at T0 and adds T0+8h. */
static void test_funding_conflict(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const int64_t h8 = 8 * HOUR;
    const pr_funding_rate a[] = {{T0, 0.0001}};
    const pr_funding_rate b[] = {{T0, 0.0005}, {T0 + h8, 0.0002}};
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", a, 1, NULL, &e_));
    pr_store_counts c;
    pr_err fe;
    pr_err_clear(&fe);
    const pr_store_put_opts fail = {PR_ON_CONFLICT_FAIL, 0};
    assert_int_equal(pr_store_put_funding_ex(st, "binance", "BTCUSDT", b, 2, &fail, &c, &fe), PR_EDATA);
    assert_non_null(strstr(fe.msg, "2022-01-01T00:00:00Z"));
    pr_funding_rate *v = NULL;
    size_t n = 0;
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", PR_TIME_NONE, PR_TIME_NONE, &v, &n, &e_));
    assert_int_equal(n, 1); /* nothing of the failed call */
    free(v);
    const pr_store_put_opts keep = {PR_ON_CONFLICT_KEEP, 0};
    OK(pr_store_put_funding_ex(st, "binance", "BTCUSDT", b, 2, &keep, &c, &e_));
    assert_int_equal(c.inserted, 1);
    assert_int_equal(c.kept, 1);
    assert_int_equal(c.updated, 0);
    assert_int_equal(c.unchanged, 0);
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", PR_TIME_NONE, PR_TIME_NONE, &v, &n, &e_));
    assert_int_equal(n, 2);
    assert_true(v[0].rate == 0.0001);
    assert_true(v[1].rate == 0.0002);
    free(v);
    const pr_store_put_opts repl = {PR_ON_CONFLICT_REPLACE, 0};
    OK(pr_store_put_funding_ex(st, "binance", "BTCUSDT", b, 2, &repl, &c, &e_));
    assert_int_equal(c.updated, 1);
    assert_int_equal(c.unchanged, 1);
    OK(pr_store_get_funding(st, "binance", "BTCUSDT", PR_TIME_NONE, PR_TIME_NONE, &v, &n, &e_));
    assert_true(v[0].rate == 0.0005);
    free(v);
    pr_store_close(st);
}

/* Funding series are listed like datasets: count and range per venue/symbol. */
static void test_list_funding(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    const int64_t h8 = 8 * HOUR;
    const pr_funding_rate a[] = {{T0, 0.0001}, {T0 + h8, 0.0002}, {T0 + 2 * h8, 0.0003}};
    const pr_funding_rate b[] = {{T0 + h8, -0.0001}};
    OK(pr_store_put_funding(st, "binance", "ETHUSDT", b, 1, NULL, &e_));
    OK(pr_store_put_funding(st, "binance", "BTCUSDT", a, 3, NULL, &e_));
    OK(pr_store_put_funding(st, "bybit", "BTCUSDT", a, 2, NULL, &e_));
    pr_funding_info *v = NULL;
    size_t n = 0;
    OK(pr_store_list_funding(st, NULL, &v, &n, &e_));
    assert_int_equal(n, 3);
    assert_string_equal(v[0].venue, "binance");
    assert_string_equal(v[0].symbol, "BTCUSDT");
    assert_int_equal(v[0].count, 3);
    assert_int_equal(v[0].first_ts, T0);
    assert_int_equal(v[0].last_ts, T0 + 2 * h8);
    assert_string_equal(v[1].symbol, "ETHUSDT");
    assert_int_equal(v[1].count, 1);
    assert_int_equal(v[1].first_ts, T0 + h8);
    assert_string_equal(v[2].venue, "bybit");
    assert_int_equal(v[2].count, 2);
    assert_int_equal(v[2].last_ts, T0 + h8);
    free(v);
    OK(pr_store_list_funding(st, "bybit", &v, &n, &e_));
    assert_int_equal(n, 1);
    free(v);
    OK(pr_store_list_funding(st, "okx", &v, &n, &e_));
    assert_int_equal(n, 0);
    assert_null(v);
    pr_store_close(st);
}

static void test_import_log(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_import_record r;
    memset(&r, 0, sizeof r);
    pr_strlcpy(r.venue, "binance", sizeof r.venue);
    pr_strlcpy(r.symbol, "BTCUSDT", sizeof r.symbol);
    r.tf = PR_TF_1H;
    pr_strlcpy(r.file, "/data/BTCUSDT-1h-2022-01.csv", sizeof r.file);
    pr_strlcpy(r.format, "binance", sizeof r.format);
    pr_strlcpy(r.status, "ok", sizeof r.status);
    r.imported_at = T0;
    r.rows_read = 744;
    r.rows_stored = 740;
    r.rows_skipped = 4;
    r.rows_repaired = 2;
    r.rows_inserted = 700;
    r.rows_updated = 40;
    r.defects_json = "[{\"line\":12,\"kind\":\"duplicate\",\"note\":\"caf\xc3\xa9 \\\"x\\\"\"}]";
    int64_t id1 = 0, id2 = 0;
    OK(pr_store_log_import(st, &r, &id1, &e_));
    pr_import_record r2 = r;
    pr_strlcpy(r2.symbol, "ETHUSDT", sizeof r2.symbol);
    pr_strlcpy(r2.status, "rejected", sizeof r2.status);
    r2.tf = PR_TF_NONE;
    r2.defects_json = NULL;
    r2.imported_at = 0; /* = now */
    OK(pr_store_log_import(st, &r2, &id2, &e_));
    assert_true(id2 > id1);

    pr_import_record *v = NULL;
    size_t n = 0;
    OK(pr_store_list_imports(st, NULL, NULL, &v, &n, &e_));
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, id1);
    assert_string_equal(v[0].venue, "binance");
    assert_string_equal(v[0].symbol, "BTCUSDT");
    assert_int_equal(v[0].tf, PR_TF_1H);
    assert_string_equal(v[0].file, "/data/BTCUSDT-1h-2022-01.csv");
    assert_string_equal(v[0].format, "binance");
    assert_string_equal(v[0].status, "ok");
    assert_int_equal(v[0].imported_at, T0);
    assert_int_equal(v[0].rows_read, 744);
    assert_int_equal(v[0].rows_stored, 740);
    assert_int_equal(v[0].rows_skipped, 4);
    assert_int_equal(v[0].rows_repaired, 2);
    assert_int_equal(v[0].rows_inserted, 700);
    assert_int_equal(v[0].rows_updated, 40);
    assert_string_equal(v[0].defects_json, r.defects_json);
    assert_int_equal(v[1].tf, PR_TF_NONE);
    assert_string_equal(v[1].status, "rejected");
    assert_null(v[1].defects_json);
    assert_true(v[1].imported_at > T0);
    pr_store_imports_free(v, n);
    OK(pr_store_list_imports(st, NULL, "ETHUSDT", &v, &n, &e_));
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id2);
    pr_store_imports_free(v, n);
    OK(pr_store_list_imports(st, "oanda", NULL, &v, &n, &e_));
    assert_int_equal(n, 0);
    assert_null(v);
    pr_store_close(st);
}

/* ---- tests: URLs and failures (no database needed) -------------------------------- */
static void expect_open_fail(const char *url, int code, const char *needle, const char *absent) {
    pr_store *st = (pr_store *)1;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_store_open(url, &st, &e);
    if (rc != code) fail_msg("open '%s': expected %d, got %d (%s)", url, code, rc, e.msg);
    assert_null(st);
    assert_int_equal(e.code, code);
    if (needle && !strstr(e.msg, needle)) fail_msg("'%s' not in: %s", needle, e.msg);
    if (absent && strstr(e.msg, absent)) fail_msg("'%s' leaked in: %s", absent, e.msg);
}

static void test_bad_urls(void **state) {
    fx *f = *state;
    expect_open_fail("", PR_EINVAL, NULL, NULL);
    expect_open_fail(NULL, PR_EINVAL, NULL, NULL);
    expect_open_fail("sqlite:", PR_EINVAL, NULL, NULL);
    expect_open_fail("mysql://root@localhost/db", PR_EUNSUPPORTED, "mysql", NULL);
    expect_open_fail("sqlite:/nonexistent-proratio-dir/sub/x.db", PR_EDB,
                     "/nonexistent-proratio-dir/sub/x.db", NULL);
    /* Port 1 on loopback: nothing listens; libpq's message and host:port,
     * never the password. */
    expect_open_fail("postgresql://trader:s3cretpw@127.0.0.1:1/prices", PR_EDB, "127.0.0.1:1",
                     "s3cretpw");
    expect_open_fail("postgres://127.0.0.1:1/prices?connect_timeout=2", PR_EDB,
                     "cannot connect to PostgreSQL", NULL);
    expect_open_fail("postgresql://host/db?nosuchoption=1", PR_EINVAL, "nosuchoption", NULL);
    /* Malformed URLs: libpq's parse message quotes the offending token or the
     * whole URL, password included ('invalid percent-encoded token:
     * "s3cr%zzet"'). The message still says what is wrong, without it. */
    expect_open_fail("postgresql://trader:s3cr%zzet@127.0.0.1/prices", PR_EINVAL, "password", "s3cr");
    expect_open_fail("postgresql://trader:s3cretpw@[::1/prices", PR_EINVAL, "IPv6", "s3cretpw");
    expect_open_fail("postgresql://trader:s3cretpw@host/db?nosuchoption=1", PR_EINVAL, "nosuchoption",
                     "s3cretpw");
    expect_open_fail("postgresql://trader:s3c@re/tpw@host/db?bad=1", PR_EINVAL, NULL, "s3c@re");
    /* An unencoded '/' makes libpq read "trader:pa" as host and port, so the
     * connection error would quote the password's first part. */
    expect_open_fail("postgresql://trader:pa/ss@127.0.0.1:1/prices", PR_EINVAL, "password", ":pa");
    /* A percent-encoded password is fine (reaches the connection attempt). */
    expect_open_fail("postgresql://trader:p%2Fss%40w@127.0.0.1:1/prices?connect_timeout=2", PR_EDB,
                     "127.0.0.1:1", "p%2Fss");
    /* A file that is not a database. */
    char p[400];
    snprintf(p, sizeof p, "%s/notadb.db", f->dir);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++) fputs("this is not an SQLite database\n", fp);
    fclose(fp);
    expect_open_fail(p, PR_EDB, "notadb.db", NULL);
}


/* ---- bars in chunks (schema 4) ------------------------------------------------ */
/* The chunk table's shape: how many chunks, the most bars in one, the bars
 * in all, and pairs of chunks of one dataset that overlap (must be 0). */
static void chunk_shape(pr_store *st, int64_t *chunks, int64_t *most, int64_t *bars,
                        int64_t *overlaps) {
    OK(pr_store_query_int(st, "SELECT count(*) FROM bar_chunks", chunks, &e_));
    OK(pr_store_query_int(st, "SELECT coalesce(max(n), 0) FROM bar_chunks", most, &e_));
    OK(pr_store_query_int(st, "SELECT coalesce(sum(n), 0) FROM bar_chunks", bars, &e_));
    OK(pr_store_query_int(st,
                          "SELECT count(*) FROM bar_chunks a JOIN bar_chunks b ON a.venue = b.venue"
                          " AND a.symbol = b.symbol AND a.timeframe = b.timeframe"
                          " AND a.first_ts < b.first_ts AND a.last_ts >= b.first_ts",
                          overlaps, &e_));
}

/* A tiny model of the store for one dataset: slot i (minute i after T0)
 * holds the close last written there, or NaN when none was. */
#define MODEL_N 5000
static double g_model[MODEL_N];

static double model_close(size_t slot, unsigned round) { return (double)slot + 0.125 * round; }

/* Writes `n` bars at pseudo-random slots (several calls, unsorted, with
 * repeats) and checks the counts against the model. */
static void chunk_round(pr_store *st, unsigned round, unsigned *seed, size_t n) {
    int64_t ts[600];
    double o[600], h[600], l[600], c[600], v[600];
    size_t ins = 0, upd = 0, same = 0;
    assert_true(n <= 600);
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        size_t slot = (*seed >> 8) % MODEL_N;
        /* Every third bar of a round rewrites its old value unchanged. */
        unsigned r = (i % 3 == 0 && !isnan(g_model[slot])) ? 0 : round;
        double close = r ? model_close(slot, r) : g_model[slot];
        ts[i] = T0 + (int64_t)slot * MIN;
        o[i] = h[i] = l[i] = c[i] = close;
        v[i] = 1.0;
    }
    /* What the store must report: the last row of each ts counts once. */
    for (size_t i = 0; i < n; i++) {
        size_t slot = (size_t)((ts[i] - T0) / MIN);
        int last = 1;
        for (size_t j = i + 1; j < n; j++) last &= ts[j] != ts[i];
        if (!last) continue;
        if (isnan(g_model[slot])) ins++;
        else if (g_model[slot] != c[i]) upd++;
        else same++;
        g_model[slot] = c[i];
    }
    pr_store_counts k;
    OK(pr_store_put_bars_arrays(st, "binance", "CHK", PR_TF_1M, ts, o, h, l, c, v, n, &k, &e_));
    assert_int_equal(k.inserted, ins);
    assert_int_equal(k.updated, upd);
    assert_int_equal(k.unchanged, same);
}

/* Bars are stored as chunks of at most 1,024: an append fills them, writes
 * anywhere (unsorted, repeated, in front, in gaps, inside full chunks)
 * merge-rewrite only what they touch, chunks never overlap, and every bar
 * reads back as last written (checked against a model after each round). */
static void test_chunks(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_series s;
    make_series(&s, 2500, T0 + 1000 * MIN, MIN); /* slots 1000..3499 */
    for (size_t i = 0; i < s.len; i++) s.open[i] = s.high[i] = s.low[i] = s.close[i] = 1000.0 + (double)i;
    for (size_t i = 0; i < s.len; i++) s.volume[i] = 1.0;
    OK(pr_store_put_bars(st, "binance", "CHK", PR_TF_1M, &s, NULL, &e_));
    int64_t chunks, most, bars, overlaps;
    chunk_shape(st, &chunks, &most, &bars, &overlaps);
    assert_int_equal(chunks, 3); /* 1024 + 1024 + 452 */
    assert_int_equal(most, 1024);
    assert_int_equal(bars, 2500);
    for (size_t i = 0; i < MODEL_N; i++) g_model[i] = i >= 1000 && i < 3500 ? (double)i : NAN;
    unsigned seed = 7;
    for (unsigned round = 1; round <= 12; round++) {
        chunk_round(st, round, &seed, round % 4 == 0 ? 600 : 37);
        pr_series got;
        pr_series_init(&got, 0);
        OK(pr_store_get_bars(st, "binance", "CHK", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
        size_t j = 0;
        for (size_t slot = 0; slot < MODEL_N; slot++) {
            if (isnan(g_model[slot])) continue;
            assert_true(j < got.len);
            assert_int_equal(got.ts[j], T0 + (int64_t)slot * MIN);
            assert_true(got.close[j] == g_model[slot] && got.open[j] == g_model[slot]);
            j++;
        }
        assert_int_equal(got.len, j);
        chunk_shape(st, &chunks, &most, &bars, &overlaps);
        assert_int_equal(bars, (int64_t)j);
        assert_true(most <= 1024);
        assert_int_equal(overlaps, 0);
        /* A range that starts and ends inside chunks. */
        OK(pr_store_get_bars(st, "binance", "CHK", PR_TF_1M, T0 + 1500 * MIN, T0 + 1501 * MIN, &got, &e_));
        assert_int_equal(got.len, 1);
        assert_true(got.close[0] == g_model[1500]);
        pr_series_free(&got);
    }
    /* Reading the stamps alone and the summary agree with the model. */
    size_t want = 0;
    for (size_t i = 0; i < MODEL_N; i++) want += !isnan(g_model[i]);
    int64_t *ts = NULL;
    size_t n = 0;
    OK(pr_store_get_timestamps(st, "binance", "CHK", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &ts, &n, &e_));
    assert_int_equal(n, want);
    free(ts);
    pr_dataset_info d;
    OK(pr_store_dataset(st, "binance", "CHK", PR_TF_1M, &d, &e_));
    assert_int_equal(d.count, want);
    /* A damaged chunk is an error naming it, never bars made up. */
    OK(pr_store_exec_sql(st, f->pg ? "UPDATE bar_chunks SET data = substring(data from 1 for 100)"
                                     " WHERE first_ts = (SELECT max(first_ts) FROM bar_chunks)"
                                   : "UPDATE bar_chunks SET data = substr(data, 1, 100)"
                                     " WHERE first_ts = (SELECT max(first_ts) FROM bar_chunks)",
                         &e_));
    pr_series bad;
    pr_series_init(&bad, 0);
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_get_bars(st, "binance", "CHK", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE,
                                       &bad, &e), PR_EDB);
    assert_non_null(strstr(e.msg, "binance/CHK/1m"));
    assert_non_null(strstr(e.msg, "is not a chunk of"));
    assert_int_equal(bad.len, 0);
    /* A write into the damaged chunk fails the same way and leaves it as
     * it was: no merge-rewrite over it. */
    int64_t at = 0, len = 0;
    OK(pr_store_query_int(st, "SELECT max(first_ts) FROM bar_chunks", &at, &e_));
    double px = 5.0, vol = 1.0;
    pr_store_counts cnt;
    pr_err_clear(&e);
    assert_int_equal(pr_store_put_bars_arrays(st, "binance", "CHK", PR_TF_1M, &at, &px, &px, &px,
                                              &px, &vol, 1, &cnt, &e), PR_EDB);
    assert_non_null(strstr(e.msg, "is not a chunk of"));
    OK(pr_store_query_int(st, "SELECT length(data) FROM bar_chunks WHERE first_ts = "
                              "(SELECT max(first_ts) FROM bar_chunks)", &len, &e_));
    assert_int_equal(len, 100);
    /* A chunk whose row names other first or last stamps than its bars is
     * damaged too (reads and merges go by the row's). */
    OK(pr_store_exec_sql(st, "UPDATE bar_chunks SET last_ts = last_ts + 1"
                             " WHERE first_ts = (SELECT min(first_ts) FROM bar_chunks)", &e_));
    OK(pr_store_query_int(st, "SELECT min(first_ts) FROM bar_chunks", &at, &e_));
    pr_err_clear(&e);
    assert_int_equal(pr_store_get_bars(st, "binance", "CHK", PR_TF_1M, at, at + MIN, &bad, &e),
                     PR_EDB);
    assert_non_null(strstr(e.msg, "binance/CHK/1m"));
    assert_non_null(strstr(e.msg, "holds bars from"));
    assert_int_equal(bad.len, 0);
    pr_series_free(&bad);
    size_t del = 0;
    OK(pr_store_delete_dataset(st, "binance", "CHK", PR_TF_1M, &del, &e_));
    assert_int_equal(del, want);
    chunk_shape(st, &chunks, &most, &bars, &overlaps);
    assert_int_equal(chunks, 0);
    pr_series_free(&s);
    pr_store_close(st);
}

/* One integer out of the store (the test's shorthand). */
static int64_t q_int(pr_store *st, const char *sql) {
    int64_t x = -1;
    OK(pr_store_query_int(st, sql, &x, &e_));
    return x;
}

/* The two chunk versions (store_chunk.c), byte for byte: evenly spaced
 * bars are stored without their stamps (version 2: "PRC", 2, n, the step,
 * five columns: 16 + 40 n bytes), others with them (version 1: 8 + 48 n);
 * a version-1 chunk written by hand, as stores written before version 2
 * hold them, reads back through the API and the view; the view shows a
 * version-2 chunk's stamps, and (SQLite) a price set through it lands in
 * the right place of a version-2 chunk. */
static void test_chunk_versions(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    /* 10 hourly bars: close = 100 + i, open = close - 0.5, high = close + 1,
     * low = close - 1, volume = 10 i (all exact in binary). */
    int64_t ts[10];
    double o[10], h[10], l[10], c[10], vol[10];
    for (int i = 0; i < 10; i++) {
        ts[i] = T0 + i * HOUR;
        c[i] = 100 + i;
        o[i] = c[i] - 0.5;
        h[i] = c[i] + 1;
        l[i] = c[i] - 1;
        vol[i] = 10.0 * i;
    }
    pr_store_counts cnt;
    OK(pr_store_put_bars_arrays(st, "v", "EVEN", PR_TF_1H, ts, o, h, l, c, vol, 10, &cnt, &e_));
    /* one gap: bars 0, 1, 2 and 4 hours in */
    int64_t tg[4] = {T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 4 * HOUR};
    OK(pr_store_put_bars_arrays(st, "v", "GAP", PR_TF_1H, tg, o, h, l, c, vol, 4, &cnt, &e_));
    assert_int_equal(q_int(st, "SELECT length(data) FROM bar_chunks WHERE symbol = 'EVEN'"), 16 + 40 * 10);
    assert_int_equal(q_int(st, "SELECT length(data) FROM bar_chunks WHERE symbol = 'GAP'"), 8 + 48 * 4);
    /* "PRC", 2, n = 10 (0A 00 00 00), step 3,600,000 ms = 0x36EE80 little-endian */
    assert_int_equal(q_int(st, f->pg ? "SELECT (encode(substring(data from 1 for 16), 'hex') ="
                                       " '505243020a00000080ee360000000000')::int FROM bar_chunks WHERE symbol = 'EVEN'"
                                     : "SELECT hex(substr(data, 1, 16)) = '505243020A00000080EE360000000000'"
                                       " FROM bar_chunks WHERE symbol = 'EVEN'"), 1);
    assert_int_equal(q_int(st, f->pg ? "SELECT get_byte(data, 3) FROM bar_chunks WHERE symbol = 'GAP'"
                                     : "SELECT hex(substr(data, 4, 1)) = '01' FROM bar_chunks WHERE symbol = 'GAP'"),
                     1);
    /* The view: each bar's stamp and prices, for both versions. */
    assert_int_equal(q_int(st, "SELECT count(*) FROM candles WHERE symbol = 'EVEN' AND (ts - 1640995200000) % 3600000 = 0"
                               " AND close = 100 + (ts - 1640995200000) / 3600000 AND open = close - 0.5"
                               " AND high = close + 1 AND low = close - 1 AND volume = 10 * (close - 100)"),
                     10);
    assert_int_equal(q_int(st, "SELECT max(ts) FROM candles WHERE symbol = 'EVEN'"), T0 + 9 * HOUR);
    assert_int_equal(q_int(st, "SELECT sum(ts - 1640995200000) / 3600000 FROM candles WHERE symbol = 'GAP'"), 7);
    assert_int_equal(q_int(st, "SELECT count(*) FROM candles WHERE symbol = 'GAP' AND close = 100 +"
                               " CASE WHEN ts = 1641009600000 THEN 3 ELSE (ts - 1640995200000) / 3600000 END"),
                     4);
    /* A version-1 chunk of two bars, as an older program wrote it:
     * ts T0 + 0/1 minutes, open 1/2, high 4/5, low 0.5/1, close 2/3,
     * volume 8/16, every value 8 bytes little-endian (doubles: 1.0 is
     * 3FF0000000000000, 2.0 4000..., 0.5 3FE0..., 4.0 4010..., 5.0
     * 4014..., 3.0 4008..., 8.0 4020..., 16.0 4030...). */
    const char *v1 = "5052430102000000"
                     "009CEF127E010000" "6086F0127E010000"   /* 1640995200000, 1640995260000 */
                     "000000000000F03F" "0000000000000040"   /* open  */
                     "0000000000001040" "0000000000001440"   /* high  */
                     "000000000000E03F" "000000000000F03F"   /* low   */
                     "0000000000000040" "0000000000000840"   /* close */
                     "0000000000002040" "0000000000003040";  /* volume */
    char sql[800];
    snprintf(sql, sizeof sql,
             f->pg ? "INSERT INTO bar_chunks VALUES ('old', 'V1', '1m', %lld, %lld, 2, decode('%s', 'hex'))"
                   : "INSERT INTO bar_chunks VALUES ('old', 'V1', '1m', %lld, %lld, 2, X'%s')",
             (long long)T0, (long long)(T0 + MIN), v1);
    OK(pr_store_exec_sql(st, sql, &e_));
    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "old", "V1", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 2);
    assert_true(got.ts[0] == T0 && got.ts[1] == T0 + MIN);
    assert_true(got.open[0] == 1 && got.high[0] == 4 && got.low[0] == 0.5 && got.close[0] == 2 && got.volume[0] == 8);
    assert_true(got.open[1] == 2 && got.high[1] == 5 && got.low[1] == 1 && got.close[1] == 3 && got.volume[1] == 16);
    assert_int_equal(q_int(st, "SELECT count(*) FROM candles WHERE symbol = 'V1' AND ((ts = 1640995200000"
                               " AND open = 1 AND high = 4 AND low = 0.5 AND close = 2 AND volume = 8) OR"
                               " (ts = 1640995260000 AND open = 2 AND high = 5 AND low = 1 AND close = 3 AND volume = 16))"),
                     2);
    /* Reads of part of a version-2 chunk ([from, to)) start at the right bar. */
    OK(pr_store_get_bars(st, "v", "EVEN", PR_TF_1H, T0 + 3 * HOUR, T0 + 5 * HOUR, &got, &e_));
    assert_int_equal(got.len, 2);
    assert_true(got.ts[0] == T0 + 3 * HOUR && got.ts[1] == T0 + 4 * HOUR && got.close[0] == 103 &&
                got.volume[1] == 40 && got.low[1] == 103);
    if (!f->pg) {
        /* A price set through the view (the edit trigger) in a version-2
         * chunk: that bar's close alone changes, the chunk keeps its size. */
        OK(pr_store_exec_sql(st, "UPDATE candles SET close = 103.25 WHERE symbol = 'EVEN' AND ts = 1641006000000", &e_));
        OK(pr_store_get_bars(st, "v", "EVEN", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
        assert_int_equal(got.len, 10);
        for (int i = 0; i < 10; i++) {
            assert_true(got.ts[i] == T0 + i * HOUR);
            assert_true(got.close[i] == (i == 3 ? 103.25 : 100 + i));
            assert_true(got.open[i] == 99.5 + i && got.high[i] == 101 + i && got.low[i] == 99 + i &&
                        got.volume[i] == 10.0 * i);
        }
        assert_int_equal(q_int(st, "SELECT length(data) FROM bar_chunks WHERE symbol = 'EVEN'"), 16 + 40 * 10);
        /* and in a version-1 chunk, as before */
        OK(pr_store_exec_sql(st, "UPDATE candles SET volume = 9 WHERE symbol = 'GAP' AND ts = 1641009600000", &e_));
        OK(pr_store_get_bars(st, "v", "GAP", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
        assert_true(got.len == 4 && got.volume[3] == 9 && got.volume[2] == 20 && got.close[3] == 103);
    }
    /* A version-2 chunk whose step does not reach its row's last stamp is
     * damaged: an error naming it. */
    OK(pr_store_exec_sql(st, "UPDATE bar_chunks SET last_ts = last_ts + 1 WHERE symbol = 'EVEN'", &e_));
    pr_err e;
    pr_err_clear(&e);
    assert_int_equal(pr_store_get_bars(st, "v", "EVEN", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e), PR_EDB);
    assert_non_null(strstr(e.msg, "v/EVEN/1h"));
    assert_non_null(strstr(e.msg, "holds bars from"));
    pr_series_free(&got);
    pr_store_close(st);
}

/* A store written by the program at schema 3 (one row per bar) is converted
 * in place on open: every bar is kept exactly, the old table is gone and
 * the view `candles` shows the same rows. */
static void test_chunk_migration(void **state) {
    fx *f = *state;
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    pr_store_open_opts v3 = {3, NULL, 0, 0, NULL};
    assert_int_equal(pr_store_open_ex(f->url, &v3, &st, &e), PR_OK);
    char sql[1024];
    /* 2,100 minute bars (open = k + 0.25, high = k + 0.5, low = k, close =
     * k + 0.75, volume = k / 8) written out of order, three values without
     * an exact binary form, and a second dataset of two bars. */
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k < 2099)"
             " INSERT INTO candles SELECT 'binance', 'OLD', '1m', %lld + (2099 - k) * 60000,"
             " k + 0.25, k + 0.5, k, k + 0.75, k / 8.0 FROM i;"
             "UPDATE candles SET open = 0.1, high = 1e300, low = 1e-300 WHERE ts = %lld;"
             "INSERT INTO candles VALUES ('kraken', 'TWO', '1h', %lld, 1, 2, 0.5, 1.5, 3);"
             "INSERT INTO candles VALUES ('kraken', 'TWO', '1h', %lld, 2, 3, 1.5, 2.5, 4);",
             (long long)T0, (long long)(T0 + 7 * MIN), (long long)T0, (long long)(T0 + HOUR));
    OK(pr_store_exec_sql(st, sql, &e_));
    pr_store_close(st);

    st = open_ok(f); /* 3 -> 4 -> ... -> 9 (the latest) */
    int v = 0;
    OK(pr_store_schema_version(st, &v, &e_));
    assert_int_equal(v, 9);
    pr_series got;
    pr_series_init(&got, 0);
    OK(pr_store_get_bars(st, "binance", "OLD", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 2100);
    for (size_t i = 0; i < got.len; i++) {
        double k = (double)(2099 - i); /* bar i (by time) was inserted as k */
        assert_int_equal(got.ts[i], T0 + (int64_t)i * MIN);
        if (i == 7) {
            assert_true(got.open[i] == 0.1 && got.high[i] == 1e300 && got.low[i] == 1e-300);
        } else {
            assert_true(got.open[i] == k + 0.25 && got.high[i] == k + 0.5 && got.low[i] == k);
        }
        assert_true(got.close[i] == k + 0.75 && got.volume[i] == k / 8.0);
    }
    OK(pr_store_get_bars(st, "kraken", "TWO", PR_TF_1H, PR_TIME_NONE, PR_TIME_NONE, &got, &e_));
    assert_int_equal(got.len, 2);
    assert_true(got.close[0] == 1.5 && got.volume[1] == 4.0);
    pr_series_free(&got);
    int64_t x = 0;
    OK(pr_store_query_int(st, "SELECT count(*) FROM bar_chunks", &x, &e_));
    assert_int_equal(x, 4); /* OLD: 1024 + 1024 + 52; TWO: 2 */
    OK(pr_store_query_int(st, "SELECT count(*) FROM candles", &x, &e_));
    assert_int_equal(x, 2102);
    OK(pr_store_query_int(st, "SELECT count(*) FROM candles WHERE open = 0.1 AND high = 1e300"
                              " AND low = 1e-300 AND ts = 1640995620000", &x, &e_));
    assert_int_equal(x, 1);
    OK(pr_store_query_int(st, "SELECT count(*) FROM candles WHERE symbol = 'OLD'"
                              " AND close = (2099 - (ts - 1640995200000) / 60000) + 0.75", &x, &e_));
    assert_int_equal(x, 2100);
    assert_int_equal(pr_store_query_int(st, "SELECT count(*) FROM candles_v3", &x, &e), PR_EDB);
    pr_store_close(st);
}

static void test_sqlite_url_forms(void **state) {
    fx *f = *state;
    char url[600];
    const char *forms[3][2] = {{"%s/plain.db", "plain.db"},
                               {"sqlite://%s/slashes.db", "slashes.db"},
                               {"sqlite::memory:", NULL}};
    for (int i = 0; i < 3; i++) {
        snprintf(url, sizeof url, forms[i][0], f->dir);
        pr_store *st = NULL;
        OK(pr_store_open(url, &st, &e_));
        assert_int_equal(pr_store_kind(st), PR_STORE_SQLITE);
        pr_series s;
        make_series(&s, 3, T0, MIN);
        OK(pr_store_put_bars(st, "v", "S", PR_TF_1M, &s, NULL, &e_));
        assert_int_equal(get_len(st, "v", "S", PR_TF_1M, PR_TIME_NONE, PR_TIME_NONE), 3);
        pr_store_close(st);
        pr_series_free(&s);
        if (forms[i][1]) {
            char p[400];
            snprintf(p, sizeof p, "%s/%s", f->dir, forms[i][1]);
            assert_int_equal(access(p, F_OK), 0);
        }
    }
}


/* ---- risk_state (migration 5) ----------------------------------------------------- */
static void test_risk_state(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_err e;
    char *js = NULL;
    int ver = 0;
    int64_t at = 0;
    /* Absent: PR_ENOTFOUND naming the key; a bad name is refused. */
    assert_int_equal(pr_store_risk_state_get(st, "run-a", &js, &ver, &at, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "run-a"));
    assert_null(js);
    assert_int_equal(pr_store_risk_state_put(st, "", "{}", 1, 0, &e), PR_EINVAL);
    /* Written, read back byte for byte (text with quotes, non-ASCII and a
     * newline), then replaced in place: one row per name. */
    const char *t1 = "{\"version\":1,\"note\":\"it's \u00e9\\n\"}\n";
    OK(pr_store_risk_state_put(st, "run-a", t1, 1, 1700000000000LL, &e_));
    OK(pr_store_risk_state_put(st, "run-b", "{\"b\":2}", 1, 5, &e_));
    OK(pr_store_risk_state_get(st, "run-a", &js, &ver, &at, &e_));
    assert_string_equal(js, t1);
    assert_int_equal(ver, 1);
    assert_true(at == 1700000000000LL);
    free(js);
    OK(pr_store_risk_state_put(st, "run-a", "{\"v\":2}", 2, 1700000000001LL, &e_));
    OK(pr_store_risk_state_get(st, "run-a", &js, &ver, NULL, &e_));
    assert_string_equal(js, "{\"v\":2}");
    assert_int_equal(ver, 2);
    free(js);
    OK(pr_store_risk_state_get(st, "run-b", &js, NULL, &at, &e_));
    assert_string_equal(js, "{\"b\":2}");
    assert_true(at == 5);
    free(js);
    pr_store_close(st);
    /* It survives closing and reopening (a restart). */
    st = open_ok(f);
    OK(pr_store_risk_state_get(st, "run-a", &js, NULL, NULL, &e_));
    assert_string_equal(js, "{\"v\":2}");
    free(js);
    pr_store_close(st);
}

/* ---- runs and trials (migration 9) ------------------------------------------------- */
static int count_run(void *user, const pr_opt_run_row *r) {
    char *names = user;
    size_t n = strlen(names);
    snprintf(names + n, 256 - n, "%s;", r->name);
    return 0;
}

typedef struct seen_trials {
    int n;
    int fold[4];
    long trial[4];
    char score[4][32];
} seen_trials;

static int take_trials(void *user, int fold, long trial, const char *params, const char *score, const char *metrics) {
    seen_trials *s = user;
    (void)params;
    (void)metrics;
    if (s->n < 4) {
        s->fold[s->n] = fold;
        s->trial[s->n] = trial;
        pr_strlcpy(s->score[s->n], score, sizeof s->score[0]);
    }
    s->n++;
    return 0;
}

static void test_opt_runs(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_err e;
    pr_opt_run_row row;
    assert_int_equal(pr_store_opt_run_get(st, "wf", &row, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "wf"));
    assert_int_equal(pr_store_opt_run_put(st, "", "d", "in-sample", "s", "running", "{}", 1, &e), PR_EINVAL);
    OK(pr_store_opt_run_put(st, "wf", "abc", "walk-forward", "sma_cross", "running", "{}", 1000, &e_));
    OK(pr_store_opt_run_put(st, "is", "def", "in-sample", "grid", "done", "{\"lines\":[\"x\"]}", 2000, &e_));
    /* trials out of order, one replaced; they come back by (fold, trial) */
    OK(pr_store_opt_trial_put(st, "wf", 2, 0, "{\"fast\":5}", "0.5", "{}", &e_));
    OK(pr_store_opt_trial_put(st, "wf", 1, 1, "{\"fast\":6}", "-inf", "{}", &e_));
    OK(pr_store_opt_trial_put(st, "wf", 1, 0, "{\"fast\":7}", "0.25", "{}", &e_));
    OK(pr_store_opt_trial_put(st, "wf", 1, 0, "{\"fast\":7}", "0.125", "{}", &e_));
    OK(pr_store_opt_trial_put(st, "is", 0, 0, "{}", "1", "{}", &e_));
    seen_trials s = {0};
    OK(pr_store_opt_trials(st, "wf", take_trials, &s, &e_));
    assert_int_equal(s.n, 3);
    assert_true(s.fold[0] == 1 && s.trial[0] == 0 && s.fold[1] == 1 && s.trial[1] == 1 && s.fold[2] == 2);
    assert_string_equal(s.score[0], "0.125");
    assert_string_equal(s.score[1], "-inf");
    /* the row, with its trial count; created_at kept on an update */
    OK(pr_store_opt_run_put(st, "wf", "abc", "walk-forward", "sma_cross", "done", "{\"lines\":[]}", 3000, &e_));
    OK(pr_store_opt_run_get(st, "wf", &row, &e_));
    assert_string_equal(row.status, "done");
    assert_string_equal(row.summary, "{\"lines\":[]}");
    assert_true(row.trials == 3 && row.created_at == 1000 && row.updated_at == 3000);
    pr_store_opt_run_free(&row);
    char names[256] = "";
    OK(pr_store_opt_run_list(st, count_run, names, &e_));
    assert_string_equal(names, "wf;is;");   /* newest first */
    /* deleting a run takes its trials, not another run's */
    OK(pr_store_opt_run_delete(st, "wf", &e_));
    assert_int_equal(pr_store_opt_run_get(st, "wf", &row, &e), PR_ENOTFOUND);
    s.n = 0;
    OK(pr_store_opt_trials(st, "wf", take_trials, &s, &e_));
    assert_int_equal(s.n, 0);
    OK(pr_store_opt_trials(st, "is", take_trials, &s, &e_));
    assert_int_equal(s.n, 1);
    pr_store_close(st);
}

/* ---- paper_state (migration 6) ---------------------------------------------------- */
static void test_paper_state(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_err e;
    pr_paper_row row;
    assert_int_equal(pr_store_paper_get(st, "out/paper", &row, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "out/paper"));
    assert_int_equal(pr_store_paper_put(st, "", "d", 0, "{}", 0, &e), PR_EINVAL);
    /* Written and read back; replaced in place (one row per session);
     * another session apart; deleted. Times beyond 32 bits survive. */
    const char *t1 = "{\"fills\":3,\"note\":\"it's \u00e9\"}";
    OK(pr_store_paper_put(st, "out/paper", "abc123", 1746489600000LL, t1, 1700000000000LL, &e_));
    OK(pr_store_paper_put(st, "other", "ffff", 7, "{}", 8, &e_));
    OK(pr_store_paper_get(st, "out/paper", &row, &e_));
    assert_string_equal(row.state, t1);
    assert_string_equal(row.config_digest, "abc123");
    assert_true(row.last_step == 1746489600000LL);
    assert_true(row.updated_at == 1700000000000LL);
    free(row.state);
    OK(pr_store_paper_put(st, "out/paper", "abc124", 1746493200000LL, "{\"fills\":4}", 1700000000001LL, &e_));
    pr_store_close(st);
    /* A restart finds the latest row. */
    st = open_ok(f);
    OK(pr_store_paper_get(st, "out/paper", &row, &e_));
    assert_string_equal(row.state, "{\"fills\":4}");
    assert_string_equal(row.config_digest, "abc124");
    assert_true(row.last_step == 1746493200000LL);
    free(row.state);
    OK(pr_store_paper_delete(st, "out/paper", &e_));
    assert_int_equal(pr_store_paper_get(st, "out/paper", &row, &e), PR_ENOTFOUND);
    OK(pr_store_paper_delete(st, "out/paper", &e_));
    OK(pr_store_paper_get(st, "other", &row, &e_));
    assert_true(row.last_step == 7);
    free(row.state);
    pr_store_close(st);
}

/* ---- paper_run (migration 7) ------------------------------------------------------ */
static void test_paper_run(void **state) {
    fx *f = *state;
    pr_store *st = open_ok(f);
    pr_err e;
    pr_paper_run r;
    int64_t stop = -1;
    assert_int_equal(pr_store_run_get(st, "s1", &r, &e), PR_ENOTFOUND);
    assert_non_null(strstr(e.msg, "no session 's1'"));
    assert_int_equal(pr_store_run_stop(st, "s1", 5, &e), PR_ENOTFOUND);
    OK(pr_store_run_start(st, "s1", 4242, "hostA", "987654", 1700000000000LL, &e_));
    OK(pr_store_run_get(st, "s1", &r, &e_));
    assert_true(r.pid == 4242 && r.started_at == 1700000000000LL && r.heartbeat == 1700000000000LL);
    assert_string_equal(r.host, "hostA");
    assert_string_equal(r.proc_start, "987654");
    assert_true(r.stop_at == 0 && r.ended_at == 0);
    assert_string_equal(r.outcome, "");
    assert_string_equal(r.status, "{}");
    pr_store_run_free(&r);
    /* A heartbeat with its snapshot; no stop yet; then one asked. */
    OK(pr_store_run_beat(st, "s1", 1700000001000LL, "{\"steps\":3}", &stop, &e_));
    assert_true(stop == 0);
    OK(pr_store_run_stop(st, "s1", 1700000001500LL, &e_));
    OK(pr_store_run_beat(st, "s1", 1700000002000LL, "{\"steps\":4}", &stop, &e_));
    assert_true(stop == 1700000001500LL);
    OK(pr_store_run_end(st, "s1", 1700000003000LL, "stopped", "{\"steps\":5}", &e_));
    OK(pr_store_run_start(st, "s2", 7, "hostB", "", 10, &e_));
    pr_store_close(st);
    st = open_ok(f);
    OK(pr_store_run_get(st, "s1", &r, &e_));
    assert_true(r.heartbeat == 1700000003000LL && r.ended_at == 1700000003000LL && r.stop_at == 1700000001500LL);
    assert_string_equal(r.outcome, "stopped");
    assert_string_equal(r.status, "{\"steps\":5}");
    pr_store_run_free(&r);
    char **names = NULL;
    size_t n = 0;
    OK(pr_store_run_list(st, &names, &n, &e_));
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "s1");
    assert_string_equal(names[1], "s2");
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* A restart of s1 clears its stop request and end. */
    OK(pr_store_run_start(st, "s1", 99, "hostA", "1", 20, &e_));
    OK(pr_store_run_get(st, "s1", &r, &e_));
    assert_true(r.pid == 99 && r.stop_at == 0 && r.ended_at == 0);
    assert_string_equal(r.outcome, "");
    pr_store_run_free(&r);
    pr_store_close(st);
}

#define STORE_TESTS(su, td)                                              \
    cmocka_unit_test_setup_teardown(test_open_fresh_schema, su, td),     \
    cmocka_unit_test_setup_teardown(test_migrations, su, td),            \
    cmocka_unit_test_setup_teardown(test_roundtrip_exact, su, td),       \
    cmocka_unit_test_setup_teardown(test_negative_zero_stored_as_zero, su, td), \
    cmocka_unit_test_setup_teardown(test_range_half_open, su, td),       \
    cmocka_unit_test_setup_teardown(test_upsert_idempotent_counts, su, td), \
    cmocka_unit_test_setup_teardown(test_unsorted_and_duplicate_input, su, td), \
    cmocka_unit_test_setup_teardown(test_rejects_bad_input, su, td),     \
    cmocka_unit_test_setup_teardown(test_atomic_import_rollback, su, td), \
    cmocka_unit_test_setup_teardown(test_concurrent_reader, su, td),     \
    cmocka_unit_test_setup_teardown(test_large_bulk, su, td),            \
    cmocka_unit_test_setup_teardown(test_large_read_halves, su, td),     \
    cmocka_unit_test_setup_teardown(test_list_and_delete, su, td),       \
    cmocka_unit_test_setup_teardown(test_summary_updates, su, td),       \
    cmocka_unit_test_setup_teardown(test_summary_migration, su, td),     \
    cmocka_unit_test_setup_teardown(test_instruments, su, td),           \
    cmocka_unit_test_setup_teardown(test_funding, su, td),               \
    cmocka_unit_test_setup_teardown(test_conflict_policy, su, td),       \
    cmocka_unit_test_setup_teardown(test_list_funding, su, td),          \
    cmocka_unit_test_setup_teardown(test_funding_conflict, su, td),      \
    cmocka_unit_test_setup_teardown(test_import_log, su, td),            \
    cmocka_unit_test_setup_teardown(test_read_only, su, td),           \
    cmocka_unit_test_setup_teardown(test_chunks, su, td),              \
    cmocka_unit_test_setup_teardown(test_chunk_migration, su, td),         \
    cmocka_unit_test_setup_teardown(test_chunk_versions, su, td),          \
    cmocka_unit_test_setup_teardown(test_risk_state, su, td),            \
    cmocka_unit_test_setup_teardown(test_paper_state, su, td),          \
    cmocka_unit_test_setup_teardown(test_paper_run, su, td),            \
    cmocka_unit_test_setup_teardown(test_opt_runs, su, td)

int main(void) {
    const struct CMUnitTest sqlite_tests[] = {
        STORE_TESTS(setup_sqlite, teardown_sqlite),
        cmocka_unit_test_setup_teardown(test_sqlite_pragmas, setup_sqlite, teardown_sqlite),
        cmocka_unit_test_setup_teardown(test_sqlite_lock_message, setup_sqlite, teardown_sqlite),
        cmocka_unit_test_setup_teardown(test_sqlite_url_forms, setup_sqlite, teardown_sqlite),
        cmocka_unit_test_setup_teardown(test_bad_urls, setup_sqlite, teardown_sqlite),
    };
    const struct CMUnitTest pg_tests[] = {STORE_TESTS(setup_pg, teardown_pg)};
    int failed = cmocka_run_group_tests_name("store/sqlite", sqlite_tests, NULL, NULL);
    g_pg_url = getenv("PR_PG_URL");
    if (g_pg_url && *g_pg_url) {
        failed += cmocka_run_group_tests_name("store/postgresql", pg_tests, NULL, NULL);
    } else {
        printf("store/postgresql: not run (PR_PG_URL not set; tests/data/store_pg.sh sets it)\n");
    }
    return failed ? 1 : 0;
}
