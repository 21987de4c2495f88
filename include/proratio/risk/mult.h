/* Part of risk.h: size multipliers from what the confirmation stages
 * concluded — the AI verdict (APPROVE above a confidence -> 1, REDUCE_SIZE
 * -> 0.5, REJECT -> 0), the AI's confidence itself ("5% base x AI
 * confidence") and the multi-timeframe alignment (a table: 0.7x at 60-75%
 * of timeframes agreeing). They read the signal's plain verdict fields,
 * so the risk module needs no ai header. */
#ifndef PRORATIO_RISK_MULT_H
#define PRORATIO_RISK_MULT_H

#include "proratio/signal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_RISK_MTF_LEVELS 6   /* rows of the alignment -> multiplier table */

/* `risk.multipliers` (all off by default). */
typedef struct pr_risk_mult {
    int ai_verdict;          /* 1: apply the verdict table                        */
    double approve_confidence;   /* APPROVE above this confidence ...             */
    double approve;          /* ... multiplies by this (1)                        */
    double approve_low;      /* APPROVE at or below it (0.5)                      */
    double reduce;           /* REDUCE_SIZE (0.5)                                 */
    double reject;           /* REJECT (0: no trade)                              */
    int ai_confidence;       /* 1: multiply by the verdict's confidence           */
    int mtf;                 /* 1: apply the alignment table                      */
    double mtf_level[PR_RISK_MTF_LEVELS];  /* alignment thresholds, ascending    */
    double mtf_mult[PR_RISK_MTF_LEVELS];   /* multiplier from that threshold     */
    int n_mtf;
} pr_risk_mult;

extern const pr_strategy_info pr_risk_mult_info;   /* the `risk.multipliers` table */

/* The product of the enabled multipliers for sig, each in [0, 1] as
 * configured; *why names the first one below 1 (NULL when none is). A
 * multiplier whose input the signal does not carry (no verdict: no AI stage,
 * or it fell back to TA only) is 1. */
double pr_risk_mult_factor(const pr_risk_mult *m, const pr_signal *sig, const char **why);

#ifdef __cplusplus
}
#endif
#endif
