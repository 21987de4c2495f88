/* `proratio backtest`: reads a JSON run configuration (command-line flags
 * override its keys), loads the market data, runs the strategy through the
 * decision pipeline and the simulated broker (pr_backtest_run), then prints
 * and writes the metrics, trades, equity curve and report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_output.h"

static const char k_usage[] =
    "usage: proratio backtest --config FILE [--from TIME] [--to TIME] [--strategy NAME]\n"
    "                         [--param KEY=VALUE ...] [--set PATH=VALUE ...] [--db URL]\n"
    "                         [--report FILE.html] [--out DIR] [--json]\n"
    "Runs a strategy over stored datasets or CSV files as the configuration says\n"
    "(schema: README, section Backtesting; examples/*.json). Flags override keys:\n"
    "  --from/--to TIME     data.from / data.to (bars with from <= open time < to)\n"
    "  --strategy NAME      strategy.name (the file's strategy.params are dropped when\n"
    "                       the name changes)\n"
    "  --param KEY=VALUE    strategy.params.KEY (VALUE read as JSON, else as text)\n"
    "  --set PATH=VALUE     any key by its dotted path, e.g. --set sizing.mode=all_cash\n"
    "  --db URL             data.db, the store holding data.datasets\n"
    "  --report FILE        output.report: the self-contained HTML report\n"
    "  --out DIR            output.dir for trades.csv, equity.csv, metrics.json\n"
    "                       (default out/<strategy>)\n"
    "  --json               print the metrics JSON instead of the table\n"
    "Prints the metrics (net, without costs, buy and hold) and the run's fingerprint\n"
    "(SHA-256 of trades.csv). Exit codes: 2 bad configuration, 3 bad data,\n"
    "4 dataset or file not found.";

#define BT_MAX_OVERRIDES 64

typedef struct bt_args {
    const char *config, *from, *to, *strategy, *db, *report, *out;
    int json;
    size_t n_ov;
    const char *ov_path_prefix[BT_MAX_OVERRIDES];  /* "strategy.params." or "" */
    const char *ov[BT_MAX_OVERRIDES];              /* "key=value"               */
} bt_args;

static int parse_args(int argc, char **argv, bt_args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts(k_usage);
            return -1;
        }
        const char **dst = NULL, *prefix = NULL;
        if ((m = pr_cli_opt(argc, argv, &i, "--config", &v))) dst = &a->config;
        else if ((m = pr_cli_opt(argc, argv, &i, "--from", &v))) dst = &a->from;
        else if ((m = pr_cli_opt(argc, argv, &i, "--to", &v))) dst = &a->to;
        else if ((m = pr_cli_opt(argc, argv, &i, "--strategy", &v))) dst = &a->strategy;
        else if ((m = pr_cli_opt(argc, argv, &i, "--db", &v))) dst = &a->db;
        else if ((m = pr_cli_opt(argc, argv, &i, "--report", &v))) dst = &a->report;
        else if ((m = pr_cli_opt(argc, argv, &i, "--out", &v))) dst = &a->out;
        else if ((m = pr_cli_opt(argc, argv, &i, "--param", &v))) prefix = "strategy.params.";
        else if ((m = pr_cli_opt(argc, argv, &i, "--set", &v))) prefix = "";
        else if (strcmp(argv[i], "--json") == 0) { a->json = 1; continue; }
        if (m < 0) return pr_cli_usage_error("backtest", "%s needs a value", argv[i]);
        if (dst) {
            *dst = v;
        } else if (prefix) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v)
                return pr_cli_usage_error("backtest", "%s '%s': expected KEY=VALUE", prefix[0] ? "--param" : "--set", v);
            if (a->n_ov == BT_MAX_OVERRIDES) return pr_cli_usage_error("backtest", "too many --param/--set options");
            a->ov_path_prefix[a->n_ov] = prefix;
            a->ov[a->n_ov++] = v;
        } else {
            return pr_cli_usage_error("backtest", "unknown argument '%s'", argv[i]);
        }
    }
    if (!a->config) return pr_cli_usage_error("backtest", "--config FILE is required");
    return 0;
}

/* Sets `path` to the JSON string `value` (never reinterpreted as a number). */
static int set_string(pr_config *cfg, const char *path, const char *value, pr_err *e) {
    json_t *j = json_string(value);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text) return pr_err_set(e, PR_EINVAL, "%s: value is not valid UTF-8", path);
    int rc = pr_config_set(cfg, path, text, e);
    free(text);
    return rc;
}

/* The flags, applied to the loaded configuration in a fixed order:
 * --strategy, then --param/--set as given, then the plain flags. */
static int apply_overrides(pr_config *cfg, const bt_args *a, pr_err *e) {
    int rc = PR_OK;
    if (a->strategy) {
        json_t *st = json_object_get(pr_config_json(cfg), "strategy");
        json_t *name = json_is_object(st) ? json_object_get(st, "name") : NULL;
        if (json_is_object(st) && !(json_is_string(name) && strcmp(json_string_value(name), a->strategy) == 0))
            json_object_del(st, "params");  /* they belong to the other strategy */
        rc = set_string(cfg, "strategy.name", a->strategy, e);
    }
    for (size_t i = 0; rc == PR_OK && i < a->n_ov; i++) {
        const char *kv = a->ov[i], *eq = strchr(kv, '=');
        char path[PR_ERR_PATH_MAX];
        snprintf(path, sizeof path, "%s%.*s", a->ov_path_prefix[i], (int)(eq - kv), kv);
        rc = pr_config_set(cfg, path, eq + 1, e);
    }
    const struct { const char *v, *path; } plain[] = {{a->from, "data.from"}, {a->to, "data.to"},
                                                      {a->db, "data.db"},     {a->report, "output.report"},
                                                      {a->out, "output.dir"}};
    for (size_t i = 0; rc == PR_OK && i < sizeof plain / sizeof plain[0]; i++)
        if (plain[i].v) rc = set_string(cfg, plain[i].path, plain[i].v, e);
    return rc;
}

