/* `proratio stats`: statistical tests on a price column of a CSV file or a
 * stored dataset — augmented Dickey-Fuller (adf), Engle-Granger
 * cointegration of two series (coint), Hurst exponent (hurst) and half-life
 * of mean reversion (halflife) — printed for people or as JSON (--json).
 * Two series are aligned by bar open time (inner join). The conclusions
 * printed at 5% compare the statistic with MacKinnon's finite-sample
 * critical value (the p-value is an asymptotic approximation). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_data.h"
#include "proratio/data.h"
#include "proratio/ta.h"
#include "proratio/core/json_text.h"

#define CMD "stats"

static const char *stats_usage =
    "usage: proratio stats adf      SOURCE [--column C] [--log] [--regression c|ct|ctt|n]\n"
    "                               [--maxlag N] [--autolag aic|bic|t-stat|none] [--json]\n"
    "       proratio stats coint    SOURCE SOURCE2 [--column C] [--log] [--trend c|ct|ctt|n]\n"
    "                               [--maxlag N] [--autolag aic|bic|t-stat|none] [--json]\n"
    "       proratio stats hurst    SOURCE [SOURCE2] [--column C] [--log] [--method rs|var]\n"
    "                               [--min-window N] [--max-window N] [--min-lag N] [--max-lag N] [--json]\n"
    "       proratio stats halflife SOURCE [SOURCE2] [--column C] [--log] [--json]\n"
    "\n"
    "  SOURCE            --csv FILE or --dataset NAME (VENUE:SYMBOL:TF, SYMBOL:TF or SYMBOL-TF)\n"
    "  SOURCE2           --csv2 FILE or --dataset2 NAME: the second series (x). coint tests y\n"
    "                    (SOURCE) against x; hurst and halflife then analyse the spread\n"
    "                    y - b*x - a with b, a from OLS of y on x. Aligned by bar time.\n"
    "  --db URL          store for --dataset (sqlite:PATH, PATH or postgresql://...; default\n"
    "                    " PR_CLI_DEFAULT_DB ")\n"
    "  --column C        open, high, low, close (default) or volume\n"
    "  --log             use the natural log of the column (values must be > 0)\n"
    "  --from/--to TIME  bars with from <= open time < to\n"
    "  --json            one JSON object on standard output\n"
    "\n"
    "adf       H0: unit root. Lag chosen over 0..maxlag (default 12*(n/100)^(1/4)) by AIC,\n"
    "          as statsmodels' adfuller; p-value MacKinnon (1994), critical values MacKinnon (2010).\n"
    "coint     Engle-Granger: OLS y = a + b x, ADF (no constant) on the residuals, MacKinnon N=2.\n"
    "          H0: no cointegration.\n"
    "hurst     rs: Anis-Lloyd-Peters corrected rescaled range (default); var: std of lagged\n"
    "          differences ~ lag^H. H < 0.5 mean-reverting, 0.5 random walk, > 0.5 trending.\n"
    "halflife  OLS ds[t] = c + lambda s[t-1]: half-life = -ln 2 / lambda bars.\n"
    "\n"
    "exit codes: 0 ok, 1 failure, 2 usage error, 3 data unusable (too short, constant, NaN),\n"
    "4 file or dataset not found\n";

typedef struct {
    const char *csv, *csv2, *dataset, *dataset2, *db, *column, *from_s, *to_s;
    const char *regression, *trend, *autolag, *method;
    const char *maxlag, *min_window, *max_window, *min_lag, *max_lag;
    int log, json;
} opts;

/* A loaded column, possibly a spread, with its label for the output. */
typedef struct {
    size_t n;
    double *v;
    int64_t *ts;
    pr_timeframe tf;
    char label[300];
} column;

static void column_free(column *c) {
    free(c->v);
    free(c->ts);
    c->v = NULL;
    c->ts = NULL;
}

