/* `proratio backtest`: reads a JSON run configuration (command-line flags
 * override its keys), loads the market data, runs the strategy through the
 * decision pipeline (with the configured confirmation stages) and the
 * simulated broker (pr_backtest_run), then prints and writes the metrics,
 * trades, equity curve, report and the run logs (engine/runlog.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "proratio/engine/runlog.h"
#include "backtest_ab.h"
#include "backtest_confirm.h"
#include "backtest_mode.h"
#include "backtest_regime.h"
#include "risk_state_io.h"

static const char k_usage[] =
    "usage: proratio backtest --config FILE [--from TIME] [--to TIME] [--strategy NAME]\n"
    "                         [--param KEY=VALUE ...] [--set PATH=VALUE ...] [--db URL]\n"
    "                         [--report FILE.html] [--out DIR] [--json] [--ab]\n"
    "                         [--risk-state NAME]\n"
    "Runs a strategy over stored datasets or CSV files as the configuration says\n"
    "(schema: README, section Backtesting; examples/*.json). Flags override keys:\n"
    "  --from/--to TIME     data.from / data.to (bars with from <= open time < to)\n"
    "  --strategy NAME      strategy.name (the file's strategy.params are dropped when\n"
    "                       the name changes)\n"
    "  --param KEY=VALUE    strategy.params.KEY (VALUE read as JSON, else as text)\n"
    "  --set PATH=VALUE     any key by its dotted path, e.g. --set sizing.mode=all_cash\n"
    "  --db URL             data.db, the store holding data.datasets\n"
    "  --report FILE        output.report: the self-contained HTML report\n"
    "  --out DIR            output.dir for trades.csv, equity.csv, metrics.json and\n"
    "                       the run logs signals.jsonl, executions.jsonl,\n"
    "                       summary.jsonl, ai_decisions.jsonl (default out/<strategy>)\n"
    "  --json               print the metrics JSON instead of the table\n"
    "  --risk-state NAME    risk.state_key: resume the risk stage's state stored under\n"
    "                       NAME in the store (data.db) and store it there after the run\n"
    "  --ab                 run twice, TA-only and TA+AI (with the \"confirm\" stages,\n"
    "                       or the \"ai\" shorthand for one LLM stage), into\n"
    "                       DIR/ta_only and DIR/ta_ai, and compare them side by side;\n"
    "                       the TA-only side applies the stages' ta_threshold rule\n"
    "                       too, so the difference is the models' decisions alone.\n"
    "                       With --json one JSON document; with --report FILE.html\n"
    "                       FILE.ta_only.html, FILE.ta_ai.html and a side-by-side FILE.html\n"
    "Prints the metrics (net, without costs, buy and hold) and the run's fingerprint\n"
    "(SHA-256 of trades.csv). Exit codes: 2 bad configuration, 3 bad data,\n"
    "4 dataset or file not found, or a replay that missed the cache (each miss is\n"
    "listed; the outputs are written but do not reproduce the recorded run).";

#define BT_MAX_OVERRIDES 64

typedef struct bt_args {
    const char *config, *from, *to, *strategy, *db, *report, *out, *risk_state;
    int json, ab;
    size_t n_ov;
    const char *ov_path_prefix[BT_MAX_OVERRIDES];  /* "strategy.params." or "" */
    const char *ov[BT_MAX_OVERRIDES];              /* "key=value"               */
} bt_args;

static int parse_args(int argc, char **argv, const bt_mode *md, bt_args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m = 0;
        if (pr_cli_is_help(argv[i])) {
            puts(md->usage);
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
        else if ((m = pr_cli_opt(argc, argv, &i, "--risk-state", &v))) dst = &a->risk_state;
        else if ((m = pr_cli_opt(argc, argv, &i, "--param", &v))) prefix = "strategy.params.";
        else if ((m = pr_cli_opt(argc, argv, &i, "--set", &v))) prefix = "";
        else if (strcmp(argv[i], "--json") == 0) { a->json = 1; continue; }
        else if (md->ab && strcmp(argv[i], "--ab") == 0) { a->ab = 1; continue; }
        if (m < 0) return pr_cli_usage_error(md->cmd, "%s needs a value", argv[i]);
        if (dst) {
            *dst = v;
        } else if (prefix) {
            const char *eq = strchr(v, '=');
            if (!eq || eq == v)
                return pr_cli_usage_error(md->cmd, "%s '%s': expected KEY=VALUE", prefix[0] ? "--param" : "--set", v);
            if (a->n_ov == BT_MAX_OVERRIDES) return pr_cli_usage_error(md->cmd, "too many --param/--set options");
            a->ov_path_prefix[a->n_ov] = prefix;
            a->ov[a->n_ov++] = v;
        } else {
            return pr_cli_usage_error(md->cmd, "unknown argument '%s'", argv[i]);
        }
    }
    if (!a->config) return pr_cli_usage_error(md->cmd, "--config FILE is required");
    int64_t from, to;
    return pr_cli_time_range(md->cmd, a->from, a->to, &from, &to);
}

