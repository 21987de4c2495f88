/* Part of ai.h: the one list of LLM wire APIs. A row X(NAME, name) stands for
 * src/ai/provider_<name>.c, which defines pr_ai_<name>_build,
 * pr_ai_<name>_parse and the descriptor pr_ai_provider_<name> (its presets
 * and its models' knowledge cutoffs). The pr_llm_api values, pr_llm_api_name,
 * the vtables, the presets and the cutoff table all come from this list, so
 * adding a provider is that file plus one row here (docs/HACKING.md). */
#ifndef PRORATIO_AI_PROVIDERS_H
#define PRORATIO_AI_PROVIDERS_H

/* Rows in pr_llm_api order (the first is 1); never reorder: a value is its
 * position. */
#define PR_LLM_PROVIDERS(X)                                                                                  \
    X(OPENAI, openai)                                                                                        \
    X(ANTHROPIC, anthropic)                                                                                  \
    X(GEMINI, gemini)

#endif
