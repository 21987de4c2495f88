/* Private contract between the store front end (store.c: URL dispatch,
 * argument checks, transactions, sorting) and its backends (store_sqlite.c,
 * store_pg.c), plus the migration runner (store_schema.c) and test hooks.
 * Backends receive validated input: non-empty venue/symbol, a valid
 * timeframe name, finite values, strictly increasing unique ts. */
#ifndef PR_DATA_STORE_INTERNAL_H
#define PR_DATA_STORE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "proratio/data/store.h"

/* The dataset key as backends see it (tf already turned into its name). */
typedef struct pr_store_key {
    const char *venue;
    const char *symbol;
    const char *tf;
} pr_store_key;

/* Column arrays of n bars (ts strictly increasing). */
typedef struct pr_store_bars {
    const int64_t *ts;
    const double *open, *high, *low, *close, *volume;
    size_t n;
} pr_store_bars;

/* Dataset row as a backend returns it; asset_class is the stored text. */
typedef struct pr_store_dataset_row {
    pr_dataset_info info;
    char tf_name[8];
    char asset_class[16];
    char calendar[16];     /* the summary's calendar; "" = not built yet   */
    size_t sat, sun;       /* bars opening on Saturdays / Sundays (UTC)    */
} pr_store_dataset_row;

/* A dataset's summary as the datasets table keeps it (store_summary.c). */
typedef struct pr_store_summary {
    size_t count, sat, sun, gaps, missing;
    int64_t first_ts, last_ts;
    pr_calendar calendar;  /* PR_CAL_AUTO = not built                       */
} pr_store_summary;

/* ---- bars stored in chunks (store_chunk.c codec, store_bars.c logic) ----
 * A dataset's bars live in chunks: one row per block of up to
 * PR_CHUNK_MAX consecutive bars, keyed by (venue, symbol, timeframe,
 * first_ts), holding last_ts, the bar count n and the bars as column arrays
 * (pr_chunk_encode). Chunks of one dataset never overlap. */
#define PR_CHUNK_MAX 1024

/* One stored chunk; data is NULL when only its head was asked for. */
typedef struct pr_store_chunk {
    int64_t first_ts, last_ts;
    size_t n;
    const unsigned char *data;
    size_t len;
} pr_store_chunk;

/* Called for each chunk of a scan: PR_OK to go on, 1 to stop, < 0 to fail. */
typedef int (*pr_store_chunk_fn)(void *user, const pr_store_chunk *c, pr_err *err);

/* The codec (store_chunk.c: version 1 with every column, version 2 for
 * evenly spaced bars without the stamps): the most bytes n bars take, and
 * bars [from, from + n) of b encoded into out, giving its length. */
size_t pr_chunk_size_max(size_t n);
size_t pr_chunk_encode(const pr_store_bars *b, size_t from, size_t n, unsigned char *out);
/* Checks c->data against its head (PR_EDB naming the chunk otherwise). */
int pr_chunk_check(const pr_store_key *k, const pr_store_chunk *c, pr_err *err);
/* Copies bars [from, from + m) of a checked chunk into the arrays (any may
 * be NULL but ts). */
void pr_chunk_decode(const pr_store_chunk *c, size_t from, size_t m, int64_t *ts, double *open,
                     double *high, double *low, double *close, double *volume);

/* The bar operations of both backends, on their chunk primitives. */
int pr_store_chunks_put(pr_store *st, const pr_store_key *k, const pr_store_bars *b,
                        const pr_store_put_opts *o, pr_store_counts *c, pr_err *err);
int pr_store_chunks_get(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi,
                        pr_series *out, pr_err *err);
/* pr_store_chunks_get with the chunks read in two halves at once: the
 * first through st, the second through `other` (another connection to the
 * same database that sees the same snapshot) on a thread of its own. heads
 * (n_heads of them, in key order: pr_store_chunk with data NULL) are the
 * chunks the range reaches, listed by the caller in that snapshot. */
int pr_store_chunks_get_split(pr_store *st, pr_store *other, const pr_store_key *k, int64_t lo, int64_t hi,
                              const pr_store_chunk *heads, size_t n_heads, pr_series *out, pr_err *err);
int pr_store_chunks_ts(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi,
                       int64_t **out, size_t *n, pr_err *err);
