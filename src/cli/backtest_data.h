/* Internal to the CLI: where `proratio backtest` takes its market data from
 * (stored datasets or CSV files imported on the fly) and the loader that
 * turns a source into bars, finer bars, funding rates and the instrument
 * record. Only core types appear here, so the engine side of the command
 * does not depend on the data module's headers. */
#ifndef PR_BACKTEST_DATA_H
#define PR_BACKTEST_DATA_H
#include "proratio/core.h"

#define BT_PATH_MAX 512

/* One series of bars: a stored dataset or a CSV file. */
typedef struct bt_source {
    int is_csv;                   /* 1: spec is a CSV path                      */
    char spec[BT_PATH_MAX];       /* dataset name or CSV path, as written        */
    char venue[PR_SYMBOL_MAX];    /* datasets: the store venue; CSV: "csv"       */
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;              /* PR_TF_NONE: inferred from the CSV           */
    pr_asset_class cls;           /* given or guessed; UNKNOWN: not known yet    */
    int cls_certain;              /* 1: given, or a certain guess from the path   */
    char format[16];              /* CSV format name; "" detects it              */
} bt_source;

/* Reads a source string: a path (ends in .csv or holds a '/') or a dataset
 * name ("VENUE:SYMBOL:TF", "SYMBOL:TF", "SYMBOL-TF"). CSV symbol, timeframe
 * and class are guessed from the path. PR_EINVAL with a message when the
 * name cannot be read or nothing can be guessed. */
int bt_source_parse(const char *s, bt_source *out, pr_err *err);
/* 1 when the string names a CSV file rather than a dataset. */
int bt_source_is_path(const char *s);

/* Everything loaded for one instrument. */
typedef struct bt_loaded {
    pr_series bars;               /* decision bars in [from, to), after n_warmup
                                     bars before `from`                          */
    size_t n_warmup;
    pr_series fine;               /* finer bars covering them; len 0: none        */
    int64_t *fund_ts;             /* funding times and rates (malloc'd), or NULL   */
    double *fund_rate;
    size_t n_fund;
    pr_instrument inst;           /* the store's instrument record when has_inst  */
    int has_inst;
    pr_asset_class cls;           /* best class the data knows (UNKNOWN: none)     */
    size_t skipped_rows;          /* CSV rows the importer skipped (reported)      */
} bt_loaded;

/* What to load besides the bars: `fine` (may be NULL) a source of finer bars;
 * `funding` "" for none, "store" for the rates stored with the bars' venue
 * and symbol, a funding name ("VENUE:SYMBOL", optional ":funding") or a CSV
 * path. */
typedef struct bt_load_request {
    const bt_source *src;
    const bt_source *fine;
    const char *funding;
    int64_t from, to;             /* PR_TIME_NONE: unbounded                      */
    size_t warmup;                /* bars wanted before `from` (as many as there
                                     are, up to this)                             */
} bt_load_request;

/* Opens the store at url (NULL: sqlite:proratio.db) once, on first use;
 * *st stays NULL for CSV-only runs. Bars are read through a read-only
 * connection (a backtest never creates a store); the LLM cache reopens it
 * for writing. */
typedef struct bt_data {
    const char *url;
    void *store;                  /* pr_store*, opened lazily                     */
    int writable;                 /* store was opened for writing                 */
} bt_data;

/* The store (a pr_store*) opened for writing (the LLM cache), now if it
 * was not yet. */
int bt_data_store(bt_data *d, void **st, pr_err *err);
int bt_load(bt_data *d, const bt_load_request *rq, bt_loaded *out, pr_err *err);
void bt_loaded_free(bt_loaded *l);
void bt_data_close(bt_data *d);

#endif
