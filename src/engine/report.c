/* The self-contained HTML report: static HTML tables (configuration,
 * metrics, breakdowns, monthly returns, trade list) written here, and the
 * charts (equity, drawdown, prices with trade markers) drawn on <canvas> by
 * the inline script in report_assets.c from inline JSON. Nothing refers to
 * anything outside the file: user text that contains "://" is written with
 * the colon or slash escaped, so the file holds no URL at all. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metrics_internal.h"
#include "proratio/engine/report.h"
#include "proratio/core/json_text.h"

extern const char *const pr_report_css[];
extern const char *const pr_report_js[];

enum { DEFAULT_POINTS = 5000, DEFAULT_ROWS = 500 };

/* ------------------------------------------------------------------------ */
/* Downsampling                                                              */
/* ------------------------------------------------------------------------ */

size_t pr_report_downsample(const double *v, size_t n, size_t max_points, size_t *out_idx) {
    if (!v || !out_idx || n == 0) return 0;
    if (n <= max_points) {
        for (size_t i = 0; i < n; i++) out_idx[i] = i;
        return n;
    }
    if (max_points < 4) return 0;
    size_t nb = (max_points - 2) / 2, inner = n - 2, k = 0;
    out_idx[k++] = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t lo = 1 + b * inner / nb, hi = 1 + (b + 1) * inner / nb;
        if (lo >= hi) continue;
        size_t imin = lo, imax = lo;
        for (size_t i = lo; i < hi; i++) {
            if (v[i] < v[imin] || isnan(v[imin])) imin = i;
            if (v[i] > v[imax] || isnan(v[imax])) imax = i;
        }
        size_t a = imin < imax ? imin : imax, c = imin < imax ? imax : imin;
        out_idx[k++] = a;
        if (c != a) out_idx[k++] = c;
    }
    out_idx[k++] = n - 1;
    return k;
}

/* ------------------------------------------------------------------------ */
/* Output with sticky error                                                  */
/* ------------------------------------------------------------------------ */

typedef struct out {
    FILE *f;
    int failed;
} out;

static void o_write(out *o, const char *s, size_t n) {
    if (!o->failed && n && fwrite(s, 1, n, o->f) != n) o->failed = 1;
}

static void o_puts(out *o, const char *s) { o_write(o, s, strlen(s)); }

static void o_printf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void o_printf(out *o, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < sizeof buf) {
        o_write(o, buf, (size_t)k);
        return;
    }
    char *big = malloc((size_t)k + 1);
    if (!big) {
        o->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    o_write(o, big, (size_t)k);
    free(big);
}

/* HTML text: & < > " ' escaped; the colon of "://" as well, so user text
 * never forms a URL in the file. */
static void o_esc_n(out *o, const char *s, size_t max) {
    size_t n = strnlen(s ? s : "", max);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case ':':
            if (i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') rep = "&#58;";
            break;
        default: break;
        }
        if (!rep) continue;
        o_write(o, s + from, i - from);
        o_puts(o, rep);
        from = i + 1;
    }
    o_write(o, s + from, n - from);
}

static void o_esc(out *o, const char *s) { o_esc_n(o, s, (size_t)-1); }

/* ------------------------------------------------------------------------ */
/* Inline data                                                               */
/* ------------------------------------------------------------------------ */

/* The data is written straight into the page (pr_jw, no jansson tree: a
 * run's every trade is in it) through a sink that keeps it safe inside
 * <script>: no '<' (so no "</script>" or "<!--") and, with
 * JSON_ESCAPE_SLASH, no "://". */
static int json_sink(void *ctx, const char *s, size_t n) {
    pr_wbuf *w = ctx;
    const char *end = s + n, *p = s;
    for (const char *lt; (lt = memchr(p, '<', (size_t)(end - p))) != NULL; p = lt + 1) {
        pr_wbuf_put(w, p, (size_t)(lt - p));
        pr_wbuf_put(w, "\\u003c", 6);
    }
    return pr_wbuf_put(w, p, (size_t)(end - p)) ? -1 : 0;
}

