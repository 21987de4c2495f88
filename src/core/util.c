/* Small shared helpers: bounded number parsing for CSV fields (fast, no
 * allocation) and a safe string copy. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"

size_t pr_strlcpy(char *dst, const char *src, size_t cap) {
    if (!dst || cap == 0) return 0;
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memmove(dst, src, n); /* tolerate overlap (copying a record's own field) */
    dst[n] = '\0';
    return n;
}

int pr_bytes_append(char **buf, size_t *len, size_t *cap, const void *p, size_t n, size_t first, size_t max) {
    if (n >= max || *len > max - n - 1) return PR_ENOMEM;   /* len + n + 1 > max */
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : (first ? first : 64);
        while (c < *len + n + 1) c *= 2;
        if (c > max) c = max;
        char *nb = realloc(*buf, c);
        if (!nb) return PR_ENOMEM;
        *buf = nb;
        *cap = c;
    }
    if (n) memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
    return PR_OK;
}

static int is_trim(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'';
}

/* Strips blanks, line ends and quotes around a CSV field. */
static void trim_field(const char **s, size_t *len) {
    const char *p = *s;
    size_t n = (*len == (size_t)-1) ? strlen(p) : *len;
    while (n > 0 && is_trim(*p)) { p++; n--; }
    while (n > 0 && is_trim(p[n - 1])) n--;
    *s = p;
    *len = n;
}

/* Exact powers of ten: every one up to 1e22 is representable in a double, so
 * m * 10^e and m / 10^e are single correctly rounded operations (Clinger's
 * fast path) and agree bit for bit with strtod. */
static const double k_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Returns 1 and sets *out when the field is a plain decimal that the fast
 * path can convert exactly; 0 means "let strtod decide". */
static int fast_decimal(const char *p, size_t n, double *out) {
    size_t i = 0;
    int neg = 0;
    if (i < n && (p[i] == '-' || p[i] == '+')) { neg = p[i] == '-'; i++; }
    uint64_t m = 0;
    int digits = 0, frac = 0, any = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9') {
        any = 1;
        if (m || p[i] != '0') {
            if (++digits > 19) return 0;
        }
        m = m * 10 + (uint64_t)(p[i] - '0');
        i++;
    }
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            any = 1;
            if (m || p[i] != '0') {
                if (++digits > 19) return 0;
            }
            m = m * 10 + (uint64_t)(p[i] - '0');
            frac++;
            i++;
        }
    }
    if (!any) return 0;
    int e = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (p[i] == '-' || p[i] == '+')) { eneg = p[i] == '-'; i++; }
        if (i >= n) return 0;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            if (e > 1000) return 0;
            e = e * 10 + (p[i] - '0');
            i++;
        }
        if (eneg) e = -e;
    }
    if (i != n) return 0;
    e -= frac;
    if (m > (1ULL << 53)) return 0;
    double v = (double)m;
    if (e < 0) {
        if (e < -22) return 0;
        v /= k_pow10[-e];
    } else if (e > 0) {
        if (e > 22) return 0;
        v *= k_pow10[e];
    }
    *out = neg ? -v : v;
    return 1;
}

int pr_parse_double(const char *s, size_t len, double *out) {
    if (!s || !out) return PR_EINVAL;
    trim_field(&s, &len);
    if (len == 0) return PR_EPARSE;
    if (fast_decimal(s, len, out)) return PR_OK;
    /* Slow path (long mantissas, big exponents, nan/inf, hex): strtod over a
     * NUL-terminated stack copy so it cannot read past the field. */
    char buf[128];
    if (len >= sizeof buf) return PR_EPARSE;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0') return PR_EPARSE;
    /* ERANGE on underflow still yields the nearest double (0 or subnormal),
     * and on overflow +-HUGE_VAL: both are values the validator can judge. */
    *out = v;
    return PR_OK;
}

int pr_parse_int64(const char *s, size_t len, int64_t *out) {
    if (!s || !out) return PR_EINVAL;
    trim_field(&s, &len);
    if (len == 0) return PR_EPARSE;
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-' || s[0] == '+') { neg = s[0] == '-'; i++; }
    if (i == len) return PR_EPARSE;
    uint64_t v = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return PR_EPARSE;
        if (v > (lim - d) / 10) return PR_ERANGE;
        v = v * 10 + d;
    }
    if (neg) {
        *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
    } else {
        *out = (int64_t)v;
    }
    return PR_OK;
}