/* The flags as "--flag value" with the config path each one sets, so an
 * error about a value a flag set names the flag, not the file. */
typedef struct bt_override {
    char flag[PR_ERR_PATH_MAX + 32];
    char path[PR_ERR_PATH_MAX];
} bt_override;

static size_t list_overrides(const bt_args *a, bt_override *o, size_t cap) {
    size_t n = 0;
    if (a->strategy && n < cap) {
        snprintf(o[n].flag, sizeof o[n].flag, "--strategy %s", a->strategy);
        pr_strlcpy(o[n++].path, "strategy.name", sizeof o[0].path);
    }
    for (size_t i = 0; i < a->n_ov && n < cap; i++, n++) {
        const char *kv = a->ov[i], *eq = strchr(kv, '=');
        snprintf(o[n].flag, sizeof o[n].flag, "%s %s", a->ov_path_prefix[i][0] ? "--param" : "--set", kv);
        snprintf(o[n].path, sizeof o[n].path, "%s%.*s", a->ov_path_prefix[i], (int)(eq - kv), kv);
    }
    const struct { const char *flag, *v, *path; } plain[] = {
        {"--from", a->from, "data.from"}, {"--to", a->to, "data.to"}, {"--db", a->db, "data.db"},
        {"--report", a->report, "output.report"}, {"--out", a->out, "output.dir"},
        {"--risk-state", a->risk_state, "risk.state_key"}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0] && n < cap; i++) {
        if (!plain[i].v) continue;
        snprintf(o[n].flag, sizeof o[n].flag, "%s %s", plain[i].flag, plain[i].v);
        pr_strlcpy(o[n++].path, plain[i].path, sizeof o[0].path);
    }
    return n;
}

/* 1 when `text` names `path` as a whole dotted path (not a prefix of a
 * longer key). */
static int names_path(const char *text, const char *path) {
    size_t n = strlen(path);
    for (const char *p = strstr(text, path); p; p = strstr(p + 1, path)) {
        char before = p == text ? ' ' : p[-1], after = p[n];
        if (before != '.' && before != '_' && !(before >= 'a' && before <= 'z') && after != '_' &&
            !(after >= 'a' && after <= 'z') && !(after >= '0' && after <= '9'))
            return 1;
    }
    return 0;
}

/* The flag to blame for a configuration error "PATH: message", or NULL
 * when the file is to blame: the flag set that path, a key under it, the
 * key it lies under, or a path the message mentions (data.from). */
static const char *blame(const bt_override *o, size_t n, const char *msg) {
    const char *colon = strstr(msg, ": ");
    size_t el = colon ? (size_t)(colon - msg) : 0;
    for (size_t i = n; i-- > 0;) {
        size_t pl = strlen(o[i].path);
        if (el && ((el == pl && strncmp(msg, o[i].path, pl) == 0) ||
                   (el < pl && strncmp(msg, o[i].path, el) == 0 && o[i].path[el] == '.') ||
                   (el > pl && strncmp(msg, o[i].path, pl) == 0 && msg[pl] == '.')))
            return o[i].flag;
    }
    for (size_t i = n; i-- > 0;)
        if (names_path(msg, o[i].path)) return o[i].flag;
    return NULL;
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
static int apply_overrides(pr_config *cfg, const bt_args *a, const char **failed, pr_err *e) {
    int rc = PR_OK;
    *failed = "--strategy";
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
        *failed = kv;
        rc = pr_config_set(cfg, path, eq + 1, e);
    }
    const struct { const char *v, *path; } plain[] = {{a->from, "data.from"}, {a->to, "data.to"},
                                                      {a->db, "data.db"},     {a->report, "output.report"},
                                                      {a->out, "output.dir"}, {a->risk_state, "risk.state_key"}};
    /* Setting risk.state_key on a configuration without a risk section
     * would switch the risk stage on with its defaults. */
    if (rc == PR_OK && a->risk_state && !pr_config_has(cfg, "risk")) {
        *failed = "--risk-state";
        return pr_err_set(e, PR_EINVAL, "the configuration has no \"risk\" section, so there is no risk state");
    }
    for (size_t i = 0; rc == PR_OK && i < sizeof plain / sizeof plain[0]; i++)
        if (plain[i].v && (rc = set_string(cfg, plain[i].path, plain[i].v, e)) != PR_OK) *failed = plain[i].path;
    return rc;
}

