/* session_breakout: a quiet session's range, broken when the next one opens.
 *   london: the Asian range (bars opening 22:00-07:00 UTC) is traded from
 *           the London open (07:00 UTC) for `window_hours`;
 *   us:     the opening range (the first `range_minutes` after 09:30 New
 *           York time, DST-aware) is traded for `window_hours` after it.
 * During the window, while flat and not yet traded that day, a pending stop
 * entry waits beyond the range on the side the last close is nearer to (a
 * buy stop at the high, a sell stop at the low; the engine keeps one pending
 * entry per instrument, so the far side is armed only once the price comes
 * nearer to it). The entry's stop is the range's other side, its target
 * `target_range` ranges beyond the entry. A stop entry still waiting when
 * the window ends is cancelled; one trade a day. Ranges narrower than
 * `min_range` (a fraction of the price) are skipped (no room for costs),
 * and so are ranges missing bars (the data's start, a holiday). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/data/calendar.h"
#include "proratio/signal.h"

typedef struct sb_params {
    int session;          /* 0 london, 1 us                   */
    double window_hours;  /* 4                                */
    int range_minutes;    /* us: 30                           */
    double target_range;  /* 1.5                              */
    double min_range;     /* 0.0005 of the price              */
    int max_bars;         /* 0: none                          */
} sb_params;

/* Per instrument: the range being built or traded. */
typedef struct sb_inst {
    int64_t day;          /* session day (local days since the epoch), INT64_MIN: none */
    double hi, lo;
    int traded;           /* a position was taken this day              */
    int bars;             /* bars of the range seen                      */
    int want;             /* bars a whole range has                      */
} sb_inst;

typedef struct session_breakout {
    pr_strategy base;
    sb_params p;
    size_t n;
    sb_inst *s;
} session_breakout;

static const char *const k_sessions[] = {"london", "us", NULL};

#define P_(f) offsetof(sb_params, f)
static const pr_param_def k_params[] = {
    {.name = "session", .type = PR_PARAM_CHOICE, .offset = P_(session), .def = 0, .choices = k_sessions,
     .desc = "london: Asian range 22:00-07:00 UTC; us: the opening range after 09:30 New York time"},
    {.name = "window_hours", .type = PR_PARAM_NUMBER, .offset = P_(window_hours), .def = 4, .min = 0, .max = 23,
     .open = 1, .desc = "hours after the range during which a break is traded"},
    {.name = "range_minutes", .type = PR_PARAM_INT, .offset = P_(range_minutes), .def = 30, .min = 1, .max = 390,
     .desc = "us: minutes of the opening range"},
    {.name = "target_range", .type = PR_PARAM_NUMBER, .offset = P_(target_range), .def = 1.5, .min = 0, .max = 100,
     .opt_min = 1, .opt_max = 2, .opt_step = 0.25, .desc = "target this many ranges beyond the entry (0: none)"},
    {.name = "min_range", .type = PR_PARAM_NUMBER, .offset = P_(min_range), .def = 0.0005, .min = 0, .max = 1,
     .desc = "skip days whose range is narrower than this fraction of the price"},
    {.name = "max_bars", .type = PR_PARAM_INT, .offset = P_(max_bars), .def = 0, .min = 0, .max = 1000000,
     .desc = "time stop after this many bars (0: none)"},
};
#undef P_

static void sb_destroy(pr_strategy *s) {
    free(((session_breakout *)s)->s);
    free(s);
}

static size_t sb_describe(const pr_strategy *s, char *buf, size_t cap) {
    const sb_params *p = &((const session_breakout *)s)->p;
    int n = snprintf(buf, cap, "session=%s window=%gh range_minutes=%d target=%gx min_range=%g max_bars=%d",
                     k_sessions[p->session], p->window_hours, p->range_minutes, p->target_range, p->min_range,
                     p->max_bars);
    return n < 0 ? 0 : (size_t)n;
}

/* The range's start and end, minutes of the local day (start > end: it
 * crosses midnight), and the local time of t. */
static void session_clock(const sb_params *p, int64_t t, int *start, int *end, int64_t *day, int *minute) {
    int64_t local = t;
    if (p->session == 1) {
        local += (int64_t)pr_us_eastern_offset_min(t) * PR_MS_PER_MIN;
        *start = 9 * 60 + 30;
        *end = *start + p->range_minutes;
    } else {
        *start = 22 * 60;
        *end = 7 * 60;
    }
    *day = local >= 0 ? local / PR_MS_PER_DAY : -((-local + PR_MS_PER_DAY - 1) / PR_MS_PER_DAY);
    *minute = (int)((local - *day * PR_MS_PER_DAY) / PR_MS_PER_MIN);
}

static int sb_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    session_breakout *c = (session_breakout *)s;
    free(c->s);
    c->n = pr_view_n_instruments(v);
    c->s = calloc(c->n ? c->n : 1, sizeof *c->s);
    if (!c->s) return pr_err_set(err, PR_ENOMEM, "session_breakout: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        int64_t ms = pr_tf_ms(pr_view_tf(v, (int)i));
        int64_t range_ms = c->p.session == 1 ? (int64_t)c->p.range_minutes * PR_MS_PER_MIN : 9 * PR_MS_PER_HOUR;
        if (ms <= 0 || ms > PR_MS_PER_HOUR || range_ms % ms != 0)
            return pr_err_set(err, PR_EINVAL, "session_breakout: %s: needs bars of at most 1h that divide the range "
                              "(%lld minutes; got %s)", pr_view_instrument(v, (int)i)->symbol,
                              (long long)(range_ms / PR_MS_PER_MIN), pr_tf_name(pr_view_tf(v, (int)i)));
        c->s[i].day = INT64_MIN;
        c->s[i].want = (int)(range_ms / ms);
    }
    return PR_OK;
}