int pr_store_chunks_adjacent(pr_store *st, const pr_store_key *k, int64_t ts, int after,
                             int64_t *out, int *found, pr_err *err);
/* Migration 4: every row of the old per-bar table (read by the backend's
 * legacy_scan) written as chunks. */
typedef int (*pr_store_legacy_fn)(void *user, const pr_store_key *k, int64_t ts,
                                  const double v[5], pr_err *err);
int pr_store_chunks_convert(pr_store *st, pr_err *err);

typedef struct pr_store_ops {
    const char *name;
    void (*close)(pr_store *st);
    /* Runs SQL without results (several statements allowed). `what` names
     * the operation in error messages. */
    int (*exec)(pr_store *st, const char *sql, const char *what, pr_err *err);
    /* First column of the first row as an integer; *found = 0 when no row
     * or NULL. */
    int (*query_int)(pr_store *st, const char *sql, int64_t *out, int *found, pr_err *err);
    int (*begin)(pr_store *st, pr_err *err);
    int (*commit)(pr_store *st, pr_err *err);
    int (*rollback)(pr_store *st, pr_err *err);
    /* Migrations: ordered SQL, index i = version i + 1; a statement run after
     * begin to serialise concurrent migrators (or NULL); a query giving 1
     * when the schema_version table exists. */
    const char *const *(*migrations)(size_t *n);
    const char *migration_lock_sql;
    const char *version_table_exists_sql;

    /* Inserts new keys; an existing key whose values differ goes through
     * pr_store_resolve. Adds to c->inserted, updated, kept and changed. */
    int (*put_bars)(pr_store *st, const pr_store_key *k, const pr_store_bars *b,
                    const pr_store_put_opts *o, pr_store_counts *c, pr_err *err);
    /* Chunk primitives (see pr_store_chunk): the chunks whose bars reach
     * into [lo, hi] (last_ts >= lo, first_ts <= hi) by first_ts, with their
     * data or heads only; the chunk with the greatest first_ts < ts; insert
     * one (its key is free); delete one by key. */
    int (*chunks_scan)(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, int data,
                       pr_store_chunk_fn fn, void *user, pr_err *err);
    int (*chunk_prev)(pr_store *st, const pr_store_key *k, int64_t ts, pr_store_chunk_fn fn,
                      void *user, pr_err *err);
    int (*chunk_put)(pr_store *st, const pr_store_key *k, const pr_store_chunk *c, pr_err *err);
    int (*chunk_delete)(pr_store *st, const pr_store_key *k, int64_t first_ts, pr_err *err);
    /* Migration 4 only: the rows of the old per-bar table (candles_v3) by
     * dataset and ts, one at a time (store_bars.c groups them into chunks). */
    int (*legacy_scan)(pr_store *st, pr_store_legacy_fn fn, void *user, pr_err *err);
    /* Serialises writers of one dataset to the end of the transaction
     * (SQLite's BEGIN IMMEDIATE already serialises all writers: NULL). */
    int (*lock_dataset)(pr_store *st, const pr_store_key *k, pr_err *err);
    /* Writes a dataset's summary row (inserted or replaced); `cal` is the
     * calendar's name. */
    int (*put_summary)(pr_store *st, const pr_store_key *k, const pr_store_summary *s,
                       const char *cal, int64_t now, pr_err *err);
    /* The stored ts nearest to `ts`: the greatest below it (after = 0) or
     * the least above it (after = 1); *found = 0 when there is none. */
    int (*ts_adjacent)(pr_store *st, const pr_store_key *k, int64_t ts, int after,
                       int64_t *out, int *found, pr_err *err);
    /* The dataset's stored gaps (those with missing bars): deletes those
     * with lo < from < hi, adds n, lists all by from. */
    int (*gaps_delete)(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, pr_err *err);
    int (*gaps_put)(pr_store *st, const pr_store_key *k, const pr_gap *g, size_t n, pr_err *err);
    int (*gaps_get)(pr_store *st, const pr_store_key *k, pr_gap **out, size_t *n, pr_err *err);
    /* lo <= ts <= hi (both inclusive). */
    int (*get_bars)(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, pr_series *out,
                    pr_err *err);
    int (*get_ts)(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi, int64_t **out,
                  size_t *n, pr_err *err);
    /* All datasets, any order. */
    int (*list_datasets)(pr_store *st, pr_store_dataset_row **out, size_t *n, pr_err *err);
    int (*delete_dataset)(pr_store *st, const pr_store_key *k, size_t *deleted, pr_err *err);
    int (*put_instrument)(pr_store *st, const pr_instrument *in, const char *asset_class,
                          int64_t now, pr_err *err);
    /* venue / symbol NULL = any; asset_class text is written to cls[i]. */
    int (*get_instruments)(pr_store *st, const char *venue, const char *symbol,
                           pr_instrument **out, char (**cls)[16], size_t *n, pr_err *err);
    int (*put_funding)(pr_store *st, const char *venue, const char *symbol, const int64_t *ts,
                       const double *rate, size_t n, size_t *inserted, size_t *updated,
                       pr_err *err);
    int (*get_funding)(pr_store *st, const char *venue, const char *symbol, int64_t lo,
                       int64_t hi, pr_funding_rate **out, size_t *n, pr_err *err);
    /* All funding series, any order. */
    int (*list_funding)(pr_store *st, pr_funding_info **out, size_t *n, pr_err *err);
    int (*log_import)(pr_store *st, const pr_import_record *rec, const char *tf_name,
                      int64_t imported_at, int64_t *id, pr_err *err);
    /* Records in id order; the tf of each is parsed from tf_names[i]. */
    int (*list_imports)(pr_store *st, const char *venue, const char *symbol,
                        pr_import_record **out, char (**tf_names)[8], size_t *n, pr_err *err);
} pr_store_ops;