/* One pipeline over the loaded markets: TA-only, or with the configured
 * confirmation stages. Each writes its files and run logs into out_dir. */
typedef struct bt_side {
    const char *name;
    int ai;                        /* 1: with the confirmation stages          */
    int gate;                      /* 1: their ta_threshold rule only (A/B)    */
    char out_dir[BT_PATH_MAX + 16];
    char desc[400];                /* strategy and parameters                  */
    pr_strategy *strat;
    pr_pipeline *pipe;
    pr_risk_stage *risk;           /* the pipeline's sizer when "risk" is set  */
    struct pr_llm_stage *regime_llm;   /* the portfolio's LLM regime, or NULL  */
    bt_stages stages;              /* owned by pipe                            */
    pr_runlog *rl;
    pr_log log;                    /* the AI decisions                          */
    int has_log;
    pr_backtest_result res;
    int has_res;
    bt_analysis an;
} bt_side;

/* Everything a run holds; released by run_free. */
typedef struct bt_run {
    const bt_mode *mode;
    bt_settings *s;
    bt_confirm confirm;
    char digest[PR_FINGERPRINT_HEX];
    bt_data data;
    bt_loaded ld[BT_MAX_MARKETS];
    size_t n_ld;
    pr_bt_market mk[BT_MAX_MARKETS];
    pr_backtest_config bc;
    bt_side side[2];
    size_t n_sides;
    size_t warmup;                 /* bars wanted before data.from              */
} bt_run;

static void run_free(bt_run *r) {
    for (size_t i = 0; i < r->n_sides; i++) {
        bt_side *sd = &r->side[i];
        bt_analysis_free(&sd->an);
        if (sd->has_res) pr_backtest_result_free(&sd->res);
        pr_pipeline_free(sd->pipe);
        pr_risk_stage_free(sd->risk);
        pr_strategy_free(sd->strat);
        bt_regime_llm_free(sd->regime_llm);
        pr_runlog_close(sd->rl, NULL);
        if (sd->has_log) pr_log_close(&sd->log);
    }
    for (size_t i = 0; i < r->n_ld; i++) bt_loaded_free(&r->ld[i]);
    bt_data_close(&r->data);
    bt_confirm_free(&r->confirm);
    free(r->s);
}

/* Loads every market with up to `warmup` bars before data.from. */
static int load_all(bt_run *r, size_t warmup, int quiet, pr_err *e) {
    bt_settings *s = r->s;
    int rc = bt_load_markets(&r->data, s, warmup, quiet ? NULL : r->mode->cmd, r->ld, &r->n_ld, r->mk, e);
    if (rc != PR_OK) return rc;
    r->bc = (pr_backtest_config){.start_cash = s->cash, .n_markets = s->n_markets, .markets = r->mk};
    pr_strlcpy(r->bc.ccy, s->ccy, sizeof r->bc.ccy);
    return PR_OK;
}

/* The warm-up (README "Backtesting"): with data.from set, the bars before
 * it that the strategy's indicators need ("auto": pr_backtest_history) are
 * loaded too and only warm them up; trading, equity and metrics start at
 * data.from. Says when the data holds less history than needed. */
