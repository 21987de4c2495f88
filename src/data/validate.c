/* Validation of OHLCV rows: the report (issue list with counts), the row
 * checks and the time-order/grid/gap checks shared by the streaming importer
 * and the in-memory validation and repair, and timeframe inference. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"

/* ---- names ------------------------------------------------------------------- */
static const char *const kind_names[PR_ISSUE_COUNT] = {
    "parse", "columns", "line-too-long", "nonfinite", "all-zero", "nonpositive", "ohlc", "negative-volume",
    "zero-volume", "duplicate", "conflict", "out-of-order", "off-grid", "gap", "note",
};

const char *pr_issue_kind_name(pr_issue_kind k) {
    return (k >= 0 && k < PR_ISSUE_COUNT) ? kind_names[k] : "?";
}

const char *pr_severity_name(pr_severity s) {
    switch (s) {
    case PR_SEV_INFO: return "info";
    case PR_SEV_WARN: return "warning";
    case PR_SEV_ERROR: return "error";
    default: return "?";
    }
}

const char *pr_issue_action_name(pr_issue_action a) {
    switch (a) {
    case PR_ACTION_NONE: return "none";
    case PR_ACTION_KEPT: return "kept";
    case PR_ACTION_REPAIRED: return "repaired";
    case PR_ACTION_SKIPPED: return "skipped";
    default: return "?";
    }
}

/* ---- report ------------------------------------------------------------------ */
void pr_data_report_init(pr_data_report *r, size_t issue_cap) {
    memset(r, 0, sizeof *r);
    r->issue_cap = issue_cap;
    r->first_ts = r->last_ts = PR_TIME_NONE;
    r->has_volume = 1;
}

void pr_data_report_reset(pr_data_report *r) {
    pr_issue *keep = r->issues;
    size_t alloc = r->alloc_, cap = r->issue_cap;
    memset(r, 0, sizeof *r);
    r->issues = keep;
    r->alloc_ = alloc;
    r->issue_cap = cap;
    r->first_ts = r->last_ts = PR_TIME_NONE;
    r->has_volume = 1;
}

void pr_data_report_free(pr_data_report *r) {
    if (!r) return;
    free(r->issues);
    r->issues = NULL;
    r->alloc_ = r->n_issues = 0;
}

size_t pr_data_report_defects(const pr_data_report *r) { return r ? r->n_warn + r->n_error : 0; }

static int report_vadd(pr_data_report *r, pr_issue_kind kind, pr_severity sev, pr_issue_action action,
                       long line, int64_t index, int64_t ts, int64_t ts_end, size_t count, const char *fmt,
                       va_list ap) {
    if (!r) return PR_OK;
    if (kind >= 0 && kind < PR_ISSUE_COUNT) r->count[kind]++;
    if (sev == PR_SEV_INFO) r->n_info++;
    else if (sev == PR_SEV_WARN) r->n_warn++;
    else r->n_error++;
    size_t cap = r->issue_cap ? r->issue_cap : PR_REPORT_DEFAULT_CAP;
    if (r->n_issues >= cap) {
        r->issues_dropped++;
        return PR_OK;
    }
    if (r->n_issues == r->alloc_) {
        size_t na = r->alloc_ ? r->alloc_ * 2 : 16;
        if (na > cap) na = cap;
        pr_issue *ni = realloc(r->issues, na * sizeof *ni);
        if (!ni) {
            r->issues_dropped++;
            return PR_ENOMEM;
        }
        r->issues = ni;
        r->alloc_ = na;
    }
    pr_issue *is = &r->issues[r->n_issues++];
    is->kind = kind;
    is->severity = sev;
    is->action = action;
    is->line = line;
    is->index = index;
    is->ts = ts;
    is->ts_end = ts_end;
    is->count = count;
    is->msg[0] = 0;
    if (fmt) vsnprintf(is->msg, sizeof is->msg, fmt, ap);
    return PR_OK;
}

int pr_data_report_add(pr_data_report *r, pr_issue_kind kind, pr_severity sev, pr_issue_action action,
                       long line, int64_t index, int64_t ts, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = report_vadd(r, kind, sev, action, line, index, ts, PR_TIME_NONE, 0, fmt, ap);
    va_end(ap);
    return rc;
}

static void add_issue(pr_data_report *r, pr_issue_kind kind, pr_severity sev, pr_issue_action action,
                      long line, int64_t index, int64_t ts, int64_t ts_end, size_t count, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));
