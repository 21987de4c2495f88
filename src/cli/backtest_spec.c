/* From the validated `proratio backtest` settings to the simulated broker's
 * market specs (instrument, costs, margin, funding) and the loaded markets
 * every command that runs a configuration starts from, and one-line
 * descriptions of costs and sizing for the terminal and the report. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "backtest_config.h"

const char *const bt_cost_keys[BT_N_COSTS + 1] = {
    "taker_fee", "maker_fee", "slippage", "spread_pips", "spread_frac", "commission_per_100k",
    "commission_per_share", "commission_min", "sell_fee_rate", "sell_fee_per_share", "sell_fee_max", NULL};
const size_t bt_cost_off[BT_N_COSTS] = {
    offsetof(pr_costs, taker_fee), offsetof(pr_costs, maker_fee), offsetof(pr_costs, slippage),
    offsetof(pr_costs, spread_pips), offsetof(pr_costs, spread_frac), offsetof(pr_costs, commission_per_100k),
    offsetof(pr_costs, commission_per_share), offsetof(pr_costs, commission_min), offsetof(pr_costs, sell_fee_rate),
    offsetof(pr_costs, sell_fee_per_share), offsetof(pr_costs, sell_fee_max)};

int bt_cost_is_commission(int k) { return k == 0 || k == 1 || (k >= 5 && k <= 7); }

static void apply_costs(pr_costs *c, const bt_costs_ov *ov) {
    for (int k = 0; k < BT_N_COSTS; k++)
        if (ov->v[k].set) *(double *)(void *)((char *)c + bt_cost_off[k]) = ov->v[k].v;
    if (ov->schedule_set) c->schedule = &ov->schedule;
}

static void apply_margin(pr_margin *m, const bt_margin_ov *ov) {
    if (ov->leverage.set) m->leverage = ov->leverage.v;
    if (ov->maintenance.set) m->maintenance = ov->maintenance.v;
    if (ov->liquidation_fee.set) m->liquidation_fee = ov->liquidation_fee.v;
    if (ov->allow_short >= 0) m->no_short = !ov->allow_short;
}

int bt_market_spec(const bt_settings *s, size_t i, const bt_loaded *ld, pr_market_spec *out, pr_err *err) {
    const bt_market *m = &s->markets[i];
    const char *sym = m->src.symbol;
    pr_asset_class cls = m->cls != PR_ASSET_UNKNOWN ? m->cls : m->src.cls_certain ? m->src.cls : ld->cls;
    if (cls == PR_ASSET_UNKNOWN) cls = m->src.cls;
    if (cls == PR_ASSET_UNKNOWN) {
        pr_err_at(err, NULL, 0, 0, "instruments");
        return pr_err_set(err, PR_EINVAL, "instruments.%s.asset_class: the data does not tell the asset class of %s; "
                          "set it (crypto, forex, stock, future)", sym, sym);
    }
    int rc = pr_market_spec_default(sym, cls, out, err);
    if (rc != PR_OK) return rc;
    if (ld->has_inst && ld->inst.asset_class == cls) {
        /* A stored forex record without a pip size would silently turn the
         * spread in pips into 0: keep the default pip then. */
        double pip = out->inst.pip_size;
        out->inst = ld->inst;
        if (cls == PR_ASSET_FOREX && !(out->inst.pip_size > 0)) out->inst.pip_size = pip;
    }
    pr_instrument *in = &out->inst;
    in->asset_class = cls;
    if (m->base[0]) pr_strlcpy(in->base, m->base, sizeof in->base);
    if (m->quote[0]) pr_strlcpy(in->quote, m->quote, sizeof in->quote);
    if (m->tick_size.set) in->tick_size = m->tick_size.v;
    if (m->lot_step.set) in->lot_step = m->lot_step.v;
    if (m->min_qty.set) in->min_qty = m->min_qty.v;
    if (m->min_notional.set) in->min_notional = m->min_notional.v;
    if (m->pip_size.set) in->pip_size = m->pip_size.v;
    if (m->contract_multiplier.set) in->contract_multiplier = m->contract_multiplier.v;
    apply_costs(&out->costs, &s->class_costs[cls]);
    apply_costs(&out->costs, &m->costs);
    apply_margin(&out->margin, &s->margin);
    apply_margin(&out->margin, &m->margin);
    if (m->fx_rate.set) out->fx_rate = m->fx_rate.v;
    pr_funding *f = &out->funding;
    f->perpetual = m->perpetual >= 0 ? m->perpetual : (m->funding[0] || m->funding_rate.set);
    if (f->perpetual) {
        f->ts = ld->fund_ts;
        f->rate = ld->fund_rate;
        f->n = ld->n_fund;
        f->rate_default = m->funding_rate.set ? m->funding_rate.v : 0;
    }
    return PR_OK;
}

