/* pr_feed's common part: the pull call over each feed's pump, the event
 * queue, the exactly-once rule per stream (a bar older than or equal to the
 * last one given is dropped: duplicates after a reconnect, backfill
 * overlaps) and the Binance server-time check behind the clock offset. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "download_internal.h"
#include "feed_internal.h"

const char *pr_feed_state_name(pr_feed_state s) {
    static const char *const k[] = {"connecting", "live", "disconnected", "reconnecting", "backfilling", "error",
                                    "ended"};
    return (unsigned)s < sizeof k / sizeof k[0] ? k[s] : "unknown";
}

int feed_alloc(size_t size, const feed_vt *vt, const pr_feed_stream *streams, size_t n, const pr_dl_clock *clock,
               pr_feed **out, pr_err *err) {
    *out = NULL;
    if (n == 0 || !streams) return pr_err_set(err, PR_EINVAL, "feed: no streams");
    for (size_t i = 0; i < n; i++)
        if (!streams[i].symbol[0] || streams[i].tf <= PR_TF_NONE || streams[i].tf >= PR_TF_COUNT)
            return pr_err_set(err, PR_EINVAL, "feed: stream %zu: empty symbol or no timeframe", i + 1);
    pr_feed *f = calloc(1, size);
    if (!f) return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
    f->streams = malloc(n * sizeof *f->streams);
    f->last = malloc(n * sizeof *f->last);
    if (!f->streams || !f->last) {
        free(f->streams);
        free(f->last);
        free(f);
        return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
    }
    memcpy(f->streams, streams, n * sizeof *streams);
    for (size_t i = 0; i < n; i++) f->last[i] = PR_TIME_NONE;
    f->n = n;
    f->vt = vt;
    if (clock) f->clock = *clock;
    *out = f;
    return PR_OK;
}

int feed_push(pr_feed *f, const pr_feed_event *ev) {
    feed_queue *q = &f->q;
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        pr_feed_event *e = malloc(cap * sizeof *e);
        if (!e) return PR_ENOMEM;
        for (size_t i = 0; i < q->len; i++) e[i] = q->ev[(q->head + i) % q->cap];
        free(q->ev);
        q->ev = e;
        q->head = 0;
        q->cap = cap;
    }
    q->ev[(q->head + q->len) % q->cap] = *ev;
    q->len++;
    return PR_OK;
}

int feed_status(pr_feed *f, pr_feed_state st, const char *fmt, ...) {
    pr_feed_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = PR_FEED_EV_STATUS;
    ev.state = st;
    ev.at_ms = feed_now(f);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.detail, sizeof ev.detail, fmt, ap);
    va_end(ap);
    if (st == PR_FEED_ENDED) f->ended = 1;
    return feed_push(f, &ev);
}

int feed_stream_index(const pr_feed *f, const char *symbol, pr_timeframe tf) {
    for (size_t i = 0; i < f->n; i++)
        if (f->streams[i].tf == tf && strcasecmp(f->streams[i].symbol, symbol) == 0) return (int)i;
    return -1;
}

int feed_offer_bar(pr_feed *f, int stream, const pr_feed_event *bar) {
    if (f->last[stream] != PR_TIME_NONE && bar->ts <= f->last[stream]) return 0;
    pr_feed_event ev = *bar;
    ev.kind = PR_FEED_EV_BAR;
    /* The stream's own spelling of the symbol (Binance sends upper case,
     * the stream name is lower case). */
    memcpy(ev.symbol, f->streams[stream].symbol, sizeof ev.symbol);
    ev.tf = f->streams[stream].tf;
    if (feed_push(f, &ev) != PR_OK) return PR_ENOMEM;
    f->last[stream] = bar->ts;
    return 1;
}

typedef struct seq_bar {
    pr_feed_event ev;
    size_t seq;
} seq_bar;

