/* Part of core.h: the allocator interface for large per-run buffers and the
 * project's one implementation of it, a pool of large blocks (huge pages,
 * staggered starts, kept for the next run). The backtest's run context and
 * the market view take their big arrays from it. */
#ifndef PRORATIO_CORE_POOL_H
#define PRORATIO_CORE_POOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a component takes its large per-run buffers (indicator values over
 * every bar, equity curves, record arrays): a runner that repeats runs (an
 * optimiser) passes a pool that keeps them, so the memory is not handed back
 * to the system and faulted in again each run. */
typedef struct pr_allocator {
    void *ctx;
    void *(*alloc)(void *ctx, size_t bytes);
    void (*release)(void *ctx, void *p);
} pr_allocator;

/* A pool of large blocks. Each block starts a different number of cache
 * lines into its memory (a bar loop touching a dozen arrays at one index
 * would otherwise hit the same cache sets); on Linux, blocks of 2 MiB and
 * more are mapped on their own, aligned and marked for transparent huge
 * pages, and go back to the system when freed. With `keep`, a released
 * block stays in the pool and is handed out again to a request it fits
 * (at most twice its size); without, a release frees it. Not thread-safe:
 * one pool per thread of runs. */
typedef struct pr_pool pr_pool;
/* The error record of core.h (declared again so that this part does not
 * include the header that includes it). */
typedef struct pr_err pr_err;

int pr_pool_new(int keep, pr_pool **out, pr_err *err);
/* Frees every block, released or not. */
void pr_pool_free(pr_pool *pool);
/* NULL when out of memory. */
void *pr_pool_alloc(pr_pool *pool, size_t bytes);
/* p: from pr_pool_alloc on this pool, or NULL (ignored). */
void pr_pool_release(pr_pool *pool, void *p);
/* Marks the start of a run; pr_pool_trim then frees the released blocks
 * that no request since took (what an earlier run needed and this one did
 * not would otherwise stay resident for the pool's lifetime). */
void pr_pool_next_run(pr_pool *pool);
void pr_pool_trim(pr_pool *pool);
/* The pool as an allocator (valid while the pool lives). */
pr_allocator pr_pool_allocator(pr_pool *pool);

/* A hint for a large block from malloc/realloc that is about to be written
 * from end to end: on Linux its 2 MiB-aligned interior is marked for
 * transparent huge pages (ignored for smaller blocks and elsewhere). */
void pr_mem_advise_huge(void *p, size_t bytes);

/* Grows the array *p of *cap elements of elem bytes to hold `need`
 * (doubling, from 16), through a's alloc/release when it has them (a run's
 * pool keeps the blocks for the next run), else realloc. -1 when out of
 * memory (*p and *cap unchanged). */
int pr_allocator_grow_to(const pr_allocator *a, void **p, size_t *cap, size_t need, size_t elem);
/* Inline: brokers call it on every order and fill, and it rarely grows. */
static inline int pr_allocator_grow(const pr_allocator *a, void **p, size_t *cap, size_t need, size_t elem) {
    return need <= *cap ? 0 : pr_allocator_grow_to(a, p, cap, need, elem);
}
/* Hands back an array from pr_allocator_grow (NULL: nothing). */
void pr_allocator_free(const pr_allocator *a, void *p);

#ifdef __cplusplus
}
#endif
#endif
