/* `proratio check lookahead|warmup --config FILE`: the engine's strategy
 * checks (engine/check.h) over the data of a backtest configuration (the
 * `proratio backtest` schema): the strategy, sizing and risk stage are
 * built as the backtest builds them (confirmation stages such as the AI or
 * regime filters are left out: they judge signals, they make none). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "backtest_config.h"

static const char k_usage[] =
    "usage: proratio check lookahead --config FILE [--db URL] [--cuts N]\n"
    "       proratio check warmup --config FILE [--db URL] [--starts N] [--tol X]\n"
    "\n"
    "lookahead  runs the strategy on the full history and on histories cut at N\n"
    "           points (default 20); any indicator value or signal at a bar up to\n"
    "           a cut that differs between the two runs is a look-ahead.\n"
    "           Exit 0: none found, 1: found, 2: bad arguments or configuration,\n"
    "           3: the data could not be loaded or a run failed.\n"
    "warmup     runs the strategy from N later starts (default 4) and measures, per\n"
    "           indicator, the bars after which its values agree with a run from\n"
    "           the first bar within X (default 1e-10) of its largest magnitude.\n"
    "           Exit 0, or 1 when data.warmup is shorter than what was measured.";

typedef struct chk_cmd {
    const char *cmd;             /* "check lookahead" / "check warmup"      */
    pr_config *cfg;
    bt_settings *s;
    bt_data data;
    bt_loaded ld[BT_MAX_MARKETS];
    size_t n_ld;
    pr_bt_market mk[BT_MAX_MARKETS];
    pr_backtest_config bc;
    size_t warmup;               /* bars before data.from the configuration asks for */
    int warmup_auto;
} chk_cmd;

static void cmd_free(chk_cmd *c) {
    for (size_t i = 0; i < c->n_ld; i++) bt_loaded_free(&c->ld[i]);
    bt_data_close(&c->data);
    free(c->s);
    pr_config_free(c->cfg);
}

static int fail(const chk_cmd *c, const pr_err *e, int code) {
    char buf[1024];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio %s: ", c->cmd);
    pr_cli_print_safe(stderr, buf);
    fputc('\n', stderr);
    return code;
}

/* ---- one run's strategy and pipeline, as `proratio backtest` builds them ---- */
static int mk_strategy(void *ctx, pr_strategy **out, pr_err *err) {
    const chk_cmd *c = ctx;
    return bt_strategy_create(c->s->strategy, c->cfg, "strategy.params", out, err);
}

static int mk_pipeline(void *ctx, pr_strategy *st, pr_pipeline **out, void **aux, pr_err *err) {
    const chk_cmd *c = ctx;
    pr_pipeline_config pc;
    pr_pipeline_config_default(&pc);
    pc.sizing = c->s->sizing;
    pc.no_short = c->s->margin.allow_short == 0;
    int rc = pr_pipeline_new(&pc, st, out, err);
    if (rc != PR_OK || !c->s->has_risk) return rc;
    pr_risk_stage *risk = NULL;
    if ((rc = pr_risk_stage_new(&c->s->risk, &risk, err)) != PR_OK) return rc;
    pr_sizer sizer;
    pr_risk_stage_sizer(risk, &sizer);
    pr_pipeline_set_sizer(*out, &sizer);
    *aux = risk;
    return PR_OK;
}

static void release(void *ctx, void *aux) {
    (void)ctx;
    pr_risk_stage_free(aux);
}

/* Reads the configuration and loads its markets with the warm-up it asks
 * for ("auto": what the strategy's indicators need, as the backtest does). */
