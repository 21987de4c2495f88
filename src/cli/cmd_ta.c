/* `proratio ta`: computes indicators from the table (ta.h) over a CSV file or
 * a stored dataset and writes them as CSV, or lists the table (--list).
 *
 * Column names: `<name>_<p1>_<p2>..._<output>` with the FULL parameter list
 * (defaults filled in); an indicator with a single output drops the output
 * part (`rsi_14`, `ema_20`), one without parameters drops the parameter part
 * (`heikin_ashi_open`, `obv`). Parameters print in their shortest exact
 * form (`2`, `0.5`). Indicators are computed over every bar before --to so
 * their warm-up uses all earlier history; --from only trims the rows shown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "ta_candles.h"
#include "proratio/data.h"
#include "proratio/ta.h"
#include "proratio/core/json_text.h"

#define CMD "ta"
#define MAX_SPECS 64

static const char *ta_usage =
    "usage: proratio ta (--csv FILE | --dataset NAME [--db URL]) --indicator SPEC [--indicator SPEC ...]\n"
    "                   [--out FILE] [--from TIME] [--to TIME] [--unstable N]\n"
    "                   [--candle-setting NAME=RANGE,PERIOD,FACTOR ...]\n"
    "       proratio ta --list [--json]\n"
    "\n"
    "Computes indicators and writes CSV: the bar's open time (ISO 8601 UTC), then one\n"
    "column per indicator output named <name>_<params>_<output> (single-output\n"
    "indicators: <name>_<params>, e.g. rsi_14). Empty cells where a value is undefined\n"
    "(the warm-up), numbers as the shortest text that reads back to the same value.\n"
    "\n"
    "  --csv FILE          bars from a CSV file (format auto-detected, see 'proratio data import')\n"
    "  --dataset NAME      bars from the store: VENUE:SYMBOL:TF, SYMBOL:TF or SYMBOL-TF\n"
    "  --db URL            store (sqlite:PATH, PATH or postgresql://...; default " PR_CLI_DEFAULT_DB ")\n"
    "  --indicator SPEC    NAME or NAME:P1,P2,... (parameters in the order --list shows;\n"
    "                      NAME is case-insensitive, so TA-Lib's names work: HT_SINE, CDLDOJI;\n"
    "                      trailing ones take their defaults), e.g. rsi:14, bbands:20,2,2\n"
    "  --from TIME         first bar written (warm-up still uses earlier bars)\n"
    "  --to TIME           bars with open time before TIME only\n"
    "  --unstable N        TA-Lib's unstable period: N more warm-up bars (computed, left empty)\n"
    "                      for every indicator that has one in TA-Lib (--list marks them); default 0\n"
    "  --candle-setting NAME=RANGE,PERIOD,FACTOR\n"
    "                      one of TA-Lib's candle settings for the candlestick patterns (repeatable):\n"
    "                      NAME BodyLong, BodyVeryLong, BodyShort, BodyDoji, ShadowLong, ShadowVeryLong,\n"
    "                      ShadowShort, ShadowVeryShort, Near, Far or Equal; RANGE RealBody, HighLow or\n"
    "                      Shadows; PERIOD candles averaged (0: the candle itself); e.g.\n"
    "                      BodyDoji=HighLow,10,0.1 (TA-Lib's default)\n"
    "  --out FILE          write to FILE instead of standard output\n"
    "  --list              list the indicators with parameters (default [min, max]), inputs, outputs\n"
    "  --json              with --list: JSON\n"
    "\n"
    "exit codes: 0 ok, 1 failure, 2 usage error or bad parameter, 3 unreadable data,\n"
    "4 not found (file, dataset, indicator)\n";

typedef struct {
    const pr_ta_def *def;
    double params[PR_TA_MAX_PARAMS];
    char label[128];   /* "<name>[_<params>]" */
    double *out[PR_TA_MAX_OUTPUTS];
} spec;

/* Shortest exact form of a parameter ("14", "0.5"). */
static void fmt_param(double v, char *buf, size_t cap) { pr_cli_fmt_double(v, buf, cap); }

