/* Bar reads and upserts on chunks (see pr_store_chunk), the same for both
 * backends, which only run the chunk SQL. An upsert groups the new bars by
 * the chunk they fall into (the one with the greatest first_ts at or
 * before them) and merge-rewrites only chunks that change: new keys are
 * inserted, stored keys go through pr_store_resolve exactly as per-bar
 * rows did, and a re-import of unchanged bars writes nothing. Bars past a
 * full chunk become new chunks without reading it, so an import appends
 * at the speed of its blobs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"

/* ---- reads ------------------------------------------------------------------ */
/* First index in ts[0..n) with ts[i] >= x. */
static size_t lower(const int64_t *ts, size_t n, int64_t x) {
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (ts[m] < x) a = m + 1;
        else b = m;
    }
    return a;
}

/* The bars [*a, *b) of chunk c inside [lo, hi]; tmp receives its ts when
 * the chunk is not wholly inside. */
static void chunk_span(const pr_store_chunk *c, int64_t lo, int64_t hi, int64_t *tmp, size_t *a,
                       size_t *b) {
    *a = 0;
    *b = c->n;
    if (c->first_ts >= lo && c->last_ts <= hi) return;
    pr_chunk_decode(c, 0, c->n, tmp, NULL, NULL, NULL, NULL, NULL);
    *a = lower(tmp, c->n, lo);
    *b = hi == INT64_MAX ? c->n : lower(tmp, c->n, hi + 1);
}

typedef struct get_ctx {
    const pr_store_key *k;
    int64_t lo, hi;
    pr_series *out;        /* bars, or ...                 */
    int64_t *ts;           /* ... only the stamps          */
    size_t n, cap;
    int fixed;             /* out may not grow (a split read's halves share it) */
} get_ctx;

static int get_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    get_ctx *g = user;
    int rc = pr_chunk_check(g->k, c, err);
    if (rc != PR_OK) return rc;
    int64_t tmp[PR_CHUNK_MAX];
    size_t a, b;
    chunk_span(c, g->lo, g->hi, tmp, &a, &b);
    if (a >= b) return PR_OK;
    size_t m = b - a;
    if (g->out) {
        pr_series *s = g->out;
        if (g->fixed && s->len + m > s->cap)
            return pr_err_set(err, PR_ESTATE, "store: the bars of %s/%s/%s changed during a read", g->k->venue,
                              g->k->symbol, g->k->tf);
        if (pr_store_series_grow(s, s->len + m, err) != PR_OK) return PR_ENOMEM;
        size_t at = s->len;
        pr_chunk_decode(c, a, m, s->ts + at, s->open + at, s->high + at, s->low + at,
                        s->close + at, s->volume + at);
        s->len += m;
        return PR_OK;
    }
    if (g->n + m > g->cap) {
        size_t nc = g->cap ? g->cap : 4096;
        while (nc < g->n + m) nc *= 2;
        int64_t *nv = realloc(g->ts, nc * sizeof *nv);
        if (!nv) return pr_err_set(err, PR_ENOMEM, "store: out of memory for %zu timestamps", nc);
        g->ts = nv;
        g->cap = nc;
    }
    pr_chunk_decode(c, a, m, g->ts + g->n, NULL, NULL, NULL, NULL, NULL);
    g->n += m;
    return PR_OK;
}

static int count_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    (void)err;
    *(size_t *)user += c->n;
    return PR_OK;
}

int pr_store_chunks_get(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi,
                        pr_series *out, pr_err *err) {
    get_ctx g = {k, lo, hi, out, NULL, 0, 0, 0};
    out->len = 0;
    /* Sized once from the chunk heads (an upper bound): growing by
     * doubling would copy and fault in the columns several times over. */
    size_t most = 0;
    int rc = st->ops->chunks_scan(st, k, lo, hi, 0, count_cb, &most, err);
    if (rc == PR_OK && most > 0) rc = pr_store_series_grow(out, most, err);
    if (rc == PR_OK) rc = st->ops->chunks_scan(st, k, lo, hi, 1, get_cb, &g, err);
    if (rc != PR_OK) out->len = 0;
    return rc;
}

/* The second half of a split read, on its own thread and connection. */
typedef struct half_job {
    pr_store *st;
    const pr_store_key *k;
    int64_t lo, hi;
    pr_series bars;
    int rc;
    pr_err err;
} half_job;

static void *half_run(void *arg) {
    half_job *j = arg;
    pr_err_clear(&j->err);
    get_ctx g = {j->k, j->lo, j->hi, &j->bars, NULL, 0, 0, 1};
    j->rc = j->st->ops->chunks_scan(j->st, j->k, j->lo, j->hi, 1, get_cb, &g, &j->err);
    return NULL;
}

