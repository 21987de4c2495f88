/* Performance metrics of a run as pure functions over an equity curve and a
 * trade list: return statistics (CAGR, volatility, Sharpe, Sortino, Calmar,
 * drawdowns), trade statistics with per-instrument and per-class breakdowns,
 * the buy-and-hold benchmark and calendar returns. The definitions, and the
 * annualisation rule, are written out in docs/metrics.md; keep the two in
 * step. Every loop runs in input order so results are bit-reproducible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/engine/metrics.h"

void pr_metrics_options_default(pr_metrics_options *o) {
    if (o) memset(o, 0, sizeof *o);
}

static int64_t floor_div64(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t utc_day(int64_t ts) { return floor_div64(ts, PR_MS_PER_DAY); }

/* Strictly increasing and within +-2^62 ms (about 146 million years), so
 * that every difference of two times fits in an int64. */
static int check_times(const int64_t *ts, size_t n, pr_err *err) {
    const int64_t lim = INT64_C(1) << 62;
    for (size_t i = 0; i < n; i++) {
        if (ts[i] <= -lim || ts[i] >= lim)
            return pr_err_set(err, PR_EINVAL, "metrics: equity point %zu has no valid time", i);
        if (i > 0 && ts[i] <= ts[i - 1])
            return pr_err_set(err, PR_EINVAL, "metrics: equity times not strictly increasing at point %zu", i);
    }
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Return statistics                                                         */
/* ------------------------------------------------------------------------ */

/* Returns of the curve: per point, or (daily) between end-of-UTC-day values
 * with a zero return for each calendar day that has no point. Returns stop at
 * ruin (a base value <= 0). *n_periods counts the periods the curve spans
 * (for CAGR), whether or not a return could be formed. */
static int curve_returns(const int64_t *ts, const double *v, size_t n, int daily, double **out,
                         size_t *n_out, size_t *n_periods) {
    *out = NULL;
    *n_out = 0;
    *n_periods = 0;
    if (n < 2) return PR_OK;
    size_t cap = n;
    if (daily) {
        int64_t span = utc_day(ts[n - 1]) - utc_day(ts[0]);
        cap = (size_t)span + 2;
    }
    double *r = malloc(cap * sizeof *r);
    if (!r) return PR_ENOMEM;
    size_t k = 0, periods = 0;
    int ruined = 0;
    if (!daily) {
        for (size_t i = 1; i < n; i++) {
            periods++;
            if (ruined || !(v[i - 1] > 0)) {
                ruined = 1;
                continue;
            }
            r[k++] = v[i] / v[i - 1] - 1.0;
        }
    } else {
        /* The first point is a sample unless it is already its day's last. */
        size_t prev = 0;
        int have_prev = 0;
        if (utc_day(ts[1]) == utc_day(ts[0])) have_prev = 1;
        for (size_t i = 0; i < n; i++) {
            int last_of_day = (i == n - 1) || utc_day(ts[i + 1]) != utc_day(ts[i]);
            if (!last_of_day) continue;
            if (!have_prev) {
                prev = i;
                have_prev = 1;
                continue;
            }
            if (i == prev) continue;
            /* Empty calendar days between two sampled days carry the value
             * forward: one zero return each. */
            int64_t gap = utc_day(ts[i]) - utc_day(ts[prev]);
            for (int64_t g = 1; g < gap; g++) {
                periods++;
                if (!ruined && v[prev] > 0) r[k++] = 0.0;
            }
            periods++;
            if (ruined || !(v[prev] > 0)) {
                ruined = 1;
            } else {
                r[k++] = v[i] / v[prev] - 1.0;
            }
            prev = i;
        }
    }
    *out = r;
    *n_out = k;
    *n_periods = periods;
    return PR_OK;
}

static double ratio_or_limit(double num, double den) {
    if (den > 0) return num / den;
    if (num > 0) return INFINITY;
    if (num < 0) return -INFINITY;
    return NAN;
}

static void drawdowns(const int64_t *ts, const double *v, size_t n, pr_perf *p) {
    size_t peak = 0, best_peak = 0, best_trough = 0;
    double max_dd = 0.0;
    size_t longest = 0;
    int64_t longest_ms = 0;
    int under = 0;
    for (size_t i = 1; i < n; i++) {
        if (v[i] >= v[peak]) {
            if (under) {
                size_t len = i - peak;
                int64_t ms = ts[i] - ts[peak];
                if (len > longest) longest = len;
                if (ms > longest_ms) longest_ms = ms;
            }
            peak = i;
            under = 0;
            continue;
        }
        under = 1;
        double dd = 1.0 - v[i] / v[peak];
        if (dd > max_dd) {
            max_dd = dd;
            best_peak = peak;
            best_trough = i;
        }
    }
    if (under) {
        size_t len = n - 1 - peak;
        int64_t ms = ts[n - 1] - ts[peak];
        if (len > longest) longest = len;
        if (ms > longest_ms) longest_ms = ms;
    }
    p->max_drawdown = max_dd;
    p->longest_dd_bars = longest;
    p->longest_dd_ms = longest_ms;
    if (max_dd > 0) {
        size_t end = n - 1;
        int rec = 0;
        for (size_t j = best_trough + 1; j < n; j++) {
            if (v[j] >= v[best_peak]) {
                end = j;
                rec = 1;
                break;
            }
        }
        p->dd_peak = best_peak;
        p->dd_trough = best_trough;
        p->dd_end = end;
        p->dd_recovered = rec;
    } else {
        p->dd_peak = p->dd_trough = p->dd_end = 0;
        p->dd_recovered = 1;
    }
    p->dd_peak_ts = ts[p->dd_peak];
    p->dd_trough_ts = ts[p->dd_trough];
    p->dd_end_ts = ts[p->dd_end];
    p->dd_duration_ms = p->dd_end_ts - p->dd_peak_ts;
    p->dd_duration_bars = p->dd_end - p->dd_peak;
    p->dd_to_trough_bars = p->dd_trough - p->dd_peak;
}

int pr_perf_compute(const int64_t *ts, const double *v, size_t n, double periods_per_year,
                    int daily, double risk_free, pr_perf *out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "metrics: no output");
    memset(out, 0, sizeof *out);
    if (!ts || !v || n == 0) return pr_err_set(err, PR_EINVAL, "metrics: empty equity curve");
    if (!(v[0] > 0) || !isfinite(v[0]))
        return pr_err_set(err, PR_EINVAL, "metrics: the first equity value must be positive, got %g", v[0]);
    if (!(periods_per_year > 0))
        return pr_err_set(err, PR_EINVAL, "metrics: periods per year must be positive");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) return pr_err_set(err, PR_EINVAL, "metrics: equity point %zu is not finite", i);
    int rc = check_times(ts, n, err);
    if (rc != PR_OK) return rc;

    out->start = v[0];
    out->end = v[n - 1];
    out->total_return = v[n - 1] / v[0] - 1.0;

    double *r;
    size_t nr, periods;
    if (curve_returns(ts, v, n, daily, &r, &nr, &periods) != PR_OK)
        return pr_err_set(err, PR_ENOMEM, "metrics: out of memory");
    out->n_returns = nr;

    double years = (double)periods / periods_per_year;
    out->years = years;
    if (v[n - 1] <= 0) out->cagr = -1.0;
    else if (years > 0) out->cagr = pow(v[n - 1] / v[0], 1.0 / years) - 1.0;
    else out->cagr = NAN;

    double rf_p = pow(1.0 + risk_free, 1.0 / periods_per_year) - 1.0;
    double ann = sqrt(periods_per_year);
    if (nr >= 2) {
        double sum = 0.0;
        for (size_t i = 0; i < nr; i++) sum += r[i];
        double mean = sum / (double)nr;
        double ss = 0.0, ds = 0.0;
        for (size_t i = 0; i < nr; i++) {
            double d = r[i] - mean;
            ss += d * d;
            double x = r[i] - rf_p;
            if (x < 0) ds += x * x;
        }
        double sd = sqrt(ss / (double)(nr - 1));
        double dd = sqrt(ds / (double)nr);
        double excess = mean - rf_p;
        out->volatility = sd * ann;
        out->sharpe = ratio_or_limit(excess, sd) * ann;
        out->sortino = ratio_or_limit(excess, dd) * ann;
    } else {
        out->volatility = out->sharpe = out->sortino = NAN;
    }
    free(r);

    drawdowns(ts, v, n, out);
    out->calmar = ratio_or_limit(out->cagr, out->max_drawdown);
    if (isnan(out->cagr)) out->calmar = NAN;
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Trades                                                                    */
/* ------------------------------------------------------------------------ */

