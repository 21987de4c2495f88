/* The paper_run table on both store backends (data/store_paper.h): the
 * process of a running paper/live session, its heartbeat and status
 * snapshot, a stop request and how it ended, for `proratio status` and
 * `proratio stop` from another process (or host, with PostgreSQL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "data/store_internal.h"
#include "proratio/data/store_paper.h"

#define T "paper_run"

void pr_store_run_free(pr_paper_run *r) {
    if (!r) return;
    free(r->status);
    r->status = NULL;
}

static void num(char *b, size_t cap, long long v) { snprintf(b, cap, "%lld", v); }

int pr_store_run_start(pr_store *st, const char *session, long long pid, const char *host, const char *proc_start,
                       int64_t now, pr_err *err) {
    int rc = pr_store_session_check(st, T, session, err);
    if (rc) return rc;
    char p1[32], p4[32], what[PR_PAPER_SESSION_MAX + 40];
    num(p1, sizeof p1, pid);
    num(p4, sizeof p4, (long long)now);
    snprintf(what, sizeof what, "start session %s", session);
    const char *p[5] = {session, p1, host ? host : "", proc_start ? proc_start : "", p4};
#define COLS " (session, pid, host, proc_start, started_at, heartbeat, stop_at, ended_at, outcome, status)"
#define TAIL                                                                                              \
    " ON CONFLICT (session) DO UPDATE SET pid = excluded.pid, host = excluded.host,"                      \
    " proc_start = excluded.proc_start, started_at = excluded.started_at, heartbeat = excluded.heartbeat," \
    " stop_at = 0, ended_at = 0, outcome = '', status = '{}'"
    return pr_store_exec_params(st,
                                "INSERT INTO " T COLS " VALUES (?1, CAST(?2 AS INTEGER), ?3, ?4, CAST(?5 AS INTEGER),"
                                " CAST(?5 AS INTEGER), 0, 0, '', '{}')" TAIL,
                                "INSERT INTO " T COLS " VALUES ($1, $2::bigint, $3, $4, $5::bigint, $5::bigint, 0, 0,"
                                " '', '{}')" TAIL,
                                p, 5, what, err);
#undef COLS
#undef TAIL
}

int pr_store_run_end(pr_store *st, const char *session, int64_t now, const char *outcome, const char *status,
                     pr_err *err) {
    int rc = pr_store_session_check(st, T, session, err);
    if (rc) return rc;
    char p2[32], what[PR_PAPER_SESSION_MAX + 40];
    num(p2, sizeof p2, (long long)now);
    snprintf(what, sizeof what, "end session %s", session);
    const char *p[4] = {session, p2, outcome ? outcome : "ended", status ? status : "{}"};
    return pr_store_exec_params(st,
                                "UPDATE " T " SET heartbeat = CAST(?2 AS INTEGER), ended_at = CAST(?2 AS INTEGER),"
                                " outcome = ?3, status = ?4 WHERE session = ?1",
                                "UPDATE " T " SET heartbeat = $2::bigint, ended_at = $2::bigint, outcome = $3,"
                                " status = $4 WHERE session = $1",
                                p, 4, what, err);
}

/* ---- reads ------------------------------------------------------------------------ */

static long long ll(const char *s) { return s ? strtoll(s, NULL, 10) : 0; }

typedef struct got_row {
    pr_paper_run *out;
    int n;
} got_row;

static int take_run(void *user, const char *const *col, int n, pr_err *err) {
    got_row *g = user;
    pr_paper_run *r = g->out;
    if (n < 10) return pr_err_set(err, PR_EDB, T ": unexpected columns");
    pr_strlcpy(r->session, col[0] ? col[0] : "", sizeof r->session);
    r->pid = ll(col[1]);
    pr_strlcpy(r->host, col[2] ? col[2] : "", sizeof r->host);
    pr_strlcpy(r->proc_start, col[3] ? col[3] : "", sizeof r->proc_start);
    r->started_at = ll(col[4]);
    r->heartbeat = ll(col[5]);
    r->stop_at = ll(col[6]);
    r->ended_at = ll(col[7]);
    pr_strlcpy(r->outcome, col[8] ? col[8] : "", sizeof r->outcome);
    free(r->status);
    r->status = strdup(col[9] ? col[9] : "{}");
    g->n++;
    return r->status ? PR_OK : pr_err_set(err, PR_ENOMEM, T ": out of memory");
}

