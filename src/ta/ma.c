/* MA: TA-Lib's moving average of any type (ma_internal.h: the dispatcher
 * shared with MACDEXT and MAVP), batch and streaming through the same
 * per-bar push, so the two agree bit for bit, and every type equals
 * TA-Lib's TA_MA bit for bit (SMA and EMA in TA-Lib's operation order). */
#include "ma_internal.h"

int pr_ta_ma_any_ok(int type, int period) {
    return type >= 0 && type <= PR_TA_MATYPE_MAX && pr_ta_period_ok(period, 1, PR_TA_PERIOD_MAX);
}

int pr_ta_ma_any_lookback(int type, int period, int *out) {
    if (!out || !pr_ta_ma_any_ok(type, period)) return PR_EINVAL;
    if (period == 1) {
        *out = 0;
        return PR_OK;
    }
    switch (type) {
    case 0: *out = period - 1; return PR_OK;
    case 1: *out = period - 1; return PR_OK;
    case 2: return pr_ta_wma_lookback(period, out);
    case 3: return pr_ta_dema_lookback(period, out);
    case 4: return pr_ta_tema_lookback(period, out);
    case 5: return pr_ta_trima_lookback(period, out);
    case 6: return pr_ta_kama_lookback(period, out);
    case 7: return pr_ta_mama_lookback(0.5, 0.05, out);
    default: return pr_ta_t3_lookback(period, 0.7, out);
    }
}

int pr_ta_ma_any_init(pr_ta_ma_any *m, int type, int period, size_t bar0) {
    if (!m || !pr_ta_ma_any_ok(type, period)) return PR_EINVAL;
    memset(m, 0, sizeof *m);
    m->type = type;
    m->period = period;
    if (period == 1) return PR_OK;
    switch (type) {
    case 0: return pr_ta_xsma_init(&m->u.sma, period);
    case 1: pr_ta_xema_init(&m->u.ema, period); return PR_OK;
    case 2: return pr_ta_wma_init(&m->u.wma, period);
    case 3: return pr_ta_dema_init(&m->u.dema, period);
    case 4: return pr_ta_tema_init(&m->u.tema, period);
    case 5: return pr_ta_trima_init(&m->u.trima, period);
    case 6: return pr_ta_kama_init(&m->u.kama, period);
    case 7: return pr_ta_mama_init_at(&m->u.mama, 0.5, 0.05, bar0);
    default: return pr_ta_t3_init(&m->u.t3, period, 0.7);
    }
}

double pr_ta_ma_any_push(pr_ta_ma_any *m, double x) {
    double v = NAN, dummy;
    if (m->period == 1) return x;
    switch (m->type) {
    case 0: return pr_ta_xsma_push(&m->u.sma, x) ? m->u.sma.value : NAN;
    case 1: return pr_ta_xema_push(&m->u.ema, x) ? m->u.ema.value : NAN;
    case 2: pr_ta_wma_update(&m->u.wma, x, &v); break;
    case 3: pr_ta_dema_update(&m->u.dema, x, &v); break;
    case 4: pr_ta_tema_update(&m->u.tema, x, &v); break;
    case 5: pr_ta_trima_update(&m->u.trima, x, &v); break;
    case 6: pr_ta_kama_update(&m->u.kama, x, &v); break;
    case 7: pr_ta_mama_update(&m->u.mama, x, &v, &dummy); break;
    default: pr_ta_t3_update(&m->u.t3, x, &v); break;
    }
    return v;
}

void pr_ta_ma_any_free(pr_ta_ma_any *m) {
    if (!m || m->period == 1) return;
    switch (m->type) {
    case 0: pr_ta_win_free(&m->u.sma.w); break;
    case 1: break;
    case 2: pr_ta_wma_free(&m->u.wma); break;
    case 3: pr_ta_dema_free(&m->u.dema); break;
    case 4: pr_ta_tema_free(&m->u.tema); break;
    case 5: pr_ta_trima_free(&m->u.trima); break;
    case 6: pr_ta_kama_free(&m->u.kama); break;
    case 7: pr_ta_mama_free(&m->u.mama); break;
    default: pr_ta_t3_free(&m->u.t3); break;
    }
}

int pr_ta_ma_lookback(int period, int matype, int *out) { return pr_ta_ma_any_lookback(matype, period, out); }

/* Batch: SMA and EMA as straight loops with the same operations as
 * pr_ta_xsma / pr_ta_xema (so the same values as the streaming push),
 * every other type through the push. */
int pr_ta_ma_any_batch(size_t n, const double *in, int type, int period, size_t bar0, double *out) {
    if (period > 1 && (type == 0 || type == 1)) {
        size_t p = (size_t)period;
        pr_ta_fill_nan(out, n < p - 1 ? n : p - 1);
        if (n < p) return PR_OK;
        double sum = 0.0;
        for (size_t i = 0; i + 1 < p; i++) sum += in[i];
        if (type == 0) {
            for (size_t t = p - 1; t < n; t++) {
                sum += in[t];
                double v = sum;
                sum -= in[t + 1 - p];
                out[t] = v / period;
            }
        } else {
            double k = pr_ta_per_to_k(period), e = (sum + in[p - 1]) / period;
            out[p - 1] = e;
            for (size_t t = p; t < n; t++) out[t] = e = pr_ta_ema_step(e, in[t], k);
        }
        return PR_OK;
    }
    /* The other types' batch forms equal their streaming forms bit for
     * bit (every indicator's contract); MAMA's only from an even bar0. */
    if (period > 1 && type >= 2 && type != 7) {
        switch (type) {
        case 2: return pr_ta_wma(n, in, period, out);
        case 3: return pr_ta_dema(n, in, period, out);
        case 4: return pr_ta_tema(n, in, period, out);
        case 5: return pr_ta_trima(n, in, period, out);
        case 6: return pr_ta_kama(n, in, period, out);
        default: return pr_ta_t3(n, in, period, 0.7, out);
        }
    }
    pr_ta_ma_any m;
    int rc = pr_ta_ma_any_init(&m, type, period, bar0);
    if (rc != PR_OK) return rc;
    for (size_t t = 0; t < n; t++) out[t] = pr_ta_ma_any_push(&m, in[t]);
    pr_ta_ma_any_free(&m);
    return PR_OK;
}

int pr_ta_ma(size_t n, const double *in, int period, int matype, double *out) {
    PR_TA_PROLOGUE(pr_ta_ma_any_ok(matype, period), n, in, out);
    return pr_ta_ma_any_batch(n, in, matype, period, 0, out);
}

struct pr_ta_ma_impl { pr_ta_ma_any m; };

int pr_ta_ma_init(pr_ta_ma_state *s, int period, int matype) {
    if (!s || !pr_ta_ma_any_ok(matype, period)) return PR_EINVAL;
    struct pr_ta_ma_impl *p = malloc(sizeof *p);
    if (!p) return PR_ENOMEM;
    int rc = pr_ta_ma_any_init(&p->m, matype, period, 0);
    if (rc != PR_OK) {
        free(p);
        return rc;
    }
    s->p = p;
    return PR_OK;
}

int pr_ta_ma_update(pr_ta_ma_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = pr_ta_ma_any_push(&s->p->m, x);
    return PR_OK;
}

void pr_ta_ma_free(pr_ta_ma_state *s) {
    if (!s) return;
    if (s->p) pr_ta_ma_any_free(&s->p->m);
    free(s->p);
    s->p = NULL;
}