/* User text of at most min(max, 255) bytes; bytes of invalid UTF-8 become
 * '?'. */
static void jw_text(pr_jw *j, const char *s, size_t max) {
    pr_jw_text(j, s, strnlen(s, max < 256 ? max : 255));
}

/* pr_mx_json_num's text: a real, "inf"/"-inf", or null for NaN. */
static void jw_num(pr_jw *j, double x) {
    if (isinf(x)) pr_jw_str(j, x > 0 ? "inf" : "-inf", x > 0 ? 3 : 4);
    else pr_jw_real(j, x);
}

/* idx and tmp hold max(max_points, n_eq, every price series' length). */
static void write_data(out *o, const pr_report_input *in, size_t max_points, size_t *idx, double *tmp) {
    /* Many small pieces: gathered in one buffer, not a FILE call each. */
    pr_wbuf wb;
    if (o->failed || pr_wbuf_open(&wb, o->f, 1 << 16) != PR_OK) {
        o->failed = 1;
        return;
    }
    pr_jw jw, *j = &jw;
    pr_jw_init(j, JSON_COMPACT | JSON_ESCAPE_SLASH, json_sink, &wb);
    size_t n = in->n_eq;
    pr_jw_open(j, '{');

    /* Equity lines, downsampled on the net curve. */
    for (size_t i = 0; i < n; i++) tmp[i] = in->eq[i].equity;
    size_t k = pr_report_downsample(tmp, n, max_points, idx);
    pr_jw_key(j, "equity");
    pr_jw_open(j, '{');
    pr_jw_key(j, "t");
    pr_jw_open(j, '[');
    for (size_t q = 0; q < k; q++) pr_jw_int(j, in->eq[idx[q]].ts);
    pr_jw_close(j, ']');
    pr_jw_key(j, "net");
    pr_jw_open(j, '[');
    for (size_t q = 0; q < k; q++) jw_num(j, in->eq[idx[q]].equity);
    pr_jw_close(j, ']');
    pr_jw_key(j, "gross");
    pr_jw_open(j, '[');
    for (size_t q = 0; q < k; q++) jw_num(j, in->eq[idx[q]].equity_gross);
    pr_jw_close(j, ']');
    if (in->bench_equity) {
        pr_jw_key(j, "bench");
        pr_jw_open(j, '[');
        for (size_t q = 0; q < k; q++) jw_num(j, in->bench_equity[idx[q]]);
        pr_jw_close(j, ']');
    }
    /* Each line's start, which the chart's returns are relative to (the
     * metrics' total returns use the same). */
    pr_jw_key(j, "base");
    pr_jw_open(j, '[');
    jw_num(j, in->metrics->net.start);
    jw_num(j, in->metrics->gross.start);
    jw_num(j, in->metrics->has_benchmark ? in->metrics->bench.start
              : in->bench_equity && n ? in->bench_equity[0] : NAN);
    pr_jw_close(j, ']');
    pr_jw_close(j, '}');

    /* Drawdown (fraction below the running peak, <= 0), downsampled on
     * itself so every trough survives. */
    double peak = n ? in->eq[0].equity : 0;
    for (size_t i = 0; i < n; i++) {
        if (in->eq[i].equity > peak) peak = in->eq[i].equity;
        tmp[i] = peak > 0 ? in->eq[i].equity / peak - 1.0 : NAN;
    }
    k = pr_report_downsample(tmp, n, max_points, idx);
    pr_jw_key(j, "drawdown");
    pr_jw_open(j, '{');
    pr_jw_key(j, "t");
    pr_jw_open(j, '[');
    for (size_t q = 0; q < k; q++) pr_jw_int(j, in->eq[idx[q]].ts);
    pr_jw_close(j, ']');
    pr_jw_key(j, "v");
    pr_jw_open(j, '[');
    for (size_t q = 0; q < k; q++) jw_num(j, tmp[idx[q]]);
    pr_jw_close(j, ']');
    pr_jw_close(j, '}');

    /* Every trade: [instrument, side, entry_ts, entry_price, exit_ts|null,
     * exit_price, qty, pnl, symbol, tag, reason]. */
    pr_jw_key(j, "trades");
    pr_jw_open(j, '[');
    for (size_t i = 0; i < in->n_trades; i++) {
        const pr_trade_record *r = &in->trades[i];
        pr_jw_open(j, '[');
        pr_jw_int(j, r->instrument);
        pr_jw_int(j, r->side);
        pr_jw_int(j, r->entry_ts);
        jw_num(j, r->entry_price);
        if (r->exit_ts == PR_TIME_NONE) pr_jw_lit(j, "null");
        else pr_jw_int(j, r->exit_ts);
        jw_num(j, r->exit_price);
        jw_num(j, r->qty);
        jw_num(j, r->pnl);
        jw_text(j, r->symbol, sizeof r->symbol);
        jw_text(j, r->tag, sizeof r->tag);
        jw_text(j, r->reason, sizeof r->reason);
        pr_jw_close(j, ']');
    }
    pr_jw_close(j, ']');

    /* Price lines (downsampled) and the indices of their trades. */
    pr_jw_key(j, "prices");
    pr_jw_open(j, '[');
    for (size_t i = 0; i < in->n_prices; i++) {
        const pr_price_series *s = &in->prices[i];
        size_t m = (s->ts && s->close) ? s->n : 0;
        k = pr_report_downsample(s->close, m, max_points, idx);
        pr_jw_open(j, '{');
        pr_jw_key(j, "symbol");
        jw_text(j, s->symbol ? s->symbol : "", 64);
        pr_jw_key(j, "instrument");
        pr_jw_int(j, s->instrument);
        pr_jw_key(j, "t");
        pr_jw_open(j, '[');
        for (size_t q = 0; q < k; q++) pr_jw_int(j, s->ts[idx[q]]);
        pr_jw_close(j, ']');
        pr_jw_key(j, "c");
        pr_jw_open(j, '[');
        for (size_t q = 0; q < k; q++) jw_num(j, s->close[idx[q]]);
        pr_jw_close(j, ']');
        pr_jw_key(j, "trades");
        pr_jw_open(j, '[');
        for (size_t q = 0; q < in->n_trades; q++)
            if (in->trades[q].instrument == s->instrument) pr_jw_int(j, (long long)q);
        pr_jw_close(j, ']');
        pr_jw_close(j, '}');
    }
    pr_jw_close(j, ']');
    pr_jw_close(j, '}');
    if (pr_wbuf_close(&wb) != PR_OK || j->bad) o->failed = 1;
}

