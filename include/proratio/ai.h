/* Public interface of the ai module: language-model providers over libcurl
 * (OpenAI-compatible incl. OpenRouter/DeepSeek/local servers, Anthropic,
 * Gemini), prompt templates filled from a market snapshot, verdict parsing
 * and validation, consensus voting, the response cache and audit trail with
 * budgets, retries / rate limiting / circuit breaking, the LLM confirmation
 * stage of the decision pipeline and the hybrid ML+LLM combiner. */
#ifndef PRORATIO_AI_H
#define PRORATIO_AI_H

#include "proratio/core.h"
#include "proratio/ai/verdict.h"
#include "proratio/ai/consensus.h"
#include "proratio/ai/prompt.h"
#include "proratio/ai/llm.h"
#include "proratio/ai/cache.h"
#include "proratio/ai/stage.h"
#include "proratio/ai/ab.h"

#endif
