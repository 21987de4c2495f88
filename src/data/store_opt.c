/* The runs and trials tables on both store backends (data/store_opt.h),
 * through store_params.c's statements with text parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"
#include "proratio/data/store_opt.h"

void pr_store_opt_run_free(pr_opt_run_row *r) {
    if (!r) return;
    free(r->summary);
    r->summary = NULL;
}

int pr_store_opt_run_put(pr_store *st, const char *name, const char *config_digest, const char *mode,
                         const char *strategy, const char *status, const char *summary, int64_t now, pr_err *err) {
    int rc = pr_store_session_check(st, "runs", name, err);
    if (rc) return rc;
    if (!config_digest || !mode || !strategy || !status || !summary)
        return pr_err_set(err, PR_EINVAL, "runs %s: a column is missing", name);
    char what[PR_OPT_RUN_NAME_MAX + 32], t[32];
    snprintf(what, sizeof what, "save optimisation run %s", name);
    snprintf(t, sizeof t, "%lld", (long long)now);
    const char *p[7] = {name, config_digest, mode, strategy, status, t, summary};
#define TAIL                                                                                             \
    " ON CONFLICT (name) DO UPDATE SET config_digest = excluded.config_digest, mode = excluded.mode,"    \
    " strategy = excluded.strategy, status = excluded.status, updated_at = excluded.updated_at,"       \
    " summary = excluded.summary"
    return pr_store_exec_params(
        st,
        "INSERT INTO runs (name, config_digest, mode, strategy, status, created_at, updated_at, summary)"
        " VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS INTEGER), CAST(?6 AS INTEGER), ?7)" TAIL,
        "INSERT INTO runs (name, config_digest, mode, strategy, status, created_at, updated_at, summary)"
        " VALUES ($1, $2, $3, $4, $5, $6::bigint, $6::bigint, $7)" TAIL,
        p, 7, what, err);
#undef TAIL
}

/* name, config_digest, mode, strategy, status, created_at, updated_at,
 * trials[, summary] */
static int fill_row(pr_opt_run_row *row, const char *const *col, int n) {
    pr_strlcpy(row->name, col[0] ? col[0] : "", sizeof row->name);
    pr_strlcpy(row->config_digest, col[1] ? col[1] : "", sizeof row->config_digest);
    pr_strlcpy(row->mode, col[2] ? col[2] : "", sizeof row->mode);
    pr_strlcpy(row->strategy, col[3] ? col[3] : "", sizeof row->strategy);
    pr_strlcpy(row->status, col[4] ? col[4] : "", sizeof row->status);
    row->created_at = col[5] ? strtoll(col[5], NULL, 10) : 0;
    row->updated_at = col[6] ? strtoll(col[6], NULL, 10) : 0;
    row->trials = col[7] ? strtoll(col[7], NULL, 10) : 0;
    if (n > 8) {
        free(row->summary);
        row->summary = strdup(col[8] ? col[8] : "");
        if (!row->summary) return PR_ENOMEM;
    }
    return PR_OK;
}

#define COLS                                                                                                \
    "r.name, r.config_digest, r.mode, r.strategy, r.status, r.created_at, r.updated_at,"                  \
    " (SELECT count(*) FROM trials t WHERE t.run = r.name)"

static int take_one(void *user, const char *const *col, int n, pr_err *err) {
    if (n < 9) return pr_err_set(err, PR_EDB, "runs: %d columns read, 9 expected", n);
    return fill_row(user, col, n) == PR_OK ? PR_OK : pr_err_set(err, PR_ENOMEM, "runs: out of memory");
}

int pr_store_opt_run_get(pr_store *st, const char *name, pr_opt_run_row *row, pr_err *err) {
    int rc = pr_store_session_check(st, "runs", name, err);
    if (rc) return rc;
    memset(row, 0, sizeof *row);
    char what[PR_OPT_RUN_NAME_MAX + 32];
    snprintf(what, sizeof what, "read optimisation run %s", name);
    const char *p[1] = {name};
    rc = pr_store_query_params(st, "SELECT " COLS ", r.summary FROM runs r WHERE r.name = ?1",
                               "SELECT " COLS ", r.summary FROM runs r WHERE r.name = $1", p, 1, what, take_one, row,
                               err);
    if (rc == PR_OK && !row->summary) rc = pr_err_set(err, PR_ENOTFOUND, "runs: no run '%s'", name);
    if (rc != PR_OK) pr_store_opt_run_free(row);
    return rc;
}

