/* The order book (order_book.h): working orders in id order, the record of
 * every order by id, and the lifecycle between them (waiting children,
 * cancellation with the children, rejection, one-cancels-the-rest by
 * position or by group, expiry, children starting when their parent
 * fills, compaction of the working list). It knows no broker:
 * the simulated broker owns one, a paper broker another. */
#include <stdlib.h>
#include <string.h>
#include "proratio/engine.h"

int pr_book_init(pr_book *b, size_t n_instruments, const pr_allocator *alloc) {
    memset(b, 0, sizeof *b);
    if (alloc && alloc->alloc && alloc->release) b->alloc = *alloc;
    b->n_inst = n_instruments;
    b->n_live = calloc(n_instruments ? n_instruments : 1, sizeof *b->n_live);
    return b->n_live ? PR_OK : PR_ENOMEM;
}

void pr_book_free(pr_book *b) {
    pr_allocator_free(&b->alloc, b->lv);
    pr_allocator_free(&b->alloc, b->hist);
    free(b->n_live);
    memset(b, 0, sizeof *b);
}

int pr_book_reserve(pr_book *b, size_t orders) {
    return pr_allocator_grow(&b->alloc, (void **)&b->hist, &b->cap_hist, orders, sizeof *b->hist) ? PR_ENOMEM
                                                                                                  : PR_OK;
}

void pr_book_set_status(pr_book *b, pr_book_order *so, pr_order_status st) {
    int was = pr_book_is_live(so->o.status), now = pr_book_is_live(st);
    so->o.status = st;
    b->hist[so->o.id - 1].status = (int8_t)st;
    b->changes++;
    if (was && !now) {
        b->n_live[so->o.instrument]--;
        b->n_dead++;
    }
}

PR_HOT void pr_book_filled(pr_book *b, pr_book_order *so, double q, double px) {
    so->o.filled_qty = q;
    so->o.avg_price = px;
    b->hist[so->o.id - 1].filled_qty = q;
    b->hist[so->o.id - 1].avg_price = px;
    pr_book_set_status(b, so, PR_OS_FILLED);
}

PR_HOT void pr_book_compact(pr_book *b) {
    if (b->n_dead == 0) return;
    size_t k = 0;
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_record *h = &b->hist[b->lv[j].o.id - 1];
        if (pr_book_is_live(b->lv[j].o.status)) {
            if (k != j) b->lv[k] = b->lv[j];
            h->slot = (int32_t)k++;
        } else {
            h->slot = -1;
        }
    }
    b->n_lv = k;
    b->n_dead = 0;
}

static void cancel_children(pr_book *b, uint64_t parent) {
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *c = &b->lv[j];
        if (c->o.status == PR_OS_WAITING && c->o.parent == parent) {
            pr_book_set_status(b, c, PR_OS_CANCELLED);
            cancel_children(b, c->o.id);
        }
    }
}

void pr_book_cancel(pr_book *b, pr_book_order *so) {
    if (!pr_book_is_live(so->o.status)) return;
    pr_book_set_status(b, so, PR_OS_CANCELLED);
    cancel_children(b, so->o.id);
}

/* Set on the bracket orders that go with a rejected entry (cancelled, not
 * rejected themselves), so a run can say where its orders went. */
static const char k_with_rejected[] = "cancelled with its rejected parent order";

void pr_book_reject(pr_book *b, pr_book_order *so, const char *why) {
    so->o.reject = why;
    b->hist[so->o.id - 1].reject = why;
    for (size_t j = 0; j < b->n_lv; j++)
        if (b->lv[j].o.status == PR_OS_WAITING && b->lv[j].o.parent == so->o.id)
            b->lv[j].o.reject = b->hist[b->lv[j].o.id - 1].reject = k_with_rejected;
    if (pr_book_is_live(so->o.status)) {
        pr_book_set_status(b, so, PR_OS_REJECTED);
        cancel_children(b, so->o.id);
    } else {
        so->o.status = PR_OS_REJECTED;
        b->changes++;
    }
}

void pr_book_cancel_reduce_only(pr_book *b, int inst) {
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *c = &b->lv[j];
        if (c->o.instrument == inst && c->o.status == PR_OS_ACTIVE && c->o.reduce_only) pr_book_cancel(b, c);
    }
}

