/* Part of ai.h: prompts. A prompt is a versioned template file
 * (prompts/<question>.<version>.txt, e.g. prompts/confirm.v1.txt) filled
 * from a market snapshot taken at decision time. The template id
 * ("confirm.v1") plus the SHA-256 of the filled text identify a call (the
 * cache key).
 *
 * Template format: optional '#' comment lines, then a line "[system]", the
 * system text, a line "[user]" and the user text. {{name}} placeholders are
 * replaced by variables; a placeholder without a value is an error (never an
 * empty substitution), and so is an unterminated "{{". Section texts have
 * their surrounding blank lines trimmed.
 *
 * No look-ahead: a snapshot is built from bars[0..last] of a series only
 * (bars after `last` are never read), plus what the caller passes in (TA
 * score, candidate trade), so a prompt never contains data from after the
 * decision time. */
#ifndef PRORATIO_AI_PROMPT_H
#define PRORATIO_AI_PROMPT_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/core.h"
#include "proratio/ai/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A filled prompt. */
typedef struct pr_llm_prompt {
    pr_llm_question question;
    char template_id[64];     /* "confirm.v1"                                */
    char hash[65];            /* hex SHA-256 of system "\n\n" user           */
    char *system;             /* malloc'd                                    */
    char *user;               /* malloc'd                                    */
} pr_llm_prompt;

/* Makes a prompt from texts (copies them, computes the hash). */
int pr_llm_prompt_make(pr_llm_question q, const char *template_id, const char *system,
                       const char *user, pr_llm_prompt *out, pr_err *err);
void pr_llm_prompt_free(pr_llm_prompt *p);

/* Hex SHA-256 (64 chars + NUL) of n bytes. */
int pr_ai_sha256_hex(const void *data, size_t n, char out[65], pr_err *err);

typedef struct pr_prompt_template pr_prompt_template;

/* Loads dir/<question>.<version>.txt ("prompts", PR_LLM_Q_CONFIRM, "v1" ->
 * prompts/confirm.v1.txt, id "confirm.v1"). */
int pr_prompt_template_load(const char *dir, pr_llm_question q, const char *version,
                            pr_prompt_template **out, pr_err *err);
/* Parses template text; `id` names it in errors and in prompts. */
int pr_prompt_template_parse(const char *text, pr_llm_question q, const char *id,
                             pr_prompt_template **out, pr_err *err);
void pr_prompt_template_free(pr_prompt_template *t);
const char *pr_prompt_template_id(const pr_prompt_template *t);

typedef struct pr_prompt_var {
    const char *name;
    const char *value;
} pr_prompt_var;

/* Fills the template. PR_ENOTFOUND naming the placeholder when a {{name}}
 * has no variable. Variables the template does not use are ignored. */
int pr_prompt_fill(const pr_prompt_template *t, const pr_prompt_var *vars, size_t n,
                   pr_llm_prompt *out, pr_err *err);

/* ------------------------------------------------------------------------ */
/* Market snapshot                                                           */
/* ------------------------------------------------------------------------ */
#define PR_SNAP_BARS_MAX 48
#define PR_SNAP_ITEMS_MAX 16
#define PR_SNAP_HTF_MAX 4

typedef struct pr_snap_item {
    char name[32];
    double value;             /* NaN: not available (shown as "n/a")         */
} pr_snap_item;

typedef struct pr_snap_htf {
    pr_timeframe tf;
    size_t bars;              /* closed higher-timeframe bars available      */
    double close;             /* last closed bar's close (NaN when none)     */
    double sma;               /* SMA of up to 10 closed closes               */
    double change;            /* fraction, close vs 5 bars earlier (NaN)      */
    int trend;                /* +1 up, -1 down, 0 flat/unknown              */
} pr_snap_htf;

/* The candidate trade put to the model. */
typedef struct pr_snap_candidate {
    int side;                 /* +1 long, -1 short, 0 none                   */
    double entry;             /* expected entry price                        */
    double stop;              /* 0: none                                     */
    double target;            /* 0: none                                     */
    double size_hint;         /* 0: default                                  */
    char strategy[32];
    char reason[160];
} pr_snap_candidate;

