/* grid: a price grid traded inside a range. Lines sit every `step` above
 * and below the range's middle (a fixed percentage of it, or a multiple of
 * ATR when the grid is laid); a close at or below the k-th line under the
 * middle holds k lots long (bought as each line is crossed), and each lot is
 * sold one line higher, so every round trip earns one step less costs. In
 * `neutral` mode the mirror holds short lots above the middle (forex);
 * `long` mode is a spot grid (crypto: inventory only below the middle).
 * The inventory cap is the number of lines on a side (`levels`, and never
 * beyond the range). Every lot carries a protective stop a `break_steps`
 * beyond the range: a break closes the whole inventory and the grid waits
 * `cooldown` bars before it lays a new one (on a freshly detected range, or
 * the configured one once the price is back inside it). A range is
 * detected from the highs and lows of the last `range_bars` bars, only while
 * ADX is below `adx_max` (a trending market is what breaks grids).
 *
 * Orders go at the next bar's open after the close that crossed a line, as
 * every decision here does: a fill can be worse than its line (the README
 * says so). The sizer sizes the whole inventory; a lot is 1/levels of it
 * (size_hint), and lots beyond the first are added to the position
 * (scale_in); sells are partial exits. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/signal.h"

enum { GRID_PCT = 0, GRID_ATR };
enum { MODE_NEUTRAL = 0, MODE_LONG, MODE_SHORT };
enum { PRESET_NONE = 0, PRESET_TIGHT, PRESET_WIDE };

typedef struct grid_params {
    int preset;               /* none: step and levels as given             */
    int spacing;              /* pct | atr                                  */
    double step_pct;          /* 1 (% of the middle)                        */
    int atr_period;           /* 14                                         */
    double atr_mult;          /* 1                                          */
    int levels;               /* 5: lines a side = inventory cap in lots    */
    int mode;                 /* neutral | long | short                     */
    int range_bars;           /* 100                                        */
    double range_low, range_high;   /* 0: detect                            */
    double max_range_pct;     /* 0: any detected width                      */
    double adx_max;           /* 25 (0: no trend filter)                    */
    double break_steps;       /* 1                                          */
    int cooldown;             /* 24 bars                                    */
} grid_params;

/* One instrument's grid. */
typedef struct grid_inst {
    int atr, adx, hi, lo;     /* indicator handles                         */
    int active;
    double mid, step, low, high;
    int lines;                /* lines a side: the cap                      */
    int lots;                 /* held: > 0 long lots, < 0 short lots        */
    int lots_before;          /* before the last signal (a refusal restores) */
    long bar, resume_at;      /* bars seen; cooldown end                   */
} grid_inst;

typedef struct grid {
    pr_strategy base;
    grid_params p;
    size_t n;
    grid_inst *g;
} grid;

static const char *const k_spacing[] = {"pct", "atr", NULL};
static const char *const k_modes[] = {"neutral", "long", "short", NULL};
static const char *const k_presets[] = {"none", "tight", "wide", NULL};
/* The presets' step (% or ATR multiple) and lines a side. */
static const struct { double step; int levels; } k_preset[] = {{0, 0}, {0.5, 10}, {2.0, 4}};

