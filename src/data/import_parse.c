/* Fast field parsers for the CSV importer: an exact decimal-to-double
 * conversion (Clinger's fast path, strtod for the rest) and a date/time
 * parser for the layouts market-data vendors use. Both work on bounded,
 * non-NUL-terminated fields so that the importer never copies a line. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data_internal.h"

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void trim(const char **s, size_t *n) {
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

/* strtod over a bounded field; only accepts a complete conversion. */
static int slow_double(const char *s, size_t n, double *out) {
    char stack[128];
    char *buf = n < sizeof stack ? stack : malloc(n + 1);
    if (!buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end = NULL;
    errno = 0;
    double d = strtod(buf, &end);
    int ok = end == buf + n && n > 0;
    /* Hexadecimal floats are not decimal data. */
    for (size_t i = 0; ok && i < n; i++)
        if (buf[i] == 'x' || buf[i] == 'X') ok = 0;
    if (buf != stack) free(buf);
    if (!ok) return 0;
    *out = d;
    return 1;
}

int dint_parse_double(const char *s, size_t n, double *out) {
    trim(&s, &n);
    if (n == 0) return 0;
    const char *p = s, *e = s + n;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    /* Up to 19 digits always fit in a uint64; more go to strtod. */
    uint64_t m = 0;
    int nd = 0, exp10 = 0;
    while (p < e && (unsigned)(*p - '0') < 10) m = m * 10 + (uint64_t)(*p++ - '0'), nd++;
    if (p < e && *p == '.') {
        const char *fs = ++p;
        while (p < e && (unsigned)(*p - '0') < 10) m = m * 10 + (uint64_t)(*p++ - '0'), nd++;
        exp10 = -(int)(p - fs);
    }
    if (nd == 0) return slow_double(s, n, out); /* nan, inf, infinity, or garbage */
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, ev = 0;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= e || !is_digit(*p)) return 0;
        while (p < e && is_digit(*p)) {
            if (ev < 100000) ev = ev * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -ev : ev;
    }
    if (p != e) return 0;
    if (nd > 19) return slow_double(s, n, out);
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return 1;
    }
    /* Both m and 10^|e| are exact doubles: one correctly rounded IEEE
     * operation gives the correctly rounded result, as strtod does
     * (Clinger's fast path). */
    if (m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = (double)m;
        d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
        *out = neg ? -d : d;
        return 1;
    }
    return slow_double(s, n, out);
}

