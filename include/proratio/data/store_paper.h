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

#ifdef __cplusplus
}
#endif
#endif