static int load(chk_cmd *c, const char *path, const char *db, pr_err *e) {
    int rc = pr_config_load(path, &c->cfg, e);
    if (rc == PR_OK && db) rc = pr_config_set(c->cfg, "data.db", db, e);
    if (rc != PR_OK) return fail(c, e, PR_EXIT_USAGE);
    bt_errors *errs = calloc(1, sizeof *errs);
    if (!errs || !(c->s = calloc(1, sizeof *c->s))) {
        free(errs);
        return fail(c, &(pr_err){.code = PR_ENOMEM, .msg = "out of memory"}, PR_EXIT_FAIL);
    }
    if (bt_settings_read(c->cfg, c->s, errs)) {
        for (size_t i = 0; i < errs->n; i++) fprintf(stderr, "proratio %s: %s\n", c->cmd, errs->msg[i]);
        if (errs->dropped) fprintf(stderr, "proratio %s: ... and %zu more\n", c->cmd, errs->dropped);
        free(errs);
        return PR_EXIT_USAGE;
    }
    free(errs);
    bt_settings *s = c->s;
    c->data.url = s->db;
    c->warmup_auto = s->warmup < 0;
    c->warmup = s->warmup > 0 ? (size_t)s->warmup : 0;
    int from = s->from != PR_TIME_NONE;
    rc = bt_load_markets(&c->data, s, from ? c->warmup : 0, c->cmd, c->ld, &c->n_ld, c->mk, e);
    if (rc == PR_OK && from && c->warmup_auto) {
        c->bc = (pr_backtest_config){.start_cash = s->cash, .n_markets = s->n_markets, .markets = c->mk};
        pr_strategy *st = NULL;
        if ((rc = mk_strategy(c, &st, e)) == PR_OK) rc = pr_backtest_history(&c->bc, st, &c->warmup, NULL, e);
        pr_strategy_free(st);
        for (size_t i = 0; rc == PR_OK && i < c->n_ld; i++) bt_loaded_free(&c->ld[i]);
        if (rc == PR_OK) {
            c->n_ld = 0;
            rc = bt_load_markets(&c->data, s, c->warmup, c->cmd, c->ld, &c->n_ld, c->mk, e);
        }
    }
    if (rc != PR_OK) return fail(c, e, rc == PR_EINVAL ? PR_EXIT_USAGE : PR_EXIT_DATA);
    c->bc = (pr_backtest_config){.start_cash = s->cash, .n_markets = s->n_markets, .markets = c->mk,
                                 .trade_from = from ? s->from : PR_TIME_NONE};
    pr_strlcpy(c->bc.ccy, s->ccy, sizeof c->bc.ccy);
    return PR_EXIT_OK;
}

static void print_value(double x) {
    if (isnan(x)) printf("%-22s", "NaN");
    else printf("%-22.15g", x);
}

static int lookahead(chk_cmd *c, size_t cuts) {
    pr_err e;
    pr_err_clear(&e);
    pr_check_runner r = {.ctx = c, .strategy = mk_strategy, .pipeline = mk_pipeline, .release = release};
    pr_lookahead_report rep;
    int rc = pr_check_lookahead(&c->bc, &r, cuts, &rep, &e);
    if (rc != PR_OK) return fail(c, &e, PR_EXIT_DATA);
    printf("look-ahead check: %s, %zu cuts, %zu steps and %zu values compared (%zu indicators, %zu signals in the "
           "full run)\n",
           c->s->strategy[0] ? c->s->strategy : "plugin", rep.n_cuts, rep.steps, rep.values, rep.n_indicators,
           rep.signals);
    if (!rep.n_findings) {
        printf("no look-ahead found\n");
        pr_lookahead_report_free(&rep);
        return PR_EXIT_OK;
    }
    printf("LOOK-AHEAD: %zu indicator%s or signal field%s differ between the full and the cut runs\n",
           rep.n_findings, rep.n_findings == 1 ? "" : "s", rep.n_findings == 1 ? "" : "s");
    printf("%-9s %-60s %-20s %-20s %-22s %-22s %s\n", "kind", "what", "bar close", "cut at", "full run", "cut run",
           "differences");
    for (size_t i = 0; i < rep.n_findings; i++) {
        const pr_lookahead_finding *f = &rep.findings[i];
        char ts[PR_TIME_STR_MAX], cut[PR_TIME_STR_MAX];
        pr_time_format_iso(f->ts, ts, sizeof ts);
        pr_time_format_iso(f->cut, cut, sizeof cut);
        printf("%-9s %-60s %-20s %-20s ", f->signal ? "signal" : "indicator", f->what, ts, cut);
        if (f->has_values) {
            print_value(f->full);
            putchar(' ');
            print_value(f->truncated);
        } else {
            printf("%-22s %-22s", "-", "-");
        }
        printf(" %zu\n", f->count);
    }
    pr_lookahead_report_free(&rep);
    return PR_EXIT_FAIL;
}

static void print_bars(size_t n, int bounded) {
    char buf[32];
    if (n == SIZE_MAX) snprintf(buf, sizeof buf, bounded ? "beyond the data" : "never (unbounded)");
    else snprintf(buf, sizeof buf, "%zu", n);
    printf(" %-18s", buf);
}

