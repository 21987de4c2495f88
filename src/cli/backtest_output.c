/* What `proratio backtest` shows and writes after a run: the metrics through
 * the metrics module (net, without costs, buy and hold of the instruments'
 * closes), the terminal table, the fingerprint (SHA-256 of trades.csv),
 * trades.csv / equity.csv / metrics.json and the self-contained HTML report.
 * Nothing here reads the clock, so identical runs give identical files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "proratio/core/json_text.h"

#include "cli.h"
#include "backtest_output.h"

size_t bt_first_traded(const pr_backtest_config *bc, size_t i) {
    const pr_series *x = bc->markets[i].bars;
    if (bc->trade_from == 0 || bc->trade_from == PR_TIME_NONE) return 0;
    size_t k = pr_series_lower_bound(x, bc->trade_from);
    return k < x->len ? k : x->len - 1;
}

int bt_analyse(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
               const char *equity_dir, bt_analysis *out, pr_err *err) {
    memset(out, 0, sizeof *out);
    int rc = pr_backtest_records(bc, res, &out->trades, &out->n_trades, &out->eq, &out->n_eq, err);
    if (rc != PR_OK) return rc;
    if (out->n_eq == 0) return pr_err_set(err, PR_EDATA, "backtest: the run has no bars");
    if (equity_dir) bt_equity_start(out, equity_dir);
    /* [0, n): every market (the charts); [n, n + n_bench): those with bars
     * in the run, which buy and hold holds (a live session's market its
     * feed could not serve has only warm-up bars). */
    size_t n = bc->n_markets, n_bench = 0;
    out->prices = calloc(2 * n, sizeof *out->prices);
    if (!out->prices) return pr_err_set(err, PR_ENOMEM, "out of memory");
    /* Buy and hold, the price chart and the metrics start where trading
     * does, after the warm-up. */
    for (size_t i = 0; i < bc->n_markets; i++) {
        const pr_bt_market *mk = &bc->markets[i];
        size_t k0 = bt_first_traded(bc, i);
        out->prices[i] = (pr_price_series){.symbol = mk->spec.inst.symbol, .instrument = (int)i,
                                           .cls = mk->spec.inst.asset_class, .ts = mk->bars->ts + k0,
                                           .open = mk->bars->open + k0, .close = mk->bars->close + k0,
                                           .n = mk->bars->len - k0};
        if (mk->bars->len && mk->bars->ts[mk->bars->len - 1] >= res->ts[0]) out->prices[n + n_bench++] = out->prices[i];
    }
    if (n_bench == 0) {   /* none: the benchmark says why */
        memcpy(out->prices + n, out->prices, n * sizeof *out->prices);
        n_bench = n;
    }
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.periods_per_year = s->periods_per_year;
    o.risk_free = s->risk_free;
    o.start_equity = res->start_cash;
    if (s->benchmark) {
        o.bench = out->prices + n;
        o.n_bench = n_bench;
        o.bench_at_open = 0;
        o.bench_fee = s->bench_fee;
    }
    rc = pr_metrics_compute(out->eq, out->n_eq, out->trades, out->n_trades, &o, &out->m, err);
    if (rc != PR_OK) return rc;
    out->has_m = 1;
    if (s->benchmark) {
        if (!(out->bench = malloc(out->n_eq * sizeof *out->bench))) return pr_err_set(err, PR_ENOMEM, "out of memory");
        rc = pr_benchmark_curve(out->prices + n, n_bench, res->start_cash, 0, s->bench_fee, res->ts, out->n_eq,
                                out->bench, err);
        if (rc != PR_OK) return rc;
    }
    return pr_trades_fingerprint(out->trades, out->n_trades, out->fingerprint, err);
}

void bt_analysis_free(bt_analysis *a) {
    if (!a) return;
    bt_equity_abandon(a);
    free(a->trades);
    free(a->eq);
    free(a->prices);
    free(a->bench);
    if (a->has_m) pr_metrics_free(&a->m);
    memset(a, 0, sizeof *a);
}

