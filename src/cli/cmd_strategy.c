/* `proratio strategy list` and `proratio strategy show NAME`: the built-in
 * strategies and each one's parameter table (key, type, default, accepted
 * range, default optimisation range, meaning), printed from the same table
 * that validates `strategy.params`. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "proratio/engine.h"

static const char *const k_usage =
    "usage: proratio strategy list\n"
    "       proratio strategy show NAME\n"
    "  list     the built-in strategies, one line each\n"
    "  show     the parameters of NAME (the keys of strategy.params): type, default,\n"
    "           accepted range, default optimisation range (min:max:step) and meaning\n";

void pr_cli_print_param_rows(const pr_strategy_info *info, const void *p, const char *value_title, int optimise) {
    pr_cli_print_param_rows_from(info, p, value_title, optimise, NULL, NULL);
}

void pr_cli_print_param_rows_from(const pr_strategy_info *info, const void *p, const char *value_title, int optimise,
                                  const char *(*from)(void *ctx, const char *key), void *ctx) {
    printf("%-17s %-9s %-17s %-20s %-16s %s\n", "parameter", "type", value_title, "range",
           optimise ? "optimise" : from ? "from" : "", "meaning");
    for (size_t k = 0; k < info->n_params; k++) {
        const pr_param_def *d = &info->params[k];
        char def[128], range[128], opt[48] = "-";
        pr_param_format(d, p, def, sizeof def);
        pr_param_range(d, range, sizeof range);
        if (!optimise) snprintf(opt, sizeof opt, "%s", from ? from(ctx, d->name) : "");
        else if (d->opt_step > 0) snprintf(opt, sizeof opt, "%g:%g:%g", d->opt_min, d->opt_max, d->opt_step);
        printf("%-17s %-9s %-17s %-20s %-16s %s\n", d->name, pr_param_type_name(d->type), def, range, opt, d->desc);
    }
}

int pr_cli_print_params(const pr_strategy_info *info, int optimise) {
    double p[PR_FEE_PARAMS_MAX / sizeof(double)];   /* any table's parameter struct */
    if (info->size > sizeof p) return PR_EXIT_FAIL;
    pr_params_defaults(info, p);
    printf("%s: %s\n\n", info->name, info->summary);
    if (info->n_params == 0) {
        printf("(no parameters)\n");
        return PR_EXIT_OK;
    }
    pr_cli_print_param_rows(info, p, "default", optimise);
    return PR_EXIT_OK;
}

static int show(const char *name) {
    const pr_strategy_info *info = pr_strategy_info_find(name);
    if (!info) {
        fprintf(stderr, "proratio strategy: unknown strategy '%s' (see 'proratio strategy list')\n", name);
        return PR_EXIT_NOTFOUND;
    }
    return pr_cli_print_params(info, 1);
}

int pr_cli_strategy(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "list") == 0 && argc == 2) {
        for (const char *const *n = pr_strategy_names(); *n; n++)
            printf("%-16s %s\n", *n, pr_strategy_info_find(*n)->summary);
        return PR_EXIT_OK;
    }
    if (strcmp(argv[1], "show") == 0 && argc == 3) return show(argv[2]);
    return pr_cli_usage_error("strategy", "expected 'list' or 'show NAME'");
}
