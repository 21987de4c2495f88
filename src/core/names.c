/* Names users type: "did you mean" suggestions for typos, the check that
 * keeps venue and symbol names printable (they end up in tables, JSON and
 * dataset names), and escaping of untrusted text before it is shown. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proratio/core.h"

#define NAME_MAX_LEN 127

/* Optimal string alignment distance; SIZE_MAX for over-long words. */
static size_t edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > NAME_MAX_LEN || m > NAME_MAX_LEN) return SIZE_MAX;
    /* Three rolling rows: the swap rule looks two rows back. */
    size_t r0[NAME_MAX_LEN + 1], r1[NAME_MAX_LEN + 1], r2[NAME_MAX_LEN + 1];
    size_t *pp = r0, *p = r1, *c = r2;
    for (size_t j = 0; j <= m; j++) p[j] = j;
    for (size_t i = 1; i <= n; i++) {
        c[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = p[j] + 1;
            if (c[j - 1] + 1 < v) v = c[j - 1] + 1;
            if (p[j - 1] + cost < v) v = p[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[m];
}

const char *pr_suggest_name(const char *word, const char *const *names) {
    if (!word || !names) return NULL;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; names[i]; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    size_t len = strlen(word);
    size_t limit = len <= 4 ? 1 : (len <= 8 ? 2 : 3);
    return best_d <= limit ? best : NULL;
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, uint32_t *cp) {
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? (c < 0xF0 ? 3 : 0) : c >= 0xC2 ? 2 : 0;
    if (!n) return 0;
    uint32_t v = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Control characters (C0, DEL, C1) and the Unicode line/paragraph
 * separators, which terminals and tables treat as layout. */
static int is_control(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

char *pr_escape_text(const char *src, int flags, char *dst, size_t cap) {
    if (!dst || cap == 0) return dst;
    size_t j = 0;
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    while (*s) {
        uint32_t cp = 0;
        size_t n = utf8_len(s, &cp);
        char tmp[8];
        size_t tl;
        if (n && *s == '\\' && (flags & PR_ESC_BACKSLASH)) {
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\\\");
        } else if (n && (!is_control(cp) || ((flags & PR_ESC_NEWLINES) && (cp == '\n' || cp == '\t')))) {
            memcpy(tmp, s, n);
            tl = n;
        } else {
            /* One byte per pass: a multi-byte control character's other
             * bytes are invalid on their own and escaped in turn. */
            n = 1;
            tl = (size_t)snprintf(tmp, sizeof tmp, "\\x%02X", *s);
        }
        if (j + tl >= cap) break;
        memcpy(dst + j, tmp, tl);
        j += tl;
        s += n;
    }
    dst[j] = '\0';
    return dst;
}

int pr_name_check(const char *what, const char *name, pr_err *err) {
    if (!name || !*name) return pr_err_set(err, PR_EINVAL, "%s: empty name", what);
    char shown[4 * PR_SYMBOL_MAX + 8];
    size_t len = strlen(name);
    if (len >= PR_SYMBOL_MAX)
        return pr_err_set(err, PR_EINVAL, "%s: name \"%s\" is longer than %d bytes", what,
                          pr_escape_text(name, PR_ESC_BACKSLASH, shown, sizeof shown), PR_SYMBOL_MAX - 1);
    const unsigned char *s = (const unsigned char *)name;
    while (*s) {
        uint32_t cp = 0;
        size_t n = utf8_len(s, &cp);
        if (!n || is_control(cp) || cp == ' ' || cp == 0xA0 || cp == '"' || cp == '\'' || cp == '\\' ||
            cp == ':')
            return pr_err_set(err, PR_EINVAL,
                              "%s: name \"%s\" has a character that is not allowed (printable UTF-8 "
                              "only, without spaces, quotes, backslashes, ':' or control characters)",
                              what, pr_escape_text(name, PR_ESC_BACKSLASH, shown, sizeof shown));
        s += n;
    }
    return PR_OK;
}
