/* Internal to the CLI: the `proratio data` subcommands and the helpers they share. */
#ifndef PR_CMD_DATA_H
#define PR_CMD_DATA_H
#include "proratio/data.h"

int pr_cli_data_import(int argc, char **argv);
int pr_cli_data_list(int argc, char **argv);
int pr_cli_data_gaps(int argc, char **argv);
int pr_cli_data_resample(int argc, char **argv);
int pr_cli_data_export(int argc, char **argv);
int pr_cli_data_download(int argc, char **argv);
int pr_cli_data_watch(int argc, char **argv);

/* Opens the store for writing (created when missing) or prints the error;
 * returns an exit code (0 ok). busy_ms: how long to wait for another
 * writer's lock (0 = $PRORATIO_BUSY_TIMEOUT_MS, else 5000). */
int pr_cli_open_store(const char *url, pr_store **st);
int pr_cli_open_store_busy(const char *url, int busy_ms, pr_store **st);
/* Opens an existing store read-only (read-only commands never create one: a
 * missing store is exit 4 naming the resolved path). */
int pr_cli_open_store_ro(const char *url, pr_store **st);
/* The options both of the above use, for commands that open the store
 * through pr_store_open_with themselves. */
void pr_cli_store_options(int read_only, int busy_ms, pr_store_options *o);
/* Fills err with PR_ENOTFOUND for a dataset the store lacks, naming the
 * store and the closest stored dataset when the name looks like a typo. */
int pr_cli_dataset_missing(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf, pr_err *err);
/* "venue:symbol:tf" with the names escaped for a table or JSON. */
void pr_cli_dataset_label(const pr_dataset_info *d, char *buf, size_t cap);
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
