/* The fee model: the fee of one fill from an instrument's cost settings and
 * its fee schedule, the registry of schedules (fee_list.h) and their reader,
 * and the account's traded volume that tiered schedules read; shared by the
 * simulated broker and the brokers that follow it. */
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"

#define PR_FEE_ROW(name) extern const pr_fee_schedule_info pr_fee_##name##_info;
#include "fee_list.h"
#undef PR_FEE_ROW

static const pr_fee_schedule_info *const k_schedules[] = {
#define PR_FEE_ROW(name) &pr_fee_##name##_info,
#include "fee_list.h"
#undef PR_FEE_ROW
    NULL};

/* Fees on sells that regulators charge whatever the broker's schedule
 * (quote currency): a rate of the notional and a capped per-share fee. */
static double sell_fees(const pr_costs *c, const pr_fee_fill *f, double notional) {
    if (f->side >= 0) return 0;
    double t = c->sell_fee_per_share * f->qty;
    if (c->sell_fee_max > 0 && t > c->sell_fee_max) t = c->sell_fee_max;
    return c->sell_fee_rate * notional + t;
}

PR_HOT double pr_fee_model_fee(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f) {
    double q = f->qty;
    double notional = q * f->price * f->mult;
    double fq;
    if (f->liquidation) {
        fq = liquidation_fee * notional;
    } else {
        fq = pr_fee_model_rate(c, f->maker) * notional;
        if (c->commission_per_share > 0) {
            double cps = c->commission_per_share * q;
            fq += cps > c->commission_min ? cps : c->commission_min;
        }
        /* Added in two steps as always (sell_fees' one sum could round
         * differently, and flat stays bit for bit what it was). */
        if (f->side < 0) {
            fq += c->sell_fee_rate * notional;
            double t = c->sell_fee_per_share * q;
            if (c->sell_fee_max > 0 && t > c->sell_fee_max) t = c->sell_fee_max;
            fq += t;
        }
    }
    double fee = fq * f->fx;
    /* Per 100k is charged in the account currency already (forex brokers). */
    if (!f->liquidation && c->commission_per_100k > 0) fee += c->commission_per_100k * q * f->mult / 100000.0;
    return fee;
}

double pr_fee_model_charge(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f, double volume) {
    const pr_fee_schedule *s = c->schedule;
    if (!s || !s->info->fee) return pr_fee_model_fee(c, liquidation_fee, f);
    double notional = f->qty * f->price * f->mult;
    if (f->liquidation) return liquidation_fee * notional * f->fx;
    return (s->info->fee(s->p.bytes, f, volume) + sell_fees(c, f, notional)) * f->fx;
}

const pr_fee_schedule_info *const *pr_fee_schedules(void) { return k_schedules; }

const pr_fee_schedule_info *pr_fee_schedule_find(const char *name) {
    for (size_t i = 0; name && k_schedules[i]; i++)
        if (strcmp(k_schedules[i]->table.name, name) == 0) return k_schedules[i];
    return NULL;
}

int pr_fee_schedule_read(const pr_config *cfg, const char *path, pr_fee_schedule *out, pr_err *err) {
    if (!cfg || !path || !out) return pr_err_set(err, PR_EINVAL, "pr_fee_schedule_read: NULL argument");
    static const char *const keys[] = {"model", "params", NULL};
    const char *names[sizeof k_schedules / sizeof *k_schedules];
    for (size_t i = 0; i < sizeof k_schedules / sizeof *k_schedules; i++)
        names[i] = k_schedules[i] ? k_schedules[i]->table.name : NULL;
    char k[PR_ERR_PATH_MAX];
    int rc, i = 0;
    if ((rc = pr_config_check_keys(cfg, path, keys, err)) != 0) return rc;
    if ((rc = pr_config_enum(cfg, pr_config_key(k, sizeof k, path, "model"), "flat", names, &i, err)) != 0) return rc;
    memset(out, 0, sizeof *out);
    out->info = k_schedules[i];
    if (out->info->table.size > sizeof out->p) return pr_err_set(err, PR_ELIMIT, "%s: parameters too large", k);
    return pr_params_read(&out->info->table, cfg, pr_config_key(k, sizeof k, path, "params"), out->p.bytes, err);
}

/* ---- traded volume ---- */
int pr_fee_volume_add(pr_fee_volume *v, int64_t ts, double notional) {
    if (v->n + 1 >= v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 256;
        int64_t *t = realloc(v->ts, nc * sizeof *t);
        if (!t) return PR_ENOMEM;
        v->ts = t;
        double *a = realloc(v->amount, nc * sizeof *a);
        if (!a) return PR_ENOMEM;
        v->amount = a;
        double *c = realloc(v->cum, (nc + 1) * sizeof *c);
        if (!c) return PR_ENOMEM;
        if (!v->cap) c[0] = 0;
        v->cum = c;
        v->cap = nc;
    }
    /* Kept in time order: a run over several timeframes records a daily
     * bar's fills at the day's open, after hourly fills later that day. */
    size_t i = v->n++;
    for (; i > 0 && v->ts[i - 1] > ts; i--) {
        v->ts[i] = v->ts[i - 1];
        v->amount[i] = v->amount[i - 1];
    }
    v->ts[i] = ts;
    v->amount[i] = notional;
    for (size_t k = i; k < v->n; k++) v->cum[k + 1] = v->cum[k] + v->amount[k];
    return PR_OK;
}

double pr_fee_volume_in(const pr_fee_volume *v, int64_t ts, int64_t window) {
    if (v->n == 0) return 0;
    /* First fill inside the window, by bisection (fills are in time order). */
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->ts[mid] <= ts - window) lo = mid + 1;
        else hi = mid;
    }
    size_t end = v->n;
    while (end > lo && v->ts[end - 1] > ts) end--;
    return v->cum[end] - v->cum[lo];
}

void pr_fee_volume_free(pr_fee_volume *v) {
    free(v->ts);
    free(v->amount);
    free(v->cum);
    memset(v, 0, sizeof *v);
}
