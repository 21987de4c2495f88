/* `proratio data download`: fills the store from a venue's REST API, one
 * dataset (symbol x timeframe) after another, each continuing after its
 * last stored bar. Pages commit as they arrive, so Ctrl-C or kill -9 loses
 * at most the page in flight and the next run resumes. Prints the page
 * findings as `data import` prints a file's, one summary line (or a JSON
 * object) per dataset, and a progress bar on a terminal. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "proratio/core/json_text.h"

static const char *download_usage_head =
    "usage: proratio data download --source SRC --symbols S[,S...] --tf TF[,TF...]\n"
    "                              (--from T [--to T] | --days N) [options]\n"
    "\n"
    "Downloads bars from a venue into the store. Each dataset continues after its last\n"
    "stored bar (a second run over the same range downloads nothing: '0 new'); every page\n"
    "is committed with its import-log record as it arrives, so an interrupted download\n"
    "resumes where it stopped. The still-forming bar is never stored. Pages are validated\n"
    "exactly as imported files (findings name the page's request); gaps are reported.\n"
    "\n";

static const char *download_usage_opts =
    "options:\n"
    "  --funding           also the funding-rate history (perpetuals: binance-futures)\n"
    "  --premium           also the premium index klines of each symbol (binance-futures),\n"
    "                      stored as SYMBOL.PREMIUM\n"
    "  --price P[,P...]    oanda candles: mid (default), bid, ask; bid and ask are stored\n"
    "                      as SYMBOL.BID and SYMBOL.ASK (config data.download.oanda.price)\n"
    "  (oanda needs OANDA_API_TOKEN, alphavantage ALPHAVANTAGE_API_KEY, in the\n"
    "  environment or ./.env)\n"
    "  --db URL            store (default sqlite:proratio.db; postgresql://... for PostgreSQL)\n"
    "  --base-url URL      the venue's REST base URL (default: the venue's; also config key\n"
    "                      data.download.<source>.base_url)\n"
    "  --config FILE       JSON config: data.download.<source>.{base_url,weight_limit,price}\n"
    "  --strict            a page with any defect is not stored and stops its dataset (exit 3)\n"
    "  --weight-limit N    request weight per minute to stay under (binance 1200,\n"
    "                      binance-futures 2400); the client slows down before it\n"
    "  --max-retries N     attempts after the first for timeouts, 5xx, cut-off bodies (5)\n"
    "  --max-wait S        longest rate-limit or ban wait accepted, in seconds (300);\n"
    "                      a longer one stops the venue's downloads and says until when\n"
    "  --backoff MS        first retry wait; doubles per retry up to 60 s, plus a seeded\n"
    "                      jitter of up to half of it (500)\n"
    "  --seed N            seed of the backoff jitter (0)\n"
    "  --dry-run           print each dataset's range to download; send no request\n"
    "  --json              print one JSON summary per dataset\n"
    "  --quiet             print only the summary lines\n"
    "Keys (sources that need one) come from the environment or ./.env, never the command line.\n"
    "exit codes: 0 all datasets downloaded, 1 a venue or store failure, 2 usage error,\n"
    "            3 --strict rejected a page, 130 interrupted\n";

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}
static int cancelled(void *user) {
    (void)user;
    return interrupted;
}

typedef struct dl_args {
    const char *source, *symbols, *tfs, *from, *to, *days, *db, *base_url, *config, *weight, *retries, *wait, *seed, *backoff, *price;
    int premium;
    int funding, json, dry_run, strict, quiet;
} dl_args;

typedef struct dl_cli {
    int progress, quiet;
    char label[128];
} dl_cli;

static void on_page(void *user, const pr_data_report *rep) {
    dl_cli *c = user;
    if (c->quiet || pr_data_report_defects(rep) == 0) return;
    char *text = NULL;
    pr_err fe;
    pr_err_clear(&fe);
    if (c->progress) fprintf(stderr, "\r%100s\r", "");
    if (pr_data_report_format(rep, 0, &text, &fe) == PR_OK && text) pr_cli_print_safe(stdout, text);
    fflush(stdout);
    free(text);
}

static void on_progress(void *user, const pr_dl_progress *p) {
    dl_cli *c = user;
    if (!c->progress) return;
    double span = (double)(p->to_ms - p->from_ms);
    double pct = span > 0 ? 100.0 * (double)(p->at_ms - p->from_ms) / span : 100;
    if (pct > 100) pct = 100;
    if (pct < 0) pct = 0;
    fprintf(stderr, "\r  %-32.32s [%-40.*s] %3.0f%% %zu bars", c->label, (int)(pct / 2.5),
            "########################################", pct, p->bars);
    fflush(stderr);
}

/* data.download.<source>.<key> of the config, or NULL. */
static json_t *config_value(const pr_config *cfg, const char *source, const char *key) {
    if (!cfg) return NULL;
    json_t *d = json_object_get(json_object_get(pr_config_json(cfg), "data"), "download");
    return json_object_get(json_object_get(d, source), key);
}

