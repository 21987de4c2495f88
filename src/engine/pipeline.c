/* The decision pipeline: strategy -> confirmation stages -> sizing -> orders,
 * called once per closed bar by the backtest loop and the live runner alike.
 * It also manages open positions at each close (trailing stop, break-even
 * move, time stop) by amending or submitting orders through the broker, so
 * brokers only ever see plain market / limit / stop / stop-limit orders. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"
#include "pipeline_internal.h"

/* What the pipeline tracks for a position it has to manage. */
typedef struct plan {
    int active;              /* managing (entry pending or position open)    */
    int entered;             /* entry filled                                  */
    int side;
    uint64_t entry_id, stop_id, exit_id;
    double stop;             /* current protective stop (0: none)             */
    double trail_frac, trail_dist, be_gain;
    int max_bars;
    int be_done;
    int bars;                /* closed bars since the entry fill              */
    double entry_px, best;
} plan;

static const plan k_no_plan;

/* An order the pipeline submitted that was still working when last looked
 * at: polled at each step for fills, cancellations and rejections at fill,
 * which become the strategy's events and its latest fills. */
typedef struct tracked {
    uint64_t id;
    int inst;
    double filled, avg;      /* as last seen                                 */
} tracked;

/* Latest fills kept per instrument for pr_view_last_fills. */
#define PIPE_FILLS 8

enum { PRE_MANAGE = 1, PRE_SIZER = 2 };

static int sizer_pre(const pr_sizer *z) { return z->on_step || z->exits ? PRE_SIZER : 0; }

struct pr_pipeline {
    pr_pipeline_config cfg;
    pr_strategy *strat;
    pr_confirm_stage *stages;
    pr_stage_effect *effects;    /* one per stage, filled for the observer */
    size_t n_stages;
    pr_pipeline_observer obs;
    pr_sizer sizer;
    pr_signal *sigbuf;
    size_t sigcap;
    plan *plans;
    uint64_t *pending;       /* entry order per instrument not yet resolved  */
    size_t n;
    int pre;                 /* work before the strategy at every step:
                                PRE_MANAGE (a plan is active: set when one
                                becomes active, cleared by a walk that finds
                                none), PRE_SIZER (the sizer has on_step or
                                exits); one word, read at every step with
                                n_trk                                        */
    size_t n_trk;            /* orders to look at                            */
    const uint64_t *changes; /* the broker's change count (NULL: none)      */
    uint64_t seen;           /* its value at the last look                   */
    int unseen;              /* an order tracked not working (cancelled at
                                submission): the next step looks regardless */
    pr_pipeline_stats st;
    /* What the strategy sees of its orders (pr_view_holding and friends,
     * on_event). Broker and view are taken when the pipeline first acts in
     * a run (a signal, an order to look at), not at every step, which costs
     * the engine's hot loop nothing: until then the strategy has no order
     * and holds nothing, which is what a NULL broker shows. */
    pr_portfolio pf;
    pr_broker *broker;
    const pr_market_view *view;
    const pr_broker *acct_b; /* the broker whose whole account the sizer's
                                on_step saw this run: later steps take the
                                sizer's step hook with its equity (NULL:
                                none yet, or no such hook)                   */
    tracked *trk;
    size_t cap_trk;
    pr_fill_info *fills;     /* PIPE_FILLS per instrument, a ring            */
    size_t *n_fills;         /* fills seen per instrument                    */
    /* The sizer's quiet steps (pr_sizer.quiet, pr_equity_band): while they
     * hold, a step skips sizer_step, which would change nothing. */
    int q_on;
    pr_sizer_quiet q;
    pr_equity_band qb;
    const unsigned char *q_upd;   /* the view's updated flags               */
    const int64_t *q_now;         /* and its clock                          */
    const pr_broker *q_b;         /* the broker of the band                 */
};

void pr_sizing_default(pr_sizing *s) {
    memset(s, 0, sizeof *s);
    s->mode = PR_SIZE_FIXED_RISK;
    s->risk = 0.01;
    s->fraction = 0.1;
}

void pr_pipeline_config_default(pr_pipeline_config *c) {
    memset(c, 0, sizeof *c);
    pr_sizing_default(&c->sizing);
    c->max_signals = 64;
}

/* ---- the built-in sizer ------------------------------------------------------ */
static int builtin_size(void *self, const pr_size_request *rq, pr_size *out, pr_err *err) {
    const pr_sizing *z = self;
    double eq = rq->account->equity;
    switch (z->mode) {
    case PR_SIZE_ALL_CASH:
        /* Everything: the broker caps it at fill to what is available then,
         * i.e. cash / (price * (1 + fee)) when flat at leverage 1. */
        out->mode = PR_QTY_CASH;
        out->value = eq;
        break;
    case PR_SIZE_FIXED_FRACTION:
        out->mode = PR_QTY_NOTIONAL;
        out->value = z->fraction * eq;
        break;
    case PR_SIZE_FIXED_QTY:
        out->mode = PR_QTY_UNITS;
        out->value = z->qty;
        break;
    case PR_SIZE_FIXED_RISK:
    default:
        if (rq->sig->stop > 0) {
            out->mode = PR_QTY_RISK;
            out->value = z->risk * eq;
        } else {
            out->mode = PR_QTY_NOTIONAL;
            out->value = z->fraction * eq;
        }
        break;
    }
    (void)err;
    return PR_OK;
}

