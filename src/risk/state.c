/* The risk stage's memory (risk/state.h): round trips rebuilt from fills,
 * the rolling window of closed-trade returns, and the resize/refusal
 * counters. */
#include <math.h>
#include <string.h>

#include "proratio/risk/state.h"
#include "proratio/risk/breakers.h"

/* A position this close to zero (relative to the units traded) is flat. */
#define FLAT_EPS 1e-9

void pr_risk_state_init(pr_risk_state *st) {
    memset(st, 0, sizeof *st);
    st->version = PR_RISK_STATE_VERSION;
    st->day = PR_TIME_NONE;
    st->week = PR_TIME_NONE;
    st->pause_until = PR_TIME_NONE;
    for (int k = 0; k < PR_PROT_N; k++) st->trig[k].last = PR_TIME_NONE;
    pr_risk_breakers_init(&st->brk);
}

static void push_return(pr_risk_state *st, double r) {
    st->returns[st->head] = r;
    st->head = (st->head + 1) % PR_RISK_WINDOW_MAX;
    if (st->n_returns < PR_RISK_WINDOW_MAX) st->n_returns++;
    st->closed++;
}

int pr_risk_state_on_fill(pr_risk_state *st, const pr_fill_info *f, double *ret) {
    if (f->instrument < 0 || f->instrument >= PR_RISK_MAX_INSTRUMENTS || !(f->qty > 0)) return 0;
    pr_risk_open *o = &st->open[f->instrument];
    double q = f->side * f->qty;
    if (o->qty == 0 || (o->qty > 0) == (q > 0)) {   /* opens or adds */
        double n = fabs(o->qty) + f->qty;
        o->avg = (o->avg * fabs(o->qty) + f->price * f->qty) / n;
        o->cost += f->price * f->qty;
        o->qty += q;
        return 0;
    }
    double closed = fmin(f->qty, fabs(o->qty));
    o->realized += closed * (f->price - o->avg) * (o->qty > 0 ? 1 : -1);
    double rest = f->qty - closed;   /* reverses beyond flat */
    o->qty += f->side * closed;
    if (fabs(o->qty) > FLAT_EPS * f->qty) return 0;
    double r = o->cost > 0 ? o->realized / o->cost : 0;
    int closed_one = o->cost > 0;
    if (closed_one) push_return(st, r);
    *o = (pr_risk_open){0, 0, 0, 0};
    if (rest > FLAT_EPS * f->qty) *o = (pr_risk_open){f->side * rest, f->price, f->price * rest, 0};
    if (closed_one && ret) *ret = r;
    return closed_one;
}

void pr_risk_state_stats(const pr_risk_state *st, int window, pr_risk_trade_stats *out) {
    *out = (pr_risk_trade_stats){0, 0, 0, 0};
    int n = window < st->n_returns ? window : st->n_returns;
    for (int k = 1; k <= n; k++) {
        double r = st->returns[(st->head - k + PR_RISK_WINDOW_MAX) % PR_RISK_WINDOW_MAX];
        out->n++;
        if (r > 0) {
            out->wins++;
            out->sum_win += r;
        } else {
            out->sum_loss -= r;
        }
    }
}

void pr_risk_state_count(pr_risk_state *st, const char *reason, int rejected) {
    if (rejected) st->rejected++;
    else st->resized++;
    int i = 0;
    while (i < st->n_counts && strcmp(st->counts[i].reason, reason) != 0) i++;
    if (i == PR_RISK_MAX_REASONS) {   /* full: the last row collects the rest */
        i = PR_RISK_MAX_REASONS - 1;
        pr_strlcpy(st->counts[i].reason, "other", PR_RISK_REASON_MAX);
    } else if (i == st->n_counts) {
        st->n_counts++;
        pr_strlcpy(st->counts[i].reason, reason, PR_RISK_REASON_MAX);
    }
    if (rejected) st->counts[i].rejected++;
    else st->counts[i].resized++;
}
