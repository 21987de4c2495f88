/* `proratio optimize` and the store (data/store_opt.h): the run's row
 * (its configuration's digest, mode, status and result), every trial saved
 * after each batch — its values and figures as JSON with 17 significant
 * digits, so they read back bit for bit, and for the trials whose daily
 * returns feed the overfitting statistics those returns too — and a
 * search started again with the same configuration reads its trials back
 * instead of running them: an interrupted search resumes and ends as an
 * uninterrupted one would. `proratio optimize show` lists the runs and
 * shows one. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "backtest_output.h"
#include "optimize_store.h"

static double num_or_nan(json_t *j) { return json_is_number(j) ? json_number_value(j) : NAN; }

static json_t *num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

int opt_store_begin(opt_store *os, bt_data *data, const char *run, const char *config_text, const char *mode,
                    const char *strategy, int fresh, pr_err *e) {
    memset(os, 0, sizeof *os);
    pr_strlcpy(os->run, run, sizeof os->run);
    pr_strlcpy(os->mode, mode, sizeof os->mode);
    pr_strlcpy(os->strategy, strategy, sizeof os->strategy);
    pr_config *cfg = NULL;
    int rc = pr_config_parse(config_text, &cfg, e);
    if (rc == PR_OK) {
        /* the mode is part of what was searched: --in-sample-only is another run */
        char *m = NULL;
        json_t *s = json_string(mode);
        if (s && (m = json_dumps(s, JSON_ENCODE_ANY))) rc = pr_config_set(cfg, "optimize.mode", m, e);
        free(m);
        json_decref(s);
        if (rc == PR_OK) rc = bt_config_digest(cfg, os->digest, e);
    }
    pr_config_free(cfg);
    void *st = NULL;
    if (rc == PR_OK) rc = bt_data_store(data, &st, e);
    if (rc != PR_OK) return rc;
    os->st = st;
    pr_opt_run_row row;
    rc = pr_store_opt_run_get(os->st, run, &row, e);
    if (rc == PR_OK) {
        int same = strcmp(row.config_digest, os->digest) == 0;
        os->resumed = same && !fresh ? (size_t)row.trials : 0;
        pr_store_opt_run_free(&row);
        if (!same && !fresh)
            return pr_err_set(e, PR_EINVAL,
                              "the store holds run '%s' of another configuration (or mode): --fresh replaces it, "
                              "--run NAME keeps both",
                              run);
        if (fresh && (rc = pr_store_opt_run_delete(os->st, run, e)) != PR_OK) return rc;
    } else if (rc != PR_ENOTFOUND) {
        return rc;
    }
    return pr_store_opt_run_put(os->st, run, os->digest, mode, strategy, "running", "{}", pr_time_now_ms(), e);
}

/* ---- trials as JSON -------------------------------------------------------------- */
static char *params_json(const pr_opt_space *sp, const double *x) {
    json_t *o = json_object();
    for (size_t d = 0; o && d < sp->n; d++) {
        char v[64];
        pr_opt_value_text(sp, d, x[d], v, sizeof v);
        json_object_set_new(o, sp->dim[d].path, json_loads(v, JSON_DECODE_ANY, NULL));
    }
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(o);
    return s;
}

