/* CSV import of OHLCV bars and funding rates, streamed in constant memory.
 *
 * Formats (PR_FMT_AUTO detects them from the first line):
 *   ccxt         `timestamp,open,high,low,close,volume`, time text
 *                (`2022-01-01 00:00:00`, optional `+00:00`) or epoch
 *   mt-csv       `Timestamp,Open,High,Low,Close,Volume` (capitalised header),
 *                volume is tick volume
 *   binance      Binance kline CSV: 12 columns, no header (or the `open_time`
 *                header of newer files), open time in ms or us (decided per
 *                row from the magnitude; a change of unit is noted)
 *   yahoo        `Date,Open,High,Low,Close,Adj Close,Volume`; Adj Close is
 *                ignored, `null` fields make the row unparsable
 *   tradingview  `time,open,high,low,close[,extra columns]`, ISO times with Z
 *                or offsets such as +07:00; a `Volume` column is used when
 *                present, otherwise the data has no volume (stored as 0,
 *                report.has_volume = 0, no zero-volume warnings)
 *   metatrader   MT4 export `2012.02.01,00:00,o,h,l,c,v` (date and time in two
 *                columns, no header) or MT5 `<DATE>\t<TIME>\t<OPEN>...`; the
 *                times are broker server time: UTC unless tz_offset_min says
 *   histdata     HistData ASCII `20120201 000000;o;h;l;c;v`, stamps in EST
 *                without daylight saving: fixed UTC-5 unless tz_offset_min says
 *   generic      any delimited file with a pr_csv_mapping
 *   funding      `fundingTime,fundingRate` (ccxt/Binance API) or Binance's
 *                `calc_time,funding_interval_hours,last_funding_rate`; only
 *                for pr_import_funding
 * Detection: a header line is matched by its column names (funding names ->
 * funding, `Adj Close` -> yahoo, `open_time` -> binance, `<DATE>` ->
 * metatrader, lower-case `timestamp,open,...` -> ccxt, `Timestamp,Open,...`
 * -> mt-csv, first column `time` -> tradingview, other recognisable names ->
 * generic by name). Without a header: `YYYYMMDD HHMMSS;` -> histdata,
 * `YYYY.MM.DD,HH:MM,` -> metatrader, 12 columns with an integer first column
 * -> binance, time + 5 numbers -> ccxt without header.
 * Accepted everywhere: UTF-8 BOM, CRLF or LF, a missing final newline,
 * double-quoted fields, blank lines (counted, ignored).
 *
 * Streaming: the file is read with a fixed buffer; valid rows are handed to
 * the sink in chunks of chunk_rows, each a pr_series with the rows' source
 * lines. Memory does not grow with the file. Rows are validated as they are
 * read (see validate.h for the policy); in the stream, rows are delivered in
 * file order: an out-of-order row is reported and delivered where it was
 * read (the store's upsert by timestamp puts it in place), and a repeated
 * time is recognised wherever it reappears: the first row is kept and the
 * repeat dropped (a duplicate when its values are the same, a conflict
 * otherwise). The times delivered are remembered as runs on the bar grid, a
 * few bytes per gap, not per row. pr_import_csv_series collects, sorts and
 * de-duplicates everything in memory instead. */
#ifndef PRORATIO_DATA_IMPORT_H
#define PRORATIO_DATA_IMPORT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/calendar.h"
#include "proratio/data/validate.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_csv_format {
    PR_FMT_AUTO = 0,
    PR_FMT_CCXT,
    PR_FMT_MT_CSV,
    PR_FMT_BINANCE,
    PR_FMT_YAHOO,
    PR_FMT_TRADINGVIEW,
    PR_FMT_METATRADER,
    PR_FMT_HISTDATA,
    PR_FMT_GENERIC,
    PR_FMT_FUNDING,
    PR_FMT_COUNT
} pr_csv_format;

/* "auto", "ccxt", "mt-csv", "binance", "yahoo", "tradingview", "metatrader",
 * "histdata", "generic", "funding". */
const char *pr_csv_format_name(pr_csv_format f);
int pr_csv_format_parse(const char *s, pr_csv_format *out);

/* How integer timestamps are read. AUTO: by magnitude (< 1e11 seconds,
 * < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds). */
typedef enum pr_time_unit { PR_TU_AUTO = 0, PR_TU_S, PR_TU_MS, PR_TU_US, PR_TU_NS } pr_time_unit;

