/* AVGDEV and IMI, recomputed over the whole window on every bar, and MAVP of
 * SMAs (every period's running sum in one pass): their batch forms (four
 * windows at a time, ta/avgdev.c, ta/imi.c; ta/mavp.c) against their
 * streaming forms (one window at a time, the loop TA-Lib runs) bit for bit,
 * on random series with full mantissas, repeated values (dojis: C == O) and
 * NaN bars, for periods and lengths that leave every remainder of the
 * four-bar blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"

static int same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void test_avgdev_batch_equals_stream(void **state) {
    (void)state;
    enum { N = 1003 };
    static const int periods[] = {2, 3, 4, 5, 14, 30, 97};
    double x[N], b[N], s[N];
    uint64_t r = 99;
    for (int kind = 0; kind < 2; kind++) {
        double c = 100.0;
        for (size_t i = 0; i < N; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            c *= 1.0 + ((double)((r >> 33) % 2001) - 1000.0) * 1e-5;
            x[i] = kind == 0 ? c : (double)((r >> 40) % 3);
            if (kind == 1 && (r >> 20) % 211 == 0) x[i] = NAN;
        }
        for (size_t pi = 0; pi < sizeof periods / sizeof periods[0]; pi++)
            for (size_t n = N - 3; n <= N; n++) {
                int p = periods[pi];
                assert_int_equal(pr_ta_avgdev(n, x, p, b), PR_OK);
                pr_ta_avgdev_state st;
                assert_int_equal(pr_ta_avgdev_init(&st, p), PR_OK);
                for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_avgdev_update(&st, x[i], &s[i]), PR_OK);
                pr_ta_avgdev_free(&st);
                for (size_t i = 0; i < n; i++)
                    if (!same(b[i], s[i]))
                        fail_msg("kind %d period %d n %zu bar %zu: batch %.17g stream %.17g", kind, p, n, i, b[i],
                                 s[i]);
            }
    }
}

static void test_imi_batch_equals_stream(void **state) {
    (void)state;
    enum { N = 1003 };
    static const int periods[] = {2, 3, 4, 5, 14, 30, 97};
    double o[N], c[N], b[N], s[N];
    uint64_t r = 5;
    for (int kind = 0; kind < 2; kind++) {
        double px = 100.0;
        for (size_t i = 0; i < N; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            /* kind 0: open and close drawn apart over three decades, so the
             * bodies differ in scale and their sums round (close prices one
             * tick apart would sum exactly in any order) */
            o[i] = kind == 0 ? exp((double)((r >> 33) % 7001) * 1e-3) : px;
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            c[i] = kind == 0 ? exp((double)((r >> 33) % 7001) * 1e-3) : o[i] + (double)((int)((r >> 40) % 3) - 1);
            if (kind == 1 && (r >> 20) % 211 == 0) c[i] = NAN;
        }
        for (size_t pi = 0; pi < sizeof periods / sizeof periods[0]; pi++)
            for (size_t n = N - 3; n <= N; n++) {
                int p = periods[pi];
                assert_int_equal(pr_ta_imi(n, o, c, p, b), PR_OK);
                pr_ta_imi_state st;
                assert_int_equal(pr_ta_imi_init(&st, p), PR_OK);
                for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_imi_update(&st, o[i], c[i], &s[i]), PR_OK);
                pr_ta_imi_free(&st);
                for (size_t i = 0; i < n; i++)
                    if (!same(b[i], s[i]))
                        fail_msg("kind %d period %d n %zu bar %zu: batch %.17g stream %.17g", kind, p, n, i, b[i],
                                 s[i]);
            }
    }
}

static void test_mavp_sma_batch_equals_stream(void **state) {
    (void)state;
    enum { N = 1500 };
    static const int ranges[][2] = {{2, 30}, {5, 5}, {3, 9}, {20, 60}};
    double x[N], per[N], b[N], s[N];
    uint64_t r = 31;
    double px = 100.0;
    for (size_t i = 0; i < N; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        px *= 1.0 + ((double)((r >> 33) % 2001) - 1000.0) * 1e-4;
        x[i] = px * exp((double)((r >> 45) % 100) * 1e-2);
        per[i] = (r >> 20) % 157 == 0 ? NAN : (double)((r >> 25) % 70) * 0.97;
    }
    for (size_t ri = 0; ri < sizeof ranges / sizeof ranges[0]; ri++) {
        int lo = ranges[ri][0], hi = ranges[ri][1];
        assert_int_equal(pr_ta_mavp(N, x, per, lo, hi, 0, b), PR_OK);
        pr_ta_mavp_state st;
        assert_int_equal(pr_ta_mavp_init(&st, lo, hi, 0), PR_OK);
        for (size_t i = 0; i < N; i++) assert_int_equal(pr_ta_mavp_update(&st, x[i], per[i], &s[i]), PR_OK);
        pr_ta_mavp_free(&st);
        for (size_t i = 0; i < N; i++)
            if (!same(b[i], s[i]))
                fail_msg("periods %d-%d bar %zu: batch %.17g stream %.17g", lo, hi, i, b[i], s[i]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avgdev_batch_equals_stream),
        cmocka_unit_test(test_imi_batch_equals_stream),
        cmocka_unit_test(test_mavp_sma_batch_equals_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
