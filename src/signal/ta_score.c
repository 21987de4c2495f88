/* ta_score: a 0-10 long score and a 0-10 short score summing the votes of
 * several indicators (RSI, MACD, EMA trend, ADX, Bollinger position, volume
 * and the trend of a higher timeframe), the strategy that trades when one of
 * them reaches a threshold, and pr_ta_score_compute, which later stages (ML
 * features, LLM prompts, confirmations) call to get the same score from a
 * market view without declaring anything. Both paths feed the same inputs
 * to one scoring function, so they cannot drift apart: the strategy reads
 * indicators it declared on the view, pr_ta_score_compute runs the same ta
 * table entries over the visible bars. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal.h"
#include "proratio/ta.h"

static const char *const k_names[PR_TS_COUNT] = {"rsi", "macd", "ema", "adx", "bb", "volume", "htf"};
static const int k_max[PR_TS_COUNT] = {2, 2, 2, 1, 1, 1, 1};

const char *pr_ta_score_component_name(int k) { return k >= 0 && k < PR_TS_COUNT ? k_names[k] : NULL; }
int pr_ta_score_component_max(int k) { return k >= 0 && k < PR_TS_COUNT ? k_max[k] : 0; }

pr_timeframe pr_ta_score_default_htf(pr_timeframe tf) {
    switch (tf) {
    case PR_TF_1S:
    case PR_TF_5S: return PR_TF_1M;
    case PR_TF_10S:
    case PR_TF_15S: return PR_TF_3M;
    case PR_TF_30S: return PR_TF_5M;
    case PR_TF_1M:
    case PR_TF_3M: return PR_TF_15M;
    case PR_TF_2M: /* 15m is no whole number of 2m bars */
    case PR_TF_5M: return PR_TF_30M;
    case PR_TF_4M:
    case PR_TF_10M:
    case PR_TF_15M: return PR_TF_1H;
    case PR_TF_30M: return PR_TF_2H;
    case PR_TF_1H: return PR_TF_4H;
    case PR_TF_2H: return PR_TF_8H;
    case PR_TF_3H: return PR_TF_12H;
    case PR_TF_4H:
    case PR_TF_6H:
    case PR_TF_8H:
    case PR_TF_12H: return PR_TF_1D;
    case PR_TF_1D: return PR_TF_1W;
    default: return PR_TF_NONE;
    }
}

/* The higher timeframe used for a decision timeframe (PR_TF_NONE: none). */
static pr_timeframe htf_for(const pr_ta_score_params *p, pr_timeframe decision) {
    if (p->htf_off) return PR_TF_NONE;
    return p->htf != PR_TF_NONE ? p->htf : pr_ta_score_default_htf(decision);
}

