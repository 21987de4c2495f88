/* The simulated broker's walk through a bar, with the intrabar rules of
 * DESIGN "No look-ahead": at the open, market orders and what the open
 * crossed; inside, protective stops before take-profits (the worse case),
 * then entry stops and limits; then liquidation. Finer bars, when given,
 * settle the order of events; funding times cut a bar into parts so each
 * payment meets the position held at its time. Which orders trade and at
 * what price is the fill model's (fill_model.c); when funding is due, the
 * funding model's (funding_model.c). */
#include <math.h>
#include "sim_internal.h"

static int eligible(const pr_book_order *so, int inst, int64_t ts) {
    return so->o.instrument == inst && so->o.status == PR_OS_ACTIVE && so->o.submitted <= ts && so->live_from <= ts;
}

static double half_spread(const sim_mkt *m, double px) {
    return pr_fill_half_spread(&m->spec.costs, m->spec.inst.pip_size, px);
}

/* At the open: market orders, and stops/limits the open already crossed. */
static int phase_open(sim *s, int inst, int64_t ts, double o, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    double hs = half_spread(m, o);
    int changed = 1, rc;
    while (changed) {
        changed = 0;
        for (size_t j = 0; j < s->book.n_lv; j++) {
            pr_book_order *so = &s->book.lv[j];
            if (!eligible(so, inst, ts)) continue;
            double px;
            int maker;
            if (!pr_fill_at_open(&m->spec.costs, hs, &so->o, o, &px, &maker)) continue;
            if ((rc = sim_do_fill(s, j, px, o, maker, 0, ts, ts, err)) != 0) return rc;
            changed = 1;
        }
    }
    return PR_OK;
}

/* Protective stops of the open position against [l, h]: the worse case. A
 * stop-limit whose limit the trigger cannot reach rests as a limit from the
 * next piece on (ts + rest_ms): the high or low that would reach it may
 * have come before the trigger, so it is not filled in the same piece. */
static int phase_stops(sim *s, int inst, int64_t ts, int64_t rest_ms, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (;;) {
        int ps = sim_sgn(m->pos.qty);
        if (ps == 0) return PR_OK;
        size_t best = (size_t)-1;
        double best_stop = 0;
        for (size_t j = 0; j < s->book.n_lv; j++) {
            pr_book_order *so = &s->book.lv[j];
            if (!eligible(so, inst, ts) || !so->o.reduce_only || so->o.side != -ps) continue;
            if (so->o.type != PR_ORDER_STOP && so->o.type != PR_ORDER_STOP_LIMIT) continue;
            double st = so->o.stop_price;
            if (!pr_fill_stop_hit(ps, st, half_spread(m, st), h, l)) continue;
            /* The first one the price meets: highest sell stop, lowest buy stop. */
            if (best == (size_t)-1 || (ps > 0 ? st > best_stop : st < best_stop)) {
                best = j;
                best_stop = st;
            }
        }
        if (best == (size_t)-1) return PR_OK;
        pr_order *od = &s->book.lv[best].o;
        double px = pr_fill_stop_price(&m->spec.costs, od->side, best_stop);
        if (od->type == PR_ORDER_STOP_LIMIT && (od->side > 0 ? px > od->limit_price : px < od->limit_price)) {
            od->triggered = 1;   /* limit not reachable now: rests as a limit */
            od->type = PR_ORDER_LIMIT;
            s->book.lv[best].live_from = ts + rest_ms;
            continue;
        }
        int rc = sim_do_fill(s, best, px, best_stop, 0, 1, ts, ts, err);
        if (rc != 0) return rc;
    }
}

