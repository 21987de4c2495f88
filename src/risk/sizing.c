/* Position sizing rules of the risk stage (risk/sizing.h): one base size
 * per mode, then the multipliers, the caps (notional fraction, loss at the
 * stop) and the lot or contract rounding, in that order. Pure arithmetic:
 * the stage gathers the inputs. */
#include <math.h>
#include <stddef.h>

#include "proratio/risk/sizing.h"

const char *const pr_risk_mode_names[] = {"fixed_fraction", "fixed_risk", "kelly", "kelly_score", "atr",
                                          "vol_target", "pip", "contracts", NULL};

/* Quantities at a boundary (33,000.0000001 units) must not drop a lot. */
#define ROUND_EPS 1e-9

double pr_risk_kelly(double p, double b) {
    if (!(b > 0)) return -1;
    return p - (1 - p) / b;
}

double pr_risk_score_prob(const pr_risk_sizing *s, double score) {
    double p = 0;
    for (int i = 0; i < s->n_score && i < PR_RISK_SCORE_LEVELS; i++)
        if (score >= s->score_level[i]) p = s->score_prob[i];
    return p;
}

static int refuse(pr_risk_decision *out, const char *why) {
    out->value = 0;
    out->resized = 0;
    out->reason = why;
    return 0;
}

static void lower(pr_risk_decision *out, double value, const char *why) {
    if (!(value < out->value)) return;
    out->value = value;
    if (!out->resized) out->reason = why;
    out->resized = 1;
}

/* Kelly fraction of the rolling statistics; -1 when there is no edge to
 * compute (no win or no loss yet counts as no edge and as certainty). */
static double kelly_of_stats(const pr_risk_trade_stats *t) {
    int losses = t->n - t->wins;
    if (t->wins == 0) return -1;
    double p = (double)t->wins / t->n;
    if (losses == 0 || !(t->sum_loss > 0)) return p;
    return pr_risk_kelly(p, (t->sum_win / t->wins) / (t->sum_loss / losses));
}

/* Account money lost per unit when the stop trades. */
static double loss_per_unit(const pr_risk_inputs *in, double dist) {
    double mult = in->inst && in->inst->contract_multiplier > 0 ? in->inst->contract_multiplier : 1;
    return dist * mult * in->fx;
}

/* The base size of the mode; value 0 with out->reason set when refused.
 * Returns 0 (an int so each refusal can return it). */