#define P_(f) offsetof(grid_params, f)
static const pr_param_def k_params[] = {
    {.name = "preset", .type = PR_PARAM_CHOICE, .offset = P_(preset), .def = PRESET_NONE, .choices = k_presets,
     .desc = "tight: 0.5% (or 0.5 ATR) steps, 10 lines a side; wide: 2% (2 ATR), 4 lines; none: step_pct/atr_mult and "
             "levels as given (a preset overrides them)"},
    {.name = "spacing", .type = PR_PARAM_CHOICE, .offset = P_(spacing), .def = GRID_PCT, .choices = k_spacing,
     .desc = "lines every step_pct % of the middle, or every atr_mult x ATR when the grid is laid"},
    {.name = "step_pct", .type = PR_PARAM_NUMBER, .offset = P_(step_pct), .def = 1, .min = 0, .max = 50, .open = 1,
     .opt_min = 0.25, .opt_max = 3, .opt_step = 0.25, .desc = "line spacing in % of the middle (spacing pct)"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 100000,
     .desc = "ATR period (spacing atr)"},
    {.name = "atr_mult", .type = PR_PARAM_NUMBER, .offset = P_(atr_mult), .def = 1, .min = 0, .max = 1000, .open = 1,
     .desc = "line spacing in ATRs (spacing atr)"},
    {.name = "levels", .type = PR_PARAM_INT, .offset = P_(levels), .def = 5, .min = 1, .max = 100, .opt_min = 2,
     .opt_max = 10, .opt_step = 1, .desc = "lines on each side of the middle: the inventory cap in lots"},
    {.name = "mode", .type = PR_PARAM_CHOICE, .offset = P_(mode), .def = MODE_NEUTRAL, .choices = k_modes,
     .desc = "neutral: long lots below the middle, short lots above; long: below only (spot); short: above only"},
    {.name = "range_bars", .type = PR_PARAM_INT, .offset = P_(range_bars), .def = 100, .min = 2, .max = 100000,
     .desc = "bars whose highest high and lowest low make a detected range"},
    {.name = "range_low", .type = PR_PARAM_NUMBER, .offset = P_(range_low), .def = 0, .min = 0, .max = 1e15,
     .desc = "a configured range's low (with range_high; 0: detect)"},
    {.name = "range_high", .type = PR_PARAM_NUMBER, .offset = P_(range_high), .def = 0, .min = 0, .max = 1e15,
     .desc = "a configured range's high (0: detect)"},
    {.name = "max_range_pct", .type = PR_PARAM_NUMBER, .offset = P_(max_range_pct), .def = 0, .min = 0, .max = 1000,
     .desc = "a detected range wider than this % of its middle lays no grid (0: any)"},
    {.name = "adx_max", .type = PR_PARAM_NUMBER, .offset = P_(adx_max), .def = 25, .min = 0, .max = 100,
     .desc = "lay a grid on a detected range only while ADX(14) is below this (0: no trend filter)"},
    {.name = "break_steps", .type = PR_PARAM_NUMBER, .offset = P_(break_steps), .def = 1, .min = 0, .max = 1000,
     .desc = "the stop: this many steps beyond the range closes the inventory and stops the grid"},
    {.name = "cooldown", .type = PR_PARAM_INT, .offset = P_(cooldown), .def = 24, .min = 0, .max = 1000000,
     .desc = "bars after a break before a new grid is laid"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const grid_params *p = pv;
    if ((p->range_low > 0) != (p->range_high > 0) || (p->range_low > 0 && !(p->range_low < p->range_high))) {
        *what = "range_low";
        snprintf(msg, cap, "a configured range needs 0 < range_low < range_high (range_low=%g range_high=%g)",
                 p->range_low, p->range_high);
        return PR_EINVAL;
    }
    return PR_OK;
}

static double step_of(const grid_params *p) {
    double s = p->spacing == GRID_ATR ? p->atr_mult : p->step_pct;
    return p->preset != PRESET_NONE ? k_preset[p->preset].step : s;
}

static int levels_of(const grid_params *p) {
    return p->preset != PRESET_NONE ? k_preset[p->preset].levels : p->levels;
}

static void grid_destroy(pr_strategy *s) {
    grid *c = (grid *)s;
    free(c->g);
    free(c);
}

static size_t grid_describe(const pr_strategy *s, char *buf, size_t cap) {
    const grid_params *p = &((const grid *)s)->p;
    char range[64] = "detected";
    if (p->range_low > 0) snprintf(range, sizeof range, "[%g, %g]", p->range_low, p->range_high);
    int n = snprintf(buf, cap, "step=%g%s levels=%d mode=%s range=%s/%d adx<%g break=%g steps cooldown=%d",
                     step_of(p), p->spacing == GRID_ATR ? "xATR" : "%", levels_of(p), k_modes[p->mode], range,
                     p->range_bars, p->adx_max, p->break_steps, p->cooldown);
    return n < 0 ? 0 : (size_t)n;
}

static int grid_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    grid *c = (grid *)s;
    const grid_params *p = &c->p;
    free(c->g);
    c->n = pr_view_n_instruments(v);
    c->g = calloc(c->n ? c->n : 1, sizeof *c->g);
    if (!c->g) return pr_err_set(err, PR_ENOMEM, "grid: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i, rc;
        grid_inst *g = &c->g[i];
        double ap = p->atr_period, dp = 14, rb = p->range_bars;
        g->atr = g->adx = -1;
        if (p->spacing == GRID_ATR &&
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "atr", &ap, 1, 0, NULL, &g->atr, err)))
            return rc;
        if (p->adx_max > 0 && (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "adx", &dp, 1, 0, NULL, &g->adx, err)))
            return rc;
        if ((rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "max", &rb, 1, 0, "high", &g->hi, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "min", &rb, 1, 0, "low", &g->lo, err)))
            return rc;
    }
    pr_view_require_warmup(v, (size_t)p->range_bars);
    return PR_OK;
}

