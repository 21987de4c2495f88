/* The warm-up check (engine/check.h): Freqtrade's "recursive analysis" for
 * Proratio's strategies. The strategy runs once from the first bar (the
 * reference) and once from each of a few later starts; for each declared
 * indicator, the bars after a start up to its last value that differs from
 * the reference's at the same step are the bars it needs. A value agrees
 * when both are NaN or they differ by at most tol times the indicator's
 * largest magnitude in the reference run: a recursive indicator (EMA,
 * Wilder smoothing) never agrees exactly, only within a tolerance, and
 * even a moving average over a window differs in its last bits, since the
 * running sum it keeps rounds differently from another start. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proratio/ta.h"
#include "check_internal.h"

static int agree(double a, double b, double tol) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return a == b || fabs(a - b) <= tol;
}

/* s without its first k bars, on the same arrays. */
static pr_series skip(const pr_series *s, size_t k) {
    pr_series o = *s;
    o.ts += k, o.open += k, o.high += k, o.low += k, o.close += k, o.volume += k;
    o.len -= k;
    o.cap = o.len;
    return o;
}

/* The markets from the bar of market 0 at index s on (a view of the same
 * arrays); a market whose bars all precede that bar stays whole. */
static void from_start(const pr_backtest_config *cfg, size_t s, pr_bt_market *mk, pr_series *bars,
                       pr_series *fine, unsigned char *moved) {
    int64_t t0 = cfg->markets[0].bars->ts[s];
    for (size_t i = 0; i < cfg->n_markets; i++) {
        const pr_bt_market *m = &cfg->markets[i];
        size_t k = pr_series_lower_bound(m->bars, t0);
        if (k >= m->bars->len) k = 0;   /* all its bars precede the start: the same as in the reference */
        if (k) moved[i] = 1;
        bars[i] = skip(m->bars, k);
        mk[i] = *m;
        mk[i].bars = &bars[i];
        mk[i].checked = m->checked > k ? m->checked - k : 0;
        if (m->fine) {
            size_t f = pr_series_lower_bound(m->fine, t0);
            fine[i] = skip(m->fine, f);
            mk[i].fine = &fine[i];
        }
    }
}

/* pr_ta_memory of indicator k at tol, in decision bars. */
static void analytic(const chk_rec *R, size_t k, double tol, const pr_backtest_config *cfg, pr_warmup_row *row) {
    const pr_view_ind_info *in = &R->info[k];
    row->analytic = SIZE_MAX;
    row->bounded = 1;
    const pr_ta_def *d = NULL;
    size_t mem = 0;
    if (pr_ta_find(in->name, &d) != PR_OK || pr_ta_memory(d, in->params, tol, &mem, &row->bounded) != PR_OK ||
        mem == SIZE_MAX)
        return;
    if (in->of >= 0) {   /* it starts at the inner one's first value */
        const pr_view_ind_info *inner = &R->info[in->of];
        const pr_ta_def *di = NULL;
        int lb = 0;
        if (pr_ta_find(inner->name, &di) != PR_OK || di->lookback(inner->params, &lb) != PR_OK) return;
        mem += (size_t)lb;
    }
    int64_t base = in->inst >= 0 && (size_t)in->inst < cfg->n_markets ? pr_tf_ms(cfg->markets[in->inst].bars->tf) : 0;
    int64_t ratio = base > 0 ? pr_tf_ms(in->tf) / base : 1;
    size_t per = ratio > 1 ? (size_t)ratio : 1;
    row->analytic = (mem + 1) * per - 1;
}

static int sig_agree(const chk_sig *p, const chk_sig *q, double tol) {
    if (p->kind != q->kind || p->inst != q->inst || strncmp(p->tag, q->tag, sizeof p->tag) != 0) return 0;
    for (int f = 0; f < CHK_SIG_FIELDS; f++) {
        double m = fmax(fabs(p->f[f]), fabs(q->f[f]));
        if (!agree(p->f[f], q->f[f], tol * m)) return 0;
    }
    return 1;
}

