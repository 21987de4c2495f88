/* Part of ai.h: A/B comparison of two runs (e.g. TA-only against TA + LLM
 * confirmation), for `proratio backtest --ab`. Pure functions over metric
 * sets; the backtest CLI runs both sides and prints the result. */
#ifndef PRORATIO_AI_AB_H
#define PRORATIO_AI_AB_H

#include <stddef.h>
#include <stdio.h>
#include "proratio/core.h"
#include "proratio/engine/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One side's figures. NaN marks an undefined figure (e.g. no trades). */
typedef struct pr_ab_side {
    char name[32];            /* "TA-only", "TA+LLM"                          */
    double total_return;      /* fraction, net of costs                       */
    double sharpe;
    double max_drawdown;      /* fraction of peak, >= 0                       */
    double win_rate;          /* fraction                                     */
    double profit_factor;
    size_t trades;
    size_t ai_calls;          /* provider calls made (0 for TA-only)          */
    double ai_cost;           /* estimated USD                                */
    /* Entries vetoed because their TA score was below ta_threshold, no model
     * asked: a TA rule, applied on both sides so that the difference between
     * them is the models' doing alone. */
    size_t threshold_vetoes;
    size_t model_vetoes;      /* entries the models vetoed                    */
    size_t fallbacks;         /* entries decided TA-only (AI unavailable)     */
    size_t replay_misses;     /* questions a replay could not answer          */
    int contaminated;         /* 1: see pr_llm_contaminated                   */
    char note[1024];          /* prompts / contamination, one line ("" none)  */
} pr_ab_side;

/* Copies the net figures and trade statistics of m. */
void pr_ab_side_from_metrics(const char *name, const pr_metrics *m, size_t ai_calls, double ai_cost,
                             pr_ab_side *out);

typedef struct pr_ab_result {
    pr_ab_side a, b;
    /* b minus a (NaN when either side is NaN) */
    double d_return, d_sharpe, d_drawdown, d_win_rate, d_profit_factor;
    long d_trades;
    /* Of the five figures both sides define, how many are better on b
     * (higher return, Sharpe, win rate, profit factor; lower drawdown) and
     * how many on a; equal values count for neither. */
    int b_better, a_better, compared;
} pr_ab_result;

int pr_ab_compare(const pr_ab_side *a, const pr_ab_side *b, pr_ab_result *out, pr_err *err);
/* A fixed-width text table (metric, a, b, b - a) and a last line
 * "TA+LLM better on 3 of 5 figures". Returns the length written. */
size_t pr_ab_format(const pr_ab_result *r, char *buf, size_t cap);
/* The result as one JSON object (malloc'd, free()). */
char *pr_ab_json(const pr_ab_result *r);

/* A self-contained HTML page comparing the two sides: the figures of
 * pr_ab_format, the vetoes by the threshold rule and by the models, any
 * contamination warning, and the two sides' reports (a_href / b_href, links
 * relative to the page; NULL: none) next to each other. */
int pr_ab_write_html(FILE *f, const pr_ab_result *r, const char *title, const char *a_href, const char *b_href,
                     pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
