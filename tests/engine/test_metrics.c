/* Tests for the performance metrics: small equity curves and trade lists
 * worked out by hand (the arithmetic is in the comments), the annualisation
 * rule per asset class and bar length, calendar buckets at UTC midnight, the
 * buy-and-hold benchmark, and byte-identical JSON for identical inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proratio/core.h"
#include "proratio/engine/metrics.h"

#define DAY PR_MS_PER_DAY
#define HOUR PR_MS_PER_HOUR

static void near(double got, double want, double rel) {
    double tol = rel * (fabs(want) > 1 ? fabs(want) : 1.0);
    if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g", got, want);
}

static int64_t t0(void) {
    int64_t t;
    assert_int_equal(pr_time_make(2021, 1, 1, 0, 0, 0, &t), PR_OK);
    return t;
}

/* Curve of values v at times start + i*step; gross = net + extra*i. */
static pr_equity_point *curve(const double *v, size_t n, int64_t start, int64_t step, double extra) {
    pr_equity_point *e = calloc(n, sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < n; i++) {
        e[i].ts = start + (int64_t)i * step;
        e[i].equity = v[i];
        e[i].equity_gross = v[i] + extra * (double)i;
        e[i].cash = v[i];
    }
    return e;
}

/* The annualisation's counts: the most common step (ties: the smaller) over
 * more distinct steps than a small table holds, and a stock's bars per
 * session (ties: the larger). Expected values worked out by hand. */
static void test_step_and_session_modes(void **state) {
    (void)state;
    /* Steps of 1..200 minutes once each, 150 minutes once more: 150 min. */
    size_t n = 202;
    pr_equity_point *e = calloc(n, sizeof *e);
    assert_non_null(e);
    int64_t t = t0();
    for (size_t i = 0; i < n; i++) {
        e[i].ts = t;
        e[i].equity = e[i].equity_gross = e[i].cash = 100;
        t += (i < 200 ? (int64_t)(i + 1) : 150) * 60000;
    }
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    pr_metrics m;
    pr_err err;
    assert_int_equal(pr_metrics_compute(e, n, NULL, 0, &o, &m, &err), PR_OK);
    assert_int_equal(m.bar_ms, 150 * 60000);
    pr_metrics_free(&m);
    /* 1 h and 2 h steps twice each, 3 h once: the tie goes to 1 h. */
    const int64_t steps[] = {HOUR, 2 * HOUR, 3 * HOUR, 2 * HOUR, HOUR};
    t = t0();
    for (size_t i = 0; i < 6; i++) {
        e[i].ts = t;
        if (i < 5) t += steps[i];
    }
    assert_int_equal(pr_metrics_compute(e, 6, NULL, 0, &o, &m, &err), PR_OK);
    assert_int_equal(m.bar_ms, HOUR);
    pr_metrics_free(&m);
    /* Stock, hourly bars: sessions of 6, 7, 6, 7 bars on four days; the
     * tie goes to 7 bars a day, so 252 x 7 = 1764 periods a year. */
    const int per_day[] = {6, 7, 6, 7};
    size_t k = 0;
    for (int d = 0; d < 4; d++)
        for (int b = 0; b < per_day[d]; b++, k++) e[k].ts = t0() + d * DAY + 14 * HOUR + b * HOUR;
    o.cls = PR_ASSET_STOCK;
    assert_int_equal(pr_metrics_compute(e, k, NULL, 0, &o, &m, &err), PR_OK);
    assert_int_equal(m.bar_ms, HOUR);
    near(m.periods_per_year, 252.0 * 7, 0);
    pr_metrics_free(&m);
    free(e);
}

