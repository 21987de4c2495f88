/* The paper_state table on both store backends (data/store_paper.h),
 * through the backend's connection with bound parameters as store_risk.c
 * does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

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

/* One statement with text parameters: $1.. (PostgreSQL) are written ?1..
 * for SQLite; the integer parameters are cast on PostgreSQL. */
int pr_store_exec_params(pr_store *st, const char *sq, const char *pg, const char *const *p, int n, const char *what,
                         pr_err *err) {
    int rc = PR_OK;
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = st->native;
        sqlite3_stmt *s;
        int src = sqlite3_prepare_v2(db, sq, -1, &s, NULL);
        if (src != SQLITE_OK) return pr_store_sq_fail(db, src, what, err);
        for (int i = 0; i < n; i++) sqlite3_bind_text(s, i + 1, p[i], -1, SQLITE_TRANSIENT);
        src = sqlite3_step(s);
        sqlite3_finalize(s);
        if (src != SQLITE_DONE) rc = pr_store_sq_fail(db, src, what, err);
    } else {
        PGresult *res = PQexecParams(st->native, pg, n, NULL, p, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) rc = pr_store_pg_fail(st->native, res, what, err);
        else PQclear(res);
    }
    if (rc && st->in_tx) {
        st->doomed = 1;
        pr_strlcpy(st->doom_msg, err ? err->msg : "paper_state write failed", sizeof st->doom_msg);
    }
    return rc;
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

static int found(pr_paper_row *row, const char *digest, long long last, long long at, const char *text, pr_err *err) {
    pr_strlcpy(row->config_digest, digest ? digest : "", sizeof row->config_digest);
    row->last_step = (int64_t)last;
    row->updated_at = (int64_t)at;
    row->state = strdup(text ? text : "");
    return row->state ? PR_OK : pr_err_set(err, PR_ENOMEM, "paper_state: out of memory");
}

int pr_store_paper_get(pr_store *st, const char *session, pr_paper_row *row, pr_err *err) {
    int rc = check(st, session, err);
    if (rc) return rc;
    memset(row, 0, sizeof *row);
    char what[PR_PAPER_SESSION_MAX + 40];
    snprintf(what, sizeof what, "read paper session %s", session);
    static const char q[] = "SELECT config_digest, last_step, updated_at, state FROM paper_state WHERE session = ";
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = st->native;
        sqlite3_stmt *s;
        char sql[160];
        snprintf(sql, sizeof sql, "%s?1", q);
        int src = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
        if (src != SQLITE_OK) return pr_store_sq_fail(db, src, what, err);
        sqlite3_bind_text(s, 1, session, -1, SQLITE_TRANSIENT);
        src = sqlite3_step(s);
        if (src == SQLITE_ROW)
            rc = found(row, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
                       sqlite3_column_int64(s, 2), (const char *)sqlite3_column_text(s, 3), err);
        else if (src == SQLITE_DONE) rc = pr_err_set(err, PR_ENOTFOUND, "paper_state: no session '%s'", session);
        else rc = pr_store_sq_fail(db, src, what, err);
        sqlite3_finalize(s);
        return rc;
    }
    char sql[160];
    snprintf(sql, sizeof sql, "%s$1", q);
    const char *p[1] = {session};
    PGresult *res = PQexecParams(st->native, sql, 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) return pr_store_pg_fail(st->native, res, what, err);
    if (PQntuples(res) == 0) rc = pr_err_set(err, PR_ENOTFOUND, "paper_state: no session '%s'", session);
    else
        rc = found(row, PQgetvalue(res, 0, 0), strtoll(PQgetvalue(res, 0, 1), NULL, 10),
                   strtoll(PQgetvalue(res, 0, 2), NULL, 10), PQgetvalue(res, 0, 3), err);
    PQclear(res);
    return rc;
}
