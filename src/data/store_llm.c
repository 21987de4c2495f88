/* The llm_calls table (cache and audit of language-model calls) on both
 * store backends. The store's private backend interface (store_internal.h)
 * has no parameterised row queries, so this file talks to the backend's
 * connection directly: SQLite through sqlite3_* with bound parameters,
 * PostgreSQL through PQexecParams with text parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "data/store_internal.h"
#include "proratio/data/store_llm.h"

static void *native(pr_store *st) { return st->native; }

#define COLS                                                                                      \
    "id, created_at, decision_ts, run_id, provider, model, question, template, prompt_hash, status, " \
    "fail, http_status, attempts, latency_ms, tokens_in, tokens_out, cost, request, response, verdict, error"
#define NCOLS 21

void pr_llm_call_record_free(pr_llm_call_record *r) {
    if (!r) return;
    free(r->request);
    free(r->response);
    free(r->verdict);
    free(r->error);
    r->request = r->response = r->verdict = r->error = NULL;
}

void pr_llm_call_records_free(pr_llm_call_record *r, size_t n) {
    if (!r) return;
    for (size_t i = 0; i < n; i++) pr_llm_call_record_free(&r[i]);
    free(r);
}

static int check(pr_store *st, pr_err *err) {
    if (!st) return pr_err_set(err, PR_EINVAL, "llm_calls: no store");
    if (st->in_tx && st->doomed)
        return pr_err_set(err, PR_ESTATE, "llm_calls: the open transaction has failed (%s)", st->doom_msg);
    if (!native(st)) return pr_err_set(err, PR_ESTATE, "llm_calls: store is not connected");
    return PR_OK;
}

/* Row values as text (NULL = SQL NULL), shared by both backends. */
typedef struct row_text {
    const char *v[NCOLS];
    char num[NCOLS][32];
} row_text;

static int text_dup(const char *s, char **out) {
    *out = NULL;
    if (!s) return PR_OK;
    *out = strdup(s);
    return *out ? PR_OK : PR_ENOMEM;
}

static int64_t as_i64(const char *s) { return s ? strtoll(s, NULL, 10) : 0; }

static int from_text(const row_text *t, pr_llm_call_record *r, pr_err *err) {
    memset(r, 0, sizeof *r);
    r->id = as_i64(t->v[0]);
    r->created_at = as_i64(t->v[1]);
    r->decision_ts = t->v[2] ? as_i64(t->v[2]) : PR_TIME_NONE;
    pr_strlcpy(r->run_id, t->v[3] ? t->v[3] : "", sizeof r->run_id);
    pr_strlcpy(r->provider, t->v[4] ? t->v[4] : "", sizeof r->provider);
    pr_strlcpy(r->model, t->v[5] ? t->v[5] : "", sizeof r->model);
    pr_strlcpy(r->question, t->v[6] ? t->v[6] : "", sizeof r->question);
    pr_strlcpy(r->template_id, t->v[7] ? t->v[7] : "", sizeof r->template_id);
    pr_strlcpy(r->prompt_hash, t->v[8] ? t->v[8] : "", sizeof r->prompt_hash);
    pr_strlcpy(r->status, t->v[9] ? t->v[9] : "", sizeof r->status);
    pr_strlcpy(r->fail, t->v[10] ? t->v[10] : "", sizeof r->fail);
    r->http_status = (int)as_i64(t->v[11]);
    r->attempts = (int)as_i64(t->v[12]);
    r->latency_ms = as_i64(t->v[13]);
    r->tokens_in = as_i64(t->v[14]);
    r->tokens_out = as_i64(t->v[15]);
    r->cost = t->v[16] ? strtod(t->v[16], NULL) : 0;
    if (text_dup(t->v[17], &r->request) || text_dup(t->v[18], &r->response) || text_dup(t->v[19], &r->verdict) ||
        text_dup(t->v[20], &r->error)) {
        pr_llm_call_record_free(r);
        return pr_err_set(err, PR_ENOMEM, "llm_calls: out of memory");
    }
    return PR_OK;
}

