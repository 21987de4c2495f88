/* Part of signal.h: rule expressions, the language of the `rules` strategy
 * ("crosses_above(ema(close,20), ema(close,50)) and rsi(close,14) < 70").
 * A plan holds any number of compiled expressions over one shared set of
 * series (bar fields and ta-table indicators, each on the decision or a
 * higher timeframe, deduplicated). Expressions compile once into postfix
 * programs over those series; every series is declared on the market view
 * and read through it, so an expression sees only closed bars: at a decision
 * it reads the latest closed bar (`prev(x, n)` n bars earlier) and nothing
 * later exists anywhere it could read.
 *
 * Values are numbers; conditions are numbers too (1 true, 0 false, NaN
 * unknown: any comparison with a value still warming up), combined with
 * three-valued and/or/not so "unknown" never counts as true. */
#ifndef PRORATIO_SIGNAL_RULES_H
#define PRORATIO_SIGNAL_RULES_H

#include <stddef.h>
#include "proratio/core.h"
#include "proratio/signal/view.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_rule_plan pr_rule_plan;

/* What a key expects: a condition (comparisons, and/or/not, crosses) or a
 * number (a price distance, a size). */
typedef enum pr_rule_type { PR_RULE_CONDITION = 0, PR_RULE_NUMBER } pr_rule_type;

int pr_rule_plan_new(pr_rule_plan **out, pr_err *err);
void pr_rule_plan_free(pr_rule_plan *p);
/* Compiles `text` into program *prog. Errors are PR_EINVAL with a message
 * "KEY: column N: what was expected" (err->field = key, err->column = N). */
int pr_rule_plan_add(pr_rule_plan *p, const char *key, const char *text, pr_rule_type want, int *prog,
                     pr_err *err);
/* A list "DIST @ FRACTION, DIST @ FRACTION, ..." of number expressions each
 * with a fraction in (0,1] (the fractions summing to at most 1): up to cap
 * programs into progs, their fractions into fracs, the count into *n. */
int pr_rule_plan_add_targets(pr_rule_plan *p, const char *key, const char *text, int *progs, double *fracs,
                             int cap, int *n, pr_err *err);
/* Declares every series on every instrument of v (a strategy's init). */
int pr_rule_plan_declare(pr_rule_plan *p, pr_market_view *v, pr_err *err);
/* Takes the read references once v is prepared (the first on_bar). */
int pr_rule_plan_bind(pr_rule_plan *p, const pr_market_view *v, pr_err *err);
/* The program's value for instrument inst at the view's current decision. */
double pr_rule_plan_eval(const pr_rule_plan *p, int prog, int inst);
/* Distinct series the plan reads (after deduplication). */
size_t pr_rule_plan_series(const pr_rule_plan *p);

#ifdef __cplusplus
}
#endif
#endif