static void add_issue(pr_data_report *r, pr_issue_kind kind, pr_severity sev, pr_issue_action action,
                      long line, int64_t index, int64_t ts, int64_t ts_end, size_t count, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    (void)report_vadd(r, kind, sev, action, line, index, ts, ts_end, count, fmt, ap);
    va_end(ap);
}

/* ---- formatting ---------------------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_vadd(sbuf *b, const char *fmt, va_list ap) {
    if (b->oom) return;
    va_list ap2;
    va_copy(ap2, ap);
    int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap2);
    va_end(ap2);
    if (k < 0) {
        b->oom = 1;
        return;
    }
    if (!b->p || b->n + (size_t)k + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->n + (size_t)k + 1) nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
        vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    }
    b->n += (size_t)k;
}

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vadd(b, fmt, ap);
    va_end(ap);
}

static void sb_json_str(sbuf *b, const char *s) {
    sb_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') sb_add(b, "\\%c", *p);
        else if (*p < 0x20) sb_add(b, "\\u%04x", *p);
        else sb_add(b, "%c", *p);
    }
    sb_add(b, "\"");
}

static void sb_json_time(sbuf *b, int64_t t) {
    if (t == PR_TIME_NONE) {
        sb_add(b, "null");
        return;
    }
    char tb[40];
    pr_time_format_iso(t, tb, sizeof tb);
    sb_json_str(b, tb);
}

/* 1 when b repeats a's finding on the next line (or row): same kind,
 * severity, action and message. Gaps never fold: each has its own range. */
static int same_finding(const pr_issue *a, const pr_issue *b) {
    if (a->kind != b->kind || a->severity != b->severity || a->action != b->action || a->kind == PR_ISSUE_GAP)
        return 0;
    if (strcmp(a->msg, b->msg) != 0) return 0;
    if (a->line > 0) return b->line == a->line + 1;
    return a->index >= 0 && b->index == a->index + 1;
}

