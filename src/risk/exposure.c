/* Exposure limits (risk/exposure.h): the `risk.exposure` table with its
 * allocations, the `risk.sectors` map, and the check that finds the
 * room each limit leaves a new entry. Every limit is measured on gross
 * notionals in the account currency, except the currency cap, on net
 * exposure per currency, where a forex position counts once long in its base
 * and once short in its quote (long EURUSD and long EURGBP: EUR twice). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "proratio/risk/exposure.h"
#include "proratio/risk/correl.h"

const char *const pr_risk_alloc_names[] = {"none", "conservative", "diversified", "aggressive", NULL};

#define P_(f) offsetof(pr_risk_exposure, f)
#define CAP_(k, what)                                                                                           \
    {.name = #k, .type = PR_PARAM_NUMBER, .offset = P_(k), .def = 0, .min = 0, .max = 100,                      \
     .desc = what " (0: off; the allocation fills it)"}
#define LEV_(k, what)                                                                                           \
    {.name = #k, .type = PR_PARAM_NUMBER, .offset = P_(k), .def = 0, .min = 0, .max = 1000, .desc = what " (0: off)"}

static const pr_param_def k_expo[] = {
    {.name = "allocation", .type = PR_PARAM_CHOICE, .offset = P_(allocation), .def = PR_ALLOC_NONE,
     .choices = pr_risk_alloc_names, .desc = "allocation: fills the class caps and min_cash left at 0"},
    {.name = "max_positions", .type = PR_PARAM_INT, .offset = P_(max_positions), .def = 0, .min = 0, .max = 100000,
     .desc = "open positions at most; a further entry is refused (0: off)"},
    CAP_(cap_crypto, "crypto positions' gross notional, fraction of equity"),
    CAP_(cap_forex, "forex positions' gross notional, fraction of equity"),
    CAP_(cap_stock, "stock positions' gross notional, fraction of equity"),
    CAP_(cap_future, "futures positions' gross notional, fraction of equity"),
    {.name = "min_cash", .type = PR_PARAM_NUMBER, .offset = P_(min_cash), .def = 0, .min = 0, .max = 1,
     .desc = "cash floor: all positions' gross notional stays within (1 - min_cash) of equity (0: off)"},
    LEV_(lev_crypto, "one crypto position's notional, multiple of equity"),
    LEV_(lev_forex, "one forex position's notional, multiple of equity"),
    LEV_(lev_stock, "one stock position's notional, multiple of equity"),
    LEV_(lev_future, "one futures position's notional, multiple of equity"),
    {.name = "currency_cap", .type = PR_PARAM_NUMBER, .offset = P_(currency_cap), .def = 0, .min = 0, .max = 1000,
     .desc = "net exposure to one currency (forex: long base, short quote), fraction of equity (0: off)"},
    {.name = "sector_cap", .type = PR_PARAM_NUMBER, .offset = P_(sector_cap), .def = 0, .min = 0, .max = 1000,
     .desc = "gross notional of one sector of risk.sectors, fraction of equity (0: off)"},
    {.name = "corr_threshold", .type = PR_PARAM_NUMBER, .offset = P_(corr_threshold), .def = 0.7, .min = 0,
     .max = 1, .open = 1, .desc = "instruments whose return correlation exceeds this share corr_cap"},
    {.name = "corr_cap", .type = PR_PARAM_NUMBER, .offset = P_(corr_cap), .def = 0, .min = 0, .max = 1000,
     .desc = "gross notional of a group of correlated instruments, fraction of equity (0: off)"},
    {.name = "corr_window", .type = PR_PARAM_INT, .offset = P_(corr_window), .def = 50, .min = 3,
     .max = 2000, .desc = "decision steps of returns of the correlation"},
    {.name = "margin_ratio", .type = PR_PARAM_NUMBER, .offset = P_(margin_ratio), .def = 0, .min = 0, .max = 1,
     .desc = "margin safety: (margin used + the entry's) / equity at most this (0: off)"},
};

const pr_strategy_info pr_risk_exposure_info = {
    .name = "risk.exposure",
    .summary = "exposure limits on new entries",
    .params = k_expo,
    .n_params = sizeof k_expo / sizeof k_expo[0],
    .size = sizeof(pr_risk_exposure),
};

/* Class caps (crypto, forex, stock, future) and min_cash of each allocation;
 * diversified is the 30/20/60 with 10% cash. */
static const double k_alloc[][5] = {
    [PR_ALLOC_CONSERVATIVE] = {0.10, 0.10, 0.40, 0.10, 0.30},
    [PR_ALLOC_DIVERSIFIED] = {0.30, 0.20, 0.60, 0.20, 0.10},
    [PR_ALLOC_AGGRESSIVE] = {0.50, 0.40, 0.80, 0.40, 0.05},
};

void pr_risk_exposure_apply_allocation(pr_risk_exposure *c) {
    if (c->allocation <= PR_ALLOC_NONE || c->allocation > PR_ALLOC_AGGRESSIVE) return;
    const double *p = k_alloc[c->allocation];
    double *f[5] = {&c->cap_crypto, &c->cap_forex, &c->cap_stock, &c->cap_future, &c->min_cash};
    for (int i = 0; i < 5; i++)
        if (*f[i] == 0) *f[i] = p[i];
}

