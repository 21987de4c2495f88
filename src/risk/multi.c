/* The "portfolio" composite strategy (risk/multi.h): sleeves of built-in
 * strategies on disjoint instruments, each sleeve's entries scaled by the
 * weight of the regime in force, positions of a sleeve whose weight falls
 * to 0 closed at the switch. Each sleeve runs on the whole view (so its
 * state is what it would be alone) and only its own instruments' signals
 * pass; with disjoint instruments what it holds there is exactly its own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proratio/risk/multi.h"

/* ---- configuration ------------------------------------------------------------------- */
static int sleeve_read(const pr_config *cfg, const char *base, size_t i, pr_multi_sleeve *sl, pr_err *err) {
    static const char *const keys[] = {"strategy", "params", "markets", NULL};
    char p[160], k[192];
    snprintf(p, sizeof p, "%s.sleeves.%zu", base, i);
    int rc = pr_config_check_keys(cfg, p, keys, err);
    if (rc != PR_OK) return rc;
    if (!pr_config_has(cfg, pr_config_key(k, sizeof k, p, "strategy")))
        return pr_err_set(err, PR_EINVAL, "%s: a sleeve needs a strategy", k);
    if ((rc = pr_config_string(cfg, k, "", sl->strategy, sizeof sl->strategy, err)) != PR_OK) return rc;
    if (!pr_strategy_info_find(sl->strategy))
        return pr_err_set(err, PR_EINVAL, "%s: '%s' is not a built-in strategy (a portfolio holds no portfolio)", k,
                          sl->strategy);
    if ((rc = pr_config_array_len(cfg, pr_config_key(k, sizeof k, p, "markets"), &sl->n_markets, err)) != PR_OK)
        return rc;
    if (sl->n_markets == 0 || sl->n_markets > PR_MULTI_MAX_MARKETS)
        return pr_err_set(err, PR_EINVAL, "%s: expected a list of 1 to %d instrument symbols", k,
                          PR_MULTI_MAX_MARKETS);
    for (size_t j = 0; j < sl->n_markets; j++) {
        char kj[224];
        snprintf(kj, sizeof kj, "%s.%zu", k, j);
        if ((rc = pr_config_string(cfg, kj, "", sl->markets[j], sizeof sl->markets[j], err)) != PR_OK) return rc;
        if (!sl->markets[j][0]) return pr_err_set(err, PR_EINVAL, "%s: expected an instrument symbol", kj);
    }
    return PR_OK;
}

/* One row of the allocation table: n weights in [0, 1]. */
static int row_read(const pr_config *cfg, const char *k, size_t n, double *w, pr_err *err) {
    size_t len = 0;
    int rc = pr_config_array_len(cfg, k, &len, err);
    if (rc != PR_OK) return rc;
    if (len != n) return pr_err_set(err, PR_EINVAL, "%s: expected %zu weights (one per sleeve), got %zu", k, n, len);
    for (size_t i = 0; i < n; i++) {
        char ki[224];
        snprintf(ki, sizeof ki, "%s.%zu", k, i);
        if ((rc = pr_config_number(cfg, ki, 0, 0, 1, 0, &w[i], err)) != PR_OK) return rc;
        if (!pr_config_has(cfg, ki)) return pr_err_set(err, PR_EINVAL, "%s: expected a weight in [0,1]", ki);
    }
    return PR_OK;
}

