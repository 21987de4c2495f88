/* Support/resistance levels for stop placement: confirmed swing points of a
 * recent window clustered within a tolerance (a fraction of ATR or of the
 * close), each level scored by touches and recency. Everything at bar t uses
 * bars 0..t only: swings enter when confirmed (right bars after the pivot). */
#include <string.h>
#include "extra_internal.h"

typedef struct swing_pt {
    size_t bar;     /* pivot bar               */
    int64_t ts;     /* its open time           */
    double price;
    int kind;       /* +1 swing high, -1 low   */
} swing_pt;

struct pr_ta_levels_impl {
    pr_ta_levels_cfg cfg;
    pr_ta_swings_state sw;
    pr_ta_atr_state atr;
    int64_t *ts_ring;       /* open times of the last right+1 bars            */
    size_t bars;            /* bars fed                                       */
    swing_pt *pts;          /* confirmed swings inside the window, by bar     */
    size_t npts, cap_pts;
    pr_ta_level *lv;        /* levels at the last bar, by price               */
    double *sum;            /* per level: sum of member prices (scratch)      */
    size_t nlv, cap_lv;
};

void pr_ta_levels_cfg_default(pr_ta_levels_cfg *c) {
    if (!c) return;
    c->left = 5;
    c->right = 5;
    c->window = 300;
    c->atr_period = 14;
    c->tol_atr = 0.5;
    c->tol_pct = 0.0;
    c->half_life = 100.0;
}

int pr_ta_levels_cfg_check(const pr_ta_levels_cfg *c, pr_err *err) {
    if (!c) return pr_err_set(err, PR_EINVAL, "levels: no configuration");
    const char *field = NULL;
    int lb;
    if (c->left < 1 || c->left > 1000) field = "left";
    else if (c->right < 0 || c->right > 1000) field = "right";
    else if (c->window < 1 || c->window > 100000) field = "window";
    else if (pr_ta_atr_lookback(c->atr_period, &lb) != PR_OK) field = "atr_period";
    else if (!(c->tol_atr >= 0.0 && c->tol_atr <= 100.0)) field = "tol_atr";
    else if (!(c->tol_pct >= 0.0 && c->tol_pct <= 1.0)) field = "tol_pct";
    else if (!(c->half_life >= 1.0 && c->half_life <= 1e6)) field = "half_life";
    if (!field) return PR_OK;
    pr_err_set(err, PR_EINVAL,
               "levels: %s out of range (left 1..1000, right 0..1000, window 1..100000, "
               "atr_period as ATR, tol_atr 0..100, tol_pct 0..1, half_life 1..1e6)", field);
    pr_err_at(err, NULL, 0, 0, field);
    return PR_EINVAL;
}

/* A table parameter as an int; one no int holds becomes -1, which
 * pr_ta_levels_cfg_check rejects (never an out-of-range conversion). */
static int cfg_int(double v) { return (v >= -1e9 && v <= 1e9) ? (int)v : -1; }

void pr_ta_levels_cfg_of(const double *p, pr_ta_levels_cfg *c) {
    c->left = cfg_int(p[0]);
    c->right = cfg_int(p[1]);
    c->window = cfg_int(p[2]);
    c->atr_period = cfg_int(p[3]);
    c->tol_atr = p[4];
    c->tol_pct = p[5];
    c->half_life = p[6];
}

int pr_ta_levels_lookback(const pr_ta_levels_cfg *cfg, int *out) {
    if (!out || pr_ta_levels_cfg_check(cfg, NULL) != PR_OK) return PR_EINVAL;
    int sw = cfg->left + cfg->right, atr;
    pr_ta_atr_lookback(cfg->atr_period, &atr);
    *out = (cfg->tol_pct > 0.0 || atr < sw) ? sw : atr;
    return PR_OK;
}

void pr_ta_levels_free(pr_ta_levels_state *s) {
    if (!s || !s->p) return;
    pr_ta_swings_free(&s->p->sw);
    pr_ta_atr_free(&s->p->atr);
    free(s->p->ts_ring);
    free(s->p->pts);
    free(s->p->lv);
    free(s->p->sum);
    free(s->p);
    s->p = NULL;
}