int pr_risk_sectors_read(const pr_config *cfg, const char *path, pr_risk_exposure *c, pr_err *err) {
    c->n_sectors = 0;
    if (!cfg || !pr_config_has(cfg, path)) return PR_OK;
    json_t *o = pr_config_json(cfg);
    char key[PR_ERR_PATH_MAX];
    snprintf(key, sizeof key, "%s", path);
    for (char *tok = strtok(key, "."); tok && o; tok = strtok(NULL, ".")) o = json_object_get(o, tok);
    if (!json_is_object(o)) return pr_err_set(err, PR_EINVAL, "%s: expected an object {\"SYMBOL\": \"sector\"}", path);
    const char *sym;
    json_t *v;
    json_object_foreach(o, sym, v) {
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= PR_RISK_SECTOR_NAME)
            return pr_err_set(err, PR_EINVAL, "%s.%s: expected a sector name (1 to %d characters)", path, sym,
                              PR_RISK_SECTOR_NAME - 1);
        if (strlen(sym) == 0 || strlen(sym) >= PR_SYMBOL_MAX)
            return pr_err_set(err, PR_EINVAL, "%s: \"%s\" is not a symbol", path, sym);
        if (c->n_sectors >= PR_RISK_SECTORS_MAX)
            return pr_err_set(err, PR_ERANGE, "%s: more than %d instruments", path, PR_RISK_SECTORS_MAX);
        snprintf(c->sector_symbol[c->n_sectors], PR_SYMBOL_MAX, "%s", sym);
        snprintf(c->sector_name[c->n_sectors], PR_RISK_SECTOR_NAME, "%s", json_string_value(v));
        c->n_sectors++;
    }
    return PR_OK;
}

const char *pr_risk_sector_of(const pr_risk_exposure *c, const char *symbol) {
    for (int i = 0; i < c->n_sectors; i++)
        if (strcmp(c->sector_symbol[i], symbol) == 0) return c->sector_name[i];
    return NULL;
}

int pr_risk_exposure_on(const pr_risk_exposure *c) {
    return c->max_positions > 0 || c->cap_crypto > 0 || c->cap_forex > 0 || c->cap_stock > 0 || c->cap_future > 0 ||
           c->min_cash > 0 || c->lev_crypto > 0 || c->lev_forex > 0 || c->lev_stock > 0 || c->lev_future > 0 ||
           c->currency_cap > 0 || c->sector_cap > 0 || c->corr_cap > 0 || c->margin_ratio > 0;
}

/* The cap and leverage fields and the reasons of each asset class. */
static double class_cap(const pr_risk_exposure *c, pr_asset_class k) {
    switch (k) {
    case PR_ASSET_CRYPTO: return c->cap_crypto;
    case PR_ASSET_FOREX: return c->cap_forex;
    case PR_ASSET_STOCK: return c->cap_stock;
    case PR_ASSET_FUTURE: return c->cap_future;
    default: return 0;
    }
}

static double class_lev(const pr_risk_exposure *c, pr_asset_class k) {
    switch (k) {
    case PR_ASSET_CRYPTO: return c->lev_crypto;
    case PR_ASSET_FOREX: return c->lev_forex;
    case PR_ASSET_STOCK: return c->lev_stock;
    case PR_ASSET_FUTURE: return c->lev_future;
    default: return 0;
    }
}

static const char *const k_cap_reason[PR_RISK_CLASSES] = {
    NULL, "asset class cap (risk.exposure.cap_crypto)", "asset class cap (risk.exposure.cap_forex)",
    "asset class cap (risk.exposure.cap_stock)", "asset class cap (risk.exposure.cap_future)"};
static const char *const k_lev_reason[PR_RISK_CLASSES] = {
    NULL, "leverage cap (risk.exposure.lev_crypto)", "leverage cap (risk.exposure.lev_forex)",
    "leverage cap (risk.exposure.lev_stock)", "leverage cap (risk.exposure.lev_future)"};

/* Lowers *room to r (and names the limit) when r is tighter. */
static void bind(double *room, const char **reason, double r, const char *why) {
    if (r < *room) {
        *room = r > 0 ? r : 0;
        *reason = why;
    }
}

static int same_class(const pr_risk_pos *p, const pr_risk_pos *e) {
    return p->inst && e->inst && p->inst->asset_class == e->inst->asset_class;
}

/* Net exposure of the book to currency ccy (forex positions only: +n in
 * the base, -n in the quote). */
static double ccy_net(const pr_risk_book *b, const char *ccy) {
    double x = 0;
    for (size_t i = 0; i < b->n; i++) {
        const pr_instrument *in = b->pos[i].inst;
        if (!in || in->asset_class != PR_ASSET_FOREX) continue;
        if (strcmp(in->base, ccy) == 0) x += b->pos[i].notional;
        if (strcmp(in->quote, ccy) == 0) x -= b->pos[i].notional;
    }
    return x;
}

/* Room the currency cap leaves an entry that moves ccy by dir (+1/-1) per
 * unit of notional: |x + dir * n| <= cap, i.e. n <= cap - dir * x. */