/* The 20 insert parameters as text. */
static void put_params(const pr_llm_call_record *r, const char *v[20], char num[20][32]) {
    snprintf(num[0], 32, "%lld", (long long)r->created_at);
    v[0] = num[0];
    if (r->decision_ts == PR_TIME_NONE) v[1] = NULL;
    else {
        snprintf(num[1], 32, "%lld", (long long)r->decision_ts);
        v[1] = num[1];
    }
    v[2] = r->run_id;
    v[3] = r->provider;
    v[4] = r->model;
    v[5] = r->question;
    v[6] = r->template_id;
    v[7] = r->prompt_hash;
    v[8] = r->status;
    v[9] = r->fail;
    long long ints[5] = {r->http_status, r->attempts, (long long)r->latency_ms, (long long)r->tokens_in,
                         (long long)r->tokens_out};
    for (int i = 0; i < 5; i++) {
        snprintf(num[10 + i], 32, "%lld", ints[i]);
        v[10 + i] = num[10 + i];
    }
    snprintf(num[15], 32, "%.17g", isfinite(r->cost) ? r->cost : 0.0);
    v[15] = num[15];
    v[16] = r->request ? r->request : "";
    v[17] = r->response;
    v[18] = r->verdict;
    v[19] = r->error;
}

/* ---- SQLite ----------------------------------------------------------------- */
int pr_store_sq_fail(void *conn, int rc, const char *what, pr_err *err) {
    sqlite3 *db = conn;
    return pr_store_db_err(err, sqlite3_errstr(rc), what, "%s", sqlite3_errmsg(db));
}

static void sq_row(sqlite3_stmt *s, row_text *t) {
    for (int i = 0; i < NCOLS; i++) t->v[i] = (const char *)sqlite3_column_text(s, i);
}

static int sq_rows(sqlite3 *db, sqlite3_stmt *s, const char *what, pr_llm_call_record **out, size_t *n,
                   size_t max, pr_err *err) {
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (max && *n >= max) break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pr_llm_call_record *nr = realloc(*out, cap * sizeof *nr);
            if (!nr) {
                pr_llm_call_records_free(*out, *n);
                *out = NULL;
                *n = 0;
                return pr_err_set(err, PR_ENOMEM, "llm_calls: out of memory");
            }
            *out = nr;
        }
        row_text t;
        sq_row(s, &t);
        if ((rc = from_text(&t, &(*out)[*n], err))) {
            pr_llm_call_records_free(*out, *n);
            *out = NULL;
            *n = 0;
            return rc;
        }
        (*out)[*n].cost = sqlite3_column_double(s, 16); /* exact, not via text */
        (*n)++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        pr_llm_call_records_free(*out, *n);
        *out = NULL;
        *n = 0;
        return pr_store_sq_fail(db, rc, what, err);
    }
    return PR_OK;
}

static int sq_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s, const char *what, pr_err *err) {
    int rc = sqlite3_prepare_v2(db, sql, -1, s, NULL);
    return rc == SQLITE_OK ? PR_OK : pr_store_sq_fail(db, rc, what, err);
}

static void sq_bind_text(sqlite3_stmt *s, int i, const char *v) {
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s, i);
}

static void sq_bind_range(sqlite3_stmt *s, int i, int64_t v) {
    if (v == PR_TIME_NONE) sqlite3_bind_null(s, i);
    else sqlite3_bind_int64(s, i, v);
}

/* ---- PostgreSQL --------------------------------------------------------------- */
int pr_store_pg_fail(void *conn, void *result, const char *what, pr_err *err) {
    PGconn *c = conn;
    PGresult *res = result;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    char msg[256];
    pr_strlcpy(msg, res ? PQresultErrorMessage(res) : PQerrorMessage(c), sizeof msg);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
    if (res) PQclear(res);
    return pr_store_db_err(err, state ? state : "", what, "%s", msg);
}