/* 100 -> 110 -> 99 -> 121, daily crypto bars. */
static void test_curve_hand(void **state) {
    (void)state;
    const double v[] = {100, 110, 99, 121};
    pr_equity_point *e = curve(v, 4, t0(), DAY, 1.0);
    e[1].exposure = 1.0;
    e[2].exposure = 0.5;
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    pr_metrics m;
    pr_err err;
    assert_int_equal(pr_metrics_compute(e, 4, NULL, 0, &o, &m, &err), PR_OK);

    /* Daily crypto bars: 365 periods a year, per-bar returns. */
    assert_int_equal(m.daily_sampled, 0);
    near(m.periods_per_year, 365, 0);
    assert_int_equal(m.bar_ms, DAY);

    /* Total return 121/100 - 1 = 21%. */
    near(m.net.total_return, 0.21, 1e-12);
    /* Max drawdown from the peak 110 (bar 1) to 99 (bar 2): 11/110 = 10%;
     * back at 110 or above at bar 3: 1 bar to the trough, 2 bars in all. */
    near(m.net.max_drawdown, 0.10, 1e-12);
    assert_int_equal(m.net.dd_peak, 1);
    assert_int_equal(m.net.dd_trough, 2);
    assert_int_equal(m.net.dd_end, 3);
    assert_int_equal(m.net.dd_recovered, 1);
    assert_int_equal(m.net.dd_to_trough_bars, 1);
    assert_int_equal(m.net.dd_duration_bars, 2);
    assert_int_equal(m.net.dd_duration_ms, 2 * DAY);
    assert_int_equal(m.net.dd_peak_ts, t0() + DAY);
    assert_int_equal(m.net.longest_dd_bars, 2);

    /* Returns: 10/100 = 0.1, -11/110 = -0.1, 22/99 = 2/9.
     * mean = (0.1 - 0.1 + 2/9) / 3 = 2/27.
     * deviations: 0.1 - 2/27 = 7/270, -0.1 - 2/27 = -47/270, 2/9 - 2/27 = 40/270;
     * squares sum (49 + 2209 + 1600) / 270^2 = 3858 / 72900;
     * sample variance (ddof 1) = 1929 / 72900, stdev = sqrt(1929) / 270.
     * Sharpe = (2/27) / (sqrt(1929)/270) * sqrt(365) = 20 / sqrt(1929) * sqrt(365)
     *        = 20 * sqrt(365/1929) = 8.6998209...
     * Volatility = sqrt(1929)/270 * sqrt(365). */
    assert_int_equal(m.net.n_returns, 3);
    near(m.net.sharpe, 20.0 * sqrt(365.0 / 1929.0), 1e-12);
    near(m.net.sharpe, 8.699820940459645, 1e-12);
    near(m.net.volatility, sqrt(1929.0) / 270.0 * sqrt(365.0), 1e-12);
    /* Sortino: downside deviation sqrt(sum(min(0, r)^2) / N) over all N = 3
     * returns = sqrt(0.01/3) = 0.1/sqrt(3); Sortino = (2/27)/(0.1/sqrt 3) *
     * sqrt(365) = (20 sqrt(3) / 27) * sqrt(365). */
    near(m.net.sortino, 20.0 * sqrt(3.0) / 27.0 * sqrt(365.0), 1e-12);
    /* CAGR: 3 periods = 3/365 years: 1.21^(365/3) - 1; Calmar = CAGR / 0.1. */
    double cagr = pow(1.21, 365.0 / 3.0) - 1.0;
    near(m.net.cagr, cagr, 1e-9);
    near(m.net.calmar, cagr / 0.10, 1e-9);

    /* Gross curve = net + 1 per bar: 100, 111, 101, 124 -> 24%. */
    near(m.gross.total_return, 0.24, 1e-12);
    near(m.cost_drag, 3.0, 1e-12);
    /* Exposure: 2 of 4 points in the market; mean |exposure| 1.5/4. */
    near(m.time_in_market, 0.5, 0);
    near(m.avg_exposure, 0.375, 0);
    assert_int_equal(m.has_benchmark, 0);
    pr_metrics_free(&m);
    free(e);
}

/* A drawdown that never recovers runs to the last point. */
static void test_drawdown_unrecovered(void **state) {
    (void)state;
    /* 100, 120 (peak), 90 (trough: 1 - 90/120 = 25%), 100, 110: still under
     * 120 at the end -> duration = 4 - 1 = 3 bars. An earlier, smaller
     * drawdown 100 -> 95 -> 100 happens first in the second curve. */
    const double v[] = {100, 120, 90, 100, 110};
    pr_equity_point *e = curve(v, 5, t0(), HOUR, 0);
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, 5, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.net.max_drawdown, 0.25, 1e-12);
    assert_int_equal(m.net.dd_peak, 1);
    assert_int_equal(m.net.dd_trough, 2);
    assert_int_equal(m.net.dd_end, 4);
    assert_int_equal(m.net.dd_recovered, 0);
    assert_int_equal(m.net.dd_duration_bars, 3);
    assert_int_equal(m.net.dd_duration_ms, 3 * HOUR);
    pr_metrics_free(&m);
    free(e);

    /* 100, 95, 100, 104, 78, 80, 104, 105: first drawdown 5% over 2 bars,
     * then 104 -> 78 (25%) recovering at index 6: 3 bars; the longest time
     * under water is also 3 bars (index 3 to 6). */
    const double w[] = {100, 95, 100, 104, 78, 80, 104, 105};
    e = curve(w, 8, t0(), HOUR, 0);
    assert_int_equal(pr_metrics_compute(e, 8, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.net.max_drawdown, 0.25, 1e-12);
    assert_int_equal(m.net.dd_peak, 3);
    assert_int_equal(m.net.dd_trough, 4);
    assert_int_equal(m.net.dd_end, 6);
    assert_int_equal(m.net.dd_duration_bars, 3);
    assert_int_equal(m.net.longest_dd_bars, 3);
    assert_int_equal(m.net.longest_dd_ms, 3 * HOUR);
    pr_metrics_free(&m);
    free(e);
}

/* Sharpe and Sortino of a known return sequence, with and without a
 * risk-free rate; stdev is the sample one (ddof = 1). */
