/* Part of engine.h: the order book a broker keeps, independent of any one
 * broker: the working orders in id order, the record of every order by id,
 * and their lifecycle (children waiting for their parent, cancellation with
 * the children, rejection, one-cancels-the-rest by position, expiry). The
 * simulated broker owns one and a paper broker owns another; what fills an
 * order and at what price is the fill model's (fill_model.h). */
#ifndef PRORATIO_ENGINE_ORDER_BOOK_H
#define PRORATIO_ENGINE_ORDER_BOOK_H

#include "proratio/engine/broker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A working order. */
typedef struct pr_book_order {
    pr_order o;
    int64_t live_from;       /* a take-profit activated inside a bar waits for the next */
} pr_book_order;

/* What is kept of every order, by id: enough for status queries after it
 * stopped working (the full record lives only while it works). */
typedef struct pr_book_record {
    double filled_qty, avg_price;
    const char *reject;
    int32_t slot;            /* index in the working list, -1 when gone      */
    int32_t instrument;
    int8_t status, side, type, role;
} pr_book_record;

typedef struct pr_book {
    size_t *n_live;          /* per instrument: orders ACTIVE or WAITING (first:
                                a broker reads it on every bar)                   */
    size_t n_inst;
    pr_book_order *lv;       /* working orders in id order (dead ones until compaction) */
    size_t n_lv, cap_lv;
    size_t n_dead;           /* entries of lv no longer working                  */
    pr_book_record *hist;    /* every order ever added, id = index + 1           */
    size_t n_hist, cap_hist;
    pr_allocator alloc;      /* for lv and hist (may be empty: malloc)            */
    uint64_t changes;        /* raised whenever an order's status, filled
                                quantity or average price changes (a broker's
                                pr_broker_vt.changes)                             */
} pr_book;

/* A book for n_instruments instruments; alloc may be NULL (malloc/free) and
 * must outlive the book. */
int pr_book_init(pr_book *b, size_t n_instruments, const pr_allocator *alloc);
void pr_book_free(pr_book *b);

static inline int pr_book_is_live(pr_order_status st) { return st == PR_OS_ACTIVE || st == PR_OS_WAITING; }

/* Room for `orders` records in all (before a run that knows its size). */
int pr_book_reserve(pr_book *b, size_t orders);
/* The id the next order added gets. */
static inline uint64_t pr_book_next_id(const pr_book *b) { return b->n_hist + 1; }
/* Adds o (its id pr_book_next_id, its status set by the caller): its
 * record, and when it is live (ACTIVE or WAITING) a working order that
 * may fill from live_from. PR_ENOMEM when out of memory. */
int pr_book_add(pr_book *b, const pr_order *o, int64_t live_from);
/* A market order that closes inst's position, placed by the broker itself
 * (a liquidation): *slot is its index in b->lv. */
int pr_book_add_internal(pr_book *b, int inst, int side, pr_order_role role, int64_t now, size_t *slot);
/* The working order with that id, NULL when it stopped working. */
pr_book_order *pr_book_live(pr_book *b, uint64_t id);

void pr_book_set_status(pr_book *b, pr_book_order *so, pr_order_status st);
/* Records a fill of q at px and marks the order filled. */
void pr_book_filled(pr_book *b, pr_book_order *so, double q, double px);
/* The waiting children of `parent`, filled q at time ts, start working: a
 * child sized as a fraction of its parent gets that fraction of q, rounded
 * to in's lot step (in may be NULL: no rounding), and is rejected when it
 * rounds to zero; limits may fill from limits_from (a take-profit activated
 * inside a bar waits for the next), the others from ts. */
void pr_book_start_children(pr_book *b, const pr_order *parent, double q, const pr_instrument *in, int64_t ts,
                            int64_t limits_from);
/* Cancels the live orders of so's one-cancels-the-other group but so. */
void pr_book_cancel_oco(pr_book *b, const pr_book_order *so);
/* Cancels a working order and its waiting children. */
void pr_book_cancel(pr_book *b, pr_book_order *so);
/* Rejects it with `why` (a static string); its waiting children are
 * cancelled, marked as going with their rejected parent. */
void pr_book_reject(pr_book *b, pr_book_order *so, const char *why);
/* The working reduce-only orders of inst (the other legs of a bracket once
 * the position is flat: one-cancels-the-rest by position). */
void pr_book_cancel_reduce_only(pr_book *b, int inst);
void pr_book_cancel_all_of(pr_book *b, int inst);
/* Orders of inst expiring at or before ts go before a bar opening at ts. */
void pr_book_cancel_expired(pr_book *b, int inst, int64_t ts);
/* Drops the orders that stopped working from b->lv (slots change). */
void pr_book_compact(pr_book *b);

#ifdef __cplusplus
}
#endif
#endif
