/* Part of ai.h: the response cache, audit trail and budget in front of the
 * providers. Every call that goes to a provider is stored in the store's
 * llm_calls table (provider, model, template id, prompt hash, request body
 * without the key, redacted response, latency, tokens, estimated cost,
 * verdict or error). A call is identified by (provider name, model,
 * template id, prompt hash).
 *
 * Modes:
 *   live    always call the provider; store the call (when there is a store).
 *   record  answer from the cache when it holds a successful call with that
 *           key, else call and store.
 *   replay  cache only: the newest successful row, else the newest failed
 *           row (its failure is replayed); no row -> PR_LLM_FAIL_CACHE_MISS
 *           (a failed vote), never a network call.
 * A cached answer is re-parsed from the stored response body, so replaying a
 * cache gives the same verdicts and decisions as the run that recorded it.
 *
 * Budget: before each network call, the calls and estimated cost of this
 * run (this cache object) and of the current UTC day (rows in llm_calls
 * created that day, plus this run's calls when there is no store) are
 * compared with their limits; once a limit is reached the call is refused
 * with PR_LLM_FAIL_BUDGET (status PR_ELIMIT) and counts as a failed vote.
 * A call may overshoot a cost limit by at most its own cost. Cache hits are
 * free. */
#ifndef PRORATIO_AI_CACHE_H
#define PRORATIO_AI_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/data/store.h"
#include "proratio/ai/llm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_llm_mode {
    PR_LLM_MODE_LIVE = 0,
    PR_LLM_MODE_RECORD,
    PR_LLM_MODE_REPLAY
} pr_llm_mode;

/* "live" "record" "replay". */
const char *pr_llm_mode_name(pr_llm_mode m);
int pr_llm_mode_parse(const char *s, pr_llm_mode *out);

typedef struct pr_llm_budget {
    long max_calls_run;       /* 0 = unlimited                               */
    double max_cost_run;      /* USD; 0 = unlimited                          */
    long max_calls_day;
    double max_cost_day;
} pr_llm_budget;

typedef struct pr_llm_cache_stats {
    size_t asks;              /* pr_llm_cache_ask calls                      */
    size_t hits;              /* answered from the cache                     */
    size_t misses;            /* replay: not cached                          */
    size_t calls;             /* went to a provider                          */
    size_t failures;          /* asks that produced no verdict               */
    size_t budget_refusals;
    double cost;              /* estimated USD of this run's calls           */
} pr_llm_cache_stats;

typedef struct pr_llm_cache pr_llm_cache;

/* store may be NULL only in live mode (then nothing is stored and the day
 * budget counts this run only). `run_id` labels stored rows (may be NULL).
 * hooks->wall_ms (may be NULL) is the clock for created_at and the day. */
int pr_llm_cache_new(pr_store *store, pr_llm_mode mode, const pr_llm_budget *budget, const char *run_id,
                     const pr_llm_hooks *hooks, pr_llm_cache **out, pr_err *err);
void pr_llm_cache_free(pr_llm_cache *c);

/* A provider for a cache in `mode`: pr_llm_new, except in replay mode, where
 * no key is read (a recorded run replays on a machine without keys, e.g. a
 * colleague's or CI) and the transport refuses to send anything. */
int pr_llm_new_for_mode(const pr_llm_config *cfg, pr_llm_mode mode, const pr_llm_hooks *hooks, pr_llm **out,
                        pr_err *err);
pr_llm_mode pr_llm_cache_mode(const pr_llm_cache *c);

/* One question to one provider through the cache (see the modes above).
 * decision_ts is the market time the question is about (stored with the
 * row; PR_TIME_NONE when not applicable). Returns like pr_llm_call; out is
 * always filled (free with pr_llm_result_free). When the row cannot be
 * stored, returns PR_EDB with out holding the call's result: an unaudited
 * answer is not used. */
int pr_llm_cache_ask(pr_llm_cache *c, pr_llm *l, const pr_llm_prompt *p, int64_t decision_ts,
                     pr_llm_result *out, pr_err *err);

void pr_llm_cache_get_stats(const pr_llm_cache *c, pr_llm_cache_stats *out);

#ifdef __cplusplus
}
#endif
#endif
