/* Validation of OHLCV data and the report that import and validation fill.
 *
 * Policy (the same for files and in-memory series):
 *   - rows that cannot be parsed (wrong column count, non-numeric or empty
 *     fields, bad times, over-long lines) are skipped (severity error);
 *   - rows that are inconsistent are skipped (error): NaN/inf values, all-zero
 *     placeholder rows, non-positive prices, high < max(open, close),
 *     low > min(open, close), high < low, negative volume;
 *   - a later row with the same timestamp as an earlier one is dropped: an
 *     exact copy is a repair (warning), different values are a conflict
 *     (error) and the first row is the one kept;
 *   - rows out of time order are sorted (warning, repaired);
 *   - zero-volume bars, off-grid timestamps and gaps the calendar does not
 *     expect are kept and reported (warning);
 *   - notes (inferred timeframe or calendar, converted timestamp units,
 *     rounded timestamps) are information, not defects.
 * Every repair and every skipped row is an issue in the report, with its
 * file line where there is one. Strict mode turns any warning or error into
 * a PR_EDATA failure. */
#ifndef PRORATIO_DATA_VALIDATE_H
#define PRORATIO_DATA_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/calendar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_issue_kind {
    PR_ISSUE_PARSE = 0,       /* a field could not be parsed (number, time, null)  */
    PR_ISSUE_COLUMNS,         /* wrong number of columns (truncated or extra)      */
    PR_ISSUE_LINE_TOO_LONG,   /* line longer than the limit                        */
    PR_ISSUE_NONFINITE,       /* NaN or infinity                                   */
    PR_ISSUE_ALL_ZERO,        /* O=H=L=C=V=0 placeholder row                       */
    PR_ISSUE_NONPOSITIVE,     /* a price <= 0                                      */
    PR_ISSUE_OHLC,            /* high/low inconsistent with open/close             */
    PR_ISSUE_NEGATIVE_VOLUME,
    PR_ISSUE_ZERO_VOLUME,     /* kept                                              */
    PR_ISSUE_DUPLICATE,       /* exact duplicate timestamp and values: dropped     */
    PR_ISSUE_CONFLICT,        /* same timestamp, other values: first kept          */
    PR_ISSUE_OUT_OF_ORDER,    /* earlier than a previous row                       */
    PR_ISSUE_OFF_GRID,        /* not on the timeframe's grid: kept                 */
    PR_ISSUE_GAP,             /* expected bars missing: kept as a gap              */
    PR_ISSUE_NOTE,            /* information                                       */
    PR_ISSUE_COUNT
} pr_issue_kind;

typedef enum pr_severity { PR_SEV_INFO = 0, PR_SEV_WARN, PR_SEV_ERROR } pr_severity;

typedef enum pr_issue_action {
    PR_ACTION_NONE = 0,  /* nothing to do (notes)                            */
    PR_ACTION_KEPT,      /* reported, data kept as is                         */
    PR_ACTION_REPAIRED,  /* fixed without losing data (sorted, exact dup)     */
    PR_ACTION_SKIPPED    /* the row was not delivered                         */
} pr_issue_action;

/* Short stable names: "parse", "columns", "line-too-long", "nonfinite",
 * "all-zero", "nonpositive", "ohlc", "negative-volume", "zero-volume",
 * "duplicate", "conflict", "out-of-order", "off-grid", "gap", "note";
 * "info"/"warning"/"error"; "none"/"kept"/"repaired"/"skipped". */
const char *pr_issue_kind_name(pr_issue_kind k);
const char *pr_severity_name(pr_severity s);
const char *pr_issue_action_name(pr_issue_action a);

#define PR_ISSUE_MSG_MAX 160

typedef struct pr_issue {
    pr_issue_kind kind;
    pr_severity severity;
    pr_issue_action action;
    long line;           /* 1-based file line, 0 when not from a file          */
    int64_t index;       /* row index in a validated series, -1 when n/a       */
    int64_t ts;          /* bar time (gap: first missing bar); PR_TIME_NONE    */
    int64_t ts_end;      /* gap: last missing bar; otherwise PR_TIME_NONE      */
    size_t count;        /* gap: missing bars; otherwise 0                     */
    char msg[PR_ISSUE_MSG_MAX];
} pr_issue;