int pr_store_chunks_get_split(pr_store *st, pr_store *other, const pr_store_key *k, int64_t lo, int64_t hi,
                              const pr_store_chunk *heads, size_t n_heads, pr_series *out, pr_err *err) {
    size_t total = 0, half = 0, cut = 0;
    for (size_t i = 0; i < n_heads; i++) total += heads[i].n;
    while (cut < n_heads && half < total / 2) half += heads[cut++].n;
    out->len = 0;
    if (cut == 0 || cut == n_heads) return pr_store_chunks_get(st, k, lo, hi, out, err);
    /* Chunks before heads[cut] reach into [lo, split - 1] and no later one
     * does (chunks never overlap); the rest into [split, hi]. */
    int64_t split = heads[cut].first_ts;
    int rc = pr_store_series_grow(out, total, err);
    if (rc != PR_OK) return rc;
    /* The second half is decoded in place, from bar `half` on (the most
     * the first can hold): a window on out's columns that never grows. */
    half_job j = {other, k, split, hi, {0}, PR_OK, {0}};
    j.bars = (pr_series){.ts = out->ts + half, .open = out->open + half, .high = out->high + half,
                         .low = out->low + half, .close = out->close + half, .volume = out->volume + half,
                         .len = 0, .cap = out->cap - half, .tf = out->tf};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, half_run, &j) == 0;
    if (!threaded) half_run(&j);   /* no thread: one after the other */
    /* out's own window ends where the second half's begins */
    size_t cap = out->cap;
    out->cap = half;
    get_ctx g = {k, lo, hi, out, NULL, 0, 0, 1};
    rc = st->ops->chunks_scan(st, k, lo, split - 1, 1, get_cb, &g, err);
    if (threaded) pthread_join(th, NULL);
    out->cap = cap;
    if (rc == PR_OK && j.rc != PR_OK) *err = j.err, rc = j.rc;
    if (rc == PR_OK && out->len < half) {   /* the first chunk began before lo */
        size_t at = out->len, m = j.bars.len;
        memmove(out->ts + at, out->ts + half, m * sizeof *out->ts);
        double *col[5] = {out->open, out->high, out->low, out->close, out->volume};
        for (int c = 0; c < 5; c++) memmove(col[c] + at, col[c] + half, m * sizeof(double));
    }
    if (rc == PR_OK) out->len += j.bars.len;
    else out->len = 0;
    return rc;
}

int pr_store_chunks_ts(pr_store *st, const pr_store_key *k, int64_t lo, int64_t hi,
                       int64_t **out, size_t *n, pr_err *err) {
    get_ctx g = {k, lo, hi, NULL, NULL, 0, 0, 0};
    int rc = st->ops->chunks_scan(st, k, lo, hi, 1, get_cb, &g, err);
    if (rc != PR_OK || g.n == 0) {
        free(g.ts);
        g.ts = NULL;
        g.n = 0;
    }
    *out = g.ts;
    *n = g.n;
    return rc;
}

typedef struct adj_ctx {
    const pr_store_key *k;
    int64_t ts, out;
    int after, found;
} adj_ctx;

static int adj_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    adj_ctx *a = user;
    int rc = pr_chunk_check(a->k, c, err);
    if (rc != PR_OK) return rc;
    int64_t tmp[PR_CHUNK_MAX];
    pr_chunk_decode(c, 0, c->n, tmp, NULL, NULL, NULL, NULL, NULL);
    size_t i = lower(tmp, c->n, a->after ? a->ts + 1 : a->ts);
    if (a->after && i < c->n) {
        a->out = tmp[i];
        a->found = 1;
    } else if (!a->after && i > 0) {
        a->out = tmp[i - 1];
        a->found = 1;
    }
    return 1;
}

int pr_store_chunks_adjacent(pr_store *st, const pr_store_key *k, int64_t ts, int after,
                             int64_t *out, int *found, pr_err *err) {
    adj_ctx a = {k, ts, 0, after, 0};
    *found = 0;
    int rc;
    if (after) rc = ts == INT64_MAX ? PR_OK : st->ops->chunks_scan(st, k, ts + 1, INT64_MAX, 1, adj_cb, &a, err);
    else rc = st->ops->chunk_prev(st, k, ts, adj_cb, &a, err);
    if (rc == PR_OK && a.found) {
        *out = a.out;
        *found = 1;
    }
    return rc;
}

/* ---- writes ----------------------------------------------------------------- */
typedef struct heads {
    pr_store_chunk *v;
    size_t n, cap;
} heads;

