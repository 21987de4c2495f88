/* `proratio data import`: streams CSV files into the store. Each file is one
 * transaction: bars, instrument and import-log record commit together, and a
 * failed or --strict-rejected import leaves the store as it was. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "proratio/core/json_text.h"

static const char *import_usage =
    "usage: proratio data import FILE... [options]\n"
    "\n"
    "Imports OHLCV bars (or funding rates) from CSV files. The format is detected from the\n"
    "header (ccxt, mt-csv, binance, yahoo, tradingview, metatrader, histdata, funding);\n"
    "symbol, timeframe and asset class are guessed from the path (e.g. crypto/BTCUSDT-1h.csv).\n"
    "Default policy: sort out-of-order rows, drop exact duplicates, skip unparsable or\n"
    "inconsistent rows, keep zero-volume bars and gaps, and report every one with file:line.\n"
    "\n"
    "options:\n"
    "  --db URL            store (default sqlite:proratio.db; postgresql://... for PostgreSQL)\n"
    "  --venue NAME        venue recorded with the data (default local)\n"
    "  --symbol SYM        symbol (default: from the file name)\n"
    "  --tf TF             bar timeframe (default: from the file name, else inferred)\n"
    "  --asset-class C     crypto|forex|stock|future (picks the gap calendar)\n"
    "  --format F          override detection: ccxt mt-csv binance yahoo tradingview\n"
    "                      metatrader histdata generic funding\n"
    "  --mapping SPEC      generic CSV columns, e.g. 'time=0,open=1,high=2,low=3,close=4,\n"
    "                      volume=5,delim=;,header=no,unit=ms' (implies --format generic)\n"
    "  --tz-offset MIN     local time of stamps without offset = UTC + MIN minutes\n"
    "  --on-conflict P     a bar already stored with other values: keep (default: the\n"
    "                      stored bar stays, the differences are counted per column),\n"
    "                      replace (the file's values win), fail (exit 3, nothing of the file\n"
    "                      is stored). A column the file lacks (volume) is never overwritten.\n"
    "  --strict            any defect fails the file and nothing of it is stored\n"
    "  --busy-timeout MS   how long to wait for another process's write lock on a\n"
    "                      SQLite store (default 5000, or $PRORATIO_BUSY_TIMEOUT_MS)\n"
    "  --json              print the import reports as JSON\n"
    "  --quiet             print only the summary line of each file\n"
    "Files are imported one after another; a file whose symbol or timeframe cannot be\n"
    "guessed is skipped with the flag to pass, and the others are still imported.\n"
    "Ctrl-C stops after rolling back the file being imported (earlier files stay\n"
    "committed) and records the interrupted attempt in the import log.\n"
    "exit codes: 0 all files imported, 3 a file had unusable data or failed --strict,\n"
    "            4 a file was not found, 1 other failure (store, I/O, lock), 2 usage\n"
    "            error, 130 interrupted\n";

/* Set by the SIGINT handler; the import sink and the file loop poll it, so
 * an interrupted file is rolled back rather than half-committed. The CLI is
 * the only place that handles signals. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig) {
    if (interrupted) {
        /* A second Ctrl-C: stop at once (the open transaction is not
         * committed, so SQLite rolls it back on the next open). */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    interrupted = 1;
}

typedef struct import_ctx {
    pr_store *st;
    const char *venue, *symbol;
    pr_timeframe tf;
    pr_store_put_opts put;
    const pr_data_report *rep; /* has_volume is known before the first chunk */
    pr_store_counts counts;
    /* progress (stderr is a terminal) */
    int progress;
    const char *path;
    double est_lines;
} import_ctx;

static int sink(void *user, const pr_series *chunk, const long *lines, pr_err *err) {
    import_ctx *c = user;
    if (interrupted) return pr_err_set(err, PR_ESTATE, "interrupted (Ctrl-C)");
    if (c->tf == PR_TF_NONE) c->tf = chunk->tf;
    if (c->tf == PR_TF_NONE) return pr_err_set(err, PR_EDATA, "cannot tell the bar timeframe: pass --tf");
    pr_store_counts k;
    memset(&k, 0, sizeof k);
    c->put.columns = c->rep->has_volume ? PR_STORE_COL_ALL : PR_STORE_COL_ALL & ~PR_STORE_COL_VOLUME;
    int rc = pr_store_put_bars_ex(c->st, c->venue, c->symbol, c->tf, chunk, &c->put, &k, err);
    if (rc != PR_OK) return rc;
    c->counts.inserted += k.inserted;
    c->counts.updated += k.updated;
    c->counts.unchanged += k.unchanged;
    c->counts.duplicates += k.duplicates;
    c->counts.kept += k.kept;
    for (int j = 0; j < PR_STORE_NCOLS; j++) c->counts.changed[j] += k.changed[j];
    if (c->progress && chunk->len > 0) {
        double done = (double)lines[chunk->len - 1];
        double pct = c->est_lines > 0 ? 100.0 * done / c->est_lines : 0;
        if (pct > 99.0) pct = 99.0;
        int w = (int)(pct / 2.5);
        fprintf(stderr, "\r  %-40.40s [%-40.*s] %3.0f%%", c->path, w,
                "########################################", pct);
        fflush(stderr);
    }
    return PR_OK;
}

