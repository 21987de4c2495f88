/* Part of engine.h: the margin model, how much an account can still open
 * (initial margin plus fees out of the available money) and when and where
 * a position is liquidated (cross margin: equity below the maintenance
 * requirement). Shared by the simulated and the paper broker. */
#ifndef PRORATIO_ENGINE_MARGIN_MODEL_H
#define PRORATIO_ENGINE_MARGIN_MODEL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Units an account with `available` money (equity - initial margin in
 * use, account currency) can open at `unit` account money per unit, with
 * initial margin rate im and a fee of fee_rate of the notional; 0 when
 * nothing is available. */
static inline double pr_margin_entry_cap(double available, double unit, double im, double fee_rate) {
    return available > 0 ? available / (unit * (im + fee_rate)) : 0;
}

/* One position of a cross-margin account, and the rest of the account. */
typedef struct pr_margin_probe {
    double balance;            /* margin balance, account currency              */
    double others_unrealized;  /* open P&L of the other positions               */
    double others_maintenance; /* their maintenance requirement                 */
    double qty, avg;           /* the position: signed quantity, average price   */
    double mult;               /* contract multiplier                           */
    double fx;                 /* quote -> account currency                     */
    double maintenance;        /* maintenance margin, fraction of notional (> 0) */
} pr_margin_probe;

/* Whether the position is liquidated in a bar (open o, range [l, h]): when
 * equity at its adverse extreme falls below the maintenance requirement.
 * Then 1 and *price: where the two meet, or the open when the bar opened
 * beyond it. 0 otherwise. */
int pr_margin_liquidation(const pr_margin_probe *p, double o, double h, double l, double *price);

#ifdef __cplusplus
}
#endif
#endif
