/* `proratio ai`: `ask` puts one question to one provider about a stored
 * dataset at a point in time (printing the exact prompt sent and the
 * validated verdict, through the llm_calls cache in live / record / replay
 * mode); `calls` lists the cached and audited calls and the spend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_confirm.h"
#include "cmd_ai.h"
#include "cmd_data.h"
#include "proratio/ai.h"
#include "proratio/data/store_llm.h"

#define CMD "ai"

static const char *ai_usage =
    "usage: proratio ai ask --provider NAME --question confirm|direction|mtf|regime|levels\n"
    "                       --dataset NAME --at TIME [--db URL] [--config FILE]\n"
    "                       [--mode live|record|replay] [--side long|short] [--score X]\n"
    "                       [--stop PRICE] [--target PRICE] [--prompts DIR] [--version V]\n"
    "                       [--prompt anonymised|plain] [--env FILE] [--json]\n"
    "       proratio ai calls [--db URL] [--provider NAME] [--since TIME] [--limit N] [--json]\n"
    "\n"
    "ask: builds the market snapshot of the dataset from the bars closed at --at\n"
    "(nothing later), fills the question's prompt template, prints the prompt, asks\n"
    "the provider and prints the validated verdict (or why there is none).\n"
    "  --provider NAME     a provider of the config's LLM stages (by name, else by kind\n"
    "                      when one provider has it), or else a built-in preset:\n"
    "                      openai openrouter deepseek local anthropic gemini\n"
    "  --question Q        confirm (a candidate trade: --side, --stop, --target, --score),\n"
    "                      direction, mtf, regime or levels\n"
    "  --dataset NAME      VENUE:SYMBOL:TF, SYMBOL:TF or SYMBOL-TF in the store\n"
    "  --at TIME           decision time: bars that closed at or before it are used;\n"
    "                      a time after the dataset's last bar has closed is an error\n"
    "  --mode M            live (call; the default), record (cache first, call on a miss),\n"
    "                      replay (cache only, never a network call, no key needed)\n"
    "  --config FILE       JSON config with an \"ai\" object or a backtest configuration\n"
    "                      with a \"confirm\" list: its providers, prices, prompts and\n"
    "                      prompt_mode are used as the backtest uses them\n"
    "  --prompt MODE       anonymised (the default: no symbol, venue or dates, prices\n"
    "                      rebased to 100) or plain; overrides the config's prompt_mode\n"
    "  --env FILE          load API keys from FILE (default .env when present; it must\n"
    "                      not be readable by group or others)\n"
    "calls: the llm_calls table, newest first (default limit 50), with the spend.\n"
    "  --db URL            store (default " PR_CLI_DEFAULT_DB ")\n"
    "\n"
    "exit codes: 0 ok, 1 failure (no verdict, store, network), 2 usage error,\n"
    "3 unreadable config, 4 not found (dataset, provider, template, cached call)\n";

/* ---- ask ------------------------------------------------------------------------------ */
typedef struct ask_opts {
    const char *provider, *question, *dataset, *at, *db, *config, *mode, *side, *score, *stop, *target,
        *prompts, *version, *env, *prompt;
    int json;
} ask_opts;

static int parse_ask(int argc, char **argv, ask_opts *o) {
    memset(o, 0, sizeof *o);
    o->db = PR_CLI_DEFAULT_DB;
    for (int i = 1; i < argc; i++) {
        struct { const char *name; const char **dst; } opts[] = {
            {"--provider", &o->provider}, {"--question", &o->question}, {"--dataset", &o->dataset},
            {"--at", &o->at}, {"--db", &o->db}, {"--config", &o->config}, {"--mode", &o->mode},
            {"--side", &o->side}, {"--score", &o->score}, {"--stop", &o->stop}, {"--target", &o->target},
            {"--prompts", &o->prompts}, {"--version", &o->version}, {"--env", &o->env},
            {"--prompt", &o->prompt}};
        int matched = 0;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            int r = pr_cli_opt(argc, argv, &i, opts[k].name, opts[k].dst);
            if (r < 0) return pr_cli_usage_error(CMD, "%s needs a value", opts[k].name);
            matched = r;
        }
        if (matched) continue;
        if (strcmp(argv[i], "--json") == 0) o->json = 1;
        else return pr_cli_usage_error(CMD, "ask: unknown option '%s'", argv[i]);
    }
    if (!o->provider || !o->question || !o->dataset || !o->at)
        return pr_cli_usage_error(CMD, "ask needs --provider, --question, --dataset and --at");
    return PR_EXIT_OK;
}