static int parse_list(const char *cmd, const char *what, const char *s, char out[][PR_SYMBOL_MAX], int cap, int *n) {
    *n = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || len >= PR_SYMBOL_MAX) return pr_cli_usage_error(cmd, "%s: bad entry in '%s'", what, s);
        if (*n >= cap) return pr_cli_usage_error(cmd, "%s: at most %d entries", what, cap);
        memcpy(out[*n], p, len);
        out[(*n)++][len] = '\0';
        p += len + (e ? 1 : 0);
        if (e && !*p) return pr_cli_usage_error(cmd, "%s: empty entry at the end of '%s'", what, s);
    }
    if (*n == 0) return pr_cli_usage_error(cmd, "%s: empty list", what);
    return PR_EXIT_OK;
}

/* --price and --premium: the datasets of each symbol as series suffixes
 * (SYMBOL.BID, SYMBOL.PREMIUM; "" the symbol's own bars), rewriting syms
 * in place; is_series[i] marks the suffixed ones. */
static int expand_series(const char *cmd, const dl_args *a, const pr_dl_source *src, char syms[][PR_SYMBOL_MAX],
                         int *ns, int cap, int *is_series) {
    const char *sfx[4];
    int nsfx = 0;
    if (a->premium) {
        if (strcmp(src->name, "binance-futures") != 0)
            return pr_cli_usage_error(cmd, "--premium: the premium index is a binance-futures series, not %s's",
                                      src->name);
        sfx[nsfx++] = "", sfx[nsfx++] = ".PREMIUM";
    }
    if (a->price) {
        if (strcmp(src->name, "oanda") != 0)
            return pr_cli_usage_error(cmd, "--price: bid and ask candles are oanda's, not %s's", src->name);
        char p[4][PR_SYMBOL_MAX];
        int np, ex = parse_list(cmd, "--price", a->price, p, 3, &np);
        if (ex) return ex;
        for (int i = 0; i < np; i++) {
            const char *x = strcmp(p[i], "mid") == 0 ? "" : strcmp(p[i], "bid") == 0 ? ".BID"
                            : strcmp(p[i], "ask") == 0 ? ".ASK" : NULL;
            if (!x) return pr_cli_usage_error(cmd, "--price: expected mid, bid or ask, got '%s'", p[i]);
            sfx[nsfx++] = x;
        }
    }
    for (int i = 0; i < *ns; i++) is_series[i] = 0;
    if (!nsfx) return PR_EXIT_OK;
    char base[64][PR_SYMBOL_MAX];
    int nb = *ns;
    memcpy(base, syms, sizeof base[0] * (size_t)nb);
    *ns = 0;
    for (int i = 0; i < nb; i++)
        for (int k = 0; k < nsfx; k++) {
            if (*ns >= cap) return pr_cli_usage_error(cmd, "--symbols: at most %d datasets", cap);
            if ((size_t)snprintf(syms[*ns], PR_SYMBOL_MAX, "%s%s", base[i], sfx[k]) >= PR_SYMBOL_MAX)
                return pr_cli_usage_error(cmd, "--symbols: '%s%s' too long", base[i], sfx[k]);
            is_series[(*ns)++] = *sfx[k] != '\0';
        }
    return PR_EXIT_OK;
}

