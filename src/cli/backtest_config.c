/* The `proratio backtest` configuration: validation of every key through
 * core's pr_config_* getters (messages carry the dotted path), collected so
 * one run names every problem. The mapping onto market specs is in
 * backtest_spec.c. Schema: README "Backtesting". */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_config.h"
#include "proratio/signal/plugin.h"

/* Fractions of price or notional are at most 1; money and pips unbounded. */
static const unsigned char k_cost_frac[BT_N_COSTS] = {1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0};

static const char *const k_classes[] = {"crypto", "forex", "stock", "future", NULL};

void bt_errors_add(bt_errors *e, const char *fmt, ...) {
    if (e->n >= BT_MAX_ERRORS) {
        e->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg[e->n++], PR_ERR_MSG_MAX, fmt, ap);
    va_end(ap);
}

/* ---- reading with collected errors ------------------------------------------------ */
typedef struct rd {
    const pr_config *cfg;
    bt_errors *errs;
    bt_errors *warns;
    char path[PR_ERR_PATH_MAX];
} rd;

/* Sets r->path to prefix.key (prefix may be ""). */
static const char *at(rd *r, const char *prefix, const char *key) {
    char tmp[sizeof r->path];
    /* Keys are short and symbols at most 31 characters: a path never
     * reaches the limit, and a cut one would only shorten a message. */
    int n = snprintf(tmp, sizeof tmp, "%s%s%s", prefix, prefix[0] ? "." : "", key);
    if (n < 0) tmp[0] = '\0';
    memcpy(r->path, tmp, sizeof tmp);
    return r->path;
}

static int check(rd *r, int rc, const pr_err *e) {
    if (rc != PR_OK) bt_errors_add(r->errs, "%s", e->msg);
    return rc == PR_OK;
}

static void keys(rd *r, const char *path, const char *const *allowed) {
    pr_err e;
    pr_err_clear(&e);
    check(r, pr_config_check_keys(r->cfg, path, allowed, &e), &e);
}

static double num(rd *r, const char *path, double def, double min, double max, int open) {
    pr_err e;
    pr_err_clear(&e);
    double v = def;
    if (!check(r, pr_config_number(r->cfg, path, def, min, max, open, &v, &e), &e)) v = def;
    return v;
}

static void opt_num(rd *r, const char *path, double min, double max, int open, bt_num *out) {
    out->set = pr_config_has(r->cfg, path);
    if (out->set) out->v = num(r, path, 0, min, max, open);
}

static long integer(rd *r, const char *path, long def, long min, long max) {
    pr_err e;
    pr_err_clear(&e);
    long v = def;
    if (!check(r, pr_config_int(r->cfg, path, def, min, max, &v, &e), &e)) v = def;
    return v;
}

static int boolean(rd *r, const char *path, int def) {
    pr_err e;
    pr_err_clear(&e);
    int v = def;
    if (!check(r, pr_config_bool(r->cfg, path, def, &v, &e), &e)) v = def;
    return v;
}

static void string(rd *r, const char *path, const char *def, char *buf, size_t cap) {
    pr_err e;
    pr_err_clear(&e);
    if (!check(r, pr_config_string(r->cfg, path, def, buf, cap, &e), &e)) pr_strlcpy(buf, def ? def : "", cap);
}

static int64_t time_key(rd *r, const char *path) {
    char buf[64];
    string(r, path, "", buf, sizeof buf);
    if (!buf[0]) return PR_TIME_NONE;
    int64_t t;
    if (pr_time_parse(buf, (size_t)-1, &t, NULL) != PR_OK) {
        bt_errors_add(r->errs, "%s: expected a time such as \"2022-01-01\" or \"2022-01-01T12:00:00Z\", got \"%s\"",
                      path, buf);
        return PR_TIME_NONE;
    }
    return t;
}