typedef enum pr_csv_col {
    PR_COL_TIME = 0,  /* date or date+time                                 */
    PR_COL_CLOCK,     /* time of day when it is in its own column, or -1    */
    PR_COL_OPEN, PR_COL_HIGH, PR_COL_LOW, PR_COL_CLOSE,
    PR_COL_VOLUME,    /* -1: no volume                                      */
    PR_COL_RATE,      /* funding rate (funding imports)                     */
    PR_COL_COUNT
} pr_csv_col;

#define PR_CSV_NAME_MAX 32

/* Column mapping of a generic CSV. A column is given by its 0-based index, or
 * (index -1) by its header name, matched without regard to case. */
typedef struct pr_csv_mapping {
    char delimiter;                /* ',' ';' '\t' '|' ...; 0: detect      */
    int header;                    /* 1 yes, 0 no, -1 detect               */
    int col[PR_COL_COUNT];
    char col_name[PR_COL_COUNT][PR_CSV_NAME_MAX];
    pr_time_unit time_unit;
    /* "" automatic (ISO 8601, `YYYY-MM-DD HH:MM[:SS[.fff]]`, `YYYY.MM.DD`,
     * `YYYYMMDD HHMMSS`, dates, epoch integers); else a pattern of %Y %m %d
     * %H %M %S %f (fraction) %z (Z or +HH[:MM]) %% and literal characters. */
    char time_pattern[48];
} pr_csv_mapping;

/* Every column unset (-1, no name), delimiter and header detected, auto time. */
void pr_csv_mapping_init(pr_csv_mapping *m);
/* Parses "time=0,open=1,high=2,low=3,close=4,volume=5" plus optional
 * "clock=N", "rate=N", "delim=;" (or comma/semicolon/tab/pipe/space),
 * "header=yes|no|auto", "unit=s|ms|us|ns|auto", "pattern=%d/%m/%Y %H:%M"
 * (no commas inside). A column value that is not a number is a header name. */
int pr_csv_mapping_parse(const char *spec, pr_csv_mapping *m, pr_err *err);

#define PR_TZ_DEFAULT INT_MIN

/* Gives the values (open, high, low, close, volume) the sink holds for a
 * time that this import delivered in an earlier chunk; user is the sink's.
 * Returns 1 found, 0 not found, or a negative pr_status (err filled) that
 * stops the import. */
typedef int (*pr_import_lookup)(void *user, int64_t ts, double ohlcv[5], pr_err *err);

typedef struct pr_import_options {
    pr_csv_format format;     /* PR_FMT_AUTO detects                           */
    int strict;               /* 1: any defect -> PR_EDATA; the sink is not
                                 called again after the first defect          */
    pr_csv_mapping mapping;   /* PR_FMT_GENERIC                                */
    /* Offset of the file's local time from UTC in minutes (local = UTC +
     * offset), applied to stamps that carry no offset of their own.
     * PR_TZ_DEFAULT: the format's default (histdata -300, others 0). */
    int tz_offset_min;
    pr_timeframe tf;          /* bar timeframe; PR_TF_NONE infers it           */
    pr_asset_class asset_class; /* picks the calendar when calendar is auto    */
    pr_calendar calendar;     /* PR_CAL_AUTO: from asset_class, the file name
                                 (pr_guess_from_path), else the weekday pattern */
    size_t chunk_rows;        /* rows per sink call; 0 -> 65536                 */
    size_t max_line;          /* longest accepted line in bytes; 0 -> 65536      */
    size_t issue_cap;         /* report list limit; 0 -> PR_REPORT_DEFAULT_CAP  */
    /* Streamed imports: how a repeated time whose first row went out in an
     * earlier chunk is told apart as an exact duplicate (warning) or a
     * conflict (error). NULL: such a repeat counts as a conflict. Either
     * way the repeat is dropped and the first row stays. */
    pr_import_lookup lookup;
} pr_import_options;

void pr_import_options_init(pr_import_options *o);

/* Receives each chunk of valid rows: chunk->ts etc. hold chunk->len rows,
 * lines[i] is row i's line in the file. chunk->tf is the bar timeframe once
 * known (given or inferred from the first chunk). The chunk is only valid
 * during the call. Return 0 to go on, or a negative pr_status (with err
 * filled) to stop the import, which then returns that status. */
