/* `proratio data`: dispatch to import / download / list / gaps / resample / export, and
 * the listing and gap report, which share the per-dataset gap summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "proratio/data.h"
#include "proratio/core/json_text.h"

static const char *data_usage =
    "usage: proratio data <command> [options]\n"
    "\n"
    "commands:\n"
    "  import FILE...        import CSV files into the store (format auto-detected)\n"
    "  download              download bars from a venue (binance, ...) into the store\n"
    "  watch                 print closed bars of a live feed (or a replay) as JSON lines\n"
    "  list                  list stored datasets with bar count, range and gaps\n"
    "  gaps [DATASET...]     list the gaps of stored datasets (all when none named)\n"
    "  resample DATASET --to TF   build a higher-timeframe dataset from stored bars\n"
    "  export DATASET        write stored bars as CSV\n"
    "\n"
    "DATASET is VENUE:SYMBOL:TF, SYMBOL:TF or SYMBOL-TF (venue 'local' by default),\n"
    "e.g. local:BTCUSDT:1h or BTCUSDT-1h.\n"
    "common options: --db URL (sqlite:PATH, PATH or postgresql://...; default sqlite:proratio.db)\n"
    "'proratio data <command> --help' describes a command.\n";

int pr_cli_data(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        fputs(data_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "import") == 0) return pr_cli_data_import(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return pr_cli_data_list(argc - 1, argv + 1);
    if (strcmp(sub, "gaps") == 0) return pr_cli_data_gaps(argc - 1, argv + 1);
    if (strcmp(sub, "resample") == 0) return pr_cli_data_resample(argc - 1, argv + 1);
    if (strcmp(sub, "export") == 0) return pr_cli_data_export(argc - 1, argv + 1);
    if (strcmp(sub, "download") == 0) return pr_cli_data_download(argc - 1, argv + 1);
    if (strcmp(sub, "watch") == 0) return pr_cli_data_watch(argc - 1, argv + 1);
    fprintf(stderr, "proratio data: unknown command '%s'\n\n%s", sub, data_usage);
    return PR_EXIT_USAGE;
}

void pr_cli_store_options(int read_only, int busy_ms, pr_store_options *o) {
    memset(o, 0, sizeof *o);
    o->read_only = read_only;
    o->busy_timeout_ms = busy_ms;
    const char *env = getenv("PRORATIO_BUSY_TIMEOUT_MS");
    if (!busy_ms && env && *env) {
        int64_t v;
        if (pr_cli_parse_int(env, 0, 3600000, &v) == 0) o->busy_timeout_ms = v ? (int)v : -1;
        else fprintf(stderr, "proratio: warning: PRORATIO_BUSY_TIMEOUT_MS: expected milliseconds in [0, 3600000], "
                             "ignored (the default applies)\n");
    }
}

static int open_store(const char *url, int read_only, int busy_ms, pr_store **st) {
    pr_err e;
    pr_err_clear(&e);
    pr_store_options o;
    pr_cli_store_options(read_only, busy_ms, &o);
    if (pr_store_open_with(url ? url : PR_CLI_DEFAULT_DB, &o, st, &e) != PR_OK) return pr_cli_fail(&e);
    return PR_EXIT_OK;
}

int pr_cli_open_store(const char *url, pr_store **st) { return open_store(url, 0, 0, st); }
int pr_cli_open_store_busy(const char *url, int busy_ms, pr_store **st) { return open_store(url, 0, busy_ms, st); }
int pr_cli_open_store_ro(const char *url, pr_store **st) { return open_store(url, 1, 0, st); }

void pr_cli_dataset_label(const pr_dataset_info *d, char *buf, size_t cap) {
    char v[4 * PR_SYMBOL_MAX], s[4 * PR_SYMBOL_MAX];
    snprintf(buf, cap, "%s:%s:%s", pr_escape_text(d->venue, PR_ESC_BACKSLASH, v, sizeof v),
             pr_escape_text(d->symbol, PR_ESC_BACKSLASH, s, sizeof s),
             pr_tf_name(d->tf));
}

int pr_cli_dataset_missing(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf, pr_err *err) {
    pr_dataset_info *ds = NULL;
    size_t n = 0;
    pr_err le;
    pr_err_clear(&le);
    char want[3 * PR_SYMBOL_MAX + 8], hint[4 * 3 * PR_SYMBOL_MAX + 40] = "";
    snprintf(want, sizeof want, "%s:%s:%s", venue, symbol, pr_tf_name(tf));
    if (pr_store_list(st, NULL, &ds, &n, &le) == PR_OK && n > 0) {
        char(*labels)[3 * PR_SYMBOL_MAX + 8] = calloc(n, sizeof *labels);
        const char **names = calloc(n + 1, sizeof *names);
        if (labels && names) {
            for (size_t i = 0; i < n; i++) {
                snprintf(labels[i], sizeof labels[i], "%s:%s:%s", ds[i].venue, ds[i].symbol, pr_tf_name(ds[i].tf));
                names[i] = labels[i];
            }
            const char *best = pr_suggest_name(want, names);
            if (best) {
                char safe[4 * sizeof labels[0]];
                snprintf(hint, sizeof hint, "; did you mean %s?", pr_escape_text(best, PR_ESC_BACKSLASH, safe, sizeof safe));
            }
        }
        free(labels);
        free(names);
    }
    free(ds);
    return pr_err_set(err, PR_ENOTFOUND, "dataset %s not found in %s%s (see 'proratio data list')", want,
                      pr_store_describe(st), hint);
}

int pr_cli_dataset_gaps(pr_store *st, const pr_dataset_info *d, unsigned flags, pr_gap **gaps,
                        size_t *n_gaps, size_t *missing, pr_calendar *cal_out, pr_err *err) {
    int64_t *ts = NULL;
    size_t n = 0;
    *gaps = NULL;
    *n_gaps = 0;
    *missing = 0;
    int rc = pr_store_get_timestamps(st, d->venue, d->symbol, d->tf, PR_TIME_NONE, PR_TIME_NONE, &ts, &n, err);
    if (rc != PR_OK) return rc;
    pr_calendar cal = pr_calendar_for_asset(d->asset_class);
    if (cal == PR_CAL_AUTO) cal = pr_calendar_infer(ts, n, d->tf);
    if (cal_out) *cal_out = cal;
    size_t found = 0;
    rc = pr_find_gaps(ts, n, d->tf, cal, flags, NULL, 0, &found, missing);
    if (rc == PR_OK && found > 0) {
        *gaps = calloc(found, sizeof **gaps);
        if (!*gaps) rc = pr_err_set(err, PR_ENOMEM, "out of memory listing gaps");
        else rc = pr_find_gaps(ts, n, d->tf, cal, flags, *gaps, found, n_gaps, missing);
    } else if (rc != PR_OK) {
        pr_err_set(err, rc, "%s:%s:%s: cannot check gaps", d->venue, d->symbol, pr_tf_name(d->tf));
    }
    free(ts);
    if (rc != PR_OK) {
        free(*gaps);
        *gaps = NULL;
    }
    return rc;
}

int pr_cli_dataset_origin(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf,
                          pr_import_record *out, pr_err *err) {
    pr_import_record *r = NULL;
    size_t n = 0;
    int rc = pr_store_list_imports(st, venue, symbol, &r, &n, err);
    if (rc != PR_OK) return rc;
    int found = 0;
    for (size_t i = n; i-- > 0 && !found;)
        if (r[i].tf == tf && strcmp(r[i].status, "ok") == 0) {
            *out = r[i];
            out->defects_json = NULL;
            found = 1;
        }
    pr_store_imports_free(r, n);
    return found;
}

/* ---- list ---------------------------------------------------------------- */

