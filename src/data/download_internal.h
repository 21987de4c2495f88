/* Internal to the downloader (download*.c, source_*.c): pacing, waiting and
 * the request loop with its retries, and helpers the adapters share. */
#ifndef PR_DOWNLOAD_INTERNAL_H
#define PR_DOWNLOAD_INTERNAL_H

#include <jansson.h>

#include "proratio/data/download.h"

/* Reads one 2xx body; PR_EPARSE means malformed or truncated (retried). */
typedef int (*dl_parse_fn)(void *ctx, const pr_dl_reply *rp, pr_err *err);
/* Sends rq until parse accepts a reply, with pacing, waits and retries as
 * the verdicts say. *server_ms (may be NULL) gets the venue's now. */
int dl_fetch(pr_dl_session *s, const pr_dl_request *rq, dl_parse_fn parse, void *ctx, pr_dl_result *res,
             int64_t *server_ms, pr_err *err);

/* ---- for the adapters ---- */
/* A JSON number or a decimal string as a double (1 ok, 0 not a number). */
int dl_json_number(const json_t *j, double *out);
/* Fills rq->url = base + path_query and rq->shown = "GET " + path_query. */
int dl_set_url(pr_dl_request *rq, const char *base, const char *path_query, pr_err *err);
/* Parses body as JSON; PR_EPARSE naming `what` when it is not. */
int dl_json_load(const char *body, size_t len, const char *what, json_t **out, pr_err *err);

#endif
