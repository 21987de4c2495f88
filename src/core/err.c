/* Error records: library calls fill one with a message and whatever context
 * they know (file position, field, HTTP status, venue code); the CLI prints
 * it as one line with pr_err_format. */
#include <stdio.h>
#include <string.h>

#include "proratio/core.h"

void pr_err_clear(pr_err *e) {
    if (e) memset(e, 0, sizeof *e);
}

int pr_err_vset(pr_err *e, int code, const char *fmt, va_list ap) {
    if (!e) return code;
    e->code = code;
    /* Formatted into a copy first so callers may wrap an earlier message:
     * pr_err_set(e, e->code, "loading %s: %s", path, e->msg). */
    char tmp[PR_ERR_MSG_MAX];
    tmp[0] = '\0';
    if (fmt) vsnprintf(tmp, sizeof tmp, fmt, ap);
    memcpy(e->msg, tmp, sizeof e->msg);
    return code;
}

int pr_err_set(pr_err *e, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = pr_err_vset(e, code, fmt, ap);
    va_end(ap);
    return rc;
}

void pr_err_at(pr_err *e, const char *file, long line, int column, const char *field) {
    if (!e) return;
    if (file) pr_strlcpy(e->file, file, sizeof e->file);
    if (line > 0) e->line = line;
    if (column > 0) e->column = column;
    if (field) pr_strlcpy(e->field, field, sizeof e->field);
}

/* Appends printf-style text at *pos without overflowing; *pos tracks the
 * length that would have been written so truncation is detected once. */
static void append(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (*pos < cap) {
        int n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
        if (n > 0) *pos += (size_t)n;
    }
    va_end(ap);
}

/* Messages built by config validation already start with "<path>: ";
 * repeating the field would print it twice. */
static int msg_starts_with_field(const pr_err *e) {
    size_t n = strlen(e->field);
    return n > 0 && strncmp(e->msg, e->field, n) == 0 && e->msg[n] == ':';
}

size_t pr_err_format(const pr_err *e, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    buf[0] = '\0';
    if (!e) return 0;
    size_t pos = 0;
    if (e->file[0]) {
        append(buf, cap, &pos, "%s", e->file);
        if (e->line > 0) append(buf, cap, &pos, ":%ld", e->line);
        if (e->line > 0 && e->column > 0) append(buf, cap, &pos, ":%d", e->column);
        append(buf, cap, &pos, ": ");
    } else if (e->line > 0) {
        append(buf, cap, &pos, "line %ld", e->line);
        if (e->column > 0) append(buf, cap, &pos, ", column %d", e->column);
        append(buf, cap, &pos, ": ");
    }
    if (e->field[0] && !msg_starts_with_field(e)) append(buf, cap, &pos, "%s: ", e->field);
    if (e->msg[0]) {
        append(buf, cap, &pos, "%s", e->msg);
    } else {
        append(buf, cap, &pos, "%s", pr_status_name(e->code));
    }
    if (e->http_status) append(buf, cap, &pos, " [HTTP %d]", e->http_status);
    if (e->venue_code[0]) append(buf, cap, &pos, " [venue code %s]", e->venue_code);
    return pos < cap ? pos : cap - 1;
}
