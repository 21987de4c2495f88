/* The backtest loop: merges the markets' bars by close time; at each step
 * feeds the bars to the simulated broker (orders from earlier steps fill
 * now), advances the view, records equity, then lets the pipeline decide on
 * the closed bars. Nothing here decides trades; the same pipeline runs live. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"
#include "pipeline_internal.h"
#include "sim_internal.h"

typedef struct bt_src {
    pr_series s;             /* shallow copy of the market's series (tf set) */
    int64_t ms;              /* bar length (months: per bar)                  */
    size_t cur;              /* next bar to close                             */
    size_t checked;          /* bars before it need no check (pr_bt_market)   */
    const pr_series *fine;
    int64_t fine_ms;
    size_t fcur;
} bt_src;

static int64_t close_of(const bt_src *b, size_t i) {
    return b->s.tf == PR_TF_1MO ? pr_tf_next(PR_TF_1MO, b->s.ts[i]) : b->s.ts[i] + b->ms;
}

/* The finer bars inside the decision bar [bar_ts, now) into scratch. */
static size_t gather_fine(bt_src *bs, int64_t bar_ts, int64_t now, pr_bar *scratch, size_t max_fine) {
    const pr_series *f = bs->fine;
    size_t nf = 0;
    while (bs->fcur < f->len && f->ts[bs->fcur] < bar_ts) bs->fcur++;
    for (size_t j = bs->fcur; j < f->len && f->ts[j] < now && nf < max_fine; j++, nf++)
        scratch[nf] = (pr_bar){f->ts[j], f->open[j], f->high[j], f->low[j], f->close[j], f->volume[j]};
    return nf;
}

/* A price that is not a number would trade and turn the equity into NaN:
 * such data is refused, never run. */
static int check_prices(const pr_series *s, const char *symbol, const char *what, pr_err *err) {
    for (size_t k = 0; k < s->len; k++)
        if (!isfinite(s->open[k]) || !isfinite(s->high[k]) || !isfinite(s->low[k]) || !isfinite(s->close[k]))
            return pr_err_set(err, PR_EDATA, "backtest: %s %sbar %zu has a price that is not a finite number",
                              symbol, what, k);
    return PR_OK;
}

/* The decision bars are checked once per dataset where the caller says it
 * checked them (pr_bt_market.checked, from pr_series_check when the data
 * was loaded): a run over them, the thousandth of an optimisation as well
 * as the first, then pays one comparison per bar. The others are checked as
 * the loop reaches them (bar_ok), not in a pass of their own before the
 * run: the loop reads each bar's time and prices anyway, so the check costs
 * no memory traffic, where a separate pass read the whole input once more
 * (a tenth of a standalone run). A bad bar is the same error either way
 * (the run stops there and gives no result); x - x is NaN exactly when x
 * is not finite. */
static inline int bar_ok(const pr_series *s, size_t k) {
    double o = s->open[k], h = s->high[k], l = s->low[k], c = s->close[k];
    return (o - o) + (h - h) + (l - l) + (c - c) == 0 && (k == 0 || s->ts[k] > s->ts[k - 1]);
}

__attribute__((cold, noinline)) static int bar_error(const pr_series *s, size_t k, const char *symbol, pr_err *err) {
    if (k > 0 && s->ts[k] <= s->ts[k - 1])
        return pr_err_set(err, PR_EDATA, "backtest: %s bars not strictly increasing at index %zu", symbol, k);
    return pr_err_set(err, PR_EDATA, "backtest: %s bar %zu has a price that is not a finite number", symbol, k);
}