static int pg_rows(PGresult *res, pr_llm_call_record **out, size_t *n, pr_err *err) {
    int rows = PQntuples(res);
    *out = NULL;
    *n = 0;
    if (rows == 0) return PR_OK;
    *out = calloc((size_t)rows, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "llm_calls: out of memory");
    for (int r = 0; r < rows; r++) {
        row_text t;
        for (int i = 0; i < NCOLS; i++) t.v[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
        int rc = from_text(&t, &(*out)[r], err);
        if (rc) {
            pr_llm_call_records_free(*out, (size_t)r);
            *out = NULL;
            return rc;
        }
    }
    *n = (size_t)rows;
    return PR_OK;
}

static PGresult *pg_exec(PGconn *c, const char *sql, int n, const char *const *v) {
    return PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
}

/* ---- operations ----------------------------------------------------------------- */
int pr_store_llm_put(pr_store *st, const pr_llm_call_record *r, int64_t *id, pr_err *err) {
    int rc = check(st, err);
    if (rc) return rc;
    if (!r || !r->provider[0] || !r->prompt_hash[0]) return pr_err_set(err, PR_EINVAL, "llm_calls: incomplete record");
    const char *v[20];
    char num[20][32];
    put_params(r, v, num);
    static const char *ins = "INSERT INTO llm_calls (created_at, decision_ts, run_id, provider, model, question, "
                             "template, prompt_hash, status, fail, http_status, attempts, latency_ms, tokens_in, "
                             "tokens_out, cost, request, response, verdict, error) VALUES ";
    char sql[640];
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = native(st);
        snprintf(sql, sizeof sql, "%s(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)", ins);
        sqlite3_stmt *s;
        if ((rc = sq_prepare(db, sql, &s, "store llm call", err))) return rc;
        for (int i = 0; i < 20; i++) sq_bind_text(s, i + 1, v[i]);
        int src = sqlite3_step(s);
        sqlite3_finalize(s);
        if (src != SQLITE_DONE) rc = pr_store_sq_fail(db, src, "store llm call", err);
        else if (id) *id = sqlite3_last_insert_rowid(db);
    } else {
        PGconn *c = native(st);
        snprintf(sql, sizeof sql,
                 "%s($1::bigint,$2::bigint,$3,$4,$5,$6,$7,$8,$9,$10,$11::int,$12::int,$13::bigint,$14::bigint,"
                 "$15::bigint,$16::double precision,$17,$18,$19,$20) RETURNING id",
                 ins);
        PGresult *res = pg_exec(c, sql, 20, v);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) rc = pr_store_pg_fail(c, res, "store llm call", err);
        else {
            if (id) *id = as_i64(PQgetvalue(res, 0, 0));
            PQclear(res);
        }
    }
    if (rc && st->in_tx) {
        st->doomed = 1;
        pr_strlcpy(st->doom_msg, err ? err->msg : "llm_calls insert failed", sizeof st->doom_msg);
    }
    return rc;
}

int pr_store_llm_find(pr_store *st, const char *provider, const char *model, const char *template_id,
                      const char *prompt_hash, int ok_only, pr_llm_call_record *out, pr_err *err) {
    int rc = check(st, err);
    if (rc) return rc;
    if (!provider || !model || !template_id || !prompt_hash || !out)
        return pr_err_set(err, PR_EINVAL, "llm_calls: NULL argument");
    pr_llm_call_record *rows = NULL;
    size_t n = 0;
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = native(st);
        sqlite3_stmt *s;
        if ((rc = sq_prepare(db,
                             "SELECT " COLS " FROM llm_calls WHERE provider = ?1 AND model = ?2 AND template = ?3"
                             " AND prompt_hash = ?4 AND (status = 'ok' OR ?5 = 0)"
                             " ORDER BY (status = 'ok') DESC, id DESC LIMIT 1",
                             &s, "find llm call", err)))
            return rc;
        sq_bind_text(s, 1, provider);
        sq_bind_text(s, 2, model);
        sq_bind_text(s, 3, template_id);
        sq_bind_text(s, 4, prompt_hash);
        sqlite3_bind_int(s, 5, ok_only ? 1 : 0);
        rc = sq_rows(db, s, "find llm call", &rows, &n, 1, err);
        sqlite3_finalize(s);
    } else {
        PGconn *c = native(st);
        const char *v[5] = {provider, model, template_id, prompt_hash, ok_only ? "1" : "0"};
        PGresult *res = pg_exec(c,
                                "SELECT " COLS " FROM llm_calls WHERE provider = $1 AND model = $2 AND template = $3"
                                " AND prompt_hash = $4 AND (status = 'ok' OR $5::int = 0)"
                                " ORDER BY (status = 'ok') DESC, id DESC LIMIT 1",
                                5, v);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) return pr_store_pg_fail(c, res, "find llm call", err);
        rc = pg_rows(res, &rows, &n, err);
        PQclear(res);
    }
    if (rc) return rc;
    if (n == 0) return pr_err_set(err, PR_ENOTFOUND, "llm_calls: no cached call for %s %s %.12s", provider,
                                  template_id, prompt_hash);
    *out = rows[0];
    free(rows);
    return PR_OK;
}

