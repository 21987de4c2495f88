/* Internal to the CLI: `proratio optimize` and the store's runs and trials
 * tables (optimize_store.c): the run's row, trials saved after each batch
 * and read back on a resumed search, and `proratio optimize show`. */
#ifndef PR_CLI_OPTIMIZE_STORE_H
#define PR_CLI_OPTIMIZE_STORE_H
#include "proratio/data/store_opt.h"
#include "optimize.h"

typedef struct opt_store {
    pr_store *st;                  /* borrowed from the run's bt_data             */
    char run[PR_OPT_RUN_NAME_MAX];
    char mode[32], strategy[64];
    char digest[PR_FINGERPRINT_HEX];
    size_t resumed;                /* trials stored by an earlier start of it     */
} opt_store;

/* Opens the store of `data` and starts (or resumes) run `run` of the
 * configuration `config_text` in `mode`: a run of the same name made from
 * another configuration or mode is refused unless `fresh` (which deletes
 * it). */
int opt_store_begin(opt_store *os, bt_data *data, const char *run, const char *config_text, const char *mode,
                    const char *strategy, int fresh, pr_err *err);
/* Reads back fold `fold`'s stored trials into t[0..n) (marked stored) and
 * their daily returns into ret; *loaded counts them. One that does not read
 * back (another space, damaged JSON, returns missing) is run again: their
 * count and the first are reported on stderr. */
int opt_store_load(opt_store *os, const opt_settings *o, int fold, opt_trial *t, size_t n, opt_returns *ret,
                   size_t *loaded, pr_err *err);
/* Saves trials [lo, hi) of fold `fold` (those not read back) in one
 * transaction, with the daily returns ret holds for them. */
int opt_store_save(opt_store *os, const opt_settings *o, int fold, const opt_trial *t, size_t lo, size_t hi,
                   const opt_returns *ret, pr_err *err);
/* The run's status ("done", "failed") and its summary (JSON text). */
int opt_store_finish(opt_store *os, const char *status, const char *summary, pr_err *err);
/* `proratio optimize show [RUN] [--db URL]`. */
int opt_show(int argc, char **argv);

#endif
