/* Part of ai.h: the questions the system asks a language model and the typed,
 * validated answers (verdicts) it accepts.
 *
 * A verdict is accepted only when the model's text is exactly one JSON
 * object of the question's schema:
 *   - leading/trailing whitespace is ignored;
 *   - a single ```json (or bare ```) fenced block holding the object and
 *     nothing else is accepted: it is a harmless wrapping models add when
 *     they have no structured-output mode. Any other text before or after the
 *     object (or the fence) is rejected as EXTRA_TEXT;
 *   - truncated JSON (a cut-off answer, an unclosed fence), invalid JSON,
 *     duplicate keys, missing or unknown keys, a wrong type, a number out of
 *     its range or not finite, an unknown label, or inconsistent values
 *     (regime probabilities) are rejected with a reason naming the field.
 * Nothing is repaired or guessed: a rejected verdict is a failed vote.
 * Free-text fields are cut to their buffer size and lists keep their first
 * PR_VERDICT_ITEMS_MAX items (they never decide anything). */
#ifndef PRORATIO_AI_VERDICT_H
#define PRORATIO_AI_VERDICT_H

#include <stddef.h>
#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_llm_question {
    PR_LLM_Q_CONFIRM = 0,   /* confirm a candidate trade: APPROVE/REJECT/REDUCE_SIZE */
    PR_LLM_Q_DIRECTION,     /* market direction for the next period                  */
    PR_LLM_Q_MTF,           /* direction per timeframe 1h/4h/1d/1w                   */
    PR_LLM_Q_REGIME,        /* one of 8 regimes with a probability for each          */
    PR_LLM_Q_LEVELS,        /* support / resistance / psychological levels           */
    PR_LLM_Q_COUNT
} pr_llm_question;

/* "confirm" "direction" "mtf" "regime" "levels". */
const char *pr_llm_question_name(pr_llm_question q);
int pr_llm_question_parse(const char *s, pr_llm_question *out);

typedef enum pr_llm_action {
    PR_LLM_APPROVE = 0, PR_LLM_REJECT, PR_LLM_REDUCE_SIZE, PR_LLM_ACTION_COUNT
} pr_llm_action;
/* "APPROVE" "REJECT" "REDUCE_SIZE". */
const char *pr_llm_action_name(pr_llm_action a);

typedef enum pr_llm_direction {
    PR_LLM_BULLISH = 0, PR_LLM_BEARISH, PR_LLM_NEUTRAL, PR_LLM_DIR_COUNT
} pr_llm_direction;
/* "bullish" "bearish" "neutral". */
const char *pr_llm_direction_name(pr_llm_direction d);
/* +1, -1, 0. */
int pr_llm_direction_sign(pr_llm_direction d);

typedef enum pr_regime {
    PR_REGIME_STRONG_BULL = 0, PR_REGIME_WEAK_BULL, PR_REGIME_BULL_RANGE, PR_REGIME_BEAR_RANGE,
    PR_REGIME_WEAK_BEAR, PR_REGIME_STRONG_BEAR, PR_REGIME_HIGH_VOL_EXPANSION,
    PR_REGIME_LOW_VOL_COMPRESSION, PR_REGIME_COUNT
} pr_regime;
/* "strong_bull" ... "low_vol_compression". */
const char *pr_regime_name(pr_regime r);
/* |sum of the 8 probabilities - 1| must not exceed this. */
#define PR_REGIME_PROB_TOLERANCE 0.03

typedef enum pr_level_kind {
    PR_LEVEL_SUPPORT = 0, PR_LEVEL_RESISTANCE, PR_LEVEL_PSYCHOLOGICAL, PR_LEVEL_KIND_COUNT
} pr_level_kind;
const char *pr_level_kind_name(pr_level_kind k);

/* Timeframes of the multi-timeframe verdict, in this order. */
enum { PR_MTF_1H = 0, PR_MTF_4H, PR_MTF_1D, PR_MTF_1W, PR_MTF_COUNT };
/* "1h" "4h" "1d" "1w". */
const char *pr_mtf_name(int i);

#define PR_VERDICT_ITEMS_MAX 8
#define PR_VERDICT_ITEM_MAX 128
#define PR_VERDICT_TEXT_MAX 640
#define PR_VERDICT_LEVELS_MAX 16

typedef struct pr_verdict_list {
    size_t n;
    char item[PR_VERDICT_ITEMS_MAX][PR_VERDICT_ITEM_MAX];
} pr_verdict_list;

/* {"action":"APPROVE|REJECT|REDUCE_SIZE","confidence":0..1,"reasons":[str,...]}
 * Lists (reasons, key_factors, patterns) may be empty. */
typedef struct pr_verdict_confirm {
    pr_llm_action action;
    double confidence;
    pr_verdict_list reasons;
} pr_verdict_confirm;

/* {"direction":"bullish|bearish|neutral","confidence":0..1,"reasoning":str,
 *  "key_factors":[str,...]} (the fixtures' shape). */
