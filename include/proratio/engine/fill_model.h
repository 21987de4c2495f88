/* Part of engine.h: the fill model, when an order trades against a bar and
 * at what price (DESIGN "No look-ahead": next-open fills, stops gapped
 * through fill at the open, a stop triggers when its side of the book
 * trades it). Pure functions of the order, the instrument's costs and the
 * prices: the simulated broker walks bars with them and a paper broker
 * fills against a venue's bars with the same rules. */
#ifndef PRORATIO_ENGINE_FILL_MODEL_H
#define PRORATIO_ENGINE_FILL_MODEL_H

#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Half the bid-ask spread at mid price px (spread_pips * pip_size and
 * spread_frac * px, halved), quote currency. */
static inline double pr_fill_half_spread(const pr_costs *c, double pip_size, double px) {
    double hs = 0;
    if (c->spread_pips > 0) hs += c->spread_pips * pip_size / 2.0;
    if (c->spread_frac > 0) hs += c->spread_frac * px / 2.0;
    return hs;
}

/* A taker's price from mid ref with half spread hs: the spread and the
 * slippage, both against the order (side +1 buy, -1 sell). */
static inline double pr_fill_taker_price(const pr_costs *c, int side, double ref, double hs) {
    double p = ref + side * hs;
    return p * (1.0 + side * c->slippage);
}

/* A stop traded inside a bar: it triggers when the price on its side of the
 * book (the ask for a buy, the bid for a sell) reaches it, so it fills at
 * the stop plus slippage; the spread is in the trigger already. */
static inline double pr_fill_stop_price(const pr_costs *c, int side, double stop) {
    return stop * (1.0 + side * c->slippage);
}

/* What an order does at a bar's open o (hs: half spread at o): 1 when it
 * fills there, with *px and *maker (market orders; stops the open gapped
 * through, at the open as takers; limits the open's quote already crosses,
 * at that quote as makers), else 0. A stop-limit whose stop the open gapped
 * through is marked triggered and then acts as its limit. */
int pr_fill_at_open(const pr_costs *c, double hs, pr_order *od, double o, double *px, int *maker);

/* Whether a protective stop at `stop` (hs: half spread there) of a position
 * of sign pos_side is hit in the range [l, h] (a long's sell stop by the bid,
 * a short's buy stop by the ask). */
static inline int pr_fill_stop_hit(int pos_side, double stop, double hs, double h, double l) {
    return pos_side > 0 ? l - hs <= stop : h + hs >= stop;
}
/* Whether a take-profit limit at lp (hs: half spread there) of a position of
 * sign pos_side is reached in [l, h]. */
static inline int pr_fill_target_hit(int pos_side, double lp, double hs, double h, double l) {
    return pos_side > 0 ? h - hs >= lp : l + hs <= lp;
}

typedef enum pr_fill_verdict {
    PR_FILL_NONE = 0,        /* not reached in the range                          */
    PR_FILL_NOW,             /* fills at *px                                       */
    PR_FILL_REST             /* a stop-limit triggered beyond its limit: rests as
                                a limit from the next bar                          */
} pr_fill_verdict;

/* An entry stop, limit or stop-limit inside the range [l, h]: stops at the
 * stop plus slippage (a stop-limit never beyond its limit; *ref the stop),
 * limits at the limit as makers (*ref the limit). Marks a stop-limit
 * triggered when its stop trades. */
pr_fill_verdict pr_fill_in_range(const pr_costs *c, double pip_size, pr_order *od, double h, double l, double *px,
                                 double *ref, int *maker);

/* The prices inside a bar without finer data: from the open to the extreme
 * against the position (low first for a long, high first for a short: the
 * worse case, as the stop-before-target rule assumes; flat: low first on a
 * rising bar, high first on a falling one), then to the other extreme, then
 * to the close, at constant speed. */
typedef struct pr_bar_path {
    double p[4];             /* open, first extreme, second extreme, close */
    double d[4];             /* distance travelled when each is reached     */
} pr_bar_path;

void pr_bar_path_init(pr_bar_path *bp, int side, double o, double h, double l, double c);
/* The price at fraction u in [0, 1] of the bar's time. */
double pr_bar_path_at(const pr_bar_path *bp, double u);

#ifdef __cplusplus
}
#endif
#endif
