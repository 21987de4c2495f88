/* Internal to the CLI: the commands that run a configuration the way
 * `proratio backtest` does — the same configuration, strategy, confirmation
 * stages, risk stage, run logs and output files — and differ only in what
 * drives the pipeline: the backtest loop over the loaded bars, or the live
 * runner over a feed (`proratio paper`). One decision path, one command
 * body (cmd_backtest.c); a mode says what is different. */
#ifndef PR_BACKTEST_MODE_H
#define PR_BACKTEST_MODE_H
#include <stdio.h>
#include "proratio/engine.h"
#include "backtest_config.h"

struct bt_data;
struct bt_stages;
struct pr_risk_stage;

/* What a mode's begin may need of the run besides the markets: the
 * configuration's digest, the data source (its store, bt_data_store), the
 * risk stage (NULL: none) and the confirmation stages. */
typedef struct bt_exec_env {
    const char *digest;
    struct bt_data *data;
    struct pr_risk_stage *risk;
    /* The confirmation stages: filled after begin, read while exec runs. */
    const struct bt_stages *stages;
} bt_exec_env;

typedef struct bt_mode {
    const char *cmd;         /* "backtest", "paper": messages and the summary's mode */
    const char *usage;
    int ab;                  /* 1: --ab is offered                               */
    void *user;
    /* The mode's own keys of the configuration (after the flags); one
     * message per problem into errs, returns their number. NULL: none. */
    size_t (*read)(void *user, const pr_config *cfg, bt_errors *errs);
    /* Before the output files are opened: a refusal here leaves them as
     * they were. NULL: nothing. */
    int (*begin)(void *user, const bt_settings *s, const bt_exec_env *env, pr_err *err);
    /* Runs the pipeline over the loaded markets into res (the backtest's
     * terms). NULL: the backtest loop (pr_backtest_run). A mode whose bars
     * came from elsewhere too (a live feed) points bc's markets at all the
     * bars it ran on and sets bc->trade_from, for the outputs. */
    int (*exec)(void *user, const bt_settings *s, pr_backtest_config *bc, pr_pipeline *pipe,
                pr_backtest_result *res, pr_err *err);
    /* The bars the run traded, given the bars loaded after the warm-up
     * (a session stopped early traded fewer); NULL: those loaded. */
    size_t (*bars)(void *user, size_t loaded);
    /* How the JSON-lines logs rotate (engine/runlog.h), asked after read;
     * NULL: they do not (a backtest's logs are one file each). */
    pr_runlog_rotate (*rotate)(void *user);
    /* After the outputs were written and shown (NULL: nothing). */
    void (*after)(void *user, const pr_backtest_config *bc, const pr_backtest_result *res, FILE *f);
} bt_mode;

/* The command: arguments, configuration, data, run, outputs; an exit code. */
int bt_command(int argc, char **argv, const bt_mode *mode);

#endif