static double ccy_room(const pr_risk_book *b, const char *ccy, int dir, double cap) {
    if (b->ccy && strcmp(ccy, b->ccy) == 0) return INFINITY;   /* the account's own money */
    return cap - dir * ccy_net(b, ccy);
}

void pr_risk_exposure_check(const pr_risk_exposure *c, const pr_risk_book *b, const pr_risk_pos *e,
                            pr_risk_corr_fn corr, void *ctx, double *allowed, const char **reason) {
    double want = fabs(e->notional), eq = b->equity, room = want;
    int side = e->notional >= 0 ? 1 : -1;
    pr_asset_class cls = e->inst ? e->inst->asset_class : PR_ASSET_UNKNOWN;
    *reason = NULL;
    if (c->max_positions > 0) {
        int open = 0;
        for (size_t i = 0; i < b->n; i++) open += b->pos[i].index != e->index && b->pos[i].notional != 0;
        if (open >= c->max_positions) bind(&room, reason, 0, "max concurrent positions (risk.exposure.max_positions)");
    }
    double gross_all = 0, gross_cls = 0, own = 0;
    for (size_t i = 0; i < b->n; i++) {
        double g = fabs(b->pos[i].notional);
        gross_all += g;
        if (same_class(&b->pos[i], e)) gross_cls += g;
        if (b->pos[i].index == e->index) own += g;
    }
    double cap = class_cap(c, cls), lev = class_lev(c, cls);
    if (cap > 0) bind(&room, reason, cap * eq - gross_cls, k_cap_reason[cls]);
    if (c->min_cash > 0) bind(&room, reason, (1 - c->min_cash) * eq - gross_all, "cash floor (risk.exposure.min_cash)");
    if (lev > 0) bind(&room, reason, lev * eq - own, k_lev_reason[cls]);
    if (c->currency_cap > 0 && cls == PR_ASSET_FOREX) {
        static const char *why = "currency cap (risk.exposure.currency_cap)";
        bind(&room, reason, ccy_room(b, e->inst->base, side, c->currency_cap * eq), why);
        bind(&room, reason, ccy_room(b, e->inst->quote, -side, c->currency_cap * eq), why);
    }
    const char *sector = c->sector_cap > 0 && e->inst ? pr_risk_sector_of(c, e->inst->symbol) : NULL;
    if (sector) {
        double g = 0;
        for (size_t i = 0; i < b->n; i++) {
            const char *s = b->pos[i].inst ? pr_risk_sector_of(c, b->pos[i].inst->symbol) : NULL;
            if (s && strcmp(s, sector) == 0) g += fabs(b->pos[i].notional);
        }
        bind(&room, reason, c->sector_cap * eq - g, "sector cap (risk.exposure.sector_cap)");
    }
    if (c->corr_cap > 0 && corr) {
        double g = 0;
        int others = 0;
        for (size_t i = 0; i < b->n; i++) {
            const pr_risk_pos *p = &b->pos[i];
            if (p->notional == 0) continue;
            if (p->index == e->index) g += fabs(p->notional);
            else if (corr(ctx, e->index, p->index) > c->corr_threshold) {
                g += fabs(p->notional);
                others++;
            }
        }
        if (others) bind(&room, reason, c->corr_cap * eq - g, "correlated exposure cap (risk.exposure.corr_cap)");
    }
    if (c->margin_ratio > 0) {
        /* The entry's margin at the book's margin rate (unlevered when flat). */
        double rate = b->gross > 0 && b->margin_used > 0 ? b->margin_used / b->gross : 1;
        bind(&room, reason, (c->margin_ratio * eq - b->margin_used) / rate,
             "margin safety ratio (risk.exposure.margin_ratio)");
    }
    *allowed = room;
}

double pr_risk_corr(const double *ret, size_t cap, size_t n_inst, size_t head, size_t n, int a, int b,
                    double *scratch) {
    if (n < 3 || n > cap) return NAN;
    double *x = scratch, *y = scratch + n;
    for (size_t k = 0; k < n; k++) {   /* oldest first */
        size_t row = (head + cap - n + k) % cap;
        x[k] = ret[row * n_inst + (size_t)a];
        y[k] = ret[row * n_inst + (size_t)b];
    }
    return pr_corr_window(x, y, n - 1, n);
}

int pr_risk_exposure_read(const pr_config *cfg, const char *path, pr_risk_exposure *ex, pr_risk_var *var,
                          pr_err *err) {
    char k[PR_ERR_PATH_MAX];
    int rc;
    if ((rc = pr_params_read(&pr_risk_exposure_info, cfg, pr_config_key(k, sizeof k, path, "exposure"), ex, err)) !=
            0 ||
        (rc = pr_params_read(&pr_risk_var_info, cfg, pr_config_key(k, sizeof k, path, "var"), var, err)) != 0 ||
        (rc = pr_risk_sectors_read(cfg, pr_config_key(k, sizeof k, path, "sectors"), ex, err)) != 0)
        return rc;
    pr_risk_exposure_apply_allocation(ex);
    return PR_OK;
}
