/* The market-data store: one interface (`pr_store`) over an embedded SQLite
 * file or a shared PostgreSQL server, with identical schema and behaviour.
 * Holds instruments, candles, funding rates, per-dataset summaries and the
 * import log; schema changes are numbered migrations applied on open.
 * Include via "proratio/data.h" or directly; needs neither sqlite3.h nor
 * libpq-fe.h. */
#ifndef PRORATIO_DATA_STORE_H
#define PRORATIO_DATA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/calendar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_store pr_store;

typedef enum pr_store_backend {
    PR_STORE_SQLITE = 1,
    PR_STORE_POSTGRES = 2
} pr_store_backend;

/* ------------------------------------------------------------------------ */
/* Opening and closing                                                       */
/* ------------------------------------------------------------------------ */
/* Opens a store and brings its schema up to date (pending migrations run,
 * each in a transaction; reopening an up-to-date store changes nothing).
 *   "sqlite:PATH"            SQLite file (created when missing); "sqlite://PATH"
 *                            is accepted too (so "sqlite:///abs/x.db" = /abs/x.db)
 *   "PATH"                   a bare path is a SQLite file ("sqlite::memory:"
 *                            or ":memory:" for a private in-memory store)
 *   "postgresql://..."       a libpq connection URI, e.g.
 *   "postgres://..."         postgresql://user:pw@host:5432/db?sslmode=disable
 * Errors: PR_EINVAL (empty or malformed URL), PR_EUNSUPPORTED (unknown
 * scheme, or a schema newer than this program), PR_EDB (cannot open or
 * connect: the message names the path or host:port and carries the
 * backend's own message; passwords are never included).
 * Every PR_EDB failure anywhere in this API reads "store <operation>:
 * <backend message>" and leaves the backend's error code in
 * err->venue_code (SQLSTATE such as "23505", or "SQLITE_BUSY"). Nothing is
 * ever printed; PostgreSQL notices are discarded. */
int pr_store_open(const char *url, pr_store **out, pr_err *err);

/* How pr_store_open_with opens a store; zero-initialise, then set fields. */
typedef struct pr_store_options {
    /* 1: for reading only. The store must already exist (PR_ENOTFOUND naming
     * the resolved path, e.g. "sqlite:/home/u/proratio.db", otherwise);
     * nothing is created, migrated or written, and every write fails.
     * SQLite opens the file read-only (mode=ro); when its directory is not
     * writable, so the shared-memory file WAL needs cannot be created, and
     * no write-ahead log is pending, it is opened as immutable (no locks:
     * right while nobody writes the store, which only a user who can write
     * that directory could do). A pending log in a read-only
     * directory is an error that says so. A store at an older schema is
     * refused (a writing command upgrades it). PostgreSQL sessions are set
     * to default_transaction_read_only. */
    int read_only;
    /* SQLite: how long a writer waits for another process's write lock
     * before giving up, in ms; 0 = PR_STORE_BUSY_DEFAULT_MS, < 0 = no wait.
     * Giving up is PR_EDB with venue_code "SQLITE_BUSY" and a message saying
     * another process holds the write lock. */
    int busy_timeout_ms;
} pr_store_options;
#define PR_STORE_BUSY_DEFAULT_MS 5000
/* pr_store_open with options (NULL = pr_store_open's behaviour). */
int pr_store_open_with(const char *url, const pr_store_options *opts, pr_store **out,
                       pr_err *err);
/* Closes the connection; an open transaction is rolled back. NULL is ok. */
void pr_store_close(pr_store *st);

pr_store_backend pr_store_kind(const pr_store *st);
/* "sqlite:/path/x.db" or "postgresql://user@host:port/db" (no password). */
const char *pr_store_describe(const pr_store *st);
/* Schema version of the open store, and the newest this program knows. */
int pr_store_schema_version(pr_store *st, int *out, pr_err *err);
int pr_store_schema_latest(void);

