/* The runs and trials tables of the store (migration 9): an optimisation
 * run by name (the digest of the configuration it searches, its mode and
 * status, a JSON summary of its result) and every trial it ran (fold,
 * number, the point's values and the metrics as JSON text, the score), so
 * an interrupted search resumes where it was and `proratio optimize show`
 * lists past runs. The JSON is opaque to the data module. */
#ifndef PRORATIO_DATA_STORE_OPT_H
#define PRORATIO_DATA_STORE_OPT_H

#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_OPT_RUN_NAME_MAX 256

typedef struct pr_opt_run_row {
    char name[PR_OPT_RUN_NAME_MAX];
    char config_digest[80];
    char mode[32];           /* "walk-forward", "in-sample"                    */
    char strategy[64];
    char status[32];         /* "running", "done", "failed"                   */
    int64_t created_at, updated_at;
    long long trials;        /* trials stored                                  */
    char *summary;           /* malloc'd JSON text (pr_store_opt_run_free)     */
} pr_opt_run_row;

void pr_store_opt_run_free(pr_opt_run_row *r);
/* Writes or replaces run `name`'s row (created_at kept when it exists). */
int pr_store_opt_run_put(pr_store *st, const char *name, const char *config_digest, const char *mode,
                         const char *strategy, const char *status, const char *summary, int64_t now, pr_err *err);
/* The row of `name` (PR_ENOTFOUND: none); row->trials counted. */
int pr_store_opt_run_get(pr_store *st, const char *name, pr_opt_run_row *row, pr_err *err);
/* Every run, newest first, to fn (row->summary is NULL here). */
int pr_store_opt_run_list(pr_store *st, int (*fn)(void *user, const pr_opt_run_row *row), void *user, pr_err *err);
/* Deletes run `name` and its trials (none: PR_OK). */
int pr_store_opt_run_delete(pr_store *st, const char *name, pr_err *err);

/* One trial; score as text ("%.17g", "-inf" for an invalid trial) so it
 * reads back bit for bit. */
int pr_store_opt_trial_put(pr_store *st, const char *run, int fold, long trial, const char *params,
                           const char *score, const char *metrics, pr_err *err);
/* The trials of `run` in (fold, trial) order to fn. */
int pr_store_opt_trials(pr_store *st, const char *run,
                        int (*fn)(void *user, int fold, long trial, const char *params, const char *score,
                                  const char *metrics),
                        void *user, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