static int setup_src(const pr_bt_market *mk, size_t i, bt_src *b, pr_err *err) {
    if (!mk->bars || mk->bars->len == 0)
        return pr_err_set(err, PR_EINVAL, "backtest: market %zu (%s) has no bars", i, mk->spec.inst.symbol);
    b->s = *mk->bars;
    b->checked = mk->checked <= b->s.len ? mk->checked : 0;
    if (b->s.tf <= PR_TF_NONE || b->s.tf >= PR_TF_COUNT) {
        pr_timeframe tf;
        if (pr_tf_infer(b->s.ts, b->s.len, &tf) != 0 || tf == PR_TF_NONE)
            return pr_err_set(err, PR_EINVAL, "backtest: cannot tell the timeframe of %s", mk->spec.inst.symbol);
        b->s.tf = tf;
    }
    b->ms = pr_tf_ms(b->s.tf);
    /* The decision bars themselves are checked by the loop (bar_ok). */
    int rc;
    b->fine = mk->fine && mk->fine->len ? mk->fine : NULL;
    if (b->fine && (rc = check_prices(b->fine, mk->spec.inst.symbol, "finer ", err)) != 0) return rc;
    if (b->fine) {
        pr_timeframe ftf = b->fine->tf;
        if (ftf <= PR_TF_NONE || ftf >= PR_TF_COUNT) {
            if (pr_tf_infer(b->fine->ts, b->fine->len, &ftf) != 0 || ftf == PR_TF_NONE)
                return pr_err_set(err, PR_EINVAL, "backtest: cannot tell the timeframe of %s's finer bars",
                                  mk->spec.inst.symbol);
        }
        if (ftf == PR_TF_1MO || !pr_tf_divides(ftf, b->s.tf) || ftf == b->s.tf)
            return pr_err_set(err, PR_EINVAL, "backtest: %s finer bars (%s) do not divide %s", mk->spec.inst.symbol,
                              pr_tf_name(ftf), pr_tf_name(b->s.tf));
        b->fine_ms = pr_tf_ms(ftf);
    }
    return PR_OK;
}

/* A step of the multi-market loop labelled (as the loop labels it) before
 * `from`: the markets whose bar closes at `now` advance without trading
 * (closed[] and the cursors set as for a traded step). 0 when the step
 * trades; then nothing is touched. */
static int warmup_step(bt_src *src, size_t n, int64_t *nxt, int64_t now, int64_t finest, int64_t from,
                       unsigned char *closed) {
    int64_t step_ts = INT64_MIN;
    for (size_t i = 0; i < n; i++)
        if (nxt[i] == now && src[i].s.ts[src[i].cur] > step_ts) step_ts = src[i].s.ts[src[i].cur];
    if (finest != INT64_MAX && now - finest > step_ts) step_ts = now - finest;
    if (step_ts >= from) return 0;
    for (size_t i = 0; i < n; i++) {
        bt_src *bs = &src[i];
        closed[i] = nxt[i] == now;
        if (!closed[i]) continue;
        bs->cur++;
        nxt[i] = bs->cur < bs->s.len ? close_of(bs, bs->cur) : INT64_MAX;
    }
    return 1;
}

/* ---- the run context: a pool of large blocks ---------------------------------------- */
struct pr_backtest {
    pr_pool *pool;           /* the run's large arrays (core/pool.h)          */
    int transient;           /* a single run's: released blocks are freed, and
                                the context goes with its result             */
    size_t n_orders, n_fills, n_trades;   /* record counts of the last run   */
    int counted;             /* they are set                                  */
};