static int parse_long(const char *opt, const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return pr_cli_usage_error(CMD, "%s: expected a whole number in [%ld, %ld], got '%s'", opt, lo, hi, s);
    *out = v;
    return PR_EXIT_OK;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int load_column(const char *csv, const char *dataset, const opts *o, int64_t from, int64_t to, column *c,
                       pr_err *e) {
    pr_series s;
    int rc = pr_series_init(&s, 0);
    if (rc) return pr_err_set(e, rc, "out of memory");
    if (csv) {
        pr_import_options io;
        pr_import_options_init(&io);
        rc = pr_import_csv_series(csv, &io, &s, NULL, e);
        snprintf(c->label, sizeof c->label, "%s", base_name(csv));
    } else {
        pr_store *st = NULL;
        pr_store_options so;
        pr_cli_store_options(1, 0, &so);
        rc = pr_store_open_with(o->db ? o->db : PR_CLI_DEFAULT_DB, &so, &st, e);
        if (rc == PR_OK) rc = pr_cli_load_dataset(st, dataset, PR_TIME_NONE, PR_TIME_NONE, &s, NULL, e);
        pr_store_close(st);
        snprintf(c->label, sizeof c->label, "%s", dataset);
    }
    if (rc) {
        pr_series_free(&s);
        return rc;
    }
    const char *col = o->column ? o->column : "close";
    const double *src = strcmp(col, "open") == 0     ? s.open
                        : strcmp(col, "high") == 0   ? s.high
                        : strcmp(col, "low") == 0    ? s.low
                        : strcmp(col, "volume") == 0 ? s.volume
                                                     : s.close;
    size_t lo = from == PR_TIME_NONE ? 0 : pr_series_lower_bound(&s, from);
    size_t hi = to == PR_TIME_NONE ? s.len : pr_series_lower_bound(&s, to);
    if (hi < lo) hi = lo;
    c->n = hi - lo;
    c->tf = s.tf;
    c->v = malloc(sizeof(double) * (c->n ? c->n : 1));
    c->ts = malloc(sizeof(int64_t) * (c->n ? c->n : 1));
    if (!c->v || !c->ts) {
        pr_series_free(&s);
        return pr_err_set(e, PR_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->n; i++) {
        double v = src[lo + i];
        c->ts[i] = s.ts[lo + i];
        if (o->log) {
            if (!(v > 0)) {
                char t[PR_TIME_STR_MAX];
                pr_time_format(c->ts[i], t, sizeof t);
                pr_series_free(&s);
                return pr_err_set(e, PR_EDATA, "%s: %s = %g at %s; --log needs values > 0", c->label, col, v, t);
            }
            v = log(v);
        }
        c->v[i] = v;
    }
    size_t L = strlen(c->label);
    snprintf(c->label + L, sizeof c->label - L, " %s%s%s", o->log ? "log(" : "", col, o->log ? ")" : "");
    pr_series_free(&s);
    if (c->n == 0) return pr_err_set(e, PR_EDATA, "%s: no bars in the requested range", c->label);
    return PR_OK;
}

/* Inner join of y and x on open time; both are sorted by time. */
static int align(column *y, column *x, pr_err *e) {
    size_t i = 0, j = 0, k = 0;
    while (i < y->n && j < x->n) {
        if (y->ts[i] < x->ts[j]) i++;
        else if (y->ts[i] > x->ts[j]) j++;
        else {
            y->ts[k] = y->ts[i];
            y->v[k] = y->v[i];
            x->ts[k] = x->ts[j];
            x->v[k] = x->v[j];
            k++, i++, j++;
        }
    }
    y->n = x->n = k;
    if (k == 0) return pr_err_set(e, PR_EDATA, "%s and %s share no bar times", y->label, x->label);
    return PR_OK;
}

/* Loads SOURCE2 into x and aligns y and x on bar time. */
static int load_pair_rest(const opts *o, int64_t from, int64_t to, column *y, column *x, pr_err *e) {
    int rc = load_column(o->csv2, o->dataset2, o, from, to, x, e);
    if (rc) return rc;
    size_t ny = y->n, nx = x->n;
    rc = align(y, x, e);
    if (rc) return rc;
    if (y->tf != x->tf && y->tf != PR_TF_NONE && x->tf != PR_TF_NONE)
        fprintf(stderr, "proratio %s: warning: timeframes differ (%s, %s); %zu of %zu and %zu bars share a time\n",
                CMD, pr_tf_name(y->tf), pr_tf_name(x->tf), y->n, ny, nx);
    return PR_OK;
}

/* Loads SOURCE into y (and with want_pair SOURCE2 into x, aligned). */
static int load_inputs(const opts *o, int want_pair, column *y, column *x, pr_err *e) {
    int64_t from = PR_TIME_NONE, to = PR_TIME_NONE;
    if (o->from_s && pr_time_parse(o->from_s, (size_t)-1, &from, e)) return PR_EINVAL;
    if (o->to_s && pr_time_parse(o->to_s, (size_t)-1, &to, e)) return PR_EINVAL;
    int rc = load_column(o->csv, o->dataset, o, from, to, y, e);
    if (rc == PR_OK && want_pair) rc = load_pair_rest(o, from, to, y, x, e);
    /* the importer may leave file context in the record; a statistic's
     * error that follows must not be reported against the file */
    if (rc == PR_OK) pr_err_clear(e);
    return rc;
}

/* ---- output helpers ---- */

static json_t *jreal(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static int emit_json(json_t *root) {
    char *s = pr_json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!s) {
        fprintf(stderr, "proratio %s: cannot format JSON\n", CMD);
        return PR_EXIT_FAIL;
    }
    puts(s);
    free(s);
    return fflush(stdout) == 0 ? PR_EXIT_OK : PR_EXIT_FAIL;
}

static json_t *jcrit(const double c[3]) {
    json_t *o = json_object();
    json_object_set_new(o, "1%", jreal(c[0]));
    json_object_set_new(o, "5%", jreal(c[1]));
    json_object_set_new(o, "10%", jreal(c[2]));
    return o;
}

static const char *regression_words(pr_adf_regression r) {
    switch (r) {
    case PR_ADF_N: return "no constant";
    case PR_ADF_C: return "constant";
    case PR_ADF_CT: return "constant and linear trend";
    default: return "constant, linear and quadratic trend";
    }
}

/* Rejection at 5%: by the finite-sample critical value when there is one,
 * else by the p-value. */
static int reject5(double stat, double p, const double crit[3]) {
    return isfinite(crit[1]) ? stat < crit[1] : p < 0.05;
}

static void print_crit(const double c[3]) {
    if (isfinite(c[1]))
        printf("  critical values   1%%: %.4f   5%%: %.4f   10%%: %.4f  (MacKinnon 2010)\n", c[0], c[1], c[2]);
    else
        printf("  critical values   not tabulated for this case (use the p-value)\n");
}

/* ---- subcommands ---- */

static int run_adf(const opts *o) {
    pr_adf_opts ao;
    pr_adf_opts_default(&ao);
    if (o->regression && pr_adf_regression_parse(o->regression, &ao.regression))
        return pr_cli_usage_error(CMD, "--regression: expected c, ct, ctt or n, got '%s'", o->regression);
    if (o->autolag && pr_adf_autolag_parse(o->autolag, &ao.autolag))
        return pr_cli_usage_error(CMD, "--autolag: expected aic, bic, t-stat or none, got '%s'", o->autolag);
    long ml = -1;
    if (o->maxlag && parse_long("--maxlag", o->maxlag, 0, 100000, &ml)) return PR_EXIT_USAGE;
    ao.maxlag = (int)ml;
    column y = {0};
    pr_err e;
    pr_err_clear(&e);
    pr_adf_result r;
    int rc = load_inputs(o, 0, &y, NULL, &e);
    if (rc == PR_OK) rc = pr_stats_adf(y.n, y.v, &ao, &r, &e);
    if (rc) {
        column_free(&y);
        return pr_cli_fail(&e);
    }
    int rej = reject5(r.stat, r.pvalue, r.crit);
    const char *concl = rej ? "unit root rejected at 5%: stationary" : "unit root not rejected at 5%: non-stationary";
    int ex;
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "test", json_string("adf"));
        json_object_set_new(j, "series", json_string(y.label));
        json_object_set_new(j, "n", json_integer((json_int_t)y.n));
        json_object_set_new(j, "regression", json_string(pr_adf_regression_name(r.regression)));
        json_object_set_new(j, "autolag", json_string(pr_adf_autolag_name(ao.autolag)));
        json_object_set_new(j, "statistic", jreal(r.stat));
        json_object_set_new(j, "pvalue", jreal(r.pvalue));
        json_object_set_new(j, "usedlag", json_integer(r.usedlag));
        json_object_set_new(j, "maxlag", json_integer(r.maxlag));
        json_object_set_new(j, "nobs", json_integer((json_int_t)r.nobs));
        json_object_set_new(j, "critical_values", jcrit(r.crit));
        json_object_set_new(j, "icbest", jreal(r.icbest));
        json_object_set_new(j, "gamma", jreal(r.gamma));
        json_object_set_new(j, "reject_5pct", json_boolean(rej));
        json_object_set_new(j, "conclusion", json_string(concl));
        ex = emit_json(j);
    } else {
        printf("Augmented Dickey-Fuller test: %s (%zu values)\n", y.label, y.n);
        printf("  regression        %s (%s)\n", pr_adf_regression_name(r.regression), regression_words(r.regression));
        printf("  statistic         %.4f\n", r.stat);
        printf("  p-value           %.4g  (MacKinnon 1994)\n", r.pvalue);
        if (ao.autolag == PR_ADF_FIXED)
            printf("  lags used         %d (fixed)\n", r.usedlag);
        else
            printf("  lags used         %d (0..%d searched by %s)\n", r.usedlag, r.maxlag, pr_adf_autolag_name(ao.autolag));
        printf("  observations      %zu\n", r.nobs);
        print_crit(r.crit);
        printf("  conclusion        %s\n", concl);
        ex = fflush(stdout) == 0 ? PR_EXIT_OK : PR_EXIT_FAIL;
    }
    column_free(&y);
    return ex;
}

