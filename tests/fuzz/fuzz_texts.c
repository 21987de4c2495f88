/* The text walk of fuzz_texts.h. */
#include "fuzz.h"
#include "fuzz_texts.h"

static void list(const pr_verdict_list *l, void (*fn)(const char *, void *), void *ctx) {
    PR_FUZZ_CHECK(l->n <= PR_VERDICT_ITEMS_MAX, "list length within its bound");
    for (size_t i = 0; i < l->n; i++) fn(l->item[i], ctx);
}

void pr_fuzz_verdict_texts(const pr_verdict *v, void (*fn)(const char *text, void *ctx), void *ctx) {
    switch (v->question) {
    case PR_LLM_Q_CONFIRM: list(&v->u.confirm.reasons, fn, ctx); break;
    case PR_LLM_Q_DIRECTION:
        fn(v->u.direction.reasoning, ctx);
        list(&v->u.direction.key_factors, fn, ctx);
        break;
    case PR_LLM_Q_MTF:
        fn(v->u.mtf.reasoning, ctx);
        for (int i = 0; i < PR_MTF_COUNT; i++) list(&v->u.mtf.tf[i].patterns, fn, ctx);
        break;
    case PR_LLM_Q_REGIME: fn(v->u.regime.reasoning, ctx); break;
    case PR_LLM_Q_LEVELS:
        PR_FUZZ_CHECK(v->u.levels.n >= 1 && v->u.levels.n <= PR_VERDICT_LEVELS_MAX, "1..16 levels");
        fn(v->u.levels.reasoning, ctx);
        break;
    default: PR_FUZZ_CHECK(0, "an accepted verdict has a known question");
    }
}
