/* Resampling of OHLCV bars to a higher timeframe, with per-bucket coverage
 * against the trading calendar and the incomplete-last-bucket flag. One
 * pass; the bucket boundary is recomputed only when a bar leaves the current
 * bucket, so the loop is a comparison and four updates per source bar. */
#include <stdlib.h>
#include <string.h>

#include "data_internal.h"
#include "proratio/data/resample.h"

void pr_resample_report_free(pr_resample_report *r) {
    if (!r) return;
    free(r->list);
    r->list = NULL;
    r->n_list = r->alloc_ = 0;
}

static void rep_reset(pr_resample_report *r) {
    pr_resample_bucket *keep = r->list;
    size_t alloc = r->alloc_, cap = r->list_cap;
    memset(r, 0, sizeof *r);
    r->list = keep;
    r->alloc_ = alloc;
    r->list_cap = cap;
}

static void rep_short(pr_resample_report *r, int64_t ts, size_t have, size_t expected) {
    r->short_buckets++;
    size_t cap = r->list_cap ? r->list_cap : PR_RESAMPLE_DEFAULT_CAP;
    if (r->n_list >= cap) return;
    if (r->n_list == r->alloc_) {
        size_t na = r->alloc_ ? r->alloc_ * 2 : 16;
        if (na > cap) na = cap;
        pr_resample_bucket *nl = realloc(r->list, na * sizeof *nl);
        if (!nl) return;
        r->list = nl;
        r->alloc_ = na;
    }
    r->list[r->n_list++] = (pr_resample_bucket){ts, have, expected};
}

static int compatible(pr_timeframe from, pr_timeframe to) {
    if (from == to) return 1;
    int64_t fms = dint_tf_fixed_ms(from), tms = dint_tf_fixed_ms(to);
    if (!fms) return 0; /* months go nowhere higher */
    if (!tms) return PR_MS_PER_DAY % fms == 0;
    if (to == PR_TF_1W) return PR_MS_PER_DAY % fms == 0 || fms == PR_MS_PER_DAY;
    return tms > fms && tms % fms == 0;
}

typedef struct bucket {
    int64_t start, next;
    double o, h, l, c, v;
    size_t have, have_expected;
} bucket;

static size_t grid_expected(pr_calendar cal, pr_timeframe src, int64_t sms, int64_t a, int64_t b, dint_day *cache,
                            int stop_at_first) {
    size_t n = 0;
    for (int64_t t = a; t < b; t = sms ? t + sms : pr_tf_next(src, t)) {
        if (dint_bar_expected(cal, src, sms, t, cache, NULL)) {
            n++;
            if (stop_at_first) break;
        }
    }
    return n;
}

/* Is the bucket closing at `next`, whose last source bar opens at `last`,
 * finished? Yes when as_of is past its close or no expected source bar is
 * still to come in it. */
static int bucket_complete(const pr_resample_options *o, pr_calendar cal, pr_timeframe src, int64_t sms, int64_t last,
                           int64_t next, dint_day *cache) {
    if (o->as_of != PR_TIME_NONE && o->as_of >= next) return 1;
    int64_t after = sms ? dint_floordiv(last, sms) * sms + sms : pr_tf_next(src, pr_tf_floor(src, last));
    if (after >= next) return 1;
    if (cal == PR_CAL_24X7) return 0;
    return grid_expected(cal, src, sms, after, next, cache, 1) == 0;
}

