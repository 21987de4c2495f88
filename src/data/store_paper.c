/* The paper_state table on both store backends (data/store_paper.h),
 * through store_params.c's statements with text parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/store_internal.h"
#include "proratio/data/store_paper.h"

int pr_store_session_check(pr_store *st, const char *table, const char *session, pr_err *err) {
    if (!st || !st->native) return pr_err_set(err, PR_ESTATE, "%s: store is not connected", table);
    if (st->in_tx && st->doomed)
        return pr_err_set(err, PR_ESTATE, "%s: the open transaction has failed (%s)", table, st->doom_msg);
    if (!session || !session[0] || strlen(session) >= PR_PAPER_SESSION_MAX)
        return pr_err_set(err, PR_EINVAL, "%s: the session name must have 1 to %d characters", table,
                          PR_PAPER_SESSION_MAX - 1);
    return PR_OK;
}

static int check(pr_store *st, const char *session, pr_err *err) {
    return pr_store_session_check(st, "paper_state", session, err);
}

int pr_store_paper_put(pr_store *st, const char *session, const char *config_digest, int64_t last_step,
                       const char *json, int64_t updated_at, pr_err *err) {
    int rc = check(st, session, err);
    if (rc) return rc;
    if (!json || !config_digest) return pr_err_set(err, PR_EINVAL, "paper_state %s: no state text", session);
    char what[PR_PAPER_SESSION_MAX + 40], ls[32], ua[32];
    snprintf(what, sizeof what, "save paper session %s", session);
    snprintf(ls, sizeof ls, "%lld", (long long)last_step);
    snprintf(ua, sizeof ua, "%lld", (long long)updated_at);
    const char *p[5] = {session, config_digest, ls, json, ua};
#define TAIL                                                                                                \
    " ON CONFLICT (session) DO UPDATE SET config_digest = excluded.config_digest,"                        \
    " last_step = excluded.last_step, state = excluded.state, updated_at = excluded.updated_at"
    return pr_store_exec_params(st,
                       "INSERT INTO paper_state (session, config_digest, last_step, state, updated_at)"
                       " VALUES (?1, ?2, CAST(?3 AS INTEGER), ?4, CAST(?5 AS INTEGER))" TAIL,
                       "INSERT INTO paper_state (session, config_digest, last_step, state, updated_at)"
                       " VALUES ($1, $2, $3::bigint, $4, $5::bigint)" TAIL,
                       p, 5, what, err);
#undef TAIL
}

int pr_store_paper_delete(pr_store *st, const char *session, pr_err *err) {
    int rc = check(st, session, err);
    if (rc) return rc;
    char what[PR_PAPER_SESSION_MAX + 40];
    snprintf(what, sizeof what, "delete paper session %s", session);
    const char *p[1] = {session};
    return pr_store_exec_params(st, "DELETE FROM paper_state WHERE session = ?1", "DELETE FROM paper_state WHERE session = $1",
                       p, 1, what, err);
}

/* The row: config_digest, last_step, updated_at, state. */
static int take_row(void *user, const char *const *col, int n, pr_err *err) {
    pr_paper_row *row = user;
    if (n < 4) return pr_err_set(err, PR_EDB, "paper_state: %d columns read, 4 expected", n);
    pr_strlcpy(row->config_digest, col[0] ? col[0] : "", sizeof row->config_digest);
    row->last_step = col[1] ? (int64_t)strtoll(col[1], NULL, 10) : 0;
    row->updated_at = col[2] ? (int64_t)strtoll(col[2], NULL, 10) : 0;
    free(row->state);
    row->state = strdup(col[3] ? col[3] : "");
    return row->state ? PR_OK : pr_err_set(err, PR_ENOMEM, "paper_state: out of memory");
}

int pr_store_paper_get(pr_store *st, const char *session, pr_paper_row *row, pr_err *err) {
    int rc = check(st, session, err);
    if (rc) return rc;
    memset(row, 0, sizeof *row);
    char what[PR_PAPER_SESSION_MAX + 40];
    snprintf(what, sizeof what, "read paper session %s", session);
#define SEL "SELECT config_digest, last_step, updated_at, state FROM paper_state WHERE session = "
    const char *p[1] = {session};
    rc = pr_store_query_params(st, SEL "?1", SEL "$1", p, 1, what, take_row, row, err);
#undef SEL
    if (rc == PR_OK && !row->state) rc = pr_err_set(err, PR_ENOTFOUND, "paper_state: no session '%s'", session);
    if (rc != PR_OK) {
        free(row->state);
        row->state = NULL;
    }
    return rc;
}