static int base_size(const pr_risk_sizing *s, const pr_risk_inputs *in, double dist, pr_risk_decision *out) {
    double eq = in->equity, px = in->price;
    out->mode = PR_QTY_NOTIONAL;
    switch ((pr_risk_mode)s->mode) {
    case PR_RISK_FIXED_FRACTION: out->value = s->fraction * eq; return 0;
    case PR_RISK_FIXED_RISK:
        /* The broker turns risk money into units at the fill price, as the
         * built-in sizer does; without a stop it commits `fraction`. */
        if (dist > 0) {
            out->mode = PR_QTY_RISK;
            out->value = s->risk * eq;
        } else {
            out->value = s->fraction * eq;
        }
        return 0;
    case PR_RISK_KELLY: {
        if (in->stats.n < s->kelly_min_trades) {
            if (!(s->kelly_fallback > 0)) return refuse(out, "Kelly: fewer closed trades than kelly_min_trades");
            out->value = s->kelly_fallback * eq;
            return 0;
        }
        double f = kelly_of_stats(&in->stats);
        if (!(f > 0)) return refuse(out, "Kelly: no edge in the closed trades");
        out->value = s->kelly_fraction * f * eq;
        return 0;
    }
    case PR_RISK_KELLY_SCORE: {
        double b = in->target > 0 && dist > 0 ? fabs(in->target - px) / dist : s->payoff;
        double f = pr_risk_kelly(pr_risk_score_prob(s, 10 * in->confidence), b);
        if (!(f > 0)) return refuse(out, "Kelly: no edge at this TA score");
        out->value = s->kelly_fraction * f * eq;
        return 0;
    }
    case PR_RISK_ATR:
        if (!(in->atr > 0)) return refuse(out, "ATR not available yet");
        if (!(in->fx > 0)) return refuse(out, "no rate from the quote to the account currency");
        out->mode = PR_QTY_UNITS;
        out->value = s->risk * eq / loss_per_unit(in, s->atr_k * in->atr);
        return 0;
    case PR_RISK_VOL_TARGET:
        if (!(in->vol > 0)) return refuse(out, "volatility not available yet");
        out->value = eq * s->target_vol / in->vol;
        return 0;
    case PR_RISK_PIP: {
        double pip = in->inst ? in->inst->pip_size : 0;
        if (!(dist > 0)) return refuse(out, "pip sizing needs a stop");
        if (!(pip > 0)) return refuse(out, "the instrument has no pip size");
        if (!(in->fx > 0)) return refuse(out, "no rate from the quote to the account currency");
        out->mode = PR_QTY_UNITS;
        out->value = s->risk * eq / ((dist / pip) * pip * in->fx);
        return 0;
    }
    case PR_RISK_CONTRACTS: {
        double tick = in->inst && in->inst->tick_size > 0 ? in->inst->tick_size : 0;
        if (!(dist > 0)) return refuse(out, "contract sizing needs a stop");
        if (!(in->fx > 0)) return refuse(out, "no rate from the quote to the account currency");
        /* The stop distance in whole ticks, rounded up: never under-count risk. */
        double d = tick > 0 ? ceil(dist / tick - ROUND_EPS) * tick : dist;
        out->mode = PR_QTY_UNITS;
        out->value = s->risk * eq / loss_per_unit(in, d);
        return 0;
    }
    case PR_RISK_N_MODES: break;
    }
    return refuse(out, "unknown sizing mode");
}

int pr_risk_size(const pr_risk_sizing *s, const pr_risk_inputs *in, pr_risk_decision *out) {
    *out = (pr_risk_decision){PR_QTY_NOTIONAL, 0, 0, NULL};
    if (!(in->equity > 0) || !(in->price > 0)) {
        refuse(out, "no equity or no price");
        return 0;
    }
    double dist = in->stop > 0 ? fabs(in->price - in->stop) : 0;
    base_size(s, in, dist, out);
    if (!(out->value > 0)) {
        if (!out->reason) out->reason = "sized to 0";
        out->value = 0;
        return 0;
    }
    if (s->by_confidence) {
        double c = in->confidence < 0 ? 0 : in->confidence > 1 ? 1 : in->confidence;
        lower(out, out->value * c, "confidence multiplier");
    }
    if (in->mult_why) {
        if (!(in->mult > 0)) return refuse(out, in->mult_why);
        lower(out, out->value * in->mult, in->mult_why);
    }
    double eq = in->equity;
    if (out->mode == PR_QTY_NOTIONAL) lower(out, s->max_fraction * eq, "max fraction of equity");
    if (dist > 0) {
        double cap = s->max_loss * eq;
        if (out->mode == PR_QTY_RISK) lower(out, cap, "loss cap per trade");
        else if (out->mode == PR_QTY_NOTIONAL) lower(out, cap * in->price / dist, "loss cap per trade");
        else if (in->fx > 0) lower(out, cap / loss_per_unit(in, dist), "loss cap per trade");
    }
    if (s->mode == PR_RISK_PIP || s->mode == PR_RISK_CONTRACTS) {
        double lot = s->mode == PR_RISK_PIP ? s->lot_units : 1;
        out->value = floor(out->value / lot + ROUND_EPS) * lot;
        if (!(out->value > 0)) refuse(out, s->mode == PR_RISK_PIP ? "less than one lot" : "less than one contract");
    }
    return 0;
}