enum { F_ALL, F_INSTRUMENT, F_CLASS };

static int keep(const pr_trade_record *t, int mode, int key) {
    if (mode == F_INSTRUMENT) return t->instrument == key;
    if (mode == F_CLASS) return (int)t->cls == key;
    return 1;
}

static void stats_filtered(const pr_trade_record *tr, size_t n, int mode, int key,
                           pr_trade_stats *s) {
    memset(s, 0, sizeof *s);
    double sum_r = 0.0, hold = 0.0;
    size_t n_hold = 0;
    size_t run_w = 0, run_l = 0;
    double mean = 0, m2 = 0;   /* Welford, for the SQN */
    s->best = -INFINITY;
    s->worst = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const pr_trade_record *t = &tr[i];
        if (!keep(t, mode, key)) continue;
        if (t->exit_ts == PR_TIME_NONE) {
            s->n_open++;
            continue;
        }
        s->n_trades++;
        double dv = t->pnl - mean;
        mean += dv / (double)s->n_trades;
        m2 += dv * (t->pnl - mean);
        s->net_pnl += t->pnl;
        s->gross_pnl += t->gross_pnl;
        s->fees += t->fees;
        s->slippage += t->slippage;
        s->funding += t->funding;
        /* Unsigned difference: defined for any pair of times. */
        if (t->entry_ts != PR_TIME_NONE && t->exit_ts >= t->entry_ts) {
            hold += (double)((uint64_t)t->exit_ts - (uint64_t)t->entry_ts);
            n_hold++;
        }
        if (t->pnl > s->best) s->best = t->pnl;
        if (t->pnl < s->worst) s->worst = t->pnl;
        if (t->pnl > 0) {
            s->n_wins++;
            s->gross_wins += t->pnl;
            run_w++;
            run_l = 0;
        } else if (t->pnl < 0) {
            s->n_losses++;
            s->gross_losses -= t->pnl;
            run_l++;
            run_w = 0;
        } else {
            run_w = run_l = 0;
        }
        if (run_w > s->max_consec_wins) s->max_consec_wins = run_w;
        if (run_l > s->max_consec_losses) s->max_consec_losses = run_l;
        if (t->risk > 0) {
            sum_r += t->pnl / t->risk;
            s->n_r++;
        }
    }
    size_t nt = s->n_trades;
    if (nt == 0) {
        s->best = s->worst = NAN;
        s->win_rate = s->expectancy = NAN;
    } else {
        s->win_rate = (double)s->n_wins / (double)nt;
        s->expectancy = s->net_pnl / (double)nt;
        if (n_hold) s->avg_holding_ms = (int64_t)llround(hold / (double)n_hold);
    }
    s->profit_factor = ratio_or_limit(s->gross_wins, s->gross_losses);
    if (nt == 0) s->profit_factor = NAN;
    s->avg_win = s->n_wins ? s->gross_wins / (double)s->n_wins : NAN;
    s->avg_loss = s->n_losses ? -s->gross_losses / (double)s->n_losses : NAN;
    s->expectancy_r = s->n_r ? sum_r / (double)s->n_r : NAN;
    s->sqn = nt >= 2 && m2 > 0 ? sqrt((double)nt) * mean / sqrt(m2 / (double)(nt - 1)) : NAN;
}