static pr_asset_class class_key(rd *r, const char *path) {
    static const char *const names[] = {"crypto", "forex", "stock", "future", NULL};
    if (!pr_config_has(r->cfg, path)) return PR_ASSET_UNKNOWN;
    pr_err e;
    pr_err_clear(&e);
    int i = 0;
    if (!check(r, pr_config_enum(r->cfg, path, NULL, names, &i, &e), &e)) return PR_ASSET_UNKNOWN;
    return (pr_asset_class)(PR_ASSET_CRYPTO + i);
}

static void costs_obj(rd *r, const char *path, bt_costs_ov *out) {
    char base[PR_ERR_PATH_MAX];
    pr_strlcpy(base, path, sizeof base);
    const char *allowed[BT_N_COSTS + 2];
    for (int k = 0; k < BT_N_COSTS; k++) allowed[k] = bt_cost_keys[k];
    allowed[BT_N_COSTS] = "fee_schedule";
    allowed[BT_N_COSTS + 1] = NULL;
    keys(r, base, allowed);
    for (int k = 0; k < BT_N_COSTS; k++)
        opt_num(r, at(r, base, bt_cost_keys[k]), 0, k_cost_frac[k] ? 1 : INFINITY, 0, &out->v[k]);
    /* The schedule's own table validates it (pr_fee_schedule_read). */
    if (pr_config_has(r->cfg, at(r, base, "fee_schedule"))) {
        pr_err e;
        pr_err_clear(&e);
        out->schedule_set = check(r, pr_fee_schedule_read(r->cfg, r->path, &out->schedule, &e), &e);
    }
    if (out->schedule_set && out->schedule.info->fee)
        for (int k = 0; k < BT_N_COSTS; k++)
            if (out->v[k].set && bt_cost_is_commission(k))
                bt_errors_add(r->warns, "%s.%s: not used: fee_schedule %s sets the commission", base, bt_cost_keys[k],
                              out->schedule.info->table.name);
}

static void margin_obj(rd *r, const char *path, bt_margin_ov *out) {
    static const char *const allowed[] = {"leverage", "maintenance", "liquidation_fee", "allow_short", NULL};
    char base[PR_ERR_PATH_MAX];
    pr_strlcpy(base, path, sizeof base);
    keys(r, base, allowed);
    opt_num(r, at(r, base, "leverage"), 1, 1000, 0, &out->leverage);
    opt_num(r, at(r, base, "maintenance"), 0, 1, 0, &out->maintenance);
    opt_num(r, at(r, base, "liquidation_fee"), 0, 1, 0, &out->liquidation_fee);
    out->allow_short = pr_config_has(r->cfg, at(r, base, "allow_short")) ? boolean(r, r->path, 1) : -1;
}

/* ---- data sources ------------------------------------------------------------------- */
static void add_source(rd *r, bt_settings *s, const char *path, const bt_source *src) {
    for (size_t i = 0; i < s->n_markets; i++) {
        if (strcmp(s->markets[i].src.symbol, src->symbol) == 0) {
            bt_errors_add(r->errs, "%s: symbol %s already comes from %s (one series per symbol)", path, src->symbol,
                          s->markets[i].src.spec);
            return;
        }
    }
    if (s->n_markets == BT_MAX_MARKETS) {
        bt_errors_add(r->errs, "%s: more than %d instruments", path, BT_MAX_MARKETS);
        return;
    }
    bt_market *m = &s->markets[s->n_markets++];
    m->src = *src;
    m->perpetual = -1;
    m->margin.allow_short = -1;
}