int pr_sizer_builtin(const pr_sizing *s, pr_sizer *out, pr_err *err) {
    if (!s || !out) return pr_err_set(err, PR_EINVAL, "pr_sizer_builtin: NULL argument");
    if (s->mode < PR_SIZE_FIXED_RISK || s->mode > PR_SIZE_FIXED_QTY)
        return pr_err_set(err, PR_EINVAL, "sizing: unknown mode %d", (int)s->mode);
    if ((s->mode == PR_SIZE_FIXED_RISK && !(s->risk > 0 && s->risk < 1)) ||
        ((s->mode == PR_SIZE_FIXED_FRACTION || s->mode == PR_SIZE_FIXED_RISK) && !(s->fraction > 0)) ||
        (s->mode == PR_SIZE_FIXED_QTY && !(s->qty > 0)))
        return pr_err_set(err, PR_EINVAL, "sizing: risk must be in (0,1), fraction and qty positive");
    pr_sizing *copy = malloc(sizeof *copy);
    if (!copy) return pr_err_set(err, PR_ENOMEM, "sizing: out of memory");
    *copy = *s;
    *out = (pr_sizer){.self = copy, .size = builtin_size, .destroy = free};
    return PR_OK;
}

/* ---- what the strategy sees of its orders --------------------------------------- */
static pr_fill_cause cause_of(pr_order_role r) {
    switch (r) {
    case PR_ROLE_ENTRY: return PR_CAUSE_ENTRY;
    case PR_ROLE_EXIT: return PR_CAUSE_EXIT;
    case PR_ROLE_STOP: return PR_CAUSE_STOP;
    case PR_ROLE_TARGET: return PR_CAUSE_TARGET;
    case PR_ROLE_TRAIL: return PR_CAUSE_TRAIL;
    case PR_ROLE_BREAKEVEN: return PR_CAUSE_BREAKEVEN;
    case PR_ROLE_TIME: return PR_CAUSE_TIME;
    case PR_ROLE_LIQUIDATION: return PR_CAUSE_LIQUIDATION;
    case PR_ROLE_END: return PR_CAUSE_END;
    }
    return PR_CAUSE_EXIT;
}

static int pf_holding(void *self, int inst, pr_holding *out) {
    pr_pipeline *p = self;
    pr_position pos;
    if (!p->broker || (size_t)inst >= p->n || p->broker->vt->get_position(p->broker, inst, &pos) != 0) return PR_OK;
    if (pos.qty != 0) *out = (pr_holding){pos.qty, pos.avg_price, pos.entry_ts};
    return PR_OK;
}

static size_t pf_orders(void *self, int inst, pr_working_order *out, size_t cap) {
    pr_pipeline *p = self;
    size_t n = 0;
    for (size_t k = 0; p->broker && k < p->n_trk; k++) {
        pr_order o;
        if (p->trk[k].inst != inst || p->broker->vt->get_order(p->broker, p->trk[k].id, &o) != 0) continue;
        if (o.status != PR_OS_ACTIVE && o.status != PR_OS_WAITING) continue;
        if (n < cap)
            out[n] = (pr_working_order){o.id, o.instrument, o.side, cause_of(o.role), o.status == PR_OS_WAITING,
                                        o.limit_price, o.stop_price, o.filled_qty};
        n++;
    }
    return n;
}

static size_t pf_fills(void *self, int inst, pr_fill_info *out, size_t cap) {
    pr_pipeline *p = self;
    if (!p->n_fills || (size_t)inst >= p->n) return 0;
    size_t have = p->n_fills[inst] < PIPE_FILLS ? p->n_fills[inst] : PIPE_FILLS;
    size_t m = have < cap ? have : cap;
    for (size_t k = 0; k < m; k++)   /* the newest m, oldest first */
        out[k] = p->fills[(size_t)inst * PIPE_FILLS + (p->n_fills[inst] - m + k) % PIPE_FILLS];
    return m;
}

const pr_portfolio *pr_pipeline_portfolio(pr_pipeline *p) { return p ? &p->pf : NULL; }

static int deliver(pr_pipeline *p, pr_strategy_event *ev, pr_err *err) {
    if (!p->strat->vt->on_event) return PR_OK;
    ev->ts = pr_view_now(p->view);
    return p->strat->vt->on_event(p->strat, p->view, ev, err);
}

/* A signal that made no order: vetoed by a stage or sized to nothing. */
static int signal_refused(pr_pipeline *p, const pr_signal *sig, const char *stage, const char *reason, pr_err *err) {
    if (!p->strat->vt->on_event) return PR_OK;
    pr_strategy_event ev = {.kind = PR_EV_REJECTED, .instrument = sig->instrument, .signal = sig->kind,
                            .cause = sig->kind == PR_SIG_EXIT ? PR_CAUSE_EXIT : PR_CAUSE_ENTRY, .stage = stage,
                            .reason = reason};
    memcpy(ev.tag, sig->tag, sizeof ev.tag);
    return deliver(p, &ev, err);
}

static int order_event(pr_pipeline *p, pr_event_kind kind, const pr_order *o, double qty, double price,
                       pr_err *err) {
    if (!p->strat->vt->on_event) return PR_OK;
    pr_strategy_event ev = {.kind = kind, .instrument = o->instrument, .cause = cause_of(o->role),
                            .order_id = o->id, .side = o->side, .qty = qty, .price = price};
    if (kind == PR_EV_REJECTED) {
        ev.stage = "broker";
        ev.reason = o->reject;
    }
    memcpy(ev.tag, o->tag, sizeof ev.tag);
    return deliver(p, &ev, err);
}

static int track(pr_pipeline *p, const pr_order *o) {
    if (p->n_trk == p->cap_trk) {
        size_t cap = p->cap_trk ? 2 * p->cap_trk : 16;
        tracked *nt = realloc(p->trk, cap * sizeof *nt);
        if (!nt) return PR_ENOMEM;
        p->trk = nt;
        p->cap_trk = cap;
    }
    p->trk[p->n_trk++] = (tracked){o->id, o->instrument, o->filled_qty, o->avg_price};
    if (o->status != PR_OS_ACTIVE && o->status != PR_OS_WAITING) p->unseen = 1;
    return PR_OK;
}

