/* Part of ai.h: the LLM confirmation stage of the decision pipeline.
 *
 * For each candidate entry (ENTER_LONG / ENTER_SHORT with a TA score at or
 * above ta_threshold) the stage fills the question's prompt template from a
 * market snapshot taken at decision time, asks every provider through the
 * cache, turns the verdicts into votes and applies the consensus rule: the
 * signal is kept (its size scaled by the consensus size) or vetoed.
 *
 *   - Exits and adjustments are never touched.
 *   - A candidate below ta_threshold is not sent to any provider; it is
 *     vetoed (below_threshold "veto", default) or passed unchanged ("pass").
 *   - Safety feature 1, fallback to TA-only: when no provider answers
 *     (errors, timeouts, open circuits, budget exhausted, replay misses) the
 *     signal passes unchanged, exactly as if the stage were not there. While
 *     in such an episode candidates below the threshold pass too. The start
 *     of an episode is logged once ("ai_unavailable"), its end once
 *     ("ai_recovered").
 *   - No provider with a key: the stage is disabled (every signal passes)
 *     with one message at creation; never an error. In replay mode no key
 *     is needed (nothing is sent): the stage is enabled without keys, and
 *     every question the cache cannot answer is logged ("ai_replay_miss")
 *     and kept in a list (pr_llm_stage_miss) so the caller can say so.
 *   - Prompts are anonymised by default (prompt_mode "anonymised", see
 *     pr_llm_snapshot_render): with identifiable ("plain") prompts a model
 *     whose training data reaches past a decision may remember what came
 *     next, and the stage reports itself contaminated
 *     (pr_llm_stage_contaminated).
 *   - gate_only (the TA side of an A/B comparison): the ta_threshold rule
 *     alone, without providers; candidates at or above it pass. Like the
 *     stage it mirrors, it passes everything when no provider has a key.
 * Every decision is logged as an "ai_decision" JSON line; nothing in it
 * depends on wall time, so a replayed run logs the same lines. */
#ifndef PRORATIO_AI_STAGE_H
#define PRORATIO_AI_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/data/store.h"
#include "proratio/ai/verdict.h"
#include "proratio/ai/consensus.h"
#include "proratio/ai/prompt.h"
#include "proratio/ai/llm.h"
#include "proratio/ai/cache.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_LLM_STAGE_MAX_PROVIDERS 8

typedef struct pr_llm_stage_config {
    pr_llm_question question;       /* CONFIRM; DIRECTION, MTF and REGIME work too */
    char prompts_dir[256];          /* "prompts"                                  */
    char template_version[16];      /* "v1"                                       */
    double ta_threshold;            /* 0.6                                        */
    int below_threshold_pass;       /* 0: veto (default), 1: pass unchanged       */
    pr_consensus_config consensus;
    pr_llm_mode mode;               /* LIVE                                       */
    pr_llm_budget budget;           /* unlimited                                  */
    char run_id[64];
    pr_llm_snapshot_opts snapshot;  /* snapshot.anonymise: 1 (prompt_mode)         */
    int gate_only;                  /* 0; 1: ta_threshold rule only, never asks    */
    int ask_levels;                 /* `levels`: 1 also asks the levels question on
                                       each entry kept and puts the levels on the
                                       signal (pr_signal.llm_level) for the risk
                                       stage's level stops                        */
} pr_llm_stage_config;

void pr_llm_stage_config_default(pr_llm_stage_config *c);

/* Reads the "ai" object at `path` of cfg:
 *   providers: [ provider objects, see pr_llm_config_load ]
 *   prices: [ {"model": "...", "input": USD per 1M tokens, "output": ...} ]
 *           (fills price_in / price_out of providers that set neither)
 *   mode: live|record|replay      prompts_dir, template_version
 *   question: confirm|direction|mtf|regime     ta_threshold: [0,1]
 *   below_threshold: veto|pass
 *   prompt_mode: anonymised|plain (default anonymised; "anonymized" too)
 *   consensus: {rule: weighted|unanimous, threshold, require_all, reduce_factor}
 *   budget: {max_calls_run, max_cost_run, max_calls_day, max_cost_day}
 *   run_id
 *   levels: true|false (false): also ask the levels question on each entry
 *           kept, the answer's prices on the signal
 * Fills stage and provider configs (at most PR_LLM_STAGE_MAX_PROVIDERS). */
int pr_llm_stage_config_load(const pr_config *cfg, const char *path, pr_llm_stage_config *out,
                             pr_llm_config *providers, size_t *n_providers, pr_err *err);

typedef struct pr_llm_stage pr_llm_stage;

/* Creates the stage. Providers whose key is missing are skipped with a
 * warning; none left -> a disabled stage (PR_OK) and one message on `log`.
 * store (borrowed, may be NULL in live mode) holds llm_calls; log (borrowed,
 * may be NULL) gets the JSON lines; hooks (may be NULL) are passed to every
 * provider and the cache. Templates are loaded here (a missing template is
 * an error). */
int pr_llm_stage_new(const pr_llm_stage_config *c, const pr_llm_config *providers, size_t n_providers,
                     pr_store *store, pr_log *log, const pr_llm_hooks *hooks, pr_llm_stage **out,
                     pr_err *err);