/* Take-profits (reduce-only limits) of the open position. */
static int phase_targets(sim *s, int inst, int64_t ts, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (;;) {
        int ps = sim_sgn(m->pos.qty);
        if (ps == 0) return PR_OK;
        size_t best = (size_t)-1;
        double best_px = 0;
        for (size_t j = 0; j < s->book.n_lv; j++) {
            pr_book_order *so = &s->book.lv[j];
            if (!eligible(so, inst, ts) || !so->o.reduce_only || so->o.side != -ps) continue;
            if (so->o.type != PR_ORDER_LIMIT) continue;
            double lp = so->o.limit_price;
            if (!pr_fill_target_hit(ps, lp, half_spread(m, lp), h, l)) continue;
            if (best == (size_t)-1 || (ps > 0 ? lp < best_px : lp > best_px)) {
                best = j;
                best_px = lp;
            }
        }
        if (best == (size_t)-1) return PR_OK;
        int rc = sim_do_fill(s, best, best_px, best_px, 1, 0, ts, ts, err);
        if (rc != 0) return rc;
    }
}

/* Other working stops and limits (entries), in submission order. */
static int phase_entries(sim *s, int inst, int64_t ts, int64_t piece_ms, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    for (size_t j = 0; j < s->book.n_lv; j++) {
        pr_book_order *so = &s->book.lv[j];
        if (!eligible(so, inst, ts) || so->o.reduce_only) continue;
        double px = 0, ref = 0;
        int maker = 0;
        pr_fill_verdict v = pr_fill_in_range(&m->spec.costs, m->spec.inst.pip_size, &so->o, h, l, &px, &ref, &maker);
        if (v == PR_FILL_REST) so->live_from = ts + piece_ms;
        if (v != PR_FILL_NOW) continue;
        int rc = sim_do_fill(s, j, px, ref, maker, !maker, ts, ts + piece_ms, err);
        if (rc != 0) return rc;
        /* A stop attached to this entry meets the rest of the bar: the worse case. */
        if ((rc = phase_stops(s, inst, ts, piece_ms, h, l, err)) != 0) return rc;
    }
    return PR_OK;
}

typedef struct fund_ctx {
    sim *s;
    sim_mkt *m;
    double px;
} fund_ctx;

static void pay(void *ctx, double rate) {
    fund_ctx *f = ctx;
    pr_ledger_funding(&f->s->led, &f->m->pos, f->px, rate, sim_fx_rate(f->s, f->m, f->px));
}

/* The open of a piece of a bar starting at ts: funding due in a gap of the
 * data before it (first piece only; on the position held across the gap,
 * at this open), the orders its open fills, then the funding due in
 * [ts, t1) on the position after them, at the open. */
PR_HOT static int piece_open(sim *s, int inst, int64_t ts, int64_t t1, double o, int first, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int rc;
    fund_ctx fc = {s, m, o};
    const pr_funding *fd = &m->spec.funding;
    if (first && fd->perpetual) pr_funding_due_before(&m->fund, fd, ts, m->pos.qty != 0, pay, &fc);
    if (s->book.n_live[inst] && (rc = phase_open(s, inst, ts, o, err)) != 0) return rc;
    if (fd->perpetual) pr_funding_due_in(&m->fund, fd, ts, t1, m->pos.qty != 0, pay, &fc);
    return PR_OK;
}

/* The rest of a piece: stops, targets, entries against [l, h], then
 * liquidation. Limits that become active inside it wait rest_ms (the end
 * of the bar or finer bar the piece belongs to). */
PR_HOT static int piece_rest(sim *s, int inst, int64_t ts, int64_t rest_ms, double o, double h, double l, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int rc;
    if (s->book.n_live[inst]) {
        if ((rc = phase_stops(s, inst, ts, rest_ms, h, l, err)) != 0) return rc;
        if ((rc = phase_targets(s, inst, ts, h, l, err)) != 0) return rc;
        if ((rc = phase_entries(s, inst, ts, rest_ms, h, l, err)) != 0) return rc;
    }
    if (!(m->spec.margin.maintenance > 0) || m->pos.qty == 0) return PR_OK;   /* never liquidated */
    return sim_check_liquidation(s, inst, ts, o, h, l, err);
}

