/* The fill model: trigger rules and execution prices of orders against a
 * bar's prices, and the assumed price path inside a bar. */
#include <math.h>
#include "proratio/engine.h"

PR_HOT int pr_fill_at_open(const pr_costs *c, double hs, pr_order *od, double o, double *px, int *maker) {
    int side = od->side;
    double quote = o + side * hs;          /* ask for buys, bid for sells */
    *maker = 0;
    switch (od->type) {
    case PR_ORDER_MARKET:
        break;
    case PR_ORDER_STOP:
        if (!(side > 0 ? quote >= od->stop_price : quote <= od->stop_price)) return 0;
        break;
    case PR_ORDER_STOP_LIMIT:
    case PR_ORDER_LIMIT:
        /* A stop-limit gapped through at the open becomes a limit. */
        if (od->type == PR_ORDER_STOP_LIMIT && !od->triggered)
            od->triggered = side > 0 ? quote >= od->stop_price : quote <= od->stop_price;
        if (od->type == PR_ORDER_STOP_LIMIT && !od->triggered) return 0;
        if (!(side > 0 ? quote <= od->limit_price : quote >= od->limit_price)) return 0;
        *maker = 1;
        *px = quote;
        return 1;
    }
    *px = pr_fill_taker_price(c, side, o, hs);
    return 1;
}

pr_fill_verdict pr_fill_in_range(const pr_costs *c, double pip_size, pr_order *od, double h, double l, double *px,
                                 double *ref, int *maker) {
    int side = od->side;
    *maker = 0;
    if (od->type == PR_ORDER_STOP || (od->type == PR_ORDER_STOP_LIMIT && !od->triggered)) {
        double hs = pr_fill_half_spread(c, pip_size, od->stop_price);
        int hit = side > 0 ? h + hs >= od->stop_price : l - hs <= od->stop_price;
        if (!hit) return PR_FILL_NONE;
        *ref = od->stop_price;
        *px = pr_fill_stop_price(c, side, *ref);
        if (od->type == PR_ORDER_STOP_LIMIT) {
            od->triggered = 1;
            /* Marketable at the trigger: fills there, never beyond the limit.
             * Otherwise it rests as a limit from the next bar (we cannot
             * know whether the price came back inside this one). */
            if (side > 0 ? od->limit_price < *ref : od->limit_price > *ref) return PR_FILL_REST;
            if (side > 0 ? *px > od->limit_price : *px < od->limit_price) *px = od->limit_price;
        }
        return PR_FILL_NOW;
    }
    if (od->type == PR_ORDER_LIMIT || od->type == PR_ORDER_STOP_LIMIT) {
        double hs = pr_fill_half_spread(c, pip_size, od->limit_price);
        int hit = side > 0 ? l + hs <= od->limit_price : h - hs >= od->limit_price;
        if (!hit) return PR_FILL_NONE;
        *maker = 1;
        *px = *ref = od->limit_price;
        return PR_FILL_NOW;
    }
    return PR_FILL_NONE;
}

void pr_bar_path_init(pr_bar_path *bp, int side, double o, double h, double l, double c) {
    int low_first = side > 0 || (side == 0 && c >= o);
    bp->p[0] = o;
    bp->p[1] = low_first ? l : h;
    bp->p[2] = low_first ? h : l;
    bp->p[3] = c;
    bp->d[0] = 0;
    for (int k = 1; k < 4; k++) bp->d[k] = bp->d[k - 1] + fabs(bp->p[k] - bp->p[k - 1]);
}

double pr_bar_path_at(const pr_bar_path *bp, double u) {
    double x = u * bp->d[3];
    for (int k = 1; k < 4; k++) {
        if (x > bp->d[k] && k < 3) continue;
        double seg = bp->d[k] - bp->d[k - 1];
        if (!(seg > 0)) return bp->p[k];
        double f = (x - bp->d[k - 1]) / seg;
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        return bp->p[k - 1] + (bp->p[k] - bp->p[k - 1]) * f;
    }
    return bp->p[3];
}
