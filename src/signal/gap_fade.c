/* gap_fade: US stocks often open away from the previous session's close and
 * drift back toward it in the first hours. On intraday bars, at the close of
 * a session's first regular bar (the first bar opening at or after 09:30
 * New York time, DST-aware, on a new New York date), an opening gap of at
 * least `min_gap` (and at most `max_gap`: big gaps on news tend to run) from
 * the previous session's last regular close is faded: a gap up sells, a gap
 * down buys, with the previous close as the target, a stop `stop_gap` gap
 * lengths beyond the open, and a time stop. A gap the first bar has already
 * closed is left alone. Regular bars are those opening from 09:30 to before
 * 16:00; pre- and post-market bars are neither a session's close nor its
 * open. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "proratio/data/calendar.h"
#include "proratio/signal.h"

#define OPEN_MIN (9 * 60 + 30)
#define CLOSE_MIN (16 * 60)

typedef struct gf_params {
    double min_gap;       /* 0.005                                  */
    double max_gap;       /* 0.03 (0: none)                         */
    double stop_gap;      /* 1: stop one gap length beyond the open */
    double hold_minutes;  /* 120                                    */
    int allow_long, allow_short;   /* both on                       */
} gf_params;

/* Per instrument: the last regular bar's New York date and close. */
typedef struct gf_inst {
    int64_t day;          /* New York day number of the last regular bar (INT64_MIN: none) */
    double close;         /* its close                                                      */
} gf_inst;

typedef struct gap_fade {
    pr_strategy base;
    gf_params p;
    size_t n;
    gf_inst *s;
} gap_fade;

#define P_(f) offsetof(gf_params, f)
static const pr_param_def k_params[] = {
    {.name = "min_gap", .type = PR_PARAM_NUMBER, .offset = P_(min_gap), .def = 0.005, .min = 0, .max = 1, .open = 1,
     .opt_min = 0.0025, .opt_max = 0.02, .opt_step = 0.0025, .desc = "fade gaps of at least this fraction"},
    {.name = "max_gap", .type = PR_PARAM_NUMBER, .offset = P_(max_gap), .def = 0.03, .min = 0, .max = 1,
     .desc = "and at most this one (0: no limit)"},
    {.name = "stop_gap", .type = PR_PARAM_NUMBER, .offset = P_(stop_gap), .def = 1, .min = 0, .max = 100,
     .desc = "stop this many gap lengths beyond the session's open (0: none)"},
    {.name = "hold_minutes", .type = PR_PARAM_NUMBER, .offset = P_(hold_minutes), .def = 120, .min = 0,
     .max = 100000, .open = 1, .desc = "time stop in minutes (rounded up to whole bars)"},
    {.name = "allow_long", .type = PR_PARAM_BOOL, .offset = P_(allow_long), .def = 1, .desc = "buy gaps down"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 1, .desc = "sell gaps up"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const gf_params *p = pv;
    if (p->max_gap > 0 && p->max_gap < p->min_gap) {
        *what = "max_gap";
        snprintf(msg, cap, "must be 0 or at least min_gap (%g < %g)", p->max_gap, p->min_gap);
        return PR_EINVAL;
    }
    return PR_OK;
}

static void gf_destroy(pr_strategy *s) {
    gap_fade *c = (gap_fade *)s;
    free(c->s);
    free(c);
}

static size_t gf_describe(const pr_strategy *s, char *buf, size_t cap) {
    const gf_params *p = &((const gap_fade *)s)->p;
    int n = snprintf(buf, cap, "gap=%g..%g stop=%gxgap hold=%gmin long=%d short=%d", p->min_gap, p->max_gap,
                     p->stop_gap, p->hold_minutes, p->allow_long, p->allow_short);
    return n < 0 ? 0 : (size_t)n;
}

static int gf_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    gap_fade *c = (gap_fade *)s;
    free(c->s);
    c->n = pr_view_n_instruments(v);
    c->s = calloc(c->n ? c->n : 1, sizeof *c->s);
    if (!c->s) return pr_err_set(err, PR_ENOMEM, "gap_fade: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        const pr_instrument *in = pr_view_instrument(v, (int)i);
        int64_t ms = pr_tf_ms(pr_view_tf(v, (int)i));
        if (in->asset_class != PR_ASSET_STOCK)
            return pr_err_set(err, PR_EINVAL, "gap_fade: %s: needs a stock (a session with an opening gap)",
                              in->symbol);
        if (ms <= 0 || ms >= PR_MS_PER_DAY)
            return pr_err_set(err, PR_EINVAL,
                              "gap_fade: %s: needs intraday bars (got %s): a daily bar's gap is known only after "
                              "the day it could be traded",
                              in->symbol, pr_tf_name(pr_view_tf(v, (int)i)));
        c->s[i].day = INT64_MIN;
        c->s[i].close = NAN;
    }
    return PR_OK;
}

