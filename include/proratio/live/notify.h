/* Part of the live module: notifications of a trading session (trade
 * opened / closed, protection fired, AI unavailable / recovered, errors,
 * daily summary) to Telegram (Bot API sendMessage) and generic webhooks
 * (JSON POST). The session only enqueues (pr_notify_post: a token bucket
 * and a bounded queue, no I/O, never blocks); each notifier delivers from
 * a thread of its own with a short timeout, so a failing, slow or
 * rate-limiting notifier never delays a trading step. Over its rate limit
 * a message is dropped and counted; the count rides on the next message
 * the notifier sends ("+N earlier messages dropped"). Secrets (a bot
 * token is part of Telegram's URL path; a webhook URL often is a secret)
 * are redacted from every error text (core/redact.h). */
#ifndef PRORATIO_LIVE_NOTIFY_H
#define PRORATIO_LIVE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "proratio/core.h"
#include "proratio/data/download.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pr_notify_kind {
    PR_NOTIFY_TRADE_OPENED = 0,
    PR_NOTIFY_TRADE_CLOSED,
    PR_NOTIFY_PROTECTION,    /* a risk protection, breaker or the kill switch fired */
    PR_NOTIFY_AI_DOWN,       /* the AI stage fell back to TA-only                    */
    PR_NOTIFY_AI_UP,         /* ... and recovered                                    */
    PR_NOTIFY_ERROR,
    PR_NOTIFY_DAILY,         /* the day's summary (at the first step of the next)   */
    PR_NOTIFY_KIND_N
} pr_notify_kind;

/* "trade_opened", "trade_closed", "protection", "ai_unavailable",
 * "ai_recovered", "error", "daily_summary": the names of `events` in the
 * configuration and of "event" in a webhook's body. */
extern const char *const pr_notify_kind_names[PR_NOTIFY_KIND_N];

#define PR_NOTIFY_TEXT_MAX 768

typedef struct pr_notify_msg {
    pr_notify_kind kind;
    int64_t ts;              /* the decision time it is about (UTC ms)          */
    size_t dropped;          /* messages dropped before it (rate limit, full queue) */
    char text[PR_NOTIFY_TEXT_MAX];
} pr_notify_msg;

/* The notifiers, one row each: a src/live/notify_<name>.c defining
 * pr_notifier_<name> (pr_notifier_vt). */
#define PR_NOTIFIERS(X) X(telegram) X(webhook)

#define PR_NOTIFY_ENUM(name) PR_NOTIFIER_##name,
typedef enum pr_notifier_id { PR_NOTIFIERS(PR_NOTIFY_ENUM) PR_NOTIFIER_N } pr_notifier_id;
#undef PR_NOTIFY_ENUM

/* One notifier's settings (live.notify.<name>). */
typedef struct pr_notifier_config {
    int on;                  /* the section is there and enabled             */
    char url[512];           /* telegram: the API base; webhook: the URL     */
    char secret[512];        /* telegram: the bot token; webhook: the URL    */
    char chat_id[128];       /* telegram                                     */
    char key_env[64];        /* where the secret came from (for messages)    */
    double rate_per_min;     /* token bucket refill                          */
    double burst;            /* token bucket size                            */
    double timeout_s;        /* per request                                  */
    unsigned events;         /* bit (1u << kind) per event sent              */
} pr_notifier_config;

typedef struct pr_notify_config {
    pr_notifier_config n[PR_NOTIFIER_N];
    size_t queue;            /* messages waiting per notifier (default 256)  */
    double flush_s;          /* at close, how long the queues may drain (2)  */
} pr_notify_config;

typedef struct pr_notifier_vt {
    const char *name;
    /* Reads the notifier's section at `path` ("live.notify.telegram"):
     * keys, its own defaults, the secret from the environment. */
    int (*read)(const pr_config *cfg, const char *path, pr_notifier_config *out, pr_err *err);
    /* The request for one message: URL, headers, what may be shown of it
     * (rq->shown, no secret) and the JSON body (malloc'd). */
    int (*build)(const pr_notifier_config *c, const pr_notify_msg *m, pr_dl_request *rq, char **body, pr_err *err);
    /* A rate-limit reply's wait in ms from its body (Telegram's
     * parameters.retry_after), -1 when none; NULL: the header only. */
    int64_t (*retry_after)(const char *body, size_t len);
} pr_notifier_vt;

#define PR_NOTIFY_DECLARE(name) extern const pr_notifier_vt pr_notifier_##name;
PR_NOTIFIERS(PR_NOTIFY_DECLARE)
#undef PR_NOTIFY_DECLARE

/* The notifier of row id. */
const pr_notifier_vt *pr_notifier_get(pr_notifier_id id);

/* Reads the live.notify section (absent: nothing configured): keys, types
 * and ranges are checked with their full paths in errors, the secrets
 * looked up in the environment (load .env first). */
int pr_notify_config_read(const pr_config *cfg, const char *path, pr_notify_config *out, pr_err *err);
/* The settings every notifier starts from (before its own defaults). */
int pr_notify_common_read(const pr_config *cfg, const char *path, double rate_def, double burst_def,
                          pr_notifier_config *out, pr_err *err);
/* 1 when at least one notifier is on. */
int pr_notify_any(const pr_notify_config *c);

/* ---- the token bucket (pure: the caller passes the clock) ----------------- */
typedef struct pr_notify_bucket {
    double tokens, burst, per_ms;
    int64_t last;            /* ms of the last refill; INT64_MIN: none yet    */
    int64_t blocked_until;   /* a 429 said wait until then (ms)              */
} pr_notify_bucket;

void pr_notify_bucket_init(pr_notify_bucket *b, double rate_per_min, double burst);
/* 1 and one token taken when a message may go at now_ms; else 0. */
int pr_notify_bucket_take(pr_notify_bucket *b, int64_t now_ms);

/* ---- the dispatcher ----------------------------------------------------------- */
typedef struct pr_notify pr_notify;

/* Starts one delivery thread per configured notifier. send NULL: the
 * libcurl transport (pr_dl_http_post); a test may inject its own. */
typedef int (*pr_notify_send_fn)(void *user, const pr_dl_request *rq, const char *json, double timeout_s,
                                 pr_dl_reply *out);
int pr_notify_new(const pr_notify_config *cfg, pr_notify_send_fn send, void *send_user, pr_notify **out,
                  pr_err *err);
/* Queues a message for every notifier that takes its kind: never blocks
 * on I/O, never fails the caller (what could not be queued is counted). */
void pr_notify_post(pr_notify *n, pr_notify_kind kind, int64_t ts, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Lets the queues drain for up to flush_s, then stops the threads (one
 * request under way may take up to its timeout) and frees n. */
void pr_notify_close(pr_notify *n);

typedef struct pr_notify_stats {
    size_t posted;           /* messages of kinds it takes                    */
    size_t sent;             /* delivered (2xx)                                */
    size_t failed;           /* refused (non-2xx) or transport failures       */
    size_t rate_limited;     /* dropped by the bucket or a 429's wait         */
    size_t queue_full;       /* dropped: the queue was full                   */
    size_t unsent;           /* still queued at close                         */
    char last_error[256];    /* the latest failure, secrets redacted          */
} pr_notify_stats;

/* Counters of notifier id so far (after pr_notify_close: use the copy
 * pr_notify_close_stats gives). */
void pr_notify_get_stats(pr_notify *n, pr_notifier_id id, pr_notify_stats *out);
/* pr_notify_close, keeping each notifier's final counters in
 * stats[PR_NOTIFIER_N]. */
void pr_notify_close_stats(pr_notify *n, pr_notify_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