int pr_ta_levels_init(pr_ta_levels_state *s, const pr_ta_levels_cfg *cfg) {
    if (!s || pr_ta_levels_cfg_check(cfg, NULL) != PR_OK) return PR_EINVAL;
    s->p = (struct pr_ta_levels_impl *)calloc(1, sizeof *s->p);
    if (!s->p) return PR_ENOMEM;
    struct pr_ta_levels_impl *p = s->p;
    p->cfg = *cfg;
    int rc = pr_ta_swings_init(&p->sw, cfg->left, cfg->right);
    if (rc != PR_OK) {
        free(p);
        s->p = NULL;
        return rc;
    }
    rc = pr_ta_atr_init(&p->atr, cfg->atr_period);
    if (rc != PR_OK) {
        pr_ta_swings_free(&p->sw);
        free(p);
        s->p = NULL;
        return rc;
    }
    p->ts_ring = (int64_t *)calloc((size_t)cfg->right + 1, sizeof(int64_t));
    if (!p->ts_ring) {
        pr_ta_levels_free(s);
        return PR_ENOMEM;
    }
    return PR_OK;
}

static int add_point(struct pr_ta_levels_impl *p, size_t bar, int64_t ts, double price, int kind) {
    if (p->npts == p->cap_pts) {
        size_t cap = p->cap_pts ? 2 * p->cap_pts : 16;
        swing_pt *np = (swing_pt *)realloc(p->pts, cap * sizeof *np);
        if (!np) return PR_ENOMEM;
        p->pts = np;
        p->cap_pts = cap;
    }
    p->pts[p->npts++] = (swing_pt){bar, ts, price, kind};
    return PR_OK;
}

/* Greedy clustering of the window's points in pivot-bar order; then scores
 * and sorts the levels by price (stable, so equal prices keep age order). */
static int cluster(struct pr_ta_levels_impl *p, size_t t, double tol) {
    p->nlv = 0;
    if (isnan(tol)) return PR_OK;
    if (p->cap_lv < p->npts) {
        size_t cap = p->npts;
        pr_ta_level *nl = (pr_ta_level *)realloc(p->lv, cap * sizeof *nl);
        if (!nl) return PR_ENOMEM;
        p->lv = nl;
        double *ns = (double *)realloc(p->sum, cap * sizeof *ns);
        if (!ns) return PR_ENOMEM;
        p->sum = ns;
        p->cap_lv = cap;
    }
    for (size_t i = 0; i < p->npts; i++) {
        const swing_pt *pt = &p->pts[i];
        size_t best = p->nlv;
        double best_d = 0.0;
        for (size_t k = 0; k < p->nlv; k++) {
            double d = fabs(p->lv[k].price - pt->price);
            if (d <= tol && (best == p->nlv || d < best_d)) {
                best = k;
                best_d = d;
            }
        }
        if (best == p->nlv) {
            pr_ta_level *L = &p->lv[p->nlv];
            memset(L, 0, sizeof *L);
            L->lo = L->hi = pt->price;
            p->sum[p->nlv] = 0.0;
            p->nlv++;
        }
        pr_ta_level *L = &p->lv[best];
        p->sum[best] += pt->price;
        L->touches++;
        L->price = p->sum[best] / (double)L->touches;
        if (pt->price < L->lo) L->lo = pt->price;
        if (pt->price > L->hi) L->hi = pt->price;
        if (pt->kind > 0) L->highs++;
        else L->lows++;
        L->last_touch_bar = pt->bar;
        L->last_touch_ts = pt->ts;
    }
    for (size_t k = 0; k < p->nlv; k++) {
        pr_ta_level *L = &p->lv[k];
        double age = (double)(t - L->last_touch_bar);
        L->strength = (1.0 - pow(0.5, (double)L->touches)) * pow(0.5, age / p->cfg.half_life);
    }
    for (size_t k = 1; k < p->nlv; k++) { /* insertion sort: few levels, stable */
        pr_ta_level x = p->lv[k];
        size_t j = k;
        while (j > 0 && p->lv[j - 1].price > x.price) {
            p->lv[j] = p->lv[j - 1];
            j--;
        }
        p->lv[j] = x;
    }
    return PR_OK;
}