/* ---- parameters ----------------------------------------------------------- */
#define P_(f) offsetof(pr_ta_score_params, f)
static const pr_param_def k_params[] = {
    {.name = "rsi_period", .type = PR_PARAM_INT, .offset = P_(rsi_period), .def = 14, .min = 2, .max = 100000,
     .opt_min = 7, .opt_max = 28, .opt_step = 7,
     .desc = "RSI period"},
    {.name = "rsi_low", .type = PR_PARAM_NUMBER, .offset = P_(rsi_low), .def = 30, .min = 0, .max = 100,
     .opt_min = 20, .opt_max = 40, .opt_step = 5,
     .desc = "rsi component: long point below this"},
    {.name = "rsi_high", .type = PR_PARAM_NUMBER, .offset = P_(rsi_high), .def = 70, .min = 0, .max = 100,
     .opt_min = 60, .opt_max = 80, .opt_step = 5,
     .desc = "rsi component: short point above this"},
    {.name = "macd_fast", .type = PR_PARAM_INT, .offset = P_(macd_fast), .def = 12, .min = 2, .max = 100000,
     .desc = "MACD fast EMA (below macd_slow)"},
    {.name = "macd_slow", .type = PR_PARAM_INT, .offset = P_(macd_slow), .def = 26, .min = 2, .max = 100000,
     .desc = "MACD slow EMA"},
    {.name = "macd_signal", .type = PR_PARAM_INT, .offset = P_(macd_signal), .def = 9, .min = 1, .max = 100000,
     .desc = "MACD signal EMA"},
    {.name = "ema_fast", .type = PR_PARAM_INT, .offset = P_(ema_fast), .def = 20, .min = 2, .max = 100000,
     .desc = "ema component: fast EMA (below ema_slow)"},
    {.name = "ema_slow", .type = PR_PARAM_INT, .offset = P_(ema_slow), .def = 50, .min = 2, .max = 100000,
     .desc = "ema component: slow EMA"},
    {.name = "ema_long", .type = PR_PARAM_INT, .offset = P_(ema_long), .def = 200, .min = 2, .max = 100000,
     .desc = "ema component: the close against this EMA"},
    {.name = "adx_period", .type = PR_PARAM_INT, .offset = P_(adx_period), .def = 14, .min = 2, .max = 100000,
     .desc = "ADX and DI period"},
    {.name = "adx_min", .type = PR_PARAM_NUMBER, .offset = P_(adx_min), .def = 25, .min = 0, .max = 100,
     .opt_min = 15, .opt_max = 35, .opt_step = 5,
     .desc = "adx component: trend when ADX is above this"},
    {.name = "bb_period", .type = PR_PARAM_INT, .offset = P_(bb_period), .def = 20, .min = 2, .max = 100000,
     .desc = "Bollinger band period"},
    {.name = "bb_dev", .type = PR_PARAM_NUMBER, .offset = P_(bb_dev), .def = 2, .min = 0, .max = 100, .open = 1,
     .desc = "Bollinger band width in deviations"},
    {.name = "bb_near", .type = PR_PARAM_NUMBER, .offset = P_(bb_near), .def = 0.2, .min = 0, .max = 0.5,
     .desc = "bb component: position within this of a band"},
    {.name = "volume_period", .type = PR_PARAM_INT, .offset = P_(volume_period), .def = 20, .min = 2, .max = 100000,
     .desc = "period of the volume average"},
    {.name = "volume_mult", .type = PR_PARAM_NUMBER, .offset = P_(volume_mult), .def = 1, .min = 0, .max = 1000, .open = 1,
     .desc = "volume component: volume above this x its average"},
    {.name = "htf", .type = PR_PARAM_TIMEFRAME, .offset = P_(htf), .aux_offset = P_(htf_off),
     .desc = "higher timeframe of the htf component: auto, off or a timeframe"},
    {.name = "htf_ema", .type = PR_PARAM_INT, .offset = P_(htf_ema), .def = 20, .min = 2, .max = 100000,
     .desc = "htf component: EMA of the higher-timeframe closes"},
    {.name = "atr_period", .type = PR_PARAM_INT, .offset = P_(atr_period), .def = 14, .min = 1, .max = 100000,
     .desc = "ATR period of stop and target"},
    {.name = "stop_atr", .type = PR_PARAM_NUMBER, .offset = P_(stop_atr), .def = 2, .min = 0, .max = 1000,
     .opt_min = 1, .opt_max = 4, .opt_step = 0.5,
     .desc = "stop at this many ATRs from the close (0: none)"},
    {.name = "target_atr", .type = PR_PARAM_NUMBER, .offset = P_(target_atr), .def = 3, .min = 0, .max = 1000,
     .opt_min = 1, .opt_max = 6, .opt_step = 0.5,
     .desc = "target at this many ATRs from the close (0: none)"},
    {.name = "min_score", .type = PR_PARAM_INT, .offset = P_(min_score), .def = 7, .min = 1, .max = 10,
     .opt_min = 5, .opt_max = 9, .opt_step = 1,
     .desc = "score that enters"},
    {.name = "allow_short", .type = PR_PARAM_BOOL, .offset = P_(allow_short), .def = 0, .min = 0, .max = 0,
     .desc = "enter short on the short score (else it exits a long)"},
};
#undef P_

