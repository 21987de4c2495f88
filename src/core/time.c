/* UTC time as int64 milliseconds since the Unix epoch: civil-date arithmetic
 * (Howard Hinnant's days_from_civil / civil_from_days), a fast hand-written
 * timestamp parser for the CSV importers (no sscanf/strptime/mktime, no
 * locale, no allocation) and fixed-width formatting. */
#include <string.h>
#include <time.h>

#include "proratio/core.h"

int64_t pr_days_from_civil(int y, unsigned m, unsigned d) {
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;                                  /* [0, 399]     */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365]     */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096]  */
    return era * 146097 + doe - 719468;
}

void pr_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    if (y) *y = (int)(yoe + era * 400 + (mm <= 2));
    if (m) *m = mm;
    if (d) *d = dd;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int y, unsigned m) {
    static const unsigned char k[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29u : k[m - 1];
}

int pr_time_make(int y, int mon, int day, int h, int mi, int s, int64_t *out_ms) {
    if (!out_ms || mon < 1 || mon > 12 || day < 1 || (unsigned)day > days_in_month(y, (unsigned)mon) ||
        h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
        return PR_EINVAL;
    *out_ms = pr_days_from_civil(y, (unsigned)mon, (unsigned)day) * PR_MS_PER_DAY +
              ((int64_t)h * 3600 + mi * 60 + s) * PR_MS_PER_SEC;
    return PR_OK;
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int pr_weekday(int64_t ms) {
    /* 1970-01-01 was a Thursday: day 0 -> 3 when Monday is 0. */
    int64_t days = floor_div(ms, PR_MS_PER_DAY);
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t pr_time_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

static inline int digit(unsigned char c) { return (unsigned)(c - '0') <= 9; }

/* Two digits at p -> value, or -1. */
static inline int two(const unsigned char *p) {
    unsigned a = (unsigned)p[0] - '0', b = (unsigned)p[1] - '0';
    return (a > 9 || b > 9) ? -1 : (int)(a * 10 + b);
}

static inline int is_trim(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

/* Slow path only: builds the message that quotes the offending text. */
static int parse_fail(pr_err *err, const char *s, size_t n, const char *why) {
    if (!err) return PR_EPARSE;
    if (n > 64) return pr_err_set(err, PR_EPARSE, "invalid time \"%.64s...\": %s", s, why);
    return pr_err_set(err, PR_EPARSE, "invalid time \"%.*s\": %s", (int)n, s, why);
}

/* Bare integer epoch, unit chosen by magnitude. */
static int parse_epoch(const unsigned char *p, size_t n, int64_t *out) {
    size_t i = 0;
    int neg = 0;
    if (p[0] == '-') { neg = 1; i = 1; }
    if (i == n || n - i > 19) return 0;
    uint64_t v = 0;
    for (; i < n; i++) v = v * 10 + (uint64_t)(p[i] - '0');
    int64_t div;
    if (v < 100000000000ULL) {            /* < 1e11: seconds (until year 5138)   */
        int64_t ms = (int64_t)v * 1000;
        *out = neg ? -ms : ms;
        return 1;
    } else if (v < 100000000000000ULL) {  /* < 1e14: milliseconds                 */
        div = 1;
    } else if (v < 100000000000000000ULL) { /* < 1e17: microseconds              */
        div = 1000;
    } else {                              /* nanoseconds                          */
        div = 1000000;
    }
    int64_t q = (int64_t)(v / (uint64_t)div), r = (int64_t)(v % (uint64_t)div);
    *out = neg ? -(q + (r != 0)) : q; /* floor for instants before 1970 */
    return 1;
}

int pr_time_parse(const char *s, size_t len, int64_t *out_ms, pr_err *err) {
    if (!s || !out_ms) return pr_err_set(err, PR_EINVAL, "pr_time_parse: NULL argument");
    if (len == (size_t)-1) len = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = len;
    while (n > 0 && is_trim(*p)) { p++; n--; }
    while (n > 0 && is_trim(p[n - 1])) n--;
    const char *txt = (const char *)p; /* for error messages */
    if (n == 0) return parse_fail(err, txt, n, "empty");

    /* All digits (optionally negative): epoch number. */
    {
        size_t i = (p[0] == '-') ? 1 : 0;
        while (i < n && digit(p[i])) i++;
        if (i == n) {
            if (parse_epoch(p, n, out_ms)) return PR_OK;
            return parse_fail(err, txt, n, "not a date or an epoch number");
        }
    }
    if (n < 8) return parse_fail(err, txt, n, "too short");

    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac_ms = 0, off_ms = 0;
    size_t i;
    int compact = 0;
    if (!digit(p[0]) || !digit(p[1]) || !digit(p[2]) || !digit(p[3]))
        return parse_fail(err, txt, n, "expected a 4-digit year");
    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    unsigned char sep = p[4];
    if (sep == '-' || sep == '.' || sep == '/') {
        /* YYYY-MM-DD, YYYY.MM.DD (MetaTrader), YYYY/MM/DD */
        if (n < 10 || p[7] != sep) return parse_fail(err, txt, n, "expected YYYY-MM-DD");
        mo = two(p + 5);
        d = two(p + 8);
        i = 10;
    } else {
        /* YYYYMMDD (HistData) */
        mo = two(p + 4);
        d = two(p + 6);
        i = 8;
        compact = 1;
    }
    if (mo < 0 || d < 0) return parse_fail(err, txt, n, "expected digits in the date");
    if (mo < 1 || mo > 12) return parse_fail(err, txt, n, "month out of range");
    if (d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo))
        return parse_fail(err, txt, n, "day out of range for the month");

    if (i < n) {
        unsigned char c = p[i];
        if (c != 'T' && c != 't' && c != ' ' && c != ',')
            return parse_fail(err, txt, n, "expected 'T', ' ' or ',' between date and time");
        i++;
        while (i < n && p[i] == ' ') i++;
        if (n - i < 4) return parse_fail(err, txt, n, "incomplete time of day");
        if (compact && n - i >= 6 && digit(p[i + 2]) && digit(p[i + 4])) {
            /* HHMMSS[mmm] (HistData, tick files add milliseconds) */
            h = two(p + i);
            mi = two(p + i + 2);
            sec = two(p + i + 4);
            i += 6;
            if (n - i >= 3 && digit(p[i]) && digit(p[i + 1]) && digit(p[i + 2])) {
                frac_ms = (p[i] - '0') * 100 + (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
                i += 3;
            }
        } else {
            if (n - i < 5 || p[i + 2] != ':') return parse_fail(err, txt, n, "expected HH:MM");
            h = two(p + i);
            mi = two(p + i + 3);
            i += 5;
            if (i < n && p[i] == ':') {
                if (n - i < 3) return parse_fail(err, txt, n, "expected seconds after ':'");
                sec = two(p + i + 1);
                i += 3;
                if (i < n && p[i] == '.') {
                    /* 1..9 fractional digits; sub-millisecond digits truncate. */
                    size_t j = ++i;
                    int64_t f = 0;
                    while (i < n && digit(p[i])) {
                        if (i - j < 3) f = f * 10 + (p[i] - '0');
                        i++;
                    }
                    size_t nd = i - j;
                    if (nd == 0 || nd > 9) return parse_fail(err, txt, n, "expected 1 to 9 fractional digits");
                    if (nd == 1) f *= 100;
                    else if (nd == 2) f *= 10;
                    frac_ms = f;
                }
            }
        }
        if (h < 0 || mi < 0 || sec < 0) return parse_fail(err, txt, n, "expected digits in the time");
        if (h > 23) return parse_fail(err, txt, n, "hour out of range");
        if (mi > 59) return parse_fail(err, txt, n, "minute out of range");
        if (sec > 59) return parse_fail(err, txt, n, "second out of range");

        /* Zone: Z, +HH:MM, +HHMM, +HH (optionally after one space). */
        if (i < n && p[i] == ' ' && i + 1 < n && (p[i + 1] == '+' || p[i + 1] == '-' || p[i + 1] == 'Z')) i++;
        if (i < n) {
            c = p[i];
            if (c == 'Z' || c == 'z') {
                i++;
            } else if (c == '+' || c == '-') {
                i++;
                if (n - i < 2) return parse_fail(err, txt, n, "bad UTC offset");
                int oh = two(p + i), om = 0;
                i += 2;
                if (i < n && p[i] == ':') i++;
                if (i < n) {
                    if (n - i < 2) return parse_fail(err, txt, n, "bad UTC offset");
                    om = two(p + i);
                    i += 2;
                }
                if (oh < 0 || om < 0 || oh > 23 || om > 59) return parse_fail(err, txt, n, "bad UTC offset");
                off_ms = ((int64_t)oh * 60 + om) * PR_MS_PER_MIN;
                if (c == '-') off_ms = -off_ms;
            }
        }
        if (i != n) return parse_fail(err, txt, n, "unexpected trailing characters");
    }

    /* Local time at offset +X is UTC + X, so subtract the offset. */
    *out_ms = pr_days_from_civil(y, (unsigned)mo, (unsigned)d) * PR_MS_PER_DAY +
              ((int64_t)h * 3600 + mi * 60 + sec) * PR_MS_PER_SEC + frac_ms - off_ms;
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Formatting                                                                */
/* ------------------------------------------------------------------------ */

static char *put2(char *q, unsigned v) {
    q[0] = (char)('0' + v / 10);
    q[1] = (char)('0' + v % 10);
    return q + 2;
}

/* "YYYY-MM-DD<sep>" of day `days` at q; returns the end. */
static char *format_date(int64_t days, char sep, char *q) {
    int y;
    unsigned mo, d;
    pr_civil_from_days(days, &y, &mo, &d);
    if (y >= 0 && y <= 9999) {
        unsigned uy = (unsigned)y;
        *q++ = (char)('0' + uy / 1000);
        *q++ = (char)('0' + uy / 100 % 10);
        *q++ = (char)('0' + uy / 10 % 10);
        *q++ = (char)('0' + uy % 10);
    } else {
        q += snprintf(q, 16, "%d", y);
    }
    *q++ = '-';
    q = put2(q, mo);
    *q++ = '-';
    q = put2(q, d);
    *q++ = sep;
    return q;
}

/* "HH:MM:SS[.mmm][Z]" of `rem` ms into the day at q, NUL-terminated;
 * returns the end. */
static char *format_clock(int64_t rem, int zulu, char *q) {
    unsigned secs = (unsigned)(rem / 1000), msec = (unsigned)(rem % 1000);
    q = put2(q, secs / 3600);
    *q++ = ':';
    q = put2(q, secs / 60 % 60);
    *q++ = ':';
    q = put2(q, secs % 60);
    if (msec) {
        *q++ = '.';
        *q++ = (char)('0' + msec / 100);
        q = put2(q, msec % 100);
    }
    if (zulu) *q++ = 'Z';
    *q = '\0';
    return q;
}

/* Writes "YYYY-MM-DD<sep>HH:MM:SS[.mmm][Z]" into tmp (>= 40 bytes). */
static size_t format_into(int64_t ms, char sep, int zulu, char *tmp) {
    if (ms == PR_TIME_NONE) {
        memcpy(tmp, "none", 5);
        return 4;
    }
    int64_t days = floor_div(ms, PR_MS_PER_DAY);
    char *q = format_clock(ms - days * PR_MS_PER_DAY, zulu, format_date(days, sep, tmp));
    return (size_t)(q - tmp);
}

static size_t copy_out(const char *tmp, size_t n, char *buf, size_t cap) {
    if (!buf || cap == 0) return 0;
    if (n >= cap) n = cap - 1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return n;
}

size_t pr_time_format_iso(int64_t ms, char *buf, size_t cap) {
    char tmp[48];
    return copy_out(tmp, format_into(ms, 'T', 1, tmp), buf, cap);
}

size_t pr_time_format_iso_memo(int64_t ms, pr_iso_memo *memo, char out[PR_TIME_STR_MAX]) {
    if (ms == PR_TIME_NONE) return pr_time_format_iso(ms, out, PR_TIME_STR_MAX);
    int64_t days = floor_div(ms, PR_MS_PER_DAY);
    if (!memo->set || memo->day != days) {
        char tmp[48];
        memo->len = (size_t)(format_date(days, 'T', tmp) - tmp);
        if (memo->len > 18) return pr_time_format_iso(ms, out, PR_TIME_STR_MAX); /* a far year: no room */
        memcpy(memo->date, tmp, memo->len);
        memo->day = days;
        memo->set = 1;
    }
    memcpy(out, memo->date, memo->len);
    return (size_t)(format_clock(ms - days * PR_MS_PER_DAY, 1, out + memo->len) - out);
}

size_t pr_time_format(int64_t ms, char *buf, size_t cap) {
    char tmp[48];
    return copy_out(tmp, format_into(ms, ' ', 0, tmp), buf, cap);
}