int pr_data_report_format(const pr_data_report *r, int json, char **out, pr_err *err) {
    if (!r || !out) return pr_err_set(err, PR_EINVAL, "no report");
    sbuf b = {0};
    char t0[40] = "-", t1[40] = "-";
    if (r->first_ts != PR_TIME_NONE) pr_time_format(r->first_ts, t0, sizeof t0);
    if (r->last_ts != PR_TIME_NONE) pr_time_format(r->last_ts, t1, sizeof t1);
    const char *tfn = r->tf != PR_TF_NONE ? pr_tf_name(r->tf) : "unknown";
    if (!json) {
        const char *file = r->file[0] ? r->file : "series";
        for (size_t i = 0; i < r->n_issues;) {
            const pr_issue *is = &r->issues[i];
            /* A run of the same finding on consecutive lines (63 placeholder
             * rows at the end of a file) is one line of text naming the
             * whole range; the JSON form keeps every issue. */
            size_t j = i + 1;
            while (j < r->n_issues && same_finding(&r->issues[j - 1], &r->issues[j])) j++;
            const pr_issue *last = &r->issues[j - 1];
            size_t n = j - i;
            if (is->line > 0 && n > 1) sb_add(&b, "%s:%ld-%ld: ", file, is->line, last->line);
            else if (is->line > 0) sb_add(&b, "%s:%ld: ", file, is->line);
            else if (is->index >= 0 && n > 1)
                sb_add(&b, "%s: rows %lld-%lld: ", file, (long long)is->index, (long long)last->index);
            else if (is->index >= 0) sb_add(&b, "%s: row %lld: ", file, (long long)is->index);
            else sb_add(&b, "%s: ", file);
            sb_add(&b, "%s %s: %s", pr_severity_name(is->severity), pr_issue_kind_name(is->kind), is->msg);
            if (is->action == PR_ACTION_SKIPPED) {
                if (n > 1) sb_add(&b, " [%zu rows skipped]", n);
                else sb_add(&b, " [row skipped]");
            } else if (is->action == PR_ACTION_REPAIRED) {
                sb_add(&b, " [repaired]");
            } else if (n > 1) {
                sb_add(&b, " [%zu rows]", n);
            }
            sb_add(&b, "\n");
            i = j;
        }
        if (r->issues_dropped) sb_add(&b, "... %zu more issues not listed\n", r->issues_dropped);
        sb_add(&b, "%s: %zu rows, %zu kept, %zu skipped; %s to %s; timeframe %s, calendar %s%s\n",
               r->file[0] ? r->file : "series", r->rows, r->rows_ok, r->rows_skipped, t0, t1, tfn,
               pr_calendar_name(r->calendar), r->has_volume ? "" : ", no volume");
        sb_add(&b, "gaps: %zu (%zu missing bars), expected closures: %zu; %zu errors, %zu warnings, %zu notes\n",
               r->gaps, r->missing_bars, r->closures, r->n_error, r->n_warn, r->n_info);
        int any = 0;
        for (int k = 0; k < PR_ISSUE_COUNT; k++)
            if (r->count[k]) {
                sb_add(&b, "%s%s %zu", any ? ", " : "issues: ", kind_names[k], r->count[k]);
                any = 1;
            }
        if (any) sb_add(&b, "\n");
    } else {
        sb_add(&b, "{\"file\":");
        sb_json_str(&b, r->file);
        sb_add(&b, ",\"format\":");
        if (r->file[0]) sb_json_str(&b, pr_csv_format_name((pr_csv_format)r->format));
        else sb_add(&b, "null");
        sb_add(&b, ",\"timeframe\":");
        if (r->tf != PR_TF_NONE) sb_json_str(&b, tfn);
        else sb_add(&b, "null");
        sb_add(&b, ",\"calendar\":\"%s\",\"has_volume\":%s,\"tz_offset_min\":%d", pr_calendar_name(r->calendar),
               r->has_volume ? "true" : "false", r->tz_offset_min);
        sb_add(&b, ",\"lines\":%ld,\"rows\":%zu,\"rows_ok\":%zu,\"rows_skipped\":%zu,\"blank_lines\":%zu", r->lines,
               r->rows, r->rows_ok, r->rows_skipped, r->blank_lines);
        sb_add(&b, ",\"first\":");
        sb_json_time(&b, r->first_ts);
        sb_add(&b, ",\"last\":");
        sb_json_time(&b, r->last_ts);
        sb_add(&b, ",\"gaps\":%zu,\"missing_bars\":%zu,\"closures\":%zu", r->gaps, r->missing_bars, r->closures);
        sb_add(&b, ",\"errors\":%zu,\"warnings\":%zu,\"notes\":%zu,\"counts\":{", r->n_error, r->n_warn, r->n_info);
        for (int k = 0; k < PR_ISSUE_COUNT; k++) sb_add(&b, "%s\"%s\":%zu", k ? "," : "", kind_names[k], r->count[k]);
        sb_add(&b, "},\"issues\":[");
        for (size_t i = 0; i < r->n_issues; i++) {
            const pr_issue *is = &r->issues[i];
            sb_add(&b, "%s{\"severity\":\"%s\",\"kind\":\"%s\",\"action\":\"%s\",\"line\":", i ? "," : "",
                   pr_severity_name(is->severity), pr_issue_kind_name(is->kind), pr_issue_action_name(is->action));
            if (is->line > 0) sb_add(&b, "%ld", is->line);
            else sb_add(&b, "null");
            if (is->index >= 0) sb_add(&b, ",\"index\":%lld", (long long)is->index);
            else sb_add(&b, ",\"index\":null");
            sb_add(&b, ",\"ts\":");
            sb_json_time(&b, is->ts);
            if (is->kind == PR_ISSUE_GAP) {
                sb_add(&b, ",\"ts_end\":");
                sb_json_time(&b, is->ts_end);
                sb_add(&b, ",\"missing\":%zu", is->count);
            }
            sb_add(&b, ",\"message\":");
            sb_json_str(&b, is->msg);
            sb_add(&b, "}");
        }
        sb_add(&b, "],\"issues_not_listed\":%zu}\n", r->issues_dropped);
    }
    if (b.oom) {
        free(b.p);
        return pr_err_set(err, PR_ENOMEM, "out of memory formatting the report");
    }
    *out = b.p;
    return PR_OK;
}

/* ---- timeframe inference ------------------------------------------------------- */
static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Infers from the first 65536 stamps at most: as much as the streaming
 * importer has when it decides, and plenty for a most common step. */
#define INFER_MAX 65536