/* What happened to the working orders since the last step, in submission
 * order: fills (recorded, then told), cancellations, rejections at fill.
 * Called only when the broker's change count moved since the last look
 * (or it keeps none): a step in which no order changed would find nothing.
 * An entry order seen resolved is no longer pending, so that enter and
 * do_exit need not ask the broker about it again (they would find it not
 * working). Out of line for the reason run_signals is. */
PR_HOT __attribute__((noinline)) static int poll_orders(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_err *err) {
    p->broker = b;
    p->view = v;
    size_t keep = 0;
    int rc = PR_OK;
    for (size_t k = 0; k < p->n_trk; k++) {
        tracked t = p->trk[k];
        pr_order o;
        if (p->broker->vt->get_order(p->broker, t.id, &o) != 0) continue;
        double dq = o.filled_qty - t.filled;
        if (rc == PR_OK && dq > 0) {
            double px = (o.avg_price * o.filled_qty - t.avg * t.filled) / dq;
            size_t inst = (size_t)o.instrument;
            if (inst < p->n) {
                pr_fill_info *fi = &p->fills[inst * PIPE_FILLS + p->n_fills[inst] % PIPE_FILLS];
                *fi = (pr_fill_info){o.id, o.instrument, o.side, cause_of(o.role), pr_view_now(p->view), dq, px};
                if (p->sizer.on_fill) p->sizer.on_fill(p->sizer.self, fi);
                p->n_fills[inst]++;
            }
            rc = order_event(p, PR_EV_FILL, &o, dq, px, err);
        }
        if (rc == PR_OK && o.status == PR_OS_CANCELLED) rc = order_event(p, PR_EV_CANCELLED, &o, 0, 0, err);
        if (rc == PR_OK && o.status == PR_OS_REJECTED) rc = order_event(p, PR_EV_REJECTED, &o, 0, 0, err);
        if (o.status == PR_OS_ACTIVE || o.status == PR_OS_WAITING)
            p->trk[keep++] = (tracked){t.id, t.inst, o.filled_qty, o.avg_price};
        else if ((size_t)t.inst < p->n && p->pending[t.inst] == t.id)
            p->pending[t.inst] = 0;
    }
    p->n_trk = keep;
    p->unseen = 0;
    p->changes = b->vt->changes ? b->vt->changes(b) : NULL;
    if (p->changes) p->seen = *p->changes;
    return rc;
}

/* ---- lifecycle ------------------------------------------------------------------ */
int pr_pipeline_new(const pr_pipeline_config *cfg, pr_strategy *strategy, pr_pipeline **out, pr_err *err) {
    if (!strategy || !strategy->vt || !out) return pr_err_set(err, PR_EINVAL, "pipeline: need a strategy");
    *out = NULL;
    pr_pipeline *p = calloc(1, sizeof *p);
    if (!p) return pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    if (cfg) p->cfg = *cfg;
    else pr_pipeline_config_default(&p->cfg);
    p->strat = strategy;
    p->pf = (pr_portfolio){p, pf_holding, pf_orders, pf_fills};
    p->sigcap = p->cfg.max_signals ? p->cfg.max_signals : 64;
    p->sigbuf = calloc(p->sigcap, sizeof *p->sigbuf);
    int rc = p->sigbuf ? pr_sizer_builtin(&p->cfg.sizing, &p->sizer, err)
                       : pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    if (rc != 0) {
        free(p->sigbuf);
        free(p);
        return rc;
    }
    *out = p;
    return PR_OK;
}

void pr_pipeline_free(pr_pipeline *p) {
    if (!p) return;
    for (size_t k = 0; k < p->n_stages; k++)
        if (p->stages[k].destroy) p->stages[k].destroy(p->stages[k].self);
    if (p->sizer.destroy) p->sizer.destroy(p->sizer.self);
    free(p->stages);
    free(p->effects);
    free(p->sigbuf);
    free(p->plans);
    free(p->pending);
    free(p->trk);
    free(p->fills);
    free(p->n_fills);
    free(p);
}

int pr_pipeline_add_stage(pr_pipeline *p, const pr_confirm_stage *stage, pr_err *err) {
    if (!p || !stage || !stage->confirm) return pr_err_set(err, PR_EINVAL, "pipeline: stage without confirm");
    pr_confirm_stage *ns = realloc(p->stages, (p->n_stages + 1) * sizeof *ns);
    if (!ns) return pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    p->stages = ns;
    pr_stage_effect *ne = realloc(p->effects, (p->n_stages + 1) * sizeof *ne);
    if (!ne) return pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    p->effects = ne;
    p->stages[p->n_stages++] = *stage;
    return PR_OK;
}

void pr_pipeline_set_observer(pr_pipeline *p, const pr_pipeline_observer *obs) {
    if (!p) return;
    if (obs) p->obs = *obs;
    else memset(&p->obs, 0, sizeof p->obs);
}

void pr_pipeline_set_sizer(pr_pipeline *p, const pr_sizer *sizer) {
    if (!p || !sizer || !sizer->size) return;
    if (p->sizer.destroy) p->sizer.destroy(p->sizer.self);
    p->sizer = *sizer;
    p->acct_b = NULL;
    p->q_on = 0;
    p->pre = (p->pre & ~PRE_SIZER) | sizer_pre(&p->sizer);
}