void pr_trade_stats_compute(const pr_trade_record *tr, size_t n, pr_trade_stats *out) {
    if (!out) return;
    stats_filtered(tr, tr ? n : 0, F_ALL, 0, out);
}

/* ------------------------------------------------------------------------ */
/* Benchmark                                                                 */
/* ------------------------------------------------------------------------ */

int pr_benchmark_curve(const pr_price_series *s, size_t n_s, double start_equity, int at_open,
                       double fee, const int64_t *ts, size_t n, double *out, pr_err *err) {
    if (!s || n_s == 0 || !ts || !out || n == 0)
        return pr_err_set(err, PR_EINVAL, "benchmark: no series or no times");
    if (!(start_equity > 0)) return pr_err_set(err, PR_EINVAL, "benchmark: start equity must be positive");
    if (!(fee >= 0 && fee < 1)) return pr_err_set(err, PR_EINVAL, "benchmark: fee must be in [0,1)");
    double alloc = start_equity / (double)n_s;
    for (size_t k = 0; k < n; k++) out[k] = 0.0;
    for (size_t i = 0; i < n_s; i++) {
        const pr_price_series *p = &s[i];
        const char *sym = p->symbol ? p->symbol : "?";
        if (!p->ts || !p->close) return pr_err_set(err, PR_EINVAL, "benchmark: series %s has no data", sym);
        /* Bars before the curve starts (indicator warm-up) are not held. */
        size_t first = 0;
        while (first < p->n && p->ts[first] < ts[0]) first++;
        if (first == p->n)
            return pr_err_set(err, PR_EINVAL, "benchmark: series %s has no bar inside the run", sym);
        double p0 = (at_open && p->open) ? p->open[first] : p->close[first];
        if (!(p0 > 0) || !isfinite(p0))
            return pr_err_set(err, PR_EINVAL, "benchmark: series %s has a non-positive first price", sym);
        double shares = alloc * (1.0 - fee) / p0;
        size_t j = first;
        int have = 0;
        for (size_t k = 0; k < n; k++) {
            while (j < p->n && p->ts[j] <= ts[k]) {
                j++;
                have = 1;
            }
            out[k] += have ? shares * p->close[j - 1] : alloc;
        }
    }
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Calendar returns                                                          */
/* ------------------------------------------------------------------------ */

static int period_list(const int64_t *ts, const double *v, size_t n, int monthly,
                       pr_period_return **out, size_t *n_out) {
    *out = NULL;
    *n_out = 0;
    pr_period_return *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) return PR_ENOMEM;
    size_t k = 0;
    double base = v[0];
    /* The date of point i + 1, carried to the next point (and worked out
     * again only when the day changes: a 1M-bar hourly curve has 42k days). */
    int64_t day = utc_day(ts[0]);
    int y;
    unsigned m;
    pr_civil_from_days(day, &y, &m, NULL);
    for (size_t i = 0; i < n; i++) {
        int y2 = y;
        unsigned m2 = m;
        if (i + 1 < n) {
            int64_t day2 = utc_day(ts[i + 1]);
            if (day2 != day) {
                pr_civil_from_days(day2, &y2, &m2, NULL);
                day = day2;
            }
        }
        int same = (i + 1 < n) && y2 == y && (!monthly || m2 == m);
        if (!same) {
            p[k].year = y;
            p[k].month = monthly ? (int)m : 0;
            p[k].ret = base > 0 ? v[i] / base - 1.0 : NAN;
            base = v[i];
            k++;
        }
        y = y2;
        m = m2;
    }
    *out = p;
    *n_out = k;
    return PR_OK;
}

