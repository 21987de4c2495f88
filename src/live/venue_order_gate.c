/* The order-count gate of venue.h (pr_venue_order_gate): a venue's limits
 * on new orders per fixed window, checked before each order so that the
 * session waits for the next 10 s / 1 min window instead of being refused
 * (Binance -1015), and refuses outright, naming the limit, when only the
 * next day would do. */
#include <stdio.h>
#include <string.h>

#include "proratio/live/venue.h"

static pr_venue_order_window *window_of(pr_venue_order_gate *g, int64_t interval_ms) {
    for (size_t i = 0; i < g->n; i++)
        if (g->w[i].interval_ms == interval_ms) return &g->w[i];
    if (g->n == PR_VENUE_ORDER_WINDOWS || interval_ms <= 0) return NULL;
    pr_venue_order_window *w = &g->w[g->n++];
    memset(w, 0, sizeof *w);
    w->interval_ms = interval_ms;
    return w;
}

/* Moves w to the window holding now (a new window starts empty). */
static void roll(pr_venue_order_window *w, int64_t now_ms) {
    int64_t start = now_ms - now_ms % w->interval_ms;
    if (start != w->start_ms) {
        w->start_ms = start;
        w->count = 0;
    }
}

void pr_venue_order_gate_limit(pr_venue_order_gate *g, int64_t interval_ms, int64_t limit) {
    pr_venue_order_window *w = window_of(g, interval_ms);
    if (w) w->limit = limit;
}

void pr_venue_order_gate_seen(pr_venue_order_gate *g, int64_t interval_ms, int64_t count, int64_t now_ms) {
    pr_venue_order_window *w = count >= 0 ? window_of(g, interval_ms) : NULL;
    if (!w) return;
    roll(w, now_ms);
    w->count = count; /* the venue's count wins */
}

void pr_venue_order_gate_sent(pr_venue_order_gate *g, int64_t now_ms) {
    for (size_t i = 0; i < g->n; i++) {
        roll(&g->w[i], now_ms);
        g->w[i].count++;
    }
}

static const char *interval_name(int64_t ms, char *buf, size_t cap) {
    if (ms % 86400000 == 0) snprintf(buf, cap, "%lldd", (long long)(ms / 86400000));
    else if (ms % 60000 == 0) snprintf(buf, cap, "%lldm", (long long)(ms / 60000));
    else snprintf(buf, cap, "%llds", (long long)(ms / 1000));
    return buf;
}

int pr_venue_order_gate_check(pr_venue_order_gate *g, int64_t now_ms, int64_t max_wait_ms, int64_t *wait_ms,
                              pr_err *err) {
    *wait_ms = 0;
    for (size_t i = 0; i < g->n; i++) {
        pr_venue_order_window *w = &g->w[i];
        if (w->limit <= 0) continue;
        roll(w, now_ms);
        if (w->count < w->limit) continue;
        int64_t wait = w->start_ms + w->interval_ms - now_ms;
        char name[32], at[PR_TIME_STR_MAX];
        interval_name(w->interval_ms, name, sizeof name);
        if (wait > max_wait_ms) {
            pr_time_format(w->start_ms + w->interval_ms, at, sizeof at);
            pr_err_set(err, PR_ELIMIT, "order limit reached: %lld of %lld new orders per %s used (the venue's "
                       "ORDERS limit); no order is sent before %s", (long long)w->count, (long long)w->limit, name, at);
            snprintf(err->venue_code, sizeof err->venue_code, "ORDERS_%s", name);
            return PR_ELIMIT;
        }
        if (wait > *wait_ms) *wait_ms = wait;
    }
    return PR_OK;
}
