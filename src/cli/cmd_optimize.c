/* `proratio optimize`: searches the configuration's "optimize" space with
 * backtests. By default walk-forward: each train window is searched, its
 * best point is run on the test window after it, and the test windows'
 * results, stitched, are THE result (out-of-sample), shown beside the
 * in-sample figures and the walk-forward efficiency. --in-sample-only
 * searches the whole data once and says so on every line that shows it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_output.h"
#include "optimize.h"
#include "optimize_report.h"
#include "optimize_store.h"

static const char k_usage[] =
    "usage: proratio optimize --config FILE [--in-sample-only] [--trials N] [--seed N]\n"
    "                         [--sampler tpe|random|grid] [--jobs N] [--out DIR]\n"
    "                         [--set PATH=VALUE ...] [--run NAME] [--db URL] [--fresh]\n"
    "       proratio optimize show [RUN] [--db URL]\n"
    "Searches the \"optimize\" section's space with backtests of the configuration\n"
    "(README, section Optimisation):\n"
    "  \"optimize\": {\"space\": {\"fast\": {\"int\": [5, 50], \"step\": 5},\n"
    "                          \"slow\": {\"int\": [20, 200], \"step\": 10}},\n"
    "               \"constraints\": [\"fast < slow\"], \"sampler\": \"tpe\", \"trials\": 100,\n"
    "               \"seed\": 42, \"objective\": \"sharpe\", \"min_trades\": 10,\n"
    "               \"walk_forward\": {\"train\": \"365d\", \"test\": \"30d\", \"anchored\": false}}\n"
    "Walk-forward by default: every train window is searched, its best point is\n"
    "run on the test window that follows, and the stitched test windows are the\n"
    "result (out-of-sample), with the in-sample figures and the walk-forward\n"
    "efficiency beside them. --in-sample-only searches all the data once (a\n"
    "result that says nothing about data it has not seen; labelled as such).\n"
    "  --trials N / --seed N / --sampler S / --jobs N   optimize.trials, .seed,\n"
    "                       .sampler, .jobs (threads; 0: every core)\n"
    "  --out DIR            output.dir (default out/<strategy>): optimize/trials.csv,\n"
    "                       folds.csv, oos_trades.csv, oos_equity.csv, best.json\n"
    "  --set PATH=VALUE     any key by its dotted path\n"
    "  --run NAME           the run's name in the store (data.db / --db; default the\n"
    "                       output folder's name): every trial is saved there, and the\n"
    "                       same command after an interruption reads them back and\n"
    "                       goes on; --fresh discards a stored run of that name\n"
    "'show' lists the stored runs, or shows one (its result and best trials).\n"
    "The same configuration and seed give the same trials and results on any\n"
    "number of threads. Exit codes: 2 bad configuration, 3 bad data, 4 not found.";

#define MAX_SETS 64

typedef struct opt_args {
    const char *config, *out, *trials, *seed, *sampler, *jobs, *run, *db;
    int in_sample, fresh;
    size_t n_set;
    const char *set[MAX_SETS];
} opt_args;

static int parse_args(int argc, char **argv, opt_args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (pr_cli_is_help(argv[i])) {
            puts(k_usage);
            return -1;
        }
        if (strcmp(argv[i], "--in-sample-only") == 0 || strcmp(argv[i], "--fresh") == 0) {
            *(argv[i][2] == 'i' ? &a->in_sample : &a->fresh) = 1;
            continue;
        }
        static const char *const flags[] = {"--config", "--out", "--trials", "--seed", "--sampler",
                                            "--jobs",   "--run", "--db",     "--set"};
        const char **dst[] = {&a->config, &a->out, &a->trials, &a->seed, &a->sampler, &a->jobs, &a->run, &a->db, NULL};
        int hit = 0;
        for (size_t f = 0; f < sizeof flags / sizeof flags[0] && !hit; f++) {
            if ((r = pr_cli_opt(argc, argv, &i, flags[f], &v)) == 0) continue;
            if (r < 0) return pr_cli_usage_error("optimize", "%s needs a value", flags[f]);
            hit = 1;
            if (dst[f]) {
                *dst[f] = v;
            } else {
                if (!strchr(v, '=')) return pr_cli_usage_error("optimize", "--set: expected PATH=VALUE, got '%s'", v);
                if (a->n_set == MAX_SETS) return pr_cli_usage_error("optimize", "--set: at most %d", MAX_SETS);
                a->set[a->n_set++] = v;
            }
        }
        if (!hit) return pr_cli_usage_error("optimize", "unknown argument '%s'", argv[i]);
    }
    if (!a->config) return pr_cli_usage_error("optimize", "--config FILE is required");
    return 0;
}

/* Flags become keys, so the section's reader validates them. A value that
 * is not JSON is taken as a string. */
