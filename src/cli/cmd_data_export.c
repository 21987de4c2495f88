/* `proratio data export` and `proratio data resample`: read a stored dataset
 * and write it out as CSV, or resample it to a higher timeframe (stored as a
 * new dataset, or written as CSV). An incomplete last bucket is never stored
 * or exported as if it were complete. */
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
 * layout the importer reads back exactly). */
static int write_csv(FILE *f, const pr_series *s, size_t n) {
    char t[PR_TIME_STR_MAX], o[32], h[32], l[32], c[32], v[32];
    if (fputs("timestamp,open,high,low,close,volume\n", f) < 0) return PR_EIO;
    for (size_t i = 0; i < n; i++) {
        pr_time_format(s->ts[i], t, sizeof t);
        pr_cli_fmt_double(s->open[i], o, sizeof o);
        pr_cli_fmt_double(s->high[i], h, sizeof h);
        pr_cli_fmt_double(s->low[i], l, sizeof l);
        pr_cli_fmt_double(s->close[i], c, sizeof c);
        pr_cli_fmt_double(s->volume[i], v, sizeof v);
        if (fprintf(f, "%s,%s,%s,%s,%s,%s\n", t, o, h, l, c, v) < 0) return PR_EIO;
    }
    return PR_OK;
}

static int write_csv_path(const char *path, const pr_series *s, size_t n, pr_err *e) {
    if (!path || strcmp(path, "-") == 0) {
        int rc = write_csv(stdout, s, n);
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
    int rc = write_csv(f, s, n);
    if (fclose(f) != 0) rc = PR_EIO;
    if (rc == PR_OK && rename(tmp, path) != 0) rc = PR_EIO;
    if (rc != PR_OK) remove(tmp);
    free(tmp);
    if (rc != PR_OK) return pr_err_set(e, PR_EIO, "%s: write failed", path);
    return PR_OK;
}

int pr_cli_data_export(int argc, char **argv) {
    const char *db = NULL, *out = NULL, *from_s = NULL, *to_s = NULL, *name = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data export DATASET [--db URL] [--from TIME] [--to TIME] [--out FILE]\n"
                 "Writes bars with open time in [from, to) as CSV\n"
                 "(timestamp,open,high,low,close,volume; UTC; numbers read back exactly).\n"
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
    int rc = pr_cli_load_dataset(st, name, from, to, &s, NULL, &e);
    if (rc == PR_OK) rc = write_csv_path(out, &s, s.len, &e);
    if (rc == PR_OK && out && strcmp(out, "-") != 0)
        fprintf(stderr, "exported %zu bars of %s to %s\n", s.len, name, out);
    pr_series_free(&s);
    pr_store_close(st);
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}

int pr_cli_data_resample(int argc, char **argv) {
    const char *db = NULL, *out = NULL, *to_tf = NULL, *as_of_s = NULL, *name = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data resample DATASET --to TF [--db URL] [--as-of TIME] [--out FILE]\n"
                 "Aggregates stored bars into TF buckets (open first, high max, low min, close last,\n"
                 "volume sum; days at 00:00 UTC, weeks on Monday, months on the 1st) and stores them\n"
                 "as the dataset VENUE:SYMBOL:TF, or writes CSV with --out (- for stdout).\n"
                 "The last bucket is complete only when its bars cover it (or --as-of is at or after\n"
                 "its close); an incomplete last bucket is reported and left out.");
            return PR_EXIT_OK;
        }
        const char **dst = NULL;
        if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) dst = &db;
        else if ((m = pr_cli_opt(argc, argv, &i, "--out", &v))) dst = &out;
        else if ((m = pr_cli_opt(argc, argv, &i, "--to", &v))) dst = &to_tf;
        else if ((m = pr_cli_opt(argc, argv, &i, "--as-of", &v))) dst = &as_of_s;
        if (m < 0) return pr_cli_usage_error("data resample", "%s needs a value", argv[i]);
        if (dst) { *dst = v; continue; }
        if (argv[i][0] == '-') return pr_cli_usage_error("data resample", "unknown option '%s'", argv[i]);
        if (name) return pr_cli_usage_error("data resample", "one dataset at a time");
        name = argv[i];
    }
    if (!name) return pr_cli_usage_error("data resample", "no dataset given");
    if (!to_tf) return pr_cli_usage_error("data resample", "--to TF is required");
    pr_resample_options o;
    memset(&o, 0, sizeof o);
    o.as_of = PR_TIME_NONE;
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
            rc = pr_store_begin(st, &e);
            if (rc == PR_OK)
                rc = pr_store_put_bars_arrays(st, d.venue, d.symbol, o.to, res.ts, res.open, res.high, res.low,
                                              res.close, res.volume, complete, &k, &e);
            if (rc == PR_OK) rc = pr_store_commit(st, &e);
            else if (pr_store_in_transaction(st)) {
                pr_err re;
                pr_err_clear(&re);
                pr_store_rollback(st, &re);
            }
            if (rc == PR_OK)
                printf("stored %s:%s:%s: %zu bars (%zu new, %zu updated)\n", d.venue, d.symbol, pr_tf_name(o.to),
                       complete, k.inserted, k.updated);
        }
    }
    if (rc == PR_OK) {
        FILE *info = out && strcmp(out, "-") == 0 ? stderr : stdout;
        fprintf(info, "resampled %zu %s bars into %zu %s bars (%s calendar); %zu bucket%s short of bars "
                      "(%zu source bars missing)\n",
                rep.source_bars, pr_tf_name(d.tf), rep.buckets, pr_tf_name(o.to), pr_calendar_name(rep.calendar),
                rep.short_buckets, rep.short_buckets == 1 ? "" : "s", rep.missing_bars);
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
