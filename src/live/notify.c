/* The notification dispatcher (live/notify.h): per notifier a token
 * bucket and a bounded ring of messages filled by the session's thread,
 * emptied by a delivery thread of the notifier's own. The session's side
 * holds the lock only to copy a message in; all I/O happens on the
 * delivery thread, with the notifier's short timeout. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proratio/core/redact.h"
#include "proratio/live/notify.h"

const char *const pr_notify_kind_names[PR_NOTIFY_KIND_N] = {
    "trade_opened", "trade_closed", "protection", "ai_unavailable", "ai_recovered", "error", "daily_summary",
};

#define PR_NOTIFY_ROW(name) &pr_notifier_##name,
static const pr_notifier_vt *const k_notifiers[PR_NOTIFIER_N] = {PR_NOTIFIERS(PR_NOTIFY_ROW)};
#undef PR_NOTIFY_ROW

const pr_notifier_vt *pr_notifier_get(pr_notifier_id id) {
    return id >= 0 && id < PR_NOTIFIER_N ? k_notifiers[id] : NULL;
}

/* ---- configuration ------------------------------------------------------------ */
static int read_events(const pr_config *cfg, const char *path, unsigned *out, pr_err *err) {
    char p[256], q[280];
    pr_config_key(p, sizeof p, path, "events");
    *out = (1u << PR_NOTIFY_KIND_N) - 1;
    if (!pr_config_has(cfg, p)) return PR_OK;
    size_t n = 0;
    int rc = pr_config_array_len(cfg, p, &n, err);
    if (rc != PR_OK) return rc;
    const char *names[PR_NOTIFY_KIND_N + 1];
    for (int k = 0; k < PR_NOTIFY_KIND_N; k++) names[k] = pr_notify_kind_names[k];
    names[PR_NOTIFY_KIND_N] = NULL;
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(q, sizeof q, "%s.%zu", p, i);
        int k = 0;
        if ((rc = pr_config_enum(cfg, q, NULL, names, &k, err)) != PR_OK) return rc;
        *out |= 1u << k;
    }
    return PR_OK;
}

int pr_notify_common_read(const pr_config *cfg, const char *path, double rate_def, double burst_def,
                          pr_notifier_config *out, pr_err *err) {
    char p[256];
    int on = 1, rc;
    if ((rc = pr_config_bool(cfg, pr_config_key(p, sizeof p, path, "enabled"), 1, &on, err)) != PR_OK) return rc;
    out->on = on;
    if ((rc = pr_config_number(cfg, pr_config_key(p, sizeof p, path, "rate_per_min"), rate_def, 0, 1e9, 1,
                               &out->rate_per_min, err)) != PR_OK ||
        (rc = pr_config_number(cfg, pr_config_key(p, sizeof p, path, "burst"), burst_def, 1, 1e6, 0, &out->burst,
                               err)) != PR_OK ||
        (rc = pr_config_number(cfg, pr_config_key(p, sizeof p, path, "timeout_s"), 5, 0, 60, 1, &out->timeout_s,
                               err)) != PR_OK)
        return rc;
    return read_events(cfg, path, &out->events, err);
}

int pr_notify_config_read(const pr_config *cfg, const char *path, pr_notify_config *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    out->queue = 256;
    out->flush_s = 2;
    if (!pr_config_has(cfg, path)) return PR_OK;
    const char *keys[PR_NOTIFIER_N + 3];
    size_t k = 0;
    for (int i = 0; i < PR_NOTIFIER_N; i++) keys[k++] = k_notifiers[i]->name;
    keys[k++] = "queue";
    keys[k++] = "flush_s";
    keys[k] = NULL;
    int rc = pr_config_check_keys(cfg, path, keys, err);
    char p[256];
    long q = 256;
    if (rc == PR_OK) rc = pr_config_int(cfg, pr_config_key(p, sizeof p, path, "queue"), 256, 1, 100000, &q, err);
    out->queue = (size_t)q;
    if (rc == PR_OK)
        rc = pr_config_number(cfg, pr_config_key(p, sizeof p, path, "flush_s"), 2, 0, 60, 0, &out->flush_s, err);
    for (int i = 0; rc == PR_OK && i < PR_NOTIFIER_N; i++) {
        pr_config_key(p, sizeof p, path, k_notifiers[i]->name);
        if (pr_config_has(cfg, p)) rc = k_notifiers[i]->read(cfg, p, &out->n[i], err);
    }
    return rc;
}

int pr_notify_any(const pr_notify_config *c) {
    for (int i = 0; i < PR_NOTIFIER_N; i++)
        if (c->n[i].on) return 1;
    return 0;
}

/* ---- token bucket -------------------------------------------------------------- */
void pr_notify_bucket_init(pr_notify_bucket *b, double rate_per_min, double burst) {
    b->burst = burst >= 1 ? burst : 1;
    b->tokens = b->burst;
    b->per_ms = rate_per_min > 0 ? rate_per_min / 60000.0 : 0;
    b->last = INT64_MIN;
    b->blocked_until = INT64_MIN;
}