/* A time this import wrote in an earlier chunk: its values as stored now
 * (inside the import's transaction), so that a repeat further down the file
 * is told apart as a duplicate or a conflict. */
static int lookup(void *user, int64_t ts, double ohlcv[5], pr_err *err) {
    import_ctx *c = user;
    pr_series one;
    pr_series_init(&one, 0);
    int rc = pr_store_get_bars(c->st, c->venue, c->symbol, c->tf, ts, ts + 1, &one, err);
    int found = rc == PR_OK && one.len == 1;
    if (found) {
        ohlcv[0] = one.open[0];
        ohlcv[1] = one.high[0];
        ohlcv[2] = one.low[0];
        ohlcv[3] = one.close[0];
        ohlcv[4] = one.volume[0];
    }
    pr_series_free(&one);
    return rc != PR_OK ? rc : found;
}

/* Estimates the file's line count from its size and the first 64 KiB. */
static double estimate_lines(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_size <= 0) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[65536];
    size_t got = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t nl = 0;
    for (size_t i = 0; i < got; i++) nl += buf[i] == '\n';
    if (nl == 0) return 1;
    return (double)sb.st_size * (double)nl / (double)got;
}

/* The asset class recorded for the instrument: the given or certain one, else
 * the file-name guess when the calendar inferred from the data agrees with it,
 * else the class that calendar belongs to. */
static pr_asset_class settle_class(const pr_import_options *o, const pr_name_guess *g, const pr_data_report *rep) {
    if (o->asset_class != PR_ASSET_UNKNOWN) return o->asset_class;
    if (g->asset_class != PR_ASSET_UNKNOWN && pr_calendar_for_asset(g->asset_class) == rep->calendar)
        return g->asset_class;
    switch (rep->calendar) {
    case PR_CAL_FOREX: return PR_ASSET_FOREX;
    case PR_CAL_US_STOCK: return PR_ASSET_STOCK;
    case PR_CAL_24X7: return PR_ASSET_CRYPTO;
    default: return PR_ASSET_UNKNOWN;
    }
}

typedef struct import_args {
    const char *db, *venue, *symbol, *tf, *asset_class, *format, *mapping, *tz, *busy;
    int strict, json, quiet;
    int tz_min;                /* --tz-offset, parsed by check_flags */
    pr_on_conflict on_conflict;
} import_args;

static const char *const col_names[PR_STORE_NCOLS] = {"open", "high", "low", "close", "volume"};

/* "open 3, volume 12345" for the columns that differed from stored bars. */
static void changed_columns(const pr_store_counts *k, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (int j = 0; j < PR_STORE_NCOLS && len < cap; j++)
        if (k->changed[j])
            len += (size_t)snprintf(buf + len, cap - len, "%s%s %zu", len ? ", " : "", col_names[j], k->changed[j]);
}

static int log_attempt(pr_store *st, const import_ctx *c, const char *path, const pr_data_report *rep,
                       const char *status, const char *defects_json, pr_err *e) {
    pr_import_record r;
    memset(&r, 0, sizeof r);
    pr_strlcpy(r.venue, c->venue, sizeof r.venue);
    pr_strlcpy(r.symbol, c->symbol, sizeof r.symbol);
    r.tf = c->tf;
    pr_strlcpy(r.file, path, sizeof r.file);
    pr_strlcpy(r.format, pr_csv_format_name((pr_csv_format)rep->format), sizeof r.format);
    pr_strlcpy(r.status, status, sizeof r.status);
    r.rows_read = (int64_t)rep->rows;
    r.rows_stored = (int64_t)(c->counts.inserted + c->counts.updated + c->counts.unchanged);
    r.rows_skipped = (int64_t)rep->rows_skipped;
    r.rows_repaired = (int64_t)(rep->count[PR_ISSUE_DUPLICATE] + rep->count[PR_ISSUE_OUT_OF_ORDER]);
    r.rows_inserted = (int64_t)c->counts.inserted;
    r.rows_updated = (int64_t)c->counts.updated;
    r.defects_json = defects_json;
    pr_err le;
    pr_err_clear(&le);
    return pr_store_log_import(st, &r, NULL, e ? e : &le);
}

