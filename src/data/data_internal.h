/* Internal helpers of the data module's import, validation, calendar and
 * resampling code: civil-date arithmetic inlined for the hot loops, the fast
 * number and time parsers, and the streaming validator shared by the CSV
 * importer and the in-memory validation. Not a public interface. */
#ifndef PR_DATA_INTERNAL_H
#define PR_DATA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "proratio/core.h"
#include "proratio/data/calendar.h"
#include "proratio/data/import.h"
#include "proratio/data/validate.h"

/* ---- integer and civil-date arithmetic ------------------------------------ */
static inline int64_t dint_floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b) != 0 && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static inline int64_t dint_days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static inline void dint_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Monday .. 6 = Sunday for a day number (1970-01-01 was a Thursday). */
static inline int dint_weekday(int64_t days) {
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static inline int dint_days_in_month(int y, unsigned m) {
    static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2) return 28 + ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
    return dm[m - 1];
}

/* Fixed bar length in ms, 0 for calendar months. */
static inline int64_t dint_tf_fixed_ms(pr_timeframe tf) {
    if (tf == PR_TF_1MO || tf <= PR_TF_NONE || tf >= PR_TF_COUNT) return 0;
    return pr_tf_ms(tf);
}

/* Doubles an array's capacity (to `first` elements when empty): the new
 * block, or NULL with the old one and *cap untouched. The store's row
 * readers and the import's seen-set grow through it. */
static inline void *dint_grow(void *p, size_t *cap, size_t first, size_t elem) {
    size_t nc = *cap ? *cap * 2 : first;
    if (nc < *cap || nc > SIZE_MAX / elem) return NULL;
    void *q = realloc(p, nc * elem);
    if (q) *cap = nc;
    return q;
}

/* Stamps an import accepts: 1900-01-01 (old stock data) up to the end of
 * 2199. Anything outside is a typo or a wrong unit, and would make the
 * calendar's gap scan walk billions of bars. */
#define DINT_TS_MIN (INT64_C(-25567) * PR_MS_PER_DAY)
#define DINT_TS_END (INT64_C(84006) * PR_MS_PER_DAY) /* 2200-01-01, excluded */
#define DINT_TS_RANGE_TEXT "outside the supported range 1900-01-01 to 2199-12-31"

/* ---- fast parsers (import_parse.c) ---------------------------------------- */
/* Exact decimal to double: the same result as strtod for every input that
 * strtod accepts completely in the "C" locale. Accepts nan/inf spellings
 * (they are reported by the validator, not as parse errors). Rejects empty
 * fields, "null" and trailing garbage with 0 return; returns 1 on success. */
int dint_parse_double(const char *s, size_t n, double *out);
/* Decimal integer with optional sign; 1 on success. */
int dint_parse_int64(const char *s, size_t n, int64_t *out);

typedef struct dint_time_spec {
    pr_time_unit unit;     /* for integer stamps                          */
    const char *pattern;   /* NULL or "" for automatic                    */
    int tz_offset_min;     /* applied when the text carries no offset      */
} dint_time_spec;

/* Parses a date/time (and an optional separate time-of-day field s2/n2,
 * NULL when absent) into UTC ms. *unit_used gets the epoch unit for integer
 * stamps (PR_TU_AUTO for text). Returns 1 on success, 0 with a short reason
 * in *why on failure. */
int dint_parse_time(const char *s, size_t n, const char *s2, size_t n2, const dint_time_spec *sp,
                    int64_t *out, pr_time_unit *unit_used, const char **why);

/* ---- CSV layout (import_detect.c) ------------------------------------------ */
typedef struct dint_field {
    const char *p;
    size_t n;
} dint_field;

/* Splits one line (no newline) at delim, honouring double quotes (the quotes
 * are removed; "" inside stays as is). Writes up to cap fields and returns
 * the number of fields; *bad gets a message for an unterminated quote or
 * text after a closing quote (NULL when fine). */
size_t dint_split(const char *line, size_t len, char delim, dint_field *f, size_t cap,
                  const char **bad);

#define DINT_MAX_FIELDS 64

typedef struct dint_layout {
    pr_csv_format fmt;
    char delim;
    int header;               /* the first non-blank line is a header      */
    int ncols;                /* expected column count; 0 until known      */
    int col[PR_COL_COUNT];
    int need;                 /* 1 + the largest column used               */
    pr_time_unit unit;
    char pattern[48];
    int tz_min;
    int has_volume;
    int tick_volume;
} dint_layout;

/* Builds the layout from the first non-blank line. funding: a funding-rate
 * import. Returns 0, or PR_EUNSUPPORTED / PR_EINVAL with err filled. */