int pr_multi_config_read(const pr_config *cfg, const char *path, pr_multi_config *out, pr_err *err) {
    /* regime_llm: the LLM regime's providers, read by whoever installs
     * pr_multi_set_regime_llm (the CLI). */
    static const char *const keys[] = {"sleeves", "regime_market", "regime", "confirm_bars", "allocation",
                                       "regime_llm", NULL};
    if (!out || !path) return pr_err_set(err, PR_EINVAL, "portfolio: NULL argument");
    memset(out, 0, sizeof *out);
    pr_strlcpy(out->path, path, sizeof out->path);
    int rc = pr_config_check_keys(cfg, path, keys, err);
    if (rc != PR_OK) return rc;
    char k[160];
    if ((rc = pr_config_array_len(cfg, pr_config_key(k, sizeof k, path, "sleeves"), &out->n_sleeves, err)) != PR_OK)
        return rc;
    if (out->n_sleeves == 0 || out->n_sleeves > PR_MULTI_MAX_SLEEVES)
        return pr_err_set(err, PR_EINVAL, "%s: expected a list of 1 to %d sleeves", k, PR_MULTI_MAX_SLEEVES);
    for (size_t i = 0; i < out->n_sleeves; i++)
        if ((rc = sleeve_read(cfg, path, i, &out->sleeves[i], err)) != PR_OK) return rc;
    if ((rc = pr_config_string(cfg, pr_config_key(k, sizeof k, path, "regime_market"), "", out->regime_market,
                               sizeof out->regime_market, err)) != PR_OK)
        return rc;
    if ((rc = pr_params_read(&pr_risk_regime_info, cfg, pr_config_key(k, sizeof k, path, "regime"), &out->regime,
                             err)) != PR_OK)
        return rc;
    long cb = 1;
    if ((rc = pr_config_int(cfg, pr_config_key(k, sizeof k, path, "confirm_bars"), 1, 1, 10000, &cb, err)) != PR_OK)
        return rc;
    out->confirm_bars = (int)cb;
    /* allocation: "default" (all 1 when absent) and one optional row per regime. */
    const char *rows[PR_RISK_REGIME_COUNT + 2];
    rows[0] = "default";
    for (int r = 0; r < PR_RISK_REGIME_COUNT; r++) rows[r + 1] = pr_risk_regime_names[r];
    rows[PR_RISK_REGIME_COUNT + 1] = NULL;
    char ka[160];
    pr_config_key(ka, sizeof ka, path, "allocation");
    if ((rc = pr_config_check_keys(cfg, ka, rows, err)) != PR_OK) return rc;
    for (size_t i = 0; i < out->n_sleeves; i++) out->weight_default[i] = 1;
    if (pr_config_has(cfg, pr_config_key(k, sizeof k, ka, "default")) &&
        (rc = row_read(cfg, k, out->n_sleeves, out->weight_default, err)) != PR_OK)
        return rc;
    int any = 0;
    for (int r = 0; r < PR_RISK_REGIME_COUNT; r++) {
        if (!pr_config_has(cfg, pr_config_key(k, sizeof k, ka, pr_risk_regime_names[r]))) continue;
        if ((rc = row_read(cfg, k, out->n_sleeves, out->weight[r], err)) != PR_OK) return rc;
        out->has_row[r] = any = 1;
    }
    if (any && !out->regime_market[0])
        return pr_err_set(err, PR_EINVAL, "%s.regime_market: the allocation has regime rows, name the market whose "
                          "regime picks them", path);
    return PR_OK;
}

const double *pr_multi_weights(const pr_multi_config *c, pr_risk_regime r) {
    return r >= 0 && r < PR_RISK_REGIME_COUNT && c->has_row[r] ? c->weight[r] : c->weight_default;
}

/* ---- the strategy -------------------------------------------------------------------- */
#define SUB_SIGNALS 64

typedef struct multi {
    pr_strategy base;
    pr_multi_config c;
    pr_strategy *sub[PR_MULTI_MAX_SLEEVES];
    int *owner;                        /* per view instrument: sleeve or -1     */
    size_t n_inst;
    int reg_inst;                      /* the regime market, -1: none           */
    int h_adx, h_ema, h_atr, have_refs;
    pr_view_ind_ref r_adx, r_ema, r_atr;
    double *logc;                      /* hurst_window log closes               */
    pr_regime_filter filt;             /* confirm_bars hysteresis               */
    const double *w;                   /* the weights in force                  */
    pr_multi_stats st;
    pr_signal buf[SUB_SIGNALS];
    pr_multi_regime_llm llm;           /* the LLM regime verdict, NULL: none    */
    void *llm_ctx;
} multi;

static void m_destroy(pr_strategy *s) {
    multi *m = (multi *)s;
    for (size_t i = 0; i < m->c.n_sleeves; i++) pr_strategy_free(m->sub[i]);
    free(m->owner);
    free(m->logc);
    free(m);
}

