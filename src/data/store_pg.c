/* PostgreSQL backend of the store over libpq: the same schema and behaviour
 * as SQLite. All values travel as binary parameters and binary results
 * (exact doubles, no text formatting); bulk upserts send whole column
 * arrays in one statement (INSERT ... SELECT FROM unnest(...)), and range
 * reads page by key inside one snapshot. Statements are prepared lazily
 * once per connection. Server notices are swallowed, never printed. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"

#define OID_BYTEA 17
#define OID_TEXT 25
#define OID_INT8 20
#define OID_FLOAT8 701
#define OID_INT8_ARRAY 1016
#define OID_FLOAT8_ARRAY 1022

/* Rows per upsert statement (reads of chunks are streamed: pg_stream). */
#define PG_CHUNK 50000

enum {
    P_LOCK, P_CH_SCAN, P_CH_HEADS, P_CH_PREV, P_CH_PUT, P_CH_DEL, P_CH_COUNT,
    P_DS_PUT, P_GAPS_DEL, P_GAPS_PUT, P_GAPS_GET, P_DS_LIST, P_DEL_CANDLES, P_DEL_DS,
    P_INSTR_PUT, P_INSTR_GET, P_FUND_INS, P_FUND_UPD, P_FUND_GET, P_FUND_LIST, P_LOG_PUT, P_LOG_LIST,
    P_COUNT
};

typedef struct pg_stmt_def {
    const char *sql;
    int nparams;
    Oid types[16];
} pg_stmt_def;

