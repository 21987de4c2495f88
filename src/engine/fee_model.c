/* The fee model: the fee of one fill from an instrument's cost settings,
 * shared by the simulated broker and the brokers that follow it. */
#include "proratio/engine.h"

double pr_fee_model_fee(const pr_costs *c, double liquidation_fee, const pr_fee_fill *f) {
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