/* ------------------------------------------------------------------------ */
/* HTML sections                                                             */
/* ------------------------------------------------------------------------ */

static const char *sign_class(double x) { return x > 0 ? "pos" : x < 0 ? "neg" : ""; }

/* Trades are counted one way everywhere in the report (header, metrics,
 * price charts, trade list): "N trades (C closed, O open)", a position
 * still open at the end counting as one trade. inst < 0: all instruments. */
static const char *trade_count(char *buf, size_t cap, const pr_trade_record *t, size_t n, int inst) {
    size_t closed = 0, open = 0;
    for (size_t i = 0; i < n; i++) {
        if (inst >= 0 && t[i].instrument != inst) continue;
        if (t[i].exit_ts == PR_TIME_NONE) open++;
        else closed++;
    }
    snprintf(buf, cap, "%zu trade%s (%zu closed, %zu open)", closed + open, closed + open == 1 ? "" : "s", closed,
             open);
    return buf;
}

static void perf_row(out *o, const pr_metrics *m, const char *label, int kind, size_t off) {
    const pr_perf *ps[3] = {&m->net, &m->gross, &m->bench};
    int cols = m->has_benchmark ? 3 : 2;
    o_printf(o, "<tr><td class=\"l\">%s</td>", label);
    for (int i = 0; i < cols; i++) {
        double x;
        memcpy(&x, (const char *)ps[i] + off, sizeof x);
        char b[64];
        if (kind == 0) pr_mx_fpct(b, sizeof b, x);
        else pr_mx_fnum(b, sizeof b, x, 2, "");
        const char *cls = kind == 0 && off != offsetof(pr_perf, max_drawdown) &&
                                  off != offsetof(pr_perf, volatility) ? sign_class(x) : "";
        o_printf(o, "<td class=\"%s\">%s</td>", cls, b);
    }
    o_puts(o, "</tr>\n");
}

