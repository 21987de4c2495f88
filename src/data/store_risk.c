/* The risk_state table on both store backends (data/store_risk.h), through
 * store_params.c's statements with text parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char what[PR_RISK_STATE_NAME_MAX + 32], v[32], t[32];
    snprintf(what, sizeof what, "save risk state %s", name);
    snprintf(v, sizeof v, "%d", version);
    snprintf(t, sizeof t, "%lld", (long long)updated_at);
    const char *p[4] = {name, v, json, t};
    return pr_store_exec_params(st,
                                "INSERT INTO risk_state (name, version, state, updated_at)"
                                " VALUES (?1, CAST(?2 AS INTEGER), ?3, CAST(?4 AS INTEGER))" UPSERT_TAIL,
                                "INSERT INTO risk_state (name, version, state, updated_at)"
                                " VALUES ($1, $2::int, $3, $4::bigint)" UPSERT_TAIL,
                                p, 4, what, err);
}

typedef struct got_state {
    char *json;
    int version;
    int64_t updated_at;
} got_state;

/* The row: state, version, updated_at. */
static int take_row(void *user, const char *const *col, int n, pr_err *err) {
    got_state *g = user;
    if (n < 3) return pr_err_set(err, PR_EDB, "risk_state: %d columns read, 3 expected", n);
    free(g->json);
    g->json = strdup(col[0] ? col[0] : "");
    if (!g->json) return pr_err_set(err, PR_ENOMEM, "risk_state: out of memory");
    g->version = col[1] ? (int)strtol(col[1], NULL, 10) : 0;
    g->updated_at = col[2] ? (int64_t)strtoll(col[2], NULL, 10) : 0;
    return PR_OK;
}

int pr_store_risk_state_get(pr_store *st, const char *name, char **json, int *version, int64_t *updated_at,
                            pr_err *err) {
    int rc = check(st, name, err);
    if (rc) return rc;
    *json = NULL;
    char what[PR_RISK_STATE_NAME_MAX + 32];
    snprintf(what, sizeof what, "read risk state %s", name);
    got_state g = {NULL, 0, 0};
    const char *p[1] = {name};
    rc = pr_store_query_params(st, "SELECT state, version, updated_at FROM risk_state WHERE name = ?1",
                               "SELECT state, version, updated_at FROM risk_state WHERE name = $1", p, 1, what, take_row,
                               &g, err);
    if (rc == PR_OK && !g.json) rc = pr_err_set(err, PR_ENOTFOUND, "risk_state: no state named '%s'", name);
    if (rc != PR_OK) {
        free(g.json);
        return rc;
    }
    *json = g.json;
    if (version) *version = g.version;
    if (updated_at) *updated_at = g.updated_at;
    return PR_OK;
}