static int load_markets(bt_run *r, const pr_config *cfg, pr_err *e) {
    bt_settings *s = r->s;
    r->data.url = s->db;
    size_t need = s->warmup >= 0 ? (size_t)s->warmup : 0;
    /* Without data.from, or with a warm-up given as a number, one load
     * does; "auto" asks the strategy, which needs the markets loaded once. */
    int rc = load_all(r, s->from != PR_TIME_NONE ? need : 0, s->from != PR_TIME_NONE && s->warmup < 0, e);
    if (rc != PR_OK || s->from == PR_TIME_NONE) return rc;
    const char *unbounded = NULL;
    if (s->warmup < 0) {
        pr_strategy *st = NULL;
        rc = bt_strategy_create(s->strategy, cfg, "strategy.params", &st, e);
        if (rc == PR_OK) rc = pr_backtest_history(&r->bc, st, &need, &unbounded, e);
        pr_strategy_free(st);
        if (rc != PR_OK) return rc;
        if ((rc = load_all(r, need, 0, e)) != PR_OK) return rc;
    }
    r->bc.trade_from = s->from;
    r->warmup = need;
    char t[PR_TIME_STR_MAX];
    pr_time_format(s->from, t, sizeof t);
    for (size_t i = 0; i < r->n_ld; i++)
        if (r->ld[i].n_warmup < need)
            fprintf(stderr, "proratio %s: warning: %s holds %zu bars before %s, the strategy's indicators need "
                    "%zu (data.warmup%s); its first signals may depend on where the data starts\n", r->mode->cmd,
                    s->markets[i].src.spec, r->ld[i].n_warmup, t, need, s->warmup < 0 ? " \"auto\"" : "");
    if (unbounded)
        fprintf(stderr, "proratio %s: note: %s never forgets where the data starts (a running total or a "
                "path-dependent state): no warm-up makes its values independent of it\n", r->mode->cmd, unbounded);
    return PR_OK;
}

/* The AI decisions go to <out>/ai_decisions.jsonl, which starts empty: the
 * logger appends, and a file left by an earlier run must not mix in. */
static int open_ai_log(bt_side *sd, pr_err *e) {
    char path[BT_PATH_MAX + 48];
    snprintf(path, sizeof path, "%s/ai_decisions.jsonl", sd->out_dir);
    if (remove(path) != 0 && errno != ENOENT) {
        pr_err_at(e, path, 0, 0, NULL);
        return pr_err_set(e, PR_EIO, "cannot replace the AI decision log: %s", strerror(errno));
    }
    if (!sd->ai) return PR_OK;
    pr_log_init(&sd->log, PR_LOG_INFO, NULL);
    sd->has_log = 1;
    return pr_log_open_json(&sd->log, path, e);
}

/* The summary line of a finished side. */
static int write_summary(bt_run *r, bt_side *sd, pr_err *e) {
    const pr_backtest_result *res = &sd->res;
    size_t bars = 0;
    for (size_t i = 0; i < r->bc.n_markets; i++) bars += r->mk[i].bars->len - r->ld[i].n_warmup;
    if (r->mode->bars) bars = r->mode->bars(r->mode->user, bars);
    pr_runlog_summary sm = {.mode = r->mode->cmd, .strategy = sd->desc, .config_digest = r->digest,
                            .first_ts = res->n_steps ? res->ts[0] : PR_TIME_NONE,
                            .last_ts = res->n_steps ? res->ts[res->n_steps - 1] : PR_TIME_NONE,
                            .bars = bars, .steps = res->n_steps, .orders = res->stats.orders,
                            .rejected = res->n_rejected, .n_rejects = res->n_reject_kinds, .rejects = res->rejects,
                            .fills = res->n_fills, .trades = res->n_trades, .open_trades = res->n_open,
                            .ccy = res->ccy, .start_equity = res->start_cash, .final_equity = res->final_equity,
                            .fingerprint = sd->an.fingerprint, .n_stages = sd->stages.n, .stages = sd->stages.rl,
                            .logged_at = pr_time_now_ms()};
    return pr_runlog_write_summary(sd->rl, &sm, e);
}

/* The risk stage follows round trips of instrument indices below
 * PR_RISK_MAX_INSTRUMENTS and ignores the fills of any other. */
_Static_assert(BT_MAX_MARKETS <= PR_RISK_MAX_INSTRUMENTS, "a market the risk stage would not follow");

/* risk.state_key: resumes the stage's state before the run (save 0; none
 * stored: a fresh start) or stores it after (save 1). A stored state that
 * does not read back stops the run before anything is written over it. */