/* Lays a grid at this close when the range allows one; 1 when laid. */
static int lay(const grid_params *p, const pr_market_view *v, grid_inst *g, double close) {
    double lo = p->range_low, hi = p->range_high;
    if (!(lo > 0)) {
        if (g->adx >= 0 && !(pr_view_ind(v, g->adx, 0) < p->adx_max)) return 0;
        hi = pr_view_ind(v, g->hi, 0);
        lo = pr_view_ind(v, g->lo, 0);
        if (!(hi > lo)) return 0;
        if (p->max_range_pct > 0 && (hi - lo) / ((hi + lo) / 2) * 100 > p->max_range_pct) return 0;
    }
    if (!(close > lo && close < hi)) return 0;
    double mid = (hi + lo) / 2;
    double step = p->spacing == GRID_ATR ? step_of(p) * pr_view_ind(v, g->atr, 0) : mid * step_of(p) / 100;
    if (!(step > 0)) return 0;
    int lines = (int)floor((hi - mid) / step * (1 + 1e-12));
    if (lines > levels_of(p)) lines = levels_of(p);
    if (lines < 1) return 0;
    g->active = 1;
    g->mid = mid;
    g->step = step;
    g->low = lo;
    g->high = hi;
    g->lines = lines;
    g->lots = 0;
    return 1;
}

/* The lots to hold after a close at c holding k: lots come off one line
 * above where they were bought first, then new lines crossed add lots. */
static int target_lots(const grid_params *p, const grid_inst *g, int k, double c) {
    double m = g->mid, s = g->step;
    while (k > 0 && c >= m - (k - 1) * s) k--;
    while (k < 0 && c <= m + (-k - 1) * s) k++;
    if (k >= 0 && p->mode != MODE_SHORT)
        while (k < g->lines && c <= m - (k + 1) * s) k++;
    if (k <= 0 && p->mode != MODE_LONG)
        while (-k < g->lines && c >= m + (-k + 1) * s) k--;
    return k;
}

static const char *const k_why_buy = "grid: close %.10g at or below line -%.0f (middle %.10g, step %.6g): buy";
static const char *const k_why_sell = "grid: close %.10g at or above line %.0f (middle %.10g, step %.6g): sell short";
static const char *const k_why_take = "grid: close %.10g back one line above a lot's line: take %.0f lot(s)";
static const char *const k_why_break = "grid: close %.10g beyond the range [%.10g, %.10g] by a break: stop the grid";

