/* MAX, MIN, MINMAX and their index forms against a transcription of TA-Lib
 * 0.6.4's own loop (ta_MAX.c / ta_MIN.c: keep the extreme and its bar,
 * rescan the window with a strict comparison when that bar leaves it, else
 * a new bar equal or beyond takes over) on random series built to stress the
 * tie rule: few distinct values (long plateaus, many equal extremes), -0 and
 * +0, steady rises and falls (a rescan every bar), and NaN runs. The batch
 * form finds its rescans another way (ta/minmax.c), so every output is
 * compared bit for bit, and the streaming form too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"

/* TA-Lib's loop for one side over the whole series (outputs from bar p-1);
 * `hi` picks MAX (>=, then > on the rescan) or MIN (<=, then <). Where a NaN
 * is in the window Proratio outputs NaN (ta.h); TA-Lib has no NaN rule, so
 * the reference masks those bars and keeps TA-Lib's state through them. */
static void talib_ext(size_t n, const double *x, size_t p, int hi, double *val, double *idx) {
    size_t ext_i = SIZE_MAX, nan_i = 0;
    double ext = 0.0;
    for (size_t t = 0; t < n; t++) {
        if (isnan(x[t])) nan_i = t + 1;
        if (t + 1 < p) {
            val[t] = idx[t] = NAN;
            continue;
        }
        size_t trailing = t + 1 - p;
        double tmp = x[t];
        if (ext_i == SIZE_MAX || ext_i < trailing) {
            ext_i = trailing;
            ext = x[ext_i];
            for (size_t i = ext_i + 1; i <= t; i++) {
                tmp = x[i];
                if (hi ? tmp > ext : tmp < ext) {
                    ext_i = i;
                    ext = tmp;
                }
            }
        } else if (hi ? tmp >= ext : tmp <= ext) {
            ext_i = t;
            ext = tmp;
        }
        int ok = nan_i <= trailing;
        val[t] = ok ? ext : NAN;
        idx[t] = ok ? (double)ext_i : NAN;
    }
}

static uint64_t rng_state;
static uint64_t rng(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

/* Series kind k: 0 few levels (ties everywhere), 1 walk on a coarse grid
 * with plateaus, 2 signed zeros and small integers, 3 long monotone runs,
 * 4 kind 1 with NaN bars and NaN runs. */
static void make(double *x, size_t n, int k) {
    double level = 0.0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng();
        switch (k) {
        case 0: x[i] = (double)(r % 4); break;
        case 1:
        case 4:
            if (r % 3 == 0) level += (double)((int)(r % 7) - 3);
            x[i] = level;
            if (k == 4 && r % 41 == 0) {
                size_t run = 1 + r % 9;
                for (size_t j = 0; j < run && i < n; j++) x[i++] = NAN;
                i--;
            }
            break;
        case 2: {
            static const double v[] = {-0.0, 0.0, 1.0, -1.0, -0.0, 0.0};
            x[i] = v[r % 6];
            break;
        }
        default:
            level += (i / 50) % 2 ? -1.0 : 1.0;
            x[i] = (r % 5 == 0) ? level - 1.0 : level;
            break;
        }
    }
}

