/* Consensus voting over providers' confirmation actions (weighted and
 * unanimous rules) and the mapping of other verdicts to votes. The rules are
 * stated in ai/consensus.h; this file is their literal implementation. */
#include <math.h>
#include <string.h>

#include "proratio/ai.h"

const char *pr_consensus_rule_name(pr_consensus_rule r) {
    return r == PR_CONSENSUS_UNANIMOUS ? "unanimous" : (r == PR_CONSENSUS_WEIGHTED ? "weighted" : "?");
}

int pr_consensus_rule_parse(const char *s, pr_consensus_rule *out) {
    if (s && strcmp(s, "weighted") == 0) *out = PR_CONSENSUS_WEIGHTED;
    else if (s && (strcmp(s, "unanimous") == 0 || strcmp(s, "unanimity") == 0)) *out = PR_CONSENSUS_UNANIMOUS;
    else return PR_EINVAL;
    return PR_OK;
}

void pr_consensus_config_default(pr_consensus_config *c) {
    c->rule = PR_CONSENSUS_WEIGHTED;
    c->threshold = 0.6;
    c->require_all = 0;
    c->reduce_factor = 0.5;
}

/* Caution order for ties: REJECT beats REDUCE_SIZE beats APPROVE. */
static int caution(pr_llm_action a) {
    return a == PR_LLM_REJECT ? 2 : (a == PR_LLM_REDUCE_SIZE ? 1 : 0);
}

static void skip(pr_consensus *o, const char *why) {
    o->act = 0;
    o->action = PR_LLM_REJECT;
    o->size = 0;
    o->why = why;
}

int pr_consensus_decide(const pr_consensus_config *c, const pr_vote *votes, size_t n,
                        pr_consensus *out, pr_err *err) {
    if (!c || !out || (n && !votes)) return pr_err_set(err, PR_EINVAL, "consensus: NULL argument");
    if (!(c->threshold >= 0 && c->threshold < 1) || !(c->reduce_factor > 0 && c->reduce_factor <= 1))
        return pr_err_set(err, PR_EINVAL, "consensus: threshold must be in [0,1) and reduce_factor in (0,1]");
    memset(out, 0, sizeof *out);
    out->top = -1;
    out->n_votes = n;
    double total = 0, w[PR_LLM_ACTION_COUNT] = {0}, wc[PR_LLM_ACTION_COUNT] = {0};
    for (size_t i = 0; i < n; i++) {
        const pr_vote *v = &votes[i];
        if (!isfinite(v->weight) || v->weight < 0)
            return pr_err_set(err, PR_EINVAL, "consensus: vote %zu has a bad weight", i);
        total += v->weight;
        if (!v->answered) continue;
        if ((unsigned)v->action >= PR_LLM_ACTION_COUNT || !(v->confidence >= 0 && v->confidence <= 1))
            return pr_err_set(err, PR_EINVAL, "consensus: vote %zu has a bad action or confidence", i);
        out->n_answered++;
        w[v->action] += v->weight;
        wc[v->action] += v->weight * v->confidence;
    }
    if (n && !(total > 0)) return pr_err_set(err, PR_EINVAL, "consensus: all weights are zero");
    if (out->n_answered == 0) {
        skip(out, "no provider answered: AI unavailable");
        out->available = 0;
        return PR_OK;
    }
    out->available = 1;
    int top = -1;
    for (int a = 0; a < PR_LLM_ACTION_COUNT; a++) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            if (votes[i].answered && (int)votes[i].action == a) any = 1;
        if (!any) continue;
        if (top < 0 || w[a] > w[top] || (w[a] == w[top] && caution((pr_llm_action)a) > caution((pr_llm_action)top)))
            top = a;
    }
    out->top = top;
    out->agreement = w[top] / total;
    out->confidence = w[top] > 0 ? wc[top] / w[top] : 0;
    int all_answered = out->n_answered == n;

    if (c->rule == PR_CONSENSUS_UNANIMOUS) {
        int any_reject = 0, all_approve = all_answered;
        for (size_t i = 0; i < n; i++) {
            if (!votes[i].answered) continue;
            if (votes[i].action == PR_LLM_REJECT) any_reject = 1;
            if (votes[i].action != PR_LLM_APPROVE) all_approve = 0;
        }
        if (any_reject) skip(out, "unanimous: a provider rejected");
        else if (c->require_all && !all_answered) skip(out, "unanimous: not every provider answered");
        else if (all_approve) {
            out->act = 1;
            out->action = PR_LLM_APPROVE;
            out->size = 1;
            out->why = "unanimous: every provider approved";
        } else {
            out->act = 1;
            out->action = PR_LLM_REDUCE_SIZE;
            out->size = c->reduce_factor;
            out->why = "unanimous: approved without unanimity, size reduced";
        }
        return PR_OK;
    }

    if (c->require_all && !all_answered) skip(out, "weighted: not every provider answered");
    else if (!(out->agreement > c->threshold)) skip(out, "weighted: agreement not above the threshold");
    else if (top == PR_LLM_REJECT) skip(out, "weighted: providers agree to reject");
    else if (top == PR_LLM_REDUCE_SIZE) {
        out->act = 1;
        out->action = PR_LLM_REDUCE_SIZE;
        out->size = c->reduce_factor;
        out->why = "weighted: providers agree to reduce size";
    } else {
        out->act = 1;
        out->action = PR_LLM_APPROVE;
        out->size = 1;
        out->why = "weighted: providers agree to approve";
    }
    return PR_OK;
}