int bt_config_digest(const pr_config *cfg, char hex[PR_FINGERPRINT_HEX], pr_err *err) {
    json_t *copy = json_deep_copy(pr_config_json(cfg));
    if (!copy) return pr_err_set(err, PR_ENOMEM, "out of memory");
    json_object_del(copy, "output");
    /* How a live session reconciles with its venue at start changes none of
     * its decisions: a session resumes with another setting. */
    json_object_del(json_object_get(copy, "live"), "reconcile");
    /* Nor do an optimisation's threads change its trials (a search resumes
     * on another number). */
    json_object_del(json_object_get(copy, "optimize"), "jobs");
    char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(copy);
    if (!text) return pr_err_set(err, PR_ENOMEM, "out of memory");
    int rc = pr_sha256_hex(text, strlen(text), hex, err);
    free(text);
    return rc;
}

int bt_make_dirs(const char *dir, pr_err *err) {
    char p[BT_PATH_MAX];
    if (pr_strlcpy(p, dir, sizeof p) >= sizeof p - 1) return pr_err_set(err, PR_EINVAL, "%s: path too long", dir);
    for (char *c = p + 1;; c++) {
        if (*c != '/' && *c != '\0') continue;
        char keep = *c;
        *c = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            pr_err_at(err, p, 0, 0, NULL);
            return pr_err_set(err, PR_EIO, "cannot create directory: %s", strerror(errno));
        }
        *c = keep;
        if (!keep) break;
    }
    return PR_OK;
}

static int make_parent(const char *file, pr_err *err) {
    char d[BT_PATH_MAX];
    pr_strlcpy(d, file, sizeof d);
    char *slash = strrchr(d, '/');
    if (!slash || slash == d) return PR_OK;
    *slash = '\0';
    return bt_make_dirs(d, err);
}

static int write_text(const char *path, const char *text, pr_err *err) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_EIO, "cannot create file: %s", strerror(errno));
    }
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    if (fclose(f) != 0) ok = 0;
    if (!ok) {
        pr_err_at(err, path, 0, 0, NULL);
        return pr_err_set(err, PR_EIO, "write failed");
    }
    return PR_OK;
}

/* "BTCUSDT crypto 1h, 29303 bars 2022-01-01 00:00:00 .. 2025-05-05 23:00:00 (local:BTCUSDT:1h)" */
static void market_line(const bt_settings *s, const pr_backtest_config *bc, size_t i, char *buf, size_t cap) {
    const pr_bt_market *mk = &bc->markets[i];
    char a[PR_TIME_STR_MAX], b[PR_TIME_STR_MAX], fine[160] = "", warm[96] = "";
    const pr_series *x = mk->bars;
    size_t k0 = bt_first_traded(bc, i);
    if (bc->trade_from != 0 && bc->trade_from != PR_TIME_NONE) {
        char w[PR_TIME_STR_MAX];
        pr_time_format(x->ts[0], w, sizeof w);
        if (k0) snprintf(warm, sizeof warm, "; indicators warmed up on %zu bars from %s", k0, w);
        else snprintf(warm, sizeof warm, "; no bars before it to warm the indicators up");
    }
    pr_time_format(x->ts[k0], a, sizeof a);
    pr_time_format(x->ts[x->len - 1], b, sizeof b);
    if (mk->fine) {
        char fa[PR_TIME_STR_MAX], fb[PR_TIME_STR_MAX];
        pr_time_format(mk->fine->ts[0], fa, sizeof fa);
        pr_time_format(mk->fine->ts[mk->fine->len - 1], fb, sizeof fb);
        snprintf(fine, sizeof fine, "; intrabar order from %zu %s bars, %s .. %s", mk->fine->len,
                 pr_tf_name(mk->fine->tf), fa, fb);
    }
    snprintf(buf, cap, "%s %s, %zu bars %s .. %s (%s)%s%s", pr_asset_class_name(mk->spec.inst.asset_class),
             pr_tf_name(x->tf), x->len - k0, a, b, s->markets[i].src.spec, warm, fine);
}

