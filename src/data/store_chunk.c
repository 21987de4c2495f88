/* The byte layout of a chunk of stored bars, shared by both backends, in
 * one of two versions:
 *   1: an 8-byte header ("PRC", 1, the bar count n as u32) and the six
 *      columns ts, open, high, low, close, volume one after the other as
 *      8-byte little-endian values (8 + 48 n bytes);
 *   2: bars evenly spaced in time (n >= 2, ts[i] = first_ts + i * step):
 *      the header ("PRC", 2, n), the step as 8 bytes, and the five price
 *      columns without the stamps (16 + 40 n bytes), which the chunk's row
 *      keys by first_ts already.
 * Plain arrays rather than compressed ones: decoding is a memcpy per column
 * (1M bars in a few ms), and the SQL views that show one row per bar can
 * read them with substr() alone. Version 2 is what writes produce whenever
 * the bars allow it: a sixth fewer bytes to read, which is what a read over
 * a network connection costs (PostgreSQL over TCP); version 1 chunks, from
 * stores written before it, read as they always did. */
#include <string.h>

#include "data/store_internal.h"

#define HDR 8
#define HDR2 16   /* version 2: the header and the step */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static void put64s(unsigned char *dst, const void *src, size_t n) { memcpy(dst, src, 8 * n); }
static void get64s(void *dst, const unsigned char *src, size_t n) { memcpy(dst, src, 8 * n); }
#else
static void put64s(unsigned char *dst, const void *src, size_t n) {
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++) dst[8 * i + (size_t)b] = s[8 * i + 7 - (size_t)b];
}
static void get64s(void *dst, const unsigned char *src, size_t n) { put64s(dst, src, n); }
#endif

size_t pr_chunk_size_max(size_t n) { return HDR + 48 * n; }

/* The step of stamps evenly spaced (n >= 2, step > 0), else 0. */
static int64_t even_step(const int64_t *ts, size_t n) {
    if (n < 2 || !(ts[1] > ts[0])) return 0;
    const int64_t step = ts[1] - ts[0];   /* no overflow: the stamps are ordered */
    for (size_t i = 2; i < n; i++)
        if (ts[i] <= ts[i - 1] || ts[i] - ts[i - 1] != step) return 0;
    return step;
}

size_t pr_chunk_encode(const pr_store_bars *b, size_t from, size_t n, unsigned char *out) {
    const int64_t step = even_step(b->ts + from, n);
    out[0] = 'P';
    out[1] = 'R';
    out[2] = 'C';
    out[3] = step ? 2 : 1;
    for (int i = 0; i < 4; i++) out[4 + i] = (unsigned char)((uint32_t)n >> (8 * i));
    if (step) put64s(out + HDR, &step, 1);
    else put64s(out + HDR, b->ts + from, n);
    unsigned char *col = out + (step ? HDR2 : HDR + 8 * n);   /* the open column */
    const double *cols[5] = {b->open, b->high, b->low, b->close, b->volume};
    for (size_t c = 0; c < 5; c++) {
        unsigned char *p = col + 8 * n * c;
        put64s(p, cols[c] + from, n);
        /* Both backends keep -0.0 as 0.0 (what SQLite's REAL column did). */
        for (size_t i = 0; i < n; i++)
            if (cols[c][from + i] == 0.0) memset(p + 8 * i, 0, 8);
    }
    return step ? HDR2 + 40 * n : HDR + 48 * n;
}

int pr_chunk_check(const pr_store_key *k, const pr_store_chunk *c, pr_err *err) {
    const unsigned char *d = c->data;
    uint32_t n = 0;
    if (d && c->len >= HDR)
        for (int i = 0; i < 4; i++) n |= (uint32_t)d[4 + i] << (8 * i);
    const int v = d && c->len >= HDR && memcmp(d, "PRC", 3) == 0 ? d[3] : 0;
    if (n != c->n || c->n == 0 || !((v == 1 && c->len == HDR + 48 * c->n) ||
                                    (v == 2 && c->n >= 2 && c->len == HDR2 + 40 * c->n)))
        return pr_store_db_err(err, "CORRUPT", "read candles",
                               "the chunk of %s/%s/%s at ts %lld is not a chunk of %zu bars "
                               "(version 1: %zu bytes, or 2: %zu; it has version %d, %zu bytes)",
                               k->venue, k->symbol, k->tf, (long long)c->first_ts, c->n, HDR + 48 * c->n,
                               HDR2 + 40 * c->n, v, c->len);
    /* Its first and last stamps are the ones its row is keyed and found
     * by: otherwise reads would hand out bars outside the range asked for
     * and a merge would write chunks that overlap. A version-2 chunk has
     * only its step: the last stamp is first_ts + (n - 1) step, exactly. */
    int64_t first, last;
    if (v == 1) {
        get64s(&first, d + HDR, 1);
        get64s(&last, d + HDR + 8 * (c->n - 1), 1);
    } else {
        int64_t step;
        get64s(&step, d + HDR, 1);
        first = c->first_ts;
        if (step <= 0 || __builtin_mul_overflow(step, (int64_t)(c->n - 1), &last) ||
            __builtin_add_overflow(last, first, &last))
            return pr_store_db_err(err, "CORRUPT", "read candles",
                                   "the chunk of %s/%s/%s at ts %lld has a step of %lld ms between bars",
                                   k->venue, k->symbol, k->tf, (long long)c->first_ts, (long long)step);
    }
    if (first != c->first_ts || last != c->last_ts)
        return pr_store_db_err(err, "CORRUPT", "read candles",
                               "the chunk of %s/%s/%s at ts %lld holds bars from %lld to %lld, "
                               "not to %lld", k->venue, k->symbol, k->tf, (long long)c->first_ts,
                               (long long)first, (long long)last, (long long)c->last_ts);
    return PR_OK;
}

void pr_chunk_decode(const pr_store_chunk *c, size_t from, size_t m, int64_t *ts, double *open,
                     double *high, double *low, double *close, double *volume) {
    const unsigned char *p;   /* the open column's bar `from` */
    if (c->data[3] == 2) {
        int64_t step;
        get64s(&step, c->data + HDR, 1);
        const int64_t t0 = c->first_ts + (int64_t)from * step;
        for (size_t i = 0; i < m; i++) ts[i] = t0 + (int64_t)i * step;
        p = c->data + HDR2 + 8 * from;
    } else {
        get64s(ts, c->data + HDR + 8 * from, m);
        p = c->data + HDR + 8 * c->n + 8 * from;
    }
    double *cols[5] = {open, high, low, close, volume};
    for (size_t j = 0; j < 5; j++)
        if (cols[j]) get64s(cols[j], p + 8 * c->n * j, m);
}