void pr_book_cancel_all_of(pr_book *b, int inst) {
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *c = &b->lv[j];
        if (c->o.instrument == inst && pr_book_is_live(c->o.status)) pr_book_cancel(b, c);
    }
}

PR_HOT void pr_book_cancel_expired(pr_book *b, int inst, int64_t ts) {
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *so = &b->lv[j];
        if (so->o.instrument == inst && pr_book_is_live(so->o.status) && so->o.expire && so->o.expire <= ts)
            pr_book_cancel(b, so);
    }
}

PR_HOT static int push_record(pr_book *b, const pr_order *o, int32_t slot) {
    if (pr_allocator_grow(&b->alloc, (void **)&b->hist, &b->cap_hist, b->n_hist + 1, sizeof *b->hist)) return -1;
    pr_book_record *h = &b->hist[b->n_hist++];
    h->filled_qty = o->filled_qty;
    h->avg_price = o->avg_price;
    h->reject = o->reject;
    h->slot = slot;
    h->instrument = o->instrument;
    h->status = (int8_t)o->status;
    h->side = (int8_t)o->side;
    h->type = (int8_t)o->type;
    h->role = (int8_t)o->role;
    return 0;
}

PR_HOT int pr_book_add(pr_book *b, const pr_order *o, int64_t live_from) {
    int live = pr_book_is_live(o->status);
    if (live && pr_allocator_grow(&b->alloc, (void **)&b->lv, &b->cap_lv, b->n_lv + 1, sizeof *b->lv))
        return PR_ENOMEM;
    if (push_record(b, o, live ? (int32_t)b->n_lv : -1)) return PR_ENOMEM;
    if (live) {
        pr_book_order *so = &b->lv[b->n_lv++];
        so->o = *o;
        so->live_from = live_from;
        b->n_live[o->instrument]++;
    }
    return PR_OK;
}

int pr_book_add_internal(pr_book *b, int inst, int side, pr_order_role role, int64_t now, size_t *slot) {
    if (pr_allocator_grow(&b->alloc, (void **)&b->lv, &b->cap_lv, b->n_lv + 1, sizeof *b->lv)) return PR_ENOMEM;
    pr_book_order *so = &b->lv[b->n_lv];
    memset(so, 0, sizeof *so);
    pr_order_init(&so->o, inst, side, PR_ORDER_MARKET, role);
    so->o.qty_mode = PR_QTY_CLOSE;
    so->o.reduce_only = 1;
    so->o.id = b->n_hist + 1;
    so->o.submitted = now;
    so->o.status = PR_OS_ACTIVE;
    so->live_from = now;
    if (push_record(b, &so->o, (int32_t)b->n_lv)) return PR_ENOMEM;
    b->n_live[inst]++;
    *slot = b->n_lv++;
    return PR_OK;
}

PR_HOT pr_book_order *pr_book_live(pr_book *b, uint64_t id) {
    if (id == 0 || id > b->n_hist || b->hist[id - 1].slot < 0) return NULL;
    return &b->lv[b->hist[id - 1].slot];
}

PR_HOT void pr_book_start_children(pr_book *b, const pr_order *parent, double q, const pr_instrument *in, int64_t ts,
                            int64_t limits_from) {
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *ch = &b->lv[j];
        if (ch->o.status != PR_OS_WAITING || ch->o.parent != parent->id) continue;
        if (ch->o.qty_mode == PR_QTY_PARENT_FRAC) {
            double cq = ch->o.qty * q;
            if (in && in->lot_step > 0) cq = pr_instrument_round_qty(in, cq);
            ch->o.qty_mode = PR_QTY_UNITS;
            ch->o.qty = cq;
            if (!(cq > 0)) {
                pr_book_reject(b, ch, "take-profit tier rounds to zero quantity");
                continue;
            }
        }
        ch->o.status = PR_OS_ACTIVE;
        b->changes++;
        ch->o.submitted = parent->submitted;
        ch->live_from = ch->o.type == PR_ORDER_LIMIT ? limits_from : ts;
    }
}

void pr_book_cancel_oco(pr_book *b, const pr_book_order *so) {
    if (!so->o.oco) return;
    for (size_t j = 0; j < b->n_lv; j++) {
        pr_book_order *ch = &b->lv[j];
        if (ch != so && ch->o.oco == so->o.oco && pr_book_is_live(ch->o.status)) pr_book_cancel(b, ch);
    }
}
