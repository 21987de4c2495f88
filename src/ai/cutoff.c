/* Knowledge cutoffs of known models (one table row each) and the
 * contamination verdict of a run: a model shown identifiable prompts (symbol,
 * venue, dates, real prices) about a time before its training data ends can
 * answer from memory of what happened next, so its "decisions" are not a
 * forecast and an A/B gain proves nothing. */
#include <stdio.h>
#include <string.h>

#include "ai_internal.h"

/* Model name (without a "vendor/" prefix; '.' and '-' are equivalent) and the
 * first day after its training data ends, from the vendors' model pages, at
 * month granularity and rounded up: a cutoff given as "October 2023" is
 * 2023-11-01. The longest name the model starts with wins, so
 * "gpt-4o-mini-2024-07-18" is gpt-4o-mini and "claude-sonnet-4-5" is not
 * claude-sonnet-4. */
static const struct {
    const char *model;
    int y, m;
} k_cutoffs[] = {
    {"gpt-4o", 2023, 11},           {"gpt-4o-mini", 2023, 11},       {"gpt-4-1", 2024, 7},
    {"gpt-4-1-mini", 2024, 7},      {"gpt-4-1-nano", 2024, 7},       {"gpt-5", 2024, 10},
    {"gpt-5-mini", 2024, 6},        {"gpt-5-nano", 2024, 6},         {"o3", 2024, 7},
    {"o4-mini", 2024, 7},           {"claude-3-5-sonnet", 2024, 5},  {"claude-3-5-haiku", 2024, 8},
    {"claude-3-7-sonnet", 2024, 12}, {"claude-sonnet-4", 2025, 4},   {"claude-opus-4", 2025, 4},
    {"claude-sonnet-4-5", 2025, 8}, {"claude-haiku-4-5", 2025, 8},   {"claude-opus-4-1", 2025, 4},
    {"gemini-1-5", 2024, 6},        {"gemini-2-0-flash", 2024, 9},   {"gemini-2-5-flash", 2025, 2},
    {"gemini-2-5-pro", 2025, 2},    {"deepseek-chat", 2024, 8},      {"deepseek-reasoner", 2024, 8},
    {"llama-3-1", 2024, 1},         {"llama-3-3", 2024, 1},
};

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
    for (size_t i = 0; i < sizeof k_cutoffs / sizeof k_cutoffs[0]; i++) {
        const char *t = k_cutoffs[i].model;
        size_t n = strlen(t), j = 0;
        while (j < n && model[j] && same_char(model[j], t[j])) j++;
        char next = model[j];
        if (j < n || !(next == '\0' || next == '-' || next == '.' || next == ':' || next == '@') || n <= best) continue;
        best = n;
        pr_time_make(k_cutoffs[i].y, k_cutoffs[i].m, 1, 0, 0, 0, &out);
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