static void csv_entry(rd *r, bt_settings *s, const char *path, json_t *j) {
    char p[PR_ERR_PATH_MAX];
    pr_strlcpy(p, path, sizeof p);
    bt_source src;
    pr_err e;
    pr_err_clear(&e);
    if (json_is_string(j)) {
        if (bt_source_parse(json_string_value(j), &src, &e) != PR_OK) bt_errors_add(r->errs, "%s: %s", p, e.msg);
        else add_source(r, s, p, &src);
        return;
    }
    if (!json_is_object(j)) {
        bt_errors_add(r->errs, "%s: expected a CSV path or an object {\"file\", \"symbol\", \"tf\", ...}", p);
        return;
    }
    static const char *const allowed[] = {"file", "symbol", "tf", "asset_class", "format", NULL};
    keys(r, p, allowed);
    char file[BT_PATH_MAX], sym[PR_SYMBOL_MAX], tf[8];
    string(r, at(r, p, "file"), "", file, sizeof file);
    string(r, at(r, p, "symbol"), "", sym, sizeof sym);
    string(r, at(r, p, "tf"), "", tf, sizeof tf);
    if (!file[0]) {
        bt_errors_add(r->errs, "%s.file: missing; expected the path of a CSV file", p);
        return;
    }
    memset(&src, 0, sizeof src);
    if (bt_source_parse(file, &src, &e) != PR_OK && !sym[0]) {
        bt_errors_add(r->errs, "%s.file: %s", p, e.msg);
        return;
    }
    src.is_csv = 1;
    pr_strlcpy(src.spec, file, sizeof src.spec);
    pr_strlcpy(src.venue, "csv", sizeof src.venue);
    if (sym[0]) pr_strlcpy(src.symbol, sym, sizeof src.symbol);
    if (tf[0] && pr_tf_parse(tf, &src.tf) != PR_OK)
        bt_errors_add(r->errs, "%s.tf: unknown timeframe \"%s\" (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w 1M)", p, tf);
    pr_asset_class c = class_key(r, at(r, p, "asset_class"));
    if (c != PR_ASSET_UNKNOWN) {
        src.cls = c;
        src.cls_certain = 1;
    }
    string(r, at(r, p, "format"), "", src.format, sizeof src.format);
    add_source(r, s, p, &src);
}

static void data_section(rd *r, bt_settings *s) {
    static const char *const allowed[] = {"db", "datasets", "csv", "from", "to", "warmup", NULL};
    keys(r, "data", allowed);
    string(r, "data.db", PR_CLI_DEFAULT_DB, s->db, sizeof s->db);
    s->from = time_key(r, "data.from");
    s->to = time_key(r, "data.to");
    /* "auto" (the default): as much as the strategy's indicators need. */
    json_t *dj = json_object_get(pr_config_json(r->cfg), "data");
    json_t *wj = json_is_object(dj) ? json_object_get(dj, "warmup") : NULL;
    if (json_is_string(wj) && strcmp(json_string_value(wj), "auto") == 0) s->warmup = -1;
    else s->warmup = integer(r, "data.warmup", -1, 0, 100000000);
    if (s->from != PR_TIME_NONE && s->to != PR_TIME_NONE && s->to <= s->from)
        bt_errors_add(r->errs, "data.to: must be after data.from");
    json_t *data = json_object_get(pr_config_json(r->cfg), "data");
    json_t *ds = json_is_object(data) ? json_object_get(data, "datasets") : NULL;
    json_t *csv = json_is_object(data) ? json_object_get(data, "csv") : NULL;
    size_t n;
    pr_err e;
    pr_err_clear(&e);
    if (ds && check(r, pr_config_array_len(r->cfg, "data.datasets", &n, &e), &e)) {
        for (size_t i = 0; i < n; i++) {
            char p[64];
            snprintf(p, sizeof p, "data.datasets.%zu", i);
            json_t *j = json_array_get(ds, i);
            bt_source src;
            if (!json_is_string(j)) {
                bt_errors_add(r->errs, "%s: expected a dataset name \"VENUE:SYMBOL:TF\"", p);
            } else if (bt_source_is_path(json_string_value(j))) {
                bt_errors_add(r->errs, "%s: \"%s\" is a file; list CSV files under data.csv", p, json_string_value(j));
            } else if (bt_source_parse(json_string_value(j), &src, &e) != PR_OK) {
                bt_errors_add(r->errs, "%s: %s", p, e.msg);
            } else {
                add_source(r, s, p, &src);
            }
        }
    }
    if (csv && check(r, pr_config_array_len(r->cfg, "data.csv", &n, &e), &e)) {
        for (size_t i = 0; i < n; i++) {
            char p[64];
            snprintf(p, sizeof p, "data.csv.%zu", i);
            csv_entry(r, s, p, json_array_get(csv, i));
        }
    }
    if (s->n_markets == 0 && r->errs->n == 0)
        bt_errors_add(r->errs, "data: no market data; list stored datasets in data.datasets or CSV files in data.csv");
}