static char *metrics_json(const opt_trial *t, size_t n_obj, const double *daily, size_t days, size_t stride) {
    json_t *o = json_object(), *v = json_array();
    json_object_set_new(o, "sharpe", num_or_null(t->sharpe));
    json_object_set_new(o, "sortino", num_or_null(t->sortino));
    json_object_set_new(o, "calmar", num_or_null(t->calmar));
    json_object_set_new(o, "return", num_or_null(t->ret));
    json_object_set_new(o, "cagr", num_or_null(t->cagr));
    json_object_set_new(o, "max_drawdown", num_or_null(t->max_dd));
    json_object_set_new(o, "profit_factor", num_or_null(t->pf));
    json_object_set_new(o, "expectancy", num_or_null(t->expectancy));
    json_object_set_new(o, "sqn", num_or_null(t->sqn));
    json_object_set_new(o, "trades", json_integer((json_int_t)t->trades));
    json_object_set_new(o, "failed", json_integer(t->failed));
    json_object_set_new(o, "why", json_string(t->why));
    for (size_t j = 0; j < n_obj; j++) json_array_append_new(v, num_or_null(t->value[j]));
    json_object_set_new(o, "objectives", v);
    if (daily) {
        /* each return's 8 bytes as 16 hex digits: exact, and cheap next to
         * printing hundreds of thousands of numbers */
        char *hex = malloc(16 * days + 1);
        static const char digits[] = "0123456789abcdef";
        for (size_t i = 0; hex && i < days; i++) {
            uint64_t b;
            memcpy(&b, &daily[i * stride], sizeof b);
            for (int k = 0; k < 16; k++) hex[16 * i + (size_t)k] = digits[(b >> (60 - 4 * k)) & 15];
        }
        if (hex) {
            hex[16 * days] = '\0';
            json_object_set_new(o, "daily", json_string(hex));
        }
        free(hex);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(o);
    return s;
}

int opt_store_save(opt_store *os, const opt_settings *o, int fold, const opt_trial *t, size_t lo, size_t hi,
                   const opt_returns *ret, pr_err *e) {
    if (!os->st) return PR_OK;
    int rc = pr_store_begin(os->st, e);
    for (size_t k = lo; k < hi && rc == PR_OK; k++) {
        if (t[k].stored) continue;
        const double *daily = ret && k < ret->cols && !t[k].failed ? ret->m + k : NULL;
        char *p = params_json(&o->space, t[k].x);
        char *m = metrics_json(&t[k], o->obj.n, daily, ret ? ret->rows : 0, ret ? ret->cols : 1);
        char score[40];
        snprintf(score, sizeof score, "%.17g", t[k].score);
        rc = p && m ? pr_store_opt_trial_put(os->st, os->run, fold, (long)k, p, score, m, e)
                    : pr_err_set(e, PR_ENOMEM, "out of memory");
        free(p);
        free(m);
    }
    if (rc == PR_OK) return pr_store_commit(os->st, e);
    pr_err e2;
    pr_err_clear(&e2);
    pr_store_rollback(os->st, &e2);
    return rc;
}

/* ---- reading a run's trials back ------------------------------------------------- */
typedef struct load_ctx {
    const opt_settings *o;
    int fold;
    opt_trial *t;
    size_t n;
    opt_returns *ret;
    size_t loaded, unreadable;
    char bad[64];            /* the first unreadable one                       */
} load_ctx;

/* The values of a stored point; 0 when a key or a choice is not the space's. */
static int read_point(const pr_opt_space *sp, json_t *p, double *x) {
    for (size_t d = 0; d < sp->n; d++) {
        json_t *v = json_object_get(p, sp->dim[d].path);
        if (!v) return 0;
        if (sp->dim[d].kind != PR_OPT_CHOICE) {
            if (!json_is_number(v)) return 0;
            x[d] = json_number_value(v);
            continue;
        }
        char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        int found = -1;
        for (int c = 0; text && c < sp->dim[d].n_choices && found < 0; c++) {
            json_t *want = json_loads(sp->dim[d].choice[c], JSON_DECODE_ANY, NULL);
            if (want && json_equal(want, v)) found = c;
            json_decref(want);
        }
        free(text);
        if (found < 0) return 0;
        x[d] = found;
    }
    return 1;
}

static int take_trial(void *user, int fold, long trial, const char *params, const char *score, const char *metrics) {
    load_ctx *c = user;
    if (fold != c->fold || trial < 0 || (size_t)trial >= c->n) return PR_OK;
    json_t *p = json_loads(params, 0, NULL), *m = json_loads(metrics, 0, NULL);
    opt_trial *t = &c->t[trial];
    int ok = p && m;
    memset(t, 0, sizeof *t);
    if (ok) ok = read_point(&c->o->space, p, t->x);
    if (ok) {
        t->score = strtod(score, NULL);
        t->sharpe = num_or_nan(json_object_get(m, "sharpe"));
        t->sortino = num_or_nan(json_object_get(m, "sortino"));
        t->calmar = num_or_nan(json_object_get(m, "calmar"));
        t->ret = num_or_nan(json_object_get(m, "return"));
        t->cagr = num_or_nan(json_object_get(m, "cagr"));
        t->max_dd = num_or_nan(json_object_get(m, "max_drawdown"));
        t->pf = num_or_nan(json_object_get(m, "profit_factor"));
        t->expectancy = num_or_nan(json_object_get(m, "expectancy"));
        t->sqn = num_or_nan(json_object_get(m, "sqn"));
        t->trades = (size_t)json_integer_value(json_object_get(m, "trades"));
        t->failed = (int)json_integer_value(json_object_get(m, "failed"));
        pr_strlcpy(t->why, json_string_value(json_object_get(m, "why")) ? json_string_value(json_object_get(m, "why")) : "",
                   sizeof t->why);
        json_t *v = json_object_get(m, "objectives");
        for (size_t j = 0; j < PR_OPT_MAX_OBJECTIVES; j++) t->value[j] = num_or_nan(json_array_get(v, j));
        const char *d = json_string_value(json_object_get(m, "daily"));
        if (c->ret && (size_t)trial < c->ret->cols && !t->failed) {
            /* the overfitting statistics need them: a trial stored without them is run again */
            ok = d && strlen(d) == 16 * c->ret->rows;
            for (size_t i = 0; ok && i < c->ret->rows; i++) {
                uint64_t b = 0;
                for (int k = 0; ok && k < 16; k++) {
                    char h = d[16 * i + (size_t)k];
                    int hv = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
                    ok = hv >= 0;
                    b = b << 4 | (uint64_t)(hv & 15);
                }
                memcpy(&c->ret->m[i * c->ret->cols + (size_t)trial], &b, sizeof b);
            }
        }
    }
    json_decref(p);
    json_decref(m);
    if (!ok) {
        memset(t, 0, sizeof *t);
        if (!c->unreadable++) snprintf(c->bad, sizeof c->bad, "fold %d trial %ld", fold, trial);
        return PR_OK;
    }
    t->stored = 1;
    c->loaded++;
    return PR_OK;
}

int opt_store_load(opt_store *os, const opt_settings *o, int fold, opt_trial *t, size_t n, opt_returns *ret,
                   size_t *loaded, pr_err *e) {
    *loaded = 0;
    if (!os->st || !os->resumed) return PR_OK;
    load_ctx c = {.o = o, .fold = fold, .t = t, .n = n, .ret = ret};
    int rc = pr_store_opt_trials(os->st, os->run, take_trial, &c, e);
    *loaded = c.loaded;
    if (rc == PR_OK && c.unreadable)
        fprintf(stderr, "proratio optimize: run '%s': %zu stored trial%s of fold %d could not be read back (first: %s);"
                " they are run again and stored over\n",
                os->run, c.unreadable, c.unreadable == 1 ? "" : "s", fold, c.bad);
    return rc;
}

int opt_store_finish(opt_store *os, const char *status, const char *summary, pr_err *e) {
    if (!os->st) return PR_OK;
    return pr_store_opt_run_put(os->st, os->run, os->digest, os->mode, os->strategy, status, summary ? summary : "{}",
                                pr_time_now_ms(), e);
}

/* ---- proratio optimize show --------------------------------------------------------- */
static int list_one(void *user, const pr_opt_run_row *r) {
    (void)user;
    char t[PR_TIME_STR_MAX];
    pr_time_format_iso(r->updated_at, t, sizeof t);
    printf("%-28s %-13s %-16s %-8s %8lld  %s\n", r->name, r->mode, r->strategy, r->status, r->trials, t);
    return PR_OK;
}

typedef struct top_ctx {
    opt_trial *t;
    int *fold;
    long *trial;
    char (*params)[256];
    size_t n, cap;
} top_ctx;

static int take_any(void *user, int fold, long trial, const char *params, const char *score, const char *metrics) {
    top_ctx *c = user;
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 256;
        opt_trial *nt = realloc(c->t, nc * sizeof *nt);
        int *nf = nt ? realloc(c->fold, nc * sizeof *nf) : NULL;
        long *nk = nf ? realloc(c->trial, nc * sizeof *nk) : NULL;
        char(*np)[256] = nk ? realloc(c->params, nc * sizeof *np) : NULL;
        if (nt) c->t = nt;
        if (nf) c->fold = nf;
        if (nk) c->trial = nk;
        if (np) c->params = np;
        if (!nt || !nf || !nk || !np) return PR_ENOMEM;
        c->cap = nc;
    }
    opt_trial *t = &c->t[c->n];
    memset(t, 0, sizeof *t);
    json_t *m = json_loads(metrics, 0, NULL);
    t->score = strtod(score, NULL);
    t->sharpe = num_or_nan(json_object_get(m, "sharpe"));
    t->ret = num_or_nan(json_object_get(m, "return"));
    t->max_dd = num_or_nan(json_object_get(m, "max_drawdown"));
    t->trades = (size_t)json_integer_value(json_object_get(m, "trades"));
    json_decref(m);
    c->fold[c->n] = fold;
    c->trial[c->n] = trial;
    pr_strlcpy(c->params[c->n], params, sizeof c->params[0]);
    c->n++;
    return PR_OK;
}

