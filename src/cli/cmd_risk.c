/* `proratio risk check --config F`: reads the configuration's `risk`
 * section exactly as a backtest does and prints the effective sizing and
 * limits (every key with its value, default included, and where it came
 * from: the configuration, the preset or the default), or the first bad
 * key with its path. `proratio risk state show NAME`: the state stored
 * under NAME (`risk.state_key`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_data.h"
#include "cmd_risk_regimes.h"
#include "proratio/risk.h"
#include "risk_state_io.h"

static const char *const k_usage =
    "usage: proratio risk check --config FILE\n"
    "       proratio risk state show NAME [--db URL]\n"
    "       proratio risk regimes --market DATASET [--db URL]\n"
    "       proratio risk correlation --markets A,B,... [--db URL]\n"
    "  check    validate the \"risk\" section of FILE and print the effective sizing\n"
    "           rule and the protections (defaults filled in) and where each value\n"
    "           comes from (config, preset or default); without a \"risk\" section the\n"
    "           backtest sizes with the \"sizing\" section and this says so\n"
    "  state    the risk state stored under NAME (risk.state_key, --risk-state): its\n"
    "           counters, protections and pauses, as JSON\n"
    "  regimes      the technical regime timeline of a dataset (see 'risk regimes --help')\n"
    "  correlation  correlation matrix, lead-lag, risk-on score, breakdowns\n";

/* Where each key of one sub-section came from. */
typedef struct from_ctx {
    const pr_config *cfg;
    int preset;
    const char *section;
} from_ctx;

static const char *from_of(void *ctx, const char *key) {
    const from_ctx *c = ctx;
    return pr_risk_param_source(c->cfg, "risk", c->preset, c->section, key);
}

static void print_section(const char *title, const char *section, const pr_strategy_info *info, const void *p,
                          const pr_config *cfg, int present, int preset) {
    from_ctx c = {cfg, preset, section};
    printf("%s\n", title);
    pr_cli_print_param_rows_from(info, p, present ? "value" : "default", 0, from_of, &c);
}

/* risk.exposure: the class caps and min_cash the configuration does not
 * give come from the allocation when one is chosen. */
typedef struct expo_ctx {
    from_ctx base;
    int allocation;
} expo_ctx;

static const char *from_expo(void *ctx, const char *key) {
    expo_ctx *c = ctx;
    const char *src = from_of(&c->base, key);
    if (c->allocation && strcmp(src, "default") == 0 && (strncmp(key, "cap_", 4) == 0 || strcmp(key, "min_cash") == 0))
        return "allocation";
    return src;
}

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
    if (rc != PR_OK) {
        pr_config_free(cfg);
        fprintf(stderr, "proratio risk: %s: ", path);
        pr_cli_print_safe(stderr, e.msg);
        fputc('\n', stderr);
        return PR_EXIT_USAGE;
    }
    if (!present)
        printf("%s: no \"risk\" section: the risk stage is off and entries are sized by \"sizing\".\n"
               "With a \"risk\" section these defaults would apply:\n\n", path);
    else
        printf("%s: risk stage on, sizing rule %s\n", path, pr_risk_mode_names[rcfg.sizing.mode]);
    if (present) {
        printf("preset       %s%s\n", pr_risk_preset_names[rcfg.preset],
               rcfg.preset ? " (its keys apply where the configuration gives none)" : "");
        printf("state key    ");
        if (rcfg.state_key[0]) pr_cli_print_safe(stdout, rcfg.state_key);
        else fputs("none (the state is not stored)", stdout);
        printf("\n\n");
    }
    print_section("risk.sizing", "sizing", &pr_risk_sizing_info, &rcfg.sizing, cfg, present, rcfg.preset);
    print_section("\nrisk.protections (0: off)", "protections", &pr_risk_protections_info, &rcfg.protections, cfg,
                  present, rcfg.preset);
    print_section("\nrisk.stops", "stops", &pr_risk_stops_info, &rcfg.stops, cfg, present, rcfg.preset);
    print_section("\nrisk.multipliers", "multipliers", &pr_risk_mult_info, &rcfg.mult, cfg, present, rcfg.preset);
    print_section("\nrisk.breakers (0: off)", "breakers", &pr_risk_breakers_info, &rcfg.breakers, cfg, present,
                  rcfg.preset);
    printf("\nrisk.kill_switch\nfile  ");
    if (rcfg.breakers.kill_file[0]) pr_cli_print_safe(stdout, rcfg.breakers.kill_file);
    else fputs("(none)", stdout);
    printf("\n");
    expo_ctx ec = {{cfg, rcfg.preset, "exposure"}, rcfg.exposure.allocation};
    printf("\nrisk.exposure (0: off; the allocation's caps filled in)\n");
    pr_cli_print_param_rows_from(&pr_risk_exposure_info, &rcfg.exposure, present ? "value" : "default", 0, from_expo,
                                 &ec);
    for (int k = 0; k < rcfg.exposure.n_sectors; k++)
        printf("  sector of %s: %s\n", rcfg.exposure.sector_symbol[k], rcfg.exposure.sector_name[k]);
    print_section("\nrisk.var (limit 0: off)", "var", &pr_risk_var_info, &rcfg.var, cfg, present, rcfg.preset);
    pr_config_free(cfg);
    return PR_EXIT_OK;
}

