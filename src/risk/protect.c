/* Protections of the risk stage (risk/protect.h): state transitions on the
 * equity at each step and on closed round trips, and the entry check. A
 * protection's trigger is counted when it starts blocking (or, for the
 * drawdown warning, when the tier is reached), not once per refused entry. */
#include <stddef.h>

#include "proratio/risk/protect.h"

const char *const pr_risk_protect_names[] = {"daily loss limit", "weekly loss limit", "consecutive losses", "max trades per day",
                                             "drawdown warning", "drawdown stop", "drawdown halt",
                                             /* risk/breakers.h */
                                             "drawdown reset", "stop-out cooldown", "stoploss guard", "low-profit lock",
                                             "volatility halt", "kill switch", "crypto weekend", "time filter"};

#define HOUR_MS 3600000.0

static int64_t day_of(int64_t t) { return t - (((t % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY); }

/* Monday 00:00 UTC of t's week (1970-01-01 was a Thursday: day 0 is
 * weekday 3 counting Monday as 0). */
static int64_t week_of(int64_t t) {
    int64_t d = (day_of(t)) / PR_MS_PER_DAY;
    return (d - (((d + 3) % 7) + 7) % 7) * PR_MS_PER_DAY;
}

static void fire(pr_risk_state *st, pr_risk_protect_id id, int64_t now) {
    st->trig[id].count++;
    st->trig[id].last = now;
    st->times.at[id][(st->trig[id].count - 1) % PR_RISK_TRIGGER_TIMES] = now;
}

static void hold_entries(pr_risk_state *st, pr_risk_protect_id id, int64_t until) {
    if (st->pause_until == PR_TIME_NONE || until > st->pause_until) {
        st->pause_until = until;
        st->pause_by = id;
    }
}

void pr_risk_protect_step(const pr_risk_protections *c, pr_risk_state *st, int64_t now, double equity) {
    int same_day = pr_risk_same_day(st, now);
    int64_t day = same_day ? st->day : day_of(now);
    if (st->day != day) {
        st->day = day;
        st->day_equity = equity;
        st->day_entries = 0;
        st->daily_hit = 0;
    }
    if (c->daily_loss > 0 && !st->daily_hit && equity <= st->day_equity * (1 - c->daily_loss)) {
        st->daily_hit = 1;
        fire(st, PR_PROT_DAILY_LOSS, now);
    }
    int64_t week = same_day ? st->week : week_of(now);
    if (st->week != week) {
        st->week = week;
        st->week_equity = equity;
        st->weekly_hit = 0;
    }
    if (c->weekly_loss > 0 && !st->weekly_hit && equity <= st->week_equity * (1 - c->weekly_loss)) {
        st->weekly_hit = 1;
        fire(st, PR_PROT_WEEKLY_LOSS, now);
    }
    if (equity > st->peak) st->peak = equity;
    double dd = st->peak > 0 ? 1 - equity / st->peak : 0;
    int tier = pr_risk_dd_tier(c, dd);
    /* A jump over tiers fires each tier passed, but only those configured:
     * a drawdown straight to the stop tier with dd_warn off is no warning. */
    const double lim[4] = {0, c->dd_warn, c->dd_stop, c->dd_halt};
    for (int t = st->dd_tier + 1; t <= tier; t++)
        if (lim[t] > 0) fire(st, (pr_risk_protect_id)(PR_PROT_DD_WARN + t - 1), now);
    if (tier == 3 && st->dd_tier < 3) hold_entries(st, PR_PROT_DD_HALT, now + (int64_t)(c->halt_days * PR_MS_PER_DAY));
    st->dd_tier = tier;
}

void pr_risk_protect_closed(const pr_risk_protections *c, pr_risk_state *st, int64_t now, double r) {
    st->consecutive = r > 0 ? 0 : st->consecutive + 1;
    if (c->max_consecutive_losses > 0 && st->consecutive >= c->max_consecutive_losses) {
        fire(st, PR_PROT_CONSECUTIVE, now);
        hold_entries(st, PR_PROT_CONSECUTIVE, now + (int64_t)(c->loss_pause_hours * HOUR_MS));
        st->consecutive = 0;
    }
}

const char *pr_risk_protect_check(const pr_risk_protections *c, const pr_risk_state *st, int64_t now) {
    if (st->pause_until != PR_TIME_NONE && now < st->pause_until) return pr_risk_protect_names[st->pause_by];
    if (st->dd_tier >= 2) return pr_risk_protect_names[PR_PROT_DD_STOP];
    if (st->weekly_hit) return pr_risk_protect_names[PR_PROT_WEEKLY_LOSS];
    if (st->daily_hit) return pr_risk_protect_names[PR_PROT_DAILY_LOSS];
    if (c->max_trades_per_day > 0 && st->day == day_of(now) &&
        st->day_entries >= c->max_trades_per_day)
        return pr_risk_protect_names[PR_PROT_TRADES_PER_DAY];
    return NULL;
}

void pr_risk_protect_entered(const pr_risk_protections *c, pr_risk_state *st, int64_t now) {
    st->day_entries++;
    if (c->max_trades_per_day > 0 && st->day_entries == c->max_trades_per_day) fire(st, PR_PROT_TRADES_PER_DAY, now);
}