pr_strategy *pr_pipeline_strategy(pr_pipeline *p) { return p ? p->strat : NULL; }

int pr_pipeline_reset(pr_pipeline *p, size_t n_instruments, pr_err *err) {
    if (!p || n_instruments == 0) return pr_err_set(err, PR_EINVAL, "pipeline: no instruments");
    free(p->plans);
    free(p->pending);
    free(p->fills);
    free(p->n_fills);
    p->plans = calloc(n_instruments, sizeof *p->plans);
    p->pending = calloc(n_instruments, sizeof *p->pending);
    p->fills = calloc(n_instruments * PIPE_FILLS, sizeof *p->fills);
    p->n_fills = calloc(n_instruments, sizeof *p->n_fills);
    p->n_trk = 0;
    p->unseen = 0;
    p->changes = NULL;
    p->broker = NULL;   /* the previous run's, freed by now */
    p->view = NULL;
    p->acct_b = NULL;
    p->q_on = 0;
    if (!p->plans || !p->pending || !p->fills || !p->n_fills) {
        /* Not reset: on_bar refuses to run rather than index stale sizes. */
        free(p->plans);
        free(p->pending);
        free(p->fills);
        free(p->n_fills);
        p->plans = NULL;
        p->pending = NULL;
        p->fills = NULL;
        p->n_fills = NULL;
        p->n = 0;
        return pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    }
    p->n = n_instruments;
    p->pre = sizer_pre(&p->sizer);
    memset(&p->st, 0, sizeof p->st);
    return PR_OK;
}

void pr_pipeline_get_stats(const pr_pipeline *p, pr_pipeline_stats *out) {
    if (p && out) *out = p->st;
}

/* ---- orders ------------------------------------------------------------------- */
PR_HOT static int submit(pr_pipeline *p, pr_broker *b, pr_order *o, int64_t now, pr_err *err) {
    int rc = b->vt->submit(b, o, now, err);
    if (rc != 0) return rc;
    p->st.orders++;
    if (o->status == PR_OS_REJECTED) {
        p->st.rejected++;
        if ((rc = order_event(p, PR_EV_REJECTED, o, 0, 0, err)) != 0) return rc;
    } else if (track(p, o) != 0) {
        return pr_err_set(err, PR_ENOMEM, "pipeline: out of memory");
    }
    return p->obs.on_order ? p->obs.on_order(p->obs.self, o, err) : PR_OK;
}

static int order_live(pr_broker *b, uint64_t id) {
    pr_order o;
    if (id == 0 || b->vt->get_order(b, id, &o) != 0) return 0;
    return o.status == PR_OS_ACTIVE || o.status == PR_OS_WAITING;
}

PR_HOT static int submit_close(pr_pipeline *p, pr_broker *b, int inst, int side_of_pos, pr_order_role role,
                        const pr_signal *sig, const pr_reason *why, double units, int64_t now, uint64_t *id,
                        pr_err *err) {
    pr_order o;
    pr_order_init(&o, inst, -side_of_pos, PR_ORDER_MARKET, role);
    o.reduce_only = 1;
    if (units > 0) {
        o.qty_mode = PR_QTY_UNITS;
        o.qty = units;
    } else {
        o.qty_mode = PR_QTY_CLOSE;
    }
    if (sig) memcpy(o.tag, sig->tag, sizeof o.tag);
    if (why) o.why = *why;
    int rc = submit(p, b, &o, now, err);
    if (id) *id = o.status == PR_OS_REJECTED ? 0 : o.id;
    return rc;
}

static int set_stop(pr_pipeline *p, pr_broker *b, int inst, plan *pl, double stop, pr_order_role role,
                    const pr_reason *why, int64_t now, pr_err *err) {
    int rc;
    if (order_live(b, pl->stop_id)) {
        if ((rc = b->vt->amend(b, pl->stop_id, 0, stop, &role, why, err)) != 0) return rc;
        pr_order o;
        if (p->obs.on_order && b->vt->get_order(b, pl->stop_id, &o) == 0 &&
            (rc = p->obs.on_order(p->obs.self, &o, err)) != 0)
            return rc;
    } else {
        pr_order o;
        pr_order_init(&o, inst, -pl->side, PR_ORDER_STOP, role);
        o.reduce_only = 1;
        o.qty_mode = PR_QTY_CLOSE;
        o.stop_price = stop;
        if (why) o.why = *why;
        if ((rc = submit(p, b, &o, now, err)) != 0) return rc;
        pl->stop_id = o.status == PR_OS_REJECTED ? 0 : o.id;
    }
    pl->stop = stop;
    return PR_OK;
}

static const char *const k_why_trail = "trailing stop moved to %.10g (best %.10g)";
static const char *const k_why_be = "stop moved to break-even %.10g after a %.4g%% gain";
static const char *const k_why_time = "time stop: %.0f bars held";
static const char *const k_why_flip = "closing before reversing";

