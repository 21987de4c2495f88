/* Metrics for people and scripts: the terminal table (into a caller's buffer
 * or an explicit FILE sink) and the JSON document (fixed key order, 17
 * significant digits, so identical metrics give identical bytes). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metrics_internal.h"
#include "proratio/core/json_text.h"

/* ------------------------------------------------------------------------ */
/* Terminal table                                                            */
/* ------------------------------------------------------------------------ */

typedef struct tb {
    char *buf;
    size_t cap, len;
} tb;

static void tb_printf(tb *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(tb *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *dst = NULL;
    size_t room = 0;
    if (t->buf && t->len < t->cap) {
        dst = t->buf + t->len;
        room = t->cap - t->len;
    }
    int k = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (k > 0) t->len += (size_t)k;
}

/* Fixed decimals, or "n/a" / "inf" / "-inf". */
const char *pr_mx_fnum(char *b, size_t cap, double x, int dec, const char *suffix) {
    if (isnan(x)) snprintf(b, cap, "n/a");
    else if (isinf(x)) snprintf(b, cap, "%s", x > 0 ? "inf" : "-inf");
    else snprintf(b, cap, "%.*f%s", dec, x, suffix);
    return b;
}

const char *pr_mx_fpct(char *b, size_t cap, double x) { return pr_mx_fnum(b, cap, x * 100.0, 2, "%"); }

const char *pr_mx_fdur(char *b, size_t cap, int64_t ms) {
    int neg = ms < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    uint64_t s = u / 1000, d = s / 86400;
    unsigned h = (unsigned)(s / 3600 % 24), mi = (unsigned)(s / 60 % 60), se = (unsigned)(s % 60);
    if (d) snprintf(b, cap, "%s%llud %02u:%02u:%02u", neg ? "-" : "", (unsigned long long)d, h, mi, se);
    else snprintf(b, cap, "%s%02u:%02u:%02u", neg ? "-" : "", h, mi, se);
    return b;
}

#define fnum pr_mx_fnum
#define fpct pr_mx_fpct
#define fdur pr_mx_fdur

enum { W_LABEL = 26, W_COL = 16 };

static void row3(tb *t, const pr_metrics *m, const char *label, const char *a, const char *b,
                 const char *c) {
    if (m->has_benchmark) tb_printf(t, "%-*s%*s%*s%*s\n", W_LABEL, label, W_COL, a, W_COL, b, W_COL, c);
    else tb_printf(t, "%-*s%*s%*s\n", W_LABEL, label, W_COL, a, W_COL, b);
}

typedef double (*perf_get)(const pr_perf *);
static double g_total(const pr_perf *p) { return p->total_return; }
static double g_cagr(const pr_perf *p) { return p->cagr; }
static double g_vol(const pr_perf *p) { return p->volatility; }
static double g_mdd(const pr_perf *p) { return p->max_drawdown; }
static double g_sharpe(const pr_perf *p) { return p->sharpe; }
static double g_sortino(const pr_perf *p) { return p->sortino; }
static double g_calmar(const pr_perf *p) { return p->calmar; }
static double g_end(const pr_perf *p) { return p->end; }

static void perf_row(tb *t, const pr_metrics *m, const char *label, perf_get get, int kind) {
    char a[48], b[48], c[48];
    const pr_perf *ps[3] = {&m->net, &m->gross, &m->bench};
    char *out[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        double x = get(ps[i]);
        if (kind == 0) fpct(out[i], 48, x);
        else fnum(out[i], 48, x, 2, "");
    }
    row3(t, m, label, a, b, c);
}

/* Drawdown durations, in bars or as time; '*' marks a drawdown that had not
 * recovered by the end. */
static void dd_row(tb *t, const pr_metrics *m, const char *label, int longest, int as_time) {
    char cell[3][48];
    const pr_perf *ps[3] = {&m->net, &m->gross, &m->bench};
    for (int i = 0; i < 3; i++) {
        const pr_perf *p = ps[i];
        const char *star = (!longest && !p->dd_recovered) ? "*" : "";
        if (as_time) {
            char d[40];
            snprintf(cell[i], sizeof cell[i], "%s%s", fdur(d, sizeof d, longest ? p->longest_dd_ms : p->dd_duration_ms),
                     star);
        } else {
            snprintf(cell[i], sizeof cell[i], "%zu%s", longest ? p->longest_dd_bars : p->dd_duration_bars, star);
        }
    }
    row3(t, m, label, cell[0], cell[1], cell[2]);
}

static void stats_line(tb *t, const char *name, const pr_trade_stats *s) {
    char wr[32], pnl[48], fee[48];
    tb_printf(t, "  %-20s%8zu%10s%16s%14s\n", name, s->n_trades, fpct(wr, sizeof wr, s->win_rate),
              fnum(pnl, sizeof pnl, s->net_pnl, 2, ""), fnum(fee, sizeof fee, s->fees, 2, ""));
}

size_t pr_metrics_format_table(const pr_metrics *m, char *buf, size_t cap) {
    tb t = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    if (!m) return 0;
    char a[64], b[64], c[64], d[64];
    pr_time_format_iso(m->start_ts, a, sizeof a);
    pr_time_format_iso(m->end_ts, b, sizeof b);
    tb_printf(&t, "%-*s%s .. %s (%zu points, step %s)\n", W_LABEL, "Period", a, b, m->n_points,
              fdur(c, sizeof c, m->bar_ms));
    tb_printf(&t, "%-*s%s = %.10g periods/yr, risk-free %s\n", W_LABEL, "Annualisation", m->ann_rule,
              m->periods_per_year, fpct(d, sizeof d, m->risk_free));
    tb_printf(&t, "\n");
    row3(&t, m, "", "Net", "Without costs", "Buy & hold");
    perf_row(&t, m, "Final equity", g_end, 1);
    perf_row(&t, m, "Total return", g_total, 0);
    perf_row(&t, m, "CAGR", g_cagr, 0);
    perf_row(&t, m, "Volatility (ann.)", g_vol, 0);
    perf_row(&t, m, "Sharpe", g_sharpe, 1);
    perf_row(&t, m, "Sortino", g_sortino, 1);
    perf_row(&t, m, "Calmar", g_calmar, 1);
    perf_row(&t, m, "Max drawdown", g_mdd, 0);
    dd_row(&t, m, "Max DD duration (bars)", 0, 0);
    dd_row(&t, m, "Max DD duration", 0, 1);
    dd_row(&t, m, "Longest DD (bars)", 1, 0);
    dd_row(&t, m, "Longest DD", 1, 1);
    if (!m->net.dd_recovered || !m->gross.dd_recovered || (m->has_benchmark && !m->bench.dd_recovered))
        tb_printf(&t, "%-*s* not recovered by the end\n", W_LABEL, "");
    tb_printf(&t, "\n");

    const pr_trade_stats *s = &m->trades;
    tb_printf(&t, "%-*s%zu closed, %zu open\n", W_LABEL, "Trades", s->n_trades, s->n_open);
    tb_printf(&t, "%-*s%s (%zu won, %zu lost)\n", W_LABEL, "Win rate", fpct(a, sizeof a, s->win_rate),
              s->n_wins, s->n_losses);
    tb_printf(&t, "%-*s%s\n", W_LABEL, "Profit factor", fnum(a, sizeof a, s->profit_factor, 2, ""));
    tb_printf(&t, "%-*s%s / %s\n", W_LABEL, "Avg win / avg loss", fnum(a, sizeof a, s->avg_win, 2, ""),
              fnum(b, sizeof b, s->avg_loss, 2, ""));
    tb_printf(&t, "%-*s%s per trade", W_LABEL, "Expectancy", fnum(a, sizeof a, s->expectancy, 2, ""));
    if (s->n_r) tb_printf(&t, ", %s R (%zu trades with a stop)", fnum(b, sizeof b, s->expectancy_r, 2, ""), s->n_r);
    tb_printf(&t, "\n");
    tb_printf(&t, "%-*s%s / %s\n", W_LABEL, "Best / worst trade", fnum(a, sizeof a, s->best, 2, ""),
              fnum(b, sizeof b, s->worst, 2, ""));
    tb_printf(&t, "%-*s%zu / %zu\n", W_LABEL, "Max consecutive W / L", s->max_consec_wins,
              s->max_consec_losses);
    tb_printf(&t, "%-*s%s\n", W_LABEL, "Avg holding time", fdur(a, sizeof a, s->avg_holding_ms));
    tb_printf(&t, "%-*s%s (avg exposure %s)\n", W_LABEL, "Time in market",
              fpct(a, sizeof a, m->time_in_market), fpct(b, sizeof b, m->avg_exposure));
    tb_printf(&t, "%-*s%s / %s / %s\n", W_LABEL, "Fees / slippage / funding",
              fnum(a, sizeof a, m->fees_paid, 2, ""), fnum(b, sizeof b, m->slippage_paid, 2, ""),
              fnum(c, sizeof c, m->funding_paid, 2, ""));
    tb_printf(&t, "%-*s%s\n", W_LABEL, "Cost drag (gross - net)", fnum(a, sizeof a, m->cost_drag, 2, ""));
    tb_printf(&t, "%-*s%s / %s / %s (max %s)\n", W_LABEL, "Cash / balance / margin", fnum(a, sizeof a, m->end_cash, 2, ""),
              fnum(b, sizeof b, m->end_balance, 2, ""), fnum(c, sizeof c, m->end_margin_used, 2, ""),
              fnum(d, sizeof d, m->max_margin_used, 2, ""));

    if (m->n_class || m->n_instrument) {
        tb_printf(&t, "\n  %-20s%8s%10s%16s%14s\n", "", "trades", "win", "net P&L", "fees");
        for (size_t i = 0; i < m->n_class; i++) {
            snprintf(a, sizeof a, "[%s]", pr_asset_class_name(m->by_class[i].cls));
            stats_line(&t, a, &m->by_class[i].t);
        }
        for (size_t i = 0; i < m->n_instrument; i++)
            stats_line(&t, m->by_instrument[i].symbol[0] ? m->by_instrument[i].symbol : "?",
                       &m->by_instrument[i].t);
    }
    if (m->n_yearly) {
        tb_printf(&t, "\n%-*s", W_LABEL, "Yearly returns");
        for (size_t i = 0; i < m->n_yearly; i++)
            tb_printf(&t, "%s%d %s", i ? ", " : "", m->yearly[i].year, fpct(a, sizeof a, m->yearly[i].ret));
        tb_printf(&t, "\n");
    }
    return t.len;
}

int pr_metrics_write_table(const pr_metrics *m, FILE *f, pr_err *err) {
    if (!m || !f) return pr_err_set(err, PR_EINVAL, "metrics table: no metrics or no file");
    size_t need = pr_metrics_format_table(m, NULL, 0);
    char *buf = malloc(need + 1);
    if (!buf) return pr_err_set(err, PR_ENOMEM, "metrics table: out of memory");
    pr_metrics_format_table(m, buf, need + 1);
    int ok = fwrite(buf, 1, need, f) == need;
    free(buf);
    if (!ok) return pr_err_set(err, PR_EIO, "metrics table: write failed: %s", strerror(errno));
    return PR_OK;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

json_t *pr_mx_json_num(double x) {
    if (isnan(x)) return json_null();
    if (isinf(x)) return json_string(x > 0 ? "inf" : "-inf");
    return json_real(x);
}

static json_t *jtime(int64_t ts) {
    char b[PR_TIME_STR_MAX];
    pr_time_format_iso(ts, b, sizeof b);
    return json_string(b);
}

static json_t *jtext(const char *s, size_t max) {
    char b[256];
    size_t n = strnlen(s, max < sizeof b ? max : sizeof b - 1);
    memcpy(b, s, n);
    b[n] = '\0';
    json_t *j = json_string(b);
    if (j) return j;
    /* Not valid UTF-8: keep the ASCII and mark the rest. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b[i] >= 0x80) b[i] = '?';
    return json_string(b);
}

#define SETN(o, k, x) json_object_set_new(o, k, pr_mx_json_num(x))
#define SETI(o, k, x) json_object_set_new(o, k, json_integer((json_int_t)(x)))

static json_t *perf_json(const pr_perf *p) {
    json_t *o = json_object();
    SETN(o, "start", p->start);
    SETN(o, "end", p->end);
    SETN(o, "total_return", p->total_return);
    SETN(o, "cagr", p->cagr);
    SETN(o, "volatility", p->volatility);
    SETN(o, "sharpe", p->sharpe);
    SETN(o, "sortino", p->sortino);
    SETN(o, "calmar", p->calmar);
    SETN(o, "max_drawdown", p->max_drawdown);
    json_object_set_new(o, "max_drawdown_peak", jtime(p->dd_peak_ts));
    json_object_set_new(o, "max_drawdown_trough", jtime(p->dd_trough_ts));
    json_object_set_new(o, "max_drawdown_end", jtime(p->dd_end_ts));
    json_object_set_new(o, "max_drawdown_recovered", json_boolean(p->dd_recovered));
    SETI(o, "max_drawdown_duration_ms", p->dd_duration_ms);
    SETI(o, "max_drawdown_duration_bars", p->dd_duration_bars);
    SETI(o, "max_drawdown_to_trough_bars", p->dd_to_trough_bars);
    SETI(o, "longest_drawdown_ms", p->longest_dd_ms);
    SETI(o, "longest_drawdown_bars", p->longest_dd_bars);
    SETI(o, "returns", p->n_returns);
    SETN(o, "years", p->years);
    return o;
}

static void stats_into(json_t *o, const pr_trade_stats *s) {
    SETI(o, "trades", s->n_trades);
    SETI(o, "wins", s->n_wins);
    SETI(o, "losses", s->n_losses);
    SETI(o, "open", s->n_open);
    SETN(o, "win_rate", s->win_rate);
    SETN(o, "gross_wins", s->gross_wins);
    SETN(o, "gross_losses", s->gross_losses);
    SETN(o, "profit_factor", s->profit_factor);
    SETN(o, "avg_win", s->avg_win);
    SETN(o, "avg_loss", s->avg_loss);
    SETN(o, "expectancy", s->expectancy);
    SETN(o, "expectancy_r", s->expectancy_r);
    SETI(o, "trades_with_risk", s->n_r);
    SETN(o, "net_pnl", s->net_pnl);
    SETN(o, "gross_pnl", s->gross_pnl);
    SETN(o, "fees", s->fees);
    SETN(o, "slippage", s->slippage);
    SETN(o, "funding", s->funding);
    SETN(o, "best", s->best);
    SETN(o, "worst", s->worst);
    SETI(o, "avg_holding_ms", s->avg_holding_ms);
    SETI(o, "max_consecutive_wins", s->max_consec_wins);
    SETI(o, "max_consecutive_losses", s->max_consec_losses);
}

json_t *pr_mx_metrics_json(const pr_metrics *m) {
    json_t *o = json_object();
    if (!o) return NULL;
    SETI(o, "points", m->n_points);
    json_object_set_new(o, "start", jtime(m->start_ts));
    json_object_set_new(o, "end", jtime(m->end_ts));
    SETI(o, "bar_ms", m->bar_ms);
    json_t *an = json_object();
    json_object_set_new(an, "rule", json_string(m->ann_rule));
    json_object_set_new(an, "asset_class", json_string(pr_asset_class_name(m->ann_cls)));
    json_object_set_new(an, "daily_sampled", json_boolean(m->daily_sampled));
    SETN(an, "periods_per_year", m->periods_per_year);
    json_object_set_new(o, "annualisation", an);
    SETN(o, "risk_free", m->risk_free);
    json_object_set_new(o, "net", perf_json(&m->net));
    json_object_set_new(o, "gross", perf_json(&m->gross));
    json_object_set_new(o, "benchmark", m->has_benchmark ? perf_json(&m->bench) : json_null());
    json_t *tj = json_object();
    stats_into(tj, &m->trades);
    json_object_set_new(o, "trades", tj);
    json_t *c = json_object();
    SETN(c, "fees", m->fees_paid);
    SETN(c, "slippage", m->slippage_paid);
    SETN(c, "funding", m->funding_paid);
    SETN(c, "total", m->fees_paid + m->slippage_paid + m->funding_paid);
    SETN(c, "drag", m->cost_drag);
    json_object_set_new(o, "costs", c);
    json_t *e = json_object();
    SETN(e, "time_in_market", m->time_in_market);
    SETN(e, "average", m->avg_exposure);
    json_object_set_new(o, "exposure", e);
    json_t *ac = json_object();
    SETN(ac, "cash", m->end_cash);
    SETN(ac, "balance", m->end_balance);
    SETN(ac, "margin_used", m->end_margin_used);
    SETN(ac, "max_margin_used", m->max_margin_used);
    json_object_set_new(o, "account", ac);
    json_t *bc = json_array();
    for (size_t i = 0; i < m->n_class; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "asset_class", json_string(pr_asset_class_name(m->by_class[i].cls)));
        stats_into(x, &m->by_class[i].t);
        json_array_append_new(bc, x);
    }
    json_object_set_new(o, "by_class", bc);
    json_t *bi = json_array();
    for (size_t i = 0; i < m->n_instrument; i++) {
        const pr_instrument_stats *is = &m->by_instrument[i];
        json_t *x = json_object();
        SETI(x, "instrument", is->instrument);
        json_object_set_new(x, "symbol", jtext(is->symbol, sizeof is->symbol));
        json_object_set_new(x, "asset_class", json_string(pr_asset_class_name(is->cls)));
        stats_into(x, &is->t);
        json_array_append_new(bi, x);
    }
    json_object_set_new(o, "by_instrument", bi);
    json_t *mo = json_array();
    for (size_t i = 0; i < m->n_monthly; i++) {
        json_t *x = json_object();
        SETI(x, "year", m->monthly[i].year);
        SETI(x, "month", m->monthly[i].month);
        SETN(x, "return", m->monthly[i].ret);
        json_array_append_new(mo, x);
    }
    json_object_set_new(o, "monthly", mo);
    json_t *yr = json_array();
    for (size_t i = 0; i < m->n_yearly; i++) {
        json_t *x = json_object();
        SETI(x, "year", m->yearly[i].year);
        SETN(x, "return", m->yearly[i].ret);
        json_array_append_new(yr, x);
    }
    json_object_set_new(o, "yearly", yr);
    return o;
}

int pr_metrics_to_json(const pr_metrics *m, char **out, pr_err *err) {
    if (!m || !out) return pr_err_set(err, PR_EINVAL, "metrics JSON: no metrics or no output");
    *out = NULL;
    json_t *o = pr_mx_metrics_json(m);
    if (!o) return pr_err_set(err, PR_ENOMEM, "metrics JSON: out of memory");
    char *s = pr_json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    if (!s) return pr_err_set(err, PR_ENOMEM, "metrics JSON: out of memory");
    size_t n = strlen(s);
    char *r = realloc(s, n + 2);
    if (!r) {
        free(s);
        return pr_err_set(err, PR_ENOMEM, "metrics JSON: out of memory");
    }
    r[n] = '\n';
    r[n + 1] = '\0';
    *out = r;
    return PR_OK;
}