static int number_arg(const char *opt, const char *s, double lo, double hi, double *out) {
    if (!s) return PR_EXIT_OK;
    if (pr_parse_double(s, strlen(s), out) != PR_OK || !(*out >= lo && *out <= hi))
        return pr_cli_usage_error(CMD, "%s: expected a number in [%g, %g]", opt, lo, hi);
    return PR_EXIT_OK;
}

/* Keys from --env FILE, or .env when it exists. */
static int load_env(const char *path) {
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_env_load(path ? path : ".env", &e);
    if (rc == PR_ENOTFOUND && !path) return PR_EXIT_OK;
    return rc ? pr_cli_fail(&e) : PR_EXIT_OK;
}

/* Providers of the LLM stage i called `name` (by_kind: of that kind); the
 * first one found goes to *sc / *pc. Returns how many there are. */
static size_t find_in_stage(const bt_confirm *c, size_t i, const char *name, int by_kind, pr_llm_stage_config *sc,
                            pr_llm_config *pc, pr_err *e, int *rc) {
    pr_llm_config all[PR_LLM_STAGE_MAX_PROVIDERS];
    pr_llm_stage_config tmp;
    size_t n = 0, found = 0;
    if ((*rc = pr_llm_stage_config_load(c->view, c->path[i], &tmp, all, &n, e))) return 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(by_kind ? all[k].kind : all[k].name, name) == 0 && found++ == 0) {
            *sc = tmp;
            *pc = all[k];
        }
    return found;
}

/* The provider config: from the config file's LLM stages ("ai", or a
 * backtest configuration's "confirm" list, read as the backtest reads
 * them) by name, else by kind when exactly one provider has it; a built-in
 * preset only when the config has no such provider, and then said so. */
static int provider_config(const ask_opts *o, pr_llm_stage_config *sc, pr_llm_config *pc, pr_err *e) {
    pr_llm_stage_config_default(sc);
    bt_confirm c;
    memset(&c, 0, sizeof c);
    int rc = PR_OK;
    size_t found = 0;
    if (o->config) {
        pr_config *cfg = NULL;
        bt_errors *errs = calloc(1, sizeof *errs);
        if (!errs) return pr_err_set(e, PR_ENOMEM, "out of memory");
        rc = pr_config_load(o->config, &cfg, e);
        if (!rc && bt_confirm_read(cfg, &c, errs)) rc = pr_err_set(e, PR_EINVAL, "%s: %s", o->config, errs->msg[0]);
        free(errs);
        pr_config_free(cfg);
    }
    for (int by_kind = 0; !rc && by_kind < 2 && !found; by_kind++) {
        for (size_t i = 0; !rc && i < c.n && !(found && !by_kind); i++) {
            pr_llm_stage_config tsc;
            pr_llm_config tpc;
            size_t k = find_in_stage(&c, i, o->provider, by_kind, &tsc, &tpc, e, &rc);
            if (k && !found) {
                *sc = tsc;
                *pc = tpc;
            }
            found += k;
        }
        if (!rc && by_kind && found > 1)
            rc = pr_err_set(e, PR_EINVAL, "%s: %zu providers have kind '%s'; name one with --provider", o->config,
                            found, o->provider);
    }
    pr_llm_config unused[PR_LLM_STAGE_MAX_PROVIDERS];
    size_t nu;
    /* A preset still takes the first stage's prompts, modes and budget. */
    if (!rc && !found && c.n) rc = pr_llm_stage_config_load(c.view, c.path[0], sc, unused, &nu, e);
    bt_confirm_free(&c);
    if (rc || found) return rc;
    if (pr_llm_config_preset(o->provider, pc, NULL) == PR_OK) {
        if (o->config)
            fprintf(stderr, "proratio ai: provider '%s' is not in %s; using the built-in preset (%s, model %s)\n",
                    o->provider, o->config, pc->base_url, pc->model);
        return PR_OK;
    }
    char kinds[256];
    pr_llm_preset_kinds(", ", kinds, sizeof kinds);
    return pr_err_set(e, PR_ENOTFOUND, "provider '%s' is neither in %s's LLM stages nor a preset (%s)", o->provider,
                      o->config ? o->config : "the config", kinds);
}

