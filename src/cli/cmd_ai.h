/* Internal to the CLI: `proratio ai` (ask a provider one question about a
 * stored dataset at a point in time; list the cached / audited calls). The
 * lead wires pr_cli_ai into main.c's command table and cli.h. */
#ifndef PR_CMD_AI_H
#define PR_CMD_AI_H

/* argv[0] is "ai". */
int pr_cli_ai(int argc, char **argv);

#endif