static void test_sharpe_known(void **state) {
    (void)state;
    /* Returns 0.02, -0.01, 0.03, 0.00 from 100:
     * 100, 102, 100.98, 104.0094, 104.0094. */
    const double v[] = {100, 102, 100.98, 104.0094, 104.0094};
    pr_equity_point *e = curve(v, 5, t0(), DAY, 0);
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.periods_per_year = 252;
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, 5, NULL, 0, &o, &m, NULL), PR_OK);
    /* mean 0.04/4 = 0.01; deviations 0.01, -0.02, 0.02, -0.01; squares sum
     * 10e-4; variance 10e-4/3; Sharpe = 0.01 / sqrt(10e-4/3) * sqrt(252)
     * = sqrt(0.3) * sqrt(252) = sqrt(75.6) = 8.6948260... */
    near(m.net.sharpe, sqrt(75.6), 1e-9);
    /* Downside: only -0.01 -> sqrt(1e-4 / 4) = 0.005; Sortino = 0.01/0.005 *
     * sqrt(252) = 2 sqrt(252). */
    near(m.net.sortino, 2.0 * sqrt(252.0), 1e-9);
    near(m.net.volatility, sqrt(10e-4 / 3.0) * sqrt(252.0), 1e-9);
    pr_metrics_free(&m);

    /* Risk-free 1.005^252 - 1 a year is 0.005 per period. Excess mean 0.005:
     * Sharpe = 0.005 / sqrt(10e-4/3) * sqrt(252) = 0.5 sqrt(75.6).
     * Excess returns 0.015, -0.015, 0.025, -0.005: downside squares
     * 2.25e-4 + 0.25e-4 = 2.5e-4 over N = 4 -> sqrt(0.625e-4);
     * Sortino = 0.005 / sqrt(0.625e-4) * sqrt(252). */
    o.risk_free = pow(1.005, 252.0) - 1.0;
    assert_int_equal(pr_metrics_compute(e, 5, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.net.sharpe, 0.5 * sqrt(75.6), 1e-9);
    near(m.net.sortino, 0.005 / sqrt(0.625e-4) * sqrt(252.0), 1e-9);
    pr_metrics_free(&m);
    free(e);
}

/* Exactly two years of daily crypto bars: 2021-01-01 .. 2023-01-01 is 730
 * days = 730 bar steps = 730/365 = 2 years; 100 -> 121 gives
 * CAGR = sqrt(1.21) - 1 = 10%. */
static void test_cagr_two_years(void **state) {
    (void)state;
    size_t n = 731;
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) v[i] = 100.0 + 21.0 * (double)i / 730.0;
    pr_equity_point *e = curve(v, n, t0(), DAY, 0);
    int64_t end;
    assert_int_equal(pr_time_make(2023, 1, 1, 0, 0, 0, &end), PR_OK);
    assert_int_equal(e[n - 1].ts, end);
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, n, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.net.total_return, 0.21, 1e-12);
    near(m.net.cagr, 0.10, 1e-12);
    /* No drawdown: Calmar unbounded. */
    near(m.net.max_drawdown, 0.0, 0);
    assert_true(isinf(m.net.calmar) && m.net.calmar > 0);
    assert_int_equal(m.n_yearly, 3);
    pr_metrics_free(&m);
    free(e);
    free(v);
}

static void ppy_case(pr_asset_class cls, int64_t step, size_t per_day, size_t days, double want,
                     int daily) {
    /* per_day points a day from 13:30 UTC (a US session), `days` days. */
    size_t n = per_day * days;
    pr_equity_point *e = calloc(n, sizeof *e);
    assert_non_null(e);
    int64_t t;
    assert_int_equal(pr_time_make(2021, 3, 1, 13, 30, 0, &t), PR_OK);
    size_t k = 0;
    for (size_t d = 0; d < days; d++)
        for (size_t i = 0; i < per_day; i++) {
            e[k].ts = t + (int64_t)d * (step < DAY ? DAY : step) + (int64_t)i * step;
            e[k].equity = e[k].equity_gross = 100.0 + (double)(k % 3);
            k++;
        }
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = cls;
    pr_metrics m;
    pr_err err;
    int rc = pr_metrics_compute(e, n, NULL, 0, &o, &m, &err);
    if (rc) fail_msg("%s", err.msg);
    near(m.periods_per_year, want, 1e-12);
    assert_int_equal(m.daily_sampled, daily);
    pr_metrics_free(&m);
    free(e);
}