static const char *const k_why_up =
    "opened %.10g, %.2f%% above the previous close %.10g: fading the gap toward it (first bar closed %.10g)";
static const char *const k_why_down =
    "opened %.10g, %.2f%% below the previous close %.10g: fading the gap toward it (first bar closed %.10g)";

static int gf_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    gap_fade *c = (gap_fade *)s;
    const gf_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        pr_bar b;
        if (pr_view_bar(v, ii, PR_TF_NONE, 0, &b) != PR_OK) continue;
        /* the bar's open in New York time */
        int64_t local = b.ts + (int64_t)pr_us_eastern_offset_min(b.ts) * PR_MS_PER_MIN;
        int64_t day = local >= 0 ? local / PR_MS_PER_DAY : -((-local + PR_MS_PER_DAY - 1) / PR_MS_PER_DAY);
        int64_t minute = (local - day * PR_MS_PER_DAY) / PR_MS_PER_MIN;
        if (minute < OPEN_MIN || minute >= CLOSE_MIN) continue;   /* pre- or post-market */
        gf_inst *st = &c->s[i];
        const int first = day != st->day;
        const double prev = st->close;
        st->day = day;
        st->close = b.close;
        if (!first || isnan(prev) || !(prev > 0) || pr_view_side(v, ii) != 0) continue;
        double gap = b.open / prev - 1, size = fabs(gap);
        if (!(size >= p->min_gap) || (p->max_gap > 0 && size > p->max_gap)) continue;
        int dir = gap > 0 ? -1 : 1;   /* fade */
        if ((dir > 0 && !p->allow_long) || (dir < 0 && !p->allow_short)) continue;
        if (dir > 0 ? b.close >= prev : b.close <= prev) continue;   /* already filled */
        pr_signal *sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "gap_fade: signal list full");
        sig->n_targets = 1;
        sig->target_price[0] = prev;
        sig->target_frac[0] = 1;
        if (p->stop_gap > 0) {
            double stop = b.open - dir * p->stop_gap * fabs(b.open - prev);
            if (stop > 0) sig->stop = stop;
        }
        double bars = ceil(p->hold_minutes * (double)PR_MS_PER_MIN / (double)pr_tf_ms(pr_view_tf(v, ii)));
        sig->max_bars = bars < 1 ? 1 : (int)bars;
        pr_signal_why(sig, gap > 0 ? k_why_up : k_why_down, b.open, 100 * size, prev, b.close);
        pr_signal_tag(sig, gap > 0 ? "gap_fade_short" : "gap_fade_long");
    }
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "gap_fade",
    .init = gf_init,
    .on_bar = gf_on_bar,
    .describe = gf_describe,
    .destroy = gf_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(gap_fade), &k_vt, offsetof(gap_fade, p), pv, sizeof(gf_params), out, err);
}

const pr_strategy_info pr_gap_fade_info = {
    .name = "gap_fade",
    .summary = "fades a stock's opening gap toward the previous close, with a time stop",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(gf_params),
    .check = check_params,
    .create = create,
};
