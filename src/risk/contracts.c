/* Futures contract specifications for `contracts` sizing (risk/contracts.h).
 * Each row copies the exchange's contract specification page (accessed
 * 2026): contract unit, minimum price fluctuation and its value, and the
 * CME Globex trading hours (Central Time as CME states them). */
#include <ctype.h>
#include <string.h>

#include "proratio/risk/contracts.h"

#define GLOBEX_HOURS "Sun-Fri 17:00-16:00 CT (CME Globex), daily halt 16:00-17:00 CT"

const pr_contract_spec pr_contract_specs[] = {
    /* $50 x S&P 500 index; 0.25 index points = $12.50. */
    {"ES", "E-mini S&P 500", "CME", 50, 0.25, 12.50, GLOBEX_HOURS,
     "https://www.cmegroup.com/markets/equities/sp/e-mini-sandp500.contractSpecs.html"},
    /* $20 x Nasdaq-100 index; 0.25 index points = $5.00. */
    {"NQ", "E-mini Nasdaq-100", "CME", 20, 0.25, 5.00, GLOBEX_HOURS,
     "https://www.cmegroup.com/markets/equities/nasdaq/e-mini-nasdaq-100.contractSpecs.html"},
    /* 1,000 barrels; $0.01 per barrel = $10.00. */
    {"CL", "Crude Oil (WTI)", "NYMEX", 1000, 0.01, 10.00, GLOBEX_HOURS,
     "https://www.cmegroup.com/markets/energy/crude-oil/light-sweet-crude.contractSpecs.html"},
    /* 100 troy ounces; $0.10 per troy ounce = $10.00. */
    {"GC", "Gold", "COMEX", 100, 0.10, 10.00, GLOBEX_HOURS,
     "https://www.cmegroup.com/markets/metals/precious/gold.contractSpecs.html"},
};
const size_t pr_n_contract_specs = sizeof pr_contract_specs / sizeof pr_contract_specs[0];

/* A month code followed by one or more digits and nothing else. */
static int is_expiry(const char *s) {
    if (!*s || !strchr("FGHJKMNQUVXZ", *s)) return 0;
    s++;
    if (!isdigit((unsigned char)*s)) return 0;
    while (isdigit((unsigned char)*s)) s++;
    return *s == '\0';
}

const pr_contract_spec *pr_contract_spec_find(const char *symbol) {
    if (!symbol) return NULL;
    for (size_t i = 0; i < pr_n_contract_specs; i++) {
        size_t n = strlen(pr_contract_specs[i].root);
        if (strncmp(symbol, pr_contract_specs[i].root, n) == 0 && (symbol[n] == '\0' || is_expiry(symbol + n)))
            return &pr_contract_specs[i];
    }
    return NULL;
}

int pr_contract_spec_apply(const pr_instrument *in, pr_instrument *out) {
    *out = *in;
    const pr_contract_spec *c = in->contract_multiplier > 1 ? NULL : pr_contract_spec_find(in->symbol);
    if (!c) return 0;
    out->contract_multiplier = c->multiplier;
    out->tick_size = c->tick_size;
    return 1;
}