static void print_list_text(FILE *f) {
    size_t n = pr_ta_count();
    for (size_t i = 0; i < n; i++) {
        const pr_ta_def *d = pr_ta_at(i);
        double full[PR_TA_MAX_PARAMS];
        int lb = -1;
        if (pr_ta_check_params(d, NULL, 0, full, NULL) == PR_OK && d->lookback) d->lookback(full, &lb);
        char tl[64] = "";
        if (pr_ta_talib_name(d, tl + 9, sizeof tl - 10) == PR_OK) {
            memcpy(tl, " [TA-Lib ", 9);
            strcat(tl, pr_ta_has_unstable(d) ? ", unstable period]" : "]");
        }
        fprintf(f, "%s (%s)%s: %s\n", d->name, d->group ? d->group : "", tl, d->desc ? d->desc : "");
        fprintf(f, "  inputs:  ");
        for (int k = 0; k < d->n_inputs; k++) fprintf(f, "%s%s", k ? ", " : "", d->inputs[k]);
        fprintf(f, "\n  params:  ");
        if (d->n_params == 0) fprintf(f, "(none)");
        for (int k = 0; k < d->n_params; k++) {
            char a[40], b[40], c[40];
            fmt_param(d->params[k].def, a, sizeof a);
            fmt_param(d->params[k].min, b, sizeof b);
            fmt_param(d->params[k].max, c, sizeof c);
            fprintf(f, "%s%s=%s [%s, %s]%s", k ? ", " : "", d->params[k].name, a, b, c,
                    d->params[k].integer ? "" : " real");
        }
        fprintf(f, "\n  outputs: ");
        for (int k = 0; k < d->n_outputs; k++) fprintf(f, "%s%s", k ? ", " : "", d->outputs[k]);
        fprintf(f, "\n  lookback (defaults): %d\n", lb);
    }
}

static int print_list_json(FILE *f) {
    json_t *arr = json_array();
    if (!arr) return PR_ENOMEM;
    size_t n = pr_ta_count();
    for (size_t i = 0; i < n; i++) {
        const pr_ta_def *d = pr_ta_at(i);
        double full[PR_TA_MAX_PARAMS];
        int lb = -1;
        if (pr_ta_check_params(d, NULL, 0, full, NULL) == PR_OK && d->lookback) d->lookback(full, &lb);
        json_t *o = json_object(), *in = json_array(), *ps = json_array(), *outs = json_array();
        for (int k = 0; k < d->n_inputs; k++) json_array_append_new(in, json_string(d->inputs[k]));
        for (int k = 0; k < d->n_params; k++) {
            const pr_ta_param *p = &d->params[k];
            json_array_append_new(ps, json_pack("{s:s, s:f, s:f, s:f, s:b}", "name", p->name, "default", p->def,
                                                "min", p->min, "max", p->max, "integer", p->integer));
        }
        for (int k = 0; k < d->n_outputs; k++) json_array_append_new(outs, json_string(d->outputs[k]));
        json_object_set_new(o, "name", json_string(d->name));
        json_object_set_new(o, "group", json_string(d->group ? d->group : ""));
        json_object_set_new(o, "description", json_string(d->desc ? d->desc : ""));
        json_object_set_new(o, "talib", json_boolean(d->talib));
        char tl[48];
        if (pr_ta_talib_name(d, tl, sizeof tl) == PR_OK) json_object_set_new(o, "talib_name", json_string(tl));
        json_object_set_new(o, "unstable_period", json_boolean(pr_ta_has_unstable(d)));
        json_object_set_new(o, "inputs", in);
        json_object_set_new(o, "params", ps);
        json_object_set_new(o, "outputs", outs);
        json_object_set_new(o, "lookback", json_integer(lb));
        json_array_append_new(arr, o);
    }
    int rc = pr_json_dumpf(arr, f, JSON_INDENT(2)) == 0 ? PR_OK : PR_EIO;
    fputc('\n', f);
    json_decref(arr);
    return rc;
}

