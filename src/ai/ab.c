/* A/B comparison of two runs' figures: differences, which side is better on
 * each figure both define, and text / JSON renderings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ai_internal.h"
#include "proratio/ai/ab.h"

void pr_ab_side_from_metrics(const char *name, const pr_metrics *m, size_t ai_calls, double ai_cost,
                             pr_ab_side *out) {
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->name, name ? name : "", sizeof out->name);
    out->total_return = m->net.total_return;
    out->sharpe = m->net.sharpe;
    out->max_drawdown = m->net.max_drawdown;
    out->win_rate = m->trades.n_trades ? m->trades.win_rate : NAN;
    out->profit_factor = m->trades.n_trades ? m->trades.profit_factor : NAN;
    out->trades = m->trades.n_trades;
    out->ai_calls = ai_calls;
    out->ai_cost = ai_cost;
}

static double diff(double b, double a) { return isnan(a) || isnan(b) ? NAN : b - a; }

/* +1 when b is better, -1 when a is, 0 when equal or not comparable. */
static int better(double a, double b, int higher_is_better) {
    if (isnan(a) || isnan(b) || a == b) return 0;
    return (b > a) == (higher_is_better != 0) ? 1 : -1;
}

int pr_ab_compare(const pr_ab_side *a, const pr_ab_side *b, pr_ab_result *out, pr_err *err) {
    if (!a || !b || !out) return pr_err_set(err, PR_EINVAL, "ab: NULL argument");
    memset(out, 0, sizeof *out);
    out->a = *a;
    out->b = *b;
    out->d_return = diff(b->total_return, a->total_return);
    out->d_sharpe = diff(b->sharpe, a->sharpe);
    out->d_drawdown = diff(b->max_drawdown, a->max_drawdown);
    out->d_win_rate = diff(b->win_rate, a->win_rate);
    out->d_profit_factor = (isinf(a->profit_factor) && isinf(b->profit_factor)) ? 0
                                                                              : diff(b->profit_factor, a->profit_factor);
    out->d_trades = (long)b->trades - (long)a->trades;
    const double av[5] = {a->total_return, a->sharpe, a->max_drawdown, a->win_rate, a->profit_factor};
    const double bv[5] = {b->total_return, b->sharpe, b->max_drawdown, b->win_rate, b->profit_factor};
    const int hi[5] = {1, 1, 0, 1, 1};
    for (int i = 0; i < 5; i++) {
        if (isnan(av[i]) || isnan(bv[i])) continue;
        out->compared++;
        int w = better(av[i], bv[i], hi[i]);
        if (w > 0) out->b_better++;
        else if (w < 0) out->a_better++;
    }
    return PR_OK;
}

static void cell(char *buf, size_t cap, double v, int pct) {
    if (isnan(v)) snprintf(buf, cap, "n/a");
    else if (isinf(v)) snprintf(buf, cap, "%sinf", v < 0 ? "-" : "");
    else if (pct) snprintf(buf, cap, "%+.2f%%", v * 100);
    else snprintf(buf, cap, "%.3f", v);
}

size_t pr_ab_format(const pr_ab_result *r, char *buf, size_t cap) {
    if (!r || !buf || cap == 0) return 0;
    size_t n = 0;
#define OUT(...)                                                            \
    do {                                                                    \
        int k_ = snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__);     \
        if (k_ > 0) n += (size_t)k_;                                        \
    } while (0)
    OUT("%-16s %14s %14s %14s\n", "metric", r->a.name, r->b.name, "B - A");
    struct { const char *name; double a, b, d; int pct; } rows[] = {
        {"total return", r->a.total_return, r->b.total_return, r->d_return, 1},
        {"sharpe", r->a.sharpe, r->b.sharpe, r->d_sharpe, 0},
        {"max drawdown", r->a.max_drawdown, r->b.max_drawdown, r->d_drawdown, 1},
        {"win rate", r->a.win_rate, r->b.win_rate, r->d_win_rate, 1},
        {"profit factor", r->a.profit_factor, r->b.profit_factor, r->d_profit_factor, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char x[32], y[32], z[32];
        cell(x, sizeof x, rows[i].a, rows[i].pct);
        cell(y, sizeof y, rows[i].b, rows[i].pct);
        cell(z, sizeof z, rows[i].d, rows[i].pct);
        OUT("%-16s %14s %14s %14s\n", rows[i].name, x, y, z);
    }
    OUT("%-16s %14zu %14zu %+14ld\n", "trades", r->a.trades, r->b.trades, r->d_trades);
    OUT("%-16s %14zu %14zu\n", "ai calls", r->a.ai_calls, r->b.ai_calls);
    OUT("%-16s %14.4f %14.4f\n", "ai cost (USD)", r->a.ai_cost, r->b.ai_cost);
    OUT("%-16s %14zu %14zu   (entries below ta_threshold, no model asked)\n", "threshold vetoes",
        r->a.threshold_vetoes, r->b.threshold_vetoes);
    OUT("%-16s %14zu %14zu\n", "model vetoes", r->a.model_vetoes, r->b.model_vetoes);
    if (r->a.fallbacks || r->b.fallbacks) OUT("%-16s %14zu %14zu\n", "TA-only fallbacks", r->a.fallbacks, r->b.fallbacks);
    if (r->a.replay_misses || r->b.replay_misses)
        OUT("%-16s %14zu %14zu\n", "replay misses", r->a.replay_misses, r->b.replay_misses);
    const char *winner = r->b_better > r->a_better ? r->b.name : r->a.name;
    int wins = r->b_better > r->a_better ? r->b_better : r->a_better;
    if (r->b_better == r->a_better) OUT("no side better: %d each of %d figures\n", wins, r->compared);
    else OUT("%s better on %d of %d figures\n", winner, wins, r->compared);
    const pr_ab_side *sd[2] = {&r->a, &r->b};
    for (int i = 0; i < 2; i++)
        if (sd[i]->contaminated)
            OUT("WARNING: %s is CONTAMINATED, its difference is not evidence of skill: %s\n", sd[i]->name,
                sd[i]->note[0] ? sd[i]->note : "see its summary");
        else if (sd[i]->note[0])
            OUT("%s: %s\n", sd[i]->name, sd[i]->note);
#undef OUT
    return n < cap ? n : cap - 1;
}

