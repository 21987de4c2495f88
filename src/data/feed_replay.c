/* The replay feed: stored bars played back through pr_feed, merged over the
 * streams by close time, as fast as possible or at N x real time (the wait
 * between two bars is their close-time difference divided by N), for tests
 * and paper trading on history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed_internal.h"

typedef struct replay {
    pr_feed base;
    pr_series *s;            /* copies, one per stream                       */
    size_t *at;              /* next bar of each                             */
    double speed;
    int64_t prev_close;      /* close time of the bar given last             */
    int64_t due_local;       /* local time the next bar is due (speed > 0)   */
    int started;
} replay;

/* The stream whose next bar closes first (ties: the earlier stream). */
static int pick(const replay *r, int64_t *close) {
    int best = -1;
    for (size_t i = 0; i < r->base.n; i++) {
        const pr_series *s = &r->s[i];
        if (r->at[i] >= s->len) continue;
        int64_t c = pr_tf_next(s->tf, s->ts[r->at[i]]);
        if (best < 0 || c < *close) {
            best = (int)i;
            *close = c;
        }
    }
    return best;
}

static int replay_pump(pr_feed *f, int64_t deadline, pr_err *err) {
    replay *r = (replay *)f;
    if (!r->started) {
        r->started = 1;
        if (feed_status(f, PR_FEED_LIVE, "replay of %zu stream(s)", f->n) != PR_OK)
            return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
        return PR_OK;
    }
    int64_t close = 0;
    int i = pick(r, &close);
    if (i < 0) {
        if (feed_status(f, PR_FEED_ENDED, "replay finished") != PR_OK)
            return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
        return PR_OK;
    }
    if (r->speed > 0) {
        int64_t now = feed_local_now(f);
        if (r->prev_close == PR_TIME_NONE) r->due_local = now;
        else if (r->due_local == PR_TIME_NONE)
            r->due_local = now + (int64_t)((double)(close - r->prev_close) / r->speed);
        if (now < r->due_local) {
            int64_t until = deadline != PR_TIME_NONE && deadline < r->due_local ? deadline : r->due_local;
            feed_sleep(f, until - now);
            if (feed_local_now(f) < r->due_local) return PR_OK;
        }
        r->due_local = PR_TIME_NONE;
    }
    const pr_series *s = &r->s[i];
    size_t k = r->at[i]++;
    pr_feed_event ev;
    memset(&ev, 0, sizeof ev);
    ev.ts = s->ts[k];
    ev.open = s->open[k];
    ev.high = s->high[k];
    ev.low = s->low[k];
    ev.close = s->close[k];
    ev.volume = s->volume[k];
    r->prev_close = close;
    if (feed_offer_bar(f, i, &ev) < 0) return pr_err_set(err, PR_ENOMEM, "feed: out of memory");
    return PR_OK;
}

static void replay_destroy(pr_feed *f) {
    replay *r = (replay *)f;
    for (size_t i = 0; r->s && i < f->n; i++) pr_series_free(&r->s[i]);
    free(r->s);
    free(r->at);
}

static const feed_vt k_replay_vt = {replay_pump, replay_destroy};

int pr_feed_replay_new(const pr_series *const *series, size_t n, const pr_feed_replay_options *o, pr_feed **out,
                       pr_err *err) {
    *out = NULL;
    if (!series || n == 0) return pr_err_set(err, PR_EINVAL, "replay feed: no series");
    if (o && !(o->speed >= 0)) return pr_err_set(err, PR_EINVAL, "replay feed: speed must be >= 0");
    pr_feed_stream *st = calloc(n, sizeof *st);
    if (!st) return pr_err_set(err, PR_ENOMEM, "replay feed: out of memory");
    for (size_t i = 0; i < n; i++) {
        snprintf(st[i].symbol, sizeof st[i].symbol, "%s", series[i]->symbol[0] ? series[i]->symbol : "?");
        st[i].tf = series[i]->tf;
    }
    pr_feed *f;
    int rc = feed_alloc(sizeof(replay), &k_replay_vt, st, n, o ? &o->clock : NULL, &f, err);
    free(st);
    if (rc != PR_OK) return rc;
    replay *r = (replay *)f;
    r->speed = o ? o->speed : 0;
    r->prev_close = r->due_local = PR_TIME_NONE;
    r->s = calloc(n, sizeof *r->s);
    r->at = calloc(n, sizeof *r->at);
    if (!r->s || !r->at) {
        pr_feed_free(f);
        return pr_err_set(err, PR_ENOMEM, "replay feed: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (pr_series_slice(series[i], 0, series[i]->len, &r->s[i]) != PR_OK) {
            pr_feed_free(f);
            return pr_err_set(err, PR_ENOMEM, "replay feed: out of memory");
        }
        r->s[i].tf = series[i]->tf;
    }
    *out = f;
    return PR_OK;
}

int pr_feed_replay_store(pr_store *st, const char *venue, const pr_feed_stream *streams, size_t n, int64_t from_ms,
                         int64_t to_ms, const pr_feed_replay_options *o, pr_feed **out, pr_err *err) {
    *out = NULL;
    if (!st || !streams || n == 0) return pr_err_set(err, PR_EINVAL, "replay feed: no store or streams");
    pr_series *s = calloc(n, sizeof *s);
    const pr_series **p = calloc(n, sizeof *p);
    int rc = s && p ? PR_OK : pr_err_set(err, PR_ENOMEM, "replay feed: out of memory");
    for (size_t i = 0; rc == PR_OK && i < n; i++) {
        rc = pr_series_init(&s[i], 0) == PR_OK ? PR_OK : pr_err_set(err, PR_ENOMEM, "replay feed: out of memory");
        if (rc == PR_OK) rc = pr_store_get_bars(st, venue, streams[i].symbol, streams[i].tf, from_ms, to_ms, &s[i], err);
        if (rc == PR_OK && s[i].len == 0)
            rc = pr_err_set(err, PR_ENOTFOUND, "replay feed: no stored bars for %s:%s:%s in the range", venue,
                            streams[i].symbol, pr_tf_name(streams[i].tf));
        snprintf(s[i].symbol, sizeof s[i].symbol, "%s", streams[i].symbol);
        s[i].tf = streams[i].tf;
        p[i] = &s[i];
    }
    if (rc == PR_OK) rc = pr_feed_replay_new(p, n, o, out, err);
    for (size_t i = 0; s && i < n; i++) pr_series_free(&s[i]);
    free(s);
    free(p);
    return rc;
}