typedef int (*pr_import_sink)(void *user, const pr_series *chunk, const long *lines, pr_err *err);

/* Streams the file at path through the sink. rep (may be NULL) is reset and
 * filled. Returns 0; PR_ENOTFOUND / PR_EIO (with the file name) when the
 * file cannot be opened or read; PR_EUNSUPPORTED when the format cannot be
 * detected; PR_EDATA for an empty file, a file without data rows, a file
 * whose rows are all invalid, and in strict mode for any defect; or the
 * sink's status. */
int pr_import_csv(const char *path, const pr_import_options *o, pr_import_sink sink, void *user,
                  pr_data_report *rep, pr_err *err);
/* The same from an open descriptor (not closed); name is used in messages. */
int pr_import_fd(int fd, const char *name, const pr_import_options *o, pr_import_sink sink,
                 void *user, pr_data_report *rep, pr_err *err);
/* Imports the whole file into out (initialised or zeroed by the caller;
 * previous content is replaced), sorted by time with later duplicates
 * removed; out->tf and out->symbol (from the file name) are set. */
int pr_import_csv_series(const char *path, const pr_import_options *o, pr_series *out,
                         pr_data_report *rep, pr_err *err);

/* Detects the format from the first non-blank line of a file. */
int pr_detect_format(const char *path, pr_csv_format *out, pr_err *err);
/* The same from a line of text (without the newline). */
int pr_detect_format_line(const char *line, size_t len, pr_csv_format *out);

/* --- funding rates ---------------------------------------------------------- */
typedef struct pr_funding_series {
    int64_t *ts;      /* funding time, ms UTC, rounded to the interval grid */
    double *rate;     /* fraction per interval (0.0001 = 0.01%)             */
    size_t len, cap;
    pr_timeframe interval;
    char symbol[PR_SYMBOL_MAX];
} pr_funding_series;

void pr_funding_series_free(pr_funding_series *f);
/* Imports a funding-rate CSV into out (zeroed, or filled by an earlier call:
 * its arrays are replaced; free with pr_funding_series_free). Stamps are rounded to the nearest multiple of
 * o->tf (default 8h) when within one minute of it, which removes Binance's
 * millisecond jitter (noted once in the report with the count); farther
 * stamps are off-grid warnings and kept. Sorted, de-duplicated, validated
 * (NaN/inf rates are skipped; gaps are checked on the 24x7 calendar). */
int pr_import_funding(const char *path, const pr_import_options *o, pr_funding_series *out,
                      pr_data_report *rep, pr_err *err);

/* --- names ------------------------------------------------------------------- */
typedef struct pr_name_guess {
    char symbol[PR_SYMBOL_MAX];  /* "" when none found                     */
    pr_timeframe tf;             /* PR_TF_NONE when none found             */
    pr_asset_class asset_class;  /* PR_ASSET_UNKNOWN when none found       */
    int class_certain;           /* 1 from a folder name or an unambiguous
                                    symbol (crypto quote, currency pair); 0
                                    for the "short symbol is a stock" guess */
    int funding;                 /* 1 for funding-rate files               */
} pr_name_guess;

/* Guesses from a path such as ".../crypto/BTCUSDT-1h.csv",
 * "EURUSD-1h-2012-2020.csv", "KO-1d.csv", "BTCUSDT-funding-8h.csv",
 * "SOLUSDT_1h.csv", "BTCUSDT-1m-2025-01.csv" (Binance archive),
 * "EURUSD60.csv" (MetaTrader minutes), "DAT_ASCII_EURUSD_M1_2012.csv"
 * (HistData), "BTC_USDT-1h.csv" / "BTC_USDT_USDT-1h-futures.csv"
 * (Freqtrade: base and quote joined), "1INCHUSDT-1h.csv" and
 * "1000PEPEUSDT-1h.csv" (symbols that start with digits). The asset class comes from a folder named crypto/forex/
 * stocks (or stock/equities/fx), else from the symbol: a known crypto quote
 * suffix (USDT, USDC, BUSD, BTC, ETH, ...) -> crypto, two ISO currency codes
 * -> forex, 1-5 letters -> stock. Always returns 0. */
int pr_guess_from_path(const char *path, pr_name_guess *out);

#ifdef __cplusplus
}
#endif
#endif