static json_t *num(double v) {
    if (isnan(v)) return json_null();
    if (isinf(v)) return json_string(v > 0 ? "inf" : "-inf");
    return json_real(v);
}

static json_t *side(const pr_ab_side *s) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "total_return", num(s->total_return));
    json_object_set_new(o, "sharpe", num(s->sharpe));
    json_object_set_new(o, "max_drawdown", num(s->max_drawdown));
    json_object_set_new(o, "win_rate", num(s->win_rate));
    json_object_set_new(o, "profit_factor", num(s->profit_factor));
    json_object_set_new(o, "trades", json_integer((json_int_t)s->trades));
    json_object_set_new(o, "ai_calls", json_integer((json_int_t)s->ai_calls));
    json_object_set_new(o, "ai_cost", num(s->ai_cost));
    json_object_set_new(o, "threshold_vetoes", json_integer((json_int_t)s->threshold_vetoes));
    json_object_set_new(o, "model_vetoes", json_integer((json_int_t)s->model_vetoes));
    json_object_set_new(o, "fallbacks", json_integer((json_int_t)s->fallbacks));
    json_object_set_new(o, "replay_misses", json_integer((json_int_t)s->replay_misses));
    json_object_set_new(o, "contaminated", json_boolean(s->contaminated));
    json_object_set_new(o, "note", json_string(s->note));
    return o;
}

char *pr_ab_json(const pr_ab_result *r) {
    if (!r) return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "a", side(&r->a));
    json_object_set_new(o, "b", side(&r->b));
    json_t *d = json_object();
    json_object_set_new(d, "total_return", num(r->d_return));
    json_object_set_new(d, "sharpe", num(r->d_sharpe));
    json_object_set_new(d, "max_drawdown", num(r->d_drawdown));
    json_object_set_new(d, "win_rate", num(r->d_win_rate));
    json_object_set_new(d, "profit_factor", num(r->d_profit_factor));
    json_object_set_new(d, "trades", json_integer(r->d_trades));
    json_object_set_new(o, "b_minus_a", d);
    json_object_set_new(o, "b_better", json_integer(r->b_better));
    json_object_set_new(o, "a_better", json_integer(r->a_better));
    json_object_set_new(o, "compared", json_integer(r->compared));
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(o);
    return s;
}

/* ---- the side-by-side page ----------------------------------------------------------- */
/* Text into HTML: the five special characters escaped. */
static void html(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

int pr_ab_write_html(FILE *f, const pr_ab_result *r, const char *title, const char *a_href, const char *b_href,
                     pr_err *err) {
    if (!f || !r) return pr_err_set(err, PR_EINVAL, "ab page: NULL argument");
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    html(f, title ? title : "A/B comparison");
    fputs("</title><style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}"
          ".warn{background:#fdd;border:1px solid #c00;padding:6px;margin:8px 0}"
          ".sides{display:flex;gap:8px}.sides div{flex:1}iframe{width:100%;height:80vh;border:1px solid #ccc}"
          "</style></head><body>\n<h1>", f);
    html(f, title ? title : "A/B comparison");
    fputs("</h1>\n", f);
    const pr_ab_side *sd[2] = {&r->a, &r->b};
    for (int i = 0; i < 2; i++) {
        if (!sd[i]->note[0]) continue;
        fputs(sd[i]->contaminated ? "<p class=\"warn\"><b>CONTAMINATED</b> (" : "<p>(", f);
        html(f, sd[i]->name);
        fputs("): ", f);
        html(f, sd[i]->note);
        fputs(sd[i]->contaminated ? " &mdash; the difference is not evidence of skill.</p>\n" : "</p>\n", f);
    }
    char buf[4096];
    pr_ab_format(r, buf, sizeof buf);
    fputs("<pre>", f);
    html(f, buf);
    fputs("</pre>\n<div class=\"sides\">\n", f);
    const char *href[2] = {a_href, b_href};
    for (int i = 0; i < 2; i++) {
        if (!href[i]) continue;
        fputs("<div><h2><a href=\"", f);
        html(f, href[i]);
        fputs("\">", f);
        html(f, sd[i]->name);
        fputs("</a></h2><iframe src=\"", f);
        html(f, href[i]);
        fputs("\"></iframe></div>\n", f);
    }
    fputs("</div>\n</body></html>\n", f);
    if (ferror(f)) return pr_err_set(err, PR_EIO, "ab page: write failed");
    return PR_OK;
}