int pr_ta_levels_update(pr_ta_levels_state *s, int64_t ts, double high, double low, double close,
                        double *out) {
    if (!s || !s->p) return PR_EINVAL;
    struct pr_ta_levels_impl *p = s->p;
    const pr_ta_levels_cfg *c = &p->cfg;
    size_t t = p->bars++;
    size_t ring = (size_t)c->right + 1;
    p->ts_ring[t % ring] = ts;

    double sh, sl, atr;
    int rc = pr_ta_swings_update(&p->sw, high, low, &sh, &sl);
    if (rc == PR_OK) rc = pr_ta_atr_update(&p->atr, high, low, close, &atr);
    if (rc != PR_OK) return rc;
    if (!isnan(sh) || !isnan(sl)) {
        size_t bar = t - (size_t)c->right;
        int64_t bts = p->ts_ring[bar % ring];
        if (!isnan(sh) && (rc = add_point(p, bar, bts, sh, +1)) != PR_OK) return rc;
        if (!isnan(sl) && (rc = add_point(p, bar, bts, sl, -1)) != PR_OK) return rc;
    }
    /* Drop points whose pivot bar left the window (bar <= t - window). */
    size_t keep = 0;
    while (keep < p->npts && p->pts[keep].bar + (size_t)c->window <= t) keep++;
    if (keep) {
        memmove(p->pts, p->pts + keep, (p->npts - keep) * sizeof *p->pts);
        p->npts -= keep;
    }
    double tol = c->tol_pct > 0.0 ? c->tol_pct * close : c->tol_atr * atr;
    if ((rc = cluster(p, t, tol)) != PR_OK) return rc;

    if (out) {
        double sup = NAN, sup_s = NAN, res = NAN, res_s = NAN;
        for (size_t k = 0; k < p->nlv; k++) {
            const pr_ta_level *L = &p->lv[k];
            if (L->price <= close) {
                sup = L->price; /* sorted ascending: the last one below wins */
                sup_s = L->strength;
            } else if (L->price > close && isnan(res)) {
                res = L->price;
                res_s = L->strength;
            }
        }
        out[0] = sup;
        out[1] = sup_s;
        out[2] = res;
        out[3] = res_s;
    }
    return PR_OK;
}

int pr_ta_levels_get(const pr_ta_levels_state *s, pr_ta_level *out, size_t cap, size_t *count) {
    if (!s || !s->p || !count || (cap && !out)) return PR_EINVAL;
    size_t m = s->p->nlv < cap ? s->p->nlv : cap;
    if (m) memcpy(out, s->p->lv, m * sizeof *out);
    *count = s->p->nlv;
    return PR_OK;
}

int pr_ta_levels_at(size_t n, const int64_t *ts, const double *high, const double *low,
                    const double *close, size_t t, const pr_ta_levels_cfg *cfg,
                    pr_ta_level *out, size_t cap, size_t *count) {
    if (pr_ta_levels_cfg_check(cfg, NULL) != PR_OK) return PR_EINVAL;
    if (t >= n || !high || !low || !close || !count || (cap && !out)) return PR_EINVAL;
    pr_ta_levels_state s;
    int rc = pr_ta_levels_init(&s, cfg);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i <= t && rc == PR_OK; i++)
        rc = pr_ta_levels_update(&s, ts ? ts[i] : PR_TIME_NONE, high[i], low[i], close[i], NULL);
    if (rc == PR_OK) rc = pr_ta_levels_get(&s, out, cap, count);
    pr_ta_levels_free(&s);
    return rc;
}

int pr_ta_levels(size_t n, const double *high, const double *low, const double *close,
                 const pr_ta_levels_cfg *cfg, double *support, double *support_strength,
                 double *resistance, double *resistance_strength) {
    PR_TA_PROLOGUE(pr_ta_levels_cfg_check(cfg, NULL) == PR_OK, n, high, low, close, support, support_strength,
                   resistance, resistance_strength);
    pr_ta_levels_state s;
    int rc = pr_ta_levels_init(&s, cfg);
    if (rc != PR_OK) return rc;
    for (size_t i = 0; i < n && rc == PR_OK; i++) {
        double row[4] = {NAN, NAN, NAN, NAN};
        rc = pr_ta_levels_update(&s, PR_TIME_NONE, high[i], low[i], close[i], row);
        support[i] = row[0];
        support_strength[i] = row[1];
        resistance[i] = row[2];
        resistance_strength[i] = row[3];
    }
    pr_ta_levels_free(&s);
    return rc;
}
