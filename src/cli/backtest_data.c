/* Market data for `proratio backtest`: bars, finer bars and funding rates
 * from the store or from CSV files imported in memory (nothing is written to
 * a store), and the store's instrument record. Kept apart from the engine
 * side of the command so that reading inputs (store, CSV, funding) and
 * running the engine stay separate, small files. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmd_data.h"
#include "backtest_data.h"

int bt_source_is_path(const char *s) {
    size_t n = strlen(s);
    return strchr(s, '/') != NULL || (n >= 4 && strcasecmp(s + n - 4, ".csv") == 0);
}

int bt_source_parse(const char *s, bt_source *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    if (!s || !*s) return pr_err_set(err, PR_EINVAL, "empty data source");
    if (strlen(s) >= sizeof out->spec) return pr_err_set(err, PR_EINVAL, "data source name too long");
    pr_strlcpy(out->spec, s, sizeof out->spec);
    if (!bt_source_is_path(s)) return pr_cli_parse_dataset(s, out->venue, out->symbol, &out->tf, err);
    out->is_csv = 1;
    pr_strlcpy(out->venue, "csv", sizeof out->venue);
    pr_name_guess g;
    pr_guess_from_path(s, &g);
    if (!g.symbol[0])
        return pr_err_set(err, PR_EINVAL, "%s: cannot guess the symbol from the file name; write "
                          "{\"file\": ..., \"symbol\": ...}", s);
    pr_strlcpy(out->symbol, g.symbol, sizeof out->symbol);
    out->tf = g.tf;
    out->cls = g.asset_class;
    out->cls_certain = g.class_certain;
    return PR_OK;
}

/* Bars of a CSV file with from <= ts < to, sorted and de-duplicated, after
 * up to `before` bars before from (*n_before: how many). */
static int load_csv(const bt_source *src, int64_t from, int64_t to, size_t before, pr_series *out,
                    size_t *n_before, pr_asset_class *cls, size_t *skipped, pr_err *err) {
    pr_import_options o;
    pr_import_options_init(&o);
    o.tf = src->tf;
    o.asset_class = src->cls_certain ? src->cls : PR_ASSET_UNKNOWN;
    if (src->format[0] && pr_csv_format_parse(src->format, &o.format) != PR_OK)
        return pr_err_set(err, PR_EINVAL, "%s: unknown CSV format '%s'", src->spec, src->format);
    pr_data_report rep;
    pr_data_report_init(&rep, 16);
    pr_series all;
    memset(&all, 0, sizeof all);
    int rc = pr_import_csv_series(src->spec, &o, &all, &rep, err);
    if (rc == PR_OK) {
        size_t lo = from == PR_TIME_NONE ? 0 : pr_series_lower_bound(&all, from);
        size_t hi = to == PR_TIME_NONE ? all.len : pr_series_lower_bound(&all, to);
        size_t pre = before < lo ? before : lo;
        if (n_before) *n_before = hi > lo ? pre : 0;
        if (hi <= lo) {
            pr_err_clear(err);
            pr_err_at(err, src->spec, 0, 0, NULL);
            rc = pr_err_set(err, PR_ENOTFOUND, "no bars in the requested range");
        } else if (lo - pre == 0 && hi == all.len) { /* the whole file: hand it over, no copy */
            *out = all;
            memset(&all, 0, sizeof all);
            pr_strlcpy(out->symbol, src->symbol, sizeof out->symbol);
        } else if ((rc = pr_series_slice(&all, lo - pre, hi, out)) == PR_OK) {
            out->tf = all.tf;
            pr_strlcpy(out->symbol, src->symbol, sizeof out->symbol);
        }
    }
    if (cls) {
        /* The given or certain class; else the guess when the calendar the
         * data follows agrees with it; else that calendar's class. */
        pr_asset_class c = src->cls_certain ? src->cls : PR_ASSET_UNKNOWN;
        if (c == PR_ASSET_UNKNOWN && src->cls != PR_ASSET_UNKNOWN &&
            pr_calendar_for_asset(src->cls) == rep.calendar)
            c = src->cls;
        if (c == PR_ASSET_UNKNOWN)
            c = rep.calendar == PR_CAL_FOREX      ? PR_ASSET_FOREX
                : rep.calendar == PR_CAL_US_STOCK ? PR_ASSET_STOCK
                : rep.calendar == PR_CAL_24X7     ? PR_ASSET_CRYPTO
                                                  : PR_ASSET_UNKNOWN;
        *cls = c;
    }
    if (skipped) *skipped = rep.rows_skipped;
    pr_data_report_free(&rep);
    pr_series_free(&all);
    return rc;
}