static pr_signal *add_sig(pr_signal_list *out, pr_signal_kind kind, int ii, pr_err *err) {
    pr_signal *sig = pr_signal_list_add(out, kind, ii);
    if (!sig) pr_err_set(err, PR_ELIMIT, "grid: signal list full");
    return sig;
}

static int grid_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    grid *c = (grid *)s;
    const grid_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        grid_inst *g = &c->g[i];
        g->bar++;
        double close = pr_view_close(v, ii, 0);
        if (isnan(close)) continue;
        int side = pr_view_side(v, ii);
        if (g->active && g->lots != 0 && side != (g->lots > 0 ? 1 : -1)) {
            /* the inventory is gone without a sell of ours: the protective
             * stop (or a kill switch) closed it; treat it as a break */
            g->active = 0;
            g->lots = 0;
            g->resume_at = g->bar + p->cooldown;
        }
        if (!g->active) {
            if (g->bar < g->resume_at || !lay(p, v, g, close)) continue;
        }
        double brk = p->break_steps * g->step;
        if (close < g->low - brk || close > g->high + brk) {
            if (side != 0) {
                pr_signal *sig = add_sig(out, PR_SIG_EXIT, ii, err);
                if (!sig) return PR_ELIMIT;
                pr_signal_why(sig, k_why_break, close, g->low, g->high, 0);
                pr_signal_tag(sig, "grid_break");
            }
            g->active = 0;
            g->lots = 0;
            g->resume_at = g->bar + p->cooldown;
            continue;
        }
        int k = g->lots, nk = target_lots(p, g, k, close);
        if (nk == k) continue;
        pr_signal *sig;
        if (nk == 0 || (k != 0 && (nk > 0) == (k > 0) && abs(nk) < abs(k))) {
            /* lots taken off, none added on the other side */
            if (!(sig = add_sig(out, PR_SIG_EXIT, ii, err))) return PR_ELIMIT;
            int sold = abs(k) - abs(nk);
            sig->exit_frac = nk == 0 ? 0 : (double)sold / abs(k);
            pr_signal_why(sig, k_why_take, close, sold, 0, 0);
            pr_signal_tag(sig, "grid_take");
        } else {
            /* lots added on nk's side (k on the other side is closed first) */
            int dir = nk > 0 ? 1 : -1;
            int same = k != 0 && (k > 0) == (nk > 0);
            int add = same ? abs(nk) - abs(k) : abs(nk);
            if (!(sig = add_sig(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii, err))) return PR_ELIMIT;
            sig->scale_in = same;
            sig->size_hint = (double)add / g->lines;
            sig->stop = dir > 0 ? g->low - brk : g->high + brk;
            if (!(sig->stop > 0)) sig->stop = 0;
            pr_signal_why(sig, dir > 0 ? k_why_buy : k_why_sell, close, abs(nk), g->mid, g->step);
            pr_signal_tag(sig, dir > 0 ? "grid_buy" : "grid_sell");
        }
        g->lots_before = k;
        g->lots = nk;
    }
    return PR_OK;
}

/* An entry refused (sizer, risk, a confirmation) did not change what is
 * held: the lots go back to what they were. */
static int grid_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    grid *c = (grid *)s;
    (void)v;
    (void)err;
    if (ev->kind == PR_EV_REJECTED && (size_t)ev->instrument < c->n &&
        (ev->signal == PR_SIG_ENTER_LONG || ev->signal == PR_SIG_ENTER_SHORT))
        c->g[ev->instrument].lots = c->g[ev->instrument].lots_before;
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "grid",
    .init = grid_init,
    .on_bar = grid_on_bar,
    .describe = grid_describe,
    .destroy = grid_destroy,
    .on_event = grid_on_event,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(grid), &k_vt, offsetof(grid, p), pv, sizeof(grid_params), out, err);
}

const pr_strategy_info pr_grid_info = {
    .name = "grid",
    .summary = "a price grid inside a detected or configured range: lots bought below the middle, sold a line up",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(grid_params),
    .check = check_params,
    .create = create,
};