/* "import FILE", "download GET /path?query" or "resample of VENUE:SYMBOL:TF" (from the import log), or
 * "-" when no write was recorded; the JSON form ({kind, from} or null). */
static json_t *origin(pr_store *st, const char *venue, const char *symbol, pr_timeframe tf, char *buf,
                      size_t cap) {
    pr_import_record r;
    pr_err e;
    pr_err_clear(&e);
    pr_strlcpy(buf, "-", cap);
    if (pr_cli_dataset_origin(st, venue, symbol, tf, &r, &e) != 1) return json_null();
    int rs = strcmp(r.format, "resample") == 0;
    int dl = strncmp(r.file, "GET ", 4) == 0; /* `data download` logs the page's request */
    const char *kind = rs ? "resample" : dl ? "download" : "import";
    snprintf(buf, cap, "%s %s", rs ? "resample of" : kind, r.file);
    return json_pack("{s:s, s:s}", "kind", kind, "from", r.file);
}

/* Funding series: one row each, gaps on the 24x7 calendar at the interval
 * the stamps show (8h for Binance). */
static int list_funding(pr_store *st, const char *venue, const char *symbol, json_t *arr, size_t *shown,
                        pr_err *e) {
    pr_funding_info *fi = NULL;
    size_t nf = 0;
    int rc = pr_store_list_funding(st, venue, &fi, &nf, e);
    for (size_t i = 0; rc == PR_OK && i < nf; i++) {
        if (symbol && strcmp(symbol, fi[i].symbol) != 0) continue;
        pr_funding_rate *r = NULL;
        size_t n = 0;
        rc = pr_store_get_funding(st, fi[i].venue, fi[i].symbol, PR_TIME_NONE, PR_TIME_NONE, &r, &n, e);
        if (rc != PR_OK) break;
        int64_t *ts = n ? malloc(n * sizeof *ts) : NULL;
        size_t ng = 0, missing = 0;
        pr_timeframe tf = PR_TF_8H;
        for (size_t k = 0; ts && k < n; k++) ts[k] = r[k].ts;
        free(r);
        if (ts && pr_tf_infer(ts, n, &tf) != PR_OK) tf = PR_TF_8H;
        if (ts) pr_find_gaps(ts, n, tf, PR_CAL_24X7, 0, NULL, 0, &ng, &missing);
        free(ts);
        pr_instrument in;
        pr_asset_class cls = pr_store_get_instrument(st, fi[i].venue, fi[i].symbol, &in, e) == PR_OK
                                 ? in.asset_class : PR_ASSET_UNKNOWN;
        pr_err_clear(e);
        char name[3 * PR_SYMBOL_MAX + 8], first[PR_TIME_STR_MAX], last[PR_TIME_STR_MAX], otext[600];
        snprintf(name, sizeof name, "%s:%s:funding", fi[i].venue, fi[i].symbol);
        /* Funding imports are logged without a timeframe. */
        json_t *src = origin(st, fi[i].venue, fi[i].symbol, PR_TF_NONE, otext, sizeof otext);
        if (arr) {
            pr_time_format_iso(fi[i].first_ts, first, sizeof first);
            pr_time_format_iso(fi[i].last_ts, last, sizeof last);
            /* The same keys as bar datasets ("bars" counts rates), so that a
             * reader of the list needs no special case to skip them. */
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:o}",
                "dataset", name, "kind", "funding", "venue", fi[i].venue, "symbol", fi[i].symbol,
                "timeframe", pr_tf_name(tf), "asset_class", pr_asset_class_name(cls), "calendar",
                pr_calendar_name(PR_CAL_24X7), "bars", (json_int_t)fi[i].count, "first", first, "last", last,
                "gaps", (json_int_t)ng, "missing_bars", (json_int_t)missing, "source", src));
        } else {
            json_decref(src);
            pr_time_format(fi[i].first_ts, first, sizeof first);
            pr_time_format(fi[i].last_ts, last, sizeof last);
            printf("%-28s %-7s %-8s %9zu  %-19s  %-19s %5zu %8zu  %s (funding rates every %s)\n", name,
                   pr_asset_class_name(cls), pr_calendar_name(PR_CAL_24X7), fi[i].count, first, last, ng, missing,
                   otext, pr_tf_name(tf));
        }
        (*shown)++;
    }
    free(fi);
    return rc;
}