static void dd_row(out *o, const pr_metrics *m, int longest) {
    const pr_perf *ps[3] = {&m->net, &m->gross, &m->bench};
    int cols = m->has_benchmark ? 3 : 2;
    o_printf(o, "<tr><td class=\"l\">%s</td>", longest ? "Longest drawdown" : "Max drawdown duration");
    for (int i = 0; i < cols; i++) {
        char d[48];
        size_t bars = longest ? ps[i]->longest_dd_bars : ps[i]->dd_duration_bars;
        int64_t ms = longest ? ps[i]->longest_dd_ms : ps[i]->dd_duration_ms;
        o_printf(o, "<td>%zu bars, %s%s</td>", bars, pr_mx_fdur(d, sizeof d, ms),
                 !longest && !ps[i]->dd_recovered ? " (not recovered)" : "");
    }
    o_puts(o, "</tr>\n");
}

static void kv(out *o, const char *k, const char *v) {
    o_printf(o, "<tr><td>%s</td><td>", k);
    o_esc(o, v);
    o_puts(o, "</td></tr>\n");
}

static void metrics_section(out *o, const pr_metrics *m, const pr_report_input *in) {
    char a[64], b[64], c[64], line[256];
    o_puts(o, "<section><h2>Metrics</h2>\n<div class=\"grid\">\n<table>\n<tr><th class=\"l\"></th>"
              "<th>Net</th><th>Without costs</th>");
    if (m->has_benchmark) o_puts(o, "<th>Buy &amp; hold</th>");
    o_puts(o, "</tr>\n");
    perf_row(o, m, "Final equity", 1, offsetof(pr_perf, end));
    perf_row(o, m, "Total return", 0, offsetof(pr_perf, total_return));
    perf_row(o, m, "CAGR", 0, offsetof(pr_perf, cagr));
    perf_row(o, m, "Volatility (ann.)", 0, offsetof(pr_perf, volatility));
    perf_row(o, m, "Sharpe", 1, offsetof(pr_perf, sharpe));
    perf_row(o, m, "Sortino", 1, offsetof(pr_perf, sortino));
    perf_row(o, m, "Calmar", 1, offsetof(pr_perf, calmar));
    perf_row(o, m, "Max drawdown", 0, offsetof(pr_perf, max_drawdown));
    dd_row(o, m, 0);
    dd_row(o, m, 1);
    o_puts(o, "</table>\n<table class=\"kv\">\n");
    const pr_trade_stats *s = &m->trades;
    kv(o, "Trades", trade_count(line, sizeof line, in->trades, in->n_trades, -1));
    snprintf(line, sizeof line, "%s (%zu won, %zu lost)", pr_mx_fpct(a, sizeof a, s->win_rate), s->n_wins,
             s->n_losses);
    kv(o, "Win rate", line);
    kv(o, "Profit factor", pr_mx_fnum(a, sizeof a, s->profit_factor, 2, ""));
    snprintf(line, sizeof line, "%s / %s", pr_mx_fnum(a, sizeof a, s->avg_win, 2, ""),
             pr_mx_fnum(b, sizeof b, s->avg_loss, 2, ""));
    kv(o, "Avg win / avg loss", line);
    snprintf(line, sizeof line, "%s per trade", pr_mx_fnum(a, sizeof a, s->expectancy, 2, ""));
    if (s->n_r) {
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, ", %s R", pr_mx_fnum(b, sizeof b, s->expectancy_r, 2, ""));
    }
    kv(o, "Expectancy", line);
    snprintf(line, sizeof line, "%s / %s", pr_mx_fnum(a, sizeof a, s->best, 2, ""),
             pr_mx_fnum(b, sizeof b, s->worst, 2, ""));
    kv(o, "Best / worst trade", line);
    snprintf(line, sizeof line, "%zu / %zu", s->max_consec_wins, s->max_consec_losses);
    kv(o, "Max consecutive wins / losses", line);
    kv(o, "Avg holding time", pr_mx_fdur(a, sizeof a, s->avg_holding_ms));
    snprintf(line, sizeof line, "%s (avg exposure %s)", pr_mx_fpct(a, sizeof a, m->time_in_market),
             pr_mx_fpct(b, sizeof b, m->avg_exposure));
    kv(o, "Time in market", line);
    snprintf(line, sizeof line, "%s / %s / %s", pr_mx_fnum(a, sizeof a, m->fees_paid, 2, ""),
             pr_mx_fnum(b, sizeof b, m->slippage_paid, 2, ""), pr_mx_fnum(c, sizeof c, m->funding_paid, 2, ""));
    kv(o, "Fees / slippage / funding", line);
    kv(o, "Cost drag (gross - net)", pr_mx_fnum(a, sizeof a, m->cost_drag, 2, ""));
    o_puts(o, "</table>\n");

    if (m->n_class || m->n_instrument) {
        o_puts(o, "<table>\n<tr><th class=\"l\">By class / instrument</th><th>Trades</th><th>Win rate</th>"
                  "<th>Profit factor</th><th>Net P&amp;L</th><th>Fees</th></tr>\n");
        for (size_t i = 0; i < m->n_class + m->n_instrument; i++) {
            const pr_trade_stats *t;
            o_puts(o, "<tr><td class=\"l\">");
            if (i < m->n_class) {
                t = &m->by_class[i].t;
                o_printf(o, "<b>%s</b>", pr_asset_class_name(m->by_class[i].cls));
            } else {
                const pr_instrument_stats *is = &m->by_instrument[i - m->n_class];
                t = &is->t;
                o_esc_n(o, is->symbol, sizeof is->symbol);
            }
            o_printf(o, "</td><td>%zu</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td></tr>\n",
                     t->n_trades, pr_mx_fpct(a, sizeof a, t->win_rate),
                     pr_mx_fnum(b, sizeof b, t->profit_factor, 2, ""), sign_class(t->net_pnl),
                     pr_mx_fnum(c, sizeof c, t->net_pnl, 2, ""), pr_mx_fnum(line, sizeof line, t->fees, 2, ""));
        }
        o_puts(o, "</table>\n");
    }
    o_printf(o, "</div>\n<p class=\"note\">Annualisation: ");
    o_esc(o, m->ann_rule);
    o_printf(o, " = %.10g periods a year; risk-free %s; Sharpe and Sortino from the same returns. "
                "&ldquo;Without costs&rdquo; is the same run with fees, spread, slippage and funding "
                "added back.</p>\n</section>\n",
             m->periods_per_year, pr_mx_fpct(a, sizeof a, m->risk_free));
}