pr_timeframe dint_infer_tf(const int64_t *ts, size_t n) {
    if (!ts || n < 2) return PR_TF_NONE;
    if (n > INFER_MAX) n = INFER_MAX;
    int64_t *t = malloc(n * sizeof *t);
    if (!t) return PR_TF_NONE;
    memcpy(t, ts, n * sizeof *t);
    int sorted = 1;
    for (size_t i = 1; i < n && sorted; i++) sorted = t[i] >= t[i - 1];
    if (!sorted) qsort(t, n, sizeof *t, cmp_i64);
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (t[i] > t[i - 1]) t[k++] = t[i] - t[i - 1];
    if (!k) {
        free(t);
        return PR_TF_NONE;
    }
    qsort(t, k, sizeof *t, cmp_i64);
    /* Month-long steps (28..31 days) count as one step. */
    for (size_t i = 0; i < k; i++)
        if (t[i] >= 28 * PR_MS_PER_DAY && t[i] <= 31 * PR_MS_PER_DAY) t[i] = -1;
    qsort(t, k, sizeof *t, cmp_i64);
    int64_t best = t[0];
    size_t best_n = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && t[j] == t[i]) j++;
        if (j - i > best_n) best_n = j - i, best = t[i];
        i = j;
    }
    free(t);
    if (best == -1) return PR_TF_1MO;
    for (int tf = PR_TF_NONE + 1; tf < PR_TF_1MO; tf++)
        if (pr_tf_ms((pr_timeframe)tf) == best) return (pr_timeframe)tf;
    return PR_TF_NONE;
}

/* ---- validator ------------------------------------------------------------------ */
void dint_validator_init(dint_validator *v, pr_data_report *rep) {
    memset(v, 0, sizeof *v);
    v->rep = rep;
    v->has_volume = 1;
    v->cal = PR_CAL_AUTO;
    v->max_ts = INT64_MIN;
}

void dint_validator_free(dint_validator *v) { dint_seen_free(&v->seen); }

/* Stream: the values of the first row at ts, which this import delivered
 * earlier. Searches the rows of this chunk already accepted ([0, w)), whose
 * line is then known (*ref_line, else 0), else asks the sink's lookup.
 * 1 found, 0 unknown, negative: stop. */
/* A repeat is an exact duplicate when every column the file carries equals
 * the first row's (== so -0 and 0 agree, as the store keeps them; volume only
 * when the file has it, since a stored bar may hold another feed's volume). */
static int same_values(const dint_validator *v, const double cur[5], const double ref[5]) {
    for (int c = 0; c < 5; c++)
        if ((c < 4 || v->has_volume) && !(cur[c] == ref[c])) return 0;
    return 1;
}

static int first_values(dint_validator *v, const pr_series *s, const long *lines, size_t w, int64_t ts,
                        double out[5], long *ref_line) {
    *ref_line = 0;
    for (size_t j = w; j-- > 0;)
        if (s->ts[j] == ts) {
            const double x[5] = {s->open[j], s->high[j], s->low[j], s->close[j], s->volume[j]};
            memcpy(out, x, sizeof x);
            if (lines) *ref_line = lines[j];
            return 1;
        }
    if (!v->lookup) return 0;
    return v->lookup(v->lookup_user, ts, out, v->err);
}

static void vset_tf(dint_validator *v, pr_timeframe tf) {
    v->tf = tf;
    v->tf_ms = dint_tf_fixed_ms(tf);
    if (v->rep) v->rep->tf = tf;
}

void dint_validator_settle(dint_validator *v, const int64_t *ts, size_t n) {
    if (v->tf == PR_TF_NONE) {
        pr_timeframe tf = dint_infer_tf(ts, n);
        vset_tf(v, tf);
        if (tf != PR_TF_NONE)
            add_issue(v->rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, 0, -1, PR_TIME_NONE, PR_TIME_NONE, 0,
                      "timeframe inferred as %s from the most common step", pr_tf_name(tf));
        else
            add_issue(v->rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, 0, -1, PR_TIME_NONE, PR_TIME_NONE, 0,
                      "timeframe could not be inferred: grid and gap checks skipped");
    } else {
        vset_tf(v, v->tf);
    }
    if (v->cal == PR_CAL_AUTO) {
        v->cal = pr_calendar_infer(ts, n, v->tf);
        add_issue(v->rep, PR_ISSUE_NOTE, PR_SEV_INFO, PR_ACTION_NONE, 0, -1, PR_TIME_NONE, PR_TIME_NONE, 0,
                  "calendar inferred as %s from the weekday pattern", pr_calendar_name(v->cal));
    }
    if (v->rep) v->rep->calendar = v->cal;
}

