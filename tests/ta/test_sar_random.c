/* SAR and SAREXT: the batch form (its own loop, selects instead of branches,
 * ta/sar.c) against the streaming form (TA-Lib's step as written, one bar
 * at a time) bit for bit, on random bars built for ties: prices on a coarse
 * grid (equal highs and lows, the SAR landing exactly on a low or high, new
 * extremes equal to the old), flat stretches, zero prices with -0, NaN
 * bars, and SAREXT's start, offset and per-side accelerations varied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"

static uint64_t rng_state;
static uint64_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

/* kind 0: grid walk; 1: grid walk with flat runs and NaN bars; 2: values in
 * {-0, 0, 1, 2} (zero SARs); 3: fine walk (full mantissas). */
static void make(double *h, double *l, size_t n, int kind) {
    double c = 100.0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng();
        if (kind == 2) {
            static const double v[] = {-0.0, 0.0, 1.0, 2.0};
            double a = v[r % 4], b = v[(r >> 8) % 4];
            h[i] = a > b ? a : b;
            l[i] = a > b ? b : a;
            continue;
        }
        if (kind == 3) c *= 1.0 + ((double)(r % 2001) - 1000.0) * 1e-5;
        else if (!(kind == 1 && (r >> 20) % 4 == 0)) c += (double)((int)(r % 5) - 2);
        double up = kind == 3 ? c * 1e-3 * (double)((r >> 12) % 7) : (double)((r >> 12) % 3);
        double dn = kind == 3 ? c * 1e-3 * (double)((r >> 16) % 7) : (double)((r >> 16) % 3);
        h[i] = c + up;
        l[i] = c - dn;
        if (kind == 1 && r % 97 == 0) h[i] = NAN;
        if (kind == 1 && r % 89 == 0) l[i] = NAN;
    }
}

static int same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void test_batch_equals_stream(void **state) {
    (void)state;
    enum { N = 4000 };
    static const double accs[][2] = {{0.02, 0.2}, {0.1, 0.3}, {0.5, 0.5}, {0.0, 0.2}, {0.3, 0.1}};
    static const double starts[] = {0.0, 95.0, -105.0};
    static const double offsets[] = {0.0, 0.01};
    double *h = malloc(N * sizeof *h), *l = malloc(N * sizeof *l);
    double *b = malloc(N * sizeof *b), *s = malloc(N * sizeof *s);
    rng_state = 7;
    size_t runs = 0;
    for (int kind = 0; kind < 4; kind++) {
        make(h, l, N, kind);
        for (size_t a = 0; a < sizeof accs / sizeof accs[0]; a++) {
            double acc = accs[a][0], mx = accs[a][1];
            assert_int_equal(pr_ta_sar(N, h, l, acc, mx, b), PR_OK);
            pr_ta_sar_state st;
            assert_int_equal(pr_ta_sar_init(&st, acc, mx), PR_OK);
            for (size_t i = 0; i < N; i++) assert_int_equal(pr_ta_sar_update(&st, h[i], l[i], &s[i]), PR_OK);
            pr_ta_sar_free(&st);
            for (size_t i = 0; i < N; i++)
                if (!same(b[i], s[i]))
                    fail_msg("SAR kind %d acc %g max %g bar %zu: batch %.17g stream %.17g", kind, acc, mx, i,
                             b[i], s[i]);
            runs++;
            for (size_t si = 0; si < sizeof starts / sizeof starts[0]; si++)
                for (size_t oi = 0; oi < sizeof offsets / sizeof offsets[0]; oi++) {
                    /* long side as given, short side twice as fast */
                    double p[8] = {starts[si], offsets[oi], acc, acc, mx, acc * 2, acc * 2, mx * 1.5};
                    assert_int_equal(pr_ta_sarext(N, h, l, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], b),
                                     PR_OK);
                    pr_ta_sarext_state se;
                    assert_int_equal(pr_ta_sarext_init(&se, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]),
                                     PR_OK);
                    for (size_t i = 0; i < N; i++)
                        assert_int_equal(pr_ta_sarext_update(&se, h[i], l[i], &s[i]), PR_OK);
                    pr_ta_sarext_free(&se);
                    for (size_t i = 0; i < N; i++)
                        if (!same(b[i], s[i]))
                            fail_msg("SAREXT kind %d start %g offset %g acc %g bar %zu: batch %.17g stream %.17g",
                                     kind, p[0], p[1], acc, i, b[i], s[i]);
                    runs++;
                }
        }
    }
    assert_int_equal(runs, 4 * 5 * 7);
    free(h);
    free(l);
    free(b);
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_equals_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