int pr_period_returns(const int64_t *ts, const double *v, size_t n, pr_period_return **monthly,
                      size_t *n_monthly, pr_period_return **yearly, size_t *n_yearly,
                      pr_err *err) {
    if (!ts || !v || n == 0 || !monthly || !n_monthly || !yearly || !n_yearly)
        return pr_err_set(err, PR_EINVAL, "period returns: empty curve");
    if (period_list(ts, v, n, 1, monthly, n_monthly) != PR_OK ||
        period_list(ts, v, n, 0, yearly, n_yearly) != PR_OK) {
        free(*monthly);
        *monthly = NULL;
        *n_monthly = 0;
        return pr_err_set(err, PR_ENOMEM, "period returns: out of memory");
    }
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Annualisation                                                             */
/* ------------------------------------------------------------------------ */

/* The most common value of a stream of int64s, counted in a small hash
 * table (the streams are 1M steps between bars with a handful of distinct
 * values: counting beats sorting them ~10x). */
typedef struct i64_count {
    int64_t *key;
    size_t *n;                   /* 0: empty slot                           */
    size_t cap, used;
} i64_count;

static size_t slot_of(const i64_count *c, int64_t v) {
    size_t h = (size_t)(((uint64_t)v * 0x9E3779B97F4A7C15ull) >> 20) & (c->cap - 1);
    while (c->n[h] && c->key[h] != v) h = (h + 1) & (c->cap - 1);
    return h;
}

static int count_grow(i64_count *c) {
    i64_count g = {.cap = c->cap ? 2 * c->cap : 64};
    g.key = malloc(g.cap * sizeof *g.key);
    g.n = calloc(g.cap, sizeof *g.n);
    if (!g.key || !g.n) {
        free(g.key);
        free(g.n);
        return PR_ENOMEM;
    }
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->n[i]) continue;
        size_t h = slot_of(&g, c->key[i]);
        g.key[h] = c->key[i];
        g.n[h] = c->n[i];
        g.used++;
    }
    free(c->key);
    free(c->n);
    *c = g;
    return PR_OK;
}