static void fmt_time(int64_t t, char *b, size_t cap) { pr_time_format(t, b, cap); }

#define ROWLOC(line, index) (v->lines_are_rows ? 0 : (line)), (index)

int dint_check_row(dint_validator *v, int64_t ts, const double *x, long line, int64_t index) {
    static const char *const nm[5] = {"open", "high", "low", "close", "volume"};
    pr_data_report *r = v->rep;
    const double o = x[0], h = x[1], l = x[2], c = x[3], vol = x[4];
    for (int i = 0; i < 5; i++)
        if (!isfinite(x[i]) && (i < 4 || v->has_volume)) {
            add_issue(r, PR_ISSUE_NONFINITE, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts, PR_TIME_NONE,
                      0, "%s is %s", nm[i], isnan(x[i]) ? "NaN" : "infinite");
            return 1;
        }
    if (!v->signed_prices && o == 0 && h == 0 && l == 0 && c == 0 && (vol == 0 || !v->has_volume)) {
        add_issue(r, PR_ISSUE_ALL_ZERO, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts, PR_TIME_NONE, 0,
                  "all-zero placeholder row");
        return 1;
    }
    for (int i = 0; i < 4; i++)
        if (x[i] <= 0 && !v->signed_prices) {
            add_issue(r, PR_ISSUE_NONPOSITIVE, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts,
                      PR_TIME_NONE, 0, "non-positive price: %s = %.10g", nm[i], x[i]);
            return 1;
        }
    if (h < l) {
        add_issue(r, PR_ISSUE_OHLC, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts, PR_TIME_NONE, 0,
                  "high %.10g < low %.10g", h, l);
        return 1;
    }
    double mx = o > c ? o : c, mn = o < c ? o : c;
    if (h < mx) {
        add_issue(r, PR_ISSUE_OHLC, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts, PR_TIME_NONE, 0,
                  "high %.10g < max(open, close) %.10g", h, mx);
        return 1;
    }
    if (l > mn) {
        add_issue(r, PR_ISSUE_OHLC, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts, PR_TIME_NONE, 0,
                  "low %.10g > min(open, close) %.10g", l, mn);
        return 1;
    }
    if (v->has_volume && vol < 0) {
        add_issue(r, PR_ISSUE_NEGATIVE_VOLUME, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, index), ts,
                  PR_TIME_NONE, 0, "negative volume %.10g", vol);
        return 1;
    }
    if (v->has_volume && vol == 0)
        add_issue(r, PR_ISSUE_ZERO_VOLUME, PR_SEV_WARN, PR_ACTION_KEPT, ROWLOC(line, index), ts, PR_TIME_NONE, 0,
                  "zero volume");
    return 0;
}

static void where(const dint_validator *v, long line, int64_t index, char *b, size_t cap) {
    if (v->lines_are_rows || line <= 0) snprintf(b, cap, "row %lld", (long long)index);
    else snprintf(b, cap, "line %ld", line);
}