static size_t m_describe(const pr_strategy *s, char *buf, size_t cap) {
    const multi *m = (const multi *)s;
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->c.n_sleeves && pos < cap; i++) {
        const pr_multi_sleeve *sl = &m->c.sleeves[i];
        int n = snprintf(buf + pos, cap - pos, "%s%s[", i ? " " : "", sl->strategy);
        if (n < 0 || (size_t)n >= cap - pos) return cap - 1;
        pos += (size_t)n;
        for (size_t j = 0; j < sl->n_markets && pos < cap; j++) {
            n = snprintf(buf + pos, cap - pos, "%s%s", j ? "," : "", sl->markets[j]);
            if (n < 0 || (size_t)n >= cap - pos) return cap - 1;
            pos += (size_t)n;
        }
        n = snprintf(buf + pos, cap - pos, "]");
        if (n < 0 || (size_t)n >= cap - pos) return cap - 1;
        pos += (size_t)n;
    }
    if (m->c.regime_market[0] && pos < cap) {
        int n = snprintf(buf + pos, cap - pos, " regime=%s", m->c.regime_market);
        pos = n < 0 ? pos : (size_t)n >= cap - pos ? cap - 1 : pos + (size_t)n;
    }
    return pos;
}

static int find_inst(const pr_market_view *v, const char *sym) {
    size_t n = pr_view_n_instruments(v);
    for (size_t i = 0; i < n; i++)
        if (strcmp(pr_view_instrument(v, (int)i)->symbol, sym) == 0) return (int)i;
    return -1;
}

static int m_init(pr_strategy *s, pr_market_view *v, pr_err *err) {
    multi *m = (multi *)s;
    free(m->owner);
    m->n_inst = pr_view_n_instruments(v);
    m->owner = malloc((m->n_inst ? m->n_inst : 1) * sizeof *m->owner);
    if (!m->owner) return pr_err_set(err, PR_ENOMEM, "portfolio: out of memory");
    for (size_t i = 0; i < m->n_inst; i++) m->owner[i] = -1;
    for (size_t i = 0; i < m->c.n_sleeves; i++) {
        const pr_multi_sleeve *sl = &m->c.sleeves[i];
        for (size_t j = 0; j < sl->n_markets; j++) {
            int ii = find_inst(v, sl->markets[j]);
            if (ii < 0)
                return pr_err_set(err, PR_EINVAL, "%s.sleeves.%zu.markets.%zu: '%s' is not an instrument of this run",
                                  m->c.path, i, j, sl->markets[j]);
            if (m->owner[ii] >= 0)
                return pr_err_set(err, PR_EINVAL, "%s.sleeves.%zu.markets.%zu: '%s' already belongs to sleeve %d; "
                                  "sleeves must not share instruments (each sleeve's position must be its own)",
                                  m->c.path, i, j, sl->markets[j], m->owner[ii]);
            m->owner[ii] = (int)i;
        }
    }
    for (size_t i = 0; i < m->c.n_sleeves; i++) {
        int rc = m->sub[i]->vt->init(m->sub[i], v, err);
        if (rc != PR_OK) return rc;
    }
    m->reg_inst = -1;
    if (m->c.regime_market[0]) {
        m->reg_inst = find_inst(v, m->c.regime_market);
        if (m->reg_inst < 0)
            return pr_err_set(err, PR_EINVAL, "%s.regime_market: '%s' is not an instrument of this run", m->c.path,
                              m->c.regime_market);
        const pr_regime_params *p = &m->c.regime;
        double pa = p->adx_period, pe = p->ema_period, pt = p->atr_period;
        int rc;
        if ((rc = pr_view_require_indicator(v, m->reg_inst, PR_TF_NONE, "adx", &pa, 1, 0, NULL, &m->h_adx, err)) ||
            (rc = pr_view_require_indicator(v, m->reg_inst, PR_TF_NONE, "ema", &pe, 1, 0, "close", &m->h_ema, err)) ||
            (rc = pr_view_require_indicator(v, m->reg_inst, PR_TF_NONE, "atr", &pt, 1, 0, NULL, &m->h_atr, err)))
            return rc;
        pr_view_require_warmup(v, pr_regime_lookback(p) + 1);
        free(m->logc);
        m->logc = malloc((p->hurst_window > 0 ? (size_t)p->hurst_window : 1) * sizeof *m->logc);
        if (!m->logc) return pr_err_set(err, PR_ENOMEM, "portfolio: out of memory");
    }
    m->have_refs = 0;
    m->st = (pr_multi_stats){.regime = PR_RISK_REGIME_NONE};
    pr_regime_filter_init(&m->filt, m->c.confirm_bars);
    m->w = pr_multi_weights(&m->c, PR_RISK_REGIME_NONE);
    return PR_OK;
}