static int run_coint(const opts *o) {
    pr_coint_opts co;
    pr_coint_opts_default(&co);
    if (o->trend && pr_adf_regression_parse(o->trend, &co.trend))
        return pr_cli_usage_error(CMD, "--trend: expected c, ct, ctt or n, got '%s'", o->trend);
    if (o->autolag && pr_adf_autolag_parse(o->autolag, &co.autolag))
        return pr_cli_usage_error(CMD, "--autolag: expected aic, bic, t-stat or none, got '%s'", o->autolag);
    long ml = -1;
    if (o->maxlag && parse_long("--maxlag", o->maxlag, 0, 100000, &ml)) return PR_EXIT_USAGE;
    co.maxlag = (int)ml;
    column y = {0}, x = {0};
    pr_err e;
    pr_err_clear(&e);
    pr_coint_result r;
    int rc = load_inputs(o, 1, &y, &x, &e);
    if (rc == PR_OK) rc = pr_stats_coint(y.n, y.v, x.v, &co, &r, &e);
    if (rc) {
        column_free(&y);
        column_free(&x);
        return pr_cli_fail(&e);
    }
    int rej = reject5(r.stat, r.pvalue, r.crit);
    const char *concl = rej ? "no-cointegration rejected at 5%: cointegrated"
                            : "no-cointegration not rejected at 5%: not cointegrated";
    int ex;
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "test", json_string("coint"));
        json_object_set_new(j, "y", json_string(y.label));
        json_object_set_new(j, "x", json_string(x.label));
        json_object_set_new(j, "n", json_integer((json_int_t)r.nobs));
        json_object_set_new(j, "trend", json_string(pr_adf_regression_name(r.trend)));
        json_object_set_new(j, "autolag", json_string(pr_adf_autolag_name(co.autolag)));
        json_object_set_new(j, "hedge_ratio", jreal(r.hedge_ratio));
        json_object_set_new(j, "intercept", jreal(r.intercept));
        json_object_set_new(j, "trend_coef", jreal(r.trend_coef));
        json_object_set_new(j, "rsquared", jreal(r.rsquared));
        json_object_set_new(j, "statistic", r.collinear ? json_string("-inf") : jreal(r.stat));
        json_object_set_new(j, "pvalue", jreal(r.pvalue));
        json_object_set_new(j, "usedlag", json_integer(r.usedlag));
        json_object_set_new(j, "maxlag", json_integer(r.maxlag));
        json_object_set_new(j, "nobs", json_integer((json_int_t)r.adf_nobs));
        json_object_set_new(j, "critical_values", jcrit(r.crit));
        json_object_set_new(j, "collinear", json_boolean(r.collinear));
        json_object_set_new(j, "reject_5pct", json_boolean(rej));
        json_object_set_new(j, "conclusion", json_string(concl));
        ex = emit_json(j);
    } else {
        printf("Engle-Granger cointegration test: y = %s, x = %s (%zu aligned values)\n", y.label, x.label, r.nobs);
        printf("  hedge ratio       %.6g   (OLS y = %sb x%s, R^2 = %.4f)\n", r.hedge_ratio,
               isfinite(r.intercept) ? "a + " : "", isfinite(r.trend_coef) ? " + trend" : "", r.rsquared);
        if (isfinite(r.intercept)) printf("  intercept         %.6g\n", r.intercept);
        if (isfinite(r.trend_coef)) printf("  trend             %.6g per bar\n", r.trend_coef);
        if (r.collinear)
            printf("  statistic         -inf (y and x are perfectly collinear)\n");
        else
            printf("  statistic         %.4f\n", r.stat);
        printf("  p-value           %.4g  (MacKinnon 1994, N = 2)\n", r.pvalue);
        if (!r.collinear) {
            printf("  lags used         %d (0..%d searched by %s)\n", r.usedlag, r.maxlag, pr_adf_autolag_name(co.autolag));
            printf("  observations      %zu (residual ADF regression)\n", r.adf_nobs);
        }
        print_crit(r.crit);
        printf("  conclusion        %s\n", concl);
        ex = fflush(stdout) == 0 ? PR_EXIT_OK : PR_EXIT_FAIL;
    }
    column_free(&y);
    column_free(&x);
    return ex;
}