size_t dint_check_times(dint_validator *v, pr_series *s, size_t n, long *lines, int64_t *index) {
    pr_data_report *r = v->rep;
    size_t w = 0;
    char tb[40], wb[40];
    for (size_t i = 0; i < n; i++) {
        const int64_t ts = s->ts[i];
        const long line = lines ? lines[i] : 0;
        const int64_t idx = index ? index[i] : (int64_t)i;
        const double cur[5] = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i]};
        /* A repeated stamp is recognised against the previous row and, in a
         * stream, against the latest row so far. */
        const int dup_last = v->have_prev && ts == v->prev_ts;
        if (dup_last || (v->have_prev && ts == v->max_ts)) {
            const double *ref = dup_last ? v->prev_v : v->max_v;
            const long ref_line = dup_last ? v->prev_line : v->max_line;
            int same = same_values(v, cur, ref);
            where(v, ref_line, ref_line, wb, sizeof wb);
            if (same)
                add_issue(r, PR_ISSUE_DUPLICATE, PR_SEV_WARN, PR_ACTION_REPAIRED, ROWLOC(line, idx), ts, PR_TIME_NONE,
                          0, "exact duplicate of %s: dropped", wb);
            else
                add_issue(r, PR_ISSUE_CONFLICT, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, idx), ts, PR_TIME_NONE,
                          0, "same time as %s with different values: %s kept", wb, wb);
            if (r) r->rows_skipped++;
            continue;
        }
        if (v->stream && v->have_prev && ts < v->max_ts && dint_seen_has(&v->seen, ts)) {
            /* A repeat further back than the previous row: the first row,
             * already delivered, stays. */
            double ref[5];
            long ref_line = 0;
            int got = first_values(v, s, lines, w, ts, ref, &ref_line);
            if (got < 0) {
                v->fatal = got;
                return w;
            }
            if (ref_line > 0) snprintf(wb, sizeof wb, "line %ld", ref_line);
            else snprintf(wb, sizeof wb, "an earlier row");
            if (got && same_values(v, cur, ref))
                add_issue(r, PR_ISSUE_DUPLICATE, PR_SEV_WARN, PR_ACTION_REPAIRED, ROWLOC(line, idx), ts, PR_TIME_NONE,
                          0, "exact duplicate of %s: dropped", wb);
            else
                add_issue(r, PR_ISSUE_CONFLICT, PR_SEV_ERROR, PR_ACTION_SKIPPED, ROWLOC(line, idx), ts, PR_TIME_NONE,
                          0, "same time as %s%s: %s kept", wb, got ? " with different values" : "",
                          ref_line > 0 ? wb : "the earlier row");
            if (r) r->rows_skipped++;
            continue;
        }
        if (v->have_prev && ts < v->max_ts) {
            fmt_time(v->max_ts, tb, sizeof tb);
            if (v->stream)
                add_issue(r, PR_ISSUE_OUT_OF_ORDER, PR_SEV_WARN, PR_ACTION_KEPT, ROWLOC(line, idx), ts, PR_TIME_NONE,
                          0, "earlier than a previous row (%s): delivered as read, the store orders by time", tb);
            else
                add_issue(r, PR_ISSUE_OUT_OF_ORDER, PR_SEV_WARN, PR_ACTION_REPAIRED, ROWLOC(line, idx), ts,
                          PR_TIME_NONE, 0, "earlier than a previous row (%s): moved into time order", tb);
        }
        int64_t f = ts;
        if (v->tf != PR_TF_NONE) {
            /* Bars up to a day are aligned on the epoch; weeks and months
             * need the calendar floor. */
            f = (v->tf_ms && v->tf_ms <= PR_MS_PER_DAY) ? dint_floordiv(ts, v->tf_ms) * v->tf_ms
                                                       : pr_tf_floor(v->tf, ts);
            if (f != ts) {
                fmt_time(f, tb, sizeof tb);
                add_issue(r, PR_ISSUE_OFF_GRID, PR_SEV_WARN, PR_ACTION_KEPT, ROWLOC(line, idx), ts, PR_TIME_NONE, 0,
                          "not on the %s grid (bar would open at %s)", pr_tf_name(v->tf), tb);
            }
            if (v->max_ts != INT64_MIN && f > v->prev_floor) {
                pr_gap g;
                size_t absent = dint_scan_gap(v->cal, v->tf, v->prev_floor, f, &g);
                if (absent && g.missing) {
                    char t2[40], t3[40], t4[40];
                    fmt_time(g.missing_from, tb, sizeof tb);
                    fmt_time(g.missing_to, t2, sizeof t2);
                    if (absent == g.missing) {
                        add_issue(r, PR_ISSUE_GAP, PR_SEV_WARN, PR_ACTION_KEPT, ROWLOC(line, idx), g.missing_from,
                                  g.missing_to, g.missing, "%zu missing bar%s from %s to %s", g.missing,
                                  g.missing == 1 ? "" : "s", tb, t2);
                    } else {
                        fmt_time(g.from, t3, sizeof t3);
                        fmt_time(g.to, t4, sizeof t4);
                        add_issue(r, PR_ISSUE_GAP, PR_SEV_WARN, PR_ACTION_KEPT, ROWLOC(line, idx), g.missing_from,
                                  g.missing_to, g.missing,
                                  "%zu missing bar%s from %s to %s (no bars %s to %s, the rest a market closure)",
                                  g.missing, g.missing == 1 ? "" : "s", tb, t2, t3, t4);
                    }
                    if (r) {
                        r->gaps++;
                        r->missing_bars += g.missing;
                    }
                } else if (absent && r) {
                    r->closures++;
                }
            }
        }
        if (v->stream) {
            v->seen.step = v->tf_ms;
            if (dint_seen_add(&v->seen, ts) != 0) {
                v->fatal = pr_err_set(v->err, PR_ENOMEM, "out of memory remembering the times imported");
                return w;
            }
        }
        v->have_prev = 1;
        v->prev_ts = ts;
        memcpy(v->prev_v, cur, sizeof cur);
        v->prev_line = v->lines_are_rows ? (long)idx : line;
        if (ts > v->max_ts) {
            v->max_ts = ts;
            v->prev_floor = f;
            memcpy(v->max_v, cur, sizeof cur);
            v->max_line = v->prev_line;
        }
        if (r) {
            if (r->first_ts == PR_TIME_NONE || ts < r->first_ts) r->first_ts = ts;
            if (r->last_ts == PR_TIME_NONE || ts > r->last_ts) r->last_ts = ts;
        }
        if (w != i) {
            s->ts[w] = ts;
            s->open[w] = cur[0];
            s->high[w] = cur[1];
            s->low[w] = cur[2];
            s->close[w] = cur[3];
            s->volume[w] = cur[4];
            if (lines) lines[w] = line;
            if (index) index[w] = idx;
        }
        w++;
    }
    return w;
}