int dint_parse_int64(const char *s, size_t n, int64_t *out) {
    trim(&s, &n);
    if (n == 0) return 0;
    const char *p = s, *e = s + n;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (p == e) return 0;
    uint64_t v = 0;
    for (; p < e; p++) {
        if (!is_digit(*p)) return 0;
        if (v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg) return 0;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* ---- time ------------------------------------------------------------------ */
static int digits(const char *p, const char *e, int k, int *v) {
    if (e - p < k) return 0;
    int x = 0;
    for (int i = 0; i < k; i++) {
        if (!is_digit(p[i])) return 0;
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    return 1;
}

typedef struct civil {
    int y, mo, d, h, mi, s, ms;
    int has_off, off_min;
} civil;

static int civil_to_ms(const civil *c, int tz_default, int64_t *out, const char **why) {
    if (c->mo < 1 || c->mo > 12) return *why = "month out of range", 0;
    if (c->d < 1 || c->d > dint_days_in_month(c->y, (unsigned)c->mo)) return *why = "day out of range", 0;
    if (c->h > 23 || c->mi > 59 || c->s > 59) return *why = "time of day out of range", 0;
    int64_t days = dint_days_from_civil(c->y, (unsigned)c->mo, (unsigned)c->d);
    int64_t ms = days * PR_MS_PER_DAY + c->h * PR_MS_PER_HOUR + c->mi * PR_MS_PER_MIN +
                 c->s * PR_MS_PER_SEC + c->ms;
    ms -= (int64_t)(c->has_off ? c->off_min : tz_default) * PR_MS_PER_MIN;
    *out = ms;
    return 1;
}

/* Fraction digits after '.' or ',' -> milliseconds (sub-ms truncated). */
static const char *parse_frac(const char *p, const char *e, int *ms) {
    int v = 0, k = 0;
    while (p < e && is_digit(*p)) {
        if (k < 3) v = v * 10 + (*p - '0');
        k++;
        p++;
    }
    while (k < 3) v *= 10, k++;
    *ms = v;
    return p;
}

/* Z, z, +HH, +HHMM, +HH:MM (also after a space, and "UTC"/"GMT"). */
static int parse_offset(const char *p, const char *e, civil *c) {
    while (p < e && *p == ' ') p++;
    if (p == e) return 1;
    if (e - p == 1 && (*p == 'Z' || *p == 'z')) {
        c->has_off = 1;
        c->off_min = 0;
        return 1;
    }
    if (e - p == 3 && (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0)) {
        c->has_off = 1;
        c->off_min = 0;
        return 1;
    }
    if (*p != '+' && *p != '-') return 0;
    int sign = *p++ == '-' ? -1 : 1, hh, mm = 0;
    if (!digits(p, e, 2, &hh)) return 0;
    p += 2;
    if (p < e && *p == ':') p++;
    if (p < e) {
        if (!digits(p, e, 2, &mm)) return 0;
        p += 2;
    }
    if (p != e || hh > 23 || mm > 59) return 0;
    c->has_off = 1;
    c->off_min = sign * (hh * 60 + mm);
    return 1;
}

/* HH:MM[:SS[.fff]] or HHMMSS[.fff]; returns the position after it or NULL. */
static const char *parse_clock(const char *p, const char *e, civil *c) {
    if (!digits(p, e, 2, &c->h)) return NULL;
    p += 2;
    if (p < e && *p == ':') {
        p++;
        if (!digits(p, e, 2, &c->mi)) return NULL;
        p += 2;
        if (p < e && *p == ':') {
            p++;
            if (!digits(p, e, 2, &c->s)) return NULL;
            p += 2;
        }
    } else {
        if (!digits(p, e, 2, &c->mi) || !digits(p + 2, e, 2, &c->s)) return NULL;
        p += 4;
    }
    if (p < e && (*p == '.' || *p == ',') && p + 1 < e && is_digit(p[1])) p = parse_frac(p + 1, e, &c->ms);
    return p;
}

static int parse_auto_text(const char *s, size_t n, const char *s2, size_t n2, int tz, int64_t *out,
                           const char **why) {
    const char *p = s, *e = s + n;
    civil c = {0};
    if (!digits(p, e, 4, &c.y)) return *why = "not a date", 0;
    p += 4;
    if (p < e && (*p == '-' || *p == '.' || *p == '/')) {
        char sep = *p++;
        if (!digits(p, e, 2, &c.mo)) return *why = "bad month", 0;
        p += 2;
        if (p >= e || *p != sep) return *why = "bad date", 0;
        p++;
        if (!digits(p, e, 2, &c.d)) return *why = "bad day", 0;
        p += 2;
    } else {
        if (!digits(p, e, 2, &c.mo) || !digits(p + 2, e, 2, &c.d)) return *why = "bad date", 0;
        p += 4;
    }
    if (p < e && (*p == 'T' || *p == ' ' || *p == ',')) {
        const char *q = p + 1;
        while (q < e && *q == ' ') q++;
        if (q < e && is_digit(*q)) {
            p = parse_clock(q, e, &c);
            if (!p) return *why = "bad time of day", 0;
        }
    }
    if (!parse_offset(p, e, &c)) return *why = "unexpected characters after the time", 0;
    if (s2) {
        const char *q = s2, *qe = s2 + n2;
        while (q < qe && *q == ' ') q++;
        while (qe > q && qe[-1] == ' ') qe--;
        q = parse_clock(q, qe, &c);
        if (!q) return *why = "bad time of day", 0;
        if (!parse_offset(q, qe, &c)) return *why = "unexpected characters after the time", 0;
    }
    return civil_to_ms(&c, tz, out, why);
}

static const char *const month_abbr[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec"};

/* Reads 1..maxd digits. */
static const char *num(const char *p, const char *e, int maxd, int *v) {
    int x = 0, k = 0;
    while (p < e && k < maxd && is_digit(*p)) x = x * 10 + (*p++ - '0'), k++;
    if (!k) return NULL;
    *v = x;
    return p;
}

static int parse_pattern(const char *s, size_t n, const char *pat, int tz, int64_t *out,
                         const char **why) {
    const char *p = s, *e = s + n;
    civil c = {.d = 1, .mo = 1};
    int pm = -1, hour12 = 0;
    for (const char *f = pat; *f; f++) {
        if (*f != '%') {
            if (p >= e || *p != *f) return *why = "does not match the time pattern", 0;
            p++;
            continue;
        }
        f++;
        switch (*f) {
        case 'Y': p = num(p, e, 4, &c.y); break;
        case 'y':
            p = num(p, e, 2, &c.y);
            if (p) c.y += c.y < 70 ? 2000 : 1900;
            break;
        case 'm': p = num(p, e, 2, &c.mo); break;
        case 'd': p = num(p, e, 2, &c.d); break;
        case 'H': p = num(p, e, 2, &c.h); break;
        case 'I':
            p = num(p, e, 2, &c.h);
            hour12 = 1;
            break;
        case 'M': p = num(p, e, 2, &c.mi); break;
        case 'S': p = num(p, e, 2, &c.s); break;
        case 'f':
            if (p >= e || !is_digit(*p)) return *why = "does not match the time pattern", 0;
            p = parse_frac(p, e, &c.ms);
            break;
        case 'b': {
            const char *q = NULL;
            for (int i = 0; i < 12 && !q; i++)
                if (e - p >= 3 && strncasecmp(p, month_abbr[i], 3) == 0) c.mo = i + 1, q = p + 3;
            p = q;
            break;
        }
        case 'p':
            if (e - p >= 2 && strncasecmp(p, "AM", 2) == 0) pm = 0;
            else if (e - p >= 2 && strncasecmp(p, "PM", 2) == 0) pm = 1;
            else p = NULL;
            if (p) p += 2;
            break;
        case 'z': {
            /* The offset runs to the end of the field or the next literal. */
            const char *q = p;
            while (q < e && (*q == 'Z' || *q == 'z' || *q == '+' || *q == '-' || *q == ':' ||
                             is_digit(*q)))
                q++;
            if (!parse_offset(p, q, &c)) p = NULL;
            else p = q;
            break;
        }
        case '%':
            if (p >= e || *p != '%') p = NULL;
            else p++;
            break;
        default: return *why = "unsupported directive in the time pattern", 0;
        }
        if (!p) return *why = "does not match the time pattern", 0;
    }
    if (p != e) return *why = "unexpected characters after the time", 0;
    if (hour12) {
        if (c.h < 1 || c.h > 12 || pm < 0) return *why = "bad 12-hour time", 0;
        c.h = c.h % 12 + (pm ? 12 : 0);
    }
    return civil_to_ms(&c, tz, out, why);
}

static int all_digits(const char *s, size_t n) {
    size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == n) return 0;
    for (; i < n; i++)
        if (!is_digit(s[i])) return 0;
    return 1;
}

int dint_parse_time(const char *s, size_t n, const char *s2, size_t n2, const dint_time_spec *sp,
                    int64_t *out, pr_time_unit *unit_used, const char **why) {
    trim(&s, &n);
    if (s2) trim(&s2, &n2);
    *unit_used = PR_TU_AUTO;
    if (n == 0) return *why = "empty time", 0;
    if (sp->pattern && sp->pattern[0]) {
        if (!s2) return parse_pattern(s, n, sp->pattern, sp->tz_offset_min, out, why);
        char buf[160];
        if (n + n2 + 2 > sizeof buf) return *why = "time too long", 0;
        memcpy(buf, s, n);
        buf[n] = ' ';
        memcpy(buf + n + 1, s2, n2);
        return parse_pattern(buf, n + 1 + n2, sp->pattern, sp->tz_offset_min, out, why);
    }
    if (!s2 && all_digits(s, n)) {
        /* An eight-digit YYYYMMDD is a date, not 1970 seconds, unless the
         * unit says otherwise. */
        if (sp->unit == PR_TU_AUTO && n == 8 && s[0] >= '1' && s[0] <= '2') {
            const char *w;
            if (parse_auto_text(s, n, NULL, 0, sp->tz_offset_min, out, &w)) return 1;
        }
        int64_t v;
        if (!dint_parse_int64(s, n, &v)) return *why = "integer out of range", 0;
        pr_time_unit u = sp->unit;
        if (u == PR_TU_AUTO) {
            uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN has no int64 magnitude */
            u = a < UINT64_C(100000000000) ? PR_TU_S
                : a < UINT64_C(100000000000000) ? PR_TU_MS
                : a < UINT64_C(100000000000000000) ? PR_TU_US : PR_TU_NS;
        }
        *unit_used = u;
        switch (u) {
        case PR_TU_S:
            if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) return *why = "integer out of range", 0;
            *out = v * 1000;
            break;
        case PR_TU_MS: *out = v; break;
        case PR_TU_US: *out = dint_floordiv(v, 1000); break;
        default: *out = dint_floordiv(v, 1000000); break;
        }
        return 1;
    }
    return parse_auto_text(s, n, s2, n2, sp->tz_offset_min, out, why);
}
