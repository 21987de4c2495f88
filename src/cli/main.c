/* Entry point of the `proratio` program: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_ai.h"

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"data", pr_cli_data, "import, list, check, resample and export market data"},
    {"ta", pr_cli_ta, "compute technical indicators over a CSV file or stored dataset"},
    {"stats", pr_cli_stats, "statistical tests: adf, coint, hurst, halflife"},
    {"backtest", pr_cli_backtest, "run a strategy over stored or CSV data: metrics, trades, report"},
    {"optimize", pr_cli_optimize, "search parameters with backtests: walk-forward by default, TPE/random/grid"},
    {"check", pr_cli_check, "check a strategy for look-ahead (cut histories) and measure its warm-up"},
    {"strategy", pr_cli_strategy, "list the built-in strategies; show one's parameters"},
    {"fees", pr_cli_fees, "list the fee schedules of costs.*.fee_schedule; show one's parameters"},
    {"paper", pr_cli_paper, "run a configuration as a paper trading session: the backtest's pipeline on a feed"},
    {"live", pr_cli_live, "a paper session whose fills go to a venue (Binance spot/futures testnet, OANDA practice)"},
    {"status", pr_cli_status, "what a paper session is doing: alive or not, positions, orders, P&L, protections"},
    {"stop", pr_cli_stop, "stop a running paper session gracefully (its summary and logs are written)"},
    {"risk", pr_cli_risk, "check a configuration's risk section: the effective sizing and limits"},
    {"ai", pr_cli_ai, "ask a language model about a dataset; list cached LLM calls"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: proratio <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'proratio <command> --help' describes a command.\n"
               "exit codes: 0 ok, 1 failure, 2 usage error, 3 bad input data, 4 not found\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("proratio 0.1.0\n");
        return PR_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "proratio: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return PR_EXIT_USAGE;
}