/* Every backend object starts with this. */
struct pr_store {
    const pr_store_ops *ops;
    pr_store_backend kind;
    int in_tx;             /* a user transaction is open                  */
    int doomed;            /* ... and an operation inside it failed       */
    char doom_msg[200];
    char desc[320];        /* pr_store_describe                           */
    /* The backend's connection (sqlite3 * or PGconn *), for store_*.c files
     * that add tables of their own (store_llm.c); set by the backend's open. */
    void *native;
};

/* A failed SQLite call / PostgreSQL result as pr_store_db_err (store_llm.c;
 * pg_fail clears res), for the store_*.c files with tables of their own. */
int pr_store_sq_fail(void *db, int rc, const char *what, pr_err *err);
int pr_store_pg_fail(void *conn, void *res, const char *what, pr_err *err);
/* A connected store outside a failed transaction and a session name of 1
 * to PR_PAPER_SESSION_MAX - 1 characters (messages name the table). */
int pr_store_session_check(pr_store *st, const char *table, const char *session, pr_err *err);
/* One statement with text parameters p[0..n) for the small keyed tables
 * (store_params.c; paper_state, paper_run, risk_state): sq with ?1.. (SQLite),
 * pg with $1.. (PostgreSQL, integers cast there); a failure inside a user
 * transaction dooms it. */
int pr_store_exec_params(pr_store *st, const char *sq, const char *pg, const char *const *p, int n, const char *what,
                         pr_err *err);
/* A SELECT with text parameters (as pr_store_exec_params): each row's
 * columns to `row` as text (NULL for SQL NULL; at most 12). */
typedef int (*pr_store_row_fn)(void *user, const char *const *col, int n, pr_err *err);
int pr_store_query_params(pr_store *st, const char *sq, const char *pg, const char *const *p, int np, const char *what,
                          pr_store_row_fn row, void *user, pr_err *err);

/* Backend constructors (no migration yet). */
int pr_store_sqlite_open(const char *path, const pr_store_options *o, pr_store **out,
                         pr_err *err);
int pr_store_pg_open(const char *conninfo, pr_store **out, pr_err *err);

/* The migration lists (store_schema.c). */
const char *const *pr_store_sqlite_migrations(size_t *n);
const char *const *pr_store_pg_migrations(size_t *n);

/* Brings the schema to `target` (-1 = all known); `extra` migrations are
 * appended after the backend's own (tests use portable SQL here). */
int pr_store_migrate(pr_store *st, int target, const char *const *extra, size_t n_extra,
                     pr_err *err);

/* Fills err with PR_EDB: "<what>: <message>", err->venue_code = the
 * backend's error code (SQLite result name or PostgreSQL SQLSTATE). */