static int head_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    heads *h = user;
    if (h->n && h->v[h->n - 1].first_ts >= c->first_ts) return PR_OK; /* the prev chunk again */
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 64;
        pr_store_chunk *nv = realloc(h->v, nc * sizeof *nv);
        if (!nv) return pr_err_set(err, PR_ENOMEM, "store: out of memory for chunk heads");
        h->v = nv;
        h->cap = nc;
    }
    h->v[h->n] = *c;
    h->v[h->n].data = NULL;
    h->n++;
    return PR_OK;
}

/* Writes bars [from, from + n) of b as chunks of at most PR_CHUNK_MAX. */
static int write_chunks(pr_store *st, const pr_store_key *k, const pr_store_bars *b, size_t from,
                        size_t n, unsigned char *buf, pr_err *err) {
    int rc = PR_OK;
    for (size_t i = from; rc == PR_OK && i < from + n; i += PR_CHUNK_MAX) {
        size_t m = from + n - i < PR_CHUNK_MAX ? from + n - i : PR_CHUNK_MAX;
        size_t len = pr_chunk_encode(b, i, m, buf);
        pr_store_chunk c = {b->ts[i], b->ts[i + m - 1], m, buf, len};
        rc = st->ops->chunk_put(st, k, &c, err);
    }
    return rc;
}

/* A chunk's bars, decoded for a merge. */
typedef struct loaded {
    const pr_store_key *k;
    int64_t ts[PR_CHUNK_MAX];
    double v[5][PR_CHUNK_MAX];
    size_t n;
} loaded;

static int load_cb(void *user, const pr_store_chunk *c, pr_err *err) {
    loaded *l = user;
    int rc = pr_chunk_check(l->k, c, err);
    if (rc != PR_OK) return rc;
    pr_chunk_decode(c, 0, c->n, l->ts, l->v[0], l->v[1], l->v[2], l->v[3], l->v[4]);
    l->n = c->n;
    return 1;
}

/* Merges the new bars [i0, i1) of b into chunk h (stored as l) and
 * rewrites it when anything changed. */
static int merge_group(pr_store *st, const pr_store_key *k, const pr_store_chunk *h,
                       const pr_store_bars *b, size_t i0, size_t i1, const pr_store_put_opts *o,
                       pr_store_counts *cnt, loaded *l, unsigned char *buf, pr_err *err) {
    l->k = k;
    l->n = 0;
    int rc = st->ops->chunks_scan(st, k, h->first_ts, h->first_ts, 1, load_cb, l, err);
    if (rc != PR_OK) return rc;
    if (l->n != h->n)
        return pr_store_db_err(err, "CORRUPT", "read candles", "the chunk of %s/%s/%s at ts %lld "
                               "changed while it was merged", k->venue, k->symbol, k->tf,
                               (long long)h->first_ts);
    size_t cap = l->n + (i1 - i0), w = 0, ins = 0, upd = 0;
    int64_t *ts = malloc(cap * sizeof *ts);
    double *vals = malloc(5 * cap * sizeof *vals);
    if (!ts || !vals) {
        free(ts);
        free(vals);
        return pr_err_set(err, PR_ENOMEM, "store: out of memory merging %zu bars", cap);
    }
    double *col[5];
    for (int c = 0; c < 5; c++) col[c] = vals + (size_t)c * cap;
    const double *in_col[5] = {b->open, b->high, b->low, b->close, b->volume};
    size_t i = i0, j = 0;
    while (rc == PR_OK && (i < i1 || j < l->n)) {
        if (i == i1 || (j < l->n && l->ts[j] < b->ts[i])) {
            ts[w] = l->ts[j];
            for (int c = 0; c < 5; c++) col[c][w] = l->v[c][j];
            j++;
        } else if (j == l->n || b->ts[i] < l->ts[j]) {
            ts[w] = b->ts[i];
            for (int c = 0; c < 5; c++) col[c][w] = in_col[c][i];
            ins++;
            i++;
        } else {
            double old[5], in[5], merged[5];
            int same = 1;
            for (int c = 0; c < 5; c++) {
                old[c] = l->v[c][j];
                in[c] = in_col[c][i];
                same &= old[c] == in[c];
            }
            int r = same ? 0 : pr_store_resolve(o, k, b->ts[i], old, in, merged, cnt, err);
            if (r < 0) rc = r;
            ts[w] = l->ts[j];
            for (int c = 0; c < 5; c++) col[c][w] = r == 1 ? merged[c] : old[c];
            upd += r == 1;
            i++;
            j++;
        }
        w++;
    }
    if (rc == PR_OK && ins + upd > 0) {
        pr_store_bars out = {ts, col[0], col[1], col[2], col[3], col[4], w};
        rc = st->ops->chunk_delete(st, k, h->first_ts, err);
        if (rc == PR_OK) rc = write_chunks(st, k, &out, 0, w, buf, err);
    }
    if (rc == PR_OK) {
        cnt->inserted += ins;
        cnt->updated += upd;
    }
    free(ts);
    free(vals);
    return rc;
}

