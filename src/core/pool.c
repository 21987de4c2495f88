/* The pool of large blocks (core/pool.h): the one allocator behind every
 * large per-run array (the backtest's curves and records, the view's
 * indicator values). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include "proratio/core.h"

/* ---- large blocks ------------------------------------------------------------------ */
/* The per-run arrays of megabytes (equity curves, indicator values over
 * every bar, the record arrays) are written from end to end right after
 * they are allocated. With 4 KiB pages a 1M-bar run takes ~16,000 page
 * faults doing so, which cost about as much as the run itself. On Linux
 * they are mapped on their own, aligned to 2 MiB and marked for transparent
 * huge pages: ~40 faults (the mark is a hint; refused, the pages are 4 KiB
 * and the results the same). Measured, not assumed (bench_engine_sma, a
 * standalone 1M-bar run in each of 10 fresh processes, THP in "madvise"
 * mode, 2-core VM): marked, 44 faults and 6-16 ms of kernel time, 37-64 ms
 * of CPU in 7 of 10 processes; unmarked, 20,022 faults and 26-74 ms of
 * kernel time, 71-114 ms of CPU in every process. The marked runs' tail
 * (3 of 10 at 135-214 ms of kernel time) is this VM's free page reporting:
 * a fresh huge page is sometimes memory the host took back and must fault
 * in again; 4 KiB pages only trade it for a slower median. Their own
 * mappings also go back to the system when freed: through malloc, a 2 MiB-
 * aligned block lands in the heap once malloc's mmap threshold has risen,
 * and the heap keeps what was freed, so repeated single runs would keep
 * growing the resident set. Elsewhere, and for smaller blocks, plain
 * malloc. */
