/* JSON text of a jansson tree with every real as the shortest decimal that
 * reads back to the same double (pr_dtoa), where jansson's own json_dumps
 * prints "%.17g" (0.10000000000000001) or a fixed precision that loses bits.
 * Same flags, layout and escaping as json_dumps (JSON_COMPACT, JSON_INDENT,
 * JSON_SORT_KEYS, JSON_ESCAPE_SLASH, JSON_ENSURE_ASCII, JSON_ENCODE_ANY;
 * JSON_REAL_PRECISION is ignored), and jansson's real spelling: a real that
 * is an integer keeps ".0" ("100.0"), exponents lose '+' and leading zeros
 * ("1e-5", "1e17"), so the text still reads back as a real. Not in core.h,
 * which does not depend on jansson. */
#ifndef PRORATIO_CORE_JSON_TEXT_H
#define PRORATIO_CORE_JSON_TEXT_H

#include <stdio.h>
#include <jansson.h>

/* malloc'd text (free() it), or NULL on failure — as json_dumps. */
char *pr_json_dumps(const json_t *j, size_t flags);
/* 0, or -1 on failure — as json_dumpf. */
int pr_json_dumpf(const json_t *j, FILE *f, size_t flags);
/* To any byte sink (out returns 0, or non-zero to stop): 0 or -1. */
int pr_json_dump_sink(const json_t *j, size_t flags, int (*out)(void *ctx, const char *s, size_t n), void *ctx);

/* The pieces, for writers that lay out their own objects (the run logs):
 * a string in quotes, escaped as above under `flags` (0 or -1), and a
 * finite real in jansson's spelling ("100.0", "1e-5"), NUL-terminated. */
#define PR_JSON_REAL_MAX 64
int pr_json_put_string(const char *s, size_t len, size_t flags, int (*out)(void *ctx, const char *s, size_t n),
                       void *ctx);
size_t pr_json_real_text(double x, char b[PR_JSON_REAL_MAX]);

/* A document written member by member, in the text pr_json_dump_sink gives
 * for the same tree under JSON_COMPACT (plus `flags`' escaping), without
 * building the tree: for outputs of many small objects (run logs, the
 * report's data), where a jansson tree per item costs more than the text.
 * Writers set `bad` on a failed write and carry on. Objects and arrays
 * nest up to PR_JW_DEPTH levels. */
#define PR_JW_DEPTH 16
typedef struct pr_jw {
    int (*out)(void *ctx, const char *s, size_t n);
    void *ctx;
    size_t flags;
    int depth, after_key, bad;
    int count[PR_JW_DEPTH];      /* members written so far, per level        */
} pr_jw;

void pr_jw_init(pr_jw *j, size_t flags, int (*out)(void *ctx, const char *s, size_t n), void *ctx);
void pr_jw_open(pr_jw *j, char c);                   /* '{' or '['         */
void pr_jw_close(pr_jw *j, char c);                  /* '}' or ']'         */
void pr_jw_key(pr_jw *j, const char *key);           /* then one value     */
void pr_jw_str(pr_jw *j, const char *s, size_t n);
/* Text from outside (symbols, tags, reasons): s[0..n) as it is when it is
 * valid UTF-8, else with every byte >= 0x80 written as '?'. */
void pr_jw_text(pr_jw *j, const char *s, size_t n);
void pr_jw_real(pr_jw *j, double x);                 /* null unless finite */
void pr_jw_int(pr_jw *j, long long v);
void pr_jw_lit(pr_jw *j, const char *lit);           /* null, true, false  */

#endif
