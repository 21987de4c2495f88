/* The strategies' parameter tables: every default lies in its accepted
 * range and in its optimisation range, defaults read through the table are
 * the documented ones, errors name the full key path, the text forms
 * `proratio strategy show` prints, and every parameter of every table is
 * documented in README's "Built-in strategies" section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/signal.h"

static void test_tables_consistent(void **state) {
    (void)state;
    size_t n = 0;
    for (const char *const *name = pr_strategy_names(); *name; name++, n++) {
        const pr_strategy_info *info = pr_strategy_info_find(*name);
        assert_non_null(info);
        assert_string_equal(info->name, *name);
        assert_true(info->n_params > 0 && info->create && info->summary);
        double p[64];
        assert_true(info->size <= sizeof p);
        pr_params_defaults(info, p);
        /* The defaults pass the strategy's own check (where it has one). */
        const char *what = NULL;
        char msg[200];
        if (info->check) assert_int_equal(info->check(p, &what, msg, sizeof msg), 0);
        for (size_t k = 0; k < info->n_params; k++) {
            const pr_param_def *d = &info->params[k];
            assert_non_null(d->desc);
            for (size_t j = 0; j < k; j++) assert_string_not_equal(d->name, info->params[j].name);
            if (d->type != PR_PARAM_INT && d->type != PR_PARAM_NUMBER) continue;
            int in = d->open ? d->def > d->min && d->def < d->max : d->def >= d->min && d->def <= d->max;
            /* 0 means "by asset class" for mean_reversion's open thresholds. */
            if (!(in || (d->open && d->def == 0))) fail_msg("%s.%s: default %g outside its range", *name, d->name, d->def);
            if (d->opt_step > 0 && !(d->opt_min >= d->min && d->opt_max <= d->max && d->opt_min < d->opt_max &&
                                     d->def >= d->opt_min && d->def <= d->opt_max))
                fail_msg("%s.%s: optimisation range %g:%g does not fit", *name, d->name, d->opt_min, d->opt_max);
        }
    }
    assert_int_equal(n, 14);
    assert_null(pr_strategy_info_find("nope"));
}

/* The documented defaults (README "Built-in strategies"). */
static void test_defaults_from_tables(void **state) {
    (void)state;
    pr_sma_cross_params s;
    pr_sma_cross_defaults(&s);
    assert_true(s.fast == 10 && s.slow == 30 && s.short_too == 0 && s.stop_frac == 0 && s.target_frac == 0);
    pr_trend_ema_params t;
    pr_trend_ema_defaults(&t);
    assert_true(t.fast == 20 && t.slow == 50 && t.rsi_period == 14 && t.rsi_low == 30 && t.rsi_high == 70);
    assert_true(t.volume_period == 20 && t.volume_filter == 1 && t.allow_short == 0 && t.stop_frac == 0.05);
    assert_true(t.n_targets == 3 && t.tp[0] == 0.02 && t.tp[1] == 0.05 && t.tp[2] == 0.10 && t.tp[3] == 0);
    assert_true(t.tp_frac[0] == 0.5 && t.tp_frac[1] == 0.3 && t.tp_frac[2] == 0.2 && t.conf_volume == 2);
    pr_mean_reversion_params m;
    pr_mean_reversion_defaults(&m);
    assert_true(m.bb_period == 20 && m.bb_dev == 2 && m.rsi_period == 14 && m.z_period == 20 && m.rsi_low == 0);
    assert_true(m.rsi_high == 0 && m.z == 0 && m.allow_short == 0 && m.atr_period == 14 && m.stop_atr == 2);
    pr_ta_score_params a;
    pr_ta_score_defaults(&a);
    assert_true(a.rsi_period == 14 && a.macd_fast == 12 && a.macd_slow == 26 && a.macd_signal == 9);
    assert_true(a.ema_long == 200 && a.adx_min == 25 && a.bb_near == 0.2 && a.htf == PR_TF_NONE && !a.htf_off);
    assert_true(a.min_score == 7 && a.stop_atr == 2 && a.target_atr == 3 && a.volume_mult == 1);
}