/* The sizing in force: the "sizing" section's, or the risk stage's rule. */
static void sizing_line(const bt_settings *s, char *buf, size_t cap) {
    if (s->has_risk)
        snprintf(buf, cap, "by the risk stage, %s (see 'proratio risk check')",
                 pr_risk_mode_names[s->risk.sizing.mode]);
    else
        bt_sizing_describe(&s->sizing, buf, cap);
}

static int write_report(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
                        const bt_analysis *a, const char *strategy, const char *ai_note, const char *path,
                        pr_err *err) {
    size_t nkv = 7 + 2 * bc->n_markets;
    pr_report_kv *kv = calloc(nkv, sizeof *kv);
    char (*val)[1200] = calloc(nkv, sizeof *val);
    char (*key)[64] = calloc(nkv, sizeof *key);
    int rc = PR_OK;
    if (!kv || !val || !key) rc = pr_err_set(err, PR_ENOMEM, "out of memory");
    size_t n = 0;
    if (rc == PR_OK) {
#define KV(k, ...) (snprintf(key[n], sizeof key[n], "%s", k), snprintf(val[n], sizeof val[n], __VA_ARGS__), \
                    kv[n] = (pr_report_kv){key[n], val[n]}, n++)
        if (s->description[0]) KV("description", "%s", s->description);
        KV("strategy", "%s", strategy);
        if (ai_note && ai_note[0]) KV("AI", "%s", ai_note);
        for (size_t i = 0; i < bc->n_markets; i++) {
            char line[512], costs[400];
            market_line(s, bc, i, line, sizeof line);
            bt_costs_describe(&bc->markets[i].spec.costs, costs, sizeof costs);
            KV(bc->markets[i].spec.inst.symbol, "%s", line);
            KV("costs", "%s: %s", bc->markets[i].spec.inst.symbol, costs);
        }
        char sz[160];
        sizing_line(s, sz, sizeof sz);
        KV("sizing", "%s", sz);
        KV("account", "%.10g %s", res->start_cash, res->ccy);
        if (a->watch) {
            char line[256];
            bt_risk_series_text(a->watch, line, sizeof line);
            KV("exposure", "%s (per step in risk.csv)", line);
        }
#undef KV
        char title[300];
        if (s->title[0]) pr_strlcpy(title, s->title, sizeof title);
        else snprintf(title, sizeof title, "Proratio backtest: %s", s->strategy);
        pr_report_input in = {.title = title, .config = kv, .n_config = n, .metrics = &a->m, .eq = a->eq,
                              .n_eq = a->n_eq, .bench_equity = a->bench, .trades = a->trades,
                              .n_trades = a->n_trades, .prices = a->prices, .n_prices = bc->n_markets,
                              .max_points = (size_t)s->chart_points, .max_trade_rows = (size_t)s->trade_rows,
                              .fingerprint = a->fingerprint};
        rc = make_parent(path, err);
        if (rc == PR_OK) rc = pr_report_write_html(path, &in, err);
    }
    free(kv);
    free(val);
    free(key);
    return rc;
}

void bt_print_header(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
                     const char *strategy, FILE *f) {
    char line[640], costs[400];
    fprintf(f, "strategy     %s\n", strategy);
    for (size_t i = 0; i < bc->n_markets; i++) {
        market_line(s, bc, i, line, sizeof line);
        bt_costs_describe(&bc->markets[i].spec.costs, costs, sizeof costs);
        fprintf(f, "%-12s %s\n%-12s costs: %s\n", bc->markets[i].spec.inst.symbol, line, "", costs);
    }
    sizing_line(s, line, sizeof line);
    fprintf(f, "account      %.10g %s, sizing %s\n", res->start_cash, res->ccy, line);
}

