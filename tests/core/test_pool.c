/* The pool of large blocks (core/pool.h), the one allocator behind the
 * backtest's curves and records and the market view's indicator values:
 * a released block is handed out again only to a request it fits without
 * wasting more than half of it; without `keep` nothing is reused; blocks
 * start a different number of cache lines into their memory (block k at
 * 64 * (1 + 11k mod 61) bytes, worked out by hand below); trimming frees
 * what the current run did not take. (The market view's use of it:
 * tests/signal/test_view.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proratio/core.h"

static void test_reuse_fits(void **state) {
    (void)state;
    pr_pool *p = NULL;
    pr_err err;
    assert_int_equal(pr_pool_new(1, &p, &err), 0);
    char *a = pr_pool_alloc(p, 1000);
    assert_non_null(a);
    memset(a, 1, 1000);
    pr_pool_release(p, a);
    /* 400 bytes in a 1000-byte block would waste more than half: a new block. */
    char *b = pr_pool_alloc(p, 400);
    assert_non_null(b);
    assert_ptr_not_equal(b, a);
    /* 600 fits (1000 / 2 = 500 <= 600): the released block again. */
    char *c = pr_pool_alloc(p, 600);
    assert_ptr_equal(c, a);
    /* Taken: a second 600-byte request cannot have it. */
    char *d = pr_pool_alloc(p, 600);
    assert_non_null(d);
    assert_ptr_not_equal(d, a);
    assert_ptr_not_equal(d, b);
    /* Too big for every released block. */
    pr_pool_release(p, b);
    char *e = pr_pool_alloc(p, 1001);
    assert_ptr_not_equal(e, b);
    pr_pool_release(p, NULL);
    pr_pool_free(p);   /* frees the blocks still out (ASan: no leak) */
}

static void test_no_keep(void **state) {
    (void)state;
    pr_pool *p = NULL;
    assert_int_equal(pr_pool_new(0, &p, NULL), 0);
    char *a = pr_pool_alloc(p, 3000);
    char *b = pr_pool_alloc(p, 3000);
    assert_non_null(a);
    assert_non_null(b);
    memset(a, 2, 3000);
    pr_pool_release(p, a);   /* freed now (ASan would see a use after it) */
    pr_pool_release(p, b);
    pr_pool_free(p);
}

#if defined(__linux__)
/* Blocks of 2 MiB and more are mapped 2 MiB-aligned, so a block's offset
 * within 2 MiB is its stagger: 64 * (1 + (k * 11) % 61) for the k-th block
 * made: k=0: 64*1 = 64; k=1: 64*(1+11) = 768; k=2: 64*(1+22) = 1472;
 * k=3: 64*(1+33) = 2176. */
#define MB2 ((size_t)2 << 20)
static size_t off(const void *q) { return (size_t)((uintptr_t)q % MB2); }

static void test_stagger_and_trim(void **state) {
    (void)state;
    pr_pool *p = NULL;
    assert_int_equal(pr_pool_new(1, &p, NULL), 0);
    pr_allocator al = pr_pool_allocator(p);
    pr_pool_next_run(p);
    char *a = al.alloc(al.ctx, 3 * MB2);
    char *b = al.alloc(al.ctx, 5 * MB2);
    char *c = al.alloc(al.ctx, 3 * MB2);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal(off(a), 64);
    assert_int_equal(off(b), 768);
    assert_int_equal(off(c), 1472);
    a[3 * MB2 - 1] = 1;   /* the whole request is usable past the stagger */
    b[5 * MB2 - 1] = 1;
    al.release(al.ctx, a);
    al.release(al.ctx, b);
    /* Next run: only a's size is asked for, so b is trimmed afterwards. */
    pr_pool_next_run(p);
    char *a2 = pr_pool_alloc(p, 3 * MB2);
    assert_ptr_equal(a2, a);
    pr_pool_trim(p);
    /* b is gone: a request of its size makes block k=3. */
    char *b2 = pr_pool_alloc(p, 5 * MB2);
    assert_non_null(b2);
    assert_int_equal(off(b2), 2176);
    b2[5 * MB2 - 1] = 1;
    /* A block taken this run survives the trim even when released. */
    pr_pool_release(p, a2);
    pr_pool_trim(p);
    assert_ptr_equal(pr_pool_alloc(p, 3 * MB2), a);
    pr_pool_free(p);
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_fits),
        cmocka_unit_test(test_no_keep),
#if defined(__linux__)
        cmocka_unit_test(test_stagger_and_trim),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