static int check_params(const void *pv, const char **what, char *msg, size_t cap) {
    const pr_ta_score_params *p = pv;
    struct { const char *name; int v, min; } periods[] = {
        {"rsi_period", p->rsi_period, 2}, {"macd_fast", p->macd_fast, 2},   {"macd_slow", p->macd_slow, 2},
        {"macd_signal", p->macd_signal, 1}, {"ema_fast", p->ema_fast, 2},   {"ema_slow", p->ema_slow, 2},
        {"ema_long", p->ema_long, 2},     {"adx_period", p->adx_period, 2}, {"bb_period", p->bb_period, 2},
        {"volume_period", p->volume_period, 2}, {"htf_ema", p->htf_ema, 2}, {"atr_period", p->atr_period, 1},
    };
    for (size_t k = 0; k < sizeof periods / sizeof periods[0]; k++) {
        if (periods[k].v < periods[k].min || periods[k].v > 100000) {
            *what = periods[k].name;
            snprintf(msg, cap, "must be in [%d,100000] (got %d)", periods[k].min, periods[k].v);
            return PR_EINVAL;
        }
    }
    if (p->macd_fast >= p->macd_slow) {
        *what = "macd_fast";
        snprintf(msg, cap, "must be below macd_slow (macd_fast=%d macd_slow=%d)", p->macd_fast, p->macd_slow);
        return PR_EINVAL;
    }
    if (p->ema_fast >= p->ema_slow) {
        *what = "ema_fast";
        snprintf(msg, cap, "must be below ema_slow (ema_fast=%d ema_slow=%d)", p->ema_fast, p->ema_slow);
        return PR_EINVAL;
    }
    if (!(p->rsi_low >= 0 && p->rsi_low < p->rsi_high && p->rsi_high <= 100)) {
        *what = "rsi_low";
        snprintf(msg, cap, "need 0 <= rsi_low < rsi_high <= 100 (rsi_low=%g rsi_high=%g)", p->rsi_low, p->rsi_high);
        return PR_EINVAL;
    }
    if (!(p->adx_min >= 0 && p->adx_min <= 100)) {
        *what = "adx_min";
        snprintf(msg, cap, "must be in [0,100] (got %g)", p->adx_min);
        return PR_EINVAL;
    }
    if (!(p->bb_dev > 0 && p->bb_dev <= 100) || !(p->bb_near > 0 && p->bb_near <= 0.5)) {
        *what = p->bb_dev > 0 && p->bb_dev <= 100 ? "bb_near" : "bb_dev";
        snprintf(msg, cap, "need bb_dev in (0,100] and bb_near in (0,0.5] (bb_dev=%g bb_near=%g)", p->bb_dev,
                 p->bb_near);
        return PR_EINVAL;
    }
    if (!(p->volume_mult > 0 && p->volume_mult <= 1000)) {
        *what = "volume_mult";
        snprintf(msg, cap, "must be in (0,1000] (got %g)", p->volume_mult);
        return PR_EINVAL;
    }
    if (!(p->stop_atr >= 0 && p->stop_atr <= 1000) || !(p->target_atr >= 0 && p->target_atr <= 1000)) {
        *what = p->stop_atr >= 0 && p->stop_atr <= 1000 ? "target_atr" : "stop_atr";
        snprintf(msg, cap, "need stop_atr and target_atr in [0,1000] (stop_atr=%g target_atr=%g)", p->stop_atr,
                 p->target_atr);
        return PR_EINVAL;
    }
    if (p->min_score < 1 || p->min_score > 10) {
        *what = "min_score";
        snprintf(msg, cap, "must be in [1,10] (got %d)", p->min_score);
        return PR_EINVAL;
    }
    if (p->htf < PR_TF_NONE || p->htf >= PR_TF_COUNT) {
        *what = "htf";
        snprintf(msg, cap, "unknown timeframe %d", (int)p->htf);
        return PR_EINVAL;
    }
    return PR_OK;
}

static int create(const void *p, pr_strategy **out, pr_err *err) { return pr_ta_score_new(p, out, err); }

const pr_strategy_info pr_ta_score_info = {
    .name = "ta_score",
    .summary = "0-10 long and short scores from RSI, MACD, EMAs, ADX, Bollinger, volume and a higher timeframe",
    .params = k_params,
    .n_params = sizeof k_params / sizeof k_params[0],
    .size = sizeof(pr_ta_score_params),
    .check = check_params,
    .create = create,
};

void pr_ta_score_defaults(pr_ta_score_params *p) { pr_params_defaults(&pr_ta_score_info, p); }

int pr_ta_score_config(const pr_config *cfg, const char *path, pr_ta_score_params *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "ta_score: NULL output");
    pr_ta_score_params p;
    int rc = pr_params_read(&pr_ta_score_info, cfg, path, &p, err);
    if (rc == PR_OK) *out = p;
    return rc;
}

/* ---- the score ------------------------------------------------------------------ */
/* Differences below this fraction of the price are rounding noise (an EMA
 * of a constant drifts by a few ulps), not a trend or a band: they give no
 * point, so flat stretches of data do not score. */
#define TS_NOISE 1e-9

