/* The risk stage as engine's sizer (risk/stage.h): gathers what the sizing
 * rule needs at the decision time (equity, the expected entry price, the
 * stop and first target, ATR and volatility from the view's closed bars,
 * the closed-trade statistics from the fills seen so far), sizes, and
 * counts each resize and refusal under its reason. Nothing here knows
 * whether the broker is simulated. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine/metrics.h"
#include "proratio/risk/contracts.h"
#include "proratio/risk/costs.h"
#include "proratio/risk/stage.h"
#include "proratio/risk/stops.h"

#define YEAR_MS (365.25 * PR_MS_PER_DAY)

struct pr_risk_stage {
    pr_risk_config cfg;
    pr_risk_state st;
    pr_risk_stops_ctx *stops;    /* ATR and levels from the view (risk/stops.h) */
    pr_risk_watch *watch;    /* exposure and VaR (risk/watch.h)                   */
    int record;              /* the watch keeps the series (risk.csv)             */
    double prot_eq;          /* the equity pr_risk_protect_step last saw (NaN: none) */
    double prot_peak;        /* and the peak and tier it left                     */
    int prot_tier;
    double quiet_loss;       /* the highest loss-limit equity not yet hit (-inf: none) */
    double quiet_dd;         /* peak x quiet_dd: an equity above it is clear of every tier */
    double quiet_lo;         /* max of both: a step within the day above it is quiet (inf: unknown) */
    int64_t quiet_from, quiet_until;   /* that day: [st.day, st.day + 1 day)     */
    int on_equity, on_watch, on_brk_exits;   /* what each step does (set_flags) */
};

static void set_flags(pr_risk_stage *rs);

