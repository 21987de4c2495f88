/* Statements with text parameters for the store's small keyed tables
 * (paper_state, paper_run, risk_state: store_paper.c, store_run.c,
 * store_risk.c): one SQL text per backend, ?1.. for SQLite and $1.. for
 * PostgreSQL, integers cast in the SQL, rows handed over as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "data/store_internal.h"

/* Runs one statement with text parameters; each row it returns goes to
 * `row` (when not NULL) as text columns (NULL for SQL NULL). */
static int run(pr_store *st, const char *sq, const char *pg, const char *const *p, int n, const char *what,
               pr_store_row_fn row, void *user, pr_err *err) {
    enum { MAXC = 12 };
    const char *col[MAXC];
    int rc = PR_OK;
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = st->native;
        sqlite3_stmt *s;
        int src = sqlite3_prepare_v2(db, sq, -1, &s, NULL);
        if (src != SQLITE_OK) return pr_store_sq_fail(db, src, what, err);
        for (int i = 0; i < n; i++) sqlite3_bind_text(s, i + 1, p[i], -1, SQLITE_TRANSIENT);
        while (rc == PR_OK && (src = sqlite3_step(s)) == SQLITE_ROW) {
            int nc = sqlite3_column_count(s);
            if (nc > MAXC) nc = MAXC;
            for (int c = 0; c < nc; c++) col[c] = (const char *)sqlite3_column_text(s, c);
            if (row) rc = row(user, col, nc, err);
        }
        if (rc == PR_OK && src != SQLITE_DONE) rc = pr_store_sq_fail(db, src, what, err);
        sqlite3_finalize(s);
        return rc;
    }
    PGresult *res = PQexecParams(st->native, pg, n, NULL, p, NULL, NULL, 0);
    ExecStatusType es = PQresultStatus(res);
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) return pr_store_pg_fail(st->native, res, what, err);
    int nc = PQnfields(res);
    if (nc > MAXC) nc = MAXC;
    for (int r = 0; row && rc == PR_OK && r < PQntuples(res); r++) {
        for (int c = 0; c < nc; c++) col[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
        rc = row(user, col, nc, err);
    }
    PQclear(res);
    return rc;
}

int pr_store_exec_params(pr_store *st, const char *sq, const char *pg, const char *const *p, int n, const char *what,
                         pr_err *err) {
    int rc = run(st, sq, pg, p, n, what, NULL, NULL, err);
    if (rc && st->in_tx) {
        st->doomed = 1;
        pr_strlcpy(st->doom_msg, err ? err->msg : "write failed", sizeof st->doom_msg);
    }
    return rc;
}

int pr_store_query_params(pr_store *st, const char *sq, const char *pg, const char *const *p, int np, const char *what,
                          pr_store_row_fn row, void *user, pr_err *err) {
    return run(st, sq, pg, p, np, what, row, user, err);
}
