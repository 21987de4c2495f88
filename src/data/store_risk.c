/* The risk_state table on both store backends (data/store_risk.h), through
 * the backend's connection with bound parameters as store_llm.c does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "data/store_internal.h"
#include "proratio/data/store_risk.h"

#define UPSERT_TAIL                                                                                    \
    " ON CONFLICT (name) DO UPDATE SET version = excluded.version, state = excluded.state,"         \
    " updated_at = excluded.updated_at"

static int check(pr_store *st, const char *name, pr_err *err) {
    if (!st || !st->native) return pr_err_set(err, PR_ESTATE, "risk_state: store is not connected");
    if (st->in_tx && st->doomed)
        return pr_err_set(err, PR_ESTATE, "risk_state: the open transaction has failed (%s)", st->doom_msg);
    if (!name || !name[0] || strlen(name) >= PR_RISK_STATE_NAME_MAX)
        return pr_err_set(err, PR_EINVAL, "risk_state: the name must have 1 to %d characters",
                          PR_RISK_STATE_NAME_MAX - 1);
    return PR_OK;
}

int pr_store_risk_state_put(pr_store *st, const char *name, const char *json, int version, int64_t updated_at,
                            pr_err *err) {
    int rc = check(st, name, err);
    if (rc) return rc;
    if (!json) return pr_err_set(err, PR_EINVAL, "risk_state %s: no state text", name);
    char what[PR_RISK_STATE_NAME_MAX + 32];
    snprintf(what, sizeof what, "save risk state %s", name);
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = st->native;
        sqlite3_stmt *s;
        int src = sqlite3_prepare_v2(db,
                                     "INSERT INTO risk_state (name, version, state, updated_at)"
                                     " VALUES (?1, ?2, ?3, ?4)" UPSERT_TAIL,
                                     -1, &s, NULL);
        if (src != SQLITE_OK) return pr_store_sq_fail(db, src, what, err);
        sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 2, version);
        sqlite3_bind_text(s, 3, json, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 4, updated_at);
        src = sqlite3_step(s);
        sqlite3_finalize(s);
        if (src != SQLITE_DONE) rc = pr_store_sq_fail(db, src, what, err);
    } else {
        char v[32], t[32];
        snprintf(v, sizeof v, "%d", version);
        snprintf(t, sizeof t, "%lld", (long long)updated_at);
        const char *p[4] = {name, v, json, t};
        PGresult *res = PQexecParams(st->native,
                                     "INSERT INTO risk_state (name, version, state, updated_at)"
                                     " VALUES ($1, $2::int, $3, $4::bigint)" UPSERT_TAIL,
                                     4, NULL, p, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) rc = pr_store_pg_fail(st->native, res, what, err);
        else PQclear(res);
    }
    if (rc && st->in_tx) {
        st->doomed = 1;
        pr_strlcpy(st->doom_msg, err ? err->msg : "risk_state write failed", sizeof st->doom_msg);
    }
    return rc;
}

static int found(const char *text, long long ver, long long at, char **json, int *version, int64_t *updated_at,
                 pr_err *err) {
    *json = strdup(text ? text : "");
    if (!*json) return pr_err_set(err, PR_ENOMEM, "risk_state: out of memory");
    if (version) *version = (int)ver;
    if (updated_at) *updated_at = (int64_t)at;
    return PR_OK;
}

int pr_store_risk_state_get(pr_store *st, const char *name, char **json, int *version, int64_t *updated_at,
                            pr_err *err) {
    int rc = check(st, name, err);
    if (rc) return rc;
    *json = NULL;
    char what[PR_RISK_STATE_NAME_MAX + 32];
    snprintf(what, sizeof what, "read risk state %s", name);
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = st->native;
        sqlite3_stmt *s;
        int src = sqlite3_prepare_v2(db, "SELECT state, version, updated_at FROM risk_state WHERE name = ?1", -1,
                                     &s, NULL);
        if (src != SQLITE_OK) return pr_store_sq_fail(db, src, what, err);
        sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
        src = sqlite3_step(s);
        if (src == SQLITE_ROW)
            rc = found((const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
                       sqlite3_column_int64(s, 2), json, version, updated_at, err);
        else if (src == SQLITE_DONE) rc = pr_err_set(err, PR_ENOTFOUND, "risk_state: no state named '%s'", name);
        else rc = pr_store_sq_fail(db, src, what, err);
        sqlite3_finalize(s);
        return rc;
    }
    const char *p[1] = {name};
    PGresult *res = PQexecParams(st->native, "SELECT state, version, updated_at FROM risk_state WHERE name = $1", 1,
                                 NULL, p, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) return pr_store_pg_fail(st->native, res, what, err);
    if (PQntuples(res) == 0) rc = pr_err_set(err, PR_ENOTFOUND, "risk_state: no state named '%s'", name);
    else
        rc = found(PQgetvalue(res, 0, 0), strtoll(PQgetvalue(res, 0, 1), NULL, 10),
                   strtoll(PQgetvalue(res, 0, 2), NULL, 10), json, version, updated_at, err);
    PQclear(res);
    return rc;
}
