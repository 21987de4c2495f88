/* Size multipliers of the risk stage from the signal's verdict fields
 * (risk/mult.h), declared as a parameter table so `risk.multipliers` is
 * validated with full key paths and printed by `proratio risk check`. */
#include <stddef.h>
#include <stdio.h>

#include "proratio/risk/mult.h"

#define P_(f) offsetof(pr_risk_mult, f)

/* With four timeframes (1h 4h 1d 1w): 4/4 -> 1, 3/4 (the 60-75%)
 * -> 0.7, 2/4 -> 0.5, fewer -> no trade. */
static const double k_mtf_level[] = {0, 0.5, 0.6, 0.8};
static const double k_mtf_mult[] = {0, 0.5, 0.7, 1};

static const pr_param_def k_mult[] = {
    {.name = "ai_verdict", .type = PR_PARAM_BOOL, .offset = P_(ai_verdict), .def = 0,
     .desc = "multiply by the AI verdict's row below (no verdict: 1)"},
    {.name = "approve_confidence", .type = PR_PARAM_NUMBER, .offset = P_(approve_confidence), .def = 0.8,
     .min = 0, .max = 1, .desc = "APPROVE counts as confident above this"},
    {.name = "approve", .type = PR_PARAM_NUMBER, .offset = P_(approve), .def = 1, .min = 0, .max = 1,
     .desc = "APPROVE above approve_confidence"},
    {.name = "approve_low", .type = PR_PARAM_NUMBER, .offset = P_(approve_low), .def = 0.5, .min = 0, .max = 1,
     .desc = "APPROVE at or below approve_confidence"},
    {.name = "reduce_size", .type = PR_PARAM_NUMBER, .offset = P_(reduce), .def = 0.5, .min = 0, .max = 1,
     .desc = "REDUCE_SIZE"},
    {.name = "reject", .type = PR_PARAM_NUMBER, .offset = P_(reject), .def = 0, .min = 0, .max = 1,
     .desc = "REJECT (0: no trade)"},
    {.name = "ai_confidence", .type = PR_PARAM_BOOL, .offset = P_(ai_confidence), .def = 0,
     .desc = "multiply by the AI verdict's confidence (5% base x AI confidence)"},
    {.name = "mtf", .type = PR_PARAM_BOOL, .offset = P_(mtf), .def = 0,
     .desc = "multiply by the timeframe alignment's row below (not reported: 1)"},
    {.name = "mtf_levels", .type = PR_PARAM_LIST, .offset = P_(mtf_level), .aux_offset = P_(n_mtf),
     .cap = PR_RISK_MTF_LEVELS, .min = 0, .max = 1, .def_list = k_mtf_level, .def_n = 4,
     .desc = "fraction of timeframes agreeing with the side, ascending"},
    {.name = "mtf_mult", .type = PR_PARAM_LIST, .offset = P_(mtf_mult), .aux_offset = P_(n_mtf),
     .cap = PR_RISK_MTF_LEVELS, .min = 0, .max = 1, .def_list = k_mtf_mult, .def_n = 4, .pair = "mtf_levels",
     .desc = "multiplier from each alignment threshold"},
};

static int check_mult(const void *p, const char **what, char *msg, size_t cap) {
    const pr_risk_mult *m = p;
    for (int i = 1; i < m->n_mtf; i++)
        if (!(m->mtf_level[i] > m->mtf_level[i - 1])) {
            *what = "mtf_levels";
            snprintf(msg, cap, "expected ascending thresholds");
            return -1;
        }
    return 0;
}

const pr_strategy_info pr_risk_mult_info = {
    .name = "risk.multipliers",
    .summary = "size multipliers from the confirmation stages",
    .params = k_mult,
    .n_params = sizeof k_mult / sizeof k_mult[0],
    .size = sizeof(pr_risk_mult),
    .check = check_mult,
};

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

double pr_risk_mult_factor(const pr_risk_mult *m, const pr_signal *sig, const char **why) {
    double f = 1;
    *why = NULL;
    if (m->ai_verdict && sig->verdict != PR_SIG_VERDICT_NONE) {
        double x = sig->verdict == PR_SIG_VERDICT_REJECT   ? m->reject
                   : sig->verdict == PR_SIG_VERDICT_REDUCE ? m->reduce
                   : sig->verdict_confidence > m->approve_confidence ? m->approve
                                                                     : m->approve_low;
        if (x < 1 && !*why)
            *why = sig->verdict == PR_SIG_VERDICT_REJECT   ? "AI verdict REJECT"
                   : sig->verdict == PR_SIG_VERDICT_REDUCE ? "AI verdict REDUCE_SIZE"
                   : x == m->approve                        ? "AI verdict APPROVE"
                                                            : "AI verdict APPROVE at low confidence";
        f *= x;
    }
    if (m->ai_confidence && sig->verdict != PR_SIG_VERDICT_NONE) {
        double c = clamp01(sig->verdict_confidence);
        if (c < 1 && !*why) *why = "AI confidence multiplier";
        f *= c;
    }
    if (m->mtf && sig->mtf_known) {
        double x = 1;
        for (int i = 0; i < m->n_mtf; i++)
            if (sig->mtf_align >= m->mtf_level[i]) x = m->mtf_mult[i];
        if (m->n_mtf && sig->mtf_align < m->mtf_level[0]) x = 0;
        if (x < 1 && !*why) *why = "timeframe alignment multiplier";
        f *= x;
    }
    return f;
}