static void fmt_ts(int64_t t, char *b, size_t cap) {
    if (t == PR_TIME_NONE) pr_strlcpy(b, "-", cap);
    else pr_time_format(t, b, cap);
}

static json_t *result_json(const char *label, const char *status, const pr_dl_result *r, const pr_err *e) {
    char a[PR_TIME_STR_MAX], b[PR_TIME_STR_MAX], f[PR_TIME_STR_MAX], l[PR_TIME_STR_MAX];
    fmt_ts(r->from_ms, a, sizeof a);
    fmt_ts(r->to_ms, b, sizeof b);
    fmt_ts(r->first_ts, f, sizeof f);
    fmt_ts(r->last_ts, l, sizeof l);
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s}",
                          "dataset", label, "status", status, "new", (json_int_t)r->inserted, "updated",
                          (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "skipped", (json_int_t)r->skipped,
                          "forming_not_stored", (json_int_t)r->forming, "gaps", (json_int_t)r->gaps, "missing_bars",
                          (json_int_t)r->missing_bars, "empty_pages", (json_int_t)r->empty_pages, "pages",
                          (json_int_t)r->pages, "requests", (json_int_t)r->requests, "weight_used", (json_int_t)r->weight,
                          "retries", (json_int_t)r->retries, "waited_ms", (json_int_t)r->waited_ms, "from", a, "to", b,
                          "first", f, "last", l);
    if (e && e->code != PR_OK) {
        char msg[1024], safe[4 * sizeof msg];
        pr_err_format(e, msg, sizeof msg);
        json_object_set_new(o, "error", json_string(pr_escape_text(msg, 0, safe, sizeof safe)));
    }
    return o;
}

static void print_result(const char *label, const pr_dl_result *r, int funding) {
    char f[PR_TIME_STR_MAX], l[PR_TIME_STR_MAX];
    fmt_ts(r->first_ts, f, sizeof f);
    fmt_ts(r->last_ts, l, sizeof l);
    const char *unit = funding ? "rate" : "bar";
    if (r->inserted + r->updated + r->unchanged == 0 && r->empty_pages == 0) {
        printf("%s: 0 new: up to date (%zu request%s)\n", label, r->requests, r->requests == 1 ? "" : "s");
        return;
    }
    printf("downloaded %s: %zu %ss (%zu new, %zu updated, %zu unchanged), %zu skipped, %zu gap%s (%zu missing "
           "bars), %s .. %s; %zu request%s, weight %lld, %zu retr%s\n",
           label, r->inserted + r->updated + r->unchanged, unit, r->inserted, r->updated, r->unchanged, r->skipped,
           r->gaps, r->gaps == 1 ? "" : "s", r->missing_bars, f, l, r->requests, r->requests == 1 ? "" : "s",
           (long long)r->weight, r->retries, r->retries == 1 ? "y" : "ies");
}

static int parse_args(int argc, char **argv, dl_args *a) {
    struct { const char *name; const char **dst; } opts[] = {
        {"--source", &a->source}, {"--symbols", &a->symbols}, {"--tf", &a->tfs}, {"--from", &a->from},
        {"--to", &a->to}, {"--days", &a->days}, {"--db", &a->db}, {"--base-url", &a->base_url},
        {"--config", &a->config}, {"--weight-limit", &a->weight}, {"--max-retries", &a->retries},
        {"--max-wait", &a->wait}, {"--seed", &a->seed}, {"--backoff", &a->backoff},
        {"--price", &a->price},
    };
    struct { const char *name; int *dst; } flags[] = {
        {"--funding", &a->funding}, {"--json", &a->json}, {"--dry-run", &a->dry_run}, {"--strict", &a->strict},
        {"--quiet", &a->quiet}, {"--premium", &a->premium},
    };
    for (int i = 1; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) return -1;
        int matched = 0;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0] && !matched; k++)
            if (strcmp(argv[i], flags[k].name) == 0) *flags[k].dst = matched = 1;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            int m = pr_cli_opt(argc, argv, &i, opts[k].name, opts[k].dst);
            if (m < 0) return pr_cli_usage_error("data download", "%s needs a value", opts[k].name);
            matched = m;
        }
        if (!matched) return pr_cli_usage_error("data download", "unknown argument '%s'", argv[i]);
    }
    return PR_EXIT_OK;
}