/* Annualisation: days per year x bars per day. */
static void test_annualisation(void **state) {
    (void)state;
    ppy_case(PR_ASSET_CRYPTO, HOUR, 24, 3, 365.0 * 24, 0);           /* 8760     */
    ppy_case(PR_ASSET_FOREX, HOUR, 24, 3, 260.0 * 24, 0);            /* 6240     */
    ppy_case(PR_ASSET_STOCK, 5 * PR_MS_PER_MIN, 78, 3, 252.0 * 78, 0); /* 19656: 78 5-min bars a session */
    ppy_case(PR_ASSET_STOCK, DAY, 1, 10, 252.0, 0);
    ppy_case(PR_ASSET_CRYPTO, DAY, 1, 10, 365.0, 0);
    ppy_case(PR_ASSET_CRYPTO, 7 * DAY, 1, 10, 365.0 / 7.0, 0);       /* weekly   */
    ppy_case(PR_ASSET_STOCK, 7 * DAY, 1, 10, 252.0 / 5.0, 0);        /* 5 trading days a week */
    ppy_case(PR_ASSET_FOREX, 4 * HOUR, 6, 3, 260.0 * 6, 0);
    ppy_case(PR_ASSET_UNKNOWN, HOUR, 24, 3, 365.0, 1);               /* no class: daily */
}

/* Mixed classes: equity sampled at UTC midnight (the last point labelled
 * before it), a calendar day without points counting as a zero return. */
static void test_mixed_daily_sampling(void **state) {
    (void)state;
    int64_t d0 = t0();
    pr_equity_point e[5] = {
        {d0, 100, 100, 100, 0, 100, 0},                 /* day 0 00:00 */
        {d0 + 12 * HOUR, 102, 102, 100, 1, 100, 0},     /* day 0 12:00: day 0's value */
        {d0 + DAY + 6 * HOUR, 104, 104, 100, 1, 100, 0},
        {d0 + DAY + 18 * HOUR, 110, 110, 100, 1, 100, 0}, /* day 1's value */
        /* day 2: no point */
        {d0 + 3 * DAY + 12 * HOUR, 99, 99, 99, 0, 99, 0},
    };
    pr_trade_record tr[2];
    memset(tr, 0, sizeof tr);
    tr[0].cls = PR_ASSET_CRYPTO;
    tr[0].entry_ts = d0;
    tr[0].exit_ts = d0 + HOUR;
    tr[1].cls = PR_ASSET_STOCK;
    tr[1].entry_ts = d0;
    tr[1].exit_ts = d0 + HOUR;
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, 5, tr, 2, NULL, &m, NULL), PR_OK);
    assert_int_equal(m.daily_sampled, 1);
    assert_int_equal(m.ann_cls, PR_ASSET_UNKNOWN);
    near(m.periods_per_year, 365, 0);
    /* Samples: 100 (first point), 102 (end of day 0), 110 (day 1), 110
     * (day 2, carried), 99 (day 3). Returns: 0.02, 8/102, 0, -0.1. */
    const double r[4] = {0.02, 8.0 / 102.0, 0.0, -0.1};
    double mean = (r[0] + r[1] + r[2] + r[3]) / 4.0;
    double ss = 0;
    for (int i = 0; i < 4; i++) ss += (r[i] - mean) * (r[i] - mean);
    double sd = sqrt(ss / 3.0);
    assert_int_equal(m.net.n_returns, 4);
    near(m.net.volatility, sd * sqrt(365.0), 1e-12);
    near(m.net.sharpe, mean / sd * sqrt(365.0), 1e-12);
    /* CAGR over 4 daily periods = 4/365 years. */
    near(m.net.cagr, pow(0.99, 365.0 / 4.0) - 1.0, 1e-9);
    pr_metrics_free(&m);

    /* The same curve declared as one class uses per-point returns instead:
     * 4 returns 0.02, 2/102, 6/104, -11/110. */
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.cls = PR_ASSET_CRYPTO;
    assert_int_equal(pr_metrics_compute(e, 5, tr, 2, &o, &m, NULL), PR_OK);
    assert_int_equal(m.daily_sampled, 0);
    assert_int_equal(m.net.n_returns, 4);
    pr_metrics_free(&m);
}

static pr_trade_record trade(int inst, const char *sym, pr_asset_class cls, int64_t entry,
                             int64_t hold, double pnl, double fees, double risk) {
    pr_trade_record t;
    memset(&t, 0, sizeof t);
    t.instrument = inst;
    snprintf(t.symbol, sizeof t.symbol, "%s", sym);
    t.cls = cls;
    t.side = 1;
    t.qty = 1;
    t.entry_ts = entry;
    t.exit_ts = hold < 0 ? PR_TIME_NONE : entry + hold;
    t.pnl = pnl;
    t.fees = fees;
    t.gross_pnl = pnl + fees;
    t.risk = risk;
    return t;
}

