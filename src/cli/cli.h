/* Internal to the CLI: one entry point per subcommand and the helpers they
 * share (argument parsing, error printing, exit codes). The CLI is the only
 * place that prints for humans or exits. */
#ifndef PR_CLI_H
#define PR_CLI_H
#include <stdio.h>

#include "proratio/core.h"
#include "proratio/signal.h"

/* Exit codes (documented in README):
 *   0 success; 1 runtime failure (I/O, store, remote); 2 usage error;
 *   3 input data failed validation (--strict) or could not be parsed;
 *   4 not found (dataset, file, indicator). */
enum { PR_EXIT_OK = 0, PR_EXIT_FAIL = 1, PR_EXIT_USAGE = 2, PR_EXIT_DATA = 3, PR_EXIT_NOTFOUND = 4 };
/* 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
enum { PR_EXIT_INTERRUPTED = 130 };

/* Maps a pr_status to the exit code above. */
int pr_cli_exit_code(int status);
/* Prints "proratio: <formatted error>" to stderr; returns pr_cli_exit_code(e->code). */
int pr_cli_fail(const pr_err *e);
/* Usage error: prints "proratio <cmd>: <msg>" + hint; returns PR_EXIT_USAGE. */
int pr_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole decimal integer in [lo, hi] (flags and environment values):
 * 0 with *out set, -1 for anything else. */
int pr_cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* 1 when argv[i] is "--help" or "-h". */
int pr_cli_is_help(const char *arg);

/* Subcommands: argv[0] is the subcommand name. */
int pr_cli_data(int argc, char **argv);
int pr_cli_ta(int argc, char **argv);
int pr_cli_stats(int argc, char **argv);
int pr_cli_backtest(int argc, char **argv);
int pr_cli_optimize(int argc, char **argv);
int pr_cli_check(int argc, char **argv);
int pr_cli_strategy(int argc, char **argv);
int pr_cli_fees(int argc, char **argv);
int pr_cli_risk(int argc, char **argv);
int pr_cli_paper(int argc, char **argv);
int pr_cli_live(int argc, char **argv);
int pr_cli_status(int argc, char **argv);
int pr_cli_stop(int argc, char **argv);

/* Prints a parameter table (strategy show, fees show): name, summary, then
 * each row's key, type, default, range (optimise: the default optimisation
 * range too) and meaning. Returns an exit code. */
int pr_cli_print_params(const pr_strategy_info *info, int optimise);
/* The rows alone, with the values in p under value_title ("value" for an
 * effective configuration: risk check). */
void pr_cli_print_param_rows(const pr_strategy_info *info, const void *p, const char *value_title, int optimise);
/* The same with a column saying where each value came from (from(ctx, key),
 * in place of the optimisation range). */
void pr_cli_print_param_rows_from(const pr_strategy_info *info, const void *p, const char *value_title, int optimise,
                                  const char *(*from)(void *ctx, const char *key), void *ctx);

/* ---- shared by subcommands that read stored datasets ---- */
#define PR_CLI_DEFAULT_DB "sqlite:proratio.db"
#define PR_CLI_DEFAULT_VENUE "local"

/* Parses a dataset name: "VENUE:SYMBOL:TF", "SYMBOL:TF" or "SYMBOL-TF"
 * (venue defaults to PR_CLI_DEFAULT_VENUE). venue/symbol must hold PR_SYMBOL_MAX. */
int pr_cli_parse_dataset(const char *name, char *venue, char *symbol, pr_timeframe *tf, pr_err *err);
/* pr_dtoa text of a double (the fewest digits that read back exactly), cut to cap. */
void pr_cli_fmt_double(double v, char *buf, size_t cap);

/* Option matching for hand-rolled parsers: when argv[*i] is `name` followed by
 * a value, or `name=value`, stores the value, advances *i past what was used
 * and returns 1; returns -1 when `name` is given without a value; else 0. */
int pr_cli_opt(int argc, char **argv, int *i, const char *name, const char **val);
/* Parses a time option (any form pr_time_parse accepts). */
int pr_cli_time_arg(const char *cmd, const char *opt, const char *s, int64_t *out);
/* Parses --from / --to (either may be NULL: *from / *to stay PR_TIME_NONE)
 * and refuses a --from that is not before --to; an exit code (0 ok). Every
 * command taking both uses this, so the message and exit code (2) agree. */
int pr_cli_time_range(const char *cmd, const char *from_s, const char *to_s, int64_t *from, int64_t *to);
/* Writes text that may quote input (file lines, names) with control
 * characters and invalid UTF-8 escaped (pr_escape_text), so a terminal never
 * receives raw bytes from a file; newlines and tabs are kept. */
void pr_cli_print_safe(FILE *f, const char *text);
/* Loads a run configuration for command `cmd`; on failure prints
 * "proratio CMD: ..." and returns the exit code (4 missing, 1 unreadable,
 * 2 not JSON), else PR_EXIT_OK. */
int pr_cli_load_config(const char *cmd, const char *path, pr_config **cfg);
#endif
