/* The market snapshot a prompt is filled from: recent bars, indicators and
 * higher-timeframe trends computed from bars[0..last] only (no look-ahead),
 * plus the caller's TA score and candidate trade, rendered to deterministic
 * text (same inputs, same bytes, so the prompt hash is a cache key). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai_internal.h"
#include "proratio/ta.h"
#include "proratio/ta/momentum.h"
#include "proratio/ta/overlap.h"

#define HTF_READ_MAX 5000

void pr_llm_snapshot_opts_default(pr_llm_snapshot_opts *o) {
    o->recent_bars = 12;
    o->history = 400;
    o->anonymise = 0;
}

static void add_ind(pr_llm_snapshot *s, const char *name, double v) {
    if (s->n_ind >= PR_SNAP_ITEMS_MAX) return;
    pr_strlcpy(s->ind[s->n_ind].name, name, sizeof s->ind[0].name);
    s->ind[s->n_ind].value = isfinite(v) ? v : NAN;
    s->n_ind++;
}

/* Indicators over bars [from, last] of s, values at last. */
static int indicators(const pr_series *ser, size_t from, size_t last, pr_llm_snapshot *s, pr_err *err) {
    size_t n = last - from + 1;
    double *buf = malloc(3 * n * sizeof *buf);
    if (!buf) return pr_err_set(err, PR_ENOMEM, "snapshot: out of memory");
    double *a = buf, *b = buf + n, *c = buf + 2 * n;
    const double *cl = ser->close + from, *hi = ser->high + from, *lo = ser->low + from;
#define LAST(arr) ((arr)[n - 1])
    if (pr_ta_rsi(n, cl, 14, a) == 0) add_ind(s, "RSI14", LAST(a));
    if (pr_ta_ema(n, cl, 20, a) == 0) add_ind(s, "EMA20", LAST(a));
    if (pr_ta_ema(n, cl, 50, a) == 0) add_ind(s, "EMA50", LAST(a));
    if (pr_ta_sma(n, cl, 200, a) == 0) add_ind(s, "SMA200", LAST(a));
    if (pr_ta_atr(n, hi, lo, cl, 14, a) == 0) add_ind(s, "ATR14", LAST(a));
    if (pr_ta_macd(n, cl, 12, 26, 9, a, b, c) == 0) {
        add_ind(s, "MACD", LAST(a));
        add_ind(s, "MACD_signal", LAST(b));
        add_ind(s, "MACD_hist", LAST(c));
    }
    if (pr_ta_adx(n, hi, lo, cl, 14, a) == 0) add_ind(s, "ADX14", LAST(a));
    if (pr_ta_bbands(n, cl, 20, 2, 2, a, b, c) == 0) {
        add_ind(s, "BB_upper", LAST(a));
        add_ind(s, "BB_middle", LAST(b));
        add_ind(s, "BB_lower", LAST(c));
    }
#undef LAST
    free(buf);
    return PR_OK;
}

/* Closed bars of a higher timeframe aggregated from [from, last]. */
static void htf_trend(const pr_series *ser, size_t from, size_t last, pr_timeframe htf, int64_t now,
                      pr_snap_htf *out) {
    memset(out, 0, sizeof *out);
    out->tf = htf;
    out->close = out->sma = out->change = NAN;
    double closes[HTF_READ_MAX];
    size_t n = 0;
    int64_t bucket = PR_TIME_NONE;
    double last_close = NAN;
    for (size_t i = from; i <= last; i++) {
        int64_t b = pr_tf_floor(htf, ser->ts[i]);
        if (b != bucket) {
            if (bucket != PR_TIME_NONE && pr_tf_next(htf, bucket) <= now && n < HTF_READ_MAX) closes[n++] = last_close;
            bucket = b;
        }
        last_close = ser->close[i];
    }
    /* The newest bucket counts only when it has closed by the decision time. */
    if (bucket != PR_TIME_NONE && pr_tf_next(htf, bucket) <= now && n < HTF_READ_MAX) closes[n++] = last_close;
    /* The first bucket may have started before `from`: drop it when partial. */
    if (n > 0 && from > 0 && pr_tf_floor(htf, ser->ts[from]) == pr_tf_floor(htf, ser->ts[from - 1])) {
        memmove(closes, closes + 1, (n - 1) * sizeof closes[0]);
        n--;
    }
    out->bars = n;
    if (n == 0) return;
    out->close = closes[n - 1];
    size_t k = n < 10 ? n : 10;
    double sum = 0;
    for (size_t i = n - k; i < n; i++) sum += closes[i];
    out->sma = sum / (double)k;
    if (n >= 6) out->change = closes[n - 1] / closes[n - 6] - 1;
    if (n >= 3) out->trend = out->close > out->sma * 1.001 ? 1 : (out->close < out->sma * 0.999 ? -1 : 0);
}

