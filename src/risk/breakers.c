/* The circuit breakers of risk/breakers.h: state transitions on the equity
 * at each step, on closed round trips and at entries, and the exits they
 * order. A trigger is counted when a breaker starts to act (a crossing, a
 * lock, the kill switch turning on, the first entry an episode of the
 * volatility halt, weekend window or avoided hour touches), not once per
 * refused entry. */
#include <math.h>
#include <stddef.h>
#include <sys/stat.h>

#include "proratio/risk/breakers.h"

_Static_assert(sizeof(((pr_risk_breaker_state *)0)->inst) / sizeof(pr_risk_inst_memo) == PR_RISK_MAX_INSTRUMENTS,
               "one memo per instrument the state follows");

#define HOUR_MS 3600000.0
#define WEEK_MS (7 * PR_MS_PER_DAY)

/* Monday 00:00 UTC of t's week (1970-01-01 was a Thursday). */
static int64_t week_of(int64_t t) {
    int64_t d = (t - (((t % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY)) / PR_MS_PER_DAY;
    return (d - (((d + 3) % 7) + 7) % 7) * PR_MS_PER_DAY;
}

static void fire(pr_risk_state *st, pr_risk_protect_id id, int64_t now) {
    st->trig[id].count++;
    st->trig[id].last = now;
}

static int64_t after_hours(int64_t t, double hours) { return t + (int64_t)llround(hours * HOUR_MS); }

void pr_risk_breakers_init(pr_risk_breaker_state *b) {
    b->dd_since = PR_TIME_NONE;
    b->guard_from = PR_TIME_NONE;
    b->weekend_seen = PR_TIME_NONE;
    b->hour_seen = PR_TIME_NONE;
    for (int i = 0; i < PR_RISK_MAX_INSTRUMENTS; i++) {
        pr_risk_inst_memo *m = &b->inst[i];
        m->stop_out = m->lock_until = m->guard_from = PR_TIME_NONE;
    }
}

void pr_risk_breakers_kill(pr_risk_state *st, int on) { st->brk.kill_signal = on != 0; }

/* ---- drawdown tiers on open positions, and their release ------------------ */
void pr_risk_breakers_step(const pr_risk_breakers *c, pr_risk_state *st, int64_t now, double equity) {
    pr_risk_breaker_state *b = &st->brk;
    int tier = st->dd_tier;
    if (tier >= 3 && b->tier_seen < 3 && c->dd_halt_close) b->pending = PR_BRK_CLOSE;
    else if (tier >= 2 && b->tier_seen < 2 && c->dd_stop_reduce > 0 && b->pending != PR_BRK_CLOSE)
        b->pending = PR_BRK_REDUCE;
    if (tier >= 2 && b->tier_seen < 2) b->dd_since = now;
    b->tier_seen = tier;
    /* The release: without it a flat book never recovers its drawdown, and a
     * stop (or a halt past its pause) would refuse entries for ever. */
    if (c->dd_release_days > 0 && tier >= 2 && b->dd_since != PR_TIME_NONE &&
        now >= b->dd_since + (int64_t)llround(c->dd_release_days * PR_MS_PER_DAY) &&
        (st->pause_until == PR_TIME_NONE || now >= st->pause_until)) {
        st->peak = equity;
        st->dd_tier = 0;
        b->tier_seen = 0;
        b->dd_since = PR_TIME_NONE;
        fire(st, PR_PROT_DD_RESET, now);
    }
}

/* ---- closed round trips: stop-outs, the guard, the low-profit lock --------- */
static int is_stop_out(const pr_fill_info *f, double r) {
    int stop_cause = f->cause == PR_CAUSE_STOP || f->cause == PR_CAUSE_TRAIL || f->cause == PR_CAUSE_BREAKEVEN ||
                     f->cause == PR_CAUSE_LIQUIDATION;
    return stop_cause && r < 0;
}

static void lock(pr_risk_inst_memo *m, pr_risk_protect_id id, int64_t until) {
    if (m->lock_until == PR_TIME_NONE || until > m->lock_until) {
        m->lock_until = until;
        m->lock_by = id;
    }
}

/* Stop-outs of instrument memo m (or of all, m NULL) in (now - lookback, now]
 * not counted by an earlier firing. */
static int recent_stops(const pr_risk_breaker_state *b, const pr_risk_inst_memo *m, int64_t now, double hours) {
    int64_t from = after_hours(now, -hours);
    int n = 0;
    if (!m) {
        for (int k = 0; k < b->n_stops; k++) {
            int64_t t = b->stops[k];
            n += t > from && t <= now && (b->guard_from == PR_TIME_NONE || t > b->guard_from);
        }
        return n;
    }
    for (int k = 0; k < m->n; k++) {
        int64_t t = m->t[k];
        n += m->stop[k] && t > from && t <= now && (m->guard_from == PR_TIME_NONE || t > m->guard_from);
    }
    return n;
}

static void guard(const pr_risk_breakers *c, pr_risk_state *st, pr_risk_inst_memo *m, int64_t now) {
    pr_risk_breaker_state *b = &st->brk;
    if (c->guard_per_instrument) {
        if (recent_stops(b, m, now, c->guard_lookback_hours) < c->guard_stops) return;
        m->guard_from = now;
        lock(m, PR_PROT_STOPLOSS_GUARD, after_hours(now, c->guard_lock_hours));
    } else {
        if (recent_stops(b, NULL, now, c->guard_lookback_hours) < c->guard_stops) return;
        b->guard_from = now;
        int64_t until = after_hours(now, c->guard_lock_hours);
        if (st->pause_until == PR_TIME_NONE || until > st->pause_until) {
            st->pause_until = until;
            st->pause_by = PR_PROT_STOPLOSS_GUARD;
        }
    }
    fire(st, PR_PROT_STOPLOSS_GUARD, now);
}

static void low_profit(const pr_risk_breakers *c, pr_risk_state *st, pr_risk_inst_memo *m, int64_t now) {
    if (m->lock_until != PR_TIME_NONE && now < m->lock_until && m->lock_by == PR_PROT_LOW_PROFIT) return;
    int64_t from = after_hours(now, -c->low_profit_lookback_hours);
    int n = 0;
    double sum = 0;
    for (int k = 0; k < m->n; k++)
        if (m->t[k] > from && m->t[k] <= now) {
            n++;
            sum += m->r[k];
        }
    if (n < c->low_profit_trades || !(sum < c->low_profit_min)) return;
    lock(m, PR_PROT_LOW_PROFIT, after_hours(now, c->low_profit_lock_hours));
    fire(st, PR_PROT_LOW_PROFIT, now);
}

void pr_risk_breakers_closed(const pr_risk_breakers *c, pr_risk_state *st, const pr_fill_info *f, double r) {
    if (f->instrument < 0 || f->instrument >= PR_RISK_MAX_INSTRUMENTS) return;
    pr_risk_breaker_state *b = &st->brk;
    pr_risk_inst_memo *m = &b->inst[f->instrument];
    int64_t now = f->seen;
    int stop = is_stop_out(f, r);
    m->t[m->head] = now;
    m->r[m->head] = r;
    m->stop[m->head] = stop;
    m->head = (m->head + 1) % PR_RISK_RECENT;
    if (m->n < PR_RISK_RECENT) m->n++;
    if (stop) {
        m->stop_out = now;
        b->stops[b->stops_head] = now;
        b->stops_head = (b->stops_head + 1) % PR_RISK_RECENT_STOPS;
        if (b->n_stops < PR_RISK_RECENT_STOPS) b->n_stops++;
        if (c->cooldown_bars > 0 || c->cooldown_hours > 0) fire(st, PR_PROT_COOLDOWN, now);
        if (c->guard_stops > 0) guard(c, st, m, now);
    }
    if (c->low_profit_trades > 0) low_profit(c, st, m, now);
}

/* ---- entries ---------------------------------------------------------------- */
/* 1 while instrument `inst` cools down after its last stop-out: fewer than
 * cooldown_bars of its bars have opened since the step that saw it, or
 * fewer than cooldown_hours have passed. */
static int cooling(const pr_risk_breakers *c, const pr_risk_inst_memo *m, const pr_size_request *rq, int inst) {
    if (m->stop_out == PR_TIME_NONE) return 0;
    if (c->cooldown_hours > 0 && rq->now < after_hours(m->stop_out, c->cooldown_hours)) return 1;
    if (c->cooldown_bars <= 0) return 0;
    pr_bar bar;
    if (rq->view && pr_view_bar(rq->view, inst, pr_view_tf(rq->view, inst), (size_t)c->cooldown_bars - 1, &bar) == 0)
        return bar.ts < m->stop_out;
    /* Fewer bars visible than asked: count bar lengths instead. */
    int64_t ms = rq->view ? pr_tf_ms(pr_view_tf(rq->view, inst)) : 0;
    return rq->now < m->stop_out + (int64_t)c->cooldown_bars * ms;
}

/* 1 when the latest ATR (the mean true range of vol_atr_period bars) is
 * above at least vol_percentile of the vol_lookback ATRs before it (ties
 * do not count, so a quiet market of equal ranges never halts); 0 when the
 * view holds too few bars to say. */
static int vol_spike(const pr_risk_breakers *c, const pr_market_view *v, int inst) {
    int p = c->vol_atr_period, n = c->vol_lookback;
    pr_timeframe tf = pr_view_tf(v, inst);
    pr_bar b, prev;
    /* True ranges of bars ago 0 .. n + p - 1; ATR ago k = mean of TR k .. k + p - 1. */
    double tr[PR_RISK_VOL_MAX], sum = 0;
    int m = n + p;
    if (m > PR_RISK_VOL_MAX || pr_view_bar(v, inst, tf, (size_t)m, &prev) != 0) return 0;
    for (int k = m - 1; k >= 0; k--) {   /* oldest first */
        if (pr_view_bar(v, inst, tf, (size_t)k, &b) != 0) return 0;
        tr[k] = fmax(b.high - b.low, fmax(fabs(b.high - prev.close), fabs(b.low - prev.close)));
        prev = b;
    }
    for (int k = 0; k < p; k++) sum += tr[k];
    double latest = sum;
    int below = 0;
    for (int k = 1; k <= n; k++) {   /* sums of p true ranges: same order as the means */
        sum += tr[k + p - 1] - tr[k - 1];
        below += sum < latest * (1 - 1e-12);
    }
    return (double)below / n >= c->vol_percentile;
}

/* Start of the weekend window holding now, or PR_TIME_NONE outside it. */
static int64_t weekend_window(const pr_risk_breakers *c, int64_t now) {
    int64_t w0 = week_of(now), off = now - w0;
    int64_t s = (int64_t)llround((c->weekend_start_day * 24 + c->weekend_start_hour) * HOUR_MS);
    int64_t e = (int64_t)llround((c->weekend_end_day * 24 + c->weekend_end_hour) * HOUR_MS);
    if (s < e) return off >= s && off < e ? w0 + s : PR_TIME_NONE;
    if (off >= s) return w0 + s;   /* wraps past Monday 00:00 */
    return off < e ? w0 - WEEK_MS + s : PR_TIME_NONE;
}

static int avoided_hour(const pr_risk_breakers *c, pr_asset_class cls, int64_t now) {
    int k = cls == PR_ASSET_CRYPTO ? 0 : cls == PR_ASSET_FOREX ? 1 : cls == PR_ASSET_STOCK ? 2 : cls == PR_ASSET_FUTURE ? 3 : -1;
    if (k < 0) return 0;
    int hour = (int)((((now % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY) / PR_MS_PER_HOUR);
    for (int i = 0; i < c->n_avoid[k]; i++)
        if ((int)c->avoid_hours[k][i] == hour) return 1;
    return 0;
}

const char *pr_risk_breakers_check(const pr_risk_breakers *c, pr_risk_state *st, const pr_size_request *rq) {
    pr_risk_breaker_state *b = &st->brk;
    int inst = rq->sig->instrument;
    int64_t now = rq->now;
    if (b->kill_on) return pr_risk_protect_names[PR_PROT_KILL_SWITCH];
    if (inst < 0 || inst >= PR_RISK_MAX_INSTRUMENTS) return NULL;
    pr_risk_inst_memo *m = &b->inst[inst];
    if (m->lock_until != PR_TIME_NONE && now < m->lock_until) return pr_risk_protect_names[m->lock_by];
    if ((c->cooldown_bars > 0 || c->cooldown_hours > 0) && cooling(c, m, rq, inst))
        return pr_risk_protect_names[PR_PROT_COOLDOWN];
    if (c->vol_percentile > 0 && rq->view) {
        int spike = vol_spike(c, rq->view, inst);
        if (spike && !m->vol_halted) fire(st, PR_PROT_VOL_HALT, now);
        m->vol_halted = spike;
        if (spike) return pr_risk_protect_names[PR_PROT_VOL_HALT];
    }
    pr_asset_class cls = rq->inst ? rq->inst->asset_class : PR_ASSET_UNKNOWN;
    if (c->weekend_size == 0 && cls == PR_ASSET_CRYPTO) {
        int64_t w = weekend_window(c, now);
        if (w != PR_TIME_NONE) {
            if (b->weekend_seen != w) fire(st, PR_PROT_WEEKEND, now);
            b->weekend_seen = w;
            return pr_risk_protect_names[PR_PROT_WEEKEND];
        }
    }
    if (avoided_hour(c, cls, now)) {
        int64_t h = now - (((now % PR_MS_PER_HOUR) + PR_MS_PER_HOUR) % PR_MS_PER_HOUR);
        if (b->hour_seen != h) fire(st, PR_PROT_HOURS, now);
        b->hour_seen = h;
        return pr_risk_protect_names[PR_PROT_HOURS];
    }
    return NULL;
}

void pr_risk_breakers_resize(const pr_risk_breakers *c, pr_risk_state *st, const pr_size_request *rq,
                             pr_risk_decision *d) {
    if (!(c->weekend_size > 0 && c->weekend_size < 1) || !(d->value > 0) || !rq->inst ||
        rq->inst->asset_class != PR_ASSET_CRYPTO)
        return;
    int64_t w = weekend_window(c, rq->now);
    if (w == PR_TIME_NONE) return;
    if (st->brk.weekend_seen != w) fire(st, PR_PROT_WEEKEND, rq->now);
    st->brk.weekend_seen = w;
    d->value *= c->weekend_size;
    d->resized = 1;
    d->reason = pr_risk_protect_names[PR_PROT_WEEKEND];
}

/* ---- exits ------------------------------------------------------------------ */
static int kill_file_exists(const char *path) {
    struct stat sb;
    return path[0] != '\0' && stat(path, &sb) == 0;
}

/* An EXIT of `frac` (0: all) of every instrument with a position; for the
 * kill switch also of one with only a working entry (the exit cancels it),
 * and not again while an exit of the instrument is working. */
static int exit_all(const pr_market_view *v, const pr_portfolio *pf, double frac, int kill, const char *tag,
                    pr_signal_list *out, pr_err *err) {
    size_t n = pr_view_n_instruments(v);
    for (size_t i = 0; i < n; i++) {
        pr_holding h = {0, 0, PR_TIME_NONE};
        if (pf && pf->holding) pf->holding(pf->self, (int)i, &h);
        int entry = 0, closing = 0;
        if (kill && pf && pf->orders) {
            pr_working_order wo[8];
            size_t k = pf->orders(pf->self, (int)i, wo, 8);
            for (size_t j = 0; j < k && j < 8; j++) {
                entry |= wo[j].cause == PR_CAUSE_ENTRY;
                closing |= wo[j].cause == PR_CAUSE_EXIT;
            }
        }
        if (closing || (h.qty == 0 && !entry)) continue;
        pr_signal *g = pr_signal_list_add(out, PR_SIG_EXIT, (int)i);
        if (!g) return pr_err_set(err, PR_ELIMIT, "risk: more exits than the pipeline's signal list holds");
        g->exit_frac = frac;
        pr_signal_tag(g, tag);
    }
    return PR_OK;
}

int pr_risk_breakers_exits(const pr_risk_breakers *c, pr_risk_state *st, const pr_market_view *v,
                           const pr_portfolio *pf, pr_signal_list *out, pr_err *err) {
    pr_risk_breaker_state *b = &st->brk;
    int64_t now = pr_view_now(v);
    int kill = b->kill_signal || kill_file_exists(c->kill_file);
    if (kill && !b->kill_on) fire(st, PR_PROT_KILL_SWITCH, now);
    b->kill_on = kill;
    int pending = b->pending;
    b->pending = PR_BRK_NONE;
    if (kill) return exit_all(v, pf, 0, 1, "risk:kill", out, err);
    if (pending == PR_BRK_CLOSE) return exit_all(v, pf, 0, 0, "risk:dd_halt", out, err);
    if (pending == PR_BRK_REDUCE) return exit_all(v, pf, c->dd_stop_reduce, 0, "risk:dd_stop", out, err);
    return PR_OK;
}