#define T OID_TEXT
#define I OID_INT8
#define F OID_FLOAT8
#define IA OID_INT8_ARRAY
#define FA OID_FLOAT8_ARRAY
#define B OID_BYTEA
static const pg_stmt_def pg_defs[P_COUNT] = {
    [P_LOCK] = {"SELECT pg_advisory_xact_lock($1)", 1, {I}},
    /* Chunks reaching into [$4, $5] by key, a page of $6 at a time: last_ts
     * first, so that pg_paged goes on after it. */
#define CH_RANGE " FROM bar_chunks WHERE venue = $1 AND symbol = $2 AND timeframe = $3" \
                 " AND first_ts <= $5 AND last_ts >= $4 AND first_ts >= coalesce((SELECT first_ts" \
                 " FROM bar_chunks WHERE venue = $1 AND symbol = $2 AND timeframe = $3" \
                 " AND first_ts <= $4 ORDER BY first_ts DESC LIMIT 1), $4) ORDER BY first_ts LIMIT $6"
    [P_CH_SCAN] = {"SELECT last_ts, first_ts, n::bigint, data" CH_RANGE, 6, {T, T, T, I, I, I}},
    [P_CH_HEADS] = {"SELECT last_ts, first_ts, n::bigint, NULL::bytea" CH_RANGE, 6, {T, T, T, I, I, I}},
#undef CH_RANGE
    [P_CH_PREV] = {"SELECT last_ts, first_ts, n::bigint, data FROM bar_chunks"
                   " WHERE venue = $1 AND symbol = $2 AND timeframe = $3 AND first_ts < $4"
                   " ORDER BY first_ts DESC LIMIT 1",
                   4, {T, T, T, I}},
    [P_CH_PUT] = {"INSERT INTO bar_chunks (venue, symbol, timeframe, first_ts, last_ts, n, data)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  7, {T, T, T, I, I, I, B}},
    [P_CH_DEL] = {"DELETE FROM bar_chunks WHERE venue = $1 AND symbol = $2 AND timeframe = $3"
                  " AND first_ts = $4",
                  4, {T, T, T, I}},
    [P_CH_COUNT] = {"SELECT coalesce(sum(n), 0)::bigint FROM bar_chunks"
                    " WHERE venue = $1 AND symbol = $2 AND timeframe = $3",
                    3, {T, T, T}},
    [P_DS_PUT] = {"INSERT INTO datasets"
                  " (venue, symbol, timeframe, bar_count, first_ts, last_ts, updated_at,"
                  " sat_count, sun_count, gap_count, missing_bars, calendar)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                  " ON CONFLICT (venue, symbol, timeframe) DO UPDATE SET"
                  " bar_count = EXCLUDED.bar_count, first_ts = EXCLUDED.first_ts,"
                  " last_ts = EXCLUDED.last_ts, updated_at = EXCLUDED.updated_at,"
                  " sat_count = EXCLUDED.sat_count, sun_count = EXCLUDED.sun_count,"
                  " gap_count = EXCLUDED.gap_count, missing_bars = EXCLUDED.missing_bars,"
                  " calendar = EXCLUDED.calendar",
                  12, {T, T, T, I, I, I, I, I, I, I, I, T}},
    [P_GAPS_DEL] = {"DELETE FROM dataset_gaps WHERE venue = $1 AND symbol = $2 AND timeframe = $3"
                    " AND gap_from > $4 AND gap_from < $5",
                    5, {T, T, T, I, I}},
    [P_GAPS_PUT] = {"INSERT INTO dataset_gaps SELECT $1, $2, $3, u.*"
                    " FROM unnest($4, $5, $6, $7, $8, $9, $10, $11) AS u",
                    11, {T, T, T, IA, IA, IA, IA, IA, IA, IA, IA}},
    [P_GAPS_GET] = {"SELECT gap_from, gap_to, missing, missing_from, missing_to, closed_weekend,"
                    " closed_holiday, closed_session FROM dataset_gaps"
                    " WHERE venue = $1 AND symbol = $2 AND timeframe = $3 ORDER BY gap_from",
                    3, {T, T, T}},
    [P_DS_LIST] = {"SELECT d.venue, d.symbol, d.timeframe, d.bar_count, d.first_ts, d.last_ts,"
                   " d.updated_at, i.asset_class, d.sat_count, d.sun_count, d.gap_count,"
                   " d.missing_bars, d.calendar FROM datasets d LEFT JOIN instruments i"
                   " ON i.venue = d.venue AND i.symbol = d.symbol",
                   0, {0}},
    [P_DEL_CANDLES] = {"DELETE FROM bar_chunks WHERE venue = $1 AND symbol = $2 AND timeframe = $3",
                       3, {T, T, T}},
    [P_DEL_DS] = {"DELETE FROM datasets WHERE venue = $1 AND symbol = $2 AND timeframe = $3",
                  3, {T, T, T}},
    [P_INSTR_PUT] = {"INSERT INTO instruments (venue, symbol, asset_class, base, quote,"
                     " tick_size, lot_step, min_qty, min_notional, pip_size,"
                     " contract_multiplier, updated_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                     " ON CONFLICT (venue, symbol) DO UPDATE SET"
                     " asset_class = EXCLUDED.asset_class, base = EXCLUDED.base,"
                     " quote = EXCLUDED.quote, tick_size = EXCLUDED.tick_size,"
                     " lot_step = EXCLUDED.lot_step, min_qty = EXCLUDED.min_qty,"
                     " min_notional = EXCLUDED.min_notional, pip_size = EXCLUDED.pip_size,"
                     " contract_multiplier = EXCLUDED.contract_multiplier,"
                     " updated_at = EXCLUDED.updated_at",
                     12, {T, T, T, T, T, F, F, F, F, F, F, I}},
    [P_INSTR_GET] = {"SELECT venue, symbol, asset_class, base, quote, tick_size, lot_step,"
                     " min_qty, min_notional, pip_size, contract_multiplier FROM instruments"
                     " WHERE ($1::text IS NULL OR venue = $1)"
                     " AND ($2::text IS NULL OR symbol = $2)",
                     2, {T, T}},
    [P_FUND_INS] = {"INSERT INTO funding_rates (venue, symbol, ts, rate)"
                    " SELECT $1, $2, u.* FROM unnest($3, $4) AS u"
                    " ON CONFLICT (venue, symbol, ts) DO NOTHING",
                    4, {T, T, IA, FA}},
    [P_FUND_UPD] = {"UPDATE funding_rates AS f SET rate = u.r FROM unnest($3, $4) AS u(t, r)"
                    " WHERE f.venue = $1 AND f.symbol = $2 AND f.ts = u.t AND f.rate <> u.r",
                    4, {T, T, IA, FA}},
    [P_FUND_GET] = {"SELECT ts, rate FROM funding_rates WHERE venue = $1 AND symbol = $2"
                    " AND ts >= $3 AND ts <= $4 ORDER BY ts",
                    4, {T, T, I, I}},
    [P_FUND_LIST] = {"SELECT venue, symbol, count(*), min(ts), max(ts) FROM funding_rates"
                     " GROUP BY venue, symbol",
                     0, {0}},
    [P_LOG_PUT] = {"INSERT INTO import_log (venue, symbol, timeframe, file, format, status,"
                   " imported_at, rows_read, rows_stored, rows_skipped, rows_repaired,"
                   " rows_inserted, rows_updated, defects)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                   " RETURNING id",
                   14, {T, T, T, T, T, T, I, I, I, I, I, I, I, T}},
    [P_LOG_LIST] = {"SELECT id, venue, symbol, timeframe, file, format, status, imported_at,"
                    " rows_read, rows_stored, rows_skipped, rows_repaired, rows_inserted,"
                    " rows_updated, defects FROM import_log"
                    " WHERE ($1::text IS NULL OR venue = $1)"
                    " AND ($2::text IS NULL OR symbol = $2) ORDER BY id",
                    2, {T, T}},
};
#undef T
#undef I
#undef F
#undef IA
#undef FA
#undef B

typedef struct pg_store {
    pr_store base;
    PGconn *conn;
    char where[160];          /* "host:port" for messages */
    int prepared[P_COUNT];
    char *conninfo;           /* for a second connection (holds the password: never shown) */
    struct pg_store *twin;    /* that connection, opened by the first large read */
    int no_twin;              /* it could not be opened: reads use one connection */
} pg_store;

static pg_store *PG(pr_store *st) { return (pg_store *)st; }

/* ---- binary encoding -------------------------------------------------------- */
static void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v) {
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint64_t get_be64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static uint64_t f64_bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_f64(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* One-dimensional array without NULLs in PostgreSQL's binary format:
 * ndim, has-null flag, element type, then (length, lower bound), then each
 * element as (byte length, big-endian value). */
#define ARR_HDR 20
#define ARR_BYTES(n) (ARR_HDR + (size_t)(n) * 12)

static unsigned char *arr_header(unsigned char *p, Oid elem, size_t n) {
    put_be32(p, 1);
    put_be32(p + 4, 0);
    put_be32(p + 8, elem);
    put_be32(p + 12, (uint32_t)n);
    put_be32(p + 16, 1);
    return p + ARR_HDR;
}

/* Elements v[idx[i]] (or v[i] when idx is NULL) for i < n. */
static void arr_i64(unsigned char *p, const int64_t *v, const size_t *idx, size_t n) {
    p = arr_header(p, OID_INT8, n);
    for (size_t i = 0; i < n; i++, p += 12) {
        put_be32(p, 8);
        put_be64(p + 4, (uint64_t)v[idx ? idx[i] : i]);
    }
}

static void arr_f64(unsigned char *p, const double *v, const size_t *idx, size_t n) {
    p = arr_header(p, OID_FLOAT8, n);
    for (size_t i = 0; i < n; i++, p += 12) {
        put_be32(p, 8);
        put_be64(p + 4, f64_bits(pr_store_norm0(v[idx ? idx[i] : i])));
    }
}

/* Parameter list for one statement execution. */
typedef struct pgp {
    const char *val[16];
    int len[16];
    int fmt[16];
    unsigned char raw[16][8];
    int n;
} pgp;

static void p_text(pgp *p, const char *s) {
    p->val[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n] = 0;
    p->n++;
}

static void p_i64(pgp *p, int64_t v) {
    put_be64(p->raw[p->n], (uint64_t)v);
    p->val[p->n] = (const char *)p->raw[p->n];
    p->len[p->n] = 8;
    p->fmt[p->n] = 1;
    p->n++;
}

static void p_f64(pgp *p, double v) {
    put_be64(p->raw[p->n], f64_bits(pr_store_norm0(v)));
    p->val[p->n] = (const char *)p->raw[p->n];
    p->len[p->n] = 8;
    p->fmt[p->n] = 1;
    p->n++;
}

static void p_bin(pgp *p, const unsigned char *buf, size_t len) {
    p->val[p->n] = (const char *)buf;
    p->len[p->n] = (int)len;
    p->fmt[p->n] = 1;
    p->n++;
}

static void p_key(pgp *p, const pr_store_key *k) {
    p_text(p, k->venue);
    p_text(p, k->symbol);
    p_text(p, k->tf);
}

/* Binary result accessors. */
static int64_t r_i64(const PGresult *r, int row, int col) {
    return (int64_t)get_be64((const unsigned char *)PQgetvalue(r, row, col));
}

static double r_f64(const PGresult *r, int row, int col) {
    return bits_f64(get_be64((const unsigned char *)PQgetvalue(r, row, col)));
}

static void r_text(const PGresult *r, int row, int col, char *dst, size_t cap) {
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len >= cap) len = cap - 1;
    memcpy(dst, PQgetvalue(r, row, col), len);
    dst[len] = '\0';
}

/* ---- errors ----------------------------------------------------------------- */
static int pg_fail(pg_store *s, const PGresult *r, const char *what, pr_err *err) {
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!prim) prim = PQerrorMessage(s->conn);
    if (!prim || !*prim) prim = r ? PQresStatus(PQresultStatus(r)) : "no result";
    return pr_store_db_err(err, state ? state : "", what, "%s%s%s (postgresql %s)", prim,
                           detail ? ": " : "", detail ? detail : "", s->where);
}

