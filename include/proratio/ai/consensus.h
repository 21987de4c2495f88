/* Part of ai.h: turning several providers' verdicts into one decision
 * (consensus voting) and combining an ML prediction with an LLM verdict (the
 * hybrid combiner). Pure functions: no I/O, no state.
 *
 * Consensus works on confirmation actions (APPROVE / REDUCE_SIZE / REJECT).
 * Other verdicts become actions relative to the candidate trade with
 * pr_verdict_to_vote. A failed vote (transport error, rejected verdict,
 * cache miss, open circuit, budget) is a vote with answered = 0: it keeps
 * its weight in the denominator, so it always counts against acting.
 *
 *   agreement = (weight of the answered votes for the most-voted action)
 *               / (weight of all votes, failed ones included)
 *   Ties between actions go to the more cautious one (REJECT, then
 *   REDUCE_SIZE, then APPROVE).
 *
 * Rules (when no vote answered at all, the AI is unavailable: available = 0
 * and the caller falls back to TA-only):
 *   WEIGHTED  require_all and a vote failed -> skip. Otherwise act only if
 *             agreement > threshold (0.6): APPROVE -> size 1, REDUCE_SIZE ->
 *             size reduce_factor, REJECT -> skip; agreement <= threshold -> skip.
 *   UNANIMOUS any answered REJECT -> skip; require_all and a vote failed ->
 *             skip; every vote answered APPROVE -> size 1; otherwise (some
 *             REDUCE_SIZE, or some votes failed) -> size reduce_factor (0.5).
 */
#ifndef PRORATIO_AI_CONSENSUS_H
#define PRORATIO_AI_CONSENSUS_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/ai/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_consensus_rule {
    PR_CONSENSUS_WEIGHTED = 0,
    PR_CONSENSUS_UNANIMOUS
} pr_consensus_rule;

/* "weighted" "unanimous". */
const char *pr_consensus_rule_name(pr_consensus_rule r);
int pr_consensus_rule_parse(const char *s, pr_consensus_rule *out);

typedef struct pr_consensus_config {
    pr_consensus_rule rule;   /* WEIGHTED                                    */
    double threshold;         /* 0.6: weighted agreement must exceed it      */
    int require_all;          /* 0                                           */
    double reduce_factor;     /* 0.5: size of a REDUCE_SIZE outcome          */
} pr_consensus_config;

void pr_consensus_config_default(pr_consensus_config *c);

/* One provider's vote. */
typedef struct pr_vote {
    int answered;             /* 0: failed vote                              */
    pr_llm_action action;     /* when answered                               */
    double confidence;        /* [0,1]                                       */
    double weight;            /* >= 0 (provider weight)                      */
} pr_vote;

typedef struct pr_consensus {
    int available;            /* 0: no vote answered (AI unavailable)        */
    int act;                  /* 1: keep the trade at `size`; 0: skip it     */
    pr_llm_action action;     /* outcome: APPROVE, REDUCE_SIZE or REJECT     */
    double size;              /* 1, reduce_factor, or 0 when skipped         */
    int top;                  /* most-voted action (-1 when none answered)   */
    double agreement;         /* see above, in [0,1]                         */
    double confidence;        /* weight-averaged confidence of the top voters */
    size_t n_votes, n_answered;
    const char *why;          /* static text: which rule decided             */
} pr_consensus;

/* Applies c's rule to votes[0..n). PR_EINVAL for bad weights (negative, not
 * finite, all zero) or a bad config. */
int pr_consensus_decide(const pr_consensus_config *c, const pr_vote *votes, size_t n,
                        pr_consensus *out, pr_err *err);

/* A verdict as a vote on a candidate trade of direction `side` (+1 long,
 * -1 short):
 *   confirm    its action and confidence;
 *   direction  with the side -> APPROVE, against -> REJECT, neutral ->
 *              REDUCE_SIZE; its confidence;
 *   mtf        the direction shared by at least 3 of the 4 timeframes
 *              (neutral otherwise), mapped as above; confidence = mean of
 *              the agreeing timeframes' (of all four when neutral);
 *   regime     strong_bull/weak_bull -> bullish, weak_bear/strong_bear ->
 *              bearish, the ranges and volatility regimes -> neutral, mapped
 *              as above; confidence = the regime's probability.
 *   levels     not a vote (PR_EUNSUPPORTED).
 * `weight` is copied into the vote. */