typedef struct pr_llm_snapshot {
    int anonymised;           /* 1: rendered without identity (see render)   */
    char venue[PR_SYMBOL_MAX];
    char symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
    int64_t bar_ts;           /* open time of the last visible bar           */
    int64_t decision_ts;      /* its close: the decision time                */
    size_t n_bars;            /* recent bars, oldest first                   */
    int64_t ts[PR_SNAP_BARS_MAX];
    double open[PR_SNAP_BARS_MAX], high[PR_SNAP_BARS_MAX], low[PR_SNAP_BARS_MAX],
        close[PR_SNAP_BARS_MAX], volume[PR_SNAP_BARS_MAX];
    double window_high, window_low, window_change;  /* over the recent bars  */
    size_t n_ind;             /* indicators at the last bar                  */
    pr_snap_item ind[PR_SNAP_ITEMS_MAX];
    double ta_score;          /* [0,1]; NaN when not given                   */
    size_t n_comp;            /* TA score components                         */
    pr_snap_item comp[PR_SNAP_ITEMS_MAX];
    size_t n_htf;
    pr_snap_htf htf[PR_SNAP_HTF_MAX];
    pr_snap_candidate cand;
} pr_llm_snapshot;

typedef struct pr_llm_snapshot_opts {
    size_t recent_bars;       /* 12 (max PR_SNAP_BARS_MAX)                   */
    size_t history;           /* bars read for indicators, 400               */
    int anonymise;            /* 0 (plain); the LLM stage defaults to 1      */
} pr_llm_snapshot_opts;

void pr_llm_snapshot_opts_default(pr_llm_snapshot_opts *o);

/* Builds a snapshot at bar `last` of s (bars 0..last only): recent bars,
 * indicators (RSI14, EMA20, EMA50, SMA200, ATR14, MACD 12/26/9 line, signal
 * and histogram, ADX14, Bollinger 20/2 bands) and the trends of 4h, 1d and 1w
 * (those longer than s->tf that it divides) aggregated from closed bars only.
 * ta_score is NaN and there are no components or candidate: the caller sets
 * them (pr_llm_snapshot_set_*). venue may be NULL. */
int pr_llm_snapshot_build(const pr_series *s, size_t last, const char *venue,
                          const pr_llm_snapshot_opts *opt, pr_llm_snapshot *out, pr_err *err);
/* Sets the TA score (in [0,1]) and up to PR_SNAP_ITEMS_MAX components. */
int pr_llm_snapshot_set_score(pr_llm_snapshot *s, double score, const pr_snap_item *comp,
                              size_t n, pr_err *err);

/* Text of every snapshot variable, in a caller-owned block. Names:
 *   symbol venue timeframe time bar_time last_close ohlcv_summary recent_bars
 *   indicators ta_score ta_components htf_trends candidate side
 * (values "n/a" / "none" when absent).
 * An anonymised snapshot (built with opts.anonymise) is rendered so that a
 * model cannot tell the market or the date, and so cannot recall what came
 * next: symbol and venue "withheld", no calendar time (time "withheld ...",
 * bar_time "t-0", recent bars named by age t-N .. t-0), every price (bars,
 * moving averages, ATR, MACD, Bollinger bands, higher-timeframe closes,
 * the candidate's entry/stop/target) multiplied by 100 / the close of the
 * oldest bar shown, volumes divided by their mean over the bars shown, and
 * the strategy's free-text reason left out. Percentages, RSI, ADX, the TA
 * score and the timeframe are shown as they are. */
#define PR_SNAP_VARS 14
typedef struct pr_snap_text {
    pr_prompt_var vars[PR_SNAP_VARS];
    char buf[16384];
} pr_snap_text;

int pr_llm_snapshot_render(const pr_llm_snapshot *s, pr_snap_text *out, pr_err *err);

/* Fills `t` with the snapshot's variables (pr_llm_snapshot_render). */
int pr_prompt_fill_snapshot(const pr_prompt_template *t, const pr_llm_snapshot *s,
                            pr_llm_prompt *out, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