static int risk_state_io(bt_run *r, bt_side *sd, int save, pr_err *e) {
    const char *key = r->s->risk.state_key;
    void *st = NULL;
    int rc = bt_data_store(&r->data, &st, e), found = 0;
    if (rc == PR_OK && save) rc = pr_cli_risk_state_save(st, key, sd->risk, e);
    if (rc != PR_OK || save) return rc;
    char *js = NULL;
    pr_err e2;
    pr_err_clear(&e2);
    rc = pr_cli_risk_state_text(st, key, &js, &found, NULL, e);
    if (rc == PR_OK && found && pr_risk_stage_restore_json(sd->risk, js, &e2) != PR_OK)
        rc = pr_cli_risk_state_corrupt(key, &e2, e);
    free(js);
    return rc;
}

static int run_side(bt_run *r, bt_side *sd, const pr_config *cfg, pr_err *e) {
    bt_settings *s = r->s;
    int rc = bt_strategy_create(s->strategy, cfg, "strategy.params", &sd->strat, e);
    if (rc != PR_OK) return rc;
    if (bt_regime_llm_wanted(cfg, "strategy.params")) {
        void *store = NULL;
        if ((rc = bt_data_store(&r->data, &store, e)) != PR_OK ||
            (rc = bt_regime_llm_attach(sd->strat, cfg, "strategy.params", store, NULL, &sd->regime_llm, e)) != PR_OK)
            return rc;
    }
    char params[300] = "";
    if (sd->strat->vt->describe) sd->strat->vt->describe(sd->strat, params, sizeof params);
    snprintf(sd->desc, sizeof sd->desc, "%s%s%s", s->strategy, params[0] ? " " : "", params);
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = s->sizing;
    pc.no_short = s->margin.allow_short == 0;
    if ((rc = pr_pipeline_new(&pc, sd->strat, &sd->pipe, e)) != PR_OK) return rc;
    if (s->has_risk) {
        pr_sizer sizer;
        if ((rc = pr_risk_stage_new(&s->risk, &sd->risk, e)) != PR_OK) return rc;
        pr_risk_stage_record_series(sd->risk, 1);   /* risk.csv */
        pr_risk_stage_sizer(sd->risk, &sizer);
        pr_pipeline_set_sizer(sd->pipe, &sizer);
        if (s->risk.state_key[0] && (rc = risk_state_io(r, sd, 0, e)) != PR_OK) return rc;
    }
    bt_exec_env env = {.digest = r->digest, .data = &r->data, .risk = sd->risk, .stages = &sd->stages};
    if (r->mode->begin && (rc = r->mode->begin(r->mode->user, s, &env, e)) != PR_OK) return rc;
    if ((rc = bt_make_dirs(sd->out_dir, e)) != PR_OK || (rc = pr_runlog_open(sd->out_dir, &sd->rl, e)) != PR_OK ||
        (rc = open_ai_log(sd, e)) != PR_OK)
        return rc;
    if (r->mode->rotate &&
        (rc = pr_runlog_set_rotation(sd->rl, sd->out_dir, r->mode->rotate(r->mode->user), e)) != PR_OK)
        return rc;
    pr_pipeline_observer obs;
    pr_runlog_observer(sd->rl, &obs);
    pr_pipeline_set_observer(sd->pipe, &obs);
    if (sd->ai || sd->gate) {
        void *store = NULL;
        if (sd->ai && (rc = bt_data_store(&r->data, &store, e)) != PR_OK) return rc;
        if ((rc = bt_confirm_attach(&r->confirm, store, sd->has_log ? &sd->log : NULL, sd->gate, sd->pipe,
                                    &sd->stages, e)) != PR_OK)
            return rc;
    }
    const bt_mode *md = r->mode;
    rc = md->exec ? md->exec(md->user, s, &r->bc, sd->pipe, &sd->res, e) : pr_backtest_run(&r->bc, sd->pipe, &sd->res, e);
    if (rc != PR_OK) return rc;
    sd->has_res = 1;
    bt_stages_finish(&sd->stages);
    /* The largest file, equity.csv, goes on being written while the rest is done. */
    if ((rc = bt_analyse(s, &r->bc, &sd->res, sd->out_dir, &sd->an, e)) != PR_OK) return rc;
    if (sd->risk) sd->an.risk = pr_risk_stage_state(sd->risk);
    if (sd->risk) sd->an.watch = pr_risk_stage_watch(sd->risk);
    if (sd->risk && s->risk.state_key[0] && (rc = risk_state_io(r, sd, 1, e)) != PR_OK) return rc;
    for (size_t i = 0; i < sd->res.n_fills; i++) {
        const pr_fill *f = &sd->res.fills[i];
        if ((rc = pr_runlog_fill(sd->rl, f, r->mk[f->instrument].spec.inst.symbol, e)) != PR_OK) return rc;
    }
    if ((rc = write_summary(r, sd, e)) != PR_OK) return rc;
    rc = pr_runlog_close(sd->rl, e);
    sd->rl = NULL;
    return rc;
}

