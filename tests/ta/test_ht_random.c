/* HT_TRENDLINE, HT_DCPERIOD, HT_PHASOR and MAMA: the batch form (the
 * Hilbert front end in registers, six bars a loop turn, ht_internal.h
 * HT_FAST_LOOP; HT_TRENDLINE's mean taken one bar late) against the
 * streaming form (ht_core_step, one bar at a time, the state in memory) bit
 * for bit, on long random series built to reach every branch of the period
 * update: a walk with full mantissas, flat stretches with spikes (the
 * 0.67x/1.5x and [6, 50] clamps), 300 zero bars (+0 and -0: re and im at 0,
 * the period kept) then values in {-0, 0, 1, -1, 3}, a NaN and an infinity
 * mid-series, and every length
 * from 1 to 120 bars (every end of the six-bar unrolling, every warm-up
 * boundary). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"

static uint64_t rng_state;
static uint64_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

/* kind 0: geometric walk; 1: integer walk with flat runs and spikes; 2: 300
 * zeros of either sign, then values in {-0, 0, 1, -1, 3}; 3: walk with a NaN at bar 4000; 4: walk with
 * +inf at bar 5000. */
static void make(double *x, size_t n, int kind) {
    double c = 100.0;
    size_t flat = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng();
        if (kind == 1) {
            if (flat > 0) {
                flat--;
            } else if (r % 50 == 0) {
                flat = 20 + (r >> 8) % 80;
            } else {
                c += (double)((int)((r >> 4) % 7) - 3);
            }
            x[i] = (r >> 12) % 61 == 0 ? c * (double)(2 + (r >> 20) % 5) : c;
            continue;
        }
        if (kind == 2) {
            static const double v[] = {-0.0, 0.0, 1.0, -1.0, 3.0};
            x[i] = v[i < 300 ? r % 2 : r % 5];
            continue;
        }
        c *= 1.0 + ((double)(r % 2001) - 1000.0) * 2e-5;
        x[i] = c;
    }
    if (kind == 3 && n > 4000) x[4000] = NAN;
    if (kind == 4 && n > 5000) x[5000] = INFINITY;
}

static int same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

enum { F_TRENDLINE, F_DCPERIOD, F_PHASOR, F_MAMA, F_COUNT };
static const char *const names[F_COUNT] = {"HT_TRENDLINE", "HT_DCPERIOD", "HT_PHASOR", "MAMA"};

/* Runs function f in both forms over x[0..n) and fails at the first bar
 * where any output differs in any bit. */
static void check(int f, const double *x, size_t n, double fast, double slow, const char *what, double **o) {
    double *b1 = o[0], *b2 = o[1], *s1 = o[2], *s2 = o[3];
    for (size_t i = 0; i < n; i++) b2[i] = s2[i] = 0.0;
    switch (f) {
    case F_TRENDLINE: {
        assert_int_equal(pr_ta_ht_trendline(n, x, b1), PR_OK);
        pr_ta_ht_trendline_state st;
        assert_int_equal(pr_ta_ht_trendline_init(&st), PR_OK);
        for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_ht_trendline_update(&st, x[i], &s1[i]), PR_OK);
        pr_ta_ht_trendline_free(&st);
        break;
    }
    case F_DCPERIOD: {
        assert_int_equal(pr_ta_ht_dcperiod(n, x, b1), PR_OK);
        pr_ta_ht_dcperiod_state st;
        assert_int_equal(pr_ta_ht_dcperiod_init(&st), PR_OK);
        for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_ht_dcperiod_update(&st, x[i], &s1[i]), PR_OK);
        pr_ta_ht_dcperiod_free(&st);
        break;
    }
    case F_PHASOR: {
        assert_int_equal(pr_ta_ht_phasor(n, x, b1, b2), PR_OK);
        pr_ta_ht_phasor_state st;
        assert_int_equal(pr_ta_ht_phasor_init(&st), PR_OK);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(pr_ta_ht_phasor_update(&st, x[i], &s1[i], &s2[i]), PR_OK);
        pr_ta_ht_phasor_free(&st);
        break;
    }
    default: {
        assert_int_equal(pr_ta_mama(n, x, fast, slow, b1, b2), PR_OK);
        pr_ta_mama_state st;
        assert_int_equal(pr_ta_mama_init(&st, fast, slow), PR_OK);
        for (size_t i = 0; i < n; i++) assert_int_equal(pr_ta_mama_update(&st, x[i], &s1[i], &s2[i]), PR_OK);
        pr_ta_mama_free(&st);
        break;
    }
    }
    for (size_t i = 0; i < n; i++)
        if (!same(b1[i], s1[i]) || !same(b2[i], s2[i]))
            fail_msg("%s %s n %zu bar %zu: batch %.17g %.17g stream %.17g %.17g", names[f], what, n, i, b1[i],
                     b2[i], s1[i], s2[i]);
}

static void test_long_series(void **state) {
    (void)state;
    enum { N = 30011 };
    static const double limits[][2] = {{0.5, 0.05}, {0.2, 0.3}, {0.99, 0.01}};
    double *x = malloc(N * sizeof *x), *o[4];
    for (int k = 0; k < 4; k++) o[k] = malloc(N * sizeof(double));
    rng_state = 18;
    size_t finite = 0;
    for (int kind = 0; kind < 5; kind++) {
        make(x, N, kind);
        char what[32];
        snprintf(what, sizeof what, "kind %d", kind);
        for (int f = 0; f < F_MAMA; f++) check(f, x, N, 0, 0, what, o);
        for (size_t l = 0; l < 3; l++) check(F_MAMA, x, N, limits[l][0], limits[l][1], what, o);
        /* the outputs are numbers until the NaN/inf: not all-NaN by accident */
        check(F_DCPERIOD, x, N, 0, 0, what, o);
        for (size_t i = 0; i < 3000; i++) finite += isfinite(o[0][i]) ? 1 : 0;
    }
    assert_int_equal(finite, 5 * (3000 - 32));
    free(x);
    for (int k = 0; k < 4; k++) free(o[k]);
}

static void test_every_short_length(void **state) {
    (void)state;
    enum { N = 120 };
    double x[N], b1[N], b2[N], s1[N], s2[N], *o[4] = {b1, b2, s1, s2};
    rng_state = 6;
    make(x, N, 0);
    for (size_t n = 1; n <= N; n++) {
        for (int f = 0; f < F_MAMA; f++) check(f, x, n, 0, 0, "short", o);
        check(F_MAMA, x, n, 0.5, 0.05, "short", o);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_series),
        cmocka_unit_test(test_every_short_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
