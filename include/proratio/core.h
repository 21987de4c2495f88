/* Public interface of the core module: status codes, error records, logging,
 * UTC time, timeframes, OHLCV series, instruments, JSON configuration, a
 * seeded RNG and the pool of large blocks (core/pool.h). Everything else in
 * libproratio builds on these types. */
#ifndef PRORATIO_CORE_H
#define PRORATIO_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes. 0 is success; every failure is negative.                    */
/* ------------------------------------------------------------------------ */
typedef enum pr_status {
    PR_OK = 0,
    PR_EINVAL = -1,     /* invalid argument or parameter out of range   */
    PR_ENOMEM = -2,     /* allocation failed                            */
    PR_EIO = -3,        /* file or socket I/O failed                    */
    PR_EPARSE = -4,     /* malformed input (CSV, JSON, time, number)    */
    PR_ENOTFOUND = -5,  /* file, dataset, key or symbol does not exist  */
    PR_ERANGE = -6,     /* value outside its allowed range              */
    PR_EDB = -7,        /* database error                               */
    PR_EHTTP = -8,      /* HTTP error status from a remote service      */
    PR_ETIMEOUT = -9,   /* operation timed out                          */
    PR_ESTATE = -10,    /* call not valid in the object's current state */
    PR_EUNSUPPORTED = -11, /* format or feature not supported           */
    PR_EDATA = -12,     /* data failed validation (e.g. --strict)       */
    PR_ELIMIT = -13,    /* a budget, rate limit or size limit was hit   */
    PR_EVENUE = -14     /* a venue/provider rejected the request        */
} pr_status;

/* Short stable name of a status ("EPARSE"), never NULL. */
const char *pr_status_name(int status);

/* ------------------------------------------------------------------------ */
/* Error records: filled by library calls that fail, printed by the CLI.     */
/* ------------------------------------------------------------------------ */
#define PR_ERR_MSG_MAX 512
#define PR_ERR_PATH_MAX 256

typedef struct pr_err {
    int code;                      /* pr_status of the failure            */
    char msg[PR_ERR_MSG_MAX];      /* human-readable message              */
    char file[PR_ERR_PATH_MAX];    /* source file, "" when not a file     */
    long line;                     /* 1-based line, 0 when unknown        */
    int column;                    /* 1-based column, 0 when unknown      */
    char field[64];                /* column, JSON path or parameter name */
    int http_status;               /* HTTP status, 0 when not HTTP        */
    char venue_code[64];           /* venue/provider error code, or "" (OANDA's run to 50 characters) */
} pr_err;

void pr_err_clear(pr_err *e);
/* Sets code and message (printf-style); keeps any context already set.
 * Returns code so callers can write `return pr_err_set(e, PR_EINVAL, ...)`.
 * e may be NULL. */