/* Green for gains, red for losses, stronger with size (full at `full`). */
static void heat_cell(out *o, double r, double full) {
    if (isnan(r)) {
        o_puts(o, "<td></td>");
        return;
    }
    double a = fabs(r) / full;
    if (a > 1) a = 1;
    a = 0.08 + 0.5 * a;
    const char *rgb = r >= 0 ? "22,163,74" : "220,38,38";
    char b[48];
    o_printf(o, "<td style=\"background:rgba(%s,%.2f)\">%s</td>", rgb, a, pr_mx_fpct(b, sizeof b, r));
}

static void monthly_section(out *o, const pr_metrics *m) {
    static const char *const names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    o_puts(o, "<section><h2>Monthly returns</h2>\n<div class=\"scroll\"><table class=\"monthly\">\n<tr><th class=\"l\">Year</th>");
    for (int i = 0; i < 12; i++) o_printf(o, "<th>%s</th>", names[i]);
    o_puts(o, "<th>Year</th></tr>\n");
    size_t mi = 0;
    for (size_t y = 0; y < m->n_yearly; y++) {
        int year = m->yearly[y].year;
        o_printf(o, "<tr><td class=\"l\">%d</td>", year);
        for (int mon = 1; mon <= 12; mon++) {
            while (mi < m->n_monthly && (m->monthly[mi].year < year ||
                                         (m->monthly[mi].year == year && m->monthly[mi].month < mon)))
                mi++;
            if (mi < m->n_monthly && m->monthly[mi].year == year && m->monthly[mi].month == mon)
                heat_cell(o, m->monthly[mi].ret, 0.10);
            else
                heat_cell(o, NAN, 1);
        }
        heat_cell(o, m->yearly[y].ret, 0.30);
        o_puts(o, "</tr>\n");
    }
    o_puts(o, "</table></div>\n<p class=\"note\">A month's return runs from the equity at the end of the "
              "previous month (UTC midnight) to the equity at the end of this one.</p></section>\n");
}