/* Fills r's points and scores from the inputs already stored in r. */
static void score_eval(const pr_ta_score_params *p, pr_ta_score_result *r) {
    memset(r->long_pts, 0, sizeof r->long_pts);
    memset(r->short_pts, 0, sizeof r->short_pts);
    r->long_score = r->short_score = 0;
    const double tol = TS_NOISE * fabs(r->close);
    double w = r->bb_upper - r->bb_lower;
    r->bb_pos = w > tol ? (r->close - r->bb_lower) / w : NAN;
    const double need[] = {r->close, r->open, r->volume, r->volume_avg, r->rsi, r->macd, r->macd_signal,
                           r->macd_prev, r->macd_signal_prev, r->ema_fast, r->ema_slow, r->ema_long, r->adx,
                           r->plus_di, r->minus_di, r->bb_upper, r->bb_lower, r->atr};
    r->valid = 1;
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
        if (isnan(need[k])) r->valid = 0;
    if (r->htf != PR_TF_NONE && (isnan(r->htf_close) || isnan(r->htf_ema))) r->valid = 0;
    if (!r->valid) return;
    int *L = r->long_pts, *S = r->short_pts;
    if (r->rsi < p->rsi_low) L[PR_TS_RSI] = 2;
    if (r->rsi > p->rsi_high) S[PR_TS_RSI] = 2;
    double dm = r->macd - r->macd_signal, dmp = r->macd_prev - r->macd_signal_prev;
    if (dm > tol) L[PR_TS_MACD] = dmp <= tol ? 2 : 1;
    if (dm < -tol) S[PR_TS_MACD] = dmp >= -tol ? 2 : 1;
    double de = r->ema_fast - r->ema_slow, dl = r->close - r->ema_long;
    L[PR_TS_EMA] = (de > tol) + (dl > tol);
    S[PR_TS_EMA] = (de < -tol) + (dl < -tol);
    if (r->adx > p->adx_min) {
        L[PR_TS_ADX] = r->plus_di > r->minus_di;
        S[PR_TS_ADX] = r->minus_di > r->plus_di;
    }
    if (!isnan(r->bb_pos)) {
        L[PR_TS_BB] = r->bb_pos < p->bb_near;
        S[PR_TS_BB] = r->bb_pos > 1.0 - p->bb_near;
    }
    if (r->volume_avg > 0 && r->volume > p->volume_mult * r->volume_avg * (1 + TS_NOISE)) {
        L[PR_TS_VOLUME] = r->close - r->open > tol;
        S[PR_TS_VOLUME] = r->close - r->open < -tol;
    }
    if (r->htf != PR_TF_NONE) {
        double dh = r->htf_close - r->htf_ema;
        L[PR_TS_HTF] = dh > TS_NOISE * fabs(r->htf_close);
        S[PR_TS_HTF] = dh < -TS_NOISE * fabs(r->htf_close);
    }
    for (int k = 0; k < PR_TS_COUNT; k++) {
        r->long_score += L[k];
        r->short_score += S[k];
    }
}

static void result_reset(pr_ta_score_result *r) {
    memset(r, 0, sizeof *r);
    double *all[] = {&r->close, &r->open, &r->volume, &r->volume_avg, &r->rsi, &r->macd, &r->macd_signal,
                     &r->macd_prev, &r->macd_signal_prev, &r->ema_fast, &r->ema_slow, &r->ema_long, &r->adx,
                     &r->plus_di, &r->minus_di, &r->bb_upper, &r->bb_lower, &r->bb_pos, &r->atr, &r->htf_close,
                     &r->htf_ema};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) *all[k] = NAN;
    r->htf = PR_TF_NONE;
    r->ts = PR_TIME_NONE;
}

/* ---- pr_ta_score_compute: the same inputs from the visible bars ---------------- */
/* One indicator of the ta table over n bars (the call the view makes when it
 * precomputes); writes its output `output` at n-1 and n-2 (NaN when absent). */
typedef struct calc {
    pr_ta_input in;
    double *outs[PR_TA_MAX_OUTPUTS];
} calc;

static int calc_one(calc *c, const char *name, const double *params, int np, int output, const double *real0,
                    double *last, double *prev, pr_err *err) {
    const pr_ta_def *def = NULL;
    if (pr_ta_find(name, &def) != 0) return pr_err_set(err, PR_ENOTFOUND, "ta_score: no indicator %s", name);
    double full[PR_TA_MAX_PARAMS] = {0};
    int rc = pr_ta_check_params(def, params, np, full, err);
    if (rc != 0) return rc;
    pr_ta_input in = c->in;
    in.real0 = real0;
    if ((rc = def->run(&in, full, c->outs)) != 0) return pr_err_set(err, rc, "ta_score: computing %s failed", name);
    size_t n = in.n;
    *last = c->outs[output][n - 1];
    if (prev) *prev = n >= 2 ? c->outs[output][n - 2] : NAN;
    return PR_OK;
}