int pr_verdict_to_vote(const pr_verdict *v, int side, double weight, pr_vote *out, pr_err *err);
/* An mtf verdict's alignment with a trade of direction `side`: the
 * fraction of its 4 timeframes that point the trade's way (3 of 4: 0.75).
 * Returns 1 with *align set for an mtf verdict, else 0. */
int pr_verdict_mtf_align(const pr_verdict *v, int side, double *align);

/* ------------------------------------------------------------------------ */
/* Hybrid ML + LLM combiner                                                   */
/* ------------------------------------------------------------------------ */
typedef enum pr_hybrid_strength {
    PR_HYBRID_NONE = 0,       /* no trade                                    */
    PR_HYBRID_WEAK,
    PR_HYBRID_MODERATE,
    PR_HYBRID_STRONG,
    PR_HYBRID_VERY_STRONG,
    PR_HYBRID_CONFLICT        /* the models disagree: no trade               */
} pr_hybrid_strength;

/* "none" "weak" "moderate" "strong" "very_strong" "conflict". */
const char *pr_hybrid_strength_name(pr_hybrid_strength s);

typedef struct pr_hybrid_config {
    double w_ml, w_llm;       /* 0.6, 0.4                                    */
    double bonus_max;         /* 0.2: agreement bonus = bonus_max * min(ml, llm) */
    double ml_threshold;      /* 0.55: ML below it cannot open a trade       */
    double strong_conf;       /* 0.6: "confident" for the conflict rules     */
    double veto_conf;         /* 0.7: LLM REJECT at or above it vetoes       */
    double tier_very_strong;  /* 0.85  combined >= -> very_strong            */
    double tier_strong;       /* 0.70  -> strong                             */
    double tier_moderate;     /* 0.55  -> moderate; below -> weak            */
    double size_very_strong;  /* 1.0                                         */
    double size_strong;       /* 0.75                                        */
    double size_moderate;     /* 0.5                                         */
    double size_weak;         /* 0.25                                        */
    double conflict_size;     /* 0.5: extra factor when following ML against a weak LLM */
} pr_hybrid_config;

void pr_hybrid_config_default(pr_hybrid_config *c);

typedef struct pr_hybrid_input {
    int ml_direction;         /* +1 long, -1 short, 0 none                   */
    double ml_confidence;     /* [0,1]                                       */
    int llm_available;        /* 0: no LLM verdict (ML alone decides)        */
    int llm_direction;        /* +1 / -1 / 0 (neutral)                       */
    double llm_confidence;    /* [0,1]                                       */
    int llm_reject;           /* 1: the LLM answered REJECT to this trade    */
} pr_hybrid_input;

typedef struct pr_hybrid_result {
    pr_hybrid_strength strength;
    int direction;            /* trade direction, 0 = no trade               */
    double combined;          /* combined confidence in [0,1]                */
    double size;              /* size multiplier, 0 = no trade               */
    int rule;                 /* conflict rule that decided (1..4), 0 none   */
    const char *why;          /* static text                                  */
} pr_hybrid_result;

/* Combined confidence, with s = the LLM's support for the ML direction
 * (llm_confidence when it agrees, 0.5 when neutral, 1 - llm_confidence when
 * it disagrees): combined = w_ml*ml + w_llm*s + (agree ? bonus_max*min(ml,llm) : 0),
 * capped at 1; with no LLM verdict combined = ml. Size = the tier's size.
 * Rules, checked in this order (an LLM REJECT counts as a vote against the
 * ML direction at its confidence):
 *   4. ML direction 0 or ml_confidence < ml_threshold -> none: the LLM alone
 *      never opens a trade.
 *   3. LLM REJECT with llm_confidence >= veto_conf -> none (veto).
 *   1. ML and LLM disagree on direction, both >= strong_conf -> conflict, no trade.
 *   2. They disagree and one is below strong_conf: follow the stronger one at
 *      reduced size (tier size * conflict_size) -- but when the stronger one
 *      is the LLM, following it would open a trade the ML model did not
 *      signal (forbidden by rule 4), so the result is conflict, no trade. */
int pr_hybrid_combine(const pr_hybrid_config *c, const pr_hybrid_input *in, pr_hybrid_result *out,
                      pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
