/* `proratio data export` and `proratio data resample`: read a stored dataset
 * and write it out as CSV, or resample it to a higher timeframe (stored as a
 * derived dataset with its source in the import log, or written as CSV).
 * Only complete buckets are stored or written, and a resample never
 * overwrites a dataset it did not create. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_data.h"

int pr_cli_load_dataset(pr_store *st, const char *name, int64_t from, int64_t to, pr_series *out,
                        pr_dataset_info *info, pr_err *err) {
    char venue[PR_SYMBOL_MAX], symbol[PR_SYMBOL_MAX];
    pr_timeframe tf;
    int rc = pr_cli_parse_dataset(name, venue, symbol, &tf, err);
    if (rc != PR_OK) return rc;
    pr_dataset_info d;
    rc = pr_store_dataset(st, venue, symbol, tf, &d, err);
    if (rc != PR_OK) return rc == PR_ENOTFOUND ? pr_cli_dataset_missing(st, venue, symbol, tf, err) : rc;
    if (info) *info = d;
    rc = pr_store_get_bars(st, venue, symbol, tf, from, to, out, err);
    if (rc == PR_OK && out->len == 0)
        return pr_err_set(err, PR_ENOTFOUND, "dataset %s:%s:%s has no bars in the requested range", venue,
                          symbol, pr_tf_name(tf));
    return rc;
}

/* Writes bars [0, n) as `timestamp,open,high,low,close,volume` (the ccxt
 * layout the importer reads back exactly: every number is the shortest text
 * that reads back to the same double, pr_dtoa), through one buffered writer. */
static int write_csv(FILE *f, const pr_series *s, size_t n) {
    char t[PR_TIME_STR_MAX];
    pr_wbuf w;
    if (pr_wbuf_open(&w, f, 0) != PR_OK) return PR_ENOMEM;
    pr_wbuf_str(&w, "timestamp,open,high,low,close,volume\n");
    for (size_t i = 0; i < n && w.status == PR_OK; i++) {
        pr_wbuf_put(&w, t, pr_time_format(s->ts[i], t, sizeof t));
        const double x[5] = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i]};
        for (int k = 0; k < 5; k++) {
            pr_wbuf_char(&w, ',');
            pr_wbuf_num(&w, x[k]);
        }
        pr_wbuf_char(&w, '\n');
    }
    return pr_wbuf_close(&w);
}

/* Funding rates as `fundingTime,fundingRate` (the layout of the bundled
 * sample, which the importer reads back exactly). */
static int write_funding(FILE *f, const pr_funding_rate *r, size_t n) {
    char t[PR_TIME_STR_MAX];
    pr_wbuf w;
    if (pr_wbuf_open(&w, f, 0) != PR_OK) return PR_ENOMEM;
    pr_wbuf_str(&w, "fundingTime,fundingRate\n");
    for (size_t i = 0; i < n && w.status == PR_OK; i++) {
        pr_wbuf_put(&w, t, pr_time_format(r[i].ts, t, sizeof t));
        pr_wbuf_char(&w, ',');
        pr_wbuf_num(&w, r[i].rate);
        pr_wbuf_char(&w, '\n');
    }
    return pr_wbuf_close(&w);
}

/* What an export writes: bars, or funding rates. */
typedef struct export_rows {
    const pr_series *bars;
    const pr_funding_rate *rates;
    size_t n;
} export_rows;

static int write_rows(FILE *f, const export_rows *x) {
    return x->rates ? write_funding(f, x->rates, x->n) : write_csv(f, x->bars, x->n);
}

static int write_rows_path(const char *path, const export_rows *x, pr_err *e) {
    if (!path || strcmp(path, "-") == 0) {
        int rc = write_rows(stdout, x);
        return rc == PR_OK ? PR_OK : pr_err_set(e, rc, "cannot write to standard output");
    }
    /* Write to a temporary name and rename, so a failed export never leaves a half file. */
    /* Sized to the path: a truncated name would be some other file. */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof ".tmp");
    if (!tmp) return pr_err_set(e, PR_ENOMEM, "out of memory");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", sizeof ".tmp");
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(tmp);
        return pr_err_set(e, PR_EIO, "%s: cannot create file", path);
    }
    int rc = write_rows(f, x);
    if (fclose(f) != 0) rc = PR_EIO;
    if (rc == PR_OK && rename(tmp, path) != 0) rc = PR_EIO;
    if (rc != PR_OK) remove(tmp);
    free(tmp);
    if (rc != PR_OK) return pr_err_set(e, PR_EIO, "%s: write failed", path);
    return PR_OK;
}

static int write_csv_path(const char *path, const pr_series *s, size_t n, pr_err *e) {
    const export_rows x = {s, NULL, n};
    return write_rows_path(path, &x, e);
}