/* One bar or finer bar [ts, ts + ms), cut at the funding times inside it;
 * without finer data the prices inside follow pr_bar_path. Fills in any of
 * its parts are recorded at ts, the open time of the bar they filled in. */
PR_HOT static int walk_piece(sim *s, int inst, int64_t ts, int64_t ms, double o, double h, double l, double c, int first,
                      pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int64_t end = ts + ms;
    int64_t g = m->spec.funding.perpetual ? pr_funding_next(&m->fund, &m->spec.funding, ts, end) : INT64_MAX;
    int rc = piece_open(s, inst, ts, g == INT64_MAX ? end : g, o, first, err);
    if (rc != 0) return rc;
    if (g == INT64_MAX) return piece_rest(s, inst, ts, ms, o, h, l, err);
    pr_bar_path bp;
    pr_bar_path_init(&bp, sim_sgn(m->pos.qty), o, h, l, c);
    s->rec_ts = ts;
    int64_t a = ts;
    double pa = o;
    for (;;) {
        int64_t b = g == INT64_MAX ? end : g;
        double ua = (double)(a - ts) / (double)ms, ub = (double)(b - ts) / (double)ms;
        double pb = b == end ? c : pr_bar_path_at(&bp, ub);
        double hi = pa > pb ? pa : pb, lo = pa < pb ? pa : pb;
        for (int k = 1; k < 3; k++) {
            double uk = bp.d[3] > 0 ? bp.d[k] / bp.d[3] : 0;
            if (uk < ua || uk > ub) continue;
            if (bp.p[k] > hi) hi = bp.p[k];
            if (bp.p[k] < lo) lo = bp.p[k];
        }
        if (a != ts && (rc = piece_open(s, inst, a, b, pa, 0, err)) != 0) break;
        if ((rc = piece_rest(s, inst, a, end - a, pa, hi, lo, err)) != 0) break;
        m->pos.mark = pb;
        m->pos.has_mark = 1;
        if (b == end) break;
        a = b;
        pa = pb;
        g = pr_funding_next(&m->fund, &m->spec.funding, a, end);
    }
    s->rec_ts = PR_TIME_NONE;
    return rc;
}

PR_HOT int sim_walk_bar(sim *s, int inst, const pr_bar *bar, int64_t bar_ms, const pr_bar *fine, size_t n_fine,
                 int64_t fine_ms, pr_err *err) {
    sim_mkt *m = &s->m[inst];
    int rc;
    if (s->book.n_live[inst]) pr_book_cancel_expired(&s->book, inst, bar->ts);
    /* Finer bars settle the order of fills, and give a perpetual's price at
     * each funding time inside the bar. */
    int use_fine = 0;
    if (fine && n_fine > 0 && fine_ms > 0 && (s->book.n_live[inst] || m->spec.funding.perpetual) &&
        (int64_t)n_fine * fine_ms == bar_ms && fine[0].ts == bar->ts) {
        use_fine = 1;
        for (size_t k = 1; k < n_fine; k++)
            if (fine[k].ts != fine[k - 1].ts + fine_ms) { use_fine = 0; break; }
    }
    if (use_fine) {
        for (size_t k = 0; k < n_fine; k++) {
            const pr_bar *f = &fine[k];
            double o = k == 0 ? bar->open : f->open;
            if ((rc = walk_piece(s, inst, f->ts, fine_ms, o, f->high, f->low, f->close, k == 0, err)) != 0) return rc;
            m->pos.mark = f->close;
            m->pos.has_mark = 1;
        }
    } else {
        if ((rc = walk_piece(s, inst, bar->ts, bar_ms, bar->open, bar->high, bar->low, bar->close, 1, err)) != 0)
            return rc;
    }
    m->pos.mark = bar->close;
    m->pos.has_mark = 1;
    if (s->book.n_dead > 32 || (s->book.n_dead && s->book.n_dead * 2 > s->book.n_lv)) pr_book_compact(&s->book);
    return PR_OK;
}