void bt_print_rejects(const pr_backtest_config *bc, const pr_backtest_result *res, FILE *f) {
    size_t listed = 0;
    for (size_t k = 0; k < res->n_reject_kinds; k++) {
        fprintf(f, "rejected     %zu: %s\n", res->rejects[k].n, res->rejects[k].reason);
        listed += res->rejects[k].n;
    }
    if (listed < res->n_rejected) fprintf(f, "rejected     %zu: other reasons\n", res->n_rejected - listed);
    if (res->n_cancelled_with)
        fprintf(f, "cancelled    %zu bracket orders (stops, targets) with their rejected entries\n",
                res->n_cancelled_with);
    if (res->stats.signals == 0 || res->n_fills > 0) return;
    /* Signals but nothing traded: say why. */
    if (res->n_rejected > 0) {
        fprintf(f, "no fills     the broker rejected the orders (reasons above)");
        const char *sym = bc->n_markets == 1 ? bc->markets[0].spec.inst.symbol : "SYMBOL";
        if (res->n_reject_kinds > 0 && strstr(res->rejects[0].reason, "lot") != NULL)
            fprintf(f, ": a position comes to less than one lot; raise sizing.fraction or account.cash, or set "
                    "instruments.%s.lot_step and min_qty for fractional quantities", sym);
        else if (res->n_reject_kinds > 0 && strstr(res->rejects[0].reason, "minimum") != NULL)
            fprintf(f, ": a position is below the instrument's minimum; raise sizing.fraction or account.cash, "
                    "or set instruments.%s.min_qty / min_notional", sym);
        fputc('\n', f);
    } else if (res->stats.orders == 0) {
        fprintf(f, "no fills     the %zu signals made no orders (%zu vetoed, %zu with nothing to do: already in "
                "that position, nothing to exit, or sized to 0)\n", res->stats.signals, res->stats.vetoed,
                res->stats.ignored);
    } else {
        fprintf(f, "no fills     no order's price was reached before the data ended (%zu orders)\n",
                res->stats.orders);
    }
}

/* "risk  12 entries, 3 resized, 2 rejected" and each reason's counts. */
static void print_risk(const pr_risk_state *st, FILE *f) {
    fprintf(f, "risk         %zu entries, %zu resized, %zu rejected", st->entries, st->resized, st->rejected);
    for (int k = 0; k < st->n_counts; k++) {
        const pr_risk_count *c = &st->counts[k];
        fprintf(f, "%s%s: ", k ? "; " : " (", c->reason);
        if (c->resized) fprintf(f, "%zu resized%s", c->resized, c->rejected ? ", " : "");
        if (c->rejected) fprintf(f, "%zu rejected", c->rejected);
    }
    fprintf(f, "%s\n", st->n_counts ? ")" : "");
    for (int k = 0; k < PR_PROT_N; k++) {
        if (!st->trig[k].count) continue;
        char when[40];
        pr_time_format(st->trig[k].last, when, sizeof when);
        fprintf(f, "protection   %s: fired %zu time%s, last at %s\n", pr_risk_protect_names[k], st->trig[k].count,
                st->trig[k].count == 1 ? "" : "s",
                when);
    }
}

/* metrics.json with a "risk" object added after the metrics: entries seen,
 * resized and rejected by the risk stage, and by reason. Only runs with a
 * "risk" section get it, so other runs' files are unchanged. */