/* ---- instruments.<symbol> ------------------------------------------------------------ */
static void fine_key(rd *r, bt_market *m, const char *path) {
    char v[BT_PATH_MAX];
    string(r, path, "", v, sizeof v);
    if (!v[0]) return;
    pr_timeframe tf;
    pr_err e;
    pr_err_clear(&e);
    if (pr_tf_parse(v, &tf) == PR_OK) {
        if (m->src.is_csv) {
            bt_errors_add(r->errs, "%s: %s comes from a CSV file; name a CSV file of finer bars", path, m->src.symbol);
            return;
        }
        char name[BT_PATH_MAX];
        snprintf(name, sizeof name, "%s:%s:%s", m->src.venue, m->src.symbol, pr_tf_name(tf));
        if (bt_source_parse(name, &m->fine, &e) != PR_OK) bt_errors_add(r->errs, "%s: %s", path, e.msg);
        else m->has_fine = 1;
        return;
    }
    if (bt_source_parse(v, &m->fine, &e) != PR_OK) {
        bt_errors_add(r->errs, "%s: %s", path, e.msg);
        return;
    }
    if (m->fine.is_csv) pr_strlcpy(m->fine.symbol, m->src.symbol, sizeof m->fine.symbol);
    m->has_fine = 1;
}

static void funding_key(rd *r, bt_market *m, const char *path, json_t *j) {
    if (!j || json_is_null(j) || json_is_false(j)) return;
    if (json_is_true(j)) pr_strlcpy(m->funding, "store", sizeof m->funding);
    else if (json_is_string(j) && json_string_length(j) > 0 && json_string_length(j) < sizeof m->funding)
        pr_strlcpy(m->funding, json_string_value(j), sizeof m->funding);
    else
        bt_errors_add(r->errs, "%s: expected true (rates stored with the bars), a funding name \"VENUE:SYMBOL\" "
                      "or a CSV path", path);
}

static void instrument(rd *r, bt_market *m, const char *sym, json_t *obj) {
    static const char *const allowed[] = {"asset_class", "base", "quote", "tick_size", "lot_step", "min_qty",
                                          "min_notional", "pip_size", "contract_multiplier", "fx_rate", "costs",
                                          "margin", "fine", "funding", "funding_rate", "perpetual", NULL};
    char p[PR_ERR_PATH_MAX];
    snprintf(p, sizeof p, "instruments.%s", sym);
    keys(r, p, allowed);
    m->cls = class_key(r, at(r, p, "asset_class"));
    string(r, at(r, p, "base"), "", m->base, sizeof m->base);
    string(r, at(r, p, "quote"), "", m->quote, sizeof m->quote);
    opt_num(r, at(r, p, "tick_size"), 0, INFINITY, 0, &m->tick_size);
    opt_num(r, at(r, p, "lot_step"), 0, INFINITY, 0, &m->lot_step);
    opt_num(r, at(r, p, "min_qty"), 0, INFINITY, 0, &m->min_qty);
    opt_num(r, at(r, p, "min_notional"), 0, INFINITY, 0, &m->min_notional);
    opt_num(r, at(r, p, "pip_size"), 0, INFINITY, 0, &m->pip_size);
    opt_num(r, at(r, p, "contract_multiplier"), 0, INFINITY, 1, &m->contract_multiplier);
    opt_num(r, at(r, p, "fx_rate"), 0, INFINITY, 1, &m->fx_rate);
    costs_obj(r, at(r, p, "costs"), &m->costs);
    margin_obj(r, at(r, p, "margin"), &m->margin);
    fine_key(r, m, at(r, p, "fine"));
    funding_key(r, m, at(r, p, "funding"), json_object_get(obj, "funding"));
    opt_num(r, at(r, p, "funding_rate"), -1, 1, 0, &m->funding_rate);
    m->perpetual = pr_config_has(r->cfg, at(r, p, "perpetual")) ? boolean(r, r->path, 0) : -1;
}