typedef struct pr_verdict_direction {
    pr_llm_direction direction;
    double confidence;
    char reasoning[PR_VERDICT_TEXT_MAX];
    pr_verdict_list key_factors;
} pr_verdict_direction;

/* {"timeframes":{"1h":{"direction":..,"confidence":0..1,"patterns":[str]},
 *  "4h":{..},"1d":{..},"1w":{..}},"reasoning":str} -- all four timeframes. */
typedef struct pr_verdict_tf {
    pr_llm_direction direction;
    double confidence;
    pr_verdict_list patterns;
} pr_verdict_tf;

typedef struct pr_verdict_mtf {
    pr_verdict_tf tf[PR_MTF_COUNT];
    char reasoning[PR_VERDICT_TEXT_MAX];
} pr_verdict_mtf;

/* {"regime":"strong_bull|...","probabilities":{"strong_bull":p,... all 8},
 *  "reasoning":str}: every p in [0,1], their sum within 1 +- 0.03, and the
 * named regime must have the highest probability (ties allowed). */
typedef struct pr_verdict_regime {
    pr_regime regime;
    double prob[PR_REGIME_COUNT];
    char reasoning[PR_VERDICT_TEXT_MAX];
} pr_verdict_regime;

/* {"levels":[{"kind":"support|resistance|psychological","price":>0,
 *  "strength":0..1,"touches":integer>=0},...],"reasoning":str}
 * levels: 1..16 entries (more is rejected: they are decision inputs). */
typedef struct pr_level {
    pr_level_kind kind;
    double price;
    double strength;
    int touches;
} pr_level;

typedef struct pr_verdict_levels {
    size_t n;
    pr_level level[PR_VERDICT_LEVELS_MAX];
    char reasoning[PR_VERDICT_TEXT_MAX];
} pr_verdict_levels;

typedef struct pr_verdict {
    pr_llm_question question;
    union {
        pr_verdict_confirm confirm;
        pr_verdict_direction direction;
        pr_verdict_mtf mtf;
        pr_verdict_regime regime;
        pr_verdict_levels levels;
    } u;
} pr_verdict;

/* Why a verdict was rejected. */
typedef enum pr_verdict_reject {
    PR_VERDICT_OK = 0,
    PR_VERDICT_EMPTY,          /* no text, or only whitespace                   */
    PR_VERDICT_EXTRA_TEXT,     /* prose before/after the JSON or the fence      */
    PR_VERDICT_TRUNCATED,      /* JSON (or fence) ends before it is complete     */
    PR_VERDICT_MALFORMED,      /* not valid JSON (incl. duplicate keys)          */
    PR_VERDICT_NOT_OBJECT,     /* valid JSON but not an object                   */
    PR_VERDICT_MISSING_FIELD,
    PR_VERDICT_UNKNOWN_FIELD,
    PR_VERDICT_WRONG_TYPE,
    PR_VERDICT_OUT_OF_RANGE,
    PR_VERDICT_UNKNOWN_LABEL,
    PR_VERDICT_INCONSISTENT,   /* values contradict each other                   */
    PR_VERDICT_REJECT_COUNT
} pr_verdict_reject;

/* "ok" "empty" "extra_text" "truncated" "malformed" "not_object"
 * "missing_field" "unknown_field" "wrong_type" "out_of_range" "unknown_label"
 * "inconsistent". */
const char *pr_verdict_reject_name(pr_verdict_reject r);

/* Parses and validates the model's text for question q. On success returns
 * 0 and fills *out (*why = PR_VERDICT_OK). On rejection returns PR_EPARSE
 * (syntax) or PR_ERANGE (content), sets *why (may be NULL) and fills err with
 * a message naming the field ("confidence: 1.4 is outside [0,1]") and
 * err->field = the JSON path. */
int pr_verdict_parse(pr_llm_question q, const char *text, size_t len, pr_verdict *out,
                     pr_verdict_reject *why, pr_err *err);

/* The verdict as compact JSON in the schema's key order (malloc'd, free()).
 * Parsing the result with pr_verdict_parse gives the same verdict. */
char *pr_verdict_to_json(const pr_verdict *v);

/* The JSON Schema of question q's answer as JSON text (malloc'd, free()).
 * gemini = 0: plain JSON Schema, what OpenAI's json_schema and Anthropic's
 * output_config.format carry: every property required, additionalProperties
 * false. gemini = 1: Gemini's OpenAPI subset (upper-case types, no
 * additionalProperties or descriptions, propertyOrdering). The direction
 * schema is the fixtures' "trading_verdict" schema. */
char *pr_verdict_schema(pr_llm_question q, int gemini);
/* The schema's name for OpenAI's json_schema.name ("trading_verdict"...). */
const char *pr_verdict_schema_name(pr_llm_question q);

#ifdef __cplusplus
}
#endif
#endif
