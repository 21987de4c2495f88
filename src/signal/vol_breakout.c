/* vol_breakout: a volatility squeeze followed by a range break on volume.
 * Quiet markets store energy: when the short ATR has shrunk well below the
 * long one and the Bollinger band is among its narrowest of the recent past,
 * a close beyond the range of the bars before it, on volume above their
 * average, is taken as the start of a move (a crypto habit, usable
 * anywhere). The squeeze is judged at the bar before the break (the break
 * itself widens both measures); the range, the volume average and the band
 * widths likewise come from earlier bars only. The stop sits at the range's
 * other side, the target at a multiple of that risk, and the position is
 * closed when the close falls back through the band's middle. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

typedef struct vb_params {
    int atr_fast, atr_slow;   /* 14, 50                                   */
    double squeeze;           /* ATR(fast) < squeeze x ATR(slow): 0.7     */
    int bb_period;            /* 20                                       */
    double bb_dev;            /* 2                                        */
    int width_lookback;       /* 100                                      */
    double width_pct;         /* 0.2 (0: no band test)                    */
    int range_period;         /* 20                                       */
    int volume_period;        /* 20                                       */
    double volume_mult;       /* 1.5 (0: no volume test)                  */
    int allow_short;          /* 0                                        */
    double target_r;          /* 2 (0: no target)                         */
    int max_bars;             /* 0: no time stop                          */
} vb_params;

/* Per instrument: the indicator handles. */
typedef struct vb_inst {
    int atr_f, atr_s, up, mid, lo, hi_n, lo_n, vol;
} vb_inst;

typedef struct vol_breakout {
    pr_strategy base;
    vb_params p;
    size_t n;
    vb_inst *h;
} vol_breakout;

#define P_(f) offsetof(vb_params, f)
static const pr_param_def k_params[] = {
    {.name = "atr_fast", .type = PR_PARAM_INT, .offset = P_(atr_fast), .def = 14, .min = 1, .max = 100000,
     .desc = "the short ATR of the squeeze"},
    {.name = "atr_slow", .type = PR_PARAM_INT, .offset = P_(atr_slow), .def = 50, .min = 2, .max = 100000,
     .desc = "the long ATR it is compared with"},
    {.name = "squeeze", .type = PR_PARAM_NUMBER, .offset = P_(squeeze), .def = 0.7, .min = 0, .max = 1, .open = 1,
     .opt_min = 0.5, .opt_max = 0.9, .opt_step = 0.1, .desc = "squeeze when ATR(fast) < squeeze x ATR(slow)"},
    {.name = "bb_period", .type = PR_PARAM_INT, .offset = P_(bb_period), .def = 20, .min = 2, .max = 100000,
     .desc = "Bollinger band period of the width test"},
    {.name = "bb_dev", .type = PR_PARAM_NUMBER, .offset = P_(bb_dev), .def = 2, .min = 0, .max = 100, .open = 1,
     .desc = "band width in population deviations"},
    {.name = "width_lookback", .type = PR_PARAM_INT, .offset = P_(width_lookback), .def = 100, .min = 1,
     .max = 10000, .desc = "band widths the squeeze bar's width is ranked among"},
    {.name = "width_pct", .type = PR_PARAM_NUMBER, .offset = P_(width_pct), .def = 0.2, .min = 0, .max = 1,
     .desc = "squeeze needs at most this fraction of those widths below it (0: no band test)"},
    {.name = "range_period", .type = PR_PARAM_INT, .offset = P_(range_period), .def = 20, .min = 1, .max = 100000,
     .opt_min = 10, .opt_max = 50, .opt_step = 10, .desc = "bars before the break whose high/low make the range"},
    {.name = "volume_period", .type = PR_PARAM_INT, .offset = P_(volume_period), .def = 20, .min = 1,
     .max = 100000, .desc = "bars before the break whose mean volume the break must beat"},
    {.name = "volume_mult", .type = PR_PARAM_NUMBER, .offset = P_(volume_mult), .def = 1.5, .min = 0, .max = 1000,
     .desc = "break volume > this x that mean (0: no volume test)"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 0,
     .desc = "also sell breaks below the range"},
    {.name = "target_r", .type = PR_PARAM_NUMBER, .offset = P_(target_r), .def = 2, .min = 0, .max = 1000,
     .opt_min = 1, .opt_max = 4, .opt_step = 0.5, .desc = "target at this multiple of the stop distance (0: none)"},
    {.name = "max_bars", .type = PR_PARAM_INT, .offset = P_(max_bars), .def = 0, .min = 0, .max = 1000000,
     .desc = "time stop after this many bars (0: none)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const vb_params *p = pv;
    if (p->atr_fast >= p->atr_slow) {
        *what = "atr_fast";
        snprintf(msg, cap, "must be below atr_slow (atr_fast=%d atr_slow=%d)", p->atr_fast, p->atr_slow);
        return PR_EINVAL;
    }
    return PR_OK;
}

static void vb_destroy(pr_strategy *s) {
    vol_breakout *c = (vol_breakout *)s;
    free(c->h);
    free(c);
}

static size_t vb_describe(const pr_strategy *s, char *buf, size_t cap) {
    const vb_params *p = &((const vol_breakout *)s)->p;
    int n = snprintf(buf, cap,
                     "atr=%d<%gx%d bb=%d/%g width<=%g of %d range=%d volume>%gx%d short=%d target=%gR "
                     "max_bars=%d",
                     p->atr_fast, p->squeeze, p->atr_slow, p->bb_period, p->bb_dev, p->width_pct,
                     p->width_lookback, p->range_period, p->volume_mult, p->volume_period, p->allow_short,
                     p->target_r, p->max_bars);
    return n < 0 ? 0 : (size_t)n;
}

static int vb_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    vol_breakout *c = (vol_breakout *)s;
    const vb_params *p = &c->p;
    free(c->h);
    c->n = pr_view_n_instruments(v);
    c->h = calloc(c->n ? c->n : 1, sizeof *c->h);
    if (!c->h) return pr_err_set(err, PR_ENOMEM, "vol_breakout: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i, rc;
        vb_inst *h = &c->h[i];
        double af = p->atr_fast, as = p->atr_slow, bb[3] = {p->bb_period, p->bb_dev, p->bb_dev};
        double rp = p->range_period, vp = p->volume_period;
        if ((rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "atr", &af, 1, 0, NULL, &h->atr_f, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "atr", &as, 1, 0, NULL, &h->atr_s, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 0, "close", &h->up, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 1, "close", &h->mid, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "bbands", bb, 3, 2, "close", &h->lo, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "max", &rp, 1, 0, "high", &h->hi_n, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "min", &rp, 1, 0, "low", &h->lo_n, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "sma", &vp, 1, 0, "volume", &h->vol, err)))
            return rc;
    }
    /* the width ranking reads widths up to width_lookback + 1 bars back */
    pr_view_require_warmup(v, (size_t)p->bb_period + (size_t)p->width_lookback + 1);
    return PR_OK;
}