static int apply_flags(pr_config *cfg, const opt_args *a, pr_err *e) {
    const struct { const char *v, *path; } flags[] = {{a->trials, "optimize.trials"}, {a->seed, "optimize.seed"},
                                                      {a->sampler, "optimize.sampler"}, {a->jobs, "optimize.jobs"},
                                                      {a->out, "output.dir"}, {a->db, "data.db"}};
    for (size_t i = 0; i < a->n_set; i++) {
        char path[PR_ERR_PATH_MAX];
        const char *eq = strchr(a->set[i], '=');
        snprintf(path, sizeof path, "%.*s", (int)(eq - a->set[i]), a->set[i]);
        if (pr_config_set(cfg, path, eq + 1, e) != PR_OK) return PR_EINVAL;
    }
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!flags[i].v) continue;
        json_t *j = json_loads(flags[i].v, JSON_DECODE_ANY, NULL);
        char *text = j && !json_is_object(j) && !json_is_array(j) ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
        json_decref(j);
        if (!text) {
            json_t *s = json_string(flags[i].v);
            text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
            json_decref(s);
        }
        int rc = text ? pr_config_set(cfg, flags[i].path, text, e) : pr_err_set(e, PR_ENOMEM, "out of memory");
        free(text);
        if (rc != PR_OK) return rc;
    }
    return PR_OK;
}

/* ---- everything one run holds --------------------------------------------------- */
typedef struct opt_cmd {
    bt_settings *s;
    opt_settings o;
    bt_data data;
    bt_loaded ld[BT_MAX_MARKETS];
    size_t n_ld;
    pr_bt_market mk[BT_MAX_MARKETS];
    char *text;
    opt_ctx ctx;
    opt_worker **workers;
    int jobs;
    char dir[BT_PATH_MAX + 16];
    FILE *trials_csv;
    opt_store store;
    int fold;                      /* the search under way (0: in-sample)        */
    opt_trial *cur;                /* its trials and returns, for on_batch        */
    opt_returns *cur_ret;
    const char *label;
    char *summary;                 /* the result section as printed (malloc'd)   */
    const opt_mpi *mpi;
    int quiet;                     /* an MPI rank other than 0: no files, no store */
} opt_cmd;

static void cmd_free(opt_cmd *c) {
    for (int j = 0; c->workers && j < c->jobs; j++) opt_worker_free(c->workers[j]);
    free(c->workers);
    for (size_t i = 0; i < c->n_ld; i++) bt_loaded_free(&c->ld[i]);
    bt_data_close(&c->data);
    free(c->text);
    free(c->s);
    free(c->summary);
    if (c->trials_csv) fclose(c->trials_csv);
}

/* The result section goes to a buffer, then to the terminal and, as the
 * run's summary, to the store (`proratio optimize show` prints it again). */
static FILE *section_open(opt_cmd *c, size_t *len) {
    free(c->summary);
    c->summary = NULL;
    FILE *f = open_memstream(&c->summary, len);
    return f ? f : stdout;
}

static void section_close(opt_cmd *c, FILE *f) {
    if (f == stdout) return;
    fclose(f);
    if (c->summary) fputs(c->summary, stdout);
}

/* The summary JSON: {"lines": [...]} of the section. */
static char *summary_json(const char *text) {
    json_t *o = json_object(), *a = json_array();
    for (const char *p = text ? text : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n + (nl != NULL);
    }
    json_object_set_new(o, "lines", a);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* After each batch: the trials into the store, and the progress on a terminal. */
static int on_batch(void *user, size_t lo, size_t hi, size_t total, pr_err *e) {
    opt_cmd *c = user;
    if (isatty(2) && !c->quiet) fprintf(stderr, "\r%s: %zu/%zu trials", c->label, hi, total);
    if (isatty(2) && !c->quiet && hi == total) fprintf(stderr, "\r\033[K");
    return opt_store_save(&c->store, &c->o, c->fold, c->cur, lo, hi, c->cur_ret, e);
}

/* A search on window w: trials stored by an earlier start read back first. */
static int search(opt_cmd *c, int fold, const pr_sampler_config *sc, const opt_window *w, opt_trial *t, size_t *n,
                  opt_returns *ret, const char *label, pr_err *e) {
    size_t loaded = 0;
    int rc = opt_store_load(&c->store, &c->o, fold, t, *n, ret, &loaded, e);
    if (rc != PR_OK) return rc;
    if (loaded && isatty(2)) fprintf(stderr, "%s: %zu trials read back from run '%s'\n", label, loaded, c->store.run);
    c->fold = fold;
    c->cur = t;
    c->cur_ret = ret;
    c->label = label;
    return opt_search(c->workers, c->jobs, &c->ctx, sc, w, t, n, ret, on_batch, c, e);
}

/* The point's values as "fast=12 slow=40". */
static void point_text(const pr_opt_space *sp, const double *x, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < sp->n && n + 1 < cap; d++) {
        char v[64];
        pr_opt_value_text(sp, d, x[d], v, sizeof v);
        const char *name = strncmp(sp->dim[d].path, "strategy.params.", 16) == 0 ? sp->dim[d].path + 16 : sp->dim[d].path;
        int w = snprintf(buf + n, cap - n, "%s%s=%s", d ? " " : "", name, v);
        if (w < 0) break;
        n += (size_t)w;
    }
}

static void csv_header(FILE *f, const pr_opt_space *sp) {
    fputs("fold,trial", f);
    for (size_t d = 0; d < sp->n; d++) fprintf(f, ",%s", sp->dim[d].path);
    fputs(",score,sharpe,sortino,calmar,return,cagr,max_drawdown,profit_factor,expectancy,sqn,trades,invalid\n", f);
}