static int store_of(bt_data *d, int write, pr_store **st, pr_err *err) {
    if (d->store && write && !d->writable) {
        pr_store_close(d->store);
        d->store = NULL;
    }
    if (!d->store) {
        pr_store_options o;
        pr_cli_store_options(!write, 0, &o);
        int rc = pr_store_open_with(d->url ? d->url : PR_CLI_DEFAULT_DB, &o, (pr_store **)&d->store, err);
        if (rc != PR_OK) return rc;
        d->writable = write;
    }
    *st = d->store;
    return PR_OK;
}

int bt_data_store(bt_data *d, void **st, pr_err *err) {
    pr_store *p = NULL;
    int rc = store_of(d, 1, &p, err);
    *st = p;
    return rc;
}

/* The open time of the `before`-th stored bar before `from` (*n: how many
 * there are, up to `before`); `from` itself when there is none. */
static int history_start(pr_store *st, const bt_source *src, int64_t from, size_t before, int64_t *start, size_t *n,
                         pr_err *err) {
    *start = from;
    *n = 0;
    if (before == 0 || from == PR_TIME_NONE) return PR_OK;
    int64_t *ts = NULL;
    size_t m = 0;
    int rc = pr_store_get_timestamps(st, src->venue, src->symbol, src->tf, PR_TIME_NONE, from, &ts, &m, err);
    if (rc == PR_OK && m > 0) {
        *n = before < m ? before : m;
        *start = ts[m - *n];
    }
    free(ts);
    return rc;
}

static int load_bars(bt_data *d, const bt_source *src, int64_t from, int64_t to, size_t before, pr_series *out,
                     size_t *n_before, pr_asset_class *cls, size_t *skipped, pr_err *err) {
    if (n_before) *n_before = 0;
    if (src->is_csv) return load_csv(src, from, to, before, out, n_before, cls, skipped, err);
    pr_store *st;
    int rc = store_of(d, 0, &st, err);
    if (rc != PR_OK) return rc;
    pr_dataset_info info;
    pr_series_init(out, 0);
    int64_t start = from;
    size_t pre = 0;
    if ((rc = history_start(st, src, from, before, &start, &pre, err)) != PR_OK) return rc;
    rc = pr_cli_load_dataset(st, src->spec, start, to, out, &info, err);
    if (rc == PR_OK && pre && pr_series_lower_bound(out, from) == out->len) {
        pr_series_free(out);
        return pr_err_set(err, PR_ENOTFOUND, "dataset %s has no bars in the requested range", src->spec);
    }
    if (rc == PR_OK && n_before) *n_before = pre;
    if (rc == PR_OK && cls) *cls = info.asset_class;
    return rc;
}