#define HUGE_MIN ((size_t)2 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
#define BIG_MAPPED 1
static size_t big_len(size_t bytes) { return (bytes + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN; }
#else
#define BIG_MAPPED 0
#endif

static void *big_malloc(size_t bytes) {
#if BIG_MAPPED
    if (bytes >= HUGE_MIN) {
        size_t len = big_len(bytes);
        if (len < bytes) return NULL;
        char *m = mmap(NULL, len + HUGE_ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return NULL;
        /* Keep the 2 MiB-aligned part; give back the slack on either side. */
        size_t head = (HUGE_ALIGN - (uintptr_t)m % HUGE_ALIGN) % HUGE_ALIGN;
        if (head) munmap(m, head);
        if (HUGE_ALIGN - head) munmap(m + head + len, HUGE_ALIGN - head);
        (void)madvise(m + head, len, MADV_HUGEPAGE);
        return m + head;
    }
#endif
    return malloc(bytes);
}

/* bytes: as given to big_malloc. */
static void big_free(void *p, size_t bytes) {
    if (!p) return;
#if BIG_MAPPED
    if (bytes >= HUGE_MIN) {
        munmap(p, big_len(bytes));
        return;
    }
#endif
    (void)bytes;
    free(p);
}

/* A malloc'd block this large is glibc's own mapping, rarely 2 MiB-aligned:
 * marking the whole 2 MiB pages inside it lets first writes fault them in
 * as huge pages (an 8 MiB column holds three: about 1,500 faults fewer)
 * without changing who owns or frees it. Below 4 MiB a block may hold no
 * whole aligned 2 MiB page, so it is left alone. */
void pr_mem_advise_huge(void *p, size_t bytes) {
#if BIG_MAPPED
    if (!p || bytes < 2 * HUGE_MIN) return;
    uintptr_t lo = ((uintptr_t)p + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
    uintptr_t hi = ((uintptr_t)p + bytes) / HUGE_ALIGN * HUGE_ALIGN;
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* ---- the pool ---------------------------------------------------------------------- */
typedef struct pool_block {
    void *p;                 /* what the caller gets                        */
    void *raw;               /* what big_malloc gave                        */
    size_t raw_bytes;        /* what it was asked for                       */
    size_t bytes;
    int used;
    size_t run;              /* the last run that took it                     */
} pool_block;

/* Large blocks from malloc all start at the same offset within a page; a
 * bar loop reading and writing a dozen such arrays at the same index then
 * keeps hitting the same cache sets (and 4 KiB store/load aliasing). Each
 * block is shifted by a different number of cache lines. */
#define POOL_STAGGER 4096

struct pr_pool {
    pool_block *blocks;
    size_t n, cap;
    size_t n_made;           /* blocks ever made (their stagger)              */
    int keep;                /* released blocks stay for the next request    */
    size_t runs;
};

int pr_pool_new(int keep, pr_pool **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "pr_pool_new: NULL output");
    *out = calloc(1, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "pool: out of memory");
    (*out)->keep = keep != 0;
    return PR_OK;
}

void pr_pool_free(pr_pool *pool) {
    if (!pool) return;
    for (size_t i = 0; i < pool->n; i++) big_free(pool->blocks[i].raw, pool->blocks[i].raw_bytes);
    free(pool->blocks);
    free(pool);
}

/* Smallest free block that fits without wasting more than half of it. */
void *pr_pool_alloc(pr_pool *pool, size_t bytes) {
    size_t best = (size_t)-1;
    for (size_t i = 0; i < pool->n; i++) {
        pool_block *b = &pool->blocks[i];
        if (b->used || b->bytes < bytes || b->bytes / 2 > bytes) continue;
        if (best == (size_t)-1 || b->bytes < pool->blocks[best].bytes) best = i;
    }
    if (best != (size_t)-1) {
        pool->blocks[best].used = 1;
        pool->blocks[best].run = pool->runs;
        return pool->blocks[best].p;
    }
    if (bytes > SIZE_MAX - POOL_STAGGER) return NULL;
    if (pool->n == pool->cap) {
        size_t nc = pool->cap ? pool->cap * 2 : 16;
        pool_block *nb = realloc(pool->blocks, nc * sizeof *nb);
        if (!nb) return NULL;
        pool->blocks = nb;
        pool->cap = nc;
    }
    char *raw = big_malloc(bytes + POOL_STAGGER);
    if (!raw) return NULL;
    void *p = raw + 64 * (1 + (pool->n_made++ * 11) % 61);
    pool->blocks[pool->n++] = (pool_block){p, raw, bytes + POOL_STAGGER, bytes, 1, pool->runs};
    return p;
}

void pr_pool_release(pr_pool *pool, void *p) {
    if (!p) return;
    for (size_t i = 0; i < pool->n; i++)
        if (pool->blocks[i].p == p) {
            if (pool->keep) {
                pool->blocks[i].used = 0;
            } else {
                big_free(pool->blocks[i].raw, pool->blocks[i].raw_bytes);
                pool->blocks[i] = pool->blocks[--pool->n];
            }
            return;
        }
}

void pr_pool_next_run(pr_pool *pool) { pool->runs++; }

void pr_pool_trim(pr_pool *pool) {
    for (size_t i = 0; i < pool->n;) {
        if (!pool->blocks[i].used && pool->blocks[i].run != pool->runs) {
            big_free(pool->blocks[i].raw, pool->blocks[i].raw_bytes);
            pool->blocks[i] = pool->blocks[--pool->n];
        } else {
            i++;
        }
    }
}

static void *pool_alloc_cb(void *ctx, size_t bytes) { return pr_pool_alloc(ctx, bytes); }
static void pool_release_cb(void *ctx, void *p) { pr_pool_release(ctx, p); }

pr_allocator pr_pool_allocator(pr_pool *pool) { return (pr_allocator){pool, pool_alloc_cb, pool_release_cb}; }

int pr_allocator_grow_to(const pr_allocator *a, void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) nc *= 2;
    void *np;
    if (a && a->alloc) {
        np = a->alloc(a->ctx, nc * elem);
        if (!np) return -1;
        if (*p) {
            memcpy(np, *p, *cap * elem);
            a->release(a->ctx, *p);
        }
    } else {
        np = realloc(*p, nc * elem);
        if (!np) return -1;
    }
    *p = np;
    *cap = nc;
    return 0;
}

void pr_allocator_free(const pr_allocator *a, void *p) {
    if (!p) return;
    if (a && a->release) a->release(a->ctx, p);
    else free(p);
}
