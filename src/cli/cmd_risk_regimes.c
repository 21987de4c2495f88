/* `proratio risk regimes` (the technical regime timeline of a stored
 * dataset, as runs) and `proratio risk correlation` (correlation matrix,
 * lead-lag, risk-on score and breakdown alerts of several datasets joined
 * on their bar times). The computations are risk's (risk/regime.h,
 * risk/correl.h); this file loads, aligns and prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_data.h"
#include "cmd_risk_regimes.h"
#include "proratio/risk.h"

#define CORR_MAX 8

/* Loads one dataset from the store (exit code, 0 ok). */
static int load(const char *db, const char *name, int64_t from, int64_t to, pr_series *s) {
    pr_store *st = NULL;
    int ex = pr_cli_open_store_ro(db, &st);
    if (ex != PR_EXIT_OK) return ex;
    pr_err e;
    pr_err_clear(&e);
    int rc = pr_series_init(s, 0);
    if (rc == PR_OK) rc = pr_cli_load_dataset(st, name, from, to, s, NULL, &e);
    else pr_err_set(&e, rc, "out of memory");
    pr_store_close(st);
    return rc == PR_OK ? PR_EXIT_OK : pr_cli_fail(&e);
}

/* ---- regimes ------------------------------------------------------------------------- */
static const char *const k_regimes_usage =
    "usage: proratio risk regimes --market DATASET [--db URL] [--from T] [--to T] [--confirm N]\n"
    "                             [--param KEY=VALUE ...]\n"
    "  Prints the technical regime timeline of a stored dataset as runs (from, to, bars, regime),\n"
    "  each bar classified from the bars up to it, then the share of bars in each regime.\n"
    "  --confirm N       a new regime must hold N bars in a row before it counts (default 1), as\n"
    "                    the portfolio strategy's confirm_bars\n"
    "  --param KEY=VAL   a classifier key (adx_period, adx_trend, hurst_window, ...: README\n"
    "                    \"Portfolio, regimes and correlation\")\n";

static void print_run(const pr_series *s, size_t a, size_t b, pr_risk_regime r) {
    char f[PR_TIME_STR_MAX], t[PR_TIME_STR_MAX];
    pr_time_format(s->ts[a], f, sizeof f);
    pr_time_format(s->ts[b], t, sizeof t);
    printf("%-20s  %-20s  %6zu  %s\n", f, t, b - a + 1, pr_risk_regime_name(r));
}