static void print_prompt(const pr_llm_prompt *p) {
    printf("prompt %s sha256 %s\n--- system ---\n%s\n--- user ---\n%s\n", p->template_id, p->hash, p->system, p->user);
}

static json_t *verdict_json(const pr_verdict *v) {
    char *s = pr_verdict_to_json(v);
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    free(s);
    return j ? j : json_null();
}

static void print_result(const ask_opts *o, const pr_llm_config *pc, pr_llm_mode mode, const pr_llm_prompt *p,
                         const pr_llm_result *r, const char *contamination) {
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "template", json_string(p->template_id));
        json_object_set_new(j, "prompt_hash", json_string(p->hash));
        json_object_set_new(j, "system", json_string(p->system));
        json_object_set_new(j, "user", json_string(p->user));
        json_object_set_new(j, "provider", json_string(pc->name));
        json_object_set_new(j, "model", json_string(r->model[0] ? r->model : pc->model));
        json_object_set_new(j, "mode", json_string(pr_llm_mode_name(mode)));
        json_object_set_new(j, "contaminated", json_boolean(contamination != NULL));
        if (contamination) json_object_set_new(j, "contamination", json_string(contamination));
        json_object_set_new(j, "cached", json_boolean(r->cached));
        json_object_set_new(j, "fail", json_string(pr_llm_fail_name(r->fail)));
        if (r->fail == PR_LLM_FAIL_VERDICT)
            json_object_set_new(j, "reject", json_string(pr_verdict_reject_name(r->reject)));
        json_object_set_new(j, "reason", r->fail == PR_LLM_OK ? json_null() : json_string(r->reason));
        json_object_set_new(j, "verdict", r->fail == PR_LLM_OK ? verdict_json(&r->verdict) : json_null());
        json_object_set_new(j, "attempts", json_integer(r->attempts));
        json_object_set_new(j, "tokens_in", json_integer(r->tokens_in));
        json_object_set_new(j, "tokens_out", json_integer(r->tokens_out));
        json_object_set_new(j, "cost", json_real(r->cost));
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
        if (s) printf("%s\n", s);
        free(s);
        json_decref(j);
        return;
    }
    print_prompt(p);
    if (r->fail != PR_LLM_OK) {
        printf("--- no verdict from %s (%s) ---\n%s: %s\n", pc->name, pr_llm_mode_name(mode), pr_llm_fail_name(r->fail),
               r->reason);
        return;
    }
    printf("--- verdict from %s (%s, %s%s, %d attempt%s, %ld+%ld tokens, $%.6f) ---\n", pc->name,
           r->model[0] ? r->model : pc->model, pr_llm_mode_name(mode), r->cached ? ", cached" : "", r->attempts,
           r->attempts == 1 ? "" : "s", r->tokens_in, r->tokens_out, r->cost);
    json_t *v = verdict_json(&r->verdict);
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    if (s) printf("%s\n", s);
    free(s);
    json_decref(v);
}

