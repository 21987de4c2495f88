/* JSON text with shortest round-trip reals (see proratio/core/json_text.h):
 * a walk over the jansson tree that lays text out as json_dumps does, but
 * prints reals with pr_dtoa instead of "%.17g". Used for metrics.json, the
 * run logs, the HTML report's data and the CLI's JSON output. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/core.h"
#include "proratio/core/json_text.h"

#define MAX_DEPTH 2048
#define INDENT_OF(f) ((int)((f) & 0x1F))

typedef int (*out_fn)(void *ctx, const char *s, size_t n);

typedef struct jw {
    out_fn out;
    void *ctx;
    size_t flags;
} jw;

static int put(jw *w, const char *s, size_t n) { return w->out(w->ctx, s, n); }

/* Line break and indentation, or the single space between items of a
 * non-compact, non-indented document. */
static int indent(jw *w, int depth, int space) {
    int n = INDENT_OF(w->flags);
    if (n > 0) {
        static const char spaces[] = "                                ";
        if (put(w, "\n", 1)) return -1;
        for (long left = (long)depth * n; left > 0; left -= 32)
            if (put(w, spaces, left < 32 ? (size_t)left : 32)) return -1;
        return 0;
    }
    return space && !(w->flags & JSON_COMPACT) ? put(w, " ", 1) : 0;
}

/* Length of the UTF-8 sequence at s (jansson only holds valid UTF-8) and its
 * code point. */
static size_t utf8_at(const unsigned char *s, size_t left, int32_t *cp) {
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > left) n = left;
    int32_t v = n == 1 ? (int32_t)c : n == 2 ? (int32_t)(c & 0x1F) : n == 3 ? (int32_t)(c & 0x0F) : (int32_t)(c & 0x07);
    for (size_t i = 1; i < n; i++) v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return n;
}

static int string(jw *w, const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    if (put(w, "\"", 1)) return -1;
    size_t run = 0, i = 0;
    int ascii = (w->flags & JSON_ENSURE_ASCII) != 0;
    while (i < len) {
        unsigned c = s[i];
        /* Plain bytes (and UTF-8 left as is) extend the run untouched. */
        if (c >= 0x20 && c != '"' && c != '\\' && c != '/' && (c < 0x80 || !ascii)) {
            run++;
            i++;
            continue;
        }
        int32_t cp;
        size_t n = utf8_at(s + i, len - i, &cp);
        const char *esc = NULL;
        char seq[24];
        if (cp == '\\') esc = "\\\\";
        else if (cp == '"') esc = "\\\"";
        else if (cp == '/' && (w->flags & JSON_ESCAPE_SLASH)) esc = "\\/";
        else if (cp == '\b') esc = "\\b";
        else if (cp == '\f') esc = "\\f";
        else if (cp == '\n') esc = "\\n";
        else if (cp == '\r') esc = "\\r";
        else if (cp == '\t') esc = "\\t";
        else if (cp < 0x20 || (cp > 0x7F && (w->flags & JSON_ENSURE_ASCII))) {
            if (cp < 0x10000) {
                snprintf(seq, sizeof seq, "\\u%04X", (unsigned)cp);
            } else { /* UTF-16 surrogate pair */
                int32_t v = cp - 0x10000;
                snprintf(seq, sizeof seq, "\\u%04X\\u%04X", (unsigned)(0xD800 | (v >> 10)), (unsigned)(0xDC00 | (v & 0x3FF)));
            }
            esc = seq;
        }
        if (esc) {
            if (run && put(w, str + i - run, run)) return -1;
            run = 0;
            if (put(w, esc, strlen(esc))) return -1;
        } else {
            run += n;
        }
        i += n;
    }
    if (run && put(w, str + len - run, run)) return -1;
    return put(w, "\"", 1);
}

/* pr_dtoa text in jansson's spelling of a real. */
static size_t real_text(double x, char *b) {
    size_t n = pr_dtoa(x, b);
    char *e = strchr(b, 'e');
    if (!e) {
        if (!strchr(b, '.')) {
            memcpy(b + n, ".0", 3);
            n += 2;
        }
        return n;
    }
    char *d = e + 1, *q = d;
    if (*q == '+') q++;
    else if (*q == '-') d = ++q;
    while (*q == '0' && q[1]) q++;
    size_t tail = strlen(q);
    memmove(d, q, tail + 1);
    return (size_t)(d - b) + tail;
}