int pr_llm_snapshot_build(const pr_series *ser, size_t last, const char *venue, const pr_llm_snapshot_opts *opt,
                          pr_llm_snapshot *out, pr_err *err) {
    if (!ser || !out) return pr_err_set(err, PR_EINVAL, "snapshot: NULL argument");
    if (last >= ser->len) return pr_err_set(err, PR_ERANGE, "snapshot: bar %zu of %zu", last, ser->len);
    if (ser->tf == PR_TF_NONE) return pr_err_set(err, PR_EINVAL, "snapshot: the series has no timeframe");
    pr_llm_snapshot_opts d;
    pr_llm_snapshot_opts_default(&d);
    if (!opt) opt = &d;
    memset(out, 0, sizeof *out);
    out->anonymised = opt->anonymise != 0;
    pr_strlcpy(out->venue, venue ? venue : "", sizeof out->venue);
    pr_strlcpy(out->symbol, ser->symbol, sizeof out->symbol);
    out->tf = ser->tf;
    out->bar_ts = ser->ts[last];
    out->decision_ts = pr_tf_next(ser->tf, out->bar_ts);
    out->ta_score = NAN;
    size_t nb = opt->recent_bars ? opt->recent_bars : 12;
    if (nb > PR_SNAP_BARS_MAX) nb = PR_SNAP_BARS_MAX;
    if (nb > last + 1) nb = last + 1;
    size_t first = last + 1 - nb;
    out->n_bars = nb;
    out->window_high = -INFINITY;
    out->window_low = INFINITY;
    for (size_t i = 0; i < nb; i++) {
        size_t j = first + i;
        out->ts[i] = ser->ts[j];
        out->open[i] = ser->open[j];
        out->high[i] = ser->high[j];
        out->low[i] = ser->low[j];
        out->close[i] = ser->close[j];
        out->volume[i] = ser->volume ? ser->volume[j] : 0;
        if (ser->high[j] > out->window_high) out->window_high = ser->high[j];
        if (ser->low[j] < out->window_low) out->window_low = ser->low[j];
    }
    out->window_change = ser->close[first] != 0 ? ser->close[last] / ser->close[first] - 1 : NAN;
    size_t hist = opt->history ? opt->history : 400;
    size_t from = last + 1 > hist ? last + 1 - hist : 0;
    int rc = indicators(ser, from, last, out, err);
    if (rc) return rc;
    static const pr_timeframe htfs[] = {PR_TF_4H, PR_TF_1D, PR_TF_1W};
    size_t hfrom = last + 1 > HTF_READ_MAX ? last + 1 - HTF_READ_MAX : 0;
    for (size_t i = 0; i < sizeof htfs / sizeof htfs[0]; i++)
        if (pr_tf_ms(htfs[i]) > pr_tf_ms(ser->tf) && pr_tf_divides(ser->tf, htfs[i]) && out->n_htf < PR_SNAP_HTF_MAX)
            htf_trend(ser, hfrom, last, htfs[i], out->decision_ts, &out->htf[out->n_htf++]);
    return PR_OK;
}

int pr_llm_snapshot_set_score(pr_llm_snapshot *s, double score, const pr_snap_item *comp, size_t n, pr_err *err) {
    if (!s || (n && !comp)) return pr_err_set(err, PR_EINVAL, "snapshot: NULL argument");
    if (!(score >= 0 && score <= 1)) return pr_err_set(err, PR_ERANGE, "snapshot: TA score %g is outside [0,1]", score);
    if (n > PR_SNAP_ITEMS_MAX) return pr_err_set(err, PR_ELIMIT, "snapshot: more than %d TA components", PR_SNAP_ITEMS_MAX);
    s->ta_score = score;
    s->n_comp = n;
    for (size_t i = 0; i < n; i++) s->comp[i] = comp[i];
    return PR_OK;
}