int pr_err_set(pr_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pr_err_vset(pr_err *e, int code, const char *fmt, va_list ap);
/* Adds location context. Any argument may be NULL/0 to leave it unset. */
void pr_err_at(pr_err *e, const char *file, long line, int column, const char *field);
/* One line: "file:line:col: field: message [HTTP 429] [venue code -1003]",
 * absent parts omitted ("line 3, column 8: " when there is no file name; the
 * field is not repeated when the message already starts with "field:").
 * Returns the length written (truncated to cap-1). */
size_t pr_err_format(const pr_err *e, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Logging: human-readable to a stream (stderr) and/or JSON lines to a file. */
/* A logger is an explicit object; there is no global logger.               */
/* ------------------------------------------------------------------------ */
typedef enum pr_log_level {
    PR_LOG_DEBUG = 0, PR_LOG_INFO = 1, PR_LOG_WARN = 2, PR_LOG_ERROR = 3, PR_LOG_OFF = 4
} pr_log_level;

typedef struct pr_log {
    pr_log_level level;   /* messages below this level are dropped     */
    FILE *human;          /* e.g. stderr; NULL disables                */
    FILE *json;           /* JSON lines; NULL disables                 */
    int owns_json;        /* 1 when pr_log_open_json opened the file   */
    int color;            /* ANSI colours on the human stream          */
} pr_log;

void pr_log_init(pr_log *lg, pr_log_level level, FILE *human);
int pr_log_open_json(pr_log *lg, const char *path, pr_err *err);
void pr_log_close(pr_log *lg);
int pr_log_level_parse(const char *s, pr_log_level *out);
/* lg may be NULL (then nothing is logged). component names the module. */
void pr_logf(pr_log *lg, pr_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Structured event: `fields_json` is a JSON object text (or NULL) whose keys
 * are merged into the JSON line; the human line shows event + fields. */
void pr_log_event(pr_log *lg, pr_log_level level, const char *component,
                  const char *event, const char *fields_json);
/* Logs an error record at PR_LOG_ERROR (or `level`). */
void pr_log_err(pr_log *lg, pr_log_level level, const char *component, const pr_err *e);

/* ------------------------------------------------------------------------ */
/* UTC time: int64 milliseconds since the Unix epoch.                       */
/* ------------------------------------------------------------------------ */
#define PR_MS_PER_SEC 1000LL
#define PR_MS_PER_MIN 60000LL
#define PR_MS_PER_HOUR 3600000LL
#define PR_MS_PER_DAY 86400000LL
#define PR_TIME_NONE INT64_MIN

/* Parses, from s[0..len) (len may be (size_t)-1 for NUL-terminated):
 *   ISO 8601 "2022-01-01T00:00:00Z", "...T00:00:00+07:00", "...T00:00:00.123Z",
 *   "2022-01-01 00:00:00", "... 00:00:00.001000", "... 00:00:00+00:00",
 *   "2022-01-01 00:00", "2022-01-01", "20220101 000000" (HistData),
 *   "2022.01.01 00:00" / "2022.01.01,00:00" (MetaTrader), and bare integers as
 *   epoch seconds (< 1e11), milliseconds (< 1e14) or microseconds (< 1e17),
 *   nanoseconds beyond. Surrounding spaces and quotes are ignored. */
int pr_time_parse(const char *s, size_t len, int64_t *out_ms, pr_err *err);
/* Buffer size that holds any formatted time. */
#define PR_TIME_STR_MAX 32
/* "2022-01-01T00:00:00Z" (milliseconds shown only when non-zero; PR_TIME_NONE
 * prints "none"). Both formatters return the length written (< cap). */
size_t pr_time_format_iso(int64_t ms, char *buf, size_t cap);
/* The same text for a run of times that mostly share their day (a bar
 * series written out): the date part is worked out once per day and kept
 * in *memo (zero it before the first call). out holds PR_TIME_STR_MAX. */
typedef struct pr_iso_memo {
    int64_t day;
    int set;
    char date[PR_TIME_STR_MAX];  /* "YYYY-MM-DDT"                           */
    size_t len;
} pr_iso_memo;
size_t pr_time_format_iso_memo(int64_t ms, pr_iso_memo *memo, char out[PR_TIME_STR_MAX]);
/* "2022-01-01 00:00:00" (milliseconds shown only when non-zero). */
size_t pr_time_format(int64_t ms, char *buf, size_t cap);
/* Civil date helpers (proleptic Gregorian, UTC). */
int64_t pr_days_from_civil(int y, unsigned m, unsigned d);
void pr_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
int pr_time_make(int y, int mon, int day, int h, int mi, int s, int64_t *out_ms);
/* 0 = Monday .. 6 = Sunday. */
int pr_weekday(int64_t ms);
/* Wall-clock now in ms (the only non-deterministic time source; pass it in
 * explicitly wherever results must be reproducible). */
int64_t pr_time_now_ms(void);

/* ------------------------------------------------------------------------ */
/* Code layout                                                               */
/* ------------------------------------------------------------------------ */
/* Marks the functions a backtest runs at every bar or every fill (the loop,
 * the view's step, the strategy's on_bar, the pipeline, the simulated
 * broker's fill path). GCC and Clang place them together (.text.hot), so
 * the whole path stays in the instruction cache: scattered over the
 * library, a fill's code was evicted by the per-bar code between two fills.
 * Layout only: no result changes. */
#if defined(__GNUC__)
#define PR_HOT __attribute__((hot))
#else
#define PR_HOT
#endif

/* ------------------------------------------------------------------------ */
/* Timeframes                                                                */
/* ------------------------------------------------------------------------ */
typedef enum pr_timeframe {
    PR_TF_NONE = 0,
    PR_TF_1S, PR_TF_5S, PR_TF_10S, PR_TF_15S, PR_TF_30S,
    PR_TF_1M, PR_TF_2M, PR_TF_3M, PR_TF_4M, PR_TF_5M, PR_TF_10M, PR_TF_15M, PR_TF_30M,
    PR_TF_1H, PR_TF_2H, PR_TF_3H, PR_TF_4H, PR_TF_6H, PR_TF_8H, PR_TF_12H,
    PR_TF_1D, PR_TF_1W, PR_TF_1MO,
    PR_TF_COUNT
} pr_timeframe;

/* "1s" "5s" "10s" "15s" "30s" "1m" "2m" "3m" "4m" "5m" "10m" "15m" "30m" "1h"
 * "2h" "3h" "4h" "6h" "8h" "12h" "1d" "1w" "1M": the union of Binance's
 * intervals (but 3d) and OANDA's granularities (S5 ... M). Stored datasets name their timeframe by this text, never by
 * the enum's value, so the enum may grow anywhere. */
int pr_tf_parse(const char *s, pr_timeframe *out);
const char *pr_tf_name(pr_timeframe tf);
/* Nominal length in ms (1M: 30 days, only for estimates). */
int64_t pr_tf_ms(pr_timeframe tf);
/* Open time of the bar containing t (weeks: Monday 00:00 UTC; months: 1st). */
int64_t pr_tf_floor(pr_timeframe tf, int64_t t);
/* Open time of the bar after the one that opens at `open` (= its close). */
int64_t pr_tf_next(pr_timeframe tf, int64_t open);
/* Close time of a bar of tf opening at `open`, off the grid too: open + the
 * bar's length (months: the next month's start), as the backtest and the
 * paper runner time their decisions (a forex day opening at 22:00 closes at
 * 22:00 the next day). */
int64_t pr_tf_close(pr_timeframe tf, int64_t open);
/* 1 when `hi` is a whole multiple of `lo` with aligned boundaries. */
int pr_tf_divides(pr_timeframe lo, pr_timeframe hi);
/* Infers the timeframe from the most common step between timestamps. */
int pr_tf_infer(const int64_t *ts, size_t n, pr_timeframe *out);

/* ------------------------------------------------------------------------ */
/* Instruments                                                               */
/* ------------------------------------------------------------------------ */
typedef enum pr_asset_class {
    PR_ASSET_UNKNOWN = 0, PR_ASSET_CRYPTO, PR_ASSET_FOREX, PR_ASSET_STOCK, PR_ASSET_FUTURE
} pr_asset_class;

const char *pr_asset_class_name(pr_asset_class c);
int pr_asset_class_parse(const char *s, pr_asset_class *out);

#define PR_SYMBOL_MAX 32

typedef struct pr_instrument {
    char venue[PR_SYMBOL_MAX];   /* "binance", "oanda", "nasdaq", "csv"   */
    char symbol[PR_SYMBOL_MAX];  /* "BTCUSDT", "EURUSD", "KO"             */
    pr_asset_class asset_class;
    char base[16];               /* "BTC", "EUR", "KO"                    */
    char quote[16];              /* "USDT", "USD"                         */
    double tick_size;            /* price increment (> 0)                 */
    double lot_step;             /* quantity increment (> 0)              */
    double min_qty;              /* smallest order quantity (>= 0)        */
    double min_notional;         /* smallest price*qty (>= 0)             */
    double pip_size;             /* forex pip (0.0001, JPY 0.01), else 0  */
    double contract_multiplier;  /* futures/CFD multiplier, 1 otherwise   */
} pr_instrument;

/* Sensible defaults for a symbol of the given class: splits base/quote
 * ("BTCUSDT" -> BTC/USDT, "EURUSD" -> EUR/USD, "USDJPY" pip 0.01, stocks
 * quoted in USD with tick 0.01 and lot 1). */
int pr_instrument_default(const char *symbol, pr_asset_class cls, pr_instrument *out, pr_err *err);
/* Rounds to the instrument's grid (nearest tick; quantities down to lot). */
double pr_instrument_round_price(const pr_instrument *in, double price);
double pr_instrument_round_qty(const pr_instrument *in, double qty);
/* Checks min_qty and min_notional after rounding; PR_ERANGE with a message. */
int pr_instrument_check_order(const pr_instrument *in, double price, double qty, pr_err *err);

/* ------------------------------------------------------------------------ */
/* OHLCV series: struct of arrays, bars labelled by open time.               */
/* ------------------------------------------------------------------------ */
typedef struct pr_series {
    int64_t *ts;        /* bar open time, ms UTC, strictly increasing   */
    double *open, *high, *low, *close, *volume;
    size_t len, cap;
    pr_timeframe tf;
    char symbol[PR_SYMBOL_MAX];
    /* 1 when the last bar is known to be incomplete (e.g. a resample whose
     * last bucket is not yet closed); never offered to decisions. */
    int last_incomplete;
} pr_series;

int pr_series_init(pr_series *s, size_t cap);
void pr_series_free(pr_series *s);
int pr_series_reserve(pr_series *s, size_t cap);
int pr_series_push(pr_series *s, int64_t ts, double o, double h, double l, double c, double v);
void pr_series_clear(pr_series *s);
/* The first bar at or after `from` whose open, high, low or close is not
 * finite or whose time is not after the previous bar's (s->len when none):
 * what a backtest requires of its bars, checked once when a dataset is
 * loaded (pr_bt_market.checked) rather than at every run over it. */
size_t pr_series_check(const pr_series *s, size_t from);
/* Index of the first bar with ts >= t (len when none). */
size_t pr_series_lower_bound(const pr_series *s, int64_t t);
/* Deep copy of bars [from, to) into `out`, which is initialised here (it must
 * not hold memory; free it with pr_series_free). pr_series_push does not check
 * ordering: the data validator reports out-of-order or duplicate bars. */
int pr_series_slice(const pr_series *s, size_t from, size_t to, pr_series *out);

/* ------------------------------------------------------------------------ */
/* JSON configuration with path-aware validation errors.                     */
/* ------------------------------------------------------------------------ */
typedef struct pr_config pr_config; /* wraps a parsed JSON document */

int pr_config_load(const char *path, pr_config **out, pr_err *err);
int pr_config_parse(const char *text, pr_config **out, pr_err *err);
void pr_config_free(pr_config *cfg);
/* The underlying jansson json_t* (as void* so core.h does not need jansson). */
void *pr_config_json(const pr_config *cfg);
/* Sets "a.b.c" (creating objects) from a command-line "k=v" override; the
 * value is parsed as JSON when it is valid JSON, else kept as a string. */
int pr_config_set(pr_config *cfg, const char *path, const char *value, pr_err *err);
/* 1 when the path exists with a non-null value (getters treat JSON null as
 * absent and return their default). */
int pr_config_has(const pr_config *cfg, const char *path);
/* Getters: `path` is dotted ("risk.max_drawdown", "instruments.0.symbol").
 * When the key is absent, `def` is stored and 0 returned; when present but
 * wrong, PR_EINVAL with err->field = path and a message such as
 * "risk.max_drawdown: expected a number in (0,1)". */
int pr_config_number(const pr_config *cfg, const char *path, double def,
                     double min, double max, int open_interval, double *out, pr_err *err);
int pr_config_int(const pr_config *cfg, const char *path, long def,
                  long min, long max, long *out, pr_err *err);
int pr_config_bool(const pr_config *cfg, const char *path, int def, int *out, pr_err *err);
/* Copies into buf; absent -> def (may be NULL -> ""). */
int pr_config_string(const pr_config *cfg, const char *path, const char *def,
                     char *buf, size_t cap, pr_err *err);
/* The string at path without a copy (valid while cfg lives and is not
 * changed); absent -> *out NULL. */
int pr_config_string_ref(const pr_config *cfg, const char *path, const char **out, pr_err *err);
/* Absent or not a string among `allowed` (NULL-terminated) -> error naming them. */
int pr_config_enum(const pr_config *cfg, const char *path, const char *def,
                   const char *const *allowed, int *out_index, pr_err *err);
/* Array length at path (0 when absent; error when not an array). */
int pr_config_array_len(const pr_config *cfg, const char *path, size_t *out, pr_err *err);
/* Joins a config path and a key: "base.key", or "key" when base is NULL or
 * empty. Writes into buf (truncating) and returns buf, so it can be passed
 * straight to the getters above. */
const char *pr_config_key(char *buf, size_t cap, const char *base, const char *key);
/* Fails naming the first key of the object at `path` not listed in `allowed`
 * ("risk.max_drawdwn: unknown key"). */
int pr_config_check_keys(const pr_config *cfg, const char *path,
                         const char *const *allowed, pr_err *err);

/* ------------------------------------------------------------------------ */
/* Seeded RNG (xoshiro256**): explicit state, reproducible across platforms. */
/* ------------------------------------------------------------------------ */
typedef struct pr_rng { uint64_t s[4]; } pr_rng;
void pr_rng_seed(pr_rng *r, uint64_t seed);
uint64_t pr_rng_next(pr_rng *r);
double pr_rng_uniform(pr_rng *r);           /* [0, 1)       */
double pr_rng_normal(pr_rng *r);            /* N(0, 1)      */

/* ------------------------------------------------------------------------ */
/* Small shared helpers                                                      */
/* ------------------------------------------------------------------------ */
/* strtod over a bounded field; rejects empty, trailing garbage, "null". */
int pr_parse_double(const char *s, size_t len, double *out);
int pr_parse_int64(const char *s, size_t len, int64_t *out);
/* Copy that never overflows and always NUL-terminates; returns the length
 * copied (not strlen(src)), so `p += pr_strlcpy(p, s, end - p)` stays in bounds. */
size_t pr_strlcpy(char *dst, const char *src, size_t cap);
/* Appends n bytes to the growable, NUL-terminated block *buf (*len bytes
 * used, *cap allocated; all 0/NULL to start), doubling the block from
 * `first` bytes; PR_ENOMEM, with the block unchanged, when it would have to
 * grow past `max` bytes (a runaway HTTP body) or memory runs out. */
int pr_bytes_append(char **buf, size_t *len, size_t *cap, const void *p, size_t n, size_t first, size_t max);

/* Number text (src/core/dtoa.cc, Dragonbox): the shortest decimal that reads back
 * (strtod) to the same double, in printf %g notation — "0.1", "47336.98",
 * "100", "1e-05", "1.5e+17" (fixed for 1e-4 <= |x| < 1e17); "-0" for
 * negative zero, "inf", "-inf", and "nan" whatever the NaN's sign. Writes at
 * most PR_DTOA_MAX - 1 characters plus a NUL; returns the length. Every
 * number the program writes (CSV, JSON, run logs, reports) goes through it. */
#define PR_DTOA_MAX 32
size_t pr_dtoa(double x, char *buf);

/* Buffered output (src/core/wbuf.c): large outputs (CSV files, ta tables)
 * are assembled in one big buffer and handed to fwrite in blocks, instead of
 * one fprintf per field. The first failure sticks: later calls do nothing and
 * pr_wbuf_flush / pr_wbuf_close report it. */
typedef struct pr_wbuf {
    FILE *f;       /* destination (not owned)                      */
    char *buf;     /* malloc'd block                               */
    size_t len;    /* bytes pending in buf                         */
    size_t cap;    /* size of buf                                  */
    int status;    /* 0, or the first failure (PR_EIO / PR_ENOMEM) */
} pr_wbuf;

/* cap 0 picks the default (1 MiB). */
int pr_wbuf_open(pr_wbuf *w, FILE *f, size_t cap);
int pr_wbuf_put(pr_wbuf *w, const char *s, size_t n);
int pr_wbuf_str(pr_wbuf *w, const char *s);
int pr_wbuf_char(pr_wbuf *w, char c);
/* pr_dtoa text of x. */
int pr_wbuf_num(pr_wbuf *w, double x);
/* Writes what is pending and fflush()es the FILE. */
int pr_wbuf_flush(pr_wbuf *w);
/* Flushes and frees the buffer (not the FILE); returns the status. */
int pr_wbuf_close(pr_wbuf *w);
/* Adapter for byte sinks of the form int (*)(void *ctx, const char *, size_t). */
int pr_wbuf_sink(void *w, const char *s, size_t n);

/* Names users type (src/core/names.c). */
/* The entry of the NULL-terminated `names` closest to `word` (edits incl.
 * adjacent swaps) when it is plausibly a typo of it (1 edit for up to 4
 * characters, 2 up to 8, else 3), else NULL. */
const char *pr_suggest_name(const char *word, const char *const *names);
/* Checks a venue or symbol name: 1..PR_SYMBOL_MAX-1 bytes of printable
 * UTF-8, without white space, control characters, quotes ('"', '\''),
 * backslash or ':' (which separates the parts of a dataset name). PR_EINVAL
 * naming `what` (e.g. "--venue") and the name, escaped, otherwise. */
int pr_name_check(const char *what, const char *name, pr_err *err);
/* Copies text for a terminal or JSON: valid printable UTF-8 is kept, other
 * bytes (control characters, invalid UTF-8) become "\xNN". Flags:
 * PR_ESC_NEWLINES keeps '\n' and '\t'; PR_ESC_BACKSLASH also doubles '\\'
 * (for names, so the escaped form reads back unambiguously). Always
 * NUL-terminated (cut at a character boundary); returns dst. */
enum { PR_ESC_NEWLINES = 1, PR_ESC_BACKSLASH = 2 };
char *pr_escape_text(const char *src, int flags, char *dst, size_t cap);
/* Reads KEY=VALUE lines from a .env file into the process environment
 * without overriding variables already set. Refuses a file readable by group
 * or others (PR_EINVAL). Missing file -> PR_ENOTFOUND. Values never logged. */
int pr_env_load(const char *path, pr_err *err);

#ifdef __cplusplus
}
#endif

#include "proratio/core/pool.h"

#endif