/* Everything a run holds; released by run_free. */
typedef struct bt_run {
    bt_settings *s;
    bt_data data;
    bt_loaded ld[BT_MAX_MARKETS];
    size_t n_ld;
    pr_bt_market mk[BT_MAX_MARKETS];
    pr_backtest_config bc;
    pr_strategy *strat;
    pr_pipeline *pipe;
    pr_backtest_result res;
    int has_res;
    bt_analysis an;
} bt_run;

static void run_free(bt_run *r) {
    bt_analysis_free(&r->an);
    if (r->has_res) pr_backtest_result_free(&r->res);
    pr_pipeline_free(r->pipe);
    pr_strategy_free(r->strat);
    for (size_t i = 0; i < r->n_ld; i++) bt_loaded_free(&r->ld[i]);
    bt_data_close(&r->data);
    free(r->s);
}

static int load_markets(bt_run *r, pr_err *e) {
    bt_settings *s = r->s;
    r->data.url = s->db;
    for (size_t i = 0; i < s->n_markets; i++) {
        const bt_market *m = &s->markets[i];
        bt_load_request rq = {.src = &m->src, .fine = m->has_fine ? &m->fine : NULL, .funding = m->funding,
                              .from = s->from, .to = s->to};
        int rc = bt_load(&r->data, &rq, &r->ld[i], e);
        r->n_ld = i + 1;
        if (rc != PR_OK) return rc;
        if (r->ld[i].skipped_rows)
            fprintf(stderr, "proratio backtest: %s: %zu rows skipped as invalid (see 'proratio data import')\n",
                    m->src.spec, r->ld[i].skipped_rows);
        if ((rc = bt_market_spec(s, i, &r->ld[i], &r->mk[i].spec, e)) != PR_OK) return rc;
        r->mk[i].bars = &r->ld[i].bars;
        r->mk[i].fine = r->ld[i].fine.len ? &r->ld[i].fine : NULL;
    }
    r->bc = (pr_backtest_config){.start_cash = s->cash, .n_markets = s->n_markets, .markets = r->mk};
    pr_strlcpy(r->bc.ccy, s->ccy, sizeof r->bc.ccy);
    return PR_OK;
}

static int run(bt_run *r, const pr_config *cfg, int json, pr_err *e) {
    bt_settings *s = r->s;
    int rc = pr_strategy_create(s->strategy, cfg, "strategy.params", &r->strat, e);
    if (rc != PR_OK) return rc;
    if ((rc = load_markets(r, e)) != PR_OK) return rc;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = s->sizing;
    pc.no_short = s->margin.allow_short == 0;
    if ((rc = pr_pipeline_new(&pc, r->strat, &r->pipe, e)) != PR_OK) return rc;
    if ((rc = pr_backtest_run(&r->bc, r->pipe, &r->res, e)) != PR_OK) return rc;
    r->has_res = 1;
    if ((rc = bt_analyse(s, &r->bc, &r->res, &r->an, e)) != PR_OK) return rc;
    char desc[400], params[300] = "";
    if (r->strat->vt->describe) r->strat->vt->describe(r->strat, params, sizeof params);
    snprintf(desc, sizeof desc, "%s%s%s", s->strategy, params[0] ? " " : "", params);
    return bt_output(s, &r->bc, &r->res, &r->an, desc, json, e);
}

static int fail(const pr_err *e) {
    char buf[1024];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio backtest: %s\n", buf);
    return pr_cli_exit_code(e->code);
}

int pr_cli_backtest(int argc, char **argv) {
    bt_args a;
    int ex = parse_args(argc, argv, &a);
    if (ex) return ex < 0 ? PR_EXIT_OK : ex;
    pr_err e;
    pr_err_clear(&e);
    pr_config *cfg = NULL;
    int rc = pr_config_load(a.config, &cfg, &e);
    if (rc != PR_OK) {
        /* A configuration that is missing is "not found"; one that cannot
         * be read as JSON is a bad configuration (usage). */
        fail(&e);
        return rc == PR_ENOTFOUND ? PR_EXIT_NOTFOUND : rc == PR_EIO ? PR_EXIT_FAIL : PR_EXIT_USAGE;
    }
    if ((rc = apply_overrides(cfg, &a, &e)) != PR_OK) {
        pr_config_free(cfg);
        fprintf(stderr, "proratio backtest: %s\n", e.msg);
        return PR_EXIT_USAGE;
    }
    bt_run r;
    memset(&r, 0, sizeof r);
    bt_errors *errs = calloc(1, sizeof *errs);
    if (!(r.s = calloc(1, sizeof *r.s)) || !errs) {
        free(errs);
        free(r.s);
        pr_config_free(cfg);
        fprintf(stderr, "proratio backtest: out of memory\n");
        return PR_EXIT_FAIL;
    }
    if (bt_settings_read(cfg, r.s, errs)) {
        for (size_t i = 0; i < errs->n; i++) fprintf(stderr, "proratio backtest: %s: %s\n", a.config, errs->msg[i]);
        if (errs->dropped) fprintf(stderr, "proratio backtest: %s: ... and %zu more\n", a.config, errs->dropped);
        free(errs);
        run_free(&r);
        pr_config_free(cfg);
        return PR_EXIT_USAGE;
    }
    free(errs);
    rc = run(&r, cfg, a.json, &e);
    run_free(&r);
    pr_config_free(cfg);
    if (rc == PR_OK) return PR_EXIT_OK;
    return fail(&e);
}