static int state_show(const char *name, const char *db) {
    pr_store_options o;
    pr_cli_store_options(1, 0, &o);
    pr_store *st = NULL;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_store_open_with(db ? db : PR_CLI_DEFAULT_DB, &o, &st, &e);
    pr_risk_state s;
    pr_risk_var_window win = {0};
    int found = 0;
    int64_t at = PR_TIME_NONE;
    char *js = NULL;
    pr_err why;
    pr_err_clear(&why);
    if (rc == PR_OK) rc = pr_cli_risk_state_text(st, name, &js, &found, &at, &e);
    if (rc == PR_OK && found &&
        (pr_risk_state_from_json(js, &s, &why) != PR_OK || pr_risk_var_window_from_json(js, &win, &why) != PR_OK))
        rc = pr_cli_risk_state_corrupt(name, &why, &e);
    pr_store_close(st);
    if (rc != PR_OK) {
        free(js);
        return pr_cli_fail(&e);
    }
    if (!found) {
        fprintf(stderr, "proratio risk: no risk state named '");
        pr_cli_print_safe(stderr, name);
        fprintf(stderr, "' in %s\n", db ? db : PR_CLI_DEFAULT_DB);
        return PR_EXIT_NOTFOUND;
    }
    char when[40];
    pr_time_format_iso(at, when, sizeof when);
    printf("risk state   ");
    pr_cli_print_safe(stdout, name);
    printf(" (version %d, saved %s): %zu entries, %zu resized, %zu rejected, %zu round trips closed\n",
           s.version, when, s.entries, s.resized, s.rejected, s.closed);
    for (int k = 0; k < PR_PROT_N; k++)
        if (s.trig[k].count) {
            pr_time_format_iso(s.trig[k].last, when, sizeof when);
            printf("protection   %s: fired %zu time%s, last at %s\n", pr_risk_protect_names[k], s.trig[k].count,
                   s.trig[k].count == 1 ? "" : "s", when);
        }
    if (s.pause_until != PR_TIME_NONE) {
        pr_time_format_iso(s.pause_until, when, sizeof when);
        printf("paused       until %s by %s\n", when, pr_risk_protect_names[s.pause_by]);
    }
    printf("VaR window   %zu step%s of %zu instrument%s\n", win.n_rows, win.n_rows == 1 ? "" : "s", win.n_inst,
           win.n_inst == 1 ? "" : "s");
    pr_risk_var_window_free(&win);
    printf("%s\n", js);
    free(js);
    return PR_EXIT_OK;
}

static int state_cmd(int argc, char **argv) {
    if (argc < 3 || strcmp(argv[2], "show") != 0) return pr_cli_usage_error("risk", "expected 'state show NAME'");
    const char *name = NULL, *db = NULL;
    for (int i = 3; i < argc; i++) {
        int r = pr_cli_opt(argc, argv, &i, "--db", &db);
        if (r < 0) return pr_cli_usage_error("risk", "--db needs a URL");
        if (r > 0) continue;
        if (argv[i][0] == '-' || name) return pr_cli_usage_error("risk", "unknown argument '%s'", argv[i]);
        name = argv[i];
    }
    if (!name) return pr_cli_usage_error("risk", "state show needs a NAME");
    return state_show(name, db);
}

int pr_cli_risk(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(k_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "state") == 0) return state_cmd(argc, argv);
    if (strcmp(argv[1], "regimes") == 0 || strcmp(argv[1], "correlation") == 0)
        return pr_cli_risk_analysis(argc, argv);
    if (strcmp(argv[1], "check") != 0)
        return pr_cli_usage_error("risk", "expected 'check --config FILE', 'state show NAME', 'regimes' or 'correlation'");
    const char *config = NULL;
    for (int i = 2; i < argc; i++) {
        int r = pr_cli_opt(argc, argv, &i, "--config", &config);
        if (r < 0) return pr_cli_usage_error("risk", "--config needs a file");
        if (r == 0) return pr_cli_usage_error("risk", "unknown argument '%s'", argv[i]);
    }
    if (!config) return pr_cli_usage_error("risk", "check needs --config FILE");
    return check(config);
}