/* Another process held the SQLite write lock past the busy timeout. */
static int is_lock_error(const pr_err *e) { return e->code == PR_EDB && strcmp(e->venue_code, "SQLITE_BUSY") == 0; }

/* What the user must pass when a name guess fails; checked before anything
 * is read or written, so the message comes first and the file is skipped. */
static int check_guess(const char *path, const import_args *a, const pr_name_guess *g, const char *symbol,
                       pr_asset_class cls) {
    pr_err e;
    pr_err_clear(&e);
    if (!symbol[0])
        return pr_cli_usage_error("data import", "%s: cannot guess the symbol from the file name; pass --symbol "
                                  "SYMBOL (one file at a time)", path);
    if (pr_name_check(a->symbol ? "--symbol" : "symbol guessed from the file name", symbol, &e) != PR_OK)
        return pr_cli_usage_error("data import", "%s: %s", path, e.msg);
    if (cls != PR_ASSET_UNKNOWN) {
        pr_instrument in;
        if (pr_instrument_default(symbol, cls, &in, &e) != PR_OK)
            return pr_cli_usage_error("data import", "%s: %s; pass --symbol BASE/QUOTE%s", path, e.msg,
                                      g->class_certain && !a->asset_class ? " or --asset-class" : "");
    }
    return PR_EXIT_OK;
}

