/* mtf_trend: trend following that asks every timeframe. On the decision
 * timeframe the trend hierarchy (EMA fast > mid > slow, the close above the
 * fast one) must hold and the MACD line must cross its signal this bar; the
 * entry is then weighed by how many of up to four timeframes agree (the
 * decision one and three higher ones, each judged on its *closed* bars:
 * close above EMA(htf_fast) above EMA(htf_slow) is up, the mirror down):
 * the alignment is the weight of the agreeing timeframes over the weight of
 * those in use. At `align_full` or more the entry is full size, between
 * `align_part` and it `part_size` of it, below none. The alignment goes to
 * the signal (mtf_align, which the risk stage's multipliers read) and, with
 * every timeframe's direction and the ones that disagree, to its reason. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal.h"

#define NTF 4        /* the decision timeframe and three higher ones */
#define NCODE 81     /* 3^NTF direction codes                         */
#define WHY_MAX 200

typedef struct mt_params {
    int ema_fast, ema_mid, ema_slow;          /* 10, 50, 200                 */
    int macd_fast, macd_slow, macd_signal;    /* 12, 26, 9                   */
    pr_timeframe htf[NTF - 1];                /* auto: the ladder            */
    int htf_off[NTF - 1];
    int htf_fast, htf_slow;                   /* 10, 20                      */
    double weights[NTF];                      /* 0.1, 0.2, 0.3, 0.4          */
    int n_weights;
    double align_full, align_part, part_size; /* 0.75, 0.6, 0.7              */
    int atr_period;                           /* 14                          */
    double stop_atr, target_atr;              /* 2, 0                        */
    int allow_short;                          /* 0                           */
} mt_params;

/* Per instrument: handles, the timeframes in use and the reasons. */
typedef struct mt_inst {
    int ef, em, es, macd, sig, atr;
    pr_timeframe tf[NTF];      /* [0] PR_TF_NONE (decision); PR_TF_COUNT: off */
    int hf[NTF], hs[NTF];      /* higher timeframes' EMAs                     */
    char *why;                 /* 2 x NCODE reasons of WHY_MAX (long, short)  */
} mt_inst;

typedef struct mtf_trend {
    pr_strategy base;
    mt_params p;
    size_t n;
    mt_inst *h;
} mtf_trend;

static const double k_weights[NTF] = {0.1, 0.2, 0.3, 0.4};