/* Checks a result; clears it on failure. */
static int pg_ok(pg_store *s, PGresult *r, ExecStatusType want, const char *what, pr_err *err) {
    if (r && PQresultStatus(r) == want) return PR_OK;
    pg_fail(s, r, what, err);
    PQclear(r);
    return PR_EDB;
}

static int pg_prepare(pg_store *s, int id, const char *what, pr_err *err) {
    if (s->prepared[id]) return PR_OK;
    char name[16];
    snprintf(name, sizeof name, "pr_%d", id);
    const pg_stmt_def *d = &pg_defs[id];
    PGresult *r = PQprepare(s->conn, name, d->sql, d->nparams, d->types);
    if (pg_ok(s, r, PGRES_COMMAND_OK, what, err) != PR_OK) return PR_EDB;
    PQclear(r);
    s->prepared[id] = 1;
    return PR_OK;
}

/* Executes prepared statement `id` with binary results. */
static PGresult *pg_run(pg_store *s, int id, const pgp *p, ExecStatusType want,
                        const char *what, pr_err *err) {
    if (pg_prepare(s, id, what, err) != PR_OK) return NULL;
    char name[16];
    snprintf(name, sizeof name, "pr_%d", id);
    PGresult *r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->val : NULL,
                                 p ? p->len : NULL, p ? p->fmt : NULL, 1);
    if (pg_ok(s, r, want, what, err) != PR_OK) return NULL;
    return r;
}

static size_t cmd_tuples(PGresult *r) { return (size_t)strtoull(PQcmdTuples(r), NULL, 10); }

/* ---- generic ops ------------------------------------------------------------ */
static int pg_exec(pr_store *st, const char *sql, const char *what, pr_err *err) {
    pg_store *s = PG(st);
    PGresult *r = PQexec(s->conn, sql);
    ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
        pg_fail(s, r, what, err);
        PQclear(r);
        return PR_EDB;
    }
    PQclear(r);
    return PR_OK;
}

static int pg_query_int(pr_store *st, const char *sql, int64_t *out, int *found, pr_err *err) {
    pg_store *s = PG(st);
    *found = 0;
    PGresult *r = PQexecParams(s->conn, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (pg_ok(s, r, PGRES_TUPLES_OK, "query", err) != PR_OK) return PR_EDB;
    if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0)) {
        *out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        *found = 1;
    }
    PQclear(r);
    return PR_OK;
}

static int pg_begin(pr_store *st, pr_err *err) { return pg_exec(st, "BEGIN", "begin", err); }

static int pg_commit(pr_store *st, pr_err *err) {
    pg_store *s = PG(st);
    PGresult *r = PQexec(s->conn, "COMMIT");
    if (pg_ok(s, r, PGRES_COMMAND_OK, "commit", err) != PR_OK) return PR_EDB;
    /* COMMIT of a transaction that had failed succeeds as a ROLLBACK. */
    int rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
    PQclear(r);
    if (rolled_back)
        return pr_store_db_err(err, "25P02", "commit",
                               "transaction was aborted and has been rolled back "
                               "(postgresql %s)", s->where);
    return PR_OK;
}

static int pg_rollback(pr_store *st, pr_err *err) {
    pg_store *s = PG(st);
    if (PQtransactionStatus(s->conn) == PQTRANS_IDLE) return PR_OK;
    return pg_exec(st, "ROLLBACK", "rollback", err);
}

static void pg_close(pr_store *st) {
    pg_store *s = PG(st);
    if (s->twin) pg_close(&s->twin->base);
    PQfinish(s->conn);
    free(s->conninfo);
    free(s);
}

/* ---- candles ---------------------------------------------------------------- */
/* 64-bit FNV-1a of the dataset key: the advisory lock id of a dataset
 * (a collision only serialises two unrelated imports). */
static int64_t key_lock_id(const pr_store_key *k) {
    uint64_t h = 14695981039346656037ULL;
    const char *parts[4] = {"candles", k->venue, k->symbol, k->tf};
    for (int i = 0; i < 4; i++) {
        for (const unsigned char *c = (const unsigned char *)parts[i]; *c; c++)
            h = (h ^ *c) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL;
    }
    return (int64_t)(h >> 1);
}

/* Writers of one dataset take its advisory lock (held to the end of the
 * transaction), so what the per-chunk range read finds stays true until
 * commit: only new rows are inserted — with a plain INSERT, about twice as
 * fast as ON CONFLICT's speculative insertion — and only changed rows are
 * updated; unchanged rows are never rewritten, so re-imports leave no dead
 * tuples behind. */