/* Four trades +10, -5, +20, -5 (and one still open). */
static void test_trade_stats(void **state) {
    (void)state;
    int64_t d0 = t0();
    pr_trade_record tr[5] = {
        trade(0, "BTCUSDT", PR_ASSET_CRYPTO, d0, 1 * HOUR, 10, 1, 5),
        trade(1, "EURUSD", PR_ASSET_FOREX, d0, 2 * HOUR, -5, 0.5, 5),
        trade(0, "BTCUSDT", PR_ASSET_CRYPTO, d0, 3 * HOUR, 20, 1, 10),
        trade(1, "EURUSD", PR_ASSET_FOREX, d0, 4 * HOUR, -5, 0.5, 5),
        trade(0, "BTCUSDT", PR_ASSET_CRYPTO, d0, -1, 7, 2, 0), /* open */
    };
    tr[4].funding = 0.25;
    const double v[] = {100, 101, 102};
    pr_equity_point *e = curve(v, 3, d0, DAY, 0);
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, 3, tr, 5, NULL, &m, NULL), PR_OK);
    const pr_trade_stats *s = &m.trades;
    assert_int_equal(s->n_trades, 4);
    assert_int_equal(s->n_open, 1);
    assert_int_equal(s->n_wins, 2);
    assert_int_equal(s->n_losses, 2);
    near(s->win_rate, 0.5, 0);                 /* 2 / 4                     */
    near(s->gross_wins, 30, 0);                /* 10 + 20                   */
    near(s->gross_losses, 10, 0);              /* 5 + 5                     */
    near(s->profit_factor, 3, 0);              /* 30 / 10                   */
    near(s->avg_win, 15, 0);                   /* 30 / 2                    */
    near(s->avg_loss, -5, 0);                  /* -10 / 2                   */
    near(s->expectancy, 5, 0);                 /* (10 - 5 + 20 - 5) / 4     */
    /* R multiples 10/5 = 2, -5/5 = -1, 20/10 = 2, -5/5 = -1: mean 0.5 R. */
    near(s->expectancy_r, 0.5, 0);
    assert_int_equal(s->n_r, 4);
    near(s->best, 20, 0);
    near(s->worst, -5, 0);
    assert_int_equal(s->max_consec_wins, 1);
    assert_int_equal(s->max_consec_losses, 1);
    /* Holding (1 + 2 + 3 + 4) h / 4 = 2.5 h. */
    assert_int_equal(s->avg_holding_ms, 9000000);
    near(s->fees, 3, 0);                       /* closed: 1 + .5 + 1 + .5    */
    near(m.fees_paid, 5, 0);                   /* with the open trade's 2    */
    near(m.funding_paid, 0.25, 0);

    /* Breakdowns: crypto/BTCUSDT won both (30), forex/EURUSD lost both. */
    assert_int_equal(m.n_class, 2);
    assert_int_equal(m.by_class[0].cls, PR_ASSET_CRYPTO);
    assert_int_equal(m.by_class[1].cls, PR_ASSET_FOREX);
    assert_int_equal(m.n_instrument, 2);
    assert_int_equal(m.by_instrument[0].instrument, 0);
    assert_string_equal(m.by_instrument[0].symbol, "BTCUSDT");
    const pr_trade_stats *b = &m.by_instrument[0].t;
    assert_int_equal(b->n_trades, 2);
    assert_int_equal(b->n_open, 1);
    near(b->win_rate, 1.0, 0);
    near(b->net_pnl, 30, 0);
    near(b->fees, 2, 0);
    assert_true(isinf(b->profit_factor));      /* no losses                */
    assert_true(isnan(b->avg_loss));
    const pr_trade_stats *f = &m.by_instrument[1].t;
    assert_string_equal(m.by_instrument[1].symbol, "EURUSD");
    near(f->win_rate, 0.0, 0);
    near(f->net_pnl, -10, 0);
    near(f->fees, 1, 0);
    near(f->profit_factor, 0.0, 0);            /* 0 / 10                   */
    near(m.by_class[1].t.net_pnl, -10, 0);

    /* Runs: W W L L L W -> 2 wins, 3 losses in a row. */
    pr_trade_record r[6];
    const double p[6] = {1, 2, -1, -1, -1, 3};
    for (int i = 0; i < 6; i++) r[i] = trade(0, "X", PR_ASSET_CRYPTO, d0, HOUR, p[i], 0, 0);
    pr_trade_stats st;
    pr_trade_stats_compute(r, 6, &st);
    assert_int_equal(st.max_consec_wins, 2);
    assert_int_equal(st.max_consec_losses, 3);
    assert_true(isnan(st.expectancy_r));       /* no stops given */
    pr_trade_stats_compute(NULL, 0, &st);
    assert_int_equal(st.n_trades, 0);
    assert_true(isnan(st.win_rate) && isnan(st.profit_factor) && isnan(st.expectancy));
    pr_metrics_free(&m);
    free(e);
}

/* Month and year buckets: a point labelled before 1 Feb 00:00 UTC closes
 * January; one labelled at 00:00 belongs to February. */