static void print_usage(void) {
    fputs(download_usage_head, stdout);
    size_t n;
    const pr_dl_source *const *all = pr_dl_sources(&n);
    printf("sources:");
    for (size_t i = 0; i < n; i++) printf(" %s", all[i]->name);
    printf("\n\n%s", download_usage_opts);
}

/* Numeric options and the range into the session options; an exit code. */
static int setup(const dl_args *a, const pr_dl_source *src, const pr_config *cfg, pr_dl_options *o) {
    const char *cmd = "data download";
    int64_t v;
    pr_dl_options_init(o);
    if (!a->from && !a->days) return pr_cli_usage_error(cmd, "give the range: --from T [--to T] or --days N");
    if (a->from && a->days) return pr_cli_usage_error(cmd, "--from and --days exclude each other");
    if (a->days) {
        if (a->to) return pr_cli_usage_error(cmd, "--days counts back from now: --to goes with --from");
        if (pr_cli_parse_int(a->days, 1, 36500, &v) != 0)
            return pr_cli_usage_error(cmd, "--days: expected a whole number of days in [1, 36500], got '%s'", a->days);
        o->from_ms = pr_time_now_ms() - v * PR_MS_PER_DAY;
    } else {
        int ex = pr_cli_time_range(cmd, a->from, a->to, &o->from_ms, &o->to_ms);
        if (ex) return ex;
    }
    json_t *w = config_value(cfg, src->name, "weight_limit");
    if (json_is_integer(w)) o->weight_limit = (int)json_integer_value(w);
    if (a->weight) {
        if (pr_cli_parse_int(a->weight, 1, 1000000, &v) != 0)
            return pr_cli_usage_error(cmd, "--weight-limit: expected a whole number in [1, 1000000], got '%s'", a->weight);
        o->weight_limit = (int)v;
    }
    if (a->retries) {
        if (pr_cli_parse_int(a->retries, 0, 100, &v) != 0)
            return pr_cli_usage_error(cmd, "--max-retries: expected a whole number in [0, 100], got '%s'", a->retries);
        o->max_retries = v ? (int)v : -1;
    }
    if (a->wait) {
        if (pr_cli_parse_int(a->wait, 0, 86400, &v) != 0)
            return pr_cli_usage_error(cmd, "--max-wait: expected seconds in [0, 86400], got '%s'", a->wait);
        o->max_wait_ms = v ? v * 1000 : 1;
    }
    if (a->backoff) {
        if (pr_cli_parse_int(a->backoff, 1, 60000, &v) != 0)
            return pr_cli_usage_error(cmd, "--backoff: expected milliseconds in [1, 60000], got '%s'", a->backoff);
        o->backoff_ms = v;
    }
    if (a->seed) {
        if (pr_cli_parse_int(a->seed, 0, INT64_MAX, &v) != 0)
            return pr_cli_usage_error(cmd, "--seed: expected a whole number >= 0, got '%s'", a->seed);
        o->seed = (uint64_t)v;
    }
    json_t *b = config_value(cfg, src->name, "base_url");
    if (json_is_string(b)) o->base_url = json_string_value(b);
    if (a->base_url) o->base_url = a->base_url;
    if (o->base_url && strncmp(o->base_url, "http://", 7) != 0 && strncmp(o->base_url, "https://", 8) != 0)
        return pr_cli_usage_error(cmd, "--base-url: expected http://... or https://..., got '%s'", o->base_url);
    o->strict = a->strict;
    if (src->key_env) {
        pr_err e;
        pr_err_clear(&e);
        int rc = pr_env_load(".env", &e);
        if (rc != PR_OK && rc != PR_ENOTFOUND) fprintf(stderr, "proratio: warning: .env: %s\n", e.msg);
        o->key = getenv(src->key_env);
        if (!o->key || !*o->key) {
            fprintf(stderr, "proratio data download: %s needs a key: set %s in the environment or ./.env\n",
                    src->name, src->key_env);
            return PR_EXIT_USAGE;
        }
    }
    return PR_EXIT_OK;
}