int pr_store_run_get(pr_store *st, const char *session, pr_paper_run *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    int rc = pr_store_session_check(st, T, session, err);
    if (rc) return rc;
    char what[PR_PAPER_SESSION_MAX + 40];
    snprintf(what, sizeof what, "read session %s", session);
#define SEL "SELECT session, pid, host, proc_start, started_at, heartbeat, stop_at, ended_at, outcome, status FROM " T
    const char *p[1] = {session};
    got_row g = {out, 0};
    rc = pr_store_query_params(st, SEL " WHERE session = ?1", SEL " WHERE session = $1", p, 1, what, take_run, &g, err);
#undef SEL
    if (rc == PR_OK && g.n == 0) rc = pr_err_set(err, PR_ENOTFOUND, "no session '%s' in the store", session);
    if (rc != PR_OK) pr_store_run_free(out);
    return rc;
}

int pr_store_run_beat(pr_store *st, const char *session, int64_t now, const char *status, int64_t *stop_at,
                      pr_err *err) {
    int rc = pr_store_session_check(st, T, session, err);
    if (rc) return rc;
    char p2[32], what[PR_PAPER_SESSION_MAX + 40];
    num(p2, sizeof p2, (long long)now);
    snprintf(what, sizeof what, "heartbeat of session %s", session);
    const char *p[3] = {session, p2, status ? status : "{}"};
    rc = pr_store_exec_params(st, "UPDATE " T " SET heartbeat = CAST(?2 AS INTEGER), status = ?3 WHERE session = ?1",
                              "UPDATE " T " SET heartbeat = $2::bigint, status = $3 WHERE session = $1", p, 3, what,
                              err);
    if (rc != PR_OK || !stop_at) return rc;
    pr_paper_run r;
    if ((rc = pr_store_run_get(st, session, &r, err)) != PR_OK) return rc;
    *stop_at = r.stop_at;
    pr_store_run_free(&r);
    return PR_OK;
}

int pr_store_run_stop(pr_store *st, const char *session, int64_t now, pr_err *err) {
    pr_paper_run r;
    int rc = pr_store_run_get(st, session, &r, err);
    if (rc != PR_OK) return rc;
    pr_store_run_free(&r);
    char p2[32], what[PR_PAPER_SESSION_MAX + 40];
    num(p2, sizeof p2, (long long)now);
    snprintf(what, sizeof what, "stop session %s", session);
    const char *p[2] = {session, p2};
    return pr_store_exec_params(st, "UPDATE " T " SET stop_at = CAST(?2 AS INTEGER) WHERE session = ?1",
                                "UPDATE " T " SET stop_at = $2::bigint WHERE session = $1", p, 2, what, err);
}

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static int take_name(void *user, const char *const *col, int n, pr_err *err) {
    names *x = user;
    if (n < 1) return pr_err_set(err, PR_EDB, T ": unexpected columns");
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 8;
        char **nv = realloc(x->v, nc * sizeof *nv);
        if (!nv) return pr_err_set(err, PR_ENOMEM, T ": out of memory");
        x->v = nv;
        x->cap = nc;
    }
    if (!(x->v[x->n] = strdup(col[0] ? col[0] : ""))) return pr_err_set(err, PR_ENOMEM, T ": out of memory");
    x->n++;
    return PR_OK;
}

int pr_store_run_list(pr_store *st, char ***out, size_t *n, pr_err *err) {
    *out = NULL;
    *n = 0;
    if (!st || !st->native) return pr_err_set(err, PR_ESTATE, T ": store is not connected");
    names x = {0};
    int rc = pr_store_query_params(st, "SELECT session FROM " T " ORDER BY session", "SELECT session FROM " T " ORDER BY session",
                   NULL, 0, "list sessions", take_name, &x, err);
    if (rc != PR_OK) {
        for (size_t i = 0; i < x.n; i++) free(x.v[i]);
        free(x.v);
        return rc;
    }
    *out = x.v;
    *n = x.n;
    return PR_OK;
}
