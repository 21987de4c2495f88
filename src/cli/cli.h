/* Internal to the CLI: one entry point per subcommand and the helpers they
 * share (argument parsing, error printing, exit codes). The CLI is the only
 * place that prints for humans or exits. */
#ifndef PR_CLI_H
#define PR_CLI_H
#include "proratio/core.h"

/* Exit codes (documented in README):
 *   0 success; 1 runtime failure (I/O, store, remote); 2 usage error;
 *   3 input data failed validation (--strict) or could not be parsed;
 *   4 not found (dataset, file, indicator). */
enum { PR_EXIT_OK = 0, PR_EXIT_FAIL = 1, PR_EXIT_USAGE = 2, PR_EXIT_DATA = 3, PR_EXIT_NOTFOUND = 4 };

/* Maps a pr_status to the exit code above. */
int pr_cli_exit_code(int status);
/* Prints "proratio: <formatted error>" to stderr; returns pr_cli_exit_code(e->code). */
int pr_cli_fail(const pr_err *e);
/* Usage error: prints "proratio <cmd>: <msg>" + hint; returns PR_EXIT_USAGE. */
int pr_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when argv[i] is "--help" or "-h". */
int pr_cli_is_help(const char *arg);

/* Subcommands: argv[0] is the subcommand name. */
int pr_cli_data(int argc, char **argv);
int pr_cli_ta(int argc, char **argv);
int pr_cli_stats(int argc, char **argv);
#endif