/* ---- in-memory series --------------------------------------------------------------- */
void pr_validate_options_init(pr_validate_options *o) {
    memset(o, 0, sizeof *o);
    o->has_volume = 1;
}

static int series_ok(const pr_series *s) {
    return s && (s->len == 0 || (s->ts && s->open && s->high && s->low && s->close && s->volume));
}

typedef struct order_key {
    int64_t ts;
    int64_t idx;
} order_key;

static int cmp_key(const void *a, const void *b) {
    const order_key *x = a, *y = b;
    if (x->ts != y->ts) return (x->ts > y->ts) - (x->ts < y->ts);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

int dint_sort_rows(pr_series *s, size_t n, long *lines, int64_t *index) {
    if (n < 2) return PR_OK;
    order_key *k = malloc(n * sizeof *k);
    double *tmp = malloc(n * sizeof *tmp);
    int64_t *ti = malloc(n * sizeof *ti);
    if (!k || !tmp || !ti) {
        free(k);
        free(tmp);
        free(ti);
        return PR_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) k[i].ts = s->ts[i], k[i].idx = (int64_t)i;
    /* The index tie-break makes the sort stable: the first of equal stamps
     * stays first, which is the row the duplicate policy keeps. */
    qsort(k, n, sizeof *k, cmp_key);
    double *cols[5] = {s->open, s->high, s->low, s->close, s->volume};
    for (int c = 0; c < 5; c++) {
        for (size_t i = 0; i < n; i++) tmp[i] = cols[c][k[i].idx];
        memcpy(cols[c], tmp, n * sizeof *tmp);
    }
    for (size_t i = 0; i < n; i++) s->ts[i] = k[i].ts;
    if (index) {
        for (size_t i = 0; i < n; i++) ti[i] = index[k[i].idx];
        memcpy(index, ti, n * sizeof *ti);
    }
    if (lines) {
        for (size_t i = 0; i < n; i++) ti[i] = lines[k[i].idx];
        for (size_t i = 0; i < n; i++) lines[i] = (long)ti[i];
    }
    free(k);
    free(tmp);
    free(ti);
    return PR_OK;
}

int dint_report_order(dint_validator *v, const int64_t *ts, size_t n, const long *lines, const int64_t *index) {
    int64_t mx = INT64_MIN;
    int unsorted = 0;
    char tb[40];
    for (size_t i = 0; i < n; i++) {
        if (ts[i] < mx) {
            unsorted = 1;
            pr_time_format(mx, tb, sizeof tb);
            add_issue(v->rep, PR_ISSUE_OUT_OF_ORDER, PR_SEV_WARN, PR_ACTION_REPAIRED,
                      ROWLOC(lines ? lines[i] : 0, index ? index[i] : (int64_t)i), ts[i], PR_TIME_NONE, 0,
                      "earlier than a previous row (%s): moved into time order", tb);
        }
        if (ts[i] > mx) mx = ts[i];
    }
    return unsorted;
}

/* The default policy on s in place; r already reset. */
static int repair_impl(pr_series *s, const pr_validate_options *o, pr_data_report *r) {
    dint_validator v;
    dint_validator_init(&v, r);
    v.lines_are_rows = 1;
    v.has_volume = o->has_volume;
    v.cal = o->calendar;
    v.tf = o->tf != PR_TF_NONE ? o->tf : s->tf;
    r->has_volume = o->has_volume;
    r->rows = s->len;
    int64_t *index = s->len ? malloc(s->len * sizeof *index) : NULL;
    if (s->len && !index) return PR_ENOMEM;
    size_t w = 0;
    for (size_t i = 0; i < s->len; i++) {
        const double x[5] = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i]};
        if (dint_check_row(&v, s->ts[i], x, 0, (int64_t)i)) {
            r->rows_skipped++;
            continue;
        }
        s->ts[w] = s->ts[i];
        s->open[w] = x[0];
        s->high[w] = x[1];
        s->low[w] = x[2];
        s->close[w] = x[3];
        s->volume[w] = x[4];
        index[w] = (int64_t)i;
        w++;
    }
    int rc = PR_OK;
    if (dint_report_order(&v, s->ts, w, NULL, index)) rc = dint_sort_rows(s, w, NULL, index);
    if (rc == PR_OK) {
        dint_validator_settle(&v, s->ts, w);
        w = dint_check_times(&v, s, w, NULL, index);
        s->len = w;
        if (s->tf == PR_TF_NONE) s->tf = v.tf;
        r->rows_ok = w;
    }
    free(index);
    return rc;
}