static int regimes(int argc, char **argv) {
    const char *db = NULL, *market = NULL, *from_s = NULL, *to_s = NULL, *confirm_s = NULL, *v = NULL;
    pr_config *cfg = NULL;
    pr_err e;
    pr_err_clear(&e);
    int ex = PR_EXIT_OK;
    if (pr_config_parse("{}", &cfg, &e) != PR_OK) return pr_cli_fail(&e);
    for (int i = 2; i < argc && ex == PR_EXIT_OK; i++) {
        int m;
        if (pr_cli_is_help(argv[i])) {
            fputs(k_regimes_usage, stdout);
            pr_config_free(cfg);
            return PR_EXIT_OK;
        }
        if ((m = pr_cli_opt(argc, argv, &i, "--db", &db)) || (m = pr_cli_opt(argc, argv, &i, "--market", &market)) ||
            (m = pr_cli_opt(argc, argv, &i, "--from", &from_s)) || (m = pr_cli_opt(argc, argv, &i, "--to", &to_s)) ||
            (m = pr_cli_opt(argc, argv, &i, "--confirm", &confirm_s))) {
            if (m < 0) ex = pr_cli_usage_error("risk regimes", "%s needs a value", argv[i]);
        } else if ((m = pr_cli_opt(argc, argv, &i, "--param", &v))) {
            const char *eq = m > 0 ? strchr(v, '=') : NULL;
            char key[96];
            if (!eq || eq == v || (size_t)(eq - v) >= sizeof key - 8) {
                ex = pr_cli_usage_error("risk regimes", "--param needs KEY=VALUE");
                break;
            }
            snprintf(key, sizeof key, "regime.%.*s", (int)(eq - v), v);
            if (pr_config_set(cfg, key, eq + 1, &e) != PR_OK) ex = pr_cli_fail(&e);
        } else {
            ex = pr_cli_usage_error("risk regimes", "unknown argument '%s'", argv[i]);
        }
    }
    int64_t from = PR_TIME_NONE, to = PR_TIME_NONE, confirm = 1;
    if (ex == PR_EXIT_OK && !market) ex = pr_cli_usage_error("risk regimes", "--market DATASET is required");
    if (ex == PR_EXIT_OK) ex = pr_cli_time_range("risk regimes", from_s, to_s, &from, &to);
    if (ex == PR_EXIT_OK && confirm_s && pr_cli_parse_int(confirm_s, 1, 100000, &confirm) != 0)
        ex = pr_cli_usage_error("risk regimes", "--confirm: expected a whole number of bars in [1, 100000]");
    pr_regime_params p;
    if (ex == PR_EXIT_OK && pr_params_read(&pr_risk_regime_info, cfg, "regime", &p, &e) != PR_OK) {
        fprintf(stderr, "proratio risk regimes: --param ");
        pr_cli_print_safe(stderr, e.msg);
        fputc('\n', stderr);
        ex = PR_EXIT_USAGE;
    }
    pr_config_free(cfg);
    if (ex != PR_EXIT_OK) return ex;
    pr_series s;
    if ((ex = load(db, market, from, to, &s)) != PR_EXIT_OK) return ex;
    pr_risk_regime *reg = malloc((s.len ? s.len : 1) * sizeof *reg);
    if (!reg) {
        pr_series_free(&s);
        pr_err_set(&e, PR_ENOMEM, "out of memory");
        return pr_cli_fail(&e);
    }
    if (pr_regime_classify(&p, s.len, s.high, s.low, s.close, reg, NULL, &e) != PR_OK) {
        free(reg);
        pr_series_free(&s);
        return pr_cli_fail(&e);
    }
    /* Runs of the regime in force after the hysteresis; the warm-up is a
     * run of "none". */
    pr_regime_filter f;
    pr_regime_filter_init(&f, (int)confirm);
    size_t count[PR_RISK_REGIME_COUNT + 1] = {0}, runs = 0, start = 0;
    printf("%s: %zu bars, regime of each bar from the bars up to it (confirm %d)\n", market, s.len, (int)confirm);
    printf("%-20s  %-20s  %6s  %s\n", "FROM", "TO", "BARS", "REGIME");
    for (size_t t = 0; t < s.len; t++) {
        pr_risk_regime was = f.current;
        if (pr_regime_filter_step(&f, reg[t]) && t > 0) {
            print_run(&s, start, t - 1, was);
            runs++;
            start = t;
        }
        count[f.current + 1]++;
    }
    if (s.len) {
        print_run(&s, start, s.len - 1, f.current);
        runs++;
    }
    printf("\n%zu runs; share of bars:", runs);
    for (int r = -1; r < PR_RISK_REGIME_COUNT; r++)
        if (count[r + 1])
            printf(" %s %.1f%%", pr_risk_regime_name((pr_risk_regime)r),
                   100.0 * (double)count[r + 1] / (double)s.len);
    printf("\n");
    free(reg);
    pr_series_free(&s);
    return PR_EXIT_OK;
}

/* ---- correlation --------------------------------------------------------------------- */
static const char *const k_corr_usage =
    "usage: proratio risk correlation --markets DATASET,DATASET[,...] [--db URL] [--from T] [--to T]\n"
    "        [--window N] [--max-lag K] [--risk-off SYMBOL[,...]] [--lookback L] [--z-cap Z]\n"
    "        [--short N] [--long N] [--drop X]\n"
    "  The datasets (same timeframe) are joined on their bar times; on their log returns it prints\n"
    "  the correlation matrix of the latest --window returns (default 100), for each pair the lag\n"
    "  0..K (default 5) at which the first leads the second best (over all returns), the\n"
    "  risk-on/risk-off score at the end (markets in --risk-off count as havens: sign -1;\n"
    "  lookback L default 20, z-cap 2) and correlation-breakdown alerts (the --short window's\n"
    "  correlation, default 50, more than --drop, default 0.5, below the --long one, default 500).\n";