/* Position management at the close of a bar of inst. */
static int manage(pr_pipeline *p, const pr_market_view *v, pr_broker *b, int inst, int64_t now, pr_err *err) {
    plan *pl = &p->plans[inst];
    int rc;
    if (!pl->entered) {
        pr_order eo;
        if (b->vt->get_order(b, pl->entry_id, &eo) != 0) { pl->active = 0; return PR_OK; }
        if (eo.status == PR_OS_FILLED) {
            pl->entered = 1;
            pl->entry_px = eo.avg_price;
            pl->best = eo.avg_price;
            pl->bars = 0;
        } else if (eo.status != PR_OS_ACTIVE && eo.status != PR_OS_WAITING) {
            pl->active = 0;
            return PR_OK;
        } else {
            return PR_OK;
        }
    }
    pr_position pos;
    if ((rc = b->vt->get_position(b, inst, &pos)) != 0) return pr_err_set(err, rc, "pipeline: no position");
    if (pos.qty == 0 || (pos.qty > 0 ? 1 : -1) != pl->side) {   /* closed by the broker */
        pl->active = 0;
        return PR_OK;
    }
    if (!pr_view_updated(v, inst)) return PR_OK;
    pr_bar bar;
    if (pr_view_bar(v, inst, PR_TF_NONE, 0, &bar) != 0) return PR_OK;
    pl->bars++;
    /* The entry bar's extremes may predate the fill: only its close counts. */
    double fav = pl->bars == 1 ? bar.close : pl->side > 0 ? bar.high : bar.low;
    if (pl->side > 0 ? fav > pl->best : fav < pl->best) pl->best = fav;

    if (pl->max_bars > 0 && pl->bars >= pl->max_bars && !order_live(b, pl->exit_id)) {
        pr_reason why = {k_why_time, {(double)pl->bars, 0, 0, 0}};
        return submit_close(p, b, inst, pl->side, PR_ROLE_TIME, NULL, &why, 0, now, &pl->exit_id, err);
    }
    double ns = pl->stop;
    pr_order_role role = PR_ROLE_STOP;
    pr_reason why = {0};
    if (pl->be_gain > 0 && !pl->be_done &&
        (pl->side > 0 ? pl->best >= pl->entry_px * (1 + pl->be_gain) : pl->best <= pl->entry_px * (1 - pl->be_gain))) {
        pl->be_done = 1;
        if (ns == 0 || (pl->side > 0 ? pl->entry_px > ns : pl->entry_px < ns)) {
            ns = pl->entry_px;
            role = PR_ROLE_BREAKEVEN;
            why = (pr_reason){k_why_be, {pl->entry_px, pl->be_gain * 100, 0, 0}};
        }
    }
    if (pl->trail_frac > 0 || pl->trail_dist > 0) {
        double c = pl->side > 0 ? (pl->trail_frac > 0 ? pl->best * (1 - pl->trail_frac) : pl->best - pl->trail_dist)
                                : (pl->trail_frac > 0 ? pl->best * (1 + pl->trail_frac) : pl->best + pl->trail_dist);
        if (ns == 0 || (pl->side > 0 ? c > ns : c < ns)) {
            ns = c;
            role = PR_ROLE_TRAIL;
            why = (pr_reason){k_why_trail, {c, pl->best, 0, 0}};
        }
    }
    if (ns != pl->stop && ns > 0) return set_stop(p, b, inst, pl, ns, role, &why, now, err);
    return PR_OK;
}

static int has_management(const pr_signal *s) {
    return s->trail_frac > 0 || s->trail_dist > 0 || s->breakeven_gain > 0 || s->max_bars > 0;
}