/* ------------------------------------------------------------------------ */
/* Transactions                                                              */
/* ------------------------------------------------------------------------ */
/* Every write below is atomic on its own. To make several writes atomic
 * (an import: bars, instrument, log entry), wrap them in begin/commit.
 * Transactions do not nest (PR_ESTATE). If any database operation fails
 * inside a transaction, the transaction is doomed: later operations fail
 * with PR_ESTATE, and commit rolls back and returns PR_ESTATE — so a failed
 * import can never be half-committed. rollback always leaves the store as it
 * was at begin. SQLite takes the write lock at begin (BEGIN IMMEDIATE). */
int pr_store_begin(pr_store *st, pr_err *err);
int pr_store_commit(pr_store *st, pr_err *err);
int pr_store_rollback(pr_store *st, pr_err *err);
int pr_store_in_transaction(const pr_store *st);

/* ------------------------------------------------------------------------ */
/* Candles                                                                   */
/* ------------------------------------------------------------------------ */
/* Value columns of a bar, as bits (pr_store_put_opts.columns) and as indices
 * into pr_store_counts.changed (open 0 .. volume 4). */
#define PR_STORE_COL_OPEN 1u
#define PR_STORE_COL_HIGH 2u
#define PR_STORE_COL_LOW 4u
#define PR_STORE_COL_CLOSE 8u
#define PR_STORE_COL_VOLUME 16u
#define PR_STORE_COL_ALL 31u
#define PR_STORE_NCOLS 5

/* What an upsert did. Keys are (venue, symbol, timeframe, ts). */
typedef struct pr_store_counts {
    size_t inserted;    /* new keys                                          */
    size_t updated;     /* existing keys whose values changed                */
    size_t unchanged;   /* existing keys already holding the same values     */
    size_t duplicates;  /* input rows superseded by a later row with the same
                           ts in the same call (the last one is stored)      */
    size_t kept;        /* existing keys holding other values, left as they
                           were (PR_ON_CONFLICT_KEEP)                        */
    size_t changed[PR_STORE_NCOLS]; /* per column (open, high, low, close,
                           volume): existing bars whose stored value differed
                           from the new one (then updated, or kept)          */
} pr_store_counts;

/* What to do with a bar whose key is already stored with other values. */
typedef enum pr_on_conflict {
    PR_ON_CONFLICT_REPLACE = 0, /* the new values are written               */
    PR_ON_CONFLICT_KEEP,        /* the stored values stay (counted in kept)  */
    PR_ON_CONFLICT_FAIL         /* PR_EDATA naming the first such bar and its
                                   columns; nothing of the call is written   */
} pr_on_conflict;

/* "replace", "keep", "fail". */
const char *pr_on_conflict_name(pr_on_conflict p);
int pr_on_conflict_parse(const char *s, pr_on_conflict *out);

typedef struct pr_store_put_opts {
    pr_on_conflict on_conflict;
    /* The value columns the source has (PR_STORE_COL_*; 0 = all). A column
     * outside the set is neither compared nor written over a stored value
     * (a feed without volume never zeroes stored volume); a new bar gets
     * the value given (0 for a missing volume). */
    unsigned columns;
} pr_store_put_opts;

/* Upserts n bars: a new key is inserted, an existing key gets the new values
 * (so importing the same rows twice leaves one copy). Rows need not be
 * sorted. venue and symbol: 1..31 characters. Values must be finite
 * (PR_EINVAL naming the row otherwise; -0.0 is stored as 0.0). `counts` may
 * be NULL. */
int pr_store_put_bars_arrays(pr_store *st, const char *venue, const char *symbol,
                             pr_timeframe tf, const int64_t *ts, const double *open,
                             const double *high, const double *low, const double *close,
                             const double *volume, size_t n, pr_store_counts *counts,
                             pr_err *err);
/* Same for all bars of a series (its tf and symbol fields are ignored). */
int pr_store_put_bars(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                      const pr_series *bars, pr_store_counts *counts, pr_err *err);
/* pr_store_put_bars with a conflict policy and the columns the source has
 * (o NULL = replace, all columns: the plain upsert). */