int pr_check_warmup(const pr_backtest_config *cfg, const pr_check_runner *r, double tol, size_t n_starts,
                    pr_warmup_report *out, pr_err *err) {
    if (!cfg || !r || !r->strategy || !r->pipeline || !out || !cfg->n_markets || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "check: NULL argument");
    memset(out, 0, sizeof *out);
    if (!(tol > 0)) tol = 1e-10;
    if (n_starts == 0) n_starts = 4;
    if (n_starts > PR_WARMUP_MAX_STARTS) n_starts = PR_WARMUP_MAX_STARTS;
    const pr_series *b0 = cfg->markets[0].bars;
    if (b0->len < 4 * n_starts)
        return pr_err_set(err, PR_EDATA, "check: %s has %zu bars; the warm-up check needs at least %zu", b0->symbol,
                          b0->len, 4 * n_starts);
    out->tol = tol;
    size_t n = cfg->n_markets;
    pr_bt_market *mk = calloc(n, sizeof *mk);
    pr_series *bars = calloc(n, sizeof *bars), *fine = calloc(n, sizeof *fine);
    chk_rec R = {0}, S = {0};
    double *scale = NULL;
    size_t *need = NULL;
    unsigned char *moved = calloc(n, 1);
    pr_backtest_config bc = *cfg;
    bc.trade_from = PR_TIME_NONE;
    int rc = mk && bars && fine && moved ? PR_OK : pr_err_set(err, PR_ENOMEM, "check: out of memory");
    if (rc == PR_OK) rc = chk_run(&bc, r, &R, err);
    size_t ni = R.n_ind;
    if (rc == PR_OK && (!(scale = calloc(ni + 1, sizeof *scale)) || !(need = calloc(ni + 1, sizeof *need))))
        rc = pr_err_set(err, PR_ENOMEM, "check: out of memory");
    for (size_t k = 0; rc == PR_OK && k < ni; k++)
        for (size_t i = 0; i < R.steps; i++) {
            double x = fabs(R.vals[i * ni + k]);
            if (isfinite(x) && x > scale[k]) scale[k] = x;
        }
    for (size_t j = 0; rc == PR_OK && j < n_starts; j++) {
        size_t s = (j + 1) * b0->len / (2 * n_starts);
        out->starts[out->n_starts++] = s;
        from_start(cfg, s, mk, bars, fine, moved);
        bc.markets = mk;
        if ((rc = chk_run(&bc, r, &S, err)) != PR_OK) break;
        if (S.n_ind != ni) {
            rc = pr_err_set(err, PR_ESTATE, "check: the strategy declared %zu indicators from bar %zu, %zu from the first", S.n_ind, s, ni);
            break;
        }
        /* the last step of S at which each indicator (ni: the decisions) differed */
        size_t *last = calloc(ni + 1, sizeof *last);
        if (!last) {
            rc = pr_err_set(err, PR_ENOMEM, "check: out of memory");
            break;
        }
        for (size_t k = 0; k <= ni; k++) last[k] = SIZE_MAX;
        size_t a = 0, b = 0;
        while (a < R.steps && b < S.steps) {
            if (R.now[a] < S.now[b]) { a++; continue; }
            if (R.now[a] > S.now[b]) { b++; continue; }
            for (size_t k = 0; k < ni; k++)
                if (!agree(R.vals[a * ni + k], S.vals[b * ni + k], tol * scale[k])) last[k] = b;
            size_t nr = R.sig0[a + 1] - R.sig0[a], ns = S.sig0[b + 1] - S.sig0[b];
            int ok = nr == ns;
            for (size_t g = 0; ok && g < nr; g++) ok = sig_agree(&R.sigs[R.sig0[a] + g], &S.sigs[S.sig0[b] + g], tol);
            if (!ok) last[ni] = b;
            a++, b++;
        }
        for (size_t k = 0; k <= ni; k++) {
            if (last[k] == SIZE_MAX) continue;
            size_t inst = k < ni && R.info[k].inst >= 0 ? (size_t)R.info[k].inst : 0;
            size_t bars_before = last[k] + 1 >= S.steps ? SIZE_MAX : S.lens[last[k] * S.n_inst + inst];
            if (bars_before > need[k]) need[k] = bars_before;
        }
        free(last);
    }
    if (rc == PR_OK && !(out->rows = calloc(ni + 1, sizeof *out->rows))) rc = pr_err_set(err, PR_ENOMEM, "check: out of memory");
    for (size_t k = 0; rc == PR_OK && k <= ni; k++) {
        pr_warmup_row *row = &out->rows[out->n_rows++];
        row->measured = need[k];
        if (k < ni) {
            snprintf(row->what, sizeof row->what, "%s", R.ind_what[k]);
            analytic(&R, k, tol, cfg, row);
            row->unmeasured = R.info[k].inst >= 0 && (size_t)R.info[k].inst < n && !moved[R.info[k].inst];
        } else {
            row->decisions = 1;
            row->bounded = 1;
            row->analytic = SIZE_MAX;
            snprintf(row->what, sizeof row->what, "the strategy's signals");
        }
    }
    chk_rec_free(&R);
    chk_rec_free(&S);
    free(scale);
    free(need);
    free(moved);
    free(mk);
    free(bars);
    free(fine);
    if (rc != PR_OK) pr_warmup_report_free(out);
    return rc;
}

void pr_warmup_report_free(pr_warmup_report *rep) {
    if (!rep) return;
    free(rep->rows);
    memset(rep, 0, sizeof *rep);
}