static void csv_row(FILE *f, const pr_opt_space *sp, int fold, size_t k, const opt_trial *t) {
    fprintf(f, "%d,%zu", fold, k);
    for (size_t d = 0; d < sp->n; d++) {
        char v[64];
        pr_opt_value_text(sp, d, t->x[d], v, sizeof v);
        fputc(',', f);
        for (const char *q = v; *q; q++)   /* a choice's quotes and commas out of the CSV */
            if (*q != '"' && *q != ',') fputc(*q, f);
    }
    fprintf(f, ",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%zu,", t->score, t->sharpe, t->sortino,
            t->calmar, t->ret, t->cagr, t->max_dd, t->pf, t->expectancy, t->sqn, t->trades);
    for (const char *q = t->why; *q; q++) fputc(*q == ',' ? ';' : *q, f);
    fputc('\n', f);
}

/* The best trial: the highest score, the earliest on ties; -1 when none is valid. */
static long best_of(const opt_trial *t, size_t n) {
    long b = -1;
    for (size_t k = 0; k < n; k++)
        if (isfinite(t[k].score) && (b < 0 || t[k].score > t[b].score)) b = (long)k;
    return b;
}

static void fmt_pct(double v, char *buf, size_t cap) {
    if (isnan(v)) snprintf(buf, cap, "-");
    else snprintf(buf, cap, "%.2f%%", v * 100);
}