/* ---- rendering -------------------------------------------------------------- */
typedef struct writer {
    char *buf;
    size_t cap, n;
    int full;
} writer;

static void wf(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wf(writer *w, const char *fmt, ...) {
    if (w->full) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(w->buf + w->n, w->cap - w->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= w->cap - w->n) {
        w->full = 1;
        return;
    }
    w->n += (size_t)k;
}

/* Starts a variable: returns where its text begins. */
static const char *begin(writer *w) {
    if (w->full) return "";
    return w->buf + w->n;
}

static void end(writer *w) {
    if (w->full) return;
    if (w->n + 1 >= w->cap) {
        w->full = 1;
        return;
    }
    w->buf[w->n++] = '\0';
}

static void num(writer *w, double v) {
    if (!isfinite(v)) wf(w, "n/a");
    else wf(w, "%.10g", v);
}

static void pct(writer *w, double v) {
    if (!isfinite(v)) wf(w, "n/a");
    else wf(w, "%+.2f%%", v * 100);
}

/* Indicators whose value is not a price (oscillators in [0,100]): they are
 * shown as they are in anonymised prompts; every other one is rebased. */
static int unitless(const char *name) {
    static const char *const k[] = {"RSI14", "ADX14", NULL};
    for (size_t i = 0; k[i]; i++)
        if (strcmp(name, k[i]) == 0) return 1;
    return 0;
}

/* Anonymised prompts hide what identifies the market and the date (the
 * model could recall what followed): prices are multiplied by px so the
 * first shown bar closes at 100, volumes by vk so their mean is 1, and bars
 * are named by age. In plain prompts px = vk = 1 (x * 1 is exact). */
int pr_llm_snapshot_render(const pr_llm_snapshot *s, pr_snap_text *out, pr_err *err) {
    if (!s || !out) return pr_err_set(err, PR_EINVAL, "snapshot render: NULL argument");
    writer w = {out->buf, sizeof out->buf, 0, 0};
    size_t k = 0;
    const int anon = s->anonymised;
    double vol = 0;
    for (size_t i = 0; i < s->n_bars; i++) vol += s->volume[i];
    double px = 1, vk = 1;
    if (anon) {
        px = s->n_bars && s->close[0] > 0 ? 100 / s->close[0] : NAN;
        vk = s->n_bars && vol > 0 ? (double)s->n_bars / vol : NAN;
    }
    char t1[PR_TIME_STR_MAX], t2[PR_TIME_STR_MAX];
    pr_time_format_iso(s->decision_ts, t1, sizeof t1);
    pr_time_format_iso(s->bar_ts, t2, sizeof t2);
#define VAR(nm) out->vars[k].name = nm, out->vars[k++].value = begin(&w)

    VAR("symbol");
    wf(&w, "%s", anon ? "withheld" : s->symbol);
    end(&w);
    VAR("venue");
    wf(&w, "%s", anon ? "withheld" : (s->venue[0] ? s->venue : "n/a"));
    end(&w);
    VAR("timeframe");
    wf(&w, "%s", pr_tf_name(s->tf));
    end(&w);
    VAR("time");
    if (anon) wf(&w, "withheld (dates are not shown: bars are named by age, t-0 is the last closed bar)");
    else wf(&w, "%s", t1);
    end(&w);
    VAR("bar_time");
    wf(&w, "%s", anon ? "t-0" : t2);
    end(&w);
    VAR("last_close");
    num(&w, s->n_bars ? s->close[s->n_bars - 1] * px : NAN);
    end(&w);

    VAR("ohlcv_summary");
    wf(&w, "last %zu bars: change ", s->n_bars);
    pct(&w, s->window_change);
    wf(&w, ", high ");
    num(&w, s->window_high * px);
    wf(&w, ", low ");
    num(&w, s->window_low * px);
    wf(&w, ", last close ");
    num(&w, s->n_bars ? s->close[s->n_bars - 1] * px : NAN);
    if (anon) wf(&w, "; prices rebased so the oldest bar shown closes at 100, volume relative to its mean over these bars");
    else {
        wf(&w, ", mean volume ");
        num(&w, s->n_bars ? vol / (double)s->n_bars : NAN);
    }
    end(&w);

    VAR("recent_bars");
    wf(&w, "%s open high low close volume", anon ? "age" : "time");
    for (size_t i = 0; i < s->n_bars; i++) {
        char t[PR_TIME_STR_MAX];
        if (anon) snprintf(t, sizeof t, "t-%zu", s->n_bars - 1 - i);
        else pr_time_format_iso(s->ts[i], t, sizeof t);
        wf(&w, "\n%s ", t);
        num(&w, s->open[i] * px);
        wf(&w, " ");
        num(&w, s->high[i] * px);
        wf(&w, " ");
        num(&w, s->low[i] * px);
        wf(&w, " ");
        num(&w, s->close[i] * px);
        wf(&w, " ");
        num(&w, s->volume[i] * vk);
    }
    end(&w);

    VAR("indicators");
    if (s->n_ind == 0) wf(&w, "none");
    for (size_t i = 0; i < s->n_ind; i++) {
        wf(&w, "%s%s: ", i ? "\n" : "", s->ind[i].name);
        num(&w, s->ind[i].value * (unitless(s->ind[i].name) ? 1 : px));
    }
    end(&w);

    VAR("ta_score");
    if (isfinite(s->ta_score)) wf(&w, "%.4f", s->ta_score);
    else wf(&w, "n/a");
    end(&w);

    VAR("ta_components");
    if (s->n_comp == 0) wf(&w, "none");
    for (size_t i = 0; i < s->n_comp; i++) {
        wf(&w, "%s%s: ", i ? "\n" : "", s->comp[i].name);
        num(&w, s->comp[i].value);
    }
    end(&w);

    VAR("htf_trends");
    if (s->n_htf == 0) wf(&w, "none");
    for (size_t i = 0; i < s->n_htf; i++) {
        const pr_snap_htf *h = &s->htf[i];
        wf(&w, "%s%s: ", i ? "\n" : "", pr_tf_name(h->tf));
        if (h->bars < 3) {
            wf(&w, "n/a (%zu closed bars)", h->bars);
            continue;
        }
        wf(&w, "%s (close ", h->trend > 0 ? "up" : (h->trend < 0 ? "down" : "flat"));
        num(&w, h->close * px);
        wf(&w, ", SMA%zu ", h->bars < 10 ? h->bars : (size_t)10);
        num(&w, h->sma * px);
        wf(&w, ", 5-bar change ");
        pct(&w, h->change);
        wf(&w, ")");
    }
    end(&w);

    const pr_snap_candidate *c = &s->cand;
    VAR("candidate");
    if (c->side == 0) wf(&w, "none");
    else {
        wf(&w, "%s entry ", c->side > 0 ? "LONG" : "SHORT");
        num(&w, c->entry * px);
        wf(&w, ", stop ");
        if (c->stop > 0) num(&w, c->stop * px);
        else wf(&w, "none");
        wf(&w, ", target ");
        if (c->target > 0) num(&w, c->target * px);
        else wf(&w, "none");
        if (c->stop > 0 && c->entry > 0) {
            wf(&w, ", risk ");
            pct(&w, fabs(c->entry - c->stop) / c->entry);
        }
        if (c->stop > 0 && c->target > 0 && c->entry != c->stop)
            wf(&w, ", reward/risk %.2f", fabs(c->target - c->entry) / fabs(c->entry - c->stop));
        if (c->strategy[0]) wf(&w, ", strategy %s", c->strategy);
        /* A strategy's reason may quote prices or the symbol. */
        if (c->reason[0] && !anon) wf(&w, ", reason: %s", c->reason);
    }
    end(&w);

    VAR("side");
    wf(&w, "%s", c->side > 0 ? "long" : (c->side < 0 ? "short" : "none"));
    end(&w);
#undef VAR
    if (w.full) return pr_err_set(err, PR_ELIMIT, "snapshot render: text larger than %zu bytes", sizeof out->buf);
    return PR_OK;
}

int pr_prompt_fill_snapshot(const pr_prompt_template *t, const pr_llm_snapshot *s, pr_llm_prompt *out, pr_err *err) {
    pr_snap_text *txt = malloc(sizeof *txt);
    if (!txt) return pr_err_set(err, PR_ENOMEM, "prompt: out of memory");
    int rc = pr_llm_snapshot_render(s, txt, err);
    if (!rc) rc = pr_prompt_fill(t, txt->vars, PR_SNAP_VARS, out, err);
    free(txt);
    return rc;
}
