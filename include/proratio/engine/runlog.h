/* Part of engine.h: the JSON-lines logs of one run (backtest now, paper and
 * live later), written into one directory:
 *   signals.jsonl     every signal the strategy emitted, with what each
 *                     confirmation stage did to it (fed by the pipeline's
 *                     observer, pr_runlog_observer);
 *   executions.jsonl  every fill (pr_runlog_fill), with the role, tag and
 *                     reason of the order it filled;
 *   summary.jsonl     one line at the end (pr_runlog_write_summary).
 * Lines are compact JSON with keys in a fixed order and doubles printed as
 * the shortest text that reads back to the same double (pr_dtoa). Nothing
 * but the summary's optional `logged_at` depends on the wall clock, so two
 * identical runs write identical lines. Field lists: README "Run logs". */
#ifndef PRORATIO_ENGINE_RUNLOG_H
#define PRORATIO_ENGINE_RUNLOG_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/engine/broker.h"
#include "proratio/engine/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_runlog pr_runlog;

/* Creates (truncates) signals.jsonl, executions.jsonl and summary.jsonl in
 * `dir`, which must exist. */
int pr_runlog_open(const char *dir, pr_runlog **out, pr_err *err);
/* Daily rotation, for paper and live sessions only (a backtest's logs are
 * one file each): once a signal or fill of a later UTC day than the file's
 * comes, signals.jsonl / executions.jsonl is closed, renamed to
 * signals-YYYY-MM-DD.jsonl / executions-YYYY-MM-DD.jsonl (the day it
 * holds) and started afresh, so the plain name always holds the latest
 * day. The day is the record's own time (the decision clock: a replay
 * rotates as its bars' days change) or, with PR_RUNLOG_ROTATE_WALL, the
 * wall clock's when the line is written (a live session's calendar).
 * Rotated files left in `dir` by an earlier run (the session is being
 * started over or resumed: its logs are rewritten from its first step) are
 * removed here. Call right after pr_runlog_open with its dir. */
typedef enum pr_runlog_rotate {
    PR_RUNLOG_ROTATE_NONE = 0,
    PR_RUNLOG_ROTATE_DECISION,
    PR_RUNLOG_ROTATE_WALL
} pr_runlog_rotate;
int pr_runlog_set_rotation(pr_runlog *rl, const char *dir, pr_runlog_rotate how, pr_err *err);
/* The files rotated so far (signals and executions together). */
size_t pr_runlog_rotated(const pr_runlog *rl);

/* Flushes and closes the files and frees rl; PR_EIO when a write failed.
 * rl may be NULL. */
int pr_runlog_close(pr_runlog *rl, pr_err *err);

/* The observer to install with pr_pipeline_set_observer (self = rl, which
 * must outlive the pipeline's runs). It writes signals.jsonl and remembers
 * each order's role, tag and reason for the executions. */
void pr_runlog_observer(pr_runlog *rl, pr_pipeline_observer *out);

/* One line of executions.jsonl for a fill of instrument `symbol`. */
int pr_runlog_fill(pr_runlog *rl, const pr_fill *f, const char *symbol, pr_err *err);

/* Figures of an AI confirmation stage, from the stage itself. */
typedef struct pr_runlog_ai {
    size_t calls;            /* requests sent to providers                     */
    size_t cache_hits;       /* answers taken from the response cache          */
    size_t failures;         /* questions that got no verdict                  */
    size_t fallbacks;        /* signals decided TA-only (AI unavailable/disabled) */
    double cost;             /* estimated USD of this run's calls              */
    size_t threshold_vetoed; /* entries vetoed below the TA threshold, unasked */
    size_t model_vetoed;     /* entries the models vetoed                      */
    size_t replay_misses;    /* replay: questions the cache could not answer   */
    const char *prompts;     /* "anonymised" / "plain"; NULL: not written      */
    int contaminated;        /* 1: identifiable prompts before a model's cutoff */
    const char *contamination; /* why (NULL when not contaminated)             */
} pr_runlog_ai;

/* A confirmation stage of the run, in pipeline order. */
typedef struct pr_runlog_stage {
    const char *type;        /* "llm", ...                                     */
    int enabled;             /* 0: configured but inactive (no provider key)   */
    const pr_runlog_ai *ai;  /* NULL: not an AI stage                          */
} pr_runlog_stage;

typedef struct pr_runlog_summary {
    const char *mode;            /* "backtest", "paper", "live"                */
    const char *strategy;        /* name and parameters                        */
    const char *config_digest;   /* SHA-256 hex of the configuration           */
    int64_t first_ts, last_ts;   /* first and last step (bar open times)       */
    size_t bars;                 /* bars of all instruments                    */
    size_t steps;                /* decision steps                             */
    size_t orders, fills;
    size_t rejected;             /* orders rejected, at submission or at fill   */
    size_t n_rejects;            /* of them, counts by reason                   */
    const pr_reject_count *rejects;
    size_t trades, open_trades;  /* closed round trips; positions still open   */
    const char *ccy;
    double start_equity, final_equity;
    const char *fingerprint;     /* SHA-256 of trades.csv                      */
    size_t n_stages;
    const pr_runlog_stage *stages;
    int64_t logged_at;           /* wall clock; PR_TIME_NONE: omitted          */
} pr_runlog_summary;

/* Writes the summary line: the figures above, the signal counts the
 * observer saw (emitted, vetoed) and per stage (seen, passed, scaled,
 * vetoed), each stage's AI figures and their totals ("ai": null when no
 * stage is an AI stage), then `logged_at` last. */
int pr_runlog_write_summary(pr_runlog *rl, const pr_runlog_summary *s, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