/* The regime market's regime at this step (its bars up to now only). */
static int step_regime(multi *m, const pr_market_view *v, pr_risk_regime *out, pr_err *err) {
    if (!m->have_refs) {
        int rc;
        if ((rc = pr_view_ind_ref_get(v, m->h_adx, &m->r_adx)) || (rc = pr_view_ind_ref_get(v, m->h_ema, &m->r_ema)) ||
            (rc = pr_view_ind_ref_get(v, m->h_atr, &m->r_atr)))
            return pr_err_set(err, rc, "portfolio: the regime's indicators are not ready");
        m->have_refs = 1;
    }
    size_t len = *m->r_adx.len;
    *out = PR_RISK_REGIME_NONE;
    if (len == 0 || *m->r_ema.len != len || *m->r_atr.len != len) return PR_OK;
    const pr_regime_params *p = &m->c.regime;
    const double *logc = NULL;
    size_t hw = (size_t)p->hurst_window;
    if (hw > 0 && len >= hw) {
        for (size_t j = 0; j < hw; j++) m->logc[hw - 1 - j] = log(pr_view_close(v, m->reg_inst, j));
        logc = m->logc;
    }
    pr_regime_inputs in;
    pr_regime_inputs_at(p, len - 1, *m->r_adx.vals, *m->r_ema.vals, *m->r_atr.vals, logc, &in);
    *out = pr_regime_rule(p, &in);
    return PR_OK;
}

/* The technical regime *r combined with the LLM's verdict on the same
 * bars, when it gives one. */
static int llm_regime(multi *m, const pr_market_view *v, pr_risk_regime *r, pr_err *err) {
    double prob[PR_RISK_REGIME_COUNT];
    int ok = 0;
    m->st.llm_asked++;
    int rc = m->llm(m->llm_ctx, v, m->reg_inst, prob, &ok, err);
    if (rc != PR_OK || !ok) return rc;
    m->st.llm_answered++;
    pr_risk_regime c = pr_regime_combine(*r, prob, 1 - m->c.regime.llm_weight);
    if (c != *r) m->st.llm_changed++;
    *r = c;
    return PR_OK;
}

static pr_signal *emit(pr_signal_list *out, const pr_signal *sig, pr_err *err) {
    pr_signal *d = pr_signal_list_add(out, sig->kind, sig->instrument);
    if (!d) {
        pr_err_set(err, PR_ELIMIT, "portfolio: more signals in one step than the pipeline takes (%zu)", out->cap);
        return NULL;
    }
    *d = *sig;
    return d;
}

static int m_on_bar(pr_strategy *s, const pr_market_view *v, pr_signal_list *out, pr_err *err) {
    multi *m = (multi *)s;
    const double *before = m->w;
    if (m->reg_inst >= 0 && pr_view_updated(v, m->reg_inst)) {
        pr_risk_regime r = PR_RISK_REGIME_NONE;
        int rc = step_regime(m, v, &r, err);
        if (rc != PR_OK) return rc;
        if (r != PR_RISK_REGIME_NONE && m->llm && m->c.regime.llm_weight > 0 && (rc = llm_regime(m, v, &r, err)))
            return rc;
        pr_risk_regime was = m->filt.current;
        if (pr_regime_filter_step(&m->filt, r)) {
            if (was != PR_RISK_REGIME_NONE) m->st.switches++;
            m->st.regime = r;
            m->w = pr_multi_weights(&m->c, r);
        }
    }
    size_t first = out->n;
    for (size_t i = 0; i < m->c.n_sleeves; i++) {
        pr_signal_list sub;
        pr_signal_list_init(&sub, m->buf, SUB_SIGNALS);
        int rc = m->sub[i]->vt->on_bar(m->sub[i], v, &sub, err);
        if (rc != PR_OK) return rc;
        double w = m->w[i];
        for (size_t k = 0; k < sub.n; k++) {
            pr_signal *sig = &sub.items[k];
            if (sig->instrument < 0 || (size_t)sig->instrument >= m->n_inst || m->owner[sig->instrument] != (int)i)
                continue;   /* another sleeve's instrument, or none of them */
            int entry = sig->kind == PR_SIG_ENTER_LONG || sig->kind == PR_SIG_ENTER_SHORT;
            if (entry && !(w > 0)) {
                m->st.dropped_entries++;
                continue;
            }
            pr_signal *d = emit(out, sig, err);
            if (!d) return PR_ELIMIT;
            if (entry && w < 1) d->size_hint = (d->size_hint > 0 ? d->size_hint : 1) * w;
        }
    }
    if (m->w == before) return PR_OK;
    /* A sleeve whose weight fell to 0 gives up its positions at this
     * decision (filled at the next open); other weight changes apply to new
     * entries only. */
    for (size_t ii = 0; ii < m->n_inst; ii++) {
        int sl = m->owner[ii];
        if (sl < 0 || !(before[sl] > 0) || m->w[sl] > 0 || pr_view_side(v, (int)ii) == 0) continue;
        int exiting = 0;
        for (size_t k = first; k < out->n; k++)
            if (out->items[k].instrument == (int)ii && out->items[k].kind == PR_SIG_EXIT) exiting = 1;
        if (exiting) continue;
        pr_signal *x = pr_signal_list_add(out, PR_SIG_EXIT, (int)ii);
        if (!x) return pr_err_set(err, PR_ELIMIT, "portfolio: more signals in one step than the pipeline takes");
        pr_signal_tag(x, "regime");
        pr_signal_why(x, "portfolio: the regime sets this sleeve's weight to 0", 0, 0, 0, 0);
        m->st.closings++;
    }
    return PR_OK;
}