static int cmd_ask(int argc, char **argv) {
    ask_opts o;
    int x = parse_ask(argc, argv, &o);
    if (x) return x;
    pr_llm_question q;
    if (pr_llm_question_parse(o.question, &q) != PR_OK)
        return pr_cli_usage_error(CMD, "--question: expected confirm, direction, mtf, regime or levels");
    int64_t at;
    if ((x = pr_cli_time_arg(CMD, "--at", o.at, &at))) return x;
    int side = 1;
    if (o.side && strcmp(o.side, "short") == 0) side = -1;
    else if (o.side && strcmp(o.side, "long") != 0) return pr_cli_usage_error(CMD, "--side: expected long or short");
    double score = NAN, stop = 0, target = 0;
    if ((x = number_arg("--score", o.score, 0, 1, &score)) || (x = number_arg("--stop", o.stop, 0, 1e300, &stop)) ||
        (x = number_arg("--target", o.target, 0, 1e300, &target)))
        return x;
    if ((x = load_env(o.env))) return x;

    pr_err e;
    pr_err_clear(&e);
    pr_llm_stage_config sc;
    pr_llm_config pc;
    if (provider_config(&o, &sc, &pc, &e)) return pr_cli_fail(&e);
    pr_llm_mode mode = sc.mode;
    if (o.mode && pr_llm_mode_parse(o.mode, &mode) != PR_OK)
        return pr_cli_usage_error(CMD, "--mode: expected live, record or replay");
    if (o.prompt && strcmp(o.prompt, "plain") == 0) sc.snapshot.anonymise = 0;
    else if (o.prompt && (strcmp(o.prompt, "anonymised") == 0 || strcmp(o.prompt, "anonymized") == 0))
        sc.snapshot.anonymise = 1;
    else if (o.prompt) return pr_cli_usage_error(CMD, "--prompt: expected anonymised or plain");
    if (o.prompts) pr_strlcpy(sc.prompts_dir, o.prompts, sizeof sc.prompts_dir);
    if (o.version) pr_strlcpy(sc.template_version, o.version, sizeof sc.template_version);

    pr_store *st = NULL;
    if ((x = pr_cli_open_store(o.db, &st))) return x;
    int rc = PR_OK;
    pr_series bars;
    pr_series_init(&bars, 0);
    pr_prompt_template *tpl = NULL;
    pr_llm_prompt prompt;
    memset(&prompt, 0, sizeof prompt);
    pr_llm *llm = NULL;
    pr_llm_cache *cache = NULL;
    pr_llm_result res;
    memset(&res, 0, sizeof res);
    pr_llm_snapshot *snap = malloc(sizeof *snap);
    if (!snap) rc = pr_err_set(&e, PR_ENOMEM, "out of memory");

    /* Bars that closed at or before --at: open time < at, then drop a last bar still open at --at. */
    pr_dataset_info info;
    if (!rc) rc = pr_cli_load_dataset(st, o.dataset, PR_TIME_NONE, at, &bars, &info, &e);
    /* Past the data the snapshot would be the last bars, stale by any
     * amount, presented as the market at --at. */
    if (!rc && at > pr_tf_next(info.tf, info.last_ts)) {
        char t[PR_TIME_STR_MAX], l[PR_TIME_STR_MAX];
        pr_time_format_iso(at, t, sizeof t);
        pr_time_format_iso(pr_tf_next(info.tf, info.last_ts), l, sizeof l);
        rc = pr_err_set(&e, PR_EINVAL, "--at %s is after the end of %s: its last bar closed at %s (give a time "
                        "up to then, or import newer data)", t, o.dataset, l);
    }
    while (!rc && bars.len > 0 && pr_tf_next(bars.tf, bars.ts[bars.len - 1]) > at) bars.len--;
    if (!rc && bars.len == 0) {
        char t[PR_TIME_STR_MAX];
        pr_time_format_iso(at, t, sizeof t);
        rc = pr_err_set(&e, PR_ENOTFOUND, "dataset %s has no bar closed at or before %s", o.dataset, t);
    }
    char venue[PR_SYMBOL_MAX] = "", sym[PR_SYMBOL_MAX];
    pr_timeframe tf;
    if (!rc) pr_cli_parse_dataset(o.dataset, venue, sym, &tf, NULL);
    if (!rc) rc = pr_llm_snapshot_build(&bars, bars.len - 1, venue, &sc.snapshot, snap, &e);
    if (!rc && !isnan(score)) rc = pr_llm_snapshot_set_score(snap, score, NULL, 0, &e);
    if (!rc && q == PR_LLM_Q_CONFIRM) {
        snap->cand.side = side;
        snap->cand.entry = bars.close[bars.len - 1];
        snap->cand.stop = stop;
        snap->cand.target = target;
        pr_strlcpy(snap->cand.strategy, "manual", sizeof snap->cand.strategy);
    }
    if (!rc) rc = pr_prompt_template_load(sc.prompts_dir, q, sc.template_version, &tpl, &e);
    if (!rc) rc = pr_prompt_fill_snapshot(tpl, snap, &prompt, &e);
    if (!rc) rc = pr_llm_new_for_mode(&pc, mode, NULL, &llm, &e);
    if (!rc) rc = pr_llm_cache_new(st, mode, &sc.budget, sc.run_id[0] ? sc.run_id : "cli", NULL, &cache, &e);
    int code = PR_EXIT_OK;
    if (!rc) {
        int arc = pr_llm_cache_ask(cache, llm, &prompt, snap->decision_ts, &res, &e);
        char why[400];
        int tainted = pr_llm_contaminated(&pc, snap->anonymised, snap->decision_ts, snap->decision_ts, why, sizeof why);
        print_result(&o, &pc, mode, &prompt, &res, tainted ? why : NULL);
        if (tainted)
            fprintf(stderr, "proratio ai: warning: contaminated: %s; the model may remember what came next "
                    "(--prompt anonymised avoids it)\n", why);
        if (arc) code = arc == PR_EDB ? pr_cli_fail(&e) : (res.fail == PR_LLM_FAIL_CACHE_MISS ? PR_EXIT_NOTFOUND : PR_EXIT_FAIL);
    } else {
        if (prompt.system && !o.json) print_prompt(&prompt);
        code = pr_cli_fail(&e);
    }
    pr_llm_result_free(&res);
    pr_llm_cache_free(cache);
    pr_llm_free(llm);
    pr_llm_prompt_free(&prompt);
    pr_prompt_template_free(tpl);
    free(snap);
    pr_series_free(&bars);
    pr_store_close(st);
    return code;
}

