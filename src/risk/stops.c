/* Stops and targets placed by the risk stage (risk/stops.h): the pure
 * placement and filters, and the context that follows each instrument's
 * closed bars in the view for the ATR and the support/resistance levels.
 * It reads the view's bars up to the decision bar only, through ta's own
 * streaming ATR and level detector, so the values are those ta gives for
 * the same bars (TA-Lib's ATR). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk/llm_levels.h"
#include "proratio/risk/stops.h"

const char *const pr_risk_stop_mode_names[] = {"signal", "pct", "atr", "level", NULL};
const char *const pr_risk_level_fallback_names[] = {"atr", "pct", NULL};
const char *const pr_risk_trail_mode_names[] = {"off", "pct", "atr", NULL};
const char *const pr_risk_target_unit_names[] = {"r", "pct", NULL};
const char *const pr_risk_rr_from_names[] = {"weighted", "first", NULL};
const char *const pr_risk_no_target_names[] = {"pass", "refuse", NULL};

/* Reasons (static: the strategy hears them and pr_risk_state counts them). */
static const char k_no_atr[] = "no ATR yet for the stop (risk.stops.atr_period)";
static const char k_bad_stop[] = "placed stop not beyond the entry (risk.stops)";
static const char k_required[] = "no stop-loss (risk.stops.required)";
static const char k_no_target[] = "no target (risk.stops.no_target)";
static const char k_min_target[] = "target nearer than risk.stops.min_target";
static const char k_costs[] = "target within round-trip costs (risk.stops.round_trip_cost)";
static const char k_market_costs[] = "target within the market's costs (risk.stops.cost_filter)";
static const char k_rr[] = "reward:risk below risk.stops.min_rr";

/* An R:R or target exactly at its limit passes: a 6% target over a 3% stop
 * is 2 within rounding of the prices. */
#define REL_TOL 1e-9

int pr_risk_stops_check(const void *p, const char **what, char *msg, size_t cap) {
    const pr_risk_stops *c = p;
    double sum = 0;
    for (int k = 0; k < c->n_targets; k++) {
        sum += c->target_fracs[k];
        if (k > 0 && !(c->targets[k] > c->targets[k - 1])) {
            *what = "targets";
            snprintf(msg, cap, "expected ascending targets");
            return -1;
        }
    }
    if (sum > 1 + 1e-9) {
        *what = "target_fracs";
        snprintf(msg, cap, "expected fractions that sum to at most 1, got %g", sum);
        return -1;
    }
    return 0;
}

double pr_risk_level_stop(const pr_risk_stops *c, const pr_risk_bracket_in *in) {
    const pr_ta_level *best = NULL;
    double px = in->price;
    for (size_t k = 0; k < in->n_levels; k++) {
        const pr_ta_level *L = &in->levels[k];
        if (!(L->strength >= c->level_strength)) continue;
        if (in->dir > 0 && L->price < px) best = L;   /* ascending: the last below is the nearest */
        if (in->dir < 0 && L->price > px) {
            best = L;
            break;
        }
    }
    if (!best) return 0;
    double stop = in->dir > 0 ? best->lo * (1 - c->level_buffer) : best->hi * (1 + c->level_buffer);
    double dist = in->dir * (px - stop);
    return dist > 0 && dist <= c->level_max * px * (1 + REL_TOL) && stop > 0 ? stop : 0;
}

/* The stop of `mode` (a level falls back when none fits); 0 with *why set
 * when it cannot be placed. */
static double place_stop(const pr_risk_stops *c, int mode, const pr_risk_bracket_in *in, const char **why) {
    double px = in->price, stop = 0;
    switch (mode) {
    case PR_STOP_PCT: stop = px * (1 - in->dir * c->stop_pct); break;
    case PR_STOP_ATR:
        if (!(in->atr > 0)) {
            *why = k_no_atr;
            return 0;
        }
        stop = px - in->dir * c->atr_k * in->atr;
        break;
    case PR_STOP_LEVEL:
        stop = pr_risk_level_stop(c, in);
        if (stop > 0) return stop;
        return place_stop(c, c->level_fallback == 0 ? PR_STOP_ATR : PR_STOP_PCT, in, why);
    default: return 0;
    }
    if (!(stop > 0) || !(in->dir * (px - stop) > 0)) {
        *why = k_bad_stop;
        return 0;
    }
    return stop;
}