static int enter(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_signal *sig, int64_t now, pr_err *err) {
    int inst = sig->instrument;
    int dir = sig->kind == PR_SIG_ENTER_LONG ? 1 : -1;
    int rc;
    pr_position pos;
    if ((rc = b->vt->get_position(b, inst, &pos)) != 0) return pr_err_set(err, rc, "pipeline: no position");
    int ps = (pos.qty > 0) - (pos.qty < 0);
    pr_order pend;
    int pending_live = p->pending[inst] && b->vt->get_order(b, p->pending[inst], &pend) == 0 &&
                       (pend.status == PR_OS_ACTIVE || pend.status == PR_OS_WAITING);
    if (dir < 0 && p->cfg.no_short) {
        /* A short signal while shorts are off only closes a long. */
        if (ps > 0) return submit_close(p, b, inst, ps, PR_ROLE_EXIT, sig, &sig->why, 0, now, NULL, err);
        if (pending_live && pend.side > 0) return b->vt->cancel(b, p->pending[inst], err);
        p->st.ignored++;
        return PR_OK;
    }
    int adding = ps == dir && sig->scale_in;
    if ((ps == dir && !adding) || (pending_live && pend.side == dir)) { p->st.ignored++; return PR_OK; }
    if (pending_live && (rc = b->vt->cancel(b, p->pending[inst], err)) != 0) return rc;
    if (ps == -dir) {
        pr_reason flip = {k_why_flip, {0}};
        if ((rc = submit_close(p, b, inst, ps, PR_ROLE_EXIT, sig, sig->why.fmt ? &sig->why : &flip, 0, now, NULL,
                               err)) != 0)
            return rc;
        p->plans[inst].active = 0;
        if (p->cfg.no_reverse) return PR_OK;
    }
    pr_account acct;
    if ((rc = b->vt->get_account(b, &acct)) != 0) return pr_err_set(err, rc, "pipeline: no account");
    pr_size sz = {PR_QTY_UNITS, 0, NULL};
    pr_size_request rq = {.sig = sig, .inst = pr_view_instrument(v, inst), .account = &acct, .position = &pos,
                          .price = pr_view_close(v, inst, 0), .view = v, .now = now,
                          .costs = b->vt->costs ? b->vt->costs(b, inst) : NULL};
    if (p->sizer.bracket) {
        const char *refuse = NULL;
        if ((rc = p->sizer.bracket(p->sizer.self, &rq, sig, &refuse, err)) != 0) return rc;
        if (refuse) {
            p->st.ignored++;
            return signal_refused(p, sig, p->sizer.name ? p->sizer.name : "sizer", refuse, err);
        }
    }
    if ((rc = p->sizer.size(p->sizer.self, &rq, &sz, err)) != 0) return rc;
    if (sig->size_hint > 0 && sig->size_hint < 1) sz.value *= sig->size_hint;
    if (!(sz.value > 0)) {
        p->st.ignored++;
        return signal_refused(p, sig, p->sizer.name ? p->sizer.name : "sizer", sz.reason ? sz.reason : "sized to 0",
                              err);
    }

    pr_order o;
    pr_order_type type = sig->entry_stop > 0 ? (sig->entry_limit > 0 ? PR_ORDER_STOP_LIMIT : PR_ORDER_STOP)
                         : sig->entry_limit > 0 ? PR_ORDER_LIMIT : PR_ORDER_MARKET;
    pr_order_init(&o, inst, dir, type, PR_ROLE_ENTRY);
    o.limit_price = sig->entry_limit;
    o.stop_price = sz.mode == PR_QTY_RISK ? sig->stop : sig->entry_stop;
    if (type == PR_ORDER_STOP || type == PR_ORDER_STOP_LIMIT) {
        if (sz.mode == PR_QTY_RISK) {   /* the order's stop is the trigger; size from the protective stop */
            o.stop_price = sig->entry_stop;
            sz.mode = PR_QTY_NOTIONAL;
            double dist = fabs(sig->entry_stop - sig->stop);
            sz.value = dist > 0 ? sz.value * sig->entry_stop / dist : 0;
        }
    }
    o.qty_mode = sz.mode;
    o.qty = sz.value;
    memcpy(o.tag, sig->tag, sizeof o.tag);
    o.why = sig->why;
    if ((rc = submit(p, b, &o, now, err)) != 0) return rc;
    if (o.status == PR_OS_REJECTED) return PR_OK;
    p->pending[inst] = o.id;
    uint64_t entry = o.id;

    /* Bracket: protective stop and tiered take-profits, live once the entry fills. */
    double stop = sig->stop;
    if (stop <= 0 && (sig->trail_frac > 0 || sig->trail_dist > 0)) {
        double ref = sig->entry_limit > 0 ? sig->entry_limit : sig->entry_stop > 0 ? sig->entry_stop : rq.price;
        stop = sig->trail_frac > 0 ? ref * (1 - dir * sig->trail_frac) : ref - dir * sig->trail_dist;
    }
    uint64_t stop_id = 0;
    if (stop > 0) {
        pr_order so;
        pr_order_init(&so, inst, -dir, PR_ORDER_STOP, sig->stop > 0 ? PR_ROLE_STOP : PR_ROLE_TRAIL);
        so.reduce_only = 1;
        so.qty_mode = PR_QTY_CLOSE;
        so.stop_price = stop;
        so.parent = entry;
        memcpy(so.tag, sig->tag, sizeof so.tag);
        static const char *const k_why_stop = "protective stop %.10g";
        so.why = (pr_reason){k_why_stop, {stop, 0, 0, 0}};
        if ((rc = submit(p, b, &so, now, err)) != 0) return rc;
        stop_id = so.id;
    }
    double sum = 0;
    for (int k = 0; k < sig->n_targets && k < PR_SIGNAL_MAX_TARGETS; k++) {
        double f = sig->target_frac[k] > 0 ? sig->target_frac[k] : 1.0 - sum;
        if (!(sig->target_price[k] > 0) || !(f > 0)) continue;
        pr_order to;
        pr_order_init(&to, inst, -dir, PR_ORDER_LIMIT, PR_ROLE_TARGET);
        to.reduce_only = 1;
        to.limit_price = sig->target_price[k];
        to.parent = entry;
        sum += f;
        /* The tier that completes the position takes whatever is left. */
        if (sum >= 1.0 - 1e-9) {
            to.qty_mode = PR_QTY_CLOSE;
        } else {
            to.qty_mode = PR_QTY_PARENT_FRAC;
            to.qty = f;
        }
        memcpy(to.tag, sig->tag, sizeof to.tag);
        static const char *const k_why_tp = "take-profit %.0f at %.10g (%.4g%% of the entry)";
        to.why = (pr_reason){k_why_tp, {(double)(k + 1), sig->target_price[k], f * 100, 0}};
        if ((rc = submit(p, b, &to, now, err)) != 0) return rc;
        if (sum >= 1.0 - 1e-9) break;
    }
    plan *pl = &p->plans[inst];
    if (adding && !has_management(sig)) return PR_OK;   /* the position's plan stays */
    *pl = k_no_plan;   /* a copy, not memset (rep stos start-up; see pr_order_init) */
    if (has_management(sig)) {
        pl->active = 1;
        p->pre |= PRE_MANAGE;
        pl->side = dir;
        pl->entry_id = entry;
        pl->stop_id = stop_id;
        pl->stop = stop;
        pl->trail_frac = sig->trail_frac;
        pl->trail_dist = sig->trail_dist;
        pl->be_gain = sig->breakeven_gain;
        pl->max_bars = sig->max_bars;
    }
    return PR_OK;
}

PR_HOT static int do_exit(pr_pipeline *p, pr_broker *b, pr_signal *sig, int64_t now, pr_err *err) {
    int inst = sig->instrument;
    pr_position pos;
    int rc;
    if ((rc = b->vt->get_position(b, inst, &pos)) != 0) return pr_err_set(err, rc, "pipeline: no position");
    if (p->pending[inst] && order_live(b, p->pending[inst])) {
        if ((rc = b->vt->cancel(b, p->pending[inst], err)) != 0) return rc;
        if (pos.qty == 0) return PR_OK;
    }
    if (pos.qty == 0) { p->st.ignored++; return PR_OK; }
    int ps = pos.qty > 0 ? 1 : -1;
    double units = 0;
    if (sig->exit_frac > 0 && sig->exit_frac < 1) units = fabs(pos.qty) * sig->exit_frac;
    return submit_close(p, b, inst, ps, PR_ROLE_EXIT, sig, &sig->why, units, now, NULL, err);
}