/* The decimal text of v, without snprintf: it ends at b + INT_TEXT_MAX
 * (not NUL-terminated); returns where it starts. */
#define INT_TEXT_MAX 24
static const char *int_text(long long v, char b[INT_TEXT_MAX]) {
    char *p = b + INT_TEXT_MAX;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return p;
}

typedef struct key_ref {
    const char *key;
    size_t len;
} key_ref;

static int key_cmp(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, m);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int value(jw *w, const json_t *j, int depth);

int pr_json_put_string(const char *s, size_t len, size_t flags, int (*out)(void *ctx, const char *s, size_t n),
                       void *ctx) {
    jw w = {out, ctx, flags};
    return string(&w, s, len);
}

size_t pr_json_real_text(double x, char b[PR_JSON_REAL_MAX]) { return real_text(x, b); }

void pr_jw_init(pr_jw *j, size_t flags, out_fn out, void *ctx) {
    memset(j, 0, sizeof *j);
    j->out = out;
    j->ctx = ctx;
    j->flags = flags;
}

static void jw_raw(pr_jw *j, const char *s, size_t n) {
    if (j->out(j->ctx, s, n)) j->bad = 1;
}

/* Before a value: the comma after the previous member of an array (an
 * object's comma comes before the key). */
static void jw_value(pr_jw *j) {
    if (j->after_key) j->after_key = 0;
    else if (j->count[j->depth]++) jw_raw(j, ",", 1);
}

void pr_jw_open(pr_jw *j, char c) {
    jw_value(j);
    jw_raw(j, &c, 1);
    if (j->depth + 1 < PR_JW_DEPTH) j->count[++j->depth] = 0;
    else j->bad = 1;
}

void pr_jw_close(pr_jw *j, char c) {
    jw_raw(j, &c, 1);
    if (j->depth > 0) j->depth--;
}

void pr_jw_key(pr_jw *j, const char *key) {
    /* ,"key": in one piece when the key has nothing to escape (the
     * literal keys of a writer always). */
    char b[72];
    size_t k = 0;
    if (j->count[j->depth]++) b[k++] = ',';
    b[k++] = '"';
    for (const char *c = key; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (k + 3 > sizeof b || u < 0x20 || u >= 0x80 || u == '"' || u == '\\' || u == '/') {
            k = 0;
            break;
        }
        b[k++] = *c;
    }
    if (k) {
        b[k++] = '"';
        b[k++] = ':';
        jw_raw(j, b, k);
    } else {
        if (j->count[j->depth] > 1) jw_raw(j, ",", 1);
        if (pr_json_put_string(key, strlen(key), j->flags, j->out, j->ctx)) j->bad = 1;
        jw_raw(j, ":", 1);
    }
    j->after_key = 1;
}

void pr_jw_str(pr_jw *j, const char *s, size_t n) {
    jw_value(j);
    if (pr_json_put_string(s, n, j->flags, j->out, j->ctx)) j->bad = 1;
}

void pr_jw_text(pr_jw *j, const char *s, size_t n) {
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80) i++;
    if (i < n) { /* not plain ASCII: jansson says whether it is valid UTF-8 */
        json_t *v = json_stringn(s, n);
        if (!v) {
            char *c = malloc(n);
            if (!c) {
                j->bad = 1;
                return;
            }
            for (size_t k = 0; k < n; k++) c[k] = (unsigned char)s[k] >= 0x80 ? '?' : s[k];
            pr_jw_str(j, c, n);
            free(c);
            return;
        }
        json_decref(v);
    }
    pr_jw_str(j, s, n);
}

void pr_jw_real(pr_jw *j, double x) {
    char b[PR_JSON_REAL_MAX];
    jw_value(j);
    if (!isfinite(x)) jw_raw(j, "null", 4);
    else jw_raw(j, b, real_text(x, b));
}

void pr_jw_int(pr_jw *j, long long v) {
    char b[INT_TEXT_MAX];
    const char *p = int_text(v, b);
    jw_value(j);
    jw_raw(j, p, (size_t)(b + sizeof b - p));
}

void pr_jw_lit(pr_jw *j, const char *lit) {
    jw_value(j);
    jw_raw(j, lit, strlen(lit));
}