int pr_resample_ex(const pr_series *in, const pr_resample_options *o, pr_series *out, pr_resample_report *rep,
                   pr_err *err) {
    if (!in || !o || !out || in == out) return pr_err_set(err, PR_EINVAL, "resample: bad arguments");
    if (in->len && (!in->ts || !in->open || !in->high || !in->low || !in->close || !in->volume))
        return pr_err_set(err, PR_EINVAL, "resample: invalid input series");
    pr_timeframe src = in->tf != PR_TF_NONE ? in->tf : dint_infer_tf(in->ts, in->len);
    pr_timeframe to = o->to;
    if (to <= PR_TF_NONE || to >= PR_TF_COUNT) return pr_err_set(err, PR_EINVAL, "resample: no target timeframe");
    if (src == PR_TF_NONE)
        return pr_err_set(err, PR_EINVAL, "resample: the source timeframe is unknown and cannot be inferred");
    if (!compatible(src, to))
        return pr_err_set(err, PR_EINVAL, "resample: %s bars cannot be resampled to %s", pr_tf_name(src),
                          pr_tf_name(to));
    for (size_t i = 1; i < in->len; i++)
        if (in->ts[i] <= in->ts[i - 1]) {
            char tb[40];
            pr_time_format(in->ts[i], tb, sizeof tb);
            return pr_err_set(err, PR_EINVAL, "resample: source bars not strictly increasing at index %zu (%s)", i, tb);
        }
    pr_calendar cal = o->calendar != PR_CAL_AUTO ? o->calendar : pr_calendar_infer(in->ts, in->len, src);
    pr_resample_report local = {0};
    pr_resample_report *r = rep ? rep : &local;
    rep_reset(r);
    r->calendar = cal;
    r->source_bars = in->len;

    const int64_t sms = dint_tf_fixed_ms(src), tms = dint_tf_fixed_ms(to);
    const int simple = cal == PR_CAL_24X7 && sms != 0;
    size_t est = in->len;
    if (tms && in->len) {
        int64_t span = (in->ts[in->len - 1] - in->ts[0]) / tms + 2;
        if ((uint64_t)span < est) est = (size_t)span;
    }
    out->len = 0;
    if (pr_series_reserve(out, est ? est : 1) != PR_OK) return pr_err_set(err, PR_ENOMEM, "resample: out of memory");
    out->tf = to;
    if (out != in) memcpy(out->symbol, in->symbol, sizeof out->symbol);
    out->last_incomplete = 0;

    dint_day cache = {.day = INT64_MIN}, cache2 = {.day = INT64_MIN};
    bucket b = {0};
    size_t n = in->len;
    const int64_t *ts = in->ts;
    const double *po = in->open, *ph = in->high, *pl = in->low, *pc = in->close, *pv = in->volume;
    size_t i = 0;
    int last_complete = 1;
    while (i < n) {
        /* Start a bucket at bar i. */
        b.start = (tms && tms <= PR_MS_PER_DAY) ? dint_floordiv(ts[i], tms) * tms : pr_tf_floor(to, ts[i]);
        b.next = tms ? b.start + tms : pr_tf_next(to, b.start);
        b.o = po[i];
        b.h = ph[i];
        b.l = pl[i];
        b.c = pc[i];
        b.v = pv[i];
        size_t j = i + 1;
        const int64_t end = b.next;
        for (; j < n && ts[j] < end; j++) {
            if (ph[j] > b.h) b.h = ph[j];
            if (pl[j] < b.l) b.l = pl[j];
            b.v += pv[j];
        }
        b.c = pc[j - 1];
        b.have = j - i;
        /* Coverage against the calendar. An unfinished last bucket is only
         * checked up to its last source bar: the rest has not happened. */
        int64_t cover_end = b.next;
        if (j == n) {
            last_complete = bucket_complete(o, cal, src, sms, ts[n - 1], b.next, &cache2);
            if (!last_complete) cover_end = sms ? dint_floordiv(ts[n - 1], sms) * sms + sms
                                                : pr_tf_next(src, pr_tf_floor(src, ts[n - 1]));
        }
        size_t full = sms ? (size_t)((cover_end - b.start) / sms) : 1;
        int is_short = 0;
        if (simple) {
            b.have_expected = b.have;
            if (b.have < full) {
                rep_short(r, b.start, b.have, full);
                r->missing_bars += full - b.have;
                is_short = 1;
            }
        } else {
            size_t he = 0;
            for (size_t k = i; k < j; k++) he += (size_t)dint_bar_expected(cal, src, sms, ts[k], &cache, NULL);
            if (he < full) {
                size_t expected = grid_expected(cal, src, sms, b.start, cover_end, &cache2, 0);
                if (he < expected) {
                    rep_short(r, b.start, b.have, expected);
                    r->missing_bars += expected - he;
                    is_short = 1;
                }
            }
        }
        if (is_short && o->complete_only) {
            r->dropped++;
            if (j == n) last_complete = 1; /* the output ends with a complete bucket */
            i = j;
            continue;
        }
        if (out->len == out->cap && pr_series_reserve(out, out->cap * 2 + 16) != PR_OK)
            return pr_err_set(err, PR_ENOMEM, "resample: out of memory");
        size_t w = out->len++;
        out->ts[w] = b.start;
        out->open[w] = b.o;
        out->high[w] = b.h;
        out->low[w] = b.l;
        out->close[w] = b.c;
        out->volume[w] = b.v;
        i = j;
    }
    out->last_incomplete = out->len && !last_complete;
    r->buckets = out->len;
    r->last_incomplete = out->last_incomplete;
    if (r == &local) pr_resample_report_free(&local);
    return PR_OK;
}

int pr_resample(const pr_series *in, pr_timeframe to, int64_t as_of, pr_series *out, pr_resample_report *rep,
                pr_err *err) {
    pr_resample_options o = {to, as_of, PR_CAL_AUTO, 0};
    return pr_resample_ex(in, &o, out, rep, err);
}
