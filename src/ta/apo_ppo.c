/* APO and PPO (absolute / percentage price oscillator), batch and streaming:
 * fast MA − slow MA, and (fast − slow)/slow·100 (0 when |slow| < 1e-14), with
 * SMA (TA-Lib 0.6.4's default) or EMA. Both MAs run from bar 0 in TA-Lib's
 * own operation order, so values match TA-Lib bit for bit. Batch and
 * streaming share the per-bar step. */
#include "overlap_internal.h"

struct pr_ta_po_impl {
    int ma_type, pct;
    pr_ta_xsma sf, ss;   /* SMA type */
    pr_ta_xema ef, es;   /* EMA type */
};

static int po_check(int fast, int slow, int ma_type) {
    return pr_ta_period_ok(fast, 2, PR_TA_PERIOD_MAX) && pr_ta_period_ok(slow, 2, PR_TA_PERIOD_MAX) &&
           (ma_type == PR_TA_MA_SMA || ma_type == PR_TA_MA_EMA);
}

static void po_release(struct pr_ta_po_impl *m) {
    if (m->ma_type == PR_TA_MA_SMA) {
        pr_ta_win_free(&m->sf.w);
        pr_ta_win_free(&m->ss.w);
    }
}

static int po_setup(struct pr_ta_po_impl *m, int fast, int slow, int ma_type, int pct) {
    if (fast > slow) {
        int t = fast;
        fast = slow;
        slow = t;
    }
    m->ma_type = ma_type;
    m->pct = pct;
    if (ma_type == PR_TA_MA_EMA) {
        pr_ta_xema_init(&m->ef, fast);
        pr_ta_xema_init(&m->es, slow);
        return PR_OK;
    }
    int r1 = pr_ta_xsma_init(&m->sf, fast), r2 = pr_ta_xsma_init(&m->ss, slow);
    if (r1 != PR_OK || r2 != PR_OK) {
        po_release(m);
        return PR_ENOMEM;
    }
    return PR_OK;
}

static inline double po_step(struct pr_ta_po_impl *m, double x) {
    double f, s;
    if (m->ma_type == PR_TA_MA_EMA) {
        int okf = pr_ta_xema_push(&m->ef, x), oks = pr_ta_xema_push(&m->es, x);
        if (!okf || !oks) return NAN;
        f = m->ef.value;
        s = m->es.value;
    } else {
        int okf = pr_ta_xsma_push(&m->sf, x), oks = pr_ta_xsma_push(&m->ss, x);
        if (!okf || !oks) return NAN;
        f = m->sf.value;
        s = m->ss.value;
    }
    if (!m->pct) return f - s;
    return !PR_TA_IS_ZERO(s) ? ((f - s) / s) * 100.0 : 0.0;
}

static int po_lookback(int fast, int slow, int ma_type, int *out) {
    if (!out || !po_check(fast, slow, ma_type)) return PR_EINVAL;
    *out = (fast > slow ? fast : slow) - 1;
    return PR_OK;
}

static int po_batch(size_t n, const double *in, int fast, int slow, int ma_type, int pct, double *out) {
    PR_TA_PROLOGUE(po_check(fast, slow, ma_type), n, in, out);
    struct pr_ta_po_impl m;
    if (po_setup(&m, fast, slow, ma_type, pct) != PR_OK) return PR_ENOMEM;
    for (size_t i = 0; i < n; i++) out[i] = po_step(&m, in[i]);
    po_release(&m);
    return PR_OK;
}

static int po_init(struct pr_ta_po_impl **out, int fast, int slow, int ma_type, int pct) {
    if (!out || !po_check(fast, slow, ma_type)) return PR_EINVAL;
    struct pr_ta_po_impl *m = malloc(sizeof *m);
    if (!m) return PR_ENOMEM;
    if (po_setup(m, fast, slow, ma_type, pct) != PR_OK) {
        free(m);
        return PR_ENOMEM;
    }
    *out = m;
    return PR_OK;
}

static void po_free(struct pr_ta_po_impl **m) {
    if (!*m) return;
    po_release(*m);
    free(*m);
    *m = NULL;
}

int pr_ta_apo_lookback(int fast, int slow, int ma_type, int *out) { return po_lookback(fast, slow, ma_type, out); }
int pr_ta_apo(size_t n, const double *in, int fast, int slow, int ma_type, double *out) {
    return po_batch(n, in, fast, slow, ma_type, 0, out);
}
int pr_ta_apo_init(pr_ta_apo_state *s, int fast, int slow, int ma_type) {
    return s ? po_init(&s->p, fast, slow, ma_type, 0) : PR_EINVAL;
}
int pr_ta_apo_update(pr_ta_apo_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = po_step(s->p, x);
    return PR_OK;
}
void pr_ta_apo_free(pr_ta_apo_state *s) {
    if (s) po_free(&s->p);
}

int pr_ta_ppo_lookback(int fast, int slow, int ma_type, int *out) { return po_lookback(fast, slow, ma_type, out); }
int pr_ta_ppo(size_t n, const double *in, int fast, int slow, int ma_type, double *out) {
    return po_batch(n, in, fast, slow, ma_type, 1, out);
}
int pr_ta_ppo_init(pr_ta_ppo_state *s, int fast, int slow, int ma_type) {
    return s ? po_init(&s->p, fast, slow, ma_type, 1) : PR_EINVAL;
}
int pr_ta_ppo_update(pr_ta_ppo_state *s, double x, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    *out = po_step(s->p, x);
    return PR_OK;
}
void pr_ta_ppo_free(pr_ta_ppo_state *s) {
    if (s) po_free(&s->p);
}