static pr_data_report *begin(pr_data_report *rep, pr_data_report *local, const pr_validate_options *o) {
    pr_data_report *r = rep;
    if (!r) pr_data_report_init(local, 1), r = local;
    else pr_data_report_reset(r);
    if (o->issue_cap) r->issue_cap = o->issue_cap;
    return r;
}

int pr_validate_series(const pr_series *s, const pr_validate_options *o, pr_data_report *rep) {
    pr_validate_options def;
    if (!o) pr_validate_options_init(&def), o = &def;
    if (!series_ok(s)) return PR_EINVAL;
    pr_data_report local;
    pr_data_report *r = begin(rep, &local, o);
    /* The policy runs on a copy: the caller's series is not changed. */
    pr_series tmp = *s;
    tmp.ts = NULL;
    double *blk = NULL;
    int rc = PR_OK;
    if (s->len) {
        tmp.ts = malloc(s->len * sizeof *tmp.ts);
        blk = malloc(5 * s->len * sizeof *blk);
        if (!tmp.ts || !blk) rc = PR_ENOMEM;
    }
    if (rc == PR_OK && s->len) {
        tmp.open = blk;
        tmp.high = blk + s->len;
        tmp.low = blk + 2 * s->len;
        tmp.close = blk + 3 * s->len;
        tmp.volume = blk + 4 * s->len;
        memcpy(tmp.ts, s->ts, s->len * sizeof *tmp.ts);
        memcpy(tmp.open, s->open, s->len * sizeof *blk);
        memcpy(tmp.high, s->high, s->len * sizeof *blk);
        memcpy(tmp.low, s->low, s->len * sizeof *blk);
        memcpy(tmp.close, s->close, s->len * sizeof *blk);
        memcpy(tmp.volume, s->volume, s->len * sizeof *blk);
    }
    if (rc == PR_OK) rc = repair_impl(&tmp, o, r);
    free(tmp.ts);
    free(blk);
    if (rc == PR_OK && o->strict && pr_data_report_defects(r)) rc = PR_EDATA;
    if (r == &local) pr_data_report_free(&local);
    return rc;
}

int pr_repair_series(pr_series *s, const pr_validate_options *o, pr_data_report *rep, pr_err *err) {
    pr_validate_options def;
    if (!o) pr_validate_options_init(&def), o = &def;
    if (!series_ok(s)) return pr_err_set(err, PR_EINVAL, "invalid series");
    pr_data_report local;
    pr_data_report *r = begin(rep, &local, o);
    int rc = repair_impl(s, o, r);
    if (r == &local) pr_data_report_free(&local);
    if (rc) return pr_err_set(err, rc, "out of memory repairing the series");
    return PR_OK;
}