static int pg_lock_dataset(pr_store *st, const pr_store_key *k, pr_err *err) {
    pgp lk = {.n = 0};
    p_i64(&lk, key_lock_id(k));
    PGresult *r = pg_run(PG(st), P_LOCK, &lk, PGRES_TUPLES_OK, "lock dataset", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

static int pg_put_summary(pr_store *st, const pr_store_key *k, const pr_store_summary *sm,
                          const char *cal, int64_t now, pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, (int64_t)sm->count);
    p_i64(&p, sm->first_ts);
    p_i64(&p, sm->last_ts);
    p_i64(&p, now);
    p_i64(&p, (int64_t)sm->sat);
    p_i64(&p, (int64_t)sm->sun);
    p_i64(&p, (int64_t)sm->gaps);
    p_i64(&p, (int64_t)sm->missing);
    p_text(&p, cal);
    PGresult *r = pg_run(PG(st), P_DS_PUT, &p, PGRES_COMMAND_OK, "update datasets", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

static int pg_gaps_delete(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi,
                          pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, lo);
    p_i64(&p, hi);
    PGresult *r = pg_run(PG(st), P_GAPS_DEL, &p, PGRES_COMMAND_OK, "delete dataset gaps", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

static int pg_gaps_put(pr_store *st, const pr_store_key *k, const pr_gap *g, size_t n,
                       pr_err *err) {
    const size_t chunk = n < PG_CHUNK ? n : PG_CHUNK;
    if (n == 0) return PR_OK;
    int64_t *col = malloc(8 * chunk * sizeof *col);
    unsigned char *buf = malloc(8 * ARR_BYTES(chunk));
    int rc = PR_OK;
    if (!col || !buf) rc = pr_err_set(err, PR_ENOMEM, "store: out of memory for gaps");
    for (size_t i = 0; rc == PR_OK && i < n; i += chunk) {
        const size_t m = n - i < chunk ? n - i : chunk, sz = ARR_BYTES(m);
        for (size_t j = 0; j < m; j++) {
            const pr_gap *x = &g[i + j];
            const int64_t v[8] = {x->from, x->to, (int64_t)x->missing, x->missing_from,
                                  x->missing_to, (int64_t)x->closed_weekend,
                                  (int64_t)x->closed_holiday, (int64_t)x->closed_session};
            for (int c = 0; c < 8; c++) col[(size_t)c * m + j] = v[c];
        }
        pgp p = {.n = 0};
        p_key(&p, k);
        for (int c = 0; c < 8; c++) {
            arr_i64(buf + (size_t)c * sz, col + (size_t)c * m, NULL, m);
            p_bin(&p, buf + (size_t)c * sz, sz);
        }
        PGresult *r = pg_run(PG(st), P_GAPS_PUT, &p, PGRES_COMMAND_OK, "insert dataset gaps", err);
        if (!r) rc = PR_EDB;
        PQclear(r);
    }
    free(col);
    free(buf);
    return rc;
}

static int pg_gaps_get(pr_store *st, const pr_store_key *k, pr_gap **out, size_t *n,
                       pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    PGresult *r = pg_run(PG(st), P_GAPS_GET, &p, PGRES_TUPLES_OK, "select dataset gaps", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_gap *v = m ? calloc(m, sizeof *v) : NULL;
    if (m && !v) {
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing gaps");
    }
    for (size_t i = 0; i < m; i++) {
        const int row = (int)i;
        v[i].from = r_i64(r, row, 0);
        v[i].to = r_i64(r, row, 1);
        v[i].missing = (size_t)r_i64(r, row, 2);
        v[i].missing_from = r_i64(r, row, 3);
        v[i].missing_to = r_i64(r, row, 4);
        v[i].closed_weekend = (size_t)r_i64(r, row, 5);
        v[i].closed_holiday = (size_t)r_i64(r, row, 6);
        v[i].closed_session = (size_t)r_i64(r, row, 7);
        v[i].kind = PR_GAP_MISSING;
    }
    PQclear(r);
    *out = v;
    *n = m;
    return PR_OK;
}

/* Hands the rows of a result (one, in single-row mode) to a reader. */
typedef int (*page_fn)(const PGresult *r, int rows, void *ctx, pr_err *err);

/* Runs prepared statement `id` as one query whose rows come back one at a
 * time (libpq's single-row mode), each handed to `emit`. One statement is
 * one consistent snapshot, so no transaction is needed around it, and the
 * client holds one row at a time: a PGresult of a whole page of chunks is
 * megabytes of fresh memory per page (faulted in and zeroed, then handed
 * back to the system), which was most of a 1M-bar read's time. After an
 * error the rest of the rows are drained so the connection stays usable. */
static int pg_stream(pg_store *s, int id, const pgp *p, page_fn emit, void *ctx, const char *what, pr_err *err) {
    if (pg_prepare(s, id, what, err) != PR_OK) return PR_EDB;
    char name[16];
    snprintf(name, sizeof name, "pr_%d", id);
    if (!PQsendQueryPrepared(s->conn, name, p->n, p->val, p->len, p->fmt, 1)) {
        pg_fail(s, NULL, what, err);
        return PR_EDB;
    }
    PQsetSingleRowMode(s->conn);   /* when refused, rows come in one result: emit handles both */
    int rc = PR_OK;
    PGresult *r;
    while ((r = PQgetResult(s->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (rc == PR_OK) {
            if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) rc = emit(r, PQntuples(r), ctx, err);
            else rc = pg_ok(s, r, PGRES_TUPLES_OK, what, err), r = NULL;
        }
        PQclear(r);
    }
    return rc;
}

/* ---- candles: chunk primitives (store_bars.c does the rest) ---------------- */
typedef struct chunk_emit {
    pr_store_chunk_fn fn;
    void *user;
} chunk_emit;

static int emit_chunks(const PGresult *r, int rows, void *ctx, pr_err *err) {
    chunk_emit *e = ctx;
    for (int i = 0; i < rows; i++) {
        pr_store_chunk c = {r_i64(r, i, 1), r_i64(r, i, 0), (size_t)r_i64(r, i, 2), NULL, 0};
        if (!PQgetisnull(r, i, 3)) {
            c.data = (const unsigned char *)PQgetvalue(r, i, 3);
            c.len = (size_t)PQgetlength(r, i, 3);
        }
        int rc = e->fn(e->user, &c, err);
        if (rc != PR_OK) return rc;
    }
    return PR_OK;
}


static int pg_chunks_scan(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, int data,
                          pr_store_chunk_fn fn, void *user, pr_err *err) {
    chunk_emit e = {fn, user};
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, lo);
    p_i64(&p, hi);
    p_i64(&p, INT64_MAX);   /* no LIMIT: one statement, streamed */
    int rc = pg_stream(PG(st), data ? P_CH_SCAN : P_CH_HEADS, &p, emit_chunks, &e, "select candles", err);
    return rc < 0 ? rc : PR_OK;
}

static int pg_chunk_prev(pr_store *st, const pr_store_key *k, int64_t ts, pr_store_chunk_fn fn,
                         void *user, pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, ts);
    PGresult *r = pg_run(PG(st), P_CH_PREV, &p, PGRES_TUPLES_OK, "select candles", err);
    if (!r) return PR_EDB;
    chunk_emit e = {fn, user};
    int rc = emit_chunks(r, PQntuples(r), &e, err);
    PQclear(r);
    return rc < 0 ? rc : PR_OK;
}

static int pg_chunk_put(pr_store *st, const pr_store_key *k, const pr_store_chunk *c,
                        pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, c->first_ts);
    p_i64(&p, c->last_ts);
    p_i64(&p, (int64_t)c->n);
    p_bin(&p, c->data, c->len);
    PGresult *r = pg_run(PG(st), P_CH_PUT, &p, PGRES_COMMAND_OK, "insert candles", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

static int pg_chunk_delete(pr_store *st, const pr_store_key *k, int64_t first_ts, pr_err *err) {
    pgp p = {.n = 0};
    p_key(&p, k);
    p_i64(&p, first_ts);
    PGresult *r = pg_run(PG(st), P_CH_DEL, &p, PGRES_COMMAND_OK, "update candles", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

/* Hands the old table's rows over one at a time, fetched through a cursor
 * (the migration runs in a transaction). */
static int pg_legacy_scan(pr_store *st, pr_store_legacy_fn fn, void *user, pr_err *err) {
    pg_store *s = PG(st);
    int rc = pg_exec(st, "DECLARE pr_migrate CURSOR FOR SELECT venue, symbol, timeframe, ts,"
                         " open, high, low, close, volume FROM candles_v3"
                         " ORDER BY venue, symbol, timeframe, ts", "migrate candles", err);
    char key[3][PR_SYMBOL_MAX];
    pr_store_key k = {key[0], key[1], key[2]};
    for (int rows = 1; rc == PR_OK && rows > 0;) {
        PGresult *r = PQexecParams(s->conn, "FETCH 65536 FROM pr_migrate", 0, NULL, NULL, NULL,
                                   NULL, 1);
        if (pg_ok(s, r, PGRES_TUPLES_OK, "migrate candles", err) != PR_OK) return PR_EDB;
        rows = PQntuples(r);
        for (int i = 0; rc == PR_OK && i < rows; i++) {
            for (int c = 0; c < 3; c++) r_text(r, i, c, key[c], sizeof key[c]);
            double v[5];
            for (int c = 0; c < 5; c++) v[c] = r_f64(r, i, 4 + c);
            rc = fn(user, &k, r_i64(r, i, 3), v, err);
        }
        PQclear(r);
    }
    if (rc == PR_OK) rc = pg_exec(st, "CLOSE pr_migrate", "migrate candles", err);
    return rc;
}

static int pg_list_datasets(pr_store *st, pr_store_dataset_row **out, size_t *n, pr_err *err) {
    PGresult *r = pg_run(PG(st), P_DS_LIST, NULL, PGRES_TUPLES_OK, "select datasets", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_store_dataset_row *v = m ? calloc(m, sizeof *v) : NULL;
    if (m && !v) {
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing datasets");
    }
    for (size_t i = 0; i < m; i++) {
        int row = (int)i;
        r_text(r, row, 0, v[i].info.venue, sizeof v[i].info.venue);
        r_text(r, row, 1, v[i].info.symbol, sizeof v[i].info.symbol);
        r_text(r, row, 2, v[i].tf_name, sizeof v[i].tf_name);
        v[i].info.count = (size_t)r_i64(r, row, 3);
        v[i].info.first_ts = r_i64(r, row, 4);
        v[i].info.last_ts = r_i64(r, row, 5);
        v[i].info.updated_at = r_i64(r, row, 6);
        if (!PQgetisnull(r, row, 7)) r_text(r, row, 7, v[i].asset_class, sizeof v[i].asset_class);
        v[i].sat = (size_t)r_i64(r, row, 8);
        v[i].sun = (size_t)r_i64(r, row, 9);
        v[i].info.gaps = (size_t)r_i64(r, row, 10);
        v[i].info.missing_bars = (size_t)r_i64(r, row, 11);
        r_text(r, row, 12, v[i].calendar, sizeof v[i].calendar);
    }
    PQclear(r);
    *out = v;
    *n = m;
    return PR_OK;
}

static int pg_delete_dataset(pr_store *st, const pr_store_key *k, size_t *deleted, pr_err *err) {
    pg_store *s = PG(st);
    pgp p = {.n = 0};
    p_key(&p, k);
    PGresult *r = pg_run(s, P_CH_COUNT, &p, PGRES_TUPLES_OK, "delete candles", err);
    if (!r) return PR_EDB;
    *deleted = PQntuples(r) ? (size_t)r_i64(r, 0, 0) : 0;
    PQclear(r);
    r = pg_run(s, P_DEL_CANDLES, &p, PGRES_COMMAND_OK, "delete candles", err);
    if (!r) return PR_EDB;
    PQclear(r);
    r = pg_run(s, P_DEL_DS, &p, PGRES_COMMAND_OK, "delete dataset", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

/* ---- instruments ------------------------------------------------------------ */
static int pg_put_instrument(pr_store *st, const pr_instrument *in, const char *cls,
                             int64_t now, pr_err *err) {
    pgp p = {.n = 0};
    p_text(&p, in->venue);
    p_text(&p, in->symbol);
    p_text(&p, cls);
    p_text(&p, in->base);
    p_text(&p, in->quote);
    p_f64(&p, in->tick_size);
    p_f64(&p, in->lot_step);
    p_f64(&p, in->min_qty);
    p_f64(&p, in->min_notional);
    p_f64(&p, in->pip_size);
    p_f64(&p, in->contract_multiplier);
    p_i64(&p, now);
    PGresult *r = pg_run(PG(st), P_INSTR_PUT, &p, PGRES_COMMAND_OK, "upsert instrument", err);
    if (!r) return PR_EDB;
    PQclear(r);
    return PR_OK;
}

static int pg_get_instruments(pr_store *st, const char *venue, const char *symbol,
                              pr_instrument **out, char (**cls)[16], size_t *n, pr_err *err) {
    pgp p = {.n = 0};
    p_text(&p, venue);
    p_text(&p, symbol);
    PGresult *r = pg_run(PG(st), P_INSTR_GET, &p, PGRES_TUPLES_OK, "select instruments", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_instrument *v = m ? calloc(m, sizeof *v) : NULL;
    char (*c)[16] = m ? calloc(m, sizeof *c) : NULL;
    if (m && (!v || !c)) {
        free(v);
        free(c);
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing instruments");
    }
    for (size_t i = 0; i < m; i++) {
        int row = (int)i;
        r_text(r, row, 0, v[i].venue, sizeof v[i].venue);
        r_text(r, row, 1, v[i].symbol, sizeof v[i].symbol);
        r_text(r, row, 2, c[i], sizeof c[i]);
        r_text(r, row, 3, v[i].base, sizeof v[i].base);
        r_text(r, row, 4, v[i].quote, sizeof v[i].quote);
        v[i].tick_size = r_f64(r, row, 5);
        v[i].lot_step = r_f64(r, row, 6);
        v[i].min_qty = r_f64(r, row, 7);
        v[i].min_notional = r_f64(r, row, 8);
        v[i].pip_size = r_f64(r, row, 9);
        v[i].contract_multiplier = r_f64(r, row, 10);
    }
    PQclear(r);
    *out = v;
    *cls = c;
    *n = m;
    return PR_OK;
}

/* ---- funding rates ---------------------------------------------------------- */
static int pg_put_funding(pr_store *st, const char *venue, const char *symbol, const int64_t *ts,
                          const double *rate, size_t n, size_t *inserted, size_t *updated,
                          pr_err *err) {
    pg_store *s = PG(st);
    size_t chunk = n < PG_CHUNK ? n : PG_CHUNK;
    unsigned char *buf = malloc(2 * ARR_BYTES(chunk));
    if (!buf) return pr_err_set(err, PR_ENOMEM, "store: out of memory for funding rates");
    int rc = PR_OK;
    for (size_t i = 0; rc == PR_OK && i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        const size_t sz = ARR_BYTES(m);
        arr_i64(buf, ts + i, NULL, m);
        arr_f64(buf + sz, rate + i, NULL, m);
        pgp p = {.n = 0};
        p_text(&p, venue);
        p_text(&p, symbol);
        p_bin(&p, buf, sz);
        p_bin(&p, buf + sz, sz);
        PGresult *r = pg_run(s, P_FUND_INS, &p, PGRES_COMMAND_OK, "insert funding rates", err);
        if (!r) {
            rc = PR_EDB;
            break;
        }
        size_t ins = cmd_tuples(r);
        PQclear(r);
        *inserted += ins;
        if (ins < m) {
            r = pg_run(s, P_FUND_UPD, &p, PGRES_COMMAND_OK, "update funding rates", err);
            if (!r) {
                rc = PR_EDB;
                break;
            }
            *updated += cmd_tuples(r);
            PQclear(r);
        }
    }
    free(buf);
    return rc;
}

static int pg_get_funding(pr_store *st, const char *venue, const char *symbol, int64_t lo,
                          int64_t hi, pr_funding_rate **out, size_t *n, pr_err *err) {
    pgp p = {.n = 0};
    p_text(&p, venue);
    p_text(&p, symbol);
    p_i64(&p, lo);
    p_i64(&p, hi);
    PGresult *r = pg_run(PG(st), P_FUND_GET, &p, PGRES_TUPLES_OK, "select funding rates", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_funding_rate *v = m ? malloc(m * sizeof *v) : NULL;
    if (m && !v) {
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory for funding rates");
    }
    for (size_t i = 0; i < m; i++) {
        v[i].ts = r_i64(r, (int)i, 0);
        v[i].rate = r_f64(r, (int)i, 1);
    }
    PQclear(r);
    *out = v;
    *n = m;
    return PR_OK;
}

static int pg_list_funding(pr_store *st, pr_funding_info **out, size_t *n, pr_err *err) {
    PGresult *r = pg_run(PG(st), P_FUND_LIST, NULL, PGRES_TUPLES_OK, "list funding rates", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_funding_info *v = m ? calloc(m, sizeof *v) : NULL;
    if (m && !v) {
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing funding rates");
    }
    for (size_t i = 0; i < m; i++) {
        int row = (int)i;
        r_text(r, row, 0, v[i].venue, sizeof v[i].venue);
        r_text(r, row, 1, v[i].symbol, sizeof v[i].symbol);
        v[i].count = (size_t)r_i64(r, row, 2);
        v[i].first_ts = r_i64(r, row, 3);
        v[i].last_ts = r_i64(r, row, 4);
    }
    PQclear(r);
    *out = v;
    *n = m;
    return PR_OK;
}

/* ---- import log ------------------------------------------------------------- */
static int pg_log_import(pr_store *st, const pr_import_record *rec, const char *tf, int64_t at,
                         int64_t *id, pr_err *err) {
    pgp p = {.n = 0};
    p_text(&p, rec->venue);
    p_text(&p, rec->symbol);
    p_text(&p, tf);
    p_text(&p, rec->file);
    p_text(&p, rec->format);
    p_text(&p, rec->status);
    p_i64(&p, at);
    p_i64(&p, rec->rows_read);
    p_i64(&p, rec->rows_stored);
    p_i64(&p, rec->rows_skipped);
    p_i64(&p, rec->rows_repaired);
    p_i64(&p, rec->rows_inserted);
    p_i64(&p, rec->rows_updated);
    p_text(&p, rec->defects_json);
    PGresult *r = pg_run(PG(st), P_LOG_PUT, &p, PGRES_TUPLES_OK, "insert import_log", err);
    if (!r) return PR_EDB;
    *id = r_i64(r, 0, 0);
    PQclear(r);
    return PR_OK;
}

static int pg_list_imports(pr_store *st, const char *venue, const char *symbol,
                           pr_import_record **out, char (**tfs)[8], size_t *n, pr_err *err) {
    pgp p = {.n = 0};
    p_text(&p, venue);
    p_text(&p, symbol);
    PGresult *r = pg_run(PG(st), P_LOG_LIST, &p, PGRES_TUPLES_OK, "select import_log", err);
    if (!r) return PR_EDB;
    size_t m = (size_t)PQntuples(r);
    pr_import_record *v = m ? calloc(m, sizeof *v) : NULL;
    char (*t)[8] = m ? calloc(m, sizeof *t) : NULL;
    if (m && (!v || !t)) {
        free(v);
        free(t);
        PQclear(r);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory listing imports");
    }
    for (size_t i = 0; i < m; i++) {
        int row = (int)i;
        pr_import_record *x = &v[i];
        x->id = r_i64(r, row, 0);
        r_text(r, row, 1, x->venue, sizeof x->venue);
        r_text(r, row, 2, x->symbol, sizeof x->symbol);
        r_text(r, row, 3, t[i], sizeof t[i]);
        r_text(r, row, 4, x->file, sizeof x->file);
        r_text(r, row, 5, x->format, sizeof x->format);
        r_text(r, row, 6, x->status, sizeof x->status);
        x->imported_at = r_i64(r, row, 7);
        x->rows_read = r_i64(r, row, 8);
        x->rows_stored = r_i64(r, row, 9);
        x->rows_skipped = r_i64(r, row, 10);
        x->rows_repaired = r_i64(r, row, 11);
        x->rows_inserted = r_i64(r, row, 12);
        x->rows_updated = r_i64(r, row, 13);
        if (!PQgetisnull(r, row, 14)) {
            size_t len = (size_t)PQgetlength(r, row, 14);
            char *d = malloc(len + 1);
            if (!d) {
                PQclear(r);
                pr_store_imports_free(v, m);
                free(t);
                return pr_err_set(err, PR_ENOMEM, "store: out of memory listing imports");
            }
            memcpy(d, PQgetvalue(r, row, 14), len);
            d[len] = '\0';
            x->defects_json = d;
        }
    }
    PQclear(r);
    *out = v;
    *tfs = t;
    *n = m;
    return PR_OK;
}

/* ---- open ------------------------------------------------------------------- */
/* ---- large reads over two connections ---------------------------------------- */
/* A read of at least this many bars goes over two connections at once. */
#define PG_SPLIT_MIN 262144

typedef struct heads_list {
    pr_store_chunk *v;
    size_t n, cap;
} heads_list;

static int heads_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    heads_list *h = user;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 256;
        pr_store_chunk *v = realloc(h->v, cap * sizeof *v);
        if (!v) return pr_err_set(err, PR_ENOMEM, "store: out of memory");
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (pr_store_chunk){c->first_ts, c->last_ts, c->n, NULL, 0};
    return PR_OK;
}

/* The second connection, opened once (NULL when it cannot be: then reads
 * keep to one, without a word, since nothing is lost but time). */
static pg_store *pg_twin(pg_store *s) {
    if (!s->twin && !s->no_twin) {
        pr_store *t = NULL;
        pr_err e;
        pr_err_clear(&e);
        if (s->conninfo && pr_store_pg_open(s->conninfo, &t, &e) == PR_OK) s->twin = PG(t);
        else s->no_twin = 1;
    }
    return s->twin;
}

/* A read of many bars through a Unix socket: the server's work (fetching
 * ~25 TOAST pieces of each chunk) and the transfer run on two connections
 * at once, each reading half the chunks, both in one snapshot (the first
 * exports it, the second sets it), so the halves join into what one read
 * would give. Measured with bench_data_store, 1M bars, on 2 cores: through
 * the socket median 29 ms against 37-46 on one connection; over TCP
 * loopback no better than one connection (55 ms) and twice the client CPU
 * (the two servers' and two readers' TCP work on two cores), so TCP keeps
 * one. Inside a caller's transaction, and for fewer bars, one connection. */
static int pg_get_bars(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, pr_series *out,
                       pr_err *err) {
    pg_store *s = PG(st);
    const char *host = PQhost(s->conn);
    if (s->no_twin || !host || host[0] != '/' || PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        return pr_store_chunks_get(st, k, lo, hi, out, err);
    int rc = pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "read candles", err);
    if (rc != PR_OK) return rc;
    heads_list h = {0};
    size_t total = 0;
    rc = pg_chunks_scan(st, k, lo, hi, 0, heads_cb, &h, err);
    for (size_t i = 0; rc == PR_OK && i < h.n; i++) total += h.v[i].n;
    pg_store *t = NULL;
    char snap[128] = "";
    if (rc == PR_OK && total >= PG_SPLIT_MIN) {
        PGresult *r = PQexec(s->conn, "SELECT pg_export_snapshot()");
        if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetlength(r, 0, 0) < 100)
            snprintf(snap, sizeof snap, "SET TRANSACTION SNAPSHOT '%s'", PQgetvalue(r, 0, 0));
        PQclear(r);
        if (snap[0] && (t = pg_twin(s)) != NULL) {
            pr_err e;
            pr_err_clear(&e);
            if (pg_exec(&t->base, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "read candles", &e) != PR_OK)
                t = NULL;
            else if (pg_exec(&t->base, snap, "read candles", &e) != PR_OK) {
                pg_exec(&t->base, "ROLLBACK", "read candles", &e);
                t = NULL;
            }
        }
    }
    if (rc == PR_OK)
        rc = t ? pr_store_chunks_get_split(st, &t->base, k, lo, hi, h.v, h.n, out, err)
               : pr_store_chunks_get(st, k, lo, hi, out, err);
    free(h.v);
    pr_err e;
    pr_err_clear(&e);
    if (t) pg_exec(&t->base, "COMMIT", "read candles", &e);
    pr_err_clear(&e);
    int end = pg_exec(st, rc == PR_OK ? "COMMIT" : "ROLLBACK", "read candles", rc == PR_OK ? err : &e);
    return rc != PR_OK ? rc : end;
}

static const pr_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .exec = pg_exec,
    .query_int = pg_query_int,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .migrations = pr_store_pg_migrations,
    /* Concurrent openers of a fresh database wait here instead of racing
     * to create the same tables. */
    .migration_lock_sql = "SELECT pg_advisory_xact_lock(7287010010)",
    .version_table_exists_sql =
        "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END",
    .put_bars = pr_store_chunks_put,
    .chunks_scan = pg_chunks_scan,
    .chunk_prev = pg_chunk_prev,
    .chunk_put = pg_chunk_put,
    .chunk_delete = pg_chunk_delete,
    .legacy_scan = pg_legacy_scan,
    .lock_dataset = pg_lock_dataset,
    .put_summary = pg_put_summary,
    .ts_adjacent = pr_store_chunks_adjacent,
    .gaps_delete = pg_gaps_delete,
    .gaps_put = pg_gaps_put,
    .gaps_get = pg_gaps_get,
    .get_bars = pg_get_bars,
    .get_ts = pr_store_chunks_ts,
    .list_datasets = pg_list_datasets,
    .delete_dataset = pg_delete_dataset,
    .put_instrument = pg_put_instrument,
    .get_instruments = pg_get_instruments,
    .put_funding = pg_put_funding,
    .get_funding = pg_get_funding,
    .list_funding = pg_list_funding,
    .log_import = pg_log_import,
    .list_imports = pg_list_imports,
};

static void silent_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/* Sets *safe to the URL with the password of its user part (up to the last
 * '@' of the authority) replaced: libpq's parse messages quote the offending
 * token or the whole URL, and the password must not reach an error message.
 * Returns 0 when the URL has no password, 1 with *safe set, -1 out of memory. */
static int url_without_password(const char *url, char **safe) {
    *safe = NULL;
    const char *auth = strstr(url, "://");
    if (!auth) return 0;
    auth += 3;
    const char *end = auth + strcspn(auth, "?#");
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@') at = p;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) return 0;
    static const char mark[] = "REDACTED";
    size_t head = (size_t)(colon + 1 - url), tail = strlen(at);
    char *r = malloc(head + sizeof mark - 1 + tail + 1);
    if (!r) return -1;
    memcpy(r, url, head);
    memcpy(r + head, mark, sizeof mark - 1);
    memcpy(r + head + sizeof mark - 1, at, tail + 1);
    *safe = r;
    return 1;
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* 1 when the percent-encoded raw[0..n) decodes to exactly dec. */
static int same_decoded(const char *raw, size_t n, const char *dec) {
    size_t i = 0;
    for (; i < n; dec++) {
        int c = (unsigned char)raw[i];
        if (c == '%') {
            if (i + 2 >= n) return 0;
            int hi = hexval(raw[i + 1]), lo = hexval(raw[i + 2]);
            if (hi < 0 || lo < 0) return 0;
            c = hi * 16 + lo;
            i += 3;
        } else {
            i++;
        }
        if (*dec == '\0' || (unsigned char)*dec != c) return 0;
    }
    return *dec == '\0';
}

int pr_store_pg_open(const char *conninfo, pr_store **out, pr_err *err) {
    *out = NULL;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (!opts) {
        char *safe;
        int has_pw = url_without_password(conninfo, &safe);
        if (has_pw < 0) {
            PQfreemem(perr);
            return pr_err_set(err, PR_EINVAL, "store: malformed PostgreSQL URL");
        }
        if (has_pw) {
            /* Describe the URL as it is without its password. */
            PQfreemem(perr);
            perr = NULL;
            PQconninfoOption *o2 = PQconninfoParse(safe, &perr);
            free(safe);
            if (o2) {
                PQconninfoFree(o2);
                return pr_err_set(err, PR_EINVAL,
                                  "store: malformed PostgreSQL URL: bad user or password part "
                                  "(percent-encode '%%', '@', '/', ':' in a password)");
            }
            if (!perr) return pr_err_set(err, PR_EINVAL, "store: malformed PostgreSQL URL");
        }
        pr_err_set(err, PR_EINVAL, "store: malformed PostgreSQL URL: %s",
                   perr ? perr : "out of memory");
        /* libpq's message may end in a newline. */
        if (err) {
            size_t l = strlen(err->msg);
            while (l > 0 && (err->msg[l - 1] == '\n' || err->msg[l - 1] == ' ')) err->msg[--l] = 0;
        }
        PQfreemem(perr);
        return PR_EINVAL;
    }
    /* A password with an unencoded '/' or '@' makes libpq read part of it
     * as the host or port, which connection errors then quote: refuse a URL
     * whose password libpq reads differently. */
    char *safe;
    int has_pw = url_without_password(conninfo, &safe);
    free(safe);
    if (has_pw) {
        const char *auth = strstr(conninfo, "://") + 3, *end = auth + strcspn(auth, "?#"), *at = NULL;
        for (const char *p = auth; p < end; p++)
            if (*p == '@') at = p;
        const char *pw = (const char *)memchr(auth, ':', (size_t)(at - auth)) + 1;
        const char *parsed = NULL;
        for (PQconninfoOption *o = opts; o->keyword; o++)
            if (strcmp(o->keyword, "password") == 0) parsed = o->val;
        if (has_pw < 0 || !parsed || !same_decoded(pw, (size_t)(at - pw), parsed)) {
            PQconninfoFree(opts);
            return pr_err_set(err, PR_EINVAL,
                              "store: malformed PostgreSQL URL: bad user or password part "
                              "(percent-encode '%%', '@', '/', ':' in a password)");
        }
    }
    PQconninfoFree(opts);

    pg_store *s = calloc(1, sizeof *s);
    if (!s) return pr_err_set(err, PR_ENOMEM, "store: out of memory");
    s->base.ops = &pg_ops;
    s->base.kind = PR_STORE_POSTGRES;
    /* dbname (the URL) comes last so its own settings win. */
    const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *const vals[] = {"10", "proratio", conninfo, NULL};
    s->conn = PQconnectdbParams(keys, vals, 1);
    s->base.native = s->conn;
    if (!s->conn) {
        free(s);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory connecting to PostgreSQL");
    }
    const char *host = PQhost(s->conn), *port = PQport(s->conn);
    snprintf(s->where, sizeof s->where, "%s:%s", host && *host ? host : "localhost",
             port && *port ? port : "5432");
    if (PQstatus(s->conn) != CONNECTION_OK) {
        pr_store_db_err(err, "08001", "connect", "cannot connect to PostgreSQL at %s: %s",
                        s->where, PQerrorMessage(s->conn));
        pg_close(&s->base);
        return PR_EDB;
    }
    PQsetNoticeProcessor(s->conn, silent_notice, NULL);
    if (PQserverVersion(s->conn) < 90500) {
        pr_err_set(err, PR_EUNSUPPORTED,
                   "store: PostgreSQL at %s is version %d; 9.5 or newer is required", s->where,
                   PQserverVersion(s->conn));
        pg_close(&s->base);
        return PR_EUNSUPPORTED;
    }
    const char *user = PQuser(s->conn), *db = PQdb(s->conn);
    snprintf(s->base.desc, sizeof s->base.desc, "postgresql://%s@%s/%s", user ? user : "",
             s->where, db ? db : "");
    if (!(s->conninfo = strdup(conninfo))) s->no_twin = 1;
    *out = &s->base;
    return PR_OK;
}