int pr_notify_bucket_take(pr_notify_bucket *b, int64_t now_ms) {
    if (b->last != INT64_MIN && now_ms > b->last) {
        b->tokens += (double)(now_ms - b->last) * b->per_ms;
        if (b->tokens > b->burst) b->tokens = b->burst;
    }
    if (b->last == INT64_MIN || now_ms > b->last) b->last = now_ms;
    if (now_ms < b->blocked_until || b->tokens < 1) return 0;
    b->tokens -= 1;
    return 1;
}

/* ---- dispatcher ------------------------------------------------------------------ */
typedef struct lane {
    pr_notify *owner;
    const pr_notifier_vt *vt;
    pr_notifier_config cfg;
    pr_notify_bucket bucket;
    pr_notify_msg *ring;
    size_t cap, head, n;
    size_t pending_drops;    /* dropped since the last message queued         */
    int busy;                /* a request is under way                        */
    int stop;
    pthread_t th;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* work arrived or stop                           */
    pthread_cond_t idle;     /* the ring emptied and no request is under way   */
    pr_notify_stats st;
} lane;

struct pr_notify {
    lane lanes[PR_NOTIFIER_N];
    int used[PR_NOTIFIER_N];
    double flush_s;
    pr_notify_send_fn send;
    void *send_user;
};

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A failure's text with the notifier's secret masked. */
static void set_error(lane *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(lane *l, const char *fmt, ...) {
    char buf[sizeof l->st.last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pr_redact_buf(l->cfg.secret, buf, sizeof buf);
    pthread_mutex_lock(&l->mu);
    memcpy(l->st.last_error, buf, sizeof buf);
    pthread_mutex_unlock(&l->mu);
}

/* One message out; the counters and, on a 429, the bucket's wait. */
static void deliver(lane *l, pr_dl_http *http, const pr_notify_msg *m) {
    pr_dl_request rq;
    memset(&rq, 0, sizeof rq);
    char *body = NULL;
    pr_err e;
    pr_err_clear(&e);
    int ok = 0, limited = 0;
    int64_t wait_ms = -1;
    if (l->vt->build(&l->cfg, m, &rq, &body, &e) != PR_OK) {
        set_error(l, "%s", e.msg);
    } else {
        pr_dl_reply rp;
        pr_notify_send_fn send = l->owner->send;
        void *user = l->owner->send ? l->owner->send_user : http;
        if (!send) send = pr_dl_http_post;
        send(user, &rq, body, l->cfg.timeout_s, &rp);
        if (rp.transport) {
            set_error(l, "%s: %s", rq.shown, rp.error);
        } else if (rp.status >= 200 && rp.status < 300) {
            ok = 1;
        } else {
            limited = rp.status == 429;
            wait_ms = rp.retry_after_ms;
            if (limited && l->vt->retry_after) {
                int64_t w = l->vt->retry_after(rp.body, rp.len);
                if (w >= 0) wait_ms = w;
            }
            char snip[120];
            pr_escape_text(rp.body ? rp.body : "", 0, snip, sizeof snip);
            set_error(l, "%s: HTTP %ld: %s", rq.shown, rp.status, snip);
        }
        pr_dl_reply_free(&rp);
    }
    free(body);
    /* Wiped: the request's URL held the token. */
    volatile char *w = rq.url;
    for (size_t i = 0; i < sizeof rq.url; i++) w[i] = 0;
    pthread_mutex_lock(&l->mu);
    if (ok) l->st.sent++;
    else l->st.failed++;
    if (limited) {
        /* Nothing is sent before the venue's wait (60 s when it gives none). */
        int64_t until = mono_ms() + (wait_ms >= 0 ? (wait_ms < 3600000 ? wait_ms : 3600000) : 60000);
        if (until > l->bucket.blocked_until) l->bucket.blocked_until = until;
    }
    pthread_mutex_unlock(&l->mu);
}

static void *lane_main(void *arg) {
    lane *l = arg;
    pr_dl_http *http = NULL;
    pr_err e;
    if (!l->owner->send && pr_dl_http_new(&http, &e) != PR_OK) set_error(l, "%s", e.msg);
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (l->n == 0 && !l->stop) pthread_cond_wait(&l->cv, &l->mu);
        if (l->stop) break;
        pr_notify_msg m = l->ring[l->head];
        l->head = (l->head + 1) % l->cap;
        l->n--;
        /* Queued before a 429 asked to wait: dropped as the bucket would. */
        if (mono_ms() < l->bucket.blocked_until) {
            l->st.rate_limited++;
            l->pending_drops += 1 + m.dropped;
            if (l->n == 0) pthread_cond_broadcast(&l->idle);
            continue;
        }
        l->busy = 1;
        pthread_mutex_unlock(&l->mu);
        if (http || l->owner->send) deliver(l, http, &m);
        pthread_mutex_lock(&l->mu);
        if (!http && !l->owner->send) l->st.failed++;   /* no HTTP client: counted, not sent */
        l->busy = 0;
        if (l->n == 0) pthread_cond_broadcast(&l->idle);
    }
    pthread_mutex_unlock(&l->mu);
    pr_dl_http_free(http);
    return NULL;
}

static void lane_free(lane *l) {
    free(l->ring);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    pthread_cond_destroy(&l->idle);
}

int pr_notify_new(const pr_notify_config *cfg, pr_notify_send_fn send, void *send_user, pr_notify **out,
                  pr_err *err) {
    *out = NULL;
    pr_notify *n = calloc(1, sizeof *n);
    if (!n) return pr_err_set(err, PR_ENOMEM, "notify: out of memory");
    n->flush_s = cfg->flush_s;
    n->send = send;
    n->send_user = send_user;
    int rc = PR_OK;
    for (int i = 0; i < PR_NOTIFIER_N && rc == PR_OK; i++) {
        if (!cfg->n[i].on) continue;
        lane *l = &n->lanes[i];
        l->owner = n;
        l->vt = k_notifiers[i];
        l->cfg = cfg->n[i];
        l->cap = cfg->queue ? cfg->queue : 256;
        pr_notify_bucket_init(&l->bucket, l->cfg.rate_per_min, l->cfg.burst);
        pthread_mutex_init(&l->mu, NULL);
        pthread_cond_init(&l->cv, NULL);
        pthread_cond_init(&l->idle, NULL);
        n->used[i] = 1;
        if (!(l->ring = calloc(l->cap, sizeof *l->ring))) {
            rc = pr_err_set(err, PR_ENOMEM, "notify: out of memory");
        } else if (pthread_create(&l->th, NULL, lane_main, l) != 0) {
            rc = pr_err_set(err, PR_EIO, "notify: cannot start the %s delivery thread", l->vt->name);
        } else {
            l->started = 1;
        }
    }
    if (rc != PR_OK) {
        pr_notify_close(n);
        return rc;
    }
    *out = n;
    return PR_OK;
}

void pr_notify_post(pr_notify *n, pr_notify_kind kind, int64_t ts, const char *fmt, ...) {
    if (!n || kind < 0 || kind >= PR_NOTIFY_KIND_N) return;
    pr_notify_msg m;
    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.ts = ts;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m.text, sizeof m.text, fmt, ap);
    va_end(ap);
    int64_t now = mono_ms();
    for (int i = 0; i < PR_NOTIFIER_N; i++) {
        lane *l = &n->lanes[i];
        if (!n->used[i] || !l->started || !(l->cfg.events & (1u << kind))) continue;
        pthread_mutex_lock(&l->mu);
        l->st.posted++;
        if (!pr_notify_bucket_take(&l->bucket, now)) {
            l->st.rate_limited++;
            l->pending_drops++;
        } else if (l->n == l->cap) {
            l->st.queue_full++;
            l->pending_drops++;
        } else {
            m.dropped = l->pending_drops;
            l->pending_drops = 0;
            l->ring[(l->head + l->n) % l->cap] = m;
            l->n++;
            pthread_cond_signal(&l->cv);
        }
        pthread_mutex_unlock(&l->mu);
    }
}

