/* Internal to the CLI: the `proratio data` subcommands and the helpers they share. */
#ifndef PR_CMD_DATA_H
#define PR_CMD_DATA_H
#include "proratio/data.h"

int pr_cli_data_import(int argc, char **argv);
int pr_cli_data_list(int argc, char **argv);
int pr_cli_data_gaps(int argc, char **argv);
int pr_cli_data_resample(int argc, char **argv);
int pr_cli_data_export(int argc, char **argv);

/* Opens the store or prints the error; returns an exit code (0 ok). */
int pr_cli_open_store(const char *url, pr_store **st);
/* Gaps of a stored dataset on its asset class's calendar (inferred when the
 * class is unknown). *gaps is malloc'd (free it). */
int pr_cli_dataset_gaps(pr_store *st, const pr_dataset_info *d, unsigned flags, pr_gap **gaps,
                        size_t *n_gaps, size_t *missing, pr_calendar *cal_out, pr_err *err);
/* Loads a dataset named on the command line ("VENUE:SYMBOL:TF" ...) from
 * [from, to) into out (initialised). PR_ENOTFOUND when it has no bars. */
int pr_cli_load_dataset(pr_store *st, const char *name, int64_t from, int64_t to, pr_series *out,
                        pr_dataset_info *info, pr_err *err);
/* The latest successful write into a dataset, from the import log (an
 * import: format and file; a resample: format "resample", file = the
 * source dataset). out->defects_json is NULL. 1 found, 0 none, or a
 * negative status. */
int pr_cli_dataset_origin(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                          pr_import_record *out, pr_err *err);
#endif