/* Funding rates with from <= ts < to. */
static int load_funding(bt_data *d, const bt_source *src, const char *spec, int64_t from, int64_t to,
                        bt_loaded *out, pr_err *err) {
    if (bt_source_is_path(spec)) {
        pr_import_options o;
        pr_import_options_init(&o);
        o.format = PR_FMT_FUNDING;
        o.tf = PR_TF_8H;
        pr_funding_series f;
        memset(&f, 0, sizeof f);
        int rc = pr_import_funding(spec, &o, &f, NULL, err);
        size_t k = 0;
        if (rc == PR_OK && f.len) {
            out->fund_ts = malloc(f.len * sizeof *out->fund_ts);
            out->fund_rate = malloc(f.len * sizeof *out->fund_rate);
            if (!out->fund_ts || !out->fund_rate) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
            for (size_t i = 0; rc == PR_OK && i < f.len; i++) {
                if ((from != PR_TIME_NONE && f.ts[i] < from) || (to != PR_TIME_NONE && f.ts[i] >= to)) continue;
                out->fund_ts[k] = f.ts[i];
                out->fund_rate[k++] = f.rate[i];
            }
        }
        out->n_fund = k;
        pr_funding_series_free(&f);
        return rc;   /* none in range: the coverage check (funding.missing) decides */
    }
    char venue[PR_SYMBOL_MAX], symbol[PR_SYMBOL_MAX], name[BT_PATH_MAX];
    if (strcmp(spec, "store") == 0) {
        if (src->is_csv)
            return pr_err_set(err, PR_EINVAL, "%s: stored funding rates need a stored dataset; name a funding "
                              "CSV instead", src->symbol);
        pr_strlcpy(venue, src->venue, sizeof venue);
        pr_strlcpy(symbol, src->symbol, sizeof symbol);
    } else {
        /* "VENUE:SYMBOL", "SYMBOL", optionally followed by ":funding". */
        pr_strlcpy(name, spec, sizeof name);
        size_t n = strlen(name);
        if (n > 8 && strcmp(name + n - 8, ":funding") == 0) name[n - 8] = '\0';
        const char *c = strchr(name, ':');
        size_t vl = c ? (size_t)(c - name) : 0;
        if (c && (strchr(c + 1, ':') || vl == 0 || vl >= sizeof venue || !c[1]))
            return pr_err_set(err, PR_EINVAL, "funding '%s': expected VENUE:SYMBOL or SYMBOL", spec);
        if (c) {
            memcpy(venue, name, vl);
            venue[vl] = '\0';
        } else {
            pr_strlcpy(venue, PR_CLI_DEFAULT_VENUE, sizeof venue);
        }
        pr_strlcpy(symbol, c ? c + 1 : name, sizeof symbol);
    }
    pr_store *st;
    int rc = store_of(d, 0, &st, err);
    if (rc != PR_OK) return rc;
    pr_funding_rate *r = NULL;
    size_t n = 0;
    rc = pr_store_get_funding(st, venue, symbol, from, to, &r, &n, err);
    /* None in range: the coverage check (funding.missing) decides. */
    if (rc == PR_OK && n > 0) {
        out->fund_ts = malloc(n * sizeof *out->fund_ts);
        out->fund_rate = malloc(n * sizeof *out->fund_rate);
        if (!out->fund_ts || !out->fund_rate) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PR_OK && i < n; i++) {
            out->fund_ts[i] = r[i].ts;
            out->fund_rate[i] = r[i].rate;
        }
        out->n_fund = rc == PR_OK ? n : 0;
    }
    free(r);
    return rc;
}

int bt_load(bt_data *d, const bt_load_request *rq, bt_loaded *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    pr_series_init(&out->bars, 0);
    pr_series_init(&out->fine, 0);
    const bt_source *src = rq->src;
    int rc = load_bars(d, src, rq->from, rq->to, rq->warmup, &out->bars, &out->n_warmup, &out->cls,
                       &out->skipped_rows, err);
    if (rc != PR_OK) return rc;
    if (!src->is_csv) {
        pr_store *st = d->store;
        pr_err e2;
        pr_err_clear(&e2);
        out->has_inst = pr_store_get_instrument(st, src->venue, src->symbol, &out->inst, &e2) == PR_OK;
        if (out->has_inst && out->inst.asset_class != PR_ASSET_UNKNOWN) out->cls = out->inst.asset_class;
    }
    /* The finer bars and funding cover the traded bars: from the first
     * bar's open after the warm-up to the last bar's close. */
    int64_t lo = out->bars.ts[out->n_warmup];
    int64_t hi = pr_tf_next(out->bars.tf != PR_TF_NONE ? out->bars.tf : PR_TF_1M, out->bars.ts[out->bars.len - 1]);
    /* A successful import may leave file context in err: start clean. */
    pr_err_clear(err);
    if (rq->fine) {
        pr_series_free(&out->fine);
        rc = load_bars(d, rq->fine, lo, hi, 0, &out->fine, NULL, NULL, NULL, err);
        if (rc != PR_OK) return rc;
    }
    pr_err_clear(err);
    if (rq->funding && rq->funding[0]) rc = load_funding(d, src, rq->funding, lo, hi, out, err);
    return rc;
}

void bt_loaded_free(bt_loaded *l) {
    if (!l) return;
    pr_series_free(&l->bars);
    pr_series_free(&l->fine);
    free(l->fund_ts);
    free(l->fund_rate);
    memset(l, 0, sizeof *l);
}

void bt_data_close(bt_data *d) {
    pr_store_close(d->store);
    d->store = NULL;
}
