/* The byte layout of a chunk of stored bars, shared by both backends: an
 * 8-byte header ("PRC", version 1, bar count as u32) and then the six
 * columns one after the other as 8-byte little-endian values. Plain arrays
 * rather than compressed ones: decoding is a memcpy per column (1M bars in
 * a few ms), and the SQL views that show one row per bar can read them with
 * substr() alone. */
#include <string.h>

#include "data/store_internal.h"

#define HDR 8

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

size_t pr_chunk_size(size_t n) { return HDR + 48 * n; }

void pr_chunk_encode(const pr_store_bars *b, size_t from, size_t n, unsigned char *out) {
    out[0] = 'P';
    out[1] = 'R';
    out[2] = 'C';
    out[3] = 1;
    for (int i = 0; i < 4; i++) out[4 + i] = (unsigned char)((uint32_t)n >> (8 * i));
    put64s(out + HDR, b->ts + from, n);
    const double *cols[5] = {b->open, b->high, b->low, b->close, b->volume};
    for (size_t c = 0; c < 5; c++) {
        unsigned char *p = out + HDR + 8 * n * (c + 1);
        put64s(p, cols[c] + from, n);
        /* Both backends keep -0.0 as 0.0 (what SQLite's REAL column did). */
        for (size_t i = 0; i < n; i++)
            if (cols[c][from + i] == 0.0) memset(p + 8 * i, 0, 8);
    }
}

int pr_chunk_check(const pr_store_key *k, const pr_store_chunk *c, pr_err *err) {
    const unsigned char *d = c->data;
    uint32_t n = 0;
    if (d && c->len >= HDR)
        for (int i = 0; i < 4; i++) n |= (uint32_t)d[4 + i] << (8 * i);
    if (!d || c->len < HDR || memcmp(d, "PRC\001", 4) != 0 || n != c->n || c->n == 0 ||
        c->len != pr_chunk_size(c->n))
        return pr_store_db_err(err, "CORRUPT", "read candles",
                               "the chunk of %s/%s/%s at ts %lld is not a version-1 chunk of "
                               "%zu bars (%zu bytes)", k->venue, k->symbol, k->tf,
                               (long long)c->first_ts, c->n, c->len);
    /* Its first and last stamps are the ones its row is keyed and found
     * by: otherwise reads would hand out bars outside the range asked for
     * and a merge would write chunks that overlap. */
    int64_t first, last;
    get64s(&first, d + HDR, 1);
    get64s(&last, d + HDR + 8 * (c->n - 1), 1);
    if (first != c->first_ts || last != c->last_ts)
        return pr_store_db_err(err, "CORRUPT", "read candles",
                               "the chunk of %s/%s/%s at ts %lld holds bars from %lld to %lld, "
                               "not to %lld", k->venue, k->symbol, k->tf, (long long)c->first_ts,
                               (long long)first, (long long)last, (long long)c->last_ts);
    return PR_OK;
}

void pr_chunk_decode(const pr_store_chunk *c, size_t from, size_t m, int64_t *ts, double *open,
                     double *high, double *low, double *close, double *volume) {
    const unsigned char *p = c->data + HDR + 8 * from;
    get64s(ts, p, m);
    double *cols[5] = {open, high, low, close, volume};
    for (size_t j = 0; j < 5; j++)
        if (cols[j]) get64s(cols[j], p + 8 * c->n * (j + 1), m);
}