/* With SOURCE2: replaces y by the OLS spread y - b x - a. */
static int make_spread(column *y, column *x, double *b, double *a, pr_err *e) {
    double *design = malloc(sizeof(double) * 2 * y->n), params[2];
    if (!design) return pr_err_set(e, PR_ENOMEM, "out of memory");
    for (size_t i = 0; i < y->n; i++) {
        design[2 * i] = 1.0;
        design[2 * i + 1] = x->v[i];
    }
    pr_ols_result r = {0};
    r.params = params;
    int rc = pr_stats_ols(y->n, 2, design, y->v, &r, e);
    free(design);
    if (rc) return rc;
    *a = params[0];
    *b = params[1];
    for (size_t i = 0; i < y->n; i++) y->v[i] = y->v[i] - *b * x->v[i] - *a;
    char lbl[sizeof y->label];
    snprintf(lbl, sizeof lbl, "spread %.150s - %.6g * %.100s", y->label, *b, x->label);
    snprintf(y->label, sizeof y->label, "%s", lbl);
    return PR_OK;
}

static int run_hurst(const opts *o) {
    pr_hurst_opts ho;
    pr_hurst_opts_default(&ho);
    if (o->method && pr_hurst_method_parse(o->method, &ho.method))
        return pr_cli_usage_error(CMD, "--method: expected rs or var, got '%s'", o->method);
    long v;
    if (o->min_window) {
        if (parse_long("--min-window", o->min_window, 4, 100000000, &v)) return PR_EXIT_USAGE;
        ho.min_window = (int)v;
    }
    if (o->max_window) {
        if (parse_long("--max-window", o->max_window, 4, 100000000, &v)) return PR_EXIT_USAGE;
        ho.max_window = (int)v;
    }
    if (o->min_lag) {
        if (parse_long("--min-lag", o->min_lag, 1, 100000000, &v)) return PR_EXIT_USAGE;
        ho.min_lag = (int)v;
    }
    if (o->max_lag) {
        if (parse_long("--max-lag", o->max_lag, 2, 100000000, &v)) return PR_EXIT_USAGE;
        ho.max_lag = (int)v;
    }
    if (ho.method == PR_HURST_RS && (o->min_lag || o->max_lag))
        return pr_cli_usage_error(CMD, "--min-lag/--max-lag go with --method var");
    if (ho.method == PR_HURST_VAR && (o->min_window || o->max_window))
        return pr_cli_usage_error(CMD, "--min-window/--max-window go with --method rs");
    int pair = o->csv2 || o->dataset2;
    column y = {0}, x = {0};
    pr_err e;
    pr_err_clear(&e);
    double b = NAN, a = NAN;
    pr_hurst_result r;
    int rc = load_inputs(o, pair, &y, &x, &e);
    if (rc == PR_OK && pair) rc = make_spread(&y, &x, &b, &a, &e);
    if (rc == PR_OK) rc = pr_stats_hurst(y.n, y.v, &ho, &r, &e);
    if (rc) {
        column_free(&y);
        column_free(&x);
        return pr_cli_fail(&e);
    }
    const char *interp = r.h < 0.45   ? "below 0.5: mean-reverting (anti-persistent)"
                         : r.h > 0.55 ? "above 0.5: trending (persistent)"
                                      : "close to 0.5: random-walk-like";
    int ex;
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "test", json_string("hurst"));
        json_object_set_new(j, "series", json_string(y.label));
        json_object_set_new(j, "n", json_integer((json_int_t)y.n));
        json_object_set_new(j, "method", json_string(pr_hurst_method_name(r.method)));
        json_object_set_new(j, "hurst", jreal(r.h));
        json_object_set_new(j, "intercept", jreal(r.intercept));
        json_object_set_new(j, "r2", jreal(r.r2));
        json_object_set_new(j, "points", json_integer(r.npoints));
        if (pair) {
            json_object_set_new(j, "hedge_ratio", jreal(b));
            json_object_set_new(j, "intercept_spread", jreal(a));
        }
        json_object_set_new(j, "interpretation", json_string(interp));
        ex = emit_json(j);
    } else {
        printf("Hurst exponent: %s (%zu values)\n", y.label, y.n);
        printf("  method            %s\n", r.method == PR_HURST_RS
                                               ? "rs (rescaled range, Anis-Lloyd-Peters corrected)"
                                               : "var (std of lagged differences)");
        printf("  H                 %.4f\n", r.h);
        printf("  fit               %d %s, R^2 = %.4f\n", r.npoints, r.method == PR_HURST_RS ? "window sizes" : "lags",
               r.r2);
        printf("  interpretation    %s\n", interp);
        ex = fflush(stdout) == 0 ? PR_EXIT_OK : PR_EXIT_FAIL;
    }
    column_free(&y);
    column_free(&x);
    return ex;
}

