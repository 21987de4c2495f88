/* `proratio risk check --config F`: reads the configuration's `risk`
 * section exactly as a backtest does and prints the effective sizing and
 * limits (every key with its value, default included), or the first bad
 * key with its path. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "proratio/risk.h"

static const char *const k_usage =
    "usage: proratio risk check --config FILE\n"
    "  check    validate the \"risk\" section of FILE and print the effective sizing\n"
    "           rule and the protections (defaults filled in); without a \"risk\" section the\n"
    "           backtest sizes with the \"sizing\" section and this says so\n";

static int check(const char *path) {
    pr_config *cfg = NULL;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_config_load(path, &cfg, &e);
    if (rc != PR_OK) {
        pr_cli_fail(&e);
        return rc == PR_ENOTFOUND ? PR_EXIT_NOTFOUND : rc == PR_EIO ? PR_EXIT_FAIL : PR_EXIT_USAGE;
    }
    pr_risk_config rcfg;
    int present = pr_config_has(cfg, "risk");
    rc = pr_risk_config_read(cfg, "risk", &rcfg, &e);
    pr_config_free(cfg);
    if (rc != PR_OK) {
        fprintf(stderr, "proratio risk: %s: ", path);
        pr_cli_print_safe(stderr, e.msg);
        fputc('\n', stderr);
        return PR_EXIT_USAGE;
    }
    if (!present)
        printf("%s: no \"risk\" section: the risk stage is off and entries are sized by \"sizing\".\n"
               "With a \"risk\" section these defaults would apply:\n\n", path);
    else
        printf("%s: risk stage on, sizing rule %s\n\n", path, pr_risk_mode_names[rcfg.sizing.mode]);
    printf("risk.sizing\n");
    pr_cli_print_param_rows(&pr_risk_sizing_info, &rcfg.sizing, present ? "value" : "default", 0);
    printf("\nrisk.protections (0: off)\n");
    pr_cli_print_param_rows(&pr_risk_protections_info, &rcfg.protections, present ? "value" : "default", 0);
    printf("\nrisk.stops\n");
    pr_cli_print_param_rows(&pr_risk_stops_info, &rcfg.stops, present ? "value" : "default", 0);
    printf("\nrisk.exposure (0: off; the preset's caps filled in)\n");
    pr_cli_print_param_rows(&pr_risk_exposure_info, &rcfg.exposure, present ? "value" : "default", 0);
    for (int k = 0; k < rcfg.exposure.n_sectors; k++)
        printf("  sector of %s: %s\n", rcfg.exposure.sector_symbol[k], rcfg.exposure.sector_name[k]);
    printf("\nrisk.var (limit 0: off)\n");
    pr_cli_print_param_rows(&pr_risk_var_info, &rcfg.var, present ? "value" : "default", 0);
    return PR_EXIT_OK;
}

int pr_cli_risk(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "check") != 0) return pr_cli_usage_error("risk", "expected 'check --config FILE'");
    const char *config = NULL;
    for (int i = 2; i < argc; i++) {
        int r = pr_cli_opt(argc, argv, &i, "--config", &config);
        if (r < 0) return pr_cli_usage_error("risk", "--config needs a file");
        if (r == 0) return pr_cli_usage_error("risk", "unknown argument '%s'", argv[i]);
    }
    if (!config) return pr_cli_usage_error("risk", "check needs --config FILE");
    return check(config);
}
