/* The llm_calls table of the store: the cache and audit trail of language
 * model calls (one row per call that went to a provider). Same schema on
 * SQLite and PostgreSQL (migration 2). Rows never hold an API key: callers
 * store request bodies built without it and redacted responses. */
#ifndef PRORATIO_DATA_STORE_LLM_H
#define PRORATIO_DATA_STORE_LLM_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_llm_call_record {
    int64_t id;               /* assigned by the store                        */
    int64_t created_at;       /* ms UTC wall clock of the call                 */
    int64_t decision_ts;      /* market time the call was about, or PR_TIME_NONE */
    char run_id[64];
    char provider[32];        /* configured provider name                      */
    char model[128];          /* model requested                               */
    char question[16];        /* "confirm", "direction", ...                   */
    char template_id[64];     /* "confirm.v1"                                  */
    char prompt_hash[65];     /* hex SHA-256 of the filled prompt              */
    char status[8];           /* "ok" or "failed"                              */
    char fail[24];            /* failure name ("ok" when status is ok)          */
    int http_status;
    int attempts;
    int64_t latency_ms;
    int64_t tokens_in, tokens_out;
    double cost;              /* estimated USD                                 */
    /* Text columns. On put: borrowed, may be NULL (SQL NULL). On reads:
     * malloc'd, freed by pr_llm_call_record_free. */
    char *request;            /* JSON body sent                                */
    char *response;           /* raw response body                             */
    char *verdict;            /* validated verdict JSON when status is ok      */
    char *error;              /* failure reason                                */
} pr_llm_call_record;

void pr_llm_call_record_free(pr_llm_call_record *r);
void pr_llm_call_records_free(pr_llm_call_record *r, size_t n);

/* Appends a row; *id (may be NULL) receives its id. */
int pr_store_llm_put(pr_store *st, const pr_llm_call_record *r, int64_t *id, pr_err *err);

/* The cached row for a call key: the newest row with status "ok", or when
 * ok_only is 0 and there is none, the newest failed row. PR_ENOTFOUND when
 * no row matches. */
int pr_store_llm_find(pr_store *st, const char *provider, const char *model, const char *template_id,
                      const char *prompt_hash, int ok_only, pr_llm_call_record *out, pr_err *err);

/* Rows with from_ms <= created_at < to_ms (PR_TIME_NONE = unbounded), of
 * `provider` unless NULL, newest first, at most `limit` (0 = all). */
int pr_store_llm_list(pr_store *st, int64_t from_ms, int64_t to_ms, const char *provider, size_t limit,
                      pr_llm_call_record **out, size_t *n, pr_err *err);

/* Largest cost in USD a stored call can have (prices are capped at 1e6 USD
 * per million tokens, counts at 1e9); a row outside 0..this is invalid. */
#define PR_LLM_COST_MAX 1e12

/* Number of rows and summed cost with from_ms <= created_at < to_ms; an
 * invalid cost (outside 0..PR_LLM_COST_MAX, NaN) counts as 0. */
int pr_store_llm_spend(pr_store *st, int64_t from_ms, int64_t to_ms, int64_t *calls, double *cost,
                       pr_err *err);

#ifdef __cplusplus
}
#endif
#endif