/* The stop the entry starts with: its own, else where the pipeline starts
 * a trailing stop (from the entry reference); 0: none. */
static double initial_stop(const pr_signal *sig, int dir, double px) {
    if (sig->stop > 0) return sig->stop;
    if (sig->trail_frac > 0) return px * (1 - dir * sig->trail_frac);
    if (sig->trail_dist > 0) return px - dir * sig->trail_dist;
    return 0;
}

static const char *place(const pr_risk_stops *c, const pr_risk_bracket_in *in, pr_signal *sig) {
    const char *why = NULL;
    int dir = in->dir;
    double px = in->price;
    if (c->mode != PR_STOP_SIGNAL && (!(sig->stop > 0) || c->override)) {
        double stop = place_stop(c, c->mode, in, &why);
        if (!(stop > 0)) return why;
        sig->stop = stop;
    }
    if (c->trail != PR_TRAIL_OFF && (!(sig->trail_frac > 0 || sig->trail_dist > 0) || c->override)) {
        if (c->trail == PR_TRAIL_ATR && !(in->atr > 0)) return k_no_atr;
        sig->trail_frac = c->trail == PR_TRAIL_PCT ? c->trail_pct : 0;
        sig->trail_dist = c->trail == PR_TRAIL_ATR ? c->trail_atr_k * in->atr : 0;
    }
    if (c->breakeven > 0 && (!(sig->breakeven_gain > 0) || c->override)) sig->breakeven_gain = c->breakeven;
    if (c->max_bars > 0 && (sig->max_bars <= 0 || c->override)) sig->max_bars = c->max_bars;
    if (c->n_targets > 0 && (sig->n_targets <= 0 || c->override)) {
        /* R multiples need the stop distance; without a stop none are placed. */
        double risk = dir * (px - initial_stop(sig, dir, px));
        if (c->target_unit == PR_TARGET_PCT || risk > 0) {
            sig->n_targets = c->n_targets;
            for (int k = 0; k < PR_SIGNAL_MAX_TARGETS; k++) {
                int on = k < c->n_targets;
                double d = !on ? 0 : c->target_unit == PR_TARGET_PCT ? px * c->targets[k] : risk * c->targets[k];
                sig->target_price[k] = on ? px + dir * d : 0;
                sig->target_frac[k] = on ? c->target_fracs[k] : 0;
            }
        }
    }
    return NULL;
}

/* The filters on the bracket as placed. */
static const char *filter(const pr_risk_stops *c, const pr_risk_bracket_in *in, const pr_signal *sig) {
    int dir = in->dir;
    double px = in->price;
    if (c->required && !(sig->stop > 0) && !(sig->trail_frac > 0) && !(sig->trail_dist > 0)) return k_required;
    /* The tiers as the pipeline places them: a fraction of 0 takes what is
     * left, and the tier that completes the position is the last. */
    double sum = 0, sum_fd = 0, nearest = INFINITY;
    for (int k = 0; k < sig->n_targets && k < PR_SIGNAL_MAX_TARGETS; k++) {
        double f = sig->target_frac[k] > 0 ? sig->target_frac[k] : 1.0 - sum;
        if (!(sig->target_price[k] > 0) || !(f > 0)) continue;
        double d = dir * (sig->target_price[k] - px);
        sum += f;
        sum_fd += f * d;
        if (d < nearest) nearest = d;
        if (sum >= 1.0 - 1e-9) break;
    }
    if (!(sum > 0)) return c->no_target ? k_no_target : NULL;
    if (c->min_target > 0 && nearest < c->min_target * px * (1 - REL_TOL)) return k_min_target;
    if (c->round_trip_cost > 0 && !(nearest > c->round_trip_cost * px)) return k_costs;
    if (!(c->round_trip_cost > 0) && c->cost_filter && in->round_trip > 0 && !(nearest > in->round_trip * px))
        return k_market_costs;
    double risk = dir * (px - initial_stop(sig, dir, px));
    if (c->min_rr > 0 && risk > 0) {
        double reward = c->rr_from == PR_RR_FIRST ? nearest : sum_fd / sum;
        if (reward < c->min_rr * risk * (1 - REL_TOL)) return k_rr;
    }
    return NULL;
}