/* Same double bit for bit (NaN equal to NaN; -0 differs from +0). */
static int same(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

static void check_series(const double *got, const double *want, size_t n, const char *what, int p, int k) {
    for (size_t i = 0; i < n; i++)
        if (!same(got[i], want[i]))
            fail_msg("%s period %d series kind %d bar %zu: got %.17g want %.17g", what, p, k, i, got[i], want[i]);
}

static void test_batch_and_stream_match_talib_loop(void **state) {
    (void)state;
    enum { N = 3000 };
    static const int periods[] = {2, 3, 4, 5, 7, 8, 9, 30, 31, 100};
    double *x = malloc(N * sizeof *x), *o[8];
    for (int j = 0; j < 8; j++) o[j] = malloc(N * sizeof(double));
    /* o[0..3]: reference max, max index, min, min index; o[4..7]: ours */
    rng_state = 20240501u;
    for (int k = 0; k < 5; k++)
        for (size_t pi = 0; pi < sizeof periods / sizeof periods[0]; pi++) {
            int p = periods[pi];
            make(x, N, k);
            talib_ext(N, x, (size_t)p, 1, o[0], o[1]);
            talib_ext(N, x, (size_t)p, 0, o[2], o[3]);
            assert_int_equal(pr_ta_max(N, x, p, o[4]), PR_OK);
            check_series(o[4], o[0], N, "MAX", p, k);
            assert_int_equal(pr_ta_maxindex(N, x, p, o[4]), PR_OK);
            check_series(o[4], o[1], N, "MAXINDEX", p, k);
            assert_int_equal(pr_ta_min(N, x, p, o[4]), PR_OK);
            check_series(o[4], o[2], N, "MIN", p, k);
            assert_int_equal(pr_ta_minindex(N, x, p, o[4]), PR_OK);
            check_series(o[4], o[3], N, "MININDEX", p, k);
            assert_int_equal(pr_ta_minmax(N, x, p, o[4], o[5]), PR_OK);
            check_series(o[4], o[2], N, "MINMAX min", p, k);
            check_series(o[5], o[0], N, "MINMAX max", p, k);
            assert_int_equal(pr_ta_minmaxindex(N, x, p, o[4], o[5]), PR_OK);
            check_series(o[4], o[3], N, "MINMAXINDEX min", p, k);
            check_series(o[5], o[1], N, "MINMAXINDEX max", p, k);

            pr_ta_minmax_state ms;
            pr_ta_minmaxindex_state mi;
            assert_int_equal(pr_ta_minmax_init(&ms, p), PR_OK);
            assert_int_equal(pr_ta_minmaxindex_init(&mi, p), PR_OK);
            for (size_t i = 0; i < N; i++) {
                assert_int_equal(pr_ta_minmax_update(&ms, x[i], &o[4][i], &o[5][i]), PR_OK);
                assert_int_equal(pr_ta_minmaxindex_update(&mi, x[i], &o[6][i], &o[7][i]), PR_OK);
            }
            pr_ta_minmax_free(&ms);
            pr_ta_minmaxindex_free(&mi);
            check_series(o[4], o[2], N, "MINMAX stream min", p, k);
            check_series(o[5], o[0], N, "MINMAX stream max", p, k);
            check_series(o[6], o[3], N, "MINMAXINDEX stream min", p, k);
            check_series(o[7], o[1], N, "MINMAXINDEX stream max", p, k);
        }
    for (int j = 0; j < 8; j++) free(o[j]);
    free(x);
}

/* A hand case of the tie rule: period 3 over 5 5 4 5 3 3. Bar 2: window
 * 5 5 4 (first scan, strict >) -> max 5 at bar 0. Bar 3: bar 0 still in?
 * trailing = 1 > 0, so rescan 5 4 5 -> bar 1 (the older 5). Bar 4: trailing
 * 2 > 1, rescan 4 5 3 -> bar 3. Bar 5: trailing 3, bar 3 stays; 3 >= 5 no
 * -> bar 3. MIN: bar 2 -> 4 at bar 2; bar 3: 5 <= 4 no -> bar 2; bar 4:
 * 3 <= 4 -> bar 4; bar 5: 3 <= 3 -> bar 5 (the newer of equal values). */
static void test_tie_rule_by_hand(void **state) {
    (void)state;
    const double x[] = {5, 5, 4, 5, 3, 3};
    double mi[6], ma[6];
    assert_int_equal(pr_ta_minmaxindex(6, x, 3, mi, ma), PR_OK);
    assert_true(isnan(ma[0]) && isnan(ma[1]) && isnan(mi[1]));
    assert_true(ma[2] == 0 && ma[3] == 1 && ma[4] == 3 && ma[5] == 3);
    assert_true(mi[2] == 2 && mi[3] == 2 && mi[4] == 4 && mi[5] == 5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_and_stream_match_talib_loop),
        cmocka_unit_test(test_tie_rule_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