size_t bt_costs_describe(const pr_costs *c, char *buf, size_t cap) {
    size_t k = 0;
    if (cap) buf[0] = '\0';
    for (int i = 0; i < BT_N_COSTS && k < cap; i++) {
        double v = *(const double *)(const void *)((const char *)c + bt_cost_off[i]);
        if (v == 0 || (c->schedule && c->schedule->info->fee && bt_cost_is_commission(i))) continue;
        int n = snprintf(buf + k, cap - k, "%s%s=%.10g", k ? " " : "", bt_cost_keys[i], v);
        if (n > 0) k += (size_t)n;
    }
    if (c->schedule && k < cap) {
        int n = snprintf(buf + k, cap - k, "%sfee_schedule=%s", k ? " " : "", c->schedule->info->table.name);
        if (n > 0) k += (size_t)n;
    }
    if (k == 0) k = (size_t)snprintf(buf, cap, "none");
    return k < cap ? k : cap ? cap - 1 : 0;
}

size_t bt_sizing_describe(const pr_sizing *z, char *buf, size_t cap) {
    int n = 0;
    switch (z->mode) {
    case PR_SIZE_FIXED_RISK:
        n = snprintf(buf, cap, "fixed_risk %.10g of equity (fraction %.10g without a stop)", z->risk, z->fraction);
        break;
    case PR_SIZE_FIXED_FRACTION: n = snprintf(buf, cap, "fixed_fraction %.10g of equity", z->fraction); break;
    case PR_SIZE_ALL_CASH: n = snprintf(buf, cap, "all_cash"); break;
    case PR_SIZE_FIXED_QTY: n = snprintf(buf, cap, "fixed_qty %.10g", z->qty); break;
    }
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}

int bt_load_markets(bt_data *data, const bt_settings *s, size_t warmup, const char *cmd, bt_loaded *ld,
                    size_t *n_ld, pr_bt_market *mk, pr_err *e) {
    for (size_t i = 0; i < *n_ld; i++) bt_loaded_free(&ld[i]);
    *n_ld = 0;
    for (size_t i = 0; i < s->n_markets; i++) {
        const bt_market *m = &s->markets[i];
        bt_load_request rq = {.src = &m->src, .fine = m->has_fine ? &m->fine : NULL, .funding = m->funding,
                              .from = s->from, .to = s->to, .warmup = warmup};
        int rc = bt_load(data, &rq, &ld[i], e);
        *n_ld = i + 1;
        if (rc != PR_OK) return rc;
        if (ld[i].skipped_rows && cmd)
            fprintf(stderr, "proratio %s: %s: %zu rows skipped as invalid (see 'proratio data import')\n", cmd,
                    m->src.spec, ld[i].skipped_rows);
        if ((rc = bt_market_spec(s, i, &ld[i], &mk[i].spec, e)) != PR_OK) return rc;
        if ((rc = bt_funding_coverage(s, i, &ld[i], &mk[i].spec, e)) != PR_OK) return rc;
        mk[i].bars = &ld[i].bars;
        mk[i].fine = ld[i].fine.len ? &ld[i].fine : NULL;
        mk[i].checked = pr_series_check(&ld[i].bars, 0);   /* once per load (every run reuses it) */
    }
    return PR_OK;
}