static int import_one(pr_store *st, const char *path, const import_args *a, json_t *jout) {
    pr_err e;
    pr_err_clear(&e);
    pr_name_guess g;
    pr_guess_from_path(path, &g);
    /* The name as shown: a file name is input too, and may hold any byte. */
    char shown[4 * PR_ERR_PATH_MAX];
    pr_escape_text(path, 0, shown, sizeof shown);
    import_ctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.put.on_conflict = a->on_conflict;
    c.venue = a->venue;
    c.symbol = a->symbol ? a->symbol : g.symbol;
    c.path = path;

    pr_import_options o;
    pr_import_options_init(&o);
    o.strict = a->strict;
    o.asset_class = g.class_certain ? g.asset_class : PR_ASSET_UNKNOWN;
    o.tf = g.tf;
    if (a->asset_class && pr_asset_class_parse(a->asset_class, &o.asset_class) != PR_OK)
        return pr_cli_usage_error("data import", "--asset-class: unknown class '%s'", a->asset_class);
    if (a->tf && pr_tf_parse(a->tf, &o.tf) != PR_OK)
        return pr_cli_usage_error("data import", "--tf: unknown timeframe '%s'", a->tf);
    if (a->format && pr_csv_format_parse(a->format, &o.format) != PR_OK)
        return pr_cli_usage_error("data import", "--format: unknown format '%s'", a->format);
    if (a->mapping) {
        if (pr_csv_mapping_parse(a->mapping, &o.mapping, &e) != PR_OK) return pr_cli_fail(&e);
        o.format = PR_FMT_GENERIC;
    }
    if (a->tz) o.tz_offset_min = a->tz_min;
    int funding = g.funding || o.format == PR_FMT_FUNDING;
    c.tf = funding ? PR_TF_NONE : o.tf;
    int ex = check_guess(path, a, &g, c.symbol, funding ? PR_ASSET_UNKNOWN : o.asset_class);
    if (ex != PR_EXIT_OK) return ex;

    pr_data_report rep;
    pr_data_report_init(&rep, 0);
    c.rep = &rep;
    int rc = pr_store_begin(st, &e);
    if (rc == PR_OK) {
        if (funding) {
            pr_funding_series f;
            memset(&f, 0, sizeof f);
            o.format = PR_FMT_FUNDING;
            if (o.tf == PR_TF_NONE) o.tf = PR_TF_8H;
            rc = pr_import_funding(path, &o, &f, &rep, &e);
            if (rc == PR_OK) {
                pr_funding_rate *r = malloc((f.len ? f.len : 1) * sizeof *r);
                if (!r) rc = pr_err_set(&e, PR_ENOMEM, "out of memory");
                for (size_t i = 0; r && i < f.len; i++) { r[i].ts = f.ts[i]; r[i].rate = f.rate[i]; }
                if (rc == PR_OK) rc = pr_store_put_funding_ex(st, c.venue, c.symbol, r, f.len, &c.put, &c.counts, &e);
                free(r);
            }
            pr_funding_series_free(&f);
        } else {
            o.lookup = lookup;
            c.progress = !a->quiet && !a->json && isatty(STDERR_FILENO);
            if (c.progress) c.est_lines = estimate_lines(path);
            rc = pr_import_csv(path, &o, sink, &c, &rep, &e);
            if (c.progress) fprintf(stderr, "\r%80s\r", "");
            if (rc == PR_OK) rc = pr_store_ensure_instrument(st, c.venue, c.symbol, NULL, settle_class(&o, &g, &rep), &e);
        }
    }
    char *defects = NULL;
    pr_err fe;
    pr_err_clear(&fe);
    pr_data_report_format(&rep, 1, &defects, &fe);
    const char *status = "ok";
    if (rc == PR_OK && interrupted) rc = pr_err_set(&e, PR_ESTATE, "interrupted (Ctrl-C)");
    if (rc == PR_OK) {
        log_attempt(st, &c, path, &rep, "ok", defects, NULL);
        rc = pr_store_commit(st, &e);
        if (rc != PR_OK) {
            /* The commit rolled everything back, "ok" record included. */
            memset(&c.counts, 0, sizeof c.counts);
            status = "failed";
            log_attempt(st, &c, path, &rep, status, defects, NULL);
        }
    } else if (pr_store_in_transaction(st)) {
        pr_err re;
        pr_err_clear(&re);
        pr_store_rollback(st, &re);
        /* The rejected attempt is recorded in its own transaction: bars are never stored. */
        memset(&c.counts, 0, sizeof c.counts);
        status = interrupted ? "interrupted" : rc == PR_EDATA ? "rejected" : "failed";
        log_attempt(st, &c, path, &rep, status, defects, NULL);
    } else if (is_lock_error(&e)) {
        /* Said at once (the record below may wait for the lock again). */
        status = "locked";
        if (!jout) {
            fflush(stdout);
            pr_cli_fail(&e);
            fprintf(stderr, "proratio: %s: nothing stored; another process is writing to the store (wait longer "
                            "with --busy-timeout MS)\n", shown);
        }
        pr_err le;
        pr_err_clear(&le);
        if (log_attempt(st, &c, path, &rep, status, defects, &le) != PR_OK && !jout)
            fprintf(stderr, "proratio: %s: the attempt could not be recorded in the import log either (%s)\n", shown,
                    le.msg);
    } else {
        status = "failed";
    }

    char dsname[3 * PR_SYMBOL_MAX + 8];
    snprintf(dsname, sizeof dsname, "%s:%s:%s", c.venue, c.symbol, funding ? "funding" : pr_tf_name(c.tf));
    if (jout) {
        json_t *r = defects ? json_loads(defects, 0, NULL) : NULL;
        if (!r) r = json_object();
        json_object_set_new(r, "dataset", json_string(dsname));
        json_object_set_new(r, "status", json_string(status));
        json_object_set_new(r, "inserted", json_integer((json_int_t)c.counts.inserted));
        json_object_set_new(r, "updated", json_integer((json_int_t)c.counts.updated));
        json_object_set_new(r, "unchanged", json_integer((json_int_t)c.counts.unchanged));
        json_object_set_new(r, "not_replaced", json_integer((json_int_t)c.counts.kept));
        json_object_set_new(r, "on_conflict", json_string(pr_on_conflict_name(a->on_conflict)));
        json_t *chg = json_object();
        for (int j = 0; j < (funding ? 1 : PR_STORE_NCOLS); j++)
            json_object_set_new(chg, funding ? "rate" : col_names[j], json_integer((json_int_t)c.counts.changed[j]));
        json_object_set_new(r, "changed_columns", chg);
        if (rc != PR_OK) {
            char msg[1024], safe[4 * sizeof msg];
            pr_err_format(&e, msg, sizeof msg);
            /* JSON strings must be valid UTF-8; the message may quote any byte. */
            json_object_set_new(r, "error", json_string(pr_escape_text(msg, 0, safe, sizeof safe)));
        }
        json_array_append_new(jout, r);
    } else {
        /* A failure is said first, then the defects that led to it. */
        if (rc != PR_OK && strcmp(status, "locked") != 0) {
            fflush(stdout);
            ex = pr_cli_fail(&e);
        }
        if (!a->quiet && pr_data_report_defects(&rep) > 0) {
            char *text = NULL;
            if (pr_data_report_format(&rep, 0, &text, &fe) == PR_OK && text) pr_cli_print_safe(stdout, text);
            free(text);
        }
        if (rc == PR_OK) {
            char first[PR_TIME_STR_MAX] = "-", last[PR_TIME_STR_MAX] = "-";
            if (rep.first_ts != PR_TIME_NONE) pr_time_format(rep.first_ts, first, sizeof first);
            if (rep.last_ts != PR_TIME_NONE) pr_time_format(rep.last_ts, last, sizeof last);
            /* Every row read is exactly one of new, updated, unchanged, not replaced or skipped. */
            char kept[48] = "";
            if (c.counts.kept) snprintf(kept, sizeof kept, ", %zu not replaced", c.counts.kept);
            printf("imported %s -> %s: %zu rows (%zu new, %zu updated, %zu unchanged%s), %zu skipped, "
                   "%zu gap%s (%zu missing bars), %s .. %s\n",
                   shown, dsname, rep.rows, c.counts.inserted, c.counts.updated, c.counts.unchanged, kept,
                   rep.rows_skipped, rep.gaps, rep.gaps == 1 ? "" : "s", rep.missing_bars, first, last);
            char cols[160];
            changed_columns(&c.counts, cols, sizeof cols);
            size_t differ = c.counts.updated + c.counts.kept;
            const char *fate = c.counts.kept ? "the stored values were kept (--on-conflict replace takes the file's)"
                                             : "replaced by the file's (--on-conflict replace)";
            if (funding && differ)
                printf("  %zu stored rate%s had other values: %s\n", differ, differ == 1 ? "" : "s", fate);
            else if (cols[0])
                printf("  %zu stored bar%s had other values (%s): %s\n", differ, differ == 1 ? "" : "s", cols, fate);
            if (!rep.has_volume && !funding && c.counts.updated + c.counts.unchanged + c.counts.kept > 0)
                printf("  the file has no volume column: stored volume was left as it was\n");
        } else if (strcmp(status, "locked") != 0) {
            fflush(stdout);
            fprintf(stderr, "proratio: %s: nothing stored\n", shown);
        }
    }
    free(defects);
    pr_data_report_free(&rep);
    if (rc == PR_OK) return PR_EXIT_OK;
    if (jout || strcmp(status, "locked") == 0) ex = pr_cli_exit_code(e.code);
    /* A file that cannot be read as any known format is bad input data. */
    if (rc == PR_EUNSUPPORTED) ex = PR_EXIT_DATA;
    return ex;
}

