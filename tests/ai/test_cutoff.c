/* Knowledge cutoffs and contamination: the model table (dates from the
 * vendors' model pages, rounded up to the first day of the next month), its
 * name matching (vendor prefixes, '.' for '-', longest name wins), the
 * knowledge_cutoff config key, and when a run counts as contaminated. */
#include "ai_test.h"

static int64_t day(int y, int m, int d) {
    int64_t t;
    pr_time_make(y, m, d, 0, 0, 0, &t);
    return t;
}

static void test_table(void **st) {
    (void)st;
    /* OpenAI: gpt-4o-mini and gpt-4o know up to October 2023. */
    assert_true(pr_llm_model_cutoff("gpt-4o-mini") == day(2023, 11, 1));
    assert_true(pr_llm_model_cutoff("gpt-4o-mini-2024-07-18") == day(2023, 11, 1));
    assert_true(pr_llm_model_cutoff("gpt-4o") == day(2023, 11, 1));
    assert_true(pr_llm_model_cutoff("openai/gpt-4o-mini") == day(2023, 11, 1));
    /* gpt-4.1: June 2024; the dot is matched as a dash. */
    assert_true(pr_llm_model_cutoff("gpt-4.1-mini") == day(2024, 7, 1));
    /* Anthropic: Sonnet 4.5's training data reaches July 2025, Sonnet 4's March 2025. */
    assert_true(pr_llm_model_cutoff("claude-sonnet-4-5") == day(2025, 8, 1));
    assert_true(pr_llm_model_cutoff("anthropic/claude-sonnet-4.5") == day(2025, 8, 1));
    assert_true(pr_llm_model_cutoff("claude-sonnet-4-20250514") == day(2025, 4, 1));
    /* Gemini 2.5: January 2025. */
    assert_true(pr_llm_model_cutoff("gemini-2.5-flash") == day(2025, 2, 1));
    /* Unknown models, and names that only start like a known one. */
    assert_true(pr_llm_model_cutoff("local") == PR_TIME_NONE);
    assert_true(pr_llm_model_cutoff("deepseek-flash") == PR_TIME_NONE);
    assert_true(pr_llm_model_cutoff("gpt-4olala") == PR_TIME_NONE);
    assert_true(pr_llm_model_cutoff(NULL) == PR_TIME_NONE);
    /* Presets carry their model's cutoff. */
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset("openai", &c, NULL), 0);
    assert_true(c.knowledge_cutoff == day(2023, 11, 1));
}

static void test_contaminated(void **st) {
    (void)st;
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset("openai", &c, NULL), 0);
    pr_strlcpy(c.name, "oa", sizeof c.name);
    char why[400];
    /* Plain prompts about 2023-01..02, cutoff 2023-11-01: contaminated. */
    assert_int_equal(pr_llm_contaminated(&c, 0, day(2023, 1, 2), day(2023, 2, 14), why, sizeof why), 1);
    assert_string_equal(why, "oa (gpt-4o-mini): trained on data up to 2023-11-01, shown identifiable prompts for "
                             "decisions 2023-01-02..2023-02-14");
    /* A period that starts before the cutoff and ends after it: contaminated. */
    assert_int_equal(pr_llm_contaminated(&c, 0, day(2023, 10, 31), day(2024, 6, 1), NULL, 0), 1);
    /* Entirely after the cutoff, anonymised, or nothing asked: clean. */
    assert_int_equal(pr_llm_contaminated(&c, 0, day(2023, 11, 1), day(2024, 1, 1), why, sizeof why), 0);
    assert_string_equal(why, "");
    assert_int_equal(pr_llm_contaminated(&c, 1, day(2023, 1, 2), day(2023, 2, 14), why, sizeof why), 0);
    assert_int_equal(pr_llm_contaminated(&c, 0, PR_TIME_NONE, PR_TIME_NONE, why, sizeof why), 0);
    /* Unknown cutoff: assumed contaminated, and said so. */
    c.knowledge_cutoff = PR_TIME_NONE;
    assert_int_equal(pr_llm_contaminated(&c, 0, day(2025, 1, 2), day(2025, 1, 3), why, sizeof why), 1);
    assert_non_null(strstr(why, "knowledge cutoff unknown (set knowledge_cutoff)"));
}

static void test_config_key(void **st) {
    (void)st;
    pr_config *cfg;
    pr_err e;
    const char *text = "{\"p\": [{\"kind\": \"openai\", \"knowledge_cutoff\": \"2024-03-15\"},"
                       " {\"kind\": \"local\"}, {\"kind\": \"gemini\", \"knowledge_cutoff\": \"unknown\"},"
                       " {\"kind\": \"openai\", \"knowledge_cutoff\": \"soon\"}]}";
    assert_int_equal(pr_config_parse(text, &cfg, &e), 0);
    pr_llm_config c;
    assert_int_equal(pr_llm_config_load(cfg, "p.0", &c, &e), 0);
    assert_true(c.knowledge_cutoff == day(2024, 3, 15));
    assert_int_equal(pr_llm_config_load(cfg, "p.1", &c, &e), 0);
    assert_true(c.knowledge_cutoff == PR_TIME_NONE);
    assert_int_equal(pr_llm_config_load(cfg, "p.2", &c, &e), 0);
    assert_true(c.knowledge_cutoff == PR_TIME_NONE);
    assert_int_equal(pr_llm_config_load(cfg, "p.3", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, "p.3.knowledge_cutoff: expected a date"));
    pr_config_free(cfg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_contaminated),
        cmocka_unit_test(test_config_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