static int adjust(pr_pipeline *p, pr_broker *b, pr_signal *sig, int64_t now, pr_err *err) {
    int inst = sig->instrument;
    pr_position pos;
    int rc;
    if ((rc = b->vt->get_position(b, inst, &pos)) != 0) return pr_err_set(err, rc, "pipeline: no position");
    if (pos.qty == 0) { p->st.ignored++; return PR_OK; }
    plan *pl = &p->plans[inst];
    int ps = pos.qty > 0 ? 1 : -1;
    if (!pl->active || pl->side != ps) {
        *pl = k_no_plan;
        pl->active = 1;
        p->pre |= PRE_MANAGE;
        pl->entered = 1;
        pl->side = ps;
        pl->entry_px = pos.avg_price;
        pl->best = pos.mark;
    }
    if (sig->trail_frac > 0) pl->trail_frac = sig->trail_frac;
    if (sig->trail_dist > 0) pl->trail_dist = sig->trail_dist;
    if (sig->breakeven_gain > 0) pl->be_gain = sig->breakeven_gain;
    if (sig->max_bars > 0) pl->max_bars = sig->max_bars;
    if (sig->stop > 0) return set_stop(p, b, inst, pl, sig->stop, PR_ROLE_STOP, &sig->why, now, err);
    return PR_OK;
}

/* The strategy's signals of this step through the stages into orders. Kept
 * out of line: most steps emit nothing, and pr_pipeline_on_bar then needs
 * neither this frame (a signal copy, orders) nor the registers it saves. */
PR_HOT __attribute__((noinline)) static int run_signals(pr_pipeline *p, const pr_market_view *v, pr_broker *b,
                                                 const pr_signal_list *list, pr_err *err) {
    int rc;
    int64_t now = pr_view_now(v);
    if (p->broker != b) p->changes = NULL;   /* another broker's count */
    p->broker = b;
    p->view = v;
    p->q_on = 0;   /* sizing may change what the sizer called quiet */
    for (size_t k = 0; k < list->n; k++) {
        pr_signal *sig = &list->items[k];
        sig->ts = now;
        p->st.signals++;
        if (sig->instrument < 0 || (size_t)sig->instrument >= p->n)
            return pr_err_set(err, PR_EINVAL, "pipeline: signal for unknown instrument %d", sig->instrument);
        int keep = 1;
        pr_signal emitted;
        if (p->obs.on_signal) emitted = *sig;
        size_t ran = 0;
        for (size_t s = 0; s < p->n_stages && keep; s++) {
            double before = sig->size_hint > 0 ? sig->size_hint : 1;
            if ((rc = p->stages[s].confirm(p->stages[s].self, v, sig, &keep, err)) != 0) return rc;
            double after = sig->size_hint > 0 ? sig->size_hint : 1;
            p->effects[s] = (pr_stage_effect){p->stages[s].name, keep, keep ? after / before : 0};
            ran = s + 1;
        }
        if (p->obs.on_signal &&
            (rc = p->obs.on_signal(p->obs.self, v, &emitted, sig, p->effects, ran, keep, err)) != 0)
            return rc;
        if (!keep) {
            p->st.vetoed++;
            if ((rc = signal_refused(p, sig, p->effects[ran - 1].stage, "vetoed", err)) != 0) return rc;
            continue;
        }
        switch (sig->kind) {
        case PR_SIG_ENTER_LONG:
        case PR_SIG_ENTER_SHORT: rc = enter(p, v, b, sig, now, err); break;
        case PR_SIG_EXIT: rc = do_exit(p, b, sig, now, err); break;
        case PR_SIG_ADJUST: rc = adjust(p, b, sig, now, err); break;
        case PR_SIG_NONE: p->st.ignored++; rc = PR_OK; break;
        }
        if (rc != 0) return rc;
    }
    return PR_OK;
}

/* The exits the sizer (the risk layer) ordered at this step: straight to
 * the broker, past the confirmation stages, each a refusal-free EXIT. */
__attribute__((noinline)) static int send_risk_exits(pr_pipeline *p, const pr_market_view *v, pr_broker *b,
                                                     pr_signal_list *list, pr_err *err) {
    int rc;
    int64_t now = pr_view_now(v);
    for (size_t k = 0; k < list->n; k++) {
        pr_signal *sig = &list->items[k];
        sig->ts = now;
        if (sig->kind != PR_SIG_EXIT || sig->instrument < 0 || (size_t)sig->instrument >= p->n)
            return pr_err_set(err, PR_EINVAL, "pipeline: %s ordered a non-exit or an unknown instrument %d",
                              p->sizer.name ? p->sizer.name : "sizer", sig->instrument);
        p->st.signals++;
        if ((rc = do_exit(p, b, sig, now, err)) != 0) return rc;
    }
    return PR_OK;
}

/* Asks the sizer for its exits at every step; most steps it orders none.
 * equity: the broker's, for the sizer's step hook (NULL: exits alone). */
static inline int risk_exits(pr_pipeline *p, const pr_market_view *v, pr_broker *b, const double *equity,
                             pr_err *err) {
    int rc;
    if (p->broker != b) p->changes = NULL;
    p->broker = b;
    p->view = v;
    pr_signal_list list = {p->sigbuf, 0, p->sigcap};
    if ((rc = equity ? p->sizer.step(p->sizer.self, pr_view_now(v), *equity, v, &p->pf, &list, err)
                     : p->sizer.exits(p->sizer.self, v, &p->pf, &list, err)) != 0)
        return rc;
    return list.n ? send_risk_exits(p, v, b, &list, err) : PR_OK;
}