#define PR_REPORT_DEFAULT_CAP 1000

/* What an import or a validation found. Zero-initialising is a valid empty
 * report (list cap PR_REPORT_DEFAULT_CAP); pr_data_report_free releases the
 * issue list. Counts cover every issue, also those beyond the list cap. */
typedef struct pr_data_report {
    char file[PR_ERR_PATH_MAX]; /* "" for an in-memory series                  */
    int format;                 /* pr_csv_format used (import only)            */
    pr_timeframe tf;            /* timeframe checked (given or inferred)       */
    pr_calendar calendar;       /* calendar used for gaps                      */
    int has_volume;             /* 0: the source has no volume column (stored 0) */
    int tz_offset_min;          /* offset applied to stamps without one        */

    long lines;                 /* lines read, header and blank lines included */
    size_t rows;                /* data rows seen                              */
    size_t rows_ok;             /* rows delivered / kept                       */
    size_t rows_skipped;        /* rows not delivered (errors, duplicates)     */
    size_t blank_lines;         /* empty lines (ignored)                       */
    int64_t first_ts, last_ts;  /* range of rows kept; PR_TIME_NONE when none */

    size_t gaps;                /* gaps with missing expected bars             */
    size_t missing_bars;        /* expected bars missing in those gaps         */
    size_t closures;            /* absences the calendar expects (not defects) */

    size_t count[PR_ISSUE_COUNT];
    size_t n_info, n_warn, n_error;

    pr_issue *issues;           /* first issue_cap issues, in discovery order  */
    size_t n_issues;
    size_t issue_cap;           /* list limit; 0 -> PR_REPORT_DEFAULT_CAP      */
    size_t issues_dropped;      /* issues counted but beyond the list cap      */
    size_t alloc_;              /* internal                                    */
} pr_data_report;

/* Empties the report, keeping the list limit cap (0 -> default). */
void pr_data_report_init(pr_data_report *r, size_t issue_cap);
/* Clears counts and the list, keeping cap and memory. */
void pr_data_report_reset(pr_data_report *r);
void pr_data_report_free(pr_data_report *r);
/* Warnings + errors: what strict mode refuses. */
size_t pr_data_report_defects(const pr_data_report *r);
/* Appends an issue (the library uses it; callers may add their own). msg may
 * be NULL. Returns PR_ENOMEM only when the list could not grow (the counts
 * are still updated). */
int pr_data_report_add(pr_data_report *r, pr_issue_kind kind, pr_severity sev,
                       pr_issue_action action, long line, int64_t index, int64_t ts,
                       const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Formats the report as text (one issue per line, "file:line: severity kind:
 * message", then a summary) or as one JSON object; *out is malloc'd and
 * NUL-terminated, the caller frees it. */
int pr_data_report_format(const pr_data_report *r, int json, char **out, pr_err *err);

/* --- validating an in-memory series ---------------------------------------- */
typedef struct pr_validate_options {
    pr_timeframe tf;       /* PR_TF_NONE: the series' tf, else inferred        */
    pr_calendar calendar;  /* PR_CAL_AUTO: inferred from the weekday pattern   */
    int has_volume;        /* 0: no zero-volume warnings (volume not known)    */
    int strict;            /* 1: return PR_EDATA when there is any defect      */
    size_t issue_cap;      /* 0: PR_REPORT_DEFAULT_CAP                         */
} pr_validate_options;

/* tf none, calendar auto, has_volume 1, strict 0. */
void pr_validate_options_init(pr_validate_options *o);

/* Reports every defect of s without changing it (issue.line = 0, index =
 * row). Returns 0, or PR_EDATA in strict mode when defects were found,
 * PR_EINVAL on bad arguments. rep is reset first; it may be NULL when only
 * the strict verdict matters. */
int pr_validate_series(const pr_series *s, const pr_validate_options *o, pr_data_report *rep);
/* Applies the default repair policy in place: drops rows that are
 * inconsistent, sorts by time (stable), drops later duplicates (keeping the
 * first), and reports each change with its row index (before the repair).
 * Zero-volume bars, off-grid stamps and gaps are reported and kept. */
int pr_repair_series(pr_series *s, const pr_validate_options *o, pr_data_report *rep, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