int pr_ta_score_compute(const pr_market_view *v, int inst, const pr_ta_score_params *params,
                        pr_ta_score_result *out, pr_err *err) {
    if (!v || !out) return pr_err_set(err, PR_EINVAL, "pr_ta_score_compute: NULL argument");
    if (inst < 0 || (size_t)inst >= pr_view_n_instruments(v))
        return pr_err_set(err, PR_ERANGE, "pr_ta_score_compute: no instrument %d", inst);
    pr_ta_score_params p;
    pr_ta_score_defaults(&p);
    if (params) p = *params;
    const char *what = NULL;
    char msg[200];
    if (check_params(&p, &what, msg, sizeof msg) != 0) return pr_err_set(err, PR_EINVAL, "ta_score: %s: %s", what, msg);
    result_reset(out);
    out->ts = pr_view_now(v);
    pr_timeframe dtf = pr_view_tf(v, inst);
    pr_timeframe htf = htf_for(&p, dtf);
    if (htf != PR_TF_NONE && !pr_tf_divides(dtf, htf))
        return pr_err_set(err, PR_EINVAL, "ta_score: timeframe %s is not a whole multiple of %s", pr_tf_name(htf),
                          pr_tf_name(dtf));
    out->htf = htf;
    size_t n = pr_view_len(v, inst, PR_TF_NONE);
    if (n == 0) {
        score_eval(&p, out);
        return PR_OK;
    }
    /* ts, o, h, l, c, vol, 3 outputs, htf closes, htf output */
    int64_t *ts = malloc(n * sizeof *ts);
    double *buf = malloc(n * 11 * sizeof *buf);
    if (!ts || !buf) {
        free(ts);
        free(buf);
        return pr_err_set(err, PR_ENOMEM, "ta_score: out of memory");
    }
    double *o = buf, *h = buf + n, *l = buf + 2 * n, *c = buf + 3 * n, *vol = buf + 4 * n;
    double *hc = buf + 8 * n, *hout = buf + 9 * n;
    for (size_t i = 0; i < n; i++) {
        pr_bar b;
        if (pr_view_bar_at(v, inst, PR_TF_NONE, i, &b) != 0) b = (pr_bar){0, NAN, NAN, NAN, NAN, NAN};
        ts[i] = b.ts;
        o[i] = b.open;
        h[i] = b.high;
        l[i] = b.low;
        c[i] = b.close;
        vol[i] = b.volume;
    }
    calc k = {.in = {.n = n, .ts = ts, .open = o, .high = h, .low = l, .close = c, .volume = vol, .real1 = l},
              .outs = {buf + 5 * n, buf + 6 * n, buf + 7 * n}};
    out->close = c[n - 1];
    out->open = o[n - 1];
    out->volume = vol[n - 1];
    double pr = p.rsi_period, pm[3] = {p.macd_fast, p.macd_slow, p.macd_signal}, pef = p.ema_fast,
           pes = p.ema_slow, pel = p.ema_long, pa = p.adx_period, pb[3] = {p.bb_period, p.bb_dev, p.bb_dev},
           pv = p.volume_period, pat = p.atr_period, phe = p.htf_ema;
    int rc;
    if ((rc = calc_one(&k, "rsi", &pr, 1, 0, c, &out->rsi, NULL, err)) ||
        (rc = calc_one(&k, "macd", pm, 3, 0, c, &out->macd, &out->macd_prev, err)) ||
        (rc = calc_one(&k, "macd", pm, 3, 1, c, &out->macd_signal, &out->macd_signal_prev, err)) ||
        (rc = calc_one(&k, "ema", &pef, 1, 0, c, &out->ema_fast, NULL, err)) ||
        (rc = calc_one(&k, "ema", &pes, 1, 0, c, &out->ema_slow, NULL, err)) ||
        (rc = calc_one(&k, "ema", &pel, 1, 0, c, &out->ema_long, NULL, err)) ||
        (rc = calc_one(&k, "adx", &pa, 1, 0, c, &out->adx, NULL, err)) ||
        (rc = calc_one(&k, "plus_di", &pa, 1, 0, c, &out->plus_di, NULL, err)) ||
        (rc = calc_one(&k, "minus_di", &pa, 1, 0, c, &out->minus_di, NULL, err)) ||
        (rc = calc_one(&k, "bbands", pb, 3, 0, c, &out->bb_upper, NULL, err)) ||
        (rc = calc_one(&k, "bbands", pb, 3, 2, c, &out->bb_lower, NULL, err)) ||
        (rc = calc_one(&k, "sma", &pv, 1, 0, vol, &out->volume_avg, NULL, err)) ||
        (rc = calc_one(&k, "atr", &pat, 1, 0, c, &out->atr, NULL, err)))
        goto done;
    if (htf != PR_TF_NONE) {
        /* Higher-timeframe closes of the buckets that have closed by now: every
         * bucket followed by a later one, and the last when its end has come. */
        size_t m = 0;
        int64_t now = pr_view_now(v);
        for (size_t i = 0; i < n; i++) {
            int64_t bucket = pr_tf_floor(htf, ts[i]);
            int last_of_bucket = i + 1 == n ? pr_tf_next(htf, bucket) <= now : pr_tf_floor(htf, ts[i + 1]) != bucket;
            if (last_of_bucket) hc[m++] = c[i];
        }
        if (m > 0) {
            calc kh = {.in = {.n = m, .close = hc, .real0 = hc}, .outs = {hout}};
            out->htf_close = hc[m - 1];
            if ((rc = calc_one(&kh, "ema", &phe, 1, 0, hc, &out->htf_ema, NULL, err)) != 0) goto done;
        }
    }
    score_eval(&p, out);
done:
    free(ts);
    free(buf);
    return rc;
}