static void print_table(const opt_cmd *c, const opt_trial *t, size_t n, const char *label, FILE *f) {
    const pr_opt_space *sp = &c->o.space;
    size_t *idx = malloc(n * sizeof *idx), m = 0;
    if (!idx) return;
    for (size_t k = 0; k < n; k++) idx[m++] = k;
    /* by score, best first; ties: the earlier trial */
    for (size_t i = 1; i < m; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && (t[idx[j - 1]].score < t[v].score ||
                         (t[idx[j - 1]].score == t[v].score && idx[j - 1] > v) || isnan(t[idx[j - 1]].score))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    fprintf(f, "%s\n  rank  trial     score    sharpe    return    max_dd  trades      pf  parameters\n", label);
    for (size_t r = 0; r < m && r < c->o.top; r++) {
        const opt_trial *x = &t[idx[r]];
        char p[400], ret[32], dd[32];
        point_text(sp, x->x, p, sizeof p);
        fmt_pct(x->ret, ret, sizeof ret);
        fmt_pct(x->max_dd, dd, sizeof dd);
        if (!isfinite(x->score)) {
            fprintf(f, "  %4zu  %5zu   invalid: %s  (%s)\n", r + 1, idx[r], x->why, p);
            continue;
        }
        fprintf(f, "  %4zu  %5zu  %8.4f  %8.3f  %8s  %8s  %6zu  %6.2f  %s\n", r + 1, idx[r], x->score, x->sharpe, ret, dd,
                x->trades, x->pf, p);
    }
    free(idx);
}

/* The Pareto front of several objectives, printed after the table. */
static void print_pareto(const opt_cmd *c, const opt_trial *t, size_t n, FILE *f) {
    size_t k = c->o.obj.n;
    if (k < 2 || n == 0) return;
    double *v = malloc(n * k * sizeof *v);
    unsigned char *front = malloc(n);
    if (!v || !front) {
        free(v);
        free(front);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            v[i * k + j] = isfinite(t[i].score) ? t[i].value[j] * pr_objective_sense(c->o.obj.obj[j]) : NAN;
    pr_pareto_front(v, n, k, front);
    fprintf(f, "pareto front (");
    for (size_t j = 0; j < k; j++) fprintf(f, "%s%s", j ? ", " : "", pr_objective_name(c->o.obj.obj[j]));
    fprintf(f, "):\n");
    for (size_t i = 0; i < n; i++) {
        if (!front[i]) continue;
        char p[400];
        point_text(&c->o.space, t[i].x, p, sizeof p);
        fprintf(f, "  trial %5zu ", i);
        for (size_t j = 0; j < k; j++) fprintf(f, " %s %.4g", pr_objective_name(c->o.obj.obj[j]), t[i].value[j]);
        fprintf(f, "   %s\n", p);
    }
    free(v);
    free(front);
}

/* best.json: the point to trade, as configuration keys. */
static int write_best(const opt_cmd *c, const double *x, pr_err *e) {
    if (c->quiet) return PR_OK;
    char path[BT_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/best.json", c->dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        pr_err_at(e, path, 0, 0, NULL);
        return pr_err_set(e, PR_EIO, "cannot write: %s", strerror(errno));
    }
    fputs("{", f);
    for (size_t d = 0; d < c->o.space.n; d++) {
        char v[64];
        pr_opt_value_text(&c->o.space, d, x[d], v, sizeof v);
        fprintf(f, "%s\n  \"%s\": %s", d ? "," : "", c->o.space.dim[d].path, v);
    }
    fputs("\n}\n", f);
    return fclose(f) == 0 ? PR_OK : pr_err_set(e, PR_EIO, "%s: write failed", path);
}

static void describe_search(const opt_cmd *c, FILE *f, const char *mode) {
    fprintf(f, "optimize     %s: %s, %zu trials%s (%s, seed %llu), objective", mode, c->s->strategy, c->o.trials,
            c->o.walk_forward ? " per fold" : "", pr_sampler_name(c->o.sampler.kind),
            (unsigned long long)c->o.sampler.seed);
    for (size_t j = 0; j < c->o.obj.n; j++) fprintf(f, "%s%s", j ? ", " : " ", pr_objective_name(c->o.obj.obj[j]));
    if (c->o.obj.min_trades) fprintf(f, ", at least %zu trades", c->o.obj.min_trades);
    if (c->o.obj.max_drawdown > 0) fprintf(f, ", drawdown at most %.4g", c->o.obj.max_drawdown);
    if (c->mpi && c->mpi->on) fprintf(f, "; %d MPI rank%s\n", c->mpi->size, c->mpi->size == 1 ? "" : "s");
    else fprintf(f, "; %d thread%s\n", c->jobs, c->jobs == 1 ? "" : "s");
}

/* The overfitting statistics keep the daily returns of at most this many
 * trials per search (days x trials doubles). */
#define PBO_MAX_TRIALS 500

static int returns_new(const opt_cmd *c, const opt_window *w, size_t n, opt_returns *r, pr_err *e) {
    r->rows = opt_window_days(&c->ctx, w);
    r->cols = n < PBO_MAX_TRIALS ? n : PBO_MAX_TRIALS;
    r->m = calloc(r->rows * r->cols + 1, sizeof(double));
    return r->m ? PR_OK : pr_err_set(e, PR_ENOMEM, "optimize: out of memory");
}

static double days_per_year(const opt_cmd *c) { return pr_metrics_days_per_year(c->mk[0].spec.inst.asset_class); }

/* The statistics of a finished search on window w: its best is run again
 * for its daily returns (and, with best_run->records, its trades and curve,
 * handed over). */
static int judge(opt_cmd *c, const opt_trial *t, size_t n, long best, const opt_window *w, const opt_returns *r,
                 opt_overfit *ov, opt_keep *best_run, pr_err *e) {
    double *daily = r->rows ? malloc(r->rows * sizeof *daily) : NULL;
    size_t days = 0;
    int rc = PR_OK;
    if (best >= 0 && daily) {
        opt_trial again;
        *best_run = (opt_keep){.records = best_run->records, .daily = daily, .daily_stride = 1, .daily_cap = r->rows};
        rc = opt_run_trial(c->workers[0], t[best].x, w, &again, best_run, e);
        days = best_run->n_daily;
    }
    if (rc == PR_OK) opt_overfit_compute(&c->o, t, n, best, r, daily, days, days_per_year(c), ov);
    best_run->daily = NULL;
    if (rc == PR_OK && best_run->records) {
        best_run->daily = daily;   /* the caller's now */
        return PR_OK;
    }
    free(daily);
    return rc;
}

static int in_sample(opt_cmd *c, pr_err *e) {
    size_t n = c->o.trials;
    opt_trial *t = calloc(n, sizeof *t);
    if (!t) return pr_err_set(e, PR_ENOMEM, "optimize: out of memory");
    opt_window w = {c->ld[0].n_warmup, c->mk[0].bars->len, 0};
    describe_search(c, stdout, "IN-SAMPLE ONLY (no out-of-sample test)");
    opt_returns ret = {0};
    int rc = returns_new(c, &w, n, &ret, e);
    if (rc == PR_OK) rc = search(c, 0, &c->o.sampler, &w, t, &n, &ret, "in-sample", e);
    if (rc == PR_OK) {
        for (size_t k = 0; k < n; k++) csv_row(c->trials_csv, &c->o.space, 0, k, &t[k]);
        size_t len;
        FILE *out = section_open(c, &len);
        print_table(c, t, n, "IN-SAMPLE results (every figure below was fitted to this data):", out);
        print_pareto(c, t, n, out);
        long b = best_of(t, n);
        if (b < 0) {
            fprintf(out, "best         none: no trial met the filters (see trials.csv, column invalid)\n");
        } else {
            char p[400];
            point_text(&c->o.space, t[b].x, p, sizeof p);
            fprintf(out, "best         %s  (IN-SAMPLE sharpe %.3f, return %.2f%%)\n", p, t[b].sharpe, t[b].ret * 100);
            opt_overfit ov;
            opt_keep run = {.records = 1};
            if ((rc = judge(c, t, n, b, &w, &ret, &ov, &run, e)) == PR_OK) {
                opt_overfit_print(&ov, out);
                opt_montecarlo_print(run.tr, run.n_tr, run.daily, run.n_daily, c->s->cash, c->o.sampler.seed, out);
                free(run.eq);
                free(run.tr);
                free(run.daily);
                rc = write_best(c, t[b].x, e);
            }
        }
        section_close(c, out);
        if (rc == PR_OK) printf("files        %s/trials.csv%s\n", c->dir, b >= 0 ? ", best.json" : "");
    }
    free(ret.m);
    free(t);
    return rc;
}

/* Appends a test window's run to the stitched out-of-sample curve: its
 * points scaled so it starts where the curve ends (the window's own start
 * equity is the configured cash). */
static int stitch(pr_equity_point **all, size_t *n_all, const pr_equity_point *eq, size_t n) {
    if (n == 0) return PR_OK;
    pr_equity_point *na = realloc(*all, (*n_all + n) * sizeof *na);
    if (!na) return PR_ENOMEM;
    *all = na;
    double k = *n_all ? na[*n_all - 1].equity / eq[0].equity : 1;
    for (size_t i = 0; i < n; i++) {
        pr_equity_point p = eq[i];
        p.equity *= k;
        p.equity_gross *= k;
        p.cash *= k;
        p.balance *= k;
        p.margin_used *= k;
        na[(*n_all)++] = p;
    }
    return PR_OK;
}

static int walk_forward(opt_cmd *c, pr_err *e) {
    const pr_series *b0 = c->mk[0].bars;
    pr_wf_config wf = c->o.wf;
    wf.start = c->ld[0].n_warmup;
    if (!wf.train_bars && !wf.train_ms) {   /* default: tenths, train on three */
        size_t tenth = (b0->len - wf.start) / 10;
        wf.test_bars = tenth ? tenth : 1;
        wf.train_bars = 3 * wf.test_bars;
    }
    pr_wf_fold *folds = NULL;
    size_t nf = 0;
    int rc = pr_wf_folds(&wf, b0->ts, b0->len, &folds, &nf, e);
    if (rc != PR_OK) return rc;
    describe_search(c, stdout, "WALK-FORWARD");
    char t0[PR_TIME_STR_MAX], t1[PR_TIME_STR_MAX];
    printf("windows      %zu folds, %s, train %zu / test %zu bars of %s (first fold)\n", nf,
           wf.anchored ? "anchored" : "rolling", folds[0].train_to - folds[0].train_from,
           folds[0].test_to - folds[0].test_from, b0->symbol);
    printf("  fold  train from            test from             test to                best parameters (IS)"
           "          IS sharpe  OOS sharpe  OOS return  OOS trades\n");
    opt_trial *t = calloc(c->o.trials, sizeof *t);
    pr_equity_point *all = NULL;
    pr_trade_record *all_tr = NULL;
    size_t n_all = 0, n_all_tr = 0;
    double is_cagr = 0, is_sharpe = 0, pbo_sum = 0;
    size_t n_is = 0, n_pbo = 0, n_dsr = 0, n_dsr_ok = 0;
    FILE *folds_csv = NULL;
    char path[BT_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/folds.csv", c->dir);
    if (!t || !(folds_csv = fopen(c->quiet ? "/dev/null" : path, "w"))) {
        rc = t ? pr_err_set(e, PR_EIO, "%s: cannot write: %s", path, strerror(errno))
               : pr_err_set(e, PR_ENOMEM, "optimize: out of memory");
        goto out;
    }
    fprintf(folds_csv, "fold,train_from,test_from,test_to,best_trial,is_score,is_sharpe,is_cagr,oos_sharpe,"
                       "oos_return,oos_trades,parameters,is_deflated_sharpe,is_pbo,oos_failed\n");
    double last_x[PR_OPT_MAX_DIMS];
    int have_last = 0;
    for (size_t f = 0; f < nf && rc == PR_OK; f++) {
        size_t n = c->o.trials;
        memset(t, 0, n * sizeof *t);
        pr_sampler_config sc = c->o.sampler;
        sc.seed = c->o.sampler.seed + f;   /* each fold its own, reproducible, draws */
        opt_window tw = {folds[f].train_from, folds[f].train_to, 0};
        char label[64];
        snprintf(label, sizeof label, "fold %zu/%zu", f + 1, nf);
        opt_returns ret = {0};
        if ((rc = returns_new(c, &tw, n, &ret, e)) == PR_OK)
            rc = search(c, (int)f + 1, &sc, &tw, t, &n, &ret, label, e);
        if (rc != PR_OK) {
            free(ret.m);
            break;
        }
        for (size_t k = 0; k < n; k++) csv_row(c->trials_csv, &c->o.space, (int)f + 1, k, &t[k]);
        long b = best_of(t, n);
        opt_overfit ov;
        opt_keep none = {0};
        rc = judge(c, t, n, b, &tw, &ret, &ov, &none, e);
        free(ret.m);
        if (rc != PR_OK) break;
        if (ov.has_pbo) pbo_sum += ov.pbo.pbo, n_pbo++;
        if (ov.has_dsr) n_dsr++, n_dsr_ok += ov.dsr.dsr >= 0.95;
        pr_time_format_iso(b0->ts[folds[f].train_from], t0, sizeof t0);
        pr_time_format_iso(b0->ts[folds[f].test_from], t1, sizeof t1);
        char t2[PR_TIME_STR_MAX];
        /* the end of the last window: its last bar's close */
        int64_t end = folds[f].test_to < b0->len ? b0->ts[folds[f].test_to]
                      : b0->tf != PR_TF_NONE ? b0->ts[b0->len - 1] + pr_tf_ms(b0->tf) : PR_TIME_NONE;
        pr_time_format_iso(end, t2, sizeof t2);
        if (b < 0) {
            printf("  %4zu  %-20s  %-20s  %-20s  no valid trial: the fold stays out of the market\n", f + 1, t0, t1,
                   t2);
            fprintf(folds_csv, "%zu,%s,%s,%s,,,,,,,,,,,\n", f + 1, t0, t1, t2);
            continue;
        }
        opt_trial oos;
        pr_equity_point *eq = NULL;
        pr_trade_record *tr = NULL;
        size_t n_eq = 0, n_tr = 0;
        /* each test window starts with the money the ones before it left */
        opt_window ow = {folds[f].test_from, folds[f].test_to, n_all ? all[n_all - 1].equity : 0};
        opt_keep run = {.records = 1};
        if ((rc = opt_run_trial(c->workers[0], t[b].x, &ow, &oos, &run, e)) != PR_OK) break;
        eq = run.eq, n_eq = run.n_eq, tr = run.tr, n_tr = run.n_tr;
        /* The next window starts flat with this one's equity, so a position
         * still open here ends here, valued at the last close (its P&L is in
         * the curve; closing costs are not charged). */
        for (size_t i = 0; i < n_tr && n_eq; i++)
            if (tr[i].exit_ts == PR_TIME_NONE) {
                tr[i].exit_ts = eq[n_eq - 1].ts;
                pr_strlcpy(tr[i].reason, "window end: valued at the last close", sizeof tr[i].reason);
            }
        if ((rc = stitch(&all, &n_all, eq, n_eq)) == PR_OK && n_tr) {
            pr_trade_record *na = realloc(all_tr, (n_all_tr + n_tr) * sizeof *na);
            if (!na) rc = PR_ENOMEM;
            else {
                all_tr = na;
                memcpy(all_tr + n_all_tr, tr, n_tr * sizeof *tr);
                n_all_tr += n_tr;
            }
        }
        free(eq);
        free(tr);
        if (rc != PR_OK) {
            rc = pr_err_set(e, rc, "optimize: out of memory");
            break;
        }
        char p[400], r[32];
        point_text(&c->o.space, t[b].x, p, sizeof p);
        fmt_pct(oos.ret, r, sizeof r);
        printf("  %4zu  %-20s  %-20s  %-20s  %-28s  %9.3f  %10.3f  %10s  %10zu%s\n", f + 1, t0, t1, t2, p, t[b].sharpe,
               oos.sharpe, r, oos.trades, oos.failed ? "  (the test run failed: see folds.csv)" : "");
        fprintf(folds_csv, "%zu,%s,%s,%s,%ld,%.10g,%.10g,%.10g,%.10g,%.10g,%zu,%s,%.6g,%.6g,", f + 1, t0, t1, t2, b,
                t[b].score, t[b].sharpe, t[b].cagr, oos.sharpe, oos.ret, oos.trades, p, ov.has_dsr ? ov.dsr.dsr : NAN,
                ov.has_pbo ? ov.pbo.pbo : NAN);
        for (const char *q = oos.failed ? oos.why : ""; *q; q++) fputc(*q == ',' ? ';' : *q, folds_csv);
        fputc('\n', folds_csv);
        is_cagr += t[b].cagr;
        is_sharpe += t[b].sharpe;
        n_is++;
        memcpy(last_x, t[b].x, sizeof last_x);
        have_last = 1;
    }
    if (rc != PR_OK) goto out;
    if (n_all == 0) {
        printf("result       no fold had a valid trial: nothing was traded out of sample\n");
        goto out;
    }
    /* The out-of-sample result: the stitched test windows. */
    pr_metrics_options mo;
    pr_metrics_options_default(&mo);
    mo.periods_per_year = c->s->periods_per_year;
    mo.risk_free = c->s->risk_free;
    pr_metrics m;
    if ((rc = pr_metrics_compute(all, n_all, all_tr, n_all_tr, &mo, &m, e)) != PR_OK) goto out;
    double mean_is_cagr = n_is ? is_cagr / (double)n_is : NAN;
    double wfe = mean_is_cagr != 0 && !isnan(mean_is_cagr) ? m.net.cagr / mean_is_cagr : NAN;
    size_t len;
    putchar('\n');
    FILE *out = section_open(c, &len);
    fprintf(out, "OUT-OF-SAMPLE (the result: test windows only, each traded with the parameters chosen before it)\n");
    fprintf(out, "  return %.2f%%  CAGR %.2f%%  sharpe %.3f  sortino %.3f  max drawdown %.2f%%  trades %zu  "
           "profit factor %.2f  win rate %.1f%%\n",
           m.net.total_return * 100, m.net.cagr * 100, m.net.sharpe, m.net.sortino, m.net.max_drawdown * 100,
           m.trades.n_trades, m.trades.profit_factor, m.trades.win_rate * 100);
    fprintf(out, "in-sample    the folds' best trials (fitted): mean sharpe %.3f, mean CAGR %.2f%%\n",
           n_is ? is_sharpe / (double)n_is : NAN, mean_is_cagr * 100);
    fprintf(out, "efficiency   walk-forward efficiency (OOS CAGR / mean IS CAGR): %.2f%s\n", wfe,
           isnan(wfe) ? "" : wfe < 0.5 ? "  (below 0.5: the in-sample fit does not carry over)" : "");
    if (n_pbo || n_dsr)
        fprintf(out, "overfitting  in-sample searches: mean PBO %.2f over %zu folds; the best's deflated Sharpe >= 0.95 in "
               "%zu of %zu folds (per fold: folds.csv)\n",
               n_pbo ? pbo_sum / (double)n_pbo : NAN, n_pbo, n_dsr_ok, n_dsr);
    pr_metrics_free(&m);
    {
        double *daily = malloc((n_all + 1) * sizeof *daily);
        size_t nd = daily ? opt_daily_returns(all, n_all, c->s->cash, daily, 1, n_all) : 0;
        opt_montecarlo_print(all_tr, n_all_tr, daily, nd, c->s->cash, c->o.sampler.seed, out);
        free(daily);
    }
    section_close(c, out);
    snprintf(path, sizeof path, "%s/oos_equity.csv", c->dir);
    if (!c->quiet && (rc = pr_write_equity_csv(path, all, n_all, e)) != PR_OK) goto out;
    snprintf(path, sizeof path, "%s/oos_trades.csv", c->dir);
    if (!c->quiet && (rc = pr_write_trades_csv(path, all_tr, n_all_tr, e)) != PR_OK) goto out;
    if (have_last && (rc = write_best(c, last_x, e)) != PR_OK) goto out;
    printf("files        %s/trials.csv, folds.csv, oos_equity.csv, oos_trades.csv%s\n", c->dir,
           have_last ? ", best.json (the last fold's choice: the parameters to trade next)" : "");
out:
    if (folds_csv) fclose(folds_csv);
    free(t);
    free(all);
    free(all_tr);
    free(folds);
    return rc;
}

/* A key of the space that the configuration does not have at all (a
 * misspelt parameter) would make every trial invalid: refused up front.
 * Each key is set alone to its low value (or first choice) and the
 * settings and the strategy read as a trial reads them. */
static int probe_space(const opt_cmd *c, pr_err *e) {
    const pr_opt_space *sp = &c->o.space;
    bt_settings *s = malloc(sizeof *s);
    bt_errors *errs = malloc(sizeof *errs);
    int rc = s && errs ? PR_OK : pr_err_set(e, PR_ENOMEM, "out of memory");
    for (size_t d = 0; d < sp->n && rc == PR_OK; d++) {
        pr_config *cfg = NULL;
        char v[64];
        pr_opt_value_text(sp, d, sp->dim[d].kind == PR_OPT_CHOICE ? 0 : sp->dim[d].lo, v, sizeof v);
        if ((rc = pr_config_parse(c->text, &cfg, e)) != PR_OK) break;
        pr_err e2;
        pr_err_clear(&e2);
        memset(errs, 0, sizeof *errs);
        const char *msg = NULL;
        if (pr_config_set(cfg, sp->dim[d].path, v, &e2) != PR_OK) msg = e2.msg;
        else if (bt_settings_read(cfg, s, errs) && strstr(errs->msg[0], "unknown")) msg = errs->msg[0];
        else if (!errs->n) {
            pr_strategy *st = NULL;
            if (bt_strategy_create(s->strategy, cfg, "strategy.params", &st, &e2) != PR_OK && strstr(e2.msg, "unknown"))
                msg = e2.msg;
            pr_strategy_free(st);
        }
        if (msg && strstr(msg, sp->dim[d].path))
            rc = pr_err_set(e, PR_EINVAL, "optimize.space: %s is not a key the configuration takes (%s)",
                            sp->dim[d].path, msg);
        pr_config_free(cfg);
    }
    free(s);
    free(errs);
    return rc;
}

static int fail(const pr_err *e) {
    char buf[1024];
    pr_err_format(e, buf, sizeof buf);
    fprintf(stderr, "proratio optimize: ");
    pr_cli_print_safe(stderr, buf);
    fputc('\n', stderr);
    return pr_cli_exit_code(e->code);
}

static int optimize_main(int argc, char **argv, const opt_mpi *mpi) {
    opt_args a;
    int ex = parse_args(argc, argv, &a);
    if (ex) return ex < 0 ? PR_EXIT_OK : ex;
    pr_err e;
    pr_err_clear(&e);
    pr_config *cfg = NULL;
    if ((ex = pr_cli_load_config("optimize", a.config, &cfg)) != PR_EXIT_OK) return ex;
    int rc;
    opt_cmd c;
    memset(&c, 0, sizeof c);
    bt_errors *errs = calloc(1, sizeof *errs);
    c.s = calloc(1, sizeof *c.s);
    if (!errs || !c.s) {
        free(errs);
        free(c.s);
        pr_config_free(cfg);
        fprintf(stderr, "proratio optimize: out of memory\n");
        return PR_EXIT_FAIL;
    }
    if ((rc = apply_flags(cfg, &a, &e)) != PR_OK) {
        free(errs);
        cmd_free(&c);
        pr_config_free(cfg);
        return pr_cli_usage_error("optimize", "%s", e.msg);
    }
    size_t bad = bt_settings_read(cfg, c.s, errs) + opt_settings_read(cfg, &c.o, errs);
    c.o.walk_forward = !a.in_sample;
    if (bad) {
        for (size_t i = 0; i < errs->n; i++) fprintf(stderr, "proratio optimize: %s\n", errs->msg[i]);
        if (errs->dropped) fprintf(stderr, "proratio optimize: ... and %zu more\n", errs->dropped);
        free(errs);
        cmd_free(&c);
        pr_config_free(cfg);
        return PR_EXIT_USAGE;
    }
    free(errs);
    c.text = json_dumps(pr_config_json(cfg), JSON_COMPACT);
    pr_config_free(cfg);
    c.data.url = c.s->db;
    size_t warmup = c.s->warmup > 0 && c.s->from != PR_TIME_NONE ? (size_t)c.s->warmup : 0;
    rc = c.text ? bt_load_markets(&c.data, c.s, warmup, "optimize", c.ld, &c.n_ld, c.mk, &e)
                : pr_err_set(&e, PR_ENOMEM, "out of memory");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    c.jobs = c.o.jobs > 0 ? c.o.jobs : cores > 0 ? (int)cores : 1;
    c.mpi = mpi;
    c.quiet = mpi->rank != 0;
    if (mpi->on) c.jobs = 1;   /* a rank per core (mpirun binds each to one): its trials one at a time */
    c.ctx = (opt_ctx){.mpi = mpi, .config_text = c.text, .s = c.s, .o = &c.o, .mk = c.mk, .n_markets = c.s->n_markets};
    if (rc == PR_OK && !(c.workers = calloc((size_t)c.jobs, sizeof *c.workers)))
        rc = pr_err_set(&e, PR_ENOMEM, "out of memory");
    if (rc == PR_OK && (rc = probe_space(&c, &e)) != PR_OK) {
        cmd_free(&c);
        return pr_cli_usage_error("optimize", "%s", e.msg);
    }
    for (int j = 0; rc == PR_OK && j < c.jobs; j++) rc = opt_worker_new(&c.ctx, &c.workers[j], &e);
    snprintf(c.dir, sizeof c.dir, "%s/optimize", c.s->out_dir);
    char path[BT_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/trials.csv", c.dir);
    if (rc == PR_OK && (c.quiet || (rc = bt_make_dirs(c.dir, &e)) == PR_OK) &&
        !(c.trials_csv = fopen(c.quiet ? "/dev/null" : path, "w"))) {
        pr_err_at(&e, path, 0, 0, NULL);
        rc = pr_err_set(&e, PR_EIO, "cannot write: %s", strerror(errno));
    }
    if (rc == PR_OK && !c.quiet) {
        /* the run's name: --run, else the output folder's last part */
        const char *name = a.run ? a.run : strrchr(c.s->out_dir, '/') ? strrchr(c.s->out_dir, '/') + 1 : c.s->out_dir;
        rc = opt_store_begin(&c.store, &c.data, name[0] ? name : "optimize", c.text,
                             c.o.walk_forward ? "walk-forward" : "in-sample", c.s->strategy, a.fresh, &e);
        if (rc == PR_EINVAL) {
            cmd_free(&c);
            return pr_cli_usage_error("optimize", "%s", e.msg);
        }
        if (rc == PR_OK && c.store.resumed)
            printf("resume       run '%s': %zu trials stored by an earlier start are read back, not run again\n",
                   c.store.run, c.store.resumed);
    }
    if (rc == PR_OK) {
        csv_header(c.trials_csv, &c.o.space);
        rc = c.o.walk_forward ? walk_forward(&c, &e) : in_sample(&c, &e);
        char *sj = rc == PR_OK ? summary_json(c.summary) : NULL;
        pr_err e2;
        pr_err_clear(&e2);
        int rc2 = opt_store_finish(&c.store, rc == PR_OK ? "done" : "failed", sj, rc == PR_OK ? &e : &e2);
        if (rc == PR_OK) rc = rc2;
        free(sj);
        if (rc == PR_OK) printf("store        run '%s' (proratio optimize show %s)\n", c.store.run, c.store.run);
    }
    if (c.trials_csv && fclose(c.trials_csv) != 0 && rc == PR_OK) rc = pr_err_set(&e, PR_EIO, "%s: write failed", path);
    c.trials_csv = NULL;
    cmd_free(&c);
    return rc == PR_OK ? PR_EXIT_OK : fail(&e);
}

int pr_cli_optimize(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "show") == 0) return opt_show(argc, argv);
    opt_mpi mpi;
    int mrc = opt_mpi_init(&mpi, &argc, &argv);
    if (mrc != PR_OK) {
        fprintf(stderr, mrc == PR_EUNSUPPORTED ? "proratio optimize: started by mpirun, but this proratio was built "
                                                 "without OpenMPI: run it without mpirun, or install libopenmpi-dev "
                                                 "and build again\n"
                                               : "proratio optimize: MPI could not start\n");
        return PR_EXIT_FAIL;
    }
    /* rank 0 alone speaks; the others' messages would repeat it */
    if (mpi.rank != 0 && !freopen("/dev/null", "w", stdout)) return PR_EXIT_FAIL;
    int ex = optimize_main(argc, argv, &mpi);
    if (ex != PR_EXIT_OK && ex != PR_EXIT_USAGE) opt_mpi_abort(&mpi, ex);   /* nobody waits on a dead rank */
    opt_mpi_finalize(&mpi);
    return ex;
}