static void test_read_and_format(void **state) {
    (void)state;
    const pr_strategy_info *info = pr_strategy_info_find("trend_ema");
    pr_config *cfg = NULL;
    pr_err err;
    assert_int_equal(pr_config_parse("{\"s\": {\"p\": {\"fast\": 5, \"take_profit\": [0.01, 0.03], "
                                     "\"take_profit_frac\": [0.25, 0.75]}}}", &cfg, &err), 0);
    pr_trend_ema_params t;
    assert_int_equal(pr_params_read(info, cfg, "s.p", &t, &err), 0);
    assert_true(t.fast == 5 && t.slow == 50 && t.n_targets == 2 && t.tp[1] == 0.03 && t.tp_frac[1] == 0.75);
    char buf[64];
    for (size_t k = 0; k < info->n_params; k++) {
        if (strcmp(info->params[k].name, "take_profit") == 0) {
            pr_param_format(&info->params[k], &t, buf, sizeof buf);
            assert_string_equal(buf, "[0.01, 0.03]");
            pr_param_range(&info->params[k], buf, sizeof buf);
            assert_string_equal(buf, "(0, 100) each");
        }
        if (strcmp(info->params[k].name, "volume_filter") == 0) {
            pr_param_format(&info->params[k], &t, buf, sizeof buf);
            assert_string_equal(buf, "true");
        }
    }
    pr_config_free(cfg);
    /* A wrong value deep in a list names its element. */
    assert_int_equal(pr_config_parse("{\"s\": {\"p\": {\"take_profit\": [0.01, -1], \"take_profit_frac\": [0.5, 0.5]}}}",
                                     &cfg, &err), 0);
    assert_int_equal(pr_params_read(info, cfg, "s.p", &t, &err), PR_EINVAL);
    assert_string_equal(err.field, "s.p.take_profit.1");
    pr_config_free(cfg);
    /* ta_score's htf: "off", a timeframe. */
    const pr_strategy_info *ts = pr_strategy_info_find("ta_score");
    pr_ta_score_params a;
    assert_int_equal(pr_config_parse("{\"htf\": \"off\"}", &cfg, &err), 0);
    assert_int_equal(pr_params_read(ts, cfg, NULL, &a, &err), 0);
    assert_true(a.htf_off == 1);
    pr_config_free(cfg);
    assert_int_equal(pr_config_parse("{\"htf\": \"1d\", \"min_score\": 6}", &cfg, &err), 0);
    assert_int_equal(pr_params_read(ts, cfg, "", &a, &err), 0);
    assert_true(a.htf == PR_TF_1D && a.htf_off == 0 && a.min_score == 6);
    pr_config_free(cfg);
    /* sma_cross's cross-parameter check names the key. */
    assert_int_equal(pr_config_parse("{\"strategy\": {\"params\": {\"fast\": 40}}}", &cfg, &err), 0);
    pr_strategy *st = NULL;
    assert_int_equal(pr_strategy_create("sma_cross", cfg, "strategy.params", &st, &err), PR_EINVAL);
    assert_string_equal(err.field, "strategy.params.fast");
    assert_non_null(strstr(err.msg, "fast < slow (fast=40 slow=30)"));
    pr_config_free(cfg);
}

/* README.md's "### Built-in strategies" section names every parameter of
 * every table as `key`. */
static void test_readme_documents_every_parameter(void **state) {
    (void)state;
    const char *root = getenv("PR_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/README.md", root ? root : ".");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *sec = strstr(text, "\n### Built-in strategies\n");
    assert_non_null(sec);
    char *end = strstr(sec + 1, "\n## ");
    if (end) *end = '\0';
    for (const char *const *name = pr_strategy_names(); *name; name++) {
        char want[96];
        snprintf(want, sizeof want, "**`%s`**", *name);
        char *own = strstr(sec, want);
        if (!own) fail_msg("README: no paragraph for %s", *name);
        /* Its part: up to the next strategy's heading. */
        char *next = strstr(own + 1, "\n**`");
        char save = 0;
        if (next) { save = *next; *next = '\0'; }
        const pr_strategy_info *info = pr_strategy_info_find(*name);
        for (size_t k = 0; k < info->n_params; k++) {
            snprintf(want, sizeof want, "`%s`", info->params[k].name);
            if (!strstr(own, want)) fail_msg("README: %s does not document %s", *name, want);
        }
        if (next) *next = save;
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_consistent),
        cmocka_unit_test(test_defaults_from_tables),
        cmocka_unit_test(test_read_and_format),
        cmocka_unit_test(test_readme_documents_every_parameter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