/* ---- the strategy --------------------------------------------------------------- */
enum { H_RSI, H_MACD, H_MACDS, H_EMAF, H_EMAS, H_EMAL, H_ADX, H_PDI, H_MDI, H_BBU, H_BBL, H_VOL, H_ATR, H_HTF,
       H_COUNT };

typedef struct ta_score {
    pr_strategy base;
    pr_ta_score_params p;
    size_t n;
    int (*h)[H_COUNT];              /* indicator handles per instrument          */
    pr_timeframe *htf;              /* per instrument (PR_TF_NONE: none)         */
    int *prev_long, *prev_short;    /* scores at the previous bar (-1: invalid)  */
    pr_ta_score_result *last;
    /* What the run saw, for ts_explain. */
    size_t scored, no_volume;       /* valid scores; of them without volume data */
    int best;                       /* highest long (or, with shorts, short) score */
    int max_htf;                    /* 1: some instrument has the htf component   */
} ta_score;

static void ts_free_arrays(ta_score *s) {
    free(s->h);
    free(s->htf);
    free(s->prev_long);
    free(s->prev_short);
    free(s->last);
    s->h = NULL;
    s->htf = NULL;
    s->prev_long = s->prev_short = NULL;
    s->last = NULL;
}

static void ts_destroy(pr_strategy *st) {
    ta_score *s = (ta_score *)st;
    ts_free_arrays(s);
    free(s);
}

static size_t ts_describe(const pr_strategy *st, char *buf, size_t cap) {
    const ta_score *s = (const ta_score *)st;
    const pr_ta_score_params *p = &s->p;
    const char *htf = p->htf_off ? "off" : p->htf == PR_TF_NONE ? "auto" : pr_tf_name(p->htf);
    int n = snprintf(buf, cap,
                     "min_score=%d rsi=%d<%g|>%g macd=%d/%d/%d ema=%d/%d/%d adx=%d>%g bb=%d/%g near=%g "
                     "volume>%gxsma%d htf=%s ema%d stop=%gxATR%d target=%gxATR short=%d",
                     p->min_score, p->rsi_period, p->rsi_low, p->rsi_high, p->macd_fast, p->macd_slow, p->macd_signal,
                     p->ema_fast, p->ema_slow, p->ema_long, p->adx_period, p->adx_min, p->bb_period, p->bb_dev,
                     p->bb_near, p->volume_mult, p->volume_period, htf, p->htf_ema, p->stop_atr, p->atr_period,
                     p->target_atr, p->allow_short);
    return n < 0 ? 0 : (size_t)n;
}

static int ts_init(pr_strategy *st, pr_market_view *v, pr_err *err) {
    ta_score *s = (ta_score *)st;
    const pr_ta_score_params *p = &s->p;
    size_t n = pr_view_n_instruments(v);
    ts_free_arrays(s);
    s->n = n;
    s->h = calloc(n, sizeof *s->h);
    s->htf = calloc(n, sizeof *s->htf);
    s->prev_long = calloc(n, sizeof *s->prev_long);
    s->prev_short = calloc(n, sizeof *s->prev_short);
    s->last = calloc(n, sizeof *s->last);
    if (!s->h || !s->htf || !s->prev_long || !s->prev_short || !s->last)
        return pr_err_set(err, PR_ENOMEM, "ta_score: out of memory");
    double pr = p->rsi_period, pm[3] = {p->macd_fast, p->macd_slow, p->macd_signal}, pef = p->ema_fast,
           pes = p->ema_slow, pel = p->ema_long, pa = p->adx_period, pb[3] = {p->bb_period, p->bb_dev, p->bb_dev},
           pv = p->volume_period, pat = p->atr_period, phe = p->htf_ema;
    for (size_t i = 0; i < n; i++) {
        int ii = (int)i, rc;
        int *h = s->h[i];
        const pr_timeframe D = PR_TF_NONE;
        if ((rc = pr_view_require_indicator(v, ii, D, "rsi", &pr, 1, 0, "close", &h[H_RSI], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "macd", pm, 3, 0, "close", &h[H_MACD], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "macd", pm, 3, 1, "close", &h[H_MACDS], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "ema", &pef, 1, 0, "close", &h[H_EMAF], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "ema", &pes, 1, 0, "close", &h[H_EMAS], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "ema", &pel, 1, 0, "close", &h[H_EMAL], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "adx", &pa, 1, 0, NULL, &h[H_ADX], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "plus_di", &pa, 1, 0, NULL, &h[H_PDI], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "minus_di", &pa, 1, 0, NULL, &h[H_MDI], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "bbands", pb, 3, 0, "close", &h[H_BBU], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "bbands", pb, 3, 2, "close", &h[H_BBL], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "sma", &pv, 1, 0, "volume", &h[H_VOL], err)) ||
            (rc = pr_view_require_indicator(v, ii, D, "atr", &pat, 1, 0, NULL, &h[H_ATR], err)))
            return rc;
        s->htf[i] = htf_for(p, pr_view_tf(v, ii));
        h[H_HTF] = -1;
        if (s->htf[i] != PR_TF_NONE &&
            (rc = pr_view_require_indicator(v, ii, s->htf[i], "ema", &phe, 1, 0, "close", &h[H_HTF], err)) != 0)
            return rc;
        s->prev_long[i] = s->prev_short[i] = -1;
        result_reset(&s->last[i]);
        if (s->htf[i] != PR_TF_NONE) s->max_htf = 1;
    }
    s->scored = s->no_volume = 0;
    s->best = -1;
    return PR_OK;
}