int pr_store_put_bars_ex(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                         const pr_series *bars, const pr_store_put_opts *o,
                         pr_store_counts *counts, pr_err *err);

/* Bars with from_ms <= ts < to_ms, ordered by ts; either bound may be
 * PR_TIME_NONE (unbounded). `out` must be initialised (pr_series_init); its
 * contents are replaced and its tf and symbol set. No bars is not an error
 * (out->len == 0). */
int pr_store_get_bars(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                      int64_t from_ms, int64_t to_ms, pr_series *out, pr_err *err);
/* Only the ts column of the same range (cheap, for gap checks): *out is
 * malloc'd (free() it; NULL when *n == 0). */
int pr_store_get_timestamps(pr_store *st, const char *venue, const char *symbol,
                            pr_timeframe tf, int64_t from_ms, int64_t to_ms,
                            int64_t **out, size_t *n, pr_err *err);

/* ------------------------------------------------------------------------ */
/* Datasets: one per (venue, symbol, timeframe) holding candles              */
/* ------------------------------------------------------------------------ */
typedef struct pr_dataset_info {
    char venue[PR_SYMBOL_MAX];
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
    pr_asset_class asset_class;  /* from instruments; UNKNOWN when not stored */
    size_t count;                /* bars stored                               */
    int64_t first_ts, last_ts;   /* open times of the first and last bar      */
    int64_t updated_at;          /* ms, last time bars were added             */
    /* Kept up to date by every write (imports, resamples, deletes), so a
     * listing reads them without rescanning the bars: the calendar gaps are
     * judged on (the asset class's, else the one the bars' weekdays
     * suggest, as pr_calendar_infer) and what pr_find_gaps finds on it. */
    pr_calendar calendar;
    size_t gaps;                 /* runs of missing bars                      */
    size_t missing_bars;         /* bars the calendar expected but are absent */
} pr_dataset_info;

/* Filter for pr_store_list; NULL / PR_TF_NONE / PR_ASSET_UNKNOWN = any. */
typedef struct pr_dataset_filter {
    const char *venue;
    const char *symbol;
    pr_timeframe tf;
    pr_asset_class asset_class;
} pr_dataset_filter;

/* Datasets matching `filter` (NULL = all), sorted by venue, symbol (byte
 * order) and timeframe (shortest first). *out is malloc'd (free() it; NULL
 * when *n == 0). */
int pr_store_list(pr_store *st, const pr_dataset_filter *filter, pr_dataset_info **out,
                  size_t *n, pr_err *err);
/* One dataset's summary; PR_ENOTFOUND when it holds no bars. */
int pr_store_dataset(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                     pr_dataset_info *out, pr_err *err);
/* The gaps of a dataset that miss bars its calendar expects (what
 * pr_find_gaps lists without PR_GAPS_ALL on pr_dataset_info.calendar), by
 * time, read from the store without rescanning the bars; `index` is 0.
 * *out is malloc'd (free() it; NULL when *n == 0). */
int pr_store_dataset_gaps(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                          pr_gap **out, size_t *n, pr_err *err);
/* Deletes all bars of a dataset; PR_ENOTFOUND when there is none. `deleted`
 * (may be NULL) receives the number of bars removed. */
int pr_store_delete_dataset(pr_store *st, const char *venue, const char *symbol,
                            pr_timeframe tf, size_t *deleted, pr_err *err);

/* ------------------------------------------------------------------------ */
/* Instruments                                                               */
/* ------------------------------------------------------------------------ */
/* Inserts or replaces the instrument keyed by (venue, symbol). */
int pr_store_put_instrument(pr_store *st, const pr_instrument *in, pr_err *err);
/* Makes sure (venue, symbol) has an instrument row: a missing one, or one of
 * unknown class when `cls` is known, gets pr_instrument_default's for `like`
 * (NULL: symbol; a price series of an instrument, EUR_USD.BID, takes
 * EUR_USD's) and `cls`; a venue's or a user's row of known class is kept.
 * Imports and downloads call it in their bars' transaction, so a dataset's
 * gaps are judged on its class's calendar from its first bar. */
