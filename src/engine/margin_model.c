/* The margin model: the initial-margin cap on entries and the liquidation
 * test and price of a cross-margin position. */
#include <math.h>
#include "proratio/engine.h"

int pr_margin_liquidation(const pr_margin_probe *pp, double o, double h, double l, double *price) {
    double q = pp->qty, aq = fabs(q), mm = pp->maintenance, k = pp->fx, mult = pp->mult, avg = pp->avg;
    double bal = pp->balance, uo = pp->others_unrealized, mo = pp->others_maintenance;
    double worst = q > 0 ? l : h;
    double eq_w = bal + uo + q * (worst - avg) * mult * k;
    double mt_w = mo + aq * worst * mult * k * mm;
    if (eq_w >= mt_w) return 0;
    double eq_o = bal + uo + q * (o - avg) * mult * k;
    double mt_o = mo + aq * o * mult * k * mm;
    double p;
    if (eq_o < mt_o) {
        p = o;
    } else {
        /* balance + uo + q (p - avg) mult k = mo + |q| p mult k mm, linear in p */
        p = (mo - uo - bal + q * avg * mult * k) / (mult * k * (q - aq * mm));
        if (p > h) p = h;
        if (p < l) p = l;
    }
    *price = p;
    return 1;
}