static int backtest_new(int transient, pr_backtest **out, pr_err *err) {
    if (!out) return pr_err_set(err, PR_EINVAL, "pr_backtest_new: NULL output");
    *out = calloc(1, sizeof **out);
    if (!*out) return pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
    (*out)->transient = transient;
    int rc = pr_pool_new(!transient, &(*out)->pool, err);
    if (rc != 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int pr_backtest_new(pr_backtest **out, pr_err *err) { return backtest_new(0, out, err); }

void pr_backtest_free(pr_backtest *bt) {
    if (!bt) return;
    pr_pool_free(bt->pool);
    free(bt);
}

static void curve_release(pr_backtest *bt, void *p) {
    if (!p) return;
    if (bt) pr_pool_release(bt->pool, p);
    else free(p);
}

/* Gives the result's arrays back; its context stays. */
static void result_release(pr_backtest_result *r) {
    pr_backtest *bt = r->pool_;
    curve_release(bt, r->trades);
    curve_release(bt, r->fills);
    free(r->open_trades);
    curve_release(bt, r->curves_);
    free(r->account);
    memset(r, 0, sizeof *r);
}

void pr_backtest_result_free(pr_backtest_result *r) {
    if (!r) return;
    pr_backtest *bt = r->pool_;
    result_release(r);
    if (bt && bt->transient) pr_backtest_free(bt);
}

/* The per-step arrays in one block, each shifted by a different number of
 * cache lines (as the pool's blocks are). */
#define N_CURVES 4
static int alloc_curves(pr_backtest *bt, pr_backtest_result *r, size_t steps) {
    size_t n = steps ? steps : 1;
    size_t arr = (n * sizeof(double) + 63) / 64 * 64;
    char *blk = pr_pool_alloc(bt->pool, N_CURVES * arr + N_CURVES * 64 * 3 * N_CURVES + 64);
    if (!blk) return -1;
    r->curves_ = blk;
    char *p = (char *)(((uintptr_t)blk + 63) / 64 * 64);
    void *a[N_CURVES];
    for (int k = 0; k < N_CURVES; k++) {
        p += 64 * (3 * k + 1);
        a[k] = p;
        p += arr;
    }
    r->ts = a[0];
    r->equity = a[1];
    r->exposure = a[2];
    r->margin_used = a[3];
    return 0;
}

/* ---- the account's slow part: the steps at which it changed ---- */
static uint64_t bits_of(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* 1 when the snapshot's slow part differs from p's, bit for bit (a -0.0
 * that became 0.0 is a change: it prints differently). */
static inline int account_differs(const pr_bt_account_point *p, double balance, double cash, double costs) {
    return ((bits_of(p->balance) ^ bits_of(balance)) | (bits_of(p->cash) ^ bits_of(cash)) |
            (bits_of(p->costs) ^ bits_of(costs))) != 0;
}

PR_HOT static int account_push(pr_backtest_result *r, const pr_bt_account_point *p) {
    if (r->n_account == r->cap_account_) {
        size_t cap = r->cap_account_ ? r->cap_account_ * 2 : 256;
        pr_bt_account_point *a = realloc(r->account, cap * sizeof *a);
        if (!a) return PR_ENOMEM;
        r->account = a;
        r->cap_account_ = cap;
    }
    r->account[r->n_account++] = *p;
    return PR_OK;
}

int pr_backtest_note_account(pr_backtest_result *res, const pr_bt_account_point *p) {
    if (!res || !p) return PR_EINVAL;
    if (res->n_account) {
        const pr_bt_account_point *l = &res->account[res->n_account - 1];
        if (p->step <= l->step) return PR_EINVAL;
        if (!account_differs(l, p->balance, p->cash, p->costs)) return PR_OK;
    }
    return account_push(res, p);
}

int pr_backtest_account_at(const pr_backtest_result *res, size_t k, pr_bt_account_point *out) {
    if (!res || !out || k >= res->n_steps || !res->n_account || res->account[0].step > k) return PR_EINVAL;
    size_t lo = 0, hi = res->n_account; /* the last point at or before k is in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (res->account[mid].step <= k) lo = mid;
        else hi = mid;
    }
    *out = res->account[lo];
    out->step = k;
    return PR_OK;
}

/* Keeps the snapshot's slow part for `step` as a new point, which `last`
 * becomes; PR_ENOMEM. Called when account_differs (inline in the loops:
 * most steps change nothing). */
static int keep_account(pr_backtest_result *r, pr_bt_account_point *last, size_t step,
                        const pr_broker_snapshot *z) {
    *last = (pr_bt_account_point){step, z->balance, z->cash, z->costs};
    return account_push(r, last);
}

/* Every order the broker rejected (at submission, or at fill time when its
 * quantity came to nothing), by reason: a run whose orders all vanished
 * must be able to say why. */
void pr_backtest_count_rejects(pr_broker *b, pr_backtest_result *res) {
    pr_order o;
    for (uint64_t id = 1; b->vt->get_order(b, id, &o) == 0; id++) {
        if (o.status == PR_OS_CANCELLED && o.reject) res->n_cancelled_with++;
        if (o.status != PR_OS_REJECTED) continue;
        res->n_rejected++;
        const char *why = o.reject ? o.reject : "rejected";
        size_t k = 0;
        while (k < res->n_reject_kinds && strcmp(res->rejects[k].reason, why) != 0) k++;
        if (k == res->n_reject_kinds) {
            if (k == PR_BT_REJECT_KINDS) continue;
            res->rejects[res->n_reject_kinds++].reason = why;
        }
        res->rejects[k].n++;
    }
}

int pr_backtest_history(const pr_backtest_config *cfg, pr_strategy *strat, size_t *bars, const char **unbounded,
                        pr_err *err) {
    if (!cfg || !strat || !strat->vt || !bars || cfg->n_markets == 0 || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "backtest: need a strategy and at least one market");
    size_t n = cfg->n_markets;
    bt_src *src = calloc(n, sizeof *src);
    pr_instrument *insts = calloc(n, sizeof *insts);
    const pr_series **series = calloc(n, sizeof *series);
    pr_market_view *v = NULL;
    int rc = src && insts && series ? PR_OK : pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
    for (size_t i = 0; rc == PR_OK && i < n; i++) {
        if ((rc = setup_src(&cfg->markets[i], i, &src[i], err)) != 0) break;
        insts[i] = cfg->markets[i].spec.inst;
        series[i] = &src[i].s;
    }
    /* Bar by bar, so declaring computes nothing. */
    pr_view_events *fund = rc == PR_OK ? calloc(n, sizeof *fund) : NULL;
    if (rc == PR_OK && !fund) rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
    for (size_t i = 0; rc == PR_OK && i < n; i++) fund[i] = pr_market_funding_events(&cfg->markets[i].spec);
    pr_view_config vc = {.n_instruments = n, .instruments = insts, .series = series, .precompute = 0, .funding = fund};
    if (rc == PR_OK) rc = pr_view_new(&vc, &v, err);
    free(fund);
    if (rc == PR_OK && strat->vt->init) rc = strat->vt->init(strat, v, err);
    if (rc == PR_OK) {
        *bars = pr_view_history(v);
        if (unbounded) *unbounded = pr_view_unbounded(v);
    }
    pr_view_free(v);
    free(series);
    free(insts);
    free(src);
    return rc;
}

/* A single run has a context of its own that goes with its result: its
 * large arrays come from a pool like a context's, and are freed with the
 * result instead of being kept. */
int pr_backtest_run(const pr_backtest_config *cfg, pr_pipeline *pipe, pr_backtest_result *res, pr_err *err) {
    pr_backtest *bt = NULL;
    int rc = backtest_new(1, &bt, err);
    if (rc != 0) {
        if (res) memset(res, 0, sizeof *res);
        return rc;
    }
    rc = pr_backtest_exec(bt, cfg, pipe, res, err);
    /* On failure the result was cleared (or never touched): the context is
     * no one's. */
    if (rc != 0) pr_backtest_free(bt);
    return rc;
}

PR_HOT int pr_backtest_exec(pr_backtest *bt, const pr_backtest_config *cfg, pr_pipeline *pipe, pr_backtest_result *res,
                     pr_err *err) {
    if (!bt) return pr_backtest_run(cfg, pipe, res, err);   /* no context: a single run's own */
    if (!cfg || !pipe || !res || cfg->n_markets == 0 || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "backtest: need a pipeline and at least one market");
    memset(res, 0, sizeof *res);
    res->pool_ = bt;
    pr_pool_next_run(bt->pool);
    pr_allocator alloc = pr_pool_allocator(bt->pool);
    size_t n = cfg->n_markets;
    int rc = PR_OK;
    pr_broker *b = NULL;
    pr_market_view *v = NULL;
    bt_src *src = calloc(n, sizeof *src);
    pr_market_spec *specs = calloc(n, sizeof *specs);
    pr_instrument *insts = calloc(n, sizeof *insts);
    const pr_series **series = calloc(n, sizeof *series);
    unsigned char *closed = calloc(n, 1);
    pr_bar *scratch = NULL;
    if (!src || !specs || !insts || !series || !closed) { rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory"); goto done; }

    size_t total = 0, max_fine = 0;
    for (size_t i = 0; i < n; i++) {
        if ((rc = setup_src(&cfg->markets[i], i, &src[i], err)) != 0) goto done;
        specs[i] = cfg->markets[i].spec;
        insts[i] = specs[i].inst;
        series[i] = &src[i].s;
        total += src[i].s.len;
        if (src[i].fine) {
            size_t k = (size_t)(src[i].ms / src[i].fine_ms);
            if (k > max_fine) max_fine = k;
        }
    }
    if (max_fine && !(scratch = malloc(max_fine * sizeof *scratch))) {
        rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
        goto done;
    }

    pr_sim_config sc = {.start_cash = cfg->start_cash > 0 ? cfg->start_cash : 10000.0, .n_markets = n, .markets = specs,
                        .alloc = bt ? &alloc : NULL};
    pr_strlcpy(sc.ccy, cfg->ccy[0] ? cfg->ccy : specs[0].inst.quote, sizeof sc.ccy);
    if ((rc = pr_sim_new(&sc, &b, err)) != 0) goto done;
    /* The loop drives the broker through its vtable only; these are the
     * bar-driven operations it calls on every bar (checked once here). */
    const pr_broker_vt *bvt = b->vt;
    if (!bvt->process_bar || !bvt->idle_bar || !bvt->mark || !bvt->snapshot) {
        rc = pr_err_set(err, PR_EINVAL, "backtest: broker %s is not driven by bars", bvt->name);
        goto done;
    }
    /* Record arrays sized up front: a context's previous run says how many;
     * otherwise a guess from the run's length (an order and a fill per 16
     * bars, a trade per 32: an active strategy's rate, e.g. sma_cross(10,30)
     * on hourly bars; a guess too small makes a single run copy and fault
     * in its arrays again halfway). Growing by doubling from 16 instead copies
     * every array a dozen times and faults in ~9 MB of small blocks for a
     * 1M-bar run; room reserved and not used is never touched (not resident,
     * but for the 2 MiB page a large array's first record lands in). */
    if (bt && !bt->counted) {
        bt->n_orders = bt->n_fills = total / 16;
        bt->n_trades = total / 32;
    }
    if (bt && pr_broker_reserve(b, bt->n_orders, bt->n_fills, bt->n_trades) != 0) {
        rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
        goto done;
    }
    pr_view_events *fund = calloc(n, sizeof *fund);
    if (!fund) {
        rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) fund[i] = pr_market_funding_events(&specs[i]);
    pr_view_config vc = {.n_instruments = n, .instruments = insts, .series = series, .precompute = 1,
                         .alloc = bt ? &alloc : NULL, .funding = fund};
    rc = pr_view_new(&vc, &v, err);
    free(fund);
    if (rc != 0) goto done;
    pr_strategy *strat = pr_pipeline_strategy(pipe);
    if (strat->vt->init && (rc = strat->vt->init(strat, v, err)) != 0) goto done;
    if ((rc = pr_view_prepare(v, err)) != 0) goto done;
    if ((rc = pr_pipeline_reset(pipe, n, err)) != 0) goto done;
    pr_view_set_portfolio(v, pr_pipeline_portfolio(pipe));

    pr_strlcpy(res->ccy, sc.ccy, sizeof res->ccy);
    res->start_cash = sc.start_cash;
    if (alloc_curves(bt, res, total) != 0) {
        rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
        goto done;
    }

    int64_t *nxt = malloc(n * sizeof *nxt);   /* close time of each market's next bar */
    if (!nxt) { rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory"); goto done; }
    for (size_t i = 0; i < n; i++) nxt[i] = close_of(&src[i], 0);
    int64_t finest = INT64_MAX;   /* shortest bar length, months aside */
    for (size_t i = 0; i < n; i++)
        if (src[i].s.tf != PR_TF_1MO && src[i].ms < finest) finest = src[i].ms;
    size_t steps = 0;
    pr_bt_account_point last = {0, 0, 0, 0};   /* the account's last point kept */
    int warm = cfg->trade_from != 0 && cfg->trade_from != PR_TIME_NONE;
    if (n == 1) {
        /* One market (the common case, and every run of an optimiser over
         * one instrument): each bar is a step, so the merge below reduces to
         * a walk over the bars. The same operations in the same order as the
         * general loop, without its per-market bookkeeping, and with the
         * arrays in locals (the calls in the loop could, for all the
         * compiler knows, change res). */
        bt_src *bs = &src[0];
        const int64_t *bts = bs->s.ts;
        const double *bo = bs->s.open, *bh = bs->s.high, *bl = bs->s.low, *bc = bs->s.close;
        int64_t *o_ts = res->ts;
        double *o_eq = res->equity, *o_exp = res->exposure, *o_mu = res->margin_used;
        size_t len = bs->s.len, chk = bs->checked;
        /* The simulated broker's idle bar inline (see sim_idle_bar_fast);
         * any other broker through its vtable. */
        sim *fast = sim_of(b);
        closed[0] = 1;
        size_t k0 = warm ? pr_series_lower_bound(&bs->s, cfg->trade_from) : 0;
        const char *sym = cfg->markets[0].spec.inst.symbol;
        for (size_t k = 0; k < k0; k++) {   /* warm-up: the view only */
            if (k >= bs->checked && !bar_ok(&bs->s, k)) { rc = bar_error(&bs->s, k, sym, err); free(nxt); goto done; }
            bs->cur = k + 1;
            if ((rc = pr_view_step(v, close_of(bs, k), closed, err)) != 0) { free(nxt); goto done; }
        }
        for (size_t k = k0; k < len; k++) {
            int64_t now = close_of(bs, k);
            /* Every bar's prices are read (see the general loop); the bar
             * itself is built only for the broker's walk. */
            int64_t ts = bts[k];
            double o = bo[k], h = bh[k], l = bl[k], c = bc[k];
            if (k >= chk && ((o - o) + (h - h) + (l - l) + (c - c) != 0 || (k > 0 && ts <= bts[k - 1]))) {   /* bar_ok */
                rc = bar_error(&bs->s, k, sym, err);
                free(nxt);
                goto done;
            }
            /* The account after the bar comes with it (the view's step
             * below does not touch the broker). */
            pr_broker_snapshot z;
            if (!(fast ? sim_idle_bar_fast(fast, 0, c, &z) : bvt->idle_bar(b, 0, c, &z))) {
                pr_bar bar = {ts, o, h, l, c, 0.0};
                size_t nf = bs->fine ? gather_fine(bs, bar.ts, now, scratch, max_fine) : 0;
                if ((rc = bvt->process_bar(b, 0, &bar, now - bar.ts, nf ? scratch : NULL, nf, bs->fine_ms, &z,
                                           err)) != 0) {
                    free(nxt);
                    goto done;
                }
            }
            int64_t step_ts = ts;
            if (finest != INT64_MAX && now - finest > step_ts) step_ts = now - finest;
            bs->cur = k + 1;
            if ((rc = pr_view_step(v, now, closed, err)) != 0) { free(nxt); goto done; }
            size_t j = k - k0;
            o_ts[j] = step_ts;
            o_eq[j] = z.equity;
            o_exp[j] = z.equity != 0 ? z.gross / z.equity : 0;
            o_mu[j] = z.margin_used;
            if ((j == 0 || account_differs(&last, z.balance, z.cash, z.costs)) &&
                keep_account(res, &last, j, &z) != PR_OK) {
                rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
                free(nxt);
                goto done;
            }
            steps = j + 1;
            if ((rc = pr_pipeline_step(pipe, v, b, err)) != 0) { free(nxt); goto done; }
        }
    }
    while (n > 1) {
        /* The next step is the earliest close among the markets' next bars. */
        int64_t now = INT64_MAX;
        for (size_t i = 0; i < n; i++)
            if (nxt[i] < now) now = nxt[i];
        if (now == INT64_MAX) break;
        for (size_t i = 0; i < n; i++)   /* every bar closing now, before any is used */
            if (nxt[i] == now && src[i].cur >= src[i].checked && !bar_ok(&src[i].s, src[i].cur)) {
                rc = bar_error(&src[i].s, src[i].cur, cfg->markets[i].spec.inst.symbol, err);
                free(nxt);
                goto done;
            }
        if (warm && warmup_step(src, n, nxt, now, finest, cfg->trade_from, closed)) {
            if ((rc = pr_view_step(v, now, closed, err)) != 0) { free(nxt); goto done; }
            continue;
        }
        /* The step is labelled by the open of the run's finest bar closing
         * now (the latest open among the bars that closed; now - finest
         * when only longer bars closed), so with mixed timeframes (hourly
         * and daily bars closing at the same midnight) labels increase
         * strictly with the closes. */
        int64_t step_ts = INT64_MIN;
        /* With several markets, a fill in one market reads the others' marks
         * (conversion rates, margin). While this step's bars are processed
         * those marks must be prices known at the bars' open, not closes an
         * hour (or a day) ahead that an earlier market in the list already
         * reached: every closing market is marked at its open first, put
         * back to its open after its own bar, and moved to its close only
         * once all of them are done. */
        for (size_t i = 0; i < n; i++)
            if (nxt[i] == now) bvt->mark(b, (int)i, src[i].s.open[src[i].cur]);
        for (size_t i = 0; i < n; i++) {
            bt_src *bs = &src[i];
            closed[i] = nxt[i] == now;
            if (!closed[i]) continue;
            size_t k = bs->cur;
            /* The price columns are read every bar: sequential streams stay
             * in the prefetcher, cheaper than cold misses on the bars that do
             * carry orders. The simulated broker does not use volume. */
            pr_bar bar = {bs->s.ts[k], bs->s.open[k], bs->s.high[k], bs->s.low[k], bs->s.close[k], 0.0};
            if (!bvt->idle_bar(b, (int)i, bar.close, NULL)) {
                size_t nf = bs->fine ? gather_fine(bs, bar.ts, now, scratch, max_fine) : 0;
                if ((rc = bvt->process_bar(b, (int)i, &bar, now - bar.ts, nf ? scratch : NULL, nf, bs->fine_ms, NULL,
                                           err)) != 0) {
                    free(nxt);
                    goto done;
                }
            }
            bvt->mark(b, (int)i, bar.open);
            if (bar.ts > step_ts) step_ts = bar.ts;
            bs->cur++;
            nxt[i] = bs->cur < bs->s.len ? close_of(bs, bs->cur) : INT64_MAX;
        }
        for (size_t i = 0; i < n; i++)
            if (closed[i]) bvt->mark(b, (int)i, src[i].s.close[src[i].cur - 1]);
        if (finest != INT64_MAX && now - finest > step_ts) step_ts = now - finest;
        if ((rc = pr_view_step(v, now, closed, err)) != 0) { free(nxt); goto done; }
        pr_broker_snapshot z;
        bvt->snapshot(b, &z);
        res->ts[steps] = step_ts;
        res->equity[steps] = z.equity;
        res->exposure[steps] = z.equity != 0 ? z.gross / z.equity : 0;
        res->margin_used[steps] = z.margin_used;
        if ((steps == 0 || account_differs(&last, z.balance, z.cash, z.costs)) &&
            keep_account(res, &last, steps, &z) != PR_OK) {
            rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
            free(nxt);
            goto done;
        }
        steps++;
        if ((rc = pr_pipeline_step(pipe, v, b, err)) != 0) { free(nxt); goto done; }
    }
    free(nxt);
    res->n_steps = steps;
    res->final_equity = steps ? res->equity[steps - 1] : sc.start_cash;

    if (bt) {
        pr_broker_record_counts(b, &bt->n_orders, &bt->n_fills, &bt->n_trades);
        bt->counted = 1;
    }
    pr_broker_take_records(b, &res->fills, &res->n_fills, &res->trades, &res->n_trades);
    if (!(res->open_trades = calloc(n, sizeof *res->open_trades))) {
        rc = pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (pr_broker_open_trade(b, (int)i, &res->open_trades[res->n_open]) == 0) res->n_open++;
    res->n_liquidations = pr_broker_liquidations(b);
    pr_pipeline_get_stats(pipe, &res->stats);
    pr_backtest_count_rejects(b, res);

done:
    if (rc != 0) result_release(res);
    pr_pipeline_end(pipe, b);
    pr_view_free(v);
    pr_broker_free(b);
    free(scratch);
    free(closed);
    free(series);
    free(insts);
    free(specs);
    free(src);
    if (bt && !bt->transient) pr_pool_trim(bt->pool);
    return rc;
}

/* ---- the run as metrics inputs ------------------------------------------------------ */
static void fill_record(const pr_trade *t, const pr_bt_market *mk, pr_trade_record *r) {
    memset(r, 0, sizeof *r);
    r->entry_ts = t->entry_ts;
    r->exit_ts = t->exit_ts;
    r->instrument = t->instrument;
    pr_strlcpy(r->symbol, mk->spec.inst.symbol, sizeof r->symbol);
    r->cls = mk->spec.inst.asset_class;
    r->side = t->side;
    r->qty = t->size;
    r->entry_price = t->entry_price;
    r->exit_price = t->exit_price;
    /* The trade's gross P&L is at fill prices, which already carry the
     * spread and slippage; the metrics want it at reference prices. */
    r->pnl = t->pnl;
    r->gross_pnl = t->gross_pnl + t->spread_cost + t->slippage_cost;
    r->fees = t->fees;
    r->slippage = t->spread_cost + t->slippage_cost;
    r->funding = t->funding;
    r->risk = t->risk;
    pr_strlcpy(r->tag, t->tag, sizeof r->tag);
    if (t->exit_ts == PR_TIME_NONE) {
        pr_strlcpy(r->reason, "open", sizeof r->reason);
        return;
    }
    size_t k = pr_strlcpy(r->reason, pr_order_role_name(t->exit_role), sizeof r->reason);
    char why[PR_TRADE_REASON_MAX];
    if (pr_reason_format(&t->exit_why, why, sizeof why) > 0 && k + 2 < sizeof r->reason) {
        memcpy(r->reason + k, ": ", 3);
        pr_strlcpy(r->reason + k + 2, why, sizeof r->reason - k - 2);
    }
}

int pr_backtest_records(const pr_backtest_config *cfg, const pr_backtest_result *res, pr_trade_record **trades,
                        size_t *n_trades, pr_equity_point **eq, size_t *n_eq, pr_err *err) {
    if (!cfg || !res || !trades || !n_trades || !eq || !n_eq)
        return pr_err_set(err, PR_EINVAL, "pr_backtest_records: NULL argument");
    *trades = NULL;
    *eq = NULL;
    *n_trades = *n_eq = 0;
    size_t nt = res->n_trades + res->n_open;
    pr_trade_record *tr = nt ? malloc(nt * sizeof *tr) : NULL;
    pr_equity_point *pt = res->n_steps ? malloc(res->n_steps * sizeof *pt) : NULL;
    if ((nt && !tr) || (res->n_steps && !pt)) {
        free(tr);
        free(pt);
        return pr_err_set(err, PR_ENOMEM, "backtest: out of memory");
    }
    for (size_t k = 0; k < nt; k++) {
        const pr_trade *t = k < res->n_trades ? &res->trades[k] : &res->open_trades[k - res->n_trades];
        if (t->instrument < 0 || (size_t)t->instrument >= cfg->n_markets) {
            free(tr);
            free(pt);
            return pr_err_set(err, PR_EINVAL, "backtest: trade %zu names instrument %d of %zu", k, t->instrument,
                              cfg->n_markets);
        }
        fill_record(t, &cfg->markets[t->instrument], &tr[k]);
    }
    for (size_t k = 0, a = 0; k < res->n_steps; k++) {
        while (a + 1 < res->n_account && res->account[a + 1].step <= k) a++;
        const pr_bt_account_point *ap = &res->account[a];
        pt[k] = (pr_equity_point){.ts = res->ts[k], .equity = res->equity[k],
                                  .equity_gross = res->equity[k] + ap->costs, .cash = ap->cash,
                                  .exposure = res->exposure[k], .balance = ap->balance,
                                  .margin_used = res->margin_used[k]};
    }
    *trades = tr;
    *n_trades = nt;
    *eq = pt;
    *n_eq = res->n_steps;
    return PR_OK;
}