/* Gathers the inputs of instrument i from its declared indicators. */
static void gather(const ta_score *s, const pr_market_view *v, size_t i, pr_ta_score_result *r) {
    const int *h = s->h[i];
    int ii = (int)i;
    result_reset(r);
    r->ts = pr_view_now(v);
    pr_bar b;
    if (pr_view_bar(v, ii, PR_TF_NONE, 0, &b) == 0) {
        r->close = b.close;
        r->open = b.open;
        r->volume = b.volume;
    }
    r->rsi = pr_view_ind(v, h[H_RSI], 0);
    r->macd = pr_view_ind(v, h[H_MACD], 0);
    r->macd_prev = pr_view_ind(v, h[H_MACD], 1);
    r->macd_signal = pr_view_ind(v, h[H_MACDS], 0);
    r->macd_signal_prev = pr_view_ind(v, h[H_MACDS], 1);
    r->ema_fast = pr_view_ind(v, h[H_EMAF], 0);
    r->ema_slow = pr_view_ind(v, h[H_EMAS], 0);
    r->ema_long = pr_view_ind(v, h[H_EMAL], 0);
    r->adx = pr_view_ind(v, h[H_ADX], 0);
    r->plus_di = pr_view_ind(v, h[H_PDI], 0);
    r->minus_di = pr_view_ind(v, h[H_MDI], 0);
    r->bb_upper = pr_view_ind(v, h[H_BBU], 0);
    r->bb_lower = pr_view_ind(v, h[H_BBL], 0);
    r->volume_avg = pr_view_ind(v, h[H_VOL], 0);
    r->atr = pr_view_ind(v, h[H_ATR], 0);
    r->htf = s->htf[i];
    if (r->htf != PR_TF_NONE) {
        pr_bar hb;
        if (pr_view_bar(v, ii, r->htf, 0, &hb) == 0) r->htf_close = hb.close;
        r->htf_ema = pr_view_ind(v, h[H_HTF], 0);
    }
}

/* The points as one number whose digits are the components in order. */
static double digits(const int *pts) {
    double d = 0;
    for (int k = 0; k < PR_TS_COUNT; k++) d = d * 10 + pts[k];
    return d;
}

static const char *const k_why_long =
    "long score %.0f/10 (short %.0f); points rsi,macd,ema,adx,bb,volume,htf = %07.0f; ATR %.6g";
static const char *const k_why_short =
    "short score %.0f/10 (long %.0f); points rsi,macd,ema,adx,bb,volume,htf = %07.0f; ATR %.6g";

