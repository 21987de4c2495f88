/* A venue's user-data stream (see proratio/live/venue_stream.h): the
 * listen key's life and the WebSocket's, on the caller's clock. Events are
 * parsed as they arrive and queued until pr_venue_stream_poll hands them
 * out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/data/ws.h"
#include "proratio/live/venue_stream.h"

enum { KEY_CREATE = 0, KEY_KEEP = 1, KEY_DELETE = 2 };

struct pr_venue_stream {
    pr_venue *v;
    char base[PR_VENUE_URL_MAX];
    char key[128];
    int64_t keepalive_ms, retry_ms;
    pr_dl_clock clock;
    pr_ws *ws;
    int64_t kept_at;         /* last keep-alive (or creation) of the key       */
    int64_t retry_at;        /* when a down stream tries again                  */
    int need_key;            /* the key is gone: a new one before reconnecting  */
    int was_open;            /* the current connection got established          */
    char why[512];
    pr_venue_event *q;       /* events read, not yet handed out                 */
    size_t q_head, q_len, q_cap;
    pr_venue_stream_stats st;
};

static int64_t now_of(const pr_venue_stream *s) {
    return s->clock.now_ms ? s->clock.now_ms(s->clock.user) : pr_time_now_ms();
}

static void on_msg(void *user, const char *msg, size_t len) {
    pr_venue_stream *s = user;
    pr_venue_event ev;
    pr_err e;
    pr_err_clear(&e);
    if (s->v->ops->stream_parse(msg, len, &ev, &e) != PR_OK) {
        s->st.unreadable++;
        return;
    }
    s->st.events++;
    if (ev.kind == PR_VEVENT_KEY_EXPIRED) s->need_key = 1;
    if (ev.kind == PR_VEVENT_OTHER) return;
    if (s->q_head + s->q_len == s->q_cap) {
        if (s->q_head > 0) {
            memmove(s->q, s->q + s->q_head, s->q_len * sizeof *s->q);
            s->q_head = 0;
        } else {
            size_t cap = s->q_cap ? s->q_cap * 2 : 64;
            pr_venue_event *p = realloc(s->q, cap * sizeof *p);
            if (!p) {
                s->st.unreadable++; /* lost: the REST fallback finds it */
                return;
            }
            s->q = p;
            s->q_cap = cap;
        }
    }
    s->q[s->q_head + s->q_len++] = ev;
}

static void down(pr_venue_stream *s, const char *why) {
    if (s->ws) {
        if (s->was_open) s->st.drops++;
        pr_ws_close(s->ws);
        s->ws = NULL;
    }
    s->was_open = 0;
    pr_strlcpy(s->why, why, sizeof s->why);
    s->retry_at = now_of(s) + s->retry_ms;
}

/* Keeps the key alive or makes a new one, then connects. */
static void connect_stream(pr_venue_stream *s) {
    pr_err e;
    pr_err_clear(&e);
    if (!s->need_key && s->key[0]) {
        if (s->v->ops->listen_key(s->v->impl, KEY_KEEP, s->key, sizeof s->key, &e) == PR_OK) {
            s->st.keepalives++;
            s->kept_at = now_of(s);
        } else if (e.code == PR_EVENUE) {
            s->need_key = 1; /* -1125: the key does not exist any more */
        } else {
            char why[512];
            snprintf(why, sizeof why, "listen key keep-alive failed: %.400s", e.msg);
            down(s, why);
            return;
        }
    }
    if (s->need_key || !s->key[0]) {
        pr_err_clear(&e);
        if (s->v->ops->listen_key(s->v->impl, KEY_CREATE, s->key, sizeof s->key, &e) != PR_OK) {
            char why[512];
            snprintf(why, sizeof why, "no listen key: %.450s", e.msg);
            s->key[0] = '\0';
            down(s, why);
            return;
        }
        s->st.keys++;
        s->need_key = 0;
        s->kept_at = now_of(s);
    }
    char url[PR_VENUE_URL_MAX + 160];
    snprintf(url, sizeof url, "%s/ws/%s", s->base, s->key);
    pr_err_clear(&e);
    if (pr_ws_open(url, &s->ws, &e) != PR_OK) {
        down(s, e.msg);
        return;
    }
    s->st.connects++;
    s->why[0] = '\0';
}

