/* Helpers shared by the subcommands: exit-code mapping and error printing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int pr_cli_exit_code(int status) {
    switch (status) {
    case PR_OK: return PR_EXIT_OK;
    case PR_EINVAL: return PR_EXIT_USAGE;
    case PR_EPARSE: case PR_EDATA: return PR_EXIT_DATA;
    case PR_ENOTFOUND: return PR_EXIT_NOTFOUND;
    default: return PR_EXIT_FAIL;
    }
}

int pr_cli_fail(const pr_err *e) {
    char buf[1024];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio: %s\n", buf);
    return pr_cli_exit_code(e->code);
}

int pr_cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "proratio %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'proratio %s --help')\n", cmd);
    va_end(ap);
    return PR_EXIT_USAGE;
}

int pr_cli_is_help(const char *arg) {
    return arg && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0);
}