static void instruments_section(rd *r, bt_settings *s) {
    json_t *ins = json_object_get(pr_config_json(r->cfg), "instruments");
    if (!ins || json_is_null(ins)) return;
    if (!json_is_object(ins)) {
        bt_errors_add(r->errs, "instruments: expected an object {\"SYMBOL\": {...}}");
        return;
    }
    const char *sym;
    json_t *obj;
    json_object_foreach(ins, sym, obj) {
        bt_market *m = NULL;
        for (size_t i = 0; i < s->n_markets && !m; i++)
            if (strcmp(s->markets[i].src.symbol, sym) == 0) m = &s->markets[i];
        if (strchr(sym, '.')) {
            bt_errors_add(r->errs, "instruments.%s: symbols holding '.' cannot be configured", sym);
        } else if (!m) {
            char have[256] = "";
            for (size_t i = 0; i < s->n_markets; i++) {
                size_t k = strlen(have);
                snprintf(have + k, sizeof have - k, "%s%s", i ? ", " : "", s->markets[i].src.symbol);
            }
            bt_errors_add(r->errs, "instruments.%s: no data source for this symbol (the run has: %s)", sym,
                          have[0] ? have : "none");
        } else if (!json_is_object(obj)) {
            bt_errors_add(r->errs, "instruments.%s: expected an object", sym);
        } else {
            instrument(r, m, sym, obj);
        }
    }
}

/* ---- the rest ------------------------------------------------------------------------- */
static void strategy_section(rd *r, bt_settings *s) {
    static const char *const allowed[] = {"name", "plugin", "params", NULL};
    keys(r, "strategy", allowed);
    pr_err e;
    pr_err_clear(&e);
    int i = 0;
    if (pr_config_has(r->cfg, "strategy.plugin")) {
        /* a user's strategy (proratio/signal/plugin.h), loaded when the run starts */
        char path[1024] = "";
        if (pr_config_has(r->cfg, "strategy.name"))
            bt_errors_add(r->errs, "strategy: give \"name\" (a built-in) or \"plugin\" (a file), not both");
        if (check(r, pr_config_string(r->cfg, "strategy.plugin", NULL, path, sizeof path, &e), &e) && !path[0])
            bt_errors_add(r->errs, "strategy.plugin: expected the path of a plugin (.so)");
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        snprintf(s->strategy, sizeof s->strategy, "%.*s", (int)strcspn(base, "."), base);
        return;
    }
    /* The built-in strategies and risk's composite "portfolio". */
    const char *names[32];
    size_t n = 0;
    for (const char *const *b = pr_strategy_names(); *b && n < 30; b++) names[n++] = *b;
    names[n++] = PR_MULTI_STRATEGY;
    names[n] = NULL;
    if (check(r, pr_config_enum(r->cfg, "strategy.name", NULL, names, &i, &e), &e))
        pr_strlcpy(s->strategy, names[i], sizeof s->strategy);
    if (pr_config_has(r->cfg, "strategy.params")) {
        json_t *st = json_object_get(pr_config_json(r->cfg), "strategy");
        if (!json_is_object(json_object_get(st, "params")))
            bt_errors_add(r->errs, "strategy.params: expected an object of the strategy's parameters");
    }
}