static int add_risk_json(char **js, const pr_risk_state *st, const pr_risk_watch *w, pr_err *err) {
    json_error_t je;
    json_t *o = json_loads(*js, 0, &je), *reasons = json_array();
    for (int k = 0; k < st->n_counts; k++)
        json_array_append_new(reasons, json_pack("{s:s, s:I, s:I}", "reason", st->counts[k].reason, "resized",
                                                 (json_int_t)st->counts[k].resized, "rejected",
                                                 (json_int_t)st->counts[k].rejected));
    json_t *prot = json_array();
    for (int k = 0; k < PR_PROT_N; k++) {
        char when[40];
        if (!st->trig[k].count) continue;
        pr_time_format_iso(st->trig[k].last, when, sizeof when);
        int64_t t[PR_RISK_TRIGGER_TIMES];
        size_t n = pr_risk_trigger_times_list(st, k, t);
        json_t *times = json_array();
        for (size_t i = 0; i < n; i++) {
            char iso[40];
            pr_time_format_iso(t[i], iso, sizeof iso);
            json_array_append_new(times, json_string(iso));
        }
        json_array_append_new(prot, json_pack("{s:s, s:I, s:s, s:o}", "protection", pr_risk_protect_names[k], "fired",
                                              (json_int_t)st->trig[k].count, "last", when, "times", times));
    }
    json_object_set_new(o, "risk", json_pack("{s:I, s:I, s:I, s:o, s:o}", "entries", (json_int_t)st->entries,
                                             "resized", (json_int_t)st->resized, "rejected", (json_int_t)st->rejected,
                                             "reasons", reasons, "protections", prot));
    bt_risk_series_json(json_object_get(o, "risk"), w);
    char *t = o ? pr_json_dumps(o, JSON_INDENT(2)) : NULL;
    json_decref(o);
    char *r = t ? realloc(t, strlen(t) + 2) : NULL;
    if (!r) {
        free(t);
        return pr_err_set(err, PR_ENOMEM, "metrics JSON: out of memory");
    }
    strcat(r, "\n");
    free(*js);
    *js = r;
    return PR_OK;
}

int bt_output(const bt_settings *s, const pr_backtest_config *bc, const pr_backtest_result *res,
              bt_analysis *a, const char *strategy, const char *out_dir, const char *report,
              const char *ai_note, bt_show show, pr_err *err) {
    FILE *info = show == BT_SHOW_JSON || show == BT_SHOW_QUIET ? stderr : stdout;
    if (show != BT_SHOW_JSON)
        fprintf(info, "pipeline     %zu signals, %zu vetoed, %zu orders, %zu rejected; %zu fills, %zu liquidations\n",
               res->stats.signals, res->stats.vetoed, res->stats.orders, res->n_rejected, res->n_fills,
               res->n_liquidations);
    if (show != BT_SHOW_JSON && a->risk) print_risk(a->risk, info);
    if (show != BT_SHOW_JSON && a->watch) {
        char line[256];
        bt_risk_series_text(a->watch, line, sizeof line);
        fprintf(info, "exposure     %s\n", line);
    }
    bt_print_rejects(bc, res, info);
    if (show == BT_SHOW_TABLE) {
        putchar('\n');
        int rc = pr_metrics_write_table(&a->m, stdout, err);
        if (rc != PR_OK) return rc;
        putchar('\n');
    }
    char *js = NULL;
    int rc = pr_metrics_to_json(&a->m, &js, err);
    if (rc == PR_OK && a->risk) rc = add_risk_json(&js, a->risk, a->watch, err);
    if (rc == PR_OK && show == BT_SHOW_JSON) fputs(js, stdout);
    char p[BT_PATH_MAX + 32];
    if (rc == PR_OK) rc = bt_make_dirs(out_dir, err);
    if (rc == PR_OK) {
        snprintf(p, sizeof p, "%s/trades.csv", out_dir);
        rc = pr_write_trades_csv(p, a->trades, a->n_trades, err);
    }
    if (rc == PR_OK) {
        snprintf(p, sizeof p, "%s/equity.csv", out_dir);
        rc = bt_equity_finish(a, p, err);
    }
    if (rc == PR_OK) {
        snprintf(p, sizeof p, "%s/metrics.json", out_dir);
        rc = write_text(p, js, err);
    }
    if (rc == PR_OK && a->watch) {
        snprintf(p, sizeof p, "%s/risk.csv", out_dir);
        rc = bt_risk_series_write(p, a->watch, err);
    }
    free(js);
    if (rc == PR_OK && report && report[0]) rc = write_report(s, bc, res, a, strategy, ai_note, report, err);
    if (rc != PR_OK) return rc;
    fprintf(info, "fingerprint  %s  (sha256 of trades.csv)\n", a->fingerprint);
    fprintf(info, "files        %s/trades.csv (%zu closed, %zu open), equity.csv, metrics.json%s\n", out_dir,
            res->n_trades, res->n_open, a->watch ? ", risk.csv" : "");
    if (report && report[0]) fprintf(info, "report       %s\n", report);
    return PR_OK;
}