void pr_notify_get_stats(pr_notify *n, pr_notifier_id id, pr_notify_stats *out) {
    memset(out, 0, sizeof *out);
    if (!n || id < 0 || id >= PR_NOTIFIER_N || !n->used[id]) return;
    lane *l = &n->lanes[id];
    pthread_mutex_lock(&l->mu);
    *out = l->st;
    out->unsent = l->n;
    pthread_mutex_unlock(&l->mu);
}

static void add_ms(struct timespec *ts, int64_t ms) {
    ts->tv_sec += (time_t)(ms / 1000);
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

void pr_notify_close_stats(pr_notify *n, pr_notify_stats *stats) {
    if (stats) memset(stats, 0, PR_NOTIFIER_N * sizeof *stats);
    if (!n) return;
    /* One deadline for all: the queues drain side by side. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    add_ms(&until, (int64_t)(n->flush_s * 1000));
    for (int i = 0; i < PR_NOTIFIER_N; i++) {
        lane *l = &n->lanes[i];
        if (!n->used[i]) continue;
        pthread_mutex_lock(&l->mu);
        while (l->started && (l->n > 0 || l->busy) && pthread_cond_timedwait(&l->idle, &l->mu, &until) == 0) {
        }
        l->stop = 1;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
    }
    for (int i = 0; i < PR_NOTIFIER_N; i++) {
        lane *l = &n->lanes[i];
        if (!n->used[i]) continue;
        if (l->started) pthread_join(l->th, NULL);
        if (stats) {
            stats[i] = l->st;
            stats[i].unsent = l->n;
        }
        lane_free(l);
    }
    /* The secrets are not left in freed memory. */
    volatile unsigned char *w = (volatile unsigned char *)n;
    for (size_t i = 0; i < sizeof *n; i++) w[i] = 0;
    free(n);
}

void pr_notify_close(pr_notify *n) { pr_notify_close_stats(n, NULL); }