/* Flags that apply to every file are checked once, before any import. */
static int check_flags(import_args *a) {
    pr_err e;
    pr_err_clear(&e);
    pr_timeframe tf;
    pr_asset_class cls;
    pr_csv_format fmt;
    pr_csv_mapping m;
    if (pr_name_check("--venue", a->venue, &e) != PR_OK || (a->symbol && pr_name_check("--symbol", a->symbol, &e) != PR_OK))
        return pr_cli_usage_error("data import", "%s", e.msg);
    if (a->asset_class && pr_asset_class_parse(a->asset_class, &cls) != PR_OK)
        return pr_cli_usage_error("data import", "--asset-class: unknown class '%s'", a->asset_class);
    if (a->tf && pr_tf_parse(a->tf, &tf) != PR_OK)
        return pr_cli_usage_error("data import", "--tf: unknown timeframe '%s'", a->tf);
    if (a->format && pr_csv_format_parse(a->format, &fmt) != PR_OK)
        return pr_cli_usage_error("data import", "--format: unknown format '%s'", a->format);
    if (a->tz) {
        /* Minutes east of UTC; a day either way covers every real offset. */
        int64_t tz;
        if (pr_cli_parse_int(a->tz, -1440, 1440, &tz) != 0)
            return pr_cli_usage_error("data import", "--tz-offset: expected minutes in [-1440, 1440], got '%s'",
                                      a->tz);
        a->tz_min = (int)tz;
    }
    if (a->mapping) {
        pr_csv_mapping_init(&m);
        if (pr_csv_mapping_parse(a->mapping, &m, &e) != PR_OK) return pr_cli_usage_error("data import", "--mapping: %s", e.msg);
    }
    return PR_EXIT_OK;
}