typedef struct corr_opts {
    const char *db, *markets, *from_s, *to_s, *window, *max_lag, *risk_off, *lookback, *z_cap, *w_short, *w_long,
        *drop;
} corr_opts;

/* Splits a comma list into up to cap items of buf (returns the count, -1: too many or empty item). */
static int split(const char *list, char items[][PR_SYMBOL_MAX * 3], int cap) {
    int n = 0;
    const char *p = list;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0 || len >= PR_SYMBOL_MAX * 3 || n >= cap) return -1;
        memcpy(items[n], p, len);
        items[n++][len] = '\0';
        p += len + (c ? 1 : 0);
    }
    return n;
}

static int num_opt(const char *s, const char *flag, double lo, double hi, double *out) {
    if (!s) return PR_EXIT_OK;
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end || !(x >= lo && x <= hi))
        return pr_cli_usage_error("risk correlation", "%s: expected a number in [%g, %g]", flag, lo, hi);
    *out = x;
    return PR_EXIT_OK;
}

/* The bar times every series has (each strictly increasing): idx[k][t] is
 * series k's index of the t-th common time. Returns the count. */
static size_t join(pr_series *s, int k, size_t **idx) {
    size_t pos[CORR_MAX] = {0}, n = 0;
    for (;;) {
        int64_t hi = PR_TIME_NONE;
        for (int i = 0; i < k; i++) {
            if (pos[i] >= s[i].len) return n;
            if (hi == PR_TIME_NONE || s[i].ts[pos[i]] > hi) hi = s[i].ts[pos[i]];
        }
        int all = 1;
        for (int i = 0; i < k; i++) {
            while (pos[i] < s[i].len && s[i].ts[pos[i]] < hi) pos[i]++;
            if (pos[i] >= s[i].len) return n;
            if (s[i].ts[pos[i]] != hi) all = 0;
        }
        if (!all) continue;
        for (int i = 0; i < k; i++) idx[i][n] = pos[i]++;
        n++;
    }
}

static void print_corr(double r) {
    if (isnan(r)) printf("  %8s", "n/a");
    else printf("  %8.3f", r);
}

