/* The look-ahead check (engine/check.h): the strategy on the full history
 * against the same strategy on histories cut at many points. Each cut copy
 * keeps the bars that have closed by the cut in every market; the bars
 * after it keep their times but their prices and volumes are NaN, so a
 * strategy that reaches past the visible bars (through a raw pointer the
 * view handed out) reads nothing there instead of the real future. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_internal.h"

/* The bars of s that have closed by `t`. */
static size_t closed_by(const pr_series *s, int64_t t) {
    int64_t len = pr_tf_ms(s->tf);
    if (len <= 0) return pr_series_lower_bound(s, t);
    return pr_series_lower_bound(s, t - len + 1);   /* the first with ts + len > t */
}

/* A copy of s showing its first k bars, the rest blanked. */
static int blank_copy(const pr_series *s, size_t k, pr_series *out, pr_err *err) {
    if (pr_series_init(out, s->len ? s->len : 1) != PR_OK) return pr_err_set(err, PR_ENOMEM, "check: out of memory");
    out->tf = s->tf;
    memcpy(out->symbol, s->symbol, sizeof out->symbol);
    memcpy(out->ts, s->ts, s->len * sizeof *s->ts);
    double *const dst[5] = {out->open, out->high, out->low, out->close, out->volume};
    const double *const src[5] = {s->open, s->high, s->low, s->close, s->volume};
    for (int f = 0; f < 5; f++) {
        memcpy(dst[f], src[f], k * sizeof(double));
        for (size_t i = k; i < s->len; i++) dst[f][i] = NAN;
    }
    out->len = k;
    return PR_OK;
}

static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

typedef struct acc {
    pr_lookahead_report *rep;
    size_t cap;
    int64_t cut;
} acc;

static int found(acc *a, int signal, const char *what, int64_t ts, double full, double trunc, pr_err *err) {
    pr_lookahead_report *r = a->rep;
    for (size_t i = 0; i < r->n_findings; i++)
        if (strcmp(r->findings[i].what, what) == 0) {
            r->findings[i].count++;
            return PR_OK;
        }
    if (r->n_findings == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 16;
        pr_lookahead_finding *nf = realloc(r->findings, nc * sizeof *nf);
        if (!nf) return pr_err_set(err, PR_ENOMEM, "check: out of memory");
        r->findings = nf;
        a->cap = nc;
    }
    pr_lookahead_finding *f = &r->findings[r->n_findings++];
    memset(f, 0, sizeof *f);
    f->signal = signal;
    snprintf(f->what, sizeof f->what, "%s", what);
    f->ts = ts;
    f->cut = a->cut;
    f->has_values = !(isnan(full) && isnan(trunc) && signal);
    f->full = full;
    f->truncated = trunc;
    f->count = 1;
    return PR_OK;
}

/* One step of the full run (F, step i) against the cut run (T, step j). */
static int compare_step(acc *a, const chk_rec *F, size_t i, const chk_rec *T, size_t j, pr_err *err) {
    int64_t ts = F->now[i];
    int rc;
    for (size_t k = 0; k < F->n_ind && k < T->n_ind; k++) {
        double x = F->vals[i * F->n_ind + k], y = T->vals[j * T->n_ind + k];
        a->rep->values++;
        if (!same(x, y) && (rc = found(a, 0, F->ind_what[k], ts, x, y, err)) != PR_OK) return rc;
    }
    size_t nf = F->sig0[i + 1] - F->sig0[i], nt = T->sig0[j + 1] - T->sig0[j];
    char what[PR_CHECK_WHAT_MAX];
    if (nf != nt) {
        /* name the instrument of the first signal one run has and the other lacks */
        const chk_sig *g = nf > nt ? &F->sigs[F->sig0[i] + nt] : &T->sigs[T->sig0[j] + nf];
        snprintf(what, sizeof what, "signals emitted on %s (count)", g->inst >= 0 && (size_t)g->inst < F->n_inst ? F->sym[g->inst] : "?");
        a->rep->values++;
        return found(a, 1, what, ts, (double)nf, (double)nt, err);
    }
    for (size_t s = 0; s < nf; s++) {
        const chk_sig *p = &F->sigs[F->sig0[i] + s], *q = &T->sigs[T->sig0[j] + s];
        const char *sym = p->inst >= 0 && (size_t)p->inst < F->n_inst ? F->sym[p->inst] : "?";
        const char *kind = pr_signal_kind_name((pr_signal_kind)p->kind);
        a->rep->values += CHK_SIG_FIELDS + 2;
        if (p->kind != q->kind || p->inst != q->inst) {
            const char *qsym = q->inst >= 0 && (size_t)q->inst < F->n_inst ? F->sym[q->inst] : "?";
            snprintf(what, sizeof what, "signal %s on %s, in the cut run %s on %s", kind, sym,
                     pr_signal_kind_name((pr_signal_kind)q->kind), qsym);
            if ((rc = found(a, 1, what, ts, NAN, NAN, err)) != PR_OK) return rc;
            continue;
        }
        for (int f = 0; f < CHK_SIG_FIELDS; f++)
            if (!same(p->f[f], q->f[f])) {
                snprintf(what, sizeof what, "signal %s on %s: %s", kind, sym, chk_sig_field[f]);
                if ((rc = found(a, 1, what, ts, p->f[f], q->f[f], err)) != PR_OK) return rc;
            }
        if (strncmp(p->tag, q->tag, sizeof p->tag) != 0) {
            snprintf(what, sizeof what, "signal %s on %s: tag", kind, sym);
            if ((rc = found(a, 1, what, ts, NAN, NAN, err)) != PR_OK) return rc;
        }
    }
    return PR_OK;
}

