/* AROON and AROONOSC, batch and streaming.
 *
 * The window is the current bar and the p bars before it. TA-Lib tracks the
 * index of the highest high / lowest low and keeps the most recent one on
 * ties; a monotonic deque (which pops entries <= / >= the new value) yields
 * exactly that index, in both forms. up = factor*(p - (t - idxHigh)), down
 * likewise, AROONOSC = factor*(idxHigh - idxLow), factor = 100/p, with the
 * integer parts converted to double as TA-Lib does. NaN inside the window
 * gives NaN. */
#include "momentum_internal.h"

typedef struct aroon_core {
    int p;
    double factor;
    int64_t t, last_nan;
    pr_mo_deque dmax, dmin;
} aroon_core;

static int aroon_core_init(aroon_core *c, int p) {
    memset(c, 0, sizeof *c);
    c->p = p;
    c->factor = (double)100.0 / (double)p;
    c->last_nan = -2 - (int64_t)p;
    int rc = pr_mo_deque_init(&c->dmax, (size_t)p + 1);
    if (rc == PR_OK) rc = pr_mo_deque_init(&c->dmin, (size_t)p + 1);
    if (rc != PR_OK) {
        pr_mo_deque_free(&c->dmax);
        pr_mo_deque_free(&c->dmin);
    }
    return rc;
}

static void aroon_core_free(aroon_core *c) {
    pr_mo_deque_free(&c->dmax);
    pr_mo_deque_free(&c->dmin);
}

/* Returns 1 with the outputs set once the window is full. */
static int aroon_core_step(aroon_core *c, double h, double l, double *down, double *up,
                           double *osc) {
    int64_t t = c->t++;
    int64_t w = (int64_t)c->p + 1;
    if (h != h || l != l) c->last_nan = t;
    pr_mo_deque_push(&c->dmax, t, h, w, +1);
    pr_mo_deque_push(&c->dmin, t, l, w, -1);
    if (t < c->p) return 0;
    if (t - c->last_nan < w) {
        *down = *up = *osc = NAN;
        return 1;
    }
    int64_t ih = c->dmax.idx[c->dmax.head], il = c->dmin.idx[c->dmin.head];
    int p = c->p;
    *up = c->factor * (p - (int)(t - ih));
    *down = c->factor * (p - (int)(t - il));
    *osc = c->factor * (int)(ih - il);
    return 1;
}

static int aroon_run(size_t n, const double *high, const double *low, int period, double *down,
                     double *up, double *osc) {
    aroon_core c;
    int rc = aroon_core_init(&c, period);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n; i++) {
        double d, u, o;
        if (!aroon_core_step(&c, high[i], low[i], &d, &u, &o)) d = u = o = NAN;
        if (down) down[i] = d;
        if (up) up[i] = u;
        if (osc) osc[i] = o;
    }
    aroon_core_free(&c);
    return PR_OK;
}

int pr_ta_aroon_lookback(int period, int *out) {
    if (!out || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    *out = period;
    return PR_OK;
}

int pr_ta_aroon(size_t n, const double *high, const double *low, int period, double *out_down,
                double *out_up) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, out_down, out_up);
    return aroon_run(n, high, low, period, out_down, out_up, NULL);
}

struct pr_ta_aroon_impl { aroon_core c; };

int pr_ta_aroon_init(pr_ta_aroon_state *s, int period) {
    if (!s || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = aroon_core_init(&s->p->c, period);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
    }
    return rc;
}

int pr_ta_aroon_update(pr_ta_aroon_state *s, double high, double low, double *out_down,
                       double *out_up) {
    if (!s || !s->p || !out_down || !out_up) return PR_EINVAL;
    double o;
    if (!aroon_core_step(&s->p->c, high, low, out_down, out_up, &o)) *out_down = *out_up = NAN;
    return PR_OK;
}

void pr_ta_aroon_free(pr_ta_aroon_state *s) {
    if (!s || !s->p) return;
    aroon_core_free(&s->p->c);
    free(s->p);
    s->p = NULL;
}

int pr_ta_aroonosc_lookback(int period, int *out) { return pr_ta_aroon_lookback(period, out); }

int pr_ta_aroonosc(size_t n, const double *high, const double *low, int period, double *out) {
    PR_TA_PROLOGUE(pr_mo_period_ok(period, 2), n, high, low, out);
    return aroon_run(n, high, low, period, NULL, NULL, out);
}

struct pr_ta_aroonosc_impl { aroon_core c; };

int pr_ta_aroonosc_init(pr_ta_aroonosc_state *s, int period) {
    if (!s || !pr_mo_period_ok(period, 2)) return PR_EINVAL;
    s->p = malloc(sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    int rc = aroon_core_init(&s->p->c, period);
    if (rc != PR_OK) {
        free(s->p);
        s->p = NULL;
    }
    return rc;
}

int pr_ta_aroonosc_update(pr_ta_aroonosc_state *s, double high, double low, double *out) {
    if (!s || !s->p || !out) return PR_EINVAL;
    double d, u;
    if (!aroon_core_step(&s->p->c, high, low, &d, &u, out)) *out = NAN;
    return PR_OK;
}

void pr_ta_aroonosc_free(pr_ta_aroonosc_state *s) {
    if (!s || !s->p) return;
    aroon_core_free(&s->p->c);
    free(s->p);
    s->p = NULL;
}