static int correlation(int argc, char **argv) {
    corr_opts o = {0};
    struct { const char *flag; const char **dst; } flags[] = {
        {"--db", &o.db}, {"--markets", &o.markets}, {"--from", &o.from_s}, {"--to", &o.to_s},
        {"--window", &o.window}, {"--max-lag", &o.max_lag}, {"--risk-off", &o.risk_off},
        {"--lookback", &o.lookback}, {"--z-cap", &o.z_cap}, {"--short", &o.w_short}, {"--long", &o.w_long},
        {"--drop", &o.drop}};
    for (int i = 2; i < argc; i++) {
        if (pr_cli_is_help(argv[i])) {
            fputs(k_corr_usage, stdout);
            return PR_EXIT_OK;
        }
        int m = 0;
        for (size_t f = 0; f < sizeof flags / sizeof flags[0] && !m; f++)
            m = pr_cli_opt(argc, argv, &i, flags[f].flag, flags[f].dst);
        if (m < 0) return pr_cli_usage_error("risk correlation", "%s needs a value", argv[i]);
        if (m == 0) return pr_cli_usage_error("risk correlation", "unknown argument '%s'", argv[i]);
    }
    char names[CORR_MAX][PR_SYMBOL_MAX * 3], off[CORR_MAX][PR_SYMBOL_MAX * 3];
    int k = o.markets ? split(o.markets, names, CORR_MAX) : 0, n_off = 0;
    if (k < 2)
        return pr_cli_usage_error("risk correlation", "--markets needs 2 to %d datasets, comma-separated", CORR_MAX);
    if (o.risk_off && (n_off = split(o.risk_off, off, CORR_MAX)) < 0)
        return pr_cli_usage_error("risk correlation", "--risk-off: expected SYMBOL[,SYMBOL...]");
    double window = 100, max_lag = 5, lookback = 20, z_cap = 2, w_short = 50, w_long = 500, drop = 0.5;
    int64_t from = PR_TIME_NONE, to = PR_TIME_NONE;
    int ex;
    if ((ex = num_opt(o.window, "--window", 3, 1e7, &window)) ||
        (ex = num_opt(o.max_lag, "--max-lag", 0, 1000, &max_lag)) ||
        (ex = num_opt(o.lookback, "--lookback", 1, 1e7, &lookback)) ||
        (ex = num_opt(o.z_cap, "--z-cap", 1e-9, 1e9, &z_cap)) ||
        (ex = num_opt(o.w_short, "--short", 3, 1e7, &w_short)) || (ex = num_opt(o.w_long, "--long", 3, 1e7, &w_long)) ||
        (ex = num_opt(o.drop, "--drop", 0, 2, &drop)) ||
        (ex = pr_cli_time_range("risk correlation", o.from_s, o.to_s, &from, &to)))
        return ex;
    if (w_short >= w_long) return pr_cli_usage_error("risk correlation", "--short must be below --long");
    pr_series s[CORR_MAX];
    int loaded = 0;
    size_t *idx[CORR_MAX] = {0};
    double *ret[CORR_MAX] = {0}, *close = NULL;
    pr_err e;
    pr_err_clear(&e);
    for (; loaded < k; loaded++)
        if ((ex = load(o.db, names[loaded], from, to, &s[loaded])) != PR_EXIT_OK) goto done;
    for (int i = 1; i < k; i++)
        if (s[i].tf != s[0].tf) {
            ex = pr_cli_usage_error("risk correlation", "%s is %s and %s is %s: the markets must share a timeframe "
                                    "(resample one with 'proratio data resample')", names[0], pr_tf_name(s[0].tf),
                                    names[i], pr_tf_name(s[i].tf));
            goto done;
        }
    size_t cap = s[0].len;
    for (int i = 0; i < k; i++) {
        idx[i] = malloc((cap ? cap : 1) * sizeof *idx[i]);
        ret[i] = malloc((cap ? cap : 1) * sizeof *ret[i]);
    }
    close = malloc((cap ? cap : 1) * sizeof *close);
    for (int i = 0; i < k; i++)
        if (!idx[i] || !ret[i] || !close) {
            pr_err_set(&e, PR_ENOMEM, "out of memory");
            ex = pr_cli_fail(&e);
            goto done;
        }
    size_t n = join(s, k, idx);
    for (int i = 0; i < k; i++) {
        for (size_t t = 0; t < n; t++) close[t] = s[i].close[idx[i][t]];
        pr_corr_log_returns(n, close, ret[i]);
    }
    if (n < (size_t)window + 1) {
        pr_err_set(&e, PR_ENOTFOUND, "the markets share %zu bar times, --window %g needs at least %g", n, window,
                   window + 1);
        ex = pr_cli_fail(&e);
        goto done;
    }
    char t0[PR_TIME_STR_MAX], t1[PR_TIME_STR_MAX];
    pr_time_format(s[0].ts[idx[0][0]], t0, sizeof t0);
    pr_time_format(s[0].ts[idx[0][n - 1]], t1, sizeof t1);
    printf("%zu common bars (%s), %s .. %s; log returns\n\n", n, pr_tf_name(s[0].tf), t0, t1);
    /* Matrix of the latest window. */
    const double *cr[CORR_MAX];
    for (int i = 0; i < k; i++) cr[i] = ret[i];
    double mat[CORR_MAX * CORR_MAX];
    pr_corr_matrix((size_t)k, cr, n - 1, (size_t)window, mat);
    printf("correlation of the latest %g returns\n%-12s", window, "");
    for (int j = 0; j < k; j++) printf("  %8.8s", s[j].symbol);
    printf("\n");
    for (int i = 0; i < k; i++) {
        printf("%-12.12s", s[i].symbol);
        for (int j = 0; j < k; j++) print_corr(mat[i * k + j]);
        printf("\n");
    }
    /* Lead-lag over all returns (the first is NaN). */
    size_t wl = n >= (size_t)max_lag + 4 ? n - 1 - (size_t)max_lag : 0;
    if (wl) printf("\nlead-lag over %zu returns, lags 0..%g: corr(A[t-lag], B[t])\n", wl, max_lag);
    else printf("\nlead-lag: n/a (--max-lag %g needs %g common bars)\n", max_lag, max_lag + 4);
    double by_lag[1001];
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            if (i == j) continue;
            int best = 0;
            double bc = NAN;
            if (!wl) continue;
            if (pr_corr_lead_lag(ret[i], ret[j], n - 1, wl, (int)max_lag, by_lag, &best, &bc, &e) != PR_OK) {
                printf("  %-10s -> %-10s  n/a\n", s[i].symbol, s[j].symbol);
                continue;
            }
            int b1 = 0;   /* the strongest lag of 1 bar or more, for the record */
            for (int l = 1; l <= (int)max_lag; l++)
                if (!isnan(by_lag[l]) && (b1 == 0 || fabs(by_lag[l]) > fabs(by_lag[b1]))) b1 = l;
            if (best == 0 && b1 > 0)
                printf("  %-10s -> %-10s  no lead: best at lag 0 (r %.3f; lag %d: r %.3f)\n", s[i].symbol,
                       s[j].symbol, bc, b1, by_lag[b1]);
            else if (best == 0)
                printf("  %-10s -> %-10s  no lead: best at lag 0 (r %.3f)\n", s[i].symbol, s[j].symbol, bc);
            else
                printf("  %-10s -> %-10s  leads by %d bar%s (r %.3f; lag 0: r %.3f)\n", s[i].symbol, s[j].symbol,
                       best, best == 1 ? "" : "s", bc, by_lag[0]);
        }
    /* Risk-on score at the end. */
    double sign[CORR_MAX];
    for (int i = 0; i < k; i++) {
        sign[i] = 1;
        for (int j = 0; j < n_off; j++)
            if (strcmp(off[j], s[i].symbol) == 0) sign[i] = -1;
    }
    double score = pr_risk_on_score((size_t)k, cr, sign, n - 1, (size_t)lookback, (size_t)window, z_cap);
    printf("\nrisk-on score at %s: ", t1);
    if (isnan(score)) printf("n/a (too little history or a flat market)\n");
    else
        printf("%.3f (%s; latest %g returns, havens:", score,
               score > 0 ? "risk-on" : score < 0 ? "risk-off" : "neutral", lookback);
    if (!isnan(score)) {
        int any = 0;
        for (int i = 0; i < k; i++)
            if (sign[i] < 0) printf("%s %s", any++ ? "," : "", s[i].symbol);
        printf("%s)\n", any ? "" : " none");
    }
    /* Breakdown alerts. */
    printf("\ncorrelation breakdowns: %g-return correlation more than %g below the %g-return one\n", w_short, drop,
           w_long);
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++) {
            size_t last = 0;
            size_t c = pr_corr_breakdowns(n, ret[i], ret[j], (size_t)w_short, (size_t)w_long, drop, NULL, 0);
            if (c) {
                size_t *al = malloc(c * sizeof *al);
                if (al) {
                    pr_corr_breakdowns(n, ret[i], ret[j], (size_t)w_short, (size_t)w_long, drop, al, c);
                    last = al[c - 1];
                    free(al);
                }
            }
            printf("  %-10s %-10s  %zu alert%s", s[i].symbol, s[j].symbol, c, c == 1 ? "" : "s");
            if (c) {
                char ta[PR_TIME_STR_MAX];
                pr_time_format(s[0].ts[idx[0][last]], ta, sizeof ta);
                printf(", last at %s", ta);
            }
            printf("\n");
        }
    ex = PR_EXIT_OK;
done:
    for (int i = 0; i < loaded; i++) pr_series_free(&s[i]);
    for (int i = 0; i < k; i++) {
        free(idx[i]);
        free(ret[i]);
    }
    free(close);
    return ex;
}

int pr_cli_risk_analysis(int argc, char **argv) {
    if (strcmp(argv[1], "regimes") == 0) return regimes(argc, argv);
    return correlation(argc, argv);
}