int pr_venue_stream_open(pr_venue *v, const pr_venue_stream_options *o, pr_venue_stream **out, pr_err *err) {
    *out = NULL;
    if (!v || !v->ops || !v->ops->listen_key || !v->ops->stream_parse)
        return pr_err_set(err, PR_EUNSUPPORTED, "%s has no user-data stream", v && v->ops ? v->ops->name : "venue");
    pr_venue_stream *s = calloc(1, sizeof *s);
    if (!s) return pr_err_set(err, PR_ENOMEM, "user-data stream: out of memory");
    s->v = v;
    const char *base = o && o->url && *o->url ? o->url : o && o->mainnet ? v->ops->user_mainnet : v->ops->user_testnet;
    pr_strlcpy(s->base, base, sizeof s->base);
    size_t n = strlen(s->base);
    while (n > 0 && s->base[n - 1] == '/') s->base[--n] = '\0';
    s->keepalive_ms = o && o->keepalive_ms > 0 ? o->keepalive_ms : 30 * 60 * 1000;
    s->retry_ms = o && o->retry_ms > 0 ? o->retry_ms : 1000;
    if (o) s->clock = o->clock;
    /* the first key is asked for now: a refusal (key, permissions) is the
     * caller's to report */
    int rc = v->ops->listen_key(v->impl, KEY_CREATE, s->key, sizeof s->key, err);
    if (rc != PR_OK) {
        free(s);
        return rc;
    }
    s->st.keys++;
    s->kept_at = now_of(s);
    char url[PR_VENUE_URL_MAX + 160];
    snprintf(url, sizeof url, "%s/ws/%s", s->base, s->key);
    if ((rc = pr_ws_open(url, &s->ws, err)) != PR_OK) {
        pr_err e;
        pr_err_clear(&e);
        v->ops->listen_key(v->impl, KEY_DELETE, s->key, sizeof s->key, &e);
        free(s);
        return rc;
    }
    s->st.connects++;
    *out = s;
    return PR_OK;
}

int pr_venue_stream_poll(pr_venue_stream *s, int wait_ms, pr_venue_event *out, size_t cap, size_t *n, pr_err *err) {
    *n = 0;
    int64_t now = now_of(s);
    if (s->ws && s->need_key) down(s, "the venue says the listen key expired");
    if (!s->ws && now >= s->retry_at) connect_stream(s);
    if (s->ws && now - s->kept_at >= s->keepalive_ms) {
        pr_err e;
        pr_err_clear(&e);
        if (s->v->ops->listen_key(s->v->impl, KEY_KEEP, s->key, sizeof s->key, &e) == PR_OK) {
            s->st.keepalives++;
            s->kept_at = now;
        } else {
            /* the key is gone (-1125) or the venue unreachable: either way
             * the stream is not to be trusted until reconnected */
            if (e.code == PR_EVENUE) s->need_key = 1;
            char why[512];
            snprintf(why, sizeof why, "listen key keep-alive failed: %.400s", e.msg);
            down(s, why);
        }
    }
    if (s->ws) {
        int rc = pr_ws_service(s->ws, wait_ms, on_msg, s, err);
        if (rc != PR_OK) return rc;
        char why[480];
        pr_ws_state st = pr_ws_get_state(s->ws, why, sizeof why);
        if (st == PR_WS_OPEN) s->was_open = 1;
        if (st == PR_WS_CLOSED) down(s, why);
    }
    while (*n < cap && s->q_len > 0) {
        out[(*n)++] = s->q[s->q_head++];
        if (--s->q_len == 0) s->q_head = 0;
    }
    return PR_OK;
}

int pr_venue_stream_live(const pr_venue_stream *s) {
    return s && s->ws && !s->need_key && pr_ws_get_state(s->ws, NULL, 0) == PR_WS_OPEN;
}

const char *pr_venue_stream_why(const pr_venue_stream *s) { return s->why; }

void pr_venue_stream_get_stats(const pr_venue_stream *s, pr_venue_stream_stats *out) { *out = s->st; }

void pr_venue_stream_close(pr_venue_stream *s) {
    if (!s) return;
    pr_ws_close(s->ws);
    if (s->key[0]) {
        pr_err e;
        pr_err_clear(&e);
        s->v->ops->listen_key(s->v->impl, KEY_DELETE, s->key, sizeof s->key, &e);
    }
    memset(s->key, 0, sizeof s->key);
    free(s->q);
    free(s);
}