/* "ai  12 provider calls, ..." for a side with stages, with its prompts
 * or contamination (note). */
static void print_ai(const bt_side *sd, const char *note, FILE *f) {
    if (bt_stages_enabled(&sd->stages) == 0) {
        fprintf(f, "ai           disabled: no provider has an API key, every signal passes (see %s/ai_decisions.jsonl)\n",
                sd->out_dir);
        return;
    }
    pr_runlog_ai t;
    bt_stages_total(&sd->stages, &t);
    fprintf(f, "ai           %zu provider calls, %zu cache hits, %zu failed, %zu fallbacks to TA-only; estimated "
               "cost %.4f USD\n", t.calls, t.cache_hits, t.failures, t.fallbacks, t.cost);
    fprintf(f, "             %zu entries vetoed below ta_threshold (no model asked), %zu vetoed by the models\n",
            t.threshold_vetoed, t.model_vetoed);
    fprintf(f, "             decisions in %s/ai_decisions.jsonl\n", sd->out_dir);
    if (t.contaminated)
        fprintf(f, "WARNING      CONTAMINATED: %s\n             the models may remember what followed these dates: use "
                   "prompt_mode \"anonymised\" (the default)\n", note);
    else fprintf(f, "prompts      %s\n", note);
}

/* A replay is a reproduction only when every question was in the cache:
 * each miss is listed, and the run ends with an error after its outputs. */
static int replay_complete(const bt_side *sd, pr_err *e) {
    size_t n = bt_stages_print_misses(&sd->stages, stderr);
    if (n == 0) return PR_OK;
    return pr_err_set(e, PR_ENOTFOUND, "replay incomplete: %zu question%s not in the cache (listed above); these "
                      "entries were decided without the missing votes, so this run does not reproduce the "
                      "recorded one", n, n == 1 ? " was" : "s were");
}

/* FILE.html -> FILE.<side>.html for the reports of the two A/B sides. */
static void side_report(const char *report, const char *side, char *out, size_t cap) {
    size_t n = strlen(report);
    int html = n > 5 && strcmp(report + n - 5, ".html") == 0;
    snprintf(out, cap, "%.*s.%s.html", (int)(html ? n - 5 : n), report, side);
}

/* Why the strategy emitted few or no signals, where it can tell. */
static void print_notes(const bt_side *sd, FILE *f) {
    char buf[800];
    if (pr_strategy_explain(sd->strat, buf, sizeof buf) > 0)
        fprintf(f, "note         %s\n", buf);
    else if (sd->res.stats.signals == 0)
        fprintf(f, "note         the strategy emitted no signal in %zu steps: its conditions never held on this "
                "data (README \"Built-in strategies\" gives each one's rules)\n", sd->res.n_steps);
}

static void print_logs(const bt_side *sd, FILE *f) {
    fprintf(f, "logs         %s/signals.jsonl, executions.jsonl, summary.jsonl%s\n", sd->out_dir,
            sd->ai ? ", ai_decisions.jsonl" : "");
}

/* A plain run applies the configured confirmation stages ("confirm", or
 * the "ai" shorthand); --ab runs without and with them into <out>/ta_only
 * and <out>/ta_ai and compares. */