static void test_monthly_edges(void **state) {
    (void)state;
    int64_t a, b, c, d, f;
    pr_time_make(2021, 1, 31, 0, 0, 0, &a);
    pr_time_make(2021, 1, 31, 23, 0, 0, &b);
    pr_time_make(2021, 2, 1, 0, 0, 0, &c);
    pr_time_make(2021, 2, 28, 23, 0, 0, &d);
    pr_time_make(2021, 3, 1, 0, 0, 0, &f);
    int64_t ts[6] = {a, b, c, d, f, 0};
    pr_time_make(2022, 1, 3, 0, 0, 0, &ts[5]);
    const double v[6] = {100, 110, 121, 133.1, 119.79, 131.769};
    pr_period_return *mo, *yr;
    size_t nm, ny;
    assert_int_equal(pr_period_returns(ts, v, 6, &mo, &nm, &yr, &ny, NULL), PR_OK);
    /* Jan: 110/100 - 1 = 10%; Feb: 133.1/110 - 1 = 21%; Mar 2021 (one
     * point, Mar..Dec empty): 119.79/133.1 - 1 = -10%; Jan 2022: 131.769 /
     * 119.79 - 1 = 10%. */
    assert_int_equal(nm, 4);
    assert_int_equal(mo[0].year, 2021);
    assert_int_equal(mo[0].month, 1);
    near(mo[0].ret, 0.10, 1e-12);
    assert_int_equal(mo[1].month, 2);
    near(mo[1].ret, 0.21, 1e-12);
    assert_int_equal(mo[2].month, 3);
    near(mo[2].ret, -0.10, 1e-12);
    assert_int_equal(mo[3].year, 2022);
    assert_int_equal(mo[3].month, 1);
    near(mo[3].ret, 0.10, 1e-12);
    /* 2021: 119.79/100 - 1 = 19.79%; 2022: 10%. */
    assert_int_equal(ny, 2);
    assert_int_equal(yr[0].year, 2021);
    assert_int_equal(yr[0].month, 0);
    near(yr[0].ret, 0.1979, 1e-12);
    near(yr[1].ret, 0.10, 1e-12);
    free(mo);
    free(yr);
}