int dint_layout_detect(const pr_import_options *o, int funding, const char *line, size_t len,
                       dint_layout *lay, pr_err *err);

/* ---- calendar cache (calendar.c) ------------------------------------------- */
typedef struct dint_day {
    int64_t day;             /* day number, INT64_MIN when not filled         */
    int64_t open0, open1;    /* required-open part of the day, ms offsets     */
    int64_t wk_p, wk_s;      /* weekend closure: [0, wk_p) and [wk_s, 1 day)  */
    pr_closure why;          /* reason when the whole day is closed          */
    int trading;             /* stock: NYSE trading day                        */
} dint_day;

void dint_day_fill(pr_calendar cal, int64_t day, dint_day *out);
/* Like pr_calendar_bar_expected with a one-day cache (cache->day = INT64_MIN
 * initially). */
int dint_bar_expected(pr_calendar cal, pr_timeframe tf, int64_t tf_ms, int64_t open,
                      dint_day *cache, pr_closure *why);

/* Scans the absent bars strictly between the bars opening at fa and fb (both
 * on the grid, fa < fb); fills g (index untouched). Returns the number of
 * absent bars. */
size_t dint_scan_gap(pr_calendar cal, pr_timeframe tf, int64_t fa, int64_t fb, pr_gap *g);

/* ---- times a streamed import delivered (seen.c) ---------------------------- */
typedef struct dint_run { int64_t lo, hi; } dint_run; /* lo, lo+step, ..., hi */
typedef struct dint_seen {
    int64_t step;            /* grid of the runs (tf in ms); 0: points only    */
    int64_t phase;           /* offset of the runs' grid, from the first stamp */
    int phased;
    dint_run *runs;          /* sorted, disjoint, not adjacent                 */
    size_t n_runs, cap_runs;
    int64_t *pts;            /* sorted stamps off the runs' grid               */
    size_t n_pts, cap_pts;
} dint_seen;

int dint_seen_has(const dint_seen *s, int64_t ts);
/* 0, or -1 when out of memory. */
int dint_seen_add(dint_seen *s, int64_t ts);
void dint_seen_free(dint_seen *s);

/* ---- streaming validator (validate.c) -------------------------------------- */
typedef struct dint_validator {
    pr_data_report *rep;
    pr_timeframe tf;
    int64_t tf_ms;           /* 0 for months                                  */
    pr_calendar cal;
    int has_volume;
    int signed_prices;       /* 1: zero and negative prices are values (an
                                index), not defects                           */
    int lines_are_rows;      /* in-memory series: index instead of line       */
    int stream;              /* 1: out-of-order rows kept where they are      */
    /* last row accepted in time order */
    int have_prev;
    int64_t prev_ts, prev_floor;
    double prev_v[5];
    long prev_line;
    int64_t max_ts;          /* latest stamp so far and its row           */
    double max_v[5];
    long max_line;
    /* stream: every stamp delivered, so that a repeat anywhere is dropped
     * (the first row is kept); the values of a repeat's first row come
     * from the chunk at hand, else from `lookup` (import options) */
    dint_seen seen;
    pr_import_lookup lookup;
    void *lookup_user;
    pr_err *err;
    int fatal;               /* PR_ENOMEM or the lookup's error: stop         */
} dint_validator;

void dint_validator_init(dint_validator *v, pr_data_report *rep);
void dint_validator_free(dint_validator *v);
/* Row checks (values only). Returns 1 when the row must be skipped. */
int dint_check_row(dint_validator *v, int64_t ts, const double *ohlcv, long line, int64_t index);
/* Time checks over rows [0, n) of s in their current order (order, duplicate,
 * grid, gaps), carrying state across calls. Rows to drop are removed in place
 * (lines/index arrays compacted alongside when not NULL). Returns the new n. */
size_t dint_check_times(dint_validator *v, pr_series *s, size_t n, long *lines, int64_t *index);
/* Chooses tf and calendar when unknown, from stamps (any order); adds notes. */
void dint_validator_settle(dint_validator *v, const int64_t *ts, size_t n);
pr_timeframe dint_infer_tf(const int64_t *ts, size_t n);
/* Reports rows earlier than a previous row; 1 when [0, n) is unsorted. */
int dint_report_order(dint_validator *v, const int64_t *ts, size_t n, const long *lines, const int64_t *index);
/* Stable sort of rows [0, n) by time, carrying lines/index (may be NULL). */
int dint_sort_rows(pr_series *s, size_t n, long *lines, int64_t *index);

#endif