int opt_show(int argc, char **argv) {
    const char *db = PR_CLI_DEFAULT_DB, *run = NULL;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int r = pr_cli_opt(argc, argv, &i, "--db", &v);
        if (r < 0) return pr_cli_usage_error("optimize show", "--db needs a value");
        if (r > 0) db = v;
        else if (argv[i][0] != '-' && !run) run = argv[i];
        else return pr_cli_usage_error("optimize show", "unknown argument '%s'", argv[i]);
    }
    pr_err e;
    pr_err_clear(&e);
    pr_store *st = NULL;
    int rc = pr_store_open(db, &st, &e);
    if (rc == PR_OK && !run) {
        printf("%-28s %-13s %-16s %-8s %8s  %s\n", "run", "mode", "strategy", "status", "trials", "updated");
        rc = pr_store_opt_run_list(st, list_one, NULL, &e);
    } else if (rc == PR_OK) {
        pr_opt_run_row row;
        if ((rc = pr_store_opt_run_get(st, run, &row, &e)) == PR_OK) {
            char t[PR_TIME_STR_MAX];
            pr_time_format_iso(row.updated_at, t, sizeof t);
            printf("run          %s: %s %s, %s, %lld trials (updated %s)\n", row.name, row.strategy, row.mode,
                   row.status, row.trials, t);
            json_t *s = json_loads(row.summary, 0, NULL);
            json_t *lines = json_object_get(s, "lines");
            for (size_t i = 0; i < json_array_size(lines); i++) printf("%s\n", json_string_value(json_array_get(lines, i)));
            json_decref(s);
            pr_store_opt_run_free(&row);
            top_ctx c = {0};
            if ((rc = pr_store_opt_trials(st, run, take_any, &c, &e)) == PR_OK) {
                /* the best ten by score over every fold; ties: the earlier */
                printf("best trials (%s):\n  fold  trial     score    sharpe    return    max_dd  trades  parameters\n",
                       strcmp(row.mode, "in-sample") == 0 ? "IN-SAMPLE" : "each fold's in-sample search");
                unsigned char *used = calloc(c.n + 1, 1);
                for (size_t r = 0; used && r < 10 && r < c.n; r++) {
                    size_t b = c.n;
                    for (size_t k = 0; k < c.n; k++)
                        if (!used[k] && (b == c.n || c.t[k].score > c.t[b].score)) b = k;
                    if (b == c.n || !isfinite(c.t[b].score)) break;
                    used[b] = 1;
                    printf("  %4d  %5ld  %8.4f  %8.3f  %7.2f%%  %7.2f%%  %6zu  %s\n", c.fold[b], c.trial[b], c.t[b].score,
                           c.t[b].sharpe, c.t[b].ret * 100, c.t[b].max_dd * 100, c.t[b].trades, c.params[b]);
                }
                free(used);
            } else if (rc == PR_ENOMEM) {
                pr_err_set(&e, rc, "out of memory");
            }
            free(c.t);
            free(c.fold);
            free(c.trial);
            free(c.params);
        }
    }
    pr_store_close(st);
    if (rc == PR_OK) return PR_EXIT_OK;
    char buf[1024];
    pr_err_format(&e, buf, sizeof buf);
    fprintf(stderr, "proratio optimize show: %s\n", buf);
    return pr_cli_exit_code(rc);
}