static int ts_on_bar(pr_strategy *st, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    ta_score *s = (ta_score *)st;
    const pr_ta_score_params *p = &s->p;
    for (size_t i = 0; i < s->n; i++) {
        int ii = (int)i;
        if (!pr_view_updated(v, ii)) continue;
        pr_ta_score_result *r = &s->last[i];
        gather(s, v, i, r);
        score_eval(p, r);
        int pl = s->prev_long[i], ps = s->prev_short[i];
        s->prev_long[i] = r->valid ? r->long_score : -1;
        s->prev_short[i] = r->valid ? r->short_score : -1;
        if (!r->valid) continue;
        int L = r->long_score, S = r->short_score;
        s->scored++;
        if (!(r->volume_avg > 0)) s->no_volume++;
        if (L > s->best) s->best = L;
        if (p->allow_short && S > s->best) s->best = S;
        int long_fire = L >= p->min_score && pl < p->min_score && L > S;
        int short_fire = S >= p->min_score && ps < p->min_score && S > L;
        pr_signal *sig = NULL;
        if (long_fire || (short_fire && p->allow_short)) {
            int dir = long_fire ? 1 : -1;
            sig = pr_signal_list_add(out, dir > 0 ? PR_SIG_ENTER_LONG : PR_SIG_ENTER_SHORT, ii);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "ta_score: signal list full");
            int sc = dir > 0 ? L : S;
            sig->confidence = sc / 10.0;
            pr_signal_why(sig, dir > 0 ? k_why_long : k_why_short, sc, dir > 0 ? S : L,
                          digits(dir > 0 ? r->long_pts : r->short_pts), r->atr);
            pr_signal_tag(sig, dir > 0 ? "ta_score_long" : "ta_score_short");
            if (p->stop_atr > 0 && r->atr > 0) {
                double stop = r->close - dir * p->stop_atr * r->atr;
                if (stop > 0) sig->stop = stop;
            }
            if (p->target_atr > 0 && r->atr > 0) {
                double tgt = r->close + dir * p->target_atr * r->atr;
                if (tgt > 0) {
                    sig->n_targets = 1;
                    sig->target_price[0] = tgt;
                    sig->target_frac[0] = 1.0;
                }
            }
        } else if (short_fire && pr_view_side(v, ii) > 0) {
            sig = pr_signal_list_add(out, PR_SIG_EXIT, ii);
            if (!sig) return pr_err_set(err, PR_ELIMIT, "ta_score: signal list full");
            pr_signal_why(sig, k_why_short, S, L, digits(r->short_pts), r->atr);
            pr_signal_tag(sig, "ta_score_exit");
        }
    }
    return PR_OK;
}

/* Without volume the volume component cannot score: the most a bar can
 * reach drops by one point, and a min_score chosen for 10 points becomes
 * rare. Said after the run, with the highest score reached. */
static size_t ts_explain(const pr_strategy *st, char *buf, size_t cap) {
    const ta_score *s = (const ta_score *)st;
    int n = 0;
    if (cap) buf[0] = '\0';
    if (s->no_volume > 0) {
        int most = 10 - pr_ta_score_component_max(PR_TS_VOLUME) - (s->max_htf ? 0 : 1);
        n = snprintf(buf, cap,
                     "ta_score: %zu of %zu scored bars had no volume data (volume average 0), where the volume "
                     "component cannot score and a score reaches at most %d of 10; min_score is %d, the highest "
                     "score reached %d. Lower min_score (e.g. --param min_score=%d) or use data with volume.",
                     s->no_volume, s->scored, most, s->p.min_score, s->best, s->p.min_score - 1);
    } else if (s->scored > 0 && s->best < s->p.min_score) {
        n = snprintf(buf, cap, "ta_score: the highest score reached in %zu scored bars was %d, below min_score %d",
                     s->scored, s->best, s->p.min_score);
    } else if (s->scored == 0) {
        n = snprintf(buf, cap, "ta_score: no bar had every input defined (the EMA(%d) and the higher timeframe "
                     "need more bars than the data has)", s->p.ema_long);
    }
    return n < 0 ? 0 : (size_t)n;
}

static const pr_strategy_vt k_ta_score_vt = {
    .name = "ta_score",
    .init = ts_init,
    .on_bar = ts_on_bar,
    .describe = ts_describe,
    .destroy = ts_destroy,
    .explain = ts_explain,
};

int pr_ta_score_new(const pr_ta_score_params *p, pr_strategy **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "ta_score: NULL output");
    pr_ta_score_params d;
    pr_ta_score_defaults(&d);
    if (p) d = *p;
    const char *what = NULL;
    char msg[200];
    if (check_params(&d, &what, msg, sizeof msg) != 0) return pr_err_set(err, PR_EINVAL, "ta_score: %s: %s", what, msg);
    ta_score *s = calloc(1, sizeof *s);
    if (!s) return pr_err_set(err, PR_ENOMEM, "ta_score: out of memory");
    s->base.vt = &k_ta_score_vt;
    s->p = d;
    *out = &s->base;
    return PR_OK;
}

int pr_ta_score_last(const pr_strategy *st, int inst, pr_ta_score_result *out) {
    if (!st || st->vt != &k_ta_score_vt || !out) return PR_EINVAL;
    const ta_score *s = (const ta_score *)st;
    if (inst < 0 || (size_t)inst >= s->n) return PR_ERANGE;
    *out = s->last[inst];
    return PR_OK;
}