static int object(jw *w, const json_t *j, int depth) {
    const char *sep = (w->flags & JSON_COMPACT) ? ":" : ": ";
    size_t n = json_object_size(j);
    if (put(w, "{", 1)) return -1;
    if (n == 0) return put(w, "}", 1);
    key_ref *keys = malloc(n * sizeof *keys);
    if (!keys) return -1;
    size_t k = 0;
    for (void *it = json_object_iter((json_t *)j); it && k < n; it = json_object_iter_next((json_t *)j, it)) {
        keys[k].key = json_object_iter_key(it);
        keys[k].len = strlen(keys[k].key);
        k++;
    }
    if (w->flags & JSON_SORT_KEYS) qsort(keys, k, sizeof *keys, key_cmp);
    int rc = indent(w, depth + 1, 0);
    for (size_t i = 0; i < k && rc == 0; i++) {
        rc = string(w, keys[i].key, keys[i].len);
        if (rc == 0) rc = put(w, sep, strlen(sep));
        if (rc == 0) rc = value(w, json_object_get(j, keys[i].key), depth + 1);
        if (rc == 0 && i + 1 < k) rc = put(w, ",", 1) ? -1 : indent(w, depth + 1, 1);
        else if (rc == 0) rc = indent(w, depth, 0);
    }
    free(keys);
    return rc ? -1 : put(w, "}", 1);
}

static int array(jw *w, const json_t *j, int depth) {
    size_t n = json_array_size(j);
    if (put(w, "[", 1)) return -1;
    if (n == 0) return put(w, "]", 1);
    if (indent(w, depth + 1, 0)) return -1;
    for (size_t i = 0; i < n; i++) {
        if (value(w, json_array_get(j, i), depth + 1)) return -1;
        if (i + 1 < n) {
            if (put(w, ",", 1) || indent(w, depth + 1, 1)) return -1;
        } else if (indent(w, depth, 0)) {
            return -1;
        }
    }
    return put(w, "]", 1);
}

static int value(jw *w, const json_t *j, int depth) {
    char b[64];
    if (!j || depth > MAX_DEPTH) return -1;
    switch (json_typeof(j)) {
    case JSON_NULL: return put(w, "null", 4);
    case JSON_TRUE: return put(w, "true", 4);
    case JSON_FALSE: return put(w, "false", 5);
    case JSON_INTEGER: {
        const char *p = int_text(json_integer_value(j), b);
        return put(w, p, (size_t)(b + INT_TEXT_MAX - p));
    }
    case JSON_REAL: return put(w, b, real_text(json_real_value(j), b));
    case JSON_STRING: return string(w, json_string_value(j), json_string_length(j));
    case JSON_ARRAY: return array(w, j, depth);
    case JSON_OBJECT: return object(w, j, depth);
    }
    return -1;
}

int pr_json_dump_sink(const json_t *j, size_t flags, out_fn out, void *ctx) {
    if (!j || (!(flags & JSON_ENCODE_ANY) && !json_is_array(j) && !json_is_object(j))) return -1;
    jw w = {out, ctx, flags};
    return value(&w, j, 0);
}

typedef struct grow {
    char *p;
    size_t len, cap;
} grow;

static int grow_put(void *ctx, const char *s, size_t n) {
    grow *g = ctx;
    if (g->cap - g->len <= n) {
        size_t cap = g->cap ? g->cap : 256;
        while (cap - g->len <= n) cap *= 2;
        char *p = realloc(g->p, cap);
        if (!p) return -1;
        g->p = p;
        g->cap = cap;
    }
    memcpy(g->p + g->len, s, n);
    g->len += n;
    return 0;
}

char *pr_json_dumps(const json_t *j, size_t flags) {
    grow g = {0};
    if (pr_json_dump_sink(j, flags, grow_put, &g) != 0 || grow_put(&g, "", 1) != 0) {
        free(g.p);
        return NULL;
    }
    return g.p;
}

int pr_json_dumpf(const json_t *j, FILE *f, size_t flags) {
    pr_wbuf w;
    if (pr_wbuf_open(&w, f, 1 << 16) != PR_OK) return -1;
    int rc = pr_json_dump_sink(j, flags, pr_wbuf_sink, &w);
    int rc2 = pr_wbuf_close(&w);
    return rc == 0 && rc2 == PR_OK ? 0 : -1;
}