/* Parses "name[:p1,p2,...]" into sp; returns an exit code. */
static int parse_spec(const char *text, spec *sp) {
    char name[64];
    const char *colon = strchr(text, ':');
    size_t nl = colon ? (size_t)(colon - text) : strlen(text);
    if (nl == 0 || nl >= sizeof name) return pr_cli_usage_error(CMD, "--indicator '%s': expected NAME[:P1,P2,...]", text);
    memcpy(name, text, nl);
    name[nl] = '\0';
    if (pr_ta_find(name, &sp->def) != PR_OK) {
        fprintf(stderr, "proratio %s: unknown indicator '%s' (see 'proratio ta --list')\n", CMD, name);
        return PR_EXIT_NOTFOUND;
    }
    const pr_ta_def *d = sp->def;
    double given[PR_TA_MAX_PARAMS];
    int ng = 0;
    if (colon && colon[1]) {
        const char *s = colon + 1;
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            if (ng >= d->n_params)
                return pr_cli_usage_error(CMD, "%s takes %d parameter(s), got more in '%s'", d->name, d->n_params, text);
            if (pr_parse_double(s, len, &given[ng]) != PR_OK)
                return pr_cli_usage_error(CMD, "%s: parameter %s: '%.*s' is not a number", d->name,
                                          d->params[ng].name, (int)len, s);
            ng++;
            if (!comma) break;
            s = comma + 1;
        }
    }
    pr_err e;
    pr_err_clear(&e);
    if (pr_ta_check_params(d, given, ng, sp->params, &e) != PR_OK) {
        fprintf(stderr, "proratio %s: %s\n", CMD, e.msg);
        return PR_EXIT_USAGE;
    }
    size_t at = (size_t)snprintf(sp->label, sizeof sp->label, "%s", d->name);
    for (int k = 0; k < d->n_params && at < sizeof sp->label; k++) {
        char p[40];
        fmt_param(sp->params[k], p, sizeof p);
        at += (size_t)snprintf(sp->label + at, sizeof sp->label - at, "_%s", p);
    }
    return PR_EXIT_OK;
}

static int load_bars(const char *csv, const char *dataset, const char *db, int64_t to, pr_series *s,
                     pr_err *e) {
    if (csv) {
        pr_import_options o;
        pr_import_options_init(&o);
        int rc = pr_import_csv_series(csv, &o, s, NULL, e);
        if (rc != PR_OK) return rc;
        if (to != PR_TIME_NONE) s->len = pr_series_lower_bound(s, to);
        return PR_OK;
    }
    pr_store *st = NULL;
    pr_store_options so;
    pr_cli_store_options(1, 0, &so);
    int rc = pr_store_open_with(db ? db : PR_CLI_DEFAULT_DB, &so, &st, e);
    if (rc != PR_OK) return rc;
    rc = pr_cli_load_dataset(st, dataset, PR_TIME_NONE, to, s, NULL, e);
    pr_store_close(st);
    return rc;
}

/* One buffered writer for the whole table: 1M bars x 3 columns is 3M
 * numbers, each the shortest text that reads back (pr_dtoa); NaN (warm-up)
 * is an empty field. */
static int write_csv(FILE *f, const pr_series *s, size_t from_i, spec *sp, int nsp) {
    pr_wbuf w;
    if (pr_wbuf_open(&w, f, 0) != PR_OK) return PR_ENOMEM;
    pr_wbuf_str(&w, "time");
    for (int j = 0; j < nsp; j++) {
        const pr_ta_def *d = sp[j].def;
        for (int k = 0; k < d->n_outputs; k++) {
            pr_wbuf_char(&w, ',');
            pr_wbuf_str(&w, sp[j].label);
            if (d->n_outputs > 1) {
                pr_wbuf_char(&w, '_');
                pr_wbuf_str(&w, d->outputs[k]);
            }
        }
    }
    pr_wbuf_char(&w, '\n');
    char t[PR_TIME_STR_MAX];
    pr_iso_memo day = {0};
    for (size_t i = from_i; i < s->len && w.status == PR_OK; i++) {
        pr_wbuf_put(&w, t, pr_time_format_iso_memo(s->ts[i], &day, t));
        for (int j = 0; j < nsp; j++)
            for (int k = 0; k < sp[j].def->n_outputs; k++) {
                double v = sp[j].out[k][i];
                pr_wbuf_char(&w, ',');
                if (v == v) pr_wbuf_num(&w, v);
            }
        pr_wbuf_char(&w, '\n');
    }
    int rc = pr_wbuf_close(&w);
    return rc == PR_OK && !ferror(f) ? PR_OK : rc ? rc : PR_EIO;
}