const char *pr_risk_stops_apply(const pr_risk_stops *c, const pr_risk_bracket_in *in, pr_signal *sig) {
    const char *why = place(c, in, sig);
    return why ? why : filter(c, in, sig);
}

/* ---- following the view ------------------------------------------------ */

/* How far an indicator has been fed with an instrument's bars of a view. */
typedef struct follow {
    const pr_market_view *v;
    size_t fed;
    int64_t last_ts;         /* open time of the last bar fed                     */
} follow;

typedef struct inst_ctx {
    follow fa[2];
    pr_ta_atr_state atr[2];
    double atr_val[2];
    follow fl;
    pr_ta_levels_state lv;
} inst_ctx;

struct pr_risk_stops_ctx {
    pr_risk_stops cfg;
    int period[2];
    inst_ctx *in;
    size_t n_in;
    pr_ta_level *lv;         /* scratch for the levels at a bar                   */
    size_t lv_cap;
    pr_ta_level *mg;         /* scratch: those merged with the LLM's (llm_levels.h) */
    size_t mg_cap;
};

int pr_risk_stops_ctx_new(const pr_risk_stops *c, int sizing_atr_period, pr_risk_stops_ctx **out, pr_err *err) {
    *out = calloc(1, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
    (*out)->cfg = *c;
    (*out)->period[PR_RISK_ATR_STOPS] = c->atr_period;
    (*out)->period[PR_RISK_ATR_SIZING] = sizing_atr_period;
    return PR_OK;
}

void pr_risk_stops_ctx_free(pr_risk_stops_ctx *x) {
    if (!x) return;
    for (size_t i = 0; i < x->n_in; i++) {
        pr_ta_atr_free(&x->in[i].atr[0]);
        pr_ta_atr_free(&x->in[i].atr[1]);
        pr_ta_levels_free(&x->in[i].lv);
    }
    free(x->in);
    free(x->lv);
    free(x->mg);
    free(x);
}

static int inst_of(pr_risk_stops_ctx *x, const pr_market_view *v, int inst, inst_ctx **out, pr_err *err) {
    size_t n = pr_view_n_instruments(v);
    if (inst < 0 || (size_t)inst >= n) return pr_err_set(err, PR_EINVAL, "risk: no instrument %d in the view", inst);
    if (n > x->n_in) {
        inst_ctx *ni = realloc(x->in, n * sizeof *ni);
        if (!ni) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
        memset(ni + x->n_in, 0, (n - x->n_in) * sizeof *ni);
        x->in = ni;
        x->n_in = n;
    }
    *out = &x->in[inst];
    return PR_OK;
}

/* 1 when f must start again from the view's first bar (another view, or
 * one whose bars are not those it was fed); *len: the visible bars. */
static int follow_restart(follow *f, const pr_market_view *v, int inst, size_t *len) {
    pr_bar b;
    *len = pr_view_len(v, inst, PR_TF_NONE);
    int same = f->v == v && f->fed <= *len &&
               (f->fed == 0 || (pr_view_bar_at(v, inst, PR_TF_NONE, f->fed - 1, &b) == 0 && b.ts == f->last_ts));
    if (same) return 0;
    *f = (follow){v, 0, PR_TIME_NONE};
    return 1;
}

int pr_risk_stops_atr(pr_risk_stops_ctx *x, int which, const pr_market_view *v, int inst, double *out,
                      pr_err *err) {
    inst_ctx *ic;
    size_t len;
    int rc = inst_of(x, v, inst, &ic, err);
    if (rc != PR_OK) return rc;
    follow *f = &ic->fa[which];
    if (follow_restart(f, v, inst, &len)) {
        pr_ta_atr_free(&ic->atr[which]);
        if ((rc = pr_ta_atr_init(&ic->atr[which], x->period[which])) != PR_OK)
            return pr_err_set(err, rc, "risk: ATR(%d) not available", x->period[which]);
        ic->atr_val[which] = NAN;
    }
    for (pr_bar b; f->fed < len; f->fed++) {
        if ((rc = pr_view_bar_at(v, inst, PR_TF_NONE, f->fed, &b)) != PR_OK ||
            (rc = pr_ta_atr_update(&ic->atr[which], b.high, b.low, b.close, &ic->atr_val[which])) != PR_OK)
            return pr_err_set(err, rc, "risk: ATR of bar %zu", f->fed);
        f->last_ts = b.ts;
    }
    *out = ic->atr_val[which];
    return PR_OK;
}

/* The levels known at inst's latest closed bar into x->lv (*n of them). */
static int levels_of(pr_risk_stops_ctx *x, const pr_market_view *v, int inst, size_t *n, pr_err *err) {
    inst_ctx *ic;
    size_t len;
    int rc = inst_of(x, v, inst, &ic, err);
    if (rc != PR_OK) return rc;
    follow *f = &ic->fl;
    if (follow_restart(f, v, inst, &len)) {
        pr_ta_levels_cfg lc;
        pr_ta_levels_cfg_default(&lc);
        lc.left = lc.right = x->cfg.level_swing;
        lc.window = x->cfg.level_window;
        lc.atr_period = x->cfg.atr_period;
        pr_ta_levels_free(&ic->lv);
        if ((rc = pr_ta_levels_init(&ic->lv, &lc)) != PR_OK)
            return pr_err_set(err, rc, "risk: level detector not available");
    }
    for (pr_bar b; f->fed < len; f->fed++) {
        if ((rc = pr_view_bar_at(v, inst, PR_TF_NONE, f->fed, &b)) != PR_OK ||
            (rc = pr_ta_levels_update(&ic->lv, b.ts, b.high, b.low, b.close, NULL)) != PR_OK)
            return pr_err_set(err, rc, "risk: levels of bar %zu", f->fed);
        f->last_ts = b.ts;
    }
    *n = 0;
    if (!ic->lv.p) return PR_OK;   /* no bar yet */
    if ((rc = pr_ta_levels_get(&ic->lv, x->lv, x->lv_cap, n)) != PR_OK) return pr_err_set(err, rc, "risk: levels");
    if (*n > x->lv_cap) {
        pr_ta_level *nl = realloc(x->lv, *n * sizeof *nl);
        if (!nl) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
        x->lv = nl;
        x->lv_cap = *n;
        if ((rc = pr_ta_levels_get(&ic->lv, x->lv, x->lv_cap, n)) != PR_OK)
            return pr_err_set(err, rc, "risk: levels");
    }
    return PR_OK;
}

static int needs_atr(const pr_risk_stops *c) {
    return c->mode == PR_STOP_ATR || (c->mode == PR_STOP_LEVEL && c->level_fallback == 0) ||
           c->trail == PR_TRAIL_ATR;
}

int pr_risk_stops_bracket(pr_risk_stops_ctx *x, const pr_risk_stops *c, const pr_market_view *v, double price,
                          double round_trip, pr_signal *sig, const char **refuse, pr_err *err) {
    pr_risk_bracket_in in = {.dir = sig->kind == PR_SIG_ENTER_SHORT ? -1 : 1, .price = price, .atr = NAN,
                             .round_trip = round_trip};
    int rc;
    if (v && needs_atr(c) && (rc = pr_risk_stops_atr(x, PR_RISK_ATR_STOPS, v, sig->instrument, &in.atr, err)) != 0)
        return rc;
    if (v && c->mode == PR_STOP_LEVEL && (c->override || !(sig->stop > 0))) {
        if ((rc = levels_of(x, v, sig->instrument, &in.n_levels, err)) != 0) return rc;
        in.levels = x->lv;
        if (c->llm_levels && sig->n_llm_levels > 0) {
            size_t need = in.n_levels + PR_SIGNAL_MAX_LEVELS;
            if (need > x->mg_cap) {
                pr_ta_level *nm = realloc(x->mg, need * sizeof *nm);
                if (!nm) return pr_err_set(err, PR_ENOMEM, "risk: out of memory");
                x->mg = nm;
                x->mg_cap = need;
            }
            in.n_levels = pr_risk_levels_merge(x->lv, in.n_levels, sig, c->llm_level_strength, x->mg);
            in.levels = x->mg;
        }
    }
    *refuse = pr_risk_stops_apply(c, &in, sig);
    return PR_OK;
}