static int warmup(chk_cmd *c, size_t starts, double tol) {
    pr_err e;
    pr_err_clear(&e);
    pr_check_runner r = {.ctx = c, .strategy = mk_strategy, .pipeline = mk_pipeline, .release = release};
    pr_warmup_report rep;
    int rc = pr_check_warmup(&c->bc, &r, tol, starts, &rep, &e);
    if (rc != PR_OK) return fail(c, &e, PR_EXIT_DATA);
    printf("warm-up check: %s, tolerance %g of each indicator's largest value, starts at bars", 
           c->s->strategy[0] ? c->s->strategy : "plugin", rep.tol);
    for (size_t i = 0; i < rep.n_starts; i++) printf("%s %zu", i ? "," : "", rep.starts[i]);
    printf(" of %s\n", c->mk[0].bars->symbol);
    printf("%-56s %-18s %-18s\n", "indicator", "bars needed", "analytic");
    size_t need = 0;
    const char *worst = NULL, *unsettled = NULL;
    for (size_t i = 0; i < rep.n_rows; i++) {
        const pr_warmup_row *w = &rep.rows[i];
        printf("%-56s", w->what);
        if (w->unmeasured) printf(" %-18s", "n/a (no start)");
        else print_bars(w->measured, w->bounded);
        if (w->decisions) printf(" %-18s", "-");
        else print_bars(w->analytic, w->bounded);
        putchar('\n');
        if (w->decisions || w->unmeasured) continue;
        if (w->measured == SIZE_MAX && w->bounded && !unsettled) unsettled = w->what;
        if (w->measured != SIZE_MAX && w->measured > need) {
            need = w->measured;
            worst = w->what;
        }
    }
    int ex = PR_EXIT_OK;
    if (c->s->from == PR_TIME_NONE) {
        if (need)
            printf("note: data.from is not set: the run trades from the first bar, while the indicators need %zu "
                   "bars (%s)\n", need, worst);
    } else {
        size_t have = c->warmup;
        for (size_t i = 0; i < c->n_ld; i++)
            if (c->ld[i].n_warmup < have) have = c->ld[i].n_warmup;
        printf("data.warmup%s: %zu bars (%zu loaded)\n", c->warmup_auto ? " \"auto\"" : "", c->warmup, have);
        if (have < need) {
            fprintf(stderr, "proratio %s: warning: the warm-up before data.from is %zu bars, %s needs %zu: the "
                    "first signals depend on where the data starts\n", c->cmd, have, worst, need);
            ex = PR_EXIT_FAIL;
        }
        if (unsettled) {
            fprintf(stderr, "proratio %s: warning: %s still depends on where the data starts at the last bar: no "
                    "warm-up this data holds is enough\n", c->cmd, unsettled);
            ex = PR_EXIT_FAIL;
        }
    }
    pr_warmup_report_free(&rep);
    return ex;
}

int pr_cli_check(int argc, char **argv) {
    if (argc < 2 || pr_cli_is_help(argv[1])) {
        puts(k_usage);
        return argc < 2 ? PR_EXIT_USAGE : PR_EXIT_OK;
    }
    int la = strcmp(argv[1], "lookahead") == 0, wu = strcmp(argv[1], "warmup") == 0;
    if (!la && !wu) return pr_cli_usage_error("check", "unknown check '%s' (lookahead, warmup)", argv[1]);
    chk_cmd c;
    memset(&c, 0, sizeof c);
    c.cmd = la ? "check lookahead" : "check warmup";
    const char *config = NULL, *db = NULL;
    int64_t n = 0;
    double tol = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        if (pr_cli_is_help(argv[i])) {
            puts(k_usage);
            return PR_EXIT_OK;
        }
        const char *flag = argv[i];
        int r;
        if ((r = pr_cli_opt(argc, argv, &i, "--config", &v)) > 0) {
            config = v;
        } else if (!r && (r = pr_cli_opt(argc, argv, &i, "--db", &v)) > 0) {
            db = v;
        } else if (!r && (r = pr_cli_opt(argc, argv, &i, la ? "--cuts" : "--starts", &v)) > 0) {
            int max = la ? 1000 : PR_WARMUP_MAX_STARTS;
            if (pr_cli_parse_int(v, 1, max, &n) != 0)
                return pr_cli_usage_error(c.cmd, "%s: expected 1..%d, got '%s'", la ? "--cuts" : "--starts", max, v);
        } else if (!r && wu && (r = pr_cli_opt(argc, argv, &i, "--tol", &v)) > 0) {
            char *end = NULL;
            tol = strtod(v, &end);
            if (!end || end == v || *end || !(tol > 0 && tol < 1))
                return pr_cli_usage_error(c.cmd, "--tol: expected a number in (0, 1), got '%s'", v);
        }
        if (r < 0) return pr_cli_usage_error(c.cmd, "%s needs a value", flag);
        if (r == 0) return pr_cli_usage_error(c.cmd, "unknown argument '%s'", flag);
    }
    if (!config) return pr_cli_usage_error(c.cmd, "--config FILE is required");
    pr_err e;
    pr_err_clear(&e);
    int ex = load(&c, config, db, &e);
    if (ex == PR_EXIT_OK) ex = la ? lookahead(&c, (size_t)n) : warmup(&c, (size_t)n, tol);
    cmd_free(&c);
    return ex;
}