static void sizing_section(rd *r, bt_settings *s) {
    static const char *const allowed[] = {"mode", "risk", "fraction", "qty", NULL};
    static const char *const modes[] = {"fixed_risk", "fixed_fraction", "all_cash", "fixed_qty", NULL};
    static const pr_size_mode k_mode[] = {PR_SIZE_FIXED_RISK, PR_SIZE_FIXED_FRACTION, PR_SIZE_ALL_CASH,
                                          PR_SIZE_FIXED_QTY};
    keys(r, "sizing", allowed);
    pr_sizing_default(&s->sizing);
    pr_err e;
    pr_err_clear(&e);
    int i = 0;
    if (check(r, pr_config_enum(r->cfg, "sizing.mode", "fixed_risk", modes, &i, &e), &e)) s->sizing.mode = k_mode[i];
    s->sizing.risk = num(r, "sizing.risk", 0.01, 0, 1, 1);
    s->sizing.fraction = num(r, "sizing.fraction", 0.1, 0, 100, 1);
    s->sizing.qty = num(r, "sizing.qty", 0, 0, INFINITY, 0);
    if (s->sizing.mode == PR_SIZE_FIXED_QTY && !(s->sizing.qty > 0))
        bt_errors_add(r->errs, "sizing.qty: fixed_qty sizing needs a quantity > 0");
}

static void output_section(rd *r, bt_settings *s) {
    static const char *const allowed[] = {"dir", "report", "title", "trade_rows", "chart_points", NULL};
    keys(r, "output", allowed);
    char def[BT_PATH_MAX];
    snprintf(def, sizeof def, "out/%s", s->strategy[0] ? s->strategy : "backtest");
    string(r, "output.dir", def, s->out_dir, sizeof s->out_dir);
    if (!s->out_dir[0]) bt_errors_add(r->errs, "output.dir: must not be empty");
    string(r, "output.report", "", s->report, sizeof s->report);
    string(r, "output.title", "", s->title, sizeof s->title);
    s->trade_rows = integer(r, "output.trade_rows", 500, 1, 10000000);
    s->chart_points = integer(r, "output.chart_points", 5000, 4, 10000000);
}

/* funding.missing / funding.rate: after the instruments, whose own
 * funding_rate may stand in for funding.rate. */
static void funding_section(rd *r, bt_settings *s) {
    static const char *const allowed[] = {"missing", "rate", NULL};
    static const char *const modes[] = {"error", "zero", "rate", NULL};
    keys(r, "funding", allowed);
    pr_err e;
    pr_err_clear(&e);
    int i = 0;
    if (check(r, pr_config_enum(r->cfg, "funding.missing", "error", modes, &i, &e), &e)) s->funding_missing = i;
    opt_num(r, "funding.rate", -1, 1, 0, &s->funding_rate);
    if (s->funding_missing != BT_FUNDING_RATE || s->funding_rate.set) return;
    for (size_t k = 0; k < s->n_markets; k++) {
        const bt_market *m = &s->markets[k];
        if (m->funding[0] && !m->funding_rate.set) {
            bt_errors_add(r->errs, "funding.rate: funding.missing \"rate\" needs the rate to charge where %s has "
                          "no rates (or set instruments.%s.funding_rate)", m->src.symbol, m->src.symbol);
            return;
        }
    }
}

/* "risk": read by the risk module's table; absent, the run is sized by
 * "sizing" exactly as before. */
static void risk_section(rd *r, bt_settings *s) {
    pr_err e;
    pr_err_clear(&e);
    s->has_risk = pr_config_has(r->cfg, "risk");
    if (s->has_risk) check(r, pr_risk_config_read(r->cfg, "risk", &s->risk, &e), &e);
}