static pr_llm_action relative(pr_llm_direction d, int side) {
    int s = pr_llm_direction_sign(d);
    if (s == 0) return PR_LLM_REDUCE_SIZE;
    return s == side ? PR_LLM_APPROVE : PR_LLM_REJECT;
}

int pr_verdict_to_vote(const pr_verdict *v, int side, double weight, pr_vote *out, pr_err *err) {
    if (!v || !out || (side != 1 && side != -1))
        return pr_err_set(err, PR_EINVAL, "verdict_to_vote: bad argument");
    memset(out, 0, sizeof *out);
    out->weight = weight;
    out->answered = 1;
    switch (v->question) {
    case PR_LLM_Q_CONFIRM:
        out->action = v->u.confirm.action;
        out->confidence = v->u.confirm.confidence;
        return PR_OK;
    case PR_LLM_Q_DIRECTION:
        out->action = relative(v->u.direction.direction, side);
        out->confidence = v->u.direction.confidence;
        return PR_OK;
    case PR_LLM_Q_MTF: {
        int count[PR_LLM_DIR_COUNT] = {0};
        double sum[PR_LLM_DIR_COUNT] = {0}, all = 0;
        for (int i = 0; i < PR_MTF_COUNT; i++) {
            count[v->u.mtf.tf[i].direction]++;
            sum[v->u.mtf.tf[i].direction] += v->u.mtf.tf[i].confidence;
            all += v->u.mtf.tf[i].confidence;
        }
        pr_llm_direction d = PR_LLM_NEUTRAL;
        if (count[PR_LLM_BULLISH] >= 3) d = PR_LLM_BULLISH;
        else if (count[PR_LLM_BEARISH] >= 3) d = PR_LLM_BEARISH;
        out->action = relative(d, side);
        out->confidence = d == PR_LLM_NEUTRAL ? all / PR_MTF_COUNT : sum[d] / count[d];
        return PR_OK;
    }
    case PR_LLM_Q_REGIME: {
        pr_regime r = v->u.regime.regime;
        pr_llm_direction d = PR_LLM_NEUTRAL;
        if (r == PR_REGIME_STRONG_BULL || r == PR_REGIME_WEAK_BULL) d = PR_LLM_BULLISH;
        else if (r == PR_REGIME_STRONG_BEAR || r == PR_REGIME_WEAK_BEAR) d = PR_LLM_BEARISH;
        out->action = relative(d, side);
        out->confidence = v->u.regime.prob[r];
        return PR_OK;
    }
    default:
        out->answered = 0;
        return pr_err_set(err, PR_EUNSUPPORTED, "a %s verdict is not a vote on a trade",
                          pr_llm_question_name(v->question));
    }
}

int pr_verdict_mtf_align(const pr_verdict *v, int side, double *align) {
    if (!v || v->question != PR_LLM_Q_MTF) return 0;
    int n = 0;
    for (int i = 0; i < PR_MTF_COUNT; i++) n += pr_llm_direction_sign(v->u.mtf.tf[i].direction) == side;
    *align = (double)n / PR_MTF_COUNT;
    return 1;
}
