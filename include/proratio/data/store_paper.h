/* The paper_state table of the store (migration 6): a paper session's
 * durable state by session name, with the digest of the configuration it
 * runs and the close time of the step it describes, so a session stopped
 * or killed at any point resumes where it was. The state itself is opaque
 * JSON text to the data module (the CLI builds and checks it). */
#ifndef PRORATIO_DATA_STORE_PAPER_H
#define PRORATIO_DATA_STORE_PAPER_H

#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_PAPER_SESSION_MAX 256

typedef struct pr_paper_row {
    char config_digest[80];
    int64_t last_step;       /* close time (UTC ms) of the step saved          */
    int64_t updated_at;
    char *state;             /* malloc'd JSON text (caller frees)              */
} pr_paper_row;

/* Writes (or replaces) the row of `session` in one statement: a crash
 * leaves the previous row or this one, never a mix. */
int pr_store_paper_put(pr_store *st, const char *session, const char *config_digest, int64_t last_step,
                       const char *json, int64_t updated_at, pr_err *err);
/* Reads the row of `session` into row (row->state malloc'd); PR_ENOTFOUND
 * when there is none. */
int pr_store_paper_get(pr_store *st, const char *session, pr_paper_row *row, pr_err *err);
/* Deletes the row of `session` (none: PR_OK). */
int pr_store_paper_delete(pr_store *st, const char *session, pr_err *err);

/* ---- paper_run (migration 7): the session's process ------------------------------ */
/* Written by the running session (start, a heartbeat with its status, its
 * end) and read by `proratio status`; `proratio stop` sets stop_at, which
 * the session polls with its heartbeat. Times are wall-clock UTC ms. */
typedef struct pr_paper_run {
    char session[PR_PAPER_SESSION_MAX];
    long long pid;
    char host[256];
    char proc_start[32];     /* the process's start time as the OS counts it  */
    int64_t started_at, heartbeat;
    int64_t stop_at;         /* a stop was asked then; 0: none                */
    int64_t ended_at;        /* 0: running, or killed without a word          */
    char outcome[256];       /* how it ended ("" while running)               */
    char *status;            /* malloc'd JSON snapshot (pr_store_run_free)    */
} pr_paper_run;

void pr_store_run_free(pr_paper_run *r);
/* The session starts (replaces a row of an earlier run of it). */
int pr_store_run_start(pr_store *st, const char *session, long long pid, const char *host, const char *proc_start,
                       int64_t now, pr_err *err);
/* A heartbeat with the status snapshot; *stop_at (may be NULL) the stop
 * request stored (0: none). */
int pr_store_run_beat(pr_store *st, const char *session, int64_t now, const char *status, int64_t *stop_at,
                      pr_err *err);
/* The session ended (outcome: how), with its last status. */
int pr_store_run_end(pr_store *st, const char *session, int64_t now, const char *outcome, const char *status,
                     pr_err *err);
/* Asks the session to stop (PR_ENOTFOUND when there is no such session). */
int pr_store_run_stop(pr_store *st, const char *session, int64_t now, pr_err *err);
/* The row of `session`; PR_ENOTFOUND when none. */
int pr_store_run_get(pr_store *st, const char *session, pr_paper_run *out, pr_err *err);
/* Every session's name, sorted (malloc'd array of malloc'd names). */
int pr_store_run_list(pr_store *st, char ***names, size_t *n, pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