int pr_cli_data_list(int argc, char **argv) {
    const char *db = NULL, *venue = NULL, *symbol = NULL, *v;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data list [--db URL] [--venue V] [--symbol S] [--json]\n"
                 "Lists stored datasets: bars, first and last bar (open times, UTC), gaps\n"
                 "(runs of missing bars the market calendar expected), missing bars and the\n"
                 "source (the file of the latest import, or the dataset a resample was built\n"
                 "from); then the funding-rate series (VENUE:SYMBOL:funding, rates instead of bars).");
            return PR_EXIT_OK;
        } else if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) {
            if (m < 0) return pr_cli_usage_error("data list", "--db needs a value");
            db = v;
        } else if ((m = pr_cli_opt(argc, argv, &i, "--venue", &v))) {
            if (m < 0) return pr_cli_usage_error("data list", "--venue needs a value");
            venue = v;
        } else if ((m = pr_cli_opt(argc, argv, &i, "--symbol", &v))) {
            if (m < 0) return pr_cli_usage_error("data list", "--symbol needs a value");
            symbol = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            return pr_cli_usage_error("data list", "unknown argument '%s'", argv[i]);
        }
    }
    pr_err e;
    pr_err_clear(&e);
    if ((venue && pr_name_check("--venue", venue, &e) != PR_OK) ||
        (symbol && pr_name_check("--symbol", symbol, &e) != PR_OK))
        return pr_cli_usage_error("data list", "%s", e.msg);
    pr_store *st = NULL;
    int ex = pr_cli_open_store_ro(db, &st);
    if (ex) return ex;
    pr_dataset_filter f = {venue, symbol, PR_TF_NONE, PR_ASSET_UNKNOWN};
    pr_dataset_info *ds = NULL;
    size_t n = 0;
    if (pr_store_list(st, &f, &ds, &n, &e) != PR_OK) {
        pr_store_close(st);
        return pr_cli_fail(&e);
    }
    json_t *arr = json ? json_array() : NULL;
    if (!json) {
        printf("%-28s %-7s %-8s %9s  %-19s  %-19s %5s %8s  %s\n", "DATASET", "CLASS", "CALENDAR", "BARS",
               "FIRST (UTC)", "LAST (UTC)", "GAPS", "MISSING", "SOURCE");
    }
    for (size_t i = 0; i < n && ex == PR_EXIT_OK; i++) {
        /* The store keeps these up to date: no bar is read here. */
        const size_t ng = ds[i].gaps, missing = ds[i].missing_bars;
        const pr_calendar cal = ds[i].calendar;
        char name[4 * 3 * PR_SYMBOL_MAX + 8], first[PR_TIME_STR_MAX], last[PR_TIME_STR_MAX], otext[600];
        char sv[4 * PR_SYMBOL_MAX], ss[4 * PR_SYMBOL_MAX];
        pr_cli_dataset_label(&ds[i], name, sizeof name);
        pr_time_format(ds[i].first_ts, first, sizeof first);
        pr_time_format(ds[i].last_ts, last, sizeof last);
        json_t *src = origin(st, ds[i].venue, ds[i].symbol, ds[i].tf, otext, sizeof otext);
        if (json) {
            char fi[PR_TIME_STR_MAX], la[PR_TIME_STR_MAX];
            pr_time_format_iso(ds[i].first_ts, fi, sizeof fi);
            pr_time_format_iso(ds[i].last_ts, la, sizeof la);
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:o}",
                "dataset", name, "kind", "bars", "venue", pr_escape_text(ds[i].venue, PR_ESC_BACKSLASH, sv, sizeof sv),
                "symbol", pr_escape_text(ds[i].symbol, PR_ESC_BACKSLASH, ss, sizeof ss),
                "timeframe", pr_tf_name(ds[i].tf), "asset_class", pr_asset_class_name(ds[i].asset_class),
                "calendar", pr_calendar_name(cal), "bars", (json_int_t)ds[i].count, "first", fi, "last", la,
                "gaps", (json_int_t)ng, "missing_bars", (json_int_t)missing, "source", src));
        } else {
            json_decref(src);
            printf("%-28s %-7s %-8s %9zu  %-19s  %-19s %5zu %8zu  %s\n", name,
                   pr_asset_class_name(ds[i].asset_class), pr_calendar_name(cal), ds[i].count, first, last,
                   ng, missing, otext);
        }
    }
    size_t nfund = 0;
    if (ex == PR_EXIT_OK && list_funding(st, venue, symbol, arr, &nfund, &e) != PR_OK) ex = pr_cli_fail(&e);
    if (json) {
        if (ex == PR_EXIT_OK) {
            char *s = pr_json_dumps(arr, JSON_INDENT(2));
            if (s) puts(s);
            free(s);
        }
        json_decref(arr);
    } else if (n == 0 && nfund == 0 && ex == PR_EXIT_OK) {
        printf("(no datasets in %s)\n", pr_store_describe(st));
    }
    free(ds);
    pr_store_close(st);
    return ex;
}

