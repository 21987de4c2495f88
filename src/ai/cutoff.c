/* Knowledge cutoffs of known models (the rows are in each provider's file,
 * see pr_ai_cutoff in ai_internal.h) and the
 * contamination verdict of a run: a model shown identifiable prompts (symbol,
 * venue, dates, real prices) about a time before its training data ends can
 * answer from memory of what happened next, so its "decisions" are not a
 * forecast and an A/B gain proves nothing. */
#include <stdio.h>
#include <string.h>

#include "ai_internal.h"

static int same_char(char a, char b) {
    if (a == '.') a = '-';
    if (b == '.') b = '-';
    return (a | 0x20) == (b | 0x20);
}

int64_t pr_llm_model_cutoff(const char *model) {
    if (!model) return PR_TIME_NONE;
    const char *slash = strrchr(model, '/');
    if (slash) model = slash + 1;
    size_t best = 0;
    int64_t out = PR_TIME_NONE;
    const pr_ai_provider *q;
    for (size_t pi = 0; (q = pr_ai_provider_at(pi)); pi++)
        for (size_t i = 0; i < q->n_cutoffs; i++) {
            const char *t = q->cutoffs[i].model;
            size_t n = strlen(t), j = 0;
            while (j < n && model[j] && same_char(model[j], t[j])) j++;
            char next = model[j];
            if (j < n || !(next == '\0' || next == '-' || next == '.' || next == ':' || next == '@') || n <= best)
                continue;
            best = n;
            pr_time_make(q->cutoffs[i].y, q->cutoffs[i].m, 1, 0, 0, 0, &out);
        }
    return out;
}

int pr_llm_contaminated(const pr_llm_config *c, int anonymised, int64_t from, int64_t to, char *why, size_t cap) {
    char a[PR_TIME_STR_MAX], b[PR_TIME_STR_MAX], k[PR_TIME_STR_MAX];
    if (why && cap) why[0] = '\0';
    if (!c || anonymised || from == PR_TIME_NONE) return 0;
    pr_time_format(from, a, sizeof a);
    pr_time_format(to == PR_TIME_NONE ? from : to, b, sizeof b);
    a[10] = b[10] = '\0'; /* dates only */
    if (c->knowledge_cutoff == PR_TIME_NONE) {
        if (why)
            snprintf(why, cap, "%s (%s): knowledge cutoff unknown (set knowledge_cutoff), assumed after the "
                     "decisions %s..%s it saw with identifiable prompts", c->name, c->model, a, b);
        return 1;
    }
    pr_time_format(c->knowledge_cutoff, k, sizeof k);
    k[10] = '\0';
    if (from >= c->knowledge_cutoff) return 0;
    if (why)
        snprintf(why, cap, "%s (%s): trained on data up to %s, shown identifiable prompts for decisions %s..%s",
                 c->name, c->model, k, a, b);
    return 1;
}
