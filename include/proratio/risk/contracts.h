/* Part of risk.h: the futures contract specifications `contracts` sizing
 * uses when an instrument carries none (multiplier, tick size, tick value,
 * trading session), one declarative row per contract, from the exchange's
 * published specifications. */
#ifndef PRORATIO_RISK_CONTRACTS_H
#define PRORATIO_RISK_CONTRACTS_H

#include "proratio/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pr_contract_spec {
    const char *root;        /* "ES": matches ES, ESZ6, ESZ2026               */
    const char *name;
    const char *exchange;
    double multiplier;       /* account money per 1.0 of price per contract    */
    double tick_size;        /* minimum price fluctuation                      */
    double tick_value;       /* money per tick per contract = tick x multiplier */
    const char *session;     /* trading hours as the exchange states them      */
    const char *source;      /* where the row comes from                       */
} pr_contract_spec;

extern const pr_contract_spec pr_contract_specs[];
extern const size_t pr_n_contract_specs;

/* The row for a symbol: its root alone, or the root followed by a month
 * code (F G H J K M N Q U V X Z) and the year's digits; NULL when none. */
const pr_contract_spec *pr_contract_spec_find(const char *symbol);
/* *out = *in, with the spec's multiplier and tick size when in has no
 * multiplier of its own (<= 1) and a row matches its symbol; returns 1 when
 * a row was applied, else 0. */
int pr_contract_spec_apply(const pr_instrument *in, pr_instrument *out);

#ifdef __cplusplus
}
#endif
#endif