/* "VENUE:SYMBOL:funding", "SYMBOL:funding" or "SYMBOL-funding": 1 and the
 * venue and symbol; 0 for any other name. */
static int funding_name(const char *name, char *venue, char *symbol) {
    size_t len = strlen(name), sl = sizeof "funding" - 1;
    if (len <= sl + 1 || strcmp(name + len - sl, "funding") != 0) return 0;
    char sep = name[len - sl - 1];
    if (sep != ':' && sep != '-') return 0;
    size_t rest = len - sl - 1;
    const char *c = memchr(name, ':', rest);
    const char *sym = c ? c + 1 : name;
    size_t vl = c ? (size_t)(c - name) : 0, syl = rest - (size_t)(sym - name);
    if ((c && (vl == 0 || vl >= PR_SYMBOL_MAX)) || syl == 0 || syl >= PR_SYMBOL_MAX || memchr(sym, ':', syl))
        return 0;
    if (c) {
        memcpy(venue, name, vl);
        venue[vl] = '\0';
    } else {
        pr_strlcpy(venue, PR_CLI_DEFAULT_VENUE, PR_SYMBOL_MAX);
    }
    memcpy(symbol, sym, syl);
    symbol[syl] = '\0';
    return 1;
}

static int export_funding(pr_store *st, const char *venue, const char *symbol, int64_t from, int64_t to,
                          const char *out, size_t *n_out, pr_err *e) {
    pr_funding_rate *r = NULL;
    size_t n = 0;
    int rc = pr_store_get_funding(st, venue, symbol, from, to, &r, &n, e);
    if (rc == PR_OK && n == 0)
        rc = pr_err_set(e, PR_ENOTFOUND, "no funding rates for %s:%s in %s%s (see 'proratio data list')", venue,
                        symbol, pr_store_describe(st),
                        from != PR_TIME_NONE || to != PR_TIME_NONE ? " in the requested range" : "");
    if (rc == PR_OK) {
        const export_rows x = {NULL, r, n};
        rc = write_rows_path(out, &x, e);
    }
    *n_out = n;
    free(r);
    return rc;
}

int pr_cli_data_export(int argc, char **argv) {
    const char *db = NULL, *out = NULL, *from_s = NULL, *to_s = NULL, *name = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data export DATASET [--db URL] [--from TIME] [--to TIME] [--out FILE]\n"
                 "Writes bars with open time in [from, to) as CSV\n"
                 "(timestamp,open,high,low,close,volume; UTC; numbers read back exactly).\n"
                 "A funding series (VENUE:SYMBOL:funding, as 'data list' shows it) is written as\n"
                 "fundingTime,fundingRate, which 'data import' reads back.\n"
                 "Without --out the CSV goes to standard output.");
            return PR_EXIT_OK;
        }
        const char **dst = NULL;
        if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) dst = &db;
        else if ((m = pr_cli_opt(argc, argv, &i, "--out", &v))) dst = &out;
        else if ((m = pr_cli_opt(argc, argv, &i, "--from", &v))) dst = &from_s;
        else if ((m = pr_cli_opt(argc, argv, &i, "--to", &v))) dst = &to_s;
        if (m < 0) return pr_cli_usage_error("data export", "%s needs a value", argv[i]);
        if (dst) { *dst = v; continue; }
        if (argv[i][0] == '-') return pr_cli_usage_error("data export", "unknown option '%s'", argv[i]);
        if (name) return pr_cli_usage_error("data export", "one dataset at a time");
        name = argv[i];
    }
    if (!name) return pr_cli_usage_error("data export", "no dataset given");
    int64_t from = PR_TIME_NONE, to = PR_TIME_NONE;
    int ex;
    if ((ex = pr_cli_time_range("data export", from_s, to_s, &from, &to))) return ex;
    pr_store *st = NULL;
    if ((ex = pr_cli_open_store_ro(db, &st))) return ex;
    pr_err e;
    pr_err_clear(&e);
    pr_series s;
    pr_series_init(&s, 0);
    char fv[PR_SYMBOL_MAX], fs[PR_SYMBOL_MAX];
    int funding = funding_name(name, fv, fs);
    size_t n = 0;
    int rc;
    if (funding) {
        rc = export_funding(st, fv, fs, from, to, out, &n, &e);
    } else {
        rc = pr_cli_load_dataset(st, name, from, to, &s, NULL, &e);
        n = s.len;
        if (rc == PR_OK) rc = write_csv_path(out, &s, s.len, &e);
    }
    if (rc == PR_OK && out && strcmp(out, "-") != 0)
        fprintf(stderr, "exported %zu %s of %s to %s\n", n, funding ? "funding rates" : "bars", name, out);
    pr_series_free(&s);
    pr_store_close(st);
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}