int pr_cli_ta(int argc, char **argv) {
    const char *csv = NULL, *dataset = NULL, *db = NULL, *out_path = NULL, *from_s = NULL, *to_s = NULL, *v;
    const char *unstable_s = NULL;
    const char *ind[MAX_SPECS];
    int nind = 0, list = 0, json = 0, ncs = 0;
    pr_ta_candle_settings cs;
    pr_ta_candle_settings_default(&cs);
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            fputs(ta_usage, stdout);
            return PR_EXIT_OK;
        }
        if (strcmp(argv[i], "--list") == 0) { list = 1; continue; }
        if (strcmp(argv[i], "--json") == 0) { json = 1; continue; }
        const char **dst = NULL;
        int m;
        if ((m = pr_cli_opt(argc, argv, &i, "--csv", &v))) dst = &csv;
        else if ((m = pr_cli_opt(argc, argv, &i, "--dataset", &v))) dst = &dataset;
        else if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) dst = &db;
        else if ((m = pr_cli_opt(argc, argv, &i, "--out", &v))) dst = &out_path;
        else if ((m = pr_cli_opt(argc, argv, &i, "--from", &v))) dst = &from_s;
        else if ((m = pr_cli_opt(argc, argv, &i, "--to", &v))) dst = &to_s;
        else if ((m = pr_cli_opt(argc, argv, &i, "--unstable", &v))) dst = &unstable_s;
        else if ((m = pr_cli_opt(argc, argv, &i, "--candle-setting", &v)) > 0) {
            int cx = pr_cli_ta_candle_setting(CMD, v, &cs);
            if (cx != PR_EXIT_OK) return cx;
            ncs++;
            continue;
        } else if ((m = pr_cli_opt(argc, argv, &i, "--indicator", &v)) > 0) {
            if (nind == MAX_SPECS) return pr_cli_usage_error(CMD, "at most %d indicators", MAX_SPECS);
            ind[nind++] = v;
            continue;
        }
        if (m < 0) return pr_cli_usage_error(CMD, "%s needs a value", argv[i]);
        if (dst) { *dst = v; continue; }
        return pr_cli_usage_error(CMD, "unexpected argument '%s'", argv[i]);
    }

    if (list) {
        if (csv || dataset || nind || ncs) return pr_cli_usage_error(CMD, "--list takes no data or indicators");
        if (json) return print_list_json(stdout) == PR_OK ? PR_EXIT_OK : PR_EXIT_FAIL;
        print_list_text(stdout);
        return PR_EXIT_OK;
    }
    if (json) return pr_cli_usage_error(CMD, "--json goes with --list");
    if (!csv == !dataset) return pr_cli_usage_error(CMD, "give exactly one of --csv FILE and --dataset NAME");
    if (db && !dataset) return pr_cli_usage_error(CMD, "--db goes with --dataset");
    if (nind == 0) return pr_cli_usage_error(CMD, "no --indicator given (see 'proratio ta --list')");

    spec *sp = calloc((size_t)nind, sizeof *sp);
    if (!sp) {
        fprintf(stderr, "proratio %s: out of memory\n", CMD);
        return PR_EXIT_FAIL;
    }
    int ex = PR_EXIT_OK;
    for (int j = 0; j < nind && ex == PR_EXIT_OK; j++) {
        ex = parse_spec(ind[j], &sp[j]);
        for (int k = 0; k < j && ex == PR_EXIT_OK; k++)
            if (strcmp(sp[k].label, sp[j].label) == 0)
                ex = pr_cli_usage_error(CMD, "indicator %s given twice", sp[j].label);
    }
    int64_t from = PR_TIME_NONE, to = PR_TIME_NONE;
    if (ex == PR_EXIT_OK) ex = pr_cli_time_range(CMD, from_s, to_s, &from, &to);
    int unstable = 0;
    if (ex == PR_EXIT_OK && unstable_s) {
        double u;
        if (pr_parse_double(unstable_s, strlen(unstable_s), &u) != PR_OK || u != floor(u) || u < 0 ||
            u > PR_TA_UNSTABLE_MAX)
            ex = pr_cli_usage_error(CMD, "--unstable '%s': expected a whole number of bars in [0, %d]", unstable_s,
                                    PR_TA_UNSTABLE_MAX);
        else
            unstable = (int)u;
    }
    if (ex != PR_EXIT_OK) {
        free(sp);
        return ex;
    }

    pr_series s;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_series_init(&s, 0);
    if (rc == PR_OK) rc = load_bars(csv, dataset, db, to, &s, &e);
    if (rc != PR_OK && !e.msg[0]) pr_err_set(&e, rc, "cannot load bars");

    pr_ta_input in;
    memset(&in, 0, sizeof in);
    in.n = s.len;
    in.ts = s.ts;
    in.open = s.open;
    in.high = s.high;
    in.low = s.low;
    in.close = s.close;
    in.volume = s.volume;
    /* Candlestick patterns: several, or any with --candle-setting, run
     * together in one pass over the bars (done[j] set for those). */
    int *done = calloc((size_t)nind, sizeof *done), ncdl = 0;
    if (!done) rc = pr_err_set(&e, PR_ENOMEM, "out of memory");
    for (int j = 0; j < nind; j++) ncdl += pr_ta_cdl_pattern_find(sp[j].def->name, &(pr_ta_cdl_pattern){0}) == PR_OK;
    int cdl_together = ncdl > 1 || (ncdl > 0 && ncs > 0);
    for (int j = 0; j < nind && rc == PR_OK; j++) {
        const pr_ta_def *d = sp[j].def;
        int uses_real1 = 0;
        for (int k = 0; k < d->n_inputs; k++) uses_real1 |= strcmp(d->inputs[k], "real1") == 0;
        /* Generic real inputs: close for one-series indicators; high and low
         * for two-series ones (TA-Lib's convention for CORREL and BETA). */
        in.real0 = uses_real1 ? s.high : s.close;
        in.real1 = uses_real1 ? s.low : NULL;
        for (int k = 0; k < d->n_outputs && rc == PR_OK; k++) {
            sp[j].out[k] = malloc((s.len ? s.len : 1) * sizeof(double));
            if (!sp[j].out[k]) rc = pr_err_set(&e, PR_ENOMEM, "out of memory");
        }
        /* The unstable period applies to the indicators that have one in
         * TA-Lib; the others run as they are. */
        int u = pr_ta_has_unstable(d) ? unstable : 0;
        if (cdl_together && pr_ta_cdl_pattern_find(d->name, &(pr_ta_cdl_pattern){0}) == PR_OK) continue;
        if (rc == PR_OK && (rc = u ? pr_ta_run_from(d, &in, sp[j].params, u, 0, sp[j].out)
                                   : d->run(&in, sp[j].params, sp[j].out)) != PR_OK)
            pr_err_set(&e, rc, "%s: computation failed (%s)", sp[j].label, pr_status_name(rc));
    }

    if (rc == PR_OK && cdl_together) {
        const pr_ta_def *defs[MAX_SPECS];
        const double *params[MAX_SPECS];
        double *outs[MAX_SPECS];
        for (int j = 0; j < nind; j++) {
            defs[j] = sp[j].def;
            params[j] = sp[j].params;
            outs[j] = sp[j].out[0];
        }
        if ((rc = pr_cli_ta_patterns(nind, defs, params, outs, &in, &cs, done)) != PR_OK)
            pr_err_set(&e, rc, "candlestick patterns: computation failed (%s)", pr_status_name(rc));
    }
    free(done);

    if (rc == PR_OK) {
        size_t from_i = from == PR_TIME_NONE ? 0 : pr_series_lower_bound(&s, from);
        int to_stdout = !out_path || strcmp(out_path, "-") == 0;
        FILE *f = to_stdout ? stdout : fopen(out_path, "w");
        if (!f) rc = pr_err_set(&e, PR_EIO, "cannot write %s", out_path);
        if (rc == PR_OK) {
            rc = write_csv(f, &s, from_i, sp, nind);
            int closed = to_stdout ? fflush(f) : fclose(f);
            if (rc == PR_OK && closed != 0) rc = PR_EIO;
            if (rc != PR_OK) pr_err_set(&e, rc, "cannot write %s", to_stdout ? "standard output" : out_path);
        }
        if (rc == PR_OK && from_i >= s.len) fprintf(stderr, "proratio %s: no bars in the requested range\n", CMD);
        else if (rc == PR_OK && !to_stdout)
            fprintf(stderr, "wrote %zu rows to %s\n", s.len - from_i, out_path);
    }

    for (int j = 0; j < nind; j++)
        for (int k = 0; k < PR_TA_MAX_OUTPUTS; k++) free(sp[j].out[k]);
    free(sp);
    pr_series_free(&s);
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}