/* Buy and hold of two instruments over 3 bars with 1000: 500 each. */
static void test_benchmark(void **state) {
    (void)state;
    int64_t d0 = t0();
    int64_t ts[4] = {d0 - DAY, d0, d0 + DAY, d0 + 2 * DAY};
    /* A has a warm-up bar before the run (ignored). */
    const double a_close[4] = {5, 10, 11, 12}, a_open[4] = {5, 10, 10, 11};
    const double b_close[3] = {100, 80, 120}, b_open[3] = {80, 100, 80};
    pr_price_series s[2] = {
        {"A", 0, PR_ASSET_STOCK, ts, a_open, a_close, 4},
        {"B", 1, PR_ASSET_STOCK, ts + 1, b_open, b_close, 3},
    };
    int64_t et[3] = {d0, d0 + DAY, d0 + 2 * DAY};
    double out[3];
    /* At the close: A 500/10 = 50 shares, B 500/100 = 5 shares:
     * 500 + 500 = 1000, 550 + 400 = 950, 600 + 600 = 1200. */
    assert_int_equal(pr_benchmark_curve(s, 2, 1000, 0, 0, et, 3, out, NULL), PR_OK);
    near(out[0], 1000, 1e-12);
    near(out[1], 950, 1e-12);
    near(out[2], 1200, 1e-12);
    /* At the open: A 500/10 = 50, B 500/80 = 6.25: 500 + 625 = 1125,
     * 550 + 500 = 1050, 600 + 750 = 1350. */
    assert_int_equal(pr_benchmark_curve(s, 2, 1000, 1, 0, et, 3, out, NULL), PR_OK);
    near(out[0], 1125, 1e-12);
    near(out[1], 1050, 1e-12);
    near(out[2], 1350, 1e-12);
    /* 1% entry fee at the close: every share count x 0.99: 990, 940.5, 1188. */
    assert_int_equal(pr_benchmark_curve(s, 2, 1000, 0, 0.01, et, 3, out, NULL), PR_OK);
    near(out[1], 940.5, 1e-12);
    near(out[2], 1188, 1e-12);
    /* B starting one bar late: its 500 waits in cash: A 500 + cash 500 = 1000,
     * then 550 + 500 (B bought at its first close, 100), then A 12 * 50 = 600
     * + B 5 * 120 = 600. */
    const double late_close[2] = {100, 120};
    pr_price_series s2[2] = {s[0], {"B", 1, PR_ASSET_STOCK, ts + 2, NULL, late_close, 2}};
    assert_int_equal(pr_benchmark_curve(s2, 2, 1000, 0, 0, et, 3, out, NULL), PR_OK);
    near(out[0], 1000, 1e-12);
    near(out[1], 1050, 1e-12);
    near(out[2], 1200, 1e-12);
    /* No bar inside the run: an error. */
    pr_price_series gone = {"C", 2, PR_ASSET_STOCK, ts, NULL, a_close, 1};
    assert_int_equal(pr_benchmark_curve(&gone, 1, 1000, 0, 0, et, 3, out, NULL), PR_EINVAL);

    /* Through pr_metrics_compute: the benchmark perf of the close curve:
     * 20% total return, max drawdown 50/1000 = 5% from bar 0 to 1. */
    const double v[3] = {1000, 1010, 1020};
    pr_equity_point *e = curve(v, 3, d0, DAY, 0);
    pr_metrics_options o;
    pr_metrics_options_default(&o);
    o.bench = s;
    o.n_bench = 2;
    pr_metrics m;
    assert_int_equal(pr_metrics_compute(e, 3, NULL, 0, &o, &m, NULL), PR_OK);
    assert_int_equal(m.has_benchmark, 1);
    assert_int_equal(m.ann_cls, PR_ASSET_STOCK);   /* inferred from the series */
    near(m.periods_per_year, 252, 0);
    near(m.bench.total_return, 0.20, 1e-12);
    near(m.bench.max_drawdown, 0.05, 1e-12);
    assert_int_equal(m.bench.dd_trough, 1);
    assert_int_equal(m.bench.dd_end, 2);
    /* Returns -0.05 and 250/950: Sharpe = mean / sd * sqrt(252). */
    double r1 = -0.05, r2 = 250.0 / 950.0, mean = (r1 + r2) / 2;
    double sd = sqrt(((r1 - mean) * (r1 - mean) + (r2 - mean) * (r2 - mean)) / 1.0);
    near(m.bench.sharpe, mean / sd * sqrt(252.0), 1e-12);
    pr_metrics_free(&m);

    /* Bought at the open: measured from the 1000 before buying:
     * 1350 / 1000 - 1 = 35%; drawdown 1 - 1050/1125 = 1/15. Over 2 daily
     * stock periods = 2/252 years: CAGR = 1.35^(252/2) - 1. */
    o.bench_at_open = 1;
    assert_int_equal(pr_metrics_compute(e, 3, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.bench.start, 1000, 0);
    near(m.bench.total_return, 0.35, 1e-12);
    near(m.bench.max_drawdown, 1.0 / 15.0, 1e-12);
    near(m.bench.cagr, pow(1.35, 126.0) - 1.0, 1e-9);
    pr_metrics_free(&m);
    /* With a 1% fee at the close: 1188 / 1000 - 1 = 18.8%. */
    o.bench_at_open = 0;
    o.bench_fee = 0.01;
    assert_int_equal(pr_metrics_compute(e, 3, NULL, 0, &o, &m, NULL), PR_OK);
    near(m.bench.total_return, 0.188, 1e-12);
    pr_metrics_free(&m);
    free(e);
}

static void test_json_deterministic(void **state) {
    (void)state;
    int64_t d0 = t0();
    pr_trade_record tr[2] = {
        trade(0, "BTCUSDT", PR_ASSET_CRYPTO, d0, HOUR, 10, 1, 5),
        trade(0, "BTCUSDT", PR_ASSET_CRYPTO, d0 + HOUR, HOUR, 0.1, 0.2, 0),
    };
    const double v[] = {100, 110, 99, 121};
    pr_equity_point *e = curve(v, 4, d0, DAY, 0.5);
    pr_metrics m1, m2;
    assert_int_equal(pr_metrics_compute(e, 4, tr, 2, NULL, &m1, NULL), PR_OK);
    assert_int_equal(pr_metrics_compute(e, 4, tr, 2, NULL, &m2, NULL), PR_OK);
    char *j1, *j2;
    assert_int_equal(pr_metrics_to_json(&m1, &j1, NULL), PR_OK);
    assert_int_equal(pr_metrics_to_json(&m2, &j2, NULL), PR_OK);
    assert_string_equal(j1, j2);
    size_t n = strlen(j1);
    assert_true(n > 0 && j1[n - 1] == '\n');
    /* Fixed key order: the document starts with "points". */
    assert_true(strncmp(j1, "{\n  \"points\": 4,", 16) == 0);
    /* No losses: profit factor "inf"; no losses -> avg_loss null. */
    json_error_t je;
    json_t *root = json_loads(j1, 0, &je);
    assert_non_null(root);
    json_t *t = json_object_get(root, "trades");
    assert_string_equal(json_string_value(json_object_get(t, "profit_factor")), "inf");
    assert_true(json_is_null(json_object_get(t, "avg_loss")));
    near(json_real_value(json_object_get(t, "expectancy")), 5.05, 1e-15);
    /* The account at the end, each under its own name: set apart here
     * (cash 40 after buying 60 of spot out of a balance of 100; margin
     * used 60 at the end, 75 at most). */
    e[1].margin_used = 75;
    e[3].cash = 40;
    e[3].balance = 100;
    e[3].margin_used = 60;
    pr_metrics m3;
    assert_int_equal(pr_metrics_compute(e, 4, tr, 2, NULL, &m3, NULL), PR_OK);
    char *j3;
    assert_int_equal(pr_metrics_to_json(&m3, &j3, NULL), PR_OK);
    json_t *r3 = json_loads(j3, 0, &je);
    json_t *ac = json_object_get(r3, "account");
    assert_true(json_real_value(json_object_get(ac, "cash")) == 40);
    assert_true(json_real_value(json_object_get(ac, "balance")) == 100);
    assert_true(json_real_value(json_object_get(ac, "margin_used")) == 60);
    assert_true(json_real_value(json_object_get(ac, "max_margin_used")) == 75);
    char tbl[8192];
    pr_metrics_format_table(&m3, tbl, sizeof tbl);
    assert_non_null(strstr(tbl, "Cash / balance / margin   40.00 / 100.00 / 60.00 (max 75.00)\n"));
    json_decref(r3);
    free(j3);
    pr_metrics_free(&m3);
    json_t *net = json_object_get(root, "net");
    near(json_real_value(json_object_get(net, "total_return")), 0.21, 1e-15);
    assert_string_equal(json_string_value(json_object_get(net, "max_drawdown_peak")),
                        "2021-01-02T00:00:00Z");
    /* Shortest text that reads back: the double nearest 0.1 is "0.1", not
     * %.17g's "0.10000000000000001". */
    assert_non_null(strstr(j1, ": 0.1,"));
    assert_null(strstr(j1, "0.10000000000000001"));
    json_decref(root);
    free(j1);
    free(j2);

    /* The table shows the same numbers. */
    size_t need = pr_metrics_format_table(&m1, NULL, 0);
    char *buf = malloc(need + 1);
    assert_int_equal(pr_metrics_format_table(&m1, buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    assert_non_null(strstr(buf, "21.00%"));   /* total return */
    assert_non_null(strstr(buf, "10.00%"));   /* max drawdown */
    assert_non_null(strstr(buf, "inf"));      /* profit factor */
    assert_non_null(strstr(buf, "100.00% (2 won, 0 lost)"));
    /* A short buffer is cut, NUL-terminated, same prefix. */
    char small[40];
    assert_int_equal(pr_metrics_format_table(&m1, small, sizeof small), need);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, buf, sizeof small - 1);
    free(buf);
    pr_metrics_free(&m1);
    pr_metrics_free(&m2);
    free(e);
}

static void test_errors(void **state) {
    (void)state;
    pr_metrics m;
    pr_err err;
    pr_err_clear(&err);
    assert_int_equal(pr_metrics_compute(NULL, 0, NULL, 0, NULL, &m, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "empty"));
    const double v[] = {0, 1};
    pr_equity_point *e = curve(v, 2, t0(), DAY, 0);
    assert_int_equal(pr_metrics_compute(e, 2, NULL, 0, NULL, &m, &err), PR_EINVAL);
    e[0].equity = 1;
    e[1].ts = e[0].ts; /* not increasing */
    assert_int_equal(pr_metrics_compute(e, 2, NULL, 0, NULL, &m, &err), PR_EINVAL);
    e[1].ts = e[0].ts + DAY;
    e[1].equity_gross = NAN;
    assert_int_equal(pr_metrics_compute(e, 2, NULL, 0, NULL, &m, &err), PR_EINVAL);
    assert_non_null(strstr(err.msg, "without costs"));
    /* A time that is no time is refused before any arithmetic on it. */
    e[1].equity_gross = 1;
    e[0].ts = PR_TIME_NONE;
    assert_int_equal(pr_metrics_compute(e, 2, NULL, 0, NULL, &m, &err), PR_EINVAL);
    e[0].ts = e[1].ts - DAY;
    /* A trade without an entry time is counted but has no holding time. */
    pr_trade_record odd = trade(0, "X", PR_ASSET_CRYPTO, PR_TIME_NONE, 0, 1, 0, 0);
    odd.exit_ts = INT64_MAX;
    pr_trade_stats st;
    pr_trade_stats_compute(&odd, 1, &st);
    assert_int_equal(st.n_trades, 1);
    assert_int_equal(st.avg_holding_ms, 0);
    /* One point: return 0, ratios undefined. */
    e[0].equity_gross = 1;
    assert_int_equal(pr_metrics_compute(e, 1, NULL, 0, NULL, &m, &err), PR_OK);
    near(m.net.total_return, 0, 0);
    assert_true(isnan(m.net.sharpe) && isnan(m.net.volatility) && isnan(m.net.cagr));
    pr_metrics_free(&m);
    free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_hand),
        cmocka_unit_test(test_step_and_session_modes),
        cmocka_unit_test(test_drawdown_unrecovered),
        cmocka_unit_test(test_sharpe_known),
        cmocka_unit_test(test_cagr_two_years),
        cmocka_unit_test(test_annualisation),
        cmocka_unit_test(test_mixed_daily_sampling),
        cmocka_unit_test(test_trade_stats),
        cmocka_unit_test(test_monthly_edges),
        cmocka_unit_test(test_benchmark),
        cmocka_unit_test(test_json_deterministic),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