/* Where the resample may store: a new dataset, or one that an earlier run
 * of the same resample wrote last. Anything else holds source data (an
 * import, or another derivation) and is only replaced with --replace. */
static int check_target(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                        const char *source, int replace, int *exists, pr_err *e) {
    pr_dataset_info t;
    *exists = 0;
    int rc = pr_store_dataset(st, venue, symbol, tf, &t, e);
    if (rc == PR_ENOTFOUND) {
        pr_err_clear(e);
        return PR_OK;
    }
    if (rc != PR_OK) return rc;
    *exists = 1;
    pr_import_record origin;
    rc = pr_cli_dataset_origin(st, venue, symbol, tf, &origin, e);
    if (rc < 0) return rc;
    if (rc == 1 && strcmp(origin.format, "resample") == 0 && strcmp(origin.file, source) == 0) return PR_OK;
    if (replace) return PR_OK;
    char what[600];
    if (rc == 1 && strcmp(origin.format, "resample") == 0)
        snprintf(what, sizeof what, "bars resampled from %s", origin.file);
    else if (rc == 1)
        snprintf(what, sizeof what, "bars imported from %s", origin.file);
    else
        snprintf(what, sizeof what, "bars of unrecorded origin");
    return pr_err_set(e, PR_ESTATE,
                      "%s:%s:%s already holds %zu %s; a resample never overwrites them: store it under "
                      "another venue (--venue NAME), or pass --replace to replace the whole dataset",
                      venue, symbol, pr_tf_name(tf), t.count, what);
}

/* Stores the complete buckets as VENUE:SYMBOL:TF with an import-log record
 * (format "resample", file = the source dataset) in one transaction. */
static int store_resampled(pr_store *st, const pr_dataset_info *d, const char *venue, const pr_series *res,
                           size_t n, const pr_resample_report *rep, int replace, pr_store_counts *k, pr_err *e) {
    char source[3 * PR_SYMBOL_MAX + 8];
    snprintf(source, sizeof source, "%s:%s:%s", d->venue, d->symbol, pr_tf_name(d->tf));
    int exists = 0;
    int rc = check_target(st, venue, d->symbol, res->tf, source, replace, &exists, e);
    if (rc != PR_OK) return rc;
    rc = pr_store_begin(st, e);
    if (rc == PR_OK && exists && replace) rc = pr_store_delete_dataset(st, venue, d->symbol, res->tf, NULL, e);
    pr_series part = *res;
    part.len = n;
    if (rc == PR_OK) rc = pr_store_put_bars_ex(st, venue, d->symbol, res->tf, &part, NULL, k, e);
    pr_instrument in;
    if (rc == PR_OK && strcmp(venue, d->venue) != 0 &&
        pr_store_get_instrument(st, venue, d->symbol, &in, e) == PR_ENOTFOUND &&
        pr_store_get_instrument(st, d->venue, d->symbol, &in, e) == PR_OK) {
        pr_strlcpy(in.venue, venue, sizeof in.venue);
        rc = pr_store_put_instrument(st, &in, e);
    }
    if (rc == PR_OK) {
        pr_err_clear(e);
        pr_import_record r;
        memset(&r, 0, sizeof r);
        pr_strlcpy(r.venue, venue, sizeof r.venue);
        pr_strlcpy(r.symbol, d->symbol, sizeof r.symbol);
        r.tf = res->tf;
        pr_strlcpy(r.file, source, sizeof r.file);
        pr_strlcpy(r.format, "resample", sizeof r.format);
        pr_strlcpy(r.status, "ok", sizeof r.status);
        r.rows_read = (int64_t)rep->source_bars;
        r.rows_stored = (int64_t)n;
        r.rows_skipped = (int64_t)(rep->dropped + (res->len - n));
        r.rows_inserted = (int64_t)k->inserted;
        r.rows_updated = (int64_t)k->updated;
        rc = pr_store_log_import(st, &r, NULL, e);
    }
    if (rc == PR_OK) return pr_store_commit(st, e);
    if (pr_store_in_transaction(st)) {
        pr_err re;
        pr_err_clear(&re);
        pr_store_rollback(st, &re);
    }
    return rc;
}