size_t bt_settings_read(const pr_config *cfg, bt_settings *s, bt_errors *errs) {
    static const char *const top[] = {"description", "data", "instruments", "strategy", "sizing", "costs",
                                      "margin", "account", "funding", "metrics", "output", "confirm", "ai", "risk", "live",
                                      "optimize", NULL};
    static const char *const account[] = {"currency", "cash", NULL};
    static const char *const metrics[] = {"risk_free", "periods_per_year", "benchmark", "benchmark_fee", NULL};
    memset(s, 0, sizeof *s);
    rd r = {.cfg = cfg, .errs = errs, .warns = &s->warnings};
    keys(&r, "", top);
    string(&r, "description", "", s->description, sizeof s->description);
    data_section(&r, s);
    instruments_section(&r, s);
    funding_section(&r, s);
    strategy_section(&r, s);
    sizing_section(&r, s);
    risk_section(&r, s);
    keys(&r, "costs", k_classes);
    for (int c = 0; k_classes[c]; c++) costs_obj(&r, at(&r, "costs", k_classes[c]), &s->class_costs[PR_ASSET_CRYPTO + c]);
    margin_obj(&r, "margin", &s->margin);
    keys(&r, "account", account);
    string(&r, "account.currency", "", s->ccy, sizeof s->ccy);
    s->cash = num(&r, "account.cash", 10000, 0, INFINITY, 1);
    keys(&r, "metrics", metrics);
    s->risk_free = num(&r, "metrics.risk_free", 0, 0, 1, 0);
    s->periods_per_year = num(&r, "metrics.periods_per_year", 0, 0, 1e7, 0);
    s->benchmark = boolean(&r, "metrics.benchmark", 1);
    s->bench_fee = num(&r, "metrics.benchmark_fee", 0, 0, 1, 0);
    output_section(&r, s);
    return errs->n + errs->dropped;
}

/* A crash inside a plugin's code names the plugin before the process dies
 * the way it would have (installed only once a plugin is loaded). */
static void say(const char *s) {
    if (write(2, s, strlen(s)) < 0) return;   /* nothing else to do in a dying process */
}

static void plugin_crash(int sig) {
    /* only async-signal-safe calls here: write, strlen, signal, raise */
    const char *name = pr_plugin_running();
    if (name) {
        char num[12];
        int k = (int)sizeof num - 1;
        num[k] = '\0';
        for (int v = sig; k > 0 && (v > 0 || k == (int)sizeof num - 1); v /= 10) num[--k] = (char)('0' + v % 10);
        say("proratio: the strategy plugin '");
        say(name);
        say("' crashed (signal ");
        say(num + k);
        say(")\n");
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static int plugin_create(const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    char file[1024];
    int rc = pr_config_string(cfg, "strategy.plugin", NULL, file, sizeof file, err);
    pr_plugin_handle *h = NULL;
    if (rc == PR_OK) rc = pr_plugin_open(file, &h, err);
    if (rc == PR_OK && (rc = pr_plugin_strategy_create(h, cfg, path, out, err)) != PR_OK) pr_plugin_close(h);
    if (rc == PR_OK) {
        const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
        for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) signal(sigs[k], plugin_crash);
    }
    return rc;
}

int bt_strategy_create(const char *name, const pr_config *cfg, const char *path, pr_strategy **out, pr_err *err) {
    if (pr_config_has(cfg, "strategy.plugin")) return plugin_create(cfg, path, out, err);
    if (!name || strcmp(name, PR_MULTI_STRATEGY) != 0) return pr_strategy_create(name, cfg, path, out, err);
    pr_multi_config *mc = malloc(sizeof *mc);
    if (!mc) return pr_err_set(err, PR_ENOMEM, "out of memory");
    int rc = pr_multi_config_read(cfg, path, mc, err);
    if (rc == PR_OK) rc = pr_multi_new(mc, cfg, out, err);
    free(mc);
    return rc;
}