static int run(bt_run *r, const pr_config *cfg, int json, int ab, pr_err *e) {
    bt_settings *s = r->s;
    int rc;
    if (ab && r->confirm.n == 0)
        return pr_err_set(e, PR_EINVAL, "--ab compares TA-only with TA+AI: the configuration needs confirmation "
                          "stages, a \"confirm\" list [{\"type\": \"llm\", ...}] or an \"ai\" section");
    if (ab && s->has_risk && s->risk.state_key[0])
        return pr_err_set(e, PR_EINVAL, "--ab runs two sides: risk.state_key (--risk-state) resumes one run's state");
    if ((rc = bt_config_digest(cfg, r->digest, e)) != PR_OK) return rc;
    if ((rc = load_markets(r, cfg, e)) != PR_OK) return rc;
    r->n_sides = ab ? 2 : 1;
    r->side[0] = (bt_side){.name = "TA-only", .ai = !ab && r->confirm.n > 0, .gate = ab};
    r->side[1] = (bt_side){.name = "TA+AI", .ai = 1};
    for (size_t i = 0; i < r->n_sides; i++) {
        bt_side *sd = &r->side[i];
        if (ab) snprintf(sd->out_dir, sizeof sd->out_dir, "%s/%s", s->out_dir, sd->ai ? "ta_ai" : "ta_only");
        else pr_strlcpy(sd->out_dir, s->out_dir, sizeof sd->out_dir);
        if ((rc = run_side(r, sd, cfg, e)) != PR_OK) return rc;
    }
    bt_side *last = &r->side[r->n_sides - 1];
    char desc[480];
    snprintf(desc, sizeof desc, "%s", last->desc);
    for (size_t i = 0; last->ai && i < r->confirm.n; i++) {
        size_t k = strlen(desc);
        snprintf(desc + k, sizeof desc - k, " + %s", r->confirm.type[i] == BT_STAGE_LLM ? "LLM confirmation" : "?");
    }
    char note[BT_MAX_STAGES * 1024 + 32] = "", report_note[sizeof note + 16] = "";
    if (last->ai && bt_stages_note(&last->stages, note, sizeof note))
        snprintf(report_note, sizeof report_note, "CONTAMINATED: %s", note);
    else pr_strlcpy(report_note, note, sizeof report_note);
    if (!json) bt_print_header(s, &r->bc, &last->res, desc, stdout);
    FILE *info = json ? stderr : stdout;
    if (last->ai) print_ai(last, note, info);
    if (!ab) {
        rc = bt_output(s, &r->bc, &last->res, &last->an, desc, last->out_dir, s->report, report_note,
                       json ? BT_SHOW_JSON : BT_SHOW_TABLE, e);
        if (rc == PR_OK) {
            print_notes(last, info);
            print_logs(last, info);
            if (r->mode->after) r->mode->after(r->mode->user, &r->bc, &last->res, info);
        }
        return rc == PR_OK ? replay_complete(last, e) : rc;
    }
    char reports[2][BT_PATH_MAX + 24];
    bt_ab_side in[2];
    for (size_t i = 0; i < 2; i++) {
        bt_side *sd = &r->side[i];
        if (s->report[0]) side_report(s->report, i ? "ta_ai" : "ta_only", reports[i], sizeof reports[i]);
        if (!json) printf("\n[%s]\n", sd->name);
        const char *side_note = i ? report_note : "TA-only: the confirmation stages' ta_threshold rule, no model asked";
        rc = bt_output(s, &r->bc, &sd->res, &sd->an, i ? desc : sd->desc, sd->out_dir, s->report[0] ? reports[i] : NULL,
                       side_note, json ? BT_SHOW_QUIET : BT_SHOW_FILES, e);
        if (rc != PR_OK) return rc;
        print_notes(sd, info);
        print_logs(sd, info);
        in[i] = (bt_ab_side){.name = sd->name, .an = &sd->an, .stages = &sd->stages, .out_dir = sd->out_dir,
                             .report = s->report[0] ? reports[i] : NULL};
    }
    if (!json) putchar('\n');
    rc = bt_ab_print(&in[0], &in[1], json, s->report[0] ? s->report : NULL, e);
    if (rc == PR_OK && s->report[0]) fprintf(info, "report       %s (side by side)\n", s->report);
    return rc == PR_OK ? replay_complete(last, e) : rc;
}

/* who: the flag or file the error is blamed on, or NULL. */
static int fail_at(const char *cmd, const pr_err *e, const char *who) {
    char buf[1024];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio %s: %s%s", cmd, who ? who : "", who ? ": " : "");
    pr_cli_print_safe(stderr, buf);
    fputc('\n', stderr);
    return pr_cli_exit_code(e->code);
}

