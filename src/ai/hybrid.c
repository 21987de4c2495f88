/* The hybrid ML + LLM combiner: one pure function from an ML prediction and
 * an LLM verdict to a signal strength, a combined confidence and a size
 * multiplier, with the four conflict rules documented in ai/consensus.h. */
#include <math.h>
#include <string.h>

#include "proratio/ai.h"

const char *pr_hybrid_strength_name(pr_hybrid_strength s) {
    static const char *const k[] = {"none", "weak", "moderate", "strong", "very_strong", "conflict"};
    return (unsigned)s <= PR_HYBRID_CONFLICT ? k[s] : "?";
}

void pr_hybrid_config_default(pr_hybrid_config *c) {
    c->w_ml = 0.6;
    c->w_llm = 0.4;
    c->bonus_max = 0.2;
    c->ml_threshold = 0.55;
    c->strong_conf = 0.6;
    c->veto_conf = 0.7;
    c->tier_very_strong = 0.85;
    c->tier_strong = 0.70;
    c->tier_moderate = 0.55;
    c->size_very_strong = 1.0;
    c->size_strong = 0.75;
    c->size_moderate = 0.5;
    c->size_weak = 0.25;
    c->conflict_size = 0.5;
}

static int unit(double x) { return x >= 0 && x <= 1; }

static void tier(const pr_hybrid_config *c, pr_hybrid_result *o) {
    if (o->combined >= c->tier_very_strong) {
        o->strength = PR_HYBRID_VERY_STRONG;
        o->size = c->size_very_strong;
    } else if (o->combined >= c->tier_strong) {
        o->strength = PR_HYBRID_STRONG;
        o->size = c->size_strong;
    } else if (o->combined >= c->tier_moderate) {
        o->strength = PR_HYBRID_MODERATE;
        o->size = c->size_moderate;
    } else {
        o->strength = PR_HYBRID_WEAK;
        o->size = c->size_weak;
    }
}

static void no_trade(pr_hybrid_result *o, pr_hybrid_strength s, int rule, const char *why) {
    o->strength = s;
    o->direction = 0;
    o->size = 0;
    o->rule = rule;
    o->why = why;
}

int pr_hybrid_combine(const pr_hybrid_config *c, const pr_hybrid_input *in, pr_hybrid_result *out,
                      pr_err *err) {
    if (!c || !in || !out) return pr_err_set(err, PR_EINVAL, "hybrid: NULL argument");
    if (!unit(in->ml_confidence) || (in->llm_available && !unit(in->llm_confidence)) ||
        in->ml_direction < -1 || in->ml_direction > 1 || in->llm_direction < -1 || in->llm_direction > 1)
        return pr_err_set(err, PR_EINVAL, "hybrid: directions must be -1/0/+1 and confidences in [0,1]");
    memset(out, 0, sizeof *out);
    const double ml = in->ml_confidence, llm = in->llm_confidence;
    out->combined = in->llm_available ? c->w_ml * ml : ml;

    /* Rule 4: the ML model must signal on its own. */
    if (in->ml_direction == 0 || ml < c->ml_threshold) {
        no_trade(out, PR_HYBRID_NONE, 4, "ML below its threshold: the LLM alone cannot open a trade");
        return PR_OK;
    }
    if (!in->llm_available) {
        out->combined = ml;
        tier(c, out);
        out->direction = in->ml_direction;
        out->why = "no LLM verdict: ML alone";
        return PR_OK;
    }
    /* Rule 3: a confident LLM rejection overrides the ML model. */
    if (in->llm_reject && llm >= c->veto_conf) {
        out->combined = c->w_ml * ml + c->w_llm * (1 - llm);
        no_trade(out, PR_HYBRID_NONE, 3, "LLM rejected with high confidence");
        return PR_OK;
    }
    int llm_dir = in->llm_reject ? -in->ml_direction : in->llm_direction;
    if (llm_dir == in->ml_direction) {
        out->combined = fmin(1.0, c->w_ml * ml + c->w_llm * llm + c->bonus_max * fmin(ml, llm));
        tier(c, out);
        out->direction = in->ml_direction;
        out->why = "ML and LLM agree";
        return PR_OK;
    }
    if (llm_dir == 0) {
        out->combined = c->w_ml * ml + c->w_llm * 0.5;
        tier(c, out);
        out->direction = in->ml_direction;
        out->why = "LLM neutral";
        return PR_OK;
    }
    out->combined = c->w_ml * ml + c->w_llm * (1 - llm);
    /* Rule 1: both confident and opposed. */
    if (ml >= c->strong_conf && llm >= c->strong_conf) {
        no_trade(out, PR_HYBRID_CONFLICT, 1, "ML and LLM disagree, both confident");
        return PR_OK;
    }
    /* Rule 2: one side weak -> the stronger one, if it is the ML model. */
    if (ml > llm) {
        tier(c, out);
        out->size *= c->conflict_size;
        out->direction = in->ml_direction;
        out->rule = 2;
        out->why = "disagreement with a weak LLM: following ML at reduced size";
        return PR_OK;
    }
    no_trade(out, PR_HYBRID_CONFLICT, 2, "disagreement with a weak ML signal: no trade");
    return PR_OK;
}