static int run_halflife(const opts *o) {
    int pair = o->csv2 || o->dataset2;
    column y = {0}, x = {0};
    pr_err e;
    pr_err_clear(&e);
    double b = NAN, a = NAN;
    pr_halflife_result r;
    int rc = load_inputs(o, pair, &y, &x, &e);
    if (rc == PR_OK && pair) rc = make_spread(&y, &x, &b, &a, &e);
    if (rc == PR_OK) rc = pr_stats_halflife(y.n, y.v, &r, &e);
    if (rc) {
        column_free(&y);
        column_free(&x);
        return pr_cli_fail(&e);
    }
    const char *tfn = y.tf == PR_TF_NONE ? "" : pr_tf_name(y.tf);
    int ex;
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "test", json_string("halflife"));
        json_object_set_new(j, "series", json_string(y.label));
        json_object_set_new(j, "n", json_integer((json_int_t)y.n));
        json_object_set_new(j, "halflife_bars", r.mean_reverting ? jreal(r.halflife) : json_string("inf"));
        json_object_set_new(j, "timeframe", json_string(tfn));
        json_object_set_new(j, "lambda", jreal(r.lambda));
        json_object_set_new(j, "lambda_se", jreal(r.lambda_se));
        json_object_set_new(j, "lambda_t", jreal(r.lambda_t));
        json_object_set_new(j, "intercept", jreal(r.intercept));
        json_object_set_new(j, "equilibrium", jreal(r.mean));
        json_object_set_new(j, "nobs", json_integer((json_int_t)r.nobs));
        json_object_set_new(j, "mean_reverting", json_boolean(r.mean_reverting));
        if (pair) {
            json_object_set_new(j, "hedge_ratio", jreal(b));
            json_object_set_new(j, "intercept_spread", jreal(a));
        }
        ex = emit_json(j);
    } else {
        printf("Half-life of mean reversion: %s (%zu values)\n", y.label, y.n);
        if (r.mean_reverting)
            printf("  half-life         %.2f bars%s%s\n", r.halflife, *tfn ? " of " : "", tfn);
        else
            printf("  half-life         inf (lambda >= 0: no mean reversion)\n");
        printf("  lambda            %.6g (se %.3g, t %.3f)\n", r.lambda, r.lambda_se, r.lambda_t);
        printf("  equilibrium       %.6g\n", r.mean);
        printf("  observations      %zu\n", r.nobs);
        printf("  note              the t statistic is not a unit-root test: use 'proratio stats %s'\n",
               pair ? "coint" : "adf");
        ex = fflush(stdout) == 0 ? PR_EXIT_OK : PR_EXIT_FAIL;
    }
    column_free(&y);
    column_free(&x);
    return ex;
}