/* Bollinger width (upper - lower) / middle `ago` bars back; NaN when unknown. */
static double width_at(const pr_market_view *v, const vb_inst *h, size_t ago) {
    double up = pr_view_ind(v, h->up, ago), lo = pr_view_ind(v, h->lo, ago), mid = pr_view_ind(v, h->mid, ago);
    return mid > 0 ? (up - lo) / mid : NAN;
}

/* The squeeze at the bar before the latest: short ATR below squeeze x the
 * long one, and (width_pct > 0) at most width_pct of the width_lookback
 * widths before it strictly narrower than its own. */
static int squeezed(const pr_market_view *v, const vb_inst *h, const vb_params *p) {
    double af = pr_view_ind(v, h->atr_f, 1), as = pr_view_ind(v, h->atr_s, 1);
    if (!(af < p->squeeze * as)) return 0;
    if (p->width_pct <= 0) return 1;
    double w = width_at(v, h, 1);
    if (isnan(w)) return 0;
    int below = 0;
    for (int k = 2; k <= p->width_lookback + 1; k++) {
        double x = width_at(v, h, (size_t)k);
        if (isnan(x)) return 0;
        below += x < w;
    }
    return below <= p->width_pct * p->width_lookback;
}

static const char *const k_why_long =
    "close %.10g above the %.10g range high after a squeeze (ATR ratio %.3f), volume x%.2f of its mean";
static const char *const k_why_short =
    "close %.10g below the %.10g range low after a squeeze (ATR ratio %.3f), volume x%.2f of its mean";
static const char *const k_why_exit = "close %.10g back through the band's middle %.10g: exit";

static int vb_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    vol_breakout *c = (vol_breakout *)s;
    const vb_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        const vb_inst *h = &c->h[i];
        double close = pr_view_close(v, ii, 0), mid = pr_view_ind(v, h->mid, 0);
        int side = pr_view_side(v, ii);
        if (side != 0) {
            if (!isnan(mid) && (side > 0 ? close < mid : close > mid)) {
                pr_signal *sig = pr_signal_list_add(out, PR_SIG_EXIT, ii);
                if (!sig) return pr_err_set(err, PR_ELIMIT, "vol_breakout: signal list full");
                pr_signal_why(sig, k_why_exit, close, mid, 0, 0);
                pr_signal_tag(sig, "vol_breakout_exit");
            }
            continue;
        }
        /* the range and the volume mean of the bars before this one */
        double hi = pr_view_ind(v, h->hi_n, 1), lo = pr_view_ind(v, h->lo_n, 1);
        double vmean = pr_view_ind(v, h->vol, 1), vol = NAN;
        pr_bar b;
        if (pr_view_bar(v, ii, PR_TF_NONE, 0, &b) == PR_OK) vol = b.volume;
        if (isnan(close) || isnan(hi) || isnan(lo)) continue;
        int dir = close > hi ? 1 : close < lo && p->allow_short ? -1 : 0;
        if (!dir) continue;
        if (p->volume_mult > 0 && !(vmean > 0 && vol > p->volume_mult * vmean)) continue;
        if (!squeezed(v, h, p)) continue;
        double stop = dir > 0 ? lo : hi;
        pr_signal *sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "vol_breakout: signal list full");
        sig->stop = stop;
        if (p->target_r > 0) {
            sig->n_targets = 1;
            sig->target_price[0] = close + p->target_r * (close - stop);
            sig->target_frac[0] = 1;
            if (!(sig->target_price[0] > 0)) sig->n_targets = 0;
        }
        sig->max_bars = p->max_bars;
        double ratio = pr_view_ind(v, h->atr_f, 1) / pr_view_ind(v, h->atr_s, 1);
        pr_signal_why(sig, dir > 0 ? k_why_long : k_why_short, close, dir > 0 ? hi : lo, ratio,
                      vmean > 0 ? vol / vmean : NAN);
        pr_signal_tag(sig, dir > 0 ? "vol_breakout_long" : "vol_breakout_short");
    }
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "vol_breakout",
    .init = vb_init,
    .on_bar = vb_on_bar,
    .describe = vb_describe,
    .destroy = vb_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(vol_breakout), &k_vt, offsetof(vol_breakout, p), pv, sizeof(vb_params), out, err);
}

const pr_strategy_info pr_vol_breakout_info = {
    .name = "vol_breakout",
    .summary = "a range break on volume after an ATR and Bollinger-width squeeze",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(vb_params),
    .check = check_params,
    .create = create,
};
