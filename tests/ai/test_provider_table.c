/* The provider registration invariants (include/proratio/ai/providers.h and
 * each src/ai/provider_<name>.c): every listed provider has a descriptor
 * with its own value, name, build and parse, a preset named after it whose
 * model has a known knowledge cutoff, and cutoff rows; and the other way
 * round, the table holds no provider that is not listed, every preset and
 * cutoff row is reachable (unique kinds and model names, sane months), and
 * every src/ai/provider_<name>.c file has its row in the list. */
#include <dirent.h>
#include <strings.h>

#include "ai_test.h"
#include "ai/ai_internal.h"

typedef struct listed {
    pr_llm_api api;
    const char *name;
    const pr_ai_provider *desc;
    int (*build)(const pr_llm_config *, const pr_llm_prompt *, pr_llm_http *, pr_err *);
    int (*parse)(const pr_llm_config *, const pr_llm_http_response *, pr_llm_reply *, pr_err *);
} listed;

static const listed k_listed[] = {
#define ROW_(NAME, name) \
    {PR_LLM_API_##NAME, #name, &pr_ai_provider_##name, pr_ai_##name##_build, pr_ai_##name##_parse},
    PR_LLM_PROVIDERS(ROW_)
#undef ROW_
};
#define N_LISTED (sizeof k_listed / sizeof k_listed[0])

static int64_t first_of(int y, int m) {
    int64_t t;
    pr_time_make(y, m, 1, 0, 0, 0, &t);
    return t;
}

/* Listed -> registered: each row has its descriptor in the table, complete. */
static void test_listed_are_complete(void **st) {
    (void)st;
    assert_true(N_LISTED >= 1);
    assert_int_equal(PR_LLM_API_END, N_LISTED + 1);
    for (size_t i = 0; i < N_LISTED; i++) {
        const listed *l = &k_listed[i];
        const pr_ai_provider *p = pr_ai_provider_at(i);
        printf("# %s\n", l->name);
        assert_int_equal(l->api, (pr_llm_api)(i + 1));
        assert_ptr_equal(p, l->desc);
        assert_ptr_equal(pr_ai_provider_for(l->api), p);
        assert_int_equal(p->vt.api, l->api);
        assert_string_equal(p->name, l->name);
        assert_string_equal(pr_llm_api_name(l->api), l->name);
        assert_ptr_equal(pr_llm_vt_for(l->api), &p->vt);
        assert_true(p->vt.build == l->build);
        assert_true(p->vt.parse == l->parse);
        assert_true(p->json_auto == PR_LLM_JSON_SCHEMA || p->json_auto == PR_LLM_JSON_INSTRUCT ||
                    (p->json_auto == PR_LLM_JSON_OBJECT && p->json_object));
        /* A preset, the first, named after the provider, of its API, with a
         * model whose cutoff is known (contamination checks need one). */
        assert_true(p->n_presets >= 1 && p->presets);
        assert_string_equal(p->presets[0].kind, l->name);
        pr_llm_config c;
        assert_int_equal(pr_llm_config_preset(l->name, &c, NULL), 0);
        assert_int_equal(c.api, l->api);
        assert_true(c.knowledge_cutoff != PR_TIME_NONE);
        assert_true(p->n_cutoffs >= 1 && p->cutoffs);
    }
    /* Registered -> listed: nothing in the table past the list. */
    assert_null(pr_ai_provider_at(N_LISTED));
    assert_null(pr_ai_provider_for(PR_LLM_API_NONE));
    assert_null(pr_ai_provider_for(PR_LLM_API_END));
    assert_string_equal(pr_llm_api_name(PR_LLM_API_END), "?");
}

/* Every preset and cutoff row can be reached: kinds and model names unique
 * over all providers, every preset loads as its provider's API, every cutoff
 * row is what pr_llm_model_cutoff gives for its name. */
static void test_rows_reachable(void **st) {
    (void)st;
    const char *kinds[64], *models[256];
    size_t nk = 0, nm = 0;
    for (size_t i = 0; i < N_LISTED; i++) {
        const pr_ai_provider *p = pr_ai_provider_at(i);
        for (size_t j = 0; j < p->n_presets; j++) {
            const pr_ai_preset *s = &p->presets[j];
            printf("# preset %s\n", s->kind);
            assert_true(s->kind[0] && s->base_url[0] && s->model[0] && s->key_env);
            for (size_t k = 0; k < nk; k++) assert_string_not_equal(kinds[k], s->kind);
            assert_true(nk < 64);
            kinds[nk++] = s->kind;
            pr_llm_config c;
            assert_int_equal(pr_llm_config_preset(s->kind, &c, NULL), 0);
            assert_int_equal(c.api, p->vt.api);
            assert_string_equal(c.model, s->model);
            assert_true(s->json != PR_LLM_JSON_OBJECT || p->json_object);
        }
        for (size_t j = 0; j < p->n_cutoffs; j++) {
            const pr_ai_cutoff *r = &p->cutoffs[j];
            printf("# cutoff %s\n", r->model);
            assert_true(r->model[0] && !strchr(r->model, '.') && !strchr(r->model, '/'));
            assert_true(r->y >= 2020 && r->y <= 2100 && r->m >= 1 && r->m <= 12);
            for (size_t k = 0; k < nm; k++) assert_true(strcasecmp(models[k], r->model) != 0);
            assert_true(nm < 256);
            models[nm++] = r->model;
            assert_true(pr_llm_model_cutoff(r->model) == first_of(r->y, r->m));
        }
    }
    /* The kinds in messages are the presets, in list order. */
    char all[256], want[256] = "";
    pr_llm_preset_kinds(" or ", all, sizeof all);
    for (size_t k = 0; k < nk; k++) {
        strcat(want, k == 0 ? "" : k + 1 == nk ? " or " : ", ");
        strcat(want, kinds[k]);
    }
    assert_string_equal(all, want);
    pr_err e;
    pr_llm_config c;
    assert_int_equal(pr_llm_config_preset("nope", &c, &e), PR_EINVAL);
    assert_non_null(strstr(e.msg, want));
}

/* Every src/ai/provider_<name>.c (provider_common.c holds the shared code)
 * is a listed provider. */
static void test_files_are_listed(void **st) {
    (void)st;
    const char *root = getenv("PR_SOURCE_DIR");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/src/ai", root ? root : ".");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *ent;
    size_t files = 0;
    while ((ent = readdir(d))) {
        const char *f = ent->d_name;
        size_t n = strlen(f);
        if (strncmp(f, "provider_", 9) != 0 || n < 11 || strcmp(f + n - 2, ".c") != 0) continue;
        if (strcmp(f, "provider_common.c") == 0) continue;
        int found = 0;
        for (size_t i = 0; i < N_LISTED; i++)
            found |= strlen(k_listed[i].name) == n - 11 && strncmp(f + 9, k_listed[i].name, n - 11) == 0;
        if (!found) fprintf(stderr, "src/ai/%s has no row in include/proratio/ai/providers.h\n", f);
        assert_true(found);
        files++;
    }
    closedir(d);
    assert_int_equal(files, N_LISTED);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listed_are_complete),
        cmocka_unit_test(test_rows_reachable),
        cmocka_unit_test(test_files_are_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