int pr_store_db_err(pr_err *err, const char *code, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The conflict policy of both backends, for a bar stored as old[] (open..
 * volume) and given as in[]: returns 0 when nothing is to be written (the
 * compared columns are equal, or the policy keeps the stored bar), 1 when
 * merged[] is to be written (the new values in the source's columns, the
 * stored ones elsewhere), or PR_EDATA (fail policy, err names the bar and
 * the differing columns). Updates c->kept and c->changed. */
int pr_store_resolve(const pr_store_put_opts *o, const pr_store_key *k, int64_t ts,
                     const double old[5], const double in[5], double merged[5],
                     pr_store_counts *c, pr_err *err);

/* Both backends store -0.0 as 0.0 (SQLite cannot keep the sign). */
static inline double pr_store_norm0(double x) { return x == 0.0 ? 0.0 : x; }

/* ---- dataset summaries (store_summary.c) ------------------------------- */
/* The summary of a dataset before a write of the sorted unique bars ts[0..n):
 * reads the stored summary and the stored stamps around [ts[0], ts[n-1]]
 * (none for an append), so that pr_store_summary_after can update it. */
typedef struct pr_store_summary_delta {
    int have;              /* a built summary was stored                    */
    pr_store_summary old;
    int64_t *win;          /* stored stamps in the affected window          */
    size_t n_win;
} pr_store_summary_delta;
int pr_store_summary_before(pr_store *st, const pr_store_key *k, const int64_t *ts, size_t n,
                            pr_store_summary_delta *d, pr_err *err);
/* Takes the dataset's write lock where the backend has one. */
int pr_store_lock_dataset(pr_store *st, const pr_store_key *k, pr_err *err);
/* Writes the summary after `inserted` new keys of ts[0..n) were stored;
 * frees d's buffers (also on failure). */
int pr_store_summary_after(pr_store *st, const pr_store_key *k, pr_timeframe tf,
                           const int64_t *ts, size_t n, size_t inserted,
                           pr_store_summary_delta *d, pr_err *err);
void pr_store_summary_delta_free(pr_store_summary_delta *d);
/* Rereads every stamp of the dataset and computes its summary (calendar:
 * the asset class's, else the inferred one) into *out (may be NULL); with
 * `write`, stores it (updated_at 0 = now). For when no summary can be
 * updated in place. */
int pr_store_summary_rebuild(pr_store *st, const pr_store_key *k, pr_timeframe tf,
                             pr_store_summary *out, int write, int64_t updated_at, pr_err *err);
/* The calendar a dataset's gaps are judged on, from its asset class (text,
 * "" = unknown) or its weekday counts. */
pr_calendar pr_store_summary_calendar(const char *asset_class, const pr_store_summary *s,
                                      pr_timeframe tf);
/* Summaries not built yet (stores from before schema 3) or on a calendar
 * the asset class no longer gives (venue/symbol NULL = every dataset) are
 * rebuilt; for writers, inside their transaction. */
int pr_store_summary_refresh(pr_store *st, const char *venue, const char *symbol, pr_err *err);
/* The dataset's gaps with missing bars, as stored (or, for a summary not
 * built yet, from the bars); *out malloc'd, NULL when none. */
int pr_store_summary_gaps(pr_store *st, const pr_store_key *k, pr_timeframe tf, pr_gap **out,
                          size_t *n, pr_err *err);

/* Grows a series to hold at least `need` bars (geometric). */
int pr_store_series_grow(pr_series *s, size_t need, pr_err *err);

/* ---- test and tooling hooks (not part of the public API) ---------------- */
typedef struct pr_store_open_opts {
    int target_version;                   /* -1 = newest                      */
    const char *const *extra_migrations;  /* appended to the built-in ones    */
    size_t n_extra;
    int raw;                              /* 1: connect only; no schema check */
    const pr_store_options *pub;          /* read-only, busy timeout (or NULL) */
} pr_store_open_opts;

int pr_store_open_ex(const char *url, const pr_store_open_opts *o, pr_store **out, pr_err *err);
int pr_store_exec_sql(pr_store *st, const char *sql, pr_err *err);
/* *out = first column of first row; PR_ENOTFOUND when no row / NULL. */
int pr_store_query_int(pr_store *st, const char *sql, int64_t *out, pr_err *err);

#endif
