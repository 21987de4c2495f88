/* Part of engine.h: the funding model, which funding payments of a
 * perpetual fall due as time moves on (a series of stored rates, or a
 * constant rate every interval). The simulated broker and a paper broker
 * keep one clock per instrument and pay what it says is due. */
#ifndef PRORATIO_ENGINE_FUNDING_MODEL_H
#define PRORATIO_ENGINE_FUNDING_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where an instrument's funding stands; zeroed before the first call. */
typedef struct pr_funding_clock {
    size_t idx;              /* next rate of a series not yet due              */
    int64_t next;            /* next time of a constant rate not yet charged   */
    int started;             /* next is set                                    */
} pr_funding_clock;

/* Receives one payment due at `rate` (a fraction of the position's value). */
typedef void (*pr_funding_pay_fn)(void *ctx, double rate);

/* A series' funding time to the nearest minute: venues stamp settlements
 * with a few milliseconds of jitter (08:00:00.001), which must not move one
 * inside the bar that opens at 08:00. */
int64_t pr_funding_time(int64_t t);

/* Funding due before t0 that no earlier call covered (the data has a gap
 * there): pays each when `holding` (a position was held across the gap). */
void pr_funding_due_before(pr_funding_clock *c, const pr_funding *fd, int64_t t0, int holding, pr_funding_pay_fn pay,
                           void *ctx);
/* Funding due in [t0, t1): pays each when `holding`; the clock moves to t1. */
void pr_funding_due_in(pr_funding_clock *c, const pr_funding *fd, int64_t t0, int64_t t1, int holding,
                       pr_funding_pay_fn pay, void *ctx);
/* The first funding time after t and before end; INT64_MAX when none (and
 * for an instrument without funding). */
int64_t pr_funding_next(const pr_funding_clock *c, const pr_funding *fd, int64_t t, int64_t end);

#ifdef __cplusplus
}
#endif
#endif