typedef struct list_ctx {
    int (*fn)(void *, const pr_opt_run_row *);
    void *user;
} list_ctx;

static int take_listed(void *user, const char *const *col, int n, pr_err *err) {
    list_ctx *c = user;
    if (n < 8) return pr_err_set(err, PR_EDB, "runs: %d columns read, 8 expected", n);
    pr_opt_run_row row;
    memset(&row, 0, sizeof row);
    fill_row(&row, col, 8);
    return c->fn(c->user, &row);
}

int pr_store_opt_run_list(pr_store *st, int (*fn)(void *user, const pr_opt_run_row *row), void *user, pr_err *err) {
    if (!st || !st->native) return pr_err_set(err, PR_ESTATE, "runs: store is not connected");
    list_ctx c = {fn, user};
    static const char *const q = "SELECT " COLS " FROM runs r ORDER BY r.updated_at DESC, r.name";
    return pr_store_query_params(st, q, q, NULL, 0, "list optimisation runs", take_listed, &c, err);
}

int pr_store_opt_run_delete(pr_store *st, const char *name, pr_err *err) {
    int rc = pr_store_session_check(st, "runs", name, err);
    if (rc) return rc;
    char what[PR_OPT_RUN_NAME_MAX + 32];
    snprintf(what, sizeof what, "delete optimisation run %s", name);
    const char *p[1] = {name};
    if ((rc = pr_store_exec_params(st, "DELETE FROM trials WHERE run = ?1", "DELETE FROM trials WHERE run = $1", p,
                                   1, what, err)) != PR_OK)
        return rc;
    return pr_store_exec_params(st, "DELETE FROM runs WHERE name = ?1", "DELETE FROM runs WHERE name = $1", p, 1,
                                what, err);
}

int pr_store_opt_trial_put(pr_store *st, const char *run, int fold, long trial, const char *params,
                           const char *score, const char *metrics, pr_err *err) {
    int rc = pr_store_session_check(st, "trials", run, err);
    if (rc) return rc;
    if (!params || !score || !metrics) return pr_err_set(err, PR_EINVAL, "trials %s: a column is missing", run);
    char f[16], t[32];
    snprintf(f, sizeof f, "%d", fold);
    snprintf(t, sizeof t, "%ld", trial);
    const char *p[6] = {run, f, t, params, score, metrics};
#define TAIL " ON CONFLICT (run, fold, trial) DO UPDATE SET params = excluded.params, score = excluded.score," \
             " metrics = excluded.metrics"
    return pr_store_exec_params(st,
                                "INSERT INTO trials (run, fold, trial, params, score, metrics)"
                                " VALUES (?1, CAST(?2 AS INTEGER), CAST(?3 AS INTEGER), ?4, ?5, ?6)" TAIL,
                                "INSERT INTO trials (run, fold, trial, params, score, metrics)"
                                " VALUES ($1, $2::int, $3::bigint, $4, $5, $6)" TAIL,
                                p, 6, "save a trial", err);
#undef TAIL
}

typedef struct trials_ctx {
    int (*fn)(void *, int, long, const char *, const char *, const char *);
    void *user;
} trials_ctx;

static int take_trial(void *user, const char *const *col, int n, pr_err *err) {
    trials_ctx *c = user;
    if (n < 5) return pr_err_set(err, PR_EDB, "trials: %d columns read, 5 expected", n);
    return c->fn(c->user, col[0] ? atoi(col[0]) : 0, col[1] ? strtol(col[1], NULL, 10) : 0, col[2] ? col[2] : "",
                 col[3] ? col[3] : "", col[4] ? col[4] : "");
}

int pr_store_opt_trials(pr_store *st, const char *run,
                        int (*fn)(void *user, int fold, long trial, const char *params, const char *score,
                                  const char *metrics),
                        void *user, pr_err *err) {
    int rc = pr_store_session_check(st, "trials", run, err);
    if (rc) return rc;
    trials_ctx c = {fn, user};
    const char *p[1] = {run};
#define SEL "SELECT fold, trial, params, score, metrics FROM trials WHERE run = "
    return pr_store_query_params(st, SEL "?1 ORDER BY fold, trial", SEL "$1 ORDER BY fold, trial", p, 1,
                                 "read the trials", take_trial, &c, err);
#undef SEL
}