/* ---- calls ------------------------------------------------------------------------------- */
static json_t *time_json(int64_t ms) {
    if (ms == PR_TIME_NONE) return json_null();
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(ms, t, sizeof t);
    return json_string(t);
}

static json_t *maybe_json(const char *s) {
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    return j ? j : json_null();
}

/* A stored count or cost a provider could have sent (see PR_LLM_TOKENS_MAX);
 * a row written by hand or by an older version may hold anything. */
static int count_ok(int64_t v) { return v >= 0 && v <= PR_LLM_TOKENS_MAX; }
static int cost_ok(double v) { return v >= 0 && v <= PR_LLM_COST_MAX; }

static json_t *count_json(int64_t v) { return count_ok(v) ? json_integer(v) : json_null(); }

static int cmd_calls(int argc, char **argv) {
    const char *db = PR_CLI_DEFAULT_DB, *provider = NULL, *since = NULL, *limit_s = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = pr_cli_opt(argc, argv, &i, "--db", &db)) || (r = pr_cli_opt(argc, argv, &i, "--provider", &provider)) ||
            (r = pr_cli_opt(argc, argv, &i, "--since", &since)) || (r = pr_cli_opt(argc, argv, &i, "--limit", &limit_s))) {
            if (r < 0) return pr_cli_usage_error(CMD, "%s needs a value", argv[i]);
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else return pr_cli_usage_error(CMD, "calls: unknown option '%s'", argv[i]);
    }
    int64_t from = PR_TIME_NONE, limit = 50;
    int x;
    if (since && (x = pr_cli_time_arg(CMD, "--since", since, &from))) return x;
    if (limit_s && (pr_parse_int64(limit_s, strlen(limit_s), &limit) != PR_OK || limit < 0))
        return pr_cli_usage_error(CMD, "--limit: expected a whole number >= 0 (0 = all)");
    pr_store *st = NULL;
    if ((x = pr_cli_open_store_ro(db, &st))) return x;
    pr_err e;
    pr_err_clear(&e);
    pr_llm_call_record *rows = NULL;
    size_t n = 0;
    int64_t total_calls = 0, day_calls = 0;
    double total_cost = 0, day_cost = 0;
    size_t bad = 0;
    int64_t now = pr_time_now_ms(), day = now - ((now % PR_MS_PER_DAY) + PR_MS_PER_DAY) % PR_MS_PER_DAY;
    int rc = pr_store_llm_list(st, from, PR_TIME_NONE, provider, (size_t)limit, &rows, &n, &e);
    if (!rc) rc = pr_store_llm_spend(st, from, PR_TIME_NONE, &total_calls, &total_cost, &e);
    if (!rc) rc = pr_store_llm_spend(st, day, day + PR_MS_PER_DAY, &day_calls, &day_cost, &e);
    if (rc) {
        pr_store_close(st);
        return pr_cli_fail(&e);
    }
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            const pr_llm_call_record *r = &rows[i];
            json_t *o = json_object();
            json_object_set_new(o, "id", json_integer(r->id));
            json_object_set_new(o, "created_at", time_json(r->created_at));
            json_object_set_new(o, "decision_ts", time_json(r->decision_ts));
            json_object_set_new(o, "run_id", json_string(r->run_id));
            json_object_set_new(o, "provider", json_string(r->provider));
            json_object_set_new(o, "model", json_string(r->model));
            json_object_set_new(o, "question", json_string(r->question));
            json_object_set_new(o, "template", json_string(r->template_id));
            json_object_set_new(o, "prompt_hash", json_string(r->prompt_hash));
            json_object_set_new(o, "status", json_string(r->status));
            json_object_set_new(o, "fail", json_string(r->fail));
            json_object_set_new(o, "http_status", json_integer(r->http_status));
            json_object_set_new(o, "attempts", json_integer(r->attempts));
            json_object_set_new(o, "latency_ms", json_integer(r->latency_ms));
            json_object_set_new(o, "tokens_in", count_json(r->tokens_in));
            json_object_set_new(o, "tokens_out", count_json(r->tokens_out));
            json_object_set_new(o, "cost", cost_ok(r->cost) ? json_real(r->cost) : json_null());
            if (!count_ok(r->tokens_in) || !count_ok(r->tokens_out) || !cost_ok(r->cost)) {
                bad++;
                json_object_set_new(o, "invalid", json_true());
            }
            json_object_set_new(o, "verdict", maybe_json(r->verdict));
            json_object_set_new(o, "error", r->error ? json_string(r->error) : json_null());
            json_array_append_new(a, o);
        }
        json_t *j = json_pack("{s:o,s:{s:I,s:f},s:{s:I,s:f}}", "calls", a, "total", "calls", (json_int_t)total_calls,
                              "cost", total_cost, "today", "calls", (json_int_t)day_calls, "cost", day_cost);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
        if (s) printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        printf("%-6s %-20s %-12s %-24s %-9s %-13s %-12s %-14s %8s %10s %7s\n", "id", "time", "provider", "model",
               "question", "template", "prompt", "status", "tokens", "cost", "ms");
        for (size_t i = 0; i < n; i++) {
            const pr_llm_call_record *r = &rows[i];
            char t[PR_TIME_STR_MAX], status[40], tokens[24] = "invalid", cost[24] = "invalid";
            pr_time_format_iso(r->created_at - r->created_at % 1000, t, sizeof t);
            snprintf(status, sizeof status, "%s", strcmp(r->status, "ok") == 0 ? "ok" : r->fail);
            int tok_ok = count_ok(r->tokens_in) && count_ok(r->tokens_out);
            /* Both counts <= PR_LLM_TOKENS_MAX: their sum cannot overflow. */
            if (tok_ok) snprintf(tokens, sizeof tokens, "%lld", (long long)(r->tokens_in + r->tokens_out));
            if (cost_ok(r->cost)) snprintf(cost, sizeof cost, "%.6f", r->cost);
            if (!tok_ok || !cost_ok(r->cost)) bad++;
            printf("%-6lld %-20s %-12.12s %-24.24s %-9s %-13.13s %-12.12s %-14.14s %8s %10s %7lld\n",
                   (long long)r->id, t, r->provider, r->model, r->question, r->template_id, r->prompt_hash, status,
                   tokens, cost, (long long)r->latency_ms);
        }
        printf("total: %lld call%s, $%.6f; today (UTC): %lld call%s, $%.6f\n", (long long)total_calls,
               total_calls == 1 ? "" : "s", total_cost, (long long)day_calls, day_calls == 1 ? "" : "s", day_cost);
    }
    if (bad)
        fprintf(stderr,
                "ai calls: %zu stored call%s with a token count outside 0..%d or a cost outside 0..%g USD "
                "(written by hand or by an older version): shown as %s, invalid costs left out of the spend\n",
                bad, bad == 1 ? "" : "s", PR_LLM_TOKENS_MAX, PR_LLM_COST_MAX,
                json ? "null with \"invalid\": true" : "'invalid'");
    pr_llm_call_records_free(rows, n);
    pr_store_close(st);
    return PR_EXIT_OK;
}

int pr_cli_ai(int argc, char **argv) {
    if (argc < 2) {
        fputs(ai_usage, stderr);
        return PR_EXIT_USAGE;
    }
    if (pr_cli_is_help(argv[1])) {
        fputs(ai_usage, stdout);
        return PR_EXIT_OK;
    }
    for (int i = 2; i < argc; i++)
        if (pr_cli_is_help(argv[i])) {
            fputs(ai_usage, stdout);
            return PR_EXIT_OK;
        }
    if (strcmp(argv[1], "ask") == 0) return cmd_ask(argc - 1, argv + 1);
    if (strcmp(argv[1], "calls") == 0) return cmd_calls(argc - 1, argv + 1);
    return pr_cli_usage_error(CMD, "unknown subcommand '%s' (ask, calls)", argv[1]);
}