int pr_cli_data_resample(int argc, char **argv) {
    const char *db = NULL, *out = NULL, *to_tf = NULL, *as_of_s = NULL, *name = NULL, *venue = NULL, *v;
    int replace = 0;
    for (int i = 1; i < argc; i++) {
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data resample DATASET --to TF [--db URL] [--as-of TIME] [--out FILE]\n"
                 "                              [--venue NAME] [--replace]\n"
                 "Aggregates stored bars into TF buckets (open first, high max, low min, close last,\n"
                 "volume sum; days at 00:00 UTC, weeks on Monday, months on the 1st) and stores them\n"
                 "as the dataset VENUE:SYMBOL:TF (VENUE: --venue, else the source's), or writes CSV\n"
                 "with --out (- for stdout). Only complete buckets are kept: a bucket with fewer\n"
                 "source bars than the market calendar expects (a gap, the unfinished last bucket)\n"
                 "is reported and left out. A resample never overwrites source data: when the target\n"
                 "dataset exists and was not written by this same resample, it is refused unless\n"
                 "--replace (which replaces the whole target dataset). The import log and\n"
                 "'data list' record the source of a resampled dataset.");
            return PR_EXIT_OK;
        }
        if (strcmp(argv[i], "--replace") == 0) {
            replace = 1;
            continue;
        }
        const char **dst = NULL;
        if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) dst = &db;
        else if ((m = pr_cli_opt(argc, argv, &i, "--out", &v))) dst = &out;
        else if ((m = pr_cli_opt(argc, argv, &i, "--to", &v))) dst = &to_tf;
        else if ((m = pr_cli_opt(argc, argv, &i, "--as-of", &v))) dst = &as_of_s;
        else if ((m = pr_cli_opt(argc, argv, &i, "--venue", &v))) dst = &venue;
        if (m < 0) return pr_cli_usage_error("data resample", "%s needs a value", argv[i]);
        if (dst) { *dst = v; continue; }
        if (argv[i][0] == '-') return pr_cli_usage_error("data resample", "unknown option '%s'", argv[i]);
        if (name) return pr_cli_usage_error("data resample", "one dataset at a time");
        name = argv[i];
    }
    if (!name) return pr_cli_usage_error("data resample", "no dataset given");
    if (!to_tf) return pr_cli_usage_error("data resample", "--to TF is required");
    pr_err ve;
    pr_err_clear(&ve);
    if (venue && pr_name_check("--venue", venue, &ve) != PR_OK) return pr_cli_usage_error("data resample", "%s", ve.msg);
    pr_resample_options o;
    memset(&o, 0, sizeof o);
    o.as_of = PR_TIME_NONE;
    o.complete_only = 1;
    if (pr_tf_parse(to_tf, &o.to) != PR_OK) return pr_cli_usage_error("data resample", "--to: unknown timeframe '%s'", to_tf);
    int ex;
    if (as_of_s && (ex = pr_cli_time_arg("data resample", "--as-of", as_of_s, &o.as_of))) return ex;
    pr_store *st = NULL;
    if ((ex = pr_cli_open_store(db, &st))) return ex;
    pr_err e;
    pr_err_clear(&e);
    pr_series in, res;
    pr_series_init(&in, 0);
    pr_series_init(&res, 0);
    pr_resample_report rep;
    memset(&rep, 0, sizeof rep);
    pr_dataset_info d;
    int rc = pr_cli_load_dataset(st, name, PR_TIME_NONE, PR_TIME_NONE, &in, &d, &e);
    if (rc == PR_OK) {
        o.calendar = pr_calendar_for_asset(d.asset_class);
        rc = pr_resample_ex(&in, &o, &res, &rep, &e);
    }
    size_t complete = res.len - (res.last_incomplete && res.len > 0 ? 1 : 0);
    if (rc == PR_OK) {
        if (out) {
            rc = write_csv_path(out, &res, complete, &e);
        } else {
            pr_store_counts k;
            memset(&k, 0, sizeof k);
            const char *tv = venue ? venue : d.venue;
            rc = store_resampled(st, &d, tv, &res, complete, &rep, replace, &k, &e);
            if (rc == PR_OK)
                printf("stored %s:%s:%s: %zu bars (%zu new, %zu updated, %zu unchanged), resampled from %s:%s:%s\n",
                       tv, d.symbol, pr_tf_name(o.to), complete, k.inserted, k.updated, k.unchanged, d.venue,
                       d.symbol, pr_tf_name(d.tf));
        }
    }
    if (rc == PR_OK) {
        FILE *info = out && strcmp(out, "-") == 0 ? stderr : stdout;
        fprintf(info, "resampled %zu %s bars into %zu complete %s bars (%s calendar); %zu bucket%s short of bars "
                      "(%zu source bars missing) left out\n",
                rep.source_bars, pr_tf_name(d.tf), complete, pr_tf_name(o.to), pr_calendar_name(rep.calendar),
                rep.dropped, rep.dropped == 1 ? "" : "s", rep.missing_bars);
        if (res.last_incomplete && res.len > 0) {
            char t[PR_TIME_STR_MAX];
            pr_time_format(res.ts[res.len - 1], t, sizeof t);
            fprintf(info, "last bucket %s is incomplete: left out\n", t);
        }
    }
    pr_resample_report_free(&rep);
    pr_series_free(&in);
    pr_series_free(&res);
    pr_store_close(st);
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}
