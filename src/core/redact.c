/* Secret redaction (API keys, bot tokens, webhook URLs) for every text that
 * may reach a log, a message or a stored body: the LLM providers' replies,
 * the notifiers' errors. A key is masked
 * as "[REDACTED]" wherever it appears raw or JSON-escaped (any number of
 * backslashes before a \uXXXX, as in a JSON string inside a JSON string),
 * and so is a part of it that survived a cut: a key prefix of 4 or more
 * characters at the end of a text (where the provider or a buffer cut it),
 * the rest of a key (4 or more characters) at the start of a text, and a
 * prefix of 8 or more characters anywhere (a vendor's public prefix such
 * as "sk-proj-" is masked too, which costs nothing). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core/redact.h"

static const char k_mark[] = "[REDACTED]";

static int hexval(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* The character that starts at s[q] once escapes are undone, and its
 * length in s. -1 for a character no key can hold (non-ASCII escapes):
 * keys travel in HTTP headers, so they are ASCII. */
static int unit_at(const char *s, size_t q, size_t n, size_t *len) {
    *len = 1;
    if (s[q] != '\\') return (unsigned char)s[q];
    size_t j = q;
    while (j < n && s[j] == '\\') j++;
    if (j + 4 < n && s[j] == 'u') {
        int cp = 0;
        for (size_t k = 1; k <= 4; k++) {
            int h = hexval((unsigned char)s[j + k]);
            if (h < 0) return '\\';
            cp = cp * 16 + h;
        }
        *len = j + 5 - q;
        return cp < 0x80 ? cp : -1;
    }
    if (j < n && s[j] == '/') {
        *len = j + 1 - q;
        return '/';
    }
    return '\\';
}

/* How far key[from..kn) matches s from p: sets *end (in s), returns the count. */
static size_t match(const char *key, size_t from, size_t kn, const char *s, size_t p, size_t n, size_t *end) {
    size_t q = p, m = from, len;
    while (m < kn && q < n && unit_at(s, q, n, &len) == (unsigned char)key[m]) {
        m++;
        q += len;
    }
    *end = q;
    return m - from;
}

/* Length in s of the masked span starting at p, 0 when none starts there. */
static size_t hit_at(const char *key, size_t kn, const char *s, size_t p, size_t n) {
    size_t tail = kn < 4 ? kn : 4;
    size_t q;
    size_t m = match(key, 0, kn, s, p, n, &q);
    if (m == kn || m >= 8 || (q == n && m >= tail)) return q - p;
    /* A text that starts with the rest of a key cut before it (the next
     * content block, a window opened inside the key). */
    if (p != 0) return 0;
    size_t len;
    int c0 = unit_at(s, 0, n, &len);
    for (size_t from = 1; from + tail <= kn; from++)
        if ((unsigned char)key[from] == c0 && match(key, from, kn, s, 0, n, &q) == kn - from) return q;
    return 0;
}

char *pr_redact(const char *key, const char *s) {
    if (!s) return NULL;
    size_t kn = key ? strlen(key) : 0;
    if (kn == 0) return strdup(s);
    size_t n = strlen(s), cap = n + 1, w = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (size_t p = 0; p < n;) {
        size_t hit = hit_at(key, kn, s, p, n);
        size_t add = hit ? sizeof k_mark - 1 : 1;
        if (w + add + 1 > cap) {
            cap = cap * 2 + add;
            char *nb = realloc(out, cap);
            if (!nb) {
                free(out);
                return NULL;
            }
            out = nb;
        }
        if (hit) {
            memcpy(out + w, k_mark, add);
            p += hit;
        } else {
            out[w] = s[p++];
        }
        w += add;
    }
    out[w] = '\0';
    return out;
}

void pr_redact_buf(const char *key, char *buf, size_t cap) {
    if (!buf || cap == 0 || !key || !*key) return;
    /* A second pass masks a key prefix that the first copy's cut left at the end. */
    for (int pass = 0; pass < 2; pass++) {
        char *red = pr_redact(key, buf);
        if (!red) { /* out of memory: lose the text rather than keep a key */
            buf[0] = '\0';
            return;
        }
        size_t n = strlen(red);
        pr_strlcpy(buf, red, cap);
        free(red);
        if (n < cap) return;
    }
}

void pr_redact_json(const char *key, json_t *j) {
    if (!j || !key || !*key) return;
    if (json_is_string(j)) {
        /* A string holding a NUL byte (\u0000) is checked up to it only; the
         * stored body is redacted separately, whole. */
        char *red = pr_redact(key, json_string_value(j));
        if (red && strcmp(red, json_string_value(j)) != 0) json_string_set(j, red);
        else if (!red) json_string_set(j, k_mark);
        free(red);
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) pr_redact_json(key, v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) pr_redact_json(key, v);
    }
}