#define P_(f) offsetof(mt_params, f)
static const pr_param_def k_params[] = {
    {.name = "ema_fast", .type = PR_PARAM_INT, .offset = P_(ema_fast), .def = 10, .min = 1, .max = 100000,
     .desc = "the hierarchy's fast EMA (decision timeframe)"},
    {.name = "ema_mid", .type = PR_PARAM_INT, .offset = P_(ema_mid), .def = 50, .min = 2, .max = 100000,
     .opt_min = 20, .opt_max = 100, .opt_step = 10, .desc = "its middle EMA; a close below it exits"},
    {.name = "ema_slow", .type = PR_PARAM_INT, .offset = P_(ema_slow), .def = 200, .min = 3, .max = 100000,
     .desc = "its slow EMA"},
    {.name = "macd_fast", .type = PR_PARAM_INT, .offset = P_(macd_fast), .def = 12, .min = 2, .max = 100000,
     .desc = "MACD fast EMA"},
    {.name = "macd_slow", .type = PR_PARAM_INT, .offset = P_(macd_slow), .def = 26, .min = 2, .max = 100000,
     .desc = "MACD slow EMA"},
    {.name = "macd_signal", .type = PR_PARAM_INT, .offset = P_(macd_signal), .def = 9, .min = 1, .max = 100000,
     .desc = "MACD signal EMA; the line crossing it triggers"},
    {.name = "htf1", .type = PR_PARAM_TIMEFRAME, .offset = P_(htf[0]), .aux_offset = P_(htf_off[0]),
     .desc = "first higher timeframe: auto (1h: 4h), off or a timeframe"},
    {.name = "htf2", .type = PR_PARAM_TIMEFRAME, .offset = P_(htf[1]), .aux_offset = P_(htf_off[1]),
     .desc = "second: auto (the one above htf1; 1h: 1d), off or a timeframe"},
    {.name = "htf3", .type = PR_PARAM_TIMEFRAME, .offset = P_(htf[2]), .aux_offset = P_(htf_off[2]),
     .desc = "third: auto (1h: 1w), off or a timeframe"},
    {.name = "htf_fast", .type = PR_PARAM_INT, .offset = P_(htf_fast), .def = 10, .min = 1, .max = 100000,
     .desc = "higher timeframes: up when close > EMA(htf_fast) > EMA(htf_slow)"},
    {.name = "htf_slow", .type = PR_PARAM_INT, .offset = P_(htf_slow), .def = 20, .min = 2, .max = 100000,
     .desc = "higher timeframes' slow EMA"},
    {.name = "weights", .type = PR_PARAM_LIST, .offset = P_(weights), .aux_offset = P_(n_weights), .min = 0,
     .max = 1, .def_list = k_weights, .def_n = NTF, .cap = NTF,
     .desc = "weights of the decision timeframe, htf1, htf2 and htf3"},
    {.name = "align_full", .type = PR_PARAM_NUMBER, .offset = P_(align_full), .def = 0.75, .min = 0, .max = 1,
     .opt_min = 0.5, .opt_max = 1, .opt_step = 0.05, .desc = "full size at this alignment or more"},
    {.name = "align_part", .type = PR_PARAM_NUMBER, .offset = P_(align_part), .def = 0.6, .min = 0, .max = 1,
     .desc = "part size from this alignment; below it no entry"},
    {.name = "part_size", .type = PR_PARAM_NUMBER, .offset = P_(part_size), .def = 0.7, .min = 0, .max = 1,
     .open = 1, .desc = "the size hint between align_part and align_full"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 100000,
     .desc = "ATR period of the stop and target"},
    {.name = "stop_atr", .type = PR_PARAM_NUMBER, .offset = P_(stop_atr), .def = 2, .min = 0, .max = 1000,
     .opt_min = 1, .opt_max = 4, .opt_step = 0.5, .desc = "stop at this many ATRs from the close (0: none)"},
    {.name = "target_atr", .type = PR_PARAM_NUMBER, .offset = P_(target_atr), .def = 0, .min = 0, .max = 1000,
     .desc = "target at this many ATRs (0: none)"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 0,
     .desc = "also sell the mirror (hierarchy down, MACD crossing under)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const mt_params *p = pv;
    if (!(p->ema_fast < p->ema_mid && p->ema_mid < p->ema_slow)) {
        *what = "ema_fast";
        snprintf(msg, cap, "need ema_fast < ema_mid < ema_slow (%d, %d, %d)", p->ema_fast, p->ema_mid, p->ema_slow);
        return PR_EINVAL;
    }
    if (p->macd_fast >= p->macd_slow || p->htf_fast >= p->htf_slow) {
        *what = p->macd_fast >= p->macd_slow ? "macd_fast" : "htf_fast";
        snprintf(msg, cap, "must be below %s", p->macd_fast >= p->macd_slow ? "macd_slow" : "htf_slow");
        return PR_EINVAL;
    }
    if (p->n_weights != NTF || !(p->weights[0] > 0)) {
        *what = "weights";
        snprintf(msg, cap, "need %d weights (decision timeframe, htf1, htf2, htf3), the first above 0", NTF);
        return PR_EINVAL;
    }
    if (p->align_part > p->align_full) {
        *what = "align_part";
        snprintf(msg, cap, "must be at most align_full (%g > %g)", p->align_part, p->align_full);
        return PR_EINVAL;
    }
    return PR_OK;
}

static void free_insts(mtf_trend *c) {
    for (size_t i = 0; c->h && i < c->n; i++) free(c->h[i].why);
    free(c->h);
    c->h = NULL;
}

static void mt_destroy(pr_strategy *s) {
    mtf_trend *c = (mtf_trend *)s;
    free_insts(c);
    free(c);
}

static size_t mt_describe(const pr_strategy *s, char *buf, size_t cap) {
    const mt_params *p = &((const mtf_trend *)s)->p;
    int n = snprintf(buf, cap,
                     "ema=%d>%d>%d macd=%d/%d/%d htf_ema=%d/%d weights=%g/%g/%g/%g align>=%g (x%g from %g) "
                     "stop=%gxATR%d target=%gxATR short=%d",
                     p->ema_fast, p->ema_mid, p->ema_slow, p->macd_fast, p->macd_slow, p->macd_signal, p->htf_fast,
                     p->htf_slow, p->weights[0], p->weights[1], p->weights[2], p->weights[3], p->align_full,
                     p->part_size, p->align_part, p->stop_atr, p->atr_period, p->target_atr, p->allow_short);
    return n < 0 ? 0 : (size_t)n;
}

/* The reasons of every direction code (digit k: timeframe k flat 0, up 1,
 * down 2), for a long (side 0) and a short (side 1) entry: static text the
 * signal's reason points to, with the MACD, its signal and the alignment as
 * its numbers. */
static void build_reasons(mt_inst *h, pr_timeframe dtf) {
    static const char *const dir[3] = {"flat", "up", "down"};
    for (int side = 0; side < 2; side++)
        for (int code = 0; code < NCODE; code++) {
            char *w = h->why + (size_t)(side * NCODE + code) * WHY_MAX;
            size_t at = (size_t)snprintf(w, WHY_MAX, "%s", side ? "trend down, MACD %.6g crossed under its signal %.6g; "
                                                                 "alignment %.0f%% ("
                                                               : "trend up, MACD %.6g crossed over its signal %.6g; "
                                                                 "alignment %.0f%% (");
            char against[64] = "";
            for (int k = 0, c = code; k < NTF; k++, c /= 3) {
                if (h->tf[k] == PR_TF_COUNT) continue;
                const char *name = pr_tf_name(k ? h->tf[k] : dtf);
                if (at < WHY_MAX) at += (size_t)snprintf(w + at, WHY_MAX - at, "%s%s %s", k ? ", " : "", name, dir[c % 3]);
                if (c % 3 == (side ? 1 : 2))
                    snprintf(against + strlen(against), sizeof against - strlen(against), " %s", name);
            }
            if (at < WHY_MAX)
                snprintf(w + at, WHY_MAX - at, against[0] ? ") against:%s" : ")", against);
        }
}

static int mt_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    mtf_trend *c = (mtf_trend *)s;
    const mt_params *p = &c->p;
    free_insts(c);
    c->n = pr_view_n_instruments(v);
    c->h = calloc(c->n ? c->n : 1, sizeof *c->h);
    if (!c->h) return pr_err_set(err, PR_ENOMEM, "mtf_trend: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i, rc;
        mt_inst *h = &c->h[i];
        pr_timeframe dtf = pr_view_tf(v, ii), below = dtf;
        double ef = p->ema_fast, em = p->ema_mid, es = p->ema_slow, hf = p->htf_fast, hs = p->htf_slow;
        double macd[3] = {p->macd_fast, p->macd_slow, p->macd_signal}, atr = p->atr_period;
        if ((rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "ema", &ef, 1, 0, "close", &h->ef, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "ema", &em, 1, 0, "close", &h->em, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "ema", &es, 1, 0, "close", &h->es, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "macd", macd, 3, 0, "close", &h->macd, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "macd", macd, 3, 1, "close", &h->sig, err)) ||
            (rc = pr_view_require_indicator(v, ii, PR_TF_NONE, "atr", &atr, 1, 0, NULL, &h->atr, err)))
            return rc;
        h->tf[0] = PR_TF_NONE;
        for (int k = 1; k < NTF; k++) {
            pr_timeframe tf = p->htf_off[k - 1] ? PR_TF_COUNT
                              : p->htf[k - 1] != PR_TF_NONE ? p->htf[k - 1]
                              : below == PR_TF_COUNT ? PR_TF_COUNT
                                                     : pr_ta_score_default_htf(below);
            if (tf == PR_TF_NONE || p->weights[k] == 0) tf = PR_TF_COUNT;   /* nothing above, or no weight */
            h->tf[k] = tf;
            if (tf == PR_TF_COUNT) continue;
            below = tf;
            if (!pr_tf_divides(dtf, tf) || tf == dtf)
                return pr_err_set(err, PR_EINVAL, "mtf_trend: %s: htf%d %s is not a whole multiple of %s above it",
                                  pr_view_instrument(v, ii)->symbol, k, pr_tf_name(tf), pr_tf_name(dtf));
            if ((rc = pr_view_require_tf(v, ii, tf, err)) ||
                (rc = pr_view_require_indicator(v, ii, tf, "ema", &hf, 1, 0, "close", &h->hf[k], err)) ||
                (rc = pr_view_require_indicator(v, ii, tf, "ema", &hs, 1, 0, "close", &h->hs[k], err)))
                return rc;
        }
        h->why = malloc((size_t)2 * NCODE * WHY_MAX);
        if (!h->why) return pr_err_set(err, PR_ENOMEM, "mtf_trend: out of memory");
        build_reasons(h, dtf);
    }
    return PR_OK;
}

