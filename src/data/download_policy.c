/* How a download treats the venue: the generic reading of an HTTP reply
 * (what is retried, waited for or never retried), the request-weight pacing
 * that slows down before the venue's per-minute limit, bans that stop every
 * request to the venue, and exponential backoff with seeded jitter. All
 * waiting goes through the session's injectable clock. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "download_internal.h"

void pr_dl_classify_http(const pr_dl_reply *rp, int64_t now_ms, pr_dl_verdict *v) {
    memset(v, 0, sizeof *v);
    v->wait_ms = v->until_ms = -1;
    if (rp->transport || rp->status == 0) {
        v->kind = PR_DL_RETRY;
        snprintf(v->why, sizeof v->why, "%s", rp->error[0] ? rp->error : "no response");
        return;
    }
    long s = rp->status;
    if (s >= 200 && s < 300) {
        v->kind = PR_DL_OK;
        return;
    }
    snprintf(v->why, sizeof v->why, "HTTP %ld", s);
    if (s == 429) {
        v->kind = PR_DL_WAIT;
        v->wait_ms = rp->retry_after_ms;
    } else if (s == 418) {
        v->kind = PR_DL_BAN;
        v->until_ms = rp->retry_after_ms >= 0 ? now_ms + rp->retry_after_ms : -1;
    } else if (s >= 500 || s == 408) {
        v->kind = PR_DL_RETRY;
    } else {
        v->kind = PR_DL_NEVER;
    }
}

int64_t pr_dl_now(const pr_dl_session *s) {
    return s->o.clock.now_ms ? s->o.clock.now_ms(s->o.clock.user) : pr_time_now_ms();
}

void pr_dl_sleep(pr_dl_session *s, int64_t ms, pr_dl_result *res) {
    if (ms <= 0) return;
    if (res) res->waited_ms += ms;
    if (s->o.clock.sleep_ms) {
        s->o.clock.sleep_ms(s->o.clock.user, ms);
        return;
    }
    /* In slices, so that a cancel (Ctrl-C) during a long rate-limit or ban
     * wait is seen within a tenth of a second. */
    while (ms > 0 && !(s->o.cancelled && s->o.cancelled(s->o.user))) {
        int64_t step = ms < 100 ? ms : 100;
        struct timespec ts = {0, (long)step * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && !(s->o.cancelled && s->o.cancelled(s->o.user))) {
        }
        ms -= step;
    }
}

int64_t pr_dl_backoff_ms(pr_dl_session *s, int attempt) {
    int64_t d = s->o.backoff_ms;
    for (int i = 0; i < attempt && d < 60000; i++) d *= 2;
    if (d > 60000) d = 60000;
    /* Jitter in [0, d/2): clients retrying together do not retry in step. */
    return d + (int64_t)(pr_rng_uniform(&s->rng) * (double)(d / 2));
}

/* The weight counted for the current minute (the venue resets it on each
 * UTC minute). */
static void roll_minute(pr_dl_session *s, int64_t now) {
    int64_t minute = now / 60000;
    if (minute != s->weight_minute) {
        s->weight_minute = minute;
        s->used_weight = 0;
    }
}

int pr_dl_pace(pr_dl_session *s, int weight, pr_dl_result *res, pr_err *err) {
    int64_t now = pr_dl_now(s);
    if (s->ban_until > now) {
        char t[PR_TIME_STR_MAX];
        pr_time_format(s->ban_until, t, sizeof t);
        if (s->ban_until - now > s->o.max_wait_ms)
            return pr_err_set(err, PR_ELIMIT, "%s has banned this IP until %s (HTTP 418): no request is sent to it "
                              "before then", s->src->venue, t);
        pr_dl_sleep(s, s->ban_until - now, res);
        now = pr_dl_now(s);
    }
    int limit = s->o.weight_limit;
    if (limit <= 0 || weight <= 0) return PR_OK;
    roll_minute(s, now);
    /* Slow down before the limit: keep 5% of it (at least this request's
     * weight) in reserve for the venue's own count running ahead of ours. */
    int64_t reserve = limit / 20 > weight ? limit / 20 : weight;
    if (s->used_weight + weight > limit - reserve) {
        pr_dl_sleep(s, 60000 - now % 60000, res);
        roll_minute(s, pr_dl_now(s));
    }
    return PR_OK;
}

void pr_dl_count_weight(pr_dl_session *s, const pr_dl_reply *rp, int weight, pr_dl_result *res) {
    roll_minute(s, pr_dl_now(s));
    if (rp->used_weight >= 0) s->used_weight = rp->used_weight; /* the venue's count wins */
    else s->used_weight += weight;
    s->weight_total += weight;
    if (res) res->weight += weight;
}
