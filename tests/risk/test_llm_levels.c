/* The LLM `levels` verdict merged with the detected levels in the `level`
 * stop mode (risk.stops.llm_levels), on levels worked out by hand: the
 * merged list's order, an LLM level nearer than the detected ones winning
 * for a long and a short, one weaker than level_strength or beyond
 * level_max ignored, and the config keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "proratio/risk.h"

#define NROWS(a) (sizeof(a) / sizeof(a[0]))

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1, fabs(b)); }

/* Detected levels, ascending: 90 (strong), 97 (zone 96.8-97.2), 98.5
 * (weak, 0.3) and 104 (zone 103.6-104.4). */
static const pr_ta_level k_det[] = {
    {.price = 90, .lo = 89, .hi = 91, .touches = 3, .strength = 0.8},
    {.price = 97, .lo = 96.8, .hi = 97.2, .touches = 2, .strength = 0.75},
    {.price = 98.5, .lo = 98.4, .hi = 98.6, .touches = 1, .strength = 0.3},
    {.price = 104, .lo = 103.6, .hi = 104.4, .touches = 3, .strength = 0.9},
};

static pr_signal with_llm(int kind, const double *lv, int n) {
    pr_signal s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.confidence = 1;
    s.n_llm_levels = n;
    for (int k = 0; k < n; k++) s.llm_level[k] = lv[k];
    return s;
}

static pr_risk_stops level_stops(void) {
    pr_risk_config rc;
    pr_risk_config_defaults(&rc);
    pr_risk_stops c = rc.stops;
    c.mode = PR_STOP_LEVEL;
    c.level_fallback = 1;   /* pct: 2% */
    c.llm_levels = 1;
    return c;
}

/* The stop of an entry at 100 (dir) with the LLM's levels lv merged. */
static double stop_with(const pr_risk_stops *c, int dir, const double *lv, int n) {
    pr_signal s = with_llm(dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, lv, n);
    pr_ta_level merged[NROWS(k_det) + PR_SIGNAL_MAX_LEVELS];
    size_t m = c->llm_levels ? pr_risk_levels_merge(k_det, NROWS(k_det), &s, c->llm_level_strength, merged) : 0;
    pr_risk_bracket_in in = {.dir = dir, .price = 100, .atr = NAN, .levels = c->llm_levels ? merged : k_det,
                             .n_levels = c->llm_levels ? m : NROWS(k_det)};
    assert_null(pr_risk_stops_apply(c, &in, &s));
    return s.stop;
}

static void test_merge_order(void **state) {
    (void)state;
    /* LLM 102, 95, 99 and a bad 0 and -3: sorted in, the bad ones dropped:
     * 90, 95, 97, 98.5, 99, 102, 104; an equal price keeps the detected
     * level first. */
    pr_signal s = with_llm(PR_SIG_ENTER_LONG, (const double[]){102, 95, 0, 99, -3, 97}, 6);
    pr_ta_level out[NROWS(k_det) + PR_SIGNAL_MAX_LEVELS];
    size_t n = pr_risk_levels_merge(k_det, NROWS(k_det), &s, 0.6, out);
    static const double want[] = {90, 95, 97, 97, 98.5, 99, 102, 104};
    assert_int_equal((int)n, (int)NROWS(want));
    for (size_t i = 0; i < n; i++) assert_true(near(out[i].price, want[i]));
    assert_true(near(out[2].strength, 0.75));   /* the detected 97 first */
    assert_true(near(out[3].strength, 0.6) && out[3].lo == 97 && out[3].hi == 97);
    assert_true(near(out[1].strength, 0.6));
}

static void test_nearest_wins(void **state) {
    (void)state;
    pr_risk_stops c = level_stops();   /* level_strength 0.5, buffer 0.2%, max 5% */
    assert_true(near(c.llm_level_strength, 1));
    /* Detected alone: a long's nearest strong support is 97 (98.5 is weak),
     * stop 96.8 x 0.998 = 96.6064; a short's resistance 104, stop 104.4 x
     * 1.002 = 104.6088. */
    assert_true(near(stop_with(&c, 1, NULL, 0), 96.6064));
    assert_true(near(stop_with(&c, -1, NULL, 0), 104.6088));
    /* The LLM's 99 and 102 are nearer: 99 x 0.998 = 98.802 for the long,
     * 102 x 1.002 = 102.204 for the short. */
    const double lv[] = {102, 99};
    assert_true(near(stop_with(&c, 1, lv, 2), 98.802));
    assert_true(near(stop_with(&c, -1, lv, 2), 102.204));
    /* Counted at 0.4, below level_strength 0.5: ignored. */
    c.llm_level_strength = 0.4;
    assert_true(near(stop_with(&c, 1, lv, 2), 96.6064));
    /* Off: the LLM's levels are not read. */
    c.llm_level_strength = 1;
    c.llm_levels = 0;
    assert_true(near(stop_with(&c, 1, lv, 2), 96.6064));
    /* An LLM level nearer than the detected but whose stop is beyond
     * level_max (1%: 96.6064 is 3.39% away; LLM 98.5 gives 98.303, 1.70%):
     * neither fits, the 2% fallback, 98. With level_max 2%, the LLM level
     * fits: 98.303. */
    c.llm_levels = 1;
    c.level_max = 0.01;
    assert_true(near(stop_with(&c, 1, (const double[]){98.5}, 1), 98));
    c.level_max = 0.02;
    assert_true(near(stop_with(&c, 1, (const double[]){98.5}, 1), 98.5 * 0.998));
}

static void test_config(void **state) {
    (void)state;
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"risk\": {\"stops\": {\"mode\": \"level\", \"llm_levels\": true, "
                                     "\"llm_level_strength\": 0.7}}}",
                                     &cfg, &err),
                     0);
    pr_risk_config rc;
    assert_int_equal(pr_risk_config_read(cfg, "risk", &rc, &err), 0);
    assert_int_equal(rc.stops.llm_levels, 1);
    assert_true(near(rc.stops.llm_level_strength, 0.7));
    pr_config_free(cfg);
    assert_int_equal(pr_config_parse("{\"risk\": {\"stops\": {\"llm_level_strength\": 2}}}", &cfg, &err), 0);
    assert_true(pr_risk_config_read(cfg, "risk", &rc, &err) != 0);
    assert_non_null(strstr(err.msg, "risk.stops.llm_level_strength"));
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_order),
        cmocka_unit_test(test_nearest_wins),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