static void trades_section(out *o, const pr_report_input *in, size_t rows) {
    size_t n = in->n_trades, shown = n < rows ? n : rows;
    char cnt[96];
    o_printf(o, "<section><h2>Trades</h2>\n<p class=\"note\">%s", trade_count(cnt, sizeof cnt, in->trades, n, -1));
    if (shown < n) o_printf(o, "; the first %zu are listed (all are on the charts and in the trades CSV)", shown);
    /* The list scrolls inside its own box (header kept in view), and the
     * long text columns wrap, so it fits the page at any width. */
    o_puts(o, ".</p>\n<div class=\"tbl\"><table class=\"trades\">\n<tr><th>#</th><th class=\"l\">Symbol</th>"
              "<th class=\"l\">Side</th><th class=\"l\">Entry (UTC)</th><th>Entry price</th>"
              "<th class=\"l\">Exit (UTC)</th><th>Exit price</th><th>Qty</th><th>Gross P&amp;L</th>"
              "<th>Costs</th><th>Net P&amp;L</th><th>R</th><th class=\"l\">Tag</th>"
              "<th class=\"l\">Exit reason</th></tr>\n");
    for (size_t i = 0; i < shown; i++) {
        const pr_trade_record *t = &in->trades[i];
        char et[PR_TIME_STR_MAX], xt[PR_TIME_STR_MAX], a[48], b[48], c[48], r[48];
        pr_time_format(t->entry_ts, et, sizeof et);
        if (t->exit_ts == PR_TIME_NONE) pr_strlcpy(xt, "open", sizeof xt);
        else pr_time_format(t->exit_ts, xt, sizeof xt);
        /* To the minute (bars never start mid-minute): the list fits the page. */
        if (strlen(et) == 19 && strcmp(et + 16, ":00") == 0) et[16] = '\0';
        if (strlen(xt) == 19 && strcmp(xt + 16, ":00") == 0) xt[16] = '\0';
        o_printf(o, "<tr><td>%zu</td><td class=\"l\">", i + 1);
        o_esc_n(o, t->symbol, sizeof t->symbol);
        o_printf(o, "</td><td class=\"l %s\">%s</td><td class=\"l\">%s</td><td>%.8g</td><td class=\"l\">%s</td>"
                    "<td>%.8g</td><td>%.8g</td><td class=\"%s\">%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td>"
                    "<td class=\"l\">",
                 t->side > 0 ? "pos" : "neg", t->side > 0 ? "long" : "short", et, t->entry_price, xt,
                 t->exit_price, t->qty, sign_class(t->gross_pnl), pr_mx_fnum(a, sizeof a, t->gross_pnl, 2, ""),
                 pr_mx_fnum(b, sizeof b, t->fees + t->slippage + t->funding, 2, ""), sign_class(t->pnl),
                 pr_mx_fnum(c, sizeof c, t->pnl, 2, ""),
                 t->risk > 0 ? pr_mx_fnum(r, sizeof r, t->pnl / t->risk, 2, "") : "");
        o_esc_n(o, t->tag, sizeof t->tag);
        o_puts(o, "</td><td class=\"l wrap\"><div>");
        o_esc_n(o, t->reason, sizeof t->reason);
        o_puts(o, "</div></td></tr>\n");
    }
    o_puts(o, "</table></div></section>\n");
}