static int count_add(i64_count *c, int64_t v) {
    if (2 * (c->used + 1) > c->cap && count_grow(c) != PR_OK) return PR_ENOMEM;
    size_t h = slot_of(c, v);
    if (!c->n[h]) {
        c->key[h] = v;
        c->used++;
    }
    c->n[h]++;
    return PR_OK;
}

/* The most counted value (0 when none); ties go to the larger value when
 * `larger`, else to the smaller. Frees the table. */
static int64_t count_mode(i64_count *c, int larger) {
    int64_t best = 0;
    size_t best_n = 0;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->n[i]) continue;
        if (c->n[i] > best_n || (c->n[i] == best_n && (larger ? c->key[i] > best : c->key[i] < best))) {
            best = c->key[i];
            best_n = c->n[i];
        }
    }
    free(c->key);
    free(c->n);
    memset(c, 0, sizeof *c);
    return best;
}

/* Most common step between consecutive points (ties: the smaller step). */
static int mode_step(const int64_t *ts, size_t n, int64_t *out) {
    *out = 0;
    if (n < 2) return PR_OK;
    i64_count c = {0};
    for (size_t i = 1; i < n; i++)
        if (count_add(&c, ts[i] - ts[i - 1]) != PR_OK) {
            count_mode(&c, 0);
            return PR_ENOMEM;
        }
    *out = count_mode(&c, 0);
    return PR_OK;
}

/* Bars per session as observed: the most common number of points per UTC
 * date (ties: the larger). */
static int observed_bars_per_day(const int64_t *ts, size_t n, int64_t *out) {
    *out = 0;
    if (n == 0) return PR_OK;
    i64_count c = {0};
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int64_t day = utc_day(ts[i]);
        while (j < n && utc_day(ts[j]) == day) j++;
        if (count_add(&c, (int64_t)(j - i)) != PR_OK) {
            count_mode(&c, 1);
            return PR_ENOMEM;
        }
        i = j;
    }
    *out = count_mode(&c, 1);
    return PR_OK;
}