int pr_cli_stats(int argc, char **argv) {
    if (argc < 2) {
        fputs(stats_usage, stderr);
        return PR_EXIT_USAGE;
    }
    if (pr_cli_is_help(argv[1])) {
        fputs(stats_usage, stdout);
        return PR_EXIT_OK;
    }
    const char *sub = argv[1];
    enum { ADF, COINT, HURST, HALFLIFE } which;
    if (strcmp(sub, "adf") == 0) which = ADF;
    else if (strcmp(sub, "coint") == 0) which = COINT;
    else if (strcmp(sub, "hurst") == 0) which = HURST;
    else if (strcmp(sub, "halflife") == 0) which = HALFLIFE;
    else return pr_cli_usage_error(CMD, "unknown test '%s' (adf, coint, hurst, halflife)", sub);

    opts o;
    memset(&o, 0, sizeof o);
    for (int i = 2; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            fputs(stats_usage, stdout);
            return PR_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0) { o.json = 1; continue; }
        if (strcmp(argv[i], "--log") == 0) { o.log = 1; continue; }
        static const struct { const char *name; size_t off; } table[] = {
            {"--csv", offsetof(opts, csv)},           {"--csv2", offsetof(opts, csv2)},
            {"--dataset", offsetof(opts, dataset)},   {"--dataset2", offsetof(opts, dataset2)},
            {"--db", offsetof(opts, db)},             {"--column", offsetof(opts, column)},
            {"--from", offsetof(opts, from_s)},       {"--to", offsetof(opts, to_s)},
            {"--regression", offsetof(opts, regression)}, {"--trend", offsetof(opts, trend)},
            {"--autolag", offsetof(opts, autolag)},   {"--method", offsetof(opts, method)},
            {"--maxlag", offsetof(opts, maxlag)},     {"--min-window", offsetof(opts, min_window)},
            {"--max-window", offsetof(opts, max_window)}, {"--min-lag", offsetof(opts, min_lag)},
            {"--max-lag", offsetof(opts, max_lag)},
        };
        int matched = 0;
        for (size_t k = 0; k < sizeof table / sizeof table[0] && !matched; k++) {
            const char *v;
            int m = pr_cli_opt(argc, argv, &i, table[k].name, &v);
            if (m < 0) return pr_cli_usage_error(CMD, "%s needs a value", table[k].name);
            if (m > 0) {
                *(const char **)((char *)&o + table[k].off) = v;
                matched = 1;
            }
        }
        if (!matched) return pr_cli_usage_error(CMD, "unexpected argument '%s'", argv[i]);
    }

    if (!o.csv == !o.dataset) return pr_cli_usage_error(CMD, "give exactly one of --csv FILE and --dataset NAME");
    if (o.csv2 && o.dataset2) return pr_cli_usage_error(CMD, "give at most one of --csv2 and --dataset2");
    if (o.db && !o.dataset && !o.dataset2) return pr_cli_usage_error(CMD, "--db goes with --dataset");
    if (o.column && strcmp(o.column, "open") && strcmp(o.column, "high") && strcmp(o.column, "low") &&
        strcmp(o.column, "close") && strcmp(o.column, "volume"))
        return pr_cli_usage_error(CMD, "--column: expected open, high, low, close or volume, got '%s'", o.column);
    int64_t t0, t1;
    if (pr_cli_time_range(CMD, o.from_s, o.to_s, &t0, &t1)) return PR_EXIT_USAGE;
    int pair = o.csv2 || o.dataset2;
    if (which == COINT && !pair) return pr_cli_usage_error(CMD, "coint needs the second series: --csv2 FILE or --dataset2 NAME");
    if (which == ADF && pair)
        return pr_cli_usage_error(CMD, "adf takes one series; for a spread of two use 'proratio stats coint' "
                                       "(its critical values account for the estimated hedge ratio)");
    if (o.regression && which != ADF) return pr_cli_usage_error(CMD, "--regression goes with adf (coint: --trend)");
    if (o.trend && which != COINT) return pr_cli_usage_error(CMD, "--trend goes with coint (adf: --regression)");
    if ((o.maxlag || o.autolag) && which != ADF && which != COINT)
        return pr_cli_usage_error(CMD, "--maxlag/--autolag go with adf and coint");
    if (o.method && which != HURST) return pr_cli_usage_error(CMD, "--method goes with hurst");
    if ((o.min_window || o.max_window || o.min_lag || o.max_lag) && which != HURST)
        return pr_cli_usage_error(CMD, "--min-window/--max-window/--min-lag/--max-lag go with hurst");

    switch (which) {
    case ADF: return run_adf(&o);
    case COINT: return run_coint(&o);
    case HURST: return run_hurst(&o);
    default: return run_halflife(&o);
    }
}