static const char *const k_why_long = "break above the range %.10g-%.10g (%.2f%% of the price) at %.10g";
static const char *const k_why_short = "break below the range %.10g-%.10g (%.2f%% of the price) at %.10g";
static const char *const k_why_cancel = "the window after the range %.10g-%.10g closed: pending entry cancelled";

static int sb_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    session_breakout *c = (session_breakout *)s;
    const sb_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        pr_bar b;
        if (pr_view_bar(v, ii, PR_TF_NONE, 0, &b) != PR_OK) continue;
        sb_inst *st = &c->s[i];
        int start, end, minute;
        int64_t day;
        session_clock(p, b.ts, &start, &end, &day, &minute);
        /* a bar opening inside the range adds to the range of the day it ends on */
        int in_range = start < end ? minute >= start && minute < end : minute >= start || minute < end;
        if (in_range) {
            int64_t key = start > end && minute >= start ? day + 1 : day;
            if (key != st->day) *st = (sb_inst){key, b.high, b.low, 0, 1, st->want};
            else {
                if (b.high > st->hi) st->hi = b.high;
                if (b.low < st->lo) st->lo = b.low;
                st->bars++;
            }
        }
        /* the decision at this bar's close (the range's last bar closes at
         * the window's start): inside the window after the range? */
        const int64_t now = pr_view_now(v);
        int close_min;
        int64_t close_day;
        session_clock(p, now, &start, &end, &close_day, &close_min);
        const int window = (int)lround(p->window_hours * 60);
        int in_window = close_day == st->day && close_min >= end && close_min < end + window;
        int side = pr_view_side(v, ii);
        if (side != 0) {
            st->traded = 1;
            continue;
        }
        /* an entry filled and closed between two decisions counts too */
        pr_fill_info fl[4];
        size_t n_fl = pr_view_last_fills(v, ii, fl, 4);
        for (size_t k = 0; k < n_fl && k < 4; k++) {
            int fill_min;
            int64_t fill_day;
            int fs, fe;
            session_clock(p, fl[k].seen, &fs, &fe, &fill_day, &fill_min);
            if (fl[k].cause == PR_CAUSE_ENTRY && fill_day == st->day && fill_min >= fe) st->traded = 1;
        }
        pr_working_order wo[4];
        size_t n_wo = pr_view_open_orders(v, ii, wo, 4);
        int pending = 0;
        for (size_t k = 0; k < n_wo && k < 4; k++) pending |= wo[k].cause == PR_CAUSE_ENTRY;
        if (!in_window) {
            if (pending) {   /* the window closed (or a gap in the data skipped its end) */
                pr_signal *sig = pr_signal_list_add(out, PR_SIG_EXIT, ii);
                if (!sig) return pr_err_set(err, PR_ELIMIT, "session_breakout: signal list full");
                pr_signal_why(sig, k_why_cancel, st->lo, st->hi, 0, 0);
                pr_signal_tag(sig, "session_breakout_cancel");
            }
            continue;
        }
        /* a range with missing bars (the data's start, a holiday) is not traded */
        if (st->traded || st->bars != st->want || !(st->hi > st->lo) || (st->hi - st->lo) < p->min_range * b.close)
            continue;
        /* the nearer side's stop entry (the pipeline keeps one: the same
         * side again is left as it is, the other side replaces it) */
        int dir = b.close >= (st->hi + st->lo) / 2 ? 1 : -1;
        double entry = dir > 0 ? st->hi : st->lo, range = st->hi - st->lo;
        if (dir > 0 ? b.close >= entry : b.close <= entry) continue;   /* already beyond: no stop to wait */
        pr_signal *sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "session_breakout: signal list full");
        sig->entry_stop = entry;
        sig->stop = dir > 0 ? st->lo : st->hi;
        if (p->target_range > 0 && entry + dir * p->target_range * range > 0) {
            sig->n_targets = 1;
            sig->target_price[0] = entry + dir * p->target_range * range;
            sig->target_frac[0] = 1;
        }
        sig->max_bars = p->max_bars;
        pr_signal_why(sig, dir > 0 ? k_why_long : k_why_short, st->lo, st->hi, 100 * range / b.close, entry);
        pr_signal_tag(sig, dir > 0 ? "session_breakout_long" : "session_breakout_short");
    }
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "session_breakout",
    .init = sb_init,
    .on_bar = sb_on_bar,
    .describe = sb_describe,
    .destroy = sb_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(session_breakout), &k_vt, offsetof(session_breakout, p), pv, sizeof(sb_params),
                             out, err);
}

const pr_strategy_info pr_session_breakout_info = {
    .name = "session_breakout",
    .summary = "the Asian range broken at the London open, or the US opening range (pending stop entries)",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(sb_params),
    .check = NULL,
    .create = create,
};
