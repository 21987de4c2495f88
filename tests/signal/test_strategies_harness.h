/* Shared by the strategy tests: hand-built bar sequences and a harness that
 * steps a strategy through a market view bar by bar (as the backtest loop
 * does), collecting the signals of each bar. The harness is also the
 * strategy's broker, an ideal one: every entry fills and every exit closes
 * at the next bar's open, unless the test refuses an entry (`refuse`, as
 * a veto) or closes the position itself (`stop_out`, as a stop). */
#ifndef PR_TEST_STRATEGIES_HARNESS_H
#define PR_TEST_STRATEGIES_HARNESS_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/signal.h"

/* Monday 2024-01-01 00:00 UTC: 4h, daily and weekly buckets start here. */
static inline int64_t sh_t0(void) {
    int64_t t = 0;
    pr_time_make(2024, 1, 1, 0, 0, 0, &t);
    return t;
}

/* Appends an hourly bar closing at `close`: open at the previous close,
 * high/low the larger/smaller of the two (so the true range is the move). */
static inline void sh_push(pr_series *s, double close, double volume) {
    double o = s->len ? s->close[s->len - 1] : close;
    pr_series_push(s, sh_t0() + (int64_t)s->len * pr_tf_ms(s->tf), o, o > close ? o : close, o < close ? o : close,
                   close, volume);
}

static inline void sh_series(pr_series *s, pr_timeframe tf) {
    pr_series_init(s, 512);
    s->tf = tf;
    pr_strlcpy(s->symbol, "TEST", sizeof s->symbol);
}

typedef struct sh_run {
    pr_market_view *v;
    pr_strategy *st;
    const pr_series *s;
    size_t t;                /* bars stepped so far                         */
    pr_signal buf[8];
    pr_signal_list list;     /* signals of the latest step                   */
    double qty;              /* the position the strategy holds               */
    double pending;          /* what the latest step's signals make it        */
    int refuse;              /* 1: entries of the next steps do not fill      */
    pr_portfolio pf;
} sh_run;

static inline int sh_holding(void *self, int inst, pr_holding *out) {
    const sh_run *r = (const sh_run *)self;
    if (inst == 0 && r->qty != 0) *out = (pr_holding){r->qty, 0, 0};
    return 0;
}

/* The position closed outside the strategy (a stop or target fill). */
static inline void sh_stop_out(sh_run *r) { r->qty = r->pending = 0; }

/* Builds a one-instrument view of class cls over s and initialises st on it. */
static inline int sh_open(sh_run *r, pr_strategy *st, const pr_series *s, const char *symbol,
                          pr_asset_class cls, int precompute, pr_err *err) {
    memset(r, 0, sizeof *r);
    pr_instrument in;
    int rc = pr_instrument_default(symbol, cls, &in, err);
    if (rc != 0) return rc;
    const pr_series *ser[1] = {s};
    pr_view_config vc = {.n_instruments = 1, .instruments = &in, .series = ser, .precompute = precompute};
    if ((rc = pr_view_new(&vc, &r->v, err)) != 0) return rc;
    r->st = st;
    r->s = s;
    r->pf = (pr_portfolio){r, sh_holding, NULL, NULL};
    pr_view_set_portfolio(r->v, &r->pf);
    if ((rc = st->vt->init(st, r->v, err)) != 0) return rc;
    return pr_view_prepare(r->v, err);
}

/* Closes the next bar and runs the strategy; returns the signal count. */
static inline size_t sh_step(sh_run *r, pr_err *err) {
    const unsigned char one = 1;
    int64_t now = r->s->ts[r->t] + pr_tf_ms(r->s->tf);
    if (pr_view_step(r->v, now, &one, err) != 0) return (size_t)-1;
    r->t++;
    r->qty = r->pending;     /* the previous step's orders filled at this bar's open */
    pr_signal_list_init(&r->list, r->buf, 8);
    if (r->st->vt->on_bar(r->st, r->v, &r->list, err) != 0) return (size_t)-1;
    for (size_t k = 0; k < r->list.n; k++) {
        pr_signal_kind kd = r->list.items[k].kind;
        if (kd == PR_SIG_EXIT) r->pending = 0;
        if ((kd == PR_SIG_ENTER_LONG || kd == PR_SIG_ENTER_SHORT) && !r->refuse)
            r->pending = kd == PR_SIG_ENTER_LONG ? 1 : -1;
    }
    return r->list.n;
}

static inline void sh_close(sh_run *r) {
    pr_view_free(r->v);
    r->v = NULL;
}

/* Runs all bars; kinds[t] is the kind of bar t's first signal (NONE when
 * none) and sigs[t] that signal. Returns the total number of signals. */
static inline size_t sh_run_all(pr_strategy *st, const pr_series *s, const char *symbol, pr_asset_class cls,
                                int precompute, pr_signal_kind *kinds, pr_signal *sigs) {
    sh_run r;
    pr_err err;
    size_t total = 0;
    if (sh_open(&r, st, s, symbol, cls, precompute, &err) != 0) {
        fprintf(stderr, "sh_open: %s\n", err.msg);
        sh_close(&r);
        return (size_t)-1;
    }
    for (size_t t = 0; t < s->len; t++) {
        size_t n = sh_step(&r, &err);
        if (n == (size_t)-1) {
            fprintf(stderr, "sh_step: %s\n", err.msg);
            sh_close(&r);
            return (size_t)-1;
        }
        kinds[t] = n ? r.list.items[0].kind : PR_SIG_NONE;
        if (n) sigs[t] = r.list.items[0];
        total += n;
    }
    sh_close(&r);
    return total;
}

static inline int sh_near(double a, double b, double tol) { return fabs(a - b) <= tol; }

/* The formatted reason of a signal. */
static inline const char *sh_why(const pr_signal *sig, char *buf, size_t cap) {
    pr_reason_format(&sig->why, buf, cap);
    return buf;
}
#endif