int pr_store_ensure_instrument(pr_store *st, const char *venue, const char *symbol, const char *like,
                               pr_asset_class cls, pr_err *err);
/* PR_ENOTFOUND when absent. */
int pr_store_get_instrument(pr_store *st, const char *venue, const char *symbol,
                            pr_instrument *out, pr_err *err);
/* All instruments (of `venue` unless NULL), sorted by venue, symbol.
 * *out is malloc'd (free() it; NULL when *n == 0). */
int pr_store_list_instruments(pr_store *st, const char *venue, pr_instrument **out,
                              size_t *n, pr_err *err);

/* ------------------------------------------------------------------------ */
/* Funding rates (perpetual futures)                                         */
/* ------------------------------------------------------------------------ */
typedef struct pr_funding_rate {
    int64_t ts;    /* funding time, ms UTC                */
    double rate;   /* fraction per period (0.0001 = 0.01%) */
} pr_funding_rate;

/* Upserts like pr_store_put_bars (key: venue, symbol, ts). */
int pr_store_put_funding(pr_store *st, const char *venue, const char *symbol,
                         const pr_funding_rate *rates, size_t n, pr_store_counts *counts,
                         pr_err *err);
/* With a conflict policy (o NULL = replace; o->columns is ignored): a rate
 * stored with another value is kept (counts->kept) or fails the call. In
 * counts->changed, index 0 counts differing rates. */
int pr_store_put_funding_ex(pr_store *st, const char *venue, const char *symbol,
                            const pr_funding_rate *rates, size_t n, const pr_store_put_opts *o,
                            pr_store_counts *counts, pr_err *err);
/* One stored funding series (all rates of a venue and symbol). */
typedef struct pr_funding_info {
    char venue[PR_SYMBOL_MAX];
    char symbol[PR_SYMBOL_MAX];
    size_t count;                /* rates stored                    */
    int64_t first_ts, last_ts;   /* first and last funding time     */
} pr_funding_info;

/* Stored funding series (of `venue` unless NULL), sorted by venue, symbol.
 * *out is malloc'd (free() it; NULL when *n == 0). */
int pr_store_list_funding(pr_store *st, const char *venue, pr_funding_info **out, size_t *n,
                          pr_err *err);
/* Rates with from_ms <= ts < to_ms (PR_TIME_NONE = unbounded), by ts.
 * *out is malloc'd (free() it; NULL when *n == 0). */
int pr_store_get_funding(pr_store *st, const char *venue, const char *symbol,
                         int64_t from_ms, int64_t to_ms, pr_funding_rate **out, size_t *n,
                         pr_err *err);

/* ------------------------------------------------------------------------ */
/* Import log: one record per import attempt                                 */
/* ------------------------------------------------------------------------ */
typedef struct pr_import_record {
    int64_t id;                   /* assigned by the store (out only)        */
    char venue[PR_SYMBOL_MAX];
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
    char file[512];               /* source file or URL                     */
    char format[32];              /* "binance", "ccxt", "yahoo", ...        */
    char status[16];              /* "ok", "rejected", "failed"             */
    int64_t imported_at;          /* ms UTC; 0 on input = now               */
    int64_t rows_read, rows_stored, rows_skipped, rows_repaired;
    int64_t rows_inserted, rows_updated;
    const char *defects_json;     /* JSON text or NULL; stored verbatim     */
} pr_import_record;

/* Appends a record; *id (may be NULL) receives its id. */
int pr_store_log_import(pr_store *st, const pr_import_record *rec, int64_t *id, pr_err *err);
/* Records for venue/symbol (NULL = any), oldest first. Free the array with
 * pr_store_imports_free (it owns each defects_json). */
int pr_store_list_imports(pr_store *st, const char *venue, const char *symbol,
                          pr_import_record **out, size_t *n, pr_err *err);
void pr_store_imports_free(pr_import_record *recs, size_t n);

#ifdef __cplusplus
}
#endif
#endif