__attribute__((noinline)) static int manage_all(pr_pipeline *p, const pr_market_view *v, pr_broker *b,
                                                pr_err *err) {
    int rc, any = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->plans[i].active && (rc = manage(p, v, b, (int)i, pr_view_now(v), err)) != 0) return rc;
        any |= p->plans[i].active;
    }
    p->pre = (p->pre & ~PRE_MANAGE) | (any ? PRE_MANAGE : 0);
    return PR_OK;
}

/* After the sizer's step hook: whether the next steps may skip it
 * (pr_sizer.quiet, the broker's equity band). */
__attribute__((noinline)) static void quiet_set(pr_pipeline *p, const pr_market_view *v, const pr_broker *b) {
    p->q_on = !p->n_trk && p->pre == PRE_SIZER && b->vt->equity_band &&
              p->sizer.quiet(p->sizer.self, &p->q) && b->vt->equity_band(b, p->q.eq_lo, p->q.eq_hi, &p->qb);
    if (p->q_on) {
        static const double zero = 0;
        p->q_upd = pr_view_updated_flags(v);
        p->q_now = pr_view_clock(v);
        p->q_b = b;
        if (!p->qb.mark) p->qb.mark = &zero;   /* flat: (-inf, inf] holds any mark */
    }
}

/* A step with orders to look at, a sizer watching the account or ordering
 * exits, or positions to manage, before the strategy runs. */
PR_HOT __attribute__((noinline)) static int before_strategy(pr_pipeline *p, const pr_market_view *v, pr_broker *b,
                                                     pr_err *err) {
    int rc;
    p->q_on = 0;
    if (p->n_trk && (p->unseen || b != p->broker || !p->changes || *p->changes != p->seen) &&
        (rc = poll_orders(p, v, b, err)) != 0)
        return rc;
    if (p->acct_b == b) {   /* the sizer's step hook, with the equity alone */
        double eq = b->vt->equity(b);
        if ((rc = risk_exits(p, v, b, &eq, err)) != 0) return rc;
        if (p->sizer.quiet) quiet_set(p, v, b);
    } else {
        if (p->sizer.on_step) {
            pr_account acct;
            if ((rc = b->vt->get_account(b, &acct)) != 0) return pr_err_set(err, rc, "pipeline: no account");
            p->sizer.on_step(p->sizer.self, pr_view_now(v), &acct);
            if (p->sizer.step && p->sizer.exits && b->vt->equity) p->acct_b = b;
        }
        if (p->sizer.exits && (rc = risk_exits(p, v, b, NULL, err)) != 0) return rc;
    }
    /* Plans exist only for signals asking for management (trailing stop,
     * break-even, time stop); without any, the walk over them is skipped. */
    if ((p->pre & PRE_MANAGE) && (rc = manage_all(p, v, b, err)) != 0) return rc;
    return PR_OK;
}

/* before_strategy for a step with nothing but the sizer's step hook to
 * call (no order to look at, no plan to manage): its frame stays small. */
__attribute__((noinline)) static int sizer_step(pr_pipeline *p, const pr_market_view *v, pr_broker *b,
                                                pr_err *err) {
    double eq = b->vt->equity(b);
    int rc = risk_exits(p, v, b, &eq, err);
    if (rc == PR_OK && p->sizer.quiet) quiet_set(p, v, b);
    return rc;
}

/* A step the sizer said it need not see (pr_sizer.quiet): in its time
 * window, its halt flag down, the broker's equity inside its band, and a
 * new bar of every instrument (the sizer rebuilds the skipped steps from
 * the bars; a step some instrument sat out would be missing). */
static inline int quiet_holds(const pr_pipeline *p) {
    if (!(*p->q_now < p->q.until) || *p->q.halt || !pr_equity_band_holds(&p->qb)) return 0;
    const unsigned char *u = p->q_upd, *end = u + p->n;
    do
        if (!*u) return 0;
    while (++u < end);
    return 1;
}

void pr_pipeline_end(pr_pipeline *p, pr_broker *b) {
    if (!p || !b) return;
    p->q_on = 0;
    if (!p->sizer.settle) return;
    pr_account a;
    double eq = b->vt->equity ? b->vt->equity(b) : b->vt->get_account(b, &a) == 0 ? a.equity : NAN;
    p->sizer.settle(p->sizer.self, eq);
}

int pr_pipeline_on_bar(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_err *err) {
    if (!p || !v || !b || !p->plans) return pr_err_set(err, PR_EINVAL, "pipeline: not reset");
    return pr_pipeline_step(p, v, b, err);
}

PR_HOT int pr_pipeline_step(pr_pipeline *p, const pr_market_view *v, pr_broker *b, pr_err *err) {
    int rc;
    /* Most steps of a run have none of what before_strategy handles: they
     * pay only these tests (the saved registers and frame of that work
     * cost a one-market run several percent). */
    if (p->n_trk || p->pre) {
        /* q_on: no order in flight, no plan, the sizer's step hook (quiet_set) */
        if (p->q_on && p->q_b == b && quiet_holds(p)) p->st.quiet_steps++;
        else if ((rc = !p->n_trk && p->pre == PRE_SIZER && p->acct_b == b ? sizer_step(p, v, b, err)
                                                                           : before_strategy(p, v, b, err)) != 0)
            return rc;
    }
    pr_signal_list list = {p->sigbuf, 0, p->sigcap};
    if ((rc = p->strat->vt->on_bar(p->strat, v, &list, err)) != 0) return rc;
    return list.n ? run_signals(p, v, b, &list, err) : PR_OK;
}