/* +1 up, -1 down, 0 flat; 2 when a value is not known yet. */
static int htf_dir(const pr_market_view *v, const mt_inst *h, int inst, int k) {
    pr_bar b;
    if (pr_view_bar(v, inst, h->tf[k], 0, &b) != PR_OK) return 2;
    double f = pr_view_ind(v, h->hf[k], 0), s = pr_view_ind(v, h->hs[k], 0);
    if (isnan(f) || isnan(s) || isnan(b.close)) return 2;
    return b.close > f && f > s ? 1 : b.close < f && f < s ? -1 : 0;
}

static const char *const k_why_exit = "close %.10g through EMA%.0f %.10g: exit";

static int mt_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    mtf_trend *c = (mtf_trend *)s;
    const mt_params *p = &c->p;
    for (size_t i = 0; i < c->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        const mt_inst *h = &c->h[i];
        double close = pr_view_close(v, ii, 0), ef = pr_view_ind(v, h->ef, 0), em = pr_view_ind(v, h->em, 0);
        double es = pr_view_ind(v, h->es, 0);
        int side = pr_view_side(v, ii);
        if (isnan(close) || isnan(ef) || isnan(em) || isnan(es)) continue;
        if (side != 0) {
            if (side > 0 ? close < em : close > em) {
                pr_signal *sig = pr_signal_list_add(out, PR_SIG_EXIT, ii);
                if (!sig) return pr_err_set(err, PR_ELIMIT, "mtf_trend: signal list full");
                pr_signal_why(sig, k_why_exit, close, p->ema_mid, em, 0);
                pr_signal_tag(sig, "mtf_trend_exit");
            }
            continue;
        }
        double m0 = pr_view_ind(v, h->macd, 0), s0 = pr_view_ind(v, h->sig, 0);
        double m1 = pr_view_ind(v, h->macd, 1), s1 = pr_view_ind(v, h->sig, 1);
        if (isnan(m0) || isnan(s0) || isnan(m1) || isnan(s1)) continue;
        int up = close > ef && ef > em && em > es, down = close < ef && ef < em && em < es;
        int dir = up && m0 > s0 && m1 <= s1 ? 1 : down && p->allow_short && m0 < s0 && m1 >= s1 ? -1 : 0;
        if (!dir) continue;
        /* the alignment: the decision timeframe agrees (its hierarchy) */
        double agree = p->weights[0], total = p->weights[0];
        int code = dir > 0 ? 1 : 2, pow3 = 3, known = 1;
        for (int k = 1; k < NTF; k++, pow3 *= 3) {
            if (h->tf[k] == PR_TF_COUNT) continue;
            int d = htf_dir(v, h, ii, k);
            if (d == 2) {
                known = 0;
                break;
            }
            total += p->weights[k];
            if (d == dir) agree += p->weights[k];
            code += pow3 * (d > 0 ? 1 : d < 0 ? 2 : 0);
        }
        if (!known) continue;   /* a higher timeframe still warming up */
        double align = agree / total;
        if (align < p->align_part) continue;
        pr_signal *sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
        if (!sig) return pr_err_set(err, PR_ELIMIT, "mtf_trend: signal list full");
        sig->size_hint = align >= p->align_full ? 1 : p->part_size;
        sig->confidence = align;
        sig->mtf_known = 1;
        sig->mtf_align = align;
        double atr = pr_view_ind(v, h->atr, 0);
        if (p->stop_atr > 0 && atr > 0 && close - dir * p->stop_atr * atr > 0) sig->stop = close - dir * p->stop_atr * atr;
        if (p->target_atr > 0 && atr > 0 && close + dir * p->target_atr * atr > 0) {
            sig->n_targets = 1;
            sig->target_price[0] = close + dir * p->target_atr * atr;
            sig->target_frac[0] = 1;
        }
        pr_signal_why(sig, h->why + (size_t)((dir > 0 ? 0 : NCODE) + code) * WHY_MAX, m0, s0, 100 * align, 0);
        pr_signal_tag(sig, dir > 0 ? "mtf_trend_long" : "mtf_trend_short");
    }
    return PR_OK;
}

static const pr_strategy_vt k_vt = {
    .name = "mtf_trend",
    .init = mt_init,
    .on_bar = mt_on_bar,
    .describe = mt_describe,
    .destroy = mt_destroy,
};

static int create(const void *pv, pr_strategy **out, pr_err *err) {
    return pr_strategy_alloc(sizeof(mtf_trend), &k_vt, offsetof(mtf_trend, p), pv, sizeof(mt_params), out, err);
}

const pr_strategy_info pr_mtf_trend_info = {
    .name = "mtf_trend",
    .summary = "EMA trend hierarchy with a MACD trigger, sized by the alignment of four timeframes",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(mt_params),
    .check = check_params,
    .create = create,
};