static int fail(const char *cmd, const pr_err *e) { return fail_at(cmd, e, NULL); }

int bt_command(int argc, char **argv, const bt_mode *md) {
    const char *cmd = md->cmd;
    bt_args a;
    int ex = parse_args(argc, argv, md, &a);
    if (ex) return ex < 0 ? PR_EXIT_OK : ex;
    pr_err e;
    pr_err_clear(&e);
    pr_config *cfg = NULL;
    if ((ex = pr_cli_load_config(cmd, a.config, &cfg)) != PR_EXIT_OK) return ex;
    int rc;
    const char *failed = NULL;
    if ((rc = apply_overrides(cfg, &a, &failed, &e)) != PR_OK) {
        pr_config_free(cfg);
        return pr_cli_usage_error(md->cmd, "%s: %s", failed, e.msg);
    }
    bt_run r;
    memset(&r, 0, sizeof r);
    r.mode = md;
    bt_errors *errs = calloc(1, sizeof *errs);
    if (!(r.s = calloc(1, sizeof *r.s)) || !errs) {
        free(errs);
        free(r.s);
        pr_config_free(cfg);
        fprintf(stderr, "proratio %s: out of memory\n", cmd);
        return PR_EXIT_FAIL;
    }
    size_t n_bad = bt_settings_read(cfg, r.s, errs);
    n_bad += bt_confirm_read(cfg, &r.confirm, errs);
    if (md->read) n_bad += md->read(md->user, cfg, errs);
    if (n_bad) {
        bt_override ov[BT_MAX_OVERRIDES + 8];
        size_t n_ov = list_overrides(&a, ov, sizeof ov / sizeof ov[0]);
        for (size_t i = 0; i < errs->n; i++) {
            const char *flag = blame(ov, n_ov, errs->msg[i]);
            fprintf(stderr, "proratio %s: %s: ", cmd, flag ? flag : a.config);
            pr_cli_print_safe(stderr, errs->msg[i]);
            fputc('\n', stderr);
        }
        if (errs->dropped) fprintf(stderr, "proratio %s: %s: ... and %zu more\n", cmd, a.config, errs->dropped);
        free(errs);
        run_free(&r);
        pr_config_free(cfg);
        return PR_EXIT_USAGE;
    }
    free(errs);
    for (size_t i = 0; i < r.s->warnings.n; i++) {
        fprintf(stderr, "proratio %s: warning: %s: ", cmd, a.config);
        pr_cli_print_safe(stderr, r.s->warnings.msg[i]);
        fputc('\n', stderr);
    }
    r.confirm.reduce_by_risk = r.s->has_risk && r.s->risk.mult.ai_verdict;
    double rf = 1;
    const char *rf_at = bt_confirm_reduce_ignored(&r.confirm, &rf);
    if (rf_at)
        fprintf(stderr,
                "proratio %s: warning: %s: %s.consensus.reduce_factor %g is not applied: "
                "risk.multipliers.ai_verdict sizes REDUCE_SIZE entries (its reduce row)\n",
                cmd, a.config, rf_at, rf);
    if (r.s->has_risk && pr_config_has(cfg, "sizing"))   /* not an error: --set risk.* on a config with sizing */
        fprintf(stderr, "proratio %s: warning: %s: the risk section sizes entries; \"sizing\" is not used\n",
                cmd, a.config);
    rc = run(&r, cfg, a.json, a.ab, &e);
    run_free(&r);
    pr_config_free(cfg);
    if (rc == PR_OK) return PR_EXIT_OK;
    if (rc == PR_EINVAL && strncmp(e.msg, "strategy.", 9) == 0) {
        /* A strategy parameter the strategy itself rejected. */
        bt_override ov[BT_MAX_OVERRIDES + 8];
        const char *flag = blame(ov, list_overrides(&a, ov, sizeof ov / sizeof ov[0]), e.msg);
        return fail_at(cmd, &e, flag ? flag : a.config);
    }
    return fail(cmd, &e);
}

int pr_cli_backtest(int argc, char **argv) {
    const bt_mode md = {.cmd = "backtest", .usage = k_usage, .ab = 1};
    return bt_command(argc, argv, &md);
}