void pr_llm_stage_free(pr_llm_stage *st);
/* 1 when at least one provider is usable. */
int pr_llm_stage_enabled(const pr_llm_stage *st);
/* Provider i of the stage (NULL past the end). */
pr_llm *pr_llm_stage_provider(pr_llm_stage *st, size_t i);
size_t pr_llm_stage_n_providers(const pr_llm_stage *st);

/* What the stage decides on. The snapshot is built from bars up to the
 * decision time with ta_score and the candidate (cand.side != 0) set. */
typedef struct pr_llm_context {
    const pr_llm_snapshot *snapshot;
} pr_llm_context;

typedef struct pr_llm_vote_info {
    char provider[32];
    pr_llm_fail fail;         /* PR_LLM_OK when answered                      */
    pr_verdict_reject reject;
    int cached;
    pr_vote vote;
    char reason[200];         /* failure reason (key-free), "" when answered */
    int mtf_known;            /* 1: an mtf verdict, mtf_align set            */
    double mtf_align;         /* its timeframes agreeing with the side, [0,1] */
} pr_llm_vote_info;

typedef struct pr_llm_decision {
    int candidate;            /* 1: an entry at or above the TA threshold     */
    int asked;                /* 1: providers were asked                      */
    int fallback;             /* 1: AI unavailable or disabled -> TA-only     */
    int keep;                 /* 1: keep the signal                           */
    double size;              /* multiplier for the signal's size             */
    const char *why;          /* static text                                  */
    pr_consensus consensus;   /* when asked                                   */
    size_t n_votes;
    pr_llm_vote_info votes[PR_LLM_STAGE_MAX_PROVIDERS];
    char template_id[64];
    char prompt_hash[65];
} pr_llm_decision;

/* Decides on one candidate; the prompt follows the stage's prompt_mode
 * (snapshot.anonymise) whatever the snapshot was built with. Returns 0 with *out filled whatever the
 * providers did (their failures are failed votes); an error only for misuse
 * or when the prompt cannot be built (a bad template). */
int pr_llm_confirm(pr_llm_stage *st, const pr_llm_context *ctx, pr_llm_decision *out, pr_err *err);

typedef struct pr_llm_stage_stats {
    size_t signals;           /* seen by the adapter or pr_llm_confirm        */
    size_t candidates;        /* at or above the threshold                    */
    size_t below_threshold;
    size_t threshold_vetoed;  /* below the threshold and vetoed: no model asked */
    size_t approved, reduced, vetoed;  /* the models' decisions (vetoed: by them) */
    size_t replay_misses;     /* questions the replayed cache could not answer */
    size_t fallbacks;         /* decided TA-only                              */
    size_t episodes;          /* unavailable episodes                         */
    pr_llm_cache_stats cache;
} pr_llm_stage_stats;

void pr_llm_stage_get_stats(const pr_llm_stage *st, pr_llm_stage_stats *out);
/* 1 while the stage is in an unavailable episode (between its
 * "ai_unavailable" and "ai_recovered" log lines): a session's notifier
 * follows it after each step. */
int pr_llm_stage_down(const pr_llm_stage *st);
/* Logs the "ai_summary" JSON line (counts, cache hits, cost, prompt mode,
 * contamination). */
void pr_llm_stage_log_summary(pr_llm_stage *st);

/* A question a replay could not answer from the cache. */
typedef struct pr_llm_miss {
    int64_t decision_ts;
    char provider[32];
    char template_id[64];
    char prompt_hash[65];
} pr_llm_miss;

size_t pr_llm_stage_n_misses(const pr_llm_stage *st);
/* Miss i in the order they happened (NULL past the end). */
const pr_llm_miss *pr_llm_stage_miss(const pr_llm_stage *st, size_t i);

/* 1 when the stage's prompts are anonymised. */
int pr_llm_stage_anonymised(const pr_llm_stage *st);
/* 1 when a provider of the stage was asked with identifiable prompts about
 * decisions before its knowledge cutoff (or an unknown one): see
 * pr_llm_contaminated, applied to the first and last decision the stage
 * asked about. why (may be NULL) gets the providers' lines joined by "; ". */
int pr_llm_stage_contaminated(const pr_llm_stage *st, char *why, size_t cap);

/* ---- engine adapter ----------------------------------------------------------- */
/* Forward declarations so this header does not pull in the engine. */
struct pr_confirm_stage;
struct pr_market_view;

/* The regime question (a stage configured with question "regime") on
 * instrument inst of the view at its step, from its bars up to then: the
 * providers' eight regime probabilities, averaged with the providers'
 * weights over those that answered, into prob (pr_regime order) with *ok 1;
 * *ok 0 when none answered, or the stage is disabled or asks another
 * question. Through the response cache, so a replay gives the same. */
int pr_llm_stage_regime(pr_llm_stage *st, const struct pr_market_view *v, int inst, double prob[PR_REGIME_COUNT], int *ok,
                        pr_err *err);

/* Wraps the stage as the engine's confirmation stage: out->self = st and
 * out->destroy frees it (pr_pipeline_add_stage takes ownership). For an
 * entry signal it builds the snapshot from the view (bars of the signal's
 * instrument up to now), with TA score = the signal's confidence and the
 * candidate from the signal (entry = entry_limit, entry_stop or the last
 * close; stop; first target; tag; reason), then applies pr_llm_confirm:
 * *keep = decision.keep and sig->size_hint is multiplied by decision.size. */
int pr_llm_stage_as_confirm(pr_llm_stage *st, struct pr_confirm_stage *out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