double pr_metrics_days_per_year(pr_asset_class c) {
    switch (c) {
    case PR_ASSET_CRYPTO: return 365.0;
    case PR_ASSET_FOREX: return 260.0;
    case PR_ASSET_STOCK: return 252.0;
    case PR_ASSET_FUTURE: return 252.0;
    default: return 365.0;
    }
}

static pr_asset_class infer_class(const pr_trade_record *tr, size_t n_tr,
                                  const pr_metrics_options *o) {
    pr_asset_class seen = PR_ASSET_UNKNOWN;
    for (size_t i = 0; i < n_tr; i++) {
        pr_asset_class c = tr[i].cls;
        if (c == PR_ASSET_UNKNOWN) continue;
        if (seen == PR_ASSET_UNKNOWN) seen = c;
        else if (seen != c) return PR_ASSET_UNKNOWN;
    }
    for (size_t i = 0; o && i < o->n_bench; i++) {
        pr_asset_class c = o->bench[i].cls;
        if (c == PR_ASSET_UNKNOWN) continue;
        if (seen == PR_ASSET_UNKNOWN) seen = c;
        else if (seen != c) return PR_ASSET_UNKNOWN;
    }
    return seen;
}

static int annualisation(const int64_t *ts, size_t n, pr_asset_class cls, double override, int headline,
                         pr_metrics *m) {
    /* the headline figures with a given factor never read the bar step */
    if (!(headline && override > 0) && mode_step(ts, n, &m->bar_ms) != PR_OK) return PR_ENOMEM;
    m->ann_cls = cls;
    if (override > 0) {
        m->periods_per_year = override;
        snprintf(m->ann_rule, sizeof m->ann_rule, "per-bar, given: %.10g periods/yr", override);
        return PR_OK;
    }
    if (cls == PR_ASSET_UNKNOWN) {
        m->daily_sampled = 1;
        m->periods_per_year = 365.0;
        snprintf(m->ann_rule, sizeof m->ann_rule, "daily UTC-midnight samples, mixed: 365 d");
        return PR_OK;
    }
    double dpy = pr_metrics_days_per_year(cls);
    const char *name = pr_asset_class_name(cls);
    int64_t step = m->bar_ms;
    if (step <= 0 || step >= 28 * PR_MS_PER_DAY) {
        /* A single point has no step; monthly bars are 12 a year whatever
         * their length in days. */
        m->periods_per_year = step <= 0 ? dpy : 12.0;
        snprintf(m->ann_rule, sizeof m->ann_rule, step <= 0 ? "per-bar, %s: %.0f d" : "per-bar, %s: monthly bars, 12/yr",
                 name, dpy);
        return PR_OK;
    }
    if (step >= PR_MS_PER_DAY) {
        /* Trading days a bar spans: calendar days for crypto; five of seven
         * for a week or more of a market that closes at weekends. */
        double days = (double)step / (double)PR_MS_PER_DAY;
        if (step >= 7 * PR_MS_PER_DAY && cls != PR_ASSET_CRYPTO) days = days * 5.0 / 7.0;
        m->periods_per_year = dpy / days;
        snprintf(m->ann_rule, sizeof m->ann_rule, "per-bar, %s: %.0f d / %.10g d per bar", name, dpy, days);
        return PR_OK;
    }
    double bpd;
    if (cls == PR_ASSET_STOCK || cls == PR_ASSET_FUTURE) {
        int64_t obs;
        if (observed_bars_per_day(ts, n, &obs) != PR_OK) return PR_ENOMEM;
        bpd = (double)obs;
    } else {
        bpd = (double)PR_MS_PER_DAY / (double)step;
    }
    m->periods_per_year = dpy * bpd;
    snprintf(m->ann_rule, sizeof m->ann_rule, "per-bar, %s: %.0f d x %.10g bars/d", name, dpy, bpd);
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* Everything                                                                */
/* ------------------------------------------------------------------------ */

void pr_metrics_free(pr_metrics *m) {
    if (!m) return;
    free(m->by_class);
    free(m->by_instrument);
    free(m->monthly);
    free(m->yearly);
    m->by_class = NULL;
    m->by_instrument = NULL;
    m->monthly = m->yearly = NULL;
    m->n_class = m->n_instrument = m->n_monthly = m->n_yearly = 0;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int breakdowns(const pr_trade_record *tr, size_t n, pr_metrics *m) {
    size_t nc = 0;
    for (int c = PR_ASSET_UNKNOWN; c <= PR_ASSET_FUTURE; c++) {
        for (size_t i = 0; i < n; i++) {
            if ((int)tr[i].cls == c) {
                nc++;
                break;
            }
        }
    }
    if (nc) {
        m->by_class = calloc(nc, sizeof *m->by_class);
        if (!m->by_class) return PR_ENOMEM;
        for (int c = PR_ASSET_UNKNOWN; c <= PR_ASSET_FUTURE; c++) {
            int any = 0;
            for (size_t i = 0; i < n && !any; i++) any = (int)tr[i].cls == c;
            if (!any) continue;
            pr_class_stats *cs = &m->by_class[m->n_class++];
            cs->cls = (pr_asset_class)c;
            stats_filtered(tr, n, F_CLASS, c, &cs->t);
        }
    }
    if (n == 0) return PR_OK;
    int *ids = malloc(n * sizeof *ids);
    if (!ids) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) ids[i] = tr[i].instrument;
    qsort(ids, n, sizeof *ids, cmp_int);
    size_t ni = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ids[i] != ids[i - 1]) ids[ni++] = ids[i];
    m->by_instrument = calloc(ni, sizeof *m->by_instrument);
    if (!m->by_instrument) {
        free(ids);
        return PR_ENOMEM;
    }
    for (size_t k = 0; k < ni; k++) {
        pr_instrument_stats *is = &m->by_instrument[k];
        is->instrument = ids[k];
        for (size_t i = 0; i < n; i++) {
            if (tr[i].instrument == ids[k]) {
                memcpy(is->symbol, tr[i].symbol, sizeof is->symbol);
                is->symbol[sizeof is->symbol - 1] = '\0';
                is->cls = tr[i].cls;
                break;
            }
        }
        stats_filtered(tr, n, F_INSTRUMENT, ids[k], &is->t);
    }
    m->n_instrument = ni;
    free(ids);
    return PR_OK;
}

