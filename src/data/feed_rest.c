/* REST for the feeds: fetching the closed bars of one stream from a time
 * on through a download source's request builder and page parser (the
 * downloader's retries, rate limits and error classification included),
 * used by the WebSocket feed's backfill and by the polling feed, which asks
 * for each stream's bars at every bar close plus a small delay (OANDA
 * candles with complete:true, Yahoo daily). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download_internal.h"
#include "feed_rest.h"

static int cmp_ts(const void *a, const void *b, void *ctx) {
    const int64_t *ts = ctx;
    int64_t x = ts[*(const size_t *)a], y = ts[*(const size_t *)b];
    return (x > y) - (x < y);
}

typedef struct page_ctx {
    const pr_dl_source *src;
    pr_timeframe tf;
    pr_series *out;
} page_ctx;

static int parse_page(void *ctx, const pr_dl_reply *rp, pr_err *err) {
    page_ctx *c = ctx;
    pr_series_clear(c->out);
    return c->src->parse(rp->body, rp->len, c->tf, c->out, err);
}

/* Insertion sort of the page's indices by time (pages are small and come
 * almost always sorted). */
static void order(const pr_series *p, size_t *idx) {
    for (size_t i = 0; i < p->len; i++) idx[i] = i;
    for (size_t i = 1; i < p->len; i++)
        for (size_t j = i; j > 0 && cmp_ts(&idx[j - 1], &idx[j], p->ts) > 0; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

int feed_rest_fetch(pr_feed *f, pr_dl_session *s, int stream, int64_t from_ms, size_t *given, pr_err *err) {
    const pr_feed_stream *st = &f->streams[stream];
    pr_series page;
    pr_series_init(&page, 0);
    size_t *idx = NULL;
    int rc = PR_OK;
    *given = 0;
    for (int pages = 0; pages < 100000; pages++) {
        int64_t now = feed_now(f);
        int64_t first = f->last[stream] != PR_TIME_NONE ? pr_tf_next(st->tf, f->last[stream]) : from_ms;
        if (first < from_ms) first = from_ms;
        if (pr_tf_next(st->tf, first) > now) break; /* nothing closed yet */
        pr_dl_request rq;
        memset(&rq, 0, sizeof rq);
        rc = s->src->build(s->base, s->o.key, st->symbol, st->tf, first, now, s->src->page_bars, &rq, err);
        if (rc != PR_OK) break;
        pr_dl_result res;
        memset(&res, 0, sizeof res);
        page_ctx pc = {s->src, st->tf, &page};
        rc = dl_fetch(s, &rq, parse_page, &pc, &res, NULL, err);
        if (rc != PR_OK) break;
        size_t *ni = realloc(idx, (page.len ? page.len : 1) * sizeof *idx);
        if (!ni) {
            rc = pr_err_set(err, PR_ENOMEM, "feed: out of memory");
            break;
        }
        idx = ni;
        order(&page, idx);
        size_t before = *given;
        for (size_t k = 0; k < page.len; k++) {
            size_t j = idx[k];
            /* The still-forming bar is left for the stream (or the next poll). */
            if (page.ts[j] < first || pr_tf_next(st->tf, page.ts[j]) > now) continue;
            pr_feed_event ev;
            memset(&ev, 0, sizeof ev);
            ev.ts = page.ts[j];
            ev.open = page.open[j];
            ev.high = page.high[j];
            ev.low = page.low[j];
            ev.close = page.close[j];
            ev.volume = page.volume[j];
            int o = feed_offer_bar(f, stream, &ev);
            if (o < 0) {
                rc = pr_err_set(err, PR_ENOMEM, "feed: out of memory");
                break;
            }
            *given += (size_t)o;
        }
        if (rc != PR_OK || *given == before || (int)page.len < s->src->page_bars) break;
    }
    free(idx);
    pr_series_free(&page);
    return rc;
}

/* ---- the polling feed ---------------------------------------------------------- */
typedef struct poll_feed {
    pr_feed base;
    pr_dl_session s;
    int64_t delay_ms, since_ms;
    int64_t *due;            /* per stream: local time of its next poll      */
    int *tries;              /* polls since the last new bar                 */
    int started;
} poll_feed;

static int poll_pump(pr_feed *f, int64_t deadline, pr_err *err) {
    poll_feed *p = (poll_feed *)f;
    int64_t now = feed_now(f);
    if (!p->started) {
        p->started = 1;
        for (size_t i = 0; i < f->n; i++) p->due[i] = now;
        return feed_status(f, PR_FEED_LIVE, "polling %s every bar close + %lld ms", p->s.base,
                           (long long)p->delay_ms) == PR_OK ? PR_OK : pr_err_set(err, PR_ENOMEM, "feed: out of memory");
    }
    int64_t next = PR_TIME_NONE;
    for (size_t i = 0; i < f->n; i++)
        if (next == PR_TIME_NONE || p->due[i] < next) next = p->due[i];
    if (next > now) {
        int64_t until = deadline != PR_TIME_NONE && deadline < next ? deadline : next;
        feed_sleep(f, until - now);
        now = feed_now(f);
        if (now < next) return PR_OK;
    }
    size_t mark = f->q.len;
    for (size_t i = 0; i < f->n; i++) {
        if (p->due[i] > now) continue;
        const pr_feed_stream *st = &f->streams[i];
        int64_t from = p->since_ms != PR_TIME_NONE ? p->since_ms
                                                   : pr_tf_floor(st->tf, now) - pr_tf_ms(st->tf); /* the last closed */
        size_t given = 0;
        pr_err e;
        pr_err_clear(&e);
        int rc = feed_rest_fetch(f, &p->s, (int)i, from, &given, &e);
        int64_t close = pr_tf_next(st->tf, pr_tf_floor(st->tf, now));
        if (rc != PR_OK) {
            if (rc == PR_ENOMEM) return pr_err_set(err, rc, "%s", e.msg);
            if (feed_status(f, PR_FEED_ERROR, "%s %s: %s", st->symbol, pr_tf_name(st->tf), e.msg) != PR_OK)
                return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
        }
        /* The bar that just closed may be a few seconds late at the venue:
         * ask again after the delay, a few times, before waiting for the
         * next close (a closed market gives none at all). */
        int64_t expect = pr_tf_floor(st->tf, now) - pr_tf_ms(st->tf);
        int late = rc == PR_OK && (f->last[i] == PR_TIME_NONE || f->last[i] < expect);
        if (given > 0) p->tries[i] = 0;
        if (late && p->tries[i] < 5) {
            p->tries[i]++;
            p->due[i] = now + p->delay_ms;
        } else {
            p->tries[i] = 0;
            p->due[i] = close + p->delay_ms;
        }
    }
    return feed_order_since(f, mark) == PR_OK ? PR_OK : pr_err_set(err, PR_ENOMEM, "feed: out of memory");
}

static void poll_destroy(pr_feed *f) {
    poll_feed *p = (poll_feed *)f;
    pr_dl_session_free(&p->s);
    free(p->due);
    free(p->tries);
}

static const feed_vt k_poll_vt = {poll_pump, poll_destroy};

/* The download session options of a poll feed (and of its probe). */
static void poll_dl_options(const pr_feed_poll_options *o, pr_dl_options *d) {
    pr_dl_options_init(d);
    d->base_url = o->base_url;
    d->key = o->key;
    d->timeout_s = o->timeout_s;
    d->get = o->get;
    d->get_user = o->get_user;
    d->clock = o->clock;
    d->max_retries = 3;
}
int pr_feed_poll_new(const pr_feed_stream *streams, size_t n, const pr_feed_poll_options *o, pr_feed **out,
                     pr_err *err) {
    *out = NULL;
    if (!o || !o->source) return pr_err_set(err, PR_EINVAL, "poll feed: no source");
    const pr_dl_source *src = pr_dl_source_find(o->source);
    if (!src) return pr_err_set(err, PR_ENOTFOUND, "poll feed: unknown source '%s'", o->source);
    pr_feed *f;
    int rc = feed_alloc(sizeof(poll_feed), &k_poll_vt, streams, n, &o->clock, &f, err);
    if (rc != PR_OK) return rc;
    poll_feed *p = (poll_feed *)f;
    p->delay_ms = o->delay_ms > 0 ? o->delay_ms : 2000;
    p->since_ms = o->since_ms;
    p->due = calloc(n, sizeof *p->due);
    p->tries = calloc(n, sizeof *p->tries);
    pr_dl_options d;
    poll_dl_options(o, &d);
    if (!p->due || !p->tries) rc = pr_err_set(err, PR_ENOMEM, "poll feed: out of memory");
    if (rc == PR_OK) rc = pr_dl_session_init(&p->s, src, &d, err);
    if (rc != PR_OK) {
        pr_feed_free(f);
        return rc;
    }
    *out = f;
    return PR_OK;
}

int pr_feed_probe(const pr_feed_stream *stream, const pr_feed_poll_options *o, pr_err *err) {
    if (!stream || !o || !o->source) return pr_err_set(err, PR_EINVAL, "feed probe: no stream or source");
    const pr_dl_source *src = pr_dl_source_find(o->source);
    if (!src) return pr_err_set(err, PR_ENOTFOUND, "feed probe: unknown source '%s'", o->source);
    pr_dl_options d;
    poll_dl_options(o, &d);
    pr_dl_session s;
    int rc = pr_dl_session_init(&s, src, &d, err);
    if (rc != PR_OK) return rc;
    pr_series page;
    pr_series_init(&page, 0);
    int64_t now = pr_dl_now(&s);
    int64_t len = stream->tf == PR_TF_1MO ? 31LL * 86400000 : pr_tf_ms(stream->tf);
    pr_dl_request rq;
    memset(&rq, 0, sizeof rq);
    rc = src->build(s.base, s.o.key, stream->symbol, stream->tf, now - 5 * len, now, 5, &rq, err);
    if (rc == PR_OK) {
        pr_dl_result res;
        memset(&res, 0, sizeof res);
        page_ctx pc = {src, stream->tf, &page};
        rc = dl_fetch(&s, &rq, parse_page, &pc, &res, NULL, err);
    }
    pr_series_free(&page);
    pr_dl_session_free(&s);
    return rc;
}
