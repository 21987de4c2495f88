/* Internal to the CLI: `proratio risk regimes` and `proratio risk
 * correlation` (cmd_risk_regimes.c), dispatched from cmd_risk.c. */
#ifndef PR_CMD_RISK_REGIMES_H
#define PR_CMD_RISK_REGIMES_H

/* argv[1] is "regimes" or "correlation"; returns an exit code. */
int pr_cli_risk_analysis(int argc, char **argv);

#endif