/* One dataset (tf PR_TF_NONE: funding rates); an exit code. */
static int one(pr_dl_session *s, pr_store *st, const char *symbol, pr_timeframe tf, const dl_args *a, dl_cli *c,
               json_t *jout) {
    pr_err e;
    pr_err_clear(&e);
    pr_dl_result r;
    snprintf(c->label, sizeof c->label, "%.31s:%.31s:%s", s->src->venue, symbol, tf ? pr_tf_name(tf) : "funding");
    if (a->dry_run) {
        int64_t from, to;
        int rc = tf ? pr_dl_plan(s, st, symbol, tf, &from, &to, &e) : PR_OK;
        if (rc != PR_OK) return pr_cli_fail(&e);
        if (!tf) {
            printf("%s: would download the funding rates after the last stored one\n", c->label);
            return PR_EXIT_OK;
        }
        char f[PR_TIME_STR_MAX], t[PR_TIME_STR_MAX];
        fmt_ts(from, f, sizeof f);
        fmt_ts(to, t, sizeof t);
        if (from >= to) printf("%s: up to date: nothing to download\n", c->label);
        else
            printf("%s: would download %s .. %s (about %lld bars, %lld pages of %d)\n", c->label, f, t,
                   (long long)((to - from) / pr_tf_ms(tf)),
                   (long long)((to - from) / pr_tf_ms(tf) / s->src->page_bars + 1), s->src->page_bars);
        return PR_EXIT_OK;
    }
    int rc = tf ? pr_dl_bars(s, st, symbol, tf, &r, &e) : pr_dl_funding(s, st, symbol, &r, &e);
    if (c->progress) fprintf(stderr, "\r%100s\r", "");
    const char *status = rc == PR_OK ? (r.up_to_date ? "up-to-date" : "ok")
                         : interrupted ? "interrupted" : rc == PR_EDATA ? "rejected" : "failed";
    if (jout) {
        json_array_append_new(jout, result_json(c->label, status, &r, &e));
    } else {
        if (rc != PR_OK && !interrupted) {
            fflush(stdout);
            pr_cli_fail(&e);
        }
        if (rc == PR_OK || r.pages > 0) print_result(c->label, &r, !tf);
    }
    if (rc == PR_OK) return PR_EXIT_OK;
    if (interrupted) return PR_EXIT_INTERRUPTED;
    return rc == PR_EDATA ? PR_EXIT_DATA : PR_EXIT_FAIL;
}