int pr_store_chunks_put(pr_store *st, const pr_store_key *k, const pr_store_bars *b,
                        const pr_store_put_opts *o, pr_store_counts *cnt, pr_err *err) {
    heads h = {NULL, 0, 0};
    int rc = st->ops->chunk_prev(st, k, b->ts[0], head_cb, &h, err);
    if (rc == PR_OK) rc = st->ops->chunks_scan(st, k, b->ts[0], b->ts[b->n - 1], 0, head_cb, &h, err);
    unsigned char *buf = rc == PR_OK ? malloc(pr_chunk_size_max(PR_CHUNK_MAX)) : NULL;
    loaded *l = buf ? malloc(sizeof *l) : NULL;
    if (rc == PR_OK && !l) rc = pr_err_set(err, PR_ENOMEM, "store: out of memory for a chunk");
    if (rc == PR_OK && h.n == 0) {
        rc = write_chunks(st, k, b, 0, b->n, buf, err);
        if (rc == PR_OK) cnt->inserted += b->n;
    }
    /* Group j: the bars before chunk j + 1 (group 0 also takes those before
     * chunk 0). */
    size_t i = 0;
    for (size_t j = 0; rc == PR_OK && j < h.n && i < b->n; j++) {
        size_t i0 = i;
        while (i < b->n && (j + 1 == h.n || b->ts[i] < h.v[j + 1].first_ts)) i++;
        if (i == i0) continue;
        const pr_store_chunk *c = &h.v[j];
        int outside = b->ts[i0] > c->last_ts || b->ts[i - 1] < c->first_ts;
        if (outside && c->n >= PR_CHUNK_MAX) {
            rc = write_chunks(st, k, b, i0, i - i0, buf, err);
            if (rc == PR_OK) cnt->inserted += i - i0;
        } else {
            rc = merge_group(st, k, c, b, i0, i, o, cnt, l, buf, err);
        }
    }
    free(h.v);
    free(buf);
    free(l);
    return rc;
}

/* ---- migration 4 ------------------------------------------------------------ */
/* The old rows of one dataset gathered into runs of PR_CHUNK_MAX. */
typedef struct convert_ctx {
    pr_store *st;
    char key[3][PR_SYMBOL_MAX];
    int64_t ts[PR_CHUNK_MAX];
    double v[5][PR_CHUNK_MAX];
    size_t n;
    unsigned char buf[];
} convert_ctx;

static int convert_flush(convert_ctx *x, pr_err *err) {
    pr_store_key k = {x->key[0], x->key[1], x->key[2]};
    pr_store_bars b = {x->ts, x->v[0], x->v[1], x->v[2], x->v[3], x->v[4], x->n};
    int rc = x->n ? write_chunks(x->st, &k, &b, 0, x->n, x->buf, err) : PR_OK;
    x->n = 0;
    return rc;
}

static int convert_row(void *user, const pr_store_key *k, int64_t ts, const double v[5],
                       pr_err *err) {
    convert_ctx *x = user;
    int same = x->n > 0 && strcmp(k->venue, x->key[0]) == 0 && strcmp(k->symbol, x->key[1]) == 0 &&
               strcmp(k->tf, x->key[2]) == 0;
    if (x->n > 0 && (!same || x->n == PR_CHUNK_MAX)) {
        int rc = convert_flush(x, err);
        if (rc != PR_OK) return rc;
    }
    if (x->n == 0) {
        pr_strlcpy(x->key[0], k->venue, sizeof x->key[0]);
        pr_strlcpy(x->key[1], k->symbol, sizeof x->key[1]);
        pr_strlcpy(x->key[2], k->tf, sizeof x->key[2]);
    }
    x->ts[x->n] = ts;
    for (int c = 0; c < 5; c++) x->v[c][x->n] = v[c];
    x->n++;
    return PR_OK;
}

int pr_store_chunks_convert(pr_store *st, pr_err *err) {
    convert_ctx *x = malloc(sizeof *x + pr_chunk_size_max(PR_CHUNK_MAX));
    if (!x) return pr_err_set(err, PR_ENOMEM, "store: out of memory migrating candles");
    x->st = st;
    x->n = 0;
    int rc = st->ops->legacy_scan(st, convert_row, x, err);
    if (rc == PR_OK) rc = convert_flush(x, err);
    free(x);
    return rc;
}