static int m_on_event(pr_strategy *s, const pr_market_view *v, const pr_strategy_event *ev, pr_err *err) {
    multi *m = (multi *)s;
    if (ev->instrument < 0 || (size_t)ev->instrument >= m->n_inst) return PR_OK;
    int sl = m->owner[ev->instrument];
    if (sl < 0 || !m->sub[sl]->vt->on_event) return PR_OK;
    return m->sub[sl]->vt->on_event(m->sub[sl], v, ev, err);
}

static size_t m_explain(const pr_strategy *s, char *buf, size_t cap) {
    const multi *m = (const multi *)s;
    if (m->reg_inst < 0) return 0;
    int n = snprintf(buf, cap, "portfolio: the regime of %s changed the allocation %zu times (last: %s); %zu "
                     "exits ordered as a sleeve's weight fell to 0, %zu entries dropped at weight 0",
                     m->c.regime_market, m->st.switches, pr_risk_regime_name(m->st.regime), m->st.closings,
                     m->st.dropped_entries);
    if (n >= 0 && (size_t)n < cap && m->c.regime.llm_weight > 0)
        n += snprintf(buf + n, cap - (size_t)n, "; LLM regime verdicts (weight %g): %zu asked, %zu answered, %zu "
                      "changed the regime", m->c.regime.llm_weight, m->st.llm_asked, m->st.llm_answered,
                      m->st.llm_changed);
    return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

static const pr_strategy_vt k_vt = {
    .name = PR_MULTI_STRATEGY,
    .init = m_init,
    .on_bar = m_on_bar,
    .describe = m_describe,
    .destroy = m_destroy,
    .explain = m_explain,
    .on_event = m_on_event,
};

int pr_multi_new(const pr_multi_config *c, const pr_config *cfg, pr_strategy **out, pr_err *err) {
    if (!c || !out) return pr_err_set(err, PR_EINVAL, "portfolio: NULL argument");
    multi *m = calloc(1, sizeof *m);
    if (!m) return pr_err_set(err, PR_ENOMEM, "portfolio: out of memory");
    m->base.vt = &k_vt;
    m->c = *c;
    m->reg_inst = -1;
    m->w = pr_multi_weights(&m->c, PR_RISK_REGIME_NONE);
    for (size_t i = 0; i < c->n_sleeves; i++) {
        char k[160];
        snprintf(k, sizeof k, "%s.sleeves.%zu.params", c->path, i);
        int rc = pr_strategy_create(c->sleeves[i].strategy, cfg, k, &m->sub[i], err);
        if (rc != PR_OK) {
            m_destroy(&m->base);
            return rc;
        }
    }
    *out = &m->base;
    return PR_OK;
}

void pr_multi_set_regime_llm(pr_strategy *s, pr_multi_regime_llm fn, void *ctx) {
    if (!s || s->vt != &k_vt) return;
    ((multi *)s)->llm = fn;
    ((multi *)s)->llm_ctx = ctx;
}

void pr_multi_get_stats(const pr_strategy *s, pr_multi_stats *out) {
    if (!s || !out) return;
    if (s->vt != &k_vt) {
        *out = (pr_multi_stats){.regime = PR_RISK_REGIME_NONE};
        return;
    }
    *out = ((const multi *)s)->st;
}