int pr_metrics_compute(const pr_equity_point *eq, size_t n_eq, const pr_trade_record *tr,
                       size_t n_tr, const pr_metrics_options *opt, pr_metrics *out,
                       pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "metrics: no output");
    memset(out, 0, sizeof *out);
    if (!eq || n_eq == 0) return pr_err_set(err, PR_EINVAL, "metrics: empty equity curve");
    if (n_tr && !tr) return pr_err_set(err, PR_EINVAL, "metrics: trades missing");
    pr_metrics_options def;
    if (!opt) {
        pr_metrics_options_default(&def);
        opt = &def;
    }
    if (opt->n_bench && !opt->bench) return pr_err_set(err, PR_EINVAL, "metrics: benchmark series missing");

    if (!(opt->risk_free > -1.0) || !isfinite(opt->risk_free))
        return pr_err_set(err, PR_EINVAL, "metrics: risk-free rate must be > -1");

    int rc = PR_ENOMEM;
    int64_t *ts = malloc(n_eq * sizeof *ts);
    double *v = malloc(n_eq * sizeof *v);
    double *g = malloc(n_eq * sizeof *g);
    double *b = NULL;
    if (!ts || !v || !g) goto oom;
    double expo = 0.0;
    size_t in_market = 0;
    for (size_t i = 0; i < n_eq; i++) {
        ts[i] = eq[i].ts;
        v[i] = eq[i].equity;
        g[i] = eq[i].equity_gross;
        expo += fabs(eq[i].exposure);
        if (eq[i].exposure != 0) in_market++;
        if (eq[i].margin_used > out->max_margin_used) out->max_margin_used = eq[i].margin_used;
    }
    out->end_cash = eq[n_eq - 1].cash;
    out->end_balance = eq[n_eq - 1].balance;
    out->end_margin_used = eq[n_eq - 1].margin_used;
    /* Validated before anything subtracts times. */
    rc = check_times(ts, n_eq, err);
    if (rc != PR_OK) goto fail;
    out->n_points = n_eq;
    out->start_ts = ts[0];
    out->end_ts = ts[n_eq - 1];
    out->risk_free = opt->risk_free;
    out->time_in_market = (double)in_market / (double)n_eq;
    out->avg_exposure = expo / (double)n_eq;

    pr_asset_class cls = opt->cls != PR_ASSET_UNKNOWN ? opt->cls : infer_class(tr, n_tr, opt);
    if (annualisation(ts, n_eq, cls, opt->periods_per_year, opt->headline, out) != PR_OK) goto oom;

    rc = pr_perf_compute(ts, v, n_eq, out->periods_per_year, out->daily_sampled, opt->risk_free,
                         &out->net, err);
    if (rc != PR_OK) goto fail;
    if (opt->headline) {
        out->gross = out->net;
        stats_filtered(tr, n_tr, F_ALL, 0, &out->trades);
        free(ts);
        free(v);
        free(g);
        return PR_OK;
    }
    rc = pr_perf_compute(ts, g, n_eq, out->periods_per_year, out->daily_sampled, opt->risk_free,
                         &out->gross, err);
    if (rc != PR_OK) {
        char why[PR_ERR_MSG_MAX];
        pr_strlcpy(why, err ? err->msg : "", sizeof why);
        pr_err_set(err, rc, "metrics (without costs): %s", why);
        goto fail;
    }
    out->cost_drag = out->gross.end - out->net.end;

    if (opt->n_bench) {
        rc = PR_ENOMEM;
        b = malloc(n_eq * sizeof *b);
        if (!b) goto oom;
        double start = opt->start_equity > 0 ? opt->start_equity : v[0];
        rc = pr_benchmark_curve(opt->bench, opt->n_bench, start, opt->bench_at_open, opt->bench_fee,
                                ts, n_eq, b, err);
        if (rc != PR_OK) goto fail;
        rc = pr_perf_compute(ts, b, n_eq, out->periods_per_year, out->daily_sampled, opt->risk_free,
                             &out->bench, err);
        if (rc != PR_OK) goto fail;
        pr_perf *bp = &out->bench;
        bp->start = start;
        bp->total_return = bp->end / start - 1.0;
        if (bp->end <= 0) bp->cagr = -1.0;
        else if (bp->years > 0) bp->cagr = pow(bp->end / start, 1.0 / bp->years) - 1.0;
        else bp->cagr = NAN;
        bp->calmar = isnan(bp->cagr) ? NAN : ratio_or_limit(bp->cagr, bp->max_drawdown);
        out->has_benchmark = 1;
    }

    stats_filtered(tr, n_tr, F_ALL, 0, &out->trades);
    for (size_t i = 0; i < n_tr; i++) {
        out->fees_paid += tr[i].fees;
        out->slippage_paid += tr[i].slippage;
        out->funding_paid += tr[i].funding;
    }
    rc = PR_ENOMEM;
    if (breakdowns(tr, n_tr, out) != PR_OK) goto oom;
    rc = pr_period_returns(ts, v, n_eq, &out->monthly, &out->n_monthly, &out->yearly,
                           &out->n_yearly, err);
    if (rc != PR_OK) goto fail;
    free(ts);
    free(v);
    free(g);
    free(b);
    return PR_OK;
oom:
    rc = pr_err_set(err, PR_ENOMEM, "metrics: out of memory");
fail:
    free(ts);
    free(v);
    free(g);
    free(b);
    pr_metrics_free(out);
    return rc;
}