static const char k_legend_equity[] =
    "<div class=\"legend\"><span><i style=\"background:#2563eb\"></i>net</span>"
    "<span><i style=\"background:#9ca3af\"></i>without costs</span>%s</div>\n";

static int write_html(out *o, const pr_report_input *in, pr_err *err) {
    const pr_metrics *m = in->metrics;
    size_t max_points = in->max_points ? in->max_points : DEFAULT_POINTS;
    if (max_points < 4) max_points = 4;
    size_t rows = in->max_trade_rows ? in->max_trade_rows : DEFAULT_ROWS;
    const char *title = in->title && in->title[0] ? in->title : "Proratio backtest";

    char fp[PR_FINGERPRINT_HEX];
    int rc = PR_OK;
    if (in->fingerprint) pr_strlcpy(fp, in->fingerprint, sizeof fp);
    else rc = pr_trades_fingerprint(in->trades, in->n_trades, fp, err);
    if (rc != PR_OK) return rc;
    /* The charts' working space, taken before anything is written. */
    size_t cap = max_points > in->n_eq ? max_points : in->n_eq;
    for (size_t i = 0; i < in->n_prices; i++)
        if (in->prices[i].n > cap) cap = in->prices[i].n;
    size_t *idx = malloc((cap ? cap : 1) * sizeof *idx);
    double *tmp = malloc((cap ? cap : 1) * sizeof *tmp);
    if (!idx || !tmp) {
        free(idx);
        free(tmp);
        return pr_err_set(err, PR_ENOMEM, "report: out of memory");
    }

    o_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    o_esc(o, title);
    o_puts(o, "</title>\n<style>\n");
    for (size_t i = 0; pr_report_css[i]; i++) o_puts(o, pr_report_css[i]);
    o_puts(o, "</style>\n</head>\n<body>\n<header><h1>");
    o_esc(o, title);
    char a[PR_TIME_STR_MAX], b[PR_TIME_STR_MAX], d[48];
    pr_time_format(m->start_ts, a, sizeof a);
    pr_time_format(m->end_ts, b, sizeof b);
    char cnt[96];
    o_printf(o, "</h1><div class=\"sub\">%s &rarr; %s UTC &middot; %zu points, step %s &middot; "
                "%s &middot; fingerprint <code>%s</code></div></header>\n<main>\n",
             a, b, m->n_points, pr_mx_fdur(d, sizeof d, m->bar_ms),
             trade_count(cnt, sizeof cnt, in->trades, in->n_trades, -1), fp);

    if (in->n_config) {
        o_puts(o, "<section><h2>Configuration</h2>\n<table class=\"kv cfg\">\n");
        for (size_t i = 0; i < in->n_config; i++) {
            o_puts(o, "<tr><td>");
            o_esc(o, in->config[i].key ? in->config[i].key : "");
            o_puts(o, "</td><td class=\"l\">");
            o_esc(o, in->config[i].value ? in->config[i].value : "");
            o_puts(o, "</td></tr>\n");
        }
        o_puts(o, "</table></section>\n");
    }
    metrics_section(o, m, in);

    o_puts(o, "<section><h2>Equity <span class=\"note\">return since the start</span></h2>\n"
              "<div class=\"tools\">");
    if (in->bench_equity)
        o_puts(o, "<button id=\"b-split\" class=\"on\">buy &amp; hold on its own axis</button>"
                  "<button id=\"b-one\">one axis</button>");
    o_puts(o, "<button id=\"b-reset\">reset zoom</button></div>\n");
    o_printf(o, k_legend_equity,
             in->bench_equity ? "<span><i style=\"background:#f59e0b\"></i>buy &amp; hold</span>" : "");
    o_puts(o, "<div class=\"chart\"><canvas id=\"c-equity\"></canvas></div>\n"
              "<p class=\"note\">Drag across any chart to zoom every chart to that time range; double-click "
              "or &ldquo;reset zoom&rdquo; to see it all. Hover for values.</p></section>\n"
              "<section><h2>Drawdown</h2>\n<div class=\"chart\"><canvas id=\"c-dd\"></canvas></div></section>\n");
    if (in->n_prices) {
        o_puts(o, "<section><h2>Prices and trades</h2>\n<div class=\"legend\"><span>&#9650; long entry</span>"
                  "<span>&#9660; short entry</span><span>&#9670; exit (green: win, red: loss)</span>"
                  "<span>hover a marker for details</span></div>\n");
        for (size_t i = 0; i < in->n_prices; i++) {
            const pr_price_series *s = &in->prices[i];
            char cnt2[96];
            o_puts(o, "<h3>");
            o_esc(o, s->symbol ? s->symbol : "?");
            o_printf(o, " <span class=\"note\">%s, %zu bars, %s</span></h3>\n"
                        "<div class=\"chart\"><canvas id=\"c-price-%zu\"></canvas></div>\n",
                     pr_asset_class_name(s->cls), s->n,
                     trade_count(cnt2, sizeof cnt2, in->trades, in->n_trades, s->instrument), i);
        }
        o_puts(o, "</section>\n");
    }
    monthly_section(o, m);
    trades_section(o, in, rows);
    o_puts(o, "</main>\n<div id=\"tip\"></div>\n<script id=\"pr-data\" type=\"application/json\">");
    write_data(o, in, max_points, idx, tmp);
    free(idx);
    free(tmp);
    o_puts(o, "</script>\n<script>\n");
    for (size_t i = 0; pr_report_js[i]; i++) o_puts(o, pr_report_js[i]);
    o_puts(o, "</script>\n</body>\n</html>\n");
    if (o->failed) return pr_err_set(err, PR_EIO, "report: write failed: %s", strerror(errno));
    return PR_OK;
}