int pr_risk_stage_new(const pr_risk_config *cfg, pr_risk_stage **out, pr_err *err) {
    *out = calloc(1, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    (*out)->cfg = *cfg;
    pr_risk_state_init(&(*out)->st);
    (*out)->prot_eq = NAN;
    (*out)->quiet_lo = INFINITY;
    int rc = pr_risk_stops_ctx_new(&cfg->stops, cfg->sizing.atr_period, &(*out)->stops, err);
    if (rc == PR_OK) rc = pr_risk_watch_new(&(*out)->cfg.exposure, &(*out)->cfg.var, &(*out)->watch, err);
    if (rc != PR_OK) {
        pr_risk_stage_free(*out);
        *out = NULL;
    }
    return rc;
}

void pr_risk_stage_free(pr_risk_stage *rs) {
    if (rs) {
        pr_risk_stops_ctx_free(rs->stops);
        pr_risk_watch_free(rs->watch);
    }
    free(rs);
}

const pr_risk_watch *pr_risk_stage_watch(const pr_risk_stage *rs) { return rs->watch; }

void pr_risk_stage_record_series(pr_risk_stage *rs, int on) {
    rs->record = on;
    pr_risk_watch_record(rs->watch, on);
    set_flags(rs);
}

const pr_risk_state *pr_risk_stage_state(const pr_risk_stage *rs) { return &rs->st; }

int pr_risk_stage_restore_window(pr_risk_stage *rs, const pr_risk_var_window *w, pr_err *err) {
    return pr_risk_watch_window_set(rs->watch, w, err);
}

void pr_risk_stage_restore(pr_risk_stage *rs, const pr_risk_state *st) {
    rs->st = *st;
    rs->prot_eq = NAN;
    rs->quiet_lo = INFINITY;
}

/* Periods a year of bars of ms of a market of class cls, for annualising
 * their volatility: a crypto (or unknown) market trades every calendar day,
 * 365.25 x 24 h; a market with sessions counts its trading days as the
 * metrics do (stocks and futures 252, forex 260, pr_metrics_days_per_year):
 * daily bars 252 a year, weekly ones 252 / 5, intraday ones the trading
 * days x the bars of a day (forex: 24 h of them; stocks and futures:
 * bars_per_day, as many as the window shows in one UTC day). */
static double periods_per_year(pr_asset_class cls, int64_t ms, int bars_per_day) {
    if (cls == PR_ASSET_CRYPTO || cls == PR_ASSET_UNKNOWN) return YEAR_MS / (double)ms;
    double dpy = pr_metrics_days_per_year(cls);
    if (ms >= 28 * PR_MS_PER_DAY) return 12.0;
    if (ms >= PR_MS_PER_DAY) {
        double days = (double)ms / (double)PR_MS_PER_DAY;
        return dpy / (ms >= 7 * PR_MS_PER_DAY ? days * 5.0 / 7.0 : days);
    }
    if (cls == PR_ASSET_FOREX) return dpy * (double)PR_MS_PER_DAY / (double)ms;
    return dpy * (bars_per_day > 0 ? bars_per_day : 1);
}

/* Annualised standard deviation of the latest n log returns; 0 when the
 * view holds fewer than n + 1 closes. */
static double vol_of(const pr_market_view *v, int inst, int n) {
    pr_timeframe tf = pr_view_tf(v, inst);
    int64_t ms = pr_tf_ms(tf);
    const pr_instrument *in = pr_view_instrument(v, inst);
    pr_bar b, prev;
    double sum = 0, sq = 0;
    if (ms <= 0 || n < 2) return 0;
    int64_t day = PR_TIME_NONE;
    int in_day = 0, per_day = 0;
    for (int k = 0; k < n; k++) {
        if (pr_view_bar(v, inst, tf, (size_t)k, &b) != 0 || pr_view_bar(v, inst, tf, (size_t)k + 1, &prev) != 0 ||
            !(b.close > 0) || !(prev.close > 0))
            return 0;
        double r = log(b.close / prev.close);
        sum += r;
        sq += r * r;
        int64_t d = b.ts / PR_MS_PER_DAY;
        in_day = d == day ? in_day + 1 : 1;
        day = d;
        if (in_day > per_day) per_day = in_day;
    }
    double var = (sq - sum * sum / n) / (n - 1);
    return var > 0 ? sqrt(var * periods_per_year(in ? in->asset_class : PR_ASSET_UNKNOWN, ms, per_day)) : 0;
}

/* Account currency per unit of the instrument's quote currency: 1 when they
 * agree (or the account names none), 1/price when the account holds the base
 * (USD account, USDJPY), else unknown (0). */
static double fx_of(const pr_instrument *in, const char *ccy, double price) {
    if (!ccy[0] || !in || strcmp(in->quote, ccy) == 0) return 1;
    if (strcmp(in->base, ccy) == 0 && price > 0) return 1 / price;
    return 0;
}

/* The expected entry price: the limit, the stop trigger or the last close. */
static double entry_px(const pr_signal *sig, double last) {
    return sig->entry_limit > 0 ? sig->entry_limit : sig->entry_stop > 0 ? sig->entry_stop : last;
}

static int stage_size(void *self, const pr_size_request *rq, pr_size *out, pr_err *err) {
    pr_risk_stage *rs = self;
    const pr_risk_sizing *s = &rs->cfg.sizing;
    const pr_signal *sig = rq->sig;
    int rc;
    double px = entry_px(sig, rq->price);
    pr_risk_inputs in = {.equity = rq->account->equity, .price = px, .stop = sig->stop,
                         .target = sig->n_targets > 0 ? sig->target_price[0] : 0, .confidence = sig->confidence,
                         .fx = fx_of(rq->inst, rq->account->ccy, px), .inst = rq->inst};
    if (s->mode == PR_RISK_ATR && rq->view &&
        (rc = pr_risk_stops_atr(rs->stops, PR_RISK_ATR_SIZING, rq->view, sig->instrument, &in.atr, err)) != 0)
        return rc;
    if (!(in.atr > 0)) in.atr = 0;   /* NaN while warming up: "not available" */
    if (s->mode == PR_RISK_VOL_TARGET && rq->view) in.vol = vol_of(rq->view, sig->instrument, s->atr_period);
    if (s->mode == PR_RISK_KELLY) pr_risk_state_stats(&rs->st, s->kelly_window, &in.stats);
    in.mult = pr_risk_mult_factor(&rs->cfg.mult, sig, &in.mult_why);
    pr_instrument spec;
    if (s->mode == PR_RISK_CONTRACTS && rq->inst && pr_contract_spec_apply(rq->inst, &spec)) in.inst = &spec;
    pr_risk_decision d;
    /* risk.stops.required is checked by the bracket hook, after placement. */
    const char *blocked = pr_risk_protect_check(&rs->cfg.protections, &rs->st, rq->now);
    if (!blocked) blocked = pr_risk_breakers_check(&rs->cfg.breakers, &rs->st, rq);
    if (blocked) d = (pr_risk_decision){PR_QTY_NOTIONAL, 0, 0, blocked};
    else pr_risk_size(s, &in, &d);
    pr_risk_breakers_resize(&rs->cfg.breakers, &rs->st, rq, &d);
    pr_risk_watch_entry(rs->watch, rq, px, &d);
    if (d.value > 0) pr_risk_protect_entered(&rs->cfg.protections, &rs->st, rq->now);
    rs->st.entries++;
    if (!(d.value > 0)) pr_risk_state_count(&rs->st, d.reason, 1);
    else if (d.resized) pr_risk_state_count(&rs->st, d.reason, 0);
    out->mode = d.mode;
    out->value = d.value > 0 ? d.value : 0;
    out->reason = d.value > 0 ? NULL : d.reason;
    return PR_OK;
}

/* Stops and targets placed and filtered before sizing; a refusal counts as
 * an entry seen and rejected, like the sizer's. */
static int stage_bracket(void *self, const pr_size_request *rq, pr_signal *sig, const char **refuse, pr_err *err) {
    pr_risk_stage *rs = self;
    double px = entry_px(sig, rq->price);
    int rc = pr_risk_stops_bracket(rs->stops, &rs->cfg.stops, rq->view, px,
                                   pr_risk_round_trip(rq->costs, rq->inst, px), sig, refuse, err);
    if (rc == 0 && *refuse) {
        rs->st.entries++;
        pr_risk_state_count(&rs->st, *refuse, 1);
    }
    return rc;
}

static void stage_on_fill(void *self, const pr_fill_info *f) {
    pr_risk_stage *rs = self;
    double r;
    if (pr_risk_state_on_fill(&rs->st, f, &r)) {
        pr_risk_protect_closed(&rs->cfg.protections, &rs->st, f->seen, r);
        pr_risk_breakers_closed(&rs->cfg.breakers, &rs->st, f, r);
    }
    pr_risk_watch_fill(rs->watch);
}

/* The protections and breakers follow the equity only when a protection's
 * limit needs it. */
static int watches_equity(const pr_risk_protections *c) {
    return c->daily_loss > 0 || c->weekly_loss > 0 || c->dd_warn > 0 || c->dd_stop > 0 || c->dd_halt > 0 || c->max_trades_per_day > 0;
}

/* The watch follows every step only when something reads it: an exposure
 * or VaR limit, or the series a report asks for (set before the sizer is
 * made). A stage that only sizes costs the engine nothing per bar. */
static int needs_watch(const pr_risk_stage *rs) {
    return rs->record || pr_risk_exposure_on(&rs->cfg.exposure) || rs->cfg.var.limit > 0;
}

/* Worked out once, not at every step: the configuration is fixed. */
static void set_flags(pr_risk_stage *rs) {
    rs->on_equity = watches_equity(&rs->cfg.protections);
    rs->on_watch = needs_watch(rs);
    rs->on_brk_exits = pr_risk_breakers_exits_needed(&rs->cfg.breakers);
}

/* pr_risk_protect_step's work at a step within the day (and so the week)
 * of the last one that changes nothing but the peak and a tier going down:
 * no loss limit crossed, no drawdown tier reached. The same comparisons in
 * the same order, so it decides as that function does; 0: it did nothing
 * and the step needs pr_risk_protect_step (a limit or tier crossed). */
static inline int protect_quiet(const pr_risk_protections *c, pr_risk_state *st, double equity) {
    if (c->daily_loss > 0 && !st->daily_hit && equity <= st->day_equity * (1 - c->daily_loss)) return 0;
    if (c->weekly_loss > 0 && !st->weekly_hit && equity <= st->week_equity * (1 - c->weekly_loss)) return 0;
    if (equity > st->peak) st->peak = equity;
    double dd = st->peak > 0 ? 1 - equity / st->peak : 0;
    int tier = pr_risk_dd_tier(c, dd);
    if (tier > st->dd_tier) return 0;   /* fires: the full step (the peak is already as it leaves it) */
    st->dd_tier = tier;
    return 1;
}

/* The floor quiet_lo of the steps that change nothing but the peak, worked
 * out again whenever the state it reads may have moved (a step that was not
 * quiet, the breakers' step, a new peak): at drawdown tier 0, an equity
 * above every loss limit not yet hit (the very products
 * pr_risk_protect_step compares with, so the same decision) and above
 * peak x (1 - the smallest drawdown limit + 1e-6), where 1 - equity / peak
 * is below that limit by far more than any rounding, so the tier stays 0. */
static void quiet_floor(pr_risk_stage *rs) {
    const pr_risk_protections *c = &rs->cfg.protections;
    const pr_risk_state *st = &rs->st;
    double loss = -INFINITY, dmin = 0;
    rs->quiet_lo = INFINITY;
    if (st->dd_tier != 0 || st->brk.tier_seen != 0 || !(st->peak > 0) || st->day == PR_TIME_NONE ||
        st->week == PR_TIME_NONE)
        return;
    rs->quiet_from = st->day;
    rs->quiet_until = st->day + PR_MS_PER_DAY;
    if (c->daily_loss > 0 && !st->daily_hit) {
        double x = st->day_equity * (1 - c->daily_loss);
        if (x != x) return;
        loss = x;
    }
    if (c->weekly_loss > 0 && !st->weekly_hit) {
        double x = st->week_equity * (1 - c->weekly_loss);
        if (x != x) return;
        if (x > loss) loss = x;
    }
    const double lim[3] = {c->dd_warn, c->dd_stop, c->dd_halt};
    for (int k = 0; k < 3; k++)
        if (lim[k] > 0 && (dmin == 0 || lim[k] < dmin)) dmin = lim[k];
    rs->quiet_loss = loss;
    rs->quiet_dd = dmin > 0 ? 1 - dmin + 1e-6 : -INFINITY;
    double d = dmin > 0 ? st->peak * rs->quiet_dd : -INFINITY;
    rs->quiet_lo = d > loss ? d : loss;
}

/* The protections and breakers at the step's equity. */
static inline void follow_equity(pr_risk_stage *rs, int64_t now, double eq) {
    pr_risk_state *st = &rs->st;
    int same_day = pr_risk_same_day(st, now);
    if (same_day && eq > rs->quiet_lo) {
        /* Quiet (quiet_floor): what protect_quiet would do, the peak. */
        if (eq > st->peak) {
            st->peak = eq;
            double d = eq * rs->quiet_dd;
            rs->quiet_lo = d > rs->quiet_loss ? d : rs->quiet_loss;
        }
        rs->prot_eq = eq;
        rs->prot_peak = st->peak;
        rs->prot_tier = 0;
    } else if (!(same_day && eq == rs->prot_eq && st->peak == rs->prot_peak && st->dd_tier == rs->prot_tier)) {
        /* Within the day of its last call, at the same equity (a flat
         * account's, between fills), peak and tier,
         * pr_risk_protect_step would change nothing: a loss limit the
         * equity reaches was hit then, the peak and the tier stay. */
        if (!(same_day && protect_quiet(&rs->cfg.protections, st, eq)))
            pr_risk_protect_step(&rs->cfg.protections, st, now, eq);
        rs->prot_eq = eq;
        rs->prot_peak = st->peak;
        rs->prot_tier = st->dd_tier;
        quiet_floor(rs);
    }
    /* Below the stop tier, with the tier already seen, the breakers'
     * step has nothing to do (no pending exit, no release to time). */
    if (st->dd_tier >= 2 || st->brk.tier_seen != st->dd_tier) {
        pr_risk_breakers_step(&rs->cfg.breakers, st, now, eq);
        quiet_floor(rs);
    }
}

static void stage_on_step(void *self, int64_t now, const pr_account *account) {
    pr_risk_stage *rs = self;
    if (rs->on_equity) follow_equity(rs, now, account->equity);
    if (rs->on_watch) pr_risk_watch_account(rs->watch, account);
}

/* The breakers' exits, once the watch has had its step. */
static inline int brk_exits(pr_risk_stage *rs, const pr_market_view *v, const pr_portfolio *pf, pr_signal_list *out,
                            pr_err *err) {
    if (!rs->on_brk_exits) return PR_OK;
    /* No kill switch to look at or turn off and no exit pending: the
     * breakers order nothing. */
    const pr_risk_breaker_state *b = &rs->st.brk;
    if (!b->kill_signal && !b->kill_on && b->pending == PR_BRK_NONE && !rs->cfg.breakers.kill_file[0]) return PR_OK;
    return pr_risk_breakers_exits(&rs->cfg.breakers, &rs->st, v, pf, out, err);
}

static int stage_exits(void *self, const pr_market_view *v, const pr_portfolio *pf, pr_signal_list *out, pr_err *err) {
    pr_risk_stage *rs = self;
    int rc = rs->on_watch ? pr_risk_watch_step(rs->watch, v, pf, err) : PR_OK;
    return rc != PR_OK ? rc : brk_exits(rs, v, pf, out, err);
}

/* A quiet step of the protections: within the day, above the floor and
 * at most the peak (tier 0, the breakers' tier seen; quiet_floor), where
 * follow_equity would change nothing but these. */
static inline int quiet_step(pr_risk_stage *rs, int64_t now, double eq) {
    if (!(now >= rs->quiet_from && now < rs->quiet_until && eq > rs->quiet_lo && eq <= rs->st.peak)) return 0;
    rs->prot_eq = eq;
    rs->prot_peak = rs->st.peak;
    rs->prot_tier = 0;
    return 1;
}

/* Whether the breakers may order exits at this step (brk_exits' test). */
static inline int brk_busy(const pr_risk_stage *rs) {
    const pr_risk_breaker_state *b = &rs->st.brk;
    return rs->on_brk_exits && (b->kill_signal || b->kill_on || b->pending != PR_BRK_NONE || rs->cfg.breakers.kill_file[0]);
}

/* stage_step's whole work, for the steps that are not quiet. */
__attribute__((noinline)) static int step_full(pr_risk_stage *rs, int64_t now, double equity, const pr_market_view *v,
                                               const pr_portfolio *pf, pr_signal_list *out, pr_err *err) {
    if (rs->on_equity && !quiet_step(rs, now, equity)) follow_equity(rs, now, equity);
    /* The breakers' exits first (they read neither the watch nor what its
     * step changes), so the watch's step ends the call. */
    int rc = brk_exits(rs, v, pf, out, err);
    if (rc != PR_OK || !rs->on_watch) return rc;
    return pr_risk_watch_step_at(rs->watch, now, equity, v, pf, err);
}

/* on_step with the equity alone, then exits, in one call (the engine's
 * step hook): the account's currency, all the watch reads of it besides the
 * equity, came with the run's first step. Most steps are quiet: the
 * protections change nothing but their last equity, the breakers order
 * nothing, and the watch takes its step (a tail call). */
static int stage_step(void *self, int64_t now, double equity, const pr_market_view *v, const pr_portfolio *pf,
                      pr_signal_list *out, pr_err *err) {
    pr_risk_stage *rs = self;
    if (!rs->on_watch || brk_busy(rs) || (rs->on_equity && !quiet_step(rs, now, equity)))
        return step_full(rs, now, equity, v, pf, out, err);
    return pr_risk_watch_step_at(rs->watch, now, equity, v, pf, err);
}

/* When stage_step would take the quiet path (quiet_step, then the watch's
 * step alone): within the protections' quiet window and floor, nothing for
 * the breakers to do but watch for the runner's kill signal, and a watch
 * that can rebuild steps it did not see (not keeping the series). */
static int stage_quiet(void *self, pr_sizer_quiet *out) {
    pr_risk_stage *rs = self;
    if (brk_busy(rs) || (rs->on_watch && !pr_risk_watch_lazy(rs->watch))) return 0;
    static const int never = 0;
    *out = (pr_sizer_quiet){INT64_MAX, -INFINITY, INFINITY, rs->on_brk_exits ? &rs->st.brk.kill_signal : &never};
    if (rs->on_equity) {
        /* quiet_step's window ends with the day; it began with the day
         * (quiet_from), before the step just taken */
        if (!(rs->quiet_lo < rs->st.peak)) return 0;
        out->until = rs->quiet_until;
        out->eq_lo = rs->quiet_lo;
        out->eq_hi = rs->st.peak;
    }
    return 1;
}

static void stage_settle(void *self, double equity) {
    pr_risk_stage *rs = self;
    if (rs->on_watch) pr_risk_watch_settle(rs->watch, equity);
}

void pr_risk_stage_sizer(pr_risk_stage *rs, pr_sizer *out) {
    set_flags(rs);
    int watch = needs_watch(rs);
    *out = (pr_sizer){.self = rs, .size = stage_size, .destroy = NULL, .name = "risk", .on_fill = stage_on_fill,
                        .on_step = watch || watches_equity(&rs->cfg.protections) ? stage_on_step : NULL,
                        .bracket = stage_bracket,
                        .exits = watch || pr_risk_breakers_exits_needed(&rs->cfg.breakers) ? stage_exits : NULL};
    if (out->on_step && out->exits) {
        out->step = stage_step;
        /* a stage keeping the series sees every step (pr_risk_watch_lazy) */
        out->quiet = !rs->on_watch || pr_risk_watch_lazy(rs->watch) ? stage_quiet : NULL;
        out->settle = stage_settle;
    }
}
