/* Part of engine.h: checks of a strategy's honesty, run over the data of a
 * backtest configuration.
 *
 * Look-ahead: the strategy runs on the full history, then on copies of it
 * cut at many points (the bars after a cut do not exist: their prices are
 * NaN in the copy, so even a raw read past the visible bars finds nothing);
 * every indicator value it declared on the view and every signal it emitted
 * at a step up to a cut must be the same in both runs. A difference means
 * the strategy's decisions at that step used data from after it.
 *
 * Warm-up: the strategy runs from several start points; for each declared
 * indicator (and the strategy's own signals) the number of bars after a
 * start from which its values agree with a run that started at the
 * beginning of the data, within a tolerance. The measured counterpart of
 * pr_backtest_history's analytic figure. */
#ifndef PRORATIO_ENGINE_CHECK_H
#define PRORATIO_ENGINE_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/signal.h"
#include "proratio/engine/backtest.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a check builds each of its runs (one strategy and pipeline per run,
 * as the configuration describes them). */
typedef struct pr_check_runner {
    void *ctx;
    int (*strategy)(void *ctx, pr_strategy **out, pr_err *err);
    /* The pipeline around st (borrowed). *aux: what release frees after
     * the pipeline (a risk stage, ...), or NULL. */
    int (*pipeline)(void *ctx, pr_strategy *st, pr_pipeline **out, void **aux, pr_err *err);
    void (*release)(void *ctx, void *aux);   /* may be NULL */
} pr_check_runner;

/* ---- look-ahead ----------------------------------------------------------- */
#define PR_CHECK_WHAT_MAX 160

typedef struct pr_lookahead_finding {
    int signal;              /* 0: an indicator value, 1: a signal field        */
    char what[PR_CHECK_WHAT_MAX];  /* "sma(30) close on BTCUSDT 1h", "signal enter_long on BTCUSDT: stop" */
    int64_t ts;              /* decision time (bar close) of the first difference */
    int64_t cut;             /* the last decision time of the cut run showing it */
    int has_values;          /* 0: what says it all (a signal's kind or tag)     */
    double full, truncated;  /* the two values (counts when the signals differ in number) */
    size_t count;            /* differing values of this one over every cut      */
} pr_lookahead_finding;

typedef struct pr_lookahead_report {
    size_t n_cuts;
    size_t n_indicators;     /* declared on the view                              */
    size_t steps;            /* steps compared, over every cut                   */
    size_t values;           /* indicator values and signal fields compared      */
    size_t signals;          /* signals of the full run                          */
    pr_lookahead_finding *findings;   /* one per indicator or signal field       */
    size_t n_findings;
} pr_lookahead_report;

/* Runs the check over cfg's markets (market 0's bars set the cut points:
 * n_cuts (0: 20) spread evenly over its traded bars, the same every time).
 * PR_OK with out filled whether or not anything was found. */
int pr_check_lookahead(const pr_backtest_config *cfg, const pr_check_runner *r, size_t n_cuts,
                       pr_lookahead_report *out, pr_err *err);
void pr_lookahead_report_free(pr_lookahead_report *rep);

/* ---- warm-up -------------------------------------------------------------- */
#define PR_WARMUP_MAX_STARTS 8

typedef struct pr_warmup_row {
    int decisions;           /* 1: the strategy's signals, not an indicator     */
    char what[PR_CHECK_WHAT_MAX];
    size_t measured;         /* bars of its instrument before its values agree; SIZE_MAX:
                                they still differed at the last bar              */
    size_t analytic;         /* pr_ta_memory at the same tolerance, in decision bars
                                (SIZE_MAX: none is enough or not known)          */
    int bounded;             /* 0: the indicator never forgets its start        */
    int unmeasured;          /* 1: every bar of its instrument precedes the starts */
} pr_warmup_row;

typedef struct pr_warmup_report {
    double tol;              /* values agree when |a - b| <= tol * (largest |value| of
                                the indicator in the reference run)             */
    size_t n_starts;
    size_t starts[PR_WARMUP_MAX_STARTS];   /* market 0 bar indices              */
    pr_warmup_row *rows;     /* the indicators in declaration order, then decisions */
    size_t n_rows;
} pr_warmup_report;

/* Every bar of cfg's markets trades (trade_from is ignored). tol 0: 1e-10;
 * n_starts 0: 4 (at most PR_WARMUP_MAX_STARTS), spread over the first half
 * of market 0's bars (the other markets start at the same time, unless
 * all their bars precede it). */
int pr_check_warmup(const pr_backtest_config *cfg, const pr_check_runner *r, double tol, size_t n_starts,
                    pr_warmup_report *out, pr_err *err);
void pr_warmup_report_free(pr_warmup_report *rep);

#ifdef __cplusplus
}
#endif
#endif