static int check_input(const pr_report_input *in, pr_err *err) {
    if (!in || !in->metrics) return pr_err_set(err, PR_EINVAL, "report: no metrics");
    if (!in->eq || in->n_eq == 0) return pr_err_set(err, PR_EINVAL, "report: no equity curve");
    if (in->n_trades && !in->trades) return pr_err_set(err, PR_EINVAL, "report: trades missing");
    if (in->n_prices && !in->prices) return pr_err_set(err, PR_EINVAL, "report: price series missing");
    if (in->n_config && !in->config) return pr_err_set(err, PR_EINVAL, "report: configuration missing");
    return PR_OK;
}

int pr_report_fwrite_html(FILE *f, const pr_report_input *in, pr_err *err) {
    if (!f) return pr_err_set(err, PR_EINVAL, "report: no file");
    int rc = check_input(in, err);
    if (rc != PR_OK) return rc;
    out o = {f, 0};
    return write_html(&o, in, err);
}

int pr_report_write_html(const char *path, const pr_report_input *in, pr_err *err) {
    if (!path) return pr_err_set(err, PR_EINVAL, "report: no path");
    int rc = check_input(in, err);
    if (rc != PR_OK) return rc;
    FILE *f = fopen(path, "wb");
    if (!f) {
        pr_err_set(err, PR_EIO, "report: cannot create: %s", strerror(errno));
        pr_err_at(err, path, 0, 0, NULL);
        return PR_EIO;
    }
    rc = pr_report_fwrite_html(f, in, err);
    if (fclose(f) != 0 && rc == PR_OK) rc = pr_err_set(err, PR_EIO, "report: close failed: %s", strerror(errno));
    if (rc != PR_OK) pr_err_at(err, path, 0, 0, NULL);
    return rc;
}
