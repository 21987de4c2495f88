/* `proratio fees list` and `proratio fees show NAME`: the fee schedules a
 * configuration can choose in costs.<class>.fee_schedule, and each one's
 * parameter table, printed from the same table that validates it. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "proratio/engine.h"

static const char *const k_usage =
    "usage: proratio fees list\n"
    "       proratio fees show NAME\n"
    "  list     the fee schedules (costs.<class>.fee_schedule.model), one line each\n"
    "  show     the parameters of NAME (the keys of fee_schedule.params): type,\n"
    "           default, accepted range and meaning\n";

int pr_cli_fees(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0 && argc == 2) {
        for (const pr_fee_schedule_info *const *f = pr_fee_schedules(); *f; f++)
            printf("%-16s %s\n", (*f)->table.name, (*f)->table.summary);
        return PR_EXIT_OK;
    }
    if (strcmp(argv[1], "show") == 0 && argc == 3) {
        const pr_fee_schedule_info *f = pr_fee_schedule_find(argv[2]);
        if (!f) {
            fprintf(stderr, "proratio fees: unknown fee schedule '%s' (see 'proratio fees list')\n", argv[2]);
            return PR_EXIT_NOTFOUND;
        }
        return pr_cli_print_params(&f->table, 0);
    }
    return pr_cli_usage_error("fees", "expected 'list' or 'show NAME'");
}