static int cmp_seq_bar(const void *a, const void *b) {
    const seq_bar *x = a, *y = b;
    if (x->ev.ts != y->ev.ts) return x->ev.ts < y->ev.ts ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

int feed_order_since(pr_feed *f, size_t mark) {
    feed_queue *q = &f->q;
    if (mark >= q->len) return PR_OK;
    size_t n = 0, m = q->len - mark;
    seq_bar *b = malloc(m * sizeof *b);
    if (!b) return PR_ENOMEM;
    for (size_t k = mark; k < q->len; k++) {
        const pr_feed_event *ev = &q->ev[(q->head + k) % q->cap];
        if (ev->kind != PR_FEED_EV_BAR) continue;
        b[n].ev = *ev;
        b[n].seq = n;
        n++;
    }
    qsort(b, n, sizeof *b, cmp_seq_bar);
    for (size_t k = mark, j = 0; k < q->len; k++) {
        pr_feed_event *ev = &q->ev[(q->head + k) % q->cap];
        if (ev->kind == PR_FEED_EV_BAR) *ev = b[j++].ev;
    }
    free(b);
    return PR_OK;
}

int64_t feed_local_now(const pr_feed *f) {
    return f->clock.now_ms ? f->clock.now_ms(f->clock.user) : pr_time_now_ms();
}

int64_t feed_now(const pr_feed *f) { return feed_local_now(f) + f->offset_ms; }

void feed_sleep(const pr_feed *f, int64_t ms) {
    if (ms <= 0) return;
    if (f->clock.sleep_ms) {
        f->clock.sleep_ms(f->clock.user, ms);
        return;
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int pr_feed_next(pr_feed *f, int timeout_ms, pr_feed_event *ev, pr_err *err) {
    if (!f || !ev) return pr_err_set(err, PR_EINVAL, "feed: no feed or event");
    int64_t deadline = timeout_ms < 0 ? PR_TIME_NONE : feed_local_now(f) + timeout_ms;
    for (;;) {
        if (f->q.len > 0) {
            *ev = f->q.ev[f->q.head];
            f->q.head = (f->q.head + 1) % f->q.cap;
            f->q.len--;
            if (ev->kind == PR_FEED_EV_STATUS && ev->state == PR_FEED_ENDED) {
                /* Kept at the head: every later call sees the end again. */
                feed_push(f, ev);
            }
            return PR_OK;
        }
        if (f->ended) return pr_err_set(err, PR_ESTATE, "feed: ended");
        if (deadline != PR_TIME_NONE && feed_local_now(f) >= deadline && timeout_ms > 0)
            return PR_ETIMEOUT;
        int rc = f->vt->pump(f, deadline, err);
        if (rc != PR_OK) return rc;
        if (f->q.len == 0 && deadline != PR_TIME_NONE && feed_local_now(f) >= deadline) return PR_ETIMEOUT;
    }
}

int64_t pr_feed_clock_offset(const pr_feed *f) { return f ? f->offset_ms : 0; }

void pr_feed_free(pr_feed *f) {
    if (!f) return;
    if (f->vt && f->vt->destroy) f->vt->destroy(f);
    free(f->q.ev);
    free(f->streams);
    free(f->last);
    free(f);
}

/* ---- clock skew -------------------------------------------------------------- */
static int parse_time(void *ctx, const pr_dl_reply *rp, pr_err *err) {
    json_t *j;
    int rc = dl_json_load(rp->body, rp->len, "GET .../time", &j, err);
    if (rc != PR_OK) return rc;
    json_t *t = json_object_get(j, "serverTime");
    if (!json_is_integer(t)) {
        json_decref(j);
        return pr_err_set(err, PR_EPARSE, "GET .../time: no integer serverTime in the reply");
    }
    *(int64_t *)ctx = json_integer_value(t);
    json_decref(j);
    return PR_OK;
}

/* Spot and futures differ only in host and path. */
static int clock_offset(const pr_dl_source *src, const char *path, const char *rest_url, pr_dl_get_fn get,
                        void *get_user, const pr_dl_clock *clock, int64_t *offset_ms, pr_err *err) {
    pr_dl_options o;
    pr_dl_options_init(&o);
    o.base_url = rest_url;
    o.get = get;
    o.get_user = get_user;
    o.max_retries = 2;
    o.backoff_ms = 200;
    o.timeout_s = 10;
    if (clock) o.clock = *clock;
    pr_dl_session s;
    int rc = pr_dl_session_init(&s, src, &o, err);
    if (rc != PR_OK) return rc;
    pr_dl_request rq;
    memset(&rq, 0, sizeof rq);
    rq.weight = 1;
    rc = dl_set_url(&rq, s.base, path, err);
    pr_dl_result res;
    memset(&res, 0, sizeof res);
    int64_t server = 0;
    int64_t t0 = pr_dl_now(&s);
    if (rc == PR_OK) rc = dl_fetch(&s, &rq, parse_time, &server, &res, NULL, err);
    int64_t t1 = pr_dl_now(&s);
    pr_dl_session_free(&s);
    if (rc != PR_OK) return rc;
    /* The server read its clock somewhere inside the round trip: half-way
     * is the best guess, off by at most half the round trip. */
    *offset_ms = server - (t0 + (t1 - t0) / 2);
    return PR_OK;
}

int pr_feed_binance_clock_offset(const char *rest_url, pr_dl_get_fn get, void *get_user, const pr_dl_clock *clock,
                                 int64_t *offset_ms, pr_err *err) {
    return clock_offset(&pr_dl_source_binance, "/api/v3/time", rest_url, get, get_user, clock, offset_ms, err);
}

int pr_feed_binance_futures_clock_offset(const char *rest_url, pr_dl_get_fn get, void *get_user,
                                         const pr_dl_clock *clock, int64_t *offset_ms, pr_err *err) {
    return clock_offset(&pr_dl_source_binance_futures, "/fapi/v1/time", rest_url, get, get_user, clock, offset_ms,
                        err);
}