/* The steps both runs have (the cut run's are the full run's up to the cut). */
static int compare(acc *a, const chk_rec *F, const chk_rec *T, pr_err *err) {
    size_t i = 0, j = 0;
    int rc;
    while (i < F->steps && j < T->steps) {
        if (F->now[i] < T->now[j]) i++;
        else if (F->now[i] > T->now[j]) j++;
        else {
            a->rep->steps++;
            if ((rc = compare_step(a, F, i++, T, j++, err)) != PR_OK) return rc;
        }
    }
    return PR_OK;
}

int pr_check_lookahead(const pr_backtest_config *cfg, const pr_check_runner *r, size_t n_cuts,
                       pr_lookahead_report *out, pr_err *err) {
    if (!cfg || !r || !r->strategy || !r->pipeline || !out || !cfg->n_markets || !cfg->markets)
        return pr_err_set(err, PR_EINVAL, "check: NULL argument");
    memset(out, 0, sizeof *out);
    if (n_cuts == 0) n_cuts = 20;
    const pr_series *b0 = cfg->markets[0].bars;
    int warm = cfg->trade_from != 0 && cfg->trade_from != PR_TIME_NONE;
    size_t lo = warm ? pr_series_lower_bound(b0, cfg->trade_from) : 0, hi = b0->len;
    if (hi < lo + 3) return pr_err_set(err, PR_EDATA, "check: %s has %zu bars to trade; at least 3 are needed", b0->symbol, hi - lo);
    if (n_cuts > hi - lo - 2) n_cuts = hi - lo - 2;
    size_t n = cfg->n_markets;
    pr_bt_market *mk = calloc(n, sizeof *mk);
    pr_series *bars = calloc(n, sizeof *bars), *fine = calloc(n, sizeof *fine);
    chk_rec full = {0}, cut = {0};
    acc a = {.rep = out};
    int rc = mk && bars && fine ? PR_OK : pr_err_set(err, PR_ENOMEM, "check: out of memory");
    if (rc == PR_OK) rc = chk_run(cfg, r, &full, err);
    if (rc == PR_OK) {
        out->n_indicators = full.n_ind;
        out->signals = full.n_sigs;
    }
    for (size_t k = 0; rc == PR_OK && k < n_cuts; k++) {
        /* evenly spread, nudged by a bar or two so that the cuts do not all
         * fall on the same phase of a higher timeframe */
        size_t c = lo + (k + 1) * (hi - lo) / (n_cuts + 1) + k % 3;
        if (c <= lo) c = lo + 1;
        if (c >= hi) c = hi - 1;
        int64_t t_end = b0->ts[c - 1] + (pr_tf_ms(b0->tf) > 0 ? pr_tf_ms(b0->tf) : 0);   /* bar c-1's close */
        for (size_t i = 0; i < n; i++) {
            const pr_bt_market *m = &cfg->markets[i];
            size_t keep = i == 0 && pr_tf_ms(b0->tf) <= 0 ? c : closed_by(m->bars, t_end);
            if ((rc = blank_copy(m->bars, keep, &bars[i], err)) != PR_OK) break;
            mk[i] = *m;
            mk[i].bars = &bars[i];
            if (mk[i].checked > keep) mk[i].checked = keep;
            if (m->fine) {
                fine[i] = *m->fine;
                fine[i].len = pr_series_lower_bound(m->fine, t_end);
                mk[i].fine = &fine[i];
            }
        }
        pr_backtest_config bc = *cfg;
        bc.markets = mk;
        a.cut = t_end;
        if (rc == PR_OK) rc = chk_run(&bc, r, &cut, err);
        if (rc == PR_OK) rc = compare(&a, &full, &cut, err);
        for (size_t i = 0; i < n; i++) {
            pr_series_free(&bars[i]);
            memset(&bars[i], 0, sizeof bars[i]);
        }
        out->n_cuts++;
    }
    chk_rec_free(&full);
    chk_rec_free(&cut);
    free(mk);
    free(bars);
    free(fine);
    if (rc != PR_OK) pr_lookahead_report_free(out);
    return rc;
}

void pr_lookahead_report_free(pr_lookahead_report *rep) {
    if (!rep) return;
    free(rep->findings);
    memset(rep, 0, sizeof *rep);
}