int pr_cli_data_download(int argc, char **argv) {
    const char *cmd = "data download";
    dl_args a;
    memset(&a, 0, sizeof a);
    int ex = parse_args(argc, argv, &a);
    if (ex < 0) {
        print_usage();
        return PR_EXIT_OK;
    }
    if (ex) return ex;
    if (!a.source) return pr_cli_usage_error(cmd, "--source is required");
    const pr_dl_source *src = pr_dl_source_find(a.source);
    if (!src) {
        size_t n;
        const pr_dl_source *const *all = pr_dl_sources(&n);
        char names[256] = "";
        for (size_t i = 0; i < n; i++) {
            strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
            strncat(names, all[i]->name, sizeof names - strlen(names) - 1);
        }
        return pr_cli_usage_error(cmd, "--source: unknown source '%s' (available: %s)", a.source, names);
    }
    if (!a.symbols) return pr_cli_usage_error(cmd, "--symbols is required");
    if (!a.tfs && !a.funding) return pr_cli_usage_error(cmd, "--tf is required (or --funding alone)");
    char syms[64][PR_SYMBOL_MAX], tfn[16][PR_SYMBOL_MAX];
    int ns = 0, nt = 0;
    pr_timeframe tfs[16];
    if ((ex = parse_list(cmd, "--symbols", a.symbols, syms, 64, &ns))) return ex;
    if (a.tfs && (ex = parse_list(cmd, "--tf", a.tfs, tfn, 16, &nt))) return ex;
    for (int i = 0; i < nt; i++)
        if (pr_tf_parse(tfn[i], &tfs[i]) != PR_OK) return pr_cli_usage_error(cmd, "--tf: unknown timeframe '%s'", tfn[i]);
    if (a.funding && !src->build_funding)
        return pr_cli_usage_error(cmd, "--funding: source %s has no funding rates (use binance-futures)", src->name);
    pr_config *cfg = NULL;
    pr_err e;
    pr_err_clear(&e);
    if (a.config && pr_config_load(a.config, &cfg, &e) != PR_OK) return pr_cli_fail(&e);
    json_t *price = config_value(cfg, src->name, "price");
    if (!a.price && json_is_string(price)) a.price = json_string_value(price);
    int is_series[64];
    if ((ex = expand_series(cmd, &a, src, syms, &ns, 64, is_series))) {
        pr_config_free(cfg);
        return ex;
    }
    pr_dl_options o;
    ex = setup(&a, src, cfg, &o);
    dl_cli c;
    memset(&c, 0, sizeof c);
    c.quiet = a.quiet || a.json;
    c.progress = !a.json && !a.quiet && isatty(STDERR_FILENO);
    o.on_page = on_page;
    o.on_progress = on_progress;
    o.cancelled = cancelled;
    o.user = &c;
    pr_store *st = NULL;
    if (ex == PR_EXIT_OK) ex = a.dry_run ? pr_cli_open_store_ro(a.db, &st) : pr_cli_open_store(a.db, &st);
    if (ex == PR_EXIT_NOTFOUND && a.dry_run) { /* no store yet: everything is to download */
        ex = pr_cli_open_store("sqlite::memory:", &st);
    }
    pr_dl_session s;
    if (ex == PR_EXIT_OK && pr_dl_session_init(&s, src, &o, &e) != PR_OK) ex = pr_cli_fail(&e);
    else if (ex != PR_EXIT_OK) memset(&s, 0, sizeof s);
    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_sa);
    json_t *jout = a.json ? json_array() : NULL;
    int worst = ex;
    for (int i = 0; i < ns && ex == PR_EXIT_OK && !interrupted; i++) {
        if (!a.dry_run && src->build_instrument && !is_series[i]) {
            pr_instrument in;
            pr_err ie;
            pr_err_clear(&ie);
            /* Metadata is a bonus: its failure is said and the bars still come. */
            if (pr_dl_instrument(&s, st, syms[i], &in, &ie) != PR_OK && !a.json && !interrupted) {
                char msg[1024];
                pr_err_format(&ie, msg, sizeof msg);
                fprintf(stderr, "proratio: warning: %s:%s: instrument metadata not stored: %s\n", src->venue, syms[i],
                        msg);
            }
        }
        for (int j = 0; j < nt + (a.funding && !is_series[i] ? 1 : 0) && !interrupted; j++) {
            int r = one(&s, st, syms[i], j < nt ? tfs[j] : PR_TF_NONE, &a, &c, jout);
            if (r != PR_EXIT_OK && (worst == PR_EXIT_OK || r == PR_EXIT_INTERRUPTED)) worst = r;
        }
    }
    if (jout) {
        char *txt = pr_json_dumps(jout, JSON_INDENT(2));
        if (txt) puts(txt);
        free(txt);
        json_decref(jout);
    }
    if (interrupted) {
        fflush(stdout);
        fprintf(stderr, "proratio data download: interrupted: the pages committed so far stay; run the same command "
                        "to resume\n");
        worst = PR_EXIT_INTERRUPTED;
    }
    sigaction(SIGINT, &old_sa, NULL);
    pr_dl_session_free(&s);
    pr_store_close(st);
    pr_config_free(cfg);
    return worst;
}
