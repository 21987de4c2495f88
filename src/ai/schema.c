/* JSON Schemas of the verdicts, built once per request with jansson (so
 * they stay valid JSON by construction), in two dialects: plain JSON Schema
 * (OpenAI strict structured output, Anthropic output_config) and Gemini's
 * OpenAPI subset (upper-case types, propertyOrdering). */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include <jansson.h>

#include "ai_internal.h"

static json_t *str_t(void) { return json_pack("{s:s}", "type", "string"); }
static json_t *num_t(void) {
    return json_pack("{s:s,s:s}", "type", "number", "description",
                     "Probability-like score between 0 and 1");
}
static json_t *plain_num_t(void) { return json_pack("{s:s}", "type", "number"); }
static json_t *list_t(void) { return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string"); }

static json_t *enum_t(const char *(*name)(int), int n) {
    json_t *e = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(e, json_string(name(i)));
    return json_pack("{s:s,s:o}", "type", "string", "enum", e);
}

/* An object schema whose properties are given as alternating name, schema,
 * terminated by NULL; all of them required. */
static json_t *obj_t(const char *first, ...) {
    json_t *props = json_object(), *req = json_array();
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *)) {
        json_t *v = va_arg(ap, json_t *);
        json_object_set_new(props, k, v);
        json_array_append_new(req, json_string(k));
    }
    va_end(ap);
    return json_pack("{s:s,s:o,s:o,s:b}", "type", "object", "properties", props, "required", req,
                     "additionalProperties", 0);
}

static const char *q_action(int i) { return pr_llm_action_name((pr_llm_action)i); }
static const char *q_dir(int i) { return pr_llm_direction_name((pr_llm_direction)i); }
static const char *q_regime(int i) { return pr_regime_name((pr_regime)i); }
static const char *q_level(int i) { return pr_level_kind_name((pr_level_kind)i); }

static json_t *tf_t(void) {
    return obj_t("direction", enum_t(q_dir, PR_LLM_DIR_COUNT), "confidence", num_t(), "patterns",
                 list_t(), NULL);
}

static json_t *plain(pr_llm_question q) {
    switch (q) {
    case PR_LLM_Q_CONFIRM:
        return obj_t("action", enum_t(q_action, PR_LLM_ACTION_COUNT), "confidence", num_t(), "reasons",
                     list_t(), NULL);
    case PR_LLM_Q_DIRECTION:
        return obj_t("direction", enum_t(q_dir, PR_LLM_DIR_COUNT), "confidence", num_t(), "reasoning",
                     str_t(), "key_factors", list_t(), NULL);
    case PR_LLM_Q_MTF:
        return obj_t("timeframes",
                     obj_t("1h", tf_t(), "4h", tf_t(), "1d", tf_t(), "1w", tf_t(), NULL),
                     "reasoning", str_t(), NULL);
    case PR_LLM_Q_REGIME: {
        json_t *probs = obj_t(NULL);
        json_t *props = json_object_get(probs, "properties"), *req = json_object_get(probs, "required");
        for (int i = 0; i < PR_REGIME_COUNT; i++) {
            json_object_set_new(props, q_regime(i), plain_num_t());
            json_array_append_new(req, json_string(q_regime(i)));
        }
        return obj_t("regime", enum_t(q_regime, PR_REGIME_COUNT), "probabilities", probs,
                     "reasoning", str_t(), NULL);
    }
    case PR_LLM_Q_LEVELS: {
        json_t *lvl = obj_t("kind", enum_t(q_level, PR_LEVEL_KIND_COUNT), "price", plain_num_t(),
                            "strength", num_t(), "touches", json_pack("{s:s}", "type", "integer"),
                            NULL);
        return obj_t("levels", json_pack("{s:s,s:o}", "type", "array", "items", lvl), "reasoning",
                     str_t(), NULL);
    }
    default:
        return NULL;
    }
}

/* Rewrites a plain schema into Gemini's dialect in place. */
static void to_gemini(json_t *s) {
    if (!json_is_object(s)) return;
    json_t *t = json_object_get(s, "type");
    if (json_is_string(t)) {
        char up[16];
        pr_strlcpy(up, json_string_value(t), sizeof up);
        for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
        json_object_set_new(s, "type", json_string(up));
    }
    json_object_del(s, "additionalProperties");
    json_object_del(s, "description");
    json_t *props = json_object_get(s, "properties");
    if (json_is_object(props)) {
        json_t *order = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(props, k, v) {
            json_array_append_new(order, json_string(k));
            to_gemini(v);
        }
        json_object_set_new(s, "propertyOrdering", order);
    }
    to_gemini(json_object_get(s, "items"));
}

json_t *pr_ai_schema(pr_llm_question q, int gemini) {
    json_t *s = plain(q);
    if (s && gemini) to_gemini(s);
    return s;
}

char *pr_verdict_schema(pr_llm_question q, int gemini) {
    json_t *s = pr_ai_schema(q, gemini);
    if (!s) return NULL;
    char *t = json_dumps(s, JSON_COMPACT);
    json_decref(s);
    return t;
}

const char *pr_verdict_schema_name(pr_llm_question q) {
    static const char *const names[PR_LLM_Q_COUNT] = {"trade_confirmation", "trading_verdict",
                                                      "multi_timeframe_verdict", "regime_verdict",
                                                      "key_levels_verdict"};
    return (unsigned)q < PR_LLM_Q_COUNT ? names[q] : "verdict";
}