int pr_store_llm_list(pr_store *st, int64_t from_ms, int64_t to_ms, const char *provider, size_t limit,
                      pr_llm_call_record **out, size_t *n, pr_err *err) {
    int rc = check(st, err);
    if (rc) return rc;
    if (!out || !n) return pr_err_set(err, PR_EINVAL, "llm_calls: NULL argument");
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = native(st);
        sqlite3_stmt *s;
        if ((rc = sq_prepare(db,
                             "SELECT " COLS " FROM llm_calls WHERE (?1 IS NULL OR created_at >= ?1)"
                             " AND (?2 IS NULL OR created_at < ?2) AND (?3 IS NULL OR provider = ?3)"
                             " ORDER BY id DESC",
                             &s, "list llm calls", err)))
            return rc;
        sq_bind_range(s, 1, from_ms);
        sq_bind_range(s, 2, to_ms);
        sq_bind_text(s, 3, provider);
        rc = sq_rows(db, s, "list llm calls", out, n, limit, err);
        sqlite3_finalize(s);
        return rc;
    }
    PGconn *c = native(st);
    char a[32], b[32], l[32];
    snprintf(a, sizeof a, "%lld", (long long)from_ms);
    snprintf(b, sizeof b, "%lld", (long long)to_ms);
    snprintf(l, sizeof l, "%zu", limit);
    const char *v[4] = {from_ms == PR_TIME_NONE ? NULL : a, to_ms == PR_TIME_NONE ? NULL : b, provider,
                        limit ? l : NULL};
    PGresult *res = pg_exec(c,
                            "SELECT " COLS " FROM llm_calls WHERE ($1::bigint IS NULL OR created_at >= $1::bigint)"
                            " AND ($2::bigint IS NULL OR created_at < $2::bigint)"
                            " AND ($3::text IS NULL OR provider = $3::text) ORDER BY id DESC LIMIT $4::bigint",
                            4, v);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) return pr_store_pg_fail(c, res, "list llm calls", err);
    rc = pg_rows(res, out, n, err);
    PQclear(res);
    return rc;
}

/* A row holding a cost no call can have (negative, NaN, infinite, written by
 * hand or by an older version) must neither lower nor poison the spend. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define SPEND_SUM "COALESCE(SUM(CASE WHEN cost >= 0 AND cost <= " STR(PR_LLM_COST_MAX) " THEN cost ELSE 0 END), 0)"

int pr_store_llm_spend(pr_store *st, int64_t from_ms, int64_t to_ms, int64_t *calls, double *cost, pr_err *err) {
    int rc = check(st, err);
    if (rc) return rc;
    if (!calls || !cost) return pr_err_set(err, PR_EINVAL, "llm_calls: NULL argument");
    *calls = 0;
    *cost = 0;
    if (st->kind == PR_STORE_SQLITE) {
        sqlite3 *db = native(st);
        sqlite3_stmt *s;
        if ((rc = sq_prepare(db,
                             "SELECT COUNT(*), " SPEND_SUM " FROM llm_calls"
                             " WHERE (?1 IS NULL OR created_at >= ?1) AND (?2 IS NULL OR created_at < ?2)",
                             &s, "llm spend", err)))
            return rc;
        sq_bind_range(s, 1, from_ms);
        sq_bind_range(s, 2, to_ms);
        int src = sqlite3_step(s);
        if (src == SQLITE_ROW) {
            *calls = sqlite3_column_int64(s, 0);
            *cost = sqlite3_column_double(s, 1);
        } else {
            rc = pr_store_sq_fail(db, src, "llm spend", err);
        }
        sqlite3_finalize(s);
        return rc;
    }
    PGconn *c = native(st);
    char a[32], b[32];
    snprintf(a, sizeof a, "%lld", (long long)from_ms);
    snprintf(b, sizeof b, "%lld", (long long)to_ms);
    const char *v[2] = {from_ms == PR_TIME_NONE ? NULL : a, to_ms == PR_TIME_NONE ? NULL : b};
    PGresult *res = pg_exec(c,
                            "SELECT COUNT(*), " SPEND_SUM " FROM llm_calls"
                            " WHERE ($1::bigint IS NULL OR created_at >= $1::bigint)"
                            " AND ($2::bigint IS NULL OR created_at < $2::bigint)",
                            2, v);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) return pr_store_pg_fail(c, res, "llm spend", err);
    *calls = as_i64(PQgetvalue(res, 0, 0));
    *cost = strtod(PQgetvalue(res, 0, 1), NULL);
    PQclear(res);
    return PR_OK;
}