/* ---- gaps ---------------------------------------------------------------- */

static int print_gaps(pr_store *st, const pr_dataset_info *d, unsigned flags, json_t *arr,
                      size_t *total_missing, pr_err *e) {
    pr_gap *gaps = NULL;
    size_t ng = 0, missing = 0;
    pr_calendar cal = d->calendar;
    /* The store keeps the gaps with missing bars; closures (--all) are
     * found by scanning the bars. */
    int rc = flags ? pr_cli_dataset_gaps(st, d, flags, &gaps, &ng, &missing, &cal, e)
                   : pr_store_dataset_gaps(st, d->venue, d->symbol, d->tf, &gaps, &ng, e);
    if (rc != PR_OK) return rc;
    if (!flags) missing = d->missing_bars;
    *total_missing += missing;
    char name[4 * 3 * PR_SYMBOL_MAX + 8];
    pr_cli_dataset_label(d, name, sizeof name);
    json_t *list = arr ? json_array() : NULL;
    if (!arr)
        printf("%s (%s calendar): %zu gap%s, %zu missing bar%s\n", name, pr_calendar_name(cal), ng,
               ng == 1 ? "" : "s", missing, missing == 1 ? "" : "s");
    for (size_t g = 0; g < ng; g++) {
        char from[PR_TIME_STR_MAX], to[PR_TIME_STR_MAX];
        if (arr) {
            pr_time_format_iso(gaps[g].from, from, sizeof from);
            pr_time_format_iso(gaps[g].to, to, sizeof to);
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "from", from, "to", to,
                "kind", pr_gap_kind_name(gaps[g].kind), "missing", (json_int_t)gaps[g].missing,
                "closed_weekend", (json_int_t)gaps[g].closed_weekend,
                "closed_holiday", (json_int_t)gaps[g].closed_holiday,
                "closed_session", (json_int_t)gaps[g].closed_session));
        } else {
            pr_time_format(gaps[g].from, from, sizeof from);
            pr_time_format(gaps[g].to, to, sizeof to);
            size_t closed = gaps[g].closed_weekend + gaps[g].closed_holiday + gaps[g].closed_session;
            printf("  %s .. %s  %-8s %zu missing", from, to, pr_gap_kind_name(gaps[g].kind), gaps[g].missing);
            if (closed) printf(", %zu closed", closed);
            putchar('\n');
        }
    }
    if (arr)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:o}", "dataset", name, "calendar",
                                             pr_calendar_name(cal), "gap_count", (json_int_t)ng,
                                             "missing_bars", (json_int_t)missing, "gaps", list));
    free(gaps);
    return PR_OK;
}