int pr_cli_data_import(int argc, char **argv) {
    import_args a;
    memset(&a, 0, sizeof a);
    a.venue = PR_CLI_DEFAULT_VENUE;
    a.on_conflict = PR_ON_CONFLICT_KEEP;
    char **files = calloc((size_t)argc, sizeof *files);
    int nf = 0;
    if (!files) return PR_EXIT_FAIL;
    struct { const char *name; const char **dst; } opts[] = {
        {"--db", &a.db}, {"--venue", &a.venue}, {"--symbol", &a.symbol}, {"--tf", &a.tf},
        {"--asset-class", &a.asset_class}, {"--format", &a.format}, {"--mapping", &a.mapping},
        {"--tz-offset", &a.tz}, {"--busy-timeout", &a.busy},
    };
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            fputs(import_usage, stdout);
            free(files);
            return PR_EXIT_OK;
        }
        if (strcmp(argv[i], "--strict") == 0) { a.strict = 1; continue; }
        if (strcmp(argv[i], "--json") == 0) { a.json = 1; continue; }
        if (strcmp(argv[i], "--quiet") == 0) { a.quiet = 1; continue; }
        const char *oc = NULL;
        int mc = pr_cli_opt(argc, argv, &i, "--on-conflict", &oc);
        if (mc < 0 || (mc > 0 && pr_on_conflict_parse(oc, &a.on_conflict) != PR_OK)) {
            free(files);
            return pr_cli_usage_error("data import", "--on-conflict: expected keep, replace or fail%s%s%s",
                                      oc ? ", got '" : "", oc ? oc : "", oc ? "'" : "");
        }
        if (mc > 0) continue;
        int matched = 0;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            int m = pr_cli_opt(argc, argv, &i, opts[k].name, opts[k].dst);
            if (m < 0) {
                free(files);
                return pr_cli_usage_error("data import", "%s needs a value", opts[k].name);
            }
            matched = m;
        }
        if (matched) continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            free(files);
            return pr_cli_usage_error("data import", "unknown option '%s'", argv[i]);
        }
        files[nf++] = argv[i];
    }
    if (nf == 0) {
        free(files);
        return pr_cli_usage_error("data import", "no file given");
    }
    if (a.symbol && nf > 1) {
        free(files);
        return pr_cli_usage_error("data import", "--symbol applies to one file at a time");
    }
    int ex = check_flags(&a);
    int64_t busy = 0;
    if (ex == PR_EXIT_OK && a.busy) {
        if (pr_cli_parse_int(a.busy, 0, 3600000, &busy) != 0)
            ex = pr_cli_usage_error("data import", "--busy-timeout: expected milliseconds in [0, 3600000], got '%s'",
                                    a.busy);
    }
    pr_store *st = NULL;
    if (ex == PR_EXIT_OK) ex = pr_cli_open_store_busy(a.db, a.busy ? (busy ? (int)busy : -1) : 0, &st);
    if (ex) { free(files); return ex; }
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_sa);
    json_t *jout = a.json ? json_array() : NULL;
    int worst = PR_EXIT_OK, committed = 0, last = PR_EXIT_OK, k;
    for (k = 0; k < nf && !interrupted; k++) {
        /* PR_EXIT_OK means the file's transaction committed. */
        last = import_one(st, files[k], &a, jout);
        if (last == PR_EXIT_OK) committed++;
        if (last != PR_EXIT_OK && (worst == PR_EXIT_OK || last == PR_EXIT_FAIL)) worst = last;
    }
    if (jout) {
        char *s = pr_json_dumps(jout, JSON_INDENT(2));
        if (s) puts(s);
        free(s);
        json_decref(jout);
    }
    if (interrupted) {
        /* k counts the file that was being imported when Ctrl-C came. */
        fflush(stdout);
        fprintf(stderr, "proratio data import: interrupted: %d file%s committed before Ctrl-C", committed,
                committed == 1 ? "" : "s");
        if (k > 0 && last != PR_EXIT_OK) {
            fputs(", ", stderr);
            pr_cli_print_safe(stderr, files[k - 1]);
            fputs(" rolled back (nothing of it stored)", stderr);
        }
        fprintf(stderr, ", %d not started\n", nf - k);
        worst = PR_EXIT_INTERRUPTED;
    }
    sigaction(SIGINT, &old_sa, NULL);
    pr_store_close(st);
    free(files);
    return worst;
}
