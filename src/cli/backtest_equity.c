/* equity.csv written in the background: at 1M bars it is 8M numbers and
 * ~130 MB of text, the largest single piece of a backtest's wall time, and
 * nothing else depends on it. It starts as soon as the curve is known and
 * goes to "equity.csv.partial" beside its final name, renamed to
 * equity.csv where the files are written in order (bt_output); a run that
 * fails before then removes the partial file, so a failed run leaves the
 * previous run's equity.csv as it was, as before. The bytes are those of
 * pr_write_equity_csv. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "backtest_output.h"

struct bt_equity_job {
    pthread_t th;
    char path[BT_PATH_MAX + 32];        /* out_dir/equity.csv                  */
    char partial[BT_PATH_MAX + 48];     /* out_dir/equity.csv.partial          */
    const pr_equity_point *eq;
    size_t n;
    int rc;
    pr_err err;
};

static void *write_job(void *arg) {
    bt_equity_job *j = arg;
    pr_err_clear(&j->err);
    j->rc = pr_write_equity_csv(j->partial, j->eq, j->n, &j->err);
    if (j->rc != PR_OK) pr_err_at(&j->err, j->path, 0, 0, NULL); /* the file the user knows */
    return NULL;
}

void bt_equity_start(bt_analysis *a, const char *out_dir) {
    if (a->equity || a->n_eq == 0) return;
    bt_equity_job *j = calloc(1, sizeof *j);
    if (!j) return; /* written in the foreground then */
    snprintf(j->path, sizeof j->path, "%s/equity.csv", out_dir);
    snprintf(j->partial, sizeof j->partial, "%s/equity.csv.partial", out_dir);
    j->eq = a->eq;
    j->n = a->n_eq;
    if (pthread_create(&j->th, NULL, write_job, j) != 0) {
        free(j);
        return;
    }
    a->equity = j;
}

int bt_equity_finish(bt_analysis *a, const char *path, pr_err *err) {
    bt_equity_job *j = a->equity;
    if (!j || strcmp(j->path, path) != 0) return pr_write_equity_csv(path, a->eq, a->n_eq, err);
    pthread_join(j->th, NULL);
    a->equity = NULL;
    int rc = j->rc;
    if (rc != PR_OK) {
        *err = j->err;
        remove(j->partial);
    } else if (rename(j->partial, j->path) != 0) {
        int e = errno;
        remove(j->partial);
        pr_err_at(err, j->path, 0, 0, NULL);
        rc = pr_err_set(err, PR_EIO, "equity CSV: cannot create: %s", strerror(e));
    }
    free(j);
    return rc;
}

void bt_equity_abandon(bt_analysis *a) {
    bt_equity_job *j = a->equity;
    if (!j) return;
    pthread_join(j->th, NULL);
    remove(j->partial);
    free(j);
    a->equity = NULL;
}