int pr_cli_data_gaps(int argc, char **argv) {
    const char *db = NULL, *v;
    int json = 0;
    unsigned flags = 0;
    int n_names = 0;
    char **names = calloc((size_t)argc, sizeof *names);
    if (!names) return PR_EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        int m;
        if (pr_cli_is_help(argv[i])) {
            puts("usage: proratio data gaps [DATASET...] [--db URL] [--all] [--json]\n"
                 "Lists runs of absent bars. Only bars the market calendar expects count as\n"
                 "missing (crypto 24x7; forex closed Fri 20:00-Sun 23:00 UTC and Dec 25/Jan 1;\n"
                 "US stocks: weekends, NYSE holidays, outside 09:30-16:00 ET).\n"
                 "--all also lists closures (weekends, holidays, overnight) that are not defects.");
            free(names);
            return PR_EXIT_OK;
        } else if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) {
            if (m < 0) { free(names); return pr_cli_usage_error("data gaps", "--db needs a value"); }
            db = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--all") == 0) {
            flags |= PR_GAPS_ALL;
        } else if (argv[i][0] == '-') {
            free(names);
            return pr_cli_usage_error("data gaps", "unknown option '%s'", argv[i]);
        } else {
            names[n_names++] = argv[i];
        }
    }
    pr_store *st = NULL;
    int ex = pr_cli_open_store_ro(db, &st);
    if (ex) { free(names); return ex; }
    pr_err e;
    pr_err_clear(&e);
    json_t *arr = json ? json_array() : NULL;
    size_t total_missing = 0;
    if (n_names == 0) {
        pr_dataset_info *ds = NULL;
        size_t n = 0;
        if (pr_store_list(st, NULL, &ds, &n, &e) != PR_OK) ex = pr_cli_fail(&e);
        for (size_t i = 0; i < n && ex == PR_EXIT_OK; i++)
            if (print_gaps(st, &ds[i], flags, arr, &total_missing, &e) != PR_OK) ex = pr_cli_fail(&e);
        if (ex == PR_EXIT_OK && n == 0 && !json) printf("(no datasets in %s)\n", pr_store_describe(st));
        free(ds);
    }
    for (int k = 0; k < n_names && ex == PR_EXIT_OK; k++) {
        pr_dataset_info d;
        char venue[PR_SYMBOL_MAX], symbol[PR_SYMBOL_MAX];
        pr_timeframe tf;
        int rc = pr_cli_parse_dataset(names[k], venue, symbol, &tf, &e);
        if (rc == PR_OK) rc = pr_store_dataset(st, venue, symbol, tf, &d, &e);
        if (rc == PR_ENOTFOUND) rc = pr_cli_dataset_missing(st, venue, symbol, tf, &e);
        if (rc == PR_OK) rc = print_gaps(st, &d, flags, arr, &total_missing, &e);
        if (rc != PR_OK) ex = pr_cli_fail(&e);
    }
    if (json) {
        if (ex == PR_EXIT_OK) {
            char *s = pr_json_dumps(arr, JSON_INDENT(2));
            if (s) puts(s);
            free(s);
        }
        json_decref(arr);
    }
    free(names);
    pr_store_close(st);
    return ex;
}
